#!/bin/sh
# bouncestat's "outcomes" against the generator's truth (bench/gen.c
# knows how each recipient it wrote ended): every count exactly, for a
# Postfix, an Exim and an Exchange log, read whole and as three rotated files oldest
# first on one and on two cores (the parts' trackers joined).
#
#   sh tests/gen_truth.sh path/to/bouncestat      (make check runs this)
set -u
[ $# = 1 ] || { echo "usage: $0 path/to/bouncestat" >&2; exit 2; }
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -std=c11 -O2 -o "$tmp/gen" bench/gen.c || exit 2
keys="recipients delivered_first delivered_after_deferral bounced_first
bounced_after_deferral expired still_deferred 1 2-3 4-10 more"
pass=0
fail=0

# value FILE KEY: KEY's number after the (last) "outcomes": { in FILE.
value() {
	tr -d '\n' < "$1" | sed 's/.*"outcomes": {//' |
	    grep -o "\"$2\": [0-9]*" | head -n 1 | sed 's/.*: //'
}

for f in postfix-classic exim exchange; do
	# Exchange retries later than the others: 24 MiB holds some.
	mib=6
	[ "$f" = exchange ] && mib=24
	"$tmp/gen" -f "$f" -m "$mib" -s 7 -o "$tmp/$f.log" \
	    -e "$tmp/$f.expect.json" || exit 2
	# Three rotated files, cut at line ends.
	(cd "$tmp" && split -n l/3 -d "$f.log" "$f.part")
	# Each Exchange tracking log starts with its own #Fields header.
	if [ "$f" = exchange ]; then
		for p in 01 02; do
			{ grep '^#' "$tmp/$f.log"; cat "$tmp/$f.part$p"; } \
			    > "$tmp/$f.hdr" && mv "$tmp/$f.hdr" "$tmp/$f.part$p"
		done
	fi
	for run in "whole -j1" "parts -j1" "parts -j2"; do
		set -- $run
		if [ "$1" = whole ]; then
			set -- "$2" "$tmp/$f.log"
		else
			set -- "$2" "$tmp/$f.part00" "$tmp/$f.part01" \
			    "$tmp/$f.part02"
		fi
		"$bin" --format json "$@" > "$tmp/got.json" 2>/dev/null
		bad=
		for k in $keys; do
			e=$(value "$tmp/$f.expect.json" "$k")
			g=$(value "$tmp/got.json" "$k")
			if [ -z "$e" ] || [ "$e" != "$g" ]; then
				bad="$bad $k: expected ${e:-none}, got ${g:-none};"
			fi
		done
		if [ -n "$bad" ]; then
			echo "FAIL gen_truth: $f $run:$bad"
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
	done
done
echo "gen_truth: $pass passed, $fail failed"
[ $fail = 0 ]
