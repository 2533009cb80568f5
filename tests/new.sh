#!/bin/sh
# Structural checks of `charter new`: the starter it writes checks clean with
# --werror, is formatted, its data imports and evaluates, its workflow runs
# what the CI guide says, and new never overwrites a file. Prints "ok - ..."
# or "not ok - ..." per check, then "N passed, M failed"; exits 1 if any
# check failed. Usage: tests/new.sh CHARTER_BINARY
# shellcheck disable=SC2016
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup new cmp

$limit "$bin" new starter >new.out 2>new.err
check "new DIR: exit 0" test $? -eq 0
for f in coalition.charter measurements.csv README.md .github/workflows/charter.yml; do
  check "new DIR writes $f" test -s "starter/$f"
done
check "new DIR says what it wrote and what to do next" \
  eval 'grep -q "coalition.charter" new.out && grep -q "charter check starter/coalition.charter" new.out'
check "the starter checks clean with --werror (every standard module used)" \
  eval '$limit "$bin" check --werror --color never starter/coalition.charter && grep -q "^use rba" starter/coalition.charter && grep -q "^use collective_impact" starter/coalition.charter'
check "the starter is formatted" eval '$limit "$bin" fmt --check starter/coalition.charter'
check "the starter's data imports" eval '$limit "$bin" import --db starter.db starter/coalition.charter starter/measurements.csv'
check "the starter's data evaluates" eval '$limit "$bin" eval --db starter.db --as-of 2026 --format json starter/coalition.charter'
check "the starter's data says it is illustrative" grep -q "Illustrative figures (not real data)" starter/measurements.csv
check "the starter renders its logic model" eval '$limit "$bin" render -o logic.svg starter/coalition.charter && test -s logic.svg'
wf=starter/.github/workflows/charter.yml
check "the workflow runs fmt --check" grep -q "charter fmt --check" "$wf"
check "the workflow runs check --format sarif and uploads it" \
  eval 'grep -q "charter check --format sarif" "$wf" && grep -q "github/codeql-action/upload-sarif" "$wf" && grep -q "security-events: write" "$wf"'
check "the workflow keeps the logic model as an artifact" \
  eval 'grep -q "charter render -o logic.svg" "$wf" && grep -q "actions/upload-artifact" "$wf"'
check "the workflow and the README name CHARTER_SOURCE" \
  eval 'grep -q CHARTER_SOURCE "$wf" && grep -q CHARTER_SOURCE starter/README.md'
check "the workflow has no tab (YAML forbids them)" eval '! grep -q "	" "$wf"'

# Never overwrite: again into the same directory, or with one file in the way.
cp starter/coalition.charter before.charter
echo "# mine" >>starter/coalition.charter
cp starter/coalition.charter mine.charter
$limit "$bin" new starter >again.out 2>again.err
rc=$?
check "new into a starter: exit 2, each file in the way named" \
  eval '[ "$rc" -eq 2 ] && grep -q "already exists" again.err && grep -q "nothing written" again.err'
check "new into a starter: the user's file is left as it was" cmp -s starter/coalition.charter mine.charter
mkdir partial
echo "# notes" >partial/README.md
$limit "$bin" new partial >partial.out 2>partial.err
rc=$?
check "new with one file in the way: exit 2" test "$rc" -eq 2
check "new with one file in the way: nothing else is written" \
  eval 'test ! -e partial/coalition.charter && test ! -e partial/measurements.csv && test "$(cat partial/README.md)" = "# notes"'
: >afile
$limit "$bin" new afile >/dev/null 2>file.err
rc=$?
check "new on a file: exit 2 and says it is not a directory" eval '[ "$rc" -eq 2 ] && grep -q "not a directory" file.err'
$limit "$bin" new >/dev/null 2>none.err
rc=$?
check "new without DIR: exit 2" test "$rc" -eq 2
check "charter help lists new" eval '"$bin" --help | grep -q "^  new "'
check "charter help new describes it" eval '"$bin" help new | grep -q "never overwrites"'
finish
