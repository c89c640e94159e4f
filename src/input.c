/*
 * input.c - bytes from a file or standard input, plain or gzip.
 *
 * The first read fills an internal buffer with raw bytes and looks for the
 * gzip magic (1f 8b).  Plain data is then handed out as it is; gzip data
 * goes through zlib's inflate, which is reset after each member so that
 * concatenated (multi-member) files are read whole.  A fault in the
 * compressed stream is held back until every byte decoded before it has
 * been handed out, so no line read before the fault is lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "bslimits.h"
#include "input.h"

struct bs_input {
	int fd;
	char *name;
	bool gzip;
	bool started;		/* the first raw read happened */
	bool raw_eof;		/* read(2) returned 0 */
	bool done;		/* every byte has been handed out */
	bool failed;		/* a fault is pending or was reported */
	char fault[200];	/* the pending fault's message */
	bool zinit;
	bool member_open;	/* inside a gzip member */
	z_stream zs;
	unsigned char *raw;	/* BS_READ_CHUNK bytes */
	size_t raw_pos, raw_len;
	unsigned long long raw_off, raw_size;
	time_t mtime;
};

static bs_status
fail(struct bs_input *in, struct bs_diag *d, const char *what, int err)
{
	return bs_diag_set(d, BS_ERR_IO, in->name, 0, "%s: %s", what,
	    strerror(err));
}

bs_status
bs_input_open(const char *path, struct bs_input **out, struct bs_diag *d)
{
	struct bs_input *in;
	struct stat st;
	const char *shown = strcmp(path, "-") == 0 ? "(stdin)" : path;

	*out = NULL;
	in = calloc(1, sizeof(*in));
	if (in == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, shown, 0, "out of memory");
	in->fd = -1;
	in->name = strdup(shown);
	in->raw = malloc(BS_READ_CHUNK);
	if (in->name == NULL || in->raw == NULL) {
		bs_input_close(in);
		return bs_diag_set(d, BS_ERR_NOMEM, shown, 0, "out of memory");
	}
	if (strcmp(path, "-") == 0)
		in->fd = STDIN_FILENO;
	else {
		in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (in->fd < 0) {
			int err = errno;

			bs_diag_set(d, BS_ERR_IO, shown, 0, "cannot open: %s",
			    strerror(err));
			bs_input_close(in);
			return BS_ERR_IO;
		}
	}
	if (fstat(in->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			bs_diag_set(d, BS_ERR_IO, shown, 0,
			    "is a directory, not a log file");
			bs_input_close(in);
			return BS_ERR_IO;
		}
		if (S_ISREG(st.st_mode)) {
			in->raw_size = (unsigned long long)st.st_size;
			in->mtime = st.st_mtime;
		}
	}
	if (in->mtime == 0)
		in->mtime = time(NULL);
	*out = in;
	return BS_OK;
}

/* Refill the raw buffer.  Returns 1, 0 at end of file, -1 on error. */
static int
fill_raw(struct bs_input *in, struct bs_diag *d)
{
	ssize_t r;

	do
		r = read(in->fd, in->raw, BS_READ_CHUNK);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		fail(in, d, "read error", errno);
		return -1;
	}
	in->raw_pos = 0;
	in->raw_len = (size_t)r;
	in->raw_off += (unsigned long long)r;
	if (r == 0)
		in->raw_eof = true;
	return r > 0;
}

/* Record a fault in the compressed stream, to report after the data. */
static void
set_fault(struct bs_input *in, const char *msg)
{
	in->failed = true;
	snprintf(in->fault, sizeof(in->fault), "%s", msg);
}

static ssize_t
read_plain(struct bs_input *in, char *buf, size_t n, struct bs_diag *d)
{
	size_t avail;
	ssize_t r;

	if (in->raw_pos < in->raw_len) {
		/* What the first read looked at for the gzip magic. */
		avail = in->raw_len - in->raw_pos;
		if (avail > n)
			avail = n;
		memcpy(buf, in->raw + in->raw_pos, avail);
		in->raw_pos += avail;
		return (ssize_t)avail;
	}
	if (in->raw_eof)
		return 0;
	/* Hot: plain data goes straight into the caller's buffer. */
	do
		r = read(in->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		fail(in, d, "read error", errno);
		return -1;
	}
	if (r == 0)
		in->raw_eof = true;
	in->raw_off += (unsigned long long)r;
	return r;
}

/*
 * After a member ends: another member follows if the next bytes are the
 * gzip magic.  Zero bytes (tape padding) are ignored as gzip(1) does;
 * anything else is trailing garbage and reported.
 */
static int
next_member(struct bs_input *in, struct bs_diag *d)
{
	for (;;) {
		while (in->raw_pos < in->raw_len && in->raw[in->raw_pos] == 0)
			in->raw_pos++;
		if (in->raw_pos < in->raw_len)
			break;
		if (in->raw_eof)
			return 0;
		if (fill_raw(in, d) < 0)
			return -1;
	}
	if (in->raw[in->raw_pos] != 0x1f ||
	    (in->raw_pos + 1 < in->raw_len &&
	    in->raw[in->raw_pos + 1] != 0x8b)) {
		set_fault(in, "trailing garbage after the compressed data");
		return 0;
	}
	if (inflateReset(&in->zs) != Z_OK) {
		set_fault(in, "cannot restart the decompressor");
		return 0;
	}
	in->member_open = true;
	return 1;
}

static ssize_t
read_gzip(struct bs_input *in, char *buf, size_t n, struct bs_diag *d)
{
	uInt before;
	int zr;

	in->zs.next_out = (unsigned char *)buf;
	in->zs.avail_out = (uInt)(n > 0x40000000u ? 0x40000000u : n);
	while (in->zs.avail_out > 0) {
		if (!in->member_open) {
			int r = next_member(in, d);

			if (r < 0)
				return -1;
			if (r == 0) {
				/* A pending fault is reported next call. */
				if (!in->failed)
					in->done = true;
				break;
			}
		}
		if (in->raw_pos == in->raw_len && !in->raw_eof &&
		    fill_raw(in, d) < 0)
			return -1;
		in->zs.next_in = in->raw + in->raw_pos;
		in->zs.avail_in = (uInt)(in->raw_len - in->raw_pos);
		before = in->zs.avail_out;
		zr = inflate(&in->zs, Z_NO_FLUSH);
		in->raw_pos = in->raw_len - in->zs.avail_in;
		if (zr == Z_STREAM_END) {
			in->member_open = false;
			continue;
		}
		if (zr == Z_OK)
			continue;
		if (zr == Z_BUF_ERROR) {
			/*
			 * No progress.  With input left to read, read it;
			 * at the end of the file, inflate has handed out
			 * everything it held: the member is cut short.
			 */
			if (in->raw_eof && in->raw_pos == in->raw_len &&
			    in->zs.avail_out == before) {
				set_fault(in, "unexpected end of compressed "
				    "data (the file is truncated)");
				break;
			}
			continue;
		}
		{
			char msg[160];

			snprintf(msg, sizeof(msg), "corrupt compressed data "
			    "(%s)", in->zs.msg != NULL ? in->zs.msg :
			    zr == Z_MEM_ERROR ? "out of memory" : "zlib error");
			set_fault(in, msg);
		}
		break;
	}
	return (ssize_t)(n - in->zs.avail_out);
}

ssize_t
bs_input_read(struct bs_input *in, char *buf, size_t n, struct bs_diag *d)
{
	ssize_t got;

	if (in->done)
		return 0;
	if (!in->started) {
		int r;

		in->started = true;
		r = fill_raw(in, d);
		if (r < 0)
			return -1;
		/* A single 0x1f at the very end is too short to be gzip. */
		if (in->raw_len >= 2 && in->raw[0] == 0x1f &&
		    in->raw[1] == 0x8b) {
			in->gzip = true;
			if (inflateInit2(&in->zs, 15 + 16) != Z_OK) {
				return bs_diag_set(d, BS_ERR_NOMEM, in->name,
				    0, "cannot start the decompressor"),
				    -1;
			}
			in->zinit = true;
			in->member_open = true;
		}
	}
	if (in->failed) {
		in->done = true;
		bs_diag_set(d, BS_ERR_FORMAT, in->name, 0, "%s", in->fault);
		return -1;
	}
	got = in->gzip ? read_gzip(in, buf, n, d) : read_plain(in, buf, n, d);
	if (got < 0) {
		in->done = true;
		return -1;
	}
	if (got == 0 && in->failed) {
		in->done = true;
		bs_diag_set(d, BS_ERR_FORMAT, in->name, 0, "%s", in->fault);
		return -1;
	}
	if (got == 0)
		in->done = true;
	return got;
}

bool
bs_input_is_gzip(const struct bs_input *in)
{
	return in->gzip;
}

unsigned long long
bs_input_raw_offset(const struct bs_input *in)
{
	return in->raw_off - (in->raw_len - in->raw_pos);
}

unsigned long long
bs_input_raw_size(const struct bs_input *in)
{
	return in->raw_size;
}

time_t
bs_input_mtime(const struct bs_input *in)
{
	return in->mtime;
}

const char *
bs_input_name(const struct bs_input *in)
{
	return in->name;
}

void
bs_input_close(struct bs_input *in)
{
	if (in == NULL)
		return;
	if (in->zinit)
		inflateEnd(&in->zs);
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	free(in->raw);
	free(in->name);
	free(in);
}
