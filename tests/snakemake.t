#!/bin/bash
# snakemake.t -- the Snakemake wrappers (workflows/snakemake/bio/g5/*) and the
# centre pipeline (workflows/snakemake/Snakefile), run with Debian's snakemake.
#
# Wrappers: each test/Snakefile runs as a user would run it,
#   snakemake --cores 2 --wrapper-prefix file://TOP/workflows/snakemake/ \
#       -s bio/g5/TOOL/test/Snakefile -d W/TOOL
# in a scratch directory holding its inputs.  The g5 command lines the
# wrapper must build are written out below and run by hand in a second
# directory holding the same inputs.  g5 records its command line (@PG,
# ##g5_*Command, TSV comments) and no timestamp, so every output file must be
# byte-identical and the two directories must hold the same files: that
# checks each option a wrapper derives (threads-1 as -@, mem_mb as -m, bwa's
# share of it, --write-index from an index output, -O from the name, --gvcf
# from *.g.vcf.gz, --traits and PREFIX from the declared outputs, ...).
#
# Centre pipeline: refdata's reads as a two-sample sheet, sample A1 with one
# read group (bwa mem | g5 sort --markdup) and B-2 with the reads split into
# two read groups (aligned apart, merged, marked), against the same steps
# run by hand: BAM records (samtools view), gVCF records (bcftools view -H),
# the duplication metrics and the coverage summary; the bwa index and .fai
# built; a second run has nothing to do.  A sample name outside
# [A-Za-z0-9._-] is refused before anything runs (no index, no outputs), and
# a wrapper refuses a rule it cannot serve (an index name g5 does not write).
#
# Data: refdata (C. elegans, 4,189 read pairs); tests/data/merge and
# tests/data/gvcf fixtures; 1000 Genomes chr20:1,000,000-1,100,000 from
# Debian's shapeit4-example (300 samples, 803 variants) with a phenotype
# and declared sexes simulated by perl from a fixed seed.
. "$(dirname "$0")/lib.sh"

command -v snakemake >/dev/null || skip_all "snakemake not installed"
for t in bwa samtools bcftools bgzip perl; do
    command -v $t >/dev/null || skip_all "$t not installed"
done
REFVCF=/usr/share/doc/shapeit4/examples/test/reference.vcf.gz
[ -r "$REFVCF" ] || skip_all "shapeit4-example not installed ($REFVCF)"

SMK=$TOP/workflows/snakemake
R1=$TOP/refdata/reads_1.fq.gz
R2=$TOP/refdata/reads_2.fq.gz
# The wrappers run `g5` from PATH: make it the one under test.
mkdir -p "$T/bin" && ln -s "$(cd "$(dirname "$G5")" && pwd)/$(basename "$G5")" "$T/bin/g5"
export PATH="$T/bin:$PATH" XDG_CACHE_HOME="$T/cache"
# snakemake 7.21 hangs after "Unable to locate wrapper script": bound every run.
smk() { timeout 300 snakemake --nocolor "$@"; }

# --- inputs ---------------------------------------------------------------------

P=$T/prep && mkdir -p "$P"
prep() {
    cd "$P" || return 1
    cp "$TOP/refdata/ref.fa" genome.fa && samtools faidx genome.fa &&
    cp "$DATA/gvcf/ref.fa" gvcf-ref.fa && samtools faidx gvcf-ref.fa &&
    bwa index genome.fa 2>/dev/null || return 1
    for s in a b; do  # aligner output (name-grouped), then sorted and marked
        bwa mem -K 10000000 -t 2 -R "@RG\\tID:$s.L1\\tSM:$s\\tLB:lib1\\tPL:ILLUMINA" \
            genome.fa "$R1" "$R2" >$s.sam 2>/dev/null &&
        g5 sort --markdup --write-index -o $s.bam $s.sam 2>/dev/null || return 1
    done
    g5 sort -o a.sorted.bam a.sam &&
    bcftools mpileup -f genome.fa a.bam 2>/dev/null | bcftools call -mv -Oz -o truth.vcf.gz 2>/dev/null &&
    g5 call -f genome.fa -o calls.vcf.gz a.bam &&
    bcftools view -r 20:1000000-1100000 -Oz -o geno.vcf.gz "$REFVCF" &&
    bcftools query -l geno.vcf.gz >ids || return 1
    perl -e 'srand(20261122); print "IID\tbmi\tasthma\n";
             while (<>) { chomp; printf "%s\t%.2f\t%d\n", $_, 22 + 8 * rand(), rand() < 0.4 }' \
        ids >pheno.tsv &&
    perl -e 'srand(7); print "IID\tSEX\n";
             while (<>) { chomp; print "$_\t", (rand() < 0.5 ? 1 : 2), "\n" }' ids >sex.tsv &&
    head -151 pheno.tsv >half1.tsv && { head -1 pheno.tsv; tail -n +152 pheno.tsv; } >half2.tsv &&
    mkdir -p study1 study2 &&
    g5 assoc --pheno half1.tsv --traits bmi -o study1/a geno.vcf.gz 2>/dev/null &&
    g5 assoc --pheno half2.tsv --traits bmi -o study2/a geno.vcf.gz 2>/dev/null
}
runs "inputs: refdata aligned, 1000 Genomes slice, simulated traits" prep
cd "$T" || exit 1

# stage TOOL FROM:TO...: the same inputs in W/TOOL (snakemake) and D/TOOL (by hand)
stage() {
    local tool=$1 x; shift
    for x in "$@"; do
        for d in "$T/w/$tool" "$T/d/$tool"; do
            mkdir -p "$d/$(dirname "${x#*:}")" && cp "${x%%:*}" "$d/${x#*:}"
        done
    done
}

# wrapper TOOL: run bio/g5/TOOL/test/Snakefile in W/TOOL
wrapper() {
    local tool=$1
    if smk --cores 2 --wrapper-prefix "file://$SMK/" \
        -s "$SMK/bio/g5/$tool/test/Snakefile" -d "$T/w/$tool" >"$T/stdout" 2>"$T/stderr"; then
        ok 0 "$tool: snakemake runs test/Snakefile"
    else
        ok 1 "$tool: snakemake runs test/Snakefile"
        tail -25 "$T/stderr" | sed 's/^/# /' >&2
        cat "$T/w/$tool"/logs/*/* 2>/dev/null | tail -10 | sed 's/^/# log: /' >&2
    fi
}

# by_hand TOOL DIRS CMD: run CMD in D/TOOL (after making DIRS)
by_hand() {
    runs "$1: the wrapper's command by hand" \
        bash -c "cd '$T/d/$1' && mkdir -p $2 && set -o pipefail && $3"
}

# same_outputs TOOL DIR...: the same files in each DIR, byte for byte
same_outputs() {
    local tool=$1 dir f want; shift
    for dir in "$@"; do
        want=$(cd "$T/d/$tool/$dir" && ls)
        [ -n "$want" ] || want="(the hand-run wrote nothing)"
        is "$(cd "$T/w/$tool/$dir" 2>/dev/null && ls)" "$want" "$tool: $dir/ holds the same files"
        for f in $(cd "$T/d/$tool/$dir" && ls); do
            same_file "$T/w/$tool/$dir/$f" "$T/d/$tool/$dir/$f" "$tool: $dir/$f identical"
        done
    done
}

# --- one wrapper at a time --------------------------------------------------------

# align: bwa's share of mem_mb is its index (bwt, sa, pac) plus 256 MB.
stage align "$P/genome.fa:genome.fa" "$R1:reads/a_1.fq.gz" "$R2:reads/a_2.fq.gz" \
    "$P/genome.fa.amb:genome.fa.amb" "$P/genome.fa.ann:genome.fa.ann" \
    "$P/genome.fa.bwt:genome.fa.bwt" "$P/genome.fa.pac:genome.fa.pac" "$P/genome.fa.sa:genome.fa.sa"
IDX_BYTES=$(cat "$P"/genome.fa.{bwt,sa,pac} | wc -c)
SORT_MB=$((1024 - (IDX_BYTES + 1048575) / 1048576 - 256))
wrapper align
by_hand align mapped "bwa mem -K 10000000 -t 2 -R '@RG\\tID:a.L1\\tSM:a\\tLB:lib1\\tPL:ILLUMINA' \
    genome.fa reads/a_1.fq.gz reads/a_2.fq.gz 2>/dev/null |
    g5 sort --markdup -@ 1 -m ${SORT_MB}M --write-index -M mapped/a.markdup.metrics \
    --stats mapped/a.stats.txt -O bam -o mapped/a.bam -"
same_outputs align mapped

stage sort "$P/a.sam:aligned/a.sam"
wrapper sort
by_hand sort "sorted byname" "g5 sort --markdup -@ 1 -m 256M --write-index -M sorted/a.markdup.metrics \
    --stats sorted/a.stats.txt -O bam -o sorted/a.bam aligned/a.sam &&
    g5 sort -n -@ 0 -O bam -o byname/a.bam aligned/a.sam"
same_outputs sort sorted byname

stage merge "$DATA/merge/lane1.sam:lanes/lane1.sam" "$DATA/merge/lane2.sam:lanes/lane2.sam"
wrapper merge
by_hand merge merged "g5 merge -@ 1 --write-index -O bam -o merged/sample.bam lanes/lane1.sam lanes/lane2.sam"
same_outputs merge merged

stage markdup "$P/a.sorted.bam:sorted/a.bam"
wrapper markdup
by_hand markdup dedup "g5 markdup -@ 1 -m 512M --write-index -M dedup/a.markdup.metrics -O bam \
    -o dedup/a.bam sorted/a.bam"
same_outputs markdup dedup

stage stats "$P/a.bam:sorted/a.bam"
wrapper stats
by_hand stats stats "g5 stats -@ 1 -o stats/a.stats.txt sorted/a.bam &&
    g5 stats --flagstat -@ 1 -o stats/a.flagstat sorted/a.bam &&
    g5 stats --tsv -@ 1 -o stats/a.stats.tsv sorted/a.bam"
same_outputs stats stats

stage coverage "$P/a.bam:sorted/a.bam" "$P/a.bam.bai:sorted/a.bam.bai"
wrapper coverage
by_hand coverage coverage "g5 coverage -@ 1 -m 256M --by 1000 -T 1,5 coverage/a sorted/a.bam"
same_outputs coverage coverage

stage call "$P/a.bam:sorted/a.bam" "$P/a.bam.bai:sorted/a.bam.bai" "$P/b.bam:sorted/b.bam" \
    "$P/b.bam.bai:sorted/b.bam.bai" "$P/genome.fa:genome.fa" "$P/genome.fa.fai:genome.fa.fai"
wrapper call
by_hand call calls "g5 call --gvcf -f genome.fa -@ 1 --write-index -O vcf.gz -o calls/a.g.vcf.gz sorted/a.bam &&
    g5 call -f genome.fa -@ 0 -O bcf --min-alt 1 -o calls/ab.bcf sorted/a.bam sorted/b.bam"
same_outputs call calls

stage concord "$P/truth.vcf.gz:truth/a.vcf.gz" "$P/calls.vcf.gz:calls/a.vcf.gz" \
    "$P/genome.fa:genome.fa" "$P/genome.fa.fai:genome.fa.fai"
wrapper concord
by_hand concord concord "g5 concord -f genome.fa -@ 0 -o concord/a.diffs.tsv truth/a.vcf.gz calls/a.vcf.gz \
    >concord/a.tsv"
same_outputs concord concord

stage joint "$DATA/gvcf/g5.g.vcf:gvcf/g5.g.vcf" "$DATA/gvcf/bcftools.g.vcf:gvcf/bcftools.g.vcf" \
    "$P/gvcf-ref.fa:gvcf/ref.fa" "$P/gvcf-ref.fa.fai:gvcf/ref.fa.fai"
wrapper joint
by_hand joint cohort "g5 joint -f gvcf/ref.fa -@ 1 -m 512M --write-index --gvcf-out cohort/merged.g.bcf \
    -O vcf.gz -o cohort/cohort.vcf.gz gvcf/g5.g.vcf gvcf/bcftools.g.vcf"
same_outputs joint cohort

stage assoc "$P/geno.vcf.gz:geno.vcf.gz" "$P/pheno.tsv:pheno.tsv"
wrapper assoc
by_hand assoc assoc "g5 assoc --pheno pheno.tsv --traits bmi,asthma --assembly GRCh37 --strict -@ 1 \
    -o assoc/study geno.vcf.gz"
same_outputs assoc assoc

stage meta "$P/study1/a.bmi.tsv.gz:study1/a.bmi.tsv.gz" "$P/study2/a.bmi.tsv.gz:study2/a.bmi.tsv.gz" \
    "$P/study1/a.bmi.tsv.gz-meta.yaml:study1/a.bmi.tsv.gz-meta.yaml" \
    "$P/study2/a.bmi.tsv.gz-meta.yaml:study2/a.bmi.tsv.gz-meta.yaml"
wrapper meta
by_hand meta meta "g5 meta --model random -@ 0 -o meta/bmi study1/a.bmi.tsv.gz study2/a.bmi.tsv.gz"
same_outputs meta meta

stage pca "$P/geno.vcf.gz:geno.vcf.gz"
wrapper pca
by_hand pca pca "g5 pca -k 3 -@ 1 -m 256M -o pca/study geno.vcf.gz &&
    g5 pca --project pca/study.loadings -@ 0 -o pca/projected geno.vcf.gz"
same_outputs pca pca

stage kin "$P/geno.vcf.gz:geno.vcf.gz"
wrapper kin
by_hand kin kin "g5 kin --min-kinship 0.1 -@ 1 -m 256M -o kin/study geno.vcf.gz"
same_outputs kin kin

stage sampleqc "$P/geno.vcf.gz:geno.vcf.gz" "$P/sex.tsv:sex.tsv"
wrapper sampleqc
by_hand sampleqc qc "g5 sampleqc --sex sex.tsv -@ 1 --het-sd 4 -o qc/study geno.vcf.gz"
same_outputs sampleqc qc

# release, then verify on the folder it made (and on a tampered copy)
stage release "$P/geno.vcf.gz:geno.vcf.gz"
wrapper release
by_hand release release "g5 release --open -@ 1 -o release/study geno.vcf.gz >release/study.sha256"
same_outputs release release/study
same_file "$T/w/release/release/study.sha256" "$T/d/release/release/study.sha256" "release: release/study.sha256 identical"
ok $([ ! -e "$T/w/release/release/study/.snakemake_timestamp" ]; echo $?) "release: no file of snakemake's in the folder"
is "$(cut -d' ' -f1 "$T/w/release/release/study.sha256")" "$(sha256sum "$T/w/release/release/study/MANIFEST.tsv" | cut -d' ' -f1)" \
   "release: output.sha256 holds the manifest's SHA-256"
mkdir -p "$T/w/verify" "$T/d/verify"
cp -r "$T/w/release/release" "$T/w/verify/" && cp -r "$T/w/release/release" "$T/d/verify/"
wrapper verify
by_hand verify verify "g5 verify --sha256 $(cut -d' ' -f1 "$T/w/release/release/study.sha256") -@ 0 release/study 2>verify/study.txt"
same_outputs verify verify
printf 'x' >>"$T/w/verify/release/study/geno.vcf.gz"
rm -f "$T/w/verify/verify/study.txt"
if smk --cores 1 --wrapper-prefix "file://$SMK/" -s "$SMK/bio/g5/verify/test/Snakefile" -d "$T/w/verify" \
    >"$T/stdout" 2>"$T/stderr"; then st=0; else st=1; fi
is "$st" 1 "verify: a changed file fails the rule"
grep -q 'geno.vcf.gz' "$T/w/verify/logs/g5_verify/study.log"; ok $? "verify: and its log names the file"

# Every wrapper directory has its four files, and every tool a wrapper.
missing=
for tool in align sort merge markdup stats coverage call concord joint assoc meta pca kin sampleqc release verify; do
    for f in wrapper.py meta.yaml environment.yaml test/Snakefile; do
        [ -s "$SMK/bio/g5/$tool/$f" ] || missing="$missing $tool/$f"
    done
done
is "$missing" "" "every wrapper has wrapper.py, meta.yaml, environment.yaml, test/Snakefile"
tools=$("$G5" -h | awk '/^Commands:/ { on = 1; next } on && NF { print $1 }')
nowrap= n=0
for tool in $tools; do
    n=$((n + 1))
    [ -d "$SMK/bio/g5/$tool" ] || nowrap="$nowrap $tool"
done
is "$([ $n -ge 15 ] && echo "15 or more") $nowrap" "15 or more " "every g5 command listed by g5 -h has a wrapper"
# The YAML files parse, with the keys of the snakemake-wrappers layout (read
# with the Python that runs snakemake, which has PyYAML).
PY=$(sed -n '1s/^#! *//p' "$(command -v snakemake)")
runs "meta.yaml and environment.yaml parse, with their keys" "${PY:-python3}" -c '
import glob, sys, yaml
for p in sorted(glob.glob(sys.argv[1] + "/bio/g5/*/meta.yaml")):
    d = yaml.safe_load(open(p))
    missing = {"name", "description", "url", "authors", "input", "output", "params", "notes"} - set(d)
    assert not missing, (p, missing)
    assert d["name"] == "g5 " + p.split("/")[-2], (p, d["name"])
for p in sorted(glob.glob(sys.argv[1] + "/bio/g5/*/environment.yaml")):
    d = yaml.safe_load(open(p))
    assert set(d) == {"channels", "dependencies"}, p
yaml.safe_load(open(sys.argv[1] + "/config.yaml"))
' "$SMK"

# A rule the wrapper cannot serve is refused before g5 runs, naming the fix.
stage refuse "$P/a.bam:sorted/a.bam" "$P/a.bam.bai:sorted/a.bam.bai" \
    "$P/genome.fa:genome.fa" "$P/genome.fa.fai:genome.fa.fai"
cat >"$T/w/refuse/Snakefile" <<'EOF'
rule call:
    input:
        bam="sorted/a.bam",
        ref="genome.fa",
    output:
        vcf="calls/a.vcf.gz",
        idx="calls/a.vcf.gz.csi",
    log:
        "logs/call.log",
    wrapper:
        "bio/g5/call"
EOF
exits 1 "call: a .csi declared for a VCF.gz fails the job" \
    smk --cores 1 --wrapper-prefix "file://$SMK/" -d "$T/w/refuse" -s "$T/w/refuse/Snakefile"
MSG='g5 call wrapper: output.idx "calls/a.vcf.gz.csi": g5 writes the index of "calls/a.vcf.gz" as "calls/a.vcf.gz.tbi"'
stderr_has "$MSG" "call: the error says which index g5 writes"
grep -qF "$MSG" "$T/w/refuse/logs/call.log" 2>/dev/null
ok $? "call: the error is in the rule's log too"
ok "$( [ ! -e "$T/w/refuse/calls/a.vcf.gz" ] && [ ! -e "$T/w/refuse/calls/a.vcf.gz.tbi" ]; echo $?)" \
    "call: nothing written"

# --- the centre pipeline --------------------------------------------------------------

C=$T/centre && mkdir -p "$C/ref" "$C/fq" && cp "$TOP/refdata/ref.fa" "$C/ref/genome.fa"
for r in 1 2; do  # B-2: the reads in two read groups, 2,000 pairs and 2,189
    zcat "$TOP/refdata/reads_$r.fq.gz" | head -8000 | gzip -n >"$C/fq/b.L1_$r.fq.gz"
    zcat "$TOP/refdata/reads_$r.fq.gz" | tail -n +8001 | gzip -n >"$C/fq/b.L2_$r.fq.gz"
done
{
    printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\n'
    printf 'A1\tA1.L1\tlibA\t%s\t%s\n' "$R1" "$R2"
    printf 'B-2\tB.L1\tlibB\tfq/b.L1_1.fq.gz\tfq/b.L1_2.fq.gz\n'
    printf 'B-2\tB.L2\tlibB\tfq/b.L2_1.fq.gz\tfq/b.L2_2.fq.gz\n'
} >"$C/samples.tsv"
printf 'samples: samples.tsv\nreference: ref/genome.fa\noutdir: results\nthreads: 2\nmem_mb: 1024\n' \
    >"$C/config.yaml"
centre() { smk --cores 2 -s "$SMK/Snakefile" -d "$C" --configfile "$C/config.yaml" "$@"; }
runs "centre: the Snakefile runs a two-sample sheet" centre
grep -q 'Exiting because a job execution failed' "$T/stderr" && tail -25 "$T/stderr" | sed 's/^/# /' >&2

missing=
for s in A1 B-2; do
    for x in bam bam.bai markdup.metrics stats.txt mosdepth.summary.txt mosdepth.global.dist.txt \
        regions.bed.gz sex.tsv g5cov_mqc.tsv g.vcf.gz g.vcf.gz.tbi; do
        [ -s "$C/results/$s.$x" ] || missing="$missing $s.$x"
    done
done
for x in amb ann bwt pac sa fai; do [ -s "$C/ref/genome.fa.$x" ] || missing="$missing genome.fa.$x"; done
is "$missing" "" "centre: every output, the bwa index and .fai"
is "$(ls "$C/results/read_groups" 2>/dev/null)" "" "centre: the read groups' BAMs are removed"

# The same pipeline by hand.
H=$T/hand && mkdir -p "$H" && cp "$TOP/refdata/ref.fa" "$H/ref.fa"
hand() {
    cd "$H" && samtools faidx ref.fa && bwa index ref.fa 2>/dev/null || return 1
    set -o pipefail
    bwa mem -K 10000000 -t 2 -R '@RG\tID:A1.L1\tSM:A1\tLB:libA\tPL:ILLUMINA' ref.fa "$R1" "$R2" 2>/dev/null |
        g5 sort --markdup -@ 1 --write-index -M A1.markdup.metrics --stats A1.stats.txt -o A1.bam - || return 1
    for rg in L1 L2; do
        bwa mem -K 10000000 -t 2 -R "@RG\\tID:B.$rg\\tSM:B-2\\tLB:libB\\tPL:ILLUMINA" ref.fa \
            "$C/fq/b.${rg}_1.fq.gz" "$C/fq/b.${rg}_2.fq.gz" 2>/dev/null | g5 sort -o B.$rg.bam - || return 1
    done
    g5 merge -o B-2.merged.bam B.L1.bam B.L2.bam &&
    g5 markdup --write-index -M B-2.markdup.metrics -o B-2.bam B-2.merged.bam || return 1
    for s in A1 B-2; do
        g5 coverage -@ 1 --by 1000 $s $s.bam 2>/dev/null &&
        g5 call --gvcf -f ref.fa --write-index -o $s.g.vcf.gz $s.bam || return 1
    done
}
runs "centre: the same steps by hand" hand
cd "$T" || exit 1
for s in A1 B-2; do
    samtools view "$C/results/$s.bam" >"$T/got.sam" 2>&1
    samtools view "$H/$s.bam" >"$T/want.sam" 2>&1
    ok "$( [ -s "$T/want.sam" ]; echo $?)" "centre: $s: hand-run BAM has records"
    same_file "$T/got.sam" "$T/want.sam" "centre: $s: BAM records as by hand"
    bcftools view -H "$C/results/$s.g.vcf.gz" >"$T/got.vcf" 2>&1
    bcftools view -H "$H/$s.g.vcf.gz" >"$T/want.vcf" 2>&1
    same_file "$T/got.vcf" "$T/want.vcf" "centre: $s: gVCF records as by hand"
    grep -v '^#' "$C/results/$s.markdup.metrics" >"$T/got.txt" 2>&1
    grep -v '^#' "$H/$s.markdup.metrics" >"$T/want.txt" 2>&1
    same_file "$T/got.txt" "$T/want.txt" "centre: $s: duplication metrics as by hand"
    same_file "$C/results/$s.mosdepth.summary.txt" "$H/$s.mosdepth.summary.txt" \
        "centre: $s: coverage summary as by hand"
done
# B-2's two read groups were merged, then marked across both.
is "$(samtools view -H "$C/results/B-2.bam" | grep -c '^@RG')" 2 "centre: B-2 has both read groups"
g5 stats "$H/B-2.bam" 2>/dev/null | grep -v '^#' >"$T/want.txt"
grep -v '^#' "$C/results/B-2.stats.txt" >"$T/got.txt"
same_file "$T/got.txt" "$T/want.txt" "centre: B-2: stats report as g5 stats of the hand-run BAM"

runs "centre: a second run" centre -n
grep -q 'Nothing to be done' "$T/stdout" "$T/stderr"
ok $? "centre: a second run has nothing to do"

# A bad sample name is refused before anything runs.
B=$T/bad && mkdir -p "$B/ref" && cp "$TOP/refdata/ref.fa" "$B/ref/genome.fa"
printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\nok1\tok1.L1\tlib1\t%s\t%s\nA 1\tA1.L1\tlib1\t%s\t%s\n' \
    "$R1" "$R2" "$R1" "$R2" >"$B/samples.tsv"
exits 1 "centre: a sample name with a blank fails" \
    smk --cores 2 -s "$SMK/Snakefile" -d "$B" --configfile "$C/config.yaml"
stderr_has 'sample sheet "samples.tsv" line 3: sample name "A 1" has characters outside [A-Za-z0-9._-]' \
    "centre: the error names the line and the allowed characters"
is "$(cd "$B" && find . -path ./.snakemake -prune -o -type f -print | sort | tr '\n' ' ')" \
    "./ref/genome.fa ./samples.tsv " "centre: nothing built (no index, no outputs)"

done_testing
