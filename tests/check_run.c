/*
 * check_run.c - what run.c adds to the parsers' records: the sender join
 * across the lines and files of a run (arrival present, absent, in the
 * previous file, gone and reused, forgotten under the budget), the time
 * of each event, and the sink that --format events writes through.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "bslimits.h"
#include "jobs.h"
#include "join.h"
#include "patterns.h"
#include "run.h"
#include "suites.h"
#include "testutil.h"

/* What the sink saw: each event's recipient and sender, "-" for null. */
struct seen {
	char rcpt[64][64];
	char sender[64][64];
	bool timed[64];
	size_t n;
	uint64_t total;
	char first_sender[64], last_sender[64];
};

static void
text_of(char *dst, const struct bs_text *t)
{
	if (t->ptr == NULL)
		snprintf(dst, 64, "-");
	else
		snprintf(dst, 64, "%.*s", (int)t->len, t->ptr);
}

static void
sink(void *ctx, const char *input, uint64_t lineno, const struct bs_event *ev)
{
	struct seen *s = ctx;
	char buf[64];

	(void)input;
	(void)lineno;
	text_of(buf, &ev->sender);
	if (s->total++ == 0)
		snprintf(s->first_sender, sizeof(s->first_sender), "%s", buf);
	snprintf(s->last_sender, sizeof(s->last_sender), "%s", buf);
	if (s->n == 64)
		return;
	text_of(s->rcpt[s->n], &ev->recipient);
	snprintf(s->sender[s->n], 64, "%s", buf);
	s->timed[s->n] = ev->timed;
	s->n++;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Read paths in order with a join, as --format events does. */
static void
run(char **paths, size_t n, struct seen *s, bool join)
{
	struct bs_patterns *p;
	struct bs_diag d;
	struct bs_join *j = join ? bs_join_new() : NULL;
	struct bs_run_config cfg = { .join = j, .sink = sink, .sink_ctx = s };
	struct bs_agg *a = bs_agg_new(false);

	memset(s, 0, sizeof(*s));
	ck_assert_int_eq(bs_patterns_load(NULL, &p, &d), BS_OK);
	cfg.patterns = p;
	ck_assert_int_eq(bs_run_inputs(&cfg, paths, n, 1, a, NULL, NULL),
	    BS_OK);
	bs_agg_free(a);
	bs_join_free(j);
	bs_patterns_free(p);
}

#define ARRIVAL(q, s) "Nov 28 10:00:00 mx postfix/qmgr[1]: " q ": from=<" s \
	">, size=100, nrcpt=1 (queue active)\n"
#define SENT(q, r) "Nov 28 10:00:01 mx postfix/smtp[2]: " q ": to=<" r \
	">, relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0/0/0/1, " \
	"dsn=2.0.0, status=sent (250 2.0.0 Ok)\n"
#define REMOVED(q) "Nov 28 10:00:02 mx postfix/qmgr[1]: " q ": removed\n"

START_TEST(join_in_one_file)
{
	char dir[64], path[128];
	char *paths[1] = { path };
	struct seen s;

	bs_test_mkdtemp(dir, "run");
	snprintf(path, sizeof(path), "%s/mail.log", dir);
	write_file(path,
	    ARRIVAL("AAAAA11111", "ann@example.net")
	    SENT("AAAAA11111", "x@example.org")
	    SENT("BBBBB22222", "y@example.org")	/* arrival not read */
	    ARRIVAL("CCCCC33333", "")		/* a bounce: null sender */
	    SENT("CCCCC33333", "z@example.org")
	    REMOVED("AAAAA11111")
	    SENT("AAAAA11111", "again@example.org")	/* gone */
	    ARRIVAL("AAAAA11111", "reused@example.net")
	    SENT("AAAAA11111", "new@example.org"));
	run(paths, 1, &s, true);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_str_eq(s.sender[0], "ann@example.net");
	ck_assert_str_eq(s.sender[1], "-");
	ck_assert_str_eq(s.sender[2], "");
	ck_assert_str_eq(s.sender[3], "-");
	ck_assert_str_eq(s.rcpt[3], "again@example.org");
	ck_assert_str_eq(s.sender[4], "reused@example.net");
	ck_assert(s.timed[0]);
	/* Without a join, the arrival lines are not even read. */
	run(paths, 1, &s, false);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_str_eq(s.sender[0], "-");
	ck_assert_str_eq(s.sender[4], "-");
	bs_test_rmtree(dir);
}
END_TEST

/* Rotated files given oldest first join across files; newest first not. */
START_TEST(join_across_files)
{
	char dir[64], old[128], cur[128];
	char *paths[2] = { old, cur }, *reversed[2] = { cur, old };
	struct seen s;

	bs_test_mkdtemp(dir, "run");
	snprintf(old, sizeof(old), "%s/mail.log.1", dir);
	snprintf(cur, sizeof(cur), "%s/mail.log", dir);
	write_file(old, ARRIVAL("DDDDD44444", "old@example.net"));
	write_file(cur, SENT("DDDDD44444", "r@example.org"));
	run(paths, 2, &s, true);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.sender[0], "old@example.net");
	run(reversed, 2, &s, true);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.sender[0], "-");
	bs_test_rmtree(dir);
}
END_TEST

/*
 * Past the budget the oldest arrival is forgotten: with one message more
 * than BS_JOIN_MESSAGES in the queue, the first one's sender is null and
 * the last one's known.
 */
START_TEST(join_budget)
{
	char dir[64], path[128];
	char *paths[1] = { path };
	struct seen s;
	FILE *f;
	unsigned i, n = BS_JOIN_MESSAGES + 1;

	bs_test_mkdtemp(dir, "run");
	snprintf(path, sizeof(path), "%s/mail.log", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < n; i++)
		fprintf(f, "Nov 28 10:00:00 mx postfix/qmgr[1]: Q%08X: "
		    "from=<s%u@example.net>, size=1, nrcpt=1 (queue active)\n",
		    i, i);
	fprintf(f, "Nov 28 10:00:01 mx postfix/smtp[2]: Q%08X: to=<a@b.c>, "
	    "relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred "
	    "(connect to b.c[192.0.2.1]:25: Connection refused)\n", 0u);
	fprintf(f, "Nov 28 10:00:01 mx postfix/smtp[2]: Q%08X: to=<a@b.c>, "
	    "relay=none, delay=1, delays=0/0/0/1, dsn=4.4.1, status=deferred "
	    "(connect to b.c[192.0.2.1]:25: Connection refused)\n", n - 1);
	ck_assert_int_eq(fclose(f), 0);
	run(paths, 1, &s, true);
	ck_assert_uint_eq(s.total, 2);
	ck_assert_str_eq(s.first_sender, "-");
	{
		char want[64];

		snprintf(want, sizeof(want), "s%u@example.net", n - 1);
		ck_assert_str_eq(s.last_sender, want);
	}
	bs_test_rmtree(dir);
}
END_TEST

Suite *
run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("run");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, join_in_one_file);
	tcase_add_test(tc, join_across_files);
	tcase_add_test(tc, join_budget);
	suite_add_tcase(s, tc);
	return s;
}
