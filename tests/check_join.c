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

	if (bs_join_sender(j, id, strlen(id), &s, &len) != BS_JOIN_KNOWN)
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

/* The answer of j for id, and its sender when known. */
static enum bs_join_answer
ask(const struct bs_join *j, const char *id, char *buf, size_t n)
{
	const char *s;
	size_t len;
	enum bs_join_answer a = bs_join_sender(j, id, strlen(id), &s, &len);

	buf[0] = '\0';
	if (a == BS_JOIN_KNOWN)
		snprintf(buf, n, "%.*s", (int)len, s);
	return a;
}

/*
 * A piece's join: what arrived or left in the piece it answers; of any
 * other message it says that the pieces before know.  Replayed onto the
 * join of those pieces, it leaves what one join reading both would.
 */
START_TEST(piece_and_replay)
{
	struct bs_join *before = bs_join_new(), *whole = bs_join_new();
	struct bs_join *piece = bs_join_new_piece();
	char buf[64];
	/* The pieces before: A, B, C arrived; C left. */
	static const char *const first[][2] = {
		{ "AAAAA1", "a@x" },
		{ "BBBBB2", "b@x" },
		{ "CCCCC3", "c@x" },
		{ "CCCCC3", NULL },
	};
	/* The piece: B leaves; C comes back; D arrives and leaves; E. */
	static const char *const second[][2] = {
		{ "BBBBB2", NULL },
		{ "CCCCC3", "c2@x" },
		{ "DDDDD4", "d@x" },
		{ "DDDDD4", NULL },
		{ "EEEEE5", "" },
		{ "AAAAA1", NULL },
		{ "AAAAA1", "a2@x" },
	};
	static const char *const ids[] = { "AAAAA1", "BBBBB2", "CCCCC3",
		"DDDDD4", "EEEEE5", "FFFFF6" };
	size_t i;

	ck_assert(before != NULL && whole != NULL && piece != NULL);
	for (i = 0; i < 4; i++) {
		const char *id = first[i][0], *snd = first[i][1];

		if (snd != NULL) {
			bs_join_arrival(before, id, 6, snd, strlen(snd));
			bs_join_arrival(whole, id, 6, snd, strlen(snd));
		} else {
			bs_join_gone(before, id, 6);
			bs_join_gone(whole, id, 6);
		}
	}
	/* Nothing seen yet: every message is the pieces' before. */
	ck_assert_int_eq(ask(piece, "AAAAA1", buf, sizeof(buf)),
	    BS_JOIN_BEFORE);
	for (i = 0; i < 7; i++) {
		const char *id = second[i][0], *snd = second[i][1];

		if (snd != NULL) {
			bs_join_arrival(piece, id, 6, snd, strlen(snd));
			bs_join_arrival(whole, id, 6, snd, strlen(snd));
		} else {
			bs_join_gone(piece, id, 6);
			bs_join_gone(whole, id, 6);
		}
	}
	/* Left in the piece: no sender, and nothing to ask before. */
	ck_assert_int_eq(ask(piece, "BBBBB2", buf, sizeof(buf)),
	    BS_JOIN_UNKNOWN);
	ck_assert_int_eq(ask(piece, "DDDDD4", buf, sizeof(buf)),
	    BS_JOIN_UNKNOWN);
	ck_assert_int_eq(ask(piece, "CCCCC3", buf, sizeof(buf)), BS_JOIN_KNOWN);
	ck_assert_str_eq(buf, "c2@x");
	ck_assert_int_eq(ask(piece, "EEEEE5", buf, sizeof(buf)), BS_JOIN_KNOWN);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(ask(piece, "AAAAA1", buf, sizeof(buf)), BS_JOIN_KNOWN);
	ck_assert_str_eq(buf, "a2@x");
	ck_assert_int_eq(ask(piece, "FFFFF6", buf, sizeof(buf)),
	    BS_JOIN_BEFORE);
	/* Before the replay, the join before answers for its own time. */
	ck_assert_int_eq(ask(before, "BBBBB2", buf, sizeof(buf)),
	    BS_JOIN_KNOWN);
	ck_assert_str_eq(buf, "b@x");
	bs_join_replay(before, piece);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char b2[64];
		enum bs_join_answer a = ask(before, ids[i], buf, sizeof(buf));

		ck_assert_int_ne(a, BS_JOIN_BEFORE);
		ck_assert_int_eq(a, ask(whole, ids[i], b2, sizeof(b2)));
		ck_assert_str_eq(buf, b2);
	}
	ck_assert_uint_eq(bs_join_size(before), bs_join_size(whole));
	ck_assert_uint_eq(bs_join_evicted(before), 0);
	/* A reset piece's join knows nothing again. */
	bs_join_reset(piece);
	ck_assert_int_eq(ask(piece, "AAAAA1", buf, sizeof(buf)),
	    BS_JOIN_BEFORE);
	bs_join_free(piece);
	bs_join_free(before);
	bs_join_free(whole);
}
END_TEST

/*
 * A piece's join says when its piece should end, a quarter before its
 * budget, so that it never forgets; if it forgot, no message is asked of
 * the pieces before (the answer could be an older message's).
 */
START_TEST(piece_budget)
{
	struct bs_join *j = bs_join_new_piece();
	char id[32], buf[64];
	uint32_t i, limit = BS_JOIN_PIECE_MESSAGES - BS_JOIN_PIECE_MESSAGES / 4;

	ck_assert_ptr_nonnull(j);
	ck_assert_uint_lt(bs_join_held(j), SIZE_MAX);
	for (i = 0; i < limit - 1; i++) {
		snprintf(id, sizeof(id), "P%u", i);
		bs_join_arrival(j, id, strlen(id), "s@x", 3);
	}
	ck_assert_uint_lt(bs_join_held(j), SIZE_MAX);
	bs_join_arrival(j, "LAST", 4, "s@x", 3);
	ck_assert_uint_eq(bs_join_held(j), SIZE_MAX);
	ck_assert_int_eq(ask(j, "OTHER", buf, sizeof(buf)), BS_JOIN_BEFORE);
	for (; i < BS_JOIN_PIECE_MESSAGES + 10; i++) {
		snprintf(id, sizeof(id), "P%u", i);
		bs_join_arrival(j, id, strlen(id), "s@x", 3);
	}
	ck_assert_uint_gt(bs_join_evicted(j), 0);
	ck_assert_int_eq(ask(j, "OTHER", buf, sizeof(buf)), BS_JOIN_UNKNOWN);
	ck_assert_int_eq(ask(j, "P0", buf, sizeof(buf)), BS_JOIN_UNKNOWN);
	/* Reset for the next piece, it holds its index alone again. */
	bs_join_reset(j);
	ck_assert_uint_le(bs_join_held(j),
	    2 * BS_JOIN_PIECE_MESSAGES * sizeof(uint64_t));
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
	tcase_add_test(tc, piece_and_replay);
	tcase_add_test(tc, piece_budget);
	suite_add_tcase(s, tc);
	return s;
}
