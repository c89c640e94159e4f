/*
 * source_file.c - the bytes of a file or standard input as they are, or
 * of one piece of a regular file (bs_source_range).
 *
 * Hot for plain files: read(2) goes straight into the caller's buffer.  A
 * piece is read from just before its first byte, and the bytes outside
 * its lines are dropped from each read as it comes back (range_take).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

struct file_source {
	struct bs_source base;
	int fd;
	int wake;		/* readable: stop waiting (wake_on), or -1 */
	char *name;
	bool regular;		/* read(2) never waits */
	unsigned long long off;	/* bytes read(2) so far */

	/* A piece: the lines starting in [off, off + len) of the file. */
	bool range;
	bool skipping;		/* dropping the end of the line before it */
	bool range_done;	/* its last line was handed out */
	unsigned long long at;		/* file offset of the next byte read */
	unsigned long long last;	/* off + len - 1: in its last line */
	unsigned long long handed;	/* bytes handed out */
	unsigned long long hend;	/* file offset past the last of them */
};

/*
 * read(2), except that a read of a pipe or terminal also returns, with
 * -2, once the wake descriptor is readable, instead of waiting for data
 * that may never come.  -1 is an error (errno set).
 */
static ssize_t
raw_read(struct file_source *f, void *buf, size_t n)
{
	ssize_t r;

	if (f->wake >= 0) {
		struct pollfd p[2] = {
			{ .fd = f->fd, .events = POLLIN },
			{ .fd = f->wake, .events = POLLIN }
		};

		do
			r = poll(p, 2, -1);
		while (r < 0 && errno == EINTR);
		if (r > 0 && p[1].revents != 0)
			return -2;
	}
	do
		r = read(f->fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/*
 * Hot for a piece: of the got bytes just read into buf, from file offset
 * f->at, keep those of the lines that start in the piece, moved to the
 * front of buf.  Returns how many (0: none in this read, or the end when
 * range_done is set).
 */
static size_t
range_take(struct file_source *f, char *buf, size_t got)
{
	unsigned long long at = f->at;
	size_t from = 0, to = got, k;
	const char *nl;

	f->at += got;
	if (f->skipping) {
		nl = memchr(buf, '\n', got);
		if (nl == NULL) {
			/*
			 * A line that runs past the piece: the piece has
			 * none.  Stop here rather than read to its end.
			 */
			if (at + got > f->last)
				f->range_done = true;
			return 0;
		}
		f->skipping = false;
		from = (size_t)(nl - buf) + 1;
		/* The first line that starts here starts past the piece. */
		if (at + from > f->last) {
			f->range_done = true;
			return 0;
		}
	}
	if (at + got > f->last) {
		/* The last line ends at the first newline from byte last on. */
		k = f->last >= at ? (size_t)(f->last - at) : 0;
		nl = memchr(buf + k, '\n', got - k);
		if (nl != NULL) {
			to = (size_t)(nl - buf) + 1;
			f->range_done = true;
		}
	}
	if (from > 0)
		memmove(buf, buf + from, to - from);
	f->handed += to - from;
	if (to > from)
		f->hend = at + to;
	return to - from;
}

/* Hot. */
static ssize_t
file_read(struct bs_source *s, char *buf, size_t n, struct bs_diag *d)
{
	struct file_source *f = (struct file_source *)s;
	ssize_t r;

	for (;;) {
		if (f->range_done)
			return 0;
		r = raw_read(f, buf, n);
		if (r < 0) {
			if (r == -2)
				bs_diag_set(d, BS_ERR_IO, f->name, 0, "%s",
				    "closed while reading");
			else
				bs_diag_set(d, BS_ERR_IO, f->name, 0,
				    "read error: %s", strerror(errno));
			return -1;
		}
		f->off += (unsigned long long)r;
		if (r == 0 || !f->range)
			return r;
		/* A read wholly before the piece's first line: read on. */
		r = (ssize_t)range_take(f, buf, (size_t)r);
		if (r > 0)
			return r;
	}
}

static unsigned long long
file_offset(const struct bs_source *s)
{
	const struct file_source *f = (const struct file_source *)s;

	return f->range ? f->handed : f->off;
}

static void
file_wake_on(struct bs_source *s, int fd)
{
	((struct file_source *)s)->wake = fd;
}

static void
file_close(struct bs_source *s)
{
	struct file_source *f = (struct file_source *)s;

	if (f->fd > STDIN_FILENO)
		close(f->fd);
	free(f->name);
	free(f);
}

static const struct bs_source_ops file_ops = {
	.read = file_read,
	.offset = file_offset,
	.wake_on = file_wake_on,
	.close = file_close,
};

bs_status
bs_source_file(const char *path, struct bs_source **out, struct bs_diag *d)
{
	const char *shown = strcmp(path, "-") == 0 ? "(stdin)" : path;
	struct file_source *f;
	struct stat st;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL || (f->name = strdup(shown)) == NULL) {
		free(f);
		return bs_diag_set(d, BS_ERR_NOMEM, shown, 0, "out of memory");
	}
	f->base.ops = &file_ops;
	f->base.name = f->name;
	f->wake = -1;
	f->fd = STDIN_FILENO;
	if (strcmp(path, "-") != 0 &&
	    (f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		bs_diag_set(d, BS_ERR_IO, shown, 0, "cannot open: %s",
		    strerror(errno));
		file_close(&f->base);
		return BS_ERR_IO;
	}
	if (fstat(f->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			bs_diag_set(d, BS_ERR_IO, shown, 0,
			    "is a directory, not a log file");
			file_close(&f->base);
			return BS_ERR_IO;
		}
		if (S_ISREG(st.st_mode)) {
			f->regular = true;
			f->base.size = (unsigned long long)st.st_size;
			f->base.mtime = st.st_mtime;
		}
	}
	f->base.may_block = !f->regular;
	if (f->base.mtime == 0)
		f->base.mtime = time(NULL);
	*out = &f->base;
	return BS_OK;
}

bool
bs_source_range_stop(struct bs_source *s, size_t pending,
    unsigned long long *at)
{
	struct file_source *f = (struct file_source *)s;

	if (s->ops != &file_ops || !f->range || pending > f->handed ||
	    s->head_len > 0)
		return false;
	*at = f->hend - pending;
	f->range_done = true;
	return true;
}

bs_status
bs_source_range(const char *path, unsigned long long off,
    unsigned long long len, struct bs_source **out, struct bs_diag *d)
{
	struct file_source *f;
	bs_status st;

	st = bs_source_file(path, out, d);
	if (st != BS_OK)
		return st;
	f = (struct file_source *)*out;
	if (!f->regular) {
		*out = NULL;
		bs_diag_set(d, BS_ERR_IO, f->name, 0,
		    "only a regular file can be read in pieces");
		file_close(&f->base);
		return BS_ERR_IO;
	}
	f->range = true;
	f->range_done = len == 0;
	if (len > 0)
		f->last = len > ULLONG_MAX - off ? ULLONG_MAX : off + len - 1;
	/*
	 * Read from the byte before the piece: if it is a newline, a line
	 * starts right at off; otherwise the line that runs into the piece
	 * belongs to the piece before and is dropped.
	 */
	if (off > 0) {
		f->skipping = true;
		f->at = off - 1;
		if (lseek(f->fd, (off_t)f->at, SEEK_SET) < 0) {
			*out = NULL;
			bs_diag_set(d, BS_ERR_IO, f->name, 0,
			    "cannot seek: %s", strerror(errno));
			file_close(&f->base);
			return BS_ERR_IO;
		}
	}
	return BS_OK;
}
