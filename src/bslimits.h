/*
 * bslimits.h - every size limit of bouncestat, named in one place.
 *
 * A limit that is reached is never an unbounded realloc: the module that
 * meets it cuts, counts or degrades (and says so), as its comment explains.
 */
#ifndef BS_LIMITS_H
#define BS_LIMITS_H

/* Longest line handed to a parser; longer lines are cut here and counted. */
#define BS_LINE_MAX		(64 * 1024)

/*
 * The journal reader (fmt_journal.c): the longest host name or syslog
 * identifier kept from an entry (a DNS name has at most 253 bytes; longer
 * values are cut), and how deep arrays and objects may nest inside one
 * entry (journalctl writes at most an array of arrays; deeper is not an
 * entry, and the scanner's recursion stays bounded).
 */
#define BS_JOURNAL_FIELD_MAX	256
#define BS_JOURNAL_DEPTH_MAX	8

/*
 * Needles a format may give the line splitter (see format.h): Postfix's
 * seven with the join's two more, and the mixed reader's ten.  The
 * first-stage tests of scan.c spell out one vector per needle; past 8,
 * the Teddy test (one bit a needle in a byte) is not used.
 */
#define BS_NEEDLES_MAX		16

/* Size of one read from a file or from the decompressor. */
#define BS_READ_CHUNK		(256 * 1024)

/*
 * Bytes of the data's start a byte source can be asked to show ahead
 * (source.h): enough for the longest magic (xz's six bytes) and for four
 * UTF-16 units, by which text without a byte-order mark is recognised.
 */
#define BS_SOURCE_PEEK_MAX	8

/*
 * Memory an xz or zstd decoder may take (its dictionary or window): xz -9
 * needs 65 MiB, zstd's own default limit is a 128 MiB window (--long=27).
 * Data that needs more (a window chosen at compression, or a hostile
 * header) fails with a message rather than taking what it asks.
 */
#define BS_DECODE_MEM_MAX	(256ULL * 1024 * 1024)

/*
 * Follow mode (source_follow.c): the bytes just before the read offset
 * that are compared with what the file holds now, to notice a
 * copytruncate after which the writer has already written past the old
 * offset.  Longer than one log line, so that a changing field (queue id,
 * time) of some line is always inside it.
 */
#define BS_FOLLOW_CHECK_BYTES	512

/* Longest enhanced status code text, "5.123.123", with its NUL. */
#define BS_ENHANCED_MAX		12

/*
 * The longest syslog line start (stamp and host) that the Postfix reader
 * keeps to recognise the next line's (postfix_fast.h): consecutive lines
 * of a log share it within a second.  The usual one is 20 bytes, an RFC
 * 3339 stamp with a relay's stamp and host in front under 100.
 */
#define BS_SYSLOG_PREFIX_MAX	128

/* Longest message id kept for counting distinct messages (longer: hashed). */
#define BS_MSGID_MAX		255

/*
 * Distinct message ids are kept exactly (as 64-bit keys: a 48-bit hash and
 * a tag) until the run holds this many keys, all its aggregates together
 * (agg.c's struct budget); each id takes one key for its row and one for
 * its kind, so about half as many distinct ids.  Past it, every row and
 * kind switches to a HyperLogLog estimate, so that memory stays flat on
 * any input.  The set is at most half full, and growing it holds the old
 * and the new table for a moment: 2^19 keys peak at 12 MiB, 2^20 at 24,
 * which left no room under the 32 MiB the default report may take (with
 * its breakdowns, on two cores, 10 million distinct messages).
 */
#define BS_MSGID_BUDGET		(1u << 19)

/*
 * HyperLogLog precision: 2^15 one-byte registers per row (32 KiB, about
 * 0.6% standard error, so 2% is past three of them), 2^16 for each of the
 * five kind totals (64 KiB, about 0.4%).  With BS_ROWS_MAX rows that is
 * at most about 33 MiB, and only rows with message ids get one.
 */
#define BS_HLL_BITS		15
#define BS_HLL_KIND_BITS	16

/* Distinct (kind, basic, enhanced) rows; further new rows are folded. */
#define BS_ROWS_MAX		1024

/*
 * --detail: normalised reply texts counted exactly per code row while a
 * row has at most BS_DETAIL_SLOTS of them, past that as the heaviest with
 * a bound (topk.h).  A text is normalised from at most four times
 * BS_DETAIL_TEXT_MAX bytes into at most BS_DETAIL_TEXT_MAX (which must
 * not exceed BS_TOPK_KEY_MAX).
 */
#define BS_DETAIL_SLOTS		32
#define BS_DETAIL_TEXT_MAX	512

/*
 * The sender join (join.h): messages in the queue whose sender is
 * remembered, and the bytes of their ids and addresses.  A message is
 * forgotten when it leaves the queue; past either budget the oldest
 * arrival is forgotten first and its later events get a null sender.
 * 2^17 messages in flight is more than a busy relay keeps queued; about
 * 13 MiB when full.  An address longer than BS_JOIN_TEXT_MAX is not kept.
 */
#define BS_JOIN_MESSAGES	(1u << 17)
#define BS_JOIN_BYTES		(8u * 1024 * 1024)
#define BS_JOIN_TEXT_MAX	512

/*
 * A piece's join (join.h, jobs.c): the messages that arrive in one piece
 * of a file read on several cores.  A piece of a few MiB has a few
 * thousand (the bench's Postfix log: 1,700 in 4 MiB); one whose join
 * nears either budget ends there (bs_join_held), so a piece's join never
 * forgets.  256 KiB of index and at most 384 KiB of entries.
 */
#define BS_JOIN_PIECE_MESSAGES	(1u << 14)
#define BS_JOIN_PIECE_BYTES	(1u * 1024 * 1024)

/*
 * Breakdowns (--by): distinct keys counted exactly per breakdown; past it
 * the heaviest keys are kept with a stated bound (topk.h) and the rest
 * summed as "(other)".  A key longer than BS_TOPK_KEY_MAX bytes (no host
 * name or address is) is counted as "(other)" at once.  Each key keeps
 * its BS_BY_CODES most frequent failure codes (Space-Saving again: exact
 * while a key has no more codes than that; reports show the top three).
 */
#define BS_BY_KEYS		2048
#define BS_TOPK_KEY_MAX		512
#define BS_BY_CODES		4

/*
 * The server's own warnings (health.h): groups of (severity, program,
 * normalised text) counted exactly up to BS_HEALTH_GROUPS, past it the
 * heaviest with a stated bound and the rest summed as "other" (topk.h).
 * A real server writes a few dozen kinds of warning; a budget of 256 keeps
 * them all exact with room for hostile texts, in about 150 KiB.  The
 * program name is cut to BS_HEALTH_PROGRAM_MAX bytes (Postfix's longest,
 * "postfix-script", has 14), the normalised text to BS_HEALTH_TEXT_MAX.
 */
#define BS_HEALTH_GROUPS	256
#define BS_HEALTH_PROGRAM_MAX	32
#define BS_HEALTH_TEXT_MAX	256

/*
 * The program named in the warning about delivery status lines of a
 * program bouncestat does not read (foreign.h): a syslog tag is short.
 */
#define BS_FOREIGN_PROGRAM_MAX	64

/*
 * health.c remembers the group of the last raw texts it normalised, in
 * BS_HEALTH_CACHE records (a power of two) of BS_HEALTH_CACHE_RECORD
 * bytes, each holding a raw text (up to BS_HEALTH_RAW_MAX bytes) and the
 * key it gave: most warnings repeat word for word, and a repeat then
 * costs a hash and a compare instead of a normalisation.  A text whose
 * raw bytes and key do not fit a record is normalised every time.  One
 * cache per thread that reads (not per piece of a split file), of 64
 * KiB: small enough to stay in a core's own caches, for a hit read from
 * further away costs about as much as normalising the text.  On the
 * bench's Postfix log (9,000 distinct texts among 35,000 warnings) it
 * normalises 22,500 of them; 2048 records (512 KiB) normalised 18,300
 * and took longer (bench/README.md).
 */
#define BS_HEALTH_CACHE		256
#define BS_HEALTH_CACHE_RECORD	256
#define BS_HEALTH_RAW_MAX	200

/*
 * Distinct messages per breakdown key: (key, message) pairs are kept
 * exactly up to this many per breakdown; past it, or once the breakdown
 * estimates, each key's messages come from a HyperLogLog of 2^BS_BY_HLL_BITS
 * registers (256 bytes, about 6.5% standard error).
 */
#define BS_BY_PAIRS		(1u << 16)
#define BS_BY_HLL_BITS		8

/*
 * Outcomes (outcome.h): recipients in flight (deferred, not yet ended)
 * are followed by a hash of message id and recipient, 24 bytes a record
 * in a table at most three quarters full: 98304 records in 2^17 slots,
 * 3 MiB (4.5 MiB for a moment while the table doubles), shared by the
 * run's first aggregate and the whole inputs read beside it (pieces of a
 * split file are bounded by their size instead).  More recipients in
 * flight than a busy relay keeps queued; past it a recipient is not
 * followed and the outcome counts are marked as estimates.  Domains of
 * recipients in flight (and, with --by domain, of every recipient) are
 * named up to BS_OUTCOME_DOMAINS per aggregate, further ones counted as
 * "(other)": with --by domain each named domain has 48 bytes of counts
 * and at most a 1 KiB delay histogram, about 1.1 MiB per aggregate at
 * worst, where the breakdown's own 2048 keys cost more.
 */
#define BS_OUTCOME_RECIPIENTS	(3u << 15)

/*
 * outcome.c: a message whose arrival (time less Postfix's delay=) is this
 * many seconds past the first event of a piece of a split file arrived
 * in that piece; its recipients' ends are listed apart, not kept in the
 * piece's table, and counted at once if the part before's events all
 * came earlier.  The margin covers a timestamp's second and small
 * disorder.
 */
#define BS_OUTCOME_ARRIVED	600
#define BS_OUTCOME_DOMAINS	1024

/*
 * Notifications sent (notify.h): the ids of the notifications followed to
 * see whether they failed themselves, 8 bytes each in a table at most
 * three quarters full (1 MiB at most).  Far more bounces than a server
 * sends in a day; past it they are counted, not followed.
 */
#define BS_NOTIFY_IDS		65536

/* PCRE2 limits that turn a runaway pattern into a reported error. */
#define BS_MATCH_LIMIT		1000000u
#define BS_DEPTH_LIMIT		10000u
#define BS_HEAP_LIMIT_KIB	8192u

/* A pattern file larger than this is refused. */
#define BS_PATTERN_FILE_MAX	(1024 * 1024)

/*
 * With several jobs, a plain file of at least BS_SPLIT_MIN bytes in a
 * format whose lines parse on their own is read in pieces of
 * BS_SPLIT_PIECE bytes or a little more, on every core (see jobs.c).
 * Smaller files take a fraction of a second on one core.  The piece size
 * is fixed, not a share of the file: small pieces keep the cores evenly
 * busy to the end (bench/README.md has the measurements behind 16 MiB),
 * and what a piece holds until it is merged is bounded by its size and
 * by BS_PIECES_HELD below, not by the file's.
 */
#define BS_SPLIT_MIN		(64ULL * 1024 * 1024)
#define BS_SPLIT_PIECE		(16ULL * 1024 * 1024)

/*
 * What the pieces of split files hold together until they are merged,
 * on top of the run's own budgeted state: their message-id sets,
 * recipients in flight, notifications followed and breakdown tables
 * (bs_agg_held).  With n threads at most n pieces are live at once, each
 * with an equal share; a piece that would hold more than its share ends
 * after the line that took it there, and the rest of its bytes becomes
 * the next piece (jobs.c).  A piece that ends early costs a merge more,
 * never an estimate: the counts are those of one thread reading the file
 * whole.  4 MiB keeps the default report on two cores within the 32 MiB
 * that one core's 23 leave room for (bench/README.md has the
 * measurements).
 */
#define BS_PIECES_HELD		((size_t)4 << 20)

/*
 * A run that joins and writes every event (--format events) reads a split
 * file in pieces that hold their events until the pieces before them are
 * written, and a join of their own (jobs.c): BS_PIECES_HELD_JOINED is
 * what those pieces hold together, each an equal share, and each piece
 * is as many bytes of the log as its share (at least 1 MiB): the events
 * of a Postfix log take about a third of its bytes, the join a tenth, so
 * a piece seldom ends early.  8 MiB keeps the event stream on two cores
 * within 32 MiB (bench/README.md).
 */
#define BS_PIECES_HELD_JOINED	(8u << 20)
#define BS_SPLIT_PIECE_JOINED_MIN	(1ULL << 20)

/* The output buffer of --format events (a third of the log's bytes). */
#define BS_EVENTS_BUFFER	(1u << 20)

/*
 * How often a piece adds up what it holds (bs_agg_held): every this many
 * lines handed to its reader, counting a table that this many more
 * records would make double as grown already.  A line of a split file
 * (Postfix, Exim) is at most one event or note, so the check is never
 * late; after every line it cost 2% of a run on two cores.
 */
#define BS_HELD_EVERY		16

/*
 * Allocations from this size on are mapped on their own and given back
 * to the system when freed (glibc's M_MMAP_THRESHOLD, set by main.c):
 * the message-id sets and recipient tables of the pieces that -j reads
 * come and go all run long, and glibc's own threshold rises to the
 * largest block freed so far (the run's 4 MiB set, once it grows), after
 * which such tables stay in the heaps of the threads that made them.
 * Smaller blocks (a piece's first tables, its line buffer) are reused
 * from the heaps: mapping each anew cost a piece some 500 page faults
 * (bench/README.md has both measurements).
 */
#define BS_MMAP_THRESHOLD	(512 * 1024)

/*
 * Follow mode (tail.c): the sleep between looks at the files where
 * inotify cannot be used; how long a rotated-away file is still read
 * after its last new data (writers reopen their log some time after the
 * rotator has created the new one); and the reads (of up to
 * BS_READ_CHUNK) of one file per round, so that no file starves the
 * others.
 */
#define BS_FOLLOW_POLL_MS	250
#define BS_FOLLOW_RETIRE_MS	5000
#define BS_FOLLOW_BURST		16

/* Progress display: how often it is redrawn. */
#define BS_PROGRESS_MS		250

/* Lines looked at to recognise an input's format. */
#define BS_DETECT_LINES		1000
#define BS_DETECT_BYTES		(256 * 1024)

/*
 * A file is read as mixed (fmt_mixed.c: Postfix and Exim lines, as a
 * central syslog server collects them) when each of the two wrote at
 * least BS_MIXED_MIN_LINES of those first lines: one line could be a
 * stray (a cron job named after one of them), two are a second writer.
 * BS_MIXED_WORDS: words a syslog line may hold before its program name
 * (a stamp of up to five, "Sat 2026-11-28 10:00:00 CET" or "Nov 28 2026
 * 10:00:00 +0100", and the seven the readers allow: a host, a relay's
 * own stamp and host, a facility); the search for the program stops
 * there.
 */
#define BS_MIXED_MIN_LINES	2
#define BS_MIXED_WORDS		12


/*
 * A diagnostic (diag.h) is one line for the operator, kept in fixed
 * buffers so that reporting a failure never allocates: a message longer
 * than BS_DIAG_MSG_MAX bytes, or a file name longer than
 * BS_DIAG_FILE_MAX, is cut (bs_diag_set).  512 bytes hold every message
 * bouncestat writes with a quoted name or piece of a line.
 */
#define BS_DIAG_MSG_MAX		512
#define BS_DIAG_FILE_MAX	256

/* --fail-on conditions per run: more than anyone writes, on the stack. */
#define BS_FAIL_ON_MAX		32

/*
 * Option ranges, so that a typo cannot ask for the impossible.  --jobs
 * takes up to BS_JOBS_MAX threads, each with an aggregate of its own;
 * without --jobs there is one per online processor, at most
 * BS_JOBS_AUTO_MAX (the merge in the calling thread limits the gain long
 * before that).  --top: keys shown per breakdown.  --interval: a week.
 */
#define BS_JOBS_MAX		256
#define BS_JOBS_AUTO_MAX	64
#define BS_TOP_MAX		100000
#define BS_INTERVAL_MAX		(7 * 86400)

/*
 * The live view (live.h; --follow on a terminal).  --window: at most a
 * week, as --interval, and at most BS_LIVE_SLOTS intervals long (a day of
 * minutes), since the ring keeps one slot per interval, plus
 * BS_LIVE_SLOTS_SPARE for refreshes asked for in between (the first one,
 * SIGUSR1); past that the oldest slot goes and the view says how much
 * the window covers.  A slot keeps the BS_LIVE_SLOT_KEYS largest code and
 * domain counts of its interval (16 bytes each: about 1 KiB a slot,
 * 1.5 MiB at most).  Domains are followed up to BS_LIVE_DOMAINS names,
 * as many as a breakdown counts exactly.  Each list of the view holds at
 * most BS_LIVE_TOP rows (the terminal's height shows fewer), and a
 * terminal narrower than BS_LIVE_MIN_WIDTH columns is drawn as that wide.
 */
#define BS_LIVE_WINDOW_MAX	(7 * 86400)
#define BS_LIVE_SLOTS		1440
#define BS_LIVE_SLOTS_SPARE	8
#define BS_LIVE_SLOT_KEYS	32
#define BS_LIVE_DOMAINS		BS_BY_KEYS
#define BS_LIVE_TOP		20
#define BS_LIVE_MIN_WIDTH	40

/*
 * CSV with a header (csvhdr.h: Exchange tracking logs, Microsoft 365
 * message traces): fields kept from a row or a header line, and columns a
 * reader may ask for by name.  Tracking logs have at most 30 columns and
 * trace exports fewer; fields past BS_CSVHDR_FIELDS_MAX are counted but
 * not kept, so a column named past it is treated as missing.
 */
#define BS_CSVHDR_FIELDS_MAX	64
#define BS_CSVHDR_NAMES_MAX	24

/*
 * Document entries one code row can match (bs_description in catalog.h):
 * its basic code one, its enhanced code one, and its connection failures
 * the two connection entries (1.1.1 refused, 1.0.1 any other): four.
 */
#define BS_DOC_MAX		4

/*
 * The -o writer (outfile.c).  A temporary file of a dead process is only
 * removed once it is BS_OUTFILE_STALE_S seconds old, so that a run in
 * another PID namespace (a container writing into the same folder),
 * whose PIDs mean nothing here, keeps the file it is still writing.
 * Symbolic links are followed BS_OUTFILE_LINK_HOPS deep, as the kernel's
 * ELOOP limit; BS_OUTFILE_TMP_ATTEMPTS temporary names are tried when one
 * is taken (only this process's own can be).
 */
#define BS_OUTFILE_STALE_S	60
#define BS_OUTFILE_LINK_HOPS	40
#define BS_OUTFILE_TMP_ATTEMPTS	100
/* Room for any temporary name and its NUL (see bs_outfile_tmpname). */
#define BS_OUTFILE_TMPNAME_MAX	64

/*
 * Reason rules (reasons.c): at most BS_REASON_RULES_MAX rules in all, and
 * BS_REASON_TEXTS_MAX of them (and command rows) with a text, each a
 * callout of the one joined pattern (PCRE2 numbers callouts up to 255).
 * The literal prefilter (reasons_lit.c) gives text ids 1 to
 * BS_LIT_TEXTS_MAX - 1, a bit each in a set of four 64-bit words, and
 * names at most BS_LIT_ALTS_MAX alternatives for PCRE2 to run; more
 * undecided alternatives and PCRE2 runs the joined pattern whole.
 */
#define BS_REASON_RULES_MAX	1024
#define BS_REASON_TEXTS_MAX	255
#define BS_LIT_TEXTS_MAX	256
#define BS_LIT_ALTS_MAX		16

/*
 * The HTML report (report_html.c) is mailed and kept in web folders, so
 * it stays small (under 300 KB on any log): at most BS_HTML_CODE_ROWS
 * code rows (a row with its meaning and hint is about 700 bytes; the
 * rest are summed in one line, and CSV or JSON list them all), reply
 * texts (--detail) for the first BS_HTML_DETAIL_ROWS of them, at most
 * BS_HTML_DETAIL_TEXTS each.  The chart draws hours while the events span
 * at most BS_HTML_HOURS of them, days after that, and fills the days
 * without events only while they are at most BS_HTML_DAYS (beyond that it
 * draws the days that have events, at most BS_BY_KEYS of them).
 */
#define BS_HTML_CODE_ROWS	100
#define BS_HTML_DETAIL_ROWS	20
#define BS_HTML_DETAIL_TEXTS	5
#define BS_HTML_HOURS		72
#define BS_HTML_DAYS		400

#endif
