/*
 * source_follow.c - a file or pipe read as it grows (follow mode).
 *
 * Reads never wait: at the current end there is nothing now
 * (BS_SOURCE_AGAIN), and the caller waits for a change (tail.c).  The
 * source keeps its place: the offset read so far, and a copy of the last
 * BS_FOLLOW_CHECK_BYTES bytes read, to recognise the file later.
 *
 * Copytruncate is noticed in two ways.  At the end of the file, a size
 * below the read offset means the file was truncated
 * (bs_source_follow_rewritten).  But the writer may already have written
 * past the old offset when we look, so after every read the bytes just
 * before the offset are compared with what was read there: log lines
 * carry times and queue ids, so new content never repeats them at the
 * same place.  A read from content that has replaced the old one is thrown
 * away, and the file is read again from 0 after BS_SOURCE_RESTART.
 *
 * A file cut back to a part already read is different: it still starts
 * with the bytes it started with (the first BS_FOLLOW_CHECK_BYTES, kept
 * from when they were read), and reading goes on from its new end (see
 * source_follow.h).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bslimits.h"
#include "source.h"
#include "source_follow.h"

struct follow_source {
	struct bs_source base;
	int fd;
	char *name;
	bool regular;		/* only regular files can be truncated */
	bool ends_at_eof;	/* a pipe's end is the end (standard input) */
	bool skipping;		/* dropping the rest of a line begun before */
	bool restart_due;	/* rewritten: say so, then read from 0 */
	bool finished;		/* bs_source_follow_finish */
	off_t off;		/* bytes consumed from the file */
	uint64_t nread;		/* bytes read ever, to tell it is quiet */
	int reads_left;		/* bs_source_follow_allow */
	bool starved;		/* a read found none left */
	int read_err;		/* last read error, 0: none */
	bool err_new;		/* read_err not reported yet */
	size_t ntail;
	char tail[BS_FOLLOW_CHECK_BYTES];	/* the bytes before off */
	size_t nhead;
	char head[BS_FOLLOW_CHECK_BYTES];	/* the file's first bytes */
	enum bs_follow_cut cut;			/* not told yet */
	unsigned long long cut_was, cut_now;
};

/* Forget the position: the file is read from its start. */
static void
rewind_to_start(struct follow_source *f)
{
	lseek(f->fd, 0, SEEK_SET);
	f->off = 0;
	f->ntail = 0;
	f->nhead = 0;
	f->skipping = false;
}

/*
 * Go on at offset end of the file (which has at least that many bytes),
 * or after the partial line there if there is one.
 */
static void
position_at(struct follow_source *f, off_t end)
{
	size_t n;

	f->ntail = 0;
	f->skipping = false;
	if (end <= 0) {
		f->off = 0;
		lseek(f->fd, 0, SEEK_SET);
		return;
	}
	f->off = end;
	lseek(f->fd, end, SEEK_SET);
	n = (size_t)end < sizeof(f->tail) ? (size_t)end : sizeof(f->tail);
	if (pread(f->fd, f->tail, n, end - (off_t)n) == (ssize_t)n) {
		f->ntail = n;
		f->skipping = f->tail[n - 1] != '\n';
	}
}

/* Note a cut for bs_source_follow_cut; the size is looked up for it. */
static void
note_cut(struct follow_source *f, enum bs_follow_cut kind)
{
	struct stat sb;

	f->cut = kind;
	f->cut_was = (unsigned long long)f->off;
	f->cut_now = fstat(f->fd, &sb) == 0 ?
	    (unsigned long long)sb.st_size : 0;
}

/* The first bytes of the file, as they are read from offset off. */
static void
head_add(struct follow_source *f, const char *p, size_t n)
{
	size_t k;

	if (!f->regular || f->off != (off_t)f->nhead ||
	    f->nhead == sizeof(f->head))
		return;
	k = sizeof(f->head) - f->nhead;
	if (k > n)
		k = n;
	memcpy(f->head + f->nhead, p, k);
	f->nhead += k;
}

/* Read the first bytes of the file as they are now (at open). */
static void
head_load(struct follow_source *f, off_t size)
{
	size_t n = (size_t)size < sizeof(f->head) ? (size_t)size :
	    sizeof(f->head);
	ssize_t r;

	f->nhead = 0;
	do
		r = pread(f->fd, f->head, n, 0);
	while (r < 0 && errno == EINTR);
	if (r == (ssize_t)n)
		f->nhead = n;
}

/*
 * Whether the file, now size bytes long, still starts as it did: its
 * first line as it was read (or all the bytes kept from its start, when
 * they hold no whole line).  A few bytes are not enough: log lines of one
 * second from one process share their first tens of bytes (the time, the
 * host, the program), and a new first line would match them by chance.
 */
static bool
starts_as_before(struct follow_source *f, off_t size)
{
	char buf[BS_FOLLOW_CHECK_BYTES];
	size_t n, m;
	ssize_t r;

	if (f->nhead == 0 || size <= 0)
		return false;
	n = (size_t)size < f->nhead ? (size_t)size : f->nhead;
	do
		r = pread(f->fd, buf, n, 0);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)n)
		return false;
	for (m = 0; m < n && buf[m] == f->head[m]; m++)
		;
	return m == f->nhead || memchr(f->head, '\n', m) != NULL;
}

/* Remember the last bytes consumed, to recognise the file later. */
static void
tail_add(struct follow_source *f, const char *p, size_t n)
{
	if (n >= sizeof(f->tail)) {
		memcpy(f->tail, p + n - sizeof(f->tail), sizeof(f->tail));
		f->ntail = sizeof(f->tail);
		return;
	}
	if (f->ntail + n > sizeof(f->tail)) {
		size_t drop = f->ntail + n - sizeof(f->tail);

		memmove(f->tail, f->tail + drop, f->ntail - drop);
		f->ntail -= drop;
	}
	memcpy(f->tail + f->ntail, p, n);
	f->ntail += n;
}

/*
 * Whether the file still holds, just before the offset, the bytes read
 * there.  A read error says nothing about truncation: it counts as yes.
 */
static bool
unchanged(struct follow_source *f)
{
	char buf[BS_FOLLOW_CHECK_BYTES];
	ssize_t r;

	if (!f->regular || f->ntail == 0)
		return true;
	do
		r = pread(f->fd, buf, f->ntail, f->off - (off_t)f->ntail);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return true;
	return (size_t)r == f->ntail && memcmp(buf, f->tail, f->ntail) == 0;
}

/* Whether a read of fd would not wait (a pipe or terminal). */
static bool
readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, 0);
	while (r < 0 && errno == EINTR);
	return r != 0;
}

/*
 * Of the got bytes just read into buf, drop those of a line that began
 * before reading started (at the end of a file, inside a line).  Returns
 * how many are left, moved to the front.
 */
static size_t
skip_partial(struct follow_source *f, char *buf, size_t got)
{
	const char *nl = memchr(buf, '\n', got);
	size_t from;

	if (nl == NULL)
		return 0;
	f->skipping = false;
	from = (size_t)(nl - buf) + 1;
	memmove(buf, buf + from, got - from);
	return got - from;
}

/*
 * The file was cut back (its bytes before the offset are not those read
 * there).  If it still starts as it did, it was truncated to a part
 * already read - and maybe written past the old offset again before this
 * look, when where the cut was is unknown: either way reading goes on
 * from its end now.  Otherwise it was rewritten (copytruncate): it is
 * read again from its start.
 */
static void
cut_back(struct follow_source *f)
{
	struct stat sb;

	if (fstat(f->fd, &sb) == 0 && starts_as_before(f, sb.st_size)) {
		note_cut(f, BS_FOLLOW_CUT_KEPT);
		position_at(f, sb.st_size);
	} else {
		note_cut(f, BS_FOLLOW_CUT_REWRITTEN);
		rewind_to_start(f);
	}
}

static ssize_t
follow_read(struct bs_source *s, char *buf, size_t n, struct bs_diag *d)
{
	struct follow_source *f = (struct follow_source *)s;
	ssize_t r;

	(void)d;
	if (f->finished)
		return 0;
	if (f->restart_due) {
		f->restart_due = false;
		return BS_SOURCE_RESTART;
	}
	for (;;) {
		if (f->reads_left <= 0) {
			f->starved = true;
			return BS_SOURCE_AGAIN;
		}
		/* Standard input is not ours to make non-blocking. */
		if (f->ends_at_eof && !f->regular && !readable(f->fd))
			return BS_SOURCE_AGAIN;
		do
			r = read(f->fd, buf, n);
		while (r < 0 && errno == EINTR);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return BS_SOURCE_AGAIN;
		if (r < 0) {
			if (errno != f->read_err) {
				f->read_err = errno;
				f->err_new = true;
			}
			return BS_SOURCE_AGAIN;
		}
		if (r == 0)
			return f->ends_at_eof && !f->regular ? 0 :
			    BS_SOURCE_AGAIN;
		f->read_err = 0;
		f->reads_left--;
		f->nread += (uint64_t)r;
		if (!unchanged(f)) {
			/* The bytes are not from what was read before. */
			cut_back(f);
			return BS_SOURCE_RESTART;
		}
		head_add(f, buf, (size_t)r);
		f->off += (off_t)r;
		tail_add(f, buf, (size_t)r);
		if (f->skipping)
			r = (ssize_t)skip_partial(f, buf, (size_t)r);
		if (r > 0)
			return r;
	}
}

static unsigned long long
follow_offset(const struct bs_source *s)
{
	return (unsigned long long)((const struct follow_source *)s)->off;
}

static void
follow_close(struct bs_source *s)
{
	struct follow_source *f = (struct follow_source *)s;

	if (f->fd > STDIN_FILENO)
		close(f->fd);
	free(f->name);
	free(f);
}

static const struct bs_source_ops follow_ops = {
	.read = follow_read,
	.offset = follow_offset,
	.close = follow_close,
};

bs_status
bs_source_follow(int fd, const char *name, bool at_end, bool ends_at_eof,
    struct bs_source **out, struct bs_diag *d)
{
	struct follow_source *f;
	struct stat st;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL || (f->name = strdup(name)) == NULL) {
		free(f);
		if (fd > STDIN_FILENO)
			close(fd);
		return bs_diag_set(d, BS_ERR_NOMEM, name, 0,
		    "out of memory");
	}
	f->base.ops = &follow_ops;
	f->base.name = f->name;
	f->fd = fd;
	f->ends_at_eof = ends_at_eof;
	f->reads_left = INT_MAX;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		f->regular = true;
		f->base.size = (unsigned long long)st.st_size;
		f->base.mtime = st.st_mtime;
		f->off = lseek(fd, 0, SEEK_CUR);
		if (f->off < 0)
			f->off = 0;
		if (at_end)
			f->off = lseek(fd, 0, SEEK_END);
		if (f->off > 0)
			head_load(f, f->off);
	}
	f->base.may_block = !f->regular;
	if (f->base.mtime == 0)
		f->base.mtime = time(NULL);
	if (at_end && f->regular)
		position_at(f, f->off);
	*out = &f->base;
	return BS_OK;
}

bool
bs_source_follow_rewritten(struct bs_source *s)
{
	struct follow_source *f = (struct follow_source *)s;
	struct stat sb;

	if (!f->regular || fstat(f->fd, &sb) != 0 ||
	    (sb.st_size >= f->off && unchanged(f)))
		return false;
	cut_back(f);
	f->restart_due = true;
	return true;
}

enum bs_follow_cut
bs_source_follow_cut(struct bs_source *s, unsigned long long *was,
    unsigned long long *now)
{
	struct follow_source *f = (struct follow_source *)s;
	enum bs_follow_cut cut = f->cut;

	if (cut != BS_FOLLOW_CUT_NONE) {
		*was = f->cut_was;
		*now = f->cut_now;
		f->cut = BS_FOLLOW_CUT_NONE;
	}
	return cut;
}

void
bs_source_follow_finish(struct bs_source *s)
{
	((struct follow_source *)s)->finished = true;
}

void
bs_source_follow_allow(struct bs_source *s, int reads)
{
	struct follow_source *f = (struct follow_source *)s;

	f->reads_left = reads;
	f->starved = false;
}

bool
bs_source_follow_starved(const struct bs_source *s)
{
	return ((const struct follow_source *)s)->starved;
}

uint64_t
bs_source_follow_nread(const struct bs_source *s)
{
	return ((const struct follow_source *)s)->nread;
}

bs_status
bs_source_follow_error(struct bs_source *s, struct bs_diag *d)
{
	struct follow_source *f = (struct follow_source *)s;

	if (!f->err_new)
		return BS_OK;
	f->err_new = false;
	return bs_diag_set(d, BS_ERR_IO, f->name, 0,
	    "read error: %s (will retry)", strerror(f->read_err));
}
