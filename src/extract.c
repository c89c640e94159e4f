/*
 * extract.c - status codes out of a reply, with the patterns of codes.pat.
 */
#include <stdlib.h>
#include <string.h>

#include "codes_fast.h"
#include "extract.h"
#include "patterns.h"

struct bs_extract {
	const struct bs_patterns *p;
	const pcre2_code *reply, *enhanced;
	int g_basic, g_enh, g_enh_only;
	pcre2_match_data *md;
	/* Which patterns are the shipped texts: those are read in C. */
	bool c_reply, c_enhanced;
};

bs_status
bs_extract_new(const struct bs_patterns *p, struct bs_extract **out,
    struct bs_diag *d)
{
	struct bs_extract *x;
	bs_status st;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	x->p = p;
	if ((st = bs_patterns_get(p, "codes", "reply", &x->reply, d)) ||
	    (st = bs_patterns_get(p, "codes", "enhanced", &x->enhanced, d)) ||
	    (st = bs_patterns_group(x->reply, "codes", "reply", "basic",
	    &x->g_basic, d)) ||
	    (st = bs_patterns_group(x->reply, "codes", "reply", "enhanced",
	    &x->g_enh, d)) ||
	    (st = bs_patterns_group(x->enhanced, "codes", "enhanced",
	    "enhanced", &x->g_enh_only, d))) {
		free(x);
		return st;
	}
	x->c_reply = bs_patterns_is(p, "codes", "reply", bs_codes_reply_rx);
	x->c_enhanced = bs_patterns_is(p, "codes", "enhanced",
	    bs_codes_enhanced_rx);
	x->md = pcre2_match_data_create(16, NULL);
	if (x->md == NULL) {
		free(x);
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	}
	*out = x;
	return BS_OK;
}

void
bs_extract_free(struct bs_extract *x)
{
	if (x == NULL)
		return;
	pcre2_match_data_free(x->md);
	free(x);
}

/*
 * Keep a basic code only if it is three digits: a replacement codes.pat
 * may match anything, and codes reach every report unescaped.
 */
static void
copy_basic(char out[4], const char *s, size_t n)
{
	if (n == 3 && s[0] >= '2' && s[0] <= '5' && s[1] >= '0' &&
	    s[1] <= '9' && s[2] >= '0' && s[2] <= '9') {
		memcpy(out, s, 3);
		out[3] = '\0';
	} else
		out[0] = '\0';
}

/*
 * Hot: every event's reply.  The shipped patterns are read in C
 * (codes_fast.h); the others by PCRE2, with the same checks after.
 */
int
bs_extract_reply(struct bs_extract *x, const char *s, size_t n,
    struct bs_codes *out)
{
	const char *g;
	size_t gl, at;
	int rc;

	out->basic[0] = '\0';
	out->enhanced[0] = '\0';
	if (n == 0 || s[0] < '2' || s[0] > '5') {
		/* Only "#5.1.1"-style openers remain possible. */
		if (n == 0 || s[0] != '#')
			return 0;
	}
	if (x->c_reply) {
		if (bs_codes_reply(s, n, &at, &gl)) {
			copy_basic(out->basic, s, 3);
			if (gl > 0 && !bs_extract_enhanced(s + at, gl,
			    out->enhanced))
				out->enhanced[0] = '\0';
			return out->basic[0] != '\0' ||
			    out->enhanced[0] != '\0';
		}
	} else {
		rc = bs_match(x->p, x->reply, s, n, 0, x->md);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			if (bs_group_span(x->md, x->g_basic, &g, s, &gl))
				copy_basic(out->basic, g, gl);
			if (bs_group_span(x->md, x->g_enh, &g, s, &gl) &&
			    !bs_extract_enhanced(g, gl, out->enhanced))
				out->enhanced[0] = '\0';
			return out->basic[0] != '\0' ||
			    out->enhanced[0] != '\0';
		}
	}
	if (x->c_enhanced) {
		if (bs_codes_enhanced(s, n, &at, &gl) &&
		    bs_extract_enhanced(s + at, gl, out->enhanced))
			return 1;
	} else {
		rc = bs_match(x->p, x->enhanced, s, n, 0, x->md);
		if (rc < 0)
			return -1;
		if (rc > 0 && bs_group_span(x->md, x->g_enh_only, &g, s,
		    &gl) && bs_extract_enhanced(g, gl, out->enhanced))
			return 1;
	}
	out->enhanced[0] = '\0';
	return 0;
}

/* Digits of one part of an enhanced code: 1 to 3. */
static size_t
digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 4 && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

bool
bs_extract_enhanced(const char *s, size_t n, char out[BS_ENHANCED_MAX])
{
	size_t i, k;

	if (n < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') ||
	    s[1] != '.')
		return false;
	i = 2;
	k = digits(s + i, n - i);
	if (k == 0 || k > 3 || i + k >= n || s[i + k] != '.')
		return false;
	i += k + 1;
	k = digits(s + i, n - i);
	if (k == 0 || k > 3 || i + k != n)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static bool
has(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

unsigned
bs_extract_connfail(const char *s, size_t n)
{
	static const char *const failed[] = {
		"Connection timed out", "No route to host",
		"Network is unreachable", "Host is unreachable",
		"did not properly respond after a period of time",
		NULL
	};
	size_t i;

	/* Exchange (Winsock) words them its own way. */
	if (has(s, n, "Connection refused") || has(s, n, "actively refused"))
		return BS_CONN_REFUSED;
	for (i = 0; failed[i] != NULL; i++)
		if (has(s, n, failed[i]))
			return BS_CONN_FAILED;
	/* Postfix words every failure to open a connection this way. */
	if (n > 11 && memcmp(s, "connect to ", 11) == 0)
		return BS_CONN_FAILED;
	return 0;
}
