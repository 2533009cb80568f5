#!/bin/sh
# charter export (docs/export.md). Goldens: each tests/golden/export/NAME/
# holds a program and `cmds`, one command a line (`#` comments), run in
# order in a scratch copy of the folder: a line is charter's arguments, or
# `sh COMMAND` run by the shell (to make folders and links, and to show
# files); NAME.out holds, for each, `$ LINE`, its stdout, its stderr and
# `[exit N]` (UPDATE=1 rewrites it). Then every example is exported as JSON
# without a store and with one (its CSV files imported, as of 2026-09,
# with and without --no-disclosure), and each export, with the goldens'
# JSON ones, is validated against docs/export.schema.json by ajv (draft
# 2020-12, strict; build/export-node, `make build/export-node/.installed`);
# Kumu exports must be JSON with elements and connections.
# Prints "ok ..." or "not ok ..." per check, then "N passed, M failed".
# Usage: tests/export.sh CHARTER_BINARY
# shellcheck disable=SC2154
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

top=$(cd "$here/.." && pwd)
scratch_setup export jq node
schema=$top/docs/export.schema.json
validator=$here/export/validate.js
if [ ! -d "$top/build/export-node/node_modules/ajv" ]; then
  not_ok "ajv is installed in build/export-node (make build/export-node/.installed)"
  finish
fi
mkdir -p "$tmp/json"

# validate NAME FILE: one check, the file against the schema.
validate() {
  if out=$(node "$validator" "$schema" "$2" 2>&1); then ok "$1 matches docs/export.schema.json"
  else
    not_ok "$1 matches docs/export.schema.json"
    printf '%s\n' "$out" | head -12
  fi
}

# Kumu needs every id unique across elements and connections.
kumu_unique='[.elements[].id, .connections[].id] | length == (unique | length)'

# ---- goldens ----
for case_dir in "$top"/tests/golden/export/*/; do
  [ -f "$case_dir/cmds" ] || continue
  name=$(basename "$case_dir")
  expected=$top/tests/golden/export/$name.out
  work=$tmp/case-$name
  mkdir -p "$work"
  cp -R "$case_dir". "$work"/
  actual=$(cd "$work" && grep -v -e '^#' -e '^$' cmds | while IFS= read -r line; do
    case $line in
    'sh '*)
      printf '$ %s\n' "$line"
      sh -c "${line#sh }" 2>&1
      echo "[exit $?]"
      ;;
    *)
      printf '$ charter %s\n' "$line"
      eval "set -- $line"
      TZ=UTC $limit "$bin" "$@" 2>"$work/.stderr"
      rc=$?
      cat "$work/.stderr"
      echo "[exit $rc]"
      ;;
    esac
  done)
  # a message naming the project's folder names the scratch copy: PROJECT
  real=$(cd "$work" && pwd -P)
  actual=$(printf '%s\n' "$actual" | sed -e "s|$real|PROJECT|g" -e "s|$work|PROJECT|g")
  if [ -n "${UPDATE:-}" ]; then
    printf '%s\n' "$actual" >"$expected"
    ok "golden $name (updated)"
  elif [ -f "$expected" ] && [ "$actual" = "$(cat "$expected")" ]; then
    ok "golden $name"
  else
    not_ok "golden $name"
    printf '%s\n' "$actual" | diff -u "$expected" - | head -40
  fi
  for j in "$work"/*.json; do
    [ -f "$j" ] || continue
    case $(basename "$j") in
    map.json)
      check "golden $name: $(basename "$j") is a Kumu blueprint" jq -e '.elements and .connections' "$j"
      check "golden $name: $(basename "$j") has unique ids" jq -e "$kumu_unique" "$j"
      ;;
    folder.json | own.json) ;;
    *) validate "golden $name: $(basename "$j")" "$j" ;;
    esac
  done
done

# The policy golden with its store, every form of the JSON.
p=$tmp/policy
mkdir -p "$p" && cp -R "$top/tests/golden/export/policy/." "$p/"
(cd "$p" && "$bin" import --db test.db main.charter data.csv >/dev/null 2>&1)
for args in "" "--db test.db --as-of 2025" "--db test.db --as-of 2025 --no-disclosure" "--db test.db --as-of 2023"; do
  f=$tmp/json/policy-$(printf '%s' "$args" | tr -c 'a-z0-9' _).json
  # shellcheck disable=SC2086
  if (cd "$p" && "$bin" export $args main.charter >"$f" 2>/dev/null); then validate "policy export $args" "$f"
  else not_ok "policy export $args exits 0"; fi
done
# What the policy withholds is not in the export: never the number 17.5
# (7/40) nor Female's 10 (10/100).
f=$tmp/json/policy-__db_test_db___as_of_2025.json
check "the withheld latest value is null with its reason" jq -e \
  '.evaluation.indicators[] | select(.id == "small_whole") | .latest.value == null and .latest.reason == "small_numbers" and .progress == null' "$f"
check "the withheld groups are null with their reason" jq -e \
  '[.evaluation.indicators[] | select(.id == "absent") | .equity[0].groups[] | select(.value == null and .state == "withheld" and .reason == "small_numbers")] | length == 2' "$f"
if grep -q '17\.5' "$f"; then not_ok "the withheld value 17.5 is not in the export"; else ok "the withheld value 17.5 is not in the export"; fi

# The schema holds the disclosure rules: each hand-edited export below
# breaks one, and ajv must reject it.
# reject NAME JQ_FILTER: the policy export edited by the filter is invalid.
reject() {
  e=$tmp/json/edited-$(printf '%s' "$1" | tr -c 'a-z0-9' _).json
  if ! jq "$2" "$f" >"$e"; then not_ok "edited export ($1) is made"; return; fi
  if cmp -s "$e" "$f" || jq -e --slurpfile a "$f" '. == $a[0]' "$e" >/dev/null; then
    not_ok "edited export ($1) differs from the export"
    return
  fi
  if node "$validator" "$schema" "$e" >/dev/null 2>&1; then not_ok "the schema rejects an export with $1"
  else ok "the schema rejects an export with $1"; fi
}
absent='.evaluation.indicators[] | select(.id == "absent") | .equity[0]'
small='.evaluation.indicators[] | select(.id == "small_whole")'
reject "a withheld group cell with a value" "($absent.groups[] | select(.state == \"withheld\") | .value) |= 3"
reject "a withheld latest value with a value" "($small.latest.value) |= 5"
reject "a reason outside source, small_numbers and unknown_counts" "($small.latest.reason) |= \"bogus\""
reject "a shown latest value with a reason" "(.evaluation.indicators[] | select(.latest != null and .latest.state == \"shown\") | .latest.reason) |= \"source\""
reject "a withheld group cell without a reason" "($absent.groups[] | select(.state == \"withheld\") | .reason) |= null"
reject "progress beside a withheld latest value" "($small.progress) |= 42"
reject "not_shown beside a numeric ratio" "($absent.ratio) |= 1.5"
reject "not_shown beside a best group" "($absent.best_group) |= \"Male\""
reject "not_shown in other words" "($absent.not_shown) |= \"hidden\""
reject "applied false and for_publication true" '.evaluation.disclosure |= {"applied": false, "for_publication": true, "notice": "x"}'
reject "applied true and for_publication false" '.evaluation.disclosure |= {"applied": true, "for_publication": false, "notice": null}'
reject "not for publication without its notice" '.evaluation.disclosure |= {"applied": false, "for_publication": false, "notice": null}'
reject "not_shown while the policy is set aside" '.evaluation.disclosure |= {"applied": false, "for_publication": false, "notice": "x"}'

# ---- every example, without and with a store ----
for ex in "$top"/examples/*/; do
  name=$(basename "$ex")
  [ -f "$ex/coalition.charter" ] || continue
  w=$tmp/ex-$name
  mkdir -p "$w" && cp -R "$ex". "$w"/
  if (cd "$w" && "$bin" export coalition.charter >"$tmp/json/$name.json" 2>"$w/.err"); then
    validate "$name export" "$tmp/json/$name.json"
  else
    not_ok "$name export exits 0"
    head -5 "$w/.err"
  fi
  if (cd "$w" && "$bin" export --format kumu coalition.charter >"$tmp/json/$name-kumu.json" 2>/dev/null); then
    check "$name Kumu export has elements and connections" jq -e '(.elements | length) > 0 and (.connections | length) > 0' "$tmp/json/$name-kumu.json"
    check "$name Kumu export has unique ids" jq -e "$kumu_unique" "$tmp/json/$name-kumu.json"
  else not_ok "$name Kumu export exits 0"; fi
  if ! ls "$w"/*.csv >/dev/null 2>&1; then continue; fi
  # shellcheck disable=SC2046
  if ! (cd "$w" && "$bin" import --db "$w/ex.db" coalition.charter $(cd "$w" && ls ./*.csv) >/dev/null 2>&1); then
    not_ok "$name imports its CSV files"
    continue
  fi
  for extra in "" "--no-disclosure"; do
    f=$tmp/json/$name-db$extra.json
    # shellcheck disable=SC2086
    if (cd "$w" && "$bin" export --db ex.db --as-of 2026-09 $extra coalition.charter >"$f" 2>/dev/null); then
      validate "$name export --db $extra" "$f"
      check "$name export --db $extra evaluates every indicator" jq -e \
        '(.evaluation.indicators | length) == ([.declarations[] | select(.kind == "indicator")] | length)' "$f"
    else not_ok "$name export --db $extra exits 0"; fi
  done
  mkdir -p "$w/tables"
  if (cd "$w" && "$bin" export --format csv --db ex.db --as-of 2026-09 -o tables coalition.charter 2>/dev/null); then
    check "$name CSV tables written" test -s "$w/tables/indicators.csv" -a -s "$w/tables/evaluation.csv"
  else not_ok "$name export --format csv exits 0"; fi
done
finish
