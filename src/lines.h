/*
 * lines.h - the line splitter: one reusable buffer over one byte source
 * (source.h), for batch inputs and followed files alike.
 *
 * Invariants: the buffer is allocated once per splitter and never grows;
 * a line handed out is valid until the next call; no line is longer than
 * BS_LINE_MAX (longer ones are cut, the rest up to the newline is skipped,
 * and the line is flagged).  A trailing CR is removed, and does not count
 * towards the limit; a last line without a newline is still a line.
 */
#ifndef BS_LINES_H
#define BS_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct bs_source;

struct bs_line {
	const char *ptr;	/* not NUL-terminated */
	size_t len;
	uint64_t lineno;	/* 1-based */
	bool cut;		/* was longer than BS_LINE_MAX */
	/*
	 * 1 + the offset of the first of the needles (bs_lines_set_needles)
	 * in the line, when the splitter found it whole inside the line;
	 * 0 when that is not known (no needles set), and the parser must
	 * search the line itself.
	 */
	size_t needle;
};

struct bs_lines;

/* The splitter borrows src; it does not close it.  NULL: out of memory. */
struct bs_lines *bs_lines_new(struct bs_source *src);
void bs_lines_free(struct bs_lines *ls);

/*
 * From now on, hand out only lines that contain one of needles (a
 * NULL-terminated list of at most BS_NEEDLES_MAX strings, which must
 * outlive the splitter); the others are counted and skipped.  NULL hands
 * out every line again.
 */
void bs_lines_set_needles(struct bs_lines *ls, const char *const *needles);

/*
 * Next line into *line.  Returns 1 for a line, 0 at the end of the input,
 * -1 when the input failed (d filled; lines already returned stay good),
 * or BS_LINES_AGAIN when a followed source has no whole line now (the
 * unfinished one is kept for the next call).
 */
#define BS_LINES_AGAIN	2
int bs_lines_next(struct bs_lines *ls, struct bs_line *line,
    struct bs_diag *d);

/*
 * Lines read so far, including those the needles skipped, and how many of
 * them were longer than BS_LINE_MAX.
 */
/*
 * The bytes read but not yet handed out as lines, when the last line
 * handed out was whole (so they start a line); SIZE_MAX otherwise.  With
 * bs_lines_drop, they are given up and the splitter ends: a piece that
 * stops early (jobs.c) leaves them to the piece after it.
 */
size_t bs_lines_pending(const struct bs_lines *ls);
void bs_lines_drop(struct bs_lines *ls);

uint64_t bs_lines_count(const struct bs_lines *ls);
uint64_t bs_lines_cut(const struct bs_lines *ls);

#endif
