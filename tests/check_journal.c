/*
 * check_journal.c - the systemd journal reader (src/fmt_journal.c), found
 * through the format table by its name and driven with the built-in
 * patterns: entries of Postfix and Exim become the events their messages
 * state, with the journal's own time; MESSAGE in its byte-array form;
 * every string escape; the fields that make the syslog prefix; and
 * hostile lines (unterminated strings, bad escapes, lone surrogates, huge
 * and malformed numbers, nesting, garbage around the object), each of
 * which must give no event and no crash, or exactly the events stated.
 *
 * Each event is rendered as one string,
 *   kind|basic|enhanced|message|stamp|recipient|reply
 * with "~" for a field not stated, "-" for an absent code, and every byte
 * under 0x20 or from 0x7f up written as \xNN, so that a row states every
 * byte the reader handed on.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "format.h"
#include "patterns.h"
#include "suites.h"

#define MAX_EVENTS 4
#define EV_TEXT 1024

struct recorder {
	size_t n;
	char ev[MAX_EVENTS][EV_TEXT];
};

static const char *const kind_names[BS_KIND_COUNT] = {
	"delivered", "deferred", "bounced", "expired", "rejected"
};

static size_t
put(char *out, size_t o, const char *p, size_t n)
{
	size_t i;

	ck_assert(p != NULL || n == 0);
	ck_assert_uint_lt(o + 1, EV_TEXT);
	out[o++] = '|';
	if (p == NULL) {
		ck_assert_uint_lt(o + 1, EV_TEXT);
		out[o++] = '~';
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		/* A long field is cut, and says so. */
		if (o + 5 + sizeof("[cut]") >= EV_TEXT) {
			memcpy(out + o, "[cut]", sizeof("[cut]"));
			return o + sizeof("[cut]") - 1;
		}
		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

static void
record(void *ctx, const struct bs_event *ev)
{
	struct recorder *r = ctx;
	char *out;
	size_t o;

	if (ev->note != BS_NOTE_EVENT)
		return;
	ck_assert_uint_lt(r->n, MAX_EVENTS);
	out = r->ev[r->n++];
	o = (size_t)snprintf(out, EV_TEXT, "%s|%s|%s%s",
	    kind_names[ev->kind],
	    ev->codes.basic[0] ? ev->codes.basic : "-",
	    ev->codes.enhanced[0] ? ev->codes.enhanced : "-",
	    ev->connfail & BS_CONN_REFUSED ? " refused" :
	    ev->connfail & BS_CONN_FAILED ? " connfail" : "");
	o = put(out, o, ev->msgid, ev->msgid_len);
	o = put(out, o, ev->stamp, ev->stamp_len);
	o = put(out, o, ev->recipient.ptr, ev->recipient.len);
	(void)put(out, o, ev->reply, ev->reply_len);
}

static struct bs_patterns *pats;
static const struct bs_format *fmt;

static void
setup(void)
{
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_msg(bs_patterns_load(NULL, &pats, &d) == BS_OK,
	    "patterns: %s", d.msg);
	fmt = bs_format_find("journal");
	ck_assert_ptr_nonnull(fmt);
}

static void
teardown(void)
{
	bs_patterns_free(pats);
	pats = NULL;
}

static void *
open_reader(void)
{
	struct bs_diag d;
	void *st = NULL;

	bs_diag_clear(&d);
	ck_assert_msg(fmt->open(pats, &st, &d) == BS_OK, "open: %s", d.msg);
	ck_assert_ptr_nonnull(st);
	return st;
}

/* One line of n bytes through a fresh reader; its status. */
static bs_status
feed_n(const char *text, size_t n, bool cut, struct recorder *r)
{
	struct bs_line line = { 0 };
	void *st = open_reader();
	bs_status rc;

	line.ptr = text;
	line.len = n;
	line.lineno = 1;
	line.cut = cut;
	rc = fmt->parse(st, &line, record, r);
	fmt->close(st);
	return rc;
}

/* The messages and the fields around them. */
#define PF_DEFER "4F1A2B3C4D: to=<carol@example.com>, " \
	"relay=mx.example.com[203.0.113.7]:25, delay=30, " \
	"delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to " \
	"mx.example.com[203.0.113.7]:25: Connection timed out)"
#define PF_DEFER_EV "deferred|-|4.4.1 connfail|4F1A2B3C4D|" \
	"2026-11-28T09:00:00.000000Z|carol@example.com|connect to " \
	"mx.example.com[203.0.113.7]:25: Connection timed out"
#define PF_DEFER_UNTIMED "deferred|-|4.4.1 connfail|4F1A2B3C4D|~|" \
	"carol@example.com|connect to mx.example.com[203.0.113.7]:25: " \
	"Connection timed out"
#define PF_BOUNCE(rcpt, reply) "5C6D7E8F90: to=<" rcpt ">, " \
	"relay=mx.example.net[198.51.100.5]:25, delay=2, " \
	"delays=0.1/0/1/0.9, dsn=5.1.1, status=bounced (host " \
	"mx.example.net[198.51.100.5] said: " reply \
	" (in reply to RCPT TO command))"
#define PF_BOUNCE_EV(stamp, rcpt, reply) "bounced|550|5.1.1|5C6D7E8F90|" \
	stamp "|" rcpt "|" reply " (in reply to RCPT TO command)"
#define EXIM_BOUNCE "2026-11-28 10:00:01 1vAbEa-000AbT-8r ** " \
	"b@example.net R=dnslookup T=remote_smtp H=mx.example.net " \
	"[192.0.2.31]: SMTP error from remote mail server after RCPT " \
	"TO:<b@example.net>: 550 5.1.1 No such user"
#define T0 "\"__REALTIME_TIMESTAMP\":\"1795856400000000\""
#define PF "\"SYSLOG_IDENTIFIER\":\"postfix/smtp\",\"SYSLOG_PID\":\"123\""
#define HOST "\"_HOSTNAME\":\"mx1\""
/* An entry as journalctl writes it, around a MESSAGE value. */
#define ENTRY(msg) "{\"__CURSOR\":\"s=1a2b;i=10\"," T0 \
	",\"__MONOTONIC_TIMESTAMP\":\"123456\",\"PRIORITY\":\"6\"," \
	"\"SYSLOG_FACILITY\":\"2\"," PF ",\"_PID\":\"123\",\"_UID\":\"107\"," \
	"\"_SYSTEMD_UNIT\":\"postfix@-.service\",\"_TRANSPORT\":\"syslog\"," \
	"\"MESSAGE\":" msg "," HOST "}"

struct line_case {
	const char *name;
	const char *line;
	const char *want[MAX_EVENTS];	/* NULL-terminated */
};

static const struct line_case lines[] = {
	/* What journalctl writes. */
	{ "postfix entry", ENTRY("\"" PF_DEFER "\""), { PF_DEFER_EV } },
	{ "exim entry: the journal's time, not Exim's own",
	    "{\"__REALTIME_TIMESTAMP\":\"1795856405123456\","
	    "\"SYSLOG_IDENTIFIER\":\"exim\",\"SYSLOG_PID\":\"3102\","
	    "\"MESSAGE\":\"" EXIM_BOUNCE "\"," HOST "}",
	    { "bounced|550|5.1.1|1vAbEa-000AbT-8r|2026-11-28T09:00:05.123456Z|"
	    "b@example.net|550 5.1.1 No such user" } },
	{ "another instance: postfix-out/smtp",
	    "{" T0 ",\"SYSLOG_IDENTIFIER\":\"postfix-out/smtp\",\"_PID\":\"9\","
	    "\"MESSAGE\":\"" PF_DEFER "\"}", { PF_DEFER_EV } },
	{ "another program", "{" T0 ",\"SYSLOG_IDENTIFIER\":\"sshd\","
	    "\"MESSAGE\":\"" PF_DEFER "\"}", { NULL } },
	{ "no identifier", "{" T0 ",\"MESSAGE\":\"" PF_DEFER "\"}", { NULL } },
	{ "no message", "{" T0 "," PF "}", { NULL } },
	{ "json-seq: a leading RS, blanks around",
	    "\x1e  {" T0 " , " PF " ,\n\"MESSAGE\" : \"" PF_DEFER "\" }  ",
	    { PF_DEFER_EV } },
	{ "fields in any order, no host, no pid",
	    "{\"MESSAGE\":\"" PF_DEFER "\","
	    "\"SYSLOG_IDENTIFIER\":\"postfix/smtp\"," T0 "}",
	    { PF_DEFER_EV } },
	{ "the first of a repeated field counts",
	    "{" T0 "," PF ",\"MESSAGE\":\"" PF_DEFER "\",\"MESSAGE\":\"x\"}",
	    { PF_DEFER_EV } },

	/* Strings. */
	{ "\\u escapes, a surrogate pair, \\/ and \\\"",
	    ENTRY("\"" PF_BOUNCE("\\u00e9l\\u00E8ve@example.org",
	    "550 5.1.1 \\\"no\\/such\\\" user \\ud83d\\udce7") "\""),
	    { PF_BOUNCE_EV("2026-11-28T09:00:00.000000Z",
	    "\\xc3\\xa9l\\xc3\\xa8ve@example.org",
	    "550 5.1.1 \"no/such\" user \\xf0\\x9f\\x93\\xa7") } },
	{ "a key with an escape is still its name",
	    "{" T0 "," PF ",\"MESS\\u0041GE\":\"" PF_DEFER "\"}",
	    { PF_DEFER_EV } },
	{ "\\n, \\r, \\t and \\u0000 in a message: one line",
	    ENTRY("\"" PF_BOUNCE("a@example.org",
	    "550 5.1.1 one\\ntwo\\r\\nthree\\tfour\\u0000five") "\""),
	    { PF_BOUNCE_EV("2026-11-28T09:00:00.000000Z", "a@example.org",
	    "550 5.1.1 one two  three\\x09four\\x00five") } },

	/* MESSAGE as bytes: "550 5.1.1 " then 0xff, ESC, LF, NUL. */
	{ "MESSAGE as a byte array, with invalid UTF-8 and controls",
	    ENTRY("[53,67,54,68,55,69,56,70,57,48,58,32,116,111,61,60,97,64,"
	    "98,62,44,32,114,101,108,97,121,61,110,111,110,101,44,32,100,115,"
	    "110,61,53,46,49,46,49,44,32,115,116,97,116,117,115,61,98,111,117,"
	    "110,99,101,100,32,40,53,53,48,32,53,46,49,46,49,32,255,27,10,0,"
	    "120,41]"),
	    { "bounced|550|5.1.1|5C6D7E8F90|2026-11-28T09:00:00.000000Z|a@b|"
	    "550 5.1.1 \\xff\\x1b \\x00x" } },
	{ "MESSAGE array: a value over 255", ENTRY("[52,256]"), { NULL } },
	{ "MESSAGE array: a negative value", ENTRY("[52,-1]"), { NULL } },
	{ "MESSAGE array: a fraction", ENTRY("[52,1.0]"), { NULL } },
	{ "MESSAGE array: a leading zero", ENTRY("[52,052]"), { NULL } },
	{ "MESSAGE array: four digits", ENTRY("[52,0001]"), { NULL } },
	{ "MESSAGE array of strings", ENTRY("[\"" PF_DEFER "\"]"), { NULL } },
	{ "MESSAGE null (over 4096 bytes, without --all)", ENTRY("null"),
	    { NULL } },
	{ "MESSAGE a number", ENTRY("12"), { NULL } },
	{ "MESSAGE array, unclosed", ENTRY("[52,53"), { NULL } },

	/* Other values are passed over, whatever they hold. */
	{ "a huge number elsewhere",
	    "{\"X\":-123456789012345678901234567890.5e+99999999999," T0 ","
	    PF ",\"MESSAGE\":\"" PF_DEFER "\"}", { PF_DEFER_EV } },
	{ "nested objects and arrays within the limit",
	    "{\"X\":{\"a\":[{\"b\":[1,[2,{}],true,false,null]}]}," T0 "," PF
	    ",\"MESSAGE\":\"" PF_DEFER "\"}", { PF_DEFER_EV } },
	{ "nesting deeper than the limit",
	    "{\"X\":[[[[[[[[[1]]]]]]]]]," T0 "," PF ",\"MESSAGE\":\""
	    PF_DEFER "\"}", { NULL } },
	{ "an identifier that is not a string",
	    "{" T0 ",\"SYSLOG_IDENTIFIER\":[\"postfix/smtp\"],\"MESSAGE\":\""
	    PF_DEFER "\"}", { NULL } },

	/* Malformed: no event. */
	{ "unterminated string", "{" T0 "," PF ",\"MESSAGE\":\"" PF_DEFER,
	    { NULL } },
	{ "unterminated object", "{" T0 "," PF ",\"MESSAGE\":\"" PF_DEFER "\"",
	    { NULL } },
	{ "bad escape \\x", "{" T0 "," PF ",\"MESSAGE\":\"\\x41" PF_DEFER "\"}",
	    { NULL } },
	{ "short \\u", "{" T0 "," PF ",\"MESSAGE\":\"\\u12\"}", { NULL } },
	{ "\\u with a non-hex digit", "{" T0 "," PF ",\"MESSAGE\":\"\\u12g4"
	    PF_DEFER "\"}", { NULL } },
	{ "lone high surrogate", "{" T0 "," PF ",\"MESSAGE\":\"\\ud83d"
	    PF_DEFER "\"}", { NULL } },
	{ "high surrogate, then no low one", "{" T0 "," PF
	    ",\"MESSAGE\":\"\\ud83d\\u0041" PF_DEFER "\"}", { NULL } },
	{ "lone low surrogate", "{" T0 "," PF ",\"MESSAGE\":\"\\udce7"
	    PF_DEFER "\"}", { NULL } },
	{ "a raw control byte in a string", "{" T0 "," PF ",\"MESSAGE\":\"a\tb "
	    PF_DEFER "\"}", { NULL } },
	{ "backslash at the very end", "{" T0 "," PF ",\"MESSAGE\":\"\\",
	    { NULL } },
	{ "number with a leading zero", "{\"X\":01," T0 "," PF ",\"MESSAGE\":\""
	    PF_DEFER "\"}", { NULL } },
	{ "number: a bare minus", "{\"X\":-," T0 "," PF ",\"MESSAGE\":\""
	    PF_DEFER "\"}", { NULL } },
	{ "number: no fraction digits", "{\"X\":1.," T0 "," PF ",\"MESSAGE\":\""
	    PF_DEFER "\"}", { NULL } },
	{ "number: no exponent digits", "{\"X\":1e+," T0 "," PF
	    ",\"MESSAGE\":\"" PF_DEFER "\"}", { NULL } },
	{ "number glued to a word", "{\"X\":12ab," T0 "," PF ",\"MESSAGE\":\""
	    PF_DEFER "\"}", { NULL } },
	{ "a misspelt literal", "{\"X\":nul," T0 "," PF ",\"MESSAGE\":\""
	    PF_DEFER "\"}", { NULL } },
	{ "garbage after the object", "{" T0 "," PF ",\"MESSAGE\":\"" PF_DEFER
	    "\"} x", { NULL } },
	{ "two objects on one line", "{" T0 "," PF ",\"MESSAGE\":\"" PF_DEFER
	    "\"}{}", { NULL } },
	{ "a trailing comma", "{" T0 "," PF ",\"MESSAGE\":\"" PF_DEFER "\",}",
	    { NULL } },
	{ "a missing colon", "{" T0 "," PF ",\"MESSAGE\" \"" PF_DEFER "\"}",
	    { NULL } },
	{ "an unquoted key", "{" T0 "," PF ",MESSAGE:\"" PF_DEFER "\"}",
	    { NULL } },
	{ "single quotes", "{" T0 "," PF ",'MESSAGE':'x'}", { NULL } },
	{ "an array, not an object", "[" T0 "]", { NULL } },
	{ "the empty object", "{}", { NULL } },
	{ "an empty line", "", { NULL } },
	{ "a syslog line", "Nov 28 10:00:00 mx1 postfix/smtp[123]: " PF_DEFER,
	    { NULL } },

	/* The time. */
	{ "no time: an event without a stamp",
	    "{" PF ",\"MESSAGE\":\"" PF_DEFER "\"}",
	    { PF_DEFER_UNTIMED } },
	{ "time not digits", "{\"__REALTIME_TIMESTAMP\":\"17958564e0\"," PF
	    ",\"MESSAGE\":\"" PF_DEFER "\"}",
	    { PF_DEFER_UNTIMED } },
	{ "time of 20 digits", "{\"__REALTIME_TIMESTAMP\":"
	    "\"18446744073709551616\"," PF ",\"MESSAGE\":\"" PF_DEFER "\"}",
	    { PF_DEFER_UNTIMED } },
	{ "time past the year 9999", "{\"__REALTIME_TIMESTAMP\":"
	    "\"253402300800000000\"," PF ",\"MESSAGE\":\"" PF_BOUNCE("a@b",
	    "550 5.1.1 x") "\"}",
	    { PF_BOUNCE_EV("~", "a@b", "550 5.1.1 x") } },
	{ "the last microsecond of 9999", "{\"__REALTIME_TIMESTAMP\":"
	    "\"253402300799999999\"," PF ",\"MESSAGE\":\"" PF_BOUNCE("a@b",
	    "550 5.1.1 x") "\"}",
	    { PF_BOUNCE_EV("9999-12-31T23:59:59.999999Z", "a@b",
	    "550 5.1.1 x") } },
	{ "the epoch", "{\"__REALTIME_TIMESTAMP\":\"0\"," PF
	    ",\"MESSAGE\":\"" PF_BOUNCE("a@b", "550 5.1.1 x") "\"}",
	    { PF_BOUNCE_EV("1970-01-01T00:00:00.000000Z", "a@b",
	    "550 5.1.1 x") } },

	/* The prefix: hostile host and identifier, odd pids. */
	{ "host and identifier with blanks, brackets, colons, bytes",
	    "{" T0 ",\"_HOSTNAME\":\"mx 1]:\\u00e9\",\"SYSLOG_IDENTIFIER\":"
	    "\"postfix/smtp[7]: x\\n\",\"SYSLOG_PID\":\"12a\",\"_PID\":\"77\","
	    "\"MESSAGE\":\"" PF_DEFER "\"}", { PF_DEFER_EV } },
	{ "a pid that is no number, and none else",
	    "{" T0 ",\"SYSLOG_IDENTIFIER\":\"postfix/smtp\",\"SYSLOG_PID\":"
	    "\"-1\",\"MESSAGE\":\"" PF_DEFER "\"}", { PF_DEFER_EV } },
};

START_TEST(test_lines)
{
	const struct line_case *c = &lines[_i];
	struct recorder r = { 0 };
	size_t n = 0, i;

	while (c->want[n] != NULL)
		n++;
	ck_assert_int_eq(feed_n(c->line, strlen(c->line), false, &r), BS_OK);
	ck_assert_msg(r.n == n, "%s: %zu events, expected %zu%s%s", c->name,
	    r.n, n, r.n > 0 ? ": " : "", r.n > 0 ? r.ev[0] : "");
	for (i = 0; i < n; i++)
		ck_assert_msg(strcmp(r.ev[i], c->want[i]) == 0,
		    "%s:\n got  %s\n want %s", c->name, r.ev[i], c->want[i]);
}
END_TEST

/* A line the splitter cut is a broken object: nothing from it. */
START_TEST(test_cut_line)
{
	static const char text[] = "{" T0 "," PF ",\"MESSAGE\":\"" PF_DEFER
	    "\"}";
	struct recorder r = { 0 };

	ck_assert_int_eq(feed_n(text, strlen(text), true, &r), BS_OK);
	ck_assert_uint_eq(r.n, 0);
	/* Every prefix of an entry: no crash, and an event only whole. */
	for (size_t k = 0; k <= strlen(text); k++) {
		r.n = 0;
		ck_assert_int_eq(feed_n(text, k, false, &r), BS_OK);
		ck_assert_uint_eq(r.n, k == strlen(text) ? 1 : 0);
	}
}
END_TEST

/*
 * A MESSAGE as long as a line can hold: its byte form decodes to half a
 * line, and a string that fills the line is cut to fit the prefix.
 */
START_TEST(test_long_message)
{
	static char text[BS_LINE_MAX + 1];
	static const char head[] = "{" T0 "," PF ",\"MESSAGE\":\""
	    PF_BOUNCE("a@b", "550 5.1.1 ");
	struct recorder r = { 0 };
	size_t o = strlen(head);

	memcpy(text, head, o);
	while (o < BS_LINE_MAX - 2)
		text[o++] = 'x';
	text[o++] = '"';
	text[o++] = '}';
	ck_assert_uint_eq(o, BS_LINE_MAX);
	ck_assert_int_eq(feed_n(text, o, false, &r), BS_OK);
	/* Cut before the closing ')': still the bounce, with its codes. */
	ck_assert_uint_eq(r.n, 1);
	ck_assert(strncmp(r.ev[0], "bounced|550|5.1.1|5C6D7E8F90|", 29) == 0);
}
END_TEST

struct probe_case {
	const char *line;
	int journal, postfix;
};

static const struct probe_case probes[] = {
	{ ENTRY("\"" PF_DEFER "\""), 2, 0 },
	{ "\x1e{" T0 ",\"MESSAGE\":\"x\"}", 2, 0 },
	{ "  {\"MESSAGE\":\"" PF_DEFER "\"}", 1, 1 },
	{ "{\"SYSLOG_IDENTIFIER\":\"postfix/smtp[1]\"}", 0, 0 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[123]: " PF_DEFER, 0, 2 },
	{ "2026-11-28T10:00:00+0100 mx1 postfix/smtp[123]: " PF_DEFER, 0, 2 },
	{ "[\"MESSAGE\":1]", 0, 0 },
	{ "", 0, 0 },
};

START_TEST(test_probe)
{
	const struct probe_case *c = &probes[_i];
	const struct bs_format *pf = bs_format_find("postfix");

	ck_assert_int_eq(fmt->probe(c->line, strlen(c->line)), c->journal);
	ck_assert_int_eq(pf->probe(c->line, strlen(c->line)), c->postfix);
}
END_TEST

/* Entries of Postfix are the journal's, not Postfix's syslog lines. */
START_TEST(test_detect)
{
	static const char sample[] =
	    ENTRY("\"" PF_DEFER "\"") "\n"
	    "{" T0 ",\"SYSLOG_IDENTIFIER\":\"postfix/smtp\",\"MESSAGE\":"
	    "\"postfix/smtp[1]: to=<a@b> status=sent\"}\n"
	    "{" T0 ",\"SYSLOG_IDENTIFIER\":\"sshd\",\"MESSAGE\":\"hi\"}\n";

	ck_assert_ptr_eq(bs_format_detect(sample, strlen(sample)), fmt);
	ck_assert(fmt->splittable);
}
END_TEST

Suite *
journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_lines, 0,
	    (int)(sizeof(lines) / sizeof(lines[0])));
	tcase_add_test(tc, test_cut_line);
	tcase_add_test(tc, test_long_message);
	tcase_add_loop_test(tc, test_probe, 0,
	    (int)(sizeof(probes) / sizeof(probes[0])));
	tcase_add_test(tc, test_detect);
	suite_add_tcase(s, tc);
	return s;
}
