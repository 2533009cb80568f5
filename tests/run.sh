#!/bin/sh
# Runs every test against one or more builds, then tests/layers.sh once
# against the first, and ends with one line "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR [BUILD_DIR...]
# Each BUILD_DIR holds charter and tests/ (unit tests, roundtrip).
# UPDATE=1 rewrites the expected files of golden tests (review the diff).
# VALGRIND=1 runs the golden tests under valgrind (make leakcheck).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
failures=""
note_fail() { fail=$((fail + 1)); failures="$failures
  $1"; }

# The valgrind prefix of make leakcheck (VALGRIND=1), or nothing.
valgrind_wrap() {
  [ "${VALGRIND:-0}" = 1 ] && echo "valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=98"
}

# expect_output BIN ACTUAL EXPECTED_FILE: one pass when they match, else a
# failure with the diff; UPDATE=1 first rewrites EXPECTED_FILE from the
# plain build.
expect_output() {
  if [ "${UPDATE:-0}" = 1 ] && [ "$1" = "$top/build/charter" ]; then
    printf '%s\n' "$2" >"$3"
  fi
  if [ -f "$3" ] && [ "$(cat "$3")" = "$2" ]; then
    pass=$((pass + 1))
    return 0
  fi
  note_fail "$3 ($1)"
  if [ -f "$3" ]; then
    printf '%s\n' "$2" | diff -u "$3" - | head -30
  else
    echo "missing $3; run UPDATE=1 make test and review it"
  fi
  return 1
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
unset NO_COLOR CHARTER_PATH CHARTER_DB
export TERM=dumb

run_unit() { # BUILD
  for t in "$1"/tests/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
    pass=$((pass + p))
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
      [ "$f" -eq 0 ] && f=1
      fail=$((fail + f))
      failures="$failures
  $t (exit $rc)"
      printf '%s\n' "$out" | grep -E 'FAILED|ERROR|error|Sanitizer' | head -20
    fi
  done
}

# One golden case: the command's stdout, then its stderr, then "[exit N]".
# A case NAME.charter (or directory NAME/ with main.charter) may have
# NAME.args with extra arguments placed before the file, and NAME.env with
# VAR=value words for its environment (paths relative to the suite's
# directory, the case's working directory).
golden_case() { # CHARTER CMD INPUT EXPECTED DIR
  bin=$1 cmd=$2 input=$3 expected=$4 dir=$5
  args=""
  base=${expected%.*}
  [ -f "$base.args" ] && args=$(cat "$base.args")
  envs=""
  [ -f "$base.env" ] && envs=$(cat "$base.env")
  wrap=$(valgrind_wrap)
  # shellcheck disable=SC2086
  actual=$(cd "$dir" && { env $envs timeout 20 $wrap "$bin" $cmd $args "$input" 2>/tmp/charter-stderr.$$; echo "[exit $?]" >/tmp/charter-rc.$$; } ; cat /tmp/charter-stderr.$$ /tmp/charter-rc.$$)
  rm -f /tmp/charter-stderr.$$ /tmp/charter-rc.$$
  expect_output "$bin" "$actual" "$expected"
}

# Every NAME.charter or NAME/main.charter of tests/SUITE against NAME.out.
golden_suite() { # CHARTER SUITE CMD
  d="$top/tests/$2"
  [ -d "$d" ] || return 0
  for f in "$d"/*.charter "$d"/*/main.charter; do
    [ -f "$f" ] || continue
    rel=${f#"$d"/}
    # tests/bad/csv/ holds the program of the bad CSVs (run_bad_csv)
    [ "$rel" = csv/main.charter ] && [ "$2" = bad ] && continue
    case $rel in
    */main.charter) expected="$d/${rel%/main.charter}.out" ;;
    *) expected="$d/${rel%.charter}.out" ;;
    esac
    golden_case "$1" "$3" "$rel" "$expected" "$d" || continue
    # A malformed program must never be accepted.
    if [ "$2" = bad ] && tail -n 1 "$expected" | grep -q '^\[exit 0\]$'; then
      note_fail "$expected: a bad program exits 0"
    fi
  done
}

run_golden() { # CHARTER
  bin=$1
  for suite in golden/check bad; do
    golden_suite "$bin" "$suite" check
  done
  # render: the DOT of a view (-T dot unless NAME.args says otherwise).
  golden_suite "$bin" golden/render "render -T dot"
  d="$top/tests/golden/fmt"
  for f in "$d"/*.charter; do
    [ -f "$f" ] || continue
    rel=${f#"$d"/}
    golden_case "$bin" fmt "$rel" "$d/${rel%.charter}.fmt" "$d"
  done
}

# Store cases: tests/golden/store/NAME/ holds a program (main.charter and
# what it imports), CSV files and `cmds`, one charter command line a line
# (# comments allowed), run in order in a scratch copy of the directory;
# NAME.out has, per command, "$ charter LINE", its stdout, its stderr and
# "[exit N]".
run_store() { # CHARTER
  bin=$1
  d="$top/tests/golden/store"
  wrap=$(valgrind_wrap)
  [ -d "$d" ] || return 0
  for c in "$d"/*/cmds; do
    [ -f "$c" ] || continue
    case_dir=$(dirname "$c")
    name=$(basename "$case_dir")
    expected="$d/$name.out"
    tmp=$(mktemp -d /tmp/charter-store.XXXXXX)
    cp -R "$case_dir"/. "$tmp"/
    actual=$(cd "$tmp" && grep -v -e '^#' -e '^$' cmds | while IFS= read -r line; do
      printf '$ charter %s\n' "$line"
      eval "set -- $line"
      # shellcheck disable=SC2086
      TZ=UTC timeout 60 $wrap "$bin" "$@" 2>"$tmp/.stderr"
      rc=$?
      cat "$tmp/.stderr"
      echo "[exit $rc]"
    done)
    rm -rf "$tmp"
    expect_output "$bin" "$actual" "$expected"
  done
}

# Bad CSVs: tests/bad/csv/NAME.csv imported into a store that already holds
# seed.csv, against main.charter. NAME.out is what import says; it must exit
# 1 and leave the database byte-identical.
# Reports: tests/golden/report/NAME/ holds main.charter, data.csv and
# as_of; NAME.out is the report in every form: HTML in English, in Spanish,
# for the internal audience (with --no-disclosure), without a store, and
# the markdown with each chart it writes. Each example's report is kept
# too, as text: examples/NAME.out holds its pages with the style sheet and
# every SVG's inside left out (the charts have their own goldens).
report_forms() { # CHARTER DIR PROGRAM DB AS_OF STRIP
  c_bin=$1 c_dir=$2 c_prog=$3 c_db=$4 c_asof=$5 c_strip=$6
  strip=cat
  [ "$c_strip" = 1 ] && strip="perl -0pe 's|<style>.*?</style>|<style>…</style>|gs; s|<svg[^>]*>.*?</svg>|<svg>…</svg>|gs'"
  if [ "$c_strip" = 1 ]; then
    set -- "--lang en" "--lang es"
  else
    set -- "--lang en" "--lang es" "--audience internal --no-disclosure" "--audience internal --lang es"
  fi
  for form in "$@"; do
    echo "== report $form"
    # shellcheck disable=SC2086
    (cd "$c_dir" && TZ=UTC timeout 60 $c_bin report --db "$c_db" --as-of "$c_asof" $form "$c_prog" 2>&1; echo "[exit $?]") | eval "$strip"
  done
  if [ "$c_strip" = 0 ]; then
    echo "== report without --db"
    (cd "$c_dir" && TZ=UTC timeout 60 $c_bin report "$c_prog" 2>&1; echo "[exit $?]") | grep -v "No results connected"
  fi
  echo "== report --format md"
  (cd "$c_dir" && rm -rf md && mkdir md && TZ=UTC timeout 60 $c_bin report --db "$c_db" --as-of "$c_asof" --format md -o md/report.md "$c_prog" 2>&1; echo "[exit $?]"
   cat md/report.md
   for f in md/charts/*.svg; do
     echo "-- $f"
     if [ "$c_strip" = 1 ]; then xmllint --noout "$f" 2>&1 && echo "(well-formed)"; else cat "$f"; fi
   done) | eval "$strip"
}

run_report() { # CHARTER
  bin=$1
  d="$top/tests/golden/report"
  [ -d "$d" ] || return 0
  wrap=$(valgrind_wrap)
  for c in "$d"/*/main.charter; do
    [ -f "$c" ] || continue
    case_dir=$(dirname "$c")
    name=$(basename "$case_dir")
    tmp=$(mktemp -d /tmp/charter-report.XXXXXX)
    cp -R "$case_dir"/. "$tmp"/
    "$bin" import --db "$tmp/test.db" "$tmp/main.charter" "$tmp/data.csv" >/dev/null 2>&1
    actual=$(report_forms "$wrap $bin" "$tmp" main.charter test.db "$(cat "$tmp/as_of")" 0)
    rm -rf "$tmp"
    expect_output "$bin" "$actual" "$d/$name.out"
  done
  for f in "$top"/examples/*/coalition.charter; do
    ex=$(basename "$(dirname "$f")")
    csvs=$(ls "$(dirname "$f")"/*.csv 2>/dev/null)
    [ -n "$csvs" ] || continue
    tmp=$(mktemp -d /tmp/charter-report.XXXXXX)
    cp -R "$(dirname "$f")" "$tmp/ex"
    (cd "$tmp/ex" && "$bin" import --db test.db coalition.charter ./*.csv >/dev/null 2>&1)
    actual=$(report_forms "$wrap $bin" "$tmp/ex" coalition.charter test.db 2026-12 1)
    rm -rf "$tmp"
    expect_output "$bin" "$actual" "$d/examples/$ex.out"
  done
}

run_bad_csv() { # CHARTER
  bin=$1
  d="$top/tests/bad/csv"
  [ -d "$d" ] || return 0
  tmp=$(mktemp -d /tmp/charter-badcsv.XXXXXX)
  cp -R "$d"/. "$tmp"/
  if ! (cd "$tmp" && "$bin" import --db seed.db main.charter seed.csv >/dev/null 2>&1); then
    note_fail "tests/bad/csv: seed.csv does not import into main.charter"
    rm -rf "$tmp"
    return
  fi
  for f in "$d"/*.csv; do
    name=$(basename "$f" .csv)
    [ "$name" = seed ] && continue
    cp "$tmp/seed.db" "$tmp/test.db"
    args=""
    [ -f "$d/$name.args" ] && args=$(cat "$d/$name.args")
    wrap=$(valgrind_wrap)
    # shellcheck disable=SC2086
    actual=$(cd "$tmp" && { timeout 60 $wrap "$bin" import --db test.db $args main.charter "$name.csv" 2>.stderr; echo "[exit $?]" >.rc; }; cat .stderr .rc)
    expected="$d/$name.out"
    expect_output "$bin" "$actual" "$expected"
    if ! tail -n 1 "$expected" 2>/dev/null | grep -q '^\[exit 1\]$'; then
      note_fail "$expected: a bad CSV must be rejected with exit 1"
    fi
    if cmp -s "$tmp/seed.db" "$tmp/test.db" && [ ! -e "$tmp/test.db-wal" ]; then
      pass=$((pass + 1))
    else
      note_fail "tests/bad/csv/$name.csv: the database changed ($bin)"
    fi
  done
  rm -rf "$tmp"
}

run_examples() { # CHARTER
  for f in "$top"/examples/*/coalition.charter; do
    [ -f "$f" ] || continue
    if out=$(timeout 20 "$1" check --werror --color never "$f" 2>&1); then
      pass=$((pass + 1))
    else
      note_fail "example $f does not check clean with --werror"
      printf '%s\n' "$out" | head -20
    fi
    # It is a multi-file program that uses every standard module.
    dir=$(dirname "$f")
    missing=""
    grep -q '^import "' "$f" || missing="$missing an import;"
    for m in "$top"/stdlib/*.charter; do
      m=$(basename "$m" .charter)
      grep -q "^use $m\$" "$dir"/*.charter || missing="$missing use $m;"
    done
    if [ -z "$missing" ]; then
      pass=$((pass + 1))
    else
      note_fail "example $f lacks:$missing (every example imports its other files and uses every standard module)"
    fi
    # Its measurements import into a fresh store and evaluate.
    csvs=$(ls "$(dirname "$f")"/*.csv 2>/dev/null)
    if [ -n "$csvs" ]; then
      db=/tmp/charter-example.$$.db
      rm -f "$db"
      # shellcheck disable=SC2086
      if out=$(timeout 60 "$1" import --db "$db" "$f" $csvs 2>&1 && timeout 60 "$1" eval --db "$db" --format json "$f" 2>&1 >/dev/null); then
        pass=$((pass + 1))
      else
        note_fail "example $f: its CSV files do not import and evaluate"
        printf '%s\n' "$out" | head -20
      fi
      rm -f "$db" "$db-wal" "$db-shm"
    fi
    # Every view, built-in and declared, renders to well-formed SVG.
    views="logic pathway accountability $(cat "$(dirname "$f")"/*.charter | sed -n 's/^view \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p')"
    for v in $views; do
      svg=/tmp/charter-example.$$.svg
      if timeout 60 "$1" render --view "$v" -o "$svg" "$f" 2>/tmp/charter-stderr.$$ && xmllint --noout "$svg" 2>>/tmp/charter-stderr.$$; then
        pass=$((pass + 1))
      else
        note_fail "example $f: view $v does not render to well-formed SVG"
        head -20 /tmp/charter-stderr.$$
      fi
      rm -f "$svg" /tmp/charter-stderr.$$
    done
  done
}

# docs/images/VIEW.svg is the example's VIEW as charter draws it now.
run_doc_images() { # CHARTER
  for img in "$top"/docs/images/*.svg; do
    [ -f "$img" ] || continue
    v=$(basename "$img" .svg)
    if timeout 60 "$1" render --view "$v" "$top/examples/recovery-at-work/coalition.charter" 2>&1 | cmp -s - "$img"; then
      pass=$((pass + 1))
    else
      note_fail "docs/images/$v.svg differs from charter render --view $v of examples/recovery-at-work (redraw it)"
    fi
  done
}

run_roundtrip() { # BUILD
  rt=$1/tests/roundtrip
  [ -x "$rt" ] || return 0
  files=$(find "$top/tests" "$top/examples" "$top/stdlib" -name '*.charter' | sort)
  # shellcheck disable=SC2086
  out=$("$rt" $files 2>&1)
  p=$(printf '%s\n' "$out" | grep -c '^ok ')
  f=$(printf '%s\n' "$out" | grep -c '^FAIL')
  pass=$((pass + p))
  if [ "$f" -ne 0 ] || printf '%s\n' "$out" | grep -q Sanitizer; then
    fail=$((fail + f + 1))
    printf '%s\n' "$out" | grep -v -E '^(ok|skip) ' | head -20
    failures="$failures
  roundtrip ($1)"
  fi
}

run_structural() { # CHARTER SCRIPT
  [ -f "$top/tests/$2" ] || return 0
  out=$(sh "$top/tests/$2" "$1" 2>&1)
  last_rc=$?
  p=$(printf '%s\n' "$out" | grep -c '^ok ')
  f=$(printf '%s\n' "$out" | grep -c '^not ok')
  pass=$((pass + p))
  if [ "$f" -ne 0 ]; then
    fail=$((fail + f))
    printf '%s\n' "$out" | grep '^not ok' | head -20
    failures="$failures
  $2 ($1)"
  fi
}

# The PostgreSQL suites: a script exits 77 when PostgreSQL could not start
# (not installed, initdb or the server failed), after running what it can
# against SQLite. That is loud but no failure, unless the environment says
# CI (CI=true, or CHARTER_REQUIRE_PG=1): CI must start it.
pg_missing=""
pg_required() { [ "${CI:-}" = true ] || [ "${CI:-}" = 1 ] || [ "${CHARTER_REQUIRE_PG:-0}" = 1 ]; }
pg_banner() { # WHY
  bar='!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
  printf '%s\n!! PostgreSQL could not start: the store suite ran against SQLite only\n!! %s\n%s\n' "$bar" "$1" "$bar" >&2
}
run_pg_suite() { # CHARTER SCRIPT
  last_rc=0
  run_structural "$1" "$2"
  [ "$last_rc" = 77 ] || return 0
  why=$(printf '%s\n' "$out" | grep -m 1 -e 'pg\.sh:' -e 'PostgreSQL could not start' | sed 's/^# //')
  if pg_required; then
    note_fail "$2: PostgreSQL could not start, and this environment requires it (CI=true or CHARTER_REQUIRE_PG=1): ${why:-see above}"
    printf '%s\n' "$out" | grep -v -e '^ok ' | head -20
  else
    [ -n "$pg_missing" ] || pg_banner "${why:-(no reason given)}; install it with 'make deps' (package postgresql)"
    pg_missing=${why:-(no reason given)}
  fi
}

for build in "$@"; do
  b=$(cd "$build" && pwd)
  echo "== tests with $build/charter"
  before_p=$pass before_f=$fail
  run_unit "$b"
  run_golden "$b/charter"
  run_store "$b/charter"
  run_bad_csv "$b/charter"
  run_report "$b/charter"
  run_examples "$b/charter"
  run_doc_images "$b/charter"
  run_roundtrip "$b"
  run_structural "$b/charter" structural.sh
  run_structural "$b/charter" render.sh
  run_structural "$b/charter" chart.sh
  run_structural "$b/charter" store.sh
  run_structural "$b/charter" migrate.sh
  run_pg_suite "$b/charter" pg.sh
  run_pg_suite "$b/charter" store_pg.sh
  run_pg_suite "$b/charter" store_bulk.sh
  run_pg_suite "$b/charter" store_rls.sh
  run_pg_suite "$b/charter" network.sh
  # once, with the first build: its kills are timed, and the sanitized
  # build runs the same store code through store_pg.sh and store.sh
  [ "$build" = "$1" ] && run_pg_suite "$b/charter" store_stress.sh
  run_structural "$b/charter" editors.sh
  run_structural "$b/charter" new.sh
  run_structural "$b/charter" docs.sh
  run_structural "$b/charter" transcripts.sh
  run_structural "$b/charter" i18n.sh
  run_structural "$b/charter" report.sh
  run_structural "$b/charter" lsp.sh
  run_structural "$b/charter" diff.sh
  run_structural "$b/charter" export.sh
  run_structural "$b/charter" nvim.sh
  run_structural "$b/charter" vscode.sh
  # Hostile inputs, a script per threat (docs/security.md).
  for h in "$top"/tests/hostile/*.sh; do
    [ -f "$h" ] && run_structural "$b/charter" "hostile/${h##*/}"
  done
  echo "   $((pass - before_p)) passed, $((fail - before_f)) failed"
  # The sanitized build repeats the suite; UPDATE applies to the plain one only.
done

# The layers, once: the #include lines, and the first build's libcharter.a.
if [ $# -gt 0 ]; then
  echo "== layers (tests/layers.sh $1)"
  before_p=$pass before_f=$fail
  run_structural "$(cd "$1" && pwd)" layers.sh
  echo "   $((pass - before_p)) passed, $((fail - before_f)) failed"
fi

if [ "$fail" -ne 0 ]; then
  echo "failed:$failures"
fi
if [ -n "$pg_missing" ]; then
  pg_banner "$pg_missing"
  echo "PostgreSQL could not start: the store suite ran against SQLite only ($pg_missing)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
