/*
 * options.h - the command line, parsed once into a const struct.
 */
#ifndef BS_OPTIONS_H
#define BS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum bs_output {
	BS_OUT_TEXT,
	BS_OUT_JSON
};

enum bs_action {
	BS_ACT_REPORT,		/* read the inputs and report */
	BS_ACT_EXPLAIN,		/* --explain: args are codes */
	BS_ACT_HELP,
	BS_ACT_VERSION
};

struct bs_options {
	enum bs_action action;
	const char *type;		/* NULL: recognise each input */
	enum bs_output output;
	const char *patterns_dir;	/* NULL: the built-in patterns */
	bool detail;
	char **args;			/* files ("-" is stdin) or codes */
	size_t nargs;
};

/*
 * Parse argv into o (which points into argv).  BS_ERR_USAGE with d filled
 * for a bad option.  Does not look at the files.
 */
bs_status bs_options_parse(int argc, char **argv, struct bs_options *o,
    struct bs_diag *d);

/* The --help text. */
const char *bs_options_help(void);

#endif
