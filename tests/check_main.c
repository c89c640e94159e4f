/*
 * check_main.c - runs every suite of suites.h in one runner, so that the
 * test binary ends with Check's single summary line.  Tests run with the
 * working directory set to tests/ (make check does that), so fixtures are
 * found under ../testdata/.
 *
 * With BS_CHECK_EACH=1 in the environment each suite gets a runner
 * process of its own instead, and a last line sums them up.  make
 * sanitize uses it: under ASan a test forked from a runner that has run
 * many tests is slower (bench/README.md, "Test runners under ASan").
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"

/*
 * Run one suite in a child process; add its counts to *run and *failed.
 * Returns false when the child did not report (it crashed).
 */
static bool
run_alone(Suite *(*make)(void), int *run, int *failed)
{
	int fd[2], counts[2] = { 0, 0 }, status;
	ssize_t got;
	pid_t pid;

	if (pipe(fd) != 0 || (pid = fork()) < 0)
		return false;
	if (pid == 0) {
		SRunner *sr = srunner_create(make());

		close(fd[0]);
		srunner_run_all(sr, CK_NORMAL);
		counts[0] = srunner_ntests_run(sr);
		counts[1] = srunner_ntests_failed(sr);
		srunner_free(sr);
		got = write(fd[1], counts, sizeof(counts));
		exit(got == (ssize_t)sizeof(counts) ? EXIT_SUCCESS :
		    EXIT_FAILURE);
	}
	close(fd[1]);
	got = read(fd[0], counts, sizeof(counts));
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || got != (ssize_t)sizeof(counts))
		return false;
	*run += counts[0];
	*failed += counts[1];
	return true;
}

int
main(void)
{
	const char *each = getenv("BS_CHECK_EACH");
	int run = 0, failed = 0, lost = 0;
	SRunner *sr;

	if (each != NULL && each[0] == '1') {
#define RUN_ALONE(name) \
		if (!run_alone(name##_suite, &run, &failed)) { \
			fprintf(stderr, "suite " #name ": the runner died\n"); \
			lost++; \
		}
		SUITES(RUN_ALONE)
#undef RUN_ALONE
		printf("All suites, one runner each: %d checks, %d failures, "
		    "%d runners lost\n", run, failed, lost);
		return failed == 0 && lost == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	sr = srunner_create(NULL);
#define ADD_SUITE(name) srunner_add_suite(sr, name##_suite());
	SUITES(ADD_SUITE)
#undef ADD_SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
