#!/bin/sh
# Structural checks of the documentation: every fenced code block marked
# ```charter in README.md and docs/*.md is written to a file and given to
# `charter check`; README.md lists every command of `charter help` and
# links every docs/*.md; and the man page docs/charter.1 is checked with
# `groff -man -ww -z` when groff is installed.
#
# The marker convention, on the fence line itself:
#   ```charter           a whole program: `charter check` must exit 0
#   ```charter bad       a deliberate counter-example: check must exit 1
#                        (errors found), never 0 or 2
#   ```charter fragment  a piece of a program (no charter block, names
#                        declared elsewhere): not checked
# Words KEY=VALUE after the marker (file=NAME session=NAME, read by
# tests/transcripts.sh) are allowed and ignored here.
# Blocks with another info string (```sh, ```yaml, or none) are not read.
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed";
# exits 1 if any check failed. Usage: tests/docs.sh CHARTER_BINARY
# (KEEP=1 keeps the scratch directory.) Needs awk.
# shellcheck disable=SC2154
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup docs awk

# Extract the blocks: each becomes blocks/N.charter, and index.txt gets
# "N KIND FILE:LINE" (KIND: whole, bad, fragment, or unknown:MARKER).
mkdir blocks
for md in "$top/README.md" "$top"/docs/*.md; do
  [ -f "$md" ] || continue
  rel=${md#"$top"/}
  awk -v rel="$rel" -v dir=blocks '
    BEGIN { n = 0; while ((getline l < (dir "/count")) > 0) n = l + 0; inb = 0 }
    !inb && /^```charter([ \t].*)?$/ {
      # key=value words (file=, session=: tests/transcripts.sh) are not markers
      nw = split(substr($0, 11), w, /[ \t]+/); kind = ""
      for (i = 1; i <= nw; i++)
        if (w[i] != "" && w[i] !~ /^[a-z_]+=/) kind = kind (kind == "" ? "" : ",") w[i]
      if (kind == "") kind = "whole"
      else if (kind != "bad" && kind != "fragment") kind = "unknown:" kind
      n++; inb = 1; out = dir "/" n ".charter"
      printf "" > out
      print n, kind, rel ":" NR >> (dir "/index.txt")
      next
    }
    inb && /^```[ \t]*$/ { inb = 0; close(out); next }
    inb { print >> out }
    END {
      if (inb) print n, "unclosed", rel ":" NR >> (dir "/index.txt")
      print n > (dir "/count")
    }' "$md"
done
[ -f blocks/index.txt ] || : >blocks/index.txt
total=$(wc -l <blocks/index.txt | tr -d ' ')
fence='```charter'
check "the documentation has $fence blocks to check ($total found)" test "$total" -gt 0

while read -r n kind where; do
  f=blocks/$n.charter
  case $kind in
  fragment)
    ok "$where: a fragment # SKIP"
    ;;
  whole | bad)
    # shellcheck disable=SC2086
    $limit "$bin" check "$f" >"blocks/$n.out" 2>"blocks/$n.err"
    rc=$?
    if [ "$kind" = whole ]; then
      if [ "$rc" -eq 0 ]; then
        ok "$where: the program checks (exit 0)"
      else
        not_ok "$where: the program checks (exit 0, got $rc)"
        sed 's/^/  # /' "blocks/$n.err" | head -20
      fi
    else
      if [ "$rc" -eq 1 ]; then
        ok "$where: the counter-example has errors (exit 1)"
      else
        not_ok "$where: the counter-example has errors (exit 1, got $rc)"
        sed 's/^/  # /' "blocks/$n.err" | head -20
      fi
    fi
    ;;
  unclosed)
    not_ok "$where: the $fence block is closed"
    ;;
  *)
    not_ok "$where: a known marker after $fence (none, bad or fragment), not '${kind#unknown:}'"
    ;;
  esac
done <blocks/index.txt

# README.md keeps up with the commands and the pages: every command of
# `charter help` is listed under "What exists today" and on the line of
# docs/commands.md, and is not "Not yet"; every docs/*.md is linked.
readme=$top/README.md
for cmd in $("$bin" help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p'); do
  [ "$cmd" = help ] && continue
  # shellcheck disable=SC2016
  check "README.md lists charter $cmd under what exists, on the docs/commands.md line, not as not yet" \
    eval 'grep -q "^- \`charter $cmd[ \`]" "$readme" &&
          sed -n "/(docs\/commands.md)/,/^- /p" "$readme" | grep -q "\`$cmd\`" &&
          ! grep "^Not yet:" "$readme" | grep -q "\`$cmd\`"'
done
for md in "$top"/docs/*.md; do
  page=docs/${md##*/}
  check "README.md links $page" grep -qF "]($page)" "$readme"
done

if command -v groff >/dev/null 2>&1; then
  groff -man -ww -z "$top/docs/charter.1" >groff.out 2>&1
  rc=$?
  if [ "$rc" -eq 0 ] && [ ! -s groff.out ]; then
    ok "docs/charter.1: groff -man -ww -z prints no warning"
  else
    not_ok "docs/charter.1: groff -man -ww -z prints no warning"
    sed 's/^/  # /' groff.out | head -20
  fi
else
  ok "docs/charter.1: groff -man -ww -z # SKIP groff is not installed"
fi


# Every package the build needs (the Makefile's BUILD_PKGS) is named where
# the README lists them and in docs/ci.md's install lines (GitHub and GitLab).
for pkg in $(sed -n 's/^BUILD_PKGS *:= *//p' "$top/Makefile"); do
  check "README.md names the build package $pkg" grep -q -- "$pkg" "$top/README.md"
  check "docs/ci.md's GitHub and GitLab install lines name $pkg" \
    test "$(grep -c -- "$pkg" "$top/docs/ci.md")" -ge 2
done

finish
