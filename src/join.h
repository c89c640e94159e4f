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
 * (rotated files oldest first), from one thread at a time.  A file read
 * in pieces on several cores gives each piece a join of its own; the
 * events it could not complete wait for the pieces before (jobs.c).
 */
#ifndef BS_JOIN_H
#define BS_JOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bs_join;

/* NULL when out of memory. */
struct bs_join *bs_join_new(void);

/*
 * The join of one piece of a file read on several cores (jobs.c): it
 * starts knowing nothing of the messages that arrived before the piece.
 * It remembers within BS_JOIN_PIECE_MESSAGES and BS_JOIN_PIECE_BYTES; it
 * also remembers the messages that left the queue in the piece, and logs
 * every arrival and departure in order, so that bs_join_replay can apply
 * the piece to the join of the pieces before it.
 */
struct bs_join *bs_join_new_piece(void);
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

enum bs_join_answer {
	BS_JOIN_UNKNOWN, /* no sender: none seen, gone, or forgotten */
	BS_JOIN_KNOWN,	 /* the sender is in *sender, *len */
	/*
	 * A piece's join only: the message did not arrive or leave in the
	 * piece, so the join of the pieces before it knows (bs_join_sender
	 * on that join, before bs_join_replay of this piece).
	 */
	BS_JOIN_BEFORE,
};

/*
 * The sender of message id, into *sender and *len (valid until the next
 * change of j).
 */
enum bs_join_answer bs_join_sender(const struct bs_join *j, const char *id,
    size_t idlen, const char **sender, size_t *len);

/*
 * Apply the arrivals and departures of piece join src, in order, to dst,
 * the join of everything read before src's piece; src's forgotten count
 * is added to dst's.  dst is then what one join reading both would be,
 * except where a budget made either forget.
 */
void bs_join_replay(struct bs_join *dst, const struct bs_join *src);

/*
 * Bytes a piece's join holds (its share of memory, jobs.c), or SIZE_MAX
 * once it is near its budget: the piece should end there, before the
 * join forgets anything.
 */
size_t bs_join_held(const struct bs_join *j);

/* Forget everything, as new, keeping the memory (for the next piece). */
void bs_join_reset(struct bs_join *j);

/* A piece's join ran out of memory for its log: it cannot be replayed. */
bool bs_join_nomem(const struct bs_join *j);

/* Messages forgotten because of the budget, not because they left. */
uint64_t bs_join_evicted(const struct bs_join *j);

/* Messages remembered now. */
size_t bs_join_size(const struct bs_join *j);

#endif
