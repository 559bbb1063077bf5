#!/bin/bash
# gen-calls.sh -- the variant-calling bench input (never committed).
#
# Usage: gen-calls.sh G5 WORKDIR [DEPTH]
#
#   WORKDIR/gen-calls/ref.fa   (+ .fai, bwa index) the reference, 2,009,800 bp
#   WORKDIR/call-sN.bam        (+ .bai) sample sN (N = 1 2 3), DEPTH-x (default
#                              30) of 2x150 bp pairs, bwa mem, then
#                              g5 sort --markdup --write-index
#   WORKDIR/call-sN.truth.vcf  the variants planted in sN (dwgsim's
#                              PREFIX.mutations.vcf: AF=0.5 het, AF=1 hom)
#
# The reference is CHROMOSOME_I of Debian's htslib-test ce.fa (1,009,800 bp of
# real C. elegans sequence, repeats included) followed by one pseudo-random
# contig, synth1 (1,000,000 bp), drawn with the Park-Miller generator in awk
# (the same bases with mawk and gawk; the first 1,000,000 bases of
# gen-coverage.sh's synth1).  Each sample is a diploid genome of its own:
# dwgsim with its own seed (SEEDS, default "41 42 43") plants mutations at
# rate 0.001, 15% of them indels (-R 0.15, extended with probability 0.3),
# and simulates DEPTH x ref length / 300 pairs, fragments of 330 +- 60 bp
# (about a third of the mates overlap), 0.2%/0.4% errors, 1% random pairs.
# bwa mem -t THREADS -K 10000000 (the same output at any thread count) with
# @RG ID:sN SM:sN LB:sN, piped into g5 sort --markdup --write-index.
#
# Every output only appears under its final name once complete; steps whose
# output is there are skipped, so re-running it is cheap.  call-s3.bam is
# written last.  Takes under 2 minutes on 2 cores.
#
# Environment: CE_FA, THREADS (2), SEEDS ("41 42 43").
set -euo pipefail
export LC_ALL=C

[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: gen-calls.sh G5 WORKDIR [DEPTH]" >&2; exit 2; }
g5=$1 work=$2 depth=${3:-30}
ce_fa=${CE_FA:-/usr/share/htslib-test/test/ce.fa}
threads=${THREADS:-2} seeds=${SEEDS:-41 42 43}

for tool in dwgsim bwa samtools; do
    command -v "$tool" >/dev/null || { echo "gen-calls.sh: $tool not found on PATH" >&2; exit 1; }
done
[ -r "$ce_fa" ] || { echo "gen-calls.sh: cannot read \"$ce_fa\" (Debian package htslib-test)" >&2; exit 1; }
"$g5" sort -h >/dev/null 2>&1 || { echo "gen-calls.sh: \"$g5 sort -h\" failed: is g5 built?" >&2; exit 1; }

gen=$work/gen-calls
mkdir -p "$gen"
trap 'rm -f "$work"/call-s*.bam.tmp.$$ "$work"/call-s*.bam.tmp.$$.bai "$work"/call-s*.truth.vcf.tmp.$$' EXIT
ts() { date '+%H:%M:%S'; }

# 1. reference + bwa index (reused when present)
ref=$gen/ref.fa
if [ ! -s "$ref.bwt" ] || [ ! -s "$ref.sa" ]; then
    echo "[$(ts)] gen-calls: reference (CHROMOSOME_I + 1 Mb pseudo-random) and bwa index" >&2
    "$(dirname "$0")/make-ref.sh" "$ref" "$ce_fa" synth1 1000000
    rm -f "$gen"/*.done "$work"/call-s*.bam "$work"/call-s*.bam.bai "$work"/call-s*.truth.vcf
fi
[ -s "$ref.fai" ] || samtools faidx "$ref"
ref_len=$(awk '{n += $2} END {print n}' "$ref.fai")
pairs=$(( ref_len * depth / 300 ))

# 2. per sample: reads and truth, then align + sort --markdup + index
n=0
for seed in $seeds; do
    n=$((n + 1)) s=s$n
    bam=$work/call-$s.bam truth=$work/call-$s.truth.vcf
    r1=$gen/$s.bwa.read1.fastq.gz r2=$gen/$s.bwa.read2.fastq.gz
    if [ "$(cat "$gen/$s.done" 2>/dev/null)" != "$pairs $seed" ]; then
        echo "[$(ts)] gen-calls: $s: dwgsim $pairs pairs of 2x150 bp (${depth}x of $ref_len bp, seed $seed)" >&2
        rm -f "$r1" "$r2" "$gen/$s.done" "$bam" "$bam.bai" "$truth"
        dwgsim -z "$seed" -N "$pairs" -1 150 -2 150 -d 330 -s 60 \
            -e 0.002 -E 0.004 -r 0.001 -R 0.15 -y 0.01 -o 1 \
            "$ref" "$gen/$s" >"$gen/$s.dwgsim.log" 2>&1
        echo "$pairs $seed" >"$gen/$s.done"
    fi
    if [ ! -s "$truth" ]; then
        cp "$gen/$s.mutations.vcf" "$truth.tmp.$$"
        mv "$truth.tmp.$$" "$truth"
    fi
    if [ ! -s "$bam" ] || [ ! -s "$bam.bai" ]; then
        echo "[$(ts)] gen-calls: $s: bwa mem -t $threads | g5 sort --markdup --write-index" >&2
        bwa mem -t "$threads" -K 10000000 -R "@RG\tID:$s\tSM:$s\tLB:$s" \
                "$ref" "$r1" "$r2" 2>"$gen/$s.bwa-mem.log" \
            | "$g5" sort --markdup --write-index -@ "$threads" -T "$gen" \
                -M "$gen/$s.markdup.metrics" -o "$bam.tmp.$$" -
        mv "$bam.tmp.$$.bai" "$bam.bai"
        mv "$bam.tmp.$$" "$bam"
        touch "$bam.bai"            # index must not look older than the BAM
    fi
done
echo "[$(ts)] gen-calls: $(for ((i = 1; i <= n; i++)); do printf '%s ' "$work/call-s$i.bam"; done)on $ref ($ref_len bp)" >&2
