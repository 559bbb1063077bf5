#!/bin/bash
# merge.t -- g5 merge against its oracle, samtools merge 1.16.1: the same
# header (@RG/@PG renaming with the same seed included) and the same
# records in the same order, as `samtools view` prints them, on split
# lanes of simulated and of htslib-test data, coordinate-, name- and
# tag-sorted, with ties across inputs; threads, index, CRAM, regions,
# input lists, more inputs than open files; and bad input leaving nothing.
. "$(dirname "$0")/lib.sh"

command -v samtools >/dev/null || skip_all "samtools not installed"
[ -d "$HTSTEST" ] || skip_all "htslib-test not installed"
M=$DATA/merge

# The SAM text of an alignment file, header included, without the @PG
# line `samtools view` itself would add.
view() { samtools view -h --no-PG "$@"; }

# agree DESC "G5 ARGS" "SAMTOOLS ARGS": both merge into BAM, with --no-PG
# and the same ID seed; ok when `samtools view` prints the same.
agree() {
    local desc=$1 g5args=$2 stargs=$3
    rm -f "$T/g.bam" "$T/s.bam"
    # shellcheck disable=SC2086
    samtools merge -f --no-PG -s 7 -o "$T/s.bam" $stargs 2>/dev/null
    # shellcheck disable=SC2086
    if ! "$G5" merge --no-PG -s 7 -o "$T/g.bam" $g5args 2>"$T/stderr"; then
        ok 1 "$desc"
        sed 's/^/# /' "$T/stderr" >&2
        return
    fi
    view "$T/g.bam" >"$T/g.sam"
    view "$T/s.bam" >"$T/s.sam"
    same_file "$T/g.sam" "$T/s.sam" "$desc"
}

# --- usage -----------------------------------------------------------------

exits 0 "-h exits 0" "$G5" merge -h
grep -q '^Usage: g5 merge' "$T/stdout"; ok $? "-h prints usage on stdout"
[ ! -s "$T/stderr" ]; ok $? "-h prints nothing on stderr"
exits 2 "no arguments at all exits 2" "$G5" merge
grep -q '^Usage: g5 merge' "$T/stderr"; ok $? "and prints usage on stderr"
exits 2 "no input exits 2" "$G5" merge -o "$T/x.bam"
stderr_has "g5 merge: no input files" "and says so"
exits 2 "a bad tag exits 2" "$G5" merge -t RGX "$M/lane1.sam"
exits 2 "--write-index to standard output exits 2" "$G5" merge --write-index "$M/lane1.sam"
exits 2 "-r with -n exits 2" "$G5" merge -n -r chr1 -o "$T/x.bam" "$M/lane1.sam"
exits 2 "an unknown -O format exits 2" "$G5" merge -O vcf -o "$T/x.bam" "$M/lane1.sam"
exits 2 "-m (not a merge option) exits 2" "$G5" merge -m 1G -o "$T/x.bam" "$M/lane1.sam"
exits 2 "a bad seed exits 2" "$G5" merge -s 1x -o "$T/x.bam" "$M/lane1.sam"
exits 2 "standard input twice exits 2" "$G5" merge -o "$T/x.bam" - -
[ ! -e "$T/x.bam" ]; ok $? "a usage error writes no output"

# --- the fixtures: every header rule at once --------------------------------

# lane1 and lane2 share @RG ID:grp1 (different samples) and @PG ID:bwa,
# cross-referenced by @RG PG: and @PG PP:; taken.sam (no @HD) already uses
# "grp1-15DDB16E", the first suffix seed 0 draws, so lane2's grp1 must draw
# again.  Records tie at chr1:100 and chr2:10 across inputs, carry RG and
# PG tags mid-record, and one names an undeclared read group.
samtools merge --no-PG -s 0 -o - "$M/lane1.sam" "$M/taken.sam" "$M/lane2.sam" 2>/dev/null | view - >"$T/want.sam"
"$G5" merge --no-PG -O sam "$M/lane1.sam" "$M/taken.sam" "$M/lane2.sam" >"$T/got.sam" 2>"$T/stderr"
ok $? "fixtures: merge runs"
same_file "$T/got.sam" "$T/want.sam" "fixtures: header and records as samtools merge -s 0 (the default seed)"
grep -q "^@RG.ID:grp1-5FFCC9C0.SM:bob.*PG:bwa-C55E80A\$" "$T/got.sam"
ok $? "fixtures: a taken suffix is drawn again, and @RG PG: follows the renamed program"
grep -q $'^s003\t.*\tRG:Z:grp1-5FFCC9C0\tPG:Z:bwa-C55E80A$' "$T/got.sam"
ok $? "fixtures: record tags renamed and moved to the end, as samtools does"
stderr_has 'warning: record "r003" of "'"$M"'/lane1.sam" has RG:Z:ghost, which no @RG line declares: tag dropped' \
    "fixtures: an undeclared read group is dropped with a warning"
is "$(wc -l <"$T/stderr")" 1 "fixtures: one warning line"
"$G5" merge --no-PG -O sam -s 123 "$M/lane1.sam" "$M/lane2.sam" 2>/dev/null >"$T/got.sam"
samtools merge --no-PG -s 123 -o - "$M/lane1.sam" "$M/lane2.sam" 2>/dev/null | view - >"$T/want.sam"
same_file "$T/got.sam" "$T/want.sam" "fixtures: -s 123 names IDs as samtools merge -s 123"
"$G5" merge --no-PG -O sam -c -p "$M/lane1.sam" "$M/taken.sam" "$M/lane2.sam" 2>/dev/null >"$T/got.sam"
samtools merge --no-PG -c -p -o - "$M/lane1.sam" "$M/taken.sam" "$M/lane2.sam" 2>/dev/null | view - >"$T/want.sam"
same_file "$T/got.sam" "$T/want.sam" "fixtures: -c -p combine colliding IDs as samtools merge -c -p"
# Provenance: htslib chains the new @PG to the programs it finds last, so
# g5 adds as many lines as samtools does, in the same places.
"$G5" merge -O sam "$M/lane1.sam" "$M/taken.sam" "$M/lane2.sam" 2>/dev/null >"$T/got.sam"
samtools merge -o - "$M/lane1.sam" "$M/taken.sam" "$M/lane2.sam" 2>/dev/null | view - >"$T/want.sam"
is "$(grep '^@PG.ID:g5\.merge' "$T/got.sam" | grep -o 'PP:[^[:space:]]*' | tr '\n' ' ')" \
   "$(grep '^@PG.ID:samtools' "$T/want.sam" | grep -o 'PP:[^[:space:]]*' | tr '\n' ' ')" \
   "fixtures: @PG ID:g5.merge follows the same programs as samtools merge's @PG"
grep -q '^@PG.ID:g5\.merge.PP:post.PN:g5.*CL:g5 merge -O sam ' "$T/got.sam"; ok $? "fixtures: with its command line"

# --- htslib-test range.bam, split -------------------------------------------

R=$HTSTEST/range.bam
samtools view -h "$R" | awk '/^@/ || NR % 2' | samtools view -b -o "$T/odd.bam" -
samtools view -h "$R" | awk '/^@/ || !(NR % 2)' | samtools view -b -o "$T/even.bam" -
agree "range.bam split by record: as samtools merge" "$T/odd.bam $T/even.bam" "$T/odd.bam $T/even.bam"
for c in CHROMOSOME_I CHROMOSOME_II CHROMOSOME_III; do samtools view -b -o "$T/$c.bam" "$R" "$c"; done
agree "range.bam split by reference, in reverse: as samtools merge" \
    "$T/CHROMOSOME_III.bam $T/CHROMOSOME_II.bam $T/CHROMOSOME_I.bam" \
    "$T/CHROMOSOME_III.bam $T/CHROMOSOME_II.bam $T/CHROMOSOME_I.bam"

# --- simulated lanes --------------------------------------------------------

# 3000 read pairs from 55 kb of C. elegans (dwgsim, fixed seed), aligned by
# bwa as three lanes: L1, L2, and a third whose read group is also called
# L1 (another library); plus D, lane 1's records under other names, which
# ties every record of lane 1 at the same position in another input.
S=$T/sim
mkdir -p "$S"
simulate() {
    set -e
    cd "$S"
    ce_reference .
    dwgsim -z 1 -N 3000 -1 100 -2 100 -d 300 -s 30 -y 0.02 ref.fa sim >/dev/null 2>&1
    for l in 1 2 3; do
        from=$(( (l - 1) * 4000 + 1 )) to=$(( l * 4000 ))
        zcat sim.bwa.read1.fastq.gz | sed -n "${from},${to}p" >r1.fq
        zcat sim.bwa.read2.fastq.gz | sed -n "${from},${to}p" >r2.fq
        id=L$l; [ $l = 3 ] && id=L1
        bwa mem -t1 -R "@RG\tID:$id\tSM:s1\tLB:lib$l\tPU:lane$l" ref.fa r1.fq r2.fq 2>/dev/null >lane$l.sam
        samtools sort -o lane$l.bam lane$l.sam 2>/dev/null
        samtools sort -n -o name$l.bam lane$l.sam 2>/dev/null
        samtools sort -t AS -o as$l.bam lane$l.sam 2>/dev/null
        samtools index lane$l.bam
    done
    samtools view -h lane1.bam | awk 'BEGIN { OFS = "\t" }
        /^@RG/ { sub(/ID:L1/, "ID:D") } /^@/ { print; next }
        { $1 = "d" $1; sub(/RG:Z:L1/, "RG:Z:D"); print }' | samtools view -b -o dup.bam -
    samtools index dup.bam
}
if ! command -v dwgsim >/dev/null || ! command -v bwa >/dev/null; then
    diag "dwgsim or bwa missing: no simulated data"
    done_testing
    exit
fi
( simulate ) >"$T/stderr" 2>&1
ok $? "simulated lanes built (dwgsim, bwa mem, samtools sort/sort -n/sort -t AS)"
L="$S/lane1.bam $S/lane2.bam $S/lane3.bam $S/dup.bam"

agree "lanes, coordinate order: as samtools merge" "$L" "$L"
"$G5" merge -s 7 --no-PG -o "$T/g.bam" $L
view "$T/g.bam" >"$T/g.sam"
is "$(grep -c '^@RG' "$T/g.sam")" 4 "lanes: four @RG lines"
grep -Eq $'^@RG\tID:L1-[0-9A-F]+\tSM:s1\tLB:lib3\tPU:lane3$' "$T/g.sam"
ok $? "lanes: lane 3's L1 renamed L1-HEX"
new=$(sed -n 's/^@RG\tID:\(L1-[0-9A-F]*\)\t.*/\1/p' "$T/g.sam")
is "$(grep -c "RG:Z:$new\$" "$T/g.sam")" "$(samtools view -c "$S/lane3.bam")" \
    "lanes: every record of lane 3 carries RG:Z:$new"
total=0
for f in $L; do total=$((total + $(samtools view -c "$f"))); done
is "$(grep -vc '^@' "$T/g.sam")" "$total" "lanes: every record of every input written once"
# Ties: lane 1's record comes before its twin in D, at every position.
awk -F'\t' '!/^@/ { k = $1 "\t" $2; if ($1 ~ /^d/) { if (!(substr(k, 2) in seen)) bad++ } else seen[k] = 1 }
    END { exit bad > 0 }' "$T/g.sam"
ok $? "lanes: at equal positions the earlier input's record comes first"

agree "lanes, -@ 2: as samtools merge" "-@ 2 $L" "$L"
"$G5" merge --no-PG -@ 0 -o "$T/t0.bam" $L && "$G5" merge --no-PG -@ 2 -o "$T/t2.bam" $L
cmp -s "$T/t0.bam" "$T/t2.bam"; ok $? "-@ 0 and -@ 2: byte-identical BAM"
"$G5" merge --no-PG -o "$T/r1.bam" $L; "$G5" merge --no-PG -o "$T/r2.bam" $L
cmp -s "$T/r1.bam" "$T/r2.bam"; ok $? "two runs: byte-identical BAM (fixed seed)"

N="$S/name1.bam $S/name2.bam $S/name3.bam"
agree "name-sorted lanes (order from @HD SO): as samtools merge -n" "$N" "-n $N"
agree "name-sorted lanes with -n: as samtools merge -n" "-n $N" "-n $N"
grep -q $'^@HD\tVN:1.6\tSO:queryname' "$T/g.sam"; ok $? "name-sorted lanes: the output declares SO:queryname"
A="$S/as1.bam $S/as2.bam $S/as3.bam"
agree "AS-sorted lanes with -t AS: as samtools merge -t AS" "-t AS $A" "-t AS $A"

# Index, CRAM, region, lists, standard input.
"$G5" merge --no-PG --write-index -o "$T/ix.bam" $L 2>"$T/stderr"
ok $? "--write-index runs"
[ -s "$T/ix.bam.bai" ]; ok $? "--write-index: ix.bam.bai written"
samtools merge -f --no-PG -o "$T/s.bam" $L && samtools index "$T/s.bam"
same_file <(samtools idxstats "$T/ix.bam") <(samtools idxstats "$T/s.bam") "--write-index: idxstats as for samtools merge + index"
is "$(samtools view -c "$T/ix.bam" chrI:20000-30000)" "$(samtools view -c "$T/s.bam" chrI:20000-30000)" \
    "--write-index: a region query through the index finds the same records"

# CRAM stores MD and NM apart and decodes them in its own order, so the
# oracle is samtools merge writing CRAM too.  (htslib's CRAM encoder tunes
# its codecs as it goes, so the bytes differ with threads; the records
# do not.)
samtools merge -f --no-PG -s 7 --reference "$S/ref.fa" -o "$T/s.cram" $L
for t in 0 2; do
    "$G5" merge --no-PG -s 7 -@ $t -f "$S/ref.fa" --write-index -o "$T/m$t.cram" $L 2>"$T/stderr"
    ok $? "CRAM output with -f, -@ $t: runs"
    same_file <(view -T "$S/ref.fa" "$T/m$t.cram") <(view -T "$S/ref.fa" "$T/s.cram") \
        "CRAM output, -@ $t: header and records as samtools merge writes them to CRAM"
done
[ -s "$T/m0.cram.crai" ]; ok $? "CRAM output: .crai written"
rm -rf "$T/bad"; mkdir -p "$T/bad"
exits 2 "CRAM output without -f is a usage error (exit 2)" "$G5" merge -o "$T/bad/x.cram" $L
stderr_has "CRAM output needs the reference" "and says what is missing"
is "$(ls -A "$T/bad")" "" "and leaves nothing"

agree "-r chrI:20000-30000: as samtools merge -R" "-r chrI:20000-30000 $L" "-R chrI:20000-30000 $L"
printf '%s\n' "$S/lane1.bam" "" "$S/lane2.bam" >"$T/list.txt"
agree "-b list plus an argument: as samtools merge -b" "-b $T/list.txt $S/lane3.bam" "-b $T/list.txt $S/lane3.bam"
cat "$S/lane2.bam" | "$G5" merge --no-PG -s 7 -o "$T/g.bam" "$S/lane1.bam" - 2>"$T/stderr"
samtools merge -f --no-PG -s 7 -o "$T/s.bam" "$S/lane1.bam" "$S/lane2.bam"
same_file <(view "$T/g.bam") <(view "$T/s.bam") "an input on standard input (\"-\")"
"$G5" merge --no-PG -s 7 -O sam $L 2>/dev/null | samtools view --no-PG >"$T/g.sam"
samtools merge --no-PG -s 7 -o - $L | samtools view >"$T/want.sam"
same_file "$T/g.sam" "$T/want.sam" "-O sam to standard output: the records of samtools merge"

# --- more inputs than open files --------------------------------------------

# Lane 1 cut into 40 coordinate-sorted pieces by record; with 40 open files
# allowed (32 kept in reserve) a pass takes 8 inputs, so the merge goes
# through 5 temporaries; with 35 through three levels of them.
mkdir -p "$S/pieces"
for i in $(seq -w 1 40); do
    samtools view -h "$S/lane1.bam" | awk -v i="$i" '/^@/ || NR % 40 == i % 40' \
        | samtools view -b -o "$S/pieces/p$i.bam" -
done
P=$(ls "$S"/pieces/p*.bam | tr '\n' ' ')
samtools merge -f --no-PG -s 7 -o "$T/s.bam" $P
for lim in 40 35; do
    rm -rf "$T/out"; mkdir -p "$T/out"
    ( ulimit -n $lim && exec "$G5" merge --verbosity 2 --no-PG -s 7 -o "$T/out/g.bam" $P ) 2>"$T/stderr"
    ok $? "40 inputs, ulimit -n $lim: runs"
    levels=$([ $lim = 40 ] && echo 1 || echo 3)
    is "$(grep -c 'temporary files$' "$T/stderr")" $levels "40 inputs, ulimit -n $lim: $levels level(s) of temporaries"
    same_file <(view "$T/out/g.bam") <(view "$T/s.bam") "40 inputs, ulimit -n $lim: as samtools merge"
    is "$(ls -A "$T/out")" "g.bam" "40 inputs, ulimit -n $lim: no temporary left"
done
samtools view -h "$S/pieces/p37.bam" | awk '/^@/ { print; next } { l[++n] = $0 }
    END { for (i = n; i >= 1; i--) print l[i] }' | samtools view -b -o "$T/p37.bam" -
rm -rf "$T/out"; mkdir -p "$T/out"
( ulimit -n 40 && exec "$G5" merge -o "$T/out/g.bam" ${P/$S\/pieces\/p37.bam/$T/p37.bam} ) 2>"$T/stderr"
is $? 1 "40 inputs, the 37th unsorted: exits 1"
stderr_has "g5 merge: \"$T/p37.bam\" is not sorted by coordinate: record 2 (" "and names the file and record"
is "$(ls -A "$T/out")" "" "and leaves neither output nor temporaries"

# --- bad input --------------------------------------------------------------

# bad DESC TEXT ARGS...: exit 1, one line on stderr containing TEXT, and
# nothing left in the output's directory.
bad() {
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad"; mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" merge -o "$T/bad/out.bam" "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says so"
    is "$(ls -A "$T/bad")" "" "$desc: no output, no temporary file left"
}
# Two records of lane 2 swapped: the second of them is out of place.
samtools view -h "$S/lane2.bam" | awk '/^@/ { print; next } { n++ }
    n == 100 { held = $0; next } { print } n == 101 { print held }' | samtools view -b -o "$T/unsorted.bam" -
name=$(samtools view "$T/unsorted.bam" | sed -n 101p | cut -f1)
bad "an unsorted input" "g5 merge: \"$T/unsorted.bam\" is not sorted by coordinate: record 101 (\"$name\") comes before the previous one" \
    "$S/lane1.bam" "$T/unsorted.bam"
samtools view -h "$S/name2.bam" | awk '/^@/ { print; next } { n++ }
    n == 10 { held = $0; next } { print } n == 12 { print held }' | samtools view -b -o "$T/unsorted-n.bam" -
bad "an input not sorted by name" "is not sorted by queryname: record 12 (" "$S/name1.bam" "$T/unsorted-n.bam"
head -c 150000 "$S/lane2.bam" >"$T/trunc.bam"
bad "a BAM cut mid-block" "g5 merge: cannot read \"$T/trunc.bam\": truncated" "$S/lane1.bam" "$T/trunc.bam"
samtools view -H "$S/lane2.bam" | sed 's/\tLN:5000$/\tLN:5001/' >"$T/h.sam"
samtools reheader "$T/h.sam" "$S/lane2.bam" >"$T/len.bam"
bad "@SQ lengths differ" \
    "g5 merge: @SQ lines differ: reference 2 is SN:chrII LN:5001 in \"$T/len.bam\" but SN:chrII LN:5000 in \"$S/lane1.bam\"" \
    "$S/lane1.bam" "$T/len.bam"
samtools view -h "$S/lane2.bam" | awk -F'\t' '$2 != "SN:chrII" && $3 != "chrII" && $7 != "chrII"' \
    | samtools view -b -o "$T/fewer.bam" -
bad "an @SQ missing" "reference 2 is none in \"$T/fewer.bam\" but SN:chrII LN:5000 in \"$S/lane1.bam\"" \
    "$S/lane1.bam" "$T/fewer.bam"
bad "a nonexistent input" "g5 merge: cannot read \"$T/nonexistent.bam\": No such file or directory" \
    "$S/lane1.bam" "$T/nonexistent.bam"
bad "mixed sort orders" \
    "g5 merge: mixed sort orders: \"$S/lane1.bam\" is sorted by coordinate, \"$S/name2.bam\" by queryname (@HD SO)" \
    "$S/lane1.bam" "$S/name2.bam"
bad "-n on a coordinate-sorted input" "\"$S/lane1.bam\" is sorted by coordinate (@HD SO), but -n merges by queryname" \
    -n "$S/name1.bam" "$S/lane1.bam"
bad "a FASTA file" "not a SAM, BAM or CRAM file" "$S/lane1.bam" "$S/ref.fa"
cp "$S/lane2.bam" "$T/noindex.bam"
bad "-r without an index" "g5 merge: cannot read \"$T/noindex.bam\": no index found" -r chrI "$S/lane1.bam" "$T/noindex.bam"
# Interrupted while an input is still arriving: neither the output nor its
# temporary stays.
rm -rf "$T/sig"; mkdir -p "$T/sig"
mkfifo "$T/sig/in.sam"
env --default-signal=TERM "$G5" merge -o "$T/sig/out.bam" "$M/lane1.sam" "$T/sig/in.sam" 2>/dev/null &
pid=$!
exec 3>"$T/sig/in.sam"
grep '^@' "$M/lane2.sam" >&3
for _ in 1 2 3 4 5 6 7 8 9 10; do
    ls "$T/sig"/out.bam.tmp.* >/dev/null 2>&1 && break
    sleep 0.1
done
ls "$T/sig"/out.bam.tmp.* >/dev/null 2>&1; ok $? "SIGTERM: the output is being written to a temporary"
kill -TERM "$pid"
wait "$pid"; st=$?
exec 3>&-
is "$st" 143 "SIGTERM: g5 merge dies of the signal"
is "$(ls -A "$T/sig")" "in.sam" "SIGTERM: no output and no temporary left"

exits 1 "an output directory that does not exist: exits 1" "$G5" merge -o "$T/no/such/dir/x.bam" "$S/lane1.bam"
stderr_has "g5 merge: cannot write \"$T/no/such/dir/x.bam\"" "and names the output"

done_testing
