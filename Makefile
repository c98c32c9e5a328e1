# lgotp - the operators' desk for LGOTP.  See README.md.
#
#   make            build ./lgotp
#   make run        install missing Debian packages, build, open the TUI on ./data
#   make test       install missing packages, then every test (plain and ASan/UBSan)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
SHAREDIR  ?= $(PREFIX)/share/lgotp
MANDIR    ?= $(PREFIX)/share/man/man1
LOCALEDIR ?= $(PREFIX)/share/locale
DESTDIR   ?=

CC        ?= cc
BUILD     ?= build
SAN       ?=
PKGS      := ncursesw formw menuw lmdb
TEST_PKGS := cmocka vterm

OPT       ?= -O2
CFLAGS    ?= $(OPT) -g
WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
# The catalogue is looked for in the build directory (relative: only when
# run from the checkout), then where make install puts it.
DEFS      := -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -DLGOTP_SHAREDIR='"$(SHAREDIR)"' \
             -DLGOTP_LOCALEDIR='"$(LOCALEDIR)"' -DLGOTP_BUILD_LOCALEDIR='"$(BUILD)/locale"'
ifneq ($(SAN),)
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
# ncurses' .pc asks for _XOPEN_SOURCE=600; the project is built for 700 throughout.
PKG_CFLAGS = $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -liniparser
# libunistring (NFKC) is opened by src/text.c when first needed, not linked:
# loading it cost every start more than any other library.  Its soname, as
# the linker would find it.
UNISTRING_SONAME := $(shell objdump -p $$($(CC) -print-file-name=libunistring.so) 2>/dev/null | \
	awk '/SONAME/ { print $$2 }')
ifneq ($(UNISTRING_SONAME),)
DEFS      += -DUNISTRING_SONAME='"$(UNISTRING_SONAME)"'
endif
# The fuzz targets (also replayed by a unit test) check lgotp's UTF-8
# against libunistring's own u8_check, an oracle independent of src/text.c.
ORACLE_LIBS := -lunistring
ALL_CFLAGS = $(WARN) $(DEFS) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -Isrc -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

SRC       := $(wildcard src/*.c)
OBJ       := $(SRC:src/%.c=$(BUILD)/%.o)
LIBOBJ    := $(filter-out $(BUILD)/main.o,$(OBJ))
LIBA      := $(BUILD)/liblgotp.a
BIN       := $(if $(SAN),$(BUILD)/lgotp,lgotp)
# The Japanese texts (src/i18n.h): src/po/ja.po compiled by msgfmt.
MO        := $(BUILD)/locale/ja/LC_MESSAGES/lgotp.mo

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
E2E_SRC   := $(wildcard tests/e2e/test_*.c)
E2E_BIN   := $(E2E_SRC:tests/e2e/%.c=$(BUILD)/tests/e2e_%)
E2E_LIB   := $(BUILD)/tests/vt.o $(BUILD)/tests/e2e.o

.PHONY: all run test check test-run deps fuzz-deps install uninstall clean demo bench fuzz

all: $(BIN) $(MO)

# The program links the form and menu libraries, LMDB and iniparser in from
# their Debian archives (README, "Linking"): each shared library costs every
# start its loading, which is most of what lgotp's start has over dialog's.
# They read only what lgotp gives them: the database, the conf files.
# ncurses, which reads TERM and the terminfo files a user may point it at,
# stays shared with the C library, so its security updates reach lgotp
# without a rebuild.  The archives are prerequisites: `make` after an
# upgrade of their -dev packages links again.
LINKED_IN := formw menuw lmdb iniparser
LINKED_IN_A = $(foreach l,$(LINKED_IN),$(shell $(CC) -print-file-name=lib$(l).a))
SHARED_LIBS = $(shell pkg-config --libs ncursesw 2>/dev/null)

$(BIN): $(BUILD)/main.o $(LIBA) $(filter /%,$(LINKED_IN_A))
	$(CC) $(ALL_LDFLAGS) -o $@ $(BUILD)/main.o $(LIBA) $(LINKED_IN_A) $(SHARED_LIBS)

$(LIBA): $(LIBOBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

# --check: printf formats of each translation against its msgid, and the header.
$(MO): src/po/ja.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBA) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(ALL_LDFLAGS) $(LIBA) \
		$(PKG_LIBS) $(ORACLE_LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/tests/%.o: tests/e2e/%.c tests/e2e/vt.h tests/e2e/e2e.h | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Itests/e2e $(shell pkg-config --cflags vterm) -c -o $@ $<

$(BUILD)/tests/e2e_%: tests/e2e/%.c $(E2E_LIB) $(LIBA) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Itests/e2e $(shell pkg-config --cflags cmocka vterm) -o $@ $< $(E2E_LIB) \
		$(ALL_LDFLAGS) $(LIBA) $(PKG_LIBS) $(shell pkg-config --libs cmocka vterm) -lutil

# Installs what the build and the tests need from Debian, only when missing.
deps:
	@missing=""; \
	for pair in ncursesw:libncurses-dev formw:libncurses-dev menuw:libncurses-dev \
	            lmdb:liblmdb-dev cmocka:libcmocka-dev vterm:libvterm-dev; do \
		pc=$${pair%%:*}; deb=$${pair#*:}; \
		pkg-config --exists $$pc 2>/dev/null || missing="$$missing $$deb"; \
	done; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	command -v msgfmt >/dev/null && command -v xgettext >/dev/null || missing="$$missing gettext"; \
	[ -f /usr/include/iniparser/iniparser.h ] || missing="$$missing libiniparser-dev"; \
	[ -f /usr/include/unistr.h ] || missing="$$missing libunistring-dev"; \
	[ -f /usr/share/iso-codes/json/iso_3166-1.json ] || missing="$$missing iso-codes"; \
	[ -n "$$missing" ] || exit 0; \
	missing=$$(printf '%s\n' $$missing | sort -u | tr '\n' ' '); \
	echo "lgotp: installing Debian packages:$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null; then sudo="sudo"; \
	else echo "lgotp: these packages are missing: $$missing"; \
	     echo "lgotp: install them as root (apt-get install $$missing), then run make again"; exit 1; fi; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	|| { $$sudo apt-get update -q && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; } \
	|| { echo "lgotp: apt-get could not install:$$missing"; exit 1; }

run: deps
	$(MAKE) all
	@[ -f data/data.mdb ] || $(MAKE) demo
	./lgotp --db data

# The demo database: the ministry's full code sheet when ../shared/data is
# beside the checkout, then a few bodies' contacts and survey answers.
SHEET := ../shared/data/soumu_lg_codes_utf8bom.csv
DEMO := body office trainee survey1 survey2 survey3 request briefing cost counsel advice report \
        history
demo: lgotp
	@if [ -f $(SHEET) ]; then ./lgotp --db data --mode upsert import body $(SHEET); fi
	@for s in $(DEMO); do ./lgotp --db data --mode upsert import $$s conf/demo/$$s.csv || exit 1; done

# Every test, plain and then under AddressSanitizer and UBSan.
test: deps
	$(MAKE) test-run
	$(MAKE) BUILD=build/asan SAN=1 OPT=-O1 test-run

check: test

test-run: $(BIN) $(MO) $(UNIT_BIN) $(E2E_BIN)
	@LGOTP_BIN=./$(BIN) tests/run $(UNIT_BIN) $(E2E_BIN)

# The benchmark: bytes, keystrokes and times through a pseudo-terminal,
# against dialog in the same run (tests/bench/; writes bench/results.md).
BENCH_SRC := $(wildcard tests/bench/*.c)
$(BUILD)/bench: $(BENCH_SRC) $(E2E_LIB) $(LIBA) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Itests/e2e -Itests/bench $(shell pkg-config --cflags vterm) -o $@ \
		$(BENCH_SRC) $(E2E_LIB) $(ALL_LDFLAGS) $(LIBA) $(PKG_LIBS) $(shell pkg-config --libs vterm) -lutil -lm

bench: deps lgotp $(BUILD)/bench
	@command -v dialog >/dev/null || { echo "lgotp: installing dialog (the benchmark's peer)"; \
		$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dialog sqlite3; }
	LGOTP_BIN=./lgotp $(BUILD)/bench

# Fuzzing with libFuzzer (clang): one target per parser, tests/fuzz/fuzz_*.c;
# FUZZ_SECONDS each.  Crashing inputs kept in tests/fuzz/regress/ run in make test.
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIBSRC := $(filter-out src/main.c src/tui.c src/ui_%.c,$(SRC))
build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_LIBSRC)
	@mkdir -p build/fuzz
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(DEFS) $(PKG_CFLAGS) -Isrc -Itests/fuzz -o $@ $< $(FUZZ_LIBSRC) $(PKG_LIBS) $(ORACLE_LIBS)

# clang and libFuzzer's runtime, only when fuzzing.
fuzz-deps: deps
	@missing=""; command -v clang >/dev/null || missing="clang"; \
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 \
		|| missing="$$missing libclang-rt-14-dev"; \
	[ -z "$$missing" ] || { echo "lgotp: installing$$missing"; \
		$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q $$missing; }

# Each target for FUZZ_SECONDS with its own options; a crash fails the run
# (the fuzzer's status, not the log's tail, decides).
fuzz: fuzz-deps $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
		echo "== $$n ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) $$(cat tests/fuzz/$$n.options 2>/dev/null) \
			-artifact_prefix=build/fuzz/$$n- build/fuzz/corpus/$$n tests/fuzz/seeds/$$n \
			> build/fuzz/$$n.log 2>&1; rc=$$?; \
		grep -E "^(Done|#[0-9]+ +DONE)|ERROR|SUMMARY" build/fuzz/$$n.log | tail -3; \
		[ $$rc -eq 0 ] || { echo "lgotp: $$n failed: build/fuzz/$$n.log"; exit 1; }; done

install: lgotp $(MO)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/screens $(DESTDIR)$(SHAREDIR)/conf/years \
		$(DESTDIR)$(SHAREDIR)/conf/practice $(DESTDIR)$(MANDIR) $(DESTDIR)$(LOCALEDIR)/ja/LC_MESSAGES
	install -m 755 lgotp $(DESTDIR)$(BINDIR)/lgotp
	install -m 644 screens/*.ini $(DESTDIR)$(SHAREDIR)/screens/
	install -m 644 conf/*.ini $(DESTDIR)$(SHAREDIR)/conf/
	install -m 644 conf/years/*.ini $(DESTDIR)$(SHAREDIR)/conf/years/
	install -m 644 conf/practice/*.ini $(DESTDIR)$(SHAREDIR)/conf/practice/
	install -m 644 src/lgotp.1 $(DESTDIR)$(MANDIR)/lgotp.1
	install -m 644 $(MO) $(DESTDIR)$(LOCALEDIR)/ja/LC_MESSAGES/lgotp.mo

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lgotp $(DESTDIR)$(MANDIR)/lgotp.1 \
		$(DESTDIR)$(LOCALEDIR)/ja/LC_MESSAGES/lgotp.mo
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build lgotp

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d) $(E2E_BIN:=.d)
