/*
 * check_regressions.c - every input that a fuzzer of tests/fuzz/ once
 * crashed on (or that broke one of its invariants), replayed through the
 * same entry point in the normal build, so that a fixed bug stays fixed
 * without clang or libFuzzer.
 *
 * tests/fuzz/regressions/NAME/ holds the files of target fuzz_NAME.c.  The
 * targets are compiled into this file, each entry point renamed through
 * FUZZ_ENTRY; a target reports a broken invariant by aborting, which
 * Check (forking per test) sees as a failed test.  The file being
 * replayed is printed to standard error first, so a crash names it.
 */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "testutil.h"

#define FUZZ_ENTRY fuzz_postfix_entry
#include "fuzz/fuzz_postfix.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_exim_entry
#include "fuzz/fuzz_exim.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_exchange_entry
#include "fuzz/fuzz_exchange.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_extract_entry
#include "fuzz/fuzz_extract.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_csv_entry
#include "fuzz/fuzz_csv.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_input_entry
#include "fuzz/fuzz_input.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_patterns_entry
#include "fuzz/fuzz_patterns.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_report_entry
#include "fuzz/fuzz_report.c"
#undef FUZZ_ENTRY

/* Tests run in tests/ (see check_main.c). */
#define REGRESSIONS_DIR "fuzz/regressions"
#define REGRESSIONS_MAX 1024

typedef int (*entry_fn)(const uint8_t *, size_t);

static const struct {
	const char *name;
	entry_fn fn;
} targets[] = {
	{ "postfix", fuzz_postfix_entry },
	{ "exim", fuzz_exim_entry },
	{ "exchange", fuzz_exchange_entry },
	{ "extract", fuzz_extract_entry },
	{ "csv", fuzz_csv_entry },
	{ "input", fuzz_input_entry },
	{ "patterns", fuzz_patterns_entry },
	{ "report", fuzz_report_entry },
};

/* The files found when the suite was made: "NAME/FILE". */
static char found[REGRESSIONS_MAX][520];	/* two names and a slash */
static size_t nfound;
static bool dir_missing;

static entry_fn
entry_of(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strlen(targets[i].name) == len &&
		    memcmp(targets[i].name, name, len) == 0)
			return targets[i].fn;
	return NULL;
}

static void
scan(void)
{
	DIR *top = opendir(REGRESSIONS_DIR), *sub;
	struct dirent *t, *f;
	char path[512];

	nfound = 0;
	if (top == NULL) {
		dir_missing = true;
		return;
	}
	while ((t = readdir(top)) != NULL) {
		if (t->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", REGRESSIONS_DIR,
		    t->d_name);
		if ((sub = opendir(path)) == NULL)
			continue;
		while ((f = readdir(sub)) != NULL && nfound < REGRESSIONS_MAX) {
			if (f->d_name[0] == '.')
				continue;
			snprintf(found[nfound], sizeof(found[nfound]), "%s/%s",
			    t->d_name, f->d_name);
			nfound++;
		}
		closedir(sub);
	}
	closedir(top);
}

START_TEST(test_regressions_dir)
{
	ck_assert_msg(!dir_missing, "cannot open tests/" REGRESSIONS_DIR
	    " (tests run from tests/)");
	ck_assert_msg(nfound < REGRESSIONS_MAX, "more than %d regression "
	    "files: raise REGRESSIONS_MAX", REGRESSIONS_MAX);
}
END_TEST

START_TEST(test_regression_replay)
{
	const char *rel = found[_i];
	const char *slash = strchr(rel, '/');
	entry_fn fn;
	char path[600];
	char *data;
	size_t len;

	ck_assert_ptr_nonnull(slash);
	fn = entry_of(rel, (size_t)(slash - rel));
	ck_assert_msg(fn != NULL, "%s: no fuzz target for its folder", rel);
	snprintf(path, sizeof(path), "%s/%s", REGRESSIONS_DIR, rel);
	data = bs_test_slurp(path, &len);
	fprintf(stderr, "regressions: replaying %s\n", path);
	fn((const uint8_t *)data, len);
	free(data);
}
END_TEST

Suite *
regressions_suite(void)
{
	Suite *s = suite_create("regressions");
	TCase *tc = tcase_create("replay");

	scan();
	tcase_add_test(tc, test_regressions_dir);
	if (nfound > 0)
		tcase_add_loop_test(tc, test_regression_replay, 0,
		    (int)nfound);
	/* Inputs of fuzz_input may inflate to megabytes under ASan. */
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
