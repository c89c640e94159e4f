/*
 * report_csv.c - the code rows as CSV, for spreadsheets and scripts.
 *
 * One header line, then one line per code row in the report's order (most
 * events first), with the columns of the JSON rows:
 *
 *	kind,basic,enhanced,count,messages,messages_estimated,category,
 *	document,meaning,hint
 *
 * Lines end in CRLF, as RFC 4180 says: Excel, LibreOffice, Python's csv
 * module, pandas and R all read it, and a file that follows the RFC to
 * the letter is the one nobody has to argue about.  Absent codes and
 * categories are empty cells; several document entries share one cell,
 * separated by spaces ("5.5.0 5.1.1"); messages_estimated is "true" or
 * "false".  Totals and inputs are not rows of this table: the JSON report
 * has them.  With --by, the breakdown tables stand in its place.  When the
 * log holds lines of the server's own trouble (health.h), their groups
 * follow as one more table, after an empty line as between breakdowns:
 *
 *	period_first,period_last,severity,program,text,class,count,
 *	estimated,error
 *
 * Every cell goes through bs_safe_csv, which quotes it and defuses a
 * leading =, +, - or @ so that a spreadsheet shows it instead of running
 * it.  Most cells are ours, not the log's, but one path for all of them
 * leaves nothing to remember when a column is added.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "agg.h"
#include "catalog.h"
#include "report.h"
#include "safe.h"

static const char header[] = "kind,basic,enhanced,count,messages,"
    "messages_estimated,category,document,meaning,hint,period_first,"
    "period_last\r\n";

/* One cell from a C string; NULL is an empty cell. */
static void
cell(FILE *out, const char *s, bool last)
{
	if (s == NULL)
		s = "";
	bs_safe_csv(out, s, strlen(s));
	fputs(last ? "\r\n" : ",", out);
}

static void
cell_u64(FILE *out, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	cell(out, num, false);
}

static void
write_row(FILE *out, const struct bs_row *r, const struct bs_period *p)
{
	struct bs_description d;
	char docs[BS_DOC_MAX * (BS_ENHANCED_MAX + 1)] = "";
	size_t i, len = 0;

	bs_catalog_describe(&r->codes, r->connfail, &d);
	/* Entries are "X.Y.Z"; a longer one would be cut, never overrun. */
	for (i = 0; i < d.ndocument && i < BS_DOC_MAX &&
	    len < sizeof(docs); i++)
		len += (size_t)snprintf(docs + len, sizeof(docs) - len,
		    "%s%s", i ? " " : "", d.document[i]);
	cell(out, bs_kind_name(r->kind), false);
	cell(out, r->codes.basic, false);
	cell(out, r->codes.enhanced, false);
	cell_u64(out, r->count);
	cell_u64(out, r->messages);
	cell(out, r->messages_estimated ? "true" : "false", false);
	cell(out, d.category, false);
	cell(out, docs, false);
	cell(out, d.meaning, false);
	cell(out, d.hint, false);
	cell(out, p->first, false);
	cell(out, p->last, true);
}

static const char by_header[] = "period_first,period_last,by,key,events,"
    "delivered,deferred,bounced,expired,rejected,messages,estimated,error,"
    "messages_estimated,codes\r\n";
/* A reason's table says how many of its failures were hard. */
static const char reason_header[] = "period_first,period_last,by,key,"
    "events,delivered,deferred,bounced,expired,rejected,hard,messages,"
    "estimated,error,messages_estimated,codes\r\n";

/* The codes of a breakdown row: "421 4.7.0=1200;550 5.7.1=30". */
static void
codes_cell(FILE *out, const struct bs_by_row *r)
{
	char buf[BS_BY_CODES * 48] = "";
	size_t k, len = 0;

	for (k = 0; k < r->ncodes && len < sizeof(buf); k++) {
		const struct bs_by_code *c = &r->codes[k];

		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "%s%s%s%s=%" PRIu64, k ? ";" : "", c->codes.basic,
		    c->codes.basic[0] && c->codes.enhanced[0] ? " " : "",
		    c->codes.enhanced, c->count);
	}
	cell(out, buf, true);
}

/*
 * One table per --by key, each with its header, separated by an empty
 * line; the period columns let daily files be appended to one another.
 */
static void
write_by(FILE *out, const struct bs_agg *a, const struct bs_report_opts *o)
{
	struct bs_period p;
	size_t i, j;

	bs_report_period(a, o, &p);
	for (i = 0; i < bs_agg_nby(a); i++) {
		const struct bs_breakdown *b = bs_agg_by(a, i);
		bool est = bs_breakdown_estimated(b);
		int k;

		if (i > 0)
			fputs("\r\n", out);
		fputs(bs_breakdown_by(b) == BS_BY_REASON ? reason_header :
		    by_header, out);
		for (j = 0; j < bs_breakdown_nrows(b); j++) {
			const struct bs_by_row *r = bs_breakdown_row(b, j);

			cell(out, p.first, false);
			cell(out, p.last, false);
			cell(out, bs_by_name(bs_breakdown_by(b)), false);
			if (r->type == BS_BY_ROW_NULL)
				cell(out, "", false);
			else {
				bs_safe_csv(out, r->key, r->keylen);
				fputs(",", out);
			}
			cell_u64(out, r->events);
			for (k = 0; k < BS_KIND_COUNT; k++)
				cell_u64(out, r->kind[k]);
			if (bs_breakdown_by(b) == BS_BY_REASON)
				cell_u64(out, r->hard);
			cell_u64(out, r->messages);
			cell(out, est ? "true" : "false", false);
			cell_u64(out, r->error);
			cell(out, bs_breakdown_messages_estimated(b) ? "true" :
			    "false", false);
			codes_cell(out, r);
		}
	}
}

static const char health_header[] = "period_first,period_last,severity,"
    "program,text,class,count,estimated,error\r\n";

/* The server's own warnings, one row per group; nothing when none. */
static void
write_health(FILE *out, const struct bs_agg *a, const struct bs_period *p)
{
	const struct bs_health_report *h = bs_agg_health_results(a);
	size_t i;

	if (h->lines == 0)
		return;
	fputs("\r\n", out);
	fputs(health_header, out);
	for (i = 0; i < h->ngroups; i++) {
		const struct bs_health_group *g = &h->groups[i];

		cell(out, p->first, false);
		cell(out, p->last, false);
		cell(out, bs_severity_name(g->severity), false);
		bs_safe_csv(out, g->program, g->program_len);
		fputs(",", out);
		bs_safe_csv(out, g->text, g->text_len);
		fputs(",", out);
		cell(out, g->class, false);
		cell_u64(out, g->count);
		cell(out, h->estimated ? "true" : "false", false);
		{
			char num[24];

			snprintf(num, sizeof(num), "%" PRIu64, g->error);
			cell(out, num, true);
		}
	}
}

int
bs_report_csv(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o)
{
	size_t i, n = bs_agg_nrows(a);

	struct bs_period p;

	bs_report_period(a, o, &p);
	if (bs_agg_nby(a) > 0) {
		write_by(out, a, o);
	} else {
		fputs(header, out);
		for (i = 0; i < n; i++)
			write_row(out, bs_agg_row(a, i), &p);
	}
	write_health(out, a, &p);
	return ferror(out) ? -1 : 0;
}
