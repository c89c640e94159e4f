/*
 * codes_fast.h - the two shipped patterns of codes.pat, recognised in C.
 *
 * Every event's reply passes codes/reply (and, where it opens with no
 * basic code, codes/enhanced) before its codes are known.  Through
 * PCRE2's JIT that costs about 420 instructions a reply, most of it the
 * call; the C below about 40.  Each function answers exactly as the
 * pattern whose text it carries would.  extract.c calls them only while
 * the loaded pattern is that very text (bs_patterns_is), so an edited
 * patterns/codes.pat or a --patterns set is matched by PCRE2, never by a
 * stale copy.  tests/check_codes_fast.c holds the C to the patterns.
 */
#ifndef BS_CODES_FAST_H
#define BS_CODES_FAST_H

#include <stdbool.h>
#include <stddef.h>

/* The patterns codes/reply and codes/enhanced, as shipped. */
extern const char bs_codes_reply_rx[];
extern const char bs_codes_enhanced_rx[];

/*
 * The reply pattern on s[0..n): true where it matches, the group basic
 * then being s[0..3); *enh and *enh_len are the group enhanced's offset
 * and length, a length of 0 when it took no part.  Exact both ways.
 */
bool bs_codes_reply(const char *s, size_t n, size_t *enh, size_t *enh_len);

/* The enhanced pattern on s[0..n), with its group as above. */
bool bs_codes_enhanced(const char *s, size_t n, size_t *enh, size_t *enh_len);

#endif
