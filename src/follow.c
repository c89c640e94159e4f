/*
 * follow.c - follow mode: live logs -> streams -> one aggregate, reported
 * every interval, on request, and once more at the end.
 *
 * The loop reads every tail, reacts to the caller's flags, and then
 * sleeps in bs_tail_wait until a file changes, the next report is due, or
 * a signal arrives; it never spins.  When the caller names its signals,
 * they stay blocked except inside that wait, so a flag set by a handler
 * is always seen before the next sleep.
 *
 * The year of classic syslog stamps comes from a reference time
 * (window.h), which for a follower is the wall clock: each stream's is
 * set again when the clock has moved REF_EVERY_S seconds past it, so that
 * a follower running for days, or across New Year, places each day's
 * stamps in the right year.  Setting it starts a stream's stamp reader
 * afresh (bs_stream_set_ref), and in the hour that comes twice when
 * summer time ends the reader tells the two passes apart by the stamps it
 * has read before; so the reference is left alone within REF_QUIET_S of
 * a change of the local clock's offset (the year needs no better than a
 * few hours: a day of slack is allowed).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "agg.h"
#include "bslimits.h"
#include "follow.h"
#include "run.h"
#include "tail.h"

/* Where the system does not say how many signals there are. */
#ifndef NSIG
#define NSIG	65
#endif

/* The longest sleep when a signal could slip in before it (no mask). */
#define UNMASKED_WAIT_MS	1000

/* Setting the streams' reference time: see above. */
#define REF_EVERY_S		60
#define REF_QUIET_S		(2 * 3600)
#define REF_RETRY_S		600

/* The streams' reference time and when it was set. */
struct refclock {
	const struct bs_follow_signals *sig;
	time_t ref;		/* set last */
	time_t retry;		/* near an offset change: look again then */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static time_t
wall_now(const struct bs_follow_signals *sig)
{
	return sig->clock != NULL ? sig->clock(sig->clock_ctx) : time(NULL);
}

/* Whether the local clock's offset changes within REF_QUIET_S of t. */
static bool
offset_changes_near(time_t t)
{
	time_t lo = t - REF_QUIET_S, hi = t + REF_QUIET_S;
	struct tm a, b;

	if (localtime_r(&lo, &a) == NULL || localtime_r(&hi, &b) == NULL)
		return false;
	return a.tm_isdst != b.tm_isdst || a.tm_gmtoff != b.tm_gmtoff;
}

/*
 * Give every stream the wall clock as its reference, when it is due
 * (always with force: at the start).  A clock set back counts as moved.
 */
static void
set_refs(struct refclock *rc, struct bs_stream **ss, size_t n, bool force)
{
	time_t now = wall_now(rc->sig);
	size_t i;

	if (!force) {
		if (now >= rc->ref && now - rc->ref < REF_EVERY_S)
			return;
		if (now >= rc->ref && now < rc->retry)
			return;
		if (offset_changes_near(now)) {
			rc->retry = now + REF_RETRY_S;
			return;
		}
	}
	for (i = 0; i < n; i++)
		bs_stream_set_ref(ss[i], now);
	rc->ref = now;
	rc->retry = now;
}

/* Hot: once per line read. */
static bs_status
to_stream(void *ctx, const struct bs_line *line)
{
	bs_status st = bs_stream_line(ctx, line);

	/* An unrecognised input ignores its lines; only memory is fatal. */
	return st == BS_ERR_NOMEM ? st : BS_OK;
}

/*
 * Read what every file has now.  Problems the tails retry on their own
 * are passed to warn; only running out of memory stops the run.  *ended:
 * every tail has ended (standard input's pipe was all there was).
 */
static bs_status
read_all(const struct bs_run_config *cfg, struct bs_tail **ts,
    struct bs_stream **ss, size_t n, bool *reported, bool *ended)
{
	struct bs_diag d, note;
	size_t i;

	*ended = true;
	for (i = 0; i < n; i++) {
		bs_status st;

		bs_diag_clear(&d);
		st = bs_tail_read_lines(ts[i], to_stream, ss[i], &d);
		/* A truncation, and what is done about it. */
		if (bs_tail_notice(ts[i], &note))
			bs_run_warn(cfg, &note);
		if (st == BS_ERR_IO) {
			bs_run_warn(cfg, &d);
			if (reported != NULL)
				reported[i] = true;
		} else if (st != BS_OK)
			return st;
		if (!bs_tail_ended(ts[i]))
			*ended = false;
	}
	return BS_OK;
}

/*
 * The format checks of every input whose sample is complete (once), and
 * with final those of the end of the run: *failed is set when an input
 * failed them.
 */
static void
check_all(struct bs_stream **ss, size_t n, bool final, bs_status *failed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bs_stream_check(ss[i], final) != BS_OK)
			*failed = BS_ERR_FORMAT;
}

static bs_status
report_all(struct bs_stream **ss, size_t n, struct bs_agg *agg, bool final,
    bs_status *failed, void (*report)(void *ctx, struct bs_agg *agg),
    void *report_ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((final ? bs_stream_flush(ss[i]) :
		    bs_stream_decide(ss[i])) == BS_ERR_NOMEM)
			return BS_ERR_NOMEM;
	check_all(ss, n, final, failed);
	if (bs_agg_finish(agg) != BS_OK)
		return BS_ERR_NOMEM;
	report(report_ctx, agg);
	return BS_OK;
}

/*
 * The mask to wait with: the caller's, with its signals let in even if
 * they came blocked (a signal mask is inherited across exec).
 */
static void
wait_mask_of(const sigset_t *old, const sigset_t *sigs, sigset_t *out)
{
	int signo;

	*out = *old;
	for (signo = 1; signo < NSIG; signo++)
		if (sigismember(sigs, signo) == 1)
			sigdelset(out, signo);
}

/*
 * The wait itself failed (not a signal): sleep a little rather than turn
 * the loop into a busy one.  Signals still end the sleep early.
 */
static void
pause_briefly(void)
{
	struct timespec ts = { 0, BS_FOLLOW_POLL_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* Tell the operator about each path that is not there yet. */
static void
warn_missing(const struct bs_run_config *cfg, char *const *names,
    struct bs_tail **ts, size_t n, const bool *reported)
{
	struct bs_diag d;
	size_t i;

	for (i = 0; i < n; i++) {
		if (reported[i] || bs_tail_is_open(ts[i]) ||
		    bs_tail_ended(ts[i]))
			continue;
		bs_diag_set(&d, BS_OK, names[i], 0, "does not exist yet; "
		    "waiting for it to appear");
		bs_run_warn(cfg, &d);
	}
}

bs_status
bs_run_follow(const struct bs_run_config *cfg, char *const *paths, size_t n,
    bool from_start, unsigned interval_s, struct bs_agg *agg,
    const struct bs_follow_signals *sig,
    void (*report)(void *ctx, struct bs_agg *agg), void *report_ctx)
{
	struct bs_tail **ts = calloc(n > 0 ? n : 1, sizeof(*ts));
	struct bs_stream **ss = calloc(n > 0 ? n : 1, sizeof(*ss));
	char **names = calloc(n > 0 ? n : 1, sizeof(*names));
	bool *reported = calloc(n > 0 ? n : 1, sizeof(*reported));
	int64_t interval_ms = (int64_t)interval_s * 1000, next, now;
	bs_status st = BS_OK, refused = BS_OK;
	struct refclock rc = { sig, 0, 0 };
	sigset_t old_mask, wait_mask;
	bool masked = false, ended = false;
	size_t i, k = 0;
	int pass;

	if (ts == NULL || ss == NULL || names == NULL || reported == NULL) {
		st = BS_ERR_NOMEM;
		goto out;
	}
	/* ts, ss and names hold the k paths that can be followed. */
	for (i = 0; i < n; i++) {
		struct bs_diag d;

		st = bs_stream_open(cfg, paths[i], agg, &ss[k]);
		if (st != BS_OK)
			goto out;
		bs_diag_clear(&d);
		st = bs_tail_open(paths[i], from_start, &ts[k], &d);
		if (st == BS_ERR_IO) {
			/* A directory, a closed stdin: the input fails. */
			struct bs_input_stats *is = bs_agg_input_stats(agg,
			    bs_agg_ninputs(agg) - 1);

			snprintf(is->error, sizeof(is->error), "%s", d.msg);
			bs_run_warn(cfg, &d);
			bs_stream_close(ss[k]);
			ss[k] = NULL;
			refused = BS_ERR_IO;
			continue;
		}
		if (st != BS_OK) {
			bs_stream_close(ss[k]);
			goto out;
		}
		names[k++] = paths[i];
	}
	st = BS_OK;
	if (k == 0)
		goto out;
	set_refs(&rc, ss, k, true);
	if (sig->mask != NULL &&
	    sigprocmask(SIG_BLOCK, sig->mask, &old_mask) == 0) {
		masked = true;
		wait_mask_of(&old_mask, sig->mask, &wait_mask);
	}
	st = read_all(cfg, ts, ss, k, reported, &ended);
	if (st != BS_OK)
		goto out;
	warn_missing(cfg, names, ts, k, reported);
	now = mono_ms();
	next = now + interval_ms;
	while (!*sig->stop && !ended) {
		int64_t timeout = -1;

		if (*sig->report_now || (interval_ms > 0 && now >= next)) {
			*sig->report_now = 0;
			st = report_all(ss, k, agg, false, &refused, report,
			    report_ctx);
			if (st != BS_OK)
				goto out;
			/* After a slow report, skip the ticks it overran. */
			while (interval_ms > 0 && next <= now)
				next += interval_ms;
			if (*sig->stop)
				break;
		}
		if (interval_ms > 0)
			timeout = next - now;
		if (!masked && (timeout < 0 || timeout > UNMASKED_WAIT_MS))
			timeout = UNMASKED_WAIT_MS;
		if (timeout > INT_MAX)
			timeout = INT_MAX;
		/* All read for now: what convinces is parsed, and out. */
		for (i = 0; i < k; i++)
			if (bs_stream_settle(ss[i]) == BS_ERR_NOMEM) {
				st = BS_ERR_NOMEM;
				goto out;
			}
		if (sig->idle != NULL)
			sig->idle(sig->idle_ctx);
		/* Woken by data, the clock or a signal: all handled above. */
		if (bs_tail_wait(ts, k, (int)timeout,
		    masked ? &wait_mask : NULL) < 0 && errno != EINTR)
			pause_briefly();
		set_refs(&rc, ss, k, false);
		st = read_all(cfg, ts, ss, k, NULL, &ended);
		if (st != BS_OK)
			goto out;
		check_all(ss, k, false, &refused);
		now = mono_ms();
	}
	/*
	 * Stopping: read what has arrived since (a bounded number of rounds,
	 * so that a writer faster than us cannot keep us here), report.
	 */
	for (pass = 0; pass < 64 && !ended; pass++) {
		set_refs(&rc, ss, k, false);
		st = read_all(cfg, ts, ss, k, NULL, &ended);
		if (st != BS_OK)
			goto out;
		if (ended || bs_tail_wait(ts, k, 0, NULL) <= 0)
			break;
	}
	st = report_all(ss, k, agg, true, &refused, report, report_ctx);
out:
	if (masked)
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
	for (i = 0; i < k; i++) {
		bs_tail_close(ts[i]);
		bs_stream_close(ss[i]);
	}
	free(reported);
	free(names);
	free(ss);
	free(ts);
	return st != BS_OK ? st : refused;
}
