/*
 * check_exchange.c - the Exchange message tracking parser
 * (src/fmt_exchange.c) driven through bs_format_exchange with the built-in
 * patterns: the event-id mapping, one event per recipient, the split of
 * recipient-status, LED= statuses, expiry, message ids, the event record
 * (recipient, remote host, sender, reply), the headers and the headerless
 * layouts, probe(), and the files of testdata/exchange/.
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

/* A text field of the record as seen: null (not stated) or its bytes. */
struct rec_text {
	bool null;
	char s[EV_TEXT];
};

/*
 * What the emit callback saw, each event rendered as one string; and the
 * notifications this server sent (DSN rows), with the last one's id.
 */
struct recorder {
	size_t notes;
	char notify_id[EV_TEXT];
	size_t n;
	char ev[MAX_EVENTS][EV_TEXT];
	char reply[MAX_EVENTS][EV_TEXT];
	char stamp[MAX_EVENTS][64];
	struct rec_text rreply[MAX_EVENTS];
	struct rec_text rcpt[MAX_EVENTS];
	struct rec_text remote[MAX_EVENTS];
	struct rec_text ip[MAX_EVENTS];
	struct rec_text sender[MAX_EVENTS];
};

static const char *const kind_names[BS_KIND_COUNT] = {
	"delivered", "deferred", "bounced", "expired", "rejected"
};

static void
keep(struct rec_text *t, const char *p, size_t n)
{
	/* A field not stated has no length either. */
	ck_assert(p != NULL || n == 0);
	t->null = p == NULL;
	snprintf(t->s, sizeof(t->s), "%.*s", p != NULL ? (int)n : 0,
	    p != NULL ? p : "");
}

/*
 * "kind basic enhanced msgid", "-" for what is absent, and " refused" or
 * " connfail" when the event carries connection-failure bits; the record's
 * text fields kept apart.  What Exchange never states is checked here, on
 * every event of every test: it is an event (the only note Exchange gives
 * is a DSN row's notification, counted apart), with no delay, and no time
 * (run.c reads that from the stamp later).
 */
static void
record(void *ctx, const struct bs_event *ev)
{
	struct recorder *r = ctx;
	size_t i;

	if (ev->note == BS_NOTE_NOTIFY) {
		ck_assert_int_eq(ev->kind, BS_BOUNCED);
		r->notes++;
		snprintf(r->notify_id, sizeof(r->notify_id), "%.*s",
		    (int)ev->notify_id.len,
		    ev->notify_id.ptr != NULL ? ev->notify_id.ptr : "");
		return;
	}
	i = r->n++;
	ck_assert_int_eq(ev->note, BS_NOTE_EVENT);
	ck_assert(ev->delay < 0);
	ck_assert(!ev->timed);
	ck_assert(ev->time == 0);
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
	keep(&r->rreply[i], ev->reply, ev->reply_len);
	keep(&r->rcpt[i], ev->recipient.ptr, ev->recipient.len);
	keep(&r->remote[i], ev->remote.ptr, ev->remote.len);
	keep(&r->ip[i], ev->remote_ip.ptr, ev->remote_ip.len);
	keep(&r->sender[i], ev->sender.ptr, ev->sender.len);
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

/*
 * The columns of the record that a case may set as well; NULL keeps the
 * default, "" makes the column empty.
 */
struct cols {
	const char *shost;
	const char *sip;
	const char *sender;
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
build_row_cols(char *out, size_t outsz, enum mode m, const struct row *r,
    const struct cols *c)
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
	if (c != NULL && c->sip != NULL)
		v[3] = c->sip;
	if (c != NULL && c->shost != NULL)
		v[4] = c->shost;
	if (c != NULL && c->sender != NULL)
		v[19] = c->sender;
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

static void
build_row(char *out, size_t outsz, enum mode m, const struct row *r)
{
	build_row_cols(out, outsz, m, r, NULL);
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

/*
 * A DSN row is no event but a notification this server sent, under the
 * DSN's own message id (README "Notifications sent"); other rows are none.
 */
START_TEST(test_dsn)
{
	const struct row dsn = { "DSN", "<dsn-14333@EX01.example.org>", IMID,
		"alice@example.org", "" };
	const struct row recv = { "RECEIVE", MID, IMID, "alice@example.org",
		"" };
	struct recorder r;
	char line[4096];
	void *st = open_parser();

	memset(&r, 0, sizeof(r));
	feed(st, header_of(M2016), &r);
	build_row(line, sizeof(line), M2016, &dsn);
	feed(st, line, &r);
	build_row(line, sizeof(line), M2016, &recv);
	feed(st, line, &r);
	bs_format_exchange.close(st);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(r.notes, 1);
	ck_assert_str_eq(r.notify_id, "<dsn-14333@EX01.example.org>");
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
 * The event record: recipient, remote, remote_ip, sender and reply of every
 * event, NULL where the row does not state a field.  The next hop is
 * server-hostname and server-ip on SEND and SENDEXTERNAL rows, and the
 * {FQDN=} and {IP=} of a DEFER or FAIL status that is a last-error list;
 * every other row names none, although its server-* columns are filled
 * (with this server), as build_row's defaults are.
 */
struct want_rec {
	const char *ev;		/* as in cases[]; NULL ends the list */
	const char *rcpt;
	const char *remote;
	const char *ip;
	const char *sender;
	const char *reply;
};

struct rec_case {
	const char *name;
	enum mode mode;
	struct row row;
	struct cols cols;
	struct want_rec want[4];
};

#define SND "alice@example.org"
#define OK215 "250 2.1.5 Recipient OK"
#define LED_FAIL "[{LRT=2026-11-28T09:58:00.000Z};{LED=550 5.7.1 Service " \
	"unavailable; Client host [198.51.100.20] blocked using " \
	"zen.example.org};{FQDN=mx.example.com};{IP=203.0.113.50}]"
#define LED_FAIL_REPLY "550 5.7.1 Service unavailable; Client host " \
	"[198.51.100.20] blocked using zen.example.org"
#define LED_DEFER_REPLY "451 4.4.0 Primary target IP address responded " \
	"with: \"421 4.4.2 Connection dropped due to SocketError.\"; " \
	"Attempted failover to alternate host, but that did not succeed."

static const struct rec_case rec_cases[] = {
	/* The shapes of each event id. */
	{ "DELIVER names no host", M2016,
	    { "DELIVER", MID, IMID, "bob@corp.example.org", OK215 },
	    { "EX01.corp.example.org", "10.0.0.9", NULL },
	    { { "delivered 250 2.1.5 " MID, "bob@corp.example.org", NULL, NULL,
	    SND, OK215 } } },
	{ "SEND names the next hop", M2016,
	    { "SEND", MID, IMID, "carol@example.net", "250 2.0.0 OK" },
	    { "mx.example.net", "192.0.2.25", NULL },
	    { { "delivered 250 2.0.0 " MID, "carol@example.net",
	    "mx.example.net", "192.0.2.25", SND, "250 2.0.0 OK" } } },
	{ "SENDEXTERNAL names the next hop", M2016,
	    { "SENDEXTERNAL", MID, IMID, "dave@example.net",
	    "250 2.6.0 <x@y> [InternalId=1, "
	    "Hostname=EX02] Queued mail for delivery" },
	    { "contoso-com.mail.protection.outlook.com", "52.101.73.20", NULL },
	    { { "delivered 250 2.6.0 " MID, "dave@example.net",
	    "contoso-com.mail.protection.outlook.com", "52.101.73.20", SND,
	    "250 2.6.0 <x@y> [InternalId=1, Hostname=EX02] Queued mail for "
	    "delivery" } } },
	{ "SEND without server-ip", M2016,
	    { "SEND", MID, IMID, "dan@corp.example.org", "250 2.0.0 OK" },
	    { "EX02.corp.example.org", "", NULL },
	    { { "delivered 250 2.0.0 " MID, "dan@corp.example.org",
	    "EX02.corp.example.org", NULL, SND, "250 2.0.0 OK" } } },
	{ "SEND without a next hop", M2016,
	    { "SEND", MID, IMID, "dan@corp.example.org", "" },
	    { "", "", NULL },
	    { { "delivered - - " MID, "dan@corp.example.org", NULL, NULL, SND,
	    NULL } } },
	{ "SEND columns trimmed", M2016,
	    { "SENDEXTERNAL", MID, IMID, " dan@example.net ", "250 2.0.0 OK" },
	    { " mx.example.net ", " 192.0.2.25 ", " bob@example.org " },
	    { { "delivered 250 2.0.0 " MID, "dan@example.net", "mx.example.net",
	    "192.0.2.25", "bob@example.org", "250 2.0.0 OK" } } },
	{ "DEFER list names the host last tried", M2016,
	    { "DEFER", MID, IMID, "erin@example.net", LED_DEFER },
	    { "EX01", "10.0.0.9", NULL },
	    { { "deferred 451 4.4.0 " MID, "erin@example.net", "mx.example.net",
	    "192.0.2.25", SND, LED_DEFER_REPLY } } },
	{ "FAIL list names the host last tried", M2016,
	    { "FAIL", MID, IMID, "blocked@example.com", LED_FAIL },
	    { "EX01", "10.0.0.9", NULL },
	    { { "bounced 550 5.7.1 " MID, "blocked@example.com",
	    "mx.example.com", "203.0.113.50", SND, LED_FAIL_REPLY } } },
	{ "expired FAIL list", M2013,
	    { "FAIL", MID, IMID, "f@example.net",
	    "[{LED=550 4.4.7 QUEUE.Expired; message expired};"
	    "{FQDN=mx.example.net};{IP=192.0.2.25}]" },
	    { "EX01", "", NULL },
	    { { "expired 550 4.4.7 " MID, "f@example.net", "mx.example.net",
	    "192.0.2.25", SND, "550 4.4.7 QUEUE.Expired; message expired" } } },
	{ "list with empty FQDN and IP", M2016,
	    { "DEFER", MID, IMID, "g@example.net",
	    "[{LRT=};{LED=451 4.4.0 DNS query failed};{FQDN=};{IP=}]" },
	    { NULL, NULL, NULL },
	    { { "deferred 451 4.4.0 " MID, "g@example.net", NULL, NULL, SND,
	    "451 4.4.0 DNS query failed" } } },
	{ "list with the IP only", M2016,
	    { "FAIL", MID, IMID, "g@example.net",
	    "[{LRT=};{LED=554 5.4.300 Message expired};"
	    "{FQDN=};{IP=192.0.2.7}]" },
	    { NULL, NULL, NULL },
	    { { "bounced 554 5.4.300 " MID, "g@example.net", NULL, "192.0.2.7",
	    SND, "554 5.4.300 Message expired" } } },
	{ "list items in another order", M2016,
	    { "DEFER", MID, IMID, "g@example.net",
	    "[{IP=192.0.2.9};{XYZ=1};{FQDN=mx9.example.net};"
	    "{LED=451 4.4.0 timeout};{LRT=}]" },
	    { NULL, NULL, NULL },
	    { { "deferred 451 4.4.0 " MID, "g@example.net", "mx9.example.net",
	    "192.0.2.9", SND, "451 4.4.0 timeout" } } },
	{ "LED text holding item look-alikes", M2016,
	    { "FAIL", MID, IMID, "g@example.net",
	    "[{LRT=};{LED=550 5.7.1 rule {R1}; matched {FQDN=decoy.example} "
	    "and {IP=198.51.100.1}};{FQDN=mx.example.com};{IP=203.0.113.5}]" },
	    { NULL, NULL, NULL },
	    { { "bounced 550 5.7.1 " MID, "g@example.net", "mx.example.com",
	    "203.0.113.5", SND, "550 5.7.1 rule {R1}; matched "
	    "{FQDN=decoy.example} and {IP=198.51.100.1}" } } },
	{ "list cut inside an item", M2016,
	    { "DEFER", MID, IMID, "g@example.net",
	    "[{LRT=};{LED=451 4.4.0 timeout};"
	    "{FQDN=mx.example.net};{IP=192.0.2" },
	    { NULL, NULL, NULL },
	    { { "deferred 451 4.4.0 " MID, "g@example.net", "mx.example.net",
	    NULL, SND, "451 4.4.0 timeout" } } },
	{ "DEFER without a list names none", M2010,
	    { "DEFER", MID, IMID, "late@slow.example",
	    "451 4.4.0 DNS query failed" },
	    { "mx.example.net", "192.0.2.25", NULL },
	    { { "deferred 451 4.4.0 " MID, "late@slow.example", NULL, NULL, SND,
	    "451 4.4.0 DNS query failed" } } },
	{ "FAIL without a list names none", M2016,
	    { "FAIL", MID, IMID, "nobody@corp.example.org",
	    "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found" },
	    { "mx.example.net", "192.0.2.25", NULL },
	    { { "bounced 550 5.1.1 " MID, "nobody@corp.example.org", NULL, NULL,
	    SND, "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found" } } },
	{ "items outside a list are not read", M2016,
	    { "DEFER", MID, IMID, "g@example.net",
	    "451 4.4.0 {FQDN=mx.example.net};{IP=192.0.2.25}" },
	    { NULL, NULL, NULL },
	    { { "deferred 451 4.4.0 " MID, "g@example.net", NULL, NULL, SND,
	    "451 4.4.0 {FQDN=mx.example.net};{IP=192.0.2.25}" } } },
	{ "SEND with a list in its status", M2016,
	    { "SEND", MID, IMID, "g@example.net",
	    "[{LED=250 2.0.0 OK};{FQDN=other.example};{IP=192.0.2.99}]" },
	    { "mx.example.net", "192.0.2.25", NULL },
	    { { "delivered 250 2.0.0 " MID, "g@example.net", "mx.example.net",
	    "192.0.2.25", SND, "250 2.0.0 OK" } } },

	/* Several recipients: each paired with its status and host. */
	{ "each recipient its host", M2016,
	    { "DEFER", MID, IMID, "a@x.example;b@y.example",
	    "[{LRT=};{LED=451 4.4.0 DNS query failed};{FQDN=mx.x.example};"
	    "{IP=192.0.2.1}];[{LRT=};{LED=421 4.4.2 Connection dropped};"
	    "{FQDN=mx.y.example};{IP=192.0.2.2}]" },
	    { NULL, NULL, NULL },
	    { { "deferred 451 4.4.0 " MID, "a@x.example", "mx.x.example",
	    "192.0.2.1", SND, "451 4.4.0 DNS query failed" },
	    { "deferred 421 4.4.2 " MID, "b@y.example", "mx.y.example",
	    "192.0.2.2", SND, "421 4.4.2 Connection dropped" } } },
	{ "the last status and its host shared", M2016,
	    { "FAIL", MID, IMID, "a@x.example;b@y.example;c@y.example",
	    "550 5.1.1 unknown;[{LRT=};{LED=554 5.7.1 blocked};"
	    "{FQDN=mx.y.example};{IP=192.0.2.2}]" },
	    { NULL, NULL, NULL },
	    { { "bounced 550 5.1.1 " MID, "a@x.example", NULL, NULL, SND,
	    "550 5.1.1 unknown" }, { "bounced 554 5.7.1 " MID, "b@y.example",
	    "mx.y.example", "192.0.2.2", SND, "554 5.7.1 blocked" },
	    { "bounced 554 5.7.1 " MID, "c@y.example", "mx.y.example",
	    "192.0.2.2", SND, "554 5.7.1 blocked" } } },
	{ "a host does not carry over", M2016,
	    { "FAIL", MID, IMID, "a@x.example;b@y.example",
	    "[{LRT=};{LED=554 5.7.1 blocked};{FQDN=mx.x.example};"
	    "{IP=192.0.2.1}];550 5.1.1 unknown" },
	    { NULL, NULL, NULL },
	    { { "bounced 554 5.7.1 " MID, "a@x.example", "mx.x.example",
	    "192.0.2.1", SND, "554 5.7.1 blocked" }, { "bounced 550 5.1.1 " MID,
	    "b@y.example", NULL, NULL, SND, "550 5.1.1 unknown" } } },
	{ "SEND shares its hop", M2016,
	    { "SEND", MID, IMID, "a@x.example;b@y.example",
	    "250 2.0.0 OK;250 2.0.0 OK" },
	    { "smarthost.example", "198.51.100.3", NULL },
	    { { "delivered 250 2.0.0 " MID, "a@x.example", "smarthost.example",
	    "198.51.100.3", SND, "250 2.0.0 OK" }, { "delivered 250 2.0.0 " MID,
	    "b@y.example", "smarthost.example", "198.51.100.3", SND,
	    "250 2.0.0 OK" } } },
	{ "spaces, empty items and <> in the list", M2016,
	    { "DELIVER", MID, IMID, " <a@x.example> ; ;b@x.example;",
	    "250 2.1.5 OK" },
	    { NULL, NULL, NULL },
	    { { "delivered 250 2.1.5 " MID, "a@x.example", NULL, NULL, SND,
	    "250 2.1.5 OK" }, { "delivered 250 2.1.5 " MID, "b@x.example", NULL,
	    NULL, SND, "250 2.1.5 OK" } } },
	{ "no recipient", M2016,
	    { "FAIL", MID, IMID, "",
	    "550 5.4.4 ROUTING.NoNextHop; unreachable" },
	    { NULL, NULL, NULL },
	    { { "bounced 550 5.4.4 " MID, NULL, NULL, NULL, SND,
	    "550 5.4.4 ROUTING.NoNextHop; unreachable" } } },

	/* Senders. */
	{ "null sender", M2016,
	    { "FAIL", MID, IMID, "a@x.example", "550 5.1.1 unknown" },
	    { NULL, NULL, "<>" },
	    { { "bounced 550 5.1.1 " MID, "a@x.example", NULL, NULL, "",
	    "550 5.1.1 unknown" } } },
	{ "no sender", M2016,
	    { "FAIL", MID, IMID, "a@x.example", "550 5.1.1 unknown" },
	    { NULL, NULL, "" },
	    { { "bounced 550 5.1.1 " MID, "a@x.example", NULL, NULL, NULL,
	    "550 5.1.1 unknown" } } },
	{ "sender in <>", M2016,
	    { "DELIVER", MID, IMID, "a@x.example", "250 2.1.5 OK" },
	    { NULL, NULL, "<bounces+a=x.example@lists.example>" },
	    { { "delivered 250 2.1.5 " MID, "a@x.example", NULL, NULL,
	    "bounces+a=x.example@lists.example", "250 2.1.5 OK" } } },

	/* Quoted fields, unescaped into the scratch buffer or not. */
	{ "quoted fields with commas and doubled quotes", M2016,
	    { "SEND", MID, IMID, "\"Smith, J\"@x.example;c@x.example",
	    "250 2.1.5 \"OK\", queued;250 2.1.5 fine, queued" },
	    { "mx, the \"first\"", "192.0.2.25",
	    "\"Ops, Night\"@corp.example" },
	    { { "delivered 250 2.1.5 " MID, "\"Smith, J\"@x.example",
	    "mx, the \"first\"", "192.0.2.25", "\"Ops, Night\"@corp.example",
	    "250 2.1.5 \"OK\", queued" }, { "delivered 250 2.1.5 " MID,
	    "c@x.example", "mx, the \"first\"", "192.0.2.25",
	    "\"Ops, Night\"@corp.example", "250 2.1.5 fine, queued" } } },
	{ "a quoted last-error list", M2016,
	    { "DEFER", MID, IMID, "later@example.net",
	    "[{LRT=};{LED=450 4.7.0 Proxy session setup "
	    "failed with '451 4.4.0 responded with: \"421 4.3.2 Service not "
	    "available, closing transmission channel.\"'};{FQDN=mx, odd};"
	    "{IP=192.0.2.30}]" },
	    { NULL, NULL, NULL },
	    { { "deferred 450 4.7.0 " MID, "later@example.net", "mx, odd",
	    "192.0.2.30", SND, "450 4.7.0 Proxy session setup failed with "
	    "'451 4.4.0 responded with: \"421 4.3.2 Service not available, "
	    "closing transmission channel.\"'" } } },

	/* The columns of each layout, with and without a header. */
	{ "2013 header", M2013,
	    { "SENDEXTERNAL", MID, IMID, "a@x.example", "250 2.0.0 OK" },
	    { "mx13.example", "192.0.2.13", "s13@example.org" },
	    { { "delivered 250 2.0.0 " MID, "a@x.example", "mx13.example",
	    "192.0.2.13", "s13@example.org", "250 2.0.0 OK" } } },
	{ "2010 header", M2010,
	    { "SEND", MID, IMID, "a@x.example", "250 2.0.0 OK" },
	    { "mx10.example", "192.0.2.10", "s10@example.org" },
	    { { "delivered 250 2.0.0 " MID, "a@x.example", "mx10.example",
	    "192.0.2.10", "s10@example.org", "250 2.0.0 OK" } } },
	{ "headerless 30 columns", M2016_BARE,
	    { "SEND", MID, IMID, "a@x.example", "250 2.0.0 OK" },
	    { "mx16.example", "192.0.2.16", "s16@example.org" },
	    { { "delivered 250 2.0.0 " MID, "a@x.example", "mx16.example",
	    "192.0.2.16", "s16@example.org", "250 2.0.0 OK" } } },
	{ "headerless 27 columns", M2013_BARE,
	    { "FAIL", MID, IMID, "a@x.example", LED_FAIL },
	    { "EX13", "10.0.0.13", "s13@example.org" },
	    { { "bounced 550 5.7.1 " MID, "a@x.example", "mx.example.com",
	    "203.0.113.50", "s13@example.org", LED_FAIL_REPLY } } },
	{ "headerless 26 columns", M2010_BARE,
	    { "SEND", MID, IMID, "kunde@customer.example",
	    "250 2.0.0 Ok: queued as 4F1A2B3C4D" },
	    { "smarthost.isp.example", "203.0.113.10", "bernd@ad.example.com" },
	    { { "delivered 250 2.0.0 " MID, "kunde@customer.example",
	    "smarthost.isp.example", "203.0.113.10", "bernd@ad.example.com",
	    "250 2.0.0 Ok: queued as 4F1A2B3C4D" } } },
	{ "headerless 26 columns, DELIVER", M2010_BARE,
	    { "DELIVER", MID, IMID, "anna@ad.example.com", OK215 },
	    { "HUB01", "", "bernd@ad.example.com" },
	    { { "delivered 250 2.1.5 " MID, "anna@ad.example.com", NULL, NULL,
	    "bernd@ad.example.com", OK215 } } },
};

/* want NULL: the field is not stated; else its text. */
static void
check_text(const char *name, size_t i, const char *what,
    const struct rec_text *got, const char *want)
{
	if (want == NULL) {
		ck_assert_msg(got->null, "%s: event %zu: %s is \"%s\", "
		    "expected null", name, i, what, got->s);
		return;
	}
	ck_assert_msg(!got->null, "%s: event %zu: %s is null, expected "
	    "\"%s\"", name, i, what, want);
	ck_assert_msg(strcmp(got->s, want) == 0, "%s: event %zu: %s is "
	    "\"%s\", expected \"%s\"", name, i, what, got->s, want);
}

static void
check_record(const char *name, const struct recorder *r, size_t i,
    const struct want_rec *w)
{
	ck_assert_msg(strcmp(r->ev[i], w->ev) == 0,
	    "%s: event %zu is \"%s\", expected \"%s\"", name, i, r->ev[i],
	    w->ev);
	check_text(name, i, "recipient", &r->rcpt[i], w->rcpt);
	check_text(name, i, "remote", &r->remote[i], w->remote);
	check_text(name, i, "remote_ip", &r->ip[i], w->ip);
	check_text(name, i, "sender", &r->sender[i], w->sender);
	check_text(name, i, "reply", &r->rreply[i], w->reply);
}

START_TEST(test_record)
{
	const struct rec_case *c = &rec_cases[_i];
	struct recorder r;
	char line[4096];
	void *st = open_parser();
	size_t i, nwant = 0;

	memset(&r, 0, sizeof(r));
	if (header_of(c->mode) != NULL)
		feed(st, header_of(c->mode), &r);
	build_row_cols(line, sizeof(line), c->mode, &c->row, &c->cols);
	feed(st, line, &r);
	bs_format_exchange.close(st);
	while (nwant < 4 && c->want[nwant].ev != NULL)
		nwant++;
	ck_assert_msg(r.n == nwant, "%s: %zu events, expected %zu (row %s)",
	    c->name, r.n, nwant, line);
	for (i = 0; i < nwant; i++) {
		check_record(c->name, &r, i, &c->want[i]);
		ck_assert_str_eq(r.stamp[i], "2026-11-28T10:00:00.123Z");
	}
}
END_TEST

/*
 * Columns a header leaves out, or a row too short to reach, are not
 * stated; so is a column that a re-export quoted empty ("").  A header may
 * put the columns in any order.
 */
START_TEST(test_record_columns)
{
	static const struct want_rec want[] = {
		{ "delivered 250 2.0.0 <m1@x>", "a@x.example", NULL, NULL,
		    NULL, "250 2.0.0 OK" },
		{ "delivered 250 2.0.0 -", "b@x.example", "mx.example.net",
		    "192.0.2.25", "", "250 2.0.0 OK" },
		{ "deferred 451 4.4.0 -", "c@x.example", "mx.c.example",
		    "192.0.2.3", "s@x.example", "451 4.4.0 busy" },
		{ "delivered 250 2.0.0 <m4@x>", "d@x.example",
		    "mx.example.net", "192.0.2.25", NULL, "250 2.0.0 OK" },
		{ "delivered 250 2.0.0 -", "e@x.example", NULL, NULL, NULL,
		    "250 2.0.0 OK" },
		{ "bounced - - -", NULL, NULL, NULL, NULL, NULL }
	};
	struct recorder r;
	void *st = open_parser();
	size_t i;

	memset(&r, 0, sizeof(r));
	/* No server-* nor sender-address column. */
	feed(st, "#Fields: date-time,event-id,recipient-address,"
	    "recipient-status,message-id", &r);
	feed(st, "2026-11-28T10:00:00.123Z,SEND,a@x.example,250 2.0.0 OK,"
	    "<m1@x>", &r);
	/* Another order. */
	feed(st, "#Fields: event-id,sender-address,server-ip,"
	    "recipient-address,server-hostname,recipient-status,date-time", &r);
	feed(st, "SEND,<>,192.0.2.25,b@x.example,mx.example.net,"
	    "250 2.0.0 OK,2026-11-28T10:00:00.123Z", &r);
	feed(st, "DEFER,s@x.example,10.0.0.9,c@x.example,EX01,\"[{LRT=};"
	    "{LED=451 4.4.0 busy};{FQDN=mx.c.example};{IP=192.0.2.3}]\","
	    "2026-11-28T10:00:00.123Z", &r);
	/* A 2016 row cut after recipient-status. */
	feed(st, h2016, &r);
	feed(st, "2026-11-28T10:00:00.123Z,10.0.0.5,EX01,192.0.2.25,"
	    "mx.example.net,,,SMTP,SEND,1,<m4@x>,,d@x.example,250 2.0.0 OK",
	    &r);
	/* Every field quoted, as a re-export writes them. */
	feed(st, "#Fields: event-id,sender-address,server-ip,"
	    "recipient-address,server-hostname,recipient-status,date-time", &r);
	feed(st, "\"SEND\",\"\",\"\",\"e@x.example\",\"\",\"250 2.0.0 OK\","
	    "\"2026-11-28T10:00:00.123Z\"", &r);
	feed(st, "\"FAIL\",\"\",\"\",\"\",\"\",\"\","
	    "\"2026-11-28T10:00:00.123Z\"", &r);
	bs_format_exchange.close(st);
	ck_assert_uint_eq(r.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < r.n; i++) {
		check_record("columns", &r, i, &want[i]);
		ck_assert_str_eq(r.stamp[i], "2026-11-28T10:00:00.123Z");
	}
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

#define FILE_EVENTS 16

/* "recipient|remote|remote_ip|sender", "~" for a field not stated. */
static void
render_record(char *out, size_t outsz, const struct recorder *r, size_t i)
{
	const struct rec_text *t[4] = {
		&r->rcpt[i], &r->remote[i], &r->ip[i], &r->sender[i]
	};

	snprintf(out, outsz, "%s|%s|%s|%s", t[0]->null ? "~" : t[0]->s,
	    t[1]->null ? "~" : t[1]->s, t[2]->null ? "~" : t[2]->s,
	    t[3]->null ? "~" : t[3]->s);
}

/*
 * Kinds counted over one file of testdata/exchange/, read line by line,
 * and the record of each event (render_record) in recs.
 */
static void
count_file(const char *path, size_t kinds[BS_KIND_COUNT], size_t *events,
    char recs[FILE_EVENTS][EV_TEXT])
{
	static char buf[BS_LINE_MAX];
	static struct recorder r;
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
			if (*events + i < FILE_EVENTS)
				render_record(recs[*events + i], EV_TEXT, &r,
				    i);
		}
		*events += r.n;
	}
	fclose(f);
	bs_format_exchange.close(st);
}

struct file_case {
	const char *path;
	size_t events, delivered, deferred, bounced, expired;
	const char *recs[FILE_EVENTS];	/* one per event, in order */
};

/*
 * The records as a reading of each file gives them: the next hop only on
 * SEND and SENDEXTERNAL rows (server-hostname as written, "EX01" too) and
 * in a last-error list that names one; sender-address, or nothing where
 * the extract left it empty.
 */
static const struct file_case files[] = {
	{ "../testdata/exchange/MSGTRK20261128-1.LOG", 14, 8, 2, 3, 1, {
	    "bob@corp.example.org|~|~|alice@corp.example.org",
	    "carol@corp.example.org|~|~|alice@corp.example.org",
	    "dan@corp.example.org|EX02.corp.example.org|10.0.0.22|"
	    "alice@corp.example.org",
	    "erin@example.net|mx1.example.net|192.0.2.25|"
	    "alice@corp.example.org",
	    "frank@example.com|mx1.example.net|192.0.2.25|"
	    "alice@corp.example.org",
	    "nobody@corp.example.org|~|~|alice@corp.example.org",
	    "full@corp.example.org|~|~|alice@corp.example.org",
	    "gone@nonexistent.example|~|~|alice@corp.example.org",
	    "helen@corp.example.org|~|~|alice@corp.example.org",
	    "ivan@partner.example|~|~|alice@corp.example.org",
	    "x1@example.net|EX01|~|alice@corp.example.org",
	    "x2@example.net|EX01|~|alice@corp.example.org",
	    "x3@example.net|EX01|~|alice@corp.example.org",
	    "slow@example.org|mx.example.org|198.51.100.7|"
	    "alice@corp.example.org" } },
	{ "../testdata/exchange/MSGTRK20101115-1.LOG", 8, 4, 1, 2, 1, {
	    "anna@ad.example.com|~|~|bernd@ad.example.com",
	    "jens@ad.example.com|~|~|bernd@ad.example.com",
	    "kunde@customer.example|smarthost.isp.example|203.0.113.10|"
	    "bernd@ad.example.com",
	    "k2@customer.example|HUB01|~|bernd@ad.example.com",
	    "late@slow.example|~|~|bernd@ad.example.com",
	    "ex-mitarbeiter@ad.example.com|~|~|bernd@ad.example.com",
	    "tippfehler@ad.example.com|~|~|bernd@ad.example.com",
	    "late@slow.example|~|~|bernd@ad.example.com" } },
	{ "../testdata/exchange/extract-noheader.csv", 7, 3, 1, 2, 1, {
	    "one@example.net|MBX13|~|ops@corp.example.org",
	    "two@example.net|MBX13|~|ops@corp.example.org",
	    "blocked@example.com|mx.example.com|203.0.113.50|"
	    "ops@corp.example.org",
	    "later@example.net|~|~|~",
	    "gone@expired.example|~|~|~",
	    "partner@example.net|HUB01|~|~",
	    "x@ad.example.com|~|~|~" } },
	{ "../testdata/exchange/concatenated.LOG", 10, 5, 1, 3, 1, {
	    "anna@ad.example.com|~|~|bernd@ad.example.com",
	    "alt@ad.example.com|~|~|bernd@ad.example.com",
	    "neu@ad.example.com|~|~|bernd@ad.example.com",
	    "busy@example.net|~|~|bernd@ad.example.com",
	    "p@example.net|EX01|~|alice@corp.example.org",
	    "q@example.net|EX01|~|alice@corp.example.org",
	    "bob@corp.example.org|~|~|alice@corp.example.org",
	    "carol@corp.example.org|~|~|alice@corp.example.org",
	    "strict@example.com|mx.example.com|203.0.113.60|"
	    "alice@corp.example.org",
	    "old@expired.example|~|~|alice@corp.example.org" } }
};

START_TEST(test_files)
{
	static char recs[FILE_EVENTS][EV_TEXT];
	const struct file_case *c = &files[_i];
	size_t kinds[BS_KIND_COUNT], events, i;

	count_file(c->path, kinds, &events, recs);
	ck_assert_msg(events == c->events, "%s: %zu events, expected %zu",
	    c->path, events, c->events);
	ck_assert_uint_eq(kinds[BS_DELIVERED], c->delivered);
	ck_assert_uint_eq(kinds[BS_DEFERRED], c->deferred);
	ck_assert_uint_eq(kinds[BS_BOUNCED], c->bounced);
	ck_assert_uint_eq(kinds[BS_EXPIRED], c->expired);
	ck_assert_uint_eq(kinds[BS_REJECTED], 0);
	for (i = 0; i < events; i++)
		ck_assert_msg(strcmp(recs[i], c->recs[i]) == 0,
		    "%s: event %zu is \"%s\", expected \"%s\"", c->path, i,
		    recs[i], c->recs[i]);
}
END_TEST

Suite *
exchange_suite(void)
{
	Suite *s = suite_create("exchange");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dsn);
	tcase_add_loop_test(tc, test_rows, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_reply_and_stamp);
	tcase_add_loop_test(tc, test_record, 0,
	    (int)(sizeof(rec_cases) / sizeof(rec_cases[0])));
	tcase_add_test(tc, test_record_columns);
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
