/*
 * report_html.c - the report as one self-contained HTML page.
 *
 * Everything is in the file: CSS, the charts as inline SVG, and one small
 * script that sorts tables (the page reads fully without it).  A Content
 * Security Policy forbids every request, so the page opens the same from
 * a mail attachment, a web folder or file://, and nothing in it can
 * reach another host.  Every chart has a table or a <title> that says
 * the same in words.
 *
 * Text from logs (keys, reply texts, paths) goes through bs_safe_html;
 * the catalog's text is the project's own but is escaped the same way,
 * so that no string reaches the page unescaped.  The page never states
 * the time it was made, so that the same log gives the same page.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agg.h"
#include "catalog.h"
#include "report.h"
#include "safe.h"

/*
 * The sorting script.  The Content Security Policy names its SHA-256
 * (base64), so that no other script can run; tests/html-check.sh
 * recomputes it, and a browser refuses a script that does not match.
 */
#define SORT_SCRIPT \
	"document.querySelectorAll('table.sort thead th').forEach(function" \
	"(th){th.tabIndex=0;th.setAttribute('aria-sort','none');var go=" \
	"function(){var t=th.closest('table'),b=t.tBodies[0],i=th.cellIndex" \
	",up=th.getAttribute('aria-sort')==='descending',v=function(r){var " \
	"s=r.cells[i].textContent.replace(/^~/,'');return /^[0-9]+(\\.[0-9]+" \
	")?$/.test(s)?parseFloat(s):s.toLowerCase()};t.querySelectorAll('th'" \
	").forEach(function(h){h.setAttribute('aria-sort','none')});th." \
	"setAttribute('aria-sort',up?'ascending':'descending');Array.from(" \
	"b.rows).sort(function(x,y){var p=v(x),q=v(y),c=typeof p==='number'&&" \
	"typeof q==='number'?p-q:String(p).localeCompare(String(q));return " \
	"up?c:-c}).forEach(function(r){b.appendChild(r)})};th.addEventListener" \
	"('click',go);th.addEventListener('keydown',function(e){if(e.key===" \
	"'Enter'||e.key===' '){e.preventDefault();go()}})});"
#define SORT_SCRIPT_SHA256 "sha256-TCELU+L4C2WxDk/OANxTmE0QXHDg4uX6YVV5OGeyVE4="

static const char css[] =
    ":root{color-scheme:light dark;--bg:#fff;--fg:#1b1f23;--mute:#59636e;"
    "--line:#d0d7de;--card:#f6f8fa;--delivered:#3f8f5b;--deferred:#c98a00;"
    "--bounced:#c8374a;--expired:#7b5ea7;--rejected:#2a7ab0;--bar:#c8374a}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;"
    "--mute:#9198a1;--line:#30363d;--card:#161b22;--delivered:#56b378;"
    "--deferred:#e3b341;--bounced:#f0697a;--expired:#a98bd6;"
    "--rejected:#58a6e0;--bar:#f0697a}}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0 auto;max-width:1200px;padding:16px;background:var(--bg);"
    "color:var(--fg);font:15px/1.45 system-ui,-apple-system,\"Segoe UI\","
    "Roboto,sans-serif}\n"
    "h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 8px;"
    "border-bottom:1px solid var(--line);padding-bottom:4px}\n"
    "p,li{overflow-wrap:anywhere}.mute{color:var(--mute)}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax("
    "150px,1fr));gap:8px}\n"
    ".card{background:var(--card);border:1px solid var(--line);"
    "border-radius:6px;padding:8px 10px;border-left:6px solid var(--k)}\n"
    ".card b{display:block;font-size:1.4em}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "table{border-collapse:collapse;margin:4px 0 8px}\n"
    "th,td{padding:3px 8px;border-bottom:1px solid var(--line);"
    "text-align:left;vertical-align:top}\n"
    "th{background:var(--card)}caption{text-align:left}\n"
    ".w{white-space:nowrap}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "td.k{overflow-wrap:anywhere;min-width:10em;max-width:28em}\n"
    "td.t{min-width:14em;max-width:32em}\n"
    "code{font-family:ui-monospace,Menlo,Consolas,monospace;"
    "font-size:.92em}\n"
    "table.sort th{cursor:pointer}\n"
    "table.sort th[aria-sort=ascending]::after{content:\" \\2191\"}\n"
    "table.sort th[aria-sort=descending]::after{content:\" \\2193\"}\n"
    ".sw{display:inline-block;width:.8em;height:.8em;margin:0 4px 0 10px;"
    "vertical-align:-1px;border-radius:2px;background:var(--k)}\n"
    ".meter{display:inline-block;height:.7em;background:var(--bar);"
    "border-radius:2px;vertical-align:0;margin-left:6px}\n"
    "svg{display:block;width:100%;min-width:560px;max-width:960px;"
    "height:auto}\n"
    "svg text{fill:var(--mute);font-size:13px}\n"
    "svg .grid{stroke:var(--line);stroke-width:1}\n"
    ".meter.k-delivered,.meter.k-deferred,.meter.k-bounced,.meter.k-expired"
    "{background:var(--k)}\n"
    ".k-delivered{--k:var(--delivered);fill:var(--delivered)}\n"
    ".k-deferred{--k:var(--deferred);fill:var(--deferred)}\n"
    ".k-bounced{--k:var(--bounced);fill:var(--bounced)}\n"
    ".k-expired{--k:var(--expired);fill:var(--expired)}\n"
    ".k-rejected{--k:var(--rejected);fill:var(--rejected)}\n"
    ".err{color:var(--bounced);font-weight:600}\n"
    /* On a phone, each code row is a card of labelled lines. */
    "@media screen and (max-width:640px){table.rows thead{display:none}"
    "table.rows,table.rows tbody,table.rows tr,table.rows td{display:block;"
    "min-width:0;max-width:none}table.rows tr{border:1px solid var(--line);"
    "border-radius:6px;margin:0 0 8px;padding:4px 8px}table.rows td{border:0;"
    "padding:1px 0;text-align:left}table.rows td[data-l]::before{content:"
    "attr(data-l) \": \";color:var(--mute)}}\n"
    "@media print{:root{--bg:#fff;--fg:#000;--mute:#444;--line:#bbb;"
    "--card:#f3f3f3}body{max-width:none;padding:0;font-size:10px}"
    ".scroll{overflow:visible}svg{min-width:0}table{width:100%}"
    "th,td{white-space:normal;overflow-wrap:anywhere;padding:2px 4px}"
    "td.k,td.t{min-width:0;max-width:none}code{white-space:normal}"
    "h2{break-after:avoid}tr{break-inside:avoid}table.sort th{cursor:auto}"
    "table.sort th::after{content:none!important}}\n";

/* Text from a log, or any other C string, for HTML. */
static void
esc(FILE *out, const char *s)
{
	bs_safe_html(out, s, strlen(s));
}

/* A count, "~" before a lower bound, in a numeric cell. */
static void
td_num(FILE *out, uint64_t v, bool est)
{
	fprintf(out, "<td class=n>%s%" PRIu64 "</td>", est ? "~" : "", v);
}

/*
 * A breakdown row's failures with a meter scaled to max, then its
 * deferred, bounced, expired and rejected cells.
 */
static void
td_failures(FILE *out, const struct bs_by_row *r, bool e, uint64_t max)
{
	fprintf(out,
	    "</td><td class=n>%s%" PRIu64 "<span class=meter "
	    "style=\"width:%.1fem\"></span></td>",
	    e ? "~" : "", r->failures,
	    max ? 6.0 * (double)r->failures / (double)max : 0.0);
	td_num(out, r->kind[BS_DEFERRED], e);
	td_num(out, r->kind[BS_BOUNCED], e);
	td_num(out, r->kind[BS_EXPIRED], e);
	td_num(out, r->kind[BS_REJECTED], e);
}

/* "550 5.1.1", "5.7.1", "550" or "(no code)". */
static const char *
code_text(const struct bs_codes *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", c->basic,
	    c->basic[0] && c->enhanced[0] ? " " : "", c->enhanced);
	if (buf[0] == '\0')
		snprintf(buf, n, "(no code)");
	return buf;
}

static const char *const kind_titles[BS_KIND_COUNT] = { "delivered", "deferred",
	"bounced", "expired", "rejected" };

/*
 * The light scheme's colours as SVG fill attributes too, for mail readers
 * that drop the style sheet (the sheet's rules win where it is kept).
 */
static const char *const kind_fills[BS_KIND_COUNT] = { "#3f8f5b", "#c98a00",
	"#c8374a", "#7b5ea7", "#2a7ab0" };

/* Failures first: the order of the chart's stack, bottom up. */
static const enum bs_kind stack_order[BS_KIND_COUNT] = { BS_BOUNCED, BS_EXPIRED,
	BS_REJECTED, BS_DEFERRED, BS_DELIVERED };

static void
write_head(FILE *out)
{
	fputs(
	    "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
	    "<meta name=viewport content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=color-scheme content=\"light "
	    "dark\">\n<meta name=referrer content=no-referrer>\n"
	    "<meta http-equiv=Content-Security-Policy content=\"default-src "
	    "'none'; style-src 'unsafe-inline'; script-src '" SORT_SCRIPT_SHA256
	    "'; img-src data:; form-action 'none'; "
	    "base-uri 'none'\">\n<title>bouncestat report</title>\n<style>\n",
	    out);
	fputs(css, out);
	fputs("</style>\n</head>\n<body>\n", out);
}

static void
write_period(FILE *out, const struct bs_agg *a, const struct bs_report_opts *o)
{
	const struct bs_totals *t = bs_agg_totals(a);
	struct bs_period p;
	size_t n = bs_agg_ninputs(a);

	bs_report_period(a, o, &p);
	fputs("<header>\n<h1>bouncestat report</h1>\n<p>", out);
	if (p.first[0] != '\0') {
		fputs("Period: <time>", out);
		esc(out, p.first);
		fputs("</time> to <time>", out);
		esc(out, p.last);
		fputs("</time>", out);
	} else {
		fputs("Period: no event with a readable time", out);
	}
	if (p.since[0] != '\0' || p.until[0] != '\0') {
		fputs("<br>Window asked for: ", out);
		esc(out, p.since[0] ? p.since : "the start");
		fputs(" to ", out);
		esc(out, p.until[0] ? p.until : "the end");
	}
	fprintf(out,
	    "<br><span class=mute>%" PRIu64 " event%s in %" PRIu64
	    " line%s from %zu input%s</span></p>\n</header>\n",
	    t->events, t->events == 1 ? "" : "s", t->lines,
	    t->lines == 1 ? "" : "s", n, n == 1 ? "" : "s");
}

static void
write_totals(FILE *out, const struct bs_agg *a)
{
	const struct bs_totals *t = bs_agg_totals(a);
	const char *est = t->messages_estimated ? "~" : "";
	int k;

	fputs("<section id=totals>\n<h2>Totals</h2>\n<div class=cards>\n", out);
	for (k = 0; k < BS_KIND_COUNT; k++) {
		fprintf(out, "<div class=\"card k-%s\"><b>%" PRIu64 "</b>%s",
		    kind_titles[k], t->kind[k], kind_titles[k]);
		fprintf(out,
		    "<br><span class=mute>%s%" PRIu64 " message%s"
		    "</span>",
		    est, t->messages[k], t->messages[k] == 1 ? "" : "s");
		fputs("</div>\n", out);
	}
	fputs("</div>\n", out);
	if (t->messages_estimated)
		fputs("<p class=mute>~: distinct messages estimated.</p>\n",
		    out);
	if (t->folded > 0)
		fprintf(out,
		    "<p>%" PRIu64 " events had codes beyond the %d "
		    "distinct rows kept; they are counted without codes.</p>\n",
		    t->folded, BS_ROWS_MAX);
	fputs("</section>\n", out);
}

/* --- events per hour (or day) -------------------------------------------- */

struct bin {
	char key[24]; /* "2026-12-07T13:00" or "2026-12-07" */
	uint64_t kind[BS_KIND_COUNT];
	uint64_t total;
};

/* The local time a key names ("2026-12-07T13:00" or a date at noon). */
static bool
key_time(const char *key, time_t *t)
{
	struct tm tm = { 0 };
	int n;

	n = sscanf(key, "%d-%d-%dT%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour);
	if (n < 3)
		return false;
	if (n == 3)
		tm.tm_hour = 12;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	*t = mktime(&tm);
	return *t != (time_t)-1;
}

static void
add_to(struct bin *b, const struct bs_by_row *r)
{
	int k;

	for (k = 0; k < BS_KIND_COUNT; k++)
		b->kind[k] += r->kind[k];
	b->total += r->events;
}

/*
 * The bars: one per hour from the first to the last while they span at
 * most BS_HTML_HOURS, else one per day (the empty ones between included
 * while there are at most BS_HTML_DAYS).  Returns how many, with *bins
 * allocated (the caller frees), or -1 if out of memory.
 */
static long
make_bins(const struct bs_breakdown *b, struct bin **bins, bool *daily)
{
	size_t i, j, n = bs_breakdown_nrows(b), first = n, last = n, nb = 0;
	size_t cap;
	time_t t0, t1, t;
	struct bin *v;

	for (i = 0; i < n; i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);

		if (r->type != BS_BY_ROW_KEY || r->keylen >= 24)
			continue;
		if (first == n)
			first = i;
		last = i;
	}
	*bins = NULL;
	*daily = bs_breakdown_by(b) == BS_BY_DAY;
	if (first == n)
		return 0;
	{
		char k0[24], k1[24];
		const struct bs_by_row *r0 = bs_breakdown_row(b, first);
		const struct bs_by_row *r1 = bs_breakdown_row(b, last);

		memcpy(k0, r0->key, r0->keylen);
		k0[r0->keylen] = '\0';
		memcpy(k1, r1->key, r1->keylen);
		k1[r1->keylen] = '\0';
		if (!key_time(k0, &t0) || !key_time(k1, &t1) || t1 < t0)
			t0 = t1 = 0;
	}
	if (!*daily && (t1 - t0) / 3600 + 1 > BS_HTML_HOURS)
		*daily = true;
	cap = n + (size_t)BS_HTML_HOURS + BS_HTML_DAYS + 2;
	v = calloc(cap, sizeof(*v));
	if (v == NULL)
		return -1;
	/* The empty bars between, when there are few enough. */
	if (!*daily && t1 > t0) {
		for (t = t0; t <= t1 && nb < cap; t += 3600) {
			struct tm tm;

			if (localtime_r(&t, &tm) == NULL)
				break;
			strftime(v[nb].key, sizeof(v[nb].key), "%Y-%m-%dT%H:00",
			    &tm);
			/* An hour that repeats (daylight saving) is one. */
			if (nb > 0 && strcmp(v[nb - 1].key, v[nb].key) >= 0)
				continue;
			nb++;
		}
	} else if (*daily && t1 > t0 && (t1 - t0) / 86400 < BS_HTML_DAYS) {
		struct tm tm;

		if (localtime_r(&t0, &tm) != NULL) {
			tm.tm_hour = 12;
			tm.tm_min = tm.tm_sec = 0;
			tm.tm_isdst = -1;
			for (; nb < cap; tm.tm_mday++) {
				struct tm norm = tm;

				if (mktime(&norm) == (time_t)-1)
					break;
				strftime(v[nb].key, sizeof(v[nb].key),
				    "%Y-%m-%d", &norm);
				if (strncmp(v[nb].key,
					bs_breakdown_row(b, last)->key, 10) > 0)
					break;
				nb++;
			}
		}
	}
	/* The rows into the bars (both in time order); keys not met add. */
	j = 0;
	for (i = first; i <= last; i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);
		char key[24];

		if (r->type != BS_BY_ROW_KEY || r->keylen >= 24)
			continue;
		memcpy(key, r->key, r->keylen);
		key[r->keylen] = '\0';
		if (*daily)
			key[10] = '\0';
		while (j < nb && strcmp(v[j].key, key) < 0)
			j++;
		if (j < nb && strcmp(v[j].key, key) == 0) {
			add_to(&v[j], r);
			continue;
		}
		if (nb > 0 && j == nb && strcmp(v[nb - 1].key, key) == 0) {
			add_to(&v[nb - 1], r);
			continue;
		}
		if (nb >= cap)
			break;
		/* Not among the bars made in advance: insert it at j. */
		memmove(&v[j + 1], &v[j], (nb - j) * sizeof(*v));
		memset(&v[j], 0, sizeof(*v));
		snprintf(v[j].key, sizeof(v[j].key), "%s", key);
		add_to(&v[j], r);
		nb++;
	}
	*bins = v;
	return (long)nb;
}

/* A round step for about four gridlines up to max: 1, 2 or 5 times 10^k. */
static uint64_t
nice_step(uint64_t max)
{
	uint64_t step = 1;

	for (;;) {
		if (step * 4 >= max)
			return step;
		if (step * 2 * 4 >= max)
			return step * 2;
		if (step * 5 * 4 >= max)
			return step * 5;
		step *= 10;
	}
}

#define CW 760 /* the chart's viewBox */
#define CH 280
#define ML 74 /* margins: left for the counts, bottom for times */
#define MR 8
#define MT 10
#define MB 58

static void
write_svg(FILE *out, const struct bin *v, size_t nb, bool daily, bool est)
{
	uint64_t max = 0, step, top;
	double slot, bw, ph = CH - MT - MB, pw = CW - ML - MR;
	size_t i, every;
	int k;

	for (i = 0; i < nb; i++)
		if (v[i].total > max)
			max = v[i].total;
	step = nice_step(max > 0 ? max : 1);
	top = (max + step - 1) / step * step;
	if (top == 0)
		top = step;
	slot = pw / (double)nb;
	bw = slot > 3 ? slot * 0.8 : slot;
	fprintf(out,
	    "<div class=scroll><svg viewBox=\"0 0 %d %d\" role=img "
	    "aria-labelledby=chart-title>\n<title id=chart-title>Events per "
	    "%s by kind, %zu bar%s; the table below gives every count"
	    "</title>\n",
	    CW, CH, daily ? "day" : "hour", nb, nb == 1 ? "" : "s");
	for (i = 0; (uint64_t)i * step <= top; i++) {
		double y =
		    MT + ph - ph * (double)((uint64_t)i * step) / (double)top;

		fprintf(out,
		    "<line class=grid x1=%d x2=%d y1=%.1f y2=%.1f />"
		    "<text x=%d y=%.1f text-anchor=end>%s%" PRIu64 "</text>\n",
		    ML, CW - MR, y, y, ML - 6, y + 4, est && i > 0 ? "~" : "",
		    (uint64_t)i * step);
	}
	fprintf(out,
	    "<text x=16 y=%d transform=\"rotate(-90 16 %d)\" "
	    "text-anchor=middle>events per %s</text>\n",
	    MT + (int)ph / 2, MT + (int)ph / 2, daily ? "day" : "hour");
	for (i = 0; i < nb; i++) {
		double x = ML + slot * (double)i + (slot - bw) / 2, y = MT + ph;

		fprintf(out, "<g><title>%s%s: %s%" PRIu64 " event%s", v[i].key,
		    daily ? "" : " (local time)", est ? "~" : "", v[i].total,
		    v[i].total == 1 ? "" : "s");
		for (k = 0; k < BS_KIND_COUNT; k++)
			fprintf(out, "%s%" PRIu64 " %s",
			    k ? ", " : ", of them ", v[i].kind[stack_order[k]],
			    kind_titles[stack_order[k]]);
		fputs("</title>", out);
		for (k = 0; k < BS_KIND_COUNT; k++) {
			enum bs_kind kk = stack_order[k];
			double h = ph * (double)v[i].kind[kk] / (double)top;

			if (v[i].kind[kk] == 0)
				continue;
			y -= h;
			fprintf(out,
			    "<rect class=k-%s fill=\"%s\" x=%.1f y=%.1f "
			    "width=%.1f height=%.1f />",
			    kind_titles[kk], kind_fills[kk], x, y, bw, h);
		}
		fputs("</g>\n", out);
	}
	/* Time labels: about a dozen, and the date where it changes. */
	every = (nb + 11) / 12;
	for (i = 0; i < nb; i += every) {
		double x = ML + slot * ((double)i + 0.5);
		bool newday =
		    i == 0 || strncmp(v[i].key, v[i - every].key, 10) != 0;

		fprintf(out,
		    "<text x=%.1f y=%d text-anchor=middle>%.5s"
		    "</text>\n",
		    x, CH - MB + 16, v[i].key + (daily ? 5 : 11));
		if (!daily && newday)
			fprintf(out,
			    "<text x=%.1f y=%d text-anchor=middle>"
			    "%.5s</text>\n",
			    x, CH - MB + 30, v[i].key + 5);
	}
	fprintf(out, "<line class=grid x1=%d x2=%d y1=%d y2=%d />\n", ML,
	    CW - MR, MT + (int)ph, MT + (int)ph);
	fprintf(out,
	    "<text x=%d y=%d text-anchor=middle>%s, local time"
	    "</text>\n",
	    ML + (int)pw / 2, CH - 6,
	    daily ? "day (month-day)" :
		    "hour (the date under each day's first)");
	fputs("</svg></div>\n", out);
}

static void
write_chart(FILE *out, const struct bs_breakdown *b)
{
	struct bin *v = NULL;
	bool daily, est = bs_breakdown_estimated(b);
	long nb = make_bins(b, &v, &daily);
	size_t i, n = bs_breakdown_nrows(b);
	uint64_t untimed = 0;
	int k;

	fprintf(out, "<section id=chart>\n<h2>Events per %s</h2>\n",
	    daily ? "day" : "hour");
	for (i = 0; i < n; i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);

		if (r->type != BS_BY_ROW_KEY || r->keylen >= 24)
			untimed += r->events;
	}
	if (nb <= 0) {
		fputs("<p>No event with a readable time.</p>\n</section>\n",
		    out);
		free(v);
		return;
	}
	fputs("<p class=mute>Local time.", out);
	for (k = 0; k < BS_KIND_COUNT; k++)
		fprintf(out, "<span class=\"sw k-%s\"></span>%s",
		    kind_titles[stack_order[k]], kind_titles[stack_order[k]]);
	fputs("</p>\n", out);
	write_svg(out, v, (size_t)nb, daily, est);
	if (untimed > 0)
		fprintf(out,
		    "<p>%s%" PRIu64 " event%s without a readable time "
		    "%s not drawn.</p>\n",
		    est ? "~" : "", untimed, untimed == 1 ? "" : "s",
		    untimed == 1 ? "is" : "are");
	if (est)
		fprintf(out,
		    "<p class=mute>~: more %ss than the %d counted "
		    "exactly; a count marked ~ may be up to %" PRIu64 " below "
		    "the truth.</p>\n",
		    daily ? "day" : "hour", BS_BY_KEYS,
		    bs_breakdown_error_bound(b));
	fprintf(out,
	    "<div class=scroll><table class=sort>\n<caption class=mute>"
	    "The chart's counts</caption>\n<thead><tr><th>%s</th>",
	    daily ? "day" : "hour");
	for (k = 0; k < BS_KIND_COUNT; k++)
		fprintf(out, "<th class=n>%s</th>",
		    kind_titles[stack_order[k]]);
	fputs("<th class=n>events</th></tr></thead>\n<tbody>\n", out);
	for (i = 0; i < (size_t)nb; i++) {
		/* "2026-11-28 13:00": the key made for reading. */
		fprintf(out, "<tr><td class=w>%.10s%s%s</td>", v[i].key,
		    daily ? "" : " ", daily ? "" : v[i].key + 11);
		for (k = 0; k < BS_KIND_COUNT; k++)
			td_num(out, v[i].kind[stack_order[k]], est);
		td_num(out, v[i].total, est);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n</section>\n", out);
	free(v);
}

/* --- codes ---------------------------------------------------------------- */

/* The reasons breakdown, if the report counted one. */
static const struct bs_breakdown *
find_by(const struct bs_agg *a, enum bs_by by)
{
	size_t i;

	for (i = 0; i < bs_agg_nby(a); i++)
		if (bs_breakdown_by(bs_agg_by(a, i)) == by)
			return bs_agg_by(a, i);
	return NULL;
}

/*
 * The reasons whose most frequent failure codes (BS_BY_CODES of them per
 * reason) include these codes, with how many failures had both; at most
 * three, most first.
 */
static void
write_code_reasons(FILE *out, const struct bs_breakdown *rb,
    const struct bs_codes *c)
{
	struct {
		const struct bs_by_row *r;
		uint64_t n;
		bool e;
	} top[3];
	size_t i, j, nt = 0, n = rb ? bs_breakdown_nrows(rb) : 0;

	for (i = 0; i < n; i++) {
		const struct bs_by_row *r = bs_breakdown_row(rb, i);

		if (r->type != BS_BY_ROW_KEY || r->failures == 0)
			continue;
		for (j = 0; j < r->ncodes; j++) {
			const struct bs_by_code *bc = &r->codes[j];
			size_t at;

			if (strcmp(bc->codes.basic, c->basic) != 0 ||
			    strcmp(bc->codes.enhanced, c->enhanced) != 0)
				continue;
			for (at = nt; at > 0 && top[at - 1].n < bc->count; at--)
				;
			if (at >= 3)
				break;
			if (nt < 3)
				nt++;
			memmove(&top[at + 1], &top[at],
			    (nt - 1 - at) * sizeof(top[0]));
			top[at].r = r;
			top[at].n = bc->count;
			top[at].e = r->error > 0 || bc->error > 0;
			break;
		}
	}
	fputs("<td data-l=reasons>", out);
	if (nt == 0)
		fputs("-", out);
	for (i = 0; i < nt; i++) {
		fputs(i ? ", " : "", out);
		bs_safe_html(out, top[i].r->key, top[i].r->keylen);
		fprintf(out, " (%s%" PRIu64 ")", top[i].e ? "~" : "", top[i].n);
	}
	fputs("</td>", out);
}

static void
write_codes(FILE *out, const struct bs_agg *a)
{
	const struct bs_breakdown *rb = find_by(a, BS_BY_REASON);
	size_t i, n = bs_agg_nrows(a),
		  shown = n < BS_HTML_CODE_ROWS ? n : BS_HTML_CODE_ROWS;
	uint64_t rest = 0;

	fputs("<section id=codes>\n<h2>Codes</h2>\n", out);
	if (n == 0) {
		fputs("<p>No events.</p>\n</section>\n", out);
		return;
	}
	fputs("<div class=scroll><table class=\"sort rows\">\n<thead><tr>"
	      "<th class=n>events</th><th class=n>messages</th><th>kind</th>"
	      "<th>code</th><th>category</th><th>meaning</th><th>hint</th>",
	    out);
	if (rb != NULL)
		fputs("<th>reasons</th>", out);
	fputs("<th>document</th></tr></thead>\n<tbody>\n", out);
	for (i = 0; i < shown; i++) {
		const struct bs_row *r = bs_agg_row(a, i);
		struct bs_description d;
		char code[48];
		size_t j;

		bs_catalog_describe(&r->codes, r->connfail, &d);
		fprintf(out,
		    "<tr><td class=n data-l=events>%" PRIu64 "</td>"
		    "<td class=n data-l=messages>%s%" PRIu64 "</td>",
		    r->count, r->messages_estimated ? "~" : "", r->messages);
		fprintf(out,
		    "<td class=w data-l=kind><span class=\"sw k-%s\">"
		    "</span>%s</td><td class=w data-l=code><code>",
		    kind_titles[r->kind], kind_titles[r->kind]);
		esc(out, code_text(&r->codes, code, sizeof(code)));
		fputs("</code></td><td data-l=category>", out);
		esc(out, d.category ? d.category : "-");
		fputs("</td><td class=t data-l=meaning>", out);
		esc(out, d.meaning ? d.meaning : "-");
		if (r->connfail & BS_CONN_REFUSED)
			fputs(" (each a connection refused by the remote "
			      "host)",
			    out);
		else if (r->connfail & BS_CONN_FAILED)
			fputs(" (each a connection that could not be "
			      "opened)",
			    out);
		fputs("</td><td class=t data-l=hint>", out);
		esc(out, d.hint ? d.hint : "-");
		fputs("</td>", out);
		if (rb != NULL)
			write_code_reasons(out, rb, &r->codes);
		fputs("<td data-l=document>", out);
		for (j = 0; j < d.ndocument; j++) {
			fputs(j ? " " : "", out);
			esc(out, d.document[j]);
		}
		fputs(d.ndocument ? "</td></tr>\n" : "-</td></tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	for (i = shown; i < n; i++)
		rest += bs_agg_row(a, i)->count;
	if (shown < n)
		fprintf(out,
		    "<p>%zu more code rows with %" PRIu64 " events "
		    "are not shown (--format csv or json lists them all).</p>\n",
		    n - shown, rest);
	fputs("</section>\n", out);
}

/* --detail: the most frequent reply texts of the first code rows. */
static void
write_details(FILE *out, const struct bs_agg *a)
{
	size_t i, j, n = bs_agg_nrows(a);
	bool any = false;

	for (i = 0; i < n && i < BS_HTML_DETAIL_ROWS; i++) {
		const struct bs_row *r = bs_agg_row(a, i);
		char code[48];

		if (r->ndetail == 0)
			continue;
		if (!any)
			fputs(
			    "<section id=replies>\n<h2>Reply texts</h2>\n"
			    "<p class=mute>Addresses, ids and numbers are made "
			    "placeholders.</p>\n",
			    out);
		any = true;
		fprintf(out, "<h3>%s <code>", kind_titles[r->kind]);
		esc(out, code_text(&r->codes, code, sizeof(code)));
		fputs("</code></h3>\n<div class=scroll><table>\n<thead><tr>"
		      "<th class=n>events</th><th>reply</th></tr></thead>\n"
		      "<tbody>\n",
		    out);
		for (j = 0; j < r->ndetail && j < BS_HTML_DETAIL_TEXTS; j++) {
			fputs("<tr>", out);
			td_num(out, r->detail[j].count, r->detail_estimated);
			fputs("<td class=t><code>", out);
			bs_safe_html(out, r->detail[j].text, r->detail[j].len);
			fputs("</code></td></tr>\n", out);
		}
		fputs("</tbody></table></div>\n", out);
		if (r->ndetail > BS_HTML_DETAIL_TEXTS)
			fprintf(out,
			    "<p class=mute>%zu more texts (--format "
			    "text or json lists them).</p>\n",
			    r->ndetail - BS_HTML_DETAIL_TEXTS);
	}
	if (any)
		fputs("</section>\n", out);
}

/* --- breakdowns ------------------------------------------------------------ */

static const char *const by_titles[BS_BY_COUNT] = { "Recipient domains",
	"Remote hosts", "Senders", "Sender domains", "Refused clients",
	"Reasons", "Hours", "Days" };

static void
write_key(FILE *out, const struct bs_by_row *r, enum bs_by by)
{
	if (r->type == BS_BY_ROW_NULL)
		fputs(by == BS_BY_REMOTE   ? "(none: refused/local)" :
			by == BS_BY_CLIENT ? "(none: not refusals)" :
					     "(none)",
		    out);
	else if (r->type == BS_BY_ROW_OTHER)
		fputs("(other)", out);
	else if (r->keylen == 0 && by == BS_BY_SENDER)
		fputs("&lt;&gt; (bounces)", out);
	else
		bs_safe_html(out, r->key, r->keylen);
}

/* A row's top failure codes: "550 5.1.1 x12, 421 4.7.0 x3". */
static void
write_row_codes(FILE *out, const struct bs_by_row *r, size_t max)
{
	size_t k;
	char code[48];

	fputs("<td>", out);
	for (k = 0; k < r->ncodes && k < max; k++) {
		const struct bs_by_code *bc = &r->codes[k];

		fputs(k ? ", " : "<code>", out);
		esc(out, code_text(&bc->codes, code, sizeof(code)));
		fprintf(out, " %s%" PRIu64,
		    r->error > 0 || bc->error > 0 ? "~" : "x", bc->count);
	}
	fputs(r->ncodes ? "</code></td>" : "-</td>", out);
}

static void
write_estimated(FILE *out, const struct bs_breakdown *b)
{
	if (bs_breakdown_estimated(b))
		fprintf(out,
		    "<p class=mute>~: more keys than the %d counted "
		    "exactly; a count marked ~ may be up to %" PRIu64 " below "
		    "the truth.</p>\n",
		    BS_BY_KEYS, bs_breakdown_error_bound(b));
}

/* Failures by reason: every reason with a failure (34 at most). */
static void
write_reasons(FILE *out, const struct bs_breakdown *b)
{
	size_t i, n = bs_breakdown_nrows(b), shown = 0;
	uint64_t max = 0;

	fputs("<section id=reasons>\n<h2>Failures by reason</h2>\n", out);
	for (i = 0; i < n; i++)
		if (bs_breakdown_row(b, i)->failures > max)
			max = bs_breakdown_row(b, i)->failures;
	for (i = 0; i < n; i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);
		bool e = r->error > 0;

		if (r->failures == 0)
			continue;
		if (shown++ == 0)
			fputs(
			    "<div class=scroll><table class=sort>\n<thead><tr>"
			    "<th>reason</th><th class=n>failed</th>"
			    "<th class=n>deferred</th><th class=n>bounced</th>"
			    "<th class=n>expired</th><th class=n>rejected</th>"
			    "<th class=n>hard</th><th>top codes</th></tr>"
			    "</thead>\n<tbody>\n",
			    out);
		fputs("<tr><td class=k>", out);
		write_key(out, r, BS_BY_REASON);
		td_failures(out, r, e, max);
		td_num(out, r->hard, e);
		write_row_codes(out, r, BS_BY_CODES);
		fputs("</tr>\n", out);
	}
	if (shown == 0)
		fputs("<p>No failures.</p>\n", out);
	else
		fputs("</tbody></table></div>\n", out);
	write_estimated(out, b);
	fputs("</section>\n", out);
}

/* The top keys of one breakdown by failures, as text --by shows them. */
static void
write_table(FILE *out, const struct bs_breakdown *b, unsigned top)
{
	enum bs_by by = bs_breakdown_by(b);
	size_t i, n = bs_breakdown_nrows(b), shown = 0, keys = 0;
	bool msgs = bs_breakdown_counts_messages(b);
	bool mest = bs_breakdown_messages_estimated(b);
	uint64_t max = 0;

	for (i = 0; i < n; i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);

		if (r->type == BS_BY_ROW_KEY)
			keys++;
		if (r->failures > max)
			max = r->failures;
	}
	fprintf(out, "<section id=by-%s>\n<h2>%s by failures</h2>\n",
	    bs_by_name(by), by_titles[by]);
	if (keys > 0)
		fprintf(out, "<p class=mute>The top %zu of %s%zu.</p>\n",
		    keys < top ? keys : (size_t)top,
		    bs_breakdown_estimated(b) ? "more than " : "", keys);
	for (i = 0; i < n && shown < top; i++) {
		const struct bs_by_row *r = bs_breakdown_row(b, i);
		bool e = r->error > 0;

		if (r->failures == 0 && r->type == BS_BY_ROW_KEY)
			continue;
		if (shown++ == 0)
			fprintf(out,
			    "<div class=scroll><table class=sort>\n"
			    "<thead><tr><th>%s</th><th class=n>failed</th>"
			    "<th class=n>deferred</th><th class=n>bounced</th>"
			    "<th class=n>expired</th><th class=n>rejected</th>"
			    "<th class=n>delivered</th>%s<th>top failure codes"
			    "</th></tr></thead>\n<tbody>\n",
			    bs_by_name(by),
			    msgs ? "<th class=n>messages</th>" : "");
		fputs("<tr><td class=k>", out);
		write_key(out, r, by);
		td_failures(out, r, e, max);
		td_num(out, r->kind[BS_DELIVERED], e);
		if (msgs)
			td_num(out, r->messages, e || mest);
		write_row_codes(out, r, 3);
		fputs("</tr>\n", out);
	}
	if (shown == 0)
		fputs("<p>No failures.</p>\n", out);
	else
		fputs("</tbody></table></div>\n", out);
	write_estimated(out, b);
	fputs("</section>\n", out);
}

/* --- outcomes -------------------------------------------------------------- */

/* One outcome, its meter in the colour of the kind it ended as. */
static void
outcome_row(FILE *out, const char *what, enum bs_kind k, uint64_t v,
    uint64_t all, bool e)
{
	fprintf(out,
	    "<tr><td>%s</td><td class=n>%s%" PRIu64 "</td>"
	    "<td class=n>%.1f%%<span class=\"meter k-%s\" style=\"width:"
	    "%.1fem\"></span></td></tr>\n",
	    what, e ? "~" : "", v, all ? 100.0 * (double)v / (double)all : 0.0,
	    kind_titles[k], all ? 6.0 * (double)v / (double)all : 0.0);
}

static void
delay_row(FILE *out, const char *what, const struct bs_delays *d)
{
	char b[4][32];

	if (d->samples == 0)
		return;
	fprintf(out,
	    "<tr><td>%s</td><td class=n>%" PRIu64 "</td>"
	    "<td class=n>%s</td><td class=n>%s</td><td class=n>%s</td>"
	    "<td class=n>%s</td></tr>\n",
	    what, d->samples, bs_report_duration(b[0], 32, d->p50),
	    bs_report_duration(b[1], 32, d->p90),
	    bs_report_duration(b[2], 32, d->p99),
	    bs_report_duration(b[3], 32, d->max));
}

/* What happened in the end (outcome.h), as report_text.c tells it. */
static void
write_outcomes(FILE *out, const struct bs_agg *a)
{
	const struct bs_outcomes *r = bs_agg_outcomes(a);
	uint64_t exp_after = r->deferred - r->delivered_after_deferral -
	    r->bounced_after_deferral - r->still_deferred;
	bool e = r->estimated;
	size_t i;

	if (r->recipients == 0 && !r->estimated)
		return;
	fprintf(out,
	    "<section id=outcomes>\n<h2>What happened in the end"
	    "</h2>\n<p>%s%" PRIu64 " recipient%s of queued mail, by how their "
	    "mail ended.</p>\n<div class=scroll><table>\n<thead><tr><th>"
	    "outcome</th><th class=n>recipients</th><th class=n>share</th>"
	    "</tr></thead>\n<tbody>\n",
	    e ? "~" : "", r->recipients, r->recipients == 1 ? "" : "s");
	outcome_row(out, "delivered at the first attempt", BS_DELIVERED,
	    r->delivered_first, r->recipients, e);
	outcome_row(out, "delivered after deferrals", BS_DELIVERED,
	    r->delivered_after_deferral, r->recipients, e);
	outcome_row(out, "bounced at once", BS_BOUNCED, r->bounced_first,
	    r->recipients, e);
	outcome_row(out, "bounced after deferrals", BS_BOUNCED,
	    r->bounced_after_deferral, r->recipients, e);
	outcome_row(out, "expired", BS_EXPIRED, r->expired, r->recipients, e);
	outcome_row(out, "still queued at the end of the log", BS_DEFERRED,
	    r->still_deferred, r->recipients, e);
	fputs("</tbody></table></div>\n", out);
	if (r->deferred > 0) {
		fprintf(out,
		    "<p>%s%" PRIu64 " recipient%s deferred at least "
		    "once (%s%" PRIu64 " of them expired). Deferrals before "
		    "the end: 1 for %s%" PRIu64 ", 2-3 for %s%" PRIu64 ", 4-10 "
		    "for %s%" PRIu64 ", more for %s%" PRIu64 ".",
		    e ? "~" : "", r->deferred, r->deferred == 1 ? "" : "s",
		    e ? "~" : "", exp_after, e ? "~" : "",
		    r->deferrals_before[BS_DEFERRALS_1], e ? "~" : "",
		    r->deferrals_before[BS_DEFERRALS_2_3], e ? "~" : "",
		    r->deferrals_before[BS_DEFERRALS_4_10], e ? "~" : "",
		    r->deferrals_before[BS_DEFERRALS_MORE]);
		for (i = 0; i < r->ndomains && r->still_deferred > 0; i++) {
			fputs(i ? ", " : " Still queued: ", out);
			if (r->domains[i].name == NULL)
				fputs("other domains", out);
			else
				bs_safe_html(out, r->domains[i].name,
				    r->domains[i].len);
			fprintf(out, " %s%" PRIu64, e ? "~" : "",
			    r->domains[i].count);
		}
		fputs(r->ndomains && r->still_deferred ? ".</p>\n" : "</p>\n",
		    out);
	}
	if (r->delay_delivered.samples + r->delay_after_deferral.samples > 0) {
		fputs("<div class=scroll><table>\n<thead><tr><th>delay of "
		      "delivered mail</th><th class=n>samples</th><th class=n>"
		      "median</th><th class=n>p90</th><th class=n>p99</th>"
		      "<th class=n>max</th></tr></thead>\n<tbody>\n",
		    out);
		delay_row(out, "all delivered", &r->delay_delivered);
		delay_row(out, "delivered after deferrals",
		    &r->delay_after_deferral);
		fputs("</tbody></table></div>\n", out);
	}
	if (e)
		fprintf(out,
		    "<p class=mute>~: more than %u recipients in "
		    "flight at once; %" PRIu64 " could not be followed, and a "
		    "count marked ~ may be off by up to that many.</p>\n",
		    (unsigned)BS_OUTCOME_RECIPIENTS, r->error_bound);
	fputs("</section>\n", out);
}

/* --- the server's own trouble (health.h) ------------------------------------ */

/* The totals per severity and the top groups, when there are any. */
static void
write_health(FILE *out, const struct bs_agg *a, unsigned top)
{
	const struct bs_health_report *h = bs_agg_health_results(a);
	size_t i;

	if (h->lines == 0)
		return;
	fprintf(out,
	    "<section id=health>\n<h2>Server health</h2>\n<p>%" PRIu64
	    " line%s of the mail server's own trouble (not events): %" PRIu64
	    " warning, %" PRIu64 " error, %" PRIu64 " fatal, %" PRIu64
	    " panic.</p>\n",
	    h->lines, h->lines == 1 ? "" : "s", h->severity[BS_SEV_WARNING],
	    h->severity[BS_SEV_ERROR], h->severity[BS_SEV_FATAL],
	    h->severity[BS_SEV_PANIC]);
	fputs("<div class=scroll><table class=sort>\n<thead><tr>"
	      "<th class=n>lines</th><th>severity</th><th>program</th>"
	      "<th>text</th><th>kind</th></tr></thead>\n<tbody>\n",
	    out);
	for (i = 0; i < h->ngroups && i < top; i++) {
		const struct bs_health_group *g = &h->groups[i];

		fputs("<tr>", out);
		td_num(out, g->count, g->error > 0);
		fprintf(out, "<td>%s</td><td>", bs_severity_name(g->severity));
		bs_safe_html(out, g->program, g->program_len);
		fputs("</td><td class=t><code>", out);
		bs_safe_html(out, g->text, g->text_len);
		fputs("</code></td><td>", out);
		esc(out, g->class != NULL ? g->class : "-");
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	if (h->ngroups > top)
		fprintf(out,
		    "<p class=mute>%zu more group%s in the JSON "
		    "report.</p>\n",
		    h->ngroups - top, h->ngroups - top == 1 ? "" : "s");
	if (h->estimated)
		fprintf(out,
		    "<p class=mute>~: more than %u kinds of warning; "
		    "a count marked ~ may be over by up to %" PRIu64 ".</p>\n",
		    (unsigned)BS_HEALTH_GROUPS, h->bound);
	fputs("</section>\n", out);
}

/* --- inputs ----------------------------------------------------------------- */

static void
write_inputs(FILE *out, const struct bs_agg *a)
{
	size_t i, n = bs_agg_ninputs(a);
	uint64_t untimed = 0, outside = 0;

	fputs(
	    "<section id=inputs>\n<h2>Inputs</h2>\n<div class=scroll><table>"
	    "\n<thead><tr><th>input</th><th>format</th><th class=n>lines</th>"
	    "<th class=n>events</th><th>problems</th></tr></thead>\n<tbody>\n",
	    out);
	for (i = 0; i < n; i++) {
		const struct bs_input_stats *s = bs_agg_input(a, i);
		bool any = false;

		untimed += s->untimed;
		outside += s->outside;
		fputs("<tr><td class=k>", out);
		esc(out, s->path);
		fputs("</td><td>", out);
		esc(out, s->format ? s->format : "(not recognised)");
		fputs("</td>", out);
		td_num(out, s->lines, false);
		td_num(out, s->events, false);
		fputs("<td class=t>", out);
		if (s->error[0] != '\0') {
			fputs("<span class=err>", out);
			esc(out, s->error);
			fputs("</span>", out);
			any = true;
		}
		if (s->cut > 0) {
			fprintf(out, "%s%" PRIu64 " line%s cut at %d bytes",
			    any ? "; " : "", s->cut, s->cut == 1 ? "" : "s",
			    BS_LINE_MAX);
			any = true;
		}
		if (s->match_errors > 0) {
			fprintf(out,
			    "%s%" PRIu64 " line%s the patterns gave up "
			    "on (the first: line %" PRIu64 ")",
			    any ? "; " : "", s->match_errors,
			    s->match_errors == 1 ? "" : "s",
			    s->first_match_error);
			any = true;
		}
		fputs(any ? "</td></tr>\n" : "-</td></tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	if (untimed + outside > 0)
		fprintf(out,
		    "<p>Left out by the time window: %" PRIu64
		    " event%s outside it, %" PRIu64 " without a readable "
		    "time.</p>\n",
		    outside, outside == 1 ? "" : "s", untimed);
	fputs("</section>\n", out);
}

int
bs_report_html(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o)
{
	const struct bs_breakdown *chart = find_by(a, BS_BY_HOUR);
	unsigned top = o->top ? o->top : 10;
	size_t i, n = bs_agg_nby(a);

	if (chart == NULL)
		chart = find_by(a, BS_BY_DAY);
	write_head(out);
	write_period(out, a, o);
	fputs("<main>\n", out);
	write_totals(out, a);
	if (chart != NULL)
		write_chart(out, chart);
	write_outcomes(out, a);
	write_codes(out, a);
	if (o->detail)
		write_details(out, a);
	for (i = 0; i < n; i++) {
		const struct bs_breakdown *b = bs_agg_by(a, i);
		enum bs_by by = bs_breakdown_by(b);

		if (b == chart)
			continue;
		if (by == BS_BY_REASON)
			write_reasons(out, b);
		else
			write_table(out, b, top);
	}
	write_health(out, a, top);
	write_inputs(out, a);
	fputs("</main>\n<footer><p class=mute>Made by bouncestat. Where "
	      "scripts run, a click on a column's heading sorts its table."
	      "</p></footer>\n"
	      "<script>" SORT_SCRIPT "</script>\n</body>\n</html>\n",
	    out);
	return ferror(out) ? -1 : 0;
}
