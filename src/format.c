/*
 * format.c - the table of formats, and recognising an input's format from
 * its first lines (or, for Exim's paniclog, from its file name).
 */
#include <string.h>

#include "bslimits.h"
#include "format.h"

/* Declared here, where its row is: a format is its file and its row. */
extern const struct bs_format bs_format_m365;
extern const struct bs_format bs_format_journal;

const struct bs_format *const bs_formats[] = {
	&bs_format_postfix,
	&bs_format_exim,
	&bs_format_exim_panic, /* never by score: by name (bs_format_by_name) */
	&bs_format_exchange,
	&bs_format_m365,  /* after Exchange: a tie of rows is Exchange's */
	&bs_format_mixed, /* never by score: bs_format_look chooses it */
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

/* Whether s[0..n) is empty, or sep followed by one or more digits. */
static bool
rotation_suffix(const char *s, size_t n, char sep)
{
	size_t i;

	if (n == 0)
		return true;
	if (n < 2 || s[0] != sep)
		return false;
	for (i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * The names only: no file is opened (a name that only looks like a
 * paniclog's is still read as one; --type says otherwise).
 */
const struct bs_format *
bs_format_by_name(const char *path)
{
	static const char *const stems[] = { "exim_paniclog", "paniclog" };
	static const char *const compressed[] = { ".gz", ".xz", ".zst", ".bz2",
		".lz4" };
	const char *base = strrchr(path, '/');
	size_t n, i, sl;

	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	for (i = 0; i < sizeof(compressed) / sizeof(compressed[0]); i++) {
		size_t cl = strlen(compressed[i]);

		if (n > cl && strcmp(base + n - cl, compressed[i]) == 0) {
			n -= cl;
			break;
		}
	}
	for (i = 0; i < sizeof(stems) / sizeof(stems[0]); i++) {
		sl = strlen(stems[i]);
		if (n >= sl && strncmp(base, stems[i], sl) == 0 &&
		    (rotation_suffix(base + sl, n - sl, '.') ||
			rotation_suffix(base + sl, n - sl, '-')))
			return &bs_format_exim_panic;
	}
	return NULL;
}

/*
 * Every format scores every sampled line (2 certain, 1 plausible) and the
 * highest total wins, so a few odd lines at the top (a banner, another
 * daemon's messages in a shared mail.log) cannot decide alone.  A format
 * needs at least one certain line or two plausible ones.
 *
 * A file in which both Postfix and Exim wrote lines (a central syslog
 * server's) is mixed when each wrote at least BS_MIXED_MIN_LINES of the
 * sample: the scores would give it to one of them, and the other's events
 * would be lost.  Below that, the few lines of the other program are
 * counted (the caller warns), and the single reader, faster, reads the
 * file.
 */
void
bs_format_look(const char *sample, size_t len, struct bs_sample_look *out)
{
	unsigned long score[16] = { 0 };
	unsigned long best_score = 1;
	size_t pos = 0, i;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		const char *line = sample + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;

		for (i = 0; bs_formats[i] != NULL && i < 16; i++) {
			int sc = bs_formats[i]->probe(line, ll);

			score[i] += (unsigned long)sc;
			if (sc == 2 && bs_formats[i] == &bs_format_exim)
				out->exim_records++;
		}
		switch (bs_mixed_program(line, ll)) {
		case BS_PROGRAM_POSTFIX:
			out->postfix++;
			break;
		case BS_PROGRAM_EXIM:
			out->exim++;
			break;
		default:
			break;
		}
		out->lines++;
		pos += ll + 1;
	}
	if (out->postfix >= BS_MIXED_MIN_LINES &&
	    out->exim >= BS_MIXED_MIN_LINES) {
		out->format = &bs_format_mixed;
		return;
	}
	for (i = 0; bs_formats[i] != NULL && i < 16; i++) {
		if (score[i] > best_score) {
			out->format = bs_formats[i];
			best_score = score[i];
		}
	}
}

const struct bs_format *
bs_format_detect(const char *sample, size_t len)
{
	struct bs_sample_look look;

	bs_format_look(sample, len, &look);
	return look.format;
}
