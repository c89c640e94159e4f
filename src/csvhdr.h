/*
 * csvhdr.h - reading CSV whose columns are named by a header: Exchange's
 * "#Fields:" line, or the first row of an export (Microsoft 365 message
 * traces).  The readers that use it ask for columns by name, never by
 * position, so any column order and any extra column works.
 *
 * A reader is given the names it wants once; a header line is mapped onto
 * a bs_csvhdr_map (where each wanted name stands, -1 where it is absent),
 * and several maps may be kept at once (Exchange keeps the standard
 * layouts beside the current header).  A row is split by csv.c (RFC 4180
 * quoting, "" for a quote, commas inside quotes; csv.h has the dialect)
 * and its fields are lent as pointers and lengths into the line or into
 * the reader's scratch buffer, valid until the next row.  Nothing is
 * allocated per line: the scratch buffer (BS_LINE_MAX bytes) is allocated
 * once by bs_csvhdr_init.
 *
 * Names are compared without regard to case and to the blanks around
 * them, and may be quoted.  A name is found once, at its first column.
 */
#ifndef BS_CSVHDR_H
#define BS_CSVHDR_H

#include <stdbool.h>
#include <stddef.h>

#include "bslimits.h"
#include "csv.h"
#include "diag.h"

/* Where each wanted name stands in one header (-1: not there). */
struct bs_csvhdr_map {
	size_t ncols; /* columns the header has */
	int col[BS_CSVHDR_NAMES_MAX];
};

/*
 * Caller-owned (bs_csvhdr_init/_fini); the fields are private.  Invariant
 * after init: scratch holds BS_LINE_MAX bytes, f the fields of the last
 * row split (at most BS_CSVHDR_FIELDS_MAX of its nf kept).
 */
struct bs_csvhdr {
	const char *const *names;
	size_t nnames;
	char *scratch;
	size_t nf;
	struct bs_csv_field f[BS_CSVHDR_FIELDS_MAX];
};

/*
 * Start a reader for the nnames (at most BS_CSVHDR_NAMES_MAX) names, which
 * must outlive it.  BS_ERR_NOMEM with d filled when memory runs out.
 */
bs_status bs_csvhdr_init(struct bs_csvhdr *r, const char *const *names,
    size_t nnames, struct bs_diag *d);

/* Free what init allocated; a reader that init left zeroed is fine. */
void bs_csvhdr_fini(struct bs_csvhdr *r);

/*
 * Map a header, a comma-separated list of names (quoted or not), onto m.
 * Uses the reader's scratch: the row last split is lost.
 */
void bs_csvhdr_map(struct bs_csvhdr *r, const char *list, size_t len,
    struct bs_csvhdr_map *m);

/*
 * Split one row into the reader's fields; returns how many fields the row
 * holds (at least 1; fields past BS_CSVHDR_FIELDS_MAX are counted but not
 * kept, so a column past it reads as absent).  Inline: once per row, and
 * a call more per row cost Exchange 0.15% of its instructions.
 */
static inline size_t
bs_csvhdr_row(struct bs_csvhdr *r, const char *line, size_t len)
{
	r->nf = bs_csv_split(line, len, r->scratch, BS_LINE_MAX, r->f,
	    BS_CSVHDR_FIELDS_MAX);
	return r->nf;
}

/* Whether the header of m has the wanted name k. */
static inline bool
bs_csvhdr_has(const struct bs_csvhdr_map *m, size_t k)
{
	return m->col[k] >= 0;
}

/*
 * Wanted column k of the last row split, under the header of m.  A column
 * the header lacks, or the row is too short to reach, is an empty span
 * rather than NULL, so that it can be scanned like any other.  Inline: a
 * reader calls it several times on every row.
 */
static inline void
bs_csvhdr_get(const struct bs_csvhdr *r, const struct bs_csvhdr_map *m,
    size_t k, const char **s, size_t *n)
{
	int c = m->col[k];

	if (c < 0 || (size_t)c >= r->nf || c >= BS_CSVHDR_FIELDS_MAX) {
		*s = "";
		*n = 0;
		return;
	}
	*s = r->f[c].ptr;
	*n = r->f[c].len;
}

#endif
