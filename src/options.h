/*
 * options.h - the command line, parsed once into a const struct.
 */
#ifndef BS_OPTIONS_H
#define BS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "breakdown.h"
#include "bslimits.h"
#include "diag.h"
#include "threshold.h"
#include "window.h"

enum bs_output {
	BS_OUT_TEXT,
	BS_OUT_JSON,
	BS_OUT_CSV,
	BS_OUT_PROM,
	BS_OUT_HTML,		/* one self-contained page (report_html.c) */
	BS_OUT_EVENTS		/* JSON Lines, one event a line, streamed */
};

enum bs_action {
	BS_ACT_REPORT,		/* read the inputs and report */
	BS_ACT_FOLLOW,		/* --follow: read on as the files grow */
	BS_ACT_EXPLAIN,		/* --explain: args are codes */
	BS_ACT_HELP,
	BS_ACT_VERSION
};

struct bs_options {
	enum bs_action action;
	const char *type;		/* NULL: recognise each input */
	enum bs_output output;
	const char *output_path;	/* -o: write the report here */
	const char *patterns_dir;	/* NULL: the built-in patterns */
	bool detail;
	enum bs_by by[BS_BY_COUNT];	/* --by, in order, each once */
	size_t nby;
	unsigned top;			/* --top: rows per breakdown shown */
	bool all;			/* --all: list delivered rows too */
	bool quiet;			/* no progress display */
	struct bs_window window;
	struct bs_threshold fail_on[BS_FAIL_ON_MAX];
	size_t nfail_on;
	bool from_start;		/* --follow: read what is there */
	unsigned interval;		/* --follow: seconds between reports */
	unsigned live_window;		/* --window: the live view's, seconds */
	unsigned jobs;			/* inputs read at once; 0 = cores */
	char **args;			/* files ("-" is stdin) or codes */
	size_t nargs;
};

/*
 * Parse argv into o (which points into argv).  now anchors relative times
 * (--since -24h).  BS_ERR_USAGE with d filled for a bad option.  Does not
 * look at the files.
 */
bs_status bs_options_parse(int argc, char **argv, time_t now,
    struct bs_options *o, struct bs_diag *d);

/* Write the --help text to out; --type's list comes from bs_formats[]. */
void bs_options_help(FILE *out);

#endif
