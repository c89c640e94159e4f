/*
 * report_prom.c - the report as Prometheus metrics, in the text exposition
 * format (version 0.0.4) that node_exporter's textfile collector reads.
 *
 * Each family is written whole: "# HELP", "# TYPE", then its samples, so
 * no family is split and none is described twice.  Lines end in "\n"
 * only, the last one too, as the format requires.  Samples carry no
 * timestamp: the textfile collector refuses them, and the time of the
 * run is a metric of its own (bouncestat_last_run_timestamp_seconds,
 * written only when the caller passes the time, so that tests stay
 * reproducible).
 *
 * Label values are the kind names, the codes (checked digits and dots),
 * the catalog's categories and fixed words; they go through
 * bs_safe_prom_label all the same.  Absent codes are empty label values, which Prometheus treats
 * as the label not being there; each row still has its own series,
 * because rows differ in kind, basic or enhanced.
 *
 * Input paths are deliberately not labels: two different hostile names
 * can escape to the same label value, and a repeated series makes the
 * collector drop the whole file.  The number of inputs that failed is
 * enough to alert on; the run's standard error says which.
 *
 * The values are those of this run, not running totals: the "_total"
 * counters restart with every run, which rate() and increase() read as
 * counter resets.  Alert on the values themselves.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "agg.h"
#include "catalog.h"
#include "report.h"
#include "safe.h"

static void
family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name="value" from a C string; NULL is the empty value. */
static void
label(FILE *out, const char *name, const char *value, bool first)
{
	if (value == NULL)
		value = "";
	fprintf(out, "%s%s=", first ? "" : ",", name);
	bs_safe_prom_label(out, value, strlen(value));
}

static void
row_labels(FILE *out, const struct bs_row *r)
{
	label(out, "kind", bs_kind_name(r->kind), true);
	label(out, "basic", r->codes.basic, false);
	label(out, "enhanced", r->codes.enhanced, false);
	/* Rows differ by it too: without it two series could be one. */
	label(out, "connection", bs_conn_name(r->connfail), false);
}

static void
write_rows(FILE *out, const struct bs_agg *a)
{
	size_t i, n = bs_agg_nrows(a);

	family(out, "bouncestat_events_total", "counter",
	    "Delivery outcomes and refusals counted in this run, per kind "
	    "and status code.");
	for (i = 0; i < n; i++) {
		const struct bs_row *r = bs_agg_row(a, i);
		struct bs_description d;

		bs_catalog_describe(&r->codes, r->connfail, &d);
		fputs("bouncestat_events_total{", out);
		row_labels(out, r);
		label(out, "category", d.category, false);
		fprintf(out, "} %" PRIu64 "\n", r->count);
	}
	family(out, "bouncestat_messages", "gauge",
	    "Distinct messages among the events of a kind and status code "
	    "(an estimate past about a million message ids).");
	for (i = 0; i < n; i++) {
		const struct bs_row *r = bs_agg_row(a, i);

		fputs("bouncestat_messages{", out);
		row_labels(out, r);
		fprintf(out, "} %" PRIu64 "\n", r->messages);
	}
}

/* Every type, zeros included, so that no series comes and goes. */
static void
write_notifications(FILE *out, const struct bs_agg *a)
{
	static const char *const types[BS_NOTIFY_TYPES] = { "non_delivery",
		"delay", "success" };
	struct bs_notifications r;
	int k;

	bs_agg_notifications(a, &r);
	family(out, "bouncestat_notifications_sent_total", "counter",
	    "Delivery status notifications this server sent, per type.");
	for (k = 0; k < BS_NOTIFY_TYPES; k++)
		fprintf(out, "bouncestat_notifications_sent_total{type=\"%s\"} %"
		    PRIu64 "\n", types[k], r.by_type[k]);
	family(out, "bouncestat_notifications_failed_total", "counter",
	    "Notifications this server sent that were bounced, deferred or "
	    "refused in turn (a sign of backscatter).");
	fprintf(out, "bouncestat_notifications_failed_total %" PRIu64 "\n",
	    r.failed_themselves);
}

static void
write_totals(FILE *out, const struct bs_agg *a)
{
	const struct bs_totals *t = bs_agg_totals(a);
	size_t i, n = bs_agg_ninputs(a);
	uint64_t failed = 0, untimed = 0, outside = 0;
	int k;

	/* Every kind, zeros included, so that no series comes and goes. */
	family(out, "bouncestat_kind_events_total", "counter",
	    "Events counted in this run, per kind.");
	for (k = 0; k < BS_KIND_COUNT; k++) {
		fputs("bouncestat_kind_events_total{", out);
		label(out, "kind", bs_kind_name((enum bs_kind)k), true);
		fprintf(out, "} %" PRIu64 "\n", t->kind[k]);
	}
	family(out, "bouncestat_lines_total", "counter",
	    "Log lines read in this run.");
	fprintf(out, "bouncestat_lines_total %" PRIu64 "\n", t->lines);
	family(out, "bouncestat_content_filter_hops_total", "counter",
	    "Deliveries that handed mail to a content filter on this host, "
	    "which queued it again (counted in kind=\"delivered\" too).");
	fprintf(out, "bouncestat_content_filter_hops_total %" PRIu64 "\n",
	    t->content_filter_hops);
	write_notifications(out, a);
	for (i = 0; i < n; i++) {
		const struct bs_input_stats *s = bs_agg_input(a, i);

		if (s->error[0] != '\0')
			failed++;
		untimed += s->untimed;
		outside += s->outside;
	}
	family(out, "bouncestat_input_errors", "gauge",
	    "Inputs that could not be read completely in this run.");
	fprintf(out, "bouncestat_input_errors %" PRIu64 "\n", failed);
	/*
	 * Zeros without a window too, so that an alert on unreadable times
	 * needs no "absent()" clause.
	 */
	family(out, "bouncestat_window_excluded_events_total", "counter",
	    "Events left out by --since/--until: outside the window, or "
	    "untimed (no readable timestamp).");
	fprintf(out, "bouncestat_window_excluded_events_total"
	    "{reason=\"outside\"} %" PRIu64 "\n"
	    "bouncestat_window_excluded_events_total"
	    "{reason=\"untimed\"} %" PRIu64 "\n", outside, untimed);
}

static void
by_sample(FILE *out, const char *by, const char *key, size_t keylen,
    int kind, uint64_t v)
{
	fputs("bouncestat_by_events_total{", out);
	label(out, "by", by, true);
	fputs(",key=", out);
	bs_safe_prom_label(out, key, keylen);
	label(out, "kind", bs_kind_name((enum bs_kind)kind), false);
	fprintf(out, "} %" PRIu64 "\n", v);
}

/*
 * Breakdowns: only the top keys (--top, by failures) become label
 * values; the rest, whatever their number, are summed under "other", so
 * that a server never sees an unbounded set of series.
 */
static void
write_by(FILE *out, const struct bs_agg *a, unsigned top)
{
	size_t i, j;
	int k;

	if (bs_agg_nby(a) == 0)
		return;
	family(out, "bouncestat_by_events_total", "counter",
	    "Events counted in this run per kind and breakdown key (--by); "
	    "keys past the top ones are summed as key=\"other\", events "
	    "without the key as key=\"(none)\".");
	for (i = 0; i < bs_agg_nby(a); i++) {
		const struct bs_breakdown *b = bs_agg_by(a, i);
		const char *by = bs_by_name(bs_breakdown_by(b));
		uint64_t other[BS_KIND_COUNT] = { 0 }, none[BS_KIND_COUNT] =
		    { 0 };
		bool has_none = false;
		size_t shown = 0;

		for (j = 0; j < bs_breakdown_nrows(b); j++) {
			const struct bs_by_row *r = bs_breakdown_row(b, j);

			for (k = 0; k < BS_KIND_COUNT; k++) {
				if (r->type == BS_BY_ROW_NULL)
					none[k] += r->kind[k];
				else if (r->type == BS_BY_ROW_OTHER ||
				    shown >= top)
					other[k] += r->kind[k];
				else
					by_sample(out, by, r->key, r->keylen,
					    k, r->kind[k]);
			}
			if (r->type == BS_BY_ROW_NULL)
				has_none = true;
			else if (r->type == BS_BY_ROW_KEY && shown < top)
				shown++;
		}
		for (k = 0; k < BS_KIND_COUNT; k++) {
			if (has_none)
				by_sample(out, by, "(none)", 6, k, none[k]);
			by_sample(out, by, "other", 5, k, other[k]);
		}
	}
}

/* The period the counts cover, as the times of its first and last event. */
static void
write_period(FILE *out, const struct bs_agg *a)
{
	time_t first, last;

	if (!bs_agg_period(a, &first, &last))
		return;
	family(out, "bouncestat_period_first_event_timestamp_seconds",
	    "gauge", "Time of the first event counted in this run.");
	fprintf(out, "bouncestat_period_first_event_timestamp_seconds %lld\n",
	    (long long)first);
	family(out, "bouncestat_period_last_event_timestamp_seconds",
	    "gauge", "Time of the last event counted in this run.");
	fprintf(out, "bouncestat_period_last_event_timestamp_seconds %lld\n",
	    (long long)last);
}

int
bs_report_prom(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o)
{
	write_rows(out, a);
	write_totals(out, a);
	write_by(out, a, o != NULL && o->top ? o->top : 10);
	write_period(out, a);
	if (o != NULL && o->now != 0) {
		family(out, "bouncestat_last_run_timestamp_seconds", "gauge",
		    "When this report was made, in seconds since the Unix "
		    "epoch.");
		fprintf(out, "bouncestat_last_run_timestamp_seconds %lld\n",
		    (long long)o->now);
	}
	return ferror(out) ? -1 : 0;
}
