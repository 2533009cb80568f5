# Charter: one non-recursive Makefile. Outputs go under build/.
#   make            build build/charter
#   make deps       install the Debian packages the build and tests need
#                   (make deps-build: only what building and running charter needs)
#   make test       install, build, run every test, then all again under ASan+UBSan
#   make demo       check and format an example (see README.md)
#   make bench      time check and fmt on generated programs of growing size
#   make bench-compare BASE=REV  the same workloads beside REV's charter, in one run
#   make leakcheck  golden and bad cases under valgrind; make fuzz: libFuzzer (front end, CSV, import, rules, report, lsp)
#   make install    PREFIX=/usr/local DESTDIR= (also: make uninstall)
#   make po         refresh build/charter.pot and merge it into runtime/po/*.po

CC       ?= cc
CFLAGS   ?= -O2 -g
PREFIX   ?= /usr/local
# Where make install puts the catalogs, and where charter looks for them.
LOCALEDIR ?= $(PREFIX)/share/locale
B        := build

WARN     := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
GENWARN  := -std=c11 -Wno-unused-function -Wno-unused-parameter -Wno-sign-compare
# libgvc with the two Graphviz plugins charter links in (see runtime/draw.c).
GVC_CFLAGS = $(shell pkg-config --cflags libgvc 2>/dev/null)
GVC_PLUG   = $(shell pkg-config --variable=libdir libgvc 2>/dev/null)/graphviz
GVC_LIBS   = $(shell pkg-config --libs libgvc 2>/dev/null) -L$(GVC_PLUG) -lgvplugin_core -lgvplugin_dot_layout \
             -Wl,-rpath,$(GVC_PLUG)
# Each layer sees only its own headers and those below it (docs/HACKING.md):
# lang/ the front end and the model, runtime/ the engine, runtime/cli/ the
# command line. tests/layers.sh checks the same of the #include lines.
LANG_INC  = -Ilang -I$(B)/gen
RT_INC    = -Ilang -Iruntime -I$(B)/gen $(GVC_CFLAGS) $(SQLITE_CFLAGS) $(PQ_CFLAGS) $(JANSSON_CFLAGS)
CLI_INC   = -Ilang -Iruntime -Iruntime/cli -I$(B)/gen $(GVC_CFLAGS) $(SQLITE_CFLAGS) $(PQ_CFLAGS) $(JANSSON_CFLAGS)
INC       = $(CLI_INC)
# The include path of one source file, by its layer.
inc_for   = $(if $(filter lang/% $(B)/gen/parser.c $(B)/gen/lexer.c $(B)/gen/stdlib.c,$1),$(LANG_INC),$(if $(filter runtime/cli/% $(B)/gen/new_files.c,$1),$(CLI_INC),$(RT_INC)))
DEPFLAGS := -MMD -MP
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SQLITE_CFLAGS = $(shell pkg-config --cflags sqlite3 2>/dev/null)
SQLITE_LIBS   = $(shell pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)
# jansson reads the language server's JSON (runtime/lsp.c).
JANSSON_CFLAGS = $(shell pkg-config --cflags jansson 2>/dev/null)
JANSSON_LIBS   = $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
# libpq: the PostgreSQL engine of the store (runtime/store_pg.c).
PQ_CFLAGS = $(shell pkg-config --cflags libpq 2>/dev/null)
PQ_LIBS   = $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq)
# The store's engines and what they link.
STORE_SRC  := runtime/store_sqlite.c runtime/store_pg.c
STORE_LIBS  = $(SQLITE_LIBS) $(PQ_LIBS)
LIBS      = $(GVC_LIBS) $(STORE_LIBS) $(JANSSON_LIBS) -lm

# What building and running charter needs (the demo installs only these),
# and what the tests add (unit tests, golden diffs, JSON/SVG/man page checks,
# the report in a browser).
BUILD_PKGS := gcc make flex bison pkg-config libgraphviz-dev libsqlite3-dev libjansson-dev libpq-dev gettext
TEST_PKGS  := libcmocka-dev graphviz sqlite3 postgresql diffutils jq libxml2-utils groff-base chromium nodejs npm neovim unzip python3-yaml
DEB_PKGS   := $(BUILD_PKGS) $(TEST_PKGS)
# make deps installs DEPS_PKGS; deps-build and deps-test install one half;
# leakcheck and fuzz add what they need.
DEPS_PKGS ?= $(DEB_PKGS)

LANG_SRC := $(wildcard lang/*.c)
RT_SRC   := $(wildcard runtime/*.c)
CLI_SRC  := $(wildcard runtime/cli/*.c) $(B)/gen/new_files.c
GEN_SRC  := $(B)/gen/parser.c $(B)/gen/lexer.c $(B)/gen/stdlib.c
# libcharter.a is the front end and the engine; the command line links on top.
LIB_SRC  := $(LANG_SRC) $(RT_SRC) $(GEN_SRC)
STDLIB   := $(sort $(wildcard stdlib/*.charter))
UNIT_SRC := $(wildcard tests/unit/test_*.c)

# Two variants share the sources: plain in build/, sanitized in build/asan/.
OBJ      := $(B)/obj
AOBJ     := $(B)/asan/obj
LIB_OBJ  := $(LIB_SRC:%.c=$(OBJ)/%.o)
LIB_AOBJ := $(LIB_SRC:%.c=$(AOBJ)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(OBJ)/%.o)
CLI_AOBJ := $(CLI_SRC:%.c=$(AOBJ)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
UNIT_ABIN:= $(UNIT_SRC:tests/unit/%.c=$(B)/asan/tests/%)
TOOLS    := $(B)/tests/roundtrip $(B)/asan/tests/roundtrip
# The translations of charter's own words (runtime/i18n.h): one catalog per
# runtime/po/LANG.po, beside each binary (build/locale, build/asan/locale).
PO_FILES := $(sort $(wildcard runtime/po/*.po))
PO_LANGS := $(PO_FILES:runtime/po/%.po=%)
MO       := $(PO_LANGS:%=$(B)/locale/%/LC_MESSAGES/charter.mo)
AMO      := $(PO_LANGS:%=$(B)/asan/locale/%/LC_MESSAGES/charter.mo)
# What xgettext reads: the sources of the engine and the command line.
PO_SRC   := $(sort $(wildcard runtime/*.c runtime/cli/*.c))
XGETTEXT_FLAGS := --language=C --from-code=UTF-8 --keyword --keyword=_ --keyword=N_ --keyword=P_:1,2 \
             --add-comments=TRANSLATORS: --add-location=file --package-name=charter --force-po

CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

.PHONY: all deps deps-build deps-test test test-run demo bench bench-compare install uninstall clean asan leakcheck fuzz po FORCE
all: $(B)/charter $(MO)

# ---- generated sources ----
$(B)/gen/parser.c $(B)/gen/parser.h &: lang/parser.y
	@mkdir -p $(@D)
	bison -Wall -Werror -d -o $(B)/gen/parser.c $<
$(B)/gen/lexer.c $(B)/gen/lexer.h &: lang/lexer.l $(B)/gen/parser.h
	@mkdir -p $(@D)
	flex -CF --header-file=$(B)/gen/lexer.h -o $(B)/gen/lexer.c $<
$(B)/gen/stdlib.c: stdlib/embed.sh $(STDLIB)
	@mkdir -p $(@D)
	sh stdlib/embed.sh $@ program.h StdlibFile charter_stdlib $(foreach f,$(STDLIB),$(basename $(notdir $(f)))=$(f))
# What `charter new` writes (DEST=SRC pairs).
NEW_FILES := coalition.charter=runtime/cli/new/coalition.charter measurements.csv=runtime/cli/new/measurements.csv \
             README.md=runtime/cli/new/README.md .gitignore=runtime/cli/new/gitignore \
             .github/workflows/charter.yml=runtime/cli/new/github-workflow.yml
$(B)/gen/new_files.c: stdlib/embed.sh $(foreach f,$(NEW_FILES),$(lastword $(subst =, ,$(f))))
	@mkdir -p $(@D)
	sh stdlib/embed.sh $@ cli.h NewFile charter_new_files $(NEW_FILES)

# Where `charter new` tells the starter's workflow to clone charter from:
# make CHARTER_SOURCE=https://... (or the environment), else this checkout's
# origin; kept only when it is an https:// address (see runtime/cli/new/source.sh).
CHARTER_SOURCE ?= $(shell git config --get remote.origin.url 2>/dev/null)
CHARTER_SOURCE := $(CHARTER_SOURCE)
$(B)/gen/source.h: FORCE
	@mkdir -p $(@D)
	@sh runtime/cli/new/source.sh $@ "$$CHARTER_SOURCE_VALUE"
$(B)/gen/source.h: export CHARTER_SOURCE_VALUE = $(CHARTER_SOURCE)
$(OBJ)/runtime/cli/new_source.o $(AOBJ)/runtime/cli/new_source.o: $(B)/gen/source.h
FORCE:

# Everything that includes the generated headers waits for them.
$(LIB_OBJ) $(LIB_AOBJ) $(CLI_OBJ) $(CLI_AOBJ): | $(B)/gen/parser.h $(B)/gen/lexer.h

# ---- objects ----
$(OBJ)/$(B)/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(GENWARN) $(call inc_for,$<) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@
$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(call inc_for,$<) $(DEFS) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@
$(AOBJ)/$(B)/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(GENWARN) $(call inc_for,$<) $(CPPFLAGS) -O1 -g $(SAN) $(DEPFLAGS) -c $< -o $@
$(AOBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(call inc_for,$<) $(DEFS) $(CPPFLAGS) -O1 -g $(SAN) $(DEPFLAGS) -c $< -o $@
# The installed catalogs' directory; i18n.o is rebuilt when it changes.
DEFS :=
$(OBJ)/runtime/i18n.o $(AOBJ)/runtime/i18n.o: DEFS = -DLOCALEDIR='"$(LOCALEDIR)"'
$(OBJ)/runtime/i18n.o $(AOBJ)/runtime/i18n.o: $(B)/gen/localedir
$(B)/gen/localedir: FORCE
	@mkdir -p $(@D)
	@echo '$(LOCALEDIR)' | cmp -s - $@ || echo '$(LOCALEDIR)' >$@

# ---- catalogs ----
$(B)/locale/%/LC_MESSAGES/charter.mo: runtime/po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<
$(B)/asan/locale/%/LC_MESSAGES/charter.mo: runtime/po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<
# For translators: the template of every marked text, merged into each
# runtime/po/LANG.po (docs/HACKING.md, "Translations").
po:
	@mkdir -p $(B)
	xgettext $(XGETTEXT_FLAGS) -o $(B)/charter.pot $(PO_SRC)
	@for po in $(PO_FILES); do \
	  echo "msgmerge $$po"; \
	  msgmerge --quiet --update --backup=none --add-location=file $$po $(B)/charter.pot && \
	  msgattrib --force-po --no-obsolete --add-location=file -o $$po $$po || exit 1; \
	done

$(B)/libcharter.a: $(LIB_OBJ)
	rm -f $@ && $(AR) rcs $@ $^
$(B)/asan/libcharter.a: $(LIB_AOBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/charter: $(CLI_OBJ) $(B)/libcharter.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)
$(B)/asan/charter: $(CLI_AOBJ) $(B)/asan/libcharter.a
	$(CC) -g $(SAN) $(LDFLAGS) -o $@ $^ $(LIBS)
asan: $(B)/asan/charter $(AMO)

# ---- tests ----
# The i18n unit test loads the catalogs of the build tree.
$(B)/tests/test_i18n: | $(MO)
$(B)/asan/tests/test_i18n: | $(MO)
$(B)/tests/%: tests/unit/%.c $(B)/libcharter.a
	@mkdir -p $(@D)
	$(CC) $(WARN) $(RT_INC) $(CPPFLAGS) $(CMOCKA_CFLAGS) $(CFLAGS) -MMD -MP -MF $@.d -o $@ $(filter %.c %.a,$^) $(CMOCKA_LIBS) $(LIBS)
$(B)/asan/tests/%: tests/unit/%.c $(B)/asan/libcharter.a
	@mkdir -p $(@D)
	$(CC) $(WARN) $(RT_INC) $(CPPFLAGS) $(CMOCKA_CFLAGS) -O1 -g $(SAN) -MMD -MP -MF $@.d -o $@ $(filter %.c %.a,$^) $(CMOCKA_LIBS) $(LIBS)
$(B)/tests/roundtrip: tests/roundtrip.c $(B)/libcharter.a
	@mkdir -p $(@D)
	$(CC) $(WARN) $(RT_INC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LIBS)
$(B)/asan/tests/roundtrip: tests/roundtrip.c $(B)/asan/libcharter.a
	@mkdir -p $(@D)
	$(CC) $(WARN) $(RT_INC) $(CPPFLAGS) -O1 -g $(SAN) -o $@ $^ $(LIBS)

test: deps
	@$(MAKE) --no-print-directory test-run

test-run: $(B)/charter $(B)/asan/charter $(MO) $(AMO) $(UNIT_BIN) $(UNIT_ABIN) $(TOOLS) $(B)/node/.installed $(B)/vscode/.installed $(B)/export-node/.installed
	@sh tests/run.sh $(B) $(B)/asan

# The browser tests' npm packages (tests/browser/report.js, html-validate), at
# the versions of the committed lock file, into build/node; again whenever the
# lock file changes. Puppeteer drives Debian's /usr/bin/chromium: never a
# downloaded browser.
$(B)/node/.installed: tests/browser/package.json tests/browser/package-lock.json
	@mkdir -p $(@D)
	cp tests/browser/package.json tests/browser/package-lock.json $(@D)/
	cd $(@D) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The export tests' JSON Schema validator (ajv, draft 2020-12; tests/export.sh),
# at the versions of tests/export's lock file, into build/export-node; no
# install scripts run.
$(B)/export-node/.installed: tests/export/package.json tests/export/package-lock.json
	@mkdir -p $(@D)
	cp tests/export/package.json tests/export/package-lock.json $(@D)/
	cd $(@D) && npm ci --ignore-scripts --omit=optional --no-audit --no-fund --loglevel=error
	@touch $@

# The VS Code extension's npm packages (vscode-languageclient, and @vscode/vsce
# to package it; tests/vscode.sh), at the versions of editors/vscode's lock
# file, into build/vscode. No install scripts run and no optional package is
# installed: nothing downloads a binary of its own.
$(B)/vscode/.installed: editors/vscode/package.json editors/vscode/package-lock.json
	@mkdir -p $(@D)
	cp editors/vscode/package.json editors/vscode/package-lock.json $(@D)/
	cd $(@D) && npm ci --ignore-scripts --omit=optional --no-audit --no-fund --loglevel=error
	@touch $@

# Golden tests under valgrind: zero leaks, zero errors.
leakcheck: deps
	@$(MAKE) --no-print-directory deps DEPS_PKGS=valgrind
	@$(MAKE) --no-print-directory $(B)/charter
	@VALGRIND=1 sh tests/run.sh $(B)

# libFuzzer over the front end (clang), seeded from the tests and examples.
# FUZZ_SECONDS=60 by default; crashes are written to build/fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L $(INC)
FUZZ_SRC := $(LANG_SRC) runtime/interp.c runtime/render.c runtime/view.c runtime/label.c runtime/present.c runtime/disclose.c runtime/obsflags.c runtime/i18n.c $(GEN_SRC)
$(B)/fuzz/fuzz_frontend: tests/fuzz/fuzz_frontend.c $(FUZZ_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -Wno-unused-function -o $@ tests/fuzz/fuzz_frontend.c $(FUZZ_SRC) \
	  $$(pkg-config --libs libcgraph) $(SQLITE_LIBS) -lm
# The CSV reader of import has its own target, seeded with every CSV of the tree.
$(B)/fuzz/fuzz_csv: tests/fuzz/fuzz_csv.c runtime/csv.c runtime/csv.h lang/util.c lang/util.h
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_csv.c runtime/csv.c lang/util.c
# The import engine, the store and eval on what it stored, one CSV file per
# input, seeded with every CSV of the tree.
FUZZ_IMPORT_SRC := $(LANG_SRC) runtime/import.c runtime/csv.c $(STORE_SRC) runtime/obsflags.c runtime/eval.c runtime/rollup.c runtime/present.c runtime/disclose.c runtime/i18n.c $(GEN_SRC)
$(B)/fuzz/fuzz_import: tests/fuzz/fuzz_import.c $(FUZZ_IMPORT_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -Wno-unused-function -o $@ tests/fuzz/fuzz_import.c $(FUZZ_IMPORT_SRC) $(STORE_LIBS) -lm
# The report's writers: a program's report (HTML and markdown, no store), or
# two charts drawn from the bytes; seeded with every program of the tree.
FUZZ_REPORT_SRC := $(FUZZ_SRC) runtime/report.c runtime/chart.c runtime/draw.c runtime/eval.c runtime/rollup.c $(STORE_SRC) runtime/export.c runtime/eval_json.c runtime/store_grant.c
$(B)/fuzz/fuzz_report: tests/fuzz/fuzz_report.c $(FUZZ_REPORT_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -Wno-unused-function -o $@ tests/fuzz/fuzz_report.c $(FUZZ_REPORT_SRC) $(GVC_LIBS) $(STORE_LIBS) -lm
# Rule evaluation with a small step budget, seeded with the programs that
# have rules or use a standard module.
$(B)/fuzz/fuzz_rules: tests/fuzz/fuzz_rules.c $(LANG_SRC) runtime/interp.c $(GEN_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_rules.c $(LANG_SRC) runtime/interp.c $(GEN_SRC) -lm
# The language server: its message reader and dispatcher over a byte stream
# (whole and in pieces), seeded with the protocol tests' message scripts.
FUZZ_LSP_SRC := $(LANG_SRC) runtime/lsp.c runtime/lsp_nav.c runtime/lsp_edit.c runtime/interp.c runtime/eval.c runtime/rollup.c runtime/present.c runtime/disclose.c runtime/obsflags.c $(STORE_SRC) runtime/i18n.c $(GEN_SRC)
$(B)/fuzz/fuzz_lsp: tests/fuzz/fuzz_lsp.c $(FUZZ_LSP_SRC)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -Wno-unused-function -o $@ tests/fuzz/fuzz_lsp.c $(FUZZ_LSP_SRC) $(JANSSON_LIBS) $(STORE_LIBS) -lm
fuzz: deps
	@$(MAKE) --no-print-directory deps DEPS_PKGS=clang
	@$(MAKE) --no-print-directory $(B)/fuzz/fuzz_frontend $(B)/fuzz/fuzz_csv $(B)/fuzz/fuzz_import $(B)/fuzz/fuzz_rules $(B)/fuzz/fuzz_report $(B)/fuzz/fuzz_lsp
	@mkdir -p $(B)/fuzz/corpus $(B)/fuzz/csv-corpus $(B)/fuzz/rules-corpus
	@find tests examples stdlib -name '*.charter' -size -64k -exec cp {} $(B)/fuzz/corpus/ \; 2>/dev/null || true
	@find tests examples -name '*.csv' -size -64k -exec cp {} $(B)/fuzz/csv-corpus/ \; 2>/dev/null || true
	@find tests examples -name '*.charter' -size -64k -exec grep -lE '^ *(rule|use) ' {} + 2>/dev/null | \
	  while read -r f; do cp "$$f" $(B)/fuzz/rules-corpus/$$(echo "$$f" | tr / _); done || true
	cd $(B)/fuzz && ./fuzz_frontend -max_total_time=$(FUZZ_SECONDS) -max_len=65536 corpus
	cd $(B)/fuzz && ./fuzz_csv -max_total_time=$(FUZZ_SECONDS) -max_len=65536 csv-corpus
	@mkdir -p $(B)/fuzz/import-corpus && cp tests/fuzz/import-seeds/*.csv $(B)/fuzz/csv-corpus/* $(B)/fuzz/import-corpus/ 2>/dev/null || true
	cd $(B)/fuzz && ./fuzz_import -max_total_time=$(FUZZ_SECONDS) -max_len=65536 import-corpus
	cd $(B)/fuzz && ./fuzz_rules -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 rules-corpus
	@mkdir -p $(B)/fuzz/report-corpus && for f in $(B)/fuzz/corpus/*; do { printf '\000'; cat "$$f"; } >"$(B)/fuzz/report-corpus/$${f##*/}"; done
	cd $(B)/fuzz && LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 ASAN_OPTIONS=fast_unwind_on_malloc=0 ./fuzz_report -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=20 report-corpus
	@mkdir -p $(B)/fuzz/lsp-corpus && for f in tests/golden/lsp/*.in; do \
	  printf '\001' >"$(B)/fuzz/lsp-corpus/$${f##*/}"; \
	  sed -n 's#@ROOT@#/nonexistent-fuzz-dir#g; /^{/p' "$$f" | while IFS= read -r m; do printf 'Content-Length: %d\r\n\r\n%s' "$$(printf '%s' "$$m" | wc -c)" "$$m"; done \
	    >>"$(B)/fuzz/lsp-corpus/$${f##*/}"; \
	done
	@for f in examples/*/*.charter tests/golden/check/*.charter; do [ -f "$$f" ] || continue; \
	  { printf '\200\003\011\001\027'; head -c 60000 "$$f"; } >"$(B)/fuzz/lsp-corpus/doc_$$(echo "$$f" | tr / _)"; done
	cd $(B)/fuzz && ./fuzz_lsp -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=20 lsp-corpus

# ---- set-up, demo, bench, install ----
# A package counts as present when it is installed or an installed package
# provides it (NodeSource's nodejs provides npm, and conflicts with Debian's).
deps:
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
	  for p in $(DEPS_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || \
	    dpkg-query -W -f='$${Status}|$${Provides}\n' 2>/dev/null | sed -n 's/^[^|]*ok installed|//p' | \
	      tr ',' '\n' | sed 's/ *(.*//; s/^ *//' | grep -qx "$$p" || missing="$$missing $$p"; \
	  done; \
	else echo "make deps: not a Debian system; install by hand:$(DEPS_PKGS)" >&2; fi; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	  else echo "make deps: need root or sudo to install:$$missing" >&2; exit 1; fi; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps-build:
	@$(MAKE) --no-print-directory deps DEPS_PKGS="$(BUILD_PKGS)"
deps-test:
	@$(MAKE) --no-print-directory deps DEPS_PKGS="$(TEST_PKGS)"

DEMO := examples/recovery-at-work
demo: deps-build
	@$(MAKE) --no-print-directory $(B)/charter
	@sh tests/demo.sh $(B) $(DEMO)

$(B)/gen-bench: tests/bench/gen.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L -O2 -o $@ $<
$(B)/measure: tests/bench/measure.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L -O2 -o $@ $<
$(B)/lspbench: tests/bench/lspbench.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -D_GNU_SOURCE -O2 -o $@ $<
bench: deps
	@$(MAKE) --no-print-directory $(B)/charter $(B)/gen-bench $(B)/measure $(B)/lspbench
	@bash tests/bench/bench.sh $(B)

# The same workloads timed beside an earlier revision's charter, in one run:
# make bench-compare BASE=REV (default: the last commit before this branch's
# work, origin/main or HEAD~1). REV is built from a clean export in build/base/.
BASE ?= HEAD~1
bench-compare: deps
	@$(MAKE) --no-print-directory $(B)/charter $(B)/gen-bench $(B)/measure
	@rm -rf $(B)/base && mkdir -p $(B)/base/src
	git archive --format=tar $(BASE) | tar -x -C $(B)/base/src
	@$(MAKE) --no-print-directory -C $(B)/base/src build/charter CHARTER_SOURCE= >$(B)/base/build.log 2>&1 || \
	  { echo "bench-compare: building $(BASE) failed; see $(B)/base/build.log" >&2; exit 1; }
	@bash tests/bench/compare.sh $(B) $(CURDIR)/$(B)/base/src/build/charter

install: $(B)/charter $(MO)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/charter/stdlib $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/charter $(DESTDIR)$(PREFIX)/bin/charter
	install -m 644 $(STDLIB) $(DESTDIR)$(PREFIX)/share/charter/stdlib/
	install -m 644 docs/charter.1 $(DESTDIR)$(PREFIX)/share/man/man1/charter.1
	@for l in $(PO_LANGS); do \
	  echo "install $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/charter.mo"; \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  install -m 644 $(B)/locale/$$l/LC_MESSAGES/charter.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/charter.mo || exit 1; \
	done
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/charter
	rm -f $(PO_LANGS:%=$(DESTDIR)$(LOCALEDIR)/%/LC_MESSAGES/charter.mo)
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/charter.1
	rm -rf $(DESTDIR)$(PREFIX)/share/charter

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
