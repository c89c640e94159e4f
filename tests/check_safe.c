/*
 * check_safe.c - escaping text from logs (src/safe.c) for terminals,
 * JSON, CSV and Prometheus labels: control bytes, escape sequences,
 * bidirectional overrides and every kind of invalid UTF-8, the output
 * size limit of the terminal escaper, JSON string literals that a strict
 * parser accepts, and CSV cells that no spreadsheet runs as a formula.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safe.h"
#include "suites.h"
#include "oracle.h"
#include "testutil.h"

/* A byte string with its length, for inputs that hold NUL bytes. */
#define B(s)	s, sizeof(s) - 1

/* One input and what each escaper must make of it. */
struct safe_case {
	const char *name;
	const char *in;
	size_t len;
	const char *term;	/* bs_safe_term with a large buffer */
	const char *json;	/* bs_safe_json, quotes included */
};

static const struct safe_case cases[] = {
	{ "empty", B(""), "", "\"\"" },
	{ "plain ASCII", B("550 5.1.1 User unknown"),
	    "550 5.1.1 User unknown", "\"550 5.1.1 User unknown\"" },
	{ "ESC colour sequence", B("\x1b[31mred\x1b[0m"),
	    "\\x1b[31mred\\x1b[0m", "\"\\u001b[31mred\\u001b[0m\"" },
	{ "OSC title sequence", B("\x1b]0;pwned\x07"),
	    "\\x1b]0;pwned\\x07", "\"\\u001b]0;pwned\\u0007\"" },
	{ "newline, CR and tab", B("a\nb\rc\td"),
	    "a\\x0ab\\x0dc\\x09d", "\"a\\nb\\rc\\td\"" },
	{ "other C0 controls", B("\x01\x08\x0c\x1f"),
	    "\\x01\\x08\\x0c\\x1f", "\"\\u0001\\u0008\\u000c\\u001f\"" },
	{ "NUL byte", B("a\0b"), "a\\x00b", "\"a\\u0000b\"" },
	{ "DEL", B("x\x7fy"), "x\\x7fy", "\"x\\u007fy\"" },
	{ "C1 NEL as UTF-8", B("\xc2\x85"), "\\xc2\\x85", "\"\\u0085\"" },
	{ "C1 CSI as UTF-8", B("\xc2\x9b" "2J"), "\\xc2\\x9b2J",
	    "\"\\u009b2J\"" },
	{ "last C1 control U+009F", B("\xc2\x9f"), "\\xc2\\x9f",
	    "\"\\u009f\"" },
	{ "raw C1 byte (invalid UTF-8)", B("\x9b" "2J"), "\\x9b2J",
	    "\"\\ufffd2J\"" },
	{ "no-break space passes", B("\xc2\xa0"), "\xc2\xa0", "\"\xc2\xa0\"" },
	{ "bidi override U+202E", B("abc\xe2\x80\xaetxt.exe"),
	    "abc\\xe2\\x80\\xaetxt.exe", "\"abc\\u202etxt.exe\"" },
	{ "bidi embedding U+202A", B("\xe2\x80\xaa"), "\\xe2\\x80\\xaa",
	    "\"\\u202a\"" },
	{ "bidi isolate U+2066", B("\xe2\x81\xa6"), "\\xe2\\x81\\xa6",
	    "\"\\u2066\"" },
	{ "bidi pop isolate U+2069", B("\xe2\x81\xa9"), "\\xe2\\x81\\xa9",
	    "\"\\u2069\"" },
	{ "U+2065 next to the isolates passes", B("\xe2\x81\xa5"),
	    "\xe2\x81\xa5", "\"\xe2\x81\xa5\"" },
	{ "valid two-byte UTF-8", B("Gr\xc3\xbc\xc3\x9f" "e"),
	    "Gr\xc3\xbc\xc3\x9f" "e", "\"Gr\xc3\xbc\xc3\x9f" "e\"" },
	{ "valid three-byte UTF-8", B("\xe2\x82\xac 5"), "\xe2\x82\xac 5",
	    "\"\xe2\x82\xac 5\"" },
	{ "valid four-byte UTF-8", B("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80",
	    "\"\xf0\x9f\x98\x80\"" },
	{ "highest code point U+10FFFF", B("\xf4\x8f\xbf\xbf"),
	    "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },
	{ "byte 0xff", B("a\xff" "b"), "a\\xffb", "\"a\\ufffdb\"" },
	{ "byte 0xfe", B("\xfe"), "\\xfe", "\"\\ufffd\"" },
	{ "lone continuation byte", B("\x80"), "\\x80", "\"\\ufffd\"" },
	{ "overlong slash, two bytes", B("\xc0\xaf"), "\\xc0\\xaf",
	    "\"\\ufffd\\ufffd\"" },
	{ "overlong 0xc1", B("\xc1\xbf"), "\\xc1\\xbf",
	    "\"\\ufffd\\ufffd\"" },
	{ "overlong slash, three bytes", B("\xe0\x80\xaf"),
	    "\\xe0\\x80\\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "overlong slash, four bytes", B("\xf0\x80\x80\xaf"),
	    "\\xf0\\x80\\x80\\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "overlong NUL", B("\xc0\x80"), "\\xc0\\x80",
	    "\"\\ufffd\\ufffd\"" },
	{ "high surrogate", B("\xed\xa0\x80"), "\\xed\\xa0\\x80",
	    "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "low surrogate", B("\xed\xbf\xbf"), "\\xed\\xbf\\xbf",
	    "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "above U+10FFFF", B("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80",
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "lead byte 0xf5", B("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80",
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "truncated two-byte at end", B("ab\xc3"), "ab\\xc3",
	    "\"ab\\ufffd\"" },
	{ "truncated three-byte at end", B("ab\xe2\x82"), "ab\\xe2\\x82",
	    "\"ab\\ufffd\\ufffd\"" },
	{ "truncated four-byte at end", B("\xf0\x9f\x98"),
	    "\\xf0\\x9f\\x98", "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "truncated sequence mid-text", B("\xe2\x82x\xc3\xa9"),
	    "\\xe2\\x82x\xc3\xa9", "\"\\ufffd\\ufffdx\xc3\xa9\"" },
	{ "quotes", B("say \"hi\""), "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "backslash", B("a\\b"), "a\\b", "\"a\\\\b\"" },
	{ "slash needs no escape", B("a/b"), "a/b", "\"a/b\"" }
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

/* The whole output of bs_safe_json as a string; the caller frees it. */
static char *
json_of(const char *s, size_t n, size_t *outlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	QUIET_CHECK(f != NULL, "open_memstream failed");
	bs_safe_json(f, s, n);
	QUIET_CHECK(fclose(f) == 0, "fclose failed");
	if (outlen != NULL)
		*outlen = len;
	return buf;
}

static char *
json_or_null_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	bs_safe_json_or_null(f, s);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/*
 * A strict parser for one JSON string literal (RFC 8259): the whole of
 * s[0..n) must be the literal, raw bytes must be valid UTF-8 without
 * controls, and escapes must be well formed (surrogate pairs complete).
 * The decoded text goes to out as UTF-8; returns its length, or -1 with
 * the reason in *why.
 */
static long
json_parse_string(const char *src, size_t n, char *out, const char **why)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 1, o = 0, len;
	uint32_t cp;

	if (n < 2 || s[0] != '"') {
		*why = "no opening quote";
		return -1;
	}
	for (;;) {
		if (i >= n) {
			*why = "no closing quote";
			return -1;
		}
		if (s[i] == '"')
			break;
		if (s[i] < 0x20) {
			*why = "raw control character";
			return -1;
		}
		if (s[i] == '\\') {
			int k;

			if (i + 1 >= n) {
				*why = "backslash at the end";
				return -1;
			}
			switch (s[i + 1]) {
			case '"': case '\\': case '/':
				out[o++] = (char)s[i + 1];
				i += 2;
				continue;
			case 'b': out[o++] = '\b'; i += 2; continue;
			case 'f': out[o++] = '\f'; i += 2; continue;
			case 'n': out[o++] = '\n'; i += 2; continue;
			case 'r': out[o++] = '\r'; i += 2; continue;
			case 't': out[o++] = '\t'; i += 2; continue;
			case 'u':
				break;
			default:
				*why = "unknown escape";
				return -1;
			}
			if (i + 6 > n) {
				*why = "short \\u escape";
				return -1;
			}
			cp = 0;
			for (k = 2; k < 6; k++) {
				int h = oracle_hexval(s[i + k]);

				if (h < 0) {
					*why = "bad hex digit";
					return -1;
				}
				cp = cp << 4 | (uint32_t)h;
			}
			i += 6;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				*why = "lone low surrogate";
				return -1;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				*why = "surrogate pairs are not expected here";
				return -1;
			}
			if (cp < 0x80)
				out[o++] = (char)cp;
			else if (cp < 0x800) {
				out[o++] = (char)(0xc0 | cp >> 6);
				out[o++] = (char)(0x80 | (cp & 0x3f));
			} else {
				out[o++] = (char)(0xe0 | cp >> 12);
				out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			}
			continue;
		}
		len = oracle_utf8(s + i, n - i, &cp);
		if (len == 0) {
			*why = "invalid UTF-8";
			return -1;
		}
		memcpy(out + o, s + i, len);
		o += len;
		i += len;
	}
	if (i + 1 != n) {
		*why = "bytes after the closing quote";
		return -1;
	}
	return (long)o;
}

/* Whether the bytes of s[0..n) are printable, valid UTF-8 for a terminal. */
static const char *
term_problem(const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = oracle_utf8(s + i, n - i, &cp);
		if (len == 0)
			return "invalid UTF-8";
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			return "a control character";
		if ((cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return "a bidirectional control";
		i += len;
	}
	return NULL;
}

/* Every row through the terminal escaper with room to spare. */
START_TEST(test_term_table)
{
	const struct safe_case *c = &cases[_i];
	char out[256];
	size_t r;

	memset(out, 'Z', sizeof(out));
	r = bs_safe_term(out, sizeof(out), c->in, c->len);
	ck_assert_msg(strcmp(out, c->term) == 0,
	    "%s: got \"%s\", expected \"%s\"", c->name, out, c->term);
	ck_assert_uint_eq(r, strlen(c->term));
	ck_assert_msg(term_problem(out, r) == NULL, "%s: output holds %s",
	    c->name, term_problem(out, r));
}
END_TEST

/* Every row through the JSON escaper: exact text, and a strict parse. */
START_TEST(test_json_table)
{
	const struct safe_case *c = &cases[_i];
	char decoded[256];
	const char *why = "";
	size_t len;
	char *j = json_of(c->in, c->len, &len);
	long dl;

	ck_assert_msg(strcmp(j, c->json) == 0,
	    "%s: got %s, expected %s", c->name, j, c->json);
	ck_assert_uint_eq(len, strlen(c->json));
	dl = json_parse_string(j, len, decoded, &why);
	ck_assert_msg(dl >= 0, "%s: %s does not parse: %s", c->name, j, why);
	free(j);
}
END_TEST

/*
 * The size limit, for every row and every buffer size from 0 up: the
 * output is NUL-terminated inside the buffer, is a prefix of the full
 * output that never splits an escape or a UTF-8 sequence, and nothing is
 * written past dstsz.
 */
START_TEST(test_term_sizes)
{
	const struct safe_case *c = &cases[_i];
	size_t full = strlen(c->term), sz, r;
	char out[300];

	for (sz = 0; sz <= full + 2; sz++) {
		memset(out, 'Z', sizeof(out));
		r = bs_safe_term(out, sz, c->in, c->len);
		if (sz == 0) {
			ck_assert_uint_eq(r, 0);
			ck_assert_msg(out[0] == 'Z', "%s: wrote into a "
			    "zero-sized buffer", c->name);
			continue;
		}
		ck_assert_msg(r <= sz - 1, "%s: size %zu gave %zu bytes",
		    c->name, sz, r);
		ck_assert_msg(out[r] == '\0', "%s: size %zu: no NUL at %zu",
		    c->name, sz, r);
		ck_assert_msg(out[sz] == 'Z', "%s: size %zu: wrote past the "
		    "buffer", c->name, sz);
		ck_assert_msg(memcmp(out, c->term, r) == 0,
		    "%s: size %zu: \"%s\" is not a prefix of \"%s\"", c->name,
		    sz, out, c->term);
		ck_assert_msg(term_problem(out, r) == NULL,
		    "%s: size %zu: output holds %s", c->name, sz,
		    term_problem(out, r));
		if (sz > full)
			ck_assert_uint_eq(r, full);
	}
}
END_TEST

/* Cuts fall between whole units, never inside one. */
struct cut_case {
	const char *in;
	size_t dstsz;
	const char *want;
};

static const struct cut_case cuts[] = {
	{ "hello", 4, "hel" },
	{ "hello", 1, "" },
	{ "\x1b", 4, "" },		/* "\x1b" needs 4 bytes and the NUL */
	{ "\x1b", 5, "\\x1b" },
	{ "a\x1b", 5, "a" },
	{ "\xe2\x82\xac", 3, "" },	/* a whole euro sign or nothing */
	{ "\xe2\x82\xac", 4, "\xe2\x82\xac" },
	{ "a\xe2\x82\xac", 4, "a" },
	{ "\xe2\x80\xae", 12, "" },	/* the three escapes together */
	{ "\xe2\x80\xae", 13, "\\xe2\\x80\\xae" },
	{ "\xff\xff", 8, "\\xff" },	/* invalid bytes one by one */
	{ "\xff\xff", 9, "\\xff\\xff" }
};

START_TEST(test_term_cuts)
{
	const struct cut_case *c = &cuts[_i];
	char out[32];
	size_t r;

	memset(out, 'Z', sizeof(out));
	r = bs_safe_term(out, c->dstsz, c->in, strlen(c->in));
	ck_assert_msg(strcmp(out, c->want) == 0,
	    "\"%s\" into %zu bytes gave \"%s\", expected \"%s\"", c->in,
	    c->dstsz, out, c->want);
	ck_assert_uint_eq(r, strlen(c->want));
	ck_assert_int_eq(out[c->dstsz], 'Z');
}
END_TEST

/* A small deterministic generator, so that failures can be replayed. */
static uint32_t
rnd(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*state >> 33);
}

/* Pieces that random texts are made of: hostile, invalid and valid. */
static const char *const pieces[] = {
	"a", "Z", " ", "550", "\\", "\"", "\x1b", "\x1b[", "\n", "\r", "\t",
	"\x00", "\x7f", "\x80", "\xbf", "\xc0", "\xc1", "\xc2", "\xc2\x85",
	"\xc2\xa0", "\xc3\xa9", "\xdf", "\xe0", "\xe0\xa0", "\xe2\x80\xae",
	"\xe2\x81\xa6", "\xe2\x82\xac", "\xed\xa0\x80", "\xef\xbf\xbd",
	"\xf0", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80",
	"\xf8", "\xfe", "\xff"
};

/* "\x00" above is a NUL piece: its length must be 1, not strlen. */
static size_t
piece_len(const char *p)
{
	return p[0] == '\0' ? 1 : strlen(p);
}

static size_t
random_text(uint64_t *st, char *buf, size_t max)
{
	size_t n = 0, count = rnd(st) % 24;

	while (count-- > 0) {
		const char *p = pieces[rnd(st) %
		    (sizeof(pieces) / sizeof(pieces[0]))];
		size_t pl = piece_len(p);

		if (n + pl > max)
			break;
		memcpy(buf + n, p, pl);
		n += pl;
	}
	return n;
}

/*
 * Random mixtures of the pieces: the terminal output is always printable
 * UTF-8 and escaping it again changes nothing; the JSON output always
 * parses, and where the input was already clean it decodes back to it.
 */
START_TEST(test_random_texts)
{
	uint64_t st = 12345;
	int round;

	for (round = 0; round < 20000; round++) {
		char in[128], out[1024], again[1024], dec[1024];
		const char *why = "";
		size_t n = random_text(&st, in, sizeof(in)), r, jl;
		size_t sz = 1 + rnd(&st) % sizeof(out);
		char *j;
		long dl;

		r = bs_safe_term(out, sz, in, n);
		QUIET_CHECK(r < sz && out[r] == '\0', "round %d: %zu bytes "
		    "into %zu", round, r, sz);
		QUIET_CHECK(term_problem(out, r) == NULL,
		    "round %d: output holds %s", round,
		    term_problem(out, r));
		QUIET_CHECK(bs_safe_term(again, sizeof(again), out, r) == r &&
		    memcmp(again, out, r) == 0,
		    "round %d: escaping twice changes \"%s\"", round, out);

		j = json_of(in, n, &jl);
		dl = json_parse_string(j, jl, dec, &why);
		QUIET_CHECK(dl >= 0, "round %d: %s does not parse: %s",
		    round, j, why);
		if (term_problem(in, n) == NULL)
			QUIET_CHECK((size_t)dl == n &&
			    memcmp(dec, in, n) == 0,
			    "round %d: %s does not decode to the input",
			    round, j);
		free(j);
	}
}
END_TEST

/* Only the first n bytes are looked at. */
START_TEST(test_length_not_nul)
{
	char out[32];
	char *j;

	ck_assert_uint_eq(bs_safe_term(out, sizeof(out), "abc\x1b", 3), 3);
	ck_assert_str_eq(out, "abc");
	j = json_of("abc\x1b", 3, NULL);
	ck_assert_str_eq(j, "\"abc\"");
	free(j);
	/* A multi-byte sequence cut by n is invalid, not read past n. */
	ck_assert_uint_eq(bs_safe_term(out, sizeof(out), "\xc3\xa9", 1), 4);
	ck_assert_str_eq(out, "\\xc3");
	j = json_of("\xc3\xa9", 1, NULL);
	ck_assert_str_eq(j, "\"\\ufffd\"");
	free(j);
}
END_TEST

START_TEST(test_json_or_null)
{
	char *j;

	j = json_or_null_of(NULL);
	ck_assert_str_eq(j, "null");
	free(j);
	j = json_or_null_of("");
	ck_assert_str_eq(j, "null");
	free(j);
	j = json_or_null_of("5.1.1");
	ck_assert_str_eq(j, "\"5.1.1\"");
	free(j);
	j = json_or_null_of("a\"\x1b");
	ck_assert_str_eq(j, "\"a\\\"\\u001b\"");
	free(j);
}
END_TEST

/* --- CSV cells and Prometheus labels ------------------------------------- */

struct cell_case {
	const char *name;
	const char *in;
	size_t len;
	const char *csv;	/* bs_safe_csv */
	const char *prom;	/* bs_safe_prom_label */
};

#define FFFD	"\xef\xbf\xbd"

static const struct cell_case cells[] = {
	{ "empty", B(""), "\"\"", "\"\"" },
	{ "plain", B("550 5.1.1 unknown"), "\"550 5.1.1 unknown\"",
	    "\"550 5.1.1 unknown\"" },
	{ "comma and semicolon", B("a,b;c"), "\"a,b;c\"", "\"a,b;c\"" },
	{ "quotes", B("say \"hi\""), "\"say \"\"hi\"\"\"",
	    "\"say \\\"hi\\\"\"" },
	{ "backslash", B("a\\b"), "\"a\\b\"", "\"a\\\\b\"" },
	{ "formula =", B("=1+1"), "\"'=1+1\"", "\"=1+1\"" },
	{ "formula +", B("+1"), "\"'+1\"", "\"+1\"" },
	{ "formula -", B("-ERR"), "\"'-ERR\"", "\"-ERR\"" },
	{ "formula @", B("@SUM(A1)"), "\"'@SUM(A1)\"", "\"@SUM(A1)\"" },
	{ "formula after a tab", B("\t=1"), "\"' =1\"", "\" =1\"" },
	{ "formula after a CR", B("\r=1"), "\"' =1\"", "\" =1\"" },
	{ "= later is text", B("a=1"), "\"a=1\"", "\"a=1\"" },
	{ "newline", B("one\ntwo"), "\"one two\"", "\"one\\ntwo\"" },
	{ "CR LF", B("one\r\ntwo"), "\"one  two\"", "\"one \\ntwo\"" },
	{ "ESC sequence", B("\x1b[31mred"), "\" [31mred\"", "\" [31mred\"" },
	{ "NUL", B("a\0b"), "\"a b\"", "\"a b\"" },
	{ "DEL", B("a\x7f" "b"), "\"a b\"", "\"a b\"" },
	{ "C1 control", B("\xc2\x9b" "x"), "\" x\"", "\" x\"" },
	{ "bidi override", B("a\xe2\x80\xae" "b"), "\"a b\"", "\"a b\"" },
	{ "invalid byte", B("a\xff" "b"), "\"a" FFFD "b\"",
	    "\"a" FFFD "b\"" },
	{ "overlong", B("\xc0\xaf"), "\"" FFFD FFFD "\"",
	    "\"" FFFD FFFD "\"" },
	{ "surrogate", B("\xed\xa0\x80"), "\"" FFFD FFFD FFFD "\"",
	    "\"" FFFD FFFD FFFD "\"" },
	{ "truncated at the end", B("x\xe2\x82"), "\"x" FFFD FFFD "\"",
	    "\"x" FFFD FFFD "\"" },
	{ "valid UTF-8", B("Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac"),
	    "\"Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac\"",
	    "\"Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac\"" }
};

#define NCELLS	(sizeof(cells) / sizeof(cells[0]))

typedef void (*writer_fn)(FILE *, const char *, size_t);

static char *
written_by(writer_fn fn, const char *s, size_t n, size_t *outlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	QUIET_CHECK(f != NULL, "open_memstream failed");
	fn(f, s, n);
	QUIET_CHECK(fclose(f) == 0, "fclose failed");
	if (outlen != NULL)
		*outlen = len;
	return buf;
}

START_TEST(test_csv_table)
{
	const struct cell_case *c = &cells[_i];
	char *o = written_by(bs_safe_csv, c->in, c->len, NULL);

	ck_assert_msg(strcmp(o, c->csv) == 0, "%s: got %s, expected %s",
	    c->name, o, c->csv);
	free(o);
}
END_TEST

START_TEST(test_prom_table)
{
	const struct cell_case *c = &cells[_i];
	char *o = written_by(bs_safe_prom_label, c->in, c->len, NULL);

	ck_assert_msg(strcmp(o, c->prom) == 0, "%s: got %s, expected %s",
	    c->name, o, c->prom);
	free(o);
}
END_TEST

/*
 * Whether s[0..n) is one RFC 4180 quoted field on one line: quotes at
 * both ends, inner quotes doubled, no CR or LF, valid UTF-8 without
 * controls, and no formula opener in front.
 */
static const char *
csv_problem(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return "not quoted";
	if (n > 2 && s[1] != '\0' && strchr("=+-@\t\r", s[1]) != NULL)
		return "a formula opener";
	for (i = 1; i + 1 < n; i++) {
		if (s[i] == '"') {
			if (i + 2 >= n || s[i + 1] != '"')
				return "a lone quote";
			i++;
		}
	}
	return term_problem(s, n);
}

/* Whether s[0..n) is a Prometheus label value with its quotes. */
static const char *
prom_problem(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return "not quoted";
	for (i = 1; i + 1 < n; i++) {
		if (s[i] == '"')
			return "a raw quote";
		if (s[i] == '\\') {
			if (i + 2 >= n || s[i + 1] == '\0' ||
			    strchr("\\\"n", s[i + 1]) == NULL)
				return "a bad escape";
			i++;
		}
	}
	return term_problem(s, n);
}

/* Random mixtures again, through the CSV and Prometheus writers. */
START_TEST(test_random_cells)
{
	uint64_t st = 777;
	int round;

	for (round = 0; round < 20000; round++) {
		char in[128];
		size_t n = random_text(&st, in, sizeof(in)), len;
		char *o;

		/* Sometimes a formula opener first. */
		if (n > 0 && rnd(&st) % 4 == 0)
			in[0] = "=+-@\t\r"[rnd(&st) % 6];
		o = written_by(bs_safe_csv, in, n, &len);
		QUIET_CHECK(csv_problem(o, len) == NULL, "round %d: CSV %s "
		    "holds %s", round, o, csv_problem(o, len));
		free(o);
		o = written_by(bs_safe_prom_label, in, n, &len);
		QUIET_CHECK(prom_problem(o, len) == NULL, "round %d: label "
		    "%s holds %s", round, o, prom_problem(o, len));
		free(o);
	}
}
END_TEST

/*
 * bs_safe_json writes long texts in pieces: whatever the bytes and
 * wherever a piece ends, it writes what bs_safe_json_to writes at once.
 */
START_TEST(test_json_pieces)
{
	static const char *const parts[] = {
		"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80",
		"\xc3", "\"", "\\", "\n", "\x1b", "\xe2\x80\xae",
	};
	uint64_t seed = 42;
	size_t round;

	for (round = 0; round < 200; round++) {
		char in[5000], *want, *got = NULL;
		size_t n = 0, len = 0, wn;
		FILE *f;

		while (n < sizeof(in) - 8) {
			const char *p = parts[bs_test_rand(&seed) %
			    (sizeof(parts) / sizeof(parts[0]))];

			memcpy(in + n, p, strlen(p));
			n += strlen(p);
			if (bs_test_rand(&seed) % 4000 == 0)
				break;
		}
		want = malloc(BS_SAFE_JSON_ROOM(n));
		ck_assert_ptr_nonnull(want);
		wn = bs_safe_json_to(want, in, n);
		f = open_memstream(&got, &len);
		bs_safe_json(f, in, n);
		fclose(f);
		ck_assert_uint_eq(len, wn);
		ck_assert_int_eq(memcmp(got, want, wn), 0);
		free(want);
		free(got);
	}
}
END_TEST

/* --- HTML ---------------------------------------------------------------- */

struct html_case {
	const char *name;
	const char *in;
	size_t len;
	const char *html;	/* bs_safe_html */
};

static const struct html_case html_cases[] = {
	{ "empty", B(""), "" },
	{ "plain", B("550 5.1.1 unknown"), "550 5.1.1 unknown" },
	{ "script tag", B("<script>alert(1)</script>"),
	    "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "attribute breakout", B("\"><img src=x onerror=alert(1)>"),
	    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
	{ "single quotes", B("' onmouseover='x"),
	    "&#39; onmouseover=&#39;x" },
	{ "ampersand and entity", B("a&b &lt; &#60;"),
	    "a&amp;b &amp;lt; &amp;#60;" },
	{ "comment opener", B("<!-- x -->"), "&lt;!-- x --&gt;" },
	{ "newline and tab", B("one\ntwo\tthree"), "one two three" },
	{ "ESC sequence", B("\x1b[31mred"), " [31mred" },
	{ "NUL", B("a\0b"), "a b" },
	{ "DEL", B("a\x7f" "b"), "a b" },
	{ "C1 control", B("\xc2\x9b" "x"), " x" },
	{ "bidi override", B("a\xe2\x80\xae" "b"), "a b" },
	{ "invalid byte", B("a\xff" "b"), "a" FFFD "b" },
	{ "invalid byte before <", B("\xc3<"), FFFD "&lt;" },
	{ "overlong <", B("\xc0\xbc" "script"), FFFD FFFD "script" },
	{ "surrogate", B("\xed\xa0\x80"), FFFD FFFD FFFD },
	{ "truncated at the end", B("x\xe2\x82"), "x" FFFD FFFD },
	{ "valid UTF-8", B("Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac"),
	    "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac" },
	{ "fullwidth < passes", B("\xef\xbc\x9c"), "\xef\xbc\x9c" },
};

#define NHTML	(sizeof(html_cases) / sizeof(html_cases[0]))

START_TEST(test_html_table)
{
	const struct html_case *c = &html_cases[_i];
	char *o = written_by(bs_safe_html, c->in, c->len, NULL);

	ck_assert_msg(strcmp(o, c->html) == 0, "%s: got %s, expected %s",
	    c->name, o, c->html);
	free(o);
}
END_TEST

/*
 * Whether s[0..n) is safe as element text and as a quoted attribute
 * value: no < > " ', every & opens one of the five references written,
 * and the rest printable valid UTF-8.
 */
static const char *
html_problem(const char *s, size_t n)
{
	static const char *const refs[] = {
		"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"
	};
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (s[i] == '<' || s[i] == '>' || s[i] == '"' || s[i] == '\'')
			return "a raw markup character";
		if (s[i] != '&')
			continue;
		for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++)
			if (n - i >= strlen(refs[k]) &&
			    memcmp(s + i, refs[k], strlen(refs[k])) == 0)
				break;
		if (k == sizeof(refs) / sizeof(refs[0]))
			return "a bare ampersand";
	}
	return term_problem(s, n);
}

/* Random mixtures, with markup characters thrown in. */
START_TEST(test_random_html)
{
	uint64_t st = 4242;
	int round;

	for (round = 0; round < 20000; round++) {
		char in[128];
		size_t n = random_text(&st, in, sizeof(in)), len, k;
		char *o;

		for (k = 0; k < n; k++)
			if (rnd(&st) % 8 == 0)
				in[k] = "<>\"'&;#"[rnd(&st) % 7];
		o = written_by(bs_safe_html, in, n, &len);
		QUIET_CHECK(html_problem(o, len) == NULL, "round %d: HTML %s "
		    "holds %s", round, o, html_problem(o, len));
		free(o);
	}
}
END_TEST

Suite *
safe_suite(void)
{
	Suite *s = suite_create("safe");
	TCase *tc = tcase_create("term");

	tcase_add_loop_test(tc, test_term_table, 0, NCASES);
	tcase_add_loop_test(tc, test_term_sizes, 0, NCASES);
	tcase_add_loop_test(tc, test_term_cuts, 0,
	    sizeof(cuts) / sizeof(cuts[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_loop_test(tc, test_json_table, 0, NCASES);
	tcase_add_test(tc, test_json_or_null);
	tcase_add_test(tc, test_json_pieces);
	suite_add_tcase(s, tc);
	tc = tcase_create("both");
	tcase_add_test(tc, test_length_not_nul);
	tcase_add_test(tc, test_random_texts);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tc = tcase_create("csv and prometheus");
	tcase_add_loop_test(tc, test_csv_table, 0, NCELLS);
	tcase_add_loop_test(tc, test_prom_table, 0, NCELLS);
	tcase_add_test(tc, test_random_cells);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tc = tcase_create("html");
	tcase_add_loop_test(tc, test_html_table, 0, NHTML);
	tcase_add_test(tc, test_random_html);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
