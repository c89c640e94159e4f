/*
 * health.h - the mail server's own trouble (README "Server health"):
 * Postfix's "warning:", "error:", "fatal:" and "panic:" lines, Exim's
 * "Warning:" lines and the entries of Exim's paniclog, recognised, grouped
 * and counted.
 *
 * These lines are notes (BS_NOTE_HEALTH), never events: they change no
 * event count.  A group is (severity, program, text) with the text
 * normalised as --detail normalises reply texts (normalize.h, with host
 * names in front of "[IP]" made "host" too), so that two lines that
 * differ only in a queue id, an address, an IP address, a host or a
 * number are one group.
 *
 * Groups are counted as the breakdowns count keys (topk.h): exactly while
 * there are at most the budget given to bs_health_new (BS_HEALTH_GROUPS
 * in a run); past it the heaviest groups are kept with a bound, the
 * report says "estimated", and the lines of the groups not listed are
 * summed as "other".  The totals per severity are always exact.
 *
 * A tracker owns copies of what it keeps; the report it gives points
 * into it and is valid until the next call that changes it.
 */
#ifndef BS_HEALTH_H
#define BS_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "event.h"

/* "warning", "error", "fatal", "panic". */
const char *bs_severity_name(enum bs_severity s);

struct bs_health_group {
	enum bs_severity severity;
	const char *program; /* as written ("smtpd"); "" when unknown */
	size_t program_len;
	const char *text; /* normalised text after the severity word */
	size_t text_len;
	/*
	 * The kind of trouble where the text says it (bs_health_class), a
	 * static name such as "disk-full", or NULL.
	 */
	const char *class;
	uint64_t count; /* exact unless the report is estimated */
	uint64_t error; /* the truth lies in [count, count + error] */
};

struct bs_health_report {
	uint64_t lines;			 /* every health line */
	uint64_t severity[BS_SEV_COUNT]; /* exact */
	size_t ngroups;			 /* most lines first */
	const struct bs_health_group *groups;
	bool estimated; /* more groups than the budget */
	uint64_t other; /* lines of groups not listed */
	uint64_t bound; /* the most one unlisted group can have had */
};

struct bs_health;

/* A tracker of at most groups groups counted exactly; NULL: no memory. */
struct bs_health *bs_health_new(size_t groups);
void bs_health_free(struct bs_health *h);

/* Count a BS_NOTE_HEALTH note.  BS_ERR_NOMEM when out of memory. */
bs_status bs_health_add(struct bs_health *h, const struct bs_event *ev);

/* Add src's counts into dst (topk.c says how the bounds add up). */
bs_status bs_health_merge(struct bs_health *dst, const struct bs_health *src);

/* Forget what was counted (follow intervals). */
void bs_health_reset(struct bs_health *h);

/*
 * The report, groups sorted by lines (then severity, program, text).
 * NULL when out of memory.
 */
const struct bs_health_report *bs_health_results(struct bs_health *h);

/*
 * The kind of trouble a (normalised) text names, as a static name
 * ("disk-full", "memory", "hints-db", "queue-file", "lookup-table",
 * "dnsbl", "content-filter", "process", "tls", "sasl", "client-dns",
 * "rate-limit", "config"), or NULL; with *advice (may be NULL) a few
 * words of what to look at.
 */
const char *bs_health_class(const char *text, size_t len, const char **advice);

/*
 * For the Postfix reader: the severity word ("warning: ", "error: ",
 * "fatal: ", "panic: ") that starts s[0..n), as its severity, with its
 * length in *len; -1 for none.
 */
int bs_health_severity_at(const char *s, size_t n, size_t *len);

/*
 * For the Postfix reader: the program that wrote the line whose message
 * starts at line[msg]: the last part of the name that contains "postfix"
 * in the syslog prefix line[0..msg) ("postfix/submission/smtpd[1]: " is
 * "smtpd", "postfix/postfix-script: " "postfix-script"), cut to
 * BS_HEALTH_PROGRAM_MAX bytes.  Not stated (NULL) when there is none.
 */
struct bs_text bs_health_postfix_program(const char *line, size_t msg);

/*
 * The last path part of the last name in s[0..n) that holds word (a
 * name: letters, digits and "._-/"), cut to BS_HEALTH_PROGRAM_MAX: the
 * program of a syslog prefix, "postfix/submission/smtpd" -> "smtpd",
 * "/usr/sbin/exim4" -> "exim4".  Not stated (NULL) when none holds it.
 */
struct bs_text bs_health_program_named(const char *s, size_t n,
    const char *word);

/*
 * The same where the syslog reader found the program's word at
 * line[word] (bs_postfix_syslog_cached): the last part of that name.
 */
struct bs_text bs_health_program_at(const char *line, size_t word, size_t msg);

#endif
