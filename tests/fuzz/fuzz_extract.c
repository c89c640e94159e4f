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
 * over the text after "said: " wherever it is.
 */
#include <stddef.h>
#include <stdint.h>

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

static void
fz_extract_reply(const char *s, size_t n)
{
	struct bs_codes c;
	int r;

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
