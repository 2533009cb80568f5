#!/bin/sh
# The PostgreSQL engine's bulk path (COPY into a staging table, one INSERT
# per file): texts with backslashes, tabs, line ends and \N stored exactly;
# a corrupt stored row reported as one row at a time reports it, and
# replaced with --replace; a file of 20,000 rows stored whole. Prints
# "ok - ..." / "not ok - ..." per check, then "N passed, M failed"; exits
# 77 when PostgreSQL cannot start.
# Usage: tests/store_bulk.sh CHARTER_BINARY
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# shellcheck source=tests/pg.sh
. "$here/pg.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/charter-bulk.XXXXXX")
trap 'pg_stop; rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
if ! pg_start; then
  echo "not ok - SKIPPED: PostgreSQL could not start"
  exit 77
fi
passed=0 failed=0
check() { # NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    echo "ok - $1"
    passed=$((passed + 1))
  else
    echo "not ok - $1"
    printf 'expected: %s\nactual:   %s\n' "$2" "$3" | head -20
    failed=$((failed + 1))
  fi
}
sql() { "$PG_BINDIR/psql" -X -q -At -d "$PG_URI" -c "$1" 2>&1; }
cd "$tmp" || exit 2
cat > main.charter <<'CH'
charter "Bulk" {
  vision "Rows stored a file at a time"
}

dimension place "Place" { groups "North", "South" }

indicator x "X" {
  direction up
  target 20 by 2028
  disaggregate place
}
CH
printf 'indicator,dimension,group,period,value,source,note\nx,,,2024,10,"C:\\data\\N\t1","line one\nline two \\N\r\nend"\nx,place,North,2024,5,\\N,\\\\\n' > texts.csv
out=$("$bin" import --db "$PG_URI" main.charter texts.csv 2>&1)
check "texts: imported" "texts.csv: 2 rows added, 0 replaced, 0 unchanged" "$out"
check "texts: stored exactly" \
  "$(printf 'C:\\data\\N\t1|line one\nline two \\N\r\nend\n\\N|\\\\')" \
  "$(sql "SELECT source || '|' || note FROM measurement ORDER BY dimension, grp")"
out=$("$bin" import --db "$PG_URI" main.charter texts.csv 2>&1)
check "texts: imported again, unchanged" "texts.csv: 0 rows added, 0 replaced, 2 unchanged" "$out"

sql "UPDATE measurement SET value = 'NaN' WHERE grp = 'North'" >/dev/null
printf 'indicator,dimension,group,period,value\nx,,,2025,11\nx,place,North,2024,5\n' > again.csv
out=$("$bin" import --db "$PG_URI" main.charter again.csv 2>&1)
rc=$?
check "corrupt: reported" \
  "charter: '$PG_URI': the stored row of indicator 'x' for period '2024' is corrupt: its value is not a finite number; nothing was imported: import that row again with --replace, or restore the store from a backup [exit 1]" \
  "$out [exit $rc]"
check "corrupt: nothing stored" "2" "$(sql "SELECT count(*) FROM measurement")"
out=$("$bin" import --db "$PG_URI" --replace main.charter again.csv 2>&1)
check "corrupt: replaced with --replace" "again.csv: 1 row added, 1 replaced, 0 unchanged" "$out"
check "corrupt: the value replaced" "5" "$(sql "SELECT value FROM measurement WHERE grp = 'North'")"

awk 'BEGIN { print "indicator,dimension,group,period,value";
  for (d = 0; d < 20000; d++) printf "x,,,%04d-%02d-%02d,%d\n", 2030 + int(d / 336), int(d / 28) % 12 + 1, d % 28 + 1, 10 + d % 5 }' > many.csv
out=$("$bin" import --db "$PG_URI" main.charter many.csv 2>&1)
check "many: imported" "many.csv: 20000 rows added, 0 replaced, 0 unchanged" "$out"
check "many: stored" "20000|240000" "$(sql "SELECT count(*), sum(value)::bigint FROM measurement WHERE period >= '2030'")"
out=$("$bin" import --db "$PG_URI" main.charter many.csv 2>&1)
check "many: imported again, unchanged" "many.csv: 0 rows added, 0 replaced, 20000 unchanged" "$out"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
