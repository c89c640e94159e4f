/*
 * check_patterns.c - pattern files (src/patterns.c): the grammar of
 * patterns/NAME.pat, the diagnostics for each kind of mistake, lookups of
 * patterns and groups, the match limits, the built-in sets and a
 * replacement folder, and the patterns of codes.pat themselves.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bslimits.h"
#include "patterns.h"
#include "suites.h"
#include "testutil.h"

/* --- fixtures ------------------------------------------------------------ */

static char tmpdir[64];

static void
setup(void)
{
	bs_test_mkdtemp(tmpdir, "patterns");
}

static void
teardown(void)
{
	bs_test_rmtree(tmpdir);
}

/* A new, empty folder of its own for one test, inside tmpdir. */
static void
fresh_dir(char *dir, size_t sz)
{
	snprintf(dir, sz, "%s/XXXXXX", tmpdir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
write_in(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Whether the pattern SET/NAME exists and matches subject. */
static int
matches(const struct bs_patterns *p, const char *set, const char *name,
    const char *subject)
{
	const pcre2_code *re;
	pcre2_match_data *md;
	struct bs_diag d;
	int r;

	ck_assert_msg(bs_patterns_get(p, set, name, &re, &d) == BS_OK,
	    "%s/%s: %s", set, name, d.msg);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	ck_assert_ptr_nonnull(md);
	r = bs_match(p, re, subject, strlen(subject), 0, md);
	pcre2_match_data_free(md);
	ck_assert_int_ge(r, 0);
	return r > 0;
}

static bool
has_pattern(const struct bs_patterns *p, const char *set, const char *name)
{
	const pcre2_code *re;

	return bs_patterns_get(p, set, name, &re, NULL) == BS_OK;
}

/* --- the grammar --------------------------------------------------------- */

/*
 * A text and its outcome.  For a good text, pattern "probe" of the set
 * must match "yes" and must not match "no".  For a bad one, the status,
 * the line in the diagnostic and words of its message.
 */
struct grammar_case {
	const char *name;
	const char *text;
	bs_status want;
	unsigned line;
	const char *msg;
	const char *msg2;
	const char *yes;
	const char *no;
};

static const struct grammar_case grammar[] = {
	{ "one pattern", "probe = ^abc$\n", BS_OK, 0, NULL, NULL,
	    "abc", "abcd" },
	{ "no final newline", "probe = ^abc$", BS_OK, 0, NULL, NULL,
	    "abc", "ab" },
	{ "comments and blank lines",
	    "# a comment\n\n#another = x\nprobe = ^abc$\n\n# end\n",
	    BS_OK, 0, NULL, NULL, "abc", "x" },
	{ "white space around =", "probe \t=\t ^abc$\n", BS_OK, 0, NULL,
	    NULL, "abc", " abc" },
	{ "no white space around =", "probe=^abc$\n", BS_OK, 0, NULL, NULL,
	    "abc", "=abc" },
	{ "continuation lines are concatenated",
	    "probe = ^ab\n\tcd\n    ef$\n", BS_OK, 0, NULL, NULL,
	    "abcdef", "ab\tcd" },
	{ "continuation keeps inner white space",
	    "probe = ^x\n\t \ty z$\n", BS_OK, 0, NULL, NULL, "xy z", "x y z" },
	{ "a white-space-only line inside a continuation",
	    "probe = ^a\n   \n\tb$\n", BS_OK, 0, NULL, NULL, "ab", "a" },
	{ "CRLF line ends", "other = x\r\nprobe = ^abc\r\n\tdef$\r\n",
	    BS_OK, 0, NULL, NULL, "abcdef", "abc" },
	{ "trailing white space is part of the regex",
	    "probe = ^ab \n", BS_OK, 0, NULL, NULL, "ab ", "ab" },
	{ "several patterns", "a = 1\nprobe = ^2$\nc = 3\n", BS_OK, 0, NULL,
	    NULL, "2", "1" },
	{ "duplicate name", "a = x\nb = y\na = z\n", BS_ERR_CONFIG, 3,
	    "'a'", "twice", NULL, NULL },
	{ "duplicate after a continued pattern",
	    "a = x\n\ty\n\n# c\na = z\n", BS_ERR_CONFIG, 5, "'a'", "twice",
	    NULL, NULL },
	{ "continuation before any pattern", "\tx\na = y\n", BS_ERR_CONFIG,
	    1, "continuation", NULL, NULL, NULL },
	{ "continuation after a comment", "# c\n  x\n", BS_ERR_CONFIG, 2,
	    "continuation", NULL, NULL, NULL },
	{ "missing =", "# c\n\nabc def\n", BS_ERR_CONFIG, 3, "'='", "'abc'",
	    NULL, NULL },
	{ "missing = at the end of the line", "abc\n", BS_ERR_CONFIG, 1,
	    "'='", NULL, NULL, NULL },
	{ "no name", "a = x\n= y\n", BS_ERR_CONFIG, 2, "name = regex", NULL,
	    NULL, NULL },
	{ "bad character in the name", "a-b = y\n", BS_ERR_CONFIG, 1, "'='",
	    NULL, NULL, NULL },
	{ "name too long",
	    "n234567890123456789012345678901234567890123456789012345678901234"
	    " = x\n", BS_ERR_CONFIG, 1, "name = regex", NULL, NULL, NULL },
	{ "does not compile", "ok = x\n# c\nbad = (abc\n", BS_ERR_CONFIG, 3,
	    "'bad'", "offset 4", NULL, NULL },
	{ "does not compile, continued", "bad = ab\n\t[c\n", BS_ERR_CONFIG, 1,
	    "'bad'", "offset", NULL, NULL },
	{ "does not compile, last line", "bad = a{2,1}", BS_ERR_CONFIG, 1,
	    "'bad'", "offset", NULL, NULL }
};

#define NGRAMMAR	(sizeof(grammar) / sizeof(grammar[0]))

START_TEST(test_grammar_table)
{
	const struct grammar_case *c = &grammar[_i];
	struct bs_patterns *p = bs_patterns_new();
	struct bs_diag d;
	bs_status st;

	ck_assert_ptr_nonnull(p);
	bs_diag_clear(&d);
	st = bs_patterns_add_text(p, "t", "test.pat", c->text,
	    strlen(c->text), &d);
	ck_assert_msg(st == c->want, "%s: status %d, expected %d (%s)",
	    c->name, st, c->want, d.msg);
	if (c->want == BS_OK) {
		ck_assert_msg(matches(p, "t", "probe", c->yes),
		    "%s: does not match \"%s\"", c->name, c->yes);
		ck_assert_msg(!matches(p, "t", "probe", c->no),
		    "%s: matches \"%s\"", c->name, c->no);
	} else {
		ck_assert_str_eq(d.file, "test.pat");
		ck_assert_msg(d.line == c->line, "%s: line %llu, expected %u",
		    c->name, (unsigned long long)d.line, c->line);
		ck_assert_msg(strstr(d.msg, c->msg) != NULL,
		    "%s: message \"%s\" lacks \"%s\"", c->name, d.msg, c->msg);
		ck_assert_msg(c->msg2 == NULL || strstr(d.msg, c->msg2),
		    "%s: message \"%s\" lacks \"%s\"", c->name, d.msg,
		    c->msg2);
	}
	bs_patterns_free(p);
}
END_TEST

/* The text need not be NUL-terminated: only len bytes count. */
START_TEST(test_text_length)
{
	static const char text[] = "probe = ^abc$\nbad = (";
	struct bs_patterns *p = bs_patterns_new();
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_add_text(p, "t", "x", text, 14, &d),
	    BS_OK);
	ck_assert(matches(p, "t", "probe", "abc"));
	ck_assert(!has_pattern(p, "t", "bad"));
	bs_patterns_free(p);
}
END_TEST

/* Adding a set again replaces it whole; other sets stay. */
START_TEST(test_set_replaced)
{
	struct bs_patterns *p = bs_patterns_new();
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_add_text(p, "s", "1", "a = 1\nb = 2\n",
	    12, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_add_text(p, "other", "2", "a = o\n", 6,
	    &d), BS_OK);
	ck_assert_int_eq(bs_patterns_add_text(p, "s", "3", "a = 3\n", 6, &d),
	    BS_OK);
	ck_assert(matches(p, "s", "a", "3"));
	ck_assert(!matches(p, "s", "a", "1"));
	ck_assert(!has_pattern(p, "s", "b"));
	ck_assert(matches(p, "other", "a", "o"));
	/* The same name in two sets is no duplicate. */
	ck_assert(has_pattern(p, "other", "a"));
	bs_patterns_free(p);
	bs_patterns_free(NULL);
}
END_TEST

/* --- lookups and matching ------------------------------------------------ */

START_TEST(test_get_missing)
{
	struct bs_patterns *p = bs_patterns_new();
	const pcre2_code *re = (const pcre2_code *)1;
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_add_text(p, "s", "x", "a = 1\n", 6, &d),
	    BS_OK);
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_patterns_get(p, "s", "nope", &re, &d),
	    BS_ERR_CONFIG);
	ck_assert_ptr_null(re);
	ck_assert_msg(strstr(d.msg, "'s'") && strstr(d.msg, "'nope'"),
	    "message \"%s\"", d.msg);
	re = (const pcre2_code *)1;
	ck_assert_int_eq(bs_patterns_get(p, "nosuchset", "a", &re, &d),
	    BS_ERR_CONFIG);
	ck_assert_ptr_null(re);
	ck_assert_msg(strstr(d.msg, "'nosuchset'") != NULL, "message \"%s\"",
	    d.msg);
	bs_patterns_free(p);
}
END_TEST

START_TEST(test_groups)
{
	static const char text[] =
	    "g = ^(?<first>[a-z]+)(?: (?<second>[0-9]+))?(?<third>!)?\n";
	struct bs_patterns *p = bs_patterns_new();
	const pcre2_code *re;
	pcre2_match_data *md;
	struct bs_diag d;
	const char *s;
	size_t len;
	int first, second, third, none = 0;

	ck_assert_int_eq(bs_patterns_add_text(p, "s", "x", text,
	    sizeof(text) - 1, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_get(p, "s", "g", &re, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_group(re, "s", "g", "first", &first,
	    &d), BS_OK);
	ck_assert_int_eq(bs_patterns_group(re, "s", "g", "second", &second,
	    &d), BS_OK);
	ck_assert_int_eq(bs_patterns_group(re, "s", "g", "third", &third,
	    &d), BS_OK);
	ck_assert_int_eq(first, 1);
	ck_assert_int_eq(second, 2);
	ck_assert_int_eq(third, 3);
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_patterns_group(re, "s", "g", "fourth", &none,
	    &d), BS_ERR_CONFIG);
	ck_assert_int_eq(none, -1);
	ck_assert_msg(strstr(d.msg, "fourth") && strstr(d.msg, "'g'"),
	    "message \"%s\"", d.msg);

	md = pcre2_match_data_create_from_pattern(re, NULL);
	ck_assert_int_gt(bs_match(p, re, "abc 42 tail", 11, 0, md), 0);
	ck_assert(bs_group_span(md, first, &s, "abc 42 tail", &len));
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(memcmp(s, "abc", 3), 0);
	ck_assert(bs_group_span(md, second, &s, "abc 42 tail", &len));
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(memcmp(s, "42", 2), 0);
	/* A group that took no part, and indexes out of range. */
	ck_assert(!bs_group_span(md, third, &s, "abc 42 tail", &len));
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(len, 0);
	ck_assert(!bs_group_span(md, -1, &s, "abc 42 tail", &len));
	ck_assert(!bs_group_span(md, 99, &s, "abc 42 tail", &len));
	/* Subjects are bytes with a length: NUL and invalid UTF-8 too. */
	ck_assert_int_eq(bs_match(p, re, "1abc", 4, 0, md), 0);
	ck_assert_int_gt(bs_match(p, re, "x\0y", 3, 0, md), 0);
	ck_assert_int_gt(bs_match(p, re, "ab\xff\xfe", 4, 0, md), 0);
	ck_assert(bs_group_span(md, first, &s, "ab\xff\xfe", &len));
	ck_assert_uint_eq(len, 2);
	pcre2_match_data_free(md);
	bs_patterns_free(p);
}
END_TEST

/*
 * A catastrophic pattern on a subject that makes it backtrack 2^32 ways:
 * the match limit turns it into a negative result, quickly, and the same
 * pattern and match data work for the next line.
 */
START_TEST(test_catastrophic)
{
	static const char text[] = "evil = ^(a+)+$\n";
	static const char subject[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	struct bs_patterns *p = bs_patterns_new();
	const pcre2_code *re;
	pcre2_match_data *md;
	struct bs_diag d;
	time_t t0 = time(NULL);
	int r;

	ck_assert_int_eq(bs_patterns_add_text(p, "s", "x", text,
	    sizeof(text) - 1, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_get(p, "s", "evil", &re, &d), BS_OK);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	r = bs_match(p, re, subject, sizeof(subject) - 1, 0, md);
	ck_assert_msg(r < 0, "result %d", r);
	ck_assert_msg(r == PCRE2_ERROR_MATCHLIMIT ||
	    r == PCRE2_ERROR_DEPTHLIMIT || r == PCRE2_ERROR_HEAPLIMIT ||
	    r == PCRE2_ERROR_JIT_STACKLIMIT, "result %d", r);
	ck_assert_int_lt(time(NULL) - t0, 5);
	ck_assert_int_gt(bs_match(p, re, "aaaa", 4, 0, md), 0);
	ck_assert_int_eq(bs_match(p, re, "aab", 3, 0, md), 0);
	pcre2_match_data_free(md);
	bs_patterns_free(p);
}
END_TEST

/* --- built-in sets and folders ------------------------------------------- */

START_TEST(test_builtin)
{
	static const char *const want[][2] = {
		{ "codes", "reply" }, { "codes", "enhanced" },
		{ "postfix", "syslog" }, { "postfix", "delivery" },
		{ "postfix", "outcome" }, { "postfix", "reject" }
	};
	struct bs_patterns *p = (struct bs_patterns *)1;
	struct bs_diag d;
	size_t i;

	bs_diag_clear(&d);
	ck_assert_msg(bs_patterns_load(NULL, &p, &d) == BS_OK, "%s: %s",
	    d.file, d.msg);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(has_pattern(p, want[i][0], want[i][1]),
		    "%s/%s missing", want[i][0], want[i][1]);
	bs_patterns_free(p);
}
END_TEST

/* A folder's codes.pat replaces the built-in set whole; the rest stays. */
START_TEST(test_folder_replaces)
{
	struct bs_patterns *p = NULL;
	struct bs_diag d;
	char dir[128];

	fresh_dir(dir, sizeof(dir));
	write_in(dir, "codes.pat", "# mine\nreply = ^R(?<basic>[0-9]{3})\n");
	write_in(dir, "extra.pat", "thing = ^thing$\n");
	write_in(dir, "notes.txt", "this = (is not a pattern file\n");
	bs_diag_clear(&d);
	ck_assert_msg(bs_patterns_load(dir, &p, &d) == BS_OK, "%s: %s",
	    d.file, d.msg);
	ck_assert(matches(p, "codes", "reply", "R550"));
	ck_assert(!matches(p, "codes", "reply", "550 5.1.1"));
	ck_assert(!has_pattern(p, "codes", "enhanced"));
	ck_assert(has_pattern(p, "postfix", "delivery"));
	ck_assert(matches(p, "extra", "thing", "thing"));
	bs_patterns_free(p);
}
END_TEST

START_TEST(test_folder_without_patterns)
{
	struct bs_patterns *p = (struct bs_patterns *)1;
	struct bs_diag d;
	char dir[128];

	fresh_dir(dir, sizeof(dir));
	write_in(dir, "readme.txt", "nothing here\n");
	write_in(dir, "codes.pat.orig", "reply = x\n");
	write_in(dir, ".pat", "reply = x\n");
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_patterns_load(dir, &p, &d), BS_ERR_CONFIG);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(d.msg, ".pat") != NULL, "message \"%s\"",
	    d.msg);
	ck_assert_str_eq(d.file, dir);
}
END_TEST

START_TEST(test_folder_missing)
{
	struct bs_patterns *p = (struct bs_patterns *)1;
	struct bs_diag d;
	char dir[128], missing[160];

	fresh_dir(dir, sizeof(dir));
	snprintf(missing, sizeof(missing), "%s/no-such-folder", dir);
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_patterns_load(missing, &p, &d), BS_ERR_CONFIG);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(d.file, missing);
	ck_assert_msg(strstr(d.msg, strerror(ENOENT)) != NULL,
	    "message \"%s\"", d.msg);
}
END_TEST

/* A bad file in the folder names itself, its line and the offset. */
START_TEST(test_folder_bad_pattern)
{
	struct bs_patterns *p = (struct bs_patterns *)1;
	struct bs_diag d;
	char dir[128], path[160];

	fresh_dir(dir, sizeof(dir));
	write_in(dir, "codes.pat", "# c\nreply = ^(?<basic>[0-9]{3}\n");
	snprintf(path, sizeof(path), "%s/codes.pat", dir);
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_patterns_load(dir, &p, &d), BS_ERR_CONFIG);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(d.file, path);
	ck_assert_uint_eq(d.line, 2);
	ck_assert_msg(strstr(d.msg, "offset") != NULL, "message \"%s\"",
	    d.msg);
}
END_TEST

START_TEST(test_folder_big_file)
{
	struct bs_patterns *p = (struct bs_patterns *)1;
	struct bs_diag d;
	char dir[128], path[160];
	FILE *f;
	long i;

	fresh_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/big.pat", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i <= BS_PATTERN_FILE_MAX / 16; i++)
		fputs("# padding line.\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(bs_patterns_load(dir, &p, &d), BS_ERR_CONFIG);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(d.file, path);
}
END_TEST

/* --- codes.pat ----------------------------------------------------------- */

/* A reply and the codes the built-in "reply" pattern reads from it. */
struct reply_case {
	const char *in;
	const char *basic;	/* NULL: no match */
	const char *enhanced;	/* NULL: group absent */
};

static const struct reply_case replies[] = {
	{ "550 5.1.1 <a@example.com>: Recipient address rejected", "550",
	    "5.1.1" },
	{ "550-5.7.1 [192.0.2.1] blocked 550-5.7.1 again", "550", "5.7.1" },
	{ "550 #5.1.1 not found", "550", "5.1.1" },
	{ "250 2.1.5Recipient OK", "250", "2.1.5" },
	{ "250 2.0.0 Ok: queued as 4XyZ", "250", "2.0.0" },
	{ "421 4.7.0 Try again later", "421", "4.7.0" },
	{ "550 5.7.26 Unauthenticated email", "550", "5.7.26" },
	{ "550 5.7.606 Access denied", "550", "5.7.606" },
	{ "452", "452", NULL },
	{ "554 Transaction failed", "554", NULL },
	{ "550-Mailbox unavailable", "550", NULL },
	{ "550 4.47.28.40 is an address", "550", NULL },
	{ "550 5.1.1.1 is no code", "550", NULL },
	{ "550 4.1234.343 is no code", "550", NULL },
	{ "550 3.1.1 class 3 is no class", "550", NULL },
	{ "5501 no code", NULL, NULL },
	{ "150 too low", NULL, NULL },
	{ "650 too high", NULL, NULL },
	{ "55 short", NULL, NULL },
	{ "x550 5.1.1", NULL, NULL }
};

START_TEST(test_codes_reply)
{
	const struct reply_case *c = &replies[_i];
	struct bs_patterns *p;
	const pcre2_code *re;
	pcre2_match_data *md;
	struct bs_diag d;
	int gb, ge, r;
	const char *s;
	size_t len;

	ck_assert_int_eq(bs_patterns_load(NULL, &p, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_get(p, "codes", "reply", &re, &d),
	    BS_OK);
	ck_assert_int_eq(bs_patterns_group(re, "codes", "reply", "basic",
	    &gb, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_group(re, "codes", "reply", "enhanced",
	    &ge, &d), BS_OK);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	r = bs_match(p, re, c->in, strlen(c->in), 0, md);
	ck_assert_int_ge(r, 0);
	if (c->basic == NULL) {
		ck_assert_msg(r == 0, "\"%s\" matched", c->in);
	} else {
		ck_assert_msg(r > 0, "\"%s\" did not match", c->in);
		ck_assert(bs_group_span(md, gb, &s, c->in, &len));
		ck_assert_msg(len == strlen(c->basic) &&
		    memcmp(s, c->basic, len) == 0, "\"%s\": basic \"%.*s\"",
		    c->in, (int)len, s);
		if (c->enhanced == NULL)
			ck_assert_msg(!bs_group_span(md, ge, &s, c->in, &len),
			    "\"%s\": enhanced \"%.*s\"", c->in, (int)len, s);
		else {
			ck_assert_msg(bs_group_span(md, ge, &s, c->in, &len),
			    "\"%s\": no enhanced code", c->in);
			ck_assert_msg(len == strlen(c->enhanced) &&
			    memcmp(s, c->enhanced, len) == 0,
			    "\"%s\": enhanced \"%.*s\"", c->in, (int)len, s);
		}
	}
	pcre2_match_data_free(md);
	bs_patterns_free(p);
}
END_TEST

/* A reply that opens with its enhanced code, and what is no code. */
START_TEST(test_codes_enhanced)
{
	static const struct reply_case cases[] = {
		{ "5.7.1 Blocked", "", "5.7.1" },
		{ "#5.1.1 unknown", "", "5.1.1" },
		{ "4.2.2 mailbox full", "", "4.2.2" },
		{ "5.7.1", "", "5.7.1" },
		{ "5.7.1.2 version", NULL, NULL },
		{ "1.2.3 no class", NULL, NULL },
		{ "550 5.1.1", NULL, NULL }
	};
	struct bs_patterns *p;
	const pcre2_code *re;
	pcre2_match_data *md;
	struct bs_diag d;
	size_t i, len;
	const char *s;
	int ge, r;

	ck_assert_int_eq(bs_patterns_load(NULL, &p, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_get(p, "codes", "enhanced", &re, &d),
	    BS_OK);
	ck_assert_int_eq(bs_patterns_group(re, "codes", "enhanced",
	    "enhanced", &ge, &d), BS_OK);
	md = pcre2_match_data_create_from_pattern(re, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct reply_case *c = &cases[i];

		r = bs_match(p, re, c->in, strlen(c->in), 0, md);
		ck_assert_int_ge(r, 0);
		if (c->enhanced == NULL) {
			ck_assert_msg(r == 0, "\"%s\" matched", c->in);
			continue;
		}
		ck_assert_msg(r > 0, "\"%s\" did not match", c->in);
		ck_assert(bs_group_span(md, ge, &s, c->in, &len));
		ck_assert_msg(len == strlen(c->enhanced) &&
		    memcmp(s, c->enhanced, len) == 0,
		    "\"%s\": enhanced \"%.*s\"", c->in, (int)len, s);
	}
	pcre2_match_data_free(md);
	bs_patterns_free(p);
}
END_TEST

Suite *
patterns_suite(void)
{
	Suite *s = suite_create("patterns");
	TCase *tc = tcase_create("grammar");

	tcase_add_loop_test(tc, test_grammar_table, 0, NGRAMMAR);
	tcase_add_test(tc, test_text_length);
	tcase_add_test(tc, test_set_replaced);
	suite_add_tcase(s, tc);
	tc = tcase_create("match");
	tcase_add_test(tc, test_get_missing);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_catastrophic);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_builtin);
	tcase_add_test(tc, test_folder_replaces);
	tcase_add_test(tc, test_folder_without_patterns);
	tcase_add_test(tc, test_folder_missing);
	tcase_add_test(tc, test_folder_bad_pattern);
	tcase_add_test(tc, test_folder_big_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("codes.pat");
	tcase_add_loop_test(tc, test_codes_reply, 0,
	    sizeof(replies) / sizeof(replies[0]));
	tcase_add_test(tc, test_codes_enhanced);
	suite_add_tcase(s, tc);
	return s;
}
