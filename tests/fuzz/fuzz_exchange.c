/*
 * fuzz_exchange.c - libFuzzer target: the fuzz input's lines through the
 * exchange parser (bs_format_exchange open, probe, parse, close), each event
 * checked (see fuzz_format.h), and its record as well (below).
 *
 * All lines go to one parser state, so "#Fields:" headers met on the way
 * change how the rows after them are read, as in a concatenated log.
 * Codes are not checked against the raw line: CSV unescaping may build
 * them from a quoted field ("55""0" is not, but "55"0 is "550").
 *
 * check_regressions.c includes every target into one file, so the
 * functions here carry the prefix fz_exchange_.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_format.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/*
 * A text of the record: a length only with a pointer, no longer than the
 * line (it points into the line or into the unescaped copy of one of its
 * fields), and readable (ASan checks the bytes).
 */
static void
fz_exchange_text(const struct bs_text *t, size_t len, const char *what)
{
	FZ_ASSERT(t->ptr != NULL || t->len == 0, "%s: a length without text",
	    what);
	FZ_ASSERT(t->len <= len, "%s is longer than its line", what);
	if (t->ptr != NULL)
		fz_touch(t->ptr, t->len);
}

/*
 * What every Exchange event holds: it is an event, not a note (but for a
 * DSN row's notification, which holds its id); it states
 * no delay and no time (run.c reads that from the stamp); a recipient is
 * one item of the list, without ';'; a remote host is never an empty
 * string (an empty column or {FQDN=} is not stated).
 */
static void
fz_exchange_event(void *ctx, const struct bs_event *ev)
{
	struct fz_format_run *r = ctx;

	if (ev->note == BS_NOTE_NOTIFY) {
		/* A DSN row: a non-delivery notification, its own id. */
		FZ_ASSERT(ev->kind == BS_BOUNCED, "exchange: a DSN of kind %d",
		    (int)ev->kind);
		fz_exchange_text(&ev->notify_id, r->len, "notify_id");
		return;
	}
	FZ_ASSERT(ev->note == BS_NOTE_EVENT, "exchange: a note (%d)",
	    (int)ev->note);
	FZ_ASSERT(ev->delay < 0, "exchange: a delay");
	FZ_ASSERT(!ev->timed && ev->time == 0, "exchange: a time");
	fz_exchange_text(&ev->recipient, r->len, "recipient");
	fz_exchange_text(&ev->remote, r->len, "remote");
	fz_exchange_text(&ev->remote_ip, r->len, "remote_ip");
	fz_exchange_text(&ev->sender, r->len, "sender");
	FZ_ASSERT(ev->recipient.ptr == NULL ||
	    memchr(ev->recipient.ptr, ';', ev->recipient.len) == NULL,
	    "exchange: a recipient holds ';'");
	FZ_ASSERT(ev->remote.ptr == NULL || ev->remote.len > 0,
	    "exchange: an empty remote");
	FZ_ASSERT(ev->remote_ip.ptr == NULL || ev->remote_ip.len > 0,
	    "exchange: an empty remote_ip");
	fz_format_event(ctx, ev);
}

/* fz_format_line, with the record checked before the shared checks. */
static bool
fz_exchange_line(void *ctx, const char *s, size_t len, uint64_t lineno,
    bool cut)
{
	struct fz_format_run *r = ctx;
	struct bs_line line = { .ptr = s, .len = len, .lineno = lineno,
	    .cut = cut };
	int score = r->fmt->probe(s, len);
	bs_status st;

	FZ_ASSERT(score >= 0 && score <= 2, "exchange: probe score %d",
	    score);
	r->line = s;
	r->len = len;
	st = r->fmt->parse(r->state, &line, fz_exchange_event, r);
	FZ_ASSERT(st == BS_OK || st == BS_ERR_MATCH,
	    "exchange: parse returned %d", (int)st);
	return true;
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct fz_format_run r = { &bs_format_exchange, NULL, NULL, false,
	    NULL, 0 };
	struct bs_diag d;

	bs_diag_clear(&d);
	if (r.fmt->open(fz_patterns(), &r.state, &d) != BS_OK)
		FZ_FAIL("exchange: open failed: %s", d.msg);
	r.agg = bs_agg_new(true);
	if (r.agg == NULL)
		FZ_FAIL("out of memory");
	fz_each_line(data, size, fz_exchange_line, &r);
	r.fmt->close(r.state);
	/* Recognition runs on the same bytes as a sample. */
	(void)bs_format_detect((const char *)data, size);
	bs_agg_finish(r.agg);
	bs_agg_free(r.agg);
	return 0;
}
