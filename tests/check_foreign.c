/*
 * check_foreign.c - delivery status lines of programs no reader reads
 * (src/foreign.c, and the Postfix and mixed readers' side of it): which
 * program a syslog line names, which lines become a BS_NOTE_FOREIGN
 * note, and that Postfix's own lines never do.
 */
#include <check.h>
#include <string.h>

#include "foreign.h"
#include "format.h"
#include "patterns.h"
#include "suites.h"

START_TEST(test_program)
{
	static const struct {
		const char *line, *program; /* NULL: none */
	} rows[] = {
		{ "Nov 28 10:00:00 mx1 relayd[42]: A1: to=<a@b>", "relayd" },
		{ "Nov 28 10:00:00 mx1 relayd: A1: to=<a@b>", "relayd" },
		{ "2026-11-28T10:00:00+01:00 mx1 mta/out[7]: x: y", "mta/out" },
		{ "Nov 28 10:00:00 mx1 postfix/smtp[1]: A1: to=<a@b>",
		    "postfix/smtp" },
		/* No stamp and host before it: no syslog prefix. */
		{ "relayd[42]: A1: to=<a@b>", NULL },
		{ "A1: to=<a@b>, status=bounced", NULL },
		{ "no colon and space anywhere", NULL },
		{ "Nov 28 10:00:00 mx1 relayd[4x]: A1", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bs_text t = { NULL, 0 };
		bool got =
		    bs_foreign_program(rows[i].line, strlen(rows[i].line), &t);

		ck_assert_msg(got == (rows[i].program != NULL), "row %zu", i);
		if (got)
			ck_assert_msg(t.len == strlen(rows[i].program) &&
				memcmp(t.ptr, rows[i].program, t.len) == 0,
			    "row %zu: '%.*s'", i, (int)t.len, t.ptr);
	}
}
END_TEST

/* What a reader said about one line. */
struct seen {
	int events, foreign, other;
	char program[64];
};

static void
record(void *ctx, const struct bs_event *ev)
{
	struct seen *s = ctx;

	if (ev->note == BS_NOTE_EVENT)
		s->events++;
	else if (ev->note == BS_NOTE_FOREIGN) {
		s->foreign++;
		ck_assert_uint_lt(ev->program.len, sizeof(s->program));
		memcpy(s->program, ev->program.ptr, ev->program.len);
		s->program[ev->program.len] = '\0';
	} else
		s->other++;
}

#define TAIL \
	": 4F2A1B3C9D: to=<u@example.org>, relay=mx.example.org" \
	"[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced " \
	"(host mx.example.org[192.0.2.1] said: 550 5.1.1 no such user (in " \
	"reply to RCPT TO command))"

static const struct {
	const char *line;
	int events, foreign;
	const char *program;
} lines[] = {
	/* Postfix's own: an event, never a foreign note. */
	{ "Nov 28 10:00:00 mx1 postfix/smtp[1]" TAIL, 1, 0, NULL },
	{ "Nov 28 10:00:00 mx1 postfix-out/smtp[1]" TAIL, 1, 0, NULL },
	/* The same record from another program: told, not read. */
	{ "Nov 28 10:00:00 mx1 relayd[42]" TAIL, 0, 1, "relayd" },
	{ "Nov 28 10:00:00 mx1 mta/smtp[42]" TAIL, 0, 1, "mta/smtp" },
	/* An address probe of Postfix's: no event, and Postfix's own. */
	{ "Nov 28 10:00:00 mx1 postfix/smtp[1]: 4F2A1B3C9D: to=<u@example."
	  "org>, relay=x[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.1.5,"
	  " status=deliverable (250 2.1.5 Ok)",
	    0, 0, NULL },
	/* Another program, but no delivery status word. */
	{ "Nov 28 10:00:00 mx1 relayd[42]: job 7 status=running", 0, 0, NULL },
	{ "Nov 28 10:00:00 mx1 relayd[42]: x substatus=sent", 0, 0, NULL },
	/*
	 * No syslog prefix: whose it is cannot be told, and no foreign note.
	 * The Postfix reader takes such a line as Postfix's (an extract
	 * without prefixes); the mixed reader, which goes by program, not.
	 */
	{ "4F2A1B3C9D: to=<u@example.org>, status=bounced (550 no)", -1, 0,
	    NULL },
};

static void
check_reader(const struct bs_format *f)
{
	struct bs_patterns *pats;
	struct bs_diag d;
	void *state;
	size_t i;

	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &d), BS_OK);
	ck_assert_int_eq(f->open(pats, &state, &d), BS_OK);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct bs_line l = { .ptr = lines[i].line,
			.len = strlen(lines[i].line),
			.lineno = 1 };
		struct seen s = { 0 };

		ck_assert_int_eq(f->parse(state, &l, record, &s), BS_OK);
		int events = lines[i].events >= 0 ? lines[i].events :
						    f == &bs_format_postfix;

		ck_assert_msg(s.events == events &&
			s.foreign == lines[i].foreign,
		    "%s row %zu: %d events, %d foreign", f->name, i, s.events,
		    s.foreign);
		if (lines[i].program != NULL)
			ck_assert_str_eq(s.program, lines[i].program);
	}
	f->close(state);
	bs_patterns_free(pats);
}

START_TEST(test_postfix_reader)
{
	check_reader(&bs_format_postfix);
}
END_TEST

START_TEST(test_mixed_reader)
{
	check_reader(&bs_format_mixed);
}
END_TEST

Suite *
foreign_suite(void)
{
	Suite *s = suite_create("foreign");
	TCase *tc = tcase_create("foreign");

	tcase_add_test(tc, test_program);
	tcase_add_test(tc, test_postfix_reader);
	tcase_add_test(tc, test_mixed_reader);
	suite_add_tcase(s, tc);
	return s;
}
