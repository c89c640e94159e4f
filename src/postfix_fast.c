/*
 * postfix_fast.c - the shipped postfix/syslog, delivery and outcome
 * patterns in C (see postfix_fast.h for why and when).
 *
 * The texts below are the patterns of patterns/postfix.pat with their
 * continuation lines joined.  Change one and the other together: until
 * both say the same, fmt_postfix.c leaves the C unused and
 * tests/check_postfix_fast.c fails.
 */
#include <string.h>

#include "postfix_fast.h"

const char bs_postfix_syslog_rx[] =
    "^(?:(?<stamp>[A-Z][a-z]{2} +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}"
    "|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]+)?"
    "(?:Z|[+-][0-9]{2}:?[0-9]{2})?)[ \\t]+)?"
    "(?:[^ \\t]++[ \\t]++){0,3}?"
    "[A-Za-z0-9._-]*?postfix[A-Za-z0-9._-]*+(?:/[A-Za-z0-9._-]++)*+"
    "(?:\\[[0-9]++\\])?:[ \\t]++(?<msg>)";

const char bs_postfix_delivery_rx[] =
    "^(?<qid>[0-9A-Za-z]{5,}+): (?:to|from)=";

const char bs_postfix_outcome_rx[] =
    "\\G(?:dsn=(?<dsn>[0-9.]++), |[^,]*+, )status=(?<status>[A-Za-z-]++)"
    "(?:,? \\((?<text>))?";

/*
 * The character classes the patterns use, one table look-up per byte
 * (the loops below run over every byte of a line's prefix).
 */
enum {
	DIGIT = 1, UPPER = 2, LOWER = 4, PUNCT = 8, BLANK = 16, DOT = 32,
	DASH = 64,
	ALNUM = DIGIT | UPPER | LOWER,		/* [0-9A-Za-z] */
	NAME = ALNUM | PUNCT			/* [A-Za-z0-9._-] */
};
#define C2(c, f)	[(c)] = (f), [(c) + 1] = (f)
#define C4(c, f)	C2((c), f), C2((c) + 2, f)
#define C8(c, f)	C4((c), f), C4((c) + 4, f)
#define C26(c, f)	C8((c), f), C8((c) + 8, f), C8((c) + 16, f), \
			C2((c) + 24, f)
static const unsigned char cls[256] = {
	C8('0', DIGIT), C2('8', DIGIT),
	C26('A', UPPER), C26('a', LOWER),
	['.'] = PUNCT | DOT, ['_'] = PUNCT, ['-'] = PUNCT | DASH,
	[' '] = BLANK, ['\t'] = BLANK,
};
#undef C2
#undef C4
#undef C8
#undef C26

static bool
is(char c, unsigned classes)
{
	return (cls[(unsigned char)c] & classes) != 0;
}

/* [0-9] */
static bool
digit(char c)
{
	return is(c, DIGIT);
}

/* [ \t] */
static bool
blank(char c)
{
	return is(c, BLANK);
}

/* Where the run of bytes of the classes that starts at s[i] ends. */
static size_t
span(const char *s, size_t n, size_t i, unsigned classes)
{
	while (i < n && is(s[i], classes))
		i++;
	return i;
}

/* Whether s[i..n) starts with the wl-byte word w. */
static bool
at_word(const char *s, size_t n, size_t i, const char *w, size_t wl)
{
	return n - i >= wl && memcmp(s + i, w, wl) == 0;
}

/* [0-9]{2}:[0-9]{2}:[0-9]{2} at s (8 bytes, which the caller has). */
static bool
clock_at(const char *s)
{
	return digit(s[0]) && digit(s[1]) && s[2] == ':' && digit(s[3]) &&
	    digit(s[4]) && s[5] == ':' && digit(s[6]) && digit(s[7]);
}

/*
 * The stamp group's first branch, [A-Z][a-z]{2} +[0-9]{1,2} HH:MM:SS;
 * its length, or 0.
 */
static size_t
classic_stamp(const char *s, size_t n)
{
	size_t i = 3, d = 0;

	if (n < 4 || !is(s[0], UPPER) || !is(s[1], LOWER) ||
	    !is(s[2], LOWER) || s[3] != ' ')
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	while (d < 2 && i < n && digit(s[i]))
		d++, i++;
	if (d == 0 || n - i < 9 || s[i] != ' ' || !clock_at(s + i + 1))
		return 0;
	return i + 9;
}

/*
 * The second branch, YYYY-MM-DDTHH:MM:SS(.frac)?(Z|+HH:?MM)?; its length,
 * or 0.  Where a fraction or zone is malformed, what follows the part
 * read is not white space, so the caller's test for it says no.
 */
static size_t
rfc3339_stamp(const char *s, size_t n)
{
	size_t i = 19;

	if (n < 19 || !digit(s[0]) || !digit(s[1]) || !digit(s[2]) ||
	    !digit(s[3]) || s[4] != '-' || !digit(s[5]) || !digit(s[6]) ||
	    s[7] != '-' || !digit(s[8]) || !digit(s[9]) || s[10] != 'T' ||
	    !clock_at(s + 11))
		return 0;
	if (i + 1 < n && s[i] == '.' && digit(s[i + 1]))
		i = span(s, n, i + 2, DIGIT);
	if (i < n && s[i] == 'Z') {
		i++;
	} else if (i + 2 < n && (s[i] == '+' || s[i] == '-') &&
	    digit(s[i + 1]) && digit(s[i + 2])) {
		size_t k = i + 3;

		if (k < n && s[k] == ':')
			k++;
		if (k + 1 < n && digit(s[k]) && digit(s[k + 1]))
			i = k + 2;
	}
	return i;
}

/*
 * Whether s[0..n) holds "postfix".  Not memmem: on words of a few bytes
 * its set-up costs more than the search (13M more instructions on a
 * 64 MiB log, 7% of the run).
 */
static bool
says_postfix(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 7 <= n; i++)
		if (s[i] == 'p' && memcmp(s + i, "postfix", 7) == 0)
			return true;
	return false;
}

/*
 * The program part, from [A-Za-z0-9._-]*?postfix to the end of
 * ":[ \t]++", tried at s[i]: where the message starts, or 0.  Every
 * quantifier here is possessive or cannot give back anything that would
 * let the rest match, so one left-to-right pass decides.
 */
static size_t
program_at(const char *s, size_t n, size_t i)
{
	size_t j = span(s, n, i, NAME), k;

	if (!says_postfix(s + i, j - i))
		return 0;
	while (j + 1 < n && s[j] == '/' && is(s[j + 1], NAME))
		j = span(s, n, j + 2, NAME);
	if (j < n && s[j] == '[') {
		k = span(s, n, j + 1, DIGIT);
		if (k > j + 1 && k < n && s[k] == ']')
			j = k + 1;
	}
	if (j + 1 >= n || s[j] != ':' || !blank(s[j + 1]))
		return 0;
	return span(s, n, j + 2, BLANK);
}

bool
bs_postfix_syslog(const char *s, size_t n, size_t *msg, size_t *stamp_len)
{
	size_t stamp = classic_stamp(s, n), i, words, m;

	if (stamp == 0)
		stamp = rfc3339_stamp(s, n);
	if (stamp == 0 || stamp >= n || !blank(s[stamp]))
		return false;
	i = span(s, n, stamp, BLANK);
	/* (?:[^ \t]++[ \t]++){0,3}? then the program: the first word wins. */
	for (words = 0; words <= 3; words++) {
		if ((m = program_at(s, n, i)) != 0) {
			*msg = m;
			*stamp_len = stamp;
			return true;
		}
		while (i < n && !blank(s[i]))
			i++;
		if (i == n)
			break;
		i = span(s, n, i, BLANK);
	}
	/*
	 * The pattern would now try the line without a timestamp; that is
	 * rare enough to leave to it.
	 */
	return false;
}

bool
bs_postfix_delivery(const char *m, size_t n, size_t *qid_len,
    size_t *head_len)
{
	size_t i = span(m, n, 0, ALNUM);

	if (i < 5 || !at_word(m, n, i, ": ", 2))
		return false;
	if (at_word(m, n, i + 2, "to=", 3))
		*head_len = i + 5;
	else if (at_word(m, n, i + 2, "from=", 5))
		*head_len = i + 7;
	else
		return false;
	*qid_len = i;
	return true;
}

bool
bs_postfix_outcome(const char *m, size_t n, size_t start,
    struct bs_postfix_outcome *o)
{
	size_t i = start, j;

	if (start > n)
		return false;
	o->has_dsn = o->has_text = false;
	o->text = 0;
	/*
	 * dsn=(?<dsn>[0-9.]++),[ ] first; where it fails, [^,]*+,[ ] from
	 * the same place.  Where the first branch matched, the second ends
	 * at the same comma, so if status= does not follow, neither
	 * branch leads to a match.
	 */
	if (at_word(m, n, i, "dsn=", 4)) {
		j = span(m, n, i + 4, DIGIT | DOT);
		if (j > i + 4 && at_word(m, n, j, ", ", 2)) {
			o->has_dsn = true;
			o->dsn = i + 4;
			o->dsn_len = j - (i + 4);
		}
	}
	j = o->has_dsn ? o->dsn + o->dsn_len : i;
	while (j < n && m[j] != ',')
		j++;
	if (!at_word(m, n, j, ", status=", 9))
		return false;
	o->status = j + 9;
	j = span(m, n, o->status, UPPER | LOWER | DASH);
	o->status_len = j - o->status;
	if (o->status_len == 0)
		return false;
	/* (?:,? \((?<text>))? */
	if (at_word(m, n, j, ", (", 3))
		o->text = j + 3;
	else if (at_word(m, n, j, " (", 2))
		o->text = j + 2;
	o->has_text = o->text > j;
	return true;
}
