/*
 * check_decoders.c - inputs that are not plain text (issue 19): xz, zstd,
 * bzip2 and lz4 data (src/source_decoder.c and one file per decoder),
 * UTF-16 text (src/source_utf16.c), and what bs_source_open makes of the
 * first bytes (src/source.c).
 *
 * The compressed fixtures are committed in testdata/compressed/, made
 * from testdata/postfix/sample.log (39 lines) with the xz, zstd, bzip2
 * and lz4 tools: one stream (sample), two (twice: with xz's stream
 * padding, or a skippable frame between zstd's and lz4's frames), two
 * whose second is cut in half (truncated), has a flipped byte (corrupt)
 * or is followed by "garbage\n" (garbage).  The expected line counts
 * before a fault are what the libraries give (a decoder hands out what
 * it decoded before it noticed).  A build without a library must refuse
 * that kind with its message instead.  UTF-16 cases are built here.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "decoder.h"
#include "lines.h"
#include "source.h"
#include "suites.h"
#include "testutil.h"

#define FIXTURES	"../testdata/compressed/"
#define SAMPLE		"../testdata/postfix/sample.log"

static char tmpdir[64];

static void
setup(void)
{
	bs_test_mkdtemp(tmpdir, "decoders");
}

static void
teardown(void)
{
	bs_test_rmtree(tmpdir);
}

/* --- compressed fixtures --------------------------------------------------- */

struct compressed_case {
	const char *file;	/* in testdata/compressed/, without .EXT */
	unsigned copies;	/* of sample.log, all handed out (0: a fault) */
	/* With a fault: lines before it per extension, and the message. */
	unsigned lines[4];
	const char *msg[4];
};

/* The extensions, in the order of the rows' lines and msg. */
static const struct {
	const char *ext, *name, *package;
	bool (*has)(void);
} exts[] = {
	{ "xz", "xz", "liblzma-dev", bs_source_has_xz },
	{ "zst", "zstd", "libzstd-dev", bs_source_has_zstd },
	{ "bz2", "bzip2", "libbz2-dev", bs_source_has_bzip2 },
	{ "lz4", "lz4", "liblz4-dev", bs_source_has_lz4 },
};

#define NEXTS	(sizeof(exts) / sizeof(exts[0]))

#define CUT_MSG	"unexpected end of compressed data (the file is truncated)"
#define GARBAGE	"trailing garbage behind the compressed data"

static const struct compressed_case ccases[] = {
	{ "sample", 1, { 0 }, { NULL } },
	{ "twice", 2, { 0 }, { NULL } },
	{ "truncated", 0, { 57, 39, 39, 39 },
	    { CUT_MSG, CUT_MSG, CUT_MSG, CUT_MSG } },
	{ "garbage", 0, { 39, 39, 39, 39 },
	    { GARBAGE, GARBAGE, GARBAGE, GARBAGE } },
	{ "corrupt", 0, { 57, 39, 103, 39 },
	    { "corrupt compressed data (invalid data or a failed integrity "
	    "check)", "corrupt compressed data (Data corruption detected)",
	    "corrupt compressed data (data integrity (CRC) error in data)",
	    "corrupt compressed data (invalid block data)" } },
};

#define NCCASES	(sizeof(ccases) / sizeof(ccases[0]))

/* Read all of in in reads of chunk bytes; returns the last result. */
static ssize_t
read_all(struct bs_source *in, size_t chunk, char **out, size_t *n,
    struct bs_diag *d)
{
	char *buf = malloc(chunk);
	size_t cap = 0;
	ssize_t r;

	ck_assert_ptr_nonnull(buf);
	*out = NULL;
	*n = 0;
	while ((r = bs_source_read(in, buf, chunk, d)) > 0) {
		if (*n + (size_t)r > cap) {
			cap = 2 * (*n + (size_t)r);
			*out = realloc(*out, cap);
			ck_assert_ptr_nonnull(*out);
		}
		memcpy(*out + *n, buf, (size_t)r);
		*n += (size_t)r;
	}
	free(buf);
	return r;
}

/*
 * Row _i / NEXTS, extension _i % NEXTS: the bytes (read in several sizes,
 * with and without read-ahead) and the lines (bs_lines) as a run reads
 * them, and the end: the data's or the fault's message.
 */
START_TEST(test_compressed_fixtures)
{
	const struct compressed_case *c = &ccases[_i / NEXTS];
	size_t e = (size_t)_i % NEXTS, slen, i;
	static const size_t chunks[] = { 1, 7, 4096, 1 << 20 };
	char path[256], *sample = bs_test_slurp(SAMPLE, &slen);
	struct bs_source *in;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;
	int r;

	ck_assert_ptr_nonnull(sample);
	snprintf(path, sizeof(path), FIXTURES "%s.log.%s", c->file,
	    exts[e].ext);
	bs_diag_clear(&d);
	if (!exts[e].has()) {
		char want[200];

		ck_assert_int_eq(bs_source_open(path, 0, &in, &d),
		    BS_ERR_FORMAT);
		snprintf(want, sizeof(want), "%s-compressed, and this build "
		    "cannot read %s (build with %s)", exts[e].name,
		    exts[e].name, exts[e].package);
		ck_assert_str_eq(d.msg, want);
		ck_assert_str_eq(d.file, path);
		free(sample);
		return;
	}
	for (i = 0; i < 2 * sizeof(chunks) / sizeof(chunks[0]); i++) {
		size_t chunk = chunks[i / 2], n, k;
		char *got;
		ssize_t end;

		ck_assert_int_eq(bs_source_open(path, i % 2 ? BS_SOURCE_SYNC :
		    0, &in, &d), BS_OK);
		ck_assert(bs_source_is_decoded(in));
		ck_assert(!bs_source_is_gzip(in));
		end = read_all(in, chunk, &got, &n, &d);
		bs_source_close(in);
		if (c->copies > 0) {
			ck_assert_msg(end == 0, "%s: ended %zd (%s)", path, end,
			    d.msg);
			ck_assert_uint_eq(n, c->copies * slen);
			for (k = 0; k < c->copies; k++)
				ck_assert(memcmp(got + k * slen, sample,
				    slen) == 0);
		} else {
			ck_assert_msg(end == -1, "%s: ended %zd", path, end);
			ck_assert_str_eq(d.msg, c->msg[e]);
			/* The first copy is whole, whatever follows. */
			ck_assert_uint_ge(n, slen);
			ck_assert(memcmp(got, sample, slen) == 0);
		}
		free(got);
	}
	/* The lines, as a run counts them. */
	ck_assert_int_eq(bs_source_open(path, 0, &in, &d), BS_OK);
	ls = bs_lines_new(in);
	ck_assert_ptr_nonnull(ls);
	while ((r = bs_lines_next(ls, &l, &d)) == 1)
		;
	ck_assert_int_eq(r, c->copies > 0 ? 0 : -1);
	ck_assert_uint_eq(bs_lines_count(ls), c->copies > 0 ?
	    39 * c->copies : c->lines[e]);
	bs_lines_free(ls);
	bs_source_close(in);
	free(sample);
}
END_TEST

/* The message for a decoder a build lacks, whatever this build has. */
START_TEST(test_missing_decoder_message)
{
	struct bs_source *in;
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_int_eq(bs_source_file(FIXTURES "sample.log.xz", &in, &d),
	    BS_OK);
	ck_assert_int_eq(bs_source_decoder_missing(in, "xz", "liblzma-dev",
	    &d), BS_ERR_FORMAT);
	ck_assert_str_eq(d.msg, "xz-compressed, and this build cannot read "
	    "xz (build with liblzma-dev)");
	ck_assert_str_eq(d.file, FIXTURES "sample.log.xz");
}
END_TEST

/* What the first bytes say; too few bytes are plain. */
START_TEST(test_data_kinds)
{
	static const struct {
		const char *p;
		size_t n;
		enum bs_data want;
	} rows[] = {
		{ "\x1f\x8b", 2, BS_DATA_GZIP },
		{ "\x1f", 1, BS_DATA_PLAIN },
		{ "\xfd" "7zXZ\0", 6, BS_DATA_XZ },
		{ "\xfd" "7zXZ", 5, BS_DATA_PLAIN },
		{ "\x28\xb5\x2f\xfd", 4, BS_DATA_ZSTD },
		{ "BZh9", 4, BS_DATA_BZIP2 },
		{ "BZh0", 4, BS_DATA_PLAIN },
		{ "\x04\x22\x4d\x18", 4, BS_DATA_LZ4 },
		{ "\xff\xfe", 2, BS_DATA_UTF16LE },
		{ "\xfe\xff", 2, BS_DATA_UTF16BE },
		{ "\xff\xfe\0\0", 4, BS_DATA_UTF32 },
		{ "\0\0\xfe\xff", 4, BS_DATA_UTF32 },
		{ "N\0o\0v\0 \0", 8, BS_DATA_UTF16LE },
		{ "\0N\0o\0v\0 ", 8, BS_DATA_UTF16BE },
		{ "N\0o\0v\0", 6, BS_DATA_PLAIN },
		{ "N\0\0\0v\0 \0", 8, BS_DATA_PLAIN },
		{ "\0\0\0\0\0\0\0\0", 8, BS_DATA_PLAIN },
		{ "\xef\xbb\xbfNov 28 ", 8, BS_DATA_PLAIN },
		{ "Nov 28 0", 8, BS_DATA_PLAIN },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(bs_source_data((const unsigned char *)rows[i].p,
		    rows[i].n) == rows[i].want, "row %zu", i);
	ck_assert_str_eq(bs_source_data_name(BS_DATA_ZSTD), "zstd");
	ck_assert_ptr_null(bs_source_data_name(BS_DATA_PLAIN));
	ck_assert_ptr_nonnull(strstr(bs_source_decoders(), "UTF-16"));
}
END_TEST

/* --- UTF-16 ---------------------------------------------------------------- */

struct utf16_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *want;	/* UTF-8 */
	size_t want_len;
};

#define U(name, in, want)	{ name, in, sizeof(in) - 1, want, \
	sizeof(want) - 1 }

static const struct utf16_case ucases[] = {
	U("LE with a byte-order mark", "\xff\xfeo\0n\0e\0\r\0\n\0",
	    "one\r\n"),
	U("BE with a byte-order mark", "\xfe\xff\0o\0n\0e\0\n", "one\n"),
	U("LE without one", "a\0b\0c\0d\0\n\0", "abcd\n"),
	U("BE without one", "\0a\0b\0c\0d\0\n", "abcd\n"),
	U("two and three bytes", "\xff\xfe\xe9\0\xac\x20\n\0",
	    "\xc3\xa9\xe2\x82\xac\n"),
	U("a surrogate pair", "\xff\xfe=\xd8\0\xde\n\0",
	    "\xf0\x9f\x98\x80\n"),
	U("a high surrogate without its low half",
	    "\xff\xfe=\xd8" "A\0", "\xef\xbf\xbd" "A"),
	U("a lone low surrogate", "\xff\xfe\0\xdex\0", "\xef\xbf\xbdx"),
	U("a high surrogate at the end", "\xff\xfex\0=\xd8",
	    "x\xef\xbf\xbd"),
	U("an odd byte at the end", "\xff\xfex\0y", "x\xef\xbf\xbd"),
	U("only the byte-order mark", "\xff\xfe", ""),
	U("NUL units are NUL bytes", "\xff\xfex\0\0\0y\0", "x\0y"),
};

#define NUCASES	(sizeof(ucases) / sizeof(ucases[0]))

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	if (n > 0)
		ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* Every row, in reads of 1, 2, 3, 5 and 4096 bytes. */
START_TEST(test_utf16_table)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 4096 };
	const struct utf16_case *c = &ucases[_i];
	size_t want_len = c->want_len, i, n;
	char path[128], *got;
	struct bs_source *in;
	struct bs_diag d;

	snprintf(path, sizeof(path), "%s/utf16", tmpdir);
	write_file(path, c->in, c->in_len);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		ck_assert_int_eq(bs_source_open(path, 0, &in, &d), BS_OK);
		ck_assert(bs_source_is_decoded(in));
		ck_assert_int_eq(read_all(in, chunks[i], &got, &n, &d), 0);
		ck_assert_msg(n == want_len && (n == 0 ||
		    memcmp(got, c->want, n) == 0), "%s, reads of %zu: %zu "
		    "bytes", c->name, chunks[i], n);
		free(got);
		bs_source_close(in);
	}
}
END_TEST

/*
 * Text of every kind of character, over 1 MiB of UTF-16 (past the
 * transcoder's buffer, so that pairs and characters straddle its reads),
 * both byte orders, against its UTF-8 built here.
 */
START_TEST(test_utf16_volume)
{
	static const unsigned cps[] = { 'a', '\n', 0xe9, 0x20ac, 0x1f600,
	    'Z', 0xfeff, 0x7ff, 0x800, 0xffff, 0x10000, 0x10ffff };
	size_t ncp = sizeof(cps) / sizeof(cps[0]), i, n, k, un = 0, wn = 0;
	unsigned char *u = malloc(3 << 20), *w = malloc(3 << 20);
	uint64_t rnd = 19;
	char path[128], *got;
	struct bs_source *in;
	struct bs_diag d;
	int be;

	ck_assert(u != NULL && w != NULL);
	for (be = 0; be < 2; be++) {
		un = wn = 0;
		u[un++] = be ? 0xfe : 0xff;
		u[un++] = be ? 0xff : 0xfe;
		for (i = 0; un < (1 << 20) + 5; i++) {
			unsigned c = cps[bs_test_rand(&rnd) % ncp];
			unsigned units[2], nu = 1, j;

			if (c >= 0x10000) {
				units[0] = 0xd800 + ((c - 0x10000) >> 10);
				units[1] = 0xdc00 + ((c - 0x10000) & 0x3ff);
				nu = 2;
			} else
				units[0] = c;
			for (j = 0; j < nu; j++) {
				u[un++] = (unsigned char)(be ? units[j] >> 8 :
				    units[j] & 0xff);
				u[un++] = (unsigned char)(be ? units[j] & 0xff :
				    units[j] >> 8);
			}
			if (c < 0x80)
				w[wn++] = (unsigned char)c;
			else if (c < 0x800) {
				w[wn++] = (unsigned char)(0xc0 | c >> 6);
				w[wn++] = (unsigned char)(0x80 | (c & 0x3f));
			} else if (c < 0x10000) {
				w[wn++] = (unsigned char)(0xe0 | c >> 12);
				w[wn++] = (unsigned char)(0x80 |
				    (c >> 6 & 0x3f));
				w[wn++] = (unsigned char)(0x80 | (c & 0x3f));
			} else {
				w[wn++] = (unsigned char)(0xf0 | c >> 18);
				w[wn++] = (unsigned char)(0x80 |
				    (c >> 12 & 0x3f));
				w[wn++] = (unsigned char)(0x80 |
				    (c >> 6 & 0x3f));
				w[wn++] = (unsigned char)(0x80 | (c & 0x3f));
			}
		}
		snprintf(path, sizeof(path), "%s/volume", tmpdir);
		write_file(path, u, un);
		for (k = 0; k < 2; k++) {
			ck_assert_int_eq(bs_source_open(path, k ?
			    BS_SOURCE_SYNC : 0, &in, &d), BS_OK);
			ck_assert_int_eq(read_all(in, k ? 1000 : 1 << 20, &got,
			    &n, &d), 0);
			ck_assert_uint_eq(n, wn);
			ck_assert(memcmp(got, w, n) == 0);
			free(got);
			bs_source_close(in);
		}
	}
	free(u);
	free(w);
}
END_TEST

/*
 * The sample log as Windows writes it (UTF-16LE, a byte-order mark, CR
 * LF), gzip-compressed: decoded, transcoded, and split into its 39 lines,
 * each the same as the original's.
 */
START_TEST(test_utf16_gzip_lines)
{
	size_t slen, off = 0;
	char *sample = bs_test_slurp(SAMPLE, &slen);
	struct bs_source *in;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;
	int r;

	ck_assert_ptr_nonnull(sample);
	ck_assert_int_eq(bs_source_open(FIXTURES "sample-utf16le.log.gz", 0,
	    &in, &d), BS_OK);
	ck_assert(bs_source_is_gzip(in) || bs_source_is_decoded(in));
	ls = bs_lines_new(in);
	ck_assert_ptr_nonnull(ls);
	while ((r = bs_lines_next(ls, &l, &d)) == 1) {
		const char *nl = memchr(sample + off, '\n', slen - off);

		ck_assert_ptr_nonnull(nl);
		ck_assert_uint_eq(l.len, (size_t)(nl - (sample + off)));
		ck_assert(memcmp(l.ptr, sample + off, l.len) == 0);
		off += l.len + 1;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(bs_lines_count(ls), 39);
	ck_assert_uint_eq(off, slen);
	bs_lines_free(ls);
	bs_source_close(in);
	free(sample);
}
END_TEST

/* UTF-32 is refused, with a message that says what it is. */
START_TEST(test_utf32_refused)
{
	char path[128];
	struct bs_source *in;
	struct bs_diag d;

	snprintf(path, sizeof(path), "%s/utf32", tmpdir);
	write_file(path, "\xff\xfe\0\0x\0\0\0", 8);
	ck_assert_int_eq(bs_source_open(path, 0, &in, &d), BS_ERR_FORMAT);
	ck_assert_ptr_null(in);
	ck_assert_str_eq(d.msg, "UTF-32 text, which bouncestat does not read "
	    "(convert it to UTF-8)");
}
END_TEST

/* Plain text is neither decoded nor transcoded: it may be split. */
START_TEST(test_plain_not_decoded)
{
	struct bs_source *in;
	struct bs_diag d;

	ck_assert_int_eq(bs_source_open(SAMPLE, 0, &in, &d), BS_OK);
	ck_assert(!bs_source_is_decoded(in));
	bs_source_close(in);
}
END_TEST

Suite *
decoders_suite(void)
{
	Suite *s = suite_create("decoders");
	TCase *tc = tcase_create("compressed");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_compressed_fixtures, 0,
	    (int)(NCCASES * NEXTS));
	tcase_add_test(tc, test_missing_decoder_message);
	tcase_add_test(tc, test_data_kinds);
	tcase_add_test(tc, test_plain_not_decoded);
	suite_add_tcase(s, tc);
	tc = tcase_create("utf16");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_utf16_table, 0, (int)NUCASES);
	tcase_add_test(tc, test_utf16_volume);
	tcase_add_test(tc, test_utf16_gzip_lines);
	tcase_add_test(tc, test_utf32_refused);
	suite_add_tcase(s, tc);
	return s;
}
