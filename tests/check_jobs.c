/*
 * check_jobs.c - several inputs at once give the same report as one after
 * the other (inputs of every format, a failing one among them).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "jobs.h"
#include "patterns.h"
#include "report.h"
#include "run.h"
#include "suites.h"
#include "testutil.h"

/* Compound literals: writable strings, as the argv they stand for. */
static char *inputs[] = {
	(char []){ "../testdata/postfix/sample.log" },
	(char []){ "../testdata/postfix/truncated.log.gz" },
	(char []){ "../testdata/exim/mainlog" },
	(char []){ "../testdata/postfix/multi.log.gz" },
	(char []){ "../testdata/no-such-file.log" },
	(char []){ "../testdata/exchange/MSGTRK20261128-1.LOG.gz" },
	(char []){ "../testdata/postfix/junk.log" },
	(char []){ "../testdata/postfix/sample.log.gz" },
};
#define NINPUTS (sizeof(inputs) / sizeof(inputs[0]))

/* The JSON report and the warnings of a run with the given jobs. */
static char *
report(unsigned jobs, struct bs_test_warnings *w, bs_status *st)
{
	struct bs_patterns *p;
	struct bs_diag d;
	struct bs_run_config cfg = { .warn = bs_test_keep_warning, .warn_ctx = w };
	struct bs_report_opts ro = { .detail = true, .width = 80 };
	struct bs_agg *a = bs_agg_new(true);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(bs_patterns_load(NULL, &p, &d), BS_OK);
	cfg.patterns = p;
	memset(w, 0, sizeof(*w));
	*st = bs_run_inputs(&cfg, inputs, NINPUTS, jobs, a, NULL, NULL);
	bs_agg_finish(a);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(bs_report_json(f, a, &ro), 0);
	fclose(f);
	bs_agg_free(a);
	bs_patterns_free(p);
	return buf;
}

START_TEST(test_parallel_equals_sequential)
{
	struct bs_test_warnings w1, wn;
	bs_status s1, sn;
	char *one = report(1, &w1, &s1);
	unsigned jobs[] = { 2, 3, 8 };
	size_t i;

	ck_assert_int_eq(s1, BS_ERR_IO);	/* the truncated and missing */
	ck_assert_ptr_nonnull(strstr(w1.text, "no-such-file.log"));
	ck_assert_ptr_nonnull(strstr(w1.text, "truncated.log.gz"));
	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		char *many = report(jobs[i], &wn, &sn);

		ck_assert_int_eq(sn, s1);
		ck_assert_str_eq(many, one);
		ck_assert_str_eq(wn.text, w1.text);
		free(many);
	}
	free(one);
}
END_TEST

Suite *
jobs_suite(void)
{
	Suite *s = suite_create("jobs");
	TCase *tc = tcase_create("jobs");

	tcase_add_test(tc, test_parallel_equals_sequential);
	suite_add_tcase(s, tc);
	return s;
}
