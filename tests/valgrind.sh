#!/bin/sh
# The end-to-end transcripts (tests/e2e.sh) with every run of the binary
# under valgrind's memcheck: no invalid read or write, no use of an
# uninitialised value, no file descriptor or memory definitely lost.
#
# Usage: tests/valgrind.sh [path/to/bouncestat]   (default build/bouncestat)
#
# e2e.sh is given a wrapper script in place of the binary.  valgrind runs
# with --error-exitcode=1, but 1 is also bouncestat's own status for an
# input that failed, so each run also writes a log, and a log whose
# ERROR SUMMARY is not zero fails the run whatever the exit status was.
# Prints the e2e summary, each run with errors (its command and the first
# lines of its report), and "valgrind: N runs, M with errors"; exits 1 if
# any run had errors or a transcript differed.
set -u
bin=${1:-build/bouncestat}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v valgrind > /dev/null 2>&1; then
	echo "valgrind: not installed (Debian: apt-get install valgrind)" >&2
	exit 2
fi
[ -x "$bin" ] || { echo "valgrind: no binary $bin (run make)" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/logs"

cat > "$tmp/bouncestat" <<EOF
#!/bin/sh
exec valgrind --error-exitcode=1 --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --log-file="$tmp/logs/vg.%p.log" "$bin" "\$@"
EOF
chmod 755 "$tmp/bouncestat"

E2E_WIDTH=0 E2E_BOTHWAYS=0 sh "$here/e2e.sh" "$tmp/bouncestat"
e2e=$?

runs=0
bad=0
for log in "$tmp/logs"/vg.*.log; do
	[ -f "$log" ] || continue
	runs=$((runs + 1))
	if grep -q 'ERROR SUMMARY: [1-9]' "$log"; then
		bad=$((bad + 1))
		cmd=$(sed -n 's/^==[0-9]*== Command: //p' "$log")
		echo "valgrind: errors in: $cmd"
		grep -v -e '^==[0-9]*== *$' -e 'Copyright' -e 'Using Valgrind' \
		    -e 'Command:' -e '== Memcheck' "$log" | head -n 30
	fi
done
echo "valgrind: $runs runs, $bad with errors"
[ $runs -gt 0 ] || { echo "valgrind: no run was logged" >&2; exit 1; }
[ $bad = 0 ] && [ $e2e = 0 ]
