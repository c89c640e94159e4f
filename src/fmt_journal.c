/*
 * fmt_journal.c - the systemd journal as "journalctl -o json" writes it.
 *
 * Debian 12 installs no syslog daemon: Postfix and Exim log to the
 * journal, and "journalctl -o json" prints one JSON object per line and
 * entry, every field a string:
 *
 *   {"__REALTIME_TIMESTAMP":"1795856400000000","_HOSTNAME":"mx1",
 *    "SYSLOG_IDENTIFIER":"postfix/smtp","SYSLOG_PID":"123",
 *    "MESSAGE":"4F1A2B3C4D: to=<a@example.org>, ... status=sent (250 Ok)",
 *    ...}
 *
 * A MESSAGE that is not valid UTF-8 is written as an array of its byte
 * values ([52,70,...]); a field longer than 4096 bytes as null, unless
 * journalctl is given --all; a field that occurs several times in one
 * entry as an array of its values.
 *
 * Each line is read by a small, strict scanner (RFC 8259: strings with
 * every escape, \uXXXX and surrogate pairs included, numbers, true,
 * false, null, arrays and objects, nested at most BS_JOURNAL_DEPTH_MAX
 * deep); a line that is not one whole JSON object is passed over, as any
 * other line that states no event.  The entry is then rebuilt as the
 * syslog line it would have been,
 *
 *   2026-11-28T09:00:00.000000Z mx1 postfix/smtp[123]: MESSAGE
 *
 * and handed to the Postfix reader when SYSLOG_IDENTIFIER contains
 * "postfix" (postfix/smtp, postfix-out/qmgr ...), to the Exim reader
 * when it contains "exim"; entries of other programs are passed over.
 * So every rule of fmt_postfix.c and fmt_exim.c applies unchanged, as
 * fmt_m365.c hands rows to the Exchange reader.
 *
 * Times come from __REALTIME_TIMESTAMP (when the journal received the
 * entry, microseconds since the epoch: exact, UTC, with a year), not from
 * whatever stamp the message itself carries (Exim's own local time): each
 * event's stamp is replaced by it on its way out.  An entry without a
 * usable one gives events without a time.  The pid is SYSLOG_PID, else
 * _PID; the host _HOSTNAME.  Host and identifier are cut to
 * BS_JOURNAL_FIELD_MAX bytes, and bytes that would change how the syslog
 * prefix splits (blanks, brackets, colons, controls, non-ASCII) become
 * '_'.  A message of several lines (an escaped "\n") is read as one line,
 * each CR and LF a space.
 *
 * The state holds the two readers' states and three buffers; nothing is
 * kept from one line to the next, so a journal can be split (jobs.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bslimits.h"
#include "format.h"

/* The fields read; any other is scanned and passed over. */
enum field {
	F_MESSAGE,
	F_IDENT,
	F_SYSLOG_PID,
	F_PID,
	F_TIME,
	F_HOST,
	F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"MESSAGE",
	"SYSLOG_IDENTIFIER",
	"SYSLOG_PID",
	"_PID",
	"__REALTIME_TIMESTAMP",
	"_HOSTNAME"
};

/* Longest key compared with field_names; longer keys match none. */
#define KEY_MAX 32

/* "2026-11-28T09:00:00.000000Z" and its NUL, with room to spare. */
#define STAMP_MAX 40

/*
 * The rebuilt line's prefix at most: stamp, host, identifier, "[pid]: ".
 * The message is cut so that the whole line stays within BS_LINE_MAX.
 */
#define PREFIX_MAX (STAMP_MAX + 2 * BS_JOURNAL_FIELD_MAX + 32)

struct journal {
	void *pf;			/* the Postfix reader's state */
	void *ex;			/* the Exim reader's state */
	char *msg;			/* MESSAGE decoded, BS_LINE_MAX */
	size_t msg_len;
	bool msg_cut;			/* longer than the buffer */
	char val[F_COUNT][BS_JOURNAL_FIELD_MAX];	/* the other fields */
	size_t val_len[F_COUNT];
	bool have[F_COUNT];
	char *line;			/* the rebuilt line, BS_LINE_MAX */
	char stamp[STAMP_MAX];
	size_t stamp_len;		/* 0: no time */
	bs_event_fn emit;		/* where the events go, during parse */
	void *ctx;
};

/* One line under the scanner: s[0..n), the next byte at i. */
struct scan {
	const char *s;
	size_t n, i;
};

static void
ws(struct scan *sc)
{
	while (sc->i < sc->n && (sc->s[sc->i] == ' ' ||
	    sc->s[sc->i] == '\t' || sc->s[sc->i] == '\r' ||
	    sc->s[sc->i] == '\n'))
		sc->i++;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The literal word at sc's place, consumed. */
static bool
word(struct scan *sc, const char *w)
{
	size_t l = strlen(w);

	if (sc->n - sc->i < l || memcmp(sc->s + sc->i, w, l) != 0)
		return false;
	sc->i += l;
	return true;
}

/* Four hex digits of a \u escape. */
static bool
hex4(struct scan *sc, unsigned *v)
{
	size_t k;

	*v = 0;
	if (sc->n - sc->i < 4)
		return false;
	for (k = 0; k < 4; k++) {
		char c = sc->s[sc->i + k];
		unsigned d;

		if (is_digit(c))
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		*v = *v << 4 | d;
	}
	sc->i += 4;
	return true;
}

/* Where a string's decoded bytes go: out[0..cap), or nowhere (NULL). */
struct sink {
	char *out;
	size_t cap, len;
	bool cut;
};

static void
put(struct sink *k, char c)
{
	if (k->out == NULL)
		return;
	if (k->len < k->cap)
		k->out[k->len++] = c;
	else
		k->cut = true;
}

/* Code point cp (valid, not a surrogate) as UTF-8. */
static void
put_utf8(struct sink *k, unsigned cp)
{
	if (cp < 0x80) {
		put(k, (char)cp);
	} else if (cp < 0x800) {
		put(k, (char)(0xc0 | cp >> 6));
		put(k, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		put(k, (char)(0xe0 | cp >> 12));
		put(k, (char)(0x80 | (cp >> 6 & 0x3f)));
		put(k, (char)(0x80 | (cp & 0x3f)));
	} else {
		put(k, (char)(0xf0 | cp >> 18));
		put(k, (char)(0x80 | (cp >> 12 & 0x3f)));
		put(k, (char)(0x80 | (cp >> 6 & 0x3f)));
		put(k, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * A \u escape after its backslash and 'u': one code point, or a high
 * surrogate followed by "\u" and a low one.  A lone surrogate is no
 * character: the string is malformed.
 */
static bool
unicode(struct scan *sc, struct sink *k)
{
	unsigned hi, lo;

	if (!hex4(sc, &hi))
		return false;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return false;
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (!word(sc, "\\u") || !hex4(sc, &lo) || lo < 0xdc00 ||
		    lo > 0xdfff)
			return false;
		put_utf8(k, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
		return true;
	}
	put_utf8(k, hi);
	return true;
}

/*
 * Hot: a string at sc's opening quote, decoded into k (which may be
 * nowhere).  Bytes under 0x20 must be escaped; other bytes are copied as
 * they are (the journal writes valid UTF-8 in strings, and the readers
 * take bytes).  False when the string is malformed or unterminated.
 */
static bool
string(struct scan *sc, struct sink *k)
{
	if (sc->i >= sc->n || sc->s[sc->i] != '"')
		return false;
	sc->i++;
	while (sc->i < sc->n) {
		const char *p = sc->s + sc->i;
		size_t run = 0;
		char c;

		/* Plain bytes in one go: most of a message has no escape. */
		while (sc->i + run < sc->n && p[run] != '"' &&
		    p[run] != '\\' && (unsigned char)p[run] >= 0x20)
			run++;
		if (k->out != NULL) {
			size_t room = k->cap - k->len;

			if (run > room)
				k->cut = true;
			memcpy(k->out + k->len, p, run < room ? run : room);
			k->len += run < room ? run : room;
		}
		sc->i += run;
		if (sc->i >= sc->n)
			return false;
		c = sc->s[sc->i++];
		if (c == '"')
			return true;
		if (c != '\\')
			return false;	/* a raw control byte */
		if (sc->i >= sc->n)
			return false;
		switch (sc->s[sc->i++]) {
		case '"': put(k, '"'); break;
		case '\\': put(k, '\\'); break;
		case '/': put(k, '/'); break;
		case 'b': put(k, '\b'); break;
		case 'f': put(k, '\f'); break;
		case 'n': put(k, '\n'); break;
		case 'r': put(k, '\r'); break;
		case 't': put(k, '\t'); break;
		case 'u':
			if (!unicode(sc, k))
				return false;
			break;
		default:
			return false;
		}
	}
	return false;
}

/*
 * A number of RFC 8259's grammar, however long: only its shape is
 * checked, its value is never taken (a huge one cannot overflow).
 */
static bool
number(struct scan *sc)
{
	size_t d;

	if (sc->i < sc->n && sc->s[sc->i] == '-')
		sc->i++;
	if (sc->i < sc->n && sc->s[sc->i] == '0') {
		sc->i++;
	} else {
		for (d = 0; sc->i < sc->n && is_digit(sc->s[sc->i]); d++)
			sc->i++;
		if (d == 0)
			return false;
	}
	if (sc->i < sc->n && sc->s[sc->i] == '.') {
		sc->i++;
		for (d = 0; sc->i < sc->n && is_digit(sc->s[sc->i]); d++)
			sc->i++;
		if (d == 0)
			return false;
	}
	if (sc->i < sc->n && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < sc->n && (sc->s[sc->i] == '+' ||
		    sc->s[sc->i] == '-'))
			sc->i++;
		for (d = 0; sc->i < sc->n && is_digit(sc->s[sc->i]); d++)
			sc->i++;
		if (d == 0)
			return false;
	}
	/* "01", "1x": a number must end where a value can end. */
	return sc->i == sc->n || !(is_digit(sc->s[sc->i]) ||
	    (sc->s[sc->i] >= 'a' && sc->s[sc->i] <= 'z') ||
	    (sc->s[sc->i] >= 'A' && sc->s[sc->i] <= 'Z') ||
	    sc->s[sc->i] == '.');
}

static bool value(struct scan *sc, unsigned depth);

/* An array or an object at its opening bracket, its values passed over. */
static bool
compound(struct scan *sc, unsigned depth)
{
	char close = sc->s[sc->i] == '[' ? ']' : '}';
	struct sink none = { 0 };

	if (depth >= BS_JOURNAL_DEPTH_MAX)
		return false;
	sc->i++;
	ws(sc);
	if (sc->i < sc->n && sc->s[sc->i] == close) {
		sc->i++;
		return true;
	}
	for (;;) {
		if (close == '}') {
			if (!string(sc, &none))
				return false;
			ws(sc);
			if (sc->i >= sc->n || sc->s[sc->i] != ':')
				return false;
			sc->i++;
			ws(sc);
		}
		if (!value(sc, depth + 1))
			return false;
		ws(sc);
		if (sc->i >= sc->n)
			return false;
		if (sc->s[sc->i] == close) {
			sc->i++;
			return true;
		}
		if (sc->s[sc->i] != ',')
			return false;
		sc->i++;
		ws(sc);
	}
}

/* Any value, passed over; depth counts the brackets around it. */
static bool
value(struct scan *sc, unsigned depth)
{
	struct sink none = { 0 };

	if (sc->i >= sc->n)
		return false;
	switch (sc->s[sc->i]) {
	case '"':
		return string(sc, &none);
	case '[':
	case '{':
		return compound(sc, depth);
	case 't':
		return word(sc, "true");
	case 'f':
		return word(sc, "false");
	case 'n':
		return word(sc, "null");
	default:
		return number(sc);
	}
}

/*
 * The byte form of a message, [77,65,...]: every element a whole number
 * from 0 to 255, written without sign, fraction or exponent.  False, with
 * sc where it was, for any other array (the caller passes it over).
 */
static bool
byte_array(struct scan *sc, struct sink *k)
{
	size_t start = sc->i;

	sc->i++;
	ws(sc);
	if (sc->i < sc->n && sc->s[sc->i] == ']') {
		sc->i++;
		return true;
	}
	for (;;) {
		unsigned v = 0;
		size_t d;

		for (d = 0; sc->i < sc->n && is_digit(sc->s[sc->i]) && d < 4;
		    d++)
			v = v * 10 + (unsigned)(sc->s[sc->i++] - '0');
		if (d == 0 || d == 4 || v > 255 ||
		    (d > 1 && sc->s[sc->i - d] == '0'))
			goto no;
		put(k, (char)v);
		ws(sc);
		if (sc->i >= sc->n)
			goto no;
		if (sc->s[sc->i] == ']') {
			sc->i++;
			return true;
		}
		if (sc->s[sc->i] != ',')
			goto no;
		sc->i++;
		ws(sc);
	}
no:
	sc->i = start;
	k->len = 0;
	k->cut = false;
	return false;
}

/* Which field a key names, or F_COUNT. */
static enum field
field_of(const char *key, size_t len)
{
	size_t f;

	for (f = 0; f < F_COUNT; f++)
		if (strlen(field_names[f]) == len &&
		    memcmp(field_names[f], key, len) == 0)
			return (enum field)f;
	return F_COUNT;
}

/*
 * The value of field f: a string (MESSAGE also in its byte form) is
 * kept, the first time the field comes; anything else is passed over and
 * the field stays absent.
 */
static bool
field_value(struct journal *st, struct scan *sc, enum field f)
{
	struct sink k = { 0 };

	if (f == F_COUNT || st->have[f])
		return value(sc, 1);
	if (f == F_MESSAGE) {
		k.out = st->msg;
		k.cap = BS_LINE_MAX;
	} else {
		k.out = st->val[f];
		k.cap = sizeof(st->val[f]) - 1;
	}
	if (sc->s[sc->i] == '"') {
		if (!string(sc, &k))
			return false;
	} else if (f != F_MESSAGE || sc->s[sc->i] != '[' ||
	    !byte_array(sc, &k)) {
		return value(sc, 1);
	}
	st->have[f] = true;
	if (f == F_MESSAGE) {
		st->msg_len = k.len;
		st->msg_cut = k.cut;
	} else {
		st->val_len[f] = k.len;
		st->val[f][k.len] = '\0';
	}
	return true;
}

/*
 * One line as one JSON object into st's fields.  A journalctl -o
 * json-seq record's leading RS (0x1e) is allowed.  False when the line is
 * not exactly one well-formed object.
 */
static bool
scan_object(struct journal *st, const char *s, size_t n)
{
	struct scan sc = { s, n, 0 };
	char key[KEY_MAX];

	memset(st->have, 0, sizeof(st->have));
	if (sc.i < n && s[sc.i] == '\x1e')
		sc.i++;
	ws(&sc);
	if (sc.i >= n || s[sc.i] != '{')
		return false;
	sc.i++;
	ws(&sc);
	if (sc.i < n && s[sc.i] == '}') {
		sc.i++;
	} else {
		for (;;) {
			struct sink k = { key, sizeof(key), 0, false };
			enum field f;

			if (!string(&sc, &k))
				return false;
			f = k.cut ? F_COUNT : field_of(key, k.len);
			ws(&sc);
			if (sc.i >= n || s[sc.i] != ':')
				return false;
			sc.i++;
			ws(&sc);
			if (sc.i >= n || !field_value(st, &sc, f))
				return false;
			ws(&sc);
			if (sc.i >= n)
				return false;
			if (s[sc.i] == '}') {
				sc.i++;
				break;
			}
			if (s[sc.i] != ',')
				return false;
			sc.i++;
			ws(&sc);
		}
	}
	ws(&sc);
	return sc.i == n;
}

/*
 * __REALTIME_TIMESTAMP as an RFC 3339 stamp in UTC, microseconds kept,
 * into st->stamp; st->stamp_len 0 when it is absent or not a time (not
 * all digits, more than 19 of them, or past the year 9999).
 */
static void
stamp_of(struct journal *st)
{
	const char *v = st->val[F_TIME];
	size_t n = st->val_len[F_TIME], i;
	unsigned long long us = 0;
	time_t t;
	struct tm tm;
	int w;

	st->stamp_len = 0;
	if (!st->have[F_TIME] || n == 0 || n > 19)
		return;
	for (i = 0; i < n; i++) {
		if (!is_digit(v[i]))
			return;
		us = us * 10 + (unsigned)(v[i] - '0');
	}
	/* 253402300800: 10000-01-01T00:00:00Z. */
	if (us / 1000000 >= 253402300800ULL)
		return;
	t = (time_t)(us / 1000000);
	if (gmtime_r(&t, &tm) == NULL)
		return;
	w = snprintf(st->stamp, sizeof(st->stamp),
	    "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (unsigned)(us % 1000000));
	if (w > 0 && (size_t)w < sizeof(st->stamp))
		st->stamp_len = (size_t)w;
}

/*
 * A host or identifier into the prefix: bytes that would split it
 * otherwise (blanks, '[', ']', ':', controls, DEL and non-ASCII) as '_';
 * an empty value as def.
 */
static size_t
put_word(char *out, const char *v, size_t n, const char *def)
{
	size_t i;

	if (n == 0) {
		memcpy(out, def, strlen(def));
		return strlen(def);
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		out[i] = c <= ' ' || c >= 0x7f || c == '[' || c == ']' ||
		    c == ':' ? '_' : (char)c;
	}
	return n;
}

/* Whether the pid field f is present and all digits (at most 20). */
static bool
pid_ok(const struct journal *st, enum field f)
{
	size_t i;

	if (!st->have[f] || st->val_len[f] == 0 || st->val_len[f] > 20)
		return false;
	for (i = 0; i < st->val_len[f]; i++)
		if (!is_digit(st->val[f][i]))
			return false;
	return true;
}

/*
 * "STAMP HOST IDENT[PID]: MESSAGE" into st->line; its length.  Without a
 * time the stamp is the epoch, so that the readers still find the prefix
 * (the events leave with no stamp at all, see relay).  *cut: the message
 * did not fit whole.
 */
static size_t
rebuild(struct journal *st, bool *cut)
{
	char *o = st->line;
	size_t len = 0, m, i;
	enum field pid = pid_ok(st, F_SYSLOG_PID) ? F_SYSLOG_PID :
	    pid_ok(st, F_PID) ? F_PID : F_COUNT;
	static const char epoch[] = "1970-01-01T00:00:00Z";

	if (st->stamp_len > 0) {
		memcpy(o, st->stamp, st->stamp_len);
		len = st->stamp_len;
	} else {
		memcpy(o, epoch, sizeof(epoch) - 1);
		len = sizeof(epoch) - 1;
	}
	o[len++] = ' ';
	len += put_word(o + len, st->val[F_HOST],
	    st->have[F_HOST] ? st->val_len[F_HOST] : 0, "localhost");
	o[len++] = ' ';
	len += put_word(o + len, st->val[F_IDENT], st->val_len[F_IDENT], "-");
	if (pid != F_COUNT) {
		o[len++] = '[';
		memcpy(o + len, st->val[pid], st->val_len[pid]);
		len += st->val_len[pid];
		o[len++] = ']';
	}
	o[len++] = ':';
	o[len++] = ' ';
	m = st->msg_len;
	*cut = st->msg_cut;
	if (m > BS_LINE_MAX - len) {
		m = BS_LINE_MAX - len;
		*cut = true;
	}
	for (i = 0; i < m; i++) {
		char c = st->msg[i];

		o[len + i] = c == '\n' || c == '\r' ? ' ' : c;
	}
	return len + m;
}

/* Each event of the inner reader leaves with the journal's time. */
static void
relay(void *ctx, const struct bs_event *ev)
{
	struct journal *st = ctx;
	struct bs_event e = *ev;

	e.stamp = st->stamp_len > 0 ? st->stamp : NULL;
	e.stamp_len = st->stamp_len;
	st->emit(st->ctx, &e);
}

static void
journal_close(void *state)
{
	struct journal *st = state;

	if (st == NULL)
		return;
	if (st->pf != NULL)
		bs_format_postfix.close(st->pf);
	if (st->ex != NULL)
		bs_format_exim.close(st->ex);
	free(st->msg);
	free(st->line);
	free(st);
}

static bs_status
journal_open(const struct bs_patterns *p, void **state, struct bs_diag *d)
{
	struct journal *st;
	bs_status rc;

	*state = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	rc = bs_format_postfix.open(p, &st->pf, d);
	if (rc != BS_OK)
		goto out;
	rc = bs_format_exim.open(p, &st->ex, d);
	if (rc != BS_OK)
		goto out;
	st->msg = malloc(BS_LINE_MAX);
	st->line = malloc(BS_LINE_MAX + PREFIX_MAX);
	if (st->msg == NULL || st->line == NULL) {
		rc = bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		goto out;
	}
	*state = st;
	return BS_OK;
out:
	journal_close(st);
	return rc;
}

static bs_status
journal_parse(void *state, const struct bs_line *line, bs_event_fn emit,
    void *ctx)
{
	struct journal *st = state;
	const struct bs_format *to;
	struct bs_line rebuilt = { 0 };
	void *inner;
	bs_status rc;

	if (line->cut || !scan_object(st, line->ptr, line->len) ||
	    !st->have[F_MESSAGE] || !st->have[F_IDENT])
		return BS_OK;
	if (memmem(st->val[F_IDENT], st->val_len[F_IDENT], "postfix", 7)) {
		to = &bs_format_postfix;
		inner = st->pf;
	} else if (memmem(st->val[F_IDENT], st->val_len[F_IDENT], "exim",
	    4)) {
		to = &bs_format_exim;
		inner = st->ex;
	} else {
		return BS_OK;
	}
	stamp_of(st);
	rebuilt.ptr = st->line;
	rebuilt.len = rebuild(st, &rebuilt.cut);
	rebuilt.lineno = line->lineno;
	st->emit = emit;
	st->ctx = ctx;
	rc = to->parse(inner, &rebuilt, relay, st);
	st->emit = NULL;
	st->ctx = NULL;
	return rc;
}

/*
 * An object that has the journal's own __REALTIME_TIMESTAMP and a
 * MESSAGE is certainly an entry (2); an object with a MESSAGE could be
 * (1).  Only bytes are looked at: the scanner runs in parse().
 */
static int
journal_probe(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '\x1e')
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || s[i] != '{' || memmem(s, n, "\"MESSAGE\":", 10) == NULL)
		return 0;
	return memmem(s, n, "\"__REALTIME_TIMESTAMP\":", 23) != NULL ? 2 : 1;
}

const struct bs_format bs_format_journal = {
	.name = "journal",
	.help = "systemd journal, journalctl -o json",
	.splittable = true, /* every entry is read on its own */
	.needles = NULL,
	.probe = journal_probe,
	.open = journal_open,
	.parse = journal_parse,
	.close = journal_close
};
