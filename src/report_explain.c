/*
 * report_explain.c - the --explain writer: what the catalog knows about
 * codes that an operator typed, one block per code, and what the reason
 * rules make of a reply pasted whole.
 *
 * The output is read in a terminal or a cron mail, so every line fits in
 * 80 columns: values wrap under their label.  Text from the catalog and
 * the rules is static, and codes have been checked by
 * bs_catalog_parse_code or the extractor; a pasted reply, and what is
 * taken from it (its zone, its URL), is made safe for a terminal.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "event.h"
#include "reasons.h"
#include "report.h"
#include "safe.h"

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

/*
 * How codes are used in practice where that differs from what the
 * standards say (the catalog's meaning): what operators meet them for.
 */
static const struct {
	const char *code;
	const char *text;
} usages[] = {
	{ "4.7.0", "At Gmail (421 4.7.0 Try again later) and Microsoft 365 "
	  "(4.7.0 ... temporarily rate limited) mostly a rate limit or a "
	  "throttle by reputation: send more slowly and let the queue "
	  "retry." },
	{ "421", "Also a rate limit or a throttle by reputation (Gmail's "
	  "421 4.7.0, Yahoo's 421 4.7.0 [TSS04])." },
	{ "452", "More often 'too many recipients' (4.5.3) than a full disk: "
	  "the server takes fewer recipients per message or connection, "
	  "and the queue sends the rest later." },
	{ "4.7.1", "Greylisting (retry in a few minutes) or a deferral by "
	  "policy or blocklist: the reply text tells which." },
	{ "5.7.1", "A blocklist at one receiver, a DMARC or relay refusal at "
	  "another: pass the whole reply to --explain for its reason." },
	{ "554", "Mostly a verdict on the whole transaction: a blocklist, "
	  "spam, or a refused connection." },
};

static void
put_usage(FILE *out, const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
		if (strcmp(usages[i].code, code) == 0)
			put_field(out, "commonly", usages[i].text);
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
	put_usage(out, code);
}

/* Text from a reply, made safe for a terminal, into buf. */
static const char *
safe(char *buf, size_t size, const char *s, size_t n)
{
	bs_safe_term(buf, size, s, n);
	return buf;
}

/* What the rules said of the reply, for one side. */
static void
put_verdict(FILE *out, const struct bs_explained_reply *r,
    const struct bs_verdict *v, enum bs_kind kind)
{
	char text[1024], zone[300];
	const char *z;
	size_t zn = bs_reasons_zone(r->text, r->len, &z);
	const char *hint = v->hint != NULL ? v->hint :
	    bs_reason_hint(v->reason, kind, &r->codes);

	if (v->name != NULL || zn > 0) {
		if (zn > 0)
			safe(zone, sizeof(zone), z, zn);
		snprintf(text, sizeof(text), "%s%s%s",
		    v->name != NULL ? v->name : "",
		    v->name != NULL && zn > 0 ? ", zone " : zn > 0 ?
		    "zone " : "", zn > 0 ? zone : "");
		put_field(out, strcmp(v->reason, "blocked") == 0 ||
		    strcmp(v->reason, "badreputation") == 0 || zn > 0 ?
		    "list" : "provider", text);
	}
	if (v->label != NULL)
		put_field(out, "fired", v->label);
	if (v->url != NULL)
		put_field(out, "lookup", v->url);
	if (hint != NULL)
		put_field(out, kind == BS_REJECTED ? "if here" : "if sent",
		    hint);
}

int
bs_report_explain_reply(FILE *out, const struct bs_explained_reply *r)
{
	char text[1024];
	const char *u;
	size_t un = bs_reasons_url(r->text, r->len, &u);
	const struct bs_verdict *s = &r->sent, *h = &r->here;
	int hard = bs_reason_hard(s->reason, r->sent_kind, &r->codes);

	fprintf(out, "reply text  reason %s%s\n", s->reason,
	    r->sent_kind == BS_DEFERRED ? " (a deferral: the queue retries)" :
	    hard == BS_HARD_YES ? ", hard (do not send to the address again)" :
	    hard == BS_HARD_NO ? ", soft (the address is not at fault)" : "");
	put_field(out, "text", safe(text, sizeof(text), r->text, r->len));
	if (bs_reason_meaning(s->reason) != NULL)
		put_field(out, "meaning", bs_reason_meaning(s->reason));
	put_verdict(out, r, s, r->sent_kind);
	/* A refusal by this server may read otherwise (kind=in rules). */
	if (strcmp(h->reason, s->reason) != 0 || h->label != s->label ||
	    h->name != s->name) {
		if (h->origin != NULL)
			snprintf(text, sizeof(text), "%s, as this server's own "
			    "refusal (rule %s:%u)", h->reason, h->origin,
			    h->line);
		else
			snprintf(text, sizeof(text), "%s, as this server's own "
			    "refusal", h->reason);
		put_field(out, "refusal", text);
		put_verdict(out, r, h, BS_REJECTED);
	} else {
		const char *hint = h->hint != NULL ? h->hint :
		    bs_reason_hint(h->reason, BS_REJECTED, &r->codes);

		if (hint != NULL)
			put_field(out, "if here", hint);
	}
	if (un > 0)
		put_field(out, "help", safe(text, sizeof(text), u, un));
	if (s->origin != NULL) {
		snprintf(text, sizeof(text), "%s:%u", s->origin, s->line);
		put_field(out, "rule", text);
	}
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
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
