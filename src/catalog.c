/*
 * catalog.c - looking codes up in the catalog of src/catalog.def.
 *
 * The data is six static tables built from catalog.def by X-macros; this
 * file only searches them.  The tables are small (under 200 rows in all)
 * and a lookup runs once per report row, so a linear scan is fast enough
 * and keeps the data file free to follow the document's own order.
 * Nothing here allocates, prints or keeps state.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "safe.h"

/* Which reading of a document entry its text describes (see catalog.def). */
enum {
	SERVES_B = 1u << 0,	/* the basic reply XYZ */
	SERVES_E = 1u << 1,	/* the enhanced code X.Y.Z */
	SERVES_BE = SERVES_B | SERVES_E
};

struct category_row {
	const char *key;	/* "5xx" */
	const char *label, *meaning, *hint;
};

struct class_row {
	int digit;
	const char *key;
	const char *label, *meaning, *hint;
};

struct subject_row {
	int digit;
	const char *key;
	const char *name, *meaning, *hint;
};

struct doc_row {
	const char *key;	/* "5.1.1" */
	const char *category;
	unsigned serves;
	const char *meaning, *hint;
};

struct basic_row {
	int code;
	const char *key;	/* "550" */
	const char *source, *meaning, *hint;
};

struct enh_row {
	int subject, detail;
	const char *key;	/* "X.7.26" */
	const char *source, *meaning, *hint;
};

static const struct category_row category_rows[] = {
#define CATEGORY(key, label, meaning, hint) { key, label, meaning, hint },
#include "catalog.def"
};

static const struct class_row class_rows[] = {
#define CLASS(digit, label, meaning, hint) \
	{ digit, #digit, label, meaning, hint },
#include "catalog.def"
};

static const struct subject_row subject_rows[] = {
#define SUBJECT(digit, name, meaning, hint) \
	{ digit, #digit, name, meaning, hint },
#include "catalog.def"
};

static const struct doc_row doc_rows[] = {
#define DOC(key, category, serves, meaning, hint) \
	{ key, category, SERVES_##serves, meaning, hint },
#include "catalog.def"
};

static const struct basic_row basic_rows[] = {
#define BASIC(code, source, meaning, hint) \
	{ code, #code, source, meaning, hint },
#include "catalog.def"
};

static const struct enh_row enh_rows[] = {
#define ENH(subject, detail, source, meaning, hint) \
	{ subject, detail, "X." #subject "." #detail, source, meaning, hint },
#include "catalog.def"
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* A parsed enhanced code; subject and detail have one to three digits. */
struct enhanced {
	int cls, subject, detail;
};

/*
 * One code seen on its own: what it matches and what it means by itself.
 * A "weak" meaning is a registered X.S.0 code, which says no more than its
 * subject does, so a basic code's own meaning is preferred to it.  A
 * "failure_hint" is written for failures and does not fit a success code.
 */
struct view {
	int cls;		/* first digit; -1 when the code is absent */
	const struct category_row *category;
	const struct doc_row *doc;
	bool doc_serves;
	const char *source;
	const char *meaning, *hint;
	bool weak, failure_hint;
	int subject;		/* enhanced classes 2, 4, 5 only; else -1 */
	const struct subject_row *subj;
	const struct class_row *class;
};

/* One candidate source of meaning and hint, most specific first. */
struct candidate {
	const char *meaning, *hint;
	bool failure_hint;
};

/* Reads one to three digits at *p into *out and moves *p past them. */
static bool
parse_number(const char **p, int *out)
{
	const char *s = *p;
	int v = 0, n = 0;

	while (*s >= '0' && *s <= '9') {
		if (++n > 3)
			return false;
		v = v * 10 + (*s - '0');
		s++;
	}
	if (n == 0)
		return false;
	*p = s;
	*out = v;
	return true;
}

/*
 * Any class digit is taken here; the callers decide which classes they
 * accept, because the document's connection entries use class 1.
 */
static bool
parse_enhanced(const char *s, struct enhanced *e)
{
	if (s[0] < '0' || s[0] > '9' || s[1] != '.')
		return false;
	e->cls = s[0] - '0';
	s += 2;
	if (!parse_number(&s, &e->subject) || *s++ != '.')
		return false;
	return parse_number(&s, &e->detail) && *s == '\0';
}

static bool
parse_basic(const char *s, int *code)
{
	int i;

	for (i = 0; i < 3; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	if (s[3] != '\0')
		return false;
	*code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	return true;
}

static bool
enhanced_class(int cls)
{
	return cls == 2 || cls == 4 || cls == 5;
}

static const struct category_row *
category_find(int digit)
{
	size_t i;

	for (i = 0; i < NELEM(category_rows); i++)
		if (category_rows[i].key[0] - '0' == digit)
			return &category_rows[i];
	return NULL;
}

const char *
bs_catalog_category(const struct bs_codes *codes, unsigned connfail)
{
	const struct category_row *c = NULL;

	/* As bs_catalog_describe decides it: the basic code first. */
	if (codes->basic[0] >= '2' && codes->basic[0] <= '5')
		c = category_find(codes->basic[0] - '0');
	else if (codes->enhanced[0] >= '2' && codes->enhanced[0] <= '5')
		c = category_find(codes->enhanced[0] - '0');
	else if (connfail != 0)
		c = category_find(1);
	return c != NULL ? c->key : NULL;
}

static const struct class_row *
class_find(int digit)
{
	size_t i;

	for (i = 0; i < NELEM(class_rows); i++)
		if (class_rows[i].digit == digit)
			return &class_rows[i];
	return NULL;
}

static const struct subject_row *
subject_find(int digit)
{
	size_t i;

	for (i = 0; i < NELEM(subject_rows); i++)
		if (subject_rows[i].digit == digit)
			return &subject_rows[i];
	return NULL;
}

/* The document entry a.b.c; its entries all have single digits. */
static const struct doc_row *
doc_find(int a, int b, int c)
{
	char key[8];
	size_t i;

	if (a < 0 || a > 9 || b < 0 || b > 9 || c < 0 || c > 9)
		return NULL;
	snprintf(key, sizeof(key), "%d.%d.%d", a, b, c);
	for (i = 0; i < NELEM(doc_rows); i++)
		if (strcmp(doc_rows[i].key, key) == 0)
			return &doc_rows[i];
	return NULL;
}

static const struct basic_row *
basic_find(int code)
{
	size_t i;

	for (i = 0; i < NELEM(basic_rows); i++)
		if (basic_rows[i].code == code)
			return &basic_rows[i];
	return NULL;
}

static const struct enh_row *
enh_find(int subject, int detail)
{
	size_t i;

	for (i = 0; i < NELEM(enh_rows); i++)
		if (enh_rows[i].subject == subject &&
		    enh_rows[i].detail == detail)
			return &enh_rows[i];
	return NULL;
}

static void
view_clear(struct view *v)
{
	memset(v, 0, sizeof(*v));
	v->cls = -1;
	v->subject = -1;
}

static void
view_basic(const char *s, struct view *v)
{
	const struct basic_row *br;
	int code;

	view_clear(v);
	if (!parse_basic(s, &code))
		return;
	v->cls = code / 100;
	v->category = category_find(v->cls);
	v->doc = doc_find(code / 100, code / 10 % 10, code % 10);
	v->doc_serves = v->doc != NULL && (v->doc->serves & SERVES_B);
	br = basic_find(code);
	v->source = br != NULL ? br->source : NULL;
	if (v->doc_serves) {
		v->meaning = v->doc->meaning;
		v->hint = v->doc->hint;
	} else if (br != NULL && br->meaning[0] != '\0') {
		v->meaning = br->meaning;
		v->hint = br->hint;
	}
}

static void
view_enhanced(const char *s, struct view *v)
{
	const struct enh_row *er = NULL;
	struct enhanced e;

	view_clear(v);
	if (!parse_enhanced(s, &e))
		return;
	v->cls = e.cls;
	v->category = category_find(e.cls);
	v->doc = doc_find(e.cls, e.subject, e.detail);
	v->doc_serves = v->doc != NULL && (v->doc->serves & SERVES_E);
	if (enhanced_class(e.cls)) {
		v->class = class_find(e.cls);
		v->subject = e.subject;
		v->subj = subject_find(e.subject);
		er = enh_find(e.subject, e.detail);
	}
	v->source = er != NULL ? er->source : NULL;
	if (v->doc_serves) {
		v->meaning = v->doc->meaning;
		v->hint = v->doc->hint;
	} else if (er != NULL) {
		v->meaning = er->meaning;
		v->hint = er->hint;
		v->weak = e.detail == 0;
		v->failure_hint = true;
	}
}

/*
 * The first candidate with a meaning gives the meaning; the first with a
 * hint that fits the outcome gives the hint, so that a success never gets
 * advice written for a failure.
 */
static void
pick(const struct candidate *c, size_t n, bool failure, const char **meaning,
    const char **hint)
{
	size_t i;

	*meaning = NULL;
	*hint = NULL;
	for (i = 0; i < n; i++) {
		if (*meaning == NULL && c[i].meaning != NULL)
			*meaning = c[i].meaning;
		if (*hint == NULL && c[i].hint != NULL &&
		    c[i].hint[0] != '\0' && (failure || !c[i].failure_hint))
			*hint = c[i].hint;
	}
}

static void
add_candidate(struct candidate *c, size_t *n, const char *meaning,
    const char *hint, bool failure_hint)
{
	if (meaning == NULL)
		return;
	c[*n].meaning = meaning;
	c[*n].hint = hint;
	c[*n].failure_hint = failure_hint;
	(*n)++;
}

static void
add_document(struct bs_description *out, const struct doc_row *doc)
{
	size_t i;

	if (doc == NULL || out->ndocument == BS_DOC_MAX)
		return;
	for (i = 0; i < out->ndocument; i++)
		if (strcmp(out->document[i], doc->key) == 0)
			return;
	out->document[out->ndocument++] = doc->key;
}

void
bs_catalog_describe(const struct bs_codes *codes, unsigned connfail,
    struct bs_description *out)
{
	struct candidate c[8];
	const struct doc_row *refused = doc_find(1, 1, 1);
	const struct doc_row *failed = doc_find(1, 0, 1);
	const struct category_row *category;
	struct view b, e;
	size_t n = 0;
	int cls;

	memset(out, 0, sizeof(*out));
	view_basic(codes->basic, &b);
	view_enhanced(codes->enhanced, &e);

	add_document(out, b.doc);
	add_document(out, e.doc);
	if (connfail & BS_CONN_REFUSED)
		add_document(out, refused);
	if (connfail & BS_CONN_FAILED)
		add_document(out, failed);

	/* The basic code decides the category when there is one. */
	if (b.cls >= 0) {
		cls = b.cls;
		category = b.category;
	} else if (e.cls >= 0) {
		cls = e.cls;
		category = e.category;
	} else {
		cls = -1;
		category = connfail != 0 ? category_find(1) : NULL;
	}
	out->category = category != NULL ? category->key : NULL;
	out->basic_meaning = b.meaning;
	out->enhanced_meaning = e.meaning;

	if (!e.weak)
		add_candidate(c, &n, e.meaning, e.hint, e.failure_hint);
	add_candidate(c, &n, b.meaning, b.hint, false);
	if (e.weak)
		add_candidate(c, &n, e.meaning, e.hint, e.failure_hint);
	if (e.subj != NULL)
		add_candidate(c, &n, e.subj->meaning, e.subj->hint, true);
	if (cls < 0 && (connfail & BS_CONN_REFUSED) && refused != NULL)
		add_candidate(c, &n, refused->meaning, refused->hint, false);
	if (cls < 0 && (connfail & BS_CONN_FAILED) && failed != NULL)
		add_candidate(c, &n, failed->meaning, failed->hint, false);
	if (b.cls < 0 && e.class != NULL)
		add_candidate(c, &n, e.class->meaning, e.class->hint, false);
	else if (category != NULL)
		add_candidate(c, &n, category->meaning, category->hint, false);
	pick(c, n, cls == 4 || cls == 5, &out->meaning, &out->hint);
}

bool
bs_catalog_code_info(const struct bs_codes *code, struct bs_code_info *info)
{
	struct candidate c[4];
	struct view v;
	size_t n = 0;

	memset(info, 0, sizeof(*info));
	info->subject = -1;
	info->known = BS_KNOWN_NOTHING;
	view_basic(code->basic, &v);
	if (v.cls < 0)
		view_enhanced(code->enhanced, &v);
	if (v.cls < 0)
		return false;

	if (v.category != NULL) {
		info->category = v.category->key;
		info->category_label = v.category->label;
	}
	if (v.doc != NULL) {
		info->document = v.doc->key;
		info->document_serves = v.doc_serves;
	}
	info->source = v.source;
	info->subject = v.subject;
	if (v.subj != NULL)
		info->subject_name = v.subj->name;

	add_candidate(c, &n, v.meaning, v.hint, v.failure_hint);
	if (v.meaning != NULL)
		info->known = BS_KNOWN_CODE;
	else if (v.subj != NULL)
		info->known = BS_KNOWN_SUBJECT;
	else if (v.class != NULL || v.category != NULL)
		info->known = BS_KNOWN_CLASS;
	if (v.subj != NULL)
		add_candidate(c, &n, v.subj->meaning, v.subj->hint, true);
	if (v.class != NULL)
		add_candidate(c, &n, v.class->meaning, v.class->hint, false);
	else if (v.category != NULL)
		add_candidate(c, &n, v.category->meaning, v.category->hint,
		    false);
	pick(c, n, v.cls == 4 || v.cls == 5, &info->meaning, &info->hint);
	return true;
}

const char *
bs_catalog_category_label(const char *category)
{
	size_t i;

	if (category == NULL)
		return NULL;
	for (i = 0; i < NELEM(category_rows); i++)
		if (strcmp(category_rows[i].key, category) == 0)
			return category_rows[i].label;
	return NULL;
}

/* Longest part of a rejected argument quoted back to the operator. */
#define ECHO_MAX 40

bs_status
bs_catalog_parse_code(const char *arg, struct bs_codes *out,
    struct bs_diag *d)
{
	char echo[ECHO_MAX * 4 + 8];
	const char *note;
	struct enhanced e;
	size_t len, n;
	int code;

	memset(out, 0, sizeof(*out));
	if (arg == NULL)
		return bs_diag_set(d, BS_ERR_USAGE, "", 0,
		    "no status code given");
	if (parse_basic(arg, &code) && code >= 200 && code <= 599) {
		memcpy(out->basic, arg, 4);
		return BS_OK;
	}
	/*
	 * Store the canonical form, without leading zeros, so that "5.01.1"
	 * is looked up and shown as the 5.1.1 it stands for.
	 */
	if (parse_enhanced(arg, &e) && (enhanced_class(e.cls) ||
	    (e.cls == 1 && doc_find(e.cls, e.subject, e.detail) != NULL))) {
		snprintf(out->enhanced, sizeof(out->enhanced), "%d.%d.%d",
		    e.cls, e.subject, e.detail);
		return BS_OK;
	}

	if (strpbrk(arg, " \t") != NULL)
		note = "give each code as an argument of its own";
	else if (parse_basic(arg, &code) && code < 200 &&
	    doc_find(code / 100, code / 10 % 10, code % 10) != NULL)
		note = "the document's connection entries are written 1.0.1 "
		    "and 1.1.1";
	else if (parse_enhanced(arg, &e) && e.cls == 3)
		note = "enhanced codes have class 2, 4 or 5; for reply 354 "
		    "use 354";
	else
		note = "expected a reply code such as 550 or an enhanced "
		    "code such as 5.1.1";
	/* The argument may hold anything; quote a short, harmless part. */
	len = strlen(arg);
	n = bs_safe_term(echo, sizeof(echo) - 4, arg,
	    len > ECHO_MAX ? ECHO_MAX : len);
	if (len > ECHO_MAX)
		memcpy(echo + n, "...", 4);
	return bs_diag_set(d, BS_ERR_USAGE, "", 0,
	    "not a status code: '%s' (%s)", echo, note);
}

size_t
bs_catalog_count(enum bs_catalog_table t)
{
	switch (t) {
	case BS_CATALOG_DOCUMENT:
		return NELEM(doc_rows);
	case BS_CATALOG_BASIC:
		return NELEM(basic_rows);
	case BS_CATALOG_ENHANCED:
		return NELEM(enh_rows);
	case BS_CATALOG_SUBJECT:
		return NELEM(subject_rows);
	case BS_CATALOG_CLASS:
		return NELEM(class_rows);
	case BS_CATALOG_CATEGORY:
		return NELEM(category_rows);
	}
	return 0;
}

bool
bs_catalog_row(enum bs_catalog_table t, size_t i, struct bs_catalog_row *row)
{
	memset(row, 0, sizeof(*row));
	if (i >= bs_catalog_count(t))
		return false;
	switch (t) {
	case BS_CATALOG_DOCUMENT:
		*row = (struct bs_catalog_row){ doc_rows[i].key,
		    doc_rows[i].category, doc_rows[i].meaning,
		    doc_rows[i].hint };
		break;
	case BS_CATALOG_BASIC:
		*row = (struct bs_catalog_row){ basic_rows[i].key,
		    basic_rows[i].source, basic_rows[i].meaning,
		    basic_rows[i].hint };
		break;
	case BS_CATALOG_ENHANCED:
		*row = (struct bs_catalog_row){ enh_rows[i].key,
		    enh_rows[i].source, enh_rows[i].meaning,
		    enh_rows[i].hint };
		break;
	case BS_CATALOG_SUBJECT:
		*row = (struct bs_catalog_row){ subject_rows[i].key,
		    subject_rows[i].name, subject_rows[i].meaning,
		    subject_rows[i].hint };
		break;
	case BS_CATALOG_CLASS:
		*row = (struct bs_catalog_row){ class_rows[i].key,
		    class_rows[i].label, class_rows[i].meaning,
		    class_rows[i].hint };
		break;
	case BS_CATALOG_CATEGORY:
		*row = (struct bs_catalog_row){ category_rows[i].key,
		    category_rows[i].label, category_rows[i].meaning,
		    category_rows[i].hint };
		break;
	}
	return true;
}
