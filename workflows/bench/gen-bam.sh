#!/bin/bash
# gen-bam.sh — generate the benchmark BAM for `make bench` (never committed).
#
# Usage: gen-bam.sh WORKDIR [PAIRS]
#
# Simulates PAIRS (default 1000000) 2x100 bp read pairs with dwgsim from the
# whole C. elegans test reference shipped by Debian's htslib-test package
# (~1.03 Mb: CHROMOSOME_I 1,009,800 bp + six 5 kb contigs), aligns them with
# bwa mem and coordinate-sorts them with samtools into
#
#   WORKDIR/bench.bam  WORKDIR/bench.bam.bai
#
# Everything is seeded and bwa mem runs with a fixed batch size (-K), so the
# BAM content does not depend on the thread count. Intermediate files are
# kept under WORKDIR/gen/ (the index is reused if the script is re-run);
# bench.bam only appears under its final name once complete.
#
# Environment: CE_FA (reference FASTA), THREADS (bwa/samtools threads, 2),
# SEED (dwgsim seed, 11).
set -euo pipefail
export LC_ALL=C

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: gen-bam.sh WORKDIR [PAIRS]" >&2
    exit 2
fi
work=$1
pairs=${2:-1000000}
ce_fa=${CE_FA:-/usr/share/htslib-test/test/ce.fa}
threads=${THREADS:-2}
seed=${SEED:-11}

for tool in dwgsim bwa samtools; do
    command -v "$tool" >/dev/null || { echo "gen-bam.sh: $tool not found on PATH" >&2; exit 1; }
done
[ -r "$ce_fa" ] || { echo "gen-bam.sh: cannot read \"$ce_fa\" (Debian package htslib-test)" >&2; exit 1; }

gen=$work/gen
mkdir -p "$gen"
bam=$work/bench.bam
tmp=$work/bench.bam.tmp.$$
trap 'rm -f "$tmp" "$tmp.bai"; rm -f "$gen"/sort.$$.*' EXIT

ts() { date '+%H:%M:%S'; }

# 1. reference + bwa index (reused when present)
if [ ! -s "$gen/ref.fa.bwt" ] || [ ! -s "$gen/ref.fa.sa" ]; then
    echo "[$(ts)] gen-bam: copying reference and running bwa index" >&2
    cp "$ce_fa" "$gen/ref.fa.tmp"
    mv "$gen/ref.fa.tmp" "$gen/ref.fa"
    samtools faidx "$gen/ref.fa"
    bwa index "$gen/ref.fa" 2>"$gen/bwa-index.log"
fi

# 2. reads
r1=$gen/sim.bwa.read1.fastq.gz
r2=$gen/sim.bwa.read2.fastq.gz
if [ ! -s "$gen/sim.done" ]; then
    echo "[$(ts)] gen-bam: dwgsim $pairs pairs (seed $seed)" >&2
    rm -f "$r1" "$r2"
    dwgsim -z "$seed" -N "$pairs" -1 100 -2 100 -d 350 -s 35 \
        -e 0.002 -E 0.004 -r 0.001 -y 0.01 -o 1 \
        "$gen/ref.fa" "$gen/sim" >"$gen/dwgsim.log" 2>&1
    echo "$pairs" >"$gen/sim.done"
fi

# 3. align + sort
echo "[$(ts)] gen-bam: bwa mem -t $threads | samtools sort (takes minutes)" >&2
bwa mem -t "$threads" -K 10000000 \
        -R '@RG\tID:bench1\tSM:bench1\tLB:lib1\tPL:ILLUMINA' \
        "$gen/ref.fa" "$r1" "$r2" 2>"$gen/bwa-mem.log" \
    | samtools sort -@ "$threads" -m 768M -T "$gen/sort.$$" -o "$tmp" -
samtools index "$tmp" "$tmp.bai"
mv "$tmp.bai" "$bam.bai"
mv "$tmp" "$bam"
touch "$bam.bai"            # index must not look older than the BAM
echo "[$(ts)] gen-bam: wrote $bam ($(samtools idxstats "$bam" | awk '{n+=$3+$4} END {print n}') records)" >&2
