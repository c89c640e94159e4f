/*
 * window.h - time windows (--since, --until) and reading log timestamps.
 *
 * Classic syslog timestamps ("Nov 28 10:00:00") carry no year: it is
 * inferred from a reference time (the file's modification time, now for
 * standard input, the wall clock as it goes for a follower), as the year
 * that puts the date at most a day after the reference and less than a
 * year before it: a "Dec 31" line read with a reference in early January
 * is last year's, a "Jan  1" line read on the evening of Dec 31 next
 * year's.
 *
 * Local time without a zone is ambiguous in the hour that comes twice
 * when summer time ends.  A reader takes such a stamp as the first pass
 * of that hour, unless the stamp it read last was past the change, or the
 * first pass would put this one more than a quarter of an hour before it:
 * the log went back by about an hour, so the second pass has begun (see
 * window.c).
 */
#ifndef BS_WINDOW_H
#define BS_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "diag.h"

struct bs_window {
	bool has_since, has_until;
	time_t since;		/* events at or after */
	time_t until;		/* events before */
};

/*
 * Parse a --since/--until argument relative to now: ISO dates and times
 * ("2026-11-28", "2026-11-28 10:00", "2026-11-28T10:00:00",
 * "2026-11-28T10:00:00+01:00", "...Z"), "today", "yesterday" (their
 * midnight, local time), "now", and relative spans "-24h", "-7d", "-30m",
 * "-90s", "-2w" (plain seconds back from now).  Local time unless a zone
 * is given.  BS_ERR_USAGE with d filled
 * when it is malformed.
 */
bs_status bs_window_parse_arg(const char *arg, time_t now, time_t *out,
    struct bs_diag *d);

/*
 * The time of an event from its timestamp as written in the log (the
 * bs_event stamp): classic syslog (year inferred from ref, unless the
 * stamp names it: "Nov 28 2026 10:00:00", "2026 Nov 28 10:00:00"), RFC
 * 3339, Exim's "2026-11-28 10:00:00[.123][ +0100]", Exchange's
 * "2026-11-28T10:00:00.123Z"; a syslog stamp may end in a zone after a
 * space (" +0100", " UTC", " GMT", or the local clock's own name for
 * itself, " CET", which is then local time).  Returns false when it
 * cannot be read.
 */
bool bs_window_stamp(const char *s, size_t n, time_t ref, time_t *out);

/*
 * Reading the stamps of one input: its reference time and a cache of the
 * last local day converted, because mktime is slow (glibc looks at
 * /etc/localtime on every call when TZ is unset) and a log's stamps come
 * day after day.  Caller-owned, one per input and thread; no _fini.
 * Start it after any change of TZ.  The fields are private.
 */
struct bs_window_reader {
	int ref_year;		/* ref's local year; -1 if unknown */
	long long ref_wall;	/* ref's local wall clock, as if UTC */
	bool ref_new_year;	/* ref is within a day of next New Year */
	bool have_day, day_even;
	int day_year, day_mon, day_mday;
	time_t day_start;	/* the cached day's local midnight */
	/* A day on which the local clock's offset changes once: */
	bool day_split;
	long long day_wall;	/* its midnight's wall clock, as if UTC */
	long day_off1, day_off2;	/* offsets east of UTC, before/after */
	long long day_change;	/* when the offset changes */
	bool have_last;
	long long last;		/* the time of its stamp read last */
};

void bs_window_reader_init(struct bs_window_reader *r, time_t ref);

/* bs_window_stamp through r's reference time and cache (hot). */
bool bs_window_read(struct bs_window_reader *r, const char *s, size_t n,
    time_t *out);

/* Whether t falls inside the window. */
bool bs_window_contains(const struct bs_window *w, time_t t);

/*
 * Fill w from the --since and --until arguments (either may be NULL),
 * relative to now.  BS_ERR_USAGE with d filled, naming the option, when
 * one is malformed or when since is not before until (an empty window is
 * a typing mistake, not a question).
 */
bs_status bs_window_init(struct bs_window *w, const char *since,
    const char *until, time_t now, struct bs_diag *d);

/* Whether a window is set at all (no stamp needs reading otherwise). */
bool bs_window_active(const struct bs_window *w);

/* What to do with one event under a window. */
enum bs_window_verdict {
	BS_WINDOW_IN,		/* inside, or no window: count it */
	BS_WINDOW_OUT,		/* outside: skip it */
	BS_WINDOW_UNTIMED	/* no readable time: skip it, count that */
};

/*
 * The verdict for an event whose stamp (NULL when it has none) is read
 * with r.  Hot when a window is set: once per event.  Without a window
 * the stamp is not looked at, and r may be NULL.
 */
enum bs_window_verdict bs_window_check(const struct bs_window *w,
    struct bs_window_reader *r, const char *stamp, size_t n);

#endif
