/*
 * grow.h - room in an array that doubles as it fills.
 */
#ifndef BS_GROW_H
#define BS_GROW_H

#include <stddef.h>
#include <stdlib.h>

/*
 * Array p, with room for *cap elements of size bytes, with room for want:
 * p itself, or a larger copy (its room doubled from first until it is
 * enough, *cap updated).  NULL when out of memory: p and *cap stay.
 */
static inline void *
bs_grow(void *p, size_t *cap, size_t want, size_t size, size_t first)
{
	size_t ncap = *cap ? *cap : first;

	if (want <= *cap)
		return p;
	while (ncap < want)
		ncap *= 2;
	if ((p = realloc(p, ncap * size)) != NULL)
		*cap = ncap;
	return p;
}

#endif
