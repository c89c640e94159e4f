/*
 * outcome.h - what happened in the end to each recipient of a queued
 * message (DESIGN.md "Outcomes").
 *
 * A recipient is a message id and a recipient address.  Its events are
 * followed from the first one read to its end: delivered, bounced or
 * expired (at once or after deferrals), or still deferred when the log
 * ends.  Refusals, and events without a message id or a recipient, are
 * not recipients, except Postfix qmgr's "status=expired, returned to
 * sender" (an expiry with a message id and no recipient), which ends
 * every recipient of that message still deferred, as expired.
 *
 * A tracker owns a table of recipients in flight (a resolved recipient
 * is forgotten), counts of outcomes, and two delay histograms.  A run's
 * first tracker (bs_outcome_new) and every tracker made after it for
 * whole inputs share one budget of BS_OUTCOME_RECIPIENTS records; past
 * it a recipient is not tracked, and the counts say they are estimates,
 * each within error_bound of the truth.
 *
 * Reading in parallel: a tracker made by bs_outcome_new_after reads a
 * later part of the run (a piece of a file, or a later file) without
 * knowing what came before.  For each recipient whose first event it
 * reads, and for each message it sees expire, it keeps what the
 * earlier part needs to join it: the recipient's summary until its first
 * end (deferrals, times, outcome), and the expiry.  bs_outcome_merge
 * joins such a tracker to the one that read everything before it, so
 * that merging the parts in order counts what one tracker reading them
 * in order counts.  A piece's records are bounded by its size
 * (BS_SPLIT_PIECE) and take nothing from the budget.
 */
#ifndef BS_OUTCOME_H
#define BS_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bslimits.h"
#include "diag.h"
#include "event.h"

/* How many deferrals came before an outcome: 1, 2-3, 4-10, more. */
enum {
	BS_DEFERRALS_1,
	BS_DEFERRALS_2_3,
	BS_DEFERRALS_4_10,
	BS_DEFERRALS_MORE,
	BS_DEFERRALS_BUCKETS
};

/*
 * Delay percentiles in seconds (nearest rank), each within
 * BS_OUTCOME_DELAY_ERROR of the true one (relative; below 0.64 s to the
 * hundredth of a second); max is exact.  None when samples is 0.
 */
struct bs_delays {
	uint64_t samples;
	double p50, p90, p99, max;
};

/* A recipient domain with recipients still deferred at the end. */
struct bs_outcome_domain {
	const char *name; /* raw, lower case; owned by the tracker */
	size_t len;
	uint64_t count;
};

/* The relative error bound of a percentile (a bucket's half width). */
#define BS_OUTCOME_DELAY_ERROR (1.0 / 64)

/* Domains named in the still-deferred list (most recipients first). */
#define BS_OUTCOME_TOP_DOMAINS 3

/*
 * The relative error bound of a per-domain percentile: a domain's
 * histogram has a quarter of the buckets of the run's (1 KiB at most).
 */
#define BS_OUTCOME_DOMAIN_DELAY_ERROR (1.0 / 16)

enum bs_outcome_dom_type {
	BS_OUTCOME_DOM_KEY,   /* a named domain */
	BS_OUTCOME_DOM_OTHER, /* the domains past BS_OUTCOME_DOMAINS */
	BS_OUTCOME_DOM_NULL   /* recipients without a domain */
};

/*
 * The outcomes of the recipients of one recipient domain (--by domain):
 * the counts of struct bs_outcomes, and the delays of mail delivered
 * after a deferral, within BS_OUTCOME_DOMAIN_DELAY_ERROR.
 */
struct bs_outcome_by_domain {
	enum bs_outcome_dom_type type;
	const char *name; /* raw, lower case, owned by the tracker; KEY */
	size_t len;
	uint64_t recipients;
	uint64_t delivered_first, delivered_after_deferral;
	uint64_t bounced_first, bounced_after_deferral;
	uint64_t expired, still_deferred;
	struct bs_delays delay_after_deferral;
};

struct bs_outcomes {
	uint64_t recipients;
	uint64_t delivered_first, delivered_after_deferral;
	uint64_t bounced_first, bounced_after_deferral;
	uint64_t expired, still_deferred;
	/*
	 * Recipients deferred at least once (every outcome after a
	 * deferral, and the recipients still deferred), by how many
	 * deferrals they had; deferred is their sum.
	 */
	uint64_t deferred;
	uint64_t deferrals_before[BS_DEFERRALS_BUCKETS];
	/*
	 * Delays: from the event's delay= (Postfix delay=, Exim DT=), else
	 * from the times of the recipient's first and last event when it
	 * had more than one; a lone delivery without delay= has none.
	 */
	struct bs_delays delay_delivered, delay_after_deferral;
	/* Recipients that could not be tracked: each count within it. */
	bool estimated;
	uint64_t error_bound;
	/* Still deferred: the domains with most, and those without one. */
	size_t ndomains;
	struct bs_outcome_domain domains[BS_OUTCOME_TOP_DOMAINS];
	/*
	 * Per recipient domain (bs_outcome_by_domain only, else none): a
	 * row for each of the first BS_OUTCOME_DOMAINS domains read, one
	 * "(other)" for the rest and one for recipients without a domain,
	 * most recipients first ("(other)" and no domain last).  The rows
	 * add up to the counts above; estimated and error_bound hold for
	 * them too.  Owned by the tracker, valid until the next finish.
	 */
	size_t nby_domain;
	const struct bs_outcome_by_domain *by_domain;
};

struct bs_outcome;

/* A run's first tracker, with a budget of its own; NULL if no memory. */
struct bs_outcome *bs_outcome_new(void);

/*
 * A tracker for a part of the run read after what o reads, sharing o's
 * budget (see above).  piece: a piece of a file, bounded by its size,
 * which takes nothing from the budget.  NULL if out of memory.
 */
struct bs_outcome *bs_outcome_new_after(const struct bs_outcome *o, bool piece);

/*
 * Count outcomes per recipient domain too (--by domain), before o reads
 * any event; trackers made after o do the same.  It costs a lookup of
 * the domain at each recipient's first event, and at most
 * (BS_OUTCOME_DOMAINS + 2) * (64 B + 1 KiB) per tracker.
 */
void bs_outcome_by_domain(struct bs_outcome *o);

/* o and its records; NULL does nothing. */
void bs_outcome_free(struct bs_outcome *o);

/*
 * Follow one event (hot: once per event with a message id).  h48 is the
 * message id's hash as agg.c computes it (bs_hash_bytes >> 16).
 * BS_ERR_NOMEM when out of memory.
 */
bs_status bs_outcome_event(struct bs_outcome *o, const struct bs_event *ev,
    uint64_t h48);

/*
 * A content-filter hop of a recipient (hop.h): no outcome of its own; a
 * deferral of it in flight is forgotten, not counted, because the
 * recipient goes on under the new id.  Like bs_outcome_event otherwise.
 */
bs_status bs_outcome_hop(struct bs_outcome *o, const struct bs_event *ev,
    uint64_t h48);

/*
 * Join src, which read what comes right after what dst read, into dst.
 * src is not changed.  BS_ERR_NOMEM when out of memory.
 */
bs_status bs_outcome_merge(struct bs_outcome *dst,
    const struct bs_outcome *src);

/*
 * Make the results (the recipients in flight are the still deferred).
 * Events may still come afterwards, and finish be called again.
 */
bs_status bs_outcome_finish(struct bs_outcome *o);
const struct bs_outcomes *bs_outcome_results(const struct bs_outcome *o);

/*
 * Bytes of o's tables that grow with what it reads: the records, and the
 * counts per domain (jobs.c bounds a piece's by them).  A table that the
 * next ahead records make double counts thrice, as it will while it does.
 */
size_t bs_outcome_held(const struct bs_outcome *o, size_t ahead);

/*
 * Forget the outcomes counted so far but keep the recipients in flight
 * (follow intervals: a recipient deferred in one interval and delivered
 * in the next counts in the next, as delivered after deferral).
 */
void bs_outcome_reset(struct bs_outcome *o);

/* The bucket of a delay in seconds, and what a bucket reports (tests). */
size_t bs_outcome_bucket(double seconds);
double bs_outcome_bucket_value(size_t bucket);

#endif
