#!/bin/bash
# make-refdata.sh — regenerate g5's small reference and simulated reads.
#
# Usage: refdata/make-refdata.sh [OUTDIR]      (OUTDIR defaults to refdata/)
#
# Writes, byte for byte the same on every run with the tool versions listed
# in refdata/README.md:
#   ref.fa, ref.fa.fai            CHROMOSOME_I:1-200000 and the six 5 kb test
#                                 contigs of htslib-test's ce.fa, 60 columns
#   reads_1.fq.gz, reads_2.fq.gz  4000 dwgsim read pairs, 2x100 bp (gzip -n),
#                                 Illumina-style names, plus known duplicates
#   duplicates.tsv                the copies: copy name, original name, kind
# Check the result with:  (cd refdata && sha256sum -c SHA256SUMS)
#
# Environment: CE_FA overrides the source FASTA path.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
ce_fa=${CE_FA:-/usr/share/htslib-test/test/ce.fa}
# sha256 of ce.fa as shipped by Debian htslib-test 1.16+ds-3
ce_sha256=5eca163c91918ada9774080ee2274208155f4d1b2d00700ee950cdd7b269508c

for tool in samtools dwgsim gzip sha256sum; do
    command -v "$tool" >/dev/null || { echo "make-refdata.sh: $tool not found on PATH" >&2; exit 1; }
done
[ -r "$ce_fa" ] || { echo "make-refdata.sh: cannot read \"$ce_fa\" (Debian package htslib-test)" >&2; exit 1; }
if [ "$(sha256sum <"$ce_fa" | cut -d' ' -f1)" != "$ce_sha256" ]; then
    echo "make-refdata.sh: warning: \"$ce_fa\" differs from the ce.fa this data was made from" >&2
fi

mkdir -p "$out"
tmp=$(mktemp -d "$out/.make-refdata.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Reference: the first 200 kb of chromosome I (coordinates unchanged: it is
# 1-200000, telomeric repeat included) plus the six 5 kb contigs, original
# names. samtools faidx names the sub-range "CHROMOSOME_I:1-200000"; rename it.
samtools faidx -n 60 "$ce_fa" CHROMOSOME_I:1-200000 \
        CHROMOSOME_II CHROMOSOME_III CHROMOSOME_IV CHROMOSOME_V CHROMOSOME_X CHROMOSOME_MtDNA \
    | sed 's/^>CHROMOSOME_I:1-200000$/>CHROMOSOME_I/' >"$tmp/ref.fa"
samtools faidx "$tmp/ref.fa"

# Reads: 4000 pairs, 2x100 bp, 350 bp fragments (sd 35), 0.2%/0.4% base error
# on read 1/2, mutation rate 0.001 (10% indels), 1% random (unmappable) pairs,
# fixed seed. -o 1: per-end FASTQ only (sim.bwa.read{1,2}.fastq.gz).
dwgsim -z 42 -N 4000 -1 100 -2 100 -d 350 -s 35 \
       -e 0.002 -E 0.004 -r 0.001 -R 0.10 -y 0.01 -o 1 \
       "$tmp/ref.fa" "$tmp/sim" >"$tmp/dwgsim.log" 2>&1 \
    || { cat "$tmp/dwgsim.log" >&2; exit 1; }
# Illumina-style names and known duplicates (4% PCR, 1% optical copies,
# listed in duplicates.tsv), so the demo has duplicates to find; then
# recompress with gzip -n (no name, no timestamp) so the files are reproducible.
paste <(gzip -dc "$tmp/sim.bwa.read1.fastq.gz" | paste - - - -) \
      <(gzip -dc "$tmp/sim.bwa.read2.fastq.gz" | paste - - - -) |
    awk -v seed=42 -v pcr=0.04 -v optical=0.01 -v r1="$tmp/r1.fq" -v r2="$tmp/r2.fq" \
        -v dups="$tmp/duplicates.tsv" -f "$here/add-duplicates.awk"
gzip -n -9 <"$tmp/r1.fq" >"$tmp/reads_1.fq.gz"
gzip -n -9 <"$tmp/r2.fq" >"$tmp/reads_2.fq.gz"

(cd "$tmp" && sha256sum ref.fa ref.fa.fai reads_1.fq.gz reads_2.fq.gz duplicates.tsv >SHA256SUMS)

for f in ref.fa ref.fa.fai reads_1.fq.gz reads_2.fq.gz duplicates.tsv SHA256SUMS; do
    mv -f "$tmp/$f" "$out/$f"
done
# keep the index newer than the FASTA it describes
touch "$out/ref.fa.fai"
cat "$out/SHA256SUMS"
