#!/bin/sh
# The language server's protocol (docs/lsp.md): each tests/golden/lsp/NAME.in
# is a script of messages sent to `charter lsp` on standard input, and
# NAME.out the server's whole standard output, exactly, one message a line
# (each message's Content-Length checked against its body), then its exit
# status. Lines of NAME.in:
#   # ...              a comment
#   WRITE PATH TEXT    before the server starts, write TEXT (printf %b: \n
#                      and the like) to PATH in the scratch folder
#   RAW TEXT           send TEXT as it is (printf %b), framing and all
#   {...}              send the JSON, framed with its Content-Length
# The server runs with CHARTER_DOCS_HOME=https://charter.example/src, so
# diagnostics carry the same codeDescription links wherever it was built.
# @ROOT@ stands for the scratch folder's path, in what is sent and in NAME.out.
# UPDATE=1 rewrites NAME.out (review the diff). Prints "ok - ..." or "not ok
# - ..." per case, then "N passed, M failed". Usage: tests/lsp.sh CHARTER_BINARY
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup lsp awk
root=$(pwd -P)

# frame_input NAME.in: the bytes charter lsp reads.
frame_input() {
  while IFS= read -r line || [ -n "$line" ]; do
    line=$(printf '%s' "$line" | sed "s#@ROOT@#$root/case#g")
    case $line in
    '#'* | '' | 'WRITE '*) ;;
    'RAW '*) printf '%b' "${line#RAW }" ;;
    *) printf 'Content-Length: %d\r\n\r\n%s' "$(printf '%s' "$line" | wc -c)" "$line" ;;
    esac
  done <"$1"
}

# write_files NAME.in: its WRITE lines, into the scratch folder.
write_files() {
  grep '^WRITE ' "$1" | while IFS= read -r line; do
    rest=${line#WRITE }
    path=${rest%% *}
    mkdir -p "$(dirname "$path")"
    printf '%b' "${rest#* }" >"$path"
  done
}

# unframe: the output, one body a line ("BAD FRAMING" when a Content-Length
# does not match its body or a message lacks the header).
unframe() {
  awk 'BEGIN { RS = "\001" }
    { all = all $0 }
    END {
      while (all != "") {
        if (substr(all, 1, 16) != "Content-Length: ") { print "BAD FRAMING: " substr(all, 1, 60); exit }
        i = index(all, "\r\n\r\n")
        n = substr(all, 17, i - 17)
        if (i == 0 || n !~ /^[0-9]+$/) { print "BAD FRAMING: " substr(all, 1, 60); exit }
        print substr(all, i + 4, n + 0)
        all = substr(all, i + 4 + n)
      }
    }'
}

for input in "$here"/golden/lsp/*.in; do
  name=${input##*/}
  name=${name%.in}
  expected=${input%.in}.out
  rm -rf case && mkdir case && cd case || exit 2
  write_files "$input"
  frame_input "$input" >"../$name.bytes"
  CHARTER_DOCS_HOME=https://charter.example/src $limit "$bin" lsp <"../$name.bytes" >"../$name.raw" 2>"../$name.err"
  status=$?
  cd .. || exit 2
  actual=$({ unframe <"$name.raw"; echo "exit $status"; } | sed "s#$root/case#@ROOT@#g")
  if [ -s "$name.err" ]; then
    actual="$actual
stderr: $(head -c 400 "$name.err")"
  fi
  if [ "${UPDATE:-0}" = 1 ]; then printf '%s\n' "$actual" >"$expected"; fi
  if [ -f "$expected" ] && [ "$(cat "$expected")" = "$actual" ]; then
    ok "lsp $name"
  else
    not_ok "lsp $name"
    if [ -f "$expected" ]; then printf '%s\n' "$actual" | diff -u "$expected" - | head -30; else echo "missing $expected; run UPDATE=1 sh tests/lsp.sh build/charter"; fi
  fi
done
finish
