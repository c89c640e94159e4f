#!/bin/sh
# promtool check metrics (Prometheus's own parser and linter) over the
# Prometheus output of every log in testdata/, in a batch run, and over
# the successive reports of a follow run.  Skipped, with a message, when
# promtool is not installed (Debian: apt-get install prometheus).
# Usage: tests/promtool.sh path/to/bouncestat
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v promtool > /dev/null 2>&1; then
	echo "promtool: SKIPPED: promtool is not installed (Debian package prometheus)"
	exit 0
fi
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
pass=0
fail=0
ok() {
	pass=$((pass + 1))
}
bad() {
	echo "FAIL $1"
	sed 's/^/    /' "$tmp/promtool.err"
	fail=$((fail + 1))
}
# check FILE WHAT: promtool's verdict on FILE, which must have samples,
# none repeated (promtool lets a repeated series pass; the textfile
# collector drops the whole file).
check() {
	if grep -q '^bouncestat_' "$1" &&
	    promtool check metrics < "$1" > "$tmp/promtool.err" 2>&1 &&
	    awk '!/^#/ { sub(/ [^ ]*$/, ""); if (seen[$0]++) {
	    print "repeated: " $0; bad = 1 } } END { exit bad }' "$1" \
	    > "$tmp/promtool.err"; then
		ok
	else
		bad "$2"
	fi
}

# Every breakdown, so that every family is written.
by="--by domain --by remote --by sender --by client --by hour"
cd "$root/testdata" || exit 2
for f in $(find . -type f ! -path './cases/*' ! -path './badpatterns/*' \
    ! -name '*.md' | sort); do
	# shellcheck disable=SC2086 # $by is a list of options
	"$bin" -q --format prometheus $by "$f" > "$tmp/out" 2> /dev/null
	check "$tmp/out" "batch: $f"
	"$bin" -q --format prometheus --since 2026-11-28T01:00 "$f" \
	    > "$tmp/out" 2> /dev/null
	check "$tmp/out" "batch --since: $f"
done

# A follow run: its first report (every counter at 0), then the counts,
# then the counts grown, a postfix log and hostile replies side by side.
: > "$tmp/mail.log"
: > "$tmp/hostile.log"
# shellcheck disable=SC2086
"$bin" -q --follow --interval 1 --format prometheus $by --top 3 \
    -o "$tmp/follow.prom" "$tmp/mail.log" "$tmp/hostile.log" &
pid=$!
# report N: wait (10 s at most) for a report other than the last one seen.
report() {
	i=0
	while [ $i -lt 100 ]; do
		if [ -f "$tmp/follow.prom" ] &&
		    ! cmp -s "$tmp/follow.prom" "$tmp/last" 2> /dev/null; then
			cp "$tmp/follow.prom" "$tmp/last"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
report && check "$tmp/last" "follow: first report"
cat postfix/*.log >> "$tmp/mail.log"
cat bad/hostile.log >> "$tmp/hostile.log"
report && check "$tmp/last" "follow: second report"
report && check "$tmp/last" "follow: third report"
if grep -q '^# TYPE bouncestat_kind_events_total counter$' "$tmp/last" &&
    ! grep -q '^bouncestat_kind_events_total{kind="bounced"} 0$' \
    "$tmp/last"; then
	ok
else
	echo "no counted bounces in the follow run's third report" \
	    > "$tmp/promtool.err"
	bad "follow: counters with counts"
fi
cat postfix/*.log >> "$tmp/mail.log"
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
if [ "$st" = 0 ]; then
	check "$tmp/follow.prom" "follow: last report, after SIGTERM"
else
	echo "exit status $st" > "$tmp/promtool.err"
	bad "follow: SIGTERM"
fi

echo "promtool: $pass passed, $fail failed"
[ "$fail" = 0 ]
