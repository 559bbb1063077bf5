#!/bin/bash
# gen-coverage.sh -- the depth-of-coverage bench input (never committed).
#
# Usage: gen-coverage.sh WORKDIR [DEPTH]
#
#   WORKDIR/coverage.bam       (+ .bai) a DEPTH-x (default 30) sample of 2x150 bp
#                              pairs, coordinate-sorted
#   WORKDIR/coverage-long.bam  (+ .bai) the same records under a header that
#                              declares CHROMOSOME_I 250,000,000 bp long (the
#                              reads stay in its first Mb): mosdepth allocates
#                              4 bytes per base of the longest contig for it
#
# The reference (WORKDIR/gen-coverage/ref.fa, 6.01 Mb) is CHROMOSOME_I of
# Debian's htslib-test ce.fa (1,009,800 bp of real sequence, repeats
# included) followed by two pseudo-random contigs, synth1 (3,400,000 bp) and
# synth2 (1,600,017 bp: its last 500 bp window is partial), drawn with the
# Park-Miller generator in awk, so they are the same with mawk and gawk.
# dwgsim simulates DEPTH x ref length / 300 pairs (seed SEED), fragments of
# 330 +- 60 bp, so about a third of the mates overlap; bwa mem runs with a
# fixed batch size (-K) and samtools sort writes the BAM.  Every output only
# appears under its final name once complete; steps whose output is there
# are skipped, so re-running it is cheap.  Takes about 2.5 minutes on 2 cores.
#
# Environment: CE_FA, THREADS (2), SEED (31).
set -euo pipefail
export LC_ALL=C

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: gen-coverage.sh WORKDIR [DEPTH]" >&2; exit 2; }
work=$1 depth=${2:-30}
ce_fa=${CE_FA:-/usr/share/htslib-test/test/ce.fa}
threads=${THREADS:-2} seed=${SEED:-31}
long_len=250000000

for tool in dwgsim bwa samtools; do
    command -v "$tool" >/dev/null || { echo "gen-coverage.sh: $tool not found on PATH" >&2; exit 1; }
done
[ -r "$ce_fa" ] || { echo "gen-coverage.sh: cannot read \"$ce_fa\" (Debian package htslib-test)" >&2; exit 1; }

gen=$work/gen-coverage
mkdir -p "$gen"
bam=$work/coverage.bam
long=$work/coverage-long.bam
trap 'rm -f "$bam.tmp.$$" "$bam.tmp.$$.bai" "$long.tmp.$$" "$long.tmp.$$.bai" "$gen"/sort.$$.*' EXIT
ts() { date '+%H:%M:%S'; }

# 1. reference + bwa index (reused when present)
if [ ! -s "$gen/ref.fa.bwt" ] || [ ! -s "$gen/ref.fa.sa" ]; then
    echo "[$(ts)] gen-coverage: reference (CHROMOSOME_I + 5 Mb pseudo-random) and bwa index" >&2
    "$(dirname "$0")/make-ref.sh" "$gen/ref.fa" "$ce_fa" synth1 3400000 synth2 1600017
fi
ref_len=$(awk '{n += $2} END {print n}' "$gen/ref.fa.fai")
pairs=$(( ref_len * depth / 300 ))

# 2. reads
r1=$gen/sim.bwa.read1.fastq.gz r2=$gen/sim.bwa.read2.fastq.gz
if [ "$(cat "$gen/sim.done" 2>/dev/null)" != "$pairs $seed" ]; then
    echo "[$(ts)] gen-coverage: dwgsim $pairs pairs of 2x150 bp (${depth}x of $ref_len bp, seed $seed)" >&2
    rm -f "$r1" "$r2" "$gen/sim.done"
    dwgsim -z "$seed" -N "$pairs" -1 150 -2 150 -d 330 -s 60 \
        -e 0.002 -E 0.004 -r 0.001 -y 0.01 -o 1 \
        "$gen/ref.fa" "$gen/sim" >"$gen/dwgsim.log" 2>&1
    echo "$pairs $seed" >"$gen/sim.done"
    rm -f "$bam" "$bam.bai" "$long" "$long.bai"
fi

# 3. align + sort + index
if [ ! -s "$bam" ] || [ ! -s "$bam.bai" ]; then
    echo "[$(ts)] gen-coverage: bwa mem -t $threads | samtools sort" >&2
    bwa mem -t "$threads" -K 10000000 \
            -R '@RG\tID:cov1\tSM:cov1\tLB:lib1\tPL:ILLUMINA' \
            "$gen/ref.fa" "$r1" "$r2" 2>"$gen/bwa-mem.log" \
        | samtools sort -@ "$threads" -m 768M -T "$gen/sort.$$" -o "$bam.tmp.$$" -
    samtools index "$bam.tmp.$$" "$bam.tmp.$$.bai"
    mv "$bam.tmp.$$.bai" "$bam.bai"
    mv "$bam.tmp.$$" "$bam"
    touch "$bam.bai"            # index must not look older than the BAM
    rm -f "$long" "$long.bai"
fi

# 4. the long-contig header: same records, CHROMOSOME_I declared long_len bp
if [ ! -s "$long" ] || [ ! -s "$long.bai" ]; then
    echo "[$(ts)] gen-coverage: $long (CHROMOSOME_I declared $long_len bp)" >&2
    samtools view -H "$bam" \
        | awk -v len="$long_len" -F'\t' -v OFS='\t' '
            $1 == "@SQ" && $2 == "SN:CHROMOSOME_I" { for (i = 3; i <= NF; i++) if ($i ~ /^LN:/) $i = "LN:" len }
            { print }' >"$gen/long.hdr"
    samtools reheader --no-PG "$gen/long.hdr" "$bam" >"$long.tmp.$$"
    samtools index "$long.tmp.$$" "$long.tmp.$$.bai"
    mv "$long.tmp.$$.bai" "$long.bai"
    mv "$long.tmp.$$" "$long"
    touch "$long.bai"
fi
echo "[$(ts)] gen-coverage: $bam and $long ($(samtools idxstats "$bam" | awk '{n += $3 + $4} END {print n}') records)" >&2
