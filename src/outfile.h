/*
 * outfile.h - writing a report to the file named by -o, in batch and in
 * follow mode, so that a reader never sees half a report and nothing but
 * the report's own file is ever replaced.
 *
 * What the name resolves to (symbolic links followed) decides how:
 *   - a regular file, or nothing yet: the report goes to a new temporary
 *     file in the same folder, which is renamed over the name at the end;
 *     an existing file's mode and, where the system allows, its owner and
 *     group are carried over, and a new one gets 0666 less the umask, as
 *     the shell would create it.  A symbolic link stays a link: the file
 *     it points to is the one replaced (or created, for a dangling link).
 *   - anything else (a FIFO, a character device such as /dev/null, what
 *     /dev/stdout points to when that is not a regular file): the report
 *     is written into it, as "> name" in the shell would (a FIFO waits
 *     for its reader); it is never replaced.  A directory is an error.
 *
 * Temporary files are named ".bouncestat-HASH-PID-N.tmp", where HASH is
 * a hash of the target's name, so the name always fits in NAME_MAX
 * whatever the target's length, and the next write to the same target
 * can recognise what a killed run left behind: such a file is removed
 * when its PID is no longer a live process and it has not changed for
 * BS_OUTFILE_STALE_S seconds (bslimits.h).  The hidden name ending in
 * ".tmp" keeps collectors that read "*.prom" or "*.json" away from it.
 */
#ifndef BS_OUTFILE_H
#define BS_OUTFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "bslimits.h"
#include "diag.h"


/*
 * Write a report to path: fn writes the whole content to out (returning
 * 0, or -1 with errno set), and it reaches path as described above.  No
 * fsync: in follow mode the report is rewritten every interval, so a
 * crash costs one report at most.  BS_ERR_NOMEM, or BS_ERR_IO with d
 * filled on failure; a file that was to be replaced is then left as it
 * was (what went into a FIFO or device cannot be taken back).
 */
bs_status bs_outfile_write(const char *path,
    int (*fn)(void *ctx, FILE *out), void *ctx, struct bs_diag *d);

/*
 * Refuse an output that is one of the inputs (inputs[0..n), "-" standing
 * for standard input): the same device and inode, whatever the name (a
 * symbolic link, a hard link, another path), or, for a name that does not
 * exist yet, the same name in the same folder (follow mode waits for such
 * inputs).  A character device may be both (/dev/null, a terminal).
 * Returns BS_OK, or BS_ERR_USAGE with d naming the output.
 */
bs_status bs_outfile_check_inputs(const char *path, char *const *inputs,
    size_t n, struct bs_diag *d);

/*
 * The temporary name of attempt n of process pid for a target whose last
 * path component is base, into buf (at least BS_OUTFILE_TMPNAME_MAX).
 */
void bs_outfile_tmpname(const char *base, pid_t pid, unsigned n, char *buf,
    size_t size);

#endif
