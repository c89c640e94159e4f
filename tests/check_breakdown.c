/*
 * check_breakdown.c - events by key (src/breakdown.c): what each key is
 * made of, exact rows within the budget, distinct messages, merging, and
 * past the budget rows that add up to the totals with every count within
 * its stated bound.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breakdown.h"
#include "hash.h"
#include "suites.h"
#include "testutil.h"

static struct bs_event
ev(enum bs_kind kind, const char *rcpt, const char *remote, const char *ip,
    const char *sender)
{
	struct bs_event e;

	bs_event_init(&e);
	e.kind = kind;
	if (rcpt != NULL)
		e.recipient = (struct bs_text){ rcpt, strlen(rcpt) };
	if (remote != NULL)
		e.remote = (struct bs_text){ remote, strlen(remote) };
	if (ip != NULL)
		e.remote_ip = (struct bs_text){ ip, strlen(ip) };
	if (sender != NULL)
		e.sender = (struct bs_text){ sender, strlen(sender) };
	return e;
}

static const char *
key(enum bs_by by, const struct bs_event *e, char *buf)
{
	long n = bs_by_key(by, e, buf);

	if (n == -1)
		return "(null)";
	if (n == -2)
		return "(long)";
	buf[n] = '\0';
	return buf;
}

START_TEST(keys)
{
	char b[BS_TOPK_KEY_MAX + 1];
	struct bs_event e = ev(BS_BOUNCED, "Ann@Example.ORG", "mx.example.org",
	    "192.0.2.1", "bob@Sender.Example");
	struct bs_event r = ev(BS_REJECTED, "x@y.z", "unknown", "203.0.113.9",
	    "");
	struct bs_event q = ev(BS_DEFERRED, "\"a@b\"@c.example", NULL,
	    "198.51.100.7", NULL);
	struct bs_event n = ev(BS_DELIVERED, "localuser", NULL, NULL, NULL);
	struct bs_event t = ev(BS_DELIVERED, "a@", NULL, NULL, NULL);

	ck_assert_str_eq(key(BS_BY_DOMAIN, &e, b), "example.org");
	ck_assert_str_eq(key(BS_BY_REMOTE, &e, b), "mx.example.org");
	ck_assert_str_eq(key(BS_BY_CLIENT, &e, b), "(null)");
	ck_assert_str_eq(key(BS_BY_SENDER, &e, b), "bob@Sender.Example");
	ck_assert_str_eq(key(BS_BY_SENDER_DOMAIN, &e, b), "sender.example");
	/* A refusal has a client, not a remote host. */
	ck_assert_str_eq(key(BS_BY_REMOTE, &r, b), "(null)");
	ck_assert_str_eq(key(BS_BY_CLIENT, &r, b), "unknown[203.0.113.9]");
	ck_assert_str_eq(key(BS_BY_SENDER, &r, b), "");
	ck_assert_str_eq(key(BS_BY_SENDER_DOMAIN, &r, b), "(null)");
	/* The last '@' decides; no name gives the address alone. */
	ck_assert_str_eq(key(BS_BY_DOMAIN, &q, b), "c.example");
	ck_assert_str_eq(key(BS_BY_REMOTE, &q, b), "[198.51.100.7]");
	ck_assert_str_eq(key(BS_BY_SENDER, &q, b), "(null)");
	ck_assert_str_eq(key(BS_BY_DOMAIN, &n, b), "(null)");
	ck_assert_str_eq(key(BS_BY_DOMAIN, &t, b), "(null)");
	ck_assert_str_eq(key(BS_BY_HOUR, &n, b), "(null)");
	/* Lower case eight bytes at a time and in the tail; UTF-8 kept. */
	q = ev(BS_DEFERRED, "x@MX.Example-ORG.\xc3\x9cNI.CODE.EXAMPLE@ZZ",
	    NULL, NULL, NULL);
	ck_assert_str_eq(key(BS_BY_DOMAIN, &q, b), "zz");
	q = ev(BS_DEFERRED, "x@MX.Example-ORG.\xc3\x9cNI.CODE.EXAMPLE",
	    NULL, NULL, NULL);
	ck_assert_str_eq(key(BS_BY_DOMAIN, &q, b),
	    "mx.example-org.\xc3\x9cni.code.example");
	n.timed = true;
	n.time = 1795867200 + 3599;	/* 2026-11-28 12:59:59 UTC */
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_str_eq(key(BS_BY_HOUR, &n, b), "2026-11-28T12:00");
	ck_assert_str_eq(key(BS_BY_DAY, &n, b), "2026-11-28");
}
END_TEST

static const struct bs_by_row *
find_row(const struct bs_breakdown *b, const char *k)
{
	size_t i;

	for (i = 0; i < bs_breakdown_nrows(b); i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);

		if (k == NULL ? r->type == BS_BY_ROW_NULL :
		    r->type != BS_BY_ROW_NULL && r->keylen == strlen(k) &&
		    memcmp(r->key, k, r->keylen) == 0)
			return r;
	}
	return NULL;
}

static void
count(struct bs_breakdown *b, struct bs_event e, const char *code,
    const char *msg)
{
	if (code != NULL)
		snprintf(e.codes.enhanced, sizeof(e.codes.enhanced), "%s",
		    code);
	ck_assert_int_eq(bs_breakdown_event(b, &e, msg == NULL ? 0 :
	    (bs_hash_bytes(msg, strlen(msg)) >> 16) | 1), BS_OK);
}

START_TEST(exact_rows)
{
	struct bs_breakdown *b = bs_breakdown_new(BS_BY_DOMAIN, true);
	const struct bs_by_row *r;

	count(b, ev(BS_DEFERRED, "a@gmail.com", NULL, NULL, NULL), "4.7.0",
	    "M1");
	count(b, ev(BS_DEFERRED, "b@GMAIL.com", NULL, NULL, NULL), "4.7.0",
	    "M1");
	count(b, ev(BS_BOUNCED, "c@gmail.com", NULL, NULL, NULL), "5.1.1",
	    "M2");
	count(b, ev(BS_DELIVERED, "d@gmail.com", NULL, NULL, NULL), "2.0.0",
	    "M3");
	count(b, ev(BS_BOUNCED, "e@example.net", NULL, NULL, NULL), "5.7.1",
	    "M2");
	count(b, ev(BS_REJECTED, NULL, NULL, NULL, NULL), "5.7.1", NULL);
	ck_assert_int_eq(bs_breakdown_finish(b), BS_OK);
	ck_assert_uint_eq(bs_breakdown_nrows(b), 3);
	ck_assert(!bs_breakdown_estimated(b));
	ck_assert_uint_eq(bs_breakdown_error_bound(b), 0);
	r = bs_breakdown_row(b, 0);	/* most failures first */
	ck_assert_int_eq(r->type, BS_BY_ROW_KEY);
	ck_assert_uint_eq(r->keylen, 9);
	ck_assert_mem_eq(r->key, "gmail.com", 9);
	ck_assert_uint_eq(r->events, 4);
	ck_assert_uint_eq(r->failures, 3);
	ck_assert_uint_eq(r->kind[BS_DEFERRED], 2);
	ck_assert_uint_eq(r->kind[BS_BOUNCED], 1);
	ck_assert_uint_eq(r->kind[BS_DELIVERED], 1);
	ck_assert_uint_eq(r->messages, 3);
	/* Failure codes only, most frequent first. */
	ck_assert_uint_eq(r->ncodes, 2);
	ck_assert_str_eq(r->codes[0].codes.enhanced, "4.7.0");
	ck_assert_uint_eq(r->codes[0].count, 2);
	ck_assert_uint_eq(r->codes[0].error, 0);
	r = find_row(b, NULL);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->events, 1);
	ck_assert_uint_eq(r->messages, 0);
	ck_assert_ptr_eq(r, bs_breakdown_row(b, 2));	/* null last */
	bs_breakdown_free(b);
}
END_TEST

/* Reading in two pieces and merging gives what one reading gives. */
START_TEST(merge_exact)
{
	struct bs_breakdown *w = bs_breakdown_new(BS_BY_REMOTE, true);
	struct bs_breakdown *p1 = bs_breakdown_new(BS_BY_REMOTE, true);
	struct bs_breakdown *p2 = bs_breakdown_new(BS_BY_REMOTE, true);
	char host[32], msg[32];
	size_t i;

	for (i = 0; i < 3000; i++) {
		struct bs_event e;

		snprintf(host, sizeof(host), "mx%zu.example", i % 97);
		snprintf(msg, sizeof(msg), "Q%zu", i % 1000);
		e = ev(i % 3 ? BS_DEFERRED : BS_DELIVERED, NULL, host, NULL,
		    NULL);
		count(w, e, "4.4.1", msg);
		count(i < 1400 ? p1 : p2, e, "4.4.1", msg);
	}
	ck_assert_int_eq(bs_breakdown_merge(p1, p2), BS_OK);
	ck_assert_int_eq(bs_breakdown_finish(w), BS_OK);
	ck_assert_int_eq(bs_breakdown_finish(p1), BS_OK);
	ck_assert_uint_eq(bs_breakdown_nrows(w), 97);
	ck_assert_uint_eq(bs_breakdown_nrows(p1), 97);
	for (i = 0; i < 97; i++) {
		const struct bs_by_row *a = bs_breakdown_row(w, i);
		const struct bs_by_row *b = bs_breakdown_row(p1, i);

		ck_assert_uint_eq(a->keylen, b->keylen);
		ck_assert_mem_eq(a->key, b->key, a->keylen);
		ck_assert_uint_eq(a->events, b->events);
		ck_assert_uint_eq(a->kind[BS_DEFERRED], b->kind[BS_DEFERRED]);
		ck_assert_uint_eq(a->messages, b->messages);
		ck_assert_uint_eq(b->error, 0);
	}
	ck_assert(!bs_breakdown_estimated(p1));
	bs_breakdown_free(w);
	bs_breakdown_free(p1);
	bs_breakdown_free(p2);
}
END_TEST

#define NDOM	20000

/*
 * The property test: a skewed stream over NDOM domains (ten times the
 * budget) with known counts, read whole and in four merged pieces.
 * Every printed count must lie within its bound, the rows must add up
 * to the totals, and the heaviest domains must be listed.
 */
START_TEST(estimated_bounds)
{
	static uint64_t truth[NDOM][BS_KIND_COUNT];
	static uint64_t events[NDOM];
	struct bs_breakdown *b = bs_breakdown_new(BS_BY_DOMAIN, true), *piece[4];
	uint64_t seed = 77 + (uint64_t)_i, total = 200000, n, sum = 0;
	bool listed[NDOM] = { false };
	char rcpt[64], msg[32];
	size_t i, k, p;
	double *cum = bs_test_zipf_new(NDOM);

	memset(truth, 0, sizeof(truth));
	memset(events, 0, sizeof(events));
	for (p = 0; p < 4; p++)
		piece[p] = bs_breakdown_new(BS_BY_DOMAIN, true);
	for (n = 0; n < total; n++) {
		size_t d;
		enum bs_kind kind = (enum bs_kind)(bs_test_rand(&seed) % BS_KIND_COUNT);
		struct bs_event e;

		d = bs_test_zipf(&seed, cum, NDOM);
		truth[d][kind]++;
		events[d]++;
		snprintf(rcpt, sizeof(rcpt), "u@d%zu.example", d);
		snprintf(msg, sizeof(msg), "M%llu", (unsigned long long)n);
		e = ev(kind, rcpt, NULL, NULL, NULL);
		count(_i % 2 ? piece[n * 4 / total] : b, e, "5.1.1", msg);
	}
	if (_i % 2) {
		for (p = 1; p < 4; p++)
			ck_assert_int_eq(bs_breakdown_merge(piece[0], piece[p]),
			    BS_OK);
		bs_breakdown_free(b);
		b = piece[0];
		piece[0] = NULL;
	}
	ck_assert_int_eq(bs_breakdown_finish(b), BS_OK);
	ck_assert(bs_breakdown_estimated(b));
	ck_assert(bs_breakdown_messages_estimated(b));
	for (i = 0; i < bs_breakdown_nrows(b); i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);
		size_t d;

		sum += r->events;
		if (r->type != BS_BY_ROW_KEY)
			continue;
		ck_assert_uint_le(r->error, bs_breakdown_error_bound(b));
		d = (size_t)strtoul(r->key + 1, NULL, 10);	/* "d123.ex" */
		listed[d] = true;
		ck_assert_msg(r->events <= events[d] &&
		    events[d] <= r->events + r->error, "d%zu: %llu not in "
		    "[%llu, +%llu]", d, (unsigned long long)events[d],
		    (unsigned long long)r->events,
		    (unsigned long long)r->error);
		for (k = 0; k < BS_KIND_COUNT; k++)
			ck_assert(r->kind[k] <= truth[d][k] &&
			    truth[d][k] <= r->kind[k] + r->error);
		/* One message per event: messages within the HLL's 4 sigma
		 * (26%) of the counted events, or the event bound. */
		ck_assert_msg((double)r->messages <= 1.26 *
		    (double)(r->events + r->error) + 2 &&
		    (double)r->messages >= 0.74 * (double)r->events - 2,
		    "d%zu: %llu messages for %llu events", d,
		    (unsigned long long)r->messages,
		    (unsigned long long)r->events);
	}
	ck_assert_uint_eq(sum, total);
	for (i = 0; i < NDOM; i++)
		if (!listed[i])
			ck_assert_uint_le(events[i],
			    bs_breakdown_error_bound(b));
	/* The ten heaviest domains are listed. */
	for (i = 0; i < 10; i++)
		ck_assert_msg(listed[i], "d%zu not listed", i);
	bs_breakdown_free(b);
	for (p = 0; p < 4; p++)
		bs_breakdown_free(piece[p]);
	free(cum);
}
END_TEST

Suite *
breakdown_suite(void)
{
	Suite *s = suite_create("breakdown");
	TCase *tc = tcase_create("breakdown");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, keys);
	tcase_add_test(tc, exact_rows);
	tcase_add_test(tc, merge_exact);
	tcase_add_loop_test(tc, estimated_bounds, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
