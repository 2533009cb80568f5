#!/bin/sh
# charter diff (docs/diff.md) on real git revisions. Each case is a folder
# tests/golden/diff/NAME/ with old/ (the files of the first commit) and new/
# (those of the second: the first's files are removed before it), and
# optionally data.csv (imported into test.db against new/main.charter
# first) and args (one line: extra arguments). NAME.out holds, for text,
# md and json in turn, `$ charter diff [--format F] ARGS HEAD~1:main.charter
# main.charter`, its stdout, its stderr and `[exit N]`. Then hostile input:
# option injection, paths out of the repository, symbolic links in a
# revision, revisions and paths that do not exist, programs with errors.
# UPDATE=1 rewrites NAME.out (review the diff). Usage: tests/diff.sh CHARTER
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup diff git jq tar
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp" GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org \
  GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org

# repo DIR OLD NEW: a repository in DIR with OLD's files committed, then NEW's.
repo() {
  rm -rf "$1" && mkdir -p "$1" && (cd "$1" && git init -q . && git config commit.gpgsign false) || return 1
  cp -R "$2"/. "$1"/ && (cd "$1" && git add -A . && git commit -qm old) || return 1
  (cd "$1" && git rm -rq . && rm -rf ./*) || return 1
  cp -R "$3"/. "$1"/ && (cd "$1" && git add -A . && git commit -q --allow-empty -m new)
}

for dir in "$here"/golden/diff/*/; do
  name=$(basename "$dir")
  exp="$here/golden/diff/$name.out"
  repo "$tmp/r-$name" "$dir/old" "$dir/new" || { not_ok "diff $name: the repository"; continue; }
  args=""
  [ -f "$dir/args" ] && args=$(cat "$dir/args")
  got=$(
    cd "$tmp/r-$name" || exit 2
    if [ -f "$dir/data.csv" ]; then
      "$bin" import --db test.db main.charter "$dir/data.csv" >/dev/null 2>&1 || echo "import failed"
    fi
    for f in text md json; do
      # shellcheck disable=SC2086
      echo "\$ charter diff --format $f ${args:+$args }HEAD~1:main.charter main.charter"
      # shellcheck disable=SC2086
      $limit "$bin" diff --format "$f" $args HEAD~1:main.charter main.charter >out 2>err
      echo "[exit $?]"
      cat out err
      if [ "$f" = json ] && ! jq -e . out >/dev/null 2>&1; then echo "JSON NOT VALID"; fi
    done
  )
  if [ -n "${UPDATE:-}" ]; then printf '%s\n' "$got" >"$exp"; fi
  if [ -f "$exp" ] && [ "$(cat "$exp")" = "$got" ]; then
    ok "diff $name"
  else
    not_ok "diff $name"
    printf '%s\n' "$got" | diff -u "$exp" - | head -40
  fi
done

# ---- hostile input and failures ----
mkdir -p h/old h/new
printf 'charter "H" { vision "v" }\ngoal g "G" { }\n' >h/old/main.charter
cp h/old/main.charter h/new/main.charter
repo "$tmp/hr" h/old h/new || not_ok "hostile repository"
cd "$tmp/hr" || exit 2

# expect DESC STATUS PATTERN COMMAND...: the exit status and a line of stderr
expect() {
  desc=$1 want=$2 pat=$3
  shift 3
  $limit "$@" >out 2>err
  st=$?
  if [ "$st" -eq "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" err; }; then ok "$desc"; else
    not_ok "$desc (exit $st)"
    head -5 err
  fi
}
expect "a revision starting with '-' is refused" 2 "starts with '-'" "$bin" diff -- --output=x:main.charter main.charter
expect "the new side too" 2 "starts with '-'" "$bin" diff -- main.charter --upload-pack=touch:main.charter
[ ! -e x ] && [ ! -e touch ] && ok "option injection wrote nothing" || not_ok "option injection wrote nothing"
expect "a path out of the repository is refused" 2 "not a path inside" "$bin" diff HEAD:../main.charter main.charter
expect "an absolute path is refused" 2 "not a path inside" "$bin" diff HEAD:/etc/passwd main.charter
expect "an unknown revision: a plain message" 2 "no revision 'nosuch'" "$bin" diff nosuch:main.charter main.charter
expect "an unknown path: a plain message" 2 "has no file 'nope.charter'" "$bin" diff HEAD:nope.charter main.charter
expect "a missing file" 2 "" "$bin" diff HEAD:main.charter missing.charter
expect "one program only: usage" 2 "two programs" "$bin" diff main.charter
expect "an unknown format" 2 "unknown format" "$bin" diff --format html HEAD:main.charter main.charter
expect "an unknown --fail-on id names the valid ones" 2 "target_weakened, equity_weakened" "$bin" diff --fail-on bogus HEAD:main.charter main.charter
expect "an id with spaces around it is accepted" 0 "" "$bin" diff --fail-on "target_weakened, equity_weakened " HEAD:main.charter main.charter
expect "a near --fail-on id: did you mean" 2 "did you mean 'module_dropped'" "$bin" diff --fail-on module_droped HEAD:main.charter main.charter
expect "a neutral kind is no --fail-on id" 2 "unknown id 'added'" "$bin" diff --fail-on added HEAD:main.charter main.charter
expect "a store that does not exist" 2 "" "$bin" diff --db nosuch.db HEAD:main.charter main.charter

# a decoy: a file named like REV:PATH beside the revision's file
cp main.charter 'HEAD:main.charter'
expect "a file that is also REV:PATH is refused" 2 "both a file and REV:PATH" "$bin" diff HEAD:main.charter main.charter
expect "./NAME reads the file" 0 "" "$bin" diff ./HEAD:main.charter main.charter
cp main.charter 'HEAD:other.charter'
expect "a file with a colon the revision lacks is the file" 0 "" "$bin" diff HEAD:other.charter main.charter
rm -f 'HEAD:main.charter' 'HEAD:other.charter'

# --root applies to a revision too, mapped into its files; messages name REV:
mkdir -p sub lib
printf 'charter "S" { vision "v" }\nimport "../lib/g.charter"\n' >sub/main.charter
printf 'goal g "G" { }\n' >lib/g.charter
git add sub lib && git commit -qm sub
expect "--root maps into the revision" 0 "" "$bin" diff --root . HEAD:sub/main.charter sub/main.charter
expect "without --root: the import refused" 1 "project folder 'HEAD:sub'" "$bin" diff HEAD:sub/main.charter sub/main.charter
if grep -q "charter-diff\." err; then not_ok "no private folder named in messages"; else ok "no private folder named in messages"; fi
expect "--root outside the repository" 2 "outside the repository" "$bin" diff --root "$tmp" HEAD:sub/main.charter sub/main.charter

# --fail-on with spaces, and why it failed on stderr
printf 'charter "T" { vision "v" }\nindicator r "R" { unit "%%"\n direction up\n target 60 by 2028 }\n' >t.charter
git add t.charter && git commit -qm t
sed 's/60 by/50 by/' t.charter >t2.charter && mv t2.charter t.charter
expect "--fail-on ids with spaces; the reason on stderr" 1 "1 finding named in --fail-on: target_weakened (1)" \
  "$bin" diff --fail-on " target_weakened , equity_weakened" HEAD:t.charter t.charter
git checkout -q t.charter

# a reader that stops early: the private folders are removed all the same
mkdir -p "$tmp/tt"
i=0
while [ $i -lt 3000 ]; do printf 'goal g%d "Goal number %d" { }\n' $i $i; i=$((i + 1)); done >many.charter
printf 'charter "M" { vision "v" }\n' >m.charter
git add m.charter && git commit -qm m
cat many.charter >>m.charter
TMPDIR="$tmp/tt" "$bin" diff HEAD:m.charter m.charter 2>/dev/null | head -1 >/dev/null
TMPDIR="$tmp/tt" "$bin" diff HEAD:m.charter m.charter 2>/dev/null | true
left=$(find "$tmp/tt" -mindepth 1 -maxdepth 1 | wc -l)
[ "$left" -eq 0 ] && ok "a closed pipe leaves no private folder" || not_ok "a closed pipe leaves no private folder ($left left)"
git checkout -q m.charter

# a symbolic link in the revision: as the entry, and as an import
ln -s /etc/passwd evil.charter
printf 'charter "H" { vision "v" }\nimport "evil.charter"\ngoal g "G" { }\n' >imp.charter
git add evil.charter imp.charter && git commit -qm links
expect "an entry that links out of the revision is refused" 2 "symbolic link" "$bin" diff HEAD:evil.charter main.charter
expect "an import that links out of the revision is refused" 1 "import" "$bin" diff HEAD:imp.charter main.charter
if grep -q "root:" out err; then not_ok "nothing of /etc/passwd shown"; else ok "nothing of /etc/passwd shown"; fi
left=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'charter-diff.*' ! -path "$tmp" -newer main.charter 2>/dev/null | wc -l)
[ "$left" -eq 0 ] && ok "the private folders are removed" || not_ok "the private folders are removed ($left left)"

# errors on either side: printed with the side's paths, exit 1, no diff
printf 'charter "H" { vision "v" }\ngoal g "G" { nonsense 1 }\n' >bad.charter
git add bad.charter && git commit -qm bad
expect "errors in the old program: exit 1, named by REV:PATH" 1 "HEAD:bad.charter:2" "$bin" diff HEAD:bad.charter main.charter
[ ! -s out ] && ok "no diff printed with errors" || not_ok "no diff printed with errors"
expect "errors in the new program: exit 1" 1 "the new program" "$bin" diff HEAD:main.charter bad.charter

# not a repository
mkdir "$tmp/norepo" && cp main.charter "$tmp/norepo/" && cd "$tmp/norepo" || exit 2
export GIT_CEILING_DIRECTORIES="$tmp"
expect "outside a repository: a plain message" 2 "not in a git repository" "$bin" diff HEAD:main.charter main.charter
# two plain files
cp main.charter other.charter
expect "two plain files, the same: exit 0" 0 "" "$bin" diff main.charter other.charter
grep -q "^No changes" out && ok "no changes said" || not_ok "no changes said"

finish
