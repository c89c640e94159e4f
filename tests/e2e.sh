#!/bin/sh
# End-to-end transcripts: each testdata/cases/NAME.args holds the arguments
# (one per line, paths relative to testdata/); NAME.out is the exact
# expected standard output, NAME.status the exit status (0 if absent),
# NAME.err the exact expected standard error (not compared if absent),
# NAME.stdin is fed to standard input (otherwise /dev/null).
# Usage: tests/e2e.sh path/to/bouncestat
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/../testdata" || exit 2
tmp=$(mktemp -d) || exit 2
# "Now" for relative times and report timestamps: 2026-11-28 12:00 UTC.
export SOURCE_DATE_EPOCH=1795867200 TZ=UTC
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for args in cases/*.args; do
	name=${args%.args}
	set --
	while IFS= read -r a || [ -n "$a" ]; do
		set -- "$@" "$a"
	done < "$args"
	in=/dev/null
	[ -f "$name.stdin" ] && in=$name.stdin
	"$bin" "$@" < "$in" > "$tmp/out" 2> "$tmp/err"
	status=$?
	want=0
	[ -f "$name.status" ] && want=$(cat "$name.status")
	ok=1
	if [ "$status" != "$want" ]; then
		echo "FAIL $name: exit status $status, expected $want"
		ok=0
	fi
	if ! cmp -s "$tmp/out" "$name.out"; then
		echo "FAIL $name: standard output differs:"
		diff -u "$name.out" "$tmp/out" | head -n 40
		ok=0
	fi
	if [ -f "$name.err" ] && ! cmp -s "$tmp/err" "$name.err"; then
		echo "FAIL $name: standard error differs:"
		diff -u "$name.err" "$tmp/err" | head -n 20
		ok=0
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
# Postfix's shipped syslog, delivery and outcome patterns are read in C
# (src/postfix_fast.c).  The same set written differently, (?:)
# appended, takes PCRE2: every Postfix log here, and the shared corpus's
# where it exists, must give the same report both ways.
mkdir "$tmp/pcre"
sed -e 's/(?<msg>)/(?<msg>)(?:)/' -e 's/(?:to|from)=/(?:to|from)=(?:)/' \
    -e 's/(?<text>))?$/(?<text>))?(?:)/' \
    ../patterns/postfix.pat > "$tmp/pcre/postfix.pat"
if [ "$(grep -c '(?:)' "$tmp/pcre/postfix.pat")" != 3 ]; then
	echo "FAIL postfix_fast: patterns/postfix.pat no longer has the three"
	fail=$((fail + 1))
fi
for f in postfix/*.log postfix/*.gz ../../shared/corpus/postfix/*; do
	[ -f "$f" ] || continue
	"$bin" --type postfix --format json "$f" > "$tmp/c" 2>&1
	"$bin" --patterns "$tmp/pcre" --type postfix --format json "$f" \
	    > "$tmp/pcre2" 2>&1
	if cmp -s "$tmp/c" "$tmp/pcre2"; then
		pass=$((pass + 1))
	else
		echo "FAIL postfix_fast $f: the C and PCRE2 differ:"
		diff -u "$tmp/pcre2" "$tmp/c" | head -n 20
		fail=$((fail + 1))
	fi
done
echo "e2e: $pass passed, $fail failed"
[ $fail = 0 ]
