/*
 * check_postfix_fast.c - src/postfix_fast.c against the patterns it stands in
 * for.
 *
 * The C must give the pattern's answer wherever it gives one: the same
 * message start and timestamp for syslog, the same match or no match and
 * the same spans for delivery.  Hand-written lines cover each branch of
 * both patterns (timestamps, word counts, program names, the odd bytes
 * between them); random edits of those lines then look for the cases no
 * one thought of, and every answer is compared with PCRE2's.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "patterns.h"
#include "postfix_fast.h"
#include "suites.h"
#include "testutil.h"

static struct bs_patterns *pats;
static const pcre2_code *syslog_re, *delivery_re, *outcome_re;
static int g_msg, g_stamp, g_qid, g_dsn, g_status, g_text;
static pcre2_match_data *md;

/* The shipped pattern postfix/NAME. */
static const pcre2_code *
pattern(const char *name)
{
	const pcre2_code *re;
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_get(pats, "postfix", name, &re, &d),
	    BS_OK);
	return re;
}

/* The number of the group gname of postfix/name. */
static int
group(const pcre2_code *re, const char *name, const char *gname)
{
	struct bs_diag d;
	int g;

	ck_assert_int_eq(bs_patterns_group(re, "postfix", name, gname, &g, &d),
	    BS_OK);
	return g;
}

static void
setup(void)
{
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &d), BS_OK);
	syslog_re = pattern("syslog");
	delivery_re = pattern("delivery");
	outcome_re = pattern("outcome");
	g_msg = group(syslog_re, "syslog", "msg");
	g_stamp = group(syslog_re, "syslog", "stamp");
	g_qid = group(delivery_re, "delivery", "qid");
	g_dsn = group(outcome_re, "outcome", "dsn");
	g_status = group(outcome_re, "outcome", "status");
	g_text = group(outcome_re, "outcome", "text");
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
 * patterns/postfix.pat was edited: change src/postfix_fast.c with it
 * (until then Postfix lines take PCRE2 only, correct but slower).
 */
START_TEST(test_shipped)
{
	ck_assert_msg(bs_patterns_is(pats, "postfix", "syslog",
	    bs_postfix_syslog_rx), "postfix/syslog is not bs_postfix_syslog_rx");
	ck_assert_msg(bs_patterns_is(pats, "postfix", "delivery",
	    bs_postfix_delivery_rx),
	    "postfix/delivery is not bs_postfix_delivery_rx");
	ck_assert_msg(bs_patterns_is(pats, "postfix", "outcome",
	    bs_postfix_outcome_rx),
	    "postfix/outcome is not bs_postfix_outcome_rx");
	ck_assert(!bs_patterns_is(pats, "postfix", "syslog",
	    bs_postfix_delivery_rx));
	ck_assert(!bs_patterns_is(pats, "postfix", "nosuch",
	    bs_postfix_syslog_rx));
}
END_TEST

/* A set with the same patterns in other words is not the shipped one. */
START_TEST(test_replaced)
{
	static const char text[] =
	    "syslog = ^(?:(?<stamp>x) )?(?:[^ ]+ ){0,3}?postfix: (?<msg>)\n"
	    "delivery = ^(?<qid>[0-9A-Z]{5,}): (?:to|from)=\n"
	    "outcome = \\G(?:dsn=(?<dsn>[0-9.]+), |[^,]*, )"
	    "status=(?<status>[A-Za-z-]+)(?:,? \\((?<text>))?\n";
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_add_text(pats, "postfix", "test", text,
	    sizeof(text) - 1, &d), BS_OK);
	ck_assert(!bs_patterns_is(pats, "postfix", "syslog",
	    bs_postfix_syslog_rx));
	ck_assert(!bs_patterns_is(pats, "postfix", "delivery",
	    bs_postfix_delivery_rx));
	ck_assert(!bs_patterns_is(pats, "postfix", "outcome",
	    bs_postfix_outcome_rx));
}
END_TEST

/*
 * PCRE2's answer for syslog: -1 no match, else the message's offset, with
 * the stamp's offset and length when it took part.
 */
static long
pcre_syslog(const char *s, size_t n, size_t *stamp_at, size_t *stamp_len,
    bool *stamp)
{
	const char *p;
	size_t len;

	if (bs_match(pats, syslog_re, s, n, 0, md) <= 0)
		return -1;
	*stamp = bs_group_span(md, g_stamp, &p, s, stamp_len);
	*stamp_at = *stamp ? (size_t)(p - s) : 0;
	bs_group_span(md, g_msg, &p, s, &len);
	return (long)(p - s);
}

/*
 * Whether C and PCRE2 agree on s[0..n): where the C answers, PCRE2 must
 * match with the same message and timestamp.  Returns whether the C
 * answered.
 */
static bool
syslog_agrees(const char *s, size_t n, const char *what)
{
	size_t msg = 0, sa = 0, sl = 0, psa = 0, psl = 0;
	bool answered = bs_postfix_syslog(s, n, &msg, &sa, &sl), pstamp = false;
	long pmsg;

	if (!answered)
		return false;
	pmsg = pcre_syslog(s, n, &psa, &psl, &pstamp);
	QUIET_CHECK(pmsg == (long)msg && pstamp && psa == sa && psl == sl,
	    "syslog on %s '%.*s': C msg %zu stamp %zu+%zu, PCRE2 msg %ld "
	    "stamp %zu+%zu (%s)", what, (int)n, s, msg, sa, sl, pmsg, psa, psl,
	    pstamp ? "taken" : "none");
	return true;
}

static const struct syslog_case {
	const char *line;
	long msg;		/* the message's offset; -1 where C declines */
	size_t at, stamp;	/* the timestamp's offset and length */
	long pcre;		/* PCRE2's message offset; -1: no match */
} syslog_cases[] = {
	{ "Nov 28 10:00:00 mx1 postfix/smtp[4242]: 4F1A: to=<a@b>", 40, 0, 15,
	    40 },
	{ "Nov  8 10:00:00 mx1 postfix/smtpd[1]: NOQUEUE: x", 38, 0, 15, 38 },
	{ "Nov 8 10:00:00 mx1 postfix/qmgr[1]: x", 36, 0, 14, 36 },
	{ "2026-11-28T10:00:00.123456+01:00 mx1 postfix/smtp[4242]: x", 57,
	    0, 32, 57 },
	{ "2026-11-28T10:00:00Z mx1 postfix/smtp[1]: x", 42, 0, 20, 42 },
	{ "2026-11-28T10:00:00+0100 mx1 postfix/smtp[1]: x", 46, 0, 24, 46 },
	{ "2026-11-28T10:00:00-05:00 mx1 postfix/smtp[1]: x", 47, 0, 25, 47 },
	{ "2026-11-28T10:00:00 mx1 postfix/smtp[1]: x", 41, 0, 19, 41 },
	{ "2026-11-28T10:00:00.5 mx1 postfix/smtp[1]: x", 43, 0, 21, 43 },
	/* No program on the first word: the host, up to seven words. */
	{ "Nov 28 10:00:00 postfix/smtp[1]: x", 33, 0, 15, 33 },
	{ "Nov 28 10:00:00 a b c postfix/smtp[1]: x", 39, 0, 15, 39 },
	{ "Nov 28 10:00:00 a b c d e f g postfix/smtp[1]: x", 47, 0, 15,
	    47 },
	{ "Nov 28 10:00:00 a b c d e f g h postfix/smtp[1]: x", -1, 0, 0,
	    -1 },
	{ "Nov 28 10:00:00 mx1 postfix-out/smtp[1]: x", 41, 0, 15, 41 },
	{ "Nov 28 10:00:00 mx1 mypostfix2/submission/smtpd[7]: x", 52, 0, 15,
	    52 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp: x", 34, 0, 15, 34 },
	{ "Nov 28 10:00:00 mx1 postfix[12]: x", 33, 0, 15, 33 },
	{ "Nov 28 10:00:00 postfix.example.org postfix/smtp[1]: x", 53, 0,
	    15, 53 },
	{ "Nov 28 10:00:00\tmx1\tpostfix/smtp[1]:\t\tx", 38, 0, 15, 38 },
	{ "Nov 28 10:00:00   mx1   postfix/smtp[1]:   x", 43, 0, 15, 43 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[1]: ", 37, 0, 15, 37 },
	{ "Nov 28 10:00:00 mx1 h\xc3\xa9 postfix/smtp[1]: x", 41, 0, 15, 41 },
	/* A central server's stamp and host in front of the sender's. */
	{ "Nov 28 10:00:01 loghost Nov 28 10:00:00 mx1 postfix/smtp[1]: x",
	    61, 0, 15, 61 },
	{ "Nov 28 10:00:01 loghost 192.0.2.7 mx1 postfix/smtp[1]: x", 55, 0,
	    15, 55 },
	{ "Nov 28 10:00:00 <mail.info> mx1 postfix/smtp[1]: x", 49, 0, 15,
	    49 },
	/* A year in the stamp, before the month or after the day. */
	{ "2026 Nov 28 10:00:00 mx1 postfix/smtp[1]: x", 42, 0, 20, 42 },
	{ "Nov 28 2026 10:00:00 mx1 postfix/smtp[1]: x", 42, 0, 20, 42 },
	{ "2026 Nov  8 10:00:00.25 mx1 postfix/smtp[1]: x", 45, 0, 23, 45 },
	{ "Nov 28 10:00:00.123456 mx1 postfix/smtp[1]: x", 44, 0, 22, 44 },
	{ "2026 Nov 28 2026 10:00:00 mx1 postfix/smtp[1]: x", -1, 0, 0, 47 },
	{ "Nov 28 2026 10:00:00 2026 mx1 postfix/smtp[1]: x", 47, 0, 20,
	    47 },
	{ "2026-11-28 10:00:00 mx1 postfix/smtp[1]: x", 41, 0, 19, 41 },
	{ "2026-11-28 10:00:00.5+01:00 mx1 postfix/smtp[1]: x", 49, 0, 27,
	    49 },
	/* journalctl -o short-full: a weekday first. */
	{ "Sat 2026-11-28 10:00:00 CET mx1 postfix/smtp[1]: x", 49, 0, 27,
	    49 },
	{ "Sat 2026-11-28T10:00:00Z mx1 postfix/smtp[1]: x", 46, 0, 24, 46 },
	{ "Sat 2026-11-28x10:00:00 mx1 postfix/smtp[1]: x", -1, 0, 0, 45 },
	{ "Saturday 2026-11-28 10:00:00 mx1 postfix/smtp[1]: x", -1, 0, 0,
	    50 },
	{ "Sat 12 10:00:00 mx1 postfix/smtp[1]: x", 37, 0, 15, 37 },
	/* A time zone in the stamp, taken only before white space. */
	{ "Nov 28 10:00:00 +0100 mx1 postfix/smtp[1]: x", 43, 0, 21, 43 },
	{ "Nov 28 10:00:00 -05:00 mx1 postfix/smtp[1]: x", 44, 0, 22, 44 },
	{ "Nov 28 10:00:00 UTC mx1 postfix/smtp[1]: x", 41, 0, 19, 41 },
	{ "Nov 28 10:00:00 CEST mx1 postfix/smtp[1]: x", 42, 0, 20, 42 },
	{ "Nov 28 2026 10:00:00 GMT mx1 postfix/smtp[1]: x", 46, 0, 24, 46 },
	{ "2026-11-28 10:00:00 +0100 mx1 postfix/smtp[1]: x", 47, 0, 25, 47 },
	{ "Nov 28 10:00:00\tUTC mx1 postfix/smtp[1]: x", 41, 0, 15, 41 },
	{ "Nov 28 10:00:00  UTC mx1 postfix/smtp[1]: x", 42, 0, 15, 42 },
	{ "Nov 28 10:00:00 UTCX mx1 postfix/smtp[1]: x", 42, 0, 15, 42 },
	{ "Nov 28 10:00:00 ABCDET mx1 postfix/smtp[1]: x", 44, 0, 15, 44 },
	{ "Nov 28 10:00:00 MX mx1 postfix/smtp[1]: x", 40, 0, 15, 40 },
	{ "Nov 28 10:00:00 +01:0 mx1 postfix/smtp[1]: x", 43, 0, 15, 43 },
	{ "Nov 28 10:00:00 +01:00x postfix/smtp[1]: x", 41, 0, 15, 41 },
	{ "Nov 28 10:00:00 UTC", -1, 0, 0, -1 },
	/* A priority in front (a syslog server's raw input), RFC 5424. */
	{ "<22>Nov 28 10:00:00 mx1 postfix/smtp[1]: x", 41, 4, 15, 41 },
	{ "<7>2026-11-28T10:00:00Z mx1 postfix/smtp[1]: x", 45, 3, 20, 45 },
	{ "<22>1 2026-11-28T10:00:00.123Z mx1 postfix/smtp 4242 - - x", 57,
	    6, 24, 57 },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/qmgr - ID47 - x", 53, 6,
	    20, 53 },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/smtp 1 - [origin ip=\""
	    "192.0.2.1\" x=\"a\\\"]\"][meta seq=\"7\"] x", 95, 6, 20, 95 },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/smtp 1 - - \xef\xbb\xbfx",
	    53, 6, 20, 53 },
	{ "<165>12 2026-11-28T10:00:00Z mx1 postfix/smtp 1 - - x", 52, 8, 20,
	    52 },
	{ "<1234>Nov 28 10:00:00 mx1 postfix/smtp[1]: x", -1, 0, 0, 43 },
	{ "<22>123 Nov 28 10:00:00 mx1 postfix/smtp[1]: x", -1, 0, 0, 45 },
	{ "<22>1 - mx1 postfix/smtp 1 - - x", -1, 0, 0, 31 },
	{ "<22>postfix/smtp[1]: x", -1, 0, 0, 21 },
	/* Fields of RFC 5424 that do not fit. */
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/smtp x - - x", -1, 0, 0,
	    -1 },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/smtp 1 - -x", -1, 0, 0,
	    -1 },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/smtp 1 - [a \\] x", -1, 0,
	    0, -1 },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/smtp 1 - [a=\"b] x", -1, 0,
	    0, -1 },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/smtp 1 - [a][b x", -1, 0,
	    0, -1 },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/smtp 1\t- - x", -1, 0, 0,
	    -1 },
	/* Solaris's message tag after the program. */
	{ "Nov 28 10:00:00 mx1 postfix/smtp[9779]: [ID 197553 mail.info] x",
	    62, 0, 15, 62 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[9779]: [ID 1 local0.err]\tx",
	    58, 0, 15, 58 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[9779]: [ID 197553 mail.info]x",
	    40, 0, 15, 40 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[9779]: [ID 197553 mail] x", 40,
	    0, 15, 40 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[9779]: [ID x mail.info] x", 40,
	    0, 15, 40 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[9779]: [ID 1 Mail.info] x", 40,
	    0, 15, 40 },
	/* Shapes the C leaves to PCRE2, which may still match. */
	{ "2026-11-28T10:00:00. mx1 postfix/smtp[1]: x", -1, 0, 0, 42 },
	{ "2026-11-28T10:00:00+01:0 postfix/smtp[1]: x", -1, 0, 0, 42 },
	{ "2026-11-28T10:00:00Zmx1 postfix/smtp[1]: x", -1, 0, 0, 41 },
	{ "Nov 123 10:00:00 postfix/smtp[1]: x", -1, 0, 0, 34 },
	{ "Nov 28 10:00 postfix/smtp[1]: x", -1, 0, 0, 30 },
	{ "nov 28 10:00:00 mx1 postfix/smtp[1]: x", -1, 0, 0, 37 },
	{ "mx1 postfix/smtp[1]: x", -1, 0, 0, 21 },
	{ "postfix/smtp[1]: x", -1, 0, 0, 17 },
	{ "4F1A2B3C4D: to=<a@b>, status=sent", -1, 0, 0, -1 },
	{ "Nov 28 10:00:00", -1, 0, 0, -1 },
	{ "Nov 28 10:00:00 ", -1, 0, 0, -1 },
	{ "", -1, 0, 0, -1 },
	/* Almost a program. */
	{ "Nov 28 10:00:00 mx1 postfix/smtp[1]:x", -1, 0, 0, -1 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[1]:", -1, 0, 0, -1 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[]: x", -1, 0, 0, -1 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[1a]: x", -1, 0, 0, -1 },
	{ "Nov 28 10:00:00 mx1 postfix//smtp[1]: x", -1, 0, 0, -1 },
	{ "Nov 28 10:00:00 mx1 postfi/smtp[1]: x", -1, 0, 0, -1 },
	{ "Nov 28 10:00:00 mx1 Postfix/smtp[1]: x", -1, 0, 0, -1 },
};

START_TEST(test_syslog_cases)
{
	size_t i;

	for (i = 0; i < sizeof(syslog_cases) / sizeof(syslog_cases[0]); i++) {
		const struct syslog_case *c = &syslog_cases[i];
		size_t n = strlen(c->line), msg = 0, sa = 0, sl = 0, psa = 0;
		size_t psl = 0;
		bool answered = bs_postfix_syslog(c->line, n, &msg, &sa, &sl);
		bool pstamp = false;
		long pmsg = pcre_syslog(c->line, n, &psa, &psl, &pstamp);

		ck_assert_msg(answered == (c->msg >= 0), "case %zu: C %s",
		    i, answered ? "answered" : "declined");
		if (answered) {
			ck_assert_msg((long)msg == c->msg && sa == c->at &&
			    sl == c->stamp, "case %zu: msg %zu stamp %zu+%zu",
			    i, msg, sa, sl);
			ck_assert(syslog_agrees(c->line, n, "case"));
		}
		ck_assert_msg(pmsg == c->pcre, "case %zu: PCRE2 msg %ld", i,
		    pmsg);
	}
}
END_TEST

static const struct delivery_case {
	const char *msg;
	size_t qid, head;	/* 0, 0: no match */
} delivery_cases[] = {
	{ "4F1A2B3C4D: to=<a@b>, relay=x", 10, 15 },
	{ "4F1A2B3C4D: from=<a@b>, status=expired", 10, 17 },
	{ "3Xk9Lm2nPqRsTvW: to=<a@b>", 15, 20 },
	{ "abcde: to=", 5, 10 },
	{ "abcd: to=<a@b>", 0, 0 },
	/* Without to= (an anonymised log): up to the first field. */
	{ "4F1A2B3C4D: orig_to=<a@b>", 10, 12 },
	{ "4F1A2B3C4D: relay=none, delay=1, status=sent", 10, 12 },
	{ "4F1A2B3C4D: conn_use=2, dsn=2.0.0", 10, 12 },
	{ "4F1A2B3C4D: dsn=5.1.1, status=bounced (x)", 10, 12 },
	{ "4F1A2B3C4D: toto=x", 10, 12 },
	{ "4F1A2B3C4D: fromage=x", 10, 12 },
	{ "4F1A2B3C4D: relay=", 10, 12 },
	{ "4F1A2B3C4D: Relay=x", 0, 0 },
	{ "4F1A2B3C4D: relay", 0, 0 },
	{ "4F1A2B3C4D: =x", 0, 0 },
	{ "4F1A2B3C4D: message-id=<a@b>", 0, 0 },
	{ "4F1A2B3C4D: lost connection, status=sent", 0, 0 },
	{ "4F1A2B3C4D: to <a@b>", 0, 0 },
	{ "4F1A2B3C4D:to=<a@b>", 0, 0 },
	{ "4F1A2B3C4D: from", 0, 0 },
	{ "4F1A2B3C4D: to", 0, 0 },
	{ "4F1A-2B3C4D: to=<a@b>", 0, 0 },
	{ "NOQUEUE: reject: RCPT from x", 0, 0 },
	{ "", 0, 0 },
};

/* C and PCRE2 give the same answer and spans for delivery on m[0..n). */
static bool
delivery_agrees(const char *m, size_t n, const char *what)
{
	size_t qid = 0, head = 0, pq = 0, ph = 0;
	bool c = bs_postfix_delivery(m, n, &qid, &head);
	bool p = bs_match(pats, delivery_re, m, n, 0, md) > 0;
	const char *q, *h;

	if (p) {
		bs_group_span(md, g_qid, &q, m, &pq);
		bs_group_span(md, 0, &h, m, &ph);
		QUIET_CHECK(q == m && h == m, "delivery on %s: spans not at 0",
		    what);
	}
	QUIET_CHECK(c == p && (!c || (qid == pq && head == ph)),
	    "delivery on %s '%.*s': C %d qid %zu head %zu, PCRE2 %d qid %zu "
	    "head %zu", what, (int)n, m, c, qid, head, p, pq, ph);
	return c;
}

START_TEST(test_delivery_cases)
{
	size_t i;

	for (i = 0; i < sizeof(delivery_cases) / sizeof(delivery_cases[0]);
	    i++) {
		const struct delivery_case *c = &delivery_cases[i];
		size_t n = strlen(c->msg), qid = 0, head = 0;
		bool hit = bs_postfix_delivery(c->msg, n, &qid, &head);

		ck_assert_msg(hit == (c->head > 0), "case %zu", i);
		if (hit)
			ck_assert_msg(qid == c->qid && head == c->head,
			    "case %zu: qid %zu head %zu", i, qid, head);
		ck_assert(delivery_agrees(c->msg, n, "case") == hit);
	}
}
END_TEST

/* A span as text for messages: "-" where the group did not take part. */
static const char *
span(char buf[64], const char *m, bool taken, size_t at, size_t len)
{
	if (!taken)
		return "-";
	snprintf(buf, 64, "%.*s", (int)len, m + at);
	return buf;
}

/*
 * C and PCRE2 give the same answer and groups for outcome on m[0..n)
 * started at start; returns whether it matched.
 */
static bool
outcome_at(const char *m, size_t n, size_t start, const char *what)
{
	struct bs_postfix_outcome o;
	bool c = bs_postfix_outcome(m, n, start, &o);
	bool p = bs_match(pats, outcome_re, m, n, start, md) > 0;
	const char *ps, *pd, *pt;
	size_t psl = 0, pdl = 0, ptl = 0;
	bool hd = false, ht = false;

	if (p) {
		bs_group_span(md, g_status, &ps, m, &psl);
		hd = bs_group_span(md, g_dsn, &pd, m, &pdl);
		ht = bs_group_span(md, g_text, &pt, m, &ptl);
	}
	QUIET_CHECK(c == p, "outcome on %s '%.*s' from %zu: C %d, PCRE2 %d",
	    what, (int)n, m, start, c, p);
	if (!c)
		return false;
	QUIET_CHECK(ps == m + o.status && psl == o.status_len &&
	    hd == o.has_dsn && (!hd || (pd == m + o.dsn && pdl == o.dsn_len)) &&
	    ht == o.has_text && (!ht || (pt == m + o.text && ptl == 0)),
	    "outcome on %s '%.*s' from %zu: groups differ", what, (int)n, m,
	    start);
	return true;
}

/* outcome_at from every start; whether any matched. */
static bool
outcome_agrees(const char *m, size_t n, const char *what)
{
	bool any = false;
	size_t start;

	for (start = 0; start <= n; start++)
		any |= outcome_at(m, n, start, what);
	return any;
}

static const struct outcome_case {
	const char *msg;
	size_t start;
	const char *status, *dsn, *text;	/* NULL status: no match */
} outcome_cases[] = {
	{ "dsn=2.0.0, status=sent (250 2.0.0 Ok)", 0, "sent", "2.0.0",
	    "250 2.0.0 Ok)" },
	{ "x, dsn=5.1.1, status=bounced (host said: 550)", 3, "bounced",
	    "5.1.1", "host said: 550)" },
	{ "relay=none, status=deferred (connect to x)", 0, "deferred", "-",
	    "connect to x)" },
	{ "<a@b>, status=expired, returned to sender", 0, "expired", "-",
	    "-" },
	{ "dsn=4.4.1, status=SOFTBOUNCE, (x)", 0, "SOFTBOUNCE", "4.4.1",
	    "x)" },
	{ "dsn=2.0.0, status=sent", 0, "sent", "2.0.0", "-" },
	{ "dsn=2.0.0, status=sent(x)", 0, "sent", "2.0.0", "-" },
	{ "dsn=2.0.0, status=sent  (x)", 0, "sent", "2.0.0", "-" },
	{ "dsn=2.0.0, status=not-sent (x)", 0, "not-sent", "2.0.0", "x)" },
	{ "dsn=, status=sent (x)", 0, "sent", "-", "x)" },
	{ "dsn=2.0.0x, status=sent (x)", 0, "sent", "-", "x)" },
	{ "dsn=2.0.0,status=sent (x)", 0, NULL, NULL, NULL },
	{ "dsn=2.0.0, status= (x)", 0, NULL, NULL, NULL },
	{ "dsn=2.0.0, relay=x, status=sent (x)", 0, NULL, NULL, NULL },
	{ "dsn=2.0.0, status=sent (x)", 1, "sent", "-", "x)" },
	{ "status=sent (x)", 0, NULL, NULL, NULL },
	{ "", 0, NULL, NULL, NULL },
};

START_TEST(test_outcome_cases)
{
	size_t i;

	for (i = 0; i < sizeof(outcome_cases) / sizeof(outcome_cases[0]); i++) {
		const struct outcome_case *c = &outcome_cases[i];
		size_t n = strlen(c->msg);
		struct bs_postfix_outcome o;
		bool hit = bs_postfix_outcome(c->msg, n, c->start, &o);
		char b1[64], b2[64], b3[64];

		ck_assert_msg(hit == (c->status != NULL), "case %zu", i);
		ck_assert(outcome_at(c->msg, n, c->start, "case") == hit);
		if (!hit)
			continue;
		ck_assert_str_eq(span(b1, c->msg, true, o.status, o.status_len),
		    c->status);
		ck_assert_str_eq(span(b2, c->msg, o.has_dsn, o.dsn, o.dsn_len),
		    c->dsn);
		ck_assert_str_eq(span(b3, c->msg, o.has_text, o.text,
		    o.has_text ? n - o.text : 0), c->text);
	}
}
END_TEST

/* Cheap and fixed: the same edits on every run. */
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t
next_rand(void)
{
	return bs_test_rand(&rng);
}

/*
 * Edit buf[0..*n) once or twice: a byte replaced, inserted or
 * deleted, drawn mostly from the bytes the patterns care about, or a
 * stretch copied over from elsewhere in the line.
 */
static void
mutate(char *buf, size_t *n, size_t cap)
{
	static const char bytes[] =
	    " \t:[]/.-_+Z0123456789TpPxabz\xc3\xff=<>\"\\IDUC";
	unsigned edits = 1 + next_rand() % 2, e;

	for (e = 0; e < edits; e++) {
		uint32_t op = next_rand() % 4;
		size_t at = *n > 0 ? next_rand() % (*n + 1) : 0;
		char b = bytes[next_rand() % (sizeof(bytes) - 1)];

		if (op == 0 && at < *n) {
			buf[at] = b;
		} else if (op == 1 && *n < cap) {
			memmove(buf + at + 1, buf + at, *n - at);
			buf[at] = b;
			(*n)++;
		} else if (op == 2 && at < *n) {
			memmove(buf + at, buf + at + 1, *n - at - 1);
			(*n)--;
		} else if (*n > 0) {
			size_t from = next_rand() % *n, len = next_rand() % 12;

			if (from + len > *n)
				len = *n - from;
			if (at + len > *n)
				len = *n - at;
			memmove(buf + at, buf + from, len);
		}
	}
}

/*
 * 200000 edits of the lines of a table, each compared by agrees, which
 * says whether the C answered (syslog) or matched (delivery).  The counts
 * are exact for this seed; they show that the C answers many lines (a C
 * that declines everything agrees vacuously) and that the edits reach
 * both sides.
 */
static long
random_edits(const char *(*line)(size_t), size_t nlines, size_t cap,
    bool (*agrees)(const char *, size_t, const char *))
{
	long yes = 0, round;

	for (round = 0; round < 200000; round++) {
		const char *src = line((size_t)round % nlines);
		char buf[128];
		size_t n = strlen(src);

		ck_assert_uint_le(cap, sizeof(buf));
		memcpy(buf, src, n);
		mutate(buf, &n, cap);
		yes += agrees(buf, n, "an edited line");
	}
	return yes;
}

static const char *
syslog_line(size_t i)
{
	return syslog_cases[i].line;
}

static const char *
delivery_msg(size_t i)
{
	return delivery_cases[i].msg;
}

static const char *
outcome_msg(size_t i)
{
	return outcome_cases[i].msg;
}

START_TEST(test_syslog_random)
{
	ck_assert_int_eq(random_edits(syslog_line, sizeof(syslog_cases) /
	    sizeof(syslog_cases[0]), 128, syslog_agrees), 31567);
}
END_TEST

/*
 * The cache (bs_postfix_syslog_cached) against a fresh read: each table
 * line, then edits of it, each read through one cache kept across the
 * whole run, must get bs_postfix_syslog's answer.  About a fifth of the
 * lines open with the bytes kept (where the cache answers), and the C
 * answers about a quarter of them.
 */
START_TEST(test_syslog_cached)
{
	struct bs_syslog_cache c;
	size_t nl = sizeof(syslog_cases) / sizeof(syslog_cases[0]);
	long round, kept = 0, answered = 0;

	memset(&c, 0, sizeof(c));
	for (round = 0; round < 200000; round++) {
		const char *src = syslog_cases[(size_t)(round / 4) % nl].line;
		char buf[128];
		size_t n = strlen(src), m1 = 0, s1 = 0, l1 = 0, m2 = 0, s2 = 0;
		size_t l2 = 0, p1 = 0;
		bool a1, a2;

		memcpy(buf, src, n);
		if (round % 4 != 0)
			mutate(buf, &n, sizeof(buf));
		if (c.head != 0 && c.head < n &&
		    memcmp(buf, c.prefix, c.head) == 0)
			kept++;
		a1 = bs_postfix_syslog_cached(&c, buf, n, &m1, &s1, &l1, &p1);
		a2 = bs_postfix_syslog(buf, n, &m2, &s2, &l2);
		QUIET_CHECK(a1 == a2 && (!a1 || (m1 == m2 && s1 == s2 &&
		    l1 == l2 && p1 < m1 && memmem(buf + p1, m1 - p1, "postfix",
		    7) != NULL)), "cached '%.*s': %d %zu %zu+%zu, fresh %d "
		    "%zu %zu+%zu", (int)n, buf, a1, m1, s1, l1, a2, m2, s2, l2);
		answered += a1;
	}
	ck_assert_int_gt(kept, 40000);
	ck_assert_int_gt(answered, 40000);
}
END_TEST

START_TEST(test_delivery_random)
{
	ck_assert_int_eq(random_edits(delivery_msg, sizeof(delivery_cases) /
	    sizeof(delivery_cases[0]), 64, delivery_agrees), 50234);
}
END_TEST

/* Every start in each edited message. */
START_TEST(test_outcome_random)
{
	ck_assert_int_eq(random_edits(outcome_msg, sizeof(outcome_cases) /
	    sizeof(outcome_cases[0]), 64, outcome_agrees), 88829);
}
END_TEST

Suite *
postfix_fast_suite(void)
{
	Suite *s = suite_create("postfix_fast");
	TCase *tc = tcase_create("against the patterns");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped);
	tcase_add_test(tc, test_replaced);
	tcase_add_test(tc, test_syslog_cases);
	tcase_add_test(tc, test_delivery_cases);
	tcase_add_test(tc, test_syslog_random);
	tcase_add_test(tc, test_syslog_cached);
	tcase_add_test(tc, test_delivery_random);
	tcase_add_test(tc, test_outcome_cases);
	tcase_add_test(tc, test_outcome_random);
	suite_add_tcase(s, tc);
	return s;
}
