#!/bin/sh
# bench/run.sh - bouncestat's benchmark: generate realistic logs, time
# bouncestat next to the usual tools, check its counts, print one table.
#
#   sh bench/run.sh [PATH/TO/bouncestat]        (make bench runs this)
#
# Settings (environment):
#   BENCH_MB=1024          size of each generated log, MiB
#   BENCH_SIZES="256 1024 4096"   Postfix sizes for the linearity table
#                          ("" skips it)
#   BENCH_RUNS=3           runs per tool; the table shows the median
#   BENCH_SLOW_RUNS=$BENCH_RUNS   runs for pflogsumm and eximstats (each
#                          takes minutes on 1 GiB)
#   BENCH_DISTINCT=10000000   messages in the distinct log (each with
#                          its own queue id, sender and recipient
#                          domain; 0 skips it)
#   BENCH_INFLIGHT=$BENCH_DISTINCT   recipients in the in-flight log
#                          (each deferred once, never ended; 0 skips it)
#   BENCH_QUICK=1          smoke test: 64 MiB, 1 run, no linearity table,
#                          200000 distinct messages and recipients
#   BENCH_KEEP=1           keep the generated logs (and reuse them next
#                          time when the generator and settings match)
#   BENCH_SEED=1           generator seed
#   BENCH_STATUS_PCT=10    share of event lines in the logs, percent (5-20)
#   BENCH_OUT=bench/out    where binaries, logs and results go
#   BENCH_STRICT=1         exit 3 when a target is missed
#   BOUNCESTAT=...         the binary (default: first argument, then
#                          build/bouncestat)
#   BENCH_BASELINE=f738093  a commit built and timed beside it (the
#                          default text report on the three plain logs):
#                          issue 15's "within 15% of its speed before",
#                          f738093 being the last commit before that
#                          issue's work; "" skips it
#
# Exit status: 0 counts right (targets may still say FAIL), 1 bouncestat
# gave wrong counts or failed, 2 setup error, 3 (BENCH_STRICT=1) a target
# was missed.  Times are wall-clock seconds from date +%s%N around each
# command; peak RSS is GNU time's %M.  Every input is read once with cat
# before its round of timings, so all tools read from the page cache.

set -u

die() {
	echo "bench: $*" >&2
	exit 2
}

ROOT=$(cd "$(dirname "$0")/.." && pwd) || die "cannot find the tree"
QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
	MB=${BENCH_MB:-64}
	RUNS=${BENCH_RUNS:-1}
	SIZES=${BENCH_SIZES-}
	DISTINCT=${BENCH_DISTINCT:-200000}
	INFLIGHT=${BENCH_INFLIGHT:-$DISTINCT}
else
	MB=${BENCH_MB:-1024}
	RUNS=${BENCH_RUNS:-3}
	SIZES=${BENCH_SIZES-256 1024 4096}
	DISTINCT=${BENCH_DISTINCT:-10000000}
	INFLIGHT=${BENCH_INFLIGHT:-$DISTINCT}
fi
SLOW_RUNS=${BENCH_SLOW_RUNS:-$RUNS}
SEED=${BENCH_SEED:-1}
PCT=${BENCH_STATUS_PCT:-10}
KEEP=${BENCH_KEEP:-0}
STRICT=${BENCH_STRICT:-0}
OUT=${BENCH_OUT:-$ROOT/bench/out}
BS=${BOUNCESTAT:-${1:-$ROOT/build/bouncestat}}
CC=${CC:-cc}

case "$BS" in /*) ;; *) BS=$(pwd)/$BS ;; esac
[ -x "$BS" ] || die "$BS: no such binary (run make first)"
for v in "$MB" "$RUNS" "$SLOW_RUNS" "$SEED" "$PCT" "$DISTINCT" "$INFLIGHT"; do
	case "$v" in '' | *[!0-9]*) die "not a number: '$v'" ;; esac
done
if [ "$RUNS" -lt 1 ] || [ "$SLOW_RUNS" -lt 1 ]; then
	die "runs must be >= 1"
fi
mkdir -p "$OUT/data" || die "cannot create $OUT"
DATA=$OUT/data

# Measure a copy: the tree is shared, and a rebuild in the middle of the
# benchmark must not change what is being timed.
cp "$BS" "$OUT/bouncestat" || die "cannot copy $BS"
BS_SRC=$BS
BS=$OUT/bouncestat
RAW=$OUT/times.raw		# tool, input, bytes, seconds, rss KiB
: > "$RAW"
rm -f "$OUT"/*.got.json "$OUT"/*.events.lines	# no stale outputs checked
FAILED=0

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
	is_root || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" \
	    > "$OUT/apt.log" 2>&1 || {
		apt-get update -q > /dev/null 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" \
		    > "$OUT/apt.log" 2>&1
	}
}

# ---- tools ---------------------------------------------------------------

[ -x /usr/bin/time ] || apt_install time ||
    die "/usr/bin/time missing (apt-get install time)"
if ! command -v pflogsumm > /dev/null 2>&1; then
	apt_install pflogsumm ||
	    echo "bench: pflogsumm missing and cannot be installed: skipped" >&2
fi
PFLOGSUMM=$(command -v pflogsumm || true)

# eximstats comes from exim4-base, unpacked and never installed, so that
# no mail daemon is set up or started on the benchmark machine.
EXIMSTATS=$OUT/exim4/usr/sbin/eximstats
if [ ! -f "$EXIMSTATS" ]; then
	rm -rf "$OUT/dl" && mkdir -p "$OUT/dl"
	if (cd "$OUT/dl" && apt-get download -q \
	    -o APT::Sandbox::User="$(id -un)" exim4-base > /dev/null 2>&1 ||
	    { is_root && apt-get update -q > /dev/null 2>&1 &&
	    apt-get download -q -o APT::Sandbox::User="$(id -un)" \
	    exim4-base > /dev/null 2>&1; }) &&
	    dpkg -x "$OUT"/dl/exim4-base_*.deb "$OUT/exim4"; then
		:
	else
		echo "bench: cannot fetch exim4-base: eximstats skipped" >&2
	fi
fi
[ -f "$EXIMSTATS" ] || EXIMSTATS=

# The baseline: its commit's tree (git archive) built once, kept in
# $OUT/baseline-REV, with the same compiler and flags.
BASELINE=${BENCH_BASELINE-f738093}
BASE_BS=
if [ -n "$BASELINE" ]; then
	rev=$(git -C "$ROOT" rev-parse --short "$BASELINE^{commit}" 2>/dev/null) ||
	    die "BENCH_BASELINE: no commit '$BASELINE' in $ROOT"
	BASE_BS=$OUT/baseline-$rev/build/bouncestat
	if [ ! -x "$BASE_BS" ]; then
		rm -rf "$OUT/baseline-$rev" && mkdir -p "$OUT/baseline-$rev" &&
		    git -C "$ROOT" archive "$rev" |
		    tar -x -C "$OUT/baseline-$rev" &&
		    make -C "$OUT/baseline-$rev" -j"$(nproc)" build/bouncestat \
		    > "$OUT/baseline.log" 2>&1 ||
		    die "cannot build the baseline $rev (see $OUT/baseline.log)"
	fi
	echo "baseline: $rev ($BASE_BS)"
fi

ZLIB=$(pkg-config --cflags --libs zlib 2> /dev/null || echo -lz)
$CC -std=c11 -O2 -o "$OUT/gen" "$ROOT/bench/gen.c" ||
    die "cannot build bench/gen.c"
# shellcheck disable=SC2086
$CC -std=c11 -O2 -o "$OUT/gzread" "$ROOT/bench/gzread.c" $ZLIB ||
    die "cannot build bench/gzread.c"
# The ISA-L limit, when libisal is there (Debian: libisal-dev).
ISALREAD=
ISAL_WHY="pkg-config finds no libisal; apt-get install libisal-dev"
if pkg-config --exists libisal 2> /dev/null; then
	ISAL_LIBS=$(pkg-config --cflags --libs libisal)
	# shellcheck disable=SC2086
	if $CC -std=c11 -O2 -o "$OUT/isalread" "$ROOT/bench/isalread.c" \
	    $ISAL_LIBS > "$OUT/isalread.log" 2>&1; then
		ISALREAD=$OUT/isalread
	else
		ISAL_WHY="bench/isalread.c did not build, see $OUT/isalread.log"
	fi
fi
[ -n "$ISALREAD" ] || echo "bench: isal_inflate row skipped: $ISAL_WHY" >&2

# The gzip target is measured against the limit of the decoder that the
# binary under test uses: its --version names it ("gzip: isal").
case $("$BS" --version 2> /dev/null) in
*"gzip: isal"*) BS_GZIP=isal ;;
*"gzip: zlib"*) BS_GZIP=zlib ;;
*) BS_GZIP=unknown ;;
esac

# ---- data ----------------------------------------------------------------

PF=postfix-classic
SIZES_OTHER=
for s in $SIZES; do
	case "$s" in '' | *[!0-9]*) die "BENCH_SIZES: not a number: '$s'" ;; esac
	[ "$s" = "$MB" ] || SIZES_OTHER="$SIZES_OTHER $s"
done

# The distinct log: BENCH_DISTINCT messages at 20% event lines (at the
# usual 10% it would be twice the size), named by its count.
DPCT=20
case $DISTINCT in
0) DIN= ;;
*000000) DIN=postfix-distinct-${DISTINCT%000000}M ;;
*000) DIN=postfix-distinct-${DISTINCT%000}K ;;
*) DIN=postfix-distinct-$DISTINCT ;;
esac
# The in-flight log: INFLIGHT recipients, each one deferral line of a
# message of its own, none ended (gen -i): the outcomes' worst case.
case $INFLIGHT in
0) FIN= ;;
*000000) FIN=postfix-inflight-${INFLIGHT%000000}M ;;
*000) FIN=postfix-inflight-${INFLIGHT%000}K ;;
*) FIN=postfix-inflight-$INFLIGHT ;;
esac

# Disk: four logs, the gzip copy (about a sixth), the --format events
# output (about 3% of the log per percent of event lines), the other
# sizes, the distinct log (about 860 bytes a message), the in-flight log
# (about 450 bytes a recipient).
need=$((MB * 4 + MB / 5 + MB * PCT / 30 + 512))
for s in $SIZES_OTHER; do need=$((need + s)); done
[ -n "$DIN" ] && need=$((need + DISTINCT / 1200))
[ -n "$FIN" ] && need=$((need + INFLIGHT / 2300))
have=$(df -Pk "$DATA" | awk 'NR == 2 { print int($4 / 1024) }')
[ "$have" -ge "$need" ] ||
    die "need about $need MiB free in $DATA, have $have MiB"

GENSUM=$(cksum < "$ROOT/bench/gen.c" | cut -d' ' -f1)

# gen NAME GENERATOR-OPTION...: $DATA/NAME.log and .expect.json, reused
# when kept from an identical earlier run.
gen() {
	base=$DATA/$1
	params="$* $SEED $GENSUM"
	if [ -f "$base.log" ] && [ -f "$base.expect.json" ] &&
	    [ "$(cat "$base.params" 2> /dev/null)" = "$params" ]; then
		return 0
	fi
	rm -f "$base.params"
	name=$1
	shift
	t0=$(date +%s%N)
	"$OUT/gen" "$@" -s "$SEED" -o "$base.log" -e "$base.expect.json" ||
	    die "generator failed on $name"
	t1=$(date +%s%N)
	echo "$params" > "$base.params"
	awk -v f="$name" -v b="$(size_of "$base.log")" -v ns=$((t1 - t0)) \
	    'BEGIN { printf "generated %-22s %6d MiB in %6.2f s (%4.0f MB/s)\n",
	    f, b / 1048576, ns / 1e9, b / 1e6 / (ns / 1e9) }'
}

size_of() { wc -c < "$1" | tr -d ' '; }

for f in $PF postfix-rfc3339 exim exchange; do
	gen "$f-$MB" -f "$f" -m "$MB" -r "$PCT"
done
for s in $SIZES_OTHER; do gen "$PF-$s" -f $PF -m "$s" -r "$PCT"; done
if [ -n "$DIN" ]; then
	gen "$DIN" -f $PF -u "$DISTINCT" -r $DPCT
fi
[ -n "$FIN" ] && gen "$FIN" -f $PF -i "$INFLIGHT" -r 100
GZ=$DATA/$PF-$MB.log.gz
# The gzip copy carries the parameters of the log it was made from.
if [ ! -f "$GZ" ] || ! cmp -s "$GZ.params" "$DATA/$PF-$MB.params"; then
	t0=$(date +%s%N)
	gzip -6 -c "$DATA/$PF-$MB.log" > "$GZ.tmp" || die "gzip failed"
	mv "$GZ.tmp" "$GZ" || die "cannot write $GZ"
	cp "$DATA/$PF-$MB.params" "$GZ.params" || die "cannot write $GZ.params"
	t1=$(date +%s%N)
	awk -v ns=$((t1 - t0)) 'BEGIN { printf "compressed with gzip -6 in %.1f s\n", ns / 1e9 }'
fi

# ---- timing --------------------------------------------------------------

# timeit TOOL INPUT BYTES OUTFILE CMD...: one run into $RAW.  Output goes
# to a file, never /dev/null: GNU grep stops at the first match when its
# output is /dev/null, which would time nothing.  A command
# that fails (grep -c finding nothing exits 1, which is fine) is reported.
timeit() {
	tool=$1 input=$2 bytes=$3 outfile=$4
	shift 4
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$OUT/rss.tmp" "$@" > "$outfile" \
	    2> "$OUT/stderr.tmp"
	rc=$?
	t1=$(date +%s%N)
	if [ $rc -ne 0 ] && ! { [ "$tool" = grep ] && [ $rc = 1 ]; }; then
		echo "bench: $tool on $input exited $rc:" >&2
		head -5 "$OUT/stderr.tmp" >&2
		case $tool in bouncestat*) FAILED=1 ;; esac
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$input" "$bytes" \
	    "$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.4f", ns / 1e9 }')" \
	    "$(tail -n 1 "$OUT/rss.tmp")" >> "$RAW"
}

# bs TYPE INPUT FILE BYTES RUN: bouncestat, its first output kept.
bs() {
	o=$OUT/bs.out
	[ "$5" = 1 ] && o=$OUT/$2.got.json
	timeit bouncestat "$2" "$4" "$o" "$BS" --type "$1" --format json "$3"
}

# round INPUT FILE BYTES RUN TYPE: one run of each tool on one input
# (past BENCH_RUNS, only the slow baselines still run).
round_plain() {
	input=$1 file=$2 bytes=$3 run=$4 type=$5
	cat "$file" > /dev/null
	fast=0
	[ "$run" -le "$RUNS" ] && fast=1
	[ $fast = 1 ] && bs "$type" "$input" "$file" "$bytes" "$run"
	# The default report (with its domain, remote and hour sections) and
	# the event stream, on the plain Postfix log; the first run's event
	# lines are counted against the generator's events.
	if [ $fast = 1 ] && [ "$input" = "$PF-$MB" ]; then
		timeit "bouncestat text" "$input" "$bytes" "$OUT/bs.out" \
		    "$BS" --type postfix "$file"
		# The stream is a third of the log: the last run's file is
		# removed and every dirty page written back first, so that
		# neither is timed with this run (its own writes are).
		rm -f "$OUT/events.out"
		sync
		timeit "bouncestat events" "$input" "$bytes" \
		    "$OUT/events.out" "$BS" --type postfix --format events "$file"
		[ "$run" = 1 ] && wc -l < "$OUT/events.out" | tr -d ' ' \
		    > "$OUT/$input.events.lines"
	fi
	# The default report of this build and of the baseline, side by
	# side in the same round, on each plain log of BENCH_MB.
	if [ $fast = 1 ] && [ -n "$BASE_BS" ] && case $input in
	    "$PF-$MB" | "exim-$MB" | "exchange-$MB") true ;; *) false ;; esac
	then
		[ "$input" = "$PF-$MB" ] ||
		    timeit "bouncestat text" "$input" "$bytes" "$OUT/bs.out" \
		    "$BS" --type "$type" "$file"
		timeit "baseline text" "$input" "$bytes" "$OUT/base.out" \
		    "$BASE_BS" --type "$type" "$file"
	fi
	case $type in
	postfix)
		[ $fast = 1 ] && timeit "grep -c status=" "$input" "$bytes" \
		    "$OUT/tool.out" grep -c 'status=' "$file"
		if [ -n "$PFLOGSUMM" ] && [ "$run" -le "$SLOW_RUNS" ] &&
		    [ "$input" = "$PF-$MB" ]; then
			timeit pflogsumm "$input" "$bytes" "$OUT/tool.out" \
			    "$PFLOGSUMM" "$file"
		fi
		;;
	exim)
		if [ -n "$EXIMSTATS" ] && [ "$run" -le "$SLOW_RUNS" ]; then
			timeit eximstats "$input" "$bytes" "$OUT/tool.out" \
			    perl "$EXIMSTATS" "$file"
		fi
		;;
	esac
	[ $fast = 1 ] && timeit "wc -l" "$input" "$bytes" "$OUT/tool.out" \
	    wc -l "$file"
	return 0
}

# text_jobs INPUT FILE BYTES RUN: the default report with the default
# -j (every run), and in the first run with -j1 and -j2 too: its peak RSS
# must stay within the budget whatever the number of threads.
text_jobs() {
	timeit "bouncestat text" "$1" "$3" "$OUT/bs.out" \
	    "$BS" --type postfix "$2"
	[ "$4" = 1 ] || return 0
	for j in 1 2; do
		timeit "bouncestat text -j$j" "$1" "$3" "$OUT/bs.out" \
		    "$BS" --type postfix -j$j "$2"
	done
}

# round_distinct RUN: the distinct log, with the --format json run whose
# first output is checked, the default report and two breakdowns.
round_distinct() {
	f=$DATA/$DIN.log
	cat "$f" > /dev/null
	bs postfix "$DIN" "$f" "$BYTES_D" "$1"
	text_jobs "$DIN" "$f" "$BYTES_D" "$1"
	o=$OUT/bs.out
	[ "$1" = 1 ] && o=$OUT/$DIN.by.got.json
	timeit "bouncestat by" "$DIN" "$BYTES_D" "$o" \
	    "$BS" --type postfix --by domain --by sender --format json "$f"
}

# round_inflight RUN: the in-flight log, its --format json run checked
# (the outcomes are estimates past BS_OUTCOME_RECIPIENTS, within their
# bound) and the default report.
round_inflight() {
	f=$DATA/$FIN.log
	cat "$f" > /dev/null
	bs postfix "$FIN" "$f" "$BYTES_F" "$1"
	text_jobs "$FIN" "$f" "$BYTES_F" "$1"
}

# limit_bytes NAME: a decompression limit must have inflated the whole log
# (each prints the bytes it inflated), or it timed something else.
limit_bytes() {
	got=$(cat "$OUT/limit.out")
	[ "$got" = "$BYTES_PF" ] ||
	    die "$1 inflated '$got' bytes of $GZ, the log has $BYTES_PF"
}

N=$RUNS
[ "$SLOW_RUNS" -gt "$N" ] && N=$SLOW_RUNS
BYTES_PF=$(size_of "$DATA/$PF-$MB.log")
BYTES_D=
[ -n "$DIN" ] && BYTES_D=$(size_of "$DATA/$DIN.log")
BYTES_F=
[ -n "$FIN" ] && BYTES_F=$(size_of "$DATA/$FIN.log")
echo "timing: $RUNS runs per tool ($SLOW_RUNS for pflogsumm and eximstats)"
run=1
while [ "$run" -le "$N" ]; do
	if [ "$run" -le "$RUNS" ] || [ -n "$PFLOGSUMM" ]; then
		round_plain "$PF-$MB" "$DATA/$PF-$MB.log" "$BYTES_PF" "$run" \
		    postfix
	fi
	if [ "$run" -le "$RUNS" ]; then
		cat "$GZ" > /dev/null
		bs postfix "$PF-$MB.gz" "$GZ" "$BYTES_PF" "$run"
		# The default report on the gzip copy: issue 13's gzip target.
		timeit "bouncestat text" "$PF-$MB.gz" "$BYTES_PF" \
		    "$OUT/bs.out" "$BS" --type postfix "$GZ"
		timeit "gzread (zlib)" "$PF-$MB.gz" "$BYTES_PF" \
		    "$OUT/limit.out" "$OUT/gzread" "$GZ"
		limit_bytes gzread
		if [ -n "$ISALREAD" ]; then
			timeit "isal_inflate (ISA-L)" "$PF-$MB.gz" "$BYTES_PF" \
			    "$OUT/limit.out" "$ISALREAD" "$GZ"
			limit_bytes isalread
		fi
		f=$DATA/postfix-rfc3339-$MB.log
		round_plain "postfix-rfc3339-$MB" "$f" "$(size_of "$f")" "$run" \
		    postfix
	fi
	if [ "$run" -le "$RUNS" ] || [ -n "$EXIMSTATS" ]; then
		f=$DATA/exim-$MB.log
		round_plain "exim-$MB" "$f" "$(size_of "$f")" "$run" exim
	fi
	if [ "$run" -le "$RUNS" ]; then
		f=$DATA/exchange-$MB.log
		round_plain "exchange-$MB" "$f" "$(size_of "$f")" "$run" exchange
		for s in $SIZES_OTHER; do
			f=$DATA/$PF-$s.log
			cat "$f" > /dev/null
			bs postfix "$PF-$s" "$f" "$(size_of "$f")" "$run"
		done
		[ -n "$DIN" ] && round_distinct "$run"
		[ -n "$FIN" ] && round_inflight "$run"
	fi
	echo "  run $run of $N done"
	run=$((run + 1))
done

# ---- correctness ---------------------------------------------------------

# flatten: JSON on stdin to "path<TAB>value" lines (strings keep quotes).
flatten() {
	awk '
	function ws() {
		while (pos <= n && index(" \t\r\n", substr(s, pos, 1)))
			pos++
	}
	function str(   r, c) {
		pos++
		r = ""
		for (;;) {
			c = substr(s, pos, 1)
			if (c == "\\") { r = r substr(s, pos, 2); pos += 2; continue }
			pos++
			if (c == "\"" || pos > n + 1)
				return r
			r = r c
		}
	}
	function val(path,   c, k, i, st) {
		ws()
		c = substr(s, pos, 1)
		if (c == "{") {
			pos++; ws()
			if (substr(s, pos, 1) == "}") { pos++; return }
			for (;;) {
				ws(); k = str(); ws(); pos++
				val(path == "" ? k : path "." k)
				ws(); c = substr(s, pos, 1); pos++
				if (c != ",") return
			}
		}
		if (c == "[") {
			pos++; ws(); i = 0
			if (substr(s, pos, 1) == "]") { pos++; return }
			for (;;) {
				val(path "." i++)
				ws(); c = substr(s, pos, 1); pos++
				if (c != ",") return
			}
		}
		if (c == "\"") { print path "\t\"" str() "\""; return }
		st = pos
		while (pos <= n && !index(",}] \t\r\n", substr(s, pos, 1)))
			pos++
		print path "\t" substr(s, st, pos - st)
	}
	{ s = s $0 "\n" }
	END { n = length(s); pos = 1; val("") }'
}

# check INPUT EXPECT GOT: compare totals and rows; print the differences.
# Distinct messages may be estimates past bouncestat's memory budget
# ("messages_estimated": true): those must be within 2 percent.
check() {
	flatten < "$2" > "$OUT/exp.flat"
	flatten < "$3" > "$OUT/got.flat"
	awk -F '\t' -v input="$1" '
	FNR == 1 { file++ }
	{
		split($1, p, ".")
		if (p[1] == "totals" && (p[2] != "messages" || p[3] != "")) {
			t[file, p[2] (p[3] == "" ? "" : "." p[3])] = $2
			tk[p[2] (p[3] == "" ? "" : "." p[3])] = 1
		}
		if ($1 == "totals.messages_estimated") test[file] = $2
		if (p[1] == "codes") r[file, p[2], p[3]] = $2
		# What happened in the end (gen.c writes it for Postfix, Exim).
		if (p[1] == "outcomes") { o[file, $1] = $2; if (file == 1) ok[$1] = 1 }
		if (p[1] == "codes") nr[file] = p[2] + 1 > nr[file] ? p[2] + 1 : nr[file]
	}
	function off(e, g, est) {
		if (est != "true" || e == 0) return ""
		return sprintf(" (an estimate, off by %.2f%%; DESIGN.md allows 2%%)", (g - e) * 100 / e)
	}
	function close_enough(e, g, est) {
		if (e == g) return 1
		if (est != "true") return 0
		d = e - g; if (d < 0) d = -d
		return d <= (e * 0.02 > 1 ? e * 0.02 : 1)
	}
	END {
		bad = 0
		for (k in tk) {
			if (k == "messages_estimated" || k == "folded_rows")
				continue
			if (!((1, k) in t)) continue
			e = t[1, k]; g = t[2, k]
			if (!close_enough(e, g, k ~ /^messages\./ ? test[2] : "")) {
				printf "  %s: totals.%s expected %s, got %s%s\n", input, k, e, g, off(e, g, k ~ /^messages\./ ? test[2] : "")
				bad++
			}
		}
		# Exact, or within error_bound where bouncestat says estimated.
		for (k in ok) {
			e = o[1, k]; g = o[2, k]
			d = e - g; if (d < 0) d = -d
			if (e != g && !(o[2, "outcomes.estimated"] == "true" &&
			    d <= o[2, "outcomes.error_bound"])) {
				printf "  %s: %s expected %s, got %s\n", input, k, e, g
				bad++
			}
		}
		# bouncestat also splits a (kind, basic, enhanced) row by its
		# connection failure ("connection"): its parts add up to the
		# count, and its distinct messages lie between the largest
		# part'"'"'s and their sum.
		for (f = 1; f <= 2; f++)
			for (i = 0; i < nr[f]; i++) {
				key = r[f, i, "kind"] " " r[f, i, "basic"] " " r[f, i, "enhanced"]
				cnt[f, key] += r[f, i, "count"]
				m = r[f, i, "messages"]
				msg[f, key] += m
				if (m > mlo[f, key]) mlo[f, key] = m
				if (r[f, i, "messages_estimated"] == "true") est[f, key] = "true"
				keys[key] = 1
			}
		for (key in keys) {
			ec = (1, key) in cnt ? cnt[1, key] : 0
			gc = (2, key) in cnt ? cnt[2, key] : 0
			em = (1, key) in msg ? msg[1, key] : 0
			gm = (2, key) in msg ? msg[2, key] : 0
			if (em >= mlo[2, key] && em <= gm) gm = em
			if (ec != gc || !close_enough(em, gm, est[2, key])) {
				printf "  %s: row %s expected count %s messages %s, got count %s messages %s%s\n", input, key, ec, em, gc, gm, off(em, gm, est[2, key])
				bad++
			}
		}
		exit (bad > 0)
	}' "$OUT/exp.flat" "$OUT/got.flat"
}

echo
echo "counts checked against the generator:"
check_one() {	# INPUT EXPECT
	if [ ! -s "$OUT/$1.got.json" ]; then
		echo "  $1: no output from bouncestat"
		FAILED=1
	elif check "$1" "$2" "$OUT/$1.got.json"; then
		echo "  $1: ok"
	else
		FAILED=1
	fi
}
check_one "$PF-$MB" "$DATA/$PF-$MB.expect.json"
check_one "$PF-$MB.gz" "$DATA/$PF-$MB.expect.json"
for f in postfix-rfc3339 exim exchange; do
	check_one "$f-$MB" "$DATA/$f-$MB.expect.json"
done
for s in $SIZES_OTHER; do
	check_one "$PF-$s" "$DATA/$PF-$s.expect.json"
done
[ -n "$FIN" ] && check_one "$FIN" "$DATA/$FIN.expect.json"
if [ -n "$DIN" ]; then
	check_one "$DIN" "$DATA/$DIN.expect.json"
	check_one "$DIN.by" "$DATA/$DIN.expect.json"
fi
# --format events: one line per event.
want=$(flatten < "$DATA/$PF-$MB.expect.json" |
    awk -F '\t' '$1 == "totals.events" { print $2 }')
got=$(cat "$OUT/$PF-$MB.events.lines" 2> /dev/null)
if [ -n "$got" ] && [ "$got" = "$want" ]; then
	echo "  $PF-$MB --format events: ok ($got lines)"
else
	echo "  $PF-$MB --format events: expected $want event lines, got ${got:-none}"
	FAILED=1
fi

# ---- the table -----------------------------------------------------------

RES=$OUT/results.txt
{
	echo
	echo "bouncestat benchmark  $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "binary: $BS_SRC ($("$BS" --version 2>/dev/null | head -1)," \
	    "gzip: $BS_GZIP," \
	    "HEAD $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null ||
	    echo unknown))"
	echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' \
	    /proc/cpuinfo), $(awk '/MemTotal/ { printf "%d MiB RAM", $2 / 1024 }' \
	    /proc/meminfo); logs: seed $SEED, $PCT% event lines"
	echo "median of $RUNS runs ($SLOW_RUNS for pflogsumm, eximstats);" \
	    "MB = 10^6 bytes of uncompressed log"
	echo
	awk -F '\t' -v pf="$PF-$MB" -v mb="$MB" -v sizes="$SIZES" \
	    -v failed=$FAILED -v strict="$STRICT" -v bsgz="$BS_GZIP" \
	    -v isalwhy="$ISAL_WHY" -v din="$DIN" -v fin="$FIN" '
	function median(k,   n, i, j, x, a) {
		n = ns[k]
		for (i = 1; i <= n; i++) a[i] = sv[k, i]
		for (i = 2; i <= n; i++) {	# insertion sort
			x = a[i]
			for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
			a[j + 1] = x
		}
		lo[k] = a[1]; hi[k] = a[n]
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		k = $1 SUBSEP $2
		if (!(k in ns)) { order[++no] = k; tool[k] = $1; inp[k] = $2 }
		sv[k, ++ns[k]] = $4
		bytes[k] = $3
		if ($5 + 0 > rss[k]) rss[k] = $5 + 0
		if ($1 ~ /^bouncestat/ && $5 + 0 > bsmax) bsmax = $5 + 0
	}
	END {
		for (i = 1; i <= no; i++) {
			k = order[i]
			med[k] = median(k)
			if (tool[k] == "bouncestat") ref[inp[k]] = med[k]
		}
		fmt = "%-20s %-22s %9s %9s %7s %9s %9s\n"
		printf fmt, "tool", "input", "MB/s", "seconds", "spread", "RSS MiB", "bs speedup"
		printf fmt, "----", "-----", "----", "-------", "------", "-------", "----------"
		for (i = 1; i <= no; i++) {
			k = order[i]
			if (inp[k] ~ /^postfix-classic-[0-9]+$/ && inp[k] != pf) continue
			m = med[k]
			sp = m > 0 ? (hi[k] - lo[k]) / m * 100 : 0
			printf "%-20s %-22s %9.1f %9.3f %6.0f%% %9.1f %9s\n", tool[k], inp[k],
			    bytes[k] / 1e6 / m, m, sp, rss[k] / 1024,
			    (inp[k] in ref) ? sprintf("%.2f", m / ref[inp[k]]) : "-"
		}
		# Linearity: bouncestat on the Postfix sizes.
		ns2 = split(sizes, sz, " ")
		if (ns2 >= 2) {
			printf "\nlinearity (bouncestat, %s):\n", "postfix-classic"
			printf "%10s %9s %9s %10s %9s\n", "size MiB", "seconds", "MB/s", "s per GiB", "RSS MiB"
			for (i = 1; i <= ns2; i++) {
				k = "bouncestat" SUBSEP "postfix-classic-" sz[i]
				if (!(k in med)) continue
				spg[i] = med[k] / (bytes[k] / 1073741824)
				lrss[i] = rss[k]
				printf "%10d %9.3f %9.1f %10.3f %9.1f\n", sz[i], med[k],
				    bytes[k] / 1e6 / med[k], spg[i], rss[k] / 1024
			}
		}
		# Targets.
		printf "\ntargets (defined for a 1 GiB log, page-cached; this run: %d MiB):\n", mb
		miss = 0
		k = "pflogsumm" SUBSEP pf
		target("plain Postfix >= 100x pflogsumm throughput", (k in med) ? med[k] / ref[pf] : "", 100, "x")
		k = "grep -c status=" SUBSEP pf
		target("plain Postfix >= grep -c status= throughput", (k in med) ? med[k] / ref[pf] : "", 1, "x")
		# Throughput ratios: grep seconds / bouncestat seconds.
		kt = "bouncestat text" SUBSEP pf
		target("default text report >= 1.5x grep -c status= throughput",
		    (k in med) && (kt in med) ? med[k] / med[kt] : "", 1.5, "x")
		kt = "bouncestat events" SUBSEP pf
		target("--format events >= 0.5x grep -c status= throughput",
		    (k in med) && (kt in med) ? med[k] / med[kt] : "", 0.5, "x")
		# Against the limit of the decoder bouncestat uses: the share
		# is bouncestat throughput / limit throughput, that is limit
		# seconds / bouncestat seconds.
		why = ""
		if (bsgz == "isal") {
			lim = "ISA-L"; k = "isal_inflate (ISA-L)" SUBSEP pf ".gz"
			if (!(k in med))
				why = "bouncestat uses ISA-L, but " isalwhy
		} else if (bsgz == "zlib") {
			lim = "zlib"; k = "gzread (zlib)" SUBSEP pf ".gz"
		} else {
			lim = "?"; k = ""
			why = "bouncestat --version names no gzip decoder"
		}
		target("gzip Postfix >= 90% of the decompression limit (" lim ")",
		    (k in med) && ((pf ".gz") in ref) ? med[k] / ref[pf ".gz"] * 100 : "", 90, "%", "", why)
		kt = "bouncestat text" SUBSEP pf ".gz"
		target("default text report, gzip >= 95% of the decompression limit (" lim ")",
		    (k in med) && (kt in med) ? med[k] / med[kt] * 100 : "", 95, "%", "", why)
		target("peak RSS <= 32 MiB (every bouncestat run)", bsmax ? 32 - bsmax / 1024 : "", 0, "MiB to spare", bsmax / 1024)
		if (din != "") {
			dn = din
			sub(/^postfix-distinct-/, "", dn)
			for (j = 0; j <= 2; j++) {
				js = j ? " -j" j : ""
				k = "bouncestat text" js SUBSEP din
				target("peak RSS <= 32 MiB, default report" (j ? js : " (default -j)") ", " dn " distinct domains/senders/messages",
				    (k in med) ? 32 - rss[k] / 1024 : "", 0, "MiB to spare", rss[k] / 1024)
			}
			k = "bouncestat by" SUBSEP din
			target("peak RSS <= 32 MiB, --by domain --by sender, " dn " distinct domains/senders/messages",
			    (k in med) ? 32 - rss[k] / 1024 : "", 0, "MiB to spare", rss[k] / 1024)
		}
		if (fin != "") {
			fn = fin
			sub(/^postfix-inflight-/, "", fn)
			for (j = 0; j <= 2; j++) {
				js = j ? " -j" j : ""
				k = "bouncestat text" js SUBSEP fin
				target("peak RSS <= 32 MiB, default report" (j ? js : " (default -j)") ", " fn " recipients in flight",
				    (k in med) ? 32 - rss[k] / 1024 : "", 0, "MiB to spare", rss[k] / 1024)
			}
		}
		# Issue 15: the default report within 15% of the baseline time.
		for (j = 1; j <= 3; j++) {
			bi = j == 1 ? pf : (j == 2 ? "exim-" mb : "exchange-" mb)
			k = "baseline text" SUBSEP bi
			kt = "bouncestat text" SUBSEP bi
			if (k in med)
				target("default text report <= 1.15x baseline time, " bi,
				    (kt in med) ? med[kt] / med[k] : "", -1.15, "x")
		}
		k = "eximstats" SUBSEP "exim-" mb
		target("Exim >= 100x eximstats throughput", (k in med) ? med[k] / ref["exim-" mb] : "", 100, "x")
		k = "bouncestat" SUBSEP "exchange-" mb
		target("Exchange >= 1 GB/s", (k in med) ? bytes[k] / 1e9 / med[k] : "", 1, "GB/s")
		if (ns2 >= 2 && (1 in spg) && (ns2 in spg)) {
			target(sprintf("linear: s/GiB at %s MiB <= 1.25 x at %s MiB", sz[ns2], sz[1]),
			    spg[ns2] / spg[1], -1.25, "x")
			target(sprintf("flat memory: RSS %s MiB -> %s MiB grows <= 1.25x", sz[ns2 - 1], sz[ns2]),
			    lrss[ns2 - 1] ? lrss[ns2] / lrss[ns2 - 1] : "", -1.25, "x")
		}
		targets_print()
		if (failed)
			v = "FAILED (bouncestat failed or its counts differ from the generator, see above)"
		else if (miss)
			v = sprintf("counts right; %d target(s) missed", miss)
		else
			v = "counts right; all targets met"
		printf "\nverdict: %s\n", v
		exit failed ? 1 : (miss && strict == 1) ? 3 : 0
	}
	# A negative limit means "at most |limit|".  The lines are printed
	# by targets_print, as wide as the longest name.
	function target(what, v, limit, unit, shown, why,   ok) {
		tw[++nt] = what
		if (length(what) > tww) tww = length(what)
		if (v == "") {
			tv[nt] = "n/a"
			tr[nt] = "SKIP" (why != "" ? " (" why ")" : "")
			return
		}
		ok = limit < 0 ? v <= -limit : v >= limit
		if (!ok) miss++
		tv[nt] = shown != "" ? sprintf("%.1f MiB", shown) : sprintf("%.2f %s", v, unit)
		tr[nt] = ok ? "PASS" : "FAIL"
	}
	function targets_print(   i) {
		fmt = "  %-" tww "s %12s  %s\n"
		for (i = 1; i <= nt; i++)
			printf fmt, tw[i], tv[i], tr[i]
	}' "$RAW"
} > "$RES"
status=$?
cat "$RES"

rm -f "$OUT/exp.flat" "$OUT/got.flat" "$OUT/rss.tmp" "$OUT/stderr.tmp" \
    "$OUT/tool.out" "$OUT/bs.out" "$OUT/limit.out" "$OUT/events.out"
if [ "$KEEP" != 1 ]; then
	rm -f "$DATA"/*.log "$DATA"/*.log.gz "$DATA"/*.params
fi
exit $status
