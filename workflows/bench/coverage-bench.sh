#!/bin/bash
# coverage-bench.sh -- g5 coverage against mosdepth, as ratios.
#
# Usage: coverage-bench.sh G5 BAM LONG_BAM OUTDIR
#
# BAM is a ~30x sample (gen-coverage.sh), LONG_BAM the same records under a
# header declaring its first contig 250 Mb long.  At each thread count N in
# THREADS_LIST (default "0 2"; g5 -@ N, mosdepth -t N: N extra decompression
# threads on both sides), with WINDOW (default 500) bp windows:
#   g5 coverage -@ N -b 500 P BAM        vs  mosdepth -t N -n -b 500 P BAM
#   g5 coverage -x -@ N -b 500 P BAM     vs  mosdepth -x -t N -n -b 500 P BAM
# and at THREADS (default 2) on LONG_BAM.  Targets (the rest is reported):
#   wall, default mode, at THREADS        g5 / mosdepth <= 1.0
#   peak RSS on LONG_BAM                  g5 / mosdepth <= 0.25
# REPEATS rounds (default 3), interleaved, best wall time and highest RSS kept.
# Not timed: the -x outputs (summary, global.dist, region.dist, regions.bed
# content) must be identical to mosdepth's; default-mode differences (mates
# lying wholly inside their mate, g5-coverage(1)) are counted and reported.
#
# Writes OUTDIR/coverage-bench.tsv, OUTDIR/coverage-bench.runs.tsv and each
# tool's files from the last round in OUTDIR/coverage/.  Environment: REPEATS,
# THREADS_LIST, THREADS, WINDOW, MOSDEPTH, STRICT (exit 1 when a target is missed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 4 ] || { echo "usage: coverage-bench.sh G5 BAM LONG_BAM OUTDIR" >&2; exit 2; }
g5=$1 bam=$2 long=$3 out=$4
repeats=${REPEATS:-3} threads_list=${THREADS_LIST:-0 2} T=${THREADS:-2} w=${WINDOW:-500}
mosdepth=${MOSDEPTH:-mosdepth}
command -v "$mosdepth" >/dev/null || { echo "coverage-bench.sh: $mosdepth not found (Debian package mosdepth)" >&2; exit 1; }
"$g5" coverage -h >/dev/null 2>&1 || { echo "coverage-bench.sh: \"$g5 coverage -h\" failed: is g5 built?" >&2; exit 1; }
for f in "$bam" "$bam.bai" "$long" "$long.bai"; do
    [ -r "$f" ] || { echo "coverage-bench.sh: cannot read \"$f\" (gen-coverage.sh makes it)" >&2; exit 1; }
done
case " $threads_list " in *" $T "*) ;; *) threads_list="$threads_list $T" ;; esac

bench_init "$out" coverage-bench
cov=$out/coverage
mkdir -p "$cov"
records=$(samtools idxstats "$bam" | awk '{n += $3 + $4} END {print n + 0}')
long_len=$(samtools view -H "$long" | awk -F'\t' '$1 == "@SQ" {for (i = 2; i <= NF; i++) if ($i ~ /^LN:/) {l = substr($i, 4) + 0; if (l > m) m = l}} END {print m + 0}')
ver() { "$@" 2>&1 | head -n 1 || true; }
# Provenance after bench_init's two comment lines, before the column header.
sed -i "2a # g5: $(ver "$g5" --version)  mosdepth: $(ver "$mosdepth" --version)  bam: $bam ($records records, $(stat -c %s "$bam") bytes)  long: $long (longest contig $long_len bp)  window: $w  repeats: $repeats" "$BENCH_TSV"
echo "coverage-bench: $bam ($records records), $long (longest contig $long_len bp), threads: $threads_list, best of $repeats" >&2

g5l() { echo "g5 coverage $1-@ $2 -b $w${3:+ $3}"; }          # labels
mdl() { echo "mosdepth $1-t $2 -n -b $w${3:+ $3}"; }

cat "$bam" "$long" >/dev/null           # warm the page cache
for ((r = 1; r <= repeats; r++)); do
    echo "round $r" >&2
    for t in $threads_list; do
        bench_time "$(g5l "" "$t")" "$g5" coverage -@ "$t" -b "$w" "$cov/g5.t$t" "$bam"
        bench_time "$(mdl "" "$t")" "$mosdepth" -t "$t" -n -b "$w" "$cov/mosdepth.t$t" "$bam"
        bench_time "$(g5l "-x " "$t")" "$g5" coverage -x -@ "$t" -b "$w" "$cov/g5.x.t$t" "$bam"
        bench_time "$(mdl "-x " "$t")" "$mosdepth" -x -t "$t" -n -b "$w" "$cov/mosdepth.x.t$t" "$bam"
    done
    bench_time "$(g5l "" "$T" long)" "$g5" coverage -@ "$T" -b "$w" "$cov/g5.long" "$long"
    bench_time "$(mdl "" "$T" long)" "$mosdepth" -t "$T" -n -b "$w" "$cov/mosdepth.long" "$long"
done

# compare A B: the four files of prefixes A (g5) and B (mosdepth); prints
# "identical" or, per differing file, the lines of B that A does not have.
compare() {
    local a=$1 b=$2 f res="" n d
    for f in summary global.dist region.dist regions.bed; do
        if [ "$f" = regions.bed ]; then
            cmp -s <(zcat "$a.regions.bed.gz") <(zcat "$b.regions.bed.gz") && continue
            n=$(zcat "$b.regions.bed.gz" | wc -l)
            d=$(diff <(zcat "$a.regions.bed.gz") <(zcat "$b.regions.bed.gz") | grep -c '^>' || true)
        else
            cmp -s "$a.mosdepth.$f.txt" "$b.mosdepth.$f.txt" && continue
            n=$(wc -l <"$b.mosdepth.$f.txt")
            d=$(diff "$a.mosdepth.$f.txt" "$b.mosdepth.$f.txt" | grep -c '^>' || true)
        fi
        res+="${res:+, }$f $d/$n lines"
    done
    echo "${res:-identical}"
}
declare -A xs ds
for t in $threads_list; do
    x=$(compare "$cov/g5.x.t$t" "$cov/mosdepth.x.t$t")
    [ "$x" = identical ] && xs["$t"]="-x outputs identical" || xs["$t"]="-x outputs DIFFER: $x"
    d=$(compare "$cov/g5.t$t" "$cov/mosdepth.t$t")
    [ "$d" = identical ] && ds["$t"]="default-mode outputs identical" \
        || ds["$t"]="default-mode outputs differ (mates inside their mate, see g5-coverage(1)): $d"
done
l=$(compare "$cov/g5.long" "$cov/mosdepth.long")
[ "$l" = identical ] && lnote="long: outputs identical" || lnote="long: outputs differ: $l"

# rss_ratio A B TARGET [NOTE]: highest peak RSS of A over that of B.
rss_ratio() {
    local a=$1 b=$2 target=$3 note=${4:-} ra rb
    ra=$(_best "$a" 3) rb=$(_best "$b" 3)
    awk -v a="$a" -v b="$b" -v ra="$ra" -v rb="$rb" -v t="$target" -v note="$note" 'BEGIN {
        r = sprintf("%.3f", rb > 0 ? ra / rb : 0) + 0
        v = t == "-" ? "-" : (r <= t + 0 ? "ok" : "MISS")
        printf "peak RSS %s / %s\t%.3f\t%s\t%s\t-\t-\t%.0f\t%.0f\t%s\n", a, b, r, t == "-" ? "-" : "<=" t, v, ra / 1024, rb / 1024, note
    }' >>"$BENCH_TSV"
}

for t in $threads_list; do
    target=-
    [ "$t" = "$T" ] && target=1.0
    bench_ratio "$(g5l "" "$t")" "$(mdl "" "$t")" "$target" "${ds[$t]}"
    bench_ratio "$(g5l "-x " "$t")" "$(mdl "-x " "$t")" - "${xs[$t]}"
done
rss_ratio "$(g5l "" "$T")" "$(mdl "" "$T")" - "$records records"
bench_ratio "$(g5l "" "$T" long)" "$(mdl "" "$T" long)" - "$lnote"
rss_ratio "$(g5l "" "$T" long)" "$(mdl "" "$T" long)" 0.25 "longest contig $long_len bp"
bench_done
