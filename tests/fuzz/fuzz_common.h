/*
 * fuzz_common.h - what the libFuzzer targets of tests/fuzz/ share: the
 * built-in patterns (compiled once per process), splitting the fuzz input
 * into lines as the line splitter hands them out, and the invariants
 * every target checks on what the library gives back.
 *
 * A broken invariant calls FZ_FAIL, which prints what broke and aborts:
 * libFuzzer records that as a crash, and tests/check_regressions.c (which
 * compiles the targets into the normal test binary, each entry point
 * renamed through FUZZ_ENTRY) sees the aborted test fail.
 *
 * Everything here is static inline so that one translation unit may
 * include several targets without unused-function warnings.
 */
#ifndef BS_FUZZ_COMMON_H
#define BS_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "diag.h"
#include "event.h"
#include "patterns.h"
#include "../oracle.h"

#define FZ_FAIL(...) \
	do { \
		fprintf(stderr, "fuzz invariant broken at %s:%d: ", \
		    __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} while (0)

#define FZ_ASSERT(cond, ...) \
	do { \
		if (!(cond)) \
			FZ_FAIL(__VA_ARGS__); \
	} while (0)

/*
 * The built-in pattern sets, loaded on first use and kept for the life of
 * the process (libFuzzer calls a target millions of times; compiling and
 * JIT-compiling every set each time would be most of the work).
 */
static inline const struct bs_patterns *
fz_patterns(void)
{
	static struct bs_patterns *p;
	struct bs_diag d;

	if (p == NULL) {
		bs_diag_clear(&d);
		if (bs_patterns_load(NULL, &p, &d) != BS_OK)
			FZ_FAIL("built-in patterns do not load: %s", d.msg);
	}
	return p;
}

/*
 * Read every byte of s[0..n) so that AddressSanitizer (or valgrind) sees a
 * span that points outside live memory.
 */
static inline void
fz_touch(const char *s, size_t n)
{
	volatile unsigned char sink = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sink ^= (unsigned char)s[i];
	(void)sink;
}

static inline bool
fz_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* DESIGN.md's basic code: "" or three digits, the first 2 to 5. */
static inline bool
fz_basic_ok(const char *b)
{
	if (b[0] == '\0')
		return true;
	return b[0] >= '2' && b[0] <= '5' && fz_digit(b[1]) &&
	    fz_digit(b[2]) && b[3] == '\0';
}

/*
 * DESIGN.md's enhanced code: "" or class 2, 4 or 5, a dot, one to three
 * digits, a dot, one to three digits, NUL-terminated inside the array.
 */
static inline bool
fz_enhanced_ok(const char *e)
{
	size_t i = 2, k;

	if (e[0] == '\0')
		return true;
	if ((e[0] != '2' && e[0] != '4' && e[0] != '5') || e[1] != '.')
		return false;
	for (k = 0; k < 4 && fz_digit(e[i + k]); k++)
		;
	if (k == 0 || k > 3 || e[i + k] != '.')
		return false;
	i += k + 1;
	for (k = 0; k < 4 && i + k < BS_ENHANCED_MAX && fz_digit(e[i + k]);
	    k++)
		;
	return k > 0 && k <= 3 && i + k < BS_ENHANCED_MAX && e[i + k] == '\0';
}

static inline bool
fz_codes_ok(const struct bs_codes *c)
{
	return memchr(c->basic, '\0', sizeof(c->basic)) != NULL &&
	    memchr(c->enhanced, '\0', sizeof(c->enhanced)) != NULL &&
	    fz_basic_ok(c->basic) && fz_enhanced_ok(c->enhanced);
}

/*
 * Whether s[0..n) is safe to write to a terminal: valid UTF-8 without C0
 * controls (allow lists the ones that may pass, such as "\n"), DEL, C1
 * controls or bidirectional overrides.  On failure *bad is the offset.
 */
static inline bool
fz_term_safe(const char *s, size_t n, const char *allow, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = oracle_utf8(u + i, n - i, &cp);
		if (len == 0 ||
		    (cp < 0x20 && (cp == 0 || allow == NULL ||
		    strchr(allow, (int)cp) == NULL)) ||
		    cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069)) {
			if (bad != NULL)
				*bad = i;
			return false;
		}
		i += len;
	}
	return true;
}

/* A diagnostic is made safe when it is filled: check that it was. */
static inline void
fz_check_diag(const struct bs_diag *d)
{
	size_t bad;

	FZ_ASSERT(memchr(d->msg, '\0', sizeof(d->msg)) != NULL,
	    "diagnostic message not terminated");
	FZ_ASSERT(memchr(d->file, '\0', sizeof(d->file)) != NULL,
	    "diagnostic file not terminated");
	FZ_ASSERT(fz_term_safe(d->msg, strlen(d->msg), NULL, &bad),
	    "diagnostic message unsafe for a terminal at byte %zu", bad);
	FZ_ASSERT(fz_term_safe(d->file, strlen(d->file), NULL, &bad),
	    "diagnostic file name unsafe for a terminal at byte %zu", bad);
}

/*
 * What a parser hands out must obey event.h: a known kind, codes of the
 * documented shapes, known connection-failure bits, and spans that can be
 * read.  With in_line, the codes must also be bytes of the line itself
 * (true of every parser that does not unescape fields).
 */
static inline void
fz_check_event(const struct bs_event *ev, const char *line, size_t len,
    bool in_line)
{
	FZ_ASSERT((unsigned)ev->kind < BS_KIND_COUNT, "bad kind %d",
	    (int)ev->kind);
	FZ_ASSERT(fz_codes_ok(&ev->codes), "bad codes '%.4s' '%.12s'",
	    ev->codes.basic, ev->codes.enhanced);
	FZ_ASSERT((ev->connfail & ~(unsigned)(BS_CONN_REFUSED |
	    BS_CONN_FAILED)) == 0, "bad connfail bits %#x", ev->connfail);
	FZ_ASSERT(ev->reply != NULL || ev->reply_len == 0,
	    "reply length without a reply");
	FZ_ASSERT(ev->msgid != NULL || ev->msgid_len == 0,
	    "message id length without an id");
	FZ_ASSERT(ev->stamp != NULL || ev->stamp_len == 0,
	    "stamp length without a stamp");
	FZ_ASSERT(ev->reply_len <= len && ev->msgid_len <= len &&
	    ev->stamp_len <= len, "a span is longer than its line");
	if (ev->reply != NULL)
		fz_touch(ev->reply, ev->reply_len);
	if (ev->msgid != NULL)
		fz_touch(ev->msgid, ev->msgid_len);
	if (ev->stamp != NULL)
		fz_touch(ev->stamp, ev->stamp_len);
	if (in_line) {
		if (ev->codes.basic[0] != '\0')
			FZ_ASSERT(memmem(line, len, ev->codes.basic,
			    strlen(ev->codes.basic)) != NULL,
			    "basic code %s is not in the line",
			    ev->codes.basic);
		if (ev->codes.enhanced[0] != '\0')
			FZ_ASSERT(memmem(line, len, ev->codes.enhanced,
			    strlen(ev->codes.enhanced)) != NULL,
			    "enhanced code %s is not in the line",
			    ev->codes.enhanced);
	}
}

/*
 * The lines of data[0..size) as the splitter hands them out: split at
 * '\n', a trailing CR dropped, cut to BS_LINE_MAX.  Each line is copied
 * into a buffer of exactly its length so that a read past its end is
 * caught.  Calls fn for each; stops early if fn returns false.
 */
typedef bool (*fz_line_fn)(void *ctx, const char *line, size_t len,
    uint64_t lineno, bool cut);

static inline void
fz_each_line(const uint8_t *data, size_t size, fz_line_fn fn, void *ctx)
{
	const char *s = (const char *)data;
	size_t pos = 0;
	uint64_t lineno = 0;

	while (pos < size) {
		const char *nl = memchr(s + pos, '\n', size - pos);
		size_t len = nl != NULL ? (size_t)(nl - (s + pos)) :
		    size - pos;
		size_t next = pos + len + 1;
		bool cut = false, go;
		char *copy;

		if (len > 0 && s[pos + len - 1] == '\r')
			len--;
		if (len > BS_LINE_MAX) {
			len = BS_LINE_MAX;
			cut = true;
		}
		/* malloc(0) may return NULL: keep one byte then. */
		copy = malloc(len > 0 ? len : 1);
		if (copy == NULL)
			FZ_FAIL("out of memory");
		memcpy(copy, s + pos, len);
		go = fn(ctx, copy, len, ++lineno, cut);
		free(copy);
		if (!go)
			break;
		pos = next;
	}
}

#endif
