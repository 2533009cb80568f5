#!/bin/sh
# A throwaway PostgreSQL for the store's tests: Debian's initdb and pg_ctl
# (the postgresql package) in a temporary folder, listening on a Unix
# socket in that folder only (listen_addresses = ''), trusting local
# connections, with one role and one database named charter.
#
# As a library (". tests/pg.sh"):
#   pg_start      starts one; sets PG_URI (a postgresql:// URI for --db)
#                 and PG_DIR; returns 1 with a message on stderr when
#                 PostgreSQL cannot start (not installed, initdb failed,
#                 CHARTER_NO_PG=1 in the environment)
#   pg_stop       stops it and removes its folder (safe to call twice)
# As root, initdb refuses to run: the server then runs as the user
# PG_USER (postgres when it exists, else nobody) through runuser or su.
# Run directly ("sh tests/pg.sh"), it starts one, runs psql -c 'select 1'
# against the URI, stops it, checks that nothing is left, and prints
# "N passed, M failed"; exits 1 if a check failed, 77 when PostgreSQL is
# not installed or cannot start.
# shellcheck disable=SC2317

PG_URI=
PG_DIR=

# The folder of Debian's server binaries (the newest version installed).
pg_bindir() {
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

# pg_as CMD...: runs CMD as the server's user (as is when not root).
pg_as() {
  if [ "$(id -u)" != 0 ]; then
    "$@"
    return
  fi
  if command -v runuser >/dev/null 2>&1; then
    runuser -u "$PG_USER" -- "$@"
  else
    # su takes one command line: quote each word
    cmd=
    for w in "$@"; do cmd="$cmd '$(printf '%s' "$w" | sed "s/'/'\\\\''/g")'"; done
    su -s /bin/sh "$PG_USER" -c "$cmd"
  fi
}

pg_start() {
  if [ "${CHARTER_NO_PG:-0}" = 1 ]; then
    echo "pg.sh: CHARTER_NO_PG=1: PostgreSQL is not started (a rehearsal of a machine without it)" >&2
    return 1
  fi
  bindir=$(pg_bindir) || {
    echo "pg.sh: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run 'make deps' (package postgresql)" >&2
    return 1
  }
  PG_USER=${PG_USER:-}
  if [ "$(id -u)" = 0 ] && [ -z "$PG_USER" ]; then
    if id postgres >/dev/null 2>&1; then PG_USER=postgres; else PG_USER=nobody; fi
  fi
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/charter-pg.XXXXXX") || return 1
  chmod 700 "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown "$PG_USER" "$PG_DIR"
  # as root, TMPDIR may lie where the server's user cannot go (a checkout
  # that only root can enter): then the folder goes in /tmp
  if [ "$(id -u)" = 0 ] && ! pg_as test -w "$PG_DIR"; then
    rmdir "$PG_DIR"
    PG_DIR=$(mktemp -d /tmp/charter-pg.XXXXXX) || return 1
    chmod 700 "$PG_DIR"
    chown "$PG_USER" "$PG_DIR"
  fi
  if ! pg_as "$bindir/initdb" -D "$PG_DIR/data" -U charter --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$PG_DIR/initdb.log" 2>&1; then
    echo "pg.sh: initdb failed:" >&2
    cat "$PG_DIR/initdb.log" >&2
    pg_stop
    return 1
  fi
  # the socket's folder must be reachable by the tests' user (root or the same user)
  chmod 755 "$PG_DIR"
  if ! pg_as "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off -p 5432" start \
    >"$PG_DIR/pg_ctl.log" 2>&1; then
    echo "pg.sh: the server did not start:" >&2
    cat "$PG_DIR/pg_ctl.log" "$PG_DIR/server.log" >&2 2>/dev/null
    pg_stop
    return 1
  fi
  PG_BINDIR=$bindir
  if ! "$bindir/psql" -X -q -h "$PG_DIR" -p 5432 -U charter -d postgres -c 'CREATE DATABASE charter' >"$PG_DIR/createdb.log" 2>&1; then
    echo "pg.sh: cannot create the database charter:" >&2
    cat "$PG_DIR/createdb.log" >&2
    pg_stop
    return 1
  fi
  # the socket's folder, %-escaped as the URI's host
  host=$(printf '%s' "$PG_DIR" | sed 's#%#%25#g; s#/#%2F#g')
  PG_URI="postgresql://charter@$host:5432/charter"
  return 0
}

pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    pg_as "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$PG_DIR"
  PG_DIR=
  PG_URI=
}

# ---- run directly: the helper's own test ----
case $0 in
*/pg.sh | pg.sh)
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
  if ! pg_bindir >/dev/null; then
    echo "pg.sh: SKIPPED: PostgreSQL is not installed; run 'make deps'" >&2
    exit 77
  fi
  trap 'pg_stop' EXIT
  trap 'exit 2' HUP INT TERM
  # a server that cannot start is no failure here: run.sh decides (exit 77)
  if ! pg_start; then
    echo "pg.sh: SKIPPED: PostgreSQL could not start (the reason is above)" >&2
    exit 77
  fi
  check "a throwaway PostgreSQL starts" true
  if [ -n "$PG_URI" ]; then
    echo "# $PG_URI"
    dir=$PG_DIR
    out=$("$PG_BINDIR/psql" -X -A -t -d "$PG_URI" -c 'select 1' 2>&1)
    check "psql -c 'select 1' through the URI answers 1" [ "$out" = 1 ]
    lis=$("$PG_BINDIR/psql" -X -A -t -d "$PG_URI" -c 'show listen_addresses' 2>&1)
    check "it listens on no TCP address" [ "$lis" = "" ]
    user=$("$PG_BINDIR/psql" -X -A -t -d "$PG_URI" -c "select usesuper from pg_user where usename = current_user" 2>&1)
    check "the URI's role is the server's superuser (charter)" [ "$user" = t ]
    pg_stop
    check "pg_stop removes its folder" [ ! -e "$dir" ]
    out=$("$PG_BINDIR/psql" -X -A -t -d "postgresql://charter@$(printf '%s' "$dir" | sed 's#/#%2F#g'):5432/charter" -c 'select 1' 2>&1)
    check "nothing answers after pg_stop" [ "$out" != 1 ]
  fi
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
  ;;
esac
