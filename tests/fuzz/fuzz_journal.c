/*
 * fuzz_journal.c - libFuzzer target: the fuzz input's lines through the
 * journal reader (bs_format_journal open, probe, parse, close), each event
 * checked (see fuzz_format.h).
 *
 * The reader scans each line as one JSON object and hands the entry,
 * rebuilt as a syslog line, to the Postfix or the Exim reader, so an
 * event's spans lie in that rebuilt line, not in the input: codes are not
 * looked for in the input (in_line false).  What is checked besides
 * event.h's invariants: the notes of the inner readers pass through as
 * notes; an event's stamp, when it has one, is the journal's own
 * (27 bytes of RFC 3339 in UTC, ending in Z), never a stamp of the
 * message.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_format.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

extern const struct bs_format bs_format_journal;

static inline void
fz_journal_record(void *ctx, const struct bs_event *ev)
{
	if (ev->note != BS_NOTE_EVENT) {
		FZ_ASSERT(ev->note == BS_NOTE_ARRIVAL ||
		    ev->note == BS_NOTE_GONE || ev->note == BS_NOTE_NOTIFY ||
		    ev->note == BS_NOTE_HEALTH || ev->note == BS_NOTE_FOREIGN,
		    "journal: bad note %d", (int)ev->note);
		return;
	}
	FZ_ASSERT(ev->stamp == NULL || (ev->stamp_len == 27 &&
	    ev->stamp[10] == 'T' && ev->stamp[26] == 'Z'),
	    "journal: a stamp that is not the journal's: '%.*s'",
	    (int)ev->stamp_len, ev->stamp != NULL ? ev->stamp : "");
	fz_format_event(ctx, ev);
}

static inline bool
fz_journal_line(void *ctx, const char *s, size_t len, uint64_t lineno,
    bool cut)
{
	struct fz_format_run *r = ctx;
	struct bs_line line = { .ptr = s, .len = len, .lineno = lineno,
	    .cut = cut };
	int score = bs_format_journal.probe(s, len);
	bs_status st;

	FZ_ASSERT(score >= 0 && score <= 2, "journal: probe score %d", score);
	r->line = s;
	r->len = len;
	st = bs_format_journal.parse(r->state, &line, fz_journal_record, r);
	FZ_ASSERT(st == BS_OK || st == BS_ERR_MATCH,
	    "journal: parse returned %d", (int)st);
	return true;
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct fz_format_run r = { &bs_format_journal, NULL, NULL, false,
	    NULL, 0 };
	struct bs_diag d;

	bs_diag_clear(&d);
	if (bs_format_journal.open(fz_patterns(), &r.state, &d) != BS_OK)
		FZ_FAIL("journal: open failed: %s", d.msg);
	r.agg = bs_agg_new(true);
	if (r.agg == NULL)
		FZ_FAIL("out of memory");
	fz_each_line(data, size, fz_journal_line, &r);
	bs_format_journal.close(r.state);
	(void)bs_format_detect((const char *)data, size);
	bs_agg_finish(r.agg);
	bs_agg_free(r.agg);
	return 0;
}
