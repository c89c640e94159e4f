/*
 * extract.h - pulling the basic and enhanced status codes out of a reply.
 *
 * The format parsers find where the deciding reply starts (after "said: ",
 * inside "status=sent (...)", after "rejected RCPT <x>: " ...) and hand
 * that text here.  The rules are DESIGN.md's "Codes of an event": a basic
 * code opens the reply ([2-5]xx followed by space, '-' or the end); an
 * enhanced code (class 2, 4 or 5, subject and detail of one to three
 * digits, not followed by another digit or dot) follows it, possibly as
 * "550-5.1.1", "550 #5.1.1" or glued to the text; a reply without a basic
 * code may open with an enhanced one.  Patterns come from codes.pat.
 */
#ifndef BS_EXTRACT_H
#define BS_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "event.h"

struct bs_patterns;
struct bs_extract;

bs_status bs_extract_new(const struct bs_patterns *p,
    struct bs_extract **out, struct bs_diag *d);
void bs_extract_free(struct bs_extract *x);

/*
 * Codes of the reply starting at s.  Fills out (empty strings for what is
 * absent).  Returns 1 if a code was found, 0 if none, -1 on a PCRE2 error.
 */
int bs_extract_reply(struct bs_extract *x, const char *s, size_t n,
    struct bs_codes *out);

/*
 * Copy an enhanced code that stands alone (Postfix dsn=) into out if it has
 * the right shape over all n bytes.  Returns true if it did.
 */
bool bs_extract_enhanced(const char *s, size_t n,
    char out[BS_ENHANCED_MAX]);

/* BS_CONN_* bits for a connection failure text that carries no reply. */
unsigned bs_extract_connfail(const char *s, size_t n);

#endif
