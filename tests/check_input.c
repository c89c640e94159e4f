/*
 * check_input.c - bytes from files, plain or gzip: the batch sources
 * (src/source.c, source_file.c, source_gzip.c, source_ahead.c).
 *
 * Every fixture is built at test time in a fresh folder under /tmp: gzip
 * members come from zlib's deflate with a gzip wrapper, stored (level 0)
 * where a test needs to know exactly which bytes precede a fault.  Each
 * fixture is read with several read sizes and the bytes returned are
 * compared exactly.
 *
 * Every gzip case runs once per decoder built in (zlib, and ISA-L when
 * the build has it), each time with several read sizes, raw read sizes
 * (down to one byte, so that every header, trailer and member boundary
 * falls on a read boundary somewhere: testsource.h's chop below the
 * decoder) and with and without the read-ahead thread, and as
 * bs_source_open stacks them; all must give the same bytes and the same
 * end.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "bslimits.h"
#include "source.h"
#include "suites.h"
#include "testsource.h"
#include "testutil.h"

/* --- fixtures ------------------------------------------------------------ */

static char tmpdir[64];

static void
setup(void)
{
	bs_test_mkdtemp(tmpdir, "input");
}

static void
teardown(void)
{
	bs_test_rmtree(tmpdir);
}

static void
tpath(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", tmpdir, name);
}

/* A growable byte string. */
struct bytes {
	unsigned char *p;
	size_t n, cap;
};

static void
bytes_add(struct bytes *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;

		while (ncap < b->n + n)
			ncap *= 2;
		b->p = realloc(b->p, ncap);
		QUIET_CHECK(b->p != NULL, "out of memory");
		b->cap = ncap;
	}
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
bytes_addc(struct bytes *b, unsigned char c, size_t count)
{
	while (count-- > 0)
		bytes_add(b, &c, 1);
}

static void
bytes_free(struct bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/*
 * Append one gzip member holding data[0..n) at the given level.  One
 * deflate call into a buffer of deflateBound bytes, so that at level 0
 * each stored block is as large as deflate allows (65535 bytes) and the
 * offsets of a small member's data are known: header, block header, data.
 */
static void
gz_member(struct bytes *out, const void *data, size_t n, int level)
{
	z_stream z;
	unsigned char *buf;
	uLong bound;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	bound = deflateBound(&z, (uLong)n);
	buf = malloc(bound);
	ck_assert_ptr_nonnull(buf);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)bound;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	bytes_add(out, buf, z.total_out);
	deflateEnd(&z);
	free(buf);
}

/*
 * What zlib itself decodes from one gzip member before it stops: the
 * reference for corrupt members, where the bytes before the fault depend
 * on the deflate stream.
 */
static void
ref_inflate(const struct bytes *gz, struct bytes *out)
{
	z_stream z;
	unsigned char buf[16384];
	int zr;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = gz->p;
	z.avail_in = (uInt)gz->n;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		zr = inflate(&z, Z_NO_FLUSH);
		bytes_add(out, buf, sizeof(buf) - z.avail_out);
	} while (zr == Z_OK);
	inflateEnd(&z);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	if (n > 0)
		ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* Text that changes from line to line, so that any shift shows. */
static void
make_text(struct bytes *b, const char *tag, size_t size)
{
	char line[64];
	unsigned i = 0;

	while (b->n < size) {
		int l = snprintf(line, sizeof(line), "%s line %u: %08x\n",
		    tag, i, i * 2654435761u);
		size_t take = (size_t)l;

		if (take > size - b->n)
			take = size - b->n;
		bytes_add(b, line, take);
		i++;
	}
}

/* Pseudo-random bytes (they do not compress). */
static void
make_noise(struct bytes *b, size_t size, uint32_t seed)
{
	size_t i;

	for (i = 0; i < size; i++) {
		seed = seed * 1664525u + 1013904223u;
		bytes_addc(b, (unsigned char)(seed >> 24), 1);
	}
}

/* gzip header flags (RFC 1952). */
#define GZ_FHCRC	0x02
#define GZ_FEXTRA	0x04
#define GZ_FNAME	0x08
#define GZ_FCOMMENT	0x10

static void
bytes_le(struct bytes *b, uint32_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		bytes_addc(b, (unsigned char)(v >> (8 * i)), 1);
}

/*
 * Append one gzip member built by hand: a header with the optional fields
 * of flags (an extra field of xlen bytes, a name, a comment, the header
 * CRC), raw deflate data at the given level and the trailer.  With dict,
 * the data is compressed against that preset dictionary, which a gzip
 * reader does not have: its first reference into it reaches back before
 * the start of the output.
 */
static void
gz_member_custom(struct bytes *out, const void *data, size_t n, int level,
    unsigned flags, size_t xlen, const char *dict)
{
	static const unsigned char fixed[8] = { 0x1f, 0x8b, 8, 0,
	    0x78, 0x56, 0x34, 0x12 };
	size_t start = out->n, i;
	z_stream z;
	unsigned char *buf;
	uLong bound;

	bytes_add(out, fixed, sizeof(fixed));
	out->p[start + 3] = (unsigned char)flags;
	bytes_add(out, "\0\3", 2);		/* XFL, OS */
	if (flags & GZ_FEXTRA) {
		bytes_le(out, (uint32_t)xlen, 2);
		for (i = 0; i < xlen; i++)
			bytes_addc(out, (unsigned char)(i * 7 + 1), 1);
	}
	if (flags & GZ_FNAME)
		bytes_add(out, "mail.log.2", 11);
	if (flags & GZ_FCOMMENT)
		bytes_add(out, "rotated by logrotate", 21);
	if (flags & GZ_FHCRC)
		bytes_le(out, (uint32_t)crc32(0L, out->p + start,
		    (uInt)(out->n - start)) & 0xffff, 2);
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, level, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	if (dict != NULL)
		ck_assert_int_eq(deflateSetDictionary(&z,
		    (const Bytef *)dict, (uInt)strlen(dict)), Z_OK);
	bound = deflateBound(&z, (uLong)n);
	buf = malloc(bound);
	ck_assert_ptr_nonnull(buf);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)bound;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	bytes_add(out, buf, z.total_out);
	deflateEnd(&z);
	free(buf);
	bytes_le(out, (uint32_t)crc32(0L, data, (uInt)n), 4);
	bytes_le(out, (uint32_t)n, 4);
}

/* Size of the gzip header and of one stored block's header (level 0). */
#define GZ_HDR		10
#define STORED_HDR	5
#define GZ_TRAILER	8

/* --- the table ----------------------------------------------------------- */

/* What a fixture file holds and what reading it must give. */
struct fixture {
	struct bytes file;
	struct bytes want;
	int want_rc;		/* 0: read to the end; -1: a fault */
	const char *want_msg;	/* part of the fault's message */
	bool want_gzip;
};

/* The fixture's file is gzip whose reading fails, the message holding msg. */
static void
gzip_fault(struct fixture *f, const char *msg)
{
	f->want_rc = -1;
	f->want_msg = msg;
	f->want_gzip = true;
}

static void
fx_plain_text(struct fixture *f)
{
	static const char t[] = "Nov  8 10:00:00 mx postfix/smtp[1]: x\n"
	    "second line\n";

	bytes_add(&f->file, t, sizeof(t) - 1);
	bytes_add(&f->want, t, sizeof(t) - 1);
}

static void
fx_empty(struct fixture *f)
{
	(void)f;
}

/* One byte 0x1f is too short to be gzip: it is data. */
static void
fx_one_1f(struct fixture *f)
{
	bytes_addc(&f->file, 0x1f, 1);
	bytes_addc(&f->want, 0x1f, 1);
}

static void
fx_1f_then_text(struct fixture *f)
{
	bytes_add(&f->file, "\x1f" "abc\n", 5);
	bytes_add(&f->want, "\x1f" "abc\n", 5);
}

/* The gzip magic anywhere but at the start is data. */
static void
fx_binary_plain(struct fixture *f)
{
	static const char t[] = "x\x1f\x8b\0\n\xff" "y";

	bytes_add(&f->file, t, sizeof(t) - 1);
	bytes_add(&f->want, t, sizeof(t) - 1);
}

/* Larger than two raw reads. */
static void
fx_plain_large(struct fixture *f)
{
	make_text(&f->file, "plain", 2 * BS_READ_CHUNK + 12345);
	bytes_add(&f->want, f->file.p, f->file.n);
}

static void
fx_gzip(struct fixture *f)
{
	make_text(&f->want, "gz", 50000);
	gz_member(&f->file, f->want.p, f->want.n, 6);
	f->want_gzip = true;
}

static void
fx_gzip_empty(struct fixture *f)
{
	gz_member(&f->file, "", 0, 6);
	f->want_gzip = true;
}

static void
fx_multi_member(struct fixture *f)
{
	struct bytes a = { 0 }, b = { 0 };

	make_text(&a, "first", 20000);
	make_text(&b, "second", 30001);
	gz_member(&f->file, a.p, a.n, 6);
	gz_member(&f->file, b.p, b.n, 9);
	bytes_add(&f->want, a.p, a.n);
	bytes_add(&f->want, b.p, b.n);
	f->want_gzip = true;
	bytes_free(&a);
	bytes_free(&b);
}

static void
fx_three_members_middle_empty(struct fixture *f)
{
	gz_member(&f->file, "one\n", 4, 6);
	gz_member(&f->file, "", 0, 6);
	gz_member(&f->file, "three\n", 6, 1);
	bytes_add(&f->want, "one\nthree\n", 10);
	f->want_gzip = true;
}

/* Stored members larger than a raw read: member ends inside a read. */
static void
fx_large_members(struct fixture *f)
{
	struct bytes a = { 0 }, b = { 0 };

	make_noise(&a, BS_READ_CHUNK + 40000, 1);
	make_noise(&b, BS_READ_CHUNK / 2 + 7, 2);
	gz_member(&f->file, a.p, a.n, 0);
	gz_member(&f->file, b.p, b.n, 0);
	gz_member(&f->file, a.p, a.n, 6);
	bytes_add(&f->want, a.p, a.n);
	bytes_add(&f->want, b.p, b.n);
	bytes_add(&f->want, a.p, a.n);
	f->want_gzip = true;
	bytes_free(&a);
	bytes_free(&b);
}

static void
fx_many_members(struct fixture *f)
{
	char line[32];
	int i;

	for (i = 0; i < 300; i++) {
		int l = snprintf(line, sizeof(line), "member %d\n", i);

		gz_member(&f->file, line, (size_t)l, i % 10);
		bytes_add(&f->want, line, (size_t)l);
	}
	f->want_gzip = true;
}

static void
fx_zero_padding(struct fixture *f)
{
	gz_member(&f->file, "padded\n", 7, 6);
	bytes_addc(&f->file, 0, 1024);
	bytes_add(&f->want, "padded\n", 7);
	f->want_gzip = true;
}

/* Padding that runs over a raw read boundary. */
static void
fx_long_zero_padding(struct fixture *f)
{
	gz_member(&f->file, "padded\n", 7, 6);
	bytes_addc(&f->file, 0, BS_READ_CHUNK + 1000);
	bytes_add(&f->want, "padded\n", 7);
	f->want_gzip = true;
}

static void
fx_trailing_garbage(struct fixture *f)
{
	gz_member(&f->file, "kept\n", 5, 6);
	bytes_add(&f->file, "garbage\n", 8);
	bytes_add(&f->want, "kept\n", 5);
	gzip_fault(f, "trailing garbage");
}

static void
fx_garbage_after_padding(struct fixture *f)
{
	gz_member(&f->file, "kept\n", 5, 6);
	bytes_addc(&f->file, 0, 100);
	bytes_add(&f->file, "x", 1);
	bytes_add(&f->want, "kept\n", 5);
	gzip_fault(f, "trailing garbage");
}

/* A stored member cut inside its data: exactly the bytes before the cut. */
static void
fx_truncated_data(struct fixture *f)
{
	static const char t[] = "line one\nline two\nline three\n";

	gz_member(&f->file, t, sizeof(t) - 1, 0);
	ck_assert_uint_eq(f->file.n,
	    GZ_HDR + STORED_HDR + sizeof(t) - 1 + GZ_TRAILER);
	f->file.n = GZ_HDR + STORED_HDR + 12;
	bytes_add(&f->want, t, 12);
	gzip_fault(f, "unexpected end");
}

static void
fx_truncated_header(struct fixture *f)
{
	gz_member(&f->file, "abc\n", 4, 6);
	f->file.n = 5;
	gzip_fault(f, "unexpected end");
}

static void
fx_magic_only(struct fixture *f)
{
	bytes_add(&f->file, "\x1f\x8b", 2);
	gzip_fault(f, "unexpected end");
}

/* Every data byte is there; only the trailer is cut. */
static void
fx_truncated_trailer(struct fixture *f)
{
	make_text(&f->want, "trailer", 3000);
	gz_member(&f->file, f->want.p, f->want.n, 6);
	f->file.n -= 3;
	gzip_fault(f, "unexpected end");
}

static void
fx_truncated_second_member(struct fixture *f)
{
	struct bytes a = { 0 }, b = { 0 };
	size_t keep = 40000, first;

	make_text(&a, "whole", 70000);
	make_noise(&b, 60000, 3);
	gz_member(&f->file, a.p, a.n, 6);
	first = f->file.n;
	/* A stored block holds at most 65535 bytes: 60000 is one block. */
	gz_member(&f->file, b.p, b.n, 0);
	ck_assert_uint_eq(f->file.n - first,
	    GZ_HDR + STORED_HDR + b.n + GZ_TRAILER);
	f->file.n = first + keep;
	bytes_add(&f->want, a.p, a.n);
	bytes_add(&f->want, b.p, keep - GZ_HDR - STORED_HDR);
	gzip_fault(f, "unexpected end");
	bytes_free(&a);
	bytes_free(&b);
}

/* A wrong CRC is found after all data: every byte is returned. */
static void
fx_bad_crc(struct fixture *f)
{
	make_text(&f->want, "crc", 5000);
	gz_member(&f->file, f->want.p, f->want.n, 6);
	f->file.p[f->file.n - GZ_TRAILER] ^= 0x55;
	gzip_fault(f, "corrupt");
}

/*
 * A wrong CRC in the first of three members: its bytes, then the fault;
 * nothing of the good members after it (the decoder may have decoded
 * them already, where the CRC is checked by the reading thread).
 */
static void
fx_bad_crc_first_of_three(struct fixture *f)
{
	struct bytes b = { 0 };

	make_text(&f->want, "first", 300000);
	gz_member(&f->file, f->want.p, f->want.n, 6);
	f->file.p[f->file.n - GZ_TRAILER + 1] ^= 0x10;
	make_text(&b, "later", 300000);
	gz_member(&f->file, b.p, b.n, 6);
	gz_member(&f->file, b.p, b.n, 1);
	gzip_fault(f, "corrupt compressed data (incorrect data check)");
	bytes_free(&b);
}

/* The CRC is checked as soon as it is there, before the length is. */
static void
fx_bad_crc_length_cut(struct fixture *f)
{
	make_text(&f->want, "crc", 5000);
	gz_member(&f->file, f->want.p, f->want.n, 6);
	f->file.p[f->file.n - GZ_TRAILER] ^= 0x55;
	f->file.n -= 2;
	gzip_fault(f, "corrupt compressed data (incorrect data check)");
}

static void
fx_bad_length(struct fixture *f)
{
	make_text(&f->want, "isize", 5000);
	gz_member(&f->file, f->want.p, f->want.n, 6);
	f->file.p[f->file.n - 4] ^= 0x01;
	gzip_fault(f, "corrupt");
}

/* The first deflate byte claims the reserved block type 3. */
static void
fx_bad_block_type(struct fixture *f)
{
	gz_member(&f->file, "abc\n", 4, 0);
	f->file.p[GZ_HDR] = 0x07;
	gzip_fault(f, "corrupt");
}

/* The second member's stored length does not match its complement. */
static void
fx_corrupt_second_member(struct fixture *f)
{
	size_t second;

	make_text(&f->want, "good", 20000);
	gz_member(&f->file, f->want.p, f->want.n, 6);
	second = f->file.n;
	gz_member(&f->file, "bad data\n", 9, 0);
	f->file.p[second + GZ_HDR + 3] ^= 0xff;		/* NLEN */
	gzip_fault(f, "corrupt");
}

/* Bytes flipped in the middle of compressed data: zlib's own output. */
static void
fx_flipped_bytes(struct fixture *f)
{
	struct bytes t = { 0 };
	size_t mid, i;

	make_text(&t, "flip", 40000);
	gz_member(&f->file, t.p, t.n, 9);
	mid = f->file.n / 2;
	for (i = 0; i < 8; i++)
		f->file.p[mid + i] ^= 0xa5;
	ref_inflate(&f->file, &f->want);
	gzip_fault(f, "corrupt");
	bytes_free(&t);
}

static void
fx_bad_method(struct fixture *f)
{
	gz_member(&f->file, "abc\n", 4, 6);
	f->file.p[2] = 0x07;
	gzip_fault(f, "corrupt");
}

/* Every optional header field, the extra field longer than a small read. */
static void
fx_header_fields(struct fixture *f)
{
	make_text(&f->want, "fields", 30000);
	gz_member_custom(&f->file, f->want.p, f->want.n, 6,
	    GZ_FEXTRA | GZ_FNAME | GZ_FCOMMENT | GZ_FHCRC, 300, NULL);
	gz_member_custom(&f->file, "name only\n", 10, 1, GZ_FNAME, 0, NULL);
	gz_member_custom(&f->file, "", 0, 6, GZ_FEXTRA, 0, NULL);
	bytes_add(&f->want, "name only\n", 10);
	f->want_gzip = true;
}

static void
fx_bad_header_crc(struct fixture *f)
{
	size_t second;

	gz_member(&f->file, "first\n", 6, 6);
	second = f->file.n;
	gz_member_custom(&f->file, "second\n", 7, 6, GZ_FNAME | GZ_FHCRC, 0,
	    NULL);
	f->file.p[second + GZ_HDR + 11] ^= 0x01;
	bytes_add(&f->want, "first\n", 6);
	gzip_fault(f, "corrupt compressed data (header crc mismatch)");
}

static void
fx_reserved_flags(struct fixture *f)
{
	gz_member(&f->file, "abc\n", 4, 6);
	f->file.p[3] = 0x20;
	gzip_fault(f, "corrupt compressed data (unknown header flags set)");
}

/* A last byte 0x1f after a member is the start of a member cut short. */
static void
fx_lone_1f_after_member(struct fixture *f)
{
	gz_member(&f->file, "kept\n", 5, 6);
	bytes_addc(&f->file, 0x1f, 1);
	bytes_add(&f->want, "kept\n", 5);
	gzip_fault(f, "unexpected end");
}

/* 0x1f then not 0x8b is garbage, wherever a read ends between them. */
static void
fx_1f_00_after_member(struct fixture *f)
{
	gz_member(&f->file, "kept\n", 5, 6);
	bytes_add(&f->file, "\x1f\0", 2);
	bytes_add(&f->want, "kept\n", 5);
	gzip_fault(f, "trailing garbage");
}

/* Several read-ahead buffers and ISA-L calls; the history is used. */
static void
fx_big_member(struct fixture *f)
{
	make_text(&f->want, "big", 3 * 1024 * 1024 + 17);
	gz_member(&f->file, f->want.p, f->want.n, 6);
	f->want_gzip = true;
}

/*
 * A distance reaching before the start of the output, after enough
 * literals for ISA-L's fast loop: exactly the bytes before it, as zlib.
 */
static void
fx_distance_too_far(struct fixture *f)
{
	static const char dict[] = "The Quick Brown Fox Jumps Over The Lazy "
	    "Dog, ";
	struct bytes t = { 0 };
	uint32_t seed = 7;
	size_t i;

	for (i = 0; i < 6000; i++) {
		seed = seed * 1664525u + 1013904223u;
		bytes_addc(&t, (unsigned char)('a' + (seed >> 24) % 26), 1);
	}
	bytes_add(&t, dict, sizeof(dict) - 1);
	make_text(&t, "after", t.n + 20000);
	gz_member_custom(&f->file, t.p, t.n, 6, 0, 0, dict);
	ref_inflate(&f->file, &f->want);
	ck_assert_uint_ge(f->want.n, 6000);
	ck_assert_uint_lt(f->want.n, 6000 + 10);
	gzip_fault(f,
	    "corrupt compressed data (invalid distance too far back)");
	bytes_free(&t);
}

struct input_case {
	const char *name;
	void (*build)(struct fixture *);
};

static const struct input_case cases[] = {
	{ "plain text", fx_plain_text },
	{ "empty file", fx_empty },
	{ "one byte 0x1f", fx_one_1f },
	{ "0x1f then text", fx_1f_then_text },
	{ "binary plain with the magic inside", fx_binary_plain },
	{ "plain larger than two reads", fx_plain_large },
	{ "gzip", fx_gzip },
	{ "gzip of nothing", fx_gzip_empty },
	{ "two gzip members", fx_multi_member },
	{ "three members, the middle one empty",
	    fx_three_members_middle_empty },
	{ "members larger than a read", fx_large_members },
	{ "300 small members", fx_many_members },
	{ "zero padding after the member", fx_zero_padding },
	{ "zero padding past a read", fx_long_zero_padding },
	{ "trailing garbage", fx_trailing_garbage },
	{ "garbage after zero padding", fx_garbage_after_padding },
	{ "truncated inside the data", fx_truncated_data },
	{ "truncated inside the header", fx_truncated_header },
	{ "the magic bytes only", fx_magic_only },
	{ "truncated trailer", fx_truncated_trailer },
	{ "second member truncated", fx_truncated_second_member },
	{ "bad CRC", fx_bad_crc },
	{ "bad CRC in the first of three members", fx_bad_crc_first_of_three },
	{ "bad length in the trailer", fx_bad_length },
	{ "bad CRC, the length cut off", fx_bad_crc_length_cut },
	{ "reserved block type", fx_bad_block_type },
	{ "second member corrupt", fx_corrupt_second_member },
	{ "bytes flipped mid-stream", fx_flipped_bytes },
	{ "unknown compression method", fx_bad_method },
	{ "every optional header field", fx_header_fields },
	{ "header CRC mismatch", fx_bad_header_crc },
	{ "reserved header flags", fx_reserved_flags },
	{ "a lone 0x1f after a member", fx_lone_1f_after_member },
	{ "0x1f 0x00 after a member", fx_1f_00_after_member },
	{ "a 3 MiB member", fx_big_member },
	{ "a distance before the start", fx_distance_too_far }
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

/* How a fixture is read: every fixture is read each of these ways. */
struct read_cfg {
	size_t chunk;		/* bytes per bs_source_read (before lending:
				   one such read, 0 for none) */
	size_t raw;		/* bytes per read of the file; 0: as asked */
	bool ahead;		/* read ahead in a thread */
	size_t slot;		/* read-ahead buffer size; 0: 256 KiB */
	size_t max_file;	/* skipped for larger files (slow reads) */
	bool lend;		/* read by bs_source_lend */
	bool as_open;		/* stacked by bs_source_open */
};

static const struct read_cfg cfgs[] = {
	{ 1, 0, false, 0, SIZE_MAX, false, false },
	{ 7, 0, false, 0, SIZE_MAX, false, false },
	{ 4096, 0, false, 0, SIZE_MAX, false, false },
	{ 1 << 20, 0, false, 0, SIZE_MAX, false, false },
	{ 1, 0, true, 0, SIZE_MAX, false, false },
	{ 4093, 0, true, 0, SIZE_MAX, false, false },
	{ 1 << 20, 0, true, 0, SIZE_MAX, false, false },
	/* A ring of small buffers wraps many times. */
	{ 4093, 0, true, 4093, SIZE_MAX, false, false },
	{ 1 << 20, 1, false, 0, 128 * 1024, false, false },
	{ 65536, 7, false, 0, SIZE_MAX, false, false },
	{ 4096, 4093, false, 0, SIZE_MAX, false, false },
	{ 1 << 20, 7, true, 65536, SIZE_MAX, false, false },
	/* Lent blocks, alone or after a copying read took part of one. */
	{ 0, 0, true, 0, SIZE_MAX, true, false },
	{ 0, 0, true, 4093, SIZE_MAX, true, false },
	{ 5, 7, true, 1, 128 * 1024, true, false },
	{ 3, 0, true, 65536, SIZE_MAX, true, false },
	/* Without read-ahead nothing is lent: read as usual. */
	{ 0, 0, false, 0, SIZE_MAX, true, false },
	/* As a run reads its inputs (the decoder of the build). */
	{ 4096, 0, false, 0, SIZE_MAX, false, true },
	{ 0, 0, false, 0, SIZE_MAX, true, true }
};

#define NCFGS	(sizeof(cfgs) / sizeof(cfgs[0]))

/* The gzip decoders of this build, and how many. */
static enum bs_gzip backends[2];
static unsigned nbackends;

static void
find_backends(void)
{
	nbackends = 0;
	backends[nbackends++] = BS_GZIP_ZLIB;
	if (bs_source_gzip_has(BS_GZIP_ISAL))
		backends[nbackends++] = BS_GZIP_ISAL;
}

static const char *
backend_name(enum bs_gzip g)
{
	return g == BS_GZIP_ISAL ? "isal" : "zlib";
}

/*
 * Read a whole input in pieces of chunk bytes into got.  Returns 0 at the
 * end or -1 for a fault, after checking that a further read returns 0.
 */
static int
read_all(struct bs_source *in, size_t chunk, struct bytes *got,
    struct bs_diag *d)
{
	char *buf = malloc(chunk);
	ssize_t r;
	int rc;

	ck_assert_ptr_nonnull(buf);
	for (;;) {
		r = bs_source_read(in, buf, chunk, d);
		if (r <= 0)
			break;
		QUIET_CHECK((size_t)r <= chunk, "read %zd bytes into %zu",
		    r, chunk);
		bytes_add(got, buf, (size_t)r);
	}
	ck_assert(r == 0 || r == -1);
	rc = (int)r;
	ck_assert_int_eq(bs_source_read(in, buf, chunk, NULL), 0);
	free(buf);
	return rc;
}

/*
 * Read a whole input through bs_source_lend into got, after one copying
 * read of first bytes (0: none) whose last 3 are kept, keeping 0, 1, 5
 * or 300 bytes of each block for the next: each block must begin with
 * them.  Falls back to
 * read_all when the input does not lend.  Returns as read_all does.
 */
static int
lend_all(struct bs_source *in, size_t first, struct bytes *got,
    struct bs_diag *d)
{
	static const size_t keeps[] = { 0, 1, 5, 300 };
	char kept[300], *buf;
	const char *block = NULL;
	size_t keep = 0, turn = 0, have = 0;
	ssize_t r;

	if (first > 0) {
		buf = malloc(first);
		ck_assert_ptr_nonnull(buf);
		r = bs_source_read(in, buf, first, d);
		if (r > 0) {
			bytes_add(got, buf, (size_t)r);
			/* Keep up to 3 of them: they come from our buffer. */
			keep = (size_t)r < 3 ? (size_t)r : 3;
			memcpy(kept, buf + r - keep, keep);
		}
		free(buf);
		if (r <= 0)
			return (int)r;
	}
	for (;;) {
		r = bs_source_lend(in, block != NULL ? block + have - keep :
		    kept, keep, &block, d);
		if (r == BS_SOURCE_NO_LEND)
			return read_all(in, 4096, got, d);
		QUIET_CHECK(keep == 0 || memcmp(block, kept, keep) == 0,
		    "a block does not begin with the %zu bytes kept", keep);
		if (r <= 0)
			break;
		bytes_add(got, block + keep, (size_t)r);
		have = keep + (size_t)r;
		keep = keeps[turn++ % 4];
		if (keep > have)
			keep = have;
		memcpy(kept, block + have - keep, keep);
	}
	ck_assert(r == 0 || r == -1);
	ck_assert_int_eq(bs_source_lend(in, kept, 0, &block, NULL), 0);
	return (int)r;
}

/* The first offset at which a and b differ, for failure messages. */
static size_t
first_diff(const struct bytes *a, const struct bytes *b)
{
	size_t i, n = a->n < b->n ? a->n : b->n;

	for (i = 0; i < n; i++)
		if (a->p[i] != b->p[i])
			return i;
	return n;
}

START_TEST(test_fixture_table)
{
	const struct input_case *c = &cases[_i / nbackends];
	enum bs_gzip gz = backends[_i % nbackends];
	struct fixture f;
	char path[128];
	size_t k;

	memset(&f, 0, sizeof(f));
	c->build(&f);
	tpath(path, sizeof(path), "fixture");
	write_file(path, f.file.p, f.file.n);

	for (k = 0; k < NCFGS; k++) {
		const struct read_cfg *rc = &cfgs[k];
		struct way w = { .as_open = rc->as_open, .gz = gz,
		    .raw = rc->raw, .ahead = rc->ahead, .slot = rc->slot };
		struct bytes got = { 0 };
		struct bs_source *in = NULL;
		struct bs_diag d;
		int r;

		if (f.file.n > rc->max_file)
			continue;
		bs_diag_clear(&d);
		ck_assert_int_eq(open_way(path, &w, &in, &d), BS_OK);
		ck_assert_ptr_nonnull(in);
		ck_assert_str_eq(bs_source_name(in), path);
		ck_assert_uint_eq(bs_source_raw_size(in), f.file.n);
		r = rc->lend ? lend_all(in, rc->chunk, &got, &d) :
		    read_all(in, rc->chunk, &got, &d);

		ck_assert_msg(r == f.want_rc, "%s (%s, way %zu): returned %d, "
		    "expected %d (message \"%s\")", c->name,
		    backend_name(gz), k, r, f.want_rc, d.msg);
		ck_assert_msg(got.n == f.want.n && (got.n == 0 ||
		    memcmp(got.p, f.want.p, got.n) == 0),
		    "%s (%s, way %zu): %zu bytes, expected %zu; first "
		    "difference at %zu", c->name, backend_name(gz), k, got.n,
		    f.want.n, first_diff(&got, &f.want));
		ck_assert_msg(bs_source_is_gzip(in) == f.want_gzip,
		    "%s: gzip flag %d", c->name, bs_source_is_gzip(in));
		if (f.want_rc < 0) {
			ck_assert_msg(strstr(d.msg, f.want_msg) != NULL,
			    "%s (%s, way %zu): message \"%s\" lacks \"%s\"",
			    c->name, backend_name(gz), k, d.msg, f.want_msg);
			ck_assert_str_eq(d.file, path);
		} else
			ck_assert_uint_eq(bs_source_raw_offset(in), f.file.n);
		bs_source_close(in);
		bytes_free(&got);
	}
	bytes_free(&f.file);
	bytes_free(&f.want);
}
END_TEST

/* --- both decoders, every cut and every flipped byte ---------------------- */

/* One way of reading a file held in memory, and what it gave. */
struct outcome {
	struct bytes got;
	int rc;
	char msg[BS_DIAG_MSG_MAX];
};

/*
 * Read data[0..n) as a file (a memfd, opened by its /proc path) with the
 * given decoder and raw read size, without read-ahead, in 1 MiB reads.
 */
static void
read_mem(const unsigned char *data, size_t n, enum bs_gzip gz,
    size_t raw, struct outcome *out)
{
	struct way w = { .gz = gz, .raw = raw };
	struct bs_source *in = NULL;
	struct bs_diag d;
	char path[64];
	int fd = memfd_create("check_input", MFD_CLOEXEC);

	QUIET_CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
	QUIET_CHECK(n == 0 || write(fd, data, n) == (ssize_t)n, "write");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	bs_diag_clear(&d);
	QUIET_CHECK(open_way(path, &w, &in, &d) == BS_OK,
	    "open: %s", d.msg);
	memset(out, 0, sizeof(*out));
	out->rc = read_all(in, 1 << 20, &out->got, &d);
	snprintf(out->msg, sizeof(out->msg), "%s", out->rc < 0 ? d.msg : "");
	bs_source_close(in);
	close(fd);
}

/* Whether a is a prefix of b. */
static bool
is_prefix(const struct bytes *a, const struct bytes *b)
{
	return a->n <= b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
}

/*
 * A file cut at every length: at every byte of the headers, of the first
 * member's last 1500 bytes (its last block and trailer) and of the second
 * member's ends, one in 29 elsewhere.  Both decoders
 * stop with "unexpected end", or read to the end where the cut falls
 * between members; zlib hands out every byte the cut leaves decodable.
 * ISA-L hands out the same bytes whatever its raw read size; a cut in the
 * last block of a member gives exactly zlib's bytes, a cut in an earlier
 * block the same or up to two fewer (the rest of a group of literals ISA-L
 * decodes at once, cut by the end of the file).
 */
START_TEST(test_every_cut)
{
	struct bytes a = { 0 }, b = { 0 }, file = { 0 }, all = { 0 };
	size_t first, len, shorter = 0, cuts = 0;

	/* Several deflate blocks in the first member. */
	make_text(&a, "cut", 120000);
	make_text(&b, "second", 9000);
	gz_member(&file, a.p, a.n, 6);
	first = file.n;
	gz_member_custom(&file, b.p, b.n, 1, GZ_FNAME | GZ_FHCRC, 0, NULL);
	bytes_add(&all, a.p, a.n);
	bytes_add(&all, b.p, b.n);
	for (len = 0; len <= file.n; len++) {
		struct outcome z, i, i2;
		bool whole = len == first || len == file.n;
		size_t k;

		if (len > 300 && (len > first || len + 1500 < first) &&
		    (len < first || len > first + 300) && len + 300 < file.n &&
		    len % 29 != 0)
			continue;
		cuts++;
		read_mem(file.p, len, BS_GZIP_ZLIB, 0, &z);
		if (len < 2) {
			QUIET_CHECK(z.rc == 0 && z.got.n == len, "plain %zu",
			    len);
			bytes_free(&z.got);
			continue;
		}
		QUIET_CHECK(z.rc == (whole ? 0 : -1) && is_prefix(&z.got, &all),
		    "zlib, cut at %zu: rc %d, %zu bytes, \"%s\"", len, z.rc,
		    z.got.n, z.msg);
		QUIET_CHECK(whole || strstr(z.msg, "unexpected end") != NULL,
		    "zlib, cut at %zu: \"%s\"", len, z.msg);
		if (nbackends > 1) {
			read_mem(file.p, len, BS_GZIP_ISAL, 0, &i);
			QUIET_CHECK(i.rc == z.rc && strcmp(i.msg, z.msg) == 0,
			    "isal, cut at %zu: rc %d \"%s\", zlib %d \"%s\"",
			    len, i.rc, i.msg, z.rc, z.msg);
			QUIET_CHECK(is_prefix(&i.got, &z.got) &&
			    z.got.n - i.got.n <= 2, "isal, cut at %zu: %zu "
			    "bytes, zlib %zu", len, i.got.n, z.got.n);
			/* In the second member, all one block: exact. */
			QUIET_CHECK(len <= first || i.got.n == z.got.n,
			    "isal, cut at %zu in the last block: %zu bytes, "
			    "zlib %zu", len, i.got.n, z.got.n);
			if (i.got.n < z.got.n)
				shorter++;
			for (k = 0; k < 2; k++) {
				if (k == 1 && len % 7 != 0)
					continue;
				read_mem(file.p, len, BS_GZIP_ISAL,
				    k == 0 ? 1000 : 33, &i2);
				QUIET_CHECK(i2.rc == i.rc &&
				    i2.got.n == i.got.n &&
				    is_prefix(&i2.got, &i.got), "isal, cut at "
				    "%zu, raw reads of %d: %zu bytes, else %zu",
				    len, k == 0 ? 1000 : 33, i2.got.n, i.got.n);
				bytes_free(&i2.got);
			}
			bytes_free(&i.got);
		}
		bytes_free(&z.got);
	}
	/* Most cuts give both decoders the very same bytes. */
	ck_assert_uint_lt(shorter, cuts / 3);
	ck_assert_uint_gt(cuts, 2000);
	bytes_free(&a);
	bytes_free(&b);
	bytes_free(&file);
	bytes_free(&all);
}
END_TEST

/*
 * Each byte of a file flipped in turn.  ISA-L reads the same whatever its
 * input reads (7-byte reads keep it out of its fast loop, which overshoots
 * a bad distance), and it agrees with zlib on every byte both hand out;
 * both fail, or both read the same bytes to the end (a flip in the
 * header's time stamp, say).
 */
START_TEST(test_every_flip)
{
	struct bytes t = { 0 }, file = { 0 };
	size_t pos, len;
	int k;

	make_text(&t, "flipped", 12000);
	gz_member(&file, t.p, t.n, 9);
	gz_member(&file, t.p, 3000, 1);
	len = file.n;
	for (pos = 0; pos < len; pos++)
		for (k = 0; k < 2; k++) {
			unsigned char mask = k == 0 ? 0x55 : 0x01;
			struct outcome z, i, i7;
			size_t n;

			if (k == 1 && pos % 3 != 0)
				continue;
			file.p[pos] ^= mask;
			read_mem(file.p, len, BS_GZIP_ZLIB, 0, &z);
			if (nbackends > 1) {
				read_mem(file.p, len, BS_GZIP_ISAL, 0, &i);
				read_mem(file.p, len, BS_GZIP_ISAL, 7, &i7);
				QUIET_CHECK(i.rc == i7.rc &&
				    strcmp(i.msg, i7.msg) == 0 &&
				    i.got.n == i7.got.n &&
				    is_prefix(&i.got, &i7.got), "flip at %zu: "
				    "isal %zu bytes \"%s\", in 7-byte reads "
				    "%zu \"%s\"", pos, i.got.n, i.msg,
				    i7.got.n, i7.msg);
				n = i.got.n < z.got.n ? i.got.n : z.got.n;
				QUIET_CHECK(n == 0 ||
				    memcmp(i.got.p, z.got.p, n) == 0,
				    "flip at %zu: isal and zlib differ at %zu",
				    pos, first_diff(&i.got, &z.got));
				QUIET_CHECK(i.rc == z.rc && (z.rc < 0 ||
				    i.got.n == z.got.n), "flip at %zu: isal "
				    "%d (%zu bytes, \"%s\"), zlib %d (%zu "
				    "bytes, \"%s\")", pos, i.rc, i.got.n,
				    i.msg, z.rc, z.got.n, z.msg);
				bytes_free(&i.got);
				bytes_free(&i7.got);
			}
			bytes_free(&z.got);
			file.p[pos] ^= mask;
		}
	bytes_free(&t);
	bytes_free(&file);
}
END_TEST

/* --- the decoders and read-ahead ------------------------------------------ */

START_TEST(test_backends)
{
	struct bs_source *file = NULL, *in = (struct bs_source *)1;
	struct bs_diag d;
	char path[128];

	ck_assert(bs_source_gzip_has(BS_GZIP_AUTO));
	ck_assert(bs_source_gzip_has(BS_GZIP_ZLIB));
	ck_assert_str_eq(bs_source_gzip_backend(),
	    bs_source_gzip_has(BS_GZIP_ISAL) ? "isal" : "zlib");
	tpath(path, sizeof(path), "any.log");
	write_file(path, "x\n", 2);
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_source_file(path, &file, &d), BS_OK);
	if (bs_source_gzip_has(BS_GZIP_ISAL)) {
		/* Plain data: the file itself. */
		ck_assert_int_eq(bs_source_gzip(file, BS_GZIP_ISAL, &in, &d),
		    BS_OK);
		ck_assert_ptr_eq(in, file);
		bs_source_close(in);
	} else {
		/* Refused, and the file closed. */
		ck_assert_int_eq(bs_source_gzip(file, BS_GZIP_ISAL, &in, &d),
		    BS_ERR_USAGE);
		ck_assert_ptr_null(in);
	}
}
END_TEST

/*
 * Closing an input in the middle: before the first read, after a little,
 * and with the ring full and the worker waiting for room.
 */
START_TEST(test_early_close)
{
	struct bytes t = { 0 }, gz = { 0 };
	char path[128], buf[100];
	unsigned k, g;

	make_text(&t, "early", 4 * 1024 * 1024);
	gz_member(&gz, t.p, t.n, 1);
	tpath(path, sizeof(path), "early.gz");
	write_file(path, gz.p, gz.n);
	for (g = 0; g < nbackends; g++)
		for (k = 0; k < 4; k++) {
			struct way w = { .gz = backends[g], .ahead = true,
			    .slot = k == 3 ? 4096 : 0 };
			struct bs_source *in = NULL;
			struct bs_diag d;

			ck_assert_int_eq(open_way(path, &w, &in, &d), BS_OK);
			if (k >= 1)
				ck_assert_int_eq(bs_source_read(in, buf,
				    sizeof(buf), &d), (ssize_t)sizeof(buf));
			ck_assert_int_eq(memcmp(buf, t.p, k >= 1 ?
			    sizeof(buf) : 0), 0);
			if (k >= 2)
				usleep(20000);
			bs_source_close(in);
		}
	bytes_free(&t);
	bytes_free(&gz);
}
END_TEST

/*
 * Closing while the worker waits for a pipe that stays open: close wakes
 * it instead of waiting for data that is not coming.
 */
START_TEST(test_close_while_pipe_waits)
{
	struct bytes t = { 0 }, gz = { 0 }, part = { 0 };
	struct way w = { .ahead = true, .slot = 1 };
	struct bs_source *in = NULL;
	struct bs_diag d;
	char buf[4096];
	size_t want, got = 0;
	int fds[2], saved;
	time_t t0;

	make_text(&t, "pipe", 200000);
	gz_member(&gz, t.p, t.n, 6);
	/* Half the member: zlib tells how much of it can be decoded. */
	gz.n /= 2;
	ref_inflate(&gz, &part);
	ck_assert_uint_gt(part.n, 100);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_uint_lt(gz.n, 60000);		/* fits the pipe */
	ck_assert_int_eq(write(fds[1], gz.p, gz.n), (ssize_t)gz.n);
	saved = dup(STDIN_FILENO);
	ck_assert_int_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	ck_assert_int_eq(open_way("-", &w, &in, &d), BS_OK);
	/* All but the last bytes: ISA-L may hold two back at the cut. */
	want = part.n - 2;
	while (got < want) {
		size_t n = want - got < sizeof(buf) ? want - got : sizeof(buf);
		ssize_t r = bs_source_read(in, buf, n, &d);

		ck_assert_int_gt(r, 0);
		ck_assert_int_eq(memcmp(buf, part.p + got, (size_t)r), 0);
		got += (size_t)r;
	}
	usleep(50000);
	t0 = time(NULL);
	bs_source_close(in);
	ck_assert_int_le(time(NULL) - t0, 2);
	close(fds[1]);
	ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	bytes_free(&t);
	bytes_free(&gz);
	bytes_free(&part);
}
END_TEST

/* A writer that hands over its first bytes one at a time. */
struct slow_writer {
	int fd;			/* closed by the writer when done */
	const struct bytes *data;
	bool ok;
};

static void *
slow_write(void *arg)
{
	struct slow_writer *w = arg;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (write(w->fd, w->data->p + i, 1) != 1)
			break;
		usleep(10000);
	}
	w->ok = write(w->fd, w->data->p + 3, w->data->n - 3) ==
	    (ssize_t)(w->data->n - 3);
	close(w->fd);
	return NULL;
}

/* The gzip magic arriving one byte at a time through a pipe is found. */
START_TEST(test_magic_trickles_in)
{
	struct bytes gz = { 0 }, got = { 0 };
	struct slow_writer w;
	struct bs_source *in = NULL;
	struct bs_diag d;
	pthread_t th;
	int fds[2], saved;

	gz_member(&gz, "slowly\n", 7, 6);
	ck_assert_int_eq(pipe(fds), 0);
	saved = dup(STDIN_FILENO);
	ck_assert_int_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	w.fd = fds[1];
	w.data = &gz;
	w.ok = false;
	ck_assert_int_eq(pthread_create(&th, NULL, slow_write, &w), 0);
	ck_assert_int_eq(bs_source_open("-", 0, &in, &d), BS_OK);
	ck_assert_int_eq(read_all(in, 4096, &got, &d), 0);
	ck_assert(bs_source_is_gzip(in));
	ck_assert_uint_eq(got.n, 7);
	ck_assert_int_eq(memcmp(got.p, "slowly\n", 7), 0);
	bs_source_close(in);
	pthread_join(th, NULL);
	ck_assert(w.ok);
	ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	bytes_free(&gz);
	bytes_free(&got);
}
END_TEST

/* --- opening ------------------------------------------------------------- */

START_TEST(test_directory)
{
	struct bs_source *in = (struct bs_source *)1;
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_int_eq(bs_source_open(tmpdir, 0, &in, &d), BS_ERR_IO);
	ck_assert_ptr_null(in);
	ck_assert_msg(strstr(d.msg, "is a directory") != NULL, "message "
	    "\"%s\"", d.msg);
	ck_assert_str_eq(d.file, tmpdir);
}
END_TEST

START_TEST(test_missing)
{
	struct bs_source *in = (struct bs_source *)1;
	struct bs_diag d;
	char path[128];

	tpath(path, sizeof(path), "no-such-file.log");
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_source_open(path, 0, &in, &d), BS_ERR_IO);
	ck_assert_ptr_null(in);
	ck_assert_msg(strstr(d.msg, strerror(ENOENT)) != NULL,
	    "message \"%s\"", d.msg);
	ck_assert_str_eq(d.file, path);
}
END_TEST

START_TEST(test_unreadable)
{
	struct bs_source *in = NULL;
	struct bs_diag d;
	char path[128];
	bs_status st;

	tpath(path, sizeof(path), "secret.log");
	write_file(path, "x\n", 2);
	ck_assert_int_eq(chmod(path, 0), 0);
	bs_diag_clear(&d);
	st = bs_source_open(path, 0, &in, &d);
	if (geteuid() == 0) {
		/* Root reads it anyway; there is nothing to assert. */
		bs_source_close(in);
		return;
	}
	ck_assert_int_eq(st, BS_ERR_IO);
	ck_assert_ptr_null(in);
	ck_assert_msg(strstr(d.msg, strerror(EACCES)) != NULL,
	    "message \"%s\"", d.msg);
}
END_TEST

/* "-" reads standard input, gzip included, and is named "(stdin)". */
START_TEST(test_stdin)
{
	struct bytes gz = { 0 }, got = { 0 };
	struct bs_source *in = NULL;
	struct bs_diag d;
	char path[128];
	int fd, saved;

	gz_member(&gz, "from stdin\n", 11, 6);
	gz_member(&gz, "second\n", 7, 6);
	tpath(path, sizeof(path), "stdin.gz");
	write_file(path, gz.p, gz.n);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	saved = dup(STDIN_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);

	ck_assert_int_eq(bs_source_open("-", 0, &in, &d), BS_OK);
	ck_assert_str_eq(bs_source_name(in), "(stdin)");
	ck_assert_int_eq(read_all(in, 5, &got, &d), 0);
	ck_assert_uint_eq(got.n, 18);
	ck_assert_int_eq(memcmp(got.p, "from stdin\nsecond\n", 18), 0);
	ck_assert(bs_source_is_gzip(in));
	bs_source_close(in);

	/* Closing the input leaves standard input open. */
	ck_assert_int_ne(fcntl(STDIN_FILENO, F_GETFD), -1);
	ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	bytes_free(&gz);
	bytes_free(&got);
}
END_TEST

/* The compressed offset advances while reading, up to the file size. */
START_TEST(test_raw_offset)
{
	struct bytes t = { 0 }, gz = { 0 };
	struct bs_source *in = NULL;
	struct bs_diag d;
	char path[128], buf[1000];
	unsigned long long last = 0, now;
	ssize_t r;

	make_noise(&t, 3 * BS_READ_CHUNK, 9);
	gz_member(&gz, t.p, t.n, 1);
	tpath(path, sizeof(path), "offset.gz");
	write_file(path, gz.p, gz.n);
	ck_assert_int_eq(bs_source_open(path, 0, &in, &d), BS_OK);
	ck_assert_uint_eq(bs_source_raw_offset(in), 0);
	while ((r = bs_source_read(in, buf, sizeof(buf), &d)) > 0) {
		now = bs_source_raw_offset(in);
		ck_assert_uint_ge(now, last);
		ck_assert_uint_le(now, gz.n);
		last = now;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(bs_source_raw_offset(in), gz.n);
	ck_assert_uint_eq(bs_source_raw_size(in), gz.n);
	bs_source_close(in);
	bs_source_close(NULL);
	bytes_free(&t);
	bytes_free(&gz);
}
END_TEST

/*
 * The modification time of a regular file (the reference year for
 * classic syslog stamps); for a pipe, the time of opening.
 */
START_TEST(test_mtime)
{
	struct timespec times[2];
	struct bs_source *in = NULL;
	struct bs_diag d;
	char path[128];
	time_t before, after;
	int fds[2], saved;

	tpath(path, sizeof(path), "dated.log");
	write_file(path, "x\n", 2);
	times[0].tv_sec = times[1].tv_sec = 1700000000;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
	ck_assert_int_eq(bs_source_open(path, 0, &in, &d), BS_OK);
	ck_assert_int_eq(bs_source_mtime(in), 1700000000);
	bs_source_close(in);

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "y\n", 2), 2);
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	ck_assert_int_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	before = time(NULL);
	ck_assert_int_eq(bs_source_open("-", 0, &in, &d), BS_OK);
	after = time(NULL);
	ck_assert_int_ge(bs_source_mtime(in), before);
	ck_assert_int_le(bs_source_mtime(in), after);
	ck_assert_uint_eq(bs_source_raw_size(in), 0);
	bs_source_close(in);
	ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
}
END_TEST

Suite *
input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("fixtures");

	find_backends();
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_fixture_table, 0,
	    (int)(NCASES * nbackends));
	suite_add_tcase(s, tc);
	tc = tcase_create("decoders");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_every_cut);
	tcase_add_test(tc, test_every_flip);
	tcase_add_test(tc, test_backends);
	suite_add_tcase(s, tc);
	/* A hang here is a failure, not a wait for the long timeout. */
	tc = tcase_create("read-ahead");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_early_close);
	tcase_add_test(tc, test_close_while_pipe_waits);
	tcase_add_test(tc, test_magic_trickles_in);
	suite_add_tcase(s, tc);
	tc = tcase_create("open");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_stdin);
	tcase_add_test(tc, test_raw_offset);
	tcase_add_test(tc, test_mtime);
	suite_add_tcase(s, tc);
	return s;
}
