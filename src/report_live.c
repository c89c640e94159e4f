/*
 * report_live.c - the live view on a terminal (--follow): the refresh's
 * time, the kind counts of the last interval, the window and the whole
 * run, what is new since the refresh before, and the failure codes and
 * recipient domains of the window, drawn in place.
 *
 * Every line is cut to the width on a UTF-8 character boundary (a label
 * first, so that its counts stay), and no more lines than the height
 * allows are written, so that the screen never scrolls and the next
 * refresh draws over this one.  Domains come from logs and go through
 * bs_safe_term; colours only with o->color (NO_COLOR turns it off).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "catalog.h"
#include "live.h"
#include "report.h"
#include "safe.h"

#define HOME_CLEAR	"\033[H\033[2J"
#define HOME		"\033[H"
#define ERASE_LINE	"\033[K"
#define ERASE_BELOW	"\033[J"
#define BOLD		"\033[1m"
#define RED		"\033[31m"
#define YELLOW		"\033[33m"
#define RESET		"\033[0m"

/* The three count columns, each this wide. */
#define NUMW		10

struct screen {
	FILE *out;
	int width;
	int left;		/* lines that may still be written */
	bool color;
};

/*
 * Copy at most cols characters of UTF-8 text into dst (dstsz bytes);
 * text that does not fit ends in "..." within cols.  A character is never
 * split.  Returns the characters written.
 */
static int
fit(char *dst, size_t dstsz, const char *src, int cols)
{
	size_t i, o = 0;
	int n = 0, total = 0, limit;

	for (i = 0; src[i] != '\0'; i++)
		if (((unsigned char)src[i] & 0xc0) != 0x80)
			total++;
	limit = total > cols && cols >= 4 ? cols - 3 : cols;
	for (i = 0; src[i] != '\0' && n < limit; n++) {
		size_t len = 1;

		while (((unsigned char)src[i + len] & 0xc0) == 0x80)
			len++;
		if (o + len + 4 > dstsz)
			break;
		memcpy(dst + o, src + i, len);
		o += len;
		i += len;
	}
	if (total > cols && cols >= 4) {
		memcpy(dst + o, "...", 3);
		o += 3;
		n += 3;
	}
	dst[o] = '\0';
	return n;
}

/* One line of the view, cut to the width, in colour c (NULL: none). */
static void line(struct screen *s, const char *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
line(struct screen *s, const char *c, const char *fmt, ...)
{
	char buf[1024], cut[1024];
	va_list ap;

	if (s->left <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fit(cut, sizeof(cut), buf, s->width);
	if (c != NULL && s->color)
		fprintf(s->out, "%s%s%s", c, cut, RESET);
	else
		fputs(cut, s->out);
	fputs(ERASE_LINE "\n", s->out);
	s->left--;
}

/* "45 s", "1 min", "15 min", "2 h", "1.5 h": a length of time. */
static const char *
span(char *buf, size_t n, int64_t ms)
{
	long long s = (long long)((ms + 500) / 1000);

	if (s < 120 && s % 60 != 0)
		snprintf(buf, n, "%lld s", s);
	else if (s < 7200)
		snprintf(buf, n, "%lld min", (s + 30) / 60);
	else if (s % 3600 == 0)
		snprintf(buf, n, "%lld h", s / 3600);
	else
		snprintf(buf, n, "%.1f h", (double)s / 3600);
	return buf;
}

static const char *
clock_text(char *buf, size_t n, time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, n, "%H:%M:%S",
	    &tm) == 0)
		snprintf(buf, n, "?");
	return buf;
}

/* "550 5.1.1 bounced", "4.4.1 deferred, refused", "(no code) expired" */
static void
code_label(const struct bs_live_row *r, char *buf, size_t n)
{
	const struct bs_codes *c = &r->codes;

	snprintf(buf, n, "%s%s%s%s %s%s", c->basic, c->basic[0] &&
	    c->enhanced[0] ? " " : "", c->enhanced, c->basic[0] ||
	    c->enhanced[0] ? "" : "(no code)", bs_kind_name(r->kind),
	    r->connfail & BS_CONN_REFUSED ? ", refused" :
	    r->connfail & BS_CONN_FAILED ? ", no connection" : "");
}

/* "example.net (421 4.7.0)", the name made safe for the terminal. */
static void
domain_label(const struct bs_live_row *r, char *buf, size_t n)
{
	char name[BS_TOPK_KEY_MAX * 4 + 1];
	const struct bs_codes *c = &r->codes;

	bs_safe_term(name, sizeof(name), r->name, r->len);
	if (c->basic[0] || c->enhanced[0])
		snprintf(buf, n, "%s (%s%s%s)", name, c->basic, c->basic[0] &&
		    c->enhanced[0] ? " " : "", c->enhanced);
	else
		snprintf(buf, n, "%s", name);
}

/* A label and its three counts; the label cut so that they stay. */
static void
row(struct screen *s, const char *c, const char *label, uint64_t iv,
    uint64_t win, bool win_est, uint64_t total)
{
	char l[1024], w[32];
	int lw = s->width - 3 * NUMW, n = fit(l, sizeof(l), label, lw);

	snprintf(w, sizeof(w), "%s%" PRIu64, win_est ? "~" : "", win);
	/* Padded in characters: %-*s counts bytes. */
	line(s, c, "%s%*s%*" PRIu64 "%*s%*" PRIu64, l, lw - n, "", NUMW, iv,
	    NUMW, w, NUMW, total);
}

static void
header(struct screen *s, const char *title)
{
	int lw = s->width - 3 * NUMW;
	char l[256];

	fit(l, sizeof(l), title, lw);
	line(s, BOLD, "%-*s%*s%*s%*s", lw, l, NUMW, "interval", NUMW,
	    "window", NUMW, "total");
}

/* One list of rows, in at most lines lines (the last saying what is cut). */
static void
list(struct screen *s, const struct bs_live_row *rows, size_t n,
    uint64_t more, int lines, bool domains, bool est, const char *c,
    const char *prefix, const char *empty)
{
	size_t i, shown = (size_t)lines;
	char label[BS_TOPK_KEY_MAX * 4 + 64], text[sizeof(label) + 16];

	if (n == 0) {
		line(s, NULL, "  %s", empty);
		return;
	}
	if (shown >= n + (more > 0))
		shown = n;
	else if (shown > 0)
		shown--;	/* room for the line that says what is cut */
	for (i = 0; i < shown; i++) {
		if (domains)
			domain_label(&rows[i], label, sizeof(label));
		else
			code_label(&rows[i], label, sizeof(label));
		snprintf(text, sizeof(text), "  %s%s", prefix, label);
		row(s, c, text, rows[i].interval, rows[i].window, est,
		    rows[i].total);
	}
	if (shown < n + (more > 0))
		line(s, NULL, "  ... %" PRIu64 " more", (uint64_t)(n - shown) +
		    more);
}

/* Lines each list wants: its rows and one for "more", at least one. */
static int
wants(size_t n, uint64_t more)
{
	return n == 0 ? 1 : (int)n + (more > 0);
}

int
bs_report_live(FILE *out, const struct bs_live_view *v,
    const struct bs_live_draw *o)
{
	static const char *const kind_color[BS_KIND_COUNT] = {
		[BS_DELIVERED] = NULL, [BS_DEFERRED] = YELLOW,
		[BS_BOUNCED] = RED, [BS_EXPIRED] = RED, [BS_REJECTED] = RED,
	};
	struct screen s = { out, o->width > 0 ? o->width : 80,
	    (o->height > 0 ? o->height : 24) - 1, o->color };
	char now[16], last[16], iv[32], win[32], so_far[48], sp[32];
	int want[3], got[3] = { 1, 1, 1 }, avail, nl, k;
	size_t nchanges = v->nnew_codes + v->nnew_domains;

	if (s.width < BS_LIVE_MIN_WIDTH)
		s.width = BS_LIVE_MIN_WIDTH;
	fputs(o->first ? HOME_CLEAR : HOME, out);
	span(iv, sizeof(iv), (int64_t)o->interval_s * 1000);
	span(win, sizeof(win), v->window_asked_ms);
	/* The window covers less at the start, or after many SIGUSR1s. */
	if (v->window_ms + (int64_t)o->interval_s * 500 < v->window_asked_ms)
		snprintf(so_far, sizeof(so_far), " (%s so far)",
		    span(sp, sizeof(sp), v->window_ms));
	else
		so_far[0] = '\0';
	line(&s, BOLD, "bouncestat --follow  %s", clock_text(now,
	    sizeof(now), o->now));
	line(&s, NULL, "every %s, window %s%s", iv, win, so_far);
	header(&s, "events");
	for (k = 0; k < BS_KIND_COUNT; k++)
		row(&s, v->interval[k] > 0 ? kind_color[k] : NULL,
		    bs_kind_name((enum bs_kind)k), v->interval[k],
		    v->window[k], false, v->total[k]);

	/* Share the lines left among the three lists, a line at a time. */
	nl = 4 + (v->domains_counted ? 2 : 0);
	avail = s.left - nl - 3;
	want[0] = nchanges == 0 ? 1 : (v->nnew_codes > 0 ?
	    wants(v->nnew_codes, v->more_new_codes) : 0) +
	    (v->nnew_domains > 0 ? wants(v->nnew_domains,
	    v->more_new_domains) : 0);
	want[1] = wants(v->ncodes, v->more_codes);
	want[2] = v->domains_counted ? wants(v->ndomains, v->more_domains) :
	    0;
	if (!v->domains_counted)
		got[2] = 0, avail++;
	while (avail > 0 && (got[0] < want[0] || got[1] < want[1] ||
	    got[2] < want[2])) {
		for (k = 0; k < 3 && avail > 0; k++)
			if (got[k] < want[k]) {
				got[k]++;
				avail--;
			}
	}

	line(&s, NULL, "%s", "");
	if (o->last == 0)
		line(&s, BOLD, "New since the start:");
	else
		line(&s, BOLD, "New since %s:", clock_text(last,
		    sizeof(last), o->last));
	if (nchanges == 0) {
		line(&s, NULL, "  nothing new");
	} else {
		/* Codes first, domains in the lines left (one at least). */
		int lc = 0, ld = 0;

		if (v->nnew_codes > 0) {
			lc = wants(v->nnew_codes, v->more_new_codes);
			if (lc > got[0] - (v->nnew_domains > 0))
				lc = got[0] - (v->nnew_domains > 0);
			if (lc < 1)
				lc = 1;
			list(&s, v->new_codes, v->nnew_codes,
			    v->more_new_codes, lc, false, false, RED,
			    "new code ", "");
		}
		if (v->nnew_domains > 0) {
			ld = got[0] - lc < 1 ? 1 : got[0] - lc;
			list(&s, v->new_domains, v->nnew_domains,
			    v->more_new_domains, ld, true, false, RED,
			    "failing ", "");
		}
	}
	line(&s, NULL, "%s", "");
	header(&s, "Failure codes");
	list(&s, v->codes, v->ncodes, v->more_codes, got[1], false,
	    v->window_partial, NULL, "", "none in the window");
	if (v->domains_counted) {
		line(&s, NULL, "%s", "");
		header(&s, "Failing recipient domains");
		list(&s, v->domains, v->ndomains, v->more_domains, got[2],
		    true, v->window_partial, NULL, "", "none in the window");
	}
	fputs(ERASE_BELOW, out);
	return ferror(out) ? -1 : 0;
}
