#!/bin/sh
# Hostile files (docs/security.md, "Files charter writes" and "The shared
# store"): render -o and fmt -w never write through a symbolic link that
# leads out of the project unless --follow-symlinks, and a replaced file
# never gains an execute bit; --db never makes a store through a dangling
# link or a link out of the project; a store whose schema differs from
# charter's (a trigger, a view, a table or index more, a table not STRICT)
# is refused naming the difference, and a stored row that is not a finite
# number with a period that parses is reported as corrupt (exit 1), never
# evaluated; a reader leaves no -wal or -shm file; a failed `new` leaves
# nothing. Prints "ok - ..." or "not ok - ..." per check, then "N passed, M
# failed". Usage: tests/hostile/files.sh CHARTER_BINARY (KEEP=1 keeps the
# scratch directory). Needs sqlite3, cmp and od; as root, setpriv to read a
# store as nobody.
# shellcheck disable=SC2016,SC2034
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup hostile-files sqlite3 cmp od

# run KEY ARG...: charter ARG... in the current directory; KEY.out, .err, .rc.
run() {
  key=$1
  shift
  $limit "$bin" "$@" >"$tmp/$key.out" 2>"$tmp/$key.err"
  echo $? >"$tmp/$key.rc"
}
rc_is() { [ "$(cat "$tmp/$1.rc")" = "$2" ]; }
err_has() { grep -Eq "$2" "$tmp/$1.err"; }
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
mode_of() { stat -c %a "$1"; }
no_temp() { ! ls -A "$1" | grep -q '^\.charter-'; }
# No raw control character (but newline) in the file $1.
no_controls() { ! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"; }
sql() { sqlite3 -batch -init /dev/null "$@" </dev/null; }

mkdir proj outside
cat >proj/main.charter <<'EOF'
charter "Hostile files" {
  vision "Nothing is written outside the project"
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
EOF
cat >proj/seed.csv <<'EOF'
indicator,dimension,group,period,value,source,note
a,,,1999,1,seed,
a,,,2001-Q2,5,seed,
a,place,North,2001,2,seed,
EOF
printf '#!/bin/sh\necho victim\n' >outside/victim.sh
chmod 755 outside/victim.sh
cp outside/victim.sh victim.orig
cd proj || exit 2

# ---- render -o ----------------------------------------------------------------
ln -s ../outside/victim.sh logic.svg
run link-out render -o logic.svg main.charter
check "-o a link out of the project: exit 2" rc_is link-out 2
check "-o a link out of the project: the message names the link, where it leads and --follow-symlinks" \
  eval 'err_has link-out "refusing to write .logic.svg.: .logic.svg. is a symbolic link to .*outside/victim.sh., outside the project" && err_has link-out "follow-symlinks"'
check "-o a link out of the project: the target is left byte for byte, mode 755" \
  eval 'cmp ../outside/victim.sh ../victim.orig && [ "$(mode_of ../outside/victim.sh)" = 755 ]'
check "-o a link out of the project: the link stays, no temporary file anywhere" \
  eval '[ -L logic.svg ] && no_temp . && no_temp ../outside'

ln -s ../outside out
run dir-out render -o out/logic.svg main.charter
check "-o through a linked directory out of the project: exit 2, nothing made there" \
  eval 'rc_is dir-out 2 && err_has dir-out "symbolic link" && absent ../outside/logic.svg'

ln -s ../outside/new.svg dangling.svg
run dangling-out render -o dangling.svg main.charter
check "-o a dangling link out of the project: exit 2, the target not made" \
  eval 'rc_is dangling-out 2 && absent ../outside/new.svg'

mkdir sub
printf 'old\n' >sub/real.svg
ln -s sub/real.svg inside.svg
run link-in render -o inside.svg main.charter
check "-o a link that stays in the project: written through, the link kept" \
  eval 'rc_is link-in 0 && [ -L inside.svg ] && grep -q "<svg" sub/real.svg'

run follow render --follow-symlinks -o logic.svg main.charter
check "--follow-symlinks: the target outside is replaced by the drawing" \
  eval 'rc_is follow 0 && grep -q "<svg" ../outside/victim.sh && [ -L logic.svg ]'
check "--follow-symlinks: the replaced 0755 file loses its execute bits (644)" \
  test "$(mode_of ../outside/victim.sh)" = 644
rm logic.svg

printf 'old\n' >exec.svg
chmod 755 exec.svg
run exec render -o exec.svg main.charter
check "-o an executable file in the project: replaced as 644, never executable" \
  eval 'rc_is exec 0 && [ "$(mode_of exec.svg)" = 644 ]'
printf 'old\n' >private.svg
chmod 600 private.svg
run private render -o private.svg main.charter
check "-o a 600 file: its permissions are kept (600)" eval 'rc_is private 0 && [ "$(mode_of private.svg)" = 600 ]'

# ---- fmt -w -------------------------------------------------------------------
printf 'partner p "P" { sector community; role funder }\n' >../outside/other.charter
chmod 755 ../outside/other.charter
cp ../outside/other.charter ../other.orig
ln -s ../outside/other.charter linked.charter
run fmt-out fmt -w linked.charter
check "fmt -w a linked file outside the project: exit 2, the file left byte for byte" \
  eval 'rc_is fmt-out 2 && cmp ../outside/other.charter ../other.orig && err_has fmt-out "follow-symlinks"'
run fmt-follow fmt -w --follow-symlinks linked.charter
check "fmt -w --follow-symlinks: the file outside is formatted, without its execute bits" \
  eval 'rc_is fmt-follow 0 && grep -qx "  role funder" ../outside/other.charter && [ "$(mode_of ../outside/other.charter)" = 644 ]'
rm linked.charter
printf 'partner q "Q" { sector community; role funder }\n' >sub/x.charter
ln -s x.charter sub/same.charter
run fmt-in fmt -w sub/same.charter
check "fmt -w a link to a file in its own directory: formatted through the link" \
  eval 'rc_is fmt-in 0 && [ -L sub/same.charter ] && grep -qx "  role funder" sub/x.charter'

# ---- --db ---------------------------------------------------------------------
ln -s ../outside/store.db dangling.db
run db-dangling import --db dangling.db main.charter seed.csv
check "import --db a dangling link out of the project: exit 2, no store made where it points" \
  eval 'rc_is db-dangling 2 && absent ../outside/store.db && absent ../outside/store.db-wal && err_has db-dangling "symbolic link"'
ln -s missing.db dangling-in.db
run db-dangling-in import --db dangling-in.db main.charter seed.csv
check "import --db a dangling link inside the project: exit 2, no store made, the message says why" \
  eval 'rc_is db-dangling-in 2 && absent missing.db && err_has db-dangling-in "symbolic link to a file that does not exist"'
ln -s ../outside dbdir
run db-dir import --db dbdir/new.db main.charter seed.csv
check "import --db through a linked directory out of the project: exit 2, no store made" \
  eval 'rc_is db-dir 2 && absent ../outside/new.db && err_has db-dir "outside the project"'
run db-dangling-eval eval --db dangling.db main.charter
check "eval --db a dangling link: exit 2, nothing made" eval 'rc_is db-dangling-eval 2 && absent ../outside/store.db'

# ---- the store, verified ----------------------------------------------------------
run seed import --db good.db main.charter seed.csv
check "a store made by import" rc_is seed 0
run good eval --db good.db --as-of 2002 --format json main.charter
check "eval reads it" rc_is good 0
check "a reader leaves no -wal or -shm file" eval 'absent good.db-wal && absent good.db-shm'

# refused_store NAME WHAT PATTERN SQL: a copy of the good store changed by
# SQL is refused by eval and import (exit 2, one line naming PATTERN) and
# left byte for byte.
refused_store() {
  n=$1 what=$2 want=$3
  cp good.db "$n.db"
  sql "$n.db" "$4" >/dev/null
  cp "$n.db" "$n.orig"
  for c in eval import; do
    if [ $c = eval ]; then run "$n-$c" eval --db "$n.db" --as-of 2002 main.charter
    else run "$n-$c" import --db "$n.db" main.charter seed.csv; fi
    check "$what: $c refuses it (exit 2), naming the difference" \
      eval 'rc_is "$n-$c" 2 && [ ! -s "$tmp/$n-$c.out" ] && [ "$(wc -l <"$tmp/$n-$c.err")" -eq 1 ] && err_has "$n-$c" "not a measurement store as charter makes it: $want"'
    check "$what: $c leaves it byte for byte, no -wal or -shm" \
      eval 'cmp "$n.db" "$n.orig" && absent "$n.db-wal" && absent "$n.db-shm"'
  done
}
refused_store trigger "a trigger that rewrites imported values" "it has a trigger 'rewrite'" \
  "CREATE TRIGGER rewrite AFTER INSERT ON measurement BEGIN UPDATE measurement SET value = 999; END;"
refused_store view "a view" "it has a view 'v'" "CREATE VIEW v AS SELECT 1;"
refused_store table "a table more" "it has a table 'extra'" "CREATE TABLE extra (x INTEGER) STRICT;"
refused_store index "an index more" "it has an index 'by_value'" "CREATE INDEX by_value ON measurement (value);"
refused_store stat "statistics from ANALYZE" "it has a table 'sqlite_stat1'" "ANALYZE;"
refused_store loose "a measurement table that is not STRICT" "its table 'measurement' is not defined as charter defines it \\(it is not STRICT\\)" \
  "PRAGMA writable_schema = ON;
   UPDATE sqlite_schema SET sql = replace(sql, ') STRICT, WITHOUT ROWID', ') WITHOUT ROWID') WHERE name = 'measurement';"
refused_store default "a column default changed" "its table 'import' is not defined" \
  "PRAGMA writable_schema = ON;
   UPDATE sqlite_schema SET sql = replace(sql, 'rows INTEGER NOT NULL', 'rows INTEGER NOT NULL DEFAULT 7') WHERE name = 'import';"

# corrupt_store NAME WHAT PATTERN SQL: a copy of the good store whose rows
# SQL changed, with the measurement table's declaration loosened meanwhile
# (STRICT, the value's type and its CHECK dropped, then put back as they were): eval exits 1
# naming the indicator and the period, prints nothing on stdout, and no raw
# control character reaches stderr. (A group's text is checked where a
# series of every group is read: tests/unit/test_store.c.)
corrupt_store() {
  n=$1 what=$2 want=$3
  cp good.db "$n.db"
  sql "$n.db" "PRAGMA writable_schema = ON;
    UPDATE sqlite_schema SET sql = replace(replace(replace(sql, 'value REAL,', 'value,'), ') STRICT, WITHOUT ROWID', ') WITHOUT ROWID'),
      'CHECK (value', 'CHECK (1 OR value')
    WHERE name = 'measurement';" >/dev/null
  sql "$n.db" "$4" >/dev/null
  sql "$n.db" "PRAGMA writable_schema = ON;
    UPDATE sqlite_schema SET sql = replace(replace(replace(sql, '  value,', '  value REAL,'), ') WITHOUT ROWID', ') STRICT, WITHOUT ROWID'),
      'CHECK (1 OR value', 'CHECK (value')
    WHERE name = 'measurement';" >/dev/null
  run "$n" eval --db "$n.db" --as-of 2002 main.charter
  check "$what: eval exits 1 and prints nothing on stdout" eval 'rc_is "$n" 1 && [ ! -s "$tmp/$n.out" ]'
  check "$what: the message names the row and what is wrong with it" \
    eval 'err_has "$n" "^charter: cannot read .$n.db.: the stored row of indicator .a. for period .*is corrupt: $want"'
  check "$what: no raw control character on stderr" no_controls "$tmp/$n.err"
}
corrupt_store null "a NULL value" "its value is missing" "UPDATE measurement SET value = NULL WHERE period = '2001-Q2';"
corrupt_store nan "a NaN value (SQLite keeps it as NULL)" "its value is missing" \
  "UPDATE measurement SET value = 9e999 - 9e999 WHERE period = '2001-Q2';"
corrupt_store blob "a blob value" "its value is a blob" "UPDATE measurement SET value = x'FFFE001B' WHERE period = '2001-Q2';"
corrupt_store text "a text value" "its value is text" "UPDATE measurement SET value = 'lots' WHERE period = '2001-Q2';"
corrupt_store inf "an infinite value" "its value is not a finite number" "UPDATE measurement SET value = 9e999 WHERE period = '2001-Q2';"
corrupt_store ninf "a negative infinite value" "its value is not a finite number" "UPDATE measurement SET value = -9e999 WHERE period = '2001-Q2';"
corrupt_store badperiod "a period that does not parse" "its period is not a period" \
  "UPDATE measurement SET period = '2001-13' WHERE period = '2001-Q2';"
corrupt_store utf8period "a period of invalid UTF-8 and an escape" "its period is not a period" \
  "UPDATE measurement SET period = CAST(x'FFFE1B5B33316D' AS TEXT) WHERE period = '2001-Q2';"
corrupt_store lastday "a last day that does not match the period" "its period's last day is stored wrong" \
  "UPDATE measurement SET period_end = '2001-06-29' WHERE period = '2001-Q2';"
check "a corrupt period is shown escaped (\\xFF), never raw" grep -q '\\xFF' "$tmp/utf8period.err"

# A corrupt row is replaced by import --replace, and refused without it.
cp inf.db fix.db
run fix-plain import --db fix.db main.charter seed.csv
check "import over a corrupt row without --replace: exit 1, the row named, nothing imported" \
  eval 'rc_is fix-plain 1 && err_has fix-plain "is corrupt: its value is not a finite number; nothing was imported"'
run fix-replace import --replace --db fix.db main.charter seed.csv
run fix-eval eval --db fix.db --as-of 2002 main.charter
check "import --replace over a corrupt row: it is replaced, and eval reads the store again" \
  eval 'rc_is fix-replace 0 && rc_is fix-eval 0'

# ---- readers leave no file another user cannot write -------------------------------
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
    mkdir ../shared
    chmod 777 ../shared
    chmod 755 "$tmp"
    cp good.db ../shared/s.db
    chmod 644 ../shared/s.db
    cp ../shared/s.db ../s.orig
    setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
      $limit "$bin" eval --db ../shared/s.db --as-of 2002 main.charter >"$tmp/other.out" 2>"$tmp/other.err"
    echo $? >"$tmp/other.rc"
    check "another user reads a store it cannot write: exit 0" rc_is other 0
    check "another user reads a store it cannot write: no -wal or -shm file left, the store byte for byte" \
      eval 'absent ../shared/s.db-wal && absent ../shared/s.db-shm && cmp ../shared/s.db ../s.orig'
    run owner-import import --db ../shared/s.db main.charter seed.csv
    check "the owner imports into it afterwards" rc_is owner-import 0
    chmod 700 "$tmp"
  else
    ok "a reader as another user # SKIP running as root without setpriv"
  fi
else
  ro=$(mktemp -d "$tmp/ro.XXXXXX")
  cp good.db "$ro/s.db"
  chmod 444 "$ro/s.db"
  run ro-read eval --db "$ro/s.db" --as-of 2002 main.charter
  check "a reader of a store it cannot write: exit 0, no -wal or -shm file left" \
    eval 'rc_is ro-read 0 && absent "$ro/s.db-wal" && absent "$ro/s.db-shm"'
fi

# ---- a failed new leaves nothing ---------------------------------------------------
cd "$tmp" || exit 2
mkdir blocked
: >blocked/.github
run new-blocked new blocked
check "new where a file stands in the way of a directory: exit 2, nothing of its own left" \
  eval 'rc_is new-blocked 2 && [ "$(ls -A blocked)" = .github ] && [ ! -s blocked/.github ]'
# new_full KEY DIR: charter new DIR under a zero file-size limit (writes to
# files fail with EFBIG, as on a full disk); its stderr and exit status go
# through a pipe, which the limit does not touch, into KEY.err and KEY.rc.
new_full() {
  out=$(
    trap '' XFSZ
    ulimit -f 0
    $limit "$bin" new "$2" 2>&1 >/dev/null
    echo "rc=$?"
  )
  printf '%s\n' "$out" | sed '$d' >"$tmp/$1.err"
  printf '%s\n' "$out" | sed -n '$s/^rc=//p' >"$tmp/$1.rc"
}
new_full new-full full
check "new on a full disk (a zero file-size limit): exit 2, its directory removed" \
  eval 'rc_is new-full 2 && absent full && err_has new-full "nothing written"'
new_full new-deep deep/er/dir
check "new of a nested directory on a full disk: every directory it made removed" \
  eval 'rc_is new-deep 2 && absent deep'
mkdir keep
new_full new-keep keep
check "new into an existing empty directory on a full disk: the directory stays (it was not new's)" \
  eval 'rc_is new-keep 2 && [ -d keep ] && [ -z "$(ls -A keep)" ]'

finish
