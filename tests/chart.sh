#!/bin/sh
# The report's charts (runtime/chart.c) as files: the unit test binary
# beside charter (tests/test_chart --write DIR) writes the fixed charts and
# the edge cases of tests/unit/test_chart.c, one <figure> a file; each must
# parse as XML (xmllint) and equal its file in tests/golden/chart/
# (UPDATE=1 rewrites them from the plain build; review the diff).
# Usage: tests/chart.sh CHARTER_BINARY
# shellcheck disable=SC2154
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup chart xmllint cmp
writer=$(dirname "$bin")/tests/test_chart
golden=$here/golden/chart
if [ ! -x "$writer" ]; then
  not_ok "$writer is built (make $(dirname "$bin")/tests/test_chart)"
  finish
fi
mkdir out
check "test_chart --write writes the charts" $limit "$writer" --write out
n=0
for f in out/*.html; do
  name=$(basename "$f")
  [ "$name" = page.html ] && continue # the charts together, for looking at
  n=$((n + 1))
  check "$name is well-formed XML" xmllint --noout "$f"
  if [ "${UPDATE:-0}" = 1 ] && [ "$(dirname "$bin")" = "$(cd "$here/.." && pwd)/build" ]; then
    cp "$f" "$golden/$name"
  fi
  if cmp -s "$f" "$golden/$name"; then
    ok "$name equals tests/golden/chart/$name"
  else
    not_ok "$name equals tests/golden/chart/$name"
    if [ -f "$golden/$name" ]; then diff -u "$golden/$name" "$f" | head -20; else echo "missing $golden/$name; run UPDATE=1 sh tests/run.sh build"; fi
  fi
done
# every golden file is still written
for g in "$golden"/*.html; do
  [ -f "$g" ] || continue
  name=$(basename "$g")
  [ -f "out/$name" ] || not_ok "tests/golden/chart/$name is written by test_chart"
done
check "at least the three fixed charts" [ "$n" -ge 3 ]
finish
