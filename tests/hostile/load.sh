#!/bin/sh
# Hostile imports (docs/security.md, "Imports and the project root"): an
# import may read only a regular *.charter file inside the project (the
# entry file's folder and below, CHARTER_PATH, --root), symbolic links
# resolved; everything else is an import error at the import's path, and
# nothing of the refused file reaches any output format. Loading is not
# recursive: chains of 2,000 and 100,000 files check without a crash.
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed".
# Usage: tests/hostile/load.sh CHARTER_BINARY (KEEP=1 keeps the scratch
# directory.)
# shellcheck disable=SC2016,SC2034
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup load awk grep mkfifo ln

# ---- the secrets outside the project ----
mkdir outside
printf 'MYSECRET=hunter2\nghp_leakedtoken\n' >outside/secret.txt
printf 'partner ghp_leakedtoken "hunter2" { sector media }\n' >outside/secret.charter
export MYSECRET=hunter2

# project NAME LINE...: NAME/main.charter, a charter block, a blank line,
# then the lines (the first import is at line 3, its path at column 8).
project() {
  name=$1
  shift
  mkdir -p "$name"
  {
    echo 'charter "Hostile" { vision "Imports stay in the project" }'
    echo
    for l in "$@"; do echo "$l"; done
  } >"$name/main.charter"
}

# run KEY ARG...: charter ARG... into KEY.out, KEY.err, KEY.rc.
run() {
  key=$1
  shift
  $limit "$bin" "$@" >"$key.out" 2>"$key.err"
  echo $? >"$key.rc"
}
rc_is() { [ "$(cat "$1.rc")" = "$2" ]; }
# No trace of the secrets in KEY's output, nor a sanitizer's report.
no_secret() {
  ! grep -q 'hunter2\|ghp_leaked\|MYSECRET' "$1.out" "$1.err" && ! grep -q 'Sanitizer\|runtime error' "$1.err"
}

# refused NAME WHY: check NAME/main.charter in each format exits 1, the text
# says at NAME/main.charter:3:8 that the import cannot be read, with WHY
# (a fixed string); no format prints anything of the secrets.
refused() {
  name=$1
  why=$2
  run "$name.text" check "$name/main.charter"
  check "$name: text: exit 1" rc_is "$name.text" 1
  check "$name: text: an import error at $name/main.charter:3:8" \
    grep -q "^$name/main.charter:3:8: error: cannot import '.*\[import\]\$" "$name.text.err"
  check "$name: text: says why ($why)" grep -qF "$why" "$name.text.err"
  check "$name: text: nothing of the secrets" no_secret "$name.text"
  for f in json sarif github; do
    run "$name.$f" check --format "$f" "$name/main.charter"
    check "$name: $f: exit 1, the import error" eval 'rc_is "$name.$f" 1 && grep -qF "$why" "$name.$f.out"'
    check "$name: $f: nothing of the secrets" no_secret "$name.$f"
  done
}

outside_why="is outside the project folder '"
link_why="goes through a symbolic link that leads out of the project folder '"

project dotdot 'import "../outside/secret.charter"'
refused dotdot "$outside_why"
check "dotdot: the message names the path as written" \
  grep -qF "cannot import '../outside/secret.charter': the file is outside the project folder 'dotdot' (the entry file's folder and below); move the file into the project, or widen the project with --root DIR" dotdot.text.err

project passwd 'import "../../../../../../../../../../etc/passwd"'
refused passwd "$outside_why"
check "passwd: nothing of /etc/passwd" eval '! grep -q "root:" passwd.text.err passwd.json.out'

project environ 'import "../../../../../../../../../../proc/self/environ"'
refused environ "$outside_why"

project missing_outside 'import "../outside/nothing.charter"'
refused missing_outside "$outside_why"

project link_text 'import "keys.charter"'
ln -s "$tmp/outside/secret.txt" link_text/keys.charter
refused link_text "$link_why"

project link_charter 'import "lib.charter"'
ln -s ../outside/secret.charter link_charter/lib.charter
refused link_charter "$link_why"

project link_dir 'import "vendor/secret.charter"'
ln -s "$tmp/outside" link_dir/vendor
refused link_dir "$link_why"

project link_dangling 'import "gone.charter"'
ln -s "$tmp/outside/nothing.charter" link_dangling/gone.charter
refused link_dangling "$link_why"

project link_zero 'import "zero.charter"'
ln -s /dev/zero link_zero/zero.charter
refused link_zero "$link_why"

project fifo 'import "pipe.charter"'
mkfifo fifo/pipe.charter
refused fifo "it is not a regular file (it is a pipe, a device or a socket); import a .charter file"

project notes 'import "notes.txt"'
printf 'MYSECRET=hunter2\n' >notes/notes.txt
refused notes "only files whose names end in .charter can be imported; rename the file to end in .charter"

project link_name 'import "data.charter"'
printf 'MYSECRET=hunter2\n' >link_name/notes.txt
ln -s notes.txt link_name/data.charter
refused link_name "it is a symbolic link to a file whose name does not end in .charter"

project directory 'import "sub.charter"'
mkdir directory/sub.charter
refused directory "it is a directory, not a file"

# Nested: a file inside the project whose own import climbs out.
project nested 'import "lib/a.charter"'
mkdir nested/lib
printf 'import "../../outside/secret.charter"\n' >nested/lib/a.charter
run nested check nested/main.charter
check "nested: the error is at the nested import (lib/a.charter:1:8)" \
  grep -q "^nested/lib/a.charter:1:8: error: cannot import '../../outside/secret.charter': the file is outside" nested.err
check "nested: nothing of the secrets" no_secret nested

# The commands that use a program refuse it the same way.
run render.dotdot render -T dot dotdot/main.charter
check "render: exit 1, the import error, nothing drawn" \
  eval 'rc_is render.dotdot 1 && [ ! -s render.dotdot.out ] && grep -qF "$outside_why" render.dotdot.err'
check "render: nothing of the secrets" no_secret render.dotdot
run eval.dotdot eval --db none.db link_charter/main.charter
check "eval: exit 1, the import error" eval 'rc_is eval.dotdot 1 && grep -qF "$link_why" eval.dotdot.err'
check "eval: nothing of the secrets" no_secret eval.dotdot
printf 'indicator,period,value\n' >rows.csv
run import.dotdot import --db store.db link_dir/main.charter rows.csv
check "import: exit 1, the import error, no store" \
  eval 'rc_is import.dotdot 1 && grep -qF "$link_why" import.dotdot.err && [ ! -e store.db ]'
check "import: nothing of the secrets" no_secret import.dotdot

# --root widens the project deliberately; it must be one existing folder.
run root.ok check --root . dotdot/main.charter
check "--root .: the file outside the entry's folder is read" eval 'rc_is root.ok 0'
run root.render render -T dot --root "$tmp" link_charter/main.charter
check "render --root: draws" eval 'rc_is root.render 0 && grep -q digraph root.render.out'
run root.msg check --root dotdot passwd/main.charter
check "with --root, the message names the --root folder" \
  grep -qF "outside the project folder 'passwd' (the entry file's folder and below) and the --root folder 'dotdot'" root.msg.err
run root.missing check --root no_such_dir dotdot/main.charter
check "--root of a missing folder: usage error" eval 'rc_is root.missing 2 && grep -q "^charter: --root .no_such_dir. is not a folder" root.missing.err'
run root.twice check --root . --root .. dotdot/main.charter
check "--root twice: usage error" eval 'rc_is root.twice 2 && grep -q "^charter: --root is given twice" root.twice.err'
for c in render eval import; do
  check "charter help $c describes --root" eval '"$bin" help $c | grep -q -- "--root=DIR"'
done

# CHARTER_PATH folders are roots; a module there may not link out either.
mkdir -p cp/rules
project cp 'use evil' 'import "../shared/common.charter"'
ln -s "$tmp/outside/secret.charter" cp/rules/evil.charter
mkdir shared
printf 'partner common "Common" { sector media }\n' >shared/common.charter
CHARTER_PATH=cp/rules run cp check cp/main.charter
check "a CHARTER_PATH module linking out: refused at the use" \
  grep -q "^cp/main.charter:3:5: error: cannot import 'cp/rules/evil.charter': it goes through a symbolic link" cp.err
check "a CHARTER_PATH module linking out: nothing of the secrets" no_secret cp
CHARTER_PATH=cp/rules:shared run cp2 check cp/main.charter
check "a file in a CHARTER_PATH folder may be imported" eval '! grep -q "common.charter" cp2.err'

# The entry file is trusted wherever it is; a linked entry's project is the
# folder of the link, and its imports are relative to the link.
mkdir elsewhere linked
printf 'charter "Linked" { vision "v" }\nimport "part.charter"\n' >elsewhere/main.charter
printf 'partner here "Here" { sector media }\n' >linked/part.charter
ln -s ../elsewhere/main.charter linked/main.charter
run linked check linked/main.charter
check "a linked entry: its imports are read beside the link" eval 'rc_is linked 0'
run outside_entry check outside/secret.charter
check "an entry outside the current folder is read (the user chose it)" eval 'rc_is outside_entry 1 && grep -q "charter" outside_entry.err'

# ---- long chains: no recursion in loading ----
# chain DIR N [CYCLE]: DIR/main.charter imports f1.charter, each fI imports
# fI+1 up to fN-1; with CYCLE the last imports f1 again.
chain() {
  mkdir "$1"
  printf 'charter "Chain" { vision "A long chain of imports" }\nimport "f1.charter"\n' >"$1/main.charter"
  awk -v dir="$1" -v n="$2" -v cycle="${3:-}" 'BEGIN {
    for (i = 1; i < n; i++) {
      f = dir "/f" i ".charter"
      printf "partner p%d \"P%d\" { sector media }\n", i, i > f
      if (i + 1 < n) printf "import \"f%d.charter\"\n", i + 1 > f
      else if (cycle != "") printf "import \"f1.charter\"\n" > f
      close(f)
    }
  }'
}
chain chain2k 2000
run chain2k check chain2k/main.charter
check "a chain of 2,000 imports checks: exit 0, no crash" eval 'rc_is chain2k 0 && grep -q "^0 errors" chain2k.err'
chain cycle2k 2000 cycle
run cycle2k check cycle2k/main.charter
check "a cycle of 2,000 files: one import error, its chain shortened" \
  eval 'rc_is cycle2k 1 && grep -q "^cycle2k/f1999.charter:2:8: error: import cycle: cycle2k/f1.charter → cycle2k/f2.charter → cycle2k/f3.charter → cycle2k/f4.charter → … 1992 more files … → cycle2k/f1997.charter → cycle2k/f1998.charter → cycle2k/f1999.charter → cycle2k/f1.charter \[import\]$" cycle2k.err'
chain chain100k 100000
limit_long=""
command -v timeout >/dev/null 2>&1 && limit_long="timeout 600"
$limit_long "$bin" check chain100k/main.charter >chain100k.out 2>chain100k.err
echo $? >chain100k.rc
check "a chain of 100,000 imports checks: exit 0, no crash" eval 'rc_is chain100k 0 && grep -q "^0 errors" chain100k.err'
rm -rf chain100k

finish
