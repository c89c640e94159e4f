/*
 * patterns_builtin.h - the pattern files embedded at build time.  The
 * table is generated from the patterns folder by tools/embed.sh.
 */
#ifndef BS_PATTERNS_BUILTIN_H
#define BS_PATTERNS_BUILTIN_H

#include <stddef.h>

struct bs_builtin_pattern {
	const char *set;	/* "postfix" for patterns/postfix.pat */
	const char *text;
	size_t len;
};

/* Terminated by an entry whose set is NULL. */
extern const struct bs_builtin_pattern bs_builtin_patterns[];

#endif
