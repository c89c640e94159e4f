/*
 * testutil.c - helpers shared by the Check suites (see testutil.h).
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

void
bs_test_mkdtemp(char dir[64], const char *tag)
{
	snprintf(dir, 64, "/tmp/bs_%s_XXXXXX", tag);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
bs_test_rmtree(char dir[64])
{
	if (dir[0] != '\0')
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	dir[0] = '\0';
}

char *
bs_test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return buf;
}

void
bs_test_keep_warning(void *ctx, const struct bs_diag *d)
{
	struct bs_test_warnings *w = ctx;
	char line[BS_DIAG_MSG_MAX + 300];

	bs_diag_format(d, line, sizeof(line));
	strncat(w->text, line, sizeof(w->text) - strlen(w->text) - 2);
	strcat(w->text, "\n");
}

uint32_t
bs_test_rand(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (uint32_t)(*state >> 32);
}

double *
bs_test_zipf_new(size_t n)
{
	double *cum = malloc(n * sizeof(*cum)), sum = 0;
	size_t k;

	ck_assert_ptr_nonnull(cum);
	for (k = 0; k < n; k++) {
		sum += 1.0 / (double)(k + 1);
		cum[k] = sum;
	}
	return cum;
}

size_t
bs_test_zipf(uint64_t *state, const double *cum, size_t n)
{
	double u = (double)bs_test_rand(state) / 4294967296.0 * cum[n - 1];
	size_t lo = 0, hi = n - 1;

	/* The first k whose cumulative weight passes u. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cum[mid] <= u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
