/*
 * lines.c - the line splitter.
 *
 * One buffer of BS_LINE_MAX + BS_READ_CHUNK bytes, allocated once.  Lines
 * are found with memchr and handed out in place; the unfinished tail is
 * moved to the front before the next read, which always leaves room for
 * at least BS_READ_CHUNK bytes.  A line that reaches BS_LINE_MAX without a
 * newline is handed out cut, and the rest of it is skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "input.h"
#include "lines.h"

struct bs_lines {
	struct bs_input *in;
	char *buf;
	size_t cap, start, end;
	bool eof;
	bool skipping;		/* discarding the rest of a cut line */
	uint64_t count, cut;
};

struct bs_lines *
bs_lines_new(struct bs_input *in)
{
	struct bs_lines *ls = calloc(1, sizeof(*ls));

	if (ls == NULL)
		return NULL;
	ls->cap = BS_LINE_MAX + BS_READ_CHUNK;
	ls->buf = malloc(ls->cap);
	if (ls->buf == NULL) {
		free(ls);
		return NULL;
	}
	ls->in = in;
	return ls;
}

void
bs_lines_free(struct bs_lines *ls)
{
	if (ls == NULL)
		return;
	free(ls->buf);
	free(ls);
}

static void
emit(struct bs_lines *ls, struct bs_line *line, size_t len, bool cut)
{
	line->ptr = ls->buf + ls->start;
	line->len = len;
	if (len > 0 && line->ptr[len - 1] == '\r')
		line->len--;
	line->lineno = ++ls->count;
	line->cut = cut;
	if (cut)
		ls->cut++;
}

/* Hot: runs once per line of every input. */
int
bs_lines_next(struct bs_lines *ls, struct bs_line *line, struct bs_diag *d)
{
	for (;;) {
		char *nl = NULL;
		size_t have = ls->end - ls->start;

		if (have > 0)
			nl = memchr(ls->buf + ls->start, '\n', have);
		if (ls->skipping) {
			if (nl != NULL) {
				ls->start = (size_t)(nl - ls->buf) + 1;
				ls->skipping = false;
				continue;
			}
			ls->start = ls->end = 0;
		} else if (nl != NULL) {
			size_t len = (size_t)(nl - (ls->buf + ls->start));

			if (len > BS_LINE_MAX) {
				emit(ls, line, BS_LINE_MAX, true);
			} else
				emit(ls, line, len, false);
			ls->start += len + 1;
			return 1;
		} else if (have >= BS_LINE_MAX) {
			emit(ls, line, BS_LINE_MAX, true);
			ls->start = ls->end = 0;
			ls->skipping = true;
			return 1;
		} else if (ls->eof) {
			if (have == 0)
				return 0;
			emit(ls, line, have, false);
			ls->start = ls->end;
			return 1;
		}
		if (ls->eof)
			return 0;
		/* Need more bytes: keep the unfinished line, then read. */
		if (ls->start > 0) {
			memmove(ls->buf, ls->buf + ls->start,
			    ls->end - ls->start);
			ls->end -= ls->start;
			ls->start = 0;
		}
		{
			ssize_t r = bs_input_read(ls->in, ls->buf + ls->end,
			    ls->cap - ls->end, d);

			if (r < 0) {
				/*
				 * The unfinished tail before a fault is not a
				 * whole line: drop it, keep what was counted.
				 */
				ls->eof = true;
				ls->start = ls->end = 0;
				return -1;
			}
			if (r == 0)
				ls->eof = true;
			ls->end += (size_t)r;
		}
	}
}

uint64_t
bs_lines_count(const struct bs_lines *ls)
{
	return ls->count;
}

uint64_t
bs_lines_cut(const struct bs_lines *ls)
{
	return ls->cut;
}
