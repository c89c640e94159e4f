/*
 * source_ahead.c - another source read ahead by a thread of its own.
 *
 * The worker thread owns the source below from the start and fills a ring
 * of AHEAD_SLOTS fixed buffers while the caller parses; the two meet only
 * under one mutex, once per buffer.  Memory is bounded by the ring, and
 * nothing is allocated after opening.  The caller reads the buffers in
 * place (lend): only its unfinished line is copied, into the room kept in
 * front of each buffer.
 *
 * For gzip data decoding is the slower side, so where the decoder allows
 * it (defer_crc: ISA-L) the members' CRC-32 check moves to the caller's
 * thread: the worker ends a buffer where a member ends and marks the next
 * with the member's CRC-32, which the caller checks before it hands out
 * anything after it.  The worker computes a buffer's CRC-32 itself only
 * while the caller lags (a full buffer already waits), and the caller
 * then combines it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bslimits.h"
#include "inflate.h"
#include "source.h"

/*
 * One buffer being read by the caller, one filled by the worker, one
 * spare so that neither waits for the other at a hand-over.
 */
#define AHEAD_SLOTS	3

/*
 * Room in front of each slot for the bytes a lending caller keeps: the
 * unfinished line, at most BS_LINE_MAX + 1 bytes.
 */
#define LEND_ROOM	(BS_LINE_MAX + 64)

/* One buffer of the ring. */
struct slot {
	unsigned char *buf;
	size_t len;
	unsigned long long raw_off;	/* consumed once the slot was full */
	bool last;		/* the source ended after this slot */
	bool check;		/* a member ended in front of buf, with crc */
	uint32_t crc;
	bool crc_done;		/* the worker computed buf's CRC-32 ... */
	uint32_t buf_crc;	/* ... this */
};

struct ahead_source {
	struct bs_source base;
	struct bs_source *in;	/* the worker's from the start on */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled;	/* the worker published a slot */
	pthread_cond_t emptied;	/* a slot was given back, or stop */
	unsigned full;		/* slots published and not given back */
	bool stop;		/* the caller is closing */
	int wake_r, wake_w;	/* the close pipe, or -1 */
	struct slot slot[AHEAD_SLOTS];
	size_t slot_size;
	unsigned char *mem;	/* the slots' buffers, one allocation */
	/* Set by the worker before it publishes its last slot. */
	bool failed;
	struct bs_diag fault;

	/* The caller's side, touched by the caller only. */
	unsigned head;		/* the slot being read */
	bool holding;		/* slot[head] was taken from the ring */
	size_t pos;		/* read position in slot[head] */
	unsigned long long shown_off;	/* raw offset of slot[head] */
	bs_crc32_fn crc32;	/* non-NULL: this side checks the CRC-32 */
	uint32_t crc;		/* of the member's bytes so far */
	bool bad_check;		/* a member's CRC-32 was wrong */
};

/* A member's CRC-32 from the source below, to check where it is due. */
static void
note_check(struct ahead_source *a, struct slot *sl, bool *carry,
    uint32_t *carry_crc, size_t len, bool *stop_slot)
{
	uint32_t crc = a->in->ops->member_crc(a->in);

	/*
	 * In front of the bytes that follow it: those of this slot if it
	 * has none yet, else of the next slot.
	 */
	if (len == 0 && !sl->check) {
		sl->check = true;
		sl->crc = crc;
		*stop_slot = false;
		return;
	}
	*carry = true;
	*carry_crc = crc;
	*stop_slot = true;
}

/*
 * The worker: fill the ring until the source ends or the caller closes.
 * A slot it publishes is the caller's until given back.
 */
static void *
ahead_main(void *arg)
{
	struct ahead_source *a = arg;
	unsigned tail = 0;
	bool last = false, carry = false;
	uint32_t carry_crc = 0;

	while (!last) {
		struct slot *sl = &a->slot[tail];
		size_t len = 0;
		bool stop;

		pthread_mutex_lock(&a->lock);
		while (a->full == AHEAD_SLOTS && !a->stop)
			pthread_cond_wait(&a->emptied, &a->lock);
		stop = a->stop;
		pthread_mutex_unlock(&a->lock);
		if (stop)
			break;
		sl->check = carry;
		sl->crc = carry_crc;
		carry = false;
		/* Plain reads may come short: fill the slot anyway. */
		while (len < a->slot_size) {
			ssize_t got = bs_source_read(a->in, (char *)sl->buf +
			    len, a->slot_size - len, &a->fault);
			bool stop_slot;

			if (got == BS_SOURCE_CHECK) {
				note_check(a, sl, &carry, &carry_crc, len,
				    &stop_slot);
				if (stop_slot)
					break;
				continue;
			}
			if (got <= 0) {
				if (got < 0) {
					a->failed = true;
					if (got != -1)
						bs_diag_set(&a->fault,
						    BS_ERR_IO, a->base.name, 0,
						    "%s", "internal error: "
						    "a batch source said wait");
				}
				last = true;
				break;
			}
			len += (size_t)got;
		}
		sl->len = len;
		sl->raw_off = bs_source_raw_offset(a->in);
		sl->last = last;
		sl->crc_done = false;
		pthread_mutex_lock(&a->lock);
		/*
		 * With the CRC-32 deferred, the reader computes it, unless it
		 * is the slower one just now (a full slot still waits for it
		 * besides the one it reads): then this thread does, and the
		 * reader only combines.  The two share the work where it is
		 * cheapest.
		 */
		if (a->crc32 != NULL && len > 0 && a->full >= 2) {
			pthread_mutex_unlock(&a->lock);
			sl->buf_crc = a->crc32(0, sl->buf, len);
			sl->crc_done = true;
			pthread_mutex_lock(&a->lock);
		}
		a->full++;
		pthread_cond_signal(&a->filled);
		pthread_mutex_unlock(&a->lock);
		tail = (tail + 1) % AHEAD_SLOTS;
	}
	return NULL;
}

/* Give slot[head] back to the worker, which may be waiting for room. */
static void
give_back(struct ahead_source *a)
{
	pthread_mutex_lock(&a->lock);
	a->full--;
	pthread_cond_signal(&a->emptied);
	pthread_mutex_unlock(&a->lock);
}

/* Wait until at least need slots are published. */
static void
wait_full(struct ahead_source *a, unsigned need)
{
	pthread_mutex_lock(&a->lock);
	while (a->full < need)
		pthread_cond_wait(&a->filled, &a->lock);
	pthread_mutex_unlock(&a->lock);
}

/*
 * A slot just taken from the ring.  With the CRC-32 deferred to this
 * thread: check the member that ended in front of the slot's bytes, then
 * add them to the CRC-32 of the next.  false when the check failed:
 * nothing of the slot may be handed out, and the data ends there.
 */
static bool
slot_taken(struct ahead_source *a, const struct slot *sl)
{
	if (a->crc32 == NULL)
		return true;
	if (sl->check) {
		if (a->crc != sl->crc) {
			a->bad_check = true;
			return false;
		}
		a->crc = 0;
	}
	a->crc = sl->crc_done ? (uint32_t)crc32_combine(a->crc, sl->buf_crc,
	    (z_off_t)sl->len) : a->crc32(a->crc, sl->buf, sl->len);
	return true;
}

/*
 * The end of the data: 0, or -1 with d filled when a fault follows the
 * bytes handed out.  The worker set the fault before it published its
 * last slot, which this thread took under the lock.
 */
static ssize_t
the_end(struct ahead_source *a, struct bs_diag *d)
{
	/* A wrong CRC-32 comes first: the decoder ran on past it. */
	if (a->bad_check) {
		bs_diag_set(d, BS_ERR_FORMAT, a->base.name, 0,
		    "corrupt compressed data (%s)", BS_INFLATE_BAD_CHECK);
		return -1;
	}
	if (a->failed) {
		*d = a->fault;
		return -1;
	}
	return 0;
}

/*
 * Hot: copy from the ring into the caller's buffer.  Waits only when it
 * has nothing yet; a slot emptied on the way is given back at once.
 */
static ssize_t
ahead_read(struct bs_source *s, char *buf, size_t n, struct bs_diag *d)
{
	struct ahead_source *a = (struct ahead_source *)s;
	size_t got = 0, k;

	for (;;) {
		struct slot *sl = &a->slot[a->head];

		if (!a->holding) {
			if (a->bad_check)
				break;
			pthread_mutex_lock(&a->lock);
			if (got > 0 && a->full == 0) {
				pthread_mutex_unlock(&a->lock);
				break;
			}
			while (a->full == 0)
				pthread_cond_wait(&a->filled, &a->lock);
			pthread_mutex_unlock(&a->lock);
			if (!slot_taken(a, sl))
				break;
			a->holding = true;
			a->pos = 0;
			a->shown_off = sl->raw_off;
		}
		k = sl->len - a->pos;
		if (k > n - got)
			k = n - got;
		memcpy(buf + got, sl->buf + a->pos, k);
		a->pos += k;
		got += k;
		if (a->pos < sl->len || sl->last)
			break;
		give_back(a);
		a->holding = false;
		a->head = (a->head + 1) % AHEAD_SLOTS;
		if (got == n)
			break;
	}
	return got > 0 ? (ssize_t)got : the_end(a, d);
}

/*
 * Lend the next slot of the ring in place, after a copy of keep: the
 * slot being read if a copying read left part of it, else the next one,
 * once keep is copied in front of it and the one before is given back.
 */
static ssize_t
ahead_lend(struct bs_source *s, const char *keep, size_t keep_len,
    const char **block, struct bs_diag *d)
{
	struct ahead_source *a = (struct ahead_source *)s;
	struct slot *sl;
	unsigned next;
	size_t n;

	if (keep_len > LEND_ROOM) {
		bs_diag_set(d, BS_ERR_IO, a->base.name, 0, "%s",
		    "internal error: more kept than a line can hold");
		return -1;
	}
	sl = &a->slot[a->head];
	if (a->holding && a->pos < sl->len) {
		char *at = (char *)sl->buf + a->pos - keep_len;

		memmove(at, keep, keep_len);
		*block = at;
		n = sl->len - a->pos;
		a->pos = sl->len;
		return (ssize_t)n;
	}
	if (a->holding && sl->last)
		return the_end(a, d);
	for (;;) {
		next = a->holding ? (a->head + 1) % AHEAD_SLOTS : a->head;
		wait_full(a, a->holding ? 2 : 1);
		sl = &a->slot[next];
		if (!slot_taken(a, sl))
			return the_end(a, d);
		/* keep lies in the slot held so far or with the caller. */
		memcpy(sl->buf - keep_len, keep, keep_len);
		*block = (const char *)sl->buf - keep_len;
		if (a->holding)
			give_back(a);
		a->head = next;
		a->holding = true;
		a->pos = sl->len;
		a->shown_off = sl->raw_off;
		if (sl->len > 0)
			return (ssize_t)sl->len;
		if (sl->last)
			return the_end(a, d);
		/* Empty between two members' checks: on to the next. */
		keep = *block;
	}
}

static unsigned long long
ahead_offset(const struct bs_source *s)
{
	return ((const struct ahead_source *)s)->shown_off;
}

static void
ahead_free(struct ahead_source *a)
{
	pthread_cond_destroy(&a->emptied);
	pthread_cond_destroy(&a->filled);
	pthread_mutex_destroy(&a->lock);
	if (a->wake_w >= 0) {
		close(a->wake_w);
		close(a->wake_r);
	}
	free(a->mem);
	free(a);
}

/* Stop the worker (at once if it waits for room or for a pipe), join. */
static void
ahead_close(struct bs_source *s)
{
	struct ahead_source *a = (struct ahead_source *)s;

	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_signal(&a->emptied);
	pthread_mutex_unlock(&a->lock);
	if (a->wake_w >= 0) {
		ssize_t w;

		/* The pipe is empty and ours: only a signal can stop it. */
		do
			w = write(a->wake_w, "", 1);
		while (w < 0 && errno == EINTR);
	}
	pthread_join(a->thread, NULL);
	bs_source_close(a->in);
	ahead_free(a);
}

static const struct bs_source_ops ahead_ops = {
	.read = ahead_read,
	.lend = ahead_lend,
	.offset = ahead_offset,
	.close = ahead_close,
};

void
bs_source_ahead(struct bs_source *in, size_t slot, struct bs_source **out)
{
	struct ahead_source *a;
	sigset_t all, old;
	int pipefd[2], rc;
	unsigned i;

	*out = in;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return;
	a->wake_r = a->wake_w = -1;
	a->slot_size = slot > 0 ? slot : 1;
	a->mem = malloc((LEND_ROOM + a->slot_size) * AHEAD_SLOTS);
	if (a->mem == NULL) {
		free(a);
		return;
	}
	for (i = 0; i < AHEAD_SLOTS; i++)
		a->slot[i].buf = a->mem + LEND_ROOM +
		    i * (LEND_ROOM + a->slot_size);
	if (pthread_mutex_init(&a->lock, NULL) != 0) {
		free(a->mem);
		free(a);
		return;
	}
	if (pthread_cond_init(&a->filled, NULL) != 0) {
		pthread_mutex_destroy(&a->lock);
		free(a->mem);
		free(a);
		return;
	}
	if (pthread_cond_init(&a->emptied, NULL) != 0) {
		pthread_cond_destroy(&a->filled);
		pthread_mutex_destroy(&a->lock);
		free(a->mem);
		free(a);
		return;
	}
	/* A pipe or terminal may block the worker: give it a way out. */
	if (in->may_block && in->ops->wake_on != NULL) {
		if (pipe2(pipefd, O_CLOEXEC) != 0) {
			ahead_free(a);
			return;
		}
		a->wake_r = pipefd[0];
		a->wake_w = pipefd[1];
		in->ops->wake_on(in, a->wake_r);
	}
	/* The worker's thread is the slower: the CRC-32 is checked here. */
	if (in->ops->defer_crc != NULL)
		a->crc32 = in->ops->defer_crc(in, true);
	a->in = in;
	a->base = *in;
	a->base.ops = &ahead_ops;
	a->base.done = false;
	a->base.head_len = 0;
	/* Signals are the caller's business: the worker takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->thread, NULL, ahead_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		if (a->crc32 != NULL)
			in->ops->defer_crc(in, false);
		if (a->wake_r >= 0)
			in->ops->wake_on(in, -1);
		ahead_free(a);
		return;
	}
	*out = &a->base;
}
