/*
 * run.h - connecting the stages for one input: input -> lines -> format
 * parser -> aggregate.  Nothing here knows the command line.
 */
#ifndef BS_RUN_H
#define BS_RUN_H

#include "diag.h"
#include "lines.h"

struct bs_agg;
struct bs_format;
struct bs_patterns;

/* Called with every problem met while reading, as it happens. */
typedef void (*bs_warn_fn)(void *ctx, const struct bs_diag *d);

struct bs_run_config {
	const struct bs_patterns *patterns;
	const struct bs_format *format;	/* NULL: recognise each input */
	bs_warn_fn warn;
	void *warn_ctx;
};

/*
 * Read path ("-" for stdin) into agg as a new input.  Returns BS_OK when
 * the input was read to the end and recognised; otherwise the failure is
 * recorded in the input's stats (error) and passed to warn, and whatever
 * was counted before it stays counted.  Warnings that do not fail the input
 * (cut lines, lines the patterns gave up on) are passed to warn too.
 * BS_ERR_NOMEM and BS_ERR_CONFIG are fatal for the whole run.
 */
bs_status bs_run_input(const struct bs_run_config *cfg, const char *path,
    struct bs_agg *agg);

/*
 * A stream: one input's parser and counters, fed line by line by a caller
 * that reads the bytes itself (follow mode).  The format is cfg->format,
 * or, when that is NULL, recognised from the first lines fed: up to
 * BS_DETECT_LINES lines are held back (copied) until one format is
 * convincing, then parsed.  bs_stream_flush gives up waiting and decides
 * on what it has (follow mode calls it at each report).
 */
struct bs_stream;

bs_status bs_stream_open(const struct bs_run_config *cfg, const char *path,
    struct bs_agg *agg, struct bs_stream **out);
bs_status bs_stream_line(struct bs_stream *s, const struct bs_line *line);
bs_status bs_stream_flush(struct bs_stream *s);
void bs_stream_close(struct bs_stream *s);

#endif
