#!/bin/sh
# Hostile text (docs/security.md, "Text that reaches terminals, logs and
# files"): file names, titles, group names and source lines holding ESC,
# C1 and bidi controls or invalid UTF-8 reach no output raw, in any format;
# a file name cannot inject a GitHub workflow command; CSV text cells are
# neutralised; json, sarif and github output is bounded; fmt - ends on
# endless input. Prints "ok - ..." or "not ok - ...", then "N passed, M
# failed". Usage: tests/hostile/text.sh CHARTER_BINARY
# shellcheck disable=SC2016,SC2317
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"
scratch_setup hostile-text jq iconv python3

esc=$(printf '\033')
c1=$(printf '\302\233')  # U+009B CSI
rlo=$(printf '\342\200\256') # U+202E
lri=$(printf '\342\201\246') # U+2066
bad=$(printf '\377')     # invalid UTF-8
nl='
'
# The file name of issue 14: ESC, a newline and a workflow command.
inj="x${esc}[31m$nl::error file=a::INJ.charter"

# clean FILE: no raw ESC, C1 or bidi control, and valid UTF-8.
clean() {
  python3 - "$1" <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8")  # raises on invalid UTF-8
bad = re.compile("[\x1b\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
sys.exit(1 if bad.search(text) else 0)
EOF
}
# no_command FILE: no line is a workflow command but those charter starts
# with a level and file= (text output: no line starts with :: at all).
no_command() { ! grep -q '^::' "$1"; }
gh_lines_ok() { # FILE: every line is one of charter's annotations
  ! grep -Evq '^::(error|warning|notice) (file=[^,:]*,line=[0-9]+,col=[0-9]+,endLine=[0-9]+,endColumn=[0-9]+,)?title=[^:]*::' "$1"
}
utf8() { iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; }
jqf() { jq -e "$2" "$1"; } # FILE FILTER

# run NAME ARG...: charter ARG... with stdout in NAME.out, stderr in NAME.err.
run() {
  name=$1
  shift
  $limit "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  echo $? >"$tmp/$name.rc"
}
rc_is() { [ "$(cat "$tmp/$1.rc")" = "$2" ]; }
content_is() { [ "$(cat "$2")" = "$1" ]; }

# --- a hostile file name, title, group and source line --------------------
# The program: titles and groups with ESC, C1 and bidi controls, a line
# that fmt changes, and an unknown reference (one error to report).
cat >"$inj" <<EOF
charter "Hostile ${esc}[2J $c1 $rlo" {
  vision "v $lri"
}
dimension place "Place" { groups "=North", "So${rlo}uth", "=North" }
indicator  i "Title ${esc}]0;pwned$esc\\\\ $c1" {
  unit "-u${esc}[1m"
  direction up
}
activity a "A" { owner nobody }
EOF
for f in json sarif github; do run "name.$f" check --format "$f" "$inj"; done
run name.text check "$inj"
run name.always check --color always "$inj"
for f in json sarif github; do
  check "file name, titles, line ($f): no raw ESC, C1 or bidi control; valid UTF-8" clean "$tmp/name.$f.out"
  check "file name, titles, line ($f): nothing on stderr" test ! -s "$tmp/name.$f.err"
done
check "text: no raw ESC, C1 or bidi control; valid UTF-8" clean "$tmp/name.text.err"
check "text: no line starts a workflow command" no_command "$tmp/name.text.err"
# With colour, only charter's own bold and colour sequences are raw.
sed -E "s/$esc\[(0|1|1;3[1256])m//g" "$tmp/name.always.err" >"$tmp/name.always.plain"
check "text (--color always): only charter's colours are raw" clean "$tmp/name.always.plain"
check "text: the file name is shown escaped" grep -qF 'x\x1B[31m\n::error file=a::INJ.charter:' "$tmp/name.text.err"
check "text: a bidi control in the echoed line is shown as \\u202E" grep -qF '"So\u202Euth"' "$tmp/name.text.err"
# The caret stays under the second "=North": as many columns before it as
# the escaped line shows.
check "text: the caret is under the span, after the escaped character" python3 - "$tmp/name.text.err" <<'EOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
for k, l in enumerate(lines):
    if "So\\u202Euth" in l and "|" in l and "is listed twice" in lines[k - 1]:
        caret = lines[k + 1]
        col = l.rindex('"=North"')
        sys.exit(0 if caret[col:] == "^~~~~~~~" and caret[:col].strip() == "|" else 1)
sys.exit(1)
EOF
check "json: valid, the file name as given (controls escaped by JSON)" \
  jq -e --arg f "$inj" 'length > 0 and all(.[]; .file == $f)' "$tmp/name.json.out"
check "sarif: valid JSON" jqf "$tmp/name.sarif.out" '.runs[0].results | length > 0'
check "github: every line is one of charter's annotations" gh_lines_ok "$tmp/name.github.out"
check "github: the file name cannot inject a command" sh -c "! grep -q '^::error file=a' '$tmp/name.github.out'"
check "github: its newline and colons are escaped in file=" \
  grep -qF 'file=x\x1B[31m%0A%3A%3Aerror file=a%3A%3AINJ.charter,' "$tmp/name.github.out"

# fmt --check and --diff print the name escaped; the diff's lines too.
run fmt.check fmt --check "$inj"
run fmt.diff fmt --diff "$inj"
for f in check diff; do
  check "fmt --$f: finds the change (exit 1)" rc_is "fmt.$f" 1
  check "fmt --$f: no raw control; valid UTF-8" clean "$tmp/fmt.$f.out"
  check "fmt --$f: no line starts a workflow command" no_command "$tmp/fmt.$f.out"
done
check "fmt --check: prints the name escaped, on one line" \
  content_is 'x\x1B[31m\n::error file=a::INJ.charter' "$tmp/fmt.check.out"
check "fmt --diff: the changed lines are shown, escaped" grep -qF -- '-indicator  i "Title \x1B]0;pwned' "$tmp/fmt.diff.out"

# --- invalid UTF-8 in a file name and in a file ----------------------------
badname="bad${bad}name.charter"
printf 'charter "C" {\n  vision "v"\n}\nactivity a "A %sz" { owner nobody }\n' "$bad" >"$badname"
for f in json sarif github; do run "bad.$f" check --format "$f" "$badname"; done
run bad.text check "$badname"
for f in json sarif github; do
  check "invalid UTF-8 ($f): valid UTF-8 out" utf8 "$tmp/bad.$f.out"
  check "invalid UTF-8 ($f): no raw control" clean "$tmp/bad.$f.out"
done
check "invalid UTF-8 (text): valid UTF-8, no raw control" clean "$tmp/bad.text.err"
check "invalid UTF-8 (text): the byte shown as \\xFF" grep -qF 'bad\xFFname.charter:' "$tmp/bad.text.err"
check "invalid UTF-8 (json): valid JSON, each bad byte U+FFFD" \
  jqf "$tmp/bad.json.out" 'length > 0 and all(.[]; .file == "bad\ufffdname.charter")'
check "invalid UTF-8 (sarif): valid JSON" jqf "$tmp/bad.sarif.out" '.runs[0].results | length > 0'

# --- eval: a store reached through import ---------------------------------
mkdir ev && cd ev || exit 2
cat >main.charter <<EOF
charter "Eval" {
  vision "v"
}
dimension place "Place" { groups "=North", "-South", "@East$rlo" }
indicator f1 "=HYPERLINK(\"http://x\",\"y\")" {
  unit "+cmd${esc}[31m"
  direction up
  baseline 0 in 2024
  target 10 by 2026
  disaggregate place
  equity place "=North" 5 by 2026
  equity place gap 3 by 2026
}
indicator neg "@SUM(A1) $c1" {
  direction down
  baseline 0 in 2024
  target -10 by 2026
}
EOF
csvname="data${esc}[2J$rlo.csv"
cat >"$csvname" <<EOF
indicator,dimension,group,period,value
f1,,,2025,-5
f1,place,=North,2025,4
f1,place,-South,2025,1
f1,place,@East$rlo,2025,0.5
neg,,,2025,-3
EOF
run imp import --db s.db main.charter "$csvname"
check "import: stores the hostile groups (exit 0)" rc_is imp 0
check "import: the summary is clean" clean "$tmp/imp.out"
check "import: the summary names the file escaped" grep -qF 'data\x1B[2J\u202E.csv: 5 rows added' "$tmp/imp.out"
for f in table json csv; do
  run "ev.$f" eval --db s.db --as-of 2025-12 --format "$f" main.charter
  check "eval ($f): exit 0" rc_is "ev.$f" 0
  check "eval ($f): no raw control; valid UTF-8" clean "$tmp/ev.$f.out"
done
check "eval (json): valid, titles and groups as they are" \
  jqf "$tmp/ev.json.out" '.indicators[0].title == "=HYPERLINK(\"http://x\",\"y\")" and any(.indicators[0].equity[]; .worst_group == "@East\u202e")'
check "eval (table): group names escaped" grep -qF '@East\u202E' "$tmp/ev.table.out"
# The CSV read back: every text cell beginning with = + - @ is prefixed;
# the negative numbers stay numbers.
check "eval (csv): text cells neutralised, numbers kept" python3 - "$tmp/ev.csv.out" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
f, n = rows[0], rows[1]
ok = f["title"] == "'=HYPERLINK(\"http://x\",\"y\")" and f["unit"] == "'+cmd\\x1B[31m"
ok = ok and f["latest"] == "-5" and n["latest"] == "-3" and n["target"] == "-10"
ok = ok and n["title"] == "'@SUM(A1) \\u009B"
for r in rows:
    for k, v in r.items():
        if k in ("title", "unit", "id", "latest_period", "trend") and v[:1] in "=+-@\t\r" and v:
            ok = False
sys.exit(0 if ok else 1)
EOF
cd "$tmp" || exit 2

# --- bounded output ---------------------------------------------------------
python3 - <<'EOF'
with open("many.charter", "w") as f:
    f.write('charter "Many" {\n  vision "v"\n}\n')
    for i in range(12000):
        f.write('activity a%d "A" { owner nobody_%d }\n' % (i, i))
EOF
for f in json sarif github; do run "many.$f" check --format "$f" many.charter; done
run many.text check many.charter
check "json (12,000 errors): 1,000 then a summary entry" \
  jqf "$tmp/many.json.out" 'length == 1001 and .[-1].rule == "too_many" and (.[-1].message | startswith("11000 more diagnostics not shown"))'
check "sarif (12,000 errors): 1,000 results then a note" \
  jqf "$tmp/many.sarif.out" '.runs[0].results | length == 1001 and .[-1].ruleId == "too_many" and .[-1].level == "note"'
check "github (12,000 errors): 1,001 lines" test "$(grep -c '' "$tmp/many.github.out")" -eq 1001
check "github (12,000 errors): the last line says how many more" \
  sh -c "tail -n 1 '$tmp/many.github.out' | grep -q '^::notice title=too_many::11000 more diagnostics not shown'"
check "text (12,000 errors): 50, then how many more" grep -q '^charter: 11950 more diagnostics not shown' "$tmp/many.text.err"
check "text (12,000 errors): the summary counts all" grep -qx '12000 errors, 0 warnings' "$tmp/many.text.err"

# fmt - reads at most 16 MiB: /dev/zero ends with a message.
$limit "$bin" fmt - </dev/zero >"$tmp/zero.out" 2>"$tmp/zero.err"
echo $? >"$tmp/zero.rc"
check "fmt - < /dev/zero: ends with exit 2" rc_is zero 2
check "fmt - < /dev/zero: says why" grep -q "cannot read '-': it is larger than 16 MiB" "$tmp/zero.err"
check "fmt - < /dev/zero: prints nothing on stdout" test ! -s "$tmp/zero.out"
printf 'charter "C" {\n vision "v"\n}\n' | "$bin" fmt - >"$tmp/small.out" 2>&1
check "fmt -: a small program is still formatted" grep -q '^  vision "v"$' "$tmp/small.out"

# ---- usage errors quote arguments: escaped too ----
"$bin" check --rule-steps "$(printf 'x\033[31m\n::error::INJ')" "$tmp/none.charter" >"$tmp/usage.out" 2>"$tmp/usage.err"
check "usage error: exit 2" test $? -eq 2
check "usage error: no raw ESC, no workflow command" sh -c '! grep -q "$(printf "\033")" "$1" && ! grep -q "^::" "$1"' sh "$tmp/usage.err"
check "usage error: the argument is shown escaped" grep -qF 'x\x1B[31m\n::error::INJ' "$tmp/usage.err"

finish
