/*
 * options.c - the command line.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "format.h"
#include "options.h"

/*
 * --help, in two parts around --type's list of formats, which comes from
 * the format table (format.c) so that a new format shows up by itself.
 */
static const char help_head[] =
"Usage: bouncestat [OPTION]... [FILE]...\n"
"       bouncestat --follow [OPTION]... FILE...\n"
"       bouncestat --explain CODE|REPLY...\n"
"Count why mail bounces: per SMTP reply code and enhanced status code,\n"
"with what each code means and what to do about it.\n"
"\n"
"FILEs are mail logs of a type listed under --type, plain or\n"
"gzip-compressed (recognised by content).  '-' or no FILE reads standard\n"
"input.\n"
"\n"
"Input:\n"
"  -t, --type=NAME      read every input as NAME (default auto: recognise\n"
"                       each input by content); NAME is one of:\n";

static const char help_tail[] =
"      --patterns=DIR   load DIR/*.pat instead of the built-in patterns\n"
"      --since=TIME     count only events at or after TIME\n"
"      --until=TIME     count only events before TIME; TIME is an ISO date\n"
"                       or date and time, today, yesterday, now, or -24h,\n"
"                       -7d, -2w, -30m, -90s (relative to now)\n"
"  -j, --jobs=N         read N inputs at once (default: one per core)\n"
"\n"
"Output:\n"
"      --format=FMT     text (default), json, csv, prometheus, events\n"
"                       (one JSON object per event and line, as read), or\n"
"                       html (one self-contained page with charts)\n"
"      --by=KEY         break the counts down by KEY: domain, remote,\n"
"                       sender, sender-domain, client, reason, hour, day\n"
"                       (repeatable; text, json, csv, prometheus and html)\n"
"      --top=N          rows per breakdown in the text and html reports,\n"
"                       and labelled keys in prometheus (default 10)\n"
"      --all            list delivered mail's code rows in the text report\n"
"                       (default: one line of totals, failures first)\n"
"  -o, --output=FILE    write the report to FILE (replaced atomically)\n"
"  -d, --detail         show the most frequent reply texts of each code\n"
"      --fail-on=EXPR   exit with status 3 when EXPR holds, e.g. bounced>100,\n"
"                       deferred>5%, code:5.7.*>10, code:421>0 (repeatable)\n"
"  -q, --quiet          no progress display on a terminal\n"
"\n"
"Following a live log:\n"
"  -f, --follow         keep reading the FILEs as they grow, through log\n"
"                       rotation, and report every interval\n"
"      --from-start     with --follow, read what the files hold first\n"
"      --interval=SECS  with --follow, seconds between reports (default 60)\n"
"                       SIGUSR1 reports at once; SIGINT/SIGTERM/SIGHUP report\n"
"                       and exit (status 0)\n"
"      --window=TIME    with --follow on a terminal, the live view's sliding\n"
"                       window: 90s, 15m, 2h (default: the interval)\n"
"                       On a terminal, text is a live view redrawn in place\n"
"                       (NO_COLOR: no colours); to a file, pipe or -o, the\n"
"                       report is written every interval\n"
"\n"
"  -e, --explain        explain the CODEs (550, 5.1.1, '554 5.7.1') or REPLY\n"
"                       texts given as arguments, and exit\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Exit status: 0 every input was read; 1 an input could not be read\n"
"completely (what was read is still reported); 2 usage or configuration\n"
"error (nothing was read); 3 a --fail-on condition holds.\n";

/* Where --type's list of formats starts, under its description. */
#define HELP_COLUMN 25

void
bs_options_help(FILE *out)
{
	int width = 0;
	size_t i;

	for (i = 0; bs_formats[i] != NULL; i++)
		if ((int)strlen(bs_formats[i]->name) > width)
			width = (int)strlen(bs_formats[i]->name);
	fputs(help_head, out);
	for (i = 0; bs_formats[i] != NULL; i++)
		fprintf(out, "%*s%-*s  %s\n", HELP_COLUMN, "", width,
		    bs_formats[i]->name, bs_formats[i]->help);
	fputs(help_tail, out);
}

/* "postfix, exim, exchange or auto": what --type takes, from the table. */
static void
type_names(char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; bs_formats[i] != NULL && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s, ",
		    bs_formats[i]->name);
	if (len >= 2 && len < size)
		snprintf(buf + len - 2, size - (len - 2), " or auto");
}

enum {
	OPT_PATTERNS = 256,
	OPT_FORMAT,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_FAIL_ON,
	OPT_FROM_START,
	OPT_INTERVAL,
	OPT_BY,
	OPT_TOP,
	OPT_ALL,
	OPT_WINDOW
};

/*
 * --window: a number of seconds, or of minutes or hours with an m or h
 * after it ("90s", "15m", "2h"), in [1, BS_LIVE_WINDOW_MAX]; or false.
 */
static bool
parse_span(const char *s, unsigned *out)
{
	unsigned long long v;
	unsigned unit = 1;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoull(s, &end, 10);
	if (*end == 'm')
		unit = 60;
	else if (*end == 'h')
		unit = 3600;
	else if (*end != 's' && *end != '\0')
		return false;
	if (*end != '\0' && end[1] != '\0')
		return false;
	if (v == 0 || v > BS_LIVE_WINDOW_MAX / unit)
		return false;
	*out = (unsigned)v * unit;
	return true;
}

/* A whole number in [lo, hi], or false. */
static bool
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return false;
	*out = (unsigned)v;
	return true;
}

bs_status
bs_options_parse(int argc, char **argv, time_t now, struct bs_options *o,
    struct bs_diag *d)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "detail", no_argument, NULL, 'd' },
		{ "patterns", required_argument, NULL, OPT_PATTERNS },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "follow", no_argument, NULL, 'f' },
		{ "from-start", no_argument, NULL, OPT_FROM_START },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "by", required_argument, NULL, OPT_BY },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "explain", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	bool follow = false, explain = false, interval_set = false;
	const char *since = NULL, *until = NULL;
	int c;

	memset(o, 0, sizeof(*o));
	o->action = BS_ACT_REPORT;
	o->interval = 60;
	o->top = 10;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:o:dqj:fehV", longopts,
	    NULL)) != -1) {
		bs_status st;

		switch (c) {
		case 't':
			if (strcmp(optarg, "auto") == 0) {
				o->type = NULL;
				break;
			}
			if (bs_format_find(optarg) == NULL) {
				char names[200];

				type_names(names, sizeof(names));
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "unknown log type '%s' (expected %s)", optarg,
				    names);
			}
			o->type = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				o->output = BS_OUT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->output = BS_OUT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				o->output = BS_OUT_CSV;
			else if (strcmp(optarg, "prometheus") == 0)
				o->output = BS_OUT_PROM;
			else if (strcmp(optarg, "events") == 0)
				o->output = BS_OUT_EVENTS;
			else if (strcmp(optarg, "html") == 0)
				o->output = BS_OUT_HTML;
			else
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "unknown output format '%s' (expected "
				    "text, json, csv, prometheus, events or "
				    "html)",
				    optarg);
			break;
		case OPT_BY: {
			int by = bs_by_parse(optarg);
			size_t i;

			if (by < 0)
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "unknown --by key '%s' (expected domain, "
				    "remote, sender, sender-domain, client, "
				    "reason, hour or day)", optarg);
			for (i = 0; i < o->nby; i++)
				if (o->by[i] == (enum bs_by)by)
					break;
			if (i == o->nby)
				o->by[o->nby++] = (enum bs_by)by;
			break;
		}
		case OPT_TOP:
			if (!parse_uint(optarg, 1, BS_TOP_MAX, &o->top))
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "--top takes a number from 1 to %u, not "
				    "'%s'", BS_TOP_MAX, optarg);
			break;
		case OPT_ALL:
			o->all = true;
			break;
		case 'o':
			o->output_path = optarg;
			break;
		case 'd':
			o->detail = true;
			break;
		case OPT_PATTERNS:
			o->patterns_dir = optarg;
			break;
		case OPT_SINCE:
			since = optarg;
			break;
		case OPT_UNTIL:
			until = optarg;
			break;
		case OPT_FAIL_ON:
			if (o->nfail_on == BS_FAIL_ON_MAX)
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "at most %d --fail-on conditions",
				    BS_FAIL_ON_MAX);
			st = bs_threshold_parse(optarg,
			    &o->fail_on[o->nfail_on], d);
			if (st != BS_OK)
				return st;
			o->nfail_on++;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'j':
			if (!parse_uint(optarg, 1, BS_JOBS_MAX, &o->jobs))
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "--jobs takes a number from 1 to %u, not "
				    "'%s'", BS_JOBS_MAX, optarg);
			break;
		case 'f':
			follow = true;
			break;
		case OPT_FROM_START:
			o->from_start = true;
			break;
		case OPT_INTERVAL:
			if (!parse_uint(optarg, 1, BS_INTERVAL_MAX,
			    &o->interval))
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "--interval takes a number of seconds "
				    "from 1 to %u, not '%s'", BS_INTERVAL_MAX,
				    optarg);
			interval_set = true;
			break;
		case OPT_WINDOW:
			if (!parse_span(optarg, &o->live_window))
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "--window takes a time such as 90s, 15m or "
				    "2h, at most %uh, not '%s'",
				    BS_LIVE_WINDOW_MAX / 3600, optarg);
			break;
		case 'e':
			explain = true;
			break;
		case 'h':
			o->action = BS_ACT_HELP;
			return BS_OK;
		case 'V':
			o->action = BS_ACT_VERSION;
			return BS_OK;
		case ':':
			return bs_diag_set(d, BS_ERR_USAGE, "", 0,
			    "option '%s' needs an argument", argv[optind - 1]);
		default:
			return bs_diag_set(d, BS_ERR_USAGE, "", 0,
			    "unknown option '%s'", argv[optind - 1]);
		}
	}
	o->args = argv + optind;
	o->nargs = (size_t)(argc - optind);
	if (explain) {
		o->action = BS_ACT_EXPLAIN;
		if (o->nargs == 0)
			return bs_diag_set(d, BS_ERR_USAGE, "", 0,
			    "--explain needs at least one code or reply (for "
			    "example 550, 5.1.1 or '550 5.1.1 User unknown')");
	} else if (follow) {
		o->action = BS_ACT_FOLLOW;
		if (o->nargs == 0)
			return bs_diag_set(d, BS_ERR_USAGE, "", 0,
			    "--follow needs the log files to follow");
		if (o->live_window == 0)
			o->live_window = o->interval;
		if (o->live_window < o->interval)
			return bs_diag_set(d, BS_ERR_USAGE, "", 0,
			    "--window (%u s) is shorter than --interval "
			    "(%u s)", o->live_window, o->interval);
		/* The ring keeps one slot per interval (bslimits.h). */
		if ((o->live_window + o->interval - 1) / o->interval >
		    BS_LIVE_SLOTS)
			return bs_diag_set(d, BS_ERR_USAGE, "", 0,
			    "--window (%u s) spans more than %u intervals of "
			    "%u s: give a longer --interval", o->live_window,
			    BS_LIVE_SLOTS, o->interval);
	} else if (o->from_start || interval_set || o->live_window > 0)
		return bs_diag_set(d, BS_ERR_USAGE, "", 0,
		    "--from-start, --interval and --window go with --follow");
	/* Names the option in its messages; refuses an empty window. */
	return bs_window_init(&o->window, since, until, now, d);
}
