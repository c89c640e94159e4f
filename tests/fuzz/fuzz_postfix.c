/*
 * fuzz_postfix.c - libFuzzer target: the fuzz input's lines through the
 * postfix parser (bs_format_postfix open, probe, parse, close), each event
 * checked (see fuzz_format.h) and counted into an aggregate.
 *
 * The parser also hands out notes for the sender join (qmgr's arrival
 * record, "removed"), which are no events: they are checked here and kept
 * out of the aggregate.  Each line is parsed twice, as a run hands it
 * over: bare (the parser looks for its needles) and with the first of the
 * joined needles (as the splitter of a joining run gives it).  Both must
 * state the same events and notes, field for field; a note must come from
 * a line that holds a joined needle.  Every field of the record
 * (recipient, remote, remote_ip, sender) is a span of the line, and the
 * delay a number of seconds or unstated.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_format.h"
#include "scan.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* The records of one line (a few at most; more are counted, not kept). */
#define FZ_PF_KEEP	4

struct fz_pf_seen {
	struct fz_format_run *r;
	int n;
	struct bs_event ev[FZ_PF_KEEP];
};

struct fz_pf {
	struct fz_format_run r;
	struct bs_needles joined;
};

static inline void
fz_pf_span(const char *what, struct bs_text t, const char *line, size_t len)
{
	if (t.ptr == NULL) {
		FZ_ASSERT(t.len == 0, "postfix: %s length without a text",
		    what);
		return;
	}
	FZ_ASSERT(t.ptr >= line && t.len <= len &&
	    (size_t)(t.ptr - line) <= len - t.len,
	    "postfix: %s is not a span of the line", what);
	fz_touch(t.ptr, t.len);
}

static inline bool
fz_pf_has_joined(const char *s, size_t n)
{
	const char *const *nd = bs_format_postfix.joined_needles;
	size_t i;

	for (i = 0; nd[i] != NULL; i++)
		if (memmem(s, n, nd[i], strlen(nd[i])) != NULL)
			return true;
	return false;
}

static inline void
fz_pf_record(void *ctx, const struct bs_event *ev)
{
	struct fz_pf_seen *s = ctx;
	struct fz_format_run *r = s->r;

	fz_pf_span("recipient", ev->recipient, r->line, r->len);
	fz_pf_span("remote", ev->remote, r->line, r->len);
	fz_pf_span("remote_ip", ev->remote_ip, r->line, r->len);
	fz_pf_span("sender", ev->sender, r->line, r->len);
	FZ_ASSERT(ev->delay < 0 || isfinite(ev->delay),
	    "postfix: delay %g is no number of seconds", ev->delay);
	if (s->n < FZ_PF_KEEP)
		s->ev[s->n] = *ev;
	s->n++;
	if (ev->note == BS_NOTE_EVENT) {
		fz_format_event(r, ev);
		return;
	}
	if (ev->note == BS_NOTE_HEALTH) {
		/* The server's own trouble: its text and program in the line. */
		FZ_ASSERT((unsigned)ev->severity < BS_SEV_COUNT &&
		    ev->reply != NULL && ev->reply >= r->line &&
		    ev->reply_len <= r->len &&
		    (size_t)(ev->reply - r->line) <= r->len - ev->reply_len,
		    "postfix: a health note without its text in the line");
		fz_pf_span("program", ev->program, r->line, r->len);
		fz_touch(ev->reply, ev->reply_len);
		return;
	}
	if (ev->note == BS_NOTE_FOREIGN) {
		/* A third program's status line: its name in the line. */
		FZ_ASSERT(ev->program.ptr != NULL && ev->program.len > 0,
		    "postfix: a foreign note without its program");
		fz_pf_span("program", ev->program, r->line, r->len);
		return;
	}
	FZ_ASSERT(ev->note == BS_NOTE_ARRIVAL || ev->note == BS_NOTE_GONE ||
	    ev->note == BS_NOTE_NOTIFY, "postfix: bad note %d", (int)ev->note);
	/* A notification sent: its own id lies in the line too. */
	FZ_ASSERT(ev->note != BS_NOTE_NOTIFY || (ev->notify_id.ptr != NULL &&
	    ev->notify_id.len > 0 && ev->notify_id.ptr >= r->line &&
	    ev->notify_id.len <= r->len &&
	    (size_t)(ev->notify_id.ptr - r->line) <= r->len -
	    ev->notify_id.len && (ev->kind == BS_BOUNCED ||
	    ev->kind == BS_DEFERRED || ev->kind == BS_DELIVERED)),
	    "postfix: a notification without its id in the line, or of kind %d",
	    (int)ev->kind);
	FZ_ASSERT(ev->msgid != NULL && ev->msgid_len > 0 &&
	    ev->msgid >= r->line && ev->msgid_len <= r->len &&
	    (size_t)(ev->msgid - r->line) <= r->len - ev->msgid_len,
	    "postfix: the note's message id is not in the line");
	FZ_ASSERT(fz_pf_has_joined(r->line, r->len),
	    "postfix: a note from a line without any of the joined needles");
}

static inline bool
fz_pf_same_text(struct bs_text a, struct bs_text b)
{
	return a.ptr == b.ptr && a.len == b.len;
}

static inline bool
fz_pf_same(const struct bs_event *a, const struct bs_event *b)
{
	return a->note == b->note && a->kind == b->kind &&
	    a->connfail == b->connfail &&
	    memcmp(&a->codes, &b->codes, sizeof(a->codes)) == 0 &&
	    a->msgid == b->msgid && a->msgid_len == b->msgid_len &&
	    a->reply == b->reply && a->reply_len == b->reply_len &&
	    a->stamp == b->stamp && a->stamp_len == b->stamp_len &&
	    fz_pf_same_text(a->recipient, b->recipient) &&
	    fz_pf_same_text(a->remote, b->remote) &&
	    fz_pf_same_text(a->remote_ip, b->remote_ip) &&
	    fz_pf_same_text(a->sender, b->sender) &&
	    (a->delay == b->delay || (a->delay < 0 && b->delay < 0));
}

/* fuzz_format.h's fz_format_line, bare and with the joined needle. */
static inline bool
fz_pf_line(void *ctx, const char *s, size_t len, uint64_t lineno, bool cut)
{
	struct fz_pf *p = ctx;
	struct fz_format_run *r = &p->r;
	struct fz_pf_seen bare = { .r = r }, joined = { .r = r };
	struct bs_line line = { .ptr = s, .len = len, .lineno = lineno,
	    .cut = cut };
	size_t at = bs_scan_needles(&p->joined, s, len);
	int score = bs_format_postfix.probe(s, len), i;
	bs_status st;

	FZ_ASSERT(score >= 0 && score <= 2, "postfix: probe score %d", score);
	r->line = s;
	r->len = len;
	st = bs_format_postfix.parse(r->state, &line, fz_pf_record, &bare);
	FZ_ASSERT(st == BS_OK || st == BS_ERR_MATCH,
	    "postfix: parse returned %d", (int)st);
	if (at >= len) {
		/* The splitter of a joining run skips it. */
		FZ_ASSERT(bare.n == 0, "postfix: %d records from a line "
		    "without any of the joined needles", bare.n);
		return true;
	}
	line.needle = at + 1;
	st = bs_format_postfix.parse(r->state, &line, fz_pf_record, &joined);
	FZ_ASSERT(st == BS_OK || st == BS_ERR_MATCH,
	    "postfix: parse returned %d", (int)st);
	FZ_ASSERT(bare.n == joined.n, "postfix: %d records bare, %d with "
	    "the joined needle", bare.n, joined.n);
	for (i = 0; i < bare.n && i < FZ_PF_KEEP; i++)
		FZ_ASSERT(fz_pf_same(&bare.ev[i], &joined.ev[i]),
		    "postfix: record %d differs bare and with the joined "
		    "needle", i);
	return true;
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct fz_pf p = { .r = { &bs_format_postfix, NULL, NULL, true, NULL,
	    0 } };
	struct bs_diag d;

	bs_diag_clear(&d);
	if (bs_format_postfix.open(fz_patterns(), &p.r.state, &d) != BS_OK)
		FZ_FAIL("postfix: open failed: %s", d.msg);
	p.r.agg = bs_agg_new(true);
	if (p.r.agg == NULL)
		FZ_FAIL("out of memory");
	bs_needles_init(&p.joined, bs_format_postfix.joined_needles);
	fz_each_line(data, size, fz_pf_line, &p);
	bs_format_postfix.close(p.r.state);
	/* Recognition runs on the same bytes as a sample. */
	(void)bs_format_detect((const char *)data, size);
	bs_agg_finish(p.r.agg);
	bs_agg_free(p.r.agg);
	return 0;
}
