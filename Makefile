# bouncestat - a plain Makefile.  Everything except src/main.c builds into
# build/libbouncestat.a, which the binary and the tests both link.
#
#   make            build build/bouncestat
#   make check      unit tests (Check) and end-to-end transcripts
#   make sanitize   the same tests built with ASan and UBSan (build-san/)
#   make install    PREFIX=/usr/local DESTDIR= : binary, patterns, man page
#   make contrib-check   shellcheck and run the contrib/ scripts for real
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
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check)

VERSION := 0.1.0
ALL_CFLAGS = -std=c11 -pthread -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-DBS_VERSION='"$(VERSION)"' -Isrc -I$(BUILD) \
	$(WARN) $(DEPS_CFLAGS) $(CFLAGS)

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

check: $(BUILD)/bouncestat $(BUILD)/check_all
	sh tests/e2e.sh $(BUILD)/bouncestat
	sh tests/rotation.sh $(BUILD)/bouncestat
	cd tests && $(abspath $(BUILD))/check_all

SAN_FLAGS = -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
# One Check runner per suite (tests/check_main.c says why).
sanitize:
	BS_CHECK_EACH=1 $(MAKE) BUILD=build-san CFLAGS="$(SAN_FLAGS)" \
	    LDFLAGS="$(SAN_FLAGS)" check

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

# FUZZ_SECONDS per target (default 60); needs clang with libFuzzer.
fuzz:
	sh tests/fuzz/run.sh

badinput: $(BUILD)/bouncestat
	sh tests/badinput.sh $(BUILD)/bouncestat

valgrind: $(BUILD)/bouncestat
	sh tests/valgrind.sh $(BUILD)/bouncestat

bench: $(BUILD)/bouncestat
	sh bench/run.sh $(BUILD)/bouncestat

contrib-check: $(BUILD)/bouncestat
	sh tests/contrib.sh $(BUILD)/bouncestat

clean:
	rm -rf build build-san build-fuzz build-vg build-zlib

.PHONY: all check sanitize acceptance bench contrib-check fuzz badinput \
	valgrind install uninstall clean

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)
