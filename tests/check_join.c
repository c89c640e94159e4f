/*
 * check_join.c - the sender join by message id (src/join.c): arrivals,
 * messages that leave the queue, reused ids, and the budget.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "bslimits.h"
#include "join.h"
#include "suites.h"

static const char *
sender(struct bs_join *j, const char *id, char *buf, size_t n)
{
	const char *s;
	size_t len;

	if (!bs_join_sender(j, id, strlen(id), &s, &len))
		return NULL;
	snprintf(buf, n, "%.*s", (int)len, s);
	return buf;
}

START_TEST(arrival_gone_reuse)
{
	struct bs_join *j = bs_join_new();
	char buf[64];

	ck_assert_ptr_nonnull(j);
	ck_assert_ptr_null(sender(j, "ABC123", buf, sizeof(buf)));
	bs_join_arrival(j, "ABC123", 6, "a@example.org", 13);
	bs_join_arrival(j, "DEF456", 6, "", 0);	/* the null sender */
	ck_assert_str_eq(sender(j, "ABC123", buf, sizeof(buf)),
	    "a@example.org");
	ck_assert_str_eq(sender(j, "DEF456", buf, sizeof(buf)), "");
	ck_assert_uint_eq(bs_join_size(j), 2);
	bs_join_gone(j, "ABC123", 6);
	ck_assert_ptr_null(sender(j, "ABC123", buf, sizeof(buf)));
	/* A reused id takes its new sender. */
	bs_join_arrival(j, "DEF456", 6, "b@example.net", 13);
	ck_assert_str_eq(sender(j, "DEF456", buf, sizeof(buf)),
	    "b@example.net");
	ck_assert_uint_eq(bs_join_size(j), 1);
	ck_assert_uint_eq(bs_join_evicted(j), 0);
	bs_join_free(j);
}
END_TEST

/* Past the budget the oldest arrivals go first, and are counted. */
START_TEST(budget_forgets_oldest)
{
	struct bs_join *j = bs_join_new();
	char id[32], addr[64], buf[64];
	uint32_t i, n = BS_JOIN_MESSAGES + 1000;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "Q%08X", i);
		snprintf(addr, sizeof(addr), "sender%u@example.org", i);
		bs_join_arrival(j, id, strlen(id), addr, strlen(addr));
	}
	ck_assert_uint_eq(bs_join_size(j), BS_JOIN_MESSAGES);
	ck_assert_uint_eq(bs_join_evicted(j), 1000);
	ck_assert_ptr_null(sender(j, "Q00000000", buf, sizeof(buf)));
	ck_assert_ptr_null(sender(j, "Q000003E7", buf, sizeof(buf)));
	ck_assert_str_eq(sender(j, "Q000003E8", buf, sizeof(buf)),
	    "sender1000@example.org");
	snprintf(id, sizeof(id), "Q%08X", n - 1);
	snprintf(addr, sizeof(addr), "sender%u@example.org", n - 1);
	ck_assert_str_eq(sender(j, id, buf, sizeof(buf)), addr);
	bs_join_free(j);
}
END_TEST

/* The byte budget: long addresses evict by bytes before the count. */
START_TEST(byte_budget)
{
	struct bs_join *j = bs_join_new();
	char id[32], addr[BS_JOIN_TEXT_MAX + 1], buf[BS_JOIN_TEXT_MAX + 1];
	uint32_t i, n = 2 * BS_JOIN_BYTES / BS_JOIN_TEXT_MAX;
	size_t kept;

	memset(addr, 'x', BS_JOIN_TEXT_MAX);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "L%u", i);
		bs_join_arrival(j, id, strlen(id), addr, BS_JOIN_TEXT_MAX);
	}
	kept = bs_join_size(j);
	ck_assert_uint_lt(kept, n);
	ck_assert_uint_ge(kept, BS_JOIN_BYTES / (BS_JOIN_TEXT_MAX + 16) - 1);
	ck_assert_uint_eq(bs_join_evicted(j), n - kept);
	snprintf(id, sizeof(id), "L%u", n - 1);
	ck_assert_ptr_nonnull(sender(j, id, buf, sizeof(buf)));
	ck_assert_ptr_null(sender(j, "L0", buf, sizeof(buf)));
	/* Longer than the limit: not kept, never cut. */
	bs_join_arrival(j, "LONG", 4, addr, BS_JOIN_TEXT_MAX + 1);
	ck_assert_ptr_null(sender(j, "LONG", buf, sizeof(buf)));
	bs_join_free(j);
}
END_TEST

/* Many arrivals and departures interleaved: the index stays right. */
START_TEST(churn)
{
	struct bs_join *j = bs_join_new();
	char id[32], addr[64], buf[64];
	uint32_t i;

	for (i = 0; i < 500000; i++) {
		snprintf(id, sizeof(id), "C%u", i);
		snprintf(addr, sizeof(addr), "s%u@x", i);
		bs_join_arrival(j, id, strlen(id), addr, strlen(addr));
		if (i >= 10) {
			snprintf(id, sizeof(id), "C%u", i - 10);
			bs_join_gone(j, id, strlen(id));
		}
	}
	ck_assert_uint_eq(bs_join_size(j), 10);
	ck_assert_uint_eq(bs_join_evicted(j), 0);
	ck_assert_str_eq(sender(j, "C499995", buf, sizeof(buf)), "s499995@x");
	ck_assert_ptr_null(sender(j, "C499989", buf, sizeof(buf)));
	bs_join_free(j);
}
END_TEST

Suite *
join_suite(void)
{
	Suite *s = suite_create("join");
	TCase *tc = tcase_create("join");

	tcase_add_test(tc, arrival_gone_reuse);
	tcase_add_test(tc, budget_forgets_oldest);
	tcase_add_test(tc, byte_budget);
	tcase_add_test(tc, churn);
	suite_add_tcase(s, tc);
	return s;
}
