/*
 * hll.h - HyperLogLog: distinct counts in fixed memory, as estimates.
 *
 * A sketch is 2^bits one-byte registers, zeroed by its owner; keys are
 * 48-bit hashes.  The standard error is about 1.04 / sqrt(2^bits).
 */
#ifndef BS_HLL_H
#define BS_HLL_H

#include <stdint.h>

/* Add a key (hot where estimating: once per event). */
static inline void
bs_hll_add(uint8_t *hll, unsigned bits, uint64_t h48)
{
	uint32_t idx = (uint32_t)(h48 >> (48 - bits));
	uint64_t w = h48 << (64 - 48 + bits);
	uint8_t rank = w == 0 ? (uint8_t)(48 - bits + 1) :
	    (uint8_t)(__builtin_clzll(w) + 1);

	if (rank > 48 - bits + 1)
		rank = (uint8_t)(48 - bits + 1);
	if (hll[idx] < rank)
		hll[idx] = rank;
}

/* The estimate of the distinct keys added (small ranges: linear counting). */
uint64_t bs_hll_estimate(const uint8_t *hll, unsigned bits);

/* dst becomes the sketch of the union (register-wise maximum). */
void bs_hll_merge(uint8_t *dst, const uint8_t *src, unsigned bits);

#endif
