/*
 * report_events.c - --format events: one JSON object per event and line
 * (JSON Lines), written as the events are read.
 *
 * The fields are DESIGN.md's event record, in one fixed order, each
 * present on every line (null where the log does not say).  Every string
 * from a log goes through bs_safe_json_to.  Hot where it is used: once per
 * event, so a line is built in the writer's buffer and handed to stdio in
 * one piece (a call per field cost three times the parsing).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "breakdown.h"
#include "catalog.h"
#include "report.h"
#include "safe.h"

/* Room for n more bytes; false when out of memory. */
static bool
room(struct bs_events_writer *w, size_t n)
{
	size_t cap = w->cap ? w->cap : 4096;
	char *b;

	if (w->len + n <= w->cap)
		return true;
	while (cap < w->len + n)
		cap *= 2;
	b = realloc(w->buf, cap);
	if (b == NULL)
		return false;
	w->buf = b;
	w->cap = cap;
	return true;
}

/* A literal piece of the line (room made beforehand). */
static void
put(struct bs_events_writer *w, const char *s, size_t n)
{
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

#define PUT(w, lit)	put((w), (lit), sizeof(lit) - 1)

/* A string from the log, or null. */
static bool
text(struct bs_events_writer *w, const char *lead, size_t leadlen,
    const char *s, size_t n)
{
	if (!room(w, leadlen + BS_SAFE_JSON_ROOM(n)))
		return false;
	put(w, lead, leadlen);
	if (s == NULL)
		PUT(w, "null");
	else
		w->len += bs_safe_json_to(w->buf + w->len, s, n);
	return true;
}

#define TEXT(w, lead, s, n)	text((w), (lead), sizeof(lead) - 1, (s), (n))

/* A code (digits and dots: extract.c checked them) or null. */
static void
code(struct bs_events_writer *w, const char *s)
{
	size_t n = strlen(s);

	if (n == 0) {
		PUT(w, "null");
		return;
	}
	w->buf[w->len++] = '"';
	put(w, s, n);
	w->buf[w->len++] = '"';
}

/* ISO 8601 with the local offset, through a cache of the last minute. */
static void
iso_time(struct bs_events_writer *w, time_t t)
{
	struct tm tm;
	long sec;

	if (t < w->lo || t >= w->hi) {
		char zone[8];

		if (localtime_r(&t, &tm) == NULL) {
			PUT(w, "null");
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
	sec = (long)(t - w->lo);
	w->buf[w->len++] = '"';
	put(w, w->prefix, strlen(w->prefix));
	w->buf[w->len++] = (char)('0' + sec / 10);
	w->buf[w->len++] = (char)('0' + sec % 10);
	put(w, w->zone, strlen(w->zone));
	w->buf[w->len++] = '"';
}

/* A whole number, by hand: printf cost as much as a field's escaping. */
static size_t
u64_text(char *dst, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

/*
 * A delay in seconds.  Postfix writes at most two decimals and Exim whole
 * seconds or milliseconds: those are written by hand, anything else
 * through printf.
 */
static void
delay(struct bs_events_writer *w, double d)
{
	char num[40];
	double ms = d * 1000.0;
	long long whole;
	int n;

	if (d < 0) {
		PUT(w, "null");
		return;
	}
	if (d < 1e12 && fabs(ms - floor(ms + 0.5)) < 1e-6) {
		long long m = (long long)floor(ms + 0.5);
		int frac = (int)(m % 1000);

		whole = m / 1000;
		n = (int)u64_text(num, (uint64_t)whole);
		if (frac != 0) {
			num[n++] = '.';
			num[n++] = (char)('0' + frac / 100);
			frac %= 100;
			if (frac != 0) {
				num[n++] = (char)('0' + frac / 10);
				if (frac % 10 != 0)
					num[n++] = (char)('0' + frac % 10);
			}
		}
	} else {
		n = snprintf(num, sizeof(num), "%.10g", d);
	}
	put(w, num, (size_t)n);
}

void
bs_events_writer_init(struct bs_events_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->lo = 1;
}

void
bs_events_writer_fini(struct bs_events_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->cap = w->len = 0;
}

void
bs_report_event(void *ctx, const char *input, uint64_t lineno,
    const struct bs_event *ev)
{
	struct bs_events_writer *w = ctx;
	const char *cat = bs_catalog_category(&ev->codes, ev->connfail);
	char dom[BS_TOPK_KEY_MAX + 1];
	long dl = bs_by_key(BS_BY_DOMAIN, ev, dom);
	w->len = 0;
	/* The fixed parts, with room for the longest time and codes. */
	if (!room(w, 512)) {
		w->failed = true;
		return;
	}
	PUT(w, "{\"time\":");
	if (ev->timed)
		iso_time(w, ev->time);
	else
		PUT(w, "null");
	PUT(w, ",\"kind\":\"");
	put(w, bs_kind_name(ev->kind), strlen(bs_kind_name(ev->kind)));
	PUT(w, "\",\"basic\":");
	code(w, ev->codes.basic);
	PUT(w, ",\"enhanced\":");
	code(w, ev->codes.enhanced);
	PUT(w, ",\"category\":");
	if (cat != NULL) {
		w->buf[w->len++] = '"';
		put(w, cat, strlen(cat));
		w->buf[w->len++] = '"';
	} else {
		PUT(w, "null");
	}
	PUT(w, ",\"reason\":");
	if (ev->reason != NULL) {
		w->buf[w->len++] = '"';
		put(w, ev->reason, strlen(ev->reason));
		w->buf[w->len++] = '"';
	} else {
		PUT(w, "null");
	}
	if (ev->hard > 0)
		PUT(w, ",\"hard\":true");
	else if (ev->hard == 0)
		PUT(w, ",\"hard\":false");
	else
		PUT(w, ",\"hard\":null");
	if (!TEXT(w, ",\"message\":", ev->msgid, ev->msgid_len) ||
	    !TEXT(w, ",\"recipient\":", ev->recipient.ptr,
	    ev->recipient.len) ||
	    !TEXT(w, ",\"domain\":", dl >= 0 ? dom : NULL,
	    dl >= 0 ? (size_t)dl : 0) ||
	    !TEXT(w, ",\"remote\":", ev->remote.ptr, ev->remote.len) ||
	    !TEXT(w, ",\"remote_ip\":", ev->remote_ip.ptr,
	    ev->remote_ip.len) ||
	    !TEXT(w, ",\"sender\":", ev->sender.ptr, ev->sender.len) ||
	    !room(w, 64))
		goto fail;
	PUT(w, ",\"delay\":");
	delay(w, ev->delay);
	if (!TEXT(w, ",\"reply\":", ev->reply, ev->reply_len) ||
	    !TEXT(w, ",\"input\":", input, strlen(input)) || !room(w, 40))
		goto fail;
	PUT(w, ",\"line\":");
	w->len += u64_text(w->buf + w->len, lineno);
	PUT(w, "}\n");
	if (fwrite(w->buf, 1, w->len, w->out) != w->len)
		w->failed = true;
	return;
fail:
	w->failed = true;
}
