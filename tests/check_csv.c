/*
 * check_csv.c - the one-line CSV splitter (src/csv.c): RFC 4180 quoting,
 * the lenient cases csv.h documents, the BOM, and the buffer limits.
 */
#include <check.h>
#include <string.h>

#include "csv.h"
#include "suites.h"

#define MAXF 8

/*
 * One line and the fields it must give.  len 0 means strlen(in).
 * Expected fields are written out in full; quoted tells which fields were
 * quoted ("q" for each quoted one, "-" for each plain one).
 */
struct csv_case {
	const char *name;
	const char *in;
	size_t len;
	size_t nfields;
	const char *want[MAXF];
	const char *quoted;
};

static const struct csv_case cases[] = {
	{ "plain", "a,b,c", 0, 3, { "a", "b", "c" }, "---" },
	{ "empty line", "", 0, 1, { "" }, "-" },
	{ "one comma", ",", 0, 2, { "", "" }, "--" },
	{ "trailing comma", "a,", 0, 2, { "a", "" }, "--" },
	{ "two trailing commas", "a,,", 0, 3, { "a", "", "" }, "---" },
	{ "empty middle field", "a,,b", 0, 3, { "a", "", "b" }, "---" },
	{ "leading empty field", ",a", 0, 2, { "", "a" }, "--" },
	{ "spaces kept", " a , b ", 0, 2, { " a ", " b " }, "--" },
	{ "comma in quotes", "\"a,b\",c", 0, 2, { "a,b", "c" }, "q-" },
	{ "quoted last field", "x,\"a,b\"", 0, 2, { "x", "a,b" }, "-q" },
	{ "quoted empty", "\"\",x", 0, 2, { "", "x" }, "q-" },
	{ "quoted empty alone", "\"\"", 0, 1, { "" }, "q" },
	{ "quoted empty then trailing comma", "\"\",", 0, 2, { "", "" },
	    "q-" },
	{ "doubled quotes", "\"say \"\"hi\"\", please\",x", 0, 2,
	    { "say \"hi\", please", "x" }, "q-" },
	{ "only a doubled quote", "\"\"\"\"", 0, 1, { "\"" }, "q" },
	{ "doubled quote at both ends", "\"\"\"a\"\"\",b", 0, 2,
	    { "\"a\"", "b" }, "q-" },
	{ "two unescaped fields share scratch",
	    "\"a\"\"b\",\"c\"\"d\",e", 0, 3, { "a\"b", "c\"d", "e" },
	    "qq-" },
	{ "unterminated quote ends the line", "x,\"abc, def", 0, 2,
	    { "x", "abc, def" }, "-q" },
	{ "unterminated with doubled quote", "\"a\"\"b,c", 0, 1,
	    { "a\"b,c" }, "q" },
	{ "lone opening quote", "a,\"", 0, 2, { "a", "" }, "-q" },
	{ "text after closing quote", "\"ab\"cd,e", 0, 2, { "abcd", "e" },
	    "q-" },
	{ "quote inside plain field", "ab\"c,d", 0, 2, { "ab\"c", "d" },
	    "--" },
	{ "stray CR inside quotes", "\"a\rb\",c", 0, 2, { "a\rb", "c" },
	    "q-" },
	{ "CR ending an unterminated quote", "\"a\r", 0, 1, { "a\r" }, "q" },
	{ "BOM stripped", "\xEF\xBB\xBF" "a,b", 0, 2, { "a", "b" }, "--" },
	{ "BOM then quoted field", "\xEF\xBB\xBF\"a,b\",c", 0, 2,
	    { "a,b", "c" }, "q-" },
	{ "BOM alone", "\xEF\xBB\xBF", 0, 1, { "" }, "-" },
	{ "BOM later is data", "a,\xEF\xBB\xBF" "b", 0, 2,
	    { "a", "\xEF\xBB\xBF" "b" }, "--" },
	{ "partial BOM is data", "\xEF\xBB" "a", 0, 1, { "\xEF\xBB" "a" },
	    "-" },
	{ "UTF-8 subject with commas and quotes",
	    "x,\"Grüße, \"\"Jürgen\"\" – Angebot\",y", 0, 3,
	    { "x", "Grüße, \"Jürgen\" – Angebot", "y" }, "-q-" },
	{ "semicolons are data", "a;b,c", 0, 2, { "a;b", "c" }, "--" }
};

START_TEST(test_split_table)
{
	const struct csv_case *c = &cases[_i];
	size_t len = c->len != 0 ? c->len : strlen(c->in);
	struct bs_csv_field f[MAXF];
	char scratch[256];
	size_t n, i;

	memset(f, 0, sizeof(f));
	n = bs_csv_split(c->in, len, scratch, sizeof(scratch), f, MAXF);
	ck_assert_msg(n == c->nfields, "%s: %zu fields, expected %zu",
	    c->name, n, c->nfields);
	for (i = 0; i < n; i++) {
		const char *w = c->want[i];
		size_t wl = strlen(w);

		ck_assert_msg(f[i].len == wl && memcmp(f[i].ptr, w, wl) == 0,
		    "%s: field %zu is \"%.*s\", expected \"%s\"", c->name, i,
		    (int)f[i].len, f[i].ptr, w);
		ck_assert_msg(f[i].quoted == (c->quoted[i] == 'q'),
		    "%s: field %zu quoted flag", c->name, i);
	}
}
END_TEST

/* A NUL byte is data like any other: lines are spans, not strings. */
START_TEST(test_nul_bytes)
{
	static const char line[] = "a\0b,\"c\0\"\"d\",e";
	struct bs_csv_field f[3];
	char scratch[64];

	ck_assert_uint_eq(bs_csv_split(line, sizeof(line) - 1, scratch,
	    sizeof(scratch), f, 3), 3);
	ck_assert_uint_eq(f[0].len, 3);
	ck_assert_int_eq(memcmp(f[0].ptr, "a\0b", 3), 0);
	ck_assert_uint_eq(f[1].len, 4);
	ck_assert_int_eq(memcmp(f[1].ptr, "c\0\"d", 4), 0);
	ck_assert_uint_eq(f[2].len, 1);
}
END_TEST

/* Fields that need no unescaping are spans of the line, not copies. */
START_TEST(test_zero_copy)
{
	const char *line = "a,\"b,c\",\"d\"\"e\"";
	struct bs_csv_field f[3];
	char scratch[64];

	ck_assert_uint_eq(bs_csv_split(line, strlen(line), scratch,
	    sizeof(scratch), f, 3), 3);
	ck_assert_ptr_eq(f[0].ptr, line);
	ck_assert_ptr_eq(f[1].ptr, line + 3);
	ck_assert_ptr_eq(f[2].ptr, scratch);
	ck_assert_uint_eq(f[2].len, 3);
}
END_TEST

/* More fields than slots: all are counted, the first max are stored. */
START_TEST(test_more_fields_than_max)
{
	const char *line = "1,2,\"3,3\",4,5,6";
	struct bs_csv_field f[3];
	char scratch[64];

	ck_assert_uint_eq(bs_csv_split(line, strlen(line), scratch,
	    sizeof(scratch), f, 3), 6);
	ck_assert_uint_eq(f[2].len, 3);
	ck_assert_int_eq(memcmp(f[2].ptr, "3,3", 3), 0);
	ck_assert_uint_eq(bs_csv_split(line, strlen(line), scratch,
	    sizeof(scratch), NULL, 0), 6);
}
END_TEST

/* A scratch buffer too small cuts the unescaped field; nothing overflows. */
START_TEST(test_small_scratch)
{
	const char *line = "\"ab\"\"cd\",\"e\"\"f\",g";
	struct bs_csv_field f[3];
	char scratch[8];

	memset(scratch, 'X', sizeof(scratch));
	ck_assert_uint_eq(bs_csv_split(line, strlen(line), scratch, 4, f, 3),
	    3);
	ck_assert_uint_eq(f[0].len, 4);
	ck_assert_int_eq(memcmp(f[0].ptr, "ab\"c", 4), 0);
	ck_assert_uint_eq(f[1].len, 0);
	ck_assert_uint_eq(f[2].len, 1);
	ck_assert_int_eq(scratch[4], 'X');
}
END_TEST

/* The BOM helper on its own. */
START_TEST(test_bom)
{
	ck_assert_uint_eq(bs_csv_bom("\xEF\xBB\xBF#", 4), 3);
	ck_assert_uint_eq(bs_csv_bom("\xEF\xBB\xBF", 3), 3);
	ck_assert_uint_eq(bs_csv_bom("\xEF\xBB", 2), 0);
	ck_assert_uint_eq(bs_csv_bom("#Fields", 7), 0);
	ck_assert_uint_eq(bs_csv_bom("", 0), 0);
}
END_TEST

/* Scratch is reused across lines: the second line's copy starts at 0. */
START_TEST(test_scratch_reuse)
{
	struct bs_csv_field f[2];
	char scratch[16];

	bs_csv_split("\"a\"\"\",x", 7, scratch, sizeof(scratch), f, 2);
	ck_assert_ptr_eq(f[0].ptr, scratch);
	bs_csv_split("\"b\"\"\"", 5, scratch, sizeof(scratch), f, 2);
	ck_assert_ptr_eq(f[0].ptr, scratch);
	ck_assert_uint_eq(f[0].len, 2);
	ck_assert_int_eq(memcmp(f[0].ptr, "b\"", 2), 0);
}
END_TEST

Suite *
csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("split");

	tcase_add_loop_test(tc, test_split_table, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_nul_bytes);
	tcase_add_test(tc, test_zero_copy);
	tcase_add_test(tc, test_more_fields_than_max);
	tcase_add_test(tc, test_small_scratch);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_scratch_reuse);
	suite_add_tcase(s, tc);
	return s;
}
