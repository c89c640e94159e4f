/*
 * check_catalog.c - the status-code catalog (src/catalog.c, its data in
 * src/catalog.def) and the --explain writer (src/report_explain.c).
 *
 * The data tests pin the catalog to its sources: exactly the document's 43
 * entries, every basic code of RFC 5321, RFC 7504 and RFC 4954, every code
 * of the IANA registry, and text that fits the house limits.  The lookup
 * tests name, for each row, which catalog entry must supply each answer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "event.h"
#include "report.h"
#include "suites.h"

/*
 * The distinct X.Y.Z entries of seed/smtp-status-codes.txt in its order,
 * extracted with
 *   grep -oE '^[0-9]\.[0-9]\.[0-9]+ ' smtp-status-codes.txt | awk '!s[$0]++'
 * (46 occurrences; 2.1.4, 2.2.0 and 2.2.1 appear twice).
 */
static const char *const document_keys[] = {
	"1.0.1", "1.1.1",
	"2.1.1", "2.1.4", "2.2.0", "2.2.1", "2.5.0", "2.5.1", "2.5.2",
	"3.5.4",
	"4.2.0", "4.2.1", "4.2.2", "4.3.1", "4.3.2", "4.4.1", "4.4.2",
	"4.4.6", "4.4.7", "4.4.9", "4.5.0", "4.5.1", "4.5.2", "4.6.5",
	"4.7.1",
	"5.0.0", "5.0.1", "5.0.2", "5.0.3", "5.0.4", "5.1.0", "5.1.1",
	"5.1.2", "5.1.3", "5.2.3", "5.3.0", "5.4.1", "5.5.0", "5.5.1",
	"5.5.2", "5.5.3", "5.5.4", "5.7.1"
};

#define NKEYS (sizeof(document_keys) / sizeof(document_keys[0]))

/* The basic codes every one of which must have a meaning. */
static const char *const required_basic[] = {
	"211", "214", "220", "221", "250", "251", "252", "354", "421",
	"432", "450", "451", "452", "454", "455", "500", "501", "502",
	"503", "504", "521", "530", "534", "535", "538", "550", "551",
	"552", "553", "554", "555", "556"
};

/* Highest registered detail of each subject 0..7 in the IANA registry. */
static const int registry_last_detail[8] = { 0, 10, 4, 6, 7, 6, 10, 30 };

START_TEST(test_document_keys)
{
	struct bs_catalog_row r;
	char cat[4];
	size_t i;

	ck_assert_uint_eq(NKEYS, 43);
	ck_assert_uint_eq(bs_catalog_count(BS_CATALOG_DOCUMENT), 43);
	for (i = 0; i < NKEYS; i++) {
		ck_assert(bs_catalog_row(BS_CATALOG_DOCUMENT, i, &r));
		ck_assert_str_eq(r.key, document_keys[i]);
		snprintf(cat, sizeof(cat), "%cxx", document_keys[i][0]);
		ck_assert_str_eq(r.label, cat);
		ck_assert_msg(r.meaning[0] != '\0', "%s: no meaning", r.key);
		ck_assert_msg(r.hint[0] != '\0', "%s: no hint", r.key);
	}
	ck_assert(!bs_catalog_row(BS_CATALOG_DOCUMENT, NKEYS, &r));
	ck_assert_ptr_null(r.key);
}
END_TEST

START_TEST(test_counts)
{
	ck_assert_uint_eq(bs_catalog_count(BS_CATALOG_BASIC), 34);
	ck_assert_uint_eq(bs_catalog_count(BS_CATALOG_ENHANCED), 81);
	ck_assert_uint_eq(bs_catalog_count(BS_CATALOG_SUBJECT), 8);
	ck_assert_uint_eq(bs_catalog_count(BS_CATALOG_CLASS), 3);
	ck_assert_uint_eq(bs_catalog_count(BS_CATALOG_CATEGORY), 5);
}
END_TEST

static void
check_text(const char *key, const char *what, const char *s, size_t max,
    int sentence)
{
	size_t i, n = strlen(s);

	ck_assert_msg(n > 0 && n <= max, "%s: %s has %zu characters", key,
	    what, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(s[i] >= 0x20 && s[i] < 0x7f,
		    "%s: %s is not plain printable ASCII", key, what);
	ck_assert_msg(s[0] != ' ' && s[n - 1] != ' ' && !strstr(s, "  "),
	    "%s: %s has stray spaces", key, what);
	if (sentence)
		ck_assert_msg(s[n - 1] == '.', "%s: %s lacks a full stop",
		    key, what);
	else
		ck_assert_msg(s[n - 1] != '.', "%s: %s ends in a full stop",
		    key, what);
}

/* Every table: unique keys, and text within the limits of catalog.def. */
START_TEST(test_rows_wellformed)
{
	enum bs_catalog_table t = (enum bs_catalog_table)_i;
	struct bs_catalog_row r, o;
	size_t i, j, n = bs_catalog_count(t);

	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		ck_assert(bs_catalog_row(t, i, &r));
		ck_assert(r.key != NULL && r.key[0] != '\0');
		ck_assert(r.label != NULL && r.label[0] != '\0');
		for (j = 0; j < i; j++) {
			ck_assert(bs_catalog_row(t, j, &o));
			ck_assert_msg(strcmp(o.key, r.key) != 0,
			    "key %s twice", r.key);
		}
		if (t == BS_CATALOG_BASIC && r.meaning[0] == '\0') {
			ck_assert_str_eq(r.hint, "");
			continue;
		}
		check_text(r.key, "meaning", r.meaning, 90, 0);
		check_text(r.key, "hint", r.hint, 160, 1);
	}
}
END_TEST

/*
 * A basic row leaves its text to the document exactly when the document
 * has an entry for that reply whose text describes the reply.
 */
START_TEST(test_basic_rows_and_document)
{
	struct bs_catalog_row r;
	struct bs_code_info in;
	struct bs_codes c;
	size_t i;

	for (i = 0; i < bs_catalog_count(BS_CATALOG_BASIC); i++) {
		ck_assert(bs_catalog_row(BS_CATALOG_BASIC, i, &r));
		memset(&c, 0, sizeof(c));
		snprintf(c.basic, sizeof(c.basic), "%s", r.key);
		ck_assert(bs_catalog_code_info(&c, &in));
		ck_assert_int_eq(in.known, BS_KNOWN_CODE);
		ck_assert_str_eq(in.source, r.label);
		if (r.meaning[0] == '\0') {
			ck_assert_msg(in.document != NULL &&
			    in.document_serves, "%s: no document text",
			    r.key);
			ck_assert_ptr_ne(in.meaning, r.meaning);
		} else {
			ck_assert_msg(!in.document_serves,
			    "%s: document and row both describe it", r.key);
			ck_assert_str_eq(in.meaning, r.meaning);
		}
	}
}
END_TEST

START_TEST(test_required_basic)
{
	const char *code = required_basic[_i];
	struct bs_code_info in;
	struct bs_codes c;

	memset(&c, 0, sizeof(c));
	snprintf(c.basic, sizeof(c.basic), "%s", code);
	ck_assert(bs_catalog_code_info(&c, &in));
	ck_assert_int_eq(in.known, BS_KNOWN_CODE);
	ck_assert_msg(in.source != NULL, "%s: no standard", code);
	ck_assert_msg(in.meaning != NULL && in.meaning[0] != '\0',
	    "%s: no meaning", code);
	ck_assert_msg(in.hint != NULL && in.hint[0] != '\0', "%s: no hint",
	    code);
	ck_assert(in.category != NULL && in.category[0] == code[0] &&
	    strcmp(in.category + 1, "xx") == 0);
}
END_TEST

/* Exactly the registry: every X.S.D of it, and nothing else. */
START_TEST(test_registry_complete)
{
	struct bs_catalog_row r;
	struct bs_code_info in;
	struct bs_codes c;
	char key[16];
	size_t i, found, total = 0;
	int s, dt;

	for (s = 0; s < 8; s++) {
		for (dt = 0; dt <= registry_last_detail[s]; dt++) {
			total++;
			snprintf(key, sizeof(key), "X.%d.%d", s, dt);
			found = 0;
			for (i = 0; i < bs_catalog_count(BS_CATALOG_ENHANCED);
			    i++) {
				ck_assert(bs_catalog_row(BS_CATALOG_ENHANCED,
				    i, &r));
				if (strcmp(r.key, key) == 0)
					found++;
			}
			ck_assert_msg(found == 1, "%s found %zu times", key,
			    found);
			memset(&c, 0, sizeof(c));
			snprintf(key, sizeof(key), "4.%d.%d", s, dt);
			ck_assert_uint_lt(strlen(key), sizeof(c.enhanced));
			memcpy(c.enhanced, key, strlen(key) + 1);
			ck_assert(bs_catalog_code_info(&c, &in));
			ck_assert_int_eq(in.known, BS_KNOWN_CODE);
			ck_assert_ptr_nonnull(in.source);
		}
	}
	ck_assert_uint_eq(total, 81);
	ck_assert_uint_eq(bs_catalog_count(BS_CATALOG_ENHANCED), total);
}
END_TEST

/*
 * Where an answer must come from: "doc:5.1.1", "basic:432", "enh:X.5.3",
 * "subj:7", "class:5", "cat:5xx", or NULL for no answer.
 */
static const char *
source_text(const char *src, int hint)
{
	static const struct {
		const char *prefix;
		enum bs_catalog_table t;
	} tables[] = {
		{ "doc:", BS_CATALOG_DOCUMENT },
		{ "basic:", BS_CATALOG_BASIC },
		{ "enh:", BS_CATALOG_ENHANCED },
		{ "subj:", BS_CATALOG_SUBJECT },
		{ "class:", BS_CATALOG_CLASS },
		{ "cat:", BS_CATALOG_CATEGORY }
	};
	struct bs_catalog_row r;
	size_t i, j, len;

	if (src == NULL)
		return NULL;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		len = strlen(tables[i].prefix);
		if (strncmp(src, tables[i].prefix, len) != 0)
			continue;
		for (j = 0; bs_catalog_row(tables[i].t, j, &r); j++)
			if (strcmp(r.key, src + len) == 0)
				return hint ? r.hint : r.meaning;
	}
	ck_abort_msg("test names an unknown source %s", src);
	return NULL;
}

struct describe_case {
	const char *name;
	const char *basic, *enhanced;
	unsigned connfail;
	const char *category;
	size_t ndoc;
	const char *doc[BS_DOC_MAX];
	const char *meaning, *hint;	/* sources, see source_text() */
	const char *basic_meaning, *enhanced_meaning;
};

static const struct describe_case describe_cases[] = {
	{ "basic only", "550", "", 0, "5xx", 1, { "5.5.0" },
	    "doc:5.5.0", "doc:5.5.0", "doc:5.5.0", NULL },
	{ "enhanced only", "", "5.1.1", 0, "5xx", 1, { "5.1.1" },
	    "doc:5.1.1", "doc:5.1.1", NULL, "doc:5.1.1" },
	{ "both, two entries", "550", "5.1.1", 0, "5xx", 2,
	    { "5.5.0", "5.1.1" }, "doc:5.1.1", "doc:5.1.1", "doc:5.5.0",
	    "doc:5.1.1" },
	{ "same entry listed once", "250", "2.5.0", 0, "2xx", 1,
	    { "2.5.0" }, "doc:2.5.0", "doc:2.5.0", "doc:2.5.0",
	    "doc:2.5.0" },
	{ "classes disagree", "550", "4.4.7", 0, "5xx", 2,
	    { "5.5.0", "4.4.7" }, "doc:4.4.7", "doc:4.4.7", "doc:5.5.0",
	    "doc:4.4.7" },
	{ "X.S.0 yields to the basic code", "421", "4.7.0", 0, "4xx", 1,
	    { "4.2.1" }, "doc:4.2.1", "doc:4.2.1", "doc:4.2.1",
	    "enh:X.7.0" },
	{ "success", "250", "2.0.0", 0, "2xx", 1, { "2.5.0" },
	    "doc:2.5.0", "doc:2.5.0", "doc:2.5.0", "enh:X.0.0" },
	{ "registered detail wins", "452", "4.5.3", 0, "4xx", 1,
	    { "4.5.2" }, "enh:X.5.3", "enh:X.5.3", "doc:4.5.2",
	    "enh:X.5.3" },
	{ "document entry of the other reading", "503", "5.5.1", 0, "5xx",
	    2, { "5.0.3", "5.5.1" }, "enh:X.5.1", "enh:X.5.1", "doc:5.0.3",
	    "enh:X.5.1" },
	{ "basic row where the document speaks of 4.3.2", "432", "4.7.12",
	    0, "4xx", 1, { "4.3.2" }, "enh:X.7.12", "enh:X.7.12",
	    "basic:432", "enh:X.7.12" },
	{ "document entry of the enhanced reading", "451", "4.3.2", 0,
	    "4xx", 2, { "4.5.1", "4.3.2" }, "doc:4.3.2", "doc:4.3.2",
	    "doc:4.5.1", "doc:4.3.2" },
	{ "three-digit detail", "", "5.7.606", 0, "5xx", 0, { NULL },
	    "subj:7", "subj:7", NULL, NULL },
	{ "three-digit detail with reply", "550", "5.7.606", 0, "5xx", 1,
	    { "5.5.0" }, "doc:5.5.0", "doc:5.5.0", "doc:5.5.0", NULL },
	{ "undefined subject", "", "5.12.345", 0, "5xx", 0, { NULL },
	    "class:5", "class:5", NULL, NULL },
	{ "undefined subject, class 4", "", "4.9.99", 0, "4xx", 0,
	    { NULL }, "class:4", "class:4", NULL, NULL },
	{ "undefined basic code", "599", "", 0, "5xx", 0, { NULL },
	    "cat:5xx", "cat:5xx", NULL, NULL },
	{ "other class than the document's", "", "4.1.1", 0, "4xx", 0,
	    { NULL }, "enh:X.1.1", "enh:X.1.1", NULL, "enh:X.1.1" },
	{ "Microsoft's 5.4.1", "550", "5.4.1", 0, "5xx", 2,
	    { "5.5.0", "5.4.1" }, "doc:5.4.1", "doc:5.4.1", "doc:5.5.0",
	    "doc:5.4.1" },
	{ "success keeps failure advice away", "", "2.1.5", 0, "2xx", 0,
	    { NULL }, "enh:X.1.5", "class:2", NULL, "enh:X.1.5" },
	{ "success hint from the reply", "250", "2.1.5", 0, "2xx", 1,
	    { "2.5.0" }, "enh:X.1.5", "doc:2.5.0", "doc:2.5.0",
	    "enh:X.1.5" },
	{ "connection refused", "", "", BS_CONN_REFUSED, "1xx", 1,
	    { "1.1.1" }, "doc:1.1.1", "doc:1.1.1", NULL, NULL },
	{ "connection failed", "", "", BS_CONN_FAILED, "1xx", 1,
	    { "1.0.1" }, "doc:1.0.1", "doc:1.0.1", NULL, NULL },
	{ "both connection failures", "", "",
	    BS_CONN_REFUSED | BS_CONN_FAILED, "1xx", 2, { "1.1.1", "1.0.1" },
	    "doc:1.1.1", "doc:1.1.1", NULL, NULL },
	{ "reply and connection failure", "421", "", BS_CONN_REFUSED, "4xx",
	    2, { "4.2.1", "1.1.1" }, "doc:4.2.1", "doc:4.2.1", "doc:4.2.1",
	    NULL },
	{ "no codes at all", "", "", 0, NULL, 0, { NULL }, NULL, NULL, NULL,
	    NULL },
	{ "malformed basic is ignored", "5x0", "5.1.1", 0, "5xx", 1,
	    { "5.1.1" }, "doc:5.1.1", "doc:5.1.1", NULL, "doc:5.1.1" },
	{ "leading zeros", "", "5.01.01", 0, "5xx", 1, { "5.1.1" },
	    "doc:5.1.1", "doc:5.1.1", NULL, "doc:5.1.1" },
	{ "impossible shape", "", "4.1234.343", 0, NULL, 0, { NULL }, NULL,
	    NULL, NULL, NULL }
};

START_TEST(test_describe)
{
	const struct describe_case *k = &describe_cases[_i];
	struct bs_description d;
	struct bs_codes c;
	size_t i;

	memset(&c, 0, sizeof(c));
	snprintf(c.basic, sizeof(c.basic), "%s", k->basic);
	snprintf(c.enhanced, sizeof(c.enhanced), "%s", k->enhanced);
	bs_catalog_describe(&c, k->connfail, &d);

	if (k->category == NULL)
		ck_assert_ptr_null(d.category);
	else
		ck_assert_str_eq(d.category, k->category);
	ck_assert_uint_eq(d.ndocument, k->ndoc);
	for (i = 0; i < k->ndoc; i++)
		ck_assert_str_eq(d.document[i], k->doc[i]);
	ck_assert_ptr_eq(d.meaning, source_text(k->meaning, 0));
	ck_assert_ptr_eq(d.hint, source_text(k->hint, 1));
	ck_assert_ptr_eq(d.basic_meaning, source_text(k->basic_meaning, 0));
	ck_assert_ptr_eq(d.enhanced_meaning,
	    source_text(k->enhanced_meaning, 0));
}
END_TEST

struct parse_case {
	const char *arg;
	const char *basic, *enhanced;	/* both NULL: rejected */
	const char *msg;		/* exact message, or NULL */
};

static const struct parse_case parse_cases[] = {
	{ "550", "550", "", NULL },
	{ "200", "200", "", NULL },
	{ "599", "599", "", NULL },
	{ "354", "354", "", NULL },
	{ "5.1.1", "", "5.1.1", NULL },
	{ "4.7.26", "", "4.7.26", NULL },
	{ "2.0.0", "", "2.0.0", NULL },
	{ "5.7.606", "", "5.7.606", NULL },
	{ "5.123.123", "", "5.123.123", NULL },
	{ "5.01.1", "", "5.1.1", NULL },
	{ "1.0.1", "", "1.0.1", NULL },
	{ "1.1.1", "", "1.1.1", NULL },
	{ "55x", NULL, NULL, "not a status code: '55x' (expected a reply "
	    "code such as 550 or an enhanced code such as 5.1.1)" },
	{ "", NULL, NULL, "not a status code: '' (expected a reply code "
	    "such as 550 or an enhanced code such as 5.1.1)" },
	{ "550 5.1.1", NULL, NULL, "not a status code: '550 5.1.1' (give "
	    "each code as an argument of its own)" },
	{ "111", NULL, NULL, "not a status code: '111' (the document's "
	    "connection entries are written 1.0.1 and 1.1.1)" },
	{ "3.5.4", NULL, NULL, "not a status code: '3.5.4' (enhanced codes "
	    "have class 2, 4 or 5; for reply 354 use 354)" },
	{ "5.1.1\033[2J", NULL, NULL, "not a status code: '5.1.1\\x1b[2J' "
	    "(expected a reply code such as 550 or an enhanced code such as "
	    "5.1.1)" },
	{ "0123456789012345678901234567890123456789overflow", NULL, NULL,
	    "not a status code: '0123456789012345678901234567890123456789"
	    "...' (expected a reply code such as 550 or an enhanced code "
	    "such as 5.1.1)" },
	{ "5500", NULL, NULL, NULL },
	{ "55", NULL, NULL, NULL },
	{ "150", NULL, NULL, NULL },
	{ "101", NULL, NULL, NULL },
	{ "650", NULL, NULL, NULL },
	{ "050", NULL, NULL, NULL },
	{ "1.2.1", NULL, NULL, NULL },
	{ "6.1.1", NULL, NULL, NULL },
	{ "3.1.1", NULL, NULL, NULL },
	{ "5.1", NULL, NULL, NULL },
	{ "5.1.", NULL, NULL, NULL },
	{ "5..1", NULL, NULL, NULL },
	{ ".5.1.1", NULL, NULL, NULL },
	{ "5.1.1.", NULL, NULL, NULL },
	{ "5.1.1.1", NULL, NULL, NULL },
	{ "5.1234.1", NULL, NULL, NULL },
	{ "5.1.1234", NULL, NULL, NULL },
	{ "55.1.1", NULL, NULL, NULL },
	{ "#5.1.1", NULL, NULL, NULL },
	{ " 550", NULL, NULL, NULL },
	{ "550 ", NULL, NULL, NULL },
	{ "-550", NULL, NULL, NULL },
	{ "x.1.1", NULL, NULL, NULL }
};

START_TEST(test_parse_code)
{
	const struct parse_case *k = &parse_cases[_i];
	struct bs_codes c;
	struct bs_diag d;
	bs_status st;

	memset(&c, 'z', sizeof(c));
	bs_diag_clear(&d);
	st = bs_catalog_parse_code(k->arg, &c, &d);
	if (k->basic != NULL) {
		ck_assert_msg(st == BS_OK, "'%s' rejected: %s", k->arg,
		    d.msg);
		ck_assert_str_eq(c.basic, k->basic);
		ck_assert_str_eq(c.enhanced, k->enhanced);
		return;
	}
	ck_assert_msg(st == BS_ERR_USAGE, "'%s' accepted", k->arg);
	ck_assert_str_eq(c.basic, "");
	ck_assert_str_eq(c.enhanced, "");
	ck_assert_msg(strncmp(d.msg, "not a status code: '", 20) == 0,
	    "message: %s", d.msg);
	ck_assert_ptr_null(strchr(d.msg, '\n'));
	if (k->msg != NULL)
		ck_assert_str_eq(d.msg, k->msg);
}
END_TEST

START_TEST(test_parse_code_null)
{
	struct bs_codes c;
	struct bs_diag d;

	ck_assert_int_eq(bs_catalog_parse_code(NULL, &c, &d), BS_ERR_USAGE);
	ck_assert_str_eq(d.msg, "no status code given");
}
END_TEST

START_TEST(test_code_info_unknown)
{
	struct bs_code_info in;
	struct bs_codes c;

	memset(&c, 0, sizeof(c));
	ck_assert(!bs_catalog_code_info(&c, &in));
	ck_assert_ptr_null(in.meaning);

	snprintf(c.enhanced, sizeof(c.enhanced), "5.7.606");
	ck_assert(bs_catalog_code_info(&c, &in));
	ck_assert_int_eq(in.known, BS_KNOWN_SUBJECT);
	ck_assert_int_eq(in.subject, 7);
	ck_assert_str_eq(in.subject_name, "security or policy");
	ck_assert_ptr_null(in.source);
	ck_assert_ptr_null(in.document);

	snprintf(c.enhanced, sizeof(c.enhanced), "5.12.345");
	ck_assert(bs_catalog_code_info(&c, &in));
	ck_assert_int_eq(in.known, BS_KNOWN_CLASS);
	ck_assert_int_eq(in.subject, 12);
	ck_assert_ptr_null(in.subject_name);
	ck_assert_str_eq(in.category, "5xx");
	ck_assert_str_eq(in.category_label, "permanent failure");

	snprintf(c.enhanced, sizeof(c.enhanced), "5.5.0");
	ck_assert(bs_catalog_code_info(&c, &in));
	ck_assert_str_eq(in.document, "5.5.0");
	ck_assert(!in.document_serves);
	ck_assert_str_eq(in.source, "RFC 3463");
}
END_TEST

START_TEST(test_category_label)
{
	ck_assert_str_eq(bs_catalog_category_label("1xx"),
	    "connection failure");
	ck_assert_str_eq(bs_catalog_category_label("4xx"),
	    "temporary failure");
	ck_assert_str_eq(bs_catalog_category_label("5xx"),
	    "permanent failure");
	ck_assert_ptr_null(bs_catalog_category_label("6xx"));
	ck_assert_ptr_null(bs_catalog_category_label(NULL));
}
END_TEST

/* Runs --explain on the codes given as arguments; the caller frees. */
static char *
explain(const char *const *args, size_t n)
{
	struct bs_codes codes[8];
	struct bs_diag d;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	ck_assert_uint_le(n, 8);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(bs_catalog_parse_code(args[i], &codes[i], &d),
		    BS_OK);
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(bs_report_explain(f, codes, n), 0);
	fclose(f);
	return buf;
}

START_TEST(test_explain_pair)
{
	static const char *const args[] = { "550", "5.1.1" };
	char *got = explain(args, 2);

	ck_assert_str_eq(got,
	    "550  reply code, category 5xx (permanent failure)\n"
	    "  document: 5.5.0\n"
	    "  standard: RFC 5321\n"
	    "  meaning:  The receiving side will not deliver to this mailbox: "
	    "unknown user or\n"
	    "            policy\n"
	    "  hint:     Read the enhanced code and text: check the address "
	    "first, then your\n"
	    "            IP and domain reputation or an outbound filter "
	    "appliance.\n"
	    "\n"
	    "5.1.1  enhanced status code, category 5xx (permanent failure)\n"
	    "  document: 5.1.1\n"
	    "  standard: RFC 3463\n"
	    "  subject:  1, addressing\n"
	    "  meaning:  No such mailbox: the user part of the address is "
	    "unknown at the\n"
	    "            destination\n"
	    "  hint:     Check the address for typos, and drop it from lists "
	    "if it keeps\n"
	    "            bouncing.\n");
	free(got);
}
END_TEST

START_TEST(test_explain_unregistered)
{
	static const char *const args[] = { "5.7.606", "432" };
	char *got = explain(args, 2);

	ck_assert_str_eq(got,
	    "5.7.606  enhanced status code, category 5xx (permanent "
	    "failure)\n"
	    "  document: none\n"
	    "  standard: not registered; meaning and hint are those of its "
	    "subject\n"
	    "  subject:  7, security or policy\n"
	    "  meaning:  Refused for security or policy reasons: "
	    "authentication, filtering,\n"
	    "            encryption\n"
	    "  hint:     Look the sending IP up on blocklists and check "
	    "reverse DNS, SPF,\n"
	    "            DKIM and DMARC, then read the receiver's published "
	    "policy.\n"
	    "\n"
	    "432  reply code, category 4xx (temporary failure)\n"
	    "  document: 4.3.2 (its text there is about the enhanced code "
	    "4.3.2)\n"
	    "  standard: RFC 4954\n"
	    "  meaning:  The user has to move to a new authentication "
	    "mechanism first\n"
	    "  hint:     Log in once with the PLAIN mechanism over TLS; the "
	    "requested\n"
	    "            mechanism works after that.\n");
	free(got);
}
END_TEST

static void
check_width(const char *code)
{
	const char *const args[] = { code };
	char *got = explain(args, 1), *line, *save = NULL;

	for (line = strtok_r(got, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		ck_assert_msg(strlen(line) <= 80, "%s: line too wide: %s",
		    code, line);
	free(got);
}

/* Every block the catalog can produce fits an 80-column terminal. */
START_TEST(test_explain_width)
{
	struct bs_catalog_row r;
	char code[16];
	size_t i;

	for (i = 0; bs_catalog_row(BS_CATALOG_DOCUMENT, i, &r); i++)
		if (r.key[0] != '3')
			check_width(r.key);
	for (i = 0; bs_catalog_row(BS_CATALOG_BASIC, i, &r); i++)
		check_width(r.key);
	for (i = 0; bs_catalog_row(BS_CATALOG_ENHANCED, i, &r); i++) {
		snprintf(code, sizeof(code), "4%s", r.key + 1);
		check_width(code);
	}
	check_width("5.12.345");
	check_width("599");
}
END_TEST

START_TEST(test_explain_write_error)
{
	struct bs_codes c;
	struct bs_diag d;
	FILE *f = fopen("/dev/null", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(bs_catalog_parse_code("550", &c, &d), BS_OK);
	ck_assert_int_eq(bs_report_explain(f, &c, 1), -1);
	fclose(f);
}
END_TEST

Suite *
catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("data");

	tcase_add_test(tc, test_document_keys);
	tcase_add_test(tc, test_counts);
	tcase_add_loop_test(tc, test_rows_wellformed, BS_CATALOG_DOCUMENT,
	    BS_CATALOG_CATEGORY + 1);
	tcase_add_test(tc, test_basic_rows_and_document);
	tcase_add_loop_test(tc, test_required_basic, 0,
	    sizeof(required_basic) / sizeof(required_basic[0]));
	tcase_add_test(tc, test_registry_complete);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookup");
	tcase_add_loop_test(tc, test_describe, 0,
	    sizeof(describe_cases) / sizeof(describe_cases[0]));
	tcase_add_loop_test(tc, test_parse_code, 0,
	    sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_test(tc, test_parse_code_null);
	tcase_add_test(tc, test_code_info_unknown);
	tcase_add_test(tc, test_category_label);
	suite_add_tcase(s, tc);

	tc = tcase_create("explain");
	tcase_add_test(tc, test_explain_pair);
	tcase_add_test(tc, test_explain_unregistered);
	tcase_add_test(tc, test_explain_width);
	tcase_add_test(tc, test_explain_write_error);
	suite_add_tcase(s, tc);
	return s;
}
