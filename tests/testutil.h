/*
 * testutil.h - what several Check suites share: a quiet check for loops,
 * a temporary folder per test, and reading a whole file.
 */
#ifndef BS_TESTUTIL_H
#define BS_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/*
 * Each passing ck_assert records its place through a write(2); loops that
 * run a million times check with this instead, which costs nothing when
 * the condition holds.
 */
#define QUIET_CHECK(expr, ...) \
	do { \
		if (!(expr)) \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* Make a fresh folder /tmp/bs_TAG_XXXXXX, its name in dir. */
void bs_test_mkdtemp(char dir[64], const char *tag);

/* Remove dir and all it holds (nothing when dir is ""), and empty dir. */
void bs_test_rmtree(char dir[64]);

/*
 * Warnings collected as bs_diag_format writes them, one a line: pass
 * bs_test_keep_warning as a run's warn, with such a struct (zeroed) as
 * its context.  What does not fit is dropped.
 */
struct bs_test_warnings {
	char text[8192];
};

void bs_test_keep_warning(void *ctx, const struct bs_diag *d);

/*
 * A cheap fixed pseudo-random sequence (xorshift64): the same cases on
 * every run.  *state must not be 0.
 */
uint32_t bs_test_rand(uint64_t *state);

/*
 * A skewed draw from 0 .. n-1, key k with weight 1 / (k + 1) (Zipf's law,
 * as recipient domains and hosts are spread), through a table of
 * cumulative weights that bs_test_zipf_new makes (free() it).
 */
double *bs_test_zipf_new(size_t n);
size_t bs_test_zipf(uint64_t *state, const double *cum, size_t n);

/*
 * The whole of path, malloc'd, its size in *len; fails the test if it
 * cannot be read.
 */
char *bs_test_slurp(const char *path, size_t *len);

#endif
