#!/bin/sh
# A network of coalitions end to end, as its people use it.
#
# 1. Both engines (an SQLite file, then a throwaway PostgreSQL): the three
#    member coalitions of examples/network import their rows, each with its
#    own program; `charter report` and `charter export` of the network
#    program show the rolled-up readiness rate, 57.35% = (30 + 45 + 120) /
#    (40 + 100 + 200) = 195 / 340 (never the average of the members' rates,
#    (75 + 45 + 60) / 3 = 60%), provisional; the chronic absence count
#    24 = 8 + 9 + 7 shown although each member's own count is withheld (8,
#    9, 7 < 11), and its groups withheld (9 < 11; 15 its complement).
# 2. PostgreSQL with rights (charter store grant): the example's shared
#    indicators say `reported_by district`; each member declares its
#    district and the network its evaluator. A member's login imports its own rows and
#    cannot write another member's; the network's evaluator reads every
#    member's rows (its roll-up equals the owner's) and writes none; a
#    member's login evaluating the network program reads only its own
#    coalition, so no roll-up can be made from it (nothing leaks).
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, M failed";
# exits 77 after part 1's SQLite checks when PostgreSQL cannot start.
# Usage: tests/network.sh CHARTER_BINARY
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ex=$here/../examples/network
passed=0 failed=0
check() { # NAME COMMAND...
  name=$1
  shift
  if "$@"; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "not ok - $name"
    failed=$((failed + 1))
  fi
}
has() { grep -q -- "$2" "$1"; }
lacks() { ! grep -q -- "$2" "$1"; }

# shellcheck source=tests/pg.sh
. "$here/pg.sh"
trap 'pg_stop; [ -n "${KEEP:-}" ] || rm -rf "${work:-}"' EXIT
trap 'exit 2' HUP INT TERM
work=$(mktemp -d "${TMPDIR:-/tmp}/charter-network.XXXXXX")
chmod 755 "$work"

# members ENGINE DB: the three members' imports, then the network's report
# and export, checked.
members() {
  eng=$1 db=$2
  ok=true
  for m in east-side riverside north-hills; do
    "$bin" import --db "$db" "$m.charter" "$m.csv" >"$eng-$m.out" 2>&1 || ok=false
  done
  check "$eng: the three members import their rows" $ok
  TZ=UTC "$bin" report --db "$db" --as-of 2025-12 -o "$eng-report.html" network.charter >"$eng-report.out" 2>&1
  check "$eng: report of the network program (exit 0)" [ $? = 0 ]
  check "$eng: the report shows the rolled-up rate 57.35% (195 / 340), not the average 60%" \
    sh -c 'grep -q "<td>57.35% (SY2024-25), provisional</td>" "$0" && ! grep -q "<td>60%" "$0"' "$eng-report.html"
  check "$eng: the report shows the network's 24 students" has "$eng-report.html" "24 students"
  check "$eng: the report marks the rate provisional" has "$eng-report.html" "rovisional"
  TZ=UTC "$bin" export --db "$db" --as-of 2025-12 network.charter >"$eng-export.json" 2>"$eng-export.err"
  check "$eng: export of the network program (exit 0)" [ $? = 0 ]
  check "$eng: export's evaluation has the rolled-up rate" \
    sh -c '[ "$(jq -r ".evaluation.indicators[] | select(.id == \"network_kindergarten_ready\") | .latest.value" "$0")" = 57.35294117647059 ]' \
    "$eng-export.json"
  check "$eng: export withholds both groups of the network's count (9 < 11 and its complement)" \
    sh -c '[ "$(jq -c "[.evaluation.indicators[] | select(.id == \"network_chronic_absence\") | .equity[].groups[] | .value]" "$0")" = "[null,null]" ]' \
    "$eng-export.json"
  TZ=UTC "$bin" eval --db "$db" --as-of 2025-12 east-side.charter >"$eng-east.out" 2>&1
  check "$eng: a member's eval withholds its own 8 students (8 < 11)" sh -c '! grep -q "8 students" "$0"' "$eng-east.out"
}

cp "$ex"/*.charter "$ex"/*.csv "$work"/
cd "$work" || exit 2
members sqlite network.db

if ! pg_start; then
  echo "not ok - SKIPPED: PostgreSQL could not start; the network was tested on SQLite only"
  echo "$passed passed, $failed failed"
  exit 77
fi
"$PG_BINDIR/psql" -X -q -d "$PG_URI" -c "CREATE DATABASE net" >/dev/null 2>&1
owner=$(printf '%s' "$PG_URI" | sed 's#/charter$#/net#')
members postgresql "$owner"
check "the two engines' reports are the same page" cmp -s sqlite-report.html postgresql-report.html
check "the two engines' exports are the same" cmp -s sqlite-export.json postgresql-export.json

# ---- 2. rights ----
mkdir rights && cd rights || exit 2
cp "$ex"/*.charter "$ex"/*.csv .
ok=true
for f in east-side riverside north-hills network; do "$bin" check "$f.charter" >/dev/null 2>&1 || ok=false; done
check "rights: the example's programs check clean" $ok
"$PG_BINDIR/psql" -X -q -d "$PG_URI" -c "CREATE DATABASE netr" >/dev/null 2>&1
admin=$(printf '%s' "$PG_URI" | sed 's#/charter$#/netr#')
as() { printf '%s' "$admin" | sed "s#//charter@#//$1@#"; }
# the store made by the owner (a file with no rows), then every grant
printf 'indicator,period,value\n' >empty.csv
"$bin" import --db "$admin" east-side.charter empty.csv >/dev/null 2>&1
ok=true
for f in east-side riverside north-hills network; do
  "$bin" store grant --apply --db "$admin" "$f.charter" >"grant-$f.out" 2>&1 || ok=false
done
check "rights: the grants apply" $ok
"$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d "$admin" >/dev/null 2>&1 <<'EOF' || echo "psql failed" >&2
CREATE ROLE east_user LOGIN;
CREATE ROLE river_user LOGIN;
CREATE ROLE north_user LOGIN;
CREATE ROLE eval_user LOGIN;
GRANT "charter:east-side:district" TO east_user;
GRANT "charter:riverside:district" TO river_user;
GRANT "charter:north-hills:district" TO north_user;
GRANT "charter:tri-county:evaluator" TO eval_user;
EOF
"$bin" import --db "$(as east_user)" east-side.charter east-side.csv >east.out 2>&1
check "rights: east-side's login imports east-side's rows" [ $? = 0 ]
"$bin" import --db "$(as east_user)" riverside.charter riverside.csv >east-river.out 2>&1
rc=$?
check "rights: east-side's login cannot import riverside's rows (exit 2, says which coalition)" \
  sh -c '[ "$0" = 2 ] && grep -q "may not write imports of coalition .riverside." east-river.out' "$rc"
"$bin" import --db "$(as river_user)" riverside.charter riverside.csv >river.out 2>&1 &&
  "$bin" import --db "$(as north_user)" north-hills.charter north-hills.csv >north.out 2>&1
check "rights: riverside's and north-hills' logins import their own rows" [ $? = 0 ]
"$bin" import --db "$(as eval_user)" east-side.charter east-side.csv >eval-write.out 2>&1
check "rights: the network's evaluator writes no member's rows" [ $? = 2 ]
TZ=UTC "$bin" eval --db "$admin" --as-of 2025-12 --format json network.charter >owner-eval.json 2>&1
TZ=UTC "$bin" eval --db "$(as eval_user)" --as-of 2025-12 --format json network.charter >evaluator-eval.json 2>&1
check "rights: the evaluator's roll-up is the owner's (57.35%)" \
  sh -c 'cmp -s owner-eval.json evaluator-eval.json && grep -q 57.35 evaluator-eval.json'
TZ=UTC "$bin" eval --db "$(as east_user)" --as-of 2025-12 --format json network.charter >east-network.json 2>east-network.err
check "rights: east-side's login evaluating the network program sees no roll-up (it reads only east-side)" \
  sh -c '[ "$(jq -c "[.indicators[] | select(.id | startswith(\"network_\")) | .latest]" east-network.json)" = "[null,null]" ]'
check "rights: and eval says which members it could not read" \
  sh -c 'grep -q "coalition .riverside. .*or this login may not read them" east-network.err &&
    grep -q "coalition .north-hills. " east-network.err && ! grep -q "coalition .east-side. " east-network.err'
n=$("$PG_BINDIR/psql" -X -q -A -t -d "$(as east_user)" -c "SELECT count(*) FROM measurement WHERE coalition <> 'east-side'" 2>&1)
check "rights: east-side's login reads no other coalition's rows by hand" [ "$n" = 0 ]

# consent: a member's rows are read by a network's roles only when its
# charter block says shared_with that network
n=$("$PG_BINDIR/psql" -X -q -A -t -d "$(as eval_user)" -c "SELECT count(*) FROM measurement WHERE coalition = 'north-hills'" 2>&1)
check "rights: with north-hills' consent (shared_with \"tri-county\") the evaluator reads its rows" [ "$n" -gt 0 ] 2>/dev/null
grep -q 'reads: tri-county, and east-side, riverside, north-hills where each shares with tri-county' grant-network.out
check "rights: --apply says what each of the network's roles reads" [ $? = 0 ]
grep -q 'shares its rows with the roles of: tri-county' grant-north-hills.out
check "rights: --apply says with which networks a member shares its rows" [ $? = 0 ]
sed '/^  shared_with "tri-county"$/d' north-hills.charter >north-private.charter
"$bin" store grant --apply --db "$admin" north-private.charter >grant-private.out 2>&1
check "rights: north-hills' grant without shared_with applies" [ $? = 0 ]
n=$("$PG_BINDIR/psql" -X -q -A -t -d "$(as eval_user)" -c "SELECT count(*) FROM measurement WHERE coalition = 'north-hills'" 2>&1)
check "rights: without its consent the evaluator reads none of north-hills' rows" [ "$n" = 0 ]
n=$("$PG_BINDIR/psql" -X -q -A -t -d "$(as eval_user)" -c "SELECT count(*) FROM import WHERE coalition = 'north-hills'" 2>&1)
check "rights: nor its imports" [ "$n" = 0 ]
n=$("$PG_BINDIR/psql" -X -q -A -t -d "$(as north_user)" -c "SELECT count(*) FROM measurement WHERE coalition = 'north-hills'" 2>&1)
check "rights: north-hills' own login still reads its rows" [ "$n" -gt 0 ] 2>/dev/null
TZ=UTC "$bin" eval --db "$(as eval_user)" --as-of 2025-12 --format json network.charter >evaluator-private.json 2>evaluator-private.err
check "rights: the evaluator's eval warns that north-hills cannot be read" \
  grep -q "coalition 'north-hills' (listed in the charter block's coalitions) has no rows .*or this login may not read them" \
  evaluator-private.err
check "rights: the evaluator's eval makes no roll-up without north-hills' rows" \
  sh -c '[ "$(jq -c "[.indicators[] | select(.id | startswith(\"network_\")) | .latest]" "$0")" = "[null,null]" ]' \
  evaluator-private.json

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
