/*
 * check_codes_fast.c - src/codes_fast.c against the patterns it stands in
 * for (patterns/codes.pat's reply and enhanced).
 *
 * The C must give PCRE2's answer on every subject: match or no match, and
 * the span of the enhanced group.  A table of replies covers each branch
 * of both patterns; strings built at random from the pieces of a reply
 * look for the cases no one thought of; and every tail of every line of
 * testdata's logs that opens with a byte a code may start with is read
 * both ways.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes_fast.h"
#include "extract.h"
#include "patterns.h"
#include "suites.h"
#include "testutil.h"

static struct bs_patterns *pats;
static const pcre2_code *reply_re, *enh_re;
static int g_enh, g_enh_only;
static pcre2_match_data *md;

static void
setup(void)
{
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_get(pats, "codes", "reply", &reply_re, &d),
	    BS_OK);
	ck_assert_int_eq(
	    bs_patterns_get(pats, "codes", "enhanced", &enh_re, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_group(reply_re, "codes", "reply",
			     "enhanced", &g_enh, &d),
	    BS_OK);
	ck_assert_int_eq(bs_patterns_group(enh_re, "codes", "enhanced",
			     "enhanced", &g_enh_only, &d),
	    BS_OK);
	md = pcre2_match_data_create(16, NULL);
	ck_assert_ptr_nonnull(md);
}

static void
teardown(void)
{
	pcre2_match_data_free(md);
	bs_patterns_free(pats);
}

/*
 * The shipped patterns are the texts the C carries; if this fails,
 * patterns/codes.pat was edited: change src/codes_fast.c with it (until
 * then replies take PCRE2 only, correct but slower).
 */
START_TEST(test_shipped)
{
	static const char other[] =
	    "reply = ^(?<basic>[2-5]\\d\\d)"
	    "(?:[ -](?<enhanced>[245]\\.\\d+\\.\\d+))?\n"
	    "enhanced = ^(?<enhanced>[245]\\.\\d+\\.\\d+)\n";
	struct bs_diag d;

	ck_assert_msg(bs_patterns_is(pats, "codes", "reply", bs_codes_reply_rx),
	    "codes/reply is not bs_codes_reply_rx");
	ck_assert_msg(
	    bs_patterns_is(pats, "codes", "enhanced", bs_codes_enhanced_rx),
	    "codes/enhanced is not bs_codes_enhanced_rx");
	/* A set with other texts is not the shipped one. */
	ck_assert_int_eq(bs_patterns_add_text(pats, "codes", "test", other,
			     sizeof(other) - 1, &d),
	    BS_OK);
	ck_assert(!bs_patterns_is(pats, "codes", "reply", bs_codes_reply_rx));
	ck_assert(
	    !bs_patterns_is(pats, "codes", "enhanced", bs_codes_enhanced_rx));
}
END_TEST

/*
 * PCRE2's answer for re on s[0..n): whether it matched, with the group's
 * offset and length (length 0 when it took no part).
 */
static bool
pcre(const pcre2_code *re, int g, const char *s, size_t n, size_t *at,
    size_t *len)
{
	const char *p;

	*at = *len = 0;
	if (bs_match(pats, re, s, n, 0, md) <= 0)
		return false;
	if (bs_group_span(md, g, &p, s, len))
		*at = (size_t)(p - s);
	return true;
}

/* Whether C and PCRE2 agree on s[0..n), for both patterns. */
static void
agree(const char *s, size_t n, const char *what)
{
	size_t ca, cl, pa, pl;
	bool c, p;

	c = bs_codes_reply(s, n, &ca, &cl);
	p = pcre(reply_re, g_enh, s, n, &pa, &pl);
	QUIET_CHECK(c == p && ca == pa && cl == pl,
	    "reply on %s '%.*s': C %d %zu+%zu, PCRE2 %d %zu+%zu", what, (int)n,
	    s, c, ca, cl, p, pa, pl);
	c = bs_codes_enhanced(s, n, &ca, &cl);
	p = pcre(enh_re, g_enh_only, s, n, &pa, &pl);
	QUIET_CHECK(c == p && ca == pa && cl == pl,
	    "enhanced on %s '%.*s': C %d %zu+%zu, PCRE2 %d %zu+%zu", what,
	    (int)n, s, c, ca, cl, p, pa, pl);
}

static const struct code_case {
	const char *s;
	int reply;	/* 1: the reply pattern matches */
	size_t at, len; /* its enhanced group; len 0: none */
	int enh;	/* 1: the enhanced pattern matches */
	size_t eat, elen;
} code_cases[] = {
	{ "550 5.1.1 User unknown", 1, 4, 5, 0, 0, 0 },
	{ "550-5.1.1 The email account", 1, 4, 5, 0, 0, 0 },
	{ "550 #5.1.1 no such user", 1, 5, 5, 0, 0, 0 },
	{ "550  5.1.1 two spaces", 1, 5, 5, 0, 0, 0 },
	{ "550 -5.1.1 a dash", 1, 5, 5, 0, 0, 0 },
	{ "550   5.1.1 three spaces", 1, 0, 0, 0, 0, 0 },
	{ "550 ##5.1.1", 1, 0, 0, 0, 0, 0 },
	{ "250 2.1.5Recipient OK", 1, 4, 5, 0, 0, 0 },
	{ "451 4.7.500 Server busy", 1, 4, 7, 0, 0, 0 },
	{ "451 4.7.5000 Server busy", 1, 0, 0, 0, 0, 0 },
	{ "451 4.7000.5 x", 1, 0, 0, 0, 0, 0 },
	{ "550 5.1.1.2 a version", 1, 0, 0, 0, 0, 0 },
	{ "550 5.1.1", 1, 4, 5, 0, 0, 0 },
	{ "550 5.1.", 1, 0, 0, 0, 0, 0 },
	{ "550 5.1", 1, 0, 0, 0, 0, 0 },
	{ "550 3.1.1 wrong class", 1, 0, 0, 0, 0, 0 },
	{ "550", 1, 0, 0, 0, 0, 0 },
	{ "550\n", 1, 0, 0, 0, 0, 0 },
	{ "550\nx", 0, 0, 0, 0, 0, 0 },
	{ "550x", 0, 0, 0, 0, 0, 0 },
	{ "5500 x", 0, 0, 0, 0, 0, 0 },
	{ "55", 0, 0, 0, 0, 0, 0 },
	{ "650 5.1.1", 0, 0, 0, 0, 0, 0 },
	{ "150 5.1.1", 0, 0, 0, 0, 0, 0 },
	{ "5.7.1 Blocked", 0, 0, 0, 1, 0, 5 },
	{ "#5.7.1 Blocked", 0, 0, 0, 1, 1, 5 },
	{ "5.7.1", 0, 0, 0, 1, 0, 5 },
	{ "5.7.1.", 0, 0, 0, 0, 0, 0 },
	{ "5.7.1\n", 0, 0, 0, 1, 0, 5 },
	{ "##5.7.1", 0, 0, 0, 0, 0, 0 },
	{ "2.0.0 Ok", 0, 0, 0, 1, 0, 5 },
	{ "4.123.123 x", 0, 0, 0, 1, 0, 9 },
	{ "", 0, 0, 0, 0, 0, 0 },
	{ "#", 0, 0, 0, 0, 0, 0 },
};

START_TEST(test_code_cases)
{
	const struct code_case *c = &code_cases[_i];
	size_t n = strlen(c->s), at, len;
	bool m;

	m = bs_codes_reply(c->s, n, &at, &len);
	ck_assert_msg(m == (c->reply == 1) && at == c->at && len == c->len,
	    "reply '%s': %d %zu+%zu", c->s, m, at, len);
	m = bs_codes_enhanced(c->s, n, &at, &len);
	ck_assert_msg(m == (c->enh == 1) && at == c->eat && len == c->elen,
	    "enhanced '%s': %d %zu+%zu", c->s, m, at, len);
	agree(c->s, n, "a table row");
}
END_TEST

/*
 * 200,000 strings of one to seven pieces of replies: codes whole and in
 * parts, digit runs of one to four, and every byte the patterns look at.
 */
START_TEST(test_random)
{
	static const char *const pieces[] = {
		"550",
		"250",
		"451",
		"5",
		"4",
		"2",
		"3",
		"0",
		"1",
		"12",
		"123",
		"1234",
		".",
		" ",
		"-",
		"#",
		"\n",
		"x",
		"5.1.1",
		"4.7.500",
		"2.0.0",
		"5.1",
		".1",
	};
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	char buf[64];
	size_t i, k, n;

	for (i = 0; i < 200000; i++) {
		size_t np = 1 + bs_test_rand(&rng) % 7;

		n = 0;
		for (k = 0; k < np; k++) {
			const char *p = pieces[bs_test_rand(&rng) %
			    (sizeof(pieces) / sizeof(pieces[0]))];
			size_t pl = strlen(p);

			memcpy(buf + n, p, pl);
			n += pl;
		}
		agree(buf, n, "a random string");
	}
}
END_TEST

/* The whole of codes reading, C or PCRE2, on every tail of the logs. */
START_TEST(test_logs)
{
	static const char *const logs[] = {
		"../testdata/postfix/sample.log",
		"../testdata/postfix/delivered-codes.log",
		"../testdata/postfix/dialects.log",
		"../testdata/exim/mainlog",
		"../testdata/exim/connfail.log",
		"../testdata/exchange/MSGTRK20261128-1.LOG",
		"../testdata/m365/messagetrace.csv",
	};
	size_t f, i, len, tails = 0;

	for (f = 0; f < sizeof(logs) / sizeof(logs[0]); f++) {
		char *s = bs_test_slurp(logs[f], &len);

		for (i = 0; i < len; i++) {
			const char *e;

			if ((s[i] < '2' || s[i] > '5') && s[i] != '#')
				continue;
			e = memchr(s + i, '\n', len - i);
			agree(s + i,
			    e != NULL ? (size_t)(e - (s + i)) : len - i,
			    logs[f]);
			tails++;
		}
		free(s);
	}
	ck_assert_uint_gt(tails, 2000);
}
END_TEST

/*
 * bs_extract_reply gives the same codes with the shipped set (read in C)
 * and with the same patterns in other words (read by PCRE2).
 */
START_TEST(test_extract_both_ways)
{
	static const char same[] =
	    "reply = ^(?<basic>[2-5][0-9][0-9])(?:[ -]|$)(?:)"
	    "(?:[ -]?\\#?(?<enhanced>[245]\\.[0-9]{1,3}\\.[0-9]{1,3})"
	    "(?![0-9.]))?\n"
	    "enhanced = ^\\#?(?<enhanced>[245]\\.[0-9]{1,3}\\.[0-9]{1,3})"
	    "(?![0-9.])(?:)\n";
	static const char *const replies[] = {
		"550 5.1.1 User unknown",
		"550-5.1.1 x",
		"550 #5.1.1",
		"250 2.1.5Recipient OK",
		"451 4.7.5000 x",
		"550",
		"550x",
		"5.7.1 Blocked",
		"#5.7.1 x",
		"5.7.1.2",
		"421-4.7.0 [192.0.2.1] try later",
	};
	struct bs_patterns *other;
	struct bs_extract *xc, *xp;
	struct bs_diag d;
	size_t i;

	ck_assert_int_eq(bs_patterns_load(NULL, &other, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_add_text(other, "codes", "test", same,
			     sizeof(same) - 1, &d),
	    BS_OK);
	ck_assert(!bs_patterns_is(other, "codes", "reply", bs_codes_reply_rx));
	ck_assert_int_eq(bs_extract_new(pats, &xc, &d), BS_OK);
	ck_assert_int_eq(bs_extract_new(other, &xp, &d), BS_OK);
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		struct bs_codes c, p;
		size_t n = strlen(replies[i]);
		int rc = bs_extract_reply(xc, replies[i], n, &c),
		    rp = bs_extract_reply(xp, replies[i], n, &p);

		ck_assert_int_eq(rc, rp);
		ck_assert_str_eq(c.basic, p.basic);
		ck_assert_str_eq(c.enhanced, p.enhanced);
	}
	bs_extract_free(xc);
	bs_extract_free(xp);
	bs_patterns_free(other);
}
END_TEST

Suite *
codes_fast_suite(void)
{
	Suite *s = suite_create("codes_fast");
	TCase *tc = tcase_create("against the patterns");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped);
	tcase_add_loop_test(tc, test_code_cases, 0,
	    (int)(sizeof(code_cases) / sizeof(code_cases[0])));
	tcase_add_test(tc, test_random);
	tcase_add_test(tc, test_logs);
	tcase_add_test(tc, test_extract_both_ways);
	suite_add_tcase(s, tc);
	return s;
}
