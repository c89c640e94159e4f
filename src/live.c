/*
 * live.c - the live view's arithmetic: intervals from cumulative counts,
 * a ring of per-interval slots for the sliding window, and what is new.
 *
 * Codes and domains are entries of two tables that only grow (to their
 * bounds: a code table as large as the aggregate's rows can be, a domain
 * table as large as a breakdown counts exactly); an entry remembers its
 * count at the last refresh and when it last had events, which is all
 * "new" needs.  A slot refers to entries by index.
 */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "breakdown.h"
#include "hash.h"
#include "live.h"

struct entry {
	uint64_t hash;
	char *name;		/* domains: owned copy; codes: NULL */
	size_t len;
	enum bs_kind kind;
	struct bs_codes codes;	/* a code, or a domain's last top code */
	unsigned connfail;
	uint64_t cum;		/* the count at the last refresh */
	int64_t last_ms;	/* end of the last interval it had events */
	bool seen;		/* last_ms is set */
	uint64_t delta;		/* this refresh: the interval's count */
	uint64_t win;		/* this refresh: the window's count */
};

/* Open addressing over entry indexes + 1 (0: empty), at most half full. */
struct table {
	struct entry *e;
	size_t n, max;
	uint32_t *index;
	size_t mask;
};

struct slot_key {
	uint32_t idx;
	uint64_t n;
};

struct slot {
	int64_t start_ms, end_ms;
	uint64_t kind[BS_KIND_COUNT];
	bool partial;		/* keys past BS_LIVE_SLOT_KEYS left out */
	size_t ncodes, ndomains;
	struct slot_key codes[BS_LIVE_SLOT_KEYS];
	struct slot_key domains[BS_LIVE_SLOT_KEYS];
};

struct bs_live {
	int64_t interval_ms, window_ms;
	int64_t last_ms;	/* the last refresh, or the start */
	bool started;		/* a refresh happened */
	uint64_t kind_cum[BS_KIND_COUNT];
	struct table codes, domains;
	struct slot *ring;	/* cap slots, the oldest at head */
	size_t cap, head, n;
	struct slot_key *scratch;	/* deltas of one refresh */
	struct bs_live_code_in *code_in;	/* bs_live_update_agg's sample */
	struct bs_live_domain_in *domain_in;
	size_t code_in_cap, domain_in_cap;
	struct bs_live_view view;
};

static bool
table_init(struct table *t, size_t max)
{
	size_t size = 16;

	while (size < 2 * max)
		size *= 2;
	t->e = calloc(max, sizeof(*t->e));
	t->index = calloc(size, sizeof(*t->index));
	t->n = 0;
	t->max = max;
	t->mask = size - 1;
	return t->e != NULL && t->index != NULL;
}

static void
table_fini(struct table *t)
{
	size_t i;

	if (t->e != NULL)
		for (i = 0; i < t->n; i++)
			free(t->e[i].name);
	free(t->e);
	free(t->index);
}

static bool
same_code(const struct entry *e, enum bs_kind kind,
    const struct bs_codes *c, unsigned connfail)
{
	return e->kind == kind && e->connfail == connfail &&
	    strcmp(e->codes.basic, c->basic) == 0 &&
	    strcmp(e->codes.enhanced, c->enhanced) == 0;
}

static uint64_t
code_hash(enum bs_kind kind, const struct bs_codes *c, unsigned connfail)
{
	char key[sizeof(c->basic) + sizeof(c->enhanced) + 8];
	size_t n = 0, bl = strlen(c->basic), el = strlen(c->enhanced);

	key[n++] = (char)kind;
	key[n++] = (char)connfail;
	memcpy(key + n, c->basic, bl + 1);
	n += bl + 1;
	memcpy(key + n, c->enhanced, el);
	n += el;
	return bs_hash_bytes(key, n);
}

/*
 * The entry of a code (name NULL) or a domain, made when new; -1 when the
 * table is full (then the key is only in the kind totals) or out of
 * memory (*nomem).
 */
static long
table_find(struct table *t, uint64_t h, const char *name, size_t len,
    enum bs_kind kind, const struct bs_codes *c, unsigned connfail,
    bool *nomem)
{
	size_t i = (size_t)h & t->mask;
	struct entry *e;

	for (; t->index[i] != 0; i = (i + 1) & t->mask) {
		e = &t->e[t->index[i] - 1];
		if (e->hash != h)
			continue;
		if (name != NULL ? e->len == len &&
		    memcmp(e->name, name, len) == 0 :
		    same_code(e, kind, c, connfail))
			return (long)(t->index[i] - 1);
	}
	if (t->n == t->max)
		return -1;
	e = &t->e[t->n];
	memset(e, 0, sizeof(*e));
	if (name != NULL) {
		e->name = malloc(len > 0 ? len : 1);
		if (e->name == NULL) {
			*nomem = true;
			return -1;
		}
		memcpy(e->name, name, len);
		e->len = len;
	} else {
		e->kind = kind;
		e->codes = *c;
		e->connfail = connfail;
	}
	e->hash = h;
	t->index[i] = (uint32_t)(++t->n);
	return (long)(t->n - 1);
}

struct bs_live *
bs_live_new(unsigned interval_s, unsigned window_s, int64_t start_ms)
{
	struct bs_live *l;
	size_t slots;

	if (interval_s == 0 || window_s < interval_s ||
	    window_s > BS_LIVE_WINDOW_MAX ||
	    (window_s + interval_s - 1) / interval_s > BS_LIVE_SLOTS)
		return NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	slots = (window_s + interval_s - 1) / interval_s;
	l->interval_ms = (int64_t)interval_s * 1000;
	l->window_ms = (int64_t)window_s * 1000;
	l->last_ms = start_ms;
	l->cap = slots + BS_LIVE_SLOTS_SPARE;
	l->ring = calloc(l->cap, sizeof(*l->ring));
	l->scratch = calloc(BS_LIVE_DOMAINS > BS_ROWS_MAX + 1 ?
	    BS_LIVE_DOMAINS : BS_ROWS_MAX + 1, sizeof(*l->scratch));
	l->view.window_asked_ms = l->window_ms;
	if (l->ring == NULL || l->scratch == NULL ||
	    !table_init(&l->codes, BS_ROWS_MAX + 1) ||
	    !table_init(&l->domains, BS_LIVE_DOMAINS)) {
		bs_live_free(l);
		return NULL;
	}
	return l;
}

void
bs_live_free(struct bs_live *l)
{
	if (l == NULL)
		return;
	table_fini(&l->codes);
	table_fini(&l->domains);
	free(l->ring);
	free(l->scratch);
	free(l->code_in);
	free(l->domain_in);
	free(l);
}

const struct bs_live_view *
bs_live_view(const struct bs_live *l)
{
	return &l->view;
}

static int
by_n_desc(const void *a, const void *b)
{
	const struct slot_key *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Keep the largest of n deltas in a slot's keys; true if some were left. */
static bool
keep_largest(struct slot_key *d, size_t n, struct slot_key *keys,
    size_t *nkeys)
{
	qsort(d, n, sizeof(*d), by_n_desc);
	*nkeys = n < BS_LIVE_SLOT_KEYS ? n : BS_LIVE_SLOT_KEYS;
	memcpy(keys, d, *nkeys * sizeof(*keys));
	return n > BS_LIVE_SLOT_KEYS;
}

/*
 * The new cumulative count of entry e: its delta, and whether it had
 * events this interval and none in the window at the refresh before
 * (its last events ended at or before prev_lo).
 */
static bool
count(struct entry *e, uint64_t cum, int64_t prev_lo, int64_t now_ms)
{
	bool fresh;

	e->delta = cum > e->cum ? cum - e->cum : 0;
	e->cum = cum;
	if (e->delta == 0)
		return false;
	fresh = !e->seen || e->last_ms <= prev_lo;
	e->seen = true;
	e->last_ms = now_ms;
	return fresh;
}

static void
row_of(const struct entry *e, struct bs_live_row *r)
{
	memset(r, 0, sizeof(*r));
	r->name = e->name;
	r->len = e->len;
	r->kind = e->kind;
	r->codes = e->codes;
	r->connfail = e->connfail;
	r->interval = e->delta;
	r->window = e->win;
	r->total = e->cum;
}

/* Order of the view's lists: by the window, the interval, the total. */
static int
by_window(const void *a, const void *b)
{
	const struct bs_live_row *x = a, *y = b;

	if (x->window != y->window)
		return x->window < y->window ? 1 : -1;
	if (x->interval != y->interval)
		return x->interval < y->interval ? 1 : -1;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return 0;
}

static int
by_interval(const void *a, const void *b)
{
	const struct bs_live_row *x = a, *y = b;

	if (x->interval != y->interval)
		return x->interval < y->interval ? 1 : -1;
	return by_window(a, b);
}

/*
 * Add row r to list (at most BS_LIVE_TOP, kept in order by cmp): the
 * list keeps the first rows in that order, more counts the rest.
 */
static void
list_add(struct bs_live_row *list, size_t *n, uint64_t *more,
    const struct bs_live_row *r, int (*cmp)(const void *, const void *))
{
	size_t i;

	if (*n == BS_LIVE_TOP) {
		(*more)++;
		if (cmp(r, &list[*n - 1]) >= 0)
			return;
		(*n)--;
	}
	for (i = *n; i > 0 && cmp(r, &list[i - 1]) < 0; i--)
		list[i] = list[i - 1];
	list[i] = *r;
	(*n)++;
}

bs_status
bs_live_update(struct bs_live *l, const struct bs_live_sample *s,
    int64_t now_ms)
{
	struct bs_live_view *v = &l->view;
	struct slot *sl;
	int64_t prev_lo, lo, oldest;
	bool nomem = false;
	size_t i, k, nd;

	/* The window at the refresh before; before the first, nothing. */
	prev_lo = l->started ? l->last_ms - l->window_ms +
	    l->interval_ms / 2 : INT64_MAX;
	v->refreshes++;
	v->interval_ms = now_ms - l->last_ms;
	v->nnew_codes = v->nnew_domains = 0;
	v->more_new_codes = v->more_new_domains = 0;
	v->domains_counted = s->domains_counted;
	/* The ring is full: the oldest slot goes. */
	if (l->n == l->cap) {
		l->head = (l->head + 1) % l->cap;
		l->n--;
	}
	sl = &l->ring[(l->head + l->n) % l->cap];
	memset(sl, 0, sizeof(*sl));
	sl->start_ms = l->last_ms;
	sl->end_ms = now_ms;
	for (k = 0; k < BS_KIND_COUNT; k++) {
		sl->kind[k] = s->kind[k] > l->kind_cum[k] ?
		    s->kind[k] - l->kind_cum[k] : 0;
		l->kind_cum[k] = s->kind[k];
		v->interval[k] = sl->kind[k];
		v->total[k] = s->kind[k];
	}
	for (i = 0; i < l->codes.n; i++)
		l->codes.e[i].delta = 0;
	for (i = 0, nd = 0; i < s->ncodes; i++) {
		const struct bs_live_code_in *c = &s->codes[i];
		long x = table_find(&l->codes, code_hash(c->kind, &c->codes,
		    c->connfail), NULL, 0, c->kind, &c->codes, c->connfail,
		    &nomem);
		struct entry *e;

		if (x < 0) {
			sl->partial = true;
			continue;
		}
		e = &l->codes.e[x];
		/* Rows are keyed by code: one row, one entry. */
		if (count(e, c->count, prev_lo, now_ms) &&
		    c->kind != BS_DELIVERED) {
			struct bs_live_row r;

			e->win = e->delta;	/* none before, by definition */
			row_of(e, &r);
			list_add(v->new_codes, &v->nnew_codes,
			    &v->more_new_codes, &r, by_interval);
		}
		if (e->delta > 0) {
			l->scratch[nd].idx = (uint32_t)x;
			l->scratch[nd++].n = e->delta;
		}
	}
	sl->partial |= keep_largest(l->scratch, nd, sl->codes, &sl->ncodes);
	for (i = 0; i < l->domains.n; i++)
		l->domains.e[i].delta = 0;
	for (i = 0, nd = 0; i < s->ndomains; i++) {
		const struct bs_live_domain_in *d = &s->domains[i];
		long x = table_find(&l->domains, bs_hash_bytes(d->name,
		    d->len), d->name, d->len, BS_DELIVERED, NULL, 0, &nomem);
		struct entry *e;

		if (x < 0) {
			sl->partial = true;
			continue;
		}
		e = &l->domains.e[x];
		e->codes = d->top;
		if (count(e, d->failures, prev_lo, now_ms)) {
			struct bs_live_row r;

			e->win = e->delta;
			row_of(e, &r);
			list_add(v->new_domains, &v->nnew_domains,
			    &v->more_new_domains, &r, by_interval);
		}
		if (e->delta > 0) {
			l->scratch[nd].idx = (uint32_t)x;
			l->scratch[nd++].n = e->delta;
		}
	}
	sl->partial |= keep_largest(l->scratch, nd, sl->domains,
	    &sl->ndomains);
	l->n++;
	l->last_ms = now_ms;
	l->started = true;

	/*
	 * The window: the slots that ended within it.  Half an interval of
	 * slack, so that a refresh a few milliseconds late does not take in
	 * one slot too many.  The last slot's own counts are exact (deltas),
	 * the older ones' what their slots kept.
	 */
	lo = now_ms - l->window_ms + l->interval_ms / 2;
	memset(v->window, 0, sizeof(v->window));
	v->window_partial = false;
	for (i = 0; i < l->codes.n; i++)
		l->codes.e[i].win = l->codes.e[i].delta;
	for (i = 0; i < l->domains.n; i++)
		l->domains.e[i].win = l->domains.e[i].delta;
	oldest = now_ms;
	for (i = 0; i < l->n; i++) {
		const struct slot *o = &l->ring[(l->head + i) % l->cap];
		bool last = i + 1 == l->n;

		if (o->end_ms <= lo)
			continue;
		if (o->start_ms < oldest)
			oldest = o->start_ms;
		for (k = 0; k < BS_KIND_COUNT; k++)
			v->window[k] += o->kind[k];
		if (last)
			continue;
		v->window_partial |= o->partial;
		for (k = 0; k < o->ncodes; k++)
			l->codes.e[o->codes[k].idx].win += o->codes[k].n;
		for (k = 0; k < o->ndomains; k++)
			l->domains.e[o->domains[k].idx].win +=
			    o->domains[k].n;
	}
	v->window_ms = now_ms - oldest;
	v->ncodes = v->ndomains = 0;
	v->more_codes = v->more_domains = 0;
	for (i = 0; i < l->codes.n; i++) {
		const struct entry *e = &l->codes.e[i];
		struct bs_live_row r;

		if (e->win == 0 || e->kind == BS_DELIVERED)
			continue;
		row_of(e, &r);
		list_add(v->codes, &v->ncodes, &v->more_codes, &r, by_window);
	}
	for (i = 0; i < l->domains.n; i++) {
		const struct entry *e = &l->domains.e[i];
		struct bs_live_row r;

		if (e->win == 0)
			continue;
		row_of(e, &r);
		list_add(v->domains, &v->ndomains, &v->more_domains, &r,
		    by_window);
	}
	return nomem ? BS_ERR_NOMEM : BS_OK;
}

bs_status
bs_live_update_agg(struct bs_live *l, const struct bs_agg *a, int64_t now_ms)
{
	const struct bs_totals *t = bs_agg_totals(a);
	const struct bs_breakdown *dom = NULL;
	struct bs_live_sample s;
	size_t i, n = bs_agg_nrows(a), nd = 0;

	memset(&s, 0, sizeof(s));
	memcpy(s.kind, t->kind, sizeof(s.kind));
	for (i = 0; i < bs_agg_nby(a); i++)
		if (bs_breakdown_by(bs_agg_by(a, i)) == BS_BY_DOMAIN)
			dom = bs_agg_by(a, i);
	if (dom != NULL)
		nd = bs_breakdown_nrows(dom);
	if (n > l->code_in_cap) {
		void *p = realloc(l->code_in, n * sizeof(*l->code_in));

		if (p == NULL)
			return BS_ERR_NOMEM;
		l->code_in = p;
		l->code_in_cap = n;
	}
	if (nd > l->domain_in_cap) {
		void *p = realloc(l->domain_in, nd * sizeof(*l->domain_in));

		if (p == NULL)
			return BS_ERR_NOMEM;
		l->domain_in = p;
		l->domain_in_cap = nd;
	}
	for (i = 0; i < n; i++) {
		const struct bs_row *r = bs_agg_row(a, i);

		l->code_in[i].kind = r->kind;
		l->code_in[i].codes = r->codes;
		l->code_in[i].connfail = r->connfail;
		l->code_in[i].count = r->count;
	}
	s.codes = l->code_in;
	s.ncodes = n;
	for (i = 0; i < nd; i++) {
		const struct bs_by_row *r = bs_breakdown_row(dom, i);
		struct bs_live_domain_in *d = &l->domain_in[s.ndomains];

		/* Only named domains: not "(none)" nor "(other)". */
		if (r->type != BS_BY_ROW_KEY)
			continue;
		d->name = r->key;
		d->len = r->keylen;
		d->failures = r->failures;
		memset(&d->top, 0, sizeof(d->top));
		if (r->ncodes > 0)
			d->top = r->codes[0].codes;
		s.ndomains++;
	}
	s.domains = l->domain_in;
	s.domains_counted = dom != NULL;
	return bs_live_update(l, &s, now_ms);
}
