/*
 * agg.h - aggregation: events in, per-code rows and totals out.
 *
 * The aggregate owns copies of everything it keeps.  Rows are keyed by
 * (kind, basic, enhanced).  Distinct messages are counted exactly (as
 * 48-bit hashes tagged with their row) while the whole run holds at most
 * BS_MSGID_BUDGET of them; past that every row switches to a HyperLogLog
 * estimate and says so, so memory stays flat on any input.  Rows past
 * BS_ROWS_MAX are folded into their kind's code-less row, and counted.
 *
 * Writers see only a finished aggregate, through the const accessors.
 */
#ifndef BS_AGG_H
#define BS_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "breakdown.h"
#include "bslimits.h"
#include "diag.h"
#include "event.h"
#include "health.h"
#include "notify.h"
#include "outcome.h"

/*
 * One reply text of a row, for --detail: normalised (normalize.h), so that
 * texts differing only in addresses, ids and numbers are one.  count is
 * exact unless the row's detail_estimated; then the truth lies in [count,
 * count + error].
 */
struct bs_detail {
	uint64_t count;
	uint64_t error;
	size_t len;
	const char *text;	/* raw bytes, owned by the aggregate */
};

struct bs_row {
	enum bs_kind kind;
	struct bs_codes codes;
	unsigned connfail;		/* its events' BS_CONN_* value (part of the key) */
	uint64_t count;			/* events */
	uint64_t messages;		/* distinct message ids */
	bool messages_estimated;
	size_t ndetail;			/* sorted, most frequent first */
	struct bs_detail *detail;	/* NULL unless detail was asked for */
	bool detail_estimated;		/* more texts than BS_DETAIL_SLOTS */
	uint64_t detail_other;		/* events of the texts not listed */
	uint64_t detail_bound;		/* the most any unlisted text had */
};

/* What one input gave; error is empty when it was read to the end. */
struct bs_input_stats {
	char *path;
	const char *format;		/* static name, NULL if not recognised */
	uint64_t lines;
	uint64_t events;
	uint64_t cut;			/* lines longer than BS_LINE_MAX */
	uint64_t match_errors;		/* lines PCRE2 gave up on */
	uint64_t first_match_error;	/* the line of the first of them */
	uint64_t untimed;		/* events left out: no readable time */
	uint64_t outside;		/* events outside --since/--until */
	/*
	 * Delivery status lines of programs no reader reads (foreign.h),
	 * the line of the first and its program (made safe for a terminal).
	 */
	uint64_t foreign;
	uint64_t first_foreign;
	char foreign_program[BS_FOREIGN_PROGRAM_MAX];
	char error[BS_DIAG_MSG_MAX];
	/*
	 * What the input's first lines (the sample that recognises a format,
	 * taken also when --type forces one) look like: sampled says whether
	 * they were looked at (a file read in pieces has them from its first
	 * piece, which bs_run_split_format gave them), looks_like names
	 * the format they look like (static, NULL for none), and the counts
	 * say how many lines of the sample there were, how many Postfix
	 * and Exim wrote, and how many were records of Exim's mainlog
	 * (bs_format_look).
	 */
	bool sampled;
	const char *looks_like;
	uint64_t sample_lines, sample_postfix, sample_exim;
	uint64_t sample_exim_records;
};

struct bs_totals {
	uint64_t lines;
	uint64_t events;
	uint64_t kind[BS_KIND_COUNT];
	uint64_t messages[BS_KIND_COUNT];	/* distinct messages per kind */
	bool messages_estimated;
	uint64_t folded;	/* events folded because of BS_ROWS_MAX */
	/*
	 * The sender join (join.h), when the run had one: messages whose
	 * sender it forgot while they were still queued (past its budget),
	 * so that their later events have no sender.
	 */
	bool joined;
	uint64_t senders_forgotten;
	/* Deliveries that were content-filter hops (hop.h), of delivered. */
	uint64_t content_filter_hops;
};

struct bs_agg;

/* detail: remember the most frequent reply texts of each row. */
struct bs_agg *bs_agg_new(bool detail);

/*
 * Count events by each of keys too (--by), in that order, with or without
 * their distinct messages; replaces any breakdowns set before.
 * BS_ERR_NOMEM when out of memory.
 */
bs_status bs_agg_set_by(struct bs_agg *a, const enum bs_by *keys, size_t n,
    bool messages);

/*
 * For one piece of a split file (jobs.c): bs_agg_new_like, except that its
 * message set takes nothing from the run's budget.  A piece's lines, and
 * so its set, are bounded by BS_SPLIT_PIECE; estimating instead, it would
 * allocate a sketch of 32 KiB for every code row it meets.
 */
struct bs_agg *bs_agg_new_piece(const struct bs_agg *a);

/* A new, empty aggregate with the same settings as a. */
struct bs_agg *bs_agg_new_like(const struct bs_agg *a);

/*
 * A new aggregate with a's settings and a's rows, in a's order, nothing
 * counted in them: its events make and fold rows (BS_ROWS_MAX) exactly
 * as they would in a, so that merging it into a gives what counting them
 * in a would.  piece: for a piece of a split file (as bs_agg_new_piece).
 * NULL if out of memory.
 */
struct bs_agg *bs_agg_new_with_rows(const struct bs_agg *a, bool piece);

/*
 * Whether a remembers reply texts.  Their top-k summary depends on the
 * order events come in, so merging the pieces of one file could differ
 * from reading it whole.
 */
bool bs_agg_detail(const struct bs_agg *a);

/* Events folded so far because of BS_ROWS_MAX (no bs_agg_finish needed). */
uint64_t bs_agg_folded(const struct bs_agg *a);

/*
 * Bytes of a's tables that grow with what it reads: the message-id set,
 * the rows, the recipients in flight, the notifications followed and the
 * breakdowns (not the estimates' sketches, which only a budgeted
 * aggregate makes).  A set or table that the next ahead events (or
 * notes) make double counts thrice, as it will while it does, so that a
 * piece that keeps within a share stops before such a growth.  About 100
 * instructions: run.c asks every BS_HELD_EVERY events or lines of a
 * piece, with that many ahead.
 */
size_t bs_agg_held(const struct bs_agg *a, size_t ahead);
void bs_agg_free(struct bs_agg *a);

/* Count one event (hot: runs for every event line). */
bs_status bs_agg_event(struct bs_agg *a, const struct bs_event *ev);

/* Add an input to the report; returns its index, or -1 if out of memory. */
long bs_agg_input_add(struct bs_agg *a, const char *path);
struct bs_input_stats *bs_agg_input_stats(struct bs_agg *a, size_t i);

/*
 * Add everything of src (inputs, rows, messages) into dst.  src is changed
 * only in that messages it had yet to note are noted.
 */
bs_status bs_agg_merge(struct bs_agg *dst, struct bs_agg *src);

/*
 * The same for a src that read a later piece of the file dst read last:
 * src's one input is added into dst's last input (lines, events, cut and
 * skipped lines, the first error) instead of being listed again.
 */
bs_status bs_agg_merge_continued(struct bs_agg *dst,
    struct bs_agg *src);

/*
 * Compute totals and messages and sort the rows (most events first, then
 * kind, basic, enhanced).  Call before the accessors below; events may
 * still be added afterwards (follow mode), and finish called again.
 * BS_ERR_NOMEM when memory ran out: the counts are then incomplete.
 */
bs_status bs_agg_finish(struct bs_agg *a);

/* Forget counted events but keep the inputs list (follow intervals). */
void bs_agg_reset_counts(struct bs_agg *a);

size_t bs_agg_nrows(const struct bs_agg *a);
const struct bs_row *bs_agg_row(const struct bs_agg *a, size_t i);
size_t bs_agg_ninputs(const struct bs_agg *a);
const struct bs_input_stats *bs_agg_input(const struct bs_agg *a, size_t i);
const struct bs_totals *bs_agg_totals(const struct bs_agg *a);

/* The run joined senders, and its join forgot this many (bs_totals). */
void bs_agg_set_join(struct bs_agg *a, uint64_t senders_forgotten);

/* The breakdowns, in the order they were asked for (after finish). */
size_t bs_agg_nby(const struct bs_agg *a);
const struct bs_breakdown *bs_agg_by(const struct bs_agg *a, size_t i);

/*
 * Count into dst's sender breakdowns the events of piece (an aggregate
 * of a piece of a file read on several cores, with a join of its own)
 * whose messages arrived in earlier pieces: their senders from join,
 * that of everything read before the piece (join.h).  BS_ERR_NOMEM.
 */
struct bs_join;
bs_status bs_agg_count_senders(struct bs_agg *dst, const struct bs_agg *piece,
    const struct bs_join *join);

/*
 * Count only what a run that writes the event stream reports besides it
 * (--format events: the warnings and the exit status, --fail-on): the
 * rows, the kinds, the inputs and the period.  Outcomes, distinct
 * messages, notifications, hops and the server's own trouble are not
 * kept (before any event, and before aggregates are made like a).
 */
void bs_agg_rows_only(struct bs_agg *a);

/* Whether a counts notes (bs_agg_notify, bs_agg_health): not rows only. */
bool bs_agg_counts_notes(const struct bs_agg *a);

/*
 * Follow the outcomes per recipient domain too (--by domain; before any
 * event, and before aggregates are made like a).
 */
void bs_agg_outcomes_by_domain(struct bs_agg *a);

/*
 * A notification this server sent (a BS_NOTE_NOTIFY note; notify.h), and
 * the counts of them.  BS_ERR_NOMEM when out of memory.
 */
bs_status bs_agg_notify(struct bs_agg *a, const struct bs_event *ev);
void bs_agg_notifications(const struct bs_agg *a,
    struct bs_notifications *r);

/*
 * A line of the server's own trouble (a BS_NOTE_HEALTH note; health.h),
 * and the report of them (after finish; empty before).  BS_ERR_NOMEM
 * when out of memory.
 */
bs_status bs_agg_health(struct bs_agg *a, const struct bs_event *ev);
const struct bs_health_report *bs_agg_health_results(const struct bs_agg *a);

/* What happened in the end to the recipients (outcome.h; after finish). */
const struct bs_outcomes *bs_agg_outcomes(const struct bs_agg *a);

/*
 * The times of the first and the last event whose time could be read;
 * false when there was none.
 */
bool bs_agg_period(const struct bs_agg *a, time_t *first, time_t *last);

#endif
