/*
 * report_events.c - --format events: one JSON object per event and line
 * (JSON Lines), written as the events are read.
 *
 * The fields are DESIGN.md's event record, in one fixed order, each
 * present on every line (null where the log does not say).  Every string
 * from a log goes through bs_safe_json.  Hot where it is used: once per
 * event, through stdio's buffer.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "breakdown.h"
#include "catalog.h"
#include "report.h"
#include "safe.h"

static void
text(FILE *out, const struct bs_text *t)
{
	if (t->ptr == NULL)
		fputs("null", out);
	else
		bs_safe_json(out, t->ptr, t->len);
}

static void
code(FILE *out, const char *s)
{
	if (*s == '\0') {
		fputs("null", out);
	} else {
		putc('"', out);
		fputs(s, out);	/* digits and dots: extract.c checked */
		putc('"', out);
	}
}

/* ISO 8601 with the local offset, through a cache of the last minute. */
static void
iso_time(struct bs_events_writer *w, time_t t)
{
	struct tm tm;

	if (t < w->lo || t >= w->hi) {
		char zone[8];

		if (localtime_r(&t, &tm) == NULL) {
			fputs("null", w->out);
			return;
		}
		w->lo = t - tm.tm_sec;
		w->hi = w->lo + 60;
		strftime(w->prefix, sizeof(w->prefix), "%Y-%m-%dT%H:%M:", &tm);
		strftime(zone, sizeof(zone), "%z", &tm);
		/* +0100 -> +01:00 */
		snprintf(w->zone, sizeof(w->zone), "%.3s:%.2s", zone,
		    zone + 3);
	}
	fprintf(w->out, "\"%s%02d%s\"", w->prefix, (int)(t - w->lo),
	    w->zone);
}

void
bs_events_writer_init(struct bs_events_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->lo = 1;
}

void
bs_report_event(void *ctx, const char *input, uint64_t lineno,
    const struct bs_event *ev)
{
	struct bs_events_writer *w = ctx;
	FILE *out = w->out;
	const char *cat = bs_catalog_category(&ev->codes, ev->connfail);
	char dom[BS_TOPK_KEY_MAX + 1];
	long dl = bs_by_key(BS_BY_DOMAIN, ev, dom);

	fputs("{\"time\":", out);
	if (ev->timed)
		iso_time(w, ev->time);
	else
		fputs("null", out);
	fprintf(out, ",\"kind\":\"%s\",\"basic\":", bs_kind_name(ev->kind));
	code(out, ev->codes.basic);
	fputs(",\"enhanced\":", out);
	code(out, ev->codes.enhanced);
	fputs(",\"category\":", out);
	if (cat != NULL)
		fprintf(out, "\"%s\"", cat);
	else
		fputs("null", out);
	fputs(",\"message\":", out);
	text(out, &(struct bs_text){ ev->msgid, ev->msgid_len });
	fputs(",\"recipient\":", out);
	text(out, &ev->recipient);
	fputs(",\"domain\":", out);
	if (dl >= 0)
		bs_safe_json(out, dom, (size_t)dl);
	else
		fputs("null", out);
	fputs(",\"remote\":", out);
	text(out, &ev->remote);
	fputs(",\"remote_ip\":", out);
	text(out, &ev->remote_ip);
	fputs(",\"sender\":", out);
	text(out, &ev->sender);
	fputs(",\"delay\":", out);
	if (ev->delay >= 0)
		fprintf(out, "%.10g", ev->delay);
	else
		fputs("null", out);
	fputs(",\"reply\":", out);
	text(out, &(struct bs_text){ ev->reply, ev->reply_len });
	fputs(",\"input\":", out);
	bs_safe_json(out, input, strlen(input));
	fprintf(out, ",\"line\":%" PRIu64 "}\n", lineno);
	if (ferror(out))
		w->failed = true;
}
