/*
 * check_extract.c - reading codes out of replies (codes.pat + extract.c).
 */
#include <check.h>
#include <string.h>

#include "extract.h"
#include "patterns.h"
#include "suites.h"

static struct bs_patterns *pats;
static struct bs_extract *x;

static void
setup(void)
{
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &d), BS_OK);
	ck_assert_int_eq(bs_extract_new(pats, &x, &d), BS_OK);
}

static void
teardown(void)
{
	bs_extract_free(x);
	bs_patterns_free(pats);
}

static const struct {
	const char *reply;
	int rc;
	const char *basic, *enhanced;
} replies[] = {
	{ "550 5.1.1 <a@example.org>: Recipient address rejected", 1,
	    "550", "5.1.1" },
	{ "550-5.7.1 [192.0.2.1] Our system has detected 550-5.7.1 more", 1,
	    "550", "5.7.1" },
	{ "421-4.7.0 [192.0.2.1 15] rate limited 421 4.7.0 see", 1,
	    "421", "4.7.0" },
	{ "550 #5.1.1 not found", 1, "550", "5.1.1" },
	{ "250 2.1.5Recipient OK", 1, "250", "2.1.5" },
	{ "250 Ok: queued as 4F1A2B3C", 1, "250", "" },
	{ "554 delivery error: dd This user doesn't have an account", 1,
	    "554", "" },
	{ "550 : User unknown", 1, "550", "" },
	{ "550", 1, "550", "" },
	{ "451 4.3.0 Temporary lookup failure", 1, "451", "4.3.0" },
	{ "452 4.5.3 Too many recipients", 1, "452", "4.5.3" },
	{ "550 5.12.345 odd but well formed", 1, "550", "5.12.345" },
	{ "550 5.7.606 Access denied, banned sending IP", 1, "550",
	    "5.7.606" },
	{ "550 4.4.7 disagreeing classes", 1, "550", "4.4.7" },
	{ "550 5.1.1.1 is a version, not a code", 1, "550", "" },
	{ "550 5.1 too short", 1, "550", "" },
	{ "550 5.1234.1 subject too long", 1, "550", "" },
	{ "550 3.1.1 class 3 does not exist", 1, "550", "" },
	{ "550 55.1.1 no", 1, "550", "" },
	{ "5.7.1 Blocked by SpamAssassin", 1, "", "5.7.1" },
	{ "#5.1.1 hash opener", 1, "", "5.1.1" },
	{ "4.2.2 mailbox full", 1, "", "4.2.2" },
	{ "4.1234.343 impossible shape", 0, "", "" },
	{ "5501 no such code", 0, "", "" },
	{ "600 out of range", 0, "", "" },
	{ "150 out of range", 0, "", "" },
	{ "55 short", 0, "", "" },
	{ "delivered to maildir", 0, "", "" },
	{ "", 0, "", "" },
	{ "4.47.28.40 is an address", 0, "", "" },
	{ "250-2.0.0 multi-line glued", 1, "250", "2.0.0" },
	{ "550  5.1.1 two spaces", 1, "550", "5.1.1" },
	{ "550 5.1.10 RESOLVER.ADR.RecipientNotFound", 1, "550", "5.1.10" },
};

START_TEST(test_reply)
{
	struct bs_codes c;
	const char *r = replies[_i].reply;
	int rc = bs_extract_reply(x, r, strlen(r), &c);

	ck_assert_msg(rc == replies[_i].rc, "%s: rc %d", r, rc);
	ck_assert_msg(strcmp(c.basic, replies[_i].basic) == 0,
	    "%s: basic '%s'", r, c.basic);
	ck_assert_msg(strcmp(c.enhanced, replies[_i].enhanced) == 0,
	    "%s: enhanced '%s'", r, c.enhanced);
}
END_TEST

static const struct {
	const char *dsn;
	const char *want;	/* NULL: refused */
} dsns[] = {
	{ "5.1.1", "5.1.1" },
	{ "4.4.1", "4.4.1" },
	{ "2.0.0", "2.0.0" },
	{ "5.7.606", "5.7.606" },
	{ "5.12.345", "5.12.345" },
	{ "5.1", NULL },
	{ "5.1.1.", NULL },
	{ "3.0.0", NULL },
	{ "5.1234.1", NULL },
	{ "5..1", NULL },
	{ "", NULL },
};

START_TEST(test_dsn)
{
	char out[BS_ENHANCED_MAX] = "";
	const char *s = dsns[_i].dsn;
	bool ok = bs_extract_enhanced(s, strlen(s), out);

	if (dsns[_i].want == NULL)
		ck_assert_msg(!ok, "%s accepted", s);
	else {
		ck_assert_msg(ok, "%s refused", s);
		ck_assert_str_eq(out, dsns[_i].want);
	}
}
END_TEST

static const struct {
	const char *text;
	unsigned bits;
} conns[] = {
	{ "connect to mx.example.net[192.0.2.1]:25: Connection refused",
	    BS_CONN_REFUSED },
	{ "connect to mx.example.net[192.0.2.1]:25: Connection timed out",
	    BS_CONN_FAILED },
	{ "connect to mx.example.net[2001:db8::1]:25: No route to host",
	    BS_CONN_FAILED },
	{ "connect to mx.example.net[2001:db8::1]:25: Network is unreachable",
	    BS_CONN_FAILED },
	{ "connect to mx.example.net[192.0.2.1]:25: Connection reset by peer",
	    BS_CONN_FAILED },
	{ "delivery temporarily suspended: connect to mx.example.net"
	    "[192.0.2.1]:25: Connection refused", BS_CONN_REFUSED },
	{ "451 4.4.0 Primary target IP address responded with: \"No "
	    "connection could be made because the target machine actively "
	    "refused it 192.0.2.1:25.\"", BS_CONN_REFUSED },
	{ "A connection attempt failed because the connected party did not "
	    "properly respond after a period of time", BS_CONN_FAILED },
	{ "lost connection with mx.example.net[192.0.2.1] while sending "
	    "RCPT TO", 0 },
	{ "Host or domain name not found. Name service error", 0 },
	{ "", 0 },
};

START_TEST(test_connfail)
{
	const char *s = conns[_i].text;

	ck_assert_uint_eq(bs_extract_connfail(s, strlen(s)), conns[_i].bits);
}
END_TEST

Suite *
extract_suite(void)
{
	Suite *s = suite_create("extract");
	TCase *tc = tcase_create("extract");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_reply, 0,
	    (int)(sizeof(replies) / sizeof(replies[0])));
	tcase_add_loop_test(tc, test_dsn, 0,
	    (int)(sizeof(dsns) / sizeof(dsns[0])));
	tcase_add_loop_test(tc, test_connfail, 0,
	    (int)(sizeof(conns) / sizeof(conns[0])));
	suite_add_tcase(s, tc);
	return s;
}
