#!/bin/sh
# Hostile input to `charter render`: the layout budget (docs/security.md,
# "Drawing: a layout budget"; docs/render.md, "How big a view may be"). A
# view above the limits is refused before layout, in seconds however big,
# with a message that gives its size, the limit, a view with focus to
# declare and the option that raises the limit; a raised limit is honoured;
# -T dot is not laid out and so not limited; a dense program is refused by
# its arrows, and one inside the limits is laid out in bounded time.
# The programs are generated here. Prints "ok - ..." or "not ok - ..." per
# check, then "N passed, M failed". Usage: tests/hostile/render.sh CHARTER
# shellcheck disable=SC2016,SC2154,SC2012,SC2317
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup hostile-render awk timeout xmllint
mkdir "$tmp/work" && cd "$tmp/work" || exit 2

# star N FILE: a charter, two goals, and N short-term outcomes, the first
# half leading to goal g1, the rest to g2: N + 2 nodes and N arrows.
star() {
  awk -v n="$1" 'BEGIN {
    print "charter \"Star\" { vision \"Many small steps\" }"
    print "goal g1 \"The first goal\" {}"
    print "goal g2 \"The second goal\" {}"
    for (i = 1; i <= n; i++)
      printf "outcome o%d \"Outcome %d\" { horizon short; leads_to %s }\n", i, i, (i <= n / 2 ? "g1" : "g2")
  }' >"$2"
}
# dense A O FILE: a partner, O outcomes and A activities, each activity
# owned by the partner and contributing to every outcome: A + O + 1 nodes
# and A * (O + 1) arrows.
dense() {
  awk -v a="$1" -v o="$2" 'BEGIN {
    print "charter \"Dense\" { vision \"Everything feeds everything\" }"
    print "partner p \"The partner\" { sector nonprofit }"
    for (j = 1; j <= o; j++) printf "outcome o%d \"Outcome %d\" { horizon short }\n", j, j
    for (i = 1; i <= a; i++) {
      printf "activity a%d \"Activity %d\" {\n  owner p\n  contributes_to o1", i, i
      for (j = 2; j <= o; j++) printf ", o%d", j
      print "\n}"
    }
  }' >"$3"
}

# run KEY SECONDS ARG...: charter render ARG... under `timeout SECONDS`;
# stdout, stderr and the exit status (124: timed out) in KEY.out, .err, .rc.
run() {
  key=$1 secs=$2
  shift 2
  timeout "$secs" "$bin" render "$@" >"$tmp/$key.out" 2>"$tmp/$key.err"
  echo $? >"$tmp/$key.rc"
}
rc_is() { [ "$(cat "$tmp/$1.rc")" = "$2" ]; }
says() { grep -qF -- "$2" "$tmp/$1.err"; }
svg_ok() { rc_is "$1" 0 && [ ! -s "$tmp/$1.err" ] && xmllint --noout "$tmp/$1.out"; }

# ---- a view above the default node limit is refused before layout ----
star 2500 big.charter
run big 30 -T svg -o big.svg big.charter
check "2,502 nodes: refused with exit 2, within 30 s" rc_is big 2
check "2,502 nodes: the message gives the view, its size and the limit" \
  says big "charter: the view 'logic' is too big to lay out: 2,502 nodes and 2,500 arrows; the limit is 2,000 nodes and 5,000 arrows"
check "2,502 nodes: the message shows a view with focus on one of the program's goals" \
  says big "help: draw a part of it: declare a view with focus, as in 'view strand \"One strand\" { focus g1 }', and give --view strand"
check "2,502 nodes: the message names the option that raises the limit" \
  says big "help: or raise the limit (a large layout can take minutes): --max-nodes 2502"
check "2,502 nodes: the message is three lines" test "$(wc -l <"$tmp/big.err")" -eq 3
check "2,502 nodes: nothing on standard output" test ! -s "$tmp/big.out"
check "2,502 nodes: no output file, no temporary file" test "$(ls -A | tr '\n' ' ')" = "big.charter "
for fmt in png pdf; do
  run "big-$fmt" 30 -T "$fmt" -o "big.$fmt" big.charter
  check "2,502 nodes: -T $fmt is refused too" rc_is "big-$fmt" 2
done
run big-pathway 30 --view pathway -T svg big.charter
check "2,502 nodes: the pathway (also 2,502 nodes) is refused" says big-pathway "the view 'pathway' is too big"
run big-acc 30 --view accountability -T svg big.charter
check "the accountability view of the same program (no nodes) is drawn" svg_ok big-acc

# ---- -T dot is not laid out, so not limited ----
run big-dot 30 -T dot big.charter
check "-T dot of 2,502 nodes is written (DOT is not laid out)" rc_is big-dot 0
check "-T dot of 2,502 nodes has every outcome" test "$(grep -c '"o[0-9]*" \[label=' "$tmp/big-dot.out")" -eq 2500

# ---- far above the limit: refused as fast ----
star 30000 huge.charter
run huge 30 huge.charter
check "30,002 nodes: refused with exit 2, within 30 s" rc_is huge 2
check "30,002 nodes: the message gives its size" says huge "30,002 nodes and 30,000 arrows"

# ---- raising the limit is honoured (a moderate case, with small limits) ----
star 60 moderate.charter
run lowered 60 --max-nodes 40 -T svg moderate.charter
check "62 nodes, --max-nodes 40: refused" rc_is lowered 2
check "62 nodes, --max-nodes 40: the limit is the one given" says lowered "62 nodes and 60 arrows; the limit is 40 nodes and 5,000 arrows"
run raised 60 --max-nodes 62 -T svg moderate.charter
check "62 nodes, --max-nodes 62: drawn" svg_ok raised
check "62 nodes, --max-nodes 62: every outcome is in the SVG" test "$(grep -c '>Outcome [0-9]*<' "$tmp/raised.out")" -eq 60
run unlimited 60 --max-nodes=0 --max-edges=0 -T svg moderate.charter
check "62 nodes, --max-nodes=0 --max-edges=0 (no limit): drawn" svg_ok unlimited
run edges 60 --max-edges 59 -T svg moderate.charter
check "60 arrows, --max-edges 59: refused, naming the arrows" says edges "the limit is 2,000 nodes and 59 arrows"
check "60 arrows, --max-edges 59: the option to raise is --max-edges" says edges "): --max-edges 60"
# The view the message suggests, declared, is drawn within the same limit.
sed -n "s/.*as in '\(view strand .*}\)', and give.*/\1/p" "$tmp/lowered.err" >>moderate.charter
check "the suggested view is one line that the program now declares" grep -q '^view strand "One strand" { focus g1 }$' moderate.charter
run focused 60 --view strand --max-nodes 40 -T svg moderate.charter
check "the suggested view with focus is drawn within --max-nodes 40" svg_ok focused
for bad in -1 x 1.5 '' 99999999999999999999999; do
  run "bad$bad" 30 --max-nodes "$bad" moderate.charter
  check "--max-nodes '$bad' is a usage error" says "bad$bad" "charter: --max-nodes needs a whole number (0: no limit), as in --max-nodes 5000"
done

# ---- dense programs: many arrows between few nodes ----
dense 120 50 dense.charter
run dense 30 -T svg dense.charter
check "171 nodes and 6,120 arrows: refused within 30 s" rc_is dense 2
check "171 nodes and 6,120 arrows: the message gives the arrows and their limit" \
  says dense "171 nodes and 6,120 arrows; the limit is 2,000 nodes and 5,000 arrows"
check "171 nodes and 6,120 arrows: the option to raise is --max-edges" says dense "): --max-edges 6120"
# Inside the limits, Graphviz's iteration limits keep the layout bounded.
dense 40 40 inside.charter
run inside 120 -T svg inside.charter
check "81 nodes and 1,640 arrows (dense, inside the limits): drawn within 120 s" svg_ok inside

finish
