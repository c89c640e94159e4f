/*
 * fuzz_input.c - libFuzzer target: the byte sources and the line splitter
 * over arbitrary file contents, plain or gzip (bs_source_open, the
 * sources stacked by hand as tests/testsource.h does, bs_source_read,
 * bs_lines_next).
 *
 * The fuzz input becomes a file (a memfd, opened by path through /proc),
 * which is read several ways:
 *   1. bs_source_read as bs_source_open stacks the sources, in large
 *      reads: plain data must come back byte for byte; gzip data (capped)
 *      is remembered;
 *   2. again with each decoder (zlib, and ISA-L where it is built in),
 *      with and without the read-ahead thread, with tiny raw reads, tiny
 *      read-ahead slots and odd read sizes.  source.h's promises are
 *      checked: with one decoder, the bytes, the ending (end or error)
 *      and the message never depend on read sizes or read-ahead; between
 *      the decoders, plain data and valid gzip give the same bytes, a
 *      fault of the gzip format the same message after the same bytes
 *      (at a cut, ISA-L may hand out up to two bytes fewer), and in
 *      corrupt deflate data each decoder may stop elsewhere and say why
 *      in its own words, but the bytes both hand out agree;
 *   3. bs_lines_next to the end without needles, then again with the
 *      Postfix needles set after the first line, as run.c does: both
 *      must count the same lines and cut lines, end the same way, and
 *      hand out, with needles, exactly the lines of the first pass that
 *      hold a needle (and possibly overlong ones whose needle lies past
 *      the cut), with the same bytes;
 *   4. plain data split once more from a followed file (source_follow.c)
 *      that stalls after every small read, as follow mode reads a
 *      growing log: the same lines, cuts and count as the first pass.
 * Decompressed output is capped so that a gzip bomb in the corpus costs
 * milliseconds, not seconds: past FZ_INPUT_CAP the splitter passes are
 * skipped (tests/badinput.sh reads a real bomb to the end).
 *
 * Signals arrive while bouncestat reads (follow mode handles SIGUSR1,
 * SIGINT and SIGTERM; a profiler sends SIGPROF), so the other ways of
 * reading run under a SIGPROF every millisecond of CPU time, installed
 * without SA_RESTART: every read(2) and poll(2) of the input layer must
 * cope with EINTR, and no hand-over between threads may depend on a wait
 * not being interrupted.
 */
#define _GNU_SOURCE 1
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "lines.h"
#include "source.h"
#include "../testsource.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

/*
 * Decompressed bytes read by the first pass; an input that inflates to
 * more is not split into lines (a bomb would cost seconds per run).
 */
#define FZ_INPUT_CAP	(512u << 10)
/* Bytes each other way of reading is compared over. */
#define FZ_OTHER_CAP	(128u << 10)
/* Inputs (and outputs) up to this size get the byte-sized reads. */
#define FZ_TINY_MAX	4096
/* Lines remembered from the plain pass for the needle pass. */
#define FZ_LINES_CAP	100000

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static const char *const fz_needles[] = { "status=", "reject:", NULL };

/* The other ways of reading: the stack and the size of each read. */
static const struct {
	struct way w;		/* as_open, gz, raw, ahead, slot */
	size_t chunk;
} fz_ways[] = {
	{ { false, BS_GZIP_ZLIB, 17, false, 0 }, 4093 },
	{ { false, BS_GZIP_ZLIB, 0, true, 4099 }, 65536 },
	{ { false, BS_GZIP_ZLIB, 1, true, 16 }, 1000 },
	{ { false, BS_GZIP_ISAL, 1000, false, 0 }, 7 },
	{ { false, BS_GZIP_ISAL, 33, true, 4096 }, 4093 },
	{ { false, BS_GZIP_AUTO, 2, true, 0 }, 1 << 20 },
};

static void
fz_tick(int sig)
{
	(void)sig;
}

/* Start (on) or stop the SIGPROF ticks. */
static void
fz_ticks(bool on)
{
	static bool installed;
	struct itimerval it = { { 0, on ? 1000 : 0 }, { 0, on ? 1000 : 0 } };

	if (!installed) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = fz_tick;
		sa.sa_flags = 0;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGPROF, &sa, NULL) != 0)
			FZ_FAIL("sigaction failed");
		installed = true;
	}
	if (setitimer(ITIMER_PROF, &it, NULL) != 0)
		FZ_FAIL("setitimer failed");
}

/* How one way of reading ended. */
struct fz_end {
	int end;		/* 0 end of data, -1 error, 1 cap reached */
	bool gzip;
	char msg[BS_DIAG_MSG_MAX];
};

/* One way's result: its bytes (up to the cap) and its ending. */
struct fz_result {
	char *buf;
	size_t n;
	struct fz_end e;
	enum bs_gzip dec;	/* the decoder, AUTO resolved */
};

#define FZ_NWAYS	(sizeof(fz_ways) / sizeof(fz_ways[0]))

static enum bs_gzip
fz_decoder(enum bs_gzip g)
{
	if (g != BS_GZIP_AUTO)
		return g;
	return strcmp(bs_source_gzip_backend(), "isal") == 0 ? BS_GZIP_ISAL :
	    BS_GZIP_ZLIB;
}

static bool
fz_corrupt(const struct fz_end *e)
{
	return strncmp(e->msg, "corrupt compressed data", 23) == 0;
}

static bool
fz_cut(const struct fz_end *e)
{
	return strncmp(e->msg, "unexpected end of compressed data", 33) == 0;
}

/*
 * Compare way x with way y (both read to the same cap; way FZ_NWAYS is the
 * default read).  complete: neither was stopped by the cap.  same: the
 * same decoder, or plain data.
 */
static void
fz_compare(const struct fz_result *x, const struct fz_result *y,
    bool complete, bool same, size_t ix, size_t iy)
{
	size_t n = x->n < y->n ? x->n : y->n;

	FZ_ASSERT(memcmp(x->buf, y->buf, n) == 0, "ways %zu and %zu of "
	    "reading disagree on the bytes both handed out", ix, iy);
	if (!complete)
		return;
	if (same || (!fz_corrupt(&x->e) && !fz_cut(&x->e) &&
	    !fz_corrupt(&y->e))) {
		FZ_ASSERT(x->n == y->n && x->e.end == y->e.end &&
		    strcmp(x->e.msg, y->e.msg) == 0, "ways %zu and %zu of "
		    "reading ended otherwise: %zu bytes, %d, '%s'; %zu bytes, "
		    "%d, '%s'", ix, iy, x->n, x->e.end, x->e.msg, y->n,
		    y->e.end, y->e.msg);
		return;
	}
	if (fz_corrupt(&x->e) || fz_corrupt(&y->e))
		return;
	/* A cut: the same message; ISA-L may stop up to two bytes early. */
	FZ_ASSERT(fz_cut(&y->e) && strcmp(x->e.msg, y->e.msg) == 0,
	    "ways %zu and %zu of reading: '%s' and '%s'", ix, iy, x->e.msg,
	    y->e.msg);
	{
		const struct fz_result *isal = x->dec == BS_GZIP_ISAL ? x : y;
		const struct fz_result *zlib = x->dec == BS_GZIP_ISAL ? y : x;

		FZ_ASSERT(isal->n <= zlib->n && zlib->n - isal->n <= 2,
		    "at a cut ISA-L handed out %zu bytes, zlib %zu",
		    isal->n, zlib->n);
	}
}

/* One line of the first splitter pass. */
struct fz_seen {
	uint64_t lineno;
	uint64_t hash;
	size_t len;
	bool cut;
	bool needle;
};

static uint64_t
fz_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static bool
fz_needle_in(const char *s, size_t n)
{
	size_t i;

	for (i = 0; fz_needles[i] != NULL; i++)
		if (memmem(s, n, fz_needles[i], strlen(fz_needles[i])))
			return true;
	return false;
}

/* Open path stacked as w says (NULL: as bs_source_open stacks it). */
static struct bs_source *
fz_open(const char *path, const struct way *w)
{
	static const struct way as_open = { .as_open = true };
	struct bs_source *in;
	struct bs_diag d;

	bs_diag_clear(&d);
	if (open_way(path, w != NULL ? w : &as_open, &in, &d) != BS_OK)
		FZ_FAIL("cannot open the memfd: %s", d.msg);
	return in;
}

/*
 * Read the whole input in reads of chunk bytes, up to cap bytes, into out
 * (cap bytes).  Returns the bytes kept, and how it ended in *e.
 */
static size_t
fz_read_all(const char *path, const struct way *w,
    size_t chunk, char *out, size_t cap, struct fz_end *e)
{
	struct bs_source *in = fz_open(path, w);
	struct bs_diag d;
	size_t got = 0;
	char *buf = malloc(chunk);

	if (buf == NULL)
		FZ_FAIL("out of memory");
	bs_diag_clear(&d);
	e->end = 1;
	e->msg[0] = '\0';
	while (got < cap) {
		size_t want = chunk < cap - got ? chunk : cap - got;
		ssize_t r = bs_source_read(in, buf, want, &d);

		if (r < 0) {
			fz_check_diag(&d);
			FZ_ASSERT(d.msg[0] != '\0', "a read error without a "
			    "message");
			snprintf(e->msg, sizeof(e->msg), "%s", d.msg);
			/* Once failed, the input stays at its end. */
			FZ_ASSERT(bs_source_read(in, buf, want, &d) == 0,
			    "a read after an error returned data");
			e->end = -1;
			break;
		}
		if (r == 0) {
			e->end = 0;
			FZ_ASSERT(bs_source_read(in, buf, want, &d) == 0,
			    "a read after the end returned data");
			break;
		}
		FZ_ASSERT((size_t)r <= want, "read returned %zd of %zu", r,
		    want);
		memcpy(out + got, buf, (size_t)r);
		got += (size_t)r;
	}
	FZ_ASSERT(bs_source_raw_offset(in) <= bs_source_raw_size(in),
	    "raw offset %llu past the size %llu",
	    bs_source_raw_offset(in), bs_source_raw_size(in));
	e->gzip = bs_source_is_gzip(in);
	bs_source_close(in);
	free(buf);
	return got;
}

/*
 * Split the input into lines; with needles, set them after the first
 * line.  Pass 1 (needles false) remembers the lines in seen and sets
 * *nseen; pass 2 compares against them.  Returns the splitter's last
 * result.
 */
static int
fz_split(const char *path, bool needles, struct fz_seen *seen,
    size_t *nseen, uint64_t *count, uint64_t *cut)
{
	struct bs_source *in = fz_open(path, NULL);
	struct bs_lines *ls = bs_lines_new(in);
	struct bs_line line;
	struct bs_diag d;
	size_t k = 0, n = 0;
	uint64_t prev = 0;
	int r;

	if (ls == NULL)
		FZ_FAIL("out of memory");
	bs_diag_clear(&d);
	while ((r = bs_lines_next(ls, &line, &d)) == 1) {
		FZ_ASSERT(line.len <= BS_LINE_MAX, "a line of %zu bytes",
		    line.len);
		FZ_ASSERT(line.lineno > prev, "line numbers go back");
		FZ_ASSERT(memchr(line.ptr, '\n', line.len) == NULL,
		    "a newline inside a line");
		fz_touch(line.ptr, line.len);
		prev = line.lineno;
		if (!needles) {
			if (n < FZ_LINES_CAP) {
				seen[n].lineno = line.lineno;
				seen[n].hash = fz_hash(line.ptr, line.len);
				seen[n].len = line.len;
				seen[n].cut = line.cut;
				seen[n].needle = fz_needle_in(line.ptr,
				    line.len);
			}
			n++;
			continue;
		}
		if (line.lineno == 1)
			bs_lines_set_needles(ls, fz_needles);
		if (*nseen > FZ_LINES_CAP)
			continue;
		/* Lines of pass 1 with a needle may not be skipped. */
		while (k < *nseen && seen[k].lineno < line.lineno) {
			FZ_ASSERT(!seen[k].needle || seen[k].lineno == 1,
			    "line %llu holds a needle but was skipped",
			    (unsigned long long)seen[k].lineno);
			k++;
		}
		FZ_ASSERT(k < *nseen && seen[k].lineno == line.lineno,
		    "line %llu was not a line without needles",
		    (unsigned long long)line.lineno);
		FZ_ASSERT(seen[k].len == line.len && seen[k].cut == line.cut &&
		    seen[k].hash == fz_hash(line.ptr, line.len),
		    "line %llu differs with needles",
		    (unsigned long long)line.lineno);
		FZ_ASSERT(line.lineno == 1 || seen[k].needle || seen[k].cut,
		    "line %llu has no needle but was handed out",
		    (unsigned long long)line.lineno);
		k++;
	}
	if (r < 0)
		fz_check_diag(&d);
	if (needles && *nseen <= FZ_LINES_CAP)
		for (; k < *nseen; k++)
			FZ_ASSERT(!seen[k].needle || seen[k].lineno == 1,
			    "line %llu holds a needle but was skipped",
			    (unsigned long long)seen[k].lineno);
	/* The end is sticky. */
	FZ_ASSERT(bs_lines_next(ls, &line, &d) == 0,
	    "the splitter went on after its end");
	if (!needles)
		*nseen = n;
	*count = bs_lines_count(ls);
	*cut = bs_lines_cut(ls);
	bs_lines_free(ls);
	bs_source_close(in);
	return r;
}

/*
 * Pass 4, plain data: the lines from a followed file (from its start),
 * in reads of a few bytes, each followed by a stall (BS_SOURCE_AGAIN);
 * at the end of the data the file is finished, as a retired one is.  The
 * same lines as pass 1, the same count and cuts.
 */
static void
fz_split_followed(const char *path, size_t size, const struct fz_seen *seen,
    size_t nseen, uint64_t count, uint64_t cut)
{
	struct bs_source *f, *in;
	struct bs_lines *ls;
	struct bs_line line;
	struct bs_diag d;
	size_t k = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		FZ_FAIL("cannot open the memfd again");
	bs_diag_clear(&d);
	if (bs_source_follow(fd, path, false, false, &f, &d) != BS_OK)
		FZ_FAIL("cannot follow the memfd: %s", d.msg);
	in = chop(f, size > FZ_TINY_MAX ? 509 : 7);
	ls = bs_lines_new(in);
	if (ls == NULL)
		FZ_FAIL("out of memory");
	bs_source_follow_allow(f, 1);
	for (;;) {
		r = bs_lines_next(ls, &line, &d);
		if (r == BS_LINES_AGAIN) {
			if (!bs_source_follow_starved(f))
				bs_source_follow_finish(f);
			bs_source_follow_allow(f, 1);
			continue;
		}
		if (r != 1)
			break;
		if (k < nseen && k < FZ_LINES_CAP)
			FZ_ASSERT(seen[k].lineno == line.lineno &&
			    seen[k].len == line.len &&
			    seen[k].cut == line.cut &&
			    seen[k].hash == fz_hash(line.ptr, line.len),
			    "followed, line %llu differs",
			    (unsigned long long)line.lineno);
		k++;
	}
	FZ_ASSERT(r == 0, "followed, the splitter ended with %d", r);
	FZ_ASSERT(k == count && bs_lines_count(ls) == count &&
	    bs_lines_cut(ls) == cut, "followed: %zu lines (%llu cut), "
	    "batch %llu (%llu cut)", k, (unsigned long long)bs_lines_cut(ls),
	    (unsigned long long)count, (unsigned long long)cut);
	bs_lines_free(ls);
	bs_source_close(in);
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static char *a;
	static struct fz_result res[FZ_NWAYS];
	static struct fz_seen *seen;
	struct fz_result ref = { NULL, 0, { 0, false, "" }, BS_GZIP_AUTO };
	const struct fz_result *first[3] = { NULL, NULL, NULL };
	size_t first_way[3] = { 0, 0, 0 };	/* FZ_NWAYS: the default */
	char path[64];
	size_t na, nseen = 0, i, cap;
	uint64_t count1, cut1, count2, cut2;
	struct fz_end ea;
	struct way w;
	int fd, r1, r2;

	if (a == NULL) {
		a = malloc(FZ_INPUT_CAP);
		seen = malloc(FZ_LINES_CAP * sizeof(*seen));
		if (a == NULL || seen == NULL)
			FZ_FAIL("out of memory");
		for (i = 0; i < FZ_NWAYS; i++)
			if ((res[i].buf = malloc(FZ_OTHER_CAP)) == NULL)
				FZ_FAIL("out of memory");
	}
	/*
	 * This target holds plain data and gzip to their invariants (plain
	 * bytes come back unchanged).  Data that starts as another
	 * compressor's or as UTF-16 is decoded or refused instead
	 * (source.h); check_decoders covers those.
	 */
	{
		enum bs_data k = bs_source_data(data, size);

		if (k != BS_DATA_PLAIN && k != BS_DATA_GZIP)
			return 0;
	}
	fd = memfd_create("fuzz_input", MFD_CLOEXEC);
	if (fd < 0)
		FZ_FAIL("memfd_create failed");
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		FZ_FAIL("cannot write the memfd");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	na = fz_read_all(path, NULL, 65536, a, FZ_INPUT_CAP, &ea);
	FZ_ASSERT(ea.gzip == (size >= 2 && data[0] == 0x1f &&
	    data[1] == 0x8b), "gzip detected wrongly");
	if (!ea.gzip) {
		FZ_ASSERT(ea.end == 0 && na == size &&
		    (size == 0 || memcmp(a, data, size) == 0),
		    "plain data did not come back unchanged");
	}

	/*
	 * The other ways, each against the default read (same decoder) or
	 * the first way of its own decoder, and the decoders against each
	 * other.
	 */
	cap = na < FZ_OTHER_CAP ? na + 1 : FZ_OTHER_CAP;
	ref.buf = a;
	ref.n = na < cap ? na : cap;
	ref.e = ea;
	if (na >= cap)
		ref.e.end = 1;
	ref.dec = fz_decoder(BS_GZIP_AUTO);
	first[ref.dec] = &ref;
	first_way[ref.dec] = FZ_NWAYS;
	fz_ticks(true);
	for (i = 0; i < FZ_NWAYS; i++) {
		struct fz_result *r = &res[i];

		r->n = 0;
		if (!bs_source_gzip_has(fz_ways[i].w.gz))
			continue;
		w = fz_ways[i].w;
		/*
		 * Byte-sized reads and slots put a boundary everywhere; on a
		 * big input they would make a run take seconds.
		 */
		if (size > FZ_TINY_MAX && w.raw != 0 && w.raw < 509)
			w.raw = 509;
		if (cap > FZ_TINY_MAX && w.slot != 0 && w.slot < 4099)
			w.slot = 4099;
		r->dec = fz_decoder(w.gz);
		r->n = fz_read_all(path, &w, fz_ways[i].chunk, r->buf, cap,
		    &r->e);
		if (first[r->dec] == NULL) {
			first[r->dec] = r;
			first_way[r->dec] = i;
			continue;
		}
		fz_compare(first[r->dec], r, na < FZ_OTHER_CAP, true,
		    first_way[r->dec], i);
	}
	fz_ticks(false);
	if (first[BS_GZIP_ZLIB] != NULL && first[BS_GZIP_ISAL] != NULL)
		fz_compare(first[BS_GZIP_ZLIB], first[BS_GZIP_ISAL],
		    na < FZ_OTHER_CAP, !ea.gzip, first_way[BS_GZIP_ZLIB],
		    first_way[BS_GZIP_ISAL]);

	if (ea.end == 1) {
		close(fd);
		return 0;
	}
	r1 = fz_split(path, false, seen, &nseen, &count1, &cut1);
	r2 = fz_split(path, true, seen, &nseen, &count2, &cut2);
	FZ_ASSERT(r1 == r2, "the splitter ended %d, with needles %d", r1, r2);
	FZ_ASSERT(count1 == count2 && cut1 == cut2, "lines %llu (cut %llu), "
	    "with needles %llu (cut %llu)", (unsigned long long)count1,
	    (unsigned long long)cut1, (unsigned long long)count2,
	    (unsigned long long)cut2);
	FZ_ASSERT(count1 == nseen, "counted %llu lines, handed out %zu",
	    (unsigned long long)count1, nseen);
	if (!ea.gzip)
		fz_split_followed(path, size, seen, nseen, count1, cut1);
	close(fd);
	return 0;
}
