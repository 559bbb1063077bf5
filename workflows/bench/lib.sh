# workflows/bench/lib.sh -- timing and ratio helpers for the bench scripts.
#
#   . lib.sh
#   bench_init OUTDIR NAME          start OUTDIR/NAME.runs.tsv and NAME.tsv
#   bench_time LABEL CMD...         run CMD (stdout to /dev/null unless CMD
#                                   redirects), record wall seconds and peak RSS
#   bench_ratio A B TARGET [NOTE]   a table row: best wall of A over best of B,
#                                   judged against TARGET ("-" for none)
#   bench_rss LABEL BUDGET_MB       a row: peak RSS of LABEL over a budget
#   bench_done                      print the table, move files into place
#
# Best-of-N wall times (N = REPEATS rounds, the caller loops) and peak RSS from
# GNU time.  The headline is always a ratio: seconds depend on the machine,
# ratios of two tools run side by side in one session much less.
set -euo pipefail
export LC_ALL=C
TIMEBIN=/usr/bin/time

bench_init() {
    BENCH_OUT=$1 BENCH_NAME=$2
    mkdir -p "$BENCH_OUT"
    [ -x "$TIMEBIN" ] || { echo "bench: $TIMEBIN not found (Debian package time)" >&2; exit 1; }
    BENCH_RUNS=$BENCH_OUT/$BENCH_NAME.runs.tsv.tmp.$$
    BENCH_TSV=$BENCH_OUT/$BENCH_NAME.tsv.tmp.$$
    printf 'label\twall_s\tpeak_rss_kb\n' >"$BENCH_RUNS"
    {
        echo "# g5 $BENCH_NAME: $(date -u '+%Y-%m-%dT%H:%M:%SZ')  host: $(uname -srm)  cpus: $(nproc)"
        echo "# cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
        printf 'comparison\tratio\ttarget\tverdict\ta_best_s\tb_best_s\ta_rss_mb\tb_rss_mb\tnote\n'
    } >"$BENCH_TSV"
    trap 'rm -f "$BENCH_RUNS" "$BENCH_TSV" "$BENCH_OUT/.rss.$$"' EXIT
}

bench_time() {
    local label=$1; shift
    local t0 t1
    t0=$(date +%s%N)
    if ! "$TIMEBIN" -f %M -o "$BENCH_OUT/.rss.$$" "$@" >/dev/null 2>"$BENCH_OUT/.err.$$"; then
        cat "$BENCH_OUT/.err.$$" >&2
        echo "bench: $label failed: $*" >&2
        exit 1
    fi
    t1=$(date +%s%N)
    printf '%s\t%.3f\t%s\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 1e9}')" \
        "$(tail -n 1 "$BENCH_OUT/.rss.$$")" >>"$BENCH_RUNS"
    printf '  %-40s %8.2f s %8.0f MB\n' "$label" "$(tail -n 1 "$BENCH_RUNS" | cut -f 2)" \
        "$(tail -n 1 "$BENCH_RUNS" | awk -F'\t' '{print $3 / 1024}')" >&2
    rm -f "$BENCH_OUT/.err.$$"
}

# best LABEL FIELD: the smallest wall time (field 2) or largest RSS (field 3).
_best() {
    awk -F'\t' -v l="$1" -v f="$2" '$1 == l { v = $f + 0; if (!n++ || (f == 2 ? v < b : v > b)) b = v } END { print n ? b : 0 }' "$BENCH_RUNS"
}

bench_ratio() {
    local a=$1 b=$2 target=$3 note=${4:-}
    local ta tb ra rb
    ta=$(_best "$a" 2) tb=$(_best "$b" 2) ra=$(_best "$a" 3) rb=$(_best "$b" 3)
    awk -v a="$a" -v b="$b" -v ta="$ta" -v tb="$tb" -v ra="$ra" -v rb="$rb" -v t="$target" -v note="$note" 'BEGIN {
        r = sprintf("%.2f", tb > 0 ? ta / tb : 0) + 0
        v = t == "-" ? "-" : (r <= t + 0 ? "ok" : "MISS")
        printf "%s / %s\t%.2f\t%s\t%s\t%.3f\t%.3f\t%.0f\t%.0f\t%s\n", a, b, r, t == "-" ? "-" : "<=" t, v, ta, tb, ra / 1024, rb / 1024, note
    }' >>"$BENCH_TSV"
}

bench_rss() {
    local a=$1 budget=$2 ra
    ra=$(_best "$a" 3)
    awk -v a="$a" -v ra="$ra" -v m="$budget" 'BEGIN {
        r = sprintf("%.2f", ra / 1024 / m) + 0
        printf "peak RSS %s / budget %d MB\t%.2f\t<=1.10\t%s\t-\t-\t%.0f\t%d\t-\n", a, m, r, r <= 1.10 ? "ok" : "MISS", ra / 1024, m
    }' >>"$BENCH_TSV"
}

bench_done() {
    mv "$BENCH_RUNS" "$BENCH_OUT/$BENCH_NAME.runs.tsv"
    mv "$BENCH_TSV" "$BENCH_OUT/$BENCH_NAME.tsv"
    echo
    grep -v '^#' "$BENCH_OUT/$BENCH_NAME.tsv" | awk -F'\t' '
        { printf "%-58s %6s %-7s %-7s %9s %9s %8s %8s  %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
    echo
    echo "written: $BENCH_OUT/$BENCH_NAME.tsv (every run: $BENCH_NAME.runs.tsv)"
    if [ "${STRICT:-0}" = 1 ] && grep -q $'\tMISS\t' "$BENCH_OUT/$BENCH_NAME.tsv"; then
        echo "bench: a target was missed" >&2
        exit 1
    fi
}
