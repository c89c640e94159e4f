#!/bin/sh
# setup.sh - the README's quick start on a fresh Debian or Ubuntu machine.
#
#   sh tools/setup.sh demo   install what the build needs, build, and
#                            report on the bundled sample log
#   sh tools/setup.sh test   install what the build needs, build, and run
#                            the whole test suite (make check)
#
# Missing build packages are installed with apt-get when run as root;
# otherwise the one command that installs them is printed and the script
# stops.  CC and CFLAGS pass through to make.
set -eu
cd "$(dirname "$0")/.."

# libisal-dev is optional: gzip decodes about 2.5 times faster with it.
# The xz, zstd, bzip2 and lz4 libraries are optional too: without one,
# logs compressed that way are refused with a message naming it.
packages="build-essential pkg-config libpcre2-dev zlib1g-dev check libisal-dev \
liblzma-dev libzstd-dev libbz2-dev liblz4-dev"

missing() {
	command -v cc >/dev/null 2>&1 || return 0
	command -v make >/dev/null 2>&1 || return 0
	command -v pkg-config >/dev/null 2>&1 || return 0
	pkg-config --exists libpcre2-8 zlib check || return 0
	return 1
}

if missing; then
	if [ "$(id -u)" = 0 ]; then
		echo "setup: installing $packages"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq $packages >/dev/null
	else
		echo "setup: build packages are missing; install them with:" >&2
		echo "  sudo apt-get install -y $packages" >&2
		exit 1
	fi
fi

case "${1:-demo}" in
demo)
	make -s -j"$(nproc 2>/dev/null || echo 2)"
	./build/bouncestat testdata/postfix/sample.log
	;;
test)
	make -s -j"$(nproc 2>/dev/null || echo 2)"
	make -s check
	;;
*)
	echo "usage: sh tools/setup.sh [demo|test]" >&2
	exit 2
	;;
esac
