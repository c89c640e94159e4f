/*
 * check_exchange.c - the Exchange message tracking parser
 * (src/fmt_exchange.c) driven through bs_format_exchange with the built-in
 * patterns: the event-id mapping, one event per recipient, the split of
 * recipient-status, LED= statuses, expiry, message ids, the headers and the
 * headerless layouts, probe(), and the files of testdata/exchange/.
 *
 * Rows are built from a table: each case names a layout and the few
 * columns that matter, and build_row() fills in the others with
 * realistic values (a subject with commas, quotes and UTF-8, a
 * source-context and a custom-data that hold codes and ';' of their own,
 * which must never be read).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "format.h"
#include "patterns.h"
#include "suites.h"

#define MAX_EVENTS 32
#define EV_TEXT 256

/* What the emit callback saw, each event rendered as one string. */
struct recorder {
	size_t n;
	char ev[MAX_EVENTS][EV_TEXT];
	char reply[MAX_EVENTS][EV_TEXT];
	char stamp[MAX_EVENTS][64];
};

static const char *const kind_names[BS_KIND_COUNT] = {
	"delivered", "deferred", "bounced", "expired", "rejected"
};

/*
 * "kind basic enhanced msgid", "-" for what is absent, and " refused" or
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
	snprintf(r->reply[i], EV_TEXT, "%.*s", ev->reply ?
	    (int)ev->reply_len : 0, ev->reply ? ev->reply : "");
	snprintf(r->stamp[i], sizeof(r->stamp[i]), "%.*s", ev->stamp ?
	    (int)ev->stamp_len : 0, ev->stamp ? ev->stamp : "");
}

/* The built-in patterns, loaded once per test process. */
static struct bs_patterns *pats;

static void
setup(void)
{
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_msg(bs_patterns_load(NULL, &pats, &d) == BS_OK,
	    "patterns: %s", d.msg);
}

static void
teardown(void)
{
	bs_patterns_free(pats);
	pats = NULL;
}

static void *
open_parser(void)
{
	struct bs_diag d;
	void *st = NULL;

	bs_diag_clear(&d);
	ck_assert_msg(bs_format_exchange.open(pats, &st, &d) == BS_OK,
	    "open: %s", d.msg);
	ck_assert_ptr_nonnull(st);
	return st;
}

static void
feed(void *st, const char *text, struct recorder *r)
{
	static uint64_t lineno;
	struct bs_line line;

	line.ptr = text;
	line.len = strlen(text);
	line.lineno = ++lineno;
	line.cut = false;
	ck_assert_int_eq(bs_format_exchange.parse(st, &line, record, r),
	    BS_OK);
}

/* The standard "#Fields:" lines, written out independently of the parser. */
#define F_HEAD "#Fields: date-time,client-ip,client-hostname,server-ip," \
	"server-hostname,source-context,connector-id,source,event-id," \
	"internal-message-id,message-id,"
#define F_TAIL "recipient-address,recipient-status,total-bytes," \
	"recipient-count,related-recipient-address,reference," \
	"message-subject,sender-address,return-path,message-info," \
	"directionality,tenant-id,original-client-ip,original-server-ip," \
	"custom-data"
static const char h2010[] = F_HEAD F_TAIL;
static const char h2013[] = F_HEAD "network-message-id," F_TAIL;
static const char h2016[] = F_HEAD "network-message-id," F_TAIL
	",transport-traffic-type,log-id,schema-version";

enum mode {
	M2016,		/* 30 columns under a 2016 header */
	M2013,		/* 27 columns under a 2013 header */
	M2010,		/* 26 columns under a 2010 header */
	M2016_BARE,	/* the same rows with no header at all */
	M2013_BARE,
	M2010_BARE,
	M_COUNT
};

/* Default values of the 30 columns of Exchange 2016. */
static const char *const defaults[30] = {
	"2026-11-28T10:00:00.123Z", "10.0.0.5", "EX01", "192.0.2.25",
	"mx.example.net", "08DD0E5A1B2C3D4E;250 2.0.0 OK;ClientSubmitTime:",
	"Outbound to Internet", "SMTP", NULL, NULL, NULL,
	"5f0d3c2a-8b1e-4c8e-9a55-08dd0e5a1b2c", NULL, NULL, "48213", "1", "",
	"", "Angebot, \"final\" – Grüße aus Köln", "alice@example.org",
	"alice@example.org",
	"2026-11-28T09:59:58.000Z;SRV=EX01.corp.example.org:TOTAL=0",
	"Originating", "", "10.0.0.5", "10.0.0.9",
	"S:DeliveryPriority=Normal;S:Err=550 5.7.1 never read",
	"Email", "08DD0E5A1B2C3D4F", "15.02.1544.004"
};

struct row {
	const char *event;
	const char *mid;
	const char *imid;
	const char *rcpt;
	const char *status;
};

/* Append one CSV field, quoted when it holds a comma or a quote. */
static void
put_field(char *out, size_t outsz, const char *v, int first)
{
	size_t n = strlen(out);

	if (!first && n + 1 < outsz)
		out[n++] = ',';
	if (strpbrk(v, ",\"") == NULL) {
		snprintf(out + n, outsz - n, "%s", v);
		return;
	}
	if (n + 1 < outsz)
		out[n++] = '"';
	for (; *v != '\0' && n + 2 < outsz; v++) {
		if (*v == '"')
			out[n++] = '"';
		out[n++] = *v;
	}
	out[n++] = '"';
	out[n] = '\0';
}

static void
build_row(char *out, size_t outsz, enum mode m, const struct row *r)
{
	const char *v[30];
	size_t i, ncols;
	int first = 1;

	memcpy(v, defaults, sizeof(v));
	v[8] = r->event;
	v[9] = r->imid;
	v[10] = r->mid;
	v[12] = r->rcpt;
	v[13] = r->status;
	out[0] = '\0';
	ncols = m == M2016 || m == M2016_BARE ? 30 : 27;
	for (i = 0; i < ncols; i++) {
		/* Exchange 2010 has no network-message-id. */
		if (i == 11 && (m == M2010 || m == M2010_BARE))
			continue;
		put_field(out, outsz, v[i], first);
		first = 0;
	}
}

static const char *
header_of(enum mode m)
{
	switch (m) {
	case M2016:
		return h2016;
	case M2013:
		return h2013;
	case M2010:
		return h2010;
	default:
		return NULL;
	}
}

#define MID "<6a1f@corp.example.org>"
#define IMID "4398046511105"

struct exch_case {
	const char *name;
	enum mode mode;
	struct row row;
	const char *want[6];	/* NULL-terminated */
};

#define LED_DEFER "[{LRT=2026-11-28T09:58:00.000Z};{LED=451 4.4.0 " \
	"Primary target IP address responded with: \"421 4.4.2 Connection " \
	"dropped due to SocketError.\"; Attempted failover to alternate " \
	"host, but that did not succeed.};{FQDN=mx.example.net};" \
	"{IP=192.0.2.25}]"

static const struct exch_case cases[] = {
	/* The event-id mapping, one recipient each. */
	{ "DELIVER", M2016, { "DELIVER", MID, IMID, "bob@corp.example.org",
	    "250 2.1.5 Recipient OK" }, { "delivered 250 2.1.5 " MID } },
	{ "SEND", M2016, { "SEND", MID, IMID, "carol@example.net",
	    "250 2.6.0 " MID " [InternalId=4398046511105, Hostname=EX02] "
	    "Queued mail for delivery" }, { "delivered 250 2.6.0 " MID } },
	{ "SENDEXTERNAL", M2016, { "SENDEXTERNAL", MID, IMID,
	    "dave@example.net", "250 2.0.0 OK" },
	    { "delivered 250 2.0.0 " MID } },
	{ "DEFER with LED", M2016, { "DEFER", MID, IMID, "erin@example.net",
	    LED_DEFER }, { "deferred 451 4.4.0 " MID } },
	{ "DEFER plain", M2010, { "DEFER", MID, IMID, "erin@example.net",
	    "451 4.4.0 DNS query failed" }, { "deferred 451 4.4.0 " MID } },
	{ "FAIL 5.1.1", M2016, { "FAIL", MID, IMID, "nobody@corp.example.org",
	    "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found" },
	    { "bounced 550 5.1.1 " MID } },
	{ "FAIL expired 4.4.7", M2016, { "FAIL", MID, IMID, "f@example.net",
	    "550 4.4.7 QUEUE.Expired; message expired" },
	    { "expired 550 4.4.7 " MID } },
	{ "FAIL expired 5.4.7 in LED", M2016, { "FAIL", MID, IMID,
	    "f@example.net", "[{LRT=2026-11-28T09:00:00.000Z};{LED=550 5.4.7 "
	    "Message expired, delivery attempts exceeded};{FQDN=};{IP=}]" },
	    { "expired 550 5.4.7 " MID } },
	{ "FAIL expired QUEUE.Expired in LED", M2013, { "FAIL", MID, IMID,
	    "f@example.net", "[{LED=550 4.4.7 QUEUE.Expired; message "
	    "expired};{FQDN=mx.example.net};{IP=192.0.2.25}]" },
	    { "expired 550 4.4.7 " MID } },
	{ "FAIL expired enhanced only", M2016, { "FAIL", MID, IMID,
	    "f@example.net", "4.4.7 message expired" },
	    { "expired - 4.4.7 " MID } },
	{ "FAIL x.4.70 is not expiry", M2016, { "FAIL", MID, IMID,
	    "f@example.net", "550 5.4.70 something else" },
	    { "bounced 550 5.4.70 " MID } },
	{ "FAIL with 4.7.4 is not expiry", M2016, { "FAIL", MID, IMID,
	    "f@example.net", "550 4.7.4 policy" },
	    { "bounced 550 4.7.4 " MID } },
	{ "DEFER with 4.4.7 stays deferred", M2016, { "DEFER", MID, IMID,
	    "f@example.net", "451 4.4.7 delayed" },
	    { "deferred 451 4.4.7 " MID } },
	{ "glued enhanced code", M2016, { "DELIVER", MID, IMID,
	    "bob@corp.example.org", "250 2.1.5Recipient OK" },
	    { "delivered 250 2.1.5 " MID } },
	{ "LED empty", M2016, { "FAIL", MID, IMID, "g@example.net",
	    "[{LRT=};{LED=};{FQDN=};{IP=}]" }, { "bounced - - " MID } },
	{ "LED connection refused", M2016, { "DEFER", MID, IMID,
	    "g@example.net", "[{LRT=};{LED=Connection refused by "
	    "192.0.2.25:25};{FQDN=};{IP=192.0.2.25}]" },
	    { "deferred - - " MID " refused" } },
	{ "LED text holding braces", M2016, { "FAIL", MID, IMID,
	    "g@example.net", "[{LED=550 5.7.1 rule {R1} matched; "
	    "rejected};{FQDN=};{IP=}]" }, { "bounced 550 5.7.1 " MID } },

	/* Event ids that are no events, whatever their status says. */
	{ "DSN", M2016, { "DSN", MID, IMID, "alice@example.org",
	    "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found" }, { NULL } },
	{ "RECEIVE", M2016, { "RECEIVE", MID, IMID, "bob@corp.example.org",
	    "To" }, { NULL } },
	{ "HAREDIRECTFAIL", M2016, { "HAREDIRECTFAIL", MID, IMID,
	    "bob@corp.example.org", "451 4.4.0 shadow failed" }, { NULL } },
	{ "TRANSFER", M2016, { "TRANSFER", MID, IMID, "b@x.example", "" },
	    { NULL } },
	{ "EXPAND", M2016, { "EXPAND", MID, IMID, "b@x.example", "" },
	    { NULL } },
	{ "SUBMIT", M2016, { "SUBMIT", MID, IMID, "b@x.example", "" },
	    { NULL } },
	{ "RESOLVE", M2016, { "RESOLVE", MID, IMID, "b@x.example", "" },
	    { NULL } },
	{ "AGENTINFO", M2016, { "AGENTINFO", MID, IMID, "b@x.example", "" },
	    { NULL } },
	{ "POISONMESSAGE", M2016, { "POISONMESSAGE", MID, IMID, "b@x.example",
	    "550 5.0.0 poison" }, { NULL } },
	{ "DELIVERFAIL", M2016, { "DELIVERFAIL", MID, IMID, "b@x.example",
	    "550 5.2.0 folder missing" }, { NULL } },
	{ "DUPLICATEDELIVER", M2016, { "DUPLICATEDELIVER", MID, IMID,
	    "b@x.example", "250 2.1.5 OK" }, { NULL } },
	{ "lower-case deliver", M2016, { "deliver", MID, IMID, "b@x.example",
	    "250 2.1.5 OK" }, { NULL } },
	{ "FAIL with a trailing space", M2016, { "FAIL ", MID, IMID,
	    "b@x.example", "550 5.1.1 x" }, { NULL } },
	{ "SENDER is not SEND", M2016, { "SENDER", MID, IMID, "b@x.example",
	    "250 2.1.5 OK" }, { NULL } },

	/* One event per recipient. */
	{ "three recipients, three statuses", M2016, { "DELIVER", MID, IMID,
	    "a@corp.example.org;b@corp.example.org;c@corp.example.org",
	    "250 2.1.5 Recipient OK;250 2.1.5 Recipient OK;250 2.1.5 "
	    "Recipient OK" }, { "delivered 250 2.1.5 " MID,
	    "delivered 250 2.1.5 " MID, "delivered 250 2.1.5 " MID } },
	{ "';' inside statuses", M2016, { "FAIL", MID, IMID,
	    "a@corp.example.org;b@corp.example.org",
	    "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found;550 5.2.2 "
	    "STOREDRV.Deliver; mailbox full" },
	    { "bounced 550 5.1.1 " MID, "bounced 550 5.2.2 " MID } },
	{ "one status for all", M2016, { "DELIVER", MID, IMID,
	    "a@x.example;b@x.example;c@x.example", "250 2.1.5 Recipient OK" },
	    { "delivered 250 2.1.5 " MID, "delivered 250 2.1.5 " MID,
	    "delivered 250 2.1.5 " MID } },
	{ "last status for the rest", M2016, { "FAIL", MID, IMID,
	    "a@x.example;b@x.example;c@x.example",
	    "550 5.1.1 unknown;550 5.2.1 disabled; try later" },
	    { "bounced 550 5.1.1 " MID, "bounced 550 5.2.1 " MID,
	    "bounced 550 5.2.1 " MID } },
	{ "more statuses than recipients", M2016, { "FAIL", MID, IMID,
	    "a@x.example", "550 5.1.1 unknown;550 5.2.1 disabled" },
	    { "bounced 550 5.1.1 " MID } },
	{ "mixed outcomes expire per recipient", M2016, { "FAIL", MID, IMID,
	    "a@x.example;b@x.example",
	    "550 4.4.7 QUEUE.Expired; message expired;550 5.1.1 unknown" },
	    { "expired 550 4.4.7 " MID, "bounced 550 5.1.1 " MID } },
	{ "two LED statuses", M2016, { "DEFER", MID, IMID,
	    "a@x.example;b@y.example",
	    "[{LRT=};{LED=451 4.4.0 DNS query failed; the error was: "
	    "SMTPSEND.DNS.NonExistentDomain};{FQDN=};{IP=}];"
	    "[{LRT=};{LED=421 4.4.2 Connection dropped};{FQDN=};{IP=}]" },
	    { "deferred 451 4.4.0 " MID, "deferred 421 4.4.2 " MID } },
	{ "enhanced-only boundaries", M2016, { "FAIL", MID, IMID,
	    "a@x.example;b@x.example", "5.1.1 unknown user;5.1.10 not found" },
	    { "bounced - 5.1.1 " MID, "bounced - 5.1.10 " MID } },
	{ "boundary with a dash", M2016, { "FAIL", MID, IMID,
	    "a@x.example;b@x.example", "550-5.1.1 unknown;550-5.7.1 denied" },
	    { "bounced 550 5.1.1 " MID, "bounced 550 5.7.1 " MID } },
	{ "no split inside brackets", M2016, { "FAIL", MID, IMID,
	    "a@x.example;b@x.example",
	    "550 4.4.7 QUEUE.Expired; message expired [Message=451 4.4.0 "
	    "DNS query failed; 451 4.4.0 retry] [LastAttemptedServerName="
	    "mx.example.net]" },
	    { "expired 550 4.4.7 " MID, "expired 550 4.4.7 " MID } },
	{ "no split before a number that is no code", M2016, { "FAIL", MID,
	    IMID, "a@x.example;b@x.example",
	    "550 5.2.2 quota; 1024 MB used;550 5.1.1 unknown" },
	    { "bounced 550 5.2.2 " MID, "bounced 550 5.1.1 " MID } },
	{ "empty recipients do not count", M2016, { "DELIVER", MID, IMID,
	    "a@x.example; ;b@x.example;", "250 2.1.5 OK" },
	    { "delivered 250 2.1.5 " MID, "delivered 250 2.1.5 " MID } },
	{ "no recipient is still one event", M2016, { "FAIL", MID, IMID, "",
	    "550 5.4.4 ROUTING.NoNextHop; unreachable" },
	    { "bounced 550 5.4.4 " MID } },
	{ "no status", M2016, { "SEND", MID, IMID, "a@x.example;b@x.example",
	    "" }, { "delivered - - " MID, "delivered - - " MID } },

	/* Message ids. */
	{ "internal-message-id when message-id is empty", M2016, { "DELIVER",
	    "", IMID, "a@x.example", "250 2.1.5 OK" },
	    { "delivered 250 2.1.5 " IMID } },
	{ "no message id at all", M2016, { "DELIVER", "", "", "a@x.example",
	    "250 2.1.5 OK" }, { "delivered 250 2.1.5 -" } },

	/* Other layouts, with and without their header. */
	{ "2013 header", M2013, { "FAIL", MID, IMID, "a@x.example",
	    "550 5.1.1 unknown" }, { "bounced 550 5.1.1 " MID } },
	{ "2010 header", M2010, { "FAIL", MID, IMID, "a@x.example;b@x.example",
	    "550 5.1.1 unknown;550 5.1.2 bad domain" },
	    { "bounced 550 5.1.1 " MID, "bounced 550 5.1.2 " MID } },
	{ "headerless 30 columns", M2016_BARE, { "DEFER", MID, IMID,
	    "a@x.example", LED_DEFER }, { "deferred 451 4.4.0 " MID } },
	{ "headerless 27 columns", M2013_BARE, { "FAIL", "", IMID,
	    "a@x.example", "550 5.1.1 unknown" },
	    { "bounced 550 5.1.1 " IMID } },
	{ "headerless 26 columns", M2010_BARE, { "SEND", MID, IMID,
	    "a@x.example;b@x.example", "250 2.1.5 OK;250 2.1.5 OK" },
	    { "delivered 250 2.1.5 " MID, "delivered 250 2.1.5 " MID } },
	{ "headerless non-event", M2010_BARE, { "RECEIVE", MID, IMID,
	    "a@x.example", "To" }, { NULL } }
};

START_TEST(test_rows)
{
	const struct exch_case *c = &cases[_i];
	struct recorder r;
	char line[4096];
	void *st = open_parser();
	size_t i, nwant = 0;

	memset(&r, 0, sizeof(r));
	if (header_of(c->mode) != NULL) {
		feed(st, "#Software: Microsoft Exchange Server", &r);
		feed(st, "#Version: 15.2.1544.4", &r);
		feed(st, header_of(c->mode), &r);
	}
	build_row(line, sizeof(line), c->mode, &c->row);
	feed(st, line, &r);
	bs_format_exchange.close(st);
	while (nwant < 6 && c->want[nwant] != NULL)
		nwant++;
	ck_assert_msg(r.n == nwant, "%s: %zu events, expected %zu (row %s)",
	    c->name, r.n, nwant, line);
	for (i = 0; i < nwant; i++)
		ck_assert_msg(strcmp(r.ev[i], c->want[i]) == 0,
		    "%s: event %zu is \"%s\", expected \"%s\"", c->name, i,
		    r.ev[i], c->want[i]);
}
END_TEST

/* The reply and stamp handed on are the status text used and date-time. */
START_TEST(test_reply_and_stamp)
{
	struct recorder r;
	char line[4096];
	void *st = open_parser();
	const struct row multi = { "FAIL", MID, IMID,
	    "a@x.example; b@x.example",
	    "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ; 550 5.2.2 "
	    "STOREDRV.Deliver; mailbox full" };
	const struct row led = { "DEFER", MID, IMID, "a@x.example", LED_DEFER };

	memset(&r, 0, sizeof(r));
	feed(st, h2016, &r);
	build_row(line, sizeof(line), M2016, &multi);
	feed(st, line, &r);
	build_row(line, sizeof(line), M2016, &led);
	feed(st, line, &r);
	bs_format_exchange.close(st);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_str_eq(r.reply[0],
	    "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found");
	ck_assert_str_eq(r.reply[1],
	    "550 5.2.2 STOREDRV.Deliver; mailbox full");
	ck_assert_str_eq(r.reply[2], "451 4.4.0 Primary target IP address "
	    "responded with: \"421 4.4.2 Connection dropped due to "
	    "SocketError.\"; Attempted failover to alternate host, but that "
	    "did not succeed.");
	ck_assert_str_eq(r.stamp[0], "2026-11-28T10:00:00.123Z");
	ck_assert_str_eq(r.stamp[2], "2026-11-28T10:00:00.123Z");
}
END_TEST

/*
 * The header drives the columns and may change mid-stream: a second log
 * concatenated to the first brings its own BOM and "#Fields:" line, a
 * custom column order is read by name, and a "#Fields:" line without
 * event-id (an SMTP protocol log) turns the rows under it off.
 */
START_TEST(test_header_changes)
{
	struct recorder r;
	char line[4096];
	void *st = open_parser();
	const struct row fail = { "FAIL", MID, IMID, "a@x.example",
	    "550 5.1.1 unknown" };

	memset(&r, 0, sizeof(r));
	feed(st, "\xEF\xBB\xBF#Software: Microsoft Exchange Server", &r);
	feed(st, "#Version: 15.2.1544.4", &r);
	feed(st, "#Log-type: Message Tracking Log", &r);
	feed(st, "#Date: 2026-11-28T00:00:01.000Z", &r);
	feed(st, h2016, &r);
	build_row(line, sizeof(line), M2016, &fail);
	feed(st, line, &r);
	ck_assert_uint_eq(r.n, 1);

	/* A second log, BOM and all, with its own column order. */
	feed(st, "\xEF\xBB\xBF#Software: Microsoft Exchange Server", &r);
	feed(st, "\xEF\xBB\xBF" "#Fields: event-id,recipient-status,"
	    "date-time,recipient-address,message-id", &r);
	feed(st, "DEFER,451 4.7.500 Server busy; try later,"
	    "2026-11-28T11:00:00.000Z,q@x.example,<custom@x>", &r);
	feed(st, "\"FAIL\",\"550 5.7.1 Blocked, by policy\",,q@x.example,", &r);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_str_eq(r.ev[1], "deferred 451 4.7.500 <custom@x>");
	ck_assert_str_eq(r.stamp[1], "2026-11-28T11:00:00.000Z");
	ck_assert_str_eq(r.ev[2], "bounced 550 5.7.1 -");
	ck_assert_str_eq(r.stamp[2], "");

	/* A 30-column row under the custom header: its column 0 is no id. */
	build_row(line, sizeof(line), M2016, &fail);
	feed(st, line, &r);
	ck_assert_uint_eq(r.n, 3);

	feed(st, "#Software: Microsoft Exchange Server", &r);
	feed(st, "#Log-type: SMTP Send Protocol Log", &r);
	feed(st, "#Fields: date-time,connector-id,session-id,sequence-number,"
	    "local-endpoint,remote-endpoint,event,data,context", &r);
	feed(st, "2026-11-28T10:00:00.000Z,Outbound,08DD0E5A1B2C3D4E,5,"
	    "10.0.0.9:51000,192.0.2.25:25,<,550 5.1.1 unknown,", &r);
	build_row(line, sizeof(line), M2016, &fail);
	feed(st, line, &r);
	ck_assert_uint_eq(r.n, 3);

	feed(st, h2010, &r);
	build_row(line, sizeof(line), M2010, &fail);
	feed(st, line, &r);
	ck_assert_uint_eq(r.n, 4);
	ck_assert_str_eq(r.ev[3], "bounced 550 5.1.1 " MID);
	bs_format_exchange.close(st);
}
END_TEST

/* Lines that are no rows pass without events or harm. */
START_TEST(test_odd_lines)
{
	static char big[BS_LINE_MAX];
	static const char *const odd[] = {
		"", "#", "\xEF\xBB\xBF", ",,,,,,,,,,,,,,,,,,,,,,,,,",
		"\"", "\"\"\"", "2026-11-28T10:00:00.000Z,1,2,3",
		"DELIVER,DELIVER,DELIVER", "#Fields:", "#Fields: ,,,"
	};
	struct recorder r;
	struct bs_line line;
	void *st = open_parser();
	size_t i, pass;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		feed(st, odd[i], &r);
	/* A maximal line of quotes, commas and brackets, twice. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = "\",;[{}]5"[i % 8];
	for (pass = 0; pass < 2; pass++) {
		line.ptr = big;
		line.len = sizeof(big);
		line.lineno = 1;
		line.cut = true;
		ck_assert_int_eq(bs_format_exchange.parse(st, &line, record,
		    &r), BS_OK);
		feed(st, h2016, &r);
	}
	ck_assert_uint_eq(r.n, 0);
	bs_format_exchange.close(st);
	bs_format_exchange.close(NULL);
}
END_TEST

/* Many recipients and statuses on one long row: all paired in order. */
START_TEST(test_many_recipients)
{
	static char rcpt[8192], status[16384], line[32768];
	const struct row row = { "FAIL", MID, IMID, rcpt, status };
	struct recorder r;
	void *st = open_parser();
	size_t i, rn = 0, sn = 0;

	for (i = 0; i < 20; i++) {
		rn += (size_t)snprintf(rcpt + rn, sizeof(rcpt) - rn,
		    "%su%zu@x.example", i ? ";" : "", i);
		sn += (size_t)snprintf(status + sn, sizeof(status) - sn,
		    "%s550 5.1.%zu RESOLVER.ADR.RecipNotFound; not found",
		    i ? ";" : "", i);
	}
	memset(&r, 0, sizeof(r));
	feed(st, h2016, &r);
	build_row(line, sizeof(line), M2016, &row);
	feed(st, line, &r);
	bs_format_exchange.close(st);
	ck_assert_uint_eq(r.n, 20);
	for (i = 0; i < 20; i++) {
		char want[64];

		snprintf(want, sizeof(want), "bounced 550 5.1.%zu " MID, i);
		ck_assert_str_eq(r.ev[i], want);
	}
}
END_TEST

struct probe_case {
	const char *line;
	int want;
};

static const struct probe_case probes[] = {
	{ "#Software: Microsoft Exchange Server", 2 },
	{ "\xEF\xBB\xBF#Software: Microsoft Exchange Server", 2 },
	{ "#Log-type: Message Tracking Log", 2 },
	{ "#Fields: date-time,client-ip,client-hostname", 2 },
	{ "\xEF\xBB\xBF#Fields: date-time,event-id", 2 },
	{ "#Version: 15.0.0.0", 0 },
	{ "#Software: Microsoft Internet Information Services 10.0", 0 },
	{ "2026-11-28T10:00:00.123Z,10.0.0.5,,,,,,,,,,,,,,,,,,,,,,,,", 1 },
	{ "2026-11-28T10:00:00Z,,,,,,,,,,,,,,,,,,,,,,,,,\r", 1 },
	{ "2026-11-28T10:00:00.123Z,10.0.0.5,,,", 0 },
	{ "2026-11-28 10:00:00.123Z,,,,,,,,,,,,,,,,,,,,,,,,,", 0 },
	{ "2026-11-28T10:00:00.123+01:00,,,,,,,,,,,,,,,,,,,,,,,,,", 0 },
	{ "Nov 28 10:00:00 mx postfix/smtp[123]: 4F1: to=<a@x>, "
	    "status=sent (250 2.0.0 OK)", 0 },
	{ "2026-11-28 10:00:00 1vXyZa-000123-AB => a@x R=dnslookup", 0 },
	{ "2026-11-28T10:00:00.123456+00:00 mx postfix/smtp[1]: x", 0 },
	{ "", 0 },
	{ "2026", 0 }
};

START_TEST(test_probe)
{
	const struct probe_case *c = &probes[_i];

	ck_assert_msg(bs_format_exchange.probe(c->line, strlen(c->line)) ==
	    c->want, "probe(\"%s\") should be %d", c->line, c->want);
}
END_TEST

/* Kinds counted over one file of testdata/exchange/, read line by line. */
static void
count_file(const char *path, size_t kinds[BS_KIND_COUNT], size_t *events)
{
	static char buf[BS_LINE_MAX];
	struct recorder r;
	FILE *f = fopen(path, "rb");
	void *st = open_parser();
	uint64_t lineno = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	memset(kinds, 0, BS_KIND_COUNT * sizeof(kinds[0]));
	*events = 0;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		struct bs_line line;
		size_t n = strlen(buf), i;

		if (n > 0 && buf[n - 1] == '\n')
			n--;
		if (n > 0 && buf[n - 1] == '\r')
			n--;
		line.ptr = buf;
		line.len = n;
		line.lineno = ++lineno;
		line.cut = false;
		memset(&r, 0, sizeof(r));
		ck_assert_int_eq(bs_format_exchange.parse(st, &line, record,
		    &r), BS_OK);
		for (i = 0; i < r.n && i < MAX_EVENTS; i++) {
			size_t k;

			for (k = 0; k < BS_KIND_COUNT; k++)
				if (strncmp(r.ev[i], kind_names[k],
				    strlen(kind_names[k])) == 0)
					kinds[k]++;
		}
		*events += r.n;
	}
	fclose(f);
	bs_format_exchange.close(st);
}

struct file_case {
	const char *path;
	size_t events, delivered, deferred, bounced, expired;
};

static const struct file_case files[] = {
	{ "../testdata/exchange/MSGTRK20261128-1.LOG", 14, 8, 2, 3, 1 },
	{ "../testdata/exchange/MSGTRK20101115-1.LOG", 8, 4, 1, 2, 1 },
	{ "../testdata/exchange/extract-noheader.csv", 7, 3, 1, 2, 1 },
	{ "../testdata/exchange/concatenated.LOG", 10, 5, 1, 3, 1 }
};

START_TEST(test_files)
{
	const struct file_case *c = &files[_i];
	size_t kinds[BS_KIND_COUNT], events;

	count_file(c->path, kinds, &events);
	ck_assert_msg(events == c->events, "%s: %zu events, expected %zu",
	    c->path, events, c->events);
	ck_assert_uint_eq(kinds[BS_DELIVERED], c->delivered);
	ck_assert_uint_eq(kinds[BS_DEFERRED], c->deferred);
	ck_assert_uint_eq(kinds[BS_BOUNCED], c->bounced);
	ck_assert_uint_eq(kinds[BS_EXPIRED], c->expired);
	ck_assert_uint_eq(kinds[BS_REJECTED], 0);
}
END_TEST

Suite *
exchange_suite(void)
{
	Suite *s = suite_create("exchange");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_rows, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_reply_and_stamp);
	tcase_add_test(tc, test_header_changes);
	tcase_add_test(tc, test_odd_lines);
	tcase_add_test(tc, test_many_recipients);
	tcase_add_loop_test(tc, test_probe, 0,
	    (int)(sizeof(probes) / sizeof(probes[0])));
	tcase_add_loop_test(tc, test_files, 0,
	    (int)(sizeof(files) / sizeof(files[0])));
	suite_add_tcase(s, tc);
	return s;
}
