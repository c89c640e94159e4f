/*
 * inflate_isal.c - the ISA-L gzip decoder (Intel's igzip), about twice as
 * fast as zlib's inflate.  Built only with BS_HAVE_ISAL (the Makefile
 * defines it when pkg-config finds libisal).
 *
 * ISA-L decodes the deflate data and computes its CRC-32; this file reads
 * the gzip header and checks the trailer itself, for two reasons.  First,
 * isal_inflate's own gzip header parser (ISAL_GZIP) forgets the header's
 * flags when the header is split across calls (its flags live in a local
 * of isal_inflate), so a member whose name or extra field ends in a later
 * read would be misread.  Second, doing both here gives zlib's messages
 * ("incorrect data check", "incorrect length check", "unknown compression
 * method", ...) in zlib's order, so a report does not depend on the build.
 *
 * Faults need care.  ISA-L's fast loop moves its output pointer past a
 * length/distance pair before it checks the distance, so after an invalid
 * distance the last 3 to 258 bytes it reports were never written; and an
 * error in its internal output buffer (tmp_out_buffer) returns without
 * handing out what that buffer still holds.  Both would make the bytes
 * before a fault depend on buffer sizes.  So each call keeps a copy of the
 * decoder's state; after an error the call is replayed from that copy,
 * the last stretch of input one byte at a time (which keeps ISA-L in its
 * careful loop, which checks before it writes), and the internal buffer is
 * drained before the fault is reported.  The replay costs one extra call,
 * once per corrupt member; the copy costs about 50 KiB per call, which is
 * lost in decoding a read of several hundred KiB.
 *
 * Cuts need care too.  ISA-L's lookup tables hand out up to three literals
 * at once, and only when the bits of all of them are there: at the end of
 * a cut file it may hold back up to two literals zlib hands out.  For the
 * last block of a member it builds tables of single symbols instead when
 * less than 2 KiB of input is left as it reads the block's header, so what
 * a cut costs would depend on how the input was split into reads.  A call
 * that leaves the member inside its last block is therefore decoded again
 * from the copy, in pieces of 2 KiB until that block's tables are built:
 * the last block is always decoded one symbol at a time, and a cut inside
 * it gives exactly zlib's bytes.  A cut in an earlier block may still give
 * up to two bytes fewer than zlib, the same whatever the reads.
 */
#ifdef BS_HAVE_ISAL

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include "inflate.h"

/* gzip header flags (RFC 1952). */
#define GZ_FHCRC	0x02
#define GZ_FEXTRA	0x04
#define GZ_FNAME	0x08
#define GZ_FCOMMENT	0x10
#define GZ_FRESERVED	0xe0

/* Largest count handed to ISA-L at once: avail_in and avail_out are 32 bits. */
#define ISAL_CHUNK_MAX	0x40000000u

/*
 * ISA-L's fast loop runs only with at least this many input bytes (its
 * IN_BUFFER_SLOP); with fewer, a call cannot overshoot and needs no copy
 * of the state to replay.
 */
#define ISAL_FAST_MIN	8

/*
 * The replay after an error decodes at full speed up to this many bytes
 * before the place where the failed call stopped, then one byte at a
 * time.  The failing symbol starts well inside it: ISA-L holds at most 8
 * bytes of look-ahead, and a length/distance pair with its extra bits is
 * under 8 bytes more.
 */
#define REPLAY_TAIL	64

/* ISA-L's SINGLE_SYM_THRESH: see "Cuts need care" above. */
#define ISAL_SINGLE_SYM	2048

/* Where a member's decoding stands. */
enum phase {
	PH_FIXED,	/* the first 10 header bytes */
	PH_XLEN,	/* the length of the extra field */
	PH_EXTRA,	/* the extra field */
	PH_NAME,	/* the file name, up to its NUL */
	PH_COMMENT,	/* the comment, up to its NUL */
	PH_HCRC,	/* the header's own CRC */
	PH_BODY,	/* the deflate data */
	PH_TRAILER,	/* CRC-32 and length */
	PH_DRAIN,	/* handing out what ISA-L held before a fault */
	PH_DONE
};

struct isal_dec {
	struct inflate_state st;
	/* st as it was before the current call, up to snap_len bytes. */
	struct inflate_state snap;
	size_t snap_len;	/* 0: no copy, the call cannot overshoot */
	enum phase phase;
	unsigned char buf[10];	/* fixed header, XLEN, HCRC or trailer */
	size_t have;		/* bytes in buf */
	unsigned flags;		/* the header's FLG byte */
	unsigned long skip;	/* extra field bytes still to skip */
	uLong hcrc;		/* CRC-32 of the header so far */
	const char *fault;	/* reported once PH_DRAIN has emptied */
	bool last_single;	/* the last block's tables are single */
	bool deferred;		/* the caller checks the CRC-32 */
	bool check_given;	/* BS_INFLATE_CHECK returned for this member */
};

static void *
is_new(void)
{
	struct isal_dec *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	isal_inflate_init(&s->st);
	/* Raw deflate; ISA-L keeps the CRC-32 of the output in st.crc. */
	s->st.crc_flag = ISAL_GZIP_NO_HDR;
	s->phase = PH_FIXED;
	return s;
}

static void
is_free(void *p)
{
	free(p);
}

static bool
is_reset(void *p)
{
	struct isal_dec *s = p;

	/* The reset keeps crc_flag. */
	isal_inflate_reset(&s->st);
	s->phase = PH_FIXED;
	s->have = 0;
	s->flags = 0;
	s->skip = 0;
	s->hcrc = crc32(0L, Z_NULL, 0);
	s->fault = NULL;
	s->last_single = false;
	s->check_given = false;
	return true;
}

static void
is_defer(void *p, bool on)
{
	struct isal_dec *s = p;

	s->deferred = on;
	s->st.crc_flag = on ? ISAL_DEFLATE : ISAL_GZIP_NO_HDR;
}

static uint32_t
is_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
	return crc32_gzip_refl(crc, p, n);
}

/* Move up to want - have bytes of input into buf; true when it is full. */
static bool
take(struct isal_dec *s, struct bs_inflate_io *io, size_t want)
{
	size_t n = want - s->have;

	if (n > io->in_len)
		n = io->in_len;
	memcpy(s->buf + s->have, io->in, n);
	s->have += n;
	io->in += n;
	io->in_len -= n;
	return s->have == want;
}

/* The header phase that follows the one just finished. */
static enum phase
after(const struct isal_dec *s, enum phase done)
{
	if (done < PH_XLEN && (s->flags & GZ_FEXTRA))
		return PH_XLEN;
	if (done < PH_NAME && (s->flags & GZ_FNAME))
		return PH_NAME;
	if (done < PH_COMMENT && (s->flags & GZ_FCOMMENT))
		return PH_COMMENT;
	if (done < PH_HCRC && (s->flags & GZ_FHCRC))
		return PH_HCRC;
	return PH_BODY;
}

/*
 * Read the gzip header as zlib does, checking what zlib checks in the
 * order it checks it.  Returns 1 when the body starts, 0 when more input
 * is needed, -1 on a fault.
 */
static int
header(struct isal_dec *s, struct bs_inflate_io *io, const char **why)
{
	const unsigned char *start, *nul;
	size_t n;

	while (s->phase < PH_BODY) {
		start = io->in;
		switch (s->phase) {
		case PH_FIXED:
			/* Magic, method and flags are checked at 4 bytes. */
			if (s->have < 4) {
				if (!take(s, io, 4))
					goto need;
				if (s->buf[0] != 0x1f || s->buf[1] != 0x8b) {
					*why = "incorrect header check";
					return -1;
				}
				if (s->buf[2] != Z_DEFLATED) {
					*why = "unknown compression method";
					return -1;
				}
				s->flags = s->buf[3];
				if (s->flags & GZ_FRESERVED) {
					*why = "unknown header flags set";
					return -1;
				}
			}
			if (!take(s, io, 10))
				goto need;
			s->hcrc = crc32(s->hcrc, s->buf, 10);
			s->have = 0;
			start = io->in;
			s->phase = after(s, PH_FIXED);
			break;
		case PH_XLEN:
			if (!take(s, io, 2))
				goto need;
			s->hcrc = crc32(s->hcrc, s->buf, 2);
			s->skip = (unsigned long)s->buf[0] |
			    (unsigned long)s->buf[1] << 8;
			s->have = 0;
			start = io->in;
			s->phase = PH_EXTRA;
			break;
		case PH_EXTRA:
			n = s->skip < io->in_len ? s->skip : io->in_len;
			io->in += n;
			io->in_len -= n;
			s->skip -= n;
			if (s->skip > 0)
				goto need;
			s->phase = after(s, PH_EXTRA);
			break;
		case PH_NAME:
		case PH_COMMENT:
			nul = memchr(io->in, '\0', io->in_len);
			n = nul != NULL ? (size_t)(nul - io->in) + 1 :
			    io->in_len;
			io->in += n;
			io->in_len -= n;
			if (nul == NULL)
				goto need;
			s->phase = after(s, s->phase);
			break;
		case PH_HCRC:
			if (!take(s, io, 2))
				goto need;
			if (((unsigned)s->buf[0] | (unsigned)s->buf[1] << 8) !=
			    (s->hcrc & 0xffff)) {
				*why = "header crc mismatch";
				return -1;
			}
			s->have = 0;
			start = io->in;
			s->phase = PH_BODY;
			break;
		default:
			return 1;
		}
		/* The header CRC covers every byte before HCRC itself. */
		if (io->in > start)
			s->hcrc = crc32(s->hcrc, start,
			    (uInt)(io->in - start));
	}
	return 1;
need:
	if (s->phase != PH_FIXED && s->phase != PH_XLEN &&
	    s->phase != PH_HCRC && io->in > start)
		s->hcrc = crc32(s->hcrc, start, (uInt)(io->in - start));
	return 0;
}

/* Point st at the buffers of one call. */
static void
arm(struct inflate_state *st, const unsigned char *in, size_t in_len,
    unsigned char *out, size_t out_len)
{
	/* ISA-L does not write through next_in; its type lacks const. */
	st->next_in = (uint8_t *)(uintptr_t)in;
	st->avail_in = (uint32_t)in_len;
	st->next_out = out;
	st->avail_out = (uint32_t)out_len;
}

/*
 * After an error: decode the failed call again from the saved state, the
 * last REPLAY_TAIL bytes of its input one at a time, so that the output
 * stops exactly before the bad symbol.  Returns ISA-L's verdict on the
 * replay (an error, normally the same one).
 */
static int
replay(struct isal_dec *s, const unsigned char *in, size_t in_len,
    unsigned char *out, size_t out_len, size_t stopped)
{
	struct inflate_state *st = &s->st;
	size_t fast = stopped > REPLAY_TAIL ? stopped - REPLAY_TAIL : 0, i;
	int ret;

	memcpy(st, &s->snap, s->snap_len);
	arm(st, in, fast, out, out_len);
	ret = isal_inflate(st);
	if (ret < 0 || st->avail_in != 0) {
		/* Not before the tail after all: all of it carefully. */
		memcpy(st, &s->snap, s->snap_len);
		arm(st, in, 0, out, out_len);
		fast = 0;
	}
	for (i = fast; i < in_len; i++) {
		st->next_in = (uint8_t *)(uintptr_t)(in + i);
		st->avail_in = 1;
		ret = isal_inflate(st);
		if (ret < 0 || st->block_state == ISAL_BLOCK_FINISH ||
		    st->avail_in != 0)
			return ret;
	}
	return ret;
}

/* Whether ISA-L is inside the last block, its tables built. */
static bool
in_last_block(const struct inflate_state *st)
{
	return st->bfinal && (st->block_state == ISAL_BLOCK_CODED ||
	    st->block_state == ISAL_BLOCK_TYPE0 ||
	    st->block_state == ISAL_BLOCK_INPUT_DONE ||
	    st->block_state == ISAL_BLOCK_FINISH);
}

/*
 * Decode the call again from the saved state, the input in pieces of
 * ISAL_SINGLE_SYM bytes until the last block's header has been read, so
 * that its tables hold single symbols.  Returns ISA-L's verdict.
 */
static int
redo_last(struct isal_dec *s, const unsigned char *in, size_t in_len,
    unsigned char *out, size_t out_len)
{
	struct inflate_state *st = &s->st;
	size_t done = 0, piece;
	int ret = 0;

	memcpy(st, &s->snap, s->snap_len);
	arm(st, in, 0, out, out_len);
	while (done < in_len) {
		piece = in_len - done;
		if (!in_last_block(st) && piece > ISAL_SINGLE_SYM)
			piece = ISAL_SINGLE_SYM;
		st->next_in = (uint8_t *)(uintptr_t)(in + done);
		st->avail_in = (uint32_t)piece;
		ret = isal_inflate(st);
		done += piece - st->avail_in;
		if (ret < 0 || st->avail_in != 0 || st->avail_out == 0 ||
		    st->block_state == ISAL_BLOCK_FINISH)
			break;
	}
	return ret;
}

static const char *
isal_why(int ret)
{
	switch (ret) {
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance too far back";
	case ISAL_INVALID_SYMBOL:
		return "invalid code";
	case ISAL_INVALID_BLOCK:
		return "invalid block";
	default:
		return "ISA-L error";
	}
}

/*
 * Hot: one isal_inflate call over as much of the input and output as
 * there is.  Moves to PH_TRAILER at the member's end, PH_DRAIN on a fault.
 */
static void
body(struct isal_dec *s, struct bs_inflate_io *io)
{
	struct inflate_state *st = &s->st;
	size_t in_len = io->in_len > ISAL_CHUNK_MAX ? ISAL_CHUNK_MAX :
	    io->in_len;
	size_t out_len = io->out_len > ISAL_CHUNK_MAX ? ISAL_CHUNK_MAX :
	    io->out_len;
	size_t used, made, k;
	uint64_t bits;
	int ret;

	/* The state's tables and live history: what a replay needs. */
	s->snap_len = 0;
	if (in_len >= ISAL_FAST_MIN) {
		s->snap_len = offsetof(struct inflate_state, tmp_out_buffer) +
		    (size_t)st->tmp_out_valid;
		memcpy(&s->snap, st, s->snap_len);
	}
	arm(st, io->in, in_len, io->out, out_len);
	ret = isal_inflate(st);
	if (ret >= 0 && !s->last_single && st->bfinal &&
	    st->block_state == ISAL_BLOCK_CODED) {
		/* Short input read the header with single tables anyway. */
		if (s->snap_len > 0)
			ret = redo_last(s, io->in, in_len, io->out, out_len);
		s->last_single = in_last_block(st);
	}
	if (ret < 0 && s->snap_len > 0)
		ret = replay(s, io->in, in_len, io->out, out_len,
		    (size_t)(st->next_in - io->in));
	used = (size_t)(st->next_in - io->in);
	made = (size_t)(st->next_out - io->out);
	io->in += used;
	io->in_len -= used;
	io->out += made;
	io->out_len -= made;
	if (ret < 0) {
		s->fault = isal_why(ret);
		s->phase = PH_DRAIN;
		return;
	}
	if (st->block_state != ISAL_BLOCK_FINISH)
		return;
	/*
	 * The deflate data ended.  ISA-L may have read up to 8 bytes past
	 * it into its bit buffer: they are the trailer's first bytes.  The
	 * bits left of the last deflate byte are padding.
	 */
	bits = st->read_in >> (st->read_in_length % 8);
	k = (size_t)st->read_in_length / 8;
	for (s->have = 0; s->have < k && s->have < 8; s->have++, bits >>= 8)
		s->buf[s->have] = (unsigned char)(bits & 0xff);
	st->read_in = 0;
	st->read_in_length = 0;
	s->phase = PH_TRAILER;
}

/* Hand out what ISA-L decoded before the fault but still holds. */
static bool
drained(struct isal_dec *s, struct bs_inflate_io *io)
{
	struct inflate_state *st = &s->st;
	size_t left = (size_t)(st->tmp_out_valid - st->tmp_out_processed);

	if (left > io->out_len)
		left = io->out_len;
	memcpy(io->out, st->tmp_out_buffer + st->tmp_out_processed, left);
	st->tmp_out_processed += (int32_t)left;
	io->out += left;
	io->out_len -= left;
	return st->tmp_out_processed == st->tmp_out_valid;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static enum bs_inflate_rc
is_run(void *p, struct bs_inflate_io *io, const char **why)
{
	struct isal_dec *s = p;

	for (;;) {
		switch (s->phase) {
		case PH_BODY:
			if (io->out_len == 0)
				return BS_INFLATE_OK;
			body(s, io);
			if (s->phase == PH_BODY)
				return BS_INFLATE_OK;
			break;
		case PH_TRAILER:
			/* As zlib: the CRC is checked before the length. */
			if (s->have < 4 && !take(s, io, 4))
				return BS_INFLATE_OK;
			if (s->deferred && !s->check_given) {
				s->check_given = true;
				io->crc = le32(s->buf);
				return BS_INFLATE_CHECK;
			}
			if (!s->deferred && le32(s->buf) != s->st.crc) {
				*why = BS_INFLATE_BAD_CHECK;
				return BS_INFLATE_FAULT;
			}
			if (!take(s, io, 8))
				return BS_INFLATE_OK;
			/* ISIZE is the length modulo 2^32, as total_out. */
			if (le32(s->buf + 4) != s->st.total_out) {
				*why = "incorrect length check";
				return BS_INFLATE_FAULT;
			}
			s->phase = PH_DONE;
			return BS_INFLATE_END;
		case PH_DRAIN:
			if (!drained(s, io))
				return BS_INFLATE_OK;
			*why = s->fault;
			return BS_INFLATE_FAULT;
		case PH_DONE:
			return BS_INFLATE_END;
		default:
			switch (header(s, io, why)) {
			case -1:
				return BS_INFLATE_FAULT;
			case 0:
				return BS_INFLATE_OK;
			default:
				break;
			}
		}
	}
}

const struct bs_inflate_backend bs_inflate_isal = {
	.name = "isal",
	.new = is_new,
	.free = is_free,
	.reset = is_reset,
	.run = is_run,
	.defer = is_defer,
	.crc32 = is_crc32
};

#else

/* ISO C wants at least one declaration in a translation unit. */
typedef int bs_inflate_isal_absent;

#endif
