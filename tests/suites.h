/*
 * suites.h - every Check suite of the project, one per module.  Each
 * tests/check_<module>.c defines <module>_suite(); add a line here and
 * one in SUITES below when adding a module.
 */
#ifndef BS_TEST_SUITES_H
#define BS_TEST_SUITES_H

#include <check.h>

#define SUITES(X) \
	X(safe) \
	X(input) \
	X(decoders) \
	X(scan) \
	X(lines) \
	X(patterns) \
	X(extract) \
	X(codes_fast) \
	X(postfix_fast) \
	X(postfix) \
	X(exim) \
	X(paniclog) \
	X(mixed) \
	X(csv) \
	X(csvhdr) \
	X(exchange) \
	X(m365) \
	X(journal) \
	X(agg) \
	X(run) \
	X(normalize) \
	X(topk) \
	X(breakdown) \
	X(outcome) \
	X(hop) \
	X(notify) \
	X(health) \
	X(foreign) \
	X(reasons) \
	X(join) \
	X(catalog) \
	X(window) \
	X(threshold) \
	X(report) \
	X(outfile) \
	X(follow) \
	X(live) \
	X(jobs) \
	X(split) \
	X(stream) \
	X(regressions)

#define DECLARE_SUITE(name) Suite *name##_suite(void);
SUITES(DECLARE_SUITE)
#undef DECLARE_SUITE

#endif
