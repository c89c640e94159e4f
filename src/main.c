/*
 * main.c - bouncestat: parse the options, connect the stages, print what
 * went wrong, and decide the exit status.  Nothing else.
 *
 * Exit status: 0 every input read; 1 an input failed (the rest is still
 * counted and reported); 2 usage or configuration error, before any input
 * is read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "catalog.h"
#include "format.h"
#include "options.h"
#include "patterns.h"
#include "report.h"
#include "run.h"

#define EXIT_INPUT	1
#define EXIT_USAGE	2

static void
print_diag(const struct bs_diag *d)
{
	char buf[BS_DIAG_MSG_MAX + 300];

	bs_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "bouncestat: %s\n", buf);
}

static void
on_warn(void *ctx, const struct bs_diag *d)
{
	(void)ctx;
	print_diag(d);
}

static int
usage_error(const struct bs_diag *d)
{
	print_diag(d);
	fputs("Try 'bouncestat --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static int
explain(const struct bs_options *o)
{
	struct bs_codes *codes = calloc(o->nargs, sizeof(*codes));
	struct bs_diag d;
	size_t i;
	int rc = EXIT_SUCCESS;

	if (codes == NULL) {
		fputs("bouncestat: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	bs_diag_clear(&d);
	for (i = 0; i < o->nargs; i++) {
		if (bs_catalog_parse_code(o->args[i], &codes[i], &d) != BS_OK) {
			print_diag(&d);
			free(codes);
			return EXIT_USAGE;
		}
	}
	if (bs_report_explain(stdout, codes, o->nargs) != 0 ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "bouncestat: cannot write: %s\n",
		    strerror(errno));
		rc = EXIT_INPUT;
	}
	free(codes);
	return rc;
}

static int
report(const struct bs_options *o)
{
	static char stdin_name[] = "-";
	char *stdin_only[] = { stdin_name };
	struct bs_report_opts ro = { .detail = o->detail, .width = 80 };
	struct bs_run_config cfg = { .warn = on_warn };
	struct bs_patterns *pats = NULL;
	struct bs_agg *agg = NULL;
	char *const *files = o->args;
	size_t nfiles = o->nargs, i;
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
	if (o->type != NULL)
		cfg.format = bs_format_find(o->type);
	/* A bad pattern file stops the run before any input is read. */
	st = bs_patterns_load(o->patterns_dir, &pats, &d);
	if (st != BS_OK) {
		print_diag(&d);
		return EXIT_USAGE;
	}
	cfg.patterns = pats;
	if (cfg.format == NULL) {
		/* Check every format's patterns now, not at the first input. */
		for (i = 0; bs_formats[i] != NULL; i++) {
			void *state;

			st = bs_formats[i]->open(pats, &state, &d);
			if (st != BS_OK)
				break;
			bs_formats[i]->close(state);
		}
	} else {
		void *state;

		st = cfg.format->open(pats, &state, &d);
		if (st == BS_OK)
			cfg.format->close(state);
	}
	if (st != BS_OK) {
		print_diag(&d);
		bs_patterns_free(pats);
		return EXIT_USAGE;
	}
	agg = bs_agg_new(o->detail);
	if (agg == NULL) {
		fputs("bouncestat: out of memory\n", stderr);
		bs_patterns_free(pats);
		return EXIT_USAGE;
	}
	for (i = 0; i < nfiles; i++) {
		st = bs_run_input(&cfg, files[i], agg);
		if (st == BS_ERR_NOMEM) {
			fputs("bouncestat: out of memory\n", stderr);
			rc = EXIT_INPUT;
			break;
		}
		if (st != BS_OK)
			rc = EXIT_INPUT;
	}
	bs_agg_finish(agg);
	if (o->output == BS_OUT_JSON)
		wr = bs_report_json(stdout, agg, &ro);
	else
		wr = bs_report_text(stdout, agg, &ro);
	if (wr != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "bouncestat: cannot write the report: %s\n",
		    strerror(errno));
		rc = EXIT_INPUT;
	}
	bs_agg_free(agg);
	bs_patterns_free(pats);
	return rc;
}

int
main(int argc, char **argv)
{
	struct bs_options o;
	struct bs_diag d;

	bs_diag_clear(&d);
	if (bs_options_parse(argc, argv, &o, &d) != BS_OK)
		return usage_error(&d);
	switch (o.action) {
	case BS_ACT_HELP:
		fputs(bs_options_help(), stdout);
		return EXIT_SUCCESS;
	case BS_ACT_VERSION:
		printf("bouncestat %s\n", BS_VERSION);
		return EXIT_SUCCESS;
	case BS_ACT_EXPLAIN:
		return explain(&o);
	case BS_ACT_REPORT:
		break;
	}
	return report(&o);
}
