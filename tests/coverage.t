#!/bin/bash
# coverage.t -- g5 coverage against its oracle, Debian's mosdepth 0.3.3:
# every file mosdepth writes (the .csi aside) compared byte for byte (the
# .gz files by content) on refdata reads aligned with bwa and on every
# htslib-test file samtools can sort, with windows, BED regions,
# thresholds, quantize bins, per-base output, -Q, -F, -i, -R, -c and -x, at
# -@ 0 and -@ 2; g5's own outputs byte-identical at any thread count; the
# CSI indexes through tabix; hand-made SAM cases worked out base by base
# (CIGAR operations, mate overlaps, the contained mate where g5 and
# mosdepth differ by design, flags, the quantize last-base rule); sex
# inference on simulated XX and XY samples; --thresholds-pct; MultiQC
# reading the outputs; and every kind of bad input leaving nothing behind.
. "$(dirname "$0")/lib.sh"

command -v samtools >/dev/null || skip_all "samtools not installed"
command -v mosdepth >/dev/null || skip_all "mosdepth not installed"
C=$DATA/coverage

# g5 makes each output durable (fsync of the file and its directory), which
# costs milliseconds a file on a slow disk; the hundreds of runs compared
# below write to RAM when /dev/shm is there (G5_TEST_DISK=1: under $T).
F=
if [ -z "${G5_TEST_DISK:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    F=$(mktemp -d /dev/shm/g5cov.XXXXXX 2>/dev/null) || F=
fi
if [ -n "$F" ]; then trap 'rm -rf "$T" "$F"' EXIT; else F=$T/out && mkdir -p "$F"; fi

# A gzipped track's lines, or a text file's.
content() { case $1 in *.gz) zcat "$1" ;; *) cat "$1" ;; esac; }
# Without the lines that record the command line (which names -@ and the
# prefix): the provenance line of PREFIX.sex.tsv, the MultiQC description.
noprov() { grep -v -e '^# g5 coverage ' -e '^# description: ' "$1"; }
# A track as text, one "chrom beg end value" line per record.
track() { zcat "$1" | tr '\t' ' '; }

# --- comparing with mosdepth -------------------------------------------------

# compare BAM "mosdepth options" "g5 options": mosdepth once, g5 at -@ 0
# and -@ 2 (word-split options; no spaces in the paths).  Sets cmp_r (0
# when every file mosdepth writes, .csi aside, has the same content in both
# g5 runs and g5 writes no other mosdepth file), thr_r (0 when the two g5
# runs wrote the same bytes, command lines aside) and counts the files.
n_mos=0 n_thr=0
compare() {
    local bam=$1 mo=$2 go=$3 d=$F/cmp f s
    rm -rf "$d" && mkdir -p "$d/m" "$d/g0" "$d/g2"
    cmp_r=0 thr_r=0
    if ! mosdepth $mo "$d/m/x" "$bam" >/dev/null 2>"$d/m.err"; then
        cmp_r=2
        return
    fi
    "$G5" coverage -@ 0 $go "$d/g0/x" "$bam" 2>"$d/g0.err" || { cmp_r=1; sed 's/^/# /' "$d/g0.err" >&2; }
    "$G5" coverage -@ 2 $go "$d/g2/x" "$bam" 2>"$d/g2.err" || { cmp_r=1; sed 's/^/# /' "$d/g2.err" >&2; }
    for f in "$d"/m/*; do
        s=${f##*/}
        case $s in *.csi) continue ;; esac
        n_mos=$((n_mos + 1))
        if ! cmp -s <(content "$f") <(content "$d/g0/$s") || ! cmp -s <(content "$f") <(content "$d/g2/$s"); then
            cmp_r=1
            diag "$s differs from mosdepth's ($bam; mosdepth $mo; g5 $go):"
            diff <(content "$f") <(content "$d/g0/$s") 2>&1 | head -10 | sed 's/^/# /' >&2
        fi
    done
    if [ "$(cd "$d/m" && ls)" != "$(cd "$d/g0" && ls | grep -v -e '\.sex\.tsv$' -e '\.g5cov_mqc\.tsv$')" ]; then
        cmp_r=1
        diag "g5 writes other files than mosdepth: $(cd "$d/g0" && ls | tr '\n' ' ')"
    fi
    for f in "$d"/g0/*; do
        s=${f##*/}
        n_thr=$((n_thr + 1))
        case $s in
        *.sex.tsv | *.g5cov_mqc.tsv) cmp -s <(noprov "$f") <(noprov "$d/g2/$s") ;;
        *) cmp -s "$f" "$d/g2/$s" ;;
        esac || { thr_r=1; diag "$s: -@ 2 wrote other bytes than -@ 0"; }
    done
}
# The same as two TAP lines.
same_as_mosdepth() { # label bam "mosdepth options" "g5 options"
    compare "$2" "$3" "$4"
    [ "$cmp_r" = 2 ] && { sed 's/^/# /' "$F/cmp/m.err" | head -5 >&2; }
    ok "$cmp_r" "$1: as mosdepth $3 (-@ 0 and -@ 2)"
    ok "$thr_r" "$1: -@ 2 writes the same bytes as -@ 0"
}

# --- usage ---------------------------------------------------------------------

exits 0 "-h exits 0" "$G5" coverage -h
grep -q '^Usage: g5 coverage' "$T/stdout"; ok $? "-h prints usage on stdout"
[ ! -s "$T/stderr" ]; ok $? "-h prints nothing on stderr"
exits 2 "no arguments exits 2" "$G5" coverage
grep -q '^Usage: g5 coverage' "$T/stderr"; ok $? "and prints usage on stderr"
usage_error() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/use" && mkdir -p "$T/use"
    exits 2 "$desc exits 2" "$G5" coverage "$@"
    stderr_has "$text" "$desc: says so"
    is "$(ls -A "$T/use")" "" "$desc: writes nothing"
}
usage_error "-T without --by" "-T/--thresholds needs --by" -T 1,10 "$T/use/x" "$HTSTEST/range.bam"
usage_error "-q 1:x" 'invalid --quantize segments "1:x"' -q 1:x "$T/use/x" "$HTSTEST/range.bam"
usage_error "-q with an empty segment (1::4)" 'invalid --quantize segments' -q 1::4 "$T/use/x" "$HTSTEST/range.bam"
usage_error "-q with a repeated bound (0:1:1:)" 'want increasing depths' -q 0:1:1: "$T/use/x" "$HTSTEST/range.bam"
usage_error "--thresholds-pct without -T" "--thresholds-pct needs -T" -b 100 --thresholds-pct "$T/use/x" "$HTSTEST/range.bam"
usage_error "-T with a non-number" "-T wants depths" -b 100 -T 1,x "$T/use/x" "$HTSTEST/range.bam"
usage_error "PREFIX without input" "wants PREFIX and one input file" "$T/use/x"
usage_error "an unknown option" 'unknown option "--no-such-option"' --no-such-option "$T/use/x" "$HTSTEST/range.bam"
usage_error "-b 0" "a window must be at least 1 base" -b 0 "$T/use/x" "$HTSTEST/range.bam"
usage_error "--sex-chroms with one name" "--sex-chroms wants two names" --sex-chroms X "$T/use/x" "$HTSTEST/range.bam"

# --- hand-made cases -------------------------------------------------------------

# Each fixture is read as SAM by g5; mosdepth gets a BAM copy with an index.
H=$T/hand && mkdir -p "$H"
for s in cigars pairs flags quant; do
    samtools view -b -o "$H/$s.bam" "$C/$s.sam" && samtools index "$H/$s.bam"
done
hand() { # name options...: g5 on the SAM fixture, prefix $H/out
    local s=$1; shift
    rm -f "$H"/out.*
    "$G5" coverage "$@" "$H/out" "$C/$s.sam" 2>"$T/stderr"
}

# cigars.sam: c1 (100 bp) r1 5M3D5M at 10 = [10,15) [18,23); r2 3S4M2I4M at
# 20 = [20,28) (the insertion joins the blocks, the clip covers nothing);
# r3 5M10N5M at 40 = [40,45) [55,60); r4 10M at 50.  c2 (50 bp) has no
# record; c3 (30 bp) r5 2M1P2M at 2 = [2,6).  -x counts each record from
# its start to its end: r1 [10,23), r3 [40,60).
hand cigars --per-base -b 20
is "$(track "$H/out.per-base.bed.gz")" "c1 0 10 0
c1 10 15 1
c1 15 18 0
c1 18 20 1
c1 20 23 2
c1 23 28 1
c1 28 40 0
c1 40 45 1
c1 45 50 0
c1 50 55 1
c1 55 60 2
c1 60 100 0
c2 0 50 0
c3 0 2 0
c3 2 6 1
c3 6 30 0" "cigars: per-base depth: D and N cover nothing, I joins blocks, S and P add nothing"
is "$(cat "$H/out.mosdepth.summary.txt")" "$(printf 'chrom\tlength\tbases\tmean\tmin\tmax
c1\t100\t38\t0.38\t0\t2
c1_region\t100\t38\t0.38\t0\t2
c3\t30\t4\t0.13\t0\t1
c3_region\t30\t4\t0.13\t0\t1
total\t130\t42\t0.32\t0\t2
total_region\t130\t42\t0.32\t0\t2')" "cigars: summary: bases summed by hand, c2 (no record) left out"
is "$(track "$H/out.regions.bed.gz" | grep '^c2')" "c2 0 20 0.00
c2 20 40 0.00
c2 40 50 0.00" "cigars: the contig without records is in the regions track"
! grep -q '^c2' "$H/out.mosdepth.global.dist.txt"; ok $? "cigars: and not in the global distribution"
is "$(grep -c '^total' "$H/out.mosdepth.global.dist.txt")" 3 "cigars: total distribution has depths 2, 1, 0"
hand cigars -x --per-base
is "$(track "$H/out.per-base.bed.gz" | grep '^c1' | tr '\n' '|')" "c1 0 10 0|c1 10 20 1|c1 20 23 2|c1 23 28 1|c1 28 40 0|c1 40 50 1|c1 50 60 2|c1 60 100 0|" \
    "cigars -x: records count from start to end, deletion and skip included"
same_as_mosdepth "cigars.sam default" "$H/cigars.bam" "-b 7 -T 1,2 -q 0:1:2:" "--per-base -b 7 -T 1,2 -q 0:1:2:"
same_as_mosdepth "cigars.sam -x" "$H/cigars.bam" "-x -b 7 -T 1,2" "-x --per-base -b 7 -T 1,2"
printf 'c2\t5\t15\tinc2\nc1\t0\t30\tx\n' >"$H/c.bed"
same_as_mosdepth "cigars.sam, BED with a region on the contig without records" "$H/cigars.bam" "-n -b $H/c.bed" "-b $H/c.bed"
same_as_mosdepth "cigars.sam, the same with thresholds" "$H/cigars.bam" "-n -b $H/c.bed -T 1" "-b $H/c.bed -T 1"

# pairs.sam, contig p (240 bp), proper pairs unless said:
#   p1 [10,20) + [15,25): overlap counted once       -> [10,25) 1
#   p2 [40,60) + [45,55): second mate inside the first -> [40,60) 1
#      (mosdepth subtracts [45,60): [55,60) drops to 0)
#   p3 [70,80) + [75,85), not a proper pair: counted twice
#   p4 5M2D5M [110,115)+[117,122) and [112,122): the overlap once -> [110,122) 1
#   p5 [130,150) then [130,140), same start -> [130,150) 1
#      (mosdepth subtracts [130,150): [140,150) drops to 0)
#   p6 [160,170) then [160,180) -> [160,180) 1;  p7 [180,190) + [190,200)
#   p8 [200,210) + [205,215), second mate MAPQ 5 -> [200,215) 1; with -Q 20
#      only the first mate counts: [200,210) 1
hand pairs --per-base
is "$(track "$H/out.per-base.bed.gz" | tr '\n' '|')" "p 0 10 0|p 10 25 1|p 25 40 0|p 40 60 1|p 60 70 0|p 70 75 1|p 75 80 2|p 80 85 1|p 85 110 0|p 110 122 1|p 122 130 0|p 130 150 1|p 150 160 0|p 160 215 1|p 215 240 0|" \
    "pairs: overlapping mates once, contained mates exactly, improper pairs twice"
mosdepth "$H/m" "$H/pairs.bam" 2>/dev/null
is "$(track "$H/m.per-base.bed.gz" | tr '\n' '|')" "p 0 10 0|p 10 25 1|p 25 40 0|p 40 55 1|p 55 70 0|p 70 75 1|p 75 80 2|p 80 85 1|p 85 110 0|p 110 122 1|p 122 130 0|p 130 140 1|p 140 160 0|p 160 215 1|p 215 240 0|" \
    "pairs: mosdepth undercounts the contained mates (the documented difference)"
hand pairs --per-base -Q 20
is "$(track "$H/out.per-base.bed.gz" | tail -3 | tr '\n' '|')" "p 150 160 0|p 160 210 1|p 210 240 0|" \
    "pairs -Q 20: a mate filtered out leaves its partner whole"
hand pairs -x --per-base
is "$(track "$H/out.per-base.bed.gz" | tr '\n' '|')" "p 0 10 0|p 10 15 1|p 15 20 2|p 20 25 1|p 25 40 0|p 40 45 1|p 45 55 2|p 55 60 1|p 60 70 0|p 70 75 1|p 75 80 2|p 80 85 1|p 85 110 0|p 110 112 1|p 112 122 2|p 122 130 0|p 130 140 2|p 140 150 1|p 150 160 0|p 160 170 2|p 170 205 1|p 205 210 2|p 210 215 1|p 215 240 0|" \
    "pairs -x: no overlap correction"
same_as_mosdepth "pairs.sam -x" "$H/pairs.bam" "-x -b 7 -T 1,2 -q 0:1:2:" "-x --per-base -b 7 -T 1,2 -q 0:1:2:"

# flags.sam, contig f (50 bp), 10M records unless said: all at 0; dup
# (1024) at 0; sec (256) at 4; qcf (512) at 10; lowq (MAPQ 10) at 20; supp
# (2048, RG g2) at 30; norg (no RG) 5M at 40.  All but supp in RG g1.
flag_case() { # expected options... (expected as "beg-end:depth ...")
    local want=$1; shift
    hand flags --per-base "$@"
    is "$(zcat "$H/out.per-base.bed.gz" | awk '{ printf "%s%d-%d:%d", (NR > 1 ? " " : ""), $2, $3, $4 }')" "$want" \
        "flags ${*:-(defaults)}: hand-worked depth"
}
flag_case "0-10:1 10-20:0 20-45:1 45-50:0"
flag_case "0-4:2 4-10:3 10-14:2 14-45:1 45-50:0" -F 0
flag_case "0-10:1 10-30:0 30-45:1 45-50:0" -Q 20
flag_case "0-30:0 30-40:1 40-50:0" -R g2
flag_case "0-30:0 30-40:1 40-50:0" -i 2048
flag_case "0-4:2 4-10:3 10-14:2 14-30:1 30-50:0" -R g1 -F 0
flag_case "0-4:1 4-14:2 14-45:1 45-50:0" -x -F 1024
flag_case "0-10:1 10-20:0 20-40:1 40-50:0" -R g1,g2
r=0
for o in "" "-F 0" "-Q 20" "-R g2" "-i 2048" "-R g1 -F 0" "-x -F 1024" "-R g1,g2"; do
    compare "$H/flags.bam" "$o -b 9" "--per-base $o -b 9"
    [ "$cmp_r" = 0 ] && [ "$thr_r" = 0 ] || r=1
done
ok $r "flags.sam: as mosdepth with each of those filters (-@ 0 and -@ 2)"

# quant.sam: the quantized track ignores a contig's last base when looking
# for bin changes (mosdepth's rule).  q1: only the last base covered, so
# one 0:1 stretch; q2: [10,20) at 1; q3: [10,18) at 1, [18,19) at 2, the
# last base at 1 joins the 2: stretch; q4: no record.
hand quant -q 0:1:2: --per-base
is "$(track "$H/out.quantized.bed.gz" | tr '\n' '|')" "q1 0 20 0:1|q2 0 10 0:1|q2 10 20 1:2|q3 0 10 0:1|q3 10 18 1:2|q3 18 20 2:inf|q4 0 10 0:1|" \
    "quant: the last base of a contig starts no bin"
is "$(track "$H/out.per-base.bed.gz" | grep -c '^q1 19 20 1$')" 1 "quant: while the per-base track has it"
same_as_mosdepth "quant.sam" "$H/quant.bam" "-q 0:1:2: -b 3 -T 1,2" "--per-base -q 0:1:2: -b 3 -T 1,2"

# Operations longer than the 256 kb that g5 keeps in its ring of depth
# changes: 300 kb N skips and 270 kb deletions on a 1 Mb contig (their far
# ends wait in a heap), among plain reads; a read at the end of a second
# contig.
awk 'BEGIN { OFS = "\t"; print "@HD", "VN:1.6", "SO:coordinate"; print "@SQ", "SN:big", "LN:1000000"; print "@SQ", "SN:small", "LN:1000"
    for (i = 0; i < 300; i++) {
        c = i % 3 == 0 ? "10M300000N10M" : i % 3 == 1 ? "5M270000D5M" : "20M"
        print "r" i, i % 2 ? 16 : 0, "big", 1 + i * 2267, 60, c, "*", 0, 0, i % 3 == 1 ? "AAAAAAAAAA" : "AAAAAAAAAAAAAAAAAAAA", "*"
    }
    print "s1", 0, "small", 991, 60, "10M", "*", 0, 0, "AAAAAAAAAA", "*" }' >"$H/long.sam"
samtools view -b -o "$H/long.bam" "$H/long.sam" && samtools index "$H/long.bam"
same_as_mosdepth "300 kb N and 270 kb D operations" "$H/long.bam" "-b 1000 -T 1,2 -q 0:1:3:" "--per-base -b 1000 -T 1,2 -q 0:1:3:"
same_as_mosdepth "300 kb N and 270 kb D operations, -x" "$H/long.bam" "-x -b 1000 -T 1,2" "-x --per-base -b 1000 -T 1,2"

# --- simulated data: refdata aligned with bwa ----------------------------------

if ! command -v bwa >/dev/null || [ ! -f "$TOP/refdata/ref.fa" ]; then
    diag "bwa or refdata missing: no simulated data"
    done_testing
    exit
fi
S=$T/sim && mkdir -p "$S"
build_sim() {
    set -e
    cd "$S"
    cp "$TOP/refdata/ref.fa" ref.fa
    samtools faidx ref.fa
    bwa index ref.fa 2>/dev/null
    bwa mem -t 2 ref.fa "$TOP/refdata/reads_1.fq.gz" "$TOP/refdata/reads_2.fq.gz" 2>/dev/null |
        samtools fixmate -m - fm.bam
    samtools sort -o fs.bam fm.bam 2>/dev/null
    samtools markdup fs.bam sim.bam 2>/dev/null
    samtools index sim.bam
    bgzip -c "$C/regions.bed" >regions.bed.gz
    rm -f fm.bam fs.bam
}
( build_sim ) >"$T/stderr" 2>&1
ok $? "refdata aligned (bwa mem), duplicates marked (samtools markdup), sorted and indexed"
B=$S/sim.bam
dups=$(samtools view -c -f 1024 "$B")
[ "$dups" -gt 0 ]; ok $? "the simulated BAM has duplicates ($dups), for -F"

same_as_mosdepth "sim: windows of 500" "$B" "-n -b 500 -T 1,10,20,30" "-b 500 -T 1,10,20,30"
same_as_mosdepth "sim: windows of 100" "$B" "-n -b 100 -T 1,10,20,30" "-b 100 -T 1,10,20,30"
same_as_mosdepth "sim: windows of 333 (short last windows), per-base" "$B" "-b 333 -T 0,1,3" "--per-base -b 333 -T 0,1,3"
same_as_mosdepth "sim: one window larger than every contig" "$B" "-n -b 1000000" "-b 1000000"
same_as_mosdepth "sim: BED regions" "$B" "-n -b $C/regions.bed" "-b $C/regions.bed"
same_as_mosdepth "sim: BED regions and thresholds" "$B" "-n -b $C/regions.bed -T 1,2,3,5" "-b $C/regions.bed -T 1,2,3,5"
same_as_mosdepth "sim: bgzipped BED, quantize" "$B" "-n -b $S/regions.bed.gz -q 0:1:4:10:" "-b $S/regions.bed.gz -q 0:1:4:10:"
same_as_mosdepth "sim: quantize 0:1:4:10:" "$B" "-n -q 0:1:4:10:" "-q 0:1:4:10:"
same_as_mosdepth "sim: quantize 1:4" "$B" "-n -q 1:4" "-q 1:4"
same_as_mosdepth "sim: per-base" "$B" "" "--per-base"
same_as_mosdepth "sim: -Q 20" "$B" "-n -Q 20 -b 500 -T 1,5 -q 0:2:" "-Q 20 -b 500 -T 1,5 -q 0:2:"
same_as_mosdepth "sim: -F 0 (duplicates counted)" "$B" "-n -F 0 -b 500 -T 1,5" "-F 0 -b 500 -T 1,5"
same_as_mosdepth "sim: -i 64 (first mates)" "$B" "-n -i 64 -b 500" "-i 64 -b 500"
same_as_mosdepth "sim: -x" "$B" "-n -x -b 500 -T 1,10,20,30 -q 0:1:4:" "-x -b 500 -T 1,10,20,30 -q 0:1:4:"
same_as_mosdepth "sim: -x, per-base, BED" "$B" "-x -b $C/regions.bed -T 1,3" "-x --per-base -b $C/regions.bed -T 1,3"
same_as_mosdepth "sim: -c CHROMOSOME_X" "$B" "-n -c CHROMOSOME_X -b 500 -T 1,2" "-c CHROMOSOME_X -b 500 -T 1,2"
same_as_mosdepth "sim: -c CHROMOSOME_II, BED" "$B" "-c CHROMOSOME_II -b $C/regions.bed -T 1" "-c CHROMOSOME_II --per-base -b $C/regions.bed -T 1"
MOSDEPTH_Q0=NO_COVERAGE MOSDEPTH_Q1=LOW_COVERAGE MOSDEPTH_Q2=CALLABLE \
    same_as_mosdepth "sim: quantize bins named by \$MOSDEPTH_Qn" "$B" "-n -q 0:1:4:" "-q 0:1:4:"
samtools view -C -T "$S/ref.fa" -o "$S/sim.cram" "$B" && samtools index "$S/sim.cram"
same_as_mosdepth "sim.cram with -f" "$S/sim.cram" "-n -f $S/ref.fa -b 500 -T 1,3" "-f $S/ref.fa -b 500 -T 1,3"

# The per-sample line: the summary's total mean, the global distribution's
# fractions.
"$G5" coverage -b 500 "$S/s" "$B" 2>"$T/stderr"
mqc_col() { awk -F'\t' -v c="$2" '/^#/ { next } !h { for (i = 1; i <= NF; i++) if ($i == c) k = i; h = 1; next } { print $k }' "$1"; }
is "$(mqc_col "$S/s.g5cov_mqc.tsv" Sample)" s "MultiQC row: the sample is PREFIX's last part (no @RG), as MultiQC's mosdepth module names it"
is "$(mqc_col "$S/s.g5cov_mqc.tsv" mean_depth)" "$(awk '$1 == "total" { print $4 }' "$S/s.mosdepth.summary.txt")" \
    "MultiQC row: mean_depth is the summary's total mean"
want=$(awk '$1 == "total" && $2 == 1 { print 100 * $3 }' "$S/s.mosdepth.global.dist.txt")
got=$(mqc_col "$S/s.g5cov_mqc.tsv" pct_1x)
awk -v a="$got" -v b="$want" 'BEGIN { exit !(a != "" && a - b < 0.5 && b - a < 0.5) }'
ok $? "MultiQC row: pct_1x ($got) is the global distribution's ($want)"
is "$(mqc_col "$S/s.g5cov_mqc.tsv" median_depth)" "$(awk '$1 == "total" && $3 >= 0.5 && $2 + 0 > m + 0 { m = $2 } END { print m + 0 }' "$S/s.mosdepth.global.dist.txt")" \
    "MultiQC row: median_depth is the highest depth that half the bases reach"
grep -q '^g5 coverage: s: mean depth ' "$T/stderr"; ok $? "the per-sample line is printed on stderr"

# --- the CSI indexes ---------------------------------------------------------------

# tabix through g5's .csi returns exactly the records that overlap the
# region (BED is 0-based, half-open; an empty region at b is found by
# queries that span b, as htslib's iterator does).
"$G5" coverage -@ 2 -b 100 -T 1,5 -q 0:1:4: --per-base "$S/w" "$B" 2>/dev/null
"$G5" coverage -b "$C/regions.bed" -T 1,5 "$S/r" "$B" 2>/dev/null
overlap() { # file chrom beg end (1-based, inclusive)
    zcat "$1" | awk -F'\t' -v c="$2" -v b="$3" -v e="$4" '
        /^#/ { next } $1 == c && $2 < e && $3 > b - 1'
}
r=0 nq=0
for f in w.regions w.thresholds w.quantized w.per-base r.regions r.thresholds; do
    for q in CHROMOSOME_I:1-1 CHROMOSOME_I:2000-2600 CHROMOSOME_I:7000-7000 CHROMOSOME_I:7000-7001 CHROMOSOME_I:7001-7001 \
             CHROMOSOME_I:100000-165000 CHROMOSOME_I:199950-200000 CHROMOSOME_II:1-5000 \
             CHROMOSOME_X:100-130 CHROMOSOME_MtDNA:4990-5000 CHROMOSOME_V:5000-5000; do
        nq=$((nq + 1))
        tabix "$S/$f.bed.gz" "$q" >"$T/got" 2>"$T/stderr" || r=1
        overlap "$S/$f.bed.gz" "${q%%:*}" "$(echo "$q" | sed 's/.*:\(.*\)-.*/\1/')" "${q##*-}" >"$T/want"
        cmp -s "$T/got" "$T/want" || { r=1; diag "tabix $f.bed.gz $q:"; diff "$T/want" "$T/got" | head -5 | sed 's/^/# /' >&2; }
    done
done
ok $r "tabix through the .csi: $nq queries on windows, thresholds, quantized, per-base and BED tracks"
is "$(tabix -l "$S/w.per-base.bed.gz" | tr '\n' ' ')" "$(cut -f 1 "$S/ref.fa.fai" | tr '\n' ' ')" "tabix -l lists every contig"
is "$(tabix "$S/r.regions.bed.gz" CHROMOSOME_I:2000-2600 | cut -f 4 | tr '\n' ' ')" "geneB geneB geneC " \
    "a BED region query returns the overlapping named regions, repeats included"

# --- --thresholds-pct ----------------------------------------------------------------

"$G5" coverage -b 37 -T 1,2,3,5 --thresholds-pct "$S/p" "$B" 2>/dev/null
ok $? "--thresholds-pct with windows of 37 runs"
is "$(zcat "$S/p.thresholds.bed.gz" | head -1)" "$(printf '#chrom\tstart\tend\tregion\t1X\t2X\t3X\t5X\t1X_pct\t2X_pct\t3X_pct\t5X_pct')" \
    "--thresholds-pct: header with the NX_pct columns"
read -r nl nbad < <(zcat "$S/p.thresholds.bed.gz" | awk -F'\t' 'NR > 1 { n = (NF - 4) / 2; l = $3 - $2
    for (i = 0; i < n; i++) if (sprintf("%.2f", l ? 100 * $(5 + i) / l : 0) != $(5 + n + i)) bad++; c++ }
    END { print c, bad + 0 }')
is "$nbad" 0 "--thresholds-pct: every one of $nl lines has 100 * count / length, 2 decimals"
mosdepth -n -b 37 -T 1,2,3,5 "$S/pm" "$B"
cmp -s <(zcat "$S/p.thresholds.bed.gz" | cut -f 1-8) <(zcat "$S/pm.thresholds.bed.gz")
ok $? "--thresholds-pct: the counts are mosdepth's"
"$G5" coverage -b "$C/regions.bed" -T 1,5 --thresholds-pct "$S/pb" "$B" 2>/dev/null
is "$(zcat "$S/pb.thresholds.bed.gz" | awk -F'\t' '$4 == "empty"' | cut -f 2-)" "$(printf '7000\t7000\tempty\t0\t0\t0.00\t0.00')" \
    "--thresholds-pct: 0.00 for an empty region"
is "$(zcat "$S/pb.thresholds.bed.gz" | awk -F'\t' '$4 == "first"' | cut -f 5-)" "$(printf '0\t0\t0.00\t0.00')" \
    "--thresholds-pct: a one-base region"
is "$(zcat "$S/pb.thresholds.bed.gz" | awk -F'\t' '$4 == "geneA" { print $5, $7, sprintf("%.2f", 100 * $5 / 1900) }')" \
    "$(zcat "$S/pb.thresholds.bed.gz" | awk -F'\t' '$4 == "geneA" { print $5, $7, $7 }')" \
    "--thresholds-pct: geneA (1900 bp) by hand"

# --- htslib-test ------------------------------------------------------------------

# Every SAM/BAM with @SQ lines that samtools can sort, sorted and indexed:
# default mode (they hold no contained single-operation mate, the one case
# where g5 and mosdepth differ) and -x, each with every output, at -@ 0 and
# -@ 2.  mosdepth crashes on records past the contig end (c1#bounds,
# realn01*); index2.sam's 490 Mb of contigs take mosdepth 10 s
# (G5_TEST_SLOW=1: compare it too).
HT=$F/hts && mkdir -p "$HT"
n_files=0 n_same=0 n_crash=0
while IFS= read -r f; do
    name=${f#"$HTSTEST"/}
    samtools view -H "$f" 2>/dev/null | grep -q '^@SQ' || continue
    b=$HT/in.bam
    samtools sort -o "$b" "$f" 2>/dev/null && samtools index "$b" 2>/dev/null || continue
    if [ "$name" = index2.sam ] && [ -z "${G5_TEST_SLOW:-}" ]; then
        "$G5" coverage "$HT/x" "$b" 2>/dev/null; ok $? "$name: g5 runs (not compared: mosdepth needs 10 s)"
        continue
    fi
    len=$(samtools view -H "$b" | awk -F'\t' '/^@SQ/ { for (i = 2; i <= NF; i++) if ($i ~ /^LN:/) s += substr($i, 4) } END { print s + 0 }')
    if [ "$len" -gt 100000 ]; then w1=1000 w2=777; else w1=5 w2=3; fi
    n_files=$((n_files + 1))
    compare "$b" "-b $w1 -T 1,2,3 -q 0:1:2:3:" "--per-base -b $w1 -T 1,2,3 -q 0:1:2:3:"
    if [ "$cmp_r" = 2 ] && grep -q IndexDefect "$F/cmp/m.err"; then
        n_crash=$((n_crash + 1))
        diag "mosdepth crashes on $name (a record past its contig's end)"
        "$G5" coverage "$HT/x" "$b" 2>/dev/null; ok $? "$name: g5 runs where mosdepth crashes"
        continue
    fi
    r=$((cmp_r + thr_r))
    compare "$b" "-x -F 0 -b $w2 -T 1,2 -q 1:4" "-x -F 0 --per-base -b $w2 -T 1,2 -q 1:4"
    r=$((r + cmp_r + thr_r))
    ok $r "$name: default mode and -x, every output as mosdepth, -@ 2 = -@ 0"
    [ $r -eq 0 ] && n_same=$((n_same + 1))
done < <(find "$HTSTEST" \( -name '*.sam' -o -name '*.bam' \) | LC_ALL=C sort)
[ "$n_files" -ge 60 ]; ok $? "htslib-test: $n_files files sorted and compared ($n_same as mosdepth, mosdepth crashed on $n_crash)"

# c1#bounds: three 10M reads at 0, 1, 2 on a 10-base contig; the parts past
# the end are not counted.
samtools sort -o "$HT/b.bam" "$HTSTEST/c1#bounds.sam" 2>/dev/null
"$G5" coverage --per-base "$HT/x" "$HT/b.bam" 2>/dev/null
is "$(track "$HT/x.per-base.bed.gz" | tr '\n' '|')" "c1 0 1 1|c1 1 2 2|c1 2 10 3|" "c1#bounds: records past the contig end are cut at it"

# --- sex inference ----------------------------------------------------------------------

if ! command -v dwgsim >/dev/null; then
    diag "dwgsim missing: no sex inference on simulated samples"
else
    X=$T/sex && mkdir -p "$X"
    "$C/simulate-sex.sh" "$X" >"$T/stderr" 2>&1
    ok $? "XX and XY samples simulated (dwgsim, bwa mem)"
    sex_line() { # prefix: "sex x_ratio y_ratio"
        awk -F'\t' '$1 == "sample" { for (i = 1; i <= NF; i++) k[$i] = i; next } /^#/ { next }
                    { print $k["inferred_sex"], $k["x_autosome_ratio"], $k["y_autosome_ratio"] }' "$1.sex.tsv"
    }
    near() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "NA" && a - b <= 0.15 && b - a <= 0.15) }'; }
    sex_is() { # prefix sex x y description
        local got s xr yr r=0
        got=$(sex_line "$1")
        read -r s xr yr <<<"$got"
        [ "$s" = "$2" ] || r=1
        if [ "$3" = NA ]; then [ "$xr" = NA ] || r=1; else near "$xr" "$3" || r=1; fi
        if [ "$4" = NA ]; then [ "$yr" = NA ] || r=1; else near "$yr" "$4" || r=1; fi
        ok $r "$5: $2, X/A ~ $3, Y/A ~ $4"
        [ $r -eq 0 ] || diag "got: $got"
    }
    "$G5" coverage "$X/XX" "$X/XX.bam" 2>/dev/null
    sex_is "$X/XX" female 1.0 0.0 "XX (chrY in the header, no reads on it)"
    "$G5" coverage "$X/XY" "$X/XY.bam" 2>/dev/null
    sex_is "$X/XY" male 0.5 0.5 "XY"
    is "$(sed -n 2p "$X/XX.sex.tsv")" "$(printf 'sample\tautosome_depth\tx_depth\ty_depth\tx_autosome_ratio\ty_autosome_ratio\tinferred_sex\tthresholds')" \
        "sex.tsv header"
    is "$(awk -F'\t' 'NR == 3 { print $1 }' "$X/XY.sex.tsv")" XY "sex.tsv: the sample is the @RG SM"
    # chrM at 40x would raise the autosomes' mean to 9.7 if it counted.
    is "$(awk -F'\t' 'NR == 3 { print $2 }' "$X/XX.sex.tsv")" "$(awk '$1 == "chr1" || $1 == "chr2" { b += $3; l += $2 } END { printf "%.2f", b / l }' "$X/XX.mosdepth.summary.txt")" \
        "the autosomes are chr1 and chr2 (chrM left out)"

    # Without chrY in the header, X alone decides.
    for s in XX XY; do
        samtools view -h "$X/$s.bam" | awk -F'\t' '/^@SQ/ && $2 == "SN:chrY" { next } /^@/ { print; next }
            $3 != "chrY" && $7 != "chrY"' | samtools view -b -o "$X/$s.noY.bam" -
        "$G5" coverage "$X/$s.noY" "$X/$s.noY.bam" 2>/dev/null
    done
    sex_is "$X/XX.noY" female 1.0 NA "XX, reference without Y"
    sex_is "$X/XY.noY" male 0.5 NA "XY, reference without Y"

    # Other names: no autosome is numbered, so every contig but the sex
    # chromosomes and chrM is one.
    for s in XX XY; do
        samtools view -h "$X/$s.bam" | awk -F'\t' 'BEGIN { OFS = "\t"; m["chr1"] = "alpha"; m["chr2"] = "beta"; m["chrX"] = "gonoA"; m["chrY"] = "gonoB" }
            /^@SQ/ { n = substr($2, 4); if (n in m) $2 = "SN:" m[n]; print; next } /^@/ { print; next }
            { if ($3 in m) $3 = m[$3]; if ($7 in m) $7 = m[$7]; print }' | samtools view -b -o "$X/$s.ren.bam" -
        "$G5" coverage --sex-chroms gonoA,gonoB "$X/$s.ren" "$X/$s.ren.bam" 2>/dev/null
    done
    sex_is "$X/XX.ren" female 1.0 0.0 "XX, --sex-chroms gonoA,gonoB"
    sex_is "$X/XY.ren" male 0.5 0.5 "XY, --sex-chroms gonoA,gonoB"
    grep -q 'female: gonoA/A>=0.75, gonoB/A<0.1' "$X/XY.ren.sex.tsv"; ok $? "the rule names them"
    "$G5" coverage "$X/XY.ren0" "$X/XY.ren.bam" 2>/dev/null
    sex_is "$X/XY.ren0" unknown NA NA "XY renamed, default --sex-chroms (no X found)"
    "$G5" coverage --sex-cutoffs 0.4,0.1 "$X/XY.cut" "$X/XY.bam" 2>/dev/null
    sex_is "$X/XY.cut" unknown 0.5 0.5 "XY with --sex-cutoffs 0.4,0.1 (X/A says female, Y/A says male)"

    # With a BED that leaves out a contig (and no -T, -q or --per-base)
    # mosdepth's files skip that contig; the per-sample numbers still count it.
    printf 'chr1\t0\t1000\nchrX\t0\t1000\n' >"$X/no-y.bed"
    "$G5" coverage -b "$X/no-y.bed" "$X/XY.bed" "$X/XY.bam" 2>/dev/null
    got=$(sex_line "$X/XY.bed")
    is "$got" "$(sex_line "$X/XY")" "XY with a BED on chr1 and chrX only: the same sex line as without --by"
    is "$(noprov "$X/XY.bed.g5cov_mqc.tsv")" "$(noprov "$X/XY.g5cov_mqc.tsv")" "... and the same MultiQC row"

    # --- MultiQC ------------------------------------------------------------------------
    if command -v multiqc >/dev/null; then
        mkdir -p "$X/mqc"
        for s in XX XY; do "$G5" coverage -b 1000 -T 1,5,10 "$X/mqc/$s" "$X/$s.bam" 2>/dev/null; done
        multiqc -q -f --cl-config "no_version_check: true" -o "$X/mqcout" "$X/mqc" >"$T/stderr" 2>&1
        ok $? "multiqc runs on the outputs of two samples"
        d=$X/mqcout/multiqc_data
        is "$(awk -F'\t' 'NR > 1 { print $1 }' "$d/mosdepth_perchrom.txt" 2>/dev/null | sort | tr '\n' ' ')" "XX XY " \
            "MultiQC's mosdepth module read both samples"
        got=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "chrX") k = i } $1 == "XY" && k { print $k }' "$d/mosdepth_perchrom.txt" 2>/dev/null)
        awk -v a="$got" 'BEGIN { exit !(a != "" && a > 3.7 && a < 4.3) }'
        ok $? "MultiQC: XY's chrX depth ($got, from the region distribution) is about the summary's 4.00"
        is "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /mean_coverage$/) k = i } $1 == "XX" && k { print $k + 0 }' "$d/multiqc_general_stats.txt" 2>/dev/null)" \
            "$(awk '$1 == "total_region" { print $4 + 0 }' "$X/mqc/XX.mosdepth.summary.txt")" \
            "MultiQC general stats: XX's mean coverage is the summary's"
        is "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "inferred_sex") k = i; next } { print $1, $k }' "$d/multiqc_g5cov_table.txt" 2>/dev/null | tr '\n' ' ')" \
            "XX female XY male " "MultiQC custom content: the g5cov table with both samples and their sex"
        is "$(head -1 "$d/multiqc_g5cov_table.txt" 2>/dev/null)" "$(printf 'Sample\tmean_depth\tmedian_depth\tpct_1x\tpct_5x\tpct_10x\tx_autosome_ratio\ty_autosome_ratio\tinferred_sex')" \
            "MultiQC custom content: the columns, with the -T thresholds"
    else
        diag "multiqc not installed: MultiQC checks skipped"
    fi
fi

# --- bad input ---------------------------------------------------------------------------

# Each case: exit 1, one line on stderr naming the file (and where), and no
# file under PREFIX.* left, temporaries included.
bad() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" coverage "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says why ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: no output, no temporary left"
}
# Two records swapped: the error names both positions and the record.
samtools view -h "$B" | awk 'NR == 300 { x = $0; next } { print } NR == 400 { print x }' | samtools view -b -o "$T/unsorted.bam" -
rec=$(samtools view -h "$B" | sed -n 300p | cut -f 1)
bad "unsorted BAM" "\"$T/unsorted.bam\" is not sorted by coordinate: record $rec at CHROMOSOME_I:" -b 500 -T 1 "$T/bad/out" "$T/unsorted.bam"
bad "unsorted BAM, -@ 2, per-base" "\"$T/unsorted.bam\" is not sorted by coordinate" -@ 2 --per-base "$T/bad/out" "$T/unsorted.bam"
# A placed record after the unplaced ones.
{ grep '^@' "$C/cigars.sam"; grep -v '^@' "$C/cigars.sam" | head -2
  printf 'u1\t4\t*\t0\t0\t*\t*\t0\t0\tAAAA\t*\n'; grep -v '^@' "$C/cigars.sam" | tail -n +3; } >"$T/unplaced.sam"
bad "placed record after unplaced ones" "record r3 at c1:41 comes after unplaced reads" "$T/bad/out" "$T/unplaced.sam"
head -c 100000 "$B" >"$T/trunc.bam"
bad "truncated BAM" "cannot read \"$T/trunc.bam\": truncated" -b 500 "$T/bad/out" "$T/trunc.bam"
bad "truncated BAM, -@ 2" "cannot read \"$T/trunc.bam\": truncated" -@ 2 --per-base "$T/bad/out" "$T/trunc.bam"
bad "truncated BAM on stdin" "cannot read \"-\": truncated" "$T/bad/out" - <"$T/trunc.bam"
{ head -c 100000 "$B"; tail -c 28 "$B"; } >"$T/cut.bam"
bad "BAM cut mid-block (end-of-file marker kept)" "cannot read \"$T/cut.bam\": truncated BGZF block after record" "$T/bad/out" "$T/cut.bam"
samtools view -b -o "$T/noindex.bam" "$C/pairs.sam"
bad "-c on a BAM without index" "cannot read \"$T/noindex.bam\" for -c p: no index found" -c p "$T/bad/out" "$T/noindex.bam"
! grep -q -- '-r needs' "$T/stderr"; ok $? "-c on a BAM without index: the message does not name another option"
bad "-c with a contig not in the header" "contig \"chrZ\" (-c) is not in the header of \"$B\"" -c chrZ "$T/bad/out" "$B"
printf 'CHROMOSOME_I\t0\t100\nchrZ\t0\t100\n' >"$T/absent.bed"
bad "BED contig absent from the BAM" "\"$T/absent.bed\" line 2: contig \"chrZ\" is not in the alignment file's header" \
    -b "$T/absent.bed" "$T/bad/out" "$B"
printf 'CHROMOSOME_I\t0\t100\nCHROMOSOME_II\t4000\t5001\tx\n' >"$T/past.bed"
bad "BED past a contig end" "\"$T/past.bed\" line 2: CHROMOSOME_II:4000-5001 ends past the end of CHROMOSOME_II (5000 bp)" \
    -b "$T/past.bed" -T 1 "$T/bad/out" "$B"
printf '# header\nCHROMOSOME_I\t100\t50\n' >"$T/reversed.bed"
bad "BED with start after end" "\"$T/reversed.bed\" line 2: start and end must be integers" -b "$T/reversed.bed" "$T/bad/out" "$B"
bad "BED that does not exist" "cannot read \"$T/none.bed\": No such file or directory" -b "$T/none.bed" "$T/bad/out" "$B"
bad "input that does not exist" "cannot read \"$T/none.bam\": No such file or directory" "$T/bad/out" "$T/none.bam"
bad "a FASTA file" "cannot read \"$TOP/refdata/ref.fa\": not a SAM, BAM or CRAM file" "$T/bad/out" "$TOP/refdata/ref.fa"
printf 'this is not\nan alignment file\n' >"$T/notes.txt"
bad "a text file" "cannot read \"$T/notes.txt\": not a SAM, BAM or CRAM file" "$T/bad/out" "$T/notes.txt"
printf '@HD\tVN:1.6\n' >"$T/nosq.sam"
bad "a SAM without @SQ" "\"$T/nosq.sam\" has no contigs in its header" "$T/bad/out" "$T/nosq.sam"
exits 2 "-m below what counting needs at least (1M): a usage error" "$G5" coverage -m 1M "$T/bad/out" "$B"
stderr_has "below the" "... that says so"
# 40000 first mates that overlap a partner who never comes (all at one
# position, so none can be dropped): they outgrow a 2M budget.
awk 'BEGIN { OFS = "\t"; print "@SQ", "SN:w", "LN:1000"
    for (i = 0; i < 40000; i++) print "m" i, 99, "w", 1, 60, "100M", "=", 50, 149, "*", "*" }' >"$T/waiting.sam"
bad "mates outgrowing the memory budget" "\"$T/waiting.sam\": memory budget (-m) exceeded at w:1:" -m 2M "$T/bad/out" "$T/waiting.sam"
stderr_has "mates waiting for their pair" "memory budget: says what holds the memory"
stderr_has "raise -m, or use --fast-mode" "memory budget: and what to do"
runs "the same with --fast-mode (nothing waits): runs" "$G5" coverage -x -m 2M "$T/bad/out" "$T/waiting.sam"
exits 1 "an output directory that does not exist: exits 1" "$G5" coverage "$T/no/such/dir/x" "$B"
stderr_has "cannot write \"$T/no/such/dir/x." "and names the output"

diag "$n_mos files compared with mosdepth's, $n_thr compared between -@ 0 and -@ 2"
[ "$n_mos" -ge 400 ] && [ "$n_thr" -ge 500 ]; ok $? "compared $n_mos files with mosdepth's and $n_thr between thread counts"

done_testing
