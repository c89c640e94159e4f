#!/bin/sh
# contrib.sh - checks for what contrib/ installs around bouncestat, and for
# the man page.
#
#   - shellcheck on every script (skipped, and said so, when it is not
#     installed: apt-get install shellcheck);
#   - the daily report script run for real against a copy of
#     testdata/postfix/sample.log, with mail and sendmail replaced by a
#     stub that records its arguments and standard input: subject,
#     recipients, headers, body, MAILTO empty, the exit status in the
#     subject, the settings file, the day across month, year and leap-year
#     ends, a run with cron's bare environment, the HTML report as the
#     HTML part of a multipart/alternative mail and in a web folder;
#   - the cron.d line and the systemd units (systemd-analyze verify, and
#     systemd-analyze security --offline against each service's score,
#     when it is installed; '-' before writable folders that may be
#     absent);
#   - the Nagios plugin for OK, WARNING, CRITICAL and UNKNOWN;
#   - the Prometheus textfile written with -o: complete, HELP and TYPE
#     lines, no temporary file left;
#   - the follow service's own ExecStart, run for a few seconds against a
#     temporary log (interval 1): the file follows appended lines and a
#     rotation, SIGUSR1 reports at once, SIGTERM reports and exits 0;
#   - contrib/prometheus's alert rules (promtool check rules, and promtool
#     test rules over bouncestat.rules.test.yml) and contrib/grafana's
#     dashboard (every query parses, python3 and promtool): every metric
#     they name is one that the reports above contain (skipped, and said
#     so, without promtool or python3);
#   - the journal service's own ExecStart run by bash with journalctl
#     replaced by a stub writing testdata/journal/journal.json, and
#     journalctl's short-iso lines through a pipe (--follow -): counted
#     as they come, a last report and exit 0 when the writer ends;
#   - the logrotate stanza: logrotate -d, and a forced rotation under a
#     follower whose postrotate signal reports at once;
#   - the man pages: render without warnings; bouncestat(1) names every
#     long option, bouncestat-daily(8) every setting of the script.
#
# "Now" is pinned: SOURCE_DATE_EPOCH=1795953600 (2026-11-29 12:00 UTC) with
# TZ=UTC, so "yesterday" is 2026-11-28, the day of the sample's lines.  The
# sample's syslog stamps have no year; bouncestat takes it from the file's
# modification time, so the copy is touched to 2026-11-28.
#
# Usage: tests/contrib.sh [path/to/bouncestat]   (default build/bouncestat)
# Prints "contrib: N passed, M failed"; exits 1 when something failed.
#
# Each condition is shell code in single quotes that expect() evaluates,
# so that "A && B" counts as one check; hence the two directives (the
# variables are expanded, by eval, and used, by the conditions).
# shellcheck disable=SC2016,SC2034
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/bouncestat}
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
daily=$root/contrib/cron/bouncestat-daily
check=$root/contrib/nagios/check_bouncestat
units=$root/contrib/systemd

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bs_contrib.XXXXXX") || exit 2
# Physical, so that it compares equal to what /proc/PID/fd links say.
tmp=$(cd "$tmp" && pwd -P) && [ -n "$tmp" ] || exit 2
pids=
cleanup() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM

pass=0
fail=0
ok() {
	pass=$((pass + 1))
	echo "ok   $*"
}
bad() {
	fail=$((fail + 1))
	echo "FAIL $*"
}
# expect NAME CONDITION: CONDITION, shell code, must hold (it is eval'ed,
# so that "A && B" is one condition).
expect() {
	if eval "$2"; then ok "$1"; else bad "$1"; fi
}
skip() {
	echo "SKIP $*"
}

[ -x "$bin" ] || { echo "contrib: no bouncestat at $bin (run make)"; exit 2; }

# A clean, pinned environment: nothing from the machine's settings.
export TZ=UTC SOURCE_DATE_EPOCH=1795953600
export BOUNCESTAT="$bin" BOUNCESTAT_CONFIG=/dev/null
unset MAILTO BOUNCESTAT_LOGS BOUNCESTAT_ARGS BOUNCESTAT_SUBJECT \
    BOUNCESTAT_FROM BOUNCESTAT_MAIL BOUNCESTAT_SENDMAIL BOUNCESTAT_HTML \
    BOUNCESTAT_HTML_DIR

mkdir "$tmp/logs" "$tmp/stub" "$tmp/rec"
log=$tmp/logs/mail.log
cp "$root/testdata/postfix/sample.log" "$log"
touch -d 2026-11-28T23:59:59Z "$log"

# The stub mailer: records its arguments (one a line) and standard input
# under $tmp/rec/NAME.args and NAME.stdin, NAME being mail or sendmail.
cat > "$tmp/stub/mail" <<'EOF'
#!/bin/sh
name=$(basename "$0")
: > "$STUB_REC/$name.args"
for a in "$@"; do
	printf '%s\n' "$a" >> "$STUB_REC/$name.args"
done
cat > "$STUB_REC/$name.stdin"
exit "${STUB_STATUS:-0}"
EOF
chmod 755 "$tmp/stub/mail"
cp "$tmp/stub/mail" "$tmp/stub/sendmail"
export STUB_REC="$tmp/rec"

host=$(uname -n)
host=${host%%.*}

# Installed with "install -m 0755"; in the tree they should be executable
# too (git keeps the bit), though the checks below run them with sh.
expect "the scripts are executable" '[ -x "$daily" ] && [ -x "$check" ]'

# ---------------------------------------------------------------- shellcheck
if command -v shellcheck > /dev/null 2>&1; then
	for s in "$daily" "$check" "$root/tests/contrib.sh" \
	    "$root/tests/promtool.sh" "$root/tests/integration.sh"; do
		expect "shellcheck ${s#"$root"/}" 'shellcheck "$s"'
	done
else
	skip "shellcheck: not installed (apt-get install shellcheck)"
fi

# ------------------------------------------------------- the daily report
# The report the script must mail: bouncestat's own for yesterday.
"$bin" -q --since yesterday --until today -- "$log" > "$tmp/want" 2>&1
expect "yesterday selects the sample's 17 events" \
    'grep -q "^bouncestat: 17 events in 39 lines from 1 input\$" "$tmp/want"'

# run_daily [VAR=VALUE]...: the script with both mailers stubbed and the
# settings given; its status in $st, its standard output in $tmp/out, the
# mailers' records in $tmp/rec.  (Settings go through env, not as
# assignments before a function call: POSIX leaves it open whether those
# are exported, and whether they outlive the call.)
run_daily() {
	rm -f "$tmp/rec/"*
	env BOUNCESTAT_MAIL="$tmp/stub/mail" \
	    BOUNCESTAT_SENDMAIL="$tmp/stub/sendmail" "$@" \
	    sh "$daily" > "$tmp/out" 2> "$tmp/err"
	st=$?
}
subject="[bouncestat] $host: report for 2026-11-28"

run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org
printf '%s\n' -s "$subject" ops@example.org > "$tmp/args.want"
expect "daily/mail: exit 0" '[ "$st" = 0 ]'
expect "daily/mail: mail -s SUBJECT RECIPIENT" \
    'cmp -s "$tmp/rec/mail.args" "$tmp/args.want"'
expect "daily/mail: the body is the report" \
    'cmp -s "$tmp/rec/mail.stdin" "$tmp/want"'
expect "daily/mail: sendmail not used, nothing printed" \
    '[ ! -e "$tmp/rec/sendmail.args" ] && [ ! -s "$tmp/out" ]'

run_daily BOUNCESTAT_LOGS="$log" BOUNCESTAT_MAIL= \
    MAILTO="ops@example.org, oncall@example.org"
printf '%s\n' -t -i > "$tmp/args.want"
sed '/^$/q' "$tmp/rec/sendmail.stdin" > "$tmp/headers"
sed '1,/^$/d' "$tmp/rec/sendmail.stdin" > "$tmp/body"
{
	echo "From: $(id -un)"
	echo "To: ops@example.org, oncall@example.org"
	echo "Subject: $subject"
	echo "Auto-Submitted: auto-generated"
	echo "MIME-Version: 1.0"
	echo "Content-Type: text/plain; charset=UTF-8"
	echo "Content-Transfer-Encoding: 8bit"
	echo
} > "$tmp/headers.want"
expect "daily/sendmail: exit 0" '[ "$st" = 0 ]'
expect "daily/sendmail: sendmail -t -i" \
    'cmp -s "$tmp/rec/sendmail.args" "$tmp/args.want"'
expect "daily/sendmail: From, To, Subject, MIME headers" \
    'cmp -s "$tmp/headers" "$tmp/headers.want"'
expect "daily/sendmail: the body is the report" \
    'cmp -s "$tmp/body" "$tmp/want"'
expect "daily/sendmail: mail not used" '[ ! -e "$tmp/rec/mail.args" ]'

run_daily BOUNCESTAT_LOGS="$log" MAILTO=
{ echo "$subject"; echo; cat "$tmp/want"; } > "$tmp/out.want"
expect "daily/MAILTO empty: exit 0" '[ "$st" = 0 ]'
expect "daily/MAILTO empty: subject and report on stdout" \
    'cmp -s "$tmp/out" "$tmp/out.want"'
expect "daily/MAILTO empty: no mailer run" \
    '[ ! -e "$tmp/rec/mail.args" ] && [ ! -e "$tmp/rec/sendmail.args" ]'

run_daily BOUNCESTAT_LOGS="$tmp/logs/missing.log" MAILTO=ops@example.org
expect "daily/missing log: exit 1" '[ "$st" = 1 ]'
expect "daily/missing log: subject says input problems" \
    'grep -qxF "$subject (input problems)" "$tmp/rec/mail.args"'
expect "daily/missing log: body names the file" \
    'grep -q "missing.log: cannot open" "$tmp/rec/mail.stdin"'

run_daily BOUNCESTAT_LOGS="$log $tmp/logs/mail.log.1 $tmp/logs/mail.log.*.gz" \
    MAILTO=ops@example.org
{
	echo "bouncestat-daily: note: $tmp/logs/mail.log.1 does not exist, skipped"
	echo
	cat "$tmp/want"
} > "$tmp/body.want"
expect "daily/no mail.log.1 yet: exit 0, plain subject" \
    '[ "$st" = 0 ] && grep -qxF "$subject" "$tmp/rec/mail.args"'
expect "daily/no mail.log.1 yet: a note, then the report" \
    'cmp -s "$tmp/rec/mail.stdin" "$tmp/body.want"'

run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org \
    BOUNCESTAT_ARGS="--type postfix --fail-on bounced>1 --fail-on code:5.7.*>100"
expect "daily/fail-on: exit 3" '[ "$st" = 3 ]'
expect "daily/fail-on: subject says so" \
    'grep -qxF "$subject (fail-on condition holds)" "$tmp/rec/mail.args"'
expect "daily/fail-on: body names the condition" \
    'grep -qxF "bouncestat: fail-on bounced>1: 3 bounced events" "$tmp/rec/mail.stdin"'

run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org BOUNCESTAT_ARGS=--bogus
expect "daily/bad option: exit 2, subject says configuration error" \
    '[ "$st" = 2 ] && grep -qxF "$subject (configuration error)" "$tmp/rec/mail.args"'

run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org \
    BOUNCESTAT="$tmp/no/bouncestat"
expect "daily/no binary: exit 127, still mailed" \
    '[ "$st" = 127 ] && grep -qxF "$subject (failed, status 127)" "$tmp/rec/mail.args"'

run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org STUB_STATUS=1
expect "daily/mailer fails: exit 4, report on stdout" \
    '[ "$st" = 4 ] && grep -q "^bouncestat: 17 events" "$tmp/out"'

{
	echo "MAILTO=cfg@example.org"
	echo "BOUNCESTAT_LOGS=\"$log\""
	echo "BOUNCESTAT_SUBJECT='bounces on %h for %d (100%%)'"
} > "$tmp/default"
run_daily BOUNCESTAT_CONFIG="$tmp/default" MAILTO=env@example.org
printf '%s\n' -s "bounces on $host for 2026-11-28 (100%)" cfg@example.org \
    > "$tmp/args.want"
expect "daily/settings file: wins over the environment; subject format" \
    'cmp -s "$tmp/rec/mail.args" "$tmp/args.want"'

run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org \
    SOURCE_DATE_EPOCH=1796040000
expect "daily/a day later: report for 2026-11-29, 0 events" \
    'grep -qxF "[bouncestat] $host: report for 2026-11-29" "$tmp/rec/mail.args" &&
    grep -q "^bouncestat: 0 events in 39 lines" "$tmp/rec/mail.stdin"'

# The HTML report: the mail is multipart/alternative, its text part the
# text report and its HTML part bouncestat's HTML report, both UTF-8 in
# base64, the boundary in neither (tests/mime_parts.py); the web folder
# gets the same page.
"$bin" -q --since yesterday --until today --format html -- "$log" \
    > "$tmp/want.html" 2>&1
mkdir "$tmp/www"
run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org BOUNCESTAT_HTML=yes \
    BOUNCESTAT_HTML_DIR="$tmp/www"
printf '%s\n' -t -i > "$tmp/args.want"
expect "daily/html: exit 0, sendmail -t -i, mail not used" \
    '[ "$st" = 0 ] && cmp -s "$tmp/rec/sendmail.args" "$tmp/args.want" &&
    [ ! -e "$tmp/rec/mail.args" ]'
if command -v python3 > /dev/null 2>&1; then
	expect "daily/html: multipart/alternative, text and HTML parts are the reports" \
	    '[ "$(python3 "$root/tests/mime_parts.py" "$tmp/rec/sendmail.stdin" \
	    "$tmp/want" "$tmp/want.html")" = ok ]'
else
	skip "daily/html: python3 is not installed to read the MIME message"
fi
expect "daily/html: subject, recipient, multipart header" \
    'grep -qxF "Subject: $subject" "$tmp/rec/sendmail.stdin" &&
    grep -qxF "To: ops@example.org" "$tmp/rec/sendmail.stdin" &&
    grep -q "^Content-Type: multipart/alternative; boundary=\"=_bouncestat_" \
    "$tmp/rec/sendmail.stdin"'
expect "daily/html: both parts are there, utf-8 and base64" \
    '[ "$(grep -c "^Content-Transfer-Encoding: base64\$" "$tmp/rec/sendmail.stdin")" = 2 ] &&
    grep -qxF "Content-Type: text/plain; charset=utf-8" "$tmp/rec/sendmail.stdin" &&
    grep -qxF "Content-Type: text/html; charset=utf-8" "$tmp/rec/sendmail.stdin"'
expect "daily/html: the web folder's page is the HTML report, mode 0644" \
    'cmp -s "$tmp/www/bouncestat-2026-11-28.html" "$tmp/want.html" &&
    [ "$(stat -c %a "$tmp/www/bouncestat-2026-11-28.html")" = 644 ] &&
    [ "$(ls -A "$tmp/www")" = bouncestat-2026-11-28.html ]'

rm -rf "$tmp/www"
run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org \
    BOUNCESTAT_HTML_DIR="$tmp/www"
expect "daily/html folder missing: a note, the text mailed as before" \
    '[ "$st" = 0 ] && [ "$(head -n 1 "$tmp/rec/mail.stdin")" = "bouncestat-daily: note: could not write $tmp/www/bouncestat-2026-11-28.html" ] &&
    [ ! -e "$tmp/rec/sendmail.args" ]'

run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org BOUNCESTAT_HTML=yes \
    BOUNCESTAT_SENDMAIL=/nonexistent/sendmail
{
	echo "bouncestat-daily: note: the HTML report needs sendmail; mailed as text only"
	echo
	cat "$tmp/want"
} > "$tmp/body.want"
expect "daily/html without sendmail: mail(1) sends the text with a note" \
    '[ "$st" = 0 ] && cmp -s "$tmp/rec/mail.stdin" "$tmp/body.want"'

# The day in the subject across the ends of months, years, leap years, and
# in a zone far from UTC (XYZ-14 is UTC+14 without any tzdata).
for c in 1796085000:UTC:2026-11-30 1798783800:UTC:2026-12-31 \
    1835503800:UTC:2028-02-29 4107564600:UTC:2100-02-28 \
    1795953600:XYZ-14:2026-11-29; do
	e=${c%%:*}
	z=${c#*:}
	z=${z%%:*}
	d=${c##*:}
	run_daily BOUNCESTAT_LOGS="$log" MAILTO=ops@example.org \
	    SOURCE_DATE_EPOCH="$e" TZ="$z"
	expect "daily/the day before $e in $z is $d" \
	    'grep -qxF "[bouncestat] $host: report for $d" "$tmp/rec/mail.args"'
done

# As cron runs it: a bare environment with PATH=/usr/bin:/bin, every
# setting from the settings file.
{
	echo "TZ=UTC"
	echo "SOURCE_DATE_EPOCH=1795953600"
	echo "STUB_REC=$tmp/rec"
	echo "export TZ SOURCE_DATE_EPOCH STUB_REC"
	echo "BOUNCESTAT=$bin"
	echo "BOUNCESTAT_LOGS=$log"
	echo "BOUNCESTAT_MAIL="
	echo "BOUNCESTAT_SENDMAIL=$tmp/stub/sendmail"
	echo "MAILTO=root"
} > "$tmp/default"
rm -f "$tmp/rec/"*
env -i PATH=/usr/bin:/bin SHELL=/bin/sh HOME=/ LOGNAME=root \
    BOUNCESTAT_CONFIG="$tmp/default" /bin/sh "$daily" > "$tmp/out" 2>&1
st=$?
sed '1,/^$/d' "$tmp/rec/sendmail.stdin" > "$tmp/body" 2> /dev/null
expect "daily/cron's environment: exit 0, silent, report mailed to root" \
    '[ "$st" = 0 ] && [ ! -s "$tmp/out" ] && cmp -s "$tmp/body" "$tmp/want" &&
    grep -qx "To: root" "$tmp/rec/sendmail.stdin"'

# The cron.d file: one job, at 06:10, as root, running the script.
crond=$root/contrib/cron/bouncestat.cron.d
njobs=$(grep -v '^#' "$crond" | grep -v '^[A-Z_]*=' | grep -c '[^[:space:]]')
job=$(grep '^[0-9]' "$crond")
expect "cron.d: one job line" '[ "$njobs" = 1 ]'
expect "cron.d: 10 6 * * * root, runs /usr/local/sbin/bouncestat-daily" \
    'printf "%s\n" "$job" |
    grep -q "^10[[:space:]]6[[:space:]]\*[[:space:]]\*[[:space:]]\*[[:space:]][[:space:]]*root[[:space:]].*/usr/local/sbin/bouncestat-daily\$"'

# ------------------------------------------------------------ systemd units
unit_value() { # UNIT KEY: the value of its first KEY= line
	sed -n "s/^$2=//p" "$units/$1" | head -n 1
}
expect "timer: daily at 06:10, persistent" \
    '[ "$(unit_value bouncestat-report.timer OnCalendar)" = "*-*-* 06:10:00" ] &&
    [ "$(unit_value bouncestat-report.timer Persistent)" = true ]'
expect "report service runs the cron script" \
    '[ "$(unit_value bouncestat-report.service ExecStart)" = /usr/local/sbin/bouncestat-daily ]'
if command -v systemd-analyze > /dev/null 2>&1; then
	# Verified as if installed: the commands point into this tree.
	mkdir "$tmp/units"
	for u in "$units"/*.service "$units"/*.timer; do
		sed -e "s#/usr/local/sbin/bouncestat-daily#$daily#" \
		    -e "s#/usr/local/bin/bouncestat #$bin #" \
		    "$u" > "$tmp/units/${u##*/}"
	done
	systemd-analyze verify --man=no "$tmp/units/"* > "$tmp/verify" 2>&1
	st=$?
	expect "systemd-analyze verify: no complaints" \
	    '[ "$st" = 0 ] && [ ! -s "$tmp/verify" ]'
	sed 's/^/    /' "$tmp/verify"
	# The exposure score of each service (0 best, 10 worst), offline:
	# what the unit file asks for, on any host.  The report runs as root
	# for the mailers (bouncestat-report.service says why).
	for c in bouncestat-follow.service:0.8 bouncestat-journal.service:0.8 \
	    bouncestat-report.service:2.5; do
		u=${c%%:*}
		max=${c#*:}
		(cd "$tmp/units" &&
		    systemd-analyze security --offline=yes --no-pager "$u") \
		    > "$tmp/security" 2>&1
		score=$(sed -n \
		    's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' \
		    "$tmp/security")
		expect "systemd-analyze security: $u at most $max (${score:-none})" \
		    '[ -n "$score" ] &&
		    awk -v s="$score" -v m="$max" "BEGIN { exit !(s <= m) }"'
	done
else
	skip "systemd-analyze verify: systemd-analyze is not installed"
fi
expect "journal service: bouncestat follows journalctl's JSON on stdin" \
    '[ "$(unit_value bouncestat-journal.service Type)" = exec ] &&
    unit_value bouncestat-journal.service ExecStart | grep -q "^/bin/bash -c .exec /usr/local/bin/bouncestat --follow .* - < <(exec journalctl --follow --lines=0 --output=json --unit=\"postfix@\*\")"'
expect "writable folders that may be absent have their - prefix" \
    '! grep -h "^ReadWritePaths=" "$units"/*.service | tr " =" "\n\n" |
    grep -v "^ReadWritePaths$" | grep -qv "^-/"'

# ------------------------------------------------------------ Nagios plugin
# nagios NAME WANT-STATUS WANT-STATE ARGS...: one line on standard output,
# nothing on standard error, that state and status.
nagios() {
	nname=$1 want=$2 state=$3
	shift 3
	sh "$check" "$@" > "$tmp/nag" 2> "$tmp/nag.err"
	got=$?
	if [ "$got" = "$want" ] && [ "$(wc -l < "$tmp/nag")" -eq 1 ] &&
	    [ ! -s "$tmp/nag.err" ] &&
	    grep -q "^BOUNCESTAT $state - " "$tmp/nag"; then
		ok "nagios/$nname: $state ($got)"
	else
		bad "nagios/$nname: status $got, expected $want $state"
		sed 's/^/    /' "$tmp/nag" "$tmp/nag.err"
	fi
}
nagios ok 0 OK -s yesterday -l "$log" -w 'bounced>10' -c 'bounced>100'
perf='events=17;;;0; delivered=3;;;0; deferred=4;;;0; bounced=3;10;100;0; expired=1;;;0; rejected=6;;;0;'
expect "nagios/perfdata: the JSON totals, KIND>N thresholds" \
    'grep -qF "| $perf" "$tmp/nag"'
nagios warning 1 WARNING -s yesterday -l "$log" -w 'bounced>1' \
    -c 'bounced>100'
expect "nagios/warning names the condition" \
    'grep -qF "WARNING - bounced>1: 3 bounced events" "$tmp/nag"'
nagios critical 2 CRITICAL -s yesterday -l "$log" -w 'bounced>1' \
    -c ' rejected > 5 ' -c 'code:5.7.*>100'
expect "nagios/critical names only the critical condition" \
    'grep -qF "CRITICAL - rejected > 5: 6 rejected events (" "$tmp/nag"'
nagios "same expression as -w and -c" 2 CRITICAL -s yesterday -l "$log" \
    -w 'bounced>1' -c 'bounced>1'
nagios "default span -1h" 0 OK -l "$log" -c 'events>0'
nagios "missing log" 3 UNKNOWN -s yesterday -l "$tmp/logs/missing.log"
expect "nagios/missing log is named" \
    'grep -qF "missing.log: cannot open" "$tmp/nag"'
nagios "missing log, a warning holds" 3 UNKNOWN -s yesterday -l "$log" \
    -l "$tmp/logs/missing.log" -w 'bounced>1'
nagios "missing log, a critical holds" 2 CRITICAL -s yesterday -l "$log" \
    -l "$tmp/logs/missing.log" -c 'bounced>1'
nagios "bad expression" 3 UNKNOWN -l "$log" -w 'bogus>1'
nagios "bad -s" 3 UNKNOWN -s soon -l "$log"
nagios "bad option" 3 UNKNOWN -x
BOUNCESTAT=$tmp/no/bouncestat
nagios "no binary" 3 UNKNOWN -l "$log"
BOUNCESTAT=$bin

# ----------------------------------------------------- Prometheus textfile
# prom_ok FILE: complete and well formed: every sample's family has its
# HELP and TYPE before it, the last line is the run's timestamp.
prom_ok() {
	awk '
	/^# HELP / { help[$3] = 1; next }
	/^# TYPE / {
		if (!help[$3] || ($4 != "counter" && $4 != "gauge")) bad = 1
		type[$3] = 1
		next
	}
	{
		name = $1
		sub(/\{.*/, "", name)
		if (!type[name] || $NF !~ /^[0-9]+(\.[0-9]+)?$/) bad = 1
		samples++
		last = $0
	}
	END {
		if (bad || samples == 0 ||
		    last !~ /^bouncestat_last_run_timestamp_seconds [0-9]+$/)
			exit 1
	}' "$1"
}
mkdir "$tmp/tf"
prom=$tmp/tf/bouncestat.prom
echo stale > "$prom"
"$bin" -q --format prometheus -o "$prom" "$log" > "$tmp/out" 2>&1
st=$?
"$bin" -q --format prometheus "$log" > "$tmp/prom.want" 2> /dev/null
expect "prometheus -o: exit 0, nothing on stdout" \
    '[ "$st" = 0 ] && [ ! -s "$tmp/out" ]'
expect "prometheus -o: the file is the whole report" \
    'cmp -s "$prom" "$tmp/prom.want"'
expect "prometheus -o: HELP and TYPE for every family, complete" \
    'prom_ok "$prom"'
expect "prometheus -o: the counts" \
    'grep -qxF "bouncestat_window_kind_events{kind=\"bounced\"} 3" "$prom"'
expect "prometheus -o: no temporary file left" \
    '[ "$(ls -A "$tmp/tf")" = bouncestat.prom ]'
if command -v promtool > /dev/null 2>&1; then
	expect "promtool check metrics" \
	    'promtool check metrics < "$prom" > /dev/null 2>&1'
fi
"$bin" -q --format prometheus -o "$tmp/no/such/dir/x.prom" "$log" \
    > /dev/null 2>&1
st=$?
expect "prometheus -o into a missing folder: exit 1" '[ "$st" = 1 ]'

# --------------------------------------------------- the follow service
# Its own ExecStart, with this tree's binary, temporary paths and a
# one-second interval.
mkdir "$tmp/follow" "$tmp/tf2"
flog=$tmp/follow/mail.log
fprom=$tmp/tf2/bouncestat.prom
cmd=$(unit_value bouncestat-follow.service ExecStart | sed \
    -e "s#^/usr/local/bin/bouncestat #$bin #" \
    -e "s#/var/lib/prometheus/node-exporter/#$tmp/tf2/#" \
    -e "s#/var/log/mail.log\$#$flog#" \
    -e 's#--interval 60 #--interval 1 #')
expect "follow: ExecStart: --follow --interval --format prometheus -o, paths" \
    'case $cmd in
    "$bin --follow --interval 1 --format prometheus "*"-o $fprom $flog") ;;
    *) false ;;
    esac'

# wait_for FILE LINE [TENTHS]: until FILE has LINE (default 5 seconds).
wait_for() {
	i=0
	while [ $i -lt "${3:-50}" ]; do
		grep -qxF "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# started PID FILE: until PID has FILE open (Linux), else a second.
started() {
	i=0
	while [ -d /proc/"$1"/fd ] && [ $i -lt 50 ]; do
		for fd in /proc/"$1"/fd/*; do
			[ "$(readlink "$fd" 2> /dev/null)" = "$2" ] && return 0
		done
		sleep 0.1
		i=$((i + 1))
	done
	[ -d /proc/"$1" ] || sleep 1
}
bounced() {
	echo "bouncestat_kind_events_total{kind=\"bounced\"} $1"
}

# What the log holds before the start is not counted (read from the end).
head -n 10 "$log" > "$flog"
# shellcheck disable=SC2086 # the unit's command line, split as systemd does
set -f && set -- $cmd && set +f
"$@" 2> "$tmp/follow.err" &
fpid=$!
pids=$fpid
expect "follow: first report within the interval, nothing counted yet" \
    'wait_for "$fprom" "$(bounced 0)"'
cat "$log" >> "$flog"
expect "follow: the file follows appended lines" \
    'wait_for "$fprom" "$(bounced 3)"'
mv "$flog" "$flog.1"
cat "$log" > "$flog"
expect "follow: ... and a rotation (rename and create)" \
    'wait_for "$fprom" "$(bounced 6)"'
cat "$log" >> "$flog"
kill -TERM "$fpid"
wait "$fpid"
st=$?
pids=
expect "follow: SIGTERM: exit 0" '[ "$st" = 0 ]'
expect "follow: SIGTERM: a last report, with the lines just written" \
    'grep -qxF "$(bounced 9)" "$fprom"'
expect "follow: the file is complete, no temporary file left" \
    'prom_ok "$fprom" && [ "$(ls -A "$tmp/tf2")" = bouncestat.prom ]'
expect "follow: nothing on standard error" '[ ! -s "$tmp/follow.err" ]'

# ----------------------------------------------- alert rules and dashboard
# The metric names bouncestat writes: a follow run's (the unit's report
# just made, counters) and a batch run's (gauges).
{ grep -v '^#' "$fprom"; grep -v '^#' "$prom"; } | sed 's/[{ ].*//' |
    sort -u > "$tmp/names"
rules=$root/contrib/prometheus/bouncestat.rules.yml
dash=$root/contrib/grafana/bouncestat.json
# Every bouncestat_ name in the rules' expressions (comments left out),
# and no other metric selected.
grep -v '^ *#' "$rules" | grep -o 'bouncestat_[a-z_]*[a-z]' | sort -u \
    > "$tmp/rule.names"
missing=$(comm -23 "$tmp/rule.names" "$tmp/names" | tr '\n' ' ')
expect "alert rules: every metric is one bouncestat writes${missing:+ (not written: $missing)}" \
    '[ -s "$tmp/rule.names" ] && [ -z "$missing" ]'
expect "alert rules: no other metric selected" \
    '! grep -v "^ *#" "$rules" | grep -o "[a-zA-Z_:][a-zA-Z0-9_:]*{" |
    grep -v "^bouncestat_"'
if command -v python3 > /dev/null 2>&1; then
	python3 "$root/tests/dashboard_exprs.py" "$dash" "$tmp/dash.rules.yml" \
	    > "$tmp/dash.names" 2> "$tmp/dash.err"
	st=$?
	missing=$(comm -23 "$tmp/dash.names" "$tmp/names" | tr '\n' ' ')
	expect "dashboard: every query selects a metric" \
	    '[ "$st" = 0 ] && [ -s "$tmp/dash.names" ]'
	sed 's/^/    /' "$tmp/dash.err"
	expect "dashboard: every metric is one bouncestat writes${missing:+ (not written: $missing)}" \
	    '[ -z "$missing" ]'
else
	skip "dashboard: python3 is not installed"
fi
if command -v promtool > /dev/null 2>&1; then
	expect "alert rules: promtool check rules" \
	    'promtool check rules "$rules" > "$tmp/promtool" 2>&1'
	(cd "$root/contrib/prometheus" &&
	    promtool test rules bouncestat.rules.test.yml) \
	    > "$tmp/promtool.test" 2>&1
	st=$?
	expect "alert rules: promtool test rules (bouncestat.rules.test.yml)" \
	    '[ "$st" = 0 ]'
	[ "$st" = 0 ] || sed 's/^/    /' "$tmp/promtool.test"
	if [ -f "$tmp/dash.rules.yml" ]; then
		expect "dashboard: every query parses (promtool check rules)" \
		    'promtool check rules "$tmp/dash.rules.yml" > "$tmp/promtool" 2>&1'
	fi
else
	skip "alert rules and dashboard queries: promtool is not installed (Debian: apt-get install prometheus)"
fi

# SIGUSR1: a report at once, an hour before the next one is due.
rm -f "$fprom"
: > "$flog"
"$bin" --follow --interval 3600 --format prometheus -q -o "$fprom" "$flog" \
    2> "$tmp/follow.err" &
fpid=$!
pids=$fpid
started "$fpid" "$flog"
cat "$log" >> "$flog"
kill -USR1 "$fpid"
# The first report writes every counter as 0 (README: counters start at
# zero, so that increase() sees the first events), the next one the counts.
expect "follow: SIGUSR1 reports at once, counters at 0 first" \
    'wait_for "$fprom" "$(bounced 0)" 30'
kill -USR1 "$fpid"
expect "follow: a second SIGUSR1, the counts" \
    'wait_for "$fprom" "$(bounced 3)" 30'
kill -TERM "$fpid"
wait "$fpid"
st=$?
pids=
expect "follow: SIGTERM after SIGUSR1: exit 0" '[ "$st" = 0 ]'

# ------------------------------------------ the journal service, and pipes
# Its own ExecStart run by bash as systemd would, with journalctl replaced
# by a stub that writes testdata/journal/journal.json (three bounces), once
# more when asked, and ends when asked, as journalctl does when the
# journal goes away: bouncestat then reports once more and exits 0.
mkdir "$tmp/tf3"
jprom=$tmp/tf3/bouncestat.prom
if command -v bash > /dev/null 2>&1; then
	export JOURNAL_JSON="$root/testdata/journal/journal.json"
	cat > "$tmp/stub/journalctl" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" > "$STUB_REC/journalctl.args"
cat "$JOURNAL_JSON"
while [ ! -e "$STUB_REC/more" ]; do sleep 0.1; done
cat "$JOURNAL_JSON"
while [ ! -e "$STUB_REC/end" ]; do sleep 0.1; done
EOF
	chmod 755 "$tmp/stub/journalctl"
	rm -f "$tmp/rec/"*
	jcmd=$(unit_value bouncestat-journal.service ExecStart |
	    sed -n "s/^\/bin\/bash -c '\(.*\)'\$/\1/p" | sed \
	    -e "s#/usr/local/bin/bouncestat #$bin #" \
	    -e "s#/var/lib/prometheus/node-exporter/#$tmp/tf3/#" \
	    -e 's#--interval 60 #--interval 1 #' \
	    -e "s#exec journalctl #exec $tmp/stub/journalctl #")
	bash -c "$jcmd" 2> "$tmp/journal.err" &
	jpid=$!
	pids=$jpid
	expect "journal: the entries of the pipe are counted" \
	    'wait_for "$jprom" "$(bounced 3)"'
	printf '%s\n' --follow --lines=0 --output=json '--unit=postfix@*' \
	    > "$tmp/jargs.want"
	expect "journal: journalctl --follow --lines=0 --output=json --unit=postfix@*" \
	    'cmp -s "$tmp/rec/journalctl.args" "$tmp/jargs.want"'
	touch "$tmp/rec/more"
	expect "journal: ... and what it writes later" \
	    'wait_for "$jprom" "$(bounced 6)"'
	touch "$tmp/rec/end"
	wait "$jpid"
	st=$?
	pids=
	expect "journal: journalctl ends: exit 0, the file complete" \
	    '[ "$st" = 0 ] && prom_ok "$jprom" &&
	    grep -qxF "$(bounced 6)" "$jprom" &&
	    [ "$(ls -A "$tmp/tf3")" = bouncestat.prom ]'
	expect "journal: nothing on standard error" \
	    '[ ! -s "$tmp/journal.err" ]'
else
	skip "journal service: bash is not installed"
fi

# journalctl -o short-iso through a pipe: syslog lines, --follow -.
rm -f "$tmp/rec/more" "$tmp/tf3/"*
{
	cat "$root/testdata/journal/short-iso.log"
	while [ ! -e "$tmp/rec/more" ]; do sleep 0.1; done
	cat "$root/testdata/journal/short-iso.log"
} | "$bin" --follow --interval 1 --format prometheus -q -o "$jprom" - \
    2> "$tmp/journal.err" &
jpid=$!
pids=$jpid
expect "pipe: short-iso lines are counted" 'wait_for "$jprom" "$(bounced 1)"'
touch "$tmp/rec/more"
wait "$jpid"
st=$?
pids=
expect "pipe: the writer ends: exit 0, every line counted" \
    '[ "$st" = 0 ] && grep -qxF "$(bounced 2)" "$jprom" &&
    grep -qxF "bouncestat_kind_events_total{kind=\"deferred\"} 4" "$jprom"'
# The extract holds one Exim line: the follower says so, as a batch run
# of the same lines does (issue 19), and nothing else.
expect "pipe: on standard error only the Exim line's warning" \
    '[ "$(cat "$tmp/journal.err")" = "bouncestat: (stdin): read as postfix, but 1 of its first 13 lines is from exim: such lines are not read (--type mixed reads both)" ]'

# ------------------------------------------------------------ logrotate
# The stanza of contrib/logrotate/, its paths moved here, rsyslog's
# reopen replaced by a note, and the reload by the signal systemctl
# would send: logrotate -d reads it without a complaint; a forced rotation
# under a follower runs the postrotate script, whose SIGUSR1 reports the
# lines before the rotation at once (the interval is an hour), and the
# follower goes on in the new file.
lrconf=$root/contrib/logrotate/bouncestat-mail
if command -v logrotate > /dev/null 2>&1; then
	mkdir "$tmp/lr" "$tmp/tf4"
	lrlog=$tmp/lr/mail.log
	lrprom=$tmp/tf4/bouncestat.prom
	sed -e "s#^/var/log/mail\\.#$tmp/lr/mail.#" \
	    -e "s#/usr/lib/rsyslog/rsyslog-rotate#echo rotated >> $tmp/lr/post#" \
	    -e "s#systemctl reload bouncestat-follow.service#kill -USR1 \$(cat $tmp/lr/pid)#" \
	    "$lrconf" > "$tmp/lr/conf"
	: > "$lrlog"
	logrotate -d -s "$tmp/lr/state" "$tmp/lr/conf" > "$tmp/lr/debug" 2>&1
	st=$?
	expect "logrotate -d: the stanza reads without an error" \
	    '[ "$st" = 0 ] && ! grep -qi "error" "$tmp/lr/debug" &&
	    grep -q "rotating pattern: $tmp/lr/mail.log" "$tmp/lr/debug"'
	"$bin" --follow --interval 3600 --format prometheus -q -o "$lrprom" \
	    "$lrlog" 2> "$tmp/lr/err" &
	fpid=$!
	pids=$fpid
	echo "$fpid" > "$tmp/lr/pid"
	started "$fpid" "$lrlog"
	# A follow run writes a counter at 0 the first time (report_prom.c):
	# a first report, so that the postrotate one shows the lines.
	kill -USR1 "$fpid"
	expect "logrotate: a first report, its counters at 0" \
	    'wait_for "$lrprom" "$(bounced 0)" 30'
	cat "$log" >> "$lrlog"
	sleep 1
	logrotate -f -s "$tmp/lr/state" "$tmp/lr/conf" > "$tmp/lr/out" 2>&1
	st=$?
	expect "logrotate -f: rotated, postrotate run once" \
	    '[ "$st" = 0 ] && [ -s "$lrlog.1" ] && [ ! -s "$lrlog" ] &&
	    [ "$(cat "$tmp/lr/post")" = rotated ]'
	expect "logrotate -f: the postrotate signal reports at once" \
	    'wait_for "$lrprom" "$(bounced 3)" 30'
	cat "$log" >> "$lrlog"
	sleep 1
	kill -USR1 "$fpid"
	expect "logrotate -f: the follower reads on in the new file" \
	    'wait_for "$lrprom" "$(bounced 6)" 30'
	kill -TERM "$fpid"
	wait "$fpid"
	st=$?
	pids=
	expect "logrotate: SIGTERM: exit 0, nothing on standard error" \
	    '[ "$st" = 0 ] && [ ! -s "$tmp/lr/err" ]'
else
	skip "logrotate: not installed (apt-get install logrotate)"
fi

# ------------------------------------------------------------- the man page
man1=$root/doc/bouncestat.1
if command -v groff > /dev/null 2>&1; then
	for m in "$man1" "$root/doc/bouncestat-daily.8"; do
		groff -man -Tutf8 -ww "$m" > /dev/null 2> "$tmp/groff"
		expect "man page ${m##*/}: groff -ww, no warnings" \
		    '[ ! -s "$tmp/groff" ]'
		sed 's/^/    /' "$tmp/groff"
	done
else
	skip "man page: groff is not installed"
fi
# The tags of the entries under OPTIONS: the line after each .TP.
awk '/^\.SH / { in_opts = ($2 == "OPTIONS") } in_opts && tag { print }
    { tag = in_opts && /^\.TP/ }' "$man1" > "$tmp/tags"
missing=
for o in $("$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u) \
    $("$bin" --help | sed -n 's/^  \(-[a-zA-Z]\),.*/\1/p'); do
	# In roff, each "-" of an option is written "\-".
	pat=$(printf '%s\n' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "$pat" "$tmp/tags" || missing="$missing $o"
done
expect "man page: an entry for every option of --help${missing:+ (missing:$missing)}" \
    '[ -z "$missing" ]'

# bouncestat-daily(8) names every setting the script's header lists.
sed -n 's/^#   \([A-Z_]*\) .*/\1/p' "$daily" > "$tmp/settings"
missing=
while IFS= read -r v; do
	grep -q -w -- "$v" "$root/doc/bouncestat-daily.8" ||
	    missing="$missing $v"
done < "$tmp/settings"
expect "bouncestat-daily(8): every setting${missing:+ (missing:$missing)}" \
    '[ -z "$missing" ] && [ -s "$tmp/settings" ]'

echo "contrib: $pass passed, $fail failed"
[ "$fail" = 0 ]
