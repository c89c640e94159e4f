/*
 * postfix_fast.h - three shipped Postfix patterns, recognised in C.
 *
 * Every Postfix event line passes the syslog pattern, and every delivery
 * record the delivery and outcome patterns, before its codes are read.
 * Through PCRE2's JIT these cost about 1100 (syslog, with the syslog
 * dialects it reads), 350 and 450 instructions a line (much of it the
 * cost of a call, and 6 to 13 per byte); the C below about 420, 90 and
 * 150.  Each function answers exactly as the pattern whose text it
 * carries would.  fmt_postfix.c calls them only while the loaded pattern
 * is that very text (bs_patterns_is), so an edited patterns/postfix.pat or
 * a --patterns set is matched by PCRE2, never by a stale copy.
 * tests/check_postfix_fast.c holds the C to the patterns.
 */
#ifndef BS_POSTFIX_FAST_H
#define BS_POSTFIX_FAST_H

#include <stdbool.h>
#include <stddef.h>

#include "bslimits.h"

/* The patterns postfix/syslog, delivery and outcome, as shipped. */
extern const char bs_postfix_syslog_rx[];
extern const char bs_postfix_delivery_rx[];
extern const char bs_postfix_outcome_rx[];

/*
 * Whether p[0..end) is what follows the app name in RFC 5424: " PID MSGID
 * -" or " PID MSGID [" (PID digits or "-"), as the Postfix and mixed
 * readers take it.
 */
bool bs_syslog_rfc5424_after(const char *p, const char *end);

/*
 * The syslog pattern on s[0..n) where the line starts with a timestamp,
 * perhaps behind a <priority> (the usual case): true with the offset of
 * the message (group msg) and the offset and length of the timestamp
 * (group stamp).  False means "not decided here", never "no match": the
 * caller asks the pattern.
 */
bool bs_postfix_syslog(const char *s, size_t n, size_t *msg, size_t *stamp,
    size_t *stamp_len);

/*
 * What bs_postfix_syslog_cached keeps of the last line it read in full:
 * its bytes up to the program's word (a copy), that word's number among
 * the words after the stamp, and the stamp.  head == 0: nothing kept.
 * Zero it before the first use.
 */
struct bs_syslog_cache {
	size_t head, word_no, stamp, stamp_len;
	char prefix[BS_SYSLOG_PREFIX_MAX];
};

/*
 * bs_postfix_syslog, the same answer always, for less: consecutive lines
 * of a log mostly open with the same stamp and host, and a line that
 * opens with the bytes kept from an earlier one is read from its program
 * on.  Only bytes whose reading looked at nothing after them are kept
 * (a host between stamp and program, no word before the program naming
 * postfix); see postfix_fast.c.  Also the offset of the program's word
 * (the one that names postfix, "postfix/smtpd[1]:").
 */
bool bs_postfix_syslog_cached(struct bs_syslog_cache *c, const char *s,
    size_t n, size_t *msg, size_t *stamp, size_t *stamp_len, size_t *prog);

/*
 * The delivery pattern on the message m[0..n): true with the length of
 * the queue id (group qid, at offset 0) and of the whole match; false
 * where the pattern does not match.  Exact both ways.
 */
bool bs_postfix_delivery(const char *m, size_t n, size_t *qid_len,
    size_t *head_len);

/* The outcome pattern's groups, as offsets into the message. */
struct bs_postfix_outcome {
	size_t status, status_len;
	bool has_dsn, has_text;	/* whether these groups took part */
	size_t dsn, dsn_len;
	size_t text;		/* where the text starts */
};

/*
 * The outcome pattern on the message m[0..n), started at start: true with
 * its groups in *o, false where it does not match.  Exact both ways.
 */
bool bs_postfix_outcome(const char *m, size_t n, size_t start,
    struct bs_postfix_outcome *o);

#endif
