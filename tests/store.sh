#!/bin/sh
# Structural checks of the measurement store (docs/measurement.md: "The
# store", "The CSV files", "All or nothing", "How charter opens it"): an
# import killed while it writes leaves the store as it was; two imports at
# once both finish; stores from a newer schema, files that are not SQLite
# databases and databases that are not stores are refused and left byte for
# byte; eval never creates or changes a store; the schema; re-imports and
# --replace; a failed import leaves no database behind.
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed";
# exits 1 if any check failed. Usage: tests/store.sh CHARTER_BINARY
# (KEEP=1 keeps the scratch directory.) Needs sqlite3 (the command-line
# shell) and awk; as root, setpriv to run the read-only checks as nobody.
# shellcheck disable=SC2016,SC2034,SC2317
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup store sqlite3 awk cmp od

# ---- helpers ----
# run KEY ARG...: runs charter ARG...; stdout, stderr and the exit status go
# to KEY.out, KEY.err and KEY.rc.
run() {
  key=$1
  shift
  # shellcheck disable=SC2086
  $limit "$bin" "$@" >"$key.out" 2>"$key.err"
  echo $? >"$key.rc"
}
rc_is() { [ "$(cat "$1.rc")" = "$2" ]; }
# Exit 0 and nothing on stderr.
clean() { rc_is "$1" 0 && [ ! -s "$1.err" ]; }
# Exit 2, nothing on stdout, one line "charter: ..." on stderr that matches
# the extended regular expression $2 (no sanitizer report, no diagnostics).
refused() {
  rc_is "$1" 2 && [ ! -s "$1.out" ] && [ "$(wc -l <"$1.err")" -eq 1 ] &&
    grep -Eq "^charter: .*($2)" "$1.err"
}
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
# No -wal, -shm or -journal file beside the database $1.
no_side_files() { absent "$1-wal" && absent "$1-shm" && absent "$1-journal"; }
# No file at all for the database $1.
no_db() { absent "$1" && no_side_files "$1"; }
sql() { sqlite3 -batch -init /dev/null "$@" </dev/null; }
dump() { sql "$1" .dump; }
rows_of() { sql "$1" 'SELECT count(*) FROM measurement'; }
utc_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
# bytes FILE: its size, 0 when it does not exist.
bytes() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi; }

# A tiny program; gen ROWS [SKIP]: a CSV of ROWS rows for it (after the first
# SKIP keys), every row a distinct key: nine keys a day from 2000-01-01; values
# 1000.5 to 1996.5, never ten times from their series' median (no warning).
cat >prog.charter <<'EOF'
charter "Store checks" {
  vision "Measurements survive crashes and concurrent imports"
  period 2000 to 2100
}

dimension place "Place" {
  groups "North", "South"
}

indicator a "A" {
  unit "people"
  direction up
  baseline 1 in 2000
  target 900 by 2100
  disaggregate place
}

indicator b "B" {
  unit "people"
  disaggregate place
}

indicator c "C" { unit "people" }
indicator d "D" { unit "people" }
indicator e "E" { unit "people" }
indicator f "F" { unit "people" }
indicator g "G" { unit "people" }
EOF
gen() {
  awk -v n="$1" -v skip="${2:-0}" 'BEGIN {
    print "indicator,dimension,group,period,value,source,note"
    split("31 28 31 30 31 30 31 31 30 31 30 31", ml, " ")
    nk = split("a:: a:place:North a:place:South b:: b:place:North c:: d:: e:: f::", key, " ")
    k = 0
    for (y = 2000; k < skip + n; y++)
      for (m = 1; m <= 12 && k < skip + n; m++) {
        len = ml[m]
        if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) len = 29
        for (dd = 1; dd <= len && k < skip + n; dd++)
          for (i = 1; i <= nk && k < skip + n; i++) {
            if (k >= skip) {
              split(key[i], f, ":")
              printf "%s,%s,%s,%04d-%02d-%02d,%d.5,generated,row %d\n", f[1], f[2], f[3], y, m, dd, 1000 + k % 997, k
            }
            k++
          }
      }
  }'
}
cat >seed.csv <<'EOF'
indicator,dimension,group,period,value,source,note
a,,,1999,1,seed,"the first, with a comma"
a,place,North,1999,2,seed,
b,,,1999-Q4,3,seed,
g,,,1999-12,4,seed,"a ""quoted"" note"
EOF
run seed import --db seed.db prog.charter seed.csv
if ! clean seed || ! no_side_files seed.db; then
  not_ok "seed.csv imports into a new store, leaving no -wal or -shm file"
  cat seed.err
  finish
fi
ok "seed.csv imports into a new store, leaving no -wal or -shm file"
dump seed.db >seed.dump
run seed-eval eval --db seed.db --as-of 2100 prog.charter
check "eval of the seeded store: exit 0, nothing on stderr" clean seed-eval

# ---- (a) an import killed while it writes --------------------------------------
gen 200000 >big.csv
gen 20 >s1.csv
check "the large CSV has 200,000 rows" eval '[ "$(wc -l <big.csv)" -eq 200001 ]'
# kill_at BYTES: imports big.csv into a copy of the seeded store and kills it
# with SIGKILL as soon as its WAL holds BYTES bytes. Sets landed
# (the kill fell while the import was writing its transaction, unless it
# had just committed, which the store's contents tell) and wal (the WAL's
# bytes after the kill). The import may spill its transaction into the WAL
# as it goes, or write it all at the commit in a few tens of milliseconds:
# the loop polls without sleeping.
kill_at() {
  rm -f kill.db kill.db-wal kill.db-shm kill.out
  cp seed.db kill.db
  "$bin" import --db kill.db prog.charter big.csv >kill.out 2>kill.err &
  pid=$!
  start=$(date +%s)
  n=0
  # A finished import is still there for kill -0 until it is waited for,
  # but by then it has printed its counts (or an error).
  while [ ! -s kill.out ] && [ ! -s kill.err ] && kill -0 "$pid" 2>/dev/null; do
    if [ -s kill.db-wal ] && [ "$(bytes kill.db-wal)" -ge "$1" ]; then
      break
    fi
    n=$((n + 1))
    if [ $((n % 1000)) -eq 0 ] && [ $(($(date +%s) - start)) -gt 60 ]; then
      break
    fi
  done
  kill -KILL "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null # no "Killed" from the shell
  killed=$?
  wal=$(bytes kill.db-wal)
  landed=false
  [ "$killed" -ne 0 ] && [ ! -s kill.out ] && [ "$wal" -gt 32 ] && landed=true
}
kills=0
mid=0
for at in 5000 8000000 5000 4000000 5000 12000000 5000 2000000; do
  [ "$kills" -ge 2 ] && break
  kill_at "$at"
  if [ -s kill.err ]; then
    not_ok "the import to be killed fails on its own: $(head -n 1 kill.err)"
    break
  fi
  $landed || continue
  # Read the store first with eval (read-only, a hot WAL beside it), then with
  # sqlite3, which rolls the WAL back.
  run kill-eval eval --db kill.db --as-of 2100 prog.charter
  dump kill.db >kill.dump
  if cmp -s kill.dump seed.dump; then
    kills=$((kills + 1))
    [ "$wal" -ge 2000000 ] && mid=$((mid + 1))
    cp kill.db landed.db
    ok "SIGKILL with $wal bytes in the WAL: the store holds exactly what it held before (sqlite3 .dump)"
    check "SIGKILL with $wal bytes in the WAL: eval reads what it read before" \
      eval 'clean kill-eval && cmp kill-eval.out seed-eval.out'
    check "SIGKILL with $wal bytes in the WAL: PRAGMA integrity_check says ok" \
      eval '[ "$(sql kill.db "PRAGMA integrity_check")" = ok ]'
  elif [ "$(rows_of kill.db)" -eq $((200000 + 4)) ]; then
    : # the commit came first: too late, try again
  else
    not_ok "SIGKILL with $wal bytes in the WAL: the store holds what it held before, or the whole import ($(rows_of kill.db) rows)"
  fi
done
check "an import was killed mid-write twice (landed $kills times, $mid times with 2 MB or more in the WAL)" \
  eval '[ "$kills" -ge 2 ]'
if [ "$kills" -ge 1 ]; then
  # landed.db is the store after the last kill that landed (its WAL rolled
  # back by sqlite3); s1.csv holds the first rows of big.csv.
  run kill-again import --db landed.db prog.charter s1.csv
  check "after the kill, a new import succeeds and adds rows the killed import was writing" \
    eval 'clean kill-again && [ "$(cat kill-again.out)" = "s1.csv: 20 rows added, 0 replaced, 0 unchanged" ]'
  check "after the kill and a new import: the store holds the seed and the 20 rows, integrity ok" \
    eval '[ "$(rows_of landed.db)" -eq 24 ] && [ "$(sql landed.db "PRAGMA integrity_check")" = ok ] &&
          [ "$(sql landed.db "SELECT count(*) FROM import")" -eq 2 ]'
  check "after the kill and a new import: no -wal or -shm file left" no_side_files landed.db
fi

# ---- (b) two imports at once --------------------------------------------------------
gen 20000 >c1.csv
gen 20000 20000 >c2.csv
cp seed.db both.db
$limit "$bin" import --db both.db prog.charter c1.csv >both1.out 2>both1.err &
p1=$!
$limit "$bin" import --db both.db prog.charter c2.csv >both2.out 2>both2.err &
p2=$!
wait "$p1"
echo $? >both1.rc
wait "$p2"
echo $? >both2.rc
check "two imports at once into one store: both exit 0, nothing on stderr" eval 'clean both1 && clean both2'
check "two imports at once into one store: each reports its 20,000 rows" \
  eval 'grep -q "^c1.csv: 20000 rows added" both1.out && grep -q "^c2.csv: 20000 rows added" both2.out'
files="SELECT file FROM import ORDER BY file"
check "two imports at once into one store: it holds the seed and both files' rows, integrity ok" \
  eval '[ "$(rows_of both.db)" -eq 40004 ] && [ "$(sql both.db "PRAGMA integrity_check")" = ok ] &&
        [ "$(sql both.db "$files" | tr "\n" " ")" = "c1.csv c2.csv seed.csv " ]'
# Three small imports creating the same new store at once, a few times over
# (the store's creation and its schema are what they race for).
gen 20 20 >s2.csv
gen 20 40 >s3.csv
bad=""
for trial in 1 2 3 4 5 6 7 8; do
  rm -f new.db new.db-wal new.db-shm
  $limit "$bin" import --db new.db prog.charter s1.csv >new1.out 2>new1.err &
  p1=$!
  $limit "$bin" import --db new.db prog.charter s2.csv >new2.out 2>new2.err &
  p2=$!
  $limit "$bin" import --db new.db prog.charter s3.csv >new3.out 2>new3.err &
  p3=$!
  r=0
  wait "$p1" || r=1
  wait "$p2" || r=1
  wait "$p3" || r=1
  if [ "$r" -ne 0 ] || [ -s new1.err ] || [ -s new2.err ] || [ -s new3.err ] || [ "$(rows_of new.db)" -ne 60 ]; then
    bad="$bad $trial"
    sed 's/^/  # /' new1.err new2.err new3.err
  fi
done
check "three imports at once creating one new store (8 times): all exit 0 and it holds all 60 rows${bad:+ (failed:$bad)}" \
  test -z "$bad"

# ---- (c) a store from a newer charter ------------------------------------------------
# newer_store DB JOURNAL: a store of schema 4, in journal mode JOURNAL.
newer_store() {
  sql "$1" "PRAGMA journal_mode = $2; PRAGMA user_version = 4;
            CREATE TABLE measurement (indicator TEXT NOT NULL, value REAL NOT NULL, unit TEXT) STRICT;
            INSERT INTO measurement VALUES ('a', 1, 'people');" >/dev/null
}
# refused_untouched KEY DB ORIG REGEX WHAT: import and eval of DB (a copy of
# ORIG) are refused with a message matching REGEX; DB stays byte for byte,
# with no file beside it.
refused_untouched() {
  k=$1 db=$2 orig=$3 re=$4 what=$5
  run "$k-import" import --db "$db" prog.charter s1.csv
  check "$what: import is refused (exit 2, one message: $re)" refused "$k-import" "$re"
  check "$what: import leaves it byte for byte, no -wal, -shm or -journal file" \
    eval 'cmp -s "$db" "$orig" && no_side_files "$db"'
  run "$k-replace" import --db "$db" --replace prog.charter s1.csv
  check "$what: import --replace is refused and leaves it byte for byte, no file beside it" \
    eval 'refused "$k-replace" "$re" && cmp -s "$db" "$orig" && no_side_files "$db"'
  run "$k-eval" eval --db "$db" --as-of 2100 prog.charter
  check "$what: eval is refused (exit 2, one message: $re)" refused "$k-eval" "$re"
  check "$what: eval leaves it byte for byte, no -wal, -shm or -journal file" \
    eval 'cmp -s "$db" "$orig" && no_side_files "$db"'
}
newer_store v4.orig delete
cp v4.orig v4.db
refused_untouched v4 v4.db v4.orig "newer charter.*schema 4" "a store of schema 4 (rollback journal)"
check "a store of schema 4: the message names the version this charter knows" grep -q "up to 3" v4-import.err
newer_store v4wal.orig wal
check "a store of schema 4 in WAL mode: sqlite3 left no file beside it" no_side_files v4wal.orig
cp v4wal.orig v4wal.db
refused_untouched v4wal v4wal.db v4wal.orig "newer charter.*schema 4" "a store of schema 4 (WAL)"
# A newer version only in the WAL (a newer charter stopped before a
# checkpoint): refused, and closing must not checkpoint it into the file.
"$bin" import --db walonly.db prog.charter s1.csv >/dev/null 2>&1
sqlite3 walonly.db ".dbconfig no_ckpt_on_close on" "PRAGMA user_version = 4;" >/dev/null
check "a store whose schema 4 is only in its WAL: the WAL is there" test -s walonly.db-wal
cp walonly.db walonly.orig
cp walonly.db-wal walonly.orig-wal
for c in import eval; do
  if [ $c = import ]; then run walonly-$c import --db walonly.db prog.charter s1.csv; else run walonly-$c eval --db walonly.db prog.charter; fi
  check "a store whose schema 4 is only in its WAL: $c is refused and the file and its WAL are left as they were" \
    eval 'refused walonly-$c "newer charter.*schema 4" && cmp -s walonly.db walonly.orig && cmp -s walonly.db-wal walonly.orig-wal'
done

# ---- (d) files that are not SQLite databases -------------------------------------------
printf 'indicator,period,value\na,2025,40\n' >text.orig
cp text.orig text.db
refused_untouched text text.db text.orig "not an SQLite database" "a text file"
LC_ALL=C awk 'BEGIN { srand(7); for (i = 0; i < 8192; i++) printf "%c", int(rand() * 255) + 1 }' >binary.orig
check "the random binary file has 8192 bytes" eval '[ "$(bytes binary.orig)" -eq 8192 ]'
cp binary.orig binary.db
refused_untouched binary binary.db binary.orig "not an SQLite database" "a random binary file"
{
  printf 'SQLite format 3\000'
  cat binary.orig
} >header.orig
cp header.orig header.db
refused_untouched header header.db header.orig "not an SQLite database|damaged" "SQLite's header followed by random bytes"
dd if=both.db of=truncated.orig bs=20000 count=1 2>/dev/null
cp truncated.orig truncated.db
run truncated-import import --db truncated.db prog.charter s1.csv
check "a truncated store: import is refused (exit 2, one message) and leaves it byte for byte" \
  eval 'refused truncated-import "damaged|not an SQLite" && cmp -s truncated.db truncated.orig && no_side_files truncated.db'
mkdir dir.db
run dir-import import --db dir.db prog.charter s1.csv
check "a directory as --db: import is refused (exit 2, one message)" refused dir-import "not a regular file"
check "a directory as --db: it stays empty" eval '[ -z "$(ls -A dir.db)" ] && no_side_files dir.db'
run nodir-import import --db no/such/dir/x.db prog.charter s1.csv
check "--db in a missing directory: import is refused (exit 2, one message), nothing created" \
  eval 'refused nodir-import "no/such/dir/x.db" && absent no'

# ---- (e) an SQLite database that is not a store -----------------------------------------
sql other.orig "CREATE TABLE people (name TEXT, age INTEGER); INSERT INTO people VALUES ('Ada', 36);"
check "a database with other tables has user_version 0" eval '[ "$(sql other.orig "PRAGMA user_version")" -eq 0 ]'
cp other.orig other.db
refused_untouched other other.db other.orig "not a Charter measurement store.*other tables" "a database with other tables"
sql otherwal.orig "PRAGMA journal_mode = wal; CREATE VIEW v AS SELECT 1;" >/dev/null
cp otherwal.orig otherwal.db
refused_untouched otherwal otherwal.db otherwal.orig "not a Charter measurement store" "a WAL database with only a view"
: >empty.db
run empty-eval eval --db empty.db --as-of 2100 prog.charter
check "an empty file: eval is refused (exit 2, one message: no measurements yet), and it stays empty" \
  eval 'refused empty-eval "no measurements" && [ "$(bytes empty.db)" -eq 0 ] && no_side_files empty.db'

# ---- (f) eval never creates a store, and only reads it ------------------------------------
run missing-eval eval --db missing.db --as-of 2100 prog.charter
check "eval of a missing database: exit 2, one message naming it" refused missing-eval "missing.db"
check "eval of a missing database: it is not created" no_db missing.db
cp seed.db ro.db
run ro-eval eval --db ro.db --as-of 2100 prog.charter
check "eval of a store: the same output as before" eval 'clean ro-eval && cmp ro-eval.out seed-eval.out'
check "eval of a store: it stays byte for byte" cmp -s ro.db seed.db
check "eval of a store: no -wal, -shm or -journal file left beside it" no_side_files ro.db
for f in json csv; do
  run "ro-eval-$f" eval --db ro.db --as-of 2100 --format "$f" prog.charter
  check "eval --format $f of a store: exit 0 and it stays byte for byte" \
    eval 'clean "ro-eval-$f" && cmp -s ro.db seed.db'
done
# A store the user may only read (chmod 444) in a directory the user may
# write: eval still works. Root reads any file, so as root the check runs as
# nobody when setpriv can switch to it.
mkdir rodir
chmod 755 rodir
cp seed.db rodir/ro.db
cp prog.charter rodir/
chmod 444 rodir/ro.db
as_user=""
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
    as_user="setpriv --reuid=$(id -u nobody) --regid=$(id -g nobody) --clear-groups"
    chmod 777 rodir
    chmod 755 "$tmp"
  fi
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_user" ]; then
  # shellcheck disable=SC2086
  (cd rodir && $limit $as_user "$bin" eval --db ro.db --as-of 2100 prog.charter >../ro444.out 2>../ro444.err)
  echo $? >ro444.rc
  check "eval of a read-only (chmod 444) store: exit 0, the same output as before" \
    eval 'clean ro444 && cmp ro444.out seed-eval.out'
  check "eval of a read-only (chmod 444) store: it stays byte for byte" cmp -s rodir/ro.db seed.db
  # shellcheck disable=SC2086
  (cd rodir && $limit $as_user "$bin" import --db ro.db prog.charter ../s1.csv >../ro444i.out 2>../ro444i.err)
  echo $? >ro444i.rc
  check "import into a read-only (chmod 444) store: exit 2, one message saying why, the store byte for byte" \
    eval 'refused ro444i "ro.db.*(readonly|read-only)" && cmp -s rodir/ro.db seed.db'
  chmod 700 "$tmp"
else
  ok "eval of a read-only (chmod 444) store # SKIP running as root without setpriv"
fi

# ---- (g) the schema ------------------------------------------------------------------------
mkdir sub
cp s1.csv "sub/o'brien, \"q\".csv"
before=$(utc_now)
(
  TZ=Asia/Kolkata
  export TZ
  run schema import --db schema.db prog.charter ./sub/../s2.csv "sub/o'brien, \"q\".csv"
)
after=$(utc_now)
check "an import of two files: exit 0" clean schema
check "an import of two files: one line per file and one for both" \
  eval '[ "$(cat schema.out)" = "./sub/../s2.csv: 20 rows added, 0 replaced, 0 unchanged
sub/o'"'"'brien, \"q\".csv: 20 rows added, 0 replaced, 0 unchanged
in all: 40 rows added, 0 replaced, 0 unchanged" ]'
# q SQL: the rows of SQL on schema.db, one a line, joined by spaces.
q() { sql schema.db "$1" | tr '\n' ' ' | sed 's/ $//'; }
check "schema: PRAGMA user_version is 3" eval '[ "$(q "PRAGMA user_version")" = 3 ]'
check "schema: the journal mode is wal" eval '[ "$(q "PRAGMA journal_mode")" = wal ]'
tables="SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
others="SELECT count(*) FROM sqlite_schema WHERE type != 'table' AND name NOT LIKE 'sqlite_autoindex_%'"
check "schema: exactly the tables import and measurement, no other index, view or trigger" \
  eval '[ "$(q "$tables")" = "import measurement" ] && [ "$(q "$others")" = 0 ]'
strict="SELECT name || ':' || strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite%' ORDER BY name"
check "schema: both tables are STRICT" eval '[ "$(q "$strict")" = "import:1 measurement:1" ]'
# name|type|notnull|default|pk, one column a line, as docs/measurement.md
# ("The schema") declares them
cols() { sql schema.db "SELECT name, type, \"notnull\", coalesce(dflt_value, '-'), pk FROM pragma_table_info('$1') ORDER BY cid"; }
cat >import.cols <<'EOF'
id|INTEGER|0|-|1
file|TEXT|1|-|0
rows|INTEGER|1|-|0
at|TEXT|1|-|0
coalition|TEXT|1|''|0
EOF
cat >measurement.cols <<'EOF'
coalition|TEXT|1|''|1
indicator|TEXT|1|-|2
dimension|TEXT|1|''|3
grp|TEXT|1|''|4
period|TEXT|1|-|0
period_end|TEXT|1|-|5
value|REAL|0|-|0
numerator|REAL|0|-|0
denominator|REAL|0|-|0
flags|TEXT|1|''|0
source|TEXT|1|''|0
note|TEXT|1|''|0
import_id|INTEGER|1|-|0
EOF
check "schema: the import table's columns are the documented ones" eval 'cols import | cmp -s - import.cols'
check "schema: the measurement table's columns are the documented ones, primary key (coalition, indicator, dimension, grp, period_end)" \
  eval 'cols measurement | cmp -s - measurement.cols'
fkeys="SELECT \"table\" || ' ' || \"from\" || ' ' || \"to\" FROM pragma_foreign_key_list('measurement')"
check "schema: measurement.import_id references import(id)" eval '[ "$(q "$fkeys")" = "import import_id id" ]'
check "schema: every measurement's import exists (foreign_key_check)" eval '[ -z "$(q "PRAGMA foreign_key_check")" ]'
imports="SELECT id || ' ' || file || ' ' || rows FROM import ORDER BY id"
check "the import table records each file as given, with its rows" \
  eval '[ "$(q "$imports")" = "1 ./sub/../s2.csv 20 2 sub/o'"'"'brien, \"q\".csv 20" ]'
at=$(sql schema.db "SELECT DISTINCT at FROM import")
check "the import time is ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ), one for the whole import: $at" \
  eval 'printf "%s\n" "$at" | grep -Eqx "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"'
check "the import time is UTC even with TZ=Asia/Kolkata: $before <= $at <= $after" \
  eval 'printf "%s\n" "$before" "$at" "$after" | sort -c'
check "rows are stored as written: period, period_end, value, source, note" \
  eval '[ "$(sql seed.db "SELECT indicator, dimension, grp, period, period_end, value, source, note FROM measurement ORDER BY indicator, dimension, grp")" = "a|||1999|1999-12-31|1.0|seed|the first, with a comma
a|place|North|1999|1999-12-31|2.0|seed|
b|||1999-Q4|1999-12-31|3.0|seed|
g|||1999-12|1999-12-31|4.0|seed|a \"quoted\" note" ]'

# ---- (h) re-importing ------------------------------------------------------------------------
cp seed.db re.db
run re1 import --db re.db prog.charter s1.csv
dump re.db >re1.dump
sql re.db "SELECT * FROM measurement ORDER BY indicator, dimension, grp, period_end" >re1.rows
run re2 import --db re.db prog.charter s1.csv
check "the same file again: exit 0, all 20 rows unchanged" \
  eval 'clean re2 && [ "$(cat re2.out)" = "s1.csv: 0 rows added, 0 replaced, 20 unchanged" ]'
check "the same file again: the measurement table is identical" \
  eval 'sql re.db "SELECT * FROM measurement ORDER BY indicator, dimension, grp, period_end" | cmp -s - re1.rows'
check "the same file again: the whole database is identical (no import recorded for no rows)" \
  eval 'dump re.db | cmp -s - re1.dump'
# s1r.csv: s1.csv with the values of two rows changed.
awk -F, 'NR == 4 { $5 = "777.25" } NR == 9 { $5 = "-3" } { print }' OFS=, s1.csv >s1r.csv
check "s1r.csv changes two values of s1.csv" eval '[ "$(diff s1.csv s1r.csv | grep -c "^>")" -eq 2 ]'
run re3 import --db re.db prog.charter s1r.csv
check "changed values without --replace: exit 1, the database identical" \
  eval 'rc_is re3 1 && dump re.db | cmp -s - re1.dump && no_side_files re.db'
check "changed values without --replace: each conflict names the stored value and its import" \
  eval '[ "$(grep -c "is already stored as" re3.err)" -eq 2 ] && grep -q "import 2, of .s1.csv." re3.err'
run re4 import --db re.db --replace prog.charter s1r.csv
check "--replace: exit 0, 2 rows replaced, 18 unchanged" \
  eval 'clean re4 && [ "$(cat re4.out)" = "s1r.csv: 0 rows added, 2 replaced, 18 unchanged" ]'
sql re.db "SELECT * FROM measurement ORDER BY indicator, dimension, grp, period_end" >re4.rows
check "--replace: only the two changed rows differ" eval '[ "$(diff re1.rows re4.rows | grep -c "^[<>]")" -eq 4 ]'
check "--replace: they hold the new values and the new import's id" \
  eval '[ "$(diff re1.rows re4.rows | grep "^>" | cut -d"|" -f7,13 | sort | tr "\n" " ")" = "-3.0|3 777.25|3 " ]'
third="SELECT file || ' ' || rows FROM import WHERE id = 3"
check "--replace: the new import is recorded with its 2 rows" eval '[ "$(sql re.db "$third")" = "s1r.csv 2" ]'
run re5 import --db re.db --replace prog.charter s1r.csv
check "--replace with nothing to replace: exit 0, the database identical" \
  eval 'clean re5 && sql re.db "SELECT * FROM measurement ORDER BY indicator, dimension, grp, period_end" | cmp -s - re4.rows &&
        [ "$(sql re.db "SELECT count(*) FROM import")" -eq 3 ]'

# ---- (i) a failed import leaves no database behind ----------------------------------------------
printf 'indicator,period,value\nc,2025,40\nc,2026,forty\n' >bad.csv
run fail1 import --db fail.db prog.charter bad.csv
check "a bad row, into a store that does not exist: exit 1, a diagnostic at its line" \
  eval 'rc_is fail1 1 && grep -q "^bad.csv:3:8: error: " fail1.err'
check "a bad row, into a store that does not exist: no database file, no -wal or -shm" no_db fail.db
run fail2 import --db fail.db --replace prog.charter s1.csv bad.csv
check "a good file and a bad one, into a store that does not exist: exit 1, no database file" \
  eval 'rc_is fail2 1 && no_db fail.db'
printf 'indicator,period,value\nc,2025,40\nc,2025-12,41\n' >dup.csv
run fail3 import --db fail.db prog.charter dup.csv
check "two rows with one key, into a store that does not exist: exit 1, no database file" \
  eval 'rc_is fail3 1 && no_db fail.db'
run fail4 import --db fail.db prog.charter s1.csv missing.csv
check "a missing CSV file: exit 2, one message, no database file" \
  eval 'refused fail4 "missing.csv" && no_db fail.db'
printf 'indicator b "B" { unit "people" }\n' >broken.charter
run fail5 import --db fail.db broken.charter s1.csv
check "a program with errors: exit 1, no database file" eval 'rc_is fail5 1 && no_db fail.db'

# eval's table colours the status words on a terminal, not what follows them
if command -v script >/dev/null 2>&1 && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
  "$bin" import --db colour.db prog.charter s1.csv >/dev/null 2>&1
  CHARTER_STORE_BIN=$bin $limit script -qec "TERM=xterm exec \"\$CHARTER_STORE_BIN\" eval --db colour.db --as-of 2100 prog.charter" /dev/null </dev/null >colour.out 2>&1
  esc=$(printf '\033')
  check "eval on a terminal colours status words" grep -q "${esc}\[3[123]m[a-z_]*${esc}\[0m" colour.out
  NO_COLOR=1 CHARTER_STORE_BIN=$bin $limit script -qec "TERM=xterm exec \"\$CHARTER_STORE_BIN\" eval --db colour.db --as-of 2100 prog.charter" /dev/null </dev/null >plain.out 2>&1
  check "eval with NO_COLOR: no colour" eval '! grep -q "$esc" plain.out'
  "$bin" eval --db colour.db --as-of 2100 prog.charter >piped.out 2>&1
  check "eval into a pipe: no colour" eval '! grep -q "$esc" piped.out'
else
  ok "eval on a terminal colours status words # skip: no script(1)"
fi

# CHARTER_DB: --db's default; --db wins over it; an empty one is unset
"$bin" import --db envref.db prog.charter s1.csv >/dev/null 2>&1
"$bin" eval --db envref.db --as-of 2100 prog.charter >envref.out 2>&1
CHARTER_DB=envdb.db run env1 import prog.charter s1.csv
check "CHARTER_DB: import stores into it without --db" eval 'clean env1 && [ -s envdb.db ]'
CHARTER_DB=envdb.db run env2 eval --as-of 2100 prog.charter
check "CHARTER_DB: eval reads it without --db, as --db would" eval 'clean env2 && cmp -s env2.out envref.out'
CHARTER_DB=nosuch.db run env3 eval --db envdb.db --as-of 2100 prog.charter
check "CHARTER_DB: --db wins over it" eval 'clean env3 && cmp -s env3.out envref.out && absent nosuch.db'
CHARTER_DB= run env4 eval --as-of 2100 prog.charter
check "CHARTER_DB empty: eval still asks for --db (exit 2)" eval 'rc_is env4 2 && grep -q "eval needs --db" env4.err'

# --db names that mean a server, never made into files
for d in "dbname=network host=db.example.org" "PostgreSQL://charter@db/network" "postgresql:network" "pgsql://db/network"; do
  run uri import --db "$d" prog.charter s1.csv
  check "--db '$d': refused as a server's address (exit 2), no file made" \
    eval 'refused uri "looks like a server.s address, not a file" && [ ! -e "$d" ]'
done

finish
