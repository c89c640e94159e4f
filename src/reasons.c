/*
 * reasons.c - the reason of a failure, from the rows of reasons.pat.
 *
 * reasons.h says what a verdict holds; patterns/reasons.pat says how a
 * rule is written.  Here: the reason vocabulary with its meanings and
 * hints, the parser of the rows, the one joined text pattern, and the
 * decision.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bslimits.h"
#include "hash.h"
#include "patterns.h"
#include "reasons.h"

/* ------------------------------------------------------------------ */
/* The vocabulary (Sisimai's names; the words are the project's own).  */

enum hardness { H_SOFT, H_HARD, H_BY_CLASS, H_NONE };

struct reason_info {
	const char *name;
	enum hardness hard;
	const char *meaning;
	const char *out;	/* hint for mail this server sent */
	const char *deferred;	/* the same while the queue still retries */
	const char *in;		/* hint for this server's refusal */
};

static const struct reason_info reasons[] = {
	{ "authfailure", H_SOFT,
	  "The sender's authentication (SPF, DKIM, DMARC or ARC) failed at "
	  "the receiver.",
	  "Check the SPF record of the envelope domain, DKIM signing of the "
	  "From: domain and its DMARC alignment; forwarded or list mail "
	  "breaks SPF. Resend once the records pass.",
	  "Authentication fails for now; fix SPF/DKIM/DMARC before the queue "
	  "gives up.",
	  "This server's SPF/DKIM/DMARC check refused the client. If the "
	  "sender is legitimate (a forwarder, a mailing list), allow it or "
	  "relax the policy for that domain." },
	{ "badreputation", H_SOFT,
	  "The receiver refused or slowed mail because of the sending IP's "
	  "or domain's reputation.",
	  "Your sending IP or domain has a poor reputation at this "
	  "receiver: check complaint rates, list hygiene and the provider's "
	  "postmaster tools before sending more.",
	  "The receiver throttles on reputation; the queue retries, but "
	  "sending less and cleaner mail is what clears it.",
	  "A reputation check refused the client; review the score source "
	  "if legitimate mail is caught." },
	{ "blocked", H_SOFT,
	  "The sending IP address, host name or HELO name was refused "
	  "(a blocklist, a local block, a rejected greeting).",
	  "Your IP or host is refused: look it up on the list named, fix the "
	  "cause (open relay, infected host, missing rDNS) and request "
	  "delisting; send through another relay meanwhile.",
	  "Your IP or host is refused for now: look it up on the list named "
	  "and fix the cause before the queue gives up.",
	  "This server refused the client by its IP, name or HELO (a DNS "
	  "blocklist or a local block). Usually spam; if a legitimate client "
	  "is caught, check the list's entry for it and whitelist it." },
	{ "contenterror", H_SOFT,
	  "The message's format or content could not be handled (headers, "
	  "8-bit data, encoding).",
	  "Fix the generating software: malformed or duplicate headers, "
	  "raw 8-bit data in headers, broken MIME.",
	  "The receiver could not handle the content; it will likely fail "
	  "again until the message is fixed.",
	  "This server refused malformed content from the client." },
	{ "delivered", H_NONE,
	  "Delivered.", "Nothing to do.", NULL, "Nothing to do." },
	{ "exceedlimit", H_SOFT,
	  "The message exceeded an administrative limit of the recipient.",
	  "Send a smaller message or a link instead of the attachment.",
	  NULL,
	  "A size or count limit of this server refused the client's "
	  "message; raise it if legitimate mail hits it." },
	{ "expired", H_SOFT,
	  "Delivery was given up after the message sat in the queue too "
	  "long (usually unreachable or failing servers).",
	  "The destination kept failing until the queue lifetime ran out: "
	  "check its MX records and whether your IP can reach it, then "
	  "resend.",
	  "Still retrying: the destination has failed so far; check its MX "
	  "and reachability.",
	  "A client's session timed out here." },
	{ "feedback", H_NONE,
	  "A complaint (feedback report), not a bounce.",
	  "Stop mailing the complaining recipient.", NULL,
	  "Not a refusal." },
	{ "filtered", H_SOFT,
	  "The recipient side refused the message after accepting the "
	  "transaction start (content or per-recipient filters).",
	  "A filter at the recipient refused this message; check the "
	  "content and the recipient's filtering, or reach them another "
	  "way.",
	  NULL,
	  "A content or recipient filter of this server refused the "
	  "client's message; check the filter if legitimate mail is "
	  "caught." },
	{ "hasmoved", H_HARD,
	  "The recipient's mailbox has moved and mail is not forwarded.",
	  "Drop the address; use the new one if the reply names it.", NULL,
	  "This server answered that the address has moved." },
	{ "hostunknown", H_HARD,
	  "The recipient's domain does not exist or has no usable address.",
	  "The domain does not resolve: check the address for typos and "
	  "drop it if the domain is gone.",
	  "The domain does not resolve for now; if it persists, the address "
	  "is wrong.",
	  "This server refused an address whose domain does not resolve "
	  "(often a forged or mistyped sender or recipient domain)." },
	{ "mailboxfull", H_SOFT,
	  "The recipient's mailbox is over quota.",
	  "The recipient must free space; send again later, and drop the "
	  "address if the mailbox stays full for weeks (often abandoned).",
	  "The mailbox is full; the queue retries. A mailbox full for "
	  "weeks is usually abandoned.",
	  "A local mailbox is over quota; tell its owner or raise the "
	  "quota." },
	{ "mailererror", H_SOFT,
	  "A local delivery program (pipe, procmail, script) failed.",
	  "The recipient's delivery program failed; its administrator must "
	  "check the program and its exit code.",
	  NULL,
	  "A local delivery program failed; check the program and its exit "
	  "code." },
	{ "mesgtoobig", H_SOFT,
	  "The message is larger than the destination accepts.",
	  "Send a smaller message or a link instead of the attachment.",
	  NULL,
	  "The client's message exceeded this server's size limit "
	  "(message_size_limit); raise it if legitimate mail hits it." },
	{ "networkerror", H_SOFT,
	  "Delivery failed at the network level (DNS failure, lost "
	  "connection, routing loop).",
	  "Check DNS resolution and routing to the destination from this "
	  "server; a mail loop needs the routing fixed.",
	  "A network or DNS problem; the queue retries. If it persists, "
	  "check DNS and routing from this server.",
	  "A network or DNS problem while serving the client." },
	{ "norelaying", H_SOFT,
	  "The server refused to relay for a domain it does not serve.",
	  "The receiver does not accept mail for that domain: its MX points "
	  "to the wrong host, or you relay through a server that requires "
	  "authentication.",
	  NULL,
	  "This server refused to relay: the client is not allowed to send "
	  "to outside domains (usually spam probing an open relay; a "
	  "legitimate client must authenticate or be listed in "
	  "mynetworks)." },
	{ "notaccept", H_BY_CLASS,
	  "The destination does not accept mail at all (null MX, no MX).",
	  "The domain accepts no mail: drop the address.",
	  "The destination does not accept mail for now.",
	  "This server does not accept mail from this client at all." },
	{ "notcompliantrfc", H_SOFT,
	  "The message breaks RFC 5322 (duplicate headers, several From: "
	  "addresses ...).",
	  "Fix the generating software's headers.", NULL,
	  "This server refused a message that breaks RFC 5322." },
	{ "onhold", H_SOFT,
	  "A reply was seen but says too little to decide.",
	  "Read the reply text; nothing in it names a cause.", NULL,
	  "Read the reply text; nothing in it names a cause." },
	{ "policyviolation", H_SOFT,
	  "The receiver's local policy refused the message (content, "
	  "attachment or header policy).",
	  "The receiver's policy refused this message: check the reply and "
	  "the provider's policy page; change the content or ask the "
	  "recipient to allow it.",
	  NULL,
	  "A local policy of this server refused the client's message; "
	  "check the rule if legitimate mail is caught." },
	{ "rejected", H_SOFT,
	  "Refused because of the envelope sender (its address or domain).",
	  "The receiver refuses your envelope sender: check that its domain "
	  "resolves and has MX/A records, and that the address is not "
	  "listed.",
	  NULL,
	  "This server refused the client's envelope sender (unknown or "
	  "unresolvable domain, failed sender verification, sender "
	  "blocklist); a legitimate sender must fix its domain's DNS." },
	{ "requireptr", H_SOFT,
	  "Refused because the sending IP has no valid reverse DNS (PTR).",
	  "Give your sending IP a PTR record whose name resolves back to it "
	  "(your hosting provider sets it).",
	  "The receiver wants reverse DNS; add a PTR record for your IP "
	  "before the queue gives up.",
	  "This server refused a client without valid reverse DNS "
	  "(reject_unknown_client_hostname); small legitimate servers "
	  "sometimes lack it." },
	{ "securityerror", H_SOFT,
	  "Another security refusal: authentication required, TLS or "
	  "certificate problems, an unspecific policy refusal.",
	  "Check TLS and certificates towards the receiver and whether it "
	  "requires authentication; the reply tells which.",
	  "A TLS, certificate or authentication problem; the queue retries "
	  "but it will not clear by itself.",
	  "A security restriction of this server refused the client "
	  "(authentication or TLS required, access denied)." },
	{ "spamdetected", H_SOFT,
	  "A spam filter judged the message to be spam.",
	  "The receiver's filter scored the message as spam: review the "
	  "content, links and authentication, and the sending IP's "
	  "reputation.",
	  NULL,
	  "This server's spam filter refused the client's message; check "
	  "the score if legitimate mail is caught." },
	{ "speeding", H_SOFT,
	  "Refused for sending too fast (a rate limit).",
	  "Slow down: lower the concurrency and rate towards this "
	  "destination, warm up new IPs.",
	  "Rate limited: the queue retries later; lower the concurrency "
	  "and rate towards this destination.",
	  "A rate limit of this server refused the client; raise it if a "
	  "legitimate sender hits it." },
	{ "suspend", H_SOFT,
	  "The recipient's account exists but is disabled or suspended.",
	  "The account is disabled: stop sending unless the recipient "
	  "confirms it is active again.",
	  NULL,
	  "A local account is disabled." },
	{ "syntaxerror", H_SOFT,
	  "The server refused an SMTP command itself (syntax, sequence).",
	  "The conversation broke the protocol: check the sending software "
	  "and any proxy between.",
	  NULL,
	  "The client broke the SMTP protocol (bad syntax, wrong command "
	  "order, pipelining before the greeting): usually spamware." },
	{ "systemerror", H_SOFT,
	  "An internal error at the remote server (configuration, "
	  "directory lookup, queue write).",
	  "The receiving server has an internal problem; tell its "
	  "postmaster if it lasts.",
	  "The receiving server has an internal problem; the queue "
	  "retries.",
	  "This server had an internal problem while serving the client: "
	  "check its logs (lookup tables, disk, milters)." },
	{ "systemfull", H_SOFT,
	  "The destination's disk or spool is full (not the mailbox).",
	  "The receiving server is out of space; tell its postmaster if it "
	  "lasts.",
	  "The receiving server is out of space; the queue retries.",
	  "This server is short of queue space (queue_minfree); free disk "
	  "space." },
	{ "toomanyconn", H_SOFT,
	  "Refused for too many connections or recipients at once.",
	  "Lower the connections and recipients per message towards this "
	  "destination.",
	  "Too many connections or recipients; the queue retries. Lower "
	  "the concurrency towards this destination.",
	  "A connection or recipient limit of this server refused the "
	  "client (smtpd_client_connection_count_limit, "
	  "smtpd_recipient_limit)." },
	{ "undefined", H_SOFT,
	  "Nothing in the event tells the cause.",
	  "No reply text or code to decide on; see the log line.", NULL,
	  "No reply text or code to decide on; see the log line." },
	{ "userunknown", H_HARD,
	  "The recipient address does not exist at its domain.",
	  "The address does not exist: remove it from your lists; check "
	  "for typos if it was typed by hand.",
	  "The address is unknown (the receiver answered with a temporary "
	  "code); it usually stays unknown.",
	  "This server refused a recipient it does not have (local, "
	  "virtual or relay recipient tables). Many from one client are a "
	  "dictionary attack; one from a partner is a mistyped or removed "
	  "address." },
	{ "vacation", H_NONE,
	  "An automatic reply, not a bounce.", "Nothing to do.", NULL,
	  "Not a refusal." },
	{ "virusdetected", H_SOFT,
	  "A virus scanner found malware in the message.",
	  "The message carried malware (or looked like it): check the "
	  "sending host and the attachment.",
	  NULL,
	  "This server's virus scanner refused the client's message." },
};

#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))

const char *const bs_reason_names[] = {
	"authfailure", "badreputation", "blocked", "contenterror",
	"delivered", "exceedlimit", "expired", "feedback", "filtered",
	"hasmoved", "hostunknown", "mailboxfull", "mailererror",
	"mesgtoobig", "networkerror", "norelaying", "notaccept",
	"notcompliantrfc", "onhold", "policyviolation", "rejected",
	"requireptr", "securityerror", "spamdetected", "speeding", "suspend",
	"syntaxerror", "systemerror", "systemfull", "toomanyconn",
	"undefined", "userunknown", "vacation", "virusdetected", NULL
};

_Static_assert(NREASONS == BS_REASON_COUNT, "one entry per reason");

int
bs_reason_index(const char *reason)
{
	size_t i;

	if (reason == NULL)
		return -1;
	for (i = 0; i < NREASONS; i++)
		if (strcmp(reasons[i].name, reason) == 0)
			return (int)i;
	return -1;
}

static const struct reason_info *
info(const char *reason)
{
	int i = bs_reason_index(reason);

	return i < 0 ? NULL : &reasons[i];
}

/* The class of the reply: 4 or 5 from the basic code, else enhanced. */
static int
reply_class(const struct bs_codes *c)
{
	if (c->basic[0] >= '2' && c->basic[0] <= '5')
		return c->basic[0] - '0';
	if (c->enhanced[0] >= '2' && c->enhanced[0] <= '5')
		return c->enhanced[0] - '0';
	return 0;
}

int
bs_reason_hard(const char *reason, enum bs_kind kind,
    const struct bs_codes *codes)
{
	const struct reason_info *ri = info(reason);

	if (ri == NULL || (kind != BS_BOUNCED && kind != BS_EXPIRED &&
	    kind != BS_REJECTED))
		return BS_HARD_NONE;
	switch (ri->hard) {
	case H_HARD:
		return BS_HARD_YES;
	case H_BY_CLASS:
		return reply_class(codes) == 4 ? BS_HARD_NO : BS_HARD_YES;
	case H_NONE:
		return BS_HARD_NONE;
	default:
		return BS_HARD_NO;
	}
}

const char *
bs_reason_meaning(const char *reason)
{
	const struct reason_info *ri = info(reason);

	return ri != NULL ? ri->meaning : NULL;
}

const char *
bs_reason_hint(const char *reason, enum bs_kind kind,
    const struct bs_codes *codes)
{
	const struct reason_info *ri = info(reason);

	if (ri == NULL)
		return NULL;
	if (kind == BS_REJECTED)
		return ri->in;
	/* A deferral still retries; a 5xx answer never does. */
	if (kind == BS_DEFERRED && reply_class(codes) != 5 &&
	    ri->deferred != NULL)
		return ri->deferred;
	return ri->out;
}

/* ------------------------------------------------------------------ */
/* The rules.                                                          */

enum {
	CMD_NONE = 1u << 0,	/* the reply does not say */
	CMD_CONN = 1u << 1,	/* greeting or connection */
	CMD_HELO = 1u << 2,
	CMD_MAIL = 1u << 3,
	CMD_RCPT = 1u << 4,
	CMD_DATA = 1u << 5
};

static const struct {
	const char *name;
	unsigned bit;
} commands[] = {
	{ "none", CMD_NONE }, { "conn", CMD_CONN }, { "helo", CMD_HELO },
	{ "mail", CMD_MAIL }, { "rcpt", CMD_RCPT }, { "data", CMD_DATA },
};

/* One code condition: "5.7.1", "5.7." (prefix), "550", "55x", "none". */
struct code_cond {
	char s[BS_ENHANCED_MAX];
	unsigned char len;
	bool enhanced;	/* has a dot: compared with the enhanced code */
	bool prefix;	/* ends with a dot */
	bool none;	/* no code at all */
};

struct rule {
	const char *reason;	/* static, from reasons[] */
	unsigned kinds;		/* 1 << kind; 0: every failure kind */
	int cls;		/* 4 or 5; 0: any */
	unsigned cmds;		/* CMD_*; 0: any */
	struct code_cond *codes;
	size_t ncodes;
	char **hosts;		/* lower-case suffixes */
	size_t nhosts;
	char *name, *url, *label, *hint;
	int text;		/* callout number, 0 for none */
	const char *origin;	/* owned by the pattern set */
	unsigned line;
};

struct bs_reasons {
	struct rule *rules;
	size_t nrules;
	unsigned cmd_of[BS_REASON_TEXTS_MAX + 1];	/* callout -> CMD_* */
	int ntexts;
	pcre2_code *re;		/* the joined text pattern, or NULL */
	uint64_t serial;	/* tells thread scratch which table it is */
	/*
	 * The JIT compile of re costs as much as reading a few MiB of log,
	 * so it waits for the first match: a run that meets no failure, or
	 * only reports counts, never pays it.
	 */
	pthread_mutex_t jit_lock;
	atomic_bool jitted;
};

static void
free_rules(struct bs_reasons *r)
{
	size_t i, j;

	for (i = 0; i < r->nrules; i++) {
		struct rule *ru = &r->rules[i];

		free(ru->codes);
		for (j = 0; j < ru->nhosts; j++)
			free(ru->hosts[j]);
		free(ru->hosts);
		free(ru->name);
		free(ru->url);
		free(ru->label);
		free(ru->hint);
	}
	free(r->rules);
}

static void
reasons_free(void *v)
{
	struct bs_reasons *r = v;

	if (r == NULL)
		return;
	free_rules(r);
	pcre2_code_free(r->re);
	pthread_mutex_destroy(&r->jit_lock);
	free(r);
}

/* A growing byte buffer for the joined pattern. */
struct buf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Split "a,b,c" in place and call fn on each item. */
static char *
dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static bool
parse_code(const char *s, size_t n, struct code_cond *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	if (n == 4 && memcmp(s, "none", 4) == 0) {
		c->none = true;
		return true;
	}
	if (n == 0 || n >= sizeof(c->s))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.')
			c->enhanced = true;
		else if (!(s[i] >= '0' && s[i] <= '9') && s[i] != 'x')
			return false;
	}
	if (!c->enhanced && n != 3)
		return false;
	memcpy(c->s, s, n);
	c->len = (unsigned char)n;
	c->prefix = c->enhanced && s[n - 1] == '.';
	return true;
}

static bool
code_holds(const struct code_cond *c, const struct bs_codes *codes)
{
	size_t i;

	if (c->none)
		return codes->basic[0] == '\0' && codes->enhanced[0] == '\0';
	if (c->enhanced) {
		if (c->prefix)
			return strncmp(codes->enhanced, c->s, c->len) == 0;
		return strcmp(codes->enhanced, c->s) == 0;
	}
	if (codes->basic[0] == '\0')
		return false;
	for (i = 0; i < 3; i++)
		if (c->s[i] != 'x' && c->s[i] != codes->basic[i])
			return false;
	return true;
}

/* The value of a field: "..." quoted or up to white space. */
static const char *
field_value(const char *p, const char *end, const char **vend)
{
	if (p < end && *p == '"') {
		const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));

		if (q == NULL)
			return NULL;
		*vend = q;
		return p + 1;
	}
	*vend = p;
	while (*vend < end && **vend != ' ' && **vend != '\t')
		(*vend)++;
	return p;
}

static bs_status
row_error(struct bs_diag *d, const struct bs_pattern_row *row,
    const char *what)
{
	return bs_diag_set(d, BS_ERR_CONFIG, row->origin, row->line, "%s",
	    what);
}

/*
 * Check that one text regex compiles on its own, so that an error names
 * its row rather than the joined pattern.
 */
static bs_status
check_text(const struct bs_pattern_row *row, const char *rx, size_t n,
    struct bs_diag *d)
{
	PCRE2_SIZE off;
	int err;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)rx, n, PCRE2_CASELESS,
	    &err, &off, NULL);

	if (re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(err, msg, sizeof(msg));
		return bs_diag_set(d, BS_ERR_CONFIG, row->origin, row->line,
		    "text does not compile at offset %zu: %s", (size_t)off,
		    (const char *)msg);
	}
	pcre2_code_free(re);
	return BS_OK;
}

/* Append "(?:rx)(?CN)|" to the joined pattern; N is the new text id. */
static bs_status
add_text(struct bs_reasons *r, struct buf *b,
    const struct bs_pattern_row *row, const char *rx, size_t n, int *id,
    struct bs_diag *d)
{
	char tail[24];

	if (r->ntexts >= BS_REASON_TEXTS_MAX)
		return row_error(d, row, "more than 255 texts in reasons.pat");
	*id = ++r->ntexts;
	buf_add(b, r->ntexts > 1 ? "|(?:" : "(?:(?:", r->ntexts > 1 ? 4 : 6);
	buf_add(b, rx, n);
	snprintf(tail, sizeof(tail), ")(?C%d)", *id);
	buf_add(b, tail, strlen(tail));
	return b->failed ? bs_diag_set(d, BS_ERR_NOMEM, "", 0,
	    "out of memory") : BS_OK;
}

/* Parse one "reason:" or "command:" row. */
static bs_status
parse_row(struct bs_reasons *r, struct buf *b,
    const struct bs_pattern_row *row, struct bs_diag *d)
{
	const char *p = row->text, *end = row->text + row->len, *w, *we;
	bool is_cmd = strcmp(row->keyword, "command") == 0;
	struct rule *ru;
	unsigned cmdbit = 0;
	size_t i;

	if (!is_cmd && strcmp(row->keyword, "reason") != 0)
		return row_error(d, row, "a row is 'reason: NAME fields' or "
		    "'command: NAME text=REGEX'");
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (w = p; p < end && *p != ' ' && *p != '\t'; p++)
		;
	we = p;
	if (is_cmd) {
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strlen(commands[i].name) == (size_t)(we - w) &&
			    strncasecmp(commands[i].name, w,
			    (size_t)(we - w)) == 0)
				cmdbit = commands[i].bit;
		if (cmdbit == 0)
			return row_error(d, row, "unknown command (conn, helo, "
			    "mail, rcpt, data)");
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) < 5 || memcmp(p, "text=", 5) != 0)
			return row_error(d, row, "a command row needs text=");
		{
			int id;
			bs_status st = add_text(r, b, row, p + 5,
			    (size_t)(end - p - 5), &id, d);

			if (st != BS_OK)
				return st;
			r->cmd_of[id] = cmdbit;
		}
		return BS_OK;
	}
	if (r->nrules >= BS_REASON_RULES_MAX)
		return row_error(d, row, "too many rules");
	ru = &r->rules[r->nrules];
	memset(ru, 0, sizeof(*ru));
	for (i = 0; i < NREASONS; i++)
		if (strlen(reasons[i].name) == (size_t)(we - w) &&
		    memcmp(reasons[i].name, w, (size_t)(we - w)) == 0)
			ru->reason = reasons[i].name;
	if (ru->reason == NULL)
		return row_error(d, row, "unknown reason (taxonomy.md lists "
		    "them)");
	ru->origin = row->origin;
	ru->line = (unsigned)row->line;
	r->nrules++;
	for (;;) {
		const char *key, *eq, *v, *ve;
		size_t klen;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		key = p;
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL)
			return row_error(d, row, "expected key=value");
		klen = (size_t)(eq - key);
		if (klen == 4 && memcmp(key, "text", 4) == 0) {
			if (ru->text != 0)
				return row_error(d, row, "text= twice");
			return add_text(r, b, row, eq + 1,
			    (size_t)(end - eq - 1), &ru->text, d);
		}
		v = field_value(eq + 1, end, &ve);
		if (v == NULL)
			return row_error(d, row, "unterminated quote");
		p = ve + (ve < end && *ve == '"');
#define KEY(s) (klen == sizeof(s) - 1 && memcmp(key, s, klen) == 0)
		if (KEY("name") || KEY("url") || KEY("label") ||
		    KEY("hint")) {
			char **dst = KEY("name") ? &ru->name :
			    KEY("url") ? &ru->url : KEY("hint") ? &ru->hint :
			    &ru->label;

			free(*dst);
			*dst = dup_n(v, (size_t)(ve - v));
			if (*dst == NULL)
				return bs_diag_set(d, BS_ERR_NOMEM, "", 0,
				    "out of memory");
			continue;
		}
		if (!KEY("kind") && !KEY("code") && !KEY("cmd") &&
		    !KEY("host") && !KEY("class"))
			return row_error(d, row, "unknown field (kind, class, "
			    "code, cmd, host, name, url, label, hint, text)");
		/* Comma lists. */
		while (v < ve) {
			const char *c = v, *ce = memchr(v, ',',
			    (size_t)(ve - v));
			size_t n;

			if (ce == NULL)
				ce = ve;
			n = (size_t)(ce - c);
			v = ce + 1;
			if (KEY("class")) {
				if (n != 1 || (*c != '4' && *c != '5'))
					return row_error(d, row, "class is 4 "
					    "or 5");
				ru->cls = *c - '0';
			} else if (KEY("kind")) {
#define IS(s) (n == sizeof(s) - 1 && memcmp(c, s, n) == 0)
				if (IS("deferred"))
					ru->kinds |= 1u << BS_DEFERRED;
				else if (IS("bounced"))
					ru->kinds |= 1u << BS_BOUNCED;
				else if (IS("expired"))
					ru->kinds |= 1u << BS_EXPIRED;
				else if (IS("rejected") || IS("in"))
					ru->kinds |= 1u << BS_REJECTED;
				else if (IS("out"))
					ru->kinds |= 1u << BS_DEFERRED |
					    1u << BS_BOUNCED |
					    1u << BS_EXPIRED;
				else
					return row_error(d, row, "kind is "
					    "deferred, bounced, expired, "
					    "rejected, out or in");
#undef IS
			} else if (KEY("cmd")) {
				unsigned bit = 0;

				for (i = 0; i < sizeof(commands) /
				    sizeof(commands[0]); i++)
					if (strlen(commands[i].name) == n &&
					    strncasecmp(commands[i].name, c,
					    n) == 0)
						bit = commands[i].bit;
				if (bit == 0)
					return row_error(d, row, "cmd is none, "
					    "conn, helo, mail, rcpt or data");
				ru->cmds |= bit;
			} else if (KEY("code")) {
				struct code_cond *nc = realloc(ru->codes,
				    (ru->ncodes + 1) * sizeof(*nc));

				if (nc == NULL)
					return bs_diag_set(d, BS_ERR_NOMEM,
					    "", 0, "out of memory");
				ru->codes = nc;
				if (!parse_code(c, n, &nc[ru->ncodes]))
					return row_error(d, row, "a code is "
					    "550, 55x, 5.7.1, 5.7. or none");
				ru->ncodes++;
			} else {
				char **nh = realloc(ru->hosts,
				    (ru->nhosts + 1) * sizeof(*nh));
				size_t k;

				if (nh == NULL)
					return bs_diag_set(d, BS_ERR_NOMEM,
					    "", 0, "out of memory");
				ru->hosts = nh;
				nh[ru->nhosts] = dup_n(c, n);
				if (nh[ru->nhosts] == NULL)
					return bs_diag_set(d, BS_ERR_NOMEM,
					    "", 0, "out of memory");
				for (k = 0; k < n; k++)
					if (nh[ru->nhosts][k] >= 'A' &&
					    nh[ru->nhosts][k] <= 'Z')
						nh[ru->nhosts][k] += 32;
				ru->nhosts++;
			}
		}
#undef KEY
	}
	return BS_OK;
}

static _Atomic uint64_t next_serial = 1;

static void *
reasons_make(const struct bs_patterns *p, struct bs_diag *d)
{
	struct bs_reasons *r = calloc(1, sizeof(*r));
	struct bs_pattern_row row;
	struct buf b = { 0 };
	size_t i, nrows = 0;
	bs_status st = BS_OK;

	if (r == NULL) {
		bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&r->jit_lock, NULL);
	while (bs_patterns_row(p, "reasons", nrows, &row))
		nrows++;
	r->rules = calloc(nrows ? nrows : 1, sizeof(*r->rules));
	if (r->rules == NULL) {
		bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		goto fail;
	}
	for (i = 0; i < nrows && st == BS_OK; i++) {
		bs_patterns_row(p, "reasons", i, &row);
		st = parse_row(r, &b, &row, d);
	}
	if (st != BS_OK)
		goto fail;
	if (r->ntexts > 0) {
		PCRE2_SIZE off;
		int err;

		/*
		 * Every alternative that matches anywhere calls out; (*FAIL)
		 * then makes PCRE2 go on to the next alternative and
		 * position, so one match finds them all.
		 */
		buf_add(&b, ")(*FAIL)", 8);
		if (b.failed) {
			bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
			goto fail;
		}
		r->re = pcre2_compile((PCRE2_SPTR)b.p, b.len, PCRE2_CASELESS,
		    &err, &off, NULL);
		if (r->re == NULL) {
			PCRE2_UCHAR msg[256];

			/* Name the row whose text is at fault, if one is. */
			for (i = 0; i < nrows; i++) {
				const char *t;

				bs_patterns_row(p, "reasons", i, &row);
				t = strstr(row.text, "text=");
				if (t != NULL && check_text(&row, t + 5,
				    row.len - (size_t)(t + 5 - row.text),
				    d) != BS_OK)
					goto fail;
			}
			pcre2_get_error_message(err, msg, sizeof(msg));
			bs_diag_set(d, BS_ERR_CONFIG, "reasons.pat", 0,
			    "the joined texts do not compile at offset %zu: "
			    "%s", (size_t)off, (const char *)msg);
			goto fail;
		}
	}
	free(b.p);
	r->serial = next_serial++;
	return r;
fail:
	free(b.p);
	reasons_free(r);
	return NULL;
}

const struct bs_reasons *
bs_reasons_of(const struct bs_patterns *p, struct bs_diag *d)
{
	if (p == NULL)
		return NULL;
	return bs_patterns_derive(p, reasons_make, reasons_free, d);
}

/* ------------------------------------------------------------------ */
/* The decision.                                                       */

/*
 * Each thread's match data and match context (whose callout records
 * into bits), made on first use and freed when the thread ends.
 */
#define BITS_WORDS ((BS_REASON_TEXTS_MAX + 1 + 63) / 64)
#define CACHE_SLOTS 256	/* replies remembered per thread */

/*
 * What the joined pattern found in one reply, remembered by the reply's
 * hash and length: a log repeats the same replies ("Connection refused",
 * a greylisting answer), and the facts of a text depend on nothing else.
 */
struct cached {
	uint64_t hash;
	size_t len;
	uint64_t bits[BITS_WORDS];
};

struct scratch {
	uint64_t serial;	/* the table the cache holds facts of */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	uint64_t bits[BITS_WORDS];
	struct cached cache[CACHE_SLOTS];
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_ok;

static void
scratch_free(void *v)
{
	struct scratch *s = v;

	if (s == NULL)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	free(s);
}

static void
scratch_init(void)
{
	scratch_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

static int
on_callout(pcre2_callout_block *cb, void *data)
{
	struct scratch *s = data;
	uint32_t n = cb->callout_number;

	s->bits[n >> 6] |= 1ull << (n & 63);
	return 0;
}

static struct scratch *
scratch_get(void)
{
	struct scratch *s;

	pthread_once(&scratch_once, scratch_init);
	if (!scratch_ok)
		return NULL;
	s = pthread_getspecific(scratch_key);
	if (s != NULL)
		return s;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->md = pcre2_match_data_create(1, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	if (s->md == NULL || s->mctx == NULL ||
	    pthread_setspecific(scratch_key, s) != 0) {
		scratch_free(s);
		return NULL;
	}
	pcre2_set_match_limit(s->mctx, BS_MATCH_LIMIT);
	pcre2_set_depth_limit(s->mctx, BS_DEPTH_LIMIT);
	pcre2_set_heap_limit(s->mctx, BS_HEAP_LIMIT_KIB);
	pcre2_set_callout(s->mctx, on_callout, s);
	return s;
}

/* Run the joined pattern once over the reply; false if it cannot. */
static bool
match_texts(const struct bs_reasons *r, struct scratch *s, const char *t,
    size_t n)
{
	struct cached *c;
	uint64_t h;
	int rc;

	memset(s->bits, 0, sizeof(s->bits));
	if (r->re == NULL || t == NULL)
		return true;
	if (s->serial != r->serial) {
		memset(s->cache, 0, sizeof(s->cache));
		s->serial = r->serial;
	}
	h = bs_hash_bytes(t, n);
	c = &s->cache[h % CACHE_SLOTS];
	if (c->hash == h && c->len == n && h != 0) {
		memcpy(s->bits, c->bits, sizeof(s->bits));
		return true;
	}
	if (!atomic_load_explicit(&r->jitted, memory_order_acquire)) {
		/* The table's only mutable part, behind its own lock. */
		struct bs_reasons *w = (struct bs_reasons *)r;

		pthread_mutex_lock(&w->jit_lock);
		if (!atomic_load_explicit(&w->jitted, memory_order_relaxed)) {
			/* Where the JIT is unavailable, the interpreter runs. */
			(void)pcre2_jit_compile(w->re, PCRE2_JIT_COMPLETE);
			atomic_store_explicit(&w->jitted, true,
			    memory_order_release);
		}
		pthread_mutex_unlock(&w->jit_lock);
	}
	rc = pcre2_jit_match(r->re, (PCRE2_SPTR)t, n, 0, 0, s->md, s->mctx);
	if (rc == PCRE2_ERROR_JIT_BADOPTION)
		rc = pcre2_match(r->re, (PCRE2_SPTR)t, n, 0, 0, s->md,
		    s->mctx);
	/* (*FAIL) ends every successful run in NOMATCH. */
	if (rc != PCRE2_ERROR_NOMATCH)
		return false;
	c->hash = h;
	c->len = n;
	memcpy(c->bits, s->bits, sizeof(s->bits));
	return true;
}

static bool
has_bit(const struct scratch *s, int id)
{
	return (s->bits[id >> 6] >> (id & 63)) & 1;
}

/* Whether the remote host ends with suffix at a label boundary. */
static bool
host_holds(const struct rule *ru, const struct bs_event *ev)
{
	size_t i, k;

	if (ev->remote.ptr == NULL)
		return false;
	for (i = 0; i < ru->nhosts; i++) {
		size_t sl = strlen(ru->hosts[i]);
		const char *h;

		if (sl > ev->remote.len)
			continue;
		h = ev->remote.ptr + ev->remote.len - sl;
		if (sl < ev->remote.len && h[-1] != '.')
			continue;
		for (k = 0; k < sl; k++) {
			char c = h[k];

			if (c >= 'A' && c <= 'Z')
				c += 32;
			if (c != ru->hosts[i][k])
				break;
		}
		if (k == sl)
			return true;
	}
	return false;
}

static void
fire(const struct rule *ru, const struct bs_event *ev, struct bs_verdict *v)
{
	v->reason = ru->reason;
	v->name = ru->name;
	v->url = ru->url;
	v->label = ru->label;
	v->hint = ru->hint;
	v->origin = ru->origin;
	v->line = ru->line;
	v->hard = bs_reason_hard(ru->reason, ev->kind, &ev->codes);
}

/* Hot for failure events: once each. */
void
bs_reasons_classify(const struct bs_reasons *r, const struct bs_event *ev,
    struct bs_verdict *v)
{
	struct scratch *s = NULL;
	bool texts = false;	/* the match has run */
	unsigned cmd = CMD_NONE, kbit = 1u << ev->kind;
	int cls = reply_class(&ev->codes);
	size_t i, j;

	memset(v, 0, sizeof(*v));
	v->hard = BS_HARD_NONE;
	if (ev->kind == BS_DELIVERED) {
		v->reason = "delivered";
		return;
	}
	for (i = 0; r != NULL && i < r->nrules; i++) {
		const struct rule *ru = &r->rules[i];

		if (ru->kinds != 0 && !(ru->kinds & kbit))
			continue;
		if (ru->cls != 0 && ru->cls != cls)
			continue;
		if (ru->ncodes > 0) {
			for (j = 0; j < ru->ncodes; j++)
				if (code_holds(&ru->codes[j], &ev->codes))
					break;
			if (j == ru->ncodes)
				continue;
		}
		/* A remote host answers only mail this server sent. */
		if (ru->nhosts > 0 && (ev->kind == BS_REJECTED ||
		    !host_holds(ru, ev)))
			continue;
		if ((ru->cmds != 0 || ru->text != 0) && !texts) {
			texts = true;
			s = scratch_get();
			if (s == NULL || !match_texts(r, s, ev->reply,
			    ev->reply_len)) {
				s = NULL;
			} else {
				for (j = 1; j <= (size_t)r->ntexts; j++)
					if (r->cmd_of[j] != 0 &&
					    has_bit(s, (int)j)) {
						cmd = r->cmd_of[j];
						break;
					}
			}
		}
		if (ru->cmds != 0 && !(ru->cmds & cmd))
			continue;
		if (ru->text != 0 && (s == NULL || !has_bit(s, ru->text)))
			continue;
		fire(ru, ev, v);
		return;
	}
	v->reason = ev->reply != NULL && ev->reply_len > 0 ? "onhold" :
	    "undefined";
	v->hard = bs_reason_hard(v->reason, ev->kind, &ev->codes);
}
