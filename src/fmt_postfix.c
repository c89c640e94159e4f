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
 */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "format.h"
#include "patterns.h"
#include "postfix_fast.h"
#include "scan.h"

struct postfix {
	struct bs_needles n_any, n_reject, n_status;
	const struct bs_patterns *p;
	const pcre2_code *syslog, *delivery, *outcome, *reject;
	int g_stamp, g_msg;
	int g_dqid, g_dsn, g_status, g_text;
	int g_rqid, g_reply;
	pcre2_match_data *md;
	struct bs_extract *x;
	/* Which patterns are the shipped texts: those are read in C. */
	bool c_syslog, c_delivery, c_outcome;
};

/* Every event line holds one of these; the splitter skips the others. */
static const char *const postfix_needles[] = { "status=", "reject:", NULL };

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
	size_t qidl, rl;
	int rc;

	rc = bs_match(pf->p, pf->reject, m, mlen, 0, pf->md);
	if (rc <= 0)
		return rc < 0 ? BS_ERR_MATCH : BS_OK;
	ev->kind = BS_REJECTED;
	if (bs_group_span(pf->md, pf->g_rqid, &qid, m, &qidl) &&
	    !span_is(qid, qidl, "NOQUEUE")) {
		ev->msgid = qid;
		ev->msgid_len = qidl;
	}
	bs_group_span(pf->md, pf->g_reply, &r, m, &rl);
	ev->reply = r;
	ev->reply_len = rl;
	if (bs_extract_reply(pf->x, r, rl, &ev->codes) < 0)
		return BS_ERR_MATCH;
	return BS_OK;
}

/*
 * Where the message of line s[0..n) starts (the syslog pattern), with the
 * timestamp into ev.  A line the pattern does not fit is all message.
 */
static bs_status
find_message(struct postfix *pf, const char *s, size_t n, const char **m,
    size_t *mlen, struct bs_event *ev)
{
	const char *stamp;
	size_t at, stampl;
	int rc;

	if (pf->c_syslog && bs_postfix_syslog(s, n, &at, &stampl)) {
		*m = s + at;
		*mlen = n - at;
		ev->stamp = s;
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

/* Hot: runs for every line of a Postfix log. */
static bs_status
postfix_parse(void *state, const struct bs_line *line, bs_event_fn emit,
    void *ctx)
{
	struct postfix *pf = state;
	const char *s = line->ptr, *m;
	size_t n = line->len, mlen, at;
	bool is_status;
	struct bs_event ev;
	bs_status st;

	/*
	 * Which needle comes first tells the shape.  The splitter's scan
	 * found it (its needles are these); a line from elsewhere is
	 * scanned here.
	 */
	at = line->needle > 0 ? line->needle - 1 :
	    bs_scan_needles(&pf->n_any, s, n);
	if (at >= n)
		return BS_OK;
	is_status = s[at] == 's';

	memset(&ev, 0, sizeof(ev));
	if ((st = find_message(pf, s, n, &m, &mlen, &ev)) != BS_OK)
		return st;
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
	return BS_OK;
}

/*
 * A line certainly from Postfix names a postfix program followed by
 * "[pid]: "; a bare "QUEUEID: to=<" message could be.
 */
static int
postfix_probe(const char *s, size_t n)
{
	const char *p = memmem(s, n, "postfix", 7);

	if (p != NULL) {
		const char *end = s + n;

		while (p < end && *p != '[' && *p != ':' && *p != ' ')
			p++;
		if (p < end && *p == '[')
			return 2;
	}
	if (memmem(s, n, ": to=<", 6) != NULL ||
	    memmem(s, n, "NOQUEUE: ", 9) != NULL)
		return 1;
	return 0;
}

const struct bs_format bs_format_postfix = {
	.name = "postfix",
	.needles = postfix_needles,
	.probe = postfix_probe,
	.open = postfix_open,
	.parse = postfix_parse,
	.close = postfix_close,
};
