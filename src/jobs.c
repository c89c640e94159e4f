/*
 * jobs.c - reading on every core (-j): a week of rotated logs, or one
 * large log file.
 *
 * The inputs become a list of jobs, in order.  A job is a whole input or
 * a piece of a large file: the lines whose first byte lies in one byte
 * range of it (bs_run_piece).  A file is split only where that is worth
 * it and gives the same result as reading it whole: with more than one
 * job, for a regular file of at least BS_SPLIT_MIN bytes that is not gzip
 * (a deflate stream cannot be entered in the middle), in a format whose
 * lines parse on their own (Postfix and Exim; Exchange's lines depend on
 * the #Fields: header above them), and not with --detail (the top reply
 * texts of a code are a summary that depends on the order of the events).
 * The format is --type's or recognised once, from the head of the file,
 * and every piece is read in it.  A --since/--until window does not stop
 * a split: a classic syslog stamp's year comes from the stamp and the
 * file's mtime alone (the stamp reader carries nothing from line to line
 * but a cache of the last day converted), and every piece is given the
 * mtime the file had when it was planned.
 *
 * Each worker thread takes the next job, reads it into an aggregate of
 * its own and collects its warnings.  The calling thread waits, redraws
 * the progress display, and as soon as job k and every job before it are
 * done, passes on job k's warnings and merges its aggregate into the
 * caller's: a whole input or a first piece as a new input, a later piece
 * into its file's input (bs_agg_merge_continued adds up the counters and
 * moves the piece's first skipped line past the lines before it).  A
 * piece's read fault is worded only then, when the number of lines
 * before it in the file is known, and an input's summary warnings follow
 * its last job.  Merging in order gives what a sequential run gives:
 * counts add up, message sets are unions, warnings come in the same order
 * with the same line numbers.  Two cases need more:
 *   - a job that met more than BS_ROWS_MAX distinct codes (hostile input)
 *     folded codes by its own count of rows, so the calling thread reads
 *     it again starting from the caller's rows (read_here);
 *   - after a read error in a piece, the file's later pieces are still
 *     read, where a sequential run stops; the error is the same.
 *
 * A run that joins senders (join.h: --format events, --by sender) reads
 * its pieces the same way.  The first job reads with the run's join and
 * sink; every later piece has a join of its own (which knows what
 * arrived and left in the piece) and, for the event stream, a store of
 * its events (struct bs_piece_sink).  An event whose message the piece's
 * join has not seen waits: its line in the store without the sender, or,
 * in a report, its place in the sender breakdowns (agg.c's later list).
 * Merging the piece then writes its events and counts those senders from
 * the run's join (everything read before the piece), and replays the
 * piece's arrivals and departures onto it.  A whole input after the first
 * (gzip, stdin) is read by the calling thread when its turn comes.
 * Stored events take memory: pieces of a stream are as large as their
 * share of BS_PIECES_HELD_JOINED.
 *
 * Memory: a job gets its aggregate when a thread starts it, and a
 * finished job's aggregate waits until every job before it is merged,
 * and is freed then.  A thread starts a piece only while it is one of
 * the nthreads oldest jobs not yet merged, so at most nthreads pieces
 * are live at once, and one slow piece cannot leave the other threads
 * piling up finished ones.  Each has an equal share of BS_PIECES_HELD
 * (bslimits.h): a piece whose aggregate would hold more ends after the
 * line that took it there (bs_piece's share and end_at), and the rest of
 * its bytes becomes a piece of its own, merged right after it and read
 * next by the same thread (split_rest).  So what the pieces hold stays
 * within the budget whatever the input and the number of threads, and
 * the counts stay those of a sequential read.  Whole inputs are not held
 * back; their message sets and recipients in flight take from the run's
 * budgets (agg.c, outcome.c).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "agg.h"
#include "bslimits.h"
#include "format.h"
#include "jobs.h"
#include "join.h"
#include "run.h"

struct job {
	const char *path;
	bool piece;		/* a piece of the file, not all of it */
	bool continued;		/* a piece after the file's first */
	bool last;		/* the file's last job */
	bool here;		/* left to the calling thread (see merge_job) */
	const struct bs_format *fmt;	/* a piece's: the whole file's */
	struct bs_piece pc;
	/*
	 * In a run that joins: direct, the job reads with the run's join
	 * and sink (the first job, and every job read by the calling
	 * thread); otherwise a piece's own join and store of events.
	 */
	bool direct;
	struct bs_join *join;
	void *store;
	struct bs_agg *agg;
	struct bs_diag *warnings;	/* in the order they happened */
	size_t nwarn, capwarn;
	bool warn_nomem;
	bs_status status;
	bool done;
	_Atomic unsigned long long bytes;
};

struct pool {
	const struct bs_run_config *cfg;
	/*
	 * An empty aggregate like the run's, from which a worker makes a
	 * job's when it starts the job: only the jobs being read or waiting
	 * to be merged hold one (the run's own aggregate is being merged
	 * into meanwhile, so it is not read from other threads).
	 */
	struct bs_agg *proto;
	struct bs_jobs_split split;	/* tests' forced pieces (jobs.h) */
	struct job **jobs;	/* in merge order; a piece's rest goes in */
	size_t n, cap;
	size_t next;		/* the next job to start */
	size_t merged;		/* jobs merged so far */
	size_t ahead;		/* how far past merged a piece may start */
	size_t share;		/* of memory, for a piece's aggregate */
	unsigned long long piece;	/* bytes of an automatic piece */
	/*
	 * The joins and stores of merged pieces (run that joins), kept for
	 * the next: made new, each piece's would be fresh pages to fault in.
	 */
	struct spare {
		struct bs_join *join;
		void *store;
	} *spares;
	size_t nspares, capspares;
	unsigned long long merged_bytes;	/* read by the jobs merged */
	bool stop;		/* a fatal error: merging has ended */
	pthread_mutex_t lock;
	pthread_cond_t changed;	/* a job is done */
	pthread_cond_t room;	/* a job was merged, or stop */
};

static void
collect_warning(void *ctx, const struct bs_diag *d)
{
	struct job *j = ctx;

	if (j->nwarn == j->capwarn) {
		size_t ncap = j->capwarn ? j->capwarn * 2 : 4;
		struct bs_diag *nw = realloc(j->warnings, ncap * sizeof(*nw));

		if (nw == NULL) {
			j->warn_nomem = true;
			return;
		}
		j->warnings = nw;
		j->capwarn = ncap;
	}
	j->warnings[j->nwarn++] = *d;
}

/* Whether job i must wait for earlier jobs to be merged first. */
static bool
held_back(const struct pool *p, size_t i)
{
	return p->jobs[i]->piece && i >= p->merged + p->ahead;
}

/* Where job j is in the merge order (it is not merged yet). */
static size_t
index_of(const struct pool *p, const struct job *j)
{
	size_t i;

	for (i = p->merged; p->jobs[i] != j; i++)
		;
	return i;
}

/* Room for one more job in p->jobs. */
static bool
jobs_room(struct pool *p)
{
	size_t ncap;
	struct job **nj;

	if (p->n < p->cap)
		return true;
	ncap = p->cap ? p->cap * 2 : 16;
	nj = realloc(p->jobs, ncap * sizeof(*nj));
	if (nj == NULL)
		return false;
	p->jobs = nj;
	p->cap = ncap;
	return true;
}

/*
 * Piece j ended early, at j->pc.end_at, holding its share of memory: the
 * rest of its bytes becomes a piece of its own, merged right after it.
 * Called with the lock held; NULL when out of memory (j's status says
 * so).
 */
static struct job *
split_rest(struct pool *p, struct job *j)
{
	struct job *r = calloc(1, sizeof(*r));
	size_t k;

	if (r == NULL || !jobs_room(p)) {
		free(r);
		j->status = BS_ERR_NOMEM;
		return NULL;
	}
	r->path = j->path;
	r->piece = r->continued = true;
	r->last = j->last;
	r->fmt = j->fmt;
	r->pc.off = j->pc.end_at;
	r->pc.len = j->pc.len == ULLONG_MAX ? ULLONG_MAX :
	    j->pc.off + j->pc.len - j->pc.end_at;
	r->pc.ref = j->pc.ref;
	j->pc.len = j->pc.end_at - j->pc.off;
	j->last = false;
	k = index_of(p, j) + 1;
	memmove(&p->jobs[k + 1], &p->jobs[k], (p->n - k) * sizeof(*p->jobs));
	p->jobs[k] = r;
	p->n++;
	/* Later jobs moved one on, the one to start next with them. */
	p->next++;
	return r;
}

/* Read job j into its aggregate, collecting its warnings. */
static void
run_job(const struct bs_run_config *base, struct job *j)
{
	struct bs_run_config cfg = *base;

	cfg.warn = collect_warning;
	cfg.warn_ctx = j;
	if (j->join != NULL)
		cfg.join = j->join;
	if (j->store != NULL) {
		cfg.sink = base->piece_sink->event;
		cfg.sink_ctx = j->store;
	}
	if (j->piece) {
		cfg.format = j->fmt;
		j->status = bs_run_piece(&cfg, j->path, &j->pc, j->agg,
		    &j->bytes);
	} else
		j->status = bs_run_input_counted(&cfg, j->path, j->agg,
		    &j->bytes);
}

/*
 * Read job j, not left to the calling thread.  The first job reads into
 * the run's aggregate, which has a budget of its own; every other job
 * gets an aggregate now, and a piece a share of memory.
 */
static void
start_job(struct pool *p, struct job *j)
{
	const struct bs_piece_sink *ps = p->cfg->piece_sink;

	if (j->agg == NULL) {
		j->agg = j->piece ? bs_agg_new_piece(p->proto) :
		    bs_agg_new_like(p->proto);
		j->pc.share = p->share;
		j->pc.every = p->split.every;
		/*
		 * A piece of a run that joins: its own join, and a store for
		 * its events when they are written.
		 */
		if (p->cfg->join != NULL && !j->direct) {
			pthread_mutex_lock(&p->lock);
			if (p->nspares > 0) {
				p->nspares--;
				j->join = p->spares[p->nspares].join;
				j->store = p->spares[p->nspares].store;
			}
			pthread_mutex_unlock(&p->lock);
			if (j->join == NULL)
				j->join = bs_join_new_piece();
			if (j->store == NULL && ps != NULL)
				j->store = ps->open();
			j->pc.held = ps != NULL ? ps->held : NULL;
			j->pc.store = j->store;
			j->pc.join = j->join;
		}
	}
	if (j->agg == NULL || (p->cfg->join != NULL && !j->direct &&
	    (j->join == NULL || (ps != NULL && j->store == NULL))))
		j->status = BS_ERR_NOMEM;
	else
		run_job(p->cfg, j);
}

/*
 * Give back what a piece of a run that joins held apart: kept for the
 * next piece while there is room (called without the lock).
 */
static void
drop_held(struct pool *p, struct job *j)
{
	bool kept = false;

	if (j->join != NULL && (j->store != NULL || p->cfg->piece_sink ==
	    NULL)) {
		bs_join_reset(j->join);
		if (j->store != NULL)
			p->cfg->piece_sink->reset(j->store);
		pthread_mutex_lock(&p->lock);
		if (p->nspares < p->capspares) {
			p->spares[p->nspares].join = j->join;
			p->spares[p->nspares].store = j->store;
			p->nspares++;
			kept = true;
		}
		pthread_mutex_unlock(&p->lock);
	}
	if (!kept) {
		if (j->store != NULL)
			p->cfg->piece_sink->close(j->store);
		bs_join_free(j->join);
	}
	j->store = NULL;
	j->join = NULL;
	j->pc.held = NULL;
	j->pc.store = NULL;
	j->pc.join = NULL;
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct job *j = NULL;
	bool here = false;

	for (;;) {
		struct job *rest = NULL;

		pthread_mutex_lock(&p->lock);
		if (j == NULL) {
			while (p->next < p->n && held_back(p, p->next))
				pthread_cond_wait(&p->room, &p->lock);
			if (p->next == p->n) {
				pthread_mutex_unlock(&p->lock);
				return NULL;
			}
			j = p->jobs[p->next++];
			here = j->here;
		}
		pthread_mutex_unlock(&p->lock);

		if (!here)
			start_job(p, j);

		pthread_mutex_lock(&p->lock);
		if (!here && j->pc.end_at != 0 && !p->stop)
			rest = split_rest(p, j);
		j->done = true;
		pthread_cond_signal(&p->changed);
		/*
		 * This thread reads the rest of its piece, once it may: it
		 * is behind the job to start next, no other thread takes it.
		 */
		if (rest != NULL) {
			while (!p->stop && held_back(p, index_of(p, rest)))
				pthread_cond_wait(&p->room, &p->lock);
			if (p->stop) {
				rest->done = true;
				rest = NULL;
			}
		}
		pthread_mutex_unlock(&p->lock);
		j = rest;
		here = false;
	}
}

static struct job *
new_job(struct pool *p, const char *path)
{
	struct job *j;

	if (!jobs_room(p) || (j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	p->jobs[p->n++] = j;
	j->path = path;
	j->last = true;
	return j;
}

/*
 * The jobs of one input: the whole of it, or its pieces.  Automatic
 * pieces are equal, of BS_SPLIT_PIECE bytes or a little more; the last
 * one reads to whatever end the file has then, as a whole read would.
 * Adds the file's size to *total.
 */
static bs_status
plan(struct pool *p, const char *path, unsigned jobs,
    const struct bs_agg *agg, unsigned long long *total)
{
	const struct bs_run_config *cfg = p->cfg;
	const struct bs_format *fmt = NULL;
	struct bs_sample_look look;
	unsigned long long size = 0, off, next, npieces = 0, k;
	struct stat st;
	struct job *j;
	bool forced = p->split.size > 0;

	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		size = (unsigned long long)st.st_size;
		if (((forced && size > 0) ||
		    (!forced && jobs > 1 && size >= BS_SPLIT_MIN)) &&
		    !bs_agg_detail(agg))
			fmt = bs_run_split_format(cfg, path, &look);
	}
	*total += size;
	if (fmt == NULL)
		return new_job(p, path) == NULL ? BS_ERR_NOMEM : BS_OK;
	if (!forced && (npieces = size / p->piece) == 0)
		npieces = 1;
	for (off = 0, k = 0; off < size; off = next, k++) {
		if (!forced)
			next = k + 1 == npieces ? size : off + size / npieces;
		else
			next = off + (k == 0 && p->split.first > 0 ?
			    p->split.first : p->split.size);
		if ((j = new_job(p, path)) == NULL)
			return BS_ERR_NOMEM;
		j->piece = true;
		j->continued = k > 0;
		j->last = next >= size;
		j->fmt = fmt;
		j->pc.off = off;
		j->pc.len = j->last ? ULLONG_MAX : next - off;
		j->pc.ref = st.st_mtime;
		j->pc.sampled = k == 0;
		if (k == 0)
			j->pc.look = look;
	}
	return BS_OK;
}

/*
 * Read job j again, in the calling thread, into an aggregate that starts
 * with agg's rows.  A job that met more than BS_ROWS_MAX distinct codes
 * (hostile input) folded the later ones into code-less rows by its own
 * count, where agg may have rows for them or be full sooner; started
 * with agg's rows, it folds exactly what a sequential run folds.  The
 * rest of its file most likely does the same, so its pieces that no
 * worker has taken yet are left to this thread too.
 */
static bs_status
read_here(struct pool *p, struct job *j, const struct bs_agg *agg)
{
	size_t k;

	pthread_mutex_lock(&p->lock);
	for (k = index_of(p, j) + 1; k < p->n && p->jobs[k]->continued; k++)
		if (k >= p->next)
			p->jobs[k]->here = true;
	pthread_mutex_unlock(&p->lock);
	bs_agg_free(j->agg);
	j->nwarn = 0;
	/*
	 * Every job before is merged: in a run that joins, it reads with
	 * the run's join and writes its events at once.
	 */
	drop_held(p, j);
	j->direct = true;
	/*
	 * Read in this thread and merged at once, it needs no share: it
	 * reads exactly what it read before (the rest of a piece that ended
	 * early is a piece of its own already).
	 */
	j->pc.share = 0;
	j->pc.end_at = 0;
	/*
	 * A piece read again stays a piece: taking from the run's budget,
	 * it would estimate with a 32 KiB sketch for each of up to
	 * BS_ROWS_MAX rows.
	 */
	if ((j->agg = bs_agg_new_with_rows(agg, j->piece)) == NULL)
		return BS_ERR_NOMEM;
	run_job(p->cfg, j);
	return j->status == BS_ERR_NOMEM || j->warn_nomem ? BS_ERR_NOMEM :
	    BS_OK;
}

/*
 * Pass on job j's warnings and merge its aggregate into agg.  Returns
 * BS_OK, BS_ERR_IO when the job failed, or a fatal BS_ERR_NOMEM.
 */
static bs_status
merge_job(struct pool *p, struct job *j, struct bs_agg *agg)
{
	const struct bs_run_config *cfg = p->cfg;
	struct bs_input_stats *st;
	struct bs_diag d;
	size_t k;

	if (j->status == BS_ERR_NOMEM || j->warn_nomem)
		return BS_ERR_NOMEM;
	if (j->agg != agg && (j->here || bs_agg_folded(j->agg) > 0) &&
	    read_here(p, j, agg) != BS_OK)
		return BS_ERR_NOMEM;
	for (k = 0; k < j->nwarn; k++)
		bs_run_warn(cfg, &j->warnings[k]);
	if (j->join != NULL) {
		/*
		 * The events and senders that waited for the lines and the
		 * join before them.
		 */
		uint64_t before = j->continued ? bs_agg_input_stats(agg,
		    bs_agg_ninputs(agg) - 1)->lines : 0;

		if (bs_join_nomem(j->join) || (j->store != NULL &&
		    !cfg->piece_sink->flush(j->store, cfg->sink_ctx, before,
		    cfg->join)) || bs_agg_count_senders(agg, j->agg,
		    cfg->join) != BS_OK)
			return BS_ERR_NOMEM;
		bs_join_replay(cfg->join, j->join);
	}
	if (j->agg != agg && (j->continued ?
	    bs_agg_merge_continued(agg, j->agg) :
	    bs_agg_merge(agg, j->agg)) != BS_OK)
		return BS_ERR_NOMEM;
	st = bs_agg_input_stats(agg, bs_agg_ninputs(agg) - 1);
	if (j->piece && j->pc.fault[0] != '\0') {
		/* The file's lines so far end where the fault stopped. */
		bs_run_fault_diag(&d, j->path, j->pc.fault, st->lines);
		if (st->error[0] == '\0')
			snprintf(st->error, sizeof(st->error), "%s", d.msg);
		bs_run_warn(cfg, &d);
	}
	if (j->last && bs_run_input_warnings(cfg, st) != BS_OK)
		return BS_ERR_IO;
	return j->status == BS_OK ? BS_OK : BS_ERR_IO;
}

static void
timed_wait(struct pool *p)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += BS_PROGRESS_MS * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&p->changed, &p->lock, &ts);
}

/* bs_run_inputs and bs_run_inputs_split. */
static bs_status
run_inputs(const struct bs_run_config *cfg, char *const *paths, size_t n,
    unsigned jobs, struct bs_agg *agg, bs_progress_fn progress,
    void *progress_ctx, struct bs_jobs_split *split)
{
	struct pool p = { .cfg = cfg };
	pthread_t *threads = NULL;
	unsigned long long total = 0;
	size_t i, k, nthreads, started = 0;
	bs_status result = BS_OK, st;

	if (n == 0)
		return BS_OK;
	if (split != NULL)
		p.split = *split;
	/*
	 * A join follows the messages through the inputs in order: each
	 * piece has a join of its own, and what it could not complete
	 * waits for the pieces before (merge_job).  The pieces of an event
	 * stream, which hold their events, are as large as their share.
	 */
	p.piece = BS_SPLIT_PIECE;
	if (cfg->join != NULL && cfg->piece_sink != NULL) {
		p.piece = BS_PIECES_HELD_JOINED / (jobs > 0 ? jobs : 1);
		if (p.piece < BS_SPLIT_PIECE_JOINED_MIN)
			p.piece = BS_SPLIT_PIECE_JOINED_MIN;
	}
	for (i = 0; i < n && result == BS_OK; i++)
		result = plan(&p, paths[i], jobs, agg, &total);
	/*
	 * With a join, a whole input after the first (compressed, or too
	 * small to split) is read by the calling thread when its turn
	 * comes: its events could not wait in memory.
	 */
	if (cfg->join != NULL && result == BS_OK) {
		p.jobs[0]->direct = true;
		for (i = 1; i < p.n; i++)
			if (!p.jobs[i]->piece)
				p.jobs[i]->here = true;
	}
	nthreads = jobs == 0 ? 1 : jobs;
	if (nthreads > p.n)
		nthreads = p.n;
	/*
	 * A thread starts a piece only while it is one of the nthreads
	 * oldest not yet merged: the pieces live at once share
	 * BS_PIECES_HELD.
	 */
	p.ahead = nthreads > 0 ? nthreads : 1;
	p.share = p.split.share > 0 ? p.split.share :
	    (cfg->piece_sink != NULL ? BS_PIECES_HELD_JOINED :
	    BS_PIECES_HELD) / p.ahead;
	if (result == BS_OK &&
	    (threads = calloc(nthreads, sizeof(*threads))) == NULL)
		result = BS_ERR_NOMEM;
	/* As many spares as pieces may be live, and the one being merged. */
	if (result == BS_OK && cfg->join != NULL && p.n > 1) {
		p.capspares = p.ahead + 1;
		if ((p.spares = calloc(p.capspares, sizeof(*p.spares))) == NULL)
			result = BS_ERR_NOMEM;
	}
	/*
	 * The first job is read straight into the caller's aggregate: it is
	 * merged first anyway, and a single input (the common case) then
	 * costs no merge at all.  The others get theirs when they start.
	 */
	if (result == BS_OK) {
		p.jobs[0]->agg = agg;
		if (p.n > 1 && (p.proto = bs_agg_new_like(agg)) == NULL)
			result = BS_ERR_NOMEM;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	pthread_cond_init(&p.room, NULL);
	if (result == BS_OK) {
		for (started = 0; started < nthreads; started++)
			if (pthread_create(&threads[started], NULL, worker,
			    &p) != 0)
				break;
		if (started == 0)
			result = BS_ERR_NOMEM;
	}

	pthread_mutex_lock(&p.lock);
	while (result != BS_ERR_NOMEM && p.merged < p.n) {
		struct job *j = p.jobs[p.merged];

		if (!j->done) {
			timed_wait(&p);
			if (progress != NULL) {
				unsigned long long done = p.merged_bytes;

				for (k = p.merged; k < p.n; k++)
					done += atomic_load_explicit(
					    &p.jobs[k]->bytes,
					    memory_order_relaxed);
				pthread_mutex_unlock(&p.lock);
				progress(progress_ctx, done, total, j->path);
				pthread_mutex_lock(&p.lock);
			}
			continue;
		}
		/* Job merged is done: pass it on, outside the lock. */
		pthread_mutex_unlock(&p.lock);
		st = merge_job(&p, j, agg);
		if (st == BS_ERR_NOMEM || result == BS_OK)
			result = st;
		/*
		 * Free each job as soon as it is merged: a file whose pieces
		 * end early may make thousands.
		 */
		if (j->agg != agg)
			bs_agg_free(j->agg);
		drop_held(&p, j);
		free(j->warnings);
		pthread_mutex_lock(&p.lock);
		p.merged_bytes += atomic_load(&j->bytes);
		free(j);
		p.jobs[p.merged] = NULL;
		p.merged++;
		pthread_cond_broadcast(&p.room);
	}
	/* On a fatal error, let the workers finish what they hold. */
	p.next = p.n;
	p.stop = true;
	pthread_cond_broadcast(&p.room);
	pthread_mutex_unlock(&p.lock);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (i = p.merged; i < p.n; i++) {
		if (p.jobs[i]->agg != agg)
			bs_agg_free(p.jobs[i]->agg);
		drop_held(&p, p.jobs[i]);
		free(p.jobs[i]->warnings);
		free(p.jobs[i]);
	}
	if (split != NULL)
		split->jobs = p.n;
	for (i = 0; i < p.nspares; i++) {
		if (p.spares[i].store != NULL)
			cfg->piece_sink->close(p.spares[i].store);
		bs_join_free(p.spares[i].join);
	}
	free(p.spares);
	bs_agg_free(p.proto);
	pthread_cond_destroy(&p.room);
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);
	free(p.jobs);
	free(threads);
	return result;
}

bs_status
bs_run_inputs(const struct bs_run_config *cfg, char *const *paths, size_t n,
    unsigned jobs, struct bs_agg *agg, bs_progress_fn progress,
    void *progress_ctx)
{
	return run_inputs(cfg, paths, n, jobs, agg, progress, progress_ctx,
	    NULL);
}

bs_status
bs_run_inputs_split(const struct bs_run_config *cfg, char *const *paths,
    size_t n, unsigned jobs, struct bs_agg *agg,
    struct bs_jobs_split *split)
{
	return run_inputs(cfg, paths, n, jobs, agg, NULL, NULL, split);
}
