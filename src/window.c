/*
 * window.c - reading log timestamps and the --since/--until window.
 *
 * Every stamp is parsed by hand from a pointer and a length (stamps point
 * into the current line and are not NUL-terminated), its fields are
 * checked against the calendar before any conversion (so Feb 30 or hour
 * 25 are refused instead of being normalised by mktime into another
 * day), and then it becomes a time_t: through our own days-from-civil
 * arithmetic when the stamp carries its zone, through mktime, once per
 * local day, when it is local time.  The only state is the caller's
 * bs_window_reader.
 *
 * The hour that comes twice when summer time ends (02:00-03:00 in Berlin
 * on 25 October 2026, 01:00-02:00 in New York on 1 November) is read in
 * the log's order: a stamp in it is of the first pass, unless the stamp
 * read just before it on that day was already past the change, or the
 * first pass would place it more than BS_WINDOW_FALLBACK_DISORDER before
 * that one (the log went back by about an hour: the second pass has
 * begun).  Lines of a log are in order to within seconds; a quarter of an
 * hour of slack still recognises a second pass that starts up to three
 * quarters of an hour after the last line of the first.  A stamp read
 * with nothing before it on that day (a piece of a file split on several
 * cores, or a log that begins in the second pass) is taken as the first
 * pass.
 */
#include <stdint.h>
#include <string.h>

#include "window.h"

#define DAY	86400

/* How far back a log may go in the repeated hour within one pass. */
#define BS_WINDOW_FALLBACK_DISORDER	(15 * 60)

/*
 * The fields of one stamp as written; offset is in seconds east of UTC.
 * A zone named by letters other than UTC's is kept as zname: it can only
 * be the local clock's own name for itself (CET, CEST, EST ...).
 */
struct stamp {
	int year, mon, mday;		/* mon 1..12 */
	int hour, min, sec;
	bool zoned;			/* false: local time */
	bool has_year;			/* a classic stamp that names its year */
	long offset;
	const char *zname;		/* NULL, or zlen capitals */
	size_t zlen;
};

enum parse {
	P_OK,
	P_MALFORMED,		/* not the shape of a time at all */
	P_IMPOSSIBLE		/* right shape, but not in the calendar */
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exactly k digits at s[*i] as a number; advances *i. */
static bool
num(const char *s, size_t n, size_t *i, size_t k, int *out)
{
	int v = 0;
	size_t j;

	if (n - *i < k)
		return false;
	for (j = 0; j < k; j++) {
		if (!is_digit(s[*i + j]))
			return false;
		v = v * 10 + (s[*i + j] - '0');
	}
	*i += k;
	*out = v;
	return true;
}

static bool
lit(const char *s, size_t n, size_t *i, char c)
{
	if (*i < n && s[*i] == c) {
		(*i)++;
		return true;
	}
	return false;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Second 60 is let through: RFC 3339 allows a leap second. */
static bool
valid(const struct stamp *st)
{
	return st->mon >= 1 && st->mon <= 12 && st->mday >= 1 &&
	    st->mday <= mdays(st->year, st->mon) && st->hour <= 23 &&
	    st->min <= 59 && st->sec <= 60;
}

/*
 * Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil), so that zoned stamps need neither
 * timegm nor the process's time zone.
 */
static long long
days_from_civil(int y, int m, int d)
{
	long long yy = y - (m <= 2), era, yoe, doy, doe;

	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * A local time through mktime, which normalises fields out of range;
 * isdst as mktime takes it (-1: let mktime find out whether that time is
 * summer time).
 */
static bool
mktime_dst(int y, int mon, int mday, int h, int m, int sec, int isdst,
    time_t *out)
{
	struct tm tm;
	time_t r;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = mday;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	tm.tm_isdst = isdst;
	r = mktime(&tm);
	/* -1 is also 1969-12-31 23:59:59 UTC, which no mail log holds. */
	if (r == (time_t)-1)
		return false;
	*out = r;
	return true;
}

static bool
mktime_local(int y, int mon, int mday, int h, int m, int sec, time_t *out)
{
	return mktime_dst(y, mon, mday, h, m, sec, -1, out);
}

/* Seconds into the day of a stamp, as written. */
static long long
day_seconds(const struct stamp *st)
{
	return st->hour * 3600LL + st->min * 60LL + st->sec;
}

/* A stamp's wall clock read as if it were UTC. */
static long long
wall(const struct stamp *st)
{
	return days_from_civil(st->year, st->mon, st->mday) * DAY +
	    day_seconds(st);
}

/* The local clock's offset east of UTC at t, in seconds. */
static bool
offset_at(long long t, long *off)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((long long)tt != t || localtime_r(&tt, &tm) == NULL)
		return false;
	*off = (long)(days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday) * DAY + tm.tm_hour * 3600LL + tm.tm_min * 60LL +
	    tm.tm_sec - t);
	return true;
}

/*
 * On a day that is not 86400 seconds long, find when the local clock's
 * offset changes, if it changes once around that day: between an instant
 * whose wall clock is before the day and one whose wall clock is after it
 * (offsets lie within -12 and +14 hours), by bisection (about 18 calls of
 * localtime_r, once per such day).  False when it does not change once.
 */
static bool
find_change(struct bs_window_reader *r, const struct stamp *st)
{
	long long w0 = days_from_civil(st->year, st->mon, st->mday) * DAY;
	long long lo = w0 - 15 * 3600LL, hi = w0 + DAY + 13 * 3600LL, mid;
	long off;

	if (!offset_at(lo, &r->day_off1) || !offset_at(hi, &r->day_off2) ||
	    r->day_off1 == r->day_off2)
		return false;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (!offset_at(mid, &off))
			return false;
		if (off == r->day_off1)
			lo = mid;
		else
			hi = mid;
	}
	if (!offset_at(hi, &off) || off != r->day_off2)
		return false;
	r->day_wall = w0;
	r->day_change = hi;
	return true;
}

/*
 * A local time on a day whose offset changes once.  A wall clock read
 * with the offset before the change must fall before it, read with the
 * offset after, at or after it.  In the hour that comes twice both
 * readings fit, and the order of the log decides (see the top of this
 * file); in the hour skipped in spring neither does, and the offset
 * before is taken, which is what the clock that wrote it meant (02:30
 * becomes 03:30, as mktime makes it).
 */
static bool
split_time(struct bs_window_reader *r, const struct stamp *st, time_t *out)
{
	long long w = r->day_wall + day_seconds(st);
	long long t1 = w - r->day_off1, t2 = w - r->day_off2, t;
	bool first = t1 < r->day_change, second = t2 >= r->day_change;

	if (first && second)
		t = r->have_last && (r->last >= r->day_change || t1 <
		    r->last - BS_WINDOW_FALLBACK_DISORDER) ? t2 : t1;
	else
		t = second ? t2 : t1;
	if ((long long)(time_t)t != t)
		return false;
	r->have_last = true;
	r->last = t;
	*out = (time_t)t;
	return true;
}

/*
 * The time of a checked stamp.  Zoned stamps need no time zone at all.
 * Local ones go through mktime, which knows the zone's daylight saving
 * rules (a time inside the hour skipped in spring comes out shifted by
 * that hour, which is what the clock that wrote it meant) - but only
 * once per day: when the day has 86400 seconds from local midnight to
 * local midnight, its offset does not change within it, and every time
 * of the day is its midnight plus the seconds since.  Days of a clock
 * change are read through the instant of the change, found once
 * (split_time); a day whose offset does not change once takes mktime per
 * stamp.
 */
static bool
to_time(struct bs_window_reader *r, const struct stamp *st, time_t *out)
{
	long long t;
	time_t t0 = 0, t1 = 0;

	if (st->zoned) {
		t = wall(st) - st->offset;
		if ((long long)(time_t)t != t)
			return false;
		*out = (time_t)t;
		return true;
	}
	if (!r->have_day || r->day_mday != st->mday ||
	    r->day_mon != st->mon || r->day_year != st->year) {
		r->have_day = true;
		r->day_year = st->year;
		r->day_mon = st->mon;
		r->day_mday = st->mday;
		r->day_even = mktime_local(st->year, st->mon, st->mday, 0, 0,
		    0, &t0) && mktime_local(st->year, st->mon, st->mday + 1,
		    0, 0, 0, &t1) && t1 - t0 == DAY;
		r->day_start = t0;
		r->day_split = !r->day_even && find_change(r, st);
		r->have_last = false;
	}
	if (r->day_even) {
		*out = r->day_start + (time_t)day_seconds(st);
		return true;
	}
	if (r->day_split)
		return split_time(r, st, out);
	return mktime_local(st->year, st->mon, st->mday, st->hour, st->min,
	    st->sec, out);
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/*
 * A zone named by capitals at s[j], to the end of s: UTC, GMT and UT are
 * UTC; any other name of two to six capitals is left for to_time, which
 * takes it only as the local clock's own name.  Advances *i to n.
 */
static enum parse
zone_name(const char *s, size_t n, size_t j, size_t *i, struct stamp *st)
{
	size_t k;

	for (k = j; k < n && is_upper(s[k]); k++)
		;
	if (k != n || k - j < 2 || k - j > 6)
		return P_MALFORMED;
	if ((k - j == 3 && (memcmp(s + j, "UTC", 3) == 0 ||
	    memcmp(s + j, "GMT", 3) == 0)) ||
	    (k - j == 2 && memcmp(s + j, "UT", 2) == 0)) {
		st->zoned = true;
	} else {
		st->zname = s + j;
		st->zlen = k - j;
	}
	*i = n;
	return P_OK;
}

/*
 * A zone after a time: "Z", "+01:00", "+0100", or with the one space
 * Exim and some syslog daemons put in front of it (" +0100"); after that
 * space, also a name (" UTC", " CET", which must end the stamp).  Nothing
 * at all is local time.
 */
static enum parse
zone(const char *s, size_t n, size_t *i, struct stamp *st)
{
	int sign, hh, mm;
	size_t j = *i;

	st->zoned = false;
	st->offset = 0;
	if (j == n)
		return P_OK;
	if (s[j] == 'Z' || s[j] == 'z') {
		st->zoned = true;
		*i = j + 1;
		return P_OK;
	}
	if (s[j] == ' ') {
		j++;
		if (j < n && is_upper(s[j]))
			return zone_name(s, n, j, i, st);
	}
	if (j == n || (s[j] != '+' && s[j] != '-'))
		return P_MALFORMED;
	sign = s[j++] == '-' ? -1 : 1;
	if (!num(s, n, &j, 2, &hh))
		return P_MALFORMED;
	lit(s, n, &j, ':');
	if (!num(s, n, &j, 2, &mm))
		return P_MALFORMED;
	if (hh > 23 || mm > 59)
		return P_IMPOSSIBLE;
	st->zoned = true;
	st->offset = sign * (hh * 3600L + mm * 60L);
	*i = j;
	return P_OK;
}

/*
 * An ISO 8601 / RFC 3339 date and time: "2026-11-28", then "T", "t" or
 * a space, "10:00", ":00", a fraction (dropped: windows are whole
 * seconds), a zone.  A log stamp must have the seconds (strict); an
 * argument may stop after the date or the minutes.  The whole of s must
 * be used.
 */
static enum parse
iso(const char *s, size_t n, bool strict, struct stamp *st)
{
	size_t i = 0, k;
	enum parse z;

	memset(st, 0, sizeof(*st));
	if (!num(s, n, &i, 4, &st->year) || !lit(s, n, &i, '-') ||
	    !num(s, n, &i, 2, &st->mon) || !lit(s, n, &i, '-') ||
	    !num(s, n, &i, 2, &st->mday))
		return P_MALFORMED;
	if (i == n && !strict)
		return valid(st) ? P_OK : P_IMPOSSIBLE;
	if (i == n || (s[i] != 'T' && s[i] != 't' && s[i] != ' '))
		return P_MALFORMED;
	i++;
	if (!num(s, n, &i, 2, &st->hour) || !lit(s, n, &i, ':') ||
	    !num(s, n, &i, 2, &st->min))
		return P_MALFORMED;
	if (lit(s, n, &i, ':')) {
		if (!num(s, n, &i, 2, &st->sec))
			return P_MALFORMED;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			/* Nine digits are nanoseconds; more is not a time. */
			for (k = 0, i++; i < n && is_digit(s[i]); i++, k++)
				;
			if (k == 0 || k > 9)
				return P_MALFORMED;
		}
	} else if (strict)
		return P_MALFORMED;
	if ((z = zone(s, n, &i, st)) != P_OK)
		return z;
	if (i != n)
		return P_MALFORMED;
	return valid(st) ? P_OK : P_IMPOSSIBLE;
}

/*
 * A classic syslog stamp, "Nov 28 10:00:00", "Nov  8 10:00:00" or
 * "Mar 7 02:09:33" (one or two spaces, one or two digits), in local time
 * and without a year; or with the year that some syslog daemons add,
 * after the day ("Nov 28 2026 10:00:00") or before the month ("2026 Nov
 * 28 10:00:00").  A fraction after the seconds is allowed for the syslog
 * daemons that add one, and a zone after a space (" +0100", " UTC",
 * " CET").
 */
static enum parse
classic(const char *s, size_t n, struct stamp *st)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i = 0, k, m;
	enum parse z;

	memset(st, 0, sizeof(*st));
	if (n > 5 && is_digit(s[0])) {
		if (!num(s, n, &i, 4, &st->year) || !lit(s, n, &i, ' '))
			return P_MALFORMED;
		st->has_year = true;
	}
	if (n - i < 3)
		return P_MALFORMED;
	for (m = 0; m < 12; m++)
		if (memcmp(s + i, months + 3 * m, 3) == 0)
			break;
	if (m == 12)
		return P_MALFORMED;
	st->mon = (int)m + 1;
	i += 3;
	if (!lit(s, n, &i, ' '))
		return P_MALFORMED;
	if (i < n && s[i] == ' ') {
		i++;
		if (!num(s, n, &i, 1, &st->mday))
			return P_MALFORMED;
	} else if (!num(s, n, &i, 2, &st->mday) &&
	    !num(s, n, &i, 1, &st->mday))
		return P_MALFORMED;
	/* " 2026 " after the day: a year, where none came first. */
	k = i + 1;
	if (!st->has_year && n - i > 6 && s[i] == ' ' && s[i + 5] == ' ' &&
	    num(s, n, &k, 4, &st->year)) {
		st->has_year = true;
		i = k;
	}
	if (!lit(s, n, &i, ' ') || !num(s, n, &i, 2, &st->hour) ||
	    !lit(s, n, &i, ':') || !num(s, n, &i, 2, &st->min) ||
	    !lit(s, n, &i, ':') || !num(s, n, &i, 2, &st->sec))
		return P_MALFORMED;
	if (i < n && s[i] == '.') {
		for (k = 0, i++; i < n && is_digit(s[i]); i++, k++)
			;
		if (k == 0 || k > 9)
			return P_MALFORMED;
	}
	if (i < n) {
		if (s[i] != ' ')
			return P_MALFORMED;
		if ((z = zone(s, n, &i, st)) != P_OK)
			return z;
		if (i != n)
			return P_MALFORMED;
	}
	if (st->has_year)
		return valid(st) ? P_OK : P_IMPOSSIBLE;
	/* The year comes later; check what can be checked without it. */
	if (st->mday < 1 || st->mday > (st->mon == 2 ? 29 :
	    mdays(2001, st->mon)) || st->hour > 23 || st->min > 59 ||
	    st->sec > 60)
		return P_IMPOSSIBLE;
	return P_OK;
}

/*
 * The time of a checked stamp whose zone is named by letters (to_time
 * reads the others): the local time it says, if the local clock calls
 * itself by that name then.  In the hour that comes twice when summer
 * time ends, the name tells the two apart ("02:30:00 CEST", then
 * "02:30:00 CET"); the other reading is tried when the first one's name
 * is not the stamp's.
 */
static bool
named_time(struct bs_window_reader *r, const struct stamp *st, time_t *out)
{
	struct tm tm;
	time_t t;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (pass == 0 ? !to_time(r, st, &t) :
		    !mktime_dst(st->year, st->mon, st->mday, st->hour, st->min,
		    st->sec, !tm.tm_isdst, &t))
			return false;
		if (localtime_r(&t, &tm) == NULL || tm.tm_zone == NULL)
			return false;
		if (strlen(tm.tm_zone) == st->zlen &&
		    memcmp(tm.tm_zone, st->zname, st->zlen) == 0 &&
		    tm.tm_hour == st->hour && tm.tm_min == st->min) {
			*out = t;
			return true;
		}
	}
	return false;
}

/* The time of a checked stamp that has its year. */
static bool
stamp_time(struct bs_window_reader *r, const struct stamp *st, time_t *out)
{
	return st->zname != NULL ? named_time(r, st, out) :
	    to_time(r, st, out);
}

/*
 * Give a classic stamp its year: the one that puts it at most a day after
 * ref and less than a year before.  That is ref's year, unless that puts
 * it more than a day after ref (a "Dec 31" line in a file last written on
 * Jan 1 is last year's); or, when ref is within a day of New Year, next
 * year's for a January stamp that fits (a "Jan  1 00:00:05" line read by
 * a follower whose clock says Dec 31 23:59:58).  The day of slack absorbs
 * a file whose mtime lags its last line, a follower's clock a little
 * behind the writer's, or a zone offset between writer and reader; being
 * that coarse, the test compares wall clocks and needs no mktime.  Feb 29
 * in a year without one is also taken as last year's, once.  A stamp that
 * names its year keeps it.
 */
static bool
classic_time(struct bs_window_reader *r, struct stamp *st, time_t *out)
{
	if (st->has_year)
		return stamp_time(r, st, out);
	if (r->ref_year < 0)
		return false;
	if (st->mon == 1 && r->ref_new_year) {
		st->year = r->ref_year + 1;
		if (wall(st) <= r->ref_wall + DAY)
			return stamp_time(r, st, out);
	}
	st->year = r->ref_year;
	if (!valid(st) || wall(st) > r->ref_wall + DAY) {
		st->year--;
		if (!valid(st))
			return false;
	}
	return stamp_time(r, st, out);
}

void
bs_window_reader_init(struct bs_window_reader *r, time_t ref)
{
	struct tm tm;
	struct stamp st;

	memset(r, 0, sizeof(*r));
	r->ref_year = -1;
	if (localtime_r(&ref, &tm) == NULL)
		return;
	memset(&st, 0, sizeof(st));
	st.year = tm.tm_year + 1900;
	st.mon = tm.tm_mon + 1;
	st.mday = tm.tm_mday;
	st.hour = tm.tm_hour;
	st.min = tm.tm_min;
	st.sec = tm.tm_sec;
	r->ref_year = st.year;
	r->ref_wall = wall(&st);
	r->ref_new_year = days_from_civil(st.year + 1, 1, 1) * DAY <=
	    r->ref_wall + DAY;
}

/*
 * Whether s[0..3) names the weekday of the checked date st: "Sat" before
 * "2026-11-28" (journalctl -o short-full).  A weekday that does not fit
 * the date makes the stamp unreadable, as a Feb 30 does.
 */
static bool
weekday_fits(const char *s, const struct stamp *st)
{
	/* 1970-01-01 was a Thursday. */
	static const char days[] = "ThuFriSatSunMonTueWed";
	long long d = days_from_civil(st->year, st->mon, st->mday) % 7;

	if (d < 0)
		d += 7;
	return memcmp(s, days + 3 * d, 3) == 0;
}

/* Hot when a window is set: once per event. */
bool
bs_window_read(struct bs_window_reader *r, const char *s, size_t n,
    time_t *out)
{
	struct stamp st;

	if (s == NULL || n == 0)
		return false;
	/* "Sat 2026-11-28 10:00:00": a weekday, then ISO. */
	if (n > 9 && s[3] == ' ' && s[8] == '-' && !is_digit(s[0]))
		return iso(s + 4, n - 4, true, &st) == P_OK &&
		    weekday_fits(s, &st) && stamp_time(r, &st, out);
	/* "2026-11-28..." is ISO; "2026 Nov 28 ..." a syslog date. */
	if (is_digit(s[0]) && !(n > 4 && s[4] == ' '))
		return iso(s, n, true, &st) == P_OK &&
		    stamp_time(r, &st, out);
	return classic(s, n, &st) == P_OK && classic_time(r, &st, out);
}

bool
bs_window_stamp(const char *s, size_t n, time_t ref, time_t *out)
{
	struct bs_window_reader r;

	bs_window_reader_init(&r, ref);
	return bs_window_read(&r, s, n, out);
}

/* Midnight, local time, days after the day of now (negative: before). */
static bool
midnight(time_t now, int days, time_t *out)
{
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return false;
	return mktime_local(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday + days, 0, 0, 0, out);
}

/*
 * "-24h": a span back from now.  Spans count plain seconds (a day is
 * 86400 of them), like journalctl and find -mmin.  Returns P_OK,
 * P_MALFORMED, or P_IMPOSSIBLE when it reaches past what time_t holds.
 */
static enum parse
span(const char *s, time_t now, time_t *out)
{
	long long v = 0, unit, t;
	size_t i = 1, digits = 0;

	if (s[0] != '-')
		return P_MALFORMED;
	for (; is_digit(s[i]); i++, digits++) {
		if (digits == 12)
			return P_IMPOSSIBLE;
		v = v * 10 + (s[i] - '0');
	}
	if (digits == 0 || s[i] == '\0' || s[i + 1] != '\0')
		return P_MALFORMED;
	switch (s[i]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = DAY;
		break;
	case 'w':
		unit = 7LL * DAY;
		break;
	default:
		return P_MALFORMED;
	}
	/* Twelve digits of weeks still fit in 63 bits; time_t may not. */
	t = (long long)now - v * unit;
	if ((long long)(time_t)t != t)
		return P_IMPOSSIBLE;
	*out = (time_t)t;
	return P_OK;
}

bs_status
bs_window_parse_arg(const char *arg, time_t now, time_t *out,
    struct bs_diag *d)
{
	static const char expected[] = "expected an ISO date and time "
	    "(2026-11-28, 2026-11-28T10:00, 2026-11-28T10:00:00+01:00), "
	    "today, yesterday, now, or a span back from now (-90s, -30m, "
	    "-24h, -7d, -2w)";
	struct bs_window_reader r;
	struct stamp st;
	enum parse p;

	if (strcmp(arg, "now") == 0) {
		*out = now;
		return BS_OK;
	}
	if (strcmp(arg, "today") == 0 || strcmp(arg, "yesterday") == 0) {
		if (!midnight(now, arg[0] == 't' ? 0 : -1, out))
			return bs_diag_set(d, BS_ERR_USAGE, "", 0,
			    "'%s': the local time cannot be computed", arg);
		return BS_OK;
	}
	if (arg[0] == '-') {
		p = span(arg, now, out);
		if (p == P_OK)
			return BS_OK;
		return bs_diag_set(d, BS_ERR_USAGE, "", 0, p == P_IMPOSSIBLE ?
		    "'%s' reaches too far back" : "cannot read '%s' as a "
		    "time: %s", arg, expected);
	}
	bs_window_reader_init(&r, now);
	p = iso(arg, strlen(arg), false, &st);
	if (p == P_OK && stamp_time(&r, &st, out))
		return BS_OK;
	if (p == P_MALFORMED)
		return bs_diag_set(d, BS_ERR_USAGE, "", 0,
		    "cannot read '%s' as a time: %s", arg, expected);
	return bs_diag_set(d, BS_ERR_USAGE, "", 0,
	    "'%s' is no such date or time", arg);
}

/*
 * Parse one option's argument into *out; on failure the message names the
 * option, which the parser itself does not know.
 */
static bs_status
window_arg(const char *opt, const char *arg, time_t now, time_t *out,
    struct bs_diag *d)
{
	struct bs_diag pd;

	bs_diag_clear(&pd);
	if (bs_window_parse_arg(arg, now, out, &pd) == BS_OK)
		return BS_OK;
	return bs_diag_set(d, BS_ERR_USAGE, "", 0, "%s: %s", opt, pd.msg);
}

bs_status
bs_window_init(struct bs_window *w, const char *since, const char *until,
    time_t now, struct bs_diag *d)
{
	memset(w, 0, sizeof(*w));
	if (since != NULL) {
		if (window_arg("--since", since, now, &w->since, d) != BS_OK)
			return BS_ERR_USAGE;
		w->has_since = true;
	}
	if (until != NULL) {
		if (window_arg("--until", until, now, &w->until, d) != BS_OK)
			return BS_ERR_USAGE;
		w->has_until = true;
	}
	if (w->has_since && w->has_until && w->since >= w->until)
		return bs_diag_set(d, BS_ERR_USAGE, "", 0, "--since '%s' is "
		    "not before --until '%s': the window is empty", since,
		    until);
	return BS_OK;
}

bool
bs_window_contains(const struct bs_window *w, time_t t)
{
	return (!w->has_since || t >= w->since) &&
	    (!w->has_until || t < w->until);
}

bool
bs_window_active(const struct bs_window *w)
{
	return w != NULL && (w->has_since || w->has_until);
}

enum bs_window_verdict
bs_window_check(const struct bs_window *w, struct bs_window_reader *r,
    const char *stamp, size_t n)
{
	time_t t;

	if (!bs_window_active(w))
		return BS_WINDOW_IN;
	if (!bs_window_read(r, stamp, n, &t))
		return BS_WINDOW_UNTIMED;
	return bs_window_contains(w, t) ? BS_WINDOW_IN : BS_WINDOW_OUT;
}
