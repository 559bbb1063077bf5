#!/bin/bash
# workflows.t -- centre.mk and cohort.mk as a centre runs them: the numbers
# of refdata's known duplicates, kill -9 at any moment and a rerun giving the
# same bytes as an uninterrupted run, and sample sheets, names or paths that
# could reach a shell refused before anything runs.
#
# refdata's reads carry 189 copies of pairs, 35 of them optical (listed in
# refdata/duplicates.tsv); the pipeline must flag the pairs that map (186)
# and count the optical ones, and its coverage must equal mosdepth's.
# Interruptions: the pipeline is started in its own process group and the
# whole group killed with SIGKILL (no cleanup runs) at moments found by
# watching for each step's temporary files -- while the reference is
# indexed, while bwa and g5 sort run, while g5 call and g5 coverage run,
# just after an output appears; a rerun must then finish with every final
# output byte-identical to an uninterrupted run and no temporary left.
# (make bench kills at many more moments.)
. "$(dirname "$0")/lib.sh"
for t in bwa samtools bcftools mosdepth setsid; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

CM="$TOP/workflows/centre.mk"
sheet() { # FILE SAMPLE...: a sheet of refdata's reads under the given names
    local f=$1; shift
    printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\n' >"$f"
    for s in "$@"; do
        printf '%s\trg-%s\tlib-%s\t%s\t%s\n' "$s" "$s" "$s" "$TOP/refdata/reads_1.fq.gz" "$TOP/refdata/reads_2.fq.gz" >>"$f"
    done
}
centre() { # DIR SHEET [make args]: run the pipeline with a private reference copy
    local d=$1 sh=$2; shift 2
    mkdir -p "$d" && { [ -e "$d/ref.fa" ] || cp "$TOP/refdata/ref.fa" "$d/ref.fa"; }
    make -s -f "$CM" SHEET="$sh" REF="$d/ref.fa" OUT="$d/out" G5="$G5" THREADS=1 MEMORY=256M -j2 "$@"
}
OUTPUTS="S1.bam S1.bam.bai S1.markdup.metrics S1.stats.txt S1.mosdepth.summary.txt S1.mosdepth.global.dist.txt
         S1.regions.bed.gz S1.regions.bed.gz.csi S1.thresholds.bed.gz S1.sex.tsv S1.g5cov_mqc.tsv S1.g.vcf.gz S1.g.vcf.gz.tbi"

# --- one sample, uninterrupted ------------------------------------------------------------

sheet "$T/one.tsv" S1
runs "centre.mk runs on refdata's reads" centre "$T/ref" "$T/one.tsv"
D=$T/ref/out
for f in $OUTPUTS; do [ -s "$D/$f" ] || echo "$f"; done >"$T/missing"
is "$(cat "$T/missing")" "" "every output is there"
is "$(samtools view -c -f 1024 -f 64 "$D/S1.bam")" 186 "the 186 duplicate pairs that map are marked"
copies=$(cut -f 1,2 "$TOP/refdata/duplicates.tsv" | tr '\t' '\n' | sort -u)
found=$(samtools view -f 1024 -f 64 "$D/S1.bam" | cut -f 1 | sort)
is "$(comm -13 <(echo "$copies") <(echo "$found") | grep -c .)" 0 "each is a copy listed in refdata, or its original"
is "$(awk -F'\t' 'f { print $8; exit } /^LIBRARY/ { f = 1 }' "$D/S1.markdup.metrics")" 35 "35 optical duplicates, as injected"
is "$(samtools view -H "$D/S1.bam" | grep -c $'^@RG\tID:rg-S1\tSM:S1\tLB:lib-S1\tPL:ILLUMINA')" 1 "the read group comes from the sheet"
mkdir -p "$T/mosdepth"
mosdepth -n -b 1000 -T 1,5,10,20,30 "$T/mosdepth/S1" "$D/S1.bam" 2>/dev/null
for f in mosdepth.summary.txt mosdepth.global.dist.txt; do
    cmp -s "$D/S1.$f" "$T/mosdepth/S1.$f"; ok $? "S1.$f equals mosdepth's"
done
is "$(bcftools view -H "$D/S1.g.vcf.gz" | head -1 | cut -f 1,2,5)" "$(printf 'CHROMOSOME_I\t1\t<*>')" \
   "the gVCF starts with a reference block at the first base"
make -f "$CM" SHEET="$T/one.tsv" REF="$T/ref/ref.fa" OUT="$D" G5="$G5" -n >"$T/redo" 2>&1
is "$(grep -cE 'bwa |g5 ' "$T/redo")" 0 "a rerun of a finished pipeline runs nothing"

# --- kill -9, then rerun --------------------------------------------------------------------

# Every run in the same folder: the outputs record their command lines, paths included.
fingerprint() { (cd "$1" && sha256sum $OUTPUTS); }
K=$T/run
rm -rf "$K" && centre "$K" "$T/one.tsv" >/dev/null 2>&1
fingerprint "$K/out" >"$T/expected"
# kill points: the moment a step's temporary file appears
wait_for() { # GLOB: poll until a file matches (5 s at most)
    local i
    for i in $(seq 500); do compgen -G "$1" >/dev/null && return 0; sleep 0.01; done
    return 1
}
for point in "ref.fa.tmp.*:the bwa index is being built" "out/S1.bam.tmp.*:bwa and g5 sort are running" \
             "out/S1.g.vcf.gz.tmp.*:g5 call is running" "out/S1.mosdepth.*.tmp.*:g5 coverage is running" \
             "out/S1.g.vcf.gz:the gVCF has just appeared"; do
    glob=${point%%:*} what=${point#*:}
    rm -rf "$K" && mkdir -p "$K" && cp "$TOP/refdata/ref.fa" "$K/ref.fa"
    setsid make -s -f "$CM" SHEET="$T/one.tsv" REF="$K/ref.fa" OUT="$K/out" G5="$G5" THREADS=1 MEMORY=256M -j2 \
        >"$T/kill.log" 2>&1 &
    pid=$!
    wait_for "$K/$glob"; seen=$?
    kill -9 -- -$pid 2>/dev/null
    wait $pid 2>/dev/null
    is "$seen" 0 "the run reached the point where $what"
    centre "$K" "$T/one.tsv" >/dev/null 2>&1
    is "$(fingerprint "$K/out" 2>&1)" "$(cat "$T/expected")" \
       "killed with SIGKILL while $what: the rerun's outputs are byte-identical"
    is "$(find "$K" -name '*.tmp*' | grep -c .)" 0 "and no temporary is left"
done

# --- sheets and names that must never reach a shell ----------------------------------------------

bad_sheet() { # DESCRIPTION MESSAGE: the sheet in $T/bad.tsv is refused with MESSAGE, nothing made
    rm -rf "$T/bad"
    exits 2 "$1" make -s -f "$CM" SHEET="$T/bad.tsv" REF="$T/ref/ref.fa" OUT="$T/bad" G5="$G5"
    stderr_has "$2" "with the message: $2"
    is "$(find "$T/bad" -type f 2>/dev/null | grep -v '/\.sheet\.mk\.tmp$' | grep -c .)" 0 "and nothing made"
}
sheet "$T/bad.tsv" S1 'a b'
bad_sheet "a sample name with a space is refused" "sample sheet \"$T/bad.tsv\" line 3: sample \"a b\" may hold only"
sheet "$T/bad.tsv" 'x;touch PWNED' S2
cd "$T"
bad_sheet "a sample name with ';' is refused" 'line 2: sample "x;touch PWNED" may hold only'
cd "$TOP"
[ ! -e "$T/PWNED" ] && [ ! -e "$TOP/PWNED" ]; ok $? "and never executed"
sheet "$T/bad.tsv" 'S$(id)'
bad_sheet "a sample name with \$( ) is refused" 'sample "S$(id)" may hold only'
sheet "$T/bad.tsv" S1 S2 S1
bad_sheet "a sample named twice is refused" 'line 4: sample "S1" is named twice (line 2)'
printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\nS1\trg\tlib\t%s\t/tmp/r 2.fq\n' "$TOP/refdata/reads_1.fq.gz" >"$T/bad.tsv"
bad_sheet "a FASTQ path with a space is refused" 'FASTQ path "/tmp/r 2.fq" may hold only'
printf 'name\tfq1\tfq2\nS1\ta\tb\n' >"$T/bad.tsv"
bad_sheet "a sheet without the header is refused" 'line 1: the header must be: sample, read_group, library, fastq1, fastq2'
printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\nS1\trg\tlib\t%s\t%s\n' "$T/no_1.fq.gz" "$T/no_2.fq.gz" >"$T/bad.tsv"
rm -rf "$T/bad"
make -s -f "$CM" SHEET="$T/bad.tsv" REF="$T/ref/ref.fa" OUT="$T/bad" G5="$G5" >/dev/null 2>"$T/stderr"
ok $([ $? -ne 0 ]; echo $?) "a FASTQ that does not exist fails the run"
stderr_has "cannot read FASTQ \"$T/no_1.fq.gz\"" "naming the file, before anything runs"
is "$(ls "$T/bad" | grep -c 'bam')" 0 "no BAM left"

# cohort.mk refuses unsafe names before running anything
exits 2 "cohort.mk refuses a trait set name a shell would read" \
    make -s -f "$TOP/workflows/cohort.mk" GVCFS=/dev/null PHENO=/dev/null REF=/dev/null OUT="$T/cohort" \
    TRAIT_SETS='a=x;touch$IFS$9PWNED' G5="$G5"
stderr_has 'names may hold only letters, digits' "with a clear message"
[ ! -e "$T/cohort" ] && [ ! -e PWNED ]; ok $? "and nothing made or run"

printf '%s\n' "$T/a.g.vcf.gz" "$T/b;touch PWNED.g.vcf.gz" >"$T/gvcfs.txt"
exits 2 "cohort.mk refuses a gVCF path a shell would read" \
    make -s -f "$TOP/workflows/cohort.mk" GVCFS="$T/gvcfs.txt" PHENO=/dev/null REF=/dev/null OUT="$T/cohort" G5="$G5"
stderr_has "$T/gvcfs.txt line 2: \"$T/b;touch PWNED.g.vcf.gz\": a gVCF path may hold only" "naming the list, its line and the path"
[ ! -e "$T/cohort" ] && [ ! -e "$T/b" ]; ok $? "and nothing made or run"

done_testing
