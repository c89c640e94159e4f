/*
 * source.h - byte sources: where an input's bytes come from, before
 * lines.c splits them into lines.
 *
 * A source hands out its bytes in order, into the caller's buffer
 * (bs_source_read) or, where it can, in place (bs_source_lend).  The
 * implementations stack, each owning the one below it:
 *
 *   source_file.c    a file or standard input; or a byte range of a
 *                    regular file, cut at line starts (a piece of a large
 *                    file read on several cores, jobs.c)
 *   source_gzip.c    the data of the gzip members read from another source
 *   source_ahead.c   another source read ahead by a thread into a ring of
 *                    buffers, which it lends
 *   source_follow.c  a file or pipe read as it grows (follow mode)
 *
 * bs_source_open stacks the first three as a batch run reads an input: the
 * file, a gzip decoder when the data starts with gzip's magic (gzip is
 * recognised by its content, not its name), and read-ahead for gzip data
 * where two CPUs can share the work.  Within a build, the bytes handed out
 * and how the data ends never depend on read sizes or on read-ahead.
 *
 * Invariants: a source allocates when it is opened, never while reading;
 * after the end (0) or a failure (-1) every further read returns 0.
 */
#ifndef BS_SOURCE_H
#define BS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "diag.h"

/* What a read or lend returns besides a count, 0 (end) and -1 (failure). */
#define BS_SOURCE_NO_LEND	(-2)	/* lend: use read, nothing was read */
#define BS_SOURCE_AGAIN		(-3)	/* nothing now; more may come */
#define BS_SOURCE_RESTART	(-4)	/* the data starts over (below) */
#define BS_SOURCE_CHECK		(-5)	/* a member ended (deferred CRC-32) */

/* The bytes of the data's start a source can be asked to show ahead. */
#define BS_SOURCE_PEEK_MAX	2

struct bs_source;

typedef uint32_t (*bs_crc32_fn)(uint32_t crc, const unsigned char *p,
    size_t n);

/*
 * What an implementation provides.  Only read, offset and close are
 * required.  Each function receives the struct bs_source that the
 * implementation embeds as the first member of its own.
 */
struct bs_source_ops {
	/* Hot.  As bs_source_read, which calls it only with n > 0. */
	ssize_t (*read)(struct bs_source *s, char *buf, size_t n,
	    struct bs_diag *d);
	/* As bs_source_lend; NULL when the source does not lend. */
	ssize_t (*lend)(struct bs_source *s, const char *keep,
	    size_t keep_len, const char **block, struct bs_diag *d);
	/* Raw (compressed) bytes consumed so far. */
	unsigned long long (*offset)(const struct bs_source *s);
	/*
	 * Optional: from now on, a read that waits for a pipe or terminal
	 * returns -1 ("closed while reading") once fd becomes readable, so
	 * that a thread blocked in it can be stopped.
	 */
	void (*wake_on)(struct bs_source *s, int fd);
	/*
	 * Optional, for data that carries its own CRC-32 (gzip members):
	 * with on, hand the check to the reader, which may run on another
	 * core, and return the CRC-32 function to check with (NULL: the
	 * source cannot, and checks itself).  A read then returns
	 * BS_SOURCE_CHECK where a member ends, after its bytes; member_crc
	 * gives the CRC-32 of the bytes handed out since the previous
	 * BS_SOURCE_CHECK (or the start) must have.  With !on, back to
	 * checking itself (before the first read only).
	 */
	bs_crc32_fn (*defer_crc)(struct bs_source *s, bool on);
	uint32_t (*member_crc)(const struct bs_source *s);
	/* Free everything, the source below included. */
	void (*close)(struct bs_source *s);
};

/*
 * The part every source shares.  An implementation fills ops, name, size,
 * mtime, gzip and may_block when it is opened (a wrapper copies them from
 * the source below); the rest belongs to source.c.
 */
struct bs_source {
	const struct bs_source_ops *ops;
	const char *name;	/* for messages; "-" shows as "(stdin)" */
	unsigned long long size;	/* raw bytes, 0 if unknown */
	time_t mtime;		/* see bs_source_mtime */
	bool gzip;		/* the data is gzip-compressed */
	bool may_block;		/* reads may wait: a pipe, a terminal */
	bool done;		/* the end or a failure was returned */
	size_t head_len;	/* peeked bytes, handed out first */
	unsigned char head[BS_SOURCE_PEEK_MAX];
};

/* --- opening ------------------------------------------------------------- */

/* bs_source_open's flags. */
#define BS_SOURCE_SYNC	1u	/* never read ahead in a thread */

/*
 * Open path ("-" for standard input) as a batch run reads it: gzip
 * decoded by the fastest decoder built in, and read ahead by a thread for
 * gzip data when the process may use two CPUs, unless flags has
 * BS_SOURCE_SYNC.  Looks at the first two bytes, so on a pipe it waits
 * for them.  On failure returns BS_ERR_IO (cannot open or read, a
 * directory) or BS_ERR_NOMEM, with d filled.
 */
bs_status bs_source_open(const char *path, unsigned flags,
    struct bs_source **out, struct bs_diag *d);

/* source_file.c: the bytes of path ("-": standard input) as they are. */
bs_status bs_source_file(const char *path, struct bs_source **out,
    struct bs_diag *d);

/*
 * source_file.c: one piece of a plain regular file, for reading a large
 * file on several cores: the lines whose first byte lies in
 * [off, off + len).  Reading starts at byte off - 1 and drops everything
 * up to and including the first newline (none when that byte is a
 * newline); after byte off + len - 1 it goes on to the next newline or the
 * end of the file, and then ends.  Pieces that tile the file thus hand out
 * every line exactly once, whole.  len may run past the end (ULLONG_MAX:
 * to whatever end the file has when read).  The data is taken as plain:
 * the caller checks that the file is not gzip.  The raw offset is the
 * bytes handed out, so those of all the pieces add up to the file's size.
 * Anything but a regular file is BS_ERR_IO.
 */
bs_status bs_source_range(const char *path, unsigned long long off,
    unsigned long long len, struct bs_source **out, struct bs_diag *d);

/* Which gzip decoder to use. */
enum bs_gzip {
	BS_GZIP_AUTO = 0,	/* the fastest one built in */
	BS_GZIP_ZLIB,
	BS_GZIP_ISAL
};

/*
 * source_gzip.c: when the data of in starts with gzip's magic, *out
 * decodes it (every member, to the end), reading in BS_READ_CHUNK bytes
 * at a time; otherwise *out is in itself.  Either way *out
 * owns in.  On failure in is closed and d filled: BS_ERR_USAGE for a
 * decoder this build lacks, BS_ERR_IO when in cannot be read, or
 * BS_ERR_NOMEM.  A fault in the compressed data is returned by a read,
 * after every byte decoded before it.
 */
bs_status bs_source_gzip(struct bs_source *in, enum bs_gzip which,
    struct bs_source **out, struct bs_diag *d);

/* The gzip decoder BS_GZIP_AUTO uses: "isal" or "zlib". */
const char *bs_source_gzip_backend(void);

/* Whether a gzip decoder is built in (BS_GZIP_AUTO always is). */
bool bs_source_gzip_has(enum bs_gzip which);

/*
 * source_ahead.c: in read ahead by a thread of its own into a ring of
 * three buffers of slot bytes, which *out lends (bs_source_lend).  *out
 * owns in.  Read-ahead only makes reading faster: when the thread cannot
 * start, *out is in itself.  The thread stops when the data ends or *out
 * is closed, even while it waits for a pipe.  in must be a batch source
 * (no BS_SOURCE_AGAIN or BS_SOURCE_RESTART).
 */
void bs_source_ahead(struct bs_source *in, size_t slot,
    struct bs_source **out);

/* --- reading ------------------------------------------------------------- */

/*
 * Read up to n bytes.  Returns the count, 0 at the end, or -1 on failure
 * with d filled (a fault is returned after every byte before it).  After
 * the end or a failure every further call returns 0.  A followed source
 * (source_follow.c) also returns BS_SOURCE_AGAIN when it has nothing now,
 * and BS_SOURCE_RESTART when the file was rewritten from its start
 * (copytruncate): the bytes handed out before, up to the last newline,
 * were whole lines; after it, the data starts again at a line start.
 */
ssize_t bs_source_read(struct bs_source *s, char *buf, size_t n,
    struct bs_diag *d);

/*
 * Zero-copy reading, for the line splitter.  A source that lends hands
 * out its next bytes where they lie, preceded by a copy of the keep_len
 * bytes at keep (the caller's unfinished line: at most BS_LINE_MAX + 1
 * bytes; it may lie in the block lent before).  *block then holds
 * keep_len bytes of keep followed by the count returned, and stays valid
 * until the next call on s.  Returns as bs_source_read does, with only the
 * kept bytes in *block at the end or on failure.  A source that does not
 * lend returns BS_SOURCE_NO_LEND and reads nothing: use bs_source_read.
 */
ssize_t bs_source_lend(struct bs_source *s, const char *keep,
    size_t keep_len, const char **block, struct bs_diag *d);

/*
 * Read until the first n (at most BS_SOURCE_PEEK_MAX) bytes are known and
 * point *p at them, without consuming them: reads hand them out first.
 * Returns how many there are (fewer at the end), or -1 with d filled.
 * Only for a source that does not lend (the bottom of a stack).
 */
ssize_t bs_source_peek(struct bs_source *s, size_t n,
    const unsigned char **p, struct bs_diag *d);

/*
 * Raw bytes consumed so far (compressed bytes of gzip data) and the raw
 * size (0 if unknown).  With read-ahead the offset is that of the data
 * being handed out, not of the thread running ahead.
 */
unsigned long long bs_source_raw_offset(const struct bs_source *s);
unsigned long long bs_source_raw_size(const struct bs_source *s);

/* Whether the data is gzip-compressed. */
bool bs_source_is_gzip(const struct bs_source *s);

/*
 * The file's modification time, or the time of opening for anything that
 * is not a regular file (standard input, a FIFO): the reference from
 * which the year of classic syslog timestamps is inferred.
 */
time_t bs_source_mtime(const struct bs_source *s);

/* The name used in messages ("-" shows as "(stdin)"). */
const char *bs_source_name(const struct bs_source *s);

/* Close s and every source below it; NULL does nothing. */
void bs_source_close(struct bs_source *s);

/* --- a followed file (source_follow.c) ----------------------------------- */

/*
 * Bytes just before the read offset that are compared with what the file
 * holds now, to notice a copytruncate after which the writer has already
 * written past the old offset.  Longer than one log line, so that a
 * changing field (queue id, time) of some line is always inside it.
 */
#define BS_FOLLOW_CHECK_BYTES	512

/*
 * Follow the open file fd, named name in messages; the source owns fd
 * (standard input is never closed).  A regular file is read from its end
 * with at_end (from the start of the line after the end, when the end is
 * inside a line), and from its current offset otherwise; anything else
 * from wherever it is.  Reads never wait: at the current end they return
 * BS_SOURCE_AGAIN; at the end of a pipe too, unless ends_at_eof (standard
 * input), when they return 0.  Before each read the source compares the
 * bytes just before its offset (BS_FOLLOW_CHECK_BYTES) with what the file
 * holds there now: a file rewritten since (copytruncate, even when the
 * writer has already written past the old offset) is read again from its
 * start, after BS_SOURCE_RESTART.  A read error is reported by
 * bs_source_follow_error, once until it changes, and the read returns
 * BS_SOURCE_AGAIN.
 */
bs_status bs_source_follow(int fd, const char *name, bool at_end,
    bool ends_at_eof, struct bs_source **out, struct bs_diag *d);

/*
 * At the current end: whether the file is now shorter than what was read,
 * or its bytes before the offset have changed.  If so, the next read
 * returns BS_SOURCE_RESTART and reading starts over at offset 0.
 */
bool bs_source_follow_rewritten(struct bs_source *s);

/* The file is done with: the next read returns 0 (the end). */
void bs_source_follow_finish(struct bs_source *s);

/*
 * Allow only reads more reads (each of at most what the caller asks), so
 * that no file of many starves the others: past them a read returns
 * BS_SOURCE_AGAIN and bs_source_follow_starved says so.  Until the first
 * call reads are not limited.
 */
void bs_source_follow_allow(struct bs_source *s, int reads);
bool bs_source_follow_starved(const struct bs_source *s);

/* Bytes read ever, across restarts: whether the file is quiet. */
uint64_t bs_source_follow_nread(const struct bs_source *s);

/*
 * BS_ERR_IO with d filled when a read failed with a new error since the
 * last call (reading is retried on the next read), else BS_OK.
 */
bs_status bs_source_follow_error(struct bs_source *s, struct bs_diag *d);

#endif
