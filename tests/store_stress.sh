#!/bin/sh
# The measurement store under stress, in both engines (docs/measurement.md,
# "Concurrency and crashes"): an SQLite file, and a throwaway PostgreSQL
# (tests/pg.sh), checked the same way.
#  (a) ten `charter import`s at once into one new store, STRESS_ROUNDS
#      times (3): eight with disjoint keys, which must all be stored (count
#      and a checksum of every row), and two holding the same key with
#      different values: one stores it, the other is refused with exit 1
#      and the very conflict message an import after it gets from SQLite;
#      every import row has its rows and only them.
#  (b) kill -9 of a big import (100,000 rows in SQLite, 10,000 in
#      PostgreSQL: STRESS_ROWS_SQLITE, STRESS_ROWS_PG) after a random delay
#      spread over its run (timed first), STRESS_TRIES times (20): the
#      import's rows are all there or none, no import row without its rows,
#      eval works, and the same import run again ends with the right count.
#  (c) PostgreSQL only: an import that waits for another's lock longer than
#      the lock timeout gives up with SQLite's "is busy" message, exit 2.
# The delays come from a seeded generator: STRESS_SEED (printed) repeats a
# run. Prints "ok - ..." / "not ok - ..." per check and per try, then
# "N passed, M failed"; exits 1 if a check failed, else 77 when PostgreSQL
# could not start (the SQLite checks ran). STRESS_ENGINES ("sqlite pg")
# chooses the engines. Usage: tests/store_stress.sh CHARTER_BINARY
# shellcheck disable=SC2016,SC2034,SC2086,SC2317
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"
# shellcheck source=tests/pg.sh
. "$here/pg.sh"

scratch_setup store-stress sqlite3 awk sort cksum sleep
trap 'pg_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

seed=${STRESS_SEED:-$(($(date +%s) % 100000))}
tries=${STRESS_TRIES:-20}
rounds=${STRESS_ROUNDS:-3}
engines=${STRESS_ENGINES:-sqlite pg}
echo "# seed $seed (STRESS_SEED=$seed repeats this run's delays)"

cat >prog.charter <<'EOF'
charter "Stress" {
  vision "Measurements survive crashes and concurrent imports"
  period 2000 to 2400
}

dimension place "Place" {
  groups "North", "South"
}

indicator a "A" {
  unit "people"
  disaggregate place
}

indicator b "B" { unit "people" }
EOF
# gen ROWS SKIP: ROWS rows, every one a distinct key, after the first SKIP
# keys: three keys a day, 28-day months, from 2000-01-01 (1,008 a year).
gen() {
  awk -v n="$1" -v skip="$2" 'BEGIN {
    print "indicator,dimension,group,period,value,source,note"
    for (k = skip; k < skip + n; k++) {
      d = int(k / 3)
      key = k % 3 == 0 ? "a,," : k % 3 == 1 ? "a,place,North" : "b,,"
      printf "%s,%04d-%02d-%02d,%d.5,generated,row %d\n", key, 2000 + int(d / 336), int(d % 336 / 28) + 1, d % 28 + 1, 1000 + k % 997, k
    }
  }'
}
# rows_of CSV...: each data row as the checksum query prints it.
rows_of() { awk -F, 'FNR > 1 { print $1 "|" $2 "|" $3 "|" $4 "|" $5 }' "$@" | sort; }
sum_of() { cksum | cut -d' ' -f1; }

for k in 1 2 3 4 5 6 7 8; do gen 2000 $((200000 + k * 2000)) >"d$k.csv"; done
printf 'indicator,dimension,group,period,value,source,note\nb,,,2399-12-28,1007.5,first,\n' >o1.csv
printf 'indicator,dimension,group,period,value,source,note\nb,,,2399-12-28,1008.5,second,\n' >o2.csv
gen 4 390000 >seed.csv

# ---- the engines: one interface ----
# new_store NAME: the --db of a new, empty store named NAME.
# sql DB QUERY: the query's rows, columns joined by |.
# copy_store DB NAME: a new store NAME holding what DB holds; its --db.
# drop_store DB.
new_store() {
  case $engine in
  sqlite) echo "$tmp/$1.db" ;;
  pg)
    "$PG_BINDIR/psql" -X -q -d "$PG_URI" -c "CREATE DATABASE $1" >/dev/null 2>&1
    printf '%s' "$PG_URI" | sed "s#/charter\$#/$1#"
    ;;
  esac
}
sql() {
  case $engine in
  sqlite) sqlite3 -batch -init /dev/null "$1" "$2" </dev/null ;;
  pg) "$PG_BINDIR/psql" -X -A -t -q -d "$1" -c "$2" </dev/null ;;
  esac
}
copy_store() {
  case $engine in
  sqlite)
    sqlite3 -batch -init /dev/null "$1" ".backup '$tmp/$2.db'" </dev/null
    echo "$tmp/$2.db"
    ;;
  pg)
    "$PG_BINDIR/psql" -X -q -d "$PG_URI" -c "CREATE DATABASE $2 TEMPLATE $(basename "$1")" >/dev/null 2>&1
    printf '%s' "$PG_URI" | sed "s#/charter\$#/$2#"
    ;;
  esac
}
drop_store() {
  case $engine in
  sqlite) rm -f "$1" "$1-wal" "$1-shm" "$1-journal" ;;
  pg) "$PG_BINDIR/psql" -X -q -d "$PG_URI" -c "DROP DATABASE IF EXISTS $(basename "$1") WITH (FORCE)" >/dev/null 2>&1 ;;
  esac
}
# The stored rows, one a line (indicator|dimension|group|period_end|value).
stored() {
  sql "$1" "SELECT indicator || '|' || dimension || '|' || grp || '|' || period_end || '|' || value FROM measurement" | sort
}
# Import rows that do not hold exactly their rows (rows is the count of the
# measurements that name them): none in a sound store.
orphans() {
  sql "$1" "SELECT count(*) FROM import i WHERE i.rows <> (SELECT count(*) FROM measurement m WHERE m.import_id = i.id) OR i.rows = 0"
}
# What charter says with the URI (or the file's path) shown as test.db and
# an import's number as N.
norm() { sed -e "s#$2#test.db#g" -e 's/by import [0-9]*,/by import N,/' "$1"; }

# The conflict messages of SQLite, imported one after the other: the
# reference for both engines, at once and in turn.
for order in "o1 o2" "o2 o1"; do
  set -- $order # two words
  rm -f ref.db*
  "$bin" import --db ref.db prog.charter "$1.csv" >/dev/null 2>&1
  (cd "$tmp" && "$bin" import --db ref.db prog.charter "$2.csv" >"ref-$2.out" 2>"ref-$2.err")
  echo $? >"ref-$2.rc"
  sed -i 's/by import [0-9]*,/by import N,/' "ref-$2.err"
done
check "sqlite: the second of two imports of one key with other values is refused (exit 1, a conflict naming the first's file)" \
  eval '[ "$(cat ref-o2.rc)" = 1 ] && grep -q "is already stored as 1007.5, not 1008.5" ref-o2.err && grep -q "of .o1.csv." ref-o2.err'

pg_missing=""
for engine in $engines; do
  if [ "$engine" = pg ]; then
    if ! pg_start 2>pg-start.err; then
      pg_missing=$(head -n 1 pg-start.err)
      echo "# PostgreSQL could not start: $pg_missing" >&2
      continue
    fi
    echo "# PostgreSQL at $PG_URI"
  fi
  e=$engine

  # ---- (a) ten imports at once ----
  if [ "$e" = pg ]; then
    db=$(new_store seqref)
    "$bin" import --db "$db" prog.charter o1.csv >/dev/null 2>&1
    "$bin" import --db "$db" prog.charter o2.csv >seq.out 2>seq.err
    echo $? >seq.rc
    check "pg: the second of two imports of one key says what SQLite says, word for word (exit 1)" \
      eval '[ "$(cat seq.rc)" = 1 ] && norm seq.err "$db" | cmp -s - ref-o2.err && cmp -s seq.out ref-o2.out'
    drop_store "$db"
  fi
  r=1
  while [ "$r" -le "$rounds" ]; do
    db=$(new_store "conc$r")
    for k in d1 d2 d3 d4 d5 d6 d7 d8 o1 o2; do
      (
        $limit "$bin" import --db "$db" prog.charter "$k.csv" >"$k.out" 2>"$k.err"
        echo $? >"$k.rc"
      ) &
    done
    wait
    bad=""
    for k in 1 2 3 4 5 6 7 8; do
      [ "$(cat "d$k.rc")" = 0 ] && [ ! -s "d$k.err" ] &&
        [ "$(cat "d$k.out")" = "d$k.csv: 2000 rows added, 0 replaced, 0 unchanged" ] || bad="$bad d$k"
    done
    check "$e, round $r: ten imports at once into a new store: the eight disjoint ones exit 0 and add their 2000 rows${bad:+ (not:$bad)}" \
      test -z "$bad"
    if [ "$(cat o1.rc)" = 0 ]; then won=o1 lost=o2; else won=o2 lost=o1; fi
    check "$e, round $r: of the two imports of one key, one ($won) stores it (exit 0)" \
      eval '[ "$(cat $won.rc)" = 0 ] && [ "$(cat $won.out)" = "$won.csv: 1 row added, 0 replaced, 0 unchanged" ] && [ ! -s $won.err ]'
    if norm "$lost.err" "$db" | cmp -s - "ref-$lost.err" && [ "$(cat "$lost.rc")" = 1 ] && [ ! -s "$lost.out" ]; then
      ok "$e, round $r: the other ($lost) is refused with exit 1 and SQLite's conflict message, word for word"
    else
      not_ok "$e, round $r: the other ($lost) is refused with exit 1 and SQLite's conflict message, word for word (exit $(cat "$lost.rc"))"
      norm "$lost.err" "$db" | diff "ref-$lost.err" - | sed 's/^/# /' | head -20
    fi
    want=$(rows_of d1.csv d2.csv d3.csv d4.csv d5.csv d6.csv d7.csv d8.csv "$won.csv" | sum_of)
    check "$e, round $r: the store holds all 16001 rows, each with its value (checksum of every row)" \
      eval '[ "$(sql "$db" "SELECT count(*) FROM measurement")" = 16001 ] && [ "$(stored "$db" | sum_of)" = "$want" ]'
    check "$e, round $r: nine import rows (d1..d8 and $won), each holding exactly its rows" \
      eval '[ "$(sql "$db" "SELECT file FROM import" | sort | tr "\n" " ")" = "$(printf "%s\n" d1.csv d2.csv d3.csv d4.csv d5.csv d6.csv d7.csv d8.csv $won.csv | sort | tr "\n" " ")" ] &&
            [ "$(orphans "$db")" = 0 ]'
    "$bin" eval --db "$db" --as-of 2400 prog.charter >eval.out 2>eval.err
    erc=$?
    check "$e, round $r: eval reads the store (exit 0, nothing on stderr)" eval '[ "$erc" = 0 ] && [ ! -s eval.err ]'
    if [ "$fail" -gt 0 ]; then # what the store holds, for the log
      echo "# $e, round $r: $(sql "$db" "SELECT count(*) FROM measurement") rows; imports: $(sql "$db" "SELECT id, file, rows FROM import ORDER BY id" | tr '\n' ' ')"
      head -n 3 eval.err | sed 's/^/# eval: /'
      for k in d1 d2 d3 d4 d5 d6 d7 d8 o1 o2; do echo "# $k: exit $(cat "$k.rc"): $(head -n 1 "$k.out") $(head -n 1 "$k.err")"; done
    fi
    [ "$e" = sqlite ] && check "sqlite, round $r: PRAGMA integrity_check says ok" \
      eval '[ "$(sql "$db" "PRAGMA integrity_check")" = ok ]'
    drop_store "$db"
    r=$((r + 1))
  done

  # ---- (b) kill -9 at random moments ----
  if [ "$e" = pg ]; then n=${STRESS_ROWS_PG:-10000}; else n=${STRESS_ROWS_SQLITE:-100000}; fi
  gen "$n" 0 >big.csv
  seeded=$(new_store seeded)
  "$bin" import --db "$seeded" prog.charter seed.csv >/dev/null 2>&1
  none=$(stored "$seeded" | sum_of)
  all=$( (stored "$seeded"; rows_of big.csv) | sort | sum_of)
  "$bin" eval --db "$seeded" --as-of 2400 prog.charter >/dev/null 2>&1
  eval_rc=$?
  # its duration in milliseconds: the shorter of two runs
  ms=
  for t in 1 2; do
    db=$(copy_store "$seeded" "timed$t")
    t0=$(date +%s%N)
    "$bin" import --db "$db" prog.charter big.csv >timed.out 2>timed.err
    timed_rc=$?
    t1=$((($(date +%s%N) - t0) / 1000000))
    [ -z "$ms" ] || [ "$t1" -lt "$ms" ] && ms=$t1
    drop_store "$db"
  done
  check "$e: the import of $n rows to be killed runs on its own (exit 0, $ms ms)" \
    eval '[ "$timed_rc" = 0 ] && [ "$(cat timed.out)" = "big.csv: $n rows added, 0 replaced, 0 unchanged" ]'
  # the delays: uniform over 0 to 110% of its run
  awk -v s="$seed" -v n="$tries" -v ms="$ms" -v e="$e" 'BEGIN { srand(s + (e == "pg")); for (i = 0; i < n; i++) print int(rand() * ms * 1.1) }' >delays
  i=0 landed=0 late=0
  while read -r delay; do
    i=$((i + 1))
    db=$(copy_store "$seeded" "kill$i")
    "$bin" import --db "$db" prog.charter big.csv >kill.out 2>kill.err &
    pid=$!
    sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
    rc=$?
    what="try $i/$tries, kill -9 after $delay ms of $ms"
    count=$(sql "$db" "SELECT count(*) FROM measurement")
    imports=$(sql "$db" "SELECT count(*) FROM import")
    sum=$(stored "$db" | sum_of)
    problem=""
    if [ "$sum" = "$none" ] && [ "$imports" = 1 ]; then
      state=none again="big.csv: $n rows added, 0 replaced, 0 unchanged"
      [ "$rc" = 137 ] || problem="$problem; exit $rc, not killed, yet nothing stored"
      landed=$((landed + 1))
    elif [ "$sum" = "$all" ] && [ "$imports" = 2 ]; then
      state=all again="big.csv: 0 rows added, 0 replaced, $n unchanged"
      late=$((late + 1))
      [ "$rc" = 137 ] || [ "$rc" = 0 ] || problem="$problem; exit $rc"
    else
      state=part again=
      problem="$problem; $count rows and $imports import rows: neither none nor all of the import"
    fi
    [ "$(orphans "$db")" = 0 ] || problem="$problem; an import row without exactly its rows"
    [ "$e" = sqlite ] && [ "$(sql "$db" "PRAGMA integrity_check")" != ok ] && problem="$problem; integrity_check fails"
    "$bin" eval --db "$db" --as-of 2400 prog.charter >/dev/null 2>eval.err
    erc=$?
    [ "$erc" = "$eval_rc" ] && [ ! -s eval.err ] || problem="$problem; eval exits $erc: $(head -n 1 eval.err)"
    if [ -n "$again" ]; then
      "$bin" import --db "$db" prog.charter big.csv >again.out 2>again.err
      arc=$?
      [ "$arc" = 0 ] && [ "$(cat again.out)" = "$again" ] && [ ! -s again.err ] ||
        problem="$problem; the import again exits $arc: $(cat again.out again.err | head -n 2 | tr '\n' ' ')"
      [ "$(stored "$db" | sum_of)" = "$all" ] || problem="$problem; after the import again, the rows are not the file's"
    fi
    if [ -z "$problem" ]; then
      ok "$e: $what (exit $rc): $state of its rows stored; eval works; the import again completes"
    else
      not_ok "$e: $what: ${problem#; }"
    fi
    drop_store "$db"
  done <delays
  echo "# $e: $landed kills left nothing, $late came after the commit (or the import had ended)"
  check "$e: at least a quarter of the kills fell before the import committed ($landed of $tries)" \
    eval '[ $((landed * 4)) -ge "$tries" ]'
  drop_store "$seeded"

  # ---- (c) a lock held too long ----
  if [ "$e" = pg ]; then
    db=$(new_store busy)
    "$bin" import --db "$db" prog.charter seed.csv >/dev/null 2>&1
    "$PG_BINDIR/psql" -X -q -d "$db" -c "BEGIN; LOCK TABLE import, measurement IN SHARE ROW EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT" \
      >/dev/null 2>&1 &
    holder=$!
    sleep 1
    t0=$(date +%s)
    PGOPTIONS='-c lock_timeout=2s' "$bin" import --db "$db" prog.charter o1.csv >busy.out 2>busy.err
    brc=$?
    waited=$(($(date +%s) - t0))
    check "pg: an import waiting past the lock timeout says SQLite's 'is busy' message (exit 2, after ${waited} s)" \
      eval '[ "$brc" = 2 ] && [ ! -s busy.out ] && [ "$(norm busy.err "$db")" = "charter: '"'"'test.db'"'"' is busy: another import has held it for over a minute; nothing was imported, try again" ]'
    kill "$holder" 2>/dev/null
    wait "$holder" 2>/dev/null
    check "pg: the refused import left nothing" eval '[ "$(sql "$db" "SELECT count(*) FROM import")" = 1 ]'
    drop_store "$db"
    pg_stop
  fi
done

if [ -n "$pg_missing" ]; then
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ] || exit 1
  exit 77
fi
finish
