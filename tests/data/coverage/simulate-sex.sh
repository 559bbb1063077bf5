#!/bin/bash
# simulate-sex.sh DIR -- an XX and an XY sample for g5 coverage's sex
# inference, written to DIR:
#
#   ref.fa     chr1 (40 kb), chr2 (30 kb), chrX (30 kb), chrY (15 kb) and
#              chrM (4 kb) of pseudo-random sequence (a Park-Miller generator
#              in awk: the same bases with any awk), with its bwa index
#   XX.bam     autosomes and chrX at 8x, no Y, chrM at 40x    (SM:XX)
#   XY.bam     autosomes at 8x, chrX and chrY at 4x, chrM at 40x (SM:XY)
#
# Equal coverage per copy: a diploid autosome is 8x, so one X is 4x.  Reads
# are dwgsim's (fixed seeds, no random reads), aligned with bwa mem, sorted
# and indexed with samtools.  Takes a few seconds.
set -eu
D=$1
cd "$D"

awk 'BEGIN {
    split("chr1 40000 chr2 30000 chrX 30000 chrY 15000 chrM 4000", f, " ")
    x = 20240601
    for (c = 1; c <= 9; c += 2) {
        print ">" f[c]
        line = ""
        for (i = 0; i < f[c + 1]; i++) {
            x = (x * 16807) % 2147483647
            line = line substr("ACGT", int(x / 536870912) % 4 + 1, 1)
            if (length(line) == 60) { print line; line = "" }
        }
        if (line != "") print line
    }
}' >ref.fa
samtools faidx ref.fa
bwa index ref.fa 2>/dev/null
samtools faidx ref.fa chr1 chr2 >auto.fa
samtools faidx ref.fa chr1 chr2 chrX >autoX.fa
samtools faidx ref.fa chrX chrY >XY.fa
samtools faidx ref.fa chrM >chrM.fa

sim() { # fasta coverage seed prefix
    dwgsim -z "$3" -C "$2" -1 100 -2 100 -d 300 -s 30 -y 0 -o 1 -P "$4" "$1" "sim.$4" >/dev/null 2>&1
}
sample() { # name parts...
    local name=$1; shift
    cat "${@/%/.bwa.read1.fastq.gz}" >"$name.1.fq.gz"
    cat "${@/%/.bwa.read2.fastq.gz}" >"$name.2.fq.gz"
    bwa mem -t 2 -R "@RG\tID:$name\tSM:$name" ref.fa "$name.1.fq.gz" "$name.2.fq.gz" 2>/dev/null |
        samtools sort -o "$name.bam" - 2>/dev/null
    samtools index "$name.bam"
}
sim autoX.fa 8 11 xxa
sim chrM.fa 40 12 xxm
sample XX sim.xxa sim.xxm
sim auto.fa 8 21 xya
sim XY.fa 4 22 xys
sim chrM.fa 40 23 xym
sample XY sim.xya sim.xys sim.xym
rm -f sim.* ./*.fq.gz auto.fa autoX.fa XY.fa chrM.fa chrM.fa.fai auto.fa.fai autoX.fa.fai XY.fa.fai
