#!/bin/sh
# A store made by the previous release (store schema 1) meets this charter
# (docs/measurement.md, "How charter opens it", "Versions"). The fixture
# tests/migrate/v1.db was written by `charter import` of the release
# before schema 2 (commit 7584305) from tests/migrate/data.csv, and
# v1-eval.json is that release's `eval --as-of 2026-01 --format json`.
# Checked: eval reads the older store as it is, reporting what the old
# release reported (every field the old output had, with the same value),
# and leaves it byte for byte; an import brings it to schema 2 keeping
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
check "the store is now schema 2" [ "$(sql v1.db 'PRAGMA user_version')" = 2 ]
check "every row survived" [ "$(sql v1.db 'SELECT count(*) FROM measurement')" = 10 ]
sql "$fix/v1.db" "SELECT indicator, dimension, grp, period, period_end, value, source, note, import_id FROM measurement ORDER BY 1, 2, 3, 5" >rows.v1
sql v1.db "SELECT indicator, dimension, grp, period, period_end, value, source, note, import_id FROM measurement ORDER BY 1, 2, 3, 5" >rows.v2
check "every old row is the same in schema 2" cmp rows.v1 rows.v2
check "old rows have no counts and no flags" \
  [ "$(sql v1.db "SELECT count(*) FROM measurement WHERE numerator IS NULL AND denominator IS NULL AND flags = ''")" = 10 ]
check "the import table is the same" [ "$(sql v1.db 'SELECT * FROM import')" = "$(sql "$fix/v1.db" 'SELECT * FROM import')" ]
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
finish
