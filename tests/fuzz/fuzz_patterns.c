/*
 * fuzz_patterns.c - libFuzzer target: the pattern-file loader on arbitrary
 * text (bs_patterns_new, bs_patterns_add_text), then the compiled patterns
 * against fixed lines under the project's PCRE2 limits.
 *
 * The text is loaded as a set of its own; every "name =" it defines is
 * matched against a few log lines, a line that makes nested quantifiers
 * backtrack, and the text itself.  A match is a match, no match or an
 * error (the match, depth or heap limit): never a hang, which libFuzzer's
 * -timeout turns into a failure.  Then, as --patterns DIR would, the text
 * replaces the built-in set whose names it uses (codes, postfix, exim or
 * exchange) next to the built-in codes set, and that format (or the code
 * extractor) is opened and run over sample lines: a replacement set that
 * lacks a name or a group must be refused with a message, one that has
 * them must not crash the parser, however its groups match, and the codes
 * that come out keep their documented shapes.
 */
#include <stddef.h>
#include <stdint.h>

#include "agg.h"
#include "extract.h"
#include "format.h"
#include "fuzz_common.h"
#include "patterns_builtin.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

#define FZ_NAMES_MAX	32

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static const char *const fz_subjects[] = {
	"Nov 28 00:00:03 mx1 postfix/lmtp[2110]: 4B1C2D3E4F: "
	"to=<bob@example.org>, relay=mx1.example.org[private/dovecot-lmtp], "
	"delay=0.42, delays=0.1/0.01/0.05/0.26, dsn=5.2.2, status=bounced "
	"(host mx1.example.org[private/dovecot-lmtp] said: 552 5.2.2 "
	"<bob@example.org> Quota exceeded (in reply to end of DATA command))",
	"Nov 28 00:01:11 mx1 postfix/smtpd[2120]: NOQUEUE: reject: RCPT from "
	"unknown[203.0.113.66]: 450 4.7.25 Client host rejected: cannot find "
	"your hostname, [203.0.113.66]; from=<promo@example.com> "
	"to=<ann@example.org> proto=ESMTP helo=<bulk.example.com>",
	"2026-11-28 08:05:02 1vAbCe-000AbD-2b ** nobody@example.net "
	"R=dnslookup T=remote_smtp H=mx1.example.net [192.0.2.25] CV=yes: "
	"SMTP error from remote mail server after RCPT TO:<nobody@example.net>"
	": 550-5.1.1 The email account does not exist.",
	"2026-11-28 08:10:05 H=(relay-test) [203.0.113.51]:50300 "
	"I=[192.0.2.1]:25 F=<x@example.biz> rejected RCPT <victim@example.net>"
	": relay not permitted",
	"2026-11-28 08:05:03 1vAbCe-000AbD-2b => bob@example.org R=dnslookup "
	"T=remote_smtp H=mx.example.org [192.0.2.9] C=\"250 2.0.0 OK id=1\"",
	"#Fields: date-time,client-ip,client-hostname,server-ip,"
	"server-hostname,source-context,connector-id,source,event-id,"
	"internal-message-id,message-id,recipient-address,recipient-status,"
	"total-bytes,recipient-count,related-recipient-address,reference,"
	"message-subject,sender-address,return-path,message-info,"
	"directionality,tenant-id,original-client-ip,original-server-ip,"
	"custom-data",
	"2026-11-28T10:04:00.000Z,10.0.0.21,EX01,,EX01,,,ROUTING,FAIL,14333,"
	"<b0b5@EX01>,nobody@x.org;full@x.org,550 5.1.1 RESOLVER.ADR."
	"RecipNotFound; not found;550 5.2.2 STOREDRV.Deliver; full,,2,,,"
	"\"S\",a@x.org,a@x.org,,Originating,,,,,",
	"2026-11-28T10:03:30.250Z,10.0.0.21,EX01,,EX01,,,SMTP,DEFER,14332,"
	"<b0b5@EX01>,f@example.com,\"[{LRT=x};{LED=451 4.4.0 Primary target "
	"\"\"421 4.4.2 dropped\"\"};{FQDN=mx1}]\",,,,,\"S\",a@x.org,a@x.org,"
	",Originating,,,,,",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
	/* Replies as hostile servers write them. */
	"5\033c\033]0;pwned\007 text",
	"#=cmd|calc!A0\033[2J",
	"4\\\"=HYPERLINK(1) 5.1.1234 x",
	"",
	NULL
};

/* The names that lines of text define ("name =" at the start of a line). */
static size_t
fz_names(const char *text, size_t len, char names[][64], size_t max)
{
	size_t pos = 0, n = 0;

	while (pos < len && n < max) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos, i = 0;

		pos += ll + 1;
		while (i < ll && i < 63 && ((line[i] >= 'a' && line[i] <= 'z')
		    || (line[i] >= 'A' && line[i] <= 'Z') || line[i] == '_' ||
		    (line[i] >= '0' && line[i] <= '9')))
			i++;
		if (i == 0 || i == 63)
			continue;
		memcpy(names[n], line, i);
		names[n][i] = '\0';
		n++;
	}
	return n;
}

static bool
fz_defines(char names[][64], size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void
fz_match_all(const struct bs_patterns *p, const pcre2_code *re,
    pcre2_match_data *md, const char *text, size_t len)
{
	size_t i;
	int g;

	for (i = 0; fz_subjects[i] != NULL; i++) {
		const char *s = fz_subjects[i];
		size_t n = strlen(s);
		int rc = bs_match(p, re, s, n, 0, md);

		if (rc <= 0)
			continue;
		/* Pairs past rc keep values from earlier matches. */
		for (g = 0; g < rc; g++) {
			const char *gs;
			size_t gl;

			if (bs_group_span(md, g, &gs, s, &gl))
				FZ_ASSERT(gs >= s && gs + gl <= s + n,
				    "group %d outside its subject", g);
		}
	}
	(void)bs_match(p, re, text, len, 0, md);
}

static void
fz_on_event(void *ctx, const struct bs_event *ev)
{
	(void)ctx;
	fz_check_event(ev, NULL, BS_LINE_MAX, false);
}

/* The built-in text of set, or NULL. */
static const struct bs_builtin_pattern *
fz_builtin(const char *set)
{
	const struct bs_builtin_pattern *b;

	for (b = bs_builtin_patterns; b->set != NULL; b++)
		if (strcmp(b->set, set) == 0)
			return b;
	return NULL;
}

/* The text as a replacement for set, run as --patterns would. */
static void
fz_replace(const char *set, const char *text, size_t len)
{
	const struct bs_builtin_pattern *codes = fz_builtin("codes");
	struct bs_patterns *p = bs_patterns_new();
	struct bs_diag d;
	bs_status st;
	size_t i;

	if (p == NULL || codes == NULL)
		FZ_FAIL("out of memory or no built-in codes set");
	bs_diag_clear(&d);
	if (strcmp(set, "codes") != 0 && bs_patterns_add_text(p, "codes",
	    "codes", codes->text, codes->len, &d) != BS_OK)
		FZ_FAIL("built-in codes set does not load: %s", d.msg);
	st = bs_patterns_add_text(p, set, set, text, len, &d);
	fz_check_diag(&d);
	if (st != BS_OK)
		goto out;
	if (strcmp(set, "codes") == 0) {
		struct bs_extract *x;

		st = bs_extract_new(p, &x, &d);
		fz_check_diag(&d);
		FZ_ASSERT(st == BS_OK || st == BS_ERR_CONFIG,
		    "bs_extract_new returned %d", (int)st);
		if (st != BS_OK)
			goto out;
		for (i = 0; fz_subjects[i] != NULL; i++) {
			struct bs_codes c;
			const char *s = fz_subjects[i];

			/*
			 * Whatever a replacement set captures, only codes of
			 * DESIGN.md's shapes come out: codes reach every
			 * report unescaped.
			 */
			(void)bs_extract_reply(x, s, strlen(s), &c);
			FZ_ASSERT(fz_codes_ok(&c), "replacement codes.pat "
			    "made codes '%.4s' '%.12s'", c.basic, c.enhanced);
		}
		bs_extract_free(x);
	} else {
		const struct bs_format *fmt = bs_format_find(set);
		void *state;

		st = fmt->open(p, &state, &d);
		fz_check_diag(&d);
		FZ_ASSERT(st == BS_OK || st == BS_ERR_CONFIG,
		    "%s: open returned %d", set, (int)st);
		if (st != BS_OK)
			goto out;
		for (i = 0; fz_subjects[i] != NULL; i++) {
			struct bs_line line = { .ptr = fz_subjects[i],
			    .len = strlen(fz_subjects[i]), .lineno = i + 1 };

			st = fmt->parse(state, &line, fz_on_event, NULL);
			FZ_ASSERT(st == BS_OK || st == BS_ERR_MATCH,
			    "%s: parse returned %d", set, (int)st);
		}
		fmt->close(state);
	}
out:
	bs_patterns_free(p);
}

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static const char *const sets[][3] = {
		{ "codes", "reply", "enhanced" },
		{ "postfix", "syslog", "delivery" },
		{ "exim", "confirm", "session" },
		{ "exchange", "boundary", "led" },
	};
	char names[FZ_NAMES_MAX][64];
	const char *text = (const char *)data;
	struct bs_patterns *p;
	pcre2_match_data *md;
	struct bs_diag d;
	size_t n, i;
	bs_status st;

	if (size > BS_PATTERN_FILE_MAX)
		return 0;
	p = bs_patterns_new();
	md = pcre2_match_data_create(32, NULL);
	if (p == NULL || md == NULL)
		FZ_FAIL("out of memory");
	bs_diag_clear(&d);
	st = bs_patterns_add_text(p, "fuzz", "fuzz.pat", text, size, &d);
	fz_check_diag(&d);
	FZ_ASSERT(st == BS_OK || st == BS_ERR_CONFIG,
	    "bs_patterns_add_text returned %d", (int)st);
	if (st == BS_ERR_CONFIG)
		FZ_ASSERT(d.msg[0] != '\0', "a refused set without a message");
	n = fz_names(text, size, names, FZ_NAMES_MAX);
	if (st == BS_OK) {
		for (i = 0; i < n; i++) {
			const pcre2_code *re;

			if (bs_patterns_get(p, "fuzz", names[i], &re, &d) ==
			    BS_OK)
				fz_match_all(p, re, md, text, size);
		}
	}
	pcre2_match_data_free(md);
	bs_patterns_free(p);
	if (st != BS_OK)
		return 0;
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (fz_defines(names, n, sets[i][1]) ||
		    fz_defines(names, n, sets[i][2]))
			fz_replace(sets[i][0], text, size);
	return 0;
}
