/*
 * run.h - connecting the stages for one input: input -> lines -> format
 * parser -> aggregate.  Nothing here knows the command line.
 */
#ifndef BS_RUN_H
#define BS_RUN_H

#include "diag.h"
#include "format.h"
#include "lines.h"

#include <stdatomic.h>
#include <time.h>

struct bs_agg;
struct bs_format;
struct bs_patterns;
struct bs_window;

/* Called with every problem met while reading, as it happens. */
typedef void (*bs_warn_fn)(void *ctx, const struct bs_diag *d);

struct bs_event;

/*
 * Called with every event counted, complete (time, joined sender), with
 * the input's name for messages ("(stdin)") and its line number; the
 * event is valid during the call only.
 */
typedef void (*bs_sink_fn)(void *ctx, const char *input, uint64_t lineno,
    const struct bs_event *ev);

struct bs_join;

/*
 * A sink that can hold the events of one piece of a file until the
 * pieces before it are written: with one, a run that joins reads a
 * large file on several cores (jobs.c).
 */
struct bs_piece_sink {
	void *(*open)(void);		/* a piece's store; NULL: no memory */
	bs_sink_fn event;		/* an event into the store */
	size_t (*held)(const void *store);	/* bytes it holds */
	/*
	 * Pass the store's events on to the run's sink (its ctx, sink_ctx),
	 * in order: their line numbers after the file's first_lines lines
	 * (those of the pieces before), the senders of sender_before events
	 * from join (that of everything read before the piece).  False when
	 * out of memory.
	 */
	bool (*flush)(void *store, void *sink_ctx, uint64_t first_lines,
	    const struct bs_join *join);
	void (*reset)(void *store);	/* empty, for the next piece */
	void (*close)(void *store);
};

struct bs_run_config {
	const struct bs_patterns *patterns;
	const struct bs_format *format;	/* NULL: recognise each input */
	const struct bs_window *window;	/* NULL: count every event */
	bs_warn_fn warn;
	void *warn_ctx;
	/*
	 * The sender join of the run (join.h), or NULL: then a message's
	 * arrival lines are not even looked at.  A join needs the inputs read
	 * in order: by one thread (bs_run_inputs with jobs 1), or with a
	 * piece_sink, in pieces whose events wait for those before.
	 */
	struct bs_join *join;
	bs_sink_fn sink;		/* NULL: events are only counted */
	void *sink_ctx;
	const struct bs_piece_sink *piece_sink;	/* NULL: none */
};

/* Pass d to cfg->warn, when there is one. */
void bs_run_warn(const struct bs_run_config *cfg, const struct bs_diag *d);

/*
 * The warnings at the end of an input (cut lines, lines the patterns gave
 * up on, events without a readable time, lines of its first ones that
 * the other of Postfix and Exim wrote, Exim mainlog records in an input
 * read as a paniclog), from its finished stats.
 * bs_run_input_counted leaves them to its caller, which may first add up
 * the parts of a file read in pieces.  Returns BS_ERR_FORMAT, with the
 * message also in st->error, when the input was not read as asked: no
 * event found in a format (--type) other than the one its first lines
 * look like; otherwise BS_OK.
 */
struct bs_input_stats;
bs_status bs_run_input_warnings(const struct bs_run_config *cfg,
    struct bs_input_stats *st);

/*
 * Read path ("-" for stdin) into agg as a new input, publishing in *done
 * the raw bytes read so far (for a progress display in another thread;
 * done may be NULL).  Returns BS_OK when the input was read to the end
 * and recognised; otherwise the failure is recorded in the input's stats
 * (error) and passed to warn, and whatever was counted before it stays
 * counted.  The warnings that do not fail the input are left to
 * bs_run_input_warnings.  BS_ERR_NOMEM and BS_ERR_CONFIG are fatal for
 * the whole run.  bs_run_inputs (jobs.h) reads a batch of inputs.
 */
bs_status bs_run_input_counted(const struct bs_run_config *cfg,
    const char *path, struct bs_agg *agg, _Atomic unsigned long long *done);

/*
 * One piece of a plain file, for bs_run_inputs: the lines whose first
 * byte lies in [off, off + len) (bs_source_range).
 */
struct bs_piece {
	unsigned long long off, len;
	time_t ref;	/* the file's mtime: the year of classic stamps */
	char fault[BS_DIAG_MSG_MAX];	/* out: a read fault, or empty */
	/*
	 * For the first piece: what the file's first lines look like, as
	 * bs_run_split_format found (a piece may be shorter than the
	 * sample, and the others do not start the file).
	 */
	bool sampled;
	struct bs_sample_look look;
	/*
	 * share: when not 0, the piece ends early once its aggregate holds
	 * more than share bytes (bs_agg_held), after the line that took it
	 * there; end_at (out) is then the file offset where the rest of the
	 * piece starts, which is left unread.  0: read to the piece's end.
	 * every: lines between two such checks (0: BS_HELD_EVERY).
	 */
	size_t share;
	unsigned every;
	unsigned long long end_at;
	/*
	 * What the piece holds besides its aggregate, counted in share: the
	 * store of its held events (held(store) bytes, struct bs_piece_sink)
	 * and its join (bs_join_held).  NULL when it holds neither.
	 */
	size_t (*held)(const void *store);
	const void *store;
	const struct bs_join *join;
};

/*
 * Read one piece of path into agg as a new input, in cfg->format (which
 * must be set: the format of the whole file).  Line numbers are the
 * piece's own, and the input's summary warnings are left to the caller,
 * as by bs_run_input_counted.  A read fault is neither recorded nor
 * passed to warn but left in pc->fault: its message names the line after
 * which it happened, which only the caller knows, having added up the
 * lines of the pieces before (bs_run_fault_diag).  Other failures (the
 * file cannot be opened) are recorded and passed to warn at once.
 */
bs_status bs_run_piece(const struct bs_run_config *cfg, const char *path,
    struct bs_piece *pc, struct bs_agg *agg,
    _Atomic unsigned long long *done);

/*
 * The message of an input whose reading stopped at fault (a message of
 * the input layer) after line n; one wording for whole and split files.
 */
void bs_run_fault_diag(struct bs_diag *d, const char *path,
    const char *fault, uint64_t n);

/*
 * The format in which to read the file at path in pieces: cfg->format,
 * or else the one recognised from its first lines exactly as
 * bs_run_input_counted recognises it, with what those lines look like in
 * *look (for the first piece's bs_piece).  NULL when the file should be
 * read whole: it is compressed, empty, fails in its first lines, is of
 * no known format, or of one whose lines do not parse on their own
 * (struct bs_format's splittable).  Reading it whole then reports any
 * problem.
 */
const struct bs_format *bs_run_split_format(const struct bs_run_config *cfg,
    const char *path, struct bs_sample_look *look);

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
/*
 * Decide the format now if the lines held so far convince (as the full
 * sample would: a certain line or two plausible ones), and parse them;
 * otherwise keep holding.  Follow mode calls it when its inputs are
 * quiet, so that --format events streams from the first lines instead of
 * at the next report.
 */
bs_status bs_stream_settle(struct bs_stream *s);
/*
 * Decide the format on the lines held so far, as bs_stream_flush does,
 * but go on holding the lines that follow as the input's sample until it
 * is full (follow mode's reports: its sample grows across them).
 */
bs_status bs_stream_decide(struct bs_stream *s);
/*
 * Follow mode's share of the checks a batch run makes when an input is
 * read (bs_run_input_warnings), made on the sample so far: a warning
 * when the lines look like another format than the one read, or hold
 * lines of the other of Postfix and Exim or mainlog records read as a
 * paniclog (each once); with final, at the
 * end of the run, the input fails (BS_ERR_FORMAT, recorded in its stats)
 * when a --type found no events in an input that looks like another
 * format.  Call bs_stream_flush first when final.
 */
bs_status bs_stream_check(struct bs_stream *s, bool final);
void bs_stream_close(struct bs_stream *s);

#endif
