/*
 * codes_fast.c - codes/reply and codes/enhanced in C (codes_fast.h says
 * when they are used).
 *
 * Neither pattern can backtrack into another answer: each repeat is
 * followed by a byte the repeat cannot take ("." after the subject's
 * digits, a lookahead that refuses a digit or "." after the detail's), so
 * taking the longest run and testing what follows is what PCRE2 decides.
 */
#include "codes_fast.h"

const char bs_codes_reply_rx[] =
    "^(?<basic>[2-5][0-9][0-9])(?:[ -]|$)"
    "(?:[ -]?\\#?(?<enhanced>[245]\\.[0-9]{1,3}\\.[0-9]{1,3})(?![0-9.]))?";

const char bs_codes_enhanced_rx[] =
    "^\\#?(?<enhanced>[245]\\.[0-9]{1,3}\\.[0-9]{1,3})(?![0-9.])";

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The length of the run of digits at s[i..n), counted up to 4. */
static size_t
run(const char *s, size_t n, size_t i)
{
	size_t k = 0;

	while (i + k < n && k < 4 && digit(s[i + k]))
		k++;
	return k;
}

/*
 * [245]\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9.]) at s[i..n): the length of the
 * match, or 0.  A run of four digits cannot be cut short: what a shorter
 * repeat leaves behind it is a digit, where "." or the lookahead's
 * non-digit must stand.
 */
static size_t
enhanced_at(const char *s, size_t n, size_t i)
{
	size_t k, j;

	if (i + 1 >= n || (s[i] != '2' && s[i] != '4' && s[i] != '5') ||
	    s[i + 1] != '.')
		return 0;
	k = run(s, n, i + 2);
	j = i + 2 + k;
	if (k == 0 || k > 3 || j >= n || s[j] != '.')
		return 0;
	k = run(s, n, j + 1);
	j += 1 + k;
	if (k == 0 || k > 3 || (j < n && s[j] == '.'))
		return 0;
	return j - i;
}

bool
bs_codes_reply(const char *s, size_t n, size_t *enh, size_t *enh_len)
{
	size_t p;

	*enh = *enh_len = 0;
	if (n < 3 || s[0] < '2' || s[0] > '5' || !digit(s[1]) || !digit(s[2]))
		return false;
	/* (?:[ -]|$): $ also holds before a newline that ends the subject. */
	if (n > 3 && (s[3] == ' ' || s[3] == '-'))
		p = 4;
	else if (n == 3 || (n == 4 && s[3] == '\n'))
		p = 3;
	else
		return false;
	/*
	 * (?:[ -]?\#?(?<enhanced>...))?: the code can start only past a
	 * space or '-' and a '#' that stand there (without them, it would
	 * start on that byte, which no code does).
	 */
	if (p < n && (s[p] == ' ' || s[p] == '-'))
		p++;
	if (p < n && s[p] == '#')
		p++;
	*enh_len = enhanced_at(s, n, p);
	if (*enh_len > 0)
		*enh = p;
	return true;
}

bool
bs_codes_enhanced(const char *s, size_t n, size_t *enh, size_t *enh_len)
{
	size_t p = n > 0 && s[0] == '#' ? 1 : 0;

	*enh = p;
	*enh_len = enhanced_at(s, n, p);
	if (*enh_len == 0)
		*enh = 0;
	return *enh_len > 0;
}
