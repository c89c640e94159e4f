/*
 * check_window.c - reading log timestamps and --since/--until arguments
 * (src/window.c): every stamp shape the parsers hand over, the year of a
 * classic syslog stamp across New Year and Feb 29, impossible dates, and
 * the window itself.
 *
 * Expected times are written out as epoch seconds (from date -u), never
 * computed with the code under test.  TZ is set explicitly by every test
 * that needs local time: UTC always, Europe/Berlin only where the zone
 * database is installed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"
#include "window.h"

#define ZONEINFO_BERLIN "/usr/share/zoneinfo/Europe/Berlin"

/* 2026-11-28T12:00:00Z, the modification time of most test files. */
#define REF_NOV28	1795867200

/*
 * The process's TZ before a test changed it, restored afterwards so that
 * a no-fork run (CK_FORK=no) leaves the other suites as it found them.
 */
static char saved_tz[256];
static int had_tz;

static void
tz_save(void)
{
	const char *tz = getenv("TZ");

	had_tz = tz != NULL;
	if (had_tz)
		snprintf(saved_tz, sizeof(saved_tz), "%s", tz);
}

static void
tz_restore(void)
{
	if (had_tz)
		setenv("TZ", saved_tz, 1);
	else
		unsetenv("TZ");
	tzset();
}

static void
tz_set(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static int
have_berlin(void)
{
	return access(ZONEINFO_BERLIN, R_OK) == 0;
}

/* One stamp as a parser hands it over; ok 0 means it must be refused. */
struct stamp_case {
	const char *in;
	time_t ref;
	int ok;
	long long want;
};

static const struct stamp_case utc_stamps[] = {
	/* Classic syslog, year from ref. */
	{ "Nov 28 10:00:00", REF_NOV28, 1, 1795860000 },
	{ "Nov  8 10:00:00", REF_NOV28, 1, 1794132000 },
	{ "Nov 08 10:00:00", REF_NOV28, 1, 1794132000 },
	{ "Mar 7 02:09:33", REF_NOV28, 1, 1772849373 },
	{ "Mar  7 02:09:33", REF_NOV28, 1, 1772849373 },
	{ "Nov 28 10:00:00.123456", REF_NOV28, 1, 1795860000 },
	/* Up to a day ahead of ref is still this year (clock skew). */
	{ "Nov 29 11:59:59", REF_NOV28, 1, 1795953599 },
	/* More than a day ahead: last year's. */
	{ "Nov 29 12:00:01", REF_NOV28, 1, 1764417601 },
	/* New Year: a Dec 31 line in a file written on Jan 1. */
	{ "Dec 31 23:59:59", 1798763400, 1, 1798761599 },
	{ "Jan  1 00:00:10", 1798763400, 1, 1798761610 },
	/* Feb 29: last year's if this year has none, refused if neither. */
	{ "Feb 29 10:00:00", 1740787200, 1, 1709200800 },
	{ "Feb 29 10:00:00", 1835481600, 1, 1835431200 },
	{ "Feb 29 10:00:00", 1772323200, 0, 0 },
	/* RFC 3339 and ISO forms. */
	{ "2026-11-28T10:00:00.123456+01:00", REF_NOV28, 1, 1795856400 },
	{ "2026-11-28T10:00:00Z", REF_NOV28, 1, 1795860000 },
	{ "2026-11-28t10:00:00z", REF_NOV28, 1, 1795860000 },
	{ "2026-11-28T10:00:00", REF_NOV28, 1, 1795860000 },
	{ "2026-11-28T10:00:00-05:30", REF_NOV28, 1, 1795879800 },
	{ "2026-11-28T10:00:00+0100", REF_NOV28, 1, 1795856400 },
	/* Exim, with and without +millisec and log_timezone. */
	{ "2026-11-28 10:00:00", REF_NOV28, 1, 1795860000 },
	{ "2026-11-28 10:00:00.123", REF_NOV28, 1, 1795860000 },
	{ "2026-11-28 10:00:00 +0100", REF_NOV28, 1, 1795856400 },
	{ "2026-11-28 10:00:00.123 +0100", REF_NOV28, 1, 1795856400 },
	{ "2026-11-28 10:00:00 -0000", REF_NOV28, 1, 1795860000 },
	/* Exchange. */
	{ "2026-11-28T10:00:00.123Z", REF_NOV28, 1, 1795860000 },
	/*
	 * Syslog dialects: a year after the day or before the month (then
	 * ref's year does not matter), a zone after the time.
	 */
	{ "Nov 28 2026 10:00:00", REF_NOV28, 1, 1795860000 },
	{ "Nov 28 2026 10:00:00", 1740787200, 1, 1795860000 },
	{ "Nov 28 2025 10:00:00", REF_NOV28, 1, 1764324000 },
	{ "2026 Nov 28 10:00:00", 1740787200, 1, 1795860000 },
	{ "2026 Nov  8 10:00:00.25", REF_NOV28, 1, 1794132000 },
	{ "Feb 29 2024 10:00:00", REF_NOV28, 1, 1709200800 },
	{ "Nov 28 10:00:00 +0100", REF_NOV28, 1, 1795856400 },
	{ "Nov 28 10:00:00 -05:00", REF_NOV28, 1, 1795878000 },
	{ "Nov 28 10:00:00.5 +01:00", REF_NOV28, 1, 1795856400 },
	{ "Nov 28 10:00:00 UTC", REF_NOV28, 1, 1795860000 },
	{ "Nov 28 10:00:00 GMT", REF_NOV28, 1, 1795860000 },
	{ "Nov 28 2026 10:00:00 GMT", 1740787200, 1, 1795860000 },
	{ "2026 Nov 28 10:00:00.5 -05:00", REF_NOV28, 1, 1795878000 },
	{ "2026-11-28 10:00:00 UTC", REF_NOV28, 1, 1795860000 },
	{ "2026-11-28T10:00:00 GMT", REF_NOV28, 1, 1795860000 },
	{ "2026-11-28 10:00:00 -05:00", REF_NOV28, 1, 1795878000 },
	/* A weekday in front (journalctl -o short-full), which must fit. */
	{ "Sat 2026-11-28 10:00:00 UTC", REF_NOV28, 1, 1795860000 },
	{ "Sat 2026-11-28 10:00:00", REF_NOV28, 1, 1795860000 },
	{ "Sat 2026-11-28T10:00:00.5+01:00", REF_NOV28, 1, 1795856400 },
	{ "Thu 1970-01-01T00:00:00Z", REF_NOV28, 1, 0 },
	{ "Sun 2026-11-28 10:00:00", REF_NOV28, 0, 0 },
	{ "Xyz 2026-11-28 10:00:00", REF_NOV28, 0, 0 },
	{ "Sat  2026-11-28 10:00:00", REF_NOV28, 0, 0 },
	{ "Sat 2026-11-28", REF_NOV28, 0, 0 },
	/* A zone named as this clock's own is local time; others unread. */
	{ "Nov 28 10:00:00 CET", REF_NOV28, 0, 0 },
	{ "2026-11-28 10:00:00 EST", REF_NOV28, 0, 0 },
	/* The calendar: leap days, a leap second, far years. */
	{ "2024-02-29T00:00:00Z", REF_NOV28, 1, 1709164800 },
	{ "2000-02-29T00:00:00Z", REF_NOV28, 1, 951782400 },
	{ "2016-12-31T23:59:60Z", REF_NOV28, 1, 1483228800 },
	{ "1970-01-01T00:00:00Z", REF_NOV28, 1, 0 },
	{ "9999-12-31T23:59:59Z", REF_NOV28, 1, 253402300799LL },
	/* Impossible dates and times. */
	{ "2026-02-30T10:00:00Z", REF_NOV28, 0, 0 },
	{ "2026-02-29T10:00:00Z", REF_NOV28, 0, 0 },
	{ "2100-02-29T10:00:00Z", REF_NOV28, 0, 0 },
	{ "2026-04-31 10:00:00", REF_NOV28, 0, 0 },
	{ "2026-13-01T10:00:00Z", REF_NOV28, 0, 0 },
	{ "2026-00-10T10:00:00Z", REF_NOV28, 0, 0 },
	{ "2026-11-00T10:00:00Z", REF_NOV28, 0, 0 },
	{ "2026-11-28T25:00:00Z", REF_NOV28, 0, 0 },
	{ "2026-11-28T24:00:00Z", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:60:00Z", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00:61Z", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00:00+24:00", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00:00+01:60", REF_NOV28, 0, 0 },
	{ "Feb 30 10:00:00", REF_NOV28, 0, 0 },
	{ "Apr 31 10:00:00", REF_NOV28, 0, 0 },
	{ "Nov 32 10:00:00", REF_NOV28, 0, 0 },
	{ "Nov  0 10:00:00", REF_NOV28, 0, 0 },
	{ "Nov 28 25:00:00", REF_NOV28, 0, 0 },
	{ "Nov 28 10:61:00", REF_NOV28, 0, 0 },
	/* Garbage and near misses. */
	{ "", REF_NOV28, 0, 0 },
	{ "garbage", REF_NOV28, 0, 0 },
	{ "Foo 28 10:00:00", REF_NOV28, 0, 0 },
	{ "nov 28 10:00:00", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00 ", REF_NOV28, 0, 0 },
	{ "Nov 123 10:00:00", REF_NOV28, 0, 0 },
	{ "Nov   8 10:00:00", REF_NOV28, 0, 0 },
	{ "Nov 28 1:00:00", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00.", REF_NOV28, 0, 0 },
	{ "2026-11-28", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00Z", REF_NOV28, 0, 0 },
	{ "2026-11-28X10:00:00Z", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00:00ZZ", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00:00 ", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00:00+1:00", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00:00+01", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00:00.Z", REF_NOV28, 0, 0 },
	{ "2026-11-28T10:00:00.1234567890Z", REF_NOV28, 0, 0 },
	{ "2026-11-28  10:00:00", REF_NOV28, 0, 0 },
	{ "2026-1-28T10:00:00Z", REF_NOV28, 0, 0 },
	{ "26-11-28T10:00:00Z", REF_NOV28, 0, 0 },
	{ "2026/11/28 10:00:00", REF_NOV28, 0, 0 },
	{ "Feb 29 2026 10:00:00", REF_NOV28, 0, 0 },
	{ "2026 Feb 29 10:00:00", REF_NOV28, 0, 0 },
	{ "2026 Nov 28 2026 10:00:00", REF_NOV28, 0, 0 },
	{ "Nov 28 26 10:00:00", REF_NOV28, 0, 0 },
	{ "Nov 28 2026  10:00:00", REF_NOV28, 0, 0 },
	{ "2026  Nov 28 10:00:00", REF_NOV28, 0, 0 },
	{ "202 Nov 28 10:00:00", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00 +01", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00 +24:00", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00  UTC", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00 UTC ", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00 utc", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00 XYZ", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00 UTCUTC", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00Z", REF_NOV28, 0, 0 },
};

START_TEST(test_stamp_utc)
{
	const struct stamp_case *c = &utc_stamps[_i];
	time_t t = 12345;
	bool ok;

	tz_set("UTC");
	ok = bs_window_stamp(c->in, strlen(c->in), c->ref, &t);
	ck_assert_msg(ok == (c->ok != 0), "'%s': read %d, expected %d",
	    c->in, ok, c->ok);
	if (c->ok)
		ck_assert_msg((long long)t == c->want,
		    "'%s': %lld, expected %lld", c->in, (long long)t,
		    c->want);
	else
		ck_assert_msg(t == 12345, "'%s': out written on failure",
		    c->in);
}
END_TEST

/* Stamps point into a line: only n bytes may be read, no NUL follows. */
START_TEST(test_stamp_length)
{
	static const char line[] = "2026-11-28T10:00:00Z7 host postfix";
	static const char classic_line[] = "Nov 28 10:00:00 mx postfix/smtp";
	time_t t;

	tz_set("UTC");
	ck_assert(bs_window_stamp(line, 20, REF_NOV28, &t));
	ck_assert_int_eq((long long)t, 1795860000);
	ck_assert(!bs_window_stamp(line, 21, REF_NOV28, &t));
	/* 19 bytes are a local time; 18 are not a time at all. */
	ck_assert(bs_window_stamp(line, 19, REF_NOV28, &t));
	ck_assert_int_eq((long long)t, 1795860000);
	ck_assert(!bs_window_stamp(line, 18, REF_NOV28, &t));
	ck_assert(bs_window_stamp(classic_line, 15, REF_NOV28, &t));
	ck_assert_int_eq((long long)t, 1795860000);
	ck_assert(!bs_window_stamp(classic_line, 14, REF_NOV28, &t));
	ck_assert(!bs_window_stamp(classic_line, 3, REF_NOV28, &t));
	ck_assert(!bs_window_stamp(NULL, 0, REF_NOV28, &t));
	ck_assert(!bs_window_stamp(line, 0, REF_NOV28, &t));
}
END_TEST

static const struct stamp_case berlin_stamps[] = {
	/* Winter (CET, +01:00) and summer (CEST, +02:00) local time. */
	{ "Nov 28 10:00:00", REF_NOV28, 1, 1795856400 },
	{ "Jul 17 10:00:00", REF_NOV28, 1, 1784275200 },
	{ "2026-11-28 10:00:00", REF_NOV28, 1, 1795856400 },
	{ "2026-11-28T10:00:00", REF_NOV28, 1, 1795856400 },
	/* A zone in the stamp wins over TZ. */
	{ "2026-11-28T10:00:00Z", REF_NOV28, 1, 1795860000 },
	{ "2026-11-28 10:00:00 +0000", REF_NOV28, 1, 1795860000 },
	/*
	 * ref 2026-12-31T23:30Z is already 2027 in Berlin: the year comes
	 * from local time, so Dec 31 rolls back and Jan 1 does not.
	 */
	{ "Dec 31 23:59:00", 1798759800, 1, 1798757940 },
	{ "Jan  1 00:10:00", 1798759800, 1, 1798758600 },
	/*
	 * A zone named in the stamp: UTC and GMT are UTC; the local zone's
	 * own names are local time, each where it is in force (in the hour
	 * that comes twice in autumn, the name tells which); a name this
	 * clock does not use cannot be read.
	 */
	{ "Nov 28 10:00:00 UTC", REF_NOV28, 1, 1795860000 },
	{ "Nov 28 10:00:00 CET", REF_NOV28, 1, 1795856400 },
	{ "Nov 28 2026 10:00:00 CET", REF_NOV28, 1, 1795856400 },
	{ "Sat 2026-11-28 10:00:00 CET", REF_NOV28, 1, 1795856400 },
	{ "Jul 17 10:00:00 CEST", REF_NOV28, 1, 1784275200 },
	{ "Oct 25 02:30:00 CEST", REF_NOV28, 1, 1792888200 },
	{ "Oct 25 02:30:00 CET", REF_NOV28, 1, 1792891800 },
	{ "2026-10-25 02:30:00 CEST", REF_NOV28, 1, 1792888200 },
	{ "Nov 28 10:00:00 CEST", REF_NOV28, 0, 0 },
	{ "Jul 17 10:00:00 CET", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00 EST", REF_NOV28, 0, 0 },
	{ "Nov 28 10:00:00 +0100", REF_NOV28, 1, 1795856400 },
};

START_TEST(test_stamp_berlin)
{
	const struct stamp_case *c = &berlin_stamps[_i];
	time_t t = 0;
	bool ok;

	if (!have_berlin())
		return;
	tz_set("Europe/Berlin");
	ok = bs_window_stamp(c->in, strlen(c->in), c->ref, &t);
	ck_assert_msg(ok == (c->ok != 0), "'%s': read %d, expected %d",
	    c->in, ok, c->ok);
	if (c->ok)
		ck_assert_msg((long long)t == c->want,
		    "'%s': %lld, expected %lld", c->in, (long long)t,
		    c->want);
}
END_TEST

/* 2026-11-28T12:34:56Z */
#define NOW	1795869296

struct arg_case {
	const char *in;
	time_t now;
	int ok;
	long long want;
};

static const struct arg_case utc_args[] = {
	{ "now", NOW, 1, NOW },
	{ "today", NOW, 1, 1795824000 },
	{ "yesterday", NOW, 1, 1795737600 },
	{ "-24h", NOW, 1, 1795782896 },
	{ "-7d", NOW, 1, 1795264496 },
	{ "-2w", NOW, 1, 1794659696 },
	{ "-30m", NOW, 1, 1795867496 },
	{ "-90s", NOW, 1, 1795869206 },
	{ "-0h", NOW, 1, NOW },
	{ "2026-11-28", NOW, 1, 1795824000 },
	{ "2026-11-28 10:00", NOW, 1, 1795860000 },
	{ "2026-11-28T10:00", NOW, 1, 1795860000 },
	{ "2026-11-28T10:00Z", NOW, 1, 1795860000 },
	{ "2026-11-28T10:00:00", NOW, 1, 1795860000 },
	{ "2026-11-28T10:00:00+01:00", NOW, 1, 1795856400 },
	{ "2026-11-28 10:00:00 +0100", NOW, 1, 1795856400 },
	{ "2026-11-28T10:00:00.5Z", NOW, 1, 1795860000 },
	{ "", NOW, 0, 0 },
	{ "tomorrow", NOW, 0, 0 },
	{ "Today", NOW, 0, 0 },
	{ "today ", NOW, 0, 0 },
	{ "24h", NOW, 0, 0 },
	{ "+24h", NOW, 0, 0 },
	{ "-24", NOW, 0, 0 },
	{ "-h", NOW, 0, 0 },
	{ "-24x", NOW, 0, 0 },
	{ "-24hh", NOW, 0, 0 },
	{ "- 24h", NOW, 0, 0 },
	{ "-1d12h", NOW, 0, 0 },
	{ "-9999999999999w", NOW, 0, 0 },
	{ "2026-11-28T", NOW, 0, 0 },
	{ "2026-11-28T10", NOW, 0, 0 },
	{ "2026-11-28Z", NOW, 0, 0 },
	{ "2026-02-30", NOW, 0, 0 },
	{ "2026-11-28 25:00", NOW, 0, 0 },
	{ "Nov 28 10:00:00", NOW, 0, 0 },
};

START_TEST(test_arg_utc)
{
	const struct arg_case *c = &utc_args[_i];
	struct bs_diag d;
	time_t t = 12345;
	bs_status st;

	tz_set("UTC");
	bs_diag_clear(&d);
	st = bs_window_parse_arg(c->in, c->now, &t, &d);
	if (c->ok) {
		ck_assert_msg(st == BS_OK, "'%s' refused: %s", c->in, d.msg);
		ck_assert_msg((long long)t == c->want,
		    "'%s': %lld, expected %lld", c->in, (long long)t,
		    c->want);
	} else {
		ck_assert_msg(st == BS_ERR_USAGE, "'%s' accepted", c->in);
		ck_assert_msg(d.msg[0] != '\0', "'%s': no message", c->in);
		ck_assert_msg(t == 12345, "'%s': out written", c->in);
	}
}
END_TEST

START_TEST(test_arg_messages)
{
	struct bs_diag d;
	time_t t;

	tz_set("UTC");
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_window_parse_arg("2026-02-30", NOW, &t, &d),
	    BS_ERR_USAGE);
	ck_assert_str_eq(d.msg, "'2026-02-30' is no such date or time");
	ck_assert_int_eq(bs_window_parse_arg("soon", NOW, &t, &d),
	    BS_ERR_USAGE);
	ck_assert_str_eq(d.msg, "cannot read 'soon' as a time: expected an "
	    "ISO date and time (2026-11-28, 2026-11-28T10:00, "
	    "2026-11-28T10:00:00+01:00), today, yesterday, now, or a span "
	    "back from now (-90s, -30m, -24h, -7d, -2w)");
	ck_assert_int_eq(bs_window_parse_arg("-9999999999999w", NOW, &t,
	    &d), BS_ERR_USAGE);
	ck_assert_str_eq(d.msg, "'-9999999999999w' reaches too far back");
	/* A hostile argument is made safe for the terminal. */
	ck_assert_int_eq(bs_window_parse_arg("\x1b[2J", NOW, &t, &d),
	    BS_ERR_USAGE);
	ck_assert_ptr_null(strchr(d.msg, '\x1b'));
}
END_TEST

START_TEST(test_arg_berlin)
{
	struct bs_diag d;
	time_t t;

	if (!have_berlin())
		return;
	tz_set("Europe/Berlin");
	bs_diag_clear(&d);
	/* 00:30Z is 01:30 in Berlin: today began at 23:00Z the day before. */
	ck_assert_int_eq(bs_window_parse_arg("today", 1795825800, &t, &d),
	    BS_OK);
	ck_assert_int_eq((long long)t, 1795820400);
	/* Across the spring change: yesterday had 23 hours. */
	ck_assert_int_eq(bs_window_parse_arg("today", 1774872000, &t, &d),
	    BS_OK);
	ck_assert_int_eq((long long)t, 1774821600);
	ck_assert_int_eq(bs_window_parse_arg("yesterday", 1774872000, &t,
	    &d), BS_OK);
	ck_assert_int_eq((long long)t, 1774738800);
	ck_assert_int_eq(bs_window_parse_arg("2026-11-28", NOW, &t, &d),
	    BS_OK);
	ck_assert_int_eq((long long)t, 1795820400);
	/* Spans are plain seconds, whatever the zone. */
	ck_assert_int_eq(bs_window_parse_arg("-24h", NOW, &t, &d), BS_OK);
	ck_assert_int_eq((long long)t, 1795782896);
}
END_TEST

START_TEST(test_init)
{
	struct bs_window w;
	struct bs_diag d;

	tz_set("UTC");
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_window_init(&w, NULL, NULL, NOW, &d), BS_OK);
	ck_assert(!w.has_since && !w.has_until);
	ck_assert(!bs_window_active(&w));
	ck_assert(!bs_window_active(NULL));

	ck_assert_int_eq(bs_window_init(&w, "yesterday", "today", NOW, &d),
	    BS_OK);
	ck_assert(w.has_since && w.has_until);
	ck_assert_int_eq((long long)w.since, 1795737600);
	ck_assert_int_eq((long long)w.until, 1795824000);
	ck_assert(bs_window_active(&w));

	ck_assert_int_eq(bs_window_init(&w, "-24h", NULL, NOW, &d), BS_OK);
	ck_assert(w.has_since && !w.has_until);

	ck_assert_int_eq(bs_window_init(&w, "nonsense", NULL, NOW, &d),
	    BS_ERR_USAGE);
	ck_assert_msg(strncmp(d.msg, "--since: cannot read 'nonsense'",
	    31) == 0, "%s", d.msg);
	ck_assert_int_eq(bs_window_init(&w, NULL, "2026-13-01", NOW, &d),
	    BS_ERR_USAGE);
	ck_assert_str_eq(d.msg, "--until: '2026-13-01' is no such date or "
	    "time");
	ck_assert_int_eq(bs_window_init(&w, "today", "yesterday", NOW, &d),
	    BS_ERR_USAGE);
	ck_assert_str_eq(d.msg, "--since 'today' is not before --until "
	    "'yesterday': the window is empty");
	ck_assert_int_eq(bs_window_init(&w, "today", "today", NOW, &d),
	    BS_ERR_USAGE);
}
END_TEST

struct contains_case {
	bool has_since, has_until;
	long long since, until, t;
	bool want;
};

static const struct contains_case contains_cases[] = {
	{ false, false, 0, 0, 42, true },
	{ true, false, 100, 0, 99, false },
	{ true, false, 100, 0, 100, true },
	{ true, false, 100, 0, 101, true },
	{ false, true, 0, 200, 199, true },
	{ false, true, 0, 200, 200, false },
	{ true, true, 100, 200, 99, false },
	{ true, true, 100, 200, 100, true },
	{ true, true, 100, 200, 199, true },
	{ true, true, 100, 200, 200, false },
};

START_TEST(test_contains)
{
	const struct contains_case *c = &contains_cases[_i];
	struct bs_window w = {
		.has_since = c->has_since, .has_until = c->has_until,
		.since = (time_t)c->since, .until = (time_t)c->until,
	};

	ck_assert_int_eq(bs_window_contains(&w, (time_t)c->t), c->want);
}
END_TEST

START_TEST(test_check)
{
	/* Nov 28 from 09:30 to 10:30 UTC. */
	struct bs_window w = {
		.has_since = true, .has_until = true,
		.since = 1795858200, .until = 1795861800,
	};
	struct bs_window none = { 0 };
	struct bs_window_reader r;
	static const char in[] = "Nov 28 10:00:00";
	static const char out[] = "2026-11-28 11:00:00";
	static const char bad[] = "Nov 28 99:00:00";

	tz_set("UTC");
	bs_window_reader_init(&r, REF_NOV28);
	ck_assert_int_eq(bs_window_check(&w, &r, in, strlen(in)),
	    BS_WINDOW_IN);
	ck_assert_int_eq(bs_window_check(&w, &r, out, strlen(out)),
	    BS_WINDOW_OUT);
	ck_assert_int_eq(bs_window_check(&w, &r, bad, strlen(bad)),
	    BS_WINDOW_UNTIMED);
	ck_assert_int_eq(bs_window_check(&w, &r, NULL, 0),
	    BS_WINDOW_UNTIMED);
	/* Without a window nothing is read, and everything is in. */
	ck_assert_int_eq(bs_window_check(&none, &r, bad, strlen(bad)),
	    BS_WINDOW_IN);
	ck_assert_int_eq(bs_window_check(NULL, NULL, NULL, 0), BS_WINDOW_IN);
}
END_TEST

/*
 * One reader through a log that crosses both clock changes of 2026 in
 * Berlin, going back and forth between days so that its cache of the
 * local day is replaced, reused, and bypassed on the days of a change.
 */
static const struct stamp_case berlin_series[] = {
	{ "2026-03-28 12:00:00", REF_NOV28, 1, 1774695600 },
	{ "2026-03-29 01:30:00", REF_NOV28, 1, 1774744200 },
	{ "2026-03-29 03:30:00", REF_NOV28, 1, 1774747800 },
	{ "Mar 29 01:30:00", REF_NOV28, 1, 1774744200 },
	{ "Mar 29 03:30:00", REF_NOV28, 1, 1774747800 },
	{ "2026-03-30 12:00:00", REF_NOV28, 1, 1774864800 },
	{ "2026-03-28 12:00:00", REF_NOV28, 1, 1774695600 },
	{ "Mar 30 12:00:00", REF_NOV28, 1, 1774864800 },
	{ "2026-10-24 12:00:00", REF_NOV28, 1, 1792836000 },
	{ "2026-10-25 01:30:00", REF_NOV28, 1, 1792884600 },
	{ "2026-10-25 04:00:00", REF_NOV28, 1, 1792897200 },
	{ "2026-10-26 12:00:00", REF_NOV28, 1, 1793012400 },
	{ "2026-10-25T04:00:00Z", REF_NOV28, 1, 1792900800 },
	{ "Oct 25 04:00:00", REF_NOV28, 1, 1792897200 },
	{ "Nov 28 10:00:00", REF_NOV28, 1, 1795856400 },
	{ "Oct 24 12:00:00", REF_NOV28, 1, 1792836000 },
};

START_TEST(test_reader_berlin)
{
	struct bs_window_reader r;
	time_t t;
	size_t i;

	if (!have_berlin())
		return;
	tz_set("Europe/Berlin");
	bs_window_reader_init(&r, REF_NOV28);
	for (i = 0; i < sizeof(berlin_series) / sizeof(berlin_series[0]);
	    i++) {
		const struct stamp_case *c = &berlin_series[i];

		ck_assert_msg(bs_window_read(&r, c->in, strlen(c->in), &t),
		    "'%s' not read", c->in);
		ck_assert_msg((long long)t == c->want,
		    "'%s': %lld, expected %lld", c->in, (long long)t,
		    c->want);
		/* The same as a reader of its own. */
		ck_assert(bs_window_stamp(c->in, strlen(c->in), c->ref, &t));
		ck_assert_int_eq((long long)t, c->want);
	}
}
END_TEST

/* The UTC table once more, through one reader per reference time. */
START_TEST(test_reader_utc)
{
	struct bs_window_reader r;
	time_t t, ref = 0;
	size_t i;

	tz_set("UTC");
	for (i = 0; i < sizeof(utc_stamps) / sizeof(utc_stamps[0]); i++) {
		const struct stamp_case *c = &utc_stamps[i];

		if (i == 0 || c->ref != ref) {
			ref = c->ref;
			bs_window_reader_init(&r, ref);
		}
		ck_assert_msg(bs_window_read(&r, c->in, strlen(c->in), &t) ==
		    (c->ok != 0), "'%s'", c->in);
		if (c->ok)
			ck_assert_int_eq((long long)t, c->want);
	}
}
END_TEST

/*
 * The hour that comes twice when summer time ends, read in the log's
 * order (issue 19): a year-less local stamp in it is of the first pass
 * until the log goes back by about an hour, then of the second.  Before,
 * every stamp of that hour was read as the second pass.  Berlin on 25
 * October 2026 (03:00 CEST -> 02:00 CET at 01:00Z) and New York on 1
 * November 2026 (02:00 EDT -> 01:00 EST at 06:00Z); a step back of five
 * minutes within a pass is disorder, not the second pass.
 */
struct fallback_case {
	const char *zone;	/* below /usr/share/zoneinfo */
	struct stamp_case s[10];
};

static const struct fallback_case fallbacks[] = {
	{ "Europe/Berlin", {
		{ "Oct 25 01:59:59", REF_NOV28, 1, 1792886399 },
		{ "Oct 25 02:00:00", REF_NOV28, 1, 1792886400 },
		{ "Oct 25 02:30:00", REF_NOV28, 1, 1792888200 },
		{ "Oct 25 02:25:00", REF_NOV28, 1, 1792887900 },
		{ "Oct 25 02:59:59", REF_NOV28, 1, 1792889999 },
		{ "Oct 25 02:00:00", REF_NOV28, 1, 1792890000 },
		{ "Oct 25 02:30:00", REF_NOV28, 1, 1792891800 },
		{ "Oct 25 02:59:59", REF_NOV28, 1, 1792893599 },
		{ "Oct 25 03:00:00", REF_NOV28, 1, 1792893600 },
		{ NULL, 0, 0, 0 } } },
	{ "America/New_York", {
		{ "Nov  1 00:59:59", REF_NOV28, 1, 1793509199 },
		{ "Nov  1 01:00:00", REF_NOV28, 1, 1793509200 },
		{ "Nov  1 01:45:00", REF_NOV28, 1, 1793511900 },
		{ "Nov  1 01:40:00", REF_NOV28, 1, 1793511600 },
		{ "Nov  1 01:10:00", REF_NOV28, 1, 1793513400 },
		{ "Nov  1 01:59:59", REF_NOV28, 1, 1793516399 },
		{ "Nov  1 02:00:00", REF_NOV28, 1, 1793516400 },
		{ NULL, 0, 0, 0 } } },
};

static int
have_zone(const char *zone)
{
	char path[128];

	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	return access(path, R_OK) == 0;
}

START_TEST(test_fallback_order)
{
	const struct fallback_case *fc = &fallbacks[_i];
	struct bs_window_reader r;
	time_t t;
	size_t i;

	if (!have_zone(fc->zone))
		return;
	tz_set(fc->zone);
	bs_window_reader_init(&r, REF_NOV28);
	for (i = 0; fc->s[i].in != NULL; i++) {
		const struct stamp_case *c = &fc->s[i];

		ck_assert_msg(bs_window_read(&r, c->in, strlen(c->in), &t),
		    "%s: '%s' not read", fc->zone, c->in);
		ck_assert_msg((long long)t == c->want, "%s: stamp %zu '%s': "
		    "%lld, expected %lld", fc->zone, i, c->in, (long long)t,
		    c->want);
	}
}
END_TEST

/*
 * With nothing read before it, a stamp of the repeated hour is the first
 * pass (an argument too); a reader that has gone on to the next day
 * starts afresh.
 */
START_TEST(test_fallback_alone)
{
	struct bs_window_reader r;
	struct bs_diag d;
	time_t t;

	if (!have_zone("Europe/Berlin"))
		return;
	tz_set("Europe/Berlin");
	ck_assert(bs_window_stamp("Oct 25 02:30:00", 15, REF_NOV28, &t));
	ck_assert_int_eq((long long)t, 1792888200);
	bs_diag_clear(&d);
	ck_assert_int_eq(bs_window_parse_arg("2026-10-25T02:30", REF_NOV28,
	    &t, &d), BS_OK);
	ck_assert_int_eq((long long)t, 1792888200);
	bs_window_reader_init(&r, REF_NOV28);
	ck_assert(bs_window_read(&r, "Oct 25 02:50:00", 15, &t));
	ck_assert_int_eq((long long)t, 1792889400);
	ck_assert(bs_window_read(&r, "Oct 25 02:10:00", 15, &t));
	ck_assert_int_eq((long long)t, 1792890600);	/* second pass */
	ck_assert(bs_window_read(&r, "Oct 26 12:00:00", 15, &t));
	ck_assert(bs_window_read(&r, "Oct 25 02:10:00", 15, &t));
	ck_assert_int_eq((long long)t, 1792887000);	/* afresh: first */
	/* The spring hour that does not exist still moves on by an hour. */
	ck_assert(bs_window_read(&r, "Mar 29 02:30:00", 15, &t));
	ck_assert_int_eq((long long)t, 1774747800);
}
END_TEST

/*
 * The year of a classic stamp lies within a day after the reference and
 * less than a year before it, across New Year in both directions: a
 * follower whose clock says Dec 31 23:59:58 reads a "Jan  1 00:00:05"
 * line as next year's (before: as 1 January of the current year, eleven
 * months back).
 */
static const struct stamp_case new_year[] = {
	{ "Jan  1 00:00:05", 1798761598, 1, 1798761605 },
	{ "Dec 31 23:59:50", 1798761598, 1, 1798761590 },
	{ "Jan  1 00:00:05", 1798632000, 1, 1767225605 },
	{ "Jan  1 00:00:05", 1798761605, 1, 1798761605 },
	{ "Dec 31 23:59:50", 1798761605, 1, 1798761590 },
};

START_TEST(test_new_year)
{
	const struct stamp_case *c = &new_year[_i];
	time_t t;

	tz_set("UTC");
	ck_assert(bs_window_stamp(c->in, strlen(c->in), c->ref, &t));
	ck_assert_msg((long long)t == c->want, "'%s' at %lld: %lld, "
	    "expected %lld", c->in, (long long)c->ref, (long long)t, c->want);
}
END_TEST

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

Suite *
window_suite(void)
{
	Suite *s = suite_create("window");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, tz_save, tz_restore);
	tcase_add_loop_test(tc, test_stamp_utc, 0, N(utc_stamps));
	tcase_add_test(tc, test_stamp_length);
	tcase_add_loop_test(tc, test_stamp_berlin, 0, N(berlin_stamps));
	tcase_add_loop_test(tc, test_arg_utc, 0, N(utc_args));
	tcase_add_test(tc, test_arg_messages);
	tcase_add_test(tc, test_arg_berlin);
	tcase_add_test(tc, test_init);
	tcase_add_loop_test(tc, test_contains, 0, N(contains_cases));
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_reader_berlin);
	tcase_add_test(tc, test_reader_utc);
	tcase_add_loop_test(tc, test_fallback_order, 0, N(fallbacks));
	tcase_add_test(tc, test_fallback_alone);
	tcase_add_loop_test(tc, test_new_year, 0, N(new_year));
	suite_add_tcase(s, tc);
	return s;
}
