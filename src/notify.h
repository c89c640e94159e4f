/*
 * notify.h - the delivery status notifications this server sent itself
 * (README "Notifications sent"), and which of them failed in turn.
 *
 * A notification is a note of a reader (BS_NOTE_NOTIFY): Postfix
 * bounce's "QID: sender non-delivery notification: NEWID" (and "delay",
 * "delivery status"), Exim's local bounce arrival "NEWID <= <> R=ID
 * U=... P=local".  A notification whose own message NEWID is then
 * bounced, deferred, expired or refused went to a sender that does not
 * take mail: a sign of backscatter (bounces of forged senders).
 *
 * A tracker owns the ids of the notifications it saw (a hash of 48 bits
 * each), at most BS_NOTIFY_IDS; past them a notification is counted but
 * not followed, and failed_themselves is marked as a lower bound.
 *
 * Reading in parallel: a tracker made with after (a later file or piece)
 * also keeps the ids of its failures that it saw no notification for,
 * within the same bound, so that merging it into the tracker of the part
 * before (bs_notify_merge) finds a notification there and its failure
 * here, as one tracker reading both would.
 */
#ifndef BS_NOTIFY_H
#define BS_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "event.h"

enum {
	BS_NOTIFY_FAILURE, /* non-delivery notification (a bounce) */
	BS_NOTIFY_DELAY,   /* delay notification (a warning) */
	BS_NOTIFY_SUCCESS, /* delivery status notification (success) */
	BS_NOTIFY_TYPES
};

struct bs_notifications {
	uint64_t sent; /* the sum of by_type */
	uint64_t by_type[BS_NOTIFY_TYPES];
	/* Notifications whose own message failed at least once. */
	uint64_t failed_themselves;
	/* More notifications than BS_NOTIFY_IDS: failed_themselves is a
	 * lower bound. */
	bool estimated;
};

struct bs_notify;

/* A tracker; after: it reads a part after another's (see above). */
struct bs_notify *bs_notify_new(bool after);
void bs_notify_free(struct bs_notify *n);

/* A BS_NOTE_NOTIFY note.  BS_ERR_NOMEM when out of memory. */
bs_status bs_notify_sent(struct bs_notify *n, const struct bs_event *ev);

/*
 * An event of message h48 (its id's hash as agg.c computes it); only
 * failures matter.  Hot: cheap when there is nothing to follow.
 */
bs_status bs_notify_event(struct bs_notify *n, const struct bs_event *ev,
    uint64_t h48);

/* Join src, which read what comes after dst's part, into dst. */
bs_status bs_notify_merge(struct bs_notify *dst, const struct bs_notify *src);

/*
 * Bytes of n's table of notifications followed (thrice when the next ahead
 * make it double, as it will while it does).
 */
size_t bs_notify_held(const struct bs_notify *n, size_t ahead);

/* Forget what was counted (follow intervals); ids are kept. */
void bs_notify_reset(struct bs_notify *n);

/* The counts so far. */
void bs_notify_results(const struct bs_notify *n, struct bs_notifications *r);

#endif
