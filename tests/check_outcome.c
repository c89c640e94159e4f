/*
 * check_outcome.c - what happened in the end to each recipient
 * (outcome.c), read from real-shaped log lines through the whole
 * pipeline, and the same counts whatever the reading: one file whole,
 * in pieces on several cores (-j), or cut into rotated files.
 *
 * The table tests are Postfix and Exim line sequences with the counts a
 * person reading them would give.  The generated streams are Postfix
 * logs of many interleaved messages, whose generator knows how each
 * recipient ended; the whole read must give exactly that, and every
 * split and cut must give the whole read's numbers.  Below that, the
 * delay histogram against exact percentiles, and the budget.
 */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "format.h"
#include "hash.h"
#include "jobs.h"
#include "outcome.h"
#include "patterns.h"
#include "run.h"
#include "suites.h"
#include "testutil.h"

static char tmpdir[64];
static struct bs_patterns *pats;

static void
setup(void)
{
	struct bs_diag d;

	bs_test_mkdtemp(tmpdir, "outcome");
	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &d), BS_OK);
}

static void
teardown(void)
{
	bs_patterns_free(pats);
	pats = NULL;
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

/*
 * Read paths with jobs threads (split: forced pieces of that size, 0
 * none) into a new aggregate, finished.
 */
static struct bs_agg *
read_paths(char **paths, size_t n, unsigned jobs, unsigned long long first,
    unsigned long long size)
{
	struct bs_run_config cfg = { .patterns = pats };
	struct bs_jobs_split split = { .size = size, .first = first };
	struct bs_agg *a = bs_agg_new(false);

	QUIET_CHECK(a != NULL, "out of memory");
	/* Every run here follows domains too: their rows are checked. */
	bs_agg_outcomes_by_domain(a);
	QUIET_CHECK(bs_run_inputs_split(&cfg, paths, n, jobs, a, &split) ==
		BS_OK,
	    "run failed");
	QUIET_CHECK(bs_agg_finish(a) == BS_OK, "finish failed");
	return a;
}

static struct bs_agg *
read_text(const char *name, const char *text)
{
	char path[128], *paths[1] = { path };

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	spill(path, text, strlen(text));
	return read_paths(paths, 1, 1, 0, 0);
}

/* Whether two results agree, and where not (into why). */
static bool
same_outcomes(const struct bs_outcomes *a, const struct bs_outcomes *b,
    char *why, size_t n)
{
#define SAME(f) \
	do { \
		if (a->f != b->f) { \
			snprintf(why, n, #f ": %g, expected %g", (double)a->f, \
			    (double)b->f); \
			return false; \
		} \
	} while (0)
	size_t i;

	SAME(recipients);
	SAME(delivered_first);
	SAME(delivered_after_deferral);
	SAME(bounced_first);
	SAME(bounced_after_deferral);
	SAME(expired);
	SAME(still_deferred);
	SAME(deferred);
	SAME(estimated);
	SAME(error_bound);
	SAME(ndomains);
	for (i = 0; i < BS_DEFERRALS_BUCKETS; i++)
		SAME(deferrals_before[i]);
	SAME(delay_delivered.samples);
	SAME(delay_after_deferral.samples);
	SAME(delay_delivered.p50);
	SAME(delay_delivered.p90);
	SAME(delay_delivered.p99);
	SAME(delay_delivered.max);
	SAME(delay_after_deferral.p50);
	SAME(delay_after_deferral.p90);
	SAME(delay_after_deferral.p99);
	SAME(delay_after_deferral.max);
	SAME(nby_domain);
	for (i = 0; i < a->nby_domain; i++) {
		SAME(by_domain[i].type);
		SAME(by_domain[i].len);
		SAME(by_domain[i].recipients);
		SAME(by_domain[i].delivered_first);
		SAME(by_domain[i].delivered_after_deferral);
		SAME(by_domain[i].bounced_first);
		SAME(by_domain[i].bounced_after_deferral);
		SAME(by_domain[i].expired);
		SAME(by_domain[i].still_deferred);
		SAME(by_domain[i].delay_after_deferral.samples);
		SAME(by_domain[i].delay_after_deferral.p50);
		SAME(by_domain[i].delay_after_deferral.p90);
		SAME(by_domain[i].delay_after_deferral.p99);
		SAME(by_domain[i].delay_after_deferral.max);
		if (memcmp(a->by_domain[i].name, b->by_domain[i].name,
			a->by_domain[i].len) != 0) {
			snprintf(why, n, "domain row %zu differs", i);
			return false;
		}
	}
#undef SAME
	for (i = 0; i < a->ndomains; i++) {
		if (a->domains[i].count != b->domains[i].count ||
		    a->domains[i].len != b->domains[i].len ||
		    (a->domains[i].len > 0 &&
			memcmp(a->domains[i].name, b->domains[i].name,
			    a->domains[i].len) != 0)) {
			snprintf(why, n, "still deferred domain %zu differs",
			    i);
			return false;
		}
	}
	return true;
}

/* The rows per domain add up to the totals (bs_outcomes says so). */
static void
rows_add_up(const struct bs_outcomes *r)
{
	uint64_t t[8] = { 0 };
	size_t i;

	for (i = 0; i < r->nby_domain; i++) {
		const struct bs_outcome_by_domain *d = &r->by_domain[i];

		ck_assert_uint_eq(d->recipients,
		    d->delivered_first + d->delivered_after_deferral +
			d->bounced_first + d->bounced_after_deferral +
			d->expired + d->still_deferred);
		ck_assert_uint_gt(d->recipients, 0);
		t[0] += d->recipients;
		t[1] += d->delivered_first;
		t[2] += d->delivered_after_deferral;
		t[3] += d->bounced_first;
		t[4] += d->bounced_after_deferral;
		t[5] += d->expired;
		t[6] += d->still_deferred;
		t[7] += d->delay_after_deferral.samples;
		if (i > 0 && d->type == r->by_domain[i - 1].type)
			ck_assert_uint_le(d->recipients,
			    r->by_domain[i - 1].recipients);
	}
	ck_assert_uint_eq(t[0], r->recipients);
	ck_assert_uint_eq(t[1], r->delivered_first);
	ck_assert_uint_eq(t[2], r->delivered_after_deferral);
	ck_assert_uint_eq(t[3], r->bounced_first);
	ck_assert_uint_eq(t[4], r->bounced_after_deferral);
	ck_assert_uint_eq(t[5], r->expired);
	ck_assert_uint_eq(t[6], r->still_deferred);
	ck_assert_uint_eq(t[7], r->delay_after_deferral.samples);
}

/* --- table tests --------------------------------------------------------- */

#define PF "Nov 28 "
#define SMTP " mx1 postfix/smtp[2141]: "

static const struct {
	const char *name;
	const char *log;
	/* recipients, delivered first/after, bounced first/after, expired,
	 * still deferred; deferrals before 1, 2-3, 4-10, more */
	uint64_t n[11];
	double after_p50;     /* < 0: no delay after deferral */
	const char *still_at; /* the top domain still deferred, or NULL */
} table[] = {
	{ "postfix deferred twice then sent",
	    PF "00:10:01" SMTP "7E4F5A6B7C: to=<gina@example.com>, "
	       "relay=mx.example.com[198.51.100.6]:25, delay=5, "
	       "delays=0.1/0/2/2.9, dsn=4.7.0, status=deferred (host "
	       "mx.example.com[198.51.100.6] said: 421 4.7.0 Try again later "
	       "(in reply to RCPT TO command))\n" PF "00:40:01" SMTP
	       "7E4F5A6B7C: to=<gina@example.com>, "
	       "relay=mx.example.com[198.51.100.6]:25, delay=1805, "
	       "delays=1800/0/2/3, dsn=4.7.0, status=deferred (host "
	       "mx.example.com[198.51.100.6] said: 421 4.7.0 Try again later "
	       "(in reply to RCPT TO command))\n" PF "01:30:01" SMTP
	       "7E4F5A6B7C: to=<gina@example.com>, "
	       "relay=mx.example.com[198.51.100.6]:25, delay=4805, "
	       "delays=4800/0/2/3, dsn=2.0.0, status=sent (250 2.0.0 OK)\n",
	    { 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0 }, 4805, NULL },
	{ "postfix deferred then bounced",
	    PF "00:10:01" SMTP "8F5A6B7C8D: to=<hal@example.net>, "
	       "relay=mx.example.net[192.0.2.7]:25, delay=3, "
	       "delays=0.1/0/2/0.9, dsn=4.2.2, status=deferred (host "
	       "mx.example.net[192.0.2.7] said: 452 4.2.2 Mailbox full "
	       "(in reply to RCPT TO command))\n" PF "02:10:01" SMTP
	       "8F5A6B7C8D: to=<hal@example.net>, "
	       "relay=mx.example.net[192.0.2.7]:25, delay=7203, "
	       "delays=7200/0/2/1, dsn=5.2.2, status=bounced (host "
	       "mx.example.net[192.0.2.7] said: 552 5.2.2 Mailbox full "
	       "(in reply to RCPT TO command))\n",
	    { 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0 }, -1, NULL },
	{ "postfix expired via qmgr",
	    /* Two recipients deferred; one delivered; qmgr gives up. */
	    PF "00:00:05" SMTP "1B7C8D9E0F: to=<a@example.org>, "
	       "relay=none, delay=5, delays=0.02/0.01/5/0, dsn=4.4.1, "
	       "status=deferred (connect to mx.example.org[192.0.2.9]:25: "
	       "Connection timed out)\n" PF "00:00:05" SMTP
	       "1B7C8D9E0F: to=<b@example.com>, "
	       "relay=none, delay=5, delays=0.02/0.01/5/0, dsn=4.4.1, "
	       "status=deferred (connect to mx.example.com[192.0.2.8]:25: "
	       "Connection timed out)\n" PF "01:00:05" SMTP
	       "1B7C8D9E0F: to=<b@example.com>, "
	       "relay=mx.example.com[192.0.2.8]:25, delay=3605, "
	       "delays=3600/0/4/1, dsn=2.0.0, status=sent (250 OK)\n" PF
	       "02:00:05" SMTP "1B7C8D9E0F: to=<a@example.org>, "
	       "relay=none, delay=7205, delays=7200/0/5/0, dsn=4.4.1, "
	       "status=deferred (connect to mx.example.org[192.0.2.9]:25: "
	       "Connection timed out)\n" PF
	       "03:00:00 mx1 postfix/qmgr[815]: 1B7C8D9E0F: "
	       "from=<list@example.org>, status=expired, returned to sender\n"
	    /* An expiry of a message nobody was seen deferred for. */
	    PF "03:00:01 mx1 postfix/qmgr[815]: 2C8D9E0F1A: "
	       "from=<x@example.org>, status=expired, returned to sender\n",
	    { 2, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0 }, 3605, NULL },
	{ "postfix still deferred at the end",
	    PF "03:10:00" SMTP "3D9E0F1A2B: to=<jack@example.net>, "
	       "relay=none, delay=30, delays=0.1/0/30/0, dsn=4.4.1, "
	       "status=deferred (connect to mx.example.net[192.0.2.78]:25: "
	       "Connection timed out)\n" PF "03:10:00" SMTP
	       "3D9E0F1A2B: to=<kim@Example.NET>, "
	       "relay=none, delay=30, delays=0.1/0/30/0, dsn=4.4.1, "
	       "status=deferred (connect to mx.example.net[192.0.2.78]:25: "
	       "Connection timed out)\n" PF "03:10:00" SMTP
	       "4E0F1A2B3C: to=<lou@example.org>, "
	       "relay=none, delay=30, delays=0.1/0/30/0, dsn=4.4.1, "
	       "status=deferred (connect to mx.example.org[192.0.2.79]:25: "
	       "Connection timed out)\n"
	    /* Sent at once; refusals and records without to= stay out. */
	    PF "03:11:00" SMTP "5F1A2B3C4D: to=<max@example.org>, "
	       "relay=mx.example.org[192.0.2.79]:25, delay=1.2, "
	       "delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 OK)\n" PF
	       "03:12:00 mx1 postfix/smtpd[2301]: NOQUEUE: reject: RCPT "
	       "from unknown[203.0.113.5]: 554 5.7.1 <x@example.org>: Relay "
	       "access denied; from=<s@example.com> to=<x@example.org> "
	       "proto=ESMTP helo=<spam>\n",
	    { 4, 1, 0, 0, 0, 0, 3, 3, 0, 0, 0 }, -1, "example.net" },
	{ "exim deferred then delivered, deferred then gave up",
	    "2026-11-28 10:00:00 1vAbEa-000AbT-8r == b@example.net "
	    "R=dnslookup T=remote_smtp defer (111): Connection refused\n"
	    "2026-11-28 10:02:00 1vAbEc-000AbV-0t == d@example.com "
	    "R=dnslookup T=remote_smtp defer (111): Connection refused\n"
	    "2026-11-28 10:15:00 1vAbEa-000AbT-8r == b@example.net "
	    "R=dnslookup T=remote_smtp defer (111): Connection refused\n"
	    "2026-11-28 10:30:00 1vAbEa-000AbT-8r => b@example.net "
	    "R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.31] "
	    "C=\"250 2.0.0 Ok\"\n"
	    "2026-11-28 10:31:00 1vAbEe-000AbX-2v => e@example.org "
	    "R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.32] "
	    "C=\"250 OK\"\n"
	    "2026-12-02 10:02:00 1vAbEc-000AbV-0t ** d@example.com: "
	    "retry timeout exceeded\n",
	    /* No DT=: the delay is the time from first to last event. */
	    { 3, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0 }, 1800, NULL },
};

START_TEST(test_table)
{
	struct bs_agg *a = read_text("t.log", table[_i].log);
	const struct bs_outcomes *r = bs_agg_outcomes(a);
	const uint64_t *n = table[_i].n;
	const char *name = table[_i].name;

	ck_assert_msg(r->recipients == n[0], "%s: recipients %llu", name,
	    (unsigned long long)r->recipients);
	ck_assert_msg(r->delivered_first == n[1], "%s: delivered_first", name);
	ck_assert_msg(r->delivered_after_deferral == n[2],
	    "%s: delivered_after_deferral %llu", name,
	    (unsigned long long)r->delivered_after_deferral);
	ck_assert_msg(r->bounced_first == n[3], "%s: bounced_first", name);
	ck_assert_msg(r->bounced_after_deferral == n[4],
	    "%s: bounced_after_deferral", name);
	ck_assert_msg(r->expired == n[5], "%s: expired %llu", name,
	    (unsigned long long)r->expired);
	ck_assert_msg(r->still_deferred == n[6], "%s: still_deferred", name);
	ck_assert_msg(r->deferrals_before[0] == n[7] &&
		r->deferrals_before[1] == n[8] &&
		r->deferrals_before[2] == n[9] &&
		r->deferrals_before[3] == n[10],
	    "%s: deferrals_before %llu %llu", name,
	    (unsigned long long)r->deferrals_before[0],
	    (unsigned long long)r->deferrals_before[1]);
	ck_assert(!r->estimated);
	if (table[_i].after_p50 < 0) {
		ck_assert_uint_eq(r->delay_after_deferral.samples, 0);
	} else {
		ck_assert_uint_eq(r->delay_after_deferral.samples, 1);
		/* One sample: every percentile is the exact maximum. */
		ck_assert_msg(r->delay_after_deferral.p50 ==
			table[_i].after_p50,
		    "%s: p50 %g", name, r->delay_after_deferral.p50);
		ck_assert(r->delay_after_deferral.max == table[_i].after_p50);
	}
	if (table[_i].still_at != NULL) {
		ck_assert_uint_ge(r->ndomains, 1);
		ck_assert_uint_eq(r->domains[0].len,
		    strlen(table[_i].still_at));
		ck_assert(memcmp(r->domains[0].name, table[_i].still_at,
			      r->domains[0].len) == 0);
		ck_assert_uint_eq(r->domains[0].count, 2);
	}
	rows_add_up(r);
	bs_agg_free(a);
}
END_TEST

/*
 * Outcomes per domain on the qmgr expiry case: example.org's recipient
 * expired, example.com's was delivered after one deferral (3605 s), and
 * the expiry of a message nobody was seen deferred for is no recipient.
 */
START_TEST(test_by_domain)
{
	struct bs_agg *a = read_text("d.log", table[2].log);
	const struct bs_outcomes *r = bs_agg_outcomes(a);
	const struct bs_outcome_by_domain *d;

	ck_assert_uint_eq(r->nby_domain, 2);
	d = &r->by_domain[0];
	ck_assert_int_eq(d->type, BS_OUTCOME_DOM_KEY);
	ck_assert_uint_eq(d->len, 11);
	ck_assert(memcmp(d->name, "example.com", 11) == 0);
	ck_assert_uint_eq(d->recipients, 1);
	ck_assert_uint_eq(d->delivered_after_deferral, 1);
	ck_assert_uint_eq(d->delay_after_deferral.samples, 1);
	ck_assert(d->delay_after_deferral.p50 == 3605);
	d = &r->by_domain[1];
	ck_assert_uint_eq(d->len, 11);
	ck_assert(memcmp(d->name, "example.org", 11) == 0);
	ck_assert_uint_eq(d->recipients, 1);
	ck_assert_uint_eq(d->expired, 1);
	ck_assert_uint_eq(d->delay_after_deferral.samples, 0);
	bs_agg_free(a);
	/* Still deferred at the end: Example.NET is example.net. */
	a = read_text("e.log", table[3].log);
	r = bs_agg_outcomes(a);
	ck_assert_uint_eq(r->nby_domain, 2);
	ck_assert(memcmp(r->by_domain[0].name, "example.net", 11) == 0);
	ck_assert_uint_eq(r->by_domain[0].still_deferred, 2);
	ck_assert(memcmp(r->by_domain[1].name, "example.org", 11) == 0);
	ck_assert_uint_eq(r->by_domain[1].still_deferred, 1);
	ck_assert_uint_eq(r->by_domain[1].delivered_first, 1);
	bs_agg_free(a);
}
END_TEST

/*
 * Content-filter hops (hop.h) read from testdata's real-shaped logs:
 * each hop is a delivery of the totals, counted apart, and no recipient;
 * the recipient is the new id's.  Postfix: bob through amavis to Dovecot,
 * dave deferred while amavis was down (forgotten: counted from the new
 * id), frank through [::1] and bounced, the bounce to erin bounced; hal
 * to Dovecot's LMTP on 127.0.0.1:24 and jack to a remote MX that says
 * "queued as" are no hops.  Exim: bob through amavis ("OK id="), the
 * final LMTP delivery, and a bounce delivered.  On one core and split.
 */
START_TEST(test_hops)
{
	static const struct {
		const char *path;
		uint64_t hops, delivered, recipients, first, bounced, still;
		uint64_t sent, failed;
	} t[] = {
		{ "../testdata/postfix/filter.log", 3, 8, 9, 5, 2, 2, 3, 2 },
		{ "../testdata/exim/filter.log", 1, 3, 3, 2, 1, 0, 1, 0 },
	};
	/* One core, then pieces cut at several places, on two. */
	static const unsigned long long cut[][2] = {
		{ 0, 0 },
		{ 900, 700 },
		{ 1500, 2000 },
		{ 3000, 1200 },
	};
	size_t i, c;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (c = 0; c < sizeof(cut) / sizeof(cut[0]); c++) {
			char *paths[] = { (char *)t[i].path };
			struct bs_agg *a = read_paths(paths, 1, c ? 2 : 1,
			    cut[c][0], cut[c][1]);
			const struct bs_outcomes *r = bs_agg_outcomes(a);
			const struct bs_totals *tt = bs_agg_totals(a);
			struct bs_notifications nt;

			ck_assert_uint_eq(tt->content_filter_hops, t[i].hops);
			ck_assert_uint_eq(tt->kind[BS_DELIVERED],
			    t[i].delivered);
			ck_assert_uint_eq(r->recipients, t[i].recipients);
			ck_assert_uint_eq(r->delivered_first, t[i].first);
			ck_assert_uint_eq(r->bounced_first, t[i].bounced);
			ck_assert_uint_eq(r->deferred, t[i].still);
			ck_assert_uint_eq(r->still_deferred, t[i].still);
			bs_agg_notifications(a, &nt);
			ck_assert_uint_eq(nt.sent, t[i].sent);
			ck_assert_uint_eq(nt.by_type[BS_NOTIFY_FAILURE], 1);
			ck_assert_msg(nt.failed_themselves == t[i].failed,
			    "%s cut %zu: failed %llu", t[i].path, c,
			    (unsigned long long)nt.failed_themselves);
			ck_assert(!nt.estimated);
			rows_add_up(r);
			bs_agg_free(a);
		}
	}
}
END_TEST

/*
 * A deferral in one rotated file and the delivery in the next, given
 * oldest first: one recipient delivered after its deferral, read on one
 * core or two, and also when the file is split between the two lines.
 */
START_TEST(test_across_files)
{
	static const char *one =
	    PF "00:10:01" SMTP "7E4F5A6B7C: "
	       "to=<gina@example.com>, relay=mx.example.com[198.51.100.6]:25, "
	       "delay=5, delays=0.1/0/2/2.9, dsn=4.7.0, status=deferred (host "
	       "mx.example.com[198.51.100.6] said: 421 4.7.0 Try again later "
	       "(in reply to RCPT TO command))\n";
	static const char *two =
	    PF "01:30:01" SMTP "7E4F5A6B7C: "
	       "to=<gina@example.com>, relay=mx.example.com[198.51.100.6]:25, "
	       "delay=4805, delays=4800/0/2/3, dsn=2.0.0, status=sent (250 "
	       "2.0.0 OK)\n";
	char p1[128], p2[128], p3[128], both[2048];
	char *paths[] = { p1, p2 }, *whole[] = { p3 };
	unsigned jobs;

	snprintf(p1, sizeof(p1), "%s/mail.log.1", tmpdir);
	snprintf(p2, sizeof(p2), "%s/mail.log", tmpdir);
	snprintf(p3, sizeof(p3), "%s/whole.log", tmpdir);
	spill(p1, one, strlen(one));
	spill(p2, two, strlen(two));
	snprintf(both, sizeof(both), "%s%s", one, two);
	spill(p3, both, strlen(both));
	for (jobs = 1; jobs <= 3; jobs++) {
		struct bs_agg *a = read_paths(paths, 2, jobs, 0, 0);
		struct bs_agg *s =
		    read_paths(whole, 1, jobs + 1, strlen(one), strlen(one));
		const struct bs_outcomes *r = bs_agg_outcomes(a);
		const struct bs_outcomes *rs = bs_agg_outcomes(s);

		ck_assert_uint_eq(r->recipients, 1);
		ck_assert_uint_eq(r->delivered_after_deferral, 1);
		ck_assert_uint_eq(r->deferrals_before[BS_DEFERRALS_1], 1);
		ck_assert_uint_eq(r->still_deferred, 0);
		ck_assert(r->delay_after_deferral.max == 4805);
		ck_assert_uint_eq(rs->recipients, 1);
		ck_assert_uint_eq(rs->delivered_after_deferral, 1);
		ck_assert_uint_eq(rs->still_deferred, 0);
		bs_agg_free(a);
		bs_agg_free(s);
	}
}
END_TEST

/* --- generated streams --------------------------------------------------- */

enum truth_end { T_DELIVERED, T_BOUNCED, T_EXPIRED, T_STILL };

struct line {
	long t;
	size_t seq;
	char text[300];
};

struct stream {
	struct line *lines;
	size_t n, cap;
	struct bs_outcomes truth; /* counts only, no delays */
	/* Per domain dN.example: delivered first/after, bounced first/after,
	 * expired, still deferred, delays after deferral. */
	uint64_t dtruth[37][7];
	double *dafter[37];	/* delays after deferral per domain */
	double *delays, *after; /* exact delays, to compare */
	size_t ndelays, nafter;
};

static void add_line(struct stream *s, long t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add_line(struct stream *s, long t, const char *fmt, ...)
{
	va_list ap;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->lines = realloc(s->lines, s->cap * sizeof(*s->lines));
		QUIET_CHECK(s->lines != NULL, "out of memory");
	}
	s->lines[s->n].t = t;
	s->lines[s->n].seq = s->n;
	va_start(ap, fmt);
	vsnprintf(s->lines[s->n].text, sizeof(s->lines[s->n].text), fmt, ap);
	va_end(ap);
	s->n++;
}

static int
by_time(const void *x, const void *y)
{
	const struct line *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void
stamp(long t, char *buf, size_t n)
{
	snprintf(buf, n, "2026-11-%02dT%02d:%02d:%02d+00:00",
	    (int)(1 + t / 86400 % 30), (int)(t / 3600 % 24), (int)(t / 60 % 60),
	    (int)(t % 60));
}

static void
truth_add(struct stream *s, double *v, size_t *n, double d)
{
	(void)s;
	v[(*n)++] = d;
}

/*
 * A Postfix log of nmsg messages, one to four recipients each, over about
 * three weeks: a recipient is deferred 0 to 14 times, then delivered,
 * bounced, left deferred at the end, or expired with its message by
 * qmgr.  Queue ids are sometimes reused once a message is gone, with the
 * same recipient.  Some final records lack delay= (the delay then comes
 * from the recipient's first and last event).
 */
static void
generate(struct stream *s, size_t nmsg, uint64_t seed)
{
	uint64_t st = seed;
	char(*ids)[12] = calloc(nmsg, sizeof(*ids));
	long *gone = calloc(nmsg, sizeof(*gone));
	size_t m;

	QUIET_CHECK(ids != NULL && gone != NULL, "out of memory");
	memset(s, 0, sizeof(*s));
	s->delays = calloc(nmsg * 4, sizeof(double));
	s->after = calloc(nmsg * 4, sizeof(double));
	for (m = 0; m < 37; m++) {
		s->dafter[m] = calloc(nmsg * 4, sizeof(double));
		QUIET_CHECK(s->dafter[m] != NULL, "out of memory");
	}
	for (m = 0; m < nmsg; m++) {
		long arrive =
		    (long)(m * 1800000 / nmsg) + (long)(bs_test_rand(&st) % 60);
		unsigned nr = 1 + bs_test_rand(&st) % 4, r;
		bool expires = bs_test_rand(&st) % 8 == 0, still = false;
		long last = arrive;
		size_t reuse = nmsg;

		/* Reuse the id of a message gone before this one came. */
		if (m > 10 && bs_test_rand(&st) % 10 == 0) {
			size_t o = bs_test_rand(&st) % m;

			/* Once: the id is this message's now. */
			if (gone[o] > 0 && gone[o] < arrive) {
				reuse = o;
				gone[o] = 0;
			}
		}
		if (reuse < nmsg)
			memcpy(ids[m], ids[reuse], sizeof(ids[m]));
		else
			snprintf(ids[m], sizeof(ids[m]), "%010llX",
			    (unsigned long long)(bs_hash_bytes(&m, sizeof(m)) &
				0xffffffffffULL));
		for (r = 0; r < nr; r++) {
			unsigned defers = bs_test_rand(&st) % 3 == 0 ?
			    0 :
			    bs_test_rand(&st) % 15,
				 d;
			unsigned pick = bs_test_rand(&st) % 10;
			enum truth_end end = pick < 7 ? T_DELIVERED :
			    pick < 9		      ? T_BOUNCED :
							T_STILL;
			long t = arrive + 1 + (long)(bs_test_rand(&st) % 30);
			long first = t;
			char rcpt[64];
			bool has_delay = bs_test_rand(&st) % 5 != 0;
			unsigned dk =
			    (unsigned)((reuse < nmsg ? reuse : m) % 37);

			/* The same recipient comes back with a reused id. */
			snprintf(rcpt, sizeof(rcpt), "u%zu.%u@d%u.example",
			    reuse < nmsg ? reuse : m, r,
			    (unsigned)((reuse < nmsg ? reuse : m) % 37));
			if (expires && end == T_STILL)
				end = T_EXPIRED;
			if (end == T_EXPIRED && defers == 0)
				defers = 1;
			if (end == T_STILL && defers == 0)
				defers = 1;
			for (d = 0; d < defers; d++) {
				add_line(s, t,
				    "mx1 postfix/smtp[2141]: %s: "
				    "to=<%s>, relay=none, delay=%ld, "
				    "delays=0/0/1/0, dsn=4.4.1, "
				    "status=deferred (connect to mx.x"
				    "[192.0.2.1]:25: Connection timed out)",
				    ids[m], rcpt, t - arrive);
				last = t > last ? t : last;
				t += 300 + (long)(bs_test_rand(&st) % 4000);
			}
			if (end == T_EXPIRED || end == T_STILL) {
				still = still || end == T_STILL;
				s->truth.recipients++;
				s->truth.deferred++;
				s->truth.deferrals_before[defers <= 1 ? 0 :
					defers <= 3		      ? 1 :
					defers <= 10		      ? 2 :
									3]++;
				if (end == T_EXPIRED)
					s->truth.expired++;
				else
					s->truth.still_deferred++;
				s->dtruth[dk][end == T_EXPIRED ? 4 : 5]++;
				continue;
			}
			if (end == T_DELIVERED) {
				char field[40] = "conn_use=1";

				if (has_delay)
					snprintf(field, sizeof(field),
					    "delay=%ld", t - arrive);
				add_line(s, t,
				    "mx1 postfix/smtp[2141]: %s: "
				    "to=<%s>, relay=mx.x[192.0.2.1]:25, "
				    "%s, delays=0/0/1/0, dsn=2.0.0, "
				    "status=sent (250 2.0.0 OK)",
				    ids[m], rcpt, field);
			} else {
				add_line(s, t,
				    "mx1 postfix/smtp[2141]: %s: "
				    "to=<%s>, relay=mx.x[192.0.2.1]:25, "
				    "delay=%ld, delays=0/0/1/0, dsn=5.1.1, "
				    "status=bounced (host mx.x[192.0.2.1] "
				    "said: 550 5.1.1 unknown user (in reply "
				    "to RCPT TO command))",
				    ids[m], rcpt, t - arrive);
			}
			last = t > last ? t : last;
			s->truth.recipients++;
			if (defers > 0) {
				s->truth.deferred++;
				s->truth.deferrals_before[defers <= 1 ? 0 :
					defers <= 3		      ? 1 :
					defers <= 10		      ? 2 :
									3]++;
			}
			if (end == T_DELIVERED && defers == 0)
				s->truth.delivered_first++;
			else if (end == T_DELIVERED)
				s->truth.delivered_after_deferral++;
			else if (defers == 0)
				s->truth.bounced_first++;
			else
				s->truth.bounced_after_deferral++;
			s->dtruth[dk][(end == T_DELIVERED ? 0 : 2) +
			    (defers > 0)]++;
			if (end == T_DELIVERED && defers > 0)
				s->dtruth[dk][6]++;
			if (end == T_DELIVERED && (has_delay || defers > 0)) {
				double dl = has_delay ? (double)(t - arrive) :
							(double)(t - first);

				truth_add(s, s->delays, &s->ndelays, dl);
				if (defers > 0) {
					size_t nd =
					    (size_t)s->dtruth[dk][6] - 1;

					truth_add(s, s->after, &s->nafter, dl);
					truth_add(s, s->dafter[dk], &nd, dl);
				}
			}
		}
		/* After every event of its recipients. */
		if (expires) {
			last = last + 1 > arrive + 5 * 86400 ?
			    last + 1 :
			    arrive + 5 * 86400;
			add_line(s, last,
			    "mx1 postfix/qmgr[815]: %s: "
			    "from=<list@example.org>, status=expired, "
			    "returned to sender",
			    ids[m]);
		}
		/* A message with recipients still queued never goes. */
		gone[m] = still ? 0 : last + 1;
	}
	qsort(s->lines, s->n, sizeof(*s->lines), by_time);
	free(ids);
	free(gone);
}

/* The log's text, and the offsets where its lines start. */
static char *
render(const struct stream *s, size_t *len, size_t **starts)
{
	size_t cap = s->n * 360 + 1, n = 0, i;
	char *out = malloc(cap), ts[40];

	*starts = malloc((s->n + 1) * sizeof(**starts));
	QUIET_CHECK(out != NULL && *starts != NULL, "out of memory");
	for (i = 0; i < s->n; i++) {
		(*starts)[i] = n;
		stamp(s->lines[i].t, ts, sizeof(ts));
		n += (size_t)snprintf(out + n, cap - n, "%s %s\n", ts,
		    s->lines[i].text);
	}
	(*starts)[s->n] = n;
	*len = n;
	return out;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* A percentile p of a domain within err (relative) of the exact one. */
static void
near_within(double got, const double *v, size_t n, unsigned p, double err)
{
	size_t rank = (n * p + 99) / 100;
	double exact;

	if (rank == 0)
		rank = 1;
	exact = v[rank - 1];
	QUIET_CHECK(fabs(got - exact) <= exact * err + 0.005,
	    "domain p%u: %g, exact %g", p, got, exact);
}

/* A percentile from the histogram against the exact nearest rank. */
static void
near(double got, double *v, size_t n, unsigned p, const char *what)
{
	size_t rank = (n * p + 99) / 100;
	double exact;

	if (rank == 0)
		rank = 1;
	exact = v[rank - 1];
	QUIET_CHECK(fabs(got - exact) <= exact * BS_OUTCOME_DELAY_ERROR + 0.005,
	    "%s p%u: %g, exact %g", what, p, got, exact);
}

START_TEST(test_generated)
{
	static const size_t sizes[] = { 300, 3000 };
	struct stream s;
	char path[128], *paths[4], why[160], names[4][128];
	size_t len, *starts, i;
	char *text;
	struct bs_agg *whole;
	const struct bs_outcomes *w;

	/* The real queue ids reused: no id of a message still queued. */
	generate(&s, sizes[_i % 2], 0x9e3779b97f4a7c15ULL + (uint64_t)_i);
	text = render(&s, &len, &starts);
	snprintf(path, sizeof(path), "%s/gen.log", tmpdir);
	spill(path, text, len);
	paths[0] = path;
	whole = read_paths(paths, 1, 1, 0, 0);
	w = bs_agg_outcomes(whole);

	/* The whole read against the generator's truth. */
	s.truth.estimated = false;
	s.truth.error_bound = 0;
	ck_assert_msg(w->recipients == s.truth.recipients,
	    "recipients %llu, truth %llu", (unsigned long long)w->recipients,
	    (unsigned long long)s.truth.recipients);
	ck_assert_uint_eq(w->delivered_first, s.truth.delivered_first);
	ck_assert_uint_eq(w->delivered_after_deferral,
	    s.truth.delivered_after_deferral);
	ck_assert_uint_eq(w->bounced_first, s.truth.bounced_first);
	ck_assert_uint_eq(w->bounced_after_deferral,
	    s.truth.bounced_after_deferral);
	ck_assert_uint_eq(w->expired, s.truth.expired);
	ck_assert_uint_eq(w->still_deferred, s.truth.still_deferred);
	ck_assert_uint_eq(w->deferred, s.truth.deferred);
	for (i = 0; i < BS_DEFERRALS_BUCKETS; i++)
		ck_assert_uint_eq(w->deferrals_before[i],
		    s.truth.deferrals_before[i]);
	ck_assert(!w->estimated);
	rows_add_up(w);
	/* Each domain's row against the generator's truth for it. */
	for (i = 0; i < w->nby_domain; i++) {
		const struct bs_outcome_by_domain *d = &w->by_domain[i];
		unsigned k;

		char name[32];
		uint64_t ns;

		ck_assert_int_eq(d->type, BS_OUTCOME_DOM_KEY);
		ck_assert_uint_lt(d->len, sizeof(name));
		memcpy(name, d->name, d->len);
		name[d->len] = '\0';
		ck_assert(sscanf(name, "d%u.example", &k) == 1 && k < 37);
		ck_assert_uint_eq(d->delivered_first, s.dtruth[k][0]);
		ck_assert_uint_eq(d->delivered_after_deferral, s.dtruth[k][1]);
		ck_assert_uint_eq(d->bounced_first, s.dtruth[k][2]);
		ck_assert_uint_eq(d->bounced_after_deferral, s.dtruth[k][3]);
		ck_assert_uint_eq(d->expired, s.dtruth[k][4]);
		ck_assert_uint_eq(d->still_deferred, s.dtruth[k][5]);
		ck_assert_uint_eq(d->delay_after_deferral.samples,
		    s.dtruth[k][6]);
		ns = s.dtruth[k][6];
		if (ns == 0)
			continue;
		/* Within a domain bucket's half width (1/16). */
		qsort(s.dafter[k], ns, sizeof(double), cmp_double);
		ck_assert(d->delay_after_deferral.max == s.dafter[k][ns - 1]);
		near_within(d->delay_after_deferral.p50, s.dafter[k], ns, 50,
		    BS_OUTCOME_DOMAIN_DELAY_ERROR);
		near_within(d->delay_after_deferral.p90, s.dafter[k], ns, 90,
		    BS_OUTCOME_DOMAIN_DELAY_ERROR);
		near_within(d->delay_after_deferral.p99, s.dafter[k], ns, 99,
		    BS_OUTCOME_DOMAIN_DELAY_ERROR);
	}
	ck_assert_uint_eq(w->nby_domain, 37);
	ck_assert_uint_eq(w->delay_delivered.samples, s.ndelays);
	ck_assert_uint_eq(w->delay_after_deferral.samples, s.nafter);
	qsort(s.delays, s.ndelays, sizeof(double), cmp_double);
	qsort(s.after, s.nafter, sizeof(double), cmp_double);
	ck_assert(w->delay_delivered.max == s.delays[s.ndelays - 1]);
	ck_assert(w->delay_after_deferral.max == s.after[s.nafter - 1]);
	near(w->delay_delivered.p50, s.delays, s.ndelays, 50, "delivered");
	near(w->delay_delivered.p90, s.delays, s.ndelays, 90, "delivered");
	near(w->delay_delivered.p99, s.delays, s.ndelays, 99, "delivered");
	near(w->delay_after_deferral.p50, s.after, s.nafter, 50, "after");
	near(w->delay_after_deferral.p90, s.after, s.nafter, 90, "after");
	near(w->delay_after_deferral.p99, s.after, s.nafter, 99, "after");

	/* -j: pieces of the file at many sizes and offsets, 2 and 3 jobs. */
	for (i = 1; i < 40; i++) {
		unsigned long long size = len / (i + 1) + i * 7;
		unsigned long long first = len * i / 41 + 1;
		struct bs_agg *a = read_paths(paths, 1, 2 + i % 2, first, size);

		QUIET_CHECK(
		    same_outcomes(bs_agg_outcomes(a), w, why, sizeof(why)),
		    "pieces %llu+%llu: %s", first, size, why);
		bs_agg_free(a);
	}
	/* Rotated files: the log cut into three at line starts. */
	for (i = 1; i < 12; i++) {
		size_t c1 = starts[s.n * i / 24],
		       c2 = starts[s.n * (i + 12) / 24];
		unsigned jobs;
		size_t f;

		for (f = 0; f < 3; f++) {
			size_t from = f == 0 ? 0 : f == 1 ? c1 : c2;
			size_t to = f == 0 ? c1 : f == 1 ? c2 : len;

			snprintf(names[f], sizeof(names[f]), "%s/part%zu.log",
			    tmpdir, f);
			spill(names[f], text + from, to - from);
			paths[f] = names[f];
		}
		for (jobs = 1; jobs <= 3; jobs += 2) {
			struct bs_agg *a = read_paths(paths, 3, jobs, 0, 0);

			QUIET_CHECK(same_outcomes(bs_agg_outcomes(a), w, why,
					sizeof(why)),
			    "files cut at %zu, %zu, -j%u: %s", c1, c2, jobs,
			    why);
			bs_agg_free(a);
		}
		paths[0] = path;
	}
	bs_agg_free(whole);
	free(text);
	free(starts);
	free(s.lines);
	free(s.delays);
	free(s.after);
	for (i = 0; i < 37; i++)
		free(s.dafter[i]);
}
END_TEST

/* --- the parts alone ----------------------------------------------------- */

/* Every bucket holds values within BS_OUTCOME_DELAY_ERROR of its value. */
START_TEST(test_buckets)
{
	uint64_t st = 12345;
	size_t i;

	for (i = 0; i < 2000000; i++) {
		double v = i < 100000 ?
		    (double)i / 100.0 :
		    (double)(bs_test_rand(&st) % 4000000000u) / 100.0;
		double got = bs_outcome_bucket_value(bs_outcome_bucket(v));

		QUIET_CHECK(fabs(got - v) <= v * BS_OUTCOME_DELAY_ERROR + 0.005,
		    "%g reads as %g", v, got);
	}
}
END_TEST

static void
deferral(struct bs_event *ev, char *rcpt, size_t n, unsigned i)
{
	bs_event_init(ev);
	ev->kind = BS_DEFERRED;
	snprintf(rcpt, n, "r%u@example.net", i);
	ev->recipient.ptr = rcpt;
	ev->recipient.len = strlen(rcpt);
	ev->msgid = "QID";
	ev->msgid_len = 3;
}

/*
 * More recipients in flight than the budget: the ones past it are not
 * followed, and the counts say by how much they may be off.  A piece
 * takes nothing from the budget.
 */
START_TEST(test_budget)
{
	struct bs_outcome *o = bs_outcome_new(), *p, *w;
	unsigned n = BS_OUTCOME_RECIPIENTS + 1000, i;
	const struct bs_outcomes *r;
	struct bs_event ev;
	char rcpt[64];

	ck_assert_ptr_nonnull(o);
	p = bs_outcome_new_after(o, true);
	w = bs_outcome_new_after(o, false);
	for (i = 0; i < n; i++) {
		deferral(&ev, rcpt, sizeof(rcpt), i);
		/* One message per 16 recipients. */
		ck_assert_int_eq(
		    bs_outcome_event(o, &ev,
			bs_hash_bytes(&(unsigned){ i / 16 }, sizeof(i)) >> 16),
		    BS_OK);
		ck_assert_int_eq(
		    bs_outcome_event(p, &ev,
			bs_hash_bytes(&(unsigned){ i / 16 }, sizeof(i)) >> 16),
		    BS_OK);
	}
	/* The budget is spent: a whole input beside it follows nobody. */
	ck_assert_int_eq(bs_outcome_event(w, &ev, 77), BS_OK);
	ck_assert_int_eq(bs_outcome_finish(o), BS_OK);
	r = bs_outcome_results(o);
	ck_assert(r->estimated);
	ck_assert_uint_eq(r->error_bound, 1000);
	ck_assert_uint_eq(r->still_deferred, BS_OUTCOME_RECIPIENTS);
	ck_assert_uint_eq(r->domains[0].count, BS_OUTCOME_RECIPIENTS);
	ck_assert_int_eq(bs_outcome_finish(p), BS_OK);
	ck_assert(!bs_outcome_results(p)->estimated);
	ck_assert_uint_eq(bs_outcome_results(p)->still_deferred, n);
	ck_assert_int_eq(bs_outcome_finish(w), BS_OK);
	ck_assert(bs_outcome_results(w)->estimated);
	bs_outcome_free(p);
	bs_outcome_free(w);
	bs_outcome_free(o);
}
END_TEST

/* An event of recipient rcpt of message msg at time t, with delay=. */
static bs_status
at(struct bs_outcome *o, enum bs_kind kind, const char *rcpt, unsigned msg,
    time_t t, double delay)
{
	struct bs_event ev;

	bs_event_init(&ev);
	ev.kind = kind;
	ev.recipient.ptr = rcpt;
	ev.recipient.len = strlen(rcpt);
	ev.timed = true;
	ev.time = t;
	ev.delay = delay;
	ev.delay_since_arrival = true;
	return bs_outcome_event(o, &ev, (uint64_t)msg << 20);
}

/*
 * A piece of a split file lists apart the end of a recipient whose
 * message arrived in it (its time less delay= is BS_OUTCOME_ARRIVED
 * seconds or more past the piece's first event), and the merge counts
 * the list at once when every event of the part before came earlier.
 * So a delivery that says it came later than it was first deferred is
 * taken at its word there; within the margin, or with an arrival before
 * the piece, the end is kept and joins the part before's deferral.
 */
START_TEST(test_arrived_here)
{
	struct bs_outcome *o = bs_outcome_new(), *p;
	const struct bs_outcomes *r;
	const time_t t0 = 100000;

	ck_assert_ptr_nonnull(o);
	p = bs_outcome_new_after(o, true);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(at(o, BS_DEFERRED, "a@example.net", 1, 1000, 5),
	    BS_OK);
	ck_assert_int_eq(at(o, BS_DEFERRED, "c@example.net", 3, 1000, 5),
	    BS_OK);
	ck_assert_int_eq(at(o, BS_DEFERRED, "d@example.net", 4, 1000, 5),
	    BS_OK);
	/* The part after: its first event. */
	ck_assert_int_eq(at(p, BS_DELIVERED, "x@example.org", 9, t0, 1), BS_OK);
	/* Arrived before the part: joins. */
	ck_assert_int_eq(
	    at(p, BS_DELIVERED, "a@example.net", 1, t0 + 5000, t0 + 4005),
	    BS_OK);
	/* Says it arrived here, long after the part began: counted. */
	ck_assert_int_eq(at(p, BS_DELIVERED, "c@example.net", 3, t0 + 5000, 2),
	    BS_OK);
	/* Within the margin: kept, joins. */
	ck_assert_int_eq(at(p, BS_DELIVERED, "d@example.net", 4,
			     t0 + BS_OUTCOME_ARRIVED - 1, 0),
	    BS_OK);
	ck_assert_int_eq(bs_outcome_merge(o, p), BS_OK);
	ck_assert_int_eq(bs_outcome_finish(o), BS_OK);
	r = bs_outcome_results(o);
	ck_assert_uint_eq(r->recipients, 5);
	ck_assert_uint_eq(r->delivered_after_deferral, 2);
	ck_assert_uint_eq(r->delivered_first, 2);
	ck_assert_uint_eq(r->still_deferred, 1);
	bs_outcome_free(p);
	bs_outcome_free(o);

	/*
	 * Out of order: the part before has an event later than the
	 * piece's first, so the piece's list is joined record by record and
	 * e's delivery ends its deferral, whatever delay= says.
	 */
	o = bs_outcome_new();
	ck_assert_ptr_nonnull(o);
	p = bs_outcome_new_after(o, true);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(at(o, BS_DEFERRED, "e@example.net", 5, 2 * t0, 5),
	    BS_OK);
	ck_assert_int_eq(at(p, BS_DELIVERED, "x@example.org", 9, t0, 1), BS_OK);
	ck_assert_int_eq(at(p, BS_DELIVERED, "e@example.net", 5, t0 + 5000, 2),
	    BS_OK);
	ck_assert_int_eq(bs_outcome_merge(o, p), BS_OK);
	ck_assert_int_eq(bs_outcome_finish(o), BS_OK);
	r = bs_outcome_results(o);
	ck_assert_uint_eq(r->recipients, 2);
	ck_assert_uint_eq(r->delivered_after_deferral, 1);
	ck_assert_uint_eq(r->still_deferred, 0);
	bs_outcome_free(p);
	bs_outcome_free(o);
}
END_TEST

Suite *
outcome_suite(void)
{
	Suite *s = suite_create("outcome");
	TCase *tc = tcase_create("outcome");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_table, 0,
	    sizeof(table) / sizeof(table[0]));
	tcase_add_test(tc, test_by_domain);
	tcase_add_test(tc, test_hops);
	tcase_add_test(tc, test_across_files);
	tcase_add_loop_test(tc, test_generated, 0, 4);
	tcase_add_test(tc, test_buckets);
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_arrived_here);
	suite_add_tcase(s, tc);
	return s;
}
