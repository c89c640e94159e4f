/*
 * report.h - the writers.  Each one takes the finished aggregate, read only,
 * and a FILE *; none of them knows where the events came from.
 */
#ifndef BS_REPORT_H
#define BS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct bs_agg;
struct bs_codes;

struct bs_report_opts {
	bool detail;		/* show the most frequent reply texts */
	int width;		/* text columns to wrap at (80) */
	/*
	 * When the report is made, for the Prometheus writer's
	 * bouncestat_last_run_timestamp_seconds; 0 leaves it out, so that
	 * output stays reproducible in tests.
	 */
	time_t now;
};

/* Each returns 0, or -1 if writing failed (errno set). */
int bs_report_text(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o);
int bs_report_json(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o);

/* One row per code row, RFC 4180, with a header line. */
int bs_report_csv(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o);

/* The Prometheus text exposition format (node_exporter textfile). */
int bs_report_prom(FILE *out, const struct bs_agg *a,
    const struct bs_report_opts *o);

/*
 * --explain: what the catalog knows about each of n codes (parsed by
 * bs_catalog_parse_code; one of basic/enhanced set per entry).
 */
int bs_report_explain(FILE *out, const struct bs_codes *codes, size_t n);

#endif
