/*
 * fuzz_postfix_fast.c - libFuzzer target: src/postfix_fast.c against the
 * patterns it stands in for.  The input is one line: where the C reads
 * the syslog prefix, PCRE2 must match it with the same message start and
 * timestamp; for the delivery head, C and PCRE2 must agree both ways.
 * The same input is also read as a message after "Nov 28 10:00:00 mx1
 * postfix/smtp[1]: ", so edits beyond the prefix reach both.  The cached
 * syslog read must answer as the fresh one, line after line.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "postfix_fast.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

struct pcre {
	const pcre2_code *syslog, *delivery, *outcome;
	int g_msg, g_stamp, g_qid, g_dsn, g_status, g_text;
	pcre2_match_data *md;
};

static const struct pcre *
pcre(void)
{
	static struct pcre p;
	const struct bs_patterns *pats = fz_patterns();
	struct bs_diag d;

	if (p.md != NULL)
		return &p;
	if (!bs_patterns_is(pats, "postfix", "syslog", bs_postfix_syslog_rx) ||
	    !bs_patterns_is(pats, "postfix", "delivery", bs_postfix_delivery_rx) ||
	    !bs_patterns_is(pats, "postfix", "outcome", bs_postfix_outcome_rx))
		FZ_FAIL("the shipped patterns are not the C's texts");
	if (bs_patterns_get(pats, "postfix", "syslog", &p.syslog, &d) ||
	    bs_patterns_get(pats, "postfix", "delivery", &p.delivery, &d) ||
	    bs_patterns_group(p.syslog, "postfix", "syslog", "msg", &p.g_msg,
	    &d) ||
	    bs_patterns_group(p.syslog, "postfix", "syslog", "stamp",
	    &p.g_stamp, &d) ||
	    bs_patterns_group(p.delivery, "postfix", "delivery", "qid",
	    &p.g_qid, &d) ||
	    bs_patterns_get(pats, "postfix", "outcome", &p.outcome, &d) ||
	    bs_patterns_group(p.outcome, "postfix", "outcome", "dsn",
	    &p.g_dsn, &d) ||
	    bs_patterns_group(p.outcome, "postfix", "outcome", "status",
	    &p.g_status, &d) ||
	    bs_patterns_group(p.outcome, "postfix", "outcome", "text",
	    &p.g_text, &d))
		FZ_FAIL("postfix patterns: %s", d.msg);
	p.md = pcre2_match_data_create(16, NULL);
	FZ_ASSERT(p.md != NULL, "out of memory");
	return &p;
}

static void
check_syslog(const struct pcre *p, const char *s, size_t n)
{
	size_t msg, sa, sl, pl;
	const char *at;

	if (!bs_postfix_syslog(s, n, &msg, &sa, &sl))
		return;
	FZ_ASSERT(msg <= n && sa + sl < msg, "syslog: msg %zu stamp %zu+%zu "
	    "of %zu", msg, sa, sl, n);
	FZ_ASSERT(bs_match(fz_patterns(), p->syslog, s, n, 0, p->md) > 0,
	    "syslog: C matched, PCRE2 did not");
	FZ_ASSERT(bs_group_span(p->md, p->g_msg, &at, s, &pl) &&
	    (size_t)(at - s) == msg, "syslog: message at %zu, PCRE2's at %zu",
	    msg, (size_t)(at - s));
	FZ_ASSERT(bs_group_span(p->md, p->g_stamp, &at, s, &pl) &&
	    at == s + sa && pl == sl, "syslog: stamp of %zu bytes at %zu, "
	    "PCRE2's differs", sl, sa);
}

/*
 * The cached read (bs_postfix_syslog_cached) against a fresh one, through
 * one cache kept across inputs: each input follows the one before, as a
 * log's lines do.
 */
static void
check_cached(const char *s, size_t n)
{
	static struct bs_syslog_cache c;
	size_t m1 = 0, s1 = 0, l1 = 0, m2 = 0, s2 = 0, l2 = 0, p1 = 0;
	bool a1 = bs_postfix_syslog_cached(&c, s, n, &m1, &s1, &l1, &p1);
	bool a2 = bs_postfix_syslog(s, n, &m2, &s2, &l2);

	/* The program's word lies before the message and names postfix. */
	FZ_ASSERT(a1 == a2 && (!a1 || (m1 == m2 && s1 == s2 && l1 == l2 &&
	    p1 < m1 && memmem(s + p1, m1 - p1, "postfix", 7) != NULL)),
	    "syslog cached: %d %zu %zu+%zu (program at %zu), fresh %d %zu "
	    "%zu+%zu", a1, m1, s1, l1, p1, a2, m2, s2, l2);
}

static void
check_delivery(const struct pcre *p, const char *m, size_t n)
{
	size_t qid = 0, head = 0, pq = 0, ph = 0;
	bool c = bs_postfix_delivery(m, n, &qid, &head);
	int rc = bs_match(fz_patterns(), p->delivery, m, n, 0, p->md);
	const char *q = NULL, *h = NULL;

	FZ_ASSERT(rc >= 0, "delivery: PCRE2 error %d", rc);
	if (rc > 0) {
		bs_group_span(p->md, p->g_qid, &q, m, &pq);
		bs_group_span(p->md, 0, &h, m, &ph);
	}
	FZ_ASSERT(c == (rc > 0), "delivery: C %d, PCRE2 %d", c, rc);
	FZ_ASSERT(!c || (q == m && h == m && qid == pq && head == ph),
	    "delivery: C qid %zu head %zu, PCRE2 qid %zu head %zu", qid, head,
	    pq, ph);
}

static void
check_outcome(const struct pcre *p, const char *m, size_t n, size_t start)
{
	struct bs_postfix_outcome o;
	bool c = bs_postfix_outcome(m, n, start, &o);
	int rc = bs_match(fz_patterns(), p->outcome, m, n, start, p->md);
	const char *s, *d, *t;
	size_t sl, dl, tl;
	bool hd, ht;

	FZ_ASSERT(rc >= 0, "outcome: PCRE2 error %d", rc);
	FZ_ASSERT(c == (rc > 0), "outcome from %zu: C %d, PCRE2 %d", start, c,
	    rc);
	if (!c)
		return;
	bs_group_span(p->md, p->g_status, &s, m, &sl);
	hd = bs_group_span(p->md, p->g_dsn, &d, m, &dl);
	ht = bs_group_span(p->md, p->g_text, &t, m, &tl);
	FZ_ASSERT(s == m + o.status && sl == o.status_len, "outcome: status");
	FZ_ASSERT(hd == o.has_dsn && (!hd || (d == m + o.dsn &&
	    dl == o.dsn_len)), "outcome: dsn");
	FZ_ASSERT(ht == o.has_text && (!ht || t == m + o.text), "outcome: text");
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static const char head[] = "Nov 28 10:00:00 mx1 postfix/smtp[1]: ";
	const struct pcre *p = pcre();
	const char *s = (const char *)data;
	char buf[4096];
	size_t msg, sa, sl;

	check_syslog(p, s, size);
	check_cached(s, size);
	check_delivery(p, s, size);
	for (msg = 0; msg <= size && msg < 64; msg++)
		check_outcome(p, s, size, msg);
	if (size > sizeof(buf) - sizeof(head))
		return 0;
	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + sizeof(head) - 1, s, size);
	check_syslog(p, buf, sizeof(head) - 1 + size);
	check_cached(buf, sizeof(head) - 1 + size);
	if (bs_postfix_syslog(buf, sizeof(head) - 1 + size, &msg, &sa, &sl))
		check_delivery(p, buf + msg, sizeof(head) - 1 + size - msg);
	return 0;
}
