#!/bin/sh
# The store's goldens (tests/golden/store/NAME/cmds against NAME.out)
# against the PostgreSQL engine: a throwaway server (tests/pg.sh), a new
# database per case, --db test.db replaced by its postgresql:// URI, and
# the URI replaced by test.db in what charter says. A case whose cmds use
# another store name, or whose output names the file, is skipped and
# listed. Prints "ok - ..." / "not ok - ..." per case, then
# "N passed, M failed"; exits 77 when PostgreSQL cannot start.
# Usage: tests/store_pg.sh CHARTER_BINARY
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# shellcheck source=tests/pg.sh
. "$here/pg.sh"
trap 'pg_stop' EXIT
trap 'exit 2' HUP INT TERM
if ! pg_start; then
  echo "# PostgreSQL could not start: the store goldens ran against SQLite only" >&2
  exit 77
fi
passed=0 failed=0 skipped=
n=0
for c in "$here"/golden/store/*/cmds; do
  dir=$(dirname "$c")
  name=$(basename "$dir")
  expected="$here/golden/store/$name.out"
  if grep -v '^#' "$c" | grep -q -e '--db [^t]' -e 'sqlite3' || grep -q "test\.db-\|'test\.db'" "$expected"; then
    skipped="$skipped $name"
    continue
  fi
  n=$((n + 1))
  "$PG_BINDIR/psql" -X -q -d "$PG_URI" -c "CREATE DATABASE case_$n" >/dev/null 2>&1
  uri=$(printf '%s' "$PG_URI" | sed "s#/charter\$#/case_$n#")
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/charter-store-pg.XXXXXX")
  cp -R "$dir"/. "$tmp"/
  actual=$(cd "$tmp" && grep -v -e '^#' -e '^$' cmds | while IFS= read -r line; do
    printf '$ charter %s\n' "$line"
    eval "set -- $(printf '%s' "$line" | sed "s#--db test\.db#--db '$uri'#g")"
    TZ=UTC timeout 60 "$bin" "$@" 2>"$tmp/.stderr"
    rc=$?
    cat "$tmp/.stderr"
    echo "[exit $rc]"
  done | sed "s#$uri#test.db#g")
  rm -rf "$tmp"
  if [ "$actual" = "$(cat "$expected")" ]; then
    echo "ok - store golden $name against PostgreSQL"
    passed=$((passed + 1))
  else
    echo "not ok - store golden $name against PostgreSQL"
    [ -n "${VERBOSE:-}" ] && printf '%s\n' "$actual" | diff "$expected" - | head -20
    failed=$((failed + 1))
  fi
done
[ -n "$skipped" ] && echo "# skipped (they name the store's file):$skipped"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
