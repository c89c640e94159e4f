#!/bin/sh
# Docs that cannot drift: README.md and doc/bouncestat.1 against the code.
#
#   sh tests/docs.sh BIN            check (make check runs this)
#   sh tests/docs.sh --update BIN   regenerate README.md's example blocks
#                                   (make docs runs this)
#
# 1. Every limit the README and the man page quote equals its macro in
#    src/*.h (bslimits.h holds them): the phrases are listed in LIMITS
#    below as "FILE|MACRO|UNIT|REGEX", REGEX matching the phrase with the
#    number in it (the last number of the match).  The documents are read as one line each (line breaks
#    and troff's \~ become spaces), so a phrase may be wrapped anywhere.
#    Every match must agree; a phrase not found at all fails too (a
#    rewording must update the list).
# 2. The README's Layout table names every file in src/ (a NAME.h counts
#    as named with its NAME.c).
# 3. Every format of --type's list in --help (made from the format table)
#    is named in the README's --type row and in the man page's -t entry,
#    and --help fits 80 columns.
# 4. The README's example blocks are the binary's output: a block opens
#    with "<!-- example: CMD -->" or "<!-- example lines=N: CMD -->" and
#    closes with "<!-- /example -->"; between them stands a fenced block
#    of "$ CMD" and what CMD prints (its first N lines and "..." when it
#    prints more), run by sh in the top folder with "bouncestat" being
#    BIN, TZ=UTC and SOURCE_DATE_EPOCH pinned as in tests/e2e.sh.
#    Carriage returns (CSV's CRLF) are dropped.
set -u
update=0
if [ "${1:-}" = --update ]; then
	update=1
	shift
fi
[ $# = 1 ] || { echo "usage: $0 [--update] path/to/bouncestat" >&2; exit 2; }
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0
bad() {
	echo "FAIL docs: $*"
	fail=$((fail + 1))
}

# --- 4. example blocks (first: --update needs nothing else) -----------------

mkdir "$tmp/bin"
ln -s "$bin" "$tmp/bin/bouncestat"

# Write README.md with every example block regenerated to stdout.
examples() {
	inside=0
	while IFS= read -r line || [ -n "$line" ]; do
		if [ $inside = 1 ]; then
			case $line in
			'<!-- /example -->')
				printf '%s\n' "$line"
				inside=0 ;;
			esac
			continue
		fi
		printf '%s\n' "$line"
		case $line in
		'<!-- example'*' -->') ;;
		*) continue ;;
		esac
		spec=${line#<!-- example}
		spec=${spec% -->}
		max=
		case $spec in
		' lines='*)
			max=${spec#' lines='}
			max=${max%%:*} ;;
		esac
		cmd=${spec#*: }
		echo '```'
		printf '$ %s\n' "$cmd"
		PATH="$tmp/bin:$PATH" TZ=UTC SOURCE_DATE_EPOCH=1795867200 \
		    sh -c "$cmd" < /dev/null 2>&1 | tr -d '\r' > "$tmp/example"
		if [ -n "$max" ] && [ "$(wc -l < "$tmp/example")" -gt "$max" ]
		then
			head -n "$max" "$tmp/example"
			echo '...'
		else
			cat "$tmp/example"
		fi
		echo '```'
		inside=1
	done
	[ $inside = 0 ] || echo "FAIL docs: README.md: an example block is not closed" >&2
}

examples < README.md > "$tmp/README.md"
if [ $update = 1 ]; then
	if cmp -s README.md "$tmp/README.md"; then
		echo "docs: README.md examples already current"
	else
		cat "$tmp/README.md" > README.md
		echo "docs: README.md examples regenerated; review git diff README.md"
	fi
	exit 0
fi
if [ "$(grep -c '^<!-- example' README.md)" = 0 ]; then
	bad "README.md has no example blocks"
elif cmp -s README.md "$tmp/README.md"; then
	pass=$((pass + 1))
else
	bad "README.md's example blocks differ from the binary's output" \
	    "(make docs regenerates them):"
	diff -u README.md "$tmp/README.md" | head -n 40
fi

# --- 1. limits ----------------------------------------------------------------

# The value of macro $1 from src/*.h, as a number (shell arithmetic after
# dropping C's integer suffixes), or nothing.
macro() {
	v=$(sed -n "s/^#define[ 	][ 	]*$1[ 	][ 	]*\\(.*\\)/\\1/p" src/*.h |
	    head -n 1 | sed -e 's|/\*.*||' -e 's/\([0-9]\)[uUlL]*/\1/g')
	# shellcheck disable=SC2004 # $v is an expression, not a number
	[ -n "$v" ] && echo $(($v))
}

# One line of text each, troff escapes of the man page made plain.
tr '\n' ' ' < README.md | tr -s ' ' > "$tmp/readme"
sed -e 's/\\~/ /g' -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/^\.[A-Z]* //' \
    doc/bouncestat.1 | tr '\n' ' ' | tr -s ' ' > "$tmp/man"

# UNIT: n a number (commas allowed), KiB and MiB, s for a macro in ms,
# hll for the standard error in % of 2^MACRO HyperLogLog registers
# (1.04 / sqrt(2^bits), one decimal), or =V: the phrase states V in words.
LIMITS='
README.md|BS_LINE_MAX|KiB|lines longer than [0-9,]+ KiB
README.md|BS_LINE_MAX|KiB|Lines are cut at [0-9,]+ KiB
README.md|BS_MSGID_BUDGET|n|until the run holds [0-9,]+ message-id keys
README.md|BS_HLL_BITS|hll|a HyperLogLog estimate \(about [0-9.]+% standard error
README.md|BS_ROWS_MAX|n|At most [0-9,]+ distinct code rows
README.md|BS_BY_KEYS|n|at most [0-9,]+ distinct keys
README.md|BS_BY_PAIRS|n|at most [0-9,]+ \(key, message\) pairs
README.md|BS_BY_HLL_BITS|hll|HyperLogLog estimates \(about [0-9.]+% standard error
README.md|BS_JOIN_MESSAGES|n|remembers up to [0-9,]+ messages
README.md|BS_JOIN_BYTES|MiB|and [0-9,]+ MiB of ids and addresses
README.md|BS_DETAIL_SLOTS|n|Up to [0-9,]+ texts per code
README.md|BS_DETAIL_TEXT_MAX|n|At most [0-9,]+ bytes of each text
README.md|BS_SPLIT_MIN|MiB|file \([0-9,]+ MiB or more\)
README.md|BS_SPLIT_PIECE|MiB|cut into [0-9,]+ MiB pieces
README.md|BS_DETECT_LINES|n|looks at the first [0-9,]+ lines
README.md|BS_DETECT_BYTES|KiB|lines \(at most [0-9,]+ KiB\)
README.md|BS_MIXED_MIN_LINES|n|when at least [0-9,]+ of its first
README.md|BS_DETECT_LINES|n|mixed. when at least [0-9,]+ of its first [0-9,]+ lines
README.md|BS_OUTFILE_STALE_S|=60|it is a minute old
README.md|BS_FOLLOW_POLL_MS|n|polling every [0-9,]+ ms
README.md|BS_FOLLOW_RETIRE_MS|s|after [0-9,]+ seconds without new data
README.md|BS_FAIL_ON_MAX|n|EXPR holds \(repeatable, up to [0-9,]+\)
README.md|BS_JOBS_MAX|n|Read up to N inputs at once, 1 to [0-9,]+
README.md|BS_JOBS_AUTO_MAX|n|one per processor core, at most [0-9,]+\)
README.md|BS_INTERVAL_MAX|n|seconds between reports, 1 to [0-9,]+
README.md|BS_TOP_MAX|n|Rows per breakdown, 1 to [0-9,]+,
README.md|BS_OUTCOME_RECIPIENTS|n|follows up to [0-9,]+ recipients in flight
README.md|BS_OUTCOME_DOMAINS|n|the first [0-9,]+ recipient domains read
README.md|BS_NOTIFY_IDS|n|The ids of up to [0-9,]+ notifications
README.md|BS_HEALTH_CACHE|n|the group of the last [0-9,]+ raw texts
README.md|BS_OUTCOME_ARRIVED|n|came at least [0-9,]+ seconds
README.md|BS_PIECES_HELD_JOINED|MiB|hold at most [0-9,]+ MiB together \(`BS_PIECES_HELD_JOINED`
README.md|BS_PIECES_HELD_JOINED|MiB|4 MiB together \([0-9,]+ MiB for `--format events`
README.md|BS_SPLIT_PIECE_JOINED_MIN|MiB|on two cores, at least [0-9,]+ MiB\)
README.md|BS_EVENTS_BUFFER|MiB|goes out in writes of [0-9,]+ MiB
doc/bouncestat.1|BS_PIECES_HELD_JOINED|MiB|its own sender join, [0-9,]+ MiB for all of
doc/bouncestat.1|BS_OUTCOME_ARRIVED|n|arrived at least [0-9,]+ seconds after
doc/bouncestat.1|BS_LINE_MAX|KiB|longer than [0-9,]+ KiB
doc/bouncestat.1|BS_MSGID_BUDGET|n|until the run holds [0-9,]+ message-id keys
doc/bouncestat.1|BS_ROWS_MAX|n|At most [0-9,]+ distinct code rows
doc/bouncestat.1|BS_BY_KEYS|n|counted exactly up to [0-9,]+ per breakdown
doc/bouncestat.1|BS_DETAIL_SLOTS|n|Up to [0-9,]+ texts per code
doc/bouncestat.1|BS_SPLIT_MIN|MiB|Exim file of [0-9,]+ MiB or more
doc/bouncestat.1|BS_DETECT_LINES|n|from its first [0-9,]+ lines
doc/bouncestat.1|BS_DETECT_BYTES|KiB|lines \(at most [0-9,]+ KiB\)
doc/bouncestat.1|BS_MIXED_MIN_LINES|n|each wrote at least [0-9,]+ of those lines
doc/bouncestat.1|BS_FAIL_ON_MAX|n|repeatable \(up to [0-9,]+\)
doc/bouncestat.1|BS_JOBS_MAX|n|inputs at once, 1 to [0-9,]+
doc/bouncestat.1|BS_JOBS_AUTO_MAX|n|online processor, at most [0-9,]+\)
doc/bouncestat.1|BS_INTERVAL_MAX|n|seconds between reports, 1 to [0-9,]+
doc/bouncestat.1|BS_TOP_MAX|n|Rows per breakdown, 1 to [0-9,]+,
README.md|BS_LIVE_SLOTS|n|at most [0-9,]+ intervals
README.md|BS_LIVE_SLOT_KEYS|n|its [0-9,]+ largest code and domain counts
README.md|BS_LIVE_SLOTS_SPARE|n|the ring keeps [0-9,]+ more
README.md|BS_LIVE_MIN_WIDTH|n|at least [0-9,]+ columns are assumed
doc/bouncestat.1|BS_LIVE_SLOTS|n|at most [0-9,]+ intervals
doc/bouncestat.1|BS_LIVE_MIN_WIDTH|n|at least [0-9,]+ columns
'
echo "$LIMITS" | while IFS='|' read -r doc name unit re; do
	[ -n "$doc" ] || continue
	case $doc in README.md) text=$tmp/readme ;; *) text=$tmp/man ;; esac
	want=$(macro "$name")
	if [ -z "$want" ]; then
		echo "FAIL docs: $name not found in src/*.h (pair list in tests/docs.sh)"
		continue
	fi
	case $unit in
	=*)
		if ! grep -q -E -e "$re" "$text"; then
			echo "FAIL docs: $doc: no phrase '$re' ($name)"
		elif [ "$want" != "${unit#=}" ]; then
			echo "FAIL docs: $doc says '$re', but $name is $want"
		fi
		continue ;;
	esac
	found=$(grep -o -E -e "$re" "$text")
	if [ -z "$found" ]; then
		echo "FAIL docs: $doc: no phrase '$re' ($name)"
		continue
	fi
	echo "$found" | while IFS= read -r phrase; do
		num=$(printf '%s\n' "$phrase" |
		    sed -E 's/.*[^0-9,.]([0-9][0-9,.]*)[^0-9]*$/\1/' | tr -d ,)
		case $unit in
		n) got=$num; say=$want ;;
		KiB) got=$((num * 1024)); say="$want ($((want / 1024)) KiB)" ;;
		MiB) got=$((num * 1024 * 1024))
		    say="$want ($((want / 1024 / 1024)) MiB)" ;;
		s) got=$((num * 1000)); say="$want ms" ;;
		hll) got=$num
		    want=$(awk -v b="$want" \
			'BEGIN { printf "%.1f", 104 / sqrt(2 ^ b) }')
		    say="$want% standard error" ;;
		esac
		if [ "$got" != "$want" ]; then
			echo "FAIL docs: $doc says '$phrase', but $name is $say"
		fi
	done
done > "$tmp/limits"
if [ -s "$tmp/limits" ]; then
	cat "$tmp/limits"
	fail=$((fail + $(wc -l < "$tmp/limits")))
else
	pass=$((pass + 1))
fi

# --- 2. the Layout table --------------------------------------------------------

before=$fail
sed -n '/^## Layout/,/^## [^L]/p' README.md > "$tmp/layout"
for f in src/*; do
	b=${f#src/}
	grep -q -F "\`$b\`" "$tmp/layout" && continue
	case $b in
	*.h) grep -q -F "\`${b%.h}.c\`" "$tmp/layout" && continue ;;
	esac
	bad "README.md's Layout table does not name $f"
done
[ $fail = $before ] && pass=$((pass + 1))

# --- 3. the format table in --help, the README and the man page ---------------

before=$fail
"$bin" --help > "$tmp/help"
awk 'length > 80 { print "FAIL docs: --help line wider than 80 columns: " $0 }' \
    "$tmp/help" > "$tmp/wide"
if [ -s "$tmp/wide" ]; then
	cat "$tmp/wide"
	fail=$((fail + 1))
fi
names=$(sed -n '/NAME is one of/,/^      --/p' "$tmp/help" |
    sed -n 's/^                         \([a-z0-9-]*\) .*/\1/p')
[ -n "$names" ] || bad "--help lists no format under --type"
# shellcheck disable=SC2016 # the backquotes are Markdown's
grep -E '^\| `-t`, `--type NAME` \|' README.md > "$tmp/typerow"
sed -n '/^\.BI \\-t /,/^\.TP/p' doc/bouncestat.1 > "$tmp/typeman"
for n in $names; do
	grep -q -F "\`$n\`" "$tmp/typerow" ||
	    bad "README.md's --type row does not name the format $n"
	grep -q -w -e "$n" "$tmp/typeman" ||
	    bad "doc/bouncestat.1's -t entry does not name the format $n"
done
[ $fail = $before ] && pass=$((pass + 1))

echo "docs: $pass passed, $fail failed"
[ $fail = 0 ]
