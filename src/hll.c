/*
 * hll.c - the HyperLogLog estimate (see hll.h).
 */
#include <math.h>
#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "hll.h"

uint64_t
bs_hll_estimate(const uint8_t *hll, unsigned bits)
{
	double m = (double)(1u << bits), sum = 0, est;
	unsigned zeros = 0, i;

	for (i = 0; i < 1u << bits; i++) {
		sum += ldexp(1.0, -hll[i]);
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
