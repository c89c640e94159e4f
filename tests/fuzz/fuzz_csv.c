/*
 * fuzz_csv.c - libFuzzer target: the CSV line splitter of src/csv.h
 * against a plain reference implementation of the dialect that csv.h
 * documents (written here one byte at a time, without the fast paths).
 *
 * The input is one line.  It is split with a scratch buffer of the line's
 * length (always enough: every field must then equal the reference's),
 * with a smaller one (fields may be cut, but only to a prefix of the
 * reference's) and with room for fewer fields than the line holds (the
 * count is still the whole line's).
 */
#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "fuzz_common.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

#define FZ_CSV_MAX	64

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* One field of the reference split: its bytes, unescaped. */
struct fz_ref_field {
	size_t off, len;	/* in the reference's own buffer */
	bool quoted;
};

/*
 * The dialect of csv.h, byte by byte: a BOM at the very start is dropped;
 * ',' separates; a field opening with '"' is quoted, "" inside it is one
 * quote, the first lone quote closes it, and whatever follows up to the
 * next comma is appended as it is; a quoted field still open at the end
 * of the line ends there.  Returns the number of fields.
 */
static size_t
fz_ref_split(const char *s, size_t n, char *buf, struct fz_ref_field *f,
    size_t max)
{
	size_t i = bs_csv_bom(s, n), nf = 0, used = 0;

	for (;;) {
		struct fz_ref_field cur = { used, 0, false };

		if (i < n && s[i] == '"') {
			bool in = true;

			cur.quoted = true;
			for (i++; i < n; i++) {
				if (in && s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						buf[used++] = '"';
						i++;
					} else
						in = false;
					continue;
				}
				if (!in && s[i] == ',')
					break;
				buf[used++] = s[i];
			}
		} else {
			for (; i < n && s[i] != ','; i++)
				buf[used++] = s[i];
		}
		cur.len = used - cur.off;
		if (nf < max)
			f[nf] = cur;
		nf++;
		if (i >= n)
			return nf;
		i++;
	}
}

/* A field's span lies inside the line or inside the scratch buffer. */
static bool
fz_inside(const struct bs_csv_field *f, const char *line, size_t len,
    const char *scratch, size_t scratchsz)
{
	uintptr_t p = (uintptr_t)f->ptr, l = (uintptr_t)line,
	    s = (uintptr_t)scratch;

	if (p >= l && p + f->len <= l + len)
		return true;
	return p >= s && p + f->len <= s + scratchsz;
}

static void
fz_split_check(const char *line, size_t len, size_t scratchsz,
    size_t max, const char *ref, const struct fz_ref_field *rf,
    size_t rn)
{
	struct bs_csv_field f[FZ_CSV_MAX];
	char *scratch = malloc(scratchsz > 0 ? scratchsz : 1);
	size_t n, i;

	if (scratch == NULL)
		FZ_FAIL("out of memory");
	n = bs_csv_split(line, len, scratch, scratchsz, f, max);
	FZ_ASSERT(n >= 1, "bs_csv_split found no field");
	FZ_ASSERT(n == rn, "%zu fields, the reference has %zu", n, rn);
	for (i = 0; i < n && i < max && i < FZ_CSV_MAX; i++) {
		const struct fz_ref_field *r = &rf[i];

		FZ_ASSERT(fz_inside(&f[i], line, len, scratch, scratchsz),
		    "field %zu points outside the line and the scratch", i);
		FZ_ASSERT(f[i].quoted == r->quoted, "field %zu: quoted %d, "
		    "the reference says %d", i, f[i].quoted, r->quoted);
		if (scratchsz >= len)
			FZ_ASSERT(f[i].len == r->len &&
			    memcmp(f[i].ptr, ref + r->off, r->len) == 0,
			    "field %zu differs from the reference", i);
		else
			FZ_ASSERT(f[i].len <= r->len &&
			    memcmp(f[i].ptr, ref + r->off, f[i].len) == 0,
			    "field %zu is not a prefix of the reference", i);
	}
	free(scratch);
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct fz_ref_field rf[FZ_CSV_MAX];
	size_t len = size, rn;
	char *line, *ref;

	if (len > BS_LINE_MAX)
		len = BS_LINE_MAX;
	line = malloc(len > 0 ? len : 1);
	ref = malloc(len > 0 ? len : 1);
	if (line == NULL || ref == NULL)
		FZ_FAIL("out of memory");
	memcpy(line, data, len);
	FZ_ASSERT(bs_csv_bom(line, len) == 0 || bs_csv_bom(line, len) == 3,
	    "bs_csv_bom returned neither 0 nor 3");

	rn = fz_ref_split(line, len, ref, rf, FZ_CSV_MAX);
	fz_split_check(line, len, len, FZ_CSV_MAX, ref, rf, rn);
	fz_split_check(line, len, len / 3, FZ_CSV_MAX, ref, rf, rn);
	fz_split_check(line, len, 0, FZ_CSV_MAX, ref, rf, rn);
	fz_split_check(line, len, len, 2, ref, rf, rn);
	fz_split_check(line, len, len, 0, ref, rf, rn);
	free(line);
	free(ref);
	return 0;
}
