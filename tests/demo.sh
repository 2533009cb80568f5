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
echo
echo "Outputs are in $out/: check.sarif (for GitHub code scanning) and"
echo "coalition.formatted.charter (the canonical layout)."
exit $rc
