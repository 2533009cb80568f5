#!/bin/sh
# make demo: the main job on one example, outputs in build/demo/.
# Usage: tests/demo.sh BUILD_DIR EXAMPLE_DIR
set -u
bin=$1/charter
example=$2
out=$1/demo
mkdir -p "$out"
echo "== charter check $example/coalition.charter"
"$bin" check "$example/coalition.charter"
rc=$?
echo "== charter check --format sarif (written to $out/check.sarif)"
"$bin" check --format sarif "$example/coalition.charter" >"$out/check.sarif"
echo "== charter fmt --check $example/*.charter"
if "$bin" fmt --check "$example"/*.charter >/dev/null; then
  echo "all files are formatted"
else
  echo "fmt would change these files (the canonical layout is in $out/):"
  "$bin" fmt --check "$example"/*.charter
fi
"$bin" fmt "$example/coalition.charter" >"$out/coalition.formatted.charter"
views="logic pathway accountability $(cat "$example"/*.charter | sed -n 's/^view \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p')"
drawn=""
for v in $views; do
  echo "== charter render --view $v -o $out/$v.svg"
  "$bin" render --view "$v" -o "$out/$v.svg" "$example/coalition.charter" || rc=1
  drawn="$drawn $v.svg"
done
echo "== charter render -o $out/logic.png (for slides)"
"$bin" render -o "$out/logic.png" "$example/coalition.charter" || rc=1
csvs=$(ls "$example"/*.csv 2>/dev/null)
if [ -n "$csvs" ]; then
  rm -f "$out/measurements.db" "$out/measurements.db-wal" "$out/measurements.db-shm"
  echo "== charter import --db $out/measurements.db $example/coalition.charter $csvs"
  # shellcheck disable=SC2086
  "$bin" import --db "$out/measurements.db" "$example/coalition.charter" $csvs || rc=1
  echo "== charter eval --db $out/measurements.db $example/coalition.charter"
  "$bin" eval --db "$out/measurements.db" "$example/coalition.charter" || rc=1
  "$bin" eval --db "$out/measurements.db" --format json "$example/coalition.charter" >"$out/eval.json" || rc=1
  echo "== charter render --db $out/measurements.db -o $out/logic-status.svg (the status overlay)"
  "$bin" render --db "$out/measurements.db" -o "$out/logic-status.svg" "$example/coalition.charter" || rc=1
  "$bin" render --db "$out/measurements.db" --view pathway -o "$out/pathway-status.svg" "$example/coalition.charter" || rc=1
  drawn="$drawn logic-status.svg pathway-status.svg"
  echo "== charter report --db $out/measurements.db -o $out/report.html (open it in a browser)"
  "$bin" report --db "$out/measurements.db" -o "$out/report.html" "$example/coalition.charter" || rc=1
  "$bin" report --db "$out/measurements.db" --lang es -o "$out/informe.html" "$example/coalition.charter" || rc=1
fi
echo
echo "Outputs are in $out/:"
echo "  diagrams:       ${drawn# } logic.png"
echo "  check.sarif     the findings, for GitHub code scanning"
echo "  coalition.formatted.charter  the canonical layout of the entry file"
if [ -n "$csvs" ]; then
  echo "  measurements.db the measurement store (SQLite); eval.json, its evaluation"
  echo "  report.html     the report for funders, boards and residents; informe.html, in Spanish"
fi
exit $rc
