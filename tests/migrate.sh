#!/bin/sh
# A store made by the previous release (store schema 1) meets this charter
# (docs/measurement.md, "How charter opens it", "Versions"). The fixture
# tests/migrate/v1.db was written by `charter import` of the release
# before schema 2 (commit 7584305) from tests/migrate/data.csv, and
# v1-eval.json is that release's `eval --as-of 2026-01 --format json`.
# Checked: eval reads the older store as it is, reporting what the old
# release reported (every field the old output had, with the same value),
# and leaves it byte for byte; an import brings it to schema 3 keeping
# every row (NULL counts, '' flags); eval then reports exactly what it
# reported before the migration, and again after a second import.
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed".
# Usage: tests/migrate.sh CHARTER_BINARY. Needs sqlite3, jq and cmp.
# shellcheck disable=SC2016
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup migrate sqlite3 jq cmp

fix=$here/migrate
cp "$fix/main.charter" "$fix/data.csv" "$fix/v1.db" .
sql() { sqlite3 -batch -init /dev/null "$@" </dev/null; }
# old_fields NEW.json: NEW reduced to the paths the old release's output has
# (fields added since are documented additions), sorted, one line.
old_fields() {
  jq -S -c --slurpfile old "$fix/v1-eval.json" '
    . as $new | reduce ($old[0] | paths(type != "object" and (type != "array" or length == 0))) as $p (null; setpath($p; $new | getpath($p)))' "$1"
}
sql v1.db .dump >v1.dump
check "the fixture is a store of schema 1" [ "$(sql v1.db 'PRAGMA user_version')" = 1 ]

$limit "$bin" eval --db v1.db --as-of 2026-01 --format json main.charter >before.json 2>before.err
echo $? >before.rc
check "eval reads a schema-1 store as it is (exit 0, nothing on stderr)" \
  sh -c '[ "$(cat before.rc)" = 0 ] && [ ! -s before.err ]'
old_fields before.json >before.old
jq -S -c . "$fix/v1-eval.json" >expected
check "eval of the schema-1 store reports what the old release did" cmp expected before.old
check "eval leaves the schema-1 store byte for byte" cmp v1.db "$fix/v1.db"

# an import of a file with no rows changes no measurement: only the schema
printf 'indicator,period,value\n' >empty.csv
$limit "$bin" import --db v1.db main.charter empty.csv >migrate.out 2>migrate.err
echo $? >migrate.rc
check "an import migrates it (exit 0, nothing on stderr)" sh -c '[ "$(cat migrate.rc)" = 0 ] && [ ! -s migrate.err ]'
check "the store is now schema 3 (through 2)" [ "$(sql v1.db 'PRAGMA user_version')" = 3 ]
check "every row survived" [ "$(sql v1.db 'SELECT count(*) FROM measurement')" = 10 ]
sql "$fix/v1.db" "SELECT indicator, dimension, grp, period, period_end, value, source, note, import_id FROM measurement ORDER BY 1, 2, 3, 5" >rows.v1
sql v1.db "SELECT indicator, dimension, grp, period, period_end, value, source, note, import_id FROM measurement ORDER BY 1, 2, 3, 5" >rows.v2
check "every old row is the same in schema 2" cmp rows.v1 rows.v2
check "old rows have no counts and no flags" \
  [ "$(sql v1.db "SELECT count(*) FROM measurement WHERE numerator IS NULL AND denominator IS NULL AND flags = ''")" = 10 ]
check "the import table is the same" [ "$(sql v1.db 'SELECT id, file, rows, at FROM import')" = "$(sql "$fix/v1.db" 'SELECT * FROM import')" ]
check "every old row and import is the unnamed coalition's" \
  [ "$(sql v1.db "SELECT (SELECT count(*) FROM measurement WHERE coalition = '') || ' ' || (SELECT count(*) FROM import WHERE coalition = '')")" = "10 1" ]
check "no table is left over from the migration" \
  [ "$(sql v1.db "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)")" = import,measurement ]

$limit "$bin" eval --db v1.db --as-of 2026-01 --format json main.charter >after.json 2>after.err
echo $? >after.rc
check "eval after the migration succeeds" sh -c '[ "$(cat after.rc)" = 0 ] && [ ! -s after.err ]'
old_fields after.json >after.old
check "eval after the migration reports what the old release did" cmp expected after.old
check "eval after the migration is the same as before it, every field" cmp before.json after.json

# importing the same rows again changes nothing, and eval stays the same
$limit "$bin" import --db v1.db main.charter data.csv >again.out 2>again.err
check "the old rows import again unchanged" grep -q '^data.csv: 0 rows added, 0 replaced, 10 unchanged$' again.out
$limit "$bin" eval --db v1.db --as-of 2026-01 --format json main.charter >again.json 2>&1
old_fields again.json >again.old
check "eval after a second import is the same" cmp expected again.old
# A store of schema 2 (counts and flags; made by the release before schema
# 3 from tests/migrate/v2/data.csv, v2-eval.json its eval --as-of 2030
# --format json): eval reads it as it is and untouched; an import brings it
# to schema 3, every row kept with its counts and flags as the unnamed
# coalition's; eval then reports exactly what it did before.
v2=$here/migrate/v2
mkdir v2 && cp "$v2/main.charter" "$v2/data.csv" "$v2/v2.db" v2/
check "the second fixture is a store of schema 2" [ "$(sql v2/v2.db 'PRAGMA user_version')" = 2 ]
(cd v2 && TZ=UTC $limit "$bin" eval --db v2.db --as-of 2030 --format json main.charter >before.json 2>before.err)
check "eval of the schema-2 store reports what the old release did" sh -c '[ ! -s v2/before.err ] && cmp -s v2/before.json "$0"' "$v2/v2-eval.json"
check "eval leaves the schema-2 store byte for byte" cmp v2/v2.db "$v2/v2.db"
sql "$v2/v2.db" "SELECT indicator, dimension, grp, period, period_end, value, numerator, denominator, flags, source, note, import_id FROM measurement ORDER BY 1, 2, 3, 5" >v2/rows.before
(cd v2 && $limit "$bin" import --db v2.db main.charter ../empty.csv >migrate.out 2>migrate.err)
check "an import migrates the schema-2 store (exit 0, nothing on stderr)" sh -c '[ ! -s v2/migrate.err ]'
check "the schema-2 store is now schema 3" [ "$(sql v2/v2.db 'PRAGMA user_version')" = 3 ]
sql v2/v2.db "SELECT indicator, dimension, grp, period, period_end, value, numerator, denominator, flags, source, note, import_id FROM measurement ORDER BY 1, 2, 3, 5" >v2/rows.after
check "every schema-2 row is the same in schema 3, counts and flags too" cmp v2/rows.before v2/rows.after
check "every schema-2 row is the unnamed coalition's" [ "$(sql v2/v2.db "SELECT count(*) FROM measurement WHERE coalition = ''")" = "$(wc -l <v2/rows.before | tr -d ' ')" ]
(cd v2 && TZ=UTC $limit "$bin" eval --db v2.db --as-of 2030 --format json main.charter >after.json 2>&1)
check "eval after the 2 -> 3 migration is the same as before it" cmp v2/before.json v2/after.json
sed 's/^charter \("[^"]*"\) {/charter \1 {\n  network_id "another"/' v2/main.charter >v2/other.charter
(cd v2 && TZ=UTC $limit "$bin" eval --db v2.db --as-of 2030 --format json other.charter >other.json 2>&1)
check "a program with a network_id sees none of the unnamed coalition's rows" \
  sh -c '! cmp -s v2/before.json v2/other.json && [ "$(jq "[.indicators[] | select(.latest != null)] | length" v2/other.json)" = 0 ]'
finish
