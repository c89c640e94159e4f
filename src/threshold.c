/*
 * threshold.c - --fail-on expressions: parsing them once, before any input
 * is read, and testing them against the finished aggregate.
 *
 * Counts are compared as exact integers; percentages as count * 100
 * against value * total, so that "deferred>5%" is not at the mercy of a
 * rounded quotient.  A share of nothing (no delivery outcomes, no events)
 * is undefined and crosses no threshold, "<" included: an idle night is
 * not an alarm by percentage (use a count, "delivered<1", for that).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "agg.h"
#include "threshold.h"

/* bs_threshold.metric: a kind (0 .. BS_KIND_COUNT-1) or one of these. */
enum {
	M_EVENTS = BS_KIND_COUNT,
	M_CODE
};

enum { OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ };

/* Counts up to 15 digits stay exact in a double. */
#define NUM_DIGITS	15

/* Appended to format strings, hence the doubled percent sign. */
#define GRAMMAR "expected METRIC OP NUMBER[%%] with METRIC one of " \
	"events, delivered, deferred, bounced, expired, rejected, " \
	"code:CODE and OP one of >, >=, <, <=, =="

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * A basic code pattern: one to three characters of digits and "*", the
 * first a class (2-5) or "*"; without a star exactly three digits.
 */
static bool
basic_pattern(const char *p, size_t n)
{
	size_t i;
	bool star = false;

	if (n == 0 || n > 3)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] == '*')
			star = true;
		else if (!is_digit(p[i]))
			return false;
	}
	if (p[0] != '*' && (p[0] < '2' || p[0] > '5'))
		return false;
	return star || n == 3;
}

/*
 * An enhanced code pattern: class.subject.detail, each part one to three
 * digits or "*", the class 2, 4, 5 or "*" (no other class exists).
 */
static bool
enhanced_pattern(const char *p, size_t n)
{
	size_t i = 0, part, len;

	for (part = 0; part < 3; part++) {
		if (part > 0 && (i >= n || p[i++] != '.'))
			return false;
		if (i < n && p[i] == '*') {
			i++;
			continue;
		}
		for (len = 0; i < n && is_digit(p[i]) && len < 4; len++)
			i++;
		if (len == 0 || len > 3)
			return false;
		if (part == 0 && (len != 1 || (p[i - 1] != '2' &&
		    p[i - 1] != '4' && p[i - 1] != '5')))
			return false;
	}
	return i == n;
}

/*
 * A non-negative decimal number, a fraction allowed only for percentages.
 * Hand-made rather than strtod, which would also take "inf", "0x1p3",
 * "1e9" and leading blanks.
 */
static bool
number(const char *s, size_t n, bool percent, double *out)
{
	double v = 0, scale = 1;
	size_t i = 0, digits = 0;

	for (; i < n && is_digit(s[i]); i++, digits++)
		v = v * 10 + (s[i] - '0');
	if (digits == 0 || digits > NUM_DIGITS)
		return false;
	if (i < n && s[i] == '.' && percent) {
		for (i++, digits = 0; i < n && is_digit(s[i]); i++, digits++)
			v += (s[i] - '0') * (scale /= 10);
		if (digits == 0 || digits > 6)
			return false;
	}
	*out = v;
	return i == n;
}

bs_status
bs_threshold_parse(const char *expr, struct bs_threshold *t,
    struct bs_diag *d)
{
	static const char *const kinds[BS_KIND_COUNT] = {
		"delivered", "deferred", "bounced", "expired", "rejected"
	};
	const char *s = expr, *m, *num;
	size_t n = strlen(expr), mlen, i, numlen;
	int k;

	memset(t, 0, sizeof(*t));
	while (n > 0 && is_space(s[0]))
		s++, n--;
	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (n == 0)
		return bs_diag_set(d, BS_ERR_USAGE, "", 0,
		    "--fail-on needs an expression: " GRAMMAR);
	if (n >= sizeof(t->text))
		return bs_diag_set(d, BS_ERR_USAGE, "", 0, "--fail-on '%.40s"
		    "...': longer than %zu characters", s,
		    sizeof(t->text) - 1);
	memcpy(t->text, s, n);
	t->text[n] = '\0';
	s = t->text;

	/* The metric runs up to the operator or a blank. */
	m = s;
	for (i = 0; i < n && !is_space(s[i]) && strchr("<>=", s[i]) == NULL;
	    i++)
		;
	mlen = i;
	t->metric = -1;
	if (mlen == 6 && memcmp(m, "events", 6) == 0)
		t->metric = M_EVENTS;
	for (k = 0; k < BS_KIND_COUNT && t->metric < 0; k++)
		if (mlen == strlen(kinds[k]) && memcmp(m, kinds[k], mlen) == 0)
			t->metric = k;
	if (t->metric < 0 && mlen > 5 && memcmp(m, "code:", 5) == 0) {
		const char *c = m + 5;
		size_t clen = mlen - 5;

		if (clen >= sizeof(t->code) ||
		    (memchr(c, '.', clen) != NULL ?
		    !enhanced_pattern(c, clen) : !basic_pattern(c, clen)))
			return bs_diag_set(d, BS_ERR_USAGE, "", 0,
			    "--fail-on '%s': '%.*s' is not a status code "
			    "pattern (basic: 421, 5*, 4**; enhanced: 5.7.1, "
			    "5.7.*, 4.*.*)", t->text, (int)clen, c);
		memcpy(t->code, c, clen);
		t->code[clen] = '\0';
		t->metric = M_CODE;
	}
	if (t->metric < 0)
		return bs_diag_set(d, BS_ERR_USAGE, "", 0, "--fail-on '%s': "
		    "unknown metric '%.*s': " GRAMMAR, t->text, (int)mlen, m);

	while (i < n && is_space(s[i]))
		i++;
	if (i + 1 < n && s[i + 1] == '=' && strchr("<>=", s[i]) != NULL) {
		t->op = s[i] == '>' ? OP_GE : s[i] == '<' ? OP_LE : OP_EQ;
		i += 2;
	} else if (i < n && (s[i] == '>' || s[i] == '<')) {
		t->op = s[i] == '>' ? OP_GT : OP_LT;
		i++;
	} else
		return bs_diag_set(d, BS_ERR_USAGE, "", 0, "--fail-on '%s': "
		    "no comparison after '%.*s': " GRAMMAR, t->text,
		    (int)mlen, m);
	while (i < n && is_space(s[i]))
		i++;

	num = s + i;
	numlen = n - i;
	if (numlen > 0 && num[numlen - 1] == '%') {
		t->percent = true;
		numlen--;
	}
	if (!number(num, numlen, t->percent, &t->value))
		return bs_diag_set(d, BS_ERR_USAGE, "", 0, "--fail-on '%s': "
		    "'%.*s' is not a %s", t->text, (int)(n - i), num,
		    t->percent ? "percentage (0 to 100, up to six decimals)" :
		    "count (a whole number)");
	if (t->percent && t->value > 100)
		return bs_diag_set(d, BS_ERR_USAGE, "", 0, "--fail-on '%s': "
		    "a percentage is at most 100", t->text);
	if (t->percent && t->metric == M_EVENTS)
		return bs_diag_set(d, BS_ERR_USAGE, "", 0, "--fail-on '%s': "
		    "events are always 100%% of events; a percentage needs a "
		    "kind or a code", t->text);
	return BS_OK;
}

/* A basic code glob: "*" stands for any run of digits, even none. */
static bool
basic_match(const char *p, const char *s)
{
	if (*p == '\0')
		return *s == '\0';
	if (*p == '*')
		return basic_match(p + 1, s) || (*s != '\0' &&
		    basic_match(p, s + 1));
	return *s == *p && basic_match(p + 1, s + 1);
}

/* One part of an enhanced code as a number, -1 if there is none. */
static long
part(const char **s)
{
	long v = -1;

	for (; is_digit(**s); (*s)++)
		v = (v < 0 ? 0 : v * 10) + (**s - '0');
	if (**s == '.')
		(*s)++;
	return v;
}

/* Parts are compared as numbers, so 5.7.1 also matches a written 5.7.01. */
static bool
enhanced_match(const char *p, const char *s)
{
	int k;

	for (k = 0; k < 3; k++) {
		long have = part(&s);

		if (have < 0)
			return false;
		if (*p == '*') {
			p++;
			if (*p == '.')
				p++;
			continue;
		}
		if (part(&p) != have)
			return false;
	}
	return *s == '\0';
}

static bool
code_match(const char *pat, const struct bs_codes *c)
{
	if (strchr(pat, '.') != NULL)
		return c->enhanced[0] != '\0' && enhanced_match(pat,
		    c->enhanced);
	return c->basic[0] != '\0' && basic_match(pat, c->basic);
}

static bool
compare(int op, double have, double want)
{
	switch (op) {
	case OP_GT:
		return have > want;
	case OP_GE:
		return have >= want;
	case OP_LT:
		return have < want;
	case OP_LE:
		return have <= want;
	default:
		return have == want;
	}
}

bool
bs_threshold_crossed(const struct bs_threshold *t, const struct bs_agg *a,
    char *msg, size_t msgsz)
{
	const struct bs_totals *tot = bs_agg_totals(a);
	uint64_t count = 0, of = 0;
	const char *what, *of_what;
	char name[32];
	size_t i;
	bool crossed;

	if (msg != NULL && msgsz > 0)
		msg[0] = '\0';
	if (t->metric == M_EVENTS) {
		count = tot->events;
		what = "events";
	} else if (t->metric == M_CODE) {
		for (i = 0; i < bs_agg_nrows(a); i++) {
			const struct bs_row *r = bs_agg_row(a, i);

			if (code_match(t->code, &r->codes))
				count += r->count;
		}
		snprintf(name, sizeof(name), "code %s", t->code);
		what = name;
	} else {
		count = tot->kind[t->metric];
		what = bs_kind_name((enum bs_kind)t->metric);
	}

	if (!t->percent) {
		crossed = compare(t->op, (double)count, t->value);
		if (crossed && msg != NULL && msgsz > 0) {
			if (t->metric == M_EVENTS)
				snprintf(msg, msgsz, "fail-on %s: %" PRIu64
				    " event%s", t->text, count,
				    count == 1 ? "" : "s");
			else if (t->metric == M_CODE)
				snprintf(msg, msgsz, "fail-on %s: %" PRIu64
				    " event%s with code %s", t->text, count,
				    count == 1 ? "" : "s", t->code);
			else
				snprintf(msg, msgsz, "fail-on %s: %" PRIu64
				    " %s event%s", t->text, count, what,
				    count == 1 ? "" : "s");
		}
		return crossed;
	}

	/*
	 * Deferrals, bounces and expiries are shares of what was tried;
	 * refusals happen before anything is tried, so they and codes are
	 * shares of every event.
	 */
	if (t->metric == M_CODE || t->metric == BS_REJECTED) {
		of = tot->events;
		of_what = "all events";
	} else {
		of = tot->kind[BS_DELIVERED] + tot->kind[BS_DEFERRED] +
		    tot->kind[BS_BOUNCED] + tot->kind[BS_EXPIRED];
		of_what = "delivery outcomes";
	}
	if (of == 0)
		return false;
	crossed = compare(t->op, (double)count * 100.0,
	    t->value * (double)of);
	if (crossed && msg != NULL && msgsz > 0)
		snprintf(msg, msgsz, "fail-on %s: %s is %.1f%% of %s (%"
		    PRIu64 " of %" PRIu64 ")", t->text, what,
		    (double)count * 100.0 / (double)of, of_what, count, of);
	return crossed;
}
