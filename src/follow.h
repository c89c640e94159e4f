/*
 * follow.h - follow mode: live logs (tail.h) -> streams (run.h) -> one
 * aggregate, reported every interval, on request, and once more at the
 * end.
 */
#ifndef BS_FOLLOW_H
#define BS_FOLLOW_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "diag.h"

struct bs_agg;
struct bs_run_config;

/*
 * The caller's hold on the loop.  Flags set by its signal handlers:
 * report_now (SIGUSR1): report at once; stop (SIGINT, SIGTERM, SIGHUP):
 * read what is available, report once more and return.  mask, optional,
 * holds the signals whose handlers set them: bs_run_follow blocks them
 * while it works and lets them in only while it waits, so that none is
 * noticed late.  Without a mask a wait lasts at most one second.
 *
 * clock, optional (NULL: time(NULL)), is the wall clock that the year of
 * classic syslog stamps is taken from (window.h): a follower that runs
 * for days, or across New Year, reads today's stamps as today's.  Tests
 * give their own, to play days in a moment.
 *
 * idle, optional, is called before each wait for data: the caller
 * flushes what it streams (--format events), so that what was read
 * reaches a pipe or a file at once, not when a buffer fills.
 */
struct bs_follow_signals {
	volatile sig_atomic_t *report_now;
	volatile sig_atomic_t *stop;
	const sigset_t *mask;
	time_t (*clock)(void *ctx);
	void *clock_ctx;
	void (*idle)(void *ctx);
	void *idle_ctx;
};

/*
 * Follow paths[0..n) ("-": standard input) into agg, one stream (input)
 * per path, until *stop, or until every path has ended (only standard
 * input's pipe can end).  Every interval_s seconds (0: never; the
 * monotonic clock) and on *report_now, each stream is flushed, agg
 * finished, and report called; counts are cumulative since the start; a
 * last report comes before returning.  A path that is a directory fails
 * as an input (its error recorded in agg, and passed to cfg->warn) and
 * the others are followed; problems that follow mode retries on its own
 * (a file not there yet, unreadable for now), and notices (a file
 * truncated), only go to cfg->warn.
 * Returns BS_OK after the last report; BS_ERR_IO after it if a path was
 * refused, or at once, without a report, if every path was; BS_ERR_NOMEM.
 * The caller's signal mask is as it was on return.
 */
bs_status bs_run_follow(const struct bs_run_config *cfg, char *const *paths,
    size_t n, bool from_start, unsigned interval_s, struct bs_agg *agg,
    const struct bs_follow_signals *sig,
    void (*report)(void *ctx, struct bs_agg *agg), void *report_ctx);

#endif
