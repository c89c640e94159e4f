/*
 * agg.c - counting events into rows, and distinct messages.
 *
 * Rows live in an array in the order they were first seen (their index is
 * their tag in the message set) and are found through a small open
 * addressing index.  Distinct messages: one set of 64-bit keys, each the
 * top 48 bits of the message id's hash with a 16-bit tag below them, the
 * tag naming a row or a kind.  A key that is new adds one message to its
 * row or kind, so counts are exact (up to a 48-bit hash collision among
 * one row's ids).  When the set reaches BS_MSGID_BUDGET keys it is poured
 * into one HyperLogLog per row and per kind and freed; from then on the
 * counts are estimates and are marked as such.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "agg.h"
#include "breakdown.h"
#include "grow.h"
#include "hash.h"
#include "hll.h"
#include "health.h"
#include "normalize.h"
#include "hop.h"
#include "join.h"
#include "notify.h"
#include "outcome.h"
#include "topk.h"

/* Precision of a tag's estimate: the five kind totals can afford more. */
#define HLL_BITS(tag)	((tag) >= KIND_TAG ? BS_HLL_KIND_BITS : BS_HLL_BITS)
/*
 * Row tags run up to BS_ROWS_MAX plus one code-less row per kind (made
 * past the cap to fold into); the per-kind counts are tagged after them.
 */
#define KIND_TAG	(BS_ROWS_MAX + BS_KIND_COUNT)
#define NTAGS		(KIND_TAG + BS_KIND_COUNT)

/*
 * Events whose message is yet to be noted.  The set is far larger than the
 * caches, so each event asks for its slot's line when it comes and is
 * noted AGG_PENDING events later, when the line has arrived.
 */
#define AGG_PENDING	32

struct pending {
	uint64_t h48;
	uint32_t row;
	uint32_t kind;
};

/*
 * An event of a piece whose sender was in an earlier piece (join.h
 * BS_JOIN_BEFORE): what the sender breakdowns count of it, until the
 * merge knows the sender (bs_agg_count_senders).  Its message id is in
 * later_ids at idoff.
 */
struct later {
	uint64_t h48;		/* the breakdowns' message: 0 for none */
	struct bs_codes codes;
	uint32_t idoff, idlen;
	uint8_t kind;
	int8_t hard;
};

struct row {
	struct bs_row r;
	uint8_t *hll;		/* once estimating, for rows with ids */
	struct bs_topk *texts;	/* --detail: normalised reply texts */
	uint64_t texts_other;	/* their events moved out of the summary */
};

/*
 * The message-id budget of a run, shared by its aggregate and every
 * aggregate made like it (bs_agg_new_like: the pieces and inputs that -j
 * reads at once), so that the exact sets of all of them together hold at
 * most BS_MSGID_BUDGET keys, whatever the number of jobs.  An aggregate
 * takes keys from it in grants of BUDGET_GRANT and gives its grant back
 * when its set is poured into estimates or freed.
 */
struct budget {
	_Atomic size_t used;
	_Atomic int refs;
	/*
	 * Set once the budget ran out: the run's counts are estimates from
	 * then on, and every aggregate of it stops keeping exact sets that
	 * would only be poured into estimates when merged.
	 */
	_Atomic bool exhausted;
};

#define BUDGET_GRANT	((size_t)BS_MSGID_BUDGET / 64)

/* Slots of the first message set. */
#define IDS_FIRST	32768

/*
 * Keys an aggregate holds without a grant: what its first table holds
 * (IDS_FIRST slots, three quarters full).  A piece of a split file notes
 * fewer, so pieces stay exact and small (estimating, each would allocate
 * a sketch of 32 KiB per code row), and the budget bounds what whole
 * inputs and the run's own aggregate hold.
 */
#define BUDGET_FREE	((size_t)IDS_FIRST / 4 * 3)

struct bs_agg {
	bool detail;
	bool rows_only;		/* bs_agg_rows_only */
	struct later *later;	/* sender_before events (piece only) */
	size_t nlater, caplater;
	char *later_ids;
	size_t later_idlen, later_idcap;
	struct budget *budget;
	size_t granted;		/* keys taken from budget */
	bool piece;		/* bounded by its piece: takes no grants */
	struct row *rows;
	size_t nrows, caprows;
	uint32_t *rindex;	/* row index + 1, 0 = empty */
	size_t rindex_cap;

	uint64_t *ids;		/* key set, 0 = empty slot */
	size_t ids_cap, ids_n;
	struct pending pend[AGG_PENDING];
	size_t npend;
	bool estimating;
	uint8_t *kind_hll[BS_KIND_COUNT];
	uint64_t kind_messages[BS_KIND_COUNT];
	uint64_t kind_count[BS_KIND_COUNT];
	uint64_t folded;
	uint64_t hops;	/* deliveries to a content filter (hop.h) */

	struct bs_input_stats *inputs;
	size_t ninputs, capinputs;

	struct bs_totals totals;
	bool joined;			/* bs_agg_set_join */
	uint64_t senders_forgotten;
	struct row **order;	/* the rows sorted by bs_agg_finish */

	/* --by, in the order asked for; and the period the events cover. */
	struct bs_breakdown *by[BS_BY_COUNT];
	size_t nby;
	struct bs_outcome *outcome;	/* what happened in the end */
	struct bs_notify *notify;	/* notifications this server sent */
	struct bs_health *health;	/* the server's own warnings */
	const struct bs_health_report *health_report;	/* after finish */
	bool timed;
	time_t first, last;
};

struct bs_agg *
bs_agg_new(bool detail)
{
	struct bs_agg *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->budget = calloc(1, sizeof(*a->budget));
	if (a->budget == NULL) {
		free(a);
		return NULL;
	}
	atomic_init(&a->budget->used, 0);
	atomic_init(&a->budget->refs, 1);
	atomic_init(&a->budget->exhausted, false);
	a->detail = detail;
	if ((a->outcome = bs_outcome_new()) == NULL ||
	    (a->notify = bs_notify_new(false)) == NULL ||
	    (a->health = bs_health_new(BS_HEALTH_GROUPS)) == NULL) {
		bs_agg_free(a);
		return NULL;
	}
	return a;
}

/* Give back what a took from the run's budget (its set is gone). */
static void
budget_release(struct bs_agg *a)
{
	if (a->granted > 0)
		atomic_fetch_sub(&a->budget->used, a->granted);
	a->granted = 0;
}

/* Room for one more key within the run's budget, or false. */
static bool
budget_take(struct bs_agg *a)
{
	size_t before;

	if (a->piece || a->ids_n < BUDGET_FREE + a->granted)
		return true;
	if (atomic_load_explicit(&a->budget->exhausted, memory_order_relaxed))
		return false;
	before = atomic_fetch_add(&a->budget->used, BUDGET_GRANT);
	/*
	 * The free keys count too: one aggregate's set never outgrows the
	 * table that the budget's keys fill half (a set one key past it
	 * doubles, and holds both tables while it grows).
	 */
	if (before + BUDGET_GRANT > BS_MSGID_BUDGET - BUDGET_FREE) {
		atomic_fetch_sub(&a->budget->used, BUDGET_GRANT);
		atomic_store(&a->budget->exhausted, true);
		return false;
	}
	a->granted += BUDGET_GRANT;
	return true;
}

bs_status
bs_agg_set_by(struct bs_agg *a, const enum bs_by *keys, size_t n,
    bool messages)
{
	size_t i;

	for (i = 0; i < a->nby; i++)
		bs_breakdown_free(a->by[i]);
	a->nby = 0;
	for (i = 0; i < n && i < BS_BY_COUNT; i++) {
		a->by[i] = bs_breakdown_new(keys[i], messages);
		if (a->by[i] == NULL)
			return BS_ERR_NOMEM;
		a->nby++;
	}
	return BS_OK;
}

/* An empty aggregate with a's settings (detail, breakdowns). */
static struct bs_agg *
new_like(const struct bs_agg *a)
{
	struct bs_agg *n = bs_agg_new(a->detail);
	enum bs_by keys[BS_BY_COUNT];
	size_t i;

	if (n == NULL)
		return NULL;
	n->rows_only = a->rows_only;
	/* One budget for the run (see struct budget). */
	free(n->budget);
	n->budget = a->budget;
	atomic_fetch_add(&a->budget->refs, 1);
	bs_outcome_free(n->outcome);
	bs_notify_free(n->notify);
	n->notify = NULL;
	if ((n->outcome = bs_outcome_new_after(a->outcome, false)) == NULL ||
	    (n->notify = bs_notify_new(true)) == NULL) {
		bs_agg_free(n);
		return NULL;
	}
	for (i = 0; i < a->nby; i++)
		keys[i] = bs_breakdown_by(a->by[i]);
	if (bs_agg_set_by(n, keys, a->nby, a->nby > 0 &&
	    bs_breakdown_counts_messages(a->by[0])) != BS_OK) {
		bs_agg_free(n);
		return NULL;
	}
	return n;
}

struct bs_agg *
bs_agg_new_like(const struct bs_agg *a)
{
	return new_like(a);
}

struct bs_agg *
bs_agg_new_piece(const struct bs_agg *a)
{
	struct bs_agg *n = new_like(a);

	if (n != NULL)
		n->piece = true;
	/* Bounded by its piece, like its message set. */
	if (n != NULL) {
		bs_outcome_free(n->outcome);
		if ((n->outcome = bs_outcome_new_after(a->outcome, true)) ==
		    NULL) {
			bs_agg_free(n);
			return NULL;
		}
	}
	return n;
}

bool
bs_agg_detail(const struct bs_agg *a)
{
	return a->detail;
}

uint64_t
bs_agg_folded(const struct bs_agg *a)
{
	return a->folded;
}

static bool ids_crowded(size_t n, size_t cap);

size_t
bs_agg_held(const struct bs_agg *a, size_t ahead)
{
	/*
	 * The set as it is, or thrice that when the events noted next (the
	 * pending ones and one more) make it grow: old and new table while
	 * it doubles.  So a piece ends before a growth that would take it
	 * past its share, not after.
	 */
	size_t ids = a->ids_cap * sizeof(*a->ids) *
	    (ids_crowded(a->ids_n + 2 * (a->npend + ahead), a->ids_cap) ? 3 :
	    1);
	size_t n = ids + a->caprows * sizeof(*a->rows) +
	    bs_outcome_held(a->outcome, ahead) +
	    bs_notify_held(a->notify, ahead), i;

	for (i = 0; i < a->nby; i++)
		n += bs_breakdown_held(a->by[i]);
	return n + a->caplater * sizeof(*a->later) + a->later_idcap;
}

static void
free_rows(struct bs_agg *a)
{
	size_t i;

	for (i = 0; i < a->nrows; i++) {
		free(a->rows[i].hll);
		bs_topk_free(a->rows[i].texts);
		free(a->rows[i].r.detail);
	}
	free(a->rows);
	a->rows = NULL;
	a->nrows = a->caprows = 0;
	free(a->rindex);
	a->rindex = NULL;
	a->rindex_cap = 0;
	free(a->order);
	a->order = NULL;
}

static void
free_ids(struct bs_agg *a)
{
	int k;

	free(a->ids);
	a->ids = NULL;
	a->ids_cap = a->ids_n = 0;
	budget_release(a);
	for (k = 0; k < BS_KIND_COUNT; k++) {
		free(a->kind_hll[k]);
		a->kind_hll[k] = NULL;
	}
}

void
bs_agg_free(struct bs_agg *a)
{
	size_t i;

	if (a == NULL)
		return;
	free_rows(a);
	free_ids(a);
	for (i = 0; i < a->nby; i++)
		bs_breakdown_free(a->by[i]);
	bs_outcome_free(a->outcome);
	bs_notify_free(a->notify);
	bs_health_free(a->health);
	free(a->later);
	free(a->later_ids);
	for (i = 0; i < a->ninputs; i++)
		free(a->inputs[i].path);
	free(a->inputs);
	if (atomic_fetch_sub(&a->budget->refs, 1) == 1)
		free(a->budget);
	free(a);
}

/* --- rows ------------------------------------------------------------ */

/*
 * A row is (kind, codes, connection failure): a row's connfail describes
 * every event in it, so a code-less deferral whose text says "Connection
 * refused" does not pull the code-less DNS failures beside it into the
 * document's 1.1.1.
 */
static uint64_t
row_hash(enum bs_kind kind, const struct bs_codes *c, unsigned connfail)
{
	return bs_hash_bytes(c, sizeof(*c)) ^
	    ((uint64_t)(kind * 4 + connfail) * 0x9e3779b97f4a7c15ULL);
}

static bool
rindex_grow(struct bs_agg *a)
{
	size_t ncap = a->rindex_cap ? a->rindex_cap * 2 : 64, i;
	uint32_t *ni = calloc(ncap, sizeof(*ni));

	if (ni == NULL)
		return false;
	for (i = 0; i < a->nrows; i++) {
		size_t j = row_hash(a->rows[i].r.kind, &a->rows[i].r.codes,
		    a->rows[i].r.connfail) & (ncap - 1);

		while (ni[j] != 0)
			j = (j + 1) & (ncap - 1);
		ni[j] = (uint32_t)i + 1;
	}
	free(a->rindex);
	a->rindex = ni;
	a->rindex_cap = ncap;
	return true;
}

/*
 * The row for (kind, codes, connfail), created if new.  codes must be
 * zero-padded.  Returns its index, or -1 when out of memory, or -2 past
 * BS_ROWS_MAX.
 */
static long
row_find(struct bs_agg *a, enum bs_kind kind, const struct bs_codes *c,
    unsigned connfail)
{
	size_t j;
	struct row *r;

	if (a->rindex_cap == 0 && !rindex_grow(a))
		return -1;
	j = row_hash(kind, c, connfail) & (a->rindex_cap - 1);
	while (a->rindex[j] != 0) {
		r = &a->rows[a->rindex[j] - 1];
		if (r->r.kind == kind && r->r.connfail == connfail &&
		    memcmp(&r->r.codes, c, sizeof(*c)) == 0)
			return (long)a->rindex[j] - 1;
		j = (j + 1) & (a->rindex_cap - 1);
	}
	if (a->nrows >= BS_ROWS_MAX && (c->basic[0] != '\0' ||
	    c->enhanced[0] != '\0'))
		return -2;
	if (a->nrows == a->caprows) {
		size_t ncap = a->caprows ? a->caprows * 2 : 32;
		struct row *nr = realloc(a->rows, ncap * sizeof(*nr));

		if (nr == NULL)
			return -1;
		a->rows = nr;
		a->caprows = ncap;
	}
	r = &a->rows[a->nrows];
	memset(r, 0, sizeof(*r));
	r->r.kind = kind;
	r->r.codes = *c;
	r->r.connfail = connfail;
	if (a->detail && (r->texts = bs_topk_new(BS_DETAIL_SLOTS)) == NULL)
		return -1;
	a->rindex[j] = (uint32_t)a->nrows + 1;
	a->nrows++;
	/* The sorted view is stale until bs_agg_finish runs again. */
	free(a->order);
	a->order = NULL;
	if (a->nrows * 2 > a->rindex_cap && !rindex_grow(a))
		return -1;
	return (long)a->nrows - 1;
}

struct bs_agg *
bs_agg_new_with_rows(const struct bs_agg *a, bool piece)
{
	struct bs_agg *n = piece ? bs_agg_new_piece(a) : new_like(a);
	size_t i;

	if (n == NULL)
		return NULL;
	/* In a's order: each coded row was made below the cap in a too. */
	for (i = 0; i < a->nrows; i++) {
		if (row_find(n, a->rows[i].r.kind, &a->rows[i].r.codes,
		    a->rows[i].r.connfail) < 0) {
			bs_agg_free(n);
			return NULL;
		}
	}
	return n;
}

/* --- distinct messages ------------------------------------------------ */

/* The HyperLogLog of a tag, allocated on first use; NULL if no memory. */
static uint8_t *
tag_hll(struct bs_agg *a, uint32_t tag)
{
	uint8_t **slot = tag >= KIND_TAG ? &a->kind_hll[tag - KIND_TAG] :
	    &a->rows[tag].hll;

	if (*slot == NULL)
		*slot = calloc((size_t)1 << HLL_BITS(tag), 1);
	return *slot;
}

/* Pour the exact set into HyperLogLogs and free it. */
static bs_status
start_estimating(struct bs_agg *a)
{
	size_t i;

	for (i = 0; i < a->ids_cap; i++) {
		uint64_t k = a->ids[i];
		uint32_t tag;
		uint8_t *h;

		if (k == 0)
			continue;
		tag = (uint32_t)(k & 0xffff) - 1;
		h = tag_hll(a, tag);
		if (h == NULL)
			return BS_ERR_NOMEM;
		bs_hll_add(h, HLL_BITS(tag), k >> 16);
	}
	free(a->ids);
	a->ids = NULL;
	a->ids_cap = a->ids_n = 0;
	budget_release(a);
	a->estimating = true;
	return BS_OK;
}

/*
 * Where the keys of message h48 start in a table of cap slots: a slot
 * chosen by the message alone, not by the tag.  An event notes its
 * message under its row and under its kind, and retries of a message come
 * back to it, so a message's keys sit side by side: one cache miss per
 * event, not one per key.
 *
 * The slot is taken from the top bits of the hash, so a table lists its
 * keys in the order of their place in any larger table: a merge (or a
 * growth) that walks one table in order writes the other front to back,
 * a stream the processor prefetches, instead of one cache miss per key.
 */
static size_t
id_home(uint64_t h48, size_t cap)
{
	unsigned bits = (unsigned)__builtin_ctzll((unsigned long long)cap);

	return (size_t)(bs_mix64(h48) >> (64 - bits));
}

/* memset, called through a volatile pointer: see ids_reserve. */
static void *(*volatile zero_fill)(void *, int, size_t) = memset;


/* Huge pages for a big set: the size and alignment they need. */
#define HUGE_PAGE	((size_t)2 << 20)

/*
 * Room for a set of cap keys (not zeroed).  A big set is touched at
 * random, once per event: on 4 KiB pages nearly every touch also misses
 * the TLB, and the prefetch of the slot waits for the page walk.  So it
 * asks for huge pages where the system has them; it is written whole
 * right away, so they cost no memory.
 */
static uint64_t *
ids_alloc(size_t cap)
{
	size_t size = cap * sizeof(uint64_t);
	uint64_t *p;

	if (size < HUGE_PAGE)
		return malloc(size);
	p = aligned_alloc(HUGE_PAGE, size);
#ifdef MADV_HUGEPAGE
	if (p != NULL)
		(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

/*
 * Whether n keys would crowd a table of cap slots: three quarters full
 * while it fits the cache, half full past that, where every slot walked
 * is a cache miss (bench/README.md has the measurement).
 */
static bool
ids_crowded(size_t n, size_t cap)
{
	return cap <= IDS_FIRST ? n * 4 > cap * 3 : n * 2 > cap;
}

/*
 * Make room for want keys, in one rehash.  The first table holds 24k keys
 * (IDS_FIRST slots, 256 KiB): a 16 MiB piece of a busy log notes about
 * 18k, so a split file's pieces never rehash.
 */
static bool
ids_reserve(struct bs_agg *a, size_t want)
{
	size_t ncap = a->ids_cap ? a->ids_cap : IDS_FIRST, i;
	uint64_t *ni;

	while (ids_crowded(want, ncap))
		ncap *= 2;
	if (ncap == a->ids_cap)
		return true;
	/*
	 * Not calloc: its fresh pages would first be read (the zero page,
	 * mapped read-only) and then written, and each such write fault
	 * flushes the page from every core the workers run on.  Writing
	 * the zeroes first takes the pages in one fault each (through a
	 * volatile pointer: compilers turn malloc and memset into calloc).
	 */
	ni = ids_alloc(ncap);
	if (ni == NULL)
		return false;
	zero_fill(ni, 0, ncap * sizeof(*ni));
	for (i = 0; i < a->ids_cap; i++) {
		uint64_t k = a->ids[i];
		size_t j;

		if (k == 0)
			continue;
		j = id_home(k >> 16, ncap);
		while (ni[j] != 0)
			j = (j + 1) & (ncap - 1);
		ni[j] = k;
	}
	free(a->ids);
	a->ids = ni;
	a->ids_cap = ncap;
	return true;
}

/*
 * Note message h48 under tag.  Returns 1 if it is new (exact mode), 0 if
 * seen or estimating, -1 when out of memory.
 */
static int
note_id(struct bs_agg *a, uint64_t h48, uint32_t tag)
{
	uint64_t key = (h48 << 16) | (tag + 1);
	size_t j;

	if (a->estimating) {
		uint8_t *h = tag_hll(a, tag);

		if (h == NULL)
			return -1;
		bs_hll_add(h, HLL_BITS(tag), h48);
		return 0;
	}
	if (!budget_take(a)) {
		if (start_estimating(a) != BS_OK)
			return -1;
		return note_id(a, h48, tag);
	}
	if (ids_crowded(a->ids_n + 1, a->ids_cap) &&
	    !ids_reserve(a, a->ids_n + 1))
		return -1;
	j = id_home(h48, a->ids_cap);
	while (a->ids[j] != 0) {
		if (a->ids[j] == key)
			return 0;
		j = (j + 1) & (a->ids_cap - 1);
	}
	a->ids[j] = key;
	a->ids_n++;
	return 1;
}

static bs_status
count_message(struct bs_agg *a, size_t row, enum bs_kind kind, uint64_t h48)
{
	int r = note_id(a, h48, (uint32_t)row);

	if (r < 0)
		return BS_ERR_NOMEM;
	a->rows[row].r.messages += (uint64_t)r;
	r = note_id(a, h48, KIND_TAG + (uint32_t)kind);
	if (r < 0)
		return BS_ERR_NOMEM;
	a->kind_messages[kind] += (uint64_t)r;
	return BS_OK;
}

/* Note the messages of the pending events, in the order they came. */
static bs_status
flush_pending(struct bs_agg *a)
{
	size_t i, n = a->npend;

	a->npend = 0;
	for (i = 0; i < n; i++) {
		const struct pending *pe = &a->pend[i];

		if (count_message(a, pe->row, (enum bs_kind)pe->kind,
		    pe->h48) != BS_OK)
			return BS_ERR_NOMEM;
	}
	return BS_OK;
}

/* --- reply texts for --detail ----------------------------------------- */

_Static_assert(BS_DETAIL_TEXT_MAX <= BS_TOPK_KEY_MAX,
    "a --detail text must fit a topk key");

/*
 * Count text (normalised already when normalised) count times into the
 * row's summary, with err added to its bound (merging).  Out of memory,
 * the events are counted as texts not listed.
 */
static void
detail_add(struct row *r, const char *s, size_t n, uint64_t count,
    uint64_t err, bool normalised)
{
	char buf[BS_DETAIL_TEXT_MAX];
	enum bs_topk_found found;
	uint64_t old;
	long slot;

	if (!normalised) {
		n = bs_normalize(s, n < 4 * sizeof(buf) ? n : 4 * sizeof(buf),
		    buf, sizeof(buf));
		s = buf;
	}
	slot = bs_topk_merge_key(r->texts, s, n, count, err, &found, &old);
	if (slot < 0)
		r->texts_other += count;
	else if (found == BS_TOPK_REPLACED)
		r->texts_other += old;
}

/* --- events ------------------------------------------------------------ */

/* src up to its first NUL, zero-padded to dstsz bytes (src has as many). */
static void
copy_str(char *dst, size_t dstsz, const char *src)
{
	char c = 1;
	size_t i;

	for (i = 0; i + 1 < dstsz; i++) {
		if (c != '\0')
			c = src[i];
		dst[i] = c;
	}
	dst[dstsz - 1] = '\0';
}

/* --- senders known only at the merge ------------------------------------ */

static bool
by_sender(const struct bs_breakdown *b)
{
	enum bs_by by = bs_breakdown_by(b);

	return by == BS_BY_SENDER || by == BS_BY_SENDER_DOMAIN;
}

/* Keep what the sender breakdowns count of ev for the merge. */
static bs_status
defer_sender(struct bs_agg *a, const struct bs_event *ev, uint64_t h48)
{
	size_t idlen = ev->msgid != NULL ? ev->msgid_len : 0;
	struct later *l;
	char *ids;

	if ((l = bs_grow(a->later, &a->caplater, a->nlater + 1, sizeof(*l),
	    256)) == NULL)
		return BS_ERR_NOMEM;
	a->later = l;
	if ((ids = bs_grow(a->later_ids, &a->later_idcap, a->later_idlen +
	    idlen, 1, 4096)) == NULL)
		return BS_ERR_NOMEM;
	a->later_ids = ids;
	l = &a->later[a->nlater++];
	*l = (struct later){ .h48 = h48, .codes = ev->codes,
	    .idoff = (uint32_t)a->later_idlen, .idlen = (uint32_t)idlen,
	    .kind = (uint8_t)ev->kind, .hard = (int8_t)ev->hard };
	if (idlen > 0)
		memcpy(a->later_ids + a->later_idlen, ev->msgid, idlen);
	a->later_idlen += idlen;
	return BS_OK;
}

bs_status
bs_agg_count_senders(struct bs_agg *dst, const struct bs_agg *piece,
    const struct bs_join *join)
{
	size_t k, i;

	for (k = 0; k < piece->nlater; k++) {
		const struct later *l = &piece->later[k];
		struct bs_event ev;

		bs_event_init(&ev);
		ev.kind = (enum bs_kind)l->kind;
		ev.hard = l->hard;
		ev.codes = l->codes;
		if (bs_join_sender(join, piece->later_ids + l->idoff, l->idlen,
		    &ev.sender.ptr, &ev.sender.len) != BS_JOIN_KNOWN)
			ev.sender.ptr = NULL;
		for (i = 0; i < dst->nby; i++)
			if (by_sender(dst->by[i]) &&
			    bs_breakdown_event(dst->by[i], &ev, l->h48) != BS_OK)
				return BS_ERR_NOMEM;
	}
	return BS_OK;
}

bs_status
bs_agg_event(struct bs_agg *a, const struct bs_event *ev)
{
	struct bs_codes key;
	uint64_t h = 0;
	long row;
	struct row *r;
	/* Rows only: no message set, no outcome to follow by id. */
	bool has_id = !a->rows_only && ev->msgid != NULL &&
	    ev->msgid_len > 0, hop, deferred = false;

	if ((unsigned)ev->kind >= BS_KIND_COUNT)
		return BS_OK;
	/*
	 * The message set is far larger than the caches: ask for its line
	 * now, and note the message once it has come (AGG_PENDING).
	 */
	if (has_id) {
		h = bs_hash_bytes(ev->msgid, ev->msgid_len) >> 16;
		if (a->ids != NULL)
			__builtin_prefetch(&a->ids[id_home(h, a->ids_cap)], 1);
	}
	/* Zero padding makes the codes comparable and hashable as bytes. */
	copy_str(key.basic, sizeof(key.basic), ev->codes.basic);
	copy_str(key.enhanced, sizeof(key.enhanced), ev->codes.enhanced);
	row = row_find(a, ev->kind, &key, ev->connfail);
	if (row == -2) {
		/* Too many distinct codes: fold into the kind's bare row. */
		memset(&key, 0, sizeof(key));
		a->folded++;
		row = row_find(a, ev->kind, &key, ev->connfail);
	}
	if (row < 0)
		return BS_ERR_NOMEM;
	r = &a->rows[row];
	r->r.count++;
	a->kind_count[ev->kind]++;
	if (a->detail && ev->reply != NULL && ev->reply_len > 0)
		detail_add(r, ev->reply, ev->reply_len, 1, 0, false);
	if (ev->timed) {
		if (!a->timed || ev->time < a->first)
			a->first = ev->time;
		if (!a->timed || ev->time > a->last)
			a->last = ev->time;
		a->timed = true;
	}
	for (size_t i = 0; i < a->nby; i++) {
		if (ev->sender_before && by_sender(a->by[i])) {
			/* Once for all the sender breakdowns. */
			if (!deferred && defer_sender(a, ev,
			    has_id ? h | 1 : 0) != BS_OK)
				return BS_ERR_NOMEM;
			deferred = true;
			continue;
		}
		if (bs_breakdown_event(a->by[i], ev, has_id ? h | 1 : 0) !=
		    BS_OK)
			return BS_ERR_NOMEM;
	}
	if (a->rows_only)
		return BS_OK;
	hop = ev->kind == BS_DELIVERED && bs_hop_is(ev);
	a->hops += hop;
	if (has_id && (hop ? bs_outcome_hop(a->outcome, ev, h) :
			     bs_outcome_event(a->outcome, ev, h)) != BS_OK)
		return BS_ERR_NOMEM;
	if (has_id && bs_notify_event(a->notify, ev, h) != BS_OK)
		return BS_ERR_NOMEM;
	if (has_id) {
		struct pending *pe = &a->pend[a->npend++];

		pe->h48 = h;
		pe->row = (uint32_t)row;
		pe->kind = (uint32_t)ev->kind;
		if (a->npend == AGG_PENDING)
			return flush_pending(a);
	}
	return BS_OK;
}

/* --- inputs ------------------------------------------------------------ */

long
bs_agg_input_add(struct bs_agg *a, const char *path)
{
	struct bs_input_stats *s;

	if (a->ninputs == a->capinputs) {
		size_t ncap = a->capinputs ? a->capinputs * 2 : 8;
		struct bs_input_stats *ni = realloc(a->inputs,
		    ncap * sizeof(*ni));

		if (ni == NULL)
			return -1;
		a->inputs = ni;
		a->capinputs = ncap;
	}
	s = &a->inputs[a->ninputs];
	memset(s, 0, sizeof(*s));
	s->path = strdup(path);
	if (s->path == NULL)
		return -1;
	return (long)a->ninputs++;
}

struct bs_input_stats *
bs_agg_input_stats(struct bs_agg *a, size_t i)
{
	return i < a->ninputs ? &a->inputs[i] : NULL;
}

/* --- merging (parallel runs) ------------------------------------------- */

/* Add the counters of a later piece of a file into its stats. */
static void
continue_input(struct bs_input_stats *d, const struct bs_input_stats *s)
{
	if (d->match_errors == 0 && s->match_errors > 0)
		d->first_match_error = d->lines + s->first_match_error;
	if (d->foreign == 0 && s->foreign > 0) {
		d->first_foreign = d->lines + s->first_foreign;
		memcpy(d->foreign_program, s->foreign_program,
		    sizeof(d->foreign_program));
	}
	d->foreign += s->foreign;
	d->lines += s->lines;
	d->events += s->events;
	d->cut += s->cut;
	d->match_errors += s->match_errors;
	d->untimed += s->untimed;
	d->outside += s->outside;
	if (d->error[0] == '\0')
		memcpy(d->error, s->error, sizeof(d->error));
	if (d->format == NULL)
		d->format = s->format;
	if (!d->sampled && s->sampled) {
		d->sampled = true;
		d->looks_like = s->looks_like;
		d->sample_lines = s->sample_lines;
		d->sample_postfix = s->sample_postfix;
		d->sample_exim = s->sample_exim;
		d->sample_exim_records = s->sample_exim_records;
	}
}

/* src's reply texts into dst's (topk.c says how the bounds add up). */
static void
merge_texts(struct row *dst, const struct row *src)
{
	const struct bs_topk *t = src->texts;
	uint64_t u = bs_topk_unlisted(dst->texts) + bs_topk_unlisted(t);
	size_t k;

	if (bs_topk_estimated(t))
		bs_topk_add_error(dst->texts, bs_topk_unlisted(t));
	for (k = 0; k < bs_topk_size(t); k++) {
		size_t len;
		const char *text = bs_topk_key(t, k, &len);

		detail_add(dst, text, len, bs_topk_count(t, k),
		    bs_topk_error(t, k), true);
	}
	dst->texts_other += src->texts_other;
	bs_topk_raise_unlisted(dst->texts, u);
}

/* How many of src's slots ahead merge prefetches dst's slot. */
#define MERGE_AHEAD	16

static bs_status
merge(struct bs_agg *dst, struct bs_agg *src, bool continued)
{
	uint32_t map[NTAGS];
	size_t i, k;

	if (flush_pending(dst) != BS_OK || flush_pending(src) != BS_OK)
		return BS_ERR_NOMEM;
	for (i = 0; i < dst->nby && i < src->nby; i++)
		if (bs_breakdown_merge(dst->by[i], src->by[i]) != BS_OK)
			return BS_ERR_NOMEM;
	if (bs_outcome_merge(dst->outcome, src->outcome) != BS_OK)
		return BS_ERR_NOMEM;
	if (src->timed) {
		if (!dst->timed || src->first < dst->first)
			dst->first = src->first;
		if (!dst->timed || src->last > dst->last)
			dst->last = src->last;
		dst->timed = true;
	}

	for (i = 0; i < src->ninputs; i++) {
		long j;
		char *path;

		if (continued && i == 0 && dst->ninputs > 0) {
			continue_input(&dst->inputs[dst->ninputs - 1],
			    &src->inputs[0]);
			continue;
		}
		j = bs_agg_input_add(dst, src->inputs[i].path);
		if (j < 0)
			return BS_ERR_NOMEM;
		path = dst->inputs[j].path;
		dst->inputs[j] = src->inputs[i];
		dst->inputs[j].path = path;
	}
	for (i = 0; i < src->nrows; i++) {
		const struct bs_row *sr = &src->rows[i].r;
		long row = row_find(dst, sr->kind, &sr->codes, sr->connfail);
		struct bs_row *dr;

		if (row == -2) {
			struct bs_codes none;

			memset(&none, 0, sizeof(none));
			dst->folded += sr->count;
			row = row_find(dst, sr->kind, &none, sr->connfail);
		}
		if (row < 0)
			return BS_ERR_NOMEM;
		map[i] = (uint32_t)row;
		dr = &dst->rows[row].r;
		dr->count += sr->count;
		if (dst->detail && src->rows[i].texts != NULL)
			merge_texts(&dst->rows[row], &src->rows[i]);
	}
	for (k = 0; k < BS_KIND_COUNT; k++) {
		map[KIND_TAG + k] = KIND_TAG + (uint32_t)k;
		dst->kind_count[k] += src->kind_count[k];
	}
	dst->folded += src->folded;
	dst->hops += src->hops;
	if (bs_notify_merge(dst->notify, src->notify) != BS_OK ||
	    bs_health_merge(dst->health, src->health) != BS_OK)
		return BS_ERR_NOMEM;

	if (src->estimating && !dst->estimating &&
	    start_estimating(dst) != BS_OK)
		return BS_ERR_NOMEM;
	/*
	 * Make room for all of src's keys first.  They come in the order of
	 * their place in dst; growing half-way would first crowd them into
	 * the front of the old table, long runs that every later key walks.
	 */
	if (!dst->estimating && src->ids_n > 0) {
		size_t want = dst->ids_n + src->ids_n;

		if (want > BS_MSGID_BUDGET)
			want = BS_MSGID_BUDGET;
		if (!ids_reserve(dst, want))
			return BS_ERR_NOMEM;
	}
	for (i = 0; i < src->ids_cap; i++) {
		uint64_t key = src->ids[i], ahead;
		uint32_t tag, to;
		int r;

		/*
		 * src's keys land far apart in a big dst, one cache miss each:
		 * ask for the line of a key some slots ahead (a table is at
		 * most three quarters full) while this one goes in.
		 */
		if (i + MERGE_AHEAD < src->ids_cap && dst->ids != NULL &&
		    (ahead = src->ids[i + MERGE_AHEAD]) != 0)
			__builtin_prefetch(&dst->ids[id_home(ahead >> 16,
			    dst->ids_cap)], 1);
		if (key == 0)
			continue;
		tag = (uint32_t)(key & 0xffff) - 1;
		to = map[tag];
		r = note_id(dst, key >> 16, to);
		if (r < 0)
			return BS_ERR_NOMEM;
		if (to >= KIND_TAG)
			dst->kind_messages[to - KIND_TAG] += (uint64_t)r;
		else
			dst->rows[to].r.messages += (uint64_t)r;
	}
	if (src->estimating) {
		for (i = 0; i < src->nrows + BS_KIND_COUNT; i++) {
			uint32_t tag = i < src->nrows ? (uint32_t)i :
			    KIND_TAG + (uint32_t)(i - src->nrows);
			const uint8_t *sh = tag >= KIND_TAG ?
			    src->kind_hll[tag - KIND_TAG] : src->rows[tag].hll;
			uint8_t *dh;

			if (sh == NULL)
				continue;
			dh = tag_hll(dst, map[tag]);
			if (dh == NULL)
				return BS_ERR_NOMEM;
			bs_hll_merge(dh, sh, HLL_BITS(tag));
		}
	}
	return BS_OK;
}

bs_status
bs_agg_merge(struct bs_agg *dst, struct bs_agg *src)
{
	return merge(dst, src, false);
}

bs_status
bs_agg_merge_continued(struct bs_agg *dst, struct bs_agg *src)
{
	return merge(dst, src, true);
}

/* --- results ------------------------------------------------------------ */

static int
cmp_detail(const void *x, const void *y)
{
	const struct bs_detail *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->text, b->text, a->len);
}

/* The row's --detail list, from its summary of texts. */
static bs_status
finish_texts(struct row *w)
{
	const struct bs_topk *t = w->texts;
	struct bs_row *r = &w->r;
	size_t k, n = bs_topk_size(t);
	struct bs_detail *d = realloc(r->detail, (n ? n : 1) * sizeof(*d));

	if (d == NULL)
		return BS_ERR_NOMEM;
	r->detail = d;
	r->ndetail = 0;
	r->detail_bound = bs_topk_unlisted(t);
	for (k = 0; k < n; k++) {
		d[r->ndetail] = (struct bs_detail){
		    .count = bs_topk_count(t, k),
		    .error = bs_topk_error(t, k) };
		d[r->ndetail].text = bs_topk_key(t, k, &d[r->ndetail].len);
		if (d[r->ndetail].error > r->detail_bound)
			r->detail_bound = d[r->ndetail].error;
		/* A text whose slot was taken and that has no event since. */
		if (d[r->ndetail].count > 0)
			r->ndetail++;
	}
	r->detail_estimated = bs_topk_estimated(t);
	r->detail_other = w->texts_other;
	qsort(d, r->ndetail, sizeof(*d), cmp_detail);
	return BS_OK;
}

static int
cmp_order(const void *x, const void *y)
{
	const struct bs_row *a = &(*(struct row *const *)x)->r;
	const struct bs_row *b = &(*(struct row *const *)y)->r;
	int c;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	/* An absent code sorts after a present one. */
	if ((c = strcmp(a->codes.basic, b->codes.basic)) != 0)
		return a->codes.basic[0] == '\0' ? 1 :
		    b->codes.basic[0] == '\0' ? -1 : c;
	if ((c = strcmp(a->codes.enhanced, b->codes.enhanced)) != 0)
		return a->codes.enhanced[0] == '\0' ? 1 :
		    b->codes.enhanced[0] == '\0' ? -1 : c;
	/* No connection failure first, then refused, then failed. */
	if (a->connfail != b->connfail)
		return a->connfail < b->connfail ? -1 : 1;
	return 0;
}

bs_status
bs_agg_finish(struct bs_agg *a)
{
	struct bs_totals *t = &a->totals;
	size_t i;
	int k;

	if (flush_pending(a) != BS_OK)
		return BS_ERR_NOMEM;
	memset(t, 0, sizeof(*t));
	t->joined = a->joined;
	t->senders_forgotten = a->senders_forgotten;
	for (i = 0; i < a->ninputs; i++)
		t->lines += a->inputs[i].lines;
	for (k = 0; k < BS_KIND_COUNT; k++) {
		t->kind[k] = a->kind_count[k];
		t->events += a->kind_count[k];
		t->messages[k] = a->estimating ?
		    (a->kind_hll[k] ? bs_hll_estimate(a->kind_hll[k],
		    BS_HLL_KIND_BITS) : 0) :
		    a->kind_messages[k];
	}
	t->messages_estimated = a->estimating;
	t->folded = a->folded;
	t->content_filter_hops = a->hops;
	for (i = 0; i < a->nrows; i++) {
		struct bs_row *r = &a->rows[i].r;

		if (a->estimating) {
			r->messages = a->rows[i].hll ?
			    bs_hll_estimate(a->rows[i].hll, BS_HLL_BITS) : 0;
			r->messages_estimated = a->rows[i].hll != NULL;
		}
		if (a->rows[i].texts != NULL && finish_texts(&a->rows[i]) !=
		    BS_OK)
			return BS_ERR_NOMEM;
	}
	for (i = 0; i < a->nby; i++)
		if (bs_breakdown_finish(a->by[i]) != BS_OK)
			return BS_ERR_NOMEM;
	if (bs_outcome_finish(a->outcome) != BS_OK ||
	    (a->health_report = bs_health_results(a->health)) == NULL)
		return BS_ERR_NOMEM;
	free(a->order);
	a->order = malloc((a->nrows ? a->nrows : 1) * sizeof(*a->order));
	if (a->order == NULL)
		return BS_ERR_NOMEM;
	for (i = 0; i < a->nrows; i++)
		a->order[i] = &a->rows[i];
	qsort(a->order, a->nrows, sizeof(*a->order), cmp_order);
	return BS_OK;
}

void
bs_agg_reset_counts(struct bs_agg *a)
{
	size_t i;

	free_rows(a);
	free_ids(a);
	/* A new interval counts exactly again (when a has the budget alone). */
	if (atomic_load(&a->budget->refs) == 1)
		atomic_store(&a->budget->exhausted, false);
	a->npend = 0;
	a->estimating = false;
	memset(a->kind_messages, 0, sizeof(a->kind_messages));
	memset(a->kind_count, 0, sizeof(a->kind_count));
	a->folded = 0;
	a->hops = 0;
	a->timed = false;
	for (i = 0; i < a->nby; i++)
		bs_breakdown_reset(a->by[i]);
	bs_outcome_reset(a->outcome);
	bs_notify_reset(a->notify);
	bs_health_reset(a->health);
	a->health_report = NULL;
	for (i = 0; i < a->ninputs; i++) {
		a->inputs[i].lines = a->inputs[i].events = 0;
		a->inputs[i].cut = a->inputs[i].match_errors = 0;
		a->inputs[i].untimed = a->inputs[i].outside = 0;
	}
	memset(&a->totals, 0, sizeof(a->totals));
}

size_t
bs_agg_nrows(const struct bs_agg *a)
{
	return a->order != NULL ? a->nrows : 0;
}

const struct bs_row *
bs_agg_row(const struct bs_agg *a, size_t i)
{
	return &a->order[i]->r;
}

size_t
bs_agg_ninputs(const struct bs_agg *a)
{
	return a->ninputs;
}

const struct bs_input_stats *
bs_agg_input(const struct bs_agg *a, size_t i)
{
	return &a->inputs[i];
}

const struct bs_totals *
bs_agg_totals(const struct bs_agg *a)
{
	return &a->totals;
}

void
bs_agg_set_join(struct bs_agg *a, uint64_t senders_forgotten)
{
	a->joined = true;
	a->senders_forgotten = senders_forgotten;
	a->totals.joined = true;
	a->totals.senders_forgotten = senders_forgotten;
}

size_t
bs_agg_nby(const struct bs_agg *a)
{
	return a->nby;
}

const struct bs_breakdown *
bs_agg_by(const struct bs_agg *a, size_t i)
{
	return a->by[i];
}

bs_status
bs_agg_notify(struct bs_agg *a, const struct bs_event *ev)
{
	if (a->rows_only)
		return BS_OK;
	return bs_notify_sent(a->notify, ev);
}

void
bs_agg_notifications(const struct bs_agg *a, struct bs_notifications *r)
{
	bs_notify_results(a->notify, r);
}

bs_status
bs_agg_health(struct bs_agg *a, const struct bs_event *ev)
{
	if (a->rows_only)
		return BS_OK;
	return bs_health_add(a->health, ev);
}

const struct bs_health_report *
bs_agg_health_results(const struct bs_agg *a)
{
	static const struct bs_health_report none;

	return a->health_report != NULL ? a->health_report : &none;
}

void
bs_agg_rows_only(struct bs_agg *a)
{
	a->rows_only = true;
}

bool
bs_agg_counts_notes(const struct bs_agg *a)
{
	return !a->rows_only;
}

void
bs_agg_outcomes_by_domain(struct bs_agg *a)
{
	bs_outcome_by_domain(a->outcome);
}

const struct bs_outcomes *
bs_agg_outcomes(const struct bs_agg *a)
{
	return bs_outcome_results(a->outcome);
}

bool
bs_agg_period(const struct bs_agg *a, time_t *first, time_t *last)
{
	*first = a->first;
	*last = a->last;
	return a->timed;
}
