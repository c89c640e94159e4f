/*
 * options.c - the command line.
 */
#include <getopt.h>
#include <string.h>

#include "format.h"
#include "options.h"

static const char help[] =
"Usage: bouncestat [OPTION]... [FILE]...\n"
"       bouncestat --explain CODE...\n"
"Count why mail bounces: per SMTP reply code and enhanced status code,\n"
"with what each code means and what to do about it.\n"
"\n"
"FILEs are Postfix, Exim or Exchange message-tracking logs, plain or\n"
"gzip-compressed (recognised by content).  '-' or no FILE reads standard\n"
"input.\n"
"\n"
"  -t, --type=NAME      read every input as NAME: postfix, exim, exchange\n"
"                       (default: recognise each input from its first lines)\n"
"      --format=FMT     output format: text (default) or json\n"
"  -d, --detail         show the most frequent reply texts of each code\n"
"      --patterns=DIR   load DIR/*.pat instead of the built-in patterns\n"
"  -e, --explain        explain the CODEs given as arguments and exit\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Exit status: 0 every input was read; 1 an input could not be read\n"
"completely (what was read is still reported); 2 usage or configuration\n"
"error (nothing was read).\n";

const char *
bs_options_help(void)
{
	return help;
}

bs_status
bs_options_parse(int argc, char **argv, struct bs_options *o,
    struct bs_diag *d)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "detail", no_argument, NULL, 'd' },
		{ "patterns", required_argument, NULL, 'P' },
		{ "explain", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->action = BS_ACT_REPORT;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:F:deP:hV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 't':
			if (strcmp(optarg, "auto") == 0) {
				o->type = NULL;
				break;
			}
			if (bs_format_find(optarg) == NULL)
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "unknown log type '%s' (expected postfix, "
				    "exim, exchange or auto)", optarg);
			o->type = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "text") == 0)
				o->output = BS_OUT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->output = BS_OUT_JSON;
			else
				return bs_diag_set(d, BS_ERR_USAGE, "", 0,
				    "unknown output format '%s' (expected "
				    "text or json)", optarg);
			break;
		case 'd':
			o->detail = true;
			break;
		case 'P':
			o->patterns_dir = optarg;
			break;
		case 'e':
			o->action = BS_ACT_EXPLAIN;
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
	if (o->action == BS_ACT_EXPLAIN && o->nargs == 0)
		return bs_diag_set(d, BS_ERR_USAGE, "", 0,
		    "--explain needs at least one code (for example 550 or "
		    "5.1.1)");
	return BS_OK;
}
