/*
 * tail.c - following a live log by name through rotation (see tail.h for
 * what is recognised and how).
 *
 * Each open file is a followed source (source_follow.c, which keeps the
 * file's place and notices copytruncate) and its own line splitter; this
 * file decides which files are open: it notices that the path names
 * another file or none, keeps the replaced file until it is quiet, and
 * waits for changes.
 *
 * What no follower can avoid with copytruncate: the rotator copies the
 * file and then truncates it, so lines written between the copy and the
 * truncation, and lines this tail had not read yet when the truncation
 * came, exist only in the copy, which it does not know about.  (A writer
 * without O_APPEND also leaves a hole of zero bytes at the front of the
 * truncated file; it is read as one long line, cut and counted.)  Rename
 * and create, and delete and recreate, lose nothing: the old file stays
 * open and is read until it has been quiet for BS_FOLLOW_RETIRE_MS.
 *
 * Waiting uses inotify where the system has it: one instance per tail,
 * watching the folder (for the name) and each open file (for writes,
 * truncation, renames and deletion).  Where inotify cannot be used
 * (another system, no instance left, a folder that does not exist yet),
 * the wait is a sleep of BS_FOLLOW_POLL_MS.  Standard input, when it is
 * not a regular file, is waited for with poll on its descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#define BS_HAVE_INOTIFY
#endif

#include "bslimits.h"
#include "source.h"
#include "source_follow.h"
#include "tail.h"

#ifdef BS_HAVE_INOTIFY
#define DIR_EVENTS	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | \
			    IN_ONLYDIR)
#define FILE_EVENTS	(IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF)
#endif

/* One open file of the path. */
struct file {
	struct bs_source *src;	/* NULL: no file */
	struct bs_lines *ls;
	dev_t dev;
	ino_t ino;
	int wd;			/* inotify watch on its inode, -1: none */
	int64_t quiet_since;	/* retired: when it last gave data (ms) */
};

struct bs_tail {
	char *path;
	char *dir;		/* the folder watched for the name */
	bool is_stdin;
	int poll_fd;		/* waited for with poll (a pipe), or -1 */
	struct file cur;	/* the file the path names */
	struct file old;	/* the file a rotation replaced: draining */
	uint64_t lineno;
	bool more;		/* stopped at BS_FOLLOW_BURST: data is left */
	bool ended;		/* standard input's pipe has ended */
	int open_err;		/* last open error reported, 0: none */
	bool has_notice;	/* notice not taken yet (bs_tail_notice) */
	struct bs_diag notice;
	int ifd;		/* inotify instance, -1: poll */
	int wd_dir;
	bs_tail_line_fn fn;
	void *ctx;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Close the file and unwatch it. */
static void
file_close(struct bs_tail *t, struct file *fl)
{
#ifdef BS_HAVE_INOTIFY
	if (fl->wd >= 0 && t->ifd >= 0)
		inotify_rm_watch(t->ifd, fl->wd);
#else
	(void)t;
#endif
	bs_lines_free(fl->ls);
	bs_source_close(fl->src);
	fl->ls = NULL;
	fl->src = NULL;
	fl->wd = -1;
}

static void
swap_files(struct bs_tail *t)
{
	struct file tmp = t->cur;

	t->cur = t->old;
	t->old = tmp;
}

#ifdef BS_HAVE_INOTIFY
static void
watch_dir(struct bs_tail *t)
{
	if (t->ifd >= 0 && t->wd_dir < 0 && !t->is_stdin)
		t->wd_dir = inotify_add_watch(t->ifd, t->dir, DIR_EVENTS);
}

/*
 * Watch the open file itself, not whatever the path names by now: the
 * descriptor's /proc link leads to its inode even after a rename.
 */
static void
watch_file(struct bs_tail *t, struct file *fl, int fd)
{
	char proc[64];

	fl->wd = -1;
	if (t->ifd < 0)
		return;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	fl->wd = inotify_add_watch(t->ifd, proc, FILE_EVENTS);
}
#else
static void
watch_dir(struct bs_tail *t)
{
	(void)t;
}

static void
watch_file(struct bs_tail *t, struct file *fl, int fd)
{
	(void)t;
	(void)fd;
	fl->wd = -1;
}
#endif

/* Whether waiting for this tail must fall back to a timed sleep. */
static bool
needs_poll(const struct bs_tail *t)
{
	if (t->poll_fd >= 0)
		return false;
	return t->ifd < 0 || (!t->is_stdin && t->wd_dir < 0) ||
	    (t->cur.src != NULL && t->cur.wd < 0) ||
	    (t->old.src != NULL && t->old.wd < 0);
}

/* Give fd to a followed source and a splitter as the file fl. */
static bs_status
file_open(struct bs_tail *t, struct file *fl, int fd, bool at_end,
    struct bs_diag *d)
{
	bs_status st;

	st = bs_source_follow(fd, t->is_stdin ? "(stdin)" : t->path, at_end,
	    t->is_stdin, &fl->src, d);
	if (st != BS_OK)
		return st;
	fl->ls = bs_lines_new(fl->src);
	if (fl->ls == NULL) {
		bs_source_close(fl->src);
		fl->src = NULL;
		return bs_diag_set(d, BS_ERR_NOMEM, t->path, 0,
		    "out of memory");
	}
	fl->wd = -1;
	if (t->poll_fd < 0)
		watch_file(t, fl, fd);
	return BS_OK;
}

/*
 * Tell the operator that fl was cut back (source_follow.h), and what is
 * done about it.  One notice waits at a time: the first is kept.
 */
static void
note_cut(struct bs_tail *t, struct file *fl)
{
	const char *name = t->is_stdin ? "(stdin)" : t->path;
	unsigned long long was, now;

	switch (bs_source_follow_cut(fl->src, &was, &now)) {
	case BS_FOLLOW_CUT_NONE:
		return;
	case BS_FOLLOW_CUT_KEPT:
		if (t->has_notice)
			break;
		if (now < was)
			bs_diag_set(&t->notice, BS_OK, name, 0, "truncated "
			    "from %llu to %llu bytes; what it kept was read "
			    "already, reading on from its new end", was, now);
		else
			bs_diag_set(&t->notice, BS_OK, name, 0, "truncated "
			    "below %llu bytes and written past that again "
			    "(now %llu); what it kept was read already, "
			    "reading on from its end (the lines written since "
			    "the cut are passed over)", was, now);
		break;
	case BS_FOLLOW_CUT_REWRITTEN:
		if (!t->has_notice)
			bs_diag_set(&t->notice, BS_OK, name, 0, "truncated "
			    "(copytruncate?) after %llu bytes, now %llu; "
			    "reading it again from its start", was, now);
		break;
	}
	t->has_notice = true;
}

/*
 * Hot: hand out the whole lines fl has now, at most reads reads of it.
 * *ended: its data has ended (finished, or standard input's pipe closed),
 * its last line handed out.  Returns the callback's status, or BS_ERR_IO
 * with d filled for a read error the source retries.
 */
static bs_status
drain(struct bs_tail *t, struct file *fl, int reads, bool *ended,
    struct bs_diag *d)
{
	struct bs_line line;
	struct bs_diag ld;
	bs_status st;
	int r;

	*ended = false;
	bs_source_follow_allow(fl->src, reads);
	while ((r = bs_lines_next(fl->ls, &line, &ld)) == 1) {
		line.lineno = ++t->lineno;
		st = t->fn(t->ctx, &line);
		if (st != BS_OK)
			return st;
	}
	*ended = r != BS_LINES_AGAIN;
	note_cut(t, fl);
	return bs_source_follow_error(fl->src, d);
}

/* A file that is done: its unfinished last line is still a line. */
static bs_status
finish(struct bs_tail *t, struct file *fl)
{
	struct bs_diag d;
	bs_status st;
	bool ended;

	bs_source_follow_finish(fl->src);
	st = drain(t, fl, 1, &ended, &d);
	file_close(t, fl);
	return st == BS_ERR_IO ? BS_OK : st;
}

/*
 * The current file no longer has the name (or another file has): keep
 * reading it as the retired file, whose writers may not have reopened
 * their log yet.  A file retired before, still open, is read to its end
 * and closed first; however much is left there, it is read now, as it
 * could not be found again (its writers moved on two rotations ago).
 */
static bs_status
retire(struct bs_tail *t, struct bs_diag *d)
{
	bs_status st;
	bool ended;

	if (t->old.src != NULL) {
		st = drain(t, &t->old, INT_MAX, &ended, d);
		if (st != BS_OK && st != BS_ERR_IO)
			return st;
		st = finish(t, &t->old);
		if (st != BS_OK)
			return st;
	}
	swap_files(t);
	t->old.quiet_since = mono_ms();
	return BS_OK;
}

static bs_status
open_failed(struct bs_tail *t, int err, struct bs_diag *d)
{
	if (err == t->open_err)
		return BS_OK;
	t->open_err = err;
	if (err == EISDIR)
		return bs_diag_set(d, BS_ERR_IO, t->path, 0,
		    "is a directory, not a log file");
	return bs_diag_set(d, BS_ERR_IO, t->path, 0, "cannot open: %s "
	    "(will retry)", strerror(err));
}

/*
 * Open the file the path names now as the current one, if there is one.
 * A missing file is not an error: the caller waits for it.
 */
static bs_status
open_path(struct bs_tail *t, bool at_end, struct bs_diag *d)
{
	struct stat st;
	int fd;

	fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			t->open_err = 0;
			return BS_OK;
		}
		return open_failed(t, errno, d);
	}
	if (fstat(fd, &st) != 0) {
		int err = errno;

		close(fd);
		return open_failed(t, err, d);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return open_failed(t, EISDIR, d);
	}
	t->open_err = 0;
	if (t->old.src != NULL && st.st_dev == t->old.dev &&
	    st.st_ino == t->old.ino) {
		/* The retired file is back under its name: go on with it. */
		close(fd);
		swap_files(t);
		return BS_OK;
	}
	t->cur.dev = st.st_dev;
	t->cur.ino = st.st_ino;
	return file_open(t, &t->cur, fd, at_end, d);
}

/*
 * At the end of the current file: was it truncated, or does the path now
 * name another file or none?  Returns true when reading should go on.
 */
static bool
rotated(struct bs_tail *t, bs_status *st, struct bs_diag *d)
{
	struct stat sb;

	*st = BS_OK;
	if (bs_source_follow_rewritten(t->cur.src)) {
		note_cut(t, &t->cur);
		return true;
	}
	if (t->is_stdin || (stat(t->path, &sb) == 0 &&
	    sb.st_dev == t->cur.dev && sb.st_ino == t->cur.ino))
		return false;
	/* Renamed, deleted or replaced: everything in it so far was read. */
	*st = retire(t, d);
	return *st == BS_OK;
}

/* Read the retired file; close it once it has been quiet long enough. */
static bs_status
read_retired(struct bs_tail *t, struct bs_diag *d)
{
	struct file *fl = &t->old;
	uint64_t before = bs_source_follow_nread(fl->src);
	int64_t now;
	bs_status st;
	bool ended;

	st = drain(t, fl, BS_FOLLOW_BURST, &ended, d);
	if (st != BS_OK)
		return st;
	now = mono_ms();
	if (bs_source_follow_starved(fl->src))
		t->more = true;
	if (bs_source_follow_nread(fl->src) != before)
		fl->quiet_since = now;
	else if (now - fl->quiet_since >= BS_FOLLOW_RETIRE_MS)
		return finish(t, fl);
	return BS_OK;
}

bs_status
bs_tail_read_lines(struct bs_tail *t, bs_tail_line_fn fn, void *ctx,
    struct bs_diag *d)
{
	bs_status st = BS_OK, soft = BS_OK;
	bool ended;
	int pass;

	t->fn = fn;
	t->ctx = ctx;
	t->more = false;
	if (t->ended)
		return BS_OK;
	watch_dir(t);
	if (t->old.src != NULL) {
		/* A read error there must not keep the current file unread. */
		st = read_retired(t, d);
		if (st == BS_ERR_IO)
			soft = st;
		else if (st != BS_OK)
			goto out;
		st = BS_OK;
	}
	/*
	 * Each pass reads the current file to its end and then looks for a
	 * rotation; a path that keeps changing is looked at again next call.
	 */
	for (pass = 0; pass < 4; pass++) {
		if (t->cur.src == NULL) {
			st = open_path(t, false, d);
			if (st != BS_OK || t->cur.src == NULL)
				goto out;
		}
		st = drain(t, &t->cur, BS_FOLLOW_BURST, &ended, d);
		if (ended) {
			t->ended = true;
			file_close(t, &t->cur);
			goto out;
		}
		if (st != BS_OK)
			goto out;
		if (bs_source_follow_starved(t->cur.src)) {
			t->more = true;
			goto out;
		}
		if (!rotated(t, &st, d))
			goto out;
	}
	t->more = true;
out:
	return st != BS_OK ? st : soft;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Standard input: one file for good, followed by its descriptor. */
static bs_status
open_stdin(struct bs_tail *t, bool from_start, struct bs_diag *d)
{
	struct stat st;

	t->is_stdin = true;
	if (fstat(STDIN_FILENO, &st) != 0)
		return bs_diag_set(d, BS_ERR_IO, "(stdin)", 0,
		    "cannot read: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return bs_diag_set(d, BS_ERR_IO, "(stdin)", 0,
		    "is a directory, not a log file");
	if (!S_ISREG(st.st_mode))
		t->poll_fd = STDIN_FILENO;
	return file_open(t, &t->cur, STDIN_FILENO, !from_start, d);
}

bs_status
bs_tail_open(const char *path, bool from_start, struct bs_tail **out,
    struct bs_diag *d)
{
	struct bs_tail *t;
	bs_status st = BS_OK;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, path, 0, "out of memory");
	t->cur.wd = t->old.wd = -1;
	t->ifd = t->wd_dir = t->poll_fd = -1;
	t->path = strdup(path);
	t->dir = dir_of(path);
	if (t->path == NULL || t->dir == NULL) {
		st = bs_diag_set(d, BS_ERR_NOMEM, path, 0, "out of memory");
		goto out;
	}
	if (strcmp(path, "-") == 0) {
		st = open_stdin(t, from_start, d);
		if (st != BS_OK)
			goto out;
	}
#ifdef BS_HAVE_INOTIFY
	/* Without an instance (EMFILE, ENOSYS) the tail polls. */
	if (t->poll_fd < 0)
		t->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (t->is_stdin && t->cur.src != NULL && t->poll_fd < 0)
		watch_file(t, &t->cur, STDIN_FILENO);
#endif
	if (t->is_stdin)
		goto out;
	watch_dir(t);
	/*
	 * Where it starts is decided now.  A file that is not there yet, or
	 * cannot be opened yet, is read from its start once it can be.  Only
	 * a directory is refused; other failures are reported by the first
	 * read, which tries again.
	 */
	st = open_path(t, !from_start, d);
	if (t->open_err == EISDIR || st == BS_ERR_NOMEM)
		goto out;
	t->open_err = 0;
	st = BS_OK;
out:
	if (st != BS_OK) {
		bs_tail_close(t);
		return st;
	}
	*out = t;
	return BS_OK;
}

bool
bs_tail_notice(struct bs_tail *t, struct bs_diag *d)
{
	if (!t->has_notice)
		return false;
	*d = t->notice;
	t->has_notice = false;
	return true;
}

bool
bs_tail_is_open(const struct bs_tail *t)
{
	return t->cur.src != NULL;
}

bool
bs_tail_ended(const struct bs_tail *t)
{
	return t->ended;
}

#ifdef BS_HAVE_INOTIFY
/* Empty the event queue; only lost watches need an answer. */
static void
drain_events(struct bs_tail *t)
{
	union {
		struct inotify_event ev;
		char buf[4096];
	} u;
	ssize_t r;

	while ((r = read(t->ifd, u.buf, sizeof(u.buf))) > 0) {
		size_t pos = 0;

		while (pos + sizeof(struct inotify_event) <= (size_t)r) {
			struct inotify_event ev;

			memcpy(&ev, u.buf + pos, sizeof(ev));
			if (ev.mask & IN_IGNORED) {
				if (ev.wd == t->wd_dir)
					t->wd_dir = -1;
				if (ev.wd == t->cur.wd)
					t->cur.wd = -1;
				if (ev.wd == t->old.wd)
					t->old.wd = -1;
			}
			pos += sizeof(ev) + ev.len;
		}
	}
}
#endif

static int
cap_timeout(int timeout_ms, int64_t cap)
{
	if (cap < 0)
		cap = 0;
	if (timeout_ms < 0 || cap < timeout_ms)
		return (int)cap;
	return timeout_ms;
}

int
bs_tail_wait(struct bs_tail *const *tails, size_t n, int timeout_ms,
    const sigset_t *sigmask)
{
	struct timespec ts, *tsp = NULL;
	int64_t now = mono_ms();
	struct pollfd *pfd;
	nfds_t k = 0, j;
	size_t i;
	int r, err;

	/* Data was left behind on purpose: no waiting then. */
	for (i = 0; i < n; i++)
		if (tails[i]->more && !tails[i]->ended)
			return 1;
	pfd = calloc(n > 0 ? n : 1, sizeof(*pfd));
	if (pfd == NULL)
		timeout_ms = cap_timeout(timeout_ms, BS_FOLLOW_POLL_MS);
	for (i = 0; i < n; i++) {
		const struct bs_tail *t = tails[i];
		int fd = t->poll_fd >= 0 ? t->poll_fd : t->ifd;

		if (t->ended)
			continue;
		if (needs_poll(t))
			timeout_ms = cap_timeout(timeout_ms,
			    BS_FOLLOW_POLL_MS);
		if (t->old.src != NULL)
			timeout_ms = cap_timeout(timeout_ms, t->old.quiet_since
			    + BS_FOLLOW_RETIRE_MS - now);
		if (pfd != NULL && fd >= 0) {
			pfd[k].fd = fd;
			pfd[k].events = POLLIN;
			k++;
		}
	}
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
		tsp = &ts;
	}
	r = ppoll(pfd, k, tsp, sigmask);
	err = errno;
#ifdef BS_HAVE_INOTIFY
	for (i = 0, j = 0; r > 0 && i < n && j < k; i++) {
		if (tails[i]->ended || (tails[i]->poll_fd < 0 &&
		    tails[i]->ifd < 0))
			continue;
		if (pfd[j].revents != 0 && tails[i]->poll_fd < 0)
			drain_events(tails[i]);
		j++;
	}
#else
	(void)j;
#endif
	free(pfd);
	if (r < 0) {
		errno = err;
		return -1;
	}
	return r > 0;
}

void
bs_tail_close(struct bs_tail *t)
{
	if (t == NULL)
		return;
	file_close(t, &t->cur);
	file_close(t, &t->old);
	if (t->ifd >= 0)
		close(t->ifd);
	free(t->dir);
	free(t->path);
	free(t);
}
