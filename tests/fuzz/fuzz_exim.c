/*
 * fuzz_exim.c - libFuzzer target: the fuzz input's lines through the
 * exim parser (bs_format_exim open, probe, parse, close), each event
 * checked (see fuzz_format.h).
 *
 * The exim parser also hands out notes for the sender join (an arrival,
 * "Completed"), which are no events: they are checked here and kept out
 * of the aggregate.  Every record's fields (recipient, remote, remote_ip,
 * sender) must be spans of the line, and its delay a number of seconds or
 * unstated; a note must carry a message id and come from a line that
 * holds one of the joined needles, or a joining run would never see it.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_format.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* A field of the record is unstated or lies inside line[0..len). */
static inline void
fz_exim_span(const char *what, const struct bs_text *t, const char *line,
    size_t len)
{
	if (t->ptr == NULL) {
		FZ_ASSERT(t->len == 0, "exim: %s length without a text", what);
		return;
	}
	FZ_ASSERT(t->ptr >= line && t->len <= len &&
	    (size_t)(t->ptr - line) <= len - t->len,
	    "exim: %s is not a span of the line", what);
	fz_touch(t->ptr, t->len);
}

static inline bool
fz_exim_has(const char *const *needles, const char *s, size_t n)
{
	size_t i;

	for (i = 0; needles[i] != NULL; i++)
		if (memmem(s, n, needles[i], strlen(needles[i])) != NULL)
			return true;
	return false;
}

static inline void
fz_exim_record(void *ctx, const struct bs_event *ev)
{
	struct fz_format_run *r = ctx;

	fz_exim_span("recipient", &ev->recipient, r->line, r->len);
	fz_exim_span("remote", &ev->remote, r->line, r->len);
	fz_exim_span("remote_ip", &ev->remote_ip, r->line, r->len);
	fz_exim_span("sender", &ev->sender, r->line, r->len);
	FZ_ASSERT(ev->delay < 0 || isfinite(ev->delay),
	    "exim: delay %g is no number of seconds", ev->delay);
	if (ev->note == BS_NOTE_EVENT) {
		fz_format_event(ctx, ev);
		return;
	}
	if (ev->note == BS_NOTE_HEALTH) {
		/* Exim's "Warning: TEXT": the text lies in the line. */
		FZ_ASSERT(ev->severity == BS_SEV_WARNING && ev->reply != NULL &&
		    ev->reply >= r->line && ev->reply_len <= r->len &&
		    (size_t)(ev->reply - r->line) <= r->len - ev->reply_len,
		    "exim: a health note without its text in the line");
		fz_touch(ev->reply, ev->reply_len);
		return;
	}
	FZ_ASSERT(ev->note == BS_NOTE_ARRIVAL || ev->note == BS_NOTE_GONE ||
	    ev->note == BS_NOTE_NOTIFY, "exim: bad note %d", (int)ev->note);
	/* A notification sent: its own id lies in the line too. */
	FZ_ASSERT(ev->note != BS_NOTE_NOTIFY || (ev->notify_id.ptr != NULL &&
	    ev->notify_id.len > 0 && ev->notify_id.ptr >= r->line &&
	    ev->notify_id.len <= r->len &&
	    (size_t)(ev->notify_id.ptr - r->line) <= r->len -
	    ev->notify_id.len), "exim: a notification without its id in "
	    "the line");
	FZ_ASSERT(ev->msgid != NULL && ev->msgid_len > 0,
	    "exim: a note without a message id");
	FZ_ASSERT(ev->msgid >= r->line && ev->msgid_len <= r->len,
	    "exim: the note's message id is not in the line");
	fz_touch(ev->msgid, ev->msgid_len);
	FZ_ASSERT(bs_format_exim.joined_needles != NULL &&
	    fz_exim_has(bs_format_exim.joined_needles, r->line, r->len),
	    "exim: a note from a line without any of the joined needles");
}

/* fuzz_format.h's fz_format_line, with notes taken apart from events. */
static inline bool
fz_exim_line(void *ctx, const char *s, size_t len, uint64_t lineno,
    bool cut)
{
	struct fz_format_run *r = ctx;
	struct bs_line line = { .ptr = s, .len = len, .lineno = lineno,
	    .cut = cut };
	int score = bs_format_exim.probe(s, len);
	bs_status st;

	FZ_ASSERT(score >= 0 && score <= 2, "exim: probe score %d", score);
	r->line = s;
	r->len = len;
	st = bs_format_exim.parse(r->state, &line, fz_exim_record, r);
	FZ_ASSERT(st == BS_OK || st == BS_ERR_MATCH, "exim: parse returned %d",
	    (int)st);
	return true;
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct fz_format_run r = { &bs_format_exim, NULL, NULL, true, NULL,
	    0 };
	struct bs_diag d;

	bs_diag_clear(&d);
	if (bs_format_exim.open(fz_patterns(), &r.state, &d) != BS_OK)
		FZ_FAIL("exim: open failed: %s", d.msg);
	r.agg = bs_agg_new(true);
	if (r.agg == NULL)
		FZ_FAIL("out of memory");
	fz_each_line(data, size, fz_exim_line, &r);
	bs_format_exim.close(r.state);
	/* Recognition runs on the same bytes as a sample. */
	(void)bs_format_detect((const char *)data, size);
	bs_agg_finish(r.agg);
	bs_agg_free(r.agg);
	return 0;
}
