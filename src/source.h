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
 *   source_xz.c, source_zstd.c, source_bzip2.c, source_lz4.c
 *                    likewise for the other compressors' streams, each
 *                    through its library where the build has it
 *   source_utf16.c   UTF-16 text of another source, transcoded to UTF-8
 *   source_ahead.c   another source read ahead by a thread into a ring of
 *                    buffers, which it lends
 *   source_follow.c  a file or pipe read as it grows (follow mode)
 *
 * bs_source_open stacks them as a batch run reads an input: the file, a
 * decoder when the data starts with the magic bytes of gzip, xz, zstd,
 * bzip2 or lz4 (data is recognised by its content, not its name), the
 * transcoder when the text is UTF-16, and read-ahead for decoded data where
 * two CPUs can share the work.  Within a build, the bytes handed out and
 * how the data ends never depend on read sizes or on read-ahead.  (A UTF-8
 * byte-order mark and NUL bytes at the start of a line are dropped by the
 * line splitter, lines.c, which every way of reading shares.)
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
 * mtime, gzip, decoded and may_block when it is opened (a wrapper copies
 * them from the source below and sets its own); the rest belongs to
 * source.c.
 */
struct bs_source {
	const struct bs_source_ops *ops;
	const char *name;	/* for messages; "-" shows as "(stdin)" */
	unsigned long long size;	/* raw bytes, 0 if unknown */
	time_t mtime;		/* see bs_source_mtime */
	bool gzip;		/* the data is gzip-compressed */
	/*
	 * The bytes handed out are not the file's own (decompressed or
	 * transcoded): the file cannot be cut into pieces at byte offsets,
	 * and the peeked bytes of this source are not raw bytes.
	 */
	bool decoded;
	bool may_block;		/* reads may wait: a pipe, a terminal */
	bool done;		/* the end or a failure was returned */
	size_t head_len;	/* peeked bytes, handed out first */
	unsigned char head[BS_SOURCE_PEEK_MAX];
};

/* --- opening ------------------------------------------------------------- */

/* bs_source_open's flags. */
#define BS_SOURCE_SYNC	1u	/* never read ahead in a thread */

/*
 * Open path ("-" for standard input) as a batch run reads it: compressed
 * data decoded (bs_source_decode; gzip by the fastest decoder built in),
 * UTF-16 text transcoded (bs_source_utf16), and decoded data read ahead
 * by a thread when the process may use two CPUs, unless flags has
 * BS_SOURCE_SYNC.  Looks at the first BS_SOURCE_PEEK_MAX bytes, so on a
 * pipe it waits for them (or the end).  On failure returns BS_ERR_IO
 * (cannot open or read, a directory), BS_ERR_FORMAT (data this build
 * cannot decode, or text it cannot read) or BS_ERR_NOMEM, with d filled.
 */
bs_status bs_source_open(const char *path, unsigned flags,
    struct bs_source **out, struct bs_diag *d);

/* What the first bytes of the data say it is (bs_source_data). */
enum bs_data {
	BS_DATA_PLAIN = 0,	/* anything else: text as it is */
	BS_DATA_GZIP,		/* 1f 8b */
	BS_DATA_XZ,		/* fd '7zXZ' 00 */
	BS_DATA_ZSTD,		/* 28 b5 2f fd (a zstd frame) */
	BS_DATA_BZIP2,		/* 'BZh' and a block size '1'..'9' */
	BS_DATA_LZ4,		/* 04 22 4d 18 (an lz4 frame) */
	BS_DATA_UTF16LE,	/* ff fe, or ASCII with every odd byte 0 */
	BS_DATA_UTF16BE,	/* fe ff, or ASCII with every even byte 0 */
	BS_DATA_UTF32		/* ff fe 00 00 or 00 00 fe ff */
};

/*
 * What the n bytes at p (the start of the data) are.  Text without a
 * byte-order mark is taken for UTF-16 only when its first four units
 * (BS_SOURCE_PEEK_MAX bytes) are ASCII characters other than NUL.
 */
enum bs_data bs_source_data(const unsigned char *p, size_t n);

/*
 * The compressor's name of a compressed kind ("gzip", "xz", ...), the
 * encoding's ("UTF-16LE" ...) of text, or NULL for plain data.
 */
const char *bs_source_data_name(enum bs_data k);

/*
 * Which compressed data and text encodings this build reads, for
 * --version: "gzip (isal), xz, zstd, bzip2, lz4; text: UTF-8, UTF-16",
 * with the compressors whose library the build lacks left out.
 */
const char *bs_source_decoders(void);

/*
 * When the data of in is compressed (its magic bytes), *out decodes it
 * with the decoder for its kind, gzip with the fastest decoder built in;
 * otherwise *out is in itself.  Either way *out owns in.  On failure in
 * is closed and d filled: BS_ERR_FORMAT for a compressor whose library
 * this build lacks ("xz-compressed, and this build cannot read xz (build
 * with liblzma-dev)"), BS_ERR_IO when in cannot be read, or BS_ERR_NOMEM.
 */
bs_status bs_source_decode(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d);

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

/*
 * End a piece early (jobs.c, when a piece holds its share of memory): of
 * the bytes handed out, the last pending (which start a line) are given
 * back, and no more is read.  *at is the file offset of the first of them,
 * where the rest of the piece starts.  false, and nothing changes, when s
 * is no piece (bs_source_range) or has not handed out pending bytes.
 */
bool bs_source_range_stop(struct bs_source *s, size_t pending,
    unsigned long long *at);

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

/*
 * source_xz.c, source_zstd.c, source_bzip2.c, source_lz4.c: *out decodes
 * the data of in, which the caller has recognised by its magic bytes
 * (bs_source_data), to its end: concatenated streams (xz, bzip2) or
 * frames (zstd, lz4) are read one after the other, as gzip members are,
 * and what a decoder ignores between them (xz's stream padding, zstd's
 * and lz4's skippable frames) is skipped.  *out owns in.  A fault in the
 * data (a cut, corruption, a failed check, trailing garbage) is returned
 * by a read, after every byte decoded before it.  On failure in is closed
 * and d filled: BS_ERR_FORMAT when the build lacks the library (the
 * message says which), else BS_ERR_NOMEM.  bs_source_has_* says whether
 * the build has it.
 */
bs_status bs_source_xz(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d);
bs_status bs_source_zstd(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d);
bs_status bs_source_bzip2(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d);
bs_status bs_source_lz4(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d);
bool bs_source_has_xz(void);
bool bs_source_has_zstd(void);
bool bs_source_has_bzip2(void);
bool bs_source_has_lz4(void);

/*
 * source_utf16.c: when the text of in is UTF-16 (bs_source_data: a
 * byte-order mark, or ASCII with every other byte 0), *out hands it out
 * as UTF-8, without the byte-order mark; otherwise *out is in itself.
 * Either way *out owns in.  An unpaired surrogate, and an odd byte at the
 * end, become U+FFFD.  UTF-32 text is refused (BS_ERR_FORMAT, in closed,
 * d filled), as is a failure to read in (BS_ERR_IO) or memory
 * (BS_ERR_NOMEM).
 */
bs_status bs_source_utf16(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d);

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
 * Returns how many there are (fewer at the end), or -1 with d filled (a
 * decoded source returns its fault again on the next read, so that it is
 * reported where the data fails).  Only for a source that does not lend,
 * before its first read.
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
 * Whether the bytes handed out are not the file's own: compressed data
 * of any kind, or transcoded text.  Such a file cannot be read in pieces.
 */
bool bs_source_is_decoded(const struct bs_source *s);

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
