/*
 * reasons.c - the reason of a failure, from the rows of reasons.pat.
 *
 * reasons.h says what a verdict holds; patterns/reasons.pat says how a
 * rule is written.  Here: the reason vocabulary with its meanings and
 * hints, the parser of the rows, the one joined text pattern, and the
 * decision.
 */
#include <pthread.h>
#include <stddef.h>
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
#include "reasons_lit.h"

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
	  "A reply was seen but says too little to decide (so is an Exim "
	  "retry hold: the failure before it holds the cause).",
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

/* The hard flag of a reason of hardness h for kind and the codes. */
static int
hard_of(enum hardness h, enum bs_kind kind, const struct bs_codes *codes)
{
	if (kind != BS_BOUNCED && kind != BS_EXPIRED && kind != BS_REJECTED)
		return BS_HARD_NONE;
	switch (h) {
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

int
bs_reason_hard(const char *reason, enum bs_kind kind,
    const struct bs_codes *codes)
{
	const struct reason_info *ri = info(reason);

	return ri == NULL ? BS_HARD_NONE : hard_of(ri->hard, kind, codes);
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
/* What a reply names: a blocklist zone, a help page.                  */

/* Where word (lower case) starts in s[0..n), caseless; NULL if absent. */
static const char *
find_caseless(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word), i, j;

	for (i = 0; i + k <= n; i++) {
		for (j = 0; j < k; j++) {
			char c = s[i + j];

			if (c >= 'A' && c <= 'Z')
				c += 32;
			if (c != word[j])
				break;
		}
		if (j == k)
			return s + i;
	}
	return NULL;
}

static bool
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.';
}

size_t
bs_reasons_zone(const char *s, size_t n, const char **zone)
{
	/* The words that come before a list's zone in common replies. */
	static const char *const before[] = {
		"blocked using ", "listed at ", "listed in ", "listed on ",
		"listed by ", "blacklisted by ", "blocklisted by ",
		"rejected by ", "blocked by ", "found in ", "dnsbl ", "rbl ",
	};
	size_t i;

	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		const char *p = find_caseless(s, n, before[i]), *z, *e;
		bool dot = false, letter = false;

		if (p == NULL)
			continue;
		z = p + strlen(before[i]);
		for (e = z; e < s + n && host_char(*e); e++)
			;
		while (e > z && (e[-1] == '.' || e[-1] == '-'))
			e--;
		for (p = z; p < e; p++) {
			if (*p == '.')
				dot = true;
			else if ((*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z'))
				letter = dot;	/* a letter after a dot */
		}
		/* A host name with a dot and letters in its last labels. */
		if (dot && letter) {
			*zone = z;
			return (size_t)(e - z);
		}
	}
	*zone = NULL;
	return 0;
}

size_t
bs_reasons_url(const char *s, size_t n, const char **url)
{
	const char *p = find_caseless(s, n, "https://"), *q, *e;

	q = find_caseless(s, n, "http://");
	if (p == NULL || (q != NULL && q < p))
		p = q;
	*url = p;
	if (p == NULL)
		return 0;
	for (e = p; e < s + n && *e != ' ' && *e != '\t' && *e != '"' &&
	    *e != '\'' && *e != '<' && *e != '>'; e++)
		;
	/* Sentence punctuation after it is not part of it. */
	while (e > p && (e[-1] == '.' || e[-1] == ',' || e[-1] == ';' ||
	    e[-1] == ':' || e[-1] == ')' || e[-1] == ']'))
		e--;
	return (size_t)(e - p);
}

/* ------------------------------------------------------------------ */
/* The rules.                                                          */

enum {
	CMD_NONE = 1u << 0,	/* the reply does not say */
	CMD_CONN = 1u << 1,	/* greeting or connection */
	CMD_HELO = 1u << 2,
	CMD_MAIL = 1u << 3,
	CMD_RCPT = 1u << 4,
	CMD_DATA = 1u << 5,
	CMD_COUNT = 6
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
	enum hardness hard;	/* its reason's */
	unsigned kinds;		/* 1 << kind; 0: every failure kind */
	int cls;		/* 4 or 5; 0: any */
	unsigned cmds;		/* CMD_*; 0: any */
	struct code_cond *codes;
	size_t ncodes;
	char **hosts;		/* lower-case suffixes */
	size_t nhosts;
	char *name, *url, *label, *hint;
	int text;		/* text id (callout number), 0 for none */
	const char *origin;	/* owned by the pattern set */
	unsigned line;
};

/* Rule sets as bits, one per rule in file order. */
#define MASK_WORDS (BS_REASON_RULES_MAX / 64)
typedef uint64_t rmask[MASK_WORDS];

struct bs_reasons {
	struct rule *rules;
	size_t nrules, nw;	/* nw: words of a rule mask in use */
	int ntexts;
	unsigned cmd_of[BS_REASON_TEXTS_MAX + 1];	/* text -> CMD_* */
	int text_rule[BS_REASON_TEXTS_MAX + 1];	/* text -> rule, or -1 */
	char *src[BS_REASON_TEXTS_MAX + 1];	/* each text's regex */
	size_t srclen[BS_REASON_TEXTS_MAX + 1];
	int cmd_ids[BS_REASON_TEXTS_MAX + 1];	/* command texts in order */
	int ncmd;
	struct bs_litset *lits;	/* the prefilter of all texts */
	rmask notext;		/* rules without a text */
	rmask cmdmask[CMD_COUNT];	/* rules that a command allows */
	uint64_t serial;	/* tells thread scratch which table it is */
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
	int i;

	if (r == NULL)
		return;
	free_rules(r);
	for (i = 0; i <= BS_REASON_TEXTS_MAX; i++)
		free(r->src[i]);
	bs_litset_free(r->lits);
	free(r);
}

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
 * Check that one text regex compiles on its own (so that an error names
 * its row), read its literals for the prefilter, and keep it for the
 * joined patterns that the decision compiles.
 */
static bs_status
add_text(struct bs_reasons *r, const struct bs_pattern_row *row,
    const char *rx, size_t n, int *id, struct bs_diag *d)
{
	PCRE2_SIZE off;
	int err;
	pcre2_code *re;
	const char *why;

	if (r->ntexts >= BS_REASON_TEXTS_MAX)
		return row_error(d, row, "more than 255 texts in reasons.pat");
	/*
	 * Only to check it, so the optimisations a match would use are
	 * off.  The built-in texts are checked by the tests instead
	 * (check_reasons.c): compiling them all would cost more than the
	 * rest of reading the rules.
	 */
	re = row->builtin ? NULL : pcre2_compile((PCRE2_SPTR)rx, n,
	    PCRE2_CASELESS | PCRE2_NO_AUTO_POSSESS | PCRE2_NO_START_OPTIMIZE |
	    PCRE2_NO_DOTSTAR_ANCHOR, &err, &off, NULL);
	if (re == NULL && !row->builtin) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(err, msg, sizeof(msg));
		return bs_diag_set(d, BS_ERR_CONFIG, row->origin, row->line,
		    "text does not compile at offset %zu: %s", (size_t)off,
		    (const char *)msg);
	}
	pcre2_code_free(re);
	*id = ++r->ntexts;
	why = bs_litset_add(r->lits, *id, rx, n);
	if (why != NULL)
		return strcmp(why, "out of memory") == 0 ? bs_diag_set(d,
		    BS_ERR_NOMEM, "", 0, "out of memory") :
		    row_error(d, row, why);
	r->src[*id] = dup_n(rx, n);
	r->srclen[*id] = n;
	if (r->src[*id] == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	return BS_OK;
}

/* Parse one "reason:" or "command:" row. */
static bs_status
parse_row(struct bs_reasons *r, const struct bs_pattern_row *row,
    struct bs_diag *d)
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
		int id;
		bs_status st;

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
		st = add_text(r, row, p + 5, (size_t)(end - p - 5), &id, d);
		if (st != BS_OK)
			return st;
		r->cmd_of[id] = cmdbit;
		r->cmd_ids[r->ncmd++] = id;
		return BS_OK;
	}
	if (r->nrules >= BS_REASON_RULES_MAX)
		return row_error(d, row, "too many rules");
	ru = &r->rules[r->nrules];
	memset(ru, 0, sizeof(*ru));
	for (i = 0; i < NREASONS; i++)
		if (strlen(reasons[i].name) == (size_t)(we - w) &&
		    memcmp(reasons[i].name, w, (size_t)(we - w)) == 0) {
			ru->reason = reasons[i].name;
			ru->hard = reasons[i].hard;
		}
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
			bs_status st;

			if (ru->text != 0)
				return row_error(d, row, "text= twice");
			st = add_text(r, row, eq + 1, (size_t)(end - eq - 1),
			    &ru->text, d);
			if (st == BS_OK)
				r->text_rule[ru->text] = (int)(r->nrules - 1);
			return st;
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

static void
mask_set(uint64_t *m, size_t i)
{
	m[i >> 6] |= 1ull << (i & 63);
}

/* The masks that do not depend on an event. */
static void
make_masks(struct bs_reasons *r)
{
	size_t i, c;

	r->nw = (r->nrules + 63) / 64;
	for (i = 0; i < r->nrules; i++) {
		const struct rule *ru = &r->rules[i];

		if (ru->text == 0)
			mask_set(r->notext, i);
		for (c = 0; c < CMD_COUNT; c++)
			if (ru->cmds == 0 || (ru->cmds & (1u << c)))
				mask_set(r->cmdmask[c], i);
	}
}

static _Atomic uint64_t next_serial = 1;

static void *
reasons_make(const struct bs_patterns *p, struct bs_diag *d)
{
	struct bs_reasons *r = calloc(1, sizeof(*r));
	struct bs_pattern_row *rows = NULL;
	size_t i, nrows;
	bs_status st = BS_OK;

	if (r == NULL || (r->lits = bs_litset_new()) == NULL) {
		free(r);
		bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		return NULL;
	}
	for (i = 0; i <= BS_REASON_TEXTS_MAX; i++)
		r->text_rule[i] = -1;
	nrows = bs_patterns_rows(p, "reasons", NULL, 0);
	r->rules = calloc(nrows ? nrows : 1, sizeof(*r->rules));
	rows = calloc(nrows ? nrows : 1, sizeof(*rows));
	if (r->rules == NULL || rows == NULL) {
		bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		goto fail;
	}
	bs_patterns_rows(p, "reasons", rows, nrows);
	for (i = 0; i < nrows && st == BS_OK; i++)
		st = parse_row(r, &rows[i], d);
	if (st != BS_OK)
		goto fail;
	if (!bs_litset_finish(r->lits)) {
		bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
		goto fail;
	}
	make_masks(r);
	r->serial = next_serial++;
	free(rows);
	return r;
fail:
	free(rows);
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

size_t
bs_reasons_describe_text(const struct bs_reasons *r, int id, char *buf,
    size_t size)
{
	if (r == NULL || id <= 0 || id > r->ntexts) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	return bs_litset_describe(r->lits, id, buf, size);
}

const struct bs_litset *
bs_reasons_litset(const struct bs_reasons *r)
{
	return r != NULL ? r->lits : NULL;
}

int
bs_reasons_texts(const struct bs_reasons *r, const char **rx, size_t *n,
    int id)
{
	if (r == NULL)
		return 0;
	if (id > 0 && id <= r->ntexts && rx != NULL) {
		*rx = r->src[id];
		*n = r->srclen[id];
	}
	return r->ntexts;
}

/* ------------------------------------------------------------------ */
/* The decision.                                                       */

#define BITS_WORDS BS_LIT_WORDS
#define REPLY_SLOTS 4096	/* replies remembered per thread */
#define CODE_SLOTS 256	/* kinds and codes remembered per thread */
#define JOIN_SLOTS 64	/* joined patterns kept per thread */
#define TM_WORDS 4	/* rule masks kept with a reply: 256 rules */

_Static_assert(BS_REASON_TEXTS_MAX < BS_LIT_TEXTS_MAX, "text ids fit");

/*
 * What the texts say about one reply, remembered by the reply's hash
 * and length: a log repeats the same replies ("Connection refused", a
 * greylisting answer), and the facts of a text depend on nothing else.
 * After PCRE2 has run, f.maybe is empty and f.sure complete.
 */
struct reply_facts {
	uint64_t hash;
	size_t len;
	struct bs_lit_found f;
	/* The rules whose text may match, while the table has few rules. */
	bool has_tm;
	uint64_t tm[TM_WORDS];
};

/*
 * The rules that an event's kind and codes allow (before its reply):
 * open addressing, emptied when full (a log has a few dozen).
 */
struct code_facts {
	char key[1 + sizeof(((struct bs_codes *)0)->basic) + BS_ENHANCED_MAX];
	bool used;
	rmask allowed;
};

/* A joined pattern of the alternatives in alts (compiled on demand). */
struct joined {
	uint16_t alts[BS_LIT_ALTS_MAX + 1];
	unsigned nalts;		/* > BS_LIT_ALTS_MAX: whole texts, in set */
	uint64_t set[BITS_WORDS];
	pcre2_code *re;
};

struct scratch {
	uint64_t serial;	/* the table the caches hold facts of */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	uint64_t bits[BITS_WORDS];	/* the callouts' record */
	size_t ncodes, njoins;
	/* The last event's kind and codes as they were, and their rules. */
	struct bs_codes last_codes;
	int last_kind;
	const uint64_t *last_allowed;
	struct reply_facts replies[REPLY_SLOTS];
	struct code_facts codes[CODE_SLOTS];
	struct joined joins[JOIN_SLOTS];
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_ok;
/* The same pointer, found faster; the key frees it when a thread ends. */
static _Thread_local struct scratch *my_scratch;

static void
joins_clear(struct scratch *s)
{
	size_t i;

	for (i = 0; i < JOIN_SLOTS; i++)
		pcre2_code_free(s->joins[i].re);
	memset(s->joins, 0, sizeof(s->joins));
	s->njoins = 0;
}

static void
scratch_clear(struct scratch *s)
{
	joins_clear(s);
	memset(s->replies, 0, sizeof(s->replies));
	memset(s->codes, 0, sizeof(s->codes));
	s->ncodes = 0;
	s->last_allowed = NULL;
}

static void
scratch_free(void *v)
{
	struct scratch *s = v;

	if (s == NULL)
		return;
	if (my_scratch == s)
		my_scratch = NULL;
	scratch_clear(s);
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
scratch_get(const struct bs_reasons *r)
{
	struct scratch *s = my_scratch;

	if (s != NULL && s->serial == r->serial)
		return s;
	pthread_once(&scratch_once, scratch_init);
	if (!scratch_ok)
		return NULL;
	s = pthread_getspecific(scratch_key);
	if (s == NULL) {
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
		my_scratch = s;
	}
	if (s->serial != r->serial) {
		/* Fresh from calloc, there is nothing to clear. */
		if (s->serial != 0)
			scratch_clear(s);
		s->serial = r->serial;
	}
	return s;
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

/* Whether rule ru allows kind, the reply's class and its codes. */
static bool
allows(const struct rule *ru, enum bs_kind kind, int cls,
    const struct bs_codes *codes)
{
	size_t j;

	if (ru->kinds != 0 && !(ru->kinds & (1u << kind)))
		return false;
	if (ru->cls != 0 && ru->cls != cls)
		return false;
	if (ru->ncodes == 0)
		return true;
	for (j = 0; j < ru->ncodes; j++)
		if (code_holds(&ru->codes[j], codes))
			return true;
	return false;
}

/* The rules that ev's kind and codes allow, remembered per thread. */
static const uint64_t *
allowed_by_codes(const struct bs_reasons *r, struct scratch *s,
    const struct bs_event *ev, uint64_t *tmp)
{
	char key[sizeof(s->codes[0].key)];
	struct code_facts *c;
	int cls = reply_class(&ev->codes);
	size_t i;

	if (s == NULL) {
		memset(tmp, 0, r->nw * sizeof(*tmp));
		for (i = 0; i < r->nrules; i++)
			if (allows(&r->rules[i], ev->kind, cls, &ev->codes))
				mask_set(tmp, i);
		return tmp;
	}
	/* Events come in runs with the same codes: the last one first. */
	if (s->last_allowed != NULL && s->last_kind == (int)ev->kind &&
	    memcmp(&s->last_codes, &ev->codes, sizeof(ev->codes)) == 0)
		return s->last_allowed;
	/* The codes up to their NULs: what follows is not theirs. */
	memset(key, 0, sizeof(key));
	key[0] = (char)ev->kind;
	for (i = 0; i < sizeof(ev->codes.basic) && ev->codes.basic[i]; i++)
		key[1 + i] = ev->codes.basic[i];
	for (i = 0; i < sizeof(ev->codes.enhanced) &&
	    ev->codes.enhanced[i]; i++)
		key[1 + sizeof(ev->codes.basic) + i] = ev->codes.enhanced[i];
	i = bs_hash_bytes(key, sizeof(key)) % CODE_SLOTS;
	for (;;) {
		c = &s->codes[i];
		if (!c->used || memcmp(c->key, key, sizeof(key)) == 0)
			break;
		i = (i + 1) % CODE_SLOTS;
	}
	if (!c->used) {
		if (s->ncodes >= CODE_SLOTS / 2) {
			/* Full: start again (a log meets few codes). */
			memset(s->codes, 0, sizeof(s->codes));
			s->ncodes = 0;
			c = &s->codes[bs_hash_bytes(key, sizeof(key)) %
			    CODE_SLOTS];
		}
		memcpy(c->key, key, sizeof(key));
		c->used = true;
		s->ncodes++;
		memset(c->allowed, 0, r->nw * sizeof(*c->allowed));
		for (i = 0; i < r->nrules; i++)
			if (allows(&r->rules[i], ev->kind, cls, &ev->codes))
				mask_set(c->allowed, i);
	}
	s->last_codes = ev->codes;
	s->last_kind = (int)ev->kind;
	s->last_allowed = c->allowed;
	return c->allowed;
}

/* What the prefilter finds in the reply, or what was found before. */
static struct reply_facts *
reply_facts(const struct bs_reasons *r, struct scratch *s, const char *t,
    size_t n, struct reply_facts *tmp)
{
	struct reply_facts *rf = tmp;
	uint64_t h;

	if (t == NULL) {
		memset(tmp, 0, sizeof(*tmp));
		return tmp;
	}
	if (s != NULL) {
		h = bs_hash_bytes(t, n) | 1;
		rf = &s->replies[h % REPLY_SLOTS];
		if (rf->hash == h && rf->len == n)
			return rf;
		rf->hash = h;
		rf->len = n;
	}
	bs_litset_scan(r->lits, t, n, &rf->f);
	rf->has_tm = false;
	return rf;
}

/* Append s[0..n) to the pattern being built; false when out of room. */
static bool
put(char **p, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		char *np;

		while (c < *len + n + 1)
			c *= 2;
		np = realloc(*p, c);
		if (np == NULL)
			return false;
		*p = np;
		*cap = c;
	}
	memcpy(*p + *len, s, n);
	*len += n;
	return true;
}

/* Append "(?:rx)(?Cid)" with a leading '|' after the first. */
static bool
put_alt(char **p, size_t *len, size_t *cap, const char *rx, size_t n,
    int id)
{
	char tail[24];

	snprintf(tail, sizeof(tail), ")(?C%d)", id);
	return put(p, len, cap, *len > 3 ? "|(?:" : "(?:", *len > 3 ? 4 : 3) &&
	    put(p, len, cap, rx, n) && put(p, len, cap, tail, strlen(tail));
}

/* The joined pattern of what f leaves undecided, or NULL. */
static pcre2_code *
compile_joined(const struct bs_reasons *r, const struct bs_lit_found *f)
{
	char *rx = NULL;
	size_t len = 0, cap = 0;
	unsigned a;
	int id;
	bool ok = put(&rx, &len, &cap, "(?:", 3);
	pcre2_code *re = NULL;
	PCRE2_SIZE off;
	int err;

	if (f->nalts <= BS_LIT_ALTS_MAX) {
		for (a = 0; a < f->nalts && ok; a++) {
			size_t start, n;

			if (bs_litset_alt(r->lits, f->alts[a], &id, &start, &n))
				ok = put_alt(&rx, &len, &cap, r->src[id] +
				    start, n, id);
		}
	} else {
		for (id = 1; id <= r->ntexts && ok; id++)
			if ((f->maybe[id >> 6] >> (id & 63)) & 1)
				ok = put_alt(&rx, &len, &cap, r->src[id],
				    r->srclen[id], id);
	}
	if (ok && put(&rx, &len, &cap, ")(*FAIL)", 8))
		re = pcre2_compile((PCRE2_SPTR)rx, len, PCRE2_CASELESS, &err,
		    &off, NULL);
	free(rx);
	/* Where the JIT is unavailable, the interpreter runs. */
	if (re != NULL)
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* The sorted key of a joined pattern: its alternatives, or its texts. */
static void
join_key(const struct bs_lit_found *f, struct joined *k)
{
	unsigned a, b;

	memset(k, 0, sizeof(*k));
	k->nalts = f->nalts;
	if (f->nalts > BS_LIT_ALTS_MAX) {
		memcpy(k->set, f->maybe, sizeof(k->set));
		return;
	}
	for (a = 0; a < f->nalts; a++) {
		uint16_t v = f->alts[a];

		for (b = a; b > 0 && k->alts[b - 1] > v; b--)
			k->alts[b] = k->alts[b - 1];
		k->alts[b] = v;
	}
}

/*
 * The one PCRE2 match of an event: the alternatives that the prefilter
 * left undecided, joined into one pattern whose callouts record each
 * text that matches.  (*FAIL) makes PCRE2 try them all at every place;
 * the pattern holds only those few alternatives, and is compiled once
 * per thread for each such set.
 */
static void
decide_maybe(const struct bs_reasons *r, struct scratch *s,
    struct bs_lit_found *f, const char *t, size_t n)
{
	struct joined key, *j = NULL;
	size_t i, h;
	int rc;

	if (s == NULL || t == NULL)
		goto out;
	join_key(f, &key);
	h = (size_t)bs_hash_bytes(&key, offsetof(struct joined, re));
	for (i = 0; i < JOIN_SLOTS; i++) {
		j = &s->joins[(h + i) % JOIN_SLOTS];
		if (j->re == NULL || memcmp(j, &key, offsetof(struct joined,
		    re)) == 0)
			break;
	}
	if (i == JOIN_SLOTS || j->re == NULL) {
		if (s->njoins >= JOIN_SLOTS / 2) {
			/* Full: start again (a log meets few such sets). */
			joins_clear(s);
			j = &s->joins[h % JOIN_SLOTS];
		}
		memcpy(j, &key, offsetof(struct joined, re));
		j->re = compile_joined(r, f);
		if (j->re == NULL)
			goto out;
		s->njoins++;
	}
	memset(s->bits, 0, sizeof(s->bits));
	rc = pcre2_match(j->re, (PCRE2_SPTR)t, n, 0, 0, s->md, s->mctx);
	/* (*FAIL) ends every complete run in NOMATCH; else trust nothing. */
	if (rc == PCRE2_ERROR_NOMATCH)
		for (i = 0; i < BITS_WORDS; i++)
			f->sure[i] |= s->bits[i] & f->maybe[i];
out:
	memset(f->maybe, 0, sizeof(f->maybe));
	f->nalts = 0;
}

/* The command the reply answered, or 0 while PCRE2 must decide. */
static unsigned
command_of(const struct bs_reasons *r, const struct bs_lit_found *f)
{
	int i;

	for (i = 0; i < r->ncmd; i++) {
		int id = r->cmd_ids[i];

		if ((f->sure[id >> 6] >> (id & 63)) & 1)
			return r->cmd_of[id];
		if ((f->maybe[id >> 6] >> (id & 63)) & 1)
			return 0;
	}
	return CMD_NONE;
}

/* The rules whose text may still match (and those without text). */
static void
text_mask(const struct bs_reasons *r, const struct bs_lit_found *f,
    uint64_t *m);

/* The same, kept with the reply's facts while it fits. */
static const uint64_t *
rule_mask(const struct bs_reasons *r, struct reply_facts *rf, uint64_t *m)
{
	if (r->nw > TM_WORDS) {
		text_mask(r, &rf->f, m);
		return m;
	}
	if (!rf->has_tm) {
		text_mask(r, &rf->f, rf->tm);
		rf->has_tm = true;
	}
	return rf->tm;
}

static void
text_mask(const struct bs_reasons *r, const struct bs_lit_found *f,
    uint64_t *m)
{
	size_t w;

	for (w = 0; w < r->nw; w++)
		m[w] = r->notext[w];
	for (w = 0; w < BITS_WORDS; w++) {
		uint64_t b = f->sure[w] | f->maybe[w];

		while (b != 0) {
			int id = (int)(w * 64) + __builtin_ctzll(b);
			int ru = r->text_rule[id];

			b &= b - 1;
			if (ru >= 0)
				mask_set(m, (size_t)ru);
		}
	}
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
	v->hard = hard_of(ru->hard, ev->kind, &ev->codes);
}

static int
cmd_index(unsigned cmd)
{
	return __builtin_ctz(cmd);
}

/*
 * The command bit of what the parser read apart from the reply (Exim's
 * "after RCPT TO:"), or 0 when the reply's own words must tell.
 */
static unsigned
cmd_stated(enum bs_command c)
{
	switch (c) {
	case BS_CMD_CONN:
		return CMD_CONN;
	case BS_CMD_HELO:
		return CMD_HELO;
	case BS_CMD_MAIL:
		return CMD_MAIL;
	case BS_CMD_RCPT:
		return CMD_RCPT;
	case BS_CMD_DATA:
		return CMD_DATA;
	case BS_CMD_OTHER:
		return CMD_NONE;
	default:
		return 0;
	}
}

/*
 * Hot for failure events: once each.  The rules that the event's kind
 * and codes allow come from a per-thread table; the reply is read by the
 * prefilter only when such a rule has a text condition, or a cmd=
 * condition and the parser did not state the command, and PCRE2 runs
 * (once, over the texts left undecided) only when the first rule left
 * standing depends on one of them.
 */
void
bs_reasons_classify(const struct bs_reasons *r, const struct bs_event *ev,
    struct bs_verdict *v)
{
	struct scratch *s;
	struct reply_facts tmpf, *rf = NULL;
	struct bs_lit_found *f = NULL;
	rmask tmpc, tmpm;
	const uint64_t *allowed, *tm = NULL;
	unsigned cmd = cmd_stated(ev->command);
	bool stated = cmd != 0;
	size_t w, from = 0;

	memset(v, 0, sizeof(*v));
	v->hard = BS_HARD_NONE;
	if (ev->kind == BS_DELIVERED) {
		v->reason = "delivered";
		return;
	}
	if (r == NULL || r->nrules == 0)
		goto none;
	s = scratch_get(r);
	allowed = allowed_by_codes(r, s, ev, tmpc);
again:
	for (w = from >> 6; w < r->nw; w++) {
		uint64_t b = allowed[w];

		if (f != NULL)
			b &= tm[w];
		if (cmd != 0)
			b &= r->cmdmask[cmd_index(cmd)][w];
		if (w == from >> 6)
			b &= ~0ull << (from & 63);
		while (b != 0) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(b);
			const struct rule *ru = &r->rules[i];

			b &= b - 1;
			/* A remote host answers only mail this server sent. */
			if (ru->nhosts > 0 && (ev->kind == BS_REJECTED ||
			    !host_holds(ru, ev)))
				continue;
			if (ru->text != 0 || (ru->cmds != 0 && cmd == 0)) {
				if (f == NULL) {
					rf = reply_facts(r, s, ev->reply,
					    ev->reply_len, &tmpf);
					f = &rf->f;
					tm = rule_mask(r, rf, tmpm);
				} else if (ru->cmds != 0 && cmd == 0 &&
				    (cmd = command_of(r, f)) != 0) {
					/* The command, known without PCRE2. */
				} else if ((ru->cmds != 0 && cmd == 0) ||
				    (ru->text != 0 && ((f->maybe[ru->text >>
				    6] >> (ru->text & 63)) & 1))) {
					decide_maybe(r, s, f, ev->reply,
					    ev->reply_len);
					rf->has_tm = false;
					tm = rule_mask(r, rf, tmpm);
					if (!stated)
						cmd = command_of(r, f);
				} else {
					fire(ru, ev, v);
					return;
				}
				/* Look at rule i again with what is known. */
				from = i;
				goto again;
			}
			fire(ru, ev, v);
			return;
		}
	}
none:
	v->reason = ev->reply != NULL && ev->reply_len > 0 ? "onhold" :
	    "undefined";
	v->hard = bs_reason_hard(v->reason, ev->kind, &ev->codes);
}
