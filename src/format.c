/*
 * format.c - the table of formats, and recognising an input's format from
 * its first lines.
 */
#include <string.h>

#include "format.h"

/* Declared here, where its row is: a format is its file and its row. */
extern const struct bs_format bs_format_m365;
extern const struct bs_format bs_format_journal;

const struct bs_format *const bs_formats[] = {
	&bs_format_postfix,
	&bs_format_exim,
	&bs_format_exchange,
	&bs_format_m365, /* after Exchange: a tie of rows is Exchange's */
	/*
	 * A journal entry is certain (2) on every line; Postfix's and Exim's
	 * probes find at most a plausible message in it (1), as no entry
	 * holds "postfix/smtp[" or an Exim stamp at its start.
	 */
	&bs_format_journal,
	NULL,
};

const struct bs_format *
bs_format_find(const char *name)
{
	size_t i;

	for (i = 0; bs_formats[i] != NULL; i++)
		if (strcmp(bs_formats[i]->name, name) == 0)
			return bs_formats[i];
	return NULL;
}

/*
 * Every format scores every sampled line (2 certain, 1 plausible) and the
 * highest total wins, so a few odd lines at the top (a banner, another
 * daemon's messages in a shared mail.log) cannot decide alone.  A format
 * needs at least one certain line or two plausible ones.
 */
const struct bs_format *
bs_format_detect(const char *sample, size_t len)
{
	unsigned long score[16] = { 0 };
	const struct bs_format *best = NULL;
	unsigned long best_score = 1;
	size_t pos = 0, i;

	while (pos < len) {
		const char *line = sample + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;

		for (i = 0; bs_formats[i] != NULL && i < 16; i++) {
			int sc = bs_formats[i]->probe(line, ll);

			score[i] += (unsigned long)sc;
		}
		pos += ll + 1;
	}
	for (i = 0; bs_formats[i] != NULL && i < 16; i++) {
		if (score[i] > best_score) {
			best = bs_formats[i];
			best_score = score[i];
		}
	}
	return best;
}
