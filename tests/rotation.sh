#!/bin/sh
# rotation.sh - follow mode end to end, through every kind of rotation.
#
# First, follow mode splits lines as a batch run does: a line of 65,536
# bytes and CR LF, and a bounce, read in a batch run, with --follow -
# from a pipe (which must end by itself at the end of the pipe, with its
# report) and with --follow --from-start FILE (stopped by SIGTERM) give
# the same lines, cut lines and events.
#
# Then, from issue 19: a file truncated to a part already read is read on
# from its new end, not again from its start, and the operator is told in
# one line naming it; SIGHUP ends the follower as SIGTERM does, with a
# last report and status 0 (it killed it, status 129, without one); and a
# follower started with SIGHUP ignored (nohup) keeps it ignored.
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

# --- truncation, SIGHUP -----------------------------------------------------
line() {
	printf '%s\n' "Nov 28 10:00:00 mx1 postfix/smtp[1]: $1: \
to=<u@example.org>, relay=none, delay=1, delays=1/0/0/0, dsn=5.1.1, \
status=bounced (host x[192.0.2.1] said: 550 5.1.1 no such user)"
}
# Wait (10 s at most) until file $1 exists and is not empty.
await() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
follow_json() {
	"$bin" --type postfix --format json --follow --from-start \
	    --interval 1 --output "$1.json" "$1.log" 2> follower.err &
	pid=$!
	await "$1.json"
}

for q in 0A0001 0A0002 0A0003 0A0004; do line $q; done > trunc.log
follow_json trunc
# Two of the four lines (all are as long) stay; then two new ones.
size=$(wc -c < trunc.log)
truncate -s $((size / 2)) trunc.log
i=0
while ! grep -q truncated follower.err && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
line 0B0001 >> trunc.log
line 0B0002 >> trunc.log
kill -TERM "$pid"
wait "$pid" || fail "the truncation run exited with status $?"
pid=
case $(counts trunc.json) in
*'cut_lines=0 lines=6 events=6 ') ;;
*) fail "truncated to two lines of four, then two more: counted \
$(counts trunc.json), expected lines=6 events=6" ;;
esac
[ "$(cat follower.err)" = "bouncestat: trunc.log: truncated from $size to \
$((size / 2)) bytes; what it kept was read already, reading on from its \
new end" ] || fail "the truncation was not told in one line"
echo "rotation: truncated to a part read: lines=6 events=6, told on stderr"

line 0C0001 > hup.log
follow_json hup
line 0C0002 >> hup.log
kill -HUP "$pid"
wait "$pid"
status=$?
pid=
[ $status -eq 0 ] || fail "SIGHUP: exit status $status, expected 0"
case $(counts hup.json) in
*'cut_lines=0 lines=2 events=2 ') ;;
*) fail "SIGHUP: the last report counted $(counts hup.json)" ;;
esac

line 0D0001 > nohup.log
(
	trap '' HUP
	exec "$bin" --type postfix --format json --follow --from-start \
	    --interval 1 --output nohup.json nohup.log 2> follower.err
) &
pid=$!
await nohup.json
kill -HUP "$pid"
# Still running: the next report comes, and the last counts a new line.
rm -f nohup.json
await nohup.json
line 0D0002 >> nohup.log
kill -TERM "$pid" 2>/dev/null
wait "$pid" || fail "nohup: exit status $?"
pid=
case $(counts nohup.json) in
*'cut_lines=0 lines=2 events=2 ') ;;
*) fail "SIGHUP ignored by nohup ended the run: counted \
$(counts nohup.json)" ;;
esac
echo "rotation: SIGHUP: the last report, status 0; under nohup, ignored"

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
