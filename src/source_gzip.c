/*
 * source_gzip.c - the data of the gzip members read from another source.
 *
 * The compressed bytes go through a decoder of inflate.h (ISA-L or zlib),
 * one member at a time, so that concatenated (multi-member) files are read
 * whole; zero bytes between members are padding, anything else is
 * trailing garbage.  A fault in the compressed stream is held back until
 * every byte decoded before it has been handed out, so no line read before
 * the fault is lost.
 *
 * Between the two decoders (see inflate.h): valid data gives the same
 * bytes; faults of the gzip format give the same message (a cut, trailing
 * garbage, a bad header, a wrong CRC or length) after the same bytes,
 * except that at a cut inside a member's earlier deflate blocks ISA-L may
 * hand out up to two bytes fewer than zlib (a group of literals it decodes
 * at once); in corrupt deflate data each decoder notices the corruption
 * where its own checks do, and says why in its own words.  Both agree on
 * every byte both hand out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "inflate.h"
#include "source.h"

/*
 * Reads smaller than this are decoded into a staging buffer of this size
 * and handed out from there: a decoder call has a fixed cost (ISA-L copies
 * 50 KiB of state for a possible replay), which a caller reading a few
 * bytes at a time would pay per read.
 */
#define STAGE_SIZE	(64 * 1024)

/* Room for a fault's message: "corrupt compressed data (...)". */
#define FAULT_MAX	200

struct gzip_source {
	struct bs_source base;
	struct bs_source *in;	/* the compressed bytes */
	const struct bs_inflate_backend *be;
	void *dec;		/* the backend's state */
	bool member_open;	/* inside a gzip member */
	bool raw_eof;		/* in has ended */
	bool ended;		/* every byte has been produced */
	bool failed;		/* a fault follows the bytes produced */
	bs_status fault_st;
	char fault[FAULT_MAX];
	unsigned char *raw;	/* raw_chunk + 1 bytes */
	size_t raw_chunk, raw_pos, raw_len;
	bool deferred;		/* the reader checks the CRC-32 (be->defer) */
	bool check_due;		/* a member ended: its CRC-32 is check_crc */
	uint32_t check_crc;
	unsigned char *stage;	/* STAGE_SIZE bytes, for small reads */
	size_t stage_pos, stage_len;
};

static const struct bs_inflate_backend *
backend_of(enum bs_gzip which)
{
	switch (which) {
	case BS_GZIP_ZLIB:
		return &bs_inflate_zlib;
	case BS_GZIP_ISAL:
#ifdef BS_HAVE_ISAL
		return &bs_inflate_isal;
#else
		return NULL;
#endif
	default:
#ifdef BS_HAVE_ISAL
		return &bs_inflate_isal;
#else
		return &bs_inflate_zlib;
#endif
	}
}

const char *
bs_source_gzip_backend(void)
{
	return backend_of(BS_GZIP_AUTO)->name;
}

bool
bs_source_gzip_has(enum bs_gzip which)
{
	return backend_of(which) != NULL;
}

static void set_fault(struct gzip_source *g, bs_status st,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Record a fault, to report after the bytes produced before it. */
static void
set_fault(struct gzip_source *g, bs_status st, const char *fmt, ...)
{
	va_list ap;

	g->failed = true;
	g->fault_st = st;
	va_start(ap, fmt);
	vsnprintf(g->fault, sizeof(g->fault), fmt, ap);
	va_end(ap);
}

/*
 * Read more raw bytes after the unread ones, which move to the front.
 * Returns false on error (the fault is set); raw_eof tells the end.
 */
static bool
fill_raw(struct gzip_source *g)
{
	size_t keep = g->raw_len - g->raw_pos;
	size_t room = g->raw_chunk + 1 - keep;
	struct bs_diag d;
	ssize_t r;

	if (keep > 0 && g->raw_pos > 0)
		memmove(g->raw, g->raw + g->raw_pos, keep);
	g->raw_pos = 0;
	g->raw_len = keep;
	r = bs_source_read(g->in, (char *)g->raw + keep,
	    room < g->raw_chunk ? room : g->raw_chunk, &d);
	if (r < 0) {
		set_fault(g, BS_ERR_IO, "%s", r == -1 ? d.msg :
		    "internal error: a batch source said wait");
		return false;
	}
	g->raw_len += (size_t)r;
	if (r == 0)
		g->raw_eof = true;
	return true;
}

/*
 * After a member ends: another member follows if the next bytes are the
 * gzip magic.  Zero bytes (tape padding) are ignored as gzip(1) does;
 * anything else is trailing garbage and reported.  Returns true when a
 * member starts, false at the end or after a fault (which is set).
 */
static bool
next_member(struct gzip_source *g)
{
	for (;;) {
		while (g->raw_pos < g->raw_len && g->raw[g->raw_pos] == 0)
			g->raw_pos++;
		if (g->raw_pos < g->raw_len) {
			if (g->raw[g->raw_pos] != 0x1f)
				goto garbage;
			if (g->raw_pos + 1 < g->raw_len) {
				if (g->raw[g->raw_pos + 1] != 0x8b)
					goto garbage;
				break;
			}
			/*
			 * A 0x1f at the end of what was read: look at the
			 * byte after it, wherever the read stopped.  At the
			 * end of the file it starts a member cut short.
			 */
			if (g->raw_eof)
				break;
		} else if (g->raw_eof) {
			g->ended = true;
			return false;
		}
		if (!fill_raw(g))
			return false;
	}
	if (!g->be->reset(g->dec)) {
		set_fault(g, BS_ERR_FORMAT, "%s",
		    "cannot restart the decompressor");
		return false;
	}
	g->member_open = true;
	return true;
garbage:
	set_fault(g, BS_ERR_FORMAT, "%s",
	    "trailing garbage behind the compressed data");
	return false;
}

/*
 * Hot: decode into buf until it is full, the data ends, a fault is found
 * or (deferred) a member's CRC-32 is due.  Returns the bytes decoded.
 */
static size_t
produce(struct gzip_source *g, unsigned char *buf, size_t n)
{
	struct bs_inflate_io io = { .out = buf, .out_len = n };
	const char *why = NULL;

	if (g->ended || g->failed)
		return 0;
	while (io.out_len > 0) {
		enum bs_inflate_rc rc;
		size_t in0, out0;

		if (!g->member_open && !next_member(g))
			break;
		io.in = g->raw + g->raw_pos;
		io.in_len = g->raw_len - g->raw_pos;
		in0 = io.in_len;
		out0 = io.out_len;
		rc = g->be->run(g->dec, &io, &why);
		g->raw_pos = g->raw_len - io.in_len;
		if (rc == BS_INFLATE_END) {
			g->member_open = false;
			continue;
		}
		if (rc == BS_INFLATE_CHECK) {
			/* The reader checks it, before the next member. */
			g->check_due = true;
			g->check_crc = io.crc;
			break;
		}
		if (rc == BS_INFLATE_FAULT) {
			set_fault(g, BS_ERR_FORMAT,
			    "corrupt compressed data (%s)", why);
			break;
		}
		if (io.in_len != in0 || io.out_len != out0)
			continue;
		/*
		 * No progress: the decoder has handed out everything it held
		 * and needs input.  Only now read, so that a pipe that pauses
		 * does not keep back bytes already decoded.  With input left
		 * this cannot happen; at the end of the file the member is
		 * cut short.
		 */
		if (io.in_len > 0) {
			set_fault(g, BS_ERR_FORMAT, "%s", "corrupt compressed "
			    "data (the decoder made no progress)");
			break;
		}
		if (g->raw_eof) {
			set_fault(g, BS_ERR_FORMAT, "%s", "unexpected end of "
			    "compressed data (the file is truncated)");
			break;
		}
		/* From a pipe, hand out what is decoded before waiting. */
		if (g->base.may_block && io.out_len < n)
			break;
		if (!fill_raw(g))
			break;
	}
	return n - io.out_len;
}

/*
 * Large reads are decoded straight into the caller's buffer, small ones
 * through the staging buffer.  After the bytes, a due CRC-32 check, then
 * the end or the fault.
 */
static ssize_t
gzip_read(struct bs_source *s, char *buf, size_t n, struct bs_diag *d)
{
	struct gzip_source *g = (struct gzip_source *)s;
	size_t k;

	if (g->stage_pos == g->stage_len) {
		if (g->check_due) {
			g->check_due = false;
			return BS_SOURCE_CHECK;
		}
		if (n >= STAGE_SIZE)
			k = produce(g, (unsigned char *)buf, n);
		else {
			g->stage_len = produce(g, g->stage, STAGE_SIZE);
			g->stage_pos = 0;
			k = 0;
		}
		if (k > 0)
			return (ssize_t)k;
	}
	k = g->stage_len - g->stage_pos;
	if (k > 0) {
		if (k > n)
			k = n;
		memcpy(buf, g->stage + g->stage_pos, k);
		g->stage_pos += k;
		return (ssize_t)k;
	}
	if (g->check_due) {
		g->check_due = false;
		return BS_SOURCE_CHECK;
	}
	if (g->failed) {
		bs_diag_set(d, g->fault_st, g->base.name, 0, "%s", g->fault);
		return -1;
	}
	return 0;
}

/* Compressed bytes the decoder has consumed. */
static unsigned long long
gzip_offset(const struct bs_source *s)
{
	const struct gzip_source *g = (const struct gzip_source *)s;

	return bs_source_raw_offset(g->in) - (g->raw_len - g->raw_pos);
}

static void
gzip_wake_on(struct bs_source *s, int fd)
{
	struct gzip_source *g = (struct gzip_source *)s;

	if (g->in->ops->wake_on != NULL)
		g->in->ops->wake_on(g->in, fd);
}

static bs_crc32_fn
gzip_defer_crc(struct bs_source *s, bool on)
{
	struct gzip_source *g = (struct gzip_source *)s;

	if (g->be->defer == NULL)
		return NULL;
	g->be->defer(g->dec, on);
	g->deferred = on;
	return on ? g->be->crc32 : NULL;
}

static uint32_t
gzip_member_crc(const struct bs_source *s)
{
	return ((const struct gzip_source *)s)->check_crc;
}

static void
gzip_close(struct bs_source *s)
{
	struct gzip_source *g = (struct gzip_source *)s;

	if (g->dec != NULL)
		g->be->free(g->dec);
	bs_source_close(g->in);
	free(g->raw);
	free(g->stage);
	free(g);
}

static const struct bs_source_ops gzip_ops = {
	.read = gzip_read,
	.offset = gzip_offset,
	.wake_on = gzip_wake_on,
	.defer_crc = gzip_defer_crc,
	.member_crc = gzip_member_crc,
	.close = gzip_close,
};

bs_status
bs_source_gzip(struct bs_source *in, enum bs_gzip which,
    struct bs_source **out, struct bs_diag *d)
{
	const struct bs_inflate_backend *be = backend_of(which);
	const unsigned char *magic;
	struct gzip_source *g;
	ssize_t n;

	*out = NULL;
	if (be == NULL) {
		bs_diag_set(d, BS_ERR_USAGE, in->name, 0,
		    "this build has no such gzip decoder");
		bs_source_close(in);
		return BS_ERR_USAGE;
	}
	n = bs_source_peek(in, 2, &magic, d);
	if (n < 0) {
		bs_source_close(in);
		return BS_ERR_IO;
	}
	/* A single 0x1f at the very end is too short to be gzip. */
	if (n < 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		*out = in;
		return BS_OK;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL) {
		bs_source_close(in);
		return bs_diag_set(d, BS_ERR_NOMEM, in->name, 0,
		    "out of memory");
	}
	g->base = *in;
	g->base.ops = &gzip_ops;
	g->base.gzip = true;
	g->base.decoded = true;
	g->base.done = false;
	g->base.head_len = 0;
	g->in = in;
	g->be = be;
	g->raw_chunk = BS_READ_CHUNK;
	/* One spare byte: a lone 0x1f kept while the next one is read. */
	g->raw = malloc(g->raw_chunk + 1);
	g->stage = malloc(STAGE_SIZE);
	g->dec = be->new();
	if (g->raw == NULL || g->stage == NULL || g->dec == NULL ||
	    !be->reset(g->dec)) {
		bs_diag_set(d, BS_ERR_NOMEM, in->name, 0,
		    "cannot start the decompressor");
		gzip_close(&g->base);
		return BS_ERR_NOMEM;
	}
	g->member_open = true;
	*out = &g->base;
	return BS_OK;
}
