/*
 * run.c - inputs through the pipeline: input -> lines -> stream (format
 * parser) -> aggregate.
 *
 * A stream owns one input's parser.  Without --type, an input whose name
 * decides its format (a paniclog: bs_format_by_name) is read as if that
 * format had been forced; otherwise the stream first holds back
 * the input's opening lines (BS_DETECT_LINES, at most BS_DETECT_BYTES),
 * recognises the format from them, and then parses them like the rest, so
 * nothing is read twice and standard input or a followed file works the
 * same way as a file.  With --type it parses every line at once but still
 * copies the opening lines aside: what they look like (bs_format_look)
 * tells, at the end of the input, whether it was read in the wrong format
 * or holds lines the format's reader passes over.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "format.h"
#include "join.h"
#include "lines.h"
#include "reasons.h"
#include "run.h"
#include "safe.h"
#include "source.h"
#include "window.h"

struct held_line {
	size_t off, len;
	uint64_t lineno;
	bool cut;
};

struct bs_stream {
	const struct bs_run_config *cfg;
	struct bs_agg *agg;
	size_t idx;			/* the input's index in agg */
	char *name;			/* for messages */
	const struct bs_format *fmt;	/* NULL while still recognising */
	void *state;
	bool failed;			/* unrecognised: lines are ignored */
	bool sampling;			/* fmt known, first lines still held */
	size_t looked;			/* held lines bs_stream_check saw */
	bool warned_type, warned_other;	/* bs_stream_check's, once each */
	struct bs_window_reader reader;	/* stamps; years from a reference */
	bs_status status;		/* fatal error from the aggregate */
	uint64_t lineno;		/* of the line being parsed */

	/*
	 * The last stamp read and its time: events come several to a
	 * second, and comparing a stamp costs a tenth of reading it.
	 */
	char last_stamp[48];
	size_t last_stamp_len;		/* 0: none */
	bool last_timed;
	time_t last_time;

	/* The reason rules (on_event), asked for once. */
	const struct bs_reasons *reasons;
	bool reasons_asked;

	/* Lines held back until the format is known, or as the sample. */
	char *held;
	size_t held_len;
	struct held_line *hl;
	size_t nheld;
};

static struct bs_input_stats *
stats_of(struct bs_stream *s)
{
	return bs_agg_input_stats(s->agg, s->idx);
}

void
bs_run_warn(const struct bs_run_config *cfg, const struct bs_diag *d)
{
	if (cfg->warn != NULL)
		cfg->warn(cfg->warn_ctx, d);
}

/* Record a failure of an input in its stats and tell the caller. */
static void
input_failed_stats(const struct bs_run_config *cfg,
    struct bs_input_stats *st, const struct bs_diag *d)
{
	snprintf(st->error, sizeof(st->error), "%s", d->msg);
	bs_run_warn(cfg, d);
}

static void
input_failed(struct bs_stream *s, const struct bs_diag *d)
{
	input_failed_stats(s->cfg, stats_of(s), d);
}

/*
 * With a window, an event counts only when its time can be read and falls
 * inside; the others are counted apart and reported, never dropped
 * silently.
 */
static bool
in_window(struct bs_stream *s, const struct bs_event *ev)
{
	if (!bs_window_active(s->cfg->window))
		return true;
	if (!ev->timed) {
		stats_of(s)->untimed++;
		return false;
	}
	if (!bs_window_contains(s->cfg->window, ev->time)) {
		stats_of(s)->outside++;
		return false;
	}
	return true;
}

/* A note feeds the join; it is not counted. */
static void
on_note(struct bs_stream *s, const struct bs_event *ev)
{
	struct bs_join *j = s->cfg->join;

	if (j == NULL || ev->msgid == NULL)
		return;
	if (ev->note == BS_NOTE_ARRIVAL && ev->sender.ptr != NULL)
		bs_join_arrival(j, ev->msgid, ev->msgid_len, ev->sender.ptr,
		    ev->sender.len);
	else if (ev->note == BS_NOTE_GONE)
		bs_join_gone(j, ev->msgid, ev->msgid_len);
}

/*
 * Whether note e (a notification sent, a line of the server's own
 * trouble) falls in the window: counted there like an event, but one
 * whose time cannot be read is left out silently (it is no event to
 * report as untimed).  Its time goes into e.
 */
static bool
note_in_window(struct bs_stream *s, struct bs_event *e)
{
	if (!bs_window_active(s->cfg->window))
		return true;
	e->timed = e->stamp != NULL &&
	    bs_window_read(&s->reader, e->stamp, e->stamp_len, &e->time);
	return e->timed && bs_window_contains(s->cfg->window, e->time);
}

/* A notification this server sent (notify.h). */
static void
on_notify(struct bs_stream *s, const struct bs_event *ev)
{
	struct bs_event e = *ev;

	if (note_in_window(s, &e) && bs_agg_notify(s->agg, &e) != BS_OK)
		s->status = BS_ERR_NOMEM;
}

/* A line of the server's own trouble (health.h). */
static void
on_health(struct bs_stream *s, const struct bs_event *ev)
{
	struct bs_event e = *ev;

	if (note_in_window(s, &e) && bs_agg_health(s->agg, &e) != BS_OK)
		s->status = BS_ERR_NOMEM;
}

/* A delivery status line of a program no reader reads: counted. */
static void
on_foreign(struct bs_stream *s, const struct bs_event *ev)
{
	struct bs_input_stats *st = stats_of(s);

	if (st->foreign++ == 0) {
		st->first_foreign = s->lineno;
		bs_safe_term(st->foreign_program, sizeof(st->foreign_program),
		    ev->program.ptr, ev->program.len);
	}
}

/*
 * Hot: once per event.  The event is completed here: its time, and its
 * sender from the join where its own line names none.
 */
static void
on_event(void *ctx, const struct bs_event *ev)
{
	struct bs_stream *s = ctx;
	struct bs_event e;
	bs_status st;

	if (ev->note == BS_NOTE_NOTIFY) {
		on_notify(s, ev);
		return;
	}
	if (ev->note == BS_NOTE_HEALTH) {
		on_health(s, ev);
		return;
	}
	if (ev->note == BS_NOTE_FOREIGN) {
		on_foreign(s, ev);
		return;
	}
	if (ev->note != BS_NOTE_EVENT) {
		on_note(s, ev);
		return;
	}
	e = *ev;
	e.timed = false;
	if (e.stamp != NULL && e.stamp_len == s->last_stamp_len &&
	    memcmp(e.stamp, s->last_stamp, e.stamp_len) == 0) {
		e.timed = s->last_timed;
		e.time = s->last_time;
	} else if (e.stamp != NULL) {
		e.timed = bs_window_read(&s->reader, e.stamp, e.stamp_len,
		    &e.time);
		if (e.stamp_len <= sizeof(s->last_stamp)) {
			memcpy(s->last_stamp, e.stamp, e.stamp_len);
			s->last_stamp_len = e.stamp_len;
			s->last_timed = e.timed;
			s->last_time = e.time;
		}
	}
	if (!in_window(s, &e))
		return;
	if (e.sender.ptr == NULL && e.msgid != NULL && s->cfg->join != NULL)
		e.sender_before = bs_join_sender(s->cfg->join, e.msgid,
		    e.msgid_len, &e.sender.ptr, &e.sender.len) ==
		    BS_JOIN_BEFORE;
	/*
	 * Why it failed: a delivery costs nothing, a failure one pass of the
	 * rules' prefilter over its reply and at most one match (reasons.h).
	 */
	if (e.kind == BS_DELIVERED) {
		e.reason = "delivered";
		e.hard = -1;
	} else {
		struct bs_verdict v;

		if (!s->reasons_asked) {
			s->reasons = bs_reasons_of(s->cfg->patterns, NULL);
			s->reasons_asked = true;
		}
		bs_reasons_classify(s->reasons, &e, &v);
		e.reason = v.reason;
		e.hard = v.hard;
	}
	st = bs_agg_event(s->agg, &e);
	if (st != BS_OK) {
		s->status = st;
		return;
	}
	stats_of(s)->events++;
	if (s->cfg->sink != NULL)
		s->cfg->sink(s->cfg->sink_ctx, s->name, s->lineno, &e);
}

/*
 * The needles of the splitter: with a join the arrival lines too, and
 * without the report's own notes when the aggregate counts none.
 */
static const char *const *
needles_of(const struct bs_run_config *cfg, const struct bs_stream *s)
{
	const struct bs_format *f = s->fmt;

	if (cfg->join == NULL || f->joined_needles == NULL)
		return f->needles;
	if (!bs_agg_counts_notes(s->agg) && f->stream_needles != NULL)
		return f->stream_needles;
	return f->joined_needles;
}

/* Hot: once per line. */
static void
parse_line(struct bs_stream *s, const struct bs_line *line)
{
	struct bs_input_stats *st = stats_of(s);

	st->lines++;
	if (line->cut)
		st->cut++;
	s->lineno = line->lineno;
	if (s->fmt->parse(s->state, line, on_event, s) == BS_ERR_MATCH) {
		st = stats_of(s);
		if (st->match_errors++ == 0)
			st->first_match_error = line->lineno;
	}
}

/*
 * bs_stream_open; with sample, a forced format's stream still holds its
 * first lines as the sample (not for a later piece of a file, whose first
 * lines are not the file's).
 */
static bs_status
stream_open(const struct bs_run_config *cfg, const char *path,
    struct bs_agg *agg, bool sample, struct bs_stream **out)
{
	struct bs_stream *s;
	struct bs_diag d;
	long idx;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return BS_ERR_NOMEM;
	idx = bs_agg_input_add(agg, path);
	s->name = strdup(strcmp(path, "-") == 0 ? "(stdin)" : path);
	if (idx < 0 || s->name == NULL) {
		free(s->name);
		free(s);
		return BS_ERR_NOMEM;
	}
	s->cfg = cfg;
	s->agg = agg;
	bs_window_reader_init(&s->reader, time(NULL));
	s->idx = (size_t)idx;
	/* A paniclog is told by its name alone: its lines look like Exim's. */
	s->fmt = cfg->format != NULL ? cfg->format : bs_format_by_name(path);
	if (s->fmt == NULL || sample) {
		/* Zeroed for the JIT's reads past a line (see lines.c). */
		s->held = calloc(1, BS_DETECT_BYTES);
		s->hl = malloc(BS_DETECT_LINES * sizeof(*s->hl));
		if (s->held == NULL || s->hl == NULL) {
			bs_stream_close(s);
			return BS_ERR_NOMEM;
		}
	}
	if (s->fmt != NULL) {
		bs_diag_clear(&d);
		if (s->fmt->open(cfg->patterns, &s->state, &d) != BS_OK) {
			/* Checked at start-up; only memory can fail here. */
			bs_stream_close(s);
			return BS_ERR_NOMEM;
		}
		stats_of(s)->format = s->fmt->name;
		s->sampling = sample;
	}
	*out = s;
	return BS_OK;
}

bs_status
bs_stream_open(const struct bs_run_config *cfg, const char *path,
    struct bs_agg *agg, struct bs_stream **out)
{
	return stream_open(cfg, path, agg, true, out);
}

/* Record in the input's stats what its sample looks like. */
static void
note_look(struct bs_stream *s, const struct bs_sample_look *lk)
{
	struct bs_input_stats *st = stats_of(s);

	st->sampled = true;
	st->looks_like = lk->format != NULL ? lk->format->name : NULL;
	st->sample_lines = lk->lines;
	st->sample_postfix = lk->postfix;
	st->sample_exim = lk->exim;
	st->sample_exim_records = lk->exim_records;
}

/* Whether line still fits into the held lines. */
static bool
room_for(const struct bs_stream *s, const struct bs_line *line)
{
	return s->nheld < BS_DETECT_LINES &&
	    s->held_len + line->len + 1 <= BS_DETECT_BYTES;
}

/* Copy line to the held lines (room_for said it fits). */
static void
hold(struct bs_stream *s, const struct bs_line *line)
{
	memcpy(s->held + s->held_len, line->ptr, line->len);
	s->hl[s->nheld].off = s->held_len;
	s->hl[s->nheld].len = line->len;
	s->hl[s->nheld].lineno = line->lineno;
	s->hl[s->nheld].cut = line->cut;
	s->held_len += line->len;
	s->held[s->held_len++] = '\n';
	s->nheld++;
}

/* A forced format's sample is complete: look at it, and let it go. */
static void
end_sample(struct bs_stream *s)
{
	struct bs_sample_look lk;

	if (!s->sampling)
		return;
	s->sampling = false;
	if (s->nheld > 0) {
		bs_format_look(s->held, s->held_len, &lk);
		note_look(s, &lk);
	}
	s->nheld = s->held_len = 0;
}

/*
 * Decide the format from the held lines, then parse them.  With force,
 * decide even on few lines (end of input, or a follow-mode report).
 */
static bs_status
decide(struct bs_stream *s, bool force)
{
	struct bs_sample_look lk;
	struct bs_diag d;
	size_t i;

	if (s->fmt != NULL || s->failed)
		return s->status;
	bs_format_look(s->held, s->held_len, &lk);
	s->fmt = lk.format;
	if (s->fmt == NULL && !force)
		return BS_OK;
	if (s->nheld > 0)
		note_look(s, &lk);
	bs_diag_clear(&d);
	if (s->fmt == NULL) {
		if (s->nheld == 0)
			return BS_OK;	/* nothing yet: an empty input */
		s->failed = true;
		stats_of(s)->lines += s->nheld;
		if (s->nheld == 1)
			bs_diag_set(&d, BS_ERR_FORMAT, s->name, 0,
			    "not a log format bouncestat knows (looked at its "
			    "only line; --type forces one)");
		else
			bs_diag_set(&d, BS_ERR_FORMAT, s->name, 0,
			    "not a log format bouncestat knows (looked at the "
			    "first %zu lines; --type forces one)", s->nheld);
		input_failed(s, &d);
		return BS_ERR_FORMAT;
	}
	if (s->fmt->open(s->cfg->patterns, &s->state, &d) != BS_OK) {
		s->fmt = NULL;
		return BS_ERR_NOMEM;
	}
	stats_of(s)->format = s->fmt->name;
	for (i = 0; i < s->nheld; i++) {
		struct bs_line line = {
			.ptr = s->held + s->hl[i].off,
			.len = s->hl[i].len,
			.lineno = s->hl[i].lineno,
			.cut = s->hl[i].cut,
		};

		parse_line(s, &line);
	}
	/*
	 * Follow mode decides on the first lines that convince: the lines
	 * after them, up to a full sample, are held on as the sample of
	 * what the input holds (end_sample), as a forced format's are.
	 */
	if (s->nheld < BS_DETECT_LINES && s->held_len < BS_DETECT_BYTES)
		s->sampling = true;
	else
		s->nheld = s->held_len = 0;
	return s->status;
}

void
bs_stream_set_ref(struct bs_stream *s, time_t ref)
{
	bs_window_reader_init(&s->reader, ref);
	s->last_stamp_len = 0;	/* a stamp's year depends on ref */
}

bs_status
bs_stream_line(struct bs_stream *s, const struct bs_line *line)
{
	bs_status st;

	if (s->fmt != NULL) {
		parse_line(s, line);
		if (s->sampling) {
			if (room_for(s, line))
				hold(s, line);
			else
				end_sample(s);
		}
		return s->status;
	}
	if (s->failed) {
		stats_of(s)->lines++;
		return BS_ERR_FORMAT;
	}
	if (!room_for(s, line)) {
		/* The sample is full: decide, then this line is parsed. */
		st = decide(s, true);
		if (st != BS_OK)
			return st == BS_ERR_FORMAT ?
			    bs_stream_line(s, line) : st;
		return bs_stream_line(s, line);
	}
	hold(s, line);
	return BS_OK;
}

bs_status
bs_stream_flush(struct bs_stream *s)
{
	end_sample(s);
	return decide(s, true);
}

bs_status
bs_stream_decide(struct bs_stream *s)
{
	return decide(s, true);
}

bs_status
bs_stream_settle(struct bs_stream *s)
{
	return decide(s, false);
}

static bool
is(const char *name, const char *what)
{
	return name != NULL && strcmp(name, what) == 0;
}

/*
 * Whether reading as format read would read the lines of a sample that
 * looks like looks: the mixed reader reads the Postfix and Exim lines
 * that carry their syslog program, and Postfix or Exim read their part
 * of a mixed file (the other part is warned about on its own).
 */
static bool
covers(const struct bs_input_stats *st, const char *read, const char *looks)
{
	/* A panic entry is Exim's stamp and a text: it looks like Exim's. */
	if (is(read, "paniclog"))
		return is(looks, "exim");
	if (is(read, "mixed"))
		return (is(looks, "postfix") && st->sample_postfix > 0) ||
		    (is(looks, "exim") && st->sample_exim > 0);
	return is(looks, "mixed") && (is(read, "postfix") || is(read, "exim"));
}

/* Whether st was read in a format that found nothing it looks like. */
static bool
wrong_type(const struct bs_input_stats *st)
{
	const char *read = st->format, *looks = st->looks_like;

	return st->sampled && read != NULL &&
	    st->events + st->untimed + st->outside == 0 && looks != NULL &&
	    strcmp(looks, read) != 0 && !covers(st, read, looks) &&
	    st->error[0] == '\0';
}

/*
 * The sample held lines of the other of Postfix and Exim, or, read as a
 * paniclog, records of Exim's mainlog (every stamped line of which the
 * paniclog reader counts as a panic): a warning.  Whether it warned.
 */
static bool
other_program_warning(const struct bs_run_config *cfg,
    const struct bs_input_stats *st, const char *name)
{
	const char *read = st->format, *other;
	uint64_t n;
	struct bs_diag d;

	if (!st->sampled || read == NULL)
		return false;
	if (is(read, "paniclog") && st->sample_exim_records > 0) {
		n = st->sample_exim_records;
		bs_diag_set(&d, BS_OK, name, 0, "read as paniclog, but %llu "
		    "of its first %llu lines %s Exim mainlog record%s "
		    "(deliveries, arrivals): every line with a timestamp was "
		    "counted as a panic (--type exim reads a mainlog)",
		    (unsigned long long)n,
		    (unsigned long long)st->sample_lines,
		    n == 1 ? "is an" : "are", n == 1 ? "" : "s");
		bs_run_warn(cfg, &d);
		return true;
	}
	if (is(read, "postfix") && st->sample_exim > 0) {
		other = "exim";
		n = st->sample_exim;
	} else if (is(read, "exim") && st->sample_postfix > 0) {
		other = "postfix";
		n = st->sample_postfix;
	} else
		return false;
	bs_diag_set(&d, BS_OK, name, 0, "read as %s, but %llu of its first "
	    "%llu lines %s from %s: such lines are not read (--type mixed "
	    "reads both)", read, (unsigned long long)n,
	    (unsigned long long)st->sample_lines, n == 1 ? "is" : "are",
	    other);
	bs_run_warn(cfg, &d);
	return true;
}

/* The input fails: read in the wrong format (wrong_type said so). */
static bs_status
wrong_type_failure(const struct bs_run_config *cfg, struct bs_input_stats *st,
    const char *name)
{
	struct bs_diag d;

	bs_diag_set(&d, BS_ERR_FORMAT, name, 0, "--type %s found no events; "
	    "it looks like %s", st->format, st->looks_like);
	input_failed_stats(cfg, st, &d);
	return BS_ERR_FORMAT;
}

/*
 * An input read in one format whose first lines look like another: with
 * no event found, it was surely read in the wrong one (--type), and the
 * input fails (BS_ERR_FORMAT), so that a check that forced the type
 * never says OK on an input it did not read.  Otherwise, lines of the
 * sample that the other of Postfix and Exim wrote were passed over, or
 * a mainlog's records were counted as panics: a warning.
 */
static bs_status
format_warnings(const struct bs_run_config *cfg, struct bs_input_stats *st,
    const char *name)
{
	if (wrong_type(st))
		return wrong_type_failure(cfg, st, name);
	(void)other_program_warning(cfg, st, name);
	return BS_OK;
}

bs_status
bs_stream_check(struct bs_stream *s, bool final)
{
	struct bs_input_stats *st = stats_of(s);
	struct bs_sample_look lk;
	struct bs_diag d;

	if (s->fmt == NULL)
		return BS_OK;
	/* The sample so far, looked at again only when it has grown. */
	if (s->sampling && s->nheld > s->looked) {
		bs_format_look(s->held, s->held_len, &lk);
		note_look(s, &lk);
		s->looked = s->nheld;
	}
	if (!s->warned_type && wrong_type(st)) {
		s->warned_type = true;
		bs_diag_set(&d, BS_OK, s->name, 0, "--type %s found no events "
		    "in its first %llu lines; it looks like %s", st->format,
		    (unsigned long long)st->sample_lines, st->looks_like);
		bs_run_warn(s->cfg, &d);
	}
	/* As in a batch run, not both: the first says it all. */
	if (!s->warned_other && !s->warned_type)
		s->warned_other = other_program_warning(s->cfg, st, s->name);
	if (final && wrong_type(st))
		return wrong_type_failure(s->cfg, st, s->name);
	return BS_OK;
}

/* Once per input: the warnings that do not fail it. */
bs_status
bs_run_input_warnings(const struct bs_run_config *cfg,
    struct bs_input_stats *st)
{
	const char *name = strcmp(st->path, "-") == 0 ? "(stdin)" : st->path;
	struct bs_diag d;

	if (st->cut > 0) {
		bs_diag_set(&d, BS_OK, name, 0, "%llu line%s longer than "
		    "%d bytes %s cut to that length",
		    (unsigned long long)st->cut, st->cut == 1 ? "" : "s",
		    BS_LINE_MAX, st->cut == 1 ? "was" : "were");
		bs_run_warn(cfg, &d);
	}
	if (st->untimed > 0) {
		bs_diag_set(&d, BS_OK, name, 0, "%llu event%s without a "
		    "readable time left out of the --since/--until window",
		    (unsigned long long)st->untimed, st->untimed == 1 ? "" :
		    "s");
		bs_run_warn(cfg, &d);
	}
	if (st->match_errors > 0) {
		bs_diag_set(&d, BS_OK, name, st->first_match_error,
		    "%llu line%s too complex for the patterns (PCRE2 limit); "
		    "skipped, the first here",
		    (unsigned long long)st->match_errors,
		    st->match_errors == 1 ? " was" : "s were");
		bs_run_warn(cfg, &d);
	}
	if (st->foreign > 0) {
		bs_diag_set(&d, BS_OK, name, st->first_foreign, "%llu line%s "
		    "with a delivery status %s written by a program bouncestat "
		    "does not read (%s, the first here): not counted",
		    (unsigned long long)st->foreign, st->foreign == 1 ? "" :
		    "s", st->foreign == 1 ? "was" : "were",
		    st->foreign_program);
		bs_run_warn(cfg, &d);
	}
	return format_warnings(cfg, st, name);
}

void
bs_stream_close(struct bs_stream *s)
{
	if (s == NULL)
		return;
	if (s->fmt != NULL && s->state != NULL)
		s->fmt->close(s->state);
	free(s->held);
	free(s->hl);
	free(s->name);
	free(s);
}

/*
 * The message of a read fault after line n.  Whole files and pieces both
 * use it, so that a split file's message is the same as a whole one's.
 */
void
bs_run_fault_diag(struct bs_diag *d, const char *path, const char *fault,
    uint64_t n)
{
	char msg[BS_DIAG_MSG_MAX];

	/* fault may be d's own message. */
	snprintf(msg, sizeof(msg), "%s", fault);
	bs_diag_set(d, BS_ERR_FORMAT, strcmp(path, "-") == 0 ? "(stdin)" :
	    path, 0, "%s after line %llu (partial results kept)", msg,
	    (unsigned long long)n);
}

/*
 * Read path, or the piece pc of it, into agg as a new input: the body of
 * bs_run_input_counted and bs_run_piece.
 */
/*
 * The piece holds its share of memory: end it after the line just read,
 * leaving the lines read ahead (and the rest of its bytes) to the piece
 * that jobs.c makes of the rest.  Where the line splitter is not at a
 * line's end (a cut line being skipped), the next line tries again.
 */
static void
end_early(struct bs_lines *ls, struct bs_source *in, struct bs_piece *pc)
{
	size_t pending = bs_lines_pending(ls);
	unsigned long long at;

	if (pending == SIZE_MAX || !bs_source_range_stop(in, pending, &at))
		return;
	/*
	 * Nothing is left of a piece whose last line was just read (its
	 * source had ended already, so stopping it changed nothing).
	 */
	if (pc->len != ULLONG_MAX && at >= pc->off + pc->len)
		return;
	bs_lines_drop(ls);
	pc->end_at = at;
}

/* What piece pc holds: its aggregate, its held events, its join. */
static size_t
piece_held(const struct bs_piece *pc, const struct bs_agg *agg, size_t ahead)
{
	size_t h = bs_agg_held(agg, ahead), more;

	if (pc->held != NULL) {
		more = pc->held(pc->store);
		h = more > SIZE_MAX - h ? SIZE_MAX : h + more;
	}
	if (pc->join != NULL) {
		more = bs_join_held(pc->join);
		h = more > SIZE_MAX - h ? SIZE_MAX : h + more;
	}
	return h;
}

static bs_status
run_file(const struct bs_run_config *cfg, const char *path,
    struct bs_piece *pc, struct bs_agg *agg,
    _Atomic unsigned long long *done)
{
	unsigned tick = 0;
	struct bs_source *in = NULL;
	struct bs_lines *ls = NULL;
	struct bs_stream *s = NULL;
	struct bs_line line;
	struct bs_diag d;
	bs_status st, fail = BS_OK;
	bool needles_set = false;
	unsigned held_tick = 0,
	    held_every = pc != NULL && pc->every > 0 ? pc->every : BS_HELD_EVERY;
	int r;

	st = stream_open(cfg, path, agg, pc == NULL, &s);
	if (st != BS_OK)
		return st;
	if (pc != NULL && pc->sampled)
		note_look(s, &pc->look);
	bs_diag_clear(&d);
	if (pc == NULL)
		st = bs_source_open(path, 0, &in, &d);
	else
		st = bs_source_range(path, pc->off, pc->len, &in, &d);
	if (st != BS_OK) {
		input_failed(s, &d);
		fail = st == BS_ERR_NOMEM ? st : BS_ERR_IO;
		goto out;
	}
	bs_stream_set_ref(s, pc == NULL ? bs_source_mtime(in) : pc->ref);
	ls = bs_lines_new(in);
	if (ls == NULL) {
		fail = BS_ERR_NOMEM;
		goto out;
	}
	while ((r = bs_lines_next(ls, &line, &d)) == 1) {
		if (done != NULL && (++tick & 255) == 0)
			atomic_store_explicit(done, bs_source_raw_offset(in),
			    memory_order_relaxed);
		/*
		 * Once the format is known and the sample taken, its needles
		 * skip the noise.
		 */
		if (!needles_set && s->fmt != NULL && !s->sampling) {
			bs_lines_set_needles(ls, needles_of(cfg, s));
			needles_set = true;
		}
		st = bs_stream_line(s, &line);
		if (st == BS_ERR_NOMEM) {
			fail = st;
			goto out;
		}
		if (st == BS_ERR_FORMAT)
			fail = st;
		/*
		 * What the piece holds, every BS_HELD_EVERY lines (a line of
		 * a split file makes at most one event or note), with as many
		 * ahead: adding up its tables costs about 100 instructions.
		 */
		if (pc != NULL && pc->share > 0 && pc->end_at == 0 &&
		    !s->sampling && ++held_tick >= held_every) {
			held_tick = 0;
			if (piece_held(pc, agg, held_every) > pc->share)
				end_early(ls, in, pc);
		}
	}
	st = bs_stream_flush(s);
	if (st == BS_ERR_NOMEM) {
		fail = st;
		goto out;
	}
	if (st != BS_OK)
		fail = st;
	/* Skipped lines were counted by the splitter, not the stream. */
	if (s->fmt != NULL || s->failed) {
		stats_of(s)->lines = bs_lines_count(ls);
		stats_of(s)->cut = bs_lines_cut(ls);
	}
	if (r < 0) {
		/* The fault's message, placed after the last good line. */
		if (pc != NULL)
			snprintf(pc->fault, sizeof(pc->fault), "%s", d.msg);
		else {
			bs_run_fault_diag(&d, path, d.msg, bs_lines_count(ls));
			input_failed(s, &d);
		}
		fail = BS_ERR_IO;
	}
	if (done != NULL)
		atomic_store_explicit(done, bs_source_raw_offset(in),
		    memory_order_relaxed);
out:
	bs_stream_close(s);
	bs_lines_free(ls);
	bs_source_close(in);
	return fail;
}

bs_status
bs_run_input_counted(const struct bs_run_config *cfg, const char *path,
    struct bs_agg *agg, _Atomic unsigned long long *done)
{
	return run_file(cfg, path, NULL, agg, done);
}

bs_status
bs_run_piece(const struct bs_run_config *cfg, const char *path,
    struct bs_piece *pc, struct bs_agg *agg,
    _Atomic unsigned long long *done)
{
	pc->fault[0] = '\0';
	return run_file(cfg, path, pc, agg, done);
}

const struct bs_format *
bs_run_split_format(const struct bs_run_config *cfg, const char *path,
    struct bs_sample_look *look)
{
	/* No window, no warnings: the head is parsed into a scratch agg. */
	struct bs_run_config c = {
		.patterns = cfg->patterns, .format = cfg->format
	};
	const struct bs_format *fmt = NULL;
	struct bs_source *in = NULL;
	struct bs_lines *ls = NULL;
	struct bs_stream *s = NULL;
	struct bs_agg *scratch = NULL;
	struct bs_line line;
	struct bs_diag d;
	int r;

	bs_diag_clear(&d);
	if (bs_source_open(path, BS_SOURCE_SYNC, &in, &d) != BS_OK)
		goto out;
	ls = bs_lines_new(in);
	scratch = bs_agg_new(false);
	if (ls == NULL || scratch == NULL ||
	    bs_stream_open(&c, path, scratch, &s) != BS_OK)
		goto out;
	r = bs_lines_next(ls, &line, &d);
	if (r != 1 || bs_source_is_gzip(in))
		goto out;
	/*
	 * The stream decides as in a whole read: when its sample is full;
	 * a forced format's stream takes its sample all the same.
	 */
	do {
		if (bs_stream_line(s, &line) == BS_ERR_NOMEM)
			goto out;
	} while (((s->fmt == NULL && !s->failed) || s->sampling) &&
	    (r = bs_lines_next(ls, &line, &d)) == 1);
	if (r < 0)
		goto out;
	if ((s->fmt == NULL || s->sampling) && bs_stream_flush(s) != BS_OK)
		goto out;
	if (s->fmt != NULL && s->fmt->splittable) {
		const struct bs_input_stats *st = stats_of(s);

		fmt = s->fmt;
		memset(look, 0, sizeof(*look));
		look->format = st->looks_like != NULL ?
		    bs_format_find(st->looks_like) : NULL;
		look->lines = st->sample_lines;
		look->postfix = st->sample_postfix;
		look->exim = st->sample_exim;
		look->exim_records = st->sample_exim_records;
	}
out:
	bs_stream_close(s);
	bs_agg_free(scratch);
	bs_lines_free(ls);
	bs_source_close(in);
	return fmt;
}
