# bouncestat - a plain Makefile.  Everything except src/main.c builds into
# build/libbouncestat.a, which the binary and the tests both link.
#
#   make            build build/bouncestat
#   make check      unit tests (Check), end-to-end transcripts, docs test
#   make docs       regenerate README.md's example blocks from testdata/
#   make format-check   clang-format over the files of .clang-format-files
#   make sanitize   the same tests built with ASan and UBSan (build-san/)
#   make install    PREFIX=/usr/local DESTDIR= : binary, patterns, man page
#   make deb        the Debian package (debian/), into build/deb, and lintian
#   make contrib-check   shellcheck and run the contrib/ scripts for real,
#                   promtool over the alert rules and their tests
#   make prom-check promtool check metrics over the Prometheus output
#   make integration    Prometheus and node_exporter for real (tests/
#                   integration.sh; skipped when they are not installed)
#   make html-check   the HTML report in headless Chromium (screenshots)
#   make bench      generated logs, timed against pflogsumm, eximstats, grep
#   make fuzz       libFuzzer targets (FUZZ_SECONDS each); make badinput: the
#                   bad-input matrix; make valgrind: transcripts under memcheck

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
DATADIR	?= $(PREFIX)/share/bouncestat
MANDIR	?= $(PREFIX)/share/man

CC		?= cc
PKG_CONFIG	?= pkg-config
BUILD		?= build
CFLAGS		?= -O2 -g

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings -Wvla -Wpointer-arith \
	-Wundef -Wcast-align
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpcre2-8 zlib)
DEPS_LIBS   := $(shell $(PKG_CONFIG) --libs libpcre2-8 zlib)
# gzip through ISA-L (Debian: libisal-dev) when pkg-config finds it, else
# zlib alone; ISAL=0 forces zlib, ISAL=1 insists on ISA-L.
ISAL ?= auto
ifeq ($(ISAL),auto)
ISAL := $(shell $(PKG_CONFIG) --exists libisal && echo 1 || echo 0)
endif
ifeq ($(ISAL),1)
DEPS_CFLAGS += -DBS_HAVE_ISAL $(shell $(PKG_CONFIG) --cflags libisal)
DEPS_LIBS   += $(shell $(PKG_CONFIG) --libs libisal)
endif
# The other compressors, each when pkg-config finds its library (bzip2 has
# no .pc file on Debian: its header is looked for), else inputs of that
# kind fail with a message that names the package: XZ (liblzma-dev), ZSTD
# (libzstd-dev), BZ2 (libbz2-dev), LZ4 (liblz4-dev); =0 leaves one out,
# =1 insists on it.
XZ ?= auto
ifeq ($(XZ),auto)
XZ := $(shell $(PKG_CONFIG) --exists liblzma && echo 1 || echo 0)
endif
ifeq ($(XZ),1)
DEPS_CFLAGS += -DBS_HAVE_LZMA $(shell $(PKG_CONFIG) --cflags liblzma)
DEPS_LIBS   += $(shell $(PKG_CONFIG) --libs liblzma)
endif
ZSTD ?= auto
ifeq ($(ZSTD),auto)
ZSTD := $(shell $(PKG_CONFIG) --exists libzstd && echo 1 || echo 0)
endif
ifeq ($(ZSTD),1)
DEPS_CFLAGS += -DBS_HAVE_ZSTD $(shell $(PKG_CONFIG) --cflags libzstd)
DEPS_LIBS   += $(shell $(PKG_CONFIG) --libs libzstd)
endif
BZ2 ?= auto
ifeq ($(BZ2),auto)
BZ2 := $(shell $(PKG_CONFIG) --exists bzip2 && echo 1 || \
	(printf '\043include <bzlib.h>\n' | $(CC) -E -x c - \
	> /dev/null 2>&1 && echo 1) || echo 0)
endif
ifeq ($(BZ2),1)
DEPS_CFLAGS += -DBS_HAVE_BZ2
DEPS_LIBS   += $(shell $(PKG_CONFIG) --exists bzip2 && \
	$(PKG_CONFIG) --libs bzip2 || echo -lbz2)
endif
LZ4 ?= auto
ifeq ($(LZ4),auto)
LZ4 := $(shell $(PKG_CONFIG) --exists liblz4 && echo 1 || echo 0)
endif
ifeq ($(LZ4),1)
DEPS_CFLAGS += -DBS_HAVE_LZ4 $(shell $(PKG_CONFIG) --cflags liblz4)
DEPS_LIBS   += $(shell $(PKG_CONFIG) --libs liblz4)
endif
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check)

VERSION := 0.1.0
# CPPFLAGS too: dpkg-buildflags puts -D_FORTIFY_SOURCE=2 there.
ALL_CFLAGS = -std=c11 -pthread -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-DBS_VERSION='"$(VERSION)"' -Isrc -I$(BUILD) \
	$(WARN) $(DEPS_CFLAGS) $(CPPFLAGS) $(CFLAGS)

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/patterns_builtin.o
PATTERNS := $(sort $(wildcard patterns/*.pat))
TEST_SRC := $(sort $(wildcard tests/check_*.c)) tests/testutil.c
TEST_OBJ := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.o)

all: $(BUILD)/bouncestat

$(BUILD)/bouncestat: $(BUILD)/main.o $(BUILD)/libbouncestat.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DEPS_LIBS) -lm -pthread

$(BUILD)/libbouncestat.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/patterns_builtin.c: $(PATTERNS) tools/embed.sh | $(BUILD)
	sh tools/embed.sh $(PATTERNS) > $@.tmp && mv $@.tmp $@

$(BUILD)/patterns_builtin.o: $(BUILD)/patterns_builtin.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests -MMD -MP -c -o $@ $<

$(BUILD)/check_all: $(TEST_OBJ) $(BUILD)/libbouncestat.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(DEPS_LIBS) -lm -pthread

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

# Check's per-test limits (4 s by default) stretched threefold: the random
# differential tests take a second or two, more on a busy shared machine.
# ROTATION_ARGS: the rotation test's lines and rotations (its defaults:
# 200000 150); GEN_TRUTH=0 leaves out the generator's truth (counts of
# logs of many MiB) and PROMTOOL=0 promtool's format check, which the
# sanitizers only slow down (see sanitize).
ROTATION_ARGS =
GEN_TRUTH = 1
PROMTOOL = 1
check: $(BUILD)/bouncestat $(BUILD)/check_all
	sh tests/e2e.sh $(BUILD)/bouncestat
	sh tests/rotation.sh $(BUILD)/bouncestat $(ROTATION_ARGS)
	sh tests/live.sh $(BUILD)/bouncestat
	sh tests/docs.sh $(BUILD)/bouncestat
	if [ "$(PROMTOOL)" != 0 ]; then sh tests/promtool.sh $(BUILD)/bouncestat; fi
	if [ "$(GEN_TRUTH)" != 0 ]; then sh tests/gen_truth.sh $(BUILD)/bouncestat; fi
	cd tests && CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-3} \
	    $(abspath $(BUILD))/check_all

# promtool check metrics over every testdata log's Prometheus output and a
# follow run's (also part of check; skipped without promtool).
prom-check: $(BUILD)/bouncestat
	sh tests/promtool.sh $(BUILD)/bouncestat

# Prometheus and node_exporter started for real on loopback, scraping a
# follow run's textfile (skipped without them).
integration: $(BUILD)/bouncestat
	sh tests/integration.sh $(BUILD)/bouncestat

# README.md's example blocks, regenerated by the binary (tests/docs.sh).
docs: $(BUILD)/bouncestat
	sh tests/docs.sh --update $(BUILD)/bouncestat

# clang-format 14 over the files that match .clang-format (it says why not
# all of them do); CI runs it.
CLANG_FORMAT ?= clang-format
format-check:
	$(CLANG_FORMAT) --dry-run -Werror $$(grep -v '^#' .clang-format-files)

SAN_FLAGS = -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
# One Check runner per suite (tests/check_main.c says why).
# Check's per-test time limits stretched fivefold: the sanitizers slow the
# random differential tests down that much on a busy machine.  The
# rotation test at a quarter of its size, without the generator's truth
# and promtool: they check what a run counts and writes, which the other
# builds check in full, and cost CI's longest lane time under the
# sanitizers (the Prometheus writer still runs in e2e's transcripts).
sanitize:
	BS_CHECK_EACH=1 CK_TIMEOUT_MULTIPLIER=5 $(MAKE) BUILD=build-san \
	    CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" \
	    ROTATION_ARGS="50000 40" GEN_TRUTH=0 PROMTOOL=0 check

acceptance: $(BUILD)/bouncestat
	sh tests/acceptance.sh $(BUILD)/bouncestat

install: $(BUILD)/bouncestat
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/patterns
	install -m 755 $(BUILD)/bouncestat $(DESTDIR)$(BINDIR)/bouncestat
	install -m 644 $(PATTERNS) $(DESTDIR)$(DATADIR)/patterns/
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 doc/bouncestat.1 $(DESTDIR)$(MANDIR)/man1/bouncestat.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bouncestat
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/bouncestat.1

# The Debian package, built from a copy of this tree (everything but the
# build folders and .git) in build/deb, so that neither the tree nor
# its parent folder gets dpkg-buildpackage's files; the .deb, .changes and
# .buildinfo stay in build/deb, the copy is removed, lintian reads the
# .changes (errors fail the target).  DEB_BUILD_OPTIONS=nocheck skips the
# package build's own make check.  Needs: devscripts debhelper lintian
# dpkg-dev fakeroot, and the Build-Depends of debian/control.
deb:
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/bouncestat-$(VERSION)
	tar -cf - --exclude=./build --exclude='./build-*' --exclude=./.git \
	    --exclude=./bench/out . | \
	    tar -xf - -C $(BUILD)/deb/bouncestat-$(VERSION)
	cd $(BUILD)/deb/bouncestat-$(VERSION) && dpkg-buildpackage -us -uc -b
	rm -rf $(BUILD)/deb/bouncestat-$(VERSION)
	lintian --fail-on error $(BUILD)/deb/bouncestat_$(VERSION)_*.changes

# FUZZ_SECONDS per target (default 60); needs clang with libFuzzer.
fuzz:
	sh tests/fuzz/run.sh

badinput: $(BUILD)/bouncestat
	sh tests/badinput.sh $(BUILD)/bouncestat

valgrind: $(BUILD)/bouncestat
	sh tests/valgrind.sh $(BUILD)/bouncestat

bench: $(BUILD)/bouncestat
	sh bench/run.sh $(BUILD)/bouncestat

# The reason rules scored on ../shared/reasons/labelled.jsonl (REASONS_SET=).
REASONS_SET ?= ../shared/reasons/labelled.jsonl
reasons-score: $(BUILD)/bouncestat
	python3 tools/reasons-score.py $(BUILD)/bouncestat $(REASONS_SET)

contrib-check: $(BUILD)/bouncestat
	sh tests/contrib.sh $(BUILD)/bouncestat

# The HTML report in headless Chromium (skipped, and said so, without it).
html-check: $(BUILD)/bouncestat
	sh tests/html-check.sh $(BUILD)/bouncestat

clean:
	rm -rf build build-san build-fuzz build-vg build-zlib

.PHONY: all check docs format-check sanitize acceptance bench contrib-check \
	prom-check integration html-check \
	fuzz badinput valgrind reasons-score install uninstall deb clean

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)
