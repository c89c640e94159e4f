/*
 * safe.h - making text from a log safe for the medium it is written to.
 *
 * Reply texts are written by remote servers and may be hostile: escape
 * sequences, control characters, invalid UTF-8, quotes, formula openers.
 * Every writer goes through these functions for anything from a log.
 */
#ifndef BS_SAFE_H
#define BS_SAFE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Terminal: valid UTF-8 printable text passes; control bytes, DEL, C1
 * controls and invalid UTF-8 bytes become \xNN, so no escape sequence
 * reaches the screen.  Writes at most dstsz-1 bytes and a NUL; returns the
 * length written.
 */
size_t bs_safe_term(char *dst, size_t dstsz, const char *s, size_t n);

/* JSON: a complete string literal with quotes, valid UTF-8 whatever s is
 * (invalid bytes become U+FFFD). */
void bs_safe_json(FILE *out, const char *s, size_t n);

/*
 * The same into dst, which has room for BS_SAFE_JSON_ROOM(n) bytes (an
 * escape is at most six bytes for one of the input's); no NUL.  Returns
 * the length written.
 */
#define BS_SAFE_JSON_ROOM(n)	(6 * (n) + 2)
size_t bs_safe_json_to(char *dst, const char *s, size_t n);

/* A JSON string or null for a possibly empty C string. */
void bs_safe_json_or_null(FILE *out, const char *s);

/*
 * CSV: one RFC 4180 cell, always quoted; a cell that a spreadsheet
 * would run as a formula (starting with =, +, -, @, tab or CR) gets a
 * leading apostrophe.  Invalid UTF-8 bytes and controls are replaced.
 */
void bs_safe_csv(FILE *out, const char *s, size_t n);

/* A Prometheus label value with its quotes: \, " and newline escaped,
 * invalid UTF-8 replaced. */
void bs_safe_prom_label(FILE *out, const char *s, size_t n);

/*
 * HTML: text for an element's content or a quoted attribute value.  & < >
 * " and ' become character references, so that nothing from a log can
 * open a tag, end an attribute or start an entity; controls (as for the
 * terminal) become a space and invalid UTF-8 bytes U+FFFD, as in CSV.
 */
void bs_safe_html(FILE *out, const char *s, size_t n);

#endif
