#!/bin/bash
# demo.t -- the demo workflow runs on refdata and its numbers are right:
# the BAM agrees with samtools, the duplicates with refdata's list.
. "$(dirname "$0")/lib.sh"

D=$T/demo
runs "make -f workflows/demo.mk runs" make -s -C "$TOP" -f workflows/demo.mk G5="$G5" OUT="$D" THREADS=2
for f in demo1.bam demo1.bam.bai demo1.stats.txt demo1.flagstat.txt demo1.markdup.metrics \
         demo1.mosdepth.summary.txt demo1.regions.bed.gz demo1.thresholds.bed.gz demo1.sex.tsv; do
    [ -s "$D/$f" ]; ok $? "demo writes $f"
done
grep -q "== $D/demo1.bam: g5 stats --flagstat ==" "$T/stdout"; ok $? "and prints the statistics"
cmp -s "$D/demo1.flagstat.txt" <(samtools flagstat "$D/demo1.bam"); ok $? "flagstat equals samtools flagstat of the demo BAM"
is "$(samtools view -H "$D/demo1.bam" | grep -c '^@HD.*SO:coordinate')" 1 "the BAM is coordinate-sorted"
samtools idxstats "$D/demo1.bam" >/dev/null 2>&1; ok $? "and indexed"

# refdata/duplicates.tsv lists 189 copies; those of pairs that map are found.
pairs=$(samtools view -c -f 1024 -f 64 "$D/demo1.bam")
copies=$(cut -f 1,2 "$TOP/refdata/duplicates.tsv" | tr '\t' '\n' | sort -u)
found=$(samtools view -f 1024 -f 64 "$D/demo1.bam" | cut -f 1 | sort)
is "$pairs" 186 "186 duplicate pairs marked"
is "$(comm -13 <(echo "$copies") <(echo "$found") | grep -c .)" 0 "each marked pair is a copy listed in refdata, or its original"
is "$(awk -F'\t' 'f {print $8; exit} /^LIBRARY/ {f = 1}' "$D/demo1.markdup.metrics")" 35 "35 optical duplicates, as injected"

# Coverage as mosdepth computes it on the same BAM.
mkdir -p "$T/mosdepth"
mosdepth -n -b 1000 -T 1,5,10 "$T/mosdepth/demo1" "$D/demo1.bam" 2>/dev/null
for f in mosdepth.summary.txt mosdepth.global.dist.txt mosdepth.region.dist.txt; do
    cmp -s "$D/demo1.$f" "$T/mosdepth/demo1.$f"; ok $? "demo1.$f equals mosdepth's"
done
cmp -s <(zcat "$D/demo1.regions.bed.gz") <(zcat "$T/mosdepth/demo1.regions.bed.gz"); ok $? "and so do the window means"
is "$(awk -F'\t' '$1 == "demo1" {print $7}' "$D/demo1.sex.tsv")" female "C. elegans XX hermaphrodite reads: two X (female), no Y"
grep -q "depth (mosdepth's format) and sex" "$T/stdout"; ok $? "the demo prints the coverage summary"

runs "a second run" make -s -C "$TOP" -f workflows/demo.mk G5="$G5" OUT="$D" THREADS=2
! grep -q "bwa mem" "$T/stdout"; ok $? "rebuilds nothing"

done_testing
