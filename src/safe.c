/*
 * safe.c - escaping text from logs for terminals, JSON, CSV, Prometheus
 * labels and HTML.
 *
 * Both writers walk the bytes as UTF-8 and decide per sequence: a valid,
 * printable sequence passes, anything else is replaced.  Decoding is
 * strict (no overlongs, no surrogates, nothing above U+10FFFF), so what
 * comes out is always valid UTF-8.
 */
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "safe.h"

/*
 * Length of the valid UTF-8 sequence at s (1..4) with its code point in
 * *cp, or 0 if the bytes there are not valid UTF-8.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/*
 * Code points that could steer a terminal or hide text: C0 and C1
 * controls, DEL, and the bidirectional overrides and isolates that can
 * make a line read differently from what it is.
 */
static int
term_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t
bs_safe_term(char *dst, size_t dstsz, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, len;
	uint32_t cp;

	if (dstsz == 0)
		return 0;
	while (i < n) {
		len = utf8_seq(s + i, n - i, &cp);
		if (len == 0 || term_unsafe(cp)) {
			/* Escape every byte of the offending sequence. */
			size_t k, cnt = len == 0 ? 1 : len;

			if (o + 4 * cnt >= dstsz)
				break;
			for (k = 0; k < cnt; k++) {
				dst[o++] = '\\';
				dst[o++] = 'x';
				dst[o++] = hex[s[i + k] >> 4];
				dst[o++] = hex[s[i + k] & 0xf];
			}
			i += cnt;
			continue;
		}
		if (o + len >= dstsz)
			break;
		memcpy(dst + o, s + i, len);
		o += len;
		i += len;
	}
	dst[o] = '\0';
	return o;
}

/*
 * How many bytes from s[0..n) on need no escaping in JSON: printable
 * ASCII other than '"' and '\\'.  Sixteen at a time where SSE2 is there
 * (hot: the events writer's strings).
 */
static size_t
plain_run(const unsigned char *s, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i lo = _mm_set1_epi8(0x1f), q = _mm_set1_epi8('"');
	const __m128i bs = _mm_set1_epi8('\\'), del = _mm_set1_epi8(0x7f);

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const void *)(s + i));
		/* Signed: bytes >= 0x80 are negative, so <= 0x1f too. */
		__m128i bad = _mm_or_si128(
		    _mm_or_si128(_mm_cmpgt_epi8(lo, v) ,
		    _mm_cmpeq_epi8(v, lo)),
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q),
		    _mm_cmpeq_epi8(v, bs)), _mm_cmpeq_epi8(v, del)));
		int m = _mm_movemask_epi8(bad);

		if (m != 0)
			return i + (size_t)__builtin_ctz((unsigned)m);
	}
#endif
	while (i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' &&
	    s[i] != '\\')
		i++;
	return i;
}

size_t
bs_safe_json_to(char *dst, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, len;
	uint32_t cp;

	dst[o++] = '"';
	while (i < n) {
		size_t run = i + plain_run(s + i, n - i);

		/* Plain printable ASCII is copied in one piece. */
		if (run > i) {
			memcpy(dst + o, s + i, run - i);
			o += run - i;
			i = run;
			continue;
		}
		len = utf8_seq(s + i, n - i, &cp);
		if (len == 0) {
			memcpy(dst + o, "\\ufffd", 6);
			o += 6;
			i++;
			continue;
		}
		dst[o] = '\\';
		switch (cp) {
		case '"':
		case '\\':
			dst[o + 1] = (char)cp;
			o += 2;
			break;
		case '\n':
			dst[o + 1] = 'n';
			o += 2;
			break;
		case '\r':
			dst[o + 1] = 'r';
			o += 2;
			break;
		case '\t':
			dst[o + 1] = 't';
			o += 2;
			break;
		default:
			/*
			 * Controls are escaped even where JSON would allow
			 * them raw (DEL, C1, bidi), so that a JSON file
			 * shown on a terminal stays harmless too.
			 */
			if (term_unsafe(cp)) {
				dst[o + 1] = 'u';
				dst[o + 2] = hex[(cp >> 12) & 0xf];
				dst[o + 3] = hex[(cp >> 8) & 0xf];
				dst[o + 4] = hex[(cp >> 4) & 0xf];
				dst[o + 5] = hex[cp & 0xf];
				o += 6;
			} else {
				memcpy(dst + o, s + i, len);
				o += len;
			}
		}
		i += len;
	}
	dst[o++] = '"';
	return o;
}

void
bs_safe_json(FILE *out, const char *src, size_t n)
{
	char buf[BS_SAFE_JSON_ROOM(1024)];
	size_t i = 0;

	/*
	 * In pieces that end before a byte that can start a UTF-8 sequence,
	 * so that no valid sequence is cut (an invalid one is replaced a
	 * byte at a time either way); the quotes of the pieces but the
	 * outer two are dropped.
	 */
	putc('"', out);
	while (i < n) {
		size_t m = n - i > 1024 ? 1024 : n - i, w;

		while (i + m < n && m > 1 &&
		    ((unsigned char)src[i + m] & 0xc0) == 0x80)
			m--;
		w = bs_safe_json_to(buf, src + i, m);
		fwrite(buf + 1, 1, w - 2, out);
		i += m;
	}
	putc('"', out);
}

void
bs_safe_json_or_null(FILE *out, const char *s)
{
	if (s == NULL || *s == '\0')
		fputs("null", out);
	else
		bs_safe_json(out, s, strlen(s));
}

void
bs_safe_csv(FILE *out, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, len;
	uint32_t cp;

	/*
	 * Always quoted: simpler than deciding, and still RFC 4180.  A cell
	 * that opens like a formula is defused with an apostrophe, which
	 * spreadsheets show as text and do not evaluate.
	 */
	putc('"', out);
	if (n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' ||
	    s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
		putc('\'', out);
	while (i < n) {
		len = utf8_seq(s + i, n - i, &cp);
		if (len == 0) {
			fputs("\xef\xbf\xbd", out);	/* U+FFFD */
			i++;
			continue;
		}
		if (cp == '"')
			fputs("\"\"", out);
		else if (term_unsafe(cp))
			putc(' ', out);
		else
			fwrite(s + i, 1, len, out);
		i += len;
	}
	putc('"', out);
}

void
bs_safe_prom_label(FILE *out, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, len;
	uint32_t cp;

	putc('"', out);
	while (i < n) {
		len = utf8_seq(s + i, n - i, &cp);
		if (len == 0) {
			fputs("\xef\xbf\xbd", out);
			i++;
			continue;
		}
		if (cp == '\\')
			fputs("\\\\", out);
		else if (cp == '"')
			fputs("\\\"", out);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (term_unsafe(cp))
			putc(' ', out);
		else
			fwrite(s + i, 1, len, out);
		i += len;
	}
	putc('"', out);
}

void
bs_safe_html(FILE *out, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = utf8_seq(s + i, n - i, &cp);
		if (len == 0) {
			fputs("\xef\xbf\xbd", out);	/* U+FFFD */
			i++;
			continue;
		}
		switch (cp) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if (term_unsafe(cp))
				putc(' ', out);
			else
				fwrite(s + i, 1, len, out);
		}
		i += len;
	}
}
