/*
 * event.h - what a parser hands to the aggregator: one delivery outcome or
 * one refusal, with the codes that decided it.
 *
 * Every pointer in a bs_event points into the current line (or the
 * parser's own state) and is valid only during the call that receives it;
 * whoever keeps anything copies it.
 */
#ifndef BS_EVENT_H
#define BS_EVENT_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "bslimits.h"

enum bs_kind {
	BS_DELIVERED = 0,
	BS_DEFERRED,
	BS_BOUNCED,
	BS_EXPIRED,
	BS_REJECTED,
	BS_KIND_COUNT
};

/* "delivered", "deferred", ... for reports. */
const char *bs_kind_name(enum bs_kind k);

/*
 * Connection failures that carry no SMTP reply, told apart by their text;
 * the catalog maps them onto the document's 1.1.1 and 1.0.1.  An event has
 * one of them or none; a count row has the one of all its events (agg.h).
 */
enum {
	BS_CONN_REFUSED = 1u << 0,	/* "Connection refused" */
	BS_CONN_FAILED = 1u << 1	/* timed out, no route, unreachable ... */
};

/* "refused", "failed", or NULL for none: the writers' name of a value. */
const char *bs_conn_name(unsigned connfail);

/*
 * The SMTP command a reply answered, where the parser reads it apart from
 * the reply text (Exim: "after RCPT TO:<a>: 550 ...", "rejected RCPT
 * <a>: ...").  A reply that carries it in its own words (Postfix's "(in
 * reply to RCPT TO command)") is left BS_CMD_UNSTATED, and the reason
 * rules read it there (reasons.pat's command rows).
 */
enum bs_command {
	BS_CMD_UNSTATED = 0,
	BS_CMD_CONN,		/* the connection or its greeting */
	BS_CMD_HELO,		/* EHLO, HELO, LHLO */
	BS_CMD_MAIL,		/* MAIL FROM */
	BS_CMD_RCPT,		/* RCPT TO */
	BS_CMD_DATA,		/* DATA, BDAT, the end of the data */
	BS_CMD_OTHER		/* stated, but none of those (STARTTLS, AUTH) */
};

/*
 * The codes of one reply.  Empty strings mean "absent".  basic is three
 * digits; enhanced is class.subject.detail with one to three digits each.
 */
struct bs_codes {
	char basic[4];
	char enhanced[BS_ENHANCED_MAX];
};

/*
 * A piece of the line: ptr NULL means "not stated" (JSON null); a non-NULL
 * ptr with len 0 is an empty value, such as Postfix's null sender "<>".
 */
struct bs_text {
	const char *ptr;
	size_t len;
};

/*
 * What a record is.  An event is counted; a note only feeds the joins of
 * run.c (join.h): the sender of a message from its arrival line, and the
 * end of a message (Postfix "removed", Exim "Completed"), after which its
 * id may be reused and whatever was joined to it is forgotten.
 */
enum bs_note {
	BS_NOTE_EVENT = 0,	/* an event of ev->kind */
	BS_NOTE_ARRIVAL,	/* msgid arrived from sender (no kind) */
	BS_NOTE_GONE,		/* msgid left the queue (no kind) */
	/*
	 * This server sent a delivery status notification about msgid (a
	 * note for the aggregate, not the join): its own message id is
	 * notify_id, and kind says which: BS_BOUNCED a non-delivery
	 * notification, BS_DEFERRED a delay notification, BS_DELIVERED a
	 * success notification.  README "Notifications sent".
	 */
	BS_NOTE_NOTIFY,
	/*
	 * A line of the server's own trouble (a note for the aggregate, not
	 * an event: it changes no event count): Postfix "warning:", "error:",
	 * "fatal:", "panic:", Exim "Warning:".  severity says which, program
	 * names the program that wrote it (Postfix's smtpd, cleanup ...;
	 * "exim"), reply is its text after the severity word.  README
	 * "Server health", health.h.
	 */
	BS_NOTE_HEALTH,
	/*
	 * A delivery status line that a program bouncestat has no reader
	 * for wrote (foreign.h): not read, but counted and warned about.
	 * program names it.
	 */
	BS_NOTE_FOREIGN
};

/* The severity of a BS_NOTE_HEALTH note, mildest first. */
enum bs_severity {
	BS_SEV_WARNING = 0,
	BS_SEV_ERROR,
	BS_SEV_FATAL,
	BS_SEV_PANIC,
	BS_SEV_COUNT
};

struct bs_event {
	enum bs_note note;
	enum bs_kind kind;
	struct bs_codes codes;
	unsigned connfail;	/* BS_CONN_* bits, 0 for none */
	enum bs_command command;	/* what the reply answered */
	const char *msgid;	/* queue or message id; NULL when none yet */
	size_t msgid_len;
	const char *reply;	/* the reply text that decided it, or NULL */
	size_t reply_len;
	const char *stamp;	/* the timestamp as written, or NULL */
	size_t stamp_len;

	/* The event record of DESIGN.md "Round 2" (NULL ptr: not stated). */
	struct bs_text recipient;	/* as written, without <> */
	struct bs_text remote;		/* host name as written */
	struct bs_text remote_ip;
	struct bs_text sender;		/* "" is the null sender */
	/*
	 * The sender is not known yet: the event is in a piece of a file
	 * read on several cores, and its message did not arrive in the
	 * piece (join.h BS_JOIN_BEFORE).  The piece's sink asks the join of
	 * the pieces before when it writes the event.
	 */
	bool sender_before;
	double delay;			/* seconds; < 0 when not stated */
	/*
	 * delay counts from the message's arrival (Postfix's delay=), not
	 * the one delivery's time (Exim's DT=): outcome.c then knows when
	 * the message came.
	 */
	bool delay_since_arrival;
	struct bs_text notify_id;	/* BS_NOTE_NOTIFY only */
	enum bs_severity severity;	/* BS_NOTE_HEALTH only */
	struct bs_text program;	/* BS_NOTE_HEALTH and BS_NOTE_FOREIGN */

	/*
	 * Filled by run.c, not by parsers: the time read from stamp, and
	 * whether it could be read; why the event failed (reasons.h: a
	 * static reason name, "delivered" for deliveries, NULL before
	 * run.c decides) and whether that is a hard failure (-1 for none:
	 * deliveries and deferrals; 0 soft; 1 hard).
	 */
	bool timed;
	time_t time;
	const char *reason;
	int hard;
};

/* An empty record: an event with nothing stated (delay < 0: none). */
static inline void
bs_event_init(struct bs_event *ev)
{
	*ev = (struct bs_event){ .note = BS_NOTE_EVENT, .delay = -1.0,
	    .hard = -1 };
}

typedef void (*bs_event_fn)(void *ctx, const struct bs_event *ev);

#endif
