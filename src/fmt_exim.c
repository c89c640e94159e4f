/*
 * fmt_exim.c - Exim mainlog: delivery outcomes and refusals.
 *
 * An Exim mainlog line is a timestamp (with the optional +millisec and
 * timezone parts), an optional "[pid] " (log selector +pid), an optional
 * message id and the message.  The same lines also arrive behind a syslog
 * or journal prefix whose program name contains "exim", with or without
 * Exim's own timestamp after it, in the dialects syslog daemons write (a
 * <priority>, RFC 5424's header, a year or a zone in the stamp, a central
 * server's stamp and host in front, Solaris's "[ID n mail.info] " tag).
 * A delivery outcome is the message id followed by a two-character flag:
 *
 *	=> -> >>	delivered (first address, further address, cutthrough)
 *	==		deferred
 *	**		bounced, or expired when the reason is a give-up wording
 *	<= *>		arrival, suppressed delivery: not events
 *
 * and a refusal is a line whose message says "[temporarily ]rejected
 * COMMAND", or Exim's report that local_scan() timed out or crashed.
 * Everything else (connections, TLS, "Completed", warnings,
 * authentication failures, the stand-alone "H=host [ip]: SMTP error ..."
 * that precedes a "==" or "**" line) is not an event.
 *
 * The same file holds the reader of Exim's paniclog (bs_format_exim_panic,
 * at its end), which reads the same prefixes.
 *
 * Most lines carry no outcome, so the prefix, the message id and the flag
 * are read with byte comparisons, and a refusal needs "rejected" somewhere
 * in the message; only then do the patterns of exim.pat run.
 *
 * Codes follow DESIGN.md: on a delivery the next hop's C="250 ..."; on a
 * deferral or a bounce the remote reply quoted after "SMTP error from
 * remote mail server after ...: ", "LMTP error after ...: " or "PRDR error
 * after ...: "; on a refusal this server's reply when the reason opens with
 * one, else a callout's reply quoted in the reason.  Nothing else in the
 * line is read for codes.
 *
 * The other fields of the event record (DESIGN.md "Round 2") are read
 * with byte scans once a line is known to be an event: the recipient
 * (the address after the flag, or its <original>; "rejected RCPT <a>"),
 * the remote host (the first H=), the sender (F=<a>) and the delivery
 * time (DT=).  The parser also hands out two notes for the sender join
 * of run.c: an arrival ("<=", or "(=" for a message that was accepted
 * but fake-rejected) with its sender, and "Completed", after which the
 * message id is gone.  Those lines reach the parser only through
 * joined_needles.
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "format.h"
#include "health.h"
#include "patterns.h"

struct exim {
	const struct bs_patterns *p;
	const pcre2_code *reject, *reason, *reply, *confirm, *expired;
	const pcre2_code *session;
	int g_rej_reason, g_reason, g_reply, g_confirm;
	int g_command;		/* -1 when the reject pattern has none */
	pcre2_match_data *md;
	struct bs_extract *x;
};

/* The parts of one line that the byte-level reader found. */
struct exim_line {
	const char *stamp;	/* Exim's or syslog's timestamp, or NULL */
	size_t stamp_len;
	const char *msgid;	/* NULL when the line has none */
	size_t msgid_len;
	const char *body;	/* after the message id, if any */
	size_t body_len;
	bool dated;		/* had a timestamp or an exim syslog tag */
};

static bs_status
exim_open(const struct bs_patterns *p, void **state, struct bs_diag *d)
{
	struct exim *e;
	bs_status st;

	*state = NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	e->p = p;
#define GET(var, name) bs_patterns_get(p, "exim", name, &e->var, d)
#define GROUP(re, pat, grp, var) \
	bs_patterns_group(e->re, "exim", pat, grp, &e->var, d)
	if ((st = GET(reject, "reject")) || (st = GET(reason, "reason")) ||
	    (st = GET(reply, "reply")) || (st = GET(confirm, "confirm")) ||
	    (st = GET(expired, "expired")) || (st = GET(session, "session")) ||
	    (st = GROUP(reject, "reject", "reason", g_rej_reason)) ||
	    (st = GROUP(reason, "reason", "reason", g_reason)) ||
	    (st = GROUP(reply, "reply", "reply", g_reply)) ||
	    (st = GROUP(confirm, "confirm", "reply", g_confirm)) ||
	    (st = bs_extract_new(p, &e->x, d)))
		goto fail;
#undef GET
#undef GROUP
	/*
	 * Optional: a replacement set written before the group existed still
	 * works, and its refusals name no recipient.
	 */
	e->g_command = pcre2_substring_number_from_name(e->reject,
	    (PCRE2_SPTR)"command");
	if (e->g_command < 0)
		e->g_command = -1;
	e->md = pcre2_match_data_create(16, NULL);
	if (e->md == NULL) {
		st = bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		goto fail;
	}
	*state = e;
	return BS_OK;
fail:
	bs_extract_free(e->x);
	free(e);
	return st;
}

static void
exim_close(void *state)
{
	struct exim *e = state;

	if (e == NULL)
		return;
	pcre2_match_data_free(e->md);
	bs_extract_free(e->x);
	free(e);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* True if s[0..n) are n digits. */
static bool
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* True if s[0..n) are n letters and digits. */
static bool
alnums(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_alnum(s[i]))
			return false;
	return true;
}

/* "YYYY-MM-DD" followed by sep. */
static bool
is_date(const char *s, size_t n, char sep)
{
	return n > 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) &&
	    s[7] == '-' && digits(s + 8, 2) && s[10] == sep;
}

/* "HH:MM:SS". */
static bool
is_time(const char *s, size_t n)
{
	return n >= 8 && digits(s, 2) && s[2] == ':' && digits(s + 3, 2) &&
	    s[5] == ':' && digits(s + 6, 2);
}

/*
 * Length of an Exim timestamp at s, "2026-11-28 10:00:00" with optional
 * ".123" (+millisec) and " +0100" (log_timezone), when a space follows it;
 * 0 if there is none.
 */
static size_t
exim_stamp(const char *s, size_t n)
{
	size_t i = 19;

	if (!is_date(s, n, ' ') || !is_time(s + 11, n - 11))
		return 0;
	if (i + 4 <= n && s[i] == '.' && digits(s + i + 1, 3))
		i += 4;
	if (i + 6 <= n && s[i] == ' ' && (s[i + 1] == '+' || s[i + 1] == '-')
	    && digits(s + i + 2, 4))
		i += 6;
	return i < n && s[i] == ' ' ? i : 0;
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Where the fraction (".123") at s[i] ends: i if there is none. */
static size_t
fraction_end(const char *s, size_t n, size_t i)
{
	if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1]))
		for (i += 2; i < n && is_digit(s[i]); i++)
			;
	return i;
}

/*
 * Length of a zone at s written after a syslog timestamp and a space:
 * "+0100", "-05:00", "UTC", or three to five capitals ending in T ("CET",
 * "CEST", "GMT"), as the Postfix syslog pattern has it; then a space must
 * follow (the host name).  0 if there is none.
 */
static size_t
zone_len(const char *s, size_t n)
{
	size_t i;

	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		i = n > 3 && s[3] == ':' ? 4 : 3;
		if (n < i + 3 || !digits(s + 1, 2) || !digits(s + i, 2) ||
		    s[i + 2] != ' ')
			return 0;
		return i + 2;
	}
	for (i = 0; i < n && is_upper(s[i]); i++)
		;
	if (i == n || s[i] != ' ')
		return 0;
	if ((i == 3 && memcmp(s, "UTC", 3) == 0) ||
	    (i >= 3 && i <= 5 && s[i - 1] == 'T'))
		return i;
	return 0;
}

/*
 * Length of a syslog timestamp at s when a space follows it; 0 if none.
 * Classic "Jul 17 23:20:49" (also "Jul  7"), with the year some syslog
 * daemons add after the day or before the month ("Jul 17 2021 23:20:49",
 * "2021 Jul 17 23:20:49") and a fraction; RFC 3339
 * "2021-07-17T23:20:49.123+02:00", also with a space for the T and after
 * a weekday ("Sat 2021-07-17 23:20:49 CEST", journalctl -o short-full);
 * each perhaps followed by a zone after a space (" +0200", " CEST").
 * (Exim's own "2021-07-17 23:20:49" at the start of a line is
 * exim_stamp's.)
 */
static size_t
syslog_stamp(const char *s, size_t n)
{
	size_t i = 0, z;
	bool year = n > 5 && digits(s, 4) && s[4] == ' ';

	if (year)
		i = 5;
	if (n - i > 16 && is_upper(s[i]) && s[i + 3] == ' ' &&
	    (s[i + 4] == ' ' || is_digit(s[i + 4])) && is_digit(s[i + 5]) &&
	    s[i + 6] == ' ') {
		i += 7;
		if (!year && n - i > 5 && digits(s + i, 4) && s[i + 4] == ' ')
			i += 5;
		if (!is_time(s + i, n - i))
			return 0;
		i = fraction_end(s, n, i + 8);
	} else {
		/* A weekday first, as journalctl -o short-full writes it. */
		if (!year && n > 4 && is_upper(s[0]) && s[3] == ' ' &&
		    is_digit(s[4]))
			i = 4;
		if (year || !(is_date(s + i, n - i, 'T') ||
		    is_date(s + i, n - i, ' ')) ||
		    !is_time(s + i + 11, n - i - 11))
			return 0;
		if (s[i + 10] == 'T')
			for (i += 19; i < n && s[i] != ' '; i++)
				;
		else
			i = fraction_end(s, n, i + 19);
	}
	if (i + 1 < n && s[i] == ' ' && (z = zone_len(s + i + 1,
	    n - i - 1)) > 0)
		i += 1 + z;
	return i < n && s[i] == ' ' ? i : 0;
}

/*
 * Length of a syslog priority at s, "<22>" as a syslog server receives
 * it, with RFC 5424's version after it ("<22>1 "); 0 if none.
 */
static size_t
syslog_pri(const char *s, size_t n)
{
	size_t i, k;

	if (n < 3 || s[0] != '<')
		return 0;
	for (i = 1; i < n && i < 4 && is_digit(s[i]); i++)
		;
	if (i == 1 || i == n || s[i] != '>')
		return 0;
	for (k = i + 1; k < n && k < i + 3 && is_digit(s[k]); k++)
		;
	return k > i + 1 && k < n && s[k] == ' ' ? k + 1 : i + 1;
}

/*
 * Length of Solaris's message tag at s, "[ID 197553 mail.info] ", that
 * its syslogd writes after the program's ": "; 0 if none.
 */
static size_t
solaris_tag(const char *s, size_t n)
{
	size_t i = 4, k;

	if (n < 4 || memcmp(s, "[ID ", 4) != 0)
		return 0;
	for (k = i; k < n && is_digit(s[k]); k++)
		;
	if (k == i || k == n || s[k] != ' ')
		return 0;
	for (i = ++k; k < n && (is_digit(s[k]) || (s[k] >= 'a' &&
	    s[k] <= 'z')); k++)
		;
	if (k == i || k == n || s[k] != '.')
		return 0;
	for (i = ++k; k < n && s[k] >= 'a' && s[k] <= 'z'; k++)
		;
	if (k == i || k + 1 >= n || s[k] != ']' || s[k + 1] != ' ')
		return 0;
	return k + 2;
}

/*
 * Length of what follows the program name in RFC 5424, at s: " PID MSGID
 * SD " (PID digits or "-", MSGID a word, SD "-" or [elements], whose
 * quoted values may hold "\]" and "\""), and a byte order mark; 0 if that
 * is not there.
 */
static size_t
rfc5424_fields(const char *s, size_t n)
{
	size_t i = 1, k;

	if (n < 8 || s[0] != ' ')
		return 0;
	if (s[i] == '-')
		i++;
	else
		while (i < n && is_digit(s[i]))
			i++;
	if (i == 1 || i >= n || s[i] != ' ')
		return 0;
	for (k = ++i; k < n && s[k] != ' ' && s[k] != '\t'; k++)
		;
	if (k == i || k >= n || s[k] != ' ')
		return 0;
	i = k + 1;
	if (i < n && s[i] == '-') {
		i++;
	} else {
		if (i >= n || s[i] != '[')
			return 0;
		while (i < n && s[i] == '[') {
			bool quoted = false;

			for (i++; i < n && (quoted || s[i] != ']'); i++) {
				if (s[i] == '\\' && quoted)
					i++;
				else if (s[i] == '\\')
					return 0;
				else if (s[i] == '"')
					quoted = !quoted;
			}
			if (i >= n)
				return 0;
			i++;
		}
	}
	if (i >= n || s[i] != ' ')
		return 0;
	i++;
	if (n - i >= 3 && memcmp(s + i, "\xEF\xBB\xBF", 3) == 0)
		i += 3;
	return i;
}

/*
 * Words that may stand before the program in a syslog line, as in
 * Postfix's syslog pattern: the host name, a central server's own stamp
 * and host in front of the sender's, a facility such as <mail.info>.
 */
enum { TAG_WORDS = 7 };

/*
 * Length of a syslog "host program[pid]: " (or "program[pid]: ") at s
 * whose program name contains "exim", ": " included, with Solaris's
 * message tag after it if there is one; or of RFC 5424's "host exim PID
 * MSGID SD ".  0 if there is none.  Only such a program name says the
 * rest is an Exim message.
 */
static size_t
exim_tag(const char *s, size_t n)
{
	size_t word, i, k, start = 0;

	for (word = 0; word <= TAG_WORDS; word++) {
		bool exim = false;

		for (i = start; i < n && s[i] != ' ' && s[i] != ':' &&
		    s[i] != '[' && s[i] != '='; i++)
			if (s[i] == 'e' && i + 4 <= n &&
			    memcmp(s + i, "exim", 4) == 0)
				exim = true;
		/*
		 * No host name, stamp, facility or program holds "=": this is
		 * a message already ("H=... rejected RCPT" after Exim's own
		 * stamp), and scanning on would only cost.
		 */
		if (i < n && s[i] == '=')
			return 0;
		if (exim && i < n && s[i] == ' ' &&
		    (k = rfc5424_fields(s + i, n - i)) > 0)
			return i + k;
		if (exim && i < n && s[i] == '[') {
			while (++i < n && is_digit(s[i]))
				;
			if (i >= n || s[i] != ']')
				return 0;
			i++;
		}
		if (exim && i + 1 < n && s[i] == ':' && s[i + 1] == ' ')
			return i + 2 + solaris_tag(s + i + 2, n - i - 2);
		/*
		 * Not the program: it may have been the host name.  Another
		 * program's "name[pid]: " or "name: " ends the syslog prefix:
		 * the line is that program's.
		 */
		k = i;
		if (k < n && s[k] == '[') {
			for (k++; k < n && is_digit(s[k]); k++)
				;
			k = k < n && s[k] == ']' && k > i + 1 ? k + 1 : i;
		}
		if (k + 1 < n && s[k] == ':' && s[k + 1] == ' ')
			return 0;
		while (i < n && s[i] != ' ')
			i++;
		if (i >= n)
			return 0;
		start = i + 1;
	}
	return 0;
}

/*
 * Length of the piece marker "[2/3] " (or "[2\3] ") at s that Exim puts on
 * each part of a line it had to split for syslog, with the part's number
 * in *piece; 0 if there is none.
 */
static size_t
syslog_piece(const char *s, size_t n, unsigned long *piece)
{
	size_t i = 1, k;
	unsigned long v = 0;

	if (n < 6 || s[0] != '[')
		return 0;
	while (i < n && i < 6 && is_digit(s[i]))
		v = v * 10 + (unsigned long)(s[i++] - '0');
	if (i == 1 || i >= n || (s[i] != '/' && s[i] != '\\'))
		return 0;
	k = ++i;
	while (i < n && i < k + 5 && is_digit(s[i]))
		i++;
	if (i == k || i + 1 >= n || s[i] != ']' || s[i + 1] != ' ')
		return 0;
	*piece = v;
	return i + 2;
}

/*
 * Length of an Exim message id at s followed by a space: "10HmaX-0005vi-00"
 * (6-6-2, before Exim 4.97) or "10HmaX-000000005vi-0000" (6-11-4); 0 if
 * none.
 */
static size_t
exim_msgid(const char *s, size_t n)
{
	/* The dashes first: they turn away most words at once. */
	if (n > 16 && s[6] == '-' && s[13] == '-' && s[16] == ' ' &&
	    alnums(s, 6) && alnums(s + 7, 6) && alnums(s + 14, 2))
		return 16;
	if (n > 23 && s[6] == '-' && s[18] == '-' && s[23] == ' ' &&
	    alnums(s, 6) && alnums(s + 7, 11) && alnums(s + 19, 4))
		return 23;
	return 0;
}

/*
 * The rest of a line from s + i: a message id of idlen bytes (0: none),
 * then the body.
 */
static bool
set_body(struct exim_line *l, const char *s, size_t n, size_t i,
    size_t idlen, bool tagged)
{
	if (idlen > 0) {
		l->msgid = s + i;
		l->msgid_len = idlen;
		i += idlen + 1;
	}
	l->body = s + i;
	l->body_len = n - i;
	l->dated = l->stamp != NULL || tagged;
	return true;
}

/*
 * What may follow a syslog tag at s[*i]: Exim splits a line too long for
 * syslog into pieces marked "[1/3] ", "[2/3] " ... ('\' instead of '/'
 * where it split at a newline), and only the first holds what decides an
 * event (the others are fragments of a reply text and must not be read
 * as lines: false); then Exim's own timestamp, which wins over syslog's.
 */
static inline bool
tag_tail(const char *s, size_t n, size_t *i, struct exim_line *l)
{
	unsigned long piece;
	size_t k;

	if ((k = syslog_piece(s + *i, n - *i, &piece)) > 0) {
		if (piece != 1)
			return false;
		*i += k;
	}
	if ((k = exim_stamp(s + *i, n - *i)) > 0) {
		l->stamp = s + *i;
		l->stamp_len = k;
		*i += k + 1;
	}
	return true;
}

/* Past the +pid log selector's "[4242] " at s[i], if it is there. */
static inline size_t
skip_pid(const char *s, size_t n, size_t i)
{
	size_t k;

	if (i < n && s[i] == '[') {
		for (k = i + 1; k < n && is_digit(s[k]); k++)
			;
		if (k > i + 1 && k + 1 < n && s[k] == ']' && s[k + 1] == ' ')
			return k + 2;
	}
	return i;
}

/*
 * Hot: runs for every line.  Split a line into its timestamp, message id
 * and body.  Returns false for a line that is not an Exim line at all
 * (another program's syslog line, a comment in an extract).  A line
 * without a timestamp is read when it opens with a message id (extracts
 * that keep only the message part); any other undated line could be
 * anything, and is not.
 */
static bool
split_line(const char *s, size_t n, struct exim_line *l)
{
	size_t i = 0, k, pri;
	bool tagged;

	memset(l, 0, sizeof(*l));
	/* A syslog server's raw input, "<22>": a syslog line follows. */
	pri = syslog_pri(s, n);
	if (pri == 0 && (k = exim_stamp(s, n)) > 0) {
		l->stamp = s;
		l->stamp_len = k;
		i = k + 1;
		/* A message id next: a mainlog line, almost all of them. */
		if ((k = exim_msgid(s + i, n - i)) > 0)
			return set_body(l, s, n, i, k, false);
		/* "2019-10-22 03:39:17 mx1 exim[29786]: ..." (syslog-ng). */
		k = exim_tag(s + i, n - i);
		tagged = k > 0;
		i += k;
	} else {
		i = pri;
		if ((k = syslog_stamp(s + i, n - i)) > 0) {
			l->stamp = s + i;
			l->stamp_len = k;
			i += k + 1;
		}
		if ((k = exim_tag(s + i, n - i)) > 0) {
			tagged = true;
			i += k;
		} else if (i == 0 && exim_msgid(s, n) > 0) {
			/*
			 * An extract that kept only the message part: a line
			 * that opens with a message id is still Exim's.
			 */
			tagged = false;
		} else
			return false;
	}
	if (tagged && !tag_tail(s, n, &i, l))
		return false;
	i = skip_pid(s, n, i);
	return set_body(l, s, n, i, exim_msgid(s + i, n - i), tagged);
}

/*
 * Hot: true if s[0..n) contains "rejected".  The scan looks for its rare
 * 'j' with memchr (vectorised in every libc) rather than for its first
 * letter, which ordinary text is full of; memmem is a GNU extension.
 */
static bool
has_rejected(const char *s, size_t n)
{
	static const char word[] = "rejected";
	const char *p = s + 2, *end = s + n;

	while (n >= 8 && p + 6 <= end &&
	    (p = memchr(p, 'j', (size_t)(end - p) - 5)) != NULL) {
		if (memcmp(p - 2, word, 8) == 0)
			return true;
		p++;
	}
	return false;
}

/* What the two-character flag after a message id says. */
enum {
	FLAG_NONE = -1,		/* no flag: maybe a refusal */
	FLAG_QUIET = -2,	/* "*>" suppressed: no event */
	FLAG_ARRIVAL = -3	/* "<=", "(=": no event, a note for the join */
};

/*
 * The kind the flag at the start of body b[0..n) stands for
 * (BS_DELIVERED, BS_DEFERRED or BS_BOUNCED), or FLAG_NONE, FLAG_QUIET,
 * FLAG_ARRIVAL.
 */
static int
flag_kind(const char *b, size_t n)
{
	if (n < 3 || b[2] != ' ')
		return FLAG_NONE;
	if ((b[0] == '=' || b[0] == '-' || b[0] == '>') && b[1] == '>')
		return BS_DELIVERED;
	if (b[0] == '=' && b[1] == '=')
		return BS_DEFERRED;
	if (b[0] == '*' && b[1] == '*')
		return BS_BOUNCED;
	if ((b[0] == '<' || b[0] == '(') && b[1] == '=')
		return FLAG_ARRIVAL;
	if (b[0] == '*' && b[1] == '>')
		return FLAG_QUIET;
	return FLAG_NONE;
}

/* "Completed", alone or followed by a space (+queue_time_overall). */
static bool
is_completed(const char *b, size_t n)
{
	return n >= 9 && b[0] == 'C' && memcmp(b, "Completed", 9) == 0 &&
	    (n == 9 || b[9] == ' ');
}

/*
 * The fields of the event record (DESIGN.md "Round 2") below are read
 * only on event and note lines, with byte scans: Exim writes them in a
 * fixed order with fixed keys, and a regex per field would cost more than
 * the codes themselves.
 */

static void
set_text(struct bs_text *t, const char *p, size_t n)
{
	t->ptr = p;
	t->len = n;
}

/*
 * The first field KEY (such as "H=", two or three bytes) in s[0..n) that
 * opens a word: at the start of s or after a space.  NULL if there is none.
 */
static const char *
find_field(const char *s, size_t n, const char *key, size_t klen)
{
	const char *p = s, *end = s + n;

	while ((size_t)(end - p) >= klen &&
	    (p = memchr(p, key[0], (size_t)(end - p) - klen + 1)) != NULL) {
		if ((p == s || p[-1] == ' ') && p[1] == key[1] &&
		    (klen < 3 || p[2] == key[2]))
			return p;
		p++;
	}
	return NULL;
}

/* Length of s[0..n) up to its first space, or n. */
static size_t
word_len(const char *s, size_t n)
{
	const char *sp = memchr(s, ' ', n);

	return sp != NULL ? (size_t)(sp - s) : n;
}

/*
 * Length of the address that opens s[0..n): up to the next space, a quoted
 * local part ("a b"@example.org) read whole.
 */
static size_t
address_len(const char *s, size_t n)
{
	size_t i = 0;

	if (n > 0 && s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i++)
			if (s[i] == '\\' && i + 1 < n)
				i++;
		if (i < n)
			i++;
	}
	return i + word_len(s + i, n - i);
}

/*
 * Where R= or T= opens a word first in s[k..n), or n; *from is set to the
 * F=< before it, if any.  On an outcome line Exim writes the address, its
 * "(parent)" and <original>, F=<sender> (+sender_on_delivery), Q=, P=<>,
 * then R= and T=, then H=: a walk over the '=' signs from the address to
 * R= finds the sender and bounds the search for the original and the
 * host, and usually meets no '=' but R='s own.
 */
static size_t
find_router(const char *s, size_t k, size_t n, const char **from)
{
	const char *q;
	size_t i = k, e;

	*from = NULL;
	while (i < n && (q = memchr(s + i, '=', n - i)) != NULL) {
		e = (size_t)(q - s);
		i = e + 1;
		if (e < k + 2 || s[e - 2] != ' ')
			continue;
		if (s[e - 1] == 'R' || s[e - 1] == 'T')
			return e - 1;
		if (s[e - 1] == 'F' && i < n && s[i] == '<' && *from == NULL)
			*from = q - 1;
	}
	return n;
}

/*
 * The recipient of an outcome line, s[0..n) being the text after the flag
 * (up to the remote's reply, if any), k the length of the address that
 * opens it and rt where R= or T= is (find_router).  Exim writes the
 * address it delivered to, then "(parent)" for a pipe, file or reply,
 * then the <original> address when that differs:
 *
 *	=> alice@example.net R=...			alice@example.net
 *	=> userx <userx@example.org> R=...		userx@example.org
 *	=> :blackhole: <a@example.org> R=...		a@example.org
 *	** |/bin/cmd args (b@example.org) <a@example.org> R=...
 *							a@example.org
 *	** a@example.net: retry timeout exceeded	a@example.net
 *	** mua_wrapper is set but ...			mua_wrapper
 *
 * An address with an '@' is the recipient as written; one without is a
 * local part, a pipe or a file, and the <original> stands for it.  The
 * original is looked for before R= and T= (a pipe command may hold
 * spaces, ':' and '<' itself); it opens a word and ends at a '>' that
 * ends one.
 */
static void
read_recipient(const char *s, size_t n, size_t k, size_t rt,
    struct bs_event *ev)
{
	const char *o, *gt, *lim = s + rt;
	size_t a = k;

	/*
	 * A ':' glued to the address opens the reason instead, except in
	 * the router's special addresses (:blackhole:, :defer:, :fail:).
	 */
	if (a > 1 && s[a - 1] == ':' && s[0] != ':')
		a--;
	set_text(&ev->recipient, s, a);
	if (a < k || memchr(s, '@', a) != NULL)
		return;
	for (o = s + k; (o = memchr(o, '<', (size_t)(lim - o))) != NULL; o++)
		if (o > s && o[-1] == ' ')
			break;
	if (o == NULL)
		return;
	for (gt = o + 1; (gt = memchr(gt, '>', (size_t)(lim - gt))) != NULL;
	    gt++)
		if (gt + 1 == s + n || gt[1] == ' ' || gt[1] == ':')
			break;
	if (gt != NULL)
		set_text(&ev->recipient, o + 1, (size_t)(gt - o - 1));
}

/*
 * The remote host of the first H= in s[0..n): H=NAME [IP], H=NAME (HELO)
 * [IP], H=(HELO) [IP], H=[IP], each IP perhaps followed by ":port", or a
 * bare H=NAME (a local transport's host).  A HELO name is the client's
 * claim, not a name: H=(HELO) [IP] gives the IP alone.  The HELO name may
 * hold spaces and brackets of its own ("([192.0.2.1])"): it ends at the
 * first ") [".
 */
static void
read_remote(const char *s, size_t n, struct bs_event *ev)
{
	const char *h = find_field(s, n, "H=", 2), *p, *end = s + n, *q;

	if (h == NULL)
		return;
	p = h + 2;
	if (p < end && *p != '(' && *p != '[') {
		q = p + word_len(p, (size_t)(end - p));
		set_text(&ev->remote, p, (size_t)(q - p));
		if (end - q < 2 || (q[1] != '(' && q[1] != '['))
			return;
		p = q + 1;
	}
	if (p < end && *p == '(') {
		for (q = p + 1; (q = memchr(q, ')', (size_t)(end - q))) != NULL;
		    q++)
			if (end - q >= 3 && q[1] == ' ' && q[2] == '[')
				break;
		if (q == NULL)
			return;
		p = q + 2;
	}
	if (p < end && *p == '[' &&
	    (q = memchr(p + 1, ']', (size_t)(end - p - 1))) != NULL)
		set_text(&ev->remote_ip, p + 1, (size_t)(q - p - 1));
}

/*
 * The sender of the field F=<a> at f (NULL: none), up to end; "<>" is the
 * null sender, "".
 */
static void
read_sender(const char *f, const char *end, struct bs_event *ev)
{
	const char *q;

	if (f != NULL && (q = memchr(f + 3, '>', (size_t)(end - f - 3))))
		set_text(&ev->sender, f + 3, (size_t)(q - f - 3));
}

/*
 * The delivery time of a delivery line s[0..n) (from after the remote's
 * reply, if any), in seconds.  DT= is the last field Exim writes on it
 * (delivery_log() ends with it), so only the last word is read.  Exim
 * writes whole seconds as "45s", "2m3s", "1h2m3s", "1d2h", "1w"
 * (readconf_printtime), and with +millisec a time under five seconds as
 * "0.123s".  Anything else leaves the delay unstated.
 */
static void
read_delay(const char *s, size_t n, struct bs_event *ev)
{
	const char *p = s + n, *end = s + n;
	double total = 0;
	int parts = 0;

	/*
	 * Back over what a time is written with, so that the usual last
	 * word ("T=local_delivery", C="...") is turned away at its last
	 * byte; the longest time, "52w6d23h59m59s" or so, is far shorter
	 * than the bound.
	 */
	while (p > s && end - p < 32 && (is_digit(p[-1]) || p[-1] == '.' ||
	    p[-1] == 'w' || p[-1] == 'd' || p[-1] == 'h' || p[-1] == 'm' ||
	    p[-1] == 's'))
		p--;
	if (p - s < 4 || memcmp(p - 4, " DT=", 4) != 0)
		return;
	for (; p < end && *p != ' '; parts++) {
		double v = 0, scale = 1;
		int digs = 0;

		/* Nine digits at most: no part of a real time needs more. */
		for (; p < end && is_digit(*p) && digs < 9; p++, digs++)
			v = v * 10 + (*p - '0');
		if (digs == 0)
			return;
		if (p < end && *p == '.') {
			for (p++, digs = 0; p < end && is_digit(*p) && digs < 9;
			    p++, digs++) {
				scale /= 10;
				v += (*p - '0') * scale;
			}
			if (digs == 0)
				return;
		}
		if (p >= end)
			return;
		switch (*p++) {
		case 'w': v *= 7 * 86400; break;
		case 'd': v *= 86400; break;
		case 'h': v *= 3600; break;
		case 'm': v *= 60; break;
		case 's': break;
		default: return;
		}
		total += v;
	}
	if (parts > 0)
		ev->delay = total;
}

/*
 * The recipient, the sender and the remote host of an outcome line,
 * s[0..n) being the text after the flag up to the remote's reply (which
 * is the remote's text, not Exim's).
 */
static void
read_outcome(const char *s, size_t n, struct bs_event *ev)
{
	const char *from;
	size_t k = address_len(s, n), rt = find_router(s, k, n, &from);

	read_recipient(s, n, k, rt, ev);
	read_sender(from, s + n, ev);
	/* H= after R= and T=; a line without them is searched whole. */
	if (rt == n)
		rt = k;
	read_remote(s + rt, n - rt, ev);
}

/* Whether s[0..n) starts with word. */
static bool
opens(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);

	return n >= k && memcmp(s, word, k) == 0;
}

/*
 * The command that Exim names at s[0..n): what its smtp transport writes
 * after "after " ("RCPT TO:<a>", "end of data", "initial connection",
 * "EHLO name", with "pipelined " in front when it was sent so), and the
 * commands a refusal names.  Unknown words leave it unstated.
 */
static enum bs_command
command_at(const char *s, size_t n)
{
	static const struct {
		const char *word;
		enum bs_command cmd;
	} words[] = {
		{ "RCPT", BS_CMD_RCPT }, { "MAIL", BS_CMD_MAIL },
		{ "end of data", BS_CMD_DATA }, { "DATA", BS_CMD_DATA },
		{ "BDAT", BS_CMD_DATA }, { "sending data block", BS_CMD_DATA },
		{ "initial connection", BS_CMD_CONN },
		{ "connection", BS_CMD_CONN }, { "QUIT", BS_CMD_CONN },
		{ "EHLO", BS_CMD_HELO }, { "HELO", BS_CMD_HELO },
		{ "LHLO", BS_CMD_HELO }, { "STARTTLS", BS_CMD_OTHER },
		{ "AUTH", BS_CMD_OTHER },
	};
	size_t i;

	if (opens(s, n, "pipelined ")) {
		s += 10;
		n -= 10;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (opens(s, n, words[i].word))
			return words[i].cmd;
	return BS_CMD_UNSTATED;
}

/*
 * The command a quoted reply answered, from its opening o[0..n) as the
 * reply pattern found it: "SMTP error from remote mail server after
 * RCPT TO:<a>: ", "LMTP error after end of data: ", or a callout's
 * 'response to "MAIL FROM:<a>" from host [ip] was: '.
 */
static enum bs_command
opening_command(const char *o, size_t n)
{
	const char *a;

	if (opens(o, n, "response to \""))
		return command_at(o + 13, n - 13);
	a = memmem(o, n, "after ", 6);
	return a == NULL ? BS_CMD_UNSTATED :
	    command_at(a + 6, n - (size_t)(a + 6 - o));
}

/*
 * Codes of the reply that starts where the reply pattern finds it in
 * s[0..n), and the command it answered unless ev already has one (a
 * refusal names the command this server refused, not the callout's).
 * Returns 1 when it found a reply (codes may still be empty), 0 when
 * there is none, -1 on a PCRE2 error.
 */
static int
quoted_reply(struct exim *e, const char *s, size_t n, struct bs_event *ev)
{
	const char *r, *o;
	size_t rl, ol;
	int rc;

	rc = bs_match(e->p, e->reply, s, n, 0, e->md);
	if (rc <= 0)
		return rc;
	if (!bs_group_span(e->md, e->g_reply, &r, s, &rl))
		return 0;
	if (ev->command == BS_CMD_UNSTATED &&
	    bs_group_span(e->md, 0, &o, s, &ol))
		ev->command = opening_command(o, ol);
	rl = n - (size_t)(r - s);
	ev->reply = r;
	ev->reply_len = rl;
	return bs_extract_reply(e->x, r, rl, &ev->codes) < 0 ? -1 : 1;
}

/*
 * "=> -> >>": the code, if any, is the next hop's C="...".  s[0..n) is the
 * text after the flag.  H= and F= come before C="...", DT= after it, so
 * the reply text, which is the remote's, is not read for them.
 */
static bs_status
parse_delivered(struct exim *e, const char *s, size_t n, struct bs_event *ev)
{
	bs_status st = BS_OK;
	const char *r;
	size_t rl, head = n, tail = 0;
	int rc;

	ev->kind = BS_DELIVERED;
	rc = bs_match(e->p, e->confirm, s, n, 0, e->md);
	if (rc < 0)
		st = BS_ERR_MATCH;
	else if (rc > 0 && bs_group_span(e->md, e->g_confirm, &r, s, &rl)) {
		ev->reply = r;
		ev->reply_len = rl;
		head = (size_t)(r - s);
		tail = head + rl;
		if (bs_extract_reply(e->x, r, rl, &ev->codes) < 0)
			st = BS_ERR_MATCH;
	}
	read_outcome(s, head, ev);
	read_delay(s + tail, n - tail, ev);
	return st;
}

/*
 * "== **": the remote reply when one is quoted; otherwise the reason may
 * name a failure to connect (not a time-out in an open session).  s[0..n)
 * is the text after the flag.
 *
 * H= and F= are read before the quoted remote reply, which is the
 * remote's text, but not only before the reason: a deferral puts the
 * system's error first ("defer (110): Connection timed out H=mx [ip]:
 * SMTP timeout after ...").
 */
static bs_status
parse_failure(struct exim *e, const char *s, size_t n, enum bs_kind kind,
    struct bs_event *ev)
{
	bs_status st = BS_ERR_MATCH;
	const char *why;
	size_t whyl, head = n;
	int rc;

	ev->kind = kind;
	if (kind == BS_BOUNCED) {
		rc = bs_match(e->p, e->expired, s, n, 0, e->md);
		if (rc < 0)
			goto out;
		if (rc > 0)
			ev->kind = BS_EXPIRED;
	}
	rc = bs_match(e->p, e->reason, s, n, 0, e->md);
	if (rc < 0)
		goto out;
	if (rc > 0 && bs_group_span(e->md, e->g_reason, &why, s, &whyl))
		whyl = n - (size_t)(why - s);
	else {
		why = s;
		whyl = n;
	}
	rc = quoted_reply(e, s, n, ev);
	if (rc < 0)
		goto out;
	if (rc > 0)
		head = (size_t)(ev->reply - s);
	if (ev->codes.basic[0] == '\0' && ev->codes.enhanced[0] == '\0') {
		ev->reply = why;
		ev->reply_len = whyl;
		ev->connfail = bs_extract_connfail(why, whyl);
	}
	if (ev->connfail != 0) {
		rc = bs_match(e->p, e->session, why, whyl, 0, e->md);
		if (rc < 0)
			goto out;
		if (rc > 0)
			ev->connfail = 0;
	}
	st = BS_OK;
out:
	read_outcome(s, head, ev);
	return st;
}

/*
 * The recipient of a refusal of RCPT: "rejected RCPT <a>" (or a bare
 * "RCPT a", a ':' glued to it not part of it).  cmd is the refused
 * command as the reject pattern found it, end the end of s.
 */
static void
read_rcpt(const char *cmd, size_t cmdl, const char *end, struct bs_event *ev)
{
	const char *a = cmd + cmdl, *q;
	size_t k;

	if (cmdl != 4 || memcmp(cmd, "RCPT", 4) != 0 || end - a < 2 ||
	    *a != ' ')
		return;
	a++;
	if (*a == '<') {
		if ((q = memchr(a + 1, '>', (size_t)(end - a - 1))) != NULL)
			set_text(&ev->recipient, a + 1, (size_t)(q - a - 1));
		return;
	}
	k = address_len(a, (size_t)(end - a));
	if (k > 0 && a[k - 1] == ':')
		k--;
	if (k > 0)
		set_text(&ev->recipient, a, k);
}

/*
 * The command of a refusal as the reject pattern names it: the ACL that
 * refused (RCPT, MAIL, "after DATA", "connection", EHLO ...).  The ACLs
 * that run once the message is read (DATA, MIME, DKIM, PRDR,
 * local_scan(), the non-SMTP ACL) answer its data; MAILAUTH is MAIL's.
 */
static enum bs_command
refused_command(const char *c, size_t n)
{
	static const char *const data[] = {
		"after DATA", "PREDATA", "MIME", "during MIME", "DKIM",
		"PRDR", "by local_scan()", "by non-SMTP ACL",
	};
	size_t i;

	for (i = 0; i < sizeof(data) / sizeof(data[0]); i++)
		if (n == strlen(data[i]) && memcmp(c, data[i], n) == 0)
			return BS_CMD_DATA;
	if (n == 8 && memcmp(c, "MAILAUTH", 8) == 0)
		return BS_CMD_MAIL;
	if (n == 4 && (memcmp(c, "RCPT", 4) == 0 || memcmp(c, "MAIL", 4) == 0 ||
	    memcmp(c, "DATA", 4) == 0 || memcmp(c, "BDAT", 4) == 0 ||
	    memcmp(c, "EHLO", 4) == 0 || memcmp(c, "HELO", 4) == 0))
		return command_at(c, n);
	if (n == 10 && memcmp(c, "connection", 10) == 0)
		return BS_CMD_CONN;
	return BS_CMD_OTHER;
}

/*
 * "[temporarily ]rejected COMMAND": this server's reply when the reason
 * opens with one, else a callout's reply quoted in the reason.  A
 * connection failure quoted in the reason is the callout's, not this
 * refusal's, so no connfail bits are set.  Returns with ev->kind untouched
 * when the line is not a refusal.
 */
static bs_status
parse_reject(struct exim *e, const char *s, size_t n, struct bs_event *ev)
{
	const char *why, *cmd;
	size_t whyl, cmdl, head;
	int rc;

	rc = bs_match(e->p, e->reject, s, n, 0, e->md);
	if (rc <= 0)
		return rc < 0 ? BS_ERR_MATCH : BS_OK;
	ev->kind = BS_REJECTED;
	/*
	 * The client and the sender come before the reason, which may be
	 * anyone's text; without a reason ("rejected connection from
	 * H=[ip]") the whole line is Exim's.
	 */
	if (bs_group_span(e->md, e->g_command, &cmd, s, &cmdl)) {
		read_rcpt(cmd, cmdl, s + n, ev);
		ev->command = refused_command(cmd, cmdl);
	}
	head = bs_group_span(e->md, e->g_rej_reason, &why, s, &whyl) ?
	    (size_t)(why - s) : n;
	read_remote(s, head, ev);
	read_sender(find_field(s, head, "F=<", 3), s + head, ev);
	if (why == NULL)
		return BS_OK;
	whyl = n - (size_t)(why - s);
	ev->reply = why;
	ev->reply_len = whyl;
	rc = bs_extract_reply(e->x, why, whyl, &ev->codes);
	if (rc == 0)
		rc = quoted_reply(e, why, whyl, ev);
	if (rc < 0)
		return BS_ERR_MATCH;
	if (ev->codes.basic[0] == '\0' && ev->codes.enhanced[0] == '\0') {
		ev->reply = why;
		ev->reply_len = whyl;
	}
	return BS_OK;
}

/*
 * Whether body b[0..n) is Exim's own report that local_scan() ran out of
 * time or crashed (receive.c), after which the message is refused with a
 * temporary error:
 *   local_scan() function timed out - message temporarily rejected
 *       (size 2345)
 *   local_scan() function crashed with signal 11 - message temporarily
 *       rejected (size 2345)
 * The wording is fixed and the line says "rejected" without a command,
 * so it is read here, with byte comparisons, not by the reject pattern.
 */
static bool
is_scan_failure(const char *b, size_t n)
{
	static const char head[] = "local_scan() function ";
	static const char crash[] = "crashed with signal ";
	static const char tail[] = " - message temporarily rejected";
	size_t i = sizeof(head) - 1, k;

	if (n < i || b[0] != 'l' || memcmp(b, head, i) != 0)
		return false;
	if (n - i >= 9 && memcmp(b + i, "timed out", 9) == 0) {
		i += 9;
	} else if (n - i >= sizeof(crash) - 1 &&
	    memcmp(b + i, crash, sizeof(crash) - 1) == 0) {
		i += sizeof(crash) - 1;
		for (k = i; k < n && is_digit(b[k]); k++)
			;
		if (k == i)
			return false;
		i = k;
	} else
		return false;
	k = sizeof(tail) - 1;
	return n - i >= k && memcmp(b + i, tail, k) == 0 &&
	    (n - i == k || b[i + k] == ' ');
}

/*
 * The notes for the sender join: "MSGID <= sender ..." (or "(= ") arrives
 * from sender ("<>" is the null sender, ""), "MSGID Completed" is gone.
 * They carry no kind.
 */
static void
emit_arrival(struct bs_event *ev, const char *b, size_t n, bs_event_fn emit,
    void *ctx)
{
	size_t k = address_len(b + 3, n - 3);

	ev->note = BS_NOTE_ARRIVAL;
	if (k == 2 && b[3] == '<' && b[4] == '>')
		k = 0;
	set_text(&ev->sender, b + 3, k);
	emit(ctx, ev);
}

/*
 * A notification this server sent (notify.h): the arrival of a message
 * from the null sender that Exim made itself about the message R= names,
 * "NEWID <= <> R=ID U=user P=local S=..." (a bounce, or a delay warning:
 * Exim logs both alike, and both count as non-delivery notifications).
 * Leaves ev as it found it.
 */
static void
emit_notify(struct bs_event *ev, const char *b, size_t n, bs_event_fn emit,
    void *ctx)
{
	struct bs_event nt = *ev;
	const char *r, *p;
	size_t k;

	if (n < 9 || memcmp(b, "<= <> R=", 8) != 0 ||
	    memmem(b, n, " P=local", 8) == NULL)
		return;
	r = b + 8;
	p = memchr(r, ' ', n - 8);
	k = p != NULL ? (size_t)(p - r) : n - 8;
	if (k == 0)
		return;
	nt.note = BS_NOTE_NOTIFY;
	nt.kind = BS_BOUNCED;
	set_text(&nt.notify_id, ev->msgid, ev->msgid_len);
	nt.msgid = r;
	nt.msgid_len = k;
	emit(ctx, &nt);
}

/*
 * Exim's "Warning: TEXT": at the start of the body, or after the session's
 * fields ("H=(helo) [IP] F=<a> Warning: ACL \"warn\" statement skipped:
 * ..."); a note for the aggregate (health.h), no event.  Only lines that
 * are neither deliveries nor refusals get here, so a "Warning:" quoted in
 * a reply is not taken.
 */
static bool
parse_health(const char *b, size_t n, struct bs_event *ev)
{
	static const char w[] = "Warning: ";
	const char *p = b;
	size_t wl = sizeof(w) - 1;

	while ((p = memmem(p, (size_t)(b + n - p), w, wl)) != NULL) {
		if (p == b || p[-1] == ' ')
			break;
		p++;
	}
	if (p == NULL)
		return false;
	ev->note = BS_NOTE_HEALTH;
	ev->kind = BS_KIND_COUNT;	/* a note has no kind */
	ev->severity = BS_SEV_WARNING;
	ev->reply = p + wl;
	ev->reply_len = (size_t)(b + n - (p + wl));
	ev->program = (struct bs_text){ "exim", 4 };
	return true;
}

/*
 * Hot: runs for every line of an Exim log that holds a needle.  A PCRE2
 * failure on a line whose flag already decided the kind still emits the
 * event (without codes), so the counts stay right, and reports the
 * failure.
 */
static bs_status
exim_parse(void *state, const struct bs_line *line, bs_event_fn emit,
    void *ctx)
{
	struct exim *e = state;
	struct exim_line l;
	struct bs_event ev;
	bs_status st;
	int flag;

	if (!split_line(line->ptr, line->len, &l))
		return BS_OK;
	flag = l.msgid != NULL ? flag_kind(l.body, l.body_len) : FLAG_NONE;
	if (flag == FLAG_QUIET)
		return BS_OK;
	bs_event_init(&ev);
	ev.kind = BS_KIND_COUNT;
	ev.stamp = l.stamp;
	ev.stamp_len = l.stamp_len;
	ev.msgid = l.msgid;
	ev.msgid_len = l.msgid_len;
	if (flag == BS_DELIVERED)
		st = parse_delivered(e, l.body + 3, l.body_len - 3, &ev);
	else if (flag >= 0)
		st = parse_failure(e, l.body + 3, l.body_len - 3,
		    (enum bs_kind)flag, &ev);
	else if (flag == FLAG_ARRIVAL) {
		ev.kind = BS_DELIVERED;		/* a note has no kind */
		emit_notify(&ev, l.body, l.body_len, emit, ctx);
		emit_arrival(&ev, l.body, l.body_len, emit, ctx);
		return BS_OK;
	} else if (l.msgid != NULL && is_completed(l.body, l.body_len)) {
		ev.kind = BS_DELIVERED;		/* a note has no kind */
		ev.note = BS_NOTE_GONE;
		emit(ctx, &ev);
		return BS_OK;
	} else if (is_scan_failure(l.body, l.body_len)) {
		/* A refusal without a code; Exim's words are its text. */
		ev.kind = BS_REJECTED;
		ev.command = BS_CMD_DATA;
		ev.reply = l.body;
		ev.reply_len = l.body_len;
		st = BS_OK;
	} else if (has_rejected(l.body, l.body_len))
		st = parse_reject(e, l.body, l.body_len, &ev);
	else {
		if (parse_health(l.body, l.body_len, &ev))
			emit(ctx, &ev);
		return BS_OK;
	}
	if (ev.kind != BS_KIND_COUNT) {
		if (st != BS_OK) {
			/* Codes read before the failure are not trusted. */
			memset(&ev.codes, 0, sizeof(ev.codes));
			ev.connfail = 0;
		}
		emit(ctx, &ev);
	}
	return st;
}

/*
 * 2 for an Exim timestamp (possibly behind an exim syslog prefix) followed
 * by a message id and a delivery flag or "Completed", and for an exim
 * syslog line with a message id and a flag; 1 for an Exim timestamp or an
 * exim syslog prefix alone, and for an undated line that opens with a
 * message id; 0 otherwise.  No PCRE2: it only reads bytes.
 */
static int
exim_probe(const char *s, size_t n)
{
	static const char *const flags[] = {
		"<= ", "=> ", "-> ", ">> ", "== ", "** ", "*> ", "Completed",
		NULL
	};
	struct exim_line l;
	size_t i;

	if (!split_line(s, n, &l))
		return 0;
	if (l.msgid != NULL && l.dated) {
		for (i = 0; flags[i] != NULL; i++) {
			size_t fl = strlen(flags[i]);

			if (l.body_len >= fl &&
			    memcmp(l.body, flags[i], fl) == 0)
				return 2;
		}
	}
	return 1;
}

/*
 * Every event line holds a flag followed by a space, or a refusal; the
 * splitter hands out only such lines (arrivals, "<= ", and the session
 * chatter that fills most of a mainlog never reach the parser).
 */
static const char *const exim_needles[] = {
	"=> ", "-> ", ">> ", "== ", "** ", "rejected", "<> R=", "Warning: ",
	NULL
};

/*
 * A run that joins also needs the note lines, arrivals ("<= ", "(= ") and
 * "Completed".  Each needle costs the scan a few operations a block, so
 * "> " stands for "=> ", "-> " and ">> ": the other lines of a mainlog
 * seldom hold it (not "= ", which every "SMTP connection from" line holds
 * in "(TCP/IP connection count = 1)").
 */
static const char *const exim_joined_needles[] = {
	"> ", "== ", "** ", "rejected", "<= ", "(= ", "Completed", "Warning: ",
	NULL
};

/* The event stream's (format.h): no "Warning: " (the server's trouble). */
static const char *const exim_stream_needles[] = { "> ", "== ", "** ",
	"rejected", "<= ", "(= ", "Completed", NULL };

const struct bs_format bs_format_exim = {
	.name = "exim",
	.help = "Exim mainlog, also behind a syslog prefix",
	.splittable = true,
	.needles = exim_needles,
	.joined_needles = exim_joined_needles,
	.stream_needles = exim_stream_needles,
	.probe = exim_probe,
	.open = exim_open,
	.parse = exim_parse,
	.close = exim_close,
};

/* ---- Exim's panic log ------------------------------------------------ */

/*
 * Exim's paniclog (--type paniclog, or an input whose file name says so:
 * bs_format_by_name) is Exim's own trouble and nothing else: every line
 * that opens with a timestamp is one entry, a BS_NOTE_HEALTH note at panic
 * severity, never an event.  Nothing in a panic entry marks it as one
 * (Exim writes the same text to the mainlog too), so the file is the mark,
 * and this reader lives here, beside the mainlog's, because it reads the
 * same prefixes with the same functions: Exim's stamp, a "[pid] ", a
 * message id, or a syslog prefix whose program contains "exim" (with
 * log_file_path = syslog, panics go to syslog).  Continuation lines
 * (Exim's configuration errors put their detail on an indented line), blank
 * lines and lines without a stamp are passed over: a group's text is the
 * entry's first line.
 */

/*
 * The program of a syslog tag t[0..k) that exim_tag found: the last name
 * that holds "exim" (a host name before it may hold it too), its last
 * path part ("/usr/sbin/exim4[1]: " is "exim4").
 */
static struct bs_text
panic_program(const char *t, size_t k)
{
	struct bs_text p = bs_health_program_named(t, k, "exim");

	return p.ptr != NULL ? p : (struct bs_text){ "exim", 4 };
}

/*
 * After Exim's own stamp: the "host exim[pid]: " that syslog-ng writes
 * (split_line takes it too), only as the first or second word and without
 * a '/'.  A panic text often names a file ("failed to open DB file
 * /var/spool/exim4/db/retry: Permission denied"), which exim_tag's seven
 * words would take for the program.  0 when there is none.
 */
static size_t
panic_tag(const char *s, size_t n)
{
	size_t k = exim_tag(s, n), i, spaces = 0;

	for (i = 0; i + 1 < k && !(s[i] == ':' && s[i + 1] == ' '); i++) {
		if (s[i] == '/')
			return 0;
		if (s[i] == ' ' && ++spaces > 1)
			return 0;
	}
	return i + 1 < k ? k : 0;
}

/*
 * Split a paniclog line into its stamp, message id and text, and its
 * program into *prog; false for a line that is no entry (no stamp, or a
 * syslog line of another program, or a later piece of a line that Exim
 * split for syslog).
 */
static bool
panic_split(const char *s, size_t n, struct exim_line *l,
    struct bs_text *prog)
{
	size_t i, k, pri;

	memset(l, 0, sizeof(*l));
	*prog = (struct bs_text){ "exim", 4 };
	pri = syslog_pri(s, n);
	if (pri == 0 && (k = exim_stamp(s, n)) > 0) {
		l->stamp = s;
		l->stamp_len = k;
		i = k + 1;
		if ((k = panic_tag(s + i, n - i)) > 0) {
			*prog = panic_program(s + i, k);
			i += k;
		}
	} else {
		i = pri;
		if ((k = syslog_stamp(s + i, n - i)) == 0)
			return false;
		l->stamp = s + i;
		l->stamp_len = k;
		i += k + 1;
		if ((k = exim_tag(s + i, n - i)) == 0)
			return false;
		*prog = panic_program(s + i, k);
		i += k;
		if (!tag_tail(s, n, &i, l))
			return false;
	}
	i = skip_pid(s, n, i);
	return set_body(l, s, n, i, exim_msgid(s + i, n - i), true);
}

/* No state: the reader needs no pattern. */
static bs_status
panic_open(const struct bs_patterns *p, void **state, struct bs_diag *d)
{
	(void)p;
	(void)d;
	*state = NULL;
	return BS_OK;
}

static void
panic_close(void *state)
{
	(void)state;
}

static bs_status
panic_parse(void *state, const struct bs_line *line, bs_event_fn emit,
    void *ctx)
{
	struct exim_line l;
	struct bs_text prog;
	struct bs_event ev;

	(void)state;
	if (!panic_split(line->ptr, line->len, &l, &prog))
		return BS_OK;
	while (l.body_len > 0 && (l.body[l.body_len - 1] == ' ' ||
	    l.body[l.body_len - 1] == '\t'))
		l.body_len--;
	bs_event_init(&ev);
	ev.note = BS_NOTE_HEALTH;
	ev.kind = BS_KIND_COUNT;	/* a note has no kind */
	ev.severity = BS_SEV_PANIC;
	ev.stamp = l.stamp;
	ev.stamp_len = l.stamp_len;
	ev.msgid = l.msgid;
	ev.msgid_len = l.msgid_len;
	ev.reply = l.body;
	ev.reply_len = l.body_len;
	ev.program = prog;
	emit(ctx, &ev);
	return BS_OK;
}

/*
 * Never by score: a panic entry looks like any mainlog line, so only
 * --type or the file's name (bs_format_by_name) chooses this reader.
 */
static int
panic_probe(const char *s, size_t n)
{
	(void)s;
	(void)n;
	return 0;
}

const struct bs_format bs_format_exim_panic = {
	.name = "paniclog",
	.help = "Exim paniclog (also by its file name)",
	.splittable = true,
	.needles = NULL,	/* every line is an entry */
	.joined_needles = NULL,
	.probe = panic_probe,
	.open = panic_open,
	.parse = panic_parse,
	.close = panic_close,
};
