#!/bin/sh
# Structural checks of `charter check`: the machine formats (json, sarif,
# github) checked with jq against docs/commands.md ("charter check"), exit
# codes and colour. The programs live in tests/golden/structural/ (see its README).
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed";
# exits 1 if any check failed. Usage: tests/structural.sh CHARTER_BINARY
# jq programs are single-quoted; predicates are called through check.
# shellcheck disable=SC2016,SC2317
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

origin=$(pwd)
scratch_setup structural jq
cd "$origin" || exit 2
esc=$(printf '\033')
# Work on a copy in which the file sub_dir/café_plan.charter stands at a path
# with spaces (tests/run.sh splits paths at white space, so the repository
# cannot hold it there).
work=$tmp/work
cafe="sub dir/café plan.charter"
mkdir "$work" "$work/sub dir" &&
  cp -R "$here/golden/structural/." "$work/" &&
  mv "$work/sub_dir/café_plan.charter" "$work/$cafe" &&
  rmdir "$work/sub_dir" &&
  cd "$work" || exit 2

# run KEY FILE ARG...: runs check on FILE; stdout, stderr and the exit status
# go to $tmp/KEY.out, KEY.err and KEY.rc.
run() {
  key=$1 file=$2
  shift 2
  "$bin" check "$@" "$file" >"$tmp/$key.out" 2>"$tmp/$key.err"
  echo $? >"$tmp/$key.rc"
}
# Predicates for check.
rc_is() { [ "$(cat "$tmp/$1.rc")" = "$2" ]; }
jqf() { jq -e "$2" "$tmp/$1.out"; } # KEY FILTER
has_esc() { grep -q "$esc" "$1"; }
no_esc() { ! grep -q "$esc" "$1"; }
no_cr() { ! grep -q "$(printf '\r')" "$1"; }
lines_match() { ! grep -Evq "$1" "$2"; } # ERE FILE: every line matches
line_count_is() { [ "$(grep -c '' "$2")" -eq "$1" ]; }
content_is() { [ "$(cat "$2")" = "$1" ]; }
last_line_is() { [ "$(tail -n 1 "$2")" = "$1" ]; }

# The programs, keyed by name; each runs in the three machine formats and text.
set -- clean clean.charter \
  warnings warnings.charter \
  problems problems.charter \
  messages messages.charter \
  many many.charter \
  cafe "$cafe" \
  dotcafe "./$cafe" \
  abscafe "$work/$cafe" \
  imports imports.charter \
  rules rules.charter
keys=""
while [ $# -ge 2 ]; do
  keys="$keys $1"
  for f in json sarif github; do run "$1.$f" "$2" --format "$f"; done
  run "$1.text" "$2"
  shift 2
done

# --- json -------------------------------------------------------------------
json_shape='
def pos: type == "number" and . == floor and . >= 1;
def text: type == "string" and length > 0;
def span: (.line|pos) and (.column|pos) and (.end_line|pos) and (.end_column|pos)
  and (.end_line > .line or (.end_line == .line and .end_column >= .column));
type == "array" and all(.[];
  type == "object" and (.file|text) and span
  and (.severity | IN("error", "warning", "info"))
  and (.rule|text) and (.message|text)
  and (.notes | type == "array" and all(.[]; (.message|text)
       and (if has("file") then (.file|text) and span else true end))))'
for k in $keys; do
  check "json ($k): an array of complete diagnostics" jqf "$k.json" "$json_shape"
done
check "json (clean): an empty array" jqf clean.json '. == []'
check "json (problems): errors and warnings" \
  jqf problems.json 'any(.[]; .severity == "error") and any(.[]; .severity == "warning")'
check "json (problems): notes with a place (duplicate, kind, direction)" \
  jqf problems.json '[.[] | select(.notes | any(.[]; has("file")))] | length >= 3'
check "json (messages): a message keeps quotes, backslashes and newlines" \
  jqf messages.json 'any(.[]; .message | contains("\"") and contains("\\") and contains("\n"))'
check "json (many): all 60 diagnostics, beyond the 50 of text" jqf many.json 'length == 60'
check "json (cafe): the path as given, with space and non-ASCII" \
  jq -e --arg f "$cafe" 'length > 0 and all(.[]; .file == $f)' "$tmp/cafe.json.out"
check "json (./cafe): the path as given, ./ included" \
  jq -e --arg f "./$cafe" 'length > 0 and all(.[]; .file == $f)' "$tmp/dotcafe.json.out"
check "json (cafe): columns count code points (after \"Café ☕ Ünïcödé\")" \
  jqf cafe.json 'any(.[]; .rule == "attribute" and .line == .end_line and .column == 40 and .end_column == 50)'
check "json (imports): an imported file is named relative to the current directory" \
  jqf imports.json 'length > 0 and all(.[]; .file == "sub dir/café plan.charter")'

# --- sarif ------------------------------------------------------------------
sarif_shape='
def pos: type == "number" and . == floor and . >= 1;
def text: type == "string" and length > 0;
def uri: text and (startswith("/") | not) and (startswith("./") | not)
  and (contains("\\") | not) and test("^[A-Za-z0-9._~/%-]+$")
  and (test("%(?![0-9A-F]{2})") | not);
def place: .physicalLocation | (.artifactLocation.uri | uri)
  and (.region.startLine | pos) and (.region.startColumn | pos);
.version == "2.1.0" and (."$schema" | text)
and (.runs | type == "array" and length == 1)
and (.runs[0] as $run | $run.tool.driver as $d
  | $d.name == "charter"
  and ($d.rules | type == "array" and length > 0 and all(.[]; (.id | text)
       and (.shortDescription.text | text) and (.fullDescription.text | text)
       and (.help.text | text)
       and (.name | text and test("^[A-Z][A-Za-z0-9]*$")) and .name != .id))
  and ([$d.rules[].id] | length == (unique | length))
  and ((($d | has("informationUri")) | not) or ($d.informationUri | test("^https://")))
  and $run.columnKind == "unicodeCodePoints"
  and ([$d.rules[].id] as $ids | $run.results | type == "array" and all(.[];
       . as $res | any($ids[]; . == $res.ruleId)
       and (if has("ruleIndex") then $d.rules[.ruleIndex].id == .ruleId else true end)
       and (.level | IN("error", "warning", "note"))
       and (.message.text | text)
       and (.locations | type == "array" and length >= 1)
       and (.locations[0] | place)
       and all((.relatedLocations // [])[]; place and (.message.text | text)))))'
# The same diagnostics as json, in the same order: rule, level, message,
# place, and the uri is the printed path percent-encoded (an absolute path
# under the current directory made relative to it).
sarif_json='
def enc: (if startswith($cwd + "/") then .[($cwd | length) + 1:] else . end)
  | sub("^(\\./)+"; "") | sub("^/+"; "") | @uri | gsub("%2F"; "/");
def level: if . == "info" then "note" else . end;
.runs[0].results as $r | $json[0] as $j
| ($r | length) == ($j | length)
  and all(range(0; $j | length); . as $i | $r[$i] as $s | $j[$i] as $d
    | $s.ruleId == $d.rule and $s.level == ($d.severity | level)
    and $s.message.text == $d.message
    and ($s.locations[0].physicalLocation
         | .artifactLocation.uri == ($d.file | enc)
           and .region.startLine == $d.line and .region.startColumn == $d.column
           and .region.endLine == $d.end_line and .region.endColumn == $d.end_column))'
for k in $keys; do
  check "sarif ($k): SARIF 2.1.0 with described rules and well-formed results" \
    jqf "$k.sarif" "$sarif_shape"
  check "sarif ($k): the same diagnostics as json" \
    jq -e --arg cwd "$(pwd -P)" --slurpfile json "$tmp/$k.json.out" "$sarif_json" "$tmp/$k.sarif.out"
done
check "sarif (clean): no results" jqf clean.sarif '.runs[0].results == []'
check "sarif (clean): the built-in checks are listed as rules" \
  jqf clean.sarif '[.runs[0].tool.driver.rules[].id] | contains(["syntax", "duplicate", "unresolved", "waiver"])'
check "sarif (problems): notes become relatedLocations" \
  jqf problems.sarif 'any(.runs[0].results[]; (.relatedLocations // []) | length > 0)'
check "sarif (cafe): uri percent-encodes the space and the non-ASCII character" \
  jqf cafe.sarif 'all(.runs[0].results[]; .locations[0].physicalLocation.artifactLocation.uri == "sub%20dir/caf%C3%A9%20plan.charter")'
check "sarif (./cafe): uri has no leading ./" \
  jqf dotcafe.sarif 'all(.runs[0].results[]; .locations[0].physicalLocation.artifactLocation.uri == "sub%20dir/caf%C3%A9%20plan.charter")'
check "sarif (absolute path): uri is relative to the current directory" \
  jqf abscafe.sarif '(.runs[0].results | length > 0) and all(.runs[0].results[]; .locations[0].physicalLocation.artifactLocation.uri == "sub%20dir/caf%C3%A9%20plan.charter")'

# --- github -----------------------------------------------------------------
gh_line='^::(error|warning|notice) file=[^,]*,line=[0-9]+,col=[0-9]+,endLine=[0-9]+,endColumn=[0-9]+,title=[^:]*::'
for k in $keys; do
  f=$tmp/$k.github.out
  check "github ($k): every line is a workflow command" lines_match "$gh_line" "$f"
  n=$(jq length "$tmp/$k.json.out")
  check "github ($k): one line per diagnostic ($n)" line_count_is "$n" "$f"
  # Severity, line and column agree with json, in order.
  jq -r '.[] | "\(if .severity == "info" then "notice" else .severity end) \(.line) \(.column) \(.end_line) \(.end_column) \(.rule)"' \
    "$tmp/$k.json.out" >"$tmp/$k.gh.want"
  sed -n 's/^::\([a-z]*\) file=[^,]*,line=\([0-9]*\),col=\([0-9]*\),endLine=\([0-9]*\),endColumn=\([0-9]*\),title=\([^:]*\)::.*/\1 \2 \3 \4 \5 \6/p' \
    "$f" >"$tmp/$k.gh.got"
  check "github ($k): level, place and title agree with json" cmp -s "$tmp/$k.gh.want" "$tmp/$k.gh.got"
done
check "github (clean): no output" test ! -s "$tmp/clean.github.out"
check "github (messages): a newline in a message is escaped as %0A" \
  grep -q 'dir\\sub%0Afile\.charter' "$tmp/messages.github.out"
check "github (messages): % in a message is escaped as %25" grep -q '100%25, a:b' "$tmp/messages.github.out"
check "github (messages): no carriage return" no_cr "$tmp/messages.github.out"
check "github (problems): notes follow the message after %0A" \
  grep -q '%0Aproblems\.charter:[0-9]*:[0-9]*: note: ' "$tmp/problems.github.out"
check "github (cafe): file= is the path as given" \
  grep -q '^::error file=sub dir/café plan\.charter,line=[0-9]*,col=40,' "$tmp/cafe.github.out"

# --- text -------------------------------------------------------------------
check "text (clean): no diagnostics, summary only" \
  content_is "0 errors, 0 warnings" "$tmp/clean.text.err"
text_stdout_empty() {
  for k in $keys; do [ ! -s "$tmp/$k.text.out" ] || return 1; done
}
check "text: nothing on stdout" text_stdout_empty
summary=$(jq -r '"\([.[] | select(.severity == "error")] | length) errors, \([.[] | select(.severity == "warning")] | length) warnings"' "$tmp/problems.json.out")
check "text (problems): the summary counts what json lists ($summary)" \
  last_line_is "$summary" "$tmp/problems.text.err"
check "text (many): at most 50 diagnostics printed" \
  test "$(grep -c ': error: ' "$tmp/many.text.err")" -le 50
check "text (many): a line tells how many more there were" grep -q '10 more' "$tmp/many.text.err"
check "text (many): the summary counts all 60" grep -qx '60 errors, 0 warnings' "$tmp/many.text.err"

# --- exit codes ---------------------------------------------------------------
check "exit 0 for a clean program" rc_is clean.text 0
check "exit 0 for a clean program (json)" rc_is clean.json 0
check "exit 0 with warnings only" rc_is warnings.text 0
run werror warnings.charter --werror
check "exit 1 with warnings only and --werror" rc_is werror 1
for f in text json sarif github; do
  check "exit 1 for a program with errors ($f)" rc_is "problems.$f" 1
done
run missing no-such-file.charter
check "exit 2 for a missing file" rc_is missing 2
run missingjson no-such-file.charter --format json
check "exit 2 for a missing file (json)" rc_is missingjson 2
run directory "sub dir"
check "exit 2 for a directory" rc_is directory 2
run badformat clean.charter --format xml
check "exit 2 for an unknown --format" rc_is badformat 2
run badcolor clean.charter --color sometimes
check "exit 2 for an unknown --color" rc_is badcolor 2

# --- colour -------------------------------------------------------------------
TERM=xterm-256color "$bin" check problems.charter 2>&1 | cat >"$tmp/pipe"
check "text to a pipe has no ANSI escapes" no_esc "$tmp/pipe"
"$bin" check --color always problems.charter 2>&1 | cat >"$tmp/always"
check "--color always colours text to a pipe" has_esc "$tmp/always"
NO_COLOR=1 "$bin" check --color always problems.charter 2>&1 | cat >"$tmp/always-nc"
check "--color always colours even with NO_COLOR=1" has_esc "$tmp/always-nc"
for f in json sarif github; do
  "$bin" check --color always --format "$f" problems.charter 2>/dev/null | cat >"$tmp/always.$f"
  check "--color always leaves --format $f free of ANSI escapes" no_esc "$tmp/always.$f"
done
# On a terminal (script(1) from util-linux gives one).
on_tty() { # OUT "ENV=VALUE..." "ARGS": runs check problems.charter on a pseudo-terminal
  CHARTER_STRUCT_BIN=$bin script -qec \
    "exec env $2 \"\$CHARTER_STRUCT_BIN\" check $3 problems.charter" /dev/null \
    </dev/null >"$1" 2>&1
}
if command -v script >/dev/null 2>&1 && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
  on_tty "$tmp/tty" TERM=xterm-256color ""
  check "--color auto colours text on a terminal" has_esc "$tmp/tty"
  on_tty "$tmp/tty-nc" "NO_COLOR=1 TERM=xterm-256color" "--color auto"
  check "NO_COLOR=1 with --color auto: no colour on a terminal" no_esc "$tmp/tty-nc"
  on_tty "$tmp/tty-nce" "NO_COLOR= TERM=xterm-256color" "--color auto"
  check "empty NO_COLOR with --color auto: colour on a terminal" has_esc "$tmp/tty-nce"
  on_tty "$tmp/tty-dumb" TERM=dumb ""
  check "TERM=dumb with --color auto: no colour on a terminal" no_esc "$tmp/tty-dumb"
  on_tty "$tmp/tty-never" TERM=xterm-256color "--color never"
  check "--color never: no colour on a terminal" no_esc "$tmp/tty-never"
else
  NO_COLOR=1 "$bin" check --color auto problems.charter 2>&1 | cat >"$tmp/auto-nc"
  check "NO_COLOR=1 with --color auto: no colour (no script(1), pipe only)" no_esc "$tmp/auto-nc"
fi

# --- rules written in Charter -------------------------------------------------
check "rules: findings of rules make check exit 1" grep -qx 1 "$tmp/rules.text.rc"
check "rules (text): a finding ends with its rule id" grep -q "has no community owner \[eq_activity_community_owner\]" "$tmp/rules.text.err"
check "rules (json): findings carry their rule id" \
  jqf rules.json '[.[].rule] | contains(["eq_activity_community_owner", "eq_activity_metric", "ci_communication", "rba_better_off", "title_is_short"])'
check "rules (json): a program-level finding stands at the charter keyword" \
  jqf rules.json 'any(.[]; .rule == "ci_communication" and .line == 3 and .column == 1 and .end_column == 8)'
check "rules (sarif): every standard rule that ran is listed with a full description and help" \
  jqf rules.sarif '[.runs[0].tool.driver.rules[] | select(.id | test("^(ci|eq|rba)_"))] | length == 23 and all(.[]; (.fullDescription.text | length > 20) and (.help.text | length > 10))'
check "rules (sarif): a rule of the program is described by its title, note and help" \
  jqf rules.sarif 'any(.runs[0].tool.driver.rules[]; .id == "title_is_short" and .shortDescription.text == "Titles are short" and .fullDescription.text == "Short titles fit on a diagram." and .help.text == "Shorten the title.")'
check "rules (sarif): every result names a listed rule, at its index" \
  jqf rules.sarif '.runs[0] as $r | all($r.results[]; . as $x | $r.tool.driver.rules[$x.ruleIndex].id == $x.ruleId)'
check "rules (sarif): severity info is level note" \
  jqf rules.sarif 'any(.runs[0].results[]; .ruleId == "title_is_short" and .level == "note")'
check "rules (sarif): an interpolated title keeps its quotes, backslash and percent" \
  jqf rules.sarif 'any(.runs[0].results[]; .message.text == "the charter'"'"'s title Rules \"in\" 100% C:\\ form has 24 characters")'
check "rules (github): a finding is an annotation titled with its rule id" grep -q "^::error file=rules.charter,line=21,col=10,endLine=21,endColumn=18,title=eq_activity_community_owner::" "$tmp/rules.github.out"
check "rules (github): info is a notice" grep -q "^::notice .*title=title_is_short::" "$tmp/rules.github.out"

# --- fmt -w -------------------------------------------------------------------
# A file that does not parse is never touched; a good one is rewritten in
# place, keeping its mode, and leaves no temporary file behind.
mkdir -p "$tmp/fmtw"
printf 'partner p "P" {\n  sector community\n' >"$tmp/fmtw/broken.charter"
cp "$tmp/fmtw/broken.charter" "$tmp/fmtw/broken.orig"
"$bin" fmt -w "$tmp/fmtw/broken.charter" >/dev/null 2>&1
echo $? >"$tmp/fmtw/broken.rc"
check "fmt -w: a file that does not parse exits 2" grep -qx 2 "$tmp/fmtw/broken.rc"
check "fmt -w: a file that does not parse is left byte for byte" cmp -s "$tmp/fmtw/broken.charter" "$tmp/fmtw/broken.orig"
printf 'partner p "P" { sector community; role funder }\n' >"$tmp/fmtw/good.charter"
chmod 640 "$tmp/fmtw/good.charter"
"$bin" fmt -w "$tmp/fmtw/good.charter" >/dev/null 2>&1
echo $? >"$tmp/fmtw/good.rc"
check "fmt -w: a good file exits 0" grep -qx 0 "$tmp/fmtw/good.rc"
check "fmt -w: the file is rewritten in the canonical layout" grep -qx '  role funder' "$tmp/fmtw/good.charter"
check "fmt -w: the file keeps its mode" test "$(stat -c %a "$tmp/fmtw/good.charter")" = 640
check "fmt -w: no temporary file is left" test "$(ls -A "$tmp/fmtw" | wc -l)" -eq 5
check "fmt --check: the rewritten file is canonical" "$bin" fmt --check "$tmp/fmtw/good.charter"
# A file saved with CRLF line ends is rewritten with CRLF line ends.
mkdir -p "$tmp/fmtcrlf"
printf 'partner p "P" { sector community; role funder }\r\n' >"$tmp/fmtcrlf/win.charter"
printf 'partner p "P" {\r\n  sector community\r\n  role funder\r\n}\r\n' >"$tmp/fmtcrlf/want"
"$bin" fmt -w "$tmp/fmtcrlf/win.charter" >/dev/null 2>&1
check "fmt -w: a CRLF file keeps its CRLF line ends" cmp -s "$tmp/fmtcrlf/win.charter" "$tmp/fmtcrlf/want"
check "fmt --check: a canonical CRLF file is not reported" "$bin" fmt --check "$tmp/fmtcrlf/win.charter"

# The command reference (docs/commands.md) and the man page describe every
# command and option charter has, and no option it lacks.
top=$(cd "$here/.." && pwd)
cmds=$("$bin" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
check "charter --help lists the twelve commands" test "$(echo $cmds)" = "check diff eval export fmt help import lsp new render report store"
for c in $cmds; do
  check "docs/commands.md has a section on charter $c" grep -q "^## charter $c" "$top/docs/commands.md"
  check "docs/charter.1 describes charter $c" grep -q "^\.B $c\$" "$top/docs/charter.1"
  [ "$c" = help ] && continue
  for o in $("$bin" help "$c" | grep -o -- '--[a-z][a-z-]*' | grep -v '^--help$' | sort -u); do
    man=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
    check "charter $c $o is in docs/commands.md and docs/charter.1" \
      eval 'sed -n "/^## charter $c/,/^## /p" "$top/docs/commands.md" | grep -q -- "$o" && grep -q -- "$man" "$top/docs/charter.1"'
  done
  for o in $(sed -n "s/^## charter $c\( .*\)/\1/p" "$top/docs/commands.md" | grep -o -- '--[a-z][a-z-]*' | grep -v '^--help$' | sort -u); do
    check "docs/commands.md's charter $c $o exists (charter help $c)" eval '"$bin" help "$c" | grep -q -- "$o"'
  done
done

finish
