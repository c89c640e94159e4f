/*
 * fuzz_report.c - libFuzzer target: every writer over an aggregate built
 * from arbitrary events, each output checked by a strict reader.
 *
 * The fuzz input is read as lines.  A line "I<path>|<error text>" adds an
 * input (its error goes through bs_diag_set, as run.c records it); any
 * other line is an event: its first byte picks the kind, the rest is
 * "basic|enhanced|message id|reply|connfail".  Events go into two
 * aggregates (with --detail): one gets the codes exactly as given, bytes
 * of any value (as a replacement codes.pat could capture them), the other
 * only codes of DESIGN.md's shapes, as the built-in patterns produce.
 *
 * Checked, for every input bytes:
 *   - JSON: the whole document passes a strict RFC 8259 reader (valid
 *     UTF-8, escapes, no lone surrogates, nothing after the value), and
 *     has no control byte a terminal would act on;
 *   - CSV: CRLF records of exactly ten quoted cells, "" the only quote
 *     inside a cell, no control character and no formula opener
 *     (= + - @ tab CR) at the start of a cell;
 *   - Prometheus: every line is "# HELP", "# TYPE" or a sample with
 *     well-formed names, label values escaped as the format says, valid
 *     UTF-8, and no series twice;
 *   - text (built-in code shapes) and --explain: nothing but printable
 *     UTF-8 and newlines.
 */
#define _GNU_SOURCE 1
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "agg.h"
#include "catalog.h"
#include "fuzz_common.h"
#include "report.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* --- a strict JSON reader (RFC 8259) ------------------------------------ */

struct fz_json {
	const unsigned char *s;
	size_t n, i;
	int depth;
};

static void
fz_json_ws(struct fz_json *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
	    j->s[j->i] == '\n' || j->s[j->i] == '\r'))
		j->i++;
}

static bool
fz_json_lit(struct fz_json *j, const char *lit)
{
	size_t l = strlen(lit);

	if (j->n - j->i < l || memcmp(j->s + j->i, lit, l) != 0)
		return false;
	j->i += l;
	return true;
}

static bool
fz_json_u4(struct fz_json *j, uint32_t *u)
{
	size_t k;

	*u = 0;
	if (j->n - j->i < 4)
		return false;
	for (k = 0; k < 4; k++) {
		int v = oracle_hexval(j->s[j->i + k]);

		if (v < 0)
			return false;
		*u = *u << 4 | (uint32_t)v;
	}
	j->i += 4;
	return true;
}

static bool
fz_json_string(struct fz_json *j)
{
	uint32_t cp, lo;
	size_t len;

	if (j->i >= j->n || j->s[j->i] != '"')
		return false;
	j->i++;
	while (j->i < j->n) {
		unsigned char c = j->s[j->i];

		if (c == '"') {
			j->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c != '\\') {
			len = oracle_utf8(j->s + j->i, j->n - j->i, &cp);
			if (len == 0)
				return false;
			j->i += len;
			continue;
		}
		if (++j->i >= j->n)
			return false;
		c = j->s[j->i++];
		if (strchr("\"\\/bfnrt", c) != NULL && c != '\0')
			continue;
		if (c != 'u' || !fz_json_u4(j, &cp))
			return false;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return false;		/* a lone low surrogate */
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (!fz_json_lit(j, "\\u") || !fz_json_u4(j, &lo) ||
			    lo < 0xdc00 || lo > 0xdfff)
				return false;
		}
	}
	return false;
}

static bool
fz_json_number(struct fz_json *j)
{
	size_t start;

	if (j->i < j->n && j->s[j->i] == '-')
		j->i++;
	if (j->i >= j->n)
		return false;
	if (j->s[j->i] == '0')
		j->i++;
	else if (j->s[j->i] >= '1' && j->s[j->i] <= '9')
		while (j->i < j->n && fz_digit((char)j->s[j->i]))
			j->i++;
	else
		return false;
	if (j->i < j->n && j->s[j->i] == '.') {
		start = ++j->i;
		while (j->i < j->n && fz_digit((char)j->s[j->i]))
			j->i++;
		if (j->i == start)
			return false;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		start = j->i;
		while (j->i < j->n && fz_digit((char)j->s[j->i]))
			j->i++;
		if (j->i == start)
			return false;
	}
	return true;
}

static bool fz_json_value(struct fz_json *j);

static bool
fz_json_container(struct fz_json *j, char close, bool object)
{
	j->i++;
	fz_json_ws(j);
	if (j->i < j->n && j->s[j->i] == (unsigned char)close) {
		j->i++;
		return true;
	}
	for (;;) {
		if (object) {
			fz_json_ws(j);
			if (!fz_json_string(j))
				return false;
			fz_json_ws(j);
			if (j->i >= j->n || j->s[j->i] != ':')
				return false;
			j->i++;
		}
		if (!fz_json_value(j))
			return false;
		fz_json_ws(j);
		if (j->i >= j->n)
			return false;
		if (j->s[j->i] == (unsigned char)close) {
			j->i++;
			return true;
		}
		if (j->s[j->i] != ',')
			return false;
		j->i++;
	}
}

static bool
fz_json_value(struct fz_json *j)
{
	bool ok;

	fz_json_ws(j);
	if (j->i >= j->n || ++j->depth > 64)
		return false;
	switch (j->s[j->i]) {
	case '{':
		ok = fz_json_container(j, '}', true);
		break;
	case '[':
		ok = fz_json_container(j, ']', false);
		break;
	case '"':
		ok = fz_json_string(j);
		break;
	case 't':
		ok = fz_json_lit(j, "true");
		break;
	case 'f':
		ok = fz_json_lit(j, "false");
		break;
	case 'n':
		ok = fz_json_lit(j, "null");
		break;
	default:
		ok = fz_json_number(j);
	}
	j->depth--;
	return ok;
}

/* True if out[0..n) is exactly one JSON value; *at is where it broke. */
static bool
fz_json_valid(const char *out, size_t n, size_t *at)
{
	struct fz_json j = { (const unsigned char *)out, n, 0, 0 };
	bool ok = fz_json_value(&j);

	fz_json_ws(&j);
	*at = j.i;
	return ok && j.i == n;
}

/* --- CSV (RFC 4180 as report_csv.c writes it) --------------------------- */

static void
fz_check_csv(const char *s, size_t n, size_t nrows)
{
	static const char header[] = "kind,basic,enhanced,count,messages,"
	    "messages_estimated,category,document,meaning,hint,period_first,"
	    "period_last\r\n";
	size_t i = sizeof(header) - 1, rows = 0, cells, bad;

	FZ_ASSERT(n >= i && memcmp(s, header, i) == 0, "CSV header differs");
	while (i < n) {
		for (cells = 0;; cells++) {
			size_t start;

			FZ_ASSERT(i < n && s[i] == '"', "CSV row %zu cell %zu "
			    "is not quoted", rows, cells);
			start = ++i;
			for (;;) {
				const char *q = memchr(s + i, '"', n - i);

				FZ_ASSERT(q != NULL, "CSV cell not closed");
				i = (size_t)(q - s) + 1;
				if (i < n && s[i] == '"') {
					i++;
					continue;
				}
				break;
			}
			/* s[start .. i-1) is the cell, "" doubled. */
			FZ_ASSERT(fz_term_safe(s + start, i - 1 - start, NULL,
			    &bad), "CSV row %zu cell %zu: unsafe byte at %zu",
			    rows, cells, bad);
			if (i - 1 > start)
				FZ_ASSERT(strchr("=+-@\t\r", s[start]) == NULL,
				    "CSV row %zu cell %zu opens a formula",
				    rows, cells);
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			FZ_ASSERT(n - i >= 2 && s[i] == '\r' &&
			    s[i + 1] == '\n', "CSV row %zu: no CRLF after "
			    "cell %zu", rows, cells);
			i += 2;
			break;
		}
		FZ_ASSERT(cells + 1 == 12, "CSV row %zu has %zu cells", rows,
		    cells + 1);
		rows++;
	}
	FZ_ASSERT(rows == nrows, "CSV has %zu rows for %zu code rows", rows,
	    nrows);
}

/* --- Prometheus text exposition format 0.0.4 ---------------------------- */

static bool
fz_prom_name(const char *s, size_t n, size_t *i, bool metric)
{
	size_t start = *i;

	while (*i < n && ((s[*i] >= 'a' && s[*i] <= 'z') ||
	    (s[*i] >= 'A' && s[*i] <= 'Z') || s[*i] == '_' ||
	    (metric && s[*i] == ':') ||
	    (*i > start && fz_digit(s[*i]))))
		(*i)++;
	return *i > start;
}

/*
 * Check one exposition; with unique, no series (name and labels as
 * written) may appear twice.
 */
static void
fz_check_prom(const char *s, size_t n, bool unique)
{
	size_t i = 0, bad, nseries = 0, k;
	size_t *starts = NULL, *lens = NULL;

	FZ_ASSERT(fz_term_safe(s, n, "\n", &bad), "Prometheus output unsafe "
	    "at byte %zu", bad);
	FZ_ASSERT(n > 0 && s[n - 1] == '\n', "Prometheus output does not end "
	    "in a newline");
	while (i < n) {
		size_t line = i, end = (size_t)((const char *)memchr(s + i,
		    '\n', n - i) - s);

		if (s[i] == '#') {
			FZ_ASSERT((end - i > 7 && memcmp(s + i, "# HELP ", 7) ==
			    0) || (end - i > 7 && memcmp(s + i, "# TYPE ", 7) ==
			    0), "Prometheus comment at %zu", i);
			i = end + 1;
			continue;
		}
		FZ_ASSERT(fz_prom_name(s, end, &i, true), "Prometheus sample "
		    "without a name at %zu", line);
		if (i < end && s[i] == '{') {
			i++;
			for (;;) {
				FZ_ASSERT(fz_prom_name(s, end, &i, false) &&
				    i + 1 < end && s[i] == '=' &&
				    s[i + 1] == '"', "Prometheus label at %zu",
				    i);
				for (i += 2; i < end && s[i] != '"'; i++)
					if (s[i] == '\\') {
						i++;
						FZ_ASSERT(i < end &&
						    strchr("\\\"n", s[i]) &&
						    s[i] != '\0', "Prometheus "
						    "escape at %zu", i);
					}
				FZ_ASSERT(i < end, "Prometheus label value not "
				    "closed at %zu", line);
				i++;
				if (s[i] == ',') {
					i++;
					continue;
				}
				FZ_ASSERT(s[i] == '}', "Prometheus labels not "
				    "closed at %zu", i);
				i++;
				break;
			}
		}
		if (unique) {
			for (k = 0; k < nseries; k++)
				FZ_ASSERT(lens[k] != i - line || memcmp(s +
				    starts[k], s + line, i - line) != 0,
				    "Prometheus series repeated: %.*s",
				    (int)(i - line), s + line);
			starts = realloc(starts, (nseries + 1) *
			    sizeof(*starts));
			lens = realloc(lens, (nseries + 1) * sizeof(*lens));
			if (starts == NULL || lens == NULL)
				FZ_FAIL("out of memory");
			starts[nseries] = line;
			lens[nseries++] = i - line;
		}
		FZ_ASSERT(i < end && s[i] == ' ', "Prometheus sample without "
		    "a value at %zu", line);
		for (i++; i < end; i++)
			FZ_ASSERT(fz_digit(s[i]), "Prometheus value at %zu", i);
		i = end + 1;
	}
	free(starts);
	free(lens);
}

/* --- building the aggregates ------------------------------------------- */

/* The next '|'-separated field of line[*pos..len). */
static void
fz_field(const char *line, size_t len, size_t *pos, const char **f,
    size_t *fl)
{
	const char *bar = *pos < len ? memchr(line + *pos, '|', len - *pos) :
	    NULL;
	size_t end = bar != NULL ? (size_t)(bar - line) : len;

	*f = line + (*pos < len ? *pos : len);
	*fl = end - (*pos < len ? *pos : len);
	*pos = end < len ? end + 1 : len;
}

struct fz_build {
	struct bs_agg *raw;	/* codes as given */
	struct bs_agg *shaped;	/* only codes of the documented shapes */
	bool any_input;
};

static void
fz_copy(char *dst, size_t dstsz, const char *s, size_t n)
{
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static bool
fz_build_line(void *ctx, const char *line, size_t len, uint64_t lineno,
    bool cut)
{
	struct fz_build *b = ctx;
	struct bs_event ev;
	const char *f;
	size_t fl, pos = 1;

	(void)lineno;
	(void)cut;
	if (len == 0)
		return true;
	if (line[0] == 'I') {
		char path[300];
		struct bs_diag d;
		long i1, i2;

		fz_field(line, len, &pos, &f, &fl);
		fz_copy(path, sizeof(path), f, fl);
		i1 = bs_agg_input_add(b->raw, path);
		i2 = bs_agg_input_add(b->shaped, path);
		FZ_ASSERT(i1 >= 0 && i2 >= 0, "out of memory");
		fz_field(line, len, &pos, &f, &fl);
		if (fl > 0) {
			struct bs_input_stats *s1, *s2;

			bs_diag_set(&d, BS_ERR_IO, path, 0, "%.*s", (int)fl,
			    f);
			s1 = bs_agg_input_stats(b->raw, (size_t)i1);
			s2 = bs_agg_input_stats(b->shaped, (size_t)i2);
			snprintf(s1->error, sizeof(s1->error), "%s", d.msg);
			snprintf(s2->error, sizeof(s2->error), "%s", d.msg);
			s1->format = s2->format = lineno % 2 ? "postfix" :
			    NULL;
			s1->lines = s2->lines = lineno;
		}
		b->any_input = true;
		return true;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = (enum bs_kind)((unsigned char)line[0] % BS_KIND_COUNT);
	fz_field(line, len, &pos, &f, &fl);
	fz_copy(ev.codes.basic, sizeof(ev.codes.basic), f, fl);
	fz_field(line, len, &pos, &f, &fl);
	fz_copy(ev.codes.enhanced, sizeof(ev.codes.enhanced), f, fl);
	fz_field(line, len, &pos, &f, &fl);
	ev.msgid = fl > 0 ? f : NULL;
	ev.msgid_len = fl;
	fz_field(line, len, &pos, &f, &fl);
	ev.reply = fl > 0 ? f : NULL;
	ev.reply_len = fl;
	fz_field(line, len, &pos, &f, &fl);
	ev.connfail = fl > 0 ? (unsigned)(f[0] & 3) : 0;
	FZ_ASSERT(bs_agg_event(b->raw, &ev) == BS_OK, "bs_agg_event failed");
	if (!fz_basic_ok(ev.codes.basic))
		ev.codes.basic[0] = '\0';
	if (!fz_enhanced_ok(ev.codes.enhanced))
		ev.codes.enhanced[0] = '\0';
	FZ_ASSERT(bs_agg_event(b->shaped, &ev) == BS_OK,
	    "bs_agg_event failed");
	return true;
}

/* --- running the writers ------------------------------------------------ */

enum fz_writer { FZ_TEXT, FZ_JSON, FZ_CSV, FZ_PROM };

/* prom: a follow run's Prometheus state (counters), or NULL. */
static char *
fz_write(enum fz_writer w, const struct bs_agg *a, bool detail, size_t *n,
    struct bs_prom_state *prom)
{
	struct bs_report_opts o = { .detail = detail, .width = 80,
	    .prom = prom };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, n);
	int rc = -1;

	if (f == NULL)
		FZ_FAIL("open_memstream failed");
	switch (w) {
	case FZ_TEXT:
		rc = bs_report_text(f, a, &o);
		break;
	case FZ_JSON:
		rc = bs_report_json(f, a, &o);
		break;
	case FZ_CSV:
		rc = bs_report_csv(f, a, &o);
		break;
	case FZ_PROM:
		o.now = 1795867200;
		rc = bs_report_prom(f, a, &o);
		break;
	}
	FZ_ASSERT(rc == 0, "writer %d failed", (int)w);
	if (fclose(f) != 0)
		FZ_FAIL("fclose failed");
	return buf;
}

static void
fz_check_prom_follow(const struct bs_agg *a, bool detail)
{
	struct bs_prom_state *st = bs_prom_state_new();
	size_t n;
	char *out;
	int r;

	if (st == NULL)
		FZ_FAIL("out of memory");
	for (r = 0; r < 2; r++) {
		out = fz_write(FZ_PROM, a, detail, &n, st);
		fz_check_prom(out, n, true);
		FZ_ASSERT(strstr(out, "# TYPE bouncestat_kind_events_total "
		    "counter\n") != NULL, "follow run without counters");
		free(out);
	}
	bs_prom_state_free(st);
}

static void
fz_check_writers(const struct bs_agg *a, bool shaped)
{
	int detail;
	size_t n, at;
	char *out;

	for (detail = 0; detail < 2; detail++) {
		out = fz_write(FZ_JSON, a, detail, &n, NULL);
		FZ_ASSERT(fz_json_valid(out, n, &at), "invalid JSON at byte "
		    "%zu: %.40s", at, out + (at < n ? at : n));
		FZ_ASSERT(fz_term_safe(out, n, "\n", &at), "JSON unsafe for a "
		    "terminal at byte %zu", at);
		free(out);
		out = fz_write(FZ_CSV, a, detail, &n, NULL);
		fz_check_csv(out, n, bs_agg_nrows(a));
		free(out);
		/*
		 * No series repeats, whatever the labels escape to
		 * (report_prom.c sums those); nor in two reports of a follow
		 * run, the first of them all zeros.
		 */
		out = fz_write(FZ_PROM, a, detail, &n, NULL);
		fz_check_prom(out, n, true);
		free(out);
		fz_check_prom_follow(a, detail);
		if (!shaped)
			continue;
		out = fz_write(FZ_TEXT, a, detail, &n, NULL);
		FZ_ASSERT(fz_term_safe(out, n, "\n", &at), "text report "
		    "unsafe for a terminal at byte %zu: %.40s", at, out + at);
		free(out);
	}
}

/* --explain on each space-separated word of the first line. */
static void
fz_explain(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t len = nl != NULL ? (size_t)(nl - s) : size, i = 0, at, n;
	struct bs_codes codes[8];
	size_t ncodes = 0;
	struct bs_diag d;
	char *out = NULL;
	FILE *f;

	while (i < len && ncodes < 8) {
		const char *sp = memchr(s + i, ' ', len - i);
		size_t end = sp != NULL ? (size_t)(sp - s) : len;
		char arg[64];

		fz_copy(arg, sizeof(arg), s + i, end - i);
		i = end + 1;
		bs_diag_clear(&d);
		if (bs_catalog_parse_code(arg, &codes[ncodes], &d) == BS_OK)
			ncodes++;
		else
			fz_check_diag(&d);
	}
	f = open_memstream(&out, &n);
	if (f == NULL)
		FZ_FAIL("open_memstream failed");
	FZ_ASSERT(bs_report_explain(f, codes, ncodes) == 0, "explain failed");
	fclose(f);
	FZ_ASSERT(fz_term_safe(out, n, "\n", &at), "--explain output unsafe "
	    "at byte %zu", at);
	free(out);
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct fz_build b = { bs_agg_new(true), bs_agg_new(true), false };

	if (b.raw == NULL || b.shaped == NULL)
		FZ_FAIL("out of memory");
	fz_each_line(data, size, fz_build_line, &b);
	if (!b.any_input) {
		FZ_ASSERT(bs_agg_input_add(b.raw, "mail.log") >= 0 &&
		    bs_agg_input_add(b.shaped, "mail.log") >= 0,
		    "out of memory");
	}
	bs_agg_finish(b.raw);
	bs_agg_finish(b.shaped);
	fz_check_writers(b.raw, false);
	fz_check_writers(b.shaped, true);
	bs_agg_free(b.raw);
	bs_agg_free(b.shaped);
	fz_explain(data, size);
	return 0;
}
