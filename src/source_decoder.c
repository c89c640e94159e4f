/*
 * source_decoder.c - the data of the xz, zstd, bzip2 or lz4 streams read
 * from another source, through a decoder of decoder.h.
 *
 * As source_gzip.c reads gzip members: the compressed bytes go through
 * the decoder one stream (or frame) at a time, so that concatenated files
 * are read whole; where a stream ends, the next bytes must start another
 * (the decoder's magic bytes; zero bytes as padding where the format has
 * it), else they are trailing garbage.  A fault is held back until every
 * byte decoded before it has been handed out, so no line read before the
 * fault is lost; its message is worded as gzip's are.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "decoder.h"
#include "source.h"

/* Room for a fault's message: "corrupt compressed data (...)". */
#define FAULT_MAX	200

struct decoder_source {
	struct bs_source base;
	struct bs_source *in;	/* the compressed bytes */
	const struct bs_decoder *dec;
	void *st;		/* the decoder's state */
	bool stream_open;	/* inside a stream */
	bool raw_eof;		/* in has ended */
	bool ended;		/* every byte has been produced */
	bool failed;		/* a fault follows the bytes produced */
	bs_status fault_st;
	char fault[FAULT_MAX];
	unsigned char *raw;	/* BS_READ_CHUNK bytes */
	size_t raw_pos, raw_len;
};

static void set_fault(struct decoder_source *x, bs_status st,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Record a fault, to report after the bytes produced before it. */
static void
set_fault(struct decoder_source *x, bs_status st, const char *fmt, ...)
{
	va_list ap;

	x->failed = true;
	x->fault_st = st;
	va_start(ap, fmt);
	vsnprintf(x->fault, sizeof(x->fault), fmt, ap);
	va_end(ap);
}

/*
 * Read more raw bytes after the unread ones, which move to the front.
 * Returns false on error (the fault is set); raw_eof tells the end.
 */
static bool
fill_raw(struct decoder_source *x)
{
	size_t keep = x->raw_len - x->raw_pos;
	struct bs_diag d;
	ssize_t r;

	if (keep > 0 && x->raw_pos > 0)
		memmove(x->raw, x->raw + x->raw_pos, keep);
	x->raw_pos = 0;
	x->raw_len = keep;
	if (keep == BS_READ_CHUNK) {
		/* Cannot happen: a decoder takes what it is given. */
		set_fault(x, BS_ERR_FORMAT, "%s", "corrupt compressed data "
		    "(the decoder made no progress)");
		return false;
	}
	r = bs_source_read(x->in, (char *)x->raw + keep,
	    BS_READ_CHUNK - keep, &d);
	if (r < 0) {
		set_fault(x, BS_ERR_IO, "%s", r == -1 ? d.msg :
		    "internal error: a batch source said wait");
		return false;
	}
	x->raw_len += (size_t)r;
	if (r == 0)
		x->raw_eof = true;
	return true;
}

/*
 * After a stream ends: another follows if the next bytes start one.
 * Zero bytes are padding where the format allows them; anything else is
 * trailing garbage.  Returns true when a stream starts, false at the end
 * or after a fault (which is set).
 */
static bool
next_stream(struct decoder_source *x)
{
	const struct bs_decoder *dec = x->dec;

	for (;;) {
		size_t have;

		while (dec->padding && x->raw_pos < x->raw_len &&
		    x->raw[x->raw_pos] == 0)
			x->raw_pos++;
		have = x->raw_len - x->raw_pos;
		if (have >= dec->magic_len) {
			if (!dec->starts(x->raw + x->raw_pos)) {
				set_fault(x, BS_ERR_FORMAT, "%s", "trailing "
				    "garbage behind the compressed data");
				return false;
			}
			break;
		}
		if (x->raw_eof) {
			if (have == 0) {
				x->ended = true;
				return false;
			}
			set_fault(x, BS_ERR_FORMAT, "%s", "unexpected end of "
			    "compressed data (the file is truncated)");
			return false;
		}
		if (!fill_raw(x))
			return false;
	}
	if (!dec->reset(x->st)) {
		set_fault(x, BS_ERR_NOMEM, "%s",
		    "cannot restart the decompressor");
		return false;
	}
	x->stream_open = true;
	return true;
}

/*
 * Hot: decode into buf until it is full, the data ends or a fault is
 * found.  Returns the bytes decoded.
 */
static size_t
produce(struct decoder_source *x, unsigned char *buf, size_t n)
{
	struct bs_decoder_io io = { .out = buf, .out_len = n };
	const char *why = NULL;

	if (x->ended || x->failed)
		return 0;
	while (io.out_len > 0) {
		enum bs_decoder_rc rc;
		size_t in0, out0;

		if (!x->stream_open && !next_stream(x))
			break;
		io.in = x->raw + x->raw_pos;
		io.in_len = x->raw_len - x->raw_pos;
		in0 = io.in_len;
		out0 = io.out_len;
		rc = x->dec->run(x->st, &io, &why);
		x->raw_pos = x->raw_len - io.in_len;
		if (rc == BS_DECODER_END) {
			x->stream_open = false;
			continue;
		}
		if (rc == BS_DECODER_FAULT) {
			set_fault(x, BS_ERR_FORMAT,
			    "corrupt compressed data (%s)", why);
			break;
		}
		if (io.in_len != in0 || io.out_len != out0)
			continue;
		/*
		 * No progress: the decoder has handed out everything it
		 * holds and needs more input.  Only now read, so that a pipe
		 * that pauses does not keep back bytes already decoded.  At
		 * the end of the file the stream is cut short.
		 */
		if (x->raw_eof) {
			set_fault(x, BS_ERR_FORMAT, "%s", "unexpected end of "
			    "compressed data (the file is truncated)");
			break;
		}
		/* From a pipe, hand out what is decoded before waiting. */
		if (x->base.may_block && io.out_len < n)
			break;
		if (!fill_raw(x))
			break;
	}
	return n - io.out_len;
}

static ssize_t
decoder_read(struct bs_source *s, char *buf, size_t n, struct bs_diag *d)
{
	struct decoder_source *x = (struct decoder_source *)s;
	size_t k = produce(x, (unsigned char *)buf, n);

	if (k > 0)
		return (ssize_t)k;
	if (x->failed) {
		bs_diag_set(d, x->fault_st, x->base.name, 0, "%s", x->fault);
		return -1;
	}
	return 0;
}

/* Compressed bytes the decoder has consumed. */
static unsigned long long
decoder_offset(const struct bs_source *s)
{
	const struct decoder_source *x = (const struct decoder_source *)s;

	return bs_source_raw_offset(x->in) - (x->raw_len - x->raw_pos);
}

static void
decoder_wake_on(struct bs_source *s, int fd)
{
	struct decoder_source *x = (struct decoder_source *)s;

	if (x->in->ops->wake_on != NULL)
		x->in->ops->wake_on(x->in, fd);
}

static void
decoder_close(struct bs_source *s)
{
	struct decoder_source *x = (struct decoder_source *)s;

	if (x->st != NULL)
		x->dec->free(x->st);
	bs_source_close(x->in);
	free(x->raw);
	free(x);
}

static const struct bs_source_ops decoder_ops = {
	.read = decoder_read,
	.offset = decoder_offset,
	.wake_on = decoder_wake_on,
	.close = decoder_close,
};

bs_status
bs_source_decoder(struct bs_source *in, const struct bs_decoder *dec,
    struct bs_source **out, struct bs_diag *d)
{
	struct decoder_source *x;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (x == NULL) {
		bs_source_close(in);
		return bs_diag_set(d, BS_ERR_NOMEM, in->name, 0,
		    "out of memory");
	}
	x->base = *in;
	x->base.ops = &decoder_ops;
	x->base.gzip = false;
	x->base.decoded = true;
	x->base.done = false;
	x->base.head_len = 0;
	x->in = in;
	x->dec = dec;
	x->raw = malloc(BS_READ_CHUNK);
	x->st = dec->new();
	if (x->raw == NULL || x->st == NULL) {
		bs_diag_set(d, BS_ERR_NOMEM, in->name, 0,
		    "cannot start the %s decompressor", dec->name);
		decoder_close(&x->base);
		return BS_ERR_NOMEM;
	}
	/* The first stream starts as any other: its magic checked. */
	*out = &x->base;
	return BS_OK;
}

bs_status
bs_source_decoder_missing(struct bs_source *in, const char *name,
    const char *package, struct bs_diag *d)
{
	bs_diag_set(d, BS_ERR_FORMAT, in->name, 0, "%s-compressed, and this "
	    "build cannot read %s (build with %s)", name, name, package);
	bs_source_close(in);
	return BS_ERR_FORMAT;
}
