/*
 * format.h - the table of log formats.
 *
 * A format is one source file (fmt_NAME.c), one entry in the table in
 * format.c, one patterns/NAME.pat and its tests.  A parser turns one line
 * into zero or more events; it keeps whatever per-input state it needs
 * (Exchange's #Fields: header) in the state that open() creates, one per
 * input, so several inputs can be parsed at once.
 */
#ifndef BS_FORMAT_H
#define BS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "event.h"
#include "lines.h"

struct bs_patterns;

struct bs_format {
	/* What --type takes, and what JSON's inputs[].format says. */
	const char *name;

	/*
	 * What the format is, in a few words for --type's list in --help
	 * (tests/docs.sh checks that the help still fits 80 columns).
	 */
	const char *help;

	/*
	 * Whether every line parses on its own, so that a file can be read
	 * in pieces on several cores and give the same events (jobs.c): the
	 * parser keeps nothing between lines but its compiled patterns.
	 * Exchange's lines depend on the #Fields: header above them.
	 */
	bool splittable;

	/*
	 * How much this single line looks like the format: 0 not at all,
	 * 1 could be, 2 only this format writes such a line.  Cheap, no
	 * PCRE2: it runs on the first lines of every input.
	 */
	int (*probe)(const char *line, size_t len);

	/* Per-input parser state; BS_ERR_CONFIG if a pattern is missing. */
	bs_status (*open)(const struct bs_patterns *p, void **state,
	    struct bs_diag *d);

	/*
	 * Parse one line, calling emit for each event it states.  Returns
	 * BS_OK, or BS_ERR_MATCH when PCRE2 gave up on the line (the caller
	 * counts it and goes on).
	 */
	bs_status (*parse)(void *state, const struct bs_line *line,
	    bs_event_fn emit, void *ctx);

	void (*close)(void *state);

	/*
	 * Optional, NULL-terminated: byte strings of which every line that
	 * can be an event contains at least one.  The line splitter then
	 * hands out only such lines and counts the others without looking
	 * at them one by one (most lines of a mail log are noise).  NULL:
	 * every line is parsed (formats with state, such as headers).
	 */
	const char *const *needles;

	/*
	 * Optional: the needles to use instead when the run joins records
	 * of one message (join.h): needles plus those of the lines that
	 * emit notes (BS_NOTE_ARRIVAL, BS_NOTE_GONE).  NULL: needles.  The
	 * note lines reach the parser only then, so a report that needs no
	 * join pays nothing for them.
	 */
	const char *const *joined_needles;

	/*
	 * Optional: the needles of a run that joins but counts no notes of
	 * its own (--format events, bs_agg_rows_only): joined_needles less
	 * those of the lines that only the report's sections read (the
	 * server's own trouble, the notifications it sent).  NULL:
	 * joined_needles.  The parser must give every line the same event
	 * whichever set found it.
	 */
	const char *const *stream_needles;
};

/* The formats, each defined in its fmt_NAME.c. */
extern const struct bs_format bs_format_postfix;
extern const struct bs_format bs_format_exim;
/* Exim's paniclog, read by fmt_exim.c: only by --type or by name. */
extern const struct bs_format bs_format_exim_panic;
extern const struct bs_format bs_format_exchange;
extern const struct bs_format bs_format_mixed;

/*
 * The program that wrote a syslog line, as far as the mixed reader
 * (fmt_mixed.c) tells programs apart: the program name before "[pid]: "
 * or ": " (or RFC 5424's app name) contains "postfix", or else "exim";
 * another program; or no program name was found (not a syslog line).
 */
enum bs_program {
	BS_PROGRAM_NONE,
	BS_PROGRAM_OTHER,
	BS_PROGRAM_POSTFIX,
	BS_PROGRAM_EXIM,
};

/* Which program wrote line[0..len); no PCRE2, a few dozen bytes read. */
enum bs_program bs_mixed_program(const char *line, size_t len);

/*
 * The same answer, read word by word without bs_mixed_program's shortcut
 * for the usual line: for the differential test.
 */
enum bs_program bs_mixed_program_by_words(const char *line, size_t len);

/* The format called name, or NULL. */
const struct bs_format *bs_format_find(const char *name);

/*
 * The format that an input's file name alone decides, before any line is
 * looked at, or NULL (the lines decide).  A line of Exim's paniclog looks
 * like any mainlog line, so a file whose last path part is "paniclog" or
 * "exim_paniclog", perhaps followed by a rotation number (".1") or a
 * logrotate date ("-20260301") and a compression suffix (".gz", ".xz",
 * ".zst", ".bz2", ".lz4"), is bs_format_exim_panic.  "-" (standard input)
 * is never recognised by name.
 */
const struct bs_format *bs_format_by_name(const char *path);

/*
 * All formats, NULL-terminated, in detection order: --type's names, its
 * help and its usage error are made from this table.
 */
extern const struct bs_format *const bs_formats[];

/*
 * Recognise the format from a sample of an input's first lines (each line
 * separated by '\n').  Returns NULL when no format is convincing.
 */
const struct bs_format *bs_format_detect(const char *sample, size_t len);

/* What a sample of an input's first lines looks like. */
struct bs_sample_look {
	const struct bs_format *format; /* bs_format_detect's answer */
	unsigned long lines;
	/* Lines whose syslog program is Postfix's, Exim's (bs_program). */
	unsigned long postfix, exim;
	/*
	 * Lines that only Exim's mainlog holds (its probe is certain: a
	 * message id and a delivery flag, "<=" or "Completed"); a paniclog
	 * holds none.
	 */
	unsigned long exim_records;
};

/*
 * bs_format_detect, telling also how many lines of the sample each of
 * Postfix and Exim wrote.  When both wrote at least BS_MIXED_MIN_LINES,
 * the sample looks like bs_format_mixed (a central syslog server's file),
 * whatever the scores say.
 */
void bs_format_look(const char *sample, size_t len, struct bs_sample_look *out);

#endif
