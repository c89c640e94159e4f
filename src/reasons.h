/*
 * reasons.h - why an event failed: a reason in Sisimai's vocabulary, a
 * hard/soft verdict, the blocklist or provider that the reply names, and
 * a hint for the side that must act.
 *
 * The rules are data: the rows of patterns/reasons.pat (the file says
 * how to write them), compiled once per pattern set.  A rule holds
 * conditions on the event's kind, codes, the SMTP command its reply
 * answered and the remote host, and optionally a text regex; the first
 * rule, in file order, whose conditions all hold decides.
 *
 * Cost: the rules that an event's kind and codes allow are bit masks,
 * remembered per thread for each kind and codes met.  The reply is read
 * once by the literal prefilter of reasons_lit.h, which tells for every
 * text at once whether it certainly matches, certainly does not, or may
 * (then PCRE2 decides).  Only when the first rule left standing depends
 * on an undecided text does PCRE2 run: once, over one pattern that
 * joins every undecided text of that reply and reports each that
 * matches through a callout.  So an event costs at most one match, and
 * most cost none.
 *
 * Reasons are static strings; events keep pointers to them.
 */
#ifndef BS_REASONS_H
#define BS_REASONS_H

#include <stdbool.h>
#include <stddef.h>

#include "bslimits.h"
#include "diag.h"
#include "event.h"

struct bs_litset;
struct bs_patterns;
struct bs_reasons;


/* hard: no verdict (deliveries, deferrals), soft, hard. */
enum { BS_HARD_NONE = -1, BS_HARD_NO = 0, BS_HARD_YES = 1 };

/* What the rules decided for one event. */
struct bs_verdict {
	const char *reason;	/* static; NULL only for an unknown kind */
	int hard;		/* BS_HARD_* */
	const char *name;	/* blocklist or provider the rule names, or NULL */
	const char *url;	/* its lookup, delisting or help page, or NULL */
	const char *label;	/* the rule's own words: what fired, or NULL */
	const char *hint;	/* the rule's own hint, or NULL: the reason's */
	const char *origin;	/* reasons.pat and line of the rule, or NULL */
	unsigned line;
};

/*
 * The compiled rules of p's "reasons" set, made on first use and kept
 * with p (bs_patterns_derive); NULL with d filled when the set does not
 * compile (a missing set is an empty table: every failure is undefined).
 * main.c asks once before reading, so that a bad file stops the run.
 */
const struct bs_reasons *bs_reasons_of(const struct bs_patterns *p,
    struct bs_diag *d);

/*
 * Decide ev's reason (ev->kind, codes, reply, remote, and the command
 * when the parser stated it; else the reply's wording tells, through the
 * command rows).  Deliveries are
 * "delivered" at no cost; other kinds run the rules.  Thread-safe: the
 * one match uses the calling thread's own match data.
 */
void bs_reasons_classify(const struct bs_reasons *r,
    const struct bs_event *ev, struct bs_verdict *out);

/* Whether reason is hard for kind and the codes (taxonomy.md's rules). */
int bs_reason_hard(const char *reason, enum bs_kind kind,
    const struct bs_codes *codes);

/*
 * What the reason means, and a hint for the side that must act: the
 * sender's administrator for deferred, bounced and expired mail, this
 * server's administrator for a refusal (rejected).  Static text.
 */
const char *bs_reason_meaning(const char *reason);
const char *bs_reason_hint(const char *reason, enum bs_kind kind,
    const struct bs_codes *codes);

/*
 * For tests and tools: the number of texts (command rows and rules, ids
 * 1..n in file order); with id in range, *rx and *n get its regex.
 * bs_reasons_describe_text says what the prefilter derived from it
 * (bs_litset_describe).
 */
int bs_reasons_texts(const struct bs_reasons *r, const char **rx, size_t *n,
    int id);
size_t bs_reasons_describe_text(const struct bs_reasons *r, int id,
    char *buf, size_t size);
/* The prefilter of r's texts (reasons_lit.h), for tests. */
const struct bs_litset *bs_reasons_litset(const struct bs_reasons *r);

/*
 * The DNS blocklist zone that a reply names ("blocked using
 * zen.spamhaus.org", "listed at bl.spamcop.net", "rejected by
 * b.barracudacentral.org"): *zone points into s; returns its length, 0
 * for none.
 */
size_t bs_reasons_zone(const char *s, size_t n, const char **zone);

/* The reply's own help page: its first http(s) URL, as bs_reasons_zone. */
size_t bs_reasons_url(const char *s, size_t n, const char **url);

/* Every reason name, in taxonomy order, NULL-terminated (for reports). */
extern const char *const bs_reason_names[];
/* Index of reason in bs_reason_names, or -1. */
int bs_reason_index(const char *reason);
#define BS_REASON_COUNT 34

#endif
