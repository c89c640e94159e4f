/*
 * normalize.c - reply texts with their varying parts made placeholders,
 * so that --detail groups "550 5.1.1 <ann@example.org>: user unknown"
 * and "550 5.1.1 <bob@example.org>: user unknown" as one text.
 *
 * The text is read as tokens of letters, digits and "._+@" with the bytes
 * between them kept as they are.  A token becomes:
 *   - "<addr>" or "addr" when it holds an '@' (an address, with or
 *     without its angle brackets, which stay);
 *   - "IP" when it is a dotted quad, "[IP]" an IPv6 address in brackets;
 *   - itself when it is a reply code ("550", "5.7.1", "4.7.606") or
 *     holds no digit;
 *   - "ID" when it mixes digits and letters and is 6 bytes or longer
 *     (queue ids, message ids, Gmail's tracking tokens, host names with
 *     numbers in them); shorter ones ("S3150", "mx1") stay;
 *   - otherwise its digits become one "N" per run ("port 25" -> "port
 *     N", "1.5 MB" -> "N.N MB", dates and times likewise).
 * bs_normalize_hosts also makes host names "host" and keeps a DNS list's
 * zone behind a reversed address (see normalize.h); the rules above
 * stay, so both group the same texts alike where no host is named.
 */
#include <stdbool.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "normalize.h"

/*
 * What each byte is, for the token loop: a token byte (letters, digits,
 * "._+@", bytes past ASCII), and which of digit, letter (past ASCII
 * counts as one) and '@' it is.  One look-up a byte instead of a chain
 * of compares: the server's warnings are normalised on the hot path.
 */
enum { C_TOK = 1, C_DIGIT = 2, C_ALPHA = 4, C_AT = 8, C_HOST = 16 };

#define R10(x)	x, x, x, x, x, x, x, x, x, x
#define R16(x)	x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
#define LETTERS(x) R10(x), R10(x), x, x, x, x, x, x
static const unsigned char cls[256] = {
	['+'] = C_TOK, ['-'] = C_HOST, ['.'] = C_TOK | C_HOST,
	['0'] = R10(C_TOK | C_DIGIT | C_HOST),
	['@'] = C_TOK | C_AT,
	['A'] = LETTERS(C_TOK | C_ALPHA | C_HOST),
	['_'] = C_TOK | C_HOST,
	['a'] = LETTERS(C_TOK | C_ALPHA | C_HOST),
	[0x80] = R16(C_TOK | C_ALPHA), R16(C_TOK | C_ALPHA),
	R16(C_TOK | C_ALPHA), R16(C_TOK | C_ALPHA), R16(C_TOK | C_ALPHA),
	R16(C_TOK | C_ALPHA), R16(C_TOK | C_ALPHA), R16(C_TOK | C_ALPHA),
};
#undef R10
#undef R16
#undef LETTERS

static inline bool
is_tok(unsigned char c)
{
	return (cls[c] & C_TOK) != 0;
}

static inline bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "550" or "5.7.1" / "4.7.606": a basic or enhanced reply code. */
static bool
is_code(const char *s, size_t n)
{
	size_t i, parts = 1, run = 0;

	if (n == 3 && s[0] >= '2' && s[0] <= '5' && digit(s[1]) && digit(s[2]))
		return true;
	if (n < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') ||
	    s[1] != '.')
		return false;
	for (i = 2; i < n; i++) {
		if (digit(s[i])) {
			if (++run > 3)
				return false;
		} else if (s[i] == '.' && run > 0) {
			parts++;
			run = 0;
		} else {
			return false;
		}
	}
	return parts == 2 && run > 0;
}

static bool
is_quad(const char *s, size_t n)
{
	size_t i, dots = 0, run = 0;

	for (i = 0; i < n; i++) {
		if (digit(s[i])) {
			if (++run > 3)
				return false;
		} else if (s[i] == '.' && run > 0) {
			dots++;
			run = 0;
		} else {
			return false;
		}
	}
	return dots == 3 && run > 0;
}

/*
 * Append s[0..n) to out, within cap; returns the new length.  A loop,
 * not memcpy: tokens are short, and a call per token costs more.
 */
static inline size_t
put(char *out, size_t len, size_t cap, const char *s, size_t n)
{
	size_t i;

	if (len + n > cap)
		n = cap - len;
	for (i = 0; i < n; i++)
		out[len + i] = s[i];
	return len + n;
}

/*
 * The length of the reversed IPv4 address and its dot that open s[0..n)
 * when a name with a letter follows ("4.3.2.1.zen.example.org"), or 0.
 */
static size_t
reversed_quad(const char *s, size_t n)
{
	size_t i, dots = 0, run = 0;

	for (i = 0; i < n && dots < 4; i++) {
		if (digit(s[i])) {
			if (++run > 3)
				return 0;
		} else if (s[i] == '.' && run > 0) {
			dots++;
			run = 0;
		} else {
			return 0;
		}
	}
	if (dots < 4 || i >= n)
		return 0;
	for (run = i; run < n; run++)
		if ((s[run] | 0x20) >= 'a' && (s[run] | 0x20) <= 'z')
			return i;
	return 0;
}

/* Whether out[0..len) ends in the word "hostname " (hosts mode). */
static bool
after_hostname(const char *out, size_t len)
{
	return len >= 9 && memcmp(out + len - 9, "hostname ", 9) == 0 &&
	    (len == 9 || !is_tok((unsigned char)out[len - 10]));
}

/*
 * One unit of the text from s[i], which starts one: a byte between
 * tokens, an IPv6 address in brackets, or a token (a host name in hosts
 * mode runs on over '-').  Appends what it becomes to out; returns where
 * the next unit starts.
 */
static size_t
unit(const char *s, size_t n, size_t i, char *out, size_t *lenp, size_t cap,
    bool hosts)
{
	size_t j = i, k, len = *lenp;
	bool has_digit, has_alpha, has_at;

	if (!is_tok((unsigned char)s[i])) {
		/* An IPv6 address in brackets: "[2001:db8::1]". */
		if (s[i] == '[') {
			for (k = i + 1; k < n && k < i + 48 &&
			    (digit(s[k]) || s[k] == ':' || s[k] == '.' ||
			    (s[k] >= 'a' && s[k] <= 'f') ||
			    (s[k] >= 'A' && s[k] <= 'F')); k++)
				;
			if (k < n && s[k] == ']' &&
			    memchr(s + i, ':', k - i) != NULL) {
				*lenp = put(out, len, cap, "[IP]", 4);
				return k + 1;
			}
		}
		out[len++] = s[i++];
		*lenp = len;
		return i;
	}
	{
		unsigned f = 0, c;

		while (j < n && ((c = cls[(unsigned char)s[j]]) & C_TOK)) {
			f |= c;
			j++;
		}
		has_digit = (f & C_DIGIT) != 0;
		has_alpha = (f & C_ALPHA) != 0;
		has_at = (f & C_AT) != 0;
	}
	/* A token does not end in a dot: "user unknown." */
	while (j > i + 1 && s[j - 1] == '.')
		j--;
	if (hosts && !has_at && j < n &&
	    (s[j] == '[' || s[j] == '-' || (len >= 9 &&
	    out[len - 1] == ' ' && after_hostname(out, len)))) {
		/* A host name runs on over '-': "mail-ej1.example.com". */
		for (k = j; k < n && (cls[(unsigned char)s[k]] & C_HOST); k++)
			;
		while (k > i + 1 && s[k - 1] == '.')
			k--;
		if ((k < n && s[k] == '[') || after_hostname(out, len)) {
			*lenp = put(out, len, cap, "host", 4);
			return k;
		}
	}
	if (hosts && has_digit && has_alpha &&
	    (k = reversed_quad(s + i, j - i)) > 0) {
		*lenp = put(out, len, cap, "IP.", 3);
		return i + k;
	}
	if (has_at)
		len = put(out, len, cap, "addr", 4);
	else if (!has_digit || is_code(s + i, j - i))
		len = put(out, len, cap, s + i, j - i);
	else if (is_quad(s + i, j - i))
		len = put(out, len, cap, "IP", 2);
	else if (has_alpha && j - i >= 6)
		len = put(out, len, cap, "ID", 2);
	else if (has_alpha)	/* "S3150", "mx1": names, not counts */
		len = put(out, len, cap, s + i, j - i);
	else {
		for (k = i; k < j && len < cap; k++) {
			if (!digit(s[k]))
				out[len++] = s[k];
			else if (k == i || !digit(s[k - 1]))
				out[len++] = 'N';
		}
	}
	*lenp = len;
	return j;
}

/*
 * The first byte of s[i..n) that can make a unit other than itself: a
 * digit, '@', '[' or '-' (a token before '[' or '-' may be a host
 * name).  Every token without one, not followed by one, is copied as it
 * is, and so is every byte between tokens but '['.
 */
static size_t
next_mark(const char *s, size_t n, size_t i)
{
#ifdef __SSE2__
	const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9),
		      at = _mm_set1_epi8('@'), br = _mm_set1_epi8('['),
		      dash = _mm_set1_epi8('-');

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const void *)(s + i));
		__m128i d = _mm_sub_epi8(v, zero);
		__m128i m = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
		unsigned bits;

		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, at));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, br));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, dash));
		bits = (unsigned)_mm_movemask_epi8(m);
		if (bits != 0)
			return i + (size_t)__builtin_ctz(bits);
	}
#endif
	for (; i < n; i++)
		if (digit(s[i]) || s[i] == '@' || s[i] == '[' || s[i] == '-')
			return i;
	return n;
}

/* Whether the word "hostname " starts at p, s being the text's start. */
static inline bool
hostname_at(const char *s, const char *p)
{
	return memcmp(p, "hostname ", 9) == 0 &&
	    (p == s || !is_tok((unsigned char)p[-1]));
}

/*
 * Where the word after the next "hostname " at or past s[i] starts (hosts
 * mode makes it "host"), or n.
 */
static size_t
next_hostname(const char *s, size_t n, size_t i)
{
	const char *p;

#ifdef __SSE2__
	/* 'h', 'n' and ' ' where "hostname " has them, 16 places at a time. */
	const __m128i h = _mm_set1_epi8('h'), nn = _mm_set1_epi8('n'),
		      sp = _mm_set1_epi8(' ');

	for (; i + 24 <= n; i += 16) {
		__m128i m = _mm_and_si128(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const void *)(s + i)), h),
		    _mm_cmpeq_epi8(_mm_loadu_si128((const void *)(s + i + 4)),
			nn));
		unsigned bits;

		m = _mm_and_si128(m,
		    _mm_cmpeq_epi8(_mm_loadu_si128((const void *)(s + i + 8)),
			sp));
		for (bits = (unsigned)_mm_movemask_epi8(m); bits != 0;
		     bits &= bits - 1) {
			p = s + i + __builtin_ctz(bits);
			if (hostname_at(s, p))
				return (size_t)(p - s) + 9;
		}
	}
#endif
	for (; i + 9 <= n; i++) {
		p = s + i;
		if (p[0] == 'h' && hostname_at(s, p))
			return i + 9;
	}
	return n;
}

/*
 * Most of a text is words that stay as they are: they are copied in runs
 * up to the token holding (or followed by) the next mark, and only the
 * units from there are read one at a time.  unit() alone gives the same
 * text (tests/check_normalize.c holds the two side by side).
 */
static size_t
normalize(const char *s, size_t n, char *out, size_t cap, bool hosts)
{
	size_t i = 0, len = 0, mark = next_mark(s, n, 0);
	size_t host = hosts ? next_hostname(s, n, 0) : n;

	while (i < n && len < cap) {
		size_t t, run;

		if (mark < i)
			mark = next_mark(s, n, i);
		if (host < i)
			host = next_hostname(s, n, i);
		/* The token the mark is in, or that it follows. */
		t = mark < host ? mark : host;
		while (t > i && t < n && is_tok((unsigned char)s[t - 1]))
			t--;
		run = t - i < cap - len ? t - i : cap - len;
		memcpy(out + len, s + i, run);
		len += run;
		i = t;
		if (i >= n || len >= cap)
			break;
		i = unit(s, n, i, out, &len, cap, hosts);
	}
	return len;
}

size_t
bs_normalize(const char *s, size_t n, char *out, size_t cap)
{
	return normalize(s, n, out, cap, false);
}

size_t
bs_normalize_hosts(const char *s, size_t n, char *out, size_t cap)
{
	return normalize(s, n, out, cap, true);
}

size_t
bs_normalize_units(const char *s, size_t n, char *out, size_t cap, int hosts)
{
	size_t i = 0, len = 0;

	while (i < n && len < cap)
		i = unit(s, n, i, out, &len, cap, hosts != 0);
	return len;
}
