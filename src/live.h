/*
 * live.h - the arithmetic of the live view (--follow on a terminal): what
 * the last interval and a sliding window held, and what changed since the
 * last refresh, out of the follower's cumulative aggregate.
 *
 * Each refresh hands over the cumulative counts (a finished aggregate, or
 * a sample in tests); the module keeps the counts it saw the time before,
 * so their difference is the interval's, kept as one slot of a ring.  A
 * slot holds the interval's kind totals exactly, and its
 * BS_LIVE_SLOT_KEYS largest code and domain counts (smaller ones are left
 * out of the window's per-code and per-domain counts, which the view then
 * marks as lower bounds).  The window is the slots that ended within it.
 *
 * Memory is bounded by bslimits.h: a ring of at most BS_LIVE_SLOTS +
 * BS_LIVE_SLOTS_SPARE slots of 1104 bytes (1.5 MiB), a table of at most
 * BS_ROWS_MAX + 1 codes and one of at most BS_LIVE_DOMAINS domains, 96
 * bytes an entry, allocated whole (0.3 MiB), and the domains' names, each
 * at most BS_TOPK_KEY_MAX bytes (1 MiB): about 3 MiB in all at the
 * limits, 0.35 MiB with a window of a few intervals.
 */
#ifndef BS_LIVE_H
#define BS_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bslimits.h"
#include "diag.h"
#include "event.h"

struct bs_agg;

/* Cumulative counts, as a refresh hands them over. */
struct bs_live_code_in {
	enum bs_kind kind;
	struct bs_codes codes;
	unsigned connfail;	/* BS_CONN_* (part of a code row's key) */
	uint64_t count;
};

struct bs_live_domain_in {
	const char *name;	/* raw bytes from the log */
	size_t len;
	uint64_t failures;
	struct bs_codes top;	/* its most frequent failure code, or none */
};

struct bs_live_sample {
	uint64_t kind[BS_KIND_COUNT];
	const struct bs_live_code_in *codes;
	size_t ncodes;
	const struct bs_live_domain_in *domains;
	size_t ndomains;
	bool domains_counted;	/* false: no domain breakdown was counted */
};

/*
 * One code (name NULL) or one recipient domain of the view: its count in
 * the last interval, in the window (a lower bound when the view's
 * window_partial says so) and since the start.
 */
struct bs_live_row {
	const char *name;	/* raw bytes, owned by the bs_live; NULL: a code */
	size_t len;
	enum bs_kind kind;	/* codes */
	struct bs_codes codes;	/* a code, or a domain's top failure code */
	unsigned connfail;
	uint64_t interval, window, total;
};

/*
 * What the view shows, valid until the next update.  codes: failure codes
 * (delivered left out) with events in the window, most first; domains:
 * recipient domains with failures in the window, most first.  new_codes:
 * failure codes with events in the last interval and none in the window
 * as it stood at the refresh before (with a window as long as the
 * interval: none in the interval before); new_domains: domains that
 * failed in the last interval and not in that window.  Each list holds at
 * most BS_LIVE_TOP rows; more_* count those left out.
 */
struct bs_live_view {
	uint64_t refreshes;		/* 1 at the first */
	int64_t interval_ms;		/* the last interval's length */
	int64_t window_ms;		/* the span the window's counts cover */
	int64_t window_asked_ms;	/* --window */
	uint64_t interval[BS_KIND_COUNT];
	uint64_t window[BS_KIND_COUNT];
	uint64_t total[BS_KIND_COUNT];
	bool window_partial;		/* per-row window counts are lower bounds */
	bool domains_counted;
	size_t ncodes, ndomains, nnew_codes, nnew_domains;
	uint64_t more_codes, more_domains, more_new_codes, more_new_domains;
	struct bs_live_row codes[BS_LIVE_TOP];
	struct bs_live_row domains[BS_LIVE_TOP];
	struct bs_live_row new_codes[BS_LIVE_TOP];
	struct bs_live_row new_domains[BS_LIVE_TOP];
};

struct bs_live;

/*
 * A live view refreshed about every interval_s seconds over a window of
 * window_s (at least interval_s, at most BS_LIVE_SLOTS intervals: the
 * options check both), started at start_ms on a monotonic clock.  NULL
 * when out of memory or when the window is out of those bounds.
 */
struct bs_live *bs_live_new(unsigned interval_s, unsigned window_s,
    int64_t start_ms);
void bs_live_free(struct bs_live *l);

/*
 * A refresh at now_ms (the same clock, not before the last): s holds the
 * counts since the start.  Counts that went down (a breakdown that began
 * to estimate) count as no change.  BS_ERR_NOMEM when out of memory.
 */
bs_status bs_live_update(struct bs_live *l, const struct bs_live_sample *s,
    int64_t now_ms);

/* The same from a finished cumulative aggregate (its domain breakdown). */
bs_status bs_live_update_agg(struct bs_live *l, const struct bs_agg *a,
    int64_t now_ms);

/* What the view shows after the last update (all zero before one). */
const struct bs_live_view *bs_live_view(const struct bs_live *l);

#endif
