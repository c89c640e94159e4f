/*
 * source_zstd.c - zstd data (logrotate's compresscmd zstd), through
 * libzstd where the build has it (BS_HAVE_ZSTD), as a decoder of
 * decoder.h: one frame at a time, its checksum verified when it has one;
 * skippable frames are frames too, and skipped.  The window a frame may
 * ask for is limited to BS_DECODE_MEM_MAX.  Without libzstd a zstd input
 * fails with a message that says so.
 */
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "decoder.h"
#include "source.h"

#ifdef BS_HAVE_ZSTD
#include <zstd.h>

/* A frame's magic, or a skippable frame's (0x184d2a50 to ...5f). */
static bool
zstd_starts(const unsigned char *p)
{
	static const unsigned char magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

	return memcmp(p, magic, sizeof(magic)) == 0 ||
	    ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d &&
	    p[3] == 0x18);
}

/* log2 of BS_DECODE_MEM_MAX: the largest window allowed. */
static int
window_log_max(void)
{
	int log = 10;

	while ((1ULL << (log + 1)) <= BS_DECODE_MEM_MAX)
		log++;
	return log;
}

static void *
zstd_new(void)
{
	ZSTD_DCtx *z = ZSTD_createDCtx();

	if (z != NULL && ZSTD_isError(ZSTD_DCtx_setParameter(z,
	    ZSTD_d_windowLogMax, window_log_max()))) {
		ZSTD_freeDCtx(z);
		z = NULL;
	}
	return z;
}

static void
zstd_free(void *st)
{
	ZSTD_freeDCtx(st);
}

static bool
zstd_reset(void *st)
{
	return !ZSTD_isError(ZSTD_DCtx_reset(st, ZSTD_reset_session_only));
}

/* Hot. */
static enum bs_decoder_rc
zstd_run(void *st, struct bs_decoder_io *io, const char **why)
{
	ZSTD_inBuffer in = { io->in, io->in_len, 0 };
	ZSTD_outBuffer out = { io->out, io->out_len, 0 };
	size_t ret = ZSTD_decompressStream(st, &out, &in);

	io->in += in.pos;
	io->in_len -= in.pos;
	io->out += out.pos;
	io->out_len -= out.pos;
	if (ZSTD_isError(ret)) {
		*why = ZSTD_getErrorName(ret);
		return BS_DECODER_FAULT;
	}
	/* 0: the frame is decoded and every byte of it handed out. */
	return ret == 0 ? BS_DECODER_END : BS_DECODER_OK;
}

static const struct bs_decoder zstd = {
	.name = "zstd",
	.magic_len = 4,
	.starts = zstd_starts,
	.new = zstd_new,
	.free = zstd_free,
	.reset = zstd_reset,
	.run = zstd_run,
};

bs_status
bs_source_zstd(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	return bs_source_decoder(in, &zstd, out, d);
}

bool
bs_source_has_zstd(void)
{
	return true;
}

#else

bs_status
bs_source_zstd(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	*out = NULL;
	return bs_source_decoder_missing(in, "zstd", "libzstd-dev", d);
}

bool
bs_source_has_zstd(void)
{
	return false;
}

#endif
