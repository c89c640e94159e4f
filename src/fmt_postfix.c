/*
 * fmt_postfix.c - Postfix logs: delivery records and refusals.
 *
 * Most lines of a Postfix log carry no outcome (connections, TLS, queue
 * bookkeeping).  Only lines containing "status=" or "reject:" can be
 * events, so a memmem prefilter keeps every other line away from PCRE2.
 * On a candidate, the syslog pattern finds where the message starts, then
 * the delivery or reject pattern reads it.
 *
 * Codes follow DESIGN.md: the remote server's reply ("said: 550 5.1.1"),
 * the next hop's confirmation on a delivery ("status=sent (250 2.0.0 ...)")
 * or this server's own refusal; where the reply has no enhanced code,
 * the dsn= field fills it in.  Address-verification probes
 * (status=deliverable, undeliverable) are not events.
 *
 * The event record (DESIGN.md "Round 2": recipient, remote host and
 * address, sender, delay) is read in C from the delivery record's fields
 * and the refusal's client and tail, on event lines only.  When the run
 * joins, qmgr's arrival record and "removed" become notes (the sender of
 * a queue id, and its end) through joined_needles.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "health.h"
#include "foreign.h"
#include "format.h"
#include "patterns.h"
#include "postfix_fast.h"
#include "scan.h"

struct postfix {
	struct bs_needles n_any, n_joined, n_reject, n_status;
	const struct bs_patterns *p;
	const pcre2_code *syslog, *delivery, *outcome, *reject;
	int g_stamp, g_msg;
	int g_dqid, g_dsn, g_status, g_text;
	int g_rqid, g_reply;
	pcre2_match_data *md;
	struct bs_extract *x;
	/* Which patterns are the shipped texts: those are read in C. */
	bool c_syslog, c_delivery, c_outcome;
	struct bs_syslog_cache sc;	/* the last line's syslog prefix */
};

/*
 * Every event line holds one of these; the splitter skips the others.
 * "/bounce" (the program of "QID: sender non-delivery notification:
 * NEWID") brings the notifications this server sent (notify.h).  The
 * scan tests three offsets of all the needles at once (scan.c, the
 * superset test, at the offsets whose bytes are rarest: 0, 3 and 5 of
 * this list).  "tatus=" and "eject:" stand for "status="
 * and "reject:": when the
 * scan tested first trigrams (Teddy), "sta" and "rej" started many more
 * words of a log than "tat" and "eje" (callgrind, 64 MiB of the bench's
 * Postfix log: 334.2M instructions with "status=", "reject:", 329.6M with
 * these); postfix_parse steps back to the "s" or "r".  "notification: "
 * would start at "not", common in replies.
 *
 * "warning: ", "error: ", "fatal: " and "panic: " bring the server's own
 * trouble (health.h).  They are word-start needles ("\\b", scan.h): the
 * severity word opens the message, after a blank, a '=' or a ']', and
 * "NOQUEUE: reject_warning: " (a warn_if_reject refusal, one line in four
 * of the bench log's warnings) is not handed out for it.  "error: " and
 * "eject:" both start with an 'e'; health_needle tells them apart by
 * their second byte.  What the warning lines cost: bench/README.md.
 */
static const char *const postfix_needles[] = { "tatus=", "eject:",
	"/bounce", "\\bwarning: ", "\\bfatal: ", "\\berror: ", "\\bpanic: ", NULL };

/*
 * When the run joins: also qmgr's arrival record ("QID: from=<s>, size=N,
 * nrcpt=N (queue active)") and "QID: removed".  Each needle starts with
 * its own byte, which tells postfix_parse the line's shape.
 */
static const char *const postfix_joined_needles[] = { "status=", "reject:",
	"nrcpt=", ": removed", "/bounce", "\\bwarning: ", "\\bfatal: ",
	"\\berror: ", "\\bpanic: ", NULL };

/*
 * The event stream's (format.h): no "/bounce", no severity words.  A line
 * whose message opens with a severity word is still no event: postfix_parse
 * tells it by the message, whichever needle found the line.
 */
static const char *const postfix_stream_needles[] = { "status=", "reject:",
	"nrcpt=", ": removed", NULL };

static bs_status
postfix_open(const struct bs_patterns *p, void **state, struct bs_diag *d)
{
	struct postfix *pf;
	bs_status st;

	*state = NULL;
	pf = calloc(1, sizeof(*pf));
	if (pf == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	pf->p = p;
	bs_needles_init(&pf->n_any, postfix_needles);
	bs_needles_init(&pf->n_joined, postfix_joined_needles);
	bs_needles_init(&pf->n_reject, (const char *const[]){ "reject:", NULL });
	bs_needles_init(&pf->n_status, (const char *const[]){ "status=", NULL });
#define GET(var, name) bs_patterns_get(p, "postfix", name, &pf->var, d)
#define GROUP(re, pat, grp, var) \
	bs_patterns_group(pf->re, "postfix", pat, grp, &pf->var, d)
	if ((st = GET(syslog, "syslog")) || (st = GET(delivery, "delivery")) ||
	    (st = GET(outcome, "outcome")) || (st = GET(reject, "reject")) ||
	    (st = GROUP(syslog, "syslog", "stamp", g_stamp)) ||
	    (st = GROUP(syslog, "syslog", "msg", g_msg)) ||
	    (st = GROUP(delivery, "delivery", "qid", g_dqid)) ||
	    (st = GROUP(outcome, "outcome", "dsn", g_dsn)) ||
	    (st = GROUP(outcome, "outcome", "status", g_status)) ||
	    (st = GROUP(outcome, "outcome", "text", g_text)) ||
	    (st = GROUP(reject, "reject", "qid", g_rqid)) ||
	    (st = GROUP(reject, "reject", "reply", g_reply)) ||
	    (st = bs_extract_new(p, &pf->x, d)))
		goto fail;
#undef GET
#undef GROUP
	pf->c_syslog = bs_patterns_is(p, "postfix", "syslog",
	    bs_postfix_syslog_rx);
	pf->c_delivery = bs_patterns_is(p, "postfix", "delivery",
	    bs_postfix_delivery_rx);
	pf->c_outcome = bs_patterns_is(p, "postfix", "outcome",
	    bs_postfix_outcome_rx);
	pf->md = pcre2_match_data_create(32, NULL);
	if (pf->md == NULL) {
		st = bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		goto fail;
	}
	*state = pf;
	return BS_OK;
fail:
	bs_extract_free(pf->x);
	free(pf);
	return st;
}

static void
postfix_close(void *state)
{
	struct postfix *pf = state;

	if (pf == NULL)
		return;
	pcre2_match_data_free(pf->md);
	bs_extract_free(pf->x);
	free(pf);
}

static bool
span_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* The kind a status= word stands for; -1 for what is not an event. */
static int
status_kind(const char *s, size_t n)
{
	if (span_is(s, n, "sent"))
		return BS_DELIVERED;
	if (span_is(s, n, "deferred") || span_is(s, n, "SOFTBOUNCE"))
		return BS_DEFERRED;
	if (span_is(s, n, "bounced"))
		return BS_BOUNCED;
	if (span_is(s, n, "expired"))
		return BS_EXPIRED;
	return -1;	/* deliverable, undeliverable (probes) ... */
}

/*
 * Where the deciding reply starts inside the parenthesised text of a
 * delivery record: after the first "said: " or "refused to talk to me: "
 * (a remote reply, possibly behind "delivery temporarily suspended:"),
 * else the text itself ("250 2.0.0 Ok: queued as ...", "delivered to
 * maildir").
 */
static const char *
reply_start(const char *s, size_t n)
{
	static const char said[] = "said", refused[] = "refused to talk to me";
	const char *end = s + n, *p = s, *after_refused = NULL;

	/* Both end in ": ": look only where a colon is. */
	while ((p = memchr(p, ':', (size_t)(end - p))) != NULL) {
		size_t before = (size_t)(p - s);

		if (end - p < 2 || p[1] != ' ') {
			p++;
			continue;
		}
		if (before >= sizeof(said) - 1 &&
		    memcmp(p - (sizeof(said) - 1), said, sizeof(said) - 1) == 0)
			return p + 2;
		if (after_refused == NULL && before >= sizeof(refused) - 1 &&
		    memcmp(p - (sizeof(refused) - 1), refused,
		    sizeof(refused) - 1) == 0)
			after_refused = p + 2;
		p += 2;
	}
	return after_refused != NULL ? after_refused : s;
}

static bool
has(const struct bs_needles *nd, const char *s, size_t n)
{
	return bs_scan_needles(nd, s, n) < n;
}

/* The first "status=" in m[from..mlen), or mlen. */
static size_t
next_status(const struct postfix *pf, const char *m, size_t mlen,
    size_t from)
{
	return from + bs_scan_needles(&pf->n_status, m + from, mlen - from);
}

/*
 * Where the outcome pattern starts: at the field before the first
 * ", status=" past the head (the dsn= field, when there is one), so that
 * the pattern never walks the fields in between (relay=, delay=, ...),
 * which would cost it a step per byte.  first is where the line's first
 * "status=" is (the splitter's scan found it): past the head, that is
 * the one, and nothing is searched again.  Returns mlen when there is
 * none.
 */
static size_t
outcome_start(const struct postfix *pf, const char *m, size_t mlen,
    size_t head_end, size_t first)
{
	size_t at = first >= head_end ? first :
	    next_status(pf, m, mlen, head_end);
	const char *prev;

	while (at < mlen &&
	    !(at >= head_end + 2 && m[at - 1] == ' ' && m[at - 2] == ','))
		at = next_status(pf, m, mlen, at + 1);
	if (at >= mlen)
		return mlen;
	prev = memrchr(m + head_end, ',', at - 2 - head_end);
	return prev != NULL ? (size_t)(prev - m) + 2 : head_end;
}

/*
 * The delivery pattern, in C where it is the shipped one: > 0 with the
 * queue id in *qid, *qidl and where the match ends in *head_end, 0 for
 * no match, < 0 as bs_match.
 */
static int
match_head(struct postfix *pf, const char *m, size_t mlen, const char **qid,
    size_t *qidl, size_t *head_end)
{
	const char *head;
	size_t headl;
	int rc;

	if (pf->c_delivery) {
		*qid = m;
		return bs_postfix_delivery(m, mlen, qidl, head_end);
	}
	rc = bs_match(pf->p, pf->delivery, m, mlen, 0, pf->md);
	if (rc <= 0)
		return rc;
	bs_group_span(pf->md, pf->g_dqid, qid, m, qidl);
	bs_group_span(pf->md, 0, &head, m, &headl);
	*head_end = (size_t)(head - m) + headl;
	return rc;
}

/*
 * The outcome pattern from start, in C where it is the shipped one:
 * > 0 with its groups in *o, 0 for no match, < 0 as bs_match.
 */
static int
match_outcome(struct postfix *pf, const char *m, size_t mlen, size_t start,
    struct bs_postfix_outcome *o)
{
	const char *p;
	size_t len;
	int rc;

	if (pf->c_outcome)
		return bs_postfix_outcome(m, mlen, start, o);
	rc = bs_match(pf->p, pf->outcome, m, mlen, start, pf->md);
	if (rc <= 0)
		return rc;
	o->status = o->status_len = 0;
	if (bs_group_span(pf->md, pf->g_status, &p, m, &len)) {
		o->status = (size_t)(p - m);
		o->status_len = len;
	}
	o->has_dsn = bs_group_span(pf->md, pf->g_dsn, &p, m, &len);
	o->dsn = o->has_dsn ? (size_t)(p - m) : 0;
	o->dsn_len = len;
	o->has_text = bs_group_span(pf->md, pf->g_text, &p, m, &len);
	o->text = o->has_text ? (size_t)(p - m) : 0;
	return rc;
}

/* ---- the event record (DESIGN.md "Round 2"), read in C ---------------- */

/*
 * The fields below are read only on lines that state an event or a note,
 * from places the patterns (or their C copies) have already found: no
 * pattern walks them, and a line without an outcome never gets here.
 */

static bool
lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Whether the wl bytes at s are those at w, compared a machine word at a
 * time.  With a constant wl (at_word) the loads of w fold into constants
 * and nothing is called: GCC does not always inline such a memcmp.
 */
static inline bool
same_bytes(const char *s, const char *w, size_t wl)
{
	uint64_t a, b;
	uint32_t c, d;
	uint16_t e, f;

	for (; wl >= 8; s += 8, w += 8, wl -= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, w, 8);
		if (a != b)
			return false;
	}
	if (wl >= 4) {
		memcpy(&c, s, 4);
		memcpy(&d, w, 4);
		if (c != d)
			return false;
		s += 4, w += 4, wl -= 4;
	}
	if (wl >= 2) {
		memcpy(&e, s, 2);
		memcpy(&f, w, 2);
		if (e != f)
			return false;
		s += 2, w += 2, wl -= 2;
	}
	return wl == 0 || *s == *w;
}

/* Whether s[i..n) starts with the string literal w. */
#define at_word(s, n, i, w) \
	((i) <= (n) && (n) - (i) >= sizeof(w) - 1 && \
	same_bytes((s) + (i), (w), sizeof(w) - 1))

static void
set_text(struct bs_text *t, const char *p, size_t len)
{
	t->ptr = p;
	t->len = len;
}

/* Whether s[i..n) starts with a field name and its "=" ([a-z_]+=). */
static bool
field_at(const char *s, size_t n, size_t i)
{
	size_t k = i;

	while (k < n && (lower(s[k]) || s[k] == '_'))
		k++;
	return k > i && k < n && s[k] == '=';
}

/*
 * Where the address that starts at s[i] (just past its "<") ends: at the
 * first ">" followed by "," or by the end of s[0..n), or with spaced (a
 * refusal's "from=<a> to=<b> proto=..." tail) also by " name=".  Postfix
 * writes addresses raw, so quotes, spaces, "@" inside quotes and UTF-8
 * stay in it; only that ending tells its ">" apart.  n when unterminated.
 */
static inline size_t
addr_end(const char *s, size_t n, size_t i, bool spaced)
{
	const char *p;

	while (i < n && (p = memchr(s + i, '>', n - i)) != NULL) {
		size_t k = (size_t)(p - s) + 1;

		if (k == n || s[k] == ',' ||
		    (spaced && s[k] == ' ' && field_at(s, n, k + 1)))
			return k - 1;
		i = k;
	}
	return n;
}

/*
 * The address value at s[i..n) (just past "to=" or "from="): "<...>" read
 * as addr_end says, or a bare one ("to=user@host, ...") up to the next
 * ",".  Into *t, with *end just past it; false when it is unterminated.
 */
static inline bool
read_addr(const char *s, size_t n, size_t i, bool spaced,
    struct bs_text *t, size_t *end)
{
	size_t e;

	if (i < n && s[i] == '<') {
		e = addr_end(s, n, i + 1, spaced);
		if (e >= n)
			return false;
		set_text(t, s + i + 1, e - (i + 1));
		*end = e + 1;
		return true;
	}
	for (e = i; e < n && s[e] != ',' && !(spaced && s[e] == ' '); e++)
		;
	set_text(t, s + i, e - i);
	*end = e;
	return true;
}

/*
 * The bytes of an address in brackets: IP_HEX for [0-9A-Fa-f], IP_SEP for
 * "." and ":" (IPv4 has dots, IPv6 colons); anything else (the "/" and
 * letters of "private/dovecot-lmtp") makes it no address.
 */
enum { IP_HEX = 1, IP_SEP = 2 };
#define IP4(c)	[(c)] = IP_HEX, [(c) + 1] = IP_HEX, [(c) + 2] = IP_HEX, \
		[(c) + 3] = IP_HEX
static const unsigned char ip_byte[256] = {
	IP4('0'), IP4('4'), ['8'] = IP_HEX, ['9'] = IP_HEX,
	IP4('a'), ['e'] = IP_HEX, ['f'] = IP_HEX,
	IP4('A'), ['E'] = IP_HEX, ['F'] = IP_HEX,
	['.'] = IP_SEP, [':'] = IP_SEP,
};
#undef IP4

/*
 * A host as Postfix names one, in s[0..n): "NAME[IP]" (a port or more
 * after the bracket is left out), "[IP]" (postscreen: no name),
 * "NAME[socket path]" (no IP) or a bare "NAME" (relay=none, local,
 * dovecot).  Names are kept as written, "unknown" included.
 */
static void
read_host(const char *s, size_t n, struct bs_event *ev)
{
	const char *lb = memchr(s, '[', n), *rb;
	size_t namel = lb != NULL ? (size_t)(lb - s) : n, i;
	unsigned seen = 0;

	if (namel > 0)
		set_text(&ev->remote, s, namel);
	if (lb == NULL ||
	    (rb = memchr(lb + 1, ']', (size_t)(s + n - (lb + 1)))) == NULL)
		return;
	for (i = 1; lb + i < rb; i++) {
		unsigned b = ip_byte[(unsigned char)lb[i]];

		if (b == 0)
			return;
		seen |= b;
	}
	/* IPv4 has dots, IPv6 colons; "[cafe]" has neither. */
	if (seen & IP_SEP)
		set_text(&ev->remote_ip, lb + 1, (size_t)(rb - (lb + 1)));
}

/*
 * The value of relay= in s[0..n).  Postfix writes "NAME[IP]:PORT" for a
 * host reached over the network and "NAME[socket path]" (no port) for a
 * UNIX socket, so a value that ends in "]:PORT" holds an address in its
 * last brackets and needs no closer look; the rest is read as read_host
 * reads a host.  It runs on every delivery.
 */
static void
read_relay(const char *s, size_t n, struct bs_event *ev)
{
	const char *lb;
	size_t k = n;

	while (k > 0 && digit(s[k - 1]))
		k--;
	if (k == n || k < 2 || s[k - 1] != ':' || s[k - 2] != ']' ||
	    (lb = memrchr(s, '[', k - 2)) == NULL || lb + 1 == s + k - 2) {
		read_host(s, n, ev);
		return;
	}
	if (lb > s)
		set_text(&ev->remote, s, (size_t)(lb - s));
	set_text(&ev->remote_ip, lb + 1, (size_t)(s + k - 2 - (lb + 1)));
}

/*
 * delay= seconds ("0.32", "63495") at s[i..n) as a double, up to the ","
 * that ends the field or n; -1 when the value is not of that shape (then
 * the field is not stated).  Not strtod, which reads the decimal point of
 * the locale: the digits make an integer that one division by an exact
 * power of ten scales, which rounds correctly.  Postfix writes two
 * significant decimals at most; past fifteen digits in all, the fraction
 * is cut.
 */
static double
read_seconds(const char *s, size_t n, size_t i)
{
	static const double ten[16] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	unsigned long long v = 0;
	size_t start = i, whole, frac = 0;

	for (; i < n && digit(s[i]); i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	whole = i - start;
	if (whole == 0 || whole > 15)
		return -1;
	if (i < n && s[i] == '.')
		for (i++; i < n && digit(s[i]); i++)
			if (whole + frac < 15) {
				v = v * 10 + (unsigned)(s[i] - '0');
				frac++;
			}
	return i == n || s[i] == ',' ? (double)v / ten[frac] : -1;
}

/* Where the field that starts at s[i] ends: its "," or n. */
static size_t
field_end(const char *s, size_t n, size_t i)
{
	const char *p = memchr(s + i, ',', n - i);

	return p != NULL ? (size_t)(p - s) : n;
}

/*
 * The fields of a delivery record from the comma-separated field that
 * starts at m[i] to lim (the comma in front of status=): relay=, then
 * delay=, which Postfix writes after relay=, so the walk ends there: it
 * runs on every delivery.  The first byte tells the fields apart cheaply.
 * orig_to= is stepped over as an address (it may hold commas), never
 * taken as the recipient.
 */
static void
walk_fields(const char *m, size_t i, size_t lim, struct bs_event *ev)
{
	size_t e;

	for (;;) {
		if (m[i] == 'o' && at_word(m, lim, i, "orig_to=<")) {
			e = addr_end(m, lim, i + 9, false);
			if (e >= lim)
				return;
			e++;
		} else if (m[i] == 'd' && at_word(m, lim, i, "delay=")) {
			ev->delay = read_seconds(m, lim, i + 6);
			ev->delay_since_arrival = true;
			return;
		} else {
			e = field_end(m, lim, i);
			if (m[i] == 'r' && at_word(m, e, i, "relay="))
				read_relay(m + i + 6, e - (i + 6), ev);
		}
		if (e + 2 >= lim || m[e] != ',' || m[e + 1] != ' ')
			return;
		i = e + 2;
	}
}

/*
 * The fields of a delivery record between the end of its queue id (m[i])
 * and its status (m[status], just past ", status="):
 *   ": to=<rcpt>, orig_to=<...>, relay=NAME[IP]:PORT, conn_use=N,
 *   delay=S, delays=..., dsn=..." or qmgr's ": from=<sender>" (expired).
 * The recipient is to=, never orig_to=; a record without to= (an
 * anonymised log) has none, and its fields start right after ": ".
 */
static void
delivery_fields(const char *m, size_t i, size_t status, struct bs_event *ev)
{
	size_t lim;
	struct bs_text *addr;

	if (status < i + 9 || !same_bytes(m + status - 9, ", status=", 9))
		return;
	lim = status - 9;	/* the comma in front of status= */
	if (at_word(m, lim, i, ": to=")) {
		addr = &ev->recipient;
		i += 5;
	} else if (at_word(m, lim, i, ": from=")) {
		addr = &ev->sender;
		i += 7;
	} else {
		addr = NULL;
	}
	/* After the address, or right after ": " where there is none. */
	if (addr != NULL && !read_addr(m, lim, i, false, addr, &i))
		return;
	if (i + 2 >= lim || m[i] != (addr != NULL ? ',' : ':') ||
	    m[i + 1] != ' ')
		return;
	walk_fields(m, i + 2, lim, ev);
}

/*
 * Where the tail of a refusal's reply s[0..n) starts: at the last "; "
 * followed by "from=<" or "to=<" (the tail names the sender first, when
 * it names one), or NULL.  A reply may hold "; " itself ("blocked using
 * zen.example.org; https://..."); the tail is what comes last.
 */
static const char *
tail_start(const char *s, size_t n)
{
	const char *p;

	while (n > 0 && (p = memrchr(s, ';', n)) != NULL) {
		size_t at = (size_t)(p - s);

		if (at_word(s, n, at, "; from=<") ||
		    at_word(s, n, at, "; to=<"))
			return p + 2;
		n = at;
	}
	return NULL;
}

/* Where a tail without from= and to= starts: the last "; proto=". */
static const char *
proto_start(const char *s, size_t n)
{
	const char *p;

	while (n > 0 && (p = memrchr(s, ';', n)) != NULL) {
		size_t at = (size_t)(p - s);

		if (at_word(s, n, at, "; proto="))
			return p + 2;
		n = at;
	}
	return NULL;
}

/*
 * The "from=<a> to=<b>" that stands at s[i] (the tail of a refusal, each
 * field optional, separated by " " or, from postscreen, ", "), up to n.
 */
static void
tail_fields(const char *s, size_t n, size_t i, struct bs_event *ev)
{
	if (at_word(s, n, i, "from=")) {
		if (!read_addr(s, n, i + 5, true, &ev->sender, &i))
			return;
		if (i < n && s[i] == ',')
			i++;
		if (!at_word(s, n, i, " to="))
			return;
		i++;
	}
	if (at_word(s, n, i, "to="))
		read_addr(s, n, i + 3, true, &ev->recipient, &i);
}

/*
 * The fields of a refusal whose reply starts at reply, the queue id (where
 * there is one) ending at m[i]:
 *   [QID: ][milter-|proxy-]reject: VERB from NAME[IP](:PORT): REPLY;
 *       from=<a> to=<b> proto=... helo=<...>     (smtpd, milters; postscreen
 *       writes "[IP]:PORT" and ", " between the fields)
 *   QID: reject: header|body ... from CLIENT; from=<a> to=<b> proto=...
 *       helo=<...>: REPLY                         (cleanup)
 * The client is the remote end ("local" for a message cleanup got from
 * pickup); the tail's from= and to= are the sender and recipient (see
 * tail_start for where the tail begins).
 */
static void
reject_fields(const char *m, size_t mlen, size_t i, const char *reply,
    struct bs_event *ev)
{
	const char *p, *f;
	size_t r, c, end;

	if (reply == NULL)
		return;
	r = (size_t)(reply - m);
	/* At m[i], past "QID: " if any: [milter-|proxy-]reject: */
	if (at_word(m, r, i, "milter-"))
		i += 7;
	else if (at_word(m, r, i, "proxy-"))
		i += 6;
	if (at_word(m, r, i, "reject: ")) {
		i += 8;
	} else {
		/* A replacement pattern may let more stand in front. */
		p = memmem(m, r, "reject: ", 8);
		if (p == NULL)
			return;
		i = (size_t)(p - m) + 8;
	}
	if (i < r && lower(m[i])) {
		/* cleanup: the fields stand before the reply's ": ". */
		end = r >= i + 2 && m[r - 2] == ':' && m[r - 1] == ' ' ?
		    r - 2 : r;
		f = tail_start(m + i, end - i);
		if (f == NULL || *f != 'f')
			return;
		c = (size_t)(f - m) - 2;	/* the ";" */
		i = c;
		while (i > 0 && m[i - 1] != ' ')
			i--;
		if (i >= 6 && memcmp(m + i - 6, " from ", 6) == 0)
			read_host(m + i, c - i, ev);
		tail_fields(m, end, (size_t)(f - m), ev);
		return;
	}
	while (i < r && ((m[i] >= 'A' && m[i] <= 'Z') || m[i] == '-'))
		i++;
	if (at_word(m, r, i, " from ")) {
		end = r >= i + 8 && m[r - 2] == ':' && m[r - 1] == ' ' ?
		    r - 2 : r;
		read_host(m + i + 6, end - (i + 6), ev);
	}
	f = tail_start(m + r, mlen - r);
	if (f != NULL)
		tail_fields(m, mlen, (size_t)(f - m), ev);
	else
		f = proto_start(m + r, mlen - r);
	/* The reply ends where smtpd's "; from=<a> to=<b> proto=..." begins. */
	if (f != NULL && ev->reply == reply)
		ev->reply_len = (size_t)(f - 2 - reply);
}

/*
 * bounce's "QID: sender non-delivery notification: NEWID" (also "delay"
 * and "delivery status"), the queue id being m[0..q) and "notification: "
 * standing at at: a note that this server sent a notification about QID
 * as the message NEWID.
 */
static bool
parse_notify(const char *m, size_t mlen, size_t q, size_t at,
    struct bs_event *ev)
{
	static const struct {
		const char *what;
		enum bs_kind kind;
	} types[] = {
		{ ": sender non-delivery ", BS_BOUNCED },
		{ ": sender delay ", BS_DEFERRED },
		{ ": sender delivery status ", BS_DELIVERED },
	};
	size_t i, id = at + 14, e;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (q + strlen(types[i].what) == at &&
		    memcmp(m + q, types[i].what, at - q) == 0)
			break;
	if (i == sizeof(types) / sizeof(types[0]))
		return false;
	for (e = id; e < mlen && (digit(m[e]) || lower(m[e]) ||
	    (m[e] >= 'A' && m[e] <= 'Z')); e++)
		;
	if (e - id < 5 || e != mlen)
		return false;
	ev->note = BS_NOTE_NOTIFY;
	ev->kind = types[i].kind;
	ev->msgid = m;
	ev->msgid_len = q;
	set_text(&ev->notify_id, m + id, e - id);
	return true;
}

/*
 * A note for the joins of run.c, in the message m[0..mlen) of a line
 * whose first needle ("nrcpt=" or ": removed") stands at needle:
 *   qmgr's "QID: from=<sender>, size=N, nrcpt=N (queue active)", the one
 *   record that names a message's sender (cleanup, pickup and smtpd lines
 *   with from= are not it), and
 *   "QID: removed": the message left the queue and its id may come again.
 * Returns whether the line is one.
 */
static bool
parse_note(const char *m, size_t mlen, const char *needle,
    struct bs_event *ev)
{
	size_t q = 0, at, i, e;

	while (q < mlen && (digit(m[q]) || lower(m[q]) ||
	    (m[q] >= 'A' && m[q] <= 'Z')))
		q++;
	/* A queue id as the delivery pattern has it, [0-9A-Za-z]{5,}. */
	if (q < 5 || needle < m + q)
		return false;
	at = (size_t)(needle - m);
	if (at_word(m, mlen, at, "notification: "))
		return parse_notify(m, mlen, q, at, ev);
	if (at_word(m, mlen, at, ": removed")) {
		if (at != q || mlen != q + 9)
			return false;
		ev->note = BS_NOTE_GONE;
	} else {
		/* Backwards from "nrcpt=": ">, size=N, " then the sender. */
		if (!at_word(m, mlen, at, "nrcpt=") ||
		    !at_word(m, mlen, q, ": from=<") || at < q + 8 + 10 ||
		    m[at - 1] != ' ' || m[at - 2] != ',')
			return false;
		for (e = at - 2; e > q && digit(m[e - 1]); e--)
			;
		if (e == at - 2 || e < q + 8 + 8 ||
		    !same_bytes(m + e - 8, ">, size=", 8))
			return false;
		/* Forwards: "N (queue NAME)" to the end. */
		for (i = at + 6; i < mlen && digit(m[i]); i++)
			;
		if (i == at + 6 || !at_word(m, mlen, i, " (queue "))
			return false;
		for (i += 8; i < mlen && lower(m[i]); i++)
			;
		if (i + 1 != mlen || m[i] != ')')
			return false;
		ev->note = BS_NOTE_ARRIVAL;
		set_text(&ev->sender, m + q + 8, e - 8 - (q + 8));
	}
	ev->kind = BS_KIND_COUNT;	/* a note has no kind */
	ev->msgid = m;
	ev->msgid_len = q;
	return true;
}

static bs_status
parse_delivery(struct postfix *pf, const char *m, size_t mlen, size_t first,
    struct bs_event *ev)
{
	const char *qid;
	size_t qidl, head_end, start;
	struct bs_postfix_outcome o;
	int kind, rc;

	rc = match_head(pf, m, mlen, &qid, &qidl, &head_end);
	if (rc <= 0)
		return rc < 0 ? BS_ERR_MATCH : BS_OK;
	start = outcome_start(pf, m, mlen, head_end, first);
	if (start >= mlen)
		return BS_OK;
	rc = match_outcome(pf, m, mlen, start, &o);
	if (rc <= 0)
		return rc < 0 ? BS_ERR_MATCH : BS_OK;
	kind = status_kind(m + o.status, o.status_len);
	if (kind < 0)
		return BS_OK;
	ev->kind = (enum bs_kind)kind;
	ev->msgid = qid;
	ev->msgid_len = qidl;
	if (qid != NULL)
		delivery_fields(m, (size_t)(qid - m) + qidl, o.status, ev);
	if (o.has_text) {
		const char *text = m + o.text;
		size_t textl = mlen - o.text;
		const char *r = reply_start(text, textl);
		size_t rl = textl - (size_t)(r - text);

		/* Drop the closing parenthesis of the status text. */
		if (rl > 0 && r[rl - 1] == ')')
			rl--;
		ev->reply = r;
		ev->reply_len = rl;
		if (bs_extract_reply(pf->x, r, rl, &ev->codes) < 0)
			return BS_ERR_MATCH;
		/* A delivery never failed to connect. */
		if (ev->codes.basic[0] == '\0' && kind != BS_DELIVERED)
			ev->connfail = bs_extract_connfail(r, rl);
	}
	if (ev->codes.enhanced[0] == '\0' && o.has_dsn)
		bs_extract_enhanced(m + o.dsn, o.dsn_len, ev->codes.enhanced);
	return BS_OK;
}

static bs_status
parse_reject(struct postfix *pf, const char *m, size_t mlen,
    struct bs_event *ev)
{
	const char *qid, *r;
	size_t qidl, rl, qend;
	int rc;

	rc = bs_match(pf->p, pf->reject, m, mlen, 0, pf->md);
	if (rc <= 0)
		return rc < 0 ? BS_ERR_MATCH : BS_OK;
	ev->kind = BS_REJECTED;
	qend = 0;
	if (bs_group_span(pf->md, pf->g_rqid, &qid, m, &qidl)) {
		qend = (size_t)(qid - m) + qidl + 2;	/* past "QID: " */
		if (!span_is(qid, qidl, "NOQUEUE")) {
			ev->msgid = qid;
			ev->msgid_len = qidl;
		}
	}
	bs_group_span(pf->md, pf->g_reply, &r, m, &rl);
	ev->reply = r;
	ev->reply_len = rl;
	if (bs_extract_reply(pf->x, r, rl, &ev->codes) < 0)
		return BS_ERR_MATCH;
	reject_fields(m, mlen, qend, r, ev);
	return BS_OK;
}

/*
 * Whether the needle at s[at] is a severity word (health.h): "warning: ",
 * "fatal: ", "panic: ", or "error: " (not "eject:").  Every needle is
 * at least six bytes long, so s[at + 1] is the needle's.
 */
static bool
health_needle(const char *s, size_t at)
{
	return s[at] == 'w' || s[at] == 'f' || s[at] == 'p' ||
	    (s[at] == 'e' && s[at + 1] == 'r');
}

/*
 * The next needle of the line from s[at] on that is not a severity word:
 * one past the start of the message is no health line, and the line may
 * still hold an event's needle.  n when there is none.
 */
static size_t
past_health(const struct postfix *pf, const char *s, size_t n, size_t at)
{
	while (at < n && health_needle(s, at)) {
		at++;
		at += bs_scan_needles(&pf->n_any, s + at, n - at);
	}
	return at;
}

/*
 * A line of the server's own trouble: the message m[0..mlen) of line s
 * opens with a severity word (the program writes it right after its
 * syslog prefix; one anywhere else, as in "reject_warning:" or a quoted
 * reply, is not one).  A note for the aggregate (health.h), no event.
 */
static bool
parse_health(const char *s, const char *m, size_t mlen, size_t prog,
    struct bs_event *ev)
{
	size_t wl;
	int sev = bs_health_severity_at(m, mlen, &wl);

	if (sev < 0)
		return false;
	ev->note = BS_NOTE_HEALTH;
	ev->kind = BS_KIND_COUNT;	/* a note has no kind */
	ev->severity = (enum bs_severity)sev;
	ev->reply = m + wl;
	ev->reply_len = mlen - wl;
	ev->program = prog != SIZE_MAX ?
	    bs_health_program_at(s, prog, (size_t)(m - s)) :
	    bs_health_postfix_program(s, (size_t)(m - s));
	return true;
}

/*
 * Where the message of line s[0..n) starts (the syslog pattern), with the
 * timestamp into ev.  A line the pattern does not fit is all message.
 * *prog: where the word of the Postfix program that the prefix names
 * starts, when the prefix was read in C (then no other program wrote the
 * line, foreign.h); SIZE_MAX otherwise.
 */
static bs_status
find_message(struct postfix *pf, const char *s, size_t n, const char **m,
    size_t *mlen, struct bs_event *ev, size_t *prog)
{
	const char *stamp;
	size_t at, stampat, stampl;
	int rc;

	*prog = SIZE_MAX;
	if (pf->c_syslog && bs_postfix_syslog_cached(&pf->sc, s, n, &at,
	    &stampat, &stampl, prog)) {
		*m = s + at;
		*mlen = n - at;
		ev->stamp = s + stampat;
		ev->stamp_len = stampl;
		return BS_OK;
	}
	rc = bs_match(pf->p, pf->syslog, s, n, 0, pf->md);
	if (rc < 0)
		return BS_ERR_MATCH;
	/* A replacement pattern whose msg group did not take part: whole line. */
	if (rc > 0 && bs_group_span(pf->md, pf->g_msg, m, s, mlen)) {
		*mlen = n - (size_t)(*m - s);
		if (bs_group_span(pf->md, pf->g_stamp, &stamp, s, &stampl)) {
			ev->stamp = stamp;
			ev->stamp_len = stampl;
		}
	} else {
		*m = s;
		*mlen = n;
	}
	return BS_OK;
}

/*
 * Hot: runs for every line of a Postfix log that holds a needle.
 *
 * Which needle comes first tells the shape: the splitter's scan found it
 * (line->needle: its needles are needles or joined_needles), or, for a
 * line handed over without one (the sample read to recognise the format,
 * --follow), it is looked for here among the joined needles.  So a note
 * comes from every note line that reaches the parser; the splitter of a
 * run that does not join hands none over, and the few of the sample are
 * passed over by run.c.
 */
static bs_status
postfix_parse(void *state, const struct bs_line *line, bs_event_fn emit,
    void *ctx)
{
	struct postfix *pf = state;
	const char *s = line->ptr, *m;
	size_t n = line->len, mlen, at, prog;
	bool is_status;
	struct bs_event ev;
	bs_status st;

	at = line->needle > 0 ? line->needle - 1 :
	    bs_scan_needles(&pf->n_joined, s, n);
	if (at >= n)
		return BS_OK;

	if (health_needle(s, at)) {
		/*
		 * "warning: " ... at the start of the message, which follows a
		 * blank in every dialect: "reject_warning: " is turned away
		 * before the prefix is read.
		 */
		if (at == 0 || s[at - 1] == ' ') {
			bs_event_init(&ev);
			if ((st = find_message(pf, s, n, &m, &mlen, &ev,
			    &prog)) != BS_OK)
				return st;
			if (s + at == m && parse_health(s, m, mlen, prog, &ev)) {
				emit(ctx, &ev);
				return BS_OK;
			}
		}
		if ((at = past_health(pf, s, n, at)) >= n)
			return BS_OK;
	}
	bs_event_init(&ev);
	if ((st = find_message(pf, s, n, &m, &mlen, &ev, &prog)) != BS_OK)
		return st;
	if (s[at] == '/') {
		/* bounce's "QID: sender ... notification: NEWID", a note. */
		const char *nt = memmem(m, mlen, "notification: ", 14);

		if (nt != NULL && parse_note(m, mlen, nt, &ev)) {
			emit(ctx, &ev);
			return BS_OK;
		}
		at++;
		at += bs_scan_needles(&pf->n_any, s + at, n - at);
		if (at >= n)
			return BS_OK;
	}
	if (s[at] == 'n' || s[at] == ':') {
		/* "nrcpt=" or ": removed": a note, else look further. */
		if (parse_note(m, mlen, s + at, &ev)) {
			emit(ctx, &ev);
			return BS_OK;
		}
		at++;
		at += bs_scan_needles(&pf->n_any, s + at, n - at);
		if (at >= n)
			return BS_OK;
	}
	/*
	 * A message that opens with a severity word: found past "/bounce" in
	 * the program's name, or by a later needle of the stream's.  An
	 * event's message opens with a queue id or "NOQUEUE": one byte tells.
	 */
	if (mlen > 0 && (m[0] == 'w' || m[0] == 'e' || m[0] == 'f' ||
	    m[0] == 'p') && parse_health(s, m, mlen, prog, &ev)) {
		emit(ctx, &ev);
		return BS_OK;
	}
	if (health_needle(s, at) && (at = past_health(pf, s, n, at)) >= n)
		return BS_OK;
	/* "tatus=" and "eject:" (the default needles) stand one byte in. */
	if ((s[at] == 't' || s[at] == 'e') && at > 0)
		at--;
	is_status = s[at] == 's';
	ev.kind = BS_KIND_COUNT;
	/* The message starts at m - s; the first "status=" at at. */
	st = is_status ? parse_delivery(pf, m, mlen,
	    at > (size_t)(m - s) ? at - (size_t)(m - s) : 0, &ev) :
	    parse_reject(pf, m, mlen, &ev);
	/* A reply text may quote "status=" although the line is a reject. */
	if (st == BS_OK && ev.kind == BS_KIND_COUNT && is_status &&
	    has(&pf->n_reject, s, n))
		st = parse_reject(pf, m, mlen, &ev);
	if (st != BS_OK)
		return st;
	if (ev.kind != BS_KIND_COUNT)
		emit(ctx, &ev);
	else if (is_status && prog == SIZE_MAX)
		bs_foreign_status(s, n, emit, ctx);
	return BS_OK;
}

/*
 * A line certainly from Postfix names a postfix program followed by
 * "[pid]: ", or by RFC 5424's pid and message id; a bare "QUEUEID: to=<"
 * message could be.  A line that opens with '{' is not Postfix's, however
 * much of a Postfix message it quotes.
 */
static int
postfix_probe(const char *s, size_t n)
{
	const char *p = memmem(s, n, "postfix", 7);

	/* A JSON object (a journal entry, fmt_journal.c) is no syslog line. */
	if (n > 0 && s[0] == '{')
		return 0;
	if (p != NULL) {
		const char *end = s + n;

		while (p < end && *p != '[' && *p != ':' && *p != ' ')
			p++;
		if (p < end && (*p == '[' || bs_syslog_rfc5424_after(p, end)))
			return 2;
	}
	if (memmem(s, n, ": to=<", 6) != NULL ||
	    memmem(s, n, "NOQUEUE: ", 9) != NULL)
		return 1;
	return 0;
}

const struct bs_format bs_format_postfix = {
	.name = "postfix",
	.help = "Postfix mail.log (syslog or RFC 3339 stamps)",
	.splittable = true,
	.needles = postfix_needles,
	.joined_needles = postfix_joined_needles,
	.stream_needles = postfix_stream_needles,
	.probe = postfix_probe,
	.open = postfix_open,
	.parse = postfix_parse,
	.close = postfix_close,
};
