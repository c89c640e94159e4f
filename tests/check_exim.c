/*
 * check_exim.c - the Exim mainlog parser (src/fmt_exim.c) driven through
 * bs_format_exim with the built-in patterns: every event shape and
 * non-event shape of DESIGN.md, the line prefixes (plain, +millisec, +pid,
 * timezone, syslog and journal prefixes), message ids old and new, the
 * codes and where they must never come from, probe(), a missing pattern,
 * and every prefix of every row (no read past the end of a line); the
 * fields of the event record (recipient, remote, remote_ip, sender,
 * delay) for every shape, and the notes for the sender join (arrival,
 * gone) with the needles that let their lines through.
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
#include "reasons.h"
#include "suites.h"

#define MAX_EVENTS 4
#define EV_TEXT 256

/*
 * What the emit callback saw, each event rendered as one string.  Notes
 * (the arrival and Completed lines) are no events: they are only counted.
 */
struct recorder {
	size_t n;
	size_t notes;
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
	size_t i;

	if (ev->note != BS_NOTE_EVENT) {
		r->notes++;
		return;
	}
	i = r->n++;
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

/*
 * Counts every call, events and notes alike, and reads every span of the
 * record (AddressSanitizer sees one that points past the line): for the
 * prefix sweep.
 */
static void
count_only(void *ctx, const struct bs_event *ev)
{
	const struct bs_text *t[] = { &ev->recipient, &ev->remote,
	    &ev->remote_ip, &ev->sender };
	volatile char sink = 0;
	size_t i, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (k = 0; t[i]->ptr != NULL && k < t[i]->len; k++)
			sink ^= t[i]->ptr[k];
	(void)sink;
	/* A notification note comes beside an arrival: not a record. */
	if (ev->note != BS_NOTE_NOTIFY)
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
	/*
	 * Syslog dialects: Solaris's message tag, a <priority>, RFC 5424's
	 * header, a central server's stamp and host, a facility word, a
	 * year or a zone in the stamp.
	 */
	{ "Solaris message tag", "Nov 28 10:00:00 mail exim[3751]: [ID "
	    "197553 mail.info] " TS ID " => l@example.net R=r T=t " MX
	    " C=\"250 2.0.0 OK\"", "delivered 250 2.0.0 " ID,
	    "2026-11-28 10:00:00" },
	{ "Solaris message tag, no Exim stamp", "Nov 28 10:00:00 mail "
	    "exim[3751]: [ID 197553 mail.info] " ID " ** m@example.net: "
	    "Unrouteable address", "bounced - - " ID, "Nov 28 10:00:00" },
	{ "Solaris message tag, then a piece", "Nov 28 10:00:00 mail "
	    "exim[3751]: [ID 197553 mail.info] [1/2] " TS ID " ** "
	    "r@example.net R=r T=t " MX ": SMTP error from remote mail server "
	    "after RCPT TO:<r@example.net>: 550-5.7.1 Refused by policy, see",
	    "bounced 550 5.7.1 " ID, "2026-11-28 10:00:00" },
	{ "priority in front", "<22>Nov 28 10:00:00 mail exim[3751]: " ID
	    " == n@example.net R=r T=t defer (111): Connection refused",
	    "deferred - - " ID " refused", "Nov 28 10:00:00" },
	{ "priority, refusal", "<22>Nov 28 10:00:00 mail exim[3751]: "
	    CLIENT " rejected RCPT <q@example.org>: relay not permitted",
	    "rejected - - -", "Nov 28 10:00:00" },
	{ "RFC 5424 with Exim's stamp", "<22>1 2026-11-28T10:00:00.123Z mail "
	    "exim 3751 - - " TS ID " => p@example.net R=r T=t " MX
	    " C=\"250 OK\"", "delivered 250 - " ID, "2026-11-28 10:00:00" },
	{ "RFC 5424 without it", "<22>1 2026-11-28T10:00:00.123Z mail exim "
	    "3751 - - " ID " ** m@example.net: Unrouteable address",
	    "bounced - - " ID, "2026-11-28T10:00:00.123Z" },
	{ "RFC 5424 with structured data", "<22>1 2026-11-28T10:00:00Z mail "
	    "exim - - [origin ip=\"192.0.2.1\" x=\"a\\\"]\"] " ID " ** "
	    "m@example.net: Unrouteable address", "bounced - - " ID,
	    "2026-11-28T10:00:00Z" },
	{ "central server's stamp and host", "Nov 28 10:00:01 loghost Nov 28 "
	    "10:00:00 mail exim[3751]: " ID " ** m@example.net: Unrouteable "
	    "address", "bounced - - " ID, "Nov 28 10:00:01" },
	{ "facility word", "Nov 28 10:00:00 <mail.info> mail exim4[3751]: "
	    ID " ** m@example.net: Unrouteable address", "bounced - - " ID,
	    "Nov 28 10:00:00" },
	{ "year after the day", "Nov 28 2026 10:00:00 mail exim[3751]: " ID
	    " ** m@example.net: Unrouteable address", "bounced - - " ID,
	    "Nov 28 2026 10:00:00" },
	{ "year first", "2026 Nov 28 10:00:00 mail exim[3751]: " ID " ** "
	    "m@example.net: Unrouteable address", "bounced - - " ID,
	    "2026 Nov 28 10:00:00" },
	{ "zone name", "Nov 28 10:00:00 CET mail exim[3751]: " ID " ** "
	    "m@example.net: Unrouteable address", "bounced - - " ID,
	    "Nov 28 10:00:00 CET" },
	{ "zone offset", "Nov 28 10:00:00.25 +01:00 mail exim[3751]: " ID
	    " ** m@example.net: Unrouteable address", "bounced - - " ID,
	    "Nov 28 10:00:00.25 +01:00" },
	{ "weekday first (journalctl -o short-full)", "Sat 2026-11-28 "
	    "10:00:00 CET mail exim[3751]: " ID " ** m@example.net: "
	    "Unrouteable address", "bounced - - " ID,
	    "Sat 2026-11-28 10:00:00 CET" },
	{ "ISO stamp with a space and a zone", "2026-11-28 10:00:00 +0100 "
	    "mail exim[3751]: " ID " ** m@example.net: Unrouteable address",
	    "bounced - - " ID, "2026-11-28 10:00:00 +0100" },
	{ "tag after the program is not Solaris's", "Nov 28 10:00:00 mail "
	    "exim[3751]: [ID x mail.info] " ID " ** m@example.net: "
	    "Unrouteable address", NULL, NULL },
	{ "RFC 5424 without a message", "<22>1 2026-11-28T10:00:00Z mail "
	    "exim 1 - -", NULL, NULL },
	{ "not exim's program", "<22>1 2026-11-28T10:00:00Z mail postfix 1 - "
	    "- " ID " ** m@example.net: Unrouteable address", NULL, NULL },

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
	/*
	 * Locally submitted messages refused by the non-SMTP ACL, and
	 * local_scan() timing out or crashing: Exim's wordings (receive.c).
	 */
	{ "rejected by non-SMTP ACL", TS ID " F=<e@example.com> rejected by "
	    "non-SMTP ACL: local senders only", "rejected - - " ID, NULL },
	{ "local_scan() timed out", TS ID " local_scan() function timed out "
	    "- message temporarily rejected (size 2345)", "rejected - - " ID,
	    NULL },
	{ "local_scan() crashed", TS "[4242] " ID " local_scan() function "
	    "crashed with signal 11 - message temporarily rejected (size 2345)",
	    "rejected - - " ID, NULL },
	{ "local_scan() timed out, behind syslog", "Nov 28 10:00:00 mail "
	    "exim[4242]: " ID " local_scan() function timed out - message "
	    "temporarily rejected (size 2345)", "rejected - - " ID,
	    "Nov 28 10:00:00" },
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
	{ "the bounce of a non-SMTP ACL's refusal that could not be sent",
	    TS ID " Error while reading message with no usable sender "
	    "address: rejected by non-SMTP ACL: local senders only", NULL,
	    NULL },
	{ "the same for local_scan", TS ID " Error while reading message "
	    "with no usable sender address: rejected by local_scan: spam",
	    NULL, NULL },
	{ "invalid return from local_scan()", TS ID " invalid return 9 from "
	    "local_scan(). Temporary rejection given", NULL, NULL },
	{ "local_scan() cut short", TS ID " local_scan() function timed out",
	    NULL, NULL },
	{ "local_scan() something else", TS ID " local_scan() function "
	    "crashed with signal x - message temporarily rejected", NULL,
	    NULL },
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

/*
 * The event record of DESIGN.md "Round 2": every field of one line's
 * single record.  NULL is "not stated"; "" is stated and empty (the null
 * sender).  delay < 0 is "not stated".
 */
struct field_case {
	const char *name;
	const char *line;
	enum bs_note note;
	const char *kind;	/* events only */
	const char *msgid;
	const char *recipient;
	const char *remote;
	const char *remote_ip;
	const char *sender;
	double delay;
};

#define EV	BS_NOTE_EVENT
#define NONE	(-1.0)

static const struct field_case fields[] = {
	/* Deliveries. */
	{ "=> remote", TS ID " => alice@example.net R=dnslookup "
	    "T=remote_smtp " MX " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes "
	    "C=\"250 2.0.0 OK 1764324000 a1b2 - gsmtp\"", EV, "delivered", ID,
	    "alice@example.net", "mx.example.net", "192.0.2.20", NULL, NONE },
	{ "-> with port, QT= and DT=", TS ID " -> bob@example.net R=r T=t "
	    "H=mx.example.net [192.0.2.20]:587 C=\"250 OK\" QT=3s DT=1s", EV,
	    "delivered", ID, "bob@example.net", "mx.example.net",
	    "192.0.2.20", NULL, 1 },
	{ ">> cutthrough", TS ID " >> dave@example.net R=dnslookup "
	    "T=remote_smtp " MX " C=\"250 OK id=1qwe27-000abg-IJ\"", EV,
	    "delivered", ID, "dave@example.net", "mx.example.net",
	    "192.0.2.20", NULL, NONE },
	{ "=> local delivery: the original", TS ID " => carol "
	    "<carol@example.org> R=localuser T=local_delivery", EV,
	    "delivered", ID, "carol@example.org", NULL, NULL, NULL, NONE },
	{ "=> :blackhole: keeps its colons, takes the original", TS ID
	    " => :blackhole: <spam@example.org> R=blackhole_router", EV,
	    "delivered", ID, "spam@example.org", NULL, NULL, NULL, NONE },
	{ "=> pipe with a parent", TS ID " => |/usr/bin/procmail "
	    "(list@example.org) <owner@example.org> R=r T=address_pipe", EV,
	    "delivered", ID, "owner@example.org", NULL, NULL, NULL, NONE },
	{ "=> file with a parent, no original", TS ID " => /var/mail/x "
	    "(x@example.org) R=r T=address_file", EV, "delivered", ID,
	    "/var/mail/x", NULL, NULL, NULL, NONE },
	{ "=> address with @ keeps itself", TS ID " => alias@example.net "
	    "<orig@example.org> R=r T=t " MX " C=\"250 OK\"", EV, "delivered",
	    ID, "alias@example.net", "mx.example.net", "192.0.2.20", NULL,
	    NONE },
	{ "=> quoted local part", TS ID " => \"a b\"@example.net R=r T=t "
	    MX " C=\"250 OK\"", EV, "delivered", ID, "\"a b\"@example.net",
	    "mx.example.net", "192.0.2.20", NULL, NONE },
	{ "=> LMTP to a name only", TS ID " => erin <erin@example.org> "
	    "R=r T=lmtp H=mailstore.example.org C=\"250 2.0.0 Saved\"", EV,
	    "delivered", ID, "erin@example.org", "mailstore.example.org",
	    NULL, NULL, NONE },
	{ "=> sender_on_delivery", TS ID " => f@example.net "
	    "F=<s@example.org> R=r T=t " MX " C=\"250 OK\"", EV, "delivered",
	    ID, "f@example.net", "mx.example.net", "192.0.2.20",
	    "s@example.org", NONE },
	{ "=> original, then F=<> (a bounce)", TS ID " => userx "
	    "<userx@example.org> F=<> R=localuser T=local_delivery", EV,
	    "delivered", ID, "userx@example.org", NULL, NULL, "", NONE },
	{ "DT= minutes and seconds", TS ID " => g@example.net R=r T=t " MX
	    " C=\"250 OK\" QT=5m DT=2m3s", EV, "delivered", ID,
	    "g@example.net", "mx.example.net", "192.0.2.20", NULL, 123 },
	{ "DT= milliseconds", TS ID " => g@example.net R=r T=t " MX
	    " C=\"250 OK\" DT=0.123s", EV, "delivered", ID, "g@example.net",
	    "mx.example.net", "192.0.2.20", NULL, 0.123 },
	{ "DT= hours and days", TS ID " => g@example.net R=r T=t " MX
	    " C=\"250 OK\" DT=1d2h3m4s", EV, "delivered", ID,
	    "g@example.net", "mx.example.net", "192.0.2.20", NULL,
	    86400 + 7200 + 180 + 4 },
	{ "DT= zero, local delivery", TS ID " => h <h@example.org> "
	    "R=localuser T=local_delivery DT=0s", EV, "delivered", ID,
	    "h@example.org", NULL, NULL, NULL, 0 },
	{ "DT= without a unit is no delay", TS ID " => g@example.net "
	    "R=r T=t " MX " C=\"250 OK\" DT=3", EV, "delivered", ID,
	    "g@example.net", "mx.example.net", "192.0.2.20", NULL, NONE },
	{ "DT= in the confirmation is the remote's", TS ID " => g@example.net"
	    " R=r T=t " MX " C=\"250 queued DT=9s\"", EV, "delivered", ID,
	    "g@example.net", "mx.example.net", "192.0.2.20", NULL, NONE },
	{ "H= in the confirmation is the remote's", TS ID " => i <i@example.org>"
	    " R=r T=lmtp C=\"250 ok H=x [192.0.2.99]\"", EV, "delivered", ID,
	    "i@example.org", NULL, NULL, NULL, NONE },

	/* Bounces and expiries. */
	{ "** with H= and a reply", TS ID " ** j@example.net R=r T=t " MX
	    ": SMTP error from remote mail server after RCPT "
	    "TO:<j@example.net>: 550 5.1.1 unknown", EV, "bounced", ID,
	    "j@example.net", "mx.example.net", "192.0.2.20", NULL, NONE },
	{ "** glued colon", TS ID " ** u@example.net: retry timeout "
	    "exceeded", EV, "expired", ID, "u@example.net", NULL, NULL, NULL,
	    NONE },
	{ "** local part with original", TS ID " ** userx "
	    "<userx@example.org> R=r T=t : mailbox is full", EV, "bounced",
	    ID, "userx@example.org", NULL, NULL, NULL, NONE },
	{ "** original glued to the colon", TS ID " ** :fail: no such list "
	    "<list@example.org>: no such list", EV, "bounced", ID,
	    "list@example.org", NULL, NULL, NULL, NONE },
	{ "** pipe with spaces and its original", TS ID " ** |/bin/cat "
	    "/etc/motd @example.org <|/bin/cat\\ /etc/motd\\ @example.org> "
	    "R=r1 T=pipe : Child process of pipe transport returned 127", EV,
	    "bounced", ID, "|/bin/cat\\ /etc/motd\\ @example.org", NULL, NULL,
	    NULL, NONE },
	{ "** no @, no original: as written", TS ID " ** mua_wrapper is set "
	    "but recipients cannot all be delivered in one transaction", EV,
	    "bounced", ID, "mua_wrapper", NULL, NULL, NULL, NONE },
	{ "** an <address> in the reason is no original", TS ID " ** baduser "
	    "R=r T=t : Unrouteable address <x@example.org>", EV, "bounced",
	    ID, "baduser", NULL, NULL, NULL, NONE },
	{ "** H= in the remote's reply is not read", TS ID " ** v@example.net "
	    "R=r T=t : SMTP error from remote mail server after RCPT "
	    "TO:<v@example.net>: 550 see H=evil.example [192.0.2.99]", EV,
	    "bounced", ID, "v@example.net", NULL, NULL, NULL, NONE },
	{ "** sender_on_delivery", TS ID " ** w@example.net F=<> R=r T=t "
	    "H=mx.example.net (ignored) [192.0.2.20]: SMTP error from remote "
	    "mail server after RCPT TO:<w@example.net>: 550 No", EV,
	    "bounced", ID, "w@example.net", "mx.example.net", "192.0.2.20",
	    "", NONE },

	/* Deferrals. */
	{ "== with H= and a reply", TS ID " == r@example.net R=dnslookup "
	    "T=remote_smtp defer (-44) " MX ": SMTP error from remote mail "
	    "server after RCPT TO:<r@example.net>: 451 4.7.1 Greylisted", EV,
	    "deferred", ID, "r@example.net", "mx.example.net", "192.0.2.20",
	    NULL, NONE },
	{ "== H= after the system's error", TS ID " == s@example.net R=r "
	    "T=t defer (110): Connection timed out H=mx.example.net "
	    "[192.0.2.20]:25: SMTP timeout after RCPT TO:<s@example.net>", EV,
	    "deferred", ID, "s@example.net", "mx.example.net", "192.0.2.20",
	    NULL, NONE },
	{ "== without H=", TS ID " == s@example.net R=dnslookup "
	    "T=remote_smtp defer (111): Connection refused", EV, "deferred",
	    ID, "s@example.net", NULL, NULL, NULL, NONE },
	{ "== routing defer", TS ID " == t@example.net routing defer (-51): "
	    "retry time not reached", EV, "deferred", ID, "t@example.net",
	    NULL, NULL, NULL, NONE },
	{ "== file with an original", TS ID " == save folder "
	    "<t2@example.org> R=r2 T=t2 defer (-21): appendfile: file or "
	    "directory name \"folder\" is not absolute", EV, "deferred", ID,
	    "t2@example.org", NULL, NULL, NULL, NONE },

	/* Refusals. */
	{ "rejected RCPT, H=(helo) [ip]: no name", TS CLIENT " rejected RCPT "
	    "<b@example.org>: relay not permitted", EV, "rejected", NULL,
	    "b@example.org", NULL, "198.51.100.7", "a@example.com", NONE },
	{ "rejected RCPT, H=name [ip]:port, F=<>", TS "H=mail.example.com "
	    "[198.51.100.8]:4711 I=[192.0.2.1]:25 F=<> rejected RCPT "
	    "<c@example.org>: Unknown user", EV, "rejected", NULL,
	    "c@example.org", "mail.example.com", "198.51.100.8", "", NONE },
	{ "rejected RCPT, H=name (helo) [ip]", TS "H=rev.example.com "
	    "(helo.example.com) [198.51.100.9] F=<a@example.com> rejected "
	    "RCPT <d@example.org>: Unrouteable address", EV, "rejected", NULL,
	    "d@example.org", "rev.example.com", "198.51.100.9",
	    "a@example.com", NONE },
	{ "rejected RCPT, bare address and F= without <>", TS "[10099] "
	    "H=(x) [198.51.100.7]:3755 I=[192.0.2.1]:25 F=a@example.com "
	    "rejected RCPT b@example.org: relay not permitted", EV,
	    "rejected", NULL, "b@example.org", NULL, "198.51.100.7", NULL,
	    NONE },
	{ "HELO name with brackets", TS "H=([192.0.2.77]) [198.51.100.7]:52391 "
	    "F=<a@example.com> rejected RCPT <e@example.org>: listed", EV,
	    "rejected", NULL, "e@example.org", NULL, "198.51.100.7",
	    "a@example.com", NONE },
	{ "IPv6 client", TS "H=(x) [2001:db8::7]:4711 I=[2001:db8::1]:25 "
	    "F=<a@example.com> rejected RCPT <f@example.org>: relay not "
	    "permitted", EV, "rejected", NULL, "f@example.org", NULL,
	    "2001:db8::7", "a@example.com", NONE },
	{ "temporarily rejected RCPT", TS CLIENT " temporarily rejected RCPT "
	    "<g@example.org>: 452 4.5.3 Too many recipients", EV, "rejected",
	    NULL, "g@example.org", NULL, "198.51.100.7", "a@example.com",
	    NONE },
	{ "H= and F= in the reason are not read", TS "H=(x) [198.51.100.7] "
	    "rejected RCPT <h@example.org>: see F=<z@example.com> "
	    "H=evil.example [192.0.2.99]", EV, "rejected", NULL,
	    "h@example.org", NULL, "198.51.100.7", NULL, NONE },
	{ "rejected MAIL names no recipient", TS "H=(x) [198.51.100.8] "
	    "rejected MAIL <spam@example.com>: Access denied", EV, "rejected",
	    NULL, NULL, NULL, "198.51.100.8", NULL, NONE },
	{ "rejected after DATA", TS "[2516] " ID " H=mail.example.com "
	    "[198.51.100.9]:32706 I=[192.0.2.1]:25 F=<a@example.com> rejected "
	    "after DATA: This message contains a virus", EV, "rejected", ID,
	    NULL, "mail.example.com", "198.51.100.9", "a@example.com", NONE },
	{ "rejected by local_scan(), F= first", TS ID " F=<a@example.com> "
	    "H=mail.example.com [198.51.100.15] P=esmtp rejected by "
	    "local_scan(): hits=7.5", EV, "rejected", ID, NULL,
	    "mail.example.com", "198.51.100.15", "a@example.com", NONE },
	{ "rejected by non-SMTP ACL, no message id", TS "F=<e@example.com> "
	    "rejected by non-SMTP ACL: local senders only", EV, "rejected",
	    NULL, NULL, NULL, NULL, "e@example.com", NONE },
	{ "rejected by non-SMTP ACL, null sender", TS ID " F=<> rejected by "
	    "non-SMTP ACL: no bounces from here", EV, "rejected", ID, NULL,
	    NULL, NULL, "", NONE },
	{ "local_scan() timed out", TS ID " local_scan() function timed out "
	    "- message temporarily rejected (size 2345)", EV, "rejected", ID,
	    NULL, NULL, NULL, NULL, NONE },
	{ "rejected connection, H=[ip]", TS "H=[198.51.100.12] rejected "
	    "connection in \"connect\" ACL: listed at zen.example.net", EV,
	    "rejected", NULL, NULL, NULL, "198.51.100.12", NULL, NONE },
	{ "rejected EHLO, H=(helo) [ip]", TS "H=(bad.example) "
	    "[198.51.100.11] rejected EHLO or HELO bad.example: HELO name "
	    "is mine", EV, "rejected", NULL, NULL, NULL, "198.51.100.11",
	    NULL, NONE },
	{ "rejected EHLO from: no H=", TS "rejected EHLO from "
	    "[198.51.100.10]: syntactically invalid argument(s): _bad_", EV,
	    "rejected", NULL, NULL, NULL, NULL, NULL, NONE },
	{ "synchronization error: H= after rejected", TS "[13314] SMTP "
	    "protocol synchronization error (input sent without waiting for "
	    "greeting): rejected connection from H=[198.51.100.16]:4711 "
	    "I=[192.0.2.1]:25 input=\"EHLO x\"", EV, "rejected", NULL, NULL,
	    NULL, "198.51.100.16", NULL, NONE },
	{ "synchronization error: quoted command", TS "SMTP protocol "
	    "synchronization error (next input sent too soon: pipelining "
	    "was not advertised): rejected \"RSET\" H=x.example.net "
	    "[198.51.100.17]:58302 I=[192.0.2.1]:25", EV, "rejected", NULL,
	    NULL, "x.example.net", "198.51.100.17", NULL, NONE },

	/* Notes for the sender join: no kind, not events. */
	{ "<= arrival", TS ID " <= a@example.com H=mail.example.com "
	    "[198.51.100.9] P=esmtps S=1234 id=x@example.com",
	    BS_NOTE_ARRIVAL, NULL, ID, NULL, NULL, NULL, "a@example.com",
	    NONE },
	{ "<= null sender", TS ID " <= <> R=1qwe22-000abc-AA U=Debian-exim "
	    "P=local S=1500", BS_NOTE_ARRIVAL, NULL, ID, NULL, NULL, NULL, "",
	    NONE },
	{ "<= quoted local part", TS ID " <= \"a b\"@example.com U=a "
	    "P=local S=100", BS_NOTE_ARRIVAL, NULL, ID, NULL, NULL, NULL,
	    "\"a b\"@example.com", NONE },
	{ "<= quoting rejected RCPT is still an arrival", TS ID " <= "
	    "a@example.com H=mail.example.com [198.51.100.9] P=esmtps S=1234 "
	    "T=\"Your order was rejected RCPT\"", BS_NOTE_ARRIVAL, NULL, ID,
	    NULL, NULL, NULL, "a@example.com", NONE },
	{ "(= fakereject arrival", TS ID " (= a@example.com "
	    "H=mail.example.com [198.51.100.9] P=esmtp S=1234 for "
	    "b@example.org", BS_NOTE_ARRIVAL, NULL, ID, NULL, NULL, NULL,
	    "a@example.com", NONE },
	{ "<= new message id behind syslog", "Nov 28 10:00:00 mail "
	    "exim[3751]: " TS NEWID " <= c@example.com U=c P=local S=10",
	    BS_NOTE_ARRIVAL, NULL, NEWID, NULL, NULL, NULL, "c@example.com",
	    NONE },
	{ "Completed", TS ID " Completed", BS_NOTE_GONE, NULL, ID, NULL, NULL,
	    NULL, NULL, NONE },
	{ "Completed QT=", "2026-11-28 10:00:00.123 [77] " ID " Completed "
	    "QT=2s", BS_NOTE_GONE, NULL, ID, NULL, NULL, NULL, NULL, NONE }
};

/* One record of a line, its spans copied out of the callback. */
struct got_text {
	bool set;
	char s[EV_TEXT];
};

struct field_recorder {
	size_t n;
	enum bs_note note;
	enum bs_kind kind;
	struct got_text msgid, recipient, remote, remote_ip, sender;
	double delay;
	enum bs_command command;
	const char *reason;	/* the shipped rules' verdict */
	unsigned line;		/* and the rule's line */
	size_t notify;		/* BS_NOTE_NOTIFY notes, the last kept */
	struct got_text notify_id, notify_of;
};

static void
got_copy(struct got_text *g, const char *p, size_t n)
{
	g->set = p != NULL;
	snprintf(g->s, sizeof(g->s), "%.*s", p != NULL ? (int)n : 0,
	    p != NULL ? p : "");
}

static void
record_fields(void *ctx, const struct bs_event *ev)
{
	struct field_recorder *r = ctx;

	/* A notification note comes beside an arrival (test_notify). */
	if (ev->note == BS_NOTE_NOTIFY) {
		r->notify++;
		got_copy(&r->notify_id, ev->notify_id.ptr, ev->notify_id.len);
		got_copy(&r->notify_of, ev->msgid, ev->msgid_len);
		return;
	}
	if (r->n++ > 0)
		return;
	r->note = ev->note;
	r->kind = ev->kind;
	got_copy(&r->msgid, ev->msgid, ev->msgid_len);
	got_copy(&r->recipient, ev->recipient.ptr, ev->recipient.len);
	got_copy(&r->remote, ev->remote.ptr, ev->remote.len);
	got_copy(&r->remote_ip, ev->remote_ip.ptr, ev->remote_ip.len);
	got_copy(&r->sender, ev->sender.ptr, ev->sender.len);
	r->delay = ev->delay;
	r->command = ev->command;
	if (ev->note == BS_NOTE_EVENT) {
		struct bs_verdict v;

		bs_reasons_classify(bs_reasons_of(pats, NULL), ev, &v);
		r->reason = v.reason;
		r->line = v.line;
	}
}

static void
check_text(const char *name, const char *field, const struct got_text *g,
    const char *want)
{
	if (want == NULL)
		ck_assert_msg(!g->set, "%s: %s \"%s\", expected null", name,
		    field, g->s);
	else
		ck_assert_msg(g->set && strcmp(g->s, want) == 0,
		    "%s: %s %s%s%s, expected \"%s\"", name, field,
		    g->set ? "\"" : "", g->set ? g->s : "null",
		    g->set ? "\"" : "", want);
}

/* Whether line holds one of the NULL-terminated needles. */
static bool
has_needle(const char *const *needles, const char *line)
{
	size_t i;

	for (i = 0; needles[i] != NULL; i++)
		if (strstr(line, needles[i]) != NULL)
			return true;
	return false;
}

START_TEST(test_fields)
{
	const struct field_case *c = &fields[_i];
	struct field_recorder r;
	struct bs_diag d;
	struct bs_line line = { .ptr = c->line, .len = strlen(c->line),
	    .lineno = 1 };
	void *st;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(bs_format_exim.open(pats, &st, &d), BS_OK);
	ck_assert_int_eq(bs_format_exim.parse(st, &line, record_fields, &r),
	    BS_OK);
	bs_format_exim.close(st);
	ck_assert_msg(r.n == 1, "%s: %zu records, expected 1", c->name, r.n);
	ck_assert_msg(r.note == c->note, "%s: note %d, expected %d", c->name,
	    (int)r.note, (int)c->note);
	if (c->note == BS_NOTE_EVENT)
		ck_assert_msg(strcmp(kind_names[r.kind], c->kind) == 0,
		    "%s: kind %s, expected %s", c->name, kind_names[r.kind],
		    c->kind);
	check_text(c->name, "msgid", &r.msgid, c->msgid);
	check_text(c->name, "recipient", &r.recipient, c->recipient);
	check_text(c->name, "remote", &r.remote, c->remote);
	check_text(c->name, "remote_ip", &r.remote_ip, c->remote_ip);
	check_text(c->name, "sender", &r.sender, c->sender);
	if (c->delay < 0)
		ck_assert_msg(r.delay < 0, "%s: delay %g, expected none",
		    c->name, r.delay);
	else
		ck_assert_msg(r.delay >= c->delay - 1e-9 &&
		    r.delay <= c->delay + 1e-9, "%s: delay %g, expected %g",
		    c->name, r.delay, c->delay);
	/*
	 * The splitter must let the line through: an event's line holds one
	 * of the needles, a note's one of the joined needles.
	 */
	ck_assert_msg(has_needle(c->note == BS_NOTE_EVENT ?
	    bs_format_exim.needles : bs_format_exim.joined_needles, c->line),
	    "%s: the line holds none of the needles", c->name);
}
END_TEST

/*
 * Exim's own null-sender messages about another (bounces and delay
 * warnings) are notifications this server sent (notify.h); other
 * null-sender arrivals (from a remote host, or without R=) are not.
 */
START_TEST(test_notify)
{
	static const struct {
		const char *line;
		const char *of; /* the message notified about, or NULL */
	} t[] = {
		{ "2026-11-28 10:05:01 1vAbEd-000AbW-1u <= <> "
		  "R=1vAbEc-000AbV-0t U=Debian-exim P=local S=2345",
		  "1vAbEc-000AbV-0t" },
		{ "1999-03-02 09:44:33 10HmaY-000000005vi-0000 <= <> "
		  "R=10HmaX-000000005vi-0000 U=EXIMUSER P=local S=sss",
		  "10HmaX-000000005vi-0000" },
		/* A bounce from elsewhere, arriving over SMTP. */
		{ "1999-03-02 09:44:33 10HmaY-000000005vi-0000 <= <> "
		  "H=localhost (myhost.test.ex) [127.0.0.1] P=esmtps S=sss",
		  NULL },
		{ "2026-11-28 10:05:01 1vAbEd-000AbW-1u <= <> R=x P=esmtp S=1",
		  NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct field_recorder r;
		struct bs_diag d;
		struct bs_line line = { .ptr = t[i].line,
			.len = strlen(t[i].line), .lineno = 1 };
		void *st;

		memset(&r, 0, sizeof(r));
		ck_assert_int_eq(bs_format_exim.open(pats, &st, &d), BS_OK);
		ck_assert_int_eq(bs_format_exim.parse(st, &line,
				     record_fields, &r),
		    BS_OK);
		bs_format_exim.close(st);
		/* The arrival note is still there for the sender join. */
		ck_assert_uint_eq(r.n, 1);
		ck_assert_int_eq(r.note, BS_NOTE_ARRIVAL);
		ck_assert_uint_eq(r.notify, t[i].of != NULL);
		if (t[i].of == NULL)
			continue;
		ck_assert_str_eq(r.notify_of.s, t[i].of);
		ck_assert_str_eq(r.notify_id.s, r.msgid.s);
	}
}
END_TEST

/*
 * The joined needles let through every line the plain needles do (each
 * plain needle holds a joined one), and the note lines besides, while a
 * run without a join never sees "<= " or "Completed" lines.
 */
START_TEST(test_joined_needles)
{
	const char *const *n = bs_format_exim.needles;
	const char *const *j = bs_format_exim.joined_needles;
	size_t i;

	ck_assert_ptr_nonnull(j);
	for (i = 0; n[i] != NULL; i++)
		ck_assert_msg(has_needle(j, n[i]),
		    "needle \"%s\" holds no joined needle", n[i]);
	for (i = 0; j[i] != NULL; i++)
		;
	ck_assert_uint_le(i, BS_NEEDLES_MAX);
	ck_assert(!has_needle(n, TS ID " <= a@example.com U=a P=local S=1"));
	ck_assert(!has_needle(n, TS ID " Completed"));
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
 * The SMTP command a reply answered, put on the event as Exim names it
 * apart from the reply ("after RCPT TO:<a>: 550 ..."), and what the
 * shipped reason rules make of it: the same "No such user here" is an
 * unknown recipient after RCPT TO and a filter after the data (Sisimai's
 * reading, taxonomy.md).  A refusal carries the command this server
 * refused, never the one of a callout's reply quoted in its reason.
 */
static const struct command_case {
	const char *line;
	enum bs_command cmd;
	const char *reason;
} commands[] = {
	{ TS ID " ** a@example.net R=dnslookup T=remote_smtp " MX ": SMTP "
	  "error from remote mail server after RCPT TO:<a@example.net>: 550 "
	  "No such user here", BS_CMD_RCPT, "userunknown" },
	{ TS ID " ** a@example.net R=dnslookup T=remote_smtp " MX ": SMTP "
	  "error from remote mail server after pipelined RCPT "
	  "TO:<a@example.net>: 550 Unknown local part a in <a@example.net>",
	  BS_CMD_RCPT, "userunknown" },
	{ TS ID " ** a@example.net R=dnslookup T=remote_smtp " MX ": SMTP "
	  "error from remote mail server after end of data: 550 No such user "
	  "here", BS_CMD_DATA, "filtered" },
	{ TS ID " == a@example.net R=dnslookup T=remote_smtp defer (-46) " MX
	  ": SMTP error from remote mail server after pipelined end of data: "
	  "451 Temporary local problem - please try later", BS_CMD_DATA,
	  "systemerror" },
	{ TS ID " ** a@example.net R=dnslookup T=remote_smtp " MX ": SMTP "
	  "error from remote mail server after DATA: 554 Transaction failed",
	  BS_CMD_DATA, "onhold" },
	{ TS ID " ** a@example.net R=dnslookup T=remote_smtp " MX ": SMTP "
	  "error from remote mail server after MAIL FROM:<b@example.com> "
	  "SIZE=2345: 550 Address unknown", BS_CMD_MAIL, "rejected" },
	{ TS ID " ** a@example.net R=dnslookup T=remote_smtp " MX ": SMTP "
	  "error from remote mail server after RCPT TO:<a@example.net>: 550 "
	  "Address unknown", BS_CMD_RCPT, "userunknown" },
	{ TS ID " == a@example.net R=dnslookup T=remote_smtp defer (-45) " MX
	  ": SMTP error from remote mail server after pipelined MAIL "
	  "FROM:<b@example.com> SIZE=2345: 451 Please try again later",
	  BS_CMD_MAIL, "onhold" },
	{ TS ID " ** a@example.net R=dnslookup T=remote_smtp " MX ": SMTP "
	  "error from remote mail server after initial connection: 554 Go "
	  "away", BS_CMD_CONN, "blocked" },
	{ TS ID " == a@example.net R=dnslookup T=remote_smtp defer (0) " MX
	  ": SMTP error from remote mail server after EHLO mail.example.com: "
	  "450 Not now", BS_CMD_HELO, "blocked" },
	{ TS ID " ** a@example.net R=dnslookup T=remote_smtp " MX ": SMTP "
	  "error from remote mail server after HELO mail.example.com: 550 "
	  "Who are you", BS_CMD_HELO, "blocked" },
	{ TS ID " == a@example.net R=dnslookup T=remote_smtp defer (0) " MX
	  ": SMTP error from remote mail server after STARTTLS: 454 TLS not "
	  "available due to temporary reason", BS_CMD_OTHER, "securityerror" },
	/* Older releases: "remote mailer", the host after the command. */
	{ TS ID " ** a@example.net R=dnslookup T=remote_smtp: SMTP error "
	  "from remote mailer after RCPT TO:<a@example.net>: host "
	  "mx.example.net [192.0.2.20]: 550 mailbox unavailable",
	  BS_CMD_RCPT, "userunknown" },
	{ TS ID " ** b@example.org R=local T=lmtp : LMTP error after end of "
	  "data: 550 No such user here", BS_CMD_DATA, "filtered" },
	/* Refusals by this server. */
	{ TS CLIENT " rejected RCPT <b@example.org>: Unknown user",
	  BS_CMD_RCPT, "userunknown" },
	{ TS "H=(helo.example.com) [198.51.100.7] temporarily rejected MAIL "
	  "<a@example.com>: Could not complete sender verify callout",
	  BS_CMD_MAIL, "rejected" },
	{ TS ID " " CLIENT " rejected after DATA: Your message looks like "
	  "spam", BS_CMD_DATA, "spamdetected" },
	{ TS "H=[198.51.100.7] rejected connection in \"connect\" ACL: go "
	  "away", BS_CMD_CONN, "blocked" },
	{ TS "rejected EHLO from [198.51.100.7]: syntactically invalid "
	  "argument(s): x_y", BS_CMD_HELO, "syntaxerror" },
	{ TS CLIENT " rejected RCPT b@example.org: mx.example.com "
	  "[192.0.2.30] : response to \"MAIL FROM:<>\" was: 550 Sender "
	  "address rejected", BS_CMD_RCPT, "rejected" },
	/* No reply quoted: the reason's own words, read by the rules. */
	{ TS ID " == a@example.net R=dnslookup T=remote_smtp defer (110): "
	  "Connection timed out " MX ": SMTP timeout after RCPT "
	  "TO:<a@example.net>", BS_CMD_UNSTATED, "networkerror" },
};

START_TEST(test_command)
{
	const struct command_case *c = &commands[_i];
	struct field_recorder r;
	struct bs_diag d;
	struct bs_line line = { .ptr = c->line, .len = strlen(c->line),
	    .lineno = 1 };
	void *st;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(bs_format_exim.open(pats, &st, &d), BS_OK);
	ck_assert_int_eq(bs_format_exim.parse(st, &line, record_fields, &r),
	    BS_OK);
	bs_format_exim.close(st);
	ck_assert_msg(r.n == 1 && r.note == BS_NOTE_EVENT, "row %d: %zu "
	    "records", _i, r.n);
	ck_assert_msg(r.command == c->cmd, "row %d: command %d, expected %d",
	    _i, (int)r.command, (int)c->cmd);
	ck_assert_msg(strcmp(r.reason, c->reason) == 0, "row %d: reason %s, "
	    "expected %s (rule line %u)", _i, r.reason, c->reason, r.line);
}
END_TEST

/*
 * Every prefix of every row, parsed from an exactly sized heap copy, so
 * that AddressSanitizer catches any read past the end of a line.  A cut
 * line may or may not be an event or a note; it must never be more than
 * one.
 */
static void
every_prefix(const char *s)
{
	size_t len = strlen(s), k;
	struct bs_diag d;
	void *st;

	ck_assert_int_eq(bs_format_exim.open(pats, &st, &d), BS_OK);
	for (k = 0; k <= len; k++) {
		char *copy = malloc(k ? k : 1);
		struct bs_line line = { .ptr = copy, .len = k,
		    .lineno = 1, .cut = true };
		size_t n = 0;

		ck_assert_ptr_nonnull(copy);
		memcpy(copy, s, k);
		ck_assert_int_eq(bs_format_exim.parse(st, &line, count_only,
		    &n), BS_OK);
		ck_assert_uint_le(n, 1);
		(void)bs_format_exim.probe(copy, k);
		free(copy);
	}
	bs_format_exim.close(st);
}

START_TEST(test_every_prefix)
{
	every_prefix(cases[_i].line);
}
END_TEST

START_TEST(test_fields_every_prefix)
{
	every_prefix(fields[_i].line);
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
	{ "<22>Nov 28 10:00:00 mail exim[1]: " TS ID " Completed", 2 },
	{ "<22>1 2026-11-28T10:00:00Z mail exim 1 - - " ID " => b@example.net "
	    "R=r T=t", 2 },
	{ "Nov 28 10:00:00 mail exim[1]: [ID 197553 mail.info] " ID
	    " Completed", 2 },
	{ "<22>1 2026-11-28T10:00:00Z mail postfix/smtp 1 - - 4XyZ: "
	    "to=<a@b>, status=sent (250 2.0.0 Ok)", 0 },
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
	tcase_add_test(tc, test_notify);
	tcase_add_loop_test(tc, test_fields, 0,
	    (int)(sizeof(fields) / sizeof(fields[0])));
	tcase_add_test(tc, test_joined_needles);
	tcase_add_loop_test(tc, test_command, 0,
	    (int)(sizeof(commands) / sizeof(commands[0])));
	tcase_add_loop_test(tc, test_fields_every_prefix, 0,
	    (int)(sizeof(fields) / sizeof(fields[0])));
	tcase_add_loop_test(tc, test_every_prefix, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, test_probe, 0,
	    (int)(sizeof(probes) / sizeof(probes[0])));
	tcase_add_test(tc, test_missing_pattern);
	tcase_add_test(tc, test_state_reuse);
	suite_add_tcase(s, tc);
	return s;
}
