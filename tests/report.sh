#!/bin/sh
# The HTML report of every example as people see it (docs/HACKING.md,
# "Browser tests"). For each example with a measurements.csv: its CSV files
# imported into a scratch store, then `charter report` in English, in
# Spanish and for the internal audience (as of 2026-09, inside every
# example's data), and once without --db; each must exit 0 and say nothing
# on stderr. Then, with the plain build only (the sanitized build writes the
# same pages, so ASan checks the C, but the browser would say nothing new),
# tests/browser/report.js loads each page in headless Chromium and
# html-validate checks it: the pages go to build/report/, the screenshots
# and PDFs to build/report-shots/.
# Prints "ok ..." or "not ok ..." per check, then "N passed, M failed";
# exits 1 if any check failed. Usage: tests/report.sh CHARTER_BINARY
# Needs node and chromium (make deps) and build/node (make build/node/.installed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup report
top=$(cd "$here/.." && pwd)
as_of=2026-09
nodb_example=recovery-at-work

case $bin in
*/asan/charter) browser=0 ;;
*) browser=1 ;;
esac
if [ "$browser" = 1 ]; then
  out=$top/build/report
  mkdir -p "$out" && rm -f "$out"/*.html
else
  out=$tmp/report
  mkdir -p "$out"
fi

# report NAME ARG...: charter report ARG... -o $out/NAME.html; one check.
report() {
  name=$1
  shift
  # shellcheck disable=SC2086
  TZ=UTC $limit "$bin" report "$@" -o "$out/$name.html" >"$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
  if [ "$rc" -eq 0 ] && [ ! -s "$tmp/$name.err" ] && [ ! -s "$tmp/$name.out" ] && [ -s "$out/$name.html" ]; then
    ok "report $name: exit 0, the page written, nothing on stderr"
  else
    not_ok "report $name: exit $rc; want 0, a page in $out/$name.html and nothing on stderr"
    head -5 "$tmp/$name.err"
  fi
}

for dir in "$top"/examples/*/; do
  ex=$(basename "$dir")
  [ -f "$dir/measurements.csv" ] || continue
  prog=$dir/coalition.charter
  db=$tmp/$ex.db
  # shellcheck disable=SC2046
  if TZ=UTC $limit "$bin" import --db "$db" "$prog" $(ls "$dir"/*.csv) >"$tmp/import.out" 2>&1; then
    ok "$ex: its CSV files import"
  else
    not_ok "$ex: its CSV files do not import"
    head -5 "$tmp/import.out"
    continue
  fi
  report "$ex" --db "$db" --as-of "$as_of" "$prog"
  report "$ex-es" --db "$db" --as-of "$as_of" --lang es "$prog"
  report "$ex-internal" --db "$db" --as-of "$as_of" --audience internal "$prog"
  [ "$ex" = "$nodb_example" ] && report "$ex-nodb" "$prog"
done

if [ "$browser" = 1 ]; then
  chromium=${CHROMIUM:-/usr/bin/chromium}
  if ! command -v node >/dev/null 2>&1 || [ ! -x "$chromium" ]; then
    not_ok "chromium not installed (make deps)"
  elif [ ! -d "$top/build/node/node_modules" ]; then
    not_ok "the browser tests' npm packages are not installed (make build/node/.installed)"
  else
    # shellcheck disable=SC2046
    timeout 900 node "$here/browser/report.js" --shots "$top/build/report-shots" \
      --validate "$here/browser/.htmlvalidate.json" $(ls "$out"/*.html) >"$tmp/browser.out" 2>&1
    rc=$?
    cat "$tmp/browser.out"
    pass=$((pass + $(grep -c '^ok ' "$tmp/browser.out")))
    fail=$((fail + $(grep -c '^not ok' "$tmp/browser.out")))
    if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$tmp/browser.out"; then
      not_ok "tests/browser/report.js exits $rc"
    fi
  fi
fi
finish
