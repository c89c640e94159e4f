/*
 * fuzz_extract.c - libFuzzer target: status codes out of arbitrary reply
 * text (bs_extract_reply with the built-in codes.pat, bs_extract_enhanced,
 * bs_extract_connfail).
 *
 * Checked: codes have DESIGN.md's shapes and are bytes of the reply;
 * bs_extract_reply finds a basic code only at the start of the reply; an
 * enhanced code that bs_extract_enhanced accepts is the whole input,
 * copied exactly; the connection-failure bits are known ones.  The reply
 * is also tried at every offset of a short input, as the parsers hand
 * over the text after "said: " wherever it is.  At each, src/codes_fast.c
 * must answer as PCRE2 does with the shipped codes.pat.
 */
#include <stddef.h>
#include <stdint.h>

#include "codes_fast.h"
#include "extract.h"
#include "fuzz_common.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static struct bs_extract *
fz_extractor(void)
{
	static struct bs_extract *x;
	struct bs_diag d;

	if (x == NULL) {
		bs_diag_clear(&d);
		if (bs_extract_new(fz_patterns(), &x, &d) != BS_OK)
			FZ_FAIL("bs_extract_new failed: %s", d.msg);
	}
	return x;
}

struct fz_codes_re {
	const pcre2_code *reply, *enhanced;
	int g_enh, g_enh_only;
	pcre2_match_data *md;
};

static const struct fz_codes_re *
fz_codes_re(void)
{
	static struct fz_codes_re p;
	const struct bs_patterns *pats = fz_patterns();
	struct bs_diag d;

	if (p.md != NULL)
		return &p;
	if (!bs_patterns_is(pats, "codes", "reply", bs_codes_reply_rx) ||
	    !bs_patterns_is(pats, "codes", "enhanced", bs_codes_enhanced_rx))
		FZ_FAIL("the shipped codes patterns are not the C's texts");
	if (bs_patterns_get(pats, "codes", "reply", &p.reply, &d) ||
	    bs_patterns_get(pats, "codes", "enhanced", &p.enhanced, &d) ||
	    bs_patterns_group(p.reply, "codes", "reply", "enhanced", &p.g_enh,
	    &d) ||
	    bs_patterns_group(p.enhanced, "codes", "enhanced", "enhanced",
	    &p.g_enh_only, &d))
		FZ_FAIL("codes patterns: %s", d.msg);
	p.md = pcre2_match_data_create(16, NULL);
	FZ_ASSERT(p.md != NULL, "out of memory");
	return &p;
}

/* The C's answer for one pattern against PCRE2's on s[0..n). */
static void
fz_codes_agree(const char *what, bool c, size_t at, size_t len,
    const pcre2_code *re, int g, const char *s, size_t n)
{
	const struct fz_codes_re *p = fz_codes_re();
	const char *g_at;
	size_t g_len = 0, pat = 0;
	int rc = bs_match(fz_patterns(), re, s, n, 0, p->md);

	FZ_ASSERT(rc >= 0, "%s: PCRE2 error %d", what, rc);
	FZ_ASSERT(c == (rc > 0), "%s: C %s, PCRE2 %s", what,
	    c ? "matched" : "did not", rc > 0 ? "matched" : "did not");
	if (rc > 0 && bs_group_span(p->md, g, &g_at, s, &g_len))
		pat = (size_t)(g_at - s);
	FZ_ASSERT(at == pat && len == g_len, "%s: C's code at %zu+%zu, "
	    "PCRE2's at %zu+%zu", what, at, len, pat, g_len);
}

static void
fz_codes_both_ways(const char *s, size_t n)
{
	const struct fz_codes_re *p = fz_codes_re();
	size_t at, len;
	bool c;

	c = bs_codes_reply(s, n, &at, &len);
	fz_codes_agree("reply", c, at, len, p->reply, p->g_enh, s, n);
	c = bs_codes_enhanced(s, n, &at, &len);
	fz_codes_agree("enhanced", c, at, len, p->enhanced, p->g_enh_only, s,
	    n);
}

static void
fz_extract_reply(const char *s, size_t n)
{
	struct bs_codes c;
	int r;

	fz_codes_both_ways(s, n);
	memset(&c, 0x55, sizeof(c));	/* must be overwritten */
	r = bs_extract_reply(fz_extractor(), s, n, &c);
	FZ_ASSERT(r >= -1 && r <= 1, "bs_extract_reply returned %d", r);
	FZ_ASSERT(fz_codes_ok(&c), "bad codes '%.4s' '%.12s'", c.basic,
	    c.enhanced);
	if (r == 0)
		FZ_ASSERT(c.basic[0] == '\0' && c.enhanced[0] == '\0',
		    "codes filled in although none was found");
	if (r == 1)
		FZ_ASSERT(c.basic[0] != '\0' || c.enhanced[0] != '\0',
		    "a code found but none filled in");
	if (c.basic[0] != '\0')
		FZ_ASSERT(n >= 3 && memcmp(s, c.basic, 3) == 0,
		    "basic code %s does not open the reply", c.basic);
	if (c.enhanced[0] != '\0')
		FZ_ASSERT(memmem(s, n, c.enhanced, strlen(c.enhanced)),
		    "enhanced code %s is not in the reply", c.enhanced);
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	char *s, out[BS_ENHANCED_MAX];
	size_t n = size, i;
	unsigned bits;

	if (n > BS_LINE_MAX)
		n = BS_LINE_MAX;
	/* An exact copy, so that reading past the end is caught. */
	s = malloc(n > 0 ? n : 1);
	if (s == NULL)
		FZ_FAIL("out of memory");
	memcpy(s, data, n);

	fz_extract_reply(s, n);
	if (n <= 256)
		for (i = 1; i <= n; i++)
			fz_extract_reply(s + i, n - i);

	memset(out, 0x55, sizeof(out));
	if (bs_extract_enhanced(s, n, out)) {
		FZ_ASSERT(n < BS_ENHANCED_MAX && memcmp(out, s, n) == 0 &&
		    out[n] == '\0', "bs_extract_enhanced copied wrongly");
		FZ_ASSERT(fz_enhanced_ok(out), "bs_extract_enhanced accepted "
		    "'%s'", out);
	}

	bits = bs_extract_connfail(s, n);
	FZ_ASSERT((bits & ~(unsigned)(BS_CONN_REFUSED | BS_CONN_FAILED)) == 0,
	    "bad connfail bits %#x", bits);
	FZ_ASSERT(bits != (BS_CONN_REFUSED | BS_CONN_FAILED),
	    "both connection-failure bits at once");
	if (bits == BS_CONN_REFUSED)
		FZ_ASSERT(memmem(s, n, "refused", 7),
		    "a refused connection without \"refused\"");
	free(s);
	return 0;
}
