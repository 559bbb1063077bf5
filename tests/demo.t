#!/bin/bash
# demo.t -- `make demo`'s program end to end (workflows/demo.mk): three
# centres' pipelines and the cohort's, on reads simulated with planted
# variants and a phenome with causal ones.
#
# Checked against what was planted: the cohort's calls find the planted SNVs
# (recall and precision per participant from g5 concord, against bcftools'
# count of the truth's non-reference genotypes), ldl's strongest association
# is its causal SNV; and against the tools' peers: each BAM's flagstat is
# samtools flagstat's, the cohort's samples are the six participants.  A
# rerun does nothing and the simulation is the same bytes twice.  (The
# pipelines themselves -- resumption, bad sample names, refdata's known
# duplicates -- are tested in workflows.t.)
. "$(dirname "$0")/lib.sh"
for t in bwa dwgsim samtools bcftools multiqc; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

D=$T/demo
runs "make -f workflows/demo.mk runs" make -s -C "$TOP" -j2 -f workflows/demo.mk G5="$G5" OUT="$D"
grep -q "report:          $D/cohort/multiqc_report.html" "$T/stdout"; ok $? "and says where the report is"
grep -q "plots: .*$D/cohort/assoc/quant.ldl.manhattan.png" "$T/stdout"; ok $? "and the plots"

for c in A B C; do
    for s in $(awk 'NR > 1 { print $1 }' "$D/sim/centre$c.tsv"); do
        for f in bam bam.bai markdup.metrics stats.txt mosdepth.summary.txt g.vcf.gz g.vcf.gz.tbi; do
            [ -s "$D/centre$c/$s.$f" ] || echo "missing $D/centre$c/$s.$f"
        done
    done
done >"$T/missing"
is "$(cat "$T/missing")" "" "every centre wrote every sample's BAM, metrics, stats, coverage and gVCF"
is "$(awk -F'\t' '$1 == "SN" && $2 == "raw total sequences:" { print $3 }' "$D/centreB/S3.stats.txt")" \
   "$(samtools view -c -F 0x900 "$D/centreB/S3.bam")" "the stats written beside the BAM count its reads"
is "$(samtools view -H "$D/centreA/S1.bam" | grep -c '^@RG.*ID:S1.L1.*SM:S1.*LB:S1.lib1')" 1 "the read group comes from the sheet"
is "$(samtools view -c -f 1024 -F 0x900 "$D/centreA/S1.bam")" \
   "$(awk -F'\t' 'f { print $6 + 2 * $7; exit } /^LIBRARY/ { f = 1 }' "$D/centreA/S1.markdup.metrics")" \
   "the duplicates flagged are those the metrics count"

is "$(bcftools query -l "$D/cohort/cohort.bcf" | tr '\n' ' ')" "S1 S2 S3 S4 S5 S6 " "the cohort holds the six participants"
# recall and precision of the planted SNVs, per participant
awk -F'\t' 'NR > 1 && ($6 < 0.85 || $7 < 0.9) { print }' "$D/cohort/concordance.tsv" >"$T/poor"
is "$(cat "$T/poor")" "" "each participant's planted SNVs found with recall >= 0.85 and precision >= 0.9"
for s in S1 S4; do
    planted=$(bcftools view -s $s "$D/sim/truth.vcf" | bcftools view -H -i 'GT="alt"' | wc -l)
    is "$(awk -F'\t' -v s=$s '$1 == s { print $2 + $4 }' "$D/cohort/concordance.tsv")" "$planted" \
       "$s: TP + FN is the truth's count of its non-reference genotypes ($planted)"
done

# ldl = 1.5 per allele of the first planted SNV: it has the smallest p (a
# tie with SNVs of the same genotypes in six people is possible)
causal=$(perl -ne 'next if /^#/; @f = split /\t/; chomp $f[-1];
    print "$f[0]:$f[1]\n" if join(",", @f[9..14]) eq "0|0,0|1,1|1,0|1,0|0,1|1"' "$D/sim/truth.vcf")
best=$(zcat "$D/cohort/assoc/quant.ldl.tsv.gz" | awk -F'\t' 'NR > 1 && (min == "" || $8 < min) { min = $8 } END { print min }')
is "$(zcat "$D/cohort/assoc/quant.ldl.tsv.gz" | awk -F'\t' -v p="$best" 'NR > 1 && $8 == p { print $1 ":" $2 }' | grep -cx "$causal")" 1 \
   "ldl's causal SNV ($causal) has the smallest p"
for f in quant.ldl.tsv.gz quant.ldl.tsv.gz.tbi quant.ldl.tsv.gz-meta.yaml quant.height.qq.svg binary.asthma.manhattan.png binary.log; do
    [ -s "$D/cohort/assoc/$f" ]; ok $? "assoc wrote $f"
done
grep -q 'quant_ldl_manhattan' "$D/cohort/multiqc_report.html"; ok $? "the report shows the Manhattan plots"
grep -q 'mosdepth' "$D/cohort/multiqc_report.html" && grep -q 'Picard' "$D/cohort/multiqc_report.html"
ok $? "and the centres' coverage and duplication"

# a rerun does nothing but print
make -s -C "$TOP" -f workflows/demo.mk G5="$G5" OUT="$D" -n 2>&1 | grep -E 'g5 (joint|assoc|call|sort)|bwa mem' >"$T/redo"
is "$(cat "$T/redo")" "" "a rerun redoes no step"
# the simulation is reproducible
"$TOP/workflows/demo/simulate.sh" "$D/ref/ref.fa" "$T/sim2"
is "$(cd "$T/sim2" && sha256sum *.fq.gz phenome.tsv truth.vcf | sha256sum)" \
   "$(cd "$D/sim" && sha256sum *.fq.gz phenome.tsv truth.vcf | sha256sum)" "the simulation is the same bytes twice"

done_testing
