/*
 * input.c - bytes from a file or standard input, plain or gzip.
 *
 * The first read fills an internal buffer with raw bytes and looks for the
 * gzip magic (1f 8b).  Plain data is then handed out as it is; gzip data
 * goes through a decoder of inflate.h (ISA-L or zlib), one member at a
 * time, so that concatenated (multi-member) files are read whole.  A fault
 * in the compressed stream is held back until every byte decoded before
 * it has been handed out, so no line read before the fault is lost.
 *
 * A piece of a plain file (bs_input_open_range) is read from just before
 * its first byte, and the bytes outside its lines are dropped from each
 * read as it comes back (range_take), so the rest of this file does not
 * know about pieces.
 *
 * The part that reads and decodes (struct bs_src) is kept apart from the
 * part that hands bytes to the caller.  Without read-ahead the caller's
 * thread runs both.  With read-ahead (gzip data, by default) a worker
 * thread owns the source from the first read on and fills a ring of
 * AHEAD_SLOTS fixed buffers while the caller parses; the two meet only
 * under one mutex, once per buffer.  Memory is bounded by the ring, and
 * nothing is allocated after the first read.  Decoding is then the
 * slower side, so where the backend allows it (ISA-L) the members'
 * CRC-32 check moves to the caller's thread: the worker ends a buffer
 * where a member ends and marks the next with the trailer's CRC-32,
 * which the caller checks before it hands out anything after it.  The
 * worker computes a buffer's CRC-32 itself only while the caller lags
 * (a full buffer already waits), and the caller then combines it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "bslimits.h"
#include "inflate.h"
#include "input.h"

/*
 * The read-ahead ring: AHEAD_SLOTS buffers of AHEAD_SLOT bytes.  One is
 * being read by the caller, one filled by the worker, one spare so that
 * neither waits for the other at a hand-over.  Each slot is about one
 * decoder call, whose fixed costs (ISA-L copies its 32 KiB history and
 * this layer 50 KiB of its state) and hand-over must stay small next to
 * the slot.  Measured on a 1 GiB log: with zlib, 3 x 1 MiB beat
 * 3 x 512 KiB and 2 x 1 MiB by 10%, and 4 x 256 KiB by 6%; 2 MiB slots
 * were no faster and cost 3 MiB more RSS.  With ISA-L, 3 x 256 KiB is as
 * fast as 3 x 1 MiB (11 interleaved runs, median 0.770 against 0.783 s)
 * and keeps 2 MiB less resident.
 */
#ifdef BS_HAVE_ISAL
#define AHEAD_SLOT	BS_READ_CHUNK
#else
#define AHEAD_SLOT	(4 * BS_READ_CHUNK)
#endif
#define AHEAD_SLOTS	3

/*
 * Room in front of each slot for the bytes a lending caller keeps
 * (bs_input_lend): the unfinished line, at most BS_LINE_MAX + 1 bytes.
 */
#define LEND_ROOM	(BS_LINE_MAX + 64)

/*
 * Without read-ahead, gzip reads smaller than this are decoded into a
 * staging buffer of this size and handed out from there: a decoder call
 * has a fixed cost (ISA-L copies 50 KiB of state for a possible replay),
 * which a caller reading a few bytes at a time would pay per read.
 */
#define STAGE_SIZE	(64 * 1024)

/* Room for a fault's message: "corrupt compressed data (...)". */
#define FAULT_MAX	200

/* The reading and decoding side. */
struct bs_src {
	int fd;
	bool regular;		/* a regular file: read(2) never blocks */
	int wake;		/* read end of the close pipe, or -1 */
	bool gzip;
	const struct bs_inflate_backend *be;
	void *dec;		/* the backend's state */
	bool member_open;	/* inside a gzip member */
	bool raw_eof;		/* read(2) returned 0 */
	bool ended;		/* every byte has been produced */
	bool failed;		/* a fault follows the bytes produced */
	bs_status fault_st;
	char fault[FAULT_MAX];
	unsigned char *raw;	/* raw_chunk + 1 bytes */
	size_t raw_chunk, raw_pos, raw_len;
	unsigned long long raw_off;	/* bytes read(2) so far */
	bool deferred;		/* the reader checks the CRC-32 (be->defer) */
	bool check_due;		/* a member ended: its CRC-32 is check_crc */
	uint32_t check_crc;
};

/* One buffer of the read-ahead ring. */
struct bs_slot {
	unsigned char *buf;
	size_t len;
	unsigned long long raw_off;	/* consumed once the slot was full */
	bool last;		/* the source ended after this slot */
	bool check;		/* a member ended in front of buf, with crc */
	uint32_t crc;
	bool crc_done;		/* the worker computed buf's CRC-32 ... */
	uint32_t buf_crc;	/* ... this */
};

struct bs_ahead {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled;	/* the worker published a slot */
	pthread_cond_t emptied;	/* a slot was given back, or stop */
	unsigned full;		/* slots published and not given back */
	bool stop;		/* the caller is closing */
	int wake_w;		/* write end of the close pipe, or -1 */
	struct bs_slot slot[AHEAD_SLOTS];
	size_t slot_size;
	unsigned char *mem;	/* the slots' buffers, one allocation */
	/* The caller's side, touched by the caller only. */
	unsigned head;		/* the slot being read */
	bool holding;		/* slot[head] was taken from the ring */
	size_t pos;		/* read position in slot[head] */
};

struct bs_input {
	char *name;
	bool started;		/* the first raw read happened */
	bool done;		/* the end or a failure was returned */
	bool gzip;
	unsigned long long raw_size;
	unsigned long long shown_off;	/* raw offset with read-ahead */
	time_t mtime;
	struct bs_input_opts opts;
	unsigned char *stage;	/* STAGE_SIZE bytes, for small reads */
	size_t stage_pos, stage_len;
	struct bs_ahead *ahead;	/* non-NULL once the worker runs */
	struct bs_src src;
	uint32_t crc;		/* deferred: of the member's bytes so far */
	bool bad_check;		/* deferred: a member's CRC-32 was wrong */

	/* A piece of a plain file: the lines starting in [off, off + len). */
	bool range;
	bool skipping;		/* dropping the end of the line before it */
	bool range_done;	/* its last line was handed out */
	unsigned long long at;		/* file offset of the next byte read */
	unsigned long long last;	/* off + len - 1: in its last line */
	unsigned long long handed;	/* bytes handed out */
};

static const struct bs_inflate_backend *
backend_of(enum bs_input_gzip which)
{
	switch (which) {
	case BS_GZIP_ZLIB:
		return &bs_inflate_zlib;
	case BS_GZIP_ISAL:
#ifdef BS_HAVE_ISAL
		return &bs_inflate_isal;
#else
		return NULL;
#endif
	default:
#ifdef BS_HAVE_ISAL
		return &bs_inflate_isal;
#else
		return &bs_inflate_zlib;
#endif
	}
}

const char *
bs_input_backend(void)
{
	return backend_of(BS_GZIP_AUTO)->name;
}

bool
bs_input_has_gzip(enum bs_input_gzip which)
{
	return backend_of(which) != NULL;
}

bs_status
bs_input_open(const char *path, struct bs_input **out, struct bs_diag *d)
{
	return bs_input_open_opts(path, NULL, out, d);
}

bs_status
bs_input_open_opts(const char *path, const struct bs_input_opts *opts,
    struct bs_input **out, struct bs_diag *d)
{
	struct bs_input *in;
	struct stat st;
	const char *shown = strcmp(path, "-") == 0 ? "(stdin)" : path;

	*out = NULL;
	if (opts != NULL && backend_of(opts->gzip) == NULL)
		return bs_diag_set(d, BS_ERR_USAGE, shown, 0,
		    "this build has no such gzip decoder");
	in = calloc(1, sizeof(*in));
	if (in == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, shown, 0, "out of memory");
	if (opts != NULL)
		in->opts = *opts;
	if (in->opts.raw_chunk == 0)
		in->opts.raw_chunk = BS_READ_CHUNK;
	if (in->opts.ahead_slot == 0)
		in->opts.ahead_slot = AHEAD_SLOT;
	in->src.fd = -1;
	in->src.wake = -1;
	in->src.raw_chunk = in->opts.raw_chunk;
	in->name = strdup(shown);
	/* One spare byte: a lone 0x1f kept while the next one is read. */
	in->src.raw = malloc(in->opts.raw_chunk + 1);
	if (in->name == NULL || in->src.raw == NULL) {
		bs_input_close(in);
		return bs_diag_set(d, BS_ERR_NOMEM, shown, 0, "out of memory");
	}
	if (strcmp(path, "-") == 0)
		in->src.fd = STDIN_FILENO;
	else {
		in->src.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (in->src.fd < 0) {
			int err = errno;

			bs_diag_set(d, BS_ERR_IO, shown, 0, "cannot open: %s",
			    strerror(err));
			bs_input_close(in);
			return BS_ERR_IO;
		}
	}
	if (fstat(in->src.fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			bs_diag_set(d, BS_ERR_IO, shown, 0,
			    "is a directory, not a log file");
			bs_input_close(in);
			return BS_ERR_IO;
		}
		if (S_ISREG(st.st_mode)) {
			in->src.regular = true;
			in->raw_size = (unsigned long long)st.st_size;
			in->mtime = st.st_mtime;
		}
	}
	if (in->mtime == 0)
		in->mtime = time(NULL);
	*out = in;
	return BS_OK;
}

bs_status
bs_input_open_range(const char *path, unsigned long long off,
    unsigned long long len, const struct bs_input_opts *opts,
    struct bs_input **out, struct bs_diag *d)
{
	struct bs_input *in;
	bs_status st;

	st = bs_input_open_opts(path, opts, &in, d);
	if (st != BS_OK)
		return st;
	if (!in->src.regular) {
		bs_diag_set(d, BS_ERR_IO, in->name, 0,
		    "only a regular file can be read in pieces");
		bs_input_close(in);
		return BS_ERR_IO;
	}
	in->range = true;
	in->range_done = len == 0;
	if (len > 0)
		in->last = len > ULLONG_MAX - off ? ULLONG_MAX : off + len - 1;
	/*
	 * Read from the byte before the piece: if it is a newline, a line
	 * starts right at off; otherwise the line that runs into the piece
	 * belongs to the piece before and is dropped.
	 */
	if (off > 0) {
		in->skipping = true;
		in->at = off - 1;
		if (lseek(in->src.fd, (off_t)in->at, SEEK_SET) < 0) {
			int err = errno;

			bs_diag_set(d, BS_ERR_IO, in->name, 0,
			    "cannot seek: %s", strerror(err));
			bs_input_close(in);
			return BS_ERR_IO;
		}
	}
	*out = in;
	return BS_OK;
}

/* --- the source: raw reads and decoding ---------------------------------- */

static void set_fault(struct bs_src *s, bs_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record a fault, to report after the bytes produced before it. */
static void
set_fault(struct bs_src *s, bs_status st, const char *fmt, ...)
{
	va_list ap;

	s->failed = true;
	s->fault_st = st;
	va_start(ap, fmt);
	vsnprintf(s->fault, sizeof(s->fault), fmt, ap);
	va_end(ap);
}

/*
 * read(2), except that a worker reading a pipe or terminal also wakes up
 * when the input is closed, instead of waiting for data that may never
 * come.  Returns the count, 0 at the end, -1 on error (errno set), -2
 * when woken.
 */
static ssize_t
raw_read(struct bs_src *s, void *buf, size_t n)
{
	ssize_t r;

	if (s->wake >= 0) {
		struct pollfd p[2] = {
			{ .fd = s->fd, .events = POLLIN },
			{ .fd = s->wake, .events = POLLIN }
		};

		do
			r = poll(p, 2, -1);
		while (r < 0 && errno == EINTR);
		if (r > 0 && p[1].revents != 0)
			return -2;
	}
	do
		r = read(s->fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Hold a failed raw read as the fault that ends the data. */
static void
read_failed(struct bs_src *s, ssize_t r, int err)
{
	if (r == -2)
		set_fault(s, BS_ERR_IO, "%s", "closed while reading");
	else
		set_fault(s, BS_ERR_IO, "read error: %s", strerror(err));
}

/*
 * Read more raw bytes after the unread ones, which move to the front.
 * Returns false on error (the fault is set); raw_eof tells the end.
 */
static bool
fill_raw(struct bs_src *s)
{
	size_t keep = s->raw_len - s->raw_pos;
	size_t room = s->raw_chunk + 1 - keep;
	ssize_t r;

	if (keep > 0 && s->raw_pos > 0)
		memmove(s->raw, s->raw + s->raw_pos, keep);
	s->raw_pos = 0;
	s->raw_len = keep;
	r = raw_read(s, s->raw + keep, room < s->raw_chunk ? room :
	    s->raw_chunk);
	if (r < 0) {
		read_failed(s, r, errno);
		return false;
	}
	s->raw_len += (size_t)r;
	s->raw_off += (unsigned long long)r;
	if (r == 0)
		s->raw_eof = true;
	return true;
}

/* Compressed bytes the decoder has consumed. */
static unsigned long long
src_offset(const struct bs_src *s)
{
	return s->raw_off - (s->raw_len - s->raw_pos);
}

/* Hot for plain files: straight from read(2) into the caller's buffer. */
static size_t
plain_produce(struct bs_src *s, unsigned char *buf, size_t n)
{
	size_t avail;
	ssize_t r;

	if (s->raw_pos < s->raw_len) {
		/* What the first read looked at for the gzip magic. */
		avail = s->raw_len - s->raw_pos;
		if (avail > n)
			avail = n;
		memcpy(buf, s->raw + s->raw_pos, avail);
		s->raw_pos += avail;
		return avail;
	}
	if (s->raw_eof) {
		s->ended = true;
		return 0;
	}
	r = raw_read(s, buf, n);
	if (r < 0) {
		read_failed(s, r, errno);
		return 0;
	}
	if (r == 0) {
		s->raw_eof = true;
		s->ended = true;
	}
	s->raw_off += (unsigned long long)r;
	return (size_t)r;
}

/*
 * After a member ends: another member follows if the next bytes are the
 * gzip magic.  Zero bytes (tape padding) are ignored as gzip(1) does;
 * anything else is trailing garbage and reported.  Returns true when a
 * member starts, false at the end or after a fault (which is set).
 */
static bool
next_member(struct bs_src *s)
{
	for (;;) {
		while (s->raw_pos < s->raw_len && s->raw[s->raw_pos] == 0)
			s->raw_pos++;
		if (s->raw_pos < s->raw_len) {
			if (s->raw[s->raw_pos] != 0x1f)
				goto garbage;
			if (s->raw_pos + 1 < s->raw_len) {
				if (s->raw[s->raw_pos + 1] != 0x8b)
					goto garbage;
				break;
			}
			/*
			 * A 0x1f at the end of what was read: look at the
			 * byte after it, wherever the read stopped.  At the
			 * end of the file it starts a member cut short.
			 */
			if (s->raw_eof)
				break;
		} else if (s->raw_eof) {
			s->ended = true;
			return false;
		}
		if (!fill_raw(s))
			return false;
	}
	if (!s->be->reset(s->dec)) {
		set_fault(s, BS_ERR_FORMAT, "%s",
		    "cannot restart the decompressor");
		return false;
	}
	s->member_open = true;
	return true;
garbage:
	set_fault(s, BS_ERR_FORMAT, "%s",
	    "trailing garbage behind the compressed data");
	return false;
}

/*
 * Hot: decode gzip data into buf until it is full, the data ends or a
 * fault is found.  Returns the bytes decoded.
 */
static size_t
gz_produce(struct bs_src *s, unsigned char *buf, size_t n)
{
	struct bs_inflate_io io = { .out = buf, .out_len = n };
	const char *why = NULL;

	while (io.out_len > 0) {
		enum bs_inflate_rc rc;
		size_t in0, out0;

		if (!s->member_open && !next_member(s))
			break;
		io.in = s->raw + s->raw_pos;
		io.in_len = s->raw_len - s->raw_pos;
		in0 = io.in_len;
		out0 = io.out_len;
		rc = s->be->run(s->dec, &io, &why);
		s->raw_pos = s->raw_len - io.in_len;
		if (rc == BS_INFLATE_END) {
			s->member_open = false;
			continue;
		}
		if (rc == BS_INFLATE_CHECK) {
			/* The reader checks it, between this member and the next. */
			s->check_due = true;
			s->check_crc = io.crc;
			break;
		}
		if (rc == BS_INFLATE_FAULT) {
			set_fault(s, BS_ERR_FORMAT,
			    "corrupt compressed data (%s)", why);
			break;
		}
		if (io.in_len != in0 || io.out_len != out0)
			continue;
		/*
		 * No progress: the decoder has handed out everything it held
		 * and needs input.  Only now read, so that a pipe that pauses
		 * does not keep back bytes already decoded.  With input left
		 * this cannot happen; at the end of the file the member is
		 * cut short.
		 */
		if (io.in_len > 0) {
			set_fault(s, BS_ERR_FORMAT, "%s", "corrupt compressed "
			    "data (the decoder made no progress)");
			break;
		}
		if (s->raw_eof) {
			set_fault(s, BS_ERR_FORMAT, "%s", "unexpected end of "
			    "compressed data (the file is truncated)");
			break;
		}
		if (!fill_raw(s))
			break;
	}
	return n - io.out_len;
}

/*
 * Up to n bytes of data.  0 means the source has ended: cleanly, or with
 * a fault to report (failed).
 */
static size_t
produce(struct bs_src *s, unsigned char *buf, size_t n)
{
	if (s->ended || s->failed)
		return 0;
	return s->gzip ? gz_produce(s, buf, n) : plain_produce(s, buf, n);
}

/* --- read-ahead ----------------------------------------------------------- */

/*
 * The worker: fill the ring until the source ends or the caller closes.
 * It owns the source; a slot it publishes is the caller's until given
 * back.
 */
static void *
ahead_main(void *arg)
{
	struct bs_input *in = arg;
	struct bs_ahead *a = in->ahead;
	unsigned tail = 0;
	bool last = false, carry = false;
	uint32_t carry_crc = 0;

	while (!last) {
		struct bs_slot *sl = &a->slot[tail];
		size_t len = 0, got;
		bool stop;

		pthread_mutex_lock(&a->lock);
		while (a->full == AHEAD_SLOTS && !a->stop)
			pthread_cond_wait(&a->emptied, &a->lock);
		stop = a->stop;
		pthread_mutex_unlock(&a->lock);
		if (stop)
			break;
		sl->check = carry;
		sl->crc = carry_crc;
		carry = false;
		/* Plain reads may come short: fill the slot anyway. */
		while (len < a->slot_size) {
			got = produce(&in->src, sl->buf + len,
			    a->slot_size - len);
			len += got;
			if (in->src.check_due) {
				/*
				 * A member's CRC-32, to be checked in front of
				 * the bytes that follow it: those of this slot
				 * if it has none yet, else of the next slot.
				 */
				in->src.check_due = false;
				if (len == 0 && !sl->check) {
					sl->check = true;
					sl->crc = in->src.check_crc;
					continue;
				}
				carry = true;
				carry_crc = in->src.check_crc;
				break;
			}
			if (got == 0) {
				last = true;
				break;
			}
		}
		sl->len = len;
		sl->raw_off = src_offset(&in->src);
		sl->last = last;
		sl->crc_done = false;
		pthread_mutex_lock(&a->lock);
		/*
		 * With the CRC-32 deferred, the reader computes it, unless it
		 * is the slower one just now (a full slot still waits for it
		 * besides the one it reads): then this thread does, and the
		 * reader only combines.  The two share the work where it is
		 * cheapest.
		 */
		if (in->src.deferred && len > 0 && a->full >= 2) {
			pthread_mutex_unlock(&a->lock);
			sl->buf_crc = in->src.be->crc32(0, sl->buf, len);
			sl->crc_done = true;
			pthread_mutex_lock(&a->lock);
		}
		a->full++;
		pthread_cond_signal(&a->filled);
		pthread_mutex_unlock(&a->lock);
		tail = (tail + 1) % AHEAD_SLOTS;
	}
	return NULL;
}

static void
ahead_free(struct bs_ahead *a)
{
	pthread_cond_destroy(&a->emptied);
	pthread_cond_destroy(&a->filled);
	pthread_mutex_destroy(&a->lock);
	free(a->mem);
	free(a);
}

/*
 * Start the worker.  Any failure leaves the input as it was, read in the
 * caller's thread: read-ahead only makes it faster.
 */
static void
ahead_start(struct bs_input *in)
{
	struct bs_ahead *a;
	sigset_t all, old;
	int pipefd[2] = { -1, -1 }, rc;
	unsigned i;

	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return;
	a->slot_size = in->opts.ahead_slot;
	a->wake_w = -1;
	a->mem = malloc((LEND_ROOM + a->slot_size) * AHEAD_SLOTS);
	if (a->mem == NULL) {
		free(a);
		return;
	}
	for (i = 0; i < AHEAD_SLOTS; i++)
		a->slot[i].buf = a->mem + LEND_ROOM +
		    i * (LEND_ROOM + a->slot_size);
	if (pthread_mutex_init(&a->lock, NULL) != 0) {
		free(a->mem);
		free(a);
		return;
	}
	if (pthread_cond_init(&a->filled, NULL) != 0) {
		pthread_mutex_destroy(&a->lock);
		free(a->mem);
		free(a);
		return;
	}
	if (pthread_cond_init(&a->emptied, NULL) != 0) {
		pthread_cond_destroy(&a->filled);
		pthread_mutex_destroy(&a->lock);
		free(a->mem);
		free(a);
		return;
	}
	/* A pipe or terminal may block the worker: give it a way out. */
	if (!in->src.regular) {
		if (pipe2(pipefd, O_CLOEXEC) != 0) {
			ahead_free(a);
			return;
		}
		in->src.wake = pipefd[0];
		a->wake_w = pipefd[1];
	}
	in->ahead = a;
	/*
	 * The decoder's thread is the slower of the two: the CRC-32 of the
	 * data is computed by the reader's, where the backend lets it.
	 */
	if (in->src.gzip && in->src.be->defer != NULL) {
		in->src.be->defer(in->src.dec, true);
		in->src.deferred = true;
	}
	/* Signals are the caller's business: the worker takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->thread, NULL, ahead_main, in);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		if (in->src.deferred) {
			in->src.be->defer(in->src.dec, false);
			in->src.deferred = false;
		}
		in->ahead = NULL;
		if (pipefd[0] >= 0) {
			close(pipefd[0]);
			close(pipefd[1]);
			in->src.wake = -1;
		}
		ahead_free(a);
	}
}

/* Stop the worker (at once if it waits for room or for a pipe) and join. */
static void
ahead_stop(struct bs_input *in)
{
	struct bs_ahead *a = in->ahead;

	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_signal(&a->emptied);
	pthread_mutex_unlock(&a->lock);
	if (a->wake_w >= 0) {
		ssize_t w;

		/* The pipe is empty and ours: only a signal can stop it. */
		do
			w = write(a->wake_w, "", 1);
		while (w < 0 && errno == EINTR);
	}
	pthread_join(a->thread, NULL);
	if (a->wake_w >= 0) {
		close(a->wake_w);
		close(in->src.wake);
		in->src.wake = -1;
	}
	ahead_free(a);
	in->ahead = NULL;
}

/* Give slot[head] back to the worker, which may be waiting for room. */
static void
give_back(struct bs_ahead *a)
{
	pthread_mutex_lock(&a->lock);
	a->full--;
	pthread_cond_signal(&a->emptied);
	pthread_mutex_unlock(&a->lock);
}

/*
 * A slot just taken from the ring.  With the CRC-32 deferred to this
 * thread (which has a core of its own, where the decoder's is the
 * bottleneck): check the member that ended in front of the slot's bytes,
 * then add them to the CRC-32 of the next.  false when the check failed:
 * nothing of the slot may be handed out, and the input ends there.
 */
static bool
slot_taken(struct bs_input *in, const struct bs_slot *sl)
{
	if (!in->src.deferred)
		return true;
	if (sl->check) {
		if (in->crc != sl->crc) {
			in->bad_check = true;
			return false;
		}
		in->crc = 0;
	}
	in->crc = sl->crc_done ? (uint32_t)crc32_combine(in->crc, sl->buf_crc,
	    (z_off_t)sl->len) : in->src.be->crc32(in->crc, sl->buf, sl->len);
	return true;
}

/*
 * Hot: copy from the ring into the caller's buffer.  Waits only when it
 * has nothing yet; a slot emptied on the way is given back at once.
 * Returns the count; 0 when the last slot is used up.
 */
static size_t
ahead_read(struct bs_input *in, unsigned char *buf, size_t n)
{
	struct bs_ahead *a = in->ahead;
	size_t got = 0, k;

	for (;;) {
		struct bs_slot *sl = &a->slot[a->head];

		if (!a->holding) {
			if (in->bad_check)
				return got;
			pthread_mutex_lock(&a->lock);
			if (got > 0 && a->full == 0) {
				pthread_mutex_unlock(&a->lock);
				return got;
			}
			while (a->full == 0)
				pthread_cond_wait(&a->filled, &a->lock);
			pthread_mutex_unlock(&a->lock);
			if (!slot_taken(in, sl))
				return got;
			a->holding = true;
			a->pos = 0;
			in->shown_off = sl->raw_off;
		}
		k = sl->len - a->pos;
		if (k > n - got)
			k = n - got;
		memcpy(buf + got, sl->buf + a->pos, k);
		a->pos += k;
		got += k;
		if (a->pos < sl->len || sl->last)
			return got;
		give_back(a);
		a->holding = false;
		a->head = (a->head + 1) % AHEAD_SLOTS;
		if (got == n)
			return got;
	}
}

/* --- the caller's side ---------------------------------------------------- */

/*
 * Without read-ahead: large reads are decoded straight into the caller's
 * buffer, small ones through the staging buffer.  Returns the count; 0
 * when the source has ended.
 */
static size_t
sync_read(struct bs_input *in, unsigned char *buf, size_t n)
{
	size_t k;

	if (in->stage_pos == in->stage_len) {
		if (!in->src.gzip || n >= STAGE_SIZE)
			return produce(&in->src, buf, n);
		if (in->stage == NULL &&
		    (in->stage = malloc(STAGE_SIZE)) == NULL)
			return produce(&in->src, buf, n);
		in->stage_len = produce(&in->src, in->stage, STAGE_SIZE);
		in->stage_pos = 0;
	}
	k = in->stage_len - in->stage_pos;
	if (k > n)
		k = n;
	memcpy(buf, in->stage + in->stage_pos, k);
	in->stage_pos += k;
	return k;
}

/*
 * Whether the process may run on two CPUs at once.  On one, a worker
 * could only add its copying to the caller's time.
 */
static bool
two_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		return CPU_COUNT(&set) > 1;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/*
 * The first read: enough raw bytes to tell gzip from plain data, the
 * decoder, and the worker.  Returns false when the decoder cannot start
 * (d filled); a read error is held as a fault like any other.
 */
static bool
start(struct bs_input *in, struct bs_diag *d)
{
	struct bs_src *s = &in->src;

	in->started = true;
	/* A pipe may hand over the magic one byte at a time. */
	while (!in->range && s->raw_len < 2 && !s->raw_eof)
		if (!fill_raw(s))
			break;
	/*
	 * A single 0x1f at the very end is too short to be gzip.  A piece
	 * is plain by contract: its caller looked at the file's start.
	 */
	if (!in->range && s->raw_len >= 2 && s->raw[0] == 0x1f &&
	    s->raw[1] == 0x8b) {
		s->gzip = in->gzip = true;
		s->be = backend_of(in->opts.gzip);
		s->dec = s->be->new();
		if (s->dec == NULL || !s->be->reset(s->dec)) {
			bs_diag_set(d, BS_ERR_NOMEM, in->name, 0,
			    "cannot start the decompressor");
			return false;
		}
		s->member_open = true;
	}
	if (in->opts.ahead == BS_AHEAD_ON ||
	    (in->opts.ahead == BS_AHEAD_AUTO && s->gzip && two_cpus()))
		ahead_start(in);
	return true;
}

/*
 * Hot for a piece: of the got bytes just read into buf, from file offset
 * in->at, keep those of the lines that start in the piece, moved to the
 * front of buf.  Returns how many (0: none in this read, or the end when
 * range_done is set).
 */
static size_t
range_take(struct bs_input *in, char *buf, size_t got)
{
	unsigned long long at = in->at;
	size_t from = 0, to = got, k;
	const char *nl;

	in->at += got;
	if (in->skipping) {
		nl = memchr(buf, '\n', got);
		if (nl == NULL) {
			/*
			 * A line that runs past the piece: the piece has
			 * none.  Stop here rather than read to its end.
			 */
			if (at + got > in->last)
				in->range_done = true;
			return 0;
		}
		in->skipping = false;
		from = (size_t)(nl - buf) + 1;
		/* The first line that starts here starts past the piece. */
		if (at + from > in->last) {
			in->range_done = true;
			return 0;
		}
	}
	if (at + got > in->last) {
		/* The last line ends at the first newline from byte last on. */
		k = in->last >= at ? (size_t)(in->last - at) : 0;
		nl = memchr(buf + k, '\n', got - k);
		if (nl != NULL) {
			to = (size_t)(nl - buf) + 1;
			in->range_done = true;
		}
	}
	if (from > 0)
		memmove(buf, buf + from, to - from);
	in->handed += to - from;
	return to - from;
}

/*
 * The end of the data: 0, or -1 with d filled when a fault follows the
 * bytes handed out.  With read-ahead the worker set the fault before it
 * published its last slot, which this thread took under the lock.  A
 * piece that is complete ends cleanly whatever lies after it.
 */
static ssize_t
the_end(struct bs_input *in, struct bs_diag *d)
{
	in->done = true;
	/* A wrong CRC-32 comes first: the decoder ran on past it. */
	if (in->bad_check) {
		bs_diag_set(d, BS_ERR_FORMAT, in->name, 0,
		    "corrupt compressed data (%s)", BS_INFLATE_BAD_CHECK);
		return -1;
	}
	if (in->src.failed && !in->range_done) {
		bs_diag_set(d, in->src.fault_st, in->name, 0, "%s",
		    in->src.fault);
		return -1;
	}
	return 0;
}

ssize_t
bs_input_read(struct bs_input *in, char *buf, size_t n, struct bs_diag *d)
{
	size_t got;

	if (in->done)
		return 0;
	if (!in->started && !start(in, d)) {
		in->done = true;
		return -1;
	}
	if (n == 0)
		return 0;
	for (;;) {
		if (in->range_done)
			got = 0;
		else if (in->ahead != NULL)
			got = ahead_read(in, (unsigned char *)buf, n);
		else
			got = sync_read(in, (unsigned char *)buf, n);
		if (got == 0 || !in->range)
			break;
		/* A read wholly before the piece's first line: read on. */
		got = range_take(in, buf, got);
		if (got > 0 || in->range_done)
			break;
	}
	if (got > 0)
		return (ssize_t)got;
	return the_end(in, d);
}

/*
 * Lend the next slot of the ring in place, after a copy of keep: the
 * slot being read if a copying read left part of it, else the next one,
 * once keep is copied in front of it and the one before is given back.
 */
ssize_t
bs_input_lend(struct bs_input *in, const char *keep, size_t keep_len,
    const char **block, struct bs_diag *d)
{
	struct bs_ahead *a;
	struct bs_slot *sl;
	unsigned next, need;
	size_t n;

	*block = keep;
	if (in->done)
		return 0;
	if (!in->started && !start(in, d)) {
		in->done = true;
		return -1;
	}
	a = in->ahead;
	if (a == NULL)
		return BS_INPUT_NO_LEND;
	if (keep_len > LEND_ROOM) {
		in->done = true;
		bs_diag_set(d, BS_ERR_IO, in->name, 0, "%s",
		    "internal error: more kept than a line can hold");
		return -1;
	}
	sl = &a->slot[a->head];
	if (a->holding && a->pos < sl->len) {
		char *at = (char *)sl->buf + a->pos - keep_len;

		memmove(at, keep, keep_len);
		*block = at;
		n = sl->len - a->pos;
		a->pos = sl->len;
		return (ssize_t)n;
	}
	if (a->holding && sl->last)
		return the_end(in, d);
	for (;;) {
		next = a->holding ? (a->head + 1) % AHEAD_SLOTS : a->head;
		need = a->holding ? 2 : 1;
		pthread_mutex_lock(&a->lock);
		while (a->full < need)
			pthread_cond_wait(&a->filled, &a->lock);
		pthread_mutex_unlock(&a->lock);
		sl = &a->slot[next];
		if (!slot_taken(in, sl))
			return the_end(in, d);
		/* keep lies in the slot held so far or with the caller. */
		memcpy(sl->buf - keep_len, keep, keep_len);
		*block = (const char *)sl->buf - keep_len;
		if (a->holding)
			give_back(a);
		a->head = next;
		a->holding = true;
		a->pos = sl->len;
		in->shown_off = sl->raw_off;
		if (sl->len > 0)
			return (ssize_t)sl->len;
		if (sl->last)
			return the_end(in, d);
		/* Empty between two members' checks: on to the next. */
		keep = *block;
	}
}

bool
bs_input_is_gzip(const struct bs_input *in)
{
	return in->gzip;
}

unsigned long long
bs_input_raw_offset(const struct bs_input *in)
{
	if (in->range)
		return in->handed;
	return in->ahead != NULL ? in->shown_off : src_offset(&in->src);
}

unsigned long long
bs_input_raw_size(const struct bs_input *in)
{
	return in->raw_size;
}

time_t
bs_input_mtime(const struct bs_input *in)
{
	return in->mtime;
}

const char *
bs_input_name(const struct bs_input *in)
{
	return in->name;
}

void
bs_input_close(struct bs_input *in)
{
	if (in == NULL)
		return;
	if (in->ahead != NULL)
		ahead_stop(in);
	if (in->src.dec != NULL)
		in->src.be->free(in->src.dec);
	if (in->src.fd > STDIN_FILENO)
		close(in->src.fd);
	free(in->src.raw);
	free(in->stage);
	free(in->name);
	free(in);
}
