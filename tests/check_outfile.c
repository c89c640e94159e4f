/*
 * check_outfile.c - the report file of -o (src/outfile.c): what each kind
 * of target becomes, what is kept of a replaced file, the temporary names
 * and their clean-up, and the refusal of an output that is an input.
 *
 * Every test works in a fresh folder under /tmp.  Owners are only checked
 * as root, who alone may give a file away.  The character device case uses
 * a private copy of /dev/null where the test may create one, so that a
 * regression replaces that copy and not the system's /dev/null.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"
#include "suites.h"
#include "testutil.h"

/* The user and group files are given to, as root: nobody's. */
#define OTHER_ID	65534

static char tmpdir[64];

static void
setup(void)
{
	bs_test_mkdtemp(tmpdir, "outfile");
}

static void
teardown(void)
{
	bs_test_rmtree(tmpdir);
}

static void
tpath(char *buf, size_t sz, const char *name)
{
	int n = snprintf(buf, sz, "%s/%s", tmpdir, name);

	ck_assert(n > 0 && (size_t)n < sz);
}

static int
write_text(void *ctx, FILE *out)
{
	return fputs(ctx, out) < 0 ? -1 : 0;
}

static int
write_fails(void *ctx, FILE *out)
{
	fputs(ctx, out);
	errno = ENOSPC;
	return -1;
}

static void
put(const char *path, const char *s, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static void
expect_content(const char *path, const char *want)
{
	size_t len;
	char *got = bs_test_slurp(path, &len);

	ck_assert_uint_eq(len, strlen(want));
	ck_assert(memcmp(got, want, len) == 0);
	free(got);
}

/* Entries of a folder, "." and ".." aside. */
static size_t
entries(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dir);
	return n;
}

static void
write_ok(const char *path, const char *text)
{
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_msg(bs_outfile_write(path, write_text, (void *)text, &d) ==
	    BS_OK, "%s: %s", d.file, d.msg);
}

/* --- regular files -------------------------------------------------------- */

START_TEST(test_new_file_mode)
{
	char out[128];
	struct stat st;
	mode_t old_mask = umask(027);

	tpath(out, sizeof(out), "report.json");
	write_ok(out, "first\n");
	umask(old_mask);
	expect_content(out, "first\n");
	/* As "> report.json" would create it: 0666 less the umask. */
	ck_assert_int_eq(stat(out, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_uint_eq(entries(tmpdir), 1);
}
END_TEST

START_TEST(test_replace_keeps_mode_owner)
{
	char out[128], buf[16];
	struct stat before, after;
	bool root = geteuid() == 0;
	mode_t old_mask = umask(022);
	int fd;
	ssize_t n;

	tpath(out, sizeof(out), "report.prom");
	put(out, "old\n", 0600);
	ck_assert_int_eq(chmod(out, 0600), 0);
	if (root)
		ck_assert_int_eq(chown(out, OTHER_ID, OTHER_ID), 0);
	ck_assert_int_eq(stat(out, &before), 0);
	/* A reader that opened the old report goes on reading it whole. */
	fd = open(out, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	write_ok(out, "new\n");
	umask(old_mask);
	expect_content(out, "new\n");
	ck_assert_int_eq(stat(out, &after), 0);
	ck_assert(after.st_ino != before.st_ino);
	ck_assert_uint_eq(after.st_mode & 07777, 0600);
	if (root) {
		ck_assert_uint_eq(after.st_uid, OTHER_ID);
		ck_assert_uint_eq(after.st_gid, OTHER_ID);
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	ck_assert_int_eq(n, 4);
	ck_assert(memcmp(buf, "old\n", 4) == 0);
	ck_assert_uint_eq(entries(tmpdir), 1);
}
END_TEST

START_TEST(test_failure_keeps_old)
{
	char out[128], nodir[128], half[] = "half";
	struct bs_diag d;

	tpath(out, sizeof(out), "report.json");
	write_ok(out, "kept\n");
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_outfile_write(out, write_fails, half, &d),
	    BS_ERR_IO);
	ck_assert_ptr_nonnull(strstr(d.msg, "cannot write"));
	expect_content(out, "kept\n");
	ck_assert_uint_eq(entries(tmpdir), 1);
	tpath(nodir, sizeof(nodir), "missing/report.json");
	ck_assert_int_eq(bs_outfile_write(nodir, write_text, half, &d),
	    BS_ERR_IO);
	ck_assert_ptr_nonnull(strstr(d.msg, "temporary"));
}
END_TEST

/* The temporary name must fit where the target's name just fits. */
START_TEST(test_name_max)
{
	char name[NAME_MAX + 1], out[64 + NAME_MAX + 2];

	memset(name, 'r', NAME_MAX);
	name[NAME_MAX] = '\0';
	tpath(out, sizeof(out), name);
	write_ok(out, "one\n");
	write_ok(out, "two\n");
	expect_content(out, "two\n");
	ck_assert_uint_eq(entries(tmpdir), 1);
}
END_TEST

START_TEST(test_directory)
{
	struct bs_diag d;
	char text[] = "x\n";

	bs_diag_clear(&d);
	ck_assert_int_eq(bs_outfile_write(tmpdir, write_text, text, &d),
	    BS_ERR_IO);
	ck_assert_ptr_nonnull(strstr(d.msg, "directory"));
	ck_assert_uint_eq(entries(tmpdir), 0);
}
END_TEST

/* --- links ---------------------------------------------------------------- */

START_TEST(test_symlink_to_file)
{
	char sub[128], real[128], link[128], target[64];
	struct stat st;
	ssize_t n;

	tpath(sub, sizeof(sub), "sub");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	tpath(real, sizeof(real), "sub/real.json");
	put(real, "old\n", 0640);
	tpath(link, sizeof(link), "report.json");
	ck_assert_int_eq(symlink("sub/real.json", link), 0);
	write_ok(link, "new\n");
	/* The link is kept and the file it points to replaced. */
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	n = readlink(link, target, sizeof(target) - 1);
	ck_assert_int_eq(n, (ssize_t)strlen("sub/real.json"));
	target[n] = '\0';
	ck_assert_str_eq(target, "sub/real.json");
	expect_content(real, "new\n");
	ck_assert_int_eq(stat(real, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_uint_eq(entries(tmpdir), 2);
	ck_assert_uint_eq(entries(sub), 1);
}
END_TEST

START_TEST(test_dangling_symlink)
{
	char link[128], made[128];
	struct stat st;

	tpath(link, sizeof(link), "report.json");
	ck_assert_int_eq(symlink("made.json", link), 0);
	write_ok(link, "new\n");
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	tpath(made, sizeof(made), "made.json");
	expect_content(made, "new\n");
	ck_assert_uint_eq(entries(tmpdir), 2);
}
END_TEST

/*
 * /dev/stdout leads through /proc/self/fd/N to the file the descriptor
 * has open: that file is replaced, as any link's.  Once that file is
 * deleted the link leads nowhere, and the report goes into it in place.
 */
START_TEST(test_descriptor_link)
{
	char real[128], link[64], buf[16];
	struct stat before, after;
	int fd;
	ssize_t n;

	if (access("/proc/self/fd", F_OK) != 0)
		return;
	tpath(real, sizeof(real), "report.txt");
	put(real, "old\n", 0644);
	fd = open(real, O_RDWR);
	ck_assert_int_ge(fd, 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(stat(real, &before), 0);
	write_ok(link, "new\n");
	expect_content(real, "new\n");
	ck_assert_int_eq(stat(real, &after), 0);
	ck_assert(after.st_ino != before.st_ino);
	close(fd);
	fd = open(real, O_RDWR);
	ck_assert_int_ge(fd, 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(unlink(real), 0);
	write_ok(link, "gone\n");
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	ck_assert_int_eq(n, 5);
	ck_assert(memcmp(buf, "gone\n", 5) == 0);
	ck_assert_uint_eq(entries(tmpdir), 0);
}
END_TEST

/* --- what is not a regular file ------------------------------------------- */

START_TEST(test_fifo)
{
	char fifo[128], buf[64];
	struct stat st;
	ssize_t n;
	int rfd;

	tpath(fifo, sizeof(fifo), "report.fifo");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	/* A reader first, so that the writer's open does not wait. */
	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rfd, 0);
	write_ok(fifo, "through the pipe\n");
	ck_assert_int_eq(lstat(fifo, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	n = read(rfd, buf, sizeof(buf));
	close(rfd);
	ck_assert_int_eq(n, (ssize_t)strlen("through the pipe\n"));
	ck_assert(memcmp(buf, "through the pipe\n", (size_t)n) == 0);
	ck_assert_uint_eq(entries(tmpdir), 1);
}
END_TEST

START_TEST(test_char_device)
{
	char null[128];
	const char *path = null;
	struct stat before, after;

	tpath(null, sizeof(null), "null");
	if (mknod(null, S_IFCHR | 0666, makedev(1, 3)) != 0)
		path = "/dev/null";
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert(S_ISCHR(before.st_mode));
	write_ok(path, "into the void\n");
	ck_assert_int_eq(lstat(path, &after), 0);
	ck_assert(S_ISCHR(after.st_mode));
	ck_assert(after.st_rdev == before.st_rdev);
	ck_assert(after.st_ino == before.st_ino);
	ck_assert_uint_eq(entries(tmpdir), path == null ? 1 : 0);
}
END_TEST

/* --- temporaries left by killed runs --------------------------------------- */

/* A process id that was alive a moment ago and no longer is. */
static pid_t
dead_pid(void)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return pid;
}

/* Leave a temporary of target base for pid, age seconds old. */
static void
plant(char *path, size_t sz, const char *base, pid_t pid, time_t age)
{
	char name[BS_OUTFILE_TMPNAME_MAX];
	struct timespec t[2];

	bs_outfile_tmpname(base, pid, 0, name, sizeof(name));
	tpath(path, sz, name);
	put(path, "half a rep", 0644);
	t[0].tv_sec = t[1].tv_sec = time(NULL) - age;
	t[0].tv_nsec = t[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
}

START_TEST(test_stale_removed)
{
	char out[128], stale[128];
	pid_t gone = dead_pid();

	tpath(out, sizeof(out), "report.json");
	plant(stale, sizeof(stale), "report.json", gone, 3600);
	ck_assert_int_eq(access(stale, F_OK), 0);
	write_ok(out, "new\n");
	ck_assert_int_eq(access(stale, F_OK), -1);
	expect_content(out, "new\n");
	ck_assert_uint_eq(entries(tmpdir), 1);
}
END_TEST

START_TEST(test_live_kept)
{
	char out[128], live[128], fresh[128], other[128];
	pid_t gone = dead_pid();

	tpath(out, sizeof(out), "report.json");
	/* The runner that forked this test is alive: its file stays. */
	plant(live, sizeof(live), "report.json", getppid(), 3600);
	/*
	 * A dead pid's file that is still being written to may belong to a
	 * run in another PID namespace: it stays too.
	 */
	plant(fresh, sizeof(fresh), "report.json", gone, 0);
	/* Another target's temporary is not this write's business. */
	plant(other, sizeof(other), "other.json", gone, 3600);
	write_ok(out, "new\n");
	ck_assert_int_eq(access(live, F_OK), 0);
	ck_assert_int_eq(access(fresh, F_OK), 0);
	ck_assert_int_eq(access(other, F_OK), 0);
	ck_assert_uint_eq(entries(tmpdir), 4);
}
END_TEST

START_TEST(test_tmpname_fits)
{
	char name[NAME_MAX + 1], tmp[BS_OUTFILE_TMPNAME_MAX];
	char again[BS_OUTFILE_TMPNAME_MAX], other[BS_OUTFILE_TMPNAME_MAX];

	memset(name, 'r', NAME_MAX);
	name[NAME_MAX] = '\0';
	bs_outfile_tmpname(name, (pid_t)2147483647, 99, tmp, sizeof(tmp));
	ck_assert_uint_lt(strlen(tmp), sizeof(tmp) - 1);
	ck_assert(strncmp(tmp, ".bouncestat-", 12) == 0);
	ck_assert_ptr_nonnull(strstr(tmp, "-2147483647-99.tmp"));
	/* Stable for one name, different for another. */
	bs_outfile_tmpname(name, (pid_t)2147483647, 99, again, sizeof(again));
	ck_assert_str_eq(tmp, again);
	name[0] = 's';
	bs_outfile_tmpname(name, (pid_t)2147483647, 99, other, sizeof(other));
	ck_assert_str_ne(tmp, other);
}
END_TEST

/* --- the output is not an input -------------------------------------------- */

static bs_status
check_one(const char *out, const char *in, struct bs_diag *d)
{
	char *inputs[2];
	char other[] = "/dev/null";

	inputs[0] = other;
	inputs[1] = (char *)in;
	bs_diag_clear(d);
	return bs_outfile_check_inputs(out, inputs, 2, d);
}

START_TEST(test_output_is_input)
{
	char log[128], sl[128], hl[128], via[160], other[128], later[128];
	struct bs_diag d;

	tpath(log, sizeof(log), "mail.log");
	put(log, "a log\n", 0644);
	tpath(sl, sizeof(sl), "link.log");
	ck_assert_int_eq(symlink("mail.log", sl), 0);
	tpath(hl, sizeof(hl), "hard.log");
	ck_assert_int_eq(link(log, hl), 0);
	snprintf(via, sizeof(via), "%s/../%s/mail.log", tmpdir,
	    strrchr(tmpdir, '/') + 1);
	ck_assert_int_eq(check_one(log, log, &d), BS_ERR_USAGE);
	ck_assert_str_eq(d.msg, "-o names an input; the report would "
	    "overwrite it");
	ck_assert_int_eq(check_one(sl, log, &d), BS_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(d.msg, "mail.log (the same file)"));
	ck_assert_int_eq(check_one(log, sl, &d), BS_ERR_USAGE);
	ck_assert_int_eq(check_one(hl, log, &d), BS_ERR_USAGE);
	ck_assert_int_eq(check_one(via, log, &d), BS_ERR_USAGE);
	/* Another file, or /dev/null read and written, is fine. */
	tpath(other, sizeof(other), "report.txt");
	put(other, "a report\n", 0644);
	ck_assert_int_eq(check_one(other, log, &d), BS_OK);
	ck_assert_int_eq(check_one("/dev/null", "/dev/null", &d), BS_OK);
	/* Neither there yet (follow mode waits for its inputs). */
	tpath(later, sizeof(later), "later.log");
	ck_assert_int_eq(check_one(later, later, &d), BS_ERR_USAGE);
	ck_assert_int_eq(check_one(later, via, &d), BS_OK);
	expect_content(log, "a log\n");
}
END_TEST

START_TEST(test_output_is_stdin)
{
	char log[128];
	char dash[] = "-";
	char *inputs[1] = { dash };
	struct bs_diag d;
	int saved = dup(STDIN_FILENO), fd;

	tpath(log, sizeof(log), "mail.log");
	put(log, "a log\n", 0644);
	fd = open(log, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_outfile_check_inputs(log, inputs, 1, &d),
	    BS_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(d.msg, "standard input"));
	dup2(saved, STDIN_FILENO);
	close(saved);
}
END_TEST

Suite *
outfile_suite(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc;

	tc = tcase_create("regular");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_new_file_mode);
	tcase_add_test(tc, test_replace_keeps_mode_owner);
	tcase_add_test(tc, test_failure_keeps_old);
	tcase_add_test(tc, test_name_max);
	tcase_add_test(tc, test_directory);
	suite_add_tcase(s, tc);
	tc = tcase_create("links");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_symlink_to_file);
	tcase_add_test(tc, test_dangling_symlink);
	tcase_add_test(tc, test_descriptor_link);
	suite_add_tcase(s, tc);
	tc = tcase_create("special");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fifo);
	tcase_add_test(tc, test_char_device);
	suite_add_tcase(s, tc);
	tc = tcase_create("temporaries");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_stale_removed);
	tcase_add_test(tc, test_live_kept);
	tcase_add_test(tc, test_tmpname_fits);
	suite_add_tcase(s, tc);
	tc = tcase_create("inputs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_output_is_input);
	tcase_add_test(tc, test_output_is_stdin);
	suite_add_tcase(s, tc);
	return s;
}
