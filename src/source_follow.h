/*
 * source_follow.h - what a followed source (source_follow.c, opened with
 * bs_source_follow in source.h) tells its follower beyond source.h: how
 * the file was cut back, so that the operator can be told.
 *
 * A regular file that becomes shorter than what was read, or whose bytes
 * before the read offset change, was cut back (bs_source_follow_rewritten
 * notices it at the end of the file, a read notices it when the writer
 * has already written past the old offset).  Two cases are told apart by
 * the start of the file, kept from the first read of it: its first line
 * (or its first BS_FOLLOW_CHECK_BYTES bytes, when they hold no whole
 * line), which no new content repeats, since log lines carry times and
 * queue ids:
 *
 *   - kept: the file still starts as it did: it was truncated to a part
 *     already read (truncate -s, a tool that trims a log).  Reading goes
 *     on from its end as it is when this is noticed, after the line cut
 *     there if the end is inside one, so nothing kept is counted twice.
 *     Bytes appended between the truncation and the moment it is noticed
 *     (with inotify, at once) are passed over, as where a file is first
 *     opened at its end; where they reach past the old offset, where the
 *     cut was is not known at all, and the same is done.
 *   - rewritten: anything else (copytruncate, which empties the file;
 *     new content in place of the old): the file is read again from its
 *     start.
 *
 * In both cases lines.c drops the unfinished line it held
 * (BS_SOURCE_RESTART).  GNU tail -F (coreutils 9.1, inotify or not) says
 * "file truncated" and reads the file again from its start in both cases,
 * so the part kept is shown twice.
 */
#ifndef BS_SOURCE_FOLLOW_H
#define BS_SOURCE_FOLLOW_H

#include <stdbool.h>

#include "source.h"

/* What became of a followed file cut back; see above. */
enum bs_follow_cut {
	BS_FOLLOW_CUT_NONE = 0,
	BS_FOLLOW_CUT_KEPT,
	BS_FOLLOW_CUT_REWRITTEN
};

/*
 * The last cut noticed since the previous call, and forget it: the bytes
 * read from the file before it (*was) and the file's size when it was
 * noticed (*now).  BS_FOLLOW_CUT_NONE when there was none (then *was and
 * *now are left alone).
 */
enum bs_follow_cut bs_source_follow_cut(struct bs_source *s,
    unsigned long long *was, unsigned long long *now);

#endif
