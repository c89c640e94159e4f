/*
 * testsource.h - byte sources stacked by hand for the tests (source.h),
 * with a test source of their own at the bottom: chop, which hands out
 * at most a few bytes per read, so that every gzip header, trailer and
 * member boundary and every buffer boundary falls on a read boundary
 * somewhere.
 *
 * Everything here is static: each test file that includes it has its own
 * copy (tests/check_input.c, tests/fuzz/fuzz_input.c, which
 * tests/check_regressions.c also includes).
 */
#ifndef BS_TEST_SOURCE_H
#define BS_TEST_SOURCE_H

#include <stdbool.h>
#include <stdlib.h>

#include "bslimits.h"
#include "source.h"

/* At most max bytes of the source below per read. */
struct chop_source {
	struct bs_source base;
	struct bs_source *in;
	size_t max;
};

static ssize_t
chop_read(struct bs_source *s, char *buf, size_t n, struct bs_diag *d)
{
	struct chop_source *c = (struct chop_source *)s;

	return bs_source_read(c->in, buf, n < c->max ? n : c->max, d);
}

static unsigned long long
chop_offset(const struct bs_source *s)
{
	return bs_source_raw_offset(((const struct chop_source *)s)->in);
}

static void
chop_wake_on(struct bs_source *s, int fd)
{
	struct chop_source *c = (struct chop_source *)s;

	c->in->ops->wake_on(c->in, fd);
}

static void
chop_close(struct bs_source *s)
{
	bs_source_close(((struct chop_source *)s)->in);
	free(s);
}

static const struct bs_source_ops chop_ops = {
	.read = chop_read,
	.offset = chop_offset,
	.wake_on = chop_wake_on,
	.close = chop_close,
};

/* in, read max bytes at a time; in itself when out of memory. */
static struct bs_source *
chop(struct bs_source *in, size_t max)
{
	struct chop_source *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return in;
	c->base = *in;
	c->base.ops = &chop_ops;
	c->base.done = false;
	c->base.head_len = 0;
	c->in = in;
	c->max = max;
	return &c->base;
}

/* A way of stacking the sources of one file. */
struct way {
	bool as_open;		/* bs_source_open's stack; the rest unused */
	enum bs_gzip gz;	/* the gzip decoder */
	size_t raw;		/* bytes per read of the file; 0: as asked */
	bool ahead;		/* read ahead in a thread ... */
	size_t slot;		/* ... in slots of this size (0: 256 KiB) */
};

/*
 * Open path (or "-") stacked as w says: the file, chopped, a gzip decoder
 * when the data is gzip, read-ahead.  Returns as bs_source_open does.
 */
static bs_status
open_way(const char *path, const struct way *w, struct bs_source **out,
    struct bs_diag *d)
{
	struct bs_source *s;
	bs_status st;

	if (w->as_open)
		return bs_source_open(path, 0, out, d);
	*out = NULL;
	st = bs_source_file(path, &s, d);
	if (st != BS_OK)
		return st;
	if (w->raw > 0)
		s = chop(s, w->raw);
	st = bs_source_gzip(s, w->gz, &s, d);
	if (st != BS_OK)
		return st;
	if (w->ahead)
		bs_source_ahead(s, w->slot > 0 ? w->slot : BS_READ_CHUNK, &s);
	*out = s;
	return BS_OK;
}

#endif
