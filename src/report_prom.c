/*
 * report_prom.c - the report as Prometheus metrics, in the text exposition
 * format (version 0.0.4) that node_exporter's textfile collector reads.
 *
 * Two kinds of run, two sets of names.  A batch run (cron: "--since -15m")
 * counts what it read this time, a number that goes up and down from one
 * run to the next: those are gauges, named bouncestat_window_*.  A follow
 * run counts from the moment it started, and its counts only grow: those
 * are counters, named *_total, which rate() and increase() read.  The
 * same family never changes type, so a dashboard or rule reads one or
 * the other (README "Prometheus").
 *
 * Counters must behave as Prometheus expects of them, which takes memory
 * across the reports of a follow run (struct bs_prom_state):
 *  - a series once written is written in every later report, so that it
 *    never goes stale and comes back;
 *  - a series is written with 0 the first time (the five kinds in the
 *    first report), its count from the next report on, so that
 *    increase() sees its first events rather than starting from them;
 *  - a value never goes down (estimated breakdown keys could: the value
 *    written last is kept instead);
 *  - a breakdown key gets its own label when first met while fewer than
 *    --top keys have one, and keeps it; every later key is summed under
 *    key="other" for good.  A key moving in or out of the labelled set
 *    would make "other" go down (a counter reset) and count the same
 *    events twice; first come, first labelled keeps every series
 *    monotonic.  A batch run labels the top keys by failures, as the
 *    text report lists them.
 *
 * Each family is written whole: "# HELP", "# TYPE", then its samples.
 * Samples carry no timestamp: the textfile collector refuses them.  Label
 * values go through bs_safe_prom_label; two different values that escape
 * to the same text (invalid UTF-8, control characters) are one series
 * whose value is their sum, because a repeated series makes the collector
 * drop the whole file.  Input paths are not labels, for the same reason;
 * the number of inputs that failed is, and the run's standard error says
 * which.
 *
 * The code rows carry no "category" label: it is the class digit of the
 * codes already there (or 1xx for a connection failure), and a label
 * that only repeats others costs series and says nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "hash.h"
#include "report.h"
#include "safe.h"

enum fam {
	F_EVENTS,
	F_MESSAGES,
	F_KIND,
	F_LINES,
	F_HOPS,
	F_NOTIFY_SENT,
	F_NOTIFY_FAILED,
	F_HEALTH,
	F_REASON,
	F_REASON_HARD,
	F_INPUT_ERRORS,
	F_EXCLUDED,
	F_BY,
	F_FIRST,
	F_LAST,
	F_RUN,
	F_COUNT
};

/*
 * follow and batch are the names in each kind of run; counter: a counter
 * in follow mode (a batch run writes gauges only).  A help that ends in
 * a comma is a count, and goes on with "since following started." or
 * "in the window this run read.".
 */
static const struct {
	const char *follow, *batch;
	bool counter;
	const char *help;
	bool time;		/* a time_t, which may be negative */
} fams[F_COUNT] = {
	[F_EVENTS] = { "bouncestat_events_total", "bouncestat_window_events",
	    true, "Delivery outcomes and refusals per kind and status code,",
	    false },
	[F_MESSAGES] = { "bouncestat_messages", "bouncestat_window_messages",
	    false, "Distinct messages among the events of a kind and status "
	    "code (an estimate past about a million message ids),", false },
	[F_KIND] = { "bouncestat_kind_events_total",
	    "bouncestat_window_kind_events", true, "Events per kind,", false },
	[F_LINES] = { "bouncestat_lines_total", "bouncestat_window_lines",
	    true, "Log lines read,", false },
	[F_HOPS] = { "bouncestat_content_filter_hops_total",
	    "bouncestat_window_content_filter_hops", true,
	    "Deliveries that handed mail to a content filter on this host, "
	    "which queued it again (counted in kind=\"delivered\" too),",
	    false },
	[F_NOTIFY_SENT] = { "bouncestat_notifications_sent_total",
	    "bouncestat_window_notifications_sent", true,
	    "Delivery status notifications this server sent, per type,",
	    false },
	[F_NOTIFY_FAILED] = { "bouncestat_notifications_failed_total",
	    "bouncestat_window_notifications_failed", true,
	    "Notifications this server sent that were bounced, deferred or "
	    "refused in turn (a sign of backscatter),", false },
	[F_HEALTH] = { "bouncestat_server_warnings_total",
	    "bouncestat_window_server_warnings", true,
	    "Lines of the mail server's own trouble (Postfix warning: and "
	    "fatal:, Exim Warning: and paniclog) per severity; not events,",
	    false },
	[F_REASON] = { "bouncestat_reason_events_total",
	    "bouncestat_window_reason_events", true,
	    "Events per reason (why it failed; delivered for deliveries) "
	    "and kind,", false },
	[F_REASON_HARD] = { "bouncestat_reason_hard_events_total",
	    "bouncestat_window_reason_hard_events", true,
	    "Failures of a reason with a hard verdict (bounced, expired or "
	    "rejected for good),", false },
	[F_INPUT_ERRORS] = { "bouncestat_input_errors",
	    "bouncestat_window_input_errors", false,
	    "Inputs that could not be read completely,", false },
	[F_EXCLUDED] = { "bouncestat_window_excluded_events_total",
	    "bouncestat_window_excluded_events", true,
	    "Events left out by --since/--until: outside the window, or "
	    "untimed (no readable timestamp),", false },
	[F_BY] = { "bouncestat_by_events_total", "bouncestat_window_by_events",
	    true, "Events per kind and breakdown key (--by); keys without "
	    "a label of their own are summed as key=\"other\", events "
	    "without the key as key=\"(none)\",", false },
	[F_FIRST] = { "bouncestat_period_first_event_timestamp_seconds",
	    "bouncestat_period_first_event_timestamp_seconds", false,
	    "Time of the first event counted.", true },
	[F_LAST] = { "bouncestat_period_last_event_timestamp_seconds",
	    "bouncestat_period_last_event_timestamp_seconds", false,
	    "Time of the last event counted.", true },
	[F_RUN] = { "bouncestat_last_run_timestamp_seconds",
	    "bouncestat_last_run_timestamp_seconds", false,
	    "When this report was made, in seconds since the Unix epoch.",
	    true },
};

/* One series: its family and label text ("{...}", or "" for none). */
struct series {
	char *labels;
	size_t len;
	enum fam fam;
	uint64_t last;		/* written in the report before */
	uint64_t cur;		/* this report's sum of samples */
	bool fresh;		/* first met in this report */
	bool touched;		/* sampled in this report */
};

/*
 * Every series written, in the order first met, with an open-addressing
 * index (slot: series index + 1, 0 free; at most half full).
 */
struct bs_prom_state {
	struct series *v;
	size_t n, cap;
	size_t *slot;
	size_t nslot;
	size_t labelled[BS_BY_COUNT];	/* keys with a label, per --by */
};

struct bs_prom_state *
bs_prom_state_new(void)
{
	return calloc(1, sizeof(struct bs_prom_state));
}

void
bs_prom_state_free(struct bs_prom_state *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++)
		free(st->v[i].labels);
	free(st->v);
	free(st->slot);
	free(st);
}

static size_t
home(enum fam fam, const char *s, size_t len, size_t nslot)
{
	return (size_t)((bs_hash_bytes(s, len) ^ (uint64_t)fam * 0x9e37u) &
	    (nslot - 1));
}

/* The index of the series, or -1. */
static long
lookup(const struct bs_prom_state *st, enum fam fam, const char *s,
    size_t len)
{
	size_t h;

	if (st->nslot == 0)
		return -1;
	for (h = home(fam, s, len, st->nslot); st->slot[h] != 0;
	    h = (h + 1) & (st->nslot - 1)) {
		const struct series *e = &st->v[st->slot[h] - 1];

		if (e->fam == fam && e->len == len &&
		    memcmp(e->labels, s, len) == 0)
			return (long)(st->slot[h] - 1);
	}
	return -1;
}

static int
grow_index(struct bs_prom_state *st)
{
	size_t nslot = st->nslot ? st->nslot * 2 : 64, i, h;
	size_t *slot = calloc(nslot, sizeof(*slot));

	if (slot == NULL)
		return -1;
	for (i = 0; i < st->n; i++) {
		const struct series *e = &st->v[i];

		for (h = home(e->fam, e->labels, e->len, nslot); slot[h] != 0;
		    h = (h + 1) & (nslot - 1))
			;
		slot[h] = i + 1;
	}
	free(st->slot);
	st->slot = slot;
	st->nslot = nslot;
	return 0;
}

/* The series (fam, s), added (fresh) if new; NULL when out of memory. */
static struct series *
series_get(struct bs_prom_state *st, enum fam fam, const char *s, size_t len)
{
	long i = lookup(st, fam, s, len);
	struct series *e;
	size_t h;

	if (i >= 0)
		return &st->v[i];
	if ((st->n + 1) * 2 > st->nslot && grow_index(st) != 0)
		return NULL;
	if (st->n == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 32;
		struct series *nv = realloc(st->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return NULL;
		st->v = nv;
		st->cap = ncap;
	}
	e = &st->v[st->n];
	*e = (struct series){ .fam = fam, .len = len, .fresh = true };
	e->labels = malloc(len + 1);
	if (e->labels == NULL)
		return NULL;
	memcpy(e->labels, s, len);
	e->labels[len] = '\0';
	for (h = home(fam, s, len, st->nslot); st->slot[h] != 0;
	    h = (h + 1) & (st->nslot - 1))
		;
	st->slot[h] = ++st->n;
	return e;
}

/*
 * One report being written.  Labels are built in lab (a memory stream
 * reused for every sample) and end in a sample of the current family.
 */
struct em {
	FILE *out;
	struct bs_prom_state *st;
	bool follow;
	FILE *lab;
	char *lbuf;
	size_t lsize;
	bool nlabels;		/* a label is in lab already */
	bool failed;		/* out of memory */
};

static void
lab_begin(struct em *em)
{
	rewind(em->lab);
	em->nlabels = false;
}

/* name="value", the value made safe. */
static void
lab(struct em *em, const char *name, const char *value, size_t len)
{
	fprintf(em->lab, "%s%s=", em->nlabels ? "," : "{", name);
	bs_safe_prom_label(em->lab, value, len);
	em->nlabels = true;
}

/* The same from a C string; NULL is the empty value. */
static void
lab_str(struct em *em, const char *name, const char *value)
{
	if (value == NULL)
		value = "";
	lab(em, name, value, strlen(value));
}

/* The labels built so far, and their length; NULL on failure. */
static const char *
lab_text(struct em *em, size_t *len)
{
	off_t end;

	if (em->nlabels)
		putc('}', em->lab);
	end = ftello(em->lab);
	if (fflush(em->lab) != 0 || end < 0) {
		em->failed = true;
		return NULL;
	}
	*len = (size_t)end;
	return em->lbuf;
}

/* Whether the labels built so far are a series of fam already. */
static bool
lab_known(struct em *em, enum fam fam)
{
	size_t len;
	const char *s = lab_text(em, &len);

	return s != NULL && lookup(em->st, fam, s, len) >= 0;
}

/* Add v to the series of fam with the labels built (lab_begin first). */
static void
sample(struct em *em, enum fam fam, uint64_t v)
{
	size_t len;
	const char *s = lab_text(em, &len);
	struct series *e;

	if (s == NULL)
		return;
	e = series_get(em->st, fam, s, len);
	if (e == NULL) {
		em->failed = true;
		return;
	}
	e->cur = e->touched ? e->cur + v : v;
	e->touched = true;
}

/* A sample without labels. */
static void
sample0(struct em *em, enum fam fam, uint64_t v)
{
	lab_begin(em);
	sample(em, fam, v);
}

/*
 * Write fam whole: its description, then every series of it in the
 * order first met, with the value the rules at the top give.
 */
static void
flush(struct em *em, enum fam fam)
{
	const char *name = em->follow ? fams[fam].follow : fams[fam].batch;
	bool counter = em->follow && fams[fam].counter;
	const char *help = fams[fam].help;
	bool count = help[strlen(help) - 1] == ',';
	size_t i;

	fprintf(em->out, "# HELP %s %s%s\n# TYPE %s %s\n", name, help,
	    !count ? "" : em->follow ? " since following started." :
	    " in the window this run read.", name,
	    counter ? "counter" : "gauge");
	for (i = 0; i < em->st->n; i++) {
		struct series *e = &em->st->v[i];
		uint64_t v;

		if (e->fam != fam)
			continue;
		if (!em->follow)
			v = e->cur;
		else if (!counter)
			v = e->touched ? e->cur : e->last;
		else if (e->fresh)
			v = 0;
		else
			v = e->touched && e->cur > e->last ? e->cur : e->last;
		if (fams[fam].time)
			fprintf(em->out, "%s%s %" PRId64 "\n", name, e->labels,
			    (int64_t)v);
		else
			fprintf(em->out, "%s%s %" PRIu64 "\n", name,
			    e->labels, v);
		e->last = v;
		e->fresh = false;
		e->touched = false;
	}
}

static void
row_labels(struct em *em, const struct bs_row *r)
{
	lab_begin(em);
	lab_str(em, "kind", bs_kind_name(r->kind));
	lab_str(em, "basic", r->codes.basic);
	lab_str(em, "enhanced", r->codes.enhanced);
	/* Rows differ by it too: without it two series could be one. */
	lab_str(em, "connection", bs_conn_name(r->connfail));
}

static void
write_rows(struct em *em, const struct bs_agg *a)
{
	size_t i, n = bs_agg_nrows(a);

	for (i = 0; i < n; i++) {
		row_labels(em, bs_agg_row(a, i));
		sample(em, F_EVENTS, bs_agg_row(a, i)->count);
	}
	flush(em, F_EVENTS);
	for (i = 0; i < n; i++) {
		row_labels(em, bs_agg_row(a, i));
		sample(em, F_MESSAGES, bs_agg_row(a, i)->messages);
	}
	flush(em, F_MESSAGES);
}

/* Every type, zeros included, so that no series comes and goes. */
static void
write_notifications(struct em *em, const struct bs_agg *a)
{
	static const char *const types[BS_NOTIFY_TYPES] = { "non_delivery",
		"delay", "success" };
	struct bs_notifications r;
	int k;

	bs_agg_notifications(a, &r);
	for (k = 0; k < BS_NOTIFY_TYPES; k++) {
		lab_begin(em);
		lab_str(em, "type", types[k]);
		sample(em, F_NOTIFY_SENT, r.by_type[k]);
	}
	flush(em, F_NOTIFY_SENT);
	sample0(em, F_NOTIFY_FAILED, r.failed_themselves);
	flush(em, F_NOTIFY_FAILED);
}

/* Every severity, zeros included, so that no series comes and goes. */
static void
write_health(struct em *em, const struct bs_agg *a)
{
	const struct bs_health_report *h = bs_agg_health_results(a);
	int k;

	for (k = 0; k < BS_SEV_COUNT; k++) {
		lab_begin(em);
		lab_str(em, "severity", bs_severity_name((enum bs_severity)k));
		sample(em, F_HEALTH, h->severity[k]);
	}
	flush(em, F_HEALTH);
}

static void
write_totals(struct em *em, const struct bs_agg *a)
{
	const struct bs_totals *t = bs_agg_totals(a);
	size_t i, n = bs_agg_ninputs(a);
	uint64_t failed = 0, untimed = 0, outside = 0;
	int k;

	/* Every kind, zeros included, so that no series comes and goes. */
	for (k = 0; k < BS_KIND_COUNT; k++) {
		lab_begin(em);
		lab_str(em, "kind", bs_kind_name((enum bs_kind)k));
		sample(em, F_KIND, t->kind[k]);
	}
	flush(em, F_KIND);
	sample0(em, F_LINES, t->lines);
	flush(em, F_LINES);
	sample0(em, F_HOPS, t->content_filter_hops);
	flush(em, F_HOPS);
	write_notifications(em, a);
	write_health(em, a);
	for (i = 0; i < n; i++) {
		const struct bs_input_stats *s = bs_agg_input(a, i);

		if (s->error[0] != '\0')
			failed++;
		untimed += s->untimed;
		outside += s->outside;
	}
	sample0(em, F_INPUT_ERRORS, failed);
	flush(em, F_INPUT_ERRORS);
	/*
	 * Zeros without a window too, so that an alert on unreadable times
	 * needs no "absent()" clause.
	 */
	lab_begin(em);
	lab_str(em, "reason", "outside");
	sample(em, F_EXCLUDED, outside);
	lab_begin(em);
	lab_str(em, "reason", "untimed");
	sample(em, F_EXCLUDED, untimed);
	flush(em, F_EXCLUDED);
}

/*
 * Reasons, from the reason breakdown that main.c asks for whenever the
 * output is Prometheus.  Every event has a reason, and there are far
 * fewer of them than BS_BY_KEYS, so every row is a key: all are written,
 * whatever --top says.  A (reason, kind) pair is written once it has
 * events, the hard count once the reason has failures.  The hard
 * verdicts are not kept per kind, hence their own family.
 */
static void
write_reasons(struct em *em, const struct bs_agg *a)
{
	const struct bs_breakdown *b = NULL;
	size_t i, j;
	int k;

	for (i = 0; i < bs_agg_nby(a); i++)
		if (bs_breakdown_by(bs_agg_by(a, i)) == BS_BY_REASON)
			b = bs_agg_by(a, i);
	if (b == NULL)
		return;
	for (j = 0; j < bs_breakdown_nrows(b); j++) {
		const struct bs_by_row *r = bs_breakdown_row(b, j);

		for (k = 0; k < BS_KIND_COUNT; k++) {
			if (r->type != BS_BY_ROW_KEY || r->kind[k] == 0)
				continue;
			lab_begin(em);
			lab(em, "reason", r->key, r->keylen);
			lab_str(em, "kind", bs_kind_name((enum bs_kind)k));
			sample(em, F_REASON, r->kind[k]);
		}
	}
	flush(em, F_REASON);
	for (j = 0; j < bs_breakdown_nrows(b); j++) {
		const struct bs_by_row *r = bs_breakdown_row(b, j);

		if (r->type != BS_BY_ROW_KEY || r->failures == 0)
			continue;
		lab_begin(em);
		lab(em, "reason", r->key, r->keylen);
		sample(em, F_REASON_HARD, r->hard);
	}
	flush(em, F_REASON_HARD);
}

static void
by_labels(struct em *em, const char *by, const char *key, size_t keylen,
    int kind)
{
	lab_begin(em);
	lab_str(em, "by", by);
	lab(em, "key", key, keylen);
	lab_str(em, "kind", bs_kind_name((enum bs_kind)kind));
}

/*
 * Breakdowns but the reasons (their own family above): the keys with a
 * label, at most --top of them per breakdown (see the top of the file
 * for which), and the rest summed under "other", so that a server never
 * sees an unbounded set of series.
 */
static void
write_by(struct em *em, const struct bs_agg *a, size_t top)
{
	size_t i, j;
	bool any = false;
	int k;

	for (i = 0; i < bs_agg_nby(a); i++) {
		const struct bs_breakdown *b = bs_agg_by(a, i);
		enum bs_by byk = bs_breakdown_by(b);
		const char *by = bs_by_name(byk);
		uint64_t other[BS_KIND_COUNT] = { 0 }, none[BS_KIND_COUNT] =
		    { 0 };
		bool has_none = false;

		if (byk == BS_BY_REASON)
			continue;
		any = true;
		for (j = 0; j < bs_breakdown_nrows(b); j++) {
			const struct bs_by_row *r = bs_breakdown_row(b, j);
			bool own = false;

			if (r->type == BS_BY_ROW_KEY) {
				by_labels(em, by, r->key, r->keylen, 0);
				own = lab_known(em, F_BY);
				if (!own && em->st->labelled[byk] < top) {
					em->st->labelled[byk]++;
					own = true;
				}
			}
			for (k = 0; k < BS_KIND_COUNT; k++) {
				if (r->type == BS_BY_ROW_NULL)
					none[k] += r->kind[k];
				else if (!own)
					other[k] += r->kind[k];
				else {
					by_labels(em, by, r->key, r->keylen,
					    k);
					sample(em, F_BY, r->kind[k]);
				}
			}
			if (r->type == BS_BY_ROW_NULL)
				has_none = true;
		}
		for (k = 0; k < BS_KIND_COUNT; k++) {
			if (has_none) {
				by_labels(em, by, "(none)", 6, k);
				sample(em, F_BY, none[k]);
			}
			by_labels(em, by, "other", 5, k);
			sample(em, F_BY, other[k]);
		}
	}
	if (any)
		flush(em, F_BY);
}

/* The period the counts cover, as the times of its first and last event. */
static void
write_period(struct em *em, const struct bs_agg *a)
{
	time_t first, last;

	if (!bs_agg_period(a, &first, &last))
		return;
	sample0(em, F_FIRST, (uint64_t)first);
	flush(em, F_FIRST);
	sample0(em, F_LAST, (uint64_t)last);
	flush(em, F_LAST);
}

int
bs_report_prom(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o)
{
	struct em em = { .out = out, .st = o != NULL ? o->prom : NULL };
	struct bs_prom_state *own = NULL;
	int rc = 0;

	em.follow = em.st != NULL;
	if (em.st == NULL)
		em.st = own = bs_prom_state_new();
	if (em.st != NULL)
		em.lab = open_memstream(&em.lbuf, &em.lsize);
	if (em.st == NULL || em.lab == NULL) {
		errno = ENOMEM;
		rc = -1;
		goto out;
	}
	write_rows(&em, a);
	write_totals(&em, a);
	write_reasons(&em, a);
	write_by(&em, a, o != NULL && o->top ? o->top : 10);
	write_period(&em, a);
	if (o != NULL && o->now != 0) {
		sample0(&em, F_RUN, (uint64_t)o->now);
		flush(&em, F_RUN);
	}
	if (em.failed) {
		errno = ENOMEM;
		rc = -1;
	} else if (ferror(out))
		rc = -1;
out:
	if (em.lab != NULL)
		fclose(em.lab);
	free(em.lbuf);
	bs_prom_state_free(own);
	return rc;
}
