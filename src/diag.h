/*
 * diag.h - status codes and the diagnostic that goes with a failure.
 *
 * Library functions never print.  A fallible call returns a bs_status and,
 * on failure, fills a struct bs_diag that the caller (in the end main.c)
 * turns into one line of text for the operator.
 */
#ifndef BS_DIAG_H
#define BS_DIAG_H

#include <stdarg.h>
#include <stdint.h>

#include "bslimits.h"

typedef enum {
	BS_OK = 0,
	BS_ERR_USAGE,		/* bad option or argument */
	BS_ERR_CONFIG,		/* bad pattern file or other configuration */
	BS_ERR_IO,		/* an input could not be opened or read */
	BS_ERR_FORMAT,		/* corrupt compressed data, unknown log format */
	BS_ERR_MATCH,		/* PCRE2 gave up on a line (match limit ...) */
	BS_ERR_NOMEM
} bs_status;

/*
 * Where and why something failed.  "file" and "line" are 0/empty when they
 * do not apply.  The message is plain text without the file prefix; it has
 * already been made safe for a terminal.
 */
struct bs_diag {
	char file[BS_DIAG_FILE_MAX];
	uint64_t line;
	char msg[BS_DIAG_MSG_MAX];
};

void bs_diag_clear(struct bs_diag *d);

/* Fill d with file, line and a printf-style message; returns st. */
bs_status bs_diag_set(struct bs_diag *d, bs_status st, const char *file,
    uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Format the diagnostic as "FILE: MESSAGE" or "FILE:LINE: MESSAGE". */
void bs_diag_format(const struct bs_diag *d, char *out, size_t outsz);

#endif
