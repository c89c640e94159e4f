/*
 * source.c - what every byte source shares (the bytes peeked at its
 * start, the end that stays the end), what the data is by its first bytes,
 * and bs_source_open, which stacks the sources of a batch run: file ->
 * decoder (gzip, xz, zstd, bzip2, lz4) -> UTF-16 transcoder -> read-ahead.
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bslimits.h"
#include "source.h"

/*
 * The read-ahead ring's buffers for gzip data.  Each is about one decoder
 * call, whose fixed costs (ISA-L copies its 32 KiB history and 50 KiB of
 * state) and hand-over between the threads must stay small next to it.
 * Measured on a 1 GiB log: with zlib, 3 x 1 MiB beat 3 x 512 KiB and
 * 2 x 1 MiB by 10%, and 4 x 256 KiB by 6%; 2 MiB buffers were no faster
 * and cost 3 MiB more RSS.  With ISA-L, 3 x 256 KiB is as fast as
 * 3 x 1 MiB (11 interleaved runs, median 0.770 against 0.783 s) and keeps
 * 2 MiB less resident.
 */
#ifdef BS_HAVE_ISAL
#define AHEAD_SLOT	BS_READ_CHUNK
#else
#define AHEAD_SLOT	(4 * BS_READ_CHUNK)
#endif

/* Hot: once per read of every source in a stack. */
ssize_t
bs_source_read(struct bs_source *s, char *buf, size_t n, struct bs_diag *d)
{
	ssize_t r;

	if (s->head_len > 0 && n > 0) {
		size_t k = s->head_len < n ? s->head_len : n;

		memcpy(buf, s->head, k);
		memmove(s->head, s->head + k, s->head_len - k);
		s->head_len -= k;
		return (ssize_t)k;
	}
	if (s->done || n == 0)
		return 0;
	r = s->ops->read(s, buf, n, d);
	if (r == 0 || r == -1)
		s->done = true;
	return r;
}

ssize_t
bs_source_lend(struct bs_source *s, const char *keep, size_t keep_len,
    const char **block, struct bs_diag *d)
{
	ssize_t r;

	*block = keep;
	if (s->ops->lend == NULL)
		return BS_SOURCE_NO_LEND;
	if (s->done)
		return 0;
	r = s->ops->lend(s, keep, keep_len, block, d);
	if (r == 0 || r == -1)
		s->done = true;
	return r;
}

ssize_t
bs_source_peek(struct bs_source *s, size_t n, const unsigned char **p,
    struct bs_diag *d)
{
	if (n > BS_SOURCE_PEEK_MAX)
		n = BS_SOURCE_PEEK_MAX;
	/* A pipe may hand over the first bytes one at a time. */
	while (s->head_len < n && !s->done) {
		ssize_t r = s->ops->read(s, (char *)s->head + s->head_len,
		    n - s->head_len, d);

		if (r == -1) {
			/*
			 * Decoded data keeps its fault: the next read returns
			 * it again, after the bytes before it (none).
			 */
			if (!s->decoded)
				s->done = true;
			return -1;
		}
		if (r == 0)
			s->done = true;
		else if (r > 0)
			s->head_len += (size_t)r;
		else
			break;	/* a followed file: nothing now */
	}
	*p = s->head;
	return (ssize_t)s->head_len;
}

unsigned long long
bs_source_raw_offset(const struct bs_source *s)
{
	/* Peeked bytes of decoded data are not raw bytes. */
	if (s->decoded)
		return s->ops->offset(s);
	return s->ops->offset(s) - s->head_len;
}

unsigned long long
bs_source_raw_size(const struct bs_source *s)
{
	return s->size;
}

bool
bs_source_is_gzip(const struct bs_source *s)
{
	return s->gzip;
}

bool
bs_source_is_decoded(const struct bs_source *s)
{
	return s->decoded;
}

time_t
bs_source_mtime(const struct bs_source *s)
{
	return s->mtime;
}

const char *
bs_source_name(const struct bs_source *s)
{
	return s->name;
}

void
bs_source_close(struct bs_source *s)
{
	if (s != NULL)
		s->ops->close(s);
}

/* Whether the n bytes at p are four UTF-16 units of ASCII but NUL. */
static bool
ascii_units(const unsigned char *p, size_t n, int lo)
{
	size_t i;

	if (n < BS_SOURCE_PEEK_MAX)
		return false;
	for (i = 0; i < BS_SOURCE_PEEK_MAX; i += 2)
		if (p[i + lo] == 0 || p[i + lo] > 0x7f || p[i + 1 - lo] != 0)
			return false;
	return true;
}

enum bs_data
bs_source_data(const unsigned char *p, size_t n)
{
	static const unsigned char xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const unsigned char zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
	static const unsigned char lz4[] = { 0x04, 0x22, 0x4d, 0x18 };

	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return BS_DATA_GZIP;
	if (n >= sizeof(xz) && memcmp(p, xz, sizeof(xz)) == 0)
		return BS_DATA_XZ;
	if (n >= sizeof(zstd) && memcmp(p, zstd, sizeof(zstd)) == 0)
		return BS_DATA_ZSTD;
	if (n >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9')
		return BS_DATA_BZIP2;
	if (n >= sizeof(lz4) && memcmp(p, lz4, sizeof(lz4)) == 0)
		return BS_DATA_LZ4;
	if (n >= 4 && ((p[0] == 0xff && p[1] == 0xfe && p[2] == 0 &&
	    p[3] == 0) || (p[0] == 0 && p[1] == 0 && p[2] == 0xfe &&
	    p[3] == 0xff)))
		return BS_DATA_UTF32;
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return BS_DATA_UTF16LE;
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return BS_DATA_UTF16BE;
	if (ascii_units(p, n, 0))
		return BS_DATA_UTF16LE;
	if (ascii_units(p, n, 1))
		return BS_DATA_UTF16BE;
	return BS_DATA_PLAIN;
}

const char *
bs_source_data_name(enum bs_data k)
{
	switch (k) {
	case BS_DATA_GZIP:
		return "gzip";
	case BS_DATA_XZ:
		return "xz";
	case BS_DATA_ZSTD:
		return "zstd";
	case BS_DATA_BZIP2:
		return "bzip2";
	case BS_DATA_LZ4:
		return "lz4";
	case BS_DATA_UTF16LE:
		return "UTF-16LE";
	case BS_DATA_UTF16BE:
		return "UTF-16BE";
	case BS_DATA_UTF32:
		return "UTF-32";
	default:
		return NULL;
	}
}

/* The decoders built in, for bs_source_decoders. */
#ifdef BS_HAVE_ISAL
#define GZIP_WITH	"gzip (isal)"
#else
#define GZIP_WITH	"gzip (zlib)"
#endif
#ifdef BS_HAVE_LZMA
#define XZ_WITH		", xz"
#else
#define XZ_WITH		""
#endif
#ifdef BS_HAVE_ZSTD
#define ZSTD_WITH	", zstd"
#else
#define ZSTD_WITH	""
#endif
#ifdef BS_HAVE_BZ2
#define BZIP2_WITH	", bzip2"
#else
#define BZIP2_WITH	""
#endif
#ifdef BS_HAVE_LZ4
#define LZ4_WITH	", lz4"
#else
#define LZ4_WITH	""
#endif

const char *
bs_source_decoders(void)
{
	return GZIP_WITH XZ_WITH ZSTD_WITH BZIP2_WITH LZ4_WITH
	    "; text: UTF-8, UTF-16";
}

bs_status
bs_source_decode(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	const unsigned char *p;
	ssize_t n;

	*out = NULL;
	n = bs_source_peek(in, BS_SOURCE_PEEK_MAX, &p, d);
	if (n < 0) {
		bs_source_close(in);
		return BS_ERR_IO;
	}
	switch (bs_source_data(p, (size_t)n)) {
	case BS_DATA_GZIP:
		return bs_source_gzip(in, BS_GZIP_AUTO, out, d);
	case BS_DATA_XZ:
		return bs_source_xz(in, out, d);
	case BS_DATA_ZSTD:
		return bs_source_zstd(in, out, d);
	case BS_DATA_BZIP2:
		return bs_source_bzip2(in, out, d);
	case BS_DATA_LZ4:
		return bs_source_lz4(in, out, d);
	default:
		*out = in;
		return BS_OK;
	}
}

/*
 * Whether the process may run on two CPUs at once.  On one, a read-ahead
 * thread could only add its copying to the reader's time.
 */
static bool
two_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set) > 1;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

bs_status
bs_source_open(const char *path, unsigned flags, struct bs_source **out,
    struct bs_diag *d)
{
	struct bs_source *s;
	bs_status st;

	*out = NULL;
	st = bs_source_file(path, &s, d);
	if (st == BS_OK)
		st = bs_source_decode(s, &s, d);
	if (st == BS_OK)
		st = bs_source_utf16(s, &s, d);
	if (st != BS_OK)
		return st;
	/* Decoding is the slower half: parsing runs beside it. */
	if (s->decoded && !(flags & BS_SOURCE_SYNC) && two_cpus())
		bs_source_ahead(s, AHEAD_SLOT, &s);
	*out = s;
	return BS_OK;
}
