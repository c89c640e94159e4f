/*
 * check_paniclog.c - Exim's paniclog (bs_format_exim_panic in
 * src/fmt_exim.c, and the file-name rule bs_format_by_name in
 * src/format.c): which lines are entries, with which stamp, message id,
 * program and text; that every entry is a panic note and never an event;
 * every prefix of every row (no read past the end of a line); the names
 * that are and are not a paniclog's; that the lines alone never choose
 * this reader; and the mainlog records a sample counts (for run.c's
 * warning when a mainlog is read as a paniclog).
 *
 * The lines are invented for these tests (example.* names, documentation
 * addresses); none is copied from a real log.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "format.h"
#include "suites.h"

/* What the reader said about one line. */
struct seen {
	int events, panics, other;
	struct bs_event ev; /* the last note */
};

static void
record(void *ctx, const struct bs_event *ev)
{
	struct seen *s = ctx;

	if (ev->note == BS_NOTE_EVENT)
		s->events++;
	else if (ev->note == BS_NOTE_HEALTH && ev->severity == BS_SEV_PANIC) {
		s->panics++;
		s->ev = *ev;
	} else
		s->other++;
}

/* Whether p[0..n) is want (NULL: not stated), byte for byte. */
static bool
span_is(const char *p, size_t n, const char *want)
{
	if (want == NULL)
		return p == NULL;
	return p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
}

#define TS "2026-11-28 08:04:30 "

/*
 * One line and what it must give: text NULL for a line that is no entry;
 * else its text, program, stamp and message id (NULL: none).
 */
static const struct {
	const char *name, *line;
	const char *text, *program, *stamp, *msgid;
} rows[] = {
	{ "plain", TS "Failed to get user name for uid 1000",
	    "Failed to get user name for uid 1000", "exim",
	    "2026-11-28 08:04:30", NULL },
	{ "pid",
	    TS "[1290] failed to open DB file /var/spool/exim4/db/retry: "
	       "Permission denied",
	    "failed to open DB file /var/spool/exim4/db/retry: Permission "
	    "denied",
	    "exim", "2026-11-28 08:04:30", NULL },
	{ "message id",
	    TS "1vAbCe-000AbD-2b failed to expand \"${lookup "
	       "{x}}\": lookup of \"x\" gave DEFER",
	    "failed to expand \"${lookup {x}}\": lookup of \"x\" gave DEFER",
	    "exim", "2026-11-28 08:04:30", "1vAbCe-000AbD-2b" },
	{ "pid and new message id",
	    TS "[77] 1vAbCe-00000000AbD-0000 "
	       "Spool write error: No space left on device",
	    "Spool write error: No space left on device", "exim",
	    "2026-11-28 08:04:30", "1vAbCe-00000000AbD-0000" },
	{ "milliseconds and zone",
	    "2026-11-28 08:04:30.123 +0100 daemon: "
	    "fork of queue-runner process failed",
	    "daemon: fork of queue-runner process failed", "exim",
	    "2026-11-28 08:04:30.123 +0100", NULL },
	/* A path with "exim" before a colon is text, not a syslog tag. */
	{ "path with exim and a colon",
	    TS "failed to open /etc/exim4/"
	       "exim4.conf: No such file",
	    "failed to open /etc/exim4/exim4.conf: No such file", "exim",
	    "2026-11-28 08:04:30", NULL },
	{ "syslog prefix",
	    "Nov 28 08:04:30 mx1 exim[123]: failed to open DB "
	    "file /var/spool/exim/db/retry: Permission denied",
	    "failed to open DB file /var/spool/exim/db/retry: Permission "
	    "denied",
	    "exim", "Nov 28 08:04:30", NULL },
	{ "syslog program exim4 and Exim's own stamp",
	    "Nov 28 08:04:31 mx1 "
	    "exim4[123]: " TS "[123] 1vAbCe-000AbD-2b Failed to get user "
	    "name for uid 1001",
	    "Failed to get user name for uid 1001", "exim4",
	    "2026-11-28 08:04:30", "1vAbCe-000AbD-2b" },
	{ "a host name holding exim",
	    "Nov 28 08:04:30 exim-relay1 "
	    "exim4[123]: Failed to get user name for uid 1003",
	    "Failed to get user name for uid 1003", "exim4", "Nov 28 08:04:30",
	    NULL },
	{ "program with a path",
	    "Nov 28 08:04:30 mx1 /opt/exim/bin/exim[9]: "
	    "daemon: fork failed",
	    "daemon: fork failed", "exim", "Nov 28 08:04:30", NULL },
	{ "syslog-ng: Exim stamp, host and program",
	    TS "mx1 exim[29786]: "
	       "Failed to get user name for uid 1002",
	    "Failed to get user name for uid 1002", "exim",
	    "2026-11-28 08:04:30", NULL },
	{ "RFC 5424",
	    "<17>1 2026-11-28T08:04:30.000Z mx1 exim 4242 - - "
	    "failed to expand condition",
	    "failed to expand condition", "exim", "2026-11-28T08:04:30.000Z",
	    NULL },
	{ "first piece of a split syslog line",
	    "Nov 28 08:04:30 mx1 "
	    "exim[7]: [1/2] Exim configuration error in line 3",
	    "Exim configuration error in line 3", "exim", "Nov 28 08:04:30",
	    NULL },
	{ "trailing blanks dropped", TS "main lock failed  \t",
	    "main lock failed", "exim", "2026-11-28 08:04:30", NULL },
	{ "stamp without text", TS, "", "exim", "2026-11-28 08:04:30", NULL },
	/* Not entries. */
	{ "continuation line", "  option \"tls_requir_ciphers\" unknown", NULL,
	    NULL, NULL, NULL },
	{ "continuation with a tab", "\t2026-11-28 08:04:30 is quoted", NULL,
	    NULL, NULL, NULL },
	{ "blank", "", NULL, NULL, NULL, NULL },
	{ "garbage", "hello, world: 2026-11-28", NULL, NULL, NULL, NULL },
	{ "stamp without its space", "2026-11-28 08:04:30", NULL, NULL, NULL,
	    NULL },
	{ "another program's syslog line",
	    "Nov 28 08:04:30 mx1 postfix/"
	    "smtp[1]: warning: panic",
	    NULL, NULL, NULL, NULL },
	{ "later piece of a split syslog line",
	    "Nov 28 08:04:30 mx1 "
	    "exim[7]: [2/2] the rest of it",
	    NULL, NULL, NULL, NULL },
	{ "undated message id", "1vAbCe-000AbD-2b failed to expand", NULL, NULL,
	    NULL, NULL },
};

START_TEST(test_rows)
{
	const char *s = rows[_i].line;
	struct bs_line line = { .ptr = s, .len = strlen(s), .lineno = 1 };
	struct seen seen = { 0 };
	struct bs_diag d;
	void *st;

	ck_assert_int_eq(bs_format_exim_panic.open(NULL, &st, &d), BS_OK);
	ck_assert_int_eq(bs_format_exim_panic.parse(st, &line, record, &seen),
	    BS_OK);
	bs_format_exim_panic.close(st);
	ck_assert_int_eq(seen.events, 0);
	ck_assert_int_eq(seen.other, 0);
	if (rows[_i].text == NULL) {
		ck_assert_msg(seen.panics == 0, "%s: taken", rows[_i].name);
		return;
	}
	ck_assert_msg(seen.panics == 1, "%s: not taken", rows[_i].name);
	ck_assert_msg(span_is(seen.ev.reply, seen.ev.reply_len, rows[_i].text),
	    "%s: text \"%.*s\"", rows[_i].name, (int)seen.ev.reply_len,
	    seen.ev.reply);
	ck_assert_msg(
	    span_is(seen.ev.program.ptr, seen.ev.program.len, rows[_i].program),
	    "%s: program \"%.*s\"", rows[_i].name, (int)seen.ev.program.len,
	    seen.ev.program.ptr);
	ck_assert_msg(span_is(seen.ev.stamp, seen.ev.stamp_len, rows[_i].stamp),
	    "%s: stamp", rows[_i].name);
	ck_assert_msg(span_is(seen.ev.msgid, seen.ev.msgid_len, rows[_i].msgid),
	    "%s: message id", rows[_i].name);
	ck_assert_int_eq(seen.ev.kind, BS_KIND_COUNT);
}
END_TEST

/*
 * Every prefix of every row, parsed from an exactly sized heap copy, so
 * that AddressSanitizer catches any read past the end of a line; a cut
 * line is one note at most.
 */
START_TEST(test_every_prefix)
{
	const char *s = rows[_i].line;
	size_t len = strlen(s), k;
	struct bs_diag d;
	void *st;

	ck_assert_int_eq(bs_format_exim_panic.open(NULL, &st, &d), BS_OK);
	for (k = 0; k <= len; k++) {
		char *copy = malloc(k ? k : 1);
		struct bs_line line = { .ptr = copy,
			.len = k,
			.lineno = 1,
			.cut = true };
		struct seen seen = { 0 };

		ck_assert_ptr_nonnull(copy);
		memcpy(copy, s, k);
		ck_assert_int_eq(
		    bs_format_exim_panic.parse(st, &line, record, &seen),
		    BS_OK);
		ck_assert_int_le(seen.panics, 1);
		ck_assert_int_eq(seen.events + seen.other, 0);
		if (seen.panics == 1)
			ck_assert(
			    seen.ev.reply + seen.ev.reply_len <= copy + k);
		ck_assert_int_eq(bs_format_exim_panic.probe(copy, k), 0);
		free(copy);
	}
	bs_format_exim_panic.close(st);
}
END_TEST

/* Paths and the format their name decides ("" for none). */
static const struct {
	const char *path, *format;
} names[] = {
	{ "paniclog", "paniclog" },
	{ "/var/log/exim4/paniclog", "paniclog" },
	{ "/var/log/exim/paniclog.1", "paniclog" },
	{ "/var/log/exim4/paniclog.2.gz", "paniclog" },
	{ "/var/log/exim_paniclog", "paniclog" },
	{ "/var/log/exim_paniclog.1.xz", "paniclog" },
	{ "old/paniclog.zst", "paniclog" },
	{ "paniclog.10.bz2", "paniclog" },
	{ "paniclog.3.lz4", "paniclog" },
	{ "/var/log/exim/paniclog-20261128", "paniclog" },
	{ "/var/log/exim/paniclog-20261128.gz", "paniclog" },
	{ "-", "" },
	{ "", "" },
	{ "/var/log/exim4/mainlog", "" },
	{ "/var/log/exim4/mainlog.1.gz", "" },
	{ "paniclog.old", "" },
	{ "paniclog.", "" },
	{ "paniclog-", "" },
	{ "paniclog.gz.1", "" },
	{ "paniclog.1.gz.bak", "" },
	{ "paniclog.1a", "" },
	{ "my-paniclog", "" },
	{ "paniclog.txt", "" },
	{ "/var/log/paniclog/mainlog", "" },
	{ "PANICLOG", "" },
	{ ".gz", "" },
};

START_TEST(test_names)
{
	const struct bs_format *f = bs_format_by_name(names[_i].path);

	ck_assert_msg(strcmp(f != NULL ? f->name : "", names[_i].format) == 0,
	    "%s: %s", names[_i].path, f != NULL ? f->name : "(none)");
}
END_TEST

/*
 * The lines alone never choose the paniclog reader: a paniclog's lines
 * look like Exim's (and the reader's row keeps --type's name).
 */
START_TEST(test_not_by_content)
{
	static const char sample[] =
	    "2026-11-28 08:04:30 Failed to get user name for uid 1000\n"
	    "2026-11-28 08:04:30 [1290] failed to open DB file "
	    "/var/spool/exim4/db/retry: Permission denied\n"
	    "  a continuation\n"
	    "2026-11-28 08:04:30 1vAbCe-000AbD-2b failed to expand \"x\"\n";
	struct bs_sample_look look;

	ck_assert_ptr_eq(bs_format_detect(sample, sizeof(sample) - 1),
	    &bs_format_exim);
	ck_assert_ptr_eq(bs_format_find("paniclog"), &bs_format_exim_panic);
	ck_assert(bs_format_exim_panic.splittable);
	/* No line of it is a mainlog record (run.c's warning). */
	bs_format_look(sample, sizeof(sample) - 1, &look);
	ck_assert_uint_eq(look.lines, 4);
	ck_assert_uint_eq(look.exim_records, 0);
}
END_TEST

/*
 * A mainlog's records, which a paniclog never holds, are counted in the
 * sample, so that --type paniclog on a mainlog is warned about; its
 * other lines (connections, refusals, warnings) are not records.
 */
START_TEST(test_mainlog_records)
{
	static const char sample[] =
	    "2026-11-28 08:00:06 1vAbCd-000AbC-1a <= alice@example.com "
	    "H=mail.example.com [198.51.100.9] P=esmtps S=2417\n"
	    "2026-11-28 08:00:07 1vAbCd-000AbC-1a => bob@example.org "
	    "R=localuser T=local_delivery\n"
	    "2026-11-28 08:00:07 1vAbCd-000AbC-1a Completed\n"
	    "2026-11-28 08:00:08 SMTP connection from [198.51.100.9] lost\n"
	    "2026-11-28 08:10:00 H=(x) [203.0.113.50] F=<a@example.biz> "
	    "rejected RCPT <b@example.org>: relay not permitted\n"
	    "Nov 28 08:04:30 mx1 exim[7]: 1vAbCd-000AbC-1a ** "
	    "c@example.net: Unrouteable address\n";
	struct bs_sample_look look;

	bs_format_look(sample, sizeof(sample) - 1, &look);
	ck_assert_ptr_eq(look.format, &bs_format_exim);
	ck_assert_uint_eq(look.lines, 6);
	ck_assert_uint_eq(look.exim_records, 4);
}
END_TEST

Suite *
paniclog_suite(void)
{
	Suite *s = suite_create("paniclog");
	TCase *tc = tcase_create("paniclog");

	tcase_add_loop_test(tc, test_rows, 0,
	    (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_loop_test(tc, test_every_prefix, 0,
	    (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_loop_test(tc, test_names, 0,
	    (int)(sizeof(names) / sizeof(names[0])));
	tcase_add_test(tc, test_not_by_content);
	tcase_add_test(tc, test_mainlog_records);
	suite_add_tcase(s, tc);
	return s;
}
