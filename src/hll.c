/*
 * hll.c - the HyperLogLog estimate (see hll.h).
 */
#include <math.h>

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

void
bs_hll_merge(uint8_t *dst, const uint8_t *src, unsigned bits)
{
	unsigned i;

	for (i = 0; i < 1u << bits; i++)
		if (dst[i] < src[i])
			dst[i] = src[i];
}
