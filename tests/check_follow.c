/*
 * check_follow.c - following a file through rotation and standard input
 * as it grows (src/tail.c, over source_follow.c and lines.c), and the
 * follow-mode loop (src/follow.c).
 *
 * Every test works in a fresh folder under /tmp and plays the writer and
 * the rotator itself, step by step, reading between the steps, so each
 * case is exact: the lines expected are written out in full, and a line
 * read twice or lost shows as a difference.  Tests that install signal
 * handlers put the old ones back, so a no-fork run (CK_FORK=no) leaves
 * the other suites as it found them.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "bslimits.h"
#include "follow.h"
#include "format.h"
#include "patterns.h"
#include "run.h"
#include "source.h"
#include "suites.h"
#include "tail.h"
#include "testutil.h"
#include "window.h"

/* --- fixtures ------------------------------------------------------------ */

static char tmpdir[64];
static char logpath[128];

static void
setup(void)
{
	bs_test_mkdtemp(tmpdir, "follow");
	snprintf(logpath, sizeof(logpath), "%s/mail.log", tmpdir);
}

static void
teardown(void)
{
	bs_test_rmtree(tmpdir);
}

static void
tpath(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", tmpdir, name);
}

static void
write_fd(int fd, const void *p, size_t n)
{
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
}

/* Append to path (created if needed), as a writer opening it each time. */
static void
append(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);

	ck_assert_int_ge(fd, 0);
	write_fd(fd, s, strlen(s));
	close(fd);
}

/* A writer that keeps its log open, as syslog daemons do. */
static int
writer_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static void
writer_put(int fd, const char *s)
{
	write_fd(fd, s, strlen(s));
}

/* --- collecting lines ---------------------------------------------------- */

#define GOT_MAX		64
#define GOT_TEXT	128

struct got {
	size_t n;
	struct {
		char text[GOT_TEXT];	/* the first bytes, NUL-terminated */
		size_t len;
		bool cut;
		uint64_t lineno;
	} line[GOT_MAX];
	char joined[GOT_MAX * (GOT_TEXT + 1)];
};

static bs_status
collect(void *ctx, const struct bs_line *line)
{
	struct got *g = ctx;

	if (g->n < GOT_MAX) {
		size_t k = line->len < GOT_TEXT - 1 ? line->len : GOT_TEXT - 1;

		memcpy(g->line[g->n].text, line->ptr, k);
		g->line[g->n].text[k] = '\0';
		g->line[g->n].len = line->len;
		g->line[g->n].cut = line->cut;
		g->line[g->n].lineno = line->lineno;
	}
	g->n++;
	return BS_OK;
}

/* Read what the follower has now; the lines joined with '|'. */
static const char *
read_now(struct bs_tail *f, struct got *g)
{
	struct bs_diag d;
	size_t i, pos = 0;

	memset(g, 0, sizeof(*g));
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_tail_read_lines(f, collect, g, &d), BS_OK);
	for (i = 0; i < g->n && i < GOT_MAX; i++)
		pos += (size_t)snprintf(g->joined + pos,
		    sizeof(g->joined) - pos, "%s%s", i ? "|" : "",
		    g->line[i].text);
	return g->joined;
}

/* The notice waiting in f, or "" (its file must be logpath). */
static const char *
notice(struct bs_tail *f)
{
	static struct bs_diag d;

	if (!bs_tail_notice(f, &d))
		return "";
	ck_assert_str_eq(d.file, logpath);
	return d.msg;
}

static struct bs_tail *
follow(const char *path, bool from_start)
{
	struct bs_tail *f = NULL;
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_int_eq(bs_tail_open(path, from_start, &f, &d), BS_OK);
	ck_assert_ptr_nonnull(f);
	return f;
}

/* --- where it starts ----------------------------------------------------- */

START_TEST(test_from_start)
{
	struct bs_tail *f;
	struct got g;

	append(logpath, "a\nb\nc\n");
	f = follow(logpath, true);
	ck_assert(bs_tail_is_open(f));
	ck_assert_str_eq(read_now(f, &g), "a|b|c");
	ck_assert_uint_eq(g.line[0].lineno, 1);
	ck_assert_uint_eq(g.line[2].lineno, 3);
	ck_assert_str_eq(read_now(f, &g), "");
	append(logpath, "d\n");
	ck_assert_str_eq(read_now(f, &g), "d");
	ck_assert_uint_eq(g.line[0].lineno, 4);
	bs_tail_close(f);
}
END_TEST

START_TEST(test_from_end)
{
	struct bs_tail *f;
	struct got g;

	append(logpath, "a\nb\nc\n");
	f = follow(logpath, false);
	/* Lines added after the start count, even before the first read. */
	append(logpath, "d\n");
	ck_assert_str_eq(read_now(f, &g), "d");
	append(logpath, "e\nf\n");
	ck_assert_str_eq(read_now(f, &g), "e|f");
	bs_tail_close(f);
}
END_TEST

/* Starting at the end in the middle of a line: its rest is no line. */
START_TEST(test_from_end_mid_line)
{
	struct bs_tail *f;
	struct got g;

	append(logpath, "a\nhalf a li");
	f = follow(logpath, false);
	append(logpath, "ne\nnext\n");
	ck_assert_str_eq(read_now(f, &g), "next");
	bs_tail_close(f);
}
END_TEST

START_TEST(test_not_there_yet)
{
	struct bs_tail *f;
	struct got g;

	/* At the end or not, a file that appears later is read whole. */
	f = follow(logpath, false);
	ck_assert(!bs_tail_is_open(f));
	ck_assert_str_eq(read_now(f, &g), "");
	append(logpath, "first\nsecond\n");
	ck_assert_str_eq(read_now(f, &g), "first|second");
	ck_assert(bs_tail_is_open(f));
	bs_tail_close(f);
}
END_TEST

START_TEST(test_directory)
{
	struct bs_tail *f = NULL;
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_int_eq(bs_tail_open(tmpdir, true, &f, &d), BS_ERR_IO);
	ck_assert_ptr_null(f);
	ck_assert_ptr_nonnull(strstr(d.msg, "directory"));
	bs_tail_close(NULL);
}
END_TEST

/* --- lines --------------------------------------------------------------- */

START_TEST(test_partial_line_held)
{
	struct bs_tail *f;
	struct got g;
	int w;

	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, "one\ntw");
	ck_assert_str_eq(read_now(f, &g), "one");
	writer_put(w, "o-and-");
	ck_assert_str_eq(read_now(f, &g), "");
	writer_put(w, "more\nthree\nfo");
	ck_assert_str_eq(read_now(f, &g), "two-and-more|three");
	writer_put(w, "ur\n");
	ck_assert_str_eq(read_now(f, &g), "four");
	close(w);
	bs_tail_close(f);
}
END_TEST

START_TEST(test_crlf)
{
	struct bs_tail *f;
	struct got g;

	f = follow(logpath, true);
	append(logpath, "dos\r\nunix\n\r\nx\r");
	ck_assert_str_eq(read_now(f, &g), "dos|unix|");
	ck_assert_uint_eq(g.line[0].len, 3);
	ck_assert_uint_eq(g.line[2].len, 0);
	/* The CR and its LF arrive apart. */
	append(logpath, "\n");
	ck_assert_str_eq(read_now(f, &g), "x");
	ck_assert_uint_eq(g.line[0].len, 1);
	bs_tail_close(f);
}
END_TEST

/* A line of n bytes of c, with a newline when nl. */
static char *
long_line(size_t n, char c, bool nl)
{
	char *s = malloc(n + 2);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\n';
	s[n + (nl ? 1 : 0)] = '\0';
	return s;
}

START_TEST(test_overlong_line)
{
	struct bs_tail *f;
	struct got g;
	char *big = long_line(BS_LINE_MAX + 100, 'x', true);
	char *exact = long_line(BS_LINE_MAX, 'y', true);

	f = follow(logpath, true);
	append(logpath, big);
	append(logpath, "after\n");
	append(logpath, exact);
	read_now(f, &g);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_uint_eq(g.line[0].len, BS_LINE_MAX);
	ck_assert(g.line[0].cut);
	ck_assert_str_eq(g.line[1].text, "after");
	ck_assert(!g.line[1].cut);
	ck_assert_uint_eq(g.line[2].len, BS_LINE_MAX);
	ck_assert(!g.line[2].cut);
	free(big);
	free(exact);
	bs_tail_close(f);
}
END_TEST

/* An overlong line that arrives in pieces, held between reads. */
START_TEST(test_overlong_line_in_pieces)
{
	struct bs_tail *f;
	struct got g;
	char *part = long_line(BS_LINE_MAX - 10, 'x', false);
	int w;

	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, part);
	ck_assert_uint_eq((read_now(f, &g), g.n), 0);
	writer_put(w, "0123456789abc");
	read_now(f, &g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert(g.line[0].cut);
	ck_assert_uint_eq(g.line[0].len, BS_LINE_MAX);
	/* The rest of the cut line is skipped, up to its newline. */
	writer_put(w, part);
	ck_assert_uint_eq((read_now(f, &g), g.n), 0);
	writer_put(w, "\nnext\n");
	ck_assert_str_eq(read_now(f, &g), "next");
	close(w);
	free(part);
	bs_tail_close(f);
}
END_TEST

/* Each line's length and cut flag, as "len/cut|", added to out. */
static void
shapes(const struct got *g, char *out, size_t outsz)
{
	size_t i, pos = strlen(out);

	for (i = 0; i < g->n && i < GOT_MAX; i++)
		pos += (size_t)snprintf(out + pos, outsz - pos, "%zu/%d|",
		    g->line[i].len, g->line[i].cut);
}

/*
 * Lines at the limit, with CR LF, as a batch run splits them: the same
 * lengths and cut flags (issue 18: a line of exactly BS_LINE_MAX bytes
 * and CR LF was cut here and whole in a batch run).  The file is written
 * in pieces that end between a CR and its LF and inside the long lines.
 */
START_TEST(test_same_lines_as_batch)
{
	static const char *const pieces[] = { "A", "\r", "\nB", "\r\nC",
	    "\r", "\nD\r", "\r", "\nx\r\nE", "\n" };
	char followed[256] = "", batch[256] = "";
	struct bs_tail *f;
	struct bs_source *src;
	struct bs_lines *ls;
	struct bs_line l;
	struct bs_diag d;
	struct got g;
	size_t i;
	int w, r;

	f = follow(logpath, true);
	w = writer_open(logpath);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		const char *p;

		/* A capital is a run: BS_LINE_MAX - 1, + 0, + 1, - 1, + 0. */
		for (p = pieces[i]; *p != '\0'; p++) {
			char one[2] = { *p, '\0' }, *run = NULL;

			if (*p >= 'A' && *p <= 'E')
				run = long_line(BS_LINE_MAX - 1 + (size_t)
				    ((*p - 'A') % 3), *p, false);
			writer_put(w, run != NULL ? run : one);
			free(run);
		}
		read_now(f, &g);
		shapes(&g, followed, sizeof(followed));
	}
	close(w);
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_source_open(logpath, 0, &src, &d), BS_OK);
	ls = bs_lines_new(src);
	ck_assert_ptr_nonnull(ls);
	memset(&g, 0, sizeof(g));
	while ((r = bs_lines_next(ls, &l, &d)) == 1)
		collect(&g, &l);
	ck_assert_int_eq(r, 0);
	shapes(&g, batch, sizeof(batch));
	ck_assert_str_eq(followed, batch);
	/* D keeps one of its two CRs: 65,535 bytes and a CR are 65,536. */
	ck_assert_str_eq(batch, "65535/0|65536/0|65536/1|65536/0|1/0|"
	    "65536/0|");
	bs_lines_free(ls);
	bs_source_close(src);
	bs_tail_close(f);
}
END_TEST

/* The same, one line at a time, so each line's shape is compared. */
START_TEST(test_limit_lines_one_by_one)
{
	static const struct {
		size_t len;
		char c;
		const char *end;
		const char *want;
	} rows[] = {
		{ BS_LINE_MAX, 'a', "\r\n", "65536/0|" },
		{ BS_LINE_MAX + 1, 'b', "\r\n", "65536/1|" },
		{ BS_LINE_MAX - 1, 'c', "\r\r\n", "65536/0|" },
		{ BS_LINE_MAX, 'd', "\n", "65536/0|" },
		{ BS_LINE_MAX + 1, 'e', "\n", "65536/1|" },
	};
	struct bs_tail *f;
	struct got g;
	char shape[64];
	size_t i;

	f = follow(logpath, true);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *line = long_line(rows[i].len, rows[i].c, false);

		append(logpath, line);
		append(logpath, rows[i].end);
		read_now(f, &g);
		shape[0] = '\0';
		shapes(&g, shape, sizeof(shape));
		ck_assert_msg(strcmp(shape, rows[i].want) == 0, "row %zu: "
		    "%s, expected %s", i, shape, rows[i].want);
		free(line);
	}
	bs_tail_close(f);
}
END_TEST

/* --- standard input ------------------------------------------------------ */

/* Make standard input the read end of a new pipe; returns its write end. */
static int
stdin_pipe(int *saved)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	*saved = dup(STDIN_FILENO);
	ck_assert_int_ge(*saved, 0);
	ck_assert_int_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	return fds[1];
}

static void
stdin_restore(int saved)
{
	ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
}

static int64_t now_ms(void);

/* A pipe: read as it comes, woken by its data, ended by its end. */
START_TEST(test_stdin_pipe)
{
	struct bs_tail *f;
	struct got g;
	int saved, w;
	int64_t t;
	pid_t pid;

	w = stdin_pipe(&saved);
	f = follow("-", false);
	ck_assert(bs_tail_is_open(f));
	ck_assert_str_eq(read_now(f, &g), "");
	writer_put(w, "one\ntw");
	ck_assert_str_eq(read_now(f, &g), "one");
	ck_assert(!bs_tail_ended(f));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct timespec ts = { 0, 100000000L };

		nanosleep(&ts, NULL);
		writer_put(w, "o\n");
		_exit(0);
	}
	t = now_ms();
	ck_assert_int_eq(bs_tail_wait(&f, 1, 5000, NULL), 1);
	ck_assert_int_lt(now_ms() - t, 1000);
	waitpid(pid, NULL, 0);
	ck_assert_str_eq(read_now(f, &g), "two");
	ck_assert_uint_eq(g.line[0].lineno, 2);
	/* The last line needs no newline: the end of the pipe ends it. */
	writer_put(w, "dos\r\nlast");
	close(w);
	ck_assert_str_eq(read_now(f, &g), "dos|last");
	ck_assert(bs_tail_ended(f));
	ck_assert_str_eq(read_now(f, &g), "");
	/* An ended tail is not waited for. */
	t = now_ms();
	ck_assert_int_eq(bs_tail_wait(&f, 1, 100, NULL), 0);
	bs_tail_close(f);
	stdin_restore(saved);
}
END_TEST

/* A regular file on standard input: followed as it grows, never ended. */
START_TEST(test_stdin_file)
{
	struct bs_tail *f;
	struct got g;
	int fd, saved;

	append(logpath, "a\nb\n");
	saved = dup(STDIN_FILENO);
	fd = open(logpath, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	f = follow("-", false);
	ck_assert_str_eq(read_now(f, &g), "");
	append(logpath, "c\n");
	ck_assert_str_eq(read_now(f, &g), "c");
	ck_assert(!bs_tail_ended(f));
	bs_tail_close(f);
	lseek(STDIN_FILENO, 0, SEEK_SET);
	f = follow("-", true);
	ck_assert_str_eq(read_now(f, &g), "a|b|c");
	/* Truncated and rewritten: read again from the start. */
	ck_assert_int_eq(truncate(logpath, 0), 0);
	append(logpath, "new\n");
	ck_assert_str_eq(read_now(f, &g), "new");
	ck_assert(!bs_tail_ended(f));
	bs_tail_close(f);
	stdin_restore(saved);
}
END_TEST

/* --- rotation ------------------------------------------------------------ */

START_TEST(test_rename_and_create)
{
	char rotated[160];
	struct bs_tail *f;
	struct got g;
	int w;

	tpath(rotated, sizeof(rotated), "mail.log.1");
	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, "a1\na2\n");
	ck_assert_str_eq(read_now(f, &g), "a1|a2");
	/* The rotator renames; the writer goes on in the old file. */
	ck_assert_int_eq(rename(logpath, rotated), 0);
	writer_put(w, "a3\n");
	ck_assert_str_eq(read_now(f, &g), "a3");
	/*
	 * The rotator creates the new file; the writer has not reopened yet,
	 * and is quiet for a while before it writes to the old file again.
	 */
	append(logpath, "");
	ck_assert_str_eq(read_now(f, &g), "");
	ck_assert_str_eq(read_now(f, &g), "");
	writer_put(w, "a4\na5 partial");
	ck_assert_str_eq(read_now(f, &g), "a4");
	writer_put(w, " done\n");
	close(w);
	/* The writer reopens: the old file's last line came first. */
	w = writer_open(logpath);
	writer_put(w, "b1\n");
	ck_assert_str_eq(read_now(f, &g), "a5 partial done|b1");
	writer_put(w, "b2\n");
	ck_assert_str_eq(read_now(f, &g), "b2");
	close(w);
	bs_tail_close(f);
}
END_TEST

/* A rename followed at once by the new file: old lines still come first. */
START_TEST(test_rename_unread_rest)
{
	char rotated[160];
	struct bs_tail *f;
	struct got g;

	tpath(rotated, sizeof(rotated), "mail.log.1");
	f = follow(logpath, true);
	append(logpath, "a1\n");
	ck_assert_str_eq(read_now(f, &g), "a1");
	append(logpath, "a2\na3\n");
	ck_assert_int_eq(rename(logpath, rotated), 0);
	append(rotated, "a4\n");
	append(logpath, "b1\n");
	ck_assert_str_eq(read_now(f, &g), "a2|a3|a4|b1");
	ck_assert_str_eq(read_now(f, &g), "");
	bs_tail_close(f);
}
END_TEST

START_TEST(test_copytruncate)
{
	struct bs_tail *f;
	struct got g;
	int w;

	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, "old line one\nold line two\n");
	ck_assert_str_eq(read_now(f, &g), "old line one|old line two");
	/* Copy elsewhere (not needed here), then truncate in place. */
	ck_assert_int_eq(truncate(logpath, 0), 0);
	ck_assert_str_eq(read_now(f, &g), "");
	ck_assert_str_eq(notice(f), "truncated (copytruncate?) after 26 "
	    "bytes, now 0; reading it again from its start");
	writer_put(w, "new\n");
	ck_assert_str_eq(read_now(f, &g), "new");
	close(w);
	bs_tail_close(f);
}
END_TEST

/*
 * The writer has written past the old offset before the follower looks:
 * the size alone shows nothing; the changed bytes before the offset do.
 */
START_TEST(test_copytruncate_regrown)
{
	struct bs_tail *f;
	struct got g;
	int w;

	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, "Nov 28 10:00:01 old A\nNov 28 10:00:02 old B\n");
	ck_assert_str_eq(read_now(f, &g),
	    "Nov 28 10:00:01 old A|Nov 28 10:00:02 old B");
	ck_assert_int_eq(truncate(logpath, 0), 0);
	writer_put(w, "Nov 28 10:00:03 new C\nNov 28 10:00:04 new D\n"
	    "Nov 28 10:00:05 new E\n");
	ck_assert_str_eq(read_now(f, &g), "Nov 28 10:00:03 new C|"
	    "Nov 28 10:00:04 new D|Nov 28 10:00:05 new E");
	/* Regrown to exactly the old size, with nothing after it. */
	ck_assert_int_eq(truncate(logpath, 0), 0);
	writer_put(w, "Nov 28 10:00:06 new F\nNov 28 10:00:07 new G\n"
	    "Nov 28 10:00:08 new H\n");
	ck_assert_str_eq(read_now(f, &g), "Nov 28 10:00:06 new F|"
	    "Nov 28 10:00:07 new G|Nov 28 10:00:08 new H");
	ck_assert_str_eq(read_now(f, &g), "");
	close(w);
	bs_tail_close(f);
}
END_TEST

/*
 * Truncated to a part already read (issue 19): reading goes on from the
 * new end, and the part kept is not read again (before, it was: "A|B|D").
 * The operator is told, in one notice naming the file.
 */
#define TR_A	"Nov 28 10:00:01 kept A\n"
#define TR_B	"Nov 28 10:00:02 kept B\n"
#define TR_C	"Nov 28 10:00:03 cut C\n"

START_TEST(test_truncate_kept)
{
	struct bs_tail *f;
	struct got g;
	int w;

	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, TR_A TR_B TR_C);
	ck_assert_str_eq(read_now(f, &g),
	    "Nov 28 10:00:01 kept A|Nov 28 10:00:02 kept B|"
	    "Nov 28 10:00:03 cut C");
	ck_assert_str_eq(notice(f), "");
	ck_assert_int_eq(truncate(logpath, strlen(TR_A TR_B)), 0);
	ck_assert_str_eq(read_now(f, &g), "");
	ck_assert_str_eq(notice(f), "truncated from 68 to 46 bytes; what it "
	    "kept was read already, reading on from its new end");
	writer_put(w, "Nov 28 10:00:04 new D\n");
	ck_assert_str_eq(read_now(f, &g), "Nov 28 10:00:04 new D");
	ck_assert_str_eq(read_now(f, &g), "");
	ck_assert_str_eq(notice(f), "");
	close(w);
	bs_tail_close(f);
}
END_TEST

/*
 * Cut inside a line: the rest of that line, whatever is appended to it,
 * is no line (as where a file is first opened at its end).  Before, the
 * file was read again from its start: "A|B|Nov 2Nov 28 ... D|E".
 */
START_TEST(test_truncate_mid_line)
{
	struct bs_tail *f;
	struct got g;
	int w;

	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, TR_A TR_B TR_C);
	ck_assert_uint_eq(strlen(read_now(f, &g)), 67);
	ck_assert_int_eq(truncate(logpath, strlen(TR_A TR_B) + 5), 0);
	ck_assert_str_eq(read_now(f, &g), "");
	ck_assert_str_eq(notice(f), "truncated from 68 to 51 bytes; what it "
	    "kept was read already, reading on from its new end");
	writer_put(w, "Nov 28 10:00:04 new D\nNov 28 10:00:05 new E\n");
	ck_assert_str_eq(read_now(f, &g), "Nov 28 10:00:05 new E");
	close(w);
	bs_tail_close(f);
}
END_TEST

/*
 * Cut back and written past the old offset before the follower looks
 * (a busy log trimmed by a few lines): where the cut was cannot be known,
 * and reading goes on from the end; before, the whole file was read
 * again ("A|B|Nov 28 10:00:04 new D|Nov 28 10:00:05 new E").
 */
START_TEST(test_truncate_regrown)
{
	struct bs_tail *f;
	struct got g;
	int w;

	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, TR_A TR_B TR_C);
	ck_assert_uint_eq(strlen(read_now(f, &g)), 67);
	ck_assert_int_eq(truncate(logpath, strlen(TR_A TR_B)), 0);
	writer_put(w, "Nov 28 10:00:04 new D\nNov 28 10:00:05 new E\n");
	ck_assert_str_eq(read_now(f, &g), "");
	ck_assert_str_eq(notice(f), "truncated below 68 bytes and written "
	    "past that again (now 90); what it kept was read already, "
	    "reading on from its end (the lines written since the cut are "
	    "passed over)");
	writer_put(w, "Nov 28 10:00:06 new F\n");
	ck_assert_str_eq(read_now(f, &g), "Nov 28 10:00:06 new F");
	close(w);
	bs_tail_close(f);
}
END_TEST

/*
 * Emptied (copytruncate), and the writer's first bytes since are the
 * first bytes of the old content, as lines of one second from one
 * process are: too few to say the file still starts as it did, so it is
 * read from its start and the new line is whole.
 */
START_TEST(test_truncate_shared_prefix)
{
	struct bs_tail *f;
	struct got g;
	int w;

	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, TR_A TR_B);
	ck_assert_uint_eq(strlen(read_now(f, &g)), 45);
	ck_assert_int_eq(truncate(logpath, 0), 0);
	writer_put(w, "Nov 28 10:00:01 ");
	ck_assert_str_eq(read_now(f, &g), "");
	ck_assert_str_eq(notice(f), "truncated (copytruncate?) after 46 "
	    "bytes, now 16; reading it again from its start");
	writer_put(w, "new F\n");
	ck_assert_str_eq(read_now(f, &g), "Nov 28 10:00:01 new F");
	close(w);
	bs_tail_close(f);
}
END_TEST

START_TEST(test_delete_and_recreate)
{
	struct bs_tail *f;
	struct got g;
	int w;

	f = follow(logpath, true);
	w = writer_open(logpath);
	writer_put(w, "a1\n");
	ck_assert_str_eq(read_now(f, &g), "a1");
	ck_assert_int_eq(unlink(logpath), 0);
	/* Removed but still open on both sides: its lines still count. */
	writer_put(w, "a2\n");
	ck_assert_str_eq(read_now(f, &g), "a2");
	ck_assert(!bs_tail_is_open(f));
	writer_put(w, "a3\n");
	close(w);
	w = writer_open(logpath);
	writer_put(w, "b1\n");
	ck_assert_str_eq(read_now(f, &g), "a3|b1");
	ck_assert(bs_tail_is_open(f));
	close(w);
	bs_tail_close(f);
}
END_TEST

/* Moved away and back: the same file, so nothing is read twice. */
START_TEST(test_moved_back)
{
	char away[160];
	struct bs_tail *f;
	struct got g;

	tpath(away, sizeof(away), "mail.log.tmp");
	f = follow(logpath, true);
	append(logpath, "a1\na2\n");
	ck_assert_str_eq(read_now(f, &g), "a1|a2");
	ck_assert_int_eq(rename(logpath, away), 0);
	ck_assert_str_eq(read_now(f, &g), "");
	ck_assert_int_eq(rename(away, logpath), 0);
	append(logpath, "a3\n");
	ck_assert_str_eq(read_now(f, &g), "a3");
	bs_tail_close(f);
}
END_TEST

/*
 * Two rotations while the first rotated file ends without a newline: it
 * is closed when the second comes, and its last line counts then.
 */
START_TEST(test_rotated_twice)
{
	char r1[160], r2[160];
	struct bs_tail *f;
	struct got g;

	tpath(r1, sizeof(r1), "mail.log.1");
	tpath(r2, sizeof(r2), "mail.log.2");
	f = follow(logpath, true);
	append(logpath, "a1\na2 without newline");
	ck_assert_str_eq(read_now(f, &g), "a1");
	ck_assert_int_eq(rename(logpath, r1), 0);
	append(logpath, "b1\n");
	ck_assert_str_eq(read_now(f, &g), "b1");
	ck_assert_int_eq(rename(logpath, r2), 0);
	append(logpath, "c1\n");
	ck_assert_str_eq(read_now(f, &g), "a2 without newline|c1");
	bs_tail_close(f);
}
END_TEST

/* Many rotations of every kind, a line or two each time: none lost. */
START_TEST(test_many_rotations)
{
	char rotated[160], line[64];
	struct bs_tail *f;
	struct got g;
	unsigned i, total = 0, expect = 0;
	int w;

	tpath(rotated, sizeof(rotated), "mail.log.1");
	f = follow(logpath, true);
	w = writer_open(logpath);
	for (i = 0; i < 60; i++) {
		snprintf(line, sizeof(line), "line %u\nline %u-b\n", i, i);
		writer_put(w, line);
		expect += 2;
		total += (unsigned)(read_now(f, &g), g.n);
		switch (i % 3) {
		case 0:
			ck_assert_int_eq(rename(logpath, rotated), 0);
			break;
		case 1:
			ck_assert_int_eq(truncate(logpath, 0), 0);
			break;
		default:
			ck_assert_int_eq(unlink(logpath), 0);
			break;
		}
		snprintf(line, sizeof(line), "late %u\n", i);
		writer_put(w, line);
		expect++;
		if (i % 3 != 1) {
			close(w);
			w = writer_open(logpath);
		}
	}
	total += (unsigned)(read_now(f, &g), g.n);
	total += (unsigned)(read_now(f, &g), g.n);
	/* Late lines after a truncation land in the truncated file. */
	ck_assert_uint_eq(total, expect);
	close(w);
	bs_tail_close(f);
}
END_TEST

/* --- waiting ------------------------------------------------------------- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * What arrives within ms: a wake-up can come between a writer's create
 * and its write (or between two writes), so read until something is
 * there, waiting again in between.
 */
static const char *
read_within(struct bs_tail *f, struct got *g, int64_t ms)
{
	int64_t end = now_ms() + ms;

	while (*read_now(f, g) == '\0' && now_ms() < end)
		bs_tail_wait(&f, 1, (int)(end - now_ms()), NULL);
	return g->joined;
}

START_TEST(test_wait_timeout)
{
	struct bs_tail *f;
	struct got g;
	int64_t t;

	append(logpath, "a\n");
	f = follow(logpath, true);
	read_now(f, &g);
	t = now_ms();
	ck_assert_int_eq(bs_tail_wait(&f, 1, 200, NULL), 0);
	t = now_ms() - t;
	ck_assert_int_ge(t, 190);
	ck_assert_int_lt(t, 2000);
	bs_tail_close(f);
}
END_TEST

/* Another process appends s to path after ms milliseconds. */
static pid_t
append_later(const char *path, const char *s, unsigned ms)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct timespec ts = { 0, (long)ms * 1000000L };

		nanosleep(&ts, NULL);
		append(path, s);
		_exit(0);
	}
	return pid;
}

START_TEST(test_wait_wakes_on_data)
{
	struct bs_tail *f;
	struct got g;
	int64_t t;
	pid_t pid;

	append(logpath, "a\n");
	f = follow(logpath, true);
	read_now(f, &g);
	pid = append_later(logpath, "b\n", 100);
	t = now_ms();
	ck_assert_int_ge(bs_tail_wait(&f, 1, 5000, NULL), 0);
	t = now_ms() - t;
	ck_assert_int_lt(t, 1000);
	ck_assert_str_eq(read_within(f, &g, 3000), "b");
	waitpid(pid, NULL, 0);
	bs_tail_close(f);
}
END_TEST

START_TEST(test_wait_wakes_on_create)
{
	struct bs_tail *f;
	struct got g;
	int64_t t;
	pid_t pid;

	f = follow(logpath, true);
	read_now(f, &g);
	pid = append_later(logpath, "new\n", 100);
	t = now_ms();
	ck_assert_int_ge(bs_tail_wait(&f, 1, 5000, NULL), 0);
	t = now_ms() - t;
	ck_assert_int_lt(t, 1000);
	ck_assert_str_eq(read_within(f, &g, 3000), "new");
	waitpid(pid, NULL, 0);
	bs_tail_close(f);
}
END_TEST

static void
on_alarm(int sig)
{
	(void)sig;
}

START_TEST(test_wait_interrupted)
{
	struct sigaction sa, old;
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	struct bs_tail *f;
	struct got g;
	int64_t t;
	int r;

	append(logpath, "a\n");
	f = follow(logpath, true);
	read_now(f, &g);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;	/* the wait must return all the same */
	ck_assert_int_eq(sigaction(SIGALRM, &sa, &old), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	t = now_ms();
	r = bs_tail_wait(&f, 1, 5000, NULL);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(errno, EINTR);
	t = now_ms() - t;
	ck_assert_int_lt(t, 1000);
	sigaction(SIGALRM, &old, NULL);
	bs_tail_close(f);
}
END_TEST

/* --- the follow-mode loop ------------------------------------------------ */

#define PF_LINE "Nov 28 10:00:00 mx1 postfix/smtp[1]: %s: to=<u@example.org>" \
	", relay=none, delay=1, delays=1/0/0/0, dsn=5.1.1, status=bounced " \
	"(host x[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT " \
	"TO command))\n"

static void
append_event(const char *path, const char *qid)
{
	char line[512];

	snprintf(line, sizeof(line), PF_LINE, qid);
	append(path, line);
}

struct loop_test {
	volatile sig_atomic_t report_now, stop;
	unsigned reports;
	uint64_t lines[4], events[4];
	int64_t at[4];
	const char *append_on_first;	/* a queue id, or NULL */
	unsigned stop_after;
};

static void
on_report(void *ctx, struct bs_agg *agg)
{
	struct loop_test *t = ctx;
	const struct bs_totals *tot = bs_agg_totals(agg);

	if (t->reports < 4) {
		t->lines[t->reports] = tot->lines;
		t->events[t->reports] = tot->events;
		t->at[t->reports] = now_ms();
	}
	if (++t->reports == 1 && t->append_on_first != NULL)
		append_event(logpath, t->append_on_first);
	if (t->reports >= t->stop_after)
		t->stop = 1;
}

struct loop_env {
	struct bs_patterns *pats;
	struct bs_run_config cfg;
	struct bs_agg *agg;
};

static void
loop_env_init(struct loop_env *e)
{
	struct bs_diag d;

	memset(e, 0, sizeof(*e));
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_patterns_load(NULL, &e->pats, &d), BS_OK);
	e->cfg.patterns = e->pats;
	e->cfg.format = bs_format_find("postfix");
	ck_assert_ptr_nonnull(e->cfg.format);
	e->agg = bs_agg_new(false);
	ck_assert_ptr_nonnull(e->agg);
}

static void
loop_env_fini(struct loop_env *e)
{
	bs_agg_free(e->agg);
	bs_patterns_free(e->pats);
}

/* SIGUSR1's report, then stop: cumulative counts, new lines included. */
START_TEST(test_run_report_now_and_stop)
{
	struct loop_test t = { .report_now = 1, .append_on_first = "BBBBB2",
	    .stop_after = 1 };
	struct bs_follow_signals sig = { .report_now = &t.report_now,
	    .stop = &t.stop };
	struct loop_env e;
	char *paths[] = { logpath };

	loop_env_init(&e);
	append_event(logpath, "AAAAA1");
	ck_assert_int_eq(bs_run_follow(&e.cfg, paths, 1, true, 0, e.agg,
	    &sig, on_report, &t), BS_OK);
	ck_assert_uint_eq(t.reports, 2);
	ck_assert_uint_eq(t.lines[0], 1);
	ck_assert_uint_eq(t.events[0], 1);
	ck_assert_uint_eq(t.lines[1], 2);
	ck_assert_uint_eq(t.events[1], 2);
	loop_env_fini(&e);
}
END_TEST

/*
 * Reports come every interval, and between them the loop sleeps: the
 * process uses next to no CPU time while the file is quiet.
 */
START_TEST(test_run_interval_idle)
{
	struct loop_test t = { .stop_after = 2 };
	sigset_t mask;
	struct bs_follow_signals sig = { .report_now = &t.report_now,
	    .stop = &t.stop, .mask = &mask };
	struct rusage before, after;
	struct loop_env e;
	char *paths[] = { logpath };
	int64_t start, cpu_us;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	loop_env_init(&e);
	append_event(logpath, "AAAAA1");
	getrusage(RUSAGE_SELF, &before);
	start = now_ms();
	ck_assert_int_eq(bs_run_follow(&e.cfg, paths, 1, false, 1, e.agg,
	    &sig, on_report, &t), BS_OK);
	getrusage(RUSAGE_SELF, &after);
	/* Two interval reports and the last one. */
	ck_assert_uint_eq(t.reports, 3);
	ck_assert_int_ge(t.at[0] - start, 950);
	ck_assert_int_lt(t.at[0] - start, 1500);
	/*
	 * Reports keep to the interval's schedule (a late first report does
	 * not push the second back): the second comes at 2 s, not 1 s after
	 * the first.
	 */
	ck_assert_int_ge(t.at[1] - start, 1950);
	ck_assert_int_gt(t.at[1], t.at[0]);
	ck_assert_uint_eq(t.lines[2], 0);	/* it started at the end */
	cpu_us = (after.ru_utime.tv_sec - before.ru_utime.tv_sec +
	    after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1000000 +
	    after.ru_utime.tv_usec - before.ru_utime.tv_usec +
	    after.ru_stime.tv_usec - before.ru_stime.tv_usec;
	ck_assert_int_lt(cpu_us, 100000);
	loop_env_fini(&e);
}
END_TEST

START_TEST(test_run_directory)
{
	struct loop_test t = { .stop = 1 };
	struct bs_follow_signals sig = { .report_now = &t.report_now,
	    .stop = &t.stop };
	struct loop_env e;
	char *paths[] = { tmpdir, logpath };

	loop_env_init(&e);
	append_event(logpath, "AAAAA1");
	/* The directory fails as an input; the file is still followed. */
	ck_assert_int_eq(bs_run_follow(&e.cfg, paths, 2, true, 0, e.agg,
	    &sig, on_report, &t), BS_ERR_IO);
	ck_assert_uint_eq(t.reports, 1);
	ck_assert_uint_eq(t.lines[0], 1);
	ck_assert_ptr_nonnull(strstr(bs_agg_input(e.agg, 0)->error,
	    "directory"));
	ck_assert_str_eq(bs_agg_input(e.agg, 1)->error, "");
	loop_env_fini(&e);
}
END_TEST

/*
 * --follow --since on a follower that runs for weeks, across New Year
 * (issue 19): the year of classic stamps follows the wall clock, which
 * the test plays (no sleeping).  Each report moves the clock on and
 * writes the lines of that moment; every one of them is inside the
 * window.  Before, the reference stayed at the start: the Dec 9 line was
 * put in 2025, outside the window, and so were all after it.
 */
#define STAMPED_LINE "%s mx1 postfix/smtp[1]: %s: to=<u@example.org>, " \
	"relay=none, delay=1, delays=1/0/0/0, dsn=5.1.1, status=bounced " \
	"(host x[192.0.2.1] said: 550 5.1.1 no such user)\n"

struct clock_step {
	time_t clock;		/* the wall clock from then on */
	const char *stamps[2];	/* lines written then (NULL: none) */
};

static const struct clock_step clock_steps[] = {
	/* 2026-12-05T10:00:10Z: the start. */
	{ 1796464810, { "Dec  5 10:00:00", NULL } },
	/* Four days later. */
	{ 1796810410, { "Dec  9 10:00:00", NULL } },
	/* New Year's Eve, 23:59:58, and a writer two seconds ahead. */
	{ 1798761598, { "Dec 31 23:59:57", "Jan  1 00:00:03" } },
	/* 2027-01-01T00:01:00Z. */
	{ 1798761660, { "Jan  1 00:00:59", NULL } },
};

struct clock_test {
	struct loop_test t;
	size_t step;
	uint64_t outside[4];
	struct bs_agg *agg;
};

static time_t
test_clock(void *ctx)
{
	const struct clock_test *c = ctx;

	return clock_steps[c->step].clock;
}

static void
write_step(size_t step)
{
	char line[512];
	size_t i;

	for (i = 0; i < 2 && clock_steps[step].stamps[i] != NULL; i++) {
		char qid[16];

		snprintf(qid, sizeof(qid), "ABCDE%zu%zu", step, i);
		snprintf(line, sizeof(line), STAMPED_LINE,
		    clock_steps[step].stamps[i], qid);
		append(logpath, line);
	}
}

static void
on_clock_report(void *ctx, struct bs_agg *agg)
{
	struct clock_test *c = ctx;
	size_t n = c->t.reports;

	if (n < 4) {
		c->t.events[n] = bs_agg_totals(agg)->events;
		c->outside[n] = bs_agg_input(agg, 0)->outside;
	}
	c->t.reports++;
	if (c->step + 1 < sizeof(clock_steps) / sizeof(clock_steps[0])) {
		c->step++;
		write_step(c->step);
		c->t.report_now = 1;
	} else
		c->t.stop = 1;
}

START_TEST(test_run_clock_follows)
{
	struct clock_test c = { .t = { .report_now = 1 } };
	struct bs_follow_signals sig = { .report_now = &c.t.report_now,
	    .stop = &c.t.stop, .clock = test_clock, .clock_ctx = &c };
	struct bs_window w = { .has_since = true, .since = 1796428800 };
	const char *tz = getenv("TZ");
	char saved[128] = "";
	struct loop_env e;
	char *paths[] = { logpath };
	size_t i;

	if (tz != NULL)
		snprintf(saved, sizeof(saved), "%s", tz);
	setenv("TZ", "UTC", 1);
	tzset();
	loop_env_init(&e);
	e.cfg.window = &w;
	write_step(0);
	ck_assert_int_eq(bs_run_follow(&e.cfg, paths, 1, true, 0, e.agg,
	    &sig, on_clock_report, &c), BS_OK);
	/* Four steps, and the last report. */
	ck_assert_uint_eq(c.t.reports, 5);
	for (i = 0; i < 4; i++) {
		static const uint64_t want[4] = { 1, 2, 4, 5 };

		ck_assert_msg(c.t.events[i] == want[i] && c.outside[i] == 0,
		    "report %zu: %llu events, %llu outside; expected %llu, 0",
		    i, (unsigned long long)c.t.events[i],
		    (unsigned long long)c.outside[i],
		    (unsigned long long)want[i]);
	}
	loop_env_fini(&e);
	if (tz != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
}
END_TEST

static void
count_warning(void *ctx, const struct bs_diag *d)
{
	(void)d;
	(*(unsigned *)ctx)++;
}

/*
 * --follow -: standard input is read until its pipe ends, and then the
 * loop reports once more and returns, without a signal or a warning (a
 * pipe that has ended is not a file still to appear).
 */
START_TEST(test_run_stdin_ends)
{
	struct loop_test t = { 0 };
	struct bs_follow_signals sig = { .report_now = &t.report_now,
	    .stop = &t.stop };
	struct loop_env e;
	char line[512], dash[] = "-", *paths[] = { dash };
	unsigned warnings = 0;
	int saved, w;

	loop_env_init(&e);
	e.cfg.warn = count_warning;
	e.cfg.warn_ctx = &warnings;
	w = stdin_pipe(&saved);
	snprintf(line, sizeof(line), PF_LINE, "AAAAA1");
	writer_put(w, line);
	snprintf(line, sizeof(line), PF_LINE, "BBBBB2");
	/* The last line without its newline. */
	line[strlen(line) - 1] = '\0';
	writer_put(w, line);
	close(w);
	ck_assert_int_eq(bs_run_follow(&e.cfg, paths, 1, false, 0, e.agg,
	    &sig, on_report, &t), BS_OK);
	ck_assert_uint_eq(t.reports, 1);
	ck_assert_uint_eq(t.lines[0], 2);
	ck_assert_uint_eq(t.events[0], 2);
	ck_assert_str_eq(bs_agg_input(e.agg, 0)->error, "");
	ck_assert_uint_eq(warnings, 0);
	stdin_restore(saved);
	loop_env_fini(&e);
}
END_TEST

/* The warnings of a follow run, kept in order. */
struct warnings {
	unsigned n;
	char msg[4][BS_DIAG_MSG_MAX];
};

static void
keep_warning(void *ctx, const struct bs_diag *d)
{
	struct warnings *w = ctx;

	if (w->n < 4)
		snprintf(w->msg[w->n], sizeof(w->msg[w->n]), "%s", d->msg);
	w->n++;
}

#define EXIM_LINE "Nov 28 10:00:01 mx2 exim[7]: 1vAbCd-000AbC-1a ** " \
	"u@example.net R=dnslookup T=remote_smtp: SMTP error from remote " \
	"mail server after RCPT TO:<u@example.net>: 550 5.1.1 no such user\n"

struct mixed_test {
	volatile sig_atomic_t report_now, stop;
	unsigned reports;
	struct warnings *w;
	unsigned warned_at_first;	/* warnings by the first report */
};

/* The first report: Exim's lines start; the second ends the run. */
static void
on_report_exim_later(void *ctx, struct bs_agg *agg)
{
	struct mixed_test *t = ctx;

	(void)agg;
	if (++t->reports == 1) {
		t->warned_at_first = t->w->n;
		append(logpath, EXIM_LINE);
		append(logpath, EXIM_LINE);
		t->report_now = 1;
	} else
		t->stop = 1;
}

/*
 * Issue 19: a follower recognises the format on its first lines; lines of
 * the other of Postfix and Exim that come after them (a central syslog
 * server where the Exim host starts logging later) are not read, and the
 * operator is told once, as a batch run tells it, while the follower
 * goes on.
 */
START_TEST(test_run_other_program_later)
{
	struct warnings w = { 0 };
	struct mixed_test t = { .report_now = 1, .w = &w };
	struct bs_follow_signals sig = { .report_now = &t.report_now,
	    .stop = &t.stop };
	struct loop_env e;
	char *paths[] = { logpath };

	loop_env_init(&e);
	e.cfg.format = NULL;
	e.cfg.warn = keep_warning;
	e.cfg.warn_ctx = &w;
	append_event(logpath, "AAAAA1");
	append_event(logpath, "BBBBB2");
	append_event(logpath, "CCCCC3");
	ck_assert_int_eq(bs_run_follow(&e.cfg, paths, 1, true, 0, e.agg,
	    &sig, on_report_exim_later, &t), BS_OK);
	ck_assert_uint_eq(t.reports, 3);	/* and the last one */
	ck_assert_uint_eq(t.warned_at_first, 0);
	ck_assert_uint_eq(w.n, 1);
	ck_assert_str_eq(w.msg[0], "read as postfix, but 2 of its first 5 "
	    "lines are from exim: such lines are not read (--type mixed reads "
	    "both)");
	ck_assert_uint_eq(bs_agg_totals(e.agg)->events, 3);
	ck_assert_str_eq(bs_agg_input(e.agg, 0)->error, "");
	loop_env_fini(&e);
}
END_TEST

/* Stop at the first report. */
static void
on_report_stop(void *ctx, struct bs_agg *agg)
{
	struct mixed_test *t = ctx;

	(void)agg;
	if (++t->reports == 1)
		t->warned_at_first = t->w->n;
	t->stop = 1;
}

/*
 * Issue 19: a forced --type that finds nothing in a file that looks like
 * another format is told at the first report (the follower goes on), and
 * at the end the input fails as in a batch run: a monitoring check that
 * forced the wrong type never says OK.
 */
START_TEST(test_run_wrong_type)
{
	struct warnings w = { 0 };
	struct mixed_test t = { .report_now = 1, .w = &w };
	struct bs_follow_signals sig = { .report_now = &t.report_now,
	    .stop = &t.stop };
	struct loop_env e;
	char *paths[] = { logpath };

	loop_env_init(&e);
	e.cfg.format = bs_format_find("exim");
	e.cfg.warn = keep_warning;
	e.cfg.warn_ctx = &w;
	append_event(logpath, "AAAAA1");
	append_event(logpath, "BBBBB2");
	ck_assert_int_eq(bs_run_follow(&e.cfg, paths, 1, true, 0, e.agg,
	    &sig, on_report_stop, &t), BS_ERR_FORMAT);
	ck_assert_uint_eq(t.reports, 2);
	ck_assert_uint_eq(t.warned_at_first, 1);
	ck_assert_uint_eq(w.n, 2);
	ck_assert_str_eq(w.msg[0], "--type exim found no events in its first "
	    "2 lines; it looks like postfix");
	ck_assert_str_eq(w.msg[1], "--type exim found no events; it looks "
	    "like postfix");
	ck_assert_str_eq(bs_agg_input(e.agg, 0)->error, w.msg[1]);
	loop_env_fini(&e);
}
END_TEST

/* The right --type: no warning, no failure. */
START_TEST(test_run_right_type)
{
	struct warnings w = { 0 };
	struct mixed_test t = { .report_now = 1, .w = &w };
	struct bs_follow_signals sig = { .report_now = &t.report_now,
	    .stop = &t.stop };
	struct loop_env e;
	char *paths[] = { logpath };

	loop_env_init(&e);
	e.cfg.warn = keep_warning;
	e.cfg.warn_ctx = &w;
	append_event(logpath, "AAAAA1");
	ck_assert_int_eq(bs_run_follow(&e.cfg, paths, 1, true, 0, e.agg,
	    &sig, on_report_stop, &t), BS_OK);
	ck_assert_uint_eq(w.n, 0);
	ck_assert_uint_eq(bs_agg_totals(e.agg)->events, 1);
	loop_env_fini(&e);
}
END_TEST

Suite *
follow_suite(void)
{
	Suite *s = suite_create("follow");
	TCase *tc = tcase_create("start");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_from_start);
	tcase_add_test(tc, test_from_end);
	tcase_add_test(tc, test_from_end_mid_line);
	tcase_add_test(tc, test_not_there_yet);
	tcase_add_test(tc, test_directory);
	suite_add_tcase(s, tc);
	tc = tcase_create("lines");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_partial_line_held);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_overlong_line);
	tcase_add_test(tc, test_overlong_line_in_pieces);
	tcase_add_test(tc, test_same_lines_as_batch);
	tcase_add_test(tc, test_limit_lines_one_by_one);
	suite_add_tcase(s, tc);
	tc = tcase_create("stdin");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_stdin_pipe);
	tcase_add_test(tc, test_stdin_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("rotation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rename_and_create);
	tcase_add_test(tc, test_rename_unread_rest);
	tcase_add_test(tc, test_copytruncate);
	tcase_add_test(tc, test_copytruncate_regrown);
	tcase_add_test(tc, test_truncate_kept);
	tcase_add_test(tc, test_truncate_mid_line);
	tcase_add_test(tc, test_truncate_regrown);
	tcase_add_test(tc, test_truncate_shared_prefix);
	tcase_add_test(tc, test_delete_and_recreate);
	tcase_add_test(tc, test_moved_back);
	tcase_add_test(tc, test_rotated_twice);
	tcase_add_test(tc, test_many_rotations);
	suite_add_tcase(s, tc);
	tc = tcase_create("wait");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_wait_timeout);
	tcase_add_test(tc, test_wait_wakes_on_data);
	tcase_add_test(tc, test_wait_wakes_on_create);
	tcase_add_test(tc, test_wait_interrupted);
	suite_add_tcase(s, tc);
	tc = tcase_create("loop");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_run_report_now_and_stop);
	tcase_add_test(tc, test_run_interval_idle);
	tcase_add_test(tc, test_run_directory);
	tcase_add_test(tc, test_run_stdin_ends);
	tcase_add_test(tc, test_run_clock_follows);
	tcase_add_test(tc, test_run_other_program_later);
	tcase_add_test(tc, test_run_wrong_type);
	tcase_add_test(tc, test_run_right_type);
	suite_add_tcase(s, tc);
	return s;
}
