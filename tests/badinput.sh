#!/bin/sh
# The bad-input matrix: every row points bouncestat at something broken,
# hostile or huge next to a good input, and asserts the exact message on
# standard error, the exit status, that the good input's counts are the
# same as when it is read alone, that the output is well-formed (JSON
# through a strict parser, nothing a terminal would act on in the text
# report, CSV cells that cannot become formulas, Prometheus lines as the
# exposition format says, HTML with only the elements and attributes the
# writer makes), and, for the big rows, that memory stays flat
# (peak RSS from /usr/bin/time) and the run ends in time.
#
# Small, static inputs live in testdata/bad/ (their exact transcripts are
# also e2e cases, testdata/cases/bad-*); big or special ones (a gzip bomb,
# a 100 MB line, FIFOs, an unreadable file, millions of message ids, pattern
# files that run away) are made here in a temporary folder.
#
# Usage: tests/badinput.sh [path/to/bouncestat]   (default build/bouncestat)
# Needs python3 (the strict readers) and /usr/bin/time (Debian: "time").
# Prints one line per assertion and "badinput: N passed, M failed"; exits 1
# if any failed.
set -u
bin=${1:-build/bouncestat}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cd "$(dirname "$0")/../testdata" || exit 2
tmp=$(mktemp -d) || exit 2
chmod 755 "$tmp"
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1795867200 TZ=UTC

pass=0
fail=0
skipped=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
no() { fail=$((fail + 1)); echo "FAIL $1: $2"; }
skip() { skipped=$((skipped + 1)); echo "skip $1: $2"; }

if ! command -v python3 > /dev/null 2>&1; then
	echo "badinput: python3 is needed for the strict output readers" >&2
	exit 2
fi
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=
[ -n "$TIME" ] || echo "badinput: /usr/bin/time missing (Debian package" \
    "'time'): memory is not checked" >&2

# --- strict readers --------------------------------------------------------

cat > "$tmp/check.py" <<'EOF'
import csv, html.parser, io, json, re, sys

def load_json(path):
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")          # strict: invalid UTF-8 raises
    def pairs(kv):
        keys = [k for k, _ in kv]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate key")
        return dict(kv)
    def const(name):
        raise ValueError("not JSON: " + name)
    doc = json.loads(text, object_pairs_hook=pairs, parse_constant=const)
    def walk(v):
        if isinstance(v, str):
            v.encode("utf-8")           # lone surrogates raise
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k)
                walk(x)
    walk(doc)
    return doc

def term_safe(data):
    """Nothing a terminal acts on: valid UTF-8, no C0 but newline, no DEL,
    C1 or bidirectional controls."""
    text = data.decode("utf-8")
    for i, ch in enumerate(text):
        o = ord(ch)
        if (o < 0x20 and ch != "\n") or o == 0x7f or 0x80 <= o < 0xa0 \
                or 0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069:
            raise ValueError("control U+%04X at character %d" % (o, i))

def check_csv(path):
    raw = open(path, "rb").read()
    term_safe(raw.replace(b"\r\n", b"\n"))
    if raw and not raw.endswith(b"\r\n"):
        raise ValueError("CSV does not end in CRLF")
    if b"\n" in raw.replace(b"\r\n", b""):
        raise ValueError("bare LF in CSV")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""),
                           strict=True))
    # The code table: ten columns and the period's two.
    for n, row in enumerate(rows):
        if len(row) != 12:
            raise ValueError("row %d has %d cells" % (n, len(row)))
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                raise ValueError("row %d: a formula cell %r" % (n, cell))
    for line in raw.split(b"\r\n")[1:]:
        for cell in re.findall(rb'"((?:[^"]|"")*)"', line):
            if cell[:1] in (b"=", b"+", b"-", b"@"):
                raise ValueError("a formula cell %r" % cell)

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{%s(?:,%s)*\})? [0-9]+(?:\.[0-9]+)?$" %
                    (NAME, LABEL, LABEL))

def check_prom(path):
    raw = open(path, "rb").read()
    term_safe(raw)
    if not raw.endswith(b"\n"):
        raise ValueError("no newline at the end")
    seen = set()
    for line in raw.decode("utf-8").split("\n")[:-1]:
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("not a sample line: %r" % line)
        series = line.rsplit(" ", 1)[0]
        if series in seen:
            raise ValueError("series repeated: %r" % series)
        seen.add(series)

# The elements and attributes report_html.c writes; anything else in a
# page (an <img>, an on* handler, a second script) came from a log.
HTML_TAGS = set("""html head meta title style body header h1 h2 h3 p br span
    time main section div b table caption thead tbody tr th td code svg g
    rect line text footer script""".split())
HTML_ATTRS = set("""lang charset name content http-equiv class id style
    role aria-labelledby viewbox x y x1 x2 y1 y2 width height
    transform text-anchor data-l fill""".split())

class HtmlCheck(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = 0
    def handle_starttag(self, tag, attrs):
        if tag not in HTML_TAGS:
            raise ValueError("an element <%s>" % tag)
        for k, _ in attrs:
            if k not in HTML_ATTRS:
                raise ValueError("an attribute %s on <%s>" % (k, tag))
        if tag == "script":
            self.scripts += 1

def check_html(path):
    raw = open(path, "rb").read()
    term_safe(raw)
    p = HtmlCheck()
    p.feed(raw.decode("utf-8"))
    p.close()
    if p.scripts != 1:
        raise ValueError("%d scripts" % p.scripts)

def main():
    op, path = sys.argv[1], sys.argv[2]
    try:
        if op == "json":
            load_json(path)
        elif op == "term":
            term_safe(open(path, "rb").read())
        elif op == "csv":
            check_csv(path)
        elif op == "prom":
            check_prom(path)
        elif op == "html":
            check_html(path)
        elif op == "input":
            # The stats of input i (or the last), as one comparable line.
            i = int(sys.argv[3])
            s = load_json(path)["inputs"][i]
            print(s["format"], s["lines"], s["events"], s["error"],
                  s["cut_lines"], s["match_errors"])
        elif op == "kinds":
            t = load_json(path)["totals"]
            print(*(t[k] for k in ("lines", "events", "delivered",
                  "deferred", "bounced", "expired", "rejected")))
        elif op == "field":
            v = load_json(path)
            for k in sys.argv[3].split("."):
                v = v[int(k)] if isinstance(v, list) else v[k]
            print(json.dumps(v))
        else:
            raise SystemExit("unknown check " + op)
    except (ValueError, UnicodeError, KeyError, IndexError) as e:
        print("%s: %s" % (path, e), file=sys.stderr)
        sys.exit(1)

main()
EOF
check() { python3 "$tmp/check.py" "$@"; }

# --- running ----------------------------------------------------------------

# run SECS ARG...: run the binary with a time limit, stdout to $tmp/out,
# stderr to $tmp/err, peak RSS (KiB) to $tmp/rss; sets $status.
run() {
	secs=$1
	shift
	echo 0 > "$tmp/rss"
	if [ -n "$TIME" ]; then
		$TIME -f %M -o "$tmp/rss" timeout -k 5 "$secs" "$bin" "$@" \
		    > "$tmp/out" 2> "$tmp/err" < /dev/null
	else
		timeout -k 5 "$secs" "$bin" "$@" > "$tmp/out" 2> "$tmp/err" \
		    < /dev/null
	fi
	status=$?
	# GNU time writes "Command exited with non-zero status" first.
	rss=$(tail -n 1 "$tmp/rss")
}

# expect NAME STATUS ERR: the last run ended with STATUS and printed
# exactly the line ERR on standard error ("" for nothing at all).
expect() {
	if [ "$status" = 124 ] || [ "$status" = 137 ]; then
		no "$1" "did not end in time (killed)"
		return 1
	fi
	if [ "$status" != "$2" ]; then
		no "$1" "exit status $status, expected $2 (stderr:" \
		    "$(head -c 300 "$tmp/err"))"
		return 1
	fi
	if [ -n "$3" ]; then
		printf '%s\n' "$3" > "$tmp/want"
	else
		: > "$tmp/want"
	fi
	if ! cmp -s "$tmp/err" "$tmp/want"; then
		no "$1" "standard error differs: $(diff "$tmp/want" "$tmp/err" |
		    head -n 6 | tr '\n' ' ')"
		return 1
	fi
	ok "$1: exit $2, message"
}

# rss_below NAME MIB: the last run's peak RSS was under MIB MiB.
rss_below() {
	if [ -z "$TIME" ]; then
		skip "$1: memory" "no /usr/bin/time"
	elif [ "$rss" -lt $(($2 * 1024)) ]; then
		ok "$1: peak RSS $((rss / 1024)) MiB < $2 MiB"
	else
		no "$1" "peak RSS $((rss / 1024)) MiB, limit $2 MiB"
	fi
}

# valid NAME KIND: the last run's stdout passes the reader for KIND.
valid() {
	if check "$2" "$tmp/out" 2> "$tmp/why"; then
		ok "$1: $2 output well-formed"
	else
		no "$1" "$2 output: $(cat "$tmp/why")"
	fi
}

# The good input alone: what every row compares the other input with.
good=bad/good.log
run 20 --format json "$good"
good_stats=$(check input "$tmp/out" 0) || exit 2
good_kinds=$(check kinds "$tmp/out") || exit 2

# same_other NAME: the good input (the last input of the run) counted
# exactly as alone, and the totals are the bad input's plus the good's
# when BADKINDS (the bad input's totals alone) is set.
same_other() {
	got=$(check input "$tmp/out" -1) || {
		no "$1" "no JSON report"
		return
	}
	if [ "$got" != "$good_stats" ]; then
		no "$1" "other input counted '$got', alone '$good_stats'"
		return
	fi
	if [ -n "${2:-}" ]; then
		sum=$(printf '%s\n%s\n' "$2" "$good_kinds" | awk '
		    NR == 1 { for (i = 1; i <= NF; i++) a[i] = $i }
		    NR == 2 { for (i = 1; i <= NF; i++) printf "%s%d", \
			(i > 1 ? " " : ""), a[i] + $i; print "" }')
		got=$(check kinds "$tmp/out")
		if [ "$got" != "$sum" ]; then
			no "$1" "totals '$got', expected '$sum'"
			return
		fi
	fi
	ok "$1: other input's counts unchanged"
}

# row NAME STATUS ERR BADFILE [OPTION...]: the bad file alone, then with
# the good input after it.  ERR (one line) names the bad file as %s.
row() {
	name=$1 want=$2 err=$3 file=$4
	shift 4
	run 60 --format json "$@" "$file"
	if [ "$status" = 124 ] || [ "$status" = 137 ]; then
		no "$name" "did not end in time (killed)"
		return
	fi
	kinds=$(check kinds "$tmp/out" 2>/dev/null)
	run 60 --format json "$@" "$file" "$good"
	# shellcheck disable=SC2059
	expect "$name" "$want" "$(printf "$err" "$file")" || return
	valid "$name" json
	same_other "$name" "$kinds"
}

echo "== broken compressed data"
row "truncated gzip" 1 "bouncestat: %s: unexpected end of compressed data \
(the file is truncated) after line 22 (partial results kept)" \
    bad/truncated.log.gz
row "corrupt gzip (flipped byte)" 1 "bouncestat: %s: corrupt compressed \
data (invalid distance too far back) after line 33 (partial results \
kept)" bad/flipped.log.gz
row "corrupt gzip (bad CRC)" 1 "bouncestat: %s: corrupt compressed data \
(incorrect data check) after line 39 (partial results kept)" \
    bad/badcrc.log.gz
row "corrupt gzip (bad length)" 1 "bouncestat: %s: corrupt compressed \
data (incorrect length check) after line 39 (partial results kept)" \
    bad/badlength.log.gz
row "gzip with trailing garbage" 1 "bouncestat: %s: trailing garbage \
behind the compressed data after line 39 (partial results kept)" \
    bad/trailing-garbage.log.gz
row "gzip header only" 1 "bouncestat: %s: unexpected end of compressed \
data (the file is truncated) after line 0 (partial results kept)" \
    bad/header-only.log.gz

echo "== odd bytes and line ends"
row "NUL bytes" 0 "" bad/nul.log
row "invalid UTF-8" 0 "" bad/invalid-utf8.log --detail
row "CR-only line ends" 0 "bouncestat: %s: 1 line longer than 65536 \
bytes was cut to that length" bad/cr-only.log
row "empty file" 0 "" bad/empty.log
row "/dev/null" 0 "" /dev/null

# Lines with and without NULs and invalid UTF-8 count the same.
run 20 --format json postfix/sample.log
sample_events=$(check field "$tmp/out" inputs.0.events)
for f in bad/nul.log bad/invalid-utf8.log; do
	run 20 --format json "$f"
	got=$(check field "$tmp/out" inputs.0.events)
	if [ "$got" = "$sample_events" ]; then
		ok "$f: $got events, as in postfix/sample.log"
	else
		no "$f" "$got events, postfix/sample.log has $sample_events"
	fi
done

echo "== not a readable file"
row "directory" 1 "bouncestat: %s: is a directory, not a log file" bad
row "missing file" 1 "bouncestat: %s: cannot open: No such file or \
directory" bad/no-such.log

cp "$good" "$tmp/unreadable.log"
chmod 000 "$tmp/unreadable.log"
if [ "$(id -u)" != 0 ]; then
	row "file without read permission" 1 "bouncestat: %s: cannot open: \
Permission denied" "$tmp/unreadable.log"
elif command -v setpriv > /dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$bin" \
    2> /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups \
    test -r "$good" 2> /dev/null; then
	# Root reads anything: ask again as nobody.
	setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" \
	    --format json "$tmp/unreadable.log" "$good" > "$tmp/out" \
	    2> "$tmp/err" < /dev/null
	status=$?
	expect "file without read permission (as nobody)" 1 "bouncestat: \
$tmp/unreadable.log: cannot open: Permission denied" &&
	    same_other "file without read permission (as nobody)"
else
	skip "file without read permission" "running as root, which reads" \
	    "anything, and cannot run the binary as nobody"
fi

# A file name is outside text too: escapes and invalid UTF-8 in it reach
# neither the terminal (messages, text report) nor the JSON raw.
evil=$(printf '%s/\033[2J\033]0;x\007\377\376name.log' "$tmp")
printf 'not a mail log\n' > "$evil"
run 20 "$evil" "$evil.missing"
if [ "$status" = 1 ] && check term "$tmp/err" 2> "$tmp/why"; then
	ok "hostile file names: exit 1, messages safe for a terminal"
else
	no "hostile file names" "exit $status; stderr: $(cat "$tmp/why")"
fi
valid "hostile file names, text report" term
run 20 --format json "$evil" "$evil.missing"
valid "hostile file names" json
run 20 --format html "$evil" "$evil.missing"
valid "hostile file names" html

echo "== FIFOs"
mkfifo "$tmp/fifo" || exit 2
cat postfix/sample.log > "$tmp/fifo" &
run 30 --format json "$tmp/fifo" "$good"
wait
expect "FIFO with a writer" 0 "" && same_other "FIFO with a writer"
got=$(check input "$tmp/out" 0)
run 20 --format json postfix/sample.log
want=$(check input "$tmp/out" 0)
if [ "$got" = "$want" ]; then
	ok "FIFO with a writer: read like the file ($got)"
else
	no "FIFO with a writer" "counted '$got', the file '$want'"
fi
: > "$tmp/fifo" &
run 30 --format json "$tmp/fifo" "$good"
wait
expect "FIFO whose writer writes nothing" 0 "" &&
    same_other "FIFO whose writer writes nothing"

echo "== hostile reply texts, every writer"
run 20 --detail bad/hostile.log
expect "hostile texts, text report" 0 "" && valid "hostile texts" term
run 20 --detail --format json bad/hostile.log
expect "hostile texts, JSON" 0 "" && valid "hostile texts" json
# The JSON report shown raw on a terminal must be harmless too.
valid "hostile texts, JSON on a terminal" term
run 20 --format csv bad/hostile.log
expect "hostile texts, CSV" 0 "" && valid "hostile texts" csv
run 20 --format prometheus bad/hostile.log
expect "hostile texts, Prometheus" 0 "" && valid "hostile texts" prom
run 20 --detail --format html bad/hostile.log
expect "hostile texts, HTML" 0 "" && valid "hostile texts" html
run 20 --detail --format html bad/hostile-html.log
expect "hostile markup, HTML" 0 "" && valid "hostile markup" html
run 20 --detail --format html bad/invalid-utf8.log
expect "invalid UTF-8, HTML" 0 "" && valid "invalid UTF-8" html
run 20 --detail bad/invalid-utf8.log
expect "invalid UTF-8, text report" 0 "" && valid "invalid UTF-8" term

# Random bytes, the same every run: not a log at all, then forced.
python3 -c '
import random, sys
r = random.Random(20261128)
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(1 << 20)))
' > "$tmp/random.bin"
python3 -c '
import random, sys
r = random.Random(7)
out = []
for i in range(3000):
    junk = bytes(r.getrandbits(8) for _ in range(r.randrange(1, 200)))
    junk = junk.replace(b"\n", b" ")
    out.append(b"Nov 28 09:00:01 mx1 postfix/smtp[1]: 7A%08X: to=<a@b.c>, "
               b"dsn=5.0.0, status=bounced (host x said: 550 5.1.1 %s)"
               % (i, junk))
sys.stdout.buffer.write(b"\n".join(out) + b"\n")
' > "$tmp/random-replies.log"
row "random bytes" 1 "bouncestat: %s: not a log format bouncestat knows \
(looked at the first 1000 lines; --type forces one)" "$tmp/random.bin"
run 60 --type postfix --detail --format json "$tmp/random.bin"
expect "random bytes as Postfix" 0 "" && valid "random bytes as Postfix" json
for fmt in exim exchange; do
	run 60 --type $fmt --detail --format json "$tmp/random.bin"
	expect "random bytes as $fmt" 0 "" && valid "random bytes as $fmt" json
done
run 60 --detail --format json "$tmp/random-replies.log"
expect "random reply texts, JSON" 0 "" &&
    valid "random reply texts" json && valid "random reply texts, JSON" term
run 60 --detail "$tmp/random-replies.log"
expect "random reply texts, text report" 0 "" &&
    valid "random reply texts" term

echo "== huge inputs: memory stays flat"
# A gzip bomb: 1 MiB of one repeated log line deflates to about 1 KiB;
# 1024 copies of that member make a file of about 1 MiB that inflates to
# 1 GiB of lines (one deflate member cannot do better than about 1000:1).
awk 'BEGIN { for (i = 0; i < 10400; i++)
	printf "Nov 28 09:00:01 mx1 postfix/smtpd[3103]: connect from " \
	    "client.example.com[203.0.113.7] port 25 tls ok\n" }' \
    > "$tmp/mib.log"
bomb_lines=$(($(wc -l < "$tmp/mib.log") * 1024))
gzip -9 -n < "$tmp/mib.log" > "$tmp/member.gz"
i=0
while [ $i -lt 10 ]; do
	cat "$tmp/member.gz" "$tmp/member.gz" > "$tmp/bomb.gz.tmp"
	mv "$tmp/bomb.gz.tmp" "$tmp/member.gz"
	i=$((i + 1))
done
mv "$tmp/member.gz" "$tmp/bomb.log.gz"
echo "     (gzip bomb: $(wc -c < "$tmp/bomb.log.gz") bytes," \
    "$(($(wc -c < "$tmp/mib.log") * 1024 / 1048576)) MiB of lines)"
rm -f "$tmp/mib.log"
run 120 --format json "$tmp/bomb.log.gz" "$good"
expect "gzip bomb" 0 "" && same_other "gzip bomb" && rss_below "gzip bomb" 64
got=$(check field "$tmp/out" inputs.0.lines)
if [ "$got" = "$bomb_lines" ]; then
	ok "gzip bomb: all $got lines read (streamed, not held)"
else
	no "gzip bomb" "$got lines, expected $bomb_lines"
fi
# The same bomb through a pipe (decoded ahead of the parser in a thread).
# shellcheck disable=SC2002
if [ -n "$TIME" ]; then
	cat "$tmp/bomb.log.gz" | $TIME -f %M -o "$tmp/rss" "$bin" \
	    --format json - > "$tmp/out" 2> "$tmp/err"
else
	cat "$tmp/bomb.log.gz" | "$bin" --format json - > "$tmp/out" \
	    2> "$tmp/err"
fi
status=$?
rss=$(tail -n 1 "$tmp/rss")
expect "gzip bomb through a pipe" 0 "" &&
    rss_below "gzip bomb through a pipe" 64
got=$(check field "$tmp/out" inputs.0.lines)
if [ "$got" = "$bomb_lines" ]; then
	ok "gzip bomb through a pipe: all $got lines read"
else
	no "gzip bomb through a pipe" "$got lines, expected $bomb_lines"
fi

# A 100 MB line without a newline, at the end of a real log.
{
	cat postfix/sample.log
	printf 'Nov 28 09:30:00 mx1 postfix/smtp[4000]: 7F7F7F7F7F: '
	printf 'to=<z@example.com>, dsn=2.0.0, status=sent (250 2.0.0 Ok '
	head -c 100000000 /dev/zero | tr '\0' 'x'
} > "$tmp/long.log"
run 60 --format json "$tmp/long.log" "$good"
expect "100 MB line without a newline" 0 "bouncestat: $tmp/long.log: 1 \
line longer than 65536 bytes was cut to that length" &&
    same_other "100 MB line" && rss_below "100 MB line" 64
got=$(check input "$tmp/out" 0)
if [ "$got" = "postfix 40 18 None 1 0" ]; then
	ok "100 MB line: counted as one cut line and its event ($got)"
else
	no "100 MB line" "input counted '$got'," \
	    "expected 'postfix 40 18 None 1 0'"
fi
# The same through a pipe, which is not a regular file.
# shellcheck disable=SC2002
if [ -n "$TIME" ]; then
	cat "$tmp/long.log" | $TIME -f %M -o "$tmp/rss" "$bin" --format json - \
	    > "$tmp/out" 2> "$tmp/err"
else
	cat "$tmp/long.log" | "$bin" --format json - > "$tmp/out" 2> "$tmp/err"
fi
status=$?
rss=$(tail -n 1 "$tmp/rss")
expect "100 MB line through a pipe" 0 "bouncestat: (stdin): 1 line longer \
than 65536 bytes was cut to that length" &&
    rss_below "100 MB line through a pipe" 64
rm -f "$tmp/long.log"

# Millions of distinct message ids: exact counting stops at the budget and
# the counts become estimates, marked as such.
ids() {
	awk -v n="$1" -v codes="$2" 'BEGIN { for (i = 0; i < n; i++)
	    printf "Nov 28 10:%02d:%02d mx1 postfix/smtp[%d]: %010X: " \
		"to=<u%d@example.com>, relay=mx.example.com[198.51.100.7], " \
		"dsn=5.0.0, status=bounced (host mx.example.com said: " \
		"550 5.%d.%d unknown)\n", (i / 60) % 60, i % 60, i % 30000, i, \
		i, (i % codes) % 100, int((i % codes) / 100) }'
}
ids 1200000 20 > "$tmp/ids.log"
run 90 --format json "$tmp/ids.log" "$good"
expect "1.2 million message ids" 0 "" && same_other "1.2 million ids" &&
    rss_below "1.2 million message ids" 64
est=$(check field "$tmp/out" totals.messages_estimated)
msgs=$(check field "$tmp/out" totals.messages.bounced)
if [ "$est" = true ] && [ "$msgs" -gt 1176000 ] && [ "$msgs" -lt 1224000 ]
then
	ok "1.2 million ids: estimated ($msgs bounced messages, within 2%)"
else
	no "1.2 million ids" "messages $msgs, estimated $est"
fi
# More messages queued at once than the sender join keeps (BS_JOIN_MESSAGES,
# 131072): the oldest are forgotten, counted, and said so; their events
# have no sender, never a guessed one.
awk 'BEGIN { n = 200000
	for (i = 0; i < n; i++)
		printf "Nov 28 10:00:%02d mx1 postfix/qmgr[9]: %010X: " \
		    "from=<s%d@sender.example>, size=100, nrcpt=1 " \
		    "(queue active)\n", i % 60, i, i
	for (i = 0; i < n; i++)
		printf "Nov 28 11:00:%02d mx1 postfix/smtp[7]: %010X: " \
		    "to=<u%d@example.com>, relay=mx.example.com" \
		    "[198.51.100.7]:25, delay=1, dsn=2.0.0, status=sent " \
		    "(250 2.0.0 ok)\n", i % 60, i, i }' > "$tmp/join.log"
run 90 --by sender --format json "$tmp/join.log"
expect "200000 messages queued at once" 0 "bouncestat: the senders of \
68928 messages were forgotten while still queued (more than 131072 \
messages or 8 MiB of ids and senders at once): their later events have no \
sender" && rss_below "200000 messages queued at once" 64
forgot=$(check field "$tmp/out" totals.senders_forgotten)
if [ "$forgot" = 68928 ]; then
	ok "200000 messages queued at once: 68928 senders forgotten, told"
else
	no "200000 messages queued at once" "senders_forgotten $forgot"
fi
rm -f "$tmp/join.log"

# ... with 5000 distinct codes as well: rows past BS_ROWS_MAX are folded
# and the text report says so.
ids 1200000 5000 > "$tmp/ids.log"
run 90 "$tmp/ids.log"
expect "1.2 million ids, 5000 codes" 0 "" &&
    rss_below "1.2 million ids, 5000 codes" 64
if grep -q '^  ([0-9]* events had codes beyond the [0-9]* distinct rows kept;' \
    "$tmp/out" && grep -q '^   1200000 bounced (~[0-9]* messages)' "$tmp/out"
then
	ok "1.2 million ids, 5000 codes: the report notes the folded rows" \
	    "and the estimate"
else
	no "1.2 million ids, 5000 codes" "no note of the limits in the report"
fi
rm -f "$tmp/ids.log"

echo "== pattern files"
# A runaway expression: nested quantifiers over the queue id backtrack
# exponentially on a long id that does not end in ':'.  The match limit
# turns each such line into a counted error; the good lines still count.
mkdir "$tmp/runaway"
sed 's/^delivery = ^(?<qid>[^)]*)/delivery = ^(?<qid>(?:[0-9A-Za-z]+)+)/' \
    ../patterns/postfix.pat > "$tmp/runaway/postfix.pat"
if cmp -s ../patterns/postfix.pat "$tmp/runaway/postfix.pat"; then
	no "catastrophic pattern" "could not rewrite the delivery pattern"
else
	{
		cat "$good"
		i=0
		while [ $i -lt 5 ]; do
			printf 'Nov 28 09:40:0%d mx1 postfix/smtp[1]: ' $i
			printf 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
			printf 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
			printf '! to=<a@b.c>: x, status=sent (250 ok)\n'
			i=$((i + 1))
		done
	} > "$tmp/runaway.log"
	start=$(date +%s)
	run 60 --patterns "$tmp/runaway" --format json "$tmp/runaway.log"
	took=$(($(date +%s) - start))
	expect "catastrophic pattern" 0 "bouncestat: $tmp/runaway.log:4: 5 \
lines were too complex for the patterns (PCRE2 limit); skipped, the first \
here" && valid "catastrophic pattern" json
	got=$(check field "$tmp/out" inputs.0.events)
	if [ "$got" = 3 ] && [ $took -lt 30 ]; then
		ok "catastrophic pattern: good lines counted ($got), $took s"
	else
		no "catastrophic pattern" "$got events, $took s"
	fi
fi

# A replacement syslog pattern whose group msg may not take part: either
# the set is refused at start (naming the group), or such lines are read
# some way; never blamed on PCRE2's limits, which were not reached.
mkdir "$tmp/optmsg"
awk '
/^syslog = \^\(\?:/ && !done { sub(/\^\(\?:/, "^(?:zzz(?<msg>)|"); done = 1 }
{ lines[NR] = $0 }
END {
	for (i = NR; i > 0; i--)
		if (!fixed && index(lines[i], "(?<msg>)")) {
			sub(/\(\?<msg>\)/, "", lines[i])
			fixed = 1
		}
	for (i = 1; i <= NR; i++) print lines[i]
}' ../patterns/postfix.pat > "$tmp/optmsg/postfix.pat"
run 20 --patterns "$tmp/optmsg" --format json postfix/sample.log
if [ "$status" = 2 ] && grep -q "msg" "$tmp/err"; then
	ok "syslog pattern with an optional msg group: refused at start"
elif [ "$status" = 0 ] && ! grep -q "too complex" "$tmp/err"; then
	ok "syslog pattern with an optional msg group: read, no false" \
	    "PCRE2 limit"
else
	no "syslog pattern with an optional msg group" "exit $status: $(head \
	    -c 300 "$tmp/err")"
fi

# A FIFO where a pattern file should be: refused, not waited on.
mkdir "$tmp/fifopat"
mkfifo "$tmp/fifopat/codes.pat"
run 10 --patterns "$tmp/fifopat" "$good"
expect "FIFO as a pattern file" 2 "bouncestat: $tmp/fifopat/codes.pat: not \
a regular file of at most 1048576 bytes"

# A replacement codes.pat whose groups capture any bytes: whatever they
# capture from a hostile reply must still reach no terminal raw, no
# spreadsheet as a formula, and no Prometheus label unescaped.
mkdir "$tmp/loose"
{
	echo 'reply = ^(?<basic>.{3})(?<enhanced>.{0,11})'
	echo 'enhanced = ^#(?<enhanced>.{1,11})'
} > "$tmp/loose/codes.pat"
rcpt="to=<a@b.c>, status=bounced"
printf '%s%d %s%d: %s (host x said: %b)\n' \
    "Nov 28 09:50:0" 1 "mx1 postfix/smtp[1]: 5E5E5E5E5" 1 "$rcpt" \
    '5\033c\033]0;pwned\007 text' \
    "Nov 28 09:50:0" 2 "mx1 postfix/smtp[1]: 5E5E5E5E5" 2 "$rcpt" \
    '4\\"=HYPERLINK(1) x' \
    "Nov 28 09:50:0" 3 "mx1 postfix/smtp[1]: 5E5E5E5E5" 3 "$rcpt" \
    '#=cmd|calc!A0\033[2J' \
    "Nov 28 09:50:0" 4 "mx1 postfix/smtp[1]: 5E5E5E5E5" 4 "$rcpt" \
    '5xx-1+1\r tail' > "$tmp/loose.log"
run 20 --patterns "$tmp/loose" "$tmp/loose.log"
expect "loose codes.pat, text report" 0 "" &&
    valid "loose codes.pat, text report" term
run 20 --patterns "$tmp/loose" --format json "$tmp/loose.log"
expect "loose codes.pat, JSON" 0 "" && valid "loose codes.pat" json
run 20 --patterns "$tmp/loose" --format csv "$tmp/loose.log"
expect "loose codes.pat, CSV" 0 "" && valid "loose codes.pat" csv
run 20 --patterns "$tmp/loose" --format prometheus "$tmp/loose.log"
expect "loose codes.pat, Prometheus" 0 "" && valid "loose codes.pat" prom

echo "== -o: the report file"
# The output named as an input, by its name, a symbolic link, a hard link
# or standard input: refused before any input is opened (a FIFO listed
# first would block a run that opened it: the time limit would kill it),
# with the log as it was.
cp "$good" "$tmp/in.log"
ln -s in.log "$tmp/in-symlink.log"
ln "$tmp/in.log" "$tmp/in-hardlink.log"
mkfifo "$tmp/in.fifo" || exit 2
# unchanged NAME: in.log is still the good input, byte for byte.
unchanged() {
	if cmp -s "$tmp/in.log" "$good" && [ ! -L "$tmp/in.log" ]; then
		ok "$1: the log unchanged"
	else
		no "$1" "the log was changed"
	fi
}
for o in in.log in-symlink.log in-hardlink.log; do
	run 10 -o "$tmp/$o" "$tmp/in.fifo" "$tmp/in.log" "$good"
	if [ $o = in.log ]; then
		err="bouncestat: $tmp/in.log: -o names an input; the report \
would overwrite it"
	else
		err="bouncestat: $tmp/$o: -o names the input $tmp/in.log (the \
same file); the report would overwrite it"
	fi
	expect "-o $o, an input" 2 "$err" && unchanged "-o $o, an input"
done
# Reading and writing one file is the very case refused here.
# shellcheck disable=SC2094
timeout -k 5 10 "$bin" -o "$tmp/in.log" < "$tmp/in.log" > "$tmp/out" \
    2> "$tmp/err"
status=$?
expect "-o the file on standard input" 2 "bouncestat: $tmp/in.log: -o \
names the file on standard input; the report would overwrite it" &&
    unchanged "-o the file on standard input"
run 10 --follow -o "$tmp/in-symlink.log" "$tmp/in.log"
expect "--follow -o an input" 2 "bouncestat: $tmp/in-symlink.log: -o names \
the input $tmp/in.log (the same file); the report would overwrite it" &&
    unchanged "--follow -o an input"

# What is not a regular file is written into, never replaced.
run 20 --format json "$good"
cp "$tmp/out" "$tmp/want.json"
if [ "$(id -u)" = 0 ]; then
	run 20 --format json -o /dev/null "$good"
	if expect "-o /dev/null as root" 0 ""; then
		if [ -c /dev/null ]; then
			ok "-o /dev/null as root: still a character device"
		else
			no "-o /dev/null as root" "/dev/null is no longer a \
character device: $(ls -l /dev/null)"
		fi
	fi
else
	skip "-o /dev/null as root" "skipped: not running as root"
fi
if [ -L /dev/stdout ]; then
	"$bin" --format json -o /dev/stdout "$good" 2> "$tmp/err" |
	    cat > "$tmp/out"
	if [ -L /dev/stdout ] && cmp -s "$tmp/out" "$tmp/want.json"; then
		ok "-o /dev/stdout into a pipe: the report went through, \
/dev/stdout is still a link"
	else
		no "-o /dev/stdout into a pipe" "$(ls -l /dev/stdout), \
$(wc -c < "$tmp/out") bytes through the pipe"
	fi
fi
mkfifo "$tmp/report.fifo" || exit 2
# The reader gives up in time if the FIFO is replaced before it opens it.
timeout 20 cat "$tmp/report.fifo" > "$tmp/fifo.json" &
run 20 --format json -o "$tmp/report.fifo" "$good"
wait
if expect "-o a FIFO" 0 ""; then
	if [ -p "$tmp/report.fifo" ] && cmp -s "$tmp/fifo.json" \
	    "$tmp/want.json"; then
		ok "-o a FIFO: the reader got the report, still a FIFO"
	else
		no "-o a FIFO" "the reader got $(wc -c < "$tmp/fifo.json") \
bytes; $(ls -l "$tmp/report.fifo")"
	fi
fi

# A report rewritten keeps its mode and, as root, its owner.
: > "$tmp/kept.json"
chmod 600 "$tmp/kept.json"
owner=$(id -u)
if [ "$owner" = 0 ]; then
	chown 65534:65534 "$tmp/kept.json"
	owner=65534
fi
run 20 --format json -o "$tmp/kept.json" "$good"
if expect "-o an existing report" 0 ""; then
	got=$(stat -c '%a %u' "$tmp/kept.json")
	if [ "$got" = "600 $owner" ] &&
	    cmp -s "$tmp/kept.json" "$tmp/want.json"; then
		ok "-o an existing report: mode 600 and owner $owner kept"
	else
		no "-o an existing report" "mode and owner '$got', expected \
'600 $owner'"
	fi
fi

# --- syslog dialects, records without to=, local refusals (issue 19) -------
# Every event line of testdata/{postfix,exim}/dialects.log counts, whatever
# syslog dialect wraps it (Solaris's message tag, a <priority>, RFC 5424, a
# central server's stamp and host, a year or a zone in the stamp), as do a
# Postfix record without to= and Exim's non-SMTP ACL and local_scan()
# refusals; and under a window that holds the day, every stamp is read.
# The columns: lines, events, delivered, deferred, bounced, expired,
# rejected, untimed events.
while read -r f want; do
	run 20 --format json --since 2026-11-28T00:00:00Z \
	    --until 2026-11-29T00:00:00Z "$f"
	expect "syslog dialects in $f" 0 "" || continue
	got="$(check kinds "$tmp/out") $(check field "$tmp/out" \
	    inputs.0.untimed_events)"
	if [ "$got" = "$want" ]; then
		ok "syslog dialects in $f: every event counted and timed"
	else
		no "syslog dialects in $f" "counts '$got', expected '$want'"
	fi
done <<EOF
postfix/dialects.log 18 15 8 2 3 1 1 0
exim/dialects.log 17 14 5 2 2 0 5 0
EOF

# Compressed and encoded inputs (issue 19): each is read as the plain
# sample is (17 events), with --type forced and without; before, xz, zstd,
# bzip2 and lz4 were read as text (0 events, exit 0, not a word), a UTF-8
# byte-order mark cost the first line, UTF-16 gave nothing and a run of NUL
# bytes swallowed the line after it.
have=$(LC_ALL=C "$bin" --version | sed -n 's/^reads: //p')
# A mark before an extract's first line (no syslog prefix to skip over).
{
	printf '\357\273\277'
	for q in 4F1A2B3C4D 4F1A2B3C4E; do
		printf '%s: to=<a@example.com>, relay=mx.example.com' "$q"
		printf '[192.0.2.1]:25, delay=1, dsn=5.1.1, status=bounced '
		printf '(host mx.example.com said: 550 5.1.1 unknown)\n'
	done
} > "$tmp/bom.log"
iconv -f UTF-8 -t UTF-16 postfix/sample.log > "$tmp/utf16.log" 2> /dev/null ||
    : > "$tmp/utf16.log"
head -c 100000 /dev/zero > "$tmp/nul.log"
cat postfix/sample.log >> "$tmp/nul.log"
while read -r f want; do
	case $f in
	*.xz) lib=xz ;; *.zst) lib=zstd ;; *.bz2) lib=bzip2 ;;
	*.lz4) lib=lz4 ;; *) lib= ;;
	esac
	f=$(printf '%s' "$f" | sed "s|^TMP|$tmp|")
	# A build that lists what it reads and leaves this one out.
	if [ -n "$lib" ] && [ -n "$have" ] &&
	    ! printf '%s' "$have" | grep -q "$lib"; then
		skip "$f" "this build does not read $lib"
		continue
	fi
	if [ ! -s "$f" ]; then
		skip "$f" "iconv could not make it"
		continue
	fi
	for t in "" "--type=postfix"; do
		run 20 $t --format json "$f" "$good"
		expect "$f ${t:-detected}" 0 "" || continue
		got=$(check field "$tmp/out" inputs.0.events)
		if [ "$got" = "$want" ]; then
			ok "$f ${t:-detected}: $want events, as the plain text"
		else
			no "$f ${t:-detected}" "$got events, expected $want"
		fi
	done
done <<EOF
compressed/sample.log.xz 17
compressed/sample.log.zst 17
compressed/sample.log.bz2 17
compressed/sample.log.lz4 17
TMP/bom.log 2
TMP/utf16.log 17
TMP/nul.log 17
EOF
rm -f "$tmp/bom.log" "$tmp/utf16.log" "$tmp/nul.log"

# --- two formats in one file; a forced type that finds nothing (issue 19) --
echo "== Postfix and Exim in one file, forced types"
# A central syslog server's file of Postfix and Exim lines is recognised as
# mixed and counts exactly what its Postfix lines and its Exim lines count
# read apart (the two halves as two inputs of one run: the same totals and
# the same code rows, and, through the sender join and its merged needles,
# the same senders); read as either alone, it says how many of its first
# lines the other wrote.  Before, the other's events vanished silently.
mixed=mixed/central.log
grep ' exim\[' "$mixed" > "$tmp/exim-half.log"
grep -v ' exim\[' "$mixed" > "$tmp/postfix-half.log"
run 20 --format json --by sender "$tmp/postfix-half.log" "$tmp/exim-half.log"
halves="$(check field "$tmp/out" inputs.0.format) \
$(check field "$tmp/out" inputs.1.format) $(check kinds "$tmp/out")"
halves_codes="$(check field "$tmp/out" codes) $(check field "$tmp/out" by)"
for how in "" "--type mixed" "-j 2"; do
	# shellcheck disable=SC2086 # $how is zero or two words
	run 20 --format json --by sender $how "$mixed"
	expect "$mixed ${how:-recognised}" 0 "" || continue
	valid "$mixed ${how:-recognised}" json
	got="$(check field "$tmp/out" inputs.0.format) $(check kinds "$tmp/out")"
	want="\"mixed\" ${halves#\"postfix\" \"exim\" }"
	if [ "$got" = "$want" ] && [ "${halves%% \"exim\" *}" = '"postfix"' ] &&
	    [ "$(check field "$tmp/out" codes) $(check field "$tmp/out" by)" = \
	    "$halves_codes" ]; then
		ok "$mixed ${how:-recognised}: $got, the halves' sum"
	else
		no "$mixed ${how:-recognised}" "'$got', the halves '$halves'"
	fi
done
for t in postfix:exim:30:17 exim:postfix:39:17; do
	read_as=${t%%:*} t=${t#*:}
	other=${t%%:*} t=${t#*:}
	n=${t%%:*} events=${t#*:}
	run 20 --format json --type "$read_as" "$mixed"
	expect "$mixed as $read_as" 0 "bouncestat: $mixed: read as \
$read_as, but $n of its first 72 lines are from $other: such lines are \
not read (--type mixed reads both)" || continue
	got=$(check field "$tmp/out" inputs.0.events)
	if [ "$got" = "$events" ]; then
		ok "$mixed as $read_as: its $events events of $read_as"
	else
		no "$mixed as $read_as" "$got events, expected $events"
	fi
done

# A forced type that finds no event in an input whose first lines look
# like another format fails that input (exit 1, so that a monitoring check
# cannot say OK on a misconfigured type), for every pair of formats, on
# compressed input and standard input too; an input of the forced type
# after it is counted as alone.  Not a failure: a quiet log of the forced
# type, and the mixed reader on a file of syslog-prefixed Postfix lines.
while read -r type file looks next; do
	run 20 --format json --type "$type" "$next"
	alone_stats=$(check input "$tmp/out" 0)
	run 20 --format json --type "$type" "$file" "$next"
	expect "--type $type on $file" 1 "bouncestat: $file: --type $type \
found no events; it looks like $looks" || continue
	valid "--type $type on $file" json
	got=$(check input "$tmp/out" -1)
	if [ "$got" = "$alone_stats" ]; then
		ok "--type $type on $file: $next counted as alone"
	else
		no "--type $type on $file" "$next '$got', alone '$alone_stats'"
	fi
done <<EOF
exim postfix/sample.log postfix exim/mainlog
exim postfix/sample.log.gz postfix exim/mainlog
exim exchange/MSGTRK20261128-1.LOG exchange exim/mainlog
postfix exim/mainlog exim postfix/sample.log
postfix exim/syslog.log exim postfix/sample.log
postfix exchange/MSGTRK20261128-1.LOG exchange postfix/sample.log
mixed exim/mainlog exim mixed/central.log
mixed exchange/MSGTRK20261128-1.LOG exchange mixed/central.log
exchange postfix/sample.log postfix exchange/MSGTRK20261128-1.LOG
exchange mixed/central.log mixed exchange/MSGTRK20261128-1.LOG
m365 exim/mainlog exim m365/messagetrace.csv
EOF
timeout -k 5 20 "$bin" -q --type exim - < postfix/sample.log > "$tmp/out" \
    2> "$tmp/err"
status=$?
expect "--type exim on standard input" 1 "bouncestat: (stdin): --type exim \
found no events; it looks like postfix"
grep -v -e 'status=' -e 'reject' postfix/sample.log > "$tmp/quiet.log"
run 20 --type postfix "$tmp/quiet.log"
expect "--type postfix on a quiet Postfix log" 0 ""
run 20 --type mixed postfix/sample.log
expect "--type mixed on a Postfix syslog file" 0 ""

echo "badinput: $pass passed, $fail failed${skipped:+, $skipped skipped}"
[ $fail = 0 ]
