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
 */
#include <stdlib.h>
#include <string.h>

#include "bslimits.h"
#include "hash.h"
#include "join.h"

#define INDEX_CAP	(2 * BS_JOIN_MESSAGES)	/* a power of two */

struct entry {
	uint64_t hash;
	uint32_t off;		/* id, then sender, in bytes[] */
	uint16_t idlen, senderlen;
	bool live;
};

struct bs_join {
	struct entry *e;	/* ring of BS_JOIN_MESSAGES */
	size_t head, count;
	char *bytes;		/* ring of BS_JOIN_BYTES */
	size_t tail;		/* where the next entry's bytes go */
	uint32_t *index;	/* entry number + 1; 0 is empty */
	uint64_t evicted;
	size_t live;
};

struct bs_join *
bs_join_new(void)
{
	struct bs_join *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->e = malloc(BS_JOIN_MESSAGES * sizeof(*j->e));
	j->bytes = malloc(BS_JOIN_BYTES);
	j->index = calloc(INDEX_CAP, sizeof(*j->index));
	if (j->e == NULL || j->bytes == NULL || j->index == NULL) {
		bs_join_free(j);
		return NULL;
	}
	return j;
}

void
bs_join_free(struct bs_join *j)
{
	if (j == NULL)
		return;
	free(j->e);
	free(j->bytes);
	free(j->index);
	free(j);
}

static size_t
home(uint64_t h)
{
	return (size_t)(h >> 32) & (INDEX_CAP - 1);
}

/* The index slot of the live entry with this id, or INDEX_CAP. */
static size_t
find(const struct bs_join *j, uint64_t h, const char *id, size_t idlen)
{
	size_t i = home(h);

	while (j->index[i] != 0) {
		const struct entry *e = &j->e[j->index[i] - 1];

		if (e->hash == h && e->idlen == idlen &&
		    memcmp(j->bytes + e->off, id, idlen) == 0)
			return i;
		i = (i + 1) & (INDEX_CAP - 1);
	}
	return INDEX_CAP;
}

/* Empty index slot i, moving back the run behind it (linear probing). */
static void
unindex(struct bs_join *j, size_t i)
{
	size_t k = i;

	for (;;) {
		size_t h;

		k = (k + 1) & (INDEX_CAP - 1);
		if (j->index[k] == 0)
			break;
		h = home(j->e[j->index[k] - 1].hash);
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

	if (i < INDEX_CAP)
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
	j->head = (j->head + 1) % BS_JOIN_MESSAGES;
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
		newest = j->e[(j->head + j->count - 1) % BS_JOIN_MESSAGES].off;
		if (newest >= front) {
			/* Not wrapped: free after tail, and before front. */
			if (j->tail + n <= BS_JOIN_BYTES)
				return j->tail;
			if (n <= front)
				return 0;
		} else if (j->tail + n <= front) {
			return j->tail;
		}
		drop_front(j);
	}
}

void
bs_join_arrival(struct bs_join *j, const char *id, size_t idlen,
    const char *sender, size_t senderlen)
{
	uint64_t h;
	size_t i, off;
	struct entry *e;

	if (idlen == 0 || idlen > BS_MSGID_MAX || senderlen > BS_JOIN_TEXT_MAX)
		return;
	h = bs_hash_bytes(id, idlen);
	i = find(j, h, id, idlen);
	if (i < INDEX_CAP)
		kill_entry(j, &j->e[j->index[i] - 1]);
	if (j->count == BS_JOIN_MESSAGES)
		drop_front(j);
	off = room(j, idlen + senderlen);
	memcpy(j->bytes + off, id, idlen);
	memcpy(j->bytes + off + idlen, sender, senderlen);
	j->tail = off + idlen + senderlen;

	i = (j->head + j->count) % BS_JOIN_MESSAGES;
	e = &j->e[i];
	*e = (struct entry){ .hash = h, .off = (uint32_t)off,
	    .idlen = (uint16_t)idlen, .senderlen = (uint16_t)senderlen,
	    .live = true };
	j->count++;
	j->live++;
	for (off = home(h); j->index[off] != 0; off = (off + 1) &
	    (INDEX_CAP - 1))
		;
	j->index[off] = (uint32_t)i + 1;
}

void
bs_join_gone(struct bs_join *j, const char *id, size_t idlen)
{
	size_t i;

	if (idlen == 0 || idlen > BS_MSGID_MAX)
		return;
	i = find(j, bs_hash_bytes(id, idlen), id, idlen);
	if (i < INDEX_CAP)
		kill_entry(j, &j->e[j->index[i] - 1]);
}

bool
bs_join_sender(const struct bs_join *j, const char *id, size_t idlen,
    const char **sender, size_t *len)
{
	const struct entry *e;
	size_t i;

	if (idlen == 0 || idlen > BS_MSGID_MAX)
		return false;
	i = find(j, bs_hash_bytes(id, idlen), id, idlen);
	if (i == INDEX_CAP)
		return false;
	e = &j->e[j->index[i] - 1];
	*sender = j->bytes + e->off + e->idlen;
	*len = e->senderlen;
	return true;
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
