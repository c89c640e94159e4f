/*
 * jobs.h - reading a batch of inputs on every core (-j): whole inputs on
 * several threads, and a large plain file in pieces (jobs.c says when).
 * The result is always the one a sequential read gives; this module owns
 * the threads, the per-job aggregates and the order of the merge.
 */
#ifndef BS_JOBS_H
#define BS_JOBS_H

#include <stddef.h>

#include "diag.h"

struct bs_agg;
struct bs_run_config;

/*
 * Progress of bs_run_inputs: compressed or plain bytes read so far of the
 * total size of the inputs (0 when unknown, as for standard input), and
 * the input being read.  Called every BS_PROGRESS_MS at most, from the
 * calling thread.
 */
typedef void (*bs_progress_fn)(void *ctx, unsigned long long done,
    unsigned long long total, const char *path);

/*
 * Read paths[0..n) into agg with up to jobs threads, each reading a whole
 * input or a piece of a large plain file at a time into its own
 * aggregate, merged into agg in input order, so that the result is the
 * same as reading them one after the other (jobs.c says when a file is
 * split).  Warnings reach cfg->warn from the calling thread, in order.
 * Returns BS_OK when every input was read, BS_ERR_IO when some input
 * failed (recorded in its stats), or a fatal BS_ERR_NOMEM.
 */
bs_status bs_run_inputs(const struct bs_run_config *cfg, char *const *paths,
    size_t n, unsigned jobs, struct bs_agg *agg, bs_progress_fn progress,
    void *progress_ctx);

/*
 * For tests only (no option reaches it): pieces forced on the small files
 * of testdata/, to prove that any cut gives the result of a whole read.
 * Every file that can be split (bs_run_split_format) is read in pieces of
 * size bytes, the first one first bytes when that is not 0, whatever the
 * file's size and the number of jobs.
 */
struct bs_jobs_split {
	unsigned long long size;  /* 0: no forced pieces */
	unsigned long long first; /* 0: size */
	size_t share;		  /* bytes a piece may hold; 0: jobs.c's */
	unsigned every; /* lines between its checks; 0: BS_HELD_EVERY */
	size_t jobs;	/* out: jobs read, pieces' rests too */
};

/*
 * bs_run_inputs with forced pieces and shares, without a progress
 * display.  split NULL, or its size 0: the pieces bs_run_inputs would
 * make.
 */
bs_status bs_run_inputs_split(const struct bs_run_config *cfg,
    char *const *paths, size_t n, unsigned jobs, struct bs_agg *agg,
    struct bs_jobs_split *split);

#endif
