/*
 * fmt_exchange.c - Microsoft Exchange message tracking logs (MSGTRK*.LOG)
 * of Exchange 2010, 2013, 2016 and 2019.
 *
 * A tracking log is CSV under a few '#' header lines; its "#Fields:" line
 * names the columns.  This parser finds the columns it needs by name in
 * each "#Fields:" line (which repeats when logs are concatenated), and in
 * an extract that lost its header it falls back to the standard layouts,
 * told apart by their number of columns.
 *
 * Events: event-id DELIVER, SEND and SENDEXTERNAL are deliveries, DEFER a
 * deferral, FAIL a bounce (an expiry when its status carries an x.4.7
 * enhanced code); every other event-id is passed over.  A row is one event
 * per recipient: recipient-address is a ';'-separated list, paired in order
 * with the statuses of recipient-status.  Those statuses contain ';'
 * themselves ("550 5.1.1 RESOLVER.ADR.RecipNotFound; not found"), so the
 * list is split only where a new status starts (pattern "boundary" of
 * exchange.pat) and never inside [...] or {...}; when there are fewer
 * statuses than recipients, the last status applies to the remaining
 * recipients, which is how Exchange writes one status for a whole list.
 * Exchange 2013+ statuses of the form [{LRT=};{LED=451 4.4.0 ...};...]
 * take their codes from the reply opening the LED= value (pattern "led").
 *
 * The event record (DESIGN.md, round 2): recipient is the recipient's item
 * of recipient-address, sender is sender-address (both without <>, so
 * that "<>" is the null sender ""), and the remote host is the next hop:
 * server-hostname and server-ip of a SEND or SENDEXTERNAL row, or the
 * {FQDN=} and {IP=} items of a DEFER or FAIL status that is such a
 * last-error list (the host last tried).  DELIVER rows, and the other
 * DEFER and FAIL rows, name none: their server-* columns are this server.
 * An empty column is not stated (NULL), whether it is quoted or not,
 * because tools that re-export the log quote every field.
 *
 * The columns are read through csvhdr.h, which maps a "#Fields:" line by
 * name and lends each row's fields.  The per-input state holds the column
 * maps, that reader (with its scratch buffer) and the PCRE2 match data, all
 * allocated by open(); parse() allocates nothing.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "csv.h"
#include "csvhdr.h"
#include "extract.h"
#include "format.h"
#include "patterns.h"

/* The columns the parser reads, and their names in a "#Fields:" line. */
enum col {
	COL_STAMP,
	COL_EVENT,
	COL_RCPT,
	COL_STATUS,
	COL_MSGID,
	COL_IMSGID,
	COL_SHOST,
	COL_SIP,
	COL_SENDER,
	COL_COUNT
};

static const char *const col_names[COL_COUNT] = {
	"date-time",
	"event-id",
	"recipient-address",
	"recipient-status",
	"message-id",
	"internal-message-id",
	"server-hostname",
	"server-ip",
	"sender-address"
};

/*
 * The standard "#Fields:" lists, used for rows of an extract that has no
 * header, by their number of columns (Microsoft Learn, "Message tracking"
 * for Exchange 2013 and for 2016/2019, and the headers that Exchange 2010
 * writes with "#Version: 14.x").  They are mapped by the same code as a
 * real header, so the positions cannot drift from the names.
 */
static const char *const std_fields[] = {
	/* Exchange 2010: 26 columns. */
	"date-time,client-ip,client-hostname,server-ip,server-hostname,"
	"source-context,connector-id,source,event-id,internal-message-id,"
	"message-id,recipient-address,recipient-status,total-bytes,"
	"recipient-count,related-recipient-address,reference,"
	"message-subject,sender-address,return-path,message-info,"
	"directionality,tenant-id,original-client-ip,original-server-ip,"
	"custom-data",
	/* Exchange 2013: 27 columns, network-message-id added. */
	"date-time,client-ip,client-hostname,server-ip,server-hostname,"
	"source-context,connector-id,source,event-id,internal-message-id,"
	"message-id,network-message-id,recipient-address,recipient-status,"
	"total-bytes,recipient-count,related-recipient-address,reference,"
	"message-subject,sender-address,return-path,message-info,"
	"directionality,tenant-id,original-client-ip,original-server-ip,"
	"custom-data",
	/* Exchange 2016 and 2019: 30 columns, three appended. */
	"date-time,client-ip,client-hostname,server-ip,server-hostname,"
	"source-context,connector-id,source,event-id,internal-message-id,"
	"message-id,network-message-id,recipient-address,recipient-status,"
	"total-bytes,recipient-count,related-recipient-address,reference,"
	"message-subject,sender-address,return-path,message-info,"
	"directionality,tenant-id,original-client-ip,original-server-ip,"
	"custom-data,transport-traffic-type,log-id,schema-version"
};

#define STD_LAYOUTS (sizeof(std_fields) / sizeof(std_fields[0]))

enum header {
	HDR_NONE,	/* no "#Fields:" yet: rows use the standard layouts */
	HDR_OK,		/* rows use the columns of the last "#Fields:" */
	HDR_OTHER	/* the last "#Fields:" has no event-id: not tracking */
};

struct exchange {
	struct bs_extract *x;
	const struct bs_patterns *p;
	const pcre2_code *boundary;
	const pcre2_code *led;
	int led_reply;			/* group "reply" of led */
	pcre2_match_data *md;
	enum header hdr;
	struct bs_csvhdr_map cur;	/* valid when hdr == HDR_OK */
	struct bs_csvhdr_map std[STD_LAYOUTS];
	struct bs_csvhdr csv;		/* the columns by name, the row */
};

static bool
prefix_ci(const char *s, size_t n, const char *pre, size_t pn)
{
	size_t i;

	if (n < pn)
		return false;
	for (i = 0; i < pn; i++) {
		unsigned char a = (unsigned char)s[i];
		unsigned char b = (unsigned char)pre[i];

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

#define PREFIX_CI(s, n, lit) prefix_ci((s), (n), (lit), sizeof(lit) - 1)

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* inline: it runs several times on every event (1% of the instructions). */
static inline void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

/*
 * Map a comma-separated list of column names onto l.  Returns false when
 * it has no event-id column, which means the rows under it are something
 * else (Exchange's SMTP protocol logs also start "#Fields: date-time,").
 */
static bool
map_fields(struct exchange *ex, const char *list, size_t len,
    struct bs_csvhdr_map *l)
{
	bs_csvhdr_map(&ex->csv, list, len, l);
	return bs_csvhdr_has(l, COL_EVENT);
}

static void
exchange_close(void *state)
{
	struct exchange *ex = state;

	if (ex == NULL)
		return;
	pcre2_match_data_free(ex->md);
	bs_extract_free(ex->x);
	bs_csvhdr_fini(&ex->csv);
	free(ex);
}

static bs_status
exchange_open(const struct bs_patterns *p, void **state, struct bs_diag *d)
{
	struct exchange *ex;
	bs_status st;
	size_t i;

	*state = NULL;
	ex = calloc(1, sizeof(*ex));
	if (ex == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	ex->p = p;
	st = bs_patterns_get(p, "exchange", "boundary", &ex->boundary, d);
	if (st != BS_OK)
		goto out;
	st = bs_patterns_get(p, "exchange", "led", &ex->led, d);
	if (st != BS_OK)
		goto out;
	st = bs_patterns_group(ex->led, "exchange", "led", "reply",
	    &ex->led_reply, d);
	if (st != BS_OK)
		goto out;
	st = bs_extract_new(p, &ex->x, d);
	if (st != BS_OK)
		goto out;
	st = bs_csvhdr_init(&ex->csv, col_names, COL_COUNT, d);
	if (st != BS_OK)
		goto out;
	ex->md = pcre2_match_data_create(8, NULL);
	if (ex->md == NULL) {
		st = bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		goto out;
	}
	for (i = 0; i < STD_LAYOUTS; i++)
		(void)map_fields(ex, std_fields[i], strlen(std_fields[i]),
		    &ex->std[i]);
	ex->hdr = HDR_NONE;
	*state = ex;
	return BS_OK;
out:
	exchange_close(ex);
	return st;
}

/* A "#Fields:" line (BOM already skipped): the columns from here on. */
static void
read_header(struct exchange *ex, const char *s, size_t n)
{
	size_t skip = sizeof("#Fields:") - 1;

	s += skip;
	n -= skip;
	while (n > 0 && is_space(*s)) {
		s++;
		n--;
	}
	ex->hdr = map_fields(ex, s, n, &ex->cur) ? HDR_OK : HDR_OTHER;
}

/* The layout of a data row with nf fields, or NULL to pass it over. */
static const struct bs_csvhdr_map *
row_layout(const struct exchange *ex, size_t nf)
{
	size_t i;

	if (ex->hdr == HDR_OK)
		return &ex->cur;
	if (ex->hdr == HDR_OTHER)
		return NULL;
	for (i = 0; i < STD_LAYOUTS; i++)
		if (ex->std[i].ncols == nf)
			return &ex->std[i];
	return NULL;
}

/* Column k of the current row (an empty span when absent). */
static inline void
column(const struct exchange *ex, const struct bs_csvhdr_map *l, enum col k,
    const char **s, size_t *n)
{
	bs_csvhdr_get(&ex->csv, l, k, s, n);
}

/*
 * The kind of an event-id, compared exactly; false for a non-event.
 * *hop tells whether the row's server-hostname and server-ip are the next
 * hop (SEND, SENDEXTERNAL) rather than this server.
 */
static bool
event_kind(const char *s, size_t n, enum bs_kind *kind, bool *hop)
{
	static const struct {
		const char *id;
		size_t len;
		enum bs_kind kind;
		bool hop;
	} ids[] = {
		{ "DELIVER", 7, BS_DELIVERED, false },
		{ "SEND", 4, BS_DELIVERED, true },
		{ "SENDEXTERNAL", 12, BS_DELIVERED, true },
		{ "DEFER", 5, BS_DEFERRED, false },
		{ "FAIL", 4, BS_BOUNCED, false }
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (n == ids[i].len && memcmp(s, ids[i].id, n) == 0) {
			*kind = ids[i].kind;
			*hop = ids[i].hop;
			return true;
		}
	return false;
}

/* A column's value for the record: trimmed, not stated (NULL) if empty. */
static struct bs_text
text_of(const char *s, size_t n)
{
	trim(&s, &n);
	return (struct bs_text){ n > 0 ? s : NULL, n };
}

/*
 * An address for the record: trimmed and without the <> that some writers
 * put around it, so that "<>" is the null sender "" (stated, not NULL).
 */
static inline struct bs_text
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

/*
 * The next recipient of a ';'-separated list from s[*pos..n), skipping
 * empty items (a trailing ';', "a; ;b"); NULL when the list is spent.
 */
static struct bs_text
next_recipient(const char *s, size_t n, size_t *pos)
{
	while (*pos < n) {
		const char *semi = memchr(s + *pos, ';', n - *pos);
		size_t end = semi != NULL ? (size_t)(semi - s) : n;
		struct bs_text a = address_of(s + *pos, end - *pos);

		*pos = end + 1;
		if (a.ptr != NULL)
			return a;
	}
	return (struct bs_text){ NULL, 0 };
}

/*
 * The next recipient's status from status[*pos..n).  While another
 * recipient follows (more), the status ends at the first ';' outside
 * brackets after which "boundary" matches; the last recipient takes the
 * rest.  Returns false if PCRE2 failed (the status then runs to the end).
 */
static bool
next_status(struct exchange *ex, const char *status, size_t n, size_t *pos,
    bool more, const char **out, size_t *outlen)
{
	size_t i, start = *pos, end = n;
	int depth = 0;
	bool ok = true;

	if (more) {
		for (i = start; i < n; i++) {
			int r;

			switch (status[i]) {
			case '[':
			case '{':
				depth++;
				continue;
			case ']':
			case '}':
				if (depth > 0)
					depth--;
				continue;
			case ';':
				break;
			default:
				continue;
			}
			if (depth > 0)
				continue;
			r = bs_match(ex->p, ex->boundary, status + i + 1,
			    n - i - 1, 0, ex->md);
			if (r < 0) {
				ok = false;
				break;
			}
			if (r > 0) {
				end = i;
				break;
			}
		}
	}
	*pos = end < n ? end + 1 : n;
	*out = status + start;
	*outlen = end - start;
	trim(out, outlen);
	return ok;
}

/* Does s hold "{LED="?  (memmem is not in C11 or POSIX.1-2008.) */
static bool
has_led(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '{', (size_t)(end - p))) != NULL) {
		if (end - p >= 5 && memcmp(p, "{LED=", 5) == 0)
			return true;
		p++;
	}
	return false;
}

/*
 * Codes of one recipient's status into ev.  The reply is the LED= value of
 * a bracketed Exchange 2013+ status, else the status itself.  Returns false
 * if PCRE2 failed; the event keeps whatever was found.
 */
static bool
status_codes(struct exchange *ex, const char *s, size_t n,
    struct bs_event *ev)
{
	int r;

	memset(&ev->codes, 0, sizeof(ev->codes));
	ev->connfail = 0;
	ev->reply = NULL;
	ev->reply_len = 0;
	if (n == 0)
		return true;
	ev->reply = s;
	ev->reply_len = n;
	if (has_led(s, n)) {
		const char *led;
		size_t ledn;

		r = bs_match(ex->p, ex->led, s, n, 0, ex->md);
		if (r < 0)
			return false;
		if (r > 0 && bs_group_span(ex->md, ex->led_reply, &led, s,
		    &ledn)) {
			trim(&led, &ledn);
			ev->reply = ledn > 0 ? led : NULL;
			ev->reply_len = ledn;
		}
	}
	if (ev->reply == NULL)
		return true;
	r = bs_extract_reply(ex->x, ev->reply, ev->reply_len, &ev->codes);
	if (r < 0)
		return false;
	if (r == 0 && ev->kind != BS_DELIVERED)
		ev->connfail = bs_extract_connfail(ev->reply, ev->reply_len);
	return true;
}

/*
 * The host that a last-error list names as the one it last tried,
 *   [{LRT=...};{LED=451 4.4.0 ...};{FQDN=mx.example.com};{IP=192.0.2.1}]
 * into ev->remote and ev->remote_ip; a status that is no such list names
 * none.  An item runs from its '{' to the first '}' followed by ";{", by
 * ']' or by the end of the status (the rule of pattern "led"), so that an
 * LED= text may hold braces and ';' of its own; an item left open by a cut
 * line is not read.  Empty {FQDN=} and {IP=} (no host reached) are NULL.
 */
static void
last_hop(const char *s, size_t n, struct bs_event *ev)
{
	size_t i = 1;

	ev->remote = (struct bs_text){ NULL, 0 };
	ev->remote_ip = ev->remote;
	if (n < 2 || s[0] != '[' || s[1] != '{')
		return;
	while (i < n && s[i] == '{') {
		const char *item = s + i + 1, *b;
		size_t j = i + 1;

		/* memchr: an LED= text runs to a few hundred bytes. */
		while ((b = memchr(s + j, '}', n - j)) != NULL) {
			j = (size_t)(b - s);
			if (j + 1 == n || s[j + 1] == ']' ||
			    (s[j + 1] == ';' && j + 2 < n && s[j + 2] == '{'))
				break;
			j++;
		}
		if (b == NULL)
			return;
		if (PREFIX_CI(item, j - i - 1, "FQDN="))
			ev->remote = text_of(item + 5, j - i - 6);
		else if (PREFIX_CI(item, j - i - 1, "IP="))
			ev->remote_ip = text_of(item + 3, j - i - 4);
		if (j + 1 == n || s[j + 1] != ';')
			return;
		i = j + 2;
	}
}

/* An x.4.7 enhanced code (delivery time expired) turns a FAIL into expired. */
static bool
is_expiry(const char *enh)
{
	return enh[0] != '\0' && strcmp(enh + 1, ".4.7") == 0;
}

/*
 * A DSN row: Exchange made a delivery status notification (a
 * non-delivery report, usually) as a message of its own, whose
 * message-id is the row's.  No event (the FAIL row it reports is the
 * event), but a note that this server sent a notification (notify.h):
 * a later FAIL or DEFER of that message id means it failed in turn.
 */
static void
emit_dsn(struct exchange *ex, const struct bs_csvhdr_map *l,
    bs_event_fn emit, void *ctx)
{
	struct bs_event ev;
	const char *mid;
	size_t mid_n;

	bs_event_init(&ev);
	ev.note = BS_NOTE_NOTIFY;
	ev.kind = BS_BOUNCED;
	column(ex, l, COL_STAMP, &ev.stamp, &ev.stamp_len);
	if (ev.stamp_len == 0)
		ev.stamp = NULL;
	column(ex, l, COL_MSGID, &mid, &mid_n);
	if (mid_n > 0)
		trim(&mid, &mid_n);
	if (mid_n > 0) {
		ev.msgid = mid;
		ev.msgid_len = mid_n;
		ev.notify_id = (struct bs_text){ mid, mid_n };
	}
	emit(ctx, &ev);
}

/* Hot: every line of an Exchange input passes through here. */
static bs_status
exchange_parse(void *state, const struct bs_line *line, bs_event_fn emit,
    void *ctx)
{
	struct exchange *ex = state;
	const struct bs_csvhdr_map *l;
	const char *s = line->ptr, *ev_id, *rcpt, *status, *mid, *v;
	size_t n = line->len, nf, ev_n, rcpt_n, status_n, mid_n, vn;
	size_t pos = 0, rpos = 0;
	enum bs_kind kind;
	struct bs_event ev;
	struct bs_text next;
	bool hop, first, ok = true;

	/* A BOM may open the file, or a file concatenated to another. */
	n -= bs_csv_bom(s, n);
	s = line->ptr + (line->len - n);
	if (n == 0)
		return BS_OK;
	if (s[0] == '#') {
		if (PREFIX_CI(s, n, "#Fields:"))
			read_header(ex, s, n);
		return BS_OK;
	}

	nf = bs_csvhdr_row(&ex->csv, s, n);
	l = row_layout(ex, nf);
	if (l == NULL)
		return BS_OK;
	column(ex, l, COL_EVENT, &ev_id, &ev_n);
	if (ev_n == 3 && memcmp(ev_id, "DSN", 3) == 0) {
		emit_dsn(ex, l, emit, ctx);
		return BS_OK;
	}
	if (!event_kind(ev_id, ev_n, &kind, &hop))
		return BS_OK;

	bs_event_init(&ev);
	column(ex, l, COL_STAMP, &ev.stamp, &ev.stamp_len);
	if (ev.stamp_len == 0)
		ev.stamp = NULL;
	column(ex, l, COL_MSGID, &mid, &mid_n);
	if (mid_n > 0)
		trim(&mid, &mid_n);
	if (mid_n == 0) {
		column(ex, l, COL_IMSGID, &mid, &mid_n);
		if (mid_n > 0)
			trim(&mid, &mid_n);
	}
	ev.msgid = mid_n > 0 ? mid : NULL;
	ev.msgid_len = mid_n;
	column(ex, l, COL_SENDER, &v, &vn);
	ev.sender = address_of(v, vn);
	if (hop) {
		column(ex, l, COL_SHOST, &v, &vn);
		ev.remote = text_of(v, vn);
		column(ex, l, COL_SIP, &v, &vn);
		ev.remote_ip = text_of(v, vn);
	}

	column(ex, l, COL_RCPT, &rcpt, &rcpt_n);
	column(ex, l, COL_STATUS, &status, &status_n);
	/*
	 * One event per recipient, and one for a row with no recipient,
	 * which still states an outcome.  The recipient after the current
	 * one is read ahead: whether there is one decides how the status
	 * list is split.
	 */
	next = next_recipient(rcpt, rcpt_n, &rpos);
	first = true;
	do {
		ev.recipient = next;
		next = next_recipient(rcpt, rcpt_n, &rpos);
		/*
		 * Once the statuses run out, the remaining recipients share
		 * the last one, whose codes and host are already in ev.
		 */
		if (first || pos < status_n) {
			const char *st;
			size_t st_n;

			if (!next_status(ex, status, status_n, &pos,
			    next.ptr != NULL, &st, &st_n))
				ok = false;
			ev.kind = kind;
			if (!status_codes(ex, st, st_n, &ev))
				ok = false;
			if (kind == BS_BOUNCED && is_expiry(ev.codes.enhanced))
				ev.kind = BS_EXPIRED;
			if (kind == BS_DEFERRED || kind == BS_BOUNCED)
				last_hop(st, st_n, &ev);
		}
		emit(ctx, &ev);
		first = false;
	} while (next.ptr != NULL);
	return ok ? BS_OK : BS_ERR_MATCH;
}

/*
 * How much a line looks like a tracking log.  The header lines are
 * Exchange's own; a headerless extract has only its rows, which open with
 * an ISO 8601 UTC time and have at least 25 commas (26 columns or more).
 */
static int
exchange_probe(const char *line, size_t len)
{
	static const char digits[] = "dddd-dd-ddTdd:dd:dd";
	size_t b = bs_csv_bom(line, len), i, commas = 0;
	const char *s = line + b;
	size_t n = len - b;

	if (PREFIX_CI(s, n, "#Software: Microsoft Exchange") ||
	    PREFIX_CI(s, n, "#Log-type: Message Tracking Log") ||
	    PREFIX_CI(s, n, "#Fields: date-time,"))
		return 2;
	if (n < sizeof(digits) - 1)
		return 0;
	for (i = 0; i < sizeof(digits) - 1; i++) {
		if (digits[i] == 'd' ? s[i] < '0' || s[i] > '9' :
		    s[i] != digits[i])
			return 0;
	}
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			continue;
	if (i < n && s[i] == 'Z')
		i++;
	if (i >= n || s[i] != ',')
		return 0;
	for (; i < n; i++)
		if (s[i] == ',')
			commas++;
	return commas >= 25 ? 1 : 0;
}

/*
 * The lines that matter: headers (a #Fields: line sets the columns) and
 * rows whose event id is one of those counted, which holds the id's text
 * wherever the column stands and however it is quoted.  The needles are
 * the shortest strings that still cover them, because each needle costs
 * the splitter a compare on every byte of the log: "ields:" for "#Fields:"
 * and "#fields:", "DE" for DELIVER and DEFER (upper-case pairs are rare
 * outside event ids), "SEND" for SEND and SENDEXTERNAL, "FAIL", and "DSN"
 * for the notifications this server sent (emit_dsn).  A line handed out by
 * a needle is only a candidate; exchange_parse decides.  The other rows
 * (RECEIVE, AGENTINFO ... most of a tracking log) are skipped by the
 * splitter.
 */
static const char *const exchange_needles[] = {
	"ields:", "DE", "SEND", "FAIL", "DSN", NULL
};

const struct bs_format bs_format_exchange = {
	.name = "exchange",
	.help = "Exchange message tracking logs (MSGTRK*.LOG)",
	.splittable = false,	/* a row needs the #Fields: line above */
	.needles = exchange_needles,
	.probe = exchange_probe,
	.open = exchange_open,
	.parse = exchange_parse,
	.close = exchange_close
};
