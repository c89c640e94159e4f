#!/bin/sh
# Prometheus for real: Debian's prometheus and prometheus-node-exporter,
# started here as the current user on loopback ports that are free, with
# temporary folders (not as services).  node_exporter's textfile
# collector reads the file that
#     bouncestat --follow --format prometheus -o FILE --interval 1 LOG
# rewrites; Prometheus scrapes node_exporter every second; lines appended
# to LOG must come out of PromQL's increase() exactly.  Skipped, with a
# message, when prometheus, prometheus-node-exporter or python3 (the
# free ports, the HTTP API) is missing.  Takes about 20 seconds; every
# process it starts is stopped on the way out.
# Usage: tests/integration.sh path/to/bouncestat
#
# Each condition is shell code in single quotes that expect() evaluates,
# hence the directive (the variables are expanded, by eval, and used, by
# the conditions).
# shellcheck disable=SC2016,SC2034
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
for c in prometheus prometheus-node-exporter python3; do
	if ! command -v "$c" > /dev/null 2>&1; then
		echo "integration: SKIPPED: $c is not installed" \
		    "(Debian: apt-get install prometheus prometheus-node-exporter python3)"
		exit 0
	fi
done
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2> /dev/null
	done
	for p in $pids; do
		wait "$p" 2> /dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0
fail=0
expect() {
	if eval "$2"; then
		echo "ok   $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1"
		fail=$((fail + 1))
	fi
}
die() {
	echo "integration: $*"
	for f in "$tmp"/*.err; do
		echo "--- $f"
		tail -n 20 "$f"
	done
	exit 1
}

# Two free loopback ports (the kernel's choice; released just before use).
ports=$(python3 -c 'import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
# shellcheck disable=SC2086 # two words
set -- $ports
nport=$1
pport=$2

# api PATH: GET http://127.0.0.1:$pport/api/v1/PATH (already URL-encoded).
# query EXPR [TIME]: the value of an instant query's only sample, or
# "none" when it has none; "error ..." when the query failed.
query() {
	python3 - "$pport" "$1" "${2:-}" <<'EOF'
import json, sys, urllib.parse, urllib.request
port, expr, at = sys.argv[1], sys.argv[2], sys.argv[3]
args = {"query": expr}
if at:
    args["time"] = at
url = "http://127.0.0.1:%s/api/v1/query?%s" % (port, urllib.parse.urlencode(args))
try:
    with urllib.request.urlopen(url, timeout=5) as r:
        body = json.load(r)
except Exception as e:
    print("error", e)
    sys.exit(0)
res = body.get("data", {}).get("result", [])
if body.get("status") != "success":
    print("error", body.get("error"))
elif len(res) != 1:
    print("none" if not res else "error: %d series" % len(res))
else:
    print(res[0]["value"][1])
EOF
}
# wait_value EXPR WANT [SECONDS]: until the query gives WANT (default 20 s).
wait_value() {
	i=0
	while [ $i -lt $((${3:-20} * 5)) ]; do
		[ "$(query "$1")" = "$2" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	echo "    $1: $(query "$1"), expected $2"
	return 1
}

mkdir "$tmp/textfile" "$tmp/data"
log=$tmp/mail.log
: > "$log"

"$bin" -q --follow --interval 1 --format prometheus \
    -o "$tmp/textfile/bouncestat.prom" "$log" 2> "$tmp/bouncestat.err" &
pids="$pids $!"
bpid=$!
prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$tmp/textfile" \
    > "$tmp/node.err" 2>&1 &
pids="$pids $!"
cat > "$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$nport']
EOF
prometheus --config.file="$tmp/prometheus.yml" \
    --storage.tsdb.path="$tmp/data" \
    --web.listen-address="127.0.0.1:$pport" > "$tmp/prometheus.err" 2>&1 &
pids="$pids $!"

bounced='bouncestat_kind_events_total{kind="bounced"}'
deferred='bouncestat_kind_events_total{kind="deferred"}'
# Prometheus up, node_exporter scraped, bouncestat's first report in it.
wait_value "up{job=\"node\"}" 1 30 || die "Prometheus did not scrape node_exporter"
expect "first report scraped: every kind at 0 before anything happened" \
    'wait_value "$bounced" 0 && wait_value "$deferred" 0'
expect "no textfile error in node_exporter" \
    'wait_value "node_textfile_scrape_error" 0'

# testdata/postfix/sample.log: 3 bounced, 4 deferred, 3 delivered.
cat "$root/testdata/postfix/sample.log" >> "$log"
expect "appended: the counter reaches 3 bounces" 'wait_value "$bounced" 3'
# increase() extrapolates to the ends of its range unless a sample sits
# there: evaluated at the time of the last sample, over a range that
# holds the first report's 0, it is exact.
incr() {
	at=$(query "timestamp($1)")
	query "increase($1[5m])" "$at"
}
expect "increase(bounced[5m]) at the last scrape: exactly 3" \
    '[ "$(incr "$bounced")" = 3 ]'
expect "increase(deferred[5m]) at the last scrape: exactly 4" \
    'wait_value "$deferred" 4 && [ "$(incr "$deferred")" = 4 ]'

cat "$root/testdata/postfix/sample.log" >> "$log"
expect "appended again: 6 bounces" 'wait_value "$bounced" 6'
expect "increase(bounced[5m]): exactly 6" '[ "$(incr "$bounced")" = 6 ]'
# The code rows: each started at 0 and now holds its count.
expect "sum of the bounced code rows: 6" \
    'wait_value "sum(bouncestat_events_total{kind=\"bounced\"})" 6'
expect "reasons: userunknown bounces, 2" \
    'wait_value "bouncestat_reason_events_total{reason=\"userunknown\",kind=\"bounced\"}" 2'
expect "lines read: 78" 'wait_value "bouncestat_lines_total" 78'
expect "nothing on bouncestat's standard error" \
    '[ ! -s "$tmp/bouncestat.err" ]'
kill -TERM "$bpid"
wait "$bpid"
st=$?
expect "bouncestat --follow: SIGTERM, exit 0" '[ "$st" = 0 ]'

echo "integration: $pass passed, $fail failed"
[ "$fail" = 0 ]
