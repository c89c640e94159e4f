/*
 * check_normalize.c - reply texts made placeholders for --detail
 * (src/normalize.c), one row per kind of varying part.
 */
#include <check.h>
#include <string.h>

#include "normalize.h"
#include "suites.h"

static const struct {
	const char *in, *want;
} rows[] = {
	{ "550 5.1.1 <ann@example.org>: Recipient address rejected: User "
	  "unknown in virtual mailbox table",
	  "550 5.1.1 <addr>: Recipient address rejected: User unknown in "
	  "virtual mailbox table" },
	{ "421-4.7.0 [192.0.2.10 15] Our system has detected an unusual "
	  "rate of unsolicited mail. a640c23a62f3a-a9a5b1c0c2dsi12345.2 - "
	  "gsmtp",
	  "421-4.7.0 [IP N] Our system has detected an unusual rate of "
	  "unsolicited mail. ID-ID - gsmtp" },
	{ "250 2.0.0 Ok: queued as B477B66044",
	  "250 2.0.0 Ok: queued as ID" },
	{ "connect to mx.example.net[2001:db8::25]:25: Connection refused",
	  "connect to mx.example.net[IP]:N: Connection refused" },
	{ "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked "
	  "using zen.spamhaus.org; https://www.spamhaus.org/query/ip/"
	  "203.0.113.7",
	  "554 5.7.1 Service unavailable; Client host [IP] blocked using "
	  "zen.spamhaus.org; https://www.spamhaus.org/query/ip/IP" },
	{ "452 4.2.2 The email account that you tried to reach is over "
	  "quota (5000 MB, 1.5 GB).",
	  "452 4.2.2 The email account that you tried to reach is over "
	  "quota (N MB, N.N GB)." },
	{ "550 5.7.606 Access denied, banned sending IP [198.51.100.9]. "
	  "S3150",
	  "550 5.7.606 Access denied, banned sending IP [IP]. S3150" },
	{ "host mx1.example.com[192.0.2.1] said: 450 4.7.1 Try again at "
	  "2026-12-07 13:05:09",
	  "host ID[IP] said: 450 4.7.1 Try again at N-N-N N:N:N" },
	{ "", "" },
};

START_TEST(table)
{
	char out[512];
	size_t n = bs_normalize(rows[_i].in, strlen(rows[_i].in), out,
	    sizeof(out));

	out[n] = '\0';
	ck_assert_str_eq(out, rows[_i].want);
}
END_TEST

/* The output never runs past its room, whatever the input. */
START_TEST(bounded)
{
	char out[8];
	const char *in = "550 5.1.1 <someone@example.org> user unknown";

	ck_assert_uint_eq(bs_normalize(in, strlen(in), out, sizeof(out)), 8);
	ck_assert_mem_eq(out, "550 5.1.", 8);
	ck_assert_uint_eq(bs_normalize(in, strlen(in), out, 0), 0);
}
END_TEST

Suite *
normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc = tcase_create("normalize");

	tcase_add_loop_test(tc, table, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, bounded);
	suite_add_tcase(s, tc);
	return s;
}
