/*
 * follow.c - following a live log file by name through rotation, as
 * "tail -F" does (see follow.h for what is recognised and how).
 *
 * Each open file is a source: its descriptor, its identity (device and
 * inode), how far it has been read, a fixed buffer for its partial last
 * line, and a copy of the last BS_FOLLOW_CHECK_BYTES bytes read.  Bytes
 * are read in chunks of BS_READ_CHUNK into one buffer of the follower and
 * split in place; only a line that spans two chunks is copied, into the
 * source's own buffer.
 *
 * Copytruncate is noticed in two ways.  At the end of the file, a size
 * below the read offset means the file was truncated.  But the writer may
 * already have written past the old offset when we look, so after every
 * read (and at the end) the bytes just before the offset are compared with
 * what was read there: log lines carry times and queue ids, so new content
 * never repeats them at the same place.  A chunk read from content that
 * has replaced the old one is thrown away and the file read again from 0.
 *
 * What no follower can avoid with copytruncate: the rotator copies the
 * file and then truncates it, so lines written between the copy and the
 * truncation, and lines this follower had not read yet when the truncation
 * came, exist only in the copy, which it does not know about.  (A writer
 * without O_APPEND also leaves a hole of zero bytes at the front of the
 * truncated file; it is read as one long line, cut and counted.)  Rename
 * and create, and delete and recreate, lose nothing: the old file stays
 * open and is read until it has been quiet for BS_FOLLOW_RETIRE_MS.
 *
 * Waiting uses inotify where the system has it: one instance per follower,
 * watching the folder (for the name) and each open file (for writes,
 * truncation, renames and deletion).  Where inotify cannot be used (another
 * system, no instance left, a folder that does not exist yet), the wait
 * is a sleep of BS_FOLLOW_POLL_MS.
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
#include "follow.h"

#ifdef BS_HAVE_INOTIFY
#define DIR_EVENTS	(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | \
			    IN_ONLYDIR)
#define FILE_EVENTS	(IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF)
#endif

struct source {
	int fd;			/* -1: no file */
	int wd;			/* inotify watch on its inode, -1: none */
	dev_t dev;
	ino_t ino;
	bool regular;		/* only regular files can be truncated */
	off_t off;		/* bytes consumed from the file */
	uint64_t nread;		/* bytes read ever, to tell it is quiet */
	int64_t quiet_since;	/* retired: when it last gave data (ms) */
	int read_err;		/* last read error reported, 0: none */
	bool skipping;		/* discarding the rest of a cut line */
	size_t hlen;
	char *hold;		/* BS_LINE_MAX bytes: the partial last line */
	size_t ntail;
	char tail[BS_FOLLOW_CHECK_BYTES];	/* bytes before off */
};

struct bs_follow {
	char *path;
	char *dir;		/* the folder watched for the name */
	char *chunk;		/* BS_READ_CHUNK bytes */
	struct source cur;	/* the file the path names */
	struct source old;	/* the file a rotation replaced: draining */
	uint64_t lineno;
	bool more;		/* stopped at BS_FOLLOW_BURST: data is left */
	int open_err;		/* last open error reported, 0: none */
	int ifd;		/* inotify instance, -1: poll */
	int wd_dir;
	bs_follow_line_fn fn;
	void *ctx;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Forget the position: the source is read from the start of a file. */
static void
src_rewind(struct source *s)
{
	s->off = 0;
	s->skipping = false;
	s->hlen = 0;
	s->ntail = 0;
}

/* Close the file and unwatch it; the hold buffer is kept for reuse. */
static void
src_close(struct bs_follow *f, struct source *s)
{
#ifdef BS_HAVE_INOTIFY
	if (s->wd >= 0 && f->ifd >= 0)
		inotify_rm_watch(f->ifd, s->wd);
#else
	(void)f;
#endif
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->wd = -1;
	s->read_err = 0;
	src_rewind(s);
}

static void
swap_sources(struct bs_follow *f)
{
	struct source tmp = f->cur;

	f->cur = f->old;
	f->old = tmp;
}

#ifdef BS_HAVE_INOTIFY
static void
watch_dir(struct bs_follow *f)
{
	if (f->ifd >= 0 && f->wd_dir < 0)
		f->wd_dir = inotify_add_watch(f->ifd, f->dir, DIR_EVENTS);
}

/*
 * Watch the open file itself, not whatever the path names by now: the
 * descriptor's /proc link leads to its inode even after a rename.
 */
static void
watch_file(struct bs_follow *f, struct source *s)
{
	char proc[64];

	s->wd = -1;
	if (f->ifd < 0)
		return;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", s->fd);
	s->wd = inotify_add_watch(f->ifd, proc, FILE_EVENTS);
}
#else
static void
watch_dir(struct bs_follow *f)
{
	(void)f;
}

static void
watch_file(struct bs_follow *f, struct source *s)
{
	(void)f;
	s->wd = -1;
}
#endif

/* Whether waiting for this follower must fall back to a timed sleep. */
static bool
needs_poll(const struct bs_follow *f)
{
	return f->ifd < 0 || f->wd_dir < 0 ||
	    (f->cur.fd >= 0 && f->cur.wd < 0) ||
	    (f->old.fd >= 0 && f->old.wd < 0);
}

static bs_status
emit(struct bs_follow *f, const char *p, size_t len, bool cut)
{
	struct bs_line line;

	if (!cut && len > 0 && p[len - 1] == '\r')
		len--;
	line.ptr = p;
	line.len = len;
	line.lineno = ++f->lineno;
	line.cut = cut;
	line.needle = 0;
	return f->fn(f->ctx, &line);
}

/* Keep bytes without a newline until it comes; cut them past the limit. */
static bs_status
hold_rest(struct bs_follow *f, struct source *s, const char *p, size_t n)
{
	size_t room = BS_LINE_MAX - s->hlen;

	if (n <= room) {
		memcpy(s->hold + s->hlen, p, n);
		s->hlen += n;
		return BS_OK;
	}
	memcpy(s->hold + s->hlen, p, room);
	s->hlen = 0;
	s->skipping = true;
	return emit(f, s->hold, BS_LINE_MAX, true);
}

/* Hot: splits every byte read into lines, in place where it can. */
static bs_status
feed(struct bs_follow *f, struct source *s, const char *p, size_t n)
{
	const char *end = p + n;
	bs_status st = BS_OK;

	while (p < end && st == BS_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len;

		if (s->skipping) {
			if (nl == NULL)
				break;
			s->skipping = false;
			p = nl + 1;
			continue;
		}
		if (nl == NULL)
			return hold_rest(f, s, p, (size_t)(end - p));
		len = (size_t)(nl - p);
		if (s->hlen > 0) {
			size_t room = BS_LINE_MAX - s->hlen;
			bool cut = len > room;

			memcpy(s->hold + s->hlen, p, cut ? room : len);
			len = cut ? BS_LINE_MAX : s->hlen + len;
			s->hlen = 0;
			st = emit(f, s->hold, len, cut);
		} else if (len > BS_LINE_MAX)
			st = emit(f, p, BS_LINE_MAX, true);
		else
			st = emit(f, p, len, false);
		p = nl + 1;
	}
	return st;
}

/* Remember the last bytes consumed, to recognise the file later. */
static void
tail_add(struct source *s, const char *p, size_t n)
{
	if (n >= sizeof(s->tail)) {
		memcpy(s->tail, p + n - sizeof(s->tail), sizeof(s->tail));
		s->ntail = sizeof(s->tail);
		return;
	}
	if (s->ntail + n > sizeof(s->tail)) {
		size_t drop = s->ntail + n - sizeof(s->tail);

		memmove(s->tail, s->tail + drop, s->ntail - drop);
		s->ntail -= drop;
	}
	memcpy(s->tail + s->ntail, p, n);
	s->ntail += n;
}

/*
 * Whether the file still holds, just before the offset, the bytes read
 * there.  A read error says nothing about truncation: it counts as yes.
 */
static bool
unchanged(struct source *s)
{
	char buf[BS_FOLLOW_CHECK_BYTES];
	ssize_t r;

	if (!s->regular || s->ntail == 0)
		return true;
	do
		r = pread(s->fd, buf, s->ntail, s->off - (off_t)s->ntail);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return true;
	return (size_t)r == s->ntail && memcmp(buf, s->tail, s->ntail) == 0;
}

/*
 * The file was truncated (copytruncate): read it again from the start.
 * The partial line held is dropped: its end went to the copy.
 */
static void
restart(struct source *s)
{
	lseek(s->fd, 0, SEEK_SET);
	src_rewind(s);
}

/*
 * Read s until its end or until *budget chunks have been read.  A read
 * error is reported once (until a read succeeds) and retried on the next
 * call.
 */
static bs_status
drain(struct bs_follow *f, struct source *s, int *budget, struct bs_diag *d)
{
	for (;;) {
		ssize_t r;
		bs_status st;

		if (*budget <= 0)
			return BS_OK;
		do
			r = read(s->fd, f->chunk, BS_READ_CHUNK);
		while (r < 0 && errno == EINTR);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return BS_OK;
		if (r < 0) {
			int err = errno;

			if (err == s->read_err)
				return BS_OK;
			s->read_err = err;
			return bs_diag_set(d, BS_ERR_IO, f->path, 0,
			    "read error: %s (will retry)", strerror(err));
		}
		if (r == 0)
			return BS_OK;
		s->read_err = 0;
		(*budget)--;
		s->nread += (uint64_t)r;
		if (!unchanged(s)) {
			/* The chunk is from what replaced the old content. */
			restart(s);
			continue;
		}
		st = feed(f, s, f->chunk, (size_t)r);
		s->off += (off_t)r;
		tail_add(s, f->chunk, (size_t)r);
		if (st != BS_OK)
			return st;
	}
}

/* A file that is done: its unfinished last line is still a line. */
static bs_status
finish(struct bs_follow *f, struct source *s)
{
	bs_status st = BS_OK;

	if (s->hlen > 0 && !s->skipping)
		st = emit(f, s->hold, s->hlen, false);
	src_close(f, s);
	return st;
}

/*
 * The current file no longer has the name (or another file has): keep
 * reading it as the retired file, whose writers may not have reopened
 * their log yet.  A file retired before, still open, is read to its end
 * and closed first; however much is left there, it is read now, as it
 * could not be found again (its writers moved on two rotations ago).
 */
static bs_status
retire(struct bs_follow *f, struct bs_diag *d)
{
	bs_status st;

	if (f->old.fd >= 0) {
		int budget = INT_MAX;

		st = drain(f, &f->old, &budget, d);
		if (st != BS_OK && st != BS_ERR_IO)
			return st;
		st = finish(f, &f->old);
		if (st != BS_OK)
			return st;
	}
	swap_sources(f);
	f->old.quiet_since = mono_ms();
	return BS_OK;
}

static bs_status
open_failed(struct bs_follow *f, int err, struct bs_diag *d)
{
	if (err == f->open_err)
		return BS_OK;
	f->open_err = err;
	if (err == EISDIR)
		return bs_diag_set(d, BS_ERR_IO, f->path, 0,
		    "is a directory, not a log file");
	return bs_diag_set(d, BS_ERR_IO, f->path, 0, "cannot open: %s "
	    "(will retry)", strerror(err));
}

/* Start at the end, or after the partial line there if there is one. */
static void
position_at_end(struct source *s)
{
	off_t end = lseek(s->fd, 0, SEEK_END);
	size_t n;

	if (end <= 0) {
		lseek(s->fd, 0, SEEK_SET);
		return;
	}
	s->off = end;
	n = (size_t)end < sizeof(s->tail) ? (size_t)end : sizeof(s->tail);
	if (pread(s->fd, s->tail, n, end - (off_t)n) == (ssize_t)n) {
		s->ntail = n;
		s->skipping = s->tail[n - 1] != '\n';
	}
}

/*
 * Open the file the path names now as the current one, if there is one.
 * A missing file is not an error: the caller waits for it.
 */
static bs_status
open_path(struct bs_follow *f, bool at_end, struct bs_diag *d)
{
	struct source *s = &f->cur;
	struct stat st;
	int fd;

	fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			f->open_err = 0;
			return BS_OK;
		}
		return open_failed(f, errno, d);
	}
	if (fstat(fd, &st) != 0) {
		int err = errno;

		close(fd);
		return open_failed(f, err, d);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return open_failed(f, EISDIR, d);
	}
	f->open_err = 0;
	if (f->old.fd >= 0 && st.st_dev == f->old.dev &&
	    st.st_ino == f->old.ino) {
		/* The retired file is back under its name: go on with it. */
		close(fd);
		swap_sources(f);
		return BS_OK;
	}
	s->fd = fd;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->regular = S_ISREG(st.st_mode);
	s->read_err = 0;
	src_rewind(s);
	if (at_end && s->regular)
		position_at_end(s);
	watch_file(f, s);
	return BS_OK;
}

/*
 * At the end of the current file: was it truncated, or does the path now
 * name another file or none?  Returns true when reading should go on.
 */
static bool
rotated(struct bs_follow *f, bs_status *st, struct bs_diag *d)
{
	struct source *s = &f->cur;
	struct stat sb;

	*st = BS_OK;
	if (s->regular && fstat(s->fd, &sb) == 0 &&
	    (sb.st_size < s->off || !unchanged(s))) {
		restart(s);
		return true;
	}
	if (stat(f->path, &sb) == 0 && sb.st_dev == s->dev &&
	    sb.st_ino == s->ino)
		return false;
	/* Renamed, deleted or replaced: everything in it so far was read. */
	*st = retire(f, d);
	return *st == BS_OK;
}

/* Read the retired file; close it once it has been quiet long enough. */
static bs_status
read_retired(struct bs_follow *f, struct bs_diag *d)
{
	struct source *s = &f->old;
	uint64_t before = s->nread;
	int budget = BS_FOLLOW_BURST;
	int64_t now;
	bs_status st;

	st = drain(f, s, &budget, d);
	if (st != BS_OK)
		return st;
	now = mono_ms();
	if (budget == 0)
		f->more = true;
	if (s->nread != before)
		s->quiet_since = now;
	else if (now - s->quiet_since >= BS_FOLLOW_RETIRE_MS)
		return finish(f, s);
	return BS_OK;
}

bs_status
bs_follow_read_lines(struct bs_follow *f, bs_follow_line_fn fn, void *ctx,
    struct bs_diag *d)
{
	bs_status st = BS_OK, soft = BS_OK;
	int pass;

	f->fn = fn;
	f->ctx = ctx;
	f->more = false;
	watch_dir(f);
	if (f->old.fd >= 0) {
		/* A read error there must not keep the current file unread. */
		st = read_retired(f, d);
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
		int budget = BS_FOLLOW_BURST;

		if (f->cur.fd < 0) {
			st = open_path(f, false, d);
			if (st != BS_OK || f->cur.fd < 0)
				goto out;
		}
		st = drain(f, &f->cur, &budget, d);
		if (st != BS_OK)
			goto out;
		if (budget == 0) {
			f->more = true;
			goto out;
		}
		if (!rotated(f, &st, d))
			goto out;
	}
	f->more = true;
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

bs_status
bs_follow_open(const char *path, bool from_start, struct bs_follow **out,
    struct bs_diag *d)
{
	struct bs_follow *f;
	bs_status st = BS_OK;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, path, 0, "out of memory");
	f->cur.fd = f->cur.wd = f->old.fd = f->old.wd = -1;
	f->ifd = f->wd_dir = -1;
	f->path = strdup(path);
	f->dir = dir_of(path);
	f->chunk = malloc(BS_READ_CHUNK);
	f->cur.hold = malloc(BS_LINE_MAX);
	f->old.hold = malloc(BS_LINE_MAX);
	if (f->path == NULL || f->dir == NULL || f->chunk == NULL ||
	    f->cur.hold == NULL || f->old.hold == NULL) {
		st = bs_diag_set(d, BS_ERR_NOMEM, path, 0, "out of memory");
		goto out;
	}
#ifdef BS_HAVE_INOTIFY
	/* Without an instance (EMFILE, ENOSYS) the follower polls. */
	f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
#endif
	watch_dir(f);
	/*
	 * Where it starts is decided now.  A file that is not there yet, or
	 * cannot be opened yet, is read from its start once it can be.  Only
	 * a directory is refused; other failures are reported by the first
	 * read, which tries again.
	 */
	st = open_path(f, !from_start, d);
	if (f->open_err == EISDIR)
		goto out;
	f->open_err = 0;
	st = BS_OK;
out:
	if (st != BS_OK) {
		bs_follow_close(f);
		return st;
	}
	*out = f;
	return BS_OK;
}

bool
bs_follow_is_open(const struct bs_follow *f)
{
	return f->cur.fd >= 0;
}

#ifdef BS_HAVE_INOTIFY
/* Empty the event queue; only lost watches need an answer. */
static void
drain_events(struct bs_follow *f)
{
	union {
		struct inotify_event ev;
		char buf[4096];
	} u;
	ssize_t r;

	while ((r = read(f->ifd, u.buf, sizeof(u.buf))) > 0) {
		size_t pos = 0;

		while (pos + sizeof(struct inotify_event) <= (size_t)r) {
			struct inotify_event ev;

			memcpy(&ev, u.buf + pos, sizeof(ev));
			if (ev.mask & IN_IGNORED) {
				if (ev.wd == f->wd_dir)
					f->wd_dir = -1;
				if (ev.wd == f->cur.wd)
					f->cur.wd = -1;
				if (ev.wd == f->old.wd)
					f->old.wd = -1;
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
bs_follow_wait(struct bs_follow *const *followers, size_t n, int timeout_ms,
    const sigset_t *sigmask)
{
	struct timespec ts, *tsp = NULL;
	int64_t now = mono_ms();
	size_t i;
	int r, err;
#ifdef BS_HAVE_INOTIFY
	struct pollfd *pfd;
	nfds_t k = 0;
#endif

	/* Data was left behind on purpose: no waiting then. */
	for (i = 0; i < n; i++)
		if (followers[i]->more)
			return 1;
#ifdef BS_HAVE_INOTIFY
	pfd = calloc(n > 0 ? n : 1, sizeof(*pfd));
	if (pfd == NULL)
		timeout_ms = cap_timeout(timeout_ms, BS_FOLLOW_POLL_MS);
#endif
	for (i = 0; i < n; i++) {
		const struct bs_follow *f = followers[i];

		if (needs_poll(f))
			timeout_ms = cap_timeout(timeout_ms,
			    BS_FOLLOW_POLL_MS);
		if (f->old.fd >= 0)
			timeout_ms = cap_timeout(timeout_ms, f->old.quiet_since
			    + BS_FOLLOW_RETIRE_MS - now);
#ifdef BS_HAVE_INOTIFY
		if (pfd != NULL && f->ifd >= 0) {
			pfd[k].fd = f->ifd;
			pfd[k].events = POLLIN;
			k++;
		}
#endif
	}
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
		tsp = &ts;
	}
#ifdef BS_HAVE_INOTIFY
	r = ppoll(pfd, k, tsp, sigmask);
	err = errno;
	if (r > 0) {
		nfds_t j = 0;

		for (i = 0; i < n && j < k; i++) {
			if (followers[i]->ifd != pfd[j].fd)
				continue;
			if (pfd[j].revents != 0)
				drain_events(followers[i]);
			j++;
		}
	}
	free(pfd);
#else
	r = pselect(0, NULL, NULL, NULL, tsp, sigmask);
	err = errno;
#endif
	if (r < 0) {
		errno = err;
		return -1;
	}
	return r > 0;
}

void
bs_follow_close(struct bs_follow *f)
{
	if (f == NULL)
		return;
	src_close(f, &f->cur);
	src_close(f, &f->old);
	if (f->ifd >= 0)
		close(f->ifd);
	free(f->cur.hold);
	free(f->old.hold);
	free(f->chunk);
	free(f->dir);
	free(f->path);
	free(f);
}
