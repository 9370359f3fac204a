# slicer-mcp: build, test and demo.  Dependencies come from pkg-config only.
CC      ?= cc
# make PLATFORM=posix: the gateway built from POSIX.1-2008 with XSI alone (no glibc
# extensions, no inotify or /proc: src/util/platform.c polls), in its own
# build tree; CI builds and tests it too.
PLATFORM ?= linux
ifeq ($(PLATFORM),posix)
BUILD   ?= build-posix
endif
BUILD   ?= build
PKGS    ?= libcurl libcjson yaml-0.1 libpng libmicrohttpd zlib gnutls nettle
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2
OPT     ?= -O2 -g
SAN     ?=
# The pkg-config answers are read when a recipe first needs them, then kept:
# read when the Makefile is parsed, they would be empty on a fresh machine,
# where check-deps installs the packages only after that.
PKG_CFLAGS = $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null))$(PKG_CFLAGS)
# slicer-mcp loads libcurl on its first REST call and libmicrohttpd when
# --http starts (src/slicer/backend.c, src/transport/http_mhd.c): their dependency trees cost
# milliseconds of every start.  GnuTLS likewise, when an OAuth token is first
# checked (src/policy/jwt.c).  It links the rest; the tests use libcurl.
PKG_LIBS   = $(eval PKG_LIBS := $(shell pkg-config --libs $(filter-out libcurl libmicrohttpd gnutls,$(PKGS)) 2>/dev/null))$(PKG_LIBS)
CURL_LIBS  = $(eval CURL_LIBS := $(shell pkg-config --libs libcurl 2>/dev/null))$(CURL_LIBS)
FEATURES    = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
ALL_CFLAGS  = -std=c11 $(FEATURES) -pthread $(OPT) $(SAN) $(WARN) \
              $(PKG_CFLAGS) -Isrc -Itests/lib -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)
LIBS        = $(PKG_LIBS) -lm -pthread -ldl
TEST_LIBS   = $(LIBS) $(CURL_LIBS)

# The gateway: every src/LAYER/*.c but main.c goes into a static library
# that the unit tests link too, so tests exercise the very objects the
# binary uses.  src/README.md says what each layer folder owns.
CORE_SRC := $(filter-out src/app/main.c,$(wildcard src/*/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
SIM_SRC  := $(wildcard tests/slicer-sim/*.c)
SIM_OBJ  := $(SIM_SRC:%.c=$(BUILD)/%.o)
TLIB_SRC := $(wildcard tests/lib/*.c)
TLIB_OBJ := $(TLIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
SIMT_SRC := $(wildcard tests/sim/test_*.c)
E2E_SRC  := $(wildcard tests/e2e/test_*.c)
TEST_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%) \
            $(SIMT_SRC:tests/sim/%.c=$(BUILD)/tests/%) \
            $(E2E_SRC:tests/e2e/%.c=$(BUILD)/tests/%)

.PHONY: all test asan demo bench clean install deps check-deps fuzz soak valgrind
# Test objects are intermediates of pattern rules; keep them between runs.
.SECONDARY:
all: check-deps $(BUILD)/slicer-mcp $(BUILD)/slicer-sim

ifeq ($(PLATFORM),posix)
$(BUILD)/src/%.o: FEATURES = -D_XOPEN_SOURCE=700 -DSLICER_MCP_POSIX_ONLY
# The tests keep their features; this one learns which build it checks.
$(BUILD)/tests/unit/test_platform.o: FEATURES += -DSLICER_MCP_POSIX_ONLY
endif

# Names the pkg-config modules that are missing.  make test and make demo
# (and CI) also install them as root on Debian, as the README says; a
# plain make only prints the command.
DEPS_INSTALL = $(if $(filter test demo asan,$(MAKECMDGOALS)),--install)
check-deps:
	@pkg-config --exists $(PKGS) 2>/dev/null || sh .ci/deps.sh $(DEPS_INSTALL) $(PKGS)

# Every object waits for check-deps (order only: it never forces a rebuild).
$(BUILD)/%.o: %.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libslicermcp.a: $(CORE_OBJ) $(BUILD)/gen/tool_schema.o
	@rm -f $@
	ar rcs $@ $^

# tools.d's own schema is compiled into the binary, so editing the file in
# schemas/ cannot loosen what the gateway accepts (a test checks they match).
$(BUILD)/gen/tool_schema.c: schemas/tool.schema.json
	@mkdir -p $(dir $@)
	{ echo '/* Generated from schemas/tool.schema.json by the Makefile; do not edit. */'; \
	  echo '#include "catalog/tool_schema.h"'; \
	  echo 'const char tool_schema_json[] = {'; \
	  od -An -v -tx1 $< | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00 };'; \
	  echo 'const size_t tool_schema_json_len = sizeof tool_schema_json - 1;'; \
	} > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/tool_schema.o: $(BUILD)/gen/tool_schema.c | check-deps
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/slicer-mcp: $(BUILD)/src/app/main.o $(BUILD)/libslicermcp.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/slicer-sim: $(SIM_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TLIB_OBJ) $(BUILD)/libslicermcp.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(BUILD)/tests/%: $(BUILD)/tests/sim/%.o $(TLIB_OBJ) $(BUILD)/libslicermcp.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(BUILD)/tests/%: $(BUILD)/tests/e2e/%.o $(TLIB_OBJ) $(BUILD)/libslicermcp.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

# The Node.js suites (the official MCP conformance suite, an SDK client,
# the OAuth mode behind a real OpenID provider, and /metrics through a
# Prometheus text-format parser) run through small wrappers so tests/run.sh
# counts them like the rest.
NODE_TESTS := $(BUILD)/tests/test_conformance $(BUILD)/tests/test_sdk $(BUILD)/tests/test_oauth \
              $(BUILD)/tests/test_prom
$(NODE_TESTS): $(BUILD)/tests/test_%:
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec sh tests/%s/run.sh %s\n' $* $(BUILD) > $@ && chmod +x $@

# The include rules of src/README.md, checked by a shell script.
$(BUILD)/tests/test_layers: tests/layers/check.sh tests/layers/run.sh
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec sh tests/layers/run.sh\n' > $@ && chmod +x $@

# make test: build everything, then run every test program; tests/run.sh
# prints the closing "N passed, N failed" line.
test: all $(TEST_BIN) $(NODE_TESTS) $(BUILD)/tests/test_layers
	@sh tests/run.sh $(BUILD)

# The same tests under AddressSanitizer and UBSan, in their own build tree.
asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

demo: all $(BUILD)/slicer-mcp-demo
	@sh tests/demo.sh $(BUILD)

$(BUILD)/slicer-mcp-demo: $(BUILD)/tests/demo/demo.o $(TLIB_OBJ) $(BUILD)/libslicermcp.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

bench: all
	@sh tests/bench/run.sh $(BUILD)

# libFuzzer harnesses of every parser of outside input (clang), each run for
# FUZZ_SECONDS; FUZZ_JOBS runs several at once.
FUZZ_SECONDS ?= 60
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# 100,000 mixed calls over stdio and HTTP with random Slicer faults; not
# part of make test (about 20 minutes).
soak: all
	sh tests/soak/run.sh $(BUILD)

# Every end-to-end program with each gateway under valgrind memcheck.
valgrind: all $(TEST_BIN)
	sh tests/valgrind.sh $(BUILD)

# make install [DESTDIR=...] [PREFIX=...]: the binary, tools.d (with the
# redaction rules) and schemas under DATADIR, where the binary looks by
# default, a man page, an example config, an nginx snippet and a systemd unit.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/slicer-mcp
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/slicer-mcp
UNITDIR ?= $(PREFIX)/lib/systemd/system
INST_DATA := $(wildcard tools.d/*.yaml) tools.d/README.md $(wildcard tools.d/redact/*.yaml) \
             $(wildcard schemas/*.json)

# The install paths compiled in change only settings.o and the unit; the
# stamp changes when they do, so "make install PREFIX=/opt/x" rebuilds both.
$(BUILD)/gen/paths: FORCE
	@mkdir -p $(dir $@)
	@echo '$(BINDIR) $(DATADIR) $(DOCDIR)' | cmp -s - $@ || echo '$(BINDIR) $(DATADIR) $(DOCDIR)' > $@
$(BUILD)/src/app/settings.o: ALL_CFLAGS += -DSLICER_MCP_DATADIR='"$(DATADIR)"'
$(BUILD)/src/app/settings.o: $(BUILD)/gen/paths
$(BUILD)/slicer-mcp.service: src/app/slicer-mcp.service.in $(BUILD)/gen/paths
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' $< > $@
.PHONY: FORCE uninstall
FORCE:

install: $(BUILD)/slicer-mcp $(BUILD)/slicer-mcp.service
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/tools.d/redact $(DESTDIR)$(DATADIR)/schemas \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BUILD)/slicer-mcp $(DESTDIR)$(BINDIR)/slicer-mcp
	for f in $(INST_DATA); do install -m 0644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	install -m 0644 src/app/slicer-mcp.8 $(DESTDIR)$(MANDIR)/man8/slicer-mcp.8
	install -m 0644 src/app/slicer-mcp.conf.example $(DESTDIR)$(DOCDIR)/slicer-mcp.conf.example
	install -m 0644 src/app/nginx-slicer-mcp.conf $(DESTDIR)$(DOCDIR)/nginx-slicer-mcp.conf
	install -m 0644 $(BUILD)/slicer-mcp.service $(DESTDIR)$(UNITDIR)/slicer-mcp.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/slicer-mcp $(DESTDIR)$(MANDIR)/man8/slicer-mcp.8 \
	    $(DESTDIR)$(DOCDIR)/slicer-mcp.conf.example $(DESTDIR)$(DOCDIR)/nginx-slicer-mcp.conf \
	    $(DESTDIR)$(UNITDIR)/slicer-mcp.service \
	    $(addprefix $(DESTDIR)$(DATADIR)/,$(INST_DATA))
	-rmdir $(DESTDIR)$(DATADIR)/tools.d/redact $(DESTDIR)$(DATADIR)/tools.d $(DESTDIR)$(DATADIR)/schemas \
	    $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build build-asan build-fuzz build-posix tests/out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Dependency files are never made by a rule.  Without these two, make
# searched the three $(BUILD)/tests/% rules and its built-in ones,
# recursively, for a way to remake each included .d file under
# $(BUILD)/tests: with every test built, a make install (test_e2e_install)
# took 4 minutes and 1 GB on a loaded 2-CPU machine; now 0.1 s.
$(BUILD)/tests/%.d: ;
$(BUILD)/%.d: ;
