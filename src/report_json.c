/*
 * report_json.c - the JSON report of DESIGN.md's output contract.
 *
 * Field names and meanings listed there are kept; fields added since
 * (cut_lines, match_errors, messages per kind, detail) come after them.
 * Every string from a log goes through bs_safe_json.
 */
#include <inttypes.h>
#include <string.h>

#include "agg.h"
#include "catalog.h"
#include "report.h"
#include "safe.h"

static void
json_str(FILE *out, const char *s)
{
	bs_safe_json_or_null(out, s);
}

static void
write_inputs(FILE *out, const struct bs_agg *a)
{
	size_t i, n = bs_agg_ninputs(a);

	fputs("  \"inputs\": [", out);
	for (i = 0; i < n; i++) {
		const struct bs_input_stats *s = bs_agg_input(a, i);

		fputs(i ? ",\n    {\n" : "\n    {\n", out);
		fputs("      \"path\": ", out);
		bs_safe_json(out, s->path, strlen(s->path));
		fputs(",\n      \"format\": ", out);
		json_str(out, s->format);
		fprintf(out, ",\n      \"lines\": %" PRIu64
		    ",\n      \"events\": %" PRIu64 ",\n      \"error\": ",
		    s->lines, s->events);
		json_str(out, s->error);
		fprintf(out, ",\n      \"cut_lines\": %" PRIu64
		    ",\n      \"match_errors\": %" PRIu64
		    ",\n      \"untimed_events\": %" PRIu64
		    ",\n      \"outside_window\": %" PRIu64 "\n    }",
		    s->cut, s->match_errors, s->untimed, s->outside);
	}
	fputs(n ? "\n  ],\n" : "],\n", out);
}

static void
write_totals(FILE *out, const struct bs_agg *a)
{
	const struct bs_totals *t = bs_agg_totals(a);
	int k;

	fprintf(out, "  \"totals\": {\n    \"lines\": %" PRIu64
	    ",\n    \"events\": %" PRIu64, t->lines, t->events);
	for (k = 0; k < BS_KIND_COUNT; k++)
		fprintf(out, ",\n    \"%s\": %" PRIu64,
		    bs_kind_name((enum bs_kind)k), t->kind[k]);
	fputs(",\n    \"messages\": {", out);
	for (k = 0; k < BS_KIND_COUNT; k++)
		fprintf(out, "%s\n      \"%s\": %" PRIu64, k ? "," : "",
		    bs_kind_name((enum bs_kind)k), t->messages[k]);
	fprintf(out, "\n    },\n    \"messages_estimated\": %s,\n"
	    "    \"folded_rows\": %" PRIu64 ",\n"
	    "    \"content_filter_hops\": %" PRIu64 ",\n"
	    "    \"senders_forgotten\": ",
	    t->messages_estimated ? "true" : "false", t->folded,
	    t->content_filter_hops);
	if (t->joined)
		fprintf(out, "%" PRIu64 "\n  },\n", t->senders_forgotten);
	else
		fputs("null\n  },\n", out);
}

static void
write_row(FILE *out, const struct bs_row *r, bool detail)
{
	struct bs_description desc;
	size_t i;

	bs_catalog_describe(&r->codes, r->connfail, &desc);
	fprintf(out, "      \"kind\": \"%s\",\n      \"basic\": ",
	    bs_kind_name(r->kind));
	json_str(out, r->codes.basic);
	fputs(",\n      \"enhanced\": ", out);
	json_str(out, r->codes.enhanced);
	fprintf(out, ",\n      \"count\": %" PRIu64 ",\n      \"messages\": %"
	    PRIu64 ",\n      \"messages_estimated\": %s,\n"
	    "      \"category\": ", r->count, r->messages,
	    r->messages_estimated ? "true" : "false");
	json_str(out, desc.category);
	fputs(",\n      \"connection\": ", out);
	json_str(out, bs_conn_name(r->connfail));
	fputs(",\n      \"document\": [", out);
	for (i = 0; i < desc.ndocument; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, desc.document[i]);
	}
	fputs("],\n      \"meaning\": ", out);
	json_str(out, desc.meaning);
	fputs(",\n      \"hint\": ", out);
	json_str(out, desc.hint);
	if (detail) {
		fprintf(out, ",\n      \"detail_estimated\": %s,\n"
		    "      \"detail_error_bound\": %" PRIu64 ",\n"
		    "      \"detail_other\": %" PRIu64,
		    r->detail_estimated ? "true" : "false", r->detail_bound,
		    r->detail_other);
		fputs(",\n      \"detail\": [", out);
		for (i = 0; i < r->ndetail; i++) {
			fprintf(out, "%s\n        { \"count\": %" PRIu64,
			    i ? "," : "", r->detail[i].count);
			if (r->detail_estimated)
				fprintf(out, ", \"error\": %" PRIu64,
				    r->detail[i].error);
			fputs(", \"text\": ", out);
			bs_safe_json(out, r->detail[i].text, r->detail[i].len);
			fputs(" }", out);
		}
		fputs(r->ndetail ? "\n      ]" : "]", out);
	}
	fputs("\n    }", out);
}

static void
iso_or_null(FILE *out, const char *s)
{
	if (*s == '\0')
		fputs("null", out);
	else
		fprintf(out, "\"%s\"", s);
}

static void
write_period(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o)
{
	struct bs_period p;

	bs_report_period(a, o, &p);
	fputs("  \"period\": {\"first\": ", out);
	iso_or_null(out, p.first);
	fputs(", \"last\": ", out);
	iso_or_null(out, p.last);
	fputs(", \"since\": ", out);
	iso_or_null(out, p.since);
	fputs(", \"until\": ", out);
	iso_or_null(out, p.until);
	fputs("},\n", out);
}

static void
write_by_row(FILE *out, const struct bs_by_row *r, enum bs_by by,
    bool estimated)
{
	size_t i;
	int k;

	fputs("        {\"key\": ", out);
	if (r->type == BS_BY_ROW_NULL)
		fputs("null", out);
	else
		bs_safe_json(out, r->key, r->keylen);
	fprintf(out, ", \"events\": %" PRIu64, r->events);
	for (k = 0; k < BS_KIND_COUNT; k++)
		fprintf(out, ", \"%s\": %" PRIu64,
		    bs_kind_name((enum bs_kind)k), r->kind[k]);
	/* A reason's row says how many of its failures were hard. */
	if (by == BS_BY_REASON)
		fprintf(out, ", \"hard\": %" PRIu64, r->hard);
	fprintf(out, ", \"messages\": %" PRIu64, r->messages);	/* --by */
	if (estimated)
		fprintf(out, ", \"error\": %" PRIu64, r->error);
	fputs(", \"codes\": [", out);
	for (i = 0; i < r->ncodes; i++) {
		const struct bs_by_code *c = &r->codes[i];

		fputs(i ? ", {\"basic\": " : "{\"basic\": ", out);
		json_str(out, c->codes.basic);
		fputs(", \"enhanced\": ", out);
		json_str(out, c->codes.enhanced);
		fprintf(out, ", \"count\": %" PRIu64, c->count);
		if (estimated || c->error > 0)
			fprintf(out, ", \"error\": %" PRIu64,
			    c->error + r->error);
		fputs("}", out);
	}
	fputs("]}", out);
}

static void write_delays(FILE *out, int indent, const char *name,
    const struct bs_delays *d, bool more);

/*
 * "by": {"domain": {..., "outcomes": ...}} (--by domain): what happened
 * in the end per recipient domain, beside the rows because its domains
 * are bounded apart from theirs (BS_OUTCOME_DOMAINS); its rows add up to
 * "outcomes".
 */
static void
write_by_outcomes(FILE *out, const struct bs_outcomes *r)
{
	size_t i;

	fprintf(out, ",\n      \"outcomes\": {\"estimated\": %s, \"error_bound\": "
	    "%" PRIu64 ", \"delay_relative_error\": %.4f, \"rows\": [",
	    r->estimated ? "true" : "false", r->error_bound,
	    BS_OUTCOME_DOMAIN_DELAY_ERROR);
	for (i = 0; i < r->nby_domain; i++) {
		const struct bs_outcome_by_domain *d = &r->by_domain[i];

		fputs(i ? ",\n        {\"key\": " : "\n        {\"key\": ", out);
		if (d->type == BS_OUTCOME_DOM_NULL)
			fputs("null", out);
		else if (d->type == BS_OUTCOME_DOM_OTHER)
			fputs("\"(other)\"", out);
		else
			bs_safe_json(out, d->name, d->len);
		fprintf(out, ", \"recipients\": %" PRIu64
		    ", \"delivered_first\": %" PRIu64
		    ", \"delivered_after_deferral\": %" PRIu64
		    ", \"bounced_first\": %" PRIu64
		    ", \"bounced_after_deferral\": %" PRIu64
		    ", \"expired\": %" PRIu64 ", \"still_deferred\": %" PRIu64
		    ",\n",
		    d->recipients, d->delivered_first,
		    d->delivered_after_deferral, d->bounced_first,
		    d->bounced_after_deferral, d->expired, d->still_deferred);
		write_delays(out, 9, "delay_after_deferral_seconds",
		    &d->delay_after_deferral, false);
		fputs("        }", out);
	}
	fputs(r->nby_domain ? "\n      ]}" : "]}", out);
}

/*
 * "by": every key the budget holds, most failures first ("(other)" and
 * null last); with "estimated", each count lies in [value, value + error].
 */
static void
write_by(FILE *out, const struct bs_agg *a)
{
	size_t i, j, n = bs_agg_nby(a);

	fputs("  \"by\": {", out);
	for (i = 0; i < n; i++) {
		const struct bs_breakdown *b = bs_agg_by(a, i);
		size_t nr = bs_breakdown_nrows(b);
		bool est = bs_breakdown_estimated(b);

		fprintf(out, "%s\n    \"%s\": {\"estimated\": %s, "
		    "\"error_bound\": %" PRIu64 ", \"messages_estimated\": "
		    "%s, \"rows\": [", i ? "," : "",
		    bs_by_name(bs_breakdown_by(b)), est ? "true" : "false",
		    bs_breakdown_error_bound(b),
		    bs_breakdown_messages_estimated(b) ? "true" : "false");
		for (j = 0; j < nr; j++) {
			fputs(j ? ",\n" : "\n", out);
			write_by_row(out, bs_breakdown_row(b, j),
			    bs_breakdown_by(b), est);
		}
		fputs(nr ? "\n    ]" : "]", out);
		if (bs_breakdown_by(b) == BS_BY_DOMAIN &&
		    bs_agg_outcomes(a)->by_domain != NULL)
			write_by_outcomes(out, bs_agg_outcomes(a));
		fputs("}", out);
	}
	fputs(n ? "\n  },\n" : "},\n", out);
}

/* Seconds to the hundredth, without trailing zeros. */
static void
json_seconds(FILE *out, double s)
{
	char buf[48];
	size_t n;

	snprintf(buf, sizeof(buf), "%.2f", s);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	fputs(buf, out);
}

static void
write_delays(FILE *out, int indent, const char *name,
    const struct bs_delays *d, bool more)
{
	fprintf(out, "%*s\"%s\": {\"samples\": %" PRIu64, indent, "", name,
	    d->samples);
	if (d->samples == 0) {
		fputs(", \"p50\": null, \"p90\": null, \"p99\": null, "
		    "\"max\": null}", out);
	} else {
		fputs(", \"p50\": ", out);
		json_seconds(out, d->p50);
		fputs(", \"p90\": ", out);
		json_seconds(out, d->p90);
		fputs(", \"p99\": ", out);
		json_seconds(out, d->p99);
		fputs(", \"max\": ", out);
		json_seconds(out, d->max);
		fputs("}", out);
	}
	fputs(more ? ",\n" : "\n", out);
}

/*
 * "outcomes" (DESIGN.md): recipients by how they ended.  Percentiles are
 * within delay_relative_error of the truth; with "estimated", every
 * count is within error_bound.
 */
static void
write_outcomes(FILE *out, const struct bs_agg *a)
{
	const struct bs_outcomes *r = bs_agg_outcomes(a);
	size_t i;

	fprintf(out, "  \"outcomes\": {\n    \"recipients\": %" PRIu64
	    ",\n    \"delivered_first\": %" PRIu64
	    ",\n    \"delivered_after_deferral\": %" PRIu64
	    ",\n    \"bounced_first\": %" PRIu64
	    ",\n    \"bounced_after_deferral\": %" PRIu64
	    ",\n    \"expired\": %" PRIu64
	    ",\n    \"still_deferred\": %" PRIu64
	    ",\n    \"deferred\": %" PRIu64
	    ",\n    \"deferrals_before\": {\"1\": %" PRIu64 ", \"2-3\": %"
	    PRIu64 ", \"4-10\": %" PRIu64 ", \"more\": %" PRIu64 "},\n",
	    r->recipients, r->delivered_first, r->delivered_after_deferral,
	    r->bounced_first, r->bounced_after_deferral, r->expired,
	    r->still_deferred, r->deferred,
	    r->deferrals_before[BS_DEFERRALS_1],
	    r->deferrals_before[BS_DEFERRALS_2_3],
	    r->deferrals_before[BS_DEFERRALS_4_10],
	    r->deferrals_before[BS_DEFERRALS_MORE]);
	fputs("    \"delay_seconds\": {\n", out);
	write_delays(out, 6, "delivered", &r->delay_delivered, true);
	write_delays(out, 6, "delivered_after_deferral",
	    &r->delay_after_deferral, false);
	fprintf(out, "    },\n    \"delay_relative_error\": %.4f,\n",
	    BS_OUTCOME_DELAY_ERROR);
	fputs("    \"still_deferred_domains\": [", out);
	for (i = 0; i < r->ndomains; i++) {
		fputs(i ? ", {\"key\": " : "{\"key\": ", out);
		if (r->domains[i].name == NULL)
			fputs("\"(other)\"", out);
		else
			bs_safe_json(out, r->domains[i].name,
			    r->domains[i].len);
		fprintf(out, ", \"count\": %" PRIu64 "}",
		    r->domains[i].count);
	}
	fprintf(out, "],\n    \"estimated\": %s,\n    \"error_bound\": %"
	    PRIu64 "\n  },\n", r->estimated ? "true" : "false",
	    r->error_bound);
}

/* "notifications" (notify.h): those this server sent, and failed ones. */
static void
write_notifications(FILE *out, const struct bs_agg *a)
{
	struct bs_notifications r;

	bs_agg_notifications(a, &r);
	fprintf(out, "  \"notifications\": {\"sent\": %" PRIu64
	    ", \"non_delivery\": %" PRIu64 ", \"delay\": %" PRIu64
	    ", \"success\": %" PRIu64 ", \"failed_themselves\": %" PRIu64
	    ", \"estimated\": %s},\n", r.sent, r.by_type[BS_NOTIFY_FAILURE],
	    r.by_type[BS_NOTIFY_DELAY], r.by_type[BS_NOTIFY_SUCCESS],
	    r.failed_themselves, r.estimated ? "true" : "false");
}

/*
 * "health" (health.h): the server's own warnings per severity, and their
 * groups, most lines first; every group the budget holds.
 */
static void
write_health(FILE *out, const struct bs_agg *a)
{
	const struct bs_health_report *h = bs_agg_health_results(a);
	size_t i;

	fprintf(out, "  \"health\": {\"total\": %" PRIu64 ", \"warning\": %"
	    PRIu64 ", \"error\": %" PRIu64 ", \"fatal\": %" PRIu64
	    ", \"panic\": %" PRIu64 ", \"estimated\": %s, \"error_bound\": %"
	    PRIu64 ", \"other\": %" PRIu64 ", \"groups\": [", h->lines,
	    h->severity[BS_SEV_WARNING], h->severity[BS_SEV_ERROR],
	    h->severity[BS_SEV_FATAL], h->severity[BS_SEV_PANIC],
	    h->estimated ? "true" : "false", h->bound, h->other);
	for (i = 0; i < h->ngroups; i++) {
		const struct bs_health_group *g = &h->groups[i];

		fprintf(out, "%s\n    {\"severity\": \"%s\", \"program\": ",
		    i ? "," : "", bs_severity_name(g->severity));
		if (g->program_len > 0)
			bs_safe_json(out, g->program, g->program_len);
		else
			fputs("null", out);
		fputs(", \"text\": ", out);
		bs_safe_json(out, g->text, g->text_len);
		fputs(", \"class\": ", out);
		bs_safe_json_or_null(out, g->class);
		fprintf(out, ", \"count\": %" PRIu64 ", \"error\": %" PRIu64
		    "}", g->count, g->error);
	}
	fputs(h->ngroups ? "\n  ]},\n" : "]},\n", out);
}

int
bs_report_json(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o)
{
	size_t i, n = bs_agg_nrows(a);

	fputs("{\n", out);
	write_inputs(out, a);
	write_totals(out, a);
	write_period(out, a, o);
	write_outcomes(out, a);
	write_notifications(out, a);
	write_health(out, a);
	write_by(out, a);
	fputs("  \"codes\": [", out);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n    {\n" : "\n    {\n", out);
		write_row(out, bs_agg_row(a, i), o->detail);
	}
	fputs(n ? "\n  ]\n}\n" : "]\n}\n", out);
	return ferror(out) ? -1 : 0;
}
