/*
 * reasons_lit.c - the literal prefilter of the reason texts.
 *
 * reasons_lit.h says what it answers.  Here: a reader of the PCRE2
 * syntax that reasons.pat's texts use, which computes for each regex
 * node either the exact set of strings it matches or a set of strings
 * one of which every match contains (the prefilter of RE2 and of
 * Google Code Search, kept small: at most SET_MAX strings of at most
 * LIT_MAX bytes); and the scan, which looks every literal up through a
 * three-byte window of it in a 64 Kibit bitmap, then compares the whole
 * literal where the window hashes to a set bit.
 *
 * Soundness is what matters: a text that can match must never be
 * reported as certainly not matching.  Anything the reader does not
 * know therefore turns the text into one that PCRE2 decides always.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reasons_lit.h"

#define SET_MAX 32	/* strings in a set before it is given up */
#define LIT_MAX 80	/* bytes of one string */
#define LIT_MIN 3	/* the scan's window: shorter literals cannot be found */
#define CLASS_MAX 4	/* a class of at most this many letters is a set */
#define DEPTH_MAX 8	/* nested groups read */

/* Conditions on where a string sits (PCRE2's \b, ^ and $). */
enum {
	F_WB_BEFORE = 1u << 0,	/* a word boundary at its start */
	F_WB_AFTER = 1u << 1,	/* a word boundary at its end */
	F_START = 1u << 2,	/* it starts the subject */
	F_END = 1u << 3,	/* it ends the subject (or precedes a final \n) */
	F_EXACT = 1u << 4,	/* the scan: finding it decides the text */
	F_COMPARE = 1u << 5,	/* the scan: compare it whole when found */
	F_FOUND = 1u << 6	/* the scan: reaching its state is enough */
};

struct str {
	unsigned char len, flags;
	unsigned char s[LIT_MAX];
};

/*
 * exact: the node matches exactly the strings of v (n == 0: nothing at
 * all).  Otherwise every match contains one of the strings of v (n == 0:
 * nothing is known).  assert: the node is a zero-width assertion.
 */
struct info {
	bool exact, assert;
	int n;
	struct str v[SET_MAX];
};

/* A top-level alternative of a text: the unit that PCRE2 decides. */
struct alt {
	uint32_t start, len;	/* its regex, in the text's */
	uint16_t text;
};

struct lit {
	uint32_t pos;		/* its bytes, in pool */
	uint32_t next;		/* the next literal ending at the same state */
	uint32_t same;		/* the next with the same bytes and conditions */
	uint16_t alt;
	uint16_t text;
	unsigned char len, flags;
};

#define NONE 0xffffffffu
#define DEPTH 32	/* bytes of a literal in the automaton */
#define CLASSES 32	/* byte classes: a row of the automaton */

struct bs_litset {
	struct lit *lits;
	size_t nlits, cap;
	struct alt *alts;
	size_t nalts, acap;
	uint16_t *always;	/* alternatives without a literal */
	size_t nalways, wcap;
	unsigned char *pool;	/* the literals' bytes, lower case */
	unsigned char *fold;	/* 0x20 where pool has a letter, else 0 */
	size_t plen, pcap, fcap;
	uint64_t known[BS_LIT_WORDS];	/* texts added */
	uint64_t always_texts[BS_LIT_WORDS];
	/*
	 * The automaton (Aho-Corasick, every transition filled in): the
	 * first DEPTH bytes of every literal, caseless.  delta holds, for
	 * state u and class c, the next state at [u * CLASSES + c], in 16
	 * bits: a row is one cache line, and the scan's chain of loads
	 * finds more of the rows it walks in the nearest cache.  States
	 * from first_out on are where literals
	 * end, or shorter ones as a suffix: outs[out_at[u - first_out]..]
	 * lists them all, up to a NONE.
	 */
	unsigned char cls[256];
	uint16_t *delta;
	uint32_t *out_at, *outs;
	uint32_t nstates, first_out;
};

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* PCRE2's word characters without UCP: ASCII letters, digits and _. */
static bool
is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* ------------------------------------------------------------------ */
/* Sets of strings.                                                    */

static void
set_eps(struct info *x, unsigned flags)
{
	x->exact = true;
	x->assert = false;
	x->n = 1;
	x->v[0].len = 0;
	x->v[0].flags = (unsigned char)flags;
}

static void
set_none(struct info *x)
{
	x->exact = false;
	x->assert = false;
	x->n = 0;
}

/* Copy only the strings in use: a set is large and mostly empty. */
static void
info_copy(struct info *d, const struct info *x)
{
	d->exact = x->exact;
	d->assert = x->assert;
	d->n = x->n;
	memcpy(d->v, x->v, (size_t)x->n * sizeof(x->v[0]));
}

static bool
str_eq(const struct str *a, const struct str *b)
{
	return a->len == b->len && a->flags == b->flags &&
	    memcmp(a->s, b->s, a->len) == 0;
}

/* Add s to x unless there; false when x is full. */
static bool
set_add(struct info *x, const struct str *s)
{
	int i;

	for (i = 0; i < x->n; i++)
		if (str_eq(&x->v[i], s))
			return true;
	if (x->n >= SET_MAX)
		return false;
	x->v[x->n++] = *s;
	return true;
}

/*
 * What every match of x contains: x itself when inexact; an exact set
 * stands as it is unless it holds the empty string (then nothing is
 * required).  An exact set that matches nothing stays so.
 */
static void
to_required(struct info *x)
{
	int i;

	if (!x->exact)
		return;
	if (x->n == 0)
		return;
	x->exact = false;
	for (i = 0; i < x->n; i++)
		if (x->v[i].len == 0) {
			x->n = 0;
			return;
		}
}

static bool
never(const struct info *x)
{
	return x->exact && x->n == 0;
}

/* How useful a requirement is: its shortest string, -1 when empty. */
static int
score(const struct info *x)
{
	int i, m = LIT_MAX + 1;

	if (x->n == 0)
		return -1;
	for (i = 0; i < x->n; i++)
		if (x->v[i].len < m)
			m = x->v[i].len;
	return m;
}

/* Keep in a the better of the requirements a and b. */
static void
keep_better(struct info *a, const struct info *b)
{
	int sa = score(a), sb = score(b);

	if (sb > sa || (sb == sa && sb >= 0 && b->n < a->n))
		info_copy(a, b);
}

/*
 * s followed by t into out; false when no subject can hold both (a word
 * boundary between two word characters, text after $ ...).
 */
static bool
str_cat(const struct str *s, const struct str *t, struct str *out)
{
	unsigned wb = (s->flags & F_WB_AFTER) | (t->flags & F_WB_BEFORE);

	if (s->len > 0 && t->len > 0) {
		if ((s->flags & F_END) || (t->flags & F_START))
			return false;
		if (wb != 0 && is_word(s->s[s->len - 1]) ==
		    is_word(t->s[0]))
			return false;
		out->flags = (unsigned char)((s->flags & (F_WB_BEFORE |
		    F_START)) | (t->flags & (F_WB_AFTER | F_END)));
	} else if (s->len == 0 && t->len == 0) {
		out->flags = (unsigned char)(s->flags | t->flags);
	} else if (s->len == 0) {
		if (s->flags & F_END)
			return false;
		out->flags = (unsigned char)(t->flags |
		    (wb || (s->flags & F_WB_BEFORE) ? F_WB_BEFORE : 0) |
		    (s->flags & F_START));
	} else {
		if (t->flags & F_START)
			return false;
		out->flags = (unsigned char)(s->flags |
		    (wb || (t->flags & F_WB_AFTER) ? F_WB_AFTER : 0) |
		    (t->flags & F_END));
	}
	memcpy(out->s, s->s, s->len);
	memcpy(out->s + s->len, t->s, t->len);
	out->len = (unsigned char)(s->len + t->len);
	return true;
}

/*
 * a followed by b, both exact, into a; false (a unchanged) when the
 * product has too many strings or too long ones.
 */
static bool
concat_exact(struct info *a, const struct info *b)
{
	struct info *r;
	int i, j, k;

	if (a->n * b->n > SET_MAX)
		return false;
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			if (a->v[i].len + b->v[j].len > LIT_MAX)
				return false;
	if (b->n == 1 && b->v[0].len == 1 && b->v[0].flags == 0) {
		/*
		 * The most common case, one more plain character: appended
		 * in place unless a string ends with a condition to check.
		 */
		unsigned char c = b->v[0].s[0];

		for (i = k = 0; i < a->n; i++) {
			struct str *t = &a->v[i];

			if (t->flags & F_END)
				continue;
			if ((t->flags & F_WB_AFTER) && t->len > 0) {
				if (is_word(t->s[t->len - 1]) == is_word(c))
					continue;
				t->flags &= (unsigned char)~F_WB_AFTER;
			} else if (t->flags & F_WB_AFTER) {
				t->flags = (unsigned char)((t->flags &
				    ~F_WB_AFTER) | F_WB_BEFORE);
			}
			t->s[t->len++] = c;
			if (k != i)
				a->v[k] = *t;
			k++;
		}
		a->n = k;
		a->assert = false;
		return true;
	}
	if (b->n == 1) {
		/* One more string: in place. */
		for (i = k = 0; i < a->n; i++) {
			struct str t;

			if (str_cat(&a->v[i], &b->v[0], &t))
				a->v[k++] = t;
		}
		a->n = k;
		a->assert = false;
		return true;
	}
	r = malloc(sizeof(*r));
	if (r == NULL)
		return false;
	r->exact = true;
	r->assert = false;
	r->n = 0;
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++) {
			struct str t;

			if (str_cat(&a->v[i], &b->v[j], &t))
				(void)set_add(r, &t);
		}
	info_copy(a, r);
	free(r);
	return true;
}

/* a or b, into a. */
static void
alternate(struct info *a, const struct info *b)
{
	int i, n0 = a->n;

	if (never(b))
		return;
	if (never(a)) {
		info_copy(a, b);
		return;
	}
	a->assert = false;
	if (a->exact && b->exact) {
		for (i = 0; i < b->n; i++)
			if (!set_add(a, &b->v[i]))
				break;
		if (i == b->n)
			return;
		a->n = n0;
	}
	to_required(a);
	if (a->n == 0)
		return;
	if (b->exact) {
		for (i = 0; i < b->n; i++)
			if (b->v[i].len == 0) {
				set_none(a);
				return;
			}
	}
	if (b->n == 0) {
		set_none(a);
		return;
	}
	for (i = 0; i < b->n; i++)
		if (!set_add(a, &b->v[i])) {
			set_none(a);
			return;
		}
}

/* x{min,max} (max < 0: unbounded); greedy or lazy, not possessive. */
static void
repeat(struct info *x, long min, long max, bool possessive)
{
	struct info *one;
	long i;

	if (min == 0) {
		if (max == 1 && x->exact && !possessive) {
			struct str e = { 0, 0, { 0 } };

			if (!set_add(x, &e))
				set_none(x);
			return;
		}
		set_none(x);
		return;
	}
	if (possessive || !x->exact || max != min || min > 4) {
		to_required(x);
		return;
	}
	if (min == 1)
		return;
	one = malloc(sizeof(*one));
	if (one == NULL) {
		set_none(x);
		return;
	}
	info_copy(one, x);
	for (i = 1; i < min; i++)
		if (!concat_exact(x, one)) {
			to_required(x);
			break;
		}
	free(one);
}

/* ------------------------------------------------------------------ */
/* The reader.                                                         */

struct reader {
	const unsigned char *p, *end;
	const char *error;	/* the joined pattern cannot hold the text */
	bool unknown;		/* a construct not read: PCRE2 decides */
	int depth;
};

static void parse_alt(struct reader *rd, struct info *out);

/* A class [...]; p is past the '['. */
static void
parse_class(struct reader *rd, struct info *x)
{
	unsigned char set[256] = { 0 };
	bool negated = false, wide = false;
	int c, prev = -1, count = 0;

	if (rd->p < rd->end && *rd->p == '^') {
		negated = true;
		rd->p++;
	}
	if (rd->p < rd->end && *rd->p == ']') {
		set[']'] = 1;
		prev = ']';
		rd->p++;
	}
	for (;;) {
		if (rd->p >= rd->end) {
			rd->unknown = true;
			return;
		}
		c = *rd->p++;
		if (c == ']')
			break;
		if (c == '[' && rd->p < rd->end && (*rd->p == ':' ||
		    *rd->p == '.' || *rd->p == '=')) {
			const unsigned char *q = rd->p + 1;

			while (q + 1 < rd->end && !(q[0] == rd->p[0] &&
			    q[1] == ']'))
				q++;
			if (q + 1 >= rd->end) {
				rd->unknown = true;
				return;
			}
			rd->p = q + 2;
			wide = true;
			prev = -1;
			continue;
		}
		if (c == '\\') {
			if (rd->p >= rd->end) {
				rd->unknown = true;
				return;
			}
			c = *rd->p++;
			if (is_word((unsigned char)c)) {
				/* \d, \x{..}, \p{..}: not a plain member. */
				if (rd->p < rd->end && *rd->p == '{') {
					while (rd->p < rd->end && *rd->p != '}')
						rd->p++;
					if (rd->p < rd->end)
						rd->p++;
				}
				wide = true;
				prev = -1;
				continue;
			}
		}
		if (c == '-' && prev >= 0 && rd->p < rd->end &&
		    *rd->p != ']') {
			int hi = *rd->p++;

			if (hi == '\\') {
				if (rd->p >= rd->end) {
					rd->unknown = true;
					return;
				}
				hi = *rd->p++;
				if (is_word((unsigned char)hi)) {
					wide = true;
					prev = -1;
					continue;
				}
			}
			if (hi < prev) {
				rd->unknown = true;
				return;
			}
			for (c = prev; c <= hi; c++)
				set[c] = 1;
			prev = -1;
			continue;
		}
		set[c] = 1;
		prev = c;
	}
	set_none(x);
	if (negated || wide)
		return;
	/* Caseless: a letter stands for both cases. */
	for (c = 'A'; c <= 'Z'; c++)
		if (set[c] || set[c + 32])
			set[c] = 0, set[c + 32] = 1;
	for (c = 0; c < 256; c++)
		count += set[c];
	if (count == 0 || count > CLASS_MAX)
		return;
	x->exact = true;
	for (c = 0; c < 256; c++)
		if (set[c]) {
			x->v[x->n].len = 1;
			x->v[x->n].flags = 0;
			x->v[x->n].s[0] = (unsigned char)c;
			x->n++;
		}
}

/* "(?" and what follows; p is past the '('. */
static void
parse_group(struct reader *rd, struct info *x)
{
	const unsigned char *p = rd->p;
	size_t left = (size_t)(rd->end - p);
	enum { PLAIN, ATOMIC, LOOK } what = PLAIN;

	if (left >= 1 && p[0] == '*') {
		rd->unknown = true;	/* (*VERB) */
		return;
	}
	if (left >= 1 && p[0] == '?') {
		if (left < 2) {
			rd->unknown = true;
			return;
		}
		switch (p[1]) {
		case ':':
		case '|':
			rd->p += 2;
			break;
		case '>':
			rd->p += 2;
			what = ATOMIC;
			break;
		case '=':
		case '!':
			rd->p += 2;
			what = LOOK;
			break;
		case '<':
			if (left >= 3 && (p[2] == '=' || p[2] == '!')) {
				rd->p += 3;
				what = LOOK;
				break;
			}
			rd->error = "named groups are not allowed in a text "
			    "(the texts are joined into one pattern)";
			return;
		case '#':
			while (rd->p < rd->end && *rd->p != ')')
				rd->p++;
			if (rd->p >= rd->end) {
				rd->unknown = true;
				return;
			}
			rd->p++;
			set_eps(x, 0);
			return;
		case 'P':
		case '\'':
			rd->error = "named groups are not allowed in a text "
			    "(the texts are joined into one pattern)";
			return;
		case 'C':
			rd->error = "callouts are not allowed in a text (the "
			    "joined pattern uses them)";
			return;
		case 'R':
		case '&':
		case '+':
		case '-':
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			rd->error = "recursion is not allowed in a text (the "
			    "texts are joined into one pattern)";
			return;
		default:
			/* Option settings, conditions: not read. */
			rd->unknown = true;
			return;
		}
	}
	if (++rd->depth > DEPTH_MAX) {
		rd->unknown = true;
		return;
	}
	parse_alt(rd, x);
	rd->depth--;
	if (rd->unknown || rd->error != NULL)
		return;
	if (rd->p >= rd->end || *rd->p != ')') {
		rd->unknown = true;
		return;
	}
	rd->p++;
	if (what == ATOMIC) {
		to_required(x);
	} else if (what == LOOK) {
		set_none(x);
		x->assert = true;
	}
}

/* An escape outside a class; p is past the backslash. */
static void
parse_escape(struct reader *rd, struct info *x)
{
	unsigned char c;

	if (rd->p >= rd->end) {
		rd->unknown = true;
		return;
	}
	c = *rd->p++;
	if (!is_word(c)) {
		set_eps(x, 0);
		x->v[0].len = 1;
		x->v[0].s[0] = c;
		return;
	}
	switch (c) {
	case 'b':
		set_eps(x, F_WB_BEFORE | F_WB_AFTER);
		x->assert = true;
		return;
	case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		set_none(x);
		x->assert = true;
		return;
	case 'd': case 'D': case 's': case 'S': case 'w': case 'W':
	case 'h': case 'H': case 'v': case 'V': case 'R': case 'X':
	case 'C':
		set_none(x);
		return;
	case 'g': case 'k':
	case '1': case '2': case '3': case '4': case '5': case '6':
	case '7': case '8': case '9':
		rd->error = "back references are not allowed in a text (the "
		    "texts are joined into one pattern)";
		return;
	default:
		/* \x.., \t, \Q...\E, \p{..}: not read. */
		rd->unknown = true;
		return;
	}
}

/* A quantifier after an atom, if there is one. */
static bool
parse_quant(struct reader *rd, long *min, long *max, bool *possessive)
{
	const unsigned char *p = rd->p;

	if (p >= rd->end)
		return false;
	if (*p == '?' || *p == '*' || *p == '+') {
		*min = *p == '+' ? 1 : 0;
		*max = *p == '?' ? 1 : -1;
		p++;
	} else if (*p == '{') {
		long a = 0, b;
		const unsigned char *q = p + 1;

		if (q >= rd->end || !(*q >= '0' && *q <= '9'))
			return false;	/* a literal '{', or {,m}: see below */
		while (q < rd->end && *q >= '0' && *q <= '9' && a < 100000)
			a = a * 10 + (*q++ - '0');
		b = a;
		if (q < rd->end && *q == ',') {
			q++;
			b = -1;
			if (q < rd->end && *q >= '0' && *q <= '9') {
				b = 0;
				while (q < rd->end && *q >= '0' && *q <= '9' &&
				    b < 100000)
					b = b * 10 + (*q++ - '0');
			}
		}
		if (q >= rd->end || *q != '}')
			return false;
		*min = a;
		*max = b;
		p = q + 1;
	} else {
		return false;
	}
	*possessive = false;
	if (p < rd->end && *p == '+') {
		*possessive = true;
		p++;
	} else if (p < rd->end && *p == '?') {
		p++;
	}
	rd->p = p;
	return true;
}

/* One atom and its quantifier. */
static void
parse_piece(struct reader *rd, struct info *x)
{
	unsigned char c = *rd->p++;
	long min, max;
	bool poss;

	switch (c) {
	case '(':
		parse_group(rd, x);
		break;
	case '[':
		parse_class(rd, x);
		break;
	case '\\':
		parse_escape(rd, x);
		break;
	case '.':
		set_none(x);
		break;
	case '^':
		set_eps(x, F_START);
		x->assert = true;
		break;
	case '$':
		set_eps(x, F_END);
		x->assert = true;
		break;
	case '*': case '+': case '?':
		rd->unknown = true;
		return;
	case '{':
		/*
		 * A '{' that does not open a quantifier: a literal in PCRE2
		 * 10.42, but {,m} is a quantifier from 10.43 on.
		 */
		if (rd->p < rd->end && *rd->p == ',') {
			rd->unknown = true;
			return;
		}
		/* FALLTHROUGH */
	default:
		set_eps(x, 0);
		x->v[0].len = 1;
		x->v[0].s[0] = lower(c);
		break;
	}
	if (rd->unknown || rd->error != NULL)
		return;
	if (rd->p < rd->end && *rd->p == '{' && rd->p + 1 < rd->end &&
	    rd->p[1] == ',') {
		rd->unknown = true;
		return;
	}
	if (parse_quant(rd, &min, &max, &poss)) {
		if (x->assert || (max >= 0 && max < min)) {
			rd->unknown = true;
			return;
		}
		repeat(x, min, max, poss);
	}
}

/*
 * A sequence, up to '|', ')' or the end.  Runs of exact pieces are
 * joined as they come; an inexact piece ends the run, and the sequence
 * then requires the best of what the runs and the inexact pieces
 * require.
 */
static void
parse_seq(struct reader *rd, struct info *out)
{
	struct info *run = out, *need, *x;
	bool inexact = false;

	need = malloc(2 * sizeof(*need));
	if (need == NULL) {
		rd->unknown = true;
		return;
	}
	x = need + 1;
	set_eps(run, 0);
	set_none(need);
	while (rd->p < rd->end && *rd->p != '|' && *rd->p != ')') {
		parse_piece(rd, x);
		if (rd->unknown || rd->error != NULL)
			goto out;
		if (never(x) || never(run)) {
			/* Nothing can match the sequence. */
			run->exact = true;
			run->n = 0;
			continue;
		}
		if (x->exact && concat_exact(run, x))
			continue;
		/* The run ends before x (x is inexact, or too many strings). */
		inexact = true;
		to_required(run);
		keep_better(need, run);
		if (x->exact) {
			info_copy(run, x);
		} else {
			to_required(x);
			keep_better(need, x);
			set_eps(run, 0);
		}
	}
	if (!never(run) && inexact) {
		to_required(run);
		keep_better(need, run);
		info_copy(out, need);
	}
out:
	free(need);
}

static void
parse_alt(struct reader *rd, struct info *out)
{
	struct info *x;

	parse_seq(rd, out);
	if (rd->unknown || rd->error != NULL || rd->p >= rd->end ||
	    *rd->p != '|')
		return;
	x = malloc(sizeof(*x));
	if (x == NULL) {
		rd->unknown = true;
		return;
	}
	while (!rd->unknown && rd->error == NULL && rd->p < rd->end &&
	    *rd->p == '|') {
		rd->p++;
		parse_seq(rd, x);
		if (rd->unknown || rd->error != NULL)
			break;
		alternate(out, x);
	}
	free(x);
}

/* ------------------------------------------------------------------ */
/* The set.                                                            */

struct bs_litset *
bs_litset_new(void)
{
	return calloc(1, sizeof(struct bs_litset));
}

void
bs_litset_free(struct bs_litset *ls)
{
	if (ls == NULL)
		return;
	free(ls->lits);
	free(ls->delta);
	free(ls->out_at);
	free(ls->outs);
	free(ls->alts);
	free(ls->always);
	free(ls->pool);
	free(ls->fold);
	free(ls);
}

static void
set_bit(uint64_t *w, int id)
{
	w[id >> 6] |= 1ull << (id & 63);
}

static bool
has(const uint64_t *w, int id)
{
	return (w[id >> 6] >> (id & 63)) & 1;
}

static bool
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *n;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	n = realloc(*p, c * size);
	if (n == NULL)
		return false;
	*p = n;
	*cap = c;
	return true;
}

static bool
add_lit(struct bs_litset *ls, int id, uint16_t alt, const struct str *s,
    bool exact)
{
	struct lit *l;
	size_t j;

	if (ls->nlits >= NONE / 2 || !grow((void **)&ls->lits, &ls->cap,
	    ls->nlits + 1, sizeof(*ls->lits)) || !grow((void **)&ls->pool,
	    &ls->pcap, ls->plen + s->len, 1) || !grow((void **)&ls->fold,
	    &ls->fcap, ls->plen + s->len, 1))
		return false;
	l = &ls->lits[ls->nlits++];
	l->pos = (uint32_t)ls->plen;
	l->next = l->same = NONE;
	l->alt = alt;
	l->text = (uint16_t)id;
	l->len = s->len;
	l->flags = (unsigned char)(s->flags | (exact ? F_EXACT : 0));
	memcpy(ls->pool + ls->plen, s->s, s->len);
	for (j = 0; j < s->len; j++)
		ls->fold[ls->plen + j] = s->s[j] >= 'a' && s->s[j] <= 'z' ?
		    0x20 : 0;
	ls->plen += s->len;
	return true;
}

static bool
add_always(struct bs_litset *ls, int id, uint16_t alt)
{
	if (!grow((void **)&ls->always, &ls->wcap, ls->nalways + 1,
	    sizeof(*ls->always)))
		return false;
	ls->always[ls->nalways++] = alt;
	set_bit(ls->always_texts, id);
	return true;
}

static bool
new_alt(struct bs_litset *ls, int id, size_t start, size_t len,
    uint16_t *out)
{
	if (ls->nalts >= 0xffff || !grow((void **)&ls->alts, &ls->acap,
	    ls->nalts + 1, sizeof(*ls->alts)))
		return false;
	ls->alts[ls->nalts].start = (uint32_t)start;
	ls->alts[ls->nalts].len = (uint32_t)len;
	ls->alts[ls->nalts].text = (uint16_t)id;
	*out = (uint16_t)ls->nalts++;
	return true;
}

/* One top-level alternative: its literals, or "always". */
static bool
add_alternative(struct bs_litset *ls, int id, const struct info *x,
    size_t start, size_t len)
{
	uint16_t alt;
	int i;

	if (never(x))
		return true;
	if (!new_alt(ls, id, start, len, &alt))
		return false;
	if (x->n == 0 || score(x) < LIT_MIN)
		return add_always(ls, id, alt);
	for (i = 0; i < x->n; i++)
		if (!add_lit(ls, id, alt, &x->v[i], x->exact))
			return false;
	return true;
}

/*
 * For a text the reader gave up on: whether it still uses what a joined
 * pattern cannot hold.  A plain walk that skips escapes and classes,
 * erring on the side of saying so.
 */
static const char *
forbidden(const char *rx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (rx[i] == '\\' && i + 1 < n) {
			char c = rx[++i];

			if ((c >= '1' && c <= '9') || c == 'g' || c == 'k')
				return "back references are not allowed in a "
				    "text (the texts are joined into one "
				    "pattern)";
			continue;
		}
		if (rx[i] == '[') {
			i += i + 1 < n && rx[i + 1] == '^';
			i += i + 1 < n && rx[i + 1] == ']';
			while (i + 1 < n && rx[i + 1] != ']') {
				i++;
				if (rx[i] == '\\')
					i++;
			}
			i++;
			continue;
		}
		if (rx[i] != '(' || i + 2 >= n || rx[i + 1] != '?')
			continue;
		switch (rx[i + 2]) {
		case '<':
			if (i + 3 < n && rx[i + 3] != '=' && rx[i + 3] != '!')
				return "named groups are not allowed in a text "
				    "(the texts are joined into one pattern)";
			break;
		case 'P':
		case '\'':
			return "named groups are not allowed in a text (the "
			    "texts are joined into one pattern)";
		case 'C':
			return "callouts are not allowed in a text (the "
			    "joined pattern uses them)";
		case 'R': case '&': case '+': case '-':
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			return "recursion is not allowed in a text (the texts "
			    "are joined into one pattern)";
		default:
			break;
		}
	}
	return NULL;
}

const char *
bs_litset_add(struct bs_litset *ls, int id, const char *rx, size_t n)
{
	struct reader rd = { (const unsigned char *)rx,
	    (const unsigned char *)rx + n, NULL, false, 0 };
	size_t mark = ls->nlits, pmark = ls->plen, amark = ls->nalts;
	size_t wmark = ls->nalways;
	struct info *x;
	uint16_t alt;

	if (id <= 0 || id >= BS_LIT_TEXTS_MAX || has(ls->known, id))
		return "text id out of range";
	x = malloc(sizeof(*x));
	if (x == NULL)
		return "out of memory";
	set_bit(ls->known, id);
	for (;;) {
		const unsigned char *start = rd.p;

		parse_seq(&rd, x);
		if (rd.error != NULL) {
			free(x);
			return rd.error;
		}
		if (rd.unknown)
			break;
		if (!add_alternative(ls, id, x, (size_t)(start -
		    (const unsigned char *)rx), (size_t)(rd.p - start))) {
			free(x);
			return "out of memory";
		}
		if (rd.p >= rd.end) {
			free(x);
			return NULL;
		}
		if (*rd.p != '|') {
			/* An unbalanced ')': PCRE2 would not have compiled it. */
			break;
		}
		rd.p++;
	}
	free(x);
	if (forbidden(rx, n) != NULL)
		return forbidden(rx, n);
	/* Not read: drop what this text added; PCRE2 decides it whole. */
	ls->nlits = mark;
	ls->plen = pmark;
	ls->nalts = amark;
	ls->nalways = wmark;
	if (!new_alt(ls, id, 0, n, &alt) || !add_always(ls, id, alt))
		return "out of memory";
	return NULL;
}

/*
 * The byte classes: one for each of the bytes that literals hold most
 * (both cases of a letter in one), 0 for the bytes that none holds.
 * Past CLASSES - 2 of them, the rarer bytes share the last class, and
 * the literals that hold one are compared whole when found (F_COMPARE).
 */
static void
make_classes(struct bs_litset *ls)
{
	size_t count[256] = { 0 }, i, j;
	unsigned next = 1;

	for (i = 0; i < ls->plen; i++)
		count[ls->pool[i]]++;
	memset(ls->cls, 0, sizeof(ls->cls));
	for (;;) {
		size_t best = 0;
		int c, bc = -1;

		for (c = 0; c < 256; c++)
			if (count[c] > best) {
				best = count[c];
				bc = c;
			}
		if (bc < 0)
			break;
		count[bc] = 0;
		ls->cls[bc] = (unsigned char)next;
		if (bc >= 'a' && bc <= 'z')
			ls->cls[bc - 32] = ls->cls[bc];
		if (next < CLASSES - 1)
			next++;
	}
	for (i = 0; i < ls->nlits; i++) {
		struct lit *l = &ls->lits[i];

		for (j = 0; j < l->len; j++)
			if (ls->cls[ls->pool[l->pos + j]] == CLASSES - 1)
				l->flags |= F_COMPARE;
	}
}

/* Whether a and b are the same bytes under the same conditions. */
static bool
same_lit(const struct bs_litset *ls, const struct lit *a,
    const struct lit *b)
{
	return a->len == b->len && (a->flags & ~F_EXACT) ==
	    (b->flags & ~F_EXACT) && memcmp(ls->pool + a->pos, ls->pool +
	    b->pos, a->len) == 0;
}

/*
 * The trie as it is built: its edges by class (delta, 0: none), and the
 * same edges as lists (first child, next sibling, class of the edge in)
 * for the breadth-first pass.
 */
struct builder {
	uint32_t *delta, *own, *child, *sib;
	unsigned char *edge;
	size_t n, cap;
};

static bool
grow_u32(uint32_t **p, size_t cap)
{
	uint32_t *n = realloc(*p, cap * sizeof(*n));

	if (n == NULL)
		return false;
	*p = n;
	return true;
}

/* A new state under parent by class c (the root: parent NONE). */
static bool
new_state(struct builder *b, uint32_t parent, unsigned c)
{
	if (b->n >= NONE / CLASSES)
		return false;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		unsigned char *e = realloc(b->edge, cap);

		if (e == NULL)
			return false;
		b->edge = e;
		if (!grow_u32(&b->delta, cap * CLASSES) ||
		    !grow_u32(&b->own, cap) || !grow_u32(&b->child, cap) ||
		    !grow_u32(&b->sib, cap))
			return false;
		b->cap = cap;
	}
	memset(b->delta + b->n * CLASSES, 0, CLASSES * sizeof(*b->delta));
	b->own[b->n] = NONE;
	b->child[b->n] = NONE;
	b->edge[b->n] = (unsigned char)c;
	if (parent != NONE) {
		b->delta[parent * CLASSES + c] = (uint32_t)b->n;
		b->sib[b->n] = b->child[parent];
		b->child[parent] = (uint32_t)b->n;
	} else {
		b->sib[b->n] = NONE;
	}
	b->n++;
	return true;
}

bool
bs_litset_finish(struct bs_litset *ls)
{
	struct builder b = { NULL, NULL, NULL, NULL, NULL, 0, 0 };
	uint32_t *fail = NULL, *queue = NULL, *fin = NULL, *inv = NULL;
	uint32_t *dict = NULL, plain, last;
	size_t i, c, head, tail, n;
	bool ok = false;

	make_classes(ls);
	/* The trie of the literals' first DEPTH bytes. */
	if (!new_state(&b, NONE, 0))
		goto out;
	for (i = ls->nlits; i-- > 0;) {
		struct lit *l = &ls->lits[i];
		size_t j, p = l->len < DEPTH ? l->len : DEPTH;
		uint32_t u = 0;

		for (j = 0; j < p; j++) {
			c = ls->cls[ls->pool[l->pos + j]];
			if (b.delta[u * CLASSES + c] == 0 &&
			    !new_state(&b, u, (unsigned)c))
				goto out;
			u = b.delta[u * CLASSES + c];
		}
		if ((l->flags & (F_COMPARE | F_START | F_END | F_WB_BEFORE |
		    F_WB_AFTER)) == 0 && l->len <= DEPTH)
			l->flags |= F_FOUND;
		/*
		 * A literal that another text has too is compared once: it
		 * goes on the list of the first, by same.  Lists in file
		 * order: the literals go in from the last.
		 */
		{
			uint32_t k;

			for (k = b.own[u]; k != NONE; k = ls->lits[k].next)
				if (same_lit(ls, &ls->lits[k], l))
					break;
			if (k != NONE) {
				l->same = ls->lits[k].same;
				ls->lits[k].same = (uint32_t)i;
				l->next = NONE;
				continue;
			}
		}
		l->next = b.own[u];
		b.own[u] = (uint32_t)i;
	}
	n = b.n;
	fail = malloc(n * sizeof(*fail));
	queue = malloc(n * sizeof(*queue));
	fin = malloc(n * sizeof(*fin));
	inv = malloc(n * sizeof(*inv));
	dict = malloc(n * sizeof(*dict));
	free(ls->delta);
	ls->delta = NULL;
	if (n > UINT16_MAX + 1u) {
		/*
		 * More states than 16 bits name: no automaton, and every
		 * alternative is one that PCRE2 decides always.
		 */
		size_t a, w = ls->nalways;

		for (a = 0; a < ls->nalts; a++) {
			for (i = 0; i < w && ls->always[i] != a; i++)
				;
			if (i == w && !add_always(ls, ls->alts[a].text,
			    (uint16_t)a))
				goto out;
		}
		ok = true;
		goto out;
	}
	ls->delta = malloc(n * CLASSES * sizeof(*ls->delta));
	if (fail == NULL || queue == NULL || fin == NULL || inv == NULL ||
	    dict == NULL || ls->delta == NULL)
		goto out;
	/*
	 * Failure links breadth first, writing every transition into the
	 * automaton.  A state's number is given when it is queued, by then
	 * its failure link and so whether it reports are known: those that
	 * report are numbered down from the last, the others up from the
	 * root, so that the scan tests one comparison per byte.
	 */
	plain = 0;
	last = (uint32_t)n;
	head = tail = 0;
	fail[0] = 0;
	dict[0] = NONE;
	fin[0] = plain++;
	inv[0] = 0;
	queue[tail++] = 0;
	while (head < tail) {
		uint32_t u = queue[head++], fu = fail[u], v;
		uint16_t *row = ls->delta + (size_t)fin[u] * CLASSES;
		const uint16_t *frow = ls->delta + (size_t)fin[fu] * CLASSES;

		/* What u does not continue, its failure state does. */
		if (u == 0)
			memset(row, 0, CLASSES * sizeof(*row));
		else
			memcpy(row, frow, CLASSES * sizeof(*row));
		for (v = b.child[u]; v != NONE; v = b.sib[v]) {
			uint32_t fv = u == 0 ? 0 : inv[frow[b.edge[v]]];

			fail[v] = fv;
			dict[v] = b.own[fv] != NONE ? fv : dict[fv];
			fin[v] = b.own[v] != NONE || dict[v] != NONE ?
			    --last : plain++;
			inv[fin[v]] = v;
			row[b.edge[v]] = (uint16_t)fin[v];
			queue[tail++] = v;
		}
	}
	ls->first_out = last;
	/* The lists of the states that report: their own, then suffixes'. */
	{
		size_t nouts = 0, m = 0;

		for (i = 0; i < n; i++)
			if (fin[i] >= last) {
				uint32_t u, l;

				for (u = b.own[i] != NONE ? (uint32_t)i :
				    dict[i]; u != NONE; u = dict[u])
					for (l = b.own[u]; l != NONE;
					    l = ls->lits[l].next)
						nouts++;
				nouts++;
			}
		free(ls->out_at);
		free(ls->outs);
		ls->out_at = malloc((n - last + 1) * sizeof(*ls->out_at));
		ls->outs = malloc((nouts + 1) * sizeof(*ls->outs));
		if (ls->out_at == NULL || ls->outs == NULL)
			goto out;
		for (i = 0; i < n; i++) {
			uint32_t u, l;

			if (fin[i] < last)
				continue;
			ls->out_at[fin[i] - last] = (uint32_t)m;
			for (u = b.own[i] != NONE ? (uint32_t)i : dict[i];
			    u != NONE; u = dict[u])
				for (l = b.own[u]; l != NONE;
				    l = ls->lits[l].next)
					ls->outs[m++] = l;
			ls->outs[m++] = NONE;
		}
	}
	ls->nstates = (uint32_t)n;
	ok = true;
out:
	free(b.delta);
	free(b.own);
	free(b.child);
	free(b.sib);
	free(b.edge);
	free(fail);
	free(queue);
	free(fin);
	free(inv);
	free(dict);
	return ok;
}

/*
 * Whether literal l, whose first bytes (up to DEPTH) end at s[end - 1],
 * sits there whole with its conditions.
 */
static bool
lit_at(const struct bs_litset *ls, const struct lit *l,
    const unsigned char *s, size_t n, size_t end)
{
	const unsigned char *t = ls->pool + l->pos;
	size_t p = l->len < DEPTH ? l->len : DEPTH, at = end - p, j;

	if (at + l->len > n)
		return false;
	j = (l->flags & F_COMPARE) ? 0 : p;
	/* Eight bytes at a time: a letter matches either case. */
	for (; j + 8 <= l->len; j += 8) {
		uint64_t a, b, m;

		memcpy(&a, s + at + j, 8);
		memcpy(&b, t + j, 8);
		memcpy(&m, ls->fold + l->pos + j, 8);
		if ((a | m) != b)
			return false;
	}
	for (; j < l->len; j++)
		if (lower(s[at + j]) != t[j])
			return false;
	if ((l->flags & F_START) && at != 0)
		return false;
	if ((l->flags & F_END) && at + l->len != n &&
	    !(at + l->len + 1 == n && s[n - 1] == '\n'))
		return false;
	if ((l->flags & F_WB_BEFORE) && (at > 0 && is_word(s[at - 1])) ==
	    is_word(t[0]))
		return false;
	if ((l->flags & F_WB_AFTER) && (at + l->len < n &&
	    is_word(s[at + l->len])) == is_word(t[l->len - 1]))
		return false;
	return true;
}

static void
add_maybe(struct bs_lit_found *f, uint16_t alt)
{
	unsigned i;

	for (i = 0; i < f->nalts && i < BS_LIT_ALTS_MAX; i++)
		if (f->alts[i] == alt)
			return;
	if (f->nalts < BS_LIT_ALTS_MAX)
		f->alts[f->nalts] = alt;
	if (f->nalts <= BS_LIT_ALTS_MAX)
		f->nalts++;
}

/*
 * The literals that end where the scan is, s[end - 1] just read: the
 * list of output state u.
 */
static void
report(const struct bs_litset *ls, const unsigned char *s, size_t n,
    size_t end, uint32_t u, struct bs_lit_found *f)
{
	const uint32_t *o = ls->outs + ls->out_at[u - ls->first_out];

	for (; *o != NONE; o++) {
		const struct lit *l = &ls->lits[*o];

		if (l->same == NONE && has(f->sure, l->text))
			continue;
		if (!(l->flags & F_FOUND) && !lit_at(ls, l, s, n, end))
			continue;
		for (;;) {
			if (l->flags & F_EXACT) {
				set_bit(f->sure, l->text);
			} else if (!has(f->sure, l->text)) {
				set_bit(f->maybe, l->text);
				add_maybe(f, l->alt);
			}
			if (l->same == NONE)
				break;
			l = &ls->lits[l->same];
		}
	}
}

/*
 * Replies this long are read as two halves at once (scan_two): the
 * automaton's look-ups are one long chain of loads, each waiting for the
 * one before, and two chains run side by side in the same time.
 */
#define SPLIT_MIN (3 * DEPTH)

/*
 * bs_litset_scan's walk over s[0..n) in two chains, with the same reports
 * in the same order as one.  The first reads s[0..half + DEPTH - 1)
 * from the start state; the second starts afresh at s[half], and from
 * s[half + DEPTH - 1] on is in the very state the first would be (the
 * automaton holds at most DEPTH bytes of a literal, so its state depends
 * on the last DEPTH bytes alone).  The second's reports from there wait
 * until the first is done; when more wait than there is room for, the
 * first chain reads the rest itself.
 */
struct waiting {
	uint32_t end, st;	/* a report of the second chain */
};

#define WAITING_MAX 32

/* One step of a chain: state *st reads byte c. */
#define CHAIN(st, c) ((st) = delta[(st) * CLASSES + cls[(c)]])

static void
scan_two(const struct bs_litset *ls, const unsigned char *s, size_t n,
    struct bs_lit_found *f)
{
	const uint16_t *delta = ls->delta;
	const unsigned char *cls = ls->cls;
	size_t half = (n - DEPTH + 1) / 2, aend = half + DEPTH - 1;
	size_t a = 0, b = half, sa = 0, sb = 0, out = ls->first_out, k, nw = 0;
	struct waiting w[WAITING_MAX];
	bool full = false;

	/* Side by side while both have bytes (they end at most a step apart). */
	while (a < aend && b < n) {
		CHAIN(sa, s[a]);
		CHAIN(sb, s[b]);
		a++;
		b++;
		if (sa >= out)
			report(ls, s, n, a, (uint32_t)sa, f);
		if (sb >= out && b > aend) {
			if (nw < WAITING_MAX)
				w[nw++] = (struct waiting){ (uint32_t)b,
				    (uint32_t)sb };
			else
				full = true;
		}
	}
	for (; a < aend; a++)
		if (CHAIN(sa, s[a]) >= out)
			report(ls, s, n, a + 1, (uint32_t)sa, f);
	for (; b < n && !full; b++)
		if (CHAIN(sb, s[b]) >= out) {
			if (nw < WAITING_MAX)
				w[nw++] = (struct waiting){ (uint32_t)(b + 1),
				    (uint32_t)sb };
			else
				full = true;
		}
	if (full) {
		/* More reports than room: the first chain reads on. */
		for (; a < n; a++)
			if (CHAIN(sa, s[a]) >= out)
				report(ls, s, n, a + 1, (uint32_t)sa, f);
		return;
	}
	for (k = 0; k < nw; k++)
		report(ls, s, n, w[k].end, w[k].st, f);
}

#undef CHAIN

/* The walk of one chain over s[0..n), four bytes a turn. */
static void
scan_one(const struct bs_litset *ls, const unsigned char *s, size_t n,
    struct bs_lit_found *f)
{
	const uint16_t *delta = ls->delta;
	const unsigned char *cls = ls->cls;
	size_t st = 0, out = ls->first_out, i = 0;

#define STEP(j) do { \
		st = delta[st * CLASSES + cls[s[i + (j)]]]; \
		if (st >= out) \
			report(ls, s, n, i + (j) + 1, (uint32_t)st, f); \
	} while (0)
	for (; i + 4 <= n; i += 4) {
		STEP(0);
		STEP(1);
		STEP(2);
		STEP(3);
	}
	for (; i < n; i++)
		STEP(0);
#undef STEP
}

/* bs_litset_scan, with the walk given. */
static void
scan(const struct bs_litset *ls, const char *str, size_t n,
    struct bs_lit_found *f, bool two)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t k;
	unsigned a, m;

	memset(f->sure, 0, sizeof(f->sure));
	memcpy(f->maybe, ls->always_texts, sizeof(f->maybe));
	f->nalts = 0;
	for (k = 0; k < ls->nalways; k++)
		add_maybe(f, ls->always[k]);
	/* Hot: every byte of a failure's reply passes here once. */
	if (ls->delta != NULL && two && n >= SPLIT_MIN)
		scan_two(ls, s, n, f);
	else if (ls->delta != NULL)
		scan_one(ls, s, n, f);
	for (k = 0; k < BS_LIT_WORDS; k++)
		f->maybe[k] &= ~f->sure[k];
	/* Drop the alternatives of texts already settled. */
	if (f->nalts <= BS_LIT_ALTS_MAX) {
		for (a = m = 0; a < f->nalts; a++)
			if (!has(f->sure, ls->alts[f->alts[a]].text))
				f->alts[m++] = f->alts[a];
		f->nalts = m;
	}
}

void
bs_litset_scan(const struct bs_litset *ls, const char *str, size_t n,
    struct bs_lit_found *f)
{
	scan(ls, str, n, f, true);
}

void
bs_litset_scan_one(const struct bs_litset *ls, const char *str, size_t n,
    struct bs_lit_found *f)
{
	scan(ls, str, n, f, false);
}

bool
bs_litset_alt(const struct bs_litset *ls, unsigned alt, int *text,
    size_t *start, size_t *len)
{
	if (alt >= ls->nalts)
		return false;
	*text = ls->alts[alt].text;
	*start = ls->alts[alt].start;
	*len = ls->alts[alt].len;
	return true;
}

size_t
bs_litset_describe(const struct bs_litset *ls, int id, char *buf,
    size_t size)
{
	size_t len = 0, i, j;

#define PUT(c) do { \
		if (len + 1 < size) \
			buf[len] = (char)(c); \
		len++; \
	} while (0)
	if (size > 0)
		buf[0] = '\0';
	if (id <= 0 || id >= BS_LIT_TEXTS_MAX || !has(ls->known, id))
		return 0;
	for (i = 0; i < ls->nalways; i++)
		if (ls->alts[ls->always[i]].text == id) {
			const struct alt *al = &ls->alts[ls->always[i]];
			char num[48];

			snprintf(num, sizeof(num), "always @%u+%u\n",
			    (unsigned)al->start, (unsigned)al->len);
			for (j = 0; num[j] != '\0'; j++)
				PUT(num[j]);
		}
	for (i = 0; i < ls->nlits; i++) {
		const struct lit *l = &ls->lits[i];
		const char *kind = (l->flags & F_EXACT) ? "exact " : "needs ";

		if (l->text != id)
			continue;
		for (j = 0; kind[j] != '\0'; j++)
			PUT(kind[j]);
		if (l->flags & F_START)
			PUT('^');
		if (l->flags & F_WB_BEFORE) {
			PUT('\\');
			PUT('b');
		}
		for (j = 0; j < l->len; j++)
			PUT(ls->pool[l->pos + j]);
		if (l->flags & F_WB_AFTER) {
			PUT('\\');
			PUT('b');
		}
		if (l->flags & F_END)
			PUT('$');
		PUT('\n');
	}
#undef PUT
	if (size > 0)
		buf[len < size ? len : size - 1] = '\0';
	return len;
}
