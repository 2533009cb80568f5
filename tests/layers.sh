#!/bin/sh
# The layers of docs/HACKING.md, checked: lang/ (the front end and the
# model), runtime/*.c (the engine; libcharter.a is the two) and runtime/cli/
# (the command line, the only place that prints usage or decides an exit).
#  1. #include lines: lang/ includes only lang/ headers and the scanner's
#     and parser's generated ones (parser.h, lexer.h); runtime/ no
#     runtime/cli/ header; sqlite3.h only in the store's files, the
#     Graphviz headers only in the drawing's.
#  2. lang/ and runtime/*.c call no exit() and print no usage.
#  3. libcharter.a needs no symbol that only a front end provides: every
#     symbol its objects use and it does not define is defined by none of
#     BUILD/obj/runtime/cli/*.o, and by the system libraries (libc, libm,
#     libgcc, sqlite3, libpq, jansson, libgvc and its plugins; the sanitizers' own for
#     build/asan).
# Prints "ok - ..." or "not ok - ..." (naming the file, symbol and object),
# then "N passed, M failed"; exits 1 if any check failed.
# Usage: tests/layers.sh BUILD_DIR (it holds libcharter.a and obj/).
set -u
if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd) || exit 2
cd "$root" || exit 2
export LC_ALL=C
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/charter-layers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# Which files may include sqlite3.h (the one store engine) and the Graphviz
# headers (the drawing). The command line may include neither.
SQLITE_FILES="runtime/store_sqlite.c"
PQ_FILES="runtime/store_pg.c"
GRAPHVIZ_FILES="runtime/draw.c"
GRAPHVIZ_HEADERS="gvc.h gvplugin.h cgraph.h cdt.h"

# includes FILE: "FILE QUOTE NAME" per #include line (QUOTE: " or <).
includes() {
  sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\(["<]\)\([^">]*\)[">].*/\1 \2/p' "$1" |
    sed "s#^#$1 #"
}
for f in lang/*.c lang/*.h lang/*.l lang/*.y runtime/*.c runtime/*.h runtime/cli/*.c runtime/cli/*.h; do
  [ -f "$f" ] && includes "$f"
done >"$tmp/includes"

# May FILE include the quoted header NAME? (its layer's and those below)
quoted_allowed() { # FILE NAME
  case $1 in
  lang/*) [ -f "lang/$2" ] || [ "$2" = parser.h ] || [ "$2" = lexer.h ] ;;
  runtime/cli/*) return 0 ;;
  runtime/*) [ -f "lang/$2" ] || [ -f "runtime/$2" ] || [ "$2" = parser.h ] || [ "$2" = lexer.h ] ;;
  esac
}
in_list() { # WORD LIST...
  w=$1
  shift
  for x in "$@"; do [ "$x" = "$w" ] && return 0; done
  return 1
}

bad=0
while read -r file quote name; do
  if [ "$quote" = '"' ]; then
    if ! quoted_allowed "$file" "$name"; then
      not_ok "$file includes \"$name\", a header of a layer above it"
      bad=1
    fi
    continue
  fi
  # shellcheck disable=SC2086
  if [ "$name" = sqlite3.h ] && ! in_list "$file" $SQLITE_FILES; then
    not_ok "$file includes <sqlite3.h>: only the store's files may ($SQLITE_FILES)"
    bad=1
  fi
  # shellcheck disable=SC2086
  if [ "$name" = libpq-fe.h ] && ! in_list "$file" $PQ_FILES; then
    not_ok "$file includes <libpq-fe.h>: only the PostgreSQL engine may ($PQ_FILES)"
    bad=1
  fi
  # shellcheck disable=SC2086
  if in_list "$name" $GRAPHVIZ_HEADERS && ! in_list "$file" $GRAPHVIZ_FILES; then
    not_ok "$file includes <$name>: only the drawing may ($GRAPHVIZ_FILES)"
    bad=1
  fi
done <"$tmp/includes"
[ "$bad" = 0 ] && ok "each layer includes only its own headers and those below it; sqlite3.h, libpq-fe.h and Graphviz stay in their files"

# No exit() and no usage below the command line (comments aside).
bad=0
for f in lang/*.c lang/*.h lang/*.l lang/*.y runtime/*.c runtime/*.h; do
  hits=$(sed 's#/\*.*\*/##; s#//.*##' "$f" |
    grep -n -E '(^|[^A-Za-z0-9_.>])(exit|_exit|_Exit|quick_exit|usage_error|option_error|help_print)[[:space:]]*\(|Try .charter|[Uu]sage: ' |
    head -3)
  if [ -n "$hits" ]; then
    not_ok "$f exits or prints usage, which only runtime/cli/ does: $(echo "$hits" | tr '\n' ' ')"
    bad=1
  fi
done
[ "$bad" = 0 ] && ok "lang/ and runtime/*.c call no exit() and print no usage"

# ---- libcharter.a's undefined symbols ----
lib=$build/libcharter.a
if [ ! -f "$lib" ] || ! command -v nm >/dev/null 2>&1; then
  not_ok "$lib exists and nm is installed"
  finish
fi
# "SYMBOL OBJECT" for each use of a symbol the archive does not define.
nm --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/defined"
nm -A -u "$lib" 2>/dev/null | awk '$(NF-1) == "U" { o = $1; sub(/:$/, "", o); sub(/.*:/, "", o); print $NF, o }' |
  sort -u >"$tmp/uses"
awk 'NR == FNR { d[$1] = 1; next } !($1 in d)' "$tmp/defined" "$tmp/uses" >"$tmp/external"

# What the command line's objects define.
for o in "$build"/obj/runtime/cli/*.o "$build"/obj/build/gen/new_files.o; do
  [ -f "$o" ] && nm --defined-only "$o" 2>/dev/null | awk -v o="${o#"$build"/}" 'NF == 3 { print $3, o }'
done | sort -u >"$tmp/cli"
# What the system libraries define.
libdir() { pkg-config --variable=libdir "$1" 2>/dev/null; }
gvdir=$(libdir libgvc)
{
  for name in libc.so.6 libm.so.6 libasan.so libubsan.so; do
    p=$(cc -print-file-name="$name" 2>/dev/null)
    [ -f "$p" ] && nm -D --defined-only "$p" 2>/dev/null
  done
  for p in "$(libdir sqlite3)/libsqlite3.so" "$(libdir libpq)/libpq.so" "$(libdir jansson)/libjansson.so" "$gvdir/libgvc.so" "$gvdir/libcgraph.so" "$gvdir/libcdt.so" \
    "$gvdir/graphviz/libgvplugin_core.so" "$gvdir/graphviz/libgvplugin_dot_layout.so"; do
    [ -f "$p" ] && nm -D --defined-only "$p" 2>/dev/null
  done
  p=$(cc -print-libgcc-file-name 2>/dev/null)
  [ -f "$p" ] && nm --defined-only "$p" 2>/dev/null
} | awk 'NF >= 3 { s = $3; sub(/@.*/, "", s); print s }' | sort -u >"$tmp/system"

# One line per use that nothing but a front end, or nothing at all, resolves.
awk -v lib=libcharter.a '
  FILENAME == ARGV[1] { if (!($1 in cli)) cli[$1] = $2; next }
  FILENAME == ARGV[2] { sys[$1] = 1; next }
  $1 in cli { printf "%s(%s) uses %s, which only the command line defines (%s)\n", lib, $2, $1, cli[$1]; next }
  !($1 in sys) { printf "%s(%s) uses %s, which neither the archive nor the system libraries define\n", lib, $2, $1 }
' "$tmp/cli" "$tmp/system" "$tmp/external" >"$tmp/unresolved"
while IFS= read -r line; do not_ok "$line"; done <"$tmp/unresolved"
bad=0
[ -s "$tmp/unresolved" ] && bad=1
if [ ! -s "$tmp/system" ]; then
  not_ok "the system libraries' symbols could be listed (nm -D of libc and the rest)"
elif [ "$bad" = 0 ]; then
  ok "libcharter.a needs only itself and the system libraries ($(wc -l <"$tmp/external" | tr -d ' ') uses of outside symbols)"
fi
# Not even the generated scanner may end the process with a status.
exits=$(awk '$1 == "exit" || $1 == "_exit" || $1 == "_Exit" || $1 == "quick_exit" { print $2 ": " $1 }' "$tmp/external" | tr '\n' ' ')
if [ -n "$exits" ]; then
  not_ok "libcharter.a calls exit, which only the command line decides: $exits"
else
  ok "libcharter.a calls no exit(), _exit() or quick_exit()"
fi
finish
