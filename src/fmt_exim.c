/*
 * fmt_exim.c - Exim mainlog: delivery outcomes and refusals.
 *
 * An Exim mainlog line is a timestamp (with the optional +millisec and
 * timezone parts), an optional "[pid] " (log selector +pid), an optional
 * message id and the message.  The same lines also arrive behind a syslog
 * or journal prefix whose program name contains "exim", with or without
 * Exim's own timestamp after it.  A delivery outcome is the message id
 * followed by a two-character flag:
 *
 *	=> -> >>	delivered (first address, further address, cutthrough)
 *	==		deferred
 *	**		bounced, or expired when the reason is a give-up wording
 *	<= *>		arrival, suppressed delivery: not events
 *
 * and a refusal is a line whose message says "[temporarily ]rejected
 * COMMAND".  Everything else (connections, TLS, "Completed", warnings,
 * authentication failures, the stand-alone "H=host [ip]: SMTP error ..."
 * that precedes a "==" or "**" line) is not an event.
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
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "format.h"
#include "patterns.h"

struct exim {
	const struct bs_patterns *p;
	const pcre2_code *reject, *reason, *reply, *confirm, *expired;
	const pcre2_code *session;
	int g_rej_reason, g_reason, g_reply, g_confirm;
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

/*
 * Length of a syslog timestamp at s, classic "Jul 17 23:20:49" or RFC 3339
 * "2021-07-17T23:20:49.123+02:00", when a space follows it; 0 if none.
 */
static size_t
syslog_stamp(const char *s, size_t n)
{
	size_t i;

	if (n > 16 && s[0] >= 'A' && s[0] <= 'Z' && s[3] == ' ' &&
	    (s[4] == ' ' || is_digit(s[4])) && is_digit(s[5]) &&
	    s[6] == ' ' && is_time(s + 7, n - 7) && s[15] == ' ')
		return 15;
	if (!is_date(s, n, 'T') || !is_time(s + 11, n - 11))
		return 0;
	for (i = 19; i < n && s[i] != ' '; i++)
		;
	return i < n ? i : 0;
}

/*
 * Length of a syslog "host program[pid]: " (or "program[pid]: ") at s whose
 * program name contains "exim", ": " included; 0 if there is none.  Only
 * such a program name says the rest is an Exim message.
 */
static size_t
exim_tag(const char *s, size_t n)
{
	size_t word, i, start = 0;

	for (word = 0; word < 2; word++) {
		bool exim = false;

		for (i = start; i < n && s[i] != ' ' && s[i] != ':' &&
		    s[i] != '['; i++)
			if (s[i] == 'e' && i + 4 <= n &&
			    memcmp(s + i, "exim", 4) == 0)
				exim = true;
		if (exim && i < n && s[i] == '[') {
			while (++i < n && is_digit(s[i]))
				;
			if (i >= n || s[i] != ']')
				return 0;
			i++;
		}
		if (exim && i + 1 < n && s[i] == ':' && s[i + 1] == ' ')
			return i + 2;
		/* Not the program: it may have been the host name. */
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
	size_t i = 0, k;
	unsigned long piece;
	bool tagged;

	memset(l, 0, sizeof(*l));
	if ((k = exim_stamp(s, n)) > 0) {
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
		if ((k = syslog_stamp(s, n)) > 0) {
			l->stamp = s;
			l->stamp_len = k;
			i = k + 1;
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
	/*
	 * Exim splits a line too long for syslog into pieces marked "[1/3] ",
	 * "[2/3] " ... ('\' instead of '/' where it split at a newline).
	 * The first piece holds what decides the event; the others are
	 * fragments of a reply text and must not be read as lines.
	 */
	if (tagged && (k = syslog_piece(s + i, n - i, &piece)) > 0) {
		if (piece != 1)
			return false;
		i += k;
	}
	/* Exim's own timestamp behind a syslog prefix wins over syslog's. */
	if (tagged && (k = exim_stamp(s + i, n - i)) > 0) {
		l->stamp = s + i;
		l->stamp_len = k;
		i += k + 1;
	}
	/* The +pid log selector: "[4242] ". */
	if (i < n && s[i] == '[') {
		for (k = i + 1; k < n && is_digit(s[k]); k++)
			;
		if (k > i + 1 && k + 1 < n && s[k] == ']' && s[k + 1] == ' ')
			i = k + 2;
	}
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
	FLAG_QUIET = -2		/* "<=" arrival, "*>" suppressed: no event */
};

/*
 * The kind the flag at the start of body b[0..n) stands for
 * (BS_DELIVERED, BS_DEFERRED or BS_BOUNCED), or FLAG_NONE, FLAG_QUIET.
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
	if ((b[0] == '<' && b[1] == '=') || (b[0] == '*' && b[1] == '>'))
		return FLAG_QUIET;
	return FLAG_NONE;
}

/*
 * Codes of the reply that starts where the reply pattern finds it in
 * s[0..n).  Returns 1 when it found a reply (codes may still be empty),
 * 0 when there is none, -1 on a PCRE2 error.
 */
static int
quoted_reply(struct exim *e, const char *s, size_t n, struct bs_event *ev)
{
	const char *r;
	size_t rl;
	int rc;

	rc = bs_match(e->p, e->reply, s, n, 0, e->md);
	if (rc <= 0)
		return rc;
	if (!bs_group_span(e->md, e->g_reply, &r, s, &rl))
		return 0;
	rl = n - (size_t)(r - s);
	ev->reply = r;
	ev->reply_len = rl;
	return bs_extract_reply(e->x, r, rl, &ev->codes) < 0 ? -1 : 1;
}

/* "=> -> >>": the code, if any, is the next hop's C="...". */
static bs_status
parse_delivered(struct exim *e, const char *s, size_t n, struct bs_event *ev)
{
	const char *r;
	size_t rl;
	int rc;

	ev->kind = BS_DELIVERED;
	rc = bs_match(e->p, e->confirm, s, n, 0, e->md);
	if (rc < 0)
		return BS_ERR_MATCH;
	if (rc > 0 && bs_group_span(e->md, e->g_confirm, &r, s, &rl)) {
		ev->reply = r;
		ev->reply_len = rl;
		if (bs_extract_reply(e->x, r, rl, &ev->codes) < 0)
			return BS_ERR_MATCH;
	}
	return BS_OK;
}

/*
 * "== **": the remote reply when one is quoted; otherwise the reason may
 * name a failure to connect (not a time-out in an open session).  s[0..n)
 * is the text after the flag.
 */
static bs_status
parse_failure(struct exim *e, const char *s, size_t n, enum bs_kind kind,
    struct bs_event *ev)
{
	const char *why;
	size_t whyl;
	int rc;

	ev->kind = kind;
	if (kind == BS_BOUNCED) {
		rc = bs_match(e->p, e->expired, s, n, 0, e->md);
		if (rc < 0)
			return BS_ERR_MATCH;
		if (rc > 0)
			ev->kind = BS_EXPIRED;
	}
	rc = bs_match(e->p, e->reason, s, n, 0, e->md);
	if (rc < 0)
		return BS_ERR_MATCH;
	if (rc > 0 && bs_group_span(e->md, e->g_reason, &why, s, &whyl))
		whyl = n - (size_t)(why - s);
	else {
		why = s;
		whyl = n;
	}
	rc = quoted_reply(e, s, n, ev);
	if (rc < 0)
		return BS_ERR_MATCH;
	if (ev->codes.basic[0] == '\0' && ev->codes.enhanced[0] == '\0') {
		ev->reply = why;
		ev->reply_len = whyl;
		ev->connfail = bs_extract_connfail(why, whyl);
	}
	if (ev->connfail != 0) {
		rc = bs_match(e->p, e->session, why, whyl, 0, e->md);
		if (rc < 0)
			return BS_ERR_MATCH;
		if (rc > 0)
			ev->connfail = 0;
	}
	return BS_OK;
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
	const char *why;
	size_t whyl;
	int rc;

	rc = bs_match(e->p, e->reject, s, n, 0, e->md);
	if (rc <= 0)
		return rc < 0 ? BS_ERR_MATCH : BS_OK;
	ev->kind = BS_REJECTED;
	if (!bs_group_span(e->md, e->g_rej_reason, &why, s, &whyl))
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
 * Hot: runs for every line of an Exim log.  A PCRE2 failure on a line whose
 * flag already decided the kind still emits the event (without codes), so
 * the counts stay right, and reports the failure.
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
	memset(&ev, 0, sizeof(ev));
	ev.kind = BS_KIND_COUNT;
	ev.stamp = l.stamp;
	ev.stamp_len = l.stamp_len;
	ev.msgid = l.msgid;
	ev.msgid_len = l.msgid_len;
	flag = l.msgid != NULL ? flag_kind(l.body, l.body_len) : FLAG_NONE;
	if (flag == BS_DELIVERED)
		st = parse_delivered(e, l.body + 3, l.body_len - 3, &ev);
	else if (flag >= 0)
		st = parse_failure(e, l.body + 3, l.body_len - 3,
		    (enum bs_kind)flag, &ev);
	else if (flag == FLAG_QUIET)
		return BS_OK;
	else if (has_rejected(l.body, l.body_len))
		st = parse_reject(e, l.body, l.body_len, &ev);
	else
		return BS_OK;
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
	"=> ", "-> ", ">> ", "== ", "** ", "rejected", NULL
};

const struct bs_format bs_format_exim = {
	.name = "exim",
	.needles = exim_needles,
	.probe = exim_probe,
	.open = exim_open,
	.parse = exim_parse,
	.close = exim_close,
};
