/*
 * check_agg.c - aggregation (src/agg.c): rows keyed by (kind, basic,
 * enhanced), distinct messages per row and per kind, the sort order of a
 * finished aggregate, merging, the row limit, the switch to HyperLogLog
 * estimates past the message budget, --detail texts, and resetting.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "bslimits.h"
#include "suites.h"
#include "testutil.h"

#define D	BS_DELIVERED
#define DF	BS_DEFERRED
#define BO	BS_BOUNCED
#define EX	BS_EXPIRED
#define RJ	BS_REJECTED

/* --- helpers ------------------------------------------------------------- */

/* Build an event; codes are copied as C strings into zeroed fields. */
static struct bs_event
event(enum bs_kind kind, const char *basic, const char *enhanced,
    const char *msgid)
{
	struct bs_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	snprintf(ev.codes.basic, sizeof(ev.codes.basic), "%s", basic);
	snprintf(ev.codes.enhanced, sizeof(ev.codes.enhanced), "%s",
	    enhanced);
	ev.msgid = msgid;
	ev.msgid_len = msgid != NULL ? strlen(msgid) : 0;
	return ev;
}

static void
add_ev(struct bs_agg *a, const struct bs_event *ev)
{
	bs_status st = bs_agg_event(a, ev);

	QUIET_CHECK(st == BS_OK, "bs_agg_event: status %d", st);
}

static void
add(struct bs_agg *a, enum bs_kind kind, const char *basic,
    const char *enhanced, const char *msgid)
{
	struct bs_event ev = event(kind, basic, enhanced, msgid);

	add_ev(a, &ev);
}

static void
add_reply(struct bs_agg *a, const char *reply, size_t len)
{
	struct bs_event ev = event(BO, "550", "5.1.1", NULL);

	ev.reply = reply;
	ev.reply_len = len;
	add_ev(a, &ev);
}

/* The row for a key in a finished aggregate, or NULL. */
static const struct bs_row *
find_row(const struct bs_agg *a, enum bs_kind kind, const char *basic,
    const char *enhanced)
{
	size_t i;

	for (i = 0; i < bs_agg_nrows(a); i++) {
		const struct bs_row *r = bs_agg_row(a, i);

		if (r->kind == kind && strcmp(r->codes.basic, basic) == 0 &&
		    strcmp(r->codes.enhanced, enhanced) == 0)
			return r;
	}
	return NULL;
}

/* A row as the tests write it down. */
struct want_row {
	enum bs_kind kind;
	const char *basic;
	const char *enhanced;
	uint64_t count;
	uint64_t messages;
};

static void
check_rows(const struct bs_agg *a, const struct want_row *w, size_t n)
{
	size_t i;

	ck_assert_uint_eq(bs_agg_nrows(a), n);
	for (i = 0; i < n; i++) {
		const struct bs_row *r = bs_agg_row(a, i);

		ck_assert_msg(r->kind == w[i].kind &&
		    strcmp(r->codes.basic, w[i].basic) == 0 &&
		    strcmp(r->codes.enhanced, w[i].enhanced) == 0,
		    "row %zu is %s \"%s\" \"%s\", expected %s \"%s\" \"%s\"",
		    i, bs_kind_name(r->kind), r->codes.basic,
		    r->codes.enhanced, bs_kind_name(w[i].kind), w[i].basic,
		    w[i].enhanced);
		ck_assert_msg(r->count == w[i].count, "row %zu: count %llu, "
		    "expected %llu", i, (unsigned long long)r->count,
		    (unsigned long long)w[i].count);
		ck_assert_msg(r->messages == w[i].messages, "row %zu: "
		    "messages %llu, expected %llu", i,
		    (unsigned long long)r->messages,
		    (unsigned long long)w[i].messages);
		ck_assert(!r->messages_estimated);
	}
}

/* |got - want| within pct percent of want. */
static void
check_near(uint64_t got, uint64_t want, double pct, const char *what)
{
	double diff = (double)got - (double)want;

	if (diff < 0)
		diff = -diff;
	ck_assert_msg(diff <= (double)want * pct / 100.0,
	    "%s: %llu, expected %llu within %.1f%%", what,
	    (unsigned long long)got, (unsigned long long)want, pct);
}

/* --- rows, messages, order ----------------------------------------------- */

/* One event of the table: kind, codes and message id (NULL: none yet). */
struct ev_row {
	enum bs_kind kind;
	const char *basic;
	const char *enhanced;
	const char *msgid;
};

static const struct ev_row events1[] = {
	{ BO, "550", "5.1.1", "q1" },
	{ D, "250", "2.0.0", "q5" },
	{ BO, "550", "5.1.1", "q1" },
	{ RJ, "554", "5.7.1", NULL },
	{ BO, "550", "5.1.1", "q2" },
	{ D, "250", "2.0.0", "q6" },
	{ BO, "550", "5.1.1", NULL },
	{ BO, "550", "", "q3" },
	{ D, "250", "2.0.0", "q7" },
	{ BO, "", "5.1.1", "q3" },
	{ RJ, "554", "5.7.1", NULL },
	{ D, "250", "2.0.0", "q5" },
	{ DF, "450", "4.2.0", "q1" }
};

START_TEST(test_rows_and_messages)
{
	static const struct want_row want[] = {
		{ D, "250", "2.0.0", 4, 3 },
		{ BO, "550", "5.1.1", 4, 2 },
		{ RJ, "554", "5.7.1", 2, 0 },
		{ DF, "450", "4.2.0", 1, 1 },
		{ BO, "550", "", 1, 1 },
		{ BO, "", "5.1.1", 1, 1 }
	};
	static const uint64_t kinds[BS_KIND_COUNT] = { 4, 1, 6, 0, 2 };
	static const uint64_t msgs[BS_KIND_COUNT] = { 3, 1, 3, 0, 0 };
	struct bs_agg *a = bs_agg_new(false);
	const struct bs_totals *t;
	size_t i;
	int k;

	ck_assert_ptr_nonnull(a);
	for (i = 0; i < sizeof(events1) / sizeof(events1[0]); i++)
		add(a, events1[i].kind, events1[i].basic,
		    events1[i].enhanced, events1[i].msgid);
	bs_agg_finish(a);
	check_rows(a, want, sizeof(want) / sizeof(want[0]));
	t = bs_agg_totals(a);
	ck_assert_uint_eq(t->events, 13);
	for (k = 0; k < BS_KIND_COUNT; k++) {
		ck_assert_msg(t->kind[k] == kinds[k], "%s: %llu events",
		    bs_kind_name(k), (unsigned long long)t->kind[k]);
		ck_assert_msg(t->messages[k] == msgs[k], "%s: %llu messages",
		    bs_kind_name(k), (unsigned long long)t->messages[k]);
	}
	ck_assert(!t->messages_estimated);
	ck_assert_uint_eq(t->folded, 0);
	bs_agg_free(a);
	bs_agg_free(NULL);
}
END_TEST

/* Only msgid_len bytes of the id count; an empty id is no id. */
START_TEST(test_msgid_length)
{
	struct bs_agg *a = bs_agg_new(false);
	struct bs_event ev = event(BO, "550", "5.1.1", "q1-and-more");

	ev.msgid_len = 2;
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	add(a, BO, "550", "5.1.1", "q1");
	add(a, BO, "550", "5.1.1", "q1-and-more");
	ev = event(BO, "550", "5.1.1", "");
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_row(a, 0)->count, 4);
	ck_assert_uint_eq(bs_agg_row(a, 0)->messages, 2);
	ck_assert_uint_eq(bs_agg_totals(a)->messages[BO], 2);
	bs_agg_free(a);
}
END_TEST

/*
 * Bytes after the NUL of an event's codes are whatever the parser left
 * there: the row is the same as for clean codes, and its codes are
 * zero-padded.
 */
START_TEST(test_codes_garbage_after_nul)
{
	struct bs_agg *a = bs_agg_new(false);
	struct bs_event ev;
	struct bs_codes clean;
	const struct bs_row *r;

	add(a, BO, "", "5.1.1", "m1");
	add(a, BO, "45", "4.2", "m1");
	ev = event(BO, "", "", "m2");
	memcpy(ev.codes.basic, "\0" "999", 4);
	memcpy(ev.codes.enhanced, "5.1.1\0garbag", BS_ENHANCED_MAX);
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	memcpy(ev.codes.basic, "45\0" "7", 4);
	memcpy(ev.codes.enhanced, "4.2\0xxxxxxxx", BS_ENHANCED_MAX);
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), 2);
	r = find_row(a, BO, "", "5.1.1");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 2);
	ck_assert_uint_eq(r->messages, 2);
	memset(&clean, 0, sizeof(clean));
	memcpy(clean.enhanced, "5.1.1", 5);
	ck_assert_int_eq(memcmp(&r->codes, &clean, sizeof(clean)), 0);
	r = find_row(a, BO, "45", "4.2");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 2);
	memset(&clean, 0, sizeof(clean));
	memcpy(clean.basic, "45", 2);
	memcpy(clean.enhanced, "4.2", 3);
	ck_assert_int_eq(memcmp(&r->codes, &clean, sizeof(clean)), 0);
	bs_agg_free(a);
}
END_TEST

/*
 * Most events first; then kind in the order delivered, deferred, bounced,
 * expired, rejected; then basic, then enhanced, an absent code after a
 * present one.  The events arrive in an order unrelated to the result.
 */
START_TEST(test_sort_order)
{
	static const struct want_row rows[] = {
		{ BO, "", "", 1, 0 },
		{ RJ, "554", "5.7.1", 2, 0 },
		{ BO, "550", "", 1, 0 },
		{ EX, "", "", 2, 0 },
		{ BO, "550", "5.1.1", 5, 0 },
		{ DF, "450", "4.2.0", 1, 0 },
		{ BO, "", "5.1.0", 1, 0 },
		{ DF, "421", "", 2, 0 },
		{ BO, "451", "4.0.0", 1, 0 },
		{ D, "250", "2.0.0", 2, 0 },
		{ BO, "550", "5.7.1", 1, 0 }
	};
	static const struct want_row want[] = {
		{ BO, "550", "5.1.1", 5, 0 },
		{ D, "250", "2.0.0", 2, 0 },
		{ DF, "421", "", 2, 0 },
		{ EX, "", "", 2, 0 },
		{ RJ, "554", "5.7.1", 2, 0 },
		{ DF, "450", "4.2.0", 1, 0 },
		{ BO, "451", "4.0.0", 1, 0 },
		{ BO, "550", "5.7.1", 1, 0 },
		{ BO, "550", "", 1, 0 },
		{ BO, "", "5.1.0", 1, 0 },
		{ BO, "", "", 1, 0 }
	};
	struct bs_agg *a = bs_agg_new(false);
	size_t i;
	uint64_t c;

	/* Round-robin, so that no row gets all its events at once. */
	for (c = 0; c < 5; c++)
		for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			if (c < rows[i].count)
				add(a, rows[i].kind, rows[i].basic,
				    rows[i].enhanced, NULL);
	/* Nothing is visible before the first finish. */
	ck_assert_uint_eq(bs_agg_nrows(a), 0);
	bs_agg_finish(a);
	check_rows(a, want, sizeof(want) / sizeof(want[0]));
	/* Finish again (follow mode): same result. */
	bs_agg_finish(a);
	check_rows(a, want, sizeof(want) / sizeof(want[0]));
	/* More events after a finish move the row on the next finish. */
	for (c = 0; c < 5; c++)
		add(a, BO, "", "", NULL);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_row(a, 0)->count, 6);
	ck_assert_str_eq(bs_agg_row(a, 0)->codes.basic, "");
	ck_assert_uint_eq(bs_agg_row(a, 1)->count, 5);
	ck_assert_uint_eq(bs_agg_totals(a)->events, 24);
	bs_agg_free(a);
}
END_TEST

START_TEST(test_inputs_and_lines)
{
	struct bs_agg *a = bs_agg_new(false);
	struct bs_input_stats *s;

	ck_assert_int_eq(bs_agg_input_add(a, "mail.log"), 0);
	ck_assert_int_eq(bs_agg_input_add(a, "mail.log.1.gz"), 1);
	s = bs_agg_input_stats(a, 0);
	ck_assert_ptr_nonnull(s);
	s->lines = 10;
	s->events = 3;
	s = bs_agg_input_stats(a, 1);
	s->lines = 32;
	snprintf(s->error, sizeof(s->error), "truncated");
	ck_assert_ptr_null(bs_agg_input_stats(a, 2));
	add(a, D, "250", "2.0.0", "x");
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_ninputs(a), 2);
	ck_assert_str_eq(bs_agg_input(a, 0)->path, "mail.log");
	ck_assert_str_eq(bs_agg_input(a, 1)->path, "mail.log.1.gz");
	ck_assert_uint_eq(bs_agg_input(a, 0)->events, 3);
	ck_assert_str_eq(bs_agg_input(a, 1)->error, "truncated");
	ck_assert_uint_eq(bs_agg_totals(a)->lines, 42);
	ck_assert_uint_eq(bs_agg_totals(a)->events, 1);
	bs_agg_free(a);
}
END_TEST

/*
 * A row's connection failure describes every event in it: code-less
 * deferrals that were refused, that could not connect and that failed
 * otherwise (a DNS failure) are three rows, not one row marked as both
 * connection entries.
 */
START_TEST(test_kinds_and_connfail)
{
	struct bs_agg *a = bs_agg_new(false);
	struct bs_event ev = event(DF, "", "", "m");
	size_t i;

	ck_assert_str_eq(bs_kind_name(BS_DELIVERED), "delivered");
	ck_assert_str_eq(bs_kind_name(BS_DEFERRED), "deferred");
	ck_assert_str_eq(bs_kind_name(BS_BOUNCED), "bounced");
	ck_assert_str_eq(bs_kind_name(BS_EXPIRED), "expired");
	ck_assert_str_eq(bs_kind_name(BS_REJECTED), "rejected");
	ck_assert_str_eq(bs_kind_name(BS_KIND_COUNT), "unknown");
	ev.connfail = BS_CONN_REFUSED;
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	ev.connfail = BS_CONN_FAILED;
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	ev.connfail = 0;
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	/* An event of no known kind is ignored. */
	ev.kind = BS_KIND_COUNT;
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), 3);
	ck_assert_uint_eq(bs_agg_row(a, 0)->count, 3);
	ck_assert_uint_eq(bs_agg_row(a, 0)->connfail, 0);
	ck_assert_uint_eq(bs_agg_row(a, 1)->count, 2);
	ck_assert_uint_eq(bs_agg_row(a, 1)->connfail, BS_CONN_REFUSED);
	ck_assert_uint_eq(bs_agg_row(a, 2)->count, 1);
	ck_assert_uint_eq(bs_agg_row(a, 2)->connfail, BS_CONN_FAILED);
	ck_assert_uint_eq(bs_agg_totals(a)->events, 6);
	ck_assert_str_eq(bs_conn_name(BS_CONN_REFUSED), "refused");
	ck_assert_str_eq(bs_conn_name(BS_CONN_FAILED), "failed");
	ck_assert_ptr_null(bs_conn_name(0));
	bs_agg_free(a);
}
END_TEST

/* Merged aggregates keep the connection failures apart, in order. */
START_TEST(test_merge_connfail_rows)
{
	struct bs_agg *a = bs_agg_new(false), *b = bs_agg_new(false);
	struct bs_event ev = event(DF, "", "", "m");

	ev.connfail = BS_CONN_REFUSED;
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	ev.connfail = 0;
	ck_assert_int_eq(bs_agg_event(b, &ev), BS_OK);
	ev.connfail = BS_CONN_FAILED;
	ck_assert_int_eq(bs_agg_event(b, &ev), BS_OK);
	ev.connfail = BS_CONN_REFUSED;
	ck_assert_int_eq(bs_agg_event(b, &ev), BS_OK);
	ck_assert_int_eq(bs_agg_merge(a, b), BS_OK);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), 3);
	ck_assert_uint_eq(bs_agg_row(a, 0)->count, 2);
	ck_assert_uint_eq(bs_agg_row(a, 0)->connfail, BS_CONN_REFUSED);
	/* Equal counts: none before failed. */
	ck_assert_uint_eq(bs_agg_row(a, 1)->connfail, 0);
	ck_assert_uint_eq(bs_agg_row(a, 2)->connfail, BS_CONN_FAILED);
	bs_agg_free(a);
	bs_agg_free(b);
}
END_TEST

/* --- merging ------------------------------------------------------------- */

static uint32_t
rnd(uint64_t *st)
{
	*st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*st >> 33);
}

static const char *const basics[] = { "", "250", "421", "450", "550", "554" };
static const char *const enhs[] = { "", "2.0.0", "4.2.0", "5.1.1", "5.7.1" };
static const char *const texts[] = {
	"user unknown", "mailbox full", "try again later", "blocked",
	"queued as 123"
};

/* Event number n of a reproducible stream. */
static struct bs_event
random_event(uint64_t *st, char *idbuf, size_t idsz)
{
	struct bs_event ev = event((enum bs_kind)(rnd(st) % BS_KIND_COUNT),
	    basics[rnd(st) % 6], enhs[rnd(st) % 5], NULL);
	const char *t = texts[rnd(st) % 5];

	if (rnd(st) % 10 != 0) {
		snprintf(idbuf, idsz, "Q%05u", rnd(st) % 3000);
		ev.msgid = idbuf;
		ev.msgid_len = strlen(idbuf);
	}
	ev.reply = t;
	ev.reply_len = strlen(t);
	ev.connfail = rnd(st) % 7 == 0 ? BS_CONN_REFUSED : 0;
	return ev;
}

static void
set_input(struct bs_agg *a, const char *path, uint64_t lines)
{
	long i = bs_agg_input_add(a, path);

	ck_assert_int_ge(i, 0);
	bs_agg_input_stats(a, (size_t)i)->lines = lines;
	bs_agg_input_stats(a, (size_t)i)->events = lines / 2;
}

/* Two finished aggregates hold the same rows, totals and inputs. */
static void
check_same(const struct bs_agg *x, const struct bs_agg *y)
{
	const struct bs_totals *tx = bs_agg_totals(x), *ty = bs_agg_totals(y);
	size_t i, k;

	ck_assert_uint_eq(bs_agg_nrows(x), bs_agg_nrows(y));
	for (i = 0; i < bs_agg_nrows(x); i++) {
		const struct bs_row *a = bs_agg_row(x, i);
		const struct bs_row *b = bs_agg_row(y, i);

		ck_assert_int_eq(a->kind, b->kind);
		ck_assert_int_eq(memcmp(&a->codes, &b->codes,
		    sizeof(a->codes)), 0);
		ck_assert_uint_eq(a->count, b->count);
		ck_assert_msg(a->messages == b->messages, "row %zu (%s %s "
		    "%s): %llu messages, expected %llu", i,
		    bs_kind_name(a->kind), a->codes.basic, a->codes.enhanced,
		    (unsigned long long)a->messages,
		    (unsigned long long)b->messages);
		ck_assert_int_eq(a->messages_estimated,
		    b->messages_estimated);
		ck_assert_uint_eq(a->connfail, b->connfail);
		ck_assert_uint_eq(a->ndetail, b->ndetail);
		for (k = 0; k < a->ndetail; k++) {
			ck_assert_uint_eq(a->detail[k].count,
			    b->detail[k].count);
			ck_assert_uint_eq(a->detail[k].len, b->detail[k].len);
			ck_assert_int_eq(memcmp(a->detail[k].text,
			    b->detail[k].text, a->detail[k].len), 0);
		}
	}
	ck_assert_uint_eq(tx->lines, ty->lines);
	ck_assert_uint_eq(tx->events, ty->events);
	ck_assert_uint_eq(tx->folded, ty->folded);
	for (k = 0; k < BS_KIND_COUNT; k++) {
		ck_assert_uint_eq(tx->kind[k], ty->kind[k]);
		ck_assert_uint_eq(tx->messages[k], ty->messages[k]);
	}
	ck_assert_uint_eq(bs_agg_ninputs(x), bs_agg_ninputs(y));
	for (i = 0; i < bs_agg_ninputs(x); i++) {
		ck_assert_str_eq(bs_agg_input(x, i)->path,
		    bs_agg_input(y, i)->path);
		ck_assert_uint_eq(bs_agg_input(x, i)->lines,
		    bs_agg_input(y, i)->lines);
		ck_assert_uint_eq(bs_agg_input(x, i)->events,
		    bs_agg_input(y, i)->events);
	}
}

/*
 * Events split between two aggregates and merged give what one aggregate
 * of all the events gives: the same ids seen on both sides count once.
 * Merged into the first part (_i == 0) or into a new, empty one.
 */
START_TEST(test_merge)
{
	struct bs_agg *all = bs_agg_new(true), *p1 = bs_agg_new(true);
	struct bs_agg *p2 = bs_agg_new(true), *dst;
	uint64_t st = 42;
	char id[16];
	int n;

	set_input(all, "a.log", 10);
	set_input(all, "b.log", 20);
	set_input(all, "c.log.gz", 30);
	set_input(p1, "a.log", 10);
	set_input(p1, "b.log", 20);
	set_input(p2, "c.log.gz", 30);
	for (n = 0; n < 20000; n++) {
		struct bs_event ev = random_event(&st, id, sizeof(id));

		add_ev(all, &ev);
		add_ev(n % 3 == 0 ? p2 : p1, &ev);
	}
	if (_i == 0)
		dst = p1;
	else {
		dst = bs_agg_new(true);
		ck_assert_int_eq(bs_agg_merge(dst, p1), BS_OK);
	}
	ck_assert_int_eq(bs_agg_merge(dst, p2), BS_OK);
	bs_agg_finish(dst);
	bs_agg_finish(all);
	ck_assert_uint_ge(bs_agg_nrows(all), 100);
	check_same(dst, all);
	if (dst != p1)
		bs_agg_free(dst);
	bs_agg_free(all);
	bs_agg_free(p1);
	bs_agg_free(p2);
}
END_TEST

/* --- the row limit ------------------------------------------------------- */

/* The i-th of BS_ROWS_MAX distinct coded keys. */
static struct bs_event
nth_code(enum bs_kind kind, unsigned i, const char *msgid)
{
	struct bs_event ev = event(kind, "", "", msgid);

	snprintf(ev.codes.basic, sizeof(ev.codes.basic), "%03u",
	    200 + i % 400);
	snprintf(ev.codes.enhanced, sizeof(ev.codes.enhanced), "5.%u.%u",
	    (i / 400) % 100, i % 7);
	return ev;
}

/*
 * The kind's code-less row exists when the limit is reached: new keys
 * fold into it, with their messages, and are counted as folded; existing
 * rows still count.
 */
START_TEST(test_rows_max_fold)
{
	struct bs_agg *a = bs_agg_new(false);
	struct bs_event ev;
	const struct bs_row *r;
	unsigned i;

	add(a, BO, "", "", "m0");
	for (i = 1; i < BS_ROWS_MAX; i++) {
		ev = nth_code(BO, i, NULL);
		add_ev(a, &ev);
	}
	add(a, BO, "599", "5.9.9", "m1");
	add(a, BO, "598", "5.9.8", "m2");
	add(a, BO, "599", "5.9.9", "m1");
	ev = nth_code(BO, 7, NULL);
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), BS_ROWS_MAX);
	ck_assert_uint_eq(bs_agg_totals(a)->folded, 3);
	ck_assert_uint_eq(bs_agg_totals(a)->events, BS_ROWS_MAX + 4);
	r = find_row(a, BO, "", "");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 4);
	ck_assert_uint_eq(r->messages, 3);
	ck_assert_ptr_null(find_row(a, BO, "599", "5.9.9"));
	r = find_row(a, BO, ev.codes.basic, ev.codes.enhanced);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 2);
	bs_agg_free(a);
}
END_TEST

/*
 * The limit is reached by coded rows only, so no kind has its code-less
 * row yet: new keys still fold, into a code-less row made past the limit
 * (one per kind at most), with their messages; nothing is lost.  (This
 * failed with BS_ERR_NOMEM before ba48a37.)
 */
START_TEST(test_rows_max_fold_without_bare_row)
{
	struct bs_agg *a = bs_agg_new(false);
	struct bs_event ev;
	const struct bs_row *r;
	bs_status st;
	unsigned i;

	for (i = 0; i < BS_ROWS_MAX; i++) {
		ev = nth_code(BO, i, NULL);
		add_ev(a, &ev);
	}
	ev = event(BO, "599", "5.9.9", "m1");
	st = bs_agg_event(a, &ev);
	ck_assert_msg(st == BS_OK, "a folded event failed with status %d",
	    st);
	add(a, BO, "598", "5.9.8", "m2");
	add(a, BO, "598", "5.9.8", "m1");
	add(a, DF, "451", "4.9.9", "m3");
	add(a, RJ, "", "", NULL);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), BS_ROWS_MAX + 3);
	ck_assert_uint_eq(bs_agg_totals(a)->events, BS_ROWS_MAX + 5);
	ck_assert_uint_eq(bs_agg_totals(a)->folded, 4);
	r = find_row(a, BO, "", "");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 3);
	ck_assert_uint_eq(r->messages, 2);
	r = find_row(a, DF, "", "");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 1);
	ck_assert_uint_eq(r->messages, 1);
	r = find_row(a, RJ, "", "");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 1);
	ck_assert_uint_eq(bs_agg_totals(a)->messages[BO], 2);
	ck_assert_uint_eq(bs_agg_totals(a)->messages[DF], 1);
	/* The rows of a full aggregate sort like any others. */
	ck_assert_uint_eq(bs_agg_row(a, 0)->count, 3);
	ck_assert_str_eq(bs_agg_row(a, 0)->codes.basic, "");
	bs_agg_free(a);
}
END_TEST

/*
 * Two full aggregates with the same coded rows and code-less rows made
 * past the limit: merged, every row adds up and no row is folded twice.
 */
START_TEST(test_merge_full_aggregates)
{
	struct bs_agg *a = bs_agg_new(false), *b = bs_agg_new(false);
	struct bs_event ev;
	const struct bs_row *r;
	unsigned i;

	for (i = 0; i < BS_ROWS_MAX; i++) {
		ev = nth_code(BO, i, NULL);
		add_ev(a, &ev);
		add_ev(b, &ev);
	}
	add(a, BO, "599", "5.9.9", "m1");
	add(b, BO, "598", "5.9.8", "m1");
	add(b, BO, "597", "5.9.7", "m2");
	ck_assert_int_eq(bs_agg_merge(a, b), BS_OK);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), BS_ROWS_MAX + 1);
	ck_assert_uint_eq(bs_agg_totals(a)->folded, 3);
	ck_assert_uint_eq(bs_agg_totals(a)->events, 2 * BS_ROWS_MAX + 3);
	r = find_row(a, BO, "", "");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 3);
	ck_assert_uint_eq(r->messages, 2);
	ev = nth_code(BO, 123, NULL);
	r = find_row(a, BO, ev.codes.basic, ev.codes.enhanced);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 2);
	bs_agg_free(a);
	bs_agg_free(b);
}
END_TEST

/* Merging past the limit folds the same way and counts what it folds. */
START_TEST(test_merge_rows_max)
{
	struct bs_agg *a = bs_agg_new(false), *b = bs_agg_new(false);
	struct bs_event ev;
	const struct bs_row *r;
	unsigned i;

	add(a, BO, "", "", "m0");
	for (i = 1; i < BS_ROWS_MAX; i++) {
		ev = nth_code(BO, i, NULL);
		add_ev(a, &ev);
	}
	add(b, BO, "599", "5.9.9", "m1");
	add(b, BO, "599", "5.9.9", "m2");
	add(b, BO, "", "", "m0");
	ck_assert_int_eq(bs_agg_merge(a, b), BS_OK);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), BS_ROWS_MAX);
	ck_assert_uint_eq(bs_agg_totals(a)->folded, 2);
	r = find_row(a, BO, "", "");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->count, 4);
	ck_assert_uint_eq(r->messages, 3);
	bs_agg_free(a);
	bs_agg_free(b);
}
END_TEST

/* --- distinct messages: exact, then estimated ---------------------------- */

/* Well below the budget, counts are exact however often an id repeats. */
START_TEST(test_messages_exact)
{
	struct bs_agg *a = bs_agg_new(false);
	char id[32];
	unsigned i;

	for (i = 0; i < 200000; i++) {
		snprintf(id, sizeof(id), "exact-%u", i % 100000);
		add(a, BO, "550", "5.1.1", id);
	}
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_row(a, 0)->messages, 100000);
	ck_assert(!bs_agg_row(a, 0)->messages_estimated);
	ck_assert_uint_eq(bs_agg_totals(a)->messages[BO], 100000);
	ck_assert(!bs_agg_totals(a)->messages_estimated);
	bs_agg_free(a);
}
END_TEST

#define MANY_IDS	(BS_MSGID_BUDGET + BS_MSGID_BUDGET / 2)

/*
 * 1.5 * BS_MSGID_BUDGET distinct ids in one row: the counts become
 * HyperLogLog estimates, flagged, within 2 percent of the truth; a small
 * row that had ids is estimated too (and close), a row without ids stays
 * at zero and unflagged.  Resetting returns to exact counting.
 */
START_TEST(test_messages_estimated)
{
	struct bs_agg *a = bs_agg_new(false);
	const struct bs_row *big, *small, *none;
	const struct bs_totals *t;
	char id[32];
	unsigned i;

	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "small-%u", i);
		add(a, DF, "450", "4.2.0", id);
	}
	add(a, RJ, "554", "5.7.1", NULL);
	for (i = 0; i < MANY_IDS; i++) {
		snprintf(id, sizeof(id), "%08x.big", i);
		add(a, BO, "550", "5.1.1", id);
	}
	/* Repeats add nothing, in estimating mode as well. */
	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "%08x.big", i * 7);
		add(a, BO, "550", "5.1.1", id);
	}
	bs_agg_finish(a);
	big = find_row(a, BO, "550", "5.1.1");
	small = find_row(a, DF, "450", "4.2.0");
	none = find_row(a, RJ, "554", "5.7.1");
	ck_assert_ptr_nonnull(big);
	ck_assert_ptr_nonnull(small);
	ck_assert_ptr_nonnull(none);
	ck_assert_uint_eq(big->count, MANY_IDS + 1000);
	ck_assert(big->messages_estimated);
	check_near(big->messages, MANY_IDS, 2.0, "big row");
	ck_assert(small->messages_estimated);
	check_near(small->messages, 1000, 2.0, "small row");
	ck_assert(!none->messages_estimated);
	ck_assert_uint_eq(none->messages, 0);
	t = bs_agg_totals(a);
	ck_assert(t->messages_estimated);
	check_near(t->messages[BO], MANY_IDS, 2.0, "bounced messages");
	check_near(t->messages[DF], 1000, 2.0, "deferred messages");
	ck_assert_uint_eq(t->messages[RJ], 0);
	ck_assert_uint_eq(t->kind[BO], MANY_IDS + 1000);

	bs_agg_reset_counts(a);
	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "%08x.big", i);
		add(a, BO, "550", "5.1.1", id);
	}
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), 1);
	ck_assert_uint_eq(bs_agg_row(a, 0)->messages, 10);
	ck_assert(!bs_agg_row(a, 0)->messages_estimated);
	ck_assert(!bs_agg_totals(a)->messages_estimated);
	ck_assert_uint_eq(bs_agg_totals(a)->messages[BO], 10);
	bs_agg_free(a);
}
END_TEST

/*
 * One budget for the whole run: aggregates made like the run's (the
 * pieces and inputs of -j) share it.  Two of them with 0.3 budgets of ids
 * each stay exact; a third pushing the run past the budget estimates, and
 * from then on so does every other one of the run, however few ids it
 * holds, while an aggregate of another run is untouched.
 */
START_TEST(test_budget_shared)
{
	struct bs_agg *run = bs_agg_new(false);
	struct bs_agg *a = bs_agg_new_like(run), *b = bs_agg_new_like(run);
	struct bs_agg *c = bs_agg_new_like(run), *other = bs_agg_new(false);
	/* Each id takes two keys: its row's and its kind's. */
	unsigned i, third = BS_MSGID_BUDGET / 2 * 3 / 10;
	char id[32];

	for (i = 0; i < third; i++) {
		snprintf(id, sizeof(id), "a%u", i);
		add(a, BO, "550", "5.1.1", id);
		snprintf(id, sizeof(id), "b%u", i);
		add(b, BO, "550", "5.1.1", id);
		snprintf(id, sizeof(id), "o%u", i);
		add(other, BO, "550", "5.1.1", id);
	}
	bs_agg_finish(a);
	bs_agg_finish(b);
	ck_assert(!bs_agg_totals(a)->messages_estimated);
	ck_assert(!bs_agg_totals(b)->messages_estimated);
	for (i = 0; i < 2 * third; i++) {
		snprintf(id, sizeof(id), "c%u", i);
		add(c, BO, "550", "5.1.1", id);
	}
	bs_agg_finish(c);
	ck_assert(bs_agg_totals(c)->messages_estimated);
	/* A small set needs no grant (a piece): it stays exact... */
	add(run, BO, "550", "5.1.1", "late");
	bs_agg_finish(run);
	ck_assert(!bs_agg_totals(run)->messages_estimated);
	ck_assert_uint_eq(bs_agg_totals(run)->messages[BO], 1);
	/* ...a large one finds the budget spent and estimates. */
	for (i = 0; i < 20000; i++) {
		snprintf(id, sizeof(id), "r%u", i);
		add(run, BO, "550", "5.1.1", id);
	}
	bs_agg_finish(run);
	ck_assert(bs_agg_totals(run)->messages_estimated);
	bs_agg_finish(other);
	ck_assert(!bs_agg_totals(other)->messages_estimated);
	ck_assert_uint_eq(bs_agg_totals(other)->messages[BO], third);
	bs_agg_free(a);
	bs_agg_free(b);
	bs_agg_free(c);
	bs_agg_free(other);
	bs_agg_free(run);
}
END_TEST

/*
 * Merging an estimating aggregate: the union of two disjoint halves is
 * estimated within 2 percent of the whole, and the ids of an exact
 * aggregate merged into it are counted too.
 */
START_TEST(test_merge_estimated)
{
	struct bs_agg *a = bs_agg_new(false), *b = bs_agg_new(false);
	struct bs_agg *c = bs_agg_new(false);
	char id[32];
	unsigned i;

	for (i = 0; i < MANY_IDS; i++) {
		snprintf(id, sizeof(id), "m%u", i);
		add(i % 2 ? a : b, BO, "550", "5.1.1", id);
	}
	for (i = 0; i < 20000; i++) {
		snprintf(id, sizeof(id), "c%u", i);
		add(c, BO, "550", "5.1.1", id);
	}
	ck_assert_int_eq(bs_agg_merge(c, a), BS_OK);
	ck_assert_int_eq(bs_agg_merge(c, b), BS_OK);
	bs_agg_finish(c);
	ck_assert_uint_eq(bs_agg_nrows(c), 1);
	ck_assert_uint_eq(bs_agg_row(c, 0)->count, MANY_IDS + 20000);
	ck_assert(bs_agg_row(c, 0)->messages_estimated);
	check_near(bs_agg_row(c, 0)->messages, MANY_IDS + 20000, 2.0,
	    "merged row");
	check_near(bs_agg_totals(c)->messages[BO], MANY_IDS + 20000, 2.0,
	    "merged kind");
	bs_agg_free(a);
	bs_agg_free(b);
	bs_agg_free(c);
}
END_TEST

/* --- --detail ------------------------------------------------------------ */

START_TEST(test_detail_counts)
{
	struct bs_agg *a = bs_agg_new(true);
	const struct bs_row *r;
	int i;

	for (i = 0; i < 5; i++) {
		add_reply(a, "user unknown", 12);
		if (i < 3)
			add_reply(a, "mailbox full", 12);
		if (i < 1)
			add_reply(a, "over quota", 10);
	}
	/* No text, or an empty one, is not remembered. */
	add_reply(a, NULL, 0);
	add_reply(a, "ignored", 0);
	bs_agg_finish(a);
	r = bs_agg_row(a, 0);
	ck_assert_uint_eq(r->count, 11);
	ck_assert_uint_eq(r->ndetail, 3);
	ck_assert_uint_eq(r->detail[0].count, 5);
	ck_assert_uint_eq(r->detail[0].len, 12);
	ck_assert_int_eq(memcmp(r->detail[0].text, "user unknown", 12), 0);
	ck_assert_uint_eq(r->detail[1].count, 3);
	ck_assert_int_eq(memcmp(r->detail[1].text, "mailbox full", 12), 0);
	ck_assert_uint_eq(r->detail[2].count, 1);
	ck_assert_uint_eq(r->detail[2].len, 10);
	ck_assert_int_eq(memcmp(r->detail[2].text, "over quota", 10), 0);
	ck_assert_uint_eq(r->detail[0].error, 0);
	bs_agg_free(a);
}
END_TEST

/* Ties: the shorter text first, then byte order. */
START_TEST(test_detail_ties)
{
	struct bs_agg *a = bs_agg_new(true);
	const struct bs_row *r;
	int i;

	for (i = 0; i < 2; i++) {
		add_reply(a, "bb", 2);
		add_reply(a, "ab", 2);
		add_reply(a, "a", 1);
	}
	bs_agg_finish(a);
	r = bs_agg_row(a, 0);
	ck_assert_uint_eq(r->ndetail, 3);
	ck_assert_int_eq(memcmp(r->detail[0].text, "a", 1), 0);
	ck_assert_int_eq(memcmp(r->detail[1].text, "ab", 2), 0);
	ck_assert_int_eq(memcmp(r->detail[2].text, "bb", 2), 0);
	bs_agg_free(a);
}
END_TEST

/*
 * Long texts: normalised from their first 4 * BS_DETAIL_TEXT_MAX bytes
 * into at most BS_DETAIL_TEXT_MAX, and compared so.
 */
START_TEST(test_detail_long_text)
{
	struct bs_agg *a = bs_agg_new(true);
	char t1[4 * BS_DETAIL_TEXT_MAX + 100], t2[sizeof(t1)];
	const struct bs_row *r;

	memset(t1, 'x', sizeof(t1));
	memcpy(t2, t1, sizeof(t2));
	t2[4 * BS_DETAIL_TEXT_MAX + 50] = 'y';
	add_reply(a, t1, sizeof(t1));
	add_reply(a, t2, sizeof(t2));
	t2[100] = 'y';
	add_reply(a, t2, sizeof(t2));
	bs_agg_finish(a);
	r = bs_agg_row(a, 0);
	ck_assert_uint_eq(r->ndetail, 2);
	ck_assert_uint_eq(r->detail[0].len, BS_DETAIL_TEXT_MAX);
	ck_assert_uint_eq(r->detail[0].count, 2);
	ck_assert(!r->detail_estimated);
	bs_agg_free(a);
}
END_TEST

/* Texts that differ only in addresses, ids and numbers are one. */
START_TEST(test_detail_normalised)
{
	struct bs_agg *a = bs_agg_new(true);
	const struct bs_row *r;
	static const char *const replies[] = {
		"550 5.1.1 <ann@example.org>: user unknown (queued as "
		    "4B1C2D3E4F)",
		"550 5.1.1 <bob@example.net>: user unknown (queued as "
		    "9A8B7C6D5E)",
		"550 5.1.1 <carl@example.com>: user unknown (queued as "
		    "0011AABBCC)",
	};
	size_t i;

	for (i = 0; i < 3; i++)
		add_reply(a, replies[i], strlen(replies[i]));
	bs_agg_finish(a);
	r = bs_agg_row(a, 0);
	ck_assert_uint_eq(r->ndetail, 1);
	ck_assert_uint_eq(r->detail[0].count, 3);
	ck_assert_uint_eq(r->detail[0].len,
	    strlen("550 5.1.1 <addr>: user unknown (queued as ID)"));
	ck_assert_mem_eq(r->detail[0].text,
	    "550 5.1.1 <addr>: user unknown (queued as ID)",
	    r->detail[0].len);
	bs_agg_free(a);
}
END_TEST

/*
 * More distinct texts than slots: at most BS_DETAIL_SLOTS are listed, the
 * frequent one first with its exact count, every count within its bound
 * (each rare text was seen once), and the listed counts and the other
 * texts' add up to the events.
 */
START_TEST(test_detail_slots)
{
	struct bs_agg *a = bs_agg_new(true);
	const struct bs_row *r;
	uint64_t sum = 0;
	char t[32];
	size_t i;

	for (i = 0; i < 10; i++)
		add_reply(a, "hot", 3);
	for (i = 0; i < 40; i++) {
		int n = snprintf(t, sizeof(t), "rare text %c%c",
		    (int)('a' + i % 26), (int)('a' + i / 26));

		add_reply(a, t, (size_t)n);
	}
	bs_agg_finish(a);
	r = bs_agg_row(a, 0);
	ck_assert(r->detail_estimated);
	ck_assert_uint_le(r->ndetail, BS_DETAIL_SLOTS);
	ck_assert_uint_eq(r->detail[0].len, 3);
	ck_assert_int_eq(memcmp(r->detail[0].text, "hot", 3), 0);
	ck_assert_uint_eq(r->detail[0].count, 10);
	ck_assert_uint_eq(r->detail[0].error, 0);
	for (i = 0; i < r->ndetail; i++) {
		sum += r->detail[i].count;
		if (i > 0) {
			ck_assert_uint_le(r->detail[i].count, 1);
			ck_assert_uint_ge(r->detail[i].count +
			    r->detail[i].error, 1);
			ck_assert_uint_le(r->detail[i].error,
			    r->detail_bound);
		}
	}
	ck_assert_uint_eq(sum + r->detail_other, 50);
	ck_assert_uint_le(r->detail_bound, 1);
	bs_agg_free(a);
}
END_TEST

START_TEST(test_no_detail)
{
	struct bs_agg *a = bs_agg_new(false);

	add_reply(a, "user unknown", 12);
	bs_agg_finish(a);
	ck_assert_ptr_null(bs_agg_row(a, 0)->detail);
	ck_assert_uint_eq(bs_agg_row(a, 0)->ndetail, 0);
	bs_agg_free(a);
}
END_TEST

/* --- reset --------------------------------------------------------------- */

START_TEST(test_reset_counts)
{
	struct bs_agg *a = bs_agg_new(true);
	struct bs_input_stats *s;
	const struct bs_totals *t;
	int k;

	ck_assert_int_eq(bs_agg_input_add(a, "live.log"), 0);
	s = bs_agg_input_stats(a, 0);
	s->lines = 10;
	s->events = 5;
	s->cut = 1;
	s->match_errors = 2;
	s->untimed = 3;
	s->outside = 4;
	add(a, BO, "550", "5.1.1", "m1");
	add(a, DF, "450", "", "m2");
	add_reply(a, "text", 4);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), 2);

	bs_agg_reset_counts(a);
	ck_assert_uint_eq(bs_agg_nrows(a), 0);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), 0);
	t = bs_agg_totals(a);
	ck_assert_uint_eq(t->lines, 0);
	ck_assert_uint_eq(t->events, 0);
	ck_assert_uint_eq(t->folded, 0);
	for (k = 0; k < BS_KIND_COUNT; k++) {
		ck_assert_uint_eq(t->kind[k], 0);
		ck_assert_uint_eq(t->messages[k], 0);
	}
	ck_assert_uint_eq(bs_agg_ninputs(a), 1);
	ck_assert_str_eq(bs_agg_input(a, 0)->path, "live.log");
	ck_assert_uint_eq(bs_agg_input(a, 0)->lines, 0);
	ck_assert_uint_eq(bs_agg_input(a, 0)->events, 0);
	ck_assert_uint_eq(bs_agg_input(a, 0)->cut, 0);
	ck_assert_uint_eq(bs_agg_input(a, 0)->match_errors, 0);
	ck_assert_uint_eq(bs_agg_input(a, 0)->untimed, 0);
	ck_assert_uint_eq(bs_agg_input(a, 0)->outside, 0);

	/* The ids seen before the reset are new again. */
	add(a, BO, "550", "5.1.1", "m1");
	add_reply(a, "text", 4);
	bs_agg_finish(a);
	ck_assert_uint_eq(bs_agg_nrows(a), 1);
	ck_assert_uint_eq(bs_agg_row(a, 0)->count, 2);
	ck_assert_uint_eq(bs_agg_row(a, 0)->messages, 1);
	ck_assert_uint_eq(bs_agg_row(a, 0)->ndetail, 1);
	ck_assert_uint_eq(bs_agg_row(a, 0)->detail[0].count, 1);
	ck_assert_uint_eq(bs_agg_totals(a)->messages[BO], 1);
	ck_assert_uint_eq(bs_agg_totals(a)->messages[DF], 0);
	bs_agg_free(a);
}
END_TEST

/* A new aggregate "like" another has its settings and nothing else. */
START_TEST(test_new_like)
{
	struct bs_agg *with = bs_agg_new(true), *without = bs_agg_new(false);
	struct bs_agg *l1, *l2;

	ck_assert_int_eq(bs_agg_input_add(with, "x.log"), 0);
	add_reply(with, "text", 4);
	l1 = bs_agg_new_like(with);
	l2 = bs_agg_new_like(without);
	ck_assert_ptr_nonnull(l1);
	ck_assert_ptr_nonnull(l2);
	add_reply(l1, "text", 4);
	add_reply(l2, "text", 4);
	bs_agg_finish(l1);
	bs_agg_finish(l2);
	ck_assert_uint_eq(bs_agg_ninputs(l1), 0);
	ck_assert_uint_eq(bs_agg_nrows(l1), 1);
	ck_assert_uint_eq(bs_agg_row(l1, 0)->count, 1);
	ck_assert_uint_eq(bs_agg_row(l1, 0)->ndetail, 1);
	ck_assert_ptr_null(bs_agg_row(l2, 0)->detail);
	bs_agg_free(l1);
	bs_agg_free(l2);
	bs_agg_free(with);
	bs_agg_free(without);
}
END_TEST

Suite *
agg_suite(void)
{
	Suite *s = suite_create("agg");
	TCase *tc = tcase_create("rows");

	tcase_add_test(tc, test_rows_and_messages);
	tcase_add_test(tc, test_msgid_length);
	tcase_add_test(tc, test_codes_garbage_after_nul);
	tcase_add_test(tc, test_sort_order);
	tcase_add_test(tc, test_inputs_and_lines);
	tcase_add_test(tc, test_kinds_and_connfail);
	tcase_add_loop_test(tc, test_merge, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rows_max_fold);
	tcase_add_test(tc, test_rows_max_fold_without_bare_row);
	tcase_add_test(tc, test_merge_rows_max);
	tcase_add_test(tc, test_merge_connfail_rows);
	tcase_add_test(tc, test_merge_full_aggregates);
	tcase_add_test(tc, test_messages_exact);
	tcase_add_test(tc, test_messages_estimated);
	tcase_add_test(tc, test_merge_estimated);
	tcase_add_test(tc, test_budget_shared);
	suite_add_tcase(s, tc);
	tc = tcase_create("detail");
	tcase_add_test(tc, test_detail_counts);
	tcase_add_test(tc, test_detail_ties);
	tcase_add_test(tc, test_detail_long_text);
	tcase_add_test(tc, test_detail_normalised);
	tcase_add_test(tc, test_detail_slots);
	tcase_add_test(tc, test_no_detail);
	tcase_add_test(tc, test_reset_counts);
	tcase_add_test(tc, test_new_like);
	suite_add_tcase(s, tc);
	return s;
}
