/*
 * check_m365.c - the Microsoft 365 message trace reader (src/fmt_m365.c),
 * found through the format table by its name and driven with the built-in
 * patterns: every field of the event record for every row shape (message
 * trace, trace detail, enhanced summary, extended report), the statuses
 * and events that are no events, the stamps of several cultures, headers
 * that come again or not at all, probe(), and the files of testdata/m365/.
 *
 * Each event is rendered as one string,
 *   kind|basic|enhanced|message|stamp|recipient|remote|remote_ip|sender|reply
 * with "~" for a field not stated and "-" for an absent code, so that a
 * table row states every field of every event it expects.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "format.h"
#include "patterns.h"
#include "suites.h"

#define MAX_EVENTS 8
#define EV_TEXT 640

struct recorder {
	size_t n;
	char ev[MAX_EVENTS][EV_TEXT];
	size_t notes;	/* notifications sent (an extended trace's DSN rows) */
};

static const char *const kind_names[BS_KIND_COUNT] = {
	"delivered", "deferred", "bounced", "expired", "rejected"
};

static size_t
put(char *out, size_t o, const char *p, size_t n, bool sep)
{
	int w;

	/* A field not stated has no length either. */
	ck_assert(p != NULL || n == 0);
	w = snprintf(out + o, EV_TEXT - o, "%s%.*s", sep ? "|" : "",
	    p != NULL ? (int)n : 1, p != NULL ? p : "~");
	ck_assert(w > 0 && o + (size_t)w < EV_TEXT);
	return o + (size_t)w;
}

/*
 * What the reader never states is checked on every event: it is an
 * event, with no delay, and no time (run.c reads that from the stamp).
 * The one note is a DSN row's: a non-delivery notification sent.
 */
static void
record(void *ctx, const struct bs_event *ev)
{
	struct recorder *r = ctx;
	char *out;
	size_t o;

	if (ev->note == BS_NOTE_NOTIFY) {
		ck_assert_int_eq(ev->kind, BS_BOUNCED);
		ck_assert_uint_gt(ev->notify_id.len, 0);
		r->notes++;
		return;
	}
	ck_assert_int_eq(ev->note, BS_NOTE_EVENT);
	ck_assert(ev->delay < 0);
	ck_assert(!ev->timed);
	ck_assert_uint_lt(r->n, MAX_EVENTS);
	out = r->ev[r->n++];
	o = (size_t)snprintf(out, EV_TEXT, "%s|%s|%s%s",
	    kind_names[ev->kind],
	    ev->codes.basic[0] ? ev->codes.basic : "-",
	    ev->codes.enhanced[0] ? ev->codes.enhanced : "-",
	    ev->connfail & BS_CONN_REFUSED ? " refused" :
	    ev->connfail & BS_CONN_FAILED ? " connfail" : "");
	o = put(out, o, ev->msgid, ev->msgid_len, true);
	o = put(out, o, ev->stamp, ev->stamp_len, true);
	o = put(out, o, ev->recipient.ptr, ev->recipient.len, true);
	o = put(out, o, ev->remote.ptr, ev->remote.len, true);
	o = put(out, o, ev->remote_ip.ptr, ev->remote_ip.len, true);
	o = put(out, o, ev->sender.ptr, ev->sender.len, true);
	(void)put(out, o, ev->reply, ev->reply_len, true);
}

static struct bs_patterns *pats;
static const struct bs_format *fmt;

static void
setup(void)
{
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_msg(bs_patterns_load(NULL, &pats, &d) == BS_OK,
	    "patterns: %s", d.msg);
	fmt = bs_format_find("m365");
	ck_assert_ptr_nonnull(fmt);
}

static void
teardown(void)
{
	bs_patterns_free(pats);
	pats = NULL;
}

static void *
open_reader(void)
{
	struct bs_diag d;
	void *st = NULL;

	bs_diag_clear(&d);
	ck_assert_msg(fmt->open(pats, &st, &d) == BS_OK, "open: %s", d.msg);
	ck_assert_ptr_nonnull(st);
	return st;
}

static bs_status
feed(void *st, const char *text, struct recorder *r)
{
	static uint64_t lineno;
	struct bs_line line = { 0 };

	line.ptr = text;
	line.len = strlen(text);
	line.lineno = ++lineno;
	return fmt->parse(st, &line, record, r);
}

/* The headers, as the exports write them (every name quoted). */
#define H_TRACE "\"PSComputerName\",\"RunspaceId\",\"PSShowComputerName\"," \
	"\"Organization\",\"MessageId\",\"Received\",\"SenderAddress\"," \
	"\"RecipientAddress\",\"Subject\",\"Status\",\"ToIP\",\"FromIP\"," \
	"\"Size\",\"MessageTraceId\",\"StartDate\",\"EndDate\",\"Index\""
#define H_TRACE_V2 "\"Received\",\"SenderAddress\",\"RecipientAddress\"," \
	"\"Subject\",\"Status\",\"ToIP\",\"FromIP\",\"Size\",\"MessageId\"," \
	"\"MessageTraceId\""
#define H_DETAIL "\"Organization\",\"MessageId\",\"MessageTraceId\"," \
	"\"Date\",\"Event\",\"Action\",\"Detail\",\"Data\"," \
	"\"RecipientAddress\",\"SenderAddress\""
#define H_SUMMARY "\"origin_timestamp_utc\",\"sender_address\"," \
	"\"recipient_status\",\"message_subject\",\"total_bytes\"," \
	"\"message_id\",\"network_message_id\",\"original_client_ip\"," \
	"\"directionality\",\"connector_id\",\"delivery_priority\""
#define H_EXTENDED "\"date_time_utc\",\"client_ip\",\"client_hostname\"," \
	"\"server_ip\",\"server_hostname\",\"source_context\"," \
	"\"connector_id\",\"source\",\"event_id\",\"internal_message_id\"," \
	"\"message_id\",\"network_message_id\",\"recipient_address\"," \
	"\"recipient_status\",\"total_bytes\",\"recipient_count\"," \
	"\"related_recipient_address\",\"reference\",\"message_subject\"," \
	"\"sender_address\",\"return_path\",\"message_info\"," \
	"\"directionality\",\"tenant_id\",\"original_client_ip\"," \
	"\"original_server_ip\",\"custom_data\""

/* A trace row's first four columns, which are never read. */
#define PS "\"outlook.office365.com\",\"5f0c1d2e\",\"False\"," \
	"\"example.onmicrosoft.com\","
#define MID "<AM0PR01MB5123A1B2@AM0PR01MB5123.prod.example.com>"
#define TID "6c1f0e2a-1b3c-4d5e-9f60-718293a4b5c6"
#define DATA "\"<root><MEP Name=\"\"ServerHostName\"\" " \
	"String=\"\"AM0PR01MB5123\"\"/></root>\""
#define LED_FAIL "Reason: [{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound; " \
	"Recipient not found by SMTP address lookup};{MSG=};{FQDN=};{IP=};" \
	"{LRT=}]"
#define LED_FAIL_REPLY "550 5.1.10 RESOLVER.ADR.RecipientNotFound; " \
	"Recipient not found by SMTP address lookup"

struct row_case {
	const char *name;
	const char *header;
	const char *row;
	const char *want[MAX_EVENTS];	/* NULL-terminated */
};

static const struct row_case rows[] = {
	/* Get-MessageTrace: the statuses. */
	{ "trace delivered", H_TRACE, PS "\"" MID "\",\"11/28/2026 9:58:12 AM\","
	    "\"alice@example.com\",\"bob@example.net\",\"Quarterly report\","
	    "\"Delivered\",\"192.0.2.10\",\"\",\"48213\",\"" TID "\","
	    "\"11/27/2026 12:00:00 PM\",\"11/29/2026 12:00:00 PM\",\"0\"",
	    { "delivered|-|-|" MID "|2026-11-28T09:58:12Z|bob@example.net|~|"
	    "192.0.2.10|alice@example.com|~" } },
	{ "trace failed, subject with comma, quotes, UTF-8", H_TRACE,
	    PS "\"" MID "\",\"11/28/2026 10:02:40 AM\",\"alice@example.com\","
	    "\"nobody@example.net\",\"Angebot, \"\"final\"\" – Grüße aus Köln\","
	    "\"Failed\",\"192.0.2.10\",\"\",\"15872\",\"" TID "\",\"\",\"\","
	    "\"1\"",
	    { "bounced|-|-|" MID "|2026-11-28T10:02:40Z|nobody@example.net|~|"
	    "192.0.2.10|alice@example.com|~" } },
	{ "trace pending", H_TRACE, PS "\"" MID "\",\"11/28/2026 12:05:00 PM\","
	    "\"alice@example.com\",\"slow@mail.example.net\",\"x\",\"Pending\","
	    "\"198.51.100.7\",\"\",\"9120\",\"" TID "\",\"\",\"\",\"2\"",
	    { "deferred|-|-|" MID "|2026-11-28T12:05:00Z|slow@mail.example.net|"
	    "~|198.51.100.7|alice@example.com|~" } },
	{ "trace inbound: no ToIP, midnight", H_TRACE, PS "\"" MID "\","
	    "\"11/29/2026 12:00:05 AM\",\"news@example.net\","
	    "\"carol@example.com\",\"n\",\"delivered\",\"\",\"203.0.113.5\","
	    "\"60211\",\"" TID "\",\"\",\"\",\"3\"",
	    { "delivered|-|-|" MID "|2026-11-29T00:00:05Z|carol@example.com|~|"
	    "~|news@example.net|~" } },
	{ "trace Expanded", H_TRACE, PS "\"" MID "\",\"11/28/2026 2:00:00 PM\","
	    "\"alice@example.com\",\"all-staff@example.com\",\"x\","
	    "\"Expanded\",\"\",\"\",\"1\",\"" TID "\",\"\",\"\",\"4\"",
	    { NULL } },
	{ "trace Quarantined", H_TRACE, PS "\"" MID "\",\"11/28/2026 2:00:00 PM\","
	    "\"x@example.net\",\"erin@example.com\",\"x\",\"Quarantined\",\"\","
	    "\"203.0.113.67\",\"1\",\"" TID "\",\"\",\"\",\"5\"", { NULL } },
	{ "trace FilteredAsSpam", H_TRACE, PS "\"" MID "\",\"11/28/2026 2:00:00 PM\","
	    "\"x@example.net\",\"dave@example.com\",\"x\",\"FilteredAsSpam\","
	    "\"\",\"203.0.113.66\",\"1\",\"" TID "\",\"\",\"\",\"6\"",
	    { NULL } },
	{ "trace GettingStatus", H_TRACE, PS "\"" MID "\",\"11/28/2026 2:00:00 PM\","
	    "\"bob@example.com\",\"gina@example.net\",\"x\",\"GettingStatus\","
	    "\"\",\"\",\"1\",\"" TID "\",\"\",\"\",\"7\"", { NULL } },
	{ "trace None", H_TRACE, PS "\"" MID "\",\"11/28/2026 2:00:00 PM\","
	    "\"bob@example.com\",\"gina@example.net\",\"x\",\"None\",\"\",\"\","
	    "\"1\",\"" TID "\",\"\",\"\",\"8\"", { NULL } },
	{ "trace empty status", H_TRACE, PS "\"" MID "\",\"11/28/2026 2:00:00 PM\","
	    "\"bob@example.com\",\"gina@example.net\",\"x\",\"\",\"\",\"\","
	    "\"1\",\"" TID "\",\"\",\"\",\"9\"", { NULL } },
	{ "trace MessageTraceId without MessageId, empty sender", H_TRACE,
	    PS "\"\",\"11/28/2026 9:00:00 PM\",\"\",\"z@example.net\",\"\","
	    "\"Failed\",\"\",\"\",\"1\",\"" TID "\",\"\",\"\",\"10\"",
	    { "bounced|-|-|" TID "|2026-11-28T21:00:00Z|z@example.net|~|~|~|~" } },
	{ "trace with no recipient and <> sender", H_TRACE,
	    PS "\"" MID "\",\"11/28/2026 9:00:00 PM\",\"<>\",\"\",\"\","
	    "\"Failed\",\"\",\"\",\"1\",\"" TID "\",\"\",\"\",\"11\"",
	    { "bounced|-|-|" MID "|2026-11-28T21:00:00Z|~|~|~||~" } },
	/* Get-MessageTraceV2, selected columns, other cultures. */
	{ "V2 de-DE", H_TRACE_V2, "\"28.11.2026 10:07:31\",\"ops@example.com\","
	    "\"falsch@example.net\",\"L 4712\",\"Failed\",\"198.51.100.20\",\"\","
	    "\"20480\",\"<LS4712@example.com>\",\"" TID "\"",
	    { "bounced|-|-|<LS4712@example.com>|2026-11-28T10:07:31Z|"
	    "falsch@example.net|~|198.51.100.20|ops@example.com|~" } },
	{ "V2 ISO without zone gains Z", H_TRACE_V2,
	    "2026-11-28T10:00:00.1234567,ops@example.com,a@example.net,s,"
	    "Delivered,,,1,<a@example.com>," TID,
	    { "delivered|-|-|<a@example.com>|2026-11-28T10:00:00.1234567Z|"
	    "a@example.net|~|~|ops@example.com|~" } },
	{ "V2 ISO with an offset as written", H_TRACE_V2,
	    "2026-11-28 10:00:00+01:00,ops@example.com,a@example.net,s,"
	    "Delivered,,,1,<a@example.com>," TID,
	    { "delivered|-|-|<a@example.com>|2026-11-28 10:00:00+01:00|"
	    "a@example.net|~|~|ops@example.com|~" } },
	{ "V2 slashes without AM/PM are not rewritten", H_TRACE_V2,
	    "05/11/2026 10:00:00,ops@example.com,a@example.net,s,Delivered,,,1,"
	    "<a@example.com>," TID,
	    { "delivered|-|-|<a@example.com>|05/11/2026 10:00:00|"
	    "a@example.net|~|~|ops@example.com|~" } },
	{ "V2 noon and no time", H_TRACE_V2,
	    "11/28/2026 12:30:00 PM,ops@example.com,a@example.net,s,Pending,,,1,"
	    "<a@example.com>," TID,
	    { "deferred|-|-|<a@example.com>|2026-11-28T12:30:00Z|"
	    "a@example.net|~|~|ops@example.com|~" } },
	{ "V2 empty Received", H_TRACE_V2, ",ops@example.com,a@example.net,s,"
	    "Pending,,,1,<a@example.com>," TID,
	    { "deferred|-|-|<a@example.com>|~|a@example.net|~|~|"
	    "ops@example.com|~" } },

	/* Get-MessageTraceDetail: the events. */
	{ "detail Fail with LED", H_DETAIL, "\"example.onmicrosoft.com\",\""
	    MID "\",\"" TID "\",\"11/28/2026 10:02:40 AM\",\"Fail\",\"\",\""
	    LED_FAIL "\"," DATA ",\"nobody@example.net\",\"alice@example.com\"",
	    { "bounced|550|5.1.10|" MID "|2026-11-28T10:02:40Z|"
	    "nobody@example.net|~|~|alice@example.com|" LED_FAIL_REPLY } },
	{ "detail Defer names the host", H_DETAIL, "\"o\",\"" MID "\",\"" TID
	    "\",\"11/28/2026 10:05:00 AM\",\"Defer\",\"\",\"Reason: [{LED=451 "
	    "4.4.0 Primary target IP address responded with: \"\"421 4.4.2 "
	    "Connection dropped.\"\"};{MSG=};{FQDN=mail.example.net};"
	    "{IP=198.51.100.7};{LRT=11/28/2026 10:04:12 AM}]\"," DATA ","
	    "\"slow@mail.example.net\",\"alice@example.com\"",
	    { "deferred|451|4.4.0|" MID "|2026-11-28T10:05:00Z|"
	    "slow@mail.example.net|mail.example.net|198.51.100.7|"
	    "alice@example.com|451 4.4.0 Primary target IP address responded "
	    "with: \"421 4.4.2 Connection dropped.\"" } },
	{ "detail Fail 4.4.7 is expired", H_DETAIL, "\"o\",\"" MID "\",\"" TID
	    "\",\"11/28/2026 3:00:00 PM\",\"Fail\",\"\",\"Reason: [{LED=550 "
	    "4.4.7 QUEUE.Expired; message expired};{MSG=};{FQDN=mx2.example.net}"
	    ";{IP=192.0.2.44};{LRT=}]\",\"\",\"old@example.net\","
	    "\"alice@example.com\"",
	    { "expired|550|4.4.7|" MID "|2026-11-28T15:00:00Z|old@example.net|"
	    "mx2.example.net|192.0.2.44|alice@example.com|550 4.4.7 "
	    "QUEUE.Expired; message expired" } },
	{ "detail Fail, connection refused", H_DETAIL, "\"o\",\"" MID "\",\""
	    TID "\",\"11/28/2026 3:05:00 PM\",\"Fail\",\"\",\"Reason: [{LED="
	    "Connection refused by 192.0.2.44:25};{MSG=};{FQDN=};{IP=};{LRT=}]"
	    "\",\"\",\"old2@example.net\",\"alice@example.com\"",
	    { "bounced|-|- refused|" MID "|2026-11-28T15:05:00Z|"
	    "old2@example.net|~|~|alice@example.com|Connection refused by "
	    "192.0.2.44:25" } },
	{ "detail Fail without a list: the Detail is the reply", H_DETAIL,
	    "\"o\",\"" MID "\",\"" TID "\",\"11/28/2026 3:05:00 PM\",\"Fail\","
	    "\"\",\"550 5.7.708 Service unavailable. Access denied\",\"\","
	    "\"a@example.net\",\"alice@example.com\"",
	    { "bounced|550|5.7.708|" MID "|2026-11-28T15:05:00Z|a@example.net|"
	    "~|~|alice@example.com|550 5.7.708 Service unavailable. Access "
	    "denied" } },
	{ "detail Send", H_DETAIL, "\"o\",\"" MID "\",\"" TID "\","
	    "\"11/28/2026 9:58:12 AM\",\"Send\",\"\",\"Message sent to "
	    "mx.example.net\",\"\",\"bob@example.net\",\"alice@example.com\"",
	    { "delivered|-|-|" MID "|2026-11-28T09:58:12Z|bob@example.net|~|~|"
	    "alice@example.com|~" } },
	{ "detail Deliver", H_DETAIL, "\"o\",\"" MID "\",\"" TID "\","
	    "\"11/28/2026 4:10:10 PM\",\"Deliver\",\"\",\"The message was "
	    "delivered to the mailbox.\",\"\",\"carol@example.com\","
	    "\"news@example.net\"",
	    { "delivered|-|-|" MID "|2026-11-28T16:10:10Z|carol@example.com|~|"
	    "~|news@example.net|~" } },
	{ "detail Receive", H_DETAIL, "\"o\",\"" MID "\",\"" TID "\","
	    "\"11/28/2026 4:10:09 PM\",\"Receive\",\"\",\"Message received by: "
	    "AM0PR01MB5123\",\"\",\"carol@example.com\",\"news@example.net\"",
	    { NULL } },
	{ "detail Expand", H_DETAIL, "\"o\",\"" MID "\",\"" TID "\",\"\","
	    "\"Expand\",\"\",\"\",\"\",\"g@example.com\",\"a@example.com\"",
	    { NULL } },
	{ "detail Transfer", H_DETAIL, "\"o\",\"" MID "\",\"" TID "\",\"\","
	    "\"Transfer\",\"\",\"\",\"\",\"g@example.com\",\"a@example.com\"",
	    { NULL } },
	{ "detail Resolved", H_DETAIL, "\"o\",\"" MID "\",\"" TID "\",\"\","
	    "\"Resolved\",\"\",\"\",\"\",\"g@example.com\",\"a@example.com\"",
	    { NULL } },

	/* The enhanced summary report: one event per recipient. */
	{ "summary two recipients", H_SUMMARY,
	    "\"2026-11-28T09:58:10.1234567Z\",\"alice@example.com\","
	    "\"bob@example.net##Receive, Send;ann@example.com##Receive, "
	    "Deliver\",\"Q4, final\",\"48213\",\"<q4@example.com>\","
	    "\"1341ac7b13fb42ab4d4408cf7f55890f\",\"198.51.100.50\",\"2\","
	    "\"\",\"Normal\"",
	    { "delivered|-|-|<q4@example.com>|2026-11-28T09:58:10.1234567Z|"
	    "bob@example.net|~|~|alice@example.com|~",
	    "delivered|-|-|<q4@example.com>|2026-11-28T09:58:10.1234567Z|"
	    "ann@example.com|~|~|alice@example.com|~" } },
	{ "summary fail, defer, spam then deliver, receive only", H_SUMMARY,
	    "2026-11-28T10:29:58Z,alice@example.com,\"a@example.net##Receive, "
	    "Fail;b@example.net##Receive,Defer;c@example.com##Receive, Spam, "
	    "Deliver;d@example.com##Receive;e@example.com;\",s,1,,"
	    "2452bd8c24ac53bc5e5519d0a066901a,,2,,Low",
	    { "bounced|-|-|2452bd8c24ac53bc5e5519d0a066901a|2026-11-28T10:29:58Z"
	    "|a@example.net|~|~|alice@example.com|~",
	    "deferred|-|-|2452bd8c24ac53bc5e5519d0a066901a|2026-11-28T10:29:58Z"
	    "|b@example.net|~|~|alice@example.com|~",
	    "delivered|-|-|2452bd8c24ac53bc5e5519d0a066901a|"
	    "2026-11-28T10:29:58Z|c@example.com|~|~|alice@example.com|~" } },
	{ "summary origin_timestamp", "origin_timestamp,sender_address,"
	    "recipient_status,message_id", "11/28/2026 1:00:00 PM,<>,"
	    "\"x@example.net##Receive, Fail\",<m@example.com>",
	    { "bounced|-|-|<m@example.com>|2026-11-28T13:00:00Z|x@example.net|"
	    "~|~||~" } },

	/* The extended report, read by the Exchange parser. */
	{ "extended SENDEXTERNAL", H_EXTENDED, "2026-11-28T09:58:12.0000000Z,,,"
	    "192.0.2.10,mx.example.net,,,SMTP,SENDEXTERNAL,4398046511105,"
	    "<q4@example.com>,1341ac7b,bob@example.net,250 2.6.0 Queued,48213,1"
	    ",,,\"Q4, final\",alice@example.com,alice@example.com,,2,t,,,",
	    { "delivered|250|2.6.0|<q4@example.com>|2026-11-28T09:58:12.0000000Z"
	    "|bob@example.net|mx.example.net|192.0.2.10|alice@example.com|"
	    "250 2.6.0 Queued" } },
	{ "extended FAIL, two recipients", H_EXTENDED,
	    "\"2026-11-28T10:30:00.0000000Z\",\"\",\"\",\"\",\"\",\"\",\"\","
	    "\"SMTP\",\"FAIL\",\"4398046511200\",\"\",\"2452bd8c\","
	    "\"nobody@example.net;gone@example.net\",\"[{LED=550 5.1.10 "
	    "RESOLVER.ADR.RecipientNotFound; not found};{MSG=};"
	    "{FQDN=mx.example.net};{IP=192.0.2.10};{LRT=}];550 5.1.1 "
	    "RESOLVER.ADR.RecipNotFound; not found\",\"2048\",\"2\",\"\",\"\","
	    "\"Hello\",\"alice@example.com\",\"alice@example.com\",\"\",\"2\","
	    "\"t\",\"\",\"\",\"\"",
	    { "bounced|550|5.1.10|4398046511200|2026-11-28T10:30:00.0000000Z|"
	    "nobody@example.net|mx.example.net|192.0.2.10|alice@example.com|"
	    "550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found",
	    "bounced|550|5.1.1|4398046511200|2026-11-28T10:30:00.0000000Z|"
	    "gone@example.net|~|~|alice@example.com|550 5.1.1 "
	    "RESOLVER.ADR.RecipNotFound; not found" } },
	{ "extended RECEIVE", H_EXTENDED, "2026-11-28T09:58:10Z,,,,,,,SMTP,"
	    "RECEIVE,1,<q4@example.com>,n,bob@example.net,,1,1,,,s,"
	    "alice@example.com,,,2,t,,,", { NULL } }
};

START_TEST(test_rows)
{
	const struct row_case *c = &rows[_i];
	struct recorder r;
	void *st = open_reader();
	size_t i, nwant = 0;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(feed(st, c->header, &r), BS_OK);
	ck_assert_int_eq(feed(st, c->row, &r), BS_OK);
	fmt->close(st);
	while (nwant < MAX_EVENTS && c->want[nwant] != NULL)
		nwant++;
	ck_assert_msg(r.n == nwant, "%s: %zu events, expected %zu", c->name,
	    r.n, nwant);
	for (i = 0; i < nwant; i++)
		ck_assert_msg(strcmp(r.ev[i], c->want[i]) == 0,
		    "%s: event %zu is\n  \"%s\", expected\n  \"%s\"", c->name, i,
		    r.ev[i], c->want[i]);
}
END_TEST

/*
 * Lines around the rows: rows before any header are skipped; '#' lines
 * (Windows PowerShell's #TYPE) and empty ones pass; a BOM opens the
 * header; a later header switches to its columns, and an extended
 * report's hands the rows to the Exchange parser; a row with no '@' that
 * names no columns is still a row.
 */
START_TEST(test_headers)
{
	static const char trace_row[] = "11/28/2026 9:00:00 AM,a@example.com,"
	    "b@example.net,s,Failed,,,1,<m@example.com>," TID;
	struct recorder r;
	void *st = open_reader();

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(feed(st, trace_row, &r), BS_OK);
	ck_assert_int_eq(feed(st, "#TYPE Deserialized.Microsoft.Exchange."
	    "Management.FfoReporting.MessageTrace", &r), BS_OK);
	ck_assert_int_eq(feed(st, "", &r), BS_OK);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_int_eq(feed(st, "\xEF\xBB\xBF" H_TRACE_V2, &r), BS_OK);
	ck_assert_int_eq(feed(st, trace_row, &r), BS_OK);
	ck_assert_uint_eq(r.n, 1);
	/* Another export's header: its own columns and order. */
	ck_assert_int_eq(feed(st, "status , RECIPIENTADDRESS,received", &r),
	    BS_OK);
	ck_assert_int_eq(feed(st, "Delivered,c@example.net,"
	    "11/28/2026 9:01:00 AM", &r), BS_OK);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.ev[1], "delivered|-|-|~|2026-11-28T09:01:00Z|"
	    "c@example.net|~|~|~|~");
	/* A row without '@' and no header names: a row. */
	ck_assert_int_eq(feed(st, "Failed,,11/28/2026 9:02:00 AM", &r), BS_OK);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_str_eq(r.ev[2], "bounced|-|-|~|2026-11-28T09:02:00Z|~|~|~|"
	    "~|~");
	/* An extended header after a trace one: rows go to Exchange. */
	ck_assert_int_eq(feed(st, "event_id,recipient_address,"
	    "recipient_status,DATE_TIME_UTC", &r), BS_OK);
	ck_assert_int_eq(feed(st, "DEFER,d@example.net,451 4.7.500 busy,"
	    "2026-11-28T11:00:00Z", &r), BS_OK);
	ck_assert_uint_eq(r.n, 4);
	ck_assert_str_eq(r.ev[3], "deferred|451|4.7.500|~|2026-11-28T11:00:00Z|"
	    "d@example.net|~|~|~|451 4.7.500 busy");
	fmt->close(st);
	fmt->close(NULL);
}
END_TEST

/* Lines that are no rows pass without events or harm. */
START_TEST(test_odd_lines)
{
	static char big[BS_LINE_MAX];
	static const char *const odd[] = {
		"", "#", "\xEF\xBB\xBF", ",,,,,,,,,", "\"", "\"\"\"", "@",
		"Status,RecipientAddress", "x,y,z,,,,", "recipient_status,"
		"sender_address", "##,##;;##", ";;;", "a@b##", "a@b##Receive,",
		"Event,Detail", "Fail,[{", "Fail,[{LED=", "Fail,[{LED=550 5.1.1}",
		"Defer,[{FQDN=x};{IP=", "Fail,Reason: [{IP=};{FQDN=}",
		"Received,Status,RecipientAddress", "13/45/2026 99:99:99 PM,"
		"Delivered,a@b", "1/1/2026 0:00:00 AM,Delivered,a@b",
		"1/1/2026 1:00:00 XM,Delivered,a@b", "1.1.2026 1:00,Delivered,a@b"
	};
	struct recorder r;
	struct bs_line line = { 0 };
	void *st = open_reader();
	size_t i, pass;

	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		memset(&r, 0, sizeof(r));
		ck_assert_int_eq(feed(st, odd[i], &r), BS_OK);
	}
	/* A maximal line of quotes, commas, hashes and brackets, twice. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = "\",;#[{}]@5"[i % 10];
	for (pass = 0; pass < 2; pass++) {
		memset(&r, 0, sizeof(r));
		line.ptr = big;
		line.len = sizeof(big);
		line.lineno = 1;
		line.cut = true;
		ck_assert_int_eq(fmt->parse(st, &line, record, &r), BS_OK);
		ck_assert_int_eq(feed(st, H_DETAIL, &r), BS_OK);
	}
	fmt->close(st);
}
END_TEST

/* A time out of range is handed on as written, for run.c to refuse. */
START_TEST(test_stamps)
{
	static const struct {
		const char *in, *want;
	} stamps[] = {
		{ "11/28/2026 9:58:12 AM", "2026-11-28T09:58:12Z" },
		{ "1/2/2026 12:00:00 AM", "2026-01-02T00:00:00Z" },
		{ "1/2/2026 12:59:59 PM", "2026-01-02T12:59:59Z" },
		{ "12/31/2026 11:59:59 pm", "2026-12-31T23:59:59Z" },
		{ " 2.1.2026 7:05:09 ", "2026-01-02T07:05:09Z" },
		{ "28.11.2026 23:59:59", "2026-11-28T23:59:59Z" },
		{ "2026-11-28T10:00:00", "2026-11-28T10:00:00Z" },
		{ "2026-11-28 10:00:00.5", "2026-11-28 10:00:00.5Z" },
		{ "2026-11-28T10:00:00Z", "2026-11-28T10:00:00Z" },
		{ "2026-11-28T10:00:00-05:00", "2026-11-28T10:00:00-05:00" },
		{ "28/11/2026 10:00:00", "28/11/2026 10:00:00" },
		{ "11/28/2026 13:00:00 PM", "11/28/2026 13:00:00 PM" },
		{ "11/28/2026 0:00:00 AM", "11/28/2026 0:00:00 AM" },
		{ "11/28/2026 10:00 AM", "11/28/2026 10:00 AM" },
		{ "28.11.26 10:00:00", "28.11.26 10:00:00" },
		{ "yesterday", "yesterday" }
	};
	char row[256], want[256];
	struct recorder r;
	void *st = open_reader();
	size_t i;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(feed(st, "Received,Status,RecipientAddress", &r),
	    BS_OK);
	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		r.n = 0;
		snprintf(row, sizeof(row), "\"%s\",Delivered,a@example.net",
		    stamps[i].in);
		ck_assert_int_eq(feed(st, row, &r), BS_OK);
		ck_assert_uint_eq(r.n, 1);
		snprintf(want, sizeof(want), "delivered|-|-|~|%s|a@example.net|"
		    "~|~|~|~", stamps[i].want);
		ck_assert_str_eq(r.ev[0], want);
	}
	fmt->close(st);
}
END_TEST

struct probe_case {
	const char *line;
	int want;
};

static const struct probe_case probes[] = {
	{ H_TRACE, 2 },
	{ "\xEF\xBB\xBF" H_TRACE, 2 },
	{ H_TRACE_V2, 2 },
	{ "Received,SenderAddress,RecipientAddress,Status", 2 },
	{ H_DETAIL, 2 },
	{ H_SUMMARY, 2 },
	{ H_EXTENDED, 2 },
	{ "\xEF\xBB\xBF" H_EXTENDED, 2 },
	{ "Status,RecipientAddress,note@example.com", 0 },
	{ "Received,Subject,Size", 0 },
	{ "#TYPE Deserialized.Microsoft.Exchange.Management.FfoReporting."
	    "MessageTrace", 0 },
	{ "\"11/28/2026 9:58:12 AM\",\"alice@example.com\","
	    "\"bob@example.net\",\"s\",\"Delivered\"", 0 },
	/* An extended report's row scores as a headerless tracking row. */
	{ "2026-11-28T10:00:00.123Z,10.0.0.5,,,,,,,,,,,,,,,,,,,,,,,,", 1 },
	{ "#Fields: date-time,client-ip,client-hostname", 0 },
	{ "#Software: Microsoft Exchange Server", 0 },
	{ "Nov 28 10:00:00 mx postfix/smtp[123]: 4F1: to=<a@x>, "
	    "status=sent (250 2.0.0 OK)", 0 },
	{ "2026-11-28 10:00:00 1vXyZa-000123-AB => a@x R=dnslookup", 0 },
	{ "", 0 }
};

START_TEST(test_probe)
{
	const struct probe_case *c = &probes[_i];

	ck_assert_msg(fmt->probe(c->line, strlen(c->line)) == c->want,
	    "probe(\"%s\") should be %d", c->line, c->want);
}
END_TEST

/* Detection: the header decides, and a headerless extract is Exchange's. */
START_TEST(test_detect)
{
	static const char extended[] = H_EXTENDED "\n"
	    "2026-11-28T09:58:12Z,,,,,,,SMTP,SEND,1,<a@x>,n,b@x,250 OK,1,1,,,s,"
	    "a@x,a@x,,2,t,,,\n"
	    "2026-11-28T09:58:13Z,,,,,,,SMTP,FAIL,1,<a@x>,n,c@x,550 5.1.1 x,1,1,"
	    ",,s,a@x,a@x,,2,t,,,\n";
	static const char bare[] =
	    "2026-11-28T09:58:12Z,,,,,,,SMTP,SEND,1,<a@x>,n,b@x,250 OK,1,1,,,s,"
	    "a@x,a@x,,2,t,,,\n"
	    "2026-11-28T09:58:13Z,,,,,,,SMTP,FAIL,1,<a@x>,n,c@x,550 5.1.1 x,1,1,"
	    ",,s,a@x,a@x,,2,t,,,\n";
	static const char trace[] = H_TRACE_V2 "\n";

	ck_assert_ptr_eq(bs_format_detect(extended, strlen(extended)), fmt);
	ck_assert_ptr_eq(bs_format_detect(trace, strlen(trace)), fmt);
	ck_assert_ptr_eq(bs_format_detect(bare, strlen(bare)),
	    bs_format_find("exchange"));
	ck_assert(!fmt->splittable);
}
END_TEST

struct file_case {
	const char *path;
	size_t delivered, deferred, bounced, expired;
	const char *first;	/* the first event */
	size_t dsn;		/* notifications sent (DSN rows) */
};

static const struct file_case files[] = {
	{ "../testdata/m365/messagetrace.csv", 4, 1, 2, 0,
	    "delivered|-|-|<AM0PR01MB5123A1B2C3D4E5F6@AM0PR01MB5123.eurprd01."
	    "prod.example.com>|2026-11-28T09:58:12Z|bob@example.net|~|"
	    "192.0.2.10|alice@example.com|~", 0 },
	{ "../testdata/m365/messagetracev2-de.csv", 2, 1, 1, 0,
	    "delivered|-|-|<LS4711@example.com>|2026-11-28T10:00:00Z|"
	    "kunde@example.net|~|198.51.100.20|ops@example.com|~", 0 },
	{ "../testdata/m365/messagetracedetail.csv", 2, 1, 2, 1,
	    "bounced|550|5.1.10|<AM0PR01MB5123B2C3D4E5F6A7@AM0PR01MB5123."
	    "eurprd01.prod.example.com>|2026-11-28T10:02:40Z|nobody@example.net"
	    "|~|~|alice@example.com|" LED_FAIL_REPLY, 0 },
	{ "../testdata/m365/summary.csv", 3, 1, 2, 0,
	    "delivered|-|-|<q4-report@example.com>|2026-11-28T09:58:10.1234567Z"
	    "|bob@example.net|~|~|alice@example.com|~", 0 },
	{ "../testdata/m365/extended.csv", 2, 1, 2, 0,
	    "delivered|250|2.6.0|<q4-report@example.com>|"
	    "2026-11-28T09:58:12.0000000Z|bob@example.net|mx.example.net|"
	    "192.0.2.10|alice@example.com|250 2.6.0 <q4-report@example.com> "
	    "[InternalId=4398046511105] Queued mail for delivery", 1 }
};

/* Each file of testdata/m365/ read line by line, as lines.c hands it. */
START_TEST(test_files)
{
	static char buf[BS_LINE_MAX];
	const struct file_case *c = &files[_i];
	size_t kinds[BS_KIND_COUNT] = { 0 }, k, dsn = 0;
	char first[EV_TEXT] = "";
	struct recorder r;
	FILE *f = fopen(c->path, "rb");
	void *st = open_reader();

	ck_assert_msg(f != NULL, "cannot open %s", c->path);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		size_t n = strlen(buf), i;
		struct bs_line line = { 0 };

		if (n > 0 && buf[n - 1] == '\n')
			n--;
		if (n > 0 && buf[n - 1] == '\r')
			n--;
		line.ptr = buf;
		line.len = n;
		memset(&r, 0, sizeof(r));
		ck_assert_int_eq(fmt->parse(st, &line, record, &r), BS_OK);
		dsn += r.notes;
		for (i = 0; i < r.n; i++) {
			for (k = 0; k < BS_KIND_COUNT; k++)
				if (strncmp(r.ev[i], kind_names[k],
				    strlen(kind_names[k])) == 0)
					kinds[k]++;
			if (first[0] == '\0')
				snprintf(first, sizeof(first), "%s", r.ev[i]);
		}
	}
	fclose(f);
	fmt->close(st);
	ck_assert_str_eq(first, c->first);
	ck_assert_uint_eq(kinds[BS_DELIVERED], c->delivered);
	ck_assert_uint_eq(kinds[BS_DEFERRED], c->deferred);
	ck_assert_uint_eq(kinds[BS_BOUNCED], c->bounced);
	ck_assert_uint_eq(kinds[BS_EXPIRED], c->expired);
	ck_assert_uint_eq(kinds[BS_REJECTED], 0);
	ck_assert_uint_eq(dsn, c->dsn);
}
END_TEST

Suite *
m365_suite(void)
{
	Suite *s = suite_create("m365");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_rows, 0,
	    (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_headers);
	tcase_add_test(tc, test_odd_lines);
	tcase_add_test(tc, test_stamps);
	tcase_add_loop_test(tc, test_probe, 0,
	    (int)(sizeof(probes) / sizeof(probes[0])));
	tcase_add_test(tc, test_detect);
	tcase_add_loop_test(tc, test_files, 0,
	    (int)(sizeof(files) / sizeof(files[0])));
	suite_add_tcase(s, tc);
	return s;
}
