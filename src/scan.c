/*
 * scan.c - needle search and byte counting, 16 bytes at a time.
 *
 * The needle search is the "first and last byte" filter: for each needle,
 * a block of 16 candidate start positions is compared at once against its
 * first byte (at the position) and its last byte (at position + length -
 * 1); only positions where both match are compared whole.  Mail log text
 * rarely has both, so almost every block is dismissed with four compares
 * per needle.  On x86-64 the blocks are 32 bytes with AVX2 where the
 * processor has it (checked at run time), else 16 with SSE2.
 */
#include <string.h>

#include "scan.h"

#if defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#define HAVE_SSE2 1
#endif

void
bs_needles_init(struct bs_needles *nd, const char *const *needles)
{
	size_t i;

	memset(nd, 0, sizeof(*nd));
	for (i = 0; needles != NULL && needles[i] != NULL &&
	    nd->n < BS_NEEDLES_MAX; i++) {
		size_t len = strlen(needles[i]);

		if (len == 0)
			continue;
		nd->s[nd->n] = needles[i];
		nd->len[nd->n] = len;
		if (len > nd->maxlen)
			nd->maxlen = len;
		nd->n++;
	}
#ifdef HAVE_SSE2
	/* Checked once here, not per scan. */
	nd->avx2 = __builtin_cpu_supports("avx2");
#endif
}

/*
 * The plain way, for short tails and machines without SSE2: a byte loop
 * for a few dozen bytes (cheaper than memmem's set-up), memmem beyond.
 */
static size_t
scan_slow(const struct bs_needles *nd, const char *s, size_t n)
{
	size_t best = n, i, k;

	if (n <= 64) {
		for (i = 0; i < n; i++)
			for (k = 0; k < nd->n; k++)
				if (s[i] == nd->s[k][0] && n - i >= nd->len[k] &&
				    memcmp(s + i, nd->s[k], nd->len[k]) == 0)
					return i;
		return n;
	}
	for (k = 0; k < nd->n; k++) {
		/* Only starts before the best so far are of interest. */
		size_t lim = best < n ? best + nd->len[k] - 1 : n;
		const char *h = memmem(s, lim < n ? lim : n, nd->s[k],
		    nd->len[k]);

		if (h != NULL && (size_t)(h - s) < best)
			best = (size_t)(h - s);
	}
	return best;
}

#ifdef HAVE_SSE2
/*
 * One block of W candidate starts at s: the lowest start where a needle
 * matches whole, or W.  cmp gives each needle's bit mask of positions
 * whose first and last bytes match.
 */
#define VERIFY(mask, k, best)						\
	do {								\
		unsigned long long m_ = (mask);				\
		while (m_ != 0) {					\
			unsigned bit_ = (unsigned)__builtin_ctzll(m_);	\
			if (bit_ >= (best))				\
				break;					\
			if (memcmp(s + i + bit_ + 1, nd->s[k] + 1,	\
			    nd->len[k] - 1) == 0) {			\
				(best) = bit_;				\
				break;					\
			}						\
			m_ &= m_ - 1;					\
		}							\
	} while (0)

__attribute__((target("avx2")))
static size_t
scan_avx2(const struct bs_needles *nd, const char *s, size_t n)
{
	__m256i first[BS_NEEDLES_MAX], last[BS_NEEDLES_MAX];
	size_t i = 0, k;

	for (k = 0; k < nd->n; k++) {
		first[k] = _mm256_set1_epi8(nd->s[k][0]);
		last[k] = _mm256_set1_epi8(nd->s[k][nd->len[k] - 1]);
	}
	while (n >= nd->maxlen && i + 32 + nd->maxlen - 1 <= n) {
		__m256i a = _mm256_loadu_si256((const void *)(s + i));
		unsigned best = 32;

		for (k = 0; k < nd->n; k++) {
			__m256i b = _mm256_loadu_si256((const void *)(s + i +
			    nd->len[k] - 1));
			unsigned m = (unsigned)_mm256_movemask_epi8(
			    _mm256_and_si256(_mm256_cmpeq_epi8(a, first[k]),
			    _mm256_cmpeq_epi8(b, last[k])));

			VERIFY(m, k, best);
		}
		if (best < 32)
			return i + best;
		i += 32;
	}
	return i + scan_slow(nd, s + i, n - i);
}

static size_t
scan_sse2(const struct bs_needles *nd, const char *s, size_t n)
{
	__m128i first[BS_NEEDLES_MAX], last[BS_NEEDLES_MAX];
	size_t i = 0, k;

	for (k = 0; k < nd->n; k++) {
		first[k] = _mm_set1_epi8(nd->s[k][0]);
		last[k] = _mm_set1_epi8(nd->s[k][nd->len[k] - 1]);
	}
	/* Whole blocks while every needle's last byte stays inside s. */
	while (n >= nd->maxlen && i + 16 + nd->maxlen - 1 <= n) {
		__m128i a = _mm_loadu_si128((const void *)(s + i));
		unsigned best = 16;

		for (k = 0; k < nd->n; k++) {
			__m128i b = _mm_loadu_si128((const void *)(s + i +
			    nd->len[k] - 1));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(
			    _mm_cmpeq_epi8(a, first[k]),
			    _mm_cmpeq_epi8(b, last[k])));

			VERIFY(m, k, best);
		}
		if (best < 16)
			return i + best;
		i += 16;
	}
	return i + scan_slow(nd, s + i, n - i);
}
#endif

/* Hot: the splitter's scan over every buffer of input. */
size_t
bs_scan_needles(const struct bs_needles *nd, const char *s, size_t n)
{
	if (nd->n == 0)
		return n;
#ifdef HAVE_SSE2
	if (nd->avx2 && n >= 64)
		return scan_avx2(nd, s, n);
	return scan_sse2(nd, s, n);
#else
	return scan_slow(nd, s, n);
#endif
}

/*
 * Matches are counted in 16 byte-wide counters (a compare gives -1 per
 * match, subtracted), which are summed with SAD before they can overflow:
 * no population-count instruction is needed.
 */
size_t
bs_scan_count(const char *s, size_t n, char c)
{
	size_t count = 0, i = 0;
#ifdef HAVE_SSE2
	__m128i cc = _mm_set1_epi8(c), zero = _mm_setzero_si128();

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
