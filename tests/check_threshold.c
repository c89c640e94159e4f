/*
 * check_threshold.c - --fail-on expressions (src/threshold.c): the grammar
 * of threshold.h, what is malformed, and the verdict and message over a
 * finished aggregate whose counts are known by construction.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "agg.h"
#include "suites.h"
#include "threshold.h"

/* Events to feed: kind, codes, connection failure bits, how many. */
struct feed {
	enum bs_kind kind;
	const char *basic, *enhanced;
	unsigned connfail;
	int n;
};

/*
 * delivered 2300; deferred 187; bounced 60; expired 14 (2561 delivery
 * outcomes); rejected 40; 2601 events in all.
 */
static const struct feed night[] = {
	{ BS_DELIVERED, "250", "2.0.0", 0, 2300 },
	{ BS_DEFERRED, "451", "4.7.1", 0, 100 },
	{ BS_DEFERRED, "421", "4.7.0", 0, 50 },
	{ BS_DEFERRED, "", "", BS_CONN_REFUSED, 37 },
	{ BS_BOUNCED, "550", "5.1.1", 0, 50 },
	{ BS_BOUNCED, "550", "5.7.26", 0, 10 },
	{ BS_EXPIRED, "", "", 0, 10 },
	{ BS_EXPIRED, "421", "", 0, 4 },
	{ BS_REJECTED, "554", "5.7.1", 0, 30 },
	{ BS_REJECTED, "450", "4.7.1", 0, 10 },
};

static const struct feed single[] = {
	{ BS_BOUNCED, "550", "5.1.1", 0, 1 },
};

static struct bs_agg *
build(const struct feed *f, size_t nf)
{
	struct bs_agg *a = bs_agg_new(false);
	size_t i;
	int k;

	ck_assert_ptr_nonnull(a);
	for (i = 0; i < nf; i++) {
		struct bs_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.kind = f[i].kind;
		snprintf(ev.codes.basic, sizeof(ev.codes.basic), "%s",
		    f[i].basic);
		snprintf(ev.codes.enhanced, sizeof(ev.codes.enhanced), "%s",
		    f[i].enhanced);
		ev.connfail = f[i].connfail;
		for (k = 0; k < f[i].n; k++)
			ck_assert_int_eq(bs_agg_event(a, &ev), BS_OK);
	}
	bs_agg_finish(a);
	return a;
}

/* An expression, whether it is crossed, and the exact message. */
struct crossed_case {
	const char *expr;
	bool crossed;
	const char *msg;
};

static const struct crossed_case night_cases[] = {
	{ "bounced>100", false, "" },
	{ "bounced>50", true, "fail-on bounced>50: 60 bounced events" },
	{ "bounced>60", false, "" },
	{ "bounced >= 60", true, "fail-on bounced >= 60: 60 bounced events" },
	{ "  bounced<61  ", true, "fail-on bounced<61: 60 bounced events" },
	{ "bounced<=59", false, "" },
	{ "bounced==60", true, "fail-on bounced==60: 60 bounced events" },
	{ "bounced==61", false, "" },
	{ "expired>=14", true, "fail-on expired>=14: 14 expired events" },
	{ "delivered<1", false, "" },
	{ "events>2600", true, "fail-on events>2600: 2601 events" },
	{ "events>2601", false, "" },
	{ "deferred>5%", true, "fail-on deferred>5%: deferred is 7.3% of "
	    "delivery outcomes (187 of 2561)" },
	{ "deferred > 7.3%", true, "fail-on deferred > 7.3%: deferred is "
	    "7.3% of delivery outcomes (187 of 2561)" },
	{ "deferred>7.31%", false, "" },
	{ "delivered<90%", true, "fail-on delivered<90%: delivered is 89.8% "
	    "of delivery outcomes (2300 of 2561)" },
	{ "delivered<89.8%", false, "" },
	{ "rejected>1%", true, "fail-on rejected>1%: rejected is 1.5% of "
	    "all events (40 of 2601)" },
	{ "rejected>100%", false, "" },
	{ "code:5.7.*>10", true, "fail-on code:5.7.*>10: 40 events with "
	    "code 5.7.*" },
	{ "code:5.7.*>40", false, "" },
	{ "code:421>0", true, "fail-on code:421>0: 54 events with code 421" },
	{ "code:556>0", false, "" },
	{ "code:556==0", true, "fail-on code:556==0: 0 events with code 556" },
	{ "code:4**>=164", true, "fail-on code:4**>=164: 164 events with "
	    "code 4**" },
	{ "code:4**>164", false, "" },
	{ "code:5*==90", true, "fail-on code:5*==90: 90 events with code 5*" },
	{ "code:*1==154", true, "fail-on code:*1==154: 154 events with code "
	    "*1" },
	{ "code:*5*==2500", true, "fail-on code:*5*==2500: 2500 events "
	    "with code *5*" },
	{ "code:*==2554", true, "fail-on code:*==2554: 2554 events with "
	    "code *" },
	{ "code:4.*.*==160", true, "fail-on code:4.*.*==160: 160 events "
	    "with code 4.*.*" },
	{ "code:*.7.*==200", true, "fail-on code:*.7.*==200: 200 events "
	    "with code *.7.*" },
	{ "code:5.7.1==30", true, "fail-on code:5.7.1==30: 30 events with "
	    "code 5.7.1" },
	{ "code:5.7.26==10", true, "fail-on code:5.7.26==10: 10 events "
	    "with code 5.7.26" },
	{ "code:2.0.0==2300", true, "fail-on code:2.0.0==2300: 2300 events "
	    "with code 2.0.0" },
	{ "code:5.*.1==80", true, "fail-on code:5.*.1==80: 80 events with "
	    "code 5.*.1" },
	{ "code:5.7.*>1.5%", true, "fail-on code:5.7.*>1.5%: code 5.7.* is "
	    "1.5% of all events (40 of 2601)" },
	{ "code:5.7.*>1.6%", false, "" },
};

START_TEST(test_night)
{
	const struct crossed_case *c = &night_cases[_i];
	struct bs_agg *a = build(night, sizeof(night) / sizeof(night[0]));
	struct bs_threshold t;
	struct bs_diag d;
	char msg[256] = "junk";
	bool crossed;

	bs_diag_clear(&d);
	ck_assert_msg(bs_threshold_parse(c->expr, &t, &d) == BS_OK,
	    "'%s' refused: %s", c->expr, d.msg);
	crossed = bs_threshold_crossed(&t, a, msg, sizeof(msg));
	ck_assert_msg(crossed == c->crossed, "'%s': crossed %d", c->expr,
	    crossed);
	ck_assert_str_eq(msg, c->msg);
	/* msg is optional. */
	ck_assert_int_eq(bs_threshold_crossed(&t, a, NULL, 0), c->crossed);
	bs_agg_free(a);
}
END_TEST

static const struct crossed_case single_cases[] = {
	{ "bounced>0", true, "fail-on bounced>0: 1 bounced event" },
	{ "events>0", true, "fail-on events>0: 1 event" },
	{ "code:550>0", true, "fail-on code:550>0: 1 event with code 550" },
	{ "bounced>99.9%", true, "fail-on bounced>99.9%: bounced is 100.0% "
	    "of delivery outcomes (1 of 1)" },
	/* No refusals: 0% of 1 event is a share, and it is not crossed. */
	{ "rejected>0%", false, "" },
	{ "rejected==0%", true, "fail-on rejected==0%: rejected is 0.0% of "
	    "all events (0 of 1)" },
};

START_TEST(test_single)
{
	const struct crossed_case *c = &single_cases[_i];
	struct bs_agg *a = build(single, 1);
	struct bs_threshold t;
	struct bs_diag d;
	char msg[256];

	bs_diag_clear(&d);
	ck_assert_msg(bs_threshold_parse(c->expr, &t, &d) == BS_OK,
	    "'%s' refused: %s", c->expr, d.msg);
	ck_assert_int_eq(bs_threshold_crossed(&t, a, msg, sizeof(msg)),
	    c->crossed);
	ck_assert_str_eq(msg, c->msg);
	bs_agg_free(a);
}
END_TEST

/* An empty run: counts are zero, shares of nothing cross nothing. */
static const struct crossed_case empty_cases[] = {
	{ "delivered<1", true, "fail-on delivered<1: 0 delivered events" },
	{ "events==0", true, "fail-on events==0: 0 events" },
	{ "bounced>0", false, "" },
	{ "deferred>5%", false, "" },
	{ "delivered<90%", false, "" },
	{ "rejected<1%", false, "" },
	{ "code:5.7.*<1%", false, "" },
	{ "code:5.7.*<1", true, "fail-on code:5.7.*<1: 0 events with code "
	    "5.7.*" },
};

START_TEST(test_empty)
{
	const struct crossed_case *c = &empty_cases[_i];
	struct bs_agg *a = build(NULL, 0);
	struct bs_threshold t;
	struct bs_diag d;
	char msg[256];

	bs_diag_clear(&d);
	ck_assert_msg(bs_threshold_parse(c->expr, &t, &d) == BS_OK,
	    "'%s' refused: %s", c->expr, d.msg);
	ck_assert_int_eq(bs_threshold_crossed(&t, a, msg, sizeof(msg)),
	    c->crossed);
	ck_assert_str_eq(msg, c->msg);
	bs_agg_free(a);
}
END_TEST

/* A malformed expression and the message it gets (NULL: any message). */
struct bad_case {
	const char *expr;
	const char *msg;
};

#define GRAMMAR "expected METRIC OP NUMBER[%] with METRIC one of events, " \
	"delivered, deferred, bounced, expired, rejected, code:CODE and OP " \
	"one of >, >=, <, <=, =="

static const struct bad_case bad_cases[] = {
	{ "", "--fail-on needs an expression: " GRAMMAR },
	{ "   ", "--fail-on needs an expression: " GRAMMAR },
	{ "bounced", "--fail-on 'bounced': no comparison after 'bounced': "
	    GRAMMAR },
	{ "bounced>", "--fail-on 'bounced>': '' is not a count (a whole "
	    "number)" },
	{ "bounced>abc", "--fail-on 'bounced>abc': 'abc' is not a count (a "
	    "whole number)" },
	{ "bounced>1.5", "--fail-on 'bounced>1.5': '1.5' is not a count (a "
	    "whole number)" },
	{ "bounced>-1", NULL },
	{ "bounced>+1", NULL },
	{ "bounced>1e3", NULL },
	{ "bounced>0x10", NULL },
	{ "bounced>inf", NULL },
	{ "bounced>5 extra", NULL },
	{ "bounced>1234567890123456", NULL },
	{ "bounced=5", NULL },
	{ "bounced=>5", NULL },
	{ "bounced>>5", NULL },
	{ "bounced<>5", NULL },
	{ "bounced!=5", NULL },
	{ ">5", "--fail-on '>5': unknown metric '': " GRAMMAR },
	{ "Bounced>5", "--fail-on 'Bounced>5': unknown metric 'Bounced': "
	    GRAMMAR },
	{ "bounce>5", NULL },
	{ "bounced_total>5", NULL },
	{ "code:>5", NULL },
	{ "code: 5.7.1>5", NULL },
	{ "code:5.7>1", "--fail-on 'code:5.7>1': '5.7' is not a status code "
	    "pattern (basic: 421, 5*, 4**; enhanced: 5.7.1, 5.7.*, 4.*.*)" },
	{ "code:5.7.1.1>1", NULL },
	{ "code:5.7.>1", NULL },
	{ "code:.7.1>1", NULL },
	{ "code:55>1", NULL },
	{ "code:5555>1", NULL },
	{ "code:5***>1", NULL },
	{ "code:650>1", NULL },
	{ "code:150>1", NULL },
	{ "code:3.1.1>1", NULL },
	{ "code:55.1.1>1", NULL },
	{ "code:5.1234.1>1", NULL },
	{ "code:5.7.**>1", NULL },
	{ "code:5.7.2*>1", NULL },
	{ "code:5.x.1>1", NULL },
	{ "code:abc>1", NULL },
	{ "deferred>101%", "--fail-on 'deferred>101%': a percentage is at "
	    "most 100" },
	{ "deferred>100.5%", NULL },
	{ "deferred>5.1234567%", NULL },
	{ "deferred>5%%", NULL },
	{ "deferred>.5%", NULL },
	{ "deferred>5.%", NULL },
	{ "events>5%", "--fail-on 'events>5%': events are always 100% of "
	    "events; a percentage needs a kind or a code" },
	{ "bounced>5\x1b[2J", NULL },
};

START_TEST(test_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct bs_threshold t;
	struct bs_diag d;

	bs_diag_clear(&d);
	ck_assert_msg(bs_threshold_parse(c->expr, &t, &d) == BS_ERR_USAGE,
	    "'%s' accepted", c->expr);
	ck_assert_msg(d.msg[0] != '\0', "'%s': no message", c->expr);
	ck_assert_ptr_null(strchr(d.msg, '\x1b'));
	if (c->msg != NULL)
		ck_assert_str_eq(d.msg, c->msg);
}
END_TEST

START_TEST(test_too_long)
{
	char expr[300];
	struct bs_threshold t;
	struct bs_diag d;

	/* 127 characters fit, 128 do not. */
	memset(expr, '1', sizeof(expr));
	memcpy(expr, "bounced>", 8);
	expr[127] = '\0';
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_threshold_parse(expr, &t, &d), BS_ERR_USAGE);
	ck_assert_msg(strstr(d.msg, "is not a count") != NULL, "%s", d.msg);
	expr[127] = '1';
	expr[128] = '\0';
	ck_assert_int_eq(bs_threshold_parse(expr, &t, &d), BS_ERR_USAGE);
	ck_assert_str_eq(d.msg, "--fail-on 'bounced>11111111111111111111111"
	    "111111111...': longer than 127 characters");
	memcpy(expr, "bounced>1", 9);
	memset(expr + 9, ' ', 118);
	expr[127] = '\0';
	ck_assert_int_eq(bs_threshold_parse(expr, &t, &d), BS_OK);
	ck_assert_str_eq(t.text, "bounced>1");
}
END_TEST

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

Suite *
threshold_suite(void)
{
	Suite *s = suite_create("threshold");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_night, 0, N(night_cases));
	tcase_add_loop_test(tc, test_single, 0, N(single_cases));
	tcase_add_loop_test(tc, test_empty, 0, N(empty_cases));
	tcase_add_loop_test(tc, test_bad, 0, N(bad_cases));
	tcase_add_test(tc, test_too_long);
	suite_add_tcase(s, tc);
	return s;
}
