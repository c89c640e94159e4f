/*
 * breakdown.h - events counted by one key (--by): recipient domain,
 * remote host, sender, refused client, reason, hour, day.
 *
 * A row per key holds the five kind counts, the distinct messages and the
 * most frequent codes of its failures.  Keys are counted exactly while a
 * breakdown has at most BS_BY_KEYS of them; past that the heaviest are
 * kept with a bound (topk.h) and the others summed in the row "(other)",
 * so that the rows always add up to the totals.  Events without the key
 * (no recipient, no readable time ...) make the row whose key is null.
 *
 * Counts of a row are exact when the breakdown is not estimated;
 * otherwise each lies in [value, value + error] (the row's error).
 * Distinct messages are exact while the breakdown holds at most
 * BS_BY_PAIRS (key, message) pairs and estimates nothing; past that they
 * are HyperLogLog estimates and messages_estimated says so.
 */
#ifndef BS_BREAKDOWN_H
#define BS_BREAKDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bslimits.h"
#include "diag.h"
#include "event.h"

enum bs_by {
	BS_BY_DOMAIN,		/* recipient domain, lower case */
	BS_BY_REMOTE,		/* the host a delivery went to */
	BS_BY_SENDER,
	BS_BY_SENDER_DOMAIN,
	BS_BY_CLIENT,		/* the client a refusal refused */
	BS_BY_REASON,		/* why it failed (reasons.h), or delivered */
	BS_BY_HOUR,		/* local time, "2026-12-07T13:00" */
	BS_BY_DAY,		/* local date, "2026-12-07" */
	BS_BY_COUNT
};

/* "domain", "sender-domain" ...; bs_by_parse gives -1 for no such key. */
const char *bs_by_name(enum bs_by by);
int bs_by_parse(const char *name);

struct bs_by_code {
	struct bs_codes codes;
	uint64_t count;
	uint64_t error;		/* count lies in [count, count + error] */
};

/* What a row is: a key, the events without one, or the rest. */
enum bs_by_row_type {
	BS_BY_ROW_KEY,
	BS_BY_ROW_NULL,		/* "key": null */
	BS_BY_ROW_OTHER		/* "(other)": keys past the budget */
};

struct bs_by_row {
	enum bs_by_row_type type;
	const char *key;	/* raw bytes from the log (writers make safe) */
	size_t keylen;
	uint64_t events;
	uint64_t kind[BS_KIND_COUNT];
	uint64_t failures;	/* events - delivered */
	uint64_t hard;		/* failures with a hard verdict */
	uint64_t messages;
	uint64_t error;		/* 0 unless the breakdown estimates */
	size_t ncodes;
	struct bs_by_code codes[BS_BY_CODES];
};

struct bs_breakdown;

/*
 * NULL when out of memory.  Without messages, distinct messages are not
 * counted (the most costly part: a set of pairs, then a sketch per key),
 * and bs_breakdown_counts_messages says so.
 */
struct bs_breakdown *bs_breakdown_new(enum bs_by by, bool messages);
bool bs_breakdown_counts_messages(const struct bs_breakdown *b);

/*
 * Bytes of b's tables that grow with the keys and messages it counts
 * (jobs.c bounds a piece's by them).
 */
size_t bs_breakdown_held(const struct bs_breakdown *b);
void bs_breakdown_free(struct bs_breakdown *b);
enum bs_by bs_breakdown_by(const struct bs_breakdown *b);

/*
 * Count one event (hot: once per event and breakdown).  h48 is the
 * event's message id hash as the aggregate computes it, 0 for none.
 */
bs_status bs_breakdown_event(struct bs_breakdown *b,
    const struct bs_event *ev, uint64_t h48);

/* Add src into dst (both of the same key). */
bs_status bs_breakdown_merge(struct bs_breakdown *dst,
    const struct bs_breakdown *src);

/* Forget every count (follow intervals). */
void bs_breakdown_reset(struct bs_breakdown *b);

/*
 * Make the rows (sorted: hour and day by time, the others most failures
 * first, then most events, then key; the null and other rows last).
 * Events may still be added afterwards and finish called again.
 */
bs_status bs_breakdown_finish(struct bs_breakdown *b);
size_t bs_breakdown_nrows(const struct bs_breakdown *b);
const struct bs_by_row *bs_breakdown_row(const struct bs_breakdown *b,
    size_t i);

/* Whether the key counts are bounds, and the largest error among them
 * (also the most events any key not listed can have had). */
bool bs_breakdown_estimated(const struct bs_breakdown *b);
uint64_t bs_breakdown_error_bound(const struct bs_breakdown *b);
bool bs_breakdown_messages_estimated(const struct bs_breakdown *b);

/*
 * The key of ev for by, into buf (at least BS_TOPK_KEY_MAX + 1 bytes);
 * returns its length, or -1 when the event has none (the null row) and
 * -2 when it is too long (the other row).  Exposed for tests and the
 * events writer.
 */
long bs_by_key(enum bs_by by, const struct bs_event *ev, char *buf);

#endif
