#!/bin/bash
# gen-gvcfs.sh -- the joint-genotyping bench input (never committed).
#
# Usage: gen-gvcfs.sh G5 WORKDIR
#
#   WORKDIR/gen-gvcfs/ref.fa     (+ .fai, bwa index) the reference, 200,000 bp
#   WORKDIR/gen-gvcfs/pool.vcf   the variants the cohort shares
#   WORKDIR/gen-gvcfs/dK.*       distinct sample dK (K = 1..DISTINCT): dK.vcf
#                                what was planted from the pool, dK.truth.vcf
#                                what dwgsim made of it, dK.bam (+ .bai),
#                                dK.g.vcf.gz (+ .tbi) from g5 call --gvcf
#   WORKDIR/gvcfs/gNNNN.g.vcf.gz (+ .tbi) gVCF number NNNN (0001..max(NS)):
#                                distinct sample ((NNNN - 1) mod DISTINCT) + 1
#                                renamed gNNNN (bcftools reheader -s)
#   WORKDIR/gvcfs-N.list         the first N of them, one absolute path a line,
#                                for each N in NS
#
# The reference is the first 150,000 bp of CHROMOSOME_I of Debian's
# htslib-test ce.fa (real sequence, under the same name) followed by synth1,
# the first 50,000 bases of make-ref.sh's pseudo-random contig: two contigs,
# so the merge crosses a contig boundary.
#
# The samples share variants: one pool of mutations is drawn once (dwgsim -M,
# rate 0.0035, 15% indels extended with probability 0.3, seed 61), each pool
# variant gets a population frequency f = 0.5 u^2 (u uniform), and each
# distinct sample carries it hom with probability f^2 and het (on either
# haplotype) with probability 2f(1-f) -- about 0.001 variants per base per
# sample, most of them rare, a few in every sample.  The draws come from
# Park-Miller generators in awk (the same with mawk and gawk), one for the
# frequencies and one per sample, so adding samples keeps the first ones.
# dwgsim -v plants a sample's set (and moves an insertion one base to the
# right on the way: dK.truth.vcf is what it made, the same for every
# carrier), then simulates DEPTH (GVCF_DEPTH, 20) x ref length / 300 pairs
# of 2x150 bp, fragments of 330 +- 60 bp, 0.2%/0.4% errors, 1% random pairs,
# seed 500 + K.  bwa mem -t THREADS -K 10000000 with @RG ID:dK SM:dK LB:dK is
# piped into g5 sort --markdup --write-index, then
# g5 call --gvcf -f ref.fa --write-index writes dK.g.vcf.gz.
#
# Every output only appears under its final name once complete; steps whose
# output is there (and not older than what it is made from) are skipped, so
# re-running it is cheap.  A new DISTINCT renames every gNNNN afresh.
# Takes about 65 s on 2 cores with the defaults (1000 gVCFs, 138 MB, and
# 130 MB of reads, BAMs and gVCFs in gen-gvcfs/).
#
# Environment: CE_FA, THREADS (2), DISTINCT (20), NS ("10 100 1000"),
# GVCF_DEPTH (20), BCFTOOLS.
set -euo pipefail
export LC_ALL=C

[ $# -eq 2 ] || { echo "usage: gen-gvcfs.sh G5 WORKDIR" >&2; exit 2; }
g5=$1 work=$2
ce_fa=${CE_FA:-/usr/share/htslib-test/test/ce.fa}
threads=${THREADS:-2} distinct=${DISTINCT:-20} ns=${NS:-10 100 1000} depth=${GVCF_DEPTH:-20}
bcftools=${BCFTOOLS:-bcftools}
real_bp=150000 synth_bp=50000 pool_rate=0.0035 pool_seed=61

for tool in dwgsim bwa samtools tabix "$bcftools"; do
    command -v "$tool" >/dev/null || { echo "gen-gvcfs.sh: $tool not found on PATH" >&2; exit 1; }
done
[ -r "$ce_fa" ] || { echo "gen-gvcfs.sh: cannot read \"$ce_fa\" (Debian package htslib-test)" >&2; exit 1; }
[[ $("$g5" call -h 2>/dev/null) == *--gvcf* ]] \
    || { echo "gen-gvcfs.sh: \"$g5 call -h\" shows no --gvcf: is g5 built?" >&2; exit 1; }
[[ $distinct =~ ^[1-9][0-9]*$ ]] || { echo "gen-gvcfs.sh: DISTINCT must be a positive integer" >&2; exit 2; }
max=0
for n in $ns; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "gen-gvcfs.sh: NS must list positive integers" >&2; exit 2; }
    [ "$n" -gt "$max" ] && max=$n
done
[ "$max" -le 9999 ] || { echo "gen-gvcfs.sh: at most 9999 gVCFs" >&2; exit 2; }

gen=$work/gen-gvcfs
mkdir -p "$gen" "$work/gvcfs"
gvd=$(cd "$work/gvcfs" && pwd)
trap 'rm -f "$gen"/*.tmp.$$* "$gvd"/*.tmp.$$* "$work"/gvcfs-*.list.tmp.$$' EXIT
ts() { date '+%H:%M:%S'; }

# 1. reference + bwa index; a new one invalidates everything made from it
ref=$gen/ref.fa
if [ "$(cat "$gen/ref.done" 2>/dev/null)" != "$real_bp $synth_bp" ] || [ ! -s "$ref.bwt" ] || [ ! -s "$ref.sa" ]; then
    echo "[$(ts)] gen-gvcfs: reference (CHROMOSOME_I:1-$real_bp + synth1 $synth_bp bp) and bwa index" >&2
    rm -rf "$gen"/d[0-9]* "$gen"/pool* "$gen/ref.done" "$gvd" "$work"/gvcfs-*.list
    mkdir -p "$gvd"
    samtools faidx "$ce_fa" "CHROMOSOME_I:1-$real_bp" | sed '1s/.*/>CHROMOSOME_I/' >"$gen/piece.tmp.$$.fa"
    "$(dirname "$0")/make-ref.sh" "$ref" "$gen/piece.tmp.$$.fa" synth1 "$synth_bp"
    echo "$real_bp $synth_bp" >"$gen/ref.done"
fi
ref_len=$(awk '{n += $2} END {print n}' "$ref.fai")
pairs=$(( ref_len * depth / 300 ))

# 2. the shared pool of variants
pool=$gen/pool.vcf
if [ ! -s "$pool" ]; then
    echo "[$(ts)] gen-gvcfs: variant pool (dwgsim -M, rate $pool_rate, seed $pool_seed)" >&2
    dwgsim -M -z "$pool_seed" -r "$pool_rate" -R 0.15 -X 0.3 "$ref" "$gen/pool.tmp.$$" >"$gen/pool.dwgsim.log" 2>&1
    mv "$gen/pool.tmp.$$.mutations.vcf" "$pool"
    rm -f "$gen/pool.tmp.$$".*
fi

# plant K: the pool records sample K carries, INFO pl = 1 or 2 (het, which
# haplotype) or 3 (hom), as dwgsim -v reads them.
plant() {
    awk -F'\t' -v OFS='\t' -v k="$1" '
        function pm(s) { return (16807 * s) % 2147483647 }
        BEGIN { f = 20240601; x = (k * 1103515245 + 12345) % 2147483647
                for (i = 0; i < 10; i++) x = pm(x) }
        /^#/ { print; next }
        { f = pm(f); u = f / 2147483647; p = 0.5 * u * u
          x = pm(x); r = x / 2147483647
          x = pm(x); h = x < 1073741824 ? 1 : 2
          if (r < p * p) g = 3; else if (r < p * (2 - p)) g = h; else next
          $8 = "AF=" (g == 3 ? "1.0" : "0.5") ";pl=" g; print }' "$pool"
}

# 3. the distinct samples: planted set, reads, BAM, gVCF
for ((k = 1; k <= distinct; k++)); do
    s=d$k seed=$((500 + k))
    pl=$gen/$s.vcf bam=$gen/$s.bam gv=$gen/$s.g.vcf.gz
    r1=$gen/$s.bwa.read1.fastq.gz r2=$gen/$s.bwa.read2.fastq.gz
    if [ ! -s "$pl" ] || [ "$pool" -nt "$pl" ]; then
        plant "$k" >"$pl.tmp.$$"
        mv "$pl.tmp.$$" "$pl"
    fi
    if [ "$(cat "$gen/$s.done" 2>/dev/null)" != "$pairs $seed" ] || [ "$pl" -nt "$gen/$s.done" ]; then
        echo "[$(ts)] gen-gvcfs: $s: dwgsim $pairs pairs of 2x150 bp (${depth}x of $ref_len bp, seed $seed, $(grep -vc '^#' "$pl") planted)" >&2
        rm -f "$r1" "$r2" "$gen/$s.done"
        dwgsim -z "$seed" -v "$pl" -N "$pairs" -1 150 -2 150 -d 330 -s 60 \
            -e 0.002 -E 0.004 -y 0.01 -o 1 \
            "$ref" "$gen/$s" >"$gen/$s.dwgsim.log" 2>&1
        mv "$gen/$s.mutations.vcf" "$gen/$s.truth.vcf"
        echo "$pairs $seed" >"$gen/$s.done"
    fi
    if [ ! -s "$bam" ] || [ ! -s "$bam.bai" ] || [ "$gen/$s.done" -nt "$bam" ]; then
        echo "[$(ts)] gen-gvcfs: $s: bwa mem -t $threads | g5 sort --markdup --write-index" >&2
        bwa mem -t "$threads" -K 10000000 -R "@RG\tID:$s\tSM:$s\tLB:$s" \
                "$ref" "$r1" "$r2" 2>"$gen/$s.bwa-mem.log" \
            | "$g5" sort --markdup --write-index -@ "$threads" -T "$gen" \
                -M "$gen/$s.markdup.metrics" -o "$bam.tmp.$$" -
        mv "$bam.tmp.$$.bai" "$bam.bai"
        mv "$bam.tmp.$$" "$bam"
        touch "$bam.bai"            # index must not look older than the BAM
    fi
    if [ ! -s "$gv" ] || [ ! -s "$gv.tbi" ] || [ "$bam" -nt "$gv" ]; then
        echo "[$(ts)] gen-gvcfs: $s: g5 call --gvcf" >&2
        "$g5" call --gvcf -f "$ref" --write-index -o "$gen/$s.tmp.$$.g.vcf.gz" "$bam"
        mv "$gen/$s.tmp.$$.g.vcf.gz.tbi" "$gv.tbi"
        mv "$gen/$s.tmp.$$.g.vcf.gz" "$gv"
        touch "$gv.tbi"
    fi
done

# 4. the cohort: gVCF i is distinct sample ((i - 1) mod DISTINCT) + 1 renamed
if [ "$(cat "$gvd/distinct" 2>/dev/null)" != "$distinct" ]; then
    rm -f "$gvd"/g*.g.vcf.gz "$gvd"/g*.g.vcf.gz.tbi "$work"/gvcfs-*.list
    echo "$distinct" >"$gvd/distinct"
fi
echo "[$(ts)] gen-gvcfs: $max gVCFs in $gvd (renamed copies of $distinct samples)" >&2
for ((i = 1; i <= max; i++)); do
    name=$(printf 'g%04d' "$i")
    src=$gen/d$(( (i - 1) % distinct + 1 )).g.vcf.gz out=$gvd/$name.g.vcf.gz
    [ -s "$out" ] && [ -s "$out.tbi" ] && [ ! "$src" -nt "$out" ] && continue
    tmp=$gvd/$name.tmp.$$.g.vcf.gz
    echo "$name" >"$gvd/$name.tmp.$$.name"
    "$bcftools" reheader -s "$gvd/$name.tmp.$$.name" -o "$tmp" "$src"
    tabix -p vcf "$tmp"
    mv "$tmp.tbi" "$out.tbi"
    mv "$tmp" "$out"
    touch "$out.tbi"
    rm -f "$gvd/$name.tmp.$$.name"
done
for n in $ns; do
    list=$work/gvcfs-$n.list
    for ((i = 1; i <= n; i++)); do printf '%s/g%04d.g.vcf.gz\n' "$gvd" "$i"; done >"$list.tmp.$$"
    mv "$list.tmp.$$" "$list"
done
echo "[$(ts)] gen-gvcfs: $(for n in $ns; do printf '%s ' "$work/gvcfs-$n.list"; done)on $ref ($ref_len bp)" >&2
