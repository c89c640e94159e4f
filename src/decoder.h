/*
 * decoder.h - the decoders of compressed data other than gzip (xz, zstd,
 * bzip2, lz4), one file each (source_xz.c ...), behind the one byte
 * source that reads through any of them (source_decoder.c).  Internal to
 * the sources.
 *
 * A decoder decodes one stream (xz, bzip2) or frame (zstd, lz4) at a
 * time, and checks what the format checks (CRCs, sizes).
 * source_decoder.c owns everything around the streams, as source_gzip.c
 * does for gzip members: reading the bytes, finding where the next stream
 * starts (its magic bytes, zero padding where the format allows it,
 * trailing garbage), noticing a cut (the data ends inside a stream), and
 * holding a fault back until the bytes decoded before it are handed out.
 * So the messages of these faults are the same for every format and the
 * same as gzip's.
 *
 * The state a decoder returns from new() is its own; it allocates there
 * (and the library as the stream's header asks, within
 * BS_DECODE_MEM_MAX), never per read.
 */
#ifndef BS_DECODER_H
#define BS_DECODER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct bs_source;

/* What one call of run() ended with. */
enum bs_decoder_rc {
	BS_DECODER_OK,		/* progress, or it needs input or room */
	BS_DECODER_END,		/* the stream ended; all its bytes are out */
	BS_DECODER_FAULT	/* corrupt data; *why says how */
};

/*
 * The buffers of one call: run() consumes from in and writes to out,
 * advancing both pointers and lowering both lengths.  A call that changes
 * neither length and returns BS_DECODER_OK needs more input than in_len
 * (at the end of the data: the stream is cut short).
 */
struct bs_decoder_io {
	const unsigned char *in;
	size_t in_len;
	unsigned char *out;
	size_t out_len;
};

struct bs_decoder {
	const char *name;	/* "xz", "zstd", "bzip2", "lz4" */
	size_t magic_len;	/* bytes starts() looks at */
	bool padding;		/* zero bytes may follow a stream (xz) */
	/* Whether the magic_len bytes at p start a stream (or a frame). */
	bool (*starts)(const unsigned char *p);
	/* A decoder, or NULL when out of memory. */
	void *(*new)(void);
	void (*free)(void *st);
	/*
	 * Start a stream; the next input byte is its first.  Returns false
	 * when the decoder cannot be restarted (out of memory).
	 */
	bool (*reset)(void *st);
	/*
	 * Decode.  out_len is never 0.  After BS_DECODER_FAULT, *why is a
	 * static string (the library's words where it has them) and the
	 * stream is abandoned; every byte decoded before the fault has been
	 * written to out by then.
	 */
	enum bs_decoder_rc (*run)(void *st, struct bs_decoder_io *io,
	    const char **why);
};

/*
 * source_decoder.c: *out decodes the data of in with dec, stream after
 * stream, to the end.  *out owns in.  On failure in is closed, d filled
 * and BS_ERR_NOMEM returned.
 */
bs_status bs_source_decoder(struct bs_source *in,
    const struct bs_decoder *dec, struct bs_source **out,
    struct bs_diag *d);

/*
 * For a decoder this build lacks: close in, fill d ("xz-compressed, and
 * this build cannot read xz (build with liblzma-dev)") and return
 * BS_ERR_FORMAT.
 */
bs_status bs_source_decoder_missing(struct bs_source *in, const char *name,
    const char *package, struct bs_diag *d);

#endif
