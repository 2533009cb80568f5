#!/bin/sh
# The language server through a real client: headless Neovim with the
# configuration of editors/nvim (require('charter.lsp').setup) on a copy of
# examples/recovery-at-work. tests/nvim/init.lua opens coalition.charter,
# waits for its diagnostics, checks that docs/lsp.md's on_attach mapped its keys and
# omnifunc is set, hovers over an indicator (its title, and its latest value
# from a store given as ~/store.db), declares an id twice and waits for the
# duplicate diagnostic, undoes it, jumps to a definition in another file,
# renames an id used in three files, formats a badly laid out buffer
# (against charter fmt's output), and checks the warnings for a binary that
# cannot run or is not charter. Prints "ok - ..." or "not ok - ..." per
# step (with what was expected and what came), then "N passed, M failed".
# Skipped, loudly, when nvim is not installed. Each step waits at most
# CHARTER_STEP_MS (10000) ms; nvim is killed after 120 s.
# Usage: tests/nvim.sh CHARTER_BINARY (KEEP=1 keeps the scratch folder)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

if ! command -v nvim >/dev/null 2>&1; then
  echo "# SKIPPED: nvim is not installed (make deps-test installs neovim); the Neovim client tests did not run"
  finish
fi
scratch_setup nvim nvim

cp -R "$top/examples/recovery-at-work" case
# A program laid out badly (charter fmt changes it).
printf '%s\n' \
  '# laid out by hand' \
  'charter "Messy"{vision "v"' \
  '    problem "p"   }' \
  'indicator   rate "Rate" {unit "%"' \
  '      direction up' \
  '  baseline 3 in 2023 }' \
  '' '' \
  'outcome o "O" {horizon short' \
  ' indicator rate}' >messy.charter

# HOME for nvim: its store.db is given to the client as ~/store.db.
mkdir home
"$bin" import --db home/store.db case/coalition.charter case/measurements.csv >import.out 2>&1 ||
  sed 's/^/#   charter import: /' import.out

CHARTER_TOP=$top CHARTER_BIN=$bin CHARTER_CASE=$tmp/case CHARTER_RESULTS=$tmp/results HOME=$tmp/home \
  timeout -k 5 120 nvim --headless --clean -u "$here/nvim/init.lua" >nvim.out 2>&1 </dev/null
status=$?

planned=$(sed -n 's/^plan //p' results 2>/dev/null)
while IFS= read -r line; do
  case $line in
  'ok - '*) ok "${line#ok - }" ;;
  'not ok - '*) not_ok "${line#not ok - }" ;;
  '#'*) printf '%s\n' "$line" ;;
  esac
done <results 2>/dev/null
if [ -z "$planned" ] || [ $((pass + fail)) -ne "$planned" ]; then
  not_ok "nvim ran every step (exit $status; $((pass + fail)) of ${planned:-?} steps)"
  sed 's/^/#   nvim: /' nvim.out | head -20
elif [ "$status" -ne 0 ]; then
  not_ok "nvim exits 0 (exit $status)"
  sed 's/^/#   nvim: /' nvim.out | head -20
fi
if [ "$fail" -ne 0 ] && [ -f lsp.log ]; then
  tail -n 15 lsp.log | sed 's/^/#   charter lsp log: /'
fi
finish
