/*
 * inflate_zlib.c - the zlib gzip decoder: inflate with a gzip wrapper
 * (windowBits 15 + 16), which parses the header, checks the trailer and
 * is reset for each member.  Always built: it is the fallback when ISA-L
 * is missing and the reference the ISA-L backend's messages follow.
 */
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "inflate.h"

/* Largest count handed to zlib at once: avail_in and avail_out are uInt. */
#define ZCHUNK_MAX	0x40000000u

static void *
zl_new(void)
{
	z_stream *zs = calloc(1, sizeof(*zs));

	if (zs == NULL)
		return NULL;
	if (inflateInit2(zs, 15 + 16) != Z_OK) {
		free(zs);
		return NULL;
	}
	return zs;
}

static void
zl_free(void *st)
{
	z_stream *zs = st;

	if (zs == NULL)
		return;
	inflateEnd(zs);
	free(zs);
}

static bool
zl_reset(void *st)
{
	return inflateReset(st) == Z_OK;
}

/* Hot: every gzip byte of a zlib build goes through here. */
static enum bs_inflate_rc
zl_run(void *st, struct bs_inflate_io *io, const char **why)
{
	z_stream *zs = st;
	uInt in_len = io->in_len > ZCHUNK_MAX ? ZCHUNK_MAX : (uInt)io->in_len;
	uInt out_len = io->out_len > ZCHUNK_MAX ? ZCHUNK_MAX :
	    (uInt)io->out_len;
	int zr;

	/* zlib does not write through next_in; its type predates const. */
	zs->next_in = (unsigned char *)(uintptr_t)io->in;
	zs->avail_in = in_len;
	zs->next_out = io->out;
	zs->avail_out = out_len;
	zr = inflate(zs, Z_NO_FLUSH);
	io->in += in_len - zs->avail_in;
	io->in_len -= in_len - zs->avail_in;
	io->out += out_len - zs->avail_out;
	io->out_len -= out_len - zs->avail_out;
	switch (zr) {
	case Z_STREAM_END:
		return BS_INFLATE_END;
	case Z_OK:
	case Z_BUF_ERROR:	/* no progress: source_gzip.c decides why */
		return BS_INFLATE_OK;
	case Z_MEM_ERROR:
		*why = "out of memory";
		return BS_INFLATE_FAULT;
	default:
		*why = zs->msg != NULL ? zs->msg : "zlib error";
		return BS_INFLATE_FAULT;
	}
}

const struct bs_inflate_backend bs_inflate_zlib = {
	.name = "zlib",
	.new = zl_new,
	.free = zl_free,
	.reset = zl_reset,
	.run = zl_run
};
