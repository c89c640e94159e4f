#!/bin/sh
# live.sh - follow mode as people and pipes see it, end to end.
#
# 1. The live view: bouncestat --follow runs on a pseudo-terminal made by
#    script(1) (util-linux) at 70 columns by 40 rows, with a refresh every
#    second and a window of 6 s.  Lines are appended to the followed log
#    in two batches; the typescript, cut into frames at each "cursor
#    home", must show: 3 bounces in the interval, the window and the
#    total; then 2 deferrals, with the bounces still in the window but not
#    in the interval, the deferral's code as new and its domain as
#    failing; then, the window past, both out of it and still in the
#    total.  It must be drawn in place (the screen cleared once, each
#    frame going home, erasing each line and what lies below), within 70
#    columns and 39 lines, in colour; and with NO_COLOR=1, without any.
# 2. Not on a terminal: to a file, and with -o even on a terminal, the
#    text report is written every interval as before, without escapes.
# 3. --format events streams: a line appended to a followed file is on
#    the output (a file, so fully buffered by stdio) within seconds,
#    long before the hour-long interval's report.
#
# Usage: tests/live.sh [BOUNCESTAT]; KEEP=1 keeps the work folder.
set -u
bin=${1:-build/bouncestat}
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bs_live.XXXXXX") || exit 2
pids=
cleanup() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	if [ -n "${KEEP:-}" ]; then
		echo "live: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM
cd "$tmp" || exit 2
export TZ=UTC

fail() {
	echo "live: FAIL ($*)"
	[ -f frames ] && sed 's/^/  /' frames | tail -n 60
	exit 1
}

if ! command -v script > /dev/null; then
	echo "live: FAIL (script(1) from util-linux is needed)"
	exit 1
fi

bounce() {
	printf '%s\n' "Nov 28 10:00:0$1 mx1 postfix/smtp[1]: 0A1B2C3D$1: \
to=<u$1@example.org>, relay=none, delay=1, delays=1/0/0/0, dsn=5.1.1, \
status=bounced (host x[192.0.2.1] said: 550 5.1.1 no such user)"
}
defer() {
	printf '%s\n' "Nov 28 10:00:1$1 mx1 postfix/smtp[1]: 0B1B2C3D$1: \
to=<u$1@example.net>, relay=none, delay=1, delays=1/0/0/0, dsn=4.7.0, \
status=deferred (host x[192.0.2.1] said: 421 4.7.0 try again later)"
}

# The typescript $1 as text: one frame after each line "=== frame",
# terminal sequences and carriage returns gone.
frames() {
	sed 's/\x1b\[H/\n=== frame\n/g' "$1" | tr -d '\r' |
	    sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' > frames
}
# Whether a frame of typescript $1 has lines matching every regex given.
has_frame() {
	ts=$1
	shift
	frames "$ts"
	awk -v n=$# 'BEGIN { for (i = 1; i <= n; i++) re[i] = ARGV[i]; ARGC = 1 }
	function check() { for (i = 1; i <= n; i++) if (!hit[i]) return 0
		return 1 }
	/^=== frame/ { if (check()) found = 1; delete hit; next }
	{ for (i = 1; i <= n; i++) if ($0 ~ re[i]) hit[i] = 1 }
	END { if (check()) found = 1; exit !found }' "$@" < frames
}
# Wait (20 s at most) for such a frame.
await_frame() {
	i=0
	while ! has_frame "$@"; do
		[ $i -lt 200 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
# Start bouncestat with arguments $2... on a terminal, typescript in $1.
on_tty() {
	ts=$1
	shift
	: > "$ts.pid"
	script -qfc "stty cols 70 rows 40; echo \$\$ > $ts.pid; exec $*" \
	    "$ts" < /dev/null > /dev/null 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -s "$ts.pid" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
stop() {
	kill -TERM "$(cat "$1.pid")"
	i=0
	while kill -0 "$(cat "$1.pid")" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# --- 1. the live view --------------------------------------------------------
: > mail.log
on_tty view "env -u NO_COLOR TERM=xterm '$bin' --follow --interval 1 \
--window 6s mail.log"
await_frame view '^bouncestat --follow  [0-9][0-9]:[0-9][0-9]:[0-9][0-9]$' \
    '^every 1 s, window 6 s' '^New since the start:$' ||
    fail "no first frame"
{ bounce 1; bounce 2; bounce 3; } >> mail.log
await_frame view '^bounced  +3  +3  +3$' '^deferred  +0  +0  +0$' \
    '^  new code 550 5\.1\.1 bounced  +3  +3  +3$' \
    '^  failing example\.org \(550 5\.1\.1\)  +3  +3  +3$' ||
    fail "no frame with the 3 bounces in the interval and the window"
{ defer 1; defer 2; } >> mail.log
await_frame view '^bounced  +0  +3  +3$' '^deferred  +2  +2  +2$' \
    '^  new code 421 4\.7\.0 deferred  +2  +2  +2$' \
    '^  failing example\.net \(421 4\.7\.0\)  +2  +2  +2$' \
    '^New since [0-9][0-9]:[0-9][0-9]:[0-9][0-9]:$' \
    '^  550 5\.1\.1 bounced  +0  +3  +3$' \
    '^  example\.org \(550 5\.1\.1\)  +0  +3  +3$' ||
    fail "no frame with the deferrals new and the bounces in the window"
await_frame view '^bounced  +0  +0  +3$' '^deferred  +0  +0  +2$' \
    '^  nothing new$' '^  none in the window$' ||
    fail "the window did not let the events go after 6 s"
stop view
frames view
n=$(grep -c '^=== frame' frames)
[ "$(grep -c "$(printf '\033\\[H\033\\[2J')" view)" = 1 ] ||
    fail "the screen is not cleared once, at the start"
[ "$(grep -o "$(printf '\033\\[J')" view | wc -l)" = "$n" ] ||
    fail "not every one of the $n frames erases what lies below it"
grep -q "$(printf '\033\\[K\r$')" view || fail "lines are not erased"
grep -q "$(printf '\033\\[31m')" view || fail "no colour without NO_COLOR"
# script(1)'s own first and last lines are not the view's.
awk '/^=== frame/ { if (n > 39) bad = 1; n = 0; on = 1; next }
    !on || /^Script (started|done) on/ { next }
    { n++ } length($0) > 70 { bad = 1 } END { exit bad || n > 39 }' frames ||
    fail "a frame is wider than 70 columns or taller than 39 lines"
echo "live: the view: $n frames in place; 3 bounces, then 2 deferrals new," \
    "then the 6 s window empty"

on_tty nocolor "env NO_COLOR=1 TERM=xterm '$bin' --follow --from-start \
--interval 1 mail.log"
await_frame nocolor '^bounced  +3  +3  +3$' '^deferred  +2  +2  +2$' ||
    fail "NO_COLOR: no frame with what the file holds"
stop nocolor
grep -q "$(printf '\033\\[H')" nocolor || fail "NO_COLOR: not drawn in place"
if grep -q "$(printf '\033\\[[0-9;]*m')" nocolor; then
	fail "NO_COLOR=1: colour or bold sequences"
fi
echo "live: NO_COLOR=1: drawn in place without a colour"

# --- 2. not on a terminal ------------------------------------------------------
"$bin" --follow --from-start --interval 1 mail.log > plain.out 2>&1 &
p=$!
pids="$pids $p"
i=0
while ! grep -q '^Failures by reason' plain.out && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM $p
wait $p || fail "--follow to a file exited with status $?"
grep -q '^bouncestat: 5 events in 5 lines from 1 input$' plain.out ||
    fail "--follow to a file: no text report"
if grep -q "$(printf '\033')" plain.out; then
	fail "--follow to a file: terminal sequences"
fi
on_tty dash-o "'$bin' --follow --from-start --interval 1 -o report.txt \
mail.log"
i=0
while [ ! -s report.txt ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
stop dash-o
grep -q '^bouncestat: 5 events in 5 lines from 1 input$' report.txt ||
    fail "-o on a terminal: no text report in the file"
if grep -q "$(printf '\033\\[H')" dash-o; then
	fail "-o on a terminal: the view was drawn"
fi
echo "live: to a file, and -o on a terminal: the text report, no view"

# --- 3. --format events streams -----------------------------------------------
: > events.log
"$bin" --follow --format events --interval 3600 events.log > events.out \
    2>&1 &
p=$!
pids="$pids $p"
sleep 1
bounce 7 >> events.log
i=0
while ! grep -q '"enhanced":"5.1.1"' events.out && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q '"kind":"bounced".*"line":1}$' events.out ||
    fail "--format events: the appended line is not out after 5 s"
kill -TERM $p
wait $p || fail "--format events exited with status $?"
echo "live: --format events: the appended line out in $((i / 10)).$((i % 10)) s"
echo "live: PASS"
