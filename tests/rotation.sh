#!/bin/sh
# rotation.sh - follow mode end to end, through every kind of rotation.
#
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
