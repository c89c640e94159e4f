/*
 * inflate.h - the gzip decoders behind input.c: zlib, and ISA-L where the
 * build found it (BS_HAVE_ISAL).  Internal to the input layer.
 *
 * A backend decodes one gzip member at a time, header and trailer
 * included, and checks the trailer (CRC-32 and length).  input.c owns
 * everything around the members: reading the file, finding where the
 * next member starts (the magic bytes, zero padding, trailing garbage),
 * and holding a fault back until the bytes decoded before it are handed
 * out.  Both backends give the same messages for the same faults, in
 * zlib's words, so that a report does not depend on the build.
 *
 * The state a backend returns from new() is its own; it allocates once,
 * there, and never while decoding.
 */
#ifndef BS_INFLATE_H
#define BS_INFLATE_H

#include <stdbool.h>
#include <stddef.h>

/* What one call of run() ended with. */
enum bs_inflate_rc {
	BS_INFLATE_OK,		/* progress, or it needs input or room */
	BS_INFLATE_END,		/* the member ended, its trailer good */
	BS_INFLATE_FAULT	/* corrupt data; *why says how */
};

/*
 * The buffers of one call: run() consumes from in and writes to out,
 * advancing both pointers and lowering both lengths.  A call that changes
 * neither length and returns BS_INFLATE_OK needs more input than in_len.
 */
struct bs_inflate_io {
	const unsigned char *in;
	size_t in_len;
	unsigned char *out;
	size_t out_len;
};

struct bs_inflate_backend {
	const char *name;	/* "zlib", "isal" */
	/* A decoder, or NULL when out of memory. */
	void *(*new)(void);
	void (*free)(void *st);
	/*
	 * Start a member; the next input byte is its first (0x1f).  Returns
	 * false when the decoder cannot be restarted.
	 */
	bool (*reset)(void *st);
	/*
	 * Decode.  out_len is never 0.  After BS_INFLATE_FAULT, *why is a
	 * static string (zlib's wording) and the member is abandoned; every
	 * byte decoded before the fault has been written to out by then, so
	 * a fault is never reported while output is still held back.
	 */
	enum bs_inflate_rc (*run)(void *st, struct bs_inflate_io *io,
	    const char **why);
};

extern const struct bs_inflate_backend bs_inflate_zlib;
#ifdef BS_HAVE_ISAL
extern const struct bs_inflate_backend bs_inflate_isal;
#endif

#endif
