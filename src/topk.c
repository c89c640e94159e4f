/*
 * topk.c - exact key counts within a budget, Space-Saving past it.
 *
 * Slots are found through an open-addressing index (linear probing,
 * deletion by backward shift).  The min-heap of upper bounds (count +
 * error) that Space-Saving needs to pick its victim is built only when
 * the first key finds the table full: an exact count never pays for it.
 *
 * Merging two summaries (the pieces of a run read on several cores):
 * every key of the destination may have had up to the source's unlisted
 * bound there, so that bound is added to every destination error; a key
 * new to the destination may have had up to the destination's unlisted
 * bound; a key in neither has at most the sum of both.  Loose, but never
 * wrong, and 0 while both were exact.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "topk.h"

#define INLINE_KEY	40

struct slot {
	uint64_t hash;
	uint64_t count, error;
	uint32_t len;
	char *key;		/* inl, or a heap copy of a key past INLINE_KEY */
	char inl[INLINE_KEY];
};

struct bs_topk {
	size_t cap, n;
	struct slot *s;		/* room for scap slots, grown up to cap */
	size_t scap;
	uint32_t *index;	/* slot + 1; 0 is empty */
	size_t icap;		/* a power of two, at least 2 * scap */
	uint32_t *heap;		/* slots by upper bound; NULL until full */
	uint32_t *pos;		/* where each slot is in heap */
	uint64_t unlisted;
	bool evicted;
};

struct bs_topk *
bs_topk_new(size_t cap)
{
	struct bs_topk *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	/*
	 * Small at first and grown as keys come: a run reads many pieces,
	 * each with a summary of its own, and most see few keys.
	 */
	t->cap = cap;
	t->scap = cap < 16 ? cap : 16;
	t->icap = 32;
	t->s = calloc(t->scap ? t->scap : 1, sizeof(*t->s));
	t->index = calloc(t->icap, sizeof(*t->index));
	if (t->s == NULL || t->index == NULL) {
		bs_topk_free(t);
		return NULL;
	}
	return t;
}

size_t
bs_topk_held(const struct bs_topk *t)
{
	return t->scap * sizeof(*t->s) + t->icap * sizeof(*t->index) +
	    (t->heap != NULL ? t->cap * (sizeof(*t->heap) + sizeof(*t->pos)) :
	    0);
}

void
bs_topk_free(struct bs_topk *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; t->s != NULL && i < t->n; i++)
		if (t->s[i].len > INLINE_KEY)
			free(t->s[i].key);
	free(t->s);
	free(t->index);
	free(t->heap);
	free(t->pos);
	free(t);
}

static size_t
home(const struct bs_topk *t, uint64_t h)
{
	return (size_t)(h >> 20) & (t->icap - 1);
}

/* The index position of key, or of the empty place where it would go. */
static size_t
probe(const struct bs_topk *t, uint64_t h, const char *key, size_t len)
{
	size_t i = home(t, h);

	while (t->index[i] != 0) {
		const struct slot *s = &t->s[t->index[i] - 1];

		if (s->hash == h && s->len == len &&
		    memcmp(s->key, key, len) == 0)
			break;
		i = (i + 1) & (t->icap - 1);
	}
	return i;
}

static void
unindex(struct bs_topk *t, size_t i)
{
	size_t k = i, mask = t->icap - 1;

	for (;;) {
		size_t h;

		k = (k + 1) & mask;
		if (t->index[k] == 0)
			break;
		h = home(t, t->s[t->index[k] - 1].hash);
		if ((i < k) ? (h <= i || h > k) : (h <= i && h > k)) {
			t->index[i] = t->index[k];
			i = k;
		}
	}
	t->index[i] = 0;
}

/* Room for one more slot; false when out of memory. */
static bool
grow(struct bs_topk *t)
{
	size_t nscap = t->scap * 2 > t->cap ? t->cap : t->scap * 2, i, k;
	struct slot *ns;
	uint32_t *ni;
	size_t nicap = t->icap;

	ns = realloc(t->s, nscap * sizeof(*ns));
	if (ns == NULL)
		return false;
	/* Inline keys point into their slot: point them again. */
	for (i = 0; i < t->n; i++)
		if (ns[i].len <= INLINE_KEY)
			ns[i].key = ns[i].inl;
	memset(ns + t->scap, 0, (nscap - t->scap) * sizeof(*ns));
	t->s = ns;
	t->scap = nscap;
	while (nicap < 2 * nscap)
		nicap *= 2;
	if (nicap == t->icap)
		return true;
	ni = calloc(nicap, sizeof(*ni));
	if (ni == NULL)
		return false;
	free(t->index);
	t->index = ni;
	t->icap = nicap;
	for (i = 0; i < t->n; i++) {
		for (k = home(t, t->s[i].hash); ni[k] != 0;
		    k = (k + 1) & (nicap - 1))
			;
		ni[k] = (uint32_t)i + 1;
	}
	return true;
}

static uint64_t
bound(const struct bs_topk *t, uint32_t slot)
{
	return t->s[slot].count + t->s[slot].error;
}

static void
heap_put(struct bs_topk *t, size_t at, uint32_t slot)
{
	t->heap[at] = slot;
	t->pos[slot] = (uint32_t)at;
}

/* The slot at heap position at grew: move it down. */
static void
sift_down(struct bs_topk *t, size_t at)
{
	uint32_t slot = t->heap[at];
	uint64_t b = bound(t, slot);

	for (;;) {
		size_t c = 2 * at + 1;

		if (c >= t->n)
			break;
		if (c + 1 < t->n && bound(t, t->heap[c + 1]) <
		    bound(t, t->heap[c]))
			c++;
		if (bound(t, t->heap[c]) >= b)
			break;
		heap_put(t, at, t->heap[c]);
		at = c;
	}
	heap_put(t, at, slot);
}

static bool
heap_build(struct bs_topk *t)
{
	size_t i;

	t->heap = malloc(t->cap * sizeof(*t->heap));
	t->pos = malloc(t->cap * sizeof(*t->pos));
	if (t->heap == NULL || t->pos == NULL)
		return false;
	for (i = 0; i < t->n; i++)
		heap_put(t, i, (uint32_t)i);
	for (i = t->n / 2; i-- > 0;)
		sift_down(t, i);
	return true;
}

static bool
set_key(struct slot *s, uint64_t h, const char *key, size_t len)
{
	if (s->key != NULL && s->len > INLINE_KEY)
		free(s->key);
	s->key = s->inl;
	if (len > INLINE_KEY && (s->key = malloc(len)) == NULL)
		return false;
	if (len > 0)
		memcpy(s->key, key, len);
	s->hash = h;
	s->len = (uint32_t)len;
	return true;
}

long
bs_topk_find(struct bs_topk *t, const char *key, size_t len,
    enum bs_topk_found *found, uint64_t *old_count)
{
	uint64_t h;
	size_t i, slot;
	struct slot *s;

	*old_count = 0;
	if (len > BS_TOPK_KEY_MAX)
		return -1;
	h = bs_hash_bytes(key, len);
	i = probe(t, h, key, len);
	if (t->index[i] != 0) {
		*found = BS_TOPK_KNOWN;
		return (long)t->index[i] - 1;
	}
	if (t->n < t->cap) {
		if (t->n == t->scap) {
			if (!grow(t))
				return -1;
			i = probe(t, h, key, len);
		}
		slot = t->n++;
		s = &t->s[slot];
		if (!set_key(s, h, key, len)) {
			t->n--;
			return -1;
		}
		s->count = 0;
		s->error = t->unlisted;
		t->index[i] = (uint32_t)slot + 1;
		*found = BS_TOPK_NEW;
		return (long)slot;
	}
	if (t->cap == 0 || (t->heap == NULL && !heap_build(t)))
		return -1;
	/* Space-Saving: the key with the smallest upper bound goes. */
	slot = t->heap[0];
	s = &t->s[slot];
	*old_count = s->count;
	if (bound(t, (uint32_t)slot) > t->unlisted)
		t->unlisted = bound(t, (uint32_t)slot);
	t->evicted = true;
	unindex(t, probe(t, s->hash, s->key, s->len));
	if (!set_key(s, h, key, len))
		return -1;
	s->count = 0;
	s->error = t->unlisted;
	t->index[probe(t, h, key, len)] = (uint32_t)slot + 1;
	sift_down(t, 0);
	*found = BS_TOPK_REPLACED;
	return (long)slot;
}

void
bs_topk_add(struct bs_topk *t, size_t slot, uint64_t n)
{
	t->s[slot].count += n;
	if (t->heap != NULL)
		sift_down(t, t->pos[slot]);
}

long
bs_topk_merge_key(struct bs_topk *t, const char *key, size_t len,
    uint64_t count, uint64_t error, enum bs_topk_found *found,
    uint64_t *old_count)
{
	long slot = bs_topk_find(t, key, len, found, old_count);

	if (slot < 0)
		return slot;
	t->s[slot].error += error;
	if (error > 0)
		t->evicted = true;
	bs_topk_add(t, (size_t)slot, count);
	return slot;
}

void
bs_topk_add_error(struct bs_topk *t, uint64_t e)
{
	size_t i;

	if (e == 0)
		return;
	for (i = 0; i < t->n; i++)
		t->s[i].error += e;
	t->evicted = true;
}

void
bs_topk_raise_unlisted(struct bs_topk *t, uint64_t u)
{
	if (u > t->unlisted)
		t->unlisted = u;
	if (u > 0)
		t->evicted = true;
}

size_t
bs_topk_size(const struct bs_topk *t)
{
	return t->n;
}

const char *
bs_topk_key(const struct bs_topk *t, size_t slot, size_t *len)
{
	*len = t->s[slot].len;
	return t->s[slot].key;
}

uint64_t
bs_topk_count(const struct bs_topk *t, size_t slot)
{
	return t->s[slot].count;
}

uint64_t
bs_topk_error(const struct bs_topk *t, size_t slot)
{
	return t->s[slot].error;
}

bool
bs_topk_estimated(const struct bs_topk *t)
{
	return t->evicted;
}

uint64_t
bs_topk_unlisted(const struct bs_topk *t)
{
	return t->unlisted;
}
