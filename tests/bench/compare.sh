#!/usr/bin/env bash
# compare.sh BUILD_DIR BASE_CHARTER: times this build's charter beside
# another one (an earlier revision, built by `make bench-compare BASE=REV`)
# on the same generated inputs, in one run, runs interleaved so that the
# machine's drift falls on both alike. Prints each workload's best time and
# peak memory for both, and their ratio new/base.
# Workloads: check and fmt of 100,000 declarations (BENCH_DECLS), render -T svg
# of ~1,000 nodes, import of 1,000,000 rows (BENCH_IMPORT_ROWS) into a fresh
# store, eval of that store. BENCH_RUNS=5 (best of).
set -u -o pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR BASE_CHARTER" >&2
	exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "compare.sh: no such directory: $1" >&2; exit 2; }
base=$2
new=$build/charter
gen=$build/gen-bench
measure=$build/measure
for f in "$new" "$base" "$gen" "$measure"; do
	[ -x "$f" ] || { echo "compare.sh: $f is not an executable; make bench-compare builds it" >&2; exit 2; }
done
runs=${BENCH_RUNS:-5}
decls=${BENCH_DECLS:-100000}
rows=${BENCH_IMPORT_ROWS:-1000000}
as_of=2026-06-30

# once DIR LOG CMD...: "seconds MB exit" of one run of CMD in DIR.
once() {
	local dir=$1 log=$2
	shift 2
	(cd "$dir" && "$measure" -o "$log" -- "$@") || echo "- - 127"
}

# pair NAME DIR PREP CMD...: runs CMD (with charter as @CHARTER@, and
# @WHO@ in an argument as base or new) $runs times
# for each binary, alternating, after PREP (a shell command run in DIR before
# every run), and prints a row: best time and peak MB of each, and new/base.
pair() {
	local name=$1 dir=$2 prep=$3 r who bin t m c
	shift 3
	local -A best_t=() peak=() code=()
	for ((r = 0; r < runs; r++)); do
		for who in base new; do
			bin=$base
			[ $who = new ] && bin=$new
			(cd "$dir" && eval "$prep")
			local args=()
			for a in "$@"; do [ "$a" = @CHARTER@ ] && args+=("$bin") || args+=("${a//@WHO@/$who}"); done
			read -r t m c < <(once "$dir" "$dir/$who.log" "${args[@]}")
			if [ "$t" != - ] && { [ -z "${best_t[$who]:-}" ] || awk -v a="$t" -v b="${best_t[$who]}" 'BEGIN{exit !(a<b)}'; }; then
				best_t[$who]=$t
			fi
			if [ "$m" != - ] && awk -v a="$m" -v b="${peak[$who]:-0}" 'BEGIN{exit !(a>b)}'; then peak[$who]=$m; fi
			[ "$c" = 0 ] || code[$who]=$c
		done
	done
	local ratio
	ratio=$(awk -v a="${best_t[new]:--}" -v b="${best_t[base]:--}" \
		'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.3f", a / b }')
	printf '%-24s %9s %9s %8s %8s %7s %s\n' "$name" "${best_t[base]:--}" "${best_t[new]:--}" \
		"${peak[base]:--}" "${peak[new]:--}" "$ratio" \
		"$([ -n "${code[base]:-}${code[new]:-}" ] && echo "exit base=${code[base]:-0} new=${code[new]:-0}")"
}

work=$build/bench/compare
rm -rf "$work"
mkdir -p "$work/check" "$work/render" "$work/import"
"$gen" "$decls" "$work/check" >/dev/null || { echo "compare.sh: gen $decls failed" >&2; exit 2; }
"$gen" 1180 "$work/render" >/dev/null || { echo "compare.sh: gen 1180 failed" >&2; exit 2; }
"$gen" --csv "$rows" 2701 "$work/import" >/dev/null || { echo "compare.sh: gen --csv failed" >&2; exit 2; }
mapfile -t files < <(cd "$work/check" && printf '%s\n' *.charter)

echo "base: $base"
echo "new:  $new"
echo "best of $runs, runs alternating base and new; ratio = new / base time"
echo
printf '%-24s %9s %9s %8s %8s %7s\n' workload "base s" "new s" "base MB" "new MB" ratio
printf '%-24s %9s %9s %8s %8s %7s\n' -------- ------ ----- ------- ------ -----
pair "check $decls" "$work/check" : @CHARTER@ check --color never main.charter
pair "fmt $decls" "$work/check" : @CHARTER@ fmt "${files[@]}"
pair "render -T svg ~1k nodes" "$work/render" : @CHARTER@ render -T svg -o out.svg main.charter
pair "import $rows rows" "$work/import" "rm -f c.db c.db-wal c.db-shm c.db-journal" \
	@CHARTER@ import --db c.db main.charter data.csv
# each binary evaluates a store it wrote itself: the store's schema may
# differ between them
for who in base new; do
	bin=$base
	[ $who = new ] && bin=$new
	rm -f "$work/import/e-$who.db"
	"$bin" import --db "$work/import/e-$who.db" "$work/import/main.charter" "$work/import/data.csv" >/dev/null 2>&1 ||
		echo "compare.sh: import for eval failed ($who)" >&2
done
pair "eval $rows rows" "$work/import" : @CHARTER@ eval --db e-@WHO@.db --as-of "$as_of" --format csv main.charter
