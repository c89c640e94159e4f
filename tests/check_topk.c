/*
 * check_topk.c - exact-or-bounded key counts (src/topk.c): exact while the
 * keys fit, and past that a property test: streams with known frequencies,
 * where every listed count must lie in [count, count + error], every key
 * not listed must have at most the unlisted bound, and the heaviest keys
 * must be listed.  Merged summaries keep the same promises.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topk.h"
#include "suites.h"
#include "testutil.h"

static long
feed(struct bs_topk *t, const char *key, uint64_t *other)
{
	enum bs_topk_found f;
	uint64_t old;
	long slot = bs_topk_find(t, key, strlen(key), &f, &old);

	ck_assert_int_ge(slot, 0);
	if (f == BS_TOPK_REPLACED)
		*other += old;
	bs_topk_add(t, (size_t)slot, 1);
	return slot;
}

START_TEST(exact_within_budget)
{
	struct bs_topk *t = bs_topk_new(8);
	uint64_t other = 0;
	char key[16];
	size_t i, len;
	int k;

	ck_assert_ptr_nonnull(t);
	for (k = 0; k < 8; k++) {
		snprintf(key, sizeof(key), "k%d", k);
		for (i = 0; i <= (size_t)k; i++)
			feed(t, key, &other);
	}
	ck_assert_uint_eq(bs_topk_size(t), 8);
	ck_assert(!bs_topk_estimated(t));
	ck_assert_uint_eq(bs_topk_unlisted(t), 0);
	for (i = 0; i < 8; i++) {
		const char *kk = bs_topk_key(t, i, &len);

		ck_assert_uint_eq(bs_topk_error(t, i), 0);
		ck_assert_uint_eq(bs_topk_count(t, i),
		    (uint64_t)atoi(kk + 1) + 1);
	}
	ck_assert_uint_eq(other, 0);
	bs_topk_free(t);
}
END_TEST

START_TEST(too_long_key)
{
	struct bs_topk *t = bs_topk_new(4);
	char *big = malloc(BS_TOPK_KEY_MAX + 2);
	enum bs_topk_found f;
	uint64_t old;

	memset(big, 'a', BS_TOPK_KEY_MAX + 1);
	ck_assert_int_eq(bs_topk_find(t, big, BS_TOPK_KEY_MAX + 1, &f, &old),
	    -1);
	/* A long key that fits is kept whole. */
	ck_assert_int_eq(bs_topk_find(t, big, BS_TOPK_KEY_MAX, &f, &old), 0);
	ck_assert_int_eq(f, BS_TOPK_NEW);
	free(big);
	bs_topk_free(t);
}
END_TEST

#define NKEYS	5000
#define CAP	64

/*
 * Check t against the true counts: listed keys within their bounds,
 * unlisted keys under the unlisted bound, counts adding up with other.
 */
static void
check_bounds(const struct bs_topk *t, const uint64_t *truth, uint64_t total,
    uint64_t other)
{
	bool listed[NKEYS] = { false };
	uint64_t sum = other;
	size_t i, len;

	for (i = 0; i < bs_topk_size(t); i++) {
		const char *k = bs_topk_key(t, i, &len);
		char id_text[16];
		int id;

		/* Keys are bytes, not C strings. */
		snprintf(id_text, sizeof(id_text), "%.*s", (int)len - 1, k + 1);
		id = atoi(id_text);
		uint64_t c = bs_topk_count(t, i), e = bs_topk_error(t, i);

		listed[id] = true;
		sum += c;
		ck_assert_msg(c <= truth[id] && truth[id] <= c + e,
		    "key %d: true %llu not in [%llu, %llu]", id,
		    (unsigned long long)truth[id], (unsigned long long)c,
		    (unsigned long long)(c + e));
	}
	for (i = 0; i < NKEYS; i++)
		if (!listed[i])
			ck_assert_msg(truth[i] <= bs_topk_unlisted(t),
			    "unlisted key %zu: %llu > bound %llu", i,
			    (unsigned long long)truth[i],
			    (unsigned long long)bs_topk_unlisted(t));
	ck_assert_uint_eq(sum, total);
	/* Space-Saving's promise: the bound is at most total / cap. */
	ck_assert_uint_le(bs_topk_unlisted(t), total / CAP + 1);
}

/* A skewed stream: key i with weight 1 / (i + 1). */
static double *cum;

static int
draw(uint64_t *s)
{
	if (cum == NULL)
		cum = bs_test_zipf_new(NKEYS);
	return (int)bs_test_zipf(s, cum, NKEYS);
}

START_TEST(property_bounds)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
	static uint64_t truth[NKEYS];
	struct bs_topk *t = bs_topk_new(CAP);
	uint64_t other = 0, total = 100000;
	char key[16];
	size_t n;

	memset(truth, 0, sizeof(truth));
	for (n = 0; n < total; n++) {
		int k = draw(&seed);

		truth[k]++;
		snprintf(key, sizeof(key), "k%d", k);
		feed(t, key, &other);
	}
	ck_assert(bs_topk_estimated(t));
	check_bounds(t, truth, total, other);
	/* The heaviest key (k0, about a ninth of the stream) is listed. */
	for (n = 0; n < bs_topk_size(t); n++) {
		size_t len;

		const char *k = bs_topk_key(t, n, &len);

		if (len == 2 && memcmp(k, "k0", 2) == 0)
			break;
	}
	ck_assert_uint_lt(n, bs_topk_size(t));
	bs_topk_free(t);
}
END_TEST

/* Two halves counted apart and merged keep the promises. */
START_TEST(property_merge)
{
	uint64_t seed = 12345 + (uint64_t)_i;
	static uint64_t truth[NKEYS];
	struct bs_topk *a = bs_topk_new(CAP), *b = bs_topk_new(CAP);
	uint64_t oa = 0, ob = 0, total = 100000;
	char key[16];
	size_t n;

	memset(truth, 0, sizeof(truth));
	for (n = 0; n < total; n++) {
		int k = draw(&seed);

		truth[k]++;
		snprintf(key, sizeof(key), "k%d", k);
		feed(n < total / 2 ? a : b, key, n < total / 2 ? &oa : &ob);
	}
	{
		uint64_t u = bs_topk_unlisted(a) + bs_topk_unlisted(b);

		bs_topk_add_error(a, bs_topk_unlisted(b));
		for (n = 0; n < bs_topk_size(b); n++) {
			enum bs_topk_found f;
			uint64_t old;
			size_t len;
			const char *k = bs_topk_key(b, n, &len);
			long s = bs_topk_merge_key(a, k, len,
			    bs_topk_count(b, n), bs_topk_error(b, n), &f,
			    &old);

			ck_assert_int_ge(s, 0);
			if (f == BS_TOPK_REPLACED)
				oa += old;
		}
		bs_topk_raise_unlisted(a, u);
	}
	check_bounds(a, truth, total, oa + ob);
	bs_topk_free(a);
	bs_topk_free(b);
}
END_TEST

Suite *
topk_suite(void)
{
	Suite *s = suite_create("topk");
	TCase *tc = tcase_create("topk");

	/* The property tests take seconds under the sanitizers. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, exact_within_budget);
	tcase_add_test(tc, too_long_key);
	tcase_add_loop_test(tc, property_bounds, 0, 5);
	tcase_add_loop_test(tc, property_merge, 0, 5);
	suite_add_tcase(s, tc);
	return s;
}
