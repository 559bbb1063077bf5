# workflows/bench/lib.sh -- timing and ratio helpers for the bench scripts.
#
#   . lib.sh
#   bench_init OUTDIR NAME          start OUTDIR/NAME.runs.tsv and NAME.tsv
#   bench_time LABEL CMD...         run CMD (stdout to /dev/null unless CMD
#                                   redirects), record wall seconds and peak RSS
#   bench_ratio A B TARGET [NOTE]   a table row: best wall of A over best of B,
#                                   judged against TARGET ("-" for none)
#   bench_rss LABEL BUDGET_MB [TARGET]  a row: peak RSS of LABEL over a budget,
#                                   judged against TARGET (default 1.10)
#   bench_row NAME VALUE TARGET VERDICT NOTE  a row without wall times
#   bench_ge A B                    true when the number A >= B
#   bench_done                      print the table, move files into place
#
# Accuracy against a truth set (BCFTOOLS, default bcftools, does the work):
#   bench_calls REF VCF [SAMPLE]    "CHROM:POS:REF:ALT<TAB>het|hom" per ALT the
#                                   sample's GT carries, normalized, sorted
#   bench_truth REF TRUTH.vcf       the same for dwgsim's mutations VCF
#   bench_score TRUTH CALLS TYPE    "tp fp fn precision recall f1 gt_agree"
#   bench_mismatch A B              "mismatches sites" between two call lists
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
    local a=$1 budget=$2 target=${3:-1.10} ra
    ra=$(_best "$a" 3)
    awk -v a="$a" -v ra="$ra" -v m="$budget" -v t="$target" 'BEGIN {
        r = sprintf("%.2f", ra / 1024 / m) + 0
        printf "peak RSS %s / budget %d MB\t%.2f\t<=%.2f\t%s\t-\t-\t%.0f\t%d\t-\n", a, m, r, t, r <= t + 0 ? "ok" : "MISS", ra / 1024, m
    }' >>"$BENCH_TSV"
}

# bench_row NAME VALUE TARGET_TEXT VERDICT NOTE: a row without wall times
# (accuracy, agreement).
bench_row() { printf '%s\t%s\t%s\t%s\t-\t-\t-\t-\t%s\n' "$@" >>"$BENCH_TSV"; }
bench_ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }

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

# --- accuracy against a truth set ----------------------------------------------

# bench_calls REF VCF [SAMPLE]: "CHROM:POS:REF:ALT<TAB>het|hom" for every ALT
# the sample's genotype carries, after splitting and normalizing; symbolic and
# * alleles (gVCF blocks, spanning deletions) left out.
bench_calls() {
    local bcf=${BCFTOOLS:-bcftools}
    "$bcf" view -Ou ${3:+-s "$3"} "$2" \
        | "$bcf" norm -Ou -f "$1" -m -any 2>/dev/null \
        | "$bcf" query -i 'GT="alt"' -f '%CHROM:%POS:%REF:%ALT\t[%GT]\n' \
        | awk -F'\t' '$1 !~ /[<*]/ { n = split($2, a, /[\/|]/); h = (n == 2 && a[1] == a[2]) ? "hom" : "het"; print $1 "\t" h }' \
        | sort -u -k1,1
}

# bench_truth REF TRUTH.vcf: the same list for dwgsim's PREFIX.mutations.vcf
# (AF=1 hom, else het).
bench_truth() {
    "${BCFTOOLS:-bcftools}" norm -f "$1" -m -any "$2" 2>/dev/null \
        | awk -F'\t' '!/^#/ { print $1 ":" $2 ":" $4 ":" $5 "\t" ($8 ~ /(^|;)AF=1(\.0*)?(;|$)/ ? "hom" : "het") }' \
        | sort -u -k1,1
}

# bench_score TRUTH CALLS TYPE: "tp fp fn precision recall f1 gt_agree" for
# TYPE (snv: REF and ALT one base each; indel: the rest), matching the
# normalized keys whatever the genotype; gt_agree counts the true positives
# with the same het/hom.
bench_score() {
    join -t $'\t' -a 1 -a 2 -e - -o 0,1.2,2.2 "$1" "$2" | awk -F'\t' -v want="$3" '
        { split($1, k, ":"); t = (length(k[3]) == 1 && length(k[4]) == 1) ? "snv" : "indel"
          if (t != want) next
          if ($2 != "-" && $3 != "-") { tp++; if ($2 == $3) gt++ }
          else if ($3 != "-") fp++
          else fn++ }
        END { p = tp + fp ? tp / (tp + fp) : 0; r = tp + fn ? tp / (tp + fn) : 0
              printf "%d %d %d %.4f %.4f %.4f %d\n", tp, fp, fn, p, r, p + r ? 2 * p * r / (p + r) : 0, gt }'
}

# bench_mismatch A B: of the sites where either list has the sample variant,
# those where the genotypes differ (or one side has none): "mismatches sites".
bench_mismatch() {
    join -t $'\t' -a 1 -a 2 -e - -o 0,1.2,2.2 "$1" "$2" | awk -F'\t' '{ n++; if ($2 != $3) d++ } END { print d + 0, n + 0 }'
}
