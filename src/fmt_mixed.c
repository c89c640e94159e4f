/*
 * fmt_mixed.c - a syslog file in which Postfix and Exim both wrote, as a
 * central syslog server collects them from many hosts.
 *
 * Either reader alone passes over the other's lines without a word: the
 * Postfix reader finds none of its needles in Exim's lines, and the Exim
 * reader turns away every line whose program is not Exim's.  This reader
 * opens both and hands each line to the one its syslog program names
 * (bs_mixed_program): a program name containing "postfix" to the Postfix
 * reader, one containing "exim" to the Exim reader.  Lines of any other
 * program, and lines without a syslog prefix, are not events.
 *
 * The splitter's needles are both readers' needles merged into strings
 * that every line holding one of them still holds, fewer needles making
 * a cheaper scan: "eject" for Postfix's "eject:" and Exim's "rejected",
 * "> " for "=> ", "-> ", ">> " and "<> R=", "arning: " for Postfix's
 * "warning: " and Exim's "Warning: " (health.h), which lets Postfix's
 * "reject_warning: " lines through too; the other severity words are
 * Postfix's own.  The readers look at a line again themselves, so a line
 * that holds a merged needle but none of its reader's is no event.  When
 * the run joins, the readers' joined needles (9 + 8) do not fit
 * BS_NEEDLES_MAX even merged, and every line goes to the readers.
 *
 * Both readers keep nothing between lines but their patterns, so a mixed
 * file is read in pieces like theirs (splittable).
 */
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "foreign.h"
#include "format.h"
#include "postfix_fast.h"

struct mixed {
	void *postfix, *exim;
};

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Hot: the program a word names, "postfix" before "exim" (a word holding
 * both is Postfix's, as the Postfix reader would take it).  A byte loop:
 * memmem's set-up costs more than these dozen bytes.
 */
static enum bs_program
program_of(const char *s, size_t n)
{
	bool exim = false;
	size_t i;

	for (i = 0; i + 4 <= n; i++) {
		if (s[i] == 'p' && n - i >= 7 &&
		    memcmp(s + i, "postfix", 7) == 0)
			return BS_PROGRAM_POSTFIX;
		if (s[i] == 'e' && memcmp(s + i, "exim", 4) == 0)
			exim = true;
	}
	return exim ? BS_PROGRAM_EXIM : BS_PROGRAM_OTHER;
}

/*
 * The general reading (see bs_mixed_program): word by word from the
 * start of the line.
 */
enum bs_program
bs_mixed_program_by_words(const char *s, size_t n)
{
	const char *end = s + n;
	size_t i = 0, start, stop, k;
	unsigned word;

	for (word = 0; word <= BS_MIXED_WORDS; word++) {
		while (i < n && blank(s[i]))
			i++;
		start = i;
		while (i < n && !blank(s[i]) && s[i] != ':' && s[i] != '[' &&
		    s[i] != '=')
			i++;
		if (i < n && s[i] == '=')
			return BS_PROGRAM_NONE;
		stop = i;
		k = i;
		if (k < n && s[k] == '[') {
			for (k++; k < n && digit(s[k]); k++)
				;
			k = k < n && s[k] == ']' && k > i + 1 ? k + 1 : i;
		}
		if (stop > start && k + 1 < n && s[k] == ':' && blank(s[k + 1]))
			return program_of(s + start, stop - start);
		if (stop > start && k == stop &&
		    bs_syslog_rfc5424_after(s + k, end)) {
			enum bs_program p = program_of(s + start, stop - start);

			if (p != BS_PROGRAM_OTHER)
				return p;
		}
		/* Not the program: on to the next word. */
		while (i < n && !blank(s[i])) {
			if (s[i] == '=')
				return BS_PROGRAM_NONE;
			i++;
		}
		if (i >= n)
			return BS_PROGRAM_NONE;
	}
	return BS_PROGRAM_NONE;
}

/*
 * What program_fast looks for in the words before the program, one table
 * look-up a byte: BLANK separates words, RARE marks the bytes that need a
 * closer look ("=", and the first letters of "postfix" and "exim").
 */
enum { BLANK = 1, RARE = 2 };
static const unsigned char prefix_class[256] = {
	[' '] = BLANK,
	['\t'] = BLANK,
	['='] = RARE,
	['p'] = RARE,
	['e'] = RARE,
};

/*
 * Hot: the usual line, "STAMP HOST postfix/smtp[123]: ...": the word
 * before the line's first ": " (and its "[pid]"), when it names Postfix
 * or Exim and bs_mixed_program_by_words would reach it: it is a whole word
 * without ":" "[" "=", and at most BS_MIXED_WORDS words stand before it,
 * none holding "=", "postfix" or "exim".  BS_PROGRAM_NONE: not decided
 * here.
 */
static enum bs_program
program_fast(const char *s, size_t n)
{
	const char *c = s, *end = s + n;
	size_t e, start, i, words = 0;
	unsigned prev = BLANK, cl;
	enum bs_program p;

	while ((c = memchr(c, ':', (size_t)(end - c))) != NULL &&
	    (c + 1 == end || !blank(c[1])))
		c++;
	if (c == NULL)
		return BS_PROGRAM_NONE;
	e = (size_t)(c - s);
	if (e > 0 && s[e - 1] == ']') {
		for (i = e - 1; i > 0 && digit(s[i - 1]); i--)
			;
		if (i == e - 1 || i == 0 || s[i - 1] != '[')
			return BS_PROGRAM_NONE;
		e = i - 1;
	}
	for (start = e; start > 0 && !blank(s[start - 1]); start--)
		if (s[start - 1] == ':' || s[start - 1] == '[' ||
		    s[start - 1] == '=')
			return BS_PROGRAM_NONE;
	if (start == e ||
	    (p = program_of(s + start, e - start)) == BS_PROGRAM_OTHER)
		return BS_PROGRAM_NONE;
	for (i = 0; i < start; i++) {
		cl = prefix_class[(unsigned char)s[i]];
		/* A word naming one may be RFC 5424's app name: read by words. */
		if ((cl & RARE) &&
		    (s[i] == '=' ||
			(s[i] == 'p' && start - i >= 7 &&
			    memcmp(s + i, "postfix", 7) == 0) ||
			(s[i] == 'e' && start - i >= 4 &&
			    memcmp(s + i, "exim", 4) == 0)))
			return BS_PROGRAM_NONE;
		/* A word starts where a blank is followed by anything else. */
		words += prev & ~cl & BLANK;
		prev = cl;
	}
	return words <= BS_MIXED_WORDS ? p : BS_PROGRAM_NONE;
}

/*
 * Hot: once per line the splitter hands over.  The program is the first
 * word followed by "[pid]: " or ": ", as syslog writes it ("mx1
 * postfix/smtp[123]: ", "exim[42]: ", "dovecot: "), or a postfix or exim
 * name followed by RFC 5424's " PID MSGID SD".  The words before it are a
 * <priority>, a stamp, hosts, a facility: none of them ends in ": ", and
 * none holds "=", which says the message has begun (Exim's own mainlog
 * line, "... H=host [ip] ...").  program_fast answers the usual line at
 * a fraction of the cost; bs_mixed_program_by_words gives the same answer
 * always (tests/check_mixed.c holds them to each other).
 */
enum bs_program
bs_mixed_program(const char *s, size_t n)
{
	enum bs_program p = program_fast(s, n);

	return p != BS_PROGRAM_NONE ? p : bs_mixed_program_by_words(s, n);
}

static void
mixed_close(void *state)
{
	struct mixed *m = state;

	if (m == NULL)
		return;
	if (m->postfix != NULL)
		bs_format_postfix.close(m->postfix);
	if (m->exim != NULL)
		bs_format_exim.close(m->exim);
	free(m);
}

static bs_status
mixed_open(const struct bs_patterns *p, void **state, struct bs_diag *d)
{
	struct mixed *m;
	bs_status st;

	*state = NULL;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	if ((st = bs_format_postfix.open(p, &m->postfix, d)) != BS_OK ||
	    (st = bs_format_exim.open(p, &m->exim, d)) != BS_OK) {
		mixed_close(m);
		return st;
	}
	*state = m;
	return BS_OK;
}

/*
 * Whether the splitter's first needle in line is one the Postfix reader
 * takes as its own first needle: "status=" and "reject:" are in both
 * lists, and every needle of Postfix's lists is one of this reader's, so
 * none of Postfix's stands before it.  Any other needle ("rejected",
 * "> ", the merged ones) means nothing to the Postfix reader, which then
 * looks for its needles itself (line->needle 0).
 */
static bool
postfix_needle(const struct bs_line *line)
{
	const char *at;
	size_t left;

	if (line->needle == 0)
		return false;
	at = line->ptr + line->needle - 1;
	left = line->len - (line->needle - 1);
	return left >= 7 &&
	    (memcmp(at, "status=", 7) == 0 || memcmp(at, "reject:", 7) == 0);
}

/* Hot: once per line that holds a needle. */
static bs_status
mixed_parse(void *state, const struct bs_line *line, bs_event_fn emit,
    void *ctx)
{
	struct mixed *m = state;
	struct bs_line l;

	switch (bs_mixed_program(line->ptr, line->len)) {
	case BS_PROGRAM_POSTFIX:
		if (postfix_needle(line))
			return bs_format_postfix.parse(m->postfix, line, emit,
			    ctx);
		l = *line;
		l.needle = 0;
		return bs_format_postfix.parse(m->postfix, &l, emit, ctx);
	case BS_PROGRAM_EXIM:
		return bs_format_exim.parse(m->exim, line, emit, ctx);
	default:
		/* A third program's delivery status: told, not read. */
		bs_foreign_status(line->ptr, line->len, emit, ctx);
		return BS_OK;
	}
}

/* Never by score: bs_format_look counts the programs instead. */
static int
mixed_probe(const char *s, size_t n)
{
	(void)s;
	(void)n;
	return 0;
}

/* Postfix's needles, then Exim's, merged (fmt_postfix.c, fmt_exim.c). */
static const char *const mixed_needles[] = { "tatus=", "eject", "/bounce", "> ",
	"== ", "** ",
	"arning: ", "\\bfatal: ", "\\berror: ", "\\bpanic: ", NULL };

/* Joining: none, every line (see the top of this file). */
static const char *const mixed_joined_needles[] = { NULL };

const struct bs_format bs_format_mixed = {
	.name = "mixed",
	.help = "a syslog file with Postfix and Exim lines",
	.splittable = true,
	.needles = mixed_needles,
	.joined_needles = mixed_joined_needles,
	.probe = mixed_probe,
	.open = mixed_open,
	.parse = mixed_parse,
	.close = mixed_close,
};
