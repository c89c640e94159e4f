/*
 * report_text.c - the report people read: on a terminal and in cron mail.
 *
 * Totals first, then the code rows grouped under the document's
 * categories (5xx first), most frequent first, each with its meaning and
 * hint wrapped to the width.  Text from logs (reply samples, paths) goes
 * through bs_safe_term; the catalog's text is the project's own.
 */
#include <inttypes.h>
#include <string.h>

#include "agg.h"
#include "catalog.h"
#include "report.h"
#include "safe.h"

#define INDENT 9	/* where meaning, hint and replies start */

static const struct {
	const char *category;	/* NULL: rows without a category */
	const char *title;
} groups[] = {
	{ "5xx", "permanent failures" },
	{ "4xx", "transient failures" },
	{ "1xx", "connection failures (no reply)" },
	{ "3xx", "intermediate replies" },
	{ "2xx", "success" },
	{ NULL, "no status code" },
};

static bool
same_category(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Write "label text" wrapped at width, continuation lines indented to
 * the text's start.  Words longer than a line are split.
 */
static void
wrap(FILE *out, const char *label, const char *text, int width)
{
	int col, start = INDENT + (int)strlen(label);
	const char *p = text;

	fprintf(out, "%*s%s", INDENT, "", label);
	col = start;
	while (*p != '\0') {
		size_t wl = strcspn(p, " ");
		int room = width - col;

		if (col > start && (int)wl + 1 > room) {
			fprintf(out, "\n%*s", start, "");
			col = start;
			room = width - col;
		} else if (col > start) {
			putc(' ', out);
			col++;
			room--;
		}
		if ((int)wl > room && room > 0)
			wl = (size_t)room;
		fwrite(p, 1, wl, out);
		col += (int)wl;
		p += wl;
		while (*p == ' ')
			p++;
	}
	putc('\n', out);
}

static void
write_totals(FILE *out, const struct bs_agg *a)
{
	const struct bs_totals *t = bs_agg_totals(a);
	const char *est = t->messages_estimated ? "~" : "";
	size_t n = bs_agg_ninputs(a);
	int k;

	fprintf(out, "bouncestat: %" PRIu64 " event%s in %" PRIu64
	    " line%s from %zu input%s\n\n", t->events,
	    t->events == 1 ? "" : "s", t->lines, t->lines == 1 ? "" : "s",
	    n, n == 1 ? "" : "s");
	for (k = 0; k < BS_KIND_COUNT; k++) {
		if (k == BS_DEFERRED) {
			char num[32];

			/* Operators count deferred mail in messages. */
			snprintf(num, sizeof(num), "%s%" PRIu64, est,
			    t->messages[k]);
			fprintf(out, "  %8s messages deferred (%" PRIu64
			    " deferral%s)\n", num, t->kind[k],
			    t->kind[k] == 1 ? "" : "s");
			continue;
		}
		fprintf(out, "  %8" PRIu64 " %s", t->kind[k],
		    bs_kind_name((enum bs_kind)k));
		if (t->kind[k] > 0)
			fprintf(out, " (%s%" PRIu64 " message%s)", est,
			    t->messages[k], t->messages[k] == 1 ? "" : "s");
		putc('\n', out);
	}
	if (t->folded > 0)
		fprintf(out, "  (%" PRIu64 " events had codes beyond the "
		    "%d distinct rows kept; they are counted without codes)\n",
		    t->folded, BS_ROWS_MAX);
}

static void
write_row(FILE *out, const struct bs_row *r, const struct bs_description *d,
    const struct bs_report_opts *o)
{
	char msgs[32], docs[64] = "";
	size_t i;

	snprintf(msgs, sizeof(msgs), "%s%" PRIu64,
	    r->messages_estimated ? "~" : "", r->messages);
	for (i = 0; i < d->ndocument; i++) {
		if (i > 0)
			strcat(docs, " ");
		strcat(docs, d->document[i]);
	}
	fprintf(out, "  %7" PRIu64 " %7s  %-10s %-6s %-9s %s\n", r->count,
	    msgs, bs_kind_name(r->kind),
	    r->codes.basic[0] ? r->codes.basic : "-",
	    r->codes.enhanced[0] ? r->codes.enhanced : "-",
	    docs[0] ? docs : "-");
	if (d->meaning != NULL)
		wrap(out, "meaning: ", d->meaning, o->width);
	if (d->hint != NULL)
		wrap(out, "hint:    ", d->hint, o->width);
	if (r->connfail & BS_CONN_REFUSED)
		wrap(out, "note:    ", "includes connections refused by "
		    "the remote host (document entry 1.1.1)", o->width);
	if (r->connfail & BS_CONN_FAILED)
		wrap(out, "note:    ", "includes connections that could not "
		    "be opened (document entry 1.0.1)", o->width);
	if (o->detail && r->ndetail > 0) {
		fprintf(out, "%*sreplies:\n", INDENT, "");
		for (i = 0; i < r->ndetail; i++) {
			char safe[BS_DETAIL_TEXT_MAX * 4 + 1];
			int room = o->width - INDENT - 11;
			size_t len = bs_safe_term(safe, sizeof(safe),
			    r->detail[i].text, r->detail[i].len);

			if (room < 20)
				room = 20;
			if (len > (size_t)room) {
				/* Cut on a character boundary. */
				len = (size_t)room - 3;
				while (len > 0 &&
				    ((unsigned char)safe[len] & 0xc0) == 0x80)
					len--;
				memcpy(safe + len, "...", 4);
			}
			fprintf(out, "%*s%8" PRIu64 "  %s\n", INDENT, "",
			    r->detail[i].count, safe);
		}
	}
}

static void
write_problems(FILE *out, const struct bs_agg *a)
{
	size_t i, n = bs_agg_ninputs(a);
	uint64_t untimed = 0, outside = 0;
	bool header = false;

	for (i = 0; i < n; i++) {
		untimed += bs_agg_input(a, i)->untimed;
		outside += bs_agg_input(a, i)->outside;
	}
	if (untimed + outside > 0)
		fprintf(out, "\nLeft out by the time window: %" PRIu64
		    " event%s outside it, %" PRIu64 " without a readable "
		    "time.\n", outside, outside == 1 ? "" : "s", untimed);
	for (i = 0; i < n; i++) {
		const struct bs_input_stats *s = bs_agg_input(a, i);
		char path[1024];

		if (s->error[0] == '\0')
			continue;
		if (!header) {
			fputs("\nInputs that could not be read completely:\n",
			    out);
			header = true;
		}
		bs_safe_term(path, sizeof(path), s->path, strlen(s->path));
		fprintf(out, "  %s: %s\n", path, s->error);
	}
}

int
bs_report_text(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o)
{
	size_t g, i, n = bs_agg_nrows(a);

	write_totals(out, a);
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		bool header = false;

		for (i = 0; i < n; i++) {
			const struct bs_row *r = bs_agg_row(a, i);
			struct bs_description d;

			bs_catalog_describe(&r->codes, r->connfail, &d);
			if (!same_category(d.category, groups[g].category))
				continue;
			if (!header) {
				fprintf(out, "\n%s  %s\n", groups[g].category ?
				    groups[g].category : "---",
				    groups[g].title);
				fputs("    count    msgs  kind       reply  "
				    "enhanced  document\n", out);
				header = true;
			}
			write_row(out, r, &d, o);
		}
	}
	write_problems(out, a);
	return ferror(out) ? -1 : 0;
}
