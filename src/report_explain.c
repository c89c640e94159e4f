/*
 * report_explain.c - the --explain writer: what the catalog knows about
 * codes that an operator typed, one block per code.
 *
 * The output is read in a terminal or a cron mail, so every line fits in
 * 80 columns: values wrap under their label.  All text comes from the
 * catalog (static, plain ASCII) or from codes that bs_catalog_parse_code
 * has checked, so nothing here needs escaping.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "event.h"
#include "report.h"

#define EXPLAIN_WIDTH 80

/* "  meaning:  " and the other labels all take this many columns. */
#define LABEL_WIDTH 12

/*
 * Writes "  label:" padded to LABEL_WIDTH, then text wrapped at word
 * boundaries so that no line passes EXPLAIN_WIDTH; continuation lines are
 * indented under the text.  A word longer than a line stands alone.
 */
static void
put_field(FILE *out, const char *label, const char *text)
{
	const char *p = text, *word;
	size_t col, wlen;
	int first = 1, w;

	/* A failed write is caught by ferror() in bs_report_explain. */
	w = fprintf(out, "  %s:", label);
	for (col = w > 0 ? (size_t)w : 0; col < LABEL_WIDTH; col++)
		putc(' ', out);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		word = p;
		while (*p != '\0' && *p != ' ')
			p++;
		wlen = (size_t)(p - word);
		if (!first && col + 1 + wlen > EXPLAIN_WIDTH) {
			fprintf(out, "\n%*s", LABEL_WIDTH, "");
			col = LABEL_WIDTH;
		} else if (!first) {
			putc(' ', out);
			col++;
		}
		fwrite(word, 1, wlen, out);
		col += wlen;
		first = 0;
	}
	putc('\n', out);
}

/* The document line: which entry matches, and whether it speaks of it. */
static void
put_document(FILE *out, int basic, const struct bs_code_info *in)
{
	char text[128];

	if (in->document == NULL)
		snprintf(text, sizeof(text), "none");
	else if (in->document_serves)
		snprintf(text, sizeof(text), "%s", in->document);
	else if (basic)
		snprintf(text, sizeof(text),
		    "%s (its text there is about the enhanced code %s)",
		    in->document, in->document);
	else
		snprintf(text, sizeof(text),
		    "%s (its text there is about reply %c%c%c)",
		    in->document, in->document[0], in->document[2],
		    in->document[4]);
	put_field(out, "document", text);
}

static void
put_standard(FILE *out, int basic, const struct bs_code_info *in)
{
	const char *what = basic ? "not defined" : "not registered";
	char text[128];

	if (in->source != NULL)
		snprintf(text, sizeof(text), "%s", in->source);
	else if (in->known == BS_KNOWN_CODE)
		snprintf(text, sizeof(text), "none; known from the document "
		    "only");
	else if (in->known == BS_KNOWN_SUBJECT)
		snprintf(text, sizeof(text), "%s; meaning and hint are those "
		    "of its subject", what);
	else
		snprintf(text, sizeof(text), "%s; meaning and hint are those "
		    "of its class", what);
	put_field(out, "standard", text);
}

/* One block for one code; code is basic ("550") or enhanced ("5.1.1"). */
static void
explain_one(FILE *out, const char *code, int basic)
{
	struct bs_code_info in;
	struct bs_codes one;
	const char *kind;
	char text[64];

	memset(&one, 0, sizeof(one));
	if (basic)
		snprintf(one.basic, sizeof(one.basic), "%s", code);
	else
		snprintf(one.enhanced, sizeof(one.enhanced), "%s", code);
	if (!bs_catalog_code_info(&one, &in)) {
		/* bs_catalog_parse_code lets no such code through. */
		fprintf(out, "(not a status code)\n");
		return;
	}
	if (basic)
		kind = "reply code";
	else if (in.subject < 0)
		kind = "connection entry of the document";
	else
		kind = "enhanced status code";
	if (in.category != NULL)
		fprintf(out, "%s  %s, category %s (%s)\n", code, kind,
		    in.category, in.category_label);
	else
		fprintf(out, "%s  %s, no category\n", code, kind);

	put_document(out, basic, &in);
	put_standard(out, basic, &in);
	if (in.subject >= 0) {
		snprintf(text, sizeof(text), "%d, %s", in.subject,
		    in.subject_name != NULL ? in.subject_name : "not defined");
		put_field(out, "subject", text);
	}
	put_field(out, "meaning", in.meaning != NULL ? in.meaning : "unknown");
	if (in.hint != NULL)
		put_field(out, "hint", in.hint);
}

int
bs_report_explain(FILE *out, const struct bs_codes *codes, size_t n)
{
	int blocks = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (codes[i].basic[0] != '\0') {
			if (blocks++ > 0)
				putc('\n', out);
			explain_one(out, codes[i].basic, 1);
		}
		if (codes[i].enhanced[0] != '\0') {
			if (blocks++ > 0)
				putc('\n', out);
			explain_one(out, codes[i].enhanced, 0);
		}
	}
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
