/*
 * source_xz.c - xz data (logrotate's compresscmd xz), through liblzma
 * where the build has it (BS_HAVE_LZMA), as a decoder of decoder.h: one
 * .xz stream at a time, its check (CRC or SHA-256) verified, the stream
 * padding between streams skipped by source_decoder.c.  Without liblzma
 * an xz input fails with a message that says so.
 */
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "decoder.h"
#include "source.h"

#ifdef BS_HAVE_LZMA
#include <lzma.h>

static bool
xz_starts(const unsigned char *p)
{
	static const unsigned char magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

	return memcmp(p, magic, sizeof(magic)) == 0;
}

static void *
xz_new(void)
{
	lzma_stream *z = malloc(sizeof(*z));
	static const lzma_stream init = LZMA_STREAM_INIT;

	if (z != NULL)
		*z = init;
	return z;
}

static void
xz_free(void *st)
{
	lzma_end(st);
	free(st);
}

/* One stream, not LZMA_CONCATENATED: source_decoder.c finds the next. */
static bool
xz_reset(void *st)
{
	return lzma_stream_decoder(st, BS_DECODE_MEM_MAX, 0) == LZMA_OK;
}

/* Hot.  xz's own wording for each fault. */
static enum bs_decoder_rc
xz_run(void *st, struct bs_decoder_io *io, const char **why)
{
	lzma_stream *z = st;
	lzma_ret ret;

	z->next_in = io->in;
	z->avail_in = io->in_len;
	z->next_out = io->out;
	z->avail_out = io->out_len;
	ret = lzma_code(z, LZMA_RUN);
	io->in = z->next_in;
	io->in_len = z->avail_in;
	io->out = z->next_out;
	io->out_len = z->avail_out;
	switch (ret) {
	case LZMA_OK:
	case LZMA_BUF_ERROR:	/* no progress: more input needed */
		return BS_DECODER_OK;
	case LZMA_STREAM_END:
		return BS_DECODER_END;
	case LZMA_FORMAT_ERROR:
		*why = "not in the .xz format";
		break;
	case LZMA_OPTIONS_ERROR:
		*why = "unsupported options";
		break;
	case LZMA_MEMLIMIT_ERROR:
		*why = "needs more than the 256 MiB of memory allowed";
		break;
	case LZMA_MEM_ERROR:
		*why = "cannot allocate memory";
		break;
	default:
		*why = "invalid data or a failed integrity check";
		break;
	}
	return BS_DECODER_FAULT;
}

static const struct bs_decoder xz = {
	.name = "xz",
	.magic_len = 6,
	.padding = true,
	.starts = xz_starts,
	.new = xz_new,
	.free = xz_free,
	.reset = xz_reset,
	.run = xz_run,
};

bs_status
bs_source_xz(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	return bs_source_decoder(in, &xz, out, d);
}

bool
bs_source_has_xz(void)
{
	return true;
}

#else

bs_status
bs_source_xz(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	*out = NULL;
	return bs_source_decoder_missing(in, "xz", "liblzma-dev", d);
}

bool
bs_source_has_xz(void)
{
	return false;
}

#endif
