/*
 * run.h - connecting the stages for one input: input -> lines -> format
 * parser -> aggregate.  Nothing here knows the command line.
 */
#ifndef BS_RUN_H
#define BS_RUN_H

#include "diag.h"
#include "lines.h"

#include <stdatomic.h>
#include <time.h>

struct bs_agg;
struct bs_format;
struct bs_patterns;
struct bs_window;

/* Called with every problem met while reading, as it happens. */
typedef void (*bs_warn_fn)(void *ctx, const struct bs_diag *d);

struct bs_run_config {
	const struct bs_patterns *patterns;
	const struct bs_format *format;	/* NULL: recognise each input */
	const struct bs_window *window;	/* NULL: count every event */
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
 * The warnings that do not fail an input (cut lines, lines the patterns
 * gave up on, events without a readable time), from its finished stats.
 * bs_run_input gives them itself; bs_run_input_counted leaves them to its
 * caller, which may first add up the parts of a file read in pieces.
 */
struct bs_input_stats;
void bs_run_input_warnings(const struct bs_run_config *cfg,
    const struct bs_input_stats *st);

/*
 * bs_run_input that also publishes, in *done, the raw bytes read so far
 * (for a progress display in another thread).  done may be NULL.
 */
bs_status bs_run_input_counted(const struct bs_run_config *cfg,
    const char *path, struct bs_agg *agg, _Atomic unsigned long long *done);

/*
 * Progress of bs_run_inputs: compressed or plain bytes read so far of the
 * total size of the inputs (0 when unknown, as for standard input), and
 * the input being read.  Called every BS_PROGRESS_MS at most, from the
 * calling thread.
 */
typedef void (*bs_progress_fn)(void *ctx, unsigned long long done,
    unsigned long long total, const char *path);

/*
 * Read paths[0..n) into agg with up to jobs threads (one input each at a
 * time), each into its own aggregate, merged into agg in input order, so
 * that the result is the same as reading them one after the other.
 * Warnings reach cfg->warn from the calling thread, in input order.
 * Returns BS_OK when every input was read, BS_ERR_IO when some input
 * failed (recorded in its stats), or a fatal BS_ERR_NOMEM.
 */
bs_status bs_run_inputs(const struct bs_run_config *cfg, char *const *paths,
    size_t n, unsigned jobs, struct bs_agg *agg, bs_progress_fn progress,
    void *progress_ctx);

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

/*
 * The reference time for the year of classic syslog stamps (default: the
 * time the stream was opened).
 */
void bs_stream_set_ref(struct bs_stream *s, time_t ref);
bs_status bs_stream_line(struct bs_stream *s, const struct bs_line *line);
bs_status bs_stream_flush(struct bs_stream *s);
void bs_stream_close(struct bs_stream *s);

#endif
