/*
 * check_postfix.c - the Postfix parser, one row per line shape.
 *
 * The shapes follow real Postfix logs (delivery agents, qmgr, smtpd,
 * postscreen, cleanup, milters, before-queue proxies, instances with their
 * own syslog names); addresses and hosts are made up.  Each row gives the
 * event the line must state (its kind, codes and every field of the event
 * record: message, recipient, remote, remote_ip, sender, delay), the note
 * it must state for the joins (qmgr's arrival record, "removed"), or
 * nothing.
 */
#include <check.h>
#include <string.h>

#include "scan.h"

#include "format.h"
#include "patterns.h"
#include "patterns_builtin.h"
#include "postfix_fast.h"
#include "suites.h"

#define P "Nov 28 10:00:00 mx1 postfix/smtp[4242]: "
#define PD "Nov  8 10:00:00 mx1 postfix/smtpd[4242]: "
#define R3 "2026-11-28T10:00:00.123456+01:00 mx1 postfix/smtp[4242]: "

/* The kind column: an enum bs_kind, or one of these. */
enum {
	N = -1,		/* neither an event nor a note */
	ARRIVAL = -2,	/* a BS_NOTE_ARRIVAL note (msgid, sender) */
	GONE = -3,	/* a BS_NOTE_GONE note (msgid) */
	NOTIFY = -4,	/* a BS_NOTE_NOTIFY note (msgid; see test_notify) */
	HEALTH = -5,	/* a BS_NOTE_HEALTH note (see check_health.c) */
	FOREIGN = -6	/* a BS_NOTE_FOREIGN note (see check_foreign.c) */
};

#define NONE	(-1.0)	/* no delay= */

/* The rest of a row that states nothing. */
#define NOTHING	N, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NONE
/* A third program's delivery status: no event, one note (foreign.h). */
#define OTHERS	FOREIGN, NULL, NULL, "", 0, NULL, NULL, NULL, NULL, NONE
/* The rest of a row of the server's own trouble: no event, one note. */
#define TROUBLE	HEALTH, NULL, NULL, "", 0, NULL, NULL, NULL, NULL, NONE

static const struct row {
	const char *line;
	int kind;
	const char *basic, *enhanced, *msgid;
	unsigned conn;
	/* The event record; NULL: not stated ("" is an empty value). */
	const char *rcpt, *remote, *remote_ip, *sender;
	double delay;
} rows[] = {
	/* Deliveries: the next hop's reply, else dsn=. */
	{ P "4F1A2B3C4D: to=<ann@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, "
	    "status=sent (250 2.0.0 Ok: queued as 9A8B7C)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0,
	    "ann@example.org", "mx.example.org", "192.0.2.10", NULL, 1.2 },
	{ P "4F1A2B3C4D: to=<ann@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, "
	    "status=sent (250 Ok: queued as 9A8B7C)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0,
	    "ann@example.org", "mx.example.org", "192.0.2.10", NULL, 1.2 },
	{ P "4F1A2B3C4D: to=<ann@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, delays=0.1/0/0.5/0.4, tls=dane, "
	    "dsn=2.1.5, status=sent (250 2.0.0 Ok: queued as 9A8B7C)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0,
	    "ann@example.org", "mx.example.org", "192.0.2.10", NULL, 1 },
	{ "Nov 28 10:00:00 mx1 postfix/local[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=local, delay=0.1, delays=0.1/0/0/0, "
	    "dsn=2.0.0, status=sent (delivered to mailbox)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "local", NULL, NULL, 0.1 },
	{ "Nov 28 10:00:00 mx1 postfix/pipe[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=spamfilter, delay=0.3, delays=0.1/0/0/0.2, "
	    "dsn=2.0.0, status=sent (delivered via spamfilter service)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "spamfilter", NULL, NULL, 0.3 },
	{ "Nov 28 10:00:00 mx1 postfix/virtual[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=virtual, delay=0.1, delays=0.1/0/0/0, "
	    "dsn=2.0.0, status=sent (delivered to maildir)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "virtual", NULL, NULL, 0.1 },
	{ "Nov 28 10:00:00 mx1 postfix/discard[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=none, delay=0.1, delays=0.1/0/0/0, "
	    "dsn=2.0.0, status=sent (discarded)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "none", NULL, NULL, 0.1 },
	{ "Nov 28 10:00:00 mx1 postfix/lmtp[77]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=mail.example.org[private/dovecot-lmtp], "
	    "delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (250 "
	    "2.0.0 <bob@example.org> kP2xAbCdEf Saved)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "mail.example.org", NULL, NULL, 0.2 },
	{ P "5C6D7E8F90: to=<bob@example.org>, relay=127.0.0.1[127.0.0.1]"
	    ":10024, delay=2, delays=0.1/0/0/1.9, dsn=2.0.0, status=sent "
	    "(250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: "
	    "queued as 1A2B3C)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "127.0.0.1", "127.0.0.1", NULL, 2 },
	{ P "5C6D7E8F90: to=<bob@example.org>, orig_to=<postmaster@"
	    "example.org>, relay=mx.example.org[192.0.2.10]:25, delay=1, "
	    "delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 OK id=1qABCD"
	    "-000123-XY)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "mx.example.org", "192.0.2.10", NULL, 1 },
	{ R3 "5C6D7E8F90: to=<bob@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, "
	    "status=sent (250 2.0.0 OK 1732788000 abc.123 - gsmtp)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "mx.example.org", "192.0.2.10", NULL, 1 },
	{ "2026-11-28T10:00:00Z mx1 postfix/smtp[9]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=mx.example.org[192.0.2.10]:25, delay=1, "
	    "delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 Accepted)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "mx.example.org", "192.0.2.10", NULL, 1 },
	{ "Nov 28 10:00:00 mx1 postfix-out/smtp[9]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=mx.example.org[192.0.2.10]:25, delay=1, "
	    "delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.6.0 "
	    "Queued mail for delivery)",
	    BS_DELIVERED, "250", "2.6.0", "5C6D7E8F90", 0,
	    "bob@example.org", "mx.example.org", "192.0.2.10", NULL, 1 },
	{ "Nov 28 10:00:00 mx1 postfix/amavis/smtp[9]: 5C6D7E8F90: to=<bob"
	    "@example.org>, relay=127.0.0.1[127.0.0.1]:10024, delay=3, "
	    "delays=0.1/0/0/2.9, dsn=2.0.0, status=sent (250 2.0.0 from "
	    "MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 1A2B)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "127.0.0.1", "127.0.0.1", NULL, 3 },
	{ "5C6D7E8F90: to=<bob@example.org>, relay=none, delay=0.05, "
	    "delays=0.05/0/0/0, dsn=2.0.0, status=sent (example.org)",
	    BS_DELIVERED, "", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "none", NULL, NULL, 0.05 },
	{ "%(day)s 11:00:20 mx1 postfix/lmtp[28]: 5C6D7E8F90: to=<bob@"
	    "example.org>, relay=mx[private/dovecot-lmtp], delay=0.3, "
	    "delays=0.1/0/0/0.2, dsn=2.0.0, status=sent (250 2.0.0 <bob@"
	    "example.org> Saved)",
	    BS_DELIVERED, "250", "2.0.0", "5C6D7E8F90", 0,
	    "bob@example.org", "mx", NULL, NULL, 0.3 },
	{ P "2A3B4C5D6E: to=user@host.example.org, orig_to=root@localhost, "
	    "relay=local, delay=0.07, delays=0.04/0/0/0.03, dsn=2.0.0, "
	    "status=sent (delivered to command: procmail -a \"$EXT\")",
	    BS_DELIVERED, "", "2.0.0", "2A3B4C5D6E", 0,
	    "user@host.example.org", "local", NULL, NULL, 0.07 },
	{ P "4hXyZ1AbCdz9kLm: to=<bob@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, "
	    "status=sent (250 2.0.0 Ok)",
	    BS_DELIVERED, "250", "2.0.0", "4hXyZ1AbCdz9kLm", 0,
	    "bob@example.org", "mx.example.org", "192.0.2.10", NULL, 1 },
	/* Old versions log no dsn=: the outcome starts at the field before. */
	{ P "4F1A2B3C4D: to=<ann@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, status=sent (250 Ok)",
	    BS_DELIVERED, "250", "", "4F1A2B3C4D", 0,
	    "ann@example.org", "mx.example.org", "192.0.2.10", NULL, 1 },
	{ P "4F1A2B3C4D: to=<ann@example.org>, status=bounced (host "
	    "mx.example.org[192.0.2.10] said: 550 5.1.1 unknown user)",
	    BS_BOUNCED, "550", "5.1.1", "4F1A2B3C4D", 0,
	    "ann@example.org", NULL, NULL, NULL, NONE },
	/* "status=" inside an address is not the status field. */
	{ P "4F1A2B3C4D: to=<status=x@example.org>, orig_to=<dsn=y@example."
	    "org>, relay=none, delay=1, delays=1/0/0/0, dsn=5.1.2, "
	    "status=bounced (Host or domain name not found)",
	    BS_BOUNCED, "", "5.1.2", "4F1A2B3C4D", 0,
	    "status=x@example.org", "none", NULL, NULL, 1 },

	/* Deferrals. */
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=310, delays=300/0/5/5, dsn=4.7.1, "
	    "status=deferred (host mx.example.net[198.51.100.5] said: 450 "
	    "4.7.1 <carol@example.net>: Recipient address rejected: "
	    "Greylisted (in reply to RCPT TO command))",
	    BS_DEFERRED, "450", "4.7.1", "7D8E9F0A1B", 0,
	    "carol@example.net", "mx.example.net", "198.51.100.5", NULL, 310 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=310, delays=300/0/5/5, dsn=4.2.0, "
	    "status=deferred (host mx.example.net[198.51.100.5] said: 450 "
	    "4.2.0 <carol@example.net>: Greylisted, see https://example.net"
	    "/grey.html (in reply to RCPT TO command))",
	    BS_DEFERRED, "450", "4.2.0", "7D8E9F0A1B", 0,
	    "carol@example.net", "mx.example.net", "198.51.100.5", NULL, 310 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=3000, "
	    "delays=2970/0/30/0, dsn=4.4.1, status=deferred (connect to "
	    "mx.example.net[198.51.100.5]:25: Connection timed out)",
	    BS_DEFERRED, "", "4.4.1", "7D8E9F0A1B", BS_CONN_FAILED,
	    "carol@example.net", "none", NULL, NULL, 3000 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=3000, "
	    "delays=2970/0/30/0, dsn=4.4.1, status=deferred (connect to "
	    "mx.example.net[198.51.100.5]:25: Connection refused)",
	    BS_DEFERRED, "", "4.4.1", "7D8E9F0A1B", BS_CONN_REFUSED,
	    "carol@example.net", "none", NULL, NULL, 3000 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=3000, "
	    "delays=2970/0/30/0, dsn=4.4.1, status=deferred (connect to "
	    "mx.example.net[2001:db8::25]:25: Network is unreachable)",
	    BS_DEFERRED, "", "4.4.1", "7D8E9F0A1B", BS_CONN_FAILED,
	    "carol@example.net", "none", NULL, NULL, 3000 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=3000, "
	    "delays=2970/0/30/0, dsn=4.4.1, status=deferred (delivery "
	    "temporarily suspended: connect to mx.example.net[198.51.100.5]"
	    ":25: Connection refused)",
	    BS_DEFERRED, "", "4.4.1", "7D8E9F0A1B", BS_CONN_REFUSED,
	    "carol@example.net", "none", NULL, NULL, 3000 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=63495, delays=63350/144/0/0, "
	    "dsn=4.4.2, status=deferred (delivery temporarily suspended: "
	    "lost connection with mx.example.net[198.51.100.5] while "
	    "sending RCPT TO)",
	    BS_DEFERRED, "", "4.4.2", "7D8E9F0A1B", 0,
	    "carol@example.net", "mx.example.net", "198.51.100.5", NULL,
	    63495 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.7.0, "
	    "status=deferred (delivery temporarily suspended: host "
	    "mx.example.net[198.51.100.5] said: 421 4.7.0 Try again later, "
	    "closing connection. (in reply to end of DATA command))",
	    BS_DEFERRED, "421", "4.7.0", "7D8E9F0A1B", 0,
	    "carol@example.net", "mx.example.net", "198.51.100.5", NULL, 5 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.0.0, "
	    "status=deferred (host mx.example.net[198.51.100.5] refused to "
	    "talk to me: 554 5.7.1 Service unavailable)",
	    BS_DEFERRED, "554", "5.7.1", "7D8E9F0A1B", 0,
	    "carol@example.net", "mx.example.net", "198.51.100.5", NULL, 5 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.3.0, "
	    "status=deferred (host mx.example.net[198.51.100.5] said: 451 "
	    "Temporary local problem - please try later (in reply to RCPT "
	    "TO command))",
	    BS_DEFERRED, "451", "4.3.0", "7D8E9F0A1B", 0,
	    "carol@example.net", "mx.example.net", "198.51.100.5", NULL, 5 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=none, delay=1, "
	    "delays=0/0/1/0, dsn=4.4.3, status=deferred (Host or domain "
	    "name not found. Name service error for name=example.net "
	    "type=MX: Host not found, try again)",
	    BS_DEFERRED, "", "4.4.3", "7D8E9F0A1B", 0,
	    "carol@example.net", "none", NULL, NULL, 1 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.7.5, "
	    "status=deferred (Server certificate not verified)",
	    BS_DEFERRED, "", "4.7.5", "7D8E9F0A1B", 0,
	    "carol@example.net", "mx.example.net", "198.51.100.5", NULL, 5 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[198.51.100.5]:25, delay=5, delays=0/0/1/4, dsn=4.2.2, "
	    "status=SOFTBOUNCE (host mx.example.net[198.51.100.5] said: 552 "
	    "5.2.2 Mailbox full (in reply to RCPT TO command))",
	    BS_DEFERRED, "552", "5.2.2", "7D8E9F0A1B", 0,
	    "carol@example.net", "mx.example.net", "198.51.100.5", NULL, 5 },
	{ "Nov 28 10:00:00 mx1 postfix/lmtp[9]: 7D8E9F0A1B: to=<dave@"
	    "example.org>, relay=mail.example.org[private/dovecot-lmtp], "
	    "delay=1, delays=0/0/0/1, dsn=4.2.2, status=deferred (host "
	    "mail.example.org[private/dovecot-lmtp] said: 452 4.2.2 <dave@"
	    "example.org> Quota exceeded (mailbox for user is full) (in "
	    "reply to end of DATA command))",
	    BS_DEFERRED, "452", "4.2.2", "7D8E9F0A1B", 0,
	    "dave@example.org", "mail.example.org", NULL, NULL, 1 },

	/* Bounces. */
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.1.1, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "5.1.1 <erin@example.com>: Recipient address rejected: User "
	    "unknown in virtual mailbox table (in reply to RCPT TO command))",
	    BS_BOUNCED, "550", "5.1.1", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "203.0.113.7", NULL, 2 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[2001:db8::1b]:25, delay=1.9, delays=0.05/0/1.1/0.71, "
	    "dsn=5.7.1, status=bounced (host mx.example.com[2001:db8::1b] "
	    "said: 550-5.7.1 [2001:db8::2      12] Our system has detected "
	    "that this 550-5.7.1 message is likely unsolicited mail. 550 "
	    "5.7.1 more information. x1-2 - gsmtp (in reply to end of DATA "
	    "command))",
	    BS_BOUNCED, "550", "5.7.1", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "2001:db8::1b", NULL, 1.9 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.0.0, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 : "
	    "User unknown (in reply to end of DATA command))",
	    BS_BOUNCED, "550", "5.0.0", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "203.0.113.7", NULL, 2 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.0.0, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 554 "
	    "delivery error: dd Sorry, no account here [-5] - mta1 (in "
	    "reply to end of DATA command))",
	    BS_BOUNCED, "554", "5.0.0", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "203.0.113.7", NULL, 2 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.3.4, "
	    "status=bounced (message size 52428800 exceeds size limit "
	    "20971520 of server mx.example.com[203.0.113.7])",
	    BS_BOUNCED, "", "5.3.4", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "203.0.113.7", NULL, 2 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.7.1, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 554 "
	    "5.7.1 Service unavailable; Client host [192.0.2.99] blocked "
	    "using zen.example.org (in reply to RCPT TO command))",
	    BS_BOUNCED, "554", "5.7.1", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "203.0.113.7", NULL, 2 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.7.26, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "5.7.26 Unauthenticated email is not accepted (in reply to end "
	    "of DATA command))",
	    BS_BOUNCED, "550", "5.7.26", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "203.0.113.7", NULL, 2 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.7.606, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "5.7.606 Access denied, banned sending IP [192.0.2.99] (in "
	    "reply to RCPT TO command))",
	    BS_BOUNCED, "550", "5.7.606", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "203.0.113.7", NULL, 2 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.1.1, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "#5.1.1 Address rejected (in reply to RCPT TO command))",
	    BS_BOUNCED, "550", "5.1.1", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "203.0.113.7", NULL, 2 },
	{ P "8E9F0A1B2C: to=<erin@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.0.0, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "4.4.7 Message expired (in reply to end of DATA command))",
	    BS_BOUNCED, "550", "4.4.7", "8E9F0A1B2C", 0,
	    "erin@example.com", "mx.example.com", "203.0.113.7", NULL, 2 },
	{ "Nov 28 10:00:00 mx1 postfix/local[9]: 892A0205B6: to=<ghost@"
	    "localhost>, relay=local, delay=0.05, delays=0.02/0/0/0.02, "
	    "dsn=5.1.1, status=bounced (unknown user: \"ghost\")",
	    BS_BOUNCED, "", "5.1.1", "892A0205B6", 0,
	    "ghost@localhost", "local", NULL, NULL, 0.05 },
	{ "Nov 28 10:00:00 mx1 postfix/virtual[9]: 95ECE24E0: to=<tom@"
	    "example.com>, relay=virtual, delay=0.1, delays=0/0/0/0.1, "
	    "dsn=5.4.6, status=bounced (mail forwarding loop for tom@"
	    "example.com)",
	    BS_BOUNCED, "", "5.4.6", "95ECE24E0", 0,
	    "tom@example.com", "virtual", NULL, NULL, 0.1 },
	{ "Nov 28 10:00:00 mx1 postfix/error[9]: 95ECE24E0: to=<tom@"
	    "example.com>, relay=none, delay=0.1, delays=0/0/0/0.1, "
	    "dsn=5.0.0, status=bounced (Host or domain name not found. Name "
	    "service error for name=example.invalid type=A: Host not found)",
	    BS_BOUNCED, "", "5.0.0", "95ECE24E0", 0,
	    "tom@example.com", "none", NULL, NULL, 0.1 },
	{ P "95ECE24E0: to=<tom@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=1, delays=0/0/0/1, status=bounced "
	    "(host mx.example.com[203.0.113.7] said: 550 no such user)",
	    BS_BOUNCED, "550", "", "95ECE24E0", 0,
	    "tom@example.com", "mx.example.com", "203.0.113.7", NULL, 1 },

	/*
	 * The event record of a delivery: to= (never orig_to=), with or
	 * without <>, as raw bytes; relay= as written (a name without
	 * brackets, a socket path that is no address, IPv6); delay=.
	 */
	{ "Nov 28 10:00:00 mx1 postfix/pipe[9]: 0F5383D: to=<tom@example."
	    "com>, orig_to=<admin@example.com>, relay=dovecot, delay=3.4, "
	    "delays=3.3/0.03/0/0.12, dsn=2.0.0, status=sent (delivered via "
	    "dovecot service)",
	    BS_DELIVERED, "", "2.0.0", "0F5383D", 0,
	    "tom@example.com", "dovecot", NULL, NULL, 3.4 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=unknown[192.0.2.10]"
	    ":25, delay=12, delays=0/0/12/0, dsn=4.4.2, status=deferred "
	    "(conversation with unknown[192.0.2.10] timed out while receiving "
	    "the initial server greeting)",
	    BS_DEFERRED, "", "4.4.2", "7D8E9F0A1B", 0,
	    "carol@example.net", "unknown", "192.0.2.10", NULL, 12 },
	{ P "7D8E9F0A1B: to=<carol@example.net>, relay=mx.example.net"
	    "[2001:db8::1]:25, delay=0.51, delays=0.01/0/0.2/0.3, dsn=4.2.2, "
	    "status=SOFTBOUNCE (host mx.example.net[2001:db8::1] said: 552 "
	    "5.2.2 Mailbox full (in reply to RCPT TO command))",
	    BS_DEFERRED, "552", "5.2.2", "7D8E9F0A1B", 0,
	    "carol@example.net", "mx.example.net", "2001:db8::1", NULL, 0.51 },
	{ P "4F1A2B3C4D: to=<ann@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, conn_use=2, delay=0.25, delays=0/0/0.01/0.24, "
	    "dsn=2.0.0, status=sent (250 2.0.0 Ok)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0,
	    "ann@example.org", "mx.example.org", "192.0.2.10", NULL, 0.25 },
	{ "Nov 28 10:00:00 mx1 postfix/lmtp[9]: 4F1A2B3C4D: to=<ann@example"
	    ".org>, relay=mx[private/dovecot-lmtp], delay=63495.25, "
	    "delays=0/0/0/0, dsn=5.1.1, status=bounced (host mx[private/"
	    "dovecot-lmtp] said: 550 5.1.1 <ann@example.org> User doesn't "
	    "exist (in reply to RCPT TO command))",
	    BS_BOUNCED, "550", "5.1.1", "4F1A2B3C4D", 0,
	    "ann@example.org", "mx", NULL, NULL, 63495.25 },
	{ "Nov 28 10:00:00 mx1 postfix/error[9]: 4F1A2B3C4D: to=<>, "
	    "relay=none, delay=0.01, delays=0.01/0/0/0, dsn=5.1.3, "
	    "status=bounced (bad address syntax)",
	    BS_BOUNCED, "", "5.1.3", "4F1A2B3C4D", 0,
	    "", "none", NULL, NULL, 0.01 },
	{ P "4F1A2B3C4D: to=<\"a b@c\"@example.com>, relay=mx.example.com"
	    "[203.0.113.7]:25, delay=2, delays=0/0/1/1, dsn=5.1.1, "
	    "status=bounced (host mx.example.com[203.0.113.7] said: 550 "
	    "5.1.1 no such user (in reply to RCPT TO command))",
	    BS_BOUNCED, "550", "5.1.1", "4F1A2B3C4D", 0,
	    "\"a b@c\"@example.com", "mx.example.com", "203.0.113.7", NULL,
	    2 },
	{ "Nov 28 10:00:00 mx1 postfix/local[9]: 4F1A2B3C4D: to=<\"p>q, r\""
	    "@example.org>, orig_to=<\"s>, t\"@example.org>, relay=local, "
	    "delay=0.1, delays=0.1/0/0/0, dsn=2.0.0, status=sent (delivered "
	    "to mailbox)",
	    BS_DELIVERED, "", "2.0.0", "4F1A2B3C4D", 0,
	    "\"p>q, r\"@example.org", "local", NULL, NULL, 0.1 },
	{ "Nov 28 10:00:00 mx1 postfix/local[9]: 4F1A2B3C4D: to=<\"a> b\"@"
	    "example.org>, orig_to=<\"x, delay=5\"@example.org>, relay=local, "
	    "delay=0.1, delays=0.1/0/0/0, dsn=2.0.0, status=sent (delivered "
	    "to mailbox)",
	    BS_DELIVERED, "", "2.0.0", "4F1A2B3C4D", 0,
	    "\"a> b\"@example.org", "local", NULL, NULL, 0.1 },
	{ "Nov 28 10:00:00 mx1 postfix/lmtp[9]: 4F1A2B3C4D: to=<ann@example"
	    ".org>, relay=mail.example.org[cafe], delay=0.2, "
	    "delays=0.1/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 Saved)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0,
	    "ann@example.org", "mail.example.org", NULL, NULL, 0.2 },
	{ "Nov 28 10:00:00 mx1 postfix/virtual[9]: 4F1A2B3C4D: to=<j\xc3\xb6"
	    "rg@ex\xc3\xa4mple.org>, relay=virtual, delay=0.1, "
	    "delays=0.1/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)",
	    BS_DELIVERED, "", "2.0.0", "4F1A2B3C4D", 0,
	    "j\xc3\xb6rg@ex\xc3\xa4mple.org", "virtual", NULL, NULL, 0.1 },
	{ P "4F1A2B3C4D: to=<nrcpt=1@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1x, delays=0/0/1/1, dsn=2.0.0, "
	    "status=sent (250 2.0.0 Ok)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0,
	    "nrcpt=1@example.org", "mx.example.org", "192.0.2.10", NULL,
	    NONE },

	/* Expired: qmgr gives up on the message. */
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 3A4B5C6D7E: from=<news@"
	    "example.org>, status=expired, returned to sender",
	    BS_EXPIRED, "", "", "3A4B5C6D7E", 0,
	    NULL, NULL, NULL, "news@example.org", NONE },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 3A4B5C6D7E: from=<>, "
	    "status=expired, returned to sender",
	    BS_EXPIRED, "", "", "3A4B5C6D7E", 0,
	    NULL, NULL, NULL, "", NONE },

	/* Refusals by this server. */
	{ PD "NOQUEUE: reject: RCPT from unknown[192.0.2.50]: 554 5.7.1 "
	    "<x@example.org>: Relay access denied; from=<a@example.net> "
	    "to=<x@example.org> proto=ESMTP helo=<h>",
	    BS_REJECTED, "554", "5.7.1", "", 0,
	    "x@example.org", "unknown", "192.0.2.50", "a@example.net", NONE },
	{ PD "NOQUEUE: reject: RCPT from host.example.net[192.0.2.50]: 450 "
	    "4.7.1 Client host rejected: cannot find your hostname, "
	    "[192.0.2.50]; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<host.example.net>",
	    BS_REJECTED, "450", "4.7.1", "", 0,
	    "x@example.org", "host.example.net", "192.0.2.50", "a@example.net",
	    NONE },
	{ PD "NOQUEUE: reject: RCPT from unknown[192.0.2.50]: 450 4.7.25 "
	    "Client host rejected: cannot find your hostname, [192.0.2.50]; "
	    "from=<a@example.net> to=<x@example.org> proto=ESMTP helo=<h>",
	    BS_REJECTED, "450", "4.7.25", "", 0,
	    "x@example.org", "unknown", "192.0.2.50", "a@example.net", NONE },
	{ PD "NOQUEUE: reject: RCPT from unknown[2001:db8:1:2::3]: 504 "
	    "5.5.2 <h>: Helo command rejected: need fully-qualified "
	    "hostname; from=<a@example.net> to=<x@example.org> proto=SMTP "
	    "helo=<h>",
	    BS_REJECTED, "504", "5.5.2", "", 0,
	    "x@example.org", "unknown", "2001:db8:1:2::3", "a@example.net",
	    NONE },
	{ PD "NOQUEUE: reject: EHLO from unknown[192.0.2.50]: 504 5.5.2 "
	    "<h>: Helo command rejected: need fully-qualified hostname; "
	    "proto=SMTP helo=<h>",
	    BS_REJECTED, "504", "5.5.2", "", 0,
	    NULL, "unknown", "192.0.2.50", NULL, NONE },
	{ PD "NOQUEUE: reject: VRFY from unknown[192.0.2.50]: 550 5.1.1 "
	    "<nobody@example.org>: Recipient address rejected: User "
	    "unknown; to=<nobody@example.org> proto=SMTP helo=<h>",
	    BS_REJECTED, "550", "5.1.1", "", 0,
	    "nobody@example.org", "unknown", "192.0.2.50", NULL, NONE },
	{ PD "NOQUEUE: reject: CONNECT from unknown[192.0.2.50]: 450 4.7.25 "
	    "Client host rejected: cannot find your hostname, [192.0.2.50]; "
	    "proto=SMTP",
	    BS_REJECTED, "450", "4.7.25", "", 0,
	    NULL, "unknown", "192.0.2.50", NULL, NONE },
	{ PD "3B4C5D6E7F: reject: RCPT from mail.example.net[192.0.2.50]: "
	    "550 5.1.1 <sales@example.org>: Recipient address rejected: User "
	    "unknown in local recipient table; from=<a@example.net> "
	    "to=<sales@example.org> proto=ESMTP helo=<mail.example.net>",
	    BS_REJECTED, "550", "5.1.1", "3B4C5D6E7F", 0,
	    "sales@example.org", "mail.example.net", "192.0.2.50",
	    "a@example.net", NONE },
	{ PD "3B4C5D6E7F: reject: DATA from mail.example.net[192.0.2.50]: "
	    "550 5.5.3 <DATA>: Data command rejected: Multi-recipient "
	    "bounce; from=<> proto=ESMTP helo=<mail.example.net>",
	    BS_REJECTED, "550", "5.5.3", "3B4C5D6E7F", 0,
	    NULL, "mail.example.net", "192.0.2.50", "", NONE },
	{ "Nov 28 10:00:00 mx1 postfix-smo/submission/smtpd[9]: "
	    "44JCRG5tYPzCqt2: reject: BDAT from relay.example.net"
	    "[192.0.2.50]: 550 5.5.3 <DATA>: Data command rejected: "
	    "Multi-recipient bounce; from=<> to=<x@example.org> proto=ESMTP "
	    "helo=<relay.example.net>",
	    BS_REJECTED, "550", "5.5.3", "44JCRG5tYPzCqt2", 0,
	    "x@example.org", "relay.example.net", "192.0.2.50", "", NONE },
	{ "Nov 28 10:00:00 mx1 postfix/postscreen[9]: NOQUEUE: reject: "
	    "RCPT from [192.0.2.50]:54321: 550 5.7.1 Service unavailable; "
	    "client [192.0.2.50] blocked using bl.example.org; from=<a@"
	    "example.net>, to=<x@example.org>, proto=ESMTP, helo=<h>",
	    BS_REJECTED, "550", "5.7.1", "", 0,
	    "x@example.org", NULL, "192.0.2.50", "a@example.net", NONE },
	{ "Nov 28 10:00:00 mx1 postfix/postscreen[9]: NOQUEUE: reject: "
	    "RCPT from [192.0.2.50]:54321: 450 4.3.2 Service currently "
	    "unavailable; from=<a@example.net>, to=<x@example.org>, "
	    "proto=ESMTP, helo=<h>",
	    BS_REJECTED, "450", "4.3.2", "", 0,
	    "x@example.org", NULL, "192.0.2.50", "a@example.net", NONE },
	{ PD "4104E3D: milter-reject: END-OF-MESSAGE from host.example.net"
	    "[192.0.2.50]: 5.7.1 Blocked by SpamAssassin; from=<a@example."
	    "net> to=<x@example.org> proto=ESMTP helo=<host.example.net>",
	    BS_REJECTED, "", "5.7.1", "4104E3D", 0,
	    "x@example.org", "host.example.net", "192.0.2.50", "a@example.net",
	    NONE },
	{ PD "NOQUEUE: milter-reject: RCPT from host.example.net"
	    "[192.0.2.50]: 451 4.7.1 Greylisting in action, please come "
	    "back later; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<host.example.net>",
	    BS_REJECTED, "451", "4.7.1", "", 0,
	    "x@example.org", "host.example.net", "192.0.2.50", "a@example.net",
	    NONE },
	{ PD "1D8CC1CA0A7F: milter-reject: DATA from host.example.net"
	    "[192.0.2.50]: 550 5.7.1 Command rejected; from=<a@example.net> "
	    "to=<x@example.org> proto=ESMTP helo=<host.example.net>",
	    BS_REJECTED, "550", "5.7.1", "1D8CC1CA0A7F", 0,
	    "x@example.org", "host.example.net", "192.0.2.50", "a@example.net",
	    NONE },
	{ PD "5E6F7A8B9C: proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, "
	    "id=31619-02 - spam; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<h>",
	    BS_REJECTED, "554", "5.7.0", "5E6F7A8B9C", 0,
	    "x@example.org", NULL, NULL, "a@example.net", NONE },
	{ "proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, id=1-02 - spam; "
	    "from=<> to=<x@example.org> proto=SMTP helo=<h>",
	    BS_REJECTED, "554", "5.7.0", "", 0,
	    "x@example.org", NULL, NULL, "", NONE },
	{ "Nov 28 10:00:00 mx1 postfix/cleanup[9]: 6F7A8B9C0D: reject: "
	    "header Subject: You have won from host.example.net"
	    "[192.0.2.50]; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<host.example.net>: 5.7.1 message content "
	    "rejected",
	    BS_REJECTED, "", "5.7.1", "6F7A8B9C0D", 0,
	    "x@example.org", "host.example.net", "192.0.2.50", "a@example.net",
	    NONE },
	{ "Nov 28 10:00:00 mx1 postfix/cleanup[9]: 6F7A8B9C0D: reject: "
	    "body Click here now from host.example.net[192.0.2.50]; from=<a"
	    "@example.net> to=<x@example.org> proto=ESMTP helo=<h>: 5.7.1 "
	    "No spam please",
	    BS_REJECTED, "", "5.7.1", "6F7A8B9C0D", 0,
	    "x@example.org", "host.example.net", "192.0.2.50", "a@example.net",
	    NONE },
	{ "Nov 28 10:00:00 mx1 postfix-incoming/smtpd[9]: NOQUEUE: reject: "
	    "RCPT from bad.example.net[192.0.2.50]: 554 5.7.1 Service "
	    "unavailable; Client host [192.0.2.50] blocked using rbl.example"
	    ".org; https://rbl.example.org/q?ip=192.0.2.50; from=<a@example."
	    "net> to=<x@example.org> proto=ESMTP helo=<bad.example.net>",
	    BS_REJECTED, "554", "5.7.1", "", 0,
	    "x@example.org", "bad.example.net", "192.0.2.50", "a@example.net",
	    NONE },
	{ "Mar 7 02:09:33 mx1 postfix/smtpd[9]: NOQUEUE: reject: RCPT from "
	    "a[192.0.2.50]: 550 5.7.25 Client host rejected: cannot find "
	    "your hostname, [192.0.2.50]; from=<a@example.net> to=<x@"
	    "example.org> proto=ESMTP helo=<[192.0.2.50]>",
	    BS_REJECTED, "550", "5.7.25", "", 0,
	    "x@example.org", "a", "192.0.2.50", "a@example.net", NONE },
	{ "Apr 12 02:24:11 mx1 postfix/smtps/smtpd[42]: NOQUEUE: reject: "
	    "EHLO from a.example.net[192.0.2.50]: 504 5.5.2 <User>: Helo "
	    "command rejected: need fully-qualified hostname; proto=SMTP "
	    "helo=<User>",
	    BS_REJECTED, "504", "5.5.2", "", 0,
	    NULL, "a.example.net", "192.0.2.50", NULL, NONE },
	{ PD "NOQUEUE: reject: RCPT from a[192.0.2.50]: 550 5.12.345 <x@"
	    "example.org>: Recipient address rejected: odd; from=<a@example."
	    "net> to=<x@example.org> proto=ESMTP helo=<h>",
	    BS_REJECTED, "550", "5.12.345", "", 0,
	    "x@example.org", "a", "192.0.2.50", "a@example.net", NONE },
	{ PD "NOQUEUE: reject: RCPT from a[192.0.2.50]: 452 4.5.3 Too many "
	    "recipients; from=<a@example.net> to=<x@example.org> "
	    "proto=ESMTP helo=<h>",
	    BS_REJECTED, "452", "4.5.3", "", 0,
	    "x@example.org", "a", "192.0.2.50", "a@example.net", NONE },
	{ PD "NOQUEUE: reject: MAIL from a[192.0.2.50]: 552 5.3.4 Message "
	    "size exceeds fixed limit; proto=ESMTP helo=<h>",
	    BS_REJECTED, "552", "5.3.4", "", 0,
	    NULL, "a", "192.0.2.50", NULL, NONE },
	{ PD "NOQUEUE: reject: RCPT from a[192.0.2.50]: 550 5.7.1 <x@"
	    "example.org>: Recipient address rejected: status=sent is not "
	    "a reason; from=<a@example.net> to=<x@example.org> proto=ESMTP "
	    "helo=<h>",
	    BS_REJECTED, "550", "5.7.1", "", 0,
	    "x@example.org", "a", "192.0.2.50", "a@example.net", NONE },

	/* The event record of a refusal: the client, from= and to=. */
	{ "Feb 21 09:21:54 mx1 postfix/smtpd[9]: NOQUEUE: reject: RCPT from "
	    "example.com[192.0.43.10]: 450 4.7.1 : Helo command rejected: "
	    "Host not found; from=<> to=<> proto=ESMTP helo=",
	    BS_REJECTED, "450", "4.7.1", "", 0,
	    "", "example.com", "192.0.43.10", "", NONE },
	{ PD "NOQUEUE: reject: VRFY from host.example.net[192.0.2.50]: 550 "
	    "5.1.1 : Recipient address rejected: User unknown in local "
	    "recipient tab",
	    BS_REJECTED, "550", "5.1.1", "", 0,
	    NULL, "host.example.net", "192.0.2.50", NULL, NONE },
	{ PD "NOQUEUE: reject: RCPT from unknown[unknown]: 450 4.7.1 "
	    "Client host rejected: cannot find your hostname; from=<\"a b\""
	    "@example.net> to=<\"c>d\"@example.org> proto=ESMTP helo=<h>",
	    BS_REJECTED, "450", "4.7.1", "", 0,
	    "\"c>d\"@example.org", "unknown", NULL, "\"a b\"@example.net",
	    NONE },
	{ "Nov 28 10:00:00 mx1 postfix/cleanup[9]: 6F7A8B9C0D: reject: "
	    "header From: a; b from c <c@example.net> from local; from=<root"
	    "@example.org> to=<x@example.org>: 5.7.1 forged",
	    BS_REJECTED, "", "5.7.1", "6F7A8B9C0D", 0,
	    "x@example.org", "local", NULL, "root@example.org", NONE },
	{ "Nov 28 10:00:00 mx1 postfix/cleanup[9]: 6F7A8B9C0D: reject: "
	    "header Subject: no client here; from=<a@example.net> to=<x@"
	    "example.org>: 5.7.1 spam",
	    BS_REJECTED, "", "5.7.1", "6F7A8B9C0D", 0,
	    "x@example.org", NULL, NULL, "a@example.net", NONE },
	{ "Nov 28 10:00:00 mx1 postfix/postscreen[9]: NOQUEUE: reject: "
	    "RCPT from [2001:db8::25]:41234: 450 4.3.2 Service currently "
	    "unavailable; from=<>, to=<x@example.org>, proto=ESMTP, "
	    "helo=<h>",
	    BS_REJECTED, "450", "4.3.2", "", 0,
	    "x@example.org", NULL, "2001:db8::25", "", NONE },

	/*
	 * Syslog dialects: the same delivery record behind Solaris's message
	 * tag, a <priority>, RFC 5424's header, a central server's stamp and
	 * host, a year or a zone in the stamp.
	 */
#define SENT "9F2183652: to=<ann@example.org>, relay=mx.example.org" \
	"[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, " \
	"status=sent (250 2.0.0 Ok: queued as 9A8B7C)"
#define SENT_REST BS_DELIVERED, "250", "2.0.0", "9F2183652", 0, \
	"ann@example.org", "mx.example.org", "192.0.2.10", NULL, 1.2
	{ "Nov 28 10:00:00 relay1 postfix/smtp[9779]: [ID 197553 mail.info] "
	    SENT, SENT_REST },
	{ "<22>Nov 28 10:00:00 mx1 postfix/smtp[9779]: " SENT, SENT_REST },
	{ "<22>1 2026-11-28T10:00:00.123Z mx1 postfix/smtp 9779 - - " SENT,
	    SENT_REST },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/smtp 9779 - [origin ip=\""
	    "192.0.2.1\"] " SENT, SENT_REST },
	{ "Nov 28 10:00:01 loghost Nov 28 10:00:00 mx1 postfix/smtp[9779]: "
	    SENT, SENT_REST },
	{ "Nov 28 10:00:01 loghost 192.0.2.7 mx1.example.org postfix/smtp"
	    "[9779]: " SENT, SENT_REST },
	{ "2026 Nov 28 10:00:00 mx1 postfix/smtp[9779]: " SENT, SENT_REST },
	{ "Nov 28 2026 10:00:00 mx1 postfix/smtp[9779]: " SENT, SENT_REST },
	{ "Nov 28 10:00:00 CET mx1 postfix/smtp[9779]: " SENT, SENT_REST },
	{ "2026-11-28 10:00:00 +0100 mx1 postfix/smtp[9779]: " SENT,
	    SENT_REST },
	{ "Nov 28 10:00:00 <mail.info> mx1 postfix/smtp[9779]: " SENT,
	    SENT_REST },
	{ "Sat 2026-11-28 10:00:00 CET mx1 postfix/smtp[9779]: " SENT,
	    SENT_REST },
#undef SENT
#undef SENT_REST
	{ "Nov 28 10:00:00 mx1 postfix/smtpd[77]: [ID 197553 mail.info] "
	    "NOQUEUE: reject: RCPT from a.example.net[192.0.2.50]: 554 5.7.1 "
	    "<x@example.org>: Relay access denied; from=<s@example.net> "
	    "to=<x@example.org> proto=ESMTP helo=<h>",
	    BS_REJECTED, "554", "5.7.1", "", 0,
	    "x@example.org", "a.example.net", "192.0.2.50", "s@example.net",
	    NONE },
	{ "<22>1 2026-11-28T10:00:00Z mx1 postfix/qmgr - - - 4F1A2B3C4D: "
	    "from=<s@example.net>, status=expired, returned to sender",
	    BS_EXPIRED, "", "", "4F1A2B3C4D", 0,
	    NULL, NULL, NULL, "s@example.net", NONE },

	/*
	 * Anonymised or hand-edited logs: a delivery record whose to= was
	 * taken out still states an outcome, with no recipient.  The other
	 * fields are read as usual; orig_to= is never the recipient.
	 */
	{ P "4F1A2B3C4D: relay=mx.example.org[192.0.2.10]:25, delay=1.2, "
	    "delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: "
	    "queued as 9A8B7C)",
	    BS_DELIVERED, "250", "2.0.0", "4F1A2B3C4D", 0,
	    NULL, "mx.example.org", "192.0.2.10", NULL, 1.2 },
	{ P "7D8E9F0A1B: orig_to=<postmaster@example.net>, relay=none, "
	    "delay=3000, delays=2970/0/30/0, dsn=4.4.1, status=deferred "
	    "(connect to mx.example.net[198.51.100.5]:25: Connection refused)",
	    BS_DEFERRED, "", "4.4.1", "7D8E9F0A1B", BS_CONN_REFUSED,
	    NULL, "none", NULL, NULL, 3000 },
	{ P "8E9F0A1B2C: dsn=5.1.1, status=bounced (host mx.example.net"
	    "[198.51.100.5] said: 550 5.1.1 unknown user (in reply to RCPT "
	    "TO command))",
	    BS_BOUNCED, "550", "5.1.1", "8E9F0A1B2C", 0,
	    NULL, NULL, NULL, NULL, NONE },
	{ "Nov 28 10:00:00 mx1 postfix/local[77]: 5C6D7E8F90: relay=local, "
	    "delay=0.1, status=sent (delivered to mailbox)",
	    BS_DELIVERED, "", "", "5C6D7E8F90", 0,
	    NULL, "local", NULL, NULL, 0.1 },
	{ "9F0A1B2C3D: conn_use=2, delay=7, dsn=4.7.0, status=SOFTBOUNCE "
	    "(host mx.example.net[198.51.100.5] said: 421 4.7.0 try later)",
	    BS_DEFERRED, "421", "4.7.0", "9F0A1B2C3D", 0,
	    NULL, NULL, NULL, NULL, 7 },
	/* Not delivery records: no field before status=, or no field. */
	{ P "4F1A2B3C4D: status=sent (250 2.0.0 Ok)", NOTHING },
	{ P "4F1A2B3C4D: Relay=x, status=sent (250 2.0.0 Ok)", NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/cleanup[9]: 4F1A2B3C4D: message-id=<"
	    "a, status=sent (x)@example.org>",
	    NOTHING },
	{ P "4F1A2B3C4D: lost connection, status=sent (250 2.0.0 Ok)",
	    NOTHING },

	/*
	 * Notes for the joins of run.c (the splitter hands their lines over
	 * when the run joins): qmgr's arrival record, the one sender source,
	 * and "removed".
	 */
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 76DEF40E80: from=<>, "
	    "size=2351, nrcpt=1 (queue active)",
	    ARRIVAL, NULL, NULL, "76DEF40E80", 0,
	    NULL, NULL, NULL, "", NONE },
	{ "2026-11-28T10:00:00Z mx1 postfix-out/qmgr[9]: 4hXyZ1AbCdz9kLm: "
	    "from=<news@example.org>, size=142646, nrcpt=12 (queue active)",
	    ARRIVAL, NULL, NULL, "4hXyZ1AbCdz9kLm", 0,
	    NULL, NULL, NULL, "news@example.org", NONE },
	{ "A0320E00C3: from=<\"a>, size=1\"@example.com>, size=5, nrcpt=2 "
	    "(queue active)",
	    ARRIVAL, NULL, NULL, "A0320E00C3", 0,
	    NULL, NULL, NULL, "\"a>, size=1\"@example.com", NONE },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 76DEF40E80: removed",
	    GONE, NULL, NULL, "76DEF40E80", 0, NULL, NULL, NULL, NULL, NONE },
	{ "Nov 28 10:00:00 mx1 postfix/postsuper[9]: 76DEF40E80: removed",
	    GONE, NULL, NULL, "76DEF40E80", 0, NULL, NULL, NULL, NULL, NONE },
	/* Other lines with from= or those needles are no sender source. */
	{ "Nov 28 10:00:00 mx1 postfix/pickup[9]: 76DEF40E80: uid=0 "
	    "from=<root>",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/cleanup[9]: 76DEF40E80: message-id=<"
	    "x@example.org>",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 76DEF40E80: from=<a@example"
	    ".org>, size=2351, nrcpt=1",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 76DEF40E80: from=<a@example"
	    ".org>, size=2351, nrcpt=1 (queue active) again",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 76DEF40E80: to=<a@example"
	    ".org>, size=2351, nrcpt=1 (queue active)",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 76DE: from=<a@example.org>, "
	    "size=2351, nrcpt=1 (queue active)",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 76DEF40E80: removed again",
	    NOTHING },
	{ PD "warning: 76DEF40E80: removed",
	    TROUBLE },
	{ "Nov 28 10:00:00 mx1 postfix/qmgr[9]: 76DEF40E80: from=<a@example"
	    ".org>, size=x, nrcpt=1 (queue active)",
	    NOTHING },

	/* Not events, although some carry codes. */
	{ PD "NOQUEUE: reject_warning: RCPT from a[192.0.2.50]: 553 5.7.1 "
	    "<s@example.net>: Sender address rejected: not owned; from=<s@"
	    "example.net> to=<x@example.org> proto=ESMTP helo=<h>",
	    NOTHING },
	{ P "2847EE008E: to=<info@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=6.3, delays=0.04/0.01/6/0.19, dsn=2.1.5, "
	    "status=deliverable (250 2.1.5 Ok)",
	    NOTHING },
	{ P "3E29030F8637E: to=<x@example.org>, relay=none, delay=0.01, "
	    "delays=0.01/0/0/0, dsn=5.1.1, status=undeliverable-but-not-"
	    "cached (User unknown in virtual alias table)",
	    NOTHING },
	{ P "3E29030F8637E: to=<x@example.org>, relay=mx.example.org"
	    "[192.0.2.10]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, "
	    "status=undeliverable (host mx.example.org[192.0.2.10] said: 550 "
	    "5.1.1 no such user (in reply to RCPT TO command))",
	    NOTHING },
	{ P "ED59C3D: host mx.example.org[192.0.2.10] said: 450 4.7.1 <x@"
	    "example.org>: Recipient address rejected: Greylisted (in reply "
	    "to RCPT TO command)",
	    NOTHING },
	{ P "40197AA: host mx.example.org[192.0.2.10] refused to talk to "
	    "me: 450 4.3.2 try again later",
	    NOTHING },
	{ P "D0F29603B4: SASL authentication failed; server relay.example."
	    "org[192.0.2.10] said: 535 5.7.8 Error: authentication failed",
	    NOTHING },
	{ PD "warning: unknown[192.0.2.50]: SASL LOGIN authentication "
	    "failed: UGFzc3dvcmQ6",
	    TROUBLE },
	{ "Nov 28 10:00:00 mx1 postfix/postscreen[9]: PREGREET 428 after "
	    "0.08 from [192.0.2.50]:59415: EHLO x\\r\\n",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/postscreen[9]: HANGUP after 16 from "
	    "[192.0.2.50]:48119 in tests after SMTP handshake",
	    NOTHING },
	{ PD "proxy-accept: END-OF-MESSAGE: 250 2.0.0 from MTA(smtp:"
	    "[127.0.0.1]:10013): 250 2.0.0 Ok: queued as DF66; from=<a@"
	    "example.net> to=<x@example.org> proto=ESMTP helo=<h>",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/smtp[9]: connect to mx.example.org"
	    "[192.0.2.10]:25: Connection timed out",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/master[9]: daemon started -- version "
	    "3.7.11, configuration /etc/postfix",
	    NOTHING },
	{ PD "connect from unknown[192.0.2.50]", NOTHING },
	{ PD "disconnect from unknown[192.0.2.50] ehlo=1 auth=0/1 quit=1 "
	    "commands=2/3",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 postfix/bounce[9]: 8E9F0A1B2C: sender non-"
	    "delivery notification: 9F0A1B2C3D",
	    NOTIFY, NULL, NULL, "8E9F0A1B2C", 0, NULL, NULL, NULL, NULL,
	    NONE },
	{ "Nov 28 10:00:00 mx1 postfix/bounce[9]: warning: malformed "
	    "domain name in resent-from header: notification: 9F0A1B2C3D",
	    TROUBLE },
	{ "Nov 28 10:00:00 mx1 postfix/bounce[9]: 8E9F0A1B2C: sender non-"
	    "delivery notification: 9F0A1B2C3D extra",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 dovecot: lmtp(bob@example.org): sieve: not "
	    "sending reject message to <>",
	    NOTHING },
	{ "Nov 28 10:00:00 mx1 amavis[9]: (12345-01) Passed CLEAN, status="
	    "sent (250 2.0.0 Ok)",
	    OTHERS },
	{ "Nov 28 10:00:00 mx1 opendkim[9]: 4F1A2B3C4D: reject: not a "
	    "postfix line",
	    NOTHING },
	{ "", NOTHING },
	{ "status=", NOTHING },
	{ "reject:", NOTHING },
};

/* What a parser told for one line: its events and notes, the last kept. */
struct seen {
	int n, notes;
	struct bs_event ev;
	char msgid[64];
};

static void
record(void *ctx, const struct bs_event *ev)
{
	struct seen *s = ctx;

	if (ev->note == BS_NOTE_EVENT)
		s->n++;
	else
		s->notes++;
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

/* How a line reaches the parser: the three ways of test_row. */
enum { BARE, EVENT_NEEDLES, JOINED_NEEDLES, WAYS };

/*
 * Where the splitter tells the parser the line's first needle is, with
 * the format's needles or its joined needles: 1 + its offset, or 0.
 */
static size_t
first_needle(const char *s, size_t n, bool joined)
{
	struct bs_needles nd;
	size_t at;

	bs_needles_init(&nd, joined ? bs_format_postfix.joined_needles :
	    bs_format_postfix.needles);
	at = bs_scan_needles(&nd, s, n);
	return at < n ? at + 1 : 0;
}

/* Whether t is want (NULL: not stated), byte for byte. */
static bool
text_is(struct bs_text t, const char *want)
{
	if (want == NULL)
		return t.ptr == NULL && t.len == 0;
	return t.ptr != NULL && t.len == strlen(want) &&
	    memcmp(t.ptr, want, t.len) == 0;
}

static void
check_record(int k, const struct row *r, const struct seen *s)
{
	ck_assert_msg(strcmp(s->msgid, r->msgid) == 0, "row %d: msgid '%s'",
	    k, s->msgid);
	ck_assert_msg(text_is(s->ev.recipient, r->rcpt),
	    "row %d: recipient '%.*s'", k, (int)s->ev.recipient.len,
	    s->ev.recipient.ptr != NULL ? s->ev.recipient.ptr : "(null)");
	ck_assert_msg(text_is(s->ev.remote, r->remote), "row %d: remote '%.*s'",
	    k, (int)s->ev.remote.len,
	    s->ev.remote.ptr != NULL ? s->ev.remote.ptr : "(null)");
	ck_assert_msg(text_is(s->ev.remote_ip, r->remote_ip),
	    "row %d: remote_ip '%.*s'", k, (int)s->ev.remote_ip.len,
	    s->ev.remote_ip.ptr != NULL ? s->ev.remote_ip.ptr : "(null)");
	ck_assert_msg(text_is(s->ev.sender, r->sender), "row %d: sender '%.*s'",
	    k, (int)s->ev.sender.len,
	    s->ev.sender.ptr != NULL ? s->ev.sender.ptr : "(null)");
	/* Exact: the reading must round as the compiler does 1.2. */
	ck_assert_msg(r->delay < 0 ? s->ev.delay < 0 : s->ev.delay == r->delay,
	    "row %d: delay %g", k, s->ev.delay);
}

/* bounce's three notifications: the kind says which, and the new id. */
START_TEST(test_notify)
{
	static const struct {
		const char *line;
		enum bs_kind kind;
	} t[] = {
		{ "Nov 28 00:00:03 mx1 postfix/bounce[2111]: 4B1C2D3E4F: sender "
		  "non-delivery notification: 5C2D3E4F5A", BS_BOUNCED },
		{ "Nov 28 08:50:00 mx1 postfix/bounce[3181]: 4B1C2D3E4F: sender "
		  "delay notification: 5C2D3E4F5A", BS_DEFERRED },
		{ "2026-11-28T08:55:00.1+01:00 mx1 postfix/bounce[3183]: "
		  "4B1C2D3E4F: sender delivery status notification: 5C2D3E4F5A",
		  BS_DELIVERED },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct bs_line line = { .ptr = t[i].line,
			.len = strlen(t[i].line), .lineno = 1 };
		struct seen s = { 0 };

		ck_assert_int_eq(bs_format_postfix.parse(state, &line, record,
		    &s), BS_OK);
		ck_assert_int_eq(s.notes, 1);
		ck_assert_int_eq(s.ev.note, BS_NOTE_NOTIFY);
		ck_assert_int_eq(s.ev.kind, t[i].kind);
		ck_assert_str_eq(s.msgid, "4B1C2D3E4F");
		ck_assert(text_is(s.ev.notify_id, "5C2D3E4F5A"));
	}
}
END_TEST

/*
 * Row _i % NROWS, six rounds: the line handed over bare (the parser
 * looks for the needles itself), with the splitter's first needle, and
 * with the first of the joined needles (as when the run joins); each
 * with the shipped patterns (the C copies) and with PCRE2 alone.  The
 * same event every time.  A note comes bare and with the joined needles;
 * the splitter of a run that does not join skips its line.
 */
START_TEST(test_row)
{
	int k = _i % (int)NROWS, way = _i / (int)NROWS % WAYS;
	bool pcre = _i / (int)NROWS / WAYS != 0;
	const struct row *r = &rows[k];
	size_t len = strlen(r->line);
	struct bs_line line = { .ptr = r->line, .len = len, .lineno = 1,
	    .needle = way == BARE ? 0 : first_needle(r->line, len,
	    way == JOINED_NEEDLES) };
	bool note = r->kind == ARRIVAL || r->kind == GONE ||
	    r->kind == NOTIFY || r->kind == HEALTH || r->kind == FOREIGN;
	struct seen s = { 0 };

	if (way != BARE && line.needle == 0) {
		/* The splitter skips the line: it must state nothing. */
		ck_assert_msg(r->kind == N || (note && way == EVENT_NEEDLES),
		    "row %d: no needle", k);
		return;
	}
	ck_assert_int_eq(bs_format_postfix.parse(pcre ? pcre_state : state,
	    &line, record, &s), BS_OK);
	if (r->kind == N) {
		ck_assert_msg(s.n == 0 && s.notes == 0,
		    "row %d: %d events, %d notes", k, s.n, s.notes);
		return;
	}
	if (note) {
		ck_assert_msg(s.n == 0 && s.notes == 1,
		    "row %d: %d events, %d notes", k, s.n, s.notes);
		ck_assert_int_eq(s.ev.note, r->kind == ARRIVAL ?
		    BS_NOTE_ARRIVAL : r->kind == GONE ? BS_NOTE_GONE :
		    r->kind == HEALTH ? BS_NOTE_HEALTH :
		    r->kind == FOREIGN ? BS_NOTE_FOREIGN : BS_NOTE_NOTIFY);
		check_record(k, r, &s);
		return;
	}
	ck_assert_msg(s.n == 1 && s.notes == 0, "row %d: %d events, %d notes",
	    k, s.n, s.notes);
	ck_assert_int_eq(s.ev.note, BS_NOTE_EVENT);
	ck_assert_msg((int)s.ev.kind == r->kind, "row %d: kind %d", k,
	    s.ev.kind);
	ck_assert_msg(strcmp(s.ev.codes.basic, r->basic) == 0,
	    "row %d: basic '%s'", k, s.ev.codes.basic);
	ck_assert_msg(strcmp(s.ev.codes.enhanced, r->enhanced) == 0,
	    "row %d: enhanced '%s'", k, s.ev.codes.enhanced);
	ck_assert_msg(s.ev.connfail == r->conn, "row %d: connfail %u", k,
	    s.ev.connfail);
	check_record(k, r, &s);
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
		/* Behind a priority; with a year or a zone. */
		{ "<22>Nov 28 10:00:00 mx1 postfix/smtp[1]: 4F1A2B3C4D: to=<a@"
		    "example.org>, relay=none, delay=1, delays=1/0/0/0, "
		    "dsn=5.0.0, status=bounced (x)", "Nov 28 10:00:00" },
		{ "<22>1 2026-11-28T10:00:00.123Z mx1 postfix/smtp 1 - - "
		    "4F1A2B3C4D: to=<a@example.org>, relay=none, delay=1, "
		    "delays=1/0/0/0, dsn=5.0.0, status=bounced (x)",
		    "2026-11-28T10:00:00.123Z" },
		{ "Nov 28 2026 10:00:00 CET mx1 postfix/smtp[1]: 4F1A2B3C4D: "
		    "to=<a@example.org>, relay=none, delay=1, delays=1/0/0/0, "
		    "dsn=5.0.0, status=bounced (x)",
		    "Nov 28 2026 10:00:00 CET" },
		{ "2026 Nov 28 10:00:00.5 -05:00 mx1 postfix/smtp[1]: "
		    "4F1A2B3C4D: to=<a@example.org>, relay=none, delay=1, "
		    "delays=1/0/0/0, dsn=5.0.0, status=bounced (x)",
		    "2026 Nov 28 10:00:00.5 -05:00" },
		{ "Sat 2026-11-28 10:00:00 CET mx1 postfix/smtp[1]: 4F1A2B3C4D: "
		    "to=<a@example.org>, relay=none, delay=1, delays=1/0/0/0, "
		    "dsn=5.0.0, status=bounced (x)",
		    "Sat 2026-11-28 10:00:00 CET" },
		{ "Nov 28 10:00:01 loghost Nov 28 10:00:00 mx1 postfix/smtp[1]: "
		    "4F1A2B3C4D: to=<a@example.org>, relay=none, delay=1, "
		    "delays=1/0/0/0, dsn=5.0.0, status=bounced (x)",
		    "Nov 28 10:00:01" },
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
	/* RFC 5424 names the program without [pid]: its pid field tells. */
	ck_assert_int_eq(bs_format_postfix.probe("<22>1 2026-11-28T10:00:00Z "
	    "mx1 postfix/smtpd 77 - - connect from x[192.0.2.1]",
	    strlen("<22>1 2026-11-28T10:00:00Z mx1 postfix/smtpd 77 - - "
	    "connect from x[192.0.2.1]")), 2);
	ck_assert_int_eq(bs_format_postfix.probe("<22>1 2026-11-28T10:00:00Z "
	    "mx1 postfix/qmgr - - - 4F1A: removed", strlen("<22>1 "
	    "2026-11-28T10:00:00Z mx1 postfix/qmgr - - - 4F1A: removed")), 2);
	ck_assert_int_eq(bs_format_postfix.probe("Nov 28 10:00:00 mx1 "
	    "postfix here", strlen("Nov 28 10:00:00 mx1 postfix here")), 0);
}
END_TEST

Suite *
postfix_suite(void)
{
	Suite *s = suite_create("postfix");
	TCase *tc = tcase_create("shapes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_row, 0, 2 * WAYS * (int)NROWS);
	tcase_add_test(tc, test_notify);
	tcase_add_test(tc, test_stamp);
	tcase_add_test(tc, test_probe);
	suite_add_tcase(s, tc);
	return s;
}
