/*
 * tail.h - following a live log by name through rotation, as "tail -F"
 * does, or standard input as it grows; the lines go to a callback.
 *
 * A tail owns one path.  It holds at most two open files: the current
 * one, and the one a rotation has just replaced, which it keeps reading
 * until that file has been quiet for BS_FOLLOW_RETIRE_MS (writers reopen
 * their log some time after the rotator has created the new one).  Each
 * open file is a followed source (source_follow.c) with its own line
 * splitter (lines.c), so a partial last line in one never meets the bytes
 * of the other; lines are handed out in place, with no allocation per
 * line, and are valid only during the callback.
 *
 * Rotation is recognised after the end of the current file is reached:
 *   - the path names another file (rename and create, delete and
 *     recreate): the old file is read to its end, kept as the retired
 *     file, and the new one is read from its start;
 *   - the path is missing: the current file is retired the same way and
 *     the path is watched until a file appears, which is read from its
 *     start;
 *   - the current file is shorter than what was read, or the bytes just
 *     before the read offset have changed (copytruncate, even when the
 *     writer has already written past the old offset): the held partial
 *     line is dropped and the file is read again from offset 0 - unless
 *     it was only cut back to a part already read, which is not read
 *     twice: reading goes on from the new end (source_follow.h).  Either
 *     way a notice for the operator waits in bs_tail_notice.
 *
 * "-" is standard input, followed by its descriptor: a pipe until its
 * writer closes it (then the tail has ended), a regular file as it grows
 * (truncation is noticed; rotation by name cannot be).
 *
 * Nothing here prints or knows about signals beyond the mask it is given.
 */
#ifndef BS_TAIL_H
#define BS_TAIL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "lines.h"

struct bs_tail;

/*
 * Called with each complete line, without its newline and trailing CR.
 * Return BS_OK to go on; any other status stops the reading and is
 * returned by bs_tail_read_lines (meant for fatal errors: the tail should
 * then be closed).
 */
typedef bs_status (*bs_tail_line_fn)(void *ctx, const struct bs_line *line);

/*
 * Start following path ("-": standard input).  An existing file is read
 * from its end, or from its start with from_start (a pipe: from wherever
 * it is); a path that does not exist yet is not an error: the file is
 * read from its start once it appears.  Returns BS_ERR_NOMEM, or
 * BS_ERR_IO with d filled when the path is a directory.
 */
bs_status bs_tail_open(const char *path, bool from_start,
    struct bs_tail **out, struct bs_diag *d);

/*
 * Read everything available now (at most BS_FOLLOW_BURST reads of each
 * file; bs_tail_wait then returns at once) and call fn for every complete
 * line, handling rotation as described above.  Line numbers count the
 * lines this tail has handed out, across rotations.  BS_ERR_IO with d
 * filled reports a problem that the tail will retry on its own (a file
 * that cannot be opened or read); it is reported once until it changes.
 * At the end of standard input's pipe, its last line, with or without a
 * newline, is handed out and the tail has ended.
 */
bs_status bs_tail_read_lines(struct bs_tail *t, bs_tail_line_fn fn,
    void *ctx, struct bs_diag *d);

/*
 * Block until one of the tails may have data, or timeout_ms passes
 * (negative: no timeout; capped at BS_FOLLOW_POLL_MS for a tail that
 * cannot use inotify).  Tails that have ended are not waited for.  With
 * sigmask, that mask is installed while waiting (ppoll/pselect), so that
 * signals blocked by the caller outside the wait are delivered only here
 * and cannot slip in between the caller's check of its flags and the
 * sleep.  Returns 1 when woken by a change, 0 on timeout, -1 with errno
 * set (EINTR: a signal arrived).
 */
int bs_tail_wait(struct bs_tail *const *tails, size_t n, int timeout_ms,
    const sigset_t *sigmask);

/*
 * A notice for the operator, with status BS_OK, when one is waiting:
 * "mail.log: truncated from 4096 to 1024 bytes; ...".  Returns false when
 * there is none.  Take it after each bs_tail_read_lines.
 */
bool bs_tail_notice(struct bs_tail *t, struct bs_diag *d);

/* Whether a file is open (false while waiting for the path to appear). */
bool bs_tail_is_open(const struct bs_tail *t);

/* Whether the data has ended for good: standard input's pipe closed. */
bool bs_tail_ended(const struct bs_tail *t);

/* Close the files; a partial line still held is dropped.  NULL is a no-op. */
void bs_tail_close(struct bs_tail *t);

#endif
