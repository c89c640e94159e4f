/*
 * scan.h - the byte scans of the hot path: finding a format's needles in a
 * buffer of many lines, and counting the lines skipped over.
 *
 * Most lines of a mail log carry no event; these scans let the splitter
 * pass over them a buffer at a time instead of a line at a time.  On
 * x86-64 they compare 16 bytes at once with SSE2 (always present there);
 * elsewhere they fall back to memmem and memchr.
 */
#ifndef BS_SCAN_H
#define BS_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "bslimits.h"

/* How many leading bytes of each needle the shared first stage tests. */
#define BS_TEDDY_BYTES	3
/* How many offsets the superset first stage tests. */
#define BS_SUP_BYTES	3

struct bs_needles {
	size_t n;
	size_t maxlen;
	const char *s[BS_NEEDLES_MAX];
	size_t len[BS_NEEDLES_MAX];
	unsigned char p1[BS_NEEDLES_MAX];	/* the two bytes probed first */
	unsigned char p2[BS_NEEDLES_MAX];
	unsigned word;	/* bit k: needle k only where a word starts */
	/*
	 * A needle's first and last 8 bytes (4 when it is shorter than 8),
	 * which overlap: two loads compare it whole (scan.c, needle_at).
	 */
	uint64_t head[BS_NEEDLES_MAX], tail[BS_NEEDLES_MAX];
	int avx2;		/* the processor has AVX2 */
	/*
	 * The first-stage test of several needles at once (scan.c): bit k
	 * of lo[j][x] (hi[j][x]) is set when byte j of needle k has x as its
	 * low (high) nibble.  Used with AVX2 when teddy is set (at most 8
	 * needles).  Bit j of
	 * exact says that the needles' bytes j below 0x80 differ in their
	 * low nibbles: then val[j][x] is the one with low nibble x (or
	 * 0x80 | x for none), and hi[j] is not needed.
	 */
	int teddy;
	unsigned exact;
	unsigned char lo[BS_TEDDY_BYTES][16], hi[BS_TEDDY_BYTES][16];
	unsigned char val[BS_TEDDY_BYTES][16];
	/*
	 * The cheaper first stage, taken before Teddy where it fits (scan.c,
	 * sup_init): at each offset sup_off[j], inside every needle, the
	 * needles' bytes there differ in their low nibbles, and a start is a
	 * candidate where each of those bytes is one of them: sup_val[j][x]
	 * is the needle byte with low nibble x (0x80 | x for none).  Bytes
	 * of different needles may make a candidate together, so it tests a
	 * superset of the needles; the offsets are those whose bytes are
	 * rarest in mail logs.  In a block with candidates, bit k of
	 * sup_lo[j][x] says that needle k has the byte of low nibble x at
	 * offset j, which names each candidate's needles as Teddy does.
	 */
	int sup;
	unsigned char sup_off[BS_SUP_BYTES];
	unsigned char sup_val[BS_SUP_BYTES][16];
	uint16_t sup_lo[BS_SUP_BYTES][16];
};

/*
 * Prepare up to BS_NEEDLES_MAX non-empty needles (NULL-terminated).  A
 * needle written with a leading "\\b" (as in PCRE2) matches only where a
 * word starts: not right after a letter, digit or '_', so that
 * "\\bwarning: " finds "smtpd[1]: warning: " but not "reject_warning: ".
 * The byte before the first one scanned counts as no word byte.
 */
void bs_needles_init(struct bs_needles *nd, const char *const *needles);

/*
 * Offset of the first place in s[0..n) where any needle starts and fits
 * whole, or n when there is none.
 */
size_t bs_scan_needles(const struct bs_needles *nd, const char *s, size_t n);

/* How many times c occurs in s[0..n). */
size_t bs_scan_count(const char *s, size_t n, char c);

#endif
