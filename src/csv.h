/*
 * csv.h - splitting one line of comma-separated values (RFC 4180).
 *
 * The Exchange message tracking log is CSV, one record per line.  This
 * module splits one line into field spans without allocating: fields that
 * need no unescaping point straight into the line, and only a quoted field
 * that holds doubled quotes (or text after its closing quote) is copied,
 * unescaped, into a scratch buffer that the caller owns and reuses.
 *
 * The dialect, and where it is lenient:
 * - Fields are separated by ','.  An empty line is one empty field; a
 *   trailing comma ends the line with an empty field ("a," is two fields).
 * - A field that starts with '"' is quoted: commas, CRs and any other byte
 *   inside it are data, and "" stands for one '"'.
 * - Records are lines, not RFC 4180 records: a quoted field still open at
 *   the end of the line ends there, with what it held so far.  (A quoted
 *   line break cannot be seen through a line splitter, and a log writer
 *   that emits one is rare enough that resynchronising on the next line
 *   matters more.)
 * - Text between a closing quote and the next comma ("ab"cd) is kept and
 *   appended to the field, and a '"' inside an unquoted field is an
 *   ordinary byte, as most CSV readers do.
 * - A UTF-8 byte order mark (EF BB BF) is dropped when it is the first
 *   three bytes of the line, and only then.
 * - Nothing is trimmed: " a " is a field of three bytes.
 */
#ifndef BS_CSV_H
#define BS_CSV_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One field: ptr points into the line or into the scratch buffer and is
 * not NUL-terminated; both stay valid while those do.  quoted tells a
 * quoted empty field ("") from an absent one.
 */
struct bs_csv_field {
	const char *ptr;
	size_t len;
	bool quoted;
};

/* Length of the UTF-8 byte order mark opening line[0..len): 3 or 0. */
size_t bs_csv_bom(const char *line, size_t len);

/*
 * Split line[0..len) into fields, storing at most max of them in f.
 * Returns the number of fields the line holds, which may exceed max (the
 * fields past max are scanned but not stored), and is at least 1.
 *
 * Unescaped text goes to scratch[0..scratchsz).  Unescaping never makes
 * text longer, so a scratch buffer of len bytes (BS_LINE_MAX for any line
 * of the splitter) is always enough; with a smaller one, a field that does
 * not fit is cut to what does.
 */
size_t bs_csv_split(const char *line, size_t len, char *scratch,
    size_t scratchsz, struct bs_csv_field *f, size_t max);

#endif
