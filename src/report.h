/*
 * report.h - the writers.  Each one takes the finished aggregate, read only,
 * and a FILE *; none of them knows where the events came from.
 */
#ifndef BS_REPORT_H
#define BS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "reasons.h"

struct bs_agg;
struct bs_codes;
struct bs_window;

struct bs_report_opts {
	bool detail;		/* show the most frequent reply texts */
	int width;		/* text columns to wrap at (80) */
	/*
	 * When the report is made, for the Prometheus writer's
	 * bouncestat_last_run_timestamp_seconds; 0 leaves it out, so that
	 * output stays reproducible in tests.
	 */
	time_t now;
	unsigned top;		/* rows per breakdown in text (--top) */
	/* --all: the text report lists delivered rows, not one line. */
	bool all;
	/* The window asked for (--since/--until), for "period". */
	const struct bs_window *window;
	/*
	 * Prometheus only: the series written by the reports before, in a
	 * follow run (counters); NULL for a batch run (gauges).
	 */
	struct bs_prom_state *prom;
};

/* Each returns 0, or -1 if writing failed (errno set). */
int bs_report_text(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o);
int bs_report_json(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o);

/* One row per code row, RFC 4180, with a header line. */
int bs_report_csv(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o);

/*
 * One self-contained HTML page (inline CSS, SVG and a small script; no
 * request leaves the file): totals, events per hour by kind, the codes,
 * the breakdowns, reasons and outcomes.  Text from logs goes through
 * bs_safe_html.
 */
int bs_report_html(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o);

/*
 * The Prometheus text exposition format (node_exporter textfile).  With
 * o->prom, a report of a follow run: counters, which need what the
 * reports before wrote (report_prom.c says why); the state is the
 * caller's, made by bs_prom_state_new (NULL if out of memory) and freed
 * by bs_prom_state_free (NULL: nothing done), one per run.  Returns -1
 * with errno ENOMEM when memory ran out.
 */
struct bs_prom_state;
struct bs_prom_state *bs_prom_state_new(void);
void bs_prom_state_free(struct bs_prom_state *st);
int bs_report_prom(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o);

/*
 * --explain: what the catalog knows about each of n codes (parsed by
 * bs_catalog_parse_code; one of basic/enhanced set per entry).
 */
int bs_report_explain(FILE *out, const struct bs_codes *codes, size_t n);

/*
 * --explain given a reply text: its reason as the rules decide it for
 * mail this server sent (sent, of sent_kind: deferred for a class 4
 * reply, else bounced) and for a refusal by this server (here), the list
 * or provider named with the zone taken from the text, the hints for
 * each side, and the reply's own help URL.  The codes' blocks follow
 * from bs_report_explain.
 */
struct bs_explained_reply {
	const char *text;	/* as given, not yet safe */
	size_t len;
	struct bs_codes codes;	/* what the extractor found in it */
	enum bs_kind sent_kind;
	struct bs_verdict sent, here;
};
int bs_report_explain_reply(FILE *out, const struct bs_explained_reply *r);

/*
 * The period a report covers, each an ISO 8601 time with its offset or ""
 * when unknown (no event with a readable time; no --since or --until).
 */
struct bs_period {
	char first[40], last[40];	/* first and last event */
	char since[40], until[40];	/* the window asked for */
};

void bs_report_period(const struct bs_agg *a, const struct bs_report_opts *o,
    struct bs_period *p);

/* A delay for people, into buf: "1.9 s", "14 min", "2.1 h", "3.5 d". */
const char *bs_report_duration(char *buf, size_t n, double s);


/*
 * The live view (live.h) drawn in place on a terminal: the cursor goes
 * home, every line is rewritten and the rest of the screen cleared, so
 * that refreshes replace each other instead of scrolling.  width and
 * height are the terminal's (0: unknown, 80 by 24 then; narrower than
 * BS_LIVE_MIN_WIDTH is drawn as that wide); no more lines than height - 1
 * are written, and none wider than width.  color: ANSI colours (bold
 * title, red and yellow counts, red news); off, only the cursor and
 * erase sequences are written (NO_COLOR).  now and last: the wall clock
 * of this refresh and of the one before (last 0: the first).  first:
 * clear the whole screen before drawing.
 */
struct bs_live_view;
struct bs_live_draw {
	int width, height;
	bool color;
	bool first;
	time_t now, last;
	unsigned interval_s;
};
int bs_report_live(FILE *out, const struct bs_live_view *v,
    const struct bs_live_draw *o);

/*
 * --format events: a sink for bs_run_config (run.h) that writes each
 * event as one line of JSON.  Caller-owned; failed is set when writing
 * failed (errno then tells why).
 */
struct bs_events_writer {
	FILE *out;
	bool failed;
	time_t lo, hi;		/* the minute last formatted */
	char prefix[32];	/* "2026-12-07T13:05:" */
	char zone[8];		/* "+01:00" */
	char *buf;		/* the line being built */
	size_t len, cap;
};

void bs_events_writer_init(struct bs_events_writer *w, FILE *out);
void bs_events_writer_fini(struct bs_events_writer *w);
struct bs_event;
void bs_report_event(void *ctx, const char *input, uint64_t lineno,
    const struct bs_event *ev);

/*
 * The events of a piece of a file held until the pieces before it are
 * written (run.h), then passed to a struct bs_events_writer: what lets
 * --format events read a large file on several cores.
 */
struct bs_piece_sink;
extern const struct bs_piece_sink bs_events_piece_sink;

#endif
