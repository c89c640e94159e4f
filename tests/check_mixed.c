/*
 * check_mixed.c - Postfix and Exim in one syslog file (src/fmt_mixed.c):
 * which program wrote a line (bs_mixed_program) in every syslog dialect
 * the readers take, the rule that recognises a mixed file from its first
 * lines (bs_format_look), the dispatch of each line to its reader (with
 * the splitter's needle offset as it hands it over), and the needles,
 * which must let through every line either reader would be given.
 *
 * The lines are invented for these tests (example.* names, documentation
 * addresses); none is copied from a real log.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "event.h"
#include "format.h"
#include "patterns.h"
#include "scan.h"
#include "suites.h"
#include "testutil.h"

static const struct {
	const char *line;
	enum bs_program want;
} programs[] = {
	{ "Nov 28 00:00:03 mx1 postfix/lmtp[2110]: 4B1C2D3E4F: to=<a@example."
	  "org>, status=sent (250 ok)", BS_PROGRAM_POSTFIX },
	{ "Nov  8 00:00:03 mx1 postfix-out/smtp[1]: x", BS_PROGRAM_POSTFIX },
	{ "Nov 28 00:00:03 mx1 postfix/submission/smtpd[1]: x",
	  BS_PROGRAM_POSTFIX },
	{ "Nov 28 10:00:00 mx2 exim[3101]: 2026-11-28 10:00:00 1vAbEa-000AbT-"
	  "8r => b@example.net R=dnslookup", BS_PROGRAM_EXIM },
	{ "Nov 28 10:00:03 mx2 exim4[3103]: 1vAbEb-000AbU-9s == c@example.net",
	  BS_PROGRAM_EXIM },
	/* No pid, a <priority>, a year, a zone, a weekday. */
	{ "Nov 28 10:00:00 mx2 exim: 1vAbEb-000AbU-9s ** c@example.net",
	  BS_PROGRAM_EXIM },
	{ "<22>Nov 28 10:00:00 mx1 postfix/smtp[1]: x", BS_PROGRAM_POSTFIX },
	{ "2026 Nov 28 10:00:00 mx1 postfix/smtp[1]: x", BS_PROGRAM_POSTFIX },
	{ "Nov 28 2026 10:00:00 +0100 mx2 exim[1]: x", BS_PROGRAM_EXIM },
	{ "Sat 2026-11-28 10:00:00 CET mx1 postfix/smtp[1]: x",
	  BS_PROGRAM_POSTFIX },
	{ "2026-11-28T10:00:07.123456+01:00 mx2 exim[3107]: 2026-11-28 "
	  "10:00:07 [3107] 1vAbEc-000AbV-0t ** g@example.org",
	  BS_PROGRAM_EXIM },
	/* A central server's own stamp and host, and a facility, in front. */
	{ "Nov 28 10:00:01 central Nov 28 10:00:00 mx1 <mail.info> "
	  "postfix/smtp[1]: x", BS_PROGRAM_POSTFIX },
	/* Solaris's message tag after the program. */
	{ "Nov 28 10:00:00 mx1 postfix/smtp[9779]: [ID 197553 mail.info] x",
	  BS_PROGRAM_POSTFIX },
	/* RFC 5424: no ": " after the app name. */
	{ "<22>1 2026-11-28T10:00:00.123Z mx1 postfix/smtp 4242 - - 4F1A2B3C4D"
	  ": to=<a@example.org>, status=sent (250 ok)", BS_PROGRAM_POSTFIX },
	{ "<22>1 2026-11-28T10:00:00Z mx2 exim - - [meta x=\"1\"] 1vAbEb-000A"
	  "bU-9s => a@example.org", BS_PROGRAM_EXIM },
	/* The host's name is no program: the program after it decides. */
	{ "Nov 28 10:00:00 exim-relay postfix/smtp[1]: x",
	  BS_PROGRAM_POSTFIX },
	{ "Nov 28 10:00:00 postfix1 exim[1]: x", BS_PROGRAM_EXIM },
	/* Other programs, even naming exim or postfix in their message. */
	{ "Nov 28 10:00:09 mx1 CRON[4000]: (root) CMD (exim -q >/dev/null)",
	  BS_PROGRAM_OTHER },
	{ "Nov 28 00:02:10 mx1 dovecot: lmtp(ann): saved mail to INBOX",
	  BS_PROGRAM_OTHER },
	{ "Nov 28 00:01:11 mx2 policyd-spf[700]: 550 5.7.23 Message rejected "
	  "by postfix: x", BS_PROGRAM_OTHER },
	/* No syslog prefix: Exim's own mainlog, an extract, nothing. */
	{ "2026-11-28 08:00:07 1vAbCd-000AbC-1a => bob@example.org R=localuser",
	  BS_PROGRAM_NONE },
	{ "2026-11-28 08:10:00 H=(win-spam) [203.0.113.50]:50211 rejected RCPT "
	  "<bob@example.org>: x", BS_PROGRAM_NONE },
	{ "Nov 28 10:00:00 mx1", BS_PROGRAM_NONE },
	{ "", BS_PROGRAM_NONE },
	{ "postfix/smtp[1]:", BS_PROGRAM_NONE },
	{ "postfix/smtp[1]: x", BS_PROGRAM_POSTFIX },
	/* A program past BS_MIXED_WORDS words is not looked for. */
	{ "a b c d e f g h i j k l postfix/smtp[1]: x", BS_PROGRAM_POSTFIX },
	{ "a b c d e f g h i j k l m postfix/smtp[1]: x", BS_PROGRAM_NONE },
};

/* bs_mixed_program's shortcut answers as the word-by-word reading. */
static void
same_answer(const char *line, size_t n)
{
	enum bs_program fast = bs_mixed_program(line, n);
	enum bs_program words = bs_mixed_program_by_words(line, n);

	ck_assert_msg(fast == words, "%.*s: %d, word by word %d", (int)n, line,
	    fast, words);
}

START_TEST(test_program)
{
	const char *line = programs[_i].line;
	size_t n = strlen(line), k;
	char *copy;

	ck_assert_msg(bs_mixed_program(line, n) == programs[_i].want,
	    "%s: %d, want %d", line, bs_mixed_program(line, n),
	    programs[_i].want);
	/*
	 * Every prefix, copied to the heap: nothing is read past its end,
	 * and the shortcut agrees.
	 */
	for (k = 0; k <= n; k++) {
		copy = malloc(k + 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, line, k);
		same_answer(copy, k);
		free(copy);
	}
}
END_TEST

/*
 * Random lines of the pieces syslog prefixes are made of: the shortcut
 * and the word-by-word reading agree on every one.
 */
START_TEST(test_program_differential)
{
	static const char *const pieces[] = {
		" ", "  ", "\t", ":", ": ", "[", "]", "[12]", "[ID 1 m.i]",
		"=", "<22>", "1 ", "-", "Nov", "28", "10:00:00", "mx1",
		"postfix", "postfix/smtp", "exim", "exim4", "dovecot", "x",
		"2026-11-28T10:00:00Z", "4242", "- -", " [a]", "p", "e",
	};
	const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	uint64_t seed = 19;
	char line[256];
	int round;

	for (round = 0; round < 200000; round++) {
		size_t len = 0, k, want = bs_test_rand(&seed) % 24;
		char *copy;

		for (k = 0; k < want; k++) {
			const char *p = pieces[bs_test_rand(&seed) % npieces];
			size_t pl = strlen(p);

			if (len + pl >= sizeof(line))
				break;
			memcpy(line + len, p, pl);
			len += pl;
		}
		copy = malloc(len + 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, line, len);
		same_answer(copy, len);
		free(copy);
	}
}
END_TEST

static const char pf_line[] =
    "Nov 28 00:00:03 mx1 postfix/lmtp[2110]: 4B1C2D3E4F: to=<bob@example."
    "org>, relay=mx1.example.org[private/dovecot-lmtp], delay=0.42, dsn=5."
    "2.2, status=bounced (host mx1.example.org[private/dovecot-lmtp] said: "
    "552 5.2.2 <bob@example.org> Quota exceeded (in reply to end of DATA "
    "command))\n";
static const char pf_noise[] =
    "Nov 28 00:00:01 mx1 postfix/smtpd[2101]: connect from mail.example.net"
    "[192.0.2.10]\n";
static const char ex_line[] =
    "Nov 28 00:00:04 mx2 exim[3304]: 1vAbCe-000AbD-2b ** nobody@example.net "
    "R=dnslookup T=remote_smtp H=mx1.example.net [192.0.2.25]: SMTP error "
    "from remote mail server after RCPT TO:<nobody@example.net>: 550 5.1.1 "
    "No such user\n";

/* A sample of n copies of a, then m of b, then k of c. */
static char *
sample(const char *a, int n, const char *b, int m, const char *c, int k)
{
	size_t len = strlen(a) * (size_t)n + strlen(b) * (size_t)m +
	    strlen(c) * (size_t)k;
	char *s = malloc(len + 1), *p = s;
	int i;

	ck_assert_ptr_nonnull(s);
	*p = '\0';
	for (i = 0; i < n; i++)
		p = stpcpy(p, a);
	for (i = 0; i < m; i++)
		p = stpcpy(p, b);
	for (i = 0; i < k; i++)
		p = stpcpy(p, c);
	return s;
}

static const struct {
	int postfix, noise, exim;
	const char *want;	/* NULL: nothing convincing */
} looks[] = {
	/* Each program BS_MIXED_MIN_LINES times or more: mixed. */
	{ 2, 0, 2, "mixed" },
	{ 1, 1, 2, "mixed" },	/* lines, not events, count */
	{ 500, 497, 3, "mixed" },
	{ 0, 2, 500, "mixed" },
	/* Below that: the scores decide, and the stray lines are counted. */
	{ 100, 100, 1, "postfix" },
	{ 0, 1, 100, "exim" },
	{ 100, 100, 0, "postfix" },
	{ 0, 0, 100, "exim" },
	{ 0, 0, 0, NULL },
};

START_TEST(test_look)
{
	char *s = sample(pf_line, looks[_i].postfix, pf_noise, looks[_i].noise,
	    ex_line, looks[_i].exim);
	struct bs_sample_look lk;
	const struct bs_format *want = looks[_i].want != NULL ?
	    bs_format_find(looks[_i].want) : NULL;

	bs_format_look(s, strlen(s), &lk);
	ck_assert_msg(lk.format == want, "row %d: %s, want %s", _i,
	    lk.format ? lk.format->name : "none",
	    want ? want->name : "none");
	ck_assert_ptr_eq(bs_format_detect(s, strlen(s)), want);
	ck_assert_uint_eq(lk.lines, (unsigned long)(looks[_i].postfix +
	    looks[_i].noise + looks[_i].exim));
	ck_assert_uint_eq(lk.postfix, (unsigned long)(looks[_i].postfix +
	    looks[_i].noise));
	ck_assert_uint_eq(lk.exim, (unsigned long)looks[_i].exim);
	free(s);
	ck_assert_int_eq(BS_MIXED_MIN_LINES, 2);
}
END_TEST

struct seen {
	int events, notes;
	char text[4][96];
};

static void
record(void *ctx, const struct bs_event *ev)
{
	struct seen *r = ctx;

	if (ev->note != BS_NOTE_EVENT) {
		r->notes++;
		return;
	}
	if (r->events < 4)
		snprintf(r->text[r->events], sizeof(r->text[0]), "%d %s %s "
		    "%.*s", (int)ev->kind, ev->codes.basic,
		    ev->codes.enhanced, ev->msgid ? (int)ev->msgid_len : 0,
		    ev->msgid ? ev->msgid : "");
	r->events++;
}

static struct bs_patterns *pats;
static void *mixed;

static void
setup(void)
{
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &d), BS_OK);
	ck_assert_int_eq(bs_format_mixed.open(pats, &mixed, &d), BS_OK);
}

static void
teardown(void)
{
	bs_format_mixed.close(mixed);
	bs_patterns_free(pats);
}

/*
 * One line through the mixed reader: as the splitter hands it over with
 * the mixed needles (the offset of the first), and without an offset.
 */
static void
parse(const char *text, struct seen *r)
{
	struct bs_needles nd;
	struct bs_line l = { .ptr = text, .len = strlen(text), .lineno = 1 };
	size_t at;

	if (l.len > 0 && text[l.len - 1] == '\n')
		l.len--;
	bs_needles_init(&nd, bs_format_mixed.needles);
	at = bs_scan_needles(&nd, l.ptr, l.len);
	memset(r, 0, sizeof(*r));
	if (at < l.len) {
		l.needle = at + 1;
		ck_assert_int_eq(bs_format_mixed.parse(mixed, &l, record, r),
		    BS_OK);
	}
	l.needle = 0;
	ck_assert_int_eq(bs_format_mixed.parse(mixed, &l, record, r), BS_OK);
}

static const struct {
	const char *line;
	int events;		/* each way of parse() */
	const char *want;	/* "kind basic enhanced msgid" */
} dispatch[] = {
	{ pf_line, 1, "2 552 5.2.2 4B1C2D3E4F" },
	{ ex_line, 1, "2 550 5.1.1 1vAbCe-000AbD-2b" },
	{ "Nov 28 00:01:11 mx1 postfix/smtpd[2120]: NOQUEUE: reject: RCPT "
	  "from unknown[203.0.113.66]: 450 4.7.25 Client host rejected: "
	  "cannot find your hostname, [203.0.113.66]; from=<p@example.com> "
	  "to=<ann@example.org> proto=ESMTP helo=<bulk.example.com>", 1,
	  "4 450 4.7.25 " },
	{ "Nov 28 00:10:00 mx2 exim[3310]: H=(win-spam) [203.0.113.50]:50211 "
	  "F=<promo@example.biz> rejected RCPT <bob@example.org>: 550 5.1.1 "
	  "Sender verify failed", 1, "4 550 5.1.1 " },
	/* The Exim reader's line under a Postfix program, and back. */
	{ "Nov 28 00:00:04 mx2 postfix/smtp[1]: 1vAbCe-000AbD-2b ** nobody@"
	  "example.net R=dnslookup: SMTP error from remote mail server after "
	  "RCPT TO:<x@example.net>: 550 5.1.1 No", 0, NULL },
	{ "Nov 28 00:00:03 mx1 exim[2110]: 4B1C2D3E4F: to=<bob@example.org>, "
	  "relay=none, dsn=5.2.2, status=bounced (552 5.2.2 full)", 0, NULL },
	/* Another program's line with a needle; a line of no program. */
	{ "Nov 28 00:01:11 mx2 policyd-spf[700]: 550 5.7.23 Message rejected "
	  "due to: SPF fail", 0, NULL },
	{ "2026-11-28 08:05:02 1vAbCe-000AbD-2b ** nobody@example.net R=dns"
	  "lookup: SMTP error from remote mail server after RCPT TO:<n@exampl"
	  "e.net>: 550 5.1.1 No", 0, NULL },
	{ pf_noise, 0, NULL },
};

START_TEST(test_dispatch)
{
	struct seen r;
	int i, want;

	parse(dispatch[_i].line, &r);
	want = dispatch[_i].events;
	/* Once with the splitter's offset (when a needle is there), once without. */
	if (want > 0)
		want *= 2;
	ck_assert_msg(r.events == want, "%s: %d events, want %d",
	    dispatch[_i].line, r.events, want);
	for (i = 0; i < r.events && i < 4; i++)
		ck_assert_str_eq(r.text[i], dispatch[_i].want);
}
END_TEST

/*
 * The splitter's offset may point at a needle the Postfix reader does not
 * know ("> " of "=> " in an address here, before "status="): the mixed reader
 * must not hand it on, or the Postfix reader would read the line from
 * there and miss its event.
 */
START_TEST(test_foreign_needle)
{
	static const char line[] =
	    "Nov 28 00:00:03 mx1 postfix/smtp[1]: 4B1C2D3E4F: to=<a=> "
	    "b@example.org>, relay=none, delay=1, dsn=5.4.4, status=bounced "
	    "(Host or domain name not found)";
	struct bs_needles nd;
	struct bs_line l = { .ptr = line, .len = strlen(line), .lineno = 1 };
	struct seen r = { 0 };
	size_t at;

	bs_needles_init(&nd, bs_format_mixed.needles);
	at = bs_scan_needles(&nd, line, l.len);
	ck_assert_uint_lt(at, l.len);
	ck_assert_int_eq(memcmp(line + at, "> ", 2), 0);
	l.needle = at + 1;
	ck_assert_int_eq(bs_format_mixed.parse(mixed, &l, record, &r), BS_OK);
	ck_assert_int_eq(r.events, 1);
	ck_assert_str_eq(r.text[0], "2  5.4.4 4B1C2D3E4F");
}
END_TEST

static size_t
count(const char *const *list)
{
	size_t n = 0;

	while (list[n] != NULL)
		n++;
	return n;
}

/* Whether every line holding a needle of from holds one of to. */
static bool
covered(const char *const *from, const char *const *to)
{
	size_t i, k;

	for (i = 0; from[i] != NULL; i++) {
		for (k = 0; to[k] != NULL; k++)
			if (strstr(from[i], to[k]) != NULL)
				break;
		if (to[k] == NULL)
			return false;
	}
	return true;
}

START_TEST(test_needles)
{
	const struct bs_format *m = &bs_format_mixed;

	ck_assert_uint_le(count(m->needles), BS_NEEDLES_MAX);
	ck_assert(covered(bs_format_postfix.needles, m->needles));
	ck_assert(covered(bs_format_exim.needles, m->needles));
	/* Joining, the merged lists do not fit: every line is read. */
	ck_assert_ptr_nonnull(m->joined_needles);
	ck_assert_uint_eq(count(m->joined_needles), 0);
	ck_assert(m->splittable);
	ck_assert_ptr_eq(bs_format_find("mixed"), m);
}
END_TEST

/* The probe never wins by score: only bs_format_look names mixed. */
START_TEST(test_probe)
{
	ck_assert_int_eq(bs_format_mixed.probe(pf_line, strlen(pf_line)), 0);
	ck_assert_int_eq(bs_format_mixed.probe(ex_line, strlen(ex_line)), 0);
}
END_TEST

Suite *
mixed_suite(void)
{
	Suite *s = suite_create("mixed");
	TCase *tc = tcase_create("mixed");

	tcase_add_loop_test(tc, test_program, 0,
	    sizeof(programs) / sizeof(programs[0]));
	tcase_add_test(tc, test_program_differential);
	tcase_add_loop_test(tc, test_look, 0, sizeof(looks) / sizeof(looks[0]));
	tcase_add_test(tc, test_needles);
	tcase_add_test(tc, test_probe);
	suite_add_tcase(s, tc);
	tc = tcase_create("dispatch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_dispatch, 0,
	    sizeof(dispatch) / sizeof(dispatch[0]));
	tcase_add_test(tc, test_foreign_needle);
	suite_add_tcase(s, tc);
	return s;
}
