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
    "^(?:<[0-9]{1,3}>(?:[0-9]{1,2}[ ])?)?"
    "(?:(?<stamp>(?:(?:[A-Z][a-z]{2} +[0-9]{1,2}(?: [0-9]{4})?"
    "|[0-9]{4} [A-Z][a-z]{2} +[0-9]{1,2}) [0-9]{2}:[0-9]{2}:[0-9]{2}"
    "(?:\\.[0-9]+)?"
    "|(?:[A-Z][a-z]{2} )?[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
    ":[0-9]{2}(?:\\.[0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)"
    "(?:[ ](?:[+-][0-9]{2}:?[0-9]{2}|UTC|[A-Z]{2,4}T))?)[ \\t]+)?"
    "(?:[^ \\t]++[ \\t]++){0,7}?"
    "[A-Za-z0-9._-]*?postfix[A-Za-z0-9._-]*+(?:/[A-Za-z0-9._-]++)*+"
    "(?:(?:\\[[0-9]++\\])?:[ \\t]++(?:\\[ID [0-9]++ [a-z0-9]++\\.[a-z]++\\]"
    "[ \\t]++)?"
    "|[ ](?:[0-9]++|-) [^ \\t]++ (?:-|(?:\\[(?:[^\\]\"\\\\]++"
    "|\"(?:[^\"\\\\]++|\\\\(?s:.))*+\")*+\\])++) (?:\\xEF\\xBB\\xBF)?)(?<msg>)";

const char bs_postfix_delivery_rx[] =
    "^(?<qid>[0-9A-Za-z]{5,}+): (?=[a-z_]++=)(?:(?:to|from)=)?";

const char bs_postfix_outcome_rx[] =
    "\\G(?:dsn=(?<dsn>[0-9.]++), |[^,]*+, )status=(?<status>[A-Za-z-]++)"
    "(?:,? \\((?<text>))?";

/*
 * The syslog pattern's (?:[^ \t]++[ \t]++){0,7}?: up to seven words (a
 * host name, a relay's own stamp and host, a facility) before the
 * program.
 */
enum { WORDS = 7 };

/*
 * The character classes the patterns use, one table look-up per byte
 * (the loops below run over every byte of a line's prefix).
 */
enum {
	DIGIT = 1, UPPER = 2, LOWER = 4, PUNCT = 8, BLANK = 16, DOT = 32,
	DASH = 64, USCORE = 128,
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
	['.'] = PUNCT | DOT, ['_'] = PUNCT | USCORE, ['-'] = PUNCT | DASH,
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

/* (?:\.[0-9]+)? at s[i]: where it ends. */
static size_t
fraction(const char *s, size_t n, size_t i)
{
	return i + 1 < n && s[i] == '.' && digit(s[i + 1]) ?
	    span(s, n, i + 2, DIGIT) : i;
}

/*
 * The stamp's first branch at s: a syslog date with its year before it,
 * after it or (classic syslog) nowhere,
 *   [A-Z][a-z]{2} +[0-9]{1,2}(?: [0-9]{4})?	"Nov 28", "Nov 28 2026"
 *   [0-9]{4} [A-Z][a-z]{2} +[0-9]{1,2}		"2026 Nov  8"
 * then " HH:MM:SS" and a fraction; its length, or 0.  A year after the
 * day is taken whenever one stands there: without it the clock would
 * have to start on the year's digits, which it cannot.
 */
static size_t
classic_stamp(const char *s, size_t n)
{
	size_t i = 0, d = 0;
	bool year_first = false;

	if (n > 0 && !is(s[0], UPPER)) {
		year_first = n >= 5 && digit(s[0]) && digit(s[1]) &&
		    digit(s[2]) && digit(s[3]) && s[4] == ' ';
		if (!year_first)
			return 0;
		i = 5;
	}
	if (n - i < 4 || !is(s[i], UPPER) || !is(s[i + 1], LOWER) ||
	    !is(s[i + 2], LOWER) || s[i + 3] != ' ')
		return 0;
	i += 3;
	while (i < n && s[i] == ' ')
		i++;
	while (d < 2 && i < n && digit(s[i]))
		d++, i++;
	if (d == 0)
		return 0;
	/* s[i + 3] first: where a clock ("10:00:00") has its colon. */
	if (!year_first && n - i >= 5 && digit(s[i + 3]) && s[i] == ' ' &&
	    digit(s[i + 1]) && digit(s[i + 2]) && digit(s[i + 4]))
		i += 5;
	if (n - i < 9 || s[i] != ' ' || !clock_at(s + i + 1))
		return 0;
	i += 9;
	return i < n && s[i] == '.' ? fraction(s, n, i) : i;
}

/*
 * The second branch, ([A-Z][a-z]{2} )?YYYY-MM-DD[T ]HH:MM:SS(.frac)?
 * (Z|+HH:?MM)?, the weekday as journalctl -o short-full writes it; its
 * length, or 0.  Where a fraction or zone is malformed, what follows the
 * part read is neither a space nor a tab, so the caller says no.
 */
static size_t
rfc3339_stamp(const char *s, size_t n)
{
	size_t i, w = 0;

	if (n > 4 && is(s[0], UPPER) && is(s[1], LOWER) && is(s[2], LOWER) &&
	    s[3] == ' ') {
		w = 4;		/* a weekday */
		s += w;
		n -= w;
	}
	if (n < 19 || !digit(s[0]) || !digit(s[1]) || !digit(s[2]) ||
	    !digit(s[3]) || s[4] != '-' || !digit(s[5]) || !digit(s[6]) ||
	    s[7] != '-' || !digit(s[8]) || !digit(s[9]) ||
	    (s[10] != 'T' && s[10] != ' ') || !clock_at(s + 11))
		return 0;
	i = fraction(s, n, 19);
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
	return w + i;
}

/*
 * The zone after " " at s[i], as the stamp's last part has it:
 * [+-][0-9]{2}:?[0-9]{2}, UTC, GMT or [A-Z]{2,4}T ("CET", "CEST", "EDT"),
 * followed by a space or a tab (else the pattern gives the zone back and
 * the word is a host's); where it ends, or i for none.  A run of capitals
 * is a zone only whole: a longer one cannot end a [A-Z]{2,4}T before the
 * blank that must follow.
 */
static size_t
zone_at(const char *s, size_t n, size_t i)
{
	size_t k;

	if (i < n && (s[i] == '+' || s[i] == '-')) {
		if (n - i < 5 || !digit(s[i + 1]) || !digit(s[i + 2]))
			return i;
		k = s[i + 3] == ':' ? i + 4 : i + 3;
		if (k + 2 >= n || !digit(s[k]) || !digit(s[k + 1]) ||
		    !blank(s[k + 2]))
			return i;
		return k + 2;
	}
	k = span(s, n, i, UPPER);
	if (k == n || !blank(s[k]))
		return i;
	if ((k - i == 3 && memcmp(s + i, "UTC", 3) == 0) ||
	    (k - i >= 3 && k - i <= 5 && s[k - 1] == 'T'))
		return k;
	return i;
}

/*
 * The stamp group at s: either branch, then " " and a zone if one
 * follows; its length, or 0.
 */
static size_t
stamp_len_at(const char *s, size_t n)
{
	size_t i = classic_stamp(s, n);

	if (i == 0)
		i = rfc3339_stamp(s, n);
	if (i == 0)
		return 0;
	/*
	 * A zone opens with a sign or a capital; a host name seldom does, so
	 * one look-up turns the usual line away.
	 */
	if (i + 1 < n && !is(s[i + 1], LOWER | DIGIT) && s[i] == ' ' &&
	    (is(s[i + 1], UPPER) || s[i + 1] == '+' || s[i + 1] == '-')) {
		size_t z = zone_at(s, n, i + 1);

		if (z > i + 1)
			i = z;
	}
	return i;
}

/*
 * The priority of a line as a syslog server received it, <[0-9]{1,3}>,
 * and the version of RFC 5424 after it, [0-9]{1,2} followed by a space:
 * the length of what is there, 0 for neither.
 */
static size_t
pri_len(const char *s, size_t n)
{
	size_t i, k;

	if (n < 3 || s[0] != '<')
		return 0;
	/* At most three digits, then at most two. */
	i = span(s, n < 4 ? n : 4, 1, DIGIT);
	if (i == 1 || i == n || s[i] != '>')
		return 0;
	k = span(s, n < i + 3 ? n : i + 3, i + 1, DIGIT);
	if (k > i + 1 && k < n && s[k] == ' ')
		return k + 1;
	return i + 1;
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
 * Solaris's message tag after the program's ": ", \[ID [0-9]++
 * [a-z0-9]++\.[a-z]++\][ \t]++ ("[ID 197553 mail.info] "), at s[i]:
 * where it ends, or i where there is none.
 */
static size_t
solaris_tag(const char *s, size_t n, size_t i)
{
	size_t a, b;

	if (!at_word(s, n, i, "[ID ", 4))
		return i;
	a = span(s, n, i + 4, DIGIT);		/* [0-9]++ */
	if (a == i + 4 || a == n || s[a] != ' ')
		return i;
	b = span(s, n, a + 1, LOWER | DIGIT);	/* the facility */
	if (b == a + 1 || b == n || s[b] != '.')
		return i;
	a = span(s, n, b + 1, LOWER);		/* the priority */
	if (a == b + 1 || a + 1 >= n || s[a] != ']' || !blank(s[a + 1]))
		return i;
	return span(s, n, a + 1, BLANK);
}

/*
 * RFC 5424's structured data at s[i], one or more elements
 * \[(?:[^\]"\\]++|"(?:[^"\\]++|\\(?s:.))*+")*+\] ("[origin
 * ip=\"192.0.2.1\"]"): where they end, or i where there are none.  The
 * pattern's repetitions are possessive, so an element that does not close
 * ends the match: the caller's test for the space that must follow fails.
 */
static size_t
structured_data(const char *s, size_t n, size_t i)
{
	size_t k = i;

	while (k < n && s[k] == '[') {
		for (k++; k < n && s[k] != ']'; k++) {
			if (s[k] == '\\')
				return i;
			if (s[k] != '"')
				continue;
			for (k++; k < n && s[k] != '"'; k++)
				if (s[k] == '\\' && ++k == n)
					return i;
			if (k == n)
				return i;
		}
		if (k == n)
			return i;
		k++;
	}
	return k;
}

/*
 * What follows the program name at s[j] in RFC 5424, a space, the pid
 * ([0-9]++ or -), the message id ([^ \t]++), the structured data (- or
 * elements), a space and perhaps a byte order mark: where the message
 * starts, or 0.
 */
static size_t
rfc5424_tail(const char *s, size_t n, size_t j)
{
	size_t k;

	if (j + 1 >= n || s[j] != ' ')
		return 0;
	if (s[j + 1] == '-')
		k = j + 2;
	else if ((k = span(s, n, j + 1, DIGIT)) == j + 1)
		return 0;
	if (k >= n || s[k] != ' ')
		return 0;
	j = k + 1;
	for (k = j; k < n && !blank(s[k]); k++)
		;
	if (k == j || k == n || s[k] != ' ')
		return 0;
	j = k + 1;
	if (j < n && s[j] == '-')
		k = j + 1;
	else if ((k = structured_data(s, n, j)) == j)
		return 0;
	if (k >= n || s[k] != ' ')
		return 0;
	k++;
	if (at_word(s, n, k, "\xEF\xBB\xBF", 3))
		k += 3;
	return k;
}

/*
 * The program part, from [A-Za-z0-9._-]*?postfix to where the message
 * starts, tried at s[i]: that place, or 0.  After the name (and its
 * service parts) comes either an optional [pid], ":[ \t]++" and perhaps
 * Solaris's message tag, or RFC 5424's fields.  Every quantifier here is
 * possessive or cannot give back anything that would let the rest match,
 * so one left-to-right pass decides.
 */
static size_t
program_at(const char *s, size_t n, size_t i, bool *named)
{
	size_t j, k;

	/*
	 * Hot: "postfix/" opens nearly every program word; its name part is
	 * known to hold "postfix" without a search.
	 */
	if (n - i > 8 && memcmp(s + i, "postfix/", 8) == 0) {
		*named = true;
		j = i + 7;
	} else {
		j = span(s, n, i, NAME);
		*named = says_postfix(s + i, j - i);
		if (!*named)
			return 0;
	}
	while (j + 1 < n && s[j] == '/' && is(s[j + 1], NAME))
		j = span(s, n, j + 2, NAME);
	if (j < n && s[j] == '[') {
		k = span(s, n, j + 1, DIGIT);
		if (k > j + 1 && k < n && s[k] == ']')
			j = k + 1;
	} else if (j < n && s[j] == ' ') {
		return rfc5424_tail(s, n, j);
	}
	if (j + 1 >= n || s[j] != ':' || !blank(s[j + 1]))
		return 0;
	j = span(s, n, j + 2, BLANK);
	return j < n && s[j] == '[' ? solaris_tag(s, n, j) : j;
}

/*
 * The syslog pattern's (?:[^ \t]++[ \t]++){0,7}? and program from word
 * number words, which starts at s[i]: true with the message's offset.
 * *before becomes true where a word before the program's names postfix
 * (its attempt may have read past its own end).
 */
static bool
program_from(const char *s, size_t n, size_t i, size_t words, size_t *msg,
    size_t *word_at, size_t *word_no, bool *before)
{
	size_t m;
	bool named;

	/* The first word that is the program wins. */
	for (; words <= WORDS; words++) {
		if ((m = program_at(s, n, i, &named)) != 0) {
			*msg = m;
			*word_at = i;
			*word_no = words;
			return true;
		}
		*before = *before || named;
		while (i < n && !blank(s[i]))
			i++;
		if (i == n)
			break;
		i = span(s, n, i, BLANK);
	}
	/*
	 * The pattern would now try the line without a priority or a
	 * timestamp; that is rare enough to leave to it.
	 */
	return false;
}

/*
 * bs_postfix_syslog, with what the cache keeps: where the program's word
 * starts and its number, and in *head whether everything before that
 * word was read without looking past it (a word between the stamp and
 * the program, so that the stamp's zone test stops in it, and no word
 * before the program's naming postfix).
 */
static bool
syslog_at(const char *s, size_t n, size_t *msg, size_t *stamp,
    size_t *stamp_len, size_t *word_at, size_t *word_no, bool *head)
{
	size_t at = n > 0 && s[0] == '<' ? pri_len(s, n) : 0, len;
	bool before = false;

	len = stamp_len_at(s + at, n - at);
	if (len == 0 || at + len >= n || !blank(s[at + len]))
		return false;
	if (!program_from(s, n, span(s, n, at + len, BLANK), 0, msg, word_at,
	    word_no, &before))
		return false;
	*stamp = at;
	*stamp_len = len;
	*head = !before && *word_no >= 1;
	return true;
}

bool
bs_postfix_syslog(const char *s, size_t n, size_t *msg, size_t *stamp,
    size_t *stamp_len)
{
	size_t word_at, word_no;
	bool head;

	return syslog_at(s, n, msg, stamp, stamp_len, &word_at, &word_no,
	    &head);
}

/*
 * Hot: every Postfix event line.  A line that opens with the bytes kept
 * (stamp, host, up to the program's word) and has no blank after them is
 * read from the program's word on, as syslog_at would go on there: what
 * it read before is the same bytes, and every test on n it made there
 * holds for both lines, each being longer than the bytes kept.
 */
bool
bs_postfix_syslog_cached(struct bs_syslog_cache *c, const char *s, size_t n,
    size_t *msg, size_t *stamp, size_t *stamp_len, size_t *prog)
{
	size_t h = c->head, word_at, word_no;
	bool head = false;

	if (h != 0 && h < n && !blank(s[h]) && memcmp(s, c->prefix, h) == 0) {
		if (!program_from(s, n, h, c->word_no, msg, &word_at,
		    &word_no, &head))
			return false;
		*stamp = c->stamp;
		*stamp_len = c->stamp_len;
		*prog = word_at;
		return true;
	}
	if (!syslog_at(s, n, msg, stamp, stamp_len, &word_at, &word_no,
	    &head))
		return false;
	*prog = word_at;
	if (head && word_at <= sizeof(c->prefix)) {
		memcpy(c->prefix, s, word_at);
		c->head = word_at;
		c->word_no = word_no;
		c->stamp = *stamp;
		c->stamp_len = *stamp_len;
	}
	return true;
}

bool
bs_postfix_delivery(const char *m, size_t n, size_t *qid_len,
    size_t *head_len)
{
	size_t i = span(m, n, 0, ALNUM), f;

	if (i < 5 || !at_word(m, n, i, ": ", 2))
		return false;
	*qid_len = i;
	/* to= and from= (nearly every record) pass (?=[a-z_]++=) too. */
	if (at_word(m, n, i + 2, "to=", 3)) {
		*head_len = i + 5;
		return true;
	}
	if (at_word(m, n, i + 2, "from=", 5)) {
		*head_len = i + 7;
		return true;
	}
	f = span(m, n, i + 2, LOWER | USCORE);
	if (f == i + 2 || f == n || m[f] != '=')
		return false;
	*head_len = i + 2;
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

bool
bs_syslog_rfc5424_after(const char *p, const char *end)
{
	const char *q = p + 1;

	if (end - p < 6 || *p != ' ')
		return false;
	if (*q == '-')
		q++;
	else
		while (q < end && digit(*q))
			q++;
	if (q == p + 1 || q >= end || *q != ' ')
		return false;
	for (p = ++q; q < end && *q != ' '; q++)
		;
	return q > p && end - q >= 2 && (q[1] == '-' || q[1] == '[');
}
