#!/bin/bash
# markdup.t -- g5 markdup against its oracle, Picard MarkDuplicates 2.27.5:
# the hand-made cases of tests/data/markdup (Picard's flags, DT tags and
# metrics stored by make-expected.sh) compared exactly, at 0 and 2 threads;
# a simulated library with known PCR and optical duplicates, compared
# record by record with a live Picard run; MultiQC reading the metrics;
# input from a pipe; and every kind of bad input leaving nothing behind.
. "$(dirname "$0")/lib.sh"

command -v samtools >/dev/null || skip_all "samtools not installed"
M=$DATA/markdup

# QNAME, FLAG, RNAME, POS and DT (or ".") of every record of a SAM/BAM.
records() {
    samtools view "$1" | awk -F'\t' 'BEGIN { OFS = "\t" }
        { dt = "."; for (i = 12; i <= NF; i++) if ($i ~ /^DT:Z:/) dt = substr($i, 6)
          print $1, $2, $3, $4, dt }'
}
# The metrics without their header lines (Picard's name its command and date).
body() { sed -n '/^$/,$p' "$1"; }
# What g5 writes by default, from what Picard writes on coordinate-sorted
# input: secondary and supplementary alignments take the flag and DT tag
# of their template's mapped primary alignments.
with_followers() {
    awk -F'\t' 'BEGIN { OFS = "\t" }
        function bit(f, b) { return int(f / b) % 2 }
        NR == FNR {
            if (!bit($2, 256) && !bit($2, 2048) && !bit($2, 4) && bit($2, 1024)) { dup[$1] = 1; dt[$1] = $5 }
            next
        }
        (bit($2, 256) || bit($2, 2048)) && !bit($2, 4) {
            if ($1 in dup) { if (!bit($2, 1024)) $2 += 1024; $5 = dt[$1] }
            else { if (bit($2, 1024)) $2 -= 1024; $5 = "." }
        }
        { print }' "$1" "$1"
}

# --- usage -------------------------------------------------------------------

exits 0 "-h exits 0" "$G5" markdup -h
grep -q '^Usage: g5 markdup' "$T/stdout"; ok $? "-h prints usage on stdout"
[ ! -s "$T/stderr" ]; ok $? "-h prints nothing on stderr"
exits 2 "no arguments exits 2" "$G5" markdup
grep -q '^Usage: g5 markdup' "$T/stderr"; ok $? "and prints usage on stderr"
exits 2 "a bad option exits 2" "$G5" markdup --no-such-option "$M/01_pairs.sam"
stderr_has 'g5 markdup: unknown option "--no-such-option"' "and names the option"
exits 2 "no input exits 2" "$G5" markdup -o "$T/x.bam"
stderr_has "g5 markdup: no input file" "and says so"
exits 2 "-d x exits 2" "$G5" markdup -d x "$M/01_pairs.sam"
exits 2 "-r, which does not apply, exits 2" "$G5" markdup -r chr1 "$M/01_pairs.sam"
exits 2 "-m nonsense exits 2" "$G5" markdup -m lots "$M/01_pairs.sam"
[ ! -e "$T/x.bam" ]; ok $? "a usage error writes no output"

# --- hand-made cases against Picard ------------------------------------------

# Each case at -@ 0 and -@ 2, SAM and BAM out: with --primary-only the flags
# and DT tags of every record are Picard's, and the metrics are Picard's
# from the first blank line on; by default only the secondary and
# supplementary records differ, taking their template's flag.
for sam in "$M"/[0-9][0-9]_*.sam; do
    case=${sam%.sam}; name=${case##*/}
    r=0
    "$G5" markdup --primary-only --dt --no-PG -O sam -M "$T/m0" -o "$T/o0.sam" "$sam" 2>"$T/stderr" || r=1
    "$G5" markdup --primary-only --dt --no-PG -@ 2 -M "$T/m2" -o "$T/o2.bam" "$sam" 2>>"$T/stderr" || r=1
    records "$T/o0.sam" | cmp -s - "$case.picard.tsv" || { r=1; records "$T/o0.sam" | diff "$case.picard.tsv" - | head -10 | sed 's/^/# /' >&2; }
    records "$T/o2.bam" | cmp -s - "$case.picard.tsv" || r=1
    body "$T/m0" | cmp -s - "$case.picard.metrics" || { r=1; body "$T/m0" | diff "$case.picard.metrics" - | head -10 | sed 's/^/# /' >&2; }
    cmp -s <(body "$T/m0") <(body "$T/m2") || r=1
    ok $r "$name: flags, DT tags and metrics equal Picard's (--primary-only, -@ 0 and 2)"
    "$G5" markdup --dt --no-PG -O sam -o "$T/d.sam" "$sam" 2>/dev/null
    records "$T/d.sam" | cmp -s - <(with_followers "$case.picard.tsv")
    ok $? "$name: by default secondary and supplementary records follow their template"
done
"$G5" markdup --dt -O sam -o "$T/d.sam" "$M/09_secondary.sam" 2>/dev/null
n=$(records "$T/d.sam" | awk -F'\t' 'int($2 / 2048) % 2 && int($2 / 1024) % 2' | wc -l)
is "$n" 3 "09_secondary: the duplicate's supplementary alignments (one before its primary) and the unpaired duplicate's are flagged"

# Stored fixtures can go stale; with G5_TEST_PICARD=1 they are checked.
if [ -n "${G5_TEST_PICARD:-}" ]; then
    cp -r "$M" "$T/fresh"
    "$T/fresh/make-expected.sh" >/dev/null 2>&1
    r=0
    for f in "$M"/*.picard.*; do cmp -s "$f" "$T/fresh/${f##*/}" || { r=1; diag "stale: ${f##*/}"; }; done
    ok $r "the stored Picard outputs are what Picard writes today"
fi

# Read groups without LB: a warning naming them, and Picard's library.
"$G5" markdup -M "$T/m" -o "$T/o.bam" "$M/06_libraries.sam" 2>"$T/stderr"
is "$(cat "$T/stderr")" "g5 markdup: warning: read group \"rgC\" of \"$M/06_libraries.sam\" has no LB: its reads are counted in library \"Unknown Library\", as Picard does" \
    "a read group without LB: one warning line"
grep -q '^Unknown Library	0	3	' "$T/m"; ok $? "its reads, and those without RG, count in \"Unknown Library\""

# The metrics file names g5, its command and the input, and no time.
sed -n 2p "$T/m" | grep -q "^# g5 markdup [^ ]*: g5 markdup -M $T/m -o $T/o.bam $M/06_libraries.sam\$"
ok $? "metrics: the first header line is g5's provenance"
sed -n 4p "$T/m" | grep -q "^# MarkDuplicates-compatible duplication metrics by g5 markdup, INPUT=$M/06_libraries.sam\$"
ok $? "metrics: the second names the input"
! grep -qi 'started on\|date' "$T/m"; ok $? "metrics: no timestamp"

# Output: @PG, --remove, --write-index, standard input.
samtools view -H "$T/o.bam" | grep -q '^@PG	ID:g5.markdup	PN:g5	.*CL:g5 markdup -M '; ok $? "@PG line in the output header"
"$G5" markdup --remove -O sam -o "$T/rm.sam" "$M/01_pairs.sam"
records "$T/rm.sam" | cmp -s - <(awk -F'\t' 'int($2 / 1024) % 2 == 0' "$M/01_pairs.picard.tsv")
ok $? "--remove leaves out exactly the duplicates"
samtools view -b -o "$T/in.bam" "$M/08_optical.sam"
runs "--write-index writes a BAI" "$G5" markdup --write-index -o "$T/idx.bam" "$T/in.bam"
[ -s "$T/idx.bam.bai" ] && samtools idxstats "$T/idx.bam" >/dev/null; ok $? "and the index works"
mkdir -p "$T/spool"
"$G5" markdup --primary-only --dt -T "$T/spool" -O sam -o "$T/stdin.sam" - <"$T/in.bam"
records "$T/stdin.sam" | cmp -s - "$M/08_optical.picard.tsv"; ok $? "standard input (copied under -T): the same flags"
is "$(ls -A "$T/spool")" "" "and the copy is gone"

# --- a simulated library -------------------------------------------------------

if ! command -v dwgsim >/dev/null || ! command -v bwa >/dev/null || [ ! -f "$HTSTEST/ce.fa" ]; then
    diag "dwgsim, bwa or htslib-test missing: no simulated library"
    done_testing
    exit
fi
S=$T/sim
mkdir -p "$S"
HTSTEST=$HTSTEST "$M/simulate.sh" "$S" 3000 11 >"$T/stderr" 2>&1
ok $? "simulated library: 3000 pairs with PCR and optical copies (dwgsim, bwa mem, samtools sort)"
copies=$(wc -l <"$S/truth.tsv")
diag "$copies copies injected ($(grep -c optical "$S/truth.tsv") optical)"

for t in 0 2; do
    runs "simulated: -@ $t runs" "$G5" markdup -@ $t --dt --no-PG -M "$S/g$t.metrics" -o "$S/g$t.bam" "$S/sim.bam"
    runs "simulated: -@ $t --primary-only runs" "$G5" markdup -@ $t --dt --primary-only --no-PG -o "$S/p$t.bam" "$S/sim.bam"
done
cmp -s "$S/g0.bam" "$S/g2.bam"; ok $? "simulated: output byte-identical at -@ 0 and -@ 2"
cmp -s <(body "$S/g0.metrics") <(body "$S/g2.metrics"); ok $? "simulated: metrics identical at -@ 0 and -@ 2 (the header names -@)"
cmp -s "$S/p0.bam" "$S/p2.bam"; ok $? "simulated: --primary-only output byte-identical at -@ 0 and -@ 2"

# Did the injected copies come out as duplicates?  Of an original and its
# copies, one survives (not always the original: a copy may score higher,
# or win a tie); the others are duplicates -- and sometimes one more, when
# an unrelated template happens to lie at the same place.  Not quite every
# set: bwa places a mate in a repeat (MAPQ 0) or splits a chimera
# differently from copy to copy, and unmapped pairs are never duplicates.
records "$S/g0.bam" | awk -F'\t' 'int($2 / 256) % 2 == 0 && int($2 / 2048) % 2 == 0 && int($2 / 4) % 2 == 0' >"$S/g0.prim"
read -r sets good < <(awk -F'\t' 'NR == FNR { if (int($2 / 1024) % 2) dup[$1] = 1; next }
    { copies[$2]++; d[$2] += ($1 in dup) }
    END { for (s in copies) { n++; if (d[s] + (s in dup) >= copies[s]) g++ } print n, g }' "$S/g0.prim" "$S/truth.tsv")
diag "$good of $sets sets of injected copies have all but one template flagged"
[ "$good" -ge $((sets * 95 / 100)) ]; ok $? "simulated: in >= 95% of the sets of injected copies all but one are duplicates"

picard_jar=${PICARD_JAR:-/usr/share/java/picard.jar}
if command -v java >/dev/null && [ -f "$picard_jar" ]; then
    java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$picard_jar" MarkDuplicates \
        I="$S/sim.bam" O="$S/picard.bam" M="$S/picard.metrics" TAGGING_POLICY=All \
        QUIET=true VERBOSITY=ERROR >/dev/null 2>"$T/stderr"
    ok $? "Picard MarkDuplicates runs on the simulated library"
    records "$S/picard.bam" >"$S/picard.tsv"
    records "$S/p0.bam" >"$S/p0.tsv"
    n=$(wc -l <"$S/picard.tsv")
    same=$(paste "$S/picard.tsv" "$S/p0.tsv" | awk -F'\t' '$2 == $7 && $5 == $10' | wc -l)
    dups=$(awk -F'\t' 'int($2 / 1024) % 2' "$S/picard.tsv" | wc -l)
    diag "--primary-only agrees with Picard on $same of $n records ($dups duplicates, flags and DT tags)"
    [ "$n" -gt 5000 ] && awk -v s="$same" -v n="$n" 'BEGIN { exit !(s / n >= 0.9999) }'
    ok $? "simulated: flags and DT tags agree with Picard on >= 99.99% of records"
    is "$((n - same))" 0 "simulated: and in fact on all of them"
    records "$S/g0.bam" | cmp -s - <(with_followers "$S/picard.tsv")
    ok $? "simulated: by default, only secondary and supplementary records differ, as their templates"
    body "$S/g0.metrics" | cmp -s - <(body "$S/picard.metrics")
    ok $? "simulated: metrics equal Picard's (every number and the histograms)"

    if command -v multiqc >/dev/null; then
        mkdir -p "$T/mqc/g5" "$T/mqc/picard"
        cp "$S/g0.metrics" "$T/mqc/g5/sim.metrics"
        cp "$S/picard.metrics" "$T/mqc/picard/sim.metrics"
        for w in g5 picard; do
            multiqc -q -f --cl-config "no_version_check: true" -o "$T/mqc/$w/out" "$T/mqc/$w" >/dev/null 2>&1
        done
        d=multiqc_data/multiqc_picard_dups.txt
        [ -s "$T/mqc/g5/out/$d" ]; ok $? "MultiQC's Picard module reads the g5 metrics"
        cmp -s "$T/mqc/g5/out/$d" "$T/mqc/picard/out/$d"; ok $? "and finds what it finds in Picard's, sample name included"
        awk -F'\t' 'NR == 2 { exit !($1 == "sim" && $4 + 0 > 0) }' "$T/mqc/g5/out/$d"; ok $? "MultiQC sample \"sim\", read pairs counted"
    else
        diag "multiqc not installed: MultiQC checks skipped"
    fi
else
    diag "Picard not installed: the live comparison is skipped"
fi

# --- bad input -------------------------------------------------------------------

# Each case: exit 1, one line on stderr naming the file, nothing left in the
# output directory (no output, no metrics, no temporary).
bad() { # description expected-text input [options...]
    local desc=$1 text=$2 in=$3; shift 3
    rm -rf "$T/bad"; mkdir -p "$T/bad/tmp"
    exits 1 "$desc: exits 1" "$G5" markdup "$@" -T "$T/bad/tmp" -M "$T/bad/out.metrics" -o "$T/bad/out.bam" "$in"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    grep -qF "\"$in\"" "$T/stderr" && grep -q "^g5 markdup: .*$text" "$T/stderr"
    ok $? "$desc: names the file and the cause ($text)"
    is "$(ls -A "$T/bad" "$T/bad/tmp" | tr -d '\n')" "$T/bad:tmp$T/bad/tmp:" "$desc: no output, no temporary file left"
}
bad "nonexistent file" "No such file or directory" "$T/nonexistent.bam"
{ grep '^@' "$M/01_pairs.sam"; grep -v '^@' "$M/01_pairs.sam" | tail -1; grep -v '^@' "$M/01_pairs.sam"; } >"$T/unsorted.sam"
bad "unsorted input" "not sorted by coordinate: record [0-9]* (\"[^\"]*\") at chr1:[0-9]* comes after chr1:[0-9]*" "$T/unsorted.sam"
samtools sort -n -o "$T/byname.bam" "$M/01_pairs.sam" 2>/dev/null
bad "input sorted by name" "sorted by query name" "$T/byname.bam"
head -c 60000 "$S/sim.bam" >"$T/trunc.bam"
bad "truncated BAM" "truncated" "$T/trunc.bam"
bad "truncated BAM, 2 threads" "truncated" "$T/trunc.bam" -@ 2
bad "memory budget too small" "memory budget of 64.0K (-m) is used up at record [0-9]*; give more with -m" "$S/sim.bam" -m 64K
printf 'not\tan alignment\n' >"$T/notes.txt"
bad "a text file" "not a SAM, BAM or CRAM file" "$T/notes.txt"

# A truncated file through a pipe: copied, read, rejected, copy removed.
rm -rf "$T/bad"; mkdir -p "$T/bad/tmp"
"$G5" markdup -T "$T/bad/tmp" -o "$T/bad/out.bam" - <"$T/trunc.bam" 2>"$T/stderr"
is $? 1 "truncated BAM on standard input: exits 1"
grep -Eq '^g5 markdup: cannot read "-": truncated' "$T/stderr"; ok $? "and says so, naming \"-\""
is "$(ls -A "$T/bad" "$T/bad/tmp" | tr -d '\n')" "$T/bad:tmp$T/bad/tmp:" "and leaves neither output nor copy"
exits 1 "standard input with a -T that does not exist: exits 1" \
    "$G5" markdup -T "$T/no/such/dir" -o "$T/o.bam" - <"$M/01_pairs.sam"
stderr_has "cannot copy \"-\" to the temporary directory \"$T/no/such/dir\"" "and names the directory"
# A temporary directory that fills up while standard input is copied
# there: a 64 KiB tmpfs (root only).
mkdir -p "$T/full"
if mount -t tmpfs -o size=64k tmpfs "$T/full" 2>/dev/null; then
    rm -rf "$T/bad"; mkdir -p "$T/bad"
    exits 1 "a full temporary disk: exits 1" "$G5" markdup -T "$T/full" -o "$T/bad/out.bam" - <"$S/sim.bam"
    stderr_has "No space left on device" "and says the disk is full"
    is "$(ls -A "$T/full")$(ls -A "$T/bad")" "" "and leaves neither the copy nor an output"
    umount "$T/full"
fi
exits 1 "an output directory that does not exist: exits 1" "$G5" markdup -o "$T/no/such/dir/o.bam" "$M/01_pairs.sam"
stderr_has "g5 markdup: cannot write \"$T/no/such/dir/o.bam\"" "and names the output"

# Interrupted while the input is still arriving through a named pipe: the
# copy of the input and the outputs' temporaries all go.
for sig in TERM INT; do
    rm -rf "$T/sig"; mkdir -p "$T/sig/tmp"
    mkfifo "$T/sig/in.sam"
    env --default-signal="$sig" "$G5" markdup -T "$T/sig/tmp" -M "$T/sig/m.txt" -o "$T/sig/out.bam" "$T/sig/in.sam" 2>/dev/null &
    pid=$!
    exec 3>"$T/sig/in.sam"
    head -20 "$M/01_pairs.sam" >&3
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        ls "$T/sig/tmp"/g5-markdup-input.tmp.* >/dev/null 2>&1 && break
        sleep 0.1
    done
    ls "$T/sig/tmp"/g5-markdup-input.tmp.* >/dev/null 2>&1; ok $? "SIG$sig: the input is being copied"
    kill -"$sig" "$pid"
    wait "$pid"; st=$?
    exec 3>&-
    is "$st" $((128 + $(kill -l "$sig"))) "SIG$sig: g5 markdup dies of the signal"
    is "$(ls -A "$T/sig" "$T/sig/tmp" | tr -d '\n')" "$T/sig:in.samtmp$T/sig/tmp:" "SIG$sig: no output, no copy left"
done

done_testing
