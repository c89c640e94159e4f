/*
 * check_normalize.c - reply texts made placeholders for --detail
 * (src/normalize.c), one row per kind of varying part.
 */
#include <check.h>
#include <stdint.h>
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

/*
 * bs_normalize_hosts (the server's warnings, health.h): hosts become
 * "host", a DNS list query keeps its zone; in is also run through
 * bs_normalize, which must give plain (hosts kept as they were).
 */
static const struct {
	const char *in, *hosts, *plain;
} host_rows[] = {
	{ "unknown[192.0.2.150]: SASL LOGIN authentication failed: "
	  "UGFzc3dvcmQ6",
	  "host[IP]: SASL LOGIN authentication failed: ID",
	  "unknown[IP]: SASL LOGIN authentication failed: ID" },
	{ "mail-ej1-f54.example.com[198.51.100.54]: SASL PLAIN "
	  "authentication failed:",
	  "host[IP]: SASL PLAIN authentication failed:",
	  "mail-ej1-ID[IP]: SASL PLAIN authentication failed:" },
	{ "hostname static-198-51-100-7.isp.example does not resolve to "
	  "address 198.51.100.7: Name or service not known",
	  "hostname host does not resolve to address IP: Name or service "
	  "not known",
	  "hostname static-N-N-N-ID does not resolve to address IP: Name or "
	  "service not known" },
	{ "4.3.2.1.zen.spamhaus.org: RBL lookup error: Host or domain name "
	  "not found. Name service error for name=4.3.2.1.zen.spamhaus.org "
	  "type=A: Host not found, try again",
	  "IP.zen.spamhaus.org: RBL lookup error: Host or domain name not "
	  "found. Name service error for name=IP.zen.spamhaus.org type=A: "
	  "Host not found, try again",
	  "ID: RBL lookup error: Host or domain name not found. Name service "
	  "error for name=ID type=A: Host not found, try again" },
	{ "4F9D8100AB: write queue file: No space left on device",
	  "ID: write queue file: No space left on device",
	  "ID: write queue file: No space left on device" },
	{ "connect to transport private/amavis: Connection refused",
	  "connect to transport private/amavis: Connection refused",
	  "connect to transport private/amavis: Connection refused" },
	/* A host name with an address is kept apart from the address. */
	{ "connect to mx.example.net[2001:db8::25]:25: Connection refused",
	  "connect to host[IP]:N: Connection refused",
	  "connect to mx.example.net[IP]:N: Connection refused" },
	/* Four numbers and no name: an address, not a query. */
	{ "1.2.3.4.", "IP.", "IP." },
	{ "hostname", "hostname", "hostname" },
};

START_TEST(hosts)
{
	char out[512];
	size_t n = bs_normalize_hosts(host_rows[_i].in,
	    strlen(host_rows[_i].in), out, sizeof(out));

	out[n] = '\0';
	ck_assert_str_eq(out, host_rows[_i].hosts);
	n = bs_normalize(host_rows[_i].in, strlen(host_rows[_i].in), out,
	    sizeof(out));
	out[n] = '\0';
	ck_assert_str_eq(out, host_rows[_i].plain);
}
END_TEST

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

/*
 * The runs of words copied whole give the same text as reading one unit
 * at a time, for random texts made of the pieces that decide (digits,
 * '@', '[', '-', "hostname ", dots, IPv6 and reversed addresses, bytes
 * past ASCII), whole and cut short at every room.
 */
START_TEST(runs_equal_units)
{
	static const char *const piece[] = { "a", "Zq", "mail", "0", "42",
		"9", ".", "..", "@", "[", "]", "-", ":", " ", "  ", "hostname ",
		"xhostname ", "hostname", "\xc3\xa9", "_", "+", "<", ">", "=",
		"[2001:db8::1]", "4.3.2.1.", "zen.example.org", "192.0.2.7",
		"5.7.1", "550", "B477B66044", "\t", "mx1" };
	const size_t np = sizeof(piece) / sizeof(piece[0]);
	char in[400], a[400], b[400];
	uint32_t seed = 12345;
	int round, h;

	for (round = 0; round < 20000; round++) {
		size_t n = 0, cap, la, lb;

		while (n < 300) {
			const char *p;
			size_t l;

			seed = seed * 1103515245u + 12345u;
			p = piece[(seed >> 8) % np];
			l = strlen(p);
			if ((seed >> 20) % 23 == 0)
				break;
			memcpy(in + n, p, l);
			n += l;
		}
		seed = seed * 1103515245u + 12345u;
		cap = round % 2 ? sizeof(a) : (seed >> 8) % (n + 2);
		for (h = 0; h < 2; h++) {
			la = h ? bs_normalize_hosts(in, n, a, cap) :
				     bs_normalize(in, n, a, cap);
			lb = bs_normalize_units(in, n, b, cap, h);
			ck_assert_uint_le(la, cap);
			ck_assert_msg(la == lb && memcmp(a, b, la) == 0,
			    "round %d hosts %d cap %zu: \"%.*s\" gave \"%.*s\", "
			    "not \"%.*s\"", round, h, cap, (int)n, in,
			    (int)la, a, (int)lb, b);
		}
	}
}
END_TEST

Suite *
normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc = tcase_create("normalize");

	tcase_add_loop_test(tc, table, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, runs_equal_units);
	tcase_add_loop_test(tc, hosts, 0, sizeof(host_rows) /
	    sizeof(host_rows[0]));
	suite_add_tcase(s, tc);
	return s;
}
