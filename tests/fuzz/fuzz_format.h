/*
 * fuzz_format.h - the driver shared by fuzz_postfix.c, fuzz_exim.c and
 * fuzz_exchange.c: one input's lines through one format's open, probe,
 * parse and close, every event checked and counted into an aggregate.
 *
 * Besides event.h's invariants (fuzz_common.h), it checks the promise of
 * format.h's needles: a line that yields an event contains one of them,
 * or the line splitter would have skipped it and a real run would count
 * less than the parser can see.
 */
#ifndef BS_FUZZ_FORMAT_H
#define BS_FUZZ_FORMAT_H

#include "agg.h"
#include "format.h"
#include "fuzz_common.h"

struct fz_format_run {
	const struct bs_format *fmt;
	void *state;
	struct bs_agg *agg;
	bool in_line;		/* codes must be bytes of the line */
	const char *line;
	size_t len;
};

static inline bool
fz_has_needle(const struct bs_format *fmt, const char *s, size_t n)
{
	size_t i;

	if (fmt->needles == NULL)
		return true;
	for (i = 0; fmt->needles[i] != NULL; i++)
		if (memmem(s, n, fmt->needles[i], strlen(fmt->needles[i])))
			return true;
	return false;
}

static inline void
fz_format_event(void *ctx, const struct bs_event *ev)
{
	struct fz_format_run *r = ctx;

	fz_check_event(ev, r->line, r->len, r->in_line);
	FZ_ASSERT(fz_has_needle(r->fmt, r->line, r->len),
	    "%s: an event from a line without any of the format's needles",
	    r->fmt->name);
	FZ_ASSERT(bs_agg_event(r->agg, ev) == BS_OK, "bs_agg_event failed");
}

static inline bool
fz_format_line(void *ctx, const char *s, size_t len, uint64_t lineno,
    bool cut)
{
	struct fz_format_run *r = ctx;
	struct bs_line line = { .ptr = s, .len = len, .lineno = lineno,
	    .cut = cut };
	int score = r->fmt->probe(s, len);
	bs_status st;

	FZ_ASSERT(score >= 0 && score <= 2, "%s: probe score %d",
	    r->fmt->name, score);
	r->line = s;
	r->len = len;
	st = r->fmt->parse(r->state, &line, fz_format_event, r);
	FZ_ASSERT(st == BS_OK || st == BS_ERR_MATCH, "%s: parse returned %d",
	    r->fmt->name, (int)st);
	return true;
}

static inline int
fz_format_run(const struct bs_format *fmt, bool in_line,
    const uint8_t *data, size_t size)
{
	struct fz_format_run r = { fmt, NULL, NULL, in_line, NULL, 0 };
	struct bs_diag d;

	bs_diag_clear(&d);
	if (fmt->open(fz_patterns(), &r.state, &d) != BS_OK)
		FZ_FAIL("%s: open failed: %s", fmt->name, d.msg);
	r.agg = bs_agg_new(true);
	if (r.agg == NULL)
		FZ_FAIL("out of memory");
	fz_each_line(data, size, fz_format_line, &r);
	fmt->close(r.state);
	/* Recognition runs on the same bytes as a sample. */
	(void)bs_format_detect((const char *)data, size);
	bs_agg_finish(r.agg);
	bs_agg_free(r.agg);
	return 0;
}

#endif
