#!/bin/sh
# charter store grant: the printed SQL and the rights it makes.
#
# 1. Goldens, no database needed: tests/golden/store_grant/NAME.charter
#    -> NAME.sql (what `charter store grant NAME.charter` prints), and
#    tests/golden/store_grant/usage/cmds -> usage.out (usage errors).
# 2. Against a throwaway PostgreSQL (tests/pg.sh): the server's superuser
#    (the admin) imports a two-partner program once and applies the grant
#    (twice: it can be run again); login roles alice (partner alpha) and
#    bob (partner beta) are made and GRANTed their partner's role; alice
#    imports alpha's indicator, is refused beta's with charter's message,
#    and every hand-written SQL attempt to write beta's rows, to lift the
#    policies or to read another coalition fails or changes nothing,
#    counted by the admin after. Hostile titles are applied and come back
#    as written.
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, M failed";
# exits 1 if a check failed, 77 when PostgreSQL cannot start (after the
# goldens).
# Usage: tests/store_rls.sh CHARTER_BINARY   (VERBOSE=1 shows diffs)
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
gold=$here/golden/store_grant
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
same() { # EXPECTED_FILE ACTUAL_TEXT
  if [ "$2" = "$(cat "$1")" ]; then return 0; fi
  [ -n "${VERBOSE:-}" ] && printf '%s\n' "$2" | diff "$1" - | head -30
  return 1
}

# ---- 1. goldens ----
for f in "$gold"/*.charter; do
  name=$(basename "$f" .charter)
  actual=$(cd "$gold" && "$bin" store grant "$name.charter" 2>&1; echo "[exit $?]")
  check "store grant golden $name" same "$gold/$name.sql" "$actual"
done
actual=$(cd "$gold/usage" && grep -v -e '^#' -e '^$' cmds | while IFS= read -r line; do
  printf '$ charter %s\n' "$line"
  eval "set -- $line"
  CHARTER_DB='' timeout 60 "$bin" "$@" 2>&1
  echo "[exit $?]"
done)
check "store grant usage errors" same "$gold/usage.out" "$actual"

# ---- 2. the rights, in PostgreSQL ----
# shellcheck source=tests/pg.sh
. "$here/pg.sh"
trap 'pg_stop; rm -rf "${work:-}"' EXIT
trap 'exit 2' HUP INT TERM
if ! pg_start; then
  echo "not ok - SKIPPED: PostgreSQL could not start; the rights were not tested"
  echo "$passed passed, $failed failed"
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/charter-rls.XXXXXX")
chmod 755 "$work"
cp "$gold/two.charter" "$gold/hostile.charter" "$work"/
cd "$work" || exit 2
admin=$PG_URI
alice=$(printf '%s' "$PG_URI" | sed 's#//charter@#//alice@#')
bob=$(printf '%s' "$PG_URI" | sed 's#//charter@#//bob@#')
sql() { # URI SQL: psql's answer, unaligned, errors included
  "$PG_BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1
}
csv() { # FILE INDICATOR PERIOD VALUE
  printf 'indicator,period,value\n%s,%s,%s\n' "$2" "$3" "$4" >"$1"
}
csv a1.csv a_rate 2024 40
csv b1.csv b_rate 2024 50
out=$("$bin" import --db "$admin" two.charter a1.csv b1.csv 2>&1)
check "the admin imports both partners' indicators" [ $? = 0 ]
out=$("$bin" store grant --apply --db "$admin" two.charter 2>&1)
check "the admin applies the grant" [ $? = 0 ]
printf '%s\n' "$out" | grep -q '(partner alpha) writes: a_rate$'
check "--apply says what each role writes" [ $? = 0 ]
out=$("$bin" store grant --apply --db "$admin" two.charter 2>&1)
check "the grant applied again changes nothing and succeeds" [ $? = 0 ]
coal=$(sql "$admin" "SELECT coalition FROM charter_role WHERE partner = 'alpha'")
ra=$(sql "$admin" "SELECT role FROM charter_role WHERE partner = 'alpha'")
rb=$(sql "$admin" "SELECT role FROM charter_role WHERE partner = 'beta'")
check "one role per partner, named charter:COALITION:PARTNER" [ "$coal" = east-side ] && [ "$ra" = "charter:$coal:alpha" ] && [ "$rb" = "charter:$coal:beta" ]
login=$(sql "$admin" "SELECT count(*) FROM pg_roles WHERE rolname IN ('$ra', '$rb') AND NOT rolcanlogin")
check "the partner roles cannot log in" [ "$login" = 2 ]
sql "$admin" "CREATE ROLE alice LOGIN; GRANT \"$ra\" TO alice; CREATE ROLE bob LOGIN; GRANT \"$rb\" TO bob" >/dev/null
# another coalition's rows in the same database, which no partner here reads
sql "$admin" "WITH i AS (INSERT INTO import (file, rows, at, coalition) VALUES ('other.csv', 1, '2026-01-01T00:00:00Z', 'other') RETURNING id)
  INSERT INTO measurement (coalition, indicator, period, period_end, value, import_id)
  SELECT 'other', 'a_rate', '2024', '2024-12-31', 7, id FROM i" >/dev/null
check "the admin stores a row of another coalition" [ $? = 0 ]
count() { sql "$admin" "SELECT count(*) FROM measurement WHERE $1"; }

csv a2.csv a_rate 2025 41
out=$("$bin" import --db "$alice" two.charter a2.csv 2>&1)
check "alice imports alpha's indicator" [ $? = 0 ] && [ "$(count "indicator = 'a_rate' AND period = '2025'")" = 1 ]
csv b2.csv b_rate 2025 51
out=$("$bin" import --db "$alice" two.charter b2.csv 2>&1)
rc=$?
check "alice's import of beta's indicator is refused (exit 2)" [ $rc = 2 ]
printf '%s\n' "$out" | grep -q "this login ('alice') may not write indicator 'b_rate' of coalition 'east-side'.*charter store grant"
check "the refusal says plainly which indicator this login may not write" [ $? = 0 ]
[ -n "${VERBOSE:-}" ] && printf '%s\n' "$out"
check "nothing of the refused import is stored" [ "$(count "indicator = 'b_rate'")" = 1 ]
csv b3.csv b_rate 2024 52
out=$("$bin" import --replace --db "$alice" two.charter b3.csv 2>&1)
check "alice's --replace of beta's stored value is refused" [ $? = 2 ]
printf '%s\n' "$out" | grep -q "may not write indicator 'b_rate'"
check "the refused replace says why" [ $? = 0 ]
check "beta's value is as the admin stored it" [ "$(count "indicator = 'b_rate' AND value = 50")" = 1 ]
csv b4.csv b_rate 2025 53
out=$("$bin" import --db "$bob" two.charter b4.csv 2>&1)
check "bob imports beta's indicator" [ $? = 0 ] && [ "$(count "indicator = 'b_rate' AND period = '2025'")" = 1 ]
out=$("$bin" eval --db "$alice" --as-of 2025 --format csv two.charter 2>&1)
check "alice reads the coalition's rows (beta's too)" [ $? = 0 ]
printf '%s\n' "$out" | grep -q '^b_rate,.*53'
check "alice's eval shows bob's value" [ $? = 0 ]

before=$(sql "$admin" "SELECT md5(string_agg(m::text, '|' ORDER BY m::text)) FROM measurement m")
attempt() { # NAME SQL: as alice, expect an error or no row changed
  got=$(sql "$alice" "$2")
  case $got in
  *ERROR*) ok=0 ;;
  *) ok=1 ;;
  esac
  after=$(sql "$admin" "SELECT md5(string_agg(m::text, '|' ORDER BY m::text)) FROM measurement m")
  [ "$after" = "$before" ] || ok=1
  [ -n "${VERBOSE:-}" ] && echo "# $1: $got"
  check "alice cannot: $1" [ "$ok" = 0 ]
}
attempt "INSERT a row of beta's indicator" \
  "INSERT INTO measurement (coalition, indicator, period, period_end, value, import_id) VALUES ('$coal', 'b_rate', '2023', '2023-12-31', 1, 1)"
got=$(sql "$alice" "UPDATE measurement SET value = 0 WHERE indicator = 'b_rate'")
check "alice's UPDATE of beta's rows changes no row" [ "$(count "indicator = 'b_rate' AND value = 0")" = 0 ]
attempt "DELETE rows" "DELETE FROM measurement WHERE indicator = 'a_rate'"
attempt "TRUNCATE" "TRUNCATE measurement"
attempt "DISABLE ROW LEVEL SECURITY" "ALTER TABLE measurement DISABLE ROW LEVEL SECURITY"
attempt "DROP POLICY" "DROP POLICY charter_update ON measurement"
attempt "SET ROLE to beta's role" "SET ROLE \"$rb\"; INSERT INTO measurement (coalition, indicator, period, period_end, value, import_id) VALUES ('$coal', 'b_rate', '2022', '2022-12-31', 1, 1)"
attempt "change her own row's indicator to beta's" "UPDATE measurement SET indicator = 'b_rate' WHERE indicator = 'a_rate' AND period = '2025'"
attempt "move her own row to another coalition" "UPDATE measurement SET coalition = 'other' WHERE indicator = 'a_rate' AND period = '2025'"
attempt "INSERT into charter_writer" "INSERT INTO charter_writer VALUES ('$ra', '$coal', 'b_rate')"
attempt "INSERT into charter_reader" "INSERT INTO charter_reader VALUES ('$ra', 'other')"
attempt "GRANT herself beta's role" "GRANT \"$rb\" TO alice"
attempt "INSERT an import row of another coalition" "INSERT INTO import (id, file, rows, at, coalition) VALUES (91, 'x', 1, 'x', 'other')"
seen=$(sql "$alice" "SELECT count(*) FROM measurement WHERE coalition = 'other'")
check "alice sees none of another coalition's rows" [ "$seen" = 0 ]
seen=$(sql "$alice" "SELECT count(*) FROM import WHERE coalition = 'other'")
check "alice sees none of another coalition's imports" [ "$seen" = 0 ]
n=$(count "true")
[ -n "${VERBOSE:-}" ] && echo "# rows: $n" && sql "$admin" "SELECT coalition, indicator, period, value FROM measurement ORDER BY 1, 2, 3"
check "the admin counts the rows as before the attempts" [ "$n" = 5 ]
check "writer rights are as the grant made them" \
  [ "$(sql "$admin" "SELECT count(*) FROM charter_writer")" = 2 ] && [ "$(sql "$admin" "SELECT count(*) FROM charter_reader")" = 2 ]

# an import's record: its id is the store's, its file, time and coalition
# are fixed; a measurement names an import of its own coalition
iattempt() { # NAME SQL: as alice, no import record changes
  ibefore=$(sql "$admin" "SELECT md5(string_agg(i::text, '|' ORDER BY i::text)) FROM import i")
  got=$(sql "$alice" "$2")
  [ -n "${VERBOSE:-}" ] && echo "# $1: $got"
  check "alice cannot: $1" [ "$(sql "$admin" "SELECT md5(string_agg(i::text, '|' ORDER BY i::text)) FROM import i")" = "$ibefore" ]
}
iattempt "change an import's id" "UPDATE import SET id = 9223372036854775807 WHERE coalition = '$coal'"
iattempt "rewrite an import's file" "UPDATE import SET file = 'forged.csv' WHERE coalition = '$coal'"
iattempt "rewrite an import's time" "UPDATE import SET at = '1999-01-01T00:00:00Z' WHERE coalition = '$coal'"
iattempt "move an import to another coalition" "UPDATE import SET coalition = 'other' WHERE coalition = '$coal'"
iattempt "delete an import that stored rows" "DELETE FROM import WHERE coalition = '$coal'"
other=$(sql "$admin" "SELECT id FROM import WHERE coalition = 'other'")
attempt "point her row at another coalition's import" \
  "INSERT INTO measurement (coalition, indicator, period, period_end, value, import_id) VALUES ('$coal', 'a_rate', '2019', '2019-12-31', 1, $other)"
sql "$alice" "INSERT INTO import (id, file, rows, at, coalition) VALUES (9223372036854775807, 'x.csv', 0, 'x', '$coal')" >/dev/null
check "an import row given the largest bigint id gets the next id instead" \
  [ "$(sql "$admin" "SELECT count(*) FROM import WHERE id > 1000")" = 0 ]
csv b6.csv b_rate 2019 19
out=$("$bin" import --db "$bob" two.charter b6.csv 2>&1)
check "and the next import still works" [ $? = 0 ]
[ -n "${VERBOSE:-}" ] && printf '%s\n' "$out"
sql "$admin" "DELETE FROM measurement WHERE period = '2019'" >/dev/null
conf=$(sql "$admin" "SELECT p.prosecdef, array_to_string(p.proconfig, ';') FROM pg_proc p WHERE p.proname = 'charter_import_id'")
check "the trigger's function runs as the owner with search_path pg_catalog, the schema, pg_temp" \
  [ "$conf" = "t|search_path=pg_catalog, public, pg_temp" ]

# no partner can lock the store against everyone
got=$(sql "$alice" "BEGIN; LOCK TABLE measurement IN ACCESS EXCLUSIVE MODE; COMMIT")
case $got in *ERROR*) ok=0 ;; *) ok=1 ;; esac
check "alice cannot: LOCK TABLE measurement IN ACCESS EXCLUSIVE MODE" [ "$ok" = 0 ]
check "no partner role holds UPDATE, DELETE or TRUNCATE on measurement as a whole" \
  [ "$(sql "$admin" "SELECT count(*) FROM charter_role WHERE has_table_privilege(role, 'measurement', 'UPDATE, DELETE, TRUNCATE')")" = 0 ]
got=$(sql "$alice" "BEGIN; LOCK TABLE import IN ACCESS EXCLUSIVE MODE; COMMIT")
case $got in *ERROR*) ok=0 ;; *) ok=1 ;; esac
check "alice cannot: LOCK TABLE import IN ACCESS EXCLUSIVE MODE" [ "$ok" = 0 ]
check "no partner role holds UPDATE, DELETE or TRUNCATE on import as a whole" \
  [ "$(sql "$admin" "SELECT count(*) FROM charter_role WHERE has_table_privilege(role, 'import', 'UPDATE, DELETE, TRUNCATE')")" = 0 ]
conf=$(sql "$admin" "SELECT p.prosecdef, array_to_string(p.proconfig, ';') FROM pg_proc p WHERE p.proname = 'charter_finish_import'")
check "charter_finish_import runs as the owner with search_path pg_catalog, the schema, pg_temp" \
  [ "$conf" = "t|search_path=pg_catalog, public, pg_temp" ]
# a partner may not zero or remove another's import record (it would
# then count as the next import's own, and hide a conflict)
bobs=$(sql "$admin" "SELECT id FROM import WHERE file = 'b4.csv'")
before=$(sql "$admin" "SELECT id || ' ' || rows FROM import ORDER BY id")
sql "$alice" "UPDATE import SET rows = 0 WHERE id = $bobs" >/dev/null 2>&1
sql "$alice" "SELECT charter_finish_import(id, 0) FROM import" >/dev/null 2>&1
sql "$alice" "SELECT charter_finish_import(id, 7) FROM import" >/dev/null 2>&1
check "alice cannot zero, remove or recount any import record, bob's ($bobs) included" \
  [ "$(sql "$admin" "SELECT id || ' ' || rows FROM import ORDER BY id")" = "$before" ]
sql "$admin" "CREATE ROLE mallory LOGIN" >/dev/null
mallory=$(printf '%s' "$admin" | sed 's#//charter@#//mallory@#')
got=$(sql "$mallory" "SELECT charter_finish_import(1, 0)")
case $got in *"permission denied"*) ok=0 ;; *) ok=1 ;; esac
check "a login with no partner role may not call charter_finish_import" [ "$ok" = 0 ]
# a look-alike function (where logins may create them, as before
# PostgreSQL 15) is never the one an import calls
sql "$admin" "GRANT CREATE ON SCHEMA public TO mallory" >/dev/null
sql "$mallory" "CREATE FUNCTION public.charter_finish_import(text, text) RETURNS void LANGUAGE sql AS 'CREATE TABLE public.pwned (x int)'" >/dev/null 2>&1
csv a9.csv a_rate 2017 17
"$bin" import --db "$admin" two.charter a9.csv >/dev/null 2>&1
check "an import calls the store's charter_finish_import, not a look-alike (text, text)" \
  [ "$(sql "$admin" "SELECT to_regclass('public.pwned') IS NULL")" = t ]
sql "$admin" "DROP FUNCTION IF EXISTS public.charter_finish_import(text, text); REVOKE CREATE ON SCHEMA public FROM mallory" >/dev/null 2>&1
"$PG_BINDIR/psql" -X -q -d "$admin" -c "BEGIN; SELECT pg_advisory_xact_lock(7238135690214532400); SELECT pg_sleep(4); COMMIT" >/dev/null 2>&1 &
holder=$!
sleep 1
csv b7.csv b_rate 2018 18
out=$(PGOPTIONS='-c lock_timeout=500' "$bin" import --db "$bob" two.charter b7.csv 2>&1)
rc=$?
wait "$holder"
check "an import waits for another writer's lock, then says busy (exit 2)" \
  sh -c '[ "$0" = 2 ] && printf "%s\n" "$1" | grep -q "is busy"' "$rc" "$out"
sql "$admin" "DELETE FROM measurement WHERE period = '2018'" >/dev/null

# a login with no partner role reads and writes nothing
sql "$admin" "CREATE ROLE carol LOGIN" >/dev/null
carol=$(printf '%s' "$PG_URI" | sed 's#//charter@#//carol@#')
out=$("$bin" import --db "$carol" two.charter a2.csv 2>&1)
check "a login without a partner role cannot import" [ $? = 2 ]
printf '%s\n' "$out" | grep -q "this login ('carol') has no rights in the store .*GRANT your partner's role"
check "and is told to ask for a partner's role" [ $? = 0 ]
[ -n "${VERBOSE:-}" ] && printf '%s\n' "$out"
out=$(CHARTER_DB=$admin "$bin" store grant --apply two.charter 2>&1)
check "--apply takes the store from CHARTER_DB" [ $? = 0 ]

# the grant again after the program changed: a_rate is now beta's
sed '/^indicator a_rate/,/^}/s/reported_by alpha/reported_by beta/' two.charter >moved.charter
out=$("$bin" store grant --apply --db "$admin" moved.charter 2>&1)
check "the grant of a changed program applies" [ $? = 0 ]
csv a3.csv a_rate 2026 42
out=$("$bin" import --db "$alice" moved.charter a3.csv 2>&1)
check "after it, alice may no longer write a_rate" [ $? = 2 ]
out=$("$bin" import --db "$bob" moved.charter a3.csv 2>&1)
check "and bob may" [ $? = 0 ]
check "alpha's role writes nothing now" [ "$(sql "$admin" "SELECT count(*) FROM charter_writer WHERE role = '$ra'")" = 0 ]

# a partner the program no longer declares keeps no right
awk '/^partner beta /,/^}/ { next } /^indicator b_rate /,/^}/ { next } { print }' two.charter >one.charter
out=$("$bin" store grant --apply --db "$admin" one.charter 2>&1)
check "the grant of a program without beta applies" [ $? = 0 ]
[ -n "${VERBOSE:-}" ] && printf '%s\n' "$out"
check "beta's role keeps no right on the store's tables" \
  [ "$(sql "$admin" "SELECT has_table_privilege('$rb', 'measurement', 'SELECT') OR has_table_privilege('$rb', 'import', 'INSERT') OR has_column_privilege('$rb', 'measurement', 'value', 'UPDATE')")" = f ]
got=$(sql "$bob" "SELECT count(*) FROM measurement")
case $got in *ERROR*) ok=0 ;; *) ok=1 ;; esac
check "bob (beta's login) reads nothing after it" [ "$ok" = 0 ]
out=$("$bin" store grant --apply --db "$admin" two.charter 2>&1)
check "the grant of both partners applies again" [ $? = 0 ] && [ "$(sql "$bob" "SELECT count(*) > 0 FROM measurement")" = t ]

# only the store's owner, with CREATEROLE, can apply the grant
out=$("$bin" store grant --apply --db "$alice" two.charter 2>&1)
rc=$?
[ -n "${VERBOSE:-}" ] && printf '%s\n' "$out"
check "a partner's login cannot apply the grant (exit 2)" [ $rc = 2 ]
printf '%s\n' "$out" | grep -q "Only the store's owner (the login that made it with charter import), with the CREATEROLE attribute, can apply the grant"
check "and is told that only the store's owner with CREATEROLE can" [ $? = 0 ]
sql "$admin" "CREATE ROLE owner2 LOGIN" >/dev/null
sql "$admin" "CREATE DATABASE own2 OWNER owner2" >/dev/null
own2=$(printf '%s' "$PG_URI" | sed 's#//charter@#//owner2@#; s#/charter$#/own2#')
sed 's/network_id "east-side"/network_id "own2-side"/' two.charter >own2.charter
out=$("$bin" import --db "$own2" own2.charter a1.csv 2>&1)
check "a login without CREATEROLE makes a store in its own database" [ $? = 0 ]
[ -n "${VERBOSE:-}" ] && printf "%s\n" "$out"
out=$("$bin" store grant --apply --db "$own2" own2.charter 2>&1)
rc=$?
[ -n "${VERBOSE:-}" ] && printf '%s\n' "$out"
check "the store's owner without CREATEROLE cannot apply the grant (exit 2), and is told why" \
  sh -c '[ "$0" = 2 ] && printf "%s\n" "$1" | grep -q "permission denied to create role.*with the CREATEROLE attribute"' "$rc" "$out"
sql "$admin" "ALTER ROLE owner2 CREATEROLE" >/dev/null
out=$("$bin" store grant --apply --db "$own2" own2.charter 2>&1)
check "with CREATEROLE the owner applies it" [ $? = 0 ]
[ -n "${VERBOSE:-}" ] && printf '%s\n' "$out"

# hostile titles: applied, they come back as written, and nothing else ran
out=$("$bin" store grant --apply --db "$admin" hostile.charter 2>&1)
check "the grant of hostile titles applies" [ $? = 0 ]
[ -n "${VERBOSE:-}" ] && printf '%s\n' "$out"
comment=$(sql "$admin" "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = 'charter:hostile-titles:quote'")
check "a title with quotes is stored as its text" [ "$comment" = "partner quote of coalition hostile-titles: It's'; DROP TABLE measurement; --" ]
tables=$(sql "$admin" "SELECT count(*) FROM pg_tables WHERE tablename IN ('measurement', 'import')")
check "no statement hidden in a title ran (the tables are there)" [ "$tables" = 2 ]
pub=$(sql "$admin" "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'PUBLIC' AND table_name = 'measurement'")
check "no statement hidden in a title ran (PUBLIC has no right)" [ "$pub" = 0 ]
long=$(sql "$admin" "SELECT role FROM charter_role WHERE partner LIKE 'a_partner_id%'")
check "a role name over 63 bytes is cut with a hash" [ ${#long} = 63 ] && [ "$(sql "$admin" "SELECT count(*) FROM pg_roles WHERE rolname = '$long'")" = 1 ]

# --apply on a database without the store's tables
sql "$admin" "CREATE DATABASE empty" >/dev/null
empty=$(printf '%s' "$PG_URI" | sed 's#/charter$#/empty#')
out=$("$bin" store grant --apply --db "$empty" two.charter 2>&1)
rc=$?
check "--apply on a database without a store is refused (exit 2)" [ $rc = 2 ]
printf '%s\n' "$out" | grep -q 'holds no Charter measurement store yet: run charter import into it first; nothing was changed'
check "the refusal says to import first" [ $? = 0 ]
check "and nothing was made there" [ "$(sql "$empty" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ]

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
