/*
 * source_bzip2.c - bzip2 data (logrotate's compresscmd bzip2), through
 * libbz2 where the build has it (BS_HAVE_BZ2), as a decoder of decoder.h:
 * one bzip2 stream at a time (pbzip2 and cat write several), each block's
 * CRC and the stream's verified.  Without libbz2 a bzip2 input fails with
 * a message that says so.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decoder.h"
#include "source.h"

#ifdef BS_HAVE_BZ2
#include <bzlib.h>

struct bz2 {
	bz_stream z;
	bool open;		/* z is initialised */
};

/* "BZh" and the block size, '1' to '9' hundred kB. */
static bool
bz2_starts(const unsigned char *p)
{
	return memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9';
}

static void *
bz2_new(void)
{
	return calloc(1, sizeof(struct bz2));
}

static void
bz2_free(void *st)
{
	struct bz2 *b = st;

	if (b->open)
		BZ2_bzDecompressEnd(&b->z);
	free(b);
}

static bool
bz2_reset(void *st)
{
	struct bz2 *b = st;

	if (b->open)
		BZ2_bzDecompressEnd(&b->z);
	memset(&b->z, 0, sizeof(b->z));
	b->open = BZ2_bzDecompressInit(&b->z, 0, 0) == BZ_OK;
	return b->open;
}

/* Hot.  bzip2's own wording for each fault. */
static enum bs_decoder_rc
bz2_run(void *st, struct bs_decoder_io *io, const char **why)
{
	struct bz2 *b = st;
	unsigned in = io->in_len < UINT_MAX ? (unsigned)io->in_len : UINT_MAX;
	unsigned out = io->out_len < UINT_MAX ? (unsigned)io->out_len :
	    UINT_MAX;
	int ret;

	/* libbz2 does not write to next_in, it is only not const. */
	b->z.next_in = (char *)(uintptr_t)io->in;
	b->z.avail_in = in;
	b->z.next_out = (char *)io->out;
	b->z.avail_out = out;
	ret = BZ2_bzDecompress(&b->z);
	io->in += in - b->z.avail_in;
	io->in_len -= in - b->z.avail_in;
	io->out += out - b->z.avail_out;
	io->out_len -= out - b->z.avail_out;
	switch (ret) {
	case BZ_OK:
		return BS_DECODER_OK;
	case BZ_STREAM_END:
		return BS_DECODER_END;
	case BZ_DATA_ERROR_MAGIC:
		*why = "bad magic number";
		break;
	case BZ_MEM_ERROR:
		*why = "cannot allocate memory";
		break;
	default:
		*why = "data integrity (CRC) error in data";
		break;
	}
	return BS_DECODER_FAULT;
}

static const struct bs_decoder bz2 = {
	.name = "bzip2",
	.magic_len = 4,
	.starts = bz2_starts,
	.new = bz2_new,
	.free = bz2_free,
	.reset = bz2_reset,
	.run = bz2_run,
};

bs_status
bs_source_bzip2(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	return bs_source_decoder(in, &bz2, out, d);
}

bool
bs_source_has_bzip2(void)
{
	return true;
}

#else

bs_status
bs_source_bzip2(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	*out = NULL;
	return bs_source_decoder_missing(in, "bzip2", "libbz2-dev", d);
}

bool
bs_source_has_bzip2(void)
{
	return false;
}

#endif
