/*
 * join.h - what a message's earlier lines said, for its later events.
 *
 * A delivery or bounce line names the recipient but not the sender; the
 * sender stood on the message's arrival line (Postfix qmgr's "QID:
 * from=<...>, nrcpt=", Exim's "<="), read earlier.  A join remembers, per
 * message id, the sender of every message that arrived and has not left
 * the queue, within a fixed budget: BS_JOIN_MESSAGES messages and
 * BS_JOIN_BYTES bytes of ids and addresses.  Past it the oldest arrivals
 * are forgotten first (a message that waits longest in the queue is the
 * rarest), and counted.  A message is also forgotten when it leaves the
 * queue (Postfix "removed", Exim "Completed"), because short queue ids
 * are reused.  What is not known is never guessed: the sender stays null.
 *
 * One join serves one run, across its inputs in the order they are read
 * (rotated files oldest first), from one thread at a time.
 */
#ifndef BS_JOIN_H
#define BS_JOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bs_join;

/* NULL when out of memory. */
struct bs_join *bs_join_new(void);
void bs_join_free(struct bs_join *j);

/*
 * Remember sender for message id (a later arrival of the same id
 * replaces the earlier).  An id or sender longer than BS_JOIN_TEXT_MAX is
 * not remembered (its events get a null sender).
 */
void bs_join_arrival(struct bs_join *j, const char *id, size_t idlen,
    const char *sender, size_t senderlen);

/* Forget message id (it left the queue). */
void bs_join_gone(struct bs_join *j, const char *id, size_t idlen);

/*
 * The sender of message id, into *sender and *len (valid until the next
 * change of j); false when it is not known.
 */
bool bs_join_sender(const struct bs_join *j, const char *id, size_t idlen,
    const char **sender, size_t *len);

/* Messages forgotten because of the budget, not because they left. */
uint64_t bs_join_evicted(const struct bs_join *j);

/* Messages remembered now. */
size_t bs_join_size(const struct bs_join *j);

#endif
