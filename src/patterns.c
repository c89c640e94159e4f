/*
 * patterns.c - loading, compiling and matching patterns/NAME.pat.
 *
 * The grammar is described in patterns.h.  Every set is compiled once at
 * start-up, before any input is read, so a bad pattern stops the run with
 * the file, the line, the offset and PCRE2's own message.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bslimits.h"
#include "patterns.h"
#include "patterns_builtin.h"

struct pat {
	char *set;
	char *name;	/* a row's keyword */
	char *rx;	/* the regex (a row's fields) as written, joined */
	size_t rxlen;
	pcre2_code *re;	/* NULL for a row */
	char *origin;	/* rows only: the file, for diagnostics */
	uint64_t line;	/* rows only */
};

/* A value derived from the whole set (bs_patterns_derive). */
struct derived {
	bs_derive_fn make;
	void (*drop)(void *);
	void *value;
};

#define DERIVED_MAX 4

/* How the origin of a built-in set ends (bs_pattern_row.builtin). */
#define BUILTIN " (built in)"

struct bs_patterns {
	struct pat *v;
	size_t n, cap;
	pcre2_match_context *mctx;
	/*
	 * Derived values are made on first use, possibly by several reading
	 * threads at once: the lock makes the set's only mutable part safe.
	 */
	pthread_mutex_t lock;
	struct derived derived[DERIVED_MAX];
};

struct bs_patterns *
bs_patterns_new(void)
{
	struct bs_patterns *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->mctx = pcre2_match_context_create(NULL);
	if (p->mctx == NULL) {
		free(p);
		return NULL;
	}
	pcre2_set_match_limit(p->mctx, BS_MATCH_LIMIT);
	pcre2_set_depth_limit(p->mctx, BS_DEPTH_LIMIT);
	pcre2_set_heap_limit(p->mctx, BS_HEAP_LIMIT_KIB);
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

static void
free_pat(struct pat *pt)
{
	free(pt->set);
	free(pt->name);
	free(pt->rx);
	free(pt->origin);
	pcre2_code_free(pt->re);
}

void
bs_patterns_free(struct bs_patterns *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < DERIVED_MAX; i++)
		if (p->derived[i].value != NULL)
			p->derived[i].drop(p->derived[i].value);
	for (i = 0; i < p->n; i++)
		free_pat(&p->v[i]);
	free(p->v);
	pcre2_match_context_free(p->mctx);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* Drop every pattern of a set, so that a file replaces it whole. */
static void
drop_set(struct bs_patterns *p, const char *set)
{
	size_t i = 0, j = 0;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].set, set) == 0)
			free_pat(&p->v[i]);
		else
			p->v[j++] = p->v[i];
	}
	p->n = j;
}

/* The pattern SET/NAME, or NULL. */
static const struct pat *
find(const struct bs_patterns *p, const char *set, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].re != NULL && strcmp(p->v[i].set, set) == 0 &&
		    strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

/* Room for one more entry. */
static bool
grow(struct bs_patterns *p)
{
	size_t ncap;
	struct pat *nv;

	if (p->n < p->cap)
		return true;
	ncap = p->cap ? p->cap * 2 : 32;
	nv = realloc(p->v, ncap * sizeof(*nv));
	if (nv == NULL)
		return false;
	p->v = nv;
	p->cap = ncap;
	return true;
}

/* A table row "keyword: fields", kept as written for its module. */
static bs_status
add_row(struct bs_patterns *p, const char *set, const char *origin,
    uint64_t lineno, const char *keyword, const char *text, size_t len,
    struct bs_diag *d)
{
	struct pat *pt;

	if (!grow(p))
		return bs_diag_set(d, BS_ERR_NOMEM, origin, lineno,
		    "out of memory");
	pt = &p->v[p->n];
	memset(pt, 0, sizeof(*pt));
	pt->set = strdup(set);
	pt->name = strdup(keyword);
	pt->origin = strdup(origin);
	pt->rx = malloc(len + 1);
	pt->rxlen = len;
	pt->line = lineno;
	if (pt->set == NULL || pt->name == NULL || pt->origin == NULL ||
	    pt->rx == NULL) {
		free_pat(pt);
		return bs_diag_set(d, BS_ERR_NOMEM, origin, lineno,
		    "out of memory");
	}
	memcpy(pt->rx, text, len);
	pt->rx[len] = '\0';
	p->n++;
	return BS_OK;
}

static bs_status
add_pattern(struct bs_patterns *p, const char *set, const char *origin,
    uint64_t lineno, const char *name, const char *rx, size_t rxlen,
    struct bs_diag *d)
{
	pcre2_code *re;
	PCRE2_SIZE off;
	int err;

	if (find(p, set, name) != NULL)
		return bs_diag_set(d, BS_ERR_CONFIG, origin, lineno,
		    "pattern '%s' is defined twice", name);
	re = pcre2_compile((PCRE2_SPTR)rx, rxlen, 0, &err, &off, NULL);
	if (re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(err, msg, sizeof(msg));
		return bs_diag_set(d, BS_ERR_CONFIG, origin, lineno,
		    "pattern '%s' does not compile at offset %zu: %s", name,
		    (size_t)off, (const char *)msg);
	}
	/* The JIT is an accelerator: where it is unavailable, match anyway. */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	if (!grow(p)) {
		pcre2_code_free(re);
		return bs_diag_set(d, BS_ERR_NOMEM, origin, lineno,
		    "out of memory");
	}
	memset(&p->v[p->n], 0, sizeof(p->v[p->n]));
	p->v[p->n].set = strdup(set);
	p->v[p->n].name = strdup(name);
	p->v[p->n].rx = malloc(rxlen + 1);
	p->v[p->n].rxlen = rxlen;
	if (p->v[p->n].rx != NULL)
		memcpy(p->v[p->n].rx, rx, rxlen);
	p->v[p->n].re = re;
	if (p->v[p->n].set == NULL || p->v[p->n].name == NULL ||
	    p->v[p->n].rx == NULL) {
		free(p->v[p->n].set);
		free(p->v[p->n].name);
		free(p->v[p->n].rx);
		pcre2_code_free(re);
		return bs_diag_set(d, BS_ERR_NOMEM, origin, lineno,
		    "out of memory");
	}
	p->n++;
	return BS_OK;
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

bs_status
bs_patterns_add_text(struct bs_patterns *p, const char *set,
    const char *origin, const char *text, size_t len, struct bs_diag *d)
{
	char name[64] = "";
	char *rx = NULL;
	size_t rxlen = 0, pos = 0;
	uint64_t lineno = 0, start_line = 0;
	bool row = false;	/* what is being collected is a row */
	bs_status st = BS_OK;

	drop_set(p, set);
	rx = malloc(len + 1);
	if (rx == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, origin, 0, "out of memory");
	while (pos <= len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		size_t i = 0;

		pos += ll + 1;
		lineno++;
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll > 0 && (line[0] == ' ' || line[0] == '\t')) {
			while (i < ll && (line[i] == ' ' || line[i] == '\t'))
				i++;
			if (i == ll)
				continue;	/* white space only */
			if (name[0] == '\0') {
				st = bs_diag_set(d, BS_ERR_CONFIG, origin,
				    lineno, "continuation line without a "
				    "pattern before it");
				goto out;
			}
			memcpy(rx + rxlen, line + i, ll - i);
			rxlen += ll - i;
			continue;
		}
		/* Any other line ends the pattern being collected. */
		if (name[0] != '\0') {
			st = row ? add_row(p, set, origin, start_line, name,
			    rx, rxlen, d) : add_pattern(p, set, origin,
			    start_line, name, rx, rxlen, d);
			if (st != BS_OK)
				goto out;
			name[0] = '\0';
		}
		if (ll == 0 || line[0] == '#')
			continue;
		while (i < ll && is_name_char(line[i]))
			i++;
		if (i == 0 || i >= sizeof(name)) {
			st = bs_diag_set(d, BS_ERR_CONFIG, origin, lineno,
			    "expected 'name = regex'");
			goto out;
		}
		memcpy(name, line, i);
		name[i] = '\0';
		row = i < ll && line[i] == ':';
		while (i < ll && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (!row && (i >= ll || line[i] != '=')) {
			st = bs_diag_set(d, BS_ERR_CONFIG, origin, lineno,
			    "expected '=' after the pattern name '%s'", name);
			goto out;
		}
		i++;
		while (i < ll && (line[i] == ' ' || line[i] == '\t'))
			i++;
		rxlen = ll - i;
		memcpy(rx, line + i, rxlen);
		start_line = lineno;
	}
	if (name[0] != '\0')
		st = row ? add_row(p, set, origin, start_line, name, rx, rxlen,
		    d) : add_pattern(p, set, origin, start_line, name, rx,
		    rxlen, d);
out:
	free(rx);
	return st;
}

static bs_status
load_file(struct bs_patterns *p, const char *dir, const char *file,
    struct bs_diag *d)
{
	char path[4096], set[256];
	size_t flen = strlen(file);
	struct stat st;
	char *text;
	FILE *f;
	int fd;
	size_t got;
	bs_status rc;

	if (flen - 4 >= sizeof(set))
		return bs_diag_set(d, BS_ERR_CONFIG, file, 0,
		    "pattern file name too long");
	memcpy(set, file, flen - 4);
	set[flen - 4] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	/* O_NONBLOCK: a FIFO named *.pat must not hang the start-up. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return bs_diag_set(d, BS_ERR_CONFIG, path, 0,
		    "cannot open: %s", strerror(errno));
	f = fdopen(fd, "rb");
	if (f == NULL) {
		close(fd);
		return bs_diag_set(d, BS_ERR_CONFIG, path, 0,
		    "cannot open: %s", strerror(errno));
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > BS_PATTERN_FILE_MAX) {
		fclose(f);
		return bs_diag_set(d, BS_ERR_CONFIG, path, 0,
		    "not a regular file of at most %d bytes",
		    BS_PATTERN_FILE_MAX);
	}
	text = malloc((size_t)st.st_size + 1);
	if (text == NULL) {
		fclose(f);
		return bs_diag_set(d, BS_ERR_NOMEM, path, 0, "out of memory");
	}
	got = fread(text, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		rc = bs_diag_set(d, BS_ERR_CONFIG, path, 0, "read error");
	} else
		rc = bs_patterns_add_text(p, set, path, text, got, d);
	free(text);
	fclose(f);
	return rc;
}

bs_status
bs_patterns_load(const char *dir, struct bs_patterns **out,
    struct bs_diag *d)
{
	struct bs_patterns *p = bs_patterns_new();
	const struct bs_builtin_pattern *b;
	bs_status st = BS_OK;

	*out = NULL;
	if (p == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	for (b = bs_builtin_patterns; b->set != NULL; b++) {
		char origin[300];

		snprintf(origin, sizeof(origin), "patterns/%s.pat%s", b->set,
		    BUILTIN);
		st = bs_patterns_add_text(p, b->set, origin, b->text, b->len,
		    d);
		if (st != BS_OK)
			goto fail;
	}
	if (dir != NULL) {
		DIR *dh = opendir(dir);
		struct dirent *de;
		int found = 0;

		if (dh == NULL) {
			st = bs_diag_set(d, BS_ERR_CONFIG, dir, 0,
			    "cannot open pattern folder: %s", strerror(errno));
			goto fail;
		}
		while ((de = readdir(dh)) != NULL) {
			size_t l = strlen(de->d_name);

			if (l <= 4 || strcmp(de->d_name + l - 4, ".pat") != 0)
				continue;
			found++;
			st = load_file(p, dir, de->d_name, d);
			if (st != BS_OK)
				break;
		}
		closedir(dh);
		if (st != BS_OK)
			goto fail;
		if (found == 0) {
			st = bs_diag_set(d, BS_ERR_CONFIG, dir, 0,
			    "no *.pat files in the pattern folder");
			goto fail;
		}
	}
	*out = p;
	return BS_OK;
fail:
	bs_patterns_free(p);
	return st;
}

bs_status
bs_patterns_get(const struct bs_patterns *p, const char *set,
    const char *name, const pcre2_code **out, struct bs_diag *d)
{
	const struct pat *pt = find(p, set, name);

	*out = pt != NULL ? pt->re : NULL;
	if (pt != NULL)
		return BS_OK;
	return bs_diag_set(d, BS_ERR_CONFIG, "", 0,
	    "pattern set '%s' has no pattern '%s'", set, name);
}

bool
bs_patterns_is(const struct bs_patterns *p, const char *set,
    const char *name, const char *rx)
{
	const struct pat *pt = find(p, set, name);

	return pt != NULL && pt->rxlen == strlen(rx) &&
	    memcmp(pt->rx, rx, pt->rxlen) == 0;
}

bs_status
bs_patterns_group(const pcre2_code *re, const char *set, const char *pattern,
    const char *group, int *out, struct bs_diag *d)
{
	int n = pcre2_substring_number_from_name(re, (PCRE2_SPTR)group);

	if (n <= 0) {
		*out = -1;
		return bs_diag_set(d, BS_ERR_CONFIG, "", 0,
		    "pattern '%s' of set '%s' has no group (?<%s>...)",
		    pattern, set, group);
	}
	*out = n;
	return BS_OK;
}

/* Hot: every candidate line goes through here. */
int
bs_match(const struct bs_patterns *p, const pcre2_code *re, const char *s,
    size_t n, size_t start, pcre2_match_data *md)
{
	/*
	 * Straight into the JIT code, past pcre2_match's checks of its
	 * arguments (ours are always sane); a pattern the JIT could not
	 * compile says so, and takes the interpreter.
	 */
	int rc = pcre2_jit_match(re, (PCRE2_SPTR)s, n, start, 0, md, p->mctx);

	if (rc == PCRE2_ERROR_JIT_BADOPTION)
		rc = pcre2_match(re, (PCRE2_SPTR)s, n, start, 0, md, p->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == 0)
		return 1;	/* more groups than the match data holds */
	return rc;
}

static void
fill_row(const struct pat *pt, struct bs_pattern_row *out)
{
	size_t n;

	out->keyword = pt->name;
	out->text = pt->rx;
	out->len = pt->rxlen;
	out->origin = pt->origin;
	out->line = pt->line;
	n = strlen(out->origin);
	out->builtin = n >= sizeof(BUILTIN) - 1 &&
	    strcmp(out->origin + n - (sizeof(BUILTIN) - 1), BUILTIN) == 0;
}

size_t
bs_patterns_rows(const struct bs_patterns *p, const char *set,
    struct bs_pattern_row *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].re != NULL || strcmp(p->v[i].set, set) != 0)
			continue;
		if (n < max)
			fill_row(&p->v[i], &out[n]);
		n++;
	}
	return n;
}

bool
bs_patterns_row(const struct bs_patterns *p, const char *set, size_t idx,
    struct bs_pattern_row *out)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->v[i].re != NULL || strcmp(p->v[i].set, set) != 0)
			continue;
		if (idx-- > 0)
			continue;
		fill_row(&p->v[i], out);
		return true;
	}
	return false;
}

void *
bs_patterns_derive(const struct bs_patterns *cp, bs_derive_fn make,
    void (*drop)(void *), struct bs_diag *d)
{
	/* The lock and the derived slots are the set's mutable part. */
	struct bs_patterns *p = (struct bs_patterns *)cp;
	void *v = NULL;
	size_t i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < DERIVED_MAX && p->derived[i].make != NULL; i++)
		if (p->derived[i].make == make) {
			v = p->derived[i].value;
			goto out;
		}
	if (i == DERIVED_MAX) {
		bs_diag_set(d, BS_ERR_CONFIG, "", 0,
		    "too many values derived from one pattern set");
		goto out;
	}
	v = make(cp, d);
	if (v != NULL) {
		p->derived[i].make = make;
		p->derived[i].drop = drop;
		p->derived[i].value = v;
	}
out:
	pthread_mutex_unlock(&p->lock);
	return v;
}
