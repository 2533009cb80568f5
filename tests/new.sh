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
for f in coalition.charter measurements.csv README.md .gitignore .github/workflows/charter.yml; do
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
check "the README points at no file the starter lacks" \
  eval '! grep -o "docs/[a-z]*\.md" starter/README.md | grep -q .'
# What charter makes is ignored by Git; the sources and the data are not.
if command -v git >/dev/null 2>&1 && git init -q gitcheck 2>/dev/null; then
  cp starter/.gitignore gitcheck/
  made="measurements.db measurements.db-wal measurements.db-shm logic.svg status.svg logic.png logic.pdf charter.sarif"
  kept="coalition.charter measurements.csv README.md .gitignore .github/workflows/charter.yml"
  check "the .gitignore keeps out the store (and its -wal, -shm), drawings and SARIF" \
    eval '(cd gitcheck && for f in $made; do git check-ignore -q "$f" || exit 1; done)'
  check "the .gitignore keeps the charter, its data, the README and the workflow" \
    eval '(cd gitcheck && for f in $kept; do ! git check-ignore -q "$f" || exit 1; done)'
else
  ok "the .gitignore keeps out what charter makes # SKIP git is not installed"
fi
check "the workflow shows the layout changes (fmt --diff) and says to run fmt -w" \
  eval 'grep -q "charter fmt --diff \*.charter" "$wf" && grep -q "run .charter fmt -w FILE" "$wf"' 
check "the workflow runs check --format sarif and uploads it" \
  eval 'grep -q "charter check --format sarif" "$wf" && grep -q "github/codeql-action/upload-sarif" "$wf" && grep -q "security-events: write" "$wf"'
check "the workflow keeps the logic model as an artifact" \
  eval 'grep -q "charter render -o logic.svg" "$wf" && grep -q "actions/upload-artifact" "$wf"'
check "the workflow installs only what building charter needs (make deps-build)" \
  eval 'grep -q "make -C \"\$RUNNER_TEMP/charter-src\" deps-build\$" "$wf" && grep -q "^deps-build:" "$here/../Makefile"'
check "the workflow and the README name CHARTER_SOURCE" \
  eval 'grep -q CHARTER_SOURCE "$wf" && grep -q CHARTER_SOURCE starter/README.md'
check "the workflow's upload may fail only where code scanning cannot take it" \
  grep -q "continue-on-error: \${{ github.event.repository.private || github.event.pull_request.head.repo.fork || false }}" "$wf"
# The address of charter's source: the one charter was built from, if any.
if "$bin" help new | grep -q "^This charter was built from https://"; then
  built=$("$bin" help new | sed -n 's/^This charter was built from \(https:.*\)\.$/\1/p')
  check "without --source, the workflow clones the address charter was built from" \
    grep -qF "CHARTER_SOURCE: \${{ vars.CHARTER_SOURCE || '$built' }}" "$wf"
else
  check "without --source or a built-in address, the workflow reads the repository variable only" \
    grep -qF 'CHARTER_SOURCE: ${{ vars.CHARTER_SOURCE }}' "$wf"
  check "without --source or a built-in address, new says to set CHARTER_SOURCE before the first push" \
    eval 'grep -q "Before the first push" new.out && grep -q "CHARTER_SOURCE" new.out'
fi
$limit "$bin" new --source https://example.org/org/charter.git sourced >sourced.out 2>sourced.err
check "new --source URL: exit 0" test $? -eq 0
check "new --source URL: the workflow clones URL unless the repository variable is set" \
  grep -qF "CHARTER_SOURCE: \${{ vars.CHARTER_SOURCE || 'https://example.org/org/charter.git' }}" sourced/.github/workflows/charter.yml
check "new --source URL: says where the workflow builds charter from" grep -q "builds charter from https://example.org/org/charter.git" sourced.out
check "new --source URL: only the workflow's address line differs" \
  eval 'diff starter/.github/workflows/charter.yml sourced/.github/workflows/charter.yml | grep -c "^[<>]" | grep -qx 2 && cmp -s starter/coalition.charter sourced/coalition.charter && cmp -s starter/README.md sourced/README.md'
n=0
for bad in http://example.org/charter.git git@github.com:org/charter.git https://user:token@github.com/org/charter.git \
  "https://example.org/a b" "https://example.org/it's" https:// ""; do
  n=$((n + 1))
  $limit "$bin" new --source "$bad" "bad$n" >"bad$n.out" 2>"bad$n.err"
  rc=$?
  check "new --source '$bad': exit 2, a reason, nothing written" \
    eval '[ "$rc" -eq 2 ] && grep -q "address" "bad$n.err" && test ! -e "bad$n"'
done
check "new --source with a token: the message says why" grep -q "token" bad3.err
# The workflow's steps after the build, run here as a runner would (bash -e
# in the repository's top directory, charter on PATH): each `run:` of the
# workflow but the build's becomes steps/N.sh.
mkdir runnerbin steps
ln -s "$bin" runnerbin/charter
awk '
  /^  [a-z]+:$/ { job = $1 }
  job != "charter:" { next }
  /^      - name: / { name = substr($0, 15) }
  /^        run: \|$/ { if (name != "Build and install charter") { n++; out = "steps/" n ".sh"; block = 1 }; next }
  /^        run: / { if (name != "Build and install charter") { n++; print substr($0, 14) > ("steps/" n ".sh"); close("steps/" n ".sh") }; block = 0; next }
  block && /^          / { print substr($0, 11) > out; next }
  { if (block) close(out); block = 0 }
' "$wf"
check "the workflow has its five steps after the build (layout, check, findings, draw, report)" test "$(ls steps | wc -l)" -eq 5
# run_steps DIR: runs every step in DIR (a copy of a starter); prints their
# output; fails at the first step that fails.
run_steps() {
  (
    cd "$1" || exit 1
    PATH=$(cd ../runnerbin && pwd):$PATH
    GITHUB_STEP_SUMMARY=$(pwd)/summary.out
    export GITHUB_STEP_SUMMARY
    for s in ../steps/*.sh; do
      bash -e "$s" || { echo "step failed: $(cat "$s")"; exit 1; }
    done
  )
}
run_steps starter >steps.out 2>&1
check "the workflow's steps pass on the starter" test $? -eq 0
check "the findings step writes SARIF" eval 'jq -e ".version == \"2.1.0\"" starter/charter.sarif >/dev/null'
check "the draw step draws the logic model" test -s starter/logic.svg
check "the report step writes the report in English and Spanish, and its markdown to the job summary" \
  eval 'grep -q "<html lang=\"en\">" starter/site/index.html && grep -q "<html lang=\"es\">" starter/site/es.html && test -s starter/summary/report.md && test -s starter/summary.out && tar -tf starter/artifact.tar | grep -q index.html'
rm -rf starter/charter.sarif starter/logic.svg starter/site starter/summary starter/artifact.tar starter/measurements.db* starter/summary.out
# With an error, the check step fails and says where, for the log and the
# annotations; with a file out of layout, the layout step fails and says how
# to fix it.
cp -R starter broken
sed 's/^  contributes_to \(.*\)$/  contributes_to \1_typo/' starter/coalition.charter >broken/coalition.charter
(cd broken && PATH=$(cd ../runnerbin && pwd):$PATH bash -e ../steps/2.sh) >broken.out 2>&1
rc=$?
check "the check step fails on an error and prints it located (file, line, col)" \
  eval '[ "$rc" -ne 0 ] && grep -q "^::error file=coalition.charter,line=[0-9]*,col=[0-9]*,.*is not declared" broken.out'
cp -R starter unlaid
printf 'partner extra "Extra Partner" { sector business }\n' >>unlaid/coalition.charter
(cd unlaid && PATH=$(cd ../runnerbin && pwd):$PATH bash -e ../steps/1.sh) >unlaid.out 2>&1
rc=$?
check "the layout step fails on a file out of layout, shows the diff and says to run fmt -w" \
  eval '[ "$rc" -eq 1 ] && grep -q "^+  sector business" unlaid.out && grep -q "^::error::.*charter fmt -w FILE" unlaid.out'
if python3 -c 'import yaml' 2>/dev/null; then
  check "the workflow is YAML with its eight steps" \
    python3 -c 'import sys, yaml; w = yaml.safe_load(open(sys.argv[1])); assert len(w["jobs"]["charter"]["steps"]) == 11 and w["jobs"]["pages"]["needs"] == "charter"' "$wf"
else
  ok "the workflow is YAML # SKIP python3-yaml is not installed"
fi
# The pull request's comparison (job diff): its compare step, run here in a
# repository whose second commit lowers a target; pull-requests: write in
# that job alone; the comment found again by its hidden marker.
awk '
  /^  [a-z]+:$/ { job = $1 }
  job == "diff:" && /^      - name: Compare with the base branch$/ { grab = 1; next }
  grab && /^        run: \|$/ { inrun = 1; next }
  inrun && /^          / { print substr($0, 11); next }
  inrun { exit }
' "$wf" >compare.sh
if command -v git >/dev/null 2>&1; then
  rm -rf prrepo && cp -R starter prrepo && rm -f prrepo/*.db*
  (cd prrepo && git init -q . && git add -A . && git -c user.name=t -c user.email=t@example.org commit -qm base) >/dev/null 2>&1
  line=$(grep -n "^  target " prrepo/coalition.charter | head -1 | cut -d: -f1)
  sed "${line}s/target \([0-9][0-9]*\)/target 1/" starter/coalition.charter >prrepo/coalition.charter
  (cd prrepo && PATH=$(cd ../runnerbin && pwd):$PATH GITHUB_STEP_SUMMARY=$(pwd)/summary.md \
    GITHUB_OUTPUT=$(pwd)/output BASE_SHA=$(git rev-parse HEAD) bash -e ../compare.sh) >compare.out 2>&1
  rc=$?
  check "the diff job's compare step writes the comparison as markdown, and to the job's summary" \
    eval '[ "$rc" -eq 0 ] && grep -q "^\*\*charter diff\*\*: 1 change" prrepo/diff.md && grep -q "target_weakened" prrepo/diff.md && cmp -s prrepo/diff.md prrepo/summary.md && grep -qx "status=0" prrepo/output'
  # the documented way to fail the job: --fail-on added to the command
  sed 's/charter diff --format md /charter diff --format md --fail-on target_weakened,equity_weakened /' compare.sh >compare-fail.sh
  rm -f prrepo/output prrepo/summary.md
  (cd prrepo && PATH=$(cd ../runnerbin && pwd):$PATH GITHUB_STEP_SUMMARY=$(pwd)/summary.md \
    GITHUB_OUTPUT=$(pwd)/output BASE_SHA=$(git rev-parse HEAD) bash -e ../compare-fail.sh) >compare.out 2>&1
  rc=$?
  check "with --fail-on, the compare step keeps the comparison and hands on status 1" \
    eval '[ "$rc" -eq 0 ] && grep -q "target_weakened" prrepo/diff.md && grep -qx "status=1" prrepo/output'
else
  ok "the diff job's compare step # SKIP git is not installed"
fi
check "the diff job posts one comment, found again by its hidden marker, with actions/github-script" \
  eval 'grep -q "const marker = .<!-- charter-diff -->.;" "$wf" && grep -q "updateComment" "$wf" && grep -q "BASE_SHA: \${{ github.event.pull_request.base.sha }}" "$wf"'
if python3 -c 'import yaml' 2>/dev/null; then
  check "pull-requests: write is given to the diff job alone, which runs on pull requests only" \
    python3 -c 'import sys, yaml; w = yaml.safe_load(open(sys.argv[1])); d = w["jobs"]["diff"]; assert d["permissions"] == {"contents": "read", "pull-requests": "write"} and "pull-requests" not in w["permissions"] and "permissions" not in w["jobs"]["charter"] and d["if"] == "github.event_name == \x27pull_request\x27"' "$wf"
else
  ok "pull-requests: write for the diff job alone # SKIP python3-yaml is not installed"
fi
if python3 -c 'import yaml' 2>/dev/null; then
  check "the diff job posts its comment always, then passes or fails with the compare step's status; one run per pull request" \
    python3 -c 'import sys, yaml; w = yaml.safe_load(open(sys.argv[1])); d = w["jobs"]["diff"]; s = d["steps"]; c = [x for x in s if x.get("id") == "compare"][0]; assert "GITHUB_OUTPUT" in c["run"] and s[-2]["if"] == "always()" and "github-script" in s[-2]["uses"] and s[-1]["if"] == "always()" and s[-1]["env"]["STATUS"] == "${{ steps.compare.outputs.status }}" and s[-1]["run"].startswith("exit \"${STATUS") and d["concurrency"]["group"] == "charter-diff-${{ github.event.pull_request.number }}"' "$wf"
  check "every checkout keeps no credentials" \
    python3 -c 'import sys, yaml; w = yaml.safe_load(open(sys.argv[1])); c = [x for j in w["jobs"].values() for x in j["steps"] if x.get("uses", "").startswith("actions/checkout")]; assert len(c) == 2 and all(x["with"]["persist-credentials"] is False for x in c)' "$wf"
else
  ok "the diff job's steps # SKIP python3-yaml is not installed"
  ok "every checkout keeps no credentials # SKIP python3-yaml is not installed"
fi
check "the comment found again is only the workflow's own (github-actions[bot], with the marker)" \
  grep -qF "c.user.login === 'github-actions[bot]' && c.body && c.body.startsWith(marker)" "$wf"
# GitHub removed Node 20 from its runners in 2026: every action must be a
# major that runs on Node 24 (checkout v5, upload-artifact v6, CodeQL v4).
check "the workflow's actions run on Node 24 (checkout@v5, upload-sarif@v4, upload-artifact@v6, deploy-pages@v5, github-script@v8)" \
  eval 'test "$(grep -c "uses: " "$wf")" -eq 8 && grep -q "uses: actions/checkout@v5\$" "$wf" && grep -q "uses: github/codeql-action/upload-sarif@v4\$" "$wf" && grep -q "uses: actions/upload-artifact@v6\$" "$wf" && grep -q "uses: actions/deploy-pages@v5\$" "$wf" && grep -q "uses: actions/github-script@v8\$" "$wf"'
check "docs/ci.md uses the same actions as the starter's workflow" \
  eval '! grep "uses: " "$here/../docs/ci.md" | grep -v -e "actions/checkout@v5\$" -e "github/codeql-action/upload-sarif@v4\$" -e "actions/upload-artifact@v6\$" -e "actions/deploy-pages@v5\$" -e "actions/github-script@v8\$" | grep -q .'
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
check "charter help new describes it" eval '"$bin" help new | grep -q "never overwrites" && "$bin" help new | grep -q -- "--source=URL"'
finish
