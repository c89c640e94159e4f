/*
 * check_split.c - one file read in pieces on several cores gives the same
 * report as read whole (jobs.c, bs_run_piece, bs_source_range).
 *
 * bs_run_inputs_split (jobs.h, for tests) splits the small fixtures
 * where asked, in pieces of any size: into two pieces and into
 * three at every byte offset, and into many tiny ones.  Every run must
 * equal the whole read exactly: the JSON report (each input's format,
 * lines, events, cut and skipped lines, window counters and error; the
 * rows; distinct messages), the exit status, and every warning with its
 * line number, in order.  The fixtures hold CRLF line ends, a last line
 * without a newline, NUL padding, lines past BS_LINE_MAX, a file that is
 * one 72 KiB line, lines the patterns give up on (with a runaway pattern
 * set), a --since/--until window with classic stamps, and more distinct
 * codes than BS_ROWS_MAX.  Small files are split at every offset, larger
 * ones at every offset near a line end and some between.
 *
 * Below that, the input layer alone: every piece of a small text, read
 * with reads of several sizes, hands out exactly the lines that start in
 * it, and which files are split at all.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agg.h"
#include "bslimits.h"
#include "format.h"
#include "jobs.h"
#include "lines.h"
#include "patterns.h"
#include "report.h"
#include "run.h"
#include "source.h"
#include "suites.h"
#include "testutil.h"
#include "window.h"

static char tmpdir[64];

static void
setup(void)
{
	bs_test_mkdtemp(tmpdir, "split");
}

static void
teardown(void)
{
	bs_test_rmtree(tmpdir);
}

static void
spill(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* --- whole against pieces ------------------------------------------------ */

struct result {
	bs_status status;
	char *json;
	struct bs_test_warnings warnings;
};

/* One run over path with the given jobs and pieces (0, 0: whole). */
static void
run(const struct bs_run_config *base, const char *path, unsigned jobs,
    unsigned long long first, unsigned long long size, struct result *r)
{
	static char name[PATH_MAX];
	char *paths[] = { name };
	struct bs_run_config cfg = *base;
	struct bs_jobs_split split = { .size = size, .first = first };
	struct bs_report_opts ro = { .width = 80 };
	struct bs_agg *a = bs_agg_new(false);
	size_t len = 0;
	FILE *f;

	snprintf(name, sizeof(name), "%s", path);
	memset(r, 0, sizeof(*r));
	cfg.warn = bs_test_keep_warning;
	cfg.warn_ctx = &r->warnings;
	QUIET_CHECK(a != NULL, "out of memory");
	r->status = bs_run_inputs_split(&cfg, paths, 1, jobs, a, &split);
	bs_agg_finish(a);
	f = open_memstream(&r->json, &len);
	QUIET_CHECK(f != NULL && bs_report_json(f, a, &ro) == 0 &&
	    fclose(f) == 0, "cannot write the report");
	bs_agg_free(a);
}

/* Where a and b first differ: the line of each, for the message. */
static void
first_difference(const char *a, const char *b, char *out, size_t outsz)
{
	size_t i = 0, start;

	while (a[i] != '\0' && a[i] == b[i])
		i++;
	for (start = i; start > 0 && a[start - 1] != '\n'; start--)
		;
	snprintf(out, outsz, "\n  got:   %.*s\n  whole: %.*s",
	    (int)strcspn(b + start, "\n"), b + start,
	    (int)strcspn(a + start, "\n"), a + start);
}

static void
same(const struct result *whole, const struct result *r, const char *path,
    const char *how, unsigned long long first, unsigned long long size)
{
	char diff[600];

	QUIET_CHECK(r->status == whole->status, "%s %s at %llu+%llu: "
	    "status %d, whole %d", path, how, first, size, r->status,
	    whole->status);
	if (strcmp(r->json, whole->json) != 0) {
		first_difference(whole->json, r->json, diff, sizeof(diff));
		ck_abort_msg("%s %s at %llu+%llu: report differs:%s", path,
		    how, first, size, diff);
	}
	if (strcmp(r->warnings.text, whole->warnings.text) != 0) {
		first_difference(whole->warnings.text, r->warnings.text,
		    diff, sizeof(diff));
		ck_abort_msg("%s %s at %llu+%llu: warnings differ:%s", path,
		    how, first, size, diff);
	}
}

/*
 * The offsets to split path at: every one when all is set, else those
 * within 3 bytes of a newline (so also of a CR before it) or of a
 * BS_LINE_MAX cut, and some 50 more spread over the file.  The others lie
 * inside a line away from its ends, where all offsets behave alike.
 */
static bool
interesting(const char *data, size_t len, size_t off, bool all)
{
	size_t k, from = off >= 3 ? off - 3 : 0;

	if (all || off % (len / 50 > 61 ? len / 50 : 61) == 0)
		return true;
	for (k = from; k < len && k <= off + 3; k++)
		if (data[k] == '\n')
			return true;
	/* Near a cut: BS_LINE_MAX bytes after a line's start. */
	for (k = from; k <= off + 3; k++) {
		if (k < BS_LINE_MAX)
			continue;
		if (k == BS_LINE_MAX || data[k - BS_LINE_MAX - 1] == '\n')
			return true;
	}
	return false;
}

/*
 * Read path whole, then in two and three pieces at each offset, then in
 * tiny pieces; all must agree.  Returns the whole run's report, for the
 * caller to check that the fixture holds what it is meant to.
 */
static char *
check_file(const struct bs_run_config *cfg, const char *path, bool all,
    struct result *whole)
{
	static const unsigned long long tiny[] = { 1, 7, 64, 1000 };
	struct result r;
	char *data;
	size_t len, off, i;

	data = bs_test_slurp(path, &len);
	run(cfg, path, 1, 0, 0, whole);
	for (off = 1; off < len; off++) {
		if (!interesting(data, len, off, all))
			continue;
		/* Two pieces: [0, off) and the rest. */
		run(cfg, path, 2, off, len, &r);
		same(whole, &r, path, "2 pieces", off, len);
		free(r.json);
		/* Three: [0, off), half the rest, and the rest. */
		run(cfg, path, 3, off, (len - off + 1) / 2, &r);
		same(whole, &r, path, "3 pieces", off, (len - off + 1) / 2);
		free(r.json);
	}
	for (i = 0; i < sizeof(tiny) / sizeof(tiny[0]); i++) {
		if (!all && tiny[i] < 64)
			continue;	/* a piece per byte of a large file */
		run(cfg, path, 3, 0, tiny[i], &r);
		same(whole, &r, path, "tiny pieces", 0, tiny[i]);
		free(r.json);
	}
	free(data);
	return whole->json;
}

static struct bs_patterns *
builtin_patterns(void)
{
	struct bs_patterns *p;
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_load(NULL, &p, &d), BS_OK);
	return p;
}

static const struct {
	const char *path;
	const char *type;	/* NULL: recognised */
	bool all;		/* every offset, not just the interesting */
	const char *expect;	/* in the whole report: the fixture works */
} fixtures[] = {
	{ "../testdata/postfix/sample.log", NULL, false,
	    "\"format\": \"postfix\"" },
	{ "../testdata/postfix/crlf.log", NULL, false,
	    "\"format\": \"postfix\"" },
	/* Binary junk, NUL padding, no newline at the end. */
	{ "../testdata/postfix/junk.log", "postfix", false,
	    "\"format\": \"postfix\"" },
	/* Lines past BS_LINE_MAX, cut. */
	{ "../testdata/postfix/overlong.log", NULL, false,
	    "\"cut_lines\": 1" },
	/* One line of 72 KiB: only the first piece has a line. */
	{ "../testdata/bad/cr-only.log", "postfix", false,
	    "\"lines\": 1," },
	{ "../testdata/bad/nul.log", NULL, false,
	    "\"format\": \"postfix\"" },
	{ "../testdata/exim/mainlog", NULL, false, "\"format\": \"exim\"" },
	{ "../testdata/exim/syslog.log", NULL, true, "\"format\": \"exim\"" },
	{ "../testdata/exim/mainlog-ms-pid", NULL, true,
	    "\"format\": \"exim\"" },
	/*
	 * Postfix and Exim in one syslog file; the same read as Postfix only
	 * (a warning from its first lines, which a first piece shorter than
	 * they are must still give); a Postfix file read as Exim (a failure).
	 */
	{ "../testdata/mixed/central.log", NULL, false,
	    "\"format\": \"mixed\",\n      \"lines\": 72,\n"
	    "      \"events\": 34," },
	{ "../testdata/mixed/central.log", "postfix", false,
	    "\"format\": \"postfix\",\n      \"lines\": 72,\n"
	    "      \"events\": 17," },
	{ "../testdata/postfix/sample.log", "exim", false,
	    "\"error\": \"--type exim found no events; it looks like "
	    "postfix\"" },
};

START_TEST(test_pieces_equal_whole)
{
	struct bs_run_config cfg = { 0 };
	struct result whole;
	const char *json;

	cfg.patterns = builtin_patterns();
	cfg.format = fixtures[_i].type ? bs_format_find(fixtures[_i].type) :
	    NULL;
	json = check_file(&cfg, fixtures[_i].path, fixtures[_i].all, &whole);
	ck_assert_msg(strstr(json, fixtures[_i].expect) != NULL,
	    "%s: no %s in\n%s", fixtures[_i].path, fixtures[_i].expect, json);
	free(whole.json);
	bs_patterns_free((struct bs_patterns *)cfg.patterns);
}
END_TEST

/*
 * A window, with classic stamps whose year comes from the file's mtime:
 * events inside, outside, and (in junk.log) without a readable time.
 */
START_TEST(test_pieces_with_window)
{
	static const struct {
		const char *path, *type, *since, *until;
	} w[] = {
		{ "../testdata/postfix/sample.log", NULL, "Nov 28 00:03:00",
		    "Nov 28 00:20:00" },
		{ "../testdata/postfix/junk.log", "postfix", "Nov 28 00:00:00",
		    "Nov 28 00:05:00" },
		{ "../testdata/exim/mainlog", NULL, "2026-11-28 08:01:00",
		    "2026-11-28 09:00:00" },
	};
	struct bs_run_config cfg = { 0 };
	struct bs_window win = { .has_since = true, .has_until = true };
	struct result whole;
	struct stat st;
	const char *json;

	ck_assert_int_eq(stat(w[_i].path, &st), 0);
	ck_assert(bs_window_stamp(w[_i].since, strlen(w[_i].since),
	    st.st_mtime, &win.since));
	ck_assert(bs_window_stamp(w[_i].until, strlen(w[_i].until),
	    st.st_mtime, &win.until));
	cfg.patterns = builtin_patterns();
	cfg.format = w[_i].type ? bs_format_find(w[_i].type) : NULL;
	cfg.window = &win;
	json = check_file(&cfg, w[_i].path, false, &whole);
	/* Some events were left out, some counted. */
	ck_assert_msg(strstr(json, "\"outside_window\": 0") == NULL,
	    "%s: nothing outside the window:\n%s", w[_i].path, json);
	ck_assert_msg(strstr(json, "\"events\": 0,") == NULL,
	    "%s: nothing inside the window:\n%s", w[_i].path, json);
	free(whole.json);
	bs_patterns_free((struct bs_patterns *)cfg.patterns);
}
END_TEST

/*
 * Lines the patterns give up on: a runaway delivery pattern (as in the
 * bad-input matrix) hits PCRE2's match limit on long queue ids.  The
 * warning names the first such line, by its number in the whole file.
 */
START_TEST(test_pieces_with_match_errors)
{
	static const char runaway[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	struct bs_run_config cfg = { 0 };
	struct result whole;
	struct bs_diag d;
	struct bs_patterns *p;
	char path[PATH_MAX], *pat, *at, *end, *log, *good;
	const char *from = "\ndelivery = ^(?<qid>";
	size_t len, glen, n = 0, i;
	FILE *f;

	/*
	 * The pattern set: the delivery pattern's queue id group made to
	 * backtrack, (?:[0-9A-Za-z]+)+, whatever it is today.
	 */
	pat = bs_test_slurp("../patterns/postfix.pat", &len);
	pat = realloc(pat, len + 1);
	ck_assert_ptr_nonnull(pat);
	pat[len] = '\0';
	at = strstr(pat, from);
	ck_assert_ptr_nonnull(at);
	at += strlen(from);
	end = strchr(at, ')');
	ck_assert_ptr_nonnull(end);
	snprintf(path, sizeof(path), "%s/postfix.pat", tmpdir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(pat, 1, (size_t)(at - pat), f);
	fputs("(?:[0-9A-Za-z]+)+", f);
	fputs(end, f);
	ck_assert_int_eq(fclose(f), 0);
	free(pat);
	ck_assert_int_eq(bs_patterns_load(tmpdir, &p, &d), BS_OK);

	/* The log: good lines with two runaway lines among them. */
	good = bs_test_slurp("../testdata/bad/good.log", &glen);
	log = malloc(2 * glen + 400);
	ck_assert_ptr_nonnull(log);
	for (i = 0; i < 2; i++) {
		memcpy(log + n, good, glen);
		n += glen;
		n += (size_t)sprintf(log + n, "Nov 28 09:40:0%zu mx1 "
		    "postfix/smtp[1]: %s! to=<a@b.c>: x, status=sent "
		    "(250 ok)\n", i, runaway);
	}
	snprintf(path, sizeof(path), "%s/runaway.log", tmpdir);
	spill(path, log, n);
	free(log);
	free(good);

	cfg.patterns = p;
	check_file(&cfg, path, false, &whole);
	ck_assert_msg(strstr(whole.json, "\"match_errors\": 2") != NULL,
	    "no match errors:\n%s", whole.json);
	ck_assert_msg(strstr(whole.warnings.text, "runaway.log:4: 2 lines "
	    "were too complex") != NULL, "warnings:\n%s", whole.warnings.text);
	free(whole.json);
	bs_patterns_free(p);
}
END_TEST

/*
 * More distinct codes than BS_ROWS_MAX (hostile input): every piece folds
 * codes past the cap.  The report must fold the same codes as a whole
 * read, also after another input that filled some rows first.
 */
START_TEST(test_pieces_with_many_codes)
{
	static const unsigned long long sizes[] = { 7919, 50000, 100000 };
	struct bs_run_config cfg = { 0 };
	struct bs_report_opts ro = { .width = 80 };
	struct result whole, r;
	char path[PATH_MAX], other[PATH_MAX];
	char *paths[] = { other, path };
	size_t i, k, len;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/codes.log", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (n = 0; n < 6000; n++) {
		int c = (n * 37) % 3000;

		fprintf(f, "Nov 28 10:%02d:%02d mx1 postfix/smtp[%d]: %010X: "
		    "to=<u%d@example.com>, relay=mx.example.com[198.51.100.7],"
		    " dsn=5.0.0, status=bounced (host mx.example.com said: "
		    "550 5.%d.%d unknown)\n", (n / 60) % 60, n % 60, n % 300,
		    n, n, c / 100, c % 100);
	}
	ck_assert_int_eq(fclose(f), 0);
	/* Another input first, with codes of the same range. */
	snprintf(other, sizeof(other), "%s/other.log", tmpdir);
	f = fopen(other, "w");
	ck_assert_ptr_nonnull(f);
	for (n = 0; n < 300; n++)
		fprintf(f, "Nov 28 09:00:00 mx1 postfix/smtp[1]: %010X: "
		    "to=<v@example.com>, relay=x[192.0.2.1], dsn=5.0.0, "
		    "status=bounced (host x said: 550 5.%d.%d no)\n", n,
		    (n * 7) % 30, n % 100);
	ck_assert_int_eq(fclose(f), 0);

	cfg.patterns = builtin_patterns();
	/* Both inputs, the second in pieces, with 1 to 3 threads. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (k = 0; k <= 3; k++) {
			struct result *res = k == 0 ? &whole : &r;
			struct bs_run_config c2 = cfg;
			struct bs_jobs_split split = {
				.size = k == 0 ? 0 : sizes[i]
			};
			struct bs_agg *a = bs_agg_new(false);

			memset(res, 0, sizeof(*res));
			c2.warn = bs_test_keep_warning;
			c2.warn_ctx = &res->warnings;
			res->status = bs_run_inputs_split(&c2, paths, 2,
			    k == 0 ? 1 : (unsigned)k, a, &split);
			bs_agg_finish(a);
			f = open_memstream(&res->json, &len);
			ck_assert_int_eq(bs_report_json(f, a, &ro), 0);
			fclose(f);
			bs_agg_free(a);
			if (res != &whole) {
				same(&whole, res, "other + codes.log",
				    "pieces", k, sizes[i]);
				free(res->json);
			}
		}
		ck_assert_msg(strstr(whole.json, "\"folded_rows\": 0") ==
		    NULL, "nothing folded:\n%s", whole.json);
		free(whole.json);
	}
	bs_patterns_free((struct bs_patterns *)cfg.patterns);
}
END_TEST

/*
 * Pieces that end early (jobs.c): a piece whose aggregate holds more than
 * its share of memory ends after the line that took it there, and the
 * rest of its bytes is read as the next piece.  Whatever the share, down
 * to one byte (a piece per event), the report, the breakdowns and the
 * outcomes per domain are those of a whole read, and so are the warnings
 * with their line numbers.  One log of its own follows recipients
 * through deferrals to their ends across the cuts: later deliveries,
 * bounces and expiries of whole messages.
 */
static void
write_outcomes_log(const char *path)
{
	FILE *f = fopen(path, "w");
	int m, k;

	ck_assert_ptr_nonnull(f);
	for (k = 0; k < 4; k++) {
		for (m = 0; m < 150; m++) {
			if (m % 5 < k)
				continue;	/* ended already */
			fprintf(f, "Nov 28 %02d:%02d:%02d mx1 postfix/smtp[7]: "
			    "%010X: to=<u%d@d%d.example>, relay=mx.d%d.example"
			    "[192.0.2.%d]:25, delay=%d, dsn=%s, status=%s "
			    "(host said: %s)\n", 10 + k, m % 60, m % 50, m, m,
			    m % 7, m % 7, m % 200, 60 * k + m % 9,
			    m % 5 == k ? (k == 3 ? "5.1.1" : "2.0.0") : "4.7.1",
			    m % 5 == k ? (k == 3 ? "bounced" : "sent") :
			    "deferred", m % 5 == k ? (k == 3 ? "550 5.1.1 "
			    "no such user" : "250 2.0.0 ok") : "450 4.7.1 "
			    "greylisted");
			if (k == 2 && m % 5 == 4)
				fprintf(f, "Nov 28 12:30:%02d mx1 postfix/qmgr[9]"
				    ": %010X: from=<s@x.example>, status="
				    "expired, returned to sender\n", m % 60, m);
			if (m % 11 == 0)
				fprintf(f, "Nov 28 12:31:00 mx1 postfix/smtpd"
				    "[3]: connect from unknown[192.0.2.9]\n");
		}
	}
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_pieces_with_shares)
{
	static const struct {
		const char *path, *type;
	} logs[] = {
		{ "../testdata/postfix/sample.log", NULL },
		{ "../testdata/postfix/crlf.log", NULL },
		{ "../testdata/postfix/junk.log", "postfix" },
		{ "../testdata/postfix/overlong.log", NULL },
		{ "../testdata/postfix/filter.log", NULL },
		{ "../testdata/bad/nul.log", NULL },
		{ "../testdata/exim/mainlog", NULL },
		{ "../testdata/mixed/central.log", NULL },
		{ NULL, NULL },		/* the outcomes log */
	};
	static const size_t shares[] = { 1, 2000, 20000 };
	static const enum bs_by by[] = { BS_BY_DOMAIN, BS_BY_REMOTE };
	struct bs_run_config cfg = { 0 };
	struct bs_report_opts ro = { .width = 80 };
	struct result whole, r;
	char path[PATH_MAX], *paths[] = { path };
	size_t i, k, len, most = 0;
	FILE *f;

	if (logs[_i].path != NULL) {
		snprintf(path, sizeof(path), "%s", logs[_i].path);
	} else {
		snprintf(path, sizeof(path), "%s/outcomes.log", tmpdir);
		write_outcomes_log(path);
	}
	cfg.patterns = builtin_patterns();
	cfg.format = logs[_i].type ? bs_format_find(logs[_i].type) : NULL;
	for (i = 0; i <= sizeof(shares) / sizeof(shares[0]); i++) {
		for (k = 2; k <= 3; k++) {
			struct result *res = i == 0 ? &whole : &r;
			struct bs_run_config c2 = cfg;
			/* The first piece one line, the rest in one piece. */
			struct bs_jobs_split split = {
				.size = i == 0 ? 0 : ULLONG_MAX / 2,
				.first = 1,
				.share = i == 0 ? 0 : shares[i - 1],
				.every = 1	/* after every line */
			};
			struct bs_agg *a;

			if (i == 0 && k > 2)
				break;	/* one whole read */
			a = bs_agg_new(false);
			ck_assert_ptr_nonnull(a);
			ck_assert_int_eq(bs_agg_set_by(a, by, 2, true), BS_OK);
			bs_agg_outcomes_by_domain(a);
			memset(res, 0, sizeof(*res));
			c2.warn = bs_test_keep_warning;
			c2.warn_ctx = &res->warnings;
			res->status = bs_run_inputs_split(&c2, paths, 1,
			    i == 0 ? 1 : (unsigned)k, a, &split);
			bs_agg_finish(a);
			f = open_memstream(&res->json, &len);
			ck_assert_int_eq(bs_report_json(f, a, &ro), 0);
			fclose(f);
			bs_agg_free(a);
			if (res == &whole)
				continue;
			same(&whole, res, path, "shares", shares[i - 1], k);
			if (split.jobs > most)
				most = split.jobs;
			free(res->json);
		}
	}
	/*
	 * A share of one byte ends a piece at each line with an event: the
	 * outcomes log has 540 (a piece's first lines may be its sample).
	 */
	ck_assert_msg(most > (logs[_i].path == NULL ? 400u : 2u),
	    "%s: only %zu jobs with a share of 1 byte", path, most);
	if (logs[_i].path == NULL)
		ck_assert_msg(strstr(whole.json, "\"recipients\": 180,") &&
		    strstr(whole.json, "\"delivered_after_deferral\": 60,") &&
		    strstr(whole.json, "\"bounced_after_deferral\": 30,") &&
		    strstr(whole.json, "\"still_deferred\": 30,"),
		    "the outcomes log: other outcomes");
	free(whole.json);
	bs_patterns_free((struct bs_patterns *)cfg.patterns);
}
END_TEST

/* Which files are split, and in which format. */
START_TEST(test_split_format)
{
	static const struct {
		const char *path, *type, *want;
	} c[] = {
		{ "../testdata/postfix/sample.log", NULL, "postfix" },
		{ "../testdata/exim/mainlog", NULL, "exim" },
		{ "../testdata/postfix/sample.log", "exim", "exim" },
		{ "../testdata/mixed/central.log", NULL, "mixed" },
		/* gzip, Exchange, unknown, empty, missing: read whole. */
		{ "../testdata/postfix/sample.log.gz", NULL, NULL },
		{ "../testdata/postfix/sample.log.gz", "postfix", NULL },
		{ "../testdata/exchange/MSGTRK20261128-1.LOG", NULL, NULL },
		{ "../testdata/postfix/sample.log", "exchange", NULL },
		{ "../testdata/bad/empty.log", "postfix", NULL },
		{ "../testdata/no-such-file.log", "postfix", NULL },
		{ "../testdata/postfix", "postfix", NULL },
	};
	struct bs_run_config cfg = { 0 };
	struct bs_sample_look look;
	const struct bs_format *f;
	size_t i;

	cfg.patterns = builtin_patterns();
	/* What the first lines look like, for the first piece. */
	cfg.format = bs_format_find("exim");
	f = bs_run_split_format(&cfg, "../testdata/mixed/central.log", &look);
	ck_assert_ptr_eq(f, &bs_format_exim);
	ck_assert_ptr_eq(look.format, &bs_format_mixed);
	ck_assert_uint_eq(look.lines, 72);
	ck_assert_uint_eq(look.postfix, 39);
	ck_assert_uint_eq(look.exim, 30);
	cfg.format = NULL;
	f = bs_run_split_format(&cfg, "../testdata/postfix/sample.log", &look);
	ck_assert_ptr_eq(f, &bs_format_postfix);
	ck_assert_ptr_eq(look.format, &bs_format_postfix);
	ck_assert_uint_eq(look.lines, 39);
	ck_assert_uint_eq(look.postfix, 39);
	ck_assert_uint_eq(look.exim, 0);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cfg.format = c[i].type ? bs_format_find(c[i].type) : NULL;
		f = bs_run_split_format(&cfg, c[i].path, &look);
		if (c[i].want == NULL)
			ck_assert_msg(f == NULL, "%s as %s: split as %s",
			    c[i].path, c[i].type, f->name);
		else
			ck_assert_msg(f != NULL && strcmp(f->name,
			    c[i].want) == 0, "%s as %s: %s", c[i].path,
			    c[i].type, f ? f->name : "not split");
	}
	bs_patterns_free((struct bs_patterns *)cfg.patterns);
}
END_TEST

/*
 * Files that are not split still read the same with splitting asked for:
 * gzip, Exchange, and several inputs with pieces among them.
 */
START_TEST(test_mixed_inputs)
{
	static char a[] = "../testdata/postfix/sample.log";
	static char b[] = "../testdata/postfix/sample.log.gz";
	static char c[] = "../testdata/exchange/MSGTRK20261128-1.LOG";
	static char e[] = "../testdata/exim/mainlog";
	static char m[] = "../testdata/no-such-file.log";
	char *paths[] = { a, b, c, m, e, a };
	struct bs_run_config cfg = { 0 };
	struct result whole, r;
	struct bs_report_opts ro = { .width = 80 };
	unsigned long long sizes[] = { 0, 100, 1000, 4096 };
	size_t i, k, len;
	FILE *f;

	cfg.patterns = builtin_patterns();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (k = 1; k <= 4; k++) {
			struct result *res = i == 0 && k == 1 ? &whole : &r;
			struct bs_run_config c2 = cfg;
			struct bs_jobs_split split = { .size = sizes[i] };
			struct bs_agg *ag = bs_agg_new(false);

			memset(res, 0, sizeof(*res));
			c2.warn = bs_test_keep_warning;
			c2.warn_ctx = &res->warnings;
			res->status = bs_run_inputs_split(&c2, paths,
			    sizeof(paths) / sizeof(paths[0]), (unsigned)k, ag,
			    &split);
			bs_agg_finish(ag);
			f = open_memstream(&res->json, &len);
			ck_assert_int_eq(bs_report_json(f, ag, &ro), 0);
			fclose(f);
			bs_agg_free(ag);
			if (res != &whole) {
				same(&whole, res, "mixed", "split", k,
				    sizes[i]);
				free(res->json);
			}
		}
	}
	ck_assert_int_eq(whole.status, BS_ERR_IO);
	ck_assert_ptr_nonnull(strstr(whole.warnings.text, "no-such-file.log"));
	free(whole.json);
	bs_patterns_free((struct bs_patterns *)cfg.patterns);
}
END_TEST

/* --- the input layer ----------------------------------------------------- */

/* What the piece [off, off + len) of text must hand out. */
static size_t
expected(const char *text, size_t n, size_t off, size_t len, char *out)
{
	size_t start = 0, end, got = 0;

	while (start < n) {
		const char *nl = memchr(text + start, '\n', n - start);

		end = nl ? (size_t)(nl - text) + 1 : n;
		if (start >= off && start - off < len) {
			memcpy(out + got, text + start, end - start);
			got += end - start;
		}
		start = end;
	}
	return got;
}

START_TEST(test_range_reads)
{
	static const char *const texts[] = {
		"a\nbb\n\nccc\r\ndddd",
		"\n\n\nx\n",
		"one line, no newline",
		"x\r\ny\r\n\r\nzz\r\n",
	};
	static const size_t reads[] = { 1, 2, 3, 5, 4096 };
	char path[PATH_MAX], want[64], got[8192];
	size_t t, n, off, len, k, wn, gn;
	bool ahead;

	snprintf(path, sizeof(path), "%s/text", tmpdir);
	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		n = strlen(texts[t]);
		spill(path, texts[t], n);
		for (off = 0; off <= n + 1; off++)
		for (len = 0; len <= n + 2; len++)
		for (k = 0; k < sizeof(reads) / sizeof(reads[0]); k++)
		for (ahead = false; ; ahead = true) {
			struct bs_source *in;
			struct bs_diag d;
			ssize_t r;

			wn = expected(texts[t], n, off, len, want);
			QUIET_CHECK(bs_source_range(path, off,
			    len == n + 2 ? ULLONG_MAX : len, &in, &d) ==
			    BS_OK, "open: %s", d.msg);
			/* Read ahead in slots of 3 bytes: the same bytes. */
			if (ahead)
				bs_source_ahead(in, 3, &in);
			gn = 0;
			while (gn + reads[k] <= sizeof(got) && (r =
			    bs_source_read(in, got + gn, reads[k], &d)) > 0)
				gn += (size_t)r;
			QUIET_CHECK(r == 0, "text %zu at %zu+%zu: %zd", t,
			    off, len, r);
			QUIET_CHECK(gn == wn && memcmp(got, want, gn) == 0,
			    "text %zu at %zu+%zu, reads of %zu: got %zu "
			    "bytes \"%.*s\", want \"%.*s\"", t, off, len,
			    reads[k], gn, (int)gn, got, (int)wn, want);
			QUIET_CHECK(bs_source_raw_offset(in) == gn,
			    "raw offset %llu, handed out %zu",
			    bs_source_raw_offset(in), gn);
			bs_source_close(in);
			if (ahead)
				break;
		}
	}
	/* A piece of what is not a regular file is refused. */
	{
		struct bs_source *in;
		struct bs_diag d;

		ck_assert_int_eq(bs_source_range("/dev/null", 0, 10, &in, &d),
		    BS_ERR_IO);
		ck_assert_int_eq(bs_source_range("../testdata/postfix", 0, 10,
		    &in, &d), BS_ERR_IO);
	}
}
END_TEST

/*
 * A piece that ends early (bs_lines_pending, bs_source_range_stop,
 * bs_lines_drop): after any number of its lines, the rest starts at the
 * next line's first byte, the splitter hands out nothing more, and a
 * piece from there to the old end hands out exactly the lines left;
 * inside a cut line being skipped there is no place to stop.
 */
START_TEST(test_range_stop)
{
	static const char text[] = "a\nbb\n\nccc\r\ndddd\nee";
	char path[PATH_MAX];
	size_t n = strlen(text), off, k, i;

	snprintf(path, sizeof(path), "%s/stop", tmpdir);
	spill(path, text, n);
	for (off = 0; off < n; off++) {
		for (k = 1; k < 6; k++) {
			struct bs_source *in;
			struct bs_lines *ls;
			struct bs_line line;
			struct bs_diag d;
			unsigned long long at = 0;
			size_t first, start, pending, got = 0;
			char seen[64] = "", rest[64] = "";

			/* The piece's lines start at the first line start. */
			for (first = off; first > 0 && first < n &&
			    text[first - 1] != '\n'; first++)
				;
			ck_assert_int_eq(bs_source_range(path, off, ULLONG_MAX,
			    &in, &d), BS_OK);
			ls = bs_lines_new(in);
			ck_assert_ptr_nonnull(ls);
			for (i = 0; i < k && bs_lines_next(ls, &line, &d) == 1;
			    i++) {
				strncat(seen, line.ptr, line.len);
				strcat(seen, "|");
				got++;
			}
			pending = bs_lines_pending(ls);
			if (got < k || pending == SIZE_MAX) {
				/* The last line has no newline: the end. */
				bs_lines_free(ls);
				bs_source_close(in);
				continue;
			}
			ck_assert(bs_source_range_stop(in, pending, &at));
			bs_lines_drop(ls);
			ck_assert_int_eq(bs_lines_next(ls, &line, &d), 0);
			bs_lines_free(ls);
			bs_source_close(in);
			/* at is right after the k-th line's newline. */
			for (start = first, i = 0; i < k; i++)
				start = (size_t)((const char *)memchr(text +
				    start, '\n', n - start) - text) + 1;
			ck_assert_uint_eq(at, start);
			ck_assert_int_eq(bs_source_range(path, at, ULLONG_MAX,
			    &in, &d), BS_OK);
			ls = bs_lines_new(in);
			while (bs_lines_next(ls, &line, &d) == 1) {
				strncat(rest, line.ptr, line.len);
				strcat(rest, "|");
			}
			bs_lines_free(ls);
			bs_source_close(in);
			/* Together, the lines of the whole piece. */
			strcat(seen, rest);
			{
				char whole[64] = "";

				ck_assert_int_eq(bs_source_range(path, off,
				    ULLONG_MAX, &in, &d), BS_OK);
				ls = bs_lines_new(in);
				while (bs_lines_next(ls, &line, &d) == 1) {
					strncat(whole, line.ptr, line.len);
					strcat(whole, "|");
				}
				bs_lines_free(ls);
				bs_source_close(in);
				ck_assert_str_eq(seen, whole);
			}
		}
	}
	/* Not a piece: nothing to stop. */
	{
		struct bs_source *in;
		struct bs_diag d;
		unsigned long long at = 7;

		ck_assert_int_eq(bs_source_file(path, &in, &d), BS_OK);
		ck_assert(!bs_source_range_stop(in, 0, &at));
		ck_assert_uint_eq(at, 7);
		bs_source_close(in);
	}
}
END_TEST

Suite *
split_suite(void)
{
	Suite *s = suite_create("split");
	TCase *tc = tcase_create("split");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_range_reads);
	tcase_add_test(tc, test_range_stop);
	tcase_add_test(tc, test_split_format);
	tcase_add_loop_test(tc, test_pieces_equal_whole, 0,
	    sizeof(fixtures) / sizeof(fixtures[0]));
	tcase_add_loop_test(tc, test_pieces_with_window, 0, 3);
	tcase_add_test(tc, test_pieces_with_match_errors);
	tcase_add_test(tc, test_pieces_with_many_codes);
	tcase_add_loop_test(tc, test_pieces_with_shares, 0, 9);
	tcase_add_test(tc, test_mixed_inputs);
	suite_add_tcase(s, tc);
	return s;
}
