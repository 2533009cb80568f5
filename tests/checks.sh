# Sourced by tests/structural.sh, tests/render.sh and tests/store.sh: the
# argument (the charter binary, made absolute as $bin), $here (tests/), the
# ok / not_ok / check / finish helpers that print "ok - ..." or "not ok -
# ..." and end with "N passed, M failed", and scratch_setup.
# shellcheck shell=sh disable=SC2034,SC2154
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

# scratch_setup NAME TOOL...: every TOOL must be installed and $bin
# executable; then a scratch directory $tmp (removed at exit unless KEEP is
# set) becomes the working directory, with the environment the checks
# expect ($limit: a timeout prefix).
scratch_setup() {
  name=$1
  shift
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      not_ok "$tool is installed"
      finish
    fi
  done
  if [ ! -x "$bin" ]; then
    not_ok "$bin is an executable"
    finish
  fi
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/charter-$name.XXXXXX") || exit 2
  trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
  trap 'exit 2' HUP INT TERM
  unset NO_COLOR CHARTER_PATH
  export TERM=dumb
  export LC_ALL=C
  # Leaks inside Graphviz and the libraries cairo pulls in are not
  # charter's (tests/lsan.supp says which); run.sh sets this too.
  export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:fast_unwind_on_malloc=0"
  limit=""
  command -v timeout >/dev/null 2>&1 && limit="timeout 60"
  cd "$tmp" || exit 2
}
