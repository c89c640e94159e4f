/*
 * catalog.h - what a code means and what to do about it.
 *
 * The catalog holds the 43 entries of the status-code document
 * (seed/smtp-status-codes.txt), the basic reply codes of RFC 5321 and
 * RFC 7504, and the enhanced codes of RFC 3463 and the IANA registry, with
 * meanings and hints in the project's own words.  It is static data
 * (src/catalog.def, with its grammar at the top) compiled into the binary;
 * no function here allocates or prints.
 *
 * The document writes entries as X.Y.Z: basic reply XYZ matches entry
 * X.Y.Z, and so does enhanced code X.Y.Z.  Connection failures without a
 * reply map to 1.1.1 (refused) and 1.0.1 (any other failure to connect).
 *
 * A description takes its meaning and hint from the most specific
 * knowledge at hand: the enhanced code's own entry, then the basic code's,
 * then the enhanced code's subject (5.7.606 is "security or policy"), then
 * the class.  A registered X.S.0 code says no more than its subject, so
 * the basic code's entry goes before it (421 4.7.0 reads as 421).
 */
#ifndef BS_CATALOG_H
#define BS_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "bslimits.h"
#include "diag.h"
#include "event.h"

struct bs_description {
	const char *category;	/* "1xx" .. "5xx"; NULL if nothing fits */
	/* Document entries matched ("5.5.0", "5.1.1", "1.1.1" ...). */
	const char *document[BS_DOC_MAX];
	size_t ndocument;
	const char *meaning;	/* one line, NULL when nothing is known */
	const char *hint;	/* the administrator's next step, or NULL */
	const char *basic_meaning;	/* the basic code on its own, or NULL */
	const char *enhanced_meaning;	/* the enhanced code alone, or NULL */
};

/*
 * Describe a row: its codes (empty strings when absent) and the BS_CONN_*
 * bits of its connection failures.  All strings are static.
 */
void bs_catalog_describe(const struct bs_codes *codes, unsigned connfail,
    struct bs_description *out);

/*
 * Only the category of bs_catalog_describe ("5xx", or NULL), cheaply:
 * the events writer asks it once per event.
 */
const char *bs_catalog_category(const struct bs_codes *codes,
    unsigned connfail);

/*
 * Parse a code as an operator types it for --explain ("550", "5.1.1",
 * "550 5.1.1" is two arguments).  BS_ERR_USAGE with d filled when it is
 * not a well-formed basic or enhanced code.
 */
bs_status bs_catalog_parse_code(const char *arg, struct bs_codes *out,
    struct bs_diag *d);

/*
 * What the catalog knows about one code on its own, for --explain: where
 * its meaning comes from and how sure that is.  All strings are static.
 */
enum bs_known {
	BS_KNOWN_CODE,		/* the code: a document entry or a standard */
	BS_KNOWN_SUBJECT,	/* its subject only: detail not registered */
	BS_KNOWN_CLASS,		/* its class only */
	BS_KNOWN_NOTHING
};

struct bs_code_info {
	const char *category;	/* "5xx"; NULL if the class is not one */
	const char *category_label;	/* "permanent failure", or NULL */
	const char *document;	/* the document entry it matches, or NULL */
	/*
	 * Whether that entry's text describes this code.  The document writes
	 * replies dotted, so its 5.5.0 is about reply 550 and not about the
	 * enhanced code 5.5.0, which RFC 3463 defines otherwise.
	 */
	bool document_serves;
	const char *source;	/* defining standard ("RFC 7372"), or NULL */
	int subject;		/* the subject of classes 2, 4, 5; else -1 */
	const char *subject_name;	/* "security or policy"; NULL if none */
	enum bs_known known;
	const char *meaning;	/* NULL only with BS_KNOWN_NOTHING */
	const char *hint;
};

/*
 * Describe one code: codes has exactly one of basic and enhanced set (when
 * both are, the basic one is described).  Returns false, with info
 * cleared, when neither holds a well-formed code.
 */
bool bs_catalog_code_info(const struct bs_codes *code,
    struct bs_code_info *info);

/* "permanent failure" for "5xx"; NULL for a category that does not exist. */
const char *bs_catalog_category_label(const char *category);

/*
 * The rows of the catalog, for tests and listings.  Tables come in the
 * order of src/catalog.def.  key is the row's code as written there
 * ("5.1.1", "550", "X.7.26", "7", "5xx"); label is the document category
 * of a document entry, the defining standard of a basic or enhanced code,
 * and the name of a subject, class or category.  A basic code the document
 * describes has an empty meaning and hint.
 */
enum bs_catalog_table {
	BS_CATALOG_DOCUMENT,
	BS_CATALOG_BASIC,
	BS_CATALOG_ENHANCED,
	BS_CATALOG_SUBJECT,
	BS_CATALOG_CLASS,
	BS_CATALOG_CATEGORY
};

struct bs_catalog_row {
	const char *key;
	const char *label;
	const char *meaning;
	const char *hint;
};

size_t bs_catalog_count(enum bs_catalog_table t);

/* Row i of table t; false past the end. */
bool bs_catalog_row(enum bs_catalog_table t, size_t i,
    struct bs_catalog_row *row);

#endif
