/*
 * input.h - bytes from a file or standard input, plain or gzip.
 *
 * gzip is recognised by its magic bytes, not by name; multi-member files
 * are read to the end; a truncated or corrupt stream yields every byte
 * before the fault and then an error.  "-" is standard input.
 */
#ifndef BS_INPUT_H
#define BS_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "diag.h"

struct bs_input;

/* Open path ("-" for stdin).  On failure returns BS_ERR_IO with d filled. */
bs_status bs_input_open(const char *path, struct bs_input **out,
    struct bs_diag *d);

/*
 * Read up to n bytes of (decompressed) data.  Returns the count, 0 at the
 * end, or -1 on failure with d filled.
 */
ssize_t bs_input_read(struct bs_input *in, char *buf, size_t n,
    struct bs_diag *d);

/* Whether the data is gzip-compressed (known after the first read). */
bool bs_input_is_gzip(const struct bs_input *in);

/* Compressed bytes consumed so far and the file size (0 if unknown). */
unsigned long long bs_input_raw_offset(const struct bs_input *in);
unsigned long long bs_input_raw_size(const struct bs_input *in);

/*
 * The file's modification time, or the current time for anything that is
 * not a regular file (standard input, a FIFO): the reference from which
 * the year of classic syslog timestamps is inferred.
 */
time_t bs_input_mtime(const struct bs_input *in);

/* The name used in messages ("-" shows as "(stdin)"). */
const char *bs_input_name(const struct bs_input *in);

void bs_input_close(struct bs_input *in);

#endif
