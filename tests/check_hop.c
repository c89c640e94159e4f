/*
 * check_hop.c - content-filter hops (src/hop.c): the fields of real
 * deliveries (Postfix to amavis and back, Postfix to Dovecot's LMTP,
 * Exim to a second Exim on the loopback), one row each.
 */
#include <check.h>
#include <string.h>

#include "hop.h"
#include "suites.h"

static const struct {
	enum bs_kind kind;
	const char *remote, *ip, *reply;
	bool hop;
} rows[] = {
	/* Postfix to amavis on 127.0.0.1:10024, re-injected on 10025. */
	{ BS_DELIVERED, "127.0.0.1", "127.0.0.1",
	    "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: "
	    "queued as 6F7A8B9C0D",
	    true },
	/* whyscream's sample: a filter on port 2525. */
	{ BS_DELIVERED, "127.0.0.1", "127.0.0.1",
	    "250 2.0.0 Ok: queued as 153053D", true },
	{ BS_DELIVERED, "localhost", "::1",
	    "250 2.0.0 from MTA(smtp:[::1]:10025): 250 2.0.0 Ok: queued as "
	    "8B9C0D1E2F",
	    true },
	/* Any address of 127.0.0.0/8. */
	{ BS_DELIVERED, "filter", "127.0.0.2", "250 2.0.0 Ok: queued as X",
	    true },
	/* A name alone (no address logged). */
	{ BS_DELIVERED, "localhost", NULL, "250 2.0.0 Ok: queued as X", true },
	/* Exim to a second Exim on the loopback (testsuite 2149). */
	{ BS_DELIVERED, "127.0.0.1", "127.0.0.1",
	    "250 OK id=10HmaY-000000005vi-0000", true },
	/* Dovecot's LMTP on 127.0.0.1:24: the final delivery. */
	{ BS_DELIVERED, "127.0.0.1", "127.0.0.1",
	    "250 2.0.0 <hal@example.org> Xa1bCdEfGhIjKlMn Saved", false },
	/* LMTP over a socket: no address. */
	{ BS_DELIVERED, "mx1.example.org", NULL,
	    "250 2.0.0 <bob@example.org> z5FOLrRhDVpddgAABvoInA Saved", false },
	/* A remote MX that says queued as: the next hop took it. */
	{ BS_DELIVERED, "mx.example.com", "198.51.100.6",
	    "250 2.0.0 Ok: queued as 12345ABCDE", false },
	/* modoboa: a remote relay quoting a filter's reply. */
	{ BS_DELIVERED, "mail.domain.test", "94.23.191.34",
	    "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: "
	    "queued as 5DDDA1F30002",
	    false },
	/* Not a delivery: the filter refused the connection. */
	{ BS_DEFERRED, NULL, NULL,
	    "connect to 127.0.0.1[127.0.0.1]:10024: Connection refused",
	    false },
	{ BS_DEFERRED, "127.0.0.1", "127.0.0.1",
	    "451 4.5.0 Error in processing, id=12345-01, queued as X", false },
	/* 127 not as the first octet. */
	{ BS_DELIVERED, "mx", "10.127.0.1", "250 Ok: queued as X", false },
	/* Delivered with no reply. */
	{ BS_DELIVERED, "127.0.0.1", "127.0.0.1", NULL, false },
};

static struct bs_text
text(const char *s)
{
	return (struct bs_text){ .ptr = s, .len = s ? strlen(s) : 0 };
}

START_TEST(test_rows)
{
	struct bs_event ev;

	bs_event_init(&ev);
	ev.kind = rows[_i].kind;
	ev.remote = text(rows[_i].remote);
	ev.remote_ip = text(rows[_i].ip);
	ev.reply = rows[_i].reply;
	ev.reply_len = rows[_i].reply ? strlen(rows[_i].reply) : 0;
	ck_assert_msg(bs_hop_is(&ev) == rows[_i].hop, "row %d: %s", _i,
	    rows[_i].reply ? rows[_i].reply : "(no reply)");
}
END_TEST

Suite *
hop_suite(void)
{
	Suite *s = suite_create("hop");
	TCase *tc = tcase_create("hop");

	tcase_add_loop_test(tc, test_rows, 0, sizeof(rows) / sizeof(rows[0]));
	suite_add_tcase(s, tc);
	return s;
}
