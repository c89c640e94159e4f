#!/bin/sh
# html-check.sh - the HTML report (--format html) in a real browser.
#
# Builds reports of testdata/postfix/sample.log, an empty log, an Exim
# log, a log of hostile reply texts (with --detail) and a large generated
# Postfix log (bench/gen.c, HTML_CHECK_MB MiB, default 64), checks that
# each stays under 300 KB and that the page's Content Security Policy
# names the SHA-256 of its script, then loads each in headless Chromium
# (tests/html_check.py) at 375 and 1280 pixels, light and dark, and fails
# on a console error, a request for anything but the file itself, a
# horizontal scroll, an element outside the page, or a sort that does not
# sort.  Screenshots go to build/html-check/NAME-WIDTH-SCHEME.png.
#
# Without Chromium (apt-get install chromium) it says so and exits 0.
#
# Usage: tests/html-check.sh [path/to/bouncestat]   (make html-check)
# Environment: CHROMIUM (the browser; default chromium or
# chromium-browser in PATH), HTML_CHECK_MB, CC.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/bouncestat}
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
[ -x "$bin" ] || { echo "html-check: no bouncestat at $bin (run make)"; exit 2; }

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
	browser=$(command -v chromium || command -v chromium-browser || true)
fi
if [ -z "$browser" ] || ! command -v python3 > /dev/null 2>&1; then
	echo "html-check: SKIP: needs chromium and python3 (apt-get install" \
	    "chromium python3); nothing was checked"
	exit 0
fi

out=$root/build/html-check
mkdir -p "$out" || exit 2
rm -f "$out"/*.png "$out"/*.html
# Fixed time zone and "now": the same pages every run.
export TZ=UTC SOURCE_DATE_EPOCH=1795867200
fail=0

# report NAME OPTION... FILE: NAME.html, or a failure.
report() {
	name=$1
	shift
	if ! "$bin" -q --format html -o "$out/$name.html" "$@" \
	    2> "$out/$name.err"; then
		# An input problem still writes the report; only a missing
		# page is a failure here.
		[ -s "$out/$name.html" ] || {
			echo "FAIL $name: no report: $(cat "$out/$name.err")"
			fail=$((fail + 1))
		}
	fi
}

cd "$root/testdata" || exit 2
report sample postfix/sample.log
report empty bad/empty.log
report exim exim/mainlog
report hostile --detail bad/hostile-html.log
report days postfix/days.log

mb=${HTML_CHECK_MB:-64}
${CC:-cc} -std=c11 -O2 -o "$out/gen" "$root/bench/gen.c" || exit 2
"$out/gen" -f postfix-classic -m "$mb" -s 1 -o "$out/big.log" \
    -e "$out/big.expect.json" || exit 2
report big "$out/big.log"
rm -f "$out/big.log"

# Size, and the script hash of the Content Security Policy.
for f in "$out"/*.html; do
	name=$(basename "$f" .html)
	size=$(wc -c < "$f")
	if [ "$size" -ge 300000 ]; then
		echo "FAIL $name: $size bytes, not under 300 KB"
		fail=$((fail + 1))
	else
		echo "ok   $name: $size bytes"
	fi
	if ! python3 - "$f" <<'EOF'
import base64, hashlib, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
csp = re.search(r"script-src '(sha256-[^']*)'", page)
want = "sha256-" + base64.b64encode(
    hashlib.sha256(scripts[0].encode()).digest()).decode() if scripts else ""
if len(scripts) != 1 or csp is None or csp.group(1) != want:
    print("FAIL %s: the policy's script hash is not %s" % (sys.argv[1], want))
    sys.exit(1)
EOF
	then
		fail=$((fail + 1))
	fi
done

python3 "$root/tests/html_check.py" "$browser" "$out" "$out/sample.html" \
    "$out/empty.html" "$out/exim.html" "$out/hostile.html" "$out/days.html" \
    "$out/big.html" ||
    fail=$((fail + 1))

if [ "$fail" -gt 0 ]; then
	echo "html-check: FAIL ($fail); screenshots in $out"
	exit 1
fi
echo "html-check: PASS; screenshots in $out"
