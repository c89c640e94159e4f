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
#include "grow.h"
#include "join.h"
#include "report.h"
#include "run.h"
#include "safe.h"

/* Room for n more bytes; false when out of memory. */
static bool
room(struct bs_events_writer *w, size_t n)
{
	char *b = bs_grow(w->buf, &w->cap, w->len + n, 1, 4096);

	if (b == NULL)
		return false;
	w->buf = b;
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

/*
 * The line of event ev in w->buf, through the line number's key:
 * everything but the number and "}\n".  With hold and ev->sender_before,
 * the sender's value is left out and *hole is where it goes; otherwise
 * *hole is SIZE_MAX.  False when out of memory.
 */
static bool
format_event(struct bs_events_writer *w, const char *input,
    const struct bs_event *ev, bool hold, size_t *hole)
{
	const char *cat = bs_catalog_category(&ev->codes, ev->connfail);
	char dom[BS_TOPK_KEY_MAX + 1];
	long dl = bs_by_key(BS_BY_DOMAIN, ev, dom);

	w->len = 0;
	*hole = SIZE_MAX;
	/* The fixed parts, with room for the longest time and codes. */
	if (!room(w, 512))
		return false;
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
	    ev->remote_ip.len))
		return false;
	if (hold && ev->sender_before) {
		if (!room(w, 16))
			return false;
		PUT(w, ",\"sender\":");
		*hole = w->len;
	} else if (!TEXT(w, ",\"sender\":", ev->sender.ptr, ev->sender.len)) {
		return false;
	}
	if (!room(w, 64))
		return false;
	PUT(w, ",\"delay\":");
	delay(w, ev->delay);
	if (!TEXT(w, ",\"reply\":", ev->reply, ev->reply_len) ||
	    !TEXT(w, ",\"input\":", input, strlen(input)))
		return false;
	if (!room(w, 16))
		return false;
	PUT(w, ",\"line\":");
	return true;
}

/* The line number and the end of the line built in w->buf; then write it. */
static void
finish_line(struct bs_events_writer *w, uint64_t lineno)
{
	if (!room(w, 24)) {
		w->failed = true;
		return;
	}
	w->len += u64_text(w->buf + w->len, lineno);
	PUT(w, "}\n");
	if (fwrite(w->buf, 1, w->len, w->out) != w->len)
		w->failed = true;
}

void
bs_report_event(void *ctx, const char *input, uint64_t lineno,
    const struct bs_event *ev)
{
	struct bs_events_writer *w = ctx;
	size_t hole;

	if (!format_event(w, input, ev, false, &hole)) {
		w->failed = true;
		return;
	}
	finish_line(w, lineno);
}

/* ---- a piece's events, held until the pieces before it are written ---- */

/*
 * The events of one piece of a file read on several cores (run.h struct
 * bs_piece_sink).  Each is kept as its line but for the line number
 * (known when the lines of the pieces before are) and, when its message
 * arrived in an earlier piece, the sender: a record head, then the line
 * up to the sender's value, the message id to ask the join, and the rest.
 */
struct held {
	uint64_t lineno;	/* in the piece */
	uint32_t head;		/* bytes before the sender's value */
	uint32_t tail;		/* bytes after it */
	uint32_t idlen;		/* sender_before: the message id's */
	bool before;
};

struct piece_events {
	struct bs_events_writer fmt;	/* formats; its time cache */
	char *buf;
	size_t len, cap;
	bool nomem;
};

static void *
piece_open(void)
{
	struct piece_events *p = calloc(1, sizeof(*p));

	if (p != NULL)
		bs_events_writer_init(&p->fmt, NULL);
	return p;
}

static void
piece_close(void *ctx)
{
	struct piece_events *p = ctx;

	if (p == NULL)
		return;
	bs_events_writer_fini(&p->fmt);
	free(p->buf);
	free(p);
}

static void
piece_reset(void *ctx)
{
	struct piece_events *p = ctx;

	p->len = 0;
	p->nomem = false;
}

static void
piece_event(void *ctx, const char *input, uint64_t lineno,
    const struct bs_event *ev)
{
	struct piece_events *p = ctx;
	struct held h = { .lineno = lineno };
	size_t hole;
	char *b;

	if (p->nomem)
		return;
	if (!format_event(&p->fmt, input, ev, true, &hole)) {
		p->nomem = true;
		return;
	}
	h.before = hole != SIZE_MAX;
	h.head = (uint32_t)(h.before ? hole : p->fmt.len);
	h.tail = (uint32_t)(p->fmt.len - h.head);
	h.idlen = h.before ? (uint32_t)ev->msgid_len : 0;
	if ((b = bs_grow(p->buf, &p->cap, p->len + sizeof(h) + p->fmt.len +
	    h.idlen, 1, 65536)) == NULL) {
		p->nomem = true;
		return;
	}
	p->buf = b;
	memcpy(p->buf + p->len, &h, sizeof(h));
	p->len += sizeof(h);
	memcpy(p->buf + p->len, p->fmt.buf, h.head);
	p->len += h.head;
	if (h.before) {
		memcpy(p->buf + p->len, ev->msgid, h.idlen);
		p->len += h.idlen;
	}
	memcpy(p->buf + p->len, p->fmt.buf + h.head, h.tail);
	p->len += h.tail;
}

/*
 * The bytes of events held: what the store's buffer holds, not its
 * capacity, which a store kept from an earlier piece keeps (its pages
 * past len are the earlier piece's, bounded by that piece's share).
 */
static size_t
piece_held(const void *ctx)
{
	const struct piece_events *p = ctx;

	return p->len + p->fmt.cap;
}

static bool
piece_flush(void *ctx, void *sink_ctx, uint64_t first_lines,
    const struct bs_join *join)
{
	struct piece_events *p = ctx;
	struct bs_events_writer *w = sink_ctx;
	size_t at = 0;

	if (p->nomem)
		return false;
	while (at < p->len) {
		struct held h;
		const char *s;
		size_t slen;

		memcpy(&h, p->buf + at, sizeof(h));
		at += sizeof(h);
		w->len = 0;
		if (!room(w, h.head + h.tail + 16))
			return false;
		put(w, p->buf + at, h.head);
		at += h.head;
		if (h.before) {
			bool known = bs_join_sender(join, p->buf + at, h.idlen,
					 &s, &slen) == BS_JOIN_KNOWN;

			at += h.idlen;
			if (!text(w, "", 0, known ? s : NULL, known ? slen : 0))
				return false;
		}
		put(w, p->buf + at, h.tail);
		at += h.tail;
		finish_line(w, first_lines + h.lineno);
	}
	return true;
}

const struct bs_piece_sink bs_events_piece_sink = {
	.open = piece_open,
	.event = piece_event,
	.held = piece_held,
	.flush = piece_flush,
	.reset = piece_reset,
	.close = piece_close,
};
