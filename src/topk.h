/*
 * topk.h - counting keys exactly while they fit, the heaviest ones with a
 * stated bound past that.
 *
 * One rule for every count of distinct keys in a report (breakdown keys,
 * --detail texts): a table of cap slots counts every key exactly while
 * there are at most cap distinct keys.  Past that it becomes a
 * Space-Saving summary: a new key takes the slot of the key with the
 * smallest upper bound, whose count the caller moves to its "(other)"
 * row, so that the rows still add up to the total.
 *
 * Invariants, for every key in a slot: count is exact since the key took
 * the slot, so its true count lies in [count, count + error]; a key in no
 * slot has a true count of at most bs_topk_unlisted().  While nothing was
 * ever evicted every error is 0 and the counts are exact.  The smallest
 * upper bound is at most total / cap, so a heavy key is never lost.
 *
 * Keys are byte strings of at most BS_TOPK_KEY_MAX bytes.  Slots are
 * numbered 0 .. cap-1; the caller keeps what else it counts per key in
 * arrays of its own, indexed by slot.
 */
#ifndef BS_TOPK_H
#define BS_TOPK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bslimits.h"

struct bs_topk;

/* NULL when out of memory. */
struct bs_topk *bs_topk_new(size_t cap);
void bs_topk_free(struct bs_topk *t);

/* What bs_topk_find did to find a slot. */
enum bs_topk_found {
	BS_TOPK_KNOWN,		/* the key had its slot */
	BS_TOPK_NEW,		/* a free slot: count 0, error 0 */
	BS_TOPK_REPLACED	/* another key's slot: move its counts away */
};

/*
 * The slot of key (hot: once per event and breakdown), making one if it
 * has none.  On BS_TOPK_REPLACED the caller's per-slot counts still hold
 * the evicted key's, for it to move to its "(other)" row; its count was
 * bs_topk_count(slot) before this call, which *old_count gives.  -1 when
 * out of memory or the key is too long (count it as "(other)").
 */
long bs_topk_find(struct bs_topk *t, const char *key, size_t len,
    enum bs_topk_found *found, uint64_t *old_count);

/* Add n to the count of slot (after bs_topk_find). */
void bs_topk_add(struct bs_topk *t, size_t slot, uint64_t n);

/*
 * Put key into the summary with count and error as they stand in another
 * summary (merging): like bs_topk_find then adding, error added to the
 * slot's.  Returns the slot as bs_topk_find.
 */
long bs_topk_merge_key(struct bs_topk *t, const char *key, size_t len,
    uint64_t count, uint64_t error, enum bs_topk_found *found,
    uint64_t *old_count);

/* Add e to the error of every slot in use (merging, see topk.c). */
void bs_topk_add_error(struct bs_topk *t, uint64_t e);

/* Raise the bound of unlisted keys to at least u (merging). */
void bs_topk_raise_unlisted(struct bs_topk *t, uint64_t u);

/* Slots in use (they are 0 .. n-1). */
size_t bs_topk_size(const struct bs_topk *t);

/* Bytes of t's tables (keys past the inline size not counted). */
size_t bs_topk_held(const struct bs_topk *t);
const char *bs_topk_key(const struct bs_topk *t, size_t slot, size_t *len);
uint64_t bs_topk_count(const struct bs_topk *t, size_t slot);
uint64_t bs_topk_error(const struct bs_topk *t, size_t slot);

/* Whether a key was ever evicted: counts are then bounds, not exact. */
bool bs_topk_estimated(const struct bs_topk *t);

/* The most events a key in no slot can have had. */
uint64_t bs_topk_unlisted(const struct bs_topk *t);

#endif
