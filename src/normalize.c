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
 */
#include <stdbool.h>
#include <string.h>

#include "normalize.h"

static bool
is_tok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	    c == '+' || c == '@' || c >= 0x80;
}

static bool
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

/* Append s[0..n) to out, within cap; returns the new length. */
static size_t
put(char *out, size_t len, size_t cap, const char *s, size_t n)
{
	if (len + n > cap)
		n = cap - len;
	memcpy(out + len, s, n);
	return len + n;
}

size_t
bs_normalize(const char *s, size_t n, char *out, size_t cap)
{
	size_t i = 0, len = 0;

	while (i < n && len < cap) {
		size_t j = i, k;
		bool has_digit = false, has_alpha = false, has_at = false;

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
					len = put(out, len, cap, "[IP]", 4);
					i = k + 1;
					continue;
				}
			}
			out[len++] = s[i++];
			continue;
		}
		while (j < n && is_tok((unsigned char)s[j])) {
			if (digit(s[j]))
				has_digit = true;
			else if (s[j] == '@')
				has_at = true;
			else if ((unsigned char)s[j] >= 0x80 ||
			    ((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z'))
				has_alpha = true;
			j++;
		}
		/* A token does not end in a dot: "user unknown." */
		while (j > i + 1 && s[j - 1] == '.')
			j--;
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
		i = j;
	}
	return len;
}
