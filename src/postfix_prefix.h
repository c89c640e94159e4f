/*
 * postfix_prefix.h - two shipped Postfix patterns, recognised in C.
 *
 * Every Postfix event line passes the syslog pattern, and every delivery
 * record the delivery pattern, before its codes are read.  PCRE2's JIT
 * spends about 700 instructions on "Nov 28 10:00:00 mx1 postfix/smtp[42]: "
 * alone, more than a third of the cost of an event; the C below spends
 * about a tenth of that.  Each function answers exactly as the pattern
 * whose text it carries would.  fmt_postfix.c calls them only while the
 * loaded pattern is that very text (bs_patterns_is), so an edited
 * patterns/postfix.pat or a --patterns set is matched by PCRE2, never by
 * a stale copy.  tests/check_prefix.c holds the C to the patterns.
 */
#ifndef BS_POSTFIX_PREFIX_H
#define BS_POSTFIX_PREFIX_H

#include <stdbool.h>
#include <stddef.h>

/* The patterns postfix/syslog and postfix/delivery, as shipped. */
extern const char bs_postfix_syslog_rx[];
extern const char bs_postfix_delivery_rx[];

/*
 * The syslog pattern on s[0..n) where the line starts with a timestamp
 * (the usual case): true with the offset of the message (group msg) and
 * the length of the timestamp (group stamp, at offset 0).  False means
 * "not decided here", never "no match": the caller asks the pattern.
 */
bool bs_postfix_syslog(const char *s, size_t n, size_t *msg,
    size_t *stamp_len);

/*
 * The delivery pattern on the message m[0..n): true with the length of
 * the queue id (group qid, at offset 0) and of the whole match; false
 * where the pattern does not match.  Exact both ways.
 */
bool bs_postfix_delivery(const char *m, size_t n, size_t *qid_len,
    size_t *head_len);

#endif
