/*
 * report_text.c - the report people read: on a terminal and in cron mail.
 *
 * It leads with what needs action.  Totals and the period first; then
 * the failures by reason and by recipient domain (when they are counted),
 * then the failure code rows grouped under the document's categories
 * (5xx first), most frequent first, each with its meaning and hint
 * wrapped to the width; delivered mail as one line of totals per code
 * (--all lists its rows too); then the other breakdowns, the outcomes and
 * the inputs that could not be read.  Every line fits the width (80),
 * counted in characters.  Text from logs (reply samples, paths) goes
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
wrap_at(FILE *out, int indent, const char *label, const char *text,
    int width)
{
	int col, start = indent + (int)strlen(label);
	const char *p = text;

	fprintf(out, "%*s%s", indent, "", label);
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
		if ((int)wl > room && room > 0) {
			wl = (size_t)room;
			/* Not inside a UTF-8 sequence: both halves stay text. */
			while (wl > 1 && ((unsigned char)p[wl] & 0xc0) == 0x80)
				wl--;
		}
		fwrite(p, 1, wl, out);
		col += (int)wl;
		p += wl;
		while (*p == ' ')
			p++;
	}
	putc('\n', out);
}

static void
wrap(FILE *out, const char *label, const char *text, int width)
{
	wrap_at(out, INDENT, label, text, width);
}

/* Columns that UTF-8 text takes: its characters (continuation bytes not). */
static size_t
columns(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A note under a table, wrapped at width under its "~: ". */
static void
note(FILE *out, const char *text, int width)
{
	wrap_at(out, 2, "", text, width);
}

static void
write_totals(FILE *out, const struct bs_agg *a, int width)
{
	const struct bs_totals *t = bs_agg_totals(a);
	const char *est = t->messages_estimated ? "~" : "";
	size_t n = bs_agg_ninputs(a), mixed = 0, i;
	int k;

	/*
	 * The header names no format (JSON's inputs[] does), but a file
	 * read as mixed says so: its counts add up two readers' events.
	 */
	for (i = 0; i < n; i++) {
		const char *f = bs_agg_input(a, i)->format;

		if (f != NULL && strcmp(f, "mixed") == 0)
			mixed++;
	}
	fprintf(out, "bouncestat: %" PRIu64 " event%s in %" PRIu64
	    " line%s from %zu input%s", t->events,
	    t->events == 1 ? "" : "s", t->lines, t->lines == 1 ? "" : "s",
	    n, n == 1 ? "" : "s");
	if (mixed == n && n > 0)
		fputs(" (mixed: Postfix and Exim)", out);
	else if (mixed > 0)
		fprintf(out, " (%zu mixed: Postfix and Exim)",
		    mixed);
	fputs("\n\n", out);
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
		/* A filter's re-injected mail is delivered twice (hop.h). */
		if (k == BS_DELIVERED && t->content_filter_hops > 0)
			fprintf(out, ", %" PRIu64 " of them to a content "
			    "filter", t->content_filter_hops);
		putc('\n', out);
	}
	if (t->folded > 0) {
		char text[160];

		snprintf(text, sizeof(text), "(%" PRIu64 " events had codes "
		    "beyond the %d distinct rows kept; they are counted "
		    "without codes)", t->folded, BS_ROWS_MAX);
		wrap_at(out, 2, "", text, width);
	}
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
	/* A row's events share it (agg.c keys rows by it). */
	if (r->connfail & BS_CONN_REFUSED)
		wrap(out, "note:    ", "each a connection refused by the "
		    "remote host (document entry 1.1.1)", o->width);
	else if (r->connfail & BS_CONN_FAILED)
		wrap(out, "note:    ", "each a connection that could not be "
		    "opened (document entry 1.0.1)", o->width);
	if (o->detail && r->ndetail > 0) {
		fprintf(out, "%*sreplies (addresses, ids and numbers made "
		    "placeholders):\n", INDENT, "");
		for (i = 0; i < r->ndetail; i++) {
			char safe[BS_DETAIL_TEXT_MAX * 4 + 1], label[40];
			char count[24];

			bs_safe_term(safe, sizeof(safe), r->detail[i].text,
			    r->detail[i].len);
			/* The whole text, wrapped under its count. */
			snprintf(count, sizeof(count), "%s%" PRIu64,
			    r->detail_estimated ? "~" : "",
			    r->detail[i].count);
			snprintf(label, sizeof(label), "%8s  ", count);
			wrap_at(out, INDENT, label, safe, o->width);
		}
		if (r->detail_estimated) {
			char text[200];

			snprintf(text, sizeof(text), "~: more texts than the "
			    "%d counted exactly; a count marked ~ may be up to "
			    "%" PRIu64 " below the truth; %" PRIu64 " events "
			    "had other texts.", BS_DETAIL_SLOTS,
			    r->detail_bound, r->detail_other);
			wrap(out, "", text, o->width);
		}
	}
}

static void
write_problems(FILE *out, const struct bs_agg *a, int width)
{
	size_t i, n = bs_agg_ninputs(a);
	uint64_t untimed = 0, outside = 0;
	bool header = false;

	for (i = 0; i < n; i++) {
		untimed += bs_agg_input(a, i)->untimed;
		outside += bs_agg_input(a, i)->outside;
	}
	if (untimed + outside > 0) {
		char text[160];

		snprintf(text, sizeof(text), "Left out by the time window: %"
		    PRIu64 " event%s outside it, %" PRIu64 " without a "
		    "readable time.", outside, outside == 1 ? "" : "s",
		    untimed);
		putc('\n', out);
		wrap_at(out, 0, "", text, width);
	}
	for (i = 0; i < n; i++) {
		const struct bs_input_stats *s = bs_agg_input(a, i);
		char path[1024], text[sizeof(path) + BS_DIAG_MSG_MAX + 4];

		if (s->error[0] == '\0')
			continue;
		if (!header) {
			fputs("\nInputs that could not be read completely:\n",
			    out);
			header = true;
		}
		bs_safe_term(path, sizeof(path), s->path, strlen(s->path));
		snprintf(text, sizeof(text), "%s: %s", path, s->error);
		wrap_at(out, 2, "", text, width);
	}
}

static void
write_period(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o)
{
	struct bs_period p;

	bs_report_period(a, o, &p);
	if (p.first[0] != '\0')
		fprintf(out, "Period: %s to %s\n", p.first, p.last);
	else
		fputs("Period: no event with a readable time\n", out);
	if (p.since[0] != '\0' || p.until[0] != '\0')
		fprintf(out, "Window asked for: %s to %s\n",
		    p.since[0] ? p.since : "the start",
		    p.until[0] ? p.until : "the end");
}

/*
 * What happened in the end (outcome.h): two short paragraphs for cron
 * mail, the recipients that ended at their first attempt and those that
 * were deferred, with delays and where the ones still queued wait.
 */
static void
write_outcomes(FILE *out, const struct bs_agg *a, int width)
{
	const struct bs_outcomes *r = bs_agg_outcomes(a);
	const char *e = r->estimated ? "~" : "";
	uint64_t exp_after = r->deferred - r->delivered_after_deferral -
	    r->bounced_after_deferral - r->still_deferred;
	char text[1024], d[4][32];
	size_t n;

	if (r->recipients == 0 && !r->estimated)
		return;
	fputs("\nWhat happened in the end (recipients of queued mail):\n",
	    out);
	n = (size_t)snprintf(text, sizeof(text), "%s%" PRIu64 " recipient%s: "
	    "%s%" PRIu64 " delivered at the first attempt, %s%" PRIu64
	    " bounced at once", e, r->recipients,
	    r->recipients == 1 ? "" : "s", e, r->delivered_first, e,
	    r->bounced_first);
	if (r->expired > exp_after)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", %s%"
		    PRIu64 " expired with no deferral read", e,
		    r->expired - exp_after);
	n += (size_t)snprintf(text + n, sizeof(text) - n, ".");
	if (r->delay_delivered.samples > 0)
		snprintf(text + n, sizeof(text) - n, " Delivered mail took "
		    "median %s, p90 %s, p99 %s, at most %s.",
		    bs_report_duration(d[0], 32, r->delay_delivered.p50),
		    bs_report_duration(d[1], 32, r->delay_delivered.p90),
		    bs_report_duration(d[2], 32, r->delay_delivered.p99),
		    bs_report_duration(d[3], 32, r->delay_delivered.max));
	wrap_at(out, 2, "", text, width);
	if (r->deferred > 0) {
		n = (size_t)snprintf(text, sizeof(text), "%s%" PRIu64
		    " recipient%s deferred: %s%" PRIu64 " delivered later",
		    e, r->deferred, r->deferred == 1 ? "" : "s", e,
		    r->delivered_after_deferral);
		if (r->delay_after_deferral.samples > 0)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    ", median %s, p90 %s",
			    bs_report_duration(d[0], 32, r->delay_after_deferral.p50),
			    bs_report_duration(d[1], 32, r->delay_after_deferral.p90));
		n += (size_t)snprintf(text + n, sizeof(text) - n, "; %s%"
		    PRIu64 " bounced; %s%" PRIu64 " expired; %s%" PRIu64
		    " still queued at the end of the log", e,
		    r->bounced_after_deferral, e, exp_after, e,
		    r->still_deferred);
		if (r->still_deferred > 0 && r->ndomains > 0 &&
		    r->domains[0].name != NULL) {
			char dom[4 * 255 + 1];

			bs_safe_term(dom, sizeof(dom), r->domains[0].name,
			    r->domains[0].len);
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    " (%s%" PRIu64 " of them at %s)", e,
			    r->domains[0].count, dom);
		}
		snprintf(text + n, sizeof(text) - n, ". Deferrals before: 1 "
		    "for %s%" PRIu64 ", 2-3 for %s%" PRIu64 ", 4-10 for %s%"
		    PRIu64 ", more for %s%" PRIu64 ".", e,
		    r->deferrals_before[BS_DEFERRALS_1], e,
		    r->deferrals_before[BS_DEFERRALS_2_3], e,
		    r->deferrals_before[BS_DEFERRALS_4_10], e,
		    r->deferrals_before[BS_DEFERRALS_MORE]);
		wrap_at(out, 2, "", text, width);
	}
	if (r->estimated) {
		snprintf(text, sizeof(text), "~: more than %u recipients in "
		    "flight at once; %" PRIu64 " could not be followed, and a "
		    "count marked ~ may be off by up to that many.",
		    (unsigned)BS_OUTCOME_RECIPIENTS, r->error_bound);
		wrap_at(out, 2, "", text, width);
	}
}

/*
 * The delivery status notifications this server sent (notify.h), when it
 * sent any, and how many failed themselves: backscatter's sign.
 */
static void
write_notifications(FILE *out, const struct bs_agg *a, int width)
{
	struct bs_notifications r;
	char text[512];

	bs_agg_notifications(a, &r);
	if (r.sent == 0)
		return;
	snprintf(text, sizeof(text), "%" PRIu64 " sent by this server (%"
	    PRIu64 " non-delivery, %" PRIu64 " delay, %" PRIu64 " success); "
	    "%s%" PRIu64 " of them failed in turn (bounced, deferred or "
	    "refused: their senders do not take mail, a sign of "
	    "backscatter).", r.sent, r.by_type[BS_NOTIFY_FAILURE],
	    r.by_type[BS_NOTIFY_DELAY], r.by_type[BS_NOTIFY_SUCCESS],
	    r.estimated ? "at least " : "", r.failed_themselves);
	fputs("\nNotifications (bounces and warnings to senders):\n", out);
	wrap_at(out, 2, "", text, width);
}

/*
 * The server's own warnings (health.h), when there are any: the totals
 * per severity, then the --top groups, each with what to look at where
 * its kind of trouble is known.
 */
static void
write_health(FILE *out, const struct bs_agg *a, unsigned top, int width)
{
	const struct bs_health_report *h = bs_agg_health_results(a);
	char text[8 * BS_HEALTH_TEXT_MAX], label[48], safe[4 *
	    BS_HEALTH_TEXT_MAX];
	const char *shown[16];	/* classes whose advice was shown */
	size_t i, k, nshown = 0, len;

	if (h->lines == 0)
		return;
	fputs("\nServer health (the mail server's own warnings, not "
	    "events):\n", out);
	snprintf(text, sizeof(text), "%" PRIu64 " line%s: %" PRIu64
	    " warning, %" PRIu64 " error, %" PRIu64 " fatal, %" PRIu64
	    " panic.", h->lines, h->lines == 1 ? "" : "s",
	    h->severity[BS_SEV_WARNING], h->severity[BS_SEV_ERROR],
	    h->severity[BS_SEV_FATAL], h->severity[BS_SEV_PANIC]);
	wrap_at(out, 2, "", text, width);
	fprintf(out, "    count  severity  program: text (%zu group%s%s)\n",
	    h->ngroups, h->ngroups == 1 ? "" : "s",
	    h->ngroups > top ? ", most frequent first" : "");
	for (i = 0; i < h->ngroups && i < top; i++) {
		const struct bs_health_group *g = &h->groups[i];
		const char *advice;

		snprintf(label, sizeof(label), "%s%8" PRIu64 "  %-8s  ",
		    g->error > 0 ? "~" : " ", g->count,
		    bs_severity_name(g->severity));
		len = 0;
		if (g->program_len > 0) {
			len = bs_safe_term(safe, sizeof(safe), g->program,
			    g->program_len);
			snprintf(text, sizeof(text), "%s: ", safe);
			len = strlen(text);
		}
		bs_safe_term(safe, sizeof(safe), g->text, g->text_len);
		snprintf(text + len, sizeof(text) - len, "%s", safe);
		wrap_at(out, 0, label, text, width);
		/* What to look at, once per kind of trouble. */
		if (bs_health_class(g->text, g->text_len, &advice) == NULL)
			continue;
		for (k = 0; k < nshown && shown[k] != g->class; k++)
			;
		if (k < nshown || nshown == sizeof(shown) / sizeof(shown[0]))
			continue;
		shown[nshown++] = g->class;
		snprintf(text, sizeof(text), "%s: %s.", g->class, advice);
		wrap_at(out, 23, "-> ", text, width);
	}
	if (h->ngroups > top) {
		snprintf(text, sizeof(text), "%zu more group%s (--format json "
		    "lists them).", h->ngroups - top,
		    h->ngroups - top == 1 ? "" : "s");
		wrap_at(out, 4, "", text, width);
	}
	if (h->estimated) {
		snprintf(text, sizeof(text), "~: more than %u kinds of "
		    "warning; a count marked ~ may be over by up to %" PRIu64
		    ", and %" PRIu64 " lines of kinds not listed are left out.",
		    (unsigned)BS_HEALTH_GROUPS, h->bound, h->other);
		wrap_at(out, 2, "", text, width);
	}
}

/* "1234" or "~1234" for a count that is a lower bound. */
static const char *
num(char *buf, size_t n, uint64_t v, bool est)
{
	snprintf(buf, n, "%s%" PRIu64, est ? "~" : "", v);
	return buf;
}

/* The key of a row made safe for a terminal. */
static void
row_key(const struct bs_by_row *r, enum bs_by by, char *buf, size_t n)
{
	if (r->type == BS_BY_ROW_NULL)
		snprintf(buf, n, by == BS_BY_REMOTE ? "(none: refused/local)"
		    : by == BS_BY_CLIENT ? "(none: not refusals)" : "(none)");
	else if (r->keylen == 0 && by == BS_BY_SENDER)
		snprintf(buf, n, "<> (bounces)");
	else
		bs_safe_term(buf, n, r->key, r->keylen);
}

static const char *const by_titles[BS_BY_COUNT] = {
	"recipient domains", "remote hosts", "senders", "sender domains",
	"refused clients", "reasons", "hours", "days"
};

/* "550 5.7.1", "5.7.1", "550" or "(no code)". */
static const char *
code_text(const struct bs_codes *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", c->basic, c->basic[0] && c->enhanced[0] ?
	    " " : "", c->enhanced);
	if (buf[0] == '\0')
		snprintf(buf, n, "(no code)");
	return buf;
}

/* Under a breakdown whose keys are more than it counted exactly. */
static void
estimated_note(FILE *out, const struct bs_breakdown *b, int width)
{
	char text[160];

	snprintf(text, sizeof(text), "~: more keys than the %d counted "
	    "exactly; a count marked ~ may be up to %" PRIu64 " below the "
	    "truth.", BS_BY_KEYS, bs_breakdown_error_bound(b));
	note(out, text, width);
}

/*
 * Failures by reason (reasons.h): per kind, how many were hard, and the
 * code that came with them most.  Every reason with a failure is shown:
 * there are 34 at most.
 */
static void
write_reasons(FILE *out, const struct bs_breakdown *b, int width)
{
	size_t i, n = bs_breakdown_nrows(b), shown = 0;
	bool est = bs_breakdown_estimated(b);

	fprintf(out, "\nFailures by reason:\n");
	fputs("   failed deferred bounced expired rejected    hard  reason"
	    "           top code\n", out);
	for (i = 0; i < n; i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);
		char key[BS_TOPK_KEY_MAX * 4 + 16], c[6][24], code[48];
		char top[56];
		bool e = r->error > 0;
		int len;

		if (r->failures == 0)
			continue;
		row_key(r, BS_BY_REASON, key, sizeof(key));
		snprintf(top, sizeof(top), "%s%s", r->ncodes > 0 ?
		    code_text(&r->codes[0].codes, code, sizeof(code)) : "-",
		    r->ncodes > 0 && (e || r->codes[0].error > 0) ? " ~" : "");
		len = fprintf(out, "  %7s %8s %7s %7s %8s %7s  %-15s  ",
		    num(c[0], 24, r->failures, e),
		    num(c[1], 24, r->kind[BS_DEFERRED], e),
		    num(c[2], 24, r->kind[BS_BOUNCED], e),
		    num(c[3], 24, r->kind[BS_EXPIRED], e),
		    num(c[4], 24, r->kind[BS_REJECTED], e),
		    num(c[5], 24, r->hard, e), key);
		/* A long code goes to a line of its own, flush right. */
		if (len > 0 && len + (int)strlen(top) > width)
			fprintf(out, "\n%*s", width - (int)strlen(top), "");
		fprintf(out, "%s\n", top);
		shown++;
	}
	if (shown == 0)
		fputs("  (no failures)\n", out);
	if (est)
		estimated_note(out, b, width);
}

/*
 * Under a domain row of --by domain: what happened in the end to its
 * recipients (outcome.h), when the outcomes follow that domain by name.
 */
static void
write_domain_outcome(FILE *out, const struct bs_by_row *row,
    const struct bs_outcomes *r, int width)
{
	const struct bs_outcome_by_domain *d = NULL;
	const char *e = r->estimated ? "~" : "";
	char text[512], t[2][32];
	size_t i, n;

	for (i = 0; i < r->nby_domain && d == NULL; i++) {
		const struct bs_outcome_by_domain *x = &r->by_domain[i];

		if (row->type == BS_BY_ROW_NULL ?
			x->type == BS_OUTCOME_DOM_NULL :
			row->type == BS_BY_ROW_KEY &&
			    x->type == BS_OUTCOME_DOM_KEY &&
			    x->len == row->keylen &&
			    memcmp(x->name, row->key, x->len) == 0)
			d = x;
	}
	if (d == NULL)
		return;
	n = (size_t)snprintf(text, sizeof(text), "%s%" PRIu64 " recipient%s, "
	    "%s%" PRIu64 " delivered", e, d->recipients,
	    d->recipients == 1 ? "" : "s", e,
	    d->delivered_first + d->delivered_after_deferral);
	if (d->delivered_after_deferral > 0) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, " (%s%" PRIu64
		    " after deferral", e, d->delivered_after_deferral);
		if (d->delay_after_deferral.samples > 0)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    ", median %s, p90 %s",
			    bs_report_duration(t[0], 32, d->delay_after_deferral.p50),
			    bs_report_duration(t[1], 32, d->delay_after_deferral.p90));
		n += (size_t)snprintf(text + n, sizeof(text) - n, ")");
	}
	snprintf(text + n, sizeof(text) - n, ", %s%" PRIu64 " bounced, %s%"
	    PRIu64 " expired, %s%" PRIu64 " still queued", e,
	    d->bounced_first + d->bounced_after_deferral, e, d->expired, e,
	    d->still_deferred);
	wrap(out, "outcome: ", text, width);
}

/*
 * One breakdown as a table: the top rows by failures, each with its
 * most frequent failure codes on a line of its own.
 */
static void
write_table(FILE *out, const struct bs_breakdown *b,
    const struct bs_outcomes *oc, unsigned top, int width)
{
	enum bs_by by = bs_breakdown_by(b);
	size_t i, n = bs_breakdown_nrows(b), shown = 0, keys = 0;
	bool est = bs_breakdown_estimated(b);
	bool mest = bs_breakdown_messages_estimated(b);

	for (i = 0; i < n; i++)
		if (bs_breakdown_row(b, i)->type == BS_BY_ROW_KEY)
			keys++;
	fprintf(out, "\nTop %s by failures (%zu of %s%zu):\n",
	    by_titles[by], keys < top ? keys : (size_t)top,
	    est ? "more than " : "", keys);
	fprintf(out, "    failed deferred  bounced  expired rejected  deliv.%s  "
	    "key\n", bs_breakdown_counts_messages(b) ? "   msgs" : "");
	for (i = 0; i < n && shown < top; i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);
		char key[BS_TOPK_KEY_MAX * 4 + 16], c[8][24], codes[256];
		size_t k, len = 0;
		bool e = r->error > 0;
		int used;

		if (r->failures == 0 && r->type == BS_BY_ROW_KEY)
			continue;
		row_key(r, by, key, sizeof(key));
		used = fprintf(out, "  %8s %8s %8s %8s %8s %7s%s%*s  ",
		    num(c[0], 24, r->failures, e),
		    num(c[1], 24, r->kind[BS_DEFERRED], e),
		    num(c[2], 24, r->kind[BS_BOUNCED], e),
		    num(c[3], 24, r->kind[BS_EXPIRED], e),
		    num(c[4], 24, r->kind[BS_REJECTED], e),
		    num(c[5], 24, r->kind[BS_DELIVERED], e),
		    bs_breakdown_counts_messages(b) ? " " : "",
		    bs_breakdown_counts_messages(b) ? 6 : 0,
		    bs_breakdown_counts_messages(b) ?
		    num(c[6], 24, r->messages, e || mest) : "");
		/*
		 * A key too long for the rest of the line goes under it,
		 * wrapped if it is longer than a line (a hostile name).
		 */
		if (used > 0 && used + (int)columns(key) > width) {
			putc('\n', out);
			wrap(out, "", key, width);
		} else
			fprintf(out, "%s\n", key);
		codes[0] = '\0';
		for (k = 0; k < r->ncodes && k < 3 && len < 200; k++) {
			const struct bs_by_code *bc = &r->codes[k];
			bool ce = e || bc->error > 0;

			len += (size_t)snprintf(codes + len, sizeof(codes) -
			    len, "%s%s%s%s %s%s", k ? ", " : "",
			    bc->codes.basic[0] ? bc->codes.basic : "",
			    bc->codes.basic[0] && bc->codes.enhanced[0] ?
			    " " : "", bc->codes.enhanced[0] ?
			    bc->codes.enhanced : bc->codes.basic[0] ? "" :
			    "(no code)", ce ? "~" : "x",
			    num(c[7], 24, bc->count, false));
		}
		if (len > 0)
			wrap(out, "codes: ", codes, width);
		if (by == BS_BY_DOMAIN && oc->by_domain != NULL)
			write_domain_outcome(out, r, oc, width);
		shown++;
	}
	if (shown == 0)
		fputs("  (no failures)\n", out);
	if (est)
		estimated_note(out, b, width);
	else if (mest)
		note(out, "~: distinct messages estimated (about 6.5% "
		    "standard error).", width);
}

/*
 * Failures per hour as a bar chart within 80 columns.  Past two days of
 * hours, per day.  Hours between two that have events are drawn empty.
 */
static void
write_chart(FILE *out, const struct bs_breakdown *b)
{
	size_t i, n = bs_breakdown_nrows(b), nk = 0;
	uint64_t max = 0;
	bool daily, est = bs_breakdown_estimated(b);
	struct { char key[24]; uint64_t v; } rows[BS_BY_KEYS];

	for (i = 0; i < n; i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);

		if (r->type == BS_BY_ROW_KEY && nk < BS_BY_KEYS &&
		    r->keylen < sizeof(rows[0].key)) {
			memcpy(rows[nk].key, r->key, r->keylen);
			rows[nk].key[r->keylen] = '\0';
			rows[nk++].v = r->failures;
		}
	}
	if (nk == 0)
		return;
	daily = nk > 48;
	if (daily) {
		size_t d = 0;

		for (i = 0; i < nk; i++) {
			rows[i].key[10] = '\0';
			if (d > 0 && strcmp(rows[d - 1].key, rows[i].key) == 0)
				rows[d - 1].v += rows[i].v;
			else
				rows[d++] = rows[i];
		}
		nk = d;
	}
	for (i = 0; i < nk; i++)
		if (rows[i].v > max)
			max = rows[i].v;
	fprintf(out, "\nFailures per %s (local time%s):\n",
	    daily ? "day" : "hour", est ? "; ~: at least" : "");
	for (i = 0; i < nk; i++) {
		int bar = max ? (int)((rows[i].v * 50 + max - 1) / max) : 0;

		fprintf(out, "  %-16s |%.*s%*s %s%" PRIu64 "\n", rows[i].key,
		    bar, "##################################################",
		    50 - bar, "", est ? "~" : "", rows[i].v);
		if (!daily && i + 1 < nk) {
			struct tm tm = { 0 };
			time_t t, next;
			char key[24];

			/* Draw the empty hours up to the next key. */
			if (sscanf(rows[i].key, "%d-%d-%dT%d", &tm.tm_year,
			    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour) != 4)
				continue;
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			tm.tm_isdst = -1;
			t = mktime(&tm);
			for (next = t + 3600; ; next += 3600) {
				struct tm nt;

				if (localtime_r(&next, &nt) == NULL)
					break;
				strftime(key, sizeof(key), "%Y-%m-%dT%H:00",
				    &nt);
				if (strcmp(key, rows[i + 1].key) >= 0)
					break;
				fprintf(out, "  %-16s |%50s 0\n", key, "");
			}
		}
	}
}

/* The breakdowns that say where mail fails: before the code rows. */
static bool
leads(enum bs_by by)
{
	return by == BS_BY_REASON || by == BS_BY_DOMAIN;
}

/* The breakdowns that lead (lead) or the others, in the order asked. */
static void
write_breakdowns(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o, bool lead)
{
	size_t i, n = bs_agg_nby(a);
	unsigned top = o->top ? o->top : 10;

	for (i = 0; i < n; i++) {
		const struct bs_breakdown *b = bs_agg_by(a, i);
		enum bs_by by = bs_breakdown_by(b);

		if (leads(by) != lead)
			continue;
		if (by == BS_BY_HOUR || by == BS_BY_DAY)
			write_chart(out, b);
		else if (by == BS_BY_REASON)
			write_reasons(out, b, o->width);
		else
			write_table(out, b, bs_agg_outcomes(a), top,
			    o->width);
	}
}

/*
 * Delivered mail needs no action: its rows (2xx, and delivered without a
 * code) are one line of totals per code unless --all asks for them.  A
 * row of another kind with a 2xx code (a refusal after a 250) is a
 * failure and listed.
 */
static bool
folded_away(const struct bs_row *r, const struct bs_report_opts *o)
{
	return !o->all && r->kind == BS_DELIVERED;
}

/* "Delivered: 1234 (250 2.0.0 x1200, 250 x34); --all lists them" */
static void
write_delivered(FILE *out, const struct bs_agg *a, int width)
{
	size_t i, n = bs_agg_nrows(a), len = 0, listed = 0, more = 0;
	uint64_t total = 0;
	char text[512], code[48], label[40];

	for (i = 0; i < n; i++) {
		const struct bs_row *r = bs_agg_row(a, i);

		if (r->kind != BS_DELIVERED)
			continue;
		total += r->count;
		/* Rows come most frequent first: the top few name codes. */
		if (listed == 4) {
			more++;
			continue;
		}
		code_text(&r->codes, code, sizeof(code));
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s%s x%" PRIu64, listed > 0 ? ", " : "",
		    code[0] == '(' ? "no code" : code, r->count);
		listed++;
	}
	if (total == 0)
		return;
	if (more > 0)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    ", %zu more code%s", more, more == 1 ? "" : "s");
	snprintf(text + len, sizeof(text) - len, "); --all lists them");
	snprintf(label, sizeof(label), "Delivered: %" PRIu64 " (", total);
	putc('\n', out);
	wrap_at(out, 0, label, text, width);
}

int
bs_report_text(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o)
{
	size_t g, i, n = bs_agg_nrows(a);

	write_totals(out, a, o->width);
	write_period(out, a, o);
	write_breakdowns(out, a, o, true);
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		bool header = false;

		for (i = 0; i < n; i++) {
			const struct bs_row *r = bs_agg_row(a, i);
			struct bs_description d;

			if (folded_away(r, o))
				continue;
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
	if (!o->all)
		write_delivered(out, a, o->width);
	write_breakdowns(out, a, o, false);
	write_outcomes(out, a, o->width);
	write_notifications(out, a, o->width);
	write_health(out, a, o->top, o->width);
	write_problems(out, a, o->width);
	return ferror(out) ? -1 : 0;
}
