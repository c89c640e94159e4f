/*
 * csv.c - splitting one line of comma-separated values; see csv.h for the
 * dialect.  Hot: it runs on every line of an Exchange log.
 */
#include <string.h>

#include "csv.h"

size_t
bs_csv_bom(const char *line, size_t len)
{
	if (len >= 3 && (unsigned char)line[0] == 0xEF &&
	    (unsigned char)line[1] == 0xBB && (unsigned char)line[2] == 0xBF)
		return 3;
	return 0;
}

/*
 * The slow path of a quoted field, taken only when it holds a doubled
 * quote or text after its closing quote: copy the unescaped text into
 * scratch.  i is just past the opening quote.  Returns the index of the
 * comma that ends the field, or len.
 */
static size_t
unescape(const char *line, size_t len, size_t i, char *scratch,
    size_t scratchsz, size_t *used, struct bs_csv_field *out)
{
	char *o = scratch + *used;
	size_t room = scratchsz - *used, n = 0;
	int inquote = 1;

	for (; i < len; i++) {
		char c = line[i];

		if (inquote && c == '"') {
			if (i + 1 < len && line[i + 1] == '"')
				i++;
			else {
				inquote = 0;
				continue;
			}
		} else if (!inquote && c == ',')
			break;
		if (n < room)
			o[n++] = c;
	}
	out->ptr = o;
	out->len = n;
	*used += n;
	return i;
}

/*
 * A quoted field whose opening quote is at line[i].  Most quoted fields
 * (subjects with a comma, source-context lists) hold no doubled quote and
 * end with the closing quote right before a comma: they are returned as a
 * span of the line without copying.  Returns the index of the comma that
 * ends the field, or len.
 */
static size_t
quoted(const char *line, size_t len, size_t i, char *scratch,
    size_t scratchsz, size_t *used, struct bs_csv_field *out)
{
	const char *q;
	size_t start = i + 1, end;

	out->quoted = true;
	q = start < len ? memchr(line + start, '"', len - start) : NULL;
	if (q == NULL) {
		/* Still open at the end of the line: it ends there. */
		out->ptr = line + start;
		out->len = len - start;
		return len;
	}
	end = (size_t)(q - line);
	if (end + 1 == len || line[end + 1] == ',') {
		out->ptr = line + start;
		out->len = end - start;
		return end + 1;
	}
	return unescape(line, len, start, scratch, scratchsz, used, out);
}

size_t
bs_csv_split(const char *line, size_t len, char *scratch, size_t scratchsz,
    struct bs_csv_field *f, size_t max)
{
	size_t i = bs_csv_bom(line, len), n = 0, used = 0;

	for (;;) {
		struct bs_csv_field cur;

		if (i < len && line[i] == '"')
			i = quoted(line, len, i, scratch, scratchsz, &used,
			    &cur);
		else {
			const char *c = i < len ?
			    memchr(line + i, ',', len - i) : NULL;
			size_t end = c != NULL ? (size_t)(c - line) : len;

			cur.ptr = line + i;
			cur.len = end - i;
			cur.quoted = false;
			i = end;
		}
		if (n < max)
			f[n] = cur;
		n++;
		if (i >= len)
			return n;
		i++;	/* the comma */
	}
}
