/*
 * fmt_m365.c - Microsoft 365 (Exchange Online) message trace exports.
 *
 * Exchange Online keeps no log an administrator can read; what it gives is
 * message trace, as CSV with a header row.  Four shapes are read, told
 * apart by the names in that header (csvhdr.h finds the columns by name,
 * in any order and case, quoted or not):
 *
 * - Get-MessageTrace or Get-MessageTraceV2 | Export-Csv: one row per
 *   message and recipient, with Received, SenderAddress,
 *   RecipientAddress, Status, ToIP, MessageId, MessageTraceId ...  Status
 *   Delivered is a delivery, Failed a bounce, Pending a deferral; Expanded
 *   (a group whose members have rows of their own), Quarantined and
 *   FilteredAsSpam (held or filed by the service itself, no delivery
 *   attempt was refused) and GettingStatus (no outcome yet) are not
 *   events.  These rows carry no reply, so their events have no codes.
 * - Get-MessageTraceDetail | Export-Csv: the steps of one message to one
 *   recipient, with Date, Event, Detail ...  Event Deliver and Send are
 *   deliveries, Defer a deferral, Fail a bounce (expired when its code is
 *   x.4.7, as for Exchange); the codes come from the LED= item of the
 *   Detail ("Reason: [{LED=550 5.1.10 ...};{MSG=};{FQDN=};{IP=};{LRT=}]",
 *   pattern "led" of m365.pat), the host last tried from its FQDN= and IP=.
 * - The enhanced summary report of the admin centre (origin_timestamp_utc,
 *   sender_address, recipient_status, message_id ...): recipient_status
 *   lists "address##Receive, Fail" per recipient, ';'-separated; the last
 *   event of a recipient decides (Deliver and Send delivered, Defer
 *   deferred, Fail bounced; a recipient whose list ends otherwise is no
 *   event).  No codes.
 * - The extended report (date_time_utc, event_id, recipient_status ...):
 *   the message tracking log under other names, so its header is handed to
 *   the Exchange parser as the "#Fields:" line it would be (names
 *   lower-cased, '_' as '-', date_time_utc as date-time) and its rows as
 *   they are: every rule of fmt_exchange.c applies.
 *
 * Times: Microsoft documents all of them as UTC.  ISO 8601 stamps are
 * handed on (with a Z added when they name no zone); Export-Csv writes a
 * date in the culture of the session that exported it, of which the
 * en-US form ("11/28/2026 10:00:00 AM") and the dotted day-first form
 * ("28.11.2026 10:00:00") are read, rewritten as ISO into the state.  A
 * slashed date without AM or PM may be day-first (en-GB, fr-FR) or
 * month-first: it is not guessed, and the event has no time.
 *
 * The record (DESIGN.md, round 2): recipient and sender are the address
 * columns (without <>), message is MessageId (else MessageTraceId;
 * message_id, else network_message_id), remote_ip is ToIP on a trace row
 * (where the service delivered or tried to), remote and remote_ip the
 * FQDN= and IP= of a detail's last error.  An empty column is not stated.
 *
 * Lines that open with '#' (Windows PowerShell's "#TYPE ..." line) are
 * passed over; a header may come again further down (exports joined with
 * cat) and switches to its columns.  Rows before any header are skipped.
 * The per-input state holds the column map, the CSV reader, the match
 * data and the Exchange parser's state, all allocated by open().
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "csv.h"
#include "csvhdr.h"
#include "extract.h"
#include "format.h"
#include "patterns.h"

/* The columns read, by their names in the exports. */
enum col {
	C_RECEIVED,
	C_SENDER,
	C_RCPT,
	C_STATUS,
	C_TOIP,
	C_MSGID,
	C_TRACEID,
	C_DATE,
	C_EVENT,
	C_DETAIL,
	C_ORIGIN_UTC,
	C_ORIGIN,
	C_SENDER_ADDRESS,
	C_RCPT_STATUS,
	C_MESSAGE_ID,
	C_NETWORK_ID,
	C_EVENT_ID,
	C_COUNT
};

static const char *const col_names[C_COUNT] = {
	"Received",
	"SenderAddress",
	"RecipientAddress",
	"Status",
	"ToIP",
	"MessageId",
	"MessageTraceId",
	"Date",
	"Event",
	"Detail",
	"origin_timestamp_utc",
	"origin_timestamp",
	"sender_address",
	"recipient_status",
	"message_id",
	"network_message_id",
	"event_id"
};

enum shape {
	SH_NONE,	/* no header yet, or not a trace export: skip rows */
	SH_TRACE,	/* Get-MessageTrace(V2) */
	SH_DETAIL,	/* Get-MessageTraceDetail */
	SH_SUMMARY,	/* enhanced summary report */
	SH_EXTENDED	/* extended report: the Exchange parser reads it */
};

/* Longest stamp rewritten into the state: "2026-11-28T10:00:00Z" and more. */
#define STAMP_MAX 48

struct m365 {
	const struct bs_patterns *p;
	struct bs_extract *x;
	const pcre2_code *led;
	int led_reply;
	pcre2_match_data *md;
	struct bs_csvhdr csv;
	struct bs_csvhdr_map map;	/* valid unless shape == SH_NONE */
	enum shape shape;
	void *ex;			/* the Exchange parser's state */
	char *fields;			/* a "#Fields:" line, BS_LINE_MAX */
	char stamp[STAMP_MAX];
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether s[0..n) is word, ignoring case. */
static bool
same_ci(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word[i] == '\0' || lower(s[i]) != lower(word[i]))
			return false;
	return word[n] == '\0';
}

/* Whether s[0..n) starts with pre, ignoring case. */
static bool
starts_ci(const char *s, size_t n, const char *pre)
{
	size_t i;

	for (i = 0; pre[i] != '\0'; i++)
		if (i >= n || lower(s[i]) != lower(pre[i]))
			return false;
	return true;
}

/* A column's value for the record: trimmed, not stated (NULL) if empty. */
static struct bs_text
text_of(const char *s, size_t n)
{
	trim(&s, &n);
	return (struct bs_text){ n > 0 ? s : NULL, n };
}

/* An address: trimmed, without <>, so that "<>" is the null sender "". */
static struct bs_text
address_of(const char *s, size_t n)
{
	trim(&s, &n);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s++;
		n -= 2;
		trim(&s, &n);
		return (struct bs_text){ s, n };
	}
	return (struct bs_text){ n > 0 ? s : NULL, n };
}

/* The shape of an export from the columns its header has. */
static enum shape
shape_of(const struct bs_csvhdr_map *m)
{
	if (bs_csvhdr_has(m, C_EVENT_ID) && bs_csvhdr_has(m, C_RCPT_STATUS))
		return SH_EXTENDED;
	if (bs_csvhdr_has(m, C_RCPT_STATUS) &&
	    bs_csvhdr_has(m, C_SENDER_ADDRESS))
		return SH_SUMMARY;
	if (bs_csvhdr_has(m, C_EVENT) && bs_csvhdr_has(m, C_DETAIL))
		return SH_DETAIL;
	if (bs_csvhdr_has(m, C_STATUS) && bs_csvhdr_has(m, C_RCPT))
		return SH_TRACE;
	return SH_NONE;
}

/*
 * The shape a line names when it is a header, without the reader (probe()
 * has none): the same rule over its comma-separated, possibly quoted
 * names.  A line holding '@' is a row, never a header.
 */
static enum shape
header_shape(const char *s, size_t n)
{
	struct bs_csvhdr_map m;
	size_t i = 0, k, col = 0;

	if (memchr(s, '@', n) != NULL)
		return SH_NONE;
	for (k = 0; k < BS_CSVHDR_NAMES_MAX; k++)
		m.col[k] = -1;
	while (i <= n && col < BS_CSVHDR_FIELDS_MAX) {
		const char *c = i < n ? memchr(s + i, ',', n - i) : NULL;
		size_t end = c != NULL ? (size_t)(c - s) : n;
		const char *f = s + i;
		size_t fn = end - i;

		trim(&f, &fn);
		if (fn >= 2 && f[0] == '"' && f[fn - 1] == '"') {
			f++;
			fn -= 2;
		}
		for (k = 0; k < C_COUNT; k++)
			if (m.col[k] < 0 && same_ci(f, fn, col_names[k]))
				m.col[k] = (int)col;
		col++;
		i = end + 1;
	}
	return shape_of(&m);
}

static void
m365_close(void *state)
{
	struct m365 *st = state;

	if (st == NULL)
		return;
	if (st->ex != NULL)
		bs_format_exchange.close(st->ex);
	pcre2_match_data_free(st->md);
	bs_extract_free(st->x);
	bs_csvhdr_fini(&st->csv);
	free(st->fields);
	free(st);
}

static bs_status
m365_open(const struct bs_patterns *p, void **state, struct bs_diag *d)
{
	struct m365 *st;
	bs_status rc;

	*state = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	st->p = p;
	rc = bs_patterns_get(p, "m365", "led", &st->led, d);
	if (rc != BS_OK)
		goto out;
	rc = bs_patterns_group(st->led, "m365", "led", "reply",
	    &st->led_reply, d);
	if (rc != BS_OK)
		goto out;
	rc = bs_extract_new(p, &st->x, d);
	if (rc != BS_OK)
		goto out;
	rc = bs_csvhdr_init(&st->csv, col_names, C_COUNT, d);
	if (rc != BS_OK)
		goto out;
	rc = bs_format_exchange.open(p, &st->ex, d);
	if (rc != BS_OK)
		goto out;
	st->md = pcre2_match_data_create(8, NULL);
	st->fields = malloc(BS_LINE_MAX);
	if (st->md == NULL || st->fields == NULL) {
		rc = bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		goto out;
	}
	st->shape = SH_NONE;
	*state = st;
	return BS_OK;
out:
	m365_close(st);
	return rc;
}

/*
 * An extended report's header as the "#Fields:" line of a tracking log,
 * handed to the Exchange parser: each name lower-cased with '_' as '-',
 * and date_time_utc as date-time.  The names were just mapped, so they
 * are the reader's fields.
 */
static bs_status
exchange_header(struct m365 *st, const struct bs_csvhdr_map *m)
{
	static const char pre[] = "#Fields: ";
	struct bs_line line = { 0 };
	size_t o = sizeof(pre) - 1, i, j;

	memcpy(st->fields, pre, o);
	for (i = 0; i < m->ncols && i < BS_CSVHDR_FIELDS_MAX; i++) {
		const char *s = st->csv.f[i].ptr;
		size_t n = st->csv.f[i].len;

		trim(&s, &n);
		if (same_ci(s, n, "date_time_utc")) {
			s = "date-time";
			n = sizeof("date-time") - 1;
		}
		if (o + n + 1 >= BS_LINE_MAX)
			break;
		if (i > 0)
			st->fields[o++] = ',';
		for (j = 0; j < n; j++) {
			char c = lower(s[j]);

			if (c == ',' || c == '"')
				continue;
			st->fields[o++] = c == '_' ? '-' : c;
		}
	}
	line.ptr = st->fields;
	line.len = o;
	return bs_format_exchange.parse(st->ex, &line, NULL, NULL);
}

/*
 * A header line: map it, and if it names an export, read the rows under
 * it with its columns.  Returns false when it is no header (the line is
 * then a row).
 */
static bool
read_header(struct m365 *st, const char *s, size_t n)
{
	struct bs_csvhdr_map m;
	enum shape sh;

	if (header_shape(s, n) == SH_NONE)
		return false;
	bs_csvhdr_map(&st->csv, s, n, &m);
	sh = shape_of(&m);
	if (sh == SH_NONE)
		return false;
	st->map = m;
	st->shape = sh;
	if (sh == SH_EXTENDED)
		(void)exchange_header(st, &m);
	return true;
}

/* n digits at s[*i] into *out; false if they are not there. */
static bool
digits(const char *s, size_t n, size_t *i, size_t min, size_t max, int *out)
{
	size_t k = 0;
	int v = 0;

	while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	*out = v;
	return k >= min;
}

static bool
lit(const char *s, size_t n, size_t *i, char c)
{
	if (*i < n && s[*i] == c) {
		(*i)++;
		return true;
	}
	return false;
}

/*
 * A culture's date and time, "11/28/2026 10:00:00 AM" (en-US, month
 * first, AM or PM required) or "28.11.2026 10:00:00" (day first), into
 * st->stamp as "2026-11-28T10:00:00Z".  Returns false when s is neither;
 * the range of each part is checked by the stamp's reader later.
 */
static bool
culture_stamp(struct m365 *st, const char *s, size_t n)
{
	int a, b, y, h, mi, sec;
	size_t i = 0;
	char sep;

	if (!digits(s, n, &i, 1, 2, &a) || i >= n)
		return false;
	sep = s[i++];
	if ((sep != '/' && sep != '.') || !digits(s, n, &i, 1, 2, &b) ||
	    !lit(s, n, &i, sep) || !digits(s, n, &i, 4, 4, &y) ||
	    !lit(s, n, &i, ' ') || !digits(s, n, &i, 1, 2, &h) ||
	    !lit(s, n, &i, ':') || !digits(s, n, &i, 2, 2, &mi) ||
	    !lit(s, n, &i, ':') || !digits(s, n, &i, 2, 2, &sec))
		return false;
	if (sep == '/') {
		int t = a;

		/* en-US: month first, a 12-hour clock. */
		if (!lit(s, n, &i, ' ') || n - i != 2 ||
		    (s[i + 1] != 'M' && s[i + 1] != 'm'))
			return false;
		if (h < 1 || h > 12)
			return false;
		if (s[i] == 'P' || s[i] == 'p')
			h = h == 12 ? 12 : h + 12;
		else if (s[i] == 'A' || s[i] == 'a')
			h = h == 12 ? 0 : h;
		else
			return false;
		i = n;
		a = b;
		b = t;
	}
	if (i != n)
		return false;
	/* a is the day, b the month. */
	snprintf(st->stamp, sizeof(st->stamp),
	    "%04d-%02d-%02dT%02d:%02d:%02dZ", y, b, a, h, mi, sec);
	return true;
}

/*
 * The stamp of a time column, as the run's stamp reader reads it: ISO
 * 8601 as written (with Z added where it names no zone: Microsoft's times
 * are UTC), a culture's form rewritten (culture_stamp), else as written
 * (it will not be read, and the event has no time).  NULL when empty.
 */
static void
stamp_of(struct m365 *st, const char *s, size_t n, struct bs_event *ev)
{
	trim(&s, &n);
	ev->stamp = NULL;
	ev->stamp_len = 0;
	if (n == 0)
		return;
	ev->stamp = s;
	ev->stamp_len = n;
	if (n >= 19 && s[4] == '-' && s[7] == '-' &&
	    (s[10] == 'T' || s[10] == ' ')) {
		const char *z = s + 19;

		while (z < s + n && (*z == '.' || (*z >= '0' && *z <= '9')))
			z++;
		if (z == s + n && n + 1 < sizeof(st->stamp)) {
			memcpy(st->stamp, s, n);
			st->stamp[n] = 'Z';
			ev->stamp = st->stamp;
			ev->stamp_len = n + 1;
		}
		return;
	}
	if (culture_stamp(st, s, n)) {
		ev->stamp = st->stamp;
		ev->stamp_len = strlen(st->stamp);
	}
}

/* The message id: the first of two columns that is not empty. */
static void
msgid_of(const struct m365 *st, enum col a, enum col b, struct bs_event *ev)
{
	const char *s;
	size_t n;

	bs_csvhdr_get(&st->csv, &st->map, a, &s, &n);
	trim(&s, &n);
	if (n == 0) {
		bs_csvhdr_get(&st->csv, &st->map, b, &s, &n);
		trim(&s, &n);
	}
	ev->msgid = n > 0 ? s : NULL;
	ev->msgid_len = n;
}

static struct bs_text
column(const struct m365 *st, enum col k, bool address)
{
	const char *s;
	size_t n;

	bs_csvhdr_get(&st->csv, &st->map, k, &s, &n);
	return address ? address_of(s, n) : text_of(s, n);
}

/* A Get-MessageTrace row: one recipient, its status, no codes. */
static void
trace_row(struct m365 *st, bs_event_fn emit, void *ctx)
{
	static const struct {
		const char *status;
		enum bs_kind kind;
	} kinds[] = {
		{ "Delivered", BS_DELIVERED },
		{ "Failed", BS_BOUNCED },
		{ "Pending", BS_DEFERRED }
	};
	struct bs_event ev;
	struct bs_text status = column(st, C_STATUS, false);
	const char *s;
	size_t i, n;

	if (status.ptr == NULL)
		return;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (same_ci(status.ptr, status.len, kinds[i].status))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return;
	bs_event_init(&ev);
	ev.kind = kinds[i].kind;
	bs_csvhdr_get(&st->csv, &st->map, C_RECEIVED, &s, &n);
	stamp_of(st, s, n, &ev);
	msgid_of(st, C_MSGID, C_TRACEID, &ev);
	ev.recipient = column(st, C_RCPT, true);
	ev.sender = column(st, C_SENDER, true);
	ev.remote_ip = column(st, C_TOIP, false);
	emit(ctx, &ev);
}

/*
 * The host a last-error list names as the one it last tried, from the
 * list opening at s[0] ("[{LED=...};{MSG=};{FQDN=mx.example.net};
 * {IP=192.0.2.1};{LRT=...}]"), into ev->remote and ev->remote_ip.  An item
 * runs from its '{' to the first '}' followed by ";{", by ']' or by the
 * end (the rule of pattern "led"); an item left open is not read, and an
 * empty FQDN= or IP= is not stated.
 */
static void
last_hop(const char *s, size_t n, struct bs_event *ev)
{
	size_t i = 1;

	while (i < n && s[i] == '{') {
		const char *item = s + i + 1, *b;
		size_t j = i + 1;

		while ((b = memchr(s + j, '}', n - j)) != NULL) {
			j = (size_t)(b - s);
			if (j + 1 == n || s[j + 1] == ']' ||
			    (s[j + 1] == ';' && j + 2 < n && s[j + 2] == '{'))
				break;
			j++;
		}
		if (b == NULL)
			return;
		if (starts_ci(item, j - i - 1, "FQDN="))
			ev->remote = text_of(item + 5, j - i - 6);
		else if (starts_ci(item, j - i - 1, "IP="))
			ev->remote_ip = text_of(item + 3, j - i - 4);
		if (j + 1 == n || s[j + 1] != ';')
			return;
		i = j + 2;
	}
}

/* Where "[{" opens a last-error list in s, or NULL. */
static const char *
error_list(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '[', (size_t)(end - p))) != NULL) {
		if (end - p >= 2 && p[1] == '{')
			return p;
		p++;
	}
	return NULL;
}

/* An x.4.7 enhanced code (delivery time expired) turns a Fail expired. */
static bool
is_expiry(const char *enh)
{
	return enh[0] != '\0' && strcmp(enh + 1, ".4.7") == 0;
}

/*
 * A Get-MessageTraceDetail row.  Returns false if PCRE2 failed (the event
 * is still emitted, with what was found).
 */
static bool
detail_row(struct m365 *st, bs_event_fn emit, void *ctx)
{
	static const struct {
		const char *event;
		enum bs_kind kind;
	} kinds[] = {
		{ "Deliver", BS_DELIVERED },
		{ "Send", BS_DELIVERED },
		{ "Defer", BS_DEFERRED },
		{ "Fail", BS_BOUNCED }
	};
	struct bs_event ev;
	struct bs_text event = column(st, C_EVENT, false);
	struct bs_text detail = column(st, C_DETAIL, false);
	const char *s, *list;
	size_t i, n;
	bool ok = true;
	int r;

	if (event.ptr == NULL)
		return true;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (same_ci(event.ptr, event.len, kinds[i].event))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return true;
	bs_event_init(&ev);
	ev.kind = kinds[i].kind;
	bs_csvhdr_get(&st->csv, &st->map, C_DATE, &s, &n);
	stamp_of(st, s, n, &ev);
	msgid_of(st, C_MSGID, C_TRACEID, &ev);
	ev.recipient = column(st, C_RCPT, true);
	ev.sender = column(st, C_SENDER, true);
	list = detail.ptr != NULL ? error_list(detail.ptr, detail.len) : NULL;
	if (list != NULL) {
		const char *led;
		size_t ledn, ln = detail.len - (size_t)(list - detail.ptr);

		last_hop(list, ln, &ev);
		r = bs_match(st->p, st->led, list, ln, 0, st->md);
		if (r < 0)
			ok = false;
		else if (r > 0 && bs_group_span(st->md, st->led_reply, &led,
		    list, &ledn)) {
			trim(&led, &ledn);
			if (ledn > 0) {
				ev.reply = led;
				ev.reply_len = ledn;
			}
		}
	}
	/* Without a last error, a failure's reply is the whole Detail. */
	if (ev.reply == NULL && ev.kind != BS_DELIVERED && detail.ptr != NULL) {
		ev.reply = detail.ptr;
		ev.reply_len = detail.len;
	}
	if (ev.reply != NULL) {
		r = bs_extract_reply(st->x, ev.reply, ev.reply_len, &ev.codes);
		if (r < 0)
			ok = false;
		else if (r == 0 && ev.kind != BS_DELIVERED)
			ev.connfail = bs_extract_connfail(ev.reply,
			    ev.reply_len);
	}
	if (ev.kind == BS_BOUNCED && is_expiry(ev.codes.enhanced))
		ev.kind = BS_EXPIRED;
	emit(ctx, &ev);
	return ok;
}

/* The kind a summary's event list ends in ("Receive, Fail"); false: none. */
static bool
summary_kind(const char *s, size_t n, enum bs_kind *kind)
{
	const char *last = s;
	size_t i, ln;

	for (i = 0; i < n; i++)
		if (s[i] == ',')
			last = s + i + 1;
	ln = n - (size_t)(last - s);
	trim(&last, &ln);
	if (same_ci(last, ln, "Deliver") || same_ci(last, ln, "Send"))
		*kind = BS_DELIVERED;
	else if (same_ci(last, ln, "Defer"))
		*kind = BS_DEFERRED;
	else if (same_ci(last, ln, "Fail"))
		*kind = BS_BOUNCED;
	else
		return false;
	return true;
}

/* Where "##" is in s[0..n), or NULL. */
static const char *
find_hashes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '#' && s[i + 1] == '#')
			return s + i;
	return NULL;
}

/* An enhanced summary row: one event per recipient of recipient_status. */
static void
summary_row(struct m365 *st, bs_event_fn emit, void *ctx)
{
	struct bs_event ev;
	const char *list, *s;
	size_t n, pos = 0;

	bs_event_init(&ev);
	bs_csvhdr_get(&st->csv, &st->map, C_ORIGIN_UTC, &s, &n);
	if (n == 0)
		bs_csvhdr_get(&st->csv, &st->map, C_ORIGIN, &s, &n);
	stamp_of(st, s, n, &ev);
	msgid_of(st, C_MESSAGE_ID, C_NETWORK_ID, &ev);
	ev.sender = column(st, C_SENDER_ADDRESS, true);
	bs_csvhdr_get(&st->csv, &st->map, C_RCPT_STATUS, &list, &n);
	while (pos < n) {
		const char *item = list + pos, *semi, *hash;
		size_t end, in;

		semi = memchr(item, ';', n - pos);
		end = semi != NULL ? (size_t)(semi - list) : n;
		in = end - pos;
		pos = end + 1;
		hash = find_hashes(item, in);
		if (hash == NULL)
			continue;
		if (!summary_kind(hash + 2, in - (size_t)(hash + 2 - item),
		    &ev.kind))
			continue;
		ev.recipient = address_of(item, (size_t)(hash - item));
		emit(ctx, &ev);
	}
}

static bs_status
m365_parse(void *state, const struct bs_line *line, bs_event_fn emit,
    void *ctx)
{
	struct m365 *st = state;
	size_t n = line->len - bs_csv_bom(line->ptr, line->len);
	const char *s = line->ptr + (line->len - n);

	if (n == 0 || s[0] == '#')
		return BS_OK;
	if (read_header(st, s, n))
		return BS_OK;
	switch (st->shape) {
	case SH_EXTENDED:
		return bs_format_exchange.parse(st->ex, line, emit, ctx);
	case SH_TRACE:
		(void)bs_csvhdr_row(&st->csv, s, n);
		trace_row(st, emit, ctx);
		return BS_OK;
	case SH_DETAIL:
		(void)bs_csvhdr_row(&st->csv, s, n);
		return detail_row(st, emit, ctx) ? BS_OK : BS_ERR_MATCH;
	case SH_SUMMARY:
		(void)bs_csvhdr_row(&st->csv, s, n);
		summary_row(st, emit, ctx);
		return BS_OK;
	case SH_NONE:
	default:
		return BS_OK;
	}
}

/*
 * A trace export's header is its own (2).  Its rows say little: the
 * extended report's look like the rows of a tracking log that lost its
 * header, and score as Exchange scores them (1), so that the header
 * decides between the two, and a headerless extract stays Exchange's
 * (the table puts Exchange first, and a tie goes to the first).
 */
static int
m365_probe(const char *line, size_t len)
{
	size_t b = bs_csv_bom(line, len);

	if (len - b > 0 && header_shape(line + b, len - b) != SH_NONE)
		return 2;
	return bs_format_exchange.probe(line, len) == 1 ? 1 : 0;
}

const struct bs_format bs_format_m365 = {
	.name = "m365",
	.help = "Microsoft 365 message trace exports (CSV)",
	.splittable = false, /* rows need the header above them */
	.needles = NULL,
	.probe = m365_probe,
	.open = m365_open,
	.parse = m365_parse,
	.close = m365_close
};
