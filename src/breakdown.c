/*
 * breakdown.c - counting events by one key (see breakdown.h).
 *
 * The keys and their exact-or-bounded counts live in a topk summary; this
 * file keeps, per slot, what else a row shows: the kind counts, the codes
 * of its failures (a small Space-Saving of BS_BY_CODES entries, exact
 * while a key has no more codes than that) and its distinct messages.
 *
 * Messages: while exact, a set of (message hash, slot) pairs; the first
 * time a key is evicted, or when the set reaches BS_BY_PAIRS, the pairs
 * are poured into one small HyperLogLog per slot and the set is freed.
 * An evicted key's sketch is merged into the "(other)" row's, so its
 * messages are still counted there.  The two extra tags after the slots
 * are the null and the other rows.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "breakdown.h"
#include "hll.h"
#include "topk.h"

#define TAG_NULL	BS_BY_KEYS
#define TAG_OTHER	(BS_BY_KEYS + 1)
#define NTAGS		(BS_BY_KEYS + 2)
#define HLL_SIZE	((size_t)1 << BS_BY_HLL_BITS)

/* What a row counts besides its key's events (topk counts those). */
struct counts {
	uint64_t events;	/* the null and other rows only */
	uint64_t kind[BS_KIND_COUNT];
	uint64_t hard;		/* events with a hard verdict */
	uint64_t messages;	/* exact, while pairs are kept */
	uint32_t ncodes;
	struct bs_by_code codes[BS_BY_CODES];
};

/* A local hour already converted, because localtime_r is slow. */
struct hour_cache {
	time_t lo, hi;		/* [lo, hi) is the hour */
	char key[32];		/* "2026-12-07T13:00" */
};

struct bs_breakdown {
	enum bs_by by;
	bool messages;		/* distinct messages are counted */
	struct bs_topk *t;
	struct counts *c;	/* the key slots' (ccap of them) */
	size_t ccap;
	struct counts extra[2];	/* TAG_NULL, TAG_OTHER */
	uint64_t *pairs;	/* (h48 << 16 | tag) + 1 ... 0 empty; or NULL */
	size_t pairs_cap, npairs;
	uint8_t *hll;		/* NTAGS sketches once estimating, or NULL */
	struct hour_cache hc;
	long hour_tag;		/* hc's hour's tag (hour, day), or -1 */
	/*
	 * The last key and its tag: a log's events come in runs to one
	 * domain or host (a message's recipients, a queue run to one MX).
	 */
	long last_tag;		/* -1: none */
	size_t last_len;
	char last_key[64];
	/*
	 * Reasons are static strings, a few dozen: their tags by address,
	 * so that the reason of each event costs no key copy or look-up.
	 */
	const char *reason_ptr[64];
	long reason_tag[64];
	/*
	 * Deliveries all have the reason "delivered" and nothing else to
	 * count per key (no code, no verdict): without distinct messages,
	 * they are counted here and given to their key when the rows are
	 * made.
	 */
	uint64_t delivered;
	struct bs_by_row *rows;
	size_t nrows;
	char keybuf[BS_TOPK_KEY_MAX + 1];
};

/* What tag counts, besides its topk count. */
static struct counts *
cnt(const struct bs_breakdown *b, size_t tag)
{
	return tag >= BS_BY_KEYS ?
	    (struct counts *)&b->extra[tag - BS_BY_KEYS] : &b->c[tag];
}

/* Room in c for slot (a key slot grows the array as topk grows). */
static bool
counts_room(struct bs_breakdown *b, size_t slot)
{
	size_t ncap = b->ccap ? b->ccap : 16;
	struct counts *nc;

	if (slot < b->ccap)
		return true;
	while (ncap <= slot)
		ncap *= 2;
	nc = realloc(b->c, ncap * sizeof(*nc));
	if (nc == NULL)
		return false;
	memset(nc + b->ccap, 0, (ncap - b->ccap) * sizeof(*nc));
	b->c = nc;
	b->ccap = ncap;
	return true;
}

static const char *const by_names[BS_BY_COUNT] = {
	"domain", "remote", "sender", "sender-domain", "client", "reason",
	"hour", "day"
};

const char *
bs_by_name(enum bs_by by)
{
	return (unsigned)by < BS_BY_COUNT ? by_names[by] : "unknown";
}

int
bs_by_parse(const char *name)
{
	int i;

	for (i = 0; i < BS_BY_COUNT; i++)
		if (strcmp(name, by_names[i]) == 0)
			return i;
	return -1;
}

/* --- keys ------------------------------------------------------------- */

/*
 * ASCII upper case to lower case in each byte of w; other bytes, UTF-8
 * included, unchanged.  A byte in 'A'..'Z' is one whose low seven bits
 * reach 'A' but not past 'Z' and whose top bit is clear.
 */
static uint64_t
lower8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t low = w & (0x7f * ones);
	uint64_t ge_a = low + (0x80 - 'A') * ones;
	uint64_t gt_z = low + (0x80 - 'Z' - 1) * ones;
	uint64_t upper = ge_a & ~gt_z & ~w & (0x80 * ones);

	return w | (upper >> 2);
}

/* The lower-cased part after the last '@' of an address; -1 if none. */
static long
domain_of(const struct bs_text *a, char *buf)
{
	const char *at;
	size_t n, i;

	if (a->ptr == NULL || a->len == 0 ||
	    (at = memrchr(a->ptr, '@', a->len)) == NULL)
		return -1;
	n = a->len - (size_t)(at + 1 - a->ptr);
	if (n == 0)
		return -1;
	if (n > BS_TOPK_KEY_MAX)
		return -2;
	/* Eight bytes at a time (hot: once per event and breakdown). */
	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, at + 1 + i, 8);
		w = lower8(w);
		memcpy(buf + i, &w, 8);
	}
	for (; i < n; i++) {
		unsigned char ch = (unsigned char)at[1 + i];

		buf[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	return (long)n;
}

static long
copy_key(const char *s, size_t n, char *buf)
{
	if (n > BS_TOPK_KEY_MAX)
		return -2;
	memcpy(buf, s, n);
	return (long)n;
}

/* "name[ip]", "name" or "[ip]", as Postfix writes a client. */
static long
host_key(const struct bs_event *ev, bool with_ip, char *buf)
{
	size_t n = 0;

	if (ev->remote.ptr != NULL && ev->remote.len > 0) {
		if (ev->remote.len > BS_TOPK_KEY_MAX)
			return -2;
		memcpy(buf, ev->remote.ptr, ev->remote.len);
		n = ev->remote.len;
		if (!with_ip)
			return (long)n;
	}
	if (ev->remote_ip.ptr != NULL && ev->remote_ip.len > 0) {
		if (n + ev->remote_ip.len + 2 > BS_TOPK_KEY_MAX)
			return -2;
		buf[n++] = '[';
		memcpy(buf + n, ev->remote_ip.ptr, ev->remote_ip.len);
		n += ev->remote_ip.len;
		buf[n++] = ']';
	}
	return n > 0 ? (long)n : -1;
}

/* The local hour of t, through the cache. */
static const char *
hour_of(struct hour_cache *hc, time_t t)
{
	struct tm tm;

	if (t >= hc->lo && t < hc->hi)
		return hc->key;
	if (localtime_r(&t, &tm) == NULL)
		return NULL;
	hc->lo = t - (time_t)(tm.tm_min * 60 + tm.tm_sec);
	hc->hi = hc->lo + 3600;
	strftime(hc->key, sizeof(hc->key), "%Y-%m-%dT%H:00", &tm);
	return hc->key;
}

static long
key_of(enum bs_by by, const struct bs_event *ev, char *buf,
    struct hour_cache *hc)
{
	const char *h;
	bool refusal = ev->kind == BS_REJECTED;

	switch (by) {
	case BS_BY_DOMAIN:
		return domain_of(&ev->recipient, buf);
	case BS_BY_REMOTE:
		return refusal ? -1 : host_key(ev, false, buf);
	case BS_BY_CLIENT:
		return refusal ? host_key(ev, true, buf) : -1;
	case BS_BY_SENDER:
		return ev->sender.ptr == NULL ? -1 :
		    copy_key(ev->sender.ptr, ev->sender.len, buf);
	case BS_BY_SENDER_DOMAIN:
		return domain_of(&ev->sender, buf);
	case BS_BY_REASON:
		return ev->reason == NULL ? -1 : copy_key(ev->reason,
		    strlen(ev->reason), buf);
	case BS_BY_HOUR:
	case BS_BY_DAY:
		if (!ev->timed || (h = hour_of(hc, ev->time)) == NULL)
			return -1;
		return copy_key(h, by == BS_BY_DAY ? 10 : strlen(h), buf);
	case BS_BY_COUNT:
		break;
	}
	return -1;
}

long
bs_by_key(enum bs_by by, const struct bs_event *ev, char *buf)
{
	struct hour_cache hc = { .lo = 1, .hi = 0 };

	return key_of(by, ev, buf, &hc);
}

/* --- the breakdown ------------------------------------------------------ */

struct bs_breakdown *
bs_breakdown_new(enum bs_by by, bool messages)
{
	struct bs_breakdown *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->by = by;
	b->messages = messages;
	b->hour_tag = -1;
	b->last_tag = -1;
	b->hc.lo = 1;
	b->t = bs_topk_new(BS_BY_KEYS);
	if (b->t == NULL) {
		bs_breakdown_free(b);
		return NULL;
	}
	return b;
}

void
bs_breakdown_free(struct bs_breakdown *b)
{
	if (b == NULL)
		return;
	bs_topk_free(b->t);
	free(b->c);
	free(b->pairs);
	free(b->hll);
	free(b->rows);
	free(b);
}

size_t
bs_breakdown_held(const struct bs_breakdown *b)
{
	return bs_topk_held(b->t) + b->ccap * sizeof(*b->c) +
	    b->pairs_cap * sizeof(*b->pairs) +
	    (b->hll != NULL ? (size_t)NTAGS * HLL_SIZE : 0);
}

enum bs_by
bs_breakdown_by(const struct bs_breakdown *b)
{
	return b->by;
}

bool
bs_breakdown_counts_messages(const struct bs_breakdown *b)
{
	return b->messages;
}

void
bs_breakdown_reset(struct bs_breakdown *b)
{
	struct bs_topk *t = bs_topk_new(BS_BY_KEYS);

	if (t != NULL) {
		bs_topk_free(b->t);
		b->t = t;
	}
	memset(b->c, 0, b->ccap * sizeof(*b->c));
	memset(b->extra, 0, sizeof(b->extra));
	free(b->pairs);
	b->pairs = NULL;
	b->pairs_cap = b->npairs = 0;
	free(b->hll);
	b->hll = NULL;
	b->nrows = 0;
	b->hour_tag = -1;
	b->last_tag = -1;
	memset(b->reason_ptr, 0, sizeof(b->reason_ptr));
	b->delivered = 0;
}

static uint8_t *
sketch(struct bs_breakdown *b, size_t tag)
{
	return b->hll + tag * HLL_SIZE;
}

/* From exact pairs to one sketch per tag; false when out of memory. */
static bool
start_estimating(struct bs_breakdown *b)
{
	size_t i;

	if (b->hll != NULL || !b->messages)
		return true;
	b->hll = calloc(NTAGS, HLL_SIZE);
	if (b->hll == NULL)
		return false;
	for (i = 0; i < b->pairs_cap; i++) {
		uint64_t p = b->pairs[i];

		if (p != 0) {
			p--;
			bs_hll_add(sketch(b, p & 0xffff), BS_BY_HLL_BITS,
			    p >> 16);
		}
	}
	free(b->pairs);
	b->pairs = NULL;
	b->pairs_cap = b->npairs = 0;
	return true;
}

static size_t
pair_home(uint64_t p, size_t cap)
{
	return (size_t)((p * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

static bool
pairs_grow(struct bs_breakdown *b)
{
	size_t ncap = b->pairs_cap ? 2 * b->pairs_cap : 4096, i;
	uint64_t *np = calloc(ncap, sizeof(*np));

	if (np == NULL)
		return false;
	for (i = 0; i < b->pairs_cap; i++) {
		uint64_t p = b->pairs[i];
		size_t k;

		if (p == 0)
			continue;
		for (k = pair_home(p, ncap); np[k] != 0; k = (k + 1) &
		    (ncap - 1))
			;
		np[k] = p;
	}
	free(b->pairs);
	b->pairs = np;
	b->pairs_cap = ncap;
	return true;
}

/* Count message h48 for tag once. */
static bs_status
add_message(struct bs_breakdown *b, size_t tag, uint64_t h48)
{
	uint64_t p = (h48 << 16 | tag) + 1;
	size_t k;

	if (b->hll == NULL && b->npairs >= BS_BY_PAIRS &&
	    !start_estimating(b))
		return BS_ERR_NOMEM;
	if (b->hll != NULL) {
		bs_hll_add(sketch(b, tag), BS_BY_HLL_BITS, h48);
		return BS_OK;
	}
	if (2 * (b->npairs + 1) > b->pairs_cap && !pairs_grow(b))
		return BS_ERR_NOMEM;
	for (k = pair_home(p, b->pairs_cap); b->pairs[k] != 0;
	    k = (k + 1) & (b->pairs_cap - 1))
		if (b->pairs[k] == p)
			return BS_OK;
	b->pairs[k] = p;
	b->npairs++;
	cnt(b, tag)->messages++;
	return BS_OK;
}

/* One code of a failure into a row's small Space-Saving. */
static void
add_code(struct counts *c, const struct bs_codes *code, uint64_t n,
    uint64_t err)
{
	size_t i, min = 0;

	for (i = 0; i < c->ncodes; i++)
		if (memcmp(&c->codes[i].codes, code, sizeof(*code)) == 0) {
			c->codes[i].count += n;
			c->codes[i].error += err;
			return;
		}
	if (c->ncodes < BS_BY_CODES) {
		c->codes[c->ncodes++] = (struct bs_by_code){ .codes = *code,
		    .count = n, .error = err };
		return;
	}
	for (i = 1; i < BS_BY_CODES; i++)
		if (c->codes[i].count + c->codes[i].error <
		    c->codes[min].count + c->codes[min].error)
			min = i;
	c->codes[min] = (struct bs_by_code){ .codes = *code, .count = n,
	    .error = err + c->codes[min].count + c->codes[min].error };
}

/* The evicted key of slot goes into "(other)"; the slot starts afresh. */
static void
evict(struct bs_breakdown *b, size_t slot, uint64_t old_events)
{
	struct counts *o = cnt(b, TAG_OTHER), *s = cnt(b, slot);
	uint32_t c;
	int k;

	o->events += old_events;
	for (k = 0; k < BS_KIND_COUNT; k++)
		o->kind[k] += s->kind[k];
	o->hard += s->hard;
	for (c = 0; c < s->ncodes; c++)
		add_code(o, &s->codes[c].codes, s->codes[c].count,
		    s->codes[c].error);
	if (b->hll != NULL) {
		bs_hll_merge(sketch(b, TAG_OTHER), sketch(b, slot),
		    BS_BY_HLL_BITS);
		memset(sketch(b, slot), 0, HLL_SIZE);
	}
	memset(s, 0, sizeof(*s));
}

/* The tag for key buf[0..n) (n < 0: null or too long), or -1. */
static long
tag_of(struct bs_breakdown *b, long n, uint64_t weight, uint64_t error,
    bool merging)
{
	enum bs_topk_found found;
	uint64_t old;
	long slot;

	if (n == -1)
		return TAG_NULL;
	if (n < 0)
		return TAG_OTHER;
	slot = merging ? bs_topk_merge_key(b->t, b->keybuf, (size_t)n,
	    weight, error, &found, &old) :
	    bs_topk_find(b->t, b->keybuf, (size_t)n, &found, &old);
	if (slot < 0 || !counts_room(b, (size_t)slot))
		return -1;
	if (found == BS_TOPK_REPLACED) {
		b->hour_tag = -1;
		b->last_tag = -1;
		memset(b->reason_ptr, 0, sizeof(b->reason_ptr));
		if (!start_estimating(b))
			return -1;
		evict(b, (size_t)slot, old);
	}
	return slot;
}

static bool
failure(enum bs_kind k)
{
	return k != BS_DELIVERED;
}

bs_status
bs_breakdown_event(struct bs_breakdown *b, const struct bs_event *ev,
    uint64_t h48)
{
	bool hourly = b->by == BS_BY_HOUR || b->by == BS_BY_DAY;
	long n, tag;
	struct counts *c;
	size_t rslot = 0;

	if (b->by == BS_BY_REASON) {
		if (ev->kind == BS_DELIVERED && !b->messages) {
			b->delivered++;
			return BS_OK;
		}
		rslot = ((uintptr_t)ev->reason >> 3) % 64;
		if (ev->reason != NULL && b->reason_ptr[rslot] == ev->reason) {
			tag = b->reason_tag[rslot];
			goto count;
		}
	}
	/* Events come in time order: the hour of the last one is cached. */
	if (hourly && ev->timed && b->hour_tag >= 0 && ev->time >= b->hc.lo &&
	    ev->time < b->hc.hi) {
		tag = b->hour_tag;
	} else {
		n = key_of(b->by, ev, b->keybuf, &b->hc);
		if (n >= 0 && b->last_tag >= 0 && (size_t)n == b->last_len &&
		    memcmp(b->keybuf, b->last_key, (size_t)n) == 0) {
			tag = b->last_tag;
		} else {
			tag = tag_of(b, n, 0, 0, false);
			if (tag < 0)
				return BS_ERR_NOMEM;
			if (n >= 0 && (size_t)n <= sizeof(b->last_key)) {
				memcpy(b->last_key, b->keybuf, (size_t)n);
				b->last_len = (size_t)n;
				b->last_tag = tag;
			}
		}
		if (hourly && ev->timed && n >= 0)
			b->hour_tag = tag;
		if (b->by == BS_BY_REASON && n >= 0) {
			b->reason_ptr[rslot] = ev->reason;
			b->reason_tag[rslot] = tag;
		}
	}
count:
	c = cnt(b, (size_t)tag);
	if (tag < BS_BY_KEYS)
		bs_topk_add(b->t, (size_t)tag, 1);
	else
		c->events++;
	c->kind[ev->kind]++;
	c->hard += ev->hard == 1;
	if (failure(ev->kind))
		add_code(c, &ev->codes, 1, 0);
	if (h48 != 0 && b->messages)
		return add_message(b, (size_t)tag, h48);
	return BS_OK;
}

static int
cmp_pairs_by_tag(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x & 0xffff, b = *(const uint64_t *)y &
	    0xffff;

	return a < b ? -1 : a > b;
}

/* Add the counts of src's tag into dst's tag (and its messages' sketch). */
static void
merge_counts(struct bs_breakdown *dst, size_t dtag,
    const struct bs_breakdown *src, size_t stag)
{
	const struct counts *s = cnt(src, stag);
	struct counts *d = cnt(dst, dtag);
	size_t c;
	int k;

	if (stag >= BS_BY_KEYS)
		d->events += s->events;
	for (k = 0; k < BS_KIND_COUNT; k++)
		d->kind[k] += s->kind[k];
	d->hard += s->hard;
	for (c = 0; c < s->ncodes; c++)
		add_code(d, &s->codes[c].codes, s->codes[c].count,
		    s->codes[c].error);
	if (src->hll != NULL)
		bs_hll_merge(sketch(dst, dtag),
		    sketch((struct bs_breakdown *)src, stag), BS_BY_HLL_BITS);
}

/*
 * Each source key is merged whole (counts, sketch, messages) as soon as
 * it has its slot, because a later key of the same merge may take that
 * slot again (moving what it held to "(other)").  So the source's exact
 * pairs are first sorted by tag.
 */
bs_status
bs_breakdown_merge(struct bs_breakdown *dst, const struct bs_breakdown *src)
{
	size_t i, p = 0, np = 0, n = bs_topk_size(src->t);
	uint64_t u = bs_topk_unlisted(dst->t) + bs_topk_unlisted(src->t);
	uint64_t *pairs = NULL;
	bs_status st = BS_ERR_NOMEM;

	if (src->pairs != NULL) {
		pairs = malloc(src->npairs * sizeof(*pairs) + 1);
		if (pairs == NULL)
			return BS_ERR_NOMEM;
		for (i = 0; i < src->pairs_cap; i++)
			if (src->pairs[i] != 0)
				pairs[np++] = src->pairs[i] - 1;
		qsort(pairs, np, sizeof(*pairs), cmp_pairs_by_tag);
	}
	dst->delivered += src->delivered;
	if (bs_topk_estimated(src->t))
		bs_topk_add_error(dst->t, bs_topk_unlisted(src->t));
	if (src->hll != NULL && !start_estimating(dst))
		goto out;
	for (i = 0; i < NTAGS; i++) {
		long tag = (long)i;

		if (i < n) {
			size_t len;
			const char *key = bs_topk_key(src->t, i, &len);

			memcpy(dst->keybuf, key, len);
			tag = tag_of(dst, (long)len, bs_topk_count(src->t, i),
			    bs_topk_error(src->t, i), true);
			if (tag < 0)
				goto out;
		} else if (i < BS_BY_KEYS) {
			continue;
		}
		merge_counts(dst, (size_t)tag, src, i);
		for (; p < np && (pairs[p] & 0xffff) == i; p++)
			if (add_message(dst, (size_t)tag, pairs[p] >> 16) !=
			    BS_OK)
				goto out;
	}
	bs_topk_raise_unlisted(dst->t, u);
	st = BS_OK;
out:
	free(pairs);
	return st;
}

/* --- rows --------------------------------------------------------------- */

static int
cmp_rows(const void *x, const void *y, void *ctx)
{
	const struct bs_by_row *a = x, *b = y;
	const enum bs_by *by = ctx;
	size_t n;
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (*by != BS_BY_HOUR && *by != BS_BY_DAY) {
		if (a->failures != b->failures)
			return a->failures > b->failures ? -1 : 1;
		if (a->events != b->events)
			return a->events > b->events ? -1 : 1;
	}
	n = a->keylen < b->keylen ? a->keylen : b->keylen;
	c = memcmp(a->key, b->key, n);
	if (c != 0)
		return c;
	return a->keylen < b->keylen ? -1 : a->keylen > b->keylen;
}

static int
cmp_codes(const void *x, const void *y)
{
	const struct bs_by_code *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return memcmp(&a->codes, &b->codes, sizeof(a->codes));
}

static void
fill_row(const struct bs_breakdown *b, size_t tag, struct bs_by_row *r)
{
	const struct counts *c = cnt(b, tag);
	int k;

	r->kind[0] = 0;
	for (k = 0; k < BS_KIND_COUNT; k++)
		r->kind[k] = c->kind[k];
	r->failures = 0;
	for (k = 0; k < BS_KIND_COUNT; k++)
		if (failure((enum bs_kind)k))
			r->failures += c->kind[k];
	r->hard = c->hard;
	r->messages = b->hll != NULL ?
	    bs_hll_estimate(sketch((struct bs_breakdown *)b, tag),
	    BS_BY_HLL_BITS) : c->messages;
	r->ncodes = c->ncodes;
	memcpy(r->codes, c->codes, sizeof(r->codes));
	qsort(r->codes, r->ncodes, sizeof(r->codes[0]), cmp_codes);
}

/* The deliveries counted apart, to the key "delivered". */
static bs_status
give_delivered(struct bs_breakdown *b)
{
	static const char key[] = "delivered";
	long tag;

	if (b->delivered == 0)
		return BS_OK;
	memcpy(b->keybuf, key, sizeof(key) - 1);
	tag = tag_of(b, (long)sizeof(key) - 1, 0, 0, false);
	if (tag < 0)
		return BS_ERR_NOMEM;
	if (tag < BS_BY_KEYS)
		bs_topk_add(b->t, (size_t)tag, b->delivered);
	else
		cnt(b, (size_t)tag)->events += b->delivered;
	cnt(b, (size_t)tag)->kind[BS_DELIVERED] += b->delivered;
	b->delivered = 0;
	return BS_OK;
}

bs_status
bs_breakdown_finish(struct bs_breakdown *b)
{
	size_t n, i;
	struct bs_by_row *rows;

	if (give_delivered(b) != BS_OK)
		return BS_ERR_NOMEM;
	n = bs_topk_size(b->t);
	rows = realloc(b->rows, (n + 2) * sizeof(*rows));
	if (rows == NULL)
		return BS_ERR_NOMEM;
	b->rows = rows;
	b->nrows = 0;
	for (i = 0; i < n; i++) {
		struct bs_by_row *r = &rows[b->nrows];

		fill_row(b, i, r);
		r->type = BS_BY_ROW_KEY;
		r->key = bs_topk_key(b->t, i, &r->keylen);
		r->events = bs_topk_count(b->t, i);
		r->error = bs_topk_error(b->t, i);
		/* A key whose slot was taken and has no event since. */
		if (r->events > 0)
			b->nrows++;
	}
	for (i = TAG_NULL; i <= TAG_OTHER; i++) {
		struct bs_by_row *r = &rows[b->nrows];

		if (cnt(b, i)->events == 0)
			continue;
		fill_row(b, i, r);
		r->type = i == TAG_NULL ? BS_BY_ROW_NULL : BS_BY_ROW_OTHER;
		r->key = i == TAG_NULL ? NULL : "(other)";
		r->keylen = i == TAG_NULL ? 0 : 7;
		r->events = cnt(b, i)->events;
		r->error = 0;
		b->nrows++;
	}
	qsort_r(rows, b->nrows, sizeof(*rows), cmp_rows, &b->by);
	return BS_OK;
}

size_t
bs_breakdown_nrows(const struct bs_breakdown *b)
{
	return b->nrows;
}

const struct bs_by_row *
bs_breakdown_row(const struct bs_breakdown *b, size_t i)
{
	return &b->rows[i];
}

bool
bs_breakdown_estimated(const struct bs_breakdown *b)
{
	return bs_topk_estimated(b->t);
}

uint64_t
bs_breakdown_error_bound(const struct bs_breakdown *b)
{
	size_t i, n = bs_topk_size(b->t);
	uint64_t e = bs_topk_unlisted(b->t);

	for (i = 0; i < n; i++)
		if (bs_topk_error(b->t, i) > e)
			e = bs_topk_error(b->t, i);
	return e;
}

bool
bs_breakdown_messages_estimated(const struct bs_breakdown *b)
{
	return b->hll != NULL;
}
