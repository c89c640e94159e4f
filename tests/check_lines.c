/*
 * check_lines.c - the line splitter (src/lines.c) over real inputs: line
 * ends, overlong lines, faults, volume, and the needle prefilter.
 *
 * Every case is a file written to a temporary folder under /tmp and read
 * through bs_source_open, once plain and once as a gzip member, so that
 * both the raw reads and the decompressor's reads feed the splitter; the
 * tables again from lent blocks (read-ahead), and, plain, from a followed
 * file (source_follow.c) that stalls after every read, as a live log does:
 * follow mode and a batch run split alike.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "bslimits.h"
#include "lines.h"
#include "source.h"
#include "suites.h"
#include "testsource.h"
#include "testutil.h"

/* --- fixtures ------------------------------------------------------------ */

static char tmpdir[64];

/*
 * How open_lines opens its file: as bs_source_open does (the default);
 * read ahead in slots of lend_slot bytes (the lend tests), so that the
 * splitter reads the blocks the source lends, with their boundaries
 * everywhere; or followed (source_follow.c) from its start, in reads of
 * at most follow_chop bytes (0: as asked), each followed by a stall: the
 * splitter says BS_LINES_AGAIN and next_line asks again, as follow mode
 * does when the file grows.  At the end of the file, the followed file is
 * finished (bs_source_follow_finish), as a retired one is.
 */
static enum { OPEN_AS_RUN, OPEN_LEND, OPEN_FOLLOW } open_mode;
static size_t lend_slot, follow_chop;
static struct bs_source *followed;	/* OPEN_FOLLOW: the source below */

static void
setup(void)
{
	bs_test_mkdtemp(tmpdir, "lines");
}

static void
teardown(void)
{
	bs_test_rmtree(tmpdir);
}

/* A growable byte string. */
struct bytes {
	char *p;
	size_t n, cap;
};

/* Room for n more bytes. */
static void
bytes_reserve(struct bytes *b, size_t n)
{
	size_t ncap = b->cap ? b->cap : 256;

	if (b->n + n <= b->cap)
		return;
	while (ncap < b->n + n)
		ncap *= 2;
	b->p = realloc(b->p, ncap);
	QUIET_CHECK(b->p != NULL, "out of memory");
	b->cap = ncap;
}

static void
bytes_add(struct bytes *b, const void *p, size_t n)
{
	bytes_reserve(b, n);
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
bytes_fill(struct bytes *b, char c, size_t count)
{
	bytes_reserve(b, count);
	memset(b->p + b->n, c, count);
	b->n += count;
}

static void
bytes_free(struct bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/*
 * One gzip member of data, or with level < 0 nothing but the plain data.
 * Level 0 (stored) keeps the data at a known offset: 10 header bytes and
 * 5 bytes of block header in front of it while it fits one block.
 */
static void
encode(struct bytes *out, const struct bytes *data, int level)
{
	z_stream z;
	uLong bound;

	if (level < 0) {
		bytes_add(out, data->p, data->n);
		return;
	}
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	bound = deflateBound(&z, (uLong)data->n);
	bytes_reserve(out, bound);
	z.next_in = (unsigned char *)data->p;
	z.avail_in = (uInt)data->n;
	z.next_out = (unsigned char *)out->p + out->n;
	z.avail_out = (uInt)bound;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	out->n += z.total_out;
	deflateEnd(&z);
}

/* Write bytes to a file of the temporary folder and open a splitter on it. */
static void
open_lines(const struct bytes *file, struct bs_source **in,
    struct bs_lines **ls)
{
	char path[128];
	struct bs_diag d;
	FILE *f;

	snprintf(path, sizeof(path), "%s/input", tmpdir);
	f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	if (file->n > 0)
		ck_assert_uint_eq(fwrite(file->p, 1, file->n, f), file->n);
	ck_assert_int_eq(fclose(f), 0);
	if (open_mode == OPEN_AS_RUN)
		ck_assert_int_eq(bs_source_open(path, 0, in, &d), BS_OK);
	else if (open_mode == OPEN_LEND) {
		struct way w = { .ahead = true, .slot = lend_slot };

		ck_assert_int_eq(open_way(path, &w, in, &d), BS_OK);
	} else {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(bs_source_follow(fd, path, false, false,
		    &followed, &d), BS_OK);
		bs_source_follow_allow(followed, 1);
		*in = follow_chop > 0 ? chop(followed, follow_chop) : followed;
	}
	*ls = bs_lines_new(*in);
	ck_assert_ptr_nonnull(*ls);
}

static void
close_lines(struct bs_source *in, struct bs_lines *ls)
{
	bs_lines_free(ls);
	bs_source_close(in);
}

/*
 * bs_lines_next, through the stalls of a followed file: a stall after a
 * read is waited out (one more read allowed); the end of the data (a
 * stall without a read) finishes the file.
 */
static int
next_line(struct bs_lines *ls, struct bs_line *l, struct bs_diag *d)
{
	int r;

	while ((r = bs_lines_next(ls, l, d)) == BS_LINES_AGAIN) {
		ck_assert_int_eq(open_mode, OPEN_FOLLOW);
		if (!bs_source_follow_starved(followed))
			bs_source_follow_finish(followed);
		bs_source_follow_allow(followed, 1);
	}
	return r;
}

/* --- the table ----------------------------------------------------------- */

/*
 * Expected lines.  A line is written as a fill character repeated len
 * times (fill != 0) or as text of len bytes (NUL bytes allowed).
 */
struct want_line {
	const char *text;
	size_t len;
	char fill;
	bool cut;
};

#define MAXLINES 8

struct lines_case {
	const char *name;
	void (*build)(struct bytes *);
	size_t nlines;
	struct want_line want[MAXLINES];
	uint64_t ncut;
};

#define T(s)		{ s, sizeof(s) - 1, 0, false }
#define FILL(c, n)	{ NULL, n, c, false }
#define CUT(c)		{ NULL, BS_LINE_MAX, c, true }
#define CUTP(p, c)	{ p, BS_LINE_MAX, c, true }

/* Literal files; a macro keeps the length when the text holds NUL bytes. */
#define LITERAL(fn, s)						\
static void								\
fn(struct bytes *b)							\
{									\
	bytes_add(b, s, sizeof(s) - 1);					\
}

LITERAL(b_lf, "one\ntwo\nthree\n")
LITERAL(b_crlf, "one\r\ntwo\r\nthree\r\n")
LITERAL(b_mixed, "one\r\ntwo\nthree\r\n")
LITERAL(b_no_final_nl, "one\ntwo")
LITERAL(b_no_final_nl_cr, "one\ntwo\r")
LITERAL(b_empty_lines, "\n\none\n\n")
LITERAL(b_cr_only_lines, "\r\n\r\n")
LITERAL(b_empty_file, "")
LITERAL(b_single_nl, "\n")
LITERAL(b_inner_cr, "a\rb\nc\r\r\n")
LITERAL(b_nul, "x\0y\n\0\n\0\0\0")

/* Longer lines, built around BS_LINE_MAX. */
static void
b_exact_max(struct bytes *b)
{
	bytes_fill(b, 'a', BS_LINE_MAX);
	bytes_add(b, "\nnext\n", 6);
}

static void
b_max_plus_one(struct bytes *b)
{
	bytes_fill(b, 'b', BS_LINE_MAX + 1);
	bytes_add(b, "\nnext\n", 6);
}

static void
b_three_max(struct bytes *b)
{
	bytes_fill(b, 'c', 3 * BS_LINE_MAX);
	bytes_add(b, "\nnext\n", 6);
}

/* Longer than the splitter's whole buffer. */
static void
b_huge(struct bytes *b)
{
	bytes_fill(b, 'h', BS_LINE_MAX + 2 * BS_READ_CHUNK + 17);
	bytes_add(b, "\nnext\n", 6);
}

static void
b_exact_max_at_end(struct bytes *b)
{
	bytes_add(b, "first\n", 6);
	bytes_fill(b, 'e', BS_LINE_MAX);
}

static void
b_long_at_end(struct bytes *b)
{
	bytes_add(b, "first\n", 6);
	bytes_fill(b, 'f', BS_LINE_MAX + 10);
}

static void
b_max_plus_one_at_end(struct bytes *b)
{
	bytes_add(b, "first\n", 6);
	bytes_fill(b, 'g', BS_LINE_MAX + 1);
}

/* At the end without a newline, a trailing CR is still no content. */
static void
b_exact_max_cr_at_end(struct bytes *b)
{
	bytes_fill(b, 'k', BS_LINE_MAX);
	bytes_add(b, "\r", 1);
}

static void
b_long_lines_in_a_row(struct bytes *b)
{
	bytes_fill(b, 'p', BS_LINE_MAX + 5);
	bytes_add(b, "\n", 1);
	bytes_fill(b, 'q', 2 * BS_LINE_MAX);
	bytes_add(b, "\n\n", 2);
	bytes_fill(b, 'r', BS_LINE_MAX - 1);
	bytes_add(b, "\nend\n", 5);
}

/* The rest of a cut line is skipped even when it holds CRs. */
static void
b_long_crlf(struct bytes *b)
{
	bytes_fill(b, 's', BS_LINE_MAX + 1);
	bytes_add(b, "\r\nnext\r\n", 8);
}

/*
 * A line of exactly BS_LINE_MAX bytes whose newline is the first byte of
 * the second raw read (three lines of BS_LINE_MAX bytes with their
 * newlines come first, then BS_LINE_MAX more: BS_READ_CHUNK in all).  The
 * splitter sees BS_LINE_MAX bytes and no newline yet; the line is not
 * longer than the maximum and must not be cut.
 */
static void
b_exact_max_at_read_boundary(struct bytes *b)
{
	int i;

	for (i = 0; i < 3; i++) {
		bytes_fill(b, (char)('0' + i), BS_LINE_MAX - 1);
		bytes_add(b, "\n", 1);
	}
	bytes_fill(b, 'x', BS_LINE_MAX);
	ck_assert_uint_eq(b->n, BS_READ_CHUNK);
	bytes_add(b, "\nnext\n", 6);
}

/* BS_LINE_MAX bytes of text, then CR LF: the CR is not part of the line. */
static void
b_exact_max_crlf(struct bytes *b)
{
	bytes_fill(b, 'w', BS_LINE_MAX);
	bytes_add(b, "\r\nnext\r\n", 8);
}

/*
 * Issue 19: what a copytruncate leaves when the writer goes on at its old
 * offset: NUL bytes up to the first new line.  Before lines.c dropped
 * them, the NULs and the line were one line, which no parser read (and
 * past BS_LINE_MAX one cut line).
 */
static void
b_nul_run(struct bytes *b)
{
	bytes_add(b, "one\n", 4);
	bytes_fill(b, '\0', 5000);
	bytes_add(b, "two\nthree\n", 10);
}

/* A run longer than a line, and than the splitter's whole buffer. */
static void
b_nul_run_huge(struct bytes *b)
{
	bytes_fill(b, '\0', BS_LINE_MAX + 2 * BS_READ_CHUNK + 17);
	bytes_add(b, "two\n", 4);
}

/* NULs and a line together longer than BS_LINE_MAX: the line is not. */
static void
b_nul_run_long_line(struct bytes *b)
{
	bytes_fill(b, '\0', BS_LINE_MAX - 10);
	bytes_fill(b, 'n', 100);
	bytes_add(b, "\nnext\n", 6);
}

LITERAL(b_bom, "\xef\xbb\xbfone\ntwo\n")
LITERAL(b_bom_inside, "one\n\xef\xbb\xbftwo\r\n")
LITERAL(b_bom_cut_short, "one\n\xef\xbb")
LITERAL(b_bom_not, "\xef\xbbx\n\xefy\n")
LITERAL(b_nul_bom_nul, "\0\0\xef\xbb\xbf\0x\n")

static const struct lines_case cases[] = {
	{ "LF", b_lf, 3, { T("one"), T("two"), T("three") }, 0 },
	{ "CRLF", b_crlf, 3, { T("one"), T("two"), T("three") }, 0 },
	{ "mixed endings", b_mixed, 3, { T("one"), T("two"), T("three") },
	    0 },
	{ "last line without newline", b_no_final_nl, 2,
	    { T("one"), T("two") }, 0 },
	{ "last line ends in CR only", b_no_final_nl_cr, 2,
	    { T("one"), T("two") }, 0 },
	{ "empty lines", b_empty_lines, 4, { T(""), T(""), T("one"), T("") },
	    0 },
	{ "lines of a lone CR", b_cr_only_lines, 2, { T(""), T("") }, 0 },
	{ "empty file", b_empty_file, 0, { T("") }, 0 },
	{ "a single newline", b_single_nl, 1, { T("") }, 0 },
	{ "only the trailing CR goes", b_inner_cr, 2,
	    { T("a\rb"), T("c\r") }, 0 },
	{ "NUL bytes inside a line are data, at its start not", b_nul, 3,
	    { T("x\0y"), T(""), T("") }, 0 },
	{ "a NUL run before a line", b_nul_run, 3,
	    { T("one"), T("two"), T("three") }, 0 },
	{ "a NUL run longer than the buffer", b_nul_run_huge, 1,
	    { T("two") }, 0 },
	{ "a NUL run and a line longer than BS_LINE_MAX", b_nul_run_long_line,
	    2, { FILL('n', 100), T("next") }, 0 },
	{ "a UTF-8 byte-order mark", b_bom, 2, { T("one"), T("two") }, 0 },
	{ "a byte-order mark at a line start", b_bom_inside, 2,
	    { T("one"), T("two") }, 0 },
	{ "a byte-order mark cut short at the end", b_bom_cut_short, 2,
	    { T("one"), T("\xef\xbb") }, 0 },
	{ "bytes like a byte-order mark", b_bom_not, 2,
	    { T("\xef\xbbx"), T("\xefy") }, 0 },
	{ "NULs, a byte-order mark, NULs", b_nul_bom_nul, 1, { T("x") }, 0 },
	{ "exactly BS_LINE_MAX", b_exact_max, 2,
	    { FILL('a', BS_LINE_MAX), T("next") }, 0 },
	{ "BS_LINE_MAX + 1", b_max_plus_one, 2, { CUT('b'), T("next") }, 1 },
	{ "3 * BS_LINE_MAX", b_three_max, 2, { CUT('c'), T("next") }, 1 },
	{ "longer than the buffer", b_huge, 2, { CUT('h'), T("next") }, 1 },
	{ "exactly BS_LINE_MAX at the end", b_exact_max_at_end, 2,
	    { T("first"), FILL('e', BS_LINE_MAX) }, 0 },
	{ "too long at the end", b_long_at_end, 2,
	    { T("first"), CUT('f') }, 1 },
	{ "BS_LINE_MAX + 1 at the end", b_max_plus_one_at_end, 2,
	    { T("first"), CUT('g') }, 1 },
	{ "BS_LINE_MAX and a CR at the end", b_exact_max_cr_at_end, 1,
	    { FILL('k', BS_LINE_MAX) }, 0 },
	{ "long lines in a row", b_long_lines_in_a_row, 5,
	    { CUT('p'), CUT('q'), T(""), FILL('r', BS_LINE_MAX - 1),
	    T("end") }, 2 },
	{ "long CRLF line", b_long_crlf, 2, { CUT('s'), T("next") }, 1 },
	{ "exactly BS_LINE_MAX at a read boundary",
	    b_exact_max_at_read_boundary, 5,
	    { FILL('0', BS_LINE_MAX - 1), FILL('1', BS_LINE_MAX - 1),
	    FILL('2', BS_LINE_MAX - 1), FILL('x', BS_LINE_MAX), T("next") },
	    0 },
	{ "exactly BS_LINE_MAX before CR LF", b_exact_max_crlf, 2,
	    { FILL('w', BS_LINE_MAX), T("next") }, 0 }
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

/* Whether a line handed out is the expected one; a message if not. */
static bool
line_matches(const struct bs_line *l, const struct want_line *w,
    char *why, size_t whysz)
{
	size_t i, tl;

	if (l->len != w->len) {
		snprintf(why, whysz, "length %zu, expected %zu", l->len,
		    w->len);
		return false;
	}
	if (l->cut != w->cut) {
		snprintf(why, whysz, "cut flag %d, expected %d", l->cut,
		    w->cut);
		return false;
	}
	/* With a fill character, text (if any) is a prefix before it. */
	tl = w->fill == 0 ? l->len : w->text != NULL ? strlen(w->text) : 0;
	for (i = 0; i < l->len; i++) {
		char c = i < tl ? w->text[i] : w->fill;

		if (l->ptr[i] != c) {
			snprintf(why, whysz, "byte %zu is 0x%02x, expected "
			    "0x%02x", i, (unsigned char)l->ptr[i],
			    (unsigned char)c);
			return false;
		}
	}
	return true;
}

/* One row of the table, plain (level -1) or gzip. */
static void
run_lines_case(const struct lines_case *c, int level)
{
	struct bytes data = { 0 }, file = { 0 };
	struct bs_source *in;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;
	char why[128];
	size_t k;
	int r;

	c->build(&data);
	encode(&file, &data, level);
	open_lines(&file, &in, &ls);
	for (k = 0; k < c->nlines; k++) {
		r = next_line(ls, &l, &d);
		ck_assert_msg(r == 1, "%s (%s): line %zu: returned %d (%s)",
		    c->name, level < 0 ? "plain" : "gzip", k + 1, r, d.msg);
		ck_assert_msg(line_matches(&l, &c->want[k], why, sizeof(why)),
		    "%s (%s): line %zu: %s", c->name,
		    level < 0 ? "plain" : "gzip", k + 1, why);
		ck_assert_uint_eq(l.lineno, k + 1);
	}
	r = next_line(ls, &l, &d);
	ck_assert_msg(r == 0, "%s (%s): %d instead of the end after %zu "
	    "lines", c->name, level < 0 ? "plain" : "gzip", r, c->nlines);
	ck_assert_int_eq(next_line(ls, &l, &d), 0);
	ck_assert_uint_eq(bs_lines_count(ls), c->nlines);
	ck_assert_msg(bs_lines_cut(ls) == c->ncut, "%s (%s): %llu cut, "
	    "expected %llu", c->name, level < 0 ? "plain" : "gzip",
	    (unsigned long long)bs_lines_cut(ls),
	    (unsigned long long)c->ncut);
	close_lines(in, ls);
	bytes_free(&data);
	bytes_free(&file);
}

/* Row _i % NCASES, plain for the first round and gzip for the second. */
START_TEST(test_lines_table)
{
	run_lines_case(&cases[_i % NCASES], _i < (int)NCASES ? -1 : 6);
}
END_TEST

/* --- faults -------------------------------------------------------------- */

/*
 * A stored gzip member cut in the middle of a line: the whole lines
 * before the cut come out, then -1 with the fault, and the partial line
 * is dropped rather than handed out as if it were whole.
 */
static void
truncated_gzip(void)
{
	static const char text[] = "line one\nline two\npartial line\n";
	struct bytes data = { 0 }, file = { 0 };
	struct bs_source *in;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;

	bytes_add(&data, text, sizeof(text) - 1);
	encode(&file, &data, 0);
	file.n = 10 + 5 + 18 + 4;	/* "line one\nline two\npart" */
	open_lines(&file, &in, &ls);
	bs_diag_clear(&d);
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_uint_eq(l.len, 8);
	ck_assert_int_eq(memcmp(l.ptr, "line one", 8), 0);
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_uint_eq(l.len, 8);
	ck_assert_int_eq(memcmp(l.ptr, "line two", 8), 0);
	ck_assert_uint_eq(l.lineno, 2);
	ck_assert_int_eq(next_line(ls, &l, &d), -1);
	ck_assert_msg(strstr(d.msg, "unexpected end") != NULL,
	    "message \"%s\"", d.msg);
	ck_assert_int_eq(next_line(ls, &l, &d), 0);
	ck_assert_uint_eq(bs_lines_count(ls), 2);
	close_lines(in, ls);
	bytes_free(&data);
	bytes_free(&file);
}

START_TEST(test_truncated_gzip)
{
	truncated_gzip();
}
END_TEST

/* Cut right after a newline, before the trailer: every line is whole. */
static void
truncated_after_newline(void)
{
	static const char text[] = "alpha\nbeta\n";
	struct bytes data = { 0 }, file = { 0 };
	struct bs_source *in;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;

	bytes_add(&data, text, sizeof(text) - 1);
	encode(&file, &data, 6);
	file.n -= 8;
	open_lines(&file, &in, &ls);
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_uint_eq(l.len, 4);
	ck_assert_int_eq(memcmp(l.ptr, "beta", 4), 0);
	ck_assert_int_eq(next_line(ls, &l, &d), -1);
	ck_assert_msg(strstr(d.msg, "unexpected end") != NULL,
	    "message \"%s\"", d.msg);
	ck_assert_uint_eq(bs_lines_count(ls), 2);
	close_lines(in, ls);
	bytes_free(&data);
	bytes_free(&file);
}

START_TEST(test_truncated_after_newline)
{
	truncated_after_newline();
}
END_TEST

/* --- volume -------------------------------------------------------------- */

#define MANY_LINES	200000

/*
 * Line i of the volume test: its number, then filler whose length varies
 * from 0 to a few thousand bytes; every seventh line ends in CR LF (the CR
 * is not part of the line), and a few lines are longer than BS_LINE_MAX.
 */
static size_t
many_line(unsigned i, char *buf, size_t bufsz, bool *crlf)
{
	uint32_t h = i * 2654435761u;
	size_t len, k;
	int n;

	if (i % 40000 == 39999)
		len = BS_LINE_MAX + 1 + h % 1000;
	else if (h % 97 == 0)
		len = 1000 + h % 4000;
	else
		len = h % 160;
	QUIET_CHECK(len < bufsz, "line %u: %zu bytes", i, len);
	n = snprintf(buf, bufsz, "%u:", i);
	if ((size_t)n > len)
		len = (size_t)n;
	for (k = (size_t)n; k < len; k++)
		buf[k] = (char)('a' + (i + k) % 26);
	*crlf = i % 7 == 3;
	return len;
}

/*
 * 200000 lines of varying length, plain and gzip: every line comes out
 * with its exact content, length, number and cut flag across all the
 * read-chunk boundaries.
 */
static void
many_lines(int _i)
{
	int level = _i == 0 ? -1 : 1;
	struct bytes data = { 0 }, file = { 0 };
	struct bs_source *in;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;
	char *buf = malloc(2 * BS_LINE_MAX);
	uint64_t ncut = 0;
	unsigned i;
	bool crlf;
	size_t len;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < MANY_LINES; i++) {
		len = many_line(i, buf, 2 * BS_LINE_MAX, &crlf);
		bytes_add(&data, buf, len);
		bytes_add(&data, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
	}
	ck_assert_uint_gt(data.n, 4 * (size_t)BS_READ_CHUNK);
	encode(&file, &data, level);
	open_lines(&file, &in, &ls);
	for (i = 0; i < MANY_LINES; i++) {
		int r = next_line(ls, &l, &d);
		size_t want_len;

		len = many_line(i, buf, 2 * BS_LINE_MAX, &crlf);
		want_len = len > BS_LINE_MAX ? BS_LINE_MAX : len;
		QUIET_CHECK(r == 1, "line %u: returned %d", i + 1, r);
		QUIET_CHECK(l.len == want_len, "line %u: length %zu, "
		    "expected %zu", i + 1, l.len, want_len);
		QUIET_CHECK(memcmp(l.ptr, buf, want_len) == 0,
		    "line %u: content differs", i + 1);
		QUIET_CHECK(l.cut == (len > BS_LINE_MAX), "line %u: cut "
		    "flag %d", i + 1, l.cut);
		QUIET_CHECK(l.lineno == i + 1, "line %u: numbered %llu",
		    i + 1, (unsigned long long)l.lineno);
		ncut += l.cut;
	}
	ck_assert_int_eq(next_line(ls, &l, &d), 0);
	ck_assert_uint_eq(bs_lines_count(ls), MANY_LINES);
	ck_assert_uint_eq(bs_lines_cut(ls), ncut);
	ck_assert_uint_eq(ncut, MANY_LINES / 40000);
	close_lines(in, ls);
	bytes_free(&data);
	bytes_free(&file);
	free(buf);
}

START_TEST(test_many_lines)
{
	many_lines(_i);
}
END_TEST

/* --- needles ------------------------------------------------------------- */

static const char *const needles[] = { "status=", "reject:", NULL };

/* A line handed out through the needles, with its line number. */
struct want_hit {
	uint64_t lineno;
	struct want_line line;
};

struct needle_case {
	const char *name;
	void (*build)(struct bytes *);
	size_t nhits;
	struct want_hit want[MAXLINES];
	uint64_t count;		/* every line, handed out or skipped */
	uint64_t ncut;
};

LITERAL(n_filter, "a\nstatus=x\nb\nreject: y\nc\n")
LITERAL(n_first_last, "status=1\nx\nstatus=2")
LITERAL(n_no_hit, "a\nb\nstatus\nreject\n")
LITERAL(n_no_hit_unfinished, "a\nstatu")
LITERAL(n_two_in_one, "x status= reject: y\nz\n")
LITERAL(n_crlf, "\r\nstatus=a\r\n\r\n")
LITERAL(n_split_by_newline, "statu\ns=\nreject\n:\n")
LITERAL(n_empty, "")

static void
n_long_without(struct bytes *b)
{
	bytes_fill(b, 'x', BS_LINE_MAX + 10);
	bytes_add(b, "\nstatus=ok\n", 11);
}

static void
n_long_with(struct bytes *b)
{
	bytes_add(b, "status=", 7);
	bytes_fill(b, 'x', BS_LINE_MAX + 10);
	bytes_add(b, "\nnext\n", 6);
}

static void
n_huge_without(struct bytes *b)
{
	bytes_fill(b, 'h', BS_LINE_MAX + 2 * BS_READ_CHUNK);
	bytes_add(b, "\nreject: r\n", 11);
}

/* Skipped at the end of the input: still counted as cut. */
static void
n_unfinished_long_without(struct bytes *b)
{
	bytes_add(b, "status=x\n", 9);
	bytes_fill(b, 'z', BS_LINE_MAX + 1);
}

static void
n_exact_max_without(struct bytes *b)
{
	bytes_fill(b, 'e', BS_LINE_MAX);
	bytes_add(b, "\r\nstatus=\n", 10);
}

/* Issue 19: a NUL run in front of the line with the needle. */
static void
n_nul_run(struct bytes *b)
{
	bytes_add(b, "a\n", 2);
	bytes_fill(b, '\0', 3000);
	bytes_add(b, "x status=1\n", 11);
}

/* Longer than the buffer; the line without a needle is counted, not cut. */
static void
n_nul_run_huge(struct bytes *b)
{
	bytes_fill(b, '\0', BS_LINE_MAX + 2 * BS_READ_CHUNK + 17);
	bytes_add(b, "noise\n", 6);
	bytes_fill(b, '\0', BS_LINE_MAX);
	bytes_add(b, "status=2\n", 9);
}

LITERAL(n_bom, "\xef\xbb\xbfstatus=1\nb\n")

#define H(n, s)		{ n, T(s) }

static const struct needle_case ncases[] = {
	{ "only lines with a needle", n_filter, 2,
	    { H(2, "status=x"), H(4, "reject: y") }, 5, 0 },
	{ "first and unfinished last line", n_first_last, 2,
	    { H(1, "status=1"), H(3, "status=2") }, 3, 0 },
	{ "no hit", n_no_hit, 0, { H(0, "") }, 4, 0 },
	{ "no hit, last line unfinished", n_no_hit_unfinished, 0,
	    { H(0, "") }, 2, 0 },
	{ "two needles in one line", n_two_in_one, 1,
	    { H(1, "x status= reject: y") }, 2, 0 },
	{ "CRLF and empty lines", n_crlf, 1, { H(2, "status=a") }, 3, 0 },
	{ "a needle split by a newline is none", n_split_by_newline, 0,
	    { H(0, "") }, 4, 0 },
	{ "empty input", n_empty, 0, { H(0, "") }, 0, 0 },
	{ "skipped overlong line", n_long_without, 1,
	    { H(2, "status=ok") }, 2, 1 },
	{ "overlong line with a needle", n_long_with, 1,
	    { { 1, CUTP("status=", 'x') } }, 2, 1 },
	{ "skipped line longer than the buffer", n_huge_without, 1,
	    { H(2, "reject: r") }, 2, 1 },
	{ "skipped line of exactly BS_LINE_MAX", n_exact_max_without, 1,
	    { H(2, "status=") }, 2, 0 },
	{ "skipped overlong last line without newline",
	    n_unfinished_long_without, 1, { H(1, "status=x") }, 2, 1 },
	{ "a NUL run before the line", n_nul_run, 1,
	    { H(2, "x status=1") }, 2, 0 },
	{ "NUL runs longer than the buffer", n_nul_run_huge, 1,
	    { H(2, "status=2") }, 2, 0 },
	{ "a byte-order mark", n_bom, 1, { H(1, "status=1") }, 2, 0 }
};

#define NNCASES	(sizeof(ncases) / sizeof(ncases[0]))

/* One row of the needles table, plain (level -1) or gzip. */
static void
run_needles_case(const struct needle_case *c, int level)
{
	const char *how = level < 0 ? "plain" : "gzip";
	struct bytes data = { 0 }, file = { 0 };
	struct bs_source *in;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;
	char why[128];
	size_t k;
	int r;

	c->build(&data);
	encode(&file, &data, level);
	open_lines(&file, &in, &ls);
	bs_lines_set_needles(ls, needles);
	for (k = 0; k < c->nhits; k++) {
		r = next_line(ls, &l, &d);
		ck_assert_msg(r == 1, "%s (%s): hit %zu: returned %d",
		    c->name, how, k + 1, r);
		ck_assert_msg(l.lineno == c->want[k].lineno, "%s (%s): hit "
		    "%zu is line %llu, expected %llu", c->name, how, k + 1,
		    (unsigned long long)l.lineno,
		    (unsigned long long)c->want[k].lineno);
		ck_assert_msg(line_matches(&l, &c->want[k].line, why,
		    sizeof(why)), "%s (%s): hit %zu: %s", c->name, how, k + 1,
		    why);
		/* Where the splitter says the needle is, it is. */
		ck_assert_msg(l.needle == 0 || memcmp(l.ptr + l.needle - 1,
		    "status=", 7) == 0 || memcmp(l.ptr + l.needle - 1,
		    "reject:", 7) == 0, "%s (%s): hit %zu: no needle at %zu",
		    c->name, how, k + 1, l.needle);
	}
	r = next_line(ls, &l, &d);
	ck_assert_msg(r == 0, "%s (%s): %d instead of the end", c->name, how,
	    r);
	ck_assert_msg(bs_lines_count(ls) == c->count, "%s (%s): %llu lines "
	    "counted, expected %llu", c->name, how,
	    (unsigned long long)bs_lines_count(ls),
	    (unsigned long long)c->count);
	ck_assert_msg(bs_lines_cut(ls) == c->ncut, "%s (%s): %llu cut, "
	    "expected %llu", c->name, how,
	    (unsigned long long)bs_lines_cut(ls),
	    (unsigned long long)c->ncut);
	close_lines(in, ls);
	bytes_free(&data);
	bytes_free(&file);
}

/* Row _i % NNCASES, plain then gzip. */
START_TEST(test_needles_table)
{
	run_needles_case(&ncases[_i % NNCASES], _i < (int)NNCASES ? -1 : 6);
}
END_TEST

/*
 * Needles set after some lines were read (as run.c does once the format
 * is known), and taken away again: line numbers and counts stay right.
 */
START_TEST(test_needles_midway)
{
	static const char text[] = "a\nb\nstatus=1\nc\nreject:2\nd\ne\n";
	struct bytes file = { 0 };
	struct bs_source *in;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;

	bytes_add(&file, text, sizeof(text) - 1);
	open_lines(&file, &in, &ls);
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_uint_eq(l.lineno, 2);
	bs_lines_set_needles(ls, needles);
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_uint_eq(l.lineno, 3);
	ck_assert_uint_eq(l.len, 8);
	ck_assert_int_eq(memcmp(l.ptr, "status=1", 8), 0);
	ck_assert_uint_eq(l.needle, 1);
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_uint_eq(l.lineno, 5);
	ck_assert_int_eq(memcmp(l.ptr, "reject:2", 8), 0);
	ck_assert_uint_eq(l.needle, 1);
	bs_lines_set_needles(ls, NULL);
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_uint_eq(l.lineno, 6);
	ck_assert_uint_eq(l.needle, 0);
	ck_assert_uint_eq(l.len, 1);
	ck_assert_int_eq(l.ptr[0], 'd');
	ck_assert_int_eq(next_line(ls, &l, &d), 1);
	ck_assert_uint_eq(l.lineno, 7);
	ck_assert_int_eq(next_line(ls, &l, &d), 0);
	ck_assert_uint_eq(bs_lines_count(ls), 7);
	close_lines(in, ls);
	bytes_free(&file);
}
END_TEST

/*
 * The reference: split data into lines independently of lines.c, and
 * expect exactly the lines holding a needle, with their numbers.  An
 * overlong line may hold a needle only near its start, where it is sure
 * to be seen.
 */
static void
check_needles_against_reference(const struct bytes *data, int level,
    const char *what)
{
	struct bytes file = { 0 };
	struct bs_source *in;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;
	const char *p = data->p, *end = data->p + data->n;
	uint64_t lineno = 0, ncut = 0, hits = 0;
	int r;

	encode(&file, data, level);
	open_lines(&file, &in, &ls);
	bs_lines_set_needles(ls, needles);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		size_t full = len, k, want_len, first = SIZE_MAX, maxlen = 0;
		bool hit = false;

		lineno++;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		for (k = 0; needles[k] != NULL; k++) {
			const char *h = memmem(p, len, needles[k],
			    strlen(needles[k]));

			if (h != NULL) {
				QUIET_CHECK(len <= BS_LINE_MAX ||
				    (size_t)(h - p) < 100, "%s: line %llu: "
				    "a needle deep in an overlong line", what,
				    (unsigned long long)lineno);
				hit = true;
				if ((size_t)(h - p) < first)
					first = (size_t)(h - p);
			}
			if (strlen(needles[k]) > maxlen)
				maxlen = strlen(needles[k]);
		}
		ncut += len > BS_LINE_MAX;
		want_len = len > BS_LINE_MAX ? BS_LINE_MAX : len;
		if (hit) {
			hits++;
			r = next_line(ls, &l, &d);
			QUIET_CHECK(r == 1, "%s: line %llu: returned %d", what,
			    (unsigned long long)lineno, r);
			QUIET_CHECK(l.lineno == lineno, "%s: line %llu handed "
			    "out as line %llu", what,
			    (unsigned long long)lineno,
			    (unsigned long long)l.lineno);
			QUIET_CHECK(l.len == want_len &&
			    memcmp(l.ptr, p, want_len) == 0 &&
			    l.cut == (len > BS_LINE_MAX), "%s: line %llu: "
			    "%zu bytes, cut %d, expected %zu bytes, cut %d",
			    what, (unsigned long long)lineno, l.len, l.cut,
			    want_len, len > BS_LINE_MAX);
			/* Where the first needle is, when all needles fit. */
			QUIET_CHECK(l.needle == (first + maxlen <= want_len ?
			    first + 1 : 0), "%s: line %llu: needle at %zu, "
			    "expected %zu", what, (unsigned long long)lineno,
			    l.needle, first + maxlen <= want_len ? first + 1 :
			    0);
		}
		p += full + (nl != NULL);
	}
	ck_assert_msg(next_line(ls, &l, &d) == 0, "%s: lines after the "
	    "last hit", what);
	ck_assert_uint_eq(bs_lines_count(ls), lineno);
	ck_assert_uint_eq(bs_lines_cut(ls), ncut);
	ck_assert_uint_gt(hits, 0);
	close_lines(in, ls);
	bytes_free(&file);
}

/*
 * A needle that straddles the end of the data read so far: placed so
 * that it starts a few bytes before (or at) places where a read ends.
 */
static void
straddle_at(struct bytes *b, size_t at)
{
	while (b->n + 200 < at)
		bytes_add(b, "filler line without anything of interest\n",
		    41);
	bytes_fill(b, 'y', at - b->n);
	bytes_add(b, "status= x\nplain\nreject: z\n", 26);
}

static void
needles_straddle(int _i)
{
	static const size_t offsets[] = {
		BS_READ_CHUNK - 3, BS_READ_CHUNK - 6, BS_READ_CHUNK,
		BS_LINE_MAX + BS_READ_CHUNK - 4,
		2 * BS_READ_CHUNK - 1, 3 * BS_READ_CHUNK - 5
	};
	size_t k;
	char what[64];

	for (k = 0; k < sizeof(offsets) / sizeof(offsets[0]); k++) {
		struct bytes data = { 0 };

		straddle_at(&data, offsets[k]);
		bytes_add(&data, "end\n", 4);
		snprintf(what, sizeof(what), "needle at %zu, %s", offsets[k],
		    _i == 0 ? "plain" : "gzip");
		check_needles_against_reference(&data, _i == 0 ? -1 : 1, what);
		bytes_free(&data);
	}
}

START_TEST(test_needles_straddle)
{
	needles_straddle(_i);
}
END_TEST

/*
 * 200000 lines, about one in eight holding a needle anywhere in it (and
 * near-misses: "status", "reject" without the colon), plain and gzip.
 */
static void
needles_many_lines(int _i)
{
	static const char *const bits[] = {
		"status=", "reject:", "status", "reject", "statu", "s=", ":"
	};
	struct bytes data = { 0 };
	uint32_t h = 7;
	unsigned i;
	char line[6000];

	for (i = 0; i < MANY_LINES; i++) {
		size_t len, at, k;
		int n;

		h = h * 1664525u + 1013904223u;
		if (i % 40000 == 39999) {
			/* Overlong: cut, and handed out with a needle. */
			if (h % 2)
				bytes_add(&data, "status= ", 8);
			bytes_fill(&data, 'L', BS_LINE_MAX + 1 + h % 5000);
			bytes_add(&data, "\n", 1);
			continue;
		}
		len = (h >> 8) % 200;
		if ((h >> 16) % 97 == 0)
			len = 1000 + (h >> 4) % 4000;
		n = snprintf(line, sizeof(line), "%u ", i);
		for (k = (size_t)n; k < len; k++)
			line[k] = (char)('a' + (i + k) % 26);
		if ((size_t)n > len)
			len = (size_t)n;
		bytes_add(&data, line, len);
		if ((h >> 20) % 4 == 0) {
			const char *bit = bits[(h >> 12) % 7];

			at = data.n - (len > 0 ? (h >> 3) % (len + 1) : 0);
			/* Insert the bit at a random place in the line. */
			bytes_add(&data, bit, strlen(bit));
			memmove(data.p + at + strlen(bit), data.p + at,
			    data.n - strlen(bit) - at);
			memcpy(data.p + at, bit, strlen(bit));
		}
		bytes_add(&data, i % 5 == 0 ? "\r\n" : "\n", i % 5 ? 1 : 2);
	}
	check_needles_against_reference(&data, _i == 0 ? -1 : 1,
	    _i == 0 ? "plain" : "gzip");
	bytes_free(&data);
}

START_TEST(test_needles_many_lines)
{
	needles_many_lines(_i);
}
END_TEST

START_TEST(test_free_null)
{
	bs_lines_free(NULL);
}
END_TEST

/* --- lent blocks ---------------------------------------------------------- */

/*
 * Read-ahead slot sizes for the lend tests: one byte and a few, around a
 * longest line, and larger than a read chunk.  Every line boundary and
 * cut falls on a slot boundary somewhere.  Each slot is one hand-over
 * between two threads, so the tiny ones only read small files.
 */
static const size_t lend_slots[] = {
	1, 7, 4093, BS_LINE_MAX + 1, 3 * BS_READ_CHUNK + 5
};

#define NLEND		(sizeof(lend_slots) / sizeof(lend_slots[0]))
#define TINY_SLOT	64		/* slots below this: small files only */
#define TINY_FILE	4096

/*
 * Whether a table row is small enough for the slot (or followed read)
 * size of the test.
 */
static bool
lend_fits(void (*build)(struct bytes *))
{
	struct bytes b = { 0 };
	bool fits;

	build(&b);
	fits = lend_slot >= TINY_SLOT || b.n <= TINY_FILE;
	bytes_free(&b);
	return fits;
}

static void
lend_in_slots(size_t slot)
{
	open_mode = OPEN_LEND;
	lend_slot = slot;
}

/* Both tables, plain and gzip, read from lent blocks of slot size _i. */
START_TEST(test_lend_tables)
{
	size_t k;

	lend_in_slots(lend_slots[_i]);
	for (k = 0; k < 2 * NCASES; k++)
		if (lend_fits(cases[k % NCASES].build))
			run_lines_case(&cases[k % NCASES], k < NCASES ? -1 : 6);
	for (k = 0; k < 2 * NNCASES; k++)
		if (lend_fits(ncases[k % NNCASES].build))
			run_needles_case(&ncases[k % NNCASES],
			    k < NNCASES ? -1 : 6);
}
END_TEST

/* The faults, from lent blocks: no partial line, then the error. */
START_TEST(test_lend_faults)
{
	lend_in_slots(lend_slots[_i]);
	truncated_gzip();
	truncated_after_newline();
	open_mode = OPEN_AS_RUN;
}
END_TEST

/* The volume tests from lent blocks of the sizes that are not tiny. */
START_TEST(test_lend_volume)
{
	lend_in_slots(lend_slots[2 + _i / 2]);
	many_lines(_i % 2);
	needles_many_lines(_i % 2);
	needles_straddle(_i % 2);
	open_mode = OPEN_AS_RUN;
}
END_TEST

/* --- a followed file ------------------------------------------------------ */

/*
 * Sizes of the followed file's reads: as the splitter asks, one byte and
 * a few (each read is followed by a stall, so every line end, CR and cut
 * falls between two calls somewhere), and around a page.
 */
static const size_t follow_chops[] = { 0, 1, 7, 4093 };

#define NFOLLOW		(sizeof(follow_chops) / sizeof(follow_chops[0]))

/*
 * The table, plain, from a followed file: the same lines, cuts and counts
 * as in a batch run (the rows hold what a batch run must give).  The row
 * "exactly BS_LINE_MAX before CR LF" is issue 18's case: 65,536 bytes and
 * CR LF were cut under --follow, whose splitter was follow.c's own.
 */
START_TEST(test_follow_table)
{
	size_t k;

	open_mode = OPEN_FOLLOW;
	follow_chop = follow_chops[_i];
	lend_slot = follow_chop == 0 ? SIZE_MAX : follow_chop;
	for (k = 0; k < NCASES; k++)
		if (lend_fits(cases[k].build))
			run_lines_case(&cases[k], -1);
	open_mode = OPEN_AS_RUN;
}
END_TEST

/* 200000 lines from a followed file, in reads of every size above. */
START_TEST(test_follow_volume)
{
	open_mode = OPEN_FOLLOW;
	follow_chop = follow_chops[_i == 0 ? 0 : NFOLLOW - 1];
	many_lines(0);
	open_mode = OPEN_AS_RUN;
}
END_TEST

/*
 * Issue 19: a followed log after a copytruncate whose writer goes on at
 * its old offset.  The file is now NUL bytes (a hole) up to that offset
 * and the new line; the followed source starts over at its start, and the
 * splitter hands out the new line, not NULs and the line as one.
 */
START_TEST(test_follow_copytruncate_nul)
{
	char path[128];
	struct bs_source *src;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;
	int fd, w, r, tries;

	snprintf(path, sizeof(path), "%s/followed", tmpdir);
	w = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(write(w, "line1\nline2\n", 12), 12);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bs_source_follow(fd, path, false, false, &src, &d),
	    BS_OK);
	ls = bs_lines_new(src);
	ck_assert_ptr_nonnull(ls);
	ck_assert_int_eq(bs_lines_next(ls, &l, &d), 1);
	ck_assert(l.len == 5 && memcmp(l.ptr, "line1", 5) == 0);
	ck_assert_int_eq(bs_lines_next(ls, &l, &d), 1);
	ck_assert(l.len == 5 && memcmp(l.ptr, "line2", 5) == 0);
	ck_assert_int_eq(bs_lines_next(ls, &l, &d), BS_LINES_AGAIN);
	/* The copy is made; the log is cut; the writer writes at 12. */
	ck_assert_int_eq(ftruncate(w, 0), 0);
	ck_assert_int_eq(pwrite(w, "line3\n", 6, 12), 6);
	close(w);
	for (tries = 0; (r = bs_lines_next(ls, &l, &d)) == BS_LINES_AGAIN &&
	    tries < 10; tries++)
		;
	ck_assert_int_eq(r, 1);
	ck_assert_msg(l.len == 5 && memcmp(l.ptr, "line3", 5) == 0,
	    "the line after the hole is %zu bytes", l.len);
	ck_assert_int_eq(bs_lines_next(ls, &l, &d), BS_LINES_AGAIN);
	bs_lines_free(ls);
	bs_source_close(src);
}
END_TEST

Suite *
lines_suite(void)
{
	Suite *s = suite_create("lines");
	TCase *tc = tcase_create("split");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_lines_table, 0, 2 * NCASES);
	tcase_add_test(tc, test_truncated_gzip);
	tcase_add_test(tc, test_truncated_after_newline);
	tcase_add_loop_test(tc, test_many_lines, 0, 2);
	tcase_add_test(tc, test_free_null);
	suite_add_tcase(s, tc);
	tc = tcase_create("needles");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_needles_table, 0, 2 * NNCASES);
	tcase_add_test(tc, test_needles_midway);
	tcase_add_loop_test(tc, test_needles_straddle, 0, 2);
	tcase_add_loop_test(tc, test_needles_many_lines, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("lend");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_lend_tables, 0, NLEND);
	tcase_add_loop_test(tc, test_lend_faults, 0, NLEND);
	tcase_add_loop_test(tc, test_lend_volume, 0, 2 * (NLEND - 2));
	suite_add_tcase(s, tc);
	tc = tcase_create("follow");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_follow_table, 0, NFOLLOW);
	tcase_add_loop_test(tc, test_follow_volume, 0, 2);
	tcase_add_test(tc, test_follow_copytruncate_nul);
	suite_add_tcase(s, tc);
	return s;
}
