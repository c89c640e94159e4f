/*
 * hll.c - the HyperLogLog estimate (see hll.h).
 */
#include <math.h>
#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "hll.h"

/*
 * 2^-r for the register values a 64-bit hash gives (at most 65): ldexp
 * per register cost a run's report about 1%.
 */
static const double pow2_neg[] = { 0x1p-0, 0x1p-1, 0x1p-2, 0x1p-3, 0x1p-4,
	0x1p-5, 0x1p-6, 0x1p-7, 0x1p-8, 0x1p-9, 0x1p-10, 0x1p-11, 0x1p-12,
	0x1p-13, 0x1p-14, 0x1p-15, 0x1p-16, 0x1p-17, 0x1p-18, 0x1p-19, 0x1p-20,
	0x1p-21, 0x1p-22, 0x1p-23, 0x1p-24, 0x1p-25, 0x1p-26, 0x1p-27, 0x1p-28,
	0x1p-29, 0x1p-30, 0x1p-31, 0x1p-32, 0x1p-33, 0x1p-34, 0x1p-35, 0x1p-36,
	0x1p-37, 0x1p-38, 0x1p-39, 0x1p-40, 0x1p-41, 0x1p-42, 0x1p-43, 0x1p-44,
	0x1p-45, 0x1p-46, 0x1p-47, 0x1p-48, 0x1p-49, 0x1p-50, 0x1p-51, 0x1p-52,
	0x1p-53, 0x1p-54, 0x1p-55, 0x1p-56, 0x1p-57, 0x1p-58, 0x1p-59, 0x1p-60,
	0x1p-61, 0x1p-62, 0x1p-63, 0x1p-64, 0x1p-65, 0x1p-66, 0x1p-67, 0x1p-68,
	0x1p-69, 0x1p-70, 0x1p-71 };

uint64_t
bs_hll_estimate(const uint8_t *hll, unsigned bits)
{
	double m = (double)(1u << bits), sum = 0, est;
	unsigned zeros = 0, i;

	for (i = 0; i < 1u << bits; i++) {
		sum += hll[i] < sizeof(pow2_neg) / sizeof(pow2_neg[0]) ?
		    pow2_neg[hll[i]] :
		    ldexp(1.0, -hll[i]);
		if (hll[i] == 0)
			zeros++;
	}
	est = (0.7213 / (1 + 1.079 / m)) * m * m / sum;
	if (est <= 2.5 * m && zeros > 0)
		est = m * log(m / zeros);
	return (uint64_t)(est + 0.5);
}

/*
 * Sixteen registers at a time where SSE2 is there: a breakdown past its
 * key budget merges an evicted key's sketch into "(other)" at every
 * eviction, which is every event on a log of distinct keys.
 */
void
bs_hll_merge(uint8_t *dst, const uint8_t *src, unsigned bits)
{
	size_t i = 0, n = (size_t)1 << bits;

#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		__m128i d = _mm_loadu_si128((const void *)(dst + i));
		__m128i s = _mm_loadu_si128((const void *)(src + i));

		_mm_storeu_si128((void *)(dst + i), _mm_max_epu8(d, s));
	}
#endif
	for (; i < n; i++)
		if (dst[i] < src[i])
			dst[i] = src[i];
}
