/*
 * reasons_lit.h - the literal prefilter of the reason texts.
 *
 * Every text regex of reasons.pat is read once, at load, for the
 * literals that any match must contain: for each top-level alternative,
 * either the exact set of strings it matches (small alternations and
 * optional parts expanded, \b, ^ and $ kept as conditions on where the
 * string sits), or a set of strings one of which every match contains.
 * One pass over a reply then finds, for every text at once, whether it
 * certainly matches (an exact alternative's string is there), may match
 * (a required string is there, or an alternative gave no literal: PCRE2
 * decides, running only those alternatives) or certainly does not.  The regex stays the truth: the
 * prefilter only tells which texts need not be run (check_reasons.c
 * compares it with PCRE2 on every text).
 *
 * A set is built once and then only read: scans from many threads are
 * safe.
 */
#ifndef BS_REASONS_LIT_H
#define BS_REASONS_LIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bslimits.h"

/* Text ids are 1 .. BS_LIT_TEXTS_MAX - 1; bit sets hold BS_LIT_WORDS. */
#define BS_LIT_WORDS (BS_LIT_TEXTS_MAX / 64)

struct bs_litset;

/* An empty set, or NULL when out of memory. */
struct bs_litset *bs_litset_new(void);
void bs_litset_free(struct bs_litset *ls);

/*
 * Read text id's regex rx[0..n) (caseless, as reasons.c compiles it).
 * Returns NULL, or a static message when the regex uses what a joined
 * pattern cannot hold (back references, named groups, recursion,
 * callouts: reasons.c joins the texts it must run into one pattern).
 * Constructs the reader does not know make the text one that PCRE2
 * always decides; running out of memory returns "out of memory".
 */
const char *bs_litset_add(struct bs_litset *ls, int id, const char *rx,
    size_t n);

/* Index the literals added; false when out of memory. */
bool bs_litset_finish(struct bs_litset *ls);


/*
 * What one scan found.  sure: texts that certainly match.  maybe: texts
 * that PCRE2 must decide (never one of sure); alts[0..nalts) are the
 * alternatives of them that it must run (by bs_litset_alt), unless
 * nalts > BS_LIT_ALTS_MAX: then too many, and it runs maybe's texts
 * whole.
 */
struct bs_lit_found {
	uint64_t sure[BS_LIT_WORDS];
	uint64_t maybe[BS_LIT_WORDS];
	uint16_t alts[BS_LIT_ALTS_MAX];
	unsigned nalts;
};

/* Scan s[0..n) once.  Hot: once per failure reply not seen before. */
void bs_litset_scan(const struct bs_litset *ls, const char *s, size_t n,
    struct bs_lit_found *f);

/*
 * bs_litset_scan in one chain of look-ups, as it reads a short text: the
 * reference the tests hold the two-chain walk of long texts to.
 */
void bs_litset_scan_one(const struct bs_litset *ls, const char *s, size_t n,
    struct bs_lit_found *f);

/*
 * Alternative alt: its text, and where its regex sits in the text's
 * (start, len); false past the last.
 */
bool bs_litset_alt(const struct bs_litset *ls, unsigned alt, int *text,
    size_t *start, size_t *len);

/*
 * What was derived for text id, for tests and for reading: one line per
 * literal ("exact" or "needs" then the string, with \b ^ $ marks), or
 * "always" when PCRE2 decides every reply.  Writes at most size bytes,
 * NUL-terminated; returns the length it wanted.
 */
size_t bs_litset_describe(const struct bs_litset *ls, int id, char *buf,
    size_t size);

#endif
