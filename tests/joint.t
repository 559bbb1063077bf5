#!/bin/bash
# joint.t -- g5 joint: the hand-written gVCF of each dialect (g5, bcftools,
# GATK, DeepVariant, and a multi-sample one) genotyped together, with the
# genotypes worked out by hand; N+1 (a merged gVCF and new samples) equal
# to a run from scratch, exactly; the same output with and without indexes,
# at any thread count, and for a region; on a simulated cohort, joint
# genotypes from per-sample gVCFs against multi-sample g5 call and the
# truth; and every kind of bad input leaving nothing behind.
. "$(dirname "$0")/lib.sh"

for t in bcftools bgzip tabix; do
    command -v $t >/dev/null || skip_all "$t not installed"
done
D=$TOP/tests/data/gvcf
REF=$T/ref.fa
cp "$D/ref.fa" "$REF"
DIALECTS="$D/g5.g.vcf $D/bcftools.g.vcf $D/gatk.g.vcf $D/deepvariant.g.vcf $D/extra.g.vcf"

# Records without the header: what must agree between runs.
body() { bcftools view -H "$1"; }
# POS REF ALT AC AN, then every sample's GT.
gts() { bcftools query -f '%POS %REF %ALT %AC %AN [ %GT]\n' "$1"; }

# --- the dialects, worked out by hand --------------------------------------
#
# Samples: g5s1 bcf1 gatk1 dv1 (one per dialect, sites at 150 and 200), x1
# and y1 (one multi-sample file).
#  50  C>G   x1 het; everyone else has no reads there (their blocks say so:
#            ./. blocks, GATK's 0/0 with DP 0, y1 absent): ./., not 0/0
#  150 G>A   het in all four dialects; x1 and y1 from their blocks: 0/0
#  200 AT>A  GATK's 1/1; x1 writes the same deletion as ATC>AC, which is
#            one allele with it; the others 0/0 from their blocks
#  181       DeepVariant's RefCall (./. with a C>T PL): nobody carries T, no site
#  400 GT>G  y1's 1/1, and x1's het TT>T at 404, which left-aligns onto it;
#            beyond the dialects' blocks (they end at 300): ./.
runs "four dialects and a multi-sample gVCF" "$G5" joint -f "$REF" -o "$T/dialects.vcf" $DIALECTS
gts "$T/dialects.vcf" >"$T/got"
cat >"$T/want" <<'EOF'
50 C G 1 2  ./. ./. ./. ./. 0/1 ./.
150 G A 4 12  0/1 0/1 0/1 0/1 0/0 0/0
200 AT A 3 12  0/0 0/0 1/1 0/0 0/1 0/0
400 GT G 3 4  ./. ./. ./. ./. 0/1 1/1
EOF
same_file "$T/got" "$T/want" "genotypes, alleles, AC and AN as worked out by hand"
is "$(bcftools query -f '[%AD ]\n' -r c1:150 "$T/dialects.vcf" 2>/dev/null || bcftools query -f '[%AD ]\n' -i 'POS=150' "$T/dialects.vcf")" \
   "15,15 15,15 16,15 15,15 16,0 16,0 " "AD at 150: each sample's reads, blocks' depth as REF"
is "$(bcftools query -f '[%PL ]\n' -i 'POS=200' "$T/dialects.vcf")" "0,57,640 0,57,255 826,87,0 0,42,450 400,0,420 0,48,520 " \
   "PL at 200: the sites' own, the blocks' REF/REF, REF/any, any/any"
is "$(bcftools query -f '[%GQ ]\n' -i 'POS=50' "$T/dialects.vcf")" ". . . . 99 . " "no GQ without data"

# --af-prior: four clear heterozygotes and a sample with two reads, PL
# 20,0,40.  Theta's prior (het 0.001): RR 0.01 against het 0.001 -> 0/0, GQ
# 10.  The cohort's frequency (about 0.5): RR 0.25 x 0.01 against het 0.5 x
# 1 -> 0/1, GQ 23.
runs "theta's prior" "$G5" joint -f "$REF" -o "$T/theta.vcf" "$D/afprior.g.vcf"
is "$(bcftools query -f '[%GT:%GQ ]\n' "$T/theta.vcf")" "0/1:99 0/1:99 0/1:99 0/1:99 0/0:10 " "theta: the weak sample is 0/0, GQ 10"
runs "--af-prior" "$G5" joint --af-prior -f "$REF" -o "$T/af.vcf" "$D/afprior.g.vcf"
is "$(bcftools query -f '[%GT:%GQ ]\n' "$T/af.vcf")" "0/1:99 0/1:99 0/1:99 0/1:99 0/1:23 " "--af-prior: the weak sample is 0/1, GQ 23"

# An allele a sample did not report takes the PL of its <*>: g5s1 has G/A
# and <*> (PL 250,0,260 then G/* 295, A/* 305, */* 600), z1 G/T and <*>
# (300,0,310 then 330, 340, 700).  Site G,A,T,<*>, genotypes in VCF order
# GG GA AA GT AT TT G* A* T* **: for g5s1 T is "other", so GT = G* = 295,
# AT = A* = 305, TT = ** = 600; for z1 A is, so GA = G* = 330, AA = ** = 700,
# AT = T* = 340.
runs "a second ALT at a site" "$G5" joint -f "$REF" -o "$T/oa.vcf" --gvcf-out "$T/oa.g.vcf.gz" "$D/g5.g.vcf" "$D/other-alt.g.vcf"
is "$(bcftools query -i 'POS=150' -f '%ALT [ %GT:%PL]' "$T/oa.g.vcf.gz")" \
   "A,T,<*>  0/1:250,0,260,295,305,600,295,305,600,600 0/2:300,330,700,0,340,310,330,700,340,700" \
   "merged gVCF: each sample's PL over both ALTs and <*>, from its own <*>"
is "$(bcftools query -f '%ALT [ %GT:%PL]' "$T/oa.vcf")" "A,T  0/1:250,0,260,295,305,600 0/2:300,330,700,0,340,310" \
   "cohort: 0/1 and 0/2 at one multiallelic site"

# --- N+1 --------------------------------------------------------------------

runs "from scratch, with the merged gVCF" "$G5" joint -f "$REF" -o "$T/all.bcf" --gvcf-out "$T/all.g.vcf.gz" $DIALECTS
[ -s "$T/all.g.vcf.gz.tbi" ]; ok $? "the merged gVCF is indexed"
runs "batch 1: three dialects" "$G5" joint -f "$REF" -o "$T/b1.bcf" --gvcf-out "$T/b1.g.vcf.gz" \
    "$D/g5.g.vcf" "$D/bcftools.g.vcf" "$D/gatk.g.vcf"
runs "batch 2: the merged gVCF of batch 1 and three new samples" "$G5" joint -f "$REF" -o "$T/n1.bcf" \
    --gvcf-out "$T/n1.g.vcf.gz" "$T/b1.g.vcf.gz" "$D/deepvariant.g.vcf" "$D/extra.g.vcf"
body "$T/all.bcf" >"$T/all.txt"; body "$T/n1.bcf" >"$T/n1.txt"
same_file "$T/n1.txt" "$T/all.txt" "N+1: the cohort equals the run from scratch, record for record"
body "$T/all.g.vcf.gz" >"$T/allg.txt"; body "$T/n1.g.vcf.gz" >"$T/n1g.txt"
same_file "$T/n1g.txt" "$T/allg.txt" "N+1: and so does the merged gVCF (the next batch's input)"
is "$(bcftools query -l "$T/n1.bcf" | tr '\n' ' ')" "g5s1 bcf1 gatk1 dv1 x1 y1 " "samples in input order"
runs "the merged gVCF as BCF" "$G5" joint -f "$REF" -o "$T/b1x.bcf" --gvcf-out "$T/b1.g.bcf" \
    "$D/g5.g.vcf" "$D/bcftools.g.vcf" "$D/gatk.g.vcf"
[ -s "$T/b1.g.bcf.csi" ]; ok $? "with its CSI index"
runs "N+1 from the BCF" "$G5" joint -f "$REF" -o "$T/n1x.bcf" "$T/b1.g.bcf" "$D/deepvariant.g.vcf" "$D/extra.g.vcf"
body "$T/n1x.bcf" >"$T/n1x.txt"
same_file "$T/n1x.txt" "$T/all.txt" "N+1 from a BCF merged gVCF equals the run from scratch"
exits 2 "--gvcf-out as plain VCF (it cannot be indexed): a usage error" \
    "$G5" joint -f "$REF" -o "$T/x.bcf" --gvcf-out "$T/x.g.vcf" "$D/g5.g.vcf"
runs "N+1 in another order: new samples first" "$G5" joint -f "$REF" -o "$T/n2.vcf" \
    "$D/extra.g.vcf" "$T/b1.g.vcf.gz" "$D/deepvariant.g.vcf"
bcftools view -s g5s1,bcf1,gatk1,dv1,x1,y1 "$T/n2.vcf" | bcftools view -H | cut -f1-5,10- >"$T/n2.txt"
cut -f1-5,10- "$T/all.txt" | sed 's/\t/ /g' >"$T/all5.txt"; sed -i 's/\t/ /g' "$T/n2.txt"
same_file "$T/n2.txt" "$T/all5.txt" "the order of the inputs changes only the order of the samples"

# --- indexes, threads, regions ----------------------------------------------

for f in $DIALECTS; do b=$(basename "$f"); bgzip -c "$f" >"$T/$b.gz" && tabix -p vcf "$T/$b.gz"; done
IDX=$(for f in $DIALECTS; do printf '%s ' "$T/$(basename "$f").gz"; done)
runs "indexed inputs, -@ 2" "$G5" joint -@ 2 -f "$REF" -o "$T/idx.bcf" --gvcf-out "$T/idx.g.vcf.gz" $IDX
body "$T/idx.bcf" >"$T/idx.txt"; body "$T/idx.g.vcf.gz" >"$T/idxg.txt"
same_file "$T/idx.txt" "$T/all.txt" "indexed and read front to back: the same cohort"
same_file "$T/idxg.txt" "$T/allg.txt" "and the same merged gVCF"
printf '%s\n' $IDX >"$T/list"
runs "-l LIST, -r c1:151-450" "$G5" joint -l "$T/list" -r c1:151-450 -f "$REF" -o "$T/reg.vcf"
is "$(bcftools query -f '%POS\n' "$T/reg.vcf" | tr '\n' ' ')" "200 400 " "a region: the sites that begin in it"
body "$T/reg.vcf" >"$T/reg.txt"; grep -E '^c1	(200|400)	' "$T/all.txt" >"$T/reg.want"
same_file "$T/reg.txt" "$T/reg.want" "and the same records as the whole run"

# --- a simulated cohort: joint from gVCFs against multi-sample g5 call -------

if command -v dwgsim >/dev/null && command -v bwa >/dev/null && command -v samtools >/dev/null; then
    S=$T/sim && mkdir -p "$S"
    cp "$TOP/refdata/ref.fa" "$S/ref.fa" && samtools faidx "$S/ref.fa" && bwa index "$S/ref.fa" 2>/dev/null
    for s in s1:21 s2:22 s3:23; do
        name=${s%:*} seed=${s#*:}
        dwgsim -z "$seed" -C 20 -1 150 -2 150 -d 400 -s 50 -e 0.005 -E 0.01 -r 0.002 -R 0.15 -y 0 \
            "$S/ref.fa" "$S/$name" >/dev/null 2>&1
        bwa mem -t 2 -R "@RG\tID:$name\tSM:$name" "$S/ref.fa" "$S/$name.bwa.read1.fastq.gz" \
            "$S/$name.bwa.read2.fastq.gz" 2>/dev/null | "$G5" sort -@ 2 --write-index -o "$S/$name.bam" -
        "$G5" call -@ 2 --gvcf --write-index -f "$S/ref.fa" -o "$S/$name.g.vcf.gz" "$S/$name.bam"
    done
    [ -s "$S/s3.g.vcf.gz.tbi" ]; ok $? "three samples simulated, aligned and called alone (gVCF)"
    runs "multi-sample g5 call" "$G5" call -@ 2 -f "$S/ref.fa" -o "$S/call.vcf.gz" "$S/s1.bam" "$S/s2.bam" "$S/s3.bam"
    runs "g5 joint over their gVCFs" "$G5" joint -@ 2 -f "$S/ref.fa" -o "$S/joint.vcf.gz" --gvcf-out "$S/m12.g.vcf.gz" \
        "$S/s1.g.vcf.gz" "$S/s2.g.vcf.gz" "$S/s3.g.vcf.gz"

    # Each sample's genotype at each normalised variant of either call set;
    # a variant one side lacks counts as ./. there... and as a disagreement
    # for the samples carrying it on the other.
    norm_gts() { bcftools norm -f "$S/ref.fa" -m -any "$1" 2>/dev/null \
        | bcftools query -f '%CHROM:%POS:%REF:%ALT[\t%GT]\n' | sed 's/1\/0/0\/1/g' | sort; }
    norm_gts "$S/call.vcf.gz" >"$T/call.gts"
    norm_gts "$S/joint.vcf.gz" >"$T/joint.gts"
    join -t$'\t' -a1 -a2 -e MISSING -o auto "$T/call.gts" "$T/joint.gts" | awk -F'\t' '
        { for (i = 2; i <= 4; i++) { a = $i; b = $(i + 3); n++
              if (a == "MISSING") a = "0/0"; if (b == "MISSING") b = "0/0"
              same += a == b } }
        END { printf "%d %d %.5f\n", same, n, n ? same / n : 0 }' >"$T/agree"
    read -r same n frac <"$T/agree"
    diag "joint vs multi-sample call: $same of $n genotypes at variant sites agree ($frac)"
    awk -v f="$frac" -v n="$n" 'BEGIN { exit !(n > 300 && f >= 0.999) }'; ok $? "genotypes agree at >= 99.9% of variant sites ($frac of $n)"

    # F1 against the truth, SNVs and indels together, per sample.
    truth() { bcftools norm -f "$S/ref.fa" -m -any "$S/$1.mutations.vcf" 2>/dev/null \
        | bcftools query -f '%CHROM:%POS:%REF:%ALT\n' | sort -u; }
    carried() { bcftools view -s "$2" "$1" 2>/dev/null | bcftools norm -f "$S/ref.fa" -m -any 2>/dev/null \
        | bcftools view -i 'GT="alt"' 2>/dev/null | bcftools query -f '%CHROM:%POS:%REF:%ALT\n' | sort -u; }
    f1() { awk -v tp="$(comm -12 "$1" "$2" | wc -l)" -v nt="$(wc -l <"$1")" -v nc="$(wc -l <"$2")" \
        'BEGIN { p = tp / nc; r = tp / nt; printf "%.4f\n", 2 * p * r / (p + r) }'; }
    for s in s1 s2 s3; do
        truth $s >"$T/truth.$s"; carried "$S/call.vcf.gz" $s >"$T/call.$s"; carried "$S/joint.vcf.gz" $s >"$T/joint.$s"
        fc=$(f1 "$T/truth.$s" "$T/call.$s") fj=$(f1 "$T/truth.$s" "$T/joint.$s")
        awk -v a="$fj" -v b="$fc" 'BEGIN { exit !(a >= b) }'; ok $? "$s: F1 of joint $fj >= multi-sample call's $fc"
    done

    runs "-@ 0" "$G5" joint -f "$S/ref.fa" -o "$S/joint0.vcf.gz" "$S/s1.g.vcf.gz" "$S/s2.g.vcf.gz" "$S/s3.g.vcf.gz"
    body "$S/joint0.vcf.gz" >"$T/j0"; body "$S/joint.vcf.gz" >"$T/j2"
    same_file "$T/j0" "$T/j2" "the same records at -@ 0 and -@ 2"
    runs "N+1 on the cohort: s1+s2 merged, then s3" "$G5" joint -f "$S/ref.fa" -o "$S/b1.vcf.gz" \
        --gvcf-out "$S/b1.g.vcf.gz" "$S/s1.g.vcf.gz" "$S/s2.g.vcf.gz"
    runs "and s3 with the merged gVCF" "$G5" joint -@ 2 -f "$S/ref.fa" -o "$S/n1.vcf.gz" "$S/b1.g.vcf.gz" "$S/s3.g.vcf.gz"
    body "$S/n1.vcf.gz" >"$T/jn1"
    same_file "$T/jn1" "$T/j2" "N+1 equals from scratch on the cohort"

    # bcftools' own gVCF of s1 with g5's of s2 and s3
    bcftools mpileup -g 10 -f "$S/ref.fa" -a AD,DP "$S/s1.bam" 2>/dev/null | bcftools call -m -g 10 -Oz -o "$S/s1.bcftools.g.vcf.gz" 2>/dev/null
    runs "a bcftools gVCF among g5's" "$G5" joint -f "$S/ref.fa" -o "$S/mixed.vcf.gz" \
        "$S/s1.bcftools.g.vcf.gz" "$S/s2.g.vcf.gz" "$S/s3.g.vcf.gz"
    carried "$S/mixed.vcf.gz" s1 >"$T/mixed.s1"
    fb=$(f1 "$T/truth.s1" "$T/mixed.s1")
    awk -v f="$fb" 'BEGIN { exit !(f >= 0.95) }'; ok $? "s1 from bcftools' gVCF: F1 $fb >= 0.95"
else
    diag "dwgsim, bwa or samtools missing: no simulated cohort"
fi

# --- bad input ----------------------------------------------------------------

bad() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" joint -f "${BADREF:-$REF}" -o "$T/bad/x.bcf" --gvcf-out "$T/bad/x.g.vcf.gz" "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says why ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: no output, no temporary left"
}
sed 's/ID=c1,/ID=chrQ,/; s/^c1\t/chrQ\t/' "$D/g5.g.vcf" >"$T/renamed.g.vcf"
bad "a contig the reference lacks" "\"$T/renamed.g.vcf\": contig \"chrQ\" is not in the reference" "$D/gatk.g.vcf" "$T/renamed.g.vcf"
sed 's/length=1000/length=1001/' "$D/g5.g.vcf" >"$T/longer.g.vcf"
bad "a contig of another length" "contig \"c1\" is 1001 bp long, but 1000 bp in the reference" "$T/longer.g.vcf"
awk -F'\t' -v OFS='\t' '$2 == 150 { $4 = "T" } 1' "$D/g5.g.vcf" >"$T/wrongref.g.vcf"
bad "a REF unlike the reference" "\"$T/wrongref.g.vcf\": c1:150:" "$T/wrongref.g.vcf"
awk '/^#/ { print; next } { l[++n] = $0 } END { print l[1]; print l[3]; print l[2]; print l[4] }' "$D/g5.g.vcf" >"$T/unsorted.g.vcf"
bad "an unsorted gVCF" "\"$T/unsorted.g.vcf\" is not sorted: c1:100 comes after c1:150" "$D/gatk.g.vcf" "$T/unsorted.g.vcf"
awk -F'\t' -v OFS='\t' '$2 == 151 { $2 = 140 } 1' "$D/g5.g.vcf" | awk '/^#/ { print; next } { l[++n] = $0 } END { print l[1]; print l[2]; print l[4]; print l[3] }' >"$T/overlap.g.vcf"
bad "overlapping reference blocks" "\"$T/overlap.g.vcf\": the reference block at c1:140-300 overlaps the one at c1:100-149" "$T/overlap.g.vcf"
"$G5" joint -f "$REF" --gvcf-out "$T/big.g.vcf.gz" -o "$T/big.bcf" $DIALECTS "$D/afprior.g.vcf"
size=$(stat -c %s "$T/big.g.vcf.gz")
head -c $((size / 2)) "$T/big.g.vcf.gz" >"$T/trunc.g.vcf.gz"
bad "a truncated gVCF" "cannot read \"$T/trunc.g.vcf.gz\"" "$T/trunc.g.vcf.gz"
cp "$T/big.g.vcf.gz.tbi" "$T/trunc.g.vcf.gz.tbi"
bad "a truncated gVCF with its index" "cannot read \"$T/trunc.g.vcf.gz\"" "$T/trunc.g.vcf.gz"
if [ -s "${S:-}/s1.g.vcf.gz" ]; then
    size=$(stat -c %s "$S/s1.g.vcf.gz")
    head -c $((size / 2)) "$S/s1.g.vcf.gz" >"$T/cut.g.vcf.gz" && cp "$S/s1.g.vcf.gz.tbi" "$T/cut.g.vcf.gz.tbi"
    BADREF=$S/ref.fa bad "a gVCF cut mid-records, indexed, -@ 2" "cannot read \"$T/cut.g.vcf.gz\" after CHROMOSOME_I:" -@ 2 "$T/cut.g.vcf.gz"
    rm "$T/cut.g.vcf.gz.tbi"
    BADREF=$S/ref.fa bad "a gVCF cut mid-records, read front to back" "cannot read \"$T/cut.g.vcf.gz\" after CHROMOSOME_I:" "$T/cut.g.vcf.gz"
fi
printf '%s\n%s\n' "$D/g5.g.vcf" "$T/none.g.vcf.gz" >"$T/badlist"
rm -rf "$T/bad" && mkdir -p "$T/bad"
exits 1 "a list naming a missing file: exits 1" "$G5" joint -f "$REF" -l "$T/badlist" -o "$T/bad/x.bcf"
stderr_has "cannot read \"$T/none.g.vcf.gz\" (line 2 of \"$T/badlist\")" "and names the file and the line"
is "$(ls -A "$T/bad")" "" "and leaves nothing"
bad "a memory budget too small for one worker" "-m 1M is too little for 1 inputs of 1 samples" -m 1M "$D/g5.g.vcf"
cp "$D/g5.g.vcf" "$T/again.g.vcf"
bad "one sample name in two inputs" "sample \"g5s1\" of \"$T/again.g.vcf\" is also in an earlier input" "$D/g5.g.vcf" "$T/again.g.vcf"
runs "--rename-duplicates" "$G5" joint --rename-duplicates -f "$REF" -o "$T/renamed.vcf" "$D/g5.g.vcf" "$T/again.g.vcf"
is "$(bcftools query -l "$T/renamed.vcf" | tr '\n' ' ')" "g5s1 2:g5s1 " "the second is renamed 2:g5s1"

exits 2 "no -f: a usage error" "$G5" joint "$D/g5.g.vcf"
stderr_has "the reference is needed" "and says so"
exits 2 "-l and files both: a usage error" "$G5" joint -f "$REF" -l "$T/list" "$D/g5.g.vcf"
exits 0 "-h exits 0" "$G5" joint -h
grep -q '^Usage: g5 joint' "$T/stdout"; ok $? "-h prints usage on stdout"

done_testing
