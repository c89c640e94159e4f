/*
 * foreign.c - delivery status lines that another program wrote (see
 * foreign.h).
 */
#include <string.h>

#include "foreign.h"
#include "format.h"

/* How far into a line the program's ": " may lie (stamp, host, name). */
#define PREFIX_MAX 160

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

bool
bs_foreign_program(const char *s, size_t n, struct bs_text *prog)
{
	size_t lim = n < PREFIX_MAX ? n : PREFIX_MAX, i, b, e;

	/* The first ": ": a stamp's colons are followed by digits. */
	for (i = 1; i + 1 < lim; i++)
		if (s[i] == ':' && s[i + 1] == ' ')
			break;
	if (i + 1 >= lim)
		return false;
	e = i;
	if (s[e - 1] == ']') {
		for (b = e - 1; b > 0 && s[b - 1] >= '0' && s[b - 1] <= '9';
		     b--)
			;
		if (b == 0 || s[b - 1] != '[')
			return false;
		e = b - 1;
	}
	for (b = e; b > 0 && !blank(s[b - 1]); b--)
		;
	/* A program word after at least a stamp and a host. */
	if (b == 0 || e == b)
		return false;
	prog->ptr = s + b;
	prog->len = e - b;
	return true;
}

/* Whether s[0..n) opens with word w followed by no letter. */
static bool
word_at(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	return n >= wl && memcmp(s, w, wl) == 0 &&
	    (n == wl || !((s[wl] | 0x20) >= 'a' && (s[wl] | 0x20) <= 'z'));
}

bool
bs_foreign_status(const char *s, size_t n, bs_event_fn emit, void *ctx)
{
	static const char *const words[] = { "sent", "bounced", "deferred",
		"expired" };
	const char *p = s;
	struct bs_text prog;
	struct bs_event ev;
	size_t left = n, k;
	bool status = false;

	while (!status && left > 7) {
		const char *q = memchr(p, 's', left - 7);

		if (q == NULL)
			break;
		left -= (size_t)(q - p) + 1;
		p = q + 1;
		if (memcmp(q, "status=", 7) != 0 ||
		    (q > s && ((q[-1] | 0x20) >= 'a' && (q[-1] | 0x20) <= 'z')))
			continue;
		for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (word_at(q + 7, n - (size_t)(q + 7 - s), words[k]))
				status = true;
	}
	/* Postfix's and Exim's lines are their readers' (fmt_mixed.c). */
	if (!status || bs_mixed_program(s, n) != BS_PROGRAM_OTHER ||
	    !bs_foreign_program(s, n, &prog))
		return false;
	bs_event_init(&ev);
	ev.note = BS_NOTE_FOREIGN;
	ev.program = prog;
	emit(ctx, &ev);
	return true;
}
