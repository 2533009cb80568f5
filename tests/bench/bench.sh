#!/usr/bin/env bash
# bench.sh BUILD_DIR: times `charter check` and `charter fmt` on generated
# programs that grow 10x at a time, and sets the results beside the goals of
# docs/HACKING.md ("Benchmarks", "Goals"). BUILD_DIR holds charter, measure
# and the generator, named gen or gen-bench (build/gen/ is the generated
# parser's directory); programs are generated into BUILD_DIR/bench/SIZE/.
# Optional: BENCH_SIZES="1000 10000 100000", BENCH_RUNS=3 (best of),
# BENCH_RENDER="100 1000" (nodes in the logic view rendered to SVG),
# BENCH_RENDER_CURVE="250 500 1000 2000 4000" (nodes of the render time
# curve, laid out whatever the limits), BENCH_BUDGET=0 (skip that curve),
# BENCH_IMPORT=0 (skip import and eval), BENCH_IMPORT_ROWS=10000000 (rows
# imported for the goals; a tenth of that is timed too, for growth),
# BENCH_IMPORT_RUNS=1 (runs at BENCH_IMPORT_ROWS, best of; the tenth gets
# BENCH_RUNS),
# BENCH_REPORT=0 (skip the report's),
# BENCH_WORST=0 (skip the worst cases), BENCH_WORST_SIZES="10000 100000",
# BENCH_PG=0 (skip PostgreSQL's import and eval), BENCH_PG_ROWS=10000000,
# BENCH_LSP=0 (skip the language server's), BENCH_LSP_EDITS=1000 (edits
# timed on the 5,000-declaration program), BENCH_LSP_MEMORY_EDITS=10000
# (edits of the memory run, on a 1,000-declaration program).
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
# The files named in the array fresh are removed from DIR before each run.
fresh=()
best() {
	local dir=$1 log=$2 r line
	shift 2
	for ((r = 0; r < runs; r++)); do
		if [ ${#fresh[@]} -gt 0 ]; then (cd "$dir" && rm -f -- "${fresh[@]}"); fi
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

# excerpt LOG: LOG indented, cut to its first four lines and its last when long
excerpt() {
	if [ "$(wc -l <"$1")" -le 6 ]; then
		sed 's/^/  | /' "$1"
	else
		head -n 4 "$1" | sed 's/^/  | /'
		echo "  | ..."
		tail -n 1 "$1" | sed 's/^/  | /'
	fi
}

echo "Charter benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sm), best of $runs"
[ $have_charter = 1 ] || echo "note: $charter is not built yet; only the generator is timed"
echo

declare -A pk_t
declare -A ck_t ck_m ck_c fm_t fm_m fm_c jq_t ex_t ex_m gen_t
for n in $sizes; do
	dir=$build/bench/$n
	rm -rf "$dir"
	mkdir -p "$dir"
	read -r t _ c < <("$measure" -- "$gen" "$n" "$dir")
	[ "$c" = 0 ] || { echo "bench.sh: gen $n failed (exit $c)" >&2; exit 2; }
	gen_t[$n]=$t
	ck_t[$n]=-; ck_m[$n]=-; ck_c[$n]=-; fm_t[$n]=-; fm_m[$n]=-; fm_c[$n]=-; jq_t[$n]=-; ex_t[$n]=-; ex_m[$n]=-
	[ $have_charter = 1 ] || continue

	read -r "ck_t[$n]" "ck_m[$n]" "ck_c[$n]" < <(best "$dir" "$dir/check.log" \
		"$charter" check --color never main.charter)
	mapfile -t files < <(cd "$dir" && printf '%s\n' *.charter)
	read -r "fm_t[$n]" "fm_m[$n]" "fm_c[$n]" < <(best "$dir" /dev/null "$charter" fmt "${files[@]}")
	if [ $have_export = 1 ] && [ $have_jq = 1 ]; then
		if (cd "$dir" && "$charter" export --format json main.charter >export.json 2>export.log); then
			read -r "jq_t[$n]" _ _ < <(best "$dir" /dev/null jq -c . export.json)
			# the export itself, written to a file as a user would
			read -r "ex_t[$n]" "ex_m[$n]" _ < <(best "$dir" /dev/null "$charter" export --format json -o export-timed.json main.charter)
		else
			echo "note: charter export failed at size $n; see $dir/export.log"
		fi
	fi
done

peer=0
[ $have_export = 1 ] && [ $have_jq = 1 ] && peer=1
row() {
	printf '%-8s %7s %8s %9s %5s %8s %9s %5s %7s %7s' "$@"
	[ $peer = 1 ] && printf ' %8s %8s %8s %9s %9s' "${jqcols[@]}"
	printf '\n'
}
jqcols=("jq s" "check/jq" "export s" "export MB" "export/jq")
row size "gen s" "check s" "check MB" exit "fmt s" "fmt MB" exit fmt/ck growth
jqcols=(---- -------- -------- --------- ---------)
row ---- ----- ------- -------- ---- ----- ------ ---- ------ ------
prev=""
for n in $sizes; do
	growth=-
	[ -n "$prev" ] && growth=$(ratio "${ck_t[$n]}" "${ck_t[$prev]}")
	[ "$growth" = - ] || growth=${growth}x
	jqcols=("${jq_t[$n]}" "$(ratio "${ck_t[$n]}" "${jq_t[$n]}")" "${ex_t[$n]}" "${ex_m[$n]}" "$(ratio "${ex_t[$n]}" "${jq_t[$n]}")")
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
		excerpt "$log"
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
echo "Goals (docs/HACKING.md) at the largest size, $big declarations:"
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
	xr=$(ratio "${ex_t[$big]}" "${jq_t[$big]}")
	printf '  %-44s %-14s %s\n' "check at most 0.5 x jq -c . on export JSON" "${jr} x jq" "$(verdict "$jr" 0.5 le)"
	printf '  %-44s %-14s %s\n' "export --format json at most 1.0 x jq -c ." "${xr} x jq" "$(verdict "$xr" 1 le)"
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

# ---- the layout budget: render time against size, worst cases, refusals ----
# The logic view of generated programs of about NODES nodes, the limits
# lifted (--max-nodes 0 --max-edges 0) so every size is laid out; then the
# worst shapes inside the default limits (docs/render.md, "How big a view
# may be"): a star of as many nodes as the limit allows and a dense program
# of as many arrows; then how fast a view above the limits is refused.
curve_sizes=${BENCH_RENDER_CURVE:-250 500 1000 2000 4000}
# budget_limits: "NODES EDGES", the defaults charter's help states
budget_limits() {
	"$charter" help render | awk '
		/--max-nodes/ { if (match($0, /default [0-9]+/)) n = substr($0, RSTART + 8, RLENGTH - 8) }
		/--max-edges/ { if (match($0, /default [0-9]+/)) e = substr($0, RSTART + 8, RLENGTH - 8) }
		END { print (n == "" ? "-" : n), (e == "" ? "-" : e) }'
}
# dot_size DOT: "NODES ARROWS" of the declarations drawn (headings aside)
dot_size() {
	awk '/^    "[A-Za-z0-9_]*" \[label=</ { n++ } /^  "[A-Za-z0-9_]*" -> "/ { e++ }
		END { print n + 0, e + 0 }' "$1"
}
# star_program N DIR: N short-term outcomes leading to one goal (N + 1 nodes)
star_program() {
	mkdir -p "$2"
	awk -v n="$1" 'BEGIN {
		print "charter \"Star\" { vision \"Many small steps\" }"
		print "goal g \"The goal\" {}"
		for (i = 1; i <= n; i++) printf "outcome o%d \"Outcome %d\" { horizon short; leads_to g }\n", i, i
	}' >"$2/main.charter"
}
# dense_program A O DIR: A activities owned by one partner, each contributing
# to all O outcomes (A + O + 1 nodes, A * (O + 1) arrows)
dense_program() {
	mkdir -p "$3"
	awk -v a="$1" -v o="$2" 'BEGIN {
		print "charter \"Dense\" { vision \"Everything feeds everything\" }"
		print "partner p \"The partner\" { sector nonprofit }"
		for (j = 1; j <= o; j++) printf "outcome o%d \"Outcome %d\" { horizon short }\n", j, j
		for (i = 1; i <= a; i++) {
			printf "activity a%d \"Activity %d\" {\n  owner p\n  contributes_to o1", i, i
			for (j = 2; j <= o; j++) printf ", o%d", j
			print "\n}"
		}
	}' >"$3/main.charter"
}
# curve_row LABEL DIR ARG...: renders DIR/main.charter (-T svg, ARG...) and
# prints a row of the table
curve_row() {
	local label=$1 dir=$2 nodes edges t m c kb
	shift 2
	(cd "$dir" && "$charter" render -T dot main.charter >logic.dot 2>/dev/null)
	read -r nodes edges < <(dot_size "$dir/logic.dot")
	kb=$(($(cat "$dir"/*.charter | wc -c) / 1024))
	read -r t m c < <(best "$dir" "$dir/render.log" "$charter" render -T svg -o out.svg "$@" main.charter)
	printf '%-24s %7s %7s %8s %9s %9s %5s\n' "$label" "$nodes" "$edges" "$kb" "$t" "$m" "$c"
}
budget_bench() {
	local want dir decls n lim_n lim_e a o
	read -r lim_n lim_e < <(budget_limits)
	echo
	echo "render time against size (logic view, -T svg; limits: $lim_n nodes, $lim_e arrows)"
	printf '%-24s %7s %7s %8s %9s %9s %5s\n' program nodes arrows "src KB" "render s" "render MB" exit
	printf '%-24s %7s %7s %8s %9s %9s %5s\n' ------- ----- ------ ------ -------- --------- ----
	for want in $curve_sizes; do
		dir=$build/bench/curve-$want
		rm -rf "$dir"
		mkdir -p "$dir"
		decls=$((want * 118 / 100))
		"$gen" "$decls" "$dir" >/dev/null || { echo "bench.sh: gen $decls failed" >&2; exit 2; }
		curve_row "generated, ~$want nodes" "$dir" --max-nodes 0 --max-edges 0
	done
	if [ "$lim_n" != - ] && [ "$lim_e" != - ]; then
		dir=$build/bench/budget-star
		rm -rf "$dir"
		star_program "$((lim_n - 1))" "$dir"
		curve_row "star at the node limit" "$dir"
		# the most arrows within the limit: a outcomes and o = 49 outcomes per activity
		o=49
		a=$((lim_e / (o + 1)))
		dir=$build/bench/budget-dense
		rm -rf "$dir"
		dense_program "$a" "$o" "$dir"
		curve_row "dense at the arrow limit" "$dir"
		dir=$build/bench/budget-dense-over
		rm -rf "$dir"
		dense_program "$((a * 3))" "$((o * 3))" "$dir"
		curve_row "dense, refused" "$dir"
	fi
	for n in $sizes; do
		[ -f "$build/bench/$n/main.charter" ] || continue
		curve_row "generated, $n decls" "$build/bench/$n"
	done
	echo "(best of $runs; the generated programs of the first table drawn with the default limits last: exit 2"
	echo " is a refusal before layout; src KB: the program's .charter files)"
}

if [ $have_charter = 1 ] && [ "${BENCH_BUDGET:-1}" != 0 ]; then
	budget_bench
fi

# ---- import and eval: the measurement store, against sqlite3 on the same rows ----
# One program of 2,701 declarations (gen makes 0.37 indicators per declaration:
# 1,000 indicators, 688 of them with race_ethnicity rows in the CSV) and a CSV
# of ROWS measurements for it. import: `charter import` into a fresh database
# against sqlite3's .import into a fresh STRICT table with the CSV's columns.
# eval: `charter eval --format csv` on the database that import filled against
# sqlite3 answering "each indicator's latest whole-population value" on it.
import_rows=${BENCH_IMPORT_ROWS:-10000000}
import_runs=${BENCH_IMPORT_RUNS:-1}
import_decls=2701
as_of=2026-06-30 # the day gen's newest period ends
peer_table="CREATE TABLE measurement (indicator TEXT, dimension TEXT, grp TEXT,
  period TEXT, value REAL, source TEXT, note TEXT) STRICT"
# The same columns keyed as the store is (without its two computed
# columns), for context: what sqlite3 itself takes when the key is kept.
keyed_table="CREATE TABLE measurement (indicator TEXT NOT NULL, dimension TEXT NOT NULL, grp TEXT NOT NULL,
  period TEXT NOT NULL, value REAL NOT NULL, source TEXT NOT NULL, note TEXT NOT NULL,
  PRIMARY KEY (indicator, dimension, grp, period)) STRICT, WITHOUT ROWID;"
# The store's schema (docs/measurement.md, "The schema"), for a stand-in
# database that sqlite3 fills from the peer's table while `charter import`
# does not exist: eval's peers can then be timed on the same shape of data.
store_schema="PRAGMA journal_mode = WAL; PRAGMA user_version = 1;
CREATE TABLE import (id INTEGER PRIMARY KEY, file TEXT NOT NULL, rows INTEGER NOT NULL,
  at TEXT NOT NULL) STRICT;
CREATE TABLE measurement (indicator TEXT NOT NULL, dimension TEXT NOT NULL DEFAULT '',
  grp TEXT NOT NULL DEFAULT '', period TEXT NOT NULL, period_end TEXT NOT NULL,
  value REAL NOT NULL, source TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
  import_id INTEGER NOT NULL REFERENCES import(id),
  PRIMARY KEY (indicator, dimension, grp, period_end)) STRICT;"
standin_fill="ATTACH 'peer.db' AS p;
INSERT INTO import VALUES (1, 'data.csv', (SELECT count(*) FROM p.measurement), '$as_of');
INSERT INTO measurement SELECT indicator, dimension, grp, period,
  CASE length(period) WHEN 4 THEN period || '-12-31' WHEN 10 THEN period
  ELSE date(substr(period, 1, 5) || CASE substr(period, 6, 1) WHEN 'Q'
    THEN printf('%02d', substr(period, 7, 1) * 3) ELSE substr(period, 6, 2) END || '-01',
    '+1 month', '-1 day') END,
  value, source, note, 1 FROM p.measurement;"
# The peers of eval: two ways an analyst asks for each indicator's latest
# whole-population value as of a date. SQLite documents that a bare column
# beside max() comes from the row holding the max.
# (coalition = '': the program's coalition, first in the store's key, as
# eval reads it)
q_group="SELECT indicator, value, period, max(period_end) FROM measurement
  WHERE coalition = '' AND dimension = '' AND grp = '' AND period_end <= '$as_of' GROUP BY indicator"
q_latest="SELECT m.indicator, m.value, m.period FROM measurement m
  WHERE m.coalition = '' AND m.dimension = '' AND m.grp = '' AND m.period_end = (SELECT max(period_end)
    FROM measurement WHERE coalition = '' AND indicator = m.indicator AND dimension = '' AND grp = ''
      AND period_end <= '$as_of')"

# dimension_groups FILE...: "dimension|group" for every group of every
# dimension the files declare
dimension_groups() {
	awk '
		/^dimension[ \t]/ { dim = $2; ing = 0 }
		/^[^ \t]/ && !/^dimension[ \t]/ { dim = "" }
		dim != "" {
			line = $0
			if (match(line, /(^|[ \t{])groups[ \t]/)) {
				ing = 1
				line = substr(line, RSTART + RLENGTH)
			} else if (line !~ /^[ \t]*"/) ing = 0
			while (ing && match(line, /"[^"]*"/)) {
				print dim "|" substr(line, RSTART + 1, RLENGTH - 2)
				line = substr(line, RSTART + RLENGTH)
			}
		}' "$@"
}

# csv_sanity DIR ROWS: checks DIR/data.csv (already in DIR/peer.db) against
# the program beside it, printing a note for each thing that is off
csv_sanity() {
	local dir=$1 rows=$2 header got bad
	header=$(head -n 1 "$dir/data.csv" | tr -d '\r')
	[ "$header" = "indicator,dimension,group,period,value,source,note" ] ||
		echo "note: $dir/data.csv starts with '$header', not indicator,dimension,group,period,value,source,note"
	got=$(sqlite3 -readonly "$dir/peer.db" "SELECT count(*) FROM measurement" 2>&1)
	[ "$got" = "$rows" ] || echo "note: sqlite3 .import stored $got rows of $rows; see $dir/peer-import.log"
	bad=$(LC_ALL=C comm -13 \
		<(sed -n 's/^indicator \([A-Za-z0-9_]*\) .*/\1/p' "$dir"/*.charter | LC_ALL=C sort -u) \
		<(sqlite3 -readonly "$dir/peer.db" "SELECT DISTINCT indicator FROM measurement" | LC_ALL=C sort -u) |
		wc -l)
	[ "$bad" -eq 0 ] || echo "note: $dir/data.csv names $bad indicators that the program does not declare"
	bad=$(LC_ALL=C comm -13 \
		<(dimension_groups "$srcdir/stdlib/"*.charter "$dir"/*.charter | LC_ALL=C sort -u) \
		<(sqlite3 -readonly "$dir/peer.db" \
			"SELECT DISTINCT dimension || '|' || grp FROM measurement WHERE dimension <> '' OR grp <> ''" |
			LC_ALL=C sort -u))
	[ -z "$bad" ] || echo "note: $dir/data.csv has groups no dimension declares: $(echo "$bad" | head -n 3 | tr '\n' ' ')"
}

store_bench() {
	local n dir prev growth got db r a b c have_import=0 have_eval=0 nind=- nrace=- standin=0 big
	local -a sizes_i
	local -A csv_mb im_t im_m im_c pi_t pi_m pi_c pk_t pk_m ev_t ev_m ev_c pg_t pg_c pl_t pl_c agree
	local runs_all=$runs
	case $import_rows in
	'' | *[!0-9]* | 0*)
		echo "bench.sh: BENCH_IMPORT_ROWS must be a positive whole number, not '$import_rows'" >&2
		exit 2
		;;
	esac
	sizes_i=("$import_rows")
	[ $((import_rows / 10)) -ge 1 ] && sizes_i=("$((import_rows / 10))" "$import_rows")
	if [ $have_charter = 1 ]; then
		"$charter" help import >/dev/null 2>&1 && have_import=1
		"$charter" help eval >/dev/null 2>&1 && have_eval=1
	fi
	echo
	[ $have_import = 1 ] || echo "note: $charter has no import command yet; its columns show -"
	[ $have_eval = 1 ] || echo "note: $charter has no eval command yet; its columns show -"
	for n in "${sizes_i[@]}"; do
		dir=$build/bench/import-$n
		runs=$runs_all
		[ "$n" = "$import_rows" ] && runs=$import_runs # the largest: once, by default
		rm -rf "$dir"
		mkdir -p "$dir"
		"$gen" --csv "$n" "$import_decls" "$dir" >/dev/null ||
			{ echo "bench.sh: gen --csv $n $import_decls failed" >&2; exit 2; }
		csv_mb[$n]=$(awk -v b="$(wc -c <"$dir/data.csv")" 'BEGIN { printf "%.1f\n", b / 1048576 }')
		nind=$(grep -c '^indicator ' "$dir"/*.charter | awk -F: '{ n += $NF } END { print n }')
		im_t[$n]=-; im_m[$n]=-; im_c[$n]=-; ev_t[$n]=-; ev_m[$n]=-; ev_c[$n]=-; agree[$n]=""

		fresh=(peer.db peer.db-journal peer.db-wal peer.db-shm)
		read -r "pi_t[$n]" "pi_m[$n]" "pi_c[$n]" < <(best "$dir" "$dir/peer-import.log" \
			sqlite3 peer.db "$peer_table" ".import --csv --skip 1 data.csv measurement")
		# For context: sqlite3 into a table keyed as the store is, in WAL mode
		fresh=(keyed.db keyed.db-journal keyed.db-wal keyed.db-shm)
		read -r "pk_t[$n]" "pk_m[$n]" _ < <(best "$dir" "$dir/keyed-import.log" \
			sqlite3 keyed.db "PRAGMA journal_mode = WAL;" "$keyed_table" ".import --csv --skip 1 data.csv measurement")
		fresh=()
		csv_sanity "$dir" "$n"
		nrace=$(sqlite3 -readonly "$dir/peer.db" \
			"SELECT count(DISTINCT indicator) FROM measurement WHERE dimension = 'race_ethnicity'")

		db=""
		if [ $have_import = 1 ]; then
			fresh=(charter.db charter.db-journal charter.db-wal charter.db-shm)
			read -r "im_t[$n]" "im_m[$n]" "im_c[$n]" < <(best "$dir" "$dir/import.log" \
				"$charter" import --db charter.db main.charter data.csv)
			fresh=()
			if [ "${im_c[$n]}" = 0 ]; then
				db=charter.db
				got=$(sqlite3 -readonly "$dir/charter.db" "SELECT count(*) FROM measurement" 2>&1)
				[ "$got" = "$n" ] || echo "note: charter import stored $got rows of $n"
			fi
		fi
		if [ -z "$db" ]; then
			(cd "$dir" && sqlite3 standin.db "$store_schema" "$standin_fill" >/dev/null) ||
				{ echo "bench.sh: could not build the stand-in store in $dir" >&2; exit 2; }
			db=standin.db
			standin=1
		fi

		read -r "pg_t[$n]" _ "pg_c[$n]" < <(best "$dir" /dev/null sqlite3 -readonly "$db" "$q_group")
		read -r "pl_t[$n]" _ "pl_c[$n]" < <(best "$dir" /dev/null sqlite3 -readonly "$db" "$q_latest")
		[ "${pg_c[$n]}" = 0 ] || pg_t[$n]=-
		[ "${pl_c[$n]}" = 0 ] || pl_t[$n]=-
		if [ $have_eval = 1 ] && [ "$db" = charter.db ]; then
			(cd "$dir" && "$charter" eval --db charter.db --as-of "$as_of" --format csv main.charter \
				>eval.csv 2>eval.log)
			r=$?
			if [ $r = 0 ]; then
				read -r "ev_t[$n]" "ev_m[$n]" "ev_c[$n]" < <(best "$dir" /dev/null \
					"$charter" eval --db charter.db --as-of "$as_of" --format csv main.charter)
				# the same latest value and period as the peer, indicator by indicator
				agree[$n]=$(cd "$dir" && sqlite3 :memory: ".import --csv eval.csv e" \
					"ATTACH 'file:charter.db?mode=ro' AS s" \
					"SELECT (SELECT count(*) FROM e WHERE latest <> ''), (SELECT count(*) FROM ($q_group)),
					   (SELECT count(*) FROM e JOIN ($q_group) p ON p.indicator = e.id
					     WHERE CAST(e.latest AS REAL) = p.value AND e.latest_period = p.period)" 2>&1 |
					tr '\n' ' ')
			else
				ev_c[$n]=$r
			fi
		fi
	done

	runs=$runs_all
	row_i() { printf '%-8s %7s %9s %9s %5s %9s %9s %8s %7s %8s %8s %7s\n' "$@"; }
	echo "import: $import_decls declarations, $nind indicators ($nrace with race_ethnicity rows); a fresh database each run"
	row_i rows "csv MB" "import s" "import MB" exit "sqlite s" "sqlite MB" ratio growth "keyed s" "keyed MB" "/keyed"
	row_i ---- ------ -------- --------- ---- -------- --------- ----- ------ ------- -------- ------
	prev=""
	for n in "${sizes_i[@]}"; do
		growth=-
		[ -n "$prev" ] && growth=$(ratio "${im_t[$n]}" "${im_t[$prev]}")
		[ "$growth" = - ] || growth=${growth}x
		r=$(ratio "${im_t[$n]}" "${pi_t[$n]}")
		[ "${im_c[$n]}" = - ] || [ "${im_c[$n]}" = 0 ] || r=-
		row_i "$n" "${csv_mb[$n]}" "${im_t[$n]}" "${im_m[$n]}" "${im_c[$n]}" \
			"${pi_t[$n]}" "${pi_m[$n]}" "$r" "$growth" "${pk_t[$n]:--}" "${pk_m[$n]:--}" "$(ratio "${im_t[$n]}" "${pk_t[$n]:--}")"
		prev=$n
	done
	echo "(import: charter import --db charter.db main.charter data.csv; sqlite: sqlite3 .import --csv into a STRICT table with the CSV's 7 columns;"
	echo " keyed: the same into a WAL table with the store's primary key (indicator, dimension, grp, period); s: best of $runs_all runs, $import_runs at $import_rows rows; MB: peak resident memory)"

	row_e() { printf '%-8s %7s %8s %5s %8s %9s %8s %7s\n' "$@"; }
	echo
	echo "eval --as-of $as_of --format csv on the database import filled"
	row_e rows "eval s" "eval MB" exit "group s" "latest s" ratio growth
	row_e ---- ------ ------- ---- ------- -------- ----- ------
	prev=""
	for n in "${sizes_i[@]}"; do
		growth=-
		[ -n "$prev" ] && growth=$(ratio "${ev_t[$n]}" "${ev_t[$prev]}")
		[ "$growth" = - ] || growth=${growth}x
		r=$(ratio "${ev_t[$n]}" "${pg_t[$n]}")
		[ "${ev_c[$n]}" = - ] || [ "${ev_c[$n]}" = 0 ] || r=-
		row_e "$n" "${ev_t[$n]}" "${ev_m[$n]}" "${ev_c[$n]}" "${pg_t[$n]}" "${pl_t[$n]}" "$r" "$growth"
		prev=$n
	done
	echo "(group: sqlite3 -readonly, latest value per indicator by GROUP BY indicator with max(period_end);"
	echo " latest: the same by a correlated max(period_end) subquery; ratio is eval over group)"
	[ $standin = 0 ] || echo "note: eval's peers ran on a stand-in store that sqlite3 filled with the same rows and the schema of docs/measurement.md, as charter import did not"

	for n in "${sizes_i[@]}"; do
		dir=$build/bench/import-$n
		case ${im_c[$n]} in
		0 | -) ;;
		*)
			echo
			echo "charter import exited ${im_c[$n]} at $n rows; $dir/import.log says:"
			excerpt "$dir/import.log"
			;;
		esac
		case ${ev_c[$n]} in
		0 | -) ;;
		*)
			echo
			echo "charter eval exited ${ev_c[$n]} at $n rows; $dir/eval.log says:"
			excerpt "$dir/eval.log"
			;;
		esac
		[ "${pg_c[$n]}" = 0 ] || echo "note: the GROUP BY query exited ${pg_c[$n]} at $n rows"
		[ "${pl_c[$n]}" = 0 ] || echo "note: the subquery exited ${pl_c[$n]} at $n rows"
		[ "${pi_c[$n]}" = 0 ] || echo "note: sqlite3 .import exited ${pi_c[$n]} at $n rows; see $dir/peer-import.log"
		if [ -n "${agree[$n]}" ]; then
			# "indicators eval gives a latest value|the peer's rows|rows that match"
			IFS='|' read -r a b c <<<"${agree[$n]% }"
			if ! [[ "$a$b$c" =~ ^[0-9]+$ ]]; then
				echo "note: eval's CSV at $n rows could not be set beside the peer's answer: ${agree[$n]}"
			elif [ "$a" = "$b" ] && [ "$a" = "$c" ]; then
				echo "eval at $n rows: the latest value and period of all $a indicators with data match the peer's"
			else
				echo "note: eval at $n rows gives a latest value to $a indicators, the peer to $b; $c agree on value and period"
			fi
		fi
	done

	big=${sizes_i[${#sizes_i[@]} - 1]}
	echo
	echo "Goals (docs/HACKING.md) at $big rows, $nind indicators:"
	r=$(ratio "${im_t[$big]}" "${pi_t[$big]}")
	[ "${im_c[$big]}" = - ] || [ "${im_c[$big]}" = 0 ] || r=-
	if [ $have_import = 1 ]; then
		printf '  %-44s %-14s %s\n' "import <= 1.3 x sqlite3 .import (STRICT)" "${r} x" "$(verdict "$r" 1.3 le)"
		r=$(ratio "${im_t[$big]}" "${pk_t[$big]:--}")
		[ "${im_c[$big]}" = - ] || [ "${im_c[$big]}" = 0 ] || r=-
		printf '  %-44s %-14s %s\n' "import <= 1.0 x sqlite3 .import (keyed, WAL)" "${r} x" "$(verdict "$r" 1.0 le)"
		r=${im_m[$big]}
		[ "${im_c[$big]}" = - ] || [ "${im_c[$big]}" = 0 ] || r=-
		printf '  %-44s %-14s %s\n' "import peak memory <= 100 MB" "${r} MB" "$(verdict "$r" 100 le)"
	else
		echo "  import <= 1.3 x sqlite3 .import: waits for \`charter import\` (sqlite3 took ${pi_t[$big]} s)"
	fi
	r=$(ratio "${ev_t[$big]}" "${pg_t[$big]}")
	[ "${ev_c[$big]}" = - ] || [ "${ev_c[$big]}" = 0 ] || r=-
	if [ $have_eval = 1 ] && [ $have_import = 1 ]; then
		printf '  %-44s %-14s %s\n' "eval <= 1.5 x sqlite3 latest per indicator" "${r} x" "$(verdict "$r" 1.5 le)"
	else
		r="\`charter eval\`"
		[ $have_import = 1 ] || r="\`charter import\` and $r"
		echo "  eval <= 1.5 x sqlite3 latest per indicator: waits for $r (the query took ${pg_t[$big]} s)"
	fi
}

# ---- worst cases: inputs shaped against the checks (docs/security.md) ----
# check on a dimension with N groups (and N/10 equity lines naming them), on
# N outcomes in one leads_to chain, and on a rule nesting four comprehensions
# over N goals, which the step budget stops (exit 1). BENCH_WORST=0 skips
# them; BENCH_WORST_SIZES="10000 100000" sets N.
worst_bench() {
	echo
	echo "Worst cases (check; no stage may be quadratic, none may hang):"
	printf '%-8s %8s %9s %9s %5s\n' case N "check s" "check MB" exit
	local kind n dir t m c
	for kind in groups chain rules; do
		for n in ${BENCH_WORST_SIZES:-10000 100000}; do
			dir=$build/bench/worst-$kind-$n
			rm -rf "$dir"
			"$gen" --worst "$kind" "$n" "$dir" || { echo "bench.sh: gen --worst $kind $n failed" >&2; continue; }
			read -r t m c < <(best "$dir" "$dir/check.log" "$charter" check --color never main.charter)
			printf '%-8s %8s %9s %9s %5s\n' "$kind" "$n" "$t" "$m" "$c"
		done
	done
	echo "(groups and chain exit 0; rules exits 1, stopped by --rule-steps' default budget)"
}
if [ $have_charter = 1 ] && [ "${BENCH_WORST:-1}" != 0 ]; then
	worst_bench
fi

# ---- report: 1,000 indicators with ten years of monthly data ----
# gen's 2,701-declaration program (1,000 indicators, 688 of them broken down
# by race_ethnicity) and 120 periods of every series (697,920 rows), imported
# once; then `charter report --db` (HTML) against its peers on the same
# store: `charter eval --format csv` (the evaluation the report starts
# from) and sqlite3 reading every row the report's charts read (each
# whole-population series). Goal: under 2 s and 200 MB.
report_bench() {
	local dir=$build/bench/report rows=697920 t m c et em ec st sc
	rm -rf "$dir"
	mkdir -p "$dir"
	"$gen" --csv "$rows" "$import_decls" "$dir" >/dev/null || { echo "bench.sh: gen --csv $rows failed" >&2; return; }
	(cd "$dir" && "$charter" import --db charter.db main.charter data.csv >import.log 2>&1) ||
		{ echo "report: import failed; $dir/import.log says:"; excerpt "$dir/import.log"; return; }
	read -r t m c < <(best "$dir" "$dir/report.log" "$charter" report --db charter.db --as-of "$as_of" -o report.html main.charter)
	read -r et em ec < <(best "$dir" "$dir/eval.log" "$charter" eval --db charter.db --as-of "$as_of" --format csv main.charter)
	read -r st _ sc < <(best "$dir" /dev/null sqlite3 charter.db \
		"SELECT indicator, period, value, flags FROM measurement WHERE dimension = '' ORDER BY indicator, period_end")
	echo
	echo "report --db (HTML) on 1,000 indicators x 120 periods ($rows rows), against its peers on the same store"
	printf '%-22s %8s %8s %5s %8s\n' peer s MB exit "report/"
	printf '%-22s %8s %8s %5s %8s\n' "charter report" "$t" "$m" "$c" 1.00
	printf '%-22s %8s %8s %5s %8s\n' "charter eval --format csv" "$et" "$em" "$ec" "$(ratio "$t" "$et")"
	printf '%-22s %8s %8s %5s %8s\n' "sqlite3 (the series)" "$st" - "$sc" "$(ratio "$t" "$st")"
	echo "goals: report under 2 s: $(awk -v t="$t" 'BEGIN { print (t != "-" && t + 0 < 2) ? "met" : "MISSED" }');" \
		"under 200 MB: $(awk -v m="$m" 'BEGIN { print (m != "-" && m + 0 < 200) ? "met" : "MISSED" }')" \
		"(HTML: $(awk -v b="$(wc -c <"$dir/report.html" 2>/dev/null || echo 0)" 'BEGIN { printf "%.1f MB", b / 1048576 }'))"
}

# lsp_bench: the language server's latency from a didChange to the last
# publishDiagnostics of the program (lspbench), beside `charter check` of
# the same program as a whole process; then its memory over many edits.
lsp_bench() {
	local dir=$build/bench/lsp dirm=$build/bench/lsp-memory edits=${BENCH_LSP_EDITS:-1000}
	local medits=${BENCH_LSP_MEMORY_EDITS:-10000} t m c line mline p50 p95 ck
	rm -rf "$dir" "$dirm"
	"$gen" --files 19 5000 "$dir" >/dev/null || { echo "bench.sh: gen --files 19 5000 failed" >&2; return; }
	"$gen" --files 19 1000 "$dirm" >/dev/null || { echo "bench.sh: gen --files 19 1000 failed" >&2; return; }
	read -r t m c < <(best "$dir" "$dir/check.log" "$charter" check main.charter)
	line=$("$lspbench" "$charter" "$dir" "$edits") || { echo "lsp: lspbench failed: $line"; return; }
	mline=$("$lspbench" "$charter" "$dirm" "$medits") || { echo "lsp: lspbench (memory) failed: $mline"; return; }
	p50=$(printf '%s\n' "$line" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')
	p95=$(printf '%s\n' "$line" | sed -n 's/.*p95_ms=\([0-9.]*\).*/\1/p')
	ck=$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }')
	echo
	echo "lsp: didChange -> publishDiagnostics of all 20 files, 5,000 declarations, $edits edits of one imported file"
	printf '%-34s %9s %9s\n' measure ms "/check"
	printf '%-34s %9s %9s\n' "charter check (whole process)" "$ck" 1.00
	printf '%-34s %9s %9s\n' "lsp edit p50" "$p50" "$(awk -v a="$p50" -v b="$ck" 'BEGIN { printf "%.2f", a / b }')"
	printf '%-34s %9s %9s\n' "lsp edit p95" "$p95" "$(awk -v a="$p95" -v b="$ck" 'BEGIN { printf "%.2f", a / b }')"
	echo "  $line"
	echo "goals: p95 at most 1.0x check: $(awk -v a="$p95" -v b="$ck" 'BEGIN { print (a <= b) ? "met" : "MISSED" }');" \
		"p95 under 50 ms: $(awk -v a="$p95" 'BEGIN { print (a < 50) ? "met" : "MISSED" }')"
	echo "lsp memory over $medits edits (1,000 declarations in 20 files): $mline"
}

if [ "${BENCH_LSP:-1}" != 0 ] && [ $have_charter = 1 ] && [ -x "$build/lspbench" ] && "$charter" help lsp >/dev/null 2>&1; then
	lspbench=$build/lspbench
	lsp_bench
fi

# ---- PostgreSQL: import and eval against psql on the same rows ----
# The program and CSV of the import bench (gen --csv), BENCH_PG_ROWS rows
# (default 10,000,000), on a throwaway server (tests/pg.sh). import:
# `charter import --db postgresql://...` into a fresh database against
# psql's \copy of the same rows (with their period_end, as the store keeps
# it) into a fresh table with the store's columns and primary key
# (coalition, indicator, dimension, grp, period_end): goal at most 1.2x.
# eval: `charter eval --format json` against one SQL query answering the
# same (the latest value of every indicator and group, with its first row
# as the baseline) through psql: goal at most 1.5x. BENCH_PG=0 skips it.
pg_rows=${BENCH_PG_ROWS:-10000000}
pg_peer_table="CREATE TABLE measurement (
  coalition text COLLATE \"C\" NOT NULL DEFAULT '', indicator text COLLATE \"C\" NOT NULL,
  dimension text COLLATE \"C\" NOT NULL DEFAULT '', grp text COLLATE \"C\" NOT NULL DEFAULT '',
  period text NOT NULL, period_end text COLLATE \"C\" NOT NULL, value double precision,
  numerator double precision, denominator double precision, flags text NOT NULL DEFAULT '',
  source text NOT NULL DEFAULT '', note text NOT NULL DEFAULT '', import_id bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (coalition, indicator, dimension, grp, period_end))"
# For context: the same table with the store's foreign key (import_id
# REFERENCES import(id), checked row by row), which charter's table has.
pg_fk_table="CREATE TABLE import (id bigint PRIMARY KEY); INSERT INTO import VALUES (1);
${pg_peer_table%)}, FOREIGN KEY (import_id) REFERENCES import(id))"
pg_query="SELECT l.indicator, l.dimension, l.grp, l.period, l.value, b.period, b.value
FROM (SELECT DISTINCT ON (indicator, dimension, grp) indicator, dimension, grp, period, value FROM measurement
      WHERE coalition = '' AND period_end <= '$as_of' ORDER BY indicator, dimension, grp, period_end DESC) l
JOIN (SELECT DISTINCT ON (indicator, dimension, grp) indicator, dimension, grp, period, value FROM measurement
      WHERE coalition = '' ORDER BY indicator, dimension, grp, period_end) b USING (indicator, dimension, grp)"

pg_bench() {
	local n=$pg_rows dir uri peer peer_fk psql im_t im_m im_c cp_t cp_c fk_t ev_t ev_m ev_c q_t q_c got
	echo
	case $n in
	'' | *[!0-9]* | 0)
		echo "bench.sh: BENCH_PG_ROWS must be a positive whole number, not '$n'" >&2
		exit 2
		;;
	esac
	# shellcheck source=tests/pg.sh
	. "$srcdir/tests/pg.sh"
	if ! pg_start 2>"$build/bench-pg-start.log"; then
		echo "postgresql: skipped (PostgreSQL could not start: $(head -n 1 "$build/bench-pg-start.log"))"
		return 0
	fi
	trap 'pg_stop' EXIT
	psql=$PG_BINDIR/psql
	dir=$build/bench/pg-$n
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ -f "$build/bench/import-$n/data.csv" ]; then
		cp "$build/bench/import-$n/"*.charter "$dir"/ && ln -s "$build/bench/import-$n/data.csv" "$dir/data.csv"
	else
		"$gen" --csv "$n" "$import_decls" "$dir" >/dev/null ||
			{ echo "bench.sh: gen --csv $n $import_decls failed" >&2; exit 2; }
	fi
	"$psql" -X -q -d "$PG_URI" -c "CREATE DATABASE bench_charter" -c "CREATE DATABASE bench_peer" \
		-c "CREATE DATABASE bench_peer_fk" >/dev/null
	uri=${PG_URI%/charter}/bench_charter
	peer=${PG_URI%/charter}/bench_peer
	peer_fk=${PG_URI%/charter}/bench_peer_fk
	read -r im_t im_m im_c < <(runs=1 best "$dir" "$dir/pg-import.log" \
		"$charter" import --db "$uri" main.charter data.csv)
	got=$("$psql" -X -At -d "$uri" -c "SELECT count(*) FROM measurement" 2>&1)
	[ "$got" = "$n" ] || echo "note: charter import stored $got rows of $n; see $dir/pg-import.log"
	# the peer's file: the same rows with their period_end, in the CSV's order
	"$psql" -X -q -d "$uri" -c "\\copy (SELECT indicator, dimension, grp, period, period_end, value, source, note FROM measurement) TO '$dir/peer.csv' CSV" ||
		echo "note: the rows could not be copied out for psql's \\copy"
	"$psql" -X -q -d "$peer" -c "$pg_peer_table" >/dev/null
	read -r cp_t _ cp_c < <(runs=1 best "$dir" "$dir/pg-copy.log" "$psql" -X -q -d "$peer" \
		-c "\\copy measurement (indicator, dimension, grp, period, period_end, value, source, note) FROM 'peer.csv' CSV")
	got=$("$psql" -X -At -d "$peer" -c "SELECT count(*) FROM measurement" 2>&1)
	[ "$got" = "$n" ] || echo "note: psql \\copy stored $got rows of $n; see $dir/pg-copy.log"
	"$psql" -X -q -d "$peer_fk" -c "$pg_fk_table" >/dev/null
	read -r fk_t _ _ < <(runs=1 best "$dir" "$dir/pg-copy-fk.log" "$psql" -X -q -d "$peer_fk" \
		-c "\\copy measurement (indicator, dimension, grp, period, period_end, value, source, note) FROM 'peer.csv' CSV")
	"$psql" -X -q -d "$uri" -c "VACUUM ANALYZE" >/dev/null 2>&1
	read -r ev_t ev_m ev_c < <(best "$dir" "$dir/pg-eval.log" \
		"$charter" eval --db "$uri" --as-of "$as_of" --format json main.charter)
	read -r q_t _ q_c < <(best "$dir" /dev/null "$psql" -X -q -At -o /dev/null -d "$uri" -c "$pg_query")
	local goal_i goal_e ri re
	ri=$(ratio "$im_t" "$cp_t")
	re=$(ratio "$ev_t" "$q_t")
	[ "$im_c" = 0 ] || ri=-
	[ "$ev_c" = 0 ] || re=-
	goal_i=$(awk -v r="$ri" 'BEGIN { print r == "-" ? "-" : (r <= 1.2 ? "met" : "MISSED") }')
	goal_e=$(awk -v r="$re" 'BEGIN { print r == "-" ? "-" : (r <= 1.5 ? "met" : "MISSED") }')
	row_p() { printf '%-9s %8s %6s %5s %8s %8s %11s %9s %7s\n' "$@"; }
	echo "postgresql: $n rows, a fresh database each (PostgreSQL $("$psql" -X -At -d "$uri" -c 'SHOW server_version' 2>/dev/null), fsync off)"
	row_p "" "charter s" MB exit "psql s" ratio "<= goal" "psql+fk s" "/+fk"
	row_p "" --------- -- ---- ------ ----- ------- --------- ----
	row_p import "$im_t" "$im_m" "$im_c" "$cp_t" "$ri" "1.2 $goal_i" "${fk_t:--}" "$(ratio "$im_t" "${fk_t:--}")"
	row_p eval "$ev_t" "$ev_m" "$ev_c" "$q_t" "$re" "1.5 $goal_e" - -
	echo "(import: charter import --db postgresql://... main.charter data.csv, once; psql: \\copy of the same rows into the store's"
	echo " columns and key, once; eval: charter eval --as-of $as_of --format json, best of $runs; psql: one query for the latest"
	echo " value of every indicator and group with its first row, best of $runs; psql+fk: the \\copy into the same table with"
	echo " a foreign key import_id -> import(id), checked row by row, as the SQLite store has it; the PostgreSQL"
	echo " store checks the import in its row-level security policies instead)"
	for f in pg-import pg-eval; do
		case $f in pg-import) c=$im_c ;; *) c=$ev_c ;; esac
		case $c in
		0 | -) ;;
		*)
			echo "charter ${f#pg-} exited $c; $dir/$f.log says:"
			excerpt "$dir/$f.log"
			;;
		esac
	done
	pg_stop
	trap - EXIT
}

if [ "${BENCH_IMPORT:-1}" = 0 ]; then
	echo
	echo "import and eval: skipped (BENCH_IMPORT=0)"
elif ! command -v sqlite3 >/dev/null 2>&1; then
	echo
	echo "import and eval: skipped (needs sqlite3, the peer; make deps installs it)"
else
	srcdir=$(cd "$(dirname "$0")/../.." && pwd)
	store_bench
	if [ $have_charter = 1 ] && "$charter" help report >/dev/null 2>&1 && [ "${BENCH_REPORT:-1}" != 0 ]; then
		report_bench
	fi
fi
if [ "${BENCH_PG:-1}" != 0 ] && [ $have_charter = 1 ]; then
	srcdir=$(cd "$(dirname "$0")/../.." && pwd)
	pg_bench
fi

exit 0
