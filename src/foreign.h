/*
 * foreign.h - delivery status lines that another program wrote.
 *
 * A syslog file may hold delivery status lines of a program bouncestat
 * has no reader for: a relay that logs "status=bounced" as Postfix does
 * under a name of its own, a second MTA on a central syslog server.  Its
 * lines are not read (a guess at their fields would count what may not
 * be an event), but they are not passed over without a word either: each
 * is a BS_NOTE_FOREIGN note naming its program, counted in the input's
 * stats, and the input gets a warning (run.c).  README "Two formats in one
 * file".
 */
#ifndef BS_FOREIGN_H
#define BS_FOREIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"

/*
 * The program of syslog line s[0..n): the word before the first ": "
 * (without its "[PID]"), as "Nov 28 10:00:00 mx1 relayd[42]: ..."
 * writes it, or false when the line has no such prefix.
 */
bool bs_foreign_program(const char *s, size_t n, struct bs_text *prog);

/*
 * Whether s[0..n), which a reader did not take, is a delivery status
 * line ("status=" then sent, bounced, deferred or expired) of a program
 * whose name holds neither "postfix" nor "exim"; if so, emit a
 * BS_NOTE_FOREIGN note naming that program.  Only called for lines the
 * readers did not take, so it costs nothing on the hot path.
 */
bool bs_foreign_status(const char *s, size_t n, bs_event_fn emit, void *ctx);

#endif
