/*
 * run.c - one input through the pipeline.
 *
 * Without --type, the first lines (BS_DETECT_LINES, at most
 * BS_DETECT_BYTES) are kept in a sample, the format is recognised from
 * them, and they are then parsed like the rest, so nothing is read twice
 * and standard input works the same way as a file.
 */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "format.h"
#include "input.h"
#include "lines.h"
#include "run.h"

struct sink {
	struct bs_agg *agg;
	struct bs_input_stats *stats;
	bs_status status;
};

/* Hot: once per event. */
static void
on_event(void *ctx, const struct bs_event *ev)
{
	struct sink *k = ctx;
	bs_status st = bs_agg_event(k->agg, ev);

	if (st != BS_OK)
		k->status = st;
	else
		k->stats->events++;
}

struct sample_line {
	size_t off, len;
	uint64_t lineno;
	bool cut;
};

struct sample {
	char *buf;
	size_t len;
	struct sample_line *lines;
	size_t n;
	/*
	 * The line that did not fit into buf: not copied, it stays valid in
	 * the splitter's buffer until the next bs_lines_next call.
	 */
	struct bs_line overflow;
	bool has_overflow;
};

static void
sample_free(struct sample *s)
{
	free(s->buf);
	free(s->lines);
}

/*
 * Fill the sample.  Returns 1 when it is full or the input ended, -1 when
 * the input failed (d filled), -2 when out of memory.
 */
static int
sample_fill(struct sample *s, struct bs_lines *ls, struct bs_diag *d)
{
	struct bs_line line;
	int r;

	s->buf = malloc(BS_DETECT_BYTES);
	s->lines = malloc(BS_DETECT_LINES * sizeof(*s->lines));
	if (s->buf == NULL || s->lines == NULL)
		return -2;
	while (s->n < BS_DETECT_LINES) {
		r = bs_lines_next(ls, &line, d);
		if (r <= 0)
			return r == 0 ? 1 : -1;
		if (s->len + line.len + 1 > BS_DETECT_BYTES) {
			s->overflow = line;
			s->has_overflow = true;
			return 1;
		}
		memcpy(s->buf + s->len, line.ptr, line.len);
		s->lines[s->n].off = s->len;
		s->lines[s->n].len = line.len;
		s->lines[s->n].lineno = line.lineno;
		s->lines[s->n].cut = line.cut;
		s->len += line.len;
		s->buf[s->len++] = '\n';
		s->n++;
	}
	return 1;
}

struct parse_ctx {
	const struct bs_format *fmt;
	void *state;
	struct sink sink;
	uint64_t first_match_error;
};

static void
parse_line(struct parse_ctx *pc, const struct bs_line *line)
{
	struct bs_input_stats *stats = pc->sink.stats;

	stats->lines++;
	if (line->cut)
		stats->cut++;
	if (pc->fmt->parse(pc->state, line, on_event, &pc->sink) ==
	    BS_ERR_MATCH) {
		if (stats->match_errors++ == 0)
			pc->first_match_error = line->lineno;
	}
}

static void
warn(const struct bs_run_config *cfg, const struct bs_diag *d)
{
	if (cfg->warn != NULL)
		cfg->warn(cfg->warn_ctx, d);
}

/* Record a failure of the input in its stats and tell the caller. */
static void
input_failed(const struct bs_run_config *cfg, struct bs_input_stats *stats,
    const struct bs_diag *d)
{
	snprintf(stats->error, sizeof(stats->error), "%s", d->msg);
	warn(cfg, d);
}

bs_status
bs_run_input(const struct bs_run_config *cfg, const char *path,
    struct bs_agg *agg)
{
	struct bs_input *in = NULL;
	struct bs_lines *ls = NULL;
	struct sample smp = { 0 };
	struct parse_ctx pc = { 0 };
	struct bs_input_stats *stats;
	struct bs_diag d;
	struct bs_line line;
	bs_status st = BS_OK;
	const char *name;
	long idx;
	int r = 1;
	size_t i;

	bs_diag_clear(&d);
	idx = bs_agg_input_add(agg, path);
	if (idx < 0)
		return BS_ERR_NOMEM;
	stats = bs_agg_input_stats(agg, (size_t)idx);
	pc.sink.agg = agg;
	pc.sink.stats = stats;
	st = bs_input_open(path, &in, &d);
	if (st != BS_OK) {
		input_failed(cfg, stats, &d);
		return st == BS_ERR_NOMEM ? st : BS_ERR_IO;
	}
	name = bs_input_name(in);
	ls = bs_lines_new(in);
	if (ls == NULL) {
		st = BS_ERR_NOMEM;
		goto out;
	}

	pc.fmt = cfg->format;
	if (pc.fmt == NULL) {
		r = sample_fill(&smp, ls, &d);
		if (r == -2) {
			st = BS_ERR_NOMEM;
			goto out;
		}
		pc.fmt = bs_format_detect(smp.buf, smp.len);
		if (pc.fmt == NULL && (smp.n > 0 || smp.has_overflow)) {
			stats->lines = bs_lines_count(ls);
			bs_diag_set(&d, BS_ERR_FORMAT, name, 0,
			    "not a log format bouncestat knows (looked at "
			    "the first %zu lines; --type forces one)", smp.n);
			input_failed(cfg, stats, &d);
			st = BS_ERR_FORMAT;
			goto out;
		}
	}
	if (pc.fmt != NULL) {
		stats->format = pc.fmt->name;
		st = pc.fmt->open(cfg->patterns, &pc.state, &d);
		if (st != BS_OK) {
			input_failed(cfg, stats, &d);
			goto out;
		}
	}
	/* The sampled lines first, then the rest of the input. */
	for (i = 0; i < smp.n && pc.fmt != NULL; i++) {
		struct bs_line sl = {
			.ptr = smp.buf + smp.lines[i].off,
			.len = smp.lines[i].len,
			.lineno = smp.lines[i].lineno,
			.cut = smp.lines[i].cut,
		};

		parse_line(&pc, &sl);
	}
	if (smp.has_overflow && pc.fmt != NULL)
		parse_line(&pc, &smp.overflow);
	while (r == 1 && pc.fmt != NULL &&
	    (r = bs_lines_next(ls, &line, &d)) == 1) {
		parse_line(&pc, &line);
		if (pc.sink.status != BS_OK)
			break;
	}
	if (pc.sink.status != BS_OK) {
		st = pc.sink.status;
		goto out;
	}
	if (r < 0) {
		/* The fault's message, placed after the last good line. */
		char msg[BS_DIAG_MSG_MAX];

		snprintf(msg, sizeof(msg), "%s", d.msg);
		bs_diag_set(&d, BS_ERR_FORMAT, name, 0,
		    "%s after line %llu (partial results kept)", msg,
		    (unsigned long long)bs_lines_count(ls));
		stats->lines = bs_lines_count(ls);
		input_failed(cfg, stats, &d);
		st = BS_ERR_IO;
	}
	if (stats->cut > 0) {
		bs_diag_set(&d, BS_OK, name, 0, "%llu line%s longer than %d "
		    "bytes %s cut to that length",
		    (unsigned long long)stats->cut, stats->cut == 1 ? "" : "s",
		    BS_LINE_MAX, stats->cut == 1 ? "was" : "were");
		warn(cfg, &d);
	}
	if (stats->match_errors > 0) {
		bs_diag_set(&d, BS_OK, name, pc.first_match_error,
		    "%llu line%s too complex for the patterns (PCRE2 limit); "
		    "skipped, the first here",
		    (unsigned long long)stats->match_errors,
		    stats->match_errors == 1 ? " was" : "s were");
		warn(cfg, &d);
	}
out:
	if (pc.fmt != NULL && pc.state != NULL)
		pc.fmt->close(pc.state);
	sample_free(&smp);
	bs_lines_free(ls);
	bs_input_close(in);
	return st;
}
