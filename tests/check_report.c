/*
 * check_report.c - the CSV and Prometheus writers (src/report_csv.c,
 * src/report_prom.c) over an aggregate built event by event, compared
 * byte for byte; and the two escapers they rely on, bs_safe_csv (formula
 * neutralisation, RFC 4180 quoting) and bs_safe_prom_label.
 *
 * The meaning and hint columns of the CSV come from the catalog, whose
 * wording is not this writer's business: the test takes them from
 * bs_catalog_describe and checks that they sit, quoted, where they
 * belong.  Everything else is written out literally.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "catalog.h"
#include "report.h"
#include "safe.h"
#include "suites.h"

/* An input path that tries every trick on every medium. */
static const char hostile_path[] =
    "/var/log/\"evil\"\\path\nbouncestat_input_errors 0\r=cmd|' /C calc'!A0"
    "\x1b[2J";

struct feed {
	enum bs_kind kind;
	const char *basic, *enhanced;
	unsigned connfail;
	const char *msgid;	/* NULL: no message id yet */
};

static const struct feed events[] = {
	{ BS_BOUNCED, "550", "5.1.1", 0, "q1" },
	{ BS_BOUNCED, "550", "5.1.1", 0, "q2" },
	{ BS_BOUNCED, "550", "5.1.1", 0, "q2" },
	{ BS_DEFERRED, "451", "4.7.1", 0, "q3" },
	{ BS_DEFERRED, "451", "4.7.1", 0, "q3" },
	{ BS_DELIVERED, "250", "2.0.0", 0, "q4" },
	{ BS_REJECTED, "554", "5.7.1", 0, NULL },
	{ BS_DEFERRED, "", "", BS_CONN_REFUSED, "q5" },
	{ BS_EXPIRED, "", "", 0, "q6" },
	{ BS_BOUNCED, "", "5.7.26", 0, "q7" },
};

static struct bs_agg *
build(bool with_events)
{
	struct bs_agg *a = bs_agg_new(false);
	struct bs_input_stats *s;
	long i;
	size_t k;

	ck_assert_ptr_nonnull(a);
	i = bs_agg_input_add(a, "mail.log");
	ck_assert_int_ge(i, 0);
	s = bs_agg_input_stats(a, (size_t)i);
	s->format = "postfix";
	s->lines = 40;
	s->events = with_events ? 10 : 0;
	s->untimed = with_events ? 3 : 0;
	s->outside = with_events ? 5 : 0;
	i = bs_agg_input_add(a, hostile_path);
	ck_assert_int_ge(i, 0);
	s = bs_agg_input_stats(a, (size_t)i);
	s->lines = 2;
	s->outside = with_events ? 2 : 0;
	snprintf(s->error, sizeof(s->error), "unexpected end of compressed "
	    "data after line 2 (partial results kept)");
	for (k = 0; with_events && k < sizeof(events) / sizeof(events[0]);
	    k++) {
		struct bs_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.kind = events[k].kind;
		snprintf(ev.codes.basic, sizeof(ev.codes.basic), "%s",
		    events[k].basic);
		snprintf(ev.codes.enhanced, sizeof(ev.codes.enhanced), "%s",
		    events[k].enhanced);
		ev.connfail = events[k].connfail;
		ev.msgid = events[k].msgid;
		ev.msgid_len = ev.msgid ? strlen(ev.msgid) : 0;
		ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	}
	bs_agg_finish(a);
	return a;
}

typedef int (*writer_fn)(FILE *, const struct bs_agg *,
    const struct bs_report_opts *);

/* What a writer printed, as a string the caller frees. */
static char *
render(writer_fn fn, const struct bs_agg *a, const struct bs_report_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fn(f, a, o), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* --- CSV ---------------------------------------------------------------- */

#define CSV_HEADER "kind,basic,enhanced,count,messages,messages_estimated," \
	"category,document,meaning,hint,period_first,period_last\r\n"

/*
 * The rows in report order (most events first, then kind, then codes,
 * absent codes last), the first eight cells literal.
 */
static const struct {
	const char *cells;
	const char *basic, *enhanced;
	unsigned connfail;
} csv_rows[] = {
	{ "\"bounced\",\"550\",\"5.1.1\",\"3\",\"2\",\"false\",\"5xx\","
	    "\"5.5.0 5.1.1\",", "550", "5.1.1", 0 },
	{ "\"deferred\",\"451\",\"4.7.1\",\"2\",\"1\",\"false\",\"4xx\","
	    "\"4.5.1 4.7.1\",", "451", "4.7.1", 0 },
	{ "\"delivered\",\"250\",\"2.0.0\",\"1\",\"1\",\"false\",\"2xx\","
	    "\"2.5.0\",", "250", "2.0.0", 0 },
	{ "\"deferred\",\"\",\"\",\"1\",\"1\",\"false\",\"1xx\",\"1.1.1\",",
	    "", "", BS_CONN_REFUSED },
	{ "\"bounced\",\"\",\"5.7.26\",\"1\",\"1\",\"false\",\"5xx\",\"\",",
	    "", "5.7.26", 0 },
	{ "\"expired\",\"\",\"\",\"1\",\"1\",\"false\",\"\",\"\",", "", "", 0 },
	{ "\"rejected\",\"554\",\"5.7.1\",\"1\",\"0\",\"false\",\"5xx\","
	    "\"5.5.4 5.7.1\",", "554", "5.7.1", 0 },
};

/*
 * A catalog text as its CSV cell.  The catalog is the project's own
 * prose: plain text without quotes or controls, not opening like a
 * formula.  Say so loudly if that ever changes, rather than quietly
 * re-implementing the escaper here.
 */
static void
catalog_cell(char *dst, size_t dstsz, const char *s)
{
	size_t i;

	if (s == NULL)
		s = "";
	for (i = 0; s[i] != '\0'; i++)
		ck_assert_msg(s[i] != '"' && (unsigned char)s[i] >= 0x20,
		    "catalog text needs escaping: %s", s);
	ck_assert_msg(strchr("=+-@", s[0]) == NULL || s[0] == '\0',
	    "catalog text opens like a formula: %s", s);
	snprintf(dst, dstsz, "\"%s\"", s);
}

START_TEST(test_csv)
{
	struct bs_report_opts o = { .width = 80 };
	struct bs_agg *a = build(true);
	char *got = render(bs_report_csv, a, &o);
	char want[8192], meaning[1024], hint[1024];
	size_t i, len;

	len = (size_t)snprintf(want, sizeof(want), "%s", CSV_HEADER);
	for (i = 0; i < sizeof(csv_rows) / sizeof(csv_rows[0]); i++) {
		struct bs_codes c;
		struct bs_description d;

		memset(&c, 0, sizeof(c));
		snprintf(c.basic, sizeof(c.basic), "%s", csv_rows[i].basic);
		snprintf(c.enhanced, sizeof(c.enhanced), "%s",
		    csv_rows[i].enhanced);
		bs_catalog_describe(&c, csv_rows[i].connfail, &d);
		catalog_cell(meaning, sizeof(meaning), d.meaning);
		catalog_cell(hint, sizeof(hint), d.hint);
		len += (size_t)snprintf(want + len, sizeof(want) - len,
		    "%s%s,%s,\"\",\"\"\r\n", csv_rows[i].cells, meaning,
		    hint);	/* no event had a time: no period */
		ck_assert_uint_lt(len, sizeof(want));
	}
	ck_assert_str_eq(got, want);
	/* Paths are not part of the CSV, hostile or not. */
	ck_assert_ptr_null(strstr(got, "evil"));
	free(got);
	bs_agg_free(a);
}
END_TEST

/* Every row has twelve cells, and the catalog columns are filled. */
START_TEST(test_csv_shape)
{
	struct bs_report_opts o = { .width = 80 };
	struct bs_agg *a = build(true);
	char *got = render(bs_report_csv, a, &o);
	const char *p;
	size_t lines = 0;

	for (p = got; *p != '\0'; lines++) {
		const char *end = strstr(p, "\r\n");
		size_t cells = 1;
		bool quoted = false;

		ck_assert_ptr_nonnull(end);
		for (; p < end; p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (*p == ',' && !quoted)
				cells++;
			ck_assert(*p != '\n' && *p != '\r');
		}
		ck_assert(!quoted);
		ck_assert_uint_eq(cells, 12);
		p = end + 2;
	}
	ck_assert_uint_eq(lines, 1 + sizeof(csv_rows) / sizeof(csv_rows[0]));
	free(got);
	bs_agg_free(a);
}
END_TEST

START_TEST(test_csv_empty)
{
	struct bs_report_opts o = { .width = 80 };
	struct bs_agg *a = build(false);
	char *got = render(bs_report_csv, a, &o);

	ck_assert_str_eq(got, CSV_HEADER);
	free(got);
	bs_agg_free(a);
}
END_TEST

/* One cell through bs_safe_csv, and what a spreadsheet must receive. */
struct csv_cell_case {
	const char *in;
	size_t len;
	const char *want;
};

#define B(s)	s, sizeof(s) - 1

static const struct csv_cell_case csv_cells[] = {
	{ B(""), "\"\"" },
	{ B("550"), "\"550\"" },
	{ B("a,b"), "\"a,b\"" },
	{ B("say \"hi\""), "\"say \"\"hi\"\"\"" },
	{ B("\""), "\"\"\"\"" },
	/* Formula openers get an apostrophe, the rest of the text stays. */
	{ B("=1+1"), "\"'=1+1\"" },
	{ B("=HYPERLINK(\"http://x\",\"y\")"),
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
	{ B("+1"), "\"'+1\"" },
	{ B("-1"), "\"'-1\"" },
	{ B("@SUM(A1:A9)"), "\"'@SUM(A1:A9)\"" },
	{ B("\t=1"), "\"' =1\"" },
	{ B("\r=1"), "\"' =1\"" },
	/* Only the first character counts. */
	{ B("1=1"), "\"1=1\"" },
	{ B(" =1"), "\" =1\"" },
	/* Line breaks and controls never split a record. */
	{ B("a\nb"), "\"a b\"" },
	{ B("a\r\nb"), "\"a  b\"" },
	{ B("a\x1b[2Jb"), "\"a [2Jb\"" },
	{ B("nul\0byte"), "\"nul byte\"" },
	/* Invalid UTF-8 becomes U+FFFD; valid UTF-8 passes. */
	{ B("a\xff" "b"), "\"a\xef\xbf\xbd" "b\"" },
	{ B("Gr\xc3\xbc\xc3\x9f" "e"), "\"Gr\xc3\xbc\xc3\x9f" "e\"" },
};

START_TEST(test_csv_cell)
{
	const struct csv_cell_case *c = &csv_cells[_i];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	bs_safe_csv(f, c->in, c->len);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(buf, c->want);
	free(buf);
}
END_TEST

/* --- Prometheus ----------------------------------------------------------- */

#define W_IN " in the window this run read.\n"

#define PROM_ROWS \
	"# HELP bouncestat_window_events Delivery outcomes and refusals " \
	"per kind and status code," W_IN \
	"# TYPE bouncestat_window_events gauge\n" \
	"bouncestat_window_events{kind=\"bounced\",basic=\"550\"," \
	"enhanced=\"5.1.1\",connection=\"\"} 3\n" \
	"bouncestat_window_events{kind=\"deferred\",basic=\"451\"," \
	"enhanced=\"4.7.1\",connection=\"\"} 2\n" \
	"bouncestat_window_events{kind=\"delivered\",basic=\"250\"," \
	"enhanced=\"2.0.0\",connection=\"\"} 1\n" \
	"bouncestat_window_events{kind=\"deferred\",basic=\"\"," \
	"enhanced=\"\",connection=\"refused\"} 1\n" \
	"bouncestat_window_events{kind=\"bounced\",basic=\"\"," \
	"enhanced=\"5.7.26\",connection=\"\"} 1\n" \
	"bouncestat_window_events{kind=\"expired\",basic=\"\"," \
	"enhanced=\"\",connection=\"\"} 1\n" \
	"bouncestat_window_events{kind=\"rejected\",basic=\"554\"," \
	"enhanced=\"5.7.1\",connection=\"\"} 1\n" \
	"# HELP bouncestat_window_messages Distinct messages among the " \
	"events of a kind and status code (an estimate past about a million " \
	"message ids)," W_IN \
	"# TYPE bouncestat_window_messages gauge\n" \
	"bouncestat_window_messages{kind=\"bounced\",basic=\"550\"," \
	"enhanced=\"5.1.1\",connection=\"\"} 2\n" \
	"bouncestat_window_messages{kind=\"deferred\",basic=\"451\"," \
	"enhanced=\"4.7.1\",connection=\"\"} 1\n" \
	"bouncestat_window_messages{kind=\"delivered\",basic=\"250\"," \
	"enhanced=\"2.0.0\",connection=\"\"} 1\n" \
	"bouncestat_window_messages{kind=\"deferred\",basic=\"\"," \
	"enhanced=\"\",connection=\"refused\"} 1\n" \
	"bouncestat_window_messages{kind=\"bounced\",basic=\"\"," \
	"enhanced=\"5.7.26\",connection=\"\"} 1\n" \
	"bouncestat_window_messages{kind=\"expired\",basic=\"\"," \
	"enhanced=\"\",connection=\"\"} 1\n" \
	"bouncestat_window_messages{kind=\"rejected\",basic=\"554\"," \
	"enhanced=\"5.7.1\",connection=\"\"} 0\n"

#define PROM_TOTALS(d, f, b, e, r, out, unt) \
	"# HELP bouncestat_window_kind_events Events per kind," W_IN \
	"# TYPE bouncestat_window_kind_events gauge\n" \
	"bouncestat_window_kind_events{kind=\"delivered\"} " d "\n" \
	"bouncestat_window_kind_events{kind=\"deferred\"} " f "\n" \
	"bouncestat_window_kind_events{kind=\"bounced\"} " b "\n" \
	"bouncestat_window_kind_events{kind=\"expired\"} " e "\n" \
	"bouncestat_window_kind_events{kind=\"rejected\"} " r "\n" \
	"# HELP bouncestat_window_lines Log lines read," W_IN \
	"# TYPE bouncestat_window_lines gauge\n" \
	"bouncestat_window_lines 42\n" \
	"# HELP bouncestat_window_content_filter_hops Deliveries that " \
	"handed mail to a content filter on this host, which queued it " \
	"again (counted in kind=\"delivered\" too)," W_IN \
	"# TYPE bouncestat_window_content_filter_hops gauge\n" \
	"bouncestat_window_content_filter_hops 0\n" \
	"# HELP bouncestat_window_notifications_sent Delivery status " \
	"notifications this server sent, per type," W_IN \
	"# TYPE bouncestat_window_notifications_sent gauge\n" \
	"bouncestat_window_notifications_sent{type=\"non_delivery\"} 0\n" \
	"bouncestat_window_notifications_sent{type=\"delay\"} 0\n" \
	"bouncestat_window_notifications_sent{type=\"success\"} 0\n" \
	"# HELP bouncestat_window_notifications_failed Notifications this " \
	"server sent that were bounced, deferred or refused in turn (a sign " \
	"of backscatter)," W_IN \
	"# TYPE bouncestat_window_notifications_failed gauge\n" \
	"bouncestat_window_notifications_failed 0\n" \
	"# HELP bouncestat_window_server_warnings Lines of the mail " \
	"server's own trouble (Postfix warning: and fatal:, Exim " \
	"Warning: and paniclog) per severity; not events," W_IN \
	"# TYPE bouncestat_window_server_warnings gauge\n" \
	"bouncestat_window_server_warnings{severity=\"warning\"} 0\n" \
	"bouncestat_window_server_warnings{severity=\"error\"} 0\n" \
	"bouncestat_window_server_warnings{severity=\"fatal\"} 0\n" \
	"bouncestat_window_server_warnings{severity=\"panic\"} 0\n" \
	"# HELP bouncestat_window_input_errors Inputs that could not be " \
	"read completely," W_IN \
	"# TYPE bouncestat_window_input_errors gauge\n" \
	"bouncestat_window_input_errors 1\n" \
	"# HELP bouncestat_window_excluded_events Events left out by " \
	"--since/--until: outside the window, or untimed (no readable " \
	"timestamp)," W_IN \
	"# TYPE bouncestat_window_excluded_events gauge\n" \
	"bouncestat_window_excluded_events{reason=\"outside\"} " out "\n" \
	"bouncestat_window_excluded_events{reason=\"untimed\"} " unt "\n"

/*
 * got is a, b and c one after the other (the expected reports are kept in
 * parts: C compilers need not take string literals past 4095 bytes).
 */
static void
assert_concat(const char *got, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b);

	ck_assert_msg(strncmp(got, a, la) == 0, "differs in the first part:\n%s",
	    got);
	ck_assert_msg(strncmp(got + la, b, lb) == 0,
	    "differs in the second part:\n%s", got + la);
	ck_assert_str_eq(got + la + lb, c);
}

START_TEST(test_prom)
{
	struct bs_report_opts o = { .width = 80 };
	struct bs_agg *a = build(true);
	char *got = render(bs_report_prom, a, &o);

	assert_concat(got, PROM_ROWS, PROM_TOTALS("1", "3", "4", "1", "1", "7",
	    "3"), "");
	ck_assert_ptr_null(strstr(got, "evil"));
	free(got);
	bs_agg_free(a);
}
END_TEST

START_TEST(test_prom_now)
{
	struct bs_report_opts o = { .width = 80, .now = 1795867200 };
	struct bs_agg *a = build(true);
	char *got = render(bs_report_prom, a, &o);

	assert_concat(got, PROM_ROWS, PROM_TOTALS("1", "3", "4", "1", "1", "7",
	    "3"),
	    "# HELP bouncestat_last_run_timestamp_seconds When this report "
	    "was made, in seconds since the Unix epoch.\n"
	    "# TYPE bouncestat_last_run_timestamp_seconds gauge\n"
	    "bouncestat_last_run_timestamp_seconds 1795867200\n");
	free(got);
	bs_agg_free(a);
}
END_TEST

/* No events: every family is still described, and every kind is 0. */
START_TEST(test_prom_empty)
{
	struct bs_report_opts o = { .width = 80 };
	struct bs_agg *a = build(false);
	char *got = render(bs_report_prom, a, &o);

	assert_concat(got,
	    "# HELP bouncestat_window_events Delivery outcomes and refusals "
	    "per kind and status code," W_IN
	    "# TYPE bouncestat_window_events gauge\n"
	    "# HELP bouncestat_window_messages Distinct messages among the "
	    "events of a kind and status code (an estimate past about a "
	    "million message ids)," W_IN
	    "# TYPE bouncestat_window_messages gauge\n",
	    PROM_TOTALS("0", "0", "0", "0", "0", "0", "0"), "");
	free(got);
	bs_agg_free(a);
}
END_TEST

/*
 * The value of the sample whose name and labels are series in a report,
 * or -1 when the report has no such sample.
 */
static long long
value_of(const char *report, const char *series)
{
	size_t n = strlen(series);
	const char *p = report;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return -1;
}

#define EV_550 "bouncestat_events_total{kind=\"bounced\",basic=\"550\"," \
	"enhanced=\"5.1.1\",connection=\"\"}"
#define KIND_B "bouncestat_kind_events_total{kind=\"bounced\"}"

/*
 * A follow run: counters.  Each series is written first with 0, then
 * with its count, so that increase() sees the first events; it is
 * written in every later report, and never goes down.
 */
START_TEST(test_prom_follow)
{
	struct bs_prom_state *st = bs_prom_state_new();
	struct bs_report_opts o = { .width = 80, .prom = st };
	struct bs_agg *a = build(true), *empty = build(false);
	char *r1, *r2, *r3;

	ck_assert_ptr_nonnull(st);
	r1 = render(bs_report_prom, a, &o);
	r2 = render(bs_report_prom, a, &o);
	r3 = render(bs_report_prom, empty, &o);
	ck_assert_ptr_nonnull(strstr(r1,
	    "# HELP bouncestat_events_total Delivery outcomes and refusals "
	    "per kind and status code, since following started.\n"
	    "# TYPE bouncestat_events_total counter\n" EV_550 " 0\n"));
	ck_assert_ptr_nonnull(strstr(r1,
	    "# TYPE bouncestat_kind_events_total counter\n"
	    "bouncestat_kind_events_total{kind=\"delivered\"} 0\n"));
	ck_assert_int_eq(value_of(r1, KIND_B), 0);
	ck_assert_int_eq(value_of(r1, "bouncestat_lines_total"), 0);
	ck_assert_int_eq(value_of(r1, "bouncestat_window_excluded_events_total"
	    "{reason=\"outside\"}"), 0);
	/* Gauges are what they are at once. */
	ck_assert_ptr_nonnull(strstr(r1, "# TYPE bouncestat_messages gauge\n"
	    "bouncestat_messages{kind=\"bounced\",basic=\"550\","
	    "enhanced=\"5.1.1\",connection=\"\"} 2\n"));
	ck_assert_int_eq(value_of(r1, "bouncestat_input_errors"), 1);
	ck_assert_ptr_null(strstr(r1, "window_events"));

	ck_assert_int_eq(value_of(r2, EV_550), 3);
	ck_assert_int_eq(value_of(r2, KIND_B), 4);
	ck_assert_int_eq(value_of(r2, "bouncestat_lines_total"), 42);
	ck_assert_int_eq(value_of(r2, "bouncestat_window_excluded_events_total"
	    "{reason=\"outside\"}"), 7);
	ck_assert_int_eq(value_of(r2, "bouncestat_events_total{"
	    "kind=\"expired\",basic=\"\",enhanced=\"\",connection=\"\"}"), 1);
	ck_assert_str_eq(r2 + strlen(r2) - 1, "\n");

	/* Counts that went down (they cannot, in one run) are held. */
	ck_assert_int_eq(value_of(r3, EV_550), 3);
	ck_assert_int_eq(value_of(r3, KIND_B), 4);
	ck_assert_int_eq(value_of(r3, "bouncestat_lines_total"), 42);
	ck_assert_int_eq(value_of(r3, "bouncestat_events_total{"
	    "kind=\"rejected\",basic=\"554\",enhanced=\"5.7.1\","
	    "connection=\"\"}"), 1);
	/* A gauge is written on too: its last value. */
	ck_assert_int_eq(value_of(r3, "bouncestat_messages{kind=\"bounced\","
	    "basic=\"550\",enhanced=\"5.1.1\",connection=\"\"}"), 2);
	ck_assert_int_eq(value_of(r3, "bouncestat_input_errors"), 1);
	free(r1);
	free(r2);
	free(r3);
	bs_prom_state_free(st);
	bs_prom_state_free(NULL);
	bs_agg_free(a);
	bs_agg_free(empty);
}
END_TEST

/* One bounce to rcpt, with the reason "userunknown" (hard). */
static void
feed_domain(struct bs_agg *a, const char *rcpt)
{
	struct bs_event ev;

	bs_event_init(&ev);
	ev.kind = BS_BOUNCED;
	snprintf(ev.codes.basic, sizeof(ev.codes.basic), "550");
	snprintf(ev.codes.enhanced, sizeof(ev.codes.enhanced), "5.1.1");
	ev.recipient.ptr = rcpt;
	ev.recipient.len = strlen(rcpt);
	ev.reason = "userunknown";
	ev.hard = 1;
	ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
}

static struct bs_agg *
by_agg(void)
{
	struct bs_agg *a = bs_agg_new(false);
	enum bs_by keys[] = { BS_BY_DOMAIN, BS_BY_REASON };

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(bs_agg_set_by(a, keys, 2, false), BS_OK);
	return a;
}

#define BY(key) "bouncestat_by_events_total{by=\"domain\",key=\"" key \
	"\",kind=\"bounced\"}"

/*
 * Breakdown keys in a follow run: first come, first labelled, up to
 * --top, and for good; the later ones are summed under "other" for good,
 * however many events they get, so that no series goes down.
 */
START_TEST(test_prom_follow_by)
{
	struct bs_prom_state *st = bs_prom_state_new();
	struct bs_report_opts o = { .width = 80, .top = 1, .prom = st };
	struct bs_agg *a = by_agg();
	char *r;
	int i;

	ck_assert_ptr_nonnull(st);
	feed_domain(a, "x@a.example");
	feed_domain(a, "y@a.example");
	bs_agg_finish(a);
	r = render(bs_report_prom, a, &o);
	ck_assert_int_eq(value_of(r, BY("a.example")), 0);
	ck_assert_int_eq(value_of(r, BY("other")), 0);
	ck_assert_int_eq(value_of(r, "bouncestat_reason_events_total{"
	    "reason=\"userunknown\",kind=\"bounced\"}"), 0);
	ck_assert_int_eq(value_of(r, "bouncestat_reason_hard_events_total{"
	    "reason=\"userunknown\"}"), 0);
	/* The reasons are their own family, not a breakdown's. */
	ck_assert_ptr_null(strstr(r, "by=\"reason\""));
	free(r);
	for (i = 0; i < 5; i++)
		feed_domain(a, "z@b.example");
	bs_agg_finish(a);
	r = render(bs_report_prom, a, &o);
	ck_assert_int_eq(value_of(r, BY("a.example")), 2);
	/* Heavier, but later: summed under "other", never labelled. */
	ck_assert_int_eq(value_of(r, BY("b.example")), -1);
	ck_assert_int_eq(value_of(r, BY("other")), 5);
	ck_assert_int_eq(value_of(r, "bouncestat_reason_events_total{"
	    "reason=\"userunknown\",kind=\"bounced\"}"), 7);
	ck_assert_int_eq(value_of(r, "bouncestat_reason_hard_events_total{"
	    "reason=\"userunknown\"}"), 7);
	free(r);
	feed_domain(a, "w@a.example");
	feed_domain(a, "v@c.example");
	bs_agg_finish(a);
	r = render(bs_report_prom, a, &o);
	ck_assert_int_eq(value_of(r, BY("a.example")), 3);
	ck_assert_int_eq(value_of(r, BY("b.example")), -1);
	ck_assert_int_eq(value_of(r, BY("c.example")), -1);
	ck_assert_int_eq(value_of(r, BY("other")), 6);
	free(r);
	bs_prom_state_free(st);
	bs_agg_free(a);
}
END_TEST

/*
 * A batch run labels the top keys by failures; two keys that escape to
 * the same label value are one series, their sum (a repeated series
 * would make the collector drop the file).
 */
START_TEST(test_prom_by_batch)
{
	struct bs_report_opts o = { .width = 80, .top = 2 };
	struct bs_agg *a = by_agg();
	char *r;
	int i;

	feed_domain(a, "x@z.example");
	for (i = 0; i < 3; i++)
		feed_domain(a, "x@b.example");
	feed_domain(a, "x@bad\x01");
	feed_domain(a, "x@bad\x02");
	feed_domain(a, "x@bad\x03");
	bs_agg_finish(a);
	r = render(bs_report_prom, a, &o);
	ck_assert_int_eq(value_of(r, "bouncestat_window_by_events{"
	    "by=\"domain\",key=\"b.example\",kind=\"bounced\"}"), 3);
	/* The second label: one of the three, and all of them summed. */
	ck_assert_int_eq(value_of(r, "bouncestat_window_by_events{"
	    "by=\"domain\",key=\"bad \",kind=\"bounced\"}"), 3);
	ck_assert_int_eq(value_of(r, "bouncestat_window_by_events{"
	    "by=\"domain\",key=\"z.example\",kind=\"bounced\"}"), -1);
	ck_assert_int_eq(value_of(r, "bouncestat_window_by_events{"
	    "by=\"domain\",key=\"other\",kind=\"bounced\"}"), 1);
	ck_assert_int_eq(value_of(r, "bouncestat_window_reason_events{"
	    "reason=\"userunknown\",kind=\"bounced\"}"), 7);
	free(r);
	bs_agg_free(a);
}
END_TEST

/*
 * The exposition format's own rules: lines end in "\n" (the last one
 * too), no family is described twice, no series repeats.
 */
START_TEST(test_prom_rules)
{
	struct bs_report_opts o = { .width = 80, .now = 1 };
	struct bs_agg *a = build(true);
	char *got = render(bs_report_prom, a, &o);
	char *line, *save = NULL, *seen[64];
	size_t nseen = 0, i, len = strlen(got);

	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(got[len - 1], '\n');
	ck_assert_ptr_null(strchr(got, '\r'));
	for (line = strtok_r(got, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *key = line;

		if (strncmp(line, "# TYPE ", 7) != 0 && line[0] == '#')
			continue;
		/* A sample is keyed by everything before its value. */
		if (line[0] != '#')
			*strrchr(line, ' ') = '\0';
		for (i = 0; i < nseen; i++)
			ck_assert_msg(strcmp(seen[i], key) != 0,
			    "repeated: %s", key);
		ck_assert_uint_lt(nseen, 64);
		seen[nseen++] = key;
	}
	free(got);
	bs_agg_free(a);
}
END_TEST

struct label_case {
	const char *in;
	size_t len;
	const char *want;
};

static const struct label_case labels[] = {
	{ B(""), "\"\"" },
	{ B("5.7.1"), "\"5.7.1\"" },
	{ B("a\"b"), "\"a\\\"b\"" },
	{ B("a\\b"), "\"a\\\\b\"" },
	{ B("a\nb"), "\"a\\nb\"" },
	{ B("\\n"), "\"\\\\n\"" },
	{ B("a\"} 1\nfake_metric{x=\"y"),
	    "\"a\\\"} 1\\nfake_metric{x=\\\"y\"" },
	/* Other controls would be legal but unreadable: spaces. */
	{ B("a\rb\tc\x1b[0m"), "\"a b c [0m\"" },
	{ B("nul\0byte"), "\"nul byte\"" },
	{ B("a\xff" "b"), "\"a\xef\xbf\xbd" "b\"" },
	{ B("\xe2\x82\xac"), "\"\xe2\x82\xac\"" },
	{ B(hostile_path), "\"/var/log/\\\"evil\\\"\\\\path\\n"
	    "bouncestat_input_errors 0 =cmd|' /C calc'!A0 [2J\"" },
};

START_TEST(test_prom_label)
{
	const struct label_case *c = &labels[_i];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	bs_safe_prom_label(f, c->in, c->len);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(buf, c->want);
	free(buf);
}
END_TEST

/* --- both ----------------------------------------------------------------- */

/* A stream that cannot be written is reported, not ignored. */
START_TEST(test_write_error)
{
	struct bs_report_opts o = { .width = 80 };
	struct bs_agg *a = build(true);
	FILE *f = fopen("/dev/null", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(bs_report_csv(f, a, &o), -1);
	clearerr(f);
	ck_assert_int_eq(bs_report_prom(f, a, &o), -1);
	fclose(f);
	bs_agg_free(a);
}
END_TEST

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_csv_shape);
	tcase_add_test(tc, test_csv_empty);
	tcase_add_loop_test(tc, test_csv_cell, 0, N(csv_cells));
	tcase_add_test(tc, test_prom);
	tcase_add_test(tc, test_prom_now);
	tcase_add_test(tc, test_prom_empty);
	tcase_add_test(tc, test_prom_rules);
	tcase_add_test(tc, test_prom_follow);
	tcase_add_test(tc, test_prom_follow_by);
	tcase_add_test(tc, test_prom_by_batch);
	tcase_add_loop_test(tc, test_prom_label, 0, N(labels));
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);
	return s;
}
