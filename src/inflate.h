/*
 * inflate.h - the gzip decoders behind source_gzip.c: zlib, and ISA-L
 * where the build found it (BS_HAVE_ISAL).  Internal to the sources.
 *
 * A backend decodes one gzip member at a time, header and trailer
 * included, and checks the trailer (CRC-32 and length).  source_gzip.c
 * owns everything around the members: reading the bytes, finding where the
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
#include <stdint.h>

/* What one call of run() ended with. */
enum bs_inflate_rc {
	BS_INFLATE_OK,		/* progress, or it needs input or room */
	BS_INFLATE_END,		/* the member ended, its trailer good */
	BS_INFLATE_FAULT,	/* corrupt data; *why says how */
	BS_INFLATE_CHECK	/* deferred: the member's CRC-32 is in io->crc */
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
	uint32_t crc;		/* with BS_INFLATE_CHECK */
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
	/*
	 * Optional (NULL: the backend always checks the CRC-32 itself).
	 * defer(st, true), before the first member, hands the CRC-32 check
	 * to the caller, so that another thread can do it: run() then
	 * computes none, and where a member's trailer gives its CRC-32, run()
	 * returns BS_INFLATE_CHECK with it in io->crc, before it checks the
	 * length; the caller compares it with crc32() of the bytes decoded
	 * since the member started, and reports a mismatch as zlib would,
	 * "incorrect data check", after those bytes and before any other.
	 * The next run() goes on with the length.
	 */
	void (*defer)(void *st, bool on);
	uint32_t (*crc32)(uint32_t crc, const unsigned char *p, size_t n);
};

/* zlib's message for a member whose CRC-32 does not match its data. */
#define BS_INFLATE_BAD_CHECK	"incorrect data check"

extern const struct bs_inflate_backend bs_inflate_zlib;
#ifdef BS_HAVE_ISAL
extern const struct bs_inflate_backend bs_inflate_isal;
#endif

#endif
