/*
 * hash.h - the one byte-string hash of bouncestat (message ids, codes,
 * breakdown keys, joins).  Not cryptographic: keys come from logs, and
 * every table that uses it bounds its probe runs by its load, not by trust
 * in the hash.
 */
#ifndef BS_HASH_H
#define BS_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t
bs_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static inline uint64_t
bs_load64_(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return w;
}

/*
 * Fold 8 bytes into h: the multiply carries each bit upwards, the shift
 * brings the high half back down, so every bit counts for the next word.
 */
static inline uint64_t
bs_fold_(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

/*
 * Hash of n bytes, 8 at a time (hot: once per event for its message id
 * and once for its codes).  The last word ends at the last byte, so it
 * may overlap the one before; under 8 bytes, the bytes make one word.
 */
static inline uint64_t
bs_hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ n, w = 0;
	size_t i;

	if (n < 8) {
		for (i = 0; i < n; i++)
			w |= (uint64_t)s[i] << (8 * i);
		return bs_mix64(bs_fold_(h, w));
	}
	for (i = 0; i + 8 < n; i += 8)
		h = bs_fold_(h, bs_load64_(s + i));
	return bs_mix64(bs_fold_(h, bs_load64_(s + n - 8)));
}

/*
 * A hash of n bytes for long texts (a warning's, about 100 bytes): from
 * 32 bytes on, two lanes of words folded side by side, which halves the
 * chain of multiplies bs_hash_bytes waits on; shorter texts hash as
 * there.  Not the same values as bs_hash_bytes.
 */
static inline uint64_t
bs_hash_wide(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t a = 0xcbf29ce484222325ULL ^ n, b = 0x9e3779b97f4a7c15ULL;
	size_t i;

	if (n < 32)
		return bs_hash_bytes(p, n);
	for (i = 0; i + 16 < n; i += 16) {
		a = bs_fold_(a, bs_load64_(s + i));
		b = bs_fold_(b, bs_load64_(s + i + 8));
	}
	a = bs_fold_(a, bs_load64_(s + n - 16));
	b = bs_fold_(b, bs_load64_(s + n - 8));
	return bs_mix64(a ^ (b * 0xc4ceb9fe1a85ec53ULL));
}

#endif
