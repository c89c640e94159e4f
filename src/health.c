/*
 * health.c - the server's own trouble, grouped and counted (health.h).
 *
 * A group's key in the summary is one byte of severity, one byte of
 * program length, the program and the normalised text, so that the same
 * text from two programs, or as a warning and as a fatal error, are two
 * groups.  The class of a group (bs_health_class) is read from its text
 * when the report is made, not per line.
 *
 * Hot: a busy server writes the same warning many times (a TLS library
 * problem thousands of times over, word for word), so the key of each raw
 * text is remembered in a small two-way cache of BS_HEALTH_CACHE
 * records; a line whose raw text, severity and program are in it is
 * counted without being normalised again.  A cache entry is compared
 * whole, never trusted by its hash alone.  What it remembers (raw text to
 * key) holds for every summary, so there is one cache per thread, kept
 * from one piece of a split file to the next (jobs.c: a worker reads many
 * pieces, each with its own summary) and freed when the thread ends;
 * the slot it also remembers is checked against the summary at hand.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "hash.h"
#include "health.h"
#include "normalize.h"
#include "topk.h"

_Static_assert(2 + BS_HEALTH_PROGRAM_MAX + BS_HEALTH_TEXT_MAX <=
	BS_TOPK_KEY_MAX,
    "a health group must fit a topk key");

/*
 * A raw text (with its severity and program) and the key it gave, in one
 * record of BS_HEALTH_CACHE_RECORD bytes: the header, then the raw bytes
 * and the key's.  A hit reads one record and nothing else, so the cache's
 * cost is the cache lines of one record, not pointers into the heap.
 */
struct cached {
	uint64_t hash;
	uint16_t rawlen, keylen; /* rawlen 0: empty entry */
	int32_t slot; /* the key's slot in the summary when last counted */
	char buf[BS_HEALTH_CACHE_RECORD - 16];
};
_Static_assert(sizeof(struct cached) == BS_HEALTH_CACHE_RECORD,
    "a record is BS_HEALTH_CACHE_RECORD bytes");
_Static_assert(BS_HEALTH_CACHE_RECORD - 16 < 65536, "lengths fit 16 bits");

struct bs_health {
	size_t cap;
	struct bs_topk *t;
	uint64_t severity[BS_SEV_COUNT];
	uint64_t other; /* lines of groups evicted or not kept */
	struct bs_health_group *groups;
	struct bs_health_report r;
};

static const char *const severity_names[BS_SEV_COUNT] = {
	[BS_SEV_WARNING] = "warning",
	[BS_SEV_ERROR] = "error",
	[BS_SEV_FATAL] = "fatal",
	[BS_SEV_PANIC] = "panic",
};

const char *
bs_severity_name(enum bs_severity s)
{
	return (unsigned)s < BS_SEV_COUNT ? severity_names[s] : "warning";
}

struct bs_health *
bs_health_new(size_t groups)
{
	struct bs_health *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->cap = groups;
	if ((h->t = bs_topk_new(groups)) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
bs_health_free(struct bs_health *h)
{
	if (h == NULL)
		return;
	bs_topk_free(h->t);
	free(h->groups);
	free(h);
}

/*
 * Two records a set; last[set] names the one used last, so that a new
 * text replaces the other without any record being moved.
 */
enum { WAYS = 2 };
_Static_assert(WAYS == 2, "last[] names one of two records");
_Static_assert(BS_HEALTH_CACHE % WAYS == 0, "whole sets");

struct cache {
	struct cached rec[BS_HEALTH_CACHE];
	unsigned char last[BS_HEALTH_CACHE / WAYS];
};

/* This thread's cache (see the top of the file), made for its first text. */
static _Thread_local struct cache *thread_cache;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static bool cache_keyed;

static void
cache_free(void *p)
{
	free(p);
}

static void
cache_key_make(void)
{
	cache_keyed = pthread_key_create(&cache_key, cache_free) == 0;
}

/*
 * The cache, or NULL out of memory.  The key's destructor frees it when
 * the thread ends; the main thread's goes with the process.
 */
static struct cache *
get_cache(void)
{
	struct cache *c = thread_cache;

	if (c != NULL)
		return c;
	pthread_once(&cache_once, cache_key_make);
	if (!cache_keyed || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (pthread_setspecific(cache_key, c) != 0) {
		free(c);
		return NULL;
	}
	thread_cache = c;
	return c;
}

/*
 * Count the key k[0..n) count times, with err added to its bound; its
 * slot, or -1 when it has none (counted as other).
 */
static long
count_key(struct bs_health *h, const char *k, size_t n, uint64_t count,
    uint64_t err)
{
	enum bs_topk_found found;
	uint64_t old;
	long slot;

	slot = bs_topk_merge_key(h->t, k, n, count, err, &found, &old);
	if (slot < 0)
		h->other += count;
	else if (found == BS_TOPK_REPLACED)
		h->other += old;
	return slot;
}

/*
 * One more line of the key cached in c: at the slot it had, without
 * hashing the key again, while that slot still holds it (a summary past
 * its budget gives slots to other keys; a reset makes a new summary).
 */
static void
count_cached(struct bs_health *h, struct cached *c)
{
	const char *key = c->buf + c->rawlen;
	const char *k;
	size_t kl;

	if (c->slot >= 0 && (size_t)c->slot < bs_topk_size(h->t)) {
		k = bs_topk_key(h->t, (size_t)c->slot, &kl);
		if (kl == c->keylen && memcmp(k, key, kl) == 0) {
			bs_topk_add(h->t, (size_t)c->slot, 1);
			return;
		}
	}
	c->slot = (int32_t)count_key(h, key, c->keylen, 1, 0);
}

/*
 * Remember in record c (which fits them) that the raw key, key[0..kl)
 * (severity and program) then text[0..tl) as written, gave the key
 * key[0..keylen): the first kl bytes of both are the same.
 */
static void
remember(struct cached *c, uint64_t hash, const char *key, size_t kl,
    const char *text, size_t tl, size_t keylen)
{
	memcpy(c->buf, key, kl);
	if (tl > 0)
		memcpy(c->buf + kl, text, tl);
	memcpy(c->buf + kl + tl, key, keylen);
	c->hash = hash;
	c->rawlen = (uint16_t)(kl + tl);
	c->keylen = (uint16_t)keylen;
	c->slot = -1;
}

bs_status
bs_health_add(struct bs_health *h, const struct bs_event *ev)
{
	char key[2 + BS_HEALTH_PROGRAM_MAX + BS_HEALTH_TEXT_MAX];
	size_t pl = ev->program.len, n, tl, rl;
	enum bs_severity sev = ev->severity;
	struct cache *cache;
	struct cached *c;
	uint64_t hash;
	size_t set;
	int w;

	if ((unsigned)sev >= BS_SEV_COUNT)
		sev = BS_SEV_WARNING;
	h->severity[sev]++;
	if (ev->program.ptr == NULL)
		pl = 0;
	if (pl > BS_HEALTH_PROGRAM_MAX)
		pl = BS_HEALTH_PROGRAM_MAX;
	key[0] = (char)('0' + sev);
	key[1] = (char)pl;
	if (pl > 0)
		memcpy(key + 2, ev->program.ptr, pl);
	tl = ev->reply != NULL ? ev->reply_len : 0;
	/* A text is normalised from at most four times what is kept. */
	if (tl > 4 * BS_HEALTH_TEXT_MAX)
		tl = 4 * BS_HEALTH_TEXT_MAX;
	cache = get_cache();
	if (tl > BS_HEALTH_RAW_MAX || cache == NULL) {
		/* Too long to remember (or no memory): normalised each time. */
		n = bs_normalize_hosts(ev->reply, tl, key + 2 + pl,
		    BS_HEALTH_TEXT_MAX);
		count_key(h, key, 2 + pl + n, 1, 0);
		return BS_OK;
	}
	/*
	 * The raw key is the key's first 2 + pl bytes and the text as
	 * written: hashed and compared in its two parts, never copied
	 * together but into the record that remembers it.
	 */
	rl = 2 + pl + tl;
	hash = bs_hash_bytes(key, 2 + pl) ^ bs_hash_wide(ev->reply, tl);
	set = (size_t)hash & (BS_HEALTH_CACHE / WAYS - 1);
	c = &cache->rec[set * WAYS];
	for (w = 0; w < WAYS; w++)
		if (c[w].hash == hash && c[w].rawlen == rl &&
		    memcmp(c[w].buf, key, 2 + pl) == 0 &&
		    (tl == 0 ||
			memcmp(c[w].buf + 2 + pl, ev->reply, tl) == 0)) {
			cache->last[set] = (unsigned char)w;
			count_cached(h, &c[w]);
			return BS_OK;
		}
	n = tl > 0 ? bs_normalize_hosts(ev->reply, tl, key + 2 + pl,
			 BS_HEALTH_TEXT_MAX) :
		     0;
	if (rl + 2 + pl + n > sizeof(c->buf)) {
		/* Raw text and key too long for a record together. */
		count_key(h, key, 2 + pl + n, 1, 0);
		return BS_OK;
	}
	/* The new text replaces the one not used last. */
	w = !cache->last[set];
	cache->last[set] = (unsigned char)w;
	remember(&c[w], hash, key, 2 + pl, ev->reply, tl, 2 + pl + n);
	count_cached(h, &c[w]);
	return BS_OK;
}

bs_status
bs_health_merge(struct bs_health *dst, const struct bs_health *src)
{
	const struct bs_topk *t = src->t;
	uint64_t u = bs_topk_unlisted(dst->t) + bs_topk_unlisted(t);
	size_t k;
	int s;

	if (bs_topk_estimated(t))
		bs_topk_add_error(dst->t, bs_topk_unlisted(t));
	for (k = 0; k < bs_topk_size(t); k++) {
		size_t len;
		const char *key = bs_topk_key(t, k, &len);

		count_key(dst, key, len, bs_topk_count(t, k),
		    bs_topk_error(t, k));
	}
	dst->other += src->other;
	bs_topk_raise_unlisted(dst->t, u);
	for (s = 0; s < BS_SEV_COUNT; s++)
		dst->severity[s] += src->severity[s];
	return BS_OK;
}

void
bs_health_reset(struct bs_health *h)
{
	struct bs_topk *t = bs_topk_new(h->cap);

	/* Out of memory, the old summary goes on (its counts stay). */
	if (t != NULL) {
		bs_topk_free(h->t);
		h->t = t;
		memset(h->severity, 0, sizeof(h->severity));
		h->other = 0;
	}
}

static int
cmp_group(const void *pa, const void *pb)
{
	const struct bs_health_group *a = pa, *b = pb;
	size_t n;
	int c;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	n = a->program_len < b->program_len ? a->program_len : b->program_len;
	if ((c = memcmp(a->program, b->program, n)) != 0)
		return c;
	if (a->program_len != b->program_len)
		return a->program_len < b->program_len ? -1 : 1;
	n = a->text_len < b->text_len ? a->text_len : b->text_len;
	if ((c = memcmp(a->text, b->text, n)) != 0)
		return c;
	return a->text_len < b->text_len ? -1 :
	    a->text_len > b->text_len	 ? 1 :
					   0;
}

const struct bs_health_report *
bs_health_results(struct bs_health *h)
{
	size_t k, n = bs_topk_size(h->t);
	struct bs_health_group *g =
	    realloc(h->groups, (n ? n : 1) * sizeof(*g));
	struct bs_health_report *r = &h->r;
	int s;

	if (g == NULL)
		return NULL;
	h->groups = g;
	memset(r, 0, sizeof(*r));
	r->bound = bs_topk_unlisted(h->t);
	for (k = 0; k < n; k++) {
		size_t len;
		const char *key = bs_topk_key(h->t, k, &len);
		struct bs_health_group *x = &g[r->ngroups];
		size_t pl = (unsigned char)key[1];

		/* A group whose slot was taken, with no line since. */
		if (bs_topk_count(h->t, k) == 0)
			continue;
		x->severity = (enum bs_severity)(key[0] - '0');
		x->program = key + 2;
		x->program_len = pl;
		x->text = key + 2 + pl;
		x->text_len = len - 2 - pl;
		x->class = bs_health_class(x->text, x->text_len, NULL);
		x->count = bs_topk_count(h->t, k);
		x->error = bs_topk_error(h->t, k);
		if (x->error > r->bound)
			r->bound = x->error;
		r->ngroups++;
	}
	qsort(g, r->ngroups, sizeof(*g), cmp_group);
	r->groups = g;
	r->estimated = bs_topk_estimated(h->t);
	r->other = h->other;
	for (s = 0; s < BS_SEV_COUNT; s++) {
		r->severity[s] = h->severity[s];
		r->lines += h->severity[s];
	}
	if (!r->estimated)
		r->bound = 0;
	return r;
}

/* ---- classes ---------------------------------------------------------- */

/*
 * The kinds of trouble an operator acts on, each recognised by words of
 * its text (compared without regard to case), first match wins: a full
 * disk shows up as a failed queue file write too, and is named for its
 * cause.  The advice is a few words of where to look.
 */
static const struct {
	const char *name;
	const char *words[8];
	const char *advice;
} classes[] = {
	{ "disk-full",
	    { "no space left on device", "not enough free space",
		"disk quota exceeded", NULL },
	    "the disk holding the mail queue is full: free space, check "
	    "queue_minfree and message_size_limit" },
	{ "memory",
	    { "out of memory", "cannot allocate memory", "unallocated memory",
		"myfree", "mymalloc", "myrealloc", NULL },
	    "a program ran out of memory or found its memory corrupted: "
	    "check the process limits and the memory free; a panic that "
	    "comes back is a bug to report with the version" },
	/*
	 * Before lookup-table: Exim's "failed to open DB file" is always one
	 * of its hints databases (retry, wait-TRANSPORT, callout, misc,
	 * ratelimit), never a lookup.
	 */
	{ "hints-db",
	    { "failed to open db file", "retry.lockfile", "/db/retry",
		"/db/wait-", "/db/callout", "/db/misc", "/db/ratelimit", NULL },
	    "Exim cannot open or lock a hints database (db/ in its spool "
	    "directory): check that the directory and its files belong to "
	    "the Exim user; a damaged one may be deleted, Exim makes it "
	    "anew" },
	{ "queue-file",
	    { "queue file", "mail_queue_enter", "qmgr_active_corrupt",
		"spool file", "corrupt", NULL },
	    "a queue file could not be written or read: check the queue "
	    "directory's file system and permissions (postfix check)" },
	{ "dnsbl",
	    { "rbl lookup error", "dnsblog", "dnsbl", "dnslists", "dns lookup",
		NULL },
	    "DNS blocklist queries fail or time out: check the resolver and "
	    "that the list still answers it (many refuse public resolvers)" },
	{ "lookup-table",
	    { "is unavailable", "lookup error for", "lookup of ",
		"open database", "dictionary type", "is older than source file",
		"table lookup problem", NULL },
	    "a lookup table failed: check that it exists and was rebuilt "
	    "(postmap, newaliases), or that its database server answers" },
	{ "content-filter",
	    { "connect to transport", "milter", "problem talking to server",
		"lmtp", "amavis",
		"connection "
		"refused",
		"content filter", NULL },
	    "a local content filter, milter, policy or LMTP service refused "
	    "or dropped the connection: check that it runs and listens "
	    "where master.cf and main.cf say" },
	{ "process",
	    { "exit status", "killed by signal", "bad command startup",
		"throttling", NULL },
	    "a Postfix program died: its fatal or panic line, just before, "
	    "says why" },
	{ "tls", { "tls library problem", "ssl", "certificate", "tls ", NULL },
	    "TLS trouble: check the certificate and key files, their chain and "
	    "expiry; clients that drop the handshake are common and harmless" },
	{ "sasl", { "sasl", "authentication failed", NULL },
	    "failed logins, mostly password guessing: consider fail2ban or "
	    "postscreen, and check the SASL service if real users fail" },
	{ "client-dns",
	    { "does not resolve to address", "name or service not known",
		NULL },
	    "clients whose reverse DNS does not match: their setup, not "
	    "this server's, unless the name is one of yours" },
	{ "rate-limit", { "rate limit exceeded", "limit exceeded", NULL },
	    "clients over anvil's connection or message rate limits" },
	{ "config",
	    { "main.cf", "master.cf", "unknown service", "configuration",
		"unsupported", "ignoring", "failed to expand", NULL },
	    "the configuration has an error: postconf -n and postfix check "
	    "name it (exim -bV for Exim's)" },
};

/* Whether s[0..n) holds the lower-case word w, ignoring case. */
static bool
holds(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w), i, k;

	for (i = 0; i + wl <= n; i++) {
		for (k = 0; k < wl; k++) {
			char c = s[i + k];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c + ('a' - 'A'));
			if (c != w[k])
				break;
		}
		if (k == wl)
			return true;
	}
	return false;
}

const char *
bs_health_class(const char *text, size_t len, const char **advice)
{
	size_t c, w;

	for (c = 0; c < sizeof(classes) / sizeof(classes[0]); c++)
		for (w = 0; w < 8 && classes[c].words[w] != NULL; w++)
			if (holds(text, len, classes[c].words[w])) {
				if (advice != NULL)
					*advice = classes[c].advice;
				return classes[c].name;
			}
	if (advice != NULL)
		*advice = NULL;
	return NULL;
}

/* ---- the readers' side ------------------------------------------------ */

int
bs_health_severity_at(const char *s, size_t n, size_t *len)
{
	static const struct {
		const char *w;
		size_t len;
		enum bs_severity sev;
	} words[] = {
		{ "warning: ", 9, BS_SEV_WARNING },
		{ "error: ", 7, BS_SEV_ERROR },
		{ "fatal: ", 7, BS_SEV_FATAL },
		{ "panic: ", 7, BS_SEV_PANIC },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (n >= words[i].len && s[0] == words[i].w[0] &&
		    memcmp(s, words[i].w, words[i].len) == 0) {
			*len = words[i].len;
			return (int)words[i].sev;
		}
	return -1;
}

static bool
name_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	    c == '/';
}

/* The program s[i..e), cut to BS_HEALTH_PROGRAM_MAX. */
static struct bs_text
program_text(const char *s, size_t i, size_t e)
{
	return (struct bs_text){ s + i,
		e - i < BS_HEALTH_PROGRAM_MAX ? e - i : BS_HEALTH_PROGRAM_MAX };
}

/* The last path part of the name s[b..e). */
static struct bs_text
last_part(const char *s, size_t b, size_t e)
{
	size_t i;

	for (i = e; i > b && s[i - 1] != '/'; i--)
		;
	return program_text(s, i, e);
}

struct bs_text
bs_health_program_named(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word), i, b, e;

	for (i = n; i >= wl && memcmp(s + i - wl, word, wl) != 0; i--)
		;
	if (i < wl)
		return (struct bs_text){ NULL, 0 };
	for (b = i - wl; b > 0 && name_byte(s[b - 1]); b--)
		;
	for (e = i; e < n && name_byte(s[e]); e++)
		;
	return last_part(s, b, e);
}

struct bs_text
bs_health_program_at(const char *line, size_t word, size_t msg)
{
	size_t e, i = word;

	/*
	 * Hot: once per warning.  The reader took the word for a name: it
	 * ends at "[", ":" or " "; its last part starts after the last '/'.
	 */
	for (e = word; e < msg; e++) {
		char c = line[e];

		if (c == '[' || c == ':' || c == ' ' || c == '\t')
			break;
		if (c == '/')
			i = e + 1;
	}
	return program_text(line, i, e);
}

struct bs_text
bs_health_postfix_program(const char *line, size_t msg)
{
	size_t b, e = msg, i;

	/*
	 * Hot: once per warning.  Classic syslog writes "NAME[PID]: " (or
	 * "NAME: ") right before the message: read it backwards from there.
	 * Other dialects (RFC 5424's "NAME PID MSGID SD ") are looked for
	 * the slow way below.
	 */
	if (e >= 2 && line[e - 1] == ' ' && line[e - 2] == ':') {
		e -= 2;
		if (e > 0 && line[e - 1] == ']') {
			for (i = e - 1;
			     i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9';
			     i--)
				;
			if (i > 0 && line[i - 1] == '[')
				e = i - 1;
		}
		for (b = e; b > 0 && line[b - 1] != ' '; b--)
			;
		if (e - b >= 7 && memcmp(line + b, "postfix", 7) == 0)
			return last_part(line, b, e);
	}
	/* The last "postfix" of the prefix (a host may be "postfix1"). */
	return bs_health_program_named(line, msg, "postfix");
}
