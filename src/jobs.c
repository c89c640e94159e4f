/*
 * jobs.c - several inputs at once (-j): a week of rotated logs uses every
 * core.
 *
 * Each worker thread takes the next unread input, reads it into an
 * aggregate of its own and collects its warnings.  The calling thread
 * waits, redraws the progress display, and as soon as input k and every
 * input before it are done, passes on input k's warnings and merges its
 * aggregate into the caller's.  Merging in input order makes the result
 * identical to a sequential run (the message sets are unions; the input
 * list keeps its order).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "agg.h"
#include "run.h"

struct job {
	const char *path;
	struct bs_agg *agg;
	struct bs_diag *warnings;	/* in the order they happened */
	size_t nwarn, capwarn;
	bool warn_nomem;
	bs_status status;
	bool done;
	_Atomic unsigned long long bytes;
	unsigned long long size;	/* 0 when unknown */
};

struct pool {
	const struct bs_run_config *cfg;
	struct job *jobs;
	size_t n, next;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

struct worker_ctx {
	struct pool *pool;
	struct job *job;
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

static void *
worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		struct bs_run_config cfg;
		struct job *j;

		pthread_mutex_lock(&p->lock);
		if (p->next == p->n) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		j = &p->jobs[p->next++];
		pthread_mutex_unlock(&p->lock);

		cfg = *p->cfg;
		cfg.warn = collect_warning;
		cfg.warn_ctx = j;
		j->status = bs_run_input_counted(&cfg, j->path, j->agg,
		    &j->bytes);

		pthread_mutex_lock(&p->lock);
		j->done = true;
		pthread_cond_signal(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
}

static unsigned long long
file_size(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	return (unsigned long long)st.st_size;
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

bs_status
bs_run_inputs(const struct bs_run_config *cfg, char *const *paths, size_t n,
    unsigned jobs, struct bs_agg *agg, bs_progress_fn progress,
    void *progress_ctx)
{
	struct pool p = { .cfg = cfg, .n = n };
	pthread_t *threads = NULL;
	unsigned long long total = 0;
	size_t i, k, nthreads, started = 0, merged = 0;
	bs_status result = BS_OK;

	if (n == 0)
		return BS_OK;
	nthreads = jobs == 0 ? 1 : jobs;
	if (nthreads > n)
		nthreads = n;
	p.jobs = calloc(n, sizeof(*p.jobs));
	threads = calloc(nthreads, sizeof(*threads));
	if (p.jobs == NULL || threads == NULL) {
		free(p.jobs);
		free(threads);
		return BS_ERR_NOMEM;
	}
	for (i = 0; i < n; i++) {
		p.jobs[i].path = paths[i];
		p.jobs[i].size = file_size(paths[i]);
		total += p.jobs[i].size;
		/*
		 * The first input is read straight into the caller's
		 * aggregate: it is merged first anyway, and a single input
		 * (the common case) then costs no merge at all.
		 */
		p.jobs[i].agg = i == 0 ? agg : bs_agg_new_like(agg);
		if (p.jobs[i].agg == NULL)
			result = BS_ERR_NOMEM;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	if (result == BS_OK) {
		for (started = 0; started < nthreads; started++)
			if (pthread_create(&threads[started], NULL, worker,
			    &p) != 0)
				break;
		if (started == 0)
			result = BS_ERR_NOMEM;
	}

	pthread_mutex_lock(&p.lock);
	while (result != BS_ERR_NOMEM && merged < n) {
		if (!p.jobs[merged].done) {
			timed_wait(&p);
			if (progress != NULL) {
				unsigned long long done = 0;

				for (k = 0; k < n; k++)
					done += atomic_load_explicit(
					    &p.jobs[k].bytes,
					    memory_order_relaxed);
				pthread_mutex_unlock(&p.lock);
				progress(progress_ctx, done, total,
				    p.jobs[merged].path);
				pthread_mutex_lock(&p.lock);
			}
			continue;
		}
		/* Input merged is done: pass it on, outside the lock. */
		pthread_mutex_unlock(&p.lock);
		{
			struct job *j = &p.jobs[merged];

			for (k = 0; k < j->nwarn; k++)
				if (cfg->warn != NULL)
					cfg->warn(cfg->warn_ctx,
					    &j->warnings[k]);
			if (j->status == BS_ERR_NOMEM || j->warn_nomem ||
			    (j->agg != agg && bs_agg_merge(agg, j->agg) !=
			    BS_OK))
				result = BS_ERR_NOMEM;
			else {
				bs_run_input_warnings(cfg, bs_agg_input(agg,
				    bs_agg_ninputs(agg) - 1));
				if (j->status != BS_OK)
					result = BS_ERR_IO;
			}
			if (j->agg != agg)
				bs_agg_free(j->agg);
			j->agg = NULL;
		}
		merged++;
		pthread_mutex_lock(&p.lock);
	}
	/* On a fatal error, let the workers finish what they hold. */
	p.next = n;
	pthread_mutex_unlock(&p.lock);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < n; i++) {
		if (p.jobs[i].agg != agg)
			bs_agg_free(p.jobs[i].agg);
		free(p.jobs[i].warnings);
	}
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);
	free(p.jobs);
	free(threads);
	return result;
}
