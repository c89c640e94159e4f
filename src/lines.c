/*
 * lines.c - the line splitter, the only one: batch inputs and followed
 * files alike are split here.
 *
 * One buffer of BS_LINE_MAX + BS_READ_CHUNK bytes, allocated once.  Lines
 * are found with memchr and handed out in place; the unfinished tail is
 * moved to the front before the next read, which always leaves room for
 * at least BS_READ_CHUNK bytes.  A line that reaches BS_LINE_MAX without a
 * newline is handed out cut, and the rest of it is skipped.  A source that
 * lends its buffers (read-ahead, source_ahead.c) is read in place instead:
 * only the unfinished tail is copied, in front of the next buffer.
 *
 * A followed source may have nothing now (the splitter then returns
 * BS_LINES_AGAIN and keeps the unfinished line for the next call) or
 * start over (copytruncate: the unfinished line is dropped).
 *
 * What is not part of a line is dropped from its start: a run of NUL
 * bytes (what a copytruncate leaves when the writer goes on at its old
 * offset: the file's start is a hole, read as zeros, up to the first new
 * line) and a UTF-8 byte-order mark (Windows tools write one at the start
 * of a file; concatenated files have one at a line start).  Only the first
 * byte of a line is looked at to decide; NUL runs of any length, even
 * longer than the buffer, are skipped, and a line is too long or not by
 * what is left.
 *
 * With needles set (a format's prefilter), the splitter searches the
 * buffer for the needles instead of looking at every line: each needle is
 * searched once over the data, the lines before the nearest hit are only
 * counted, and only the line holding the hit is handed out.  This is the
 * hot path of the whole program: most lines of a mail log are noise.
 */
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "lines.h"
#include "scan.h"
#include "source.h"

struct bs_lines {
	struct bs_source *src;
	char *buf;		/* ours, for sources that do not lend */
	const char *cur;	/* the data: buf, or a block lent by src */
	bool lend;		/* src may lend (not yet refused) */
	size_t cap, start, end;
	bool eof;
	bool skipping;		/* discarding the rest of a cut line */
	bool junk_tail;		/* the data ends in a line's junk (NULs) */
	uint64_t count, cut;

	bool filter;		/* needles are set */
	struct bs_needles nd;
	size_t hit;		/* next needle at or after start, or SIZE_MAX */
	size_t clear;		/* no needle starts in [start, clear) */
};

struct bs_lines *
bs_lines_new(struct bs_source *src)
{
	struct bs_lines *ls = calloc(1, sizeof(*ls));

	if (ls == NULL)
		return NULL;
	ls->cap = BS_LINE_MAX + BS_READ_CHUNK;
	/*
	 * Zeroed once: PCRE2's JIT may read a few bytes past a subject that
	 * ends where the buffer's data does (harmless, the match does not
	 * depend on them), and memcheck would call that a use of
	 * uninitialised memory.
	 */
	ls->buf = calloc(1, ls->cap);
	if (ls->buf == NULL) {
		free(ls);
		return NULL;
	}
	ls->cur = ls->buf;
	ls->lend = true;
	ls->src = src;
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

void
bs_lines_set_needles(struct bs_lines *ls, const char *const *needles)
{
	bs_needles_init(&ls->nd, needles);
	ls->filter = ls->nd.n > 0;
	ls->hit = SIZE_MAX;
	ls->clear = ls->start;
}

/*
 * Hand out the len bytes at start (a whole line without its newline, or
 * the first part of an overlong one), without a trailing CR, cut to
 * BS_LINE_MAX.
 */
static void
emit(struct bs_lines *ls, struct bs_line *line, size_t len, bool cut)
{
	line->ptr = ls->cur + ls->start;
	if (len > 0 && line->ptr[len - 1] == '\r')
		len--;
	if (len > BS_LINE_MAX) {
		len = BS_LINE_MAX;
		cut = true;
	}
	line->len = len;
	line->lineno = ++ls->count;
	line->cut = cut;
	if (cut)
		ls->cut++;
	/* The scan found the line's first needle: tell the parser where. */
	line->needle = 0;
	if (ls->filter && ls->hit != SIZE_MAX && ls->hit >= ls->start &&
	    ls->hit - ls->start + ls->nd.maxlen <= len)
		line->needle = ls->hit - ls->start + 1;
}

/* The UTF-8 byte-order mark. */
static const char bom[3] = { '\xef', '\xbb', '\xbf' };

/*
 * Hot: whether a line starting with byte c may start with what is not
 * part of it (NUL bytes, a byte-order mark): one compare for most lines.
 */
static inline bool
odd_start(char c)
{
	return c == '\0' || c == bom[0];
}

/*
 * The bytes at the start of the len bytes at p that are not part of the
 * line: NULs and byte-order marks, in any order.  A mark cut short by len
 * is not one.
 */
static size_t
junk_len(const char *p, size_t len)
{
	size_t i = 0;

	for (;;) {
		while (i < len && p[i] == '\0')
			i++;
		if (len - i >= sizeof(bom) && memcmp(p + i, bom,
		    sizeof(bom)) == 0)
			i += sizeof(bom);
		else
			return i;
	}
}

/*
 * Skip the NULs and byte-order marks at start, of the have bytes there.
 * Returns whether start moved.  (A mark's first bytes at the end of the
 * data stay: with no newline in them, the splitter reads on before it
 * looks again.)
 */
static bool
skip_junk(struct bs_lines *ls, size_t have)
{
	size_t j = junk_len(ls->cur + ls->start, have);

	if (j == 0)
		return false;
	ls->start += j;
	/* A line of nothing but junk, if no more bytes come. */
	ls->junk_tail = j == have;
	return true;
}

/*
 * Whether a line of len bytes (newline excluded) is too long: longer than
 * BS_LINE_MAX without its junk (junk_len) and a trailing CR.
 */
static bool
too_long(const char *line, size_t len)
{
	if (len <= BS_LINE_MAX)
		return false;
	if (odd_start(line[0])) {
		size_t j = junk_len(line, len);

		line += j;
		len -= j;
	}
	return len > BS_LINE_MAX + 1 ||
	    (len == BS_LINE_MAX + 1 && line[len - 1] != '\r');
}

/*
 * Count (and skip) the complete lines in [start, upto), noting the ones
 * that were too long.  upto is at a line start.  A span shorter than a
 * long line cannot hold one, so it is only counted, 16 bytes at a time.
 */
static void
count_lines(struct bs_lines *ls, size_t upto)
{
	const char *p = ls->cur + ls->start, *stop = ls->cur + upto, *nl;

	if (upto - ls->start <= BS_LINE_MAX) {
		ls->count += bs_scan_count(p, upto - ls->start, '\n');
		ls->start = upto;
		return;
	}
	while (p < stop && (nl = memchr(p, '\n', (size_t)(stop - p)))) {
		ls->count++;
		if (too_long(p, (size_t)(nl - p)))
			ls->cut++;
		p = nl + 1;
	}
	ls->start = (size_t)(p - ls->cur);
}

/*
 * The offset of the nearest needle at or after start in the data read so
 * far, or SIZE_MAX.  No byte is scanned twice: what was searched without
 * a hit is remembered in clear.
 */
static size_t
next_hit(struct bs_lines *ls)
{
	size_t from, h;

	if (ls->hit != SIZE_MAX && ls->hit >= ls->start)
		return ls->hit;
	from = ls->clear > ls->start ? ls->clear : ls->start;
	if (from >= ls->end)
		return SIZE_MAX;
	h = from + bs_scan_needles(&ls->nd, ls->cur + from, ls->end - from);
	if (h < ls->end) {
		ls->hit = h;
		return h;
	}
	/* A needle may still straddle the end of the data read so far. */
	ls->hit = SIZE_MAX;
	ls->clear = ls->end + 1 > ls->nd.maxlen ?
	    ls->end + 1 - ls->nd.maxlen : 0;
	if (ls->clear < from)
		ls->clear = from;
	return SIZE_MAX;
}

/*
 * With needles: skip to the start of the next line that holds one.
 * Returns true when such a line starts at ls->start; false when the data
 * read so far has none (its complete lines were counted).
 */
static bool
skip_to_hit(struct bs_lines *ls)
{
	size_t hit = next_hit(ls), line_start;
	const char *nl;

	if (hit == SIZE_MAX) {
		/* Keep the unfinished last line: a needle may still come. */
		const char *last = ls->end > ls->start ?
		    memrchr(ls->cur + ls->start, '\n', ls->end - ls->start) :
		    NULL;

		if (last != NULL)
			count_lines(ls, (size_t)(last - ls->cur) + 1);
		return false;
	}
	nl = hit > ls->start ? memrchr(ls->cur + ls->start, '\n',
	    hit - ls->start) : NULL;
	line_start = nl ? (size_t)(nl - ls->cur) + 1 : ls->start;
	count_lines(ls, line_start);
	return true;
}

/*
 * Read into our buffer behind the data, which starts at its front.  A
 * source that starts over drops the unfinished line: it was cut off by a
 * truncation, its end went elsewhere.
 */
static ssize_t
read_more(struct bs_lines *ls, struct bs_diag *d)
{
	ssize_t r;

	while ((r = bs_source_read(ls->src, ls->buf + ls->end,
	    ls->cap - ls->end, d)) == BS_SOURCE_RESTART) {
		ls->end = 0;
		ls->skipping = false;
		ls->junk_tail = false;
		ls->hit = SIZE_MAX;
		ls->clear = 0;
	}
	return r;
}

/*
 * More bytes after the unfinished line at start: in place when the source
 * lends them, else read into our buffer behind the line moved to its
 * front.  Sets eof at the end.  Returns 0, BS_LINES_AGAIN when the source
 * has nothing now, or -1 when it failed (d filled; the unfinished line is
 * dropped, being no whole line).
 */
static int
refill(struct bs_lines *ls, struct bs_diag *d)
{
	size_t shift = ls->start;
	ssize_t r = BS_SOURCE_NO_LEND;

	if (ls->lend) {
		const char *block;

		r = bs_source_lend(ls->src, ls->cur + ls->start,
		    ls->end - ls->start, &block, d);
		if (r == BS_SOURCE_NO_LEND)
			ls->lend = false;
		else
			ls->cur = block;
	}
	if (r == BS_SOURCE_NO_LEND && ls->start > 0)
		memmove(ls->buf, ls->buf + shift, ls->end - shift);
	/* The unfinished line is now at the front; so are hit and clear. */
	ls->end -= shift;
	ls->start = 0;
	/* A hit before start was consumed already. */
	ls->hit = ls->hit != SIZE_MAX && ls->hit >= shift ?
	    ls->hit - shift : SIZE_MAX;
	ls->clear = ls->clear > shift ? ls->clear - shift : 0;
	if (r == BS_SOURCE_NO_LEND)
		r = read_more(ls, d);
	if (r == BS_SOURCE_AGAIN)
		return BS_LINES_AGAIN;
	if (r < 0) {
		ls->eof = true;
		ls->start = ls->end = 0;
		return -1;
	}
	if (r == 0)
		ls->eof = true;
	else
		ls->junk_tail = false;	/* the line goes on, or not: look */
	ls->end += (size_t)r;
	return 0;
}

/* Hot: runs once per handed-out line of every input. */
int
bs_lines_next(struct bs_lines *ls, struct bs_line *line, struct bs_diag *d)
{
	int r;

	for (;;) {
		const char *nl = NULL;
		size_t have;
		bool hit = true;

		if (ls->skipping) {
			nl = memchr(ls->cur + ls->start, '\n',
			    ls->end - ls->start);
			if (nl != NULL) {
				ls->start = (size_t)(nl - ls->cur) + 1;
				ls->skipping = false;
				continue;
			}
			ls->start = ls->end;
		} else {
			if (ls->filter)
				hit = skip_to_hit(ls);
			have = ls->end - ls->start;
			if (have > 0 && odd_start(ls->cur[ls->start]) &&
			    skip_junk(ls, have))
				continue;
			if (have > 0)
				nl = memchr(ls->cur + ls->start, '\n', have);
			if (nl != NULL && hit) {
				size_t len = (size_t)(nl - (ls->cur +
				    ls->start));

				emit(ls, line, len, false);
				ls->start += len + 1;
				return 1;
			}
			/*
			 * No newline yet: past BS_LINE_MAX bytes (and a CR)
			 * the line is too long whatever follows.
			 */
			if (have > BS_LINE_MAX + 1) {
				if (hit) {
					emit(ls, line, have, true);
				} else {
					ls->count++;
					ls->cut++;
				}
				ls->start = ls->end;
				ls->skipping = true;
				if (hit)
					return 1;
				continue;
			}
			if (ls->eof) {
				if (have == 0 && !ls->junk_tail)
					return 0;
				ls->junk_tail = false;
				if (hit) {
					emit(ls, line, have, false);
					ls->start = ls->end;
					return 1;
				}
				ls->count++;
				if (too_long(ls->cur + ls->start, have))
					ls->cut++;
				ls->start = ls->end;
				return 0;
			}
		}
		if (ls->eof)
			return 0;
		r = refill(ls, d);
		if (r != 0)
			return r;
	}
}

size_t
bs_lines_pending(const struct bs_lines *ls)
{
	/* Right after a whole line (its newline), not in a cut one. */
	if (ls->skipping || ls->junk_tail || ls->start == 0 ||
	    ls->cur[ls->start - 1] != '\n')
		return SIZE_MAX;
	return ls->end - ls->start;
}

void
bs_lines_drop(struct bs_lines *ls)
{
	ls->start = ls->end;
	ls->eof = true;
	ls->hit = SIZE_MAX;
	ls->clear = ls->end;
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
