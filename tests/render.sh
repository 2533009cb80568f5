#!/bin/sh
# Structural checks of `charter render` against docs/render.md and
# docs/language.md (Views): well-formed SVG, the titles each view draws,
# PNG and PDF signatures, determinism, the format an extension chooses, escaping of
# hostile titles, usage errors and errors in the program, and how the output
# file is written (whole, keeping its mode, through links, to devices). The
# programs live in tests/golden/render_files/ (see its README).
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed";
# exits 1 if any check failed. Usage: tests/render.sh CHARTER_BINARY
# Needs xmllint and dot; script(1) from util-linux for the terminal checks.
# Checks are single-quoted and run through eval; titles are named by their
# variables (see titles below).
# shellcheck disable=SC2016,SC2034,SC2154,SC2317
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup render xmllint dot od cmp

# Work on copies: a bug that wrote over a program's own file must not reach
# the repository.
work=$tmp/work
example=$tmp/example
mkdir "$work" "$example" &&
  cp -R "$here/golden/render_files/." "$work/" &&
  cp -R "$here/../examples/recovery-at-work/." "$example/" &&
  cd "$work" || exit 2

# render KEY ARG...: runs charter render ARG...; stdout, stderr and the exit
# status go to $tmp/KEY.out, KEY.err and KEY.rc.
render() {
  key=$1
  shift
  # shellcheck disable=SC2086
  $limit "$bin" render "$@" >"$tmp/$key.out" 2>"$tmp/$key.err"
  echo $? >"$tmp/$key.rc"
}
# piped KEY ARG...: the same with standard output a pipe.
piped() {
  key=$1
  shift
  # shellcheck disable=SC2086
  { $limit "$bin" render "$@" 2>"$tmp/$key.err"; echo $? >"$tmp/$key.rc"; } | cat >"$tmp/$key.out"
}

# ---- predicates ----
rc_is() { [ "$(cat "$tmp/$1.rc")" = "$2" ]; }
# Exit 0 and nothing on stderr.
clean() { rc_is "$1" 0 && [ ! -s "$tmp/$1.err" ]; }
# One message: the first line "charter: ...", further lines only indented
# notes and help or the "Try 'charter help render'" hint.
one_message() {
  e=$tmp/$1.err
  head -n 1 "$e" | grep -q '^charter: ' &&
    [ "$(grep -c '^charter: ' "$e")" -eq 1 ] &&
    ! grep -Evq "^(charter: |  [a-z]|Try 'charter )" "$e"
}
empty() { [ ! -s "$1" ]; }
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
# none_exist PATH...: none of the paths (unmatched globs) exists.
none_exist() {
  for p in "$@"; do
    if [ -e "$p" ] || [ -L "$p" ]; then return 1; fi
  done
}
# No temporary file (a dot file, as .NAME.XXXXXX) in DIR.
no_temp() { none_exist "$1"/.[!.]* "$1"/..?*; }
magic_hex() { od -An -tx1 -N"$2" "$1" | tr -d ' \n'; }
is_png() { [ -s "$1" ] && [ "$(magic_hex "$1" 8)" = 89504e470d0a1a0a ]; }
is_pdf() {
  [ -s "$1" ] && [ "$(head -c 5 "$1")" = "%PDF-" ] &&
    case $(tail -c 8 "$1" | tr -d '\r') in *%%EOF) true ;; *) false ;; esac
}
is_svg() { [ -s "$1" ] && xmllint --noout "$1" && [ "$(xmllint --xpath 'local-name(/*)' "$1")" = svg ]; }
# DOT: a digraph that dot reads back without a complaint.
is_dot() {
  [ "$(head -c 8 "$1")" = "digraph " ] && dot -Tcanon "$1" >"$1.canon" 2>"$1.canon.err" &&
    [ ! -s "$1.canon.err" ]
}
# The text of an SVG's <text> elements, entities decoded, white space gone
# (titles wrap across several elements).
svg_text() {
  xmllint --xpath "//*[local-name()='text']//text()" "$1" 2>/dev/null |
    sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g' |
    tr -d ' \t\r\n'
}
has_text() { grep -Fq -e "$2" "$1"; }
# titles DESCRIPTION SVG PRESENT ABSENT: each of the space-separated
# variable names in PRESENT names a title (white space removed) that must
# appear in the SVG's text, each in ABSENT one that must not.
titles() {
  desc=$1 svg=$2
  svg_text "$svg" >"$svg.txt"
  missing=""
  for t in $3; do
    eval "s=\$$t"
    has_text "$svg.txt" "$s" || missing="$missing $t"
  done
  extra=""
  for t in $4; do
    eval "s=\$$t"
    has_text "$svg.txt" "$s" && extra="$extra $t"
  done
  if [ -s "$svg" ] && [ -z "$missing$extra" ]; then
    ok "$desc"
  else
    not_ok "$desc${missing:+ (missing:$missing)}${extra:+ (drawn:$extra)}"
  fi
}
# The declared ids among the nodes of a DOT file, sorted, on one line (the
# band headings are named with a space, ids cannot be).
node_ids() {
  dot -Tcanon "$1" | dot -Tplain | sed -n 's/^node \([A-Za-z_][A-Za-z0-9_]*\) .*/\1/p' | sort | tr '\n' ' ' |
    sed 's/ $//'
}
nodes_are() { [ "$(node_ids "$1")" = "$2" ]; }

# ---- 1. well-formed SVG for every view --------------------------------------
views=$(cat "$example"/*.charter | sed -n 's/^view \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p')
check "the example declares a view" test -n "$views"
for v in logic pathway accountability $views; do
  render "ex-$v" --view "$v" -o "$tmp/ex-$v.svg" "$example/coalition.charter"
  check "example, view $v: exit 0, nothing on stderr" clean "ex-$v"
  check "example, view $v: well-formed SVG" is_svg "$tmp/ex-$v.svg"
done
tviews="logic pathway accountability strand paths who"
for v in $tviews; do
  render "t-$v.svg" --view "$v" titles.charter
  check "titles.charter, view $v: exit 0, nothing on stderr" clean "t-$v.svg"
  check "titles.charter, view $v: well-formed SVG" is_svg "$tmp/t-$v.svg.out"
done

# ---- 2. the titles each view draws -------------------------------------------
charter=CharterZephyrLiteracyCoalition
alder=PartnerAlderbrookLibraryTrust
birch=PartnerBirchwoodParentsCircle
cedar=PartnerCedarlinePrintingWorks
kestrel=GoalKestrelchildrenreadwell
osprey=GoalOspreyfamiliesthrive
heron=OutcomeHerontutoringsessionsareattended
falcon=OutcomeFalconreadingskillsimprove
plover=OutcomePloverhomeskeepbooks
wren=AssumptionWrenfamiliescanreachthelibrary
lynx=IndicatorLynxgradethreereading
marten=IndicatorMartensessionsheld
otter=IndicatorOtterbooksgivenaway
tanager=ActivityTanagereveningtutoring
grebe=ActivityGrebebookprinting
puffin=ViewPuffinreadingstrand
ibis=ViewIbispathway
vireo=ViewVireoaccountability
views_t="puffin ibis vireo"
titles "titles.charter, logic: partners, activities, metrics, outcomes and goals; no other indicator, assumption or view title" \
  "$tmp/t-logic.svg.out" "charter alder birch cedar tanager grebe marten otter heron falcon plover kestrel osprey" \
  "lynx wren $views_t"
titles "titles.charter, pathway: outcomes, goals and the assumption; no partner, activity or indicator" \
  "$tmp/t-pathway.svg.out" "charter heron falcon plover kestrel osprey wren" \
  "alder birch cedar tanager grebe marten otter lynx $views_t"
titles "titles.charter, accountability: partners and activities only" \
  "$tmp/t-accountability.svg.out" "charter alder birch cedar tanager grebe" \
  "heron falcon plover kestrel osprey wren marten otter lynx $views_t"
titles "titles.charter, strand (focus gread, exclude ind_sessions): what leads to the goal, its people, the view's title" \
  "$tmp/t-strand.svg.out" "puffin alder birch tanager heron falcon kestrel" \
  "charter cedar grebe marten otter lynx plover osprey wren ibis vireo"
titles "titles.charter, paths (pathway, exclude olong): the excluded outcome is gone" \
  "$tmp/t-paths.svg.out" "ibis heron falcon kestrel osprey wren" \
  "plover charter alder birch cedar tanager grebe puffin vireo"
titles "titles.charter, who (accountability, exclude act_print): the excluded activity is gone" \
  "$tmp/t-who.svg.out" "vireo alder birch cedar tanager" \
  "grebe charter heron kestrel puffin ibis"

# ---- 3. PNG and PDF ------------------------------------------------------------
for f in png pdf; do
  render "bin-o.$f" -T "$f" -o "$tmp/bin-o.$f" titles.charter
  check "-T $f -o FILE: exit 0, nothing on stderr or stdout" eval 'clean "bin-o.$f" && empty "$tmp/bin-o.$f.out"'
  check "-T $f -o FILE: a $f file" "is_$f" "$tmp/bin-o.$f"
  piped "bin-pipe.$f" -T "$f" titles.charter
  check "-T $f to a pipe: exit 0, nothing on stderr" clean "bin-pipe.$f"
  check "-T $f to a pipe: a $f file" "is_$f" "$tmp/bin-pipe.$f.out"
  piped "bin-dash.$f" -T "$f" -o - titles.charter
  check "-T $f -o - writes a $f file to standard output" eval 'clean "bin-dash.$f" && is_$f "$tmp/bin-dash.$f.out"'
done
for v in pathway accountability strand; do
  render "bin-$v.png" --view "$v" -o "$tmp/bin-$v.png" titles.charter
  check "view $v as -o x.png: a PNG file" eval 'clean "bin-$v.png" && is_png "$tmp/bin-$v.png"'
done

# ---- 4. determinism --------------------------------------------------------------
for v in $tviews; do
  for f in dot svg; do
    render "det1-$v.$f" --view "$v" -T "$f" titles.charter
    render "det2-$v.$f" --view "$v" -T "$f" titles.charter
    check "titles.charter, view $v: two runs give the same $f bytes" \
      eval 'clean "det1-$v.$f" && clean "det2-$v.$f" && cmp "$tmp/det1-$v.$f.out" "$tmp/det2-$v.$f.out"'
    render "deto-$v.$f" --view "$v" -T "$f" -o "$tmp/deto-$v.$f" titles.charter
    check "titles.charter, view $v: -o FILE and standard output give the same $f bytes" \
      eval 'clean "deto-$v.$f" && cmp "$tmp/deto-$v.$f" "$tmp/det1-$v.$f.out"'
  done
  check "titles.charter, view $v: no 'Generated by graphviz' comment in the SVG" \
    eval '[ -s "$tmp/det1-$v.svg.out" ] && ! grep -qi "generated by graphviz" "$tmp/det1-$v.svg.out"'
done
for v in logic pathway accountability $views; do
  for f in dot svg; do
    render "exd1-$v.$f" --view "$v" -T "$f" "$example/coalition.charter"
    render "exd2-$v.$f" --view "$v" -T "$f" "$example/coalition.charter"
    check "example, view $v: two runs give the same $f bytes" \
      eval 'clean "exd1-$v.$f" && cmp "$tmp/exd1-$v.$f.out" "$tmp/exd2-$v.$f.out"'
  done
done
(cd "$tmp" && $limit "$bin" render -T svg "$work/titles.charter" >"$tmp/det-abs.svg" 2>/dev/null)
check "the SVG does not depend on how the entry file is named or the current directory" \
  cmp "$tmp/det-abs.svg" "$tmp/det1-logic.svg.out"

# ---- 5. the format an extension chooses ------------------------------------------
mkdir "$tmp/ext"
for e in png pdf dot gv svg txt jpg; do
  render "ext-$e" -o "$tmp/ext/x.$e" titles.charter
done
render ext-none -o "$tmp/ext/noext" titles.charter
check "-o x.png without -T: PNG" eval 'clean ext-png && is_png "$tmp/ext/x.png"'
check "-o x.pdf without -T: PDF" eval 'clean ext-pdf && is_pdf "$tmp/ext/x.pdf"'
check "-o x.dot without -T: DOT" eval 'clean ext-dot && is_dot "$tmp/ext/x.dot" && cmp "$tmp/ext/x.dot" "$tmp/det1-logic.dot.out"'
check "-o x.gv without -T: DOT" eval 'clean ext-gv && is_dot "$tmp/ext/x.gv" && cmp "$tmp/ext/x.gv" "$tmp/det1-logic.dot.out"'
check "-o x.svg without -T: SVG" eval 'clean ext-svg && is_svg "$tmp/ext/x.svg"'
check "-o x.jpg (an unknown extension) without -T: a usage error naming the formats, exit 2" \
  eval 'rc_is ext-jpg 2 && one_message ext-jpg && grep -q "svg, png, pdf or dot, not .jpg." "$tmp/ext-jpg.err" && grep -q -- "-T" "$tmp/ext-jpg.err"'
check "-o x.jpg and -o x.txt write nothing" none_exist "$tmp/ext/x.jpg" "$tmp/ext/x.txt"
check "-o x.txt (an unknown extension) without -T: exit 2, nothing on standard output" eval 'rc_is ext-txt 2 && empty "$tmp/ext-txt.out"'
render ext-T -T svg -o "$tmp/ext/x.jpg" titles.charter
check "-T svg -o x.jpg: -T chooses, whatever the extension" eval 'clean ext-T && is_svg "$tmp/ext/x.jpg"'
render ext-hidden -o "$tmp/ext/.drawing" titles.charter
check "-o .drawing (a leading dot is no extension): SVG" eval 'clean ext-hidden && is_svg "$tmp/ext/.drawing" && rm "$tmp/ext/.drawing"'
mkdir "$tmp/ext.d"
render ext-dir -o "$tmp/ext.d/noext" titles.charter
check "-o dir.d/noext (a dot in a directory's name is no extension): SVG" eval 'clean ext-dir && is_svg "$tmp/ext.d/noext"'
check "-o FILE with no extension, without -T: SVG" eval 'clean ext-none && is_svg "$tmp/ext/noext"'
render ext-t1 -T svg -o "$tmp/ext/t1.png" titles.charter
check "-T svg wins over -o x.png" eval 'clean ext-t1 && is_svg "$tmp/ext/t1.png"'
render ext-t2 -T png -o "$tmp/ext/t2.svg" titles.charter
check "-T png wins over -o x.svg" eval 'clean ext-t2 && is_png "$tmp/ext/t2.svg"'
render ext-t3 -T dot -o "$tmp/ext/t3.pdf" titles.charter
check "-T dot wins over -o x.pdf" eval 'clean ext-t3 && is_dot "$tmp/ext/t3.pdf"'
render ext-t4 -T pdf -o "$tmp/ext/t4.dot" titles.charter
check "-T pdf wins over -o x.dot" eval 'clean ext-t4 && is_pdf "$tmp/ext/t4.dot"'
check "writing by extension leaves no temporary file" no_temp "$tmp/ext"

# ---- 5b. a page (--page) ------------------------------------------------------------
# The SVG fits the page less its margins (Graphviz's size holds the pad);
# the example's logic model is too wide for a portrait Letter page at 7 pt.
render page-svg --page letter -o "$tmp/ext/page.svg" "$example/coalition.charter"
page_width() { sed -n 's/^<svg width="\([0-9.]*\)pt".*/\1/p' "$1"; }
check "--page letter: the SVG is at most 7.5 in (540 pt) wide" \
  eval 'rc_is page-svg 0 && is_svg "$tmp/ext/page.svg" && [ "$(page_width "$tmp/ext/page.svg" | cut -d. -f1)" -le 540 ]'
check "--page letter: a warning that the text falls below 7 pt, with --landscape and views to declare" \
  eval 'grep -q "^charter: warning: on a Letter page (portrait, margins 0.5in) the drawing is scaled to" "$tmp/page-svg.err" &&
        grep -q "below 7 pt$" "$tmp/page-svg.err" && grep -q "help: --landscape fits it at" "$tmp/page-svg.err" &&
        grep -q "focus job_ready" "$tmp/page-svg.err"'
render page-png --page letter --landscape --margin 12mm -o "$tmp/ext/page.png" "$example/coalition.charter"
check "--page letter --landscape -o x.png: a PNG" eval 'rc_is page-png 0 && is_png "$tmp/ext/page.png"'
render page-small --page legal --landscape --view pathway -o "$tmp/ext/small.svg" "$example/coalition.charter"
check "a drawing whose text stays at 7 pt or more: no warning" clean page-small

# ---- 6. hostile titles --------------------------------------------------------------
# The visible text of hostile.charter's payload, white space removed: \u{7},
# \u{1B} and \u{7F} become spaces; backslashes, entities written out and the
# DOT injection stay as written.
hv='"dq"back\slash\\\N\G\L\E\H\T\n<b>bold</b>&&amp;&lt;&#x41;&nbsp;]]>--><!--newlinetabbedbellxescydelz😀中文字العربيةעבריתहिन्दी"];node[shape=star];x[label="pwned'
h_charter="Charter-Alpha$hv"
h_bravo="Partner-Bravo$hv"
h_charlie="Partner-Charlie$hv"
h_delta="Activity-Delta$hv"
h_echo="Indicator-Echo$hv"
h_foxtrot="Outcome-Foxtrot$hv"
h_golf="Outcome-Golf$hv"
h_hotel="Outcome-Hotel$hv"
h_india="Goal-India$hv"
h_juliet="Assumption-Juliet$hv"
h_kilo="View-Kilo$hv"
# view, titles drawn, titles not drawn, the ids of the nodes drawn
set -- \
  logic "h_charter h_bravo h_charlie h_delta h_echo h_foxtrot h_golf h_hotel h_india" "h_juliet h_kilo" \
  "bravo charlie delta echo foxtrot golf hotel india" \
  pathway "h_charter h_foxtrot h_golf h_hotel h_india h_juliet" "h_bravo h_charlie h_delta h_echo h_kilo" \
  "foxtrot golf hotel india" \
  accountability "h_charter h_bravo h_charlie h_delta" "h_echo h_foxtrot h_golf h_hotel h_india h_juliet h_kilo" \
  "bravo charlie delta" \
  kilo "h_kilo h_bravo h_charlie h_delta h_echo h_foxtrot h_golf h_hotel h_india" "h_charter h_juliet" \
  "bravo charlie delta echo foxtrot golf hotel india"
while [ $# -ge 4 ]; do
  v=$1
  for f in svg dot png pdf; do
    render "h-$v.$f" --view "$v" -o "$tmp/h-$v.$f" hostile.charter
    check "hostile.charter, view $v, $f: exit 0, nothing on stderr" clean "h-$v.$f"
  done
  check "hostile.charter, view $v: well-formed SVG" is_svg "$tmp/h-$v.svg"
  titles "hostile.charter, view $v: the SVG shows each title's text as written" "$tmp/h-$v.svg" "$2" "$3"
  check "hostile.charter, view $v: dot -Tcanon reads the DOT back without a complaint" is_dot "$tmp/h-$v.dot"
  n=$(echo "$4" | wc -w | tr -d ' ')
  check "hostile.charter, view $v: the DOT has exactly the $n nodes drawn, none injected ($4)" \
    nodes_are "$tmp/h-$v.dot" "$4"
  check "hostile.charter, view $v: PNG signature" is_png "$tmp/h-$v.png"
  check "hostile.charter, view $v: PDF signature and trailer" is_pdf "$tmp/h-$v.pdf"
  shift 4
done

# ---- 7. usage and output errors ---------------------------------------------------
# usage_error KEY WHAT: exit 2, one message, nothing on stdout.
usage_error() {
  check "$2: exit 2" rc_is "$1" 2
  check "$2: one 'charter: ...' message on stderr" one_message "$1"
  check "$2: nothing on standard output" empty "$tmp/$1.out"
}
out=$tmp/out
mkdir "$out"
printf 'an earlier drawing\n' >"$out/keep.svg"
cp "$out/keep.svg" "$tmp/keep.orig"
kept() { cmp "$out/keep.svg" "$tmp/keep.orig" && [ "$(ls -A "$out")" = keep.svg ]; }

render e-view --view nosuch -o "$out/view.svg" titles.charter
usage_error e-view "an unknown view"
check "an unknown view: the message names it" grep -q "nosuch" "$tmp/e-view.err"
check "an unknown view: no file written, no temporary file" eval 'absent "$out/view.svg" && kept'
render e-view2 --view nosuch -o "$out/keep.svg" titles.charter
check "an unknown view: an existing -o file is left byte for byte" eval 'rc_is e-view2 2 && kept'

render e-fmt -T jpg -o "$out/keep.svg" titles.charter
usage_error e-fmt "-T jpg"
check "-T jpg: the message names the format" grep -q "jpg" "$tmp/e-fmt.err"
check "-T jpg: the -o file is left byte for byte, no temporary file" kept

render e-missing -o "$out/no/such/dir/x.svg" titles.charter
usage_error e-missing "-o into a missing directory"
check "-o into a missing directory: nothing written, no temporary file" eval 'absent "$out/no" && kept'

printf 'plain\n' >"$tmp/plainfile"
render e-notdir -o "$tmp/plainfile/x.svg" titles.charter
usage_error e-notdir "-o into a path whose parent is a regular file"
check "-o into a path whose parent is a regular file: that file is left as it was" \
  eval '[ "$(cat "$tmp/plainfile")" = plain ] && no_temp "$tmp"'

mkdir "$out/adir"
render e-dir -o "$out/adir" titles.charter
usage_error e-dir "-o an existing directory"
check "-o an existing directory: the directory stays empty, no temporary file beside it" \
  eval '[ -d "$out/adir" ] && [ -z "$(ls -A "$out/adir")" ] && no_temp "$out"'
rmdir "$out/adir"

cp titles.charter "$tmp/titles.orig"
cp partners.charter "$tmp/partners.orig"
ln -s titles.charter entry-link.charter
for o in titles.charter ./titles.charter ABSOLUTE entry-link.charter; do
  key=e-entry-$(printf '%s' "$o" | tr -c 'A-Za-z0-9' '_')
  name=$o
  [ "$o" = ABSOLUTE ] && name=$work/titles.charter o=/ABSOLUTE/PATH/titles.charter
  render "$key" -o "$name" titles.charter
  usage_error "$key" "-o $o (the entry file)"
  check "-o $o (the entry file): it is left byte for byte, no temporary file" \
    eval 'cmp titles.charter "$tmp/titles.orig" && no_temp "$work"'
done
check "-o through a link to the entry file: the link is still a link" test -L entry-link.charter
rm -f entry-link.charter
for v in logic accountability; do
  render "e-import-$v" --view "$v" -o partners.charter titles.charter
  usage_error "e-import-$v" "-o an imported file (view $v)"
  check "-o an imported file (view $v): it is left byte for byte, no temporary file" \
    eval 'cmp partners.charter "$tmp/partners.orig" && no_temp "$work"'
done

# Graphviz without its plugins (so without cairo): png and pdf cannot be
# written, svg and dot still can.
without_plugins() { (
  GVBINDIR=/nonexistent
  export GVBINDIR
  render "$@"
); }
cp "$tmp/keep.orig" "$out/keep.png"
without_plugins e-gv -T png -o "$out/keep.png" titles.charter
usage_error e-gv "GVBINDIR=/nonexistent, -T png"
check "GVBINDIR=/nonexistent, -T png: the message names png" grep -q png "$tmp/e-gv.err"
check "GVBINDIR=/nonexistent, -T png: the existing -o file is left byte for byte, no temporary file" \
  eval 'cmp "$out/keep.png" "$tmp/keep.orig" && no_temp "$out"'
rm -f "$out/keep.png"
without_plugins e-gv2 -o "$out/new.pdf" titles.charter
usage_error e-gv2 "GVBINDIR=/nonexistent, -o x.pdf"
check "GVBINDIR=/nonexistent, -o x.pdf: the message names pdf" grep -q pdf "$tmp/e-gv2.err"
check "GVBINDIR=/nonexistent, -o x.pdf: no file written, no temporary file" eval 'absent "$out/new.pdf" && kept'
without_plugins e-gv3 -T png titles.charter
usage_error e-gv3 "GVBINDIR=/nonexistent, -T png to standard output"
without_plugins gv-svg -T svg titles.charter
check "GVBINDIR=/nonexistent: svg is still written, the same bytes" \
  eval 'clean gv-svg && cmp "$tmp/gv-svg.out" "$tmp/det1-logic.svg.out"'

if [ -c /dev/full ]; then
  $limit "$bin" render titles.charter >/dev/full 2>"$tmp/e-full.err"
  echo $? >"$tmp/e-full.rc"
  : >"$tmp/e-full.out"
  check "standard output that cannot be written (/dev/full): exit 2" rc_is e-full 2
  check "standard output that cannot be written (/dev/full): one 'charter: ...' message" one_message e-full
fi

# Binary output to a terminal is refused; to a file it is fine.
on_tty() { # OUT "ARGS": runs render ARGS on a pseudo-terminal
  # shellcheck disable=SC2086
  CHARTER_RENDER_BIN=$bin $limit script -qec "exec \"\$CHARTER_RENDER_BIN\" render $2" /dev/null </dev/null >"$1" 2>&1
}
if command -v script >/dev/null 2>&1 && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
  for f in png pdf; do
    on_tty "$tmp/tty-$f" "-T $f titles.charter"
    echo $? >"$tmp/tty-$f.rc"
    check "-T $f to a terminal: exit 2" rc_is "tty-$f" 2
    check "-T $f to a terminal: a 'charter: ...' message, no $f bytes" \
      eval 'grep -q "^charter: .*terminal" "$tmp/tty-$f" && ! grep -q -e PNG -e %PDF "$tmp/tty-$f"'
  done
  on_tty "$tmp/tty-o" "-T png -o '$tmp/tty.png' titles.charter"
  echo $? >"$tmp/tty-o.rc"
  check "-T png -o FILE from a terminal: exit 0, a PNG file" eval 'rc_is tty-o 0 && is_png "$tmp/tty.png"'
  on_tty "$tmp/tty-svg" "titles.charter"
  echo $? >"$tmp/tty-svg.rc"
  check "svg to a terminal: exit 0" rc_is tty-svg 0
else
  echo "# skip: no script(1) from util-linux, so -T png to a terminal is not checked"
fi

# ---- 8. errors in the program ---------------------------------------------------------
for f in svg png dot; do
  render "broken-$f" -T "$f" -o "$out/broken.$f" broken.charter
  check "a program with a built-in error, -T $f: exit 1" rc_is "broken-$f" 1
  check "a program with a built-in error, -T $f: its diagnostics on stderr" \
    grep -q "^broken.charter:6:9: error: .*nobody_declared" "$tmp/broken-$f.err"
  check "a program with a built-in error, -T $f: nothing on standard output" empty "$tmp/broken-$f.out"
  check "a program with a built-in error, -T $f: the -o file is not created" \
    eval 'absent "$out/broken.$f" && kept'
done
render broken-stdout broken.charter
check "a program with a built-in error, to standard output: exit 1, nothing on stdout" \
  eval 'rc_is broken-stdout 1 && empty "$tmp/broken-stdout.out"'
render broken-keep -o "$out/keep.svg" broken.charter
check "a program with a built-in error: an existing -o file is left byte for byte" \
  eval 'rc_is broken-keep 1 && kept'

# ---- 9. how the output file is written --------------------------------------------------
w=$tmp/write
mkdir "$w"
# An existing, larger file is replaced whole: nothing of it remains.
awk 'BEGIN { for (i = 0; i < 20000; i++) print "an older and much longer drawing" }' >"$w/big.svg"
render w-big -o "$w/big.svg" titles.charter
check "an existing larger file is replaced whole by the drawing" \
  eval 'clean w-big && cmp "$w/big.svg" "$tmp/det1-logic.svg.out"'
# Its mode is kept.
printf 'old\n' >"$w/mode.svg"
chmod 640 "$w/mode.svg"
render w-mode -o "$w/mode.svg" titles.charter
check "a replaced file keeps its mode (640)" \
  eval 'clean w-mode && [ "$(ls -l "$w/mode.svg" | cut -c1-10)" = "-rw-r-----" ] && cmp "$w/mode.svg" "$tmp/det1-logic.svg.out"'
chmod 604 "$w/mode.svg"
render w-mode2 -T png -o "$w/mode.svg" titles.charter
check "a replaced file keeps its mode (604, -T png)" \
  eval 'clean w-mode2 && [ "$(ls -l "$w/mode.svg" | cut -c1-10)" = "-rw----r--" ] && is_png "$w/mode.svg"'
# A new file gets 0666 less the umask.
(umask 027 && $limit "$bin" render -o "$w/new027.svg" titles.charter 2>/dev/null)
check "a new file under umask 027 is -rw-r-----" \
  eval '[ "$(ls -l "$w/new027.svg" | cut -c1-10)" = "-rw-r-----" ]'
(umask 022 && $limit "$bin" render -o "$w/new022.svg" titles.charter 2>/dev/null)
check "a new file under umask 022 is -rw-r--r--" \
  eval '[ "$(ls -l "$w/new022.svg" | cut -c1-10)" = "-rw-r--r--" ]'
# Through a symbolic link to its target; the link stays a link.
mkdir "$w/sub"
printf 'old\n' >"$w/sub/target.svg"
ln -s sub/target.svg "$w/link.svg"
render w-link -o "$w/link.svg" titles.charter
check "-o a symbolic link: exit 0, the link is still a link to the same target" \
  eval 'clean w-link && [ -L "$w/link.svg" ] && [ "$(ls -l "$w/link.svg" | sed "s/.* -> //")" = sub/target.svg ]'
check "-o a symbolic link: the target holds the drawing" cmp "$w/sub/target.svg" "$tmp/det1-logic.svg.out"
check "-o a symbolic link: no temporary file beside the link or the target" \
  eval 'no_temp "$w" && no_temp "$w/sub"'
ln -s "$w/sub/target.svg" "$w/abslink.png"
render w-abslink -T dot -o "$w/abslink.png" titles.charter
check "-o an absolute symbolic link: the link stays, the target holds the DOT" \
  eval 'clean w-abslink && [ -L "$w/abslink.png" ] && cmp "$w/sub/target.svg" "$tmp/det1-logic.dot.out"'
# A FIFO is written to, not replaced.
if mkfifo "$w/fifo" 2>/dev/null; then
  cat "$w/fifo" >"$w/fifo.got" &
  reader=$!
  render w-fifo -T dot -o "$w/fifo" titles.charter
  # A reader still waiting after a while was given nothing: end it.
  i=0
  while kill -0 "$reader" 2>/dev/null && [ "$i" -lt 10 ]; do
    sleep 1
    i=$((i + 1))
  done
  kill "$reader" 2>/dev/null
  wait "$reader" 2>/dev/null
  check "-o a FIFO: exit 0, the reader gets the DOT, the FIFO stays a FIFO" \
    eval 'clean w-fifo && [ -p "$w/fifo" ] && cmp "$w/fifo.got" "$tmp/det1-logic.dot.out"'
  rm -f "$w/fifo" "$w/fifo.got"
fi
# /dev/null: written to, never replaced (a device must survive).
render w-null -o /dev/null titles.charter
check "-o /dev/null: exit 0, nothing on stderr or stdout" eval 'clean w-null && empty "$tmp/w-null.out"'
check "-o /dev/null: /dev/null is still a character device" test -c /dev/null
check "-o /dev/null: no temporary file left in /dev" none_exist /dev/.null.* /dev/.charter-*
render w-null-png -T png -o /dev/null titles.charter
check "-T png -o /dev/null: exit 0, /dev/null is still a character device" eval 'clean w-null-png && [ -c /dev/null ]'
# /dev/stdout names standard output: to a pipe it is written like -o -.
piped w-stdout -T dot -o /dev/stdout titles.charter
check "-o /dev/stdout to a pipe: exit 0, the DOT on the pipe" \
  eval 'clean w-stdout && cmp "$tmp/w-stdout.out" "$tmp/det1-logic.dot.out"'
# /dev/stdout that is a file opened for appending: written after what it
# holds, never renamed over it.
echo "already here" >"$w/appended"
(cd "$work" && $limit "$bin" render -T dot -o /dev/stdout titles.charter >>"$w/appended" 2>"$tmp/w-append.err")
echo $? >"$tmp/w-append.rc"
check "-o /dev/stdout appending to a file: exit 0, the file keeps its first line, then the DOT" \
  eval 'clean w-append && [ "$(head -n 1 "$w/appended")" = "already here" ] && tail -n +2 "$w/appended" | cmp - "$tmp/det1-logic.dot.out"'
rm -f "$w/appended"
# A long name that the file system takes is written too.
long=$(awk 'BEGIN { for (i = 0; i < 250; i++) printf "n" }').svg
if [ "$(getconf NAME_MAX "$w" 2>/dev/null || echo 255)" -ge 254 ] 2>/dev/null; then
  render w-long -o "$w/$long" titles.charter
  check "-o a 254-byte file name (NAME_MAX 255): exit 0, the drawing written" \
    eval 'clean w-long && cmp "$w/$long" "$tmp/det1-logic.svg.out"'
fi
check "writing output leaves no temporary file" no_temp "$w"

# ---- 10. choosing the view ----------------------------------------------------------------
for f in svg dot; do
  render "def-$f" -T "$f" titles.charter
  render "logic-$f" -T "$f" --view logic titles.charter
  check "without --view the logic view is drawn ($f)" \
    eval 'clean "def-$f" && cmp "$tmp/def-$f.out" "$tmp/logic-$f.out"'
  render "eq-$f" -T "$f" --view=pathway titles.charter
  check "--view=pathway is --view pathway ($f)" \
    eval 'clean "eq-$f" && cmp "$tmp/eq-$f.out" "$tmp/det1-pathway.$f.out"'
done
render eq-declared -T svg --view=strand titles.charter
check "--view=strand (a declared view) is --view strand" \
  eval 'clean eq-declared && cmp "$tmp/eq-declared.out" "$tmp/det1-strand.svg.out"'
shadow=ViewShadowpathwaynamedlogic
for a in "" "--view logic" "--view=logic"; do
  # shellcheck disable=SC2086
  render shadow -T svg $a shadow.charter
  check "shadow.charter ${a:-without --view}: exit 0, well-formed SVG" eval 'clean shadow && is_svg "$tmp/shadow.out"'
  titles "shadow.charter ${a:-without --view}: the declared view named logic (a pathway) wins over the built-in" \
    "$tmp/shadow.out" "shadow heron falcon plover kestrel osprey wren" "charter alder birch cedar tanager grebe marten otter"
done

# ---- 11. options anywhere, messages, and the review's cases ----------------------------------
render opt-after -T svg titles.charter -o "$tmp/opt-after.svg"
check "options after FILE are read (GNU getopt): exit 0, the file written" \
  eval 'clean opt-after && cmp "$tmp/opt-after.svg" "$tmp/det1-logic.svg.out"'
render opt-x -x titles.charter
check "an unknown short option is named as unknown, not as needing a value" \
  eval 'rc_is opt-x 2 && grep -q "unknown option '"'"'-x'"'"'" "$tmp/opt-x.err"'
render opt-xT -xT svg titles.charter
check "an unknown short option in a cluster is named by its letter" \
  eval 'rc_is opt-xT 2 && grep -q "unknown option '"'"'-x'"'"'" "$tmp/opt-xT.err"'
render opt-upper -T SVG titles.charter
check "-T SVG is -T svg" eval 'clean opt-upper && cmp "$tmp/opt-upper.out" "$tmp/det1-logic.svg.out"'
render opt-db --db m.db titles.charter
check "--db on a missing store: exit 2, one message, nothing drawn, no store created" \
  eval 'rc_is opt-db 2 && one_message opt-db && grep -q "there is no database" "$tmp/opt-db.err" && empty "$tmp/opt-db.out" && [ ! -e m.db ]'
render opt-asof --as-of 2026 titles.charter
check "--as-of without --db is a usage error (exit 2)" \
  eval 'rc_is opt-asof 2 && grep -q "goes with --db" "$tmp/opt-asof.err" && empty "$tmp/opt-asof.out"'
render opt-PNG -o "$tmp/upper.PNG" titles.charter
check "-o x.PNG writes PNG (extensions in any case)" eval 'clean opt-PNG && is_png "$tmp/upper.PNG"'
$limit "$bin" check titles.charter --color never >/dev/null 2>"$tmp/check-after.err"
check "check takes options after FILE too" test $? -eq 0
# Noncharacters (U+FDD0, U+1FFFE, U+10FFFF) reach no renderer: cairo once
# dropped the rest of a PDF's text after one.
cat >"$tmp/nonchar.charter" <<'EONC'
charter "N" {}
partner p1 "x\u{FDD0}y" { sector community }
partner p2 "a\u{1FFFE}b" { sector community }
partner p3 "c\u{10FFFF}d" { sector community }
EONC
for f in pdf png svg; do
  render "nonchar-$f" -T "$f" -o "$tmp/nonchar.$f" "$tmp/nonchar.charter"
  check "noncharacters in titles: -T $f exit 0, nothing on stderr" clean "nonchar-$f"
done
check "noncharacters in titles: the SVG is well-formed and holds U+FFFD" \
  eval 'is_svg "$tmp/nonchar.svg" && grep -q "x$(printf "\357\277\275")y" "$tmp/nonchar.svg"'
# //dev/stdout and /dev/./stdout are standard output too: appended to, never renamed over.
for spelling in //dev/stdout /dev/./stdout /dev/fd/1 /proc/self/fd/1; do
  echo "already here" >"$tmp/appended2"
  $limit "$bin" render -T dot -o "$spelling" titles.charter >>"$tmp/appended2" 2>"$tmp/app2.err"
  echo $? >"$tmp/app2.rc"
  check "-o $spelling appending to a file: the first line kept, then the DOT" \
    eval 'clean app2 && [ "$(head -n 1 "$tmp/appended2")" = "already here" ] && tail -n +2 "$tmp/appended2" | cmp - "$tmp/det1-logic.dot.out"'
done
# A symbolic link to a file that does not exist yet: the file is created.
mkdir -p "$tmp/dangle"
ln -s made.svg "$tmp/dangle/link.svg"
render dangle -o "$tmp/dangle/link.svg" titles.charter
check "-o a link to a missing file: exit 0, the target created, the link kept" \
  eval 'clean dangle && [ -L "$tmp/dangle/link.svg" ] && cmp "$tmp/dangle/made.svg" "$tmp/det1-logic.svg.out" && no_temp "$tmp/dangle"'
# Set-id bits are not carried over to the new file.
printf old >"$tmp/setid.svg"
chmod 4755 "$tmp/setid.svg"
render setid -o "$tmp/setid.svg" titles.charter
# (A drawing is never made executable: docs/security.md, "Files charter writes".)
check "-o a set-uid 4755 file: replaced as 644, without the set-id or execute bits" \
  eval 'clean setid && [ "$(stat -c %a "$tmp/setid.svg")" = 644 ]'
# A directory that cannot be written: the message names it (not as root,
# who may write anywhere).
if [ "$(id -u)" != 0 ]; then
  mkdir -p "$tmp/locked" && printf old >"$tmp/locked/f.svg" && chmod 555 "$tmp/locked"
  render locked -o "$tmp/locked/f.svg" titles.charter
  check "-o in a read-only directory: exit 2, the message names the directory, the file kept" \
    eval 'rc_is locked 2 && grep -q "cannot create a file in" "$tmp/locked.err" && [ "$(cat "$tmp/locked/f.svg")" = old ]'
  chmod 755 "$tmp/locked"
  printf old >"$tmp/ro.svg" && chmod 444 "$tmp/ro.svg"
  render ro -o "$tmp/ro.svg" titles.charter
  check "-o a read-only file: exit 2, the file kept" eval 'rc_is ro 2 && [ "$(cat "$tmp/ro.svg")" = old ]'
else
  echo "# skip: read-only file and directory checks (running as root)"
fi

finish
