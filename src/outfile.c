/*
 * outfile.c - the report file of -o: replaced atomically when it is a
 * regular file, written into when it is anything else, never the log it
 * was made from.  outfile.h says what each case does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bslimits.h"
#include "outfile.h"

#define TMP_PREFIX	".bouncestat-"

/* FNV-1a, 64 bits: a short, stable stand-in for a name of any length. */
static uint64_t
hash_name(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void
bs_outfile_tmpname(const char *base, pid_t pid, unsigned n, char *buf,
    size_t size)
{
	snprintf(buf, size, TMP_PREFIX "%016llx-%ld-%u.tmp",
	    (unsigned long long)hash_name(base), (long)pid, n);
}

/*
 * path with symbolic links in its last component followed, so that the
 * rename replaces the file a link points to and not the link.  The result
 * may name nothing yet (a new file, a dangling link).  Returns a malloc'd
 * string the caller frees, or NULL with errno set.
 */
static char *
follow_links(const char *path)
{
	char *cur = strdup(path), *next, *slash;
	char target[PATH_MAX];
	struct stat st;
	size_t dirlen;
	ssize_t len;
	int hops;

	for (hops = 0; cur != NULL; hops++) {
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;
		if (hops == BS_OUTFILE_LINK_HOPS) {
			errno = ELOOP;
			break;
		}
		len = readlink(cur, target, sizeof(target) - 1);
		if (len < 0)
			break;
		target[len] = '\0';
		slash = strrchr(cur, '/');
		dirlen = target[0] != '/' && slash != NULL ?
		    (size_t)(slash - cur) + 1 : 0;
		next = malloc(dirlen + (size_t)len + 1);
		if (next == NULL)
			break;
		memcpy(next, cur, dirlen);
		memcpy(next + dirlen, target, (size_t)len + 1);
		free(cur);
		cur = next;
	}
	free(cur);
	return NULL;
}

/*
 * Split path into a malloc'd folder (*dir, "." for a bare name) and its
 * last component (*base, pointing into path).  Returns false with errno
 * set.
 */
static bool
split_path(const char *path, char **dir, const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash != NULL ? slash + 1 : path;
	if (slash == NULL)
		*dir = strdup(".");
	else if (slash == path)
		*dir = strdup("/");
	else
		*dir = strndup(path, (size_t)(slash - path));
	return *dir != NULL;
}

/*
 * The folder the temporary file goes to.  Listing it (for stale
 * temporaries) needs read permission, creating files in it only write and
 * search: a folder without read permission is opened for the *at calls
 * alone, where the system can.
 */
static int
open_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

#ifdef O_PATH
	if (fd < 0 && errno == EACCES)
		fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
#endif
	return fd;
}

/* Whether s is digits, '-', digits, ".tmp"; the first number in *pid. */
static bool
parse_pid_part(const char *s, long *pid)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*pid = strtol(s, &end, 10);
	if (errno != 0 || *end != '-' || end[1] < '0' || end[1] > '9')
		return false;
	s = end + 1;
	while (*s >= '0' && *s <= '9')
		s++;
	return strcmp(s, ".tmp") == 0;
}

/*
 * Remove the temporary files of base that a killed run left in the
 * folder dfd: those of a process that no longer exists (kill says ESRCH;
 * EPERM means it lives under another user) and that have not changed for
 * BS_OUTFILE_STALE_S.  Our own are ours to manage, not stale.  Best
 * effort: what cannot be listed or removed stays.
 */
static void
remove_stale(int dfd, const char *base)
{
	char prefix[BS_OUTFILE_TMPNAME_MAX];
	size_t plen;
	struct dirent *e;
	struct stat st;
	time_t now = time(NULL);
	DIR *dir;
	long pid;
	int fd;

	/* The name up to and including the '-' after the hash. */
	bs_outfile_tmpname(base, 0, 0, prefix, sizeof(prefix));
	plen = strlen(TMP_PREFIX) + 17;
	fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, prefix, plen) != 0 ||
		    !parse_pid_part(e->d_name + plen, &pid))
			continue;
		if (pid <= 0 || pid > INT_MAX || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || now - st.st_mtime <
		    BS_OUTFILE_STALE_S)
			continue;
		unlinkat(dfd, e->d_name, 0);
	}
	closedir(dir);
}

/*
 * Write the report to fd, which this closes whatever happens.  path only
 * names the target in messages.
 */
static bs_status
write_fd(int fd, const char *path, int (*fn)(void *ctx, FILE *out),
    void *ctx, struct bs_diag *d)
{
	FILE *out = fdopen(fd, "w");
	bs_status st = BS_OK;

	if (out == NULL) {
		st = bs_diag_set(d, BS_ERR_IO, path, 0, "cannot write: %s",
		    strerror(errno));
		close(fd);
		return st;
	}
	if (fn(ctx, out) != 0 || fflush(out) != 0 || ferror(out))
		st = bs_diag_set(d, BS_ERR_IO, path, 0, "cannot write: %s",
		    strerror(errno));
	if (fclose(out) != 0 && st == BS_OK)
		st = bs_diag_set(d, BS_ERR_IO, path, 0, "cannot write: %s",
		    strerror(errno));
	return st;
}

/*
 * Write into what path names, in place: a FIFO or a device, which a
 * rename would replace by a plain file.  trunc for a regular file that
 * has no name to rename over (see bs_outfile_write).
 */
static bs_status
write_into(const char *path, bool trunc, int (*fn)(void *ctx, FILE *out),
    void *ctx, struct bs_diag *d)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC |
	    (trunc ? O_TRUNC : 0));

	if (fd < 0)
		return bs_diag_set(d, BS_ERR_IO, path, 0, "cannot open: %s",
		    strerror(errno));
	return write_fd(fd, path, fn, ctx, d);
}

/*
 * Give the temporary file fd the owner, group and mode of the file it
 * replaces.  Only root may give a file away; others may still set a group
 * they belong to.  Failures are not errors: the report is still wanted,
 * and some file systems keep no owners or modes at all.
 */
static void
keep_owner_mode(int fd, const struct stat *old)
{
	/* Owner first: a change of owner clears the set-id bits. */
	if (fchown(fd, old->st_uid, old->st_gid) != 0 &&
	    fchown(fd, (uid_t)-1, old->st_gid) != 0) {
		/* Left as created: ours. */
	}
	if (fchmod(fd, old->st_mode & 07777) != 0) {
		/* Left as created: 0666 less the umask. */
	}
}

/*
 * Replace (or create) the regular file path through a temporary file in
 * its folder; old is what it is now, NULL when it does not exist.
 */
static bs_status
replace(const char *path, const struct stat *old,
    int (*fn)(void *ctx, FILE *out), void *ctx, struct bs_diag *d)
{
	char tmp[BS_OUTFILE_TMPNAME_MAX];
	const char *base;
	char *dir = NULL;
	struct stat now;
	bs_status st = BS_OK;
	bool created = false;
	int dfd = -1, fd = -1;
	unsigned attempt;

	if (!split_path(path, &dir, &base))
		return bs_diag_set(d, BS_ERR_NOMEM, path, 0, "out of memory");
	if (*base == '\0') {
		st = bs_diag_set(d, BS_ERR_IO, path, 0, "cannot create: %s",
		    strerror(EISDIR));
		goto out;
	}
	dfd = open_dir(dir);
	if (dfd < 0) {
		st = bs_diag_set(d, BS_ERR_IO, path, 0, "cannot create a "
		    "temporary file next to it: %s", strerror(errno));
		goto out;
	}
	remove_stale(dfd, base);
	for (attempt = 0; attempt < BS_OUTFILE_TMP_ATTEMPTS; attempt++) {
		bs_outfile_tmpname(base, getpid(), attempt, tmp, sizeof(tmp));
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		st = bs_diag_set(d, BS_ERR_IO, path, 0, "cannot create a "
		    "temporary file next to it: %s", strerror(errno));
		goto out;
	}
	created = true;
	if (old != NULL)
		keep_owner_mode(fd, old);
	st = write_fd(fd, path, fn, ctx, d);
	if (st != BS_OK)
		goto out;
	/*
	 * Whatever took the name while the report was written (a FIFO, a
	 * link) is not ours to replace.
	 */
	if (fstatat(dfd, base, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(now.st_mode)) {
		st = bs_diag_set(d, BS_ERR_IO, path, 0, "is no longer a "
		    "regular file; left as it is");
		goto out;
	}
	if (renameat(dfd, tmp, dfd, base) != 0) {
		st = bs_diag_set(d, BS_ERR_IO, path, 0, "cannot replace it: "
		    "%s", strerror(errno));
		goto out;
	}
	created = false;
out:
	if (created)
		unlinkat(dfd, tmp, 0);
	if (dfd >= 0)
		close(dfd);
	free(dir);
	return st;
}

bs_status
bs_outfile_write(const char *path, int (*fn)(void *ctx, FILE *out),
    void *ctx, struct bs_diag *d)
{
	struct stat st, st2;
	bool exists = stat(path, &st) == 0;
	char *real;
	bs_status rc;

	if (exists && S_ISDIR(st.st_mode))
		return bs_diag_set(d, BS_ERR_IO, path, 0, "is a directory, "
		    "not a file to write the report to");
	if (exists && !S_ISREG(st.st_mode))
		return write_into(path, false, fn, ctx, d);
	real = follow_links(path);
	if (real == NULL)
		return bs_diag_set(d, errno == ENOMEM ? BS_ERR_NOMEM :
		    BS_ERR_IO, path, 0, "cannot follow the link: %s",
		    strerror(errno));
	/*
	 * A regular file that its resolved name no longer leads to has no
	 * name to rename over: /dev/stdout on a file deleted since it was
	 * opened, whose /proc link reads "NAME (deleted)".  Write into it.
	 */
	if (exists && (stat(real, &st2) != 0 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino)) {
		free(real);
		return write_into(path, true, fn, ctx, d);
	}
	rc = replace(real, exists ? &st : NULL, fn, ctx, d);
	free(real);
	return rc;
}

/* Whether a and b, neither of which exists yet, name one place. */
static bool
same_place(const char *a, const char *b)
{
	char *ra = follow_links(a), *rb = follow_links(b);
	char *da = NULL, *db = NULL;
	const char *ba, *bb;
	struct stat sa, sb;
	bool same = false;

	if (ra == NULL || rb == NULL || !split_path(ra, &da, &ba) ||
	    !split_path(rb, &db, &bb))
		goto out;
	same = strcmp(ba, bb) == 0 && stat(da, &sa) == 0 &&
	    stat(db, &sb) == 0 && sa.st_dev == sb.st_dev &&
	    sa.st_ino == sb.st_ino;
out:
	free(da);
	free(db);
	free(ra);
	free(rb);
	return same;
}

bs_status
bs_outfile_check_inputs(const char *path, char *const *inputs, size_t n,
    struct bs_diag *d)
{
	struct stat out, in;
	bool exists = stat(path, &out) == 0, same;
	size_t i;

	/* Reading and writing one terminal or /dev/null harms nothing. */
	if (exists && S_ISCHR(out.st_mode))
		return BS_OK;
	for (i = 0; i < n; i++) {
		const char *name = inputs[i];

		if (strcmp(name, "-") == 0)
			same = exists && fstat(STDIN_FILENO, &in) == 0 &&
			    in.st_dev == out.st_dev && in.st_ino == out.st_ino;
		else if (stat(name, &in) == 0)
			same = exists && in.st_dev == out.st_dev &&
			    in.st_ino == out.st_ino;
		else
			same = !exists && same_place(path, name);
		if (!same)
			continue;
		if (strcmp(name, path) == 0)
			return bs_diag_set(d, BS_ERR_USAGE, path, 0, "-o names "
			    "an input; the report would overwrite it");
		if (strcmp(name, "-") == 0)
			return bs_diag_set(d, BS_ERR_USAGE, path, 0, "-o names "
			    "the file on standard input; the report would "
			    "overwrite it");
		return bs_diag_set(d, BS_ERR_USAGE, path, 0, "-o names the "
		    "input %s (the same file); the report would overwrite it",
		    name);
	}
	return BS_OK;
}
