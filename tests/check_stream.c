/*
 * check_stream.c - a run that joins senders on several cores (jobs.c,
 * join.c's piece joins): --format events (report_events.c's piece sink)
 * writes exactly what one thread writes, and --by sender counts it.
 *
 * A generated Postfix log interleaves many messages: arrivals, deliveries,
 * deferrals that come back much later, departures, queue ids reused after
 * a message left, deliveries whose arrival was never logged, and senders
 * too long to remember.  It is read whole by one thread, then in forced
 * pieces (two pieces split at every line, three, many small ones) and
 * with shares so small that pieces end early; with several inputs, a
 * gzip file (read whole, by the calling thread) between split ones.  The
 * event lines (their senders and line numbers most of all), the warnings
 * and the status must be the same, byte for byte; and so must the JSON
 * report of a run that counts by sender.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "event.h"
#include "jobs.h"
#include "join.h"
#include "patterns.h"
#include "report.h"
#include "run.h"
#include "suites.h"
#include "testutil.h"

static char tmpdir[64];

static void
setup(void)
{
	bs_test_mkdtemp(tmpdir, "stream");
}

static void
teardown(void)
{
	bs_test_rmtree(tmpdir);
}

/*
 * The log: n messages, at most open at once, with ids from a pool of
 * ids small enough to be reused.  Returns its text (caller frees).
 */
static char *
make_log(unsigned n, unsigned open, uint64_t seed, size_t *len)
{
	struct msg {
		unsigned id, left, rcpt;
		bool live;
	} *m = calloc(open, sizeof(*m));
	char *text = NULL, longsender[BS_JOIN_TEXT_MAX + 20];
	unsigned started = 0, t = 0, i, pool = open + 7;
	bool *busy = calloc(pool, sizeof(*busy));
	FILE *f = open_memstream(&text, len);
	uint64_t rs = seed;

	ck_assert(m != NULL && busy != NULL && f != NULL);
	memset(longsender, 'l', sizeof(longsender) - 1);
	longsender[sizeof(longsender) - 1] = '\0';
	for (;;) {
		unsigned k = bs_test_rand(&rs) % open, r = bs_test_rand(&rs);
		char stamp[32];

		snprintf(stamp, sizeof(stamp), "Nov 28 %02u:%02u:%02u",
		    t / 3600 % 24, t / 60 % 60, t % 60);
		t++;
		if (r % 5 == 0) {
			fprintf(f,
			    "%s mx postfix/smtpd[7]: connect from "
			    "unknown[192.0.2.%u]\n",
			    stamp, r % 250);
			continue;
		}
		if (!m[k].live) {
			unsigned id;

			if (started == n) {
				for (i = 0; i < open && !m[i].live; i++)
					;
				if (i == open)
					break;
				continue;
			}
			do
				id = bs_test_rand(&rs) % pool;
			while (busy[id]);
			busy[id] = true;
			m[k] = (struct msg){ .id = id,
				.left = 1 + r % 4,
				.live = true };
			started++;
			/* One arrival in 13 is not logged, one in 17 long. */
			if (r % 13 != 0)
				fprintf(f,
				    "%s mx postfix/qmgr[9]: %05X%05X: "
				    "from=<%s%u@example.org>, size=%u, "
				    "nrcpt=%u (queue active)\n",
				    stamp, id, id * 7u,
				    r % 17 == 0 ? longsender : "s", started,
				    r % 9000, m[k].left);
			continue;
		}
		if (m[k].left > 0) {
			static const char *const st[] = { "sent", "deferred",
				"bounced" };
			unsigned s = r % 6 < 3 ? 0 : r % 6 < 5 ? 1 : 2;

			fprintf(f,
			    "%s mx postfix/smtp[11]: %05X%05X: "
			    "to=<r%u@d%u.example.net>, relay=mx.d%u.example."
			    "net[198.51.100.%u]:25, delay=%u, delays=0/0/0/0, "
			    "dsn=%s, status=%s (%s)\n",
			    stamp, m[k].id, m[k].id * 7u, m[k].rcpt, r % 31,
			    r % 31, r % 200, r % 97,
			    s == 0     ? "2.0.0" :
				s == 1 ? "4.4.1" :
					 "5.1.1",
			    st[s],
			    s == 0 ? "250 2.0.0 Ok" :
				s == 1 ?
				     "connect to mx: Connection timed out" :
				     "host mx said: 550 5.1.1 no such user");
			if (s != 1) {
				m[k].left--;
				m[k].rcpt++;
			}
			continue;
		}
		/* One message in 11 stays in the queue to the end. */
		if (m[k].id % 11 == 3 && started < n)
			continue;
		fprintf(f, "%s mx postfix/qmgr[9]: %05X%05X: removed\n", stamp,
		    m[k].id, m[k].id * 7u);
		busy[m[k].id] = false;
		m[k].live = false;
	}
	ck_assert_int_eq(fclose(f), 0);
	free(m);
	free(busy);
	return text;
}

struct result {
	bs_status status;
	char *events;
	size_t len;
	struct bs_test_warnings warnings;
	size_t jobs;
};

static struct bs_patterns *pats;

/* The event stream of paths with jobs threads and forced pieces. */
static void
run(char **paths, size_t n, unsigned jobs, struct bs_jobs_split *split,
    struct result *r)
{
	struct bs_run_config cfg = { 0 };
	struct bs_events_writer w;
	struct bs_agg *a = bs_agg_new(false);
	struct bs_join *j = bs_join_new();
	FILE *f;

	memset(r, 0, sizeof(*r));
	f = open_memstream(&r->events, &r->len);
	QUIET_CHECK(a != NULL && j != NULL && f != NULL, "out of memory");
	bs_agg_rows_only(a);
	bs_events_writer_init(&w, f);
	cfg.patterns = pats;
	cfg.format = bs_format_find("postfix");
	cfg.warn = bs_test_keep_warning;
	cfg.warn_ctx = &r->warnings;
	cfg.join = j;
	cfg.sink = bs_report_event;
	cfg.sink_ctx = &w;
	cfg.piece_sink = &bs_events_piece_sink;
	r->status = bs_run_inputs_split(&cfg, paths, n, jobs, a, split);
	QUIET_CHECK(!w.failed, "writing failed");
	bs_events_writer_fini(&w);
	QUIET_CHECK(fclose(f) == 0, "cannot close the stream");
	r->jobs = split != NULL ? split->jobs : 0;
	bs_join_free(j);
	bs_agg_free(a);
}

static void
same(const struct result *whole, const struct result *r, const char *how,
    unsigned long long a, unsigned long long b)
{
	size_t i = 0, start;

	QUIET_CHECK(r->status == whole->status,
	    "%s %llu %llu: status %d, "
	    "whole %d",
	    how, a, b, r->status, whole->status);
	if (r->len != whole->len ||
	    memcmp(r->events, whole->events, r->len) != 0) {
		while (i < r->len && i < whole->len &&
		    r->events[i] == whole->events[i])
			i++;
		for (start = i; start > 0 && whole->events[start - 1] != '\n';
		     start--)
			;
		ck_abort_msg("%s %llu %llu: events differ at byte %zu:\n  "
			     "got:   %.*s\n  whole: %.*s",
		    how, a, b, i, (int)strcspn(r->events + start, "\n"),
		    r->events + start,
		    (int)strcspn(whole->events + start, "\n"),
		    whole->events + start);
	}
	QUIET_CHECK(strcmp(r->warnings.text, whole->warnings.text) == 0,
	    "%s %llu %llu: warnings differ:\n%s\nwhole:\n%s", how, a, b,
	    r->warnings.text, whole->warnings.text);
}

static size_t
count(const char *s, size_t len, const char *what)
{
	size_t n = 0, wl = strlen(what);
	const char *p = s, *end = s + len;

	while ((p = memmem(p, (size_t)(end - p), what, wl)) != NULL) {
		n++;
		p += wl;
	}
	return n;
}

/*
 * Pieces at every line end, in two and three, small pieces, and pieces
 * that end early for lack of share: the same events as one thread.
 */
START_TEST(test_pieces_equal_whole)
{
	static const unsigned long long small[] = { 100, 997, 4096, 30000 };
	char path[PATH_MAX], *paths[] = { path };
	struct result whole, r;
	size_t len, off, i, lines = 0;
	char *log = make_log(120, 10, 42, &len);
	FILE *f;

	pats = NULL;
	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &(struct bs_diag){ 0 }),
	    BS_OK);
	snprintf(path, sizeof(path), "%s/a.log", tmpdir);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(log, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	run(paths, 1, 1, NULL, &whole);
	ck_assert_int_eq(whole.status, BS_OK);
	/* The fixture holds what it is meant to. */
	ck_assert_uint_gt(count(whole.events, whole.len, "\"sender\":\"s"),
	    200);
	ck_assert_uint_gt(count(whole.events, whole.len, "\"sender\":null"),
	    20);
	ck_assert_uint_gt(count(whole.events, whole.len, "\"kind\":\"deferred"),
	    100);
	for (off = 0; off < len; off++) {
		struct bs_jobs_split sp = { .size = len, .first = off + 1 };

		/* Every third line end (the sanitizers' time is counted). */
		if (log[off] != '\n' || off + 1 == len || ++lines % 3 != 0)
			continue;
		run(paths, 1, 2, &sp, &r);
		same(&whole, &r, "2 pieces at", off + 1, len);
		free(r.events);
		if (lines % 21 == 0) {
			sp = (struct bs_jobs_split){ .first = off + 1,
				.size = (len - off) / 2 + 1 };
			run(paths, 1, 3, &sp, &r);
			same(&whole, &r, "3 pieces at", off + 1, sp.size);
			free(r.events);
		}
	}
	ck_assert_uint_gt(lines, 500);
	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		struct bs_jobs_split sp = { .size = small[i] };

		run(paths, 1, 3, &sp, &r);
		same(&whole, &r, "small pieces", small[i], 0);
		free(r.events);
		/* Shares so small that every piece ends early, often. */
		sp = (struct bs_jobs_split){ .size = small[i] * 8,
			.share = 1,
			.every = 3 };
		run(paths, 1, 2, &sp, &r);
		same(&whole, &r, "pieces that end early", small[i] * 8, 3);
		ck_assert_uint_gt(r.jobs, len / (small[i] * 8));
		free(r.events);
	}
	free(whole.events);
	free(log);
	bs_patterns_free(pats);
}
END_TEST

/*
 * The log as a rotated pair: its first half (to a line end) in a, named
 * mail.log.1, the rest in b, mail.log; the patterns loaded.  Returns the
 * first half's length.
 */
static size_t
rotated(const char *log, size_t len, char a[PATH_MAX], char b[PATH_MAX])
{
	size_t half;
	FILE *f;

	pats = NULL;
	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &(struct bs_diag){ 0 }),
	    BS_OK);
	for (half = len / 2; log[half - 1] != '\n'; half++)
		;
	snprintf(a, PATH_MAX, "%s/mail.log.1", tmpdir);
	snprintf(b, PATH_MAX, "%s/mail.log", tmpdir);
	ck_assert_ptr_nonnull(f = fopen(a, "wb"));
	ck_assert_uint_eq(fwrite(log, 1, half, f), half);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(f = fopen(b, "wb"));
	ck_assert_uint_eq(fwrite(log + half, 1, len - half, f), len - half);
	ck_assert_int_eq(fclose(f), 0);
	return half;
}

/*
 * Several inputs: a split log, a gzip file between (read whole by the
 * calling thread in its turn), a second log whose messages arrived in the
 * first (rotation).
 */
START_TEST(test_inputs_in_order)
{
	char a[PATH_MAX], b[PATH_MAX];
	char gz[] = "../testdata/postfix/sample.log.gz";
	char *paths[] = { a, gz, b };
	struct result whole, r;
	size_t len;
	char *log = make_log(400, 20, 7, &len);
	unsigned long long sizes[] = { 500, 3001, 20000 };
	size_t i;

	rotated(log, len, a, b);
	run(paths, 3, 1, NULL, &whole);
	ck_assert_int_eq(whole.status, BS_OK);
	ck_assert_uint_gt(count(whole.events, whole.len, "sample.log.gz"), 10);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct bs_jobs_split sp = { .size = sizes[i] };

		run(paths, 3, 2, &sp, &r);
		same(&whole, &r, "inputs in pieces", sizes[i], 0);
		ck_assert_uint_gt(r.jobs, 3);
		free(r.events);
	}
	free(whole.events);
	free(log);
	bs_patterns_free(pats);
}
END_TEST

/*
 * The report of a run that joins (--by sender, --by sender-domain): an
 * event whose message arrived in an earlier piece is counted under its
 * sender at the merge.  The same JSON as one thread, pieces or not.
 */
static char *
report_of(char **paths, size_t n, unsigned jobs, struct bs_jobs_split *split,
    struct bs_test_warnings *warn, bs_status *status)
{
	static const enum bs_by keys[] = { BS_BY_SENDER, BS_BY_SENDER_DOMAIN,
		BS_BY_DOMAIN };
	struct bs_run_config cfg = { 0 };
	struct bs_report_opts ro = { .width = 80 };
	struct bs_agg *a = bs_agg_new(false);
	struct bs_join *j = bs_join_new();
	char *json = NULL;
	size_t len = 0;
	FILE *f;

	QUIET_CHECK(a != NULL && j != NULL &&
		bs_agg_set_by(a, keys, 3, true) == BS_OK,
	    "out of memory");
	memset(warn, 0, sizeof(*warn));
	cfg.patterns = pats;
	cfg.format = bs_format_find("postfix");
	cfg.warn = bs_test_keep_warning;
	cfg.warn_ctx = warn;
	cfg.join = j;
	*status = bs_run_inputs_split(&cfg, paths, n, jobs, a, split);
	bs_agg_set_join(a, bs_join_evicted(j));
	bs_agg_finish(a);
	f = open_memstream(&json, &len);
	QUIET_CHECK(f != NULL && bs_report_json(f, a, &ro) == 0 &&
		fclose(f) == 0,
	    "cannot write the report");
	bs_join_free(j);
	bs_agg_free(a);
	return json;
}

START_TEST(test_report_senders)
{
	char a[PATH_MAX], b[PATH_MAX];
	char gz[] = "../testdata/postfix/sample.log.gz";
	char *paths[] = { a, gz, b };
	struct bs_test_warnings w0, w;
	bs_status s0, st;
	size_t len, half, off, n = 0;
	char *log = make_log(150, 10, 99, &len), *whole, *json;
	unsigned long long sizes[] = { 300, 2000, 9000 };
	size_t i;

	half = rotated(log, len, a, b);
	whole = report_of(paths, 3, 1, NULL, &w0, &s0);
	ck_assert_int_eq(s0, BS_OK);
	/* Senders were joined, none forgotten, none estimated. */
	ck_assert_ptr_nonnull(strstr(whole, "\"key\": \"example.org\""));
	ck_assert_ptr_nonnull(strstr(whole, "\"senders_forgotten\": 0"));
	ck_assert_ptr_null(strstr(whole, "\"estimated\": true"));
	/* Two pieces of the first file at every fifth line end. */
	for (off = 0; off + 1 < half; off++) {
		struct bs_jobs_split sp = { .size = len, .first = off + 1 };

		if (log[off] != '\n' || ++n % 9 != 0)
			continue;
		json = report_of(paths, 3, 2, &sp, &w, &st);
		ck_assert_int_eq(st, s0);
		ck_assert_msg(strcmp(json, whole) == 0,
		    "2 pieces at %zu: "
		    "the report differs:\n%s\nwhole:\n%s",
		    off + 1, json, whole);
		ck_assert_str_eq(w.text, w0.text);
		free(json);
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct bs_jobs_split sp = { .size = sizes[i] };

		json = report_of(paths, 3, 3, &sp, &w, &st);
		ck_assert_int_eq(st, s0);
		ck_assert_msg(strcmp(json, whole) == 0,
		    "pieces of %llu: the "
		    "report differs:\n%s\nwhole:\n%s",
		    sizes[i], json, whole);
		free(json);
		sp = (struct bs_jobs_split){ .size = sizes[i] * 4,
			.share = 1,
			.every = 5 };
		json = report_of(paths, 3, 2, &sp, &w, &st);
		ck_assert_msg(strcmp(json, whole) == 0,
		    "pieces that end early "
		    "(%llu): the report differs",
		    sizes[i] * 4);
		free(json);
	}
	free(whole);
	free(log);
	bs_patterns_free(pats);
}
END_TEST

/*
 * What a store holds is its events, not the room a store kept from an
 * earlier piece: counted as room, every later piece ended at once (a
 * 170 MB log of deferrals became 23,985 pieces, 2 s became 13 s).
 */
START_TEST(test_store_held)
{
	const struct bs_piece_sink *ps = &bs_events_piece_sink;
	void *st = ps->open();
	struct bs_event ev;
	size_t i, big;

	ck_assert_ptr_nonnull(st);
	bs_event_init(&ev);
	ev.kind = BS_DEFERRED;
	ev.reply = "450 4.7.1 Greylisted, please come back later";
	ev.reply_len = strlen(ev.reply);
	for (i = 0; i < 20000; i++)
		ps->event(st, "mail.log", i + 1, &ev);
	big = ps->held(st);
	ck_assert_uint_gt(big, 20000 * 200);
	ps->reset(st);
	ck_assert_uint_lt(ps->held(st), 65536);
	ps->event(st, "mail.log", 1, &ev);
	ck_assert_uint_lt(ps->held(st), 65536);
	ps->close(st);
}
END_TEST

Suite *
stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("stream");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pieces_equal_whole);
	tcase_add_test(tc, test_inputs_in_order);
	tcase_add_test(tc, test_report_senders);
	tcase_add_test(tc, test_store_held);
	suite_add_tcase(s, tc);
	return s;
}
