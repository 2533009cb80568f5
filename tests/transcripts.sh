#!/bin/sh
# The terminal transcripts of the documentation, run: every fenced block of
# README.md and docs/*.md marked as a transcript is replayed and what
# charter prints must be what the block shows.
#
# The convention, on the fence line (unmarked blocks are not read):
#   ```console session=NAME [fixture=STEP]
#       a transcript. Each line "$ COMMAND" is a command; the lines after
#       it, up to the next "$ " line or the end of the block, are its
#       expected output: stdout and stderr together (2>&1, one file), with
#       trailing blanks and carriage returns (CRLF of --format csv) of every
#       line ignored. A command continues on the
#       next lines while a quote is open or the line ends with "\".
#       It runs with `sh -c` in NAME's scratch directory, with a `charter`
#       that is the binary under test first on PATH, NO_COLOR=1, TERM=dumb,
#       TZ=UTC, LC_ALL=C and no input. The exit status is not checked.
#   ```LANG file=FILE session=NAME [other words]
#       any block (```charter, ```csv...) that is a file of the session:
#       its text is written to FILE in NAME's directory, at its place in the
#       document (a later block may overwrite it). tests/docs.sh still reads
#       ```charter blocks as before (bad, fragment or whole).
# Sessions belong to one document: all blocks of the same NAME in one file,
# in document order, share one directory. It starts with a copy of the
# regular files of tests/golden/docs/NAME/ (files the document does not show
# in full); fixture=STEP first copies tests/golden/docs/NAME/STEP/ into it
# and runs tests/golden/docs/NAME/STEP.sh there (`sh`, output hidden, must
# exit 0), whichever exist: a version of a file the prose only describes,
# or a step the prose only mentions.
#
# Prints "ok - ..." or "not ok - ..." per command (a failure shows the
# diff, expected lines "-", charter's "+", prefixed "  # "), then "N
# passed, M failed"; exits 1 if any check failed.
# Usage: tests/transcripts.sh CHARTER_BINARY (KEEP=1 keeps the scratch
# directory). Needs awk, sed and diff.
# shellcheck disable=SC2154
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup transcripts awk sed diff
export NO_COLOR=1 TZ=UTC
mkdir bin blocks sessions
ln -s "$bin" bin/charter
fixtures=$here/golden/docs

# Extract the blocks. steps.txt gets, in document order:
#   file N SESSION FILE WHERE    (text in blocks/N)
#   cmd N SESSION FIXTURE WHERE  (command in blocks/N.cmd, expected
#                                 output in blocks/N.exp; FIXTURE is - or
#                                 the block's fixture on its first command)
#   error N SESSION - WHERE      (blocks/N holds the message)
# SESSION is DOC:NAME; WHERE is DOC:LINE of the fence and line of the item.
: >steps.txt
for md in "$top/README.md" "$top"/docs/*.md; do
  [ -f "$md" ] || continue
  rel=${md#"$top"/}
  awk -v rel="$rel" -v dir=blocks '
    function step(kind, what, fix) {
      n++
      print kind, n, (sess == "" ? "-" : rel ":" sess), fix, rel ":" start ":" NR >> (dir "/../steps.txt")
      return dir "/" n
    }
    function error(msg,   f) { f = step("error", "", "-"); print msg > f; close(f) }
    # Quote state after LINE: q is "", "\x27" or "\"" on entry and exit;
    # cont is 1 when the line ends with a backslash outside quotes.
    function scan(line,   i, c) {
      cont = 0
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q == "\x27") { if (c == "\x27") q = ""; continue }
        if (c == "\\") { if (i == length(line) && q == "") cont = 1; i++; continue }
        if (q == "\"") { if (c == "\"") q = ""; continue }
        if (c == "\x27" || c == "\"") q = c
      }
    }
    function endcmd() { if (cmdf != "") { close(cmdf); close(expf) } cmdf = "" }
    BEGIN { n = 0; while ((getline l < (dir "/count")) > 0) n = l + 0; inb = 0 }
    # A fence (CommonMark): three or more backticks, an info string with no
    # backtick; it closes with at least as many backticks and nothing else.
    !inb && /^```+[^`]*$/ {
      match($0, /^`+/); flen = RLENGTH
      inb = 1; start = NR; mode = ""; sess = ""; file = ""; fix = "-"; nw = split(substr($0, flen + 1), w, /[ \t]+/)
      lang = ""
      for (i = 1; i <= nw; i++) {
        if (w[i] == "") continue
        if (lang == "" && w[i] !~ /=/) { lang = w[i]; continue }
        if (w[i] ~ /^session=/) sess = substr(w[i], 9)
        else if (w[i] ~ /^file=/) file = substr(w[i], 6)
        else if (w[i] ~ /^fixture=/) fix = substr(w[i], 9)
      }
      if (lang == "console" && sess != "") { mode = "console"; ncmd = 0; q = ""; cont = 0; cmdf = "" }
      else if (file != "" && sess != "") { mode = "file"; fout = step("file", "", file); printf "" > fout }
      else if (file != "" || (sess != "" && lang != "console")) { mode = ""; error("file= and session= go together (a file of a session)") }
      else if (fix != "-") error("fixture= belongs on a ```console session=NAME fence")
      next
    }
    inb && /^```+[ \t]*$/ && match($0, /^`+/) && RLENGTH >= flen {
      if (mode == "console") { if (q != "" || cont) error("the last command is not complete (an open quote or a final backslash)"); endcmd(); if (ncmd == 0) error("a transcript with no \"$ \" line") }
      if (mode == "file") close(fout)
      inb = 0; mode = ""; next
    }
    inb && mode == "file" { print >> fout; next }
    inb && mode == "console" {
      if (cmdf != "" && (q != "" || cont)) { print >> cmdf; scan($0); next }
      if ($0 ~ /^\$( |$)/) {
        endcmd()
        ncmd++
        b = step("cmd", "", ncmd == 1 ? fix : "-")
        cmdf = b ".cmd"; expf = b ".exp"
        c = $0; sub(/^\$ ?/, "", c)
        print c > cmdf; printf "" > expf
        q = ""; scan(c)
        next
      }
      if (cmdf == "") { error("output before the first \"$ \" line of a transcript"); next }
      print >> expf
      next
    }
    END {
      if (inb && mode != "") error("the block is not closed")
      print n > (dir "/count")
    }' "$md"
done

total=$(grep -c '^cmd ' steps.txt)
check "the documentation has transcripts to run ($total commands)" test "$total" -gt 0

# session_dir DOC:NAME: its directory, created and seeded on first use.
session_dir() {
  key=$(printf '%s' "$1" | tr '/:' '__')
  d=$tmp/sessions/$key
  if [ ! -d "$d" ]; then
    mkdir "$d"
    name=${1##*:}
    if [ -d "$fixtures/$name" ]; then
      for f in "$fixtures/$name"/*; do
        [ -f "$f" ] && cp "$f" "$d/"
      done
    fi
  fi
}

while read -r kind n sess arg where; do
  [ "$sess" = - ] || session_dir "$sess"
  name=${sess##*:}
  doc=${where%%:*}
  rest=${where#*:}
  fence=${rest%%:*}
  line=${rest#*:}
  case $kind in
  file)
    cp "blocks/$n" "$d/$arg"
    ;;
  error)
    not_ok "$doc:$fence: $(cat "blocks/$n")"
    ;;
  cmd)
    if [ "$arg" != - ]; then
      fx=$fixtures/$name/$arg
      if [ ! -d "$fx" ] && [ ! -f "$fx.sh" ]; then
        not_ok "$doc:$fence: fixture=$arg names tests/golden/docs/$name/$arg/ or $arg.sh"
      else
        [ -d "$fx" ] && cp -R "$fx"/. "$d"/
        if [ -f "$fx.sh" ] && ! (cd "$d" && PATH="$tmp/bin:$PATH" $limit sh "$fx.sh") >"blocks/$n.setup" 2>&1; then
          not_ok "$doc:$fence: tests/golden/docs/$name/$arg.sh runs"
          sed 's/^/  # /' "blocks/$n.setup" | head -20
        fi
      fi
    fi
    cmd=$(cat "blocks/$n.cmd")
    shown=$(head -n 1 "blocks/$n.cmd")
    [ "$(wc -l <"blocks/$n.cmd")" -gt 1 ] && shown="$shown ..."
    desc="$doc:$fence: \$ $shown (line $line)"
    tool=${cmd%% *}
    if [ "$tool" != charter ] && ! command -v "$tool" >/dev/null 2>&1; then
      ok "$desc # SKIP $tool is not installed"
      continue
    fi
    # shellcheck disable=SC2086
    (cd "$d" && PATH="$tmp/bin:$PATH" $limit sh -c "$cmd") </dev/null >"blocks/$n.raw" 2>&1
    sed 's/[[:space:]]*$//' "blocks/$n.raw" >"blocks/$n.act"
    sed 's/[[:space:]]*$//' "blocks/$n.exp" >"blocks/$n.want"
    if cmp -s "blocks/$n.want" "blocks/$n.act"; then
      ok "$desc prints what the doc shows"
    else
      not_ok "$desc prints what the doc shows"
      echo "  # - the doc, + what charter printed:"
      diff -u "blocks/$n.want" "blocks/$n.act" | sed '1,2d; s/^/  # /' | head -40
    fi
    ;;
  esac
done <steps.txt

finish
