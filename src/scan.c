/*
 * scan.c - needle search and byte counting, 32 or 16 bytes at a time.
 *
 * The needle search is a "two rare bytes" filter: for each needle, a
 * block of 32 candidate start positions is compared at once against the
 * two bytes of the needle that are rarest in mail logs (at their offsets
 * in the needle); only positions where both match are compared whole.
 * Mail log text rarely has both, so almost every block is dismissed with
 * two loads and three vector operations per needle.  On x86-64 the blocks
 * are 32 bytes with AVX2 where the processor has it (checked at run
 * time), else 16 with SSE2.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "scan.h"

#if defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#define HAVE_SSE2 1
#endif

/*
 * How common each byte is in mail logs, as a rank from 0 (never seen) to
 * 255 (the space).  Counted once over public Postfix and Exim logs; only
 * the order matters.  The needle search probes the two rarest bytes of
 * each needle, so that "reject:" is looked for by its 'j' and ':' rather
 * than by an 'r' that starts half the words of a log.
 */
static const unsigned char byte_rank[256] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 236, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
	255, 161, 247, 185, 162, 207, 166, 172, 213, 214, 164, 171, 233, 224,
	248, 218, 243, 250, 240, 234, 231, 232, 225, 226, 221, 222, 249, 182,
	206, 228, 208, 168, 203, 211, 188, 204, 197, 212, 183, 179, 186, 193,
	184, 173, 195, 191, 205, 201, 196, 178, 187, 209, 202, 190, 177, 176,
	175, 170, 174, 215, 169, 216, 31, 180, 165, 245, 210, 237, 239, 254,
	229, 223, 220, 244, 189, 198, 238, 241, 242, 253, 235, 192, 246, 252,
	251, 230, 227, 194, 219, 217, 181, 199, 167, 200, 163, 32,
	/* 128..255: bytes outside ASCII are rare in logs. */
	33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
	49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64,
	65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80,
	81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96,
	97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110,
	111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124,
	125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138,
	139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152,
	153, 154, 155, 156, 157, 158, 159, 160,
};

/* The two positions of the needle whose bytes are rarest together. */
static void
pick_probes(const char *s, size_t len, unsigned char *p1, unsigned char *p2)
{
	unsigned best = ~0u;
	size_t i, j;

	*p1 = 0;
	*p2 = (unsigned char)(len - 1);
	if (len > 255)
		return;
	for (i = 0; i < len; i++)
		for (j = i + 1; j < len; j++) {
			unsigned score = (unsigned)byte_rank[(unsigned char)s[i]] +
			    byte_rank[(unsigned char)s[j]];

			/*
			 * Equal bytes are as good a pair as any: ">>" is two
			 * '>' in a row, far rarer than '>' then a space.
			 */
			if (score < best) {
				best = score;
				*p1 = (unsigned char)i;
				*p2 = (unsigned char)j;
			}
		}
}

/*
 * With three or more needles, each at least BS_TEDDY_BYTES long, the AVX2
 * scan tests all of them at once on their first bytes ("Teddy", from
 * Hyperscan): per byte of the prefix, two table look-ups by nibble give
 * the set of needles that byte fits, and a start is a candidate where the
 * sets of all the prefix bytes share a needle.  Each needle has a bit of
 * its own, so the test is exact on the prefix: only a needle's first
 * bytes seen whole make a candidate.  Its cost does not grow with the
 * number of needles, where the two-probe test costs a few operations per
 * needle; for one or two needles the two-probe test is cheaper.
 */
static void
teddy_init(struct bs_needles *nd)
{
	size_t j, k;

	/* One bit a needle in a byte. */
	if (nd->n < 3 || nd->n > 8)
		return;
	for (k = 0; k < nd->n; k++)
		if (nd->len[k] < BS_TEDDY_BYTES)
			return;
	for (j = 0; j < BS_TEDDY_BYTES; j++) {
		nd->exact |= 1u << j;
		for (k = 0; k < 16; k++)
			nd->val[j][k] = (unsigned char)(0x80 | k);
	}
	for (k = 0; k < nd->n; k++)
		for (j = 0; j < BS_TEDDY_BYTES; j++) {
			unsigned char c = (unsigned char)nd->s[k][j];

			nd->lo[j][c & 15] |= (unsigned char)(1u << k);
			nd->hi[j][c >> 4] |= (unsigned char)(1u << k);
			if (c >= 0x80 || (nd->val[j][c & 15] < 0x80 &&
			    nd->val[j][c & 15] != c))
				nd->exact &= ~(1u << j);
			nd->val[j][c & 15] = c;
		}
	nd->teddy = 1;
}

/*
 * How common byte c is, for comparing sets of bytes: about 2^(rank/16),
 * so that a byte 16 ranks down is half as common.  Only the order of the
 * products matters.
 */
static double
weight(unsigned char c)
{
	unsigned r = byte_rank[c];

	return (double)(1u << (r >> 4)) * (double)(16 + (r & 15)) / 16.0;
}

/*
 * The superset test (scan.h): BS_SUP_BYTES offsets inside the shortest
 * needle where the needles' bytes differ in their low nibbles, so that one
 * vpshufb and one compare per offset tell whether a byte is one of them.
 * Of all such offsets, those whose byte sets are rarest together.  Taken
 * for three or more needles, where it replaces Teddy: on the Postfix
 * needles it costs about two thirds of Teddy per block, and the rare
 * offsets (1, 3 and 5 of "tatus=", "eject:", "/bounce": "a", "j", "b",
 * then "u", "c", then "=", ":", "c") leave half as many false candidates
 * as Teddy's first three bytes (bench/README.md has the measurement).
 */
static void
sup_init(struct bs_needles *nd)
{
	size_t minlen = SIZE_MAX, k, o[BS_SUP_BYTES];
	double best = 0;

	_Static_assert(BS_SUP_BYTES == 3, "sup_init picks 3 offsets");
	if (nd->n < 3)
		return;
	for (k = 0; k < nd->n; k++)
		if (nd->len[k] < minlen)
			minlen = nd->len[k];
	if (minlen > 16)
		minlen = 16;
	for (o[0] = 0; o[0] < minlen; o[0]++)
		for (o[1] = o[0] + 1; o[1] < minlen; o[1]++)
			for (o[2] = o[1] + 1; o[2] < minlen; o[2]++) {
				unsigned char val[BS_SUP_BYTES][16];
				double score = 1;
				size_t j;

				for (j = 0; j < BS_SUP_BYTES && score > 0; j++) {
					double sum = 0;
					size_t x;

					for (x = 0; x < 16; x++)
						val[j][x] = (unsigned char)(0x80 | x);
					for (k = 0; k < nd->n; k++) {
						unsigned char c = (unsigned char)
						    nd->s[k][o[j]];

						if (c >= 0x80 || (val[j][c & 15] <
						    0x80 && val[j][c & 15] != c)) {
							score = 0;
							break;
						}
						if (val[j][c & 15] != c)
							sum += weight(c);
						val[j][c & 15] = c;
					}
					score *= sum;
				}
				if (score <= 0 || (nd->sup && score >= best))
					continue;
				best = score;
				nd->sup = 1;
				for (j = 0; j < BS_SUP_BYTES; j++) {
					nd->sup_off[j] = (unsigned char)o[j];
					memcpy(nd->sup_val[j], val[j], 16);
				}
			}
	if (!nd->sup)
		return;
	for (k = 0; k < nd->n; k++)
		for (size_t j = 0; j < BS_SUP_BYTES; j++)
			nd->sup_lo[j][(unsigned char)nd->s[k][nd->sup_off[j]] &
			    15] |= (uint16_t)(1u << k);
}

void
bs_needles_init(struct bs_needles *nd, const char *const *needles)
{
	size_t i;

	memset(nd, 0, sizeof(*nd));
	for (i = 0; needles != NULL && needles[i] != NULL &&
	    nd->n < BS_NEEDLES_MAX; i++) {
		const char *w = needles[i];
		size_t len;

		if (w[0] == '\\' && w[1] == 'b') {
			nd->word |= 1u << nd->n;
			w += 2;
		}
		if ((len = strlen(w)) == 0)
			continue;
		nd->s[nd->n] = w;
		nd->len[nd->n] = len;
		if (len == 1)
			nd->p1[nd->n] = nd->p2[nd->n] = 0;
		else
			pick_probes(w, len, &nd->p1[nd->n],
			    &nd->p2[nd->n]);
		if (len >= 8) {
			memcpy(&nd->head[nd->n], w, 8);
			memcpy(&nd->tail[nd->n], w + len - 8, 8);
		} else if (len >= 4) {
			uint32_t h, t;

			memcpy(&h, w, 4);
			memcpy(&t, w + len - 4, 4);
			nd->head[nd->n] = h;
			nd->tail[nd->n] = t;
		}
		if (len > nd->maxlen)
			nd->maxlen = len;
		nd->n++;
	}
	teddy_init(nd);
	sup_init(nd);
#ifdef HAVE_SSE2
	/* Checked once here, not per scan. */
	nd->avx2 = __builtin_cpu_supports("avx2");
#endif
}

/*
 * Whether needle k may start at p, base being where the scan began: a
 * word-start needle ("\\b", scan.h) not right after a word byte.
 */
static inline bool
starts_ok(const struct bs_needles *nd, size_t k, const char *base,
    const char *p)
{
	unsigned char c;

	if (!((nd->word >> k) & 1) || p == base)
		return true;
	c = (unsigned char)p[-1];
	return !(c == '_' || (c >= '0' && c <= '9') ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
}

/*
 * The plain way, for short tails and machines without SSE2: a byte loop
 * for a few dozen bytes (cheaper than memmem's set-up), memmem beyond.
 */
static size_t
scan_slow(const struct bs_needles *nd, const char *base, const char *s,
    size_t n)
{
	size_t best = n, i, k;

	if (n <= 64) {
		for (i = 0; i < n; i++)
			for (k = 0; k < nd->n; k++)
				if (s[i] == nd->s[k][0] && n - i >= nd->len[k] &&
				    memcmp(s + i, nd->s[k], nd->len[k]) == 0 &&
				    starts_ok(nd, k, base, s + i))
					return i;
		return n;
	}
	for (k = 0; k < nd->n; k++) {
		const char *from = s;

		/* Only starts before the best so far are of interest. */
		for (;;) {
			size_t lim = best < n ? best + nd->len[k] - 1 : n;
			const char *h;

			if (lim > n)
				lim = n;
			if ((size_t)(from - s) >= lim)
				break;
			h = memmem(from, lim - (size_t)(from - s), nd->s[k],
			    nd->len[k]);
			if (h == NULL)
				break;
			if (starts_ok(nd, k, base, h)) {
				if ((size_t)(h - s) < best)
					best = (size_t)(h - s);
				break;
			}
			from = h + 1;
		}
	}
	return best;
}

#ifdef HAVE_SSE2
/*
 * memcmp for a needle, written out: a call in the scan loop would make
 * the compiler keep the probe vectors in memory (a call may clobber every
 * vector register).
 */
static inline bool
same(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/*
 * Whether needle k is at p (all of it readable): its first and last 8
 * (or 4) bytes, two loads each, where it has as many.
 */
static inline bool
needle_at(const struct bs_needles *nd, size_t k, const char *p)
{
	size_t len = nd->len[k];

	if (len >= 8) {
		uint64_t h, t;

		memcpy(&h, p, 8);
		memcpy(&t, p + len - 8, 8);
		return h == nd->head[k] && t == nd->tail[k];
	}
	if (len >= 4) {
		uint32_t h, t;

		memcpy(&h, p, 4);
		memcpy(&t, p + len - 4, 4);
		return h == nd->head[k] && t == nd->tail[k];
	}
	return same(p, nd->s[k], len);
}

/*
 * The lowest start in the block at s + at whose bits are set in mask
 * (candidates for needle k) where the needle matches whole, or best.
 */
static inline unsigned
verify(const struct bs_needles *nd, size_t k, const char *s, size_t at,
    unsigned mask, unsigned best)
{
	while (mask != 0) {
		unsigned bit = (unsigned)__builtin_ctz(mask);

		if (bit >= best)
			break;
		if (needle_at(nd, k, s + at + bit) &&
		    starts_ok(nd, k, s, s + at + bit))
			return bit;
		mask &= mask - 1;
	}
	return best;
}

/*
 * The search over blocks of 32 starts (16 for SSE2), written once for
 * both widths and inlined per needle count, so that the probe vectors of
 * a few needles stay in registers (ANY and PROBE are spelled out per
 * needle: the compiler does not unroll a loop over them at -O2).  A block
 * is first tested for any candidate of any needle, one OR of the needles'
 * compares; only a block with one is looked at needle by needle.  Whole
 * blocks run while every needle fits; the last block is laid over the end
 * (its starts already searched are masked off), and a byte loop takes the
 * few starts where only the shorter needles fit.
 */
_Static_assert(BS_NEEDLES_MAX <= 16,
    "INIT, ANY and PROBE are spelled out for 16");

/* Constant indexes everywhere, or the vectors live on the stack. */
#define INIT(k, SET1, nn)						\
	if ((k) < (nn)) {						\
		o1[k] = nd->p1[k];					\
		o2[k] = nd->p2[k];					\
		p1v[k] = SET1(nd->s[k][o1[k]]);				\
		p2v[k] = SET1(nd->s[k][o2[k]]);				\
	} else {							\
		o1[k] = o2[k] = 0;					\
		p1v[k] = p2v[k] = SET1(0);				\
	}

#define CAND(k, LOAD, CMPEQ, AND)					\
	AND(CMPEQ(LOAD((const void *)(s + i + o1[k])), p1v[k]),		\
	    CMPEQ(LOAD((const void *)(s + i + o2[k])), p2v[k]))

#define ANY(k, LOAD, CMPEQ, AND, OR, nn)				\
	if ((k) < (nn))							\
		any = OR(any, CAND(k, LOAD, CMPEQ, AND));

#define PROBE(k, LOAD, CMPEQ, AND, MOVEMASK, nn)			\
	if ((k) < (nn)) {						\
		unsigned m_ = (unsigned)MOVEMASK(CAND(k, LOAD, CMPEQ,	\
		    AND)) & keep;					\
									\
		if (m_ != 0)						\
			best = verify(nd, (k), s, i, m_, best);		\
	}

#define SCAN_BODY(W, VEC, LOAD, SET1, ZERO, CMPEQ, AND, OR, MOVEMASK, nn) \
	VEC p1v[BS_NEEDLES_MAX], p2v[BS_NEEDLES_MAX];			\
	size_t o1[BS_NEEDLES_MAX], o2[BS_NEEDLES_MAX];			\
	size_t i = 0, lim, tail;					\
									\
	if (n < (W) + nd->maxlen - 1)					\
		return scan_slow(nd, s, s, n);				\
	INIT(0, SET1, nn) INIT(1, SET1, nn) INIT(2, SET1, nn)		\
	INIT(3, SET1, nn) INIT(4, SET1, nn) INIT(5, SET1, nn)		\
	INIT(6, SET1, nn) INIT(7, SET1, nn) INIT(8, SET1, nn)		\
	INIT(9, SET1, nn) INIT(10, SET1, nn) INIT(11, SET1, nn)	\
	INIT(12, SET1, nn) INIT(13, SET1, nn) INIT(14, SET1, nn)	\
	INIT(15, SET1, nn)						\
	lim = n - ((W) + nd->maxlen - 1);	/* the last block start */ \
	for (;;) {							\
		unsigned best = (W), keep = ~0u;			\
		VEC any = ZERO();					\
									\
		if (i > lim) {						\
			if (i >= lim + (W))				\
				break;					\
			keep = ~0u << (i - lim);			\
			i = lim;					\
		}							\
		ANY(0, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(1, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(2, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(3, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(4, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(5, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(6, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(7, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(8, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(9, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(10, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(11, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(12, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(13, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(14, LOAD, CMPEQ, AND, OR, nn)			\
		ANY(15, LOAD, CMPEQ, AND, OR, nn)			\
		if (((unsigned)MOVEMASK(any) & keep) != 0) {		\
			PROBE(0, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(1, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(2, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(3, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(4, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(5, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(6, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(7, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(8, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(9, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(10, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(11, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(12, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(13, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(14, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			PROBE(15, LOAD, CMPEQ, AND, MOVEMASK, nn)	\
			if (best < (W))					\
				return i + best;			\
		}							\
		i += (W);						\
	}								\
	/* Starts where only needles shorter than the longest fit. */	\
	tail = lim + (W);						\
	return tail + scan_slow(nd, s, s + tail, n - tail)

__attribute__((target("avx2"), always_inline))
static inline size_t
scan_avx2_n(const struct bs_needles *nd, const char *s, size_t n, size_t nn)
{
	SCAN_BODY(32, __m256i, _mm256_loadu_si256, _mm256_set1_epi8,
	    _mm256_setzero_si256, _mm256_cmpeq_epi8, _mm256_and_si256,
	    _mm256_or_si256, _mm256_movemask_epi8, nn);
}

/*
 * The needles (bit k of a byte of the vector) whose first bytes fit the
 * bytes at s: the Teddy test of teddy_init, 32 starts at once.  The high
 * nibble is shifted down in 16-bit lanes and masked: vpshufb reads only
 * the low four bits of an index (and the top one, which the mask clears).
 */
__attribute__((target("avx2"), always_inline))
static inline __m256i
teddy_byte(const char *s, __m256i lo, __m256i hi, __m256i val, __m256i low4,
    bool exact)
{
	__m256i v = _mm256_loadu_si256((const void *)s);

	/*
	 * Where the byte names the needles by its low nibble alone, one
	 * compare with that needle byte replaces the high-nibble look-up;
	 * vpshufb gives 0 for a byte from 0x80, which no needle byte there
	 * is and whose look-up is 0 too.
	 */
	if (exact)
		return _mm256_and_si256(_mm256_shuffle_epi8(lo, v),
		    _mm256_cmpeq_epi8(_mm256_shuffle_epi8(val, v), v));
	return _mm256_and_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(v,
	    low4)), _mm256_shuffle_epi8(hi, _mm256_and_si256(
	    _mm256_srli_epi16(v, 4), low4)));
}

/*
 * Whether one of the needles in set ks (bits) starts at p, base being
 * where the scan began.
 */
static inline bool
any_at(const struct bs_needles *nd, const char *base, const char *p,
    unsigned ks)
{
	while (ks != 0) {
		unsigned k = (unsigned)__builtin_ctz(ks);

		if (needle_at(nd, k, p) && starts_ok(nd, k, base, p))
			return true;
		ks &= ks - 1;
	}
	return false;
}

/* The candidates of the 32 starts at s; bit j of exact as in scan.h. */
__attribute__((target("avx2"), always_inline))
static inline __m256i
teddy_block(const char *s, const __m256i *lo, const __m256i *hi,
    const __m256i *val, __m256i low4, unsigned exact)
{
	_Static_assert(BS_TEDDY_BYTES == 3, "teddy_block tests 3 bytes");
	return _mm256_and_si256(_mm256_and_si256(
	    teddy_byte(s, lo[0], hi[0], val[0], low4, exact & 1),
	    teddy_byte(s + 1, lo[1], hi[1], val[1], low4, exact & 2)),
	    teddy_byte(s + 2, lo[2], hi[2], val[2], low4, exact & 4));
}

/*
 * The lowest start in the block at s whose candidate needles (cand, one
 * byte per start) match whole there, among the starts in keep; 32 when
 * there is none.  Every needle fits at every start of the block.
 */
__attribute__((target("avx2")))
static unsigned
teddy_verify(const struct bs_needles *nd, const char *base, const char *s,
    __m256i cand, unsigned keep)
{
	unsigned char b[32];
	unsigned mask;

	mask = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(cand,
	    _mm256_setzero_si256())) & keep;
	_mm256_storeu_si256((void *)b, cand);
	while (mask != 0) {
		unsigned bit = (unsigned)__builtin_ctz(mask), ks = b[bit];

		if (any_at(nd, base, s + bit, ks))
			return bit;
		mask &= mask - 1;
	}
	return 32;
}

/*
 * The block loop of SCAN_BODY with the Teddy test in place of the probes.
 * Almost every block is dismissed by one VPTEST of its candidates.
 */
__attribute__((target("avx2"), always_inline))
static inline size_t
scan_teddy(const struct bs_needles *nd, const char *s, size_t n,
    unsigned exact)
{
	__m256i lo[BS_TEDDY_BYTES], hi[BS_TEDDY_BYTES], val[BS_TEDDY_BYTES];
	__m256i low4 = _mm256_set1_epi8(0x0f);
	size_t i = 0, j, lim, tail;

	if (n < 32 + nd->maxlen - 1)
		return scan_slow(nd, s, s, n);
	for (j = 0; j < BS_TEDDY_BYTES; j++) {
		lo[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128(
		    (const void *)nd->lo[j]));
		hi[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128(
		    (const void *)nd->hi[j]));
		val[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128(
		    (const void *)nd->val[j]));
	}
	lim = n - (32 + nd->maxlen - 1);	/* the last block start */
	/*
	 * Two blocks a turn while both are whole: one test of both blocks'
	 * candidates, and half the loop's own instructions.
	 */
	for (; i + 32 <= lim; i += 64) {
		__m256i a = teddy_block(s + i, lo, hi, val, low4, exact);
		__m256i b = teddy_block(s + i + 32, lo, hi, val, low4,
		    exact);
		__m256i ab = _mm256_or_si256(a, b);

		if (!_mm256_testz_si256(ab, ab)) {
			unsigned at = teddy_verify(nd, s, s + i, a, ~0u);

			if (at < 32)
				return i + at;
			at = teddy_verify(nd, s, s + i + 32, b, ~0u);
			if (at < 32)
				return i + 32 + at;
		}
	}
	for (;;) {
		unsigned keep = ~0u;
		__m256i cand;

		if (i > lim) {
			if (i >= lim + 32)
				break;
			keep = ~0u << (i - lim);
			i = lim;
		}
		cand = teddy_block(s + i, lo, hi, val, low4, exact);
		if (!_mm256_testz_si256(cand, cand)) {
			unsigned at = teddy_verify(nd, s, s + i, cand, keep);

			if (at < 32)
				return i + at;
		}
		i += 32;
	}
	/* Starts where only needles shorter than the longest fit. */
	tail = lim + 32;
	return tail + scan_slow(nd, s, s + tail, n - tail);
}

/*
 * The candidates of the 32 starts at s for the superset test: a start is
 * one where the byte at each offset is one of the needles' bytes there.
 * vpshufb gives 0 for a byte from 0x80, which then differs from it.
 */
__attribute__((target("avx2"), always_inline))
static inline __m256i
sup_block(const char *s, const __m256i *val, const size_t *off)
{
	__m256i a = _mm256_loadu_si256((const void *)(s + off[0]));
	__m256i b = _mm256_loadu_si256((const void *)(s + off[1]));
	__m256i c = _mm256_loadu_si256((const void *)(s + off[2]));

	_Static_assert(BS_SUP_BYTES == 3, "sup_block tests 3 offsets");
	return _mm256_and_si256(_mm256_and_si256(
	    _mm256_cmpeq_epi8(_mm256_shuffle_epi8(val[0], a), a),
	    _mm256_cmpeq_epi8(_mm256_shuffle_epi8(val[1], b), b)),
	    _mm256_cmpeq_epi8(_mm256_shuffle_epi8(val[2], c), c));
}

/*
 * The lowest start among the bits of mask (candidates of the block at s)
 * where a needle matches whole, or 32.  A candidate's bytes at the
 * offsets are needle bytes, each told by its low nibble: sup_lo names the
 * needles that have all three, and only those are compared.  Every
 * needle fits at every start.  Inlined: on the Postfix needles about one
 * block pair in ten has a candidate, and a call cost a third of the work.
 */
__attribute__((always_inline))
static inline unsigned
sup_verify(const struct bs_needles *nd, const char *base, const char *s,
    unsigned mask)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o0 = nd->sup_off[0], o1 = nd->sup_off[1], o2 = nd->sup_off[2];

	_Static_assert(BS_SUP_BYTES == 3, "sup_verify reads 3 offsets");
	while (mask != 0) {
		unsigned bit = (unsigned)__builtin_ctz(mask);
		unsigned ks = (unsigned)nd->sup_lo[0][u[bit + o0] & 15] &
		    nd->sup_lo[1][u[bit + o1] & 15] &
		    nd->sup_lo[2][u[bit + o2] & 15];

		if (any_at(nd, base, s + bit, ks))
			return bit;
		mask &= mask - 1;
	}
	return 32;
}

/* The block loop of scan_teddy with the superset test. */
__attribute__((target("avx2")))
static size_t
scan_sup(const struct bs_needles *nd, const char *s, size_t n)
{
	__m256i val[BS_SUP_BYTES];
	size_t off[BS_SUP_BYTES], i = 0, j, lim, tail;

	if (n < 32 + nd->maxlen - 1)
		return scan_slow(nd, s, s, n);
	for (j = 0; j < BS_SUP_BYTES; j++) {
		val[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128(
		    (const void *)nd->sup_val[j]));
		off[j] = nd->sup_off[j];
	}
	lim = n - (32 + nd->maxlen - 1);	/* the last block start */
	for (; i + 32 <= lim; i += 64) {
		__m256i a = sup_block(s + i, val, off);
		__m256i b = sup_block(s + i + 32, val, off);
		__m256i ab = _mm256_or_si256(a, b);

		if (!_mm256_testz_si256(ab, ab)) {
			unsigned at = sup_verify(nd, s, s + i,
			    (unsigned)_mm256_movemask_epi8(a));

			if (at < 32)
				return i + at;
			at = sup_verify(nd, s, s + i + 32,
			    (unsigned)_mm256_movemask_epi8(b));
			if (at < 32)
				return i + 32 + at;
		}
	}
	for (;;) {
		unsigned keep = ~0u, at;

		if (i > lim) {
			if (i >= lim + 32)
				break;
			keep = ~0u << (i - lim);
			i = lim;
		}
		at = sup_verify(nd, s, s + i,
		    (unsigned)_mm256_movemask_epi8(sup_block(s + i, val, off)) &
		    keep);
		if (at < 32)
			return i + at;
		i += 32;
	}
	/* Starts where only needles shorter than the longest fit. */
	tail = lim + 32;
	return tail + scan_slow(nd, s, s + tail, n - tail);
}

__attribute__((target("avx2")))
static size_t
scan_avx2(const struct bs_needles *nd, const char *s, size_t n)
{
	if (nd->sup)
		return scan_sup(nd, s, n);
	/* Each case a copy with its own choice of tests per byte. */
	if (nd->teddy)
		switch (nd->exact) {
		case 0:
			return scan_teddy(nd, s, n, 0);
		case 1:
			return scan_teddy(nd, s, n, 1);
		case 2:
			return scan_teddy(nd, s, n, 2);
		case 3:
			return scan_teddy(nd, s, n, 3);
		case 4:
			return scan_teddy(nd, s, n, 4);
		case 5:
			return scan_teddy(nd, s, n, 5);
		case 6:
			return scan_teddy(nd, s, n, 6);
		default:
			return scan_teddy(nd, s, n, 7);
		}
	/*
	 * A copy per count up to 5 keeps its probe vectors in registers:
	 * Exchange has 5 needles ("DE" too short for the other tests; the
	 * generic copy cost it 40% more), the parsers search single ones.
	 */
	switch (nd->n) {
	case 1:
		return scan_avx2_n(nd, s, n, 1);
	case 2:
		return scan_avx2_n(nd, s, n, 2);
	case 3:
		return scan_avx2_n(nd, s, n, 3);
	case 4:
		return scan_avx2_n(nd, s, n, 4);
	case 5:
		return scan_avx2_n(nd, s, n, 5);
	default:
		return scan_avx2_n(nd, s, n, nd->n);
	}
}

static size_t
scan_sse2(const struct bs_needles *nd, const char *s, size_t n)
{
	SCAN_BODY(16, __m128i, _mm_loadu_si128, _mm_set1_epi8,
	    _mm_setzero_si128, _mm_cmpeq_epi8, _mm_and_si128, _mm_or_si128,
	    _mm_movemask_epi8, nd->n);
}
#endif

/* Hot: the splitter's scan over every buffer of input. */
size_t
bs_scan_needles(const struct bs_needles *nd, const char *s, size_t n)
{
	if (nd->n == 0)
		return n;
#ifdef HAVE_SSE2
	if (nd->avx2)
		return scan_avx2(nd, s, n);
	return scan_sse2(nd, s, n);
#else
	return scan_slow(nd, s, s, n);
#endif
}

/*
 * Matches are counted in byte-wide counters (a compare gives -1 per
 * match, subtracted), which are summed with SAD before they can overflow.
 * The AVX2 loop takes four blocks a turn (a compare and a subtraction
 * each), and the last partial block is a 32-byte load that ends at the
 * end of the data, its bytes already counted masked off: the splitter
 * counts every span of lines between two hits, tens of thousands of
 * spans, and a byte loop over each one's tail cost more than the spans'
 * middles.
 */
#ifdef HAVE_SSE2
__attribute__((target("avx2,popcnt")))
static size_t
count_avx2(const char *s, size_t n, char c)
{
	__m256i cc = _mm256_set1_epi8(c), zero = _mm256_setzero_si256();
	size_t count = 0, i = 0, whole = n - n % 32, rest;

#define COUNT_BLOCK(at)							\
	acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(			\
	    _mm256_loadu_si256((const void *)(s + (at))), cc))
	while (i < whole) {
		__m256i acc = zero, sum;
		/* 252 blocks: a multiple of four, and no counter wraps. */
		size_t stop = whole - i > 32 * 252 ? i + 32 * 252 : whole;

		for (; i + 128 <= stop; i += 128) {
			COUNT_BLOCK(i);
			COUNT_BLOCK(i + 32);
			COUNT_BLOCK(i + 64);
			COUNT_BLOCK(i + 96);
		}
		for (; i < stop; i += 32)
			COUNT_BLOCK(i);
		sum = _mm256_sad_epu8(acc, zero);
		count += (size_t)_mm256_extract_epi64(sum, 0) +
		    (size_t)_mm256_extract_epi64(sum, 1) +
		    (size_t)_mm256_extract_epi64(sum, 2) +
		    (size_t)_mm256_extract_epi64(sum, 3);
	}
#undef COUNT_BLOCK
	rest = n - whole;
	if (rest > 0) {
		unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		    _mm256_loadu_si256((const void *)(s + n - 32)), cc));

		count += (size_t)__builtin_popcount(m >> (32 - rest));
	}
	return count;
}
#endif

size_t
bs_scan_count(const char *s, size_t n, char c)
{
	size_t count = 0, i = 0;
#ifdef HAVE_SSE2
	__m128i cc = _mm_set1_epi8(c), zero = _mm_setzero_si128();

	/* Reads of a variable the C library set up at start-up. */
	if (n >= 32 && __builtin_cpu_supports("avx2") &&
	    __builtin_cpu_supports("popcnt"))
		return count_avx2(s, n, c);
	while (i + 16 <= n) {
		__m128i acc = zero, sum;
		size_t stop = i + 16 * 255;

		if (stop > n - n % 16)
			stop = n - n % 16;
		for (; i + 16 <= stop; i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(
			    (const void *)(s + i)), cc));
		sum = _mm_sad_epu8(acc, zero);
		count += (size_t)_mm_cvtsi128_si32(sum) +
		    (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
	}
#endif
	for (; i < n; i++)
		count += s[i] == c;
	return count;
}
