/*
 * patterns.h - the PCRE2 patterns of patterns/NAME.pat, compiled once.
 *
 * A pattern set is one file, "NAME.pat", holding named patterns:
 *
 *	# a comment line (blank lines are ignored too)
 *	name = regex
 *	<whitespace>more regex	(a continuation: leading white space is
 *				 dropped and the rest appended as it is)
 *	keyword: fields		(a table row, continued the same way)
 *
 * A row is not compiled: it is kept as written, in file order, for the
 * module that reads the set (reasons.c reads reasons.pat's rows and
 * documents their fields); sets without rows simply have none.
 * Patterns match bytes (no UTF checking), are JIT-compiled when the
 * platform allows it, and run under the match, depth and heap limits of
 * bslimits.h so that a catastrophic expression is an error, not a hang.
 * The built-in sets are embedded into the binary at build time;
 * --patterns DIR loads DIR/NAME.pat instead for every set that DIR holds.
 */
#ifndef BS_PATTERNS_H
#define BS_PATTERNS_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct bs_patterns;

/*
 * Load every built-in set, then (dir != NULL) replace each set for which
 * DIR/SET.pat exists.  A file that cannot be read or a pattern that does not
 * compile is BS_ERR_CONFIG, with file, line and PCRE2's message in d.
 */
bs_status bs_patterns_load(const char *dir, struct bs_patterns **out,
    struct bs_diag *d);
void bs_patterns_free(struct bs_patterns *p);

/*
 * Parse one set from text (exposed for tests and for the loader).
 * origin names the text in diagnostics.
 */
bs_status bs_patterns_add_text(struct bs_patterns *p, const char *set,
    const char *origin, const char *text, size_t len, struct bs_diag *d);
struct bs_patterns *bs_patterns_new(void);

/*
 * The compiled pattern SET/NAME, or BS_ERR_CONFIG naming what is missing.
 * The code stays owned by p.
 */
bs_status bs_patterns_get(const struct bs_patterns *p, const char *set,
    const char *name, const pcre2_code **out, struct bs_diag *d);

/*
 * Whether SET/NAME was compiled from exactly the regex rx.  A parser that
 * reads a shipped pattern's lines in C (postfix_fast.h) does so only
 * while the pattern is still that text.
 */
bool bs_patterns_is(const struct bs_patterns *p, const char *set,
    const char *name, const char *rx);

/*
 * Row idx (0, 1, ...) of SET in file order, or false past the last.  The
 * strings stay owned by p; text is NUL-terminated.
 */
struct bs_pattern_row {
	const char *keyword;
	const char *text;	/* the fields, continuation lines joined */
	size_t len;
	const char *origin;	/* the file, for diagnostics */
	uint64_t line;
	bool builtin;		/* from the set built into the binary */
};
bool bs_patterns_row(const struct bs_patterns *p, const char *set,
    size_t idx, struct bs_pattern_row *out);
/*
 * The rows of SET in file order into out[0..max) in one pass; returns
 * how many SET has (more than max: ask again with room for them).
 */
size_t bs_patterns_rows(const struct bs_patterns *p, const char *set,
    struct bs_pattern_row *out, size_t max);

/*
 * A value derived once from the whole set (a module's compiled table):
 * the first call for a given make calls make(p, d) and keeps what it
 * returns, later calls (from any thread) return the same value; drop
 * frees it with p.  NULL when make failed (d says why; it is tried again
 * next time).
 */
typedef void *(*bs_derive_fn)(const struct bs_patterns *p,
    struct bs_diag *d);
void *bs_patterns_derive(const struct bs_patterns *p, bs_derive_fn make,
    void (*drop)(void *), struct bs_diag *d);

/* Number of the named group in re, or BS_ERR_CONFIG if it has none. */
bs_status bs_patterns_group(const pcre2_code *re, const char *set,
    const char *pattern, const char *group, int *out, struct bs_diag *d);

/*
 * Match re against s[0..n) with the project's limits.  Returns > 0 on a
 * match, 0 for no match, < 0 for a PCRE2 error (match limit and so on).
 */
int bs_match(const struct bs_patterns *p, const pcre2_code *re,
    const char *s, size_t n, size_t start, pcre2_match_data *md);

/*
 * Bounds of group g of the last match in md; false if it did not take part.
 * Inline: a parser asks for several groups of every event line.
 */
static inline bool
bs_group_span(pcre2_match_data *md, int g, const char **s,
    const char *subject, size_t *len)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	if (g < 0 || (uint32_t)g >= pcre2_get_ovector_count(md) ||
	    ov[2 * g] == PCRE2_UNSET) {
		*s = NULL;
		*len = 0;
		return false;
	}
	*s = subject + ov[2 * g];
	*len = ov[2 * g + 1] - ov[2 * g];
	return true;
}

#endif
