/*
 * check_exim.c - the Exim mainlog parser (src/fmt_exim.c) driven through
 * bs_format_exim with the built-in patterns: every event shape and
 * non-event shape of DESIGN.md, the line prefixes (plain, +millisec, +pid,
 * timezone, syslog and journal prefixes), message ids old and new, the
 * codes and where they must never come from, probe(), a missing pattern,
 * and every prefix of every row (no read past the end of a line).
 *
 * The lines are invented for these tests (example.* names, documentation
 * addresses); none is copied from a real log.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "format.h"
#include "patterns.h"
#include "suites.h"

#define MAX_EVENTS 4
#define EV_TEXT 256

/* What the emit callback saw, each event rendered as one string. */
struct recorder {
	size_t n;
	char ev[MAX_EVENTS][EV_TEXT];
	char stamp[MAX_EVENTS][64];
	char reply[MAX_EVENTS][EV_TEXT];
};

static const char *const kind_names[BS_KIND_COUNT] = {
	"delivered", "deferred", "bounced", "expired", "rejected"
};

/*
 * "kind basic enhanced msgid", "-" for what is absent, then " refused" or
 * " connfail" when the event carries connection-failure bits.
 */
static void
record(void *ctx, const struct bs_event *ev)
{
	struct recorder *r = ctx;
	size_t i = r->n++;

	if (i >= MAX_EVENTS)
		return;
	snprintf(r->ev[i], EV_TEXT, "%s %s %s %.*s%s", kind_names[ev->kind],
	    ev->codes.basic[0] ? ev->codes.basic : "-",
	    ev->codes.enhanced[0] ? ev->codes.enhanced : "-",
	    ev->msgid ? (int)ev->msgid_len : 1, ev->msgid ? ev->msgid : "-",
	    ev->connfail & BS_CONN_REFUSED ? " refused" :
	    ev->connfail & BS_CONN_FAILED ? " connfail" : "");
	snprintf(r->stamp[i], sizeof(r->stamp[i]), "%.*s", ev->stamp ?
	    (int)ev->stamp_len : 0, ev->stamp ? ev->stamp : "");
	snprintf(r->reply[i], EV_TEXT, "%.*s", ev->reply ?
	    (int)ev->reply_len : 0, ev->reply ? ev->reply : "");
}

/* Counts every call, looks at nothing: for the prefix sweep. */
static void
count_only(void *ctx, const struct bs_event *ev)
{
	(void)ev;
	(*(size_t *)ctx)++;
}

/*
 * One line and what it must give: want is the recorder's rendering of its
 * single event, or NULL for a line that is no event.  stamp, when not
 * NULL, is the timestamp the event must carry.
 */
struct exim_case {
	const char *name;
	const char *line;
	const char *want;
	const char *stamp;
};

#define TS	"2026-11-28 10:00:00 "
#define ID	"1qwe23-000abc-AB"
#define NEWID	"1qwe28-000000000ab-0000"
#define MX	"H=mx.example.net [192.0.2.20]"
#define CLIENT	"H=(helo.example.com) [198.51.100.7] F=<a@example.com>"

static const struct exim_case cases[] = {
	/* Deliveries: => -> >>, the code only from C="...". */
	{ "delivered with C=", TS ID " => alice@example.net R=dnslookup "
	    "T=remote_smtp " MX " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes "
	    "C=\"250 2.0.0 OK 1764324000 a1b2 - gsmtp\"",
	    "delivered 250 2.0.0 " ID, "2026-11-28 10:00:00" },
	{ "further address ->", TS ID " -> bob@example.net R=dnslookup "
	    "T=remote_smtp " MX " C=\"250 2.1.5 Ok\"",
	    "delivered 250 2.1.5 " ID, NULL },
	{ "local delivery has no code", TS ID " => carol <carol@example.org> "
	    "R=localuser T=local_delivery", "delivered - - " ID, NULL },
	{ ":blackhole: is a delivery", TS ID " => :blackhole: "
	    "<spam@example.org> R=blackhole_router",
	    "delivered - - " ID, NULL },
	{ "cutthrough >>", TS ID " >> dave@example.net R=dnslookup "
	    "T=remote_smtp " MX " C=\"250 OK id=1qwe27-000abg-IJ\"",
	    "delivered 250 - " ID, NULL },
	{ "new-style message id", TS NEWID " => erin@example.net R=smart "
	    "T=remote_smtp " MX " C=\"250 2.0.0 Ok: queued as 4XyZ\"",
	    "delivered 250 2.0.0 " NEWID, NULL },
	{ "old 6-6-2 message id", TS "10HmaX-0005vi-00 => "
	    "frank@example.net R=r T=t " MX " C=\"250 OK\"",
	    "delivered 250 - 10HmaX-0005vi-00", NULL },
	{ "multi-line confirmation: first code", TS ID " => g@example.net "
	    "R=r T=t " MX " C=\"250-Hello there\\n250 2.0.0 accepted\"",
	    "delivered 250 - " ID, NULL },
	{ "glued enhanced code", TS ID " => g@example.net R=r T=t " MX
	    " C=\"250 2.1.5Recipient OK\"", "delivered 250 2.1.5 " ID, NULL },
	{ "size and IP are not codes", TS ID " => h@example.net R=r T=t "
	    "H=mx.example.net [4.47.28.40]:587 S=5501 QT=2s DT=1s",
	    "delivered - - " ID, NULL },

	/* Prefixes: +millisec, +pid, timezone, syslog, journal. */
	{ "+millisec", "2026-11-28 10:00:00.123 " ID " => i@example.net "
	    "R=r T=t " MX " C=\"250 OK\"", "delivered 250 - " ID,
	    "2026-11-28 10:00:00.123" },
	{ "+millisec +pid", "2026-11-28 10:00:00.123 [4242] " ID
	    " => i@example.net R=r T=t " MX " C=\"250 OK\"",
	    "delivered 250 - " ID, "2026-11-28 10:00:00.123" },
	{ "timezone", "2026-11-28 10:00:00 +0100 " ID " ** j@example.net "
	    "R=r T=t " MX ": SMTP error from remote mail server after "
	    "RCPT TO:<j@example.net>: 550 5.1.1 unknown",
	    "bounced 550 5.1.1 " ID, "2026-11-28 10:00:00 +0100" },
	{ "millisec, timezone and pid", "2026-11-28 10:00:00.456 -0500 [77] "
	    ID " == k@example.net R=r T=t defer (-44) " MX ": SMTP error "
	    "from remote mail server after RCPT TO:<k@example.net>: "
	    "452 4.2.2 Mailbox full", "deferred 452 4.2.2 " ID,
	    "2026-11-28 10:00:00.456 -0500" },
	{ "syslog prefix with Exim stamp", "Nov 28 10:00:00 mail exim[3751]: "
	    TS ID " => l@example.net R=r T=t " MX " C=\"250 2.0.0 OK\"",
	    "delivered 250 2.0.0 " ID, "2026-11-28 10:00:00" },
	{ "syslog prefix, single-digit day, no Exim stamp",
	    "Nov  8 10:00:00 mail exim4[3751]: " ID " ** m@example.net: "
	    "Unrouteable address", "bounced - - " ID, "Nov  8 10:00:00" },
	{ "syslog prefix with stamp and pid", "Nov 28 10:00:00 mail "
	    "exim[3751]: " TS "[3751] " ID " -> n@example.net R=r T=t " MX
	    " C=\"250 OK\"", "delivered 250 - " ID, "2026-11-28 10:00:00" },
	{ "ISO syslog prefix", TS "mx1.example.org exim[29786]: " ID
	    " == o@example.net R=r T=t defer (111): Connection refused",
	    "deferred - - " ID " refused", "2026-11-28 10:00:00" },
	{ "RFC 3339 syslog prefix", "2026-11-28T10:00:00.123456+01:00 mx1 "
	    "exim[1]: " TS ID " => p@example.net R=r T=t " MX
	    " C=\"250 OK\"", "delivered 250 - " ID, "2026-11-28 10:00:00" },
	{ "first piece of a line split for syslog", "Nov 28 10:00:00 mail "
	    "exim[3751]: [1/2] " TS ID " ** r@example.net R=r T=t " MX ": "
	    "SMTP error from remote mail server after RCPT "
	    "TO:<r@example.net>: 550-5.7.1 Refused by policy, see",
	    "bounced 550 5.7.1 " ID, "2026-11-28 10:00:00" },
	{ "first piece split at a newline", "Nov 28 10:00:00 mail "
	    "exim[3751]: [1\\3] " TS ID " == r@example.net R=r T=t defer "
	    "(-44) " MX ": SMTP error from remote mail server after RCPT "
	    "TO:<r@example.net>: 451 4.7.1 later", "deferred 451 4.7.1 " ID,
	    NULL },
	{ "later pieces are fragments", "Nov 28 10:00:00 mail exim[3751]: "
	    "[2/2]  details.\\n550 5.7.1 rejected RCPT by policy", NULL,
	    NULL },
	{ "message part only, no timestamp", ID " ** b@example.net R=r T=t "
	    MX ": SMTP error from remote mail server after RCPT "
	    "TO:<b@example.net>: 550 5.1.1 unknown", "bounced 550 5.1.1 " ID,
	    "" },
	{ "undated refusal is not read", CLIENT " rejected RCPT "
	    "<b@example.org>: relay not permitted", NULL, NULL },
	{ "journal prefix without a date", "mx1.example.org exim[3751842]: "
	    TS CLIENT " rejected RCPT <q@example.org>: relay not permitted",
	    "rejected - - -", "2026-11-28 10:00:00" },

	/* Deferrals: ==. */
	{ "greylisted RCPT", TS ID " == r@example.net R=dnslookup "
	    "T=remote_smtp defer (-44) " MX ": SMTP error from remote mail "
	    "server after RCPT TO:<r@example.net>: 451 4.7.1 Greylisted, "
	    "try again later", "deferred 451 4.7.1 " ID, NULL },
	{ "retry time not reached", TS ID " == r@example.net routing defer "
	    "(-51): retry time not reached", "deferred - - " ID, NULL },
	{ "connection refused", TS ID " == s@example.net R=dnslookup "
	    "T=remote_smtp defer (111): Connection refused",
	    "deferred - - " ID " refused", NULL },
	{ "connection timed out", TS ID " == s@example.net R=dnslookup "
	    "T=remote_smtp defer (110): Connection timed out",
	    "deferred - - " ID " connfail", NULL },
	{ "time-out in an open session is no connection failure", TS ID
	    " == s@example.net R=r T=t defer (dd): Connection timed out " MX
	    ": SMTP timeout after RCPT TO:<s@example.net>",
	    "deferred - - " ID, NULL },
	{ "no greeting is no connection failure", TS ID " == s@example.net "
	    "R=r T=t defer (dd): Connection timed out: SMTP timeout after "
	    "initial connection", "deferred - - " ID, NULL },
	{ "LMTP error after DATA", TS ID " == t@example.org R=lmtp T=lmtp "
	    "defer (0) H=127.0.0.1 [127.0.0.1]: LMTP error after DATA: "
	    "452 4.2.2 Mailbox full", "deferred 452 4.2.2 " ID, NULL },
	{ "older text: host before the reply", TS ID " == u@example.net "
	    "R=r T=t defer (-44): SMTP error from remote mail server after "
	    "RCPT TO:<u@example.net>: host mx.example.net [192.0.2.21]: "
	    "450 4.2.0 try later", "deferred 450 4.2.0 " ID, NULL },
	{ "older text: remote mailer, SIZE=", TS ID " == v@example.net "
	    "R=r T=t defer (-45): SMTP error from remote mailer after "
	    "MAIL FROM:<a@example.org> SIZE=2048: host mx.example.net "
	    "[192.0.2.22]: 421 4.3.2 System not accepting network messages",
	    "deferred 421 4.3.2 " ID, NULL },
	{ "defer (-44) is no code", TS ID " == w@example.net R=r T=t "
	    "defer (-44) " MX ": Remote host closed connection in response "
	    "to RCPT TO:<w@example.net>", "deferred - - " ID, NULL },
	{ "malformed reply is no code", TS ID " == x@example.net R=r T=t "
	    "defer (-19) " MX ": Malformed SMTP reply in response to "
	    "RCPT TO:<x@example.net>: 550 this line is far too long to be "
	    "a reply", "deferred - - " ID, NULL },
	{ "EHLO response on a lost connection is no code", TS ID
	    " == y@example.net R=r T=t defer (-18) " MX ": Remote host "
	    "closed connection in response to HELO example.org (EHLO "
	    "response was: 554 5.7.1 go away)", "deferred - - " ID, NULL },
	{ "flattened multi-line reply", TS ID " == z@example.net R=r T=t "
	    "defer (-46) " MX ": SMTP error from remote mail server after "
	    "end of data: 451-4.3.0 Temporary failure\\n451-4.3.0 please "
	    "retry\\n451 4.3.0 later", "deferred 451 4.3.0 " ID, NULL },
	{ "pipelined end of data", TS ID " == z@example.net R=r T=t "
	    "defer (-46) " MX ": SMTP error from remote mail server after "
	    "pipelined end of data: 452 4.3.1 Insufficient system storage",
	    "deferred 452 4.3.1 " ID, NULL },
	{ "after initial connection", TS ID " == z@example.net R=r T=t "
	    "defer (0) " MX ": SMTP error from remote mail server after "
	    "initial connection: 421 4.7.0 Too many connections",
	    "deferred 421 4.7.0 " ID, NULL },
	{ "reply without an enhanced code", TS ID " == z@example.net "
	    "R=r T=t defer (-44) " MX ": SMTP error from remote mail "
	    "server after RCPT TO:<z@example.net>: 450 LATER",
	    "deferred 450 - " ID, NULL },

	/* Bounces and expiries: **. */
	{ "bounced RCPT 550 5.1.1", TS ID " ** mallory@example.net "
	    "R=dnslookup T=remote_smtp " MX ": SMTP error from remote mail "
	    "server after RCPT TO:<mallory@example.net>: 550 5.1.1 "
	    "<mallory@example.net>: Recipient address rejected: User "
	    "unknown", "bounced 550 5.1.1 " ID, NULL },
	{ "unrouteable", TS ID " ** nobody@example.org: Unrouteable address",
	    "bounced - - " ID, NULL },
	{ "router :fail: text is no code", TS ID " ** olivia@example.org "
	    "R=system_aliases : 550 5.1.1 olivia has left the company",
	    "bounced - - " ID, NULL },
	{ "bounce with connection refused", TS ID " ** p@example.net R=r "
	    "T=t : Connection refused", "bounced - - " ID " refused", NULL },
	{ "bounce after a time-out in session", TS ID " ** t@example.net "
	    "R=r T=t " MX " : Connection timed out : SMTP timeout after RCPT "
	    "TO:<t@example.net>", "bounced - - " ID, NULL },
	{ "PRDR error after DATA", TS ID " ** q@example.net R=r T=t " MX
	    " : PRDR error after DATA: 550 5.7.1 content refused",
	    "bounced 550 5.7.1 " ID, NULL },
	{ "LMTP multi-line bounce", TS ID " ** r@example.org R=lmtp T=lmtp "
	    ": LMTP error after end of data: 550-5.2.2 quota\\n550 5.2.2 "
	    "over quota", "bounced 550 5.2.2 " ID, NULL },
	{ "IP in the reply text is not a code", TS ID " ** s@example.net "
	    "R=r T=t H=4.47.28.40 [4.47.28.40]: SMTP error from remote mail "
	    "server after RCPT TO:<s@example.net>: 554 5.7.1 Client host "
	    "[4.47.28.40] blocked", "bounced 554 5.7.1 " ID, NULL },
	{ "reply after HELO", TS ID " ** t@example.net R=r T=t " MX
	    " : SMTP error from remote mail server after HELO "
	    "mail.example.org: 550 No", "bounced 550 - " ID, NULL },
	{ "retry timeout exceeded", TS ID " ** u@example.net: retry timeout "
	    "exceeded", "expired - - " ID, NULL },
	{ "hosts failing for a long time", TS ID " ** v@example.net R=r "
	    "T=t : all hosts for 'example.net' have been failing for a long "
	    "time (and retry time not reached)", "expired - - " ID, NULL },
	{ "long failure period", TS ID " ** w@example.net R=r T=t : retry "
	    "time not reached for any host after a long failure period",
	    "expired - - " ID, NULL },
	{ "expired keeps the last reply", TS ID " ** x@example.net R=r T=t "
	    MX ": SMTP error from remote mail server after RCPT "
	    "TO:<x@example.net>: 451 4.7.1 Greylisted: retry timeout "
	    "exceeded", "expired 451 4.7.1 " ID, NULL },

	/* Refusals: [temporarily ]rejected COMMAND. */
	{ "rejected RCPT, relay", TS CLIENT " rejected RCPT <b@example.org>: "
	    "relay not permitted", "rejected - - -", NULL },
	{ "rejected RCPT, bare address", TS "[10099] H=(x) [198.51.100.7]:3755 "
	    "I=[192.0.2.1]:25 F=a@example.com rejected RCPT b@example.org: "
	    "relay not permitted", "rejected - - -", NULL },
	{ "quoted local part with a colon", TS "H=(x) [198.51.100.7] "
	    "F=<\"odd: name\"@example.com> rejected RCPT <b@example.org>: "
	    "relay not permitted", "rejected - - -", NULL },
	{ "IPv6 client", TS "H=(x) [2001:db8::7]:4711 I=[2001:db8::1]:25 "
	    "F=<a@example.com> rejected RCPT <b@example.org>: relay not "
	    "permitted", "rejected - - -", NULL },
	{ "temporarily rejected RCPT with own reply", TS CLIENT
	    " temporarily rejected RCPT <c@example.org>: 452 4.5.3 Too many "
	    "recipients", "rejected 452 4.5.3 -", NULL },
	{ "rejected RCPT with own reply, bare address", TS CLIENT
	    " rejected RCPT c@example.org: 550 5.7.1 blocked",
	    "rejected 550 5.7.1 -", NULL },
	{ "callout reply quoted in the refusal", TS CLIENT " rejected RCPT "
	    "<d@example.org>: response to \"RCPT TO:<d@example.org>\" from "
	    "mx.example.org [192.0.2.40] was: 550 5.1.1 No such user",
	    "rejected 550 5.1.1 -", NULL },
	{ "callout SMTP error in the refusal", TS CLIENT " rejected RCPT "
	    "<e@example.org>: mx.example.org [192.0.2.40] : SMTP error from "
	    "remote mail server after RCPT TO:<e@example.org>: 550 5.1.1 "
	    "User unknown", "rejected 550 5.1.1 -", NULL },
	{ "callout deferred", TS CLIENT " temporarily rejected RCPT "
	    "<f@example.org>: Could not complete recipient verify callout: "
	    "mx.example.org [192.0.2.40] : SMTP error from remote mail "
	    "server after RCPT TO:<f@example.org>: 451 4.3.0 try later",
	    "rejected 451 4.3.0 -", NULL },
	{ "callout connection refused sets no bits", TS CLIENT
	    " temporarily rejected RCPT <g@example.org>: Could not complete "
	    "recipient verify callout: mx.example.org [192.0.2.40] : "
	    "Connection refused", "rejected - - -", NULL },
	{ "temporarily rejected RCPT without reason", TS CLIENT
	    " temporarily rejected RCPT <h@example.org>",
	    "rejected - - -", NULL },
	{ "IP opening the reason is no code", TS CLIENT " rejected RCPT "
	    "<i@example.org>: 4.47.28.40 is listed at bl.example.net",
	    "rejected - - -", NULL },
	{ "rejected MAIL", TS "H=(x) [198.51.100.8] rejected MAIL "
	    "<spam@example.com>: Access denied", "rejected - - -", NULL },
	{ "temporarily rejected MAIL", TS "U=someone temporarily rejected "
	    "MAIL <j@example.com>: Could not complete sender verify callout",
	    "rejected - - -", NULL },
	{ "rejected after DATA has the message id", TS "[2516] " ID " "
	    "H=mail.example.com [198.51.100.9]:32706 I=[192.0.2.1]:25 "
	    "F=a@example.com rejected after DATA: This message contains a "
	    "virus (Eicar-Test-Signature)", "rejected - - " ID,
	    "2026-11-28 10:00:00" },
	{ "temporarily rejected after DATA", TS ID " " CLIENT
	    " temporarily rejected after DATA", "rejected - - " ID, NULL },
	{ "after DATA with an enhanced code only", TS ID " " CLIENT
	    " rejected after DATA: 5.7.1 Message content rejected",
	    "rejected - 5.7.1 " ID, NULL },
	{ "rejected EHLO from", TS "rejected EHLO from [198.51.100.10]: "
	    "syntactically invalid argument(s): _bad_", "rejected - - -",
	    NULL },
	{ "rejected EHLO or HELO by the ACL", TS "H=(bad.example) "
	    "[198.51.100.11] rejected EHLO or HELO bad.example: HELO name "
	    "is mine", "rejected - - -", NULL },
	{ "rejected connection", TS "H=[198.51.100.12] rejected connection "
	    "in \"connect\" ACL: listed at zen.example.net",
	    "rejected - - -", NULL },
	{ "temporarily rejected connection", TS "H=[198.51.100.13] "
	    "temporarily rejected connection in \"connect\" ACL: too many "
	    "connections", "rejected - - -", NULL },
	{ "rejected DKIM", TS ID " " CLIENT " rejected DKIM: signature "
	    "does not verify", "rejected - - " ID, NULL },
	{ "rejected by local_scan()", TS ID " F=<a@example.com> "
	    "H=mail.example.com [198.51.100.15] P=esmtp rejected by "
	    "local_scan(): hits=7.5 required=5.0", "rejected - - " ID, NULL },
	{ "temporarily rejected by local_scan()", TS ID " F=<a@example.com> "
	    "H=localhost [127.0.0.1] P=esmtp temporarily rejected by "
	    "local_scan(): Temporary local problem", "rejected - - " ID, NULL },
	{ "synchronization error: connection", TS "[13314] SMTP protocol "
	    "synchronization error (input sent without waiting for "
	    "greeting): rejected connection from H=[198.51.100.16]:4711 "
	    "I=[192.0.2.1]:25 input=\"EHLO x\"", "rejected - - -", NULL },
	{ "synchronization error: quoted command", TS "SMTP protocol "
	    "synchronization error (next input sent too soon: pipelining "
	    "was not advertised): rejected \"RSET\" H=x.example.net "
	    "[198.51.100.17]:58302 I=[192.0.2.1]:25 next input=\"QUIT\\r\\n\"",
	    "rejected - - -", NULL },
	{ "rejected VRFY", TS "H=(x) [198.51.100.18] rejected VRFY "
	    "postmaster: administrative prohibition", "rejected - - -", NULL },
	{ "reason with a quoted rejected inside", TS CLIENT " rejected RCPT "
	    "<k@example.org>: rejected because 198.51.100.7 is in a black "
	    "list", "rejected - - -", NULL },

	/* Not events. */
	{ "arrival <=", TS ID " <= a@example.com H=mail.example.com "
	    "[198.51.100.9] P=esmtps S=1234 T=\"Your order was rejected "
	    "RCPT\"", NULL, NULL },
	{ "suppressed *>", TS ID " *> b@example.net R=r T=t", NULL, NULL },
	{ "Completed", TS ID " Completed", NULL, NULL },
	{ "authenticator failed 535", TS "dovecot_login authenticator failed "
	    "for (User) [198.51.100.19]: 535 Incorrect authentication data",
	    NULL, NULL },
	{ "stand-alone SMTP error", TS ID " " MX ": SMTP error from remote "
	    "mail server after RCPT TO:<c@example.net>: 451 4.7.1 "
	    "Greylisted", NULL, NULL },
	{ "sender verify fail", TS "H=(x) [198.51.100.20] sender verify "
	    "fail for <d@example.com>: Unrouteable address", NULL, NULL },
	{ "sender verify fail quoting rejected RCPT", TS "H=(x) "
	    "[198.51.100.20] sender verify fail for <d@example.com>: "
	    "response to \"RCPT TO:<d@example.com>\" was: 550 rejected RCPT",
	    NULL, NULL },
	{ "Warning", TS ID " Warning: ACL \"warn\" statement skipped: "
	    "rejected MAIL lookup deferred", NULL, NULL },
	{ "tmp-reject from cutthrough", TS ID " " MX " tmp-reject from "
	    "cutthrough after DATA: 451 4.3.0 try later", NULL, NULL },
	{ "SMTP connection from", TS "SMTP connection from [198.51.100.21]:"
	    "4711 I=[192.0.2.1]:25 (TCP/IP connection count = 1)",
	    NULL, NULL },
	{ "closed by DROP", TS "[25874] " ID " SMTP connection from "
	    "(x) [198.51.100.22]:44884 I=[192.0.2.1]:25 closed by DROP in "
	    "ACL", NULL, NULL },
	{ "dropped by connect ACL", TS "H=[198.51.100.23]:62839 dropped by "
	    "'connect' ACL: Country is banned", NULL, NULL },
	{ "refused by a non-SMTP ACL", TS "F=<e@example.com> rejected by "
	    "non-SMTP ACL: local senders only", NULL, NULL },
	{ "flag without a message id", TS "** f@example.net: Unrouteable "
	    "address", NULL, NULL },
	{ "commented-out log line", "# " TS ID " ** g@example.net: "
	    "Unrouteable address", NULL, NULL },
	{ "Postfix line", "Nov 28 10:00:00 mail postfix/smtp[123]: 4XyZ: "
	    "to=<h@example.net>, status=bounced (host said: 550 5.1.1 "
	    "rejected RCPT)", NULL, NULL },
	{ "empty line", "", NULL, NULL },
	{ "timestamp only", "2026-11-28 10:00:00", NULL, NULL },
	{ "binary junk", "\x01\xff rejected\x00", NULL, NULL }
};

static struct bs_patterns *pats;

static void
setup(void)
{
	struct bs_diag d;

	ck_assert_int_eq(bs_patterns_load(NULL, &pats, &d), BS_OK);
}

static void
teardown(void)
{
	bs_patterns_free(pats);
	pats = NULL;
}

static void
parse_line(const char *s, size_t n, struct recorder *r)
{
	struct bs_diag d;
	struct bs_line line = { .ptr = s, .len = n, .lineno = 1 };
	void *st;

	ck_assert_int_eq(bs_format_exim.open(pats, &st, &d), BS_OK);
	ck_assert_int_eq(bs_format_exim.parse(st, &line, record, r), BS_OK);
	bs_format_exim.close(st);
}

START_TEST(test_table)
{
	const struct exim_case *c = &cases[_i];
	struct recorder r;

	memset(&r, 0, sizeof(r));
	parse_line(c->line, strlen(c->line), &r);
	if (c->want == NULL) {
		ck_assert_msg(r.n == 0, "%s: expected no event, got \"%s\"",
		    c->name, r.ev[0]);
		return;
	}
	ck_assert_msg(r.n == 1, "%s: expected 1 event, got %zu", c->name,
	    r.n);
	ck_assert_msg(strcmp(r.ev[0], c->want) == 0,
	    "%s: got \"%s\", expected \"%s\"", c->name, r.ev[0], c->want);
	if (c->stamp != NULL)
		ck_assert_msg(strcmp(r.stamp[0], c->stamp) == 0,
		    "%s: stamp \"%s\", expected \"%s\"", c->name, r.stamp[0],
		    c->stamp);
}
END_TEST

/* The reply text handed on for --detail starts where the reply starts. */
START_TEST(test_reply_text)
{
	struct recorder r;

	memset(&r, 0, sizeof(r));
	parse_line(cases[0].line, strlen(cases[0].line), &r);
	ck_assert_str_eq(r.reply[0], "250 2.0.0 OK 1764324000 a1b2 - gsmtp");
	memset(&r, 0, sizeof(r));
	parse_line(TS ID " ** u@example.net: retry timeout exceeded",
	    strlen(TS ID " ** u@example.net: retry timeout exceeded"), &r);
	ck_assert_str_eq(r.reply[0], "retry timeout exceeded");
	memset(&r, 0, sizeof(r));
	parse_line(TS CLIENT " rejected RCPT <b@example.org>: relay not "
	    "permitted", strlen(TS CLIENT " rejected RCPT <b@example.org>: "
	    "relay not permitted"), &r);
	ck_assert_str_eq(r.reply[0], "relay not permitted");
}
END_TEST

/*
 * Every prefix of every row, parsed from an exactly sized heap copy, so
 * that AddressSanitizer catches any read past the end of a line.  A cut
 * line may or may not be an event; it must never be more than one.
 */
START_TEST(test_every_prefix)
{
	const struct exim_case *c = &cases[_i];
	size_t len = strlen(c->line), k;
	struct bs_diag d;
	void *st;

	ck_assert_int_eq(bs_format_exim.open(pats, &st, &d), BS_OK);
	for (k = 0; k <= len; k++) {
		char *copy = malloc(k ? k : 1);
		struct bs_line line = { .ptr = copy, .len = k,
		    .lineno = 1, .cut = true };
		size_t n = 0;

		ck_assert_ptr_nonnull(copy);
		memcpy(copy, c->line, k);
		ck_assert_int_eq(bs_format_exim.parse(st, &line, count_only,
		    &n), BS_OK);
		ck_assert_uint_le(n, 1);
		(void)bs_format_exim.probe(copy, k);
		free(copy);
	}
	bs_format_exim.close(st);
}
END_TEST

struct probe_case {
	const char *line;
	int want;
};

static const struct probe_case probes[] = {
	{ TS ID " <= a@example.com H=x [198.51.100.1] P=esmtp S=100", 2 },
	{ TS ID " => b@example.net R=r T=t", 2 },
	{ TS ID " -> b@example.net R=r T=t", 2 },
	{ TS ID " >> b@example.net R=r T=t", 2 },
	{ TS ID " == b@example.net R=r T=t defer (-1): x", 2 },
	{ TS ID " ** b@example.net: Unrouteable address", 2 },
	{ TS ID " *> b@example.net R=r T=t", 2 },
	{ TS ID " Completed", 2 },
	{ "2026-11-28 10:00:00.123 [4242] " NEWID " Completed", 2 },
	{ "Nov 28 10:00:00 mail exim[1]: " TS ID " Completed", 2 },
	{ TS "H=(x) [198.51.100.1] F=<a@example.com> rejected RCPT <b@c>", 1 },
	{ TS ID " H=x [198.51.100.1]: SMTP error from remote mail server", 1 },
	{ TS "Start queue run: pid=123", 1 },
	{ "Nov 28 10:00:00 mail exim[1]: Start queue run: pid=1", 1 },
	{ "Nov 28 10:00:00 mail postfix/smtp[1]: 4XyZ: to=<a@b>, "
	    "status=sent (250 2.0.0 Ok)", 0 },
	{ "2026-11-28T10:00:00+01:00 mail postfix/smtpd[1]: connect", 0 },
	{ "#Fields: date-time,client-ip,client-hostname", 0 },
	{ "# " TS ID " Completed", 0 },
	{ ID " => b@example.net R=r T=t", 1 },
	{ "", 0 },
	{ "2026-11-28 10:00", 0 }
};

START_TEST(test_probe)
{
	const struct probe_case *c = &probes[_i];
	int got = bs_format_exim.probe(c->line, strlen(c->line));

	ck_assert_msg(got == c->want, "probe(\"%s\") = %d, expected %d",
	    c->line, got, c->want);
}
END_TEST

/* A replacement pattern set without every required name stops open(). */
START_TEST(test_missing_pattern)
{
	struct bs_patterns *p;
	struct bs_diag d;
	void *st = (void *)&d;
	static const char text[] = "reject = ^rejected (?<reason>)\n";

	ck_assert_int_eq(bs_patterns_load(NULL, &p, &d), BS_OK);
	ck_assert_int_eq(bs_patterns_add_text(p, "exim", "test.pat", text,
	    sizeof(text) - 1, &d), BS_OK);
	ck_assert_int_eq(bs_format_exim.open(p, &st, &d), BS_ERR_CONFIG);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(d.msg, "reason"));
	bs_patterns_free(p);
}
END_TEST

/* One state serves many lines: nothing of one line leaks into the next. */
START_TEST(test_state_reuse)
{
	struct recorder r;
	struct bs_diag d;
	void *st;
	size_t i;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(bs_format_exim.open(pats, &st, &d), BS_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bs_line line = { .ptr = cases[i].line,
		    .len = strlen(cases[i].line), .lineno = i + 1 };
		r.n = 0;
		ck_assert_int_eq(bs_format_exim.parse(st, &line, record, &r),
		    BS_OK);
		if (cases[i].want != NULL)
			ck_assert_msg(r.n == 1 &&
			    strcmp(r.ev[0], cases[i].want) == 0,
			    "%s: got \"%s\" on a reused state", cases[i].name,
			    r.n ? r.ev[0] : "(nothing)");
		else
			ck_assert_uint_eq(r.n, 0);
	}
	bs_format_exim.close(st);
}
END_TEST

Suite *
exim_suite(void)
{
	Suite *s = suite_create("exim");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_table, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_reply_text);
	tcase_add_loop_test(tc, test_every_prefix, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, test_probe, 0,
	    (int)(sizeof(probes) / sizeof(probes[0])));
	tcase_add_test(tc, test_missing_pattern);
	tcase_add_test(tc, test_state_reuse);
	suite_add_tcase(s, tc);
	return s;
}
