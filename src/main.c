/*
 * main.c - bouncestat: parse the options, connect the stages, print what
 * went wrong, and decide the exit status.  Nothing else.
 *
 * Exit status: 0 every input read; 1 an input failed (the rest is still
 * counted and reported); 2 usage or configuration error, before any input
 * is read; 3 a --fail-on condition holds (it wins over 1: a condition
 * that holds on partial counts holds on the whole).
 */
#include <errno.h>
#include <inttypes.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "bslimits.h"
#include "catalog.h"
#include "extract.h"
#include "follow.h"
#include "format.h"
#include "source.h"
#include "jobs.h"
#include "join.h"
#include "live.h"
#include "options.h"
#include "outfile.h"
#include "patterns.h"
#include "reasons.h"
#include "report.h"
#include "run.h"
#include "safe.h"

#define EXIT_INPUT	1
#define EXIT_USAGE	2
#define EXIT_CROSSED	3

/* Set by the signal handlers of follow mode; read by bs_run_follow. */
static volatile sig_atomic_t report_now, stop_now;

static void
print_diag(const struct bs_diag *d)
{
	char buf[BS_DIAG_MSG_MAX + 300];

	bs_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "bouncestat: %s\n", buf);
}

/* The progress display, drawn on stderr only when it is a terminal. */
struct progress {
	bool on;
	bool drawn;
	struct timespec start;
};

static void
clear_progress(struct progress *pg)
{
	if (pg->drawn) {
		fputs("\r\033[K", stderr);
		pg->drawn = false;
	}
}

static void
on_warn(void *ctx, const struct bs_diag *d)
{
	clear_progress(ctx);
	print_diag(d);
}

static void
on_progress(void *ctx, unsigned long long done, unsigned long long total,
    const char *path)
{
	struct progress *pg = ctx;
	struct timespec now;
	double secs, rate;
	char name[64];

	if (!pg->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - pg->start.tv_sec) +
	    (double)(now.tv_nsec - pg->start.tv_nsec) / 1e9;
	rate = secs > 0 ? (double)done / secs / 1e6 : 0;
	bs_safe_term(name, sizeof(name), path, strlen(path));
	if (total > 0)
		fprintf(stderr, "\r\033[Kbouncestat: %.0f%% %llu of %llu MB, "
		    "%.0f MB/s, %s", 100.0 * (double)done / (double)total,
		    done / 1000000, total / 1000000, rate, name);
	else
		fprintf(stderr, "\r\033[Kbouncestat: %llu MB, %.0f MB/s, %s",
		    done / 1000000, rate, name);
	pg->drawn = true;
}

static int
usage_error(const struct bs_diag *d)
{
	print_diag(d);
	fputs("Try 'bouncestat --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* One argument of --explain: codes ("550", "554 5.7.1") or a reply. */
struct explained {
	bool reply;
	size_t first, n;	/* codes[first..first + n) */
};

/*
 * The codes of arg if every word of it is one (into codes[*n..], at most
 * max in all); false otherwise, with d set for a single word.
 */
static bool
codes_of(const char *arg, struct bs_codes *codes, size_t max, size_t *n,
    struct bs_diag *d)
{
	const char *p = arg;
	size_t n0 = *n, words = 0;

	while (*p != '\0') {
		char word[32];
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " \t");
		words++;
		if (len >= sizeof(word) || *n >= max) {
			*n = n0;
			return false;
		}
		memcpy(word, p, len);
		word[len] = '\0';
		p += len;
		if (bs_catalog_parse_code(word, &codes[*n], d) != BS_OK) {
			*n = n0;
			return false;
		}
		(*n)++;
	}
	if (words == 0)
		(void)bs_catalog_parse_code("", &codes[*n], d);
	return words > 0;
}

/* The rules' verdict on reply text for one kind of event. */
static void
classify_reply(const struct bs_reasons *r, const struct bs_codes *codes,
    const char *text, enum bs_kind kind, struct bs_verdict *v)
{
	struct bs_event ev;

	bs_event_init(&ev);
	ev.kind = kind;
	ev.codes = *codes;
	ev.reply = text;
	ev.reply_len = strlen(text);
	bs_reasons_classify(r, &ev, v);
}

/*
 * --explain: each argument is a code, codes ("554 5.7.1"), or a reply
 * text (several words, not all codes), which the reason rules read.  A
 * single word that is no code is an error, as before anything is written.
 */
static int
explain(const struct bs_options *o)
{
	struct bs_codes *codes = NULL;
	struct explained *items = NULL;
	struct bs_patterns *pats = NULL;
	struct bs_extract *x = NULL;
	const struct bs_reasons *rules = NULL;
	struct bs_diag d;
	size_t i, max = 0, n = 0;
	bool replies = false, failed = false;
	int rc = EXIT_USAGE;

	for (i = 0; i < o->nargs; i++)
		max += strlen(o->args[i]) / 2 + 1;
	codes = calloc(max + 1, sizeof(*codes));
	items = calloc(o->nargs + 1, sizeof(*items));
	if (codes == NULL || items == NULL) {
		fputs("bouncestat: out of memory\n", stderr);
		goto out;
	}
	bs_diag_clear(&d);
	for (i = 0; i < o->nargs; i++) {
		const char *a = o->args[i];

		items[i].first = n;
		if (codes_of(a, codes, max, &n, &d)) {
			items[i].n = n - items[i].first;
			continue;
		}
		if (strpbrk(a, " \t") == NULL || a[strspn(a, " \t")] == '\0') {
			print_diag(&d);
			goto out;
		}
		items[i].reply = replies = true;
	}
	if (replies) {
		bs_diag_clear(&d);
		if (bs_patterns_load(o->patterns_dir, &pats, &d) != BS_OK ||
		    bs_extract_new(pats, &x, &d) != BS_OK ||
		    (rules = bs_reasons_of(pats, &d)) == NULL) {
			print_diag(&d);
			goto out;
		}
	}
	rc = EXIT_SUCCESS;
	for (i = 0; i < o->nargs && !failed; i++) {
		if (i > 0)
			putc('\n', stdout);
		if (items[i].reply) {
			struct bs_explained_reply er;

			memset(&er, 0, sizeof(er));
			er.text = o->args[i];
			er.len = strlen(er.text);
			if (bs_extract_reply(x, er.text, er.len, &er.codes) < 0)
				memset(&er.codes, 0, sizeof(er.codes));
			er.sent_kind = er.codes.basic[0] == '4' ||
			    (er.codes.basic[0] == '\0' &&
			    er.codes.enhanced[0] == '4') ? BS_DEFERRED :
			    BS_BOUNCED;
			classify_reply(rules, &er.codes, er.text, er.sent_kind,
			    &er.sent);
			classify_reply(rules, &er.codes, er.text, BS_REJECTED,
			    &er.here);
			failed = bs_report_explain_reply(stdout, &er) != 0;
			if (!failed && (er.codes.basic[0] != '\0' ||
			    er.codes.enhanced[0] != '\0')) {
				putc('\n', stdout);
				failed = bs_report_explain(stdout, &er.codes,
				    1) != 0;
			}
		} else {
			failed = bs_report_explain(stdout,
			    codes + items[i].first, items[i].n) != 0;
		}
	}
	if (failed || fflush(stdout) != 0) {
		fprintf(stderr, "bouncestat: cannot write: %s\n",
		    strerror(errno));
		rc = EXIT_INPUT;
	}
out:
	bs_extract_free(x);
	bs_patterns_free(pats);
	free(codes);
	free(items);
	return rc;
}

/*
 * The current time, or SOURCE_DATE_EPOCH when it is set (the convention
 * of reproducible builds): tests use it to pin "now" for relative --since
 * times and the Prometheus timestamp.
 */
static time_t
now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (s != NULL && *s != '\0') {
		v = strtoll(s, &end, 10);
		if (*end == '\0' && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}

struct writer {
	const struct bs_options *o;
	const struct bs_agg *agg;
	struct bs_prom_state *prom;	/* follow mode's, or NULL */
};

static int
write_report(void *ctx, FILE *out)
{
	const struct writer *w = ctx;
	struct bs_report_opts ro = {
		.detail = w->o->detail,
		.width = 80,
		.now = now(),
		.top = w->o->top,
		.all = w->o->all,
		.window = bs_window_active(&w->o->window) ?
		    &w->o->window : NULL,
		.prom = w->prom,
	};

	switch (w->o->output) {
	case BS_OUT_EVENTS:
		return 0;	/* written as they were read */
	case BS_OUT_JSON:
		return bs_report_json(out, w->agg, &ro);
	case BS_OUT_CSV:
		return bs_report_csv(out, w->agg, &ro);
	case BS_OUT_PROM:
		return bs_report_prom(out, w->agg, &ro);
	case BS_OUT_HTML:
		return bs_report_html(out, w->agg, &ro);
	case BS_OUT_TEXT:
		break;
	}
	return bs_report_text(out, w->agg, &ro);
}

/*
 * Write the finished report to stdout or, with -o, to the file as
 * outfile.h says.  Returns 0 or EXIT_INPUT.
 */
static int
emit_report(const struct bs_options *o, const struct bs_agg *agg,
    struct bs_prom_state *prom)
{
	struct writer w = { o, agg, prom };
	struct bs_diag d;

	if (o->output_path != NULL) {
		bs_diag_clear(&d);
		if (bs_outfile_write(o->output_path, write_report, &w,
		    &d) != BS_OK) {
			print_diag(&d);
			return EXIT_INPUT;
		}
		return 0;
	}
	if (write_report(&w, stdout) != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "bouncestat: cannot write the report: %s\n",
		    strerror(errno));
		return EXIT_INPUT;
	}
	return 0;
}

/* Print every --fail-on condition that holds; true if any does. */
static bool
check_thresholds(const struct bs_options *o, const struct bs_agg *agg)
{
	char msg[256];
	bool crossed = false;
	size_t i;

	for (i = 0; i < o->nfail_on; i++) {
		if (bs_threshold_crossed(&o->fail_on[i], agg, msg,
		    sizeof(msg))) {
			fprintf(stderr, "bouncestat: %s\n", msg);
			crossed = true;
		}
	}
	return crossed;
}

/*
 * Load the patterns and open every format that may be used once, so that
 * a bad pattern file stops the run before any input is read.
 */
static bs_status
load_patterns(const struct bs_options *o, const struct bs_format *fmt,
    struct bs_patterns **out, struct bs_diag *d)
{
	bs_status st;
	size_t i;

	st = bs_patterns_load(o->patterns_dir, out, d);
	if (st != BS_OK)
		return st;
	for (i = 0; bs_formats[i] != NULL; i++) {
		void *state;

		if (fmt != NULL && bs_formats[i] != fmt)
			continue;
		st = bs_formats[i]->open(*out, &state, d);
		if (st != BS_OK) {
			bs_patterns_free(*out);
			*out = NULL;
			return st;
		}
		bs_formats[i]->close(state);
	}
	/* The reason rules too (reasons.pat), compiled once and kept. */
	if (bs_reasons_of(*out, d) == NULL) {
		bs_patterns_free(*out);
		*out = NULL;
		return BS_ERR_CONFIG;
	}
	return BS_OK;
}

static unsigned
default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > BS_JOBS_AUTO_MAX ? BS_JOBS_AUTO_MAX :
	    (unsigned)n;
}

struct follow_ctx {
	const struct bs_options *o;
	/* What the Prometheus reports wrote so far (counters). */
	struct bs_prom_state *prom;
	int rc;
	struct bs_live *live;	/* the live view, or NULL: reports */
	bool color;
	time_t last;		/* the wall clock of the last refresh */
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The live view replaces the periodic text report where a person watches
 * it: standard output a terminal that can move its cursor (not TERM=dumb)
 * and no -o.  Anywhere else the reports are written as they always were.
 */
static bool
live_view_wanted(const struct bs_options *o)
{
	const char *term = getenv("TERM");

	return o->output == BS_OUT_TEXT && o->output_path == NULL &&
	    isatty(STDOUT_FILENO) && (term == NULL || strcmp(term, "dumb") != 0);
}

/* NO_COLOR (no-color.org): set and not empty, no colour. */
static bool
color_wanted(void)
{
	const char *nc = getenv("NO_COLOR");

	return nc == NULL || *nc == '\0';
}

/* Count the interval into the view and draw it over the last one. */
static void
live_refresh(struct follow_ctx *fc, const struct bs_agg *agg)
{
	struct bs_live_draw d = { .color = fc->color, .last = fc->last,
	    .first = fc->last == 0, .interval_s = fc->o->interval };
	struct winsize ws;

	if (bs_live_update_agg(fc->live, agg, mono_ms()) != BS_OK) {
		fputs("bouncestat: out of memory\n", stderr);
		fc->rc = EXIT_INPUT;
	}
	/* Asked at each refresh: the window may have been resized. */
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
		d.width = ws.ws_col;
		d.height = ws.ws_row;
	}
	d.now = time(NULL);
	if (bs_report_live(stdout, bs_live_view(fc->live), &d) != 0 ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "bouncestat: cannot write the view: %s\n",
		    strerror(errno));
		fc->rc = EXIT_INPUT;
	}
	fc->last = d.now;
}

static void
on_follow_report(void *ctx, struct bs_agg *agg)
{
	struct follow_ctx *fc = ctx;
	int rc;

	if (fc->live != NULL) {
		live_refresh(fc, agg);
		if (check_thresholds(fc->o, agg))
			fc->rc = EXIT_CROSSED;
		return;
	}
	rc = emit_report(fc->o, agg, fc->prom);

	if (rc != 0)
		fc->rc = rc;
	if (check_thresholds(fc->o, agg))
		fc->rc = EXIT_CROSSED;
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		report_now = 1;
	else
		stop_now = 1;
}

/* --format events: what was read reaches the pipe before each wait. */
static void
flush_stdout(void *ctx)
{
	(void)ctx;
	fflush(stdout);
}

static int
follow(const struct bs_options *o, const struct bs_run_config *cfg,
    struct bs_agg *agg)
{
	struct follow_ctx fc = { o, NULL, 0, NULL, color_wanted(), 0 };
	struct sigaction sa;
	sigset_t mask;
	struct bs_follow_signals sig = { .report_now = &report_now,
	    .stop = &stop_now, .mask = &mask };
	bs_status st;

	if (o->output == BS_OUT_EVENTS)
		sig.idle = flush_stdout;
	if (live_view_wanted(o)) {
		fc.live = bs_live_new(o->interval, o->live_window, mono_ms());
		if (fc.live == NULL) {
			fputs("bouncestat: out of memory\n", stderr);
			return EXIT_INPUT;
		}
		/* The view shows at once, not after the first interval. */
		report_now = 1;
	}

	/*
	 * The handlers only set flags; bs_run_follow keeps these signals
	 * blocked while it works and lets them in while it waits, so none
	 * is noticed late.
	 *
	 * SIGHUP ends the run as SIGTERM does, with a last report.  A daemon
	 * would reopen its log or configuration, but a follower has none to
	 * reopen (it notices rotation by itself, by name), so the meaning
	 * left is the terminal's: the session is over.  Unhandled, SIGHUP
	 * killed the process without that report.  Started with SIGHUP
	 * ignored (nohup), it stays ignored: that is what nohup asked for.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigaction(SIGHUP, NULL, &sa) != 0 || sa.sa_handler != SIG_IGN)
		sigaddset(&mask, SIGHUP);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_mask = mask;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (sigismember(&mask, SIGHUP) == 1)
		sigaction(SIGHUP, &sa, NULL);
	if (o->output == BS_OUT_PROM) {
		fc.prom = bs_prom_state_new();
		if (fc.prom == NULL) {
			fputs("bouncestat: out of memory\n", stderr);
			return EXIT_INPUT;
		}
	}
	st = bs_run_follow(cfg, o->args, o->nargs, o->from_start, o->interval,
	    agg, &sig, on_follow_report, &fc);
	bs_prom_state_free(fc.prom);
	bs_live_free(fc.live);
	if (st == BS_ERR_NOMEM) {
		fputs("bouncestat: out of memory\n", stderr);
		return EXIT_INPUT;
	}
	if (st != BS_OK)
		return EXIT_INPUT;
	/* Stopped by SIGINT, SIGTERM or SIGHUP after the last report. */
	return fc.rc == EXIT_CROSSED ? EXIT_CROSSED : fc.rc;
}

/*
 * The breakdowns the report counts: --by's, or, for the text report
 * without --by, the reasons, recipient domains, remote hosts and hours
 * it ends with (without their distinct messages, which would cost the
 * default report more than all the rest of it); Prometheus adds the
 * reasons when --by has not (report_prom.c), and the HTML report without
 * --by counts the senders too.  The events format counts none.
 */
static size_t
breakdowns(const struct bs_options *o, enum bs_by *keys)
{
	size_t i;

	if (o->output == BS_OUT_EVENTS)
		return 0;
	if (o->nby == 0 && o->output == BS_OUT_TEXT) {
		keys[0] = BS_BY_REASON;
		keys[1] = BS_BY_DOMAIN;
		keys[2] = BS_BY_REMOTE;
		keys[3] = BS_BY_HOUR;
		return 4;
	}
	if (o->nby == 0 && o->output == BS_OUT_HTML) {
		keys[0] = BS_BY_HOUR;
		keys[1] = BS_BY_REASON;
		keys[2] = BS_BY_DOMAIN;
		keys[3] = BS_BY_REMOTE;
		keys[4] = BS_BY_SENDER;
		return 5;
	}
	for (i = 0; i < o->nby; i++)
		keys[i] = o->by[i];
	/* Prometheus always has the reasons (report_prom.c). */
	if (o->output == BS_OUT_PROM) {
		for (i = 0; i < o->nby; i++)
			if (keys[i] == BS_BY_REASON)
				return o->nby;
		keys[i++] = BS_BY_REASON;
	}
	return i;
}

/* Whether the run needs each message's sender from its arrival line. */
static bool
needs_join(const struct bs_options *o)
{
	size_t i;

	if (o->output == BS_OUT_EVENTS)
		return true;
	if (o->output == BS_OUT_HTML && o->nby == 0)
		return true;	/* its default senders */
	for (i = 0; i < o->nby; i++)
		if (o->by[i] == BS_BY_SENDER || o->by[i] == BS_BY_SENDER_DOMAIN)
			return true;
	return false;
}

/* Reading the inputs of a batch run. */
struct reading {
	const struct bs_options *o;
	struct bs_run_config *cfg;
	char *const *files;
	size_t nfiles;
	struct bs_agg *agg;
	struct progress *pg;
	bs_status st;
};

static void
read_inputs(struct reading *r)
{
	unsigned jobs = r->o->jobs ? r->o->jobs : default_jobs();

	r->pg->on = !r->o->quiet && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &r->pg->start);
	r->st = bs_run_inputs(r->cfg, r->files, r->nfiles, jobs, r->agg,
	    on_progress, r->pg);
	clear_progress(r->pg);
}

/* --format events: the events go to out as they are read. */
static int
read_as_events(void *ctx, FILE *out)
{
	struct reading *r = ctx;
	struct bs_events_writer w;

	/*
	 * Large writes: a stream of events is a third of the log's size,
	 * and stdio's block-sized ones cost more than the formatting.  A
	 * terminal keeps its lines as they come.
	 */
	if (!isatty(fileno(out)))
		(void)setvbuf(out, NULL, _IOFBF, BS_EVENTS_BUFFER);
	bs_events_writer_init(&w, out);
	r->cfg->sink = bs_report_event;
	r->cfg->sink_ctx = &w;
	r->cfg->piece_sink = &bs_events_piece_sink;
	read_inputs(r);
	r->cfg->sink = NULL;
	r->cfg->piece_sink = NULL;
	bs_events_writer_fini(&w);
	return w.failed || fflush(out) != 0 ? -1 : 0;
}

static int
run(const struct bs_options *o)
{
	static char stdin_name[] = "-";
	char *stdin_only[] = { stdin_name };
	struct progress pg = { 0 };
	struct bs_run_config cfg = { .warn = on_warn, .warn_ctx = &pg };
	struct bs_patterns *pats = NULL;
	struct bs_agg *agg = NULL;
	struct bs_join *join = NULL;
	char *const *files = o->args;
	size_t nfiles = o->nargs;
	enum bs_by keys[BS_BY_COUNT];
	struct reading rd;
	struct bs_diag d;
	int rc = EXIT_SUCCESS, wr;
	bs_status st;

	bs_diag_clear(&d);
	if (nfiles == 0) {
		if (isatty(STDIN_FILENO)) {
			bs_diag_set(&d, BS_ERR_USAGE, "", 0, "no input: name "
			    "a log file, or pipe a log into standard input");
			return usage_error(&d);
		}
		files = stdin_only;
		nfiles = 1;
	}
	/* A report written over a log would destroy it: refuse first. */
	if (o->output_path != NULL && bs_outfile_check_inputs(o->output_path,
	    files, nfiles, &d) != BS_OK) {
		print_diag(&d);
		return EXIT_USAGE;
	}
	if (o->type != NULL)
		cfg.format = bs_format_find(o->type);
	if (bs_window_active(&o->window))
		cfg.window = &o->window;
	st = load_patterns(o, cfg.format, &pats, &d);
	if (st != BS_OK) {
		print_diag(&d);
		return EXIT_USAGE;
	}
	cfg.patterns = pats;
	agg = bs_agg_new(o->detail);
	if (needs_join(o))
		cfg.join = join = bs_join_new();
	/* The event stream is all that is written: no report sections. */
	if (agg != NULL && o->output == BS_OUT_EVENTS)
		bs_agg_rows_only(agg);
	if (agg == NULL || (needs_join(o) && join == NULL) ||
	    bs_agg_set_by(agg, keys, breakdowns(o, keys), o->nby > 0) !=
	    BS_OK) {
		fputs("bouncestat: out of memory\n", stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	/* Outcomes per domain when asked for (not the default report's). */
	for (size_t i = 0; i < o->nby; i++)
		if (o->by[i] == BS_BY_DOMAIN && o->output != BS_OUT_EVENTS)
			bs_agg_outcomes_by_domain(agg);
	if (o->action == BS_ACT_FOLLOW) {
		struct bs_events_writer w;

		/* Events go out as the followed files grow. */
		bs_events_writer_init(&w, stdout);
		if (o->output == BS_OUT_EVENTS) {
			cfg.sink = bs_report_event;
			cfg.sink_ctx = &w;
		}
		rc = follow(o, &cfg, agg);
		bs_events_writer_fini(&w);
		goto out;
	}
	rd = (struct reading){ .o = o, .cfg = &cfg, .files = files,
	    .nfiles = nfiles, .agg = agg, .pg = &pg };
	wr = 0;
	if (o->output != BS_OUT_EVENTS) {
		read_inputs(&rd);
	} else if (o->output_path != NULL) {
		if (bs_outfile_write(o->output_path, read_as_events, &rd,
		    &d) != BS_OK) {
			print_diag(&d);
			wr = EXIT_INPUT;
		}
	} else if (read_as_events(&rd, stdout) != 0) {
		fprintf(stderr, "bouncestat: cannot write the events: %s\n",
		    strerror(errno));
		wr = EXIT_INPUT;
	}
	st = rd.st;
	if (join != NULL) {
		uint64_t n = bs_join_evicted(join);

		bs_agg_set_join(agg, n);
		if (n > 0)
			fprintf(stderr, "bouncestat: the senders of %" PRIu64
			    " messages were forgotten while still queued (more "
			    "than %u messages or %u MiB of ids and senders at "
			    "once): their later events have no sender\n", n,
			    BS_JOIN_MESSAGES, BS_JOIN_BYTES >> 20);
	}
	/* Whatever went wrong, report what was counted. */
	if (bs_agg_finish(agg) != BS_OK)
		st = BS_ERR_NOMEM;
	if (st == BS_ERR_NOMEM)
		fputs("bouncestat: out of memory\n", stderr);
	if (st != BS_OK)
		rc = EXIT_INPUT;
	if (wr == 0)
		wr = emit_report(o, agg, NULL);
	if (wr != 0)
		rc = wr;
	if (check_thresholds(o, agg))
		rc = EXIT_CROSSED;
out:
	bs_agg_free(agg);
	bs_join_free(join);
	bs_patterns_free(pats);
	return rc;
}

int
main(int argc, char **argv)
{
	struct bs_options o;
	struct bs_diag d;

#ifdef M_MMAP_THRESHOLD
	/*
	 * Tables come and go with the pieces of a split file (jobs.c): a
	 * fixed threshold gives each freed one back at once, where glibc's
	 * own would rise to its size and keep the next ones on the heap.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, BS_MMAP_THRESHOLD);
#endif
	bs_diag_clear(&d);
	if (bs_options_parse(argc, argv, now(), &o, &d) != BS_OK)
		return usage_error(&d);
	switch (o.action) {
	case BS_ACT_HELP:
		bs_options_help(stdout);
		return EXIT_SUCCESS;
	case BS_ACT_VERSION:
		printf("bouncestat %s\ngzip: %s\nreads: %s\n", BS_VERSION,
		    bs_source_gzip_backend(), bs_source_decoders());
		return EXIT_SUCCESS;
	case BS_ACT_EXPLAIN:
		return explain(&o);
	case BS_ACT_REPORT:
	case BS_ACT_FOLLOW:
		break;
	}
	return run(&o);
}
