#!/bin/bash
# call.t -- g5 call on simulated diploid samples with planted variants
# (dwgsim's truth), against the truth and against bcftools mpileup | call -m
# on the same BAMs: SNV F1 at least 0.99 and at least bcftools', indel F1 at
# least bcftools' (after bcftools norm on both sides); genotypes
# the same alone and in a cohort; the same output at any thread count and
# for a region as for its part of the whole; the output formats and their
# indexes; and every kind of bad input leaving nothing behind.
. "$(dirname "$0")/lib.sh"

for t in samtools bcftools bwa dwgsim; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

S=$T/sim && mkdir -p "$S"
cp "$TOP/refdata/ref.fa" "$S/ref.fa"
samtools faidx "$S/ref.fa" && bwa index "$S/ref.fa" 2>/dev/null
# Two samples, 30x of 2x150 bp, 0.2% of sites mutated (15% of them indels).
for s in s1:7 s2:11; do
    name=${s%:*} seed=${s#*:}
    dwgsim -z "$seed" -C 30 -1 150 -2 150 -d 400 -s 50 -e 0.005 -E 0.01 -r 0.002 -R 0.15 -y 0 \
        "$S/ref.fa" "$S/$name" >/dev/null 2>&1
    bwa mem -t 2 -R "@RG\tID:$name\tSM:$name" "$S/ref.fa" "$S/$name.bwa.read1.fastq.gz" "$S/$name.bwa.read2.fastq.gz" 2>/dev/null \
        | "$G5" sort -@ 2 --write-index -o "$S/$name.bam" -
done
[ -s "$S/s1.bam.bai" ] && [ -s "$S/s2.bam.bai" ]; ok $? "simulated and aligned two samples"

# SNVs of a VCF as "chrom:pos:ref:alt<TAB>genotype", one per ALT.
snvs() { bcftools view -v snps "$1" 2>/dev/null | bcftools norm -m -any 2>/dev/null \
    | bcftools query ${2:+-s $2} -i 'GT="alt"' -f '%CHROM:%POS:%REF:%ALT\t[%GT]\n' | sed 's/|/\//; s/1\/0/0\/1/' | sort; }
truth() { grep -v '^#' "$S/$1.mutations.vcf" | awk -F'\t' 'length($4) == 1 && length($5) == 1 {
    print $1 ":" $2 ":" $4 ":" $5 "\t" ($8 ~ /AF=1/ ? "1/1" : "0/1") }' | sort; }
# F1 of calls (file of snvs lines) against truth; prints "F1 TP FP FN GT-matches"
score() { join -t$'\t' "$1" "$2" >"$T/tp"
    awk -v tp="$(wc -l <"$T/tp")" -v nt="$(wc -l <"$1")" -v nc="$(wc -l <"$2")" \
        -v gt="$(awk -F'\t' '$2 == $3' "$T/tp" | wc -l)" \
        'BEGIN { p = nc ? tp / nc : 0; r = nt ? tp / nt : 0; printf "%.4f %d %d %d %d\n", p + r ? 2 * p * r / (p + r) : 0, tp, nc - tp, nt - tp, gt }'; }

# --- accuracy against the truth and against bcftools ---------------------------

runs "g5 call, one sample" "$G5" call -f "$S/ref.fa" -o "$S/s1.vcf.gz" "$S/s1.bam"
bcftools mpileup -f "$S/ref.fa" "$S/s1.bam" 2>/dev/null | bcftools call -mv -Oz -o "$S/s1.bcftools.vcf.gz" 2>/dev/null
truth s1 >"$T/truth1"
snvs "$S/s1.vcf.gz" >"$T/g5.1"
snvs "$S/s1.bcftools.vcf.gz" >"$T/bcf.1"
read -r f1 tp fp fn gt <<<"$(score "$T/truth1" "$T/g5.1")"
read -r bf1 _ _ _ _ <<<"$(score "$T/truth1" "$T/bcf.1")"
diag "s1 SNVs: g5 F1 $f1 (TP $tp FP $fp FN $fn, genotype right for $gt), bcftools F1 $bf1"
awk -v f="$f1" 'BEGIN { exit !(f >= 0.99) }'; ok $? "SNV F1 $f1 >= 0.99"
awk -v f="$f1" -v b="$bf1" 'BEGIN { exit !(f >= b) }'; ok $? "SNV F1 $f1 >= bcftools' $bf1"
is "$gt" "$tp" "every true SNV called has the right genotype"

# Indels, normalised on both sides (left-aligned, split), by alleles.
indels() { bcftools view -i 'GT="alt"' "$1" 2>/dev/null | bcftools norm -f "$S/ref.fa" -m -any 2>/dev/null \
    | bcftools view -v indels -i 'GT="alt"' 2>/dev/null | bcftools query -f '%CHROM:%POS:%REF:%ALT\t.\n' | sort -u; }
for s in s1 s2; do
    [ "$s" = s2 ] && { "$G5" call -f "$S/ref.fa" -o "$S/s2.vcf.gz" "$S/s2.bam" 2>/dev/null
        bcftools mpileup -f "$S/ref.fa" "$S/s2.bam" 2>/dev/null | bcftools call -mv -Oz -o "$S/s2.bcftools.vcf.gz" 2>/dev/null; }
    bcftools norm -f "$S/ref.fa" -m -any "$S/$s.mutations.vcf" 2>/dev/null | bcftools view -v indels 2>/dev/null \
        | bcftools query -f '%CHROM:%POS:%REF:%ALT\t.\n' | sort -u >"$T/itruth"
    indels "$S/$s.vcf.gz" >"$T/ig5"
    indels "$S/$s.bcftools.vcf.gz" >"$T/ibcf"
    read -r if1 itp ifp ifn _ <<<"$(score "$T/itruth" "$T/ig5")"
    read -r ibf1 _ _ _ _ <<<"$(score "$T/itruth" "$T/ibcf")"
    diag "$s indels: g5 F1 $if1 (TP $itp FP $ifp FN $ifn), bcftools F1 $ibf1"
    awk -v f="$if1" -v b="$ibf1" 'BEGIN { exit !(f >= b && f >= 0.95) }'; ok $? "$s: indel F1 $if1 >= bcftools' $ibf1 (and >= 0.95)"
done

# --- cohort, threads, regions -----------------------------------------------------

runs "g5 call, two samples jointly" "$G5" call -f "$S/ref.fa" -o "$S/joint.vcf.gz" "$S/s1.bam" "$S/s2.bam"
is "$(bcftools query -l "$S/joint.vcf.gz" | tr '\n' ' ')" "s1 s2 " "the samples are named from @RG SM, in input order"
runs "g5 call, second sample alone" "$G5" call -f "$S/ref.fa" -o "$S/s2.vcf.gz" "$S/s2.bam"
for s in s1 s2; do
    # at the sites where the sample alone is variant, the cohort gives it the same genotype
    bcftools query -s "$s" -f '%CHROM:%POS:%REF:%ALT\t[%GT]\n' "$S/joint.vcf.gz" | sort >"$T/joint.$s"
    bcftools query -f '%CHROM:%POS:%REF:%ALT\t[%GT]\n' "$S/$s.vcf.gz" | sort >"$T/alone.$s"
    is "$(join -t$'\t' "$T/alone.$s" "$T/joint.$s" | awk -F'\t' '$2 != $3' | wc -l)" 0 \
        "$s: same genotypes alone and in the cohort"
    is "$(comm -23 <(cut -f1 "$T/alone.$s") <(cut -f1 "$T/joint.$s") | wc -l)" 0 "$s: every site it has alone is in the cohort's"
done
truth s2 >"$T/truth2"
snvs "$S/joint.vcf.gz" s2 >"$T/g5.2"
read -r f2 _ _ _ _ <<<"$(score "$T/truth2" "$T/g5.2")"
awk -v f="$f2" 'BEGIN { exit !(f >= 0.99) }'; ok $? "s2 in the cohort: SNV F1 $f2 >= 0.99"

noprov() { zcat -f "$1" | grep -v '^##g5_call'; }
runs "-@ 2" "$G5" call -@ 2 -f "$S/ref.fa" -o "$S/joint2.vcf.gz" "$S/s1.bam" "$S/s2.bam"
cmp -s <(noprov "$S/joint.vcf.gz") <(noprov "$S/joint2.vcf.gz"); ok $? "-@ 2 writes the same records as -@ 0"
runs "-@ 3, BCF" "$G5" call -@ 3 -f "$S/ref.fa" -o "$S/joint3.bcf" "$S/s1.bam" "$S/s2.bam"
cmp -s <(noprov "$S/joint.vcf.gz") <(bcftools view "$S/joint3.bcf" | grep -v '^##g5_call' | grep -v '^##bcftools'); ok $? "-@ 3 to BCF: the same records"

runs "-r CHROMOSOME_I:50001-120000" "$G5" call -r CHROMOSOME_I:50001-120000 -f "$S/ref.fa" -o "$S/region.vcf" "$S/s1.bam" "$S/s2.bam"
is "$(grep -v '^#' "$S/region.vcf")" "$(zcat "$S/joint.vcf.gz" | awk -F'\t' '$1 == "CHROMOSOME_I" && $2 >= 50001 && $2 <= 120000')" \
    "-r: exactly the whole run's records in the region"

# --- gVCF ---------------------------------------------------------------------------

runs "--gvcf" "$G5" call --gvcf -f "$S/ref.fa" -o "$S/s1.g.vcf.gz" "$S/s1.bam"
bcftools view "$S/s1.g.vcf.gz" >/dev/null 2>&1; ok $? "bcftools reads the gVCF"
# every position of every contig exactly once: the blocks and the other
# records (an indel record shares its anchor with a block or an SNV) tile them
covered=$(bcftools query -f '%CHROM\t%POS\t%REF\t%ALT\t%INFO/END\n' "$S/s1.g.vcf.gz" | awk -F'\t' '
    { end = $5 == "." ? $2 : $5 }
    $4 == "<*>" || length($3) == 1 && $4 ~ /^[ACGT](,[ACGT])*,<\*>$/ {
        if ($1 != chr) { if (chr != "") printf "%s:%d ", chr, last; chr = $1; last = 0 }
        if ($2 != last + 1) bad++
        last = end
    }
    END { printf "%s:%d gaps:%d\n", chr, last, bad + 0 }')
is "$covered" "CHROMOSOME_I:200000 CHROMOSOME_II:5000 CHROMOSOME_III:5000 CHROMOSOME_IV:5000 CHROMOSOME_V:5000 CHROMOSOME_X:5000 CHROMOSOME_MtDNA:5000 gaps:0" \
    "blocks and SNV sites tile every contig, no gap, no overlap"
is "$(bcftools query -i 'FMT/DP=0' -f '[%GT]\n' "$S/s1.g.vcf.gz" | sort -u | tr '\n' ' ')" "./. " "positions without reads are ./., never 0/0"
is "$(bcftools query -i 'N_ALT=1 && ALT="<*>" && FMT/DP>0' -f '[%GT]\n' "$S/s1.g.vcf.gz" | sort -u | tr '\n' ' ')" "0/0 " "blocks with reads are 0/0"
zcat "$S/s1.g.vcf.gz" | grep -q '^##INFO=<ID=END' && zcat "$S/s1.g.vcf.gz" | grep -q '^##FORMAT=<ID=MIN_DP'; ok $? "header declares END and MIN_DP"
# variant sites: the genotypes of the plain call, with <*> added
bcftools view -H "$S/s1.g.vcf.gz" | awk -F'\t' '$5 != "<*>" { sub(/,<\*>$/, "", $5); split($10, f, ":"); print $1 ":" $2 ":" $4 ":" $5 "\t" f[1] }' | sort >"$T/gv.var"
bcftools query -s s1 -i 'GT="alt"' -f '%CHROM:%POS:%REF:%ALT\t[%GT]\n' "$S/joint.vcf.gz" | sort >"$T/joint.var"
is "$(cut -f1 "$T/gv.var" | md5sum)" "$(cut -f1 "$T/joint.var" | md5sum)" "the gVCF's variant sites are the sample's sites in the cohort call"
is "$(join -t$'\t' "$T/gv.var" "$T/joint.var" | awk -F'\t' '$2 != $3' | wc -l)" 0 "with the same genotypes"
bcftools view -H "$S/s1.g.vcf.gz" | awk -F'\t' '$5 != "<*>"' | grep -vc ',<\*>' >"$T/nostar" || true
is "$(cat "$T/nostar")" 0 "every variant record has the <*> allele"
runs "--gvcf -@ 2" "$G5" call --gvcf -@ 2 -f "$S/ref.fa" -o "$S/s1b.g.vcf.gz" "$S/s1.bam"
cmp -s <(noprov "$S/s1.g.vcf.gz") <(noprov "$S/s1b.g.vcf.gz"); ok $? "--gvcf: -@ 2 writes the same records"
runs "--gq-bands 20,50" "$G5" call --gvcf --gq-bands 20,50 -r CHROMOSOME_II -f "$S/ref.fa" -o "$S/bands.g.vcf" "$S/s1.bam"
# adjacent blocks (no variant record between) never share a GQ band: they would be one
bcftools query -f '%POS\t%ALT\t%INFO/END[\t%GQ\t%DP]\n' "$S/bands.g.vcf" | awk -F'\t' '
    $2 != "<*>" { pe = -1; next }
    { b = $5 == 0 ? -1 : $4 < 20 ? 0 : $4 < 50 ? 1 : 2; if (pe >= 0 && b == pb && $1 == pe + 1) n++; pb = b; pe = $3 }
    END { print n + 0 }' >"$T/merge"
is "$(cat "$T/merge")" 0 "adjacent blocks never share a GQ band"
exits 2 "--gvcf with two inputs: a usage error" "$G5" call --gvcf -f "$S/ref.fa" "$S/s1.bam" "$S/s2.bam"
exits 2 "--gq-bands not increasing: a usage error" "$G5" call --gvcf --gq-bands 30,20 -f "$S/ref.fa" "$S/s1.bam"

# --- ploidy by region and sex --------------------------------------------------------

printf '# X once in males; no copy of V:1-2000 in females (a Y stand-in)\nCHROMOSOME_X * * M 1\nCHROMOSOME_V 1 2000 F 0\nchrZ 1 10 M 1\n' >"$S/ploidy.txt"
printf 's1\tM\ns2\tfemale\n' >"$S/sex.txt"
runs "--ploidy-file, --sex" "$G5" call --ploidy-file "$S/ploidy.txt" --sex "$S/sex.txt" -f "$S/ref.fa" -o "$S/ploidy.vcf" "$S/s1.bam" "$S/s2.bam"
n_x=$(awk '$1 == "CHROMOSOME_X"' "$S/ploidy.vcf" | wc -l)
[ "$n_x" -gt 0 ]; ok $? "variant sites on X ($n_x)"
is "$(awk '$1 == "CHROMOSOME_X" { split($10, f, ":"); print f[1] }' "$S/ploidy.vcf" | grep -c /)" 0 "male on X: haploid genotypes, never diploid"
is "$(awk '$1 == "CHROMOSOME_V" && $2 <= 2000 { split($11, f, ":"); print f[1] }' "$S/ploidy.vcf" | sort -u | tr '\n' ' ')" ". " \
    "female where she has no copy: '.'"
is "$(awk '$1 == "CHROMOSOME_V" && $2 > 2000 { split($11, f, ":"); print f[1] }' "$S/ploidy.vcf" | grep -c /)" \
   "$(awk '$1 == "CHROMOSOME_V" && $2 > 2000' "$S/ploidy.vcf" | wc -l)" "... and diploid past it"
is "$(awk '$1 == "CHROMOSOME_I" { split($10, f, ":"); print f[1] }' "$S/ploidy.vcf" | grep -vc /)" 0 "autosomes stay diploid"
runs "--gvcf with a ploidy file" "$G5" call --gvcf --ploidy-file "$S/ploidy.txt" --sex "$S/sex.txt" -r CHROMOSOME_X -f "$S/ref.fa" -o "$S/ploidy.g.vcf" "$S/s1.bam"
is "$(grep -v '^#' "$S/ploidy.g.vcf" | awk '$5 == "<*>" && $10 !~ /^\./ { split($10, f, ":"); print f[1] ":" gsub(/,/, ",", f[5]) }' | sort -u | tr '\n' ' ')" "0:1 " \
    "haploid blocks: GT 0 and two PL values"
# the sex inferred by g5 coverage feeds the calls
"$G5" coverage "$S/cov" "$S/s1.bam" 2>/dev/null
runs "--sex from g5 coverage's sex.tsv" "$G5" call --ploidy-file "$S/ploidy.txt" --sex "$S/cov.sex.tsv" -r CHROMOSOME_X -f "$S/ref.fa" -o "$S/covsex.vcf" "$S/s1.bam"
is "$(awk '!/^#/ { split($10, f, ":"); print f[1] }' "$S/covsex.vcf" | grep -c /)" "$(grep -vc '^#' "$S/covsex.vcf")" \
    "simulated evenly, s1 looks female to g5 coverage: diploid on X"
printf 's2\tF\n' >"$S/sex2.txt"
exits 1 "a sample missing from --sex" "$G5" call --sex "$S/sex2.txt" -f "$S/ref.fa" -o "$T/x.vcf" "$S/s1.bam"
stderr_has "sample \"s1\" is not in \"$S/sex2.txt\"" "and says which"
printf 'CHROMOSOME_X 1 100 M two\n' >"$S/badploidy.txt"
exits 1 "a malformed ploidy file" "$G5" call --ploidy-file "$S/badploidy.txt" -f "$S/ref.fa" -o "$T/x.vcf" "$S/s1.bam"
stderr_has "\"$S/badploidy.txt\" line 1: want CHROM FROM TO SEX PLOIDY" "and names the line"

# -R: regions of a BED, merged where they overlap
printf 'CHROMOSOME_I\t60000\t90000\tb\nCHROMOSOME_I\t50000\t70000\ta\nCHROMOSOME_X\t0\t3000\n' >"$S/regions.bed"
runs "-R BED" "$G5" call -R "$S/regions.bed" -f "$S/ref.fa" -o "$S/bed.vcf" "$S/s1.bam" "$S/s2.bam"
is "$(grep -v '^#' "$S/bed.vcf")" "$(zcat "$S/joint.vcf.gz" | awk -F'\t' '($1 == "CHROMOSOME_I" && $2 > 50000 && $2 <= 90000) || ($1 == "CHROMOSOME_X" && $2 <= 3000)')" \
    "-R: exactly the whole run's records in the regions"
exits 2 "-r with -R: a usage error" "$G5" call -r CHROMOSOME_I -R "$S/regions.bed" -f "$S/ref.fa" "$S/s1.bam"
printf 'chrZ\t0\t100\n' >"$S/otherref.bed"
exits 1 "-R with a contig the files lack" "$G5" call -R "$S/otherref.bed" -f "$S/ref.fa" -o "$T/x.vcf" "$S/s1.bam"
stderr_has "\"$S/otherref.bed\" line 1: contig \"chrZ\" is not in" "and names the line"

# --- formats and provenance -------------------------------------------------------

runs "--write-index, vcf.gz" "$G5" call --write-index -f "$S/ref.fa" -o "$S/ix.vcf.gz" "$S/s1.bam"
[ -s "$S/ix.vcf.gz.tbi" ]; ok $? "VCF.gz gets a .tbi"
is "$(tabix "$S/ix.vcf.gz" CHROMOSOME_I:1-10000 | wc -l)" "$(zcat "$S/ix.vcf.gz" | awk '!/^#/ && $1 == "CHROMOSOME_I" && $2 <= 10000' | wc -l)" "tabix finds the records by region"
runs "--write-index, bcf" "$G5" call --write-index -f "$S/ref.fa" -o "$S/ix.bcf" "$S/s1.bam"
[ -s "$S/ix.bcf.csi" ]; ok $? "BCF gets a .csi"
bcftools view -H -r CHROMOSOME_X "$S/ix.bcf" >/dev/null 2>&1; ok $? "bcftools reads the BCF by region"
zcat "$S/ix.vcf.gz" | grep -q '^##g5_callCommand=g5 call --write-index'; ok $? "provenance: ##g5_callCommand"
zcat "$S/ix.vcf.gz" | grep -q '^##contig=<ID=CHROMOSOME_I,length=200000>'; ok $? "contigs with lengths"
"$G5" call -f "$S/ref.fa" "$S/s1.bam" >"$T/stdout.vcf" 2>/dev/null; ok $? "VCF on standard output"
is "$(grep -vc '^#' "$T/stdout.vcf")" "$(zcat "$S/s1.vcf.gz" | grep -vc '^#')" "with the same records"
bcftools view "$S/s1.vcf.gz" >/dev/null 2>&1; ok $? "bcftools reads the output without complaint"

# A site without reads in one sample: ./., never 0/0.
samtools view -b -o "$S/s2.part.bam" "$S/s2.bam" CHROMOSOME_II CHROMOSOME_III && samtools index "$S/s2.part.bam"
"$G5" call -r CHROMOSOME_I -f "$S/ref.fa" -o "$S/nodata.vcf" "$S/s1.bam" "$S/s2.part.bam" 2>/dev/null
is "$(bcftools query -s s2 -f '[%GT]\n' "$S/nodata.vcf" | sort -u | tr '\n' ' ')" "./. " "a sample without reads at the sites is ./., never 0/0"

# --- bad input ----------------------------------------------------------------------

bad() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" call "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says why ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: no output, no temporary left"
}
samtools view -b -o "$T/noindex.bam" "$S/s1.bam"
bad "a BAM without index" "cannot read \"$T/noindex.bam\": no index found" -f "$S/ref.fa" -o "$T/bad/x.vcf" "$T/noindex.bam"
samtools view -h "$S/s1.bam" | awk '/^@/ || NR % 2 { print; next } { held[++n] = $0 } END { for (i = n; i > 0; i--) print held[i] }' \
    | samtools view -b -o "$T/unsorted.bam" -
bad "an unsorted BAM (it cannot be indexed)" "cannot read \"$T/unsorted.bam\": no index found" -f "$S/ref.fa" -o "$T/bad/x.vcf" "$T/unsorted.bam"
samtools view -H "$S/s1.bam" | sed 's/SN:CHROMOSOME_I\b/SN:chrI/' >"$T/renamed.hdr"
samtools reheader "$T/renamed.hdr" "$S/s1.bam" >"$T/renamed.bam" && samtools index "$T/renamed.bam"
bad "contig names unlike the reference's" "contig chrI of \"$T/renamed.bam\" is not in the reference" -f "$S/ref.fa" -o "$T/bad/x.vcf" "$T/renamed.bam"
samtools view -H "$S/s1.bam" | sed 's/SN:CHROMOSOME_II\tLN:5000/SN:CHROMOSOME_II\tLN:5001/' >"$T/longer.hdr"
samtools reheader "$T/longer.hdr" "$S/s1.bam" >"$T/longer.bam" && samtools index "$T/longer.bam"
bad "a contig longer than the reference's" "contig CHROMOSOME_II is 5001 bp in \"$T/longer.bam\" but 5000 bp in the reference" -f "$S/ref.fa" -o "$T/bad/x.vcf" "$T/longer.bam"
cp "$S/s1.bam" "$T/again.bam" && samtools index "$T/again.bam"
bad "two files aligned to different references" "contig 2 is CHROMOSOME_II (5001 bp) in \"$T/longer.bam\" but CHROMOSOME_II (5000 bp) in \"$S/s1.bam\"" \
    -f "$S/ref.fa" -o "$T/bad/x.vcf" "$S/s1.bam" "$T/longer.bam"
bad "two files of one sample" "are both sample \"s1\"" -f "$S/ref.fa" -o "$T/bad/x.vcf" "$S/s1.bam" "$T/again.bam"
bad "a missing input" "cannot read \"$T/none.bam\"" -f "$S/ref.fa" -o "$T/bad/x.vcf" "$T/none.bam"
head -c 3000000 "$S/s1.bam" >"$T/trunc.bam" && cp "$S/s1.bam.bai" "$T/trunc.bam.bai"
bad "a truncated BAM (no end-of-file marker)" "cannot read \"$T/trunc.bam\": truncated file" -f "$S/ref.fa" -o "$T/bad/x.vcf.gz" "$T/trunc.bam"
{ head -c 3000000 "$S/s1.bam"; tail -c 28 "$S/s1.bam"; } >"$T/cut.bam" && cp "$S/s1.bam.bai" "$T/cut.bam.bai"
bad "a BAM cut mid-run (end-of-file marker kept)" "cannot read \"$T/cut.bam\" in CHROMOSOME_I:" -f "$S/ref.fa" -o "$T/bad/x.vcf.gz" "$T/cut.bam"
bad "a BAM truncated mid-run, -@ 2" "cannot read \"$T/trunc.bam\"" -@ 2 -f "$S/ref.fa" -o "$T/bad/x.vcf.gz" "$T/trunc.bam"
# A reference without .fai in a folder that cannot take one (root can write
# anywhere: run that case as nobody).
mkdir -p "$T/ro" && cp "$S/ref.fa" "$T/ro/ref.fa" && chmod 555 "$T/ro"
as_user=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod a+rx "$T" "$S" && as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
if [ -n "$as_user" ] || [ ! -w "$T/ro" ]; then
    rm -rf "$T/bad" && mkdir -p "$T/bad" && chmod 777 "$T/bad"
    exits 1 "a reference without .fai in a read-only folder: exits 1" \
        $as_user "$G5" call -f "$T/ro/ref.fa" -o "$T/bad/x.vcf" "$S/s1.bam"
    stderr_has "cannot read the reference \"$T/ro/ref.fa\" or build its index" "and says why"
    is "$(ls -A "$T/bad")" "" "and leaves nothing"
fi
chmod 755 "$T/ro"
mkdir -p "$T/rw" && cp "$S/ref.fa" "$T/rw/ref.fa"
runs "a reference without .fai in a writable folder" "$G5" call -r CHROMOSOME_X -f "$T/rw/ref.fa" -o "$T/rw/x.vcf" "$S/s1.bam"
[ -s "$T/rw/ref.fa.fai" ]; ok $? "its .fai is built"

exits 2 "no -f: a usage error" "$G5" call "$S/s1.bam"
stderr_has "the reference is needed" "and says so"
exits 2 "an index of plain VCF: a usage error" "$G5" call --write-index -f "$S/ref.fa" -o "$T/x.vcf" "$S/s1.bam"
exits 0 "-h exits 0" "$G5" call -h
grep -q '^Usage: g5 call' "$T/stdout"; ok $? "-h prints usage on stdout"

done_testing
