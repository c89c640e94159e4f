/*
 * source_lz4.c - lz4 data in the frame format (the lz4 tool's default),
 * through liblz4 where the build has it (BS_HAVE_LZ4), as a decoder of
 * decoder.h: one frame at a time, its checksums verified when it has
 * them; skippable frames are frames too, and skipped.  The legacy format
 * (lz4 -l) is not recognised.  Without liblz4 an lz4 input fails with a
 * message that says so.
 */
#include <stdlib.h>
#include <string.h>

#include "decoder.h"
#include "source.h"

#ifdef BS_HAVE_LZ4
#include <lz4frame.h>

/* A frame's magic, or a skippable frame's (0x184d2a50 to ...5f). */
static bool
lz4_starts(const unsigned char *p)
{
	static const unsigned char magic[] = { 0x04, 0x22, 0x4d, 0x18 };

	return memcmp(p, magic, sizeof(magic)) == 0 ||
	    ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
	    p[3] == 0x18);
}

static void *
lz4_new(void)
{
	LZ4F_dctx *z = NULL;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&z, LZ4F_VERSION)))
		return NULL;
	return z;
}

static void
lz4_free(void *st)
{
	LZ4F_freeDecompressionContext(st);
}

static bool
lz4_reset(void *st)
{
	LZ4F_resetDecompressionContext(st);
	return true;
}

/* liblz4's names of the faults worth a sentence; the rest as named. */
static const char *
lz4_why(size_t ret)
{
	static const struct {
		const char *name, *why;
	} words[] = {
		{ "ERROR_contentChecksum_invalid", "content checksum mismatch" },
		{ "ERROR_blockChecksum_invalid", "block checksum mismatch" },
		{ "ERROR_headerChecksum_invalid", "header checksum mismatch" },
		{ "ERROR_frameType_unknown", "unknown frame type" },
		{ "ERROR_decompressionFailed", "invalid block data" },
	};
	const char *name = LZ4F_getErrorName(ret);
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(name, words[i].name) == 0)
			return words[i].why;
	return name;
}

/* Hot. */
static enum bs_decoder_rc
lz4_run(void *st, struct bs_decoder_io *io, const char **why)
{
	size_t in = io->in_len, out = io->out_len;
	size_t ret = LZ4F_decompress(st, io->out, &out, io->in, &in, NULL);

	io->in += in;
	io->in_len -= in;
	io->out += out;
	io->out_len -= out;
	if (LZ4F_isError(ret)) {
		*why = lz4_why(ret);
		return BS_DECODER_FAULT;
	}
	/* 0: the frame is decoded and every byte of it handed out. */
	return ret == 0 ? BS_DECODER_END : BS_DECODER_OK;
}

static const struct bs_decoder lz4 = {
	.name = "lz4",
	.magic_len = 4,
	.starts = lz4_starts,
	.new = lz4_new,
	.free = lz4_free,
	.reset = lz4_reset,
	.run = lz4_run,
};

bs_status
bs_source_lz4(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	return bs_source_decoder(in, &lz4, out, d);
}

bool
bs_source_has_lz4(void)
{
	return true;
}

#else

bs_status
bs_source_lz4(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	*out = NULL;
	return bs_source_decoder_missing(in, "lz4", "liblz4-dev", d);
}

bool
bs_source_has_lz4(void)
{
	return false;
}

#endif
