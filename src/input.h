/*
 * input.h - bytes from a file or standard input, plain or gzip.
 *
 * gzip is recognised by its magic bytes, not by name; multi-member files
 * are read to the end; a truncated or corrupt stream yields every byte
 * before the fault and then an error.  "-" is standard input.
 *
 * gzip data is decoded with ISA-L when the build found it (about twice as
 * fast as zlib), else with zlib.  Within a build, the bytes handed out and
 * how the data ends never depend on read sizes or on read-ahead.  Between
 * the two decoders:
 *   - valid data gives the same bytes;
 *   - faults of the gzip format give the same message (a cut, trailing
 *     garbage, a bad header, a wrong CRC or length) after the same bytes,
 *     except that at a cut inside a member's earlier deflate blocks ISA-L
 *     may hand out up to two bytes fewer than zlib (a group of literals it
 *     decodes at once); a cut in the last block gives the same bytes;
 *   - in corrupt deflate data each decoder notices the corruption where
 *     its own checks do: the bytes before "corrupt compressed data (...)"
 *     and the reason in parentheses may differ, and, rarely, a stream zlib
 *     refuses (an incomplete Huffman code, say) may decode under ISA-L to
 *     bytes whose CRC is right.  Both agree on every byte both hand out.
 * By default a gzip input is decoded ahead of the caller by a thread of its
 * own, into three buffers (256 KiB with ISA-L, 1 MiB with zlib), so that
 * decompression and parsing run on two cores at once (with ISA-L, the
 * CRC-32 check is shared between the two, wherever it is cheapest); the
 * thread ends when the input ends or is closed.  Faults are reported the
 * same way either way.
 * Plain data is read straight into the caller's buffer.
 */
#ifndef BS_INPUT_H
#define BS_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "diag.h"

struct bs_input;

/* Which gzip decoder to use. */
enum bs_input_gzip {
	BS_GZIP_AUTO = 0,	/* the fastest one built in */
	BS_GZIP_ZLIB,
	BS_GZIP_ISAL
};

/* Whether to decode ahead of the caller in a thread. */
enum bs_input_ahead {
	BS_AHEAD_AUTO = 0,	/* for gzip data, with two CPUs or more */
	BS_AHEAD_OFF,
	BS_AHEAD_ON		/* plain data too */
};

/*
 * How to read an input; a zeroed struct (or NULL) gives the defaults.
 * The sizes exist for tests, which use small ones to put every buffer
 * boundary everywhere.
 */
struct bs_input_opts {
	enum bs_input_gzip gzip;
	enum bs_input_ahead ahead;
	size_t raw_chunk;	/* bytes per read(2); 0: BS_READ_CHUNK */
	size_t ahead_slot;	/* bytes per read-ahead buffer; 0: default */
};

/* Open path ("-" for stdin).  On failure returns BS_ERR_IO with d filled. */
bs_status bs_input_open(const char *path, struct bs_input **out,
    struct bs_diag *d);

/*
 * The same with options (NULL: defaults).  Asking for a gzip decoder that
 * is not built in is BS_ERR_USAGE.
 */
bs_status bs_input_open_opts(const char *path,
    const struct bs_input_opts *opts, struct bs_input **out,
    struct bs_diag *d);

/*
 * One piece of a plain regular file, for reading a large file on several
 * cores: the lines whose first byte lies in [off, off + len).  Reading
 * starts at byte off - 1 and drops everything up to and including the
 * first newline (none when that byte is a newline); after byte
 * off + len - 1 it goes on to the next newline or the end of the file, and
 * then ends.  Pieces that tile the file thus hand out every line exactly
 * once, whole.  len may run past the end (ULLONG_MAX: to whatever end the
 * file has when read).  The data is taken as plain, whatever its first
 * bytes: the caller checks that the file is not gzip.  The raw offset is
 * then the bytes handed out, so those of all the pieces add up to the
 * file's size.  Anything but a regular file is BS_ERR_IO.
 */
bs_status bs_input_open_range(const char *path, unsigned long long off,
    unsigned long long len, const struct bs_input_opts *opts,
    struct bs_input **out, struct bs_diag *d);

/*
 * Read up to n bytes of (decompressed) data.  Returns the count, 0 at the
 * end, or -1 on failure with d filled.  After the end or a failure every
 * further call returns 0.
 */
ssize_t bs_input_read(struct bs_input *in, char *buf, size_t n,
    struct bs_diag *d);

/*
 * Zero-copy reading, for the line splitter.  With read-ahead, the next
 * decoded bytes are lent where the worker put them, preceded by a copy
 * of the keep_len bytes at keep (the caller's unfinished line, at most
 * BS_LINE_MAX + 1 bytes; it may lie in the block lent before).  *block
 * then holds keep_len bytes of keep, followed by the count returned; it
 * stays valid until the next bs_input_lend, bs_input_read or
 * bs_input_close.  Returns the count of new bytes, 0 at the end and -1 on
 * failure (d filled), as bs_input_read does; then *block holds only the
 * kept bytes.  Without read-ahead it returns BS_INPUT_NO_LEND and reads
 * nothing: use bs_input_read.
 */
#define BS_INPUT_NO_LEND	(-2)
ssize_t bs_input_lend(struct bs_input *in, const char *keep, size_t keep_len,
    const char **block, struct bs_diag *d);

/* Whether the data is gzip-compressed (known after the first read). */
bool bs_input_is_gzip(const struct bs_input *in);

/*
 * Compressed bytes consumed so far and the file size (0 if unknown).  With
 * read-ahead the offset is that of the data being handed out, not of the
 * decoder running ahead.
 */
unsigned long long bs_input_raw_offset(const struct bs_input *in);
unsigned long long bs_input_raw_size(const struct bs_input *in);

/*
 * The file's modification time, or the current time for anything that is
 * not a regular file (standard input, a FIFO): the reference from which
 * the year of classic syslog timestamps is inferred.
 */
time_t bs_input_mtime(const struct bs_input *in);

/* The name used in messages ("-" shows as "(stdin)"). */
const char *bs_input_name(const struct bs_input *in);

/* Stops the read-ahead thread if there is one; NULL does nothing. */
void bs_input_close(struct bs_input *in);

/* The gzip decoder BS_GZIP_AUTO uses: "isal" or "zlib". */
const char *bs_input_backend(void);

/* Whether a gzip decoder is built in (BS_GZIP_AUTO always is). */
bool bs_input_has_gzip(enum bs_input_gzip which);

#endif
