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
#include <stdint.h>

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
 * the catalog maps them onto the document's 1.1.1 and 1.0.1.  A bit mask so
 * that a row can say which of them it has seen.
 */
enum {
	BS_CONN_REFUSED = 1u << 0,	/* "Connection refused" */
	BS_CONN_FAILED = 1u << 1	/* timed out, no route, unreachable ... */
};

/*
 * The codes of one reply.  Empty strings mean "absent".  basic is three
 * digits; enhanced is class.subject.detail with one to three digits each.
 */
struct bs_codes {
	char basic[4];
	char enhanced[BS_ENHANCED_MAX];
};

struct bs_event {
	enum bs_kind kind;
	struct bs_codes codes;
	unsigned connfail;	/* BS_CONN_* bits, 0 for none */
	const char *msgid;	/* queue or message id; NULL when none yet */
	size_t msgid_len;
	const char *reply;	/* the reply text that decided it, or NULL */
	size_t reply_len;
	const char *stamp;	/* the timestamp as written, or NULL */
	size_t stamp_len;
};

typedef void (*bs_event_fn)(void *ctx, const struct bs_event *ev);

#endif
