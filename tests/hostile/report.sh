#!/bin/sh
# Hostile inputs to charter report (docs/security.md, "Files charter
# writes"; docs/report.md): -o and the markdown's charts/ folder never
# write through a link that leads out of the project; -o never overwrites
# the program or the store; a program's texts (titles, notes, group names,
# units) come out escaped in HTML, in SVG and in markdown, so no markup of
# theirs reaches the page; --no-disclosure needs --audience internal.
# Prints "ok - ..." or "not ok - ..." per check, then "N passed, M failed".
# Usage: tests/hostile/report.sh CHARTER_BINARY (KEEP=1 keeps the scratch
# directory).
# shellcheck disable=SC2016
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/checks.sh
. "$here/checks.sh"

scratch_setup hostile-report xmllint cmp

run() {
  key=$1
  shift
  $limit "$bin" "$@" >"$tmp/$key.out" 2>"$tmp/$key.err"
  echo $? >"$tmp/$key.rc"
}
rc_is() { [ "$(cat "$tmp/$1.rc")" = "$2" ]; }
err_has() { grep -Eq "$2" "$tmp/$1.err"; }

mkdir proj outside
cat >proj/main.charter <<'EOF2'
charter "</title><script>alert(1)</script>" {
  vision "<img src=x onerror=alert(1)> & \"quotes\" ]]> <!-- -->"
  region "[a link](javascript:alert(1)) *bold* | pipe"
  period 2020 to 2030
  disclosure { suppress below 11 }
}

dimension place "</svg><svg onload=alert(1)>" {
  groups "<b>North</b>", "South & \"East\""
}

indicator a "<script>alert('a')</script> ![x](y)" {
  unit "<i>people</i>"
  direction up
  baseline 1 in 2020
  target 900 by 2030
  disaggregate place
  equity place gap 5 by 2030
  note "</p><iframe src=//evil>"
}

goal g "]]></desc><script>x</script>" { indicator a }
EOF2
cat >proj/data.csv <<'EOF2'
indicator,dimension,group,period,value
a,,,2021,40
a,,,2022,50
a,place,<b>North</b>,2022,25
a,place,"South & ""East""",2022,25
EOF2
echo victim >outside/victim.html
cp outside/victim.html victim.orig
cd proj || exit 2
run import import --db test.db main.charter data.csv
check "the program and its data import" rc_is import 0

run page report --db test.db --as-of 2022 -o page.html main.charter
check "a program full of markup: the report is written (exit 0)" rc_is page 0
check "no markup of the program's reaches the page: no script, iframe, img or onload/onerror element or attribute" \
  eval '! grep -Eqi "<(script|iframe|img)|<svg onload|<[^>]*onerror=" page.html'
check "the page is well-formed where it must be: every SVG in it parses as XML" \
  eval 'perl -0ne "while (/(<svg.*?<\/svg>)/gs) { print \"\$1\n\" }" page.html | grep -c "<svg" >/dev/null && perl -0ne "my \$n = 0; while (/(<svg[^>]*xmlns.*?<\/svg>)/gs) { open(my \$f, \">\", \"svg\" . \$n++ . \".svg\"); print \$f \$1 }" page.html && for f in svg*.svg; do xmllint --noout "$f" || exit 1; done'
run es report --db test.db --as-of 2022 --lang es -o es.html main.charter
check "the same in Spanish: no markup of the program's" \
  eval 'rc_is es 0 && ! grep -Eqi "<(script|iframe|img)|<svg onload|<[^>]*onerror=" es.html'
mkdir md
run md report --db test.db --as-of 2022 --format md -o md/report.md main.charter
check "markdown: written, and every chart is well-formed XML" \
  eval 'rc_is md 0 && for f in md/charts/*.svg; do xmllint --noout "$f" || exit 1; done'
check "markdown: the program's brackets, stars, pipes and angle brackets are escaped" \
  eval 'grep -qF "\\[a link\\](javascript:alert(1)) \\*bold\\* \\| pipe" md/report.md && perl -ne "exit 1 if /(?<!\\\\)<(script|i>|b>)/" md/report.md'

ln -s ../outside/victim.html out.html
run link report -o out.html main.charter
check "-o a link out of the project: exit 2, says so, the target untouched" \
  eval 'rc_is link 2 && err_has link "outside the project" && err_has link "inside the project" && cmp ../outside/victim.html ../victim.orig'
mkdir md2
ln -s ../../outside md2/charts
run charts report --db test.db --as-of 2022 --format md -o md2/report.md main.charter
check "markdown: a charts/ folder that is a link out of the project is not written through" \
  eval '! rc_is charts 0 && [ -z "$(ls ../outside | grep -v victim.html)" ] && cmp ../outside/victim.html ../victim.orig'
run self report -o main.charter main.charter
check "-o the program's own file: refused (exit 2, not a .html or .md name), the file unchanged" \
  eval 'rc_is self 2 && err_has self "name it .html" && grep -q "^indicator a" main.charter'
cp data.csv data.orig
run csv report --db test.db -o data.csv main.charter
check "-o a data file (data.csv): refused (exit 2), the data unchanged" \
  eval 'rc_is csv 2 && err_has csv "name it .html" && cmp data.csv data.orig'
cp test.db store.html
run store report --db store.html -o store.html main.charter
check "-o the store, even named .html: refused (exit 2), the store unchanged" \
  eval 'rc_is store 2 && err_has store "measurement store" && cmp store.html test.db'
run mdname report --db test.db --format html -o report.md main.charter
check "-o a .md name with --format html: refused (exit 2)" eval 'rc_is mdname 2 && err_has mdname "give one or the other"'
run public report --db test.db --no-disclosure main.charter
check "--no-disclosure without --audience internal: a usage error (exit 2)" \
  eval 'rc_is public 2 && err_has public "audience internal"'
run notstore report --db main.charter main.charter
check "--db a file that is not a store: exit 2, nothing written to standard output" \
  eval 'rc_is notstore 2 && [ ! -s "$tmp/notstore.out" ]'
finish
