/*
 * join.c - the sender of each message in the queue, by message id.
 *
 * Arrivals go into a ring of entries, oldest first, whose ids and senders
 * lie in a ring of bytes allocated in the same order; an open-addressing
 * index (linear probing, deletion by backward shift) finds a live entry
 * by its id's hash.  Forgetting a message that left the queue only marks
 * its entry dead; its room comes back when it reaches the front of the
 * rings.  When either ring is full the front entry goes, and a live one
 * is counted as evicted.
 *
 * A piece's join (bs_join_new_piece) has smaller rings, keeps a departed
 * message as a live entry marked gone (so that its later events are
 * known to have no sender, rather than to be asked of the pieces
 * before), and logs each arrival and departure for bs_join_replay:
 * a byte 'a' or 'g', the id's and the sender's lengths (two bytes each),
 * then their bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "grow.h"
#include "hash.h"
#include "join.h"

_Static_assert(BS_JOIN_MESSAGES <= UINT32_MAX / 2 &&
    (BS_JOIN_MESSAGES & (BS_JOIN_MESSAGES - 1)) == 0 &&
    (BS_JOIN_PIECE_MESSAGES & (BS_JOIN_PIECE_MESSAGES - 1)) == 0,
    "the index holds entry numbers + 1 and is a power of two");
_Static_assert(BS_MSGID_MAX <= UINT16_MAX && BS_JOIN_TEXT_MAX <= UINT16_MAX,
    "lengths are kept in 16 bits");

struct entry {
	uint64_t hash;
	uint32_t off;		/* id, then sender, in bytes[] */
	uint16_t idlen, senderlen;
	bool live;
	bool gone;		/* a piece's: the message left in the piece */
};

struct bs_join {
	struct entry *e;	/* ring of messages */
	size_t head, count;
	char *bytes;		/* ring of nbytes */
	size_t tail;		/* where the next entry's bytes go */
	/*
	 * Entry number + 1 in the low half, 0 when empty; the hash's high
	 * half above it, so that a probe past other ids reads no entry.
	 */
	uint64_t *index;
	size_t messages, nbytes, index_cap;	/* index_cap: 2 * messages */
	uint64_t evicted;
	size_t live;
	bool piece;
	char *log;		/* a piece's arrivals and departures */
	size_t loglen, logcap;
	bool nomem;		/* the log is incomplete */
};

static struct bs_join *
join_new(size_t messages, size_t nbytes, bool piece)
{
	struct bs_join *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->messages = messages;
	j->nbytes = nbytes;
	j->index_cap = 2 * messages;
	j->piece = piece;
	j->e = malloc(messages * sizeof(*j->e));
	j->bytes = malloc(nbytes);
	j->index = calloc(j->index_cap, sizeof(*j->index));
	if (j->e == NULL || j->bytes == NULL || j->index == NULL) {
		bs_join_free(j);
		return NULL;
	}
	return j;
}

struct bs_join *
bs_join_new(void)
{
	return join_new(BS_JOIN_MESSAGES, BS_JOIN_BYTES, false);
}

struct bs_join *
bs_join_new_piece(void)
{
	return join_new(BS_JOIN_PIECE_MESSAGES, BS_JOIN_PIECE_BYTES, true);
}

void
bs_join_free(struct bs_join *j)
{
	if (j == NULL)
		return;
	free(j->e);
	free(j->bytes);
	free(j->index);
	free(j->log);
	free(j);
}

static size_t
home(const struct bs_join *j, uint64_t h)
{
	return (size_t)(h >> 32) & (j->index_cap - 1);
}

/* The entry of index slot value x. */
static struct entry *
entry_of(const struct bs_join *j, uint64_t x)
{
	return &j->e[(uint32_t)x - 1];
}

/* The index slot of the live entry with this id, or j->index_cap. */
static size_t
find(const struct bs_join *j, uint64_t h, const char *id, size_t idlen)
{
	size_t i = home(j, h);
	uint64_t x;

	while ((x = j->index[i]) != 0) {
		if (x >> 32 == h >> 32) {
			const struct entry *e = entry_of(j, x);

			if (e->hash == h && e->idlen == idlen &&
			    memcmp(j->bytes + e->off, id, idlen) == 0)
				return i;
		}
		i = (i + 1) & (j->index_cap - 1);
	}
	return j->index_cap;
}

/* Empty index slot i, moving back the run behind it (linear probing). */
static void
unindex(struct bs_join *j, size_t i)
{
	size_t k = i;

	for (;;) {
		size_t h;

		k = (k + 1) & (j->index_cap - 1);
		if (j->index[k] == 0)
			break;
		h = home(j, j->index[k]);
		/* Move k back to i unless its home lies in (i, k]. */
		if ((i < k) ? (h <= i || h > k) : (h <= i && h > k)) {
			j->index[i] = j->index[k];
			i = k;
		}
	}
	j->index[i] = 0;
}

static void
kill_entry(struct bs_join *j, struct entry *e)
{
	size_t i = find(j, e->hash, j->bytes + e->off, e->idlen);

	if (i < j->index_cap)
		unindex(j, i);
	e->live = false;
	j->live--;
}

/* Drop the oldest entry; a live one counts as forgotten for lack of room. */
static void
drop_front(struct bs_join *j)
{
	struct entry *e = &j->e[j->head];

	if (e->live) {
		kill_entry(j, e);
		j->evicted++;
	}
	j->head = (j->head + 1) % j->messages;
	j->count--;
}

/*
 * Room for n bytes in the byte ring, dropping the oldest entries until
 * there is: returns its offset.  The live bytes run from the front
 * entry's offset to tail, wrapping once past the end of the ring.
 */
static size_t
room(struct bs_join *j, size_t n)
{
	for (;;) {
		size_t front, newest;

		if (j->count == 0) {
			j->tail = 0;
			return 0;
		}
		front = j->e[j->head].off;
		newest = j->e[(j->head + j->count - 1) % j->messages].off;
		if (newest >= front) {
			/* Not wrapped: free after tail, and before front. */
			if (j->tail + n <= j->nbytes)
				return j->tail;
			if (n <= front)
				return 0;
		} else if (j->tail + n <= front) {
			return j->tail;
		}
		drop_front(j);
	}
}

/* Forget the live entry at index slot i. */
static void
kill_slot(struct bs_join *j, size_t i)
{
	entry_of(j, j->index[i])->live = false;
	j->live--;
	unindex(j, i);
}

/* A new newest entry: id's sender, or (gone) its departure. */
static void
add(struct bs_join *j, uint64_t h, const char *id, size_t idlen,
    const char *sender, size_t senderlen, bool gone)
{
	size_t i, off;

	if (j->count == j->messages)
		drop_front(j);
	off = room(j, idlen + senderlen);
	memcpy(j->bytes + off, id, idlen);
	if (senderlen > 0)
		memcpy(j->bytes + off + idlen, sender, senderlen);
	j->tail = off + idlen + senderlen;

	i = (j->head + j->count) % j->messages;
	j->e[i] = (struct entry){ .hash = h, .off = (uint32_t)off,
	    .idlen = (uint16_t)idlen, .senderlen = (uint16_t)senderlen,
	    .live = true, .gone = gone };
	j->count++;
	j->live++;
	for (off = home(j, h); j->index[off] != 0; off = (off + 1) &
	    (j->index_cap - 1))
		;
	j->index[off] = (h >> 32 << 32) | ((uint64_t)i + 1);
}

/* A piece's log: one arrival ('a') or departure ('g'). */
static void
log_op(struct bs_join *j, char op, const char *id, size_t idlen,
    const char *sender, size_t senderlen)
{
	size_t need = 5 + idlen + senderlen;
	unsigned char *p;
	char *b;

	if ((b = bs_grow(j->log, &j->logcap, j->loglen + need, 1, 4096)) ==
	    NULL) {
		j->nomem = true;	/* the piece cannot be applied */
		return;
	}
	j->log = b;
	p = (unsigned char *)j->log + j->loglen;
	p[0] = (unsigned char)op;
	p[1] = (unsigned char)(idlen >> 8);
	p[2] = (unsigned char)idlen;
	p[3] = (unsigned char)(senderlen >> 8);
	p[4] = (unsigned char)senderlen;
	memcpy(p + 5, id, idlen);
	if (senderlen > 0)
		memcpy(p + 5 + idlen, sender, senderlen);
	j->loglen += need;
}

/* bs_join_arrival of an id whose hash is h. */
static void
arrival(struct bs_join *j, uint64_t h, const char *id, size_t idlen,
    const char *sender, size_t senderlen)
{
	size_t i = find(j, h, id, idlen);

	if (i < j->index_cap)
		kill_slot(j, i);
	add(j, h, id, idlen, sender, senderlen, false);
	if (j->piece)
		log_op(j, 'a', id, idlen, sender, senderlen);
}

void
bs_join_arrival(struct bs_join *j, const char *id, size_t idlen,
    const char *sender, size_t senderlen)
{
	if (idlen == 0 || idlen > BS_MSGID_MAX || senderlen > BS_JOIN_TEXT_MAX)
		return;
	arrival(j, bs_hash_bytes(id, idlen), id, idlen, sender, senderlen);
}

/* bs_join_gone of an id whose hash is h. */
static void
gone(struct bs_join *j, uint64_t h, const char *id, size_t idlen)
{
	size_t i = find(j, h, id, idlen);

	if (i < j->index_cap)
		kill_slot(j, i);
	if (j->piece) {
		add(j, h, id, idlen, NULL, 0, true);
		log_op(j, 'g', id, idlen, NULL, 0);
	}
}

void
bs_join_gone(struct bs_join *j, const char *id, size_t idlen)
{
	if (idlen == 0 || idlen > BS_MSGID_MAX)
		return;
	gone(j, bs_hash_bytes(id, idlen), id, idlen);
}

enum bs_join_answer
bs_join_sender(const struct bs_join *j, const char *id, size_t idlen,
    const char **sender, size_t *len)
{
	const struct entry *e;
	size_t i;

	if (idlen == 0 || idlen > BS_MSGID_MAX)
		return BS_JOIN_UNKNOWN;
	i = find(j, bs_hash_bytes(id, idlen), id, idlen);
	if (i == j->index_cap)
		/* A piece that forgot may have forgotten this one. */
		return j->piece && j->evicted == 0 ? BS_JOIN_BEFORE :
		    BS_JOIN_UNKNOWN;
	e = entry_of(j, j->index[i]);
	if (e->gone)
		return BS_JOIN_UNKNOWN;
	*sender = j->bytes + e->off + e->idlen;
	*len = e->senderlen;
	return BS_JOIN_KNOWN;
}

/* The length of the log record at p. */
static size_t
record_len(const unsigned char *p)
{
	return 5 + ((size_t)p[1] << 8 | p[2]) + ((size_t)p[3] << 8 | p[4]);
}

/* The hash of the id of the log record at p. */
static uint64_t
record_hash(const unsigned char *p)
{
	return bs_hash_bytes(p + 5, (size_t)p[1] << 8 | p[2]);
}

#define REPLAY_AHEAD 8	/* records whose index slot is fetched ahead */

/*
 * A piece's records in order, each record's index slot in dst fetched
 * REPLAY_AHEAD records before it is applied: dst is larger than the
 * caches, and a piece of a busy log has thousands.  The log holds only
 * what bs_join_arrival and bs_join_gone accepted.
 */
void
bs_join_replay(struct bs_join *dst, const struct bs_join *src)
{
	const unsigned char *p = (const unsigned char *)src->log;
	const unsigned char *q = p, *end = p + src->loglen;
	uint64_t ring[REPLAY_AHEAD];
	size_t head = 0, n = 0;

	while (p < end) {
		for (; q < end && n < REPLAY_AHEAD; q += record_len(q), n++) {
			uint64_t h = record_hash(q);

			ring[(head + n) % REPLAY_AHEAD] = h;
			__builtin_prefetch(&dst->index[home(dst, h)]);
		}
		{
			size_t idlen = (size_t)p[1] << 8 | p[2];
			size_t senderlen = (size_t)p[3] << 8 | p[4];
			const char *id = (const char *)p + 5;
			uint64_t h = ring[head];

			if (p[0] == 'a')
				arrival(dst, h, id, idlen, id + idlen,
				    senderlen);
			else
				gone(dst, h, id, idlen);
			p += 5 + idlen + senderlen;
			head = (head + 1) % REPLAY_AHEAD;
			n--;
		}
	}
	dst->evicted += src->evicted;
}

size_t
bs_join_held(const struct bs_join *j)
{
	size_t used;

	/* A quarter of either budget left: end the piece before it forgets. */
	if (j->count >= j->messages - j->messages / 4)
		return SIZE_MAX;
	if (j->count > 0) {
		size_t front = j->e[j->head].off;

		used = j->tail >= front ? j->tail - front :
		    j->nbytes - front + j->tail;
		if (used >= j->nbytes - j->nbytes / 4)
			return SIZE_MAX;
	} else {
		used = 0;
	}
	/* The log's length, not its capacity, kept from an earlier piece. */
	return j->index_cap * sizeof(*j->index) + j->count * sizeof(*j->e) +
	    used + j->loglen;
}

void
bs_join_reset(struct bs_join *j)
{
	memset(j->index, 0, j->index_cap * sizeof(*j->index));
	j->head = j->count = j->tail = j->live = j->loglen = 0;
	j->evicted = 0;
	j->nomem = false;
}

bool
bs_join_nomem(const struct bs_join *j)
{
	return j->nomem;
}

uint64_t
bs_join_evicted(const struct bs_join *j)
{
	return j->evicted;
}

size_t
bs_join_size(const struct bs_join *j)
{
	return j->live;
}
