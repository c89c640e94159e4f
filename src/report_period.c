/*
 * report_period.c - what every writer says about time: the period the
 * events cover and the window asked for, as ISO 8601 with the offset,
 * and delays in words people read.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agg.h"
#include "report.h"
#include "window.h"

/* t as local ISO 8601 with offset, "2026-12-07T13:05:09+01:00". */
static void
iso(time_t t, char *buf, size_t n)
{
	struct tm tm;
	char zone[8];

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, n, "?");
		return;
	}
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf + strlen(buf), n - strlen(buf), "%.3s:%.2s", zone,
	    zone + 3);
}

void
bs_report_period(const struct bs_agg *a, const struct bs_report_opts *o,
    struct bs_period *p)
{
	time_t first, last;

	memset(p, 0, sizeof(*p));
	if (bs_agg_period(a, &first, &last)) {
		iso(first, p->first, sizeof(p->first));
		iso(last, p->last, sizeof(p->last));
	}
	if (o != NULL && o->window != NULL && o->window->has_since)
		iso(o->window->since, p->since, sizeof(p->since));
	if (o != NULL && o->window != NULL && o->window->has_until)
		iso(o->window->until, p->until, sizeof(p->until));
}

const char *
bs_report_duration(char *buf, size_t n, double s)
{
	if (s < 9.95)
		snprintf(buf, n, "%.1f s", s);
	else if (s < 59.5)
		snprintf(buf, n, "%.0f s", s);
	else if (s < 3600 - 30)
		snprintf(buf, n, "%.0f min", s / 60);
	else if (s < 86400 - 1800)
		snprintf(buf, n, "%.1f h", s / 3600);
	else
		snprintf(buf, n, "%.1f d", s / 86400);
	return buf;
}
