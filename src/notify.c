/*
 * notify.c - notifications sent, and those that failed (see notify.h).
 *
 * One open-addressing table of 64-bit entries, the id's 48-bit hash
 * shifted left by four and three flags: N (this part saw the
 * notification), B (this part saw a failure of that message), C (the
 * pair was counted in failed_themselves).  The table only grows (a
 * message id is not forgotten: entries are few, one per notification).
 * A bit per eight of its bits, set for every id in it, answers first
 * for the failures of other messages (nearly all of them): the table
 * is too large for the processor's caches, the bits are not.
 */
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "hash.h"
#include "notify.h"

enum { F_N = 1, F_B = 2, F_C = 4 };

struct bs_notify {
	bool after;
	bool lost; /* a failure not kept for want of room (after only) */
	uint64_t *slots;
	uint64_t *bits; /* cap * 8 bits: see the top */
	size_t cap, n;
	struct bs_notifications c;
};

size_t
bs_notify_held(const struct bs_notify *n, size_t ahead)
{
	/* Thrice the table when the next ones make it double. */
	return (n->cap * sizeof(*n->slots) + n->cap) *
	    ((n->n + ahead) * 4 > n->cap * 3 ? 3 : 1);
}

struct bs_notify *
bs_notify_new(bool after)
{
	struct bs_notify *n = calloc(1, sizeof(*n));

	if (n != NULL)
		n->after = after;
	return n;
}

void
bs_notify_free(struct bs_notify *n)
{
	if (n == NULL)
		return;
	free(n->slots);
	free(n->bits);
	free(n);
}

static size_t
slot_of(uint64_t h48, size_t cap)
{
	return (size_t)((h48 * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

/* The bit of h48 among cap * 8 (cap a power of two, at least 256). */
static size_t
bit_of(uint64_t h48, size_t cap)
{
	return (size_t)((h48 * 0xc2b2ae3d27d4eb4fULL) >> 24) & (cap * 8 - 1);
}

static bool
may_hold(const struct bs_notify *n, uint64_t h48)
{
	size_t b = bit_of(h48, n->cap);

	return (n->bits[b >> 6] >> (b & 63)) & 1;
}

static void
set_bit(uint64_t *bits, uint64_t h48, size_t cap)
{
	size_t b = bit_of(h48, cap);

	bits[b >> 6] |= (uint64_t)1 << (b & 63);
}

/* The slot of h48, or of the empty slot where it would go. */
static size_t
find(const struct bs_notify *n, uint64_t h48)
{
	size_t j = slot_of(h48, n->cap);

	while (n->slots[j] != 0 && (n->slots[j] >> 4) != h48)
		j = (j + 1) & (n->cap - 1);
	return j;
}

static bool
grow(struct bs_notify *n)
{
	size_t ncap = n->cap ? n->cap * 2 : 256, i;
	uint64_t *ns = calloc(ncap, sizeof(*ns));
	uint64_t *nb = calloc(ncap / 8, sizeof(*nb));

	if (ns == NULL || nb == NULL) {
		free(ns);
		free(nb);
		return false;
	}
	for (i = 0; i < n->cap; i++) {
		size_t j;

		if (n->slots[i] == 0)
			continue;
		j = slot_of(n->slots[i] >> 4, ncap);
		while (ns[j] != 0)
			j = (j + 1) & (ncap - 1);
		ns[j] = n->slots[i];
		set_bit(nb, n->slots[i] >> 4, ncap);
	}
	free(n->slots);
	free(n->bits);
	n->slots = ns;
	n->bits = nb;
	n->cap = ncap;
	return true;
}

/*
 * The entry of h48, added with no flags if new and there is room: NULL
 * when the table is full (estimated then) or memory is out (*nomem).
 */
static uint64_t *
entry(struct bs_notify *n, uint64_t h48, bool add, bool add_notify, bool *nomem)
{
	size_t j;

	*nomem = false;
	if (n->cap > 0 && (add || may_hold(n, h48))) {
		j = find(n, h48);
		if (n->slots[j] != 0)
			return &n->slots[j];
	}
	if (!add)
		return NULL;
	if (n->n >= BS_NOTIFY_IDS) {
		if (add_notify)
			n->c.estimated = true;
		else
			n->lost = true;
		return NULL;
	}
	if ((n->n + 1) * 4 > n->cap * 3 && !grow(n)) {
		*nomem = true;
		return NULL;
	}
	j = find(n, h48);
	n->slots[j] = h48 << 4;
	set_bit(n->bits, h48, n->cap);
	n->n++;
	return &n->slots[j];
}

/* Set flags f on e, counting a notification that now failed. */
static void
mark(struct bs_notify *n, uint64_t *e, unsigned f)
{
	*e |= f;
	if ((*e & (F_N | F_B | F_C)) == (F_N | F_B)) {
		*e |= F_C;
		n->c.failed_themselves++;
	}
}

bs_status
bs_notify_sent(struct bs_notify *n, const struct bs_event *ev)
{
	uint64_t *e, h48;
	size_t t = ev->kind == BS_BOUNCED ? BS_NOTIFY_FAILURE :
	    ev->kind == BS_DEFERRED	  ? BS_NOTIFY_DELAY :
					    BS_NOTIFY_SUCCESS;
	bool nomem;

	n->c.by_type[t]++;
	n->c.sent++;
	if (ev->notify_id.ptr == NULL || ev->notify_id.len == 0)
		return BS_OK;
	h48 = bs_hash_bytes(ev->notify_id.ptr, ev->notify_id.len) >> 16;
	e = entry(n, h48, true, true, &nomem);
	if (e == NULL)
		return nomem ? BS_ERR_NOMEM : BS_OK;
	/* A failure before the notification is not one of it. */
	*e &= ~(uint64_t)(F_B | F_C);
	mark(n, e, F_N);
	return BS_OK;
}

bs_status
bs_notify_event(struct bs_notify *n, const struct bs_event *ev, uint64_t h48)
{
	uint64_t *e;
	bool nomem;

	if (ev->kind == BS_DELIVERED || (n->n == 0 && !n->after))
		return BS_OK;
	e = entry(n, h48, n->after, false, &nomem);
	if (e == NULL)
		return nomem ? BS_ERR_NOMEM : BS_OK;
	mark(n, e, F_B);
	return BS_OK;
}

bs_status
bs_notify_merge(struct bs_notify *d, const struct bs_notify *s)
{
	size_t i, k;

	for (k = 0; k < BS_NOTIFY_TYPES; k++)
		d->c.by_type[k] += s->c.by_type[k];
	d->c.sent += s->c.sent;
	d->c.failed_themselves += s->c.failed_themselves;
	d->c.estimated =
	    d->c.estimated || s->c.estimated || (s->lost && d->c.sent > 0);
	d->lost = d->lost || s->lost;
	for (i = 0; i < s->cap; i++) {
		uint64_t x = s->slots[i], *e;
		bool nomem;

		if (x == 0)
			continue;
		/* d's entry, added for s's notifications (or when d is a
		 * later part itself, for its failures too). */
		e = entry(d, x >> 4, (x & F_N) || d->after, x & F_N, &nomem);
		if (e == NULL) {
			if (nomem)
				return BS_ERR_NOMEM;
			continue;
		}
		if (x & F_N) {
			/* s's notification (counted there, if it failed). */
			*e = (*e & ~(uint64_t)15) | (x & 15);
		} else {
			mark(d, e, F_B);
		}
	}
	return BS_OK;
}

void
bs_notify_reset(struct bs_notify *n)
{
	memset(&n->c, 0, sizeof(n->c));
}

void
bs_notify_results(const struct bs_notify *n, struct bs_notifications *r)
{
	*r = n->c;
}
