#!/bin/bash
# sort-bench.sh -- alignment post-processing, g5 against its peers, as ratios.
#
# Usage: sort-bench.sh G5 PAIRS_BAM OUTDIR
#
# PAIRS_BAM is bwa mem output (gen-pairs.sh).  At THREADS (default 2) extra
# threads, for each memory budget M in MEMORY_LIST (default "256 1024", MB):
#   g5 sort -m M                 vs  samtools sort -m M/T            (<= 0.8)
#   g5 sort --markdup -m M       vs  samtools collate | fixmate -m |
#                                    sort -m M/T | markdup            (<= 0.5)
# -- the same TOTAL memory: samtools' -m is per thread -- and g5's peak RSS
# against M (<= 1.10).  Each at its default BAM level (g5 5, samtools 6),
# and g5 sort once more at samtools' level (-O bam,level=6), reported
# beside it without a target, so what the level buys is in plain sight.
# Then, once (it is slow):
#   g5 sort --markdup            vs  Picard MarkDuplicates on the sorted file (<= 0.1)
# with the agreement of the duplicate flags, record by record, and the
# floor under that ratio: the time samtools view takes to recompress the
# output alone, at g5's level.
# REPEATS rounds (default 3), interleaved, best wall time kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 3 ] || { echo "usage: sort-bench.sh G5 PAIRS_BAM OUTDIR" >&2; exit 2; }
g5=$1 in=$2 out=$3
threads=${THREADS:-2} repeats=${REPEATS:-3} memory_list=${MEMORY_LIST:-256 1024}
bench_init "$out" sort-bench
tmp=$out/sort-tmp
mkdir -p "$tmp"
per_thread() { echo $(( $1 / (threads > 0 ? threads : 1) )); }
T=$threads

cat "$in" >/dev/null
for ((r = 1; r <= repeats; r++)); do
    for m in $memory_list; do
        pm=$(per_thread "$m")
        bench_time "g5 sort -m ${m}M" "$g5" sort -@ "$T" -m "${m}M" -T "$tmp" -o "$out/g5.sorted.bam" "$in"
        bench_time "g5 sort -m ${m}M -O bam,level=6" "$g5" sort -@ "$T" -m "${m}M" -T "$tmp" -O bam,level=6 \
            -o "$out/g5.sorted6.bam" "$in"
        bench_time "samtools sort -m ${pm}M x $T" \
            samtools sort -@ "$T" -m "${pm}M" -T "$tmp/st" -o "$out/st.sorted.bam" "$in"
        bench_time "g5 sort --markdup -m ${m}M" "$g5" sort --markdup -@ "$T" -m "${m}M" -T "$tmp" \
            -M "$out/g5.metrics" -o "$out/g5.md.bam" "$in"
        bench_time "samtools collate|fixmate|sort -m ${pm}M|markdup" bash -o pipefail -c "
            samtools collate -@ $T -O -u '$in' '$tmp/co' | samtools fixmate -@ $T -m -u - - |
            samtools sort -@ $T -m ${pm}M -T '$tmp/st' -u - | samtools markdup -@ $T -s - '$out/st.md.bam' 2>'$out/st.markdup.txt'"
    done
done
bench_time "Picard MarkDuplicates" PicardCommandLine MarkDuplicates I="$out/g5.sorted.bam" \
    O="$out/picard.md.bam" M="$out/picard.metrics" VALIDATION_STRINGENCY=SILENT QUIET=true
# The floor under any tool that reads and writes this BAM: decompressing and
# compressing it, nothing else.
bench_time "recompressing the output alone" samtools view -@ "$T" --output-fmt bam,level=5 -o /dev/null "$out/g5.md.bam"

same=$(cmp -s <(samtools view --no-PG "$out/g5.sorted.bam") <(samtools view --no-PG "$out/st.sorted.bam") \
       && echo "records identical" || echo "RECORDS DIFFER")
# Flags against Picard, record by record (both files are in the same order).
agree=$(paste <(samtools view "$out/g5.md.bam" | cut -f 1,2) <(samtools view "$out/picard.md.bam" | cut -f 1,2) |
    awk -F'\t' 'function bit(f, b) { return int(f / b) % 2 }
                { n++; sec = bit($2, 256) || bit($2, 2048); if (!sec) np++
                  if ($1 == $3 && bit($2, 1024) == bit($4, 1024)) { same++; if (!sec) samep++ } }
                END { printf "dup flags agree with Picard on %.4f%% of records (%d/%d), %.4f%% of primary records (%d/%d); the rest: supplementary/secondary records of duplicate templates, flagged by g5 as by Picard on query-grouped input",
                      100 * same / n, same, n, 100 * samep / np, samep, np }')
dups=$(samtools view -c -f 1024 "$out/g5.md.bam")
size=$(stat -c %s "$out/g5.sorted.bam" "$out/st.sorted.bam" |
    awk 'NR == 1 { a = $1 } NR == 2 { printf "output %.2f%% larger at level 5", 100 * (a / $1 - 1) }')
for m in $memory_list; do
    pm=$(per_thread "$m")
    bench_ratio "g5 sort -m ${m}M" "samtools sort -m ${pm}M x $T" 0.8 "$same; $size"
    bench_ratio "g5 sort -m ${m}M -O bam,level=6" "samtools sort -m ${pm}M x $T" - "both at level 6"
    bench_rss "g5 sort -m ${m}M" "$m"
    bench_ratio "g5 sort --markdup -m ${m}M" "samtools collate|fixmate|sort -m ${pm}M|markdup" 0.5 "$dups duplicates"
    bench_rss "g5 sort --markdup -m ${m}M" "$m"
done
last=${memory_list##* }
bench_ratio "g5 sort --markdup -m ${last}M" "Picard MarkDuplicates" 0.1 "$agree"
bench_ratio "recompressing the output alone" "Picard MarkDuplicates" - "the floor for the row above at -@ $T"
bench_done
