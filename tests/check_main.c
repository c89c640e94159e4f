/*
 * check_main.c - runs every suite of suites.h in one runner, so that the
 * test binary ends with Check's single summary line.  Tests run with the
 * working directory set to tests/ (make check does that), so fixtures are
 * found under ../testdata/.
 */
#include <stdlib.h>

#include "suites.h"

int
main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define ADD_SUITE(name) srunner_add_suite(sr, name##_suite());
	SUITES(ADD_SUITE)
#undef ADD_SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
