/*
 * source_utf16.c - UTF-16 text of another source, handed out as UTF-8.
 *
 * Windows tools write UTF-16 (PowerShell's Out-File and Export-Csv in
 * Windows PowerShell, Exchange exports): little-endian with a byte-order
 * mark, as a rule.  The kind is recognised by bs_source_data from the
 * first bytes: a byte-order mark (FF FE, FE FF), or four ASCII units in
 * a row.  Every unit becomes its UTF-8 bytes (CR and LF among them, so the
 * splitter finds the lines as in any text); a surrogate pair becomes one
 * 4-byte sequence, an unpaired surrogate U+FFFD, as does an odd byte at
 * the end (a cut file).  The byte-order mark itself is dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "source.h"

struct utf16_source {
	struct bs_source base;
	struct bs_source *in;	/* the UTF-16 bytes */
	bool be;		/* big-endian */
	bool raw_eof;
	unsigned char *raw;	/* BS_READ_CHUNK bytes */
	size_t raw_pos, raw_len;
	unsigned char pend[4];	/* a character that did not fit */
	size_t pend_pos, pend_len;
};

/* Read more raw bytes after the unread ones.  Returns as a read does. */
static ssize_t
fill_raw(struct utf16_source *u, struct bs_diag *d)
{
	size_t keep = u->raw_len - u->raw_pos;
	ssize_t r;

	if (keep > 0 && u->raw_pos > 0)
		memmove(u->raw, u->raw + u->raw_pos, keep);
	u->raw_pos = 0;
	u->raw_len = keep;
	r = bs_source_read(u->in, (char *)u->raw + keep,
	    BS_READ_CHUNK - keep, d);
	if (r == 0)
		u->raw_eof = true;
	else if (r > 0)
		u->raw_len += (size_t)r;
	return r;
}

/* The UTF-8 bytes of the code point c into p; returns how many. */
static size_t
put_utf8(unsigned char *p, unsigned c)
{
	if (c < 0x80) {
		p[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		p[0] = (unsigned char)(0xc0 | c >> 6);
		p[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		p[0] = (unsigned char)(0xe0 | c >> 12);
		p[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		p[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	p[0] = (unsigned char)(0xf0 | c >> 18);
	p[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
	p[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
	p[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * Transcode the raw bytes at raw_pos into out (n bytes).  Stops when out
 * is full, or when the raw bytes left are less than a character (kept for
 * the next call, unless at the end).  Returns the bytes written.
 */
static size_t
transcode(struct utf16_source *u, unsigned char *out, size_t n)
{
	const unsigned char *p = u->raw + u->raw_pos;
	const unsigned char *end = u->raw + u->raw_len;
	int hi = u->be ? 0 : 1, lo = u->be ? 1 : 0;
	size_t k = 0;

	while (k < n && end - p >= 2) {
		unsigned c = (unsigned)p[hi] << 8 | p[lo], c2;
		unsigned char tmp[4];
		size_t len;

		/* Hot: ASCII, one byte. */
		if (c < 0x80) {
			out[k++] = (unsigned char)c;
			p += 2;
			continue;
		}
		len = 2;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (end - p < 4 && !u->raw_eof)
				break;	/* the low half is still to come */
			c2 = end - p >= 4 ?
			    ((unsigned)p[2 + hi] << 8 | p[2 + lo]) : 0;
			if (c2 >= 0xdc00 && c2 <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (c2 - 0xdc00);
				len = 4;
			} else
				c = 0xfffd;
		} else if (c >= 0xdc00 && c <= 0xdfff)
			c = 0xfffd;
		p += len;
		len = put_utf8(tmp, c);
		if (n - k >= len) {
			memcpy(out + k, tmp, len);
			k += len;
		} else {
			/* Hand out what fits, the rest on the next read. */
			memcpy(u->pend, tmp, len);
			u->pend_len = len;
			u->pend_pos = n - k;
			memcpy(out + k, tmp, n - k);
			k = n;
		}
	}
	/* An odd byte at the very end: a cut character. */
	if (k < n && end - p == 1 && u->raw_eof) {
		unsigned char tmp[3];
		size_t len = put_utf8(tmp, 0xfffd), m = n - k < len ?
		    n - k : len;

		memcpy(out + k, tmp, m);
		if (m < len) {
			memcpy(u->pend, tmp, len);
			u->pend_len = len;
			u->pend_pos = m;
		}
		k += m;
		p++;
	}
	u->raw_pos = (size_t)(p - u->raw);
	return k;
}

/* Hot. */
static ssize_t
utf16_read(struct bs_source *s, char *buf, size_t n, struct bs_diag *d)
{
	struct utf16_source *u = (struct utf16_source *)s;
	unsigned char *out = (unsigned char *)buf;
	size_t k = 0;

	if (u->pend_pos < u->pend_len) {
		k = u->pend_len - u->pend_pos;
		if (k > n)
			k = n;
		memcpy(out, u->pend + u->pend_pos, k);
		u->pend_pos += k;
		return (ssize_t)k;
	}
	for (;;) {
		ssize_t r;

		k = transcode(u, out, n);
		if (k > 0)
			return (ssize_t)k;
		if (u->raw_eof)
			return 0;
		r = fill_raw(u, d);
		if (r < 0)
			return r;
	}
}

static unsigned long long
utf16_offset(const struct bs_source *s)
{
	const struct utf16_source *u = (const struct utf16_source *)s;

	return bs_source_raw_offset(u->in) - (u->raw_len - u->raw_pos);
}

static void
utf16_wake_on(struct bs_source *s, int fd)
{
	struct utf16_source *u = (struct utf16_source *)s;

	if (u->in->ops->wake_on != NULL)
		u->in->ops->wake_on(u->in, fd);
}

static void
utf16_close(struct bs_source *s)
{
	struct utf16_source *u = (struct utf16_source *)s;

	bs_source_close(u->in);
	free(u->raw);
	free(u);
}

static const struct bs_source_ops utf16_ops = {
	.read = utf16_read,
	.offset = utf16_offset,
	.wake_on = utf16_wake_on,
	.close = utf16_close,
};

bs_status
bs_source_utf16(struct bs_source *in, struct bs_source **out,
    struct bs_diag *d)
{
	struct utf16_source *u;
	const unsigned char *p;
	enum bs_data kind;
	ssize_t n;

	*out = NULL;
	n = bs_source_peek(in, BS_SOURCE_PEEK_MAX, &p, d);
	if (n < 0 && in->decoded) {
		/* Its first read fails again, where lines are counted. */
		*out = in;
		return BS_OK;
	}
	if (n < 0) {
		bs_source_close(in);
		return BS_ERR_IO;
	}
	kind = bs_source_data(p, (size_t)n);
	if (kind == BS_DATA_UTF32) {
		bs_diag_set(d, BS_ERR_FORMAT, in->name, 0, "%s",
		    "UTF-32 text, which bouncestat does not read (convert it "
		    "to UTF-8)");
		bs_source_close(in);
		return BS_ERR_FORMAT;
	}
	if (kind != BS_DATA_UTF16LE && kind != BS_DATA_UTF16BE) {
		*out = in;
		return BS_OK;
	}
	u = calloc(1, sizeof(*u));
	if (u == NULL || (u->raw = malloc(BS_READ_CHUNK)) == NULL) {
		free(u);
		bs_source_close(in);
		return bs_diag_set(d, BS_ERR_NOMEM, in->name, 0,
		    "out of memory");
	}
	u->base = *in;
	u->base.ops = &utf16_ops;
	u->base.decoded = true;
	u->base.done = false;
	u->base.head_len = 0;
	u->in = in;
	u->be = kind == BS_DATA_UTF16BE;
	/* Drop the byte-order mark, which the peeked bytes still hold. */
	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
	    (p[0] == 0xfe && p[1] == 0xff)))
		u->raw_pos = 2;
	if (u->raw_pos > 0 && bs_source_read(in, (char *)u->raw, 2, d) != 2) {
		utf16_close(&u->base);
		return BS_ERR_IO;
	}
	u->raw_pos = u->raw_len = 0;
	*out = &u->base;
	return BS_OK;
}
