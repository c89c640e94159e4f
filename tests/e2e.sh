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
# E2E_BOTHWAYS=0 leaves out the two both-ways comparisons below (the C
# readers against PCRE2: about 100 runs over testdata and the shared
# corpus).  tests/valgrind.sh does: under memcheck they took half of
# CI's valgrind step, and they check equal output, which every other
# build's run checks; the transcripts still run the C readers there.
if [ "${E2E_BOTHWAYS:-1}" != 0 ]; then
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
# The reply codes are read in C too (src/codes_fast.c) while
# patterns/codes.pat is the shipped text: with (?:) appended to both its
# patterns, PCRE2 reads them, and every log here must give the same
# report both ways.
mkdir "$tmp/pcrecodes"
sed -e 's/(?!\[0-9.\]))?$/&(?:)/' -e 's/^enhanced = .*$/&(?:)/' \
    ../patterns/codes.pat > "$tmp/pcrecodes/codes.pat"
if [ "$(grep -c '(?:)' "$tmp/pcrecodes/codes.pat")" != 2 ]; then
	echo "FAIL codes_fast: patterns/codes.pat no longer has the two"
	fail=$((fail + 1))
fi
for f in postfix/*.log postfix/*.gz exim/*log exchange/*.LOG m365/*.csv \
    mixed/*.log ../../shared/corpus/postfix/* ../../shared/corpus/exim/*; do
	[ -f "$f" ] || continue
	"$bin" --format json "$f" > "$tmp/c" 2>&1
	"$bin" --patterns "$tmp/pcrecodes" --format json "$f" \
	    > "$tmp/pcre2" 2>&1
	if cmp -s "$tmp/c" "$tmp/pcre2"; then
		pass=$((pass + 1))
	else
		echo "FAIL codes_fast $f: the C and PCRE2 differ:"
		diff -u "$tmp/pcre2" "$tmp/c" | head -n 20
		fail=$((fail + 1))
	fi
done
fi
# The text report is read in cron mail and on 80-column terminals: no line
# of it may be wider than 80 characters (UTF-8 characters, not bytes:
# deleting the continuation bytes leaves one byte per character), for
# every log here, with and without --detail, --all and every --by, and
# for a generated log that fills every table past its limits (code rows
# folded, breakdown keys and reply texts estimated, a 259-byte domain).
# E2E_WIDTH=0 leaves these 180-odd runs out (tests/valgrind.sh: under
# memcheck they would take most of CI's time and find nothing the
# transcripts do not; the sanitizers still run them).
if [ "${E2E_WIDTH:-1}" != 0 ]; then
awk 'BEGIN {
	for (i = 0; i < 2600; i++) {
		printf "Nov 28 10:%02d:%02d mx1 postfix/smtp[1]: %X: ", \
		    (i / 60) % 60, i % 60, 655360 + i
		d = "d" i ".example"
		if (i == 7) {
			d = ""
			for (k = 0; k < 25; k++)
				d = d "longlabel."
			d = d "example"
		}
		printf "to=<u@%s>, relay=none, delay=1, delays=1/0/0/0, ", d
		printf "dsn=5.%d.%d, status=bounced (host x[192.0.2.1] said: ", \
		    i % 40, i % 37
		printf "550 5.%d.%d user w%c%c%c unknown)\n", i % 40, i % 37, \
		    97 + i % 26, 97 + int(i / 26) % 26, 97 + int(i / 676) % 26
	}
}' > "$tmp/wide.log"
for f in $(find . -type f ! -path './cases/*' ! -path './badpatterns/*' \
    ! -name '*.md' | sort) "$tmp/wide.log"; do
	for opts in "" "--detail --all" "--by domain --by remote --by sender \
--by sender-domain --by client --by reason --by hour --by day --detail"; do
		# shellcheck disable=SC2086
		"$bin" $opts "$f" 2> /dev/null > "$tmp/text"
		if LC_ALL=C tr -d '\200-\277' < "$tmp/text" | awk -v f="$f" \
		    -v o="$opts" 'length($0) > 80 { bad = 1
			print "FAIL width: " f " " o ": line " NR " has " \
			    length($0) " characters: " substr($0, 1, 60) "..."
		    } END { exit bad }'; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
		fi
	done
done
# The generated log did reach every limit whose note it is there for.
for want in 'codes beyond the' 'more keys than the' 'more texts than the'; do
	if ! grep -q "$want" "$tmp/text"; then
		echo "FAIL width: the generated log gave no '$want' note"
		fail=$((fail + 1))
	fi
done
fi
echo "e2e: $pass passed, $fail failed"
[ $fail = 0 ]
