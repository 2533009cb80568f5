#!/usr/bin/env bash
# bench.sh BUILD_DIR: times `charter check` and `charter fmt` on generated
# programs that grow 10x at a time, and sets the results beside the goals of
# QUALITY.md. BUILD_DIR holds charter, measure and the generator, named gen
# or gen-bench (build/gen/ is the generated parser's directory); programs are
# generated into BUILD_DIR/bench/SIZE/.
# Optional: BENCH_SIZES="1000 10000 100000", BENCH_RUNS=3 (best of),
# BENCH_RENDER="100 1000" (nodes in the logic view rendered to SVG).
set -u -o pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "bench.sh: no such directory: $1" >&2; exit 2; }
# tool NAME...: the first of BUILD_DIR/NAME... that is an executable file
tool() {
	local name
	for name in "$@"; do
		if [ -f "$build/$name" ] && [ -x "$build/$name" ]; then
			echo "$build/$name"
			return 0
		fi
	done
	echo "bench.sh: no $* in $build; build it first (make bench does)" >&2
	return 1
}
gen=$(tool gen gen-bench bench/gen) || exit 2
measure=$(tool measure bench/measure) || exit 2
charter=$build/charter
sizes=${BENCH_SIZES:-1000 10000 100000}
runs=${BENCH_RUNS:-3}

have_charter=0
[ -x "$charter" ] && have_charter=1
have_export=0
if [ $have_charter = 1 ] && "$charter" help export >/dev/null 2>&1; then
	have_export=1
fi
have_jq=0
command -v jq >/dev/null 2>&1 && have_jq=1

# best DIR LOG CMD...: runs CMD in DIR $runs times under measure and prints
# "best-seconds max-MB exit", the exit being the first non-zero one if any.
best() {
	local dir=$1 log=$2 r line
	shift 2
	for ((r = 0; r < runs; r++)); do
		line=$(cd "$dir" && "$measure" -o "$log" -- "$@") || line="- - 127"
		echo "$line"
	done | awk '
		$1 != "-" && (t == "" || $1 + 0 < t + 0) { t = $1 }
		$2 != "-" && $2 + 0 > m + 0 { m = $2 }
		$3 != 0 && c == "" { c = $3 }
		END { printf "%s %s %s\n", (t == "" ? "-" : t), (m == "" ? "-" : m), (c == "" ? 0 : c) }'
}

# ratio A B: A / B with two decimals, "-" when either is missing or B is 0
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || a == "" || b == "" || b + 0 == 0) print "-"
		else printf "%.2f\n", a / b }'
}

echo "Charter benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sm), best of $runs"
[ $have_charter = 1 ] || echo "note: $charter is not built yet; only the generator is timed"
echo

declare -A ck_t ck_m ck_c fm_t fm_m fm_c jq_t gen_t
for n in $sizes; do
	dir=$build/bench/$n
	rm -rf "$dir"
	mkdir -p "$dir"
	read -r t _ c < <("$measure" -- "$gen" "$n" "$dir")
	[ "$c" = 0 ] || { echo "bench.sh: gen $n failed (exit $c)" >&2; exit 2; }
	gen_t[$n]=$t
	ck_t[$n]=-; ck_m[$n]=-; ck_c[$n]=-; fm_t[$n]=-; fm_m[$n]=-; fm_c[$n]=-; jq_t[$n]=-
	[ $have_charter = 1 ] || continue

	read -r "ck_t[$n]" "ck_m[$n]" "ck_c[$n]" < <(best "$dir" "$dir/check.log" \
		"$charter" check --color never main.charter)
	mapfile -t files < <(cd "$dir" && printf '%s\n' *.charter)
	read -r "fm_t[$n]" "fm_m[$n]" "fm_c[$n]" < <(best "$dir" /dev/null "$charter" fmt "${files[@]}")
	if [ $have_export = 1 ] && [ $have_jq = 1 ]; then
		if (cd "$dir" && "$charter" export --format json main.charter >export.json 2>export.log); then
			read -r "jq_t[$n]" _ _ < <(best "$dir" /dev/null jq -c . export.json)
		else
			echo "note: charter export failed at size $n; see $dir/export.log"
		fi
	fi
done

peer=0
[ $have_export = 1 ] && [ $have_jq = 1 ] && peer=1
row() {
	printf '%-8s %7s %8s %9s %5s %8s %9s %5s %7s %7s' "$@"
	[ $peer = 1 ] && printf ' %8s %8s' "${jqcols[@]}"
	printf '\n'
}
jqcols=("jq s" "check/jq")
row size "gen s" "check s" "check MB" exit "fmt s" "fmt MB" exit fmt/ck growth
jqcols=(---- --------)
row ---- ----- ------- -------- ---- ----- ------ ---- ------ ------
prev=""
for n in $sizes; do
	growth=-
	[ -n "$prev" ] && growth=$(ratio "${ck_t[$n]}" "${ck_t[$prev]}")
	[ "$growth" = - ] || growth=${growth}x
	jqcols=("${jq_t[$n]}" "$(ratio "${ck_t[$n]}" "${jq_t[$n]}")")
	row "$n" "${gen_t[$n]}" "${ck_t[$n]}" "${ck_m[$n]}" "${ck_c[$n]}" \
		"${fm_t[$n]}" "${fm_m[$n]}" "${fm_c[$n]}" "$(ratio "${fm_t[$n]}" "${ck_t[$n]}")" "$growth"
	prev=$n
done
echo "(seconds are wall time, best of $runs; MB is peak RSS; growth is check time over the previous size's, ~10x when linear)"

for n in $sizes; do
	c=${ck_c[$n]}
	if [ "$c" != - ] && [ "$c" != 0 ]; then
		echo
		log=$build/bench/$n/check.log
		echo "check exited $c at size $n; $log says:"
		if [ "$(wc -l <"$log")" -le 6 ]; then
			sed 's/^/  | /' "$log"
		else
			head -n 4 "$log" | sed 's/^/  | /'
			echo "  | ..."
			tail -n 1 "$log" | sed 's/^/  | /'
		fi
	fi
done

# verdict VALUE LIMIT [le]: "ok" when VALUE < LIMIT (<= with le), "MISSED"
# when not, "-" when unknown
verdict() {
	awk -v v="$1" -v l="$2" -v le="${3:-}" 'BEGIN {
		if (v == "-" || v == "") print "-"
		else print ((v + 0 < l + 0 || (le != "" && v + 0 == l + 0)) ? "ok" : "MISSED") }'
}

big=${sizes##* }
echo
echo "Goals (QUALITY.md) at the largest size, $big declarations:"
case ${ck_c[$big]} in
0 | -) ;;
*) echo "  (check exited ${ck_c[$big]} there, so its times are not those of a full check)" ;;
esac
gt=$(ratio "${fm_t[$big]}" "${ck_t[$big]}")
printf '  %-44s %-14s %s\n' "check with every stdlib module < 1 s" "${ck_t[$big]} s" "$(verdict "${ck_t[$big]}" 1)"
printf '  %-44s %-14s %s\n' "check peak memory < 400 MB" "${ck_m[$big]} MB" "$(verdict "${ck_m[$big]}" 400)"
growths=""
prev=""
for n in $sizes; do
	if [ -n "$prev" ]; then
		g=$(ratio "${ck_t[$n]}" "${ck_t[$prev]}")
		[ "$g" = - ] || g=${g}x
		growths="$growths $g"
	fi
	prev=$n
done
printf '  %-44s %-14s %s\n' "check time grows linearly (~10x per 10x)" "${growths# }" "(by eye: small sizes are noisy)"
printf '  %-44s %-14s %s\n' "fmt < 1.2 x check" "${gt} x" "$(verdict "$gt" 1.2)"
if [ $have_export = 1 ] && [ $have_jq = 1 ]; then
	jr=$(ratio "${ck_t[$big]}" "${jq_t[$big]}")
	printf '  %-44s %-14s %s\n' "check no slower than jq -c . on export JSON" "${jr} x jq" "$(verdict "$jr" 1 le)"
elif [ $have_export = 1 ]; then
	echo "  check vs jq -c . on the export JSON: jq is not installed, so the peer comparison is skipped"
else
	echo "  check vs jq -c . on the export JSON: the peer comparison waits for \`charter export\`"
fi

# ---- render: the logic view as SVG, against `dot -Tsvg` on charter's DOT ----
render_sizes=${BENCH_RENDER:-100 1000}
if [ $have_charter = 1 ] && command -v dot >/dev/null 2>&1; then
	echo
	printf '%-8s %8s %10s %10s %9s %8s\n' nodes decls "render s" "dot s" "render MB" ratio
	printf '%-8s %8s %10s %10s %9s %8s\n' ----- ----- -------- ----- --------- -----
	last_ratio=-
	last_nodes=-
	for want in $render_sizes; do
		dir=$build/bench/render-$want
		rm -rf "$dir"
		mkdir -p "$dir"
		decls=$((want * 118 / 100)) # the generator's programs draw ~0.85 nodes per declaration
		"$gen" "$decls" "$dir" >/dev/null || { echo "bench.sh: gen $decls failed" >&2; exit 2; }
		(cd "$dir" && "$charter" render -T dot main.charter >logic.dot 2>render.log) || {
			echo "note: charter render -T dot failed at $want nodes; see $dir/render.log"
			continue
		}
		nodes=$(grep -c '^    "[^"]*" \[label=<' "$dir/logic.dot")
		read -r rt rm rc < <(best "$dir" "$dir/render.log" "$charter" render -T svg -o charter.svg main.charter)
		read -r dt _ dc < <(best "$dir" /dev/null dot -Tsvg -o dot.svg logic.dot)
		r=$(ratio "$rt" "$dt")
		[ "$rc" = 0 ] || r="- (render exited $rc)"
		[ "$dc" = 0 ] || r="- (dot exited $dc)"
		printf '%-8s %8s %10s %10s %9s %8s\n' "$nodes" "$decls" "$rt" "$dt" "$rm" "$r"
		last_ratio=$r
		last_nodes=$nodes
	done
	echo "(render: charter render -T svg, whole process: load, check, DOT, layout, SVG; dot: dot -Tsvg on that DOT)"
	echo
	printf '  %-44s %-14s %s\n' "render -T svg <= 1.1 x dot -Tsvg ($last_nodes nodes)" "${last_ratio} x" "$(verdict "$last_ratio" 1.1 le)"
else
	echo
	echo "render: skipped (needs charter and Graphviz's dot)"
fi
exit 0
