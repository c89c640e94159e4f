/*
 * rotwriter.c - the writer of tests/rotation.sh: appends N distinct
 * Postfix bounce lines to a log as fast as it can, in write(2) calls of
 * random sizes (so the follower sees partial lines), and rotates the log
 * R times, cycling through the ways logrotate and syslog daemons do it
 * (K counts the rotations, so no rotated file is ever written over):
 *
 *   rename   rename LOG to LOG.K, create a new LOG (logrotate "create"),
 *            then write a few more lines to the old file before reopening
 *            (the daemon has not had its HUP yet);
 *   copy     copy LOG to a new LOG.K and truncate LOG (logrotate
 *            "copytruncate"), then go on writing at once;
 *   delete   remove LOG, write a few more lines to the removed file,
 *            leave the name missing for a moment, then recreate it.
 *
 * The exact count is well defined only if no line can be lost for good
 * reasons, so before each rotation the writer waits for the follower:
 * before a copytruncate until it has counted every line written (lines it
 * has not read when the truncation comes exist only in the copy); before
 * the others until it has counted a line of the current file, that is,
 * has it open (a file renamed or removed before anyone opened it cannot
 * be found again).  It asks with SIGUSR1 and reads the count from the
 * report file, which therefore must always be a whole JSON document.
 * Lines written to the old file after a rotation, and a follower lagging
 * behind on it, are the follower's problem: that is what is tested.
 *
 *   rotwriter LOG REPORT PID N R SEED   write, rotate; exit 0, or 1
 *   rotwriter --check REPORT N          check the final report
 *
 * ROTWRITER_KINDS (default 012) picks the kinds used, in turn: 0 rename,
 * 1 copy, 2 delete.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_FMT "Nov 28 10:00:00 mx1 postfix/smtp[1]: %010llX: " \
	"to=<u%llu@example.org>, relay=none, delay=1, delays=1/0/0/0, " \
	"dsn=5.1.1, status=bounced (host x[192.0.2.1] said: 550 5.1.1 " \
	"no such user (in reply to RCPT TO command))%s\n"

#define BUF_MAX		(256 * 1024)
#define SYNC_TIMEOUT_MS	10000

struct writer {
	const char *log, *report;
	char old_name[4096];
	pid_t pid;
	int fd;
	uint64_t next_id;	/* lines written so far */
	uint64_t file_start;	/* lines written before the current file */
	uint64_t rng;
	int rotations;
	char buf[BUF_MAX];
	size_t len;
};

static uint64_t
rnd(struct writer *w, uint64_t n)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng % n;
}

static void
die(const char *what)
{
	fprintf(stderr, "rotwriter: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("write");
		p += r;
		n -= (size_t)r;
	}
}

/* Write the buffered lines in slices of random sizes. */
static void
flush_to(struct writer *w, int fd)
{
	size_t pos = 0;

	while (pos < w->len) {
		size_t n = 1 + (size_t)rnd(w, 6000);

		if (n > w->len - pos)
			n = w->len - pos;
		write_all(fd, w->buf + pos, n);
		pos += n;
	}
	w->len = 0;
}

/* Buffer one more line; every seventh ends in CRLF. */
static void
add_line(struct writer *w, int fd)
{
	uint64_t id = w->next_id++;
	int n;

	if (w->len + 512 > sizeof(w->buf))
		flush_to(w, fd);
	n = snprintf(w->buf + w->len, sizeof(w->buf) - w->len, LINE_FMT,
	    (unsigned long long)(id + 0x100000),
	    (unsigned long long)rnd(w, 100000), id % 7 == 0 ? "\r" : "");
	w->len += (size_t)n;
}

/* The number after key, the first one after anchor; -1 if absent. */
static long long
field_after(const char *doc, const char *anchor, const char *key)
{
	const char *p = strstr(doc, anchor);

	if (p == NULL || (p = strstr(p, key)) == NULL)
		return -1;
	return strtoll(p + strlen(key), NULL, 10);
}

static char *
slurp(const char *path)
{
	static char doc[1 << 16];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	n = read(fd, doc, sizeof(doc) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	doc[n] = '\0';
	return doc;
}

static long long
report_lines(const char *path)
{
	char *doc = slurp(path);
	size_t n;

	if (doc == NULL)
		return -2;	/* not written yet */
	n = strlen(doc);
	/* An atomic rewrite never shows a partial document. */
	if (n < 2 || doc[n - 2] != '}' || doc[n - 1] != '\n' ||
	    field_after(doc, "\"totals\"", "\"lines\": ") < 0) {
		fprintf(stderr, "rotwriter: %s holds a partial report "
		    "(%zu bytes)\n", path, n);
		exit(1);
	}
	return field_after(doc, "\"totals\"", "\"lines\": ");
}

/* Ask the follower for a report until it has counted at least want. */
static void
wait_for(struct writer *w, uint64_t want)
{
	int64_t start = now_ms(), asked = 0;
	long long got = -2;

	for (;;) {
		int64_t t = now_ms();

		if (t - asked >= 100) {
			if (kill(w->pid, SIGUSR1) != 0)
				die("the follower is gone");
			asked = t;
		}
		sleep_ms(1);
		got = report_lines(w->report);
		if (got >= (long long)want)
			return;
		if (t - start > SYNC_TIMEOUT_MS) {
			fprintf(stderr, "rotwriter: the follower counted %lld "
			    "lines, %llu were written\n", got,
			    (unsigned long long)want);
			exit(1);
		}
	}
}

/* Wait until the follower has its signal handlers, so SIGUSR1 is safe. */
static void
wait_ready(pid_t pid)
{
	char path[64], line[256];
	int tries;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	for (tries = 0; tries < 5000; tries++) {
		FILE *f = fopen(path, "r");
		bool ready = false;

		if (f == NULL && access("/proc/self/status", R_OK) == 0) {
			fputs("rotwriter: the follower is not running\n",
			    stderr);
			exit(1);
		}
		if (f == NULL) {
			sleep_ms(1000);	/* no /proc: just give it time */
			return;
		}
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "SigCgt:", 7) == 0)
				ready = (strtoull(line + 7, NULL, 16) >>
				    (SIGUSR1 - 1)) & 1;
		fclose(f);
		if (ready)
			return;
		sleep_ms(1);
	}
	fputs("rotwriter: the follower never handled SIGUSR1\n", stderr);
	exit(1);
}

static int
open_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		die(path);
	return fd;
}

/* A few lines more into the old file, as a daemon not yet told. */
static void
late_lines(struct writer *w, int old_fd)
{
	uint64_t k = 1 + rnd(w, 50);

	while (k-- > 0)
		add_line(w, old_fd);
	flush_to(w, old_fd);
}

static void
copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t r;

	if (in < 0)
		die(from);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (out < 0)
		die(to);
	while ((r = read(in, buf, sizeof(buf))) > 0)
		write_all(out, buf, (size_t)r);
	if (r < 0)
		die("read");
	close(in);
	close(out);
}

static void
rotate(struct writer *w, int kind)
{
	int old_fd = w->fd;

	flush_to(w, w->fd);
	snprintf(w->old_name, sizeof(w->old_name), "%s.%d", w->log,
	    ++w->rotations);
	switch (kind) {
	case 0:		/* rename and create */
		wait_for(w, w->file_start + 1);
		if (rename(w->log, w->old_name) != 0)
			die("rename");
		w->fd = open_log(w->log);
		late_lines(w, old_fd);
		close(old_fd);
		break;
	case 1:		/* copytruncate */
		wait_for(w, w->next_id);
		copy_file(w->log, w->old_name);
		if (truncate(w->log, 0) != 0)
			die("truncate");
		break;
	default:	/* delete and recreate */
		wait_for(w, w->file_start + 1);
		if (unlink(w->log) != 0)
			die("unlink");
		late_lines(w, old_fd);
		close(old_fd);
		sleep_ms((long)rnd(w, 20));
		w->fd = open_log(w->log);
		break;
	}
	w->file_start = w->next_id;
}

static int
check(const char *report, unsigned long long n)
{
	char *doc = slurp(report);
	const char *codes;
	long long lines, events, bounced, count, messages;

	if (doc == NULL) {
		fprintf(stderr, "no report in %s\n", report);
		return 1;
	}
	lines = field_after(doc, "\"totals\"", "\"lines\": ");
	events = field_after(doc, "\"totals\"", "\"events\": ");
	bounced = field_after(doc, "\"totals\"", "\"bounced\": ");
	count = field_after(doc, "\"codes\"", "\"count\": ");
	messages = field_after(doc, "\"codes\"", "\"messages\": ");
	codes = strstr(doc, "\"codes\"");
	if (lines == (long long)n && events == (long long)n &&
	    bounced == (long long)n && count == (long long)n &&
	    messages == (long long)n && codes != NULL &&
	    strstr(strstr(codes, "\"count\": ") + 1, "\"count\": ") == NULL)
		return 0;
	fprintf(stderr, "expected %llu; got lines %lld, events %lld, bounced "
	    "%lld, row count %lld, row messages %lld\n", n, lines, events,
	    bounced, count, messages);
	return 1;
}

int
main(int argc, char **argv)
{
	static struct writer w;
	uint64_t n, r, rot = 0;
	const char *kinds;

	if (argc == 4 && strcmp(argv[1], "--check") == 0)
		return check(argv[2], strtoull(argv[3], NULL, 10));
	if (argc != 7) {
		fputs("usage: rotwriter LOG REPORT PID N R SEED\n"
		    "       rotwriter --check REPORT N\n", stderr);
		return 2;
	}
	/* ROTWRITER_KINDS=1 (say) narrows a failure down to one kind. */
	kinds = getenv("ROTWRITER_KINDS");
	if (kinds == NULL || strspn(kinds, "012") != strlen(kinds) ||
	    *kinds == '\0')
		kinds = "012";
	w.log = argv[1];
	w.report = argv[2];
	w.pid = (pid_t)strtol(argv[3], NULL, 10);
	n = strtoull(argv[4], NULL, 10);
	r = strtoull(argv[5], NULL, 10);
	w.rng = strtoull(argv[6], NULL, 10) * 2654435761u + 1;
	wait_ready(w.pid);
	w.fd = open_log(w.log);
	/*
	 * Rotations are spread evenly over the lines.  Late lines count too,
	 * so a rotation near the end can take the total a little past N: the
	 * total is printed for the check.
	 */
	while (w.next_id < n) {
		if (rot < r && w.next_id >= (rot + 1) * n / (r + 1) &&
		    w.next_id > w.file_start) {
			rotate(&w, kinds[rot % strlen(kinds)] - '0');
			rot++;
		}
		add_line(&w, w.fd);
	}
	flush_to(&w, w.fd);
	close(w.fd);
	printf("%llu %llu\n", (unsigned long long)w.next_id,
	    (unsigned long long)rot);
	return 0;
}
