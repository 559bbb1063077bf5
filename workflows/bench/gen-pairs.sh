#!/bin/bash
# gen-pairs.sh -- the alignment post-processing bench input (never committed):
# a library with known PCR and optical duplicates, aligned, name-grouped as
# bwa mem writes it.
#
# Usage: gen-pairs.sh WORKDIR [PAIRS]
#
#   WORKDIR/pairs.bam        bwa mem output, records of a template together
#   WORKDIR/pairs.dups.tsv   the injected duplicates: copy name, original name, kind
#
# dwgsim simulates PAIRS (default 2000000) 2x100 bp pairs from Debian's
# htslib-test ce.fa (1 Mb).  Read names are rewritten Illumina-style
# (INSTRUMENT:RUN:FLOWCELL:LANE:TILE:X:Y) so that optical duplicates can be
# found from tile and coordinates; then 6% of pairs get a PCR copy (another
# tile) and 2% an optical copy (same tile, x and y within 40 pixels).
# Seeded throughout, and bwa mem runs with a fixed batch size (-K), so the
# output does not depend on the thread count.
#
# Environment: CE_FA, THREADS (2), SEED (23).
set -euo pipefail
export LC_ALL=C

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: gen-pairs.sh WORKDIR [PAIRS]" >&2; exit 2; }
work=$1 pairs=${2:-2000000}
ce_fa=${CE_FA:-/usr/share/htslib-test/test/ce.fa}
threads=${THREADS:-2} seed=${SEED:-23}
gen=$work/gen-pairs
mkdir -p "$gen"
out=$work/pairs.bam
trap 'rm -f "$out.tmp.$$" "$work/pairs.dups.tsv.tmp.$$"' EXIT

if [ ! -s "$gen/ref.fa.sa" ]; then
    cp "$ce_fa" "$gen/ref.fa"
    bwa index "$gen/ref.fa" 2>"$gen/bwa-index.log"
fi

echo "[$(date +%T)] gen-pairs: dwgsim $pairs pairs" >&2
dwgsim -z "$seed" -N "$pairs" -1 100 -2 100 -d 350 -s 35 -e 0.002 -E 0.004 \
    -r 0.001 -R 0.1 -y 0 -c 0 "$gen/ref.fa" "$gen/sim" >"$gen/dwgsim.log" 2>&1

# Interleave both reads of a pair on one line, rename, inject copies, and
# split back into two FASTQ files.
echo "[$(date +%T)] gen-pairs: naming reads and adding duplicates" >&2
paste <(zcat "$gen/sim.bwa.read1.fastq.gz" | paste - - - -) <(zcat "$gen/sim.bwa.read2.fastq.gz" | paste - - - -) |
    awk -v seed="$seed" -v pcr=0.06 -v optical=0.02 -v r1="$gen/r1.fq" -v r2="$gen/r2.fq" \
        -v dups="$work/pairs.dups.tsv.tmp.$$" -f "$(dirname "$0")/../../refdata/add-duplicates.awk"
mv "$work/pairs.dups.tsv.tmp.$$" "$work/pairs.dups.tsv"

echo "[$(date +%T)] gen-pairs: bwa mem -t $threads" >&2
bwa mem -t "$threads" -K 100000000 -R '@RG\tID:sim\tSM:sim\tLB:lib1\tPL:ILLUMINA' \
    "$gen/ref.fa" "$gen/r1.fq" "$gen/r2.fq" 2>"$gen/bwa-mem.log" |
    samtools view -b -1 -o "$out.tmp.$$" -
mv "$out.tmp.$$" "$out"
rm -f "$gen/r1.fq" "$gen/r2.fq" "$gen"/sim.*
echo "[$(date +%T)] gen-pairs: $out ($(samtools view -c "$out") records)" >&2
