/*
 * check_postfix.c - the Postfix parser, one row per line shape.
 *
 * The shapes follow real Postfix logs (delivery agents, qmgr, smtpd,
 * postscreen, cleanup, milters, before-queue proxies, instances with their
 * own syslog names); addresses and hosts are made up.  Each row gives the
 * events the line must state, or none.
 */
#include <check.h>
#include <string.h>

#include "format.h"
#include "patterns.h"
#include "patterns_builtin.h"
#include "postfix_fast.h"
#include "suites.h"

#define P "Nov 28 10:00:00 mx1 postfix/smtp[4242]: "
#define PD "Nov  8 10:00:00 mx1 postfix/smtpd[4242]: "
#define R3 "2026-11-28T10:00:00.123456+01:00 mx1 postfix/smtp[4242]: "

enum { N = -1 };	/* "no event" in the kind column */

static const struct row {
	const char *line;
	int kind;		/* enum bs_kind, or N for no event */
	const char *basic, *enhanced, *msgid;
	unsigned conn;
} rows[] = {
	/* Deliveries: the next hop's reply, else dsn=. */
	{ P "4F1A2B3C4D: to=<ann@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, "
	    "status=sent (250 2.0.0 Ok: queued as 9A8B7C)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0 },
	{ P "4F1A2B3C4D: to=<ann@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, "
	    "status=sent (250 Ok: queued as 9A8B7C)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0 },
	{ P "4F1A2B3C4D: to=<ann@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, delays=0.1/0/0.5/0.4, tls=dane, "
	    "dsn=2.1.5, status=sent (250 2.0.0 Ok: queued as 9A8B7C)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/local[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=local, delay=0.1, delays=0.1/0/0/0, "
	    "dsn=2.0.0, status=sent (delivered to mailbox)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/pipe[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=spamfilter, delay=0.3, delays=0.1/0/0/0.2, "
	    "dsn=2.0.0, status=sent (delivered via spamfilter service)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/virtual[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=virtual, delay=0.1, delays=0.1/0/0/0, "
	    "dsn=2.0.0, status=sent (delivered to maildir)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/discard[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=none, delay=0.1, delays=0.1/0/0/0, "
	    "dsn=2.0.0, status=sent (discarded)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/lmtp[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=mail.example.org[private/dovecot-lmtp], "
	    "delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (250 "
	    "2.0.0 <bob@example.org> kP2xAbCdEf Saved)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0 },
	{ P "5C6D7E8F90: to=<bob@example.org>, relay=127.0.0.1[127.0.0.1]"
	    ":10024, delay=2, delays=0.1/0/0/1.9, dsn=2.0.0, status=sent "
	    "(250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: "
	    "queued as 1A2B3C)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0 },
	{ P "5C6D7E8F90: to=<bob@example.org>, orig_to=<postmaster@"
	    "example.org>, relay=mx.example.org[192.0.2.10]:25, delay=1, "
	    "delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 OK id=1qABCD"
	    "-000123-XY)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0 },
	{ R3 "5C6D7E8F90: to=<bob@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, "
	    "status=sent (250 2.0.0 OK 1732788000 abc.123 - gsmtp)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0 },
	{ "2026-11-28T10:00:00Z mx1 postfix/smtp[9]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=mx.example.org[192.0.2.10]:25, delay=1, "
	    "delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 Accepted)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0 },
	{ "Nov 28 10:00:00 mx1 postfix-out/smtp[9]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=mx.example.org[192.0.2.10]:25, delay=1, "
	    "delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.6.0 "
	    "Queued mail for delivery)",
	    BS_DELIVERED, "250", "2.6.0", "5C6D7E8F90", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/amavis/smtp[9]: 5C6D7E8F90: to=<bob"
	    "@example.org>, relay=127.0.0.1[127.0.0.1]:10024, delay=3, "
	    "delays=0.1/0/0/2.9, dsn=2.0.0, status=sent (250 2.0.0 from "
	    "MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 1A2B)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0 },
	{ "5C6D7E8F90: to=<bob@example.org>, relay=none, delay=0.05, "
	    "delays=0.05/0/0/0, dsn=2.0.0, status=sent (example.org)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0 },
	{ "%(day)s 11:00:20 mx1 postfix/lmtp[28]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=mx[private/dovecot-lmtp], delay=0.3, "
	    "delays=0.1/0/0/0.2, dsn=2.0.0, status=sent (250 2.0.0 <bob@"
	    "example.org> Saved)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0 },
	{ P "2A3B4C5D6E: to=user@host.example.org, orig_to=root@localhost, "
	    "relay=local, delay=0.07, delays=0.04/0/0/0.03, dsn=2.0.0, "
	    "status=sent (delivered to command: procmail -a \"$EXT\")",
	    BS_DELIVERED, "", "2.0.0", "2A3B4C5D6E", 0 },
	{ P "4hXyZ1AbCdz9kLm: to=<bob@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, "
	    "status=sent (250 2.0.0 Ok)",
	    BS_DELIVERED, "250", "2.0.0", "4hXyZ1AbCdz9kLm", 0 },
	/* Old versions log no dsn=: the outcome starts at the field before. */
	{ P "4F1A2B3C4D: to=<ann@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, status=sent (250 Ok)",
	    BS_DELIVERED, "250", "", "4F1A2B3C4D", 0 },
	{ P "4F1A2B3C4D: to=<ann@example.org>, status=bounced (host "
	    "mx.example.org[192.0.2.10] said: 550 5.1.1 unknown user)",
	    BS_BOUNCED, "550", "5.1.1", "4F1A2B3C4D", 0 },
	/* "status=" inside an address is not the status field. */
	{ P "4F1A2B3C4D: to=<status=x@example.org>, orig_to=<dsn=y@example."
	    "org>, relay=none, delay=1, delays=1/0/0/0, dsn=5.1.2, "
	    "status=bounced (Host or domain name not found)",
	    BS_BOUNCED, "", "5.1.2", "4F1A2B3C4D", 0 },

	/* Deferrals. */
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=310, delays=300/0/5/5, dsn=4.7.1, "
	    "status=deferred (host mx.example.net[198.51.100.5] said: 450 "
	    "4.7.1 <carol@example.net>: Recipient address rejected: "
	    "Greylisted (in reply to RCPT TO command))",
	    BS_DEFERRED, "450", "4.7.1", "7D8E9F0A1B", 0 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=310, delays=300/0/5/5, dsn=4.2.0, "
	    "status=deferred (host mx.example.net[198.51.100.5] said: 450 "
	    "4.2.0 <carol@example.net>: Greylisted, see https://example.net"
	    "/grey.html (in reply to RCPT TO command))",
	    BS_DEFERRED, "450", "4.2.0", "7D8E9F0A1B", 0 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=3000, "
	    "delays=2970/0/30/0, dsn=4.4.1, status=deferred (connect to "
	    "mx.example.net[198.51.100.5]:25: Connection timed out)",
	    BS_DEFERRED, "", "4.4.1", "7D8E9F0A1B", BS_CONN_FAILED },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=3000, "
	    "delays=2970/0/30/0, dsn=4.4.1, status=deferred (connect to "
	    "mx.example.net[198.51.100.5]:25: Connection refused)",
	    BS_DEFERRED, "", "4.4.1", "7D8E9F0A1B", BS_CONN_REFUSED },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=3000, "
	    "delays=2970/0/30/0, dsn=4.4.1, status=deferred (connect to "
	    "mx.example.net[2001:db8::25]:25: Network is unreachable)",
	    BS_DEFERRED, "", "4.4.1", "7D8E9F0A1B", BS_CONN_FAILED },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=3000, "
	    "delays=2970/0/30/0, dsn=4.4.1, status=deferred (delivery "
	    "temporarily suspended: connect to mx.example.net[198.51.100.5]"
	    ":25: Connection refused)",
	    BS_DEFERRED, "", "4.4.1", "7D8E9F0A1B", BS_CONN_REFUSED },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=63495, delays=63350/144/0/0, "
	    "dsn=4.4.2, status=deferred (delivery temporarily suspended: "
	    "lost connection with mx.example.net[198.51.100.5] while "
	    "sending RCPT TO)",
	    BS_DEFERRED, "", "4.4.2", "7D8E9F0A1B", 0 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.7.0, "
	    "status=deferred (delivery temporarily suspended: host "
	    "mx.example.net[198.51.100.5] said: 421 4.7.0 Try again later, "
	    "closing connection. (in reply to end of DATA command))",
	    BS_DEFERRED, "421", "4.7.0", "7D8E9F0A1B", 0 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.0.0, "
	    "status=deferred (host mx.example.net[198.51.100.5] refused to "
	    "talk to me: 554 5.7.1 Service unavailable)",
	    BS_DEFERRED, "554", "5.7.1", "7D8E9F0A1B", 0 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.3.0, "
	    "status=deferred (host mx.example.net[198.51.100.5] said: 451 "
	    "Temporary local problem - please try later (in reply to RCPT "
	    "TO command))",
	    BS_DEFERRED, "451", "4.3.0", "7D8E9F0A1B", 0 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=1, "
	    "delays=0/0/1/0, dsn=4.4.3, status=deferred (Host or domain "
	    "name not found. Name service error for name=example.net "
	    "type=MX: Host not found, try again)",
	    BS_DEFERRED, "", "4.4.3", "7D8E9F0A1B", 0 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.7.5, "
	    "status=deferred (Server certificate not verified)",
	    BS_DEFERRED, "", "4.7.5", "7D8E9F0A1B", 0 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.2.2, "
	    "status=SOFTBOUNCE (host mx.example.net[198.51.100.5] said: 552 "
	    "5.2.2 Mailbox full (in reply to RCPT TO command))",
	    BS_DEFERRED, "552", "5.2.2", "7D8E9F0A1B", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/lmtp[9]: 7D8E9F0A1B: to=<dave@"
	    "example.org>, relay=mail.example.org[private/dovecot-lmtp], "
	    "delay=1, delays=0/0/0/1, dsn=4.2.2, status=deferred (host "
	    "mail.example.org[private/dovecot-lmtp] said: 452 4.2.2 <dave@"
	    "example.org> Quota exceeded (mailbox for user is full) (in "
	    "reply to end of DATA command))",
	    BS_DEFERRED, "452", "4.2.2", "7D8E9F0A1B", 0 },

	/* Bounces. */
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.1.1, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "5.1.1 <erin@example.com>: Recipient address rejected: User "
	    "unknown in virtual mailbox table (in reply to RCPT TO command))",
	    BS_BOUNCED, "550", "5.1.1", "8E9F0A1B2C", 0 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[2001:db8::1b]:25, delay=1.9, delays=0.05/0/1.1/0.71, "
	    "dsn=5.7.1, status=bounced (host mx.example.com[2001:db8::1b] "
	    "said: 550-5.7.1 [2001:db8::2      12] Our system has detected "
	    "that this 550-5.7.1 message is likely unsolicited mail. 550 "
	    "5.7.1 more information. x1-2 - gsmtp (in reply to end of DATA "
	    "command))",
	    BS_BOUNCED, "550", "5.7.1", "8E9F0A1B2C", 0 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.0.0, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 : "
	    "User unknown (in reply to end of DATA command))",
	    BS_BOUNCED, "550", "5.0.0", "8E9F0A1B2C", 0 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.0.0, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 554 "
	    "delivery error: dd Sorry, no account here [-5] - mta1 (in "
	    "reply to end of DATA command))",
	    BS_BOUNCED, "554", "5.0.0", "8E9F0A1B2C", 0 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.3.4, "
	    "status=bounced (message size 52428800 exceeds size limit "
	    "20971520 of server mx.example.com[203.0.113.7])",
	    BS_BOUNCED, "", "5.3.4", "8E9F0A1B2C", 0 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.7.1, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 554 "
	    "5.7.1 Service unavailable; Client host [192.0.2.99] blocked "
	    "using zen.example.org (in reply to RCPT TO command))",
	    BS_BOUNCED, "554", "5.7.1", "8E9F0A1B2C", 0 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.7.26, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "5.7.26 Unauthenticated email is not accepted (in reply to end "
	    "of DATA command))",
	    BS_BOUNCED, "550", "5.7.26", "8E9F0A1B2C", 0 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.7.606, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "5.7.606 Access denied, banned sending IP [192.0.2.99] (in "
	    "reply to RCPT TO command))",
	    BS_BOUNCED, "550", "5.7.606", "8E9F0A1B2C", 0 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.1.1, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "#5.1.1 Address rejected (in reply to RCPT TO command))",
	    BS_BOUNCED, "550", "5.1.1", "8E9F0A1B2C", 0 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.0.0, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "4.4.7 Message expired (in reply to end of DATA command))",
	    BS_BOUNCED, "550", "4.4.7", "8E9F0A1B2C", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/local[9]: 892A0205B6: to=<ghost@"
	    "localhost>, relay=local, delay=0.05, delays=0.02/0/0/0.02, "
	    "dsn=5.1.1, status=bounced (unknown user: \"ghost\")",
	    BS_BOUNCED, "", "5.1.1", "892A0205B6", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/virtual[9]: 95ECE24E0: to=<tom@"
	    "example.com>, relay=virtual, delay=0.1, delays=0/0/0/0.1, "
	    "dsn=5.4.6, status=bounced (mail forwarding loop for tom@"
	    "example.com)",
	    BS_BOUNCED, "", "5.4.6", "95ECE24E0", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/error[9]: 95ECE24E0: to=<tom@"
	    "example.com>, relay=none, delay=0.1, delays=0/0/0/0.1, "
	    "dsn=5.0.0, status=bounced (Host or domain name not found. Name "
	    "service error for name=example.invalid type=A: Host not found)",
	    BS_BOUNCED, "", "5.0.0", "95ECE24E0", 0 },
	{ P "95ECE24E0: to=<tom@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=1, delays=0/0/0/1, status=bounced "
	    "(host mx.example.com[203.0.113.7] said: 550 no such user)",
	    BS_BOUNCED, "550", "", "95ECE24E0", 0 },

	/* Expired: qmgr gives up on the message. */
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 3A4B5C6D7E: from=<news@"
	    "example.org>, status=expired, returned to sender",
	    BS_EXPIRED, "", "", "3A4B5C6D7E", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 3A4B5C6D7E: from=<>, "
	    "status=expired, returned to sender",
	    BS_EXPIRED, "", "", "3A4B5C6D7E", 0 },

	/* Refusals by this server. */
	{ PD "NOQUEUE: reject: RCPT from unknown[192.0.2.50]: 554 5.7.1 "
	    "<x@example.org>: Relay access denied; from=<a@example.net> "
	    "to=<x@example.org> proto=ESMTP helo=<h>",
	    BS_REJECTED, "554", "5.7.1", "", 0 },
	{ PD "NOQUEUE: reject: RCPT from host.example.net[192.0.2.50]: 450 "
	    "4.7.1 Client host rejected: cannot find your hostname, "
	    "[192.0.2.50]; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<host.example.net>",
	    BS_REJECTED, "450", "4.7.1", "", 0 },
	{ PD "NOQUEUE: reject: RCPT from unknown[192.0.2.50]: 450 4.7.25 "
	    "Client host rejected: cannot find your hostname, [192.0.2.50]; "
	    "from=<a@example.net> to=<x@example.org> proto=ESMTP helo=<h>",
	    BS_REJECTED, "450", "4.7.25", "", 0 },
	{ PD "NOQUEUE: reject: RCPT from unknown[2001:db8:1:2::3]: 504 "
	    "5.5.2 <h>: Helo command rejected: need fully-qualified "
	    "hostname; from=<a@example.net> to=<x@example.org> proto=SMTP "
	    "helo=<h>",
	    BS_REJECTED, "504", "5.5.2", "", 0 },
	{ PD "NOQUEUE: reject: EHLO from unknown[192.0.2.50]: 504 5.5.2 "
	    "<h>: Helo command rejected: need fully-qualified hostname; "
	    "proto=SMTP helo=<h>",
	    BS_REJECTED, "504", "5.5.2", "", 0 },
	{ PD "NOQUEUE: reject: VRFY from unknown[192.0.2.50]: 550 5.1.1 "
	    "<nobody@example.org>: Recipient address rejected: User "
	    "unknown; to=<nobody@example.org> proto=SMTP helo=<h>",
	    BS_REJECTED, "550", "5.1.1", "", 0 },
	{ PD "NOQUEUE: reject: CONNECT from unknown[192.0.2.50]: 450 4.7.25 "
	    "Client host rejected: cannot find your hostname, [192.0.2.50]; "
	    "proto=SMTP",
	    BS_REJECTED, "450", "4.7.25", "", 0 },
	{ PD "3B4C5D6E7F: reject: RCPT from mail.example.net[192.0.2.50]: "
	    "550 5.1.1 <sales@example.org>: Recipient address rejected: User "
	    "unknown in local recipient table; from=<a@example.net> "
	    "to=<sales@example.org> proto=ESMTP helo=<mail.example.net>",
	    BS_REJECTED, "550", "5.1.1", "3B4C5D6E7F", 0 },
	{ PD "3B4C5D6E7F: reject: DATA from mail.example.net[192.0.2.50]: "
	    "550 5.5.3 <DATA>: Data command rejected: Multi-recipient "
	    "bounce; from=<> proto=ESMTP helo=<mail.example.net>",
	    BS_REJECTED, "550", "5.5.3", "3B4C5D6E7F", 0 },
	{ "Nov 28 10:00:00 mx1 postfix-smo/submission/smtpd[9]: "
	    "44JCRG5tYPzCqt2: reject: BDAT from relay.example.net"
	    "[192.0.2.50]: 550 5.5.3 <DATA>: Data command rejected: "
	    "Multi-recipient bounce; from=<> to=<x@example.org> proto=ESMTP "
	    "helo=<relay.example.net>",
	    BS_REJECTED, "550", "5.5.3", "44JCRG5tYPzCqt2", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/postscreen[9]: NOQUEUE: reject: "
	    "RCPT from [192.0.2.50]:54321: 550 5.7.1 Service unavailable; "
	    "client [192.0.2.50] blocked using bl.example.org; from=<a@"
	    "example.net>, to=<x@example.org>, proto=ESMTP, helo=<h>",
	    BS_REJECTED, "550", "5.7.1", "", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/postscreen[9]: NOQUEUE: reject: "
	    "RCPT from [192.0.2.50]:54321: 450 4.3.2 Service currently "
	    "unavailable; from=<a@example.net>, to=<x@example.org>, "
	    "proto=ESMTP, helo=<h>",
	    BS_REJECTED, "450", "4.3.2", "", 0 },
	{ PD "4104E3D: milter-reject: END-OF-MESSAGE from host.example.net"
	    "[192.0.2.50]: 5.7.1 Blocked by SpamAssassin; from=<a@example."
	    "net> to=<x@example.org> proto=ESMTP helo=<host.example.net>",
	    BS_REJECTED, "", "5.7.1", "4104E3D", 0 },
	{ PD "NOQUEUE: milter-reject: RCPT from host.example.net"
	    "[192.0.2.50]: 451 4.7.1 Greylisting in action, please come "
	    "back later; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<host.example.net>",
	    BS_REJECTED, "451", "4.7.1", "", 0 },
	{ PD "1D8CC1CA0A7F: milter-reject: DATA from host.example.net"
	    "[192.0.2.50]: 550 5.7.1 Command rejected; from=<a@example.net> "
	    "to=<x@example.org> proto=ESMTP helo=<host.example.net>",
	    BS_REJECTED, "550", "5.7.1", "1D8CC1CA0A7F", 0 },
	{ PD "5E6F7A8B9C: proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, "
	    "id=31619-02 - spam; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<h>",
	    BS_REJECTED, "554", "5.7.0", "5E6F7A8B9C", 0 },
	{ "proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, id=1-02 - spam; "
	    "from=<> to=<x@example.org> proto=SMTP helo=<h>",
	    BS_REJECTED, "554", "5.7.0", "", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/cleanup[9]: 6F7A8B9C0D: reject: "
	    "header Subject: You have won from host.example.net"
	    "[192.0.2.50]; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<host.example.net>: 5.7.1 message content "
	    "rejected",
	    BS_REJECTED, "", "5.7.1", "6F7A8B9C0D", 0 },
	{ "Nov 28 10:00:00 mx1 postfix/cleanup[9]: 6F7A8B9C0D: reject: "
	    "body Click here now from host.example.net[192.0.2.50]; from=<a"
	    "@example.net> to=<x@example.org> proto=ESMTP helo=<h>: 5.7.1 "
	    "No spam please",
	    BS_REJECTED, "", "5.7.1", "6F7A8B9C0D", 0 },
	{ "Nov 28 10:00:00 mx1 postfix-incoming/smtpd[9]: NOQUEUE: reject: "
	    "RCPT from bad.example.net[192.0.2.50]: 554 5.7.1 Service "
	    "unavailable; Client host [192.0.2.50] blocked using rbl.example"
	    ".org; https://rbl.example.org/q?ip=192.0.2.50; from=<a@example."
	    "net> to=<x@example.org> proto=ESMTP helo=<bad.example.net>",
	    BS_REJECTED, "554", "5.7.1", "", 0 },
	{ "Mar 7 02:09:33 mx1 postfix/smtpd[9]: NOQUEUE: reject: RCPT from "
	    "a[192.0.2.50]: 550 5.7.25 Client host rejected: cannot find "
	    "your hostname, [192.0.2.50]; from=<a@example.net> to=<x@"
	    "example.org> proto=ESMTP helo=<[192.0.2.50]>",
	    BS_REJECTED, "550", "5.7.25", "", 0 },
	{ "Apr 12 02:24:11 mx1 postfix/smtps/smtpd[42]: NOQUEUE: reject: "
	    "EHLO from a.example.net[192.0.2.50]: 504 5.5.2 <User>: Helo "
	    "command rejected: need fully-qualified hostname; proto=SMTP "
	    "helo=<User>",
	    BS_REJECTED, "504", "5.5.2", "", 0 },
	{ PD "NOQUEUE: reject: RCPT from a[192.0.2.50]: 550 5.12.345 <x@"
	    "example.org>: Recipient address rejected: odd; from=<a@example."
	    "net> to=<x@example.org> proto=ESMTP helo=<h>",
	    BS_REJECTED, "550", "5.12.345", "", 0 },
	{ PD "NOQUEUE: reject: RCPT from a[192.0.2.50]: 452 4.5.3 Too many "
	    "recipients; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<h>",
	    BS_REJECTED, "452", "4.5.3", "", 0 },
	{ PD "NOQUEUE: reject: MAIL from a[192.0.2.50]: 552 5.3.4 Message "
	    "size exceeds fixed limit; proto=ESMTP helo=<h>",
	    BS_REJECTED, "552", "5.3.4", "", 0 },
	{ PD "NOQUEUE: reject: RCPT from a[192.0.2.50]: 550 5.7.1 <x@"
	    "example.org>: Recipient address rejected: status=sent is not "
	    "a reason; from=<a@example.net> to=<x@example.org> proto=ESMTP "
	    "helo=<h>",
	    BS_REJECTED, "550", "5.7.1", "", 0 },

	/* Not events, although some carry codes. */
	{ PD "NOQUEUE: reject_warning: RCPT from a[192.0.2.50]: 553 5.7.1 "
	    "<s@example.net>: Sender address rejected: not owned; from=<s@"
	    "example.net> to=<x@example.org> proto=ESMTP helo=<h>",
	    N, NULL, NULL, NULL, 0 },
	{ P "2847EE008E: to=<info@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=6.3, delays=0.04/0.01/6/0.19, dsn=2.1.5, "
	    "status=deliverable (250 2.1.5 Ok)",
	    N, NULL, NULL, NULL, 0 },
	{ P "3E29030F8637E: to=<x@example.org>, relay=none, delay=0.01, "
	    "delays=0.01/0/0/0, dsn=5.1.1, status=undeliverable-but-not-"
	    "cached (User unknown in virtual alias table)",
	    N, NULL, NULL, NULL, 0 },
	{ P "3E29030F8637E: to=<x@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, "
	    "status=undeliverable (host mx.example.org[192.0.2.10] said: 550 "
	    "5.1.1 no such user (in reply to RCPT TO command))",
	    N, NULL, NULL, NULL, 0 },
	{ P "ED59C3D: host mx.example.org[192.0.2.10] said: 450 4.7.1 <x@"
	    "example.org>: Recipient address rejected: Greylisted (in reply "
	    "to RCPT TO command)",
	    N, NULL, NULL, NULL, 0 },
	{ P "40197AA: host mx.example.org[192.0.2.10] refused to talk to "
	    "me: 450 4.3.2 try again later",
	    N, NULL, NULL, NULL, 0 },
	{ P "D0F29603B4: SASL authentication failed; server relay.example."
	    "org[192.0.2.10] said: 535 5.7.8 Error: authentication failed",
	    N, NULL, NULL, NULL, 0 },
	{ PD "warning: unknown[192.0.2.50]: SASL LOGIN authentication "
	    "failed: UGFzc3dvcmQ6",
	    N, NULL, NULL, NULL, 0 },
	{ "Nov 28 10:00:00 mx1 postfix/postscreen[9]: PREGREET 428 after "
	    "0.08 from [192.0.2.50]:59415: EHLO x\\r\\n",
	    N, NULL, NULL, NULL, 0 },
	{ "Nov 28 10:00:00 mx1 postfix/postscreen[9]: HANGUP after 16 from "
	    "[192.0.2.50]:48119 in tests after SMTP handshake",
	    N, NULL, NULL, NULL, 0 },
	{ PD "proxy-accept: END-OF-MESSAGE: 250 2.0.0 from MTA(smtp:"
	    "[127.0.0.1]:10013): 250 2.0.0 Ok: queued as DF66; from=<a@"
	    "example.net> to=<x@example.org> proto=ESMTP helo=<h>",
	    N, NULL, NULL, NULL, 0 },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 76DEF40E80: from=<>, "
	    "size=2351, nrcpt=1 (queue active)",
	    N, NULL, NULL, NULL, 0 },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[9]: connect to mx.example.org"
	    "[192.0.2.10]:25: Connection timed out",
	    N, NULL, NULL, NULL, 0 },
	{ "Nov 28 10:00:00 mx1 postfix/master[9]: daemon started -- version "
	    "3.7.11, configuration /etc/postfix",
	    N, NULL, NULL, NULL, 0 },
	{ PD "connect from unknown[192.0.2.50]", N, NULL, NULL, NULL, 0 },
	{ PD "disconnect from unknown[192.0.2.50] ehlo=1 auth=0/1 quit=1 "
	    "commands=2/3",
	    N, NULL, NULL, NULL, 0 },
	{ "Nov 28 10:00:00 mx1 postfix/bounce[9]: 8E9F0A1B2C: sender non-"
	    "delivery notification: 9F0A1B2C3D",
	    N, NULL, NULL, NULL, 0 },
	{ "Nov 28 10:00:00 mx1 dovecot: lmtp(bob@example.org): sieve: not "
	    "sending reject message to <>",
	    N, NULL, NULL, NULL, 0 },
	{ "Nov 28 10:00:00 mx1 amavis[9]: (12345-01) Passed CLEAN, status="
	    "sent (250 2.0.0 Ok)",
	    N, NULL, NULL, NULL, 0 },
	{ "Nov 28 10:00:00 mx1 opendkim[9]: 4F1A2B3C4D: reject: not a "
	    "postfix line",
	    N, NULL, NULL, NULL, 0 },
	{ "", N, NULL, NULL, NULL, 0 },
	{ "status=", N, NULL, NULL, NULL, 0 },
	{ "reject:", N, NULL, NULL, NULL, 0 },
};

struct seen {
	int n;
	struct bs_event ev;
	char msgid[64];
};

static void
record(void *ctx, const struct bs_event *ev)
{
	struct seen *s = ctx;

	s->n++;
	s->ev = *ev;
	s->msgid[0] = '\0';
	if (ev->msgid != NULL && ev->msgid_len < sizeof(s->msgid)) {
		memcpy(s->msgid, ev->msgid, ev->msgid_len);
		s->msgid[ev->msgid_len] = '\0';
	}
}

static struct bs_patterns *pats, *pcre_pats;
static void *state, *pcre_state;

/*
 * The shipped set with syslog, delivery and outcome written differently,
 * (?:) appended: the same patterns, but not the texts postfix_fast.c
 * stands in for, so the parser matches them with PCRE2.
 */
static struct bs_patterns *
pcre_only(void)
{
	const struct bs_builtin_pattern *b = bs_builtin_patterns;
	struct bs_patterns *p = NULL;
	struct bs_diag d;
	char text[8192];
	size_t len = 0, i;

	while (strcmp(b->set, "postfix") != 0)
		b++;
	ck_assert_uint_lt(b->len + 16, sizeof(text));
	for (i = 0; i < b->len; i++) {
		static const char *const ends[] = { "(?<msg>)", "(?:to|from)=",
		    "(?<text>))?" };
		size_t e;

		text[len++] = b->text[i];
		for (e = 0; e < 3; e++) {
			size_t el = strlen(ends[e]);

			if (i + 1 >= el &&
			    memcmp(b->text + i + 1 - el, ends[e], el) == 0) {
				memcpy(text + len, "(?:)", 4);
				len += 4;
			}
		}
	}
	ck_assert_uint_eq(len, b->len + 12);
	ck_assert_int_eq(bs_patterns_load(NULL, &p, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_add_text(p, "postfix", "test", text, len,
	    &d), BS_OK);
	ck_assert(!bs_patterns_is(p, "postfix", "syslog",
	    bs_postfix_syslog_rx));
	ck_assert(!bs_patterns_is(p, "postfix", "delivery",
	    bs_postfix_delivery_rx));
	ck_assert(!bs_patterns_is(p, "postfix", "outcome",
	    bs_postfix_outcome_rx));
	return p;
}

static void
setup(void)
{
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &d), BS_OK);
	ck_assert_int_eq(bs_format_postfix.open(pats, &state, &d), BS_OK);
	pcre_pats = pcre_only();
	ck_assert_int_eq(bs_format_postfix.open(pcre_pats, &pcre_state, &d),
	    BS_OK);
}

static void
teardown(void)
{
	bs_format_postfix.close(pcre_state);
	bs_patterns_free(pcre_pats);
	bs_format_postfix.close(state);
	bs_patterns_free(pats);
}

#define NROWS	(sizeof(rows) / sizeof(rows[0]))

/*
 * Where the splitter tells the parser the line's first needle is: 1 + its
 * offset, or 0 (none: the parser looks itself).
 */
static size_t
first_needle(const char *s)
{
	const char *a = strstr(s, "status="), *b = strstr(s, "reject:");
	const char *f = a == NULL ? b : b == NULL ? a : a < b ? a : b;

	return f != NULL ? (size_t)(f - s) + 1 : 0;
}

/*
 * Row _i % NROWS, four rounds: with the needle's place given (as the
 * splitter gives it) in rounds 1 and 3, and with PCRE2 alone for the
 * line's prefix in rounds 2 and 3: the same events every time.
 */
START_TEST(test_row)
{
	int k = _i % (int)NROWS, round = _i / (int)NROWS;
	const struct row *r = &rows[k];
	struct bs_line line = { .ptr = r->line, .len = strlen(r->line),
	    .lineno = 1, .needle = round & 1 ? first_needle(r->line) : 0 };
	struct seen s = { 0 };

	ck_assert_int_eq(bs_format_postfix.parse(round & 2 ? pcre_state :
	    state, &line, record, &s), BS_OK);
	if (r->kind == N) {
		ck_assert_msg(s.n == 0, "row %d: unexpected event", k);
		return;
	}
	ck_assert_msg(s.n == 1, "row %d: %d events", k, s.n);
	ck_assert_msg((int)s.ev.kind == r->kind, "row %d: kind %d", k,
	    s.ev.kind);
	ck_assert_msg(strcmp(s.ev.codes.basic, r->basic) == 0,
	    "row %d: basic '%s'", k, s.ev.codes.basic);
	ck_assert_msg(strcmp(s.ev.codes.enhanced, r->enhanced) == 0,
	    "row %d: enhanced '%s'", k, s.ev.codes.enhanced);
	ck_assert_msg(strcmp(s.msgid, r->msgid) == 0, "row %d: msgid '%s'",
	    k, s.msgid);
	ck_assert_msg(s.ev.connfail == r->conn, "row %d: connfail %u", k,
	    s.ev.connfail);
}
END_TEST

/*
 * The timestamp is handed on as written, for time windows (then again
 * with PCRE2 alone for the prefix).
 */
START_TEST(test_stamp)
{
	static const char *const lines[][2] = {
		{ P "4F1A2B3C4D: to=<a@example.org>, relay=none, delay=1, "
		    "delays=1/0/0/0, dsn=5.0.0, status=bounced (x)",
		    "Nov 28 10:00:00" },
		{ "Nov  8 10:00:00 mx1 postfix/smtp[1]: 4F1A2B3C4D: to=<a@"
		    "example.org>, relay=none, delay=1, delays=1/0/0/0, "
		    "dsn=5.0.0, status=bounced (x)", "Nov  8 10:00:00" },
		{ R3 "4F1A2B3C4D: to=<a@example.org>, relay=none, delay=1, "
		    "delays=1/0/0/0, dsn=5.0.0, status=bounced (x)",
		    "2026-11-28T10:00:00.123456+01:00" },
	};
	size_t i;

	for (i = 0; i < 2 * sizeof(lines) / sizeof(lines[0]); i++) {
		const char *const *l = lines[i % (sizeof(lines) /
		    sizeof(lines[0]))];
		struct bs_line line = { .ptr = l[0], .len = strlen(l[0]),
		    .lineno = 1 };
		struct seen s = { 0 };

		bs_format_postfix.parse(i < sizeof(lines) / sizeof(lines[0]) ?
		    state : pcre_state, &line, record, &s);
		ck_assert_int_eq(s.n, 1);
		ck_assert_uint_eq(s.ev.stamp_len, strlen(l[1]));
		ck_assert(memcmp(s.ev.stamp, l[1],
		    s.ev.stamp_len) == 0);
	}
}
END_TEST

START_TEST(test_probe)
{
	ck_assert_int_eq(bs_format_postfix.probe(PD "connect from x[1.2.3.4]",
	    strlen(PD "connect from x[1.2.3.4]")), 2);
	ck_assert_int_eq(bs_format_postfix.probe("4F1A2B3C4D: to=<a@b>, x",
	    strlen("4F1A2B3C4D: to=<a@b>, x")), 1);
	ck_assert_int_eq(bs_format_postfix.probe("2026-11-28 10:00:00 "
	    "1qABCD-000123-XY <= a@b", 39), 0);
}
END_TEST

Suite *
postfix_suite(void)
{
	Suite *s = suite_create("postfix");
	TCase *tc = tcase_create("shapes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_row, 0, 4 * (int)NROWS);
	tcase_add_test(tc, test_stamp);
	tcase_add_test(tc, test_probe);
	suite_add_tcase(s, tc);
	return s;
}
