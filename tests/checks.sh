# Sourced by tests/structural.sh and tests/render.sh: the argument (the
# charter binary, made absolute as $bin), $here (tests/), and the ok /
# not_ok / check / finish helpers that print "ok - ..." or "not ok - ..."
# and end with "N passed, M failed".
# shellcheck shell=sh disable=SC2034
if [ $# -ne 1 ]; then
  echo "usage: $0 CHARTER_BINARY" >&2
  exit 2
fi
case $1 in
/*) bin=$1 ;;
*) bin=$(pwd)/$1 ;;
esac
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
# check DESCRIPTION COMMAND...: the command's exit status decides.
check() {
  desc=$1
  shift
  if "$@" >/dev/null 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit
}
