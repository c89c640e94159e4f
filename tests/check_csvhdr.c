/*
 * check_csvhdr.c - the CSV-with-header reader (src/csvhdr.c): names
 * mapped whatever their case, blanks and quotes, the first of a repeated
 * name, absent columns and short rows as empty spans, quoted fields lent
 * unescaped, columns past BS_CSVHDR_FIELDS_MAX, and too many names.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "csvhdr.h"
#include "suites.h"

enum { N_TIME, N_EVENT, N_RCPT, N_MISSING, N_COUNT };

static const char *const names[N_COUNT] = {
	"date-time", "event-id", "recipient-address", "not-there"
};

static struct bs_csvhdr rd;

static void
setup(void)
{
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_int_eq(bs_csvhdr_init(&rd, names, N_COUNT, &d), BS_OK);
}

static void
teardown(void)
{
	bs_csvhdr_fini(&rd);
	bs_csvhdr_fini(&rd); /* a second fini does nothing */
}

/* Column k of the last row as a string. */
static const char *
get(const struct bs_csvhdr_map *m, size_t k)
{
	static char buf[256];
	const char *s;
	size_t n;

	bs_csvhdr_get(&rd, m, k, &s, &n);
	ck_assert_ptr_nonnull(s);
	snprintf(buf, sizeof(buf), "%.*s", (int)n, s);
	return buf;
}

struct map_case {
	const char *header;
	size_t ncols;
	int col[N_COUNT];
};

static const struct map_case maps[] = {
	{ "date-time,event-id,recipient-address", 3, { 0, 1, 2, -1 } },
	{ "recipient-address,x,EVENT-ID,Date-Time", 4, { 3, 2, 0, -1 } },
	{ "\"date-time\" , \" event-id \",\"recipient-address\"", 3,
	    { 0, 1, 2, -1 } },
	{ "\xEF\xBB\xBF" "date-time,event-id", 2, { 0, 1, -1, -1 } },
	{ "event-id,event-id,date-time", 3, { 2, 0, -1, -1 } },
	{ "date-time-utc,event_id,recipient-addresses", 3,
	    { -1, -1, -1, -1 } },
	{ "", 1, { -1, -1, -1, -1 } },
	{ ",,,", 4, { -1, -1, -1, -1 } }
};

START_TEST(test_map)
{
	const struct map_case *c = &maps[_i];
	struct bs_csvhdr_map m;
	size_t k;

	bs_csvhdr_map(&rd, c->header, strlen(c->header), &m);
	ck_assert_uint_eq(m.ncols, c->ncols);
	for (k = 0; k < N_COUNT; k++) {
		ck_assert_msg(m.col[k] == c->col[k], "%s: %s at %d, not %d",
		    c->header, names[k], m.col[k], c->col[k]);
		ck_assert(bs_csvhdr_has(&m, k) == (c->col[k] >= 0));
	}
}
END_TEST

/* Rows under one header: fields lent as written or unescaped. */
START_TEST(test_rows)
{
	static const char hdr[] = "recipient-address,event-id,date-time";
	struct bs_csvhdr_map m;

	bs_csvhdr_map(&rd, hdr, sizeof(hdr) - 1, &m);
	ck_assert_uint_eq(bs_csvhdr_row(&rd, "a@x,FAIL,2026", 13), 3);
	ck_assert_str_eq(get(&m, N_RCPT), "a@x");
	ck_assert_str_eq(get(&m, N_EVENT), "FAIL");
	ck_assert_str_eq(get(&m, N_TIME), "2026");
	ck_assert_str_eq(get(&m, N_MISSING), "");

	/* Quotes: commas inside, doubled quotes, UTF-8 kept as bytes. */
	ck_assert_uint_eq(bs_csvhdr_row(&rd, "\"a, \"\"b\"\" – ü\",\"\",x",
	    strlen("\"a, \"\"b\"\" – ü\",\"\",x")), 3);
	ck_assert_str_eq(get(&m, N_RCPT), "a, \"b\" – ü");
	ck_assert_str_eq(get(&m, N_EVENT), "");
	ck_assert_str_eq(get(&m, N_TIME), "x");

	/* A short row: the columns it does not reach are empty. */
	ck_assert_uint_eq(bs_csvhdr_row(&rd, "only", 4), 1);
	ck_assert_str_eq(get(&m, N_RCPT), "only");
	ck_assert_str_eq(get(&m, N_EVENT), "");
	ck_assert_str_eq(get(&m, N_TIME), "");

	/* Mapping a header is no row: nothing is lent from it. */
	bs_csvhdr_map(&rd, hdr, sizeof(hdr) - 1, &m);
	ck_assert_str_eq(get(&m, N_RCPT), "");
}
END_TEST

/* A name past BS_CSVHDR_FIELDS_MAX columns is treated as missing. */
START_TEST(test_wide)
{
	static char line[BS_CSVHDR_FIELDS_MAX * 4 + 64];
	struct bs_csvhdr_map m;
	size_t i, o = 0;

	for (i = 0; i < BS_CSVHDR_FIELDS_MAX; i++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, "c%zu,", i);
	snprintf(line + o, sizeof(line) - o, "event-id");
	bs_csvhdr_map(&rd, line, strlen(line), &m);
	ck_assert_uint_eq(m.ncols, BS_CSVHDR_FIELDS_MAX + 1);
	ck_assert(!bs_csvhdr_has(&m, N_EVENT));
	snprintf(line, sizeof(line), "event-id,date-time");
	bs_csvhdr_map(&rd, line, strlen(line), &m);
	ck_assert_uint_eq(bs_csvhdr_row(&rd, "a,b,c,d", 7), 4);
	ck_assert_str_eq(get(&m, N_EVENT), "a");
}
END_TEST

START_TEST(test_too_many_names)
{
	static const char *many[BS_CSVHDR_NAMES_MAX + 1];
	struct bs_csvhdr r;
	struct bs_diag d;
	size_t i;

	for (i = 0; i < BS_CSVHDR_NAMES_MAX + 1; i++)
		many[i] = "x";
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_csvhdr_init(&r, many, BS_CSVHDR_NAMES_MAX + 1,
	    &d), BS_ERR_CONFIG);
	ck_assert(d.msg[0] != '\0');
	bs_csvhdr_fini(&r);
	ck_assert_int_eq(bs_csvhdr_init(&r, many, BS_CSVHDR_NAMES_MAX, &d),
	    BS_OK);
	bs_csvhdr_fini(&r);
}
END_TEST

Suite *
csvhdr_suite(void)
{
	Suite *s = suite_create("csvhdr");
	TCase *tc = tcase_create("csvhdr");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_map, 0,
	    (int)(sizeof(maps) / sizeof(maps[0])));
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_wide);
	tcase_add_test(tc, test_too_many_names);
	suite_add_tcase(s, tc);
	return s;
}
