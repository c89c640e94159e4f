/*
 * outcome.c - following recipients to their end (see outcome.h).
 *
 * Records live in one open-addressing table with linear probing, placed
 * by the message alone: the records of one message sit side by side, so
 * that an expiry of the whole message finds them in one walk from its
 * home slot to the next empty one.  Deleting shifts the following records
 * back (no tombstones), which keeps that walk complete.
 *
 * A record is one of:
 *   - a recipient in flight: deferred, with its deferrals so far;
 *   - a summary (trackers made by bs_outcome_new_after only): a recipient
 *     whose first event this tracker read, ended here, not yet counted
 *     because the part before may have had it in flight;
 *   - an expiry of a message (those trackers only), which ends the part
 *     before's recipients of the message that this tracker had not seen
 *     before it.
 * F_CONT marks the records that may join the part before: a recipient's
 * first record here, made before any expiry of its message here.
 *
 * A piece of a split file also keeps, apart from the table, the ends of
 * recipients whose messages arrived in it (arrived_here): a list that is
 * never searched, counted at once when the piece joins a part before it
 * whose events all came earlier, and joined record by record otherwise.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hash.h"
#include "outcome.h"

/*
 * Delay buckets: hundredths of a second, exact below 64, then 32 per
 * power of two (a bucket's width is at most 1/32 of its values).
 */
#define EXACT_CS 64
#define SUB_BITS 5
#define NBUCKETS (EXACT_CS + (32 - 6) * (1 << SUB_BITS))

enum rec_state {
	R_EMPTY = 0,
	R_INFLIGHT,
	R_DELIVERED, /* summaries: how the recipient ended */
	R_BOUNCED,
	R_EXPIRED,
	R_MSGEXP, /* the message expired */
	R_HOP	  /* summaries: handed to a content filter (hop.h), no end */
};

enum {
	F_TIMED = 1 << 0, /* first is a time */
	F_CONT = 1 << 1,  /* may join the part before */
	F_DELAY = 1 << 2, /* end is the delay= in hundredths */
	F_END = 1 << 3	  /* end is the time of the last event */
};

struct rec {
	uint32_t msg;	 /* message hash, never 0 in a used slot */
	uint32_t rcpt;	 /* recipient hash */
	uint32_t first;	 /* time of the first event (F_TIMED) */
	uint32_t end;	 /* F_DELAY or F_END, summaries and expiries */
	uint16_t defers; /* deferrals, saturating */
	uint16_t dom;	 /* domain index: 0 none, DOM_OTHER past it */
	uint8_t state;
	uint8_t flags;
	uint16_t pad;
};

#define DOM_OTHER 0xffffu
#define DOM_SLOTS (2 * BS_OUTCOME_DOMAINS)
#define DOM_NAME_MAX 255

struct hist {
	uint64_t n[NBUCKETS];
	double max;
	uint64_t samples;
};

/* The run's budget of records (outcome.h), shared by its trackers. */
struct budget {
	_Atomic size_t used;
	_Atomic int refs;
};

struct counts {
	uint64_t delivered_first, delivered_after, bounced_first;
	uint64_t bounced_after, expired;
	uint64_t before[BS_DEFERRALS_BUCKETS];
	uint64_t untracked;
};

/*
 * A domain's counts (--by domain): an index of struct counts' order, and
 * the delays after deferral in DOM_NBUCKETS coarse buckets (allocated at
 * the first).
 */
enum { DS_DF, DS_DA, DS_BF, DS_BA, DS_EX, DS_N };
#define DOM_NBUCKETS (EXACT_CS + (NBUCKETS - EXACT_CS) / 4)

struct domstat {
	uint64_t n[DS_N];
	uint32_t *hist;
	uint64_t samples;
	double max;
};

/* A record's domain index as an index of ds (DOM_OTHER last). */
#define DS_INDEX(dom) ((dom) == DOM_OTHER ? BS_OUTCOME_DOMAINS + 1u : (dom))
#define DS_SLOTS (BS_OUTCOME_DOMAINS + 2)

struct bs_outcome {
	bool after; /* made by bs_outcome_new_after */
	bool piece; /* takes nothing from the budget */
	bool timed; /* t0, tmax: the first and latest event times read */
	time_t t0, tmax;
	/* Pieces: ends of recipients whose messages arrived here. */
	struct rec *arr;
	size_t narr, arrcap;
	struct budget *budget;
	struct rec *slots;
	size_t cap, n;
	struct counts c;
	struct hist delivered, after_deferral;

	/* Domains of recipients in flight: names by index (1 ...). */
	char *dom_name[BS_OUTCOME_DOMAINS + 1];
	uint8_t dom_len[BS_OUTCOME_DOMAINS + 1];
	uint16_t dom_index[DOM_SLOTS]; /* index, 0 empty */
	size_t ndom;

	/* --by domain: counts per domain index (DS_INDEX), and the rows. */
	struct domstat *ds;
	struct bs_outcome_by_domain *rows;

	struct bs_outcomes res;
};

/* --- delays ------------------------------------------------------------ */

size_t
bs_outcome_bucket(double seconds)
{
	double cs = seconds * 100.0 + 0.5;
	uint64_t c;
	unsigned e;

	if (!(cs > 0))
		return 0;
	c = cs >= 4294967295.0 ? 4294967295u : (uint64_t)cs;
	if (c < EXACT_CS)
		return (size_t)c;
	e = 63u - (unsigned)__builtin_clzll((unsigned long long)c);
	return EXACT_CS + (size_t)(e - 6) * (1u << SUB_BITS) +
	    (size_t)((c >> (e - SUB_BITS)) & ((1u << SUB_BITS) - 1));
}

double
bs_outcome_bucket_value(size_t b)
{
	unsigned e;
	uint64_t lo, width;

	if (b < EXACT_CS)
		return (double)b / 100.0;
	e = (unsigned)((b - EXACT_CS) >> SUB_BITS) + 6;
	width = (uint64_t)1 << (e - SUB_BITS);
	lo = ((uint64_t)(1u << SUB_BITS) +
		 ((b - EXACT_CS) & ((1u << SUB_BITS) - 1))) *
	    width;
	/* The middle of [lo, lo + width - 1] hundredths. */
	return ((double)lo + (double)(width - 1) / 2.0) / 100.0;
}

static void
hist_add(struct hist *h, double seconds)
{
	if (seconds < 0)
		seconds = 0;
	h->n[bs_outcome_bucket(seconds)]++;
	if (h->samples == 0 || seconds > h->max)
		h->max = seconds;
	h->samples++;
}

static void
hist_merge(struct hist *d, const struct hist *s)
{
	size_t i;

	if (s->samples == 0)
		return;
	for (i = 0; i < NBUCKETS; i++)
		d->n[i] += s->n[i];
	if (d->samples == 0 || s->max > d->max)
		d->max = s->max;
	d->samples += s->samples;
}

/* The nearest-rank percentile p of h (samples > 0). */
static double
hist_pct(const struct hist *h, unsigned p)
{
	uint64_t rank = (h->samples * p + 99) / 100, seen = 0;
	size_t i;
	double v;

	if (rank == 0)
		rank = 1;
	/* The last rank is the largest delay, which is kept exactly. */
	if (rank >= h->samples)
		return h->max;
	for (i = 0; i < NBUCKETS; i++) {
		seen += h->n[i];
		if (seen >= rank)
			break;
	}
	v = bs_outcome_bucket_value(i < NBUCKETS ? i : NBUCKETS - 1);
	return v > h->max ? h->max : v;
}

static void
hist_result(const struct hist *h, struct bs_delays *d)
{
	d->samples = h->samples;
	if (h->samples == 0) {
		d->p50 = d->p90 = d->p99 = d->max = 0;
		return;
	}
	d->p50 = hist_pct(h, 50);
	d->p90 = hist_pct(h, 90);
	d->p99 = hist_pct(h, 99);
	d->max = h->max;
}

/*
 * A domain's histogram: four of the run's buckets in one past the exact
 * ones (8 per power of two: a bucket's half width is within 1/16).
 */
static size_t
dom_bucket(double seconds)
{
	size_t b = bs_outcome_bucket(seconds);

	return b < EXACT_CS ? b : EXACT_CS + (b - EXACT_CS) / 4;
}

static double
dom_bucket_value(size_t c)
{
	size_t lo;

	if (c < EXACT_CS)
		return bs_outcome_bucket_value(c);
	lo = EXACT_CS + (c - EXACT_CS) * 4;
	return (bs_outcome_bucket_value(lo) + bs_outcome_bucket_value(lo + 3)) /
	    2;
}

/* Add a delay to s's histogram h (s->hist, or a copy of it). */
static bool
dom_hist_add(struct domstat *s, uint32_t **h, double seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (*h == NULL && (*h = calloc(DOM_NBUCKETS, sizeof(**h))) == NULL)
		return false;
	(*h)[dom_bucket(seconds)]++;
	if (s->samples == 0 || seconds > s->max)
		s->max = seconds;
	s->samples++;
	return true;
}

static double
dom_pct(const uint32_t *h, uint64_t samples, double max, unsigned p)
{
	uint64_t rank = (samples * p + 99) / 100, seen = 0;
	size_t i;
	double v;

	if (rank == 0)
		rank = 1;
	if (rank >= samples)
		return max;
	for (i = 0; i < DOM_NBUCKETS; i++) {
		seen += h[i];
		if (seen >= rank)
			break;
	}
	v = dom_bucket_value(i < DOM_NBUCKETS ? i : DOM_NBUCKETS - 1);
	return v > max ? max : v;
}

/* --- domains ----------------------------------------------------------- */

/* The index of the recipient's domain, added if new (0: none). */
static uint16_t
dom_intern(struct bs_outcome *o, const char *name, size_t len)
{
	uint64_t h;
	size_t j;

	if (len == 0)
		return 0;
	if (len > DOM_NAME_MAX)
		return DOM_OTHER;
	h = bs_hash_bytes(name, len);
	for (j = h & (DOM_SLOTS - 1); o->dom_index[j] != 0;
	     j = (j + 1) & (DOM_SLOTS - 1)) {
		uint16_t k = o->dom_index[j];

		if (o->dom_len[k] == len &&
		    memcmp(o->dom_name[k], name, len) == 0)
			return k;
	}
	if (o->ndom >= BS_OUTCOME_DOMAINS)
		return DOM_OTHER;
	o->dom_name[o->ndom + 1] = malloc(len);
	if (o->dom_name[o->ndom + 1] == NULL)
		return DOM_OTHER;
	memcpy(o->dom_name[o->ndom + 1], name, len);
	o->dom_len[o->ndom + 1] = (uint8_t)len;
	o->ndom++;
	o->dom_index[j] = (uint16_t)o->ndom;
	return (uint16_t)o->ndom;
}

/* The lower-cased domain of an address, into buf; its length or 0. */
static size_t
domain_of(const struct bs_text *a, char *buf)
{
	const char *at;
	size_t n, i;

	if (a->ptr == NULL || a->len == 0 ||
	    (at = memrchr(a->ptr, '@', a->len)) == NULL)
		return 0;
	n = a->len - (size_t)(at + 1 - a->ptr);
	if (n > DOM_NAME_MAX)
		n = DOM_NAME_MAX + 1; /* too long: "(other)" */
	for (i = 0; i < n && i <= DOM_NAME_MAX; i++) {
		unsigned char ch = (unsigned char)at[1 + i];

		buf[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	return n;
}

/* --- records ----------------------------------------------------------- */

#define FIRST_CAP 1024

static size_t
home(uint32_t msg, size_t cap)
{
	unsigned bits = (unsigned)__builtin_ctzll((unsigned long long)cap);

	return (size_t)((msg * 0x9e3779b1u) >> (32 - bits)) & (cap - 1);
}

static bool
grow(struct bs_outcome *o)
{
	size_t ncap = o->cap ? o->cap * 2 : FIRST_CAP, i;
	struct rec *ns;

	ns = calloc(ncap, sizeof(*ns));
	if (ns == NULL)
		return false;
	for (i = 0; i < o->cap; i++) {
		size_t j;

		if (o->slots[i].state == R_EMPTY)
			continue;
		j = home(o->slots[i].msg, ncap);
		while (ns[j].state != R_EMPTY)
			j = (j + 1) & (ncap - 1);
		ns[j] = o->slots[i];
	}
	free(o->slots);
	o->slots = ns;
	o->cap = ncap;
	return true;
}

/*
 * Room for one more record: within the budget (pieces excepted) and the
 * table's load.  false when the budget is spent (or memory is out: then
 * *nomem).
 */
static bool
room(struct bs_outcome *o, bool *nomem)
{
	*nomem = false;
	if (!o->piece) {
		if (atomic_fetch_add(&o->budget->used, 1) >=
		    BS_OUTCOME_RECIPIENTS) {
			atomic_fetch_sub(&o->budget->used, 1);
			return false;
		}
	}
	if ((o->n + 1) * 4 > o->cap * 3 && !grow(o)) {
		if (!o->piece)
			atomic_fetch_sub(&o->budget->used, 1);
		*nomem = true;
		return false;
	}
	return true;
}

/* Put r in (room() said yes). */
static void
insert(struct bs_outcome *o, const struct rec *r)
{
	size_t j = home(r->msg, o->cap);

	while (o->slots[j].state != R_EMPTY)
		j = (j + 1) & (o->cap - 1);
	o->slots[j] = *r;
	o->n++;
}

/* Take slot i out, shifting back what followed it. */
static void
delete_at(struct bs_outcome *o, size_t i)
{
	size_t mask = o->cap - 1, j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (o->slots[j].state == R_EMPTY)
			break;
		k = home(o->slots[j].msg, o->cap);
		/* Move it back unless its home lies in (i, j]. */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			o->slots[i] = o->slots[j];
			i = j;
		}
	}
	memset(&o->slots[i], 0, sizeof(o->slots[i]));
	o->n--;
	if (!o->piece)
		atomic_fetch_sub(&o->budget->used, 1);
}

/*
 * What a walk over a message's records found for one recipient: its
 * record in flight (slot, or -1), whether it has any record, and
 * whether the message has an expiry here.
 */
struct found {
	long inflight;
	bool any;
	bool msgexp;
};

static void
find(const struct bs_outcome *o, uint32_t msg, uint32_t rcpt, struct found *f)
{
	size_t j;

	f->inflight = -1;
	f->any = f->msgexp = false;
	if (o->n == 0)
		return;
	for (j = home(msg, o->cap); o->slots[j].state != R_EMPTY;
	     j = (j + 1) & (o->cap - 1)) {
		const struct rec *r = &o->slots[j];

		if (r->msg != msg)
			continue;
		if (r->state == R_MSGEXP) {
			f->msgexp = true;
		} else if (r->rcpt == rcpt) {
			f->any = true;
			if (r->state == R_INFLIGHT)
				f->inflight = (long)j;
		}
	}
}

/* --- counting ---------------------------------------------------------- */

static size_t
defer_bucket(unsigned d)
{
	return d <= 1 ? BS_DEFERRALS_1 :
	    d <= 3    ? BS_DEFERRALS_2_3 :
	    d <= 10   ? BS_DEFERRALS_4_10 :
			BS_DEFERRALS_MORE;
}

/*
 * Count one recipient's end: kind after defers deferrals, with its delay
 * in seconds when delay >= 0.
 */
static void
count_end(struct bs_outcome *o, enum rec_state kind, unsigned defers,
    double delay, uint16_t dom)
{
	/* A hop is no outcome: the new id's recipient has the end. */
	if (kind == R_HOP)
		return;
	if (o->ds != NULL) {
		struct domstat *s = &o->ds[DS_INDEX(dom)];

		s->n[kind == R_DELIVERED  ? (defers ? DS_DA : DS_DF) :
			kind == R_BOUNCED ? (defers ? DS_BA : DS_BF) :
					    DS_EX]++;
		/* Out of memory: the domain's delays miss one (no error). */
		if (kind == R_DELIVERED && defers > 0 && delay >= 0)
			(void)dom_hist_add(s, &s->hist, delay);
	}
	if (defers > 0)
		o->c.before[defer_bucket(defers)]++;
	switch (kind) {
	case R_DELIVERED:
		if (defers == 0) {
			o->c.delivered_first++;
		} else {
			o->c.delivered_after++;
			if (delay >= 0)
				hist_add(&o->after_deferral, delay);
		}
		if (delay >= 0)
			hist_add(&o->delivered, delay);
		break;
	case R_BOUNCED:
		if (defers == 0)
			o->c.bounced_first++;
		else
			o->c.bounced_after++;
		break;
	default:
		o->c.expired++;
		break;
	}
}

/*
 * The delay of a recipient that ended with end (a summary's or an
 * event's: F_DELAY, F_END or neither), first seen at first (F_TIMED in
 * first_flags), after defers deferrals; -1 for none.
 */
static double
delay_of(const struct rec *end, unsigned first_flags, uint32_t first,
    unsigned defers)
{
	if (end->flags & F_DELAY)
		return end->end / 100.0;
	if (defers > 0 && (end->flags & F_END) && (first_flags & F_TIMED) &&
	    end->end >= first)
		return (double)(end->end - first);
	return -1;
}

static uint16_t
sat_add(unsigned a, unsigned b)
{
	return (uint16_t)(a + b > 0xffff ? 0xffff : a + b);
}

/*
 * The recipient in slot i ends as e says (its state, and end with
 * F_DELAY or F_END): a summary where it may join the part before, else
 * counted and forgotten.
 */
static void
end_at(struct bs_outcome *o, size_t i, const struct rec *e)
{
	struct rec *r = &o->slots[i];

	if (r->flags & F_CONT) {
		r->state = e->state;
		r->end = e->end;
		r->flags = (uint8_t)((r->flags & (F_TIMED | F_CONT)) |
		    (e->flags & (F_DELAY | F_END)));
		return;
	}
	count_end(o, (enum rec_state)e->state, r->defers,
	    delay_of(e, r->flags, r->first, r->defers), r->dom);
	delete_at(o, i);
}

/* What an event says about the end of a recipient: a record to read. */
static void
end_of(const struct bs_event *ev, enum rec_state kind, struct rec *e)
{
	memset(e, 0, sizeof(*e));
	e->state = (uint8_t)kind;
	if (ev->delay >= 0 && ev->delay < 42949672.0) {
		e->end = (uint32_t)(ev->delay * 100.0 + 0.5);
		e->flags = F_DELAY;
	} else if (ev->timed && ev->time >= 0 &&
	    (uint64_t)ev->time <= UINT32_MAX) {
		e->end = (uint32_t)ev->time;
		e->flags = F_END;
	}
}

/* The message ended: every recipient of it in flight expired. */
static bs_status
message_expired(struct bs_outcome *o, uint32_t msg, const struct bs_event *ev)
{
	struct rec e, x;
	bool seen = false, nomem;
	size_t j;

	end_of(ev, R_EXPIRED, &e);
	e.flags &= (uint8_t)~F_DELAY; /* a message's delay= is not theirs */
	if (o->n > 0) {
		j = home(msg, o->cap);
		while (o->slots[j].state != R_EMPTY) {
			struct rec *r = &o->slots[j];

			if (r->msg == msg && r->state == R_MSGEXP)
				seen = true;
			if (r->msg == msg && r->state == R_INFLIGHT) {
				bool cont = r->flags & F_CONT;

				end_at(o, j, &e);
				/* Deleted: slot j holds the next one now. */
				if (!cont)
					continue;
			}
			j = (j + 1) & (o->cap - 1);
		}
	}
	if (!o->after || seen)
		return BS_OK;
	/* The part before's recipients of msg end here too (merge). */
	if (!room(o, &nomem)) {
		if (nomem)
			return BS_ERR_NOMEM;
		o->c.untracked++;
		return BS_OK;
	}
	memset(&x, 0, sizeof(x));
	x.msg = msg;
	x.state = R_MSGEXP;
	x.end = e.end;
	x.flags = e.flags;
	insert(o, &x);
	return BS_OK;
}

static bs_status track(struct bs_outcome *o, const struct bs_event *ev,
    uint32_t msg, enum rec_state kind);

/*
 * Time t read (an event's, or a merged part's first and latest): the
 * first and the latest a tracker saw, for arrived_here and the merge.
 */
static void
note_time(struct bs_outcome *o, time_t t)
{
	if (!o->timed) {
		o->timed = true;
		o->t0 = o->tmax = t;
	} else if (t > o->tmax) {
		o->tmax = t;
	}
}

/*
 * Whether ev's message arrived in this part, after its first event: its
 * arrival (the event's time less Postfix's delay=, which counts from
 * there; Exim's DT= does not) is at least BS_OUTCOME_ARRIVED seconds
 * past that event.  Then no part before can hold a recipient of it, as
 * long as that part's events all came before (the merge checks it): on
 * a log split into pieces nearly every recipient's end is counted
 * without being looked up again.
 */
static bool
arrived_here(const struct bs_outcome *o, const struct bs_event *ev)
{
	return o->piece && o->timed && ev->timed && ev->delay_since_arrival &&
	    ev->delay >= 0 &&
	    (double)ev->time - ev->delay >=
	    (double)o->t0 + (double)BS_OUTCOME_ARRIVED;
}

/* Add r to o's list of ends whose messages arrived here. */
static bool
arr_add(struct bs_outcome *o, const struct rec *r)
{
	struct rec *n =
	    bs_grow(o->arr, &o->arrcap, o->narr + 1, sizeof(*n), 256);

	if (n == NULL)
		return false;
	o->arr = n;
	o->arr[o->narr++] = *r;
	return true;
}

bs_status
bs_outcome_hop(struct bs_outcome *o, const struct bs_event *ev, uint64_t h48)
{
	uint32_t msg = (uint32_t)(h48 >> 16);

	if (ev->timed)
		note_time(o, ev->time);
	if (ev->recipient.ptr == NULL)
		return BS_OK;
	return track(o, ev, msg == 0 ? 1 : msg, R_HOP);
}

bs_status
bs_outcome_event(struct bs_outcome *o, const struct bs_event *ev, uint64_t h48)
{
	uint32_t msg = (uint32_t)(h48 >> 16);
	enum rec_state kind;

	if (msg == 0)
		msg = 1;
	if (ev->timed)
		note_time(o, ev->time);
	switch (ev->kind) {
	case BS_DELIVERED:
		kind = R_DELIVERED;
		break;
	case BS_BOUNCED:
		kind = R_BOUNCED;
		break;
	case BS_EXPIRED:
		kind = R_EXPIRED;
		break;
	case BS_DEFERRED:
		kind = R_INFLIGHT;
		break;
	default:
		return BS_OK; /* refusals are no recipients */
	}
	if (ev->recipient.ptr == NULL)
		return kind == R_EXPIRED ? message_expired(o, msg, ev) : BS_OK;
	return track(o, ev, msg, kind);
}

/* An event of a recipient of msg: in flight, or its end (kind). */
static bs_status
track(struct bs_outcome *o, const struct bs_event *ev, uint32_t msg,
    enum rec_state kind)
{
	uint32_t rcpt;
	struct found f;
	struct rec e, r;
	bool nomem;

	rcpt = (uint32_t)bs_hash_bytes(ev->recipient.ptr, ev->recipient.len);
	find(o, msg, rcpt, &f);
	if (f.inflight >= 0) {
		struct rec *in = &o->slots[f.inflight];

		if (kind == R_INFLIGHT) {
			in->defers = sat_add(in->defers, 1);
			return BS_OK;
		}
		end_of(ev, kind, &e);
		end_at(o, (size_t)f.inflight, &e);
		return BS_OK;
	}
	/* A recipient's first event here. */
	memset(&r, 0, sizeof(r));
	r.msg = msg;
	r.rcpt = rcpt;
	if (o->after && !f.any && !f.msgexp)
		r.flags |= F_CONT;
	if (ev->timed && ev->time >= 0 && (uint64_t)ev->time <= UINT32_MAX) {
		r.first = (uint32_t)ev->time;
		r.flags |= F_TIMED;
	}
	/* Every recipient's domain with --by domain, else those in flight. */
	if (kind == R_INFLIGHT || o->ds != NULL) {
		char buf[DOM_NAME_MAX + 1];

		r.dom = dom_intern(o, buf, domain_of(&ev->recipient, buf));
	}
	if (kind == R_INFLIGHT) {
		r.state = R_INFLIGHT;
		r.defers = 1;
	} else {
		end_of(ev, kind, &e);
		if (!(r.flags & F_CONT)) {
			/* Ended at its first event: counted, never kept. */
			count_end(o, kind, 0, delay_of(&e, r.flags, r.first, 0),
			    r.dom);
			return BS_OK;
		}
		r.state = e.state;
		r.end = e.end;
		r.flags |= e.flags;
		/* Kept apart, never searched (see the top of the file). */
		if (arrived_here(o, ev))
			return arr_add(o, &r) ? BS_OK : BS_ERR_NOMEM;
	}
	if (!room(o, &nomem)) {
		if (nomem)
			return BS_ERR_NOMEM;
		o->c.untracked++;
		if (kind != R_INFLIGHT)
			count_end(o, kind, 0, delay_of(&e, r.flags, r.first, 0),
			    r.dom);
		return BS_OK;
	}
	insert(o, &r);
	return BS_OK;
}

/* --- trackers ---------------------------------------------------------- */

struct bs_outcome *
bs_outcome_new(void)
{
	struct bs_outcome *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	o->budget = calloc(1, sizeof(*o->budget));
	if (o->budget == NULL) {
		free(o);
		return NULL;
	}
	atomic_init(&o->budget->used, 0);
	atomic_init(&o->budget->refs, 1);
	return o;
}

struct bs_outcome *
bs_outcome_new_after(const struct bs_outcome *o, bool piece)
{
	struct bs_outcome *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->budget = o->budget;
	atomic_fetch_add(&o->budget->refs, 1);
	n->after = true;
	n->piece = piece;
	if (o->ds != NULL)
		bs_outcome_by_domain(n);
	return n;
}

void
bs_outcome_free(struct bs_outcome *o)
{
	size_t i;

	if (o == NULL)
		return;
	if (!o->piece && o->n > 0)
		atomic_fetch_sub(&o->budget->used, o->n);
	if (atomic_fetch_sub(&o->budget->refs, 1) == 1)
		free(o->budget);
	for (i = 1; i <= o->ndom; i++)
		free(o->dom_name[i]);
	if (o->ds != NULL)
		for (i = 0; i < DS_SLOTS; i++)
			free(o->ds[i].hist);
	free(o->ds);
	free(o->rows);
	free(o->slots);
	free(o->arr);
	free(o);
}

void
bs_outcome_by_domain(struct bs_outcome *o)
{
	/* Without memory the rows are missing, not wrong (none are made). */
	if (o->ds == NULL)
		o->ds = calloc(DS_SLOTS, sizeof(*o->ds));
}

/* --- merging ----------------------------------------------------------- */

/* Whether s has a record of (msg, rcpt) that may join the part before. */
static bool
has_cont(const struct bs_outcome *s, uint32_t msg, uint32_t rcpt)
{
	size_t j;

	if (s->n > 0)
		for (j = home(msg, s->cap); s->slots[j].state != R_EMPTY;
		     j = (j + 1) & (s->cap - 1)) {
			const struct rec *r = &s->slots[j];

			if (r->msg == msg && r->rcpt == rcpt &&
			    r->state != R_MSGEXP && (r->flags & F_CONT))
				return true;
		}
	/* The list (its records all may join): rare, only for expiries. */
	for (j = 0; j < s->narr; j++)
		if (s->arr[j].msg == msg && s->arr[j].rcpt == rcpt)
			return true;
	return false;
}

/* Step 1: src's expiries end dst's recipients src did not see first. */
static void
merge_expiries(struct bs_outcome *d, const struct bs_outcome *s)
{
	size_t i, j;

	for (i = 0; i < s->cap; i++) {
		const struct rec *x = &s->slots[i];

		if (x->state != R_MSGEXP || d->n == 0)
			continue;
		j = home(x->msg, d->cap);
		while (d->slots[j].state != R_EMPTY) {
			struct rec *r = &d->slots[j];

			if (r->msg == x->msg && r->state == R_INFLIGHT &&
			    !has_cont(s, r->msg, r->rcpt)) {
				struct rec e = *x;
				bool cont = r->flags & F_CONT;

				e.state = R_EXPIRED;
				end_at(d, j, &e);
				if (!cont)
					continue;
			}
			j = (j + 1) & (d->cap - 1);
		}
	}
}

/* A summary x of src ends in dst as it was read (dom its domain there). */
static void
count_summary(struct bs_outcome *d, const struct rec *x, uint16_t dom)
{
	count_end(d, (enum rec_state)x->state, x->defers,
	    delay_of(x, x->flags, x->first, x->defers), dom);
}

/* Keep r (from the part after) in d, or count it when there is no room. */
static bs_status
keep(struct bs_outcome *d, struct rec *r)
{
	bool nomem;

	if (!room(d, &nomem)) {
		if (nomem)
			return BS_ERR_NOMEM;
		d->c.untracked++;
		if (r->state != R_INFLIGHT && r->state != R_MSGEXP)
			count_summary(d, r, r->dom);
		return BS_OK;
	}
	insert(d, r);
	return BS_OK;
}

/* What src counted per domain, into dst's domains (map: src -> dst). */
static bs_status
merge_domains(struct bs_outcome *d, const struct bs_outcome *s,
    const uint16_t *map)
{
	size_t i, k, b;

	for (i = 0; i < DS_SLOTS; i++) {
		const struct domstat *x = &s->ds[i];
		struct domstat *y;

		if (i == 0 || i == BS_OUTCOME_DOMAINS + 1u)
			y = &d->ds[i];
		else if (i <= s->ndom)
			y = &d->ds[DS_INDEX(map[i])];
		else
			continue;
		for (k = 0; k < DS_N; k++)
			y->n[k] += x->n[k];
		if (x->samples == 0)
			continue;
		if (y->hist == NULL &&
		    (y->hist = calloc(DOM_NBUCKETS, sizeof(*y->hist))) == NULL)
			return BS_ERR_NOMEM;
		for (b = 0; b < DOM_NBUCKETS; b++)
			y->hist[b] += x->hist[b];
		if (y->samples == 0 || x->max > y->max)
			y->max = x->max;
		y->samples += x->samples;
	}
	return BS_OK;
}

/*
 * Step 2 for one summary x of src (dom its domain in dst): it ends dst's
 * recipient in flight, or is kept for the part before dst, or counted.
 */
static bs_status
merge_summary(struct bs_outcome *d, const struct rec *x, uint16_t dom)
{
	struct found f;
	struct rec r;

	find(d, x->msg, x->rcpt, &f);
	if (f.inflight >= 0) {
		struct rec *in = &d->slots[f.inflight];

		r = *x;
		r.flags &= (uint8_t)(F_DELAY | F_END);
		in->defers = sat_add(in->defers, x->defers);
		end_at(d, (size_t)f.inflight, &r);
		return BS_OK;
	}
	r = *x;
	r.dom = dom;
	if (d->after && !f.any && !f.msgexp)
		return keep(d, &r);
	count_summary(d, x, dom);
	return BS_OK;
}

/*
 * Step 2 for src's list of ends whose messages arrived in it: when
 * every event of dst came before src's first by less than the margin,
 * none of them can join dst's recipients, so they are counted (or, dst
 * being a piece after another part itself, listed in dst, whose first
 * event then came no later than src's).  Otherwise each is a summary.
 */
static bs_status
merge_arrived(struct bs_outcome *d, const struct bs_outcome *s,
    const uint16_t *map)
{
	bool before = d->timed && s->timed &&
	    (double)d->tmax < (double)s->t0 + (double)BS_OUTCOME_ARRIVED;
	bool list = before && d->after && d->piece && d->t0 <= s->t0;
	size_t i;

	for (i = 0; i < s->narr; i++) {
		const struct rec *x = &s->arr[i];
		struct rec r = *x;

		r.dom = x->dom == DOM_OTHER ? DOM_OTHER : map[x->dom];
		if (list) {
			if (!arr_add(d, &r))
				return BS_ERR_NOMEM;
		} else if (before && !d->after) {
			count_summary(d, x, r.dom);
		} else if (merge_summary(d, x, r.dom) != BS_OK) {
			return BS_ERR_NOMEM;
		}
	}
	return BS_OK;
}

bs_status
bs_outcome_merge(struct bs_outcome *d, const struct bs_outcome *s)
{
	uint16_t map[BS_OUTCOME_DOMAINS + 1];
	size_t i;

	map[0] = 0;
	for (i = 1; i <= s->ndom; i++)
		map[i] = dom_intern(d, s->dom_name[i], s->dom_len[i]);
#define MAP(dom) ((dom) == DOM_OTHER ? DOM_OTHER : map[(dom)])

	merge_expiries(d, s);
	/* Step 2: src's summaries end dst's recipients in flight. */
	for (i = 0; i < s->cap; i++) {
		const struct rec *x = &s->slots[i];

		if (x->state == R_EMPTY || x->state == R_INFLIGHT ||
		    x->state == R_MSGEXP)
			continue;
		if (merge_summary(d, x, MAP(x->dom)) != BS_OK)
			return BS_ERR_NOMEM;
	}
	if (merge_arrived(d, s, map) != BS_OK)
		return BS_ERR_NOMEM;
	/* Step 3: src's recipients in flight join or join dst's. */
	for (i = 0; i < s->cap; i++) {
		const struct rec *x = &s->slots[i];
		struct found f;
		struct rec r;

		if (x->state != R_INFLIGHT)
			continue;
		find(d, x->msg, x->rcpt, &f);
		if ((x->flags & F_CONT) && f.inflight >= 0) {
			struct rec *in = &d->slots[f.inflight];

			in->defers = sat_add(in->defers, x->defers);
			continue;
		}
		r = *x;
		r.dom = MAP(x->dom);
		if (!(d->after && (x->flags & F_CONT) && !f.any && !f.msgexp))
			r.flags &= (uint8_t)~F_CONT;
		if (keep(d, &r) != BS_OK)
			return BS_ERR_NOMEM;
	}
	/* Step 4: what src counted itself, and its times. */
	if (s->timed) {
		note_time(d, s->t0);
		note_time(d, s->tmax);
	}
	d->c.delivered_first += s->c.delivered_first;
	d->c.delivered_after += s->c.delivered_after;
	d->c.bounced_first += s->c.bounced_first;
	d->c.bounced_after += s->c.bounced_after;
	d->c.expired += s->c.expired;
	for (i = 0; i < BS_DEFERRALS_BUCKETS; i++)
		d->c.before[i] += s->c.before[i];
	d->c.untracked += s->c.untracked;
	hist_merge(&d->delivered, &s->delivered);
	hist_merge(&d->after_deferral, &s->after_deferral);
	if (d->ds != NULL && s->ds != NULL && merge_domains(d, s, map) != BS_OK)
		return BS_ERR_NOMEM;
	/* Step 5: src's expiries reach back past dst too. */
	if (d->after) {
		for (i = 0; i < s->cap; i++) {
			const struct rec *x = &s->slots[i];
			struct found f;
			struct rec r;

			if (x->state != R_MSGEXP)
				continue;
			find(d, x->msg, 0, &f);
			if (f.msgexp)
				continue;
			r = *x;
			if (keep(d, &r) != BS_OK)
				return BS_ERR_NOMEM;
		}
	}
	return BS_OK;
}

/* --- results ----------------------------------------------------------- */

static int
cmp_domain_rows(const void *pa, const void *pb)
{
	const struct bs_outcome_by_domain *a = pa, *b = pb;
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->recipients != b->recipients)
		return a->recipients > b->recipients ? -1 : 1;
	c = memcmp(a->name, b->name, a->len < b->len ? a->len : b->len);
	if (c != 0 || a->len == b->len)
		return c;
	return a->len < b->len ? -1 : 1;
}

/*
 * The rows per domain (--by domain): what each domain counted, its
 * recipients in flight (still deferred) and any summaries left here.
 */
static bs_status
finish_domains(struct bs_outcome *o)
{
	struct bs_outcome_by_domain *rows;
	struct domstat *st;
	uint32_t **hist;
	bs_status rc = BS_ERR_NOMEM;
	size_t i, n = 0;

	o->res.nby_domain = 0;
	o->res.by_domain = NULL;
	free(o->rows);
	o->rows = NULL;
	rows = calloc(DS_SLOTS, sizeof(*rows));
	st = malloc(DS_SLOTS * sizeof(*st));
	hist = calloc(DS_SLOTS, sizeof(*hist));
	if (rows == NULL || st == NULL || hist == NULL)
		goto out;
	/* Summaries are counted in copies: finish may come again. */
	memcpy(st, o->ds, DS_SLOTS * sizeof(*st));
	for (i = 0; i < o->cap; i++) {
		const struct rec *r = &o->slots[i];
		size_t k = DS_INDEX(r->dom);
		double dly;

		if (r->state == R_INFLIGHT) {
			rows[k].still_deferred++;
			continue;
		}
		if (r->state == R_EMPTY || r->state == R_MSGEXP ||
		    r->state == R_HOP)
			continue;
		st[k].n[r->state == R_DELIVERED ? (r->defers ? DS_DA : DS_DF) :
			r->state == R_BOUNCED	? (r->defers ? DS_BA : DS_BF) :
						  DS_EX]++;
		dly = delay_of(r, r->flags, r->first, r->defers);
		if (r->state != R_DELIVERED || r->defers == 0 || dly < 0)
			continue;
		if (hist[k] == NULL) {
			hist[k] = calloc(DOM_NBUCKETS, sizeof(**hist));
			if (hist[k] == NULL)
				goto out;
			if (st[k].hist != NULL)
				memcpy(hist[k], st[k].hist,
				    DOM_NBUCKETS * sizeof(**hist));
		}
		if (!dom_hist_add(&st[k], &hist[k], dly))
			goto out;
	}
	for (i = 0; i < DS_SLOTS; i++) {
		struct bs_outcome_by_domain *w = &rows[n];
		const uint32_t *h = hist[i] ? hist[i] : st[i].hist;
		struct bs_delays *d = &w->delay_after_deferral;

		w->delivered_first = st[i].n[DS_DF];
		w->delivered_after_deferral = st[i].n[DS_DA];
		w->bounced_first = st[i].n[DS_BF];
		w->bounced_after_deferral = st[i].n[DS_BA];
		w->expired = st[i].n[DS_EX];
		w->still_deferred = rows[i].still_deferred;
		w->recipients = w->delivered_first +
		    w->delivered_after_deferral + w->bounced_first +
		    w->bounced_after_deferral + w->expired + w->still_deferred;
		if (w->recipients == 0) {
			if (n != i)
				memset(w, 0, sizeof(*w));
			continue;
		}
		w->type = i == 0		 ? BS_OUTCOME_DOM_NULL :
		    i == BS_OUTCOME_DOMAINS + 1u ? BS_OUTCOME_DOM_OTHER :
						   BS_OUTCOME_DOM_KEY;
		w->name = w->type == BS_OUTCOME_DOM_KEY ? o->dom_name[i] : "";
		w->len = w->type == BS_OUTCOME_DOM_KEY ? o->dom_len[i] : 0;
		d->samples = st[i].samples;
		if (d->samples > 0) {
			d->p50 = dom_pct(h, d->samples, st[i].max, 50);
			d->p90 = dom_pct(h, d->samples, st[i].max, 90);
			d->p99 = dom_pct(h, d->samples, st[i].max, 99);
			d->max = st[i].max;
		}
		/* rows[i] (still deferred of a later slot) is read above. */
		if (n != i)
			rows[i].still_deferred = 0;
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_domain_rows);
	o->rows = rows;
	rows = NULL;
	o->res.nby_domain = n;
	o->res.by_domain = o->rows;
	rc = BS_OK;
out:
	if (hist != NULL)
		for (i = 0; i < DS_SLOTS; i++)
			free(hist[i]);
	free(hist);
	free(st);
	free(rows);
	return rc;
}

bs_status
bs_outcome_finish(struct bs_outcome *o)
{
	struct bs_outcomes *res = &o->res;
	struct counts c = o->c;
	struct hist *dl = NULL, *af = NULL;
	uint64_t *per = NULL, other = 0;
	size_t i, k;

	memset(res, 0, sizeof(*res));
	per = calloc(o->ndom + 1, sizeof(*per));
	if (per == NULL)
		return BS_ERR_NOMEM;
	/* A summary left here (no part before joined it) ends as read. */
	for (i = 0; i < o->cap + o->narr; i++) {
		const struct rec *r =
		    i < o->cap ? &o->slots[i] : &o->arr[i - o->cap];

		if (r->state == R_INFLIGHT) {
			res->still_deferred++;
			c.before[defer_bucket(r->defers)]++;
			if (r->dom == DOM_OTHER)
				other++;
			else if (r->dom != 0)
				per[r->dom]++;
		} else if (r->state != R_EMPTY && r->state != R_MSGEXP &&
		    r->state != R_HOP) {
			double dly = delay_of(r, r->flags, r->first, r->defers);

			if (r->defers > 0)
				c.before[defer_bucket(r->defers)]++;
			if (r->state == R_DELIVERED && r->defers == 0)
				c.delivered_first++;
			else if (r->state == R_DELIVERED)
				c.delivered_after++;
			else if (r->state == R_BOUNCED && r->defers == 0)
				c.bounced_first++;
			else if (r->state == R_BOUNCED)
				c.bounced_after++;
			else
				c.expired++;
			if (r->state == R_DELIVERED && dly >= 0) {
				if (dl == NULL) {
					dl = malloc(sizeof(*dl));
					af = malloc(sizeof(*af));
					if (dl == NULL || af == NULL) {
						free(dl);
						free(af);
						free(per);
						return BS_ERR_NOMEM;
					}
					*dl = o->delivered;
					*af = o->after_deferral;
				}
				hist_add(dl, dly);
				if (r->defers > 0)
					hist_add(af, dly);
			}
		}
	}
	res->delivered_first = c.delivered_first;
	res->delivered_after_deferral = c.delivered_after;
	res->bounced_first = c.bounced_first;
	res->bounced_after_deferral = c.bounced_after;
	res->expired = c.expired;
	res->recipients = c.delivered_first + c.delivered_after +
	    c.bounced_first + c.bounced_after + c.expired + res->still_deferred;
	for (k = 0; k < BS_DEFERRALS_BUCKETS; k++) {
		res->deferrals_before[k] = c.before[k];
		res->deferred += c.before[k];
	}
	hist_result(dl ? dl : &o->delivered, &res->delay_delivered);
	hist_result(af ? af : &o->after_deferral, &res->delay_after_deferral);
	res->estimated = c.untracked > 0;
	res->error_bound = c.untracked;
	/* The domains with most recipients still deferred. */
	for (k = 0; k < BS_OUTCOME_TOP_DOMAINS; k++) {
		size_t best = 0;

		for (i = 1; i <= o->ndom; i++)
			if (per[i] > 0 && (best == 0 || per[i] > per[best]))
				best = i;
		if (best == 0 && other == 0)
			break;
		if (best == 0 || other > per[best]) {
			res->domains[k] =
			    (struct bs_outcome_domain){ .name = NULL,
				    .len = 0,
				    .count = other };
			other = 0;
		} else {
			res->domains[k] =
			    (struct bs_outcome_domain){ .name =
							    o->dom_name[best],
				    .len = o->dom_len[best],
				    .count = per[best] };
			per[best] = 0;
		}
		res->ndomains++;
	}
	free(dl);
	free(af);
	free(per);
	return o->ds != NULL ? finish_domains(o) : BS_OK;
}

size_t
bs_outcome_held(const struct bs_outcome *o, size_t ahead)
{
	/* Thrice the table when the next records make it double. */
	size_t times = (o->n + ahead) * 4 > o->cap * 3 ? 3 : 1;

	/* The list, thrice when it is about to double. */
	size_t list =
	    o->arrcap * sizeof(*o->arr) * (o->narr + ahead > o->arrcap ? 3 : 1);

	return o->cap * sizeof(*o->slots) * times + list +
	    (o->ds != NULL ? DS_SLOTS * sizeof(*o->ds) : 0);
}

const struct bs_outcomes *
bs_outcome_results(const struct bs_outcome *o)
{
	return &o->res;
}

void
bs_outcome_reset(struct bs_outcome *o)
{
	memset(&o->c, 0, sizeof(o->c));
	memset(&o->delivered, 0, sizeof(o->delivered));
	memset(&o->after_deferral, 0, sizeof(o->after_deferral));
	memset(&o->res, 0, sizeof(o->res));
	free(o->rows);
	o->rows = NULL;
	if (o->ds != NULL) {
		size_t i;

		for (i = 0; i < DS_SLOTS; i++) {
			free(o->ds[i].hist);
			memset(&o->ds[i], 0, sizeof(o->ds[i]));
		}
	}
}
