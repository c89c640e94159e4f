/*
 * gen.c - the benchmark's log generator: realistic Postfix, Exim and
 * Exchange message-tracking logs of a requested size, and the counts that
 * bouncestat must report for them.
 *
 *   gen -f FORMAT -m MIB [-s SEED] [-r PCT] [-o LOG] -e EXPECT
 *   gen -f postfix-classic|postfix-rfc3339 -u N [-s SEED] [-r PCT] [-o LOG]
 *       -e EXPECT
 *
 * FORMAT is postfix-classic, postfix-rfc3339, exim or exchange.  The log
 * goes to LOG (or standard output), the expected counts as JSON to EXPECT:
 * totals (lines, events, each kind, distinct messages per kind) and one
 * row per (kind, basic, enhanced) with its events and distinct messages,
 * the same shape as bouncestat's --format json.
 *
 * -u N (Postfix only, instead of -m) writes a log of N outbound messages
 * that share nothing: each has its own queue id, its own sender address
 * (qmgr from=<>) and one recipient in a domain of its own, so the log
 * holds N distinct recipient domains, senders and messages, the worst case
 * for anything that keeps a table per domain, sender or message.  The
 * messages are those of a relay sending for many customers: pickup or
 * submission, cleanup, qmgr from=, one smtp delivery with relay= (the
 * domain's MX: Google Workspace, Microsoft 365 with a per-domain MX, the
 * domain's own MX, or a hosting provider's), then removed; about 16% are
 * deferred (retried later under the same queue id: delivered, bounced,
 * deferred again or expired) or bounced.  Noise is mixed in as usual to
 * keep the share of event lines at PCT.  The log ends after the N-th
 * message; messages still deferred then stay deferred.  Without -u the
 * output is what it always was, byte for byte.
 *
 * Why a simulation and not random lines: bouncestat's speed depends on
 * what a real log looks like (most lines are noise that the prefilter must
 * pass over quickly; events come with retries of the same queue id; a few
 * codes dominate), and its counts can only be checked when every line's
 * meaning is known.  So each scenario (an inbound message, an outbound
 * message with some recipients deferred, a refused client, a retry, a
 * noise-only connection) writes the lines a real server writes, from
 * fixed templates, and each event template carries the kind, basic and
 * enhanced code that DESIGN.md assigns to it.  The templates are chosen
 * so that their reading is not in doubt; the few "traps" (non-event lines
 * that carry codes, such as reject_warning or Exim's authenticator
 * failures) are noise that must count as nothing.
 *
 * Deterministic: one xoshiro256** stream seeded from -s, integer
 * arithmetic only, so the same seed gives the same bytes everywhere.
 * The share of event lines is steered towards PCT percent (default 10):
 * while events are above the share, noise scenarios are written.
 * Templates within a kind are weighted 1/rank (a Zipf mix).
 *
 * Memory: the distinct (row, message) pairs are kept in one hash set, a
 * few tens of MiB for a 4 GiB log, about 800 MiB for -u 10000000 (an
 * 8.1 GiB log); the generator is not what is measured.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBUF_SIZE	(8u << 20)
#define OBUF_HIGH	(OBUF_SIZE - (256u << 10))	/* room for a scenario */
#define SCRATCH		8192
#define ROWS_MAX	256
#define RETRY_MAX	65536

/* ---- output ---------------------------------------------------------- */

static char obuf[OBUF_SIZE];
static size_t olen;
static FILE *out;
static uint64_t flushed, nlines;

static void
oflush(void)
{
	if (olen && fwrite(obuf, 1, olen, out) != olen) {
		perror("gen: write");
		exit(1);
	}
	flushed += olen;
	olen = 0;
}

static inline void
pm(const char *s, size_t n)
{
	memcpy(obuf + olen, s, n);
	olen += n;
}

static inline void
ps(const char *s)
{
	pm(s, strlen(s));
}

static inline void
pc(char c)
{
	obuf[olen++] = c;
}

static char *
utoa(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static inline void
pu(uint64_t v)
{
	char b[24], *p = utoa(b + sizeof(b), v);

	pm(p, (size_t)(b + sizeof(b) - p));
}

/* Fixed-width zero-padded decimal. */
static inline void
pz(uint64_t v, int w)
{
	char b[24];
	int i;

	for (i = w - 1; i >= 0; i--) {
		b[i] = (char)('0' + v % 10);
		v /= 10;
	}
	pm(b, (size_t)w);
}

static int crlf;	/* Exchange writes CRLF */

static void
eol(void)
{
	if (crlf)
		pc('\r');
	pc('\n');
	nlines++;
}

/* ---- PRNG: xoshiro256** --------------------------------------------- */

static uint64_t rs[4];

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rnext(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;

	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

static void
rseed(uint64_t s)
{
	int i;

	for (i = 0; i < 4; i++) {	/* splitmix64 */
		uint64_t z = (s += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		rs[i] = z ^ (z >> 31);
	}
}

/* Uniform in [0, n); the modulo bias is irrelevant here. */
static inline uint32_t
rnd(uint32_t n)
{
	return (uint32_t)((rnext() >> 32) % n);
}

/* True with probability pct percent. */
static inline int
chance(unsigned pct)
{
	return rnd(100) < pct;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(a) ((a)[rnd(NELEM(a))])

/* ---- expected counts ------------------------------------------------- */

enum kind { K_DELIVERED, K_DEFERRED, K_BOUNCED, K_EXPIRED, K_REJECTED,
	K_COUNT };
static const char *const kind_names[K_COUNT] = {
	"delivered", "deferred", "bounced", "expired", "rejected"
};

struct row {
	int kind;
	const char *basic, *enhanced;	/* NULL: JSON null */
	uint64_t count, messages;
};

static struct row rows[ROWS_MAX];
static int nrows;
static uint64_t kind_count[K_COUNT], kind_msgs[K_COUNT], nevents;

static int
streq0(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int
row_id(int kind, const char *basic, const char *enh)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (rows[i].kind == kind && streq0(rows[i].basic, basic) &&
		    streq0(rows[i].enhanced, enh))
			return i;
	if (nrows == ROWS_MAX) {
		fprintf(stderr, "gen: too many rows\n");
		exit(1);
	}
	rows[nrows].kind = kind;
	rows[nrows].basic = basic;
	rows[nrows].enhanced = enh;
	return nrows++;
}

/* Open-addressing set of 64-bit keys (0 = empty). */
static uint64_t *set;
static size_t set_cap, set_n;

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static int set_add(uint64_t key);

static void
set_grow(void)
{
	uint64_t *old = set;
	size_t oc = set_cap, i;

	set_cap = oc ? oc * 2 : (1u << 16);
	set = calloc(set_cap, sizeof(*set));
	if (set == NULL) {
		fprintf(stderr, "gen: out of memory\n");
		exit(1);
	}
	set_n = 0;
	for (i = 0; i < oc; i++)
		if (old[i])
			set_add(old[i]);
	free(old);
}

/* 1 when key is new. */
static int
set_add(uint64_t key)
{
	size_t i;

	if ((set_n + 1) * 2 > set_cap)
		set_grow();
	for (i = mix(key) & (set_cap - 1); set[i]; i = (i + 1) & (set_cap - 1))
		if (set[i] == key)
			return 0;
	set[i] = key;
	set_n++;
	return 1;
}

#define NO_MSG UINT64_MAX

/*
 * One event of row r, of message msg (NO_MSG for refusals before a
 * message exists).  Message numbers are below 2^40; the tag above them
 * names the row or, past ROWS_MAX, the kind.
 */
/*
 * What happened in the end to each recipient (bouncestat's "outcomes"):
 * oc_defers is the deferrals of the recipient being written so far (0
 * for a new one: set_rcpt_seed; a retry's own: retry_ctx), oc_hop marks
 * a delivery to the content filter, which is no outcome.  A recipient
 * ends at its first delivery, bounce or expiry; one left in the retry
 * queue (or dropped from a full one) is still deferred at the end.
 */
enum { OC_DF, OC_DA, OC_BF, OC_BA, OC_EX, OC_STILL, OC_N };
static uint64_t oc[OC_N], oc_before[4];
static unsigned oc_defers;
static int oc_hop;

static void
oc_bucket(unsigned defers)
{
	oc_before[defers <= 1 ? 0 : defers <= 3 ? 1 : defers <= 10 ? 2 : 3]++;
}

static void
oc_event(int k)
{
	if (oc_hop || k == K_REJECTED)
		return;
	if (k == K_DEFERRED) {
		oc_defers++;
		return;
	}
	if (oc_defers > 0)
		oc_bucket(oc_defers);
	oc[k == K_DELIVERED ? (oc_defers ? OC_DA : OC_DF) :
	    k == K_BOUNCED ? (oc_defers ? OC_BA : OC_BF) : OC_EX]++;
}

static void
oc_still(unsigned defers)
{
	oc[OC_STILL]++;
	oc_bucket(defers);
}

static void
count(int r, uint64_t msg)
{
	int k = rows[r].kind;

	rows[r].count++;
	kind_count[k]++;
	nevents++;
	if (msg == NO_MSG)
		return;
	oc_event(k);
	if (set_add(((uint64_t)(r + 1) << 40) | msg))
		rows[r].messages++;
	if (set_add(((uint64_t)(ROWS_MAX + 1 + k) << 40) | msg))
		kind_msgs[k]++;
}

static void
json_str(FILE *f, const char *s)
{
	if (s == NULL)
		fputs("null", f);
	else
		fprintf(f, "\"%s\"", s);
}

static void
write_expect(const char *path, const char *format, uint64_t seed,
    unsigned mib, unsigned pct, uint64_t distinct)
{
	FILE *f = fopen(path, "w");
	int i, k, first = 1;

	if (f == NULL) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fprintf(f, "{\n  \"generator\": { \"format\": \"%s\", \"seed\": %llu, "
	    "\"mib\": %u, \"status_pct\": %u, ", format,
	    (unsigned long long)seed, mib, pct);
	if (distinct)	/* -u N: N messages, senders, recipient domains */
		fprintf(f, "\"distinct\": %llu, ", (unsigned long long)distinct);
	fprintf(f, "\"bytes\": %llu },\n", (unsigned long long)(flushed + olen));
	fprintf(f, "  \"totals\": { \"lines\": %llu, \"events\": %llu",
	    (unsigned long long)nlines, (unsigned long long)nevents);
	for (k = 0; k < K_COUNT; k++)
		fprintf(f, ", \"%s\": %llu", kind_names[k],
		    (unsigned long long)kind_count[k]);
	fputs(",\n    \"messages\": {", f);
	for (k = 0; k < K_COUNT; k++)
		fprintf(f, "%s \"%s\": %llu", k ? "," : "", kind_names[k],
		    (unsigned long long)kind_msgs[k]);
	fputs(" } },\n", f);
	fprintf(f, "  \"outcomes\": { \"recipients\": %llu, "
	    "\"delivered_first\": %llu, \"delivered_after_deferral\": %llu, "
	    "\"bounced_first\": %llu, \"bounced_after_deferral\": %llu, "
	    "\"expired\": %llu, \"still_deferred\": %llu,\n"
	    "    \"deferrals_before\": { \"1\": %llu, \"2-3\": %llu, "
	    "\"4-10\": %llu, \"more\": %llu } },\n",
	    (unsigned long long)(oc[OC_DF] + oc[OC_DA] + oc[OC_BF] +
		oc[OC_BA] + oc[OC_EX] + oc[OC_STILL]),
	    (unsigned long long)oc[OC_DF], (unsigned long long)oc[OC_DA],
	    (unsigned long long)oc[OC_BF], (unsigned long long)oc[OC_BA],
	    (unsigned long long)oc[OC_EX], (unsigned long long)oc[OC_STILL],
	    (unsigned long long)oc_before[0], (unsigned long long)oc_before[1],
	    (unsigned long long)oc_before[2], (unsigned long long)oc_before[3]);
	fputs("  \"codes\": [", f);
	for (i = 0; i < nrows; i++) {
		if (rows[i].count == 0)
			continue;
		fprintf(f, "%s\n    { \"kind\": \"%s\", \"basic\": ",
		    first ? "" : ",", kind_names[rows[i].kind]);
		json_str(f, rows[i].basic);
		fputs(", \"enhanced\": ", f);
		json_str(f, rows[i].enhanced);
		fprintf(f, ", \"count\": %llu, \"messages\": %llu }",
		    (unsigned long long)rows[i].count,
		    (unsigned long long)rows[i].messages);
		first = 0;
	}
	fputs("\n  ]\n}\n", f);
	if (fclose(f) != 0) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* ---- the clock ------------------------------------------------------- */

static uint64_t now_us;		/* microseconds since 1970 */
static const char *const mon3[12] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

struct civil { unsigned y, m, d, hh, mi, ss; };

/* Days since 1970-01-01 to a date (Howard Hinnant's civil_from_days). */
static struct civil
civil(uint64_t secs)
{
	struct civil c;
	int64_t z = (int64_t)(secs / 86400) + 719468, era, doe, yoe, doy, mp;
	uint64_t sod = secs % 86400;

	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c.d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	c.m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	c.y = (unsigned)(yoe + era * 400 + (c.m <= 2));
	c.hh = (unsigned)(sod / 3600);
	c.mi = (unsigned)(sod / 60 % 60);
	c.ss = (unsigned)(sod % 60);
	return c;
}

/* Each line moves the clock on by 0 to 50 ms: about 3 days per GiB. */
static void
tick(void)
{
	now_us += rnd(50000);
}

static void
ts_classic(void)		/* "Nov  8 00:00:01" */
{
	struct civil c = civil(now_us / 1000000);

	ps(mon3[c.m - 1]);
	pc(' ');
	if (c.d < 10)
		pc(' ');
	pu(c.d);
	pc(' ');
	pz(c.hh, 2); pc(':'); pz(c.mi, 2); pc(':'); pz(c.ss, 2);
}

static void
ts_iso(char sep)		/* "2026-11-28T00:00:01" */
{
	struct civil c = civil(now_us / 1000000);

	pz(c.y, 4); pc('-'); pz(c.m, 2); pc('-'); pz(c.d, 2);
	pc(sep);
	pz(c.hh, 2); pc(':'); pz(c.mi, 2); pc(':'); pz(c.ss, 2);
}

/* ---- names ----------------------------------------------------------- */

/* A remote domain, its MX and the family of replies it gives. */
enum fam { F_ANY, F_GOOGLE, F_MS, F_YAHOO, F_LOCAL, F_COUNT };

struct dom {
	const char *name, *mx, *ip;
	int fam;
	unsigned weight;
};

static const struct dom domains[] = {
	{ "gmail.com", "gmail-smtp-in.l.google.com", "142.251.9.27",
	    F_GOOGLE, 30 },
	{ "googlemail.com", "alt1.gmail-smtp-in.l.google.com",
	    "2a00:1450:4013:c00::1a", F_GOOGLE, 4 },
	{ "outlook.com", "outlook-com.olc.protection.outlook.com",
	    "52.101.68.3", F_MS, 14 },
	{ "hotmail.com", "hotmail-com.olc.protection.outlook.com",
	    "52.101.42.11", F_MS, 8 },
	{ "contoso-partner.com", "contosopartner-com.mail.protection.outlook"
	    ".com", "52.101.73.20", F_MS, 6 },
	{ "yahoo.com", "mta6.am0.yahoodns.net", "67.195.204.79", F_YAHOO,
	    9 },
	{ "example.com", "mx.example.com", "198.51.100.5", F_ANY, 6 },
	{ "example.net", "mail.example.net", "203.0.113.25", F_ANY, 5 },
	{ "shop.example", "mx1.shop.example", "198.51.100.77", F_ANY, 3 },
	{ "uni-example.edu", "mx01.uni-example.edu", "192.0.2.45", F_ANY, 3 },
	{ "web.example.de", "mx00.web.example.de", "203.0.113.80", F_ANY, 3 },
	{ "isp.example.fr", "mx2.isp.example.fr", "198.51.100.140", F_ANY,
	    2 },
};

static const char *const users[] = { "ann", "bob", "carol", "dave",
	"erin", "frank", "gina", "hank", "ivan", "judy", "kim", "leo",
	"mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent",
	"victor", "walter", "info", "sales", "support", "billing", "hr",
	"jobs", "noreply", "newsletter", "postmaster" };
static const char *const local_domains[] = { "example.org",
	"mail.example.org", "lists.example.org" };
static const char *const helos[] = { "mail.example.net", "User",
	"localhost", "WIN-3KQ1VDF0A2B", "bulk.example.com", "[192.0.2.99]",
	"smtp.partner.example", "ylmf-pc", "mta-out.example.biz" };
static const char *const client_hosts[] = { "unknown", "unknown",
	"unknown", "mail.example.net", "smtp-out.example.com",
	"static-198-51-100-7.isp.example", "mta12.news.example.biz",
	"mail-ej1-f54.google.com",
	"mail-db8eur05on2054.outbound.protection.outlook.com" };
static const char *const tokens[] = { "q7si1234", "a1b2c3", "x9yz-ab12",
	"kP2xAbCdEf", "hG4kBq1xR2cAAAB", "ffa82c", "e11si882" };
static const char *const fqdn_parts[] = { "BN8NAM12FT012", "DM6NAM11FT063",
	"DB8EUR05FT012", "AM6EUR05FT041", "VI1EUR04FT022", "CO1NAM11FT044" };

/* The message being written and the session it came in on. */
struct ctx {
	uint64_t msg;			/* message number */
	char qid[20];			/* Postfix queue id / Exim id */
	char rcpt_user[24];
	const char *rcpt_dom;
	const struct dom *dom;		/* NULL: local recipient */
	char from[64];
	const char *client_host, *helo;
	char client_ip[20];
	unsigned port;
	char msgid[80];
	const char *subject;		/* Exchange */
	uint64_t arrived_us;		/* when the message came (delay=) */
};

static struct ctx cx;
static uint64_t next_msg = 1;

/* Postfix-style 10-hex-digit queue id, unique per message number. */
static void
make_qid(char *dst, uint64_t msg)
{
	static const char hex[] = "0123456789ABCDEF";
	uint64_t v = (msg * 0x9e3779b97f4a7c15ULL) & ((1ULL << 40) - 1);
	int i;

	for (i = 9; i >= 0; i--) {
		dst[i] = hex[v & 15];
		v >>= 4;
	}
	dst[10] = '\0';
}

static const char b62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void
b62n(char *dst, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		dst[i] = b62[v % 62];
		v /= 62;
	}
}

/* Exim 4.9x id "1vAbCd-000AbC-1a": time, a unique middle, sub-second. */
static void
make_eximid(char *dst, uint64_t msg)
{
	b62n(dst, now_us / 1000000, 6);
	dst[6] = '-';
	b62n(dst + 7, (msg * 0x9e3779b1u) & 0xffffffffu, 6);
	dst[13] = '-';
	b62n(dst + 14, (now_us / 1000) % 1000 / 16, 2);
	dst[16] = '\0';
}

static void
new_message(void)
{
	cx.msg = next_msg++;
	cx.arrived_us = now_us;
	make_qid(cx.qid, cx.msg);
	snprintf(cx.msgid, sizeof(cx.msgid), "%llu.%s@%s",
	    (unsigned long long)(now_us / 1000), cx.qid,
	    PICK(local_domains));
}

static const struct dom *
pick_domain(void)
{
	static unsigned total;
	unsigned i, r;

	if (total == 0)
		for (i = 0; i < NELEM(domains); i++)
			total += domains[i].weight;
	r = rnd(total);
	for (i = 0; r >= domains[i].weight; i++)
		r -= domains[i].weight;
	return &domains[i];
}

static void
set_rcpt_seed(uint32_t seed, int local)
{
	oc_defers = 0; /* a new recipient (retry_ctx restores a retry's) */
	snprintf(cx.rcpt_user, sizeof(cx.rcpt_user), "%s%s%u",
	    users[seed % NELEM(users)], seed & 0x100 ? "." : "",
	    (seed >> 9) % 1000);
	if (local) {
		cx.dom = NULL;
		cx.rcpt_dom = local_domains[(seed >> 20) % 2];
	} else {
		cx.dom = &domains[(seed >> 20) % NELEM(domains)];
		cx.rcpt_dom = cx.dom->name;
	}
}

/*
 * A recipient seed: the low bits choose the user, bits 20+ the domain
 * (remote ones drawn with the domains' weights).
 */
static uint32_t
rcpt_seed(int local)
{
	uint32_t s = (uint32_t)rnd(1u << 20);

	if (!local) {
		const struct dom *d = pick_domain();

		s |= (uint32_t)(d - domains) << 20;
	}
	return s;
}

static void
new_client(int known)
{
	static const char *const nets[] = { "192.0.2.", "198.51.100.",
		"203.0.113." };

	snprintf(cx.client_ip, sizeof(cx.client_ip), "%s%u", PICK(nets),
	    1 + rnd(254));
	cx.client_host = known ? client_hosts[3 + rnd(NELEM(client_hosts) -
	    3)] : PICK(client_hosts);
	cx.helo = PICK(helos);
	cx.port = 1024 + rnd(64000);
}

static void
new_sender(int local)
{
	if (local)
		snprintf(cx.from, sizeof(cx.from), "%s@%s", PICK(users),
		    local_domains[0]);
	else
		snprintf(cx.from, sizeof(cx.from), "%s%u@%s", PICK(users),
		    rnd(100), pick_domain()->name);
}

/*
 * -u: the names of message number m, unique per m.  The domain is
 * WORD-WORDn.SUFFIX with (a = m % 32, (m / 32 + 7 a) % 32, n = m / 1024)
 * decoding m (words hold no digits or '-'), the sender USER.n@... with
 * (m % 30, n = m / 30) decoding m (users hold no '.' or digits).  The MX
 * follows from a hash of m, not from the PRNG, so that a retry names it
 * again.
 */
static uint64_t uniq_want, uniq_done;	/* -u N: messages to write, written */
static int uniq_inflight;	/* -i N: each deferred once, never retried */
static struct dom udom;
static char udom_name[64], udom_mx[96], udom_ip[40];

static const char *const uwords1[32] = { "alpine", "amber", "apex",
	"atlas", "blue", "bright", "cedar", "coast", "copper", "crest", "delta",
	"eagle", "ember", "fern", "garden", "golden", "harbor", "iron", "lake",
	"lunar", "maple", "meadow", "north", "oak", "pine", "prime", "river",
	"silver", "stone", "summit", "urban", "valley" };
static const char *const uwords2[32] = { "analytics", "apparel", "bakery",
	"books", "builders", "cafe", "clinic", "consulting", "dental",
	"design", "electric", "farm", "fitness", "foods", "garage", "health",
	"homes", "hotel", "insurance", "labs", "law", "logistics", "media",
	"motors", "partners", "pharma", "realty", "school", "solar", "studio",
	"travel", "works" };
static const char *const usuffix[] = { "example", "example.com",
	"example.net", "example.de", "example.fr", "example.co.uk" };
static const char *const uhosters[] = { "mx00.mailhost.example.net",
	"mx01.mailhost.example.net", "mx.securemail.example.com",
	"mx1.provider.example.de", "mx2.provider.example.de" };

static void
udom_set(uint64_t m)
{
	uint64_t h = mix(m + 0x5bd1e995);
	unsigned x = (unsigned)(h % 100), i;
	char *p;

	snprintf(udom_name, sizeof(udom_name), "%s-%s%llu.%s", uwords1[m % 32],
	    uwords2[(m / 32 + 7 * m) % 32], (unsigned long long)(m / 1024),
	    usuffix[(h >> 8) % NELEM(usuffix)]);
	udom.name = udom_name;
	udom.mx = udom_mx;
	udom.ip = udom_ip;
	if (x < 30) {			/* Google Workspace */
		static const char *const g[] = { "aspmx.l.google.com",
			"alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com" };

		snprintf(udom_mx, sizeof(udom_mx), "%s", g[(h >> 16) % 3]);
		snprintf(udom_ip, sizeof(udom_ip), "142.250.%u.27",
		    (unsigned)(h >> 24) % 256);
		udom.fam = F_GOOGLE;
	} else if (x < 55) {		/* Microsoft 365: an MX per domain */
		/* "a-b1.example.com": "ab1-example-com.mail.protection..." */
		for (p = udom_mx, i = 0; udom_name[i]; i++)
			if (udom_name[i] != '-')
				*p++ = udom_name[i] == '.' ? '-' : udom_name[i];
		snprintf(p, sizeof(udom_mx) - (size_t)(p - udom_mx),
		    ".mail.protection.outlook.com");
		snprintf(udom_ip, sizeof(udom_ip), "52.101.%u.%u",
		    (unsigned)(h >> 16) % 256, (unsigned)(h >> 24) % 254 + 1);
		udom.fam = F_MS;
	} else if (x < 85) {		/* the domain's own MX */
		snprintf(udom_mx, sizeof(udom_mx), "%s.%s", (h >> 12) & 1 ?
		    "mail" : "mx1", udom_name);
		i = (unsigned)(h >> 32);
		snprintf(udom_ip, sizeof(udom_ip), "198.%u.%u.%u", 18 + (i & 1),
		    (i >> 1) % 256, (i >> 9) % 254 + 1);
		udom.fam = F_ANY;
	} else {			/* a hosting provider's MX */
		i = (unsigned)(h >> 16) % NELEM(uhosters);
		snprintf(udom_mx, sizeof(udom_mx), "%s", uhosters[i]);
		snprintf(udom_ip, sizeof(udom_ip), "203.0.113.%u", 200 + i);
		udom.fam = F_ANY;
	}
	cx.dom = &udom;
	cx.rcpt_dom = udom.name;
}

static void
usender_set(uint64_t m)
{
	snprintf(cx.from, sizeof(cx.from), "%s.%llu@shop%u.example.com",
	    users[m % NELEM(users)], (unsigned long long)(m / NELEM(users)),
	    (unsigned)(mix(m) % 5000));
}

/* ---- templates ------------------------------------------------------- */

/*
 * Placeholders in templates:
 *   %R rcpt address  %u rcpt user  %D rcpt domain  %H its MX  %I MX ip
 *   %F sender        %Q queue/message id of this message
 *   %c client host   %C client ip  %h helo  %p client port
 *   %S our public ip %M message-id (no <>)  %T unix time
 *   %n number  %k small number  %g token  %X Microsoft server part
 *   %q remote queue id
 *   %E a new Exim-style id (for "queued as" / "id=")
 */
static void
expand(const char *t)
{
	char tmp[20];

	for (; *t; t++) {
		if (*t != '%') {
			pc(*t);
			continue;
		}
		switch (*++t) {
		case 'R':
			ps(cx.rcpt_user); pc('@'); ps(cx.rcpt_dom); break;
		case 'u': ps(cx.rcpt_user); break;
		case 'D': ps(cx.rcpt_dom); break;
		case 'H': ps(cx.dom ? cx.dom->mx : "mx1.example.org"); break;
		case 'I': ps(cx.dom ? cx.dom->ip : "192.0.2.1"); break;
		case 'F': ps(cx.from); break;
		case 'Q': ps(cx.qid); break;
		case 'c': ps(cx.client_host); break;
		case 'C': ps(cx.client_ip); break;
		case 'h': ps(cx.helo); break;
		case 'p': pu(cx.port); break;
		case 'S': ps("192.0.2.1"); break;
		case 'M': ps(cx.msgid); break;
		case 'T': pu(now_us / 1000000); break;
		case 'n': pu(1 + rnd(99999)); break;
		case 'k': pu(5 + rnd(30)); break;
		case 'g': ps(PICK(tokens)); pu(rnd(1000)); break;
		case 'X': ps(PICK(fqdn_parts)); break;
		case 'q':
			make_qid(tmp, rnext() & 0xffffffffff);
			ps(tmp);
			break;
		case 'E':
			make_eximid(tmp, rnext() & 0xffffffff);
			ps(tmp);
			break;
		case '%': pc('%'); break;
		default:
			fprintf(stderr, "gen: bad placeholder %%%c\n", *t);
			exit(1);
		}
	}
}

/*
 * An event template.  For Postfix: agent, relay, dsn and the text inside
 * status=...( ); for Exim the text after the flag; for Exchange the
 * recipient-status.  basic and enhanced are what DESIGN.md reads from it.
 */
struct ev {
	int kind, fam;
	unsigned weight;		/* filled in: 1/rank within kind */
	const char *basic, *enhanced;
	const char *agent, *relay, *dsn, *status;
	const char *text;
	int row;
	int flag;			/* format-specific */
};

#define GREMOTE "%H[%I]:25"

/* Postfix delivery outcomes, most frequent first within each kind. */
static struct ev pf_ev[] = {
	/* delivered, remote */
	{ K_DELIVERED, F_GOOGLE, 0, "250", "2.0.0", "smtp", GREMOTE, "2.0.0",
	    "sent", "250 2.0.0 OK  %T %g - gsmtp", 0, 0 },
	{ K_DELIVERED, F_ANY, 0, "250", "2.0.0", "smtp", GREMOTE, "2.0.0",
	    "sent", "250 2.0.0 Ok: queued as %q", 0, 0 },
	{ K_DELIVERED, F_MS, 0, "250", "2.6.0", "smtp", GREMOTE, "2.6.0",
	    "sent", "250 2.6.0 <%M> [InternalId=%n, Hostname=%X.prod."
	    "protection.outlook.com] %n bytes in 0.%n, %n.%n KB/sec Queued "
	    "mail for delivery -> 250 2.1.5", 0, 0 },
	{ K_DELIVERED, F_YAHOO, 0, "250", "2.0.0", "smtp", GREMOTE, "2.0.0",
	    "sent", "250 ok dirdel", 0, 0 },
	{ K_DELIVERED, F_ANY, 0, "250", "2.0.0", "smtp", GREMOTE, "2.0.0",
	    "sent", "250 Ok: queued as %q", 0, 0 },
	{ K_DELIVERED, F_ANY, 0, "250", "2.0.0", "smtp", GREMOTE, "2.0.0",
	    "sent", "250 OK id=%E", 0, 0 },
	/* delivered, local */
	{ K_DELIVERED, F_LOCAL, 0, "250", "2.0.0", "lmtp",
	    "mail.example.org[private/dovecot-lmtp]", "2.0.0", "sent",
	    "250 2.0.0 <%R> %g Saved", 0, 0 },
	{ K_DELIVERED, F_LOCAL, 0, NULL, "2.0.0", "local", "local", "2.0.0",
	    "sent", "delivered to mailbox", 0, 0 },
	{ K_DELIVERED, F_LOCAL, 0, NULL, "2.0.0", "pipe", "dovecot", "2.0.0",
	    "sent", "delivered via dovecot service", 0, 0 },
	{ K_DELIVERED, F_LOCAL, 0, NULL, "2.0.0", "virtual", "virtual",
	    "2.0.0", "sent", "delivered to maildir", 0, 0 },
	{ K_DELIVERED, F_LOCAL, 0, NULL, "2.0.0", "local", "local", "2.0.0",
	    "sent", "delivered to command: procmail -a \"$EXTENSION\"", 0, 0 },

	/* deferred, remote */
	{ K_DEFERRED, F_ANY, 0, "450", "4.7.1", "smtp", GREMOTE, "4.7.1",
	    "deferred", "host %H[%I] said: 450 4.7.1 <%R>: Recipient address "
	    "rejected: Greylisted, see https://postgrey.example/help/%D.html "
	    "(in reply to RCPT TO command)", 0, 0 },
	{ K_DEFERRED, F_GOOGLE, 0, "421", "4.7.0", "smtp", GREMOTE, "4.7.0",
	    "deferred", "host %H[%I] said: 421-4.7.0 [192.0.2.1      15] Our "
	    "system has detected an unusual rate of 421-4.7.0 unsolicited "
	    "mail originating from your IP address. To protect our 421-4.7.0 "
	    "users from spam, mail sent from your IP address has been "
	    "temporarily 421-4.7.0 rate limited. For more information, go to "
	    "421-4.7.0  https://support.google.com/mail/?p=UnsolicitedRate"
	    "LimitError to 421 4.7.0 review our Bulk Email Senders "
	    "Guidelines. %g - gsmtp (in reply to end of DATA command)", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, NULL, "4.4.1", "smtp", "none", "4.4.1",
	    "deferred", "connect to %H[%I]:25: Connection refused", 0, 1 },
	{ K_DEFERRED, F_MS, 0, "451", "4.7.500", "smtp", GREMOTE, "4.7.500",
	    "deferred", "host %H[%I] said: 451 4.7.500 Server busy. Please "
	    "try again later from [192.0.2.1]. (S77719) [%X.eop-nam12.prod."
	    "protection.outlook.com] (in reply to RCPT TO command)", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, NULL, "4.4.1", "smtp", "none", "4.4.1",
	    "deferred", "connect to %H[%I]:25: Connection timed out", 0, 1 },
	{ K_DEFERRED, F_YAHOO, 0, "421", "4.7.0", "smtp", GREMOTE, "4.7.0",
	    "deferred", "host %H[%I] said: 421 4.7.0 [TSS04] Messages from "
	    "192.0.2.1 temporarily deferred due to unexpected volume or user "
	    "complaints - 4.16.55.1; see https://postmaster.yahooinc.com/"
	    "error-codes (in reply to MAIL FROM command)", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, NULL, "4.4.2", "smtp", GREMOTE, "4.4.2",
	    "deferred", "lost connection with %H[%I] while receiving the "
	    "initial server greeting", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, NULL, "4.4.3", "smtp", "none", "4.4.3",
	    "deferred", "Host or domain name not found. Name service error "
	    "for name=%D type=MX: Host not found, try again", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, "451", "4.3.0", "smtp", GREMOTE, "4.3.0",
	    "deferred", "host %H[%I] said: 451 Temporary local problem - "
	    "please try later (in reply to RCPT TO command)", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, "421", "4.7.0", "smtp", GREMOTE, "4.7.0",
	    "deferred", "delivery temporarily suspended: host %H[%I] said: "
	    "421 4.7.0 Try again later, closing connection. (in reply to end "
	    "of DATA command)", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, "452", "4.2.2", "smtp", GREMOTE, "4.2.2",
	    "deferred", "host %H[%I] said: 452 4.2.2 <%R>: Recipient address "
	    "rejected: Mailbox full (in reply to RCPT TO command)", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, NULL, "4.7.5", "smtp", GREMOTE, "4.7.5",
	    "deferred", "Server certificate not verified", 0, 0 },
	/* deferred, local */
	{ K_DEFERRED, F_LOCAL, 0, "452", "4.2.2", "lmtp",
	    "mail.example.org[private/dovecot-lmtp]", "4.2.2", "deferred",
	    "host mail.example.org[private/dovecot-lmtp] said: 452 4.2.2 <%R> "
	    "Quota exceeded (mailbox for user is full) (in reply to end of "
	    "DATA command)", 0, 0 },

	/* bounced, remote */
	{ K_BOUNCED, F_GOOGLE, 0, "550", "5.1.1", "smtp", GREMOTE, "5.1.1",
	    "bounced", "host %H[%I] said: 550-5.1.1 The email account that "
	    "you tried to reach does not exist. Please try 550-5.1.1 "
	    "double-checking the recipient's email address for typos or "
	    "550-5.1.1 unnecessary spaces. For more information, go to "
	    "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser %g - "
	    "gsmtp (in reply to RCPT TO command)", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "550", "5.1.1", "smtp", GREMOTE, "5.1.1",
	    "bounced", "host %H[%I] said: 550 5.1.1 <%R>: Recipient address "
	    "rejected: User unknown in virtual mailbox table (in reply to "
	    "RCPT TO command)", 0, 0 },
	{ K_BOUNCED, F_MS, 0, "550", "5.5.0", "smtp", GREMOTE, "5.5.0",
	    "bounced", "host %H[%I] said: 550 5.5.0 Requested action not "
	    "taken: mailbox unavailable (S2017062302). [%X.eop-EUR01.prod."
	    "protection.outlook.com] (in reply to RCPT TO command)", 0, 0 },
	{ K_BOUNCED, F_GOOGLE, 0, "550", "5.7.1", "smtp", GREMOTE, "5.7.1",
	    "bounced", "host %H[%I] said: 550-5.7.1 [192.0.2.1      12] Our "
	    "system has detected that this message is 550-5.7.1 likely "
	    "unsolicited mail. To reduce the amount of spam sent to Gmail, "
	    "550-5.7.1 this message has been blocked. For more information, "
	    "go to 550 5.7.1  https://support.google.com/mail/?p="
	    "UnsolicitedMessageError %g - gsmtp (in reply to end of DATA "
	    "command)", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "554", "5.7.1", "smtp", GREMOTE, "5.7.1",
	    "bounced", "host %H[%I] said: 554 5.7.1 Service unavailable; "
	    "Client host [192.0.2.1] blocked using zen.spamhaus.org; "
	    "https://www.spamhaus.org/query/ip/192.0.2.1 (in reply to RCPT "
	    "TO command)", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "552", "5.2.2", "smtp", GREMOTE, "5.2.2",
	    "bounced", "host %H[%I] said: 552 5.2.2 <%R>: Recipient address "
	    "rejected: Mailbox full (in reply to RCPT TO command)", 0, 0 },
	{ K_BOUNCED, F_GOOGLE, 0, "550", "5.7.26", "smtp", GREMOTE, "5.7.26",
	    "bounced", "host %H[%I] said: 550-5.7.26 This mail has been "
	    "blocked because the sender is 550-5.7.26 unauthenticated. Gmail "
	    "requires all senders to authenticate with 550-5.7.26 either SPF "
	    "or DKIM. 550 5.7.26 %g - gsmtp (in reply to end of DATA "
	    "command)", 0, 0 },
	{ K_BOUNCED, F_MS, 0, "550", "5.7.606", "smtp", GREMOTE, "5.7.606",
	    "bounced", "host %H[%I] said: 550 5.7.606 Access denied, banned "
	    "sending IP [192.0.2.1]. To request removal from this list please "
	    "visit https://sender.office.com/ and follow the directions. For "
	    "more information please go to  http://go.microsoft.com/fwlink/"
	    "?LinkID=526655 AS(1430) [%X.eop-nam04.prod.protection.outlook."
	    "com] (in reply to MAIL FROM command)", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, NULL, "5.4.4", "smtp", "none", "5.4.4",
	    "bounced", "Host or domain name not found. Name service error for "
	    "name=%D type=A: Host not found", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, NULL, "5.3.4", "smtp", GREMOTE, "5.3.4",
	    "bounced", "message size %n exceeds size limit 10240000 of server "
	    "%H[%I]", 0, 0 },
	{ K_BOUNCED, F_MS, 0, "550", "5.4.1", "smtp", GREMOTE, "5.4.1",
	    "bounced", "host %H[%I] said: 550 5.4.1 Recipient address "
	    "rejected: Access denied. AS(201806281) [%X.eop-eur05.prod."
	    "protection.outlook.com] (in reply to RCPT TO command)", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "550", "5.0.0", "smtp", GREMOTE, "5.0.0",
	    "bounced", "host %H[%I] said: 550 Requested action not taken: "
	    "mailbox unavailable (in reply to RCPT TO command)", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "550", "5.1.1", "smtp", GREMOTE, "5.1.1",
	    "bounced", "host %H[%I] said: 550 #5.1.1 Address rejected %R (in "
	    "reply to RCPT TO command)", 0, 0 },
	/* bounced, local */
	{ K_BOUNCED, F_LOCAL, 0, "552", "5.2.2", "lmtp",
	    "mail.example.org[private/dovecot-lmtp]", "5.2.2", "bounced",
	    "host mail.example.org[private/dovecot-lmtp] said: 552 5.2.2 <%R> "
	    "Quota exceeded (mailbox for user is full) (in reply to end of "
	    "DATA command)", 0, 0 },
	{ K_BOUNCED, F_LOCAL, 0, NULL, "5.1.1", "local", "local", "5.1.1",
	    "bounced", "unknown user: \"%u\"", 0, 0 },
};

/* Postfix refusals: flag 1 = postscreen, 2 = has a queue id (cleanup,
 * milter or proxy at end of message), 3 = cleanup. */
static struct ev pf_rej[] = {
	{ K_REJECTED, F_ANY, 0, "554", "5.7.1", "smtpd", 0, 0, 0,
	    "NOQUEUE: reject: RCPT from %c[%C]: 554 5.7.1 Service unavailable; "
	    "Client host [%C] blocked using zen.spamhaus.org; https://www."
	    "spamhaus.org/query/ip/%C; from=<%F> to=<%R> proto=ESMTP "
	    "helo=<%h>", 0, 0 },
	{ K_REJECTED, F_ANY, 0, "450", "4.7.25", "smtpd", 0, 0, 0,
	    "NOQUEUE: reject: RCPT from unknown[%C]: 450 4.7.25 Client host "
	    "rejected: cannot find your hostname, [%C]; from=<%F> to=<%R> "
	    "proto=ESMTP helo=<%h>", 0, 0 },
	{ K_REJECTED, F_ANY, 0, "550", "5.1.1", "smtpd", 0, 0, 0,
	    "NOQUEUE: reject: RCPT from %c[%C]: 550 5.1.1 <%R>: Recipient "
	    "address rejected: User unknown in local recipient table; "
	    "from=<%F> to=<%R> proto=ESMTP helo=<%h>", 0, 0 },
	{ K_REJECTED, F_ANY, 0, "550", "5.7.1", "postscreen", 0, 0, 0,
	    "NOQUEUE: reject: RCPT from [%C]:%p: 550 5.7.1 Service "
	    "unavailable; client [%C] blocked using zen.spamhaus.org; "
	    "from=<%F>, to=<%R>, proto=ESMTP, helo=<%h>", 0, 1 },
	{ K_REJECTED, F_ANY, 0, "454", "4.7.1", "smtpd", 0, 0, 0,
	    "NOQUEUE: reject: RCPT from %c[%C]: 454 4.7.1 <%R>: Relay access "
	    "denied; from=<%F> to=<%R> proto=ESMTP helo=<%h>", 0, 0 },
	{ K_REJECTED, F_ANY, 0, "504", "5.5.2", "smtpd", 0, 0, 0,
	    "NOQUEUE: reject: RCPT from unknown[%C]: 504 5.5.2 <%h>: Helo "
	    "command rejected: need fully-qualified hostname; from=<%F> "
	    "to=<%R> proto=SMTP helo=<%h>", 0, 0 },
	{ K_REJECTED, F_ANY, 0, "451", "4.7.1", "smtpd", 0, 0, 0,
	    "NOQUEUE: milter-reject: RCPT from %c[%C]: 451 4.7.1 Greylisting "
	    "in action, please come back later; from=<%F> to=<%R> "
	    "proto=ESMTP helo=<%h>", 0, 0 },
	{ K_REJECTED, F_ANY, 0, "450", "4.1.8", "smtpd", 0, 0, 0,
	    "NOQUEUE: reject: RCPT from %c[%C]: 450 4.1.8 <%F>: Sender "
	    "address rejected: Domain not found; from=<%F> to=<%R> "
	    "proto=ESMTP helo=<%h>", 0, 0 },
	{ K_REJECTED, F_ANY, 0, NULL, "5.7.1", "smtpd", 0, 0, 0,
	    "%Q: milter-reject: END-OF-MESSAGE from %c[%C]: 5.7.1 Rejected "
	    "by SpamAssassin (score %k.1); from=<%F> to=<%R> proto=ESMTP "
	    "helo=<%h>", 0, 2 },
	{ K_REJECTED, F_ANY, 0, "450", "4.3.2", "postscreen", 0, 0, 0,
	    "NOQUEUE: reject: RCPT from [%C]:%p: 450 4.3.2 Service currently "
	    "unavailable; from=<%F>, to=<%R>, proto=ESMTP, helo=<%h>", 0, 1 },
	{ K_REJECTED, F_ANY, 0, "452", "4.5.3", "smtpd", 0, 0, 0,
	    "NOQUEUE: reject: RCPT from %c[%C]: 452 4.5.3 Error: too many "
	    "recipients; from=<%F> to=<%R> proto=ESMTP helo=<%h>", 0, 0 },
	{ K_REJECTED, F_ANY, 0, NULL, "5.7.1", "cleanup", 0, 0, 0,
	    "%Q: reject: header Subject: Your account will be closed from "
	    "%c[%C]; from=<%F> to=<%R> proto=ESMTP helo=<%h>: 5.7.1 Message "
	    "content rejected", 0, 3 },
	{ K_REJECTED, F_ANY, 0, "552", "5.3.4", "smtpd", 0, 0, 0,
	    "NOQUEUE: reject: MAIL from %c[%C]: 552 5.3.4 Message size exceeds "
	    "fixed limit; proto=ESMTP helo=<%h>", 0, 0 },
	{ K_REJECTED, F_ANY, 0, "554", "5.7.0", "smtpd", 0, 0, 0,
	    "%Q: proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, id=%n-02 - "
	    "spam; from=<%F> to=<%R> proto=ESMTP helo=<%h>", 0, 2 },
};

/* Exim: flag 1 = the refusal line carries the message id. */
static struct ev ex_ev[] = {
	/* delivered, remote */
	{ K_DELIVERED, F_GOOGLE, 0, "250", "2.0.0", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I] X=TLS1.3:TLS_AES_256_GCM_"
	    "SHA384:256 CV=yes K C=\"250 2.0.0 OK  %T %g - gsmtp\"", 0, 0 },
	{ K_DELIVERED, F_ANY, 0, "250", NULL, 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I] X=TLS1.2:ECDHE-RSA-"
	    "AES256-GCM-SHA384:256 CV=yes C=\"250 OK id=%E\"", 0, 0 },
	{ K_DELIVERED, F_MS, 0, "250", "2.6.0", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I] X=TLS1.2:ECDHE-RSA-"
	    "AES256-GCM-SHA384:256 CV=yes C=\"250 2.6.0 <%M> [InternalId=%n, "
	    "Hostname=%X.prod.protection.outlook.com] %n bytes in 0.%n, "
	    "%n.%n KB/sec Queued mail for delivery\"", 0, 0 },
	{ K_DELIVERED, F_ANY, 0, "250", "2.0.0", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I] C=\"250 2.0.0 Ok: queued "
	    "as %q\"", 0, 0 },
	{ K_DELIVERED, F_YAHOO, 0, "250", NULL, 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I] X=TLS1.3:TLS_AES_128_GCM_"
	    "SHA256:128 CV=yes C=\"250 ok dirdel\"", 0, 0 },
	/* delivered, local */
	{ K_DELIVERED, F_LOCAL, 0, NULL, NULL, 0, 0, 0, 0,
	    "%u <%R> R=localuser T=local_delivery", 0, 0 },
	{ K_DELIVERED, F_LOCAL, 0, "250", "2.0.0", 0, 0, 0, 0,
	    "%R R=dovecot_lmtp T=dovecot_lmtp H=127.0.0.1 [127.0.0.1] "
	    "C=\"250 2.0.0 <%R> %g Saved\"", 0, 0 },
	{ K_DELIVERED, F_LOCAL, 0, NULL, NULL, 0, 0, 0, 0,
	    ":blackhole: <%R> R=blackhole_router", 0, 0 },

	/* deferred, remote */
	{ K_DEFERRED, F_ANY, 0, "451", "4.7.1", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp defer (-44) H=%H [%I]: SMTP error "
	    "from remote mail server after RCPT TO:<%R>: 451 4.7.1 "
	    "Greylisting in action, please come back later", 0, 1 },
	{ K_DEFERRED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp defer (111): Connection refused",
	    0, 0 },
	{ K_DEFERRED, F_GOOGLE, 0, "421", "4.7.0", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp defer (-46) H=%H [%I]: SMTP error "
	    "from remote mail server after end of data: 421-4.7.0 "
	    "[192.0.2.1      15] Our system has detected an unusual rate of\\n"
	    "421-4.7.0 unsolicited mail originating from your IP address. To "
	    "protect our\\n421-4.7.0 users from spam, mail sent from your IP "
	    "address has been temporarily\\n421 4.7.0 rate limited. %g - gsmtp",
	    0, 0 },
	{ K_DEFERRED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp defer (110): Connection timed out",
	    0, 0 },
	{ K_DEFERRED, F_MS, 0, "451", "4.7.500", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp defer (-44) H=%H [%I]: SMTP error "
	    "from remote mail server after RCPT TO:<%R>: 451 4.7.500 Server "
	    "busy. Please try again later from [192.0.2.1]. (S77719) "
	    "[%X.eop-nam12.prod.protection.outlook.com]", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, "421", "4.7.0", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp defer (-44) H=%H [%I]: SMTP error "
	    "from remote mail server after MAIL FROM:<%F> SIZE=%n: 421 4.7.0 "
	    "Try again later, closing connection.", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp defer (-44) H=%H [%I]: Remote host "
	    "closed connection in response to RCPT TO:<%R>", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, "452", "4.2.2", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp defer (-44) H=%H [%I]: SMTP error "
	    "from remote mail server after RCPT TO:<%R>: 452 4.2.2 Mailbox "
	    "full", 0, 0 },
	/* deferred, local */
	{ K_DEFERRED, F_LOCAL, 0, "452", "4.2.2", 0, 0, 0, 0,
	    "%R R=dovecot_lmtp T=dovecot_lmtp defer (0) H=127.0.0.1 "
	    "[127.0.0.1]: LMTP error after DATA: 452 4.2.2 Over quota", 0, 0 },

	/* bounced, remote */
	{ K_BOUNCED, F_GOOGLE, 0, "550", "5.1.1", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I] X=TLS1.3:TLS_AES_256_GCM_"
	    "SHA384:256 CV=yes: SMTP error from remote mail server after RCPT "
	    "TO:<%R>: 550-5.1.1 The email account that you tried to reach "
	    "does not exist. Please try\\n550-5.1.1 double-checking the "
	    "recipient's email address for typos or\\n550-5.1.1 unnecessary "
	    "spaces. For more information, go to\\n550 5.1.1  https://"
	    "support.google.com/mail/?p=NoSuchUser %g - gsmtp", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "550", "5.1.1", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I]: SMTP error from remote "
	    "mail server after RCPT TO:<%R>: 550 5.1.1 <%R>: Recipient "
	    "address rejected: User unknown in virtual mailbox table", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "%R: Unrouteable address", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "554", "5.7.1", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I]: SMTP error from remote "
	    "mail server after RCPT TO:<%R>: 554 5.7.1 Service unavailable; "
	    "Client host [192.0.2.1] blocked using zen.spamhaus.org", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "550", "5.7.1", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I]: SMTP error from remote "
	    "mail server after end of data: 550 5.7.1 Message rejected as "
	    "spam", 0, 0 },
	{ K_BOUNCED, F_MS, 0, "550", "5.4.1", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I]: SMTP error from remote "
	    "mail server after RCPT TO:<%R>: 550 5.4.1 Recipient address "
	    "rejected: Access denied. AS(201806281) [%X.eop-eur05.prod."
	    "protection.outlook.com]", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "552", "5.2.2", 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I]: SMTP error from remote "
	    "mail server after RCPT TO:<%R>: 552 5.2.2 <%R>: Recipient address "
	    "rejected: Mailbox full", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "550", NULL, 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp H=%H [%I]: SMTP error from remote "
	    "mail server after RCPT TO:<%R>: 550 Requested action not taken: "
	    "mailbox unavailable", 0, 0 },
	/* bounced, local (a router's :fail: text is no code) */
	{ K_BOUNCED, F_LOCAL, 0, NULL, NULL, 0, 0, 0, 0,
	    "%R R=system_aliases : 550 %u has left the company", 0, 0 },
	{ K_BOUNCED, F_LOCAL, 0, "552", "5.2.2", 0, 0, 0, 0,
	    "%R R=dovecot_lmtp T=dovecot_lmtp : LMTP error after end of data: "
	    "552 5.2.2 <%R> Quota exceeded (mailbox for user is full)", 0, 0 },

	/* expired */
	{ K_EXPIRED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "%R: retry timeout exceeded", 0, 0 },
	{ K_EXPIRED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "%R R=dnslookup T=remote_smtp : all hosts for '%D' have been "
	    "failing for a long time (and retry time not reached)", 0, 0 },
};

static struct ev ex_rej[] = {
	{ K_REJECTED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "H=(%h) [%C]:%p I=[192.0.2.1]:25 F=<%F> rejected RCPT <%R>: relay "
	    "not permitted", 0, 0 },
	{ K_REJECTED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "H=[%C]:%p I=[192.0.2.1]:25 rejected connection in \"connect\" "
	    "ACL: %C is listed at zen.spamhaus.org", 0, 0 },
	{ K_REJECTED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "H=%c [%C]:%p I=[192.0.2.1]:25 F=<%F> temporarily rejected RCPT "
	    "<%R>: greylisted", 0, 0 },
	{ K_REJECTED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "H=(%h) [%C]:%p I=[192.0.2.1]:25 F=<%F> rejected RCPT <%R>: "
	    "Sender verify failed", 0, 2 },
	{ K_REJECTED, F_ANY, 0, "550", "5.1.1", 0, 0, 0, 0,
	    "H=%c [%C]:%p I=[192.0.2.1]:25 F=<%F> rejected RCPT <%R>: response "
	    "to \"RCPT TO:<%R>\" from backend.example.org [192.0.2.40] was: "
	    "550 5.1.1 User unknown", 0, 0 },
	{ K_REJECTED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "%Q H=%c [%C]:%p I=[192.0.2.1]:25 F=<%F> rejected after DATA: Your "
	    "message looks like spam (score %k.4)", 0, 1 },
	{ K_REJECTED, F_ANY, 0, NULL, NULL, 0, 0, 0, 0,
	    "rejected EHLO from [%C]:%p I=[192.0.2.1]:25: syntactically "
	    "invalid argument(s): %u_bad", 0, 0 },
};

/* Exchange recipient-status texts (raw; quoted on output). */
static struct ev xc_ev[] = {
	{ K_DELIVERED, F_LOCAL, 0, "250", "2.1.5", 0, 0, 0, 0,
	    "250 2.1.5 Recipient OK", 0, 0 },
	{ K_DELIVERED, F_LOCAL, 0, "250", "2.1.5", 0, 0, 0, 0,
	    "250 2.1.5Recipient OK", 0, 0 },
	{ K_DELIVERED, F_ANY, 0, "250", "2.6.0", 0, 0, 0, 0,
	    "250 2.6.0 <%M> [InternalId=%n, Hostname=EX02.corp.example.org] "
	    "Queued mail for delivery", 0, 0 },
	{ K_DELIVERED, F_GOOGLE, 0, "250", "2.0.0", 0, 0, 0, 0,
	    "250 2.0.0 OK  %T %g - gsmtp", 0, 0 },
	{ K_DELIVERED, F_ANY, 0, "250", "2.0.0", 0, 0, 0, 0,
	    "250 2.0.0 Ok: queued as %q", 0, 0 },
	{ K_DELIVERED, F_YAHOO, 0, "250", NULL, 0, 0, 0, 0,
	    "250 ok dirdel", 0, 0 },

	{ K_DEFERRED, F_ANY, 0, "451", "4.4.0", 0, 0, 0, 0,
	    "[{LRT=};{LED=451 4.4.0 Primary target IP address responded with: "
	    "\"421 4.4.2 Connection dropped due to SocketError.\"; Attempted "
	    "failover to alternate host, but that did not succeed. Either "
	    "there are no alternate hosts, or delivery failed to all alternate "
	    "hosts. The last endpoint attempted was %I:25};{FQDN=%H};{IP=%I}]",
	    0, 0 },
	{ K_DEFERRED, F_ANY, 0, "441", "4.4.1", 0, 0, 0, 0,
	    "[{LRT=};{LED=441 4.4.1 Error encountered while communicating "
	    "with primary target IP address: \"Failed to connect. Winsock "
	    "error code: 10060, Win32 error code: 10060.\"};{FQDN=%H};"
	    "{IP=%I}]", 0, 0 },
	{ K_DEFERRED, F_ANY, 0, "451", "4.7.1", 0, 0, 0, 0,
	    "451 4.7.1 Greylisted, please try again later", 0, 0 },
	{ K_DEFERRED, F_MS, 0, "451", "4.7.500", 0, 0, 0, 0,
	    "451 4.7.500 Server busy. Please try again later from "
	    "[192.0.2.1]. (S77719) [%X.eop-nam12.prod.protection.outlook.com]",
	    0, 0 },

	{ K_BOUNCED, F_LOCAL, 0, "550", "5.1.1", 0, 0, 0, 0,
	    "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", 0, 0 },
	{ K_BOUNCED, F_LOCAL, 0, "550", "5.2.2", 0, 0, 0, 0,
	    "550 5.2.2 STOREDRV.Deliver; recipient mailbox is full", 0, 0 },
	{ K_BOUNCED, F_GOOGLE, 0, "550", "5.1.1", 0, 0, 0, 0,
	    "550 5.1.1 The email account that you tried to reach does not "
	    "exist. %g - gsmtp", 0, 0 },
	{ K_BOUNCED, F_MS, 0, "550", "5.4.1", 0, 0, 0, 0,
	    "550 5.4.1 Recipient address rejected: Access denied. "
	    "AS(201806281) [%X.eop-eur05.prod.protection.outlook.com]", 0, 0 },
	{ K_BOUNCED, F_MS, 0, "550", "5.7.606", 0, 0, 0, 0,
	    "550 5.7.606 Access denied, banned sending IP [192.0.2.1]. AS(1430)"
	    " [%X.eop-nam04.prod.protection.outlook.com]", 0, 0 },
	{ K_BOUNCED, F_ANY, 0, "554", "5.7.1", 0, 0, 0, 0,
	    "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked "
	    "using zen.spamhaus.org", 0, 0 },

	{ K_EXPIRED, F_ANY, 0, "550", "4.4.7", 0, 0, 0, 0,
	    "[{LRT=};{LED=550 4.4.7 QUEUE.Expired; message expired [Message=451"
	    " 4.4.0 DNS query failed. The error was: SMTPSEND.DNS."
	    "NonExistentDomain; nonexistent domain]};{FQDN=};{IP=}]", 0, 0 },
	{ K_EXPIRED, F_ANY, 0, "550", "4.4.7", 0, 0, 0, 0,
	    "550 4.4.7 QUEUE.Expired; message expired", 0, 0 },
};

/* Cumulative 1/rank weights per (kind, family). */
struct table {
	struct ev *ev;
	size_t n;
	unsigned cum[K_COUNT][F_COUNT][64];
	int idx[K_COUNT][F_COUNT][64];
	int nidx[K_COUNT][F_COUNT];
};

static struct table pf_t, ex_t, xc_t, pfr_t, exr_t;

static void
table_init(struct table *t, struct ev *ev, size_t n)
{
	unsigned rank[K_COUNT] = { 0 };
	size_t i;
	int k, f;

	t->ev = ev;
	t->n = n;
	for (i = 0; i < n; i++) {
		ev[i].weight = 6000 / ++rank[ev[i].kind];
		ev[i].row = row_id(ev[i].kind, ev[i].basic, ev[i].enhanced);
	}
	for (k = 0; k < K_COUNT; k++)
		for (f = 0; f < F_COUNT; f++) {
			unsigned sum = 0;
			int m = 0;

			for (i = 0; i < n; i++) {
				if (ev[i].kind != k)
					continue;
				if (!(ev[i].fam == f || (ev[i].fam == F_ANY &&
				    f != F_LOCAL)))
					continue;
				sum += ev[i].weight;
				t->cum[k][f][m] = sum;
				t->idx[k][f][m++] = (int)i;
			}
			t->nidx[k][f] = m;
		}
}

static struct ev *
table_pick(const struct table *t, int kind, int fam)
{
	int m = t->nidx[kind][fam], i;
	unsigned r;

	if (m == 0 && fam == F_LOCAL)	/* no local variant: any */
		return table_pick(t, kind, F_ANY);
	if (m == 0) {
		fprintf(stderr, "gen: no template for %s\n", kind_names[kind]);
		exit(1);
	}
	r = rnd(t->cum[kind][fam][m - 1]);
	for (i = 0; r >= t->cum[kind][fam][i]; i++)
		;
	return &t->ev[t->idx[kind][fam][i]];
}

static int
cur_fam(void)
{
	return cx.dom ? cx.dom->fam : F_LOCAL;
}

/* ---- retries --------------------------------------------------------- */

struct retry {
	uint64_t msg;
	uint32_t rseed;
	uint16_t tmpl;		/* index of the deferral template */
	uint8_t attempts, local;
	unsigned defers;	/* deferrals written so far (outcomes) */
	uint64_t arrived_us;
	char id[20];		/* queue id / Exim id, as first written */
	char from[64];
};

static struct retry rq[RETRY_MAX];
static size_t rq_head, rq_n, rq_lag = 150;

static void
retry_push(const struct ev *e, const struct ev *base, uint32_t seed,
    int local, int attempts)
{
	struct retry *r;

	if (rq_n == RETRY_MAX) {
		oc_still(oc_defers);
		return;		/* the log just ends with it deferred */
	}
	r = &rq[(rq_head + rq_n++) % RETRY_MAX];
	r->defers = oc_defers;
	r->msg = cx.msg;
	r->arrived_us = cx.arrived_us;
	r->rseed = seed;
	r->tmpl = (uint16_t)(e - base);
	r->attempts = (uint8_t)attempts;
	r->local = (uint8_t)local;
	snprintf(r->id, sizeof(r->id), "%s", cx.qid);
	snprintf(r->from, sizeof(r->from), "%s", cx.from);
}

static int
retry_due(void)
{
	return rq_n > rq_lag;
}

static struct retry
retry_pop(void)
{
	struct retry r = rq[rq_head];

	rq_head = (rq_head + 1) % RETRY_MAX;
	rq_n--;
	rq_lag = 50 + rnd(200);
	return r;
}

/* Restore the message context of a retry. */
static void
retry_ctx(const struct retry *r)
{
	cx.msg = r->msg;
	cx.arrived_us = r->arrived_us;
	snprintf(cx.qid, sizeof(cx.qid), "%s", r->id);
	set_rcpt_seed(r->rseed, r->local);
	oc_defers = r->defers;
	if (uniq_want)
		udom_set(r->msg);
	snprintf(cx.from, sizeof(cx.from), "%s", r->from);
}

/*
 * The outcome of a retry: the same deferral again, delivered, bounced, or
 * (after enough attempts) expired.  Returns the kind.
 */
static int
retry_outcome(const struct retry *r)
{
	unsigned x = rnd(100);

	if (r->attempts >= 3 && x < 30)
		return K_EXPIRED;
	if (x < 40)
		return K_DEFERRED;
	if (x < 92)
		return K_DELIVERED;
	return K_BOUNCED;
}

/* ---- Postfix --------------------------------------------------------- */

static int rfc3339;
static unsigned pid_smtpd = 2101, pid_smtp = 3101, pid_qmgr = 815,
	pid_cleanup = 2105, pid_ps = 1201;

static void
pf_prefix(const char *prog, unsigned pid)
{
	tick();
	if (rfc3339) {
		ts_iso('T');
		pc('.');
		pz(now_us % 1000000, 6);
		ps("+01:00");
	} else
		ts_classic();
	ps(" mx1 postfix/");
	ps(prog);
	pc('[');
	pu(pid);
	ps("]: ");
}

static void
pf_line(const char *prog, unsigned pid, const char *t)
{
	pf_prefix(prog, pid);
	expand(t);
	eol();
}

/* A line of another program in the same syslog file. */
static void
other_line(const char *prog, const char *t)
{
	tick();
	if (rfc3339) {
		ts_iso('T');
		pc('.');
		pz(now_us % 1000000, 6);
		ps("+01:00");
	} else
		ts_classic();
	ps(" mx1 ");
	ps(prog);
	ps(": ");
	expand(t);
	eol();
}

static unsigned
smtpd_pid(void)
{
	if (chance(3))
		pid_smtpd = 2000 + rnd(60000);
	return pid_smtpd;
}

static unsigned
smtp_pid(void)
{
	if (chance(5))
		pid_smtp = 2000 + rnd(60000);
	return pid_smtp;
}

/*
 * One delivery record: to=, relay=, delay=, delays=, dsn=, status=.  As
 * Postfix writes them, delay= counts from the message's arrival, so a
 * retry's includes its time in the queue (in delays='s first part).
 */
static void
pf_delivery(const struct ev *e)
{
	unsigned d1 = rnd(300), d3 = rnd(40), d4 = rnd(90);

	if (now_us > cx.arrived_us)
		d1 += (unsigned)((now_us - cx.arrived_us) / 10000);

	if (e->flag == 1 && chance(60))	/* the attempt before the record */
		pf_line("smtp", smtp_pid(), "connect to %H[%I]:25: Connection "
		    "refused");
	else if (e->basic && e->basic[0] == '4' && e->agent[0] == 's' &&
	    chance(20))
		pf_line("smtp", smtp_pid(), "%Q: host %H[%I] said: 450 4.7.1 "
		    "Service temporarily unavailable, try again later (in reply "
		    "to RCPT TO command)");
	pf_prefix(e->agent, e->agent[0] == 's' ? smtp_pid() : pid_smtp + 7);
	ps(cx.qid);
	ps(": to=<");
	expand("%R");
	if (cx.dom == NULL && chance(10)) {
		ps(">, orig_to=<");
		ps(PICK(users));
		ps("@example.org");
	}
	ps(">, relay=");
	expand(e->relay);
	ps(", delay=");
	pu((d1 + d3 + d4) / 100); pc('.'); pz((d1 + d3 + d4) % 100, 2);
	ps(", delays="); pu(d1 / 100); pc('.'); pz(d1 % 100, 2);
	ps("/0.0"); pu(rnd(10));
	ps("/0."); pz(d3, 2); ps("/0."); pz(d4, 2);
	ps(", dsn=");
	ps(e->dsn);
	ps(", status=");
	ps(e->status);
	ps(" (");
	expand(e->text);
	pc(')');
	eol();
	count(e->row, cx.msg);
}

/* Lines that open a message in the queue. */
static void
pf_enqueue(int inbound, unsigned nrcpt)
{
	if (inbound) {
		pf_line("smtpd", pid_smtpd, "%Q: client=%c[%C]");
	} else if (chance(50)) {
		pf_line("pickup", 1822, "%Q: uid=1000 from=<%F>");
	} else {
		pf_line("submission/smtpd", pid_smtpd, "%Q: client=%c[%C], "
		    "sasl_method=PLAIN, sasl_username=%F");
	}
	pf_line("cleanup", pid_cleanup, "%Q: message-id=<%M>");
	if (inbound && chance(30))
		other_line("opendkim[812]", "%Q: DKIM verification successful");
	pf_prefix("qmgr", pid_qmgr);
	ps(cx.qid);
	ps(": from=<");
	ps(cx.from);
	ps(">, size=");
	pu(800 + rnd(90000));
	ps(", nrcpt=");
	pu(nrcpt);
	ps(" (queue active)");
	eol();
}

static void
pf_connect(void)
{
	pf_line("smtpd", smtpd_pid(), "connect from %c[%C]");
	if (chance(60))
		pf_line("smtpd", pid_smtpd, "Anonymous TLS connection "
		    "established from %c[%C]: TLSv1.3 with cipher TLS_AES_256_"
		    "GCM_SHA384 (256/256 bits) key-exchange X25519 server-"
		    "signature RSA-PSS (2048 bits) server-digest SHA256");
}

static void
pf_disconnect(unsigned rcpt, unsigned ok)
{
	pf_prefix("smtpd", pid_smtpd);
	expand("disconnect from %c[%C] ehlo=2 starttls=1 mail=1 rcpt=");
	if (rcpt == ok)
		pu(rcpt);
	else {
		pu(ok); pc('/'); pu(rcpt);
	}
	ps(ok ? " data=1 quit=1 commands=" : " quit=1 commands=");
	if (ok) {
		pu(5 + ok); pc('/'); pu(5 + rcpt);
	} else {
		pu(4); pc('/'); pu(4 + rcpt);
	}
	eol();
}

static void
pf_noise_one(void)
{
	switch (rnd(16)) {
	case 0:
		new_client(0);
		pf_line("smtpd", smtpd_pid(), "connect from %c[%C]");
		pf_line("smtpd", pid_smtpd, "lost connection after AUTH from "
		    "%c[%C]");
		pf_line("smtpd", pid_smtpd, "disconnect from %c[%C] ehlo=1 "
		    "auth=0/1 commands=1/2");
		break;
	case 1:
		new_client(0);
		pf_line("smtpd", smtpd_pid(), "warning: %c[%C]: SASL LOGIN "
		    "authentication failed: UGFzc3dvcmQ6");
		break;
	case 2:
		new_client(0);
		pf_line("postscreen", pid_ps, "CONNECT from [%C]:%p to "
		    "[192.0.2.1]:25");
		pf_line("postscreen", pid_ps, "PASS OLD [%C]:%p");
		break;
	case 3:
		new_client(0);
		pf_line("postscreen", pid_ps, "CONNECT from [%C]:%p to "
		    "[192.0.2.1]:25");
		pf_line("postscreen", pid_ps, "PREGREET 11 after 0.14 from "
		    "[%C]:%p: EHLO %h\\r\\n");
		pf_line("postscreen", pid_ps, "HANGUP after 0.9 from [%C]:%p "
		    "in tests after SMTP handshake");
		pf_line("postscreen", pid_ps, "DISCONNECT [%C]:%p");
		break;
	case 4:
		new_client(0);
		pf_line("postscreen", pid_ps, "DNSBL rank 3 for [%C]:%p");
		break;
	case 5:
		pf_line("anvil", 1190, "statistics: max connection rate 7/60s "
		    "for (smtp:%C) at Nov 28 03:12:44");
		break;
	case 6:
		new_client(0);
		pf_line("smtpd", smtpd_pid(), "warning: hostname %c does not "
		    "resolve to address %C: Name or service not known");
		break;
	case 7: {		/* a trap: reject_warning carries codes */
		new_client(0);
		new_sender(0);
		set_rcpt_seed(rcpt_seed(1), 1);
		pf_line("smtpd", smtpd_pid(), "NOQUEUE: reject_warning: RCPT "
		    "from %c[%C]: 553 5.7.1 <%F>: Sender address rejected: not "
		    "logged in; from=<%F> to=<%R> proto=ESMTP helo=<%h>");
		break;
	}
	case 8:
		new_client(0);
		set_rcpt_seed(rcpt_seed(1), 1);
		other_line("dovecot", "imap-login: Login: user=<%R>, "
		    "method=PLAIN, rip=%C, lip=192.0.2.1, mpid=%n, TLS, "
		    "session=<%g>");
		break;
	case 9:
		set_rcpt_seed(rcpt_seed(1), 1);
		other_line("dovecot", "imap(%R)<%n><%g>: Logged out in=%n "
		    "out=%n deleted=0 expunged=0 trashed=0 hdr_count=0 "
		    "hdr_bytes=0 body_count=0 body_bytes=0");
		break;
	case 10:
		new_client(0);
		pf_line("smtpd", smtpd_pid(), "warning: TLS library problem: "
		    "error:0A000126:SSL routines::unexpected eof while reading:"
		    "../ssl/record/rec_layer_s3.c:317:");
		break;
	case 11:	/* a trap: SASL failure towards a relay, with 535 */
		new_message();
		pf_line("smtp", smtp_pid(), "%Q: SASL authentication failed; "
		    "server relay.example.org[192.0.2.10] said: 535 5.7.8 "
		    "Error: authentication failed");
		break;
	case 12:
		new_client(0);
		pf_line("smtpd", smtpd_pid(), "improper command pipelining "
		    "after EHLO from %c[%C]: QUIT\\r\\n");
		break;
	case 13:
		new_client(0);
		pf_line("smtpd", smtpd_pid(), "timeout after EHLO from %c[%C]");
		break;
	case 14:
		pf_line("smtp", smtp_pid(), "Trusted TLS connection established "
		    "to %H[%I]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
		    "(256/256 bits)");
		break;
	default:	/* a trap: an address-verification probe */
		new_message();
		set_rcpt_seed(rcpt_seed(0), 0);
		pf_line("smtp", smtp_pid(), "%Q: to=<%R>, relay=%H[%I]:25, "
		    "delay=0.6, delays=0.01/0/0.4/0.2, dsn=2.1.5, "
		    "status=deliverable (250 2.1.5 Ok)");
		break;
	}
}

/* An outbound message: submission, then remote deliveries. */
static void
pf_outbound(void)
{
	unsigned n = 1 + (chance(30) ? rnd(5) : 0), i;
	int deferred = 0, bounced = 0;

	new_message();
	new_client(1);
	new_sender(1);
	pf_enqueue(0, n);
	for (i = 0; i < n; i++) {
		uint32_t seed = rcpt_seed(0);
		unsigned x = rnd(100);
		int kind = x < 84 ? K_DELIVERED : x < 93 && !deferred ?
		    K_DEFERRED : K_BOUNCED;
		const struct ev *e;

		set_rcpt_seed(seed, 0);
		if (kind == K_DELIVERED && chance(40))
			pf_line("smtp", smtp_pid(), "Trusted TLS connection "
			    "established to %H[%I]:25: TLSv1.3 with cipher "
			    "TLS_AES_256_GCM_SHA384 (256/256 bits)");
		e = table_pick(&pf_t, kind, cur_fam());
		pf_delivery(e);
		if (kind == K_DEFERRED) {
			deferred = 1;
			retry_push(e, pf_ev, seed, 0, 1);
		} else if (kind == K_BOUNCED)
			bounced = 1;
	}
	if (bounced)
		pf_line("bounce", 1903, "%Q: sender non-delivery notification: "
		    "%q");
	if (!deferred)
		pf_line("qmgr", pid_qmgr, "%Q: removed");
}

/* An inbound message: smtpd, maybe amavis, then local deliveries. */
static void
pf_inbound(void)
{
	unsigned n = 1 + (chance(20) ? rnd(4) : 0), i;
	int deferred = 0;

	new_message();
	new_client(1);
	new_sender(0);
	pf_connect();
	pf_enqueue(1, n);
	pf_disconnect(n, n);
	if (chance(30)) {	/* through amavis, re-queued as a new id */
		static struct ev amavis = { K_DELIVERED, F_ANY, 0, "250",
		    "2.0.0", "smtp", "127.0.0.1[127.0.0.1]:10024", "2.0.0",
		    "sent", "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 "
		    "2.0.0 Ok: queued as %q", -1, 0 };

		if (amavis.row < 0)
			amavis.row = row_id(K_DELIVERED, "250", "2.0.0");
		set_rcpt_seed(rcpt_seed(1), 1);
		cx.dom = NULL;
		oc_hop = 1;	/* a hop: the new id's recipients end */
		pf_delivery(&amavis);
		oc_hop = 0;
		pf_line("qmgr", pid_qmgr, "%Q: removed");
		new_message();
		pf_line("smtpd", pid_smtpd + 1, "connect from localhost"
		    "[127.0.0.1]");
		pf_line("smtpd", pid_smtpd + 1, "%Q: client=localhost"
		    "[127.0.0.1]");
		pf_line("cleanup", pid_cleanup, "%Q: message-id=<%M>");
		pf_line("qmgr", pid_qmgr, "%Q: from=<%F>, size=4821, nrcpt=1 "
		    "(queue active)");
		pf_line("smtpd", pid_smtpd + 1, "disconnect from localhost"
		    "[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5");
	}
	for (i = 0; i < n; i++) {
		uint32_t seed = rcpt_seed(1);
		unsigned x = rnd(1000);
		int kind = x < 960 ? K_DELIVERED : x < 980 && !deferred ?
		    K_DEFERRED : K_BOUNCED;
		const struct ev *e;

		set_rcpt_seed(seed, 1);
		e = table_pick(&pf_t, kind, F_LOCAL);
		pf_delivery(e);
		if (kind == K_DEFERRED) {
			deferred = 1;
			retry_push(e, pf_ev, seed, 1, 1);
		}
	}
	if (!deferred)
		pf_line("qmgr", pid_qmgr, "%Q: removed");
}

static void
pf_reject(void)
{
	const struct ev *e = table_pick(&pfr_t, K_REJECTED, F_ANY);
	uint64_t msg = NO_MSG;

	new_client(0);
	new_sender(0);
	set_rcpt_seed(rcpt_seed(1), 1);
	if (e->flag == 1) {
		pf_line("postscreen", pid_ps, "CONNECT from [%C]:%p to "
		    "[192.0.2.1]:25");
		if (chance(50))
			pf_line("postscreen", pid_ps, "DNSBL rank 4 for "
			    "[%C]:%p");
		pf_line("postscreen", pid_ps, e->text);
		pf_line("postscreen", pid_ps, "DISCONNECT [%C]:%p");
		count(e->row, NO_MSG);
		return;
	}
	pf_connect();
	if (e->flag >= 2) {
		new_message();
		msg = cx.msg;
		pf_line("smtpd", pid_smtpd, "%Q: client=%c[%C]");
		pf_line("cleanup", pid_cleanup, "%Q: message-id=<%M>");
		pf_line(e->agent, e->flag == 3 ? pid_cleanup : pid_smtpd,
		    e->text);
	} else {
		pf_line(e->agent, pid_smtpd, e->text);
	}
	count(e->row, msg);
	pf_disconnect(1, 0);
}

static void
pf_retry(void)
{
	struct retry r = retry_pop();
	int kind = retry_outcome(&r);
	const struct ev *e;

	retry_ctx(&r);
	if (kind == K_EXPIRED) {
		static int row = -1;

		if (row < 0)
			row = row_id(K_EXPIRED, NULL, NULL);
		pf_line("qmgr", pid_qmgr, "%Q: from=<%F>, status=expired, "
		    "returned to sender");
		count(row, cx.msg);
		pf_line("bounce", 1903, "%Q: sender non-delivery notification: "
		    "%q");
		pf_line("qmgr", pid_qmgr, "%Q: removed");
		return;
	}
	e = kind == K_DEFERRED ? &pf_ev[r.tmpl] :
	    table_pick(&pf_t, kind, cur_fam());
	pf_delivery(e);
	if (kind == K_DEFERRED) {
		r.attempts++;
		snprintf(cx.from, sizeof(cx.from), "%s", r.from);
		retry_push(e, pf_ev, r.rseed, r.local, r.attempts);
		return;
	}
	if (kind == K_BOUNCED)
		pf_line("bounce", 1903, "%Q: sender non-delivery notification: "
		    "%q");
	pf_line("qmgr", pid_qmgr, "%Q: removed");
}

static void
pf_event_scenario(void)
{
	unsigned x;

	if (retry_due()) {
		pf_retry();
		return;
	}
	x = rnd(100);
	if (x < 38)
		pf_outbound();
	else if (x < 74)
		pf_inbound();
	else
		pf_reject();
}

/*
 * -u: a message of its own (queue id, sender, recipient domain), sent to
 * the domain's MX: delivered, deferred (and retried) or bounced.
 */
static void
pf_unique(void)
{
	uint32_t seed;
	unsigned x;
	int kind;
	const struct ev *e;

	if (retry_due()) {
		pf_retry();
		return;
	}
	new_message();
	uniq_done++;
	new_client(1);
	usender_set(cx.msg);
	if (!uniq_inflight)
		pf_enqueue(0, 1);
	seed = rnd(1u << 20);		/* the user; the domain is the message's */
	set_rcpt_seed(seed, 0);
	udom_set(cx.msg);
	x = rnd(100);
	kind = x < 84 ? K_DELIVERED : x < 93 ? K_DEFERRED : K_BOUNCED;
	if (uniq_inflight) {
		/* -i: the one deferral line; the log ends with it queued. */
		pf_delivery(table_pick(&pf_t, K_DEFERRED, cur_fam()));
		oc_still(oc_defers);
		return;
	}
	if (kind == K_DELIVERED && chance(40))
		pf_line("smtp", smtp_pid(), "Trusted TLS connection established "
		    "to %H[%I]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
		    "(256/256 bits)");
	e = table_pick(&pf_t, kind, cur_fam());
	pf_delivery(e);
	if (kind == K_DEFERRED) {
		retry_push(e, pf_ev, seed, 0, 1);
		return;
	}
	if (kind == K_BOUNCED)
		pf_line("bounce", 1903, "%Q: sender non-delivery notification: "
		    "%q");
	pf_line("qmgr", pid_qmgr, "%Q: removed");
}

/* ---- Exim ------------------------------------------------------------ */

static void
ex_prefix(void)
{
	tick();
	ts_iso(' ');
	pc(' ');
}

static void
ex_line(const char *t)		/* a line without a message id */
{
	ex_prefix();
	expand(t);
	eol();
}

static void
ex_mline(const char *t)		/* a line of the current message */
{
	ex_prefix();
	ps(cx.qid);
	pc(' ');
	expand(t);
	eol();
}

static void
ex_event(const struct ev *e, const char *flag)
{
	if (e->flag == 1 && chance(50))		/* the stand-alone error */
		ex_mline("H=%H [%I]: SMTP error from remote mail server after "
		    "RCPT TO:<%R>: 451 4.7.1 Greylisting in action, please come "
		    "back later");
	ex_prefix();
	ps(cx.qid);
	pc(' ');
	ps(flag);
	pc(' ');
	expand(e->text);
	eol();
	count(e->row, cx.msg);
}

static const char *
ex_flag(int kind, int first)
{
	switch (kind) {
	case K_DELIVERED: return first || chance(50) ? "=>" : "->";
	case K_DEFERRED: return "==";
	default: return "**";
	}
}

/* The bounce message Exim sends back for a failed address. */
static void
ex_bounce_msg(const char *parent)
{
	char pid[20];
	const struct ev *e;

	snprintf(pid, sizeof(pid), "%s", parent);
	new_message();
	make_eximid(cx.qid, cx.msg);
	ex_prefix();
	ps(cx.qid);
	ps(" <= <> R=");
	ps(pid);
	ps(" U=Debian-exim P=local S=");
	pu(2000 + rnd(4000));
	eol();
	set_rcpt_seed(rcpt_seed(1), 1);
	e = table_pick(&ex_t, K_DELIVERED, F_LOCAL);
	ex_event(e, "=>");
	ex_mline("Completed");
}

static void
ex_outbound(void)
{
	unsigned n = 1 + (chance(30) ? rnd(5) : 0), i;
	int deferred = 0, bounced = 0;
	char msg[20];

	new_message();
	make_eximid(cx.qid, cx.msg);
	snprintf(msg, sizeof(msg), "%s", cx.qid);
	new_client(1);
	new_sender(1);
	if (chance(50))
		ex_mline("<= %F U=%u P=local S=%n");
	else
		ex_mline("<= %F H=laptop.example.org [%C]:%p I=[192.0.2.1]:587 "
		    "P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no "
		    "A=dovecot_plain:%F S=%n id=%M");
	for (i = 0; i < n; i++) {
		uint32_t seed = rcpt_seed(0);
		unsigned x = rnd(100);
		int kind = x < 84 ? K_DELIVERED : x < 93 && !deferred ?
		    K_DEFERRED : K_BOUNCED;
		const struct ev *e;

		set_rcpt_seed(seed, 0);
		e = table_pick(&ex_t, kind, cur_fam());
		ex_event(e, ex_flag(kind, i == 0));
		if (kind == K_DEFERRED) {
			deferred = 1;
			retry_push(e, ex_ev, seed, 0, 1);
		} else if (kind == K_BOUNCED)
			bounced = 1;
	}
	if (!deferred)
		ex_mline("Completed");
	if (bounced)
		ex_bounce_msg(msg);
}

static void
ex_inbound(void)
{
	unsigned n = 1 + (chance(20) ? rnd(4) : 0), i;
	int deferred = 0, bounced = 0;
	char msg[20];

	new_message();
	make_eximid(cx.qid, cx.msg);
	snprintf(msg, sizeof(msg), "%s", cx.qid);
	new_client(1);
	new_sender(0);
	if (chance(60))
		ex_line("SMTP connection from %c [%C]:%p I=[192.0.2.1]:25 "
		    "(TCP/IP connection count = 3)");
	ex_mline("<= %F H=%c [%C]:%p I=[192.0.2.1]:25 P=esmtps "
	    "X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no S=%n id=%M");
	if (chance(60))
		ex_line("SMTP connection from %c [%C]:%p I=[192.0.2.1]:25 "
		    "closed by QUIT");
	for (i = 0; i < n; i++) {
		uint32_t seed = rcpt_seed(1);
		unsigned x = rnd(1000);
		int kind = x < 960 ? K_DELIVERED : x < 980 && !deferred ?
		    K_DEFERRED : K_BOUNCED;
		const struct ev *e;

		set_rcpt_seed(seed, 1);
		e = table_pick(&ex_t, kind, F_LOCAL);
		ex_event(e, ex_flag(kind, i == 0));
		if (kind == K_DEFERRED) {
			deferred = 1;
			retry_push(e, ex_ev, seed, 1, 1);
		} else if (kind == K_BOUNCED)
			bounced = 1;
	}
	if (!deferred)
		ex_mline("Completed");
	if (bounced)
		ex_bounce_msg(msg);
}

static void
ex_reject(void)
{
	const struct ev *e = table_pick(&exr_t, K_REJECTED, F_ANY);
	uint64_t msg = NO_MSG;

	new_client(0);
	new_sender(0);
	set_rcpt_seed(rcpt_seed(1), 1);
	if (chance(40))
		ex_line("SMTP connection from (%h) [%C]:%p I=[192.0.2.1]:25 "
		    "(TCP/IP connection count = 2)");
	if (e->flag == 2)	/* the refusal that follows the verify */
		ex_line("H=(%h) [%C]:%p I=[192.0.2.1]:25 sender verify fail "
		    "for <%F>: Unrouteable address");
	if (e->flag == 1) {
		new_message();
		make_eximid(cx.qid, cx.msg);
		msg = cx.msg;
	}
	ex_line(e->text);
	count(e->row, msg);
	if (chance(40))
		ex_line("SMTP connection from (%h) [%C]:%p I=[192.0.2.1]:25 "
		    "closed by QUIT");
}

static void
ex_retry(void)
{
	struct retry r = retry_pop();
	int kind = retry_outcome(&r);
	const struct ev *e;

	retry_ctx(&r);
	if (kind == K_DEFERRED && chance(30)) {
		static int row = -1;

		if (row < 0)
			row = row_id(K_DEFERRED, NULL, NULL);
		ex_prefix();
		ps(cx.qid);
		expand(" == %R R=dnslookup T=remote_smtp defer (-53): retry "
		    "time not reached for any host for '%D'");
		eol();
		count(row, cx.msg);
		retry_push(&ex_ev[r.tmpl], ex_ev, r.rseed, r.local,
		    r.attempts);
		return;
	}
	e = kind == K_DEFERRED ? &ex_ev[r.tmpl] :
	    table_pick(&ex_t, kind, r.local ? F_LOCAL : cur_fam());
	ex_event(e, ex_flag(kind, 1));
	if (kind == K_DEFERRED) {
		retry_push(e, ex_ev, r.rseed, r.local, r.attempts + 1);
		return;
	}
	ex_mline("Completed");
}

static void
ex_noise_one(void)
{
	switch (rnd(40)) {
	case 0:
		ex_line("Start queue run: pid=%n");
		ex_line("End queue run: pid=%n");
		break;
	case 1:
		new_client(0);
		ex_line("dovecot_login authenticator failed for (%h) [%C]:%p "
		    "I=[192.0.2.1]:587: 535 Incorrect authentication data "
		    "(set_id=%u)");
		break;
	case 2:
		new_client(0);
		ex_line("no host name found for IP address %C");
		break;
	case 3:
		new_client(0);
		ex_line("TLS error on connection from (%h) [%C]:%p "
		    "I=[192.0.2.1]:25 (SSL_accept): error:0A000126:SSL routines::"
		    "unexpected eof while reading");
		break;
	case 4:
		new_client(0);
		ex_line("SMTP command timeout on connection from (%h) [%C]:%p "
		    "I=[192.0.2.1]:25");
		break;
	case 5:
		new_client(0);
		ex_line("unexpected disconnection while reading SMTP command "
		    "from (%h) [%C]:%p I=[192.0.2.1]:25 D=%ns");
		break;
	case 6: case 10: case 11: case 12: case 13: case 14: case 15:
	case 16: case 17: case 18: case 19: case 20: case 21: case 22:
		new_client(0);
		ex_line("SMTP connection from [%C]:%p I=[192.0.2.1]:25 "
		    "(TCP/IP connection count = 1)");
		ex_line("SMTP connection from (%h) [%C]:%p I=[192.0.2.1]:25 "
		    "lost");
		break;
	case 7:
		ex_line("Warning: ACL \"warn\" statement skipped: condition test "
		    "deferred: rejected lookup");
		break;
	case 8: case 23: case 24: case 25:
		new_client(0);
		new_sender(0);
		ex_line("H=(%h) [%C]:%p I=[192.0.2.1]:25 sender verify defer for "
		    "<%F>: Could not complete sender verify");
		break;
	case 9:
		new_client(0);
		ex_line("SMTP connection from (%h) [%C]:%p I=[192.0.2.1]:25 "
		    "closed by DROP in ACL");
		break;
	default:
		new_client(0);
		ex_line("SMTP connection from [%C]:%p I=[192.0.2.1]:25 "
		    "(TCP/IP connection count = 2)");
		ex_line("no MAIL in SMTP connection from (%h) [%C]:%p "
		    "I=[192.0.2.1]:25 D=0.%ns C=EHLO,STARTTLS,EHLO,QUIT");
		break;
	}
}

static void
ex_event_scenario(void)
{
	unsigned x;

	if (retry_due()) {
		ex_retry();
		return;
	}
	x = rnd(100);
	if (x < 40)
		ex_outbound();
	else if (x < 76)
		ex_inbound();
	else
		ex_reject();
}

/* ---- Exchange -------------------------------------------------------- */

static char scratch[SCRATCH];

/* Expand a template into scratch (for CSV quoting), return its length. */
static size_t
expand_scratch(const char *t)
{
	size_t save = olen, n;

	expand(t);
	n = olen - save;
	if (n >= SCRATCH)
		n = SCRATCH - 1;
	memcpy(scratch, obuf + save, n);
	scratch[n] = '\0';
	olen = save;
	return n;
}

static void
csv_put(const char *s, size_t n)
{
	size_t i;

	if (memchr(s, ',', n) == NULL && memchr(s, '"', n) == NULL) {
		pm(s, n);
		return;
	}
	pc('"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			pc('"');
		pc(s[i]);
	}
	pc('"');
}

static uint64_t xc_internal = 14000;
static const char *const subjects[] = { "Angebot Nr. 4711, \"final\"",
	"Quarterly report", "Re: meeting tomorrow", "日本語の件名, テスト",
	"Invoice 2026/11, reminder", "(no subject)", "FW: travel plans",
	"Résumé \"draft\", v2", "Newsletter, issue 12" };

struct xrow {
	const char *cip, *chost, *sip, *shost, *srcctx, *connector, *source,
	    *event;
	int with_msgid;
	const char *rcpts;	/* already joined */
	const char *status;	/* raw, joined */
	unsigned rcount;
	const char *reference, *subject;
	int dsn;
};

static void
xc_row(const struct xrow *r)
{
	tick();
	ts_iso('T');
	pc('.');
	pz(now_us / 1000 % 1000, 3);
	ps("Z,");
	ps(r->cip); pc(',');
	ps(r->chost); pc(',');
	ps(r->sip); pc(',');
	ps(r->shost); pc(',');
	csv_put(r->srcctx, strlen(r->srcctx)); pc(',');
	ps(r->connector); pc(',');
	ps(r->source); pc(',');
	ps(r->event); pc(',');
	pu(xc_internal); pc(',');
	if (r->with_msgid) {
		pc('<'); ps(cx.msgid); pc('>');
	}
	pc(',');
	/* network-message-id: a GUID-like value */
	pz(cx.msg % 100000000, 8); ps("-7b3d-4e5f-9a1b-08de2f4c1a10,");
	csv_put(r->rcpts, strlen(r->rcpts)); pc(',');
	csv_put(r->status, strlen(r->status)); pc(',');
	pu(1000 + rnd(90000)); pc(',');
	if (r->rcount)
		pu(r->rcount);
	pc(',');
	pc(',');
	ps(r->reference); pc(',');
	csv_put(r->subject, strlen(r->subject)); pc(',');
	if (r->dsn) {
		ps(cx.from); ps(",<>,");
	} else {
		ps(cx.from); pc(','); ps(cx.from); pc(',');
	}
	ps(",Originating,,,,,Email,,15.02.1544.011");
	eol();
}

static void
xc_header(void)
{
	static const char bom[] = "\xef\xbb\xbf";

	ps(bom);
	ps("#Software: Microsoft Exchange Server");
	eol();
	ps("#Version: 15.02.1544.011");
	eol();
	ps("#Log-type: Message Tracking Log");
	eol();
	ps("#Date: ");
	ts_iso('T');
	ps(".000Z");
	eol();
	ps("#Fields: date-time,client-ip,client-hostname,server-ip,"
	    "server-hostname,source-context,connector-id,source,event-id,"
	    "internal-message-id,message-id,network-message-id,"
	    "recipient-address,recipient-status,total-bytes,recipient-count,"
	    "related-recipient-address,reference,message-subject,"
	    "sender-address,return-path,message-info,directionality,tenant-id,"
	    "original-client-ip,original-server-ip,custom-data,"
	    "transport-traffic-type,log-id,schema-version");
	eol();
}

/*
 * An event row: n recipients, each with a status from its template.
 * Every recipient is one event of the template's row; defers is the
 * deferrals they had before (a retry's; 0 for new recipients).
 */
static void
xc_event_row(struct xrow *r, const struct ev **ev, const uint32_t *seeds,
    unsigned n, int local, unsigned defers)
{
	char rc[1024], st[SCRATCH];
	size_t rl = 0, sl = 0, k;
	unsigned i;

	for (i = 0; i < n; i++) {
		set_rcpt_seed(seeds[i], local);
		k = (size_t)snprintf(rc + rl, sizeof(rc) - rl, "%s%s@%s",
		    i ? ";" : "", cx.rcpt_user, cx.rcpt_dom);
		rl += k;
		k = expand_scratch(ev[i]->text);
		if (sl + k + 2 < sizeof(st)) {
			if (i)
				st[sl++] = ';';
			memcpy(st + sl, scratch, k);
			sl += k;
		}
	}
	st[sl] = '\0';
	r->rcpts = rc;
	r->status = st;
	r->rcount = n;
	xc_row(r);
	for (i = 0; i < n; i++) {
		oc_defers = defers;	/* set_rcpt_seed cleared it */
		count(ev[i]->row, cx.msg);
	}
}

static void
xc_noise_row(const char *source, const char *event, const char *srcctx,
    const char *rcpt, int local)
{
	struct xrow r = { "10.0.0.21", "EX01.corp.example.org", "", "EX01",
	    srcctx, "", source, event, 1, "", "", 0, "", "", 0 };
	char rc[128];

	if (rcpt == NULL) {
		set_rcpt_seed(rcpt_seed(local), local);
		snprintf(rc, sizeof(rc), "%s@%s", cx.rcpt_user, cx.rcpt_dom);
		rcpt = rc;
	}
	r.rcpts = rcpt;
	r.subject = cx.subject;
	xc_row(&r);
}

static void
xc_new_message(void)
{
	new_message();
	xc_internal++;
	cx.subject = PICK(subjects);
	snprintf(cx.msgid, sizeof(cx.msgid), "%016llx@EX01.corp.example.org",
	    (unsigned long long)mix(cx.msg));
}

/*
 * The seed of a message's recipient i, whose address differs from those
 * of recipients 0..i-1: a message id and an address name one recipient,
 * across its retries (outcomes), as in a real queue.
 */
static uint32_t
xc_distinct_seed(int local, unsigned i)
{
	static char seen[8][128];
	char addr[128];
	uint32_t seed;
	unsigned j, tries;

	for (tries = 0;; tries++) {
		seed = rcpt_seed(local);
		set_rcpt_seed(seed, local);
		snprintf(addr, sizeof(addr), "%s@%s", cx.rcpt_user,
		    cx.rcpt_dom);
		for (j = 0; j < i && strcmp(seen[j], addr) != 0; j++)
			;
		if (j == i || tries == 100)
			break;
	}
	if (i < 8)
		memcpy(seen[i], addr, sizeof(addr));
	return seed;
}

static void
xc_message(int inbound)
{
	unsigned n = 1 + (chance(25) ? rnd(4) : 0), i, nd = 0, nf = 0;
	const struct ev *dv[8], *fv[8];
	uint32_t ds[8], fs[8];
	int local = inbound;
	struct xrow r = { "10.0.0.21", "EX01.corp.example.org", "", "EX01",
	    "", "", "", "", 1, "", "", 0, "", "", 0 };

	xc_new_message();
	r.subject = cx.subject;
	new_sender(!inbound);
	/* receipt, agents, routing: noise rows */
	if (inbound)
		xc_noise_row("SMTP", "RECEIVE", "08DE2F4C1A10B2C3;250 2.6.0 "
		    "Queued mail for delivery", "", 1);
	else
		xc_noise_row("STOREDRIVER", "RECEIVE", "", "", 1);
	xc_noise_row("AGENT", "AGENTINFO", "Transport Rule Agent", "", 1);
	if (chance(60))
		xc_noise_row("ROUTING", "RESOLVE", "", NULL, local);
	if (!inbound && chance(50))
		xc_noise_row("SMTP", "HAREDIRECT", "", NULL, local);
	if (chance(3))	/* a trap: carries a code, is no event */
		xc_noise_row("SMTP", "HAREDIRECTFAIL", "451 4.4.0 Primary target "
		    "IP address responded with: shadow redundancy not "
		    "available", NULL, local);

	for (i = 0; i < n; i++) {
		uint32_t seed = xc_distinct_seed(local, i);
		unsigned x = rnd(1000);
		int kind = x < (inbound ? 960u : 860u) ? K_DELIVERED :
		    x < 930 ? K_DEFERRED : K_BOUNCED;

		set_rcpt_seed(seed, local);
		if (kind == K_DEFERRED) {
			const struct ev *e = table_pick(&xc_t, K_DEFERRED,
			    local ? F_ANY : cur_fam());
			struct xrow d = r;

			d.source = "SMTP";
			d.event = "DEFER";
			d.connector = "Outbound to Internet";
			xc_event_row(&d, &e, &seed, 1, local, 0);
			retry_push(e, xc_ev, seed, local, 1);
			continue;
		}
		if (kind == K_DELIVERED) {
			dv[nd] = table_pick(&xc_t, K_DELIVERED, local ? F_LOCAL :
			    cur_fam());
			ds[nd++] = seed;
		} else {
			fv[nf] = table_pick(&xc_t, K_BOUNCED, local ? F_LOCAL :
			    cur_fam());
			fs[nf++] = seed;
		}
	}
	if (nd) {
		struct xrow d = r;

		if (inbound) {
			d.source = "STOREDRIVER";
			d.event = "DELIVER";
			xc_event_row(&d, dv, ds, nd, local, 0);
		} else {	/* one SEND row per recipient: per-domain hops */
			for (i = 0; i < nd; i++) {
				set_rcpt_seed(ds[i], 0);
				d.source = "SMTP";
				d.event = strncmp(dv[i]->text, "250 2.6.0", 9) ?
				    "SENDEXTERNAL" : "SEND";
				d.sip = cx.dom ? cx.dom->ip : "";
				d.shost = cx.dom ? cx.dom->mx : "";
				d.connector = "Outbound to Internet";
				xc_event_row(&d, &dv[i], &ds[i], 1, 0, 0);
			}
		}
	}
	if (nf) {
		struct xrow d = r;

		d.source = inbound ? "ROUTING" : "SMTP";
		d.event = "FAIL";
		xc_event_row(&d, fv, fs, nf, local, 0);
		d.event = "DSN";
		d.source = "DSN";
		d.dsn = 1;
		d.rcpts = cx.from;
		d.status = "";
		d.rcount = 0;
		{
			char ref[96];
			char saved[80];

			snprintf(ref, sizeof(ref), "<%s>", cx.msgid);
			snprintf(saved, sizeof(saved), "%s", cx.msgid);
			d.reference = ref;
			snprintf(cx.msgid, sizeof(cx.msgid), "dsn-%.70s", saved);
			xc_row(&d);
			snprintf(cx.msgid, sizeof(cx.msgid), "%s", saved);
		}
	}
}

static void
xc_retry(void)
{
	struct retry r = retry_pop();
	int kind = retry_outcome(&r);
	const struct ev *e;
	struct xrow d = { "10.0.0.21", "EX01.corp.example.org", "", "EX01",
	    "", "Outbound to Internet", "SMTP", "", 1, "", "", 0, "",
	    PICK(subjects), 0 };

	retry_ctx(&r);
	snprintf(cx.msgid, sizeof(cx.msgid), "%016llx@EX01.corp.example.org",
	    (unsigned long long)mix(cx.msg));
	if (kind == K_DEFERRED)
		e = &xc_ev[r.tmpl];
	else
		e = table_pick(&xc_t, kind, r.local ? (kind == K_DELIVERED ?
		    F_LOCAL : F_ANY) : cur_fam());
	d.event = kind == K_DEFERRED ? "DEFER" : kind == K_DELIVERED ?
	    "SENDEXTERNAL" : "FAIL";
	if (kind == K_EXPIRED)
		d.source = "QUEUE";
	if (kind == K_DELIVERED && r.local)
		d.source = "STOREDRIVER", d.event = "DELIVER";
	xc_event_row(&d, &e, &r.rseed, 1, r.local, r.defers);
	if (kind == K_DEFERRED)
		retry_push(e, xc_ev, r.rseed, r.local, r.attempts + 1);
}

static void
xc_noise_one(void)
{
	xc_new_message();
	new_sender(1);
	switch (rnd(5)) {
	case 0:
		xc_noise_row("STOREDRIVER", "NOTIFYMAPI", "MDB:61914740-3f1b-4ddb"
		    "-94e0-557196870cfa, Mailbox:279f077c-216f-4323-a9ee-"
		    "48e50ffd3cad, Event:269492708, MessageClass:IPM.Note, "
		    "ClientType:MOMT", "", 1);
		break;
	case 1:
		xc_noise_row("STOREDRIVER", "SUBMIT", "MDB:61914740-3f1b-4ddb-"
		    "94e0-557196870cfa, Mailbox:279f077c-216f-4323-a9ee-"
		    "48e50ffd3cad, Event:269492709, MessageClass:IPM.Note",
		    NULL, 1);
		break;
	case 2:
		xc_noise_row("SMTP", "HARECEIVE", "", NULL, 1);
		break;
	case 3:
		xc_noise_row("AGENT", "AGENTINFO", "Content Filter Agent", "",
		    1);
		break;
	default:
		xc_noise_row("ROUTING", "EXPAND", "", NULL, 1);
		break;
	}
}

static void
xc_event_scenario(void)
{
	if (retry_due()) {
		xc_retry();
		return;
	}
	xc_message(chance(50));
}

/* ---- main ------------------------------------------------------------ */

static void
usage(void)
{
	fprintf(stderr, "usage: gen -f postfix-classic|postfix-rfc3339|exim|"
	    "exchange -m MIB [-s SEED] [-r PCT] [-o LOG] -e EXPECT\n"
	    "       gen -f postfix-classic|postfix-rfc3339 -u N|-i N [-s SEED] "
	    "[-r PCT] [-o LOG] -e EXPECT\n"
	    "  -m MIB  write at least MIB MiB (up to the end of a scenario)\n"
	    "  -u N    instead of -m: N outbound messages, each with its own "
	    "queue id,\n"
	    "          sender and recipient domain (N distinct of each)\n"
	    "  -i N    as -u N, but each message is one deferral line and "
	    "is never\n"
	    "          retried: N recipients in flight when the log ends\n"
	    "  -s SEED generator seed (default 1; same seed, same bytes)\n"
	    "  -r PCT  share of event lines, percent (default 10)\n"
	    "  -o LOG  the log (default standard output)\n"
	    "  -e EXPECT  the counts bouncestat must report, as JSON\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *format = NULL, *outpath = NULL, *expect = NULL;
	unsigned mib = 0, pct = 10;
	uint64_t seed = 1, target;
	void (*event_fn)(void), (*noise_fn)(void);
	int i;

	for (i = 1; i < argc; i += 2) {	/* every option takes a value */
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			usage();
		if (strcmp(a, "-f") == 0)
			format = v;
		else if (strcmp(a, "-m") == 0)
			mib = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(a, "-s") == 0)
			seed = strtoull(v, NULL, 10);
		else if (strcmp(a, "-r") == 0)
			pct = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(a, "-o") == 0)
			outpath = v;
		else if (strcmp(a, "-e") == 0)
			expect = v;
		else if (strcmp(a, "-u") == 0)
			uniq_want = strtoull(v, NULL, 10);
		else if (strcmp(a, "-i") == 0) {
			uniq_want = strtoull(v, NULL, 10);
			uniq_inflight = 1;
		}
		else
			usage();
	}
	if (format == NULL || expect == NULL || (mib == 0) == (uniq_want == 0)
	    || uniq_want >= (1ULL << 36) || pct == 0 || pct > 100)
		usage();
	if (strcmp(format, "postfix-classic") == 0 ||
	    strcmp(format, "postfix-rfc3339") == 0) {
		rfc3339 = format[8] == 'r';
		event_fn = uniq_want ? pf_unique : pf_event_scenario;
		noise_fn = pf_noise_one;
	} else if (uniq_want) {
		fprintf(stderr, "gen: -u: Postfix formats only\n");
		usage();
	} else if (strcmp(format, "exim") == 0) {
		event_fn = ex_event_scenario;
		noise_fn = ex_noise_one;
	} else if (strcmp(format, "exchange") == 0) {
		event_fn = xc_event_scenario;
		noise_fn = xc_noise_one;
		crlf = 1;
	} else
		usage();

	out = stdout;
	if (outpath && (out = fopen(outpath, "wb")) == NULL) {
		fprintf(stderr, "gen: %s: %s\n", outpath, strerror(errno));
		return 1;
	}
	rseed(seed);
	table_init(&pf_t, pf_ev, NELEM(pf_ev));
	table_init(&pfr_t, pf_rej, NELEM(pf_rej));
	table_init(&ex_t, ex_ev, NELEM(ex_ev));
	table_init(&exr_t, ex_rej, NELEM(ex_rej));
	table_init(&xc_t, xc_ev, NELEM(xc_ev));

	/* 2026-11-28 00:00:00 UTC, plus a seed-dependent offset. */
	now_us = (1795824000ULL + seed % 3600) * 1000000ULL;
	target = (uint64_t)mib << 20;
	if (crlf)
		xc_header();
	while (uniq_want ? uniq_done < uniq_want : flushed + olen < target) {
		if (nevents * 100 >= (uint64_t)pct * nlines)
			noise_fn();
		else
			event_fn();
		if (olen > OBUF_HIGH)
			oflush();
	}
	oflush();
	if (out != stdout ? fclose(out) != 0 : fflush(out) != 0) {
		perror("gen: write");
		return 1;
	}
	/* Recipients still in the retry queue are still deferred. */
	while (rq_n > 0)
		oc_still(retry_pop().defers);
	write_expect(expect, format, seed, mib, pct, uniq_want);
	return 0;
}
