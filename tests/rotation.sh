#!/bin/sh
# rotation.sh - follow mode end to end, through every kind of rotation.
#
# First, follow mode splits lines as a batch run does: a line of 65,536
# bytes and CR LF, and a bounce, read in a batch run, with --follow -
# from a pipe (which must end by itself at the end of the pipe, with its
# report) and with --follow --from-start FILE (stopped by SIGTERM) give
# the same lines, cut lines and events.
#
# Then the rotations.
# Starts "bouncestat --follow --from-start" on a log that does not exist
# yet, runs tests/rotwriter.c (compiled here with cc) to append N distinct
# Postfix bounce lines as fast as it can while rotating the log R times by
# rename and create, copytruncate, and delete and recreate (see that file
# for the exact sequences), then stops the follower with SIGTERM and
# checks that its final JSON report counted every line exactly once:
# lines, events, bounced, and the row's count and distinct messages.
#
# Usage: tests/rotation.sh [BOUNCESTAT [N [R [SEED]]]]
#   defaults: build/bouncestat 200000 150 (a new seed each run, printed
#   on failure); KEEP=1 keeps the work folder for a look.
# Any program taking bouncestat's follow options will do as BOUNCESTAT.
set -u
bin=${1:-build/bouncestat}
n=${2:-200000}
rots=${3:-150}
seed=${4:-$$}
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bs_rotation.XXXXXX") || exit 2
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	if [ -n "${KEEP:-}" ]; then
		echo "rotation: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM

fail() {
	echo "rotation: FAIL ($*; seed $seed)"
	for f in writer.err follower.err; do
		[ -s "$tmp/$f" ] && sed "s/^/  $f: /" "$tmp/$f" | head -n 20
	done
	exit 1
}

${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$tmp/rotwriter" \
    "$here/rotwriter.c" || fail "cannot build the writer"
cd "$tmp" || exit 2

# --- the same lines as a batch run ------------------------------------------
counts() {
	grep -o '"cut_lines": [0-9]*\|"lines": [0-9]*\|"events": [0-9]*' "$1" |
	    tr -d '"' | sed 's/: /=/' | tr '\n' ' '
}
{
	head -c 65536 /dev/zero | tr '\0' x
	printf '\r\n'
	printf '%s\r\n' "Nov 28 10:00:00 mx1 postfix/smtp[1]: 0A1B2C3D4E: \
to=<u@example.org>, relay=none, delay=1, delays=1/0/0/0, dsn=5.1.1, \
status=bounced (host x[192.0.2.1] said: 550 5.1.1 no such user)"
} > crlf.log
"$bin" --type postfix --format json crlf.log > batch.json 2> follower.err ||
    fail "the batch run failed"
cat crlf.log | timeout 20 "$bin" --type postfix --format json --follow - \
    > stdin.json 2> follower.err || fail "--follow - did not end by itself"
"$bin" --type postfix --format json --follow --from-start --interval 1 \
    --output file.json crlf.log 2> follower.err &
pid=$!
# Its first report says it is running, its handlers set.
i=0
while [ ! -s file.json ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM "$pid"
wait "$pid" || fail "--follow FILE exited with status $?"
pid=
want=$(counts batch.json)
case $want in
*'cut_lines=0 lines=2 events=1 ') ;;
*) fail "the batch run counted $want" ;;
esac
[ "$(counts stdin.json)" = "$want" ] ||
    fail "--follow - counted $(counts stdin.json), a batch run $want"
[ "$(counts file.json)" = "$want" ] ||
    fail "--follow FILE counted $(counts file.json), a batch run $want"
echo "rotation: 65,536 bytes and CR LF: $want(batch, -, FILE)"

# --- the rotations ----------------------------------------------------------
"$bin" --type postfix --format json --follow --from-start --interval 1 \
    --output out.json mail.log 2> follower.err &
pid=$!
./rotwriter mail.log out.json "$pid" "$n" "$rots" "$seed" \
    > writer.out 2> writer.err || fail "the writer gave up"
read -r written rotations < writer.out
kill -TERM "$pid"
# Give it ten seconds to read the rest and write the last report.
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 "$pid" 2>/dev/null && fail "the follower did not stop on SIGTERM"
wait "$pid"
status=$?
pid=
[ $status -eq 0 ] || fail "the follower exited with status $status"
./rotwriter --check out.json "$written" 2> writer.err ||
    fail "wrong count"
echo "rotation: PASS ($written lines, $rotations rotations)"
