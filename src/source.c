/*
 * source.c - what every byte source shares (the bytes peeked at its
 * start, the end that stays the end), and bs_source_open, which stacks
 * the sources of a batch run: file -> gzip decoder -> read-ahead.
 */
#include <sched.h>
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
		st = bs_source_gzip(s, BS_GZIP_AUTO, &s, d);
	if (st != BS_OK)
		return st;
	/* Decoding is the slower half: parsing runs beside it. */
	if (s->gzip && !(flags & BS_SOURCE_SYNC) && two_cpus())
		bs_source_ahead(s, AHEAD_SLOT, &s);
	*out = s;
	return BS_OK;
}
