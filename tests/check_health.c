/*
 * check_health.c - the server's own trouble (src/health.c and the
 * readers' side of it in fmt_postfix.c and fmt_exim.c): which lines are
 * taken, with which severity, program and text; how lines group; the
 * exact-then-bounded counter past its budget; the classes.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "health.h"
#include "patterns.h"
#include "scan.h"
#include "suites.h"

#define PF "Nov 28 10:00:00 mx1 postfix/"

/* What a reader said about one line. */
struct seen {
	int events, health, other;
	struct bs_event ev; /* the last health note */
};

static void
record(void *ctx, const struct bs_event *ev)
{
	struct seen *s = ctx;

	if (ev->note == BS_NOTE_EVENT)
		s->events++;
	else if (ev->note == BS_NOTE_HEALTH) {
		s->health++;
		s->ev = *ev;
	} else
		s->other++;
}

static struct bs_patterns *pats;
static void *pf_state, *ex_state;

static void
setup(void)
{
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &d), BS_OK);
	ck_assert_int_eq(bs_format_postfix.open(pats, &pf_state, &d), BS_OK);
	ck_assert_int_eq(bs_format_exim.open(pats, &ex_state, &d), BS_OK);
}

static void
teardown(void)
{
	bs_format_exim.close(ex_state);
	bs_format_postfix.close(pf_state);
	bs_patterns_free(pats);
}

/* Whether t is want (NULL: not stated), byte for byte. */
static bool
text_is(struct bs_text t, const char *want)
{
	if (want == NULL)
		return t.ptr == NULL;
	return t.ptr != NULL && t.len == strlen(want) &&
	    memcmp(t.ptr, want, t.len) == 0;
}

/*
 * Postfix lines.  events: how many events the line is (a health line is
 * none); sev -1 for no health note, else its severity, program and text.
 */
static const struct {
	const char *line;
	int events, sev;
	const char *program, *text;
} pf_rows[] = {
	{ PF
	    "smtpd[2101]: warning: 4.3.2.1.zen.spamhaus.org: RBL lookup "
	    "error: Host or domain name not found. Name service error for name="
	    "4.3.2.1.zen.spamhaus.org type=A: Host not found, try again",
	    0, BS_SEV_WARNING, "smtpd",
	    "4.3.2.1.zen.spamhaus.org: RBL lookup "
	    "error: Host or domain name not found. Name service error for name="
	    "4.3.2.1.zen.spamhaus.org type=A: Host not found, try again" },
	{ PF "cleanup[2110]: warning: 4F9D8100AB: write queue file: No space "
	     "left on device",
	    0, BS_SEV_WARNING, "cleanup",
	    "4F9D8100AB: write queue file: No "
	    "space left on device" },
	{ PF "trivial-rewrite[2121]: fatal: open database /etc/postfix/"
	     "transport.db: No such file or directory",
	    0, BS_SEV_FATAL, "trivial-rewrite",
	    "open database /etc/postfix/"
	    "transport.db: No such file or directory" },
	{ PF "qmgr[900]: warning: connect to transport private/amavis: "
	     "Connection refused",
	    0, BS_SEV_WARNING, "qmgr",
	    "connect to transport private/amavis: "
	    "Connection refused" },
	/* The last part of the program's name. */
	{ PF "submission/smtpd[2140]: warning: unknown[192.0.2.150]: SASL "
	     "LOGIN authentication failed: UGFzc3dvcmQ6",
	    0, BS_SEV_WARNING, "smtpd",
	    "unknown[192.0.2.150]: SASL LOGIN "
	    "authentication failed: UGFzc3dvcmQ6" },
	{ PF "postfix-script[2161]: warning: symlink leaves directory: "
	     "/etc/postfix/./makedefs.out",
	    0, BS_SEV_WARNING, "postfix-script",
	    "symlink leaves directory: "
	    "/etc/postfix/./makedefs.out" },
	{ "Nov 28 10:00:00 postfix1 postfix-out/qmgr: warning: private/"
	  "smtp socket: malformed response",
	    0, BS_SEV_WARNING, "qmgr",
	    "private/smtp socket: malformed "
	    "response" },
	/* "/bounce" in the program's name is a needle too. */
	{ PF "bounce[9]: warning: malformed domain name in resent-from "
	     "header: notification: 9F0A1B2C3D",
	    0, BS_SEV_WARNING, "bounce",
	    "malformed domain name in resent-from "
	    "header: notification: 9F0A1B2C3D" },
	/* Other dialects: RFC 3339, RFC 5424, a <priority>. */
	{ "2026-11-28T10:00:00.123456+01:00 mx1 postfix/master[1]: warning: "
	  "process /usr/lib/postfix/sbin/smtpd pid 4242 exit status 1",
	    0, BS_SEV_WARNING, "master",
	    "process /usr/lib/postfix/sbin/smtpd "
	    "pid 4242 exit status 1" },
	{ "<22>1 2026-11-28T10:07:00.000000+00:00 mx1 postfix/smtpd 2170 - - "
	  "warning: hostname client.example.net does not resolve to address "
	  "192.0.2.44: Name or service not known",
	    0, BS_SEV_WARNING, "smtpd",
	    "hostname client.example.net does not "
	    "resolve to address 192.0.2.44: Name or service not known" },
	{ "<19>Nov 28 10:00:00 mx1 postfix/smtpd[1]: fatal: no SASL "
	  "authentication mechanisms",
	    0, BS_SEV_FATAL, "smtpd", "no SASL authentication mechanisms" },
	/* An extract without the syslog prefix names no program. */
	{ "warning: database /etc/postfix/virtual.db is older than source "
	  "file /etc/postfix/virtual",
	    0, BS_SEV_WARNING, NULL,
	    "database /etc/postfix/virtual.db is older "
	    "than source file /etc/postfix/virtual" },

	/* Not taken: the severity word is not where the program writes it. */
	{ PF "smtpd[2150]: NOQUEUE: reject_warning: RCPT from client.example"
	     ".net[192.0.2.44]: 553 5.7.1 <s@example.net>: Sender address "
	     "rejected: not owned by user ann; from=<s@example.net> to=<bob@"
	     "example.org> proto=ESMTP helo=<client.example.net>",
	    0, -1, NULL, NULL },
	{ PF
	    "smtp[2151]: 7C3D2E1F0A: to=<carol@example.net>, relay=mx."
	    "example.net[192.0.2.20]:25, delay=2.1, delays=0.1/0/1/1, dsn=4.7.1, "
	    "status=deferred (host mx.example.net[192.0.2.20] said: 451 4.7.1 "
	    "warning: greylisted, try again later (in reply to RCPT TO "
	    "command))",
	    1, -1, NULL, NULL },
	{ PF "smtpd[1]: NOQUEUE: reject: RCPT from a[192.0.2.50]: 554 5.7.1 "
	     "<x@example.org>: Recipient address rejected: fatal: no; from=<a@"
	     "example.net> to=<x@example.org> proto=ESMTP helo=<h>",
	    1, -1, NULL, NULL },
	{ PF "smtpd[1]: connect from warning.example.net[192.0.2.50]", 0, -1,
	    NULL, NULL },
	{ PF "smtpd[1]: 4F9D8100AB: client=x[192.0.2.1], sasl_method=PLAIN, "
	     "sasl_username=fatal: ",
	    0, -1, NULL, NULL },
	/* All four severity words. */
	{ PF "local[2160]: error: unsupported dictionary type: btree", 0,
	    BS_SEV_ERROR, "local", "unsupported dictionary type: btree" },
	{ PF "smtpd[1]: panic: myfree: corrupt or unallocated memory block", 0,
	    BS_SEV_PANIC, "smtpd",
	    "myfree: corrupt or unallocated memory block" },
	{ "<22>1 2026-11-28T10:07:00.000000+00:00 mx1 postfix/qmgr 900 - - "
	  "panic: qmgr_active_done: bad message",
	    0, BS_SEV_PANIC, "qmgr", "qmgr_active_done: bad message" },
	/* A reply or a field that says "error: " or "panic: " is no line of
	 * the server's own. */
	{ PF "smtp[2151]: 7C3D2E1F0A: to=<carol@example.net>, relay=mx."
	     "example.net[192.0.2.20]:25, delay=2.1, delays=0.1/0/1/1, "
	     "dsn=4.2.2, status=deferred (host mx.example.net[192.0.2.20] "
	     "said: 452 4.2.2 error: mailbox full (in reply to RCPT TO "
	     "command))",
	    1, -1, NULL, NULL },
	{ PF "smtpd[1]: 4F9D8100AB: client=x[192.0.2.1], sasl_method=PLAIN, "
	     "sasl_username=panic: ",
	    0, -1, NULL, NULL },
	{ PF "smtpd[1]: NOQUEUE: reject_error: RCPT from a[192.0.2.50]: 554 "
	     "5.7.1 no",
	    0, -1, NULL, NULL },
};

/* Each row as the splitter hands it, with either list of needles. */
START_TEST(test_postfix)
{
	const int k = _i / 2;
	const bool joined = _i % 2;
	const char *s = pf_rows[k].line;
	struct bs_needles nd;
	struct seen seen = { 0 };
	struct bs_line line = { .ptr = s, .len = strlen(s), .lineno = 1 };
	size_t at;

	bs_needles_init(&nd,
	    joined ? bs_format_postfix.joined_needles :
		     bs_format_postfix.needles);
	at = bs_scan_needles(&nd, s, line.len);
	line.needle = at < line.len ? at + 1 : 0;
	if (line.needle != 0)
		ck_assert_int_eq(
		    bs_format_postfix.parse(pf_state, &line, record, &seen),
		    BS_OK);
	ck_assert_msg(seen.events == pf_rows[k].events, "row %d: %d events", k,
	    seen.events);
	ck_assert_int_eq(seen.other, 0);
	if (pf_rows[k].sev < 0) {
		ck_assert_msg(seen.health == 0, "row %d: taken", k);
		return;
	}
	ck_assert_msg(seen.health == 1, "row %d: %d health notes", k,
	    seen.health);
	ck_assert_int_eq(seen.ev.severity, pf_rows[k].sev);
	ck_assert_int_eq(seen.ev.kind, BS_KIND_COUNT);
	ck_assert_ptr_null(seen.ev.msgid);
	ck_assert_msg(text_is(seen.ev.program, pf_rows[k].program),
	    "row %d: program '%.*s'", k, (int)seen.ev.program.len,
	    seen.ev.program.ptr ? seen.ev.program.ptr : "(null)");
	ck_assert_uint_eq(seen.ev.reply_len, strlen(pf_rows[k].text));
	ck_assert(
	    memcmp(seen.ev.reply, pf_rows[k].text, seen.ev.reply_len) == 0);
	/* The stamp, for --since and --until, where the line has one. */
	if (pf_rows[k].program != NULL)
		ck_assert_ptr_nonnull(seen.ev.stamp);
	else
		ck_assert_ptr_null(seen.ev.stamp);
}
END_TEST

static const struct {
	const char *line;
	int events;
	const char *text; /* NULL: no health note */
} ex_rows[] = {
	{ "2026-11-28 10:00:00 Warning: No server certificate defined; will "
	  "use a selfsigned one.",
	    0, "No server certificate defined; will use a selfsigned one." },
	{ "2026-11-28 10:00:01 [4242] H=(helo.example.net) [192.0.2.9] F=<ann"
	  "@example.net> Warning: ACL \"warn\" statement skipped: condition "
	  "test deferred: DNS lookup of zen.spamhaus.org deferred",
	    0,
	    "ACL \"warn\" statement skipped: condition test deferred: DNS "
	    "lookup of zen.spamhaus.org deferred" },
	{ "Nov 28 10:00:02 mx1 exim[4242]: 2026-11-28 10:00:02 Warning: "
	  "purging log file /var/spool/exim4/msglog/x",
	    0, "purging log file /var/spool/exim4/msglog/x" },
	/* A reply quoting "Warning:" on an event, a refusal: not taken. */
	{ "2026-11-28 10:00:04 1rAbCd-000123-AB == carol@example.org R="
	  "dnslookup T=remote_smtp defer (-44) H=mx.example.org [192.0.2.10]"
	  ": SMTP error from remote mail server after RCPT TO:<carol@example."
	  "org>: 451 Warning: greylisted",
	    1, NULL },
	{ "2026-11-28 10:00:05 H=(x) [192.0.2.9] F=<a@example.net> rejected "
	  "RCPT <b@example.org>: Warning: no such user",
	    1, NULL },
	{ "2026-11-28 10:00:06 SMTP connection from [192.0.2.9] lost "
	  "Warning:x",
	    0, NULL },
};

START_TEST(test_exim)
{
	const char *s = ex_rows[_i].line;
	struct seen seen = { 0 };
	struct bs_line line = { .ptr = s,
		.len = strlen(s),
		.lineno = 1,
		.needle = 1 };

	ck_assert_int_eq(bs_format_exim.parse(ex_state, &line, record, &seen),
	    BS_OK);
	ck_assert_int_eq(seen.events, ex_rows[_i].events);
	if (ex_rows[_i].text == NULL) {
		ck_assert_int_eq(seen.health, 0);
		return;
	}
	ck_assert_int_eq(seen.health, 1);
	ck_assert_int_eq(seen.ev.severity, BS_SEV_WARNING);
	ck_assert(text_is(seen.ev.program, "exim"));
	ck_assert_uint_eq(seen.ev.reply_len, strlen(ex_rows[_i].text));
	ck_assert(
	    memcmp(seen.ev.reply, ex_rows[_i].text, seen.ev.reply_len) == 0);
}
END_TEST

/* A note as a reader gives it. */
static void
add(struct bs_health *h, enum bs_severity sev, const char *program,
    const char *text)
{
	struct bs_event ev;

	bs_event_init(&ev);
	ev.note = BS_NOTE_HEALTH;
	ev.kind = BS_KIND_COUNT;
	ev.severity = sev;
	if (program != NULL)
		ev.program = (struct bs_text){ program, strlen(program) };
	ev.reply = text;
	ev.reply_len = strlen(text);
	ck_assert_int_eq(bs_health_add(h, &ev), BS_OK);
}

static bool
group_is(const struct bs_health_group *g, enum bs_severity sev,
    const char *program, const char *text, uint64_t count)
{
	return g->severity == sev && g->program_len == strlen(program) &&
	    memcmp(g->program, program, g->program_len) == 0 &&
	    g->text_len == strlen(text) &&
	    memcmp(g->text, text, g->text_len) == 0 && g->count == count;
}

/*
 * Lines that differ only in a queue id, an address, a host or a number
 * are one group; severity and program keep groups apart.  Each text is
 * added three times over, so that the cache of raw texts answers too.
 */
START_TEST(test_groups)
{
	struct bs_health *h = bs_health_new(16);
	const struct bs_health_report *r;
	int i;

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < 3; i++) {
		add(h, BS_SEV_WARNING, "cleanup",
		    "4F9D8100AB: write queue file: "
		    "No space left on device");
		add(h, BS_SEV_WARNING, "cleanup",
		    "5A1B2C3D4E: write queue file: "
		    "No space left on device");
		add(h, BS_SEV_WARNING, "smtpd",
		    "unknown[192.0.2.150]: SASL "
		    "LOGIN authentication failed: UGFzc3dvcmQ6");
		add(h, BS_SEV_WARNING, "smtpd",
		    "mail.example.net[203.0.113.9]:"
		    " SASL LOGIN authentication failed: UGFzc3dvcmQ6");
		add(h, BS_SEV_WARNING, "master",
		    "process /usr/lib/postfix/sbin/"
		    "smtpd pid 4242 exit status 1");
		add(h, BS_SEV_WARNING, "master",
		    "process /usr/lib/postfix/sbin/"
		    "smtpd pid 977 exit status 1");
		add(h, BS_SEV_FATAL, "smtpd",
		    "4F9D8100AB: write queue file: No "
		    "space left on device");
		add(h, BS_SEV_WARNING, "qmgr",
		    "4F9D8100AB: write queue file: No "
		    "space left on device");
	}
	r = bs_health_results(h);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->lines, 24);
	ck_assert_uint_eq(r->severity[BS_SEV_WARNING], 21);
	ck_assert_uint_eq(r->severity[BS_SEV_FATAL], 3);
	ck_assert_uint_eq(r->severity[BS_SEV_ERROR], 0);
	ck_assert_uint_eq(r->ngroups, 5);
	ck_assert(!r->estimated);
	ck_assert_uint_eq(r->other, 0);
	ck_assert_uint_eq(r->bound, 0);
	/* Most lines first, then the graver severity, program, text. */
	ck_assert(group_is(&r->groups[0], BS_SEV_WARNING, "cleanup",
	    "ID: write queue file: No space left on device", 6));
	ck_assert(group_is(&r->groups[1], BS_SEV_WARNING, "master",
	    "process /usr/lib/postfix/sbin/smtpd pid N exit status N", 6));
	ck_assert(group_is(&r->groups[2], BS_SEV_WARNING, "smtpd",
	    "host[IP]: SASL LOGIN authentication failed: ID", 6));
	ck_assert(group_is(&r->groups[3], BS_SEV_FATAL, "smtpd",
	    "ID: write queue file: No space left on device", 3));
	ck_assert(group_is(&r->groups[4], BS_SEV_WARNING, "qmgr",
	    "ID: write queue file: No space left on device", 3));
	ck_assert_str_eq(r->groups[0].class, "disk-full");
	ck_assert_str_eq(r->groups[1].class, "process");
	ck_assert_str_eq(r->groups[2].class, "sasl");
	for (i = 0; i < 5; i++)
		ck_assert_uint_eq(r->groups[i].error, 0);
	bs_health_free(h);
}
END_TEST

/*
 * The cache of raw texts never changes a count: texts whose raw bytes and
 * key fit a record, whose key does not fit beside them, and longer than
 * any record (BS_HEALTH_RAW_MAX), each seen three times; then more
 * distinct texts than the cache has records, seen twice in turn, so that
 * each is pushed out before it comes back.  Letters only: each text is
 * its own group.  Between the two, a new summary (bs_health_reset).
 */
START_TEST(test_cache_records)
{
	static const size_t lens[] = { 40, 100, 110, 120, 150, 199, 200, 201,
		260, 900 };
	const size_t nl = sizeof(lens) / sizeof(lens[0]);
	struct bs_health *h = bs_health_new(2 * BS_HEALTH_CACHE);
	const struct bs_health_report *r;
	char text[1000];
	size_t i, k, pass;

	ck_assert_ptr_nonnull(h);
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < nl; i++) {
			memset(text, 'a' + (int)i, lens[i]);
			text[lens[i]] = '\0';
			add(h, BS_SEV_WARNING, "smtpd", text);
		}
	r = bs_health_results(h);
	ck_assert_uint_eq(r->ngroups, nl);
	for (i = 0; i < nl; i++) {
		ck_assert_uint_eq(r->groups[i].count, 3);
		ck_assert_uint_eq(r->groups[i].error, 0);
	}
	/*
	 * A new summary: the slots the cache remembers are other groups'
	 * there now, and must not be counted blindly.
	 */
	bs_health_reset(h);
	for (i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "new trouble %c", 'a' + (int)i);
		add(h, BS_SEV_WARNING, "smtpd", text);
	}
	for (i = 0; i < nl; i++) {
		memset(text, 'a' + (int)i, lens[i]);
		text[lens[i]] = '\0';
		add(h, BS_SEV_WARNING, "smtpd", text);
	}
	r = bs_health_results(h);
	ck_assert_uint_eq(r->ngroups, nl + 5);
	for (i = 0; i < nl + 5; i++)
		ck_assert_uint_eq(r->groups[i].count, 1);
	bs_health_reset(h);
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < 3 * BS_HEALTH_CACHE / 2; k++) {
			snprintf(text, sizeof(text), "odd trouble %c%c%c",
			    'a' + (int)(k % 26), 'a' + (int)(k / 26 % 26),
			    'a' + (int)(k / 676));
			add(h, BS_SEV_WARNING, "smtpd", text);
		}
	r = bs_health_results(h);
	ck_assert_uint_eq(r->lines, 3 * BS_HEALTH_CACHE);
	ck_assert_uint_eq(r->ngroups, 3 * BS_HEALTH_CACHE / 2);
	ck_assert(!r->estimated);
	for (k = 0; k < r->ngroups; k++)
		ck_assert_uint_eq(r->groups[k].count, 2);
	bs_health_free(h);
}
END_TEST

/*
 * Past its budget the counter keeps the heaviest groups with a bound:
 * a budget of 4, a heavy group of 100 lines, then 40 texts of one line
 * each.  The heavy group stays, exact (it came first, error 0); the
 * lines of groups not listed are summed as other; every listed count
 * plus other adds up to the lines; the severity totals stay exact.
 */
START_TEST(test_budget)
{
	struct bs_health *h = bs_health_new(4);
	const struct bs_health_report *r;
	char text[64];
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < 100; i++)
		add(h, BS_SEV_WARNING, "qmgr",
		    "connect to transport private/"
		    "amavis: Connection refused");
	for (i = 0; i < 40; i++) {
		/* Letters only: no placeholder makes two of them one. */
		snprintf(text, sizeof(text), "odd trouble %c%c",
		    'a' + (int)i % 26, 'a' + (int)i / 26);
		add(h, BS_SEV_ERROR, "local", text);
	}
	r = bs_health_results(h);
	ck_assert_uint_eq(r->lines, 140);
	ck_assert_uint_eq(r->severity[BS_SEV_WARNING], 100);
	ck_assert_uint_eq(r->severity[BS_SEV_ERROR], 40);
	ck_assert(r->estimated);
	ck_assert_uint_le(r->ngroups, 4);
	ck_assert(group_is(&r->groups[0], BS_SEV_WARNING, "qmgr",
	    "connect to transport private/amavis: Connection refused", 100));
	ck_assert_uint_eq(r->groups[0].error, 0);
	for (i = 0; i < r->ngroups; i++) {
		sum += r->groups[i].count;
		/* A bound, never below what was counted since. */
		ck_assert_uint_le(r->groups[i].error, r->bound);
	}
	ck_assert_uint_eq(sum + r->other, 140);
	ck_assert_uint_ge(r->bound, 1);
	ck_assert_uint_gt(r->other, 0);
	/* Below the budget, the same counter is exact. */
	bs_health_reset(h);
	add(h, BS_SEV_WARNING, "qmgr", "x");
	r = bs_health_results(h);
	ck_assert(!r->estimated);
	ck_assert_uint_eq(r->lines, 1);
	ck_assert_uint_eq(r->ngroups, 1);
	ck_assert_uint_eq(r->groups[0].count, 1);
	bs_health_free(h);
}
END_TEST

/* Two parts merged count as one tracker reading both. */
START_TEST(test_merge)
{
	struct bs_health *a = bs_health_new(8), *b = bs_health_new(8);
	const struct bs_health_report *r;

	add(a, BS_SEV_WARNING, "smtpd",
	    "unknown[192.0.2.1]: SASL LOGIN "
	    "authentication failed: UGFzc3dvcmQ6");
	add(b, BS_SEV_WARNING, "smtpd",
	    "unknown[192.0.2.2]: SASL LOGIN "
	    "authentication failed: UGFzc3dvcmQ6");
	add(b, BS_SEV_FATAL, "smtpd", "no SASL authentication mechanisms");
	ck_assert_int_eq(bs_health_merge(a, b), BS_OK);
	r = bs_health_results(a);
	ck_assert_uint_eq(r->lines, 3);
	ck_assert_uint_eq(r->severity[BS_SEV_FATAL], 1);
	ck_assert_uint_eq(r->ngroups, 2);
	ck_assert(!r->estimated);
	ck_assert(group_is(&r->groups[0], BS_SEV_WARNING, "smtpd",
	    "host[IP]: SASL LOGIN authentication failed: ID", 2));
	ck_assert(group_is(&r->groups[1], BS_SEV_FATAL, "smtpd",
	    "no SASL authentication mechanisms", 1));
	bs_health_free(a);
	bs_health_free(b);
}
END_TEST

static const struct {
	const char *text, *class;
} class_rows[] = {
	{ "ID: write queue file: No space left on device", "disk-full" },
	{ "not enough free space in mail queue: N bytes < N.N*message size "
	  "limit",
	    "disk-full" },
	{ "qmgr_active_corrupt: save corrupt file queue active id ID: No such "
	  "file or directory",
	    "queue-file" },
	{ "IP.zen.spamhaus.org: RBL lookup error: Host or domain name not "
	  "found",
	    "dnsbl" },
	{ "hash:/etc/postfix/virtual is unavailable. open database /etc/"
	  "postfix/virtual.db: No such file or directory",
	    "lookup-table" },
	{ "connect to transport private/dovecot-lmtp: Connection refused",
	    "content-filter" },
	{ "connect to Milter service inet:IP:N: Connection refused",
	    "content-filter" },
	{ "process /usr/lib/postfix/sbin/smtpd pid N killed by signal N",
	    "process" },
	{ "TLS library problem: error:ID:SSL routines::unexpected eof", "tls" },
	{ "host[IP]: SASL LOGIN authentication failed: ID", "sasl" },
	{ "hostname host does not resolve to address IP: Name or service not "
	  "known",
	    "client-dns" },
	{ "Connection rate limit exceeded: N from host[IP] for service smtp",
	    "rate-limit" },
	{ "symlink leaves directory: /etc/postfix/./makedefs.out", NULL },
	/* Exim's paniclog (testdata/exim/paniclog), as normalised. */
	{ "failed to open DB file /var/spool/exim4/db/retry: Permission "
	  "denied (euid=N egid=N)",
	    "hints-db" },
	{ "Failed to get write lock for /var/spool/exim4/db/retry.lockfile: "
	  "timed out",
	    "hints-db" },
	{ "failed to open DB file /var/spool/exim4/db/wait-remote_smtp: No "
	  "space left on device",
	    "disk-full" },
	{ "failed to expand \"${lookup mysql{SELECT N FROM users}}\": lookup "
	  "of \"frank\" gave DEFER: MySQL server has gone away",
	    "lookup-table" },
	{ "failed to expand condition \"${if eq{$h_X-Spam-Flag:}{YES}}\" for "
	  "localuser router: unknown condition",
	    "config" },
	{ "Exim configuration error in line N of /etc/exim4/ID:", "config" },
	{ "Failed to get user name for uid N", NULL },
};

START_TEST(test_class)
{
	const char *advice = NULL;
	const char *c = bs_health_class(class_rows[_i].text,
	    strlen(class_rows[_i].text), &advice);

	if (class_rows[_i].class == NULL) {
		ck_assert_ptr_null(c);
		ck_assert_ptr_null(advice);
		return;
	}
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c, class_rows[_i].class);
	ck_assert_ptr_nonnull(advice);
}
END_TEST

/* The severity words, and the names the writers give them. */
START_TEST(test_severity)
{
	size_t len = 0;

	ck_assert_int_eq(bs_health_severity_at("warning: x", 10, &len),
	    BS_SEV_WARNING);
	ck_assert_uint_eq(len, 9);
	ck_assert_int_eq(bs_health_severity_at("error: x", 8, &len),
	    BS_SEV_ERROR);
	ck_assert_uint_eq(len, 7);
	ck_assert_int_eq(bs_health_severity_at("fatal: x", 8, &len),
	    BS_SEV_FATAL);
	ck_assert_int_eq(bs_health_severity_at("panic: x", 8, &len),
	    BS_SEV_PANIC);
	ck_assert_int_eq(bs_health_severity_at("warning:x", 9, &len), -1);
	ck_assert_int_eq(bs_health_severity_at("Warning: x", 10, &len), -1);
	ck_assert_int_eq(bs_health_severity_at("fatal", 5, &len), -1);
	ck_assert_str_eq(bs_severity_name(BS_SEV_WARNING), "warning");
	ck_assert_str_eq(bs_severity_name(BS_SEV_ERROR), "error");
	ck_assert_str_eq(bs_severity_name(BS_SEV_FATAL), "fatal");
	ck_assert_str_eq(bs_severity_name(BS_SEV_PANIC), "panic");
}
END_TEST

Suite *
health_suite(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("health");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_postfix, 0,
	    2 * (int)(sizeof(pf_rows) / sizeof(pf_rows[0])));
	tcase_add_loop_test(tc, test_exim, 0,
	    (int)(sizeof(ex_rows) / sizeof(ex_rows[0])));
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_cache_records);
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_merge);
	tcase_add_loop_test(tc, test_class, 0,
	    (int)(sizeof(class_rows) / sizeof(class_rows[0])));
	tcase_add_test(tc, test_severity);
	suite_add_tcase(s, tc);
	return s;
}
