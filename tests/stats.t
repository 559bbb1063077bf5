#!/bin/bash
# stats.t -- g5 stats against its oracles, samtools flagstat and samtools
# stats 1.16.1: byte-identical flagstat text and SN lines on every SAM/BAM/
# CRAM of Debian's htslib-test and on a simulated, duplicate-marked BAM, at
# 0 and 2 threads; MultiQC reading the report; read-group splitting; the
# TSV; and every kind of bad input leaving no output behind.
. "$(dirname "$0")/lib.sh"

command -v samtools >/dev/null || skip_all "samtools not installed"
[ -d "$HTSTEST" ] || skip_all "htslib-test not installed"

# The SN lines of a g5 report, or of samtools stats.
sn() { grep '^SN' "$1"; }
# The flagstat text inside a g5 report.
fs() { grep '^FS' "$1" | cut -f 2-; }
# A report without its provenance line (which records -@ and -o).
noprov() { grep -v '^# g5 stats ' "$1"; }

# --- usage -----------------------------------------------------------------

exits 0 "-h exits 0" "$G5" stats -h
grep -q '^Usage: g5 stats' "$T/stdout"; ok $? "-h prints usage on stdout"
[ ! -s "$T/stderr" ]; ok $? "-h prints nothing on stderr"
exits 2 "a bad option exits 2" "$G5" stats --no-such-option "$HTSTEST/range.bam"
stderr_has 'g5 stats: unknown option "--no-such-option"' "and names the option"
exits 2 "no input exits 2" "$G5" stats -o "$T/x.txt"
stderr_has "g5 stats: no input file" "and says so"
exits 2 "no arguments at all exits 2" "$G5" stats
grep -q '^Usage: g5 stats' "$T/stderr"; ok $? "and prints usage on stderr"
exits 2 "two inputs exit 2" "$G5" stats "$HTSTEST/range.bam" "$HTSTEST/range.bam"
exits 2 "--tsv with --flagstat exits 2" "$G5" stats --tsv --flagstat "$HTSTEST/range.bam"
exits 2 "-@ x exits 2" "$G5" stats -@ x "$HTSTEST/range.bam"
exits 2 "an option stats does not take (-m) exits 2" "$G5" stats -m 1G "$HTSTEST/range.bam"
[ ! -e "$T/x.txt" ]; ok $? "a usage error writes no output"

# --- htslib-test: every file samtools reads --------------------------------

# One TAP line per file, covering --flagstat and the report at -@ 0 and
# -@ 2.  htslib's multi-threaded SAM reader rejects a few files its plain
# reader accepts (a header line without a tab); where samtools fails at
# -@ 2, g5 may fail too (exit 1) or give the -@ 0 answer.
# samtools stats needs 18 s for the megabase read of ce#large_seq.sam, so
# its SN lines come from tests/data/stats (G5_TEST_SLOW=1: run it anyway).
oracle_sn() { # file threads
    local stored=$DATA/stats/${1##*/}.sn
    if [ "$2" = 0 ] && [ -f "$stored" ] && [ -z "${G5_TEST_SLOW:-}" ]; then cat "$stored"
    else samtools stats -@ "$2" "$1" 2>/dev/null | grep '^SN'; fi
}
n_files=0
while IFS= read -r f; do
    name=${f#"$HTSTEST"/}
    samtools flagstat "$f" >"$T/want.fs" 2>/dev/null || { diag "samtools rejects $name: skipped"; continue; }
    oracle_sn "$f" 0 >"$T/want.sn"
    n_files=$((n_files + 1))
    r=0
    for t in 0 2; do
        if [ $t != 0 ] && ! samtools flagstat -@ $t "$f" >/dev/null 2>&1; then
            "$G5" stats -@ $t --flagstat "$f" >"$T/got.fs" 2>/dev/null
            st=$?
            [ $st -eq 1 ] || { [ $st -eq 0 ] && cmp -s "$T/got.fs" "$T/want.fs"; } || r=1
            continue
        fi
        "$G5" stats -@ $t --flagstat "$f" >"$T/got.fs" 2>"$T/stderr" && cmp -s "$T/got.fs" "$T/want.fs" || r=1
        "$G5" stats -@ $t "$f" >"$T/got.txt" 2>"$T/stderr" || r=1
        fs "$T/got.txt" | cmp -s - "$T/want.fs" || r=1
        sn "$T/got.txt" | cmp -s - "$T/want.sn" || r=1
    done
    ok $r "$name: flagstat and SN as samtools (-@ 0, 2)"
    [ $r -eq 0 ] || { diff -u "$T/want.sn" <(sn "$T/got.txt") | head -20 | sed 's/^/# /' >&2; }
done < <(find "$HTSTEST" \( -name '*.sam' -o -name '*.bam' \) | LC_ALL=C sort)
[ "$n_files" -ge 90 ]; ok $? "compared $n_files SAM/BAM files of htslib-test"

# CRAMs, with the reference they were made against.
declare -A cram_ref=(
    ["auxf#values_java.cram"]=auxf.fa
    ["ce#5b_java.cram"]=ce.fa
    ["range.cram"]=ce.fa
    ["xx#large_aux_java.cram"]=xx.fa
)
for f in "$HTSTEST"/*.cram; do
    name=${f##*/}
    ref=${cram_ref[$name]:-}
    if [ -z "$ref" ]; then echo "ok $((_tap_n += 1)) - $name # SKIP no known reference"; continue; fi
    samtools flagstat "$f" >"$T/want.fs" 2>/dev/null
    samtools stats --reference "$HTSTEST/$ref" "$f" 2>/dev/null | grep '^SN' >"$T/want.sn"
    r=0
    for t in 0 2; do
        "$G5" stats -@ $t -f "$HTSTEST/$ref" --flagstat "$f" 2>/dev/null | cmp -s - "$T/want.fs" || r=1
        "$G5" stats -@ $t -f "$HTSTEST/$ref" "$f" >"$T/got.txt" 2>/dev/null || r=1
        fs "$T/got.txt" | cmp -s - "$T/want.fs" || r=1
        sn "$T/got.txt" | cmp -s - "$T/want.sn" || r=1
    done
    ok $r "$name with -f $ref: flagstat and SN as samtools (-@ 0, 2)"
done
# Flagstat needs no bases, so like samtools flagstat it reads a CRAM
# without its reference.
"$G5" stats --flagstat "$HTSTEST/range.cram" 2>"$T/stderr" | cmp -s - <(samtools flagstat "$HTSTEST/range.cram")
ok $? "--flagstat reads a CRAM without its reference, as samtools flagstat does"

# --- a simulated, duplicate-marked BAM -------------------------------------

# 2000 read pairs from 55 kb of C. elegans (dwgsim, fixed seed), with
# chimeric first reads (supplementary alignments), swapped mates (discordant
# pairs, some across references), 100 duplicated pairs, QC-failed records,
# two read groups (one with a "/" in its ID) and records with no RG.
S=$T/sim
mkdir -p "$S"
simulate() {
    set -e
    cd "$S"
    ce_reference .
    dwgsim -z 1 -N 2000 -1 100 -2 100 -d 300 -s 30 -y 0.02 ref.fa sim >/dev/null 2>&1
    awk -v o1=r1.fq -v o2=r2.fq '
        FNR == 1 { f++ }
        { i = int((FNR - 1) / 4); l = (FNR - 1) % 4; if (f == 1) a[i, l] = $0; else b[i, l] = $0; n = i + 1 }
        function emit(i, pre,   s1, s2, q2, h1, h2) {
            s1 = a[i, 1]; s2 = b[i, 1]; q2 = b[i, 3]
            if (i >= 200 && i < 260) s1 = substr(a[i, 1], 1, 50) substr(a[i + 1000, 1], 1, 50)
            if (i >= 300 && i < 400) { s2 = b[i + 900, 1]; q2 = b[i + 900, 3] }
            h1 = a[i, 0]; h2 = b[i, 0]; sub(/^@/, "@" pre, h1); sub(/^@/, "@" pre, h2)
            print h1 "\n" s1 "\n+\n" a[i, 3] > o1
            print h2 "\n" s2 "\n+\n" q2 > o2
        }
        END { for (i = 0; i < n; i++) emit(i, ""); for (i = 0; i < 100; i++) emit(i, "dup") }
    ' <(zcat sim.bwa.read1.fastq.gz) <(zcat sim.bwa.read2.fastq.gz)
    bwa mem -t1 -a ref.fa r1.fq r2.fq 2>/dev/null >aln.sam
    awk 'BEGIN { OFS = "\t" }
        /^@PG/ && !rg { print "@RG\tID:rgA\tSM:s1\tLB:l1"; print "@RG\tID:rg/B\tSM:s1\tLB:l2"; rg = 1 }
        /^@/ { print; next }
        { h = 0
          for (i = 1; i <= length($1); i++)
              h = (h * 31 + index("0123456789abcdefghijklmnopqrstuvwxyz_:", substr($1, i, 1))) % 1000
          if (h % 13 == 0 && int($2 / 512) % 2 == 0) $2 += 512
          if (h % 10 == 0) print; else print $0, "RG:Z:" (h % 2 ? "rg/B" : "rgA") }' aln.sam >rg.sam
    samtools fixmate -m rg.sam - | samtools sort -o fm.bam - 2>/dev/null
    samtools markdup -s fm.bam sim.bam 2>/dev/null
    # A CRAM whose reference is gone (REF_PATH points nowhere, see lib.sh).
    cp ref.fa gone.fa
    samtools view -C -T gone.fa -o noref.cram sim.bam
    samtools view -C -T ref.fa -o sim.cram sim.bam
    rm -f gone.fa gone.fa.fai
}
if ! command -v dwgsim >/dev/null || ! command -v bwa >/dev/null; then
    diag "dwgsim or bwa missing: no simulated data"
    done_testing
    exit
fi
( simulate ) >"$T/stderr" 2>&1
ok $? "simulated BAM built (dwgsim, bwa mem, fixmate, sort, markdup)"
samtools flagstat "$S/sim.bam" >"$S/want.fs"
samtools stats "$S/sim.bam" | grep '^SN' >"$S/want.sn"
samtools stats -r "$S/ref.fa" "$S/sim.bam" | grep '^SN' >"$S/want-ref.sn"
dups=$(awk -F'\t' '$2 == "reads duplicated:" {print $3}' "$S/want.sn")
[ "${dups:-0}" -gt 0 ]; ok $? "the simulated BAM has duplicates ($dups reads)"
supp=$(awk -F'\t' '$2 == "supplementary alignments:" {print $3}' "$S/want.sn")
[ "${supp:-0}" -gt 0 ]; ok $? "and supplementary alignments ($supp)"

for t in 0 2; do
    runs "sim.bam -@ $t runs" "$G5" stats -@ $t -o "$S/g$t.stats" "$S/sim.bam"
    sn "$S/g$t.stats" >"$T/got.sn"
    same_file "$T/got.sn" "$S/want.sn" "sim.bam -@ $t: SN lines equal samtools stats"
    fs "$S/g$t.stats" >"$T/got.fs"
    same_file "$T/got.fs" "$S/want.fs" "sim.bam -@ $t: FS section equals samtools flagstat"
    "$G5" stats -@ $t --flagstat "$S/sim.bam" >"$T/got.fs"
    same_file "$T/got.fs" "$S/want.fs" "sim.bam -@ $t --flagstat equals samtools flagstat"
    "$G5" stats -@ $t -f "$S/ref.fa" "$S/sim.bam" | grep '^SN' >"$T/got.sn"
    same_file "$T/got.sn" "$S/want-ref.sn" "sim.bam -@ $t -f: SN equal samtools stats -r (mismatches, error rate)"
    "$G5" stats -@ $t -f "$S/ref.fa" "$S/sim.cram" >"$T/got.txt"
    sn "$T/got.txt" | cmp -s - "$S/want.sn"; ok $? "sim.cram -@ $t -f: SN equal samtools stats of the BAM"
done

# Determinism: the thread count changes nothing but the recorded command.
noprov "$S/g0.stats" >"$T/a"; noprov "$S/g2.stats" >"$T/b"
same_file "$T/b" "$T/a" "report identical at -@ 0 and -@ 2 (provenance line aside)"
"$G5" stats --tsv -@ 0 "$S/sim.bam" | noprov /dev/stdin >"$T/a"
"$G5" stats --tsv -@ 2 "$S/sim.bam" | noprov /dev/stdin >"$T/b"
same_file "$T/b" "$T/a" "TSV identical at -@ 0 and -@ 2 (provenance line aside)"
"$G5" stats --flagstat -@ 0 "$S/sim.bam" >"$T/a"; "$G5" stats --flagstat -@ 2 "$S/sim.bam" >"$T/b"
same_file "$T/b" "$T/a" "--flagstat byte-identical at -@ 0 and -@ 2"

head -1 "$S/g0.stats" | grep -q '^# This file was produced by samtools stats-compatible g5 stats '
ok $? "the report says which program wrote it"
grep -qx '# g5 stats [^:]*: g5 stats -@ 0 -o .*sim.bam' "$S/g0.stats"; ok $? "and carries its command line"

# --- TSV -------------------------------------------------------------------

"$G5" stats --tsv -o "$S/sim.tsv" "$S/sim.bam"
ok $? "--tsv -o runs"
sed -n 1p "$S/sim.tsv" | grep -q '^# g5 stats '; ok $? "TSV starts with its provenance comment"
is "$(sed -n 2p "$S/sim.tsv")" "$(printf 'group\tmetric\tvalue')" "TSV header"
is "$(grep -vc '^#' "$S/sim.tsv")" 80 "TSV: header + 40 flagstat rows + 39 SN rows"
tsv() { awk -F'\t' -v m="$2" '$2 == m {print $1 "=" $3}' "$1"; }
want() { awk -F'\t' -v l="$1:" '$2 == l {print $3}' "$S/want.sn"; }
is "$(tsv "$S/sim.tsv" reads_mapped)" "all=$(want 'reads mapped')" "TSV reads_mapped"
is "$(tsv "$S/sim.tsv" reads_duplicated)" "all=$(want 'reads duplicated')" "TSV reads_duplicated"
is "$(tsv "$S/sim.tsv" bases_mapped_cigar)" "all=$(want 'bases mapped (cigar)')" "TSV bases_mapped_cigar"
is "$(tsv "$S/sim.tsv" error_rate)" "all=$(want 'error rate')" "TSV error_rate"
is "$(tsv "$S/sim.tsv" insert_size_average)" "all=$(want 'insert size average')" "TSV insert_size_average"
fs_qcf=$(awk '/in total/ {print $3}' "$S/want.fs")
is "$(tsv "$S/sim.tsv" flagstat_total_failed)" "all=$fs_qcf" "TSV flagstat_total_failed"
fs_pct=$(sed -n 's/.* mapped (\([0-9.]*\)% : .*/\1/p' "$S/want.fs" | head -1)
is "$(tsv "$S/sim.tsv" flagstat_mapped_passed_pct)" "all=$fs_pct" "TSV flagstat_mapped_passed_pct"

# --- read groups -----------------------------------------------------------

mkdir -p "$S/rg"
runs "--split-rg runs" "$G5" stats -@ 2 --split-rg "$S/rg/sim" -o "$S/rg/all.stats" "$S/sim.bam"
is "$(cd "$S/rg" && ls | tr '\n' ' ')" "all.stats sim.no-RG.stats sim.rg%2FB.stats sim.rgA.stats " \
    "one file per read group, IDs made file-name safe, and one for records without RG"
for g in rgA rg/B; do
    file=$S/rg/sim.$(printf '%s' "$g" | sed 's|/|%2F|').stats
    samtools view -b -e "[RG]==\"$g\"" "$S/sim.bam" >"$T/sub.bam"
    samtools stats "$T/sub.bam" | grep '^SN' >"$T/want.sn"
    samtools flagstat "$T/sub.bam" >"$T/want.fs"
    sn "$file" >"$T/got.sn"; fs "$file" >"$T/got.fs"
    same_file "$T/got.sn" "$T/want.sn" "read group $g: SN equal samtools stats of its records"
    same_file "$T/got.fs" "$T/want.fs" "read group $g: FS equals samtools flagstat of its records"
done
samtools view -b -e '![RG]' "$S/sim.bam" >"$T/sub.bam"
samtools stats "$T/sub.bam" | grep '^SN' >"$T/want.sn"
sn "$S/rg/sim.no-RG.stats" >"$T/got.sn"
same_file "$T/got.sn" "$T/want.sn" "records without RG: SN equal samtools stats of them"
noprov "$S/rg/all.stats" >"$T/a"; noprov "$S/g0.stats" >"$T/b"
same_file "$T/a" "$T/b" "the main report is unchanged by --split-rg"

samtools view -b -e '[RG]' "$S/sim.bam" >"$T/allrg.bam"
mkdir -p "$S/rg2"
"$G5" stats --tsv --split-rg "$S/rg2/p" -o "$S/rg2/all.tsv" "$T/allrg.bam"
is "$(cd "$S/rg2" && ls | tr '\n' ' ')" "all.tsv p.rg%2FB.tsv p.rgA.tsv " "no no-RG file when every record has RG; .tsv names with --tsv"
is "$(awk -F'\t' 'NR > 2 {print $1}' "$S/rg2/p.rg%2FB.tsv" | sort -u)" "rg/B" "per-group TSV: group column is the RG ID"

# --- MultiQC ---------------------------------------------------------------

if command -v multiqc >/dev/null; then
    mkdir -p "$T/mqc/in"
    cp "$S/g0.stats" "$T/mqc/in/simA.stats"
    multiqc -q -f --cl-config "no_version_check: true" -o "$T/mqc/out" "$T/mqc/in" >"$T/stderr" 2>&1
    ok $? "multiqc runs on a g5 stats report"
    d=$T/mqc/out/multiqc_data
    col() { awk -F'\t' -v s="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
                                              $1 == s && k { print $k }' "$1"; }
    num_is() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }'; ok $? "$3"; }
    [ -f "$d/multiqc_samtools_stats.txt" ]; ok $? "MultiQC's samtools stats module picked it up"
    num_is "$(col "$d/multiqc_samtools_stats.txt" simA raw_total_sequences)" "$(want 'raw total sequences')" \
        "MultiQC stats: raw_total_sequences"
    num_is "$(col "$d/multiqc_samtools_stats.txt" simA reads_duplicated)" "$dups" "MultiQC stats: reads_duplicated"
    num_is "$(col "$d/multiqc_samtools_stats.txt" simA insert_size_average)" "$(want 'insert size average')" \
        "MultiQC stats: insert_size_average"
    num_is "$(col "$d/multiqc_samtools_stats.txt" simA error_rate)" "$(want 'error rate')" "MultiQC stats: error_rate"
    [ -f "$d/multiqc_samtools_flagstat.txt" ]; ok $? "MultiQC's flagstat module read the FS section"
    num_is "$(col "$d/multiqc_samtools_flagstat.txt" simA total_failed)" "$fs_qcf" "MultiQC flagstat: total_failed"
    num_is "$(col "$d/multiqc_samtools_flagstat.txt" simA mapped_passed_pct)" "$fs_pct" \
        "MultiQC flagstat: mapped_passed_pct"
else
    diag "multiqc not installed: MultiQC checks skipped"
fi

# --- bad input -------------------------------------------------------------

# Each case: exit 1, one line on stderr naming the file, nothing left in
# the output directory (no out.txt, no temporary).
bad() { # description expected-text input [options...]
    local desc=$1 text=$2 in=$3; shift 3
    rm -rf "$T/bad"; mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" stats "$@" -o "$T/bad/out.txt" "$in"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    grep -q "^g5 stats: cannot read \"$in\": .*$text" "$T/stderr"
    ok $? "$desc: names the file and the cause ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: no output, no temporary file left"
}
bad "nonexistent file" "No such file or directory" "$T/nonexistent.bam"
printf 'this is not\nan alignment file\n' >"$T/notes.txt"
bad "a text file" "not a SAM, BAM or CRAM file" "$T/notes.txt"
bad "a FASTA file" "not a SAM, BAM or CRAM file" "$HTSTEST/ce.fa"
head -c 60000 "$S/sim.bam" >"$T/trunc.bam"
bad "BAM truncated mid-block" "truncated" "$T/trunc.bam"
bad "BAM truncated mid-block, 2 threads" "truncated" "$T/trunc.bam" -@ 2
bad "CRAM without its reference" "reference not found (give it with -f)" "$S/noref.cram"

# Through a pipe the reader cannot look for the end first, and the error
# names the record it stopped after.
rm -rf "$T/bad"; mkdir -p "$T/bad"
cat "$T/trunc.bam" | "$G5" stats -o "$T/bad/out.txt" - 2>"$T/stderr"
is $? 1 "truncated BAM through a pipe: exits 1"
grep -Eq '^g5 stats: cannot read "-": truncated BGZF block after record [0-9]+$' "$T/stderr"
ok $? "truncated BAM through a pipe: names the record"
is "$(ls -A "$T/bad")" "" "truncated BAM through a pipe: no output left"

exits 1 "an output directory that does not exist: exits 1" \
    "$G5" stats -o "$T/no/such/dir/out.txt" "$HTSTEST/range.bam"
stderr_has "g5 stats: cannot write \"$T/no/such/dir/out.txt\"" "and names the output"

# Interrupted: SIGTERM or SIGINT while the input is still arriving leaves
# neither the output nor its temporary behind.
for sig in TERM INT; do
    rm -rf "$T/sig"; mkdir -p "$T/sig"
    mkfifo "$T/sig/in.sam"
    # A background job starts with SIGINT ignored; give it the default back.
    env --default-signal="$sig" "$G5" stats -o "$T/sig/out.txt" "$T/sig/in.sam" 2>/dev/null &
    pid=$!
    exec 3>"$T/sig/in.sam"
    samtools view -h "$HTSTEST/range.bam" | head -50 >&3
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        ls "$T/sig"/out.txt.tmp.* >/dev/null 2>&1 && break
        sleep 0.1
    done
    ls "$T/sig"/out.txt.tmp.* >/dev/null 2>&1; ok $? "SIG$sig: the output is being written to a temporary"
    kill -"$sig" "$pid"
    wait "$pid"; st=$?
    exec 3>&-
    is "$st" $((128 + $(kill -l "$sig"))) "SIG$sig: g5 stats dies of the signal"
    is "$(ls -A "$T/sig")" "in.sam" "SIG$sig: no output and no temporary left"
done

done_testing
