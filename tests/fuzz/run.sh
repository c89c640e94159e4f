#!/bin/sh
# Build and run the libFuzzer targets of tests/fuzz/.
#
# Usage: tests/fuzz/run.sh [TARGET...]      (default: every fuzz_*.c)
#
#   FUZZ_SECONDS=N    run each target N seconds (default 60); 0 builds the
#                     targets and replays the regressions only
#   FUZZ_PARALLEL=N   targets run at once (default 1); each is one process
#   ISAL=auto|0|1     gzip through ISA-L, as the Makefile decides it
#   FUZZ_CC=clang     the compiler (needs libFuzzer: clang's
#                     -fsanitize=fuzzer, Debian: libclang-rt-NN-dev)
#   FUZZ_SRC=DIR      the library sources (default src; a copy keeps a
#                     long run apart from edits in progress)
#   FUZZ_CFLAGS=...   extra flags for the targets (not the library), such
#                     as -DNAME=VALUE
#
# Everything goes to build-fuzz/: the library compiled with
# -fsanitize=fuzzer-no-link,address,undefined (the same sanitizers as the
# targets, so the library is instrumented for coverage too), the target
# binaries, corpora in build-fuzz/corpus/NAME (kept between runs and
# seeded from testdata/ every time), crash files in
# build-fuzz/crashes/NAME/ and each run's log in build-fuzz/logs/NAME.log.
# Before fuzzing, each target replays tests/fuzz/regressions/NAME/*.
#
# Prints one line per target with executions, coverage (cov: edges, ft:
# features), corpus size and time, and exits 1 if any target crashed,
# hung, ran out of memory or failed to build (the crash file is kept and
# named in the output).
set -u
cd "$(dirname "$0")/../.." || exit 2

B=build-fuzz
SRC=${FUZZ_SRC:-src}
OBJ=$B/obj/$(printf '%s' "$SRC" | tr '/.' '__')
CC=${FUZZ_CC:-clang}
SECONDS_EACH=${FUZZ_SECONDS:-60}
PARALLEL=${FUZZ_PARALLEL:-1}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

WARN="-Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
-Wmissing-prototypes -Wwrite-strings -Wvla -Wpointer-arith -Wundef \
-Wcast-align"
SAN="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
-fno-sanitize-recover=all"
DEPS_CFLAGS=$($PKG_CONFIG --cflags libpcre2-8 zlib) || exit 2
DEPS_LIBS=$($PKG_CONFIG --libs libpcre2-8 zlib) || exit 2
# gzip through ISA-L as the Makefile decides it: ISAL=auto|0|1.
ISAL=${ISAL:-auto}
if [ "$ISAL" = auto ]; then
	if $PKG_CONFIG --exists libisal; then ISAL=1; else ISAL=0; fi
fi
if [ "$ISAL" = 1 ]; then
	DEPS_CFLAGS="$DEPS_CFLAGS -DBS_HAVE_ISAL \
	    $($PKG_CONFIG --cflags libisal)"
	DEPS_LIBS="$DEPS_LIBS $($PKG_CONFIG --libs libisal)"
fi
COMMON="-std=c11 -pthread -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
-I$SRC -I$B $DEPS_CFLAGS"
VERSION='-DBS_VERSION="fuzz"'

if [ $# -gt 0 ]; then
	targets=$*
else
	targets=$(for f in tests/fuzz/fuzz_*.c; do
		n=${f##*/fuzz_}; echo "${n%.c}"; done)
fi

mkdir -p "$OBJ" "$B/corpus" "$B/crashes" "$B/logs" "$B/dict" || exit 2

# Is libFuzzer there at all?  Say how to get it instead of a link error.
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)'\
'{ (void)d; (void)n; return 0; }\n' > "$B/probe.c"
if ! $CC -fsanitize=fuzzer -o "$B/probe" "$B/probe.c" 2>/dev/null; then
	echo "fuzz: $CC cannot link -fsanitize=fuzzer; install clang and" \
	    "libFuzzer (apt-get install -y clang libclang-rt-14-dev)" >&2
	exit 2
fi

# --- the library, instrumented --------------------------------------------

echo "fuzz: building the library into $B/"
sh tools/embed.sh patterns/*.pat > "$B/patterns_builtin.c.tmp" &&
    { cmp -s "$B/patterns_builtin.c.tmp" "$B/patterns_builtin.c" ||
    mv "$B/patterns_builtin.c.tmp" "$B/patterns_builtin.c"; } || exit 2
rm -f "$B/patterns_builtin.c.tmp"
objs=""
for c in "$SRC"/*.c "$B/patterns_builtin.c"; do
	[ "$c" = "$SRC/main.c" ] && continue
	n=${c##*/}
	o=$OBJ/${n%.c}.o
	objs="$objs $o"
	if [ -f "$o" ] &&
	    [ -z "$(find "$c" "$SRC"/*.h -newer "$o" 2>/dev/null)" ]; then
		continue
	fi
	# shellcheck disable=SC2086
	$CC $COMMON "$VERSION" $WARN $SAN -fsanitize=fuzzer-no-link \
	    -c -o "$o" "$c" ||
	    exit 2
done
rm -f "$B/libbouncestat.a"
# shellcheck disable=SC2086
ar rcs "$B/libbouncestat.a" $objs || exit 2

# --- the targets ----------------------------------------------------------

for t in $targets; do
	# Our own files build with -Werror: zero warnings.
	# shellcheck disable=SC2086
	$CC $COMMON "$VERSION" $WARN -Werror $SAN -fsanitize=fuzzer \
	    -Itests/fuzz \
	    ${FUZZ_CFLAGS:-} \
	    -o "$B/fuzz_$t" "tests/fuzz/fuzz_$t.c" "$B/libbouncestat.a" \
	    $DEPS_LIBS -lm -pthread || { echo "fuzz_$t: BUILD FAILED"; exit 2; }
done

# --- seed corpora and dictionaries -----------------------------------------

# seed NAME FILE...: copy files into the corpus under content names.
seed() {
	name=$1
	shift
	mkdir -p "$B/corpus/$name"
	for f in "$@"; do
		[ -f "$f" ] || continue
		sum=$(cksum < "$f" | tr ' ' '-')
		cp "$f" "$B/corpus/$name/seed-$sum" 2>/dev/null
	done
}

# seed_lines NAME FILE...: every line of the files as a seed of its own.
seed_lines() {
	name=$1
	shift
	mkdir -p "$B/seeds/$name"
	cat "$@" | awk -v d="$B/seeds/$name" '
	    length($0) > 0 && n < 400 { f = d "/l" n++; print > f; close(f) }'
	seed "$name" "$B/seeds/$name"/*
}

S=$B/seeds
rm -rf "$S"
mkdir -p "$S/extract" "$S/input" "$S/patterns" "$S/report"

seed postfix testdata/postfix/*.log
seed exim testdata/exim/mainlog testdata/exim/mainlog-ms-pid \
    testdata/exim/syslog.log
seed exchange testdata/exchange/*.LOG testdata/exchange/*.csv
seed journal testdata/journal/*
seed_lines journal testdata/journal/journal.json
seed_lines csv testdata/exchange/*.LOG testdata/exchange/*.csv
seed_lines postfix_fast testdata/postfix/*.log

# Reply texts as the parsers hand them over, and a few of the shapes the
# rules of DESIGN.md name.
sed -n -e 's/.*said: //p' -e 's/.*status=[a-z]* (//p' \
    -e 's/.*reject: [A-Z-]* from [^:]*: //p' \
    -e 's/.*remote mail server after [^:]*:<[^>]*>: //p' \
    testdata/postfix/*.log testdata/exim/mainlog > "$S/extract/replies"
cat >> "$S/extract/replies" <<'EOF'
550 5.1.1 <bob@example.org>: Recipient address rejected
550-5.7.1 [192.0.2.1] blocked 550 5.7.1 see https://example.org
250 2.1.5Recipient OK
550 #5.1.1 RESOLVER.ADR.RecipNotFound
5.7.1 Blocked by policy
450 4.1234.343 impossible
connect to mx.example.net[192.0.2.1]:25: Connection refused
connect to mx.example.net[192.0.2.1]:25: Connection timed out
Host is unreachable
4.47.28.40 is an address
EOF
seed_lines extract "$S/extract/replies"

# Inputs: every testdata file, plain or gzip, and edge cases of the line
# splitter around BS_LINE_MAX (65536) with needles before and past the cut,
# compressed so that they fit the fuzzer's input size.
awk 'BEGIN {
	s = "x"; while (length(s) < 70000) s = s s
	print substr(s, 1, 65535) "status="
	print substr(s, 1, 65536) "\r"
	print substr(s, 1, 65537)
	print "reject: " substr(s, 1, 65536)
	printf "%s\r\n", substr(s, 1, 65536)
	print "a status= line"
	printf "%s", substr(s, 1, 65530) "reject:"
}' | gzip -9 > "$S/input/long.gz"
printf 'status=one\n' | gzip > "$S/input/m1.gz"
printf 'reject: two\r\nthree' | gzip >> "$S/input/m1.gz"
head -c 100 testdata/postfix/sample.log.gz > "$S/input/cut.gz"
seed input testdata/postfix/* testdata/exim/* testdata/exchange/* \
    "$S/input"/*

# Pattern files: the built-in sets, a broken one, and runaway expressions.
printf 'reply = ^(a+)+$\nenhanced = (?<enhanced>(x*)*y)\n' \
    > "$S/patterns/runaway.pat"
printf 'syslog = x|(?<stamp>a)?(?<msg>b)?\ndelivery = (?<qid>)\n'\
'outcome = (?<dsn>)(?<status>)(?<text>)\nreject = (?<qid>)(?<reply>)\n' \
    > "$S/patterns/optional-groups.pat"
printf 'reply = ^(?<basic>.{3})(?<enhanced>.*)\nenhanced = (?<enhanced>.)\n' \
    > "$S/patterns/loose-codes.pat"
seed patterns patterns/*.pat testdata/badpatterns/*.pat "$S/patterns"/*

# Report events: kind byte, then basic|enhanced|id|reply|connfail.
printf '%s\n' \
    'Imail.log|cannot open: No such file or directory' \
    "0550|5.1.1|4B1C2D3E4F|550 5.1.1 $(printf '\033[31m')red|0" \
    '1451|4.7.1|ABCDE|451 4.7.1 Greylisted "quoted" \ back|1' \
    '2|||=HYPERLINK("http://x")|2' \
    "3554|5.7.1||$(printf '\342\200\256') bidi $(printf '\377\376') bad|0" \
    '4|5.1.1|NOQUEUE|+cmd|0' > "$S/report/events"
printf '550 5.1.1 5.7.26 1.1.1 999\n0550|5.1.1|X|y|0\n' > "$S/report/explain"
seed report "$S/report"/*

# Dictionaries: the tokens the parsers look for.
dict() {
	name=$1
	shift
	for w in "$@"; do printf '"%s"\n' "$w"; done > "$B/dict/$name.dict"
}
dict postfix 'status=' 'said: ' 'reject: ' 'milter-reject: ' 'dsn=' \
    ' postfix/smtp[1]: ' 'NOQUEUE: ' ': to=<' 'refused to talk to me: ' \
    'status=sent (' 'status=deferred (' 'status=bounced (' 'Nov 28 '
dict postfix_fast 'postfix' ' postfix/smtp[1]: ' 'Nov 28 10:00:00 ' 'Nov  8 ' \
    '2026-11-28T10:00:00' '.123456' '+01:00' '+0100' 'Z ' ': to=' ': from=' \
    '[4242]: ' '/smtpd' 'postfix-out' '4F1A2B3C4D' ' ' '\x09'
dict exim ' => ' ' -> ' ' ** ' ' == ' ' *> ' ' <= ' 'rejected RCPT ' \
    'temporarily rejected ' 'SMTP error from remote mail server after ' \
    ' C=\"' 'retry timeout exceeded' 'exim[1]: ' '2026-11-28 08:00:00 ' \
    '1vAbCd-000AbC-1a' 'LMTP error after ' 'H=' '[1/2] '
dict exchange '#Fields: ' 'date-time,' 'event-id' 'recipient-status' \
    'recipient-address' 'message-id' '{LED=' '};{' 'DELIVER' 'FAIL' \
    'DEFER' 'SENDEXTERNAL' '\xef\xbb\xbf' '\"\"' '550 5.1.1 ' \
    '2026-11-28T10:00:00.000Z,'
dict journal '{\"' '\":\"' '\",\"' '\"}' '\"MESSAGE\":' \
    '\"SYSLOG_IDENTIFIER\":\"postfix/smtp\"' '\"SYSLOG_IDENTIFIER\":\"exim\"' \
    '\"__REALTIME_TIMESTAMP\":\"1795856400000000\"' '\"_PID\":\"1\"' \
    '\\u' '\\ud83d\\udce7' '\\\"' '[53,48,' ',255]' '\x1e' \
    'status=bounced (' ' said: 550 5.1.1 '
dict csv '\xef\xbb\xbf' '\"' '\"\"' ',' ',\"' '\",'
dict extract '550 ' '550-' '5.1.1' '#5.' 'Connection refused' \
    'connect to ' 'No route to host' '4.7.26'
dict input '\x1f\x8b\x08\x00' 'status=' 'reject:' '\x0d\x0a'
dict patterns '(?<basic>' '(?<enhanced>' '(?<msg>' '(?<stamp>' \
    '(?<reply>' '(?<qid>' '(?<status>' '(?<text>' '(?<dsn>' 'reply = ' \
    'enhanced = ' 'syslog = ' 'delivery = ' 'outcome = ' 'reject = ' \
    'boundary = ' \
    'led = ' 'confirm = ' '\x0a\x09' '(a+)+$' '(?:' '{1,3}' '\\d'
# shellcheck disable=SC1003
dict report '|' '550' '5.1.1' 'I' '\x1b[31m' '=' '+' '@' \
    '\xe2\x80\xae' '\xff' '\x0d\x0a' '\"' '\\'

# Largest input each target is given: the gzip seeds of fuzz_input must
# fit whole; line parsers get several lines.
max_len() {
	case $1 in
	input) echo 65536 ;;
	patterns) echo 16384 ;;
	*) echo 8192 ;;
	esac
}

# --- replay the regressions, then fuzz --------------------------------------

status=0
for t in $targets; do
	if [ -d "tests/fuzz/regressions/$t" ] &&
	    [ -n "$(ls -A "tests/fuzz/regressions/$t")" ]; then
		if ! "$B/fuzz_$t" -timeout=60 \
		    "tests/fuzz/regressions/$t"/* > "$B/logs/$t.replay.log" \
		    2>&1; then
			echo "fuzz_$t: a regression fails again; see" \
			    "$B/logs/$t.replay.log"
			status=1
		fi
	fi
done
[ "$SECONDS_EACH" -gt 0 ] || exit $status

# run_one NAME: fuzz one target, then print its line.
run_one() {
	t=$1
	log=$B/logs/$t.log
	mkdir -p "$B/crashes/$t"
	start=$(date +%s)
	"$B/fuzz_$t" "$B/corpus/$t" -dict="$B/dict/$t.dict" \
	    -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" \
	    -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$B/crashes/$t/" > "$log" 2>&1
	rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
	corp=$(find "$B/corpus/$t" -type f | wc -l)
	if [ $rc -eq 0 ]; then
		verdict=ok
	else
		art=$(grep -o "Test unit written to [^ ]*" "$log" | tail -n 1)
		verdict="FAILED (exit $rc) ${art#Test unit written to }"
	fi
	echo "fuzz_$t: ${execs:-?} executions in $((end - start)) s," \
	    "${cov:-cov: ? ft: ?}, corpus $corp: $verdict"
	[ $rc -eq 0 ]
}

# At most PARALLEL targets at a time; the results file collects failures.
failed=$B/logs/failed.$$
: > "$failed"
running=0
for t in $targets; do
	{ run_one "$t" || echo "$t" >> "$failed"; } &
	running=$((running + 1))
	if [ $running -ge "$PARALLEL" ]; then
		wait
		running=0
	fi
done
wait
if [ -s "$failed" ]; then
	echo "fuzz: failed: $(tr '\n' ' ' < "$failed")(logs in $B/logs/)"
	status=1
fi
rm -f "$failed"
exit $status
