#!/bin/sh
# simulate.sh DIR PAIRS SEED -- a small sequencing library with known
# duplicates, for tests/markdup.t (and, with more pairs, by hand).
#
# dwgsim draws PAIRS read pairs (2x100, 300 bp fragments) from 60 kb of
# C. elegans (htslib-test's ce.fa).  Every template gets an Illumina name,
# RUN:1:FC:1:TILE:X:Y, whose RUN field is its library (1 or 2) and whose
# x and y go past 32767 (Picard keeps them in 16 bits).  Then, with SEED
# for awk's generator:
#   - 12% of pairs get 1-3 PCR copies: same sequence, a new place on the
#     flow cell, the same qualities (ties) or a few changed;
#   - 4% get 1-2 optical copies: the same tile, within ~140 pixels;
#   - 3% of pairs lose read 2 to random sequence (fragments with an
#     unmapped mate), some of them copied too;
#   - 2% have their read 2 re-read with its first 12 bases changed (soft
#     clips at the 5' end of reverse-strand reads, the same unclipped end);
#   - 2% are chimeric (supplementary alignments), 2% have mates from far
#     away (discordant pairs, some across references).
# The ids of all copies are written to DIR/truth.tsv (copy, source, kind).
# bwa mem aligns (one thread, so the output is deterministic), read groups
# come from the RUN field (two libraries): DIR/grouped.bam is the aligner's
# output (records of a template together), DIR/sim.bam its sorted form.
set -eu
dir=$1 pairs=$2 seed=$3
ce=${HTSTEST:-/usr/share/htslib-test/test}/ce.fa
cd "$dir"
{ samtools faidx "$ce" CHROMOSOME_I:100001-155000 | sed 's/^>.*/>chrI/'
  samtools faidx "$ce" CHROMOSOME_II | sed 's/^>.*/>chrII/'; } >ref.fa
samtools faidx ref.fa
bwa index ref.fa 2>/dev/null
dwgsim -z "$seed" -N "$pairs" -1 100 -2 100 -d 300 -s 30 -y 0.01 ref.fa sim >/dev/null 2>&1
zcat sim.bwa.read1.fastq.gz >dw1.fq
zcat sim.bwa.read2.fastq.gz >dw2.fq
awk -v seed="$seed" -v o1=r1.fq -v o2=r2.fq -v truth=truth.tsv '
    function rnd(n) { return int(rand() * n) }
    function junk(len,   s, i) { s = ""; for (i = 0; i < len; i++) s = s substr("ACGT", rnd(4) + 1, 1); return s }
    function requal(q,   i, n, p) { n = 1 + rnd(4)
        for (i = 0; i < n; i++) { p = 1 + rnd(length(q)); q = substr(q, 1, p - 1) substr("#+5?I", 1 + rnd(5), 1) substr(q, p + 1) }
        return q }
    function name(run, tile, x, y) { return run ":1:FC:1:" tile ":" x ":" y }
    function emit(nm, s1, q1, s2, q2) {
        print "@" nm "\n" s1 "\n+\n" q1 > o1
        print "@" nm "\n" s2 "\n+\n" q2 > o2
    }
    FNR == 1 { f++ }
    { i = int((FNR - 1) / 4); l = (FNR - 1) % 4; if (f == 1) a[i, l] = $0; else b[i, l] = $0; n = i + 1 }
    END {
        srand(seed)
        for (i = 0; i < n; i++) {
            s1 = a[i, 1]; q1 = a[i, 3]; s2 = b[i, 1]; q2 = b[i, 3]
            u = rand()
            if (u < 0.03) s2 = junk(length(s2))                                   # mate unmapped
            else if (u < 0.05) s1 = substr(s1, 1, 50) substr(a[(i + 997) % n, 1], 1, 50)   # chimera
            else if (u < 0.07) { s2 = b[(i + 1501) % n, 1]; q2 = b[(i + 1501) % n, 3] }   # far mate
            run = 1 + rnd(2); tile = 1101 + rnd(16) + 1000 * rnd(2); x = 1000 + rnd(40000); y = 1000 + rnd(40000)
            nm = name(run, tile, x, y)
            emit(nm, s1, q1, s2, q2)
            v = rand()
            if (v < 0.12) {                                                       # PCR copies
                for (c = 1 + rnd(3); c > 0; c--) {
                    cn = name(run, 1101 + rnd(16) + 1000 * rnd(2), 1000 + rnd(40000), 1000 + rnd(40000))
                    if (rand() < 0.5) emit(cn, s1, q1, s2, q2); else emit(cn, s1, requal(q1), s2, requal(q2))
                    print cn "\t" nm "\tpcr" > truth
                }
            } else if (v < 0.16) {                                                # optical copies
                for (c = 1 + rnd(2); c > 0; c--) {
                    cn = name(run, tile, x + rnd(141) - 70, y + rnd(141) - 70)
                    emit(cn, s1, rand() < 0.5 ? q1 : requal(q1), s2, q2)
                    print cn "\t" nm "\toptical" > truth
                }
            } else if (v < 0.18 && u >= 0.03) {                                   # 5'' soft clip on read 2
                cn = name(run, 1101 + rnd(16), 1000 + rnd(40000), 1000 + rnd(40000))
                emit(cn, s1, q1, junk(12) substr(s2, 13), q2)
                print cn "\t" nm "\tclipped" > truth
            }
        }
    }' dw1.fq dw2.fq
bwa mem -t1 -K 10000000 ref.fa r1.fq r2.fq 2>/dev/null >aln.sam
awk 'BEGIN { OFS = "\t" }
    /^@PG/ && !rg { print "@RG\tID:run1\tSM:s1\tLB:lib1"; print "@RG\tID:run2\tSM:s1\tLB:lib2"; rg = 1 }
    /^@/ { print; next }
    { split($1, f, ":"); print $0, "RG:Z:run" f[1] }' aln.sam >grouped.sam
samtools view -b -o grouped.bam grouped.sam
samtools sort -o sim.bam grouped.sam 2>/dev/null
rm -f dw1.fq dw2.fq grouped.sam
