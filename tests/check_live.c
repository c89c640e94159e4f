/*
 * check_live.c - the live view: the interval and sliding-window
 * arithmetic and what is new (src/live.c), and its drawing in place
 * (src/report_live.c): the sequences, the width on UTF-8 boundaries, the
 * height, colours and NO_COLOR, and a hostile domain name.
 *
 * Each case feeds cumulative samples at chosen times (milliseconds on
 * the monotonic clock the follower uses) and checks exact counts.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "live.h"
#include "report.h"
#include "suites.h"

#define MIN	60000

/* A sample of one or two codes and one domain, cumulative. */
struct sample {
	struct bs_live_code_in codes[64];
	struct bs_live_domain_in domains[4];
	struct bs_live_sample s;
};

static void
sample_init(struct sample *x)
{
	memset(x, 0, sizeof(*x));
	x->s.codes = x->codes;
	x->s.domains = x->domains;
	x->s.domains_counted = true;
}

static void
add_code(struct sample *x, enum bs_kind kind, const char *basic,
    const char *enhanced, uint64_t count)
{
	struct bs_live_code_in *c = &x->codes[x->s.ncodes++];

	c->kind = kind;
	snprintf(c->codes.basic, sizeof(c->codes.basic), "%.3s", basic);
	snprintf(c->codes.enhanced, sizeof(c->codes.enhanced), "%.11s",
	    enhanced);
	c->count = count;
	x->s.kind[kind] += count;
}

static void
add_domain(struct sample *x, const char *name, uint64_t failures,
    const char *basic, const char *enhanced)
{
	struct bs_live_domain_in *d = &x->domains[x->s.ndomains++];

	d->name = name;
	d->len = strlen(name);
	d->failures = failures;
	snprintf(d->top.basic, sizeof(d->top.basic), "%.3s", basic);
	snprintf(d->top.enhanced, sizeof(d->top.enhanced), "%.11s",
	    enhanced);
}

/* Bounced 550 5.1.1 events since the start, as the follower counts. */
static const struct bs_live_view *
bounced(struct bs_live *l, uint64_t total, int64_t at)
{
	struct sample x;

	sample_init(&x);
	add_code(&x, BS_BOUNCED, "550", "5.1.1", total);
	ck_assert_int_eq(bs_live_update(l, &x.s, at), BS_OK);
	return bs_live_view(l);
}

START_TEST(test_interval_and_window)
{
	/* Every minute, a window of three. */
	struct bs_live *l = bs_live_new(60, 180, 0);
	static const struct {
		uint64_t total, interval, window;
		int64_t covered_ms;
	} steps[] = {
		{ 3, 3, 3, MIN },	/* 1 min */
		{ 5, 2, 5, 2 * MIN },
		{ 5, 0, 5, 3 * MIN },
		{ 6, 1, 3, 3 * MIN },	/* 4 min: the first minute is out */
		{ 6, 0, 1, 3 * MIN },
		{ 6, 0, 1, 3 * MIN },
		{ 6, 0, 0, 3 * MIN },	/* 7 min: the 6th event is out too */
	};
	size_t i;

	ck_assert_ptr_nonnull(l);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct bs_live_view *v = bounced(l, steps[i].total,
		    (int64_t)(i + 1) * MIN);

		ck_assert_uint_eq(v->refreshes, i + 1);
		ck_assert_int_eq(v->interval_ms, MIN);
		ck_assert_uint_eq(v->interval[BS_BOUNCED], steps[i].interval);
		ck_assert_uint_eq(v->window[BS_BOUNCED], steps[i].window);
		ck_assert_uint_eq(v->total[BS_BOUNCED], steps[i].total);
		ck_assert_int_eq(v->window_ms, steps[i].covered_ms);
		ck_assert_int_eq(v->window_asked_ms, 3 * MIN);
		ck_assert_uint_eq(v->interval[BS_DEFERRED], 0);
		ck_assert(!v->window_partial);
		/* The code's own row counts the same. */
		if (steps[i].window > 0) {
			ck_assert_uint_eq(v->ncodes, 1);
			ck_assert_str_eq(v->codes[0].codes.enhanced, "5.1.1");
			ck_assert_uint_eq(v->codes[0].interval,
			    steps[i].interval);
			ck_assert_uint_eq(v->codes[0].window, steps[i].window);
			ck_assert_uint_eq(v->codes[0].total, steps[i].total);
		} else
			ck_assert_uint_eq(v->ncodes, 0);
	}
	bs_live_free(l);
}
END_TEST

/*
 * A refresh a little late (the follower's tick after a slow report) does
 * not take in one minute too many; a refresh asked for in between (the
 * first, SIGUSR1) is one more slot of the same window.
 */
START_TEST(test_window_jitter_and_extra_refresh)
{
	struct bs_live *l = bs_live_new(60, 120, 0);
	const struct bs_live_view *v;

	ck_assert_ptr_nonnull(l);
	v = bounced(l, 0, 5);			/* the first, at once */
	ck_assert_uint_eq(v->window[BS_BOUNCED], 0);
	v = bounced(l, 4, MIN + 100);		/* 4, drawn 100 ms late */
	ck_assert_uint_eq(v->interval[BS_BOUNCED], 4);
	v = bounced(l, 5, 2 * MIN + 10);	/* 1 more */
	ck_assert_uint_eq(v->window[BS_BOUNCED], 5);
	ck_assert_int_eq(v->window_ms, 2 * MIN + 10 - 5);
	v = bounced(l, 7, 2 * MIN + 30000);	/* SIGUSR1: 2 more */
	ck_assert_uint_eq(v->interval[BS_BOUNCED], 2);
	ck_assert_int_eq(v->interval_ms, 29990);
	ck_assert_uint_eq(v->window[BS_BOUNCED], 7);
	v = bounced(l, 7, 3 * MIN + 50);	/* 50 ms late */
	/*
	 * The slots ending at 2:00.01, 2:30 and 3:00.05 are in; the one
	 * ending at 1:00.1, after 1:00.05, is out all the same: it held the
	 * first minute.
	 */
	ck_assert_uint_eq(v->window[BS_BOUNCED], 3);
	ck_assert_int_eq(v->window_ms, 3 * MIN + 50 - (MIN + 100));
	bs_live_free(l);
}
END_TEST

/* More refreshes in a window than the ring holds: the oldest go. */
START_TEST(test_ring_full)
{
	struct bs_live *l = bs_live_new(60, 120, 0);
	const struct bs_live_view *v = NULL;
	int i, cap = 2 + BS_LIVE_SLOTS_SPARE;

	ck_assert_ptr_nonnull(l);
	for (i = 1; i <= cap + 2; i++)
		v = bounced(l, (uint64_t)i, (int64_t)i * 1000);
	ck_assert_uint_eq(v->interval[BS_BOUNCED], 1);
	ck_assert_uint_eq(v->window[BS_BOUNCED], (uint64_t)cap);
	ck_assert_uint_eq(v->total[BS_BOUNCED], (uint64_t)cap + 2);
	/* It says how much it covers: cap slots of a second. */
	ck_assert_int_eq(v->window_ms, (int64_t)cap * 1000);
	bs_live_free(l);
}
END_TEST

START_TEST(test_bounds)
{
	ck_assert_ptr_null(bs_live_new(60, 59, 0));
	ck_assert_ptr_null(bs_live_new(0, 60, 0));
	ck_assert_ptr_null(bs_live_new(1, BS_LIVE_SLOTS + 1, 0));
	ck_assert_ptr_null(bs_live_new(86400, BS_LIVE_WINDOW_MAX + 1, 0));
	bs_live_free(bs_live_new(1, BS_LIVE_SLOTS, 0));
	bs_live_free(NULL);
}
END_TEST

/* What is new: codes and failing domains absent from the last window. */
START_TEST(test_new_codes_and_domains)
{
	struct bs_live *l = bs_live_new(60, 60, 0);
	struct sample x;
	const struct bs_live_view *v;

	ck_assert_ptr_nonnull(l);
	/* 1 min: deliveries and a bounce; only the bounce is news. */
	sample_init(&x);
	add_code(&x, BS_DELIVERED, "250", "2.0.0", 10);
	add_code(&x, BS_BOUNCED, "550", "5.1.1", 1);
	add_domain(&x, "example.org", 1, "550", "5.1.1");
	add_domain(&x, "example.com", 0, "", "");
	ck_assert_int_eq(bs_live_update(l, &x.s, MIN), BS_OK);
	v = bs_live_view(l);
	ck_assert_uint_eq(v->nnew_codes, 1);
	ck_assert_int_eq(v->new_codes[0].kind, BS_BOUNCED);
	ck_assert_str_eq(v->new_codes[0].codes.basic, "550");
	ck_assert_uint_eq(v->new_codes[0].interval, 1);
	ck_assert_uint_eq(v->nnew_domains, 1);
	ck_assert_uint_eq(v->new_domains[0].len, 11);
	ck_assert(memcmp(v->new_domains[0].name, "example.org", 11) == 0);
	ck_assert_str_eq(v->new_domains[0].codes.enhanced, "5.1.1");
	ck_assert_uint_eq(v->ndomains, 1);

	/* 2 min: the same bounce again, a new deferral at a new domain. */
	sample_init(&x);
	add_code(&x, BS_DELIVERED, "250", "2.0.0", 30);
	add_code(&x, BS_BOUNCED, "550", "5.1.1", 2);
	add_code(&x, BS_DEFERRED, "421", "4.7.0", 3);
	add_domain(&x, "example.org", 2, "550", "5.1.1");
	add_domain(&x, "example.com", 3, "421", "4.7.0");
	ck_assert_int_eq(bs_live_update(l, &x.s, 2 * MIN), BS_OK);
	v = bs_live_view(l);
	ck_assert_uint_eq(v->nnew_codes, 1);
	ck_assert_str_eq(v->new_codes[0].codes.basic, "421");
	ck_assert_uint_eq(v->new_codes[0].interval, 3);
	ck_assert_uint_eq(v->new_codes[0].window, 3);
	ck_assert_uint_eq(v->nnew_domains, 1);
	ck_assert(memcmp(v->new_domains[0].name, "example.com", 11) == 0);
	ck_assert_str_eq(v->new_domains[0].codes.basic, "421");
	ck_assert_uint_eq(v->new_domains[0].interval, 3);
	/* The window's lists: most first. */
	ck_assert_uint_eq(v->ncodes, 2);
	ck_assert_str_eq(v->codes[0].codes.basic, "421");
	ck_assert_uint_eq(v->ndomains, 2);
	ck_assert_uint_eq(v->domains[1].window, 1);
	ck_assert_uint_eq(v->interval[BS_DELIVERED], 20);

	/* 3 min: quiet.  4 min: the 550 again: new, its window was 3 min. */
	sample_init(&x);
	add_code(&x, BS_BOUNCED, "550", "5.1.1", 2);
	add_code(&x, BS_DEFERRED, "421", "4.7.0", 3);
	ck_assert_int_eq(bs_live_update(l, &x.s, 3 * MIN), BS_OK);
	v = bs_live_view(l);
	ck_assert_uint_eq(v->nnew_codes + v->nnew_domains, 0);
	ck_assert_uint_eq(v->ncodes, 0);
	sample_init(&x);
	add_code(&x, BS_BOUNCED, "550", "5.1.1", 3);
	add_code(&x, BS_DEFERRED, "421", "4.7.0", 3);
	ck_assert_int_eq(bs_live_update(l, &x.s, 4 * MIN), BS_OK);
	v = bs_live_view(l);
	ck_assert_uint_eq(v->nnew_codes, 1);
	ck_assert_str_eq(v->new_codes[0].codes.basic, "550");
	ck_assert(!v->domains_counted || v->ndomains == 0);
	bs_live_free(l);
}
END_TEST

/* With a longer window, a code back after a quiet minute is not news. */
START_TEST(test_new_against_window)
{
	struct bs_live *l = bs_live_new(60, 180, 0);
	const struct bs_live_view *v;

	ck_assert_ptr_nonnull(l);
	v = bounced(l, 1, MIN);
	ck_assert_uint_eq(v->nnew_codes, 1);
	v = bounced(l, 1, 2 * MIN);
	ck_assert_uint_eq(v->nnew_codes, 0);
	v = bounced(l, 2, 3 * MIN);
	ck_assert_uint_eq(v->nnew_codes, 0);	/* 1 min is in 0-3 min */
	v = bounced(l, 2, 4 * MIN);
	v = bounced(l, 2, 5 * MIN);
	v = bounced(l, 2, 6 * MIN);
	v = bounced(l, 3, 7 * MIN);		/* last seen at 3 min */
	ck_assert_uint_eq(v->nnew_codes, 1);
	bs_live_free(l);
}
END_TEST

/*
 * A count that goes down (a breakdown that began to estimate) is no
 * change; an interval with more codes than a slot keeps leaves the
 * smallest out of later windows, and the view says so.
 */
START_TEST(test_down_and_partial)
{
	struct bs_live *l = bs_live_new(60, 120, 0);
	struct sample x;
	const struct bs_live_view *v;
	int i;

	ck_assert_ptr_nonnull(l);
	v = bounced(l, 5, MIN);
	v = bounced(l, 3, 2 * MIN);
	ck_assert_uint_eq(v->interval[BS_BOUNCED], 0);
	ck_assert_uint_eq(v->window[BS_BOUNCED], 5);
	bs_live_free(l);

	l = bs_live_new(60, 120, 0);
	ck_assert_ptr_nonnull(l);
	sample_init(&x);
	for (i = 0; i < BS_LIVE_SLOT_KEYS + 8; i++) {
		char e[16];

		snprintf(e, sizeof(e), "5.%d.%d", i / 10, i % 10);
		add_code(&x, BS_BOUNCED, "550", e, (uint64_t)i + 1);
	}
	ck_assert_int_eq(bs_live_update(l, &x.s, MIN), BS_OK);
	v = bs_live_view(l);
	/* The last interval itself is exact. */
	ck_assert(!v->window_partial);
	ck_assert_uint_eq(v->ncodes, BS_LIVE_TOP);
	ck_assert_uint_eq(v->more_codes, BS_LIVE_SLOT_KEYS + 8 - BS_LIVE_TOP);
	ck_assert_uint_eq(v->nnew_codes, BS_LIVE_TOP);
	ck_assert_uint_eq(v->new_codes[0].interval, BS_LIVE_SLOT_KEYS + 8);
	ck_assert_uint_eq(bs_live_update(l, &x.s, 2 * MIN), BS_OK);
	v = bs_live_view(l);
	ck_assert(v->window_partial);
	ck_assert_uint_eq(v->window[BS_BOUNCED], (BS_LIVE_SLOT_KEYS + 8) *
	    (BS_LIVE_SLOT_KEYS + 9) / 2);
	/* The 32 largest stay in the window, the 8 smallest are out. */
	ck_assert_uint_eq(v->ncodes, BS_LIVE_TOP);
	ck_assert_uint_eq(v->more_codes, BS_LIVE_SLOT_KEYS - BS_LIVE_TOP);
	ck_assert_uint_eq(v->codes[0].window, BS_LIVE_SLOT_KEYS + 8);
	bs_live_free(l);
}
END_TEST

/* The drawing, into a string. */
static char *
draw(const struct bs_live_view *v, int width, int height, bool color,
    bool first)
{
	struct bs_live_draw d = { .width = width, .height = height,
	    .color = color, .first = first, .now = 3600 * 10 + 5 * 60 + 31,
	    .last = first ? 0 : 3600 * 10 + 4 * 60 + 31, .interval_s = 60 };
	char *buf = NULL, *tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	/* The clock in UTC, and TZ as it was (CK_FORK=no). */
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(bs_report_live(f, v, &d), 0);
	if (tz != NULL)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(tz);
	fclose(f);
	return buf;
}

/* The text without the terminal sequences (ESC [ ... letter). */
static void
strip(const char *s, char *out, size_t n)
{
	size_t o = 0;

	while (*s != '\0' && o + 1 < n) {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while (*s != '\0' && !(*s >= 'A' && *s <= 'z'))
				s++;
			if (*s != '\0')
				s++;
			continue;
		}
		out[o++] = *s++;
	}
	out[o] = '\0';
}

/* The most characters on one line, and the number of lines. */
static void
measure(const char *text, int *widest, int *lines)
{
	int col = 0;

	*widest = *lines = 0;
	for (; *text != '\0'; text++) {
		if (*text == '\n') {
			(*lines)++;
			col = 0;
			continue;
		}
		if (((unsigned char)*text & 0xc0) != 0x80)
			col++;
		if (col > *widest)
			*widest = col;
	}
}

static bool
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != 0) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
		    (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;

		if (n < 0)
			return false;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* A view with news, a hostile and a long UTF-8 domain. */
static struct bs_live *
busy(void)
{
	static char hostile[] = "evil\033[2J\033]0;pwned\007.example";
	static const char wide[] = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9.example";	/* twenty e-acutes */
	struct bs_live *l = bs_live_new(60, 900, 0);
	struct sample x;

	ck_assert_ptr_nonnull(l);
	sample_init(&x);
	add_code(&x, BS_DELIVERED, "250", "2.0.0", 1200);
	add_code(&x, BS_BOUNCED, "550", "5.1.1", 7);
	add_code(&x, BS_DEFERRED, "421", "4.7.0", 3);
	add_code(&x, BS_REJECTED, "554", "5.7.1", 2);
	add_domain(&x, hostile, 7, "550", "5.1.1");
	add_domain(&x, wide, 3, "421", "4.7.0");
	ck_assert_int_eq(bs_live_update(l, &x.s, MIN), BS_OK);
	return l;
}

START_TEST(test_draw_sequences_and_counts)
{
	struct bs_live *l = busy();
	char *out = draw(bs_live_view(l), 80, 40, false, true), text[8192];
	char want[128];

	/* Home and clear first; every line erased to its end; then below. */
	ck_assert(strncmp(out, "\033[H\033[2J", 7) == 0);
	ck_assert_ptr_nonnull(strstr(out, "\033[K\n"));
	ck_assert(strcmp(out + strlen(out) - 3, "\033[J") == 0);
	/* NO_COLOR: no colour, no bold. */
	ck_assert_ptr_null(strstr(out, "\033[1m"));
	ck_assert_ptr_null(strstr(out, "\033[3"));
	ck_assert_ptr_null(strstr(out, "\033[0m"));
	strip(out, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "bouncestat --follow  10:05:31\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "\nevery 1 min, window 15 min (1 min so far)\n"));
	/* Labels in 50 columns, then interval, window and total in 10. */
	snprintf(want, sizeof(want), "\n%-50s%10d%10d%10d\n", "bounced", 7,
	    7, 7);
	ck_assert_ptr_nonnull(strstr(text, want));
	snprintf(want, sizeof(want), "\n%-50s%10d%10d%10d\n", "delivered",
	    1200, 1200, 1200);
	ck_assert_ptr_nonnull(strstr(text, want));
	snprintf(want, sizeof(want), "\n%-50s%10d%10d%10d\n",
	    "  550 5.1.1 bounced", 7, 7, 7);
	ck_assert_ptr_nonnull(strstr(text, want));
	ck_assert_ptr_nonnull(strstr(text, "New since the start:\n"));
	ck_assert_ptr_nonnull(strstr(text, "  new code 550 5.1.1 bounced"));
	ck_assert_ptr_nonnull(strstr(text, "  new code 421 4.7.0 deferred"));
	ck_assert_ptr_nonnull(strstr(text, "  failing evil\\x1b[2J\\x1b]0;"
	    "pwned"));
	/* Delivered mail is no failure code. */
	ck_assert_ptr_null(strstr(text, "250 2.0.0"));
	/* No escape from the log reaches the terminal. */
	ck_assert_ptr_null(strstr(out, "\033]"));
	ck_assert_ptr_null(strstr(out, "\033[2J\033]"));
	free(out);

	/* Later refreshes go home without clearing, and say since when. */
	out = draw(bs_live_view(l), 80, 40, true, false);
	ck_assert(strncmp(out, "\033[H\033[1m", 7) == 0);
	ck_assert_ptr_nonnull(strstr(out, "\033[31mbounced"));
	ck_assert_ptr_nonnull(strstr(out, "\033[33mdeferred"));
	strip(out, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "New since 10:04:31:\n"));
	free(out);
	bs_live_free(l);
}
END_TEST

START_TEST(test_draw_narrow_and_short)
{
	struct bs_live *l = busy();
	static const int widths[] = { 40, 41, 52, 53, 60, 80, 20, 0 };
	size_t i;

	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		char *out = draw(bs_live_view(l), widths[i], 40, true, false);
		char text[8192];
		int widest, lines, want = widths[i] == 0 ? 80 :
		    widths[i] < BS_LIVE_MIN_WIDTH ? BS_LIVE_MIN_WIDTH :
		    widths[i];

		strip(out, text, sizeof(text));
		measure(text, &widest, &lines);
		ck_assert_msg(widest <= want, "width %d: a line of %d",
		    widths[i], widest);
		ck_assert(valid_utf8(out));
		/* The counts stay; a label too long ends in "...". */
		ck_assert_ptr_nonnull(strstr(text, "  7\n"));
		if (want < 60)
			ck_assert_ptr_nonnull(strstr(text, "...  "));
		free(out);
	}
	/* 16 rows: at most 15 lines, the lists cut, saying so. */
	{
		char *out = draw(bs_live_view(l), 80, 16, false, false);
		char text[8192];
		int widest, lines;

		strip(out, text, sizeof(text));
		measure(text, &widest, &lines);
		ck_assert_int_le(lines, 15);
		ck_assert_ptr_nonnull(strstr(text, "more\n"));
		free(out);
	}
	bs_live_free(l);
}
END_TEST

Suite *
live_suite(void)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("window");

	tcase_add_test(tc, test_interval_and_window);
	tcase_add_test(tc, test_window_jitter_and_extra_refresh);
	tcase_add_test(tc, test_ring_full);
	tcase_add_test(tc, test_bounds);
	suite_add_tcase(s, tc);
	tc = tcase_create("changes");
	tcase_add_test(tc, test_new_codes_and_domains);
	tcase_add_test(tc, test_new_against_window);
	tcase_add_test(tc, test_down_and_partial);
	suite_add_tcase(s, tc);
	tc = tcase_create("draw");
	tcase_add_test(tc, test_draw_sequences_and_counts);
	tcase_add_test(tc, test_draw_narrow_and_short);
	suite_add_tcase(s, tc);
	return s;
}
