#!/bin/bash
# sort-bench.sh -- g5 sort against samtools sort, side by side, as ratios.
#
# Usage: sort-bench.sh G5 PAIRS_BAM OUTDIR
#
# PAIRS_BAM is bwa mem output (gen-pairs.sh).  For each memory budget in
# MEMORY_LIST (default "256 1024", MB) at THREADS (default 2) extra threads:
#   g5 sort -@ T -m M          vs  samtools sort -@ T -m M/T
# -- the same TOTAL memory: samtools' -m is per sorting thread.  Targets:
# wall <= 0.8 x samtools sort, peak RSS <= budget + 10 %.  REPEATS rounds
# (default 3), interleaved, best wall kept.  Writes OUTDIR/sort-bench.tsv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 3 ] || { echo "usage: sort-bench.sh G5 PAIRS_BAM OUTDIR" >&2; exit 2; }
g5=$1 in=$2 out=$3
threads=${THREADS:-2} repeats=${REPEATS:-3} memory_list=${MEMORY_LIST:-256 1024}
bench_init "$out" sort-bench
tmp=$out/sort-tmp
mkdir -p "$tmp"
per_thread() { echo $(( $1 / ($threads > 0 ? $threads : 1) )); }

cat "$in" >/dev/null
for ((r = 1; r <= repeats; r++)); do
    for m in $memory_list; do
        bench_time "g5 sort -m ${m}M" "$g5" sort -@ "$threads" -m "${m}M" -T "$tmp" -o "$out/g5.sorted.bam" "$in"
        bench_time "samtools sort -m $(per_thread "$m")M x $threads" \
            samtools sort -@ "$threads" -m "$(per_thread "$m")M" -T "$tmp/st" -o "$out/st.sorted.bam" "$in"
    done
done
same=$(cmp -s <(samtools view --no-PG "$out/g5.sorted.bam") <(samtools view --no-PG "$out/st.sorted.bam") && echo "records identical" || echo "RECORDS DIFFER")
for m in $memory_list; do
    bench_ratio "g5 sort -m ${m}M" "samtools sort -m $(per_thread "$m")M x $threads" 0.8 "$same"
    bench_rss "g5 sort -m ${m}M" "$m"
done
bench_done
