#!/bin/sh
# Rewrite the expected standard output (.out) of end-to-end cases from the
# current binary, for a deliberate change of output.  Review the result
# with `git diff testdata/cases` before committing: every changed line must
# be one the change meant to make.
# Usage: tests/regen.sh path/to/bouncestat [case-name...]
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
cd "$(dirname "$0")/../testdata" || exit 2
export SOURCE_DATE_EPOCH=1795867200 TZ=UTC	# as tests/e2e.sh
if [ $# -eq 0 ]; then
	set -- $(ls cases/*.args | sed 's|cases/||; s|\.args$||')
fi
for name in "$@"; do
	args=cases/$name.args
	in=/dev/null
	[ -f "cases/$name.stdin" ] && in=cases/$name.stdin
	# Arguments one per line, as tests/e2e.sh reads them.
	set --
	while IFS= read -r a || [ -n "$a" ]; do
		set -- "$@" "$a"
	done < "$args"
	"$bin" "$@" < "$in" > "cases/$name.out" 2>/dev/null
	echo "$name: exit $?"
done
