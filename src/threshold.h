/*
 * threshold.h - --fail-on: conditions on a finished report that make the
 * exit status 3, for cron jobs and monitoring checks.
 *
 * Grammar (one expression per --fail-on):
 *
 *	expr    = metric op number [ "%" ]
 *	metric  = "events" | kind | "code:" code
 *	kind    = "delivered" | "deferred" | "bounced" | "expired" | "rejected"
 *	code    = basic ("421", "5*", "4**") or enhanced ("5.7.1", "5.7.*",
 *	          "4.*.*"): each part a number or "*"
 *	op      = ">" | ">=" | "<" | "<=" | "=="
 *
 * A kind counts events; "deferred>5%" compares the kind's share of the
 * delivery outcomes (delivered + deferred + bounced + expired); a code's
 * percentage is its share of all events, and so is "rejected"'s (refusals
 * come before any delivery is tried).  "events" takes no percentage.  A
 * code pattern without dots matches the basic code, one with dots the
 * enhanced code; "*" in a basic pattern stands for any digits.  A count
 * is a whole number; a percentage is 0 to 100, with up to six decimals.
 * A percentage of nothing (no outcomes, no events) crosses nothing.
 * White space is allowed around the operator.
 */
#ifndef BS_THRESHOLD_H
#define BS_THRESHOLD_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct bs_agg;

struct bs_threshold {
	char text[128];		/* the expression as given, for messages */
	int metric;		/* private to threshold.c */
	char code[16];
	int op;
	double value;
	bool percent;
};

/* Parse expr into t; BS_ERR_USAGE with d filled when it is malformed. */
bs_status bs_threshold_parse(const char *expr, struct bs_threshold *t,
    struct bs_diag *d);

/*
 * Whether t is crossed by the finished aggregate a.  When it is, msg gets
 * one line saying what was crossed and by how much, e.g.
 * "fail-on bounced>100: 212 bounced events" or "fail-on deferred>5%:
 * deferred is 7.3% of delivery outcomes (187 of 2561)"; otherwise msg is
 * emptied.  msg may be NULL.
 */
bool bs_threshold_crossed(const struct bs_threshold *t,
    const struct bs_agg *a, char *msg, size_t msgsz);

#endif
