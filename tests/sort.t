#!/bin/bash
# sort.t -- g5 sort against samtools sort: record order to the last tie,
# spills under a small budget, index and CRAM output, bad input.
. "$(dirname "$0")/lib.sh"

# Records only: the headers differ in @PG lines by design.
records() { samtools view --no-PG "$1"; }

# A synthetic SAM with many ties (few positions, both strands, repeated
# names with leading zeros) and enough records to need runs on disk.
make_sam() { # n seed
    awk -v n="$1" -v seed="$2" 'BEGIN {
        srand(seed);
        print "@HD\tVN:1.6\tSO:unsorted";
        for (c = 1; c <= 3; c++) print "@SQ\tSN:chr" c "\tLN:100000";
        print "@RG\tID:a\tSM:s\tLB:l1"; print "@RG\tID:b\tSM:s\tLB:l2";
        for (i = 0; i < n; i++) {
            t = int(rand() * 4); pos = int(rand() * 3000) + 1;
            flag = (rand() < 0.5 ? 16 : 0) + (rand() < 0.5 ? 64 : 128) + 1;
            name = sprintf("q%0*d", int(rand() * 3) + 1, int(rand() * 900));
            if (t == 3) { printf "%s\t%d\t*\t0\t0\t*\t*\t0\t0\tACGTACGTAC\tIIIIIIIIII\tRG:Z:%s\tXI:i:%d\n", name, flag + 4, (rand() < 0.5 ? "a" : "b"), i; continue }
            printf "%s\t%d\tchr%d\t%d\t%d\t10M\t*\t0\t0\tACGTACGTAC\tIIIIIIIIII\tRG:Z:%s\tNM:i:%d\tXI:i:%d\n",
                name, flag, t + 1, pos, int(rand() * 60), (rand() < 0.5 ? "a" : "b"), int(rand() * 5), i;
        }
    }'
}

# 1. htslib-test files: coordinate and name order equal samtools', and the
# same bytes at 0 and 2 threads.
n_files=0 n_coord=0 n_name=0 n_threads=0
for f in "$HTSTEST"/*.sam "$HTSTEST"/*.bam "$HTSTEST"/*/*.sam "$HTSTEST"/*/*.bam; do
    [ -f "$f" ] || continue
    samtools sort -o "$T/ref.bam" "$f" 2>/dev/null || continue
    samtools sort -n -o "$T/refn.bam" "$f" 2>/dev/null || continue
    n_files=$((n_files + 1))
    "$G5" sort --no-PG -o "$T/g5.bam" "$f" 2>/dev/null && cmp -s <(records "$T/g5.bam") <(records "$T/ref.bam") && n_coord=$((n_coord + 1)) \
        || diag "coordinate order differs: $f"
    "$G5" sort -n -o "$T/g5n.bam" "$f" 2>/dev/null && cmp -s <(records "$T/g5n.bam") <(records "$T/refn.bam") && n_name=$((n_name + 1)) \
        || diag "name order differs: $f"
    "$G5" sort --no-PG -@ 2 -o "$T/g5t.bam" "$f" 2>/dev/null && cmp -s "$T/g5.bam" "$T/g5t.bam" && n_threads=$((n_threads + 1)) \
        || diag "-@ 2 output differs: $f"
done
ok $((n_files < 50)) "htslib-test: $n_files files samtools can sort"
is "$n_coord" "$n_files" "htslib-test: coordinate order equals samtools sort on every file"
is "$n_name" "$n_files" "htslib-test: name order equals samtools sort -n on every file"
is "$n_threads" "$n_files" "htslib-test: -@ 2 gives the same bytes as -@ 0"

# 2. A larger input under a small budget: runs on disk, same order.
make_sam 300000 7 >"$T/big.sam"
samtools sort -o "$T/big.ref.bam" "$T/big.sam" 2>/dev/null
samtools sort -n -o "$T/big.refn.bam" "$T/big.sam" 2>/dev/null
samtools sort -t NM -o "$T/big.reft.bam" "$T/big.sam" 2>/dev/null
samtools sort -n -t RG -o "$T/big.refnt.bam" "$T/big.sam" 2>/dev/null
mkdir -p "$T/tmp"
runs "sort 300k records in 32M" "$G5" sort --no-PG -m 32M -T "$T/tmp" --verbosity 2 -o "$T/big.bam" "$T/big.sam"
grep -Eq 'temporary runs' "$T/stderr" && ! grep -q ' 0 temporary runs' "$T/stderr"; ok $? "the budget forced runs on disk ($(grep -o '[0-9]* temporary runs' "$T/stderr"))"
cmp -s <(records "$T/big.bam") <(records "$T/big.ref.bam"); ok $? "spilled coordinate sort equals samtools sort, ties included"
is "$(ls -A "$T/tmp")" "" "no temporary run left in -T"
runs "the same with -@ 2" "$G5" sort --no-PG -@ 2 -m 32M -T "$T/tmp" -o "$T/big2.bam" "$T/big.sam"
cmp -s "$T/big.bam" "$T/big2.bam"; ok $? "-@ 2 gives the same bytes"
runs "name sort in 32M" "$G5" sort -n -m 32M -T "$T/tmp" -o "$T/bign.bam" "$T/big.sam"
cmp -s <(records "$T/bign.bam") <(records "$T/big.refn.bam"); ok $? "spilled name sort equals samtools sort -n"
runs "tag sort (-t NM)" "$G5" sort -t NM -m 32M -T "$T/tmp" -o "$T/bigt.bam" "$T/big.sam"
cmp -s <(records "$T/bigt.bam") <(records "$T/big.reft.bam"); ok $? "-t NM equals samtools sort -t NM"
runs "tag and name sort (-n -t RG)" "$G5" sort -n -t RG -o "$T/bignt.bam" "$T/big.sam"
cmp -s <(records "$T/bignt.bam") <(records "$T/big.refnt.bam"); ok $? "-n -t RG equals samtools sort -n -t RG"
is "$(samtools view -H "$T/big.bam" | grep -c '^@HD.*SO:coordinate')" 1 "@HD SO:coordinate"
is "$(samtools view -H "$T/bign.bam" | grep -c '^@HD.*SO:queryname')" 1 "@HD SO:queryname"
runs "sort with provenance" "$G5" sort -m 32M -o "$T/pg.bam" "$T/big.sam"
samtools view --no-PG -H "$T/pg.bam" | grep -q "^@PG	ID:g5.sort	PN:g5	VN:[^	]*	CL:g5 sort -m 32M -o $T/pg.bam $T/big.sam\$"; ok $? "@PG records the g5 command line"
runs "--no-PG" "$G5" sort --no-PG -o "$T/nopg.bam" "$T/big.sam"
is "$(samtools view --no-PG -H "$T/nopg.bam" | grep -c '^@PG')" 0 "--no-PG writes no @PG"

# 3. Index, SAM and CRAM output.
runs "--write-index" "$G5" sort --write-index -o "$T/idx.bam" "$T/big.sam"
[ -f "$T/idx.bam.bai" ]; ok $? "the BAI is written next to the output"
samtools index "$T/big.ref.bam"
is "$(samtools view -c "$T/idx.bam" chr2:1000-2000)" "$(samtools view -c "$T/big.ref.bam" chr2:1000-2000)" \
    "a region query through the index counts what samtools counts"
runs "SAM output by name" "$G5" sort -o "$T/out.sam" "$HTSTEST/range.bam"
head -c 3 "$T/out.sam" | grep -q '^@HD'; ok $? "a .sam name writes SAM"
runs "CRAM output with -f" "$G5" sort -f "$HTSTEST/ce.fa" -o "$T/out.cram" "$HTSTEST/range.bam"
cmp -s <(samtools view --no-PG -T "$HTSTEST/ce.fa" "$T/out.cram") <(samtools sort "$HTSTEST/range.bam" | samtools view --no-PG); ok $? "the CRAM holds the sorted records"
# CRAM records the file name (20 bytes after "CRAM" and the version): a short
# name fits whole, so a temporary's name (with its PID) would show there.
runs "CRAM output again" sh -c "cd '$T' && '$G5' sort -f '$HTSTEST/ce.fa' -o c.cram '$HTSTEST/range.bam' && mv c.cram c1.cram && '$G5' sort -f '$HTSTEST/ce.fa' -o c.cram '$HTSTEST/range.bam'"
[ "$(head -c 26 "$T/c.cram" | tail -c 20 | tr -d '\0')" = c.cram ] && cmp -s "$T/c.cram" "$T/c1.cram"
ok $? "the CRAM header names the output, not a temporary"
exits 2 "CRAM output without -f is a usage error" "$G5" sort -o "$T/noref.cram" "$HTSTEST/range.bam"
stderr_has "CRAM output needs the reference" "and says so"
exits 2 "--write-index to stdout is a usage error" "$G5" sort --write-index "$HTSTEST/range.bam"

# 4. Bad input and failures: one line, exit 1, nothing left behind.
bad() { # description text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" sort -T "$T/bad" -o "$T/bad/out.bam" "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says why ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: no output and no temporary left"
}
bad "nonexistent input" "cannot read \"$T/none.bam\": No such file or directory" "$T/none.bam"
samtools view -b -o "$T/big.in.bam" "$T/big.sam"
head -c 200000 "$T/big.in.bam" >"$T/trunc.bam"
bad "truncated BAM" "cannot read \"$T/trunc.bam\": truncated" "$T/trunc.bam"
bad "truncated BAM on stdin" "cannot read \"-\": truncated" - <"$T/trunc.bam"

# A temporary directory that fills up: a 1 MiB tmpfs (root only).
mkdir -p "$T/full"
if mount -t tmpfs -o size=1m tmpfs "$T/full" 2>/dev/null; then
    # -@ 0 writes runs in turn, -@ 1 on a thread of their own
    for t in 0 1; do
        exits 1 "a full temporary disk, -@ $t: exits 1" "$G5" sort -@ $t -m 32M -T "$T/full" -o "$T/bad/out.bam" "$T/big.sam"
        stderr_has "No space left on device" "and says the disk is full"
        is "$(ls -A "$T/full")" "" "no run file left on the full disk"
        [ ! -e "$T/bad/out.bam" ]; ok $? "and no output"
    done
    umount "$T/full"
fi

# Interrupted while sorting: no output, no temporary runs, whether the
# runs are written in turn (-@ 0) or by their own thread (-@ 1).
for sig in TERM INT; do
    rm -rf "$T/sig" && mkdir -p "$T/sig/tmp"
    mkfifo "$T/sig/in.sam"
    t=$([ $sig = TERM ] && echo 1 || echo 0)
    env --default-signal="$sig" "$G5" sort -@ $t -m 32M -T "$T/sig/tmp" -o "$T/sig/out.bam" "$T/sig/in.sam" 2>/dev/null &
    pid=$!
    exec 3>"$T/sig/in.sam"
    cat "$T/big.sam" >&3
    for _ in $(seq 50); do
        ls -A "$T/sig/tmp" | grep -q run && break
        sleep 0.1
    done
    ls -A "$T/sig/tmp" | grep -q run; ok $? "SIG$sig: runs on disk while the input is still open"
    kill -"$sig" "$pid"
    wait "$pid"; st=$?
    exec 3>&-
    is "$st" $((128 + $(kill -l "$sig"))) "SIG$sig: g5 sort dies of the signal"
    is "$(ls -A "$T/sig/tmp")$(ls "$T/sig" | grep -v -e in.sam -e tmp)" "" "SIG$sig: no output and no run left"
done

# 5. --markdup: one process from aligner output to a marked, sorted file,
# with the flags, tags and metrics of g5 sort | g5 markdup (which
# tests/markdup.t holds to Picard's).
S=$T/sim && mkdir -p "$S"
if HTSTEST=$HTSTEST "$TESTS_DIR/data/markdup/simulate.sh" "$S" 3000 5 >"$T/stderr" 2>&1; then
    runs "sort then markdup" sh -c "'$G5' sort --no-PG -o '$S/s.bam' '$S/grouped.bam' && '$G5' markdup --no-PG --dt -M '$S/md.metrics' -o '$S/md.bam' '$S/s.bam'"
    body() { grep -v '^#' "$1"; }
    for t in 0 2; do
        runs "--markdup -@ $t" "$G5" sort --markdup --dt -@ $t --no-PG -M "$S/sm$t.metrics" --stats "$S/sm$t.stats" \
            -o "$S/sm$t.bam" "$S/grouped.bam"
    done
    cmp -s "$S/sm0.bam" "$S/md.bam"; ok $? "--markdup: the same file as sort, then markdup (records, flags, DT tags)"
    is "$(samtools view -c -f 1024 "$S/sm0.bam")" "$(samtools view -c -f 1024 "$S/md.bam")" "--markdup: $(samtools view -c -f 1024 "$S/md.bam") duplicates, as markdup"
    cmp -s <(body "$S/sm0.metrics") <(body "$S/md.metrics"); ok $? "--markdup: the metrics of markdup"
    cmp -s "$S/sm0.bam" "$S/sm2.bam"; ok $? "--markdup: byte-identical at -@ 0 and -@ 2"
    "$G5" stats -o "$S/out.stats" "$S/sm0.bam"
    cmp -s <(grep -e '^SN' -e '^FS' "$S/sm0.stats") <(grep -e '^SN' -e '^FS' "$S/out.stats"); ok $? "--stats: the g5 stats report of the output"
    runs "--markdup --remove" "$G5" sort --markdup --remove --no-PG -o "$S/rm.bam" "$S/grouped.bam"
    is "$(samtools view -c "$S/rm.bam")" "$(samtools view -c -F 1024 "$S/md.bam")" "--remove leaves out exactly the duplicates"

    # Spilled runs keep the labels: a larger library, sorted in 32M.
    HTSTEST=$HTSTEST "$TESTS_DIR/data/markdup/simulate.sh" "$S" 30000 6 >"$T/stderr" 2>&1
    runs "--markdup in 1G" "$G5" sort --markdup --no-PG -o "$S/big1.bam" "$S/grouped.bam"
    runs "--markdup in 32M" "$G5" sort --markdup --no-PG --verbosity 2 -m 32M -T "$T/tmp" -o "$S/big2.bam" "$S/grouped.bam"
    ! grep -q ' 0 temporary runs' "$T/stderr"; ok $? "the 32M run went through temporary runs"
    cmp -s "$S/big1.bam" "$S/big2.bam"; ok $? "--markdup: the same file through runs on disk"
    runs "--markdup in 32M, -@ 1" "$G5" sort --markdup --no-PG -@ 1 -m 32M -T "$T/tmp" -o "$S/big3.bam" "$S/grouped.bam"
    cmp -s "$S/big1.bam" "$S/big3.bam"; ok $? "--markdup: the same file through runs written in the background"

    exits 1 "--markdup on a coordinate-sorted file fails" "$G5" sort --markdup -o "$T/x.bam" "$S/sim.bam"
    stderr_has "it is sorted by coordinate" "and says why"
else
    diag "simulate.sh failed: no --markdup tests"
fi
exits 2 "--markdup with -n is a usage error" "$G5" sort --markdup -n "$HTSTEST/range.bam"
exits 2 "-M without --markdup is a usage error" "$G5" sort -M x.metrics "$HTSTEST/range.bam"

exits 2 "-m below the minimum is a usage error" "$G5" sort -m 1M "$HTSTEST/range.bam"
exits 2 "-t needs a two-letter tag" "$G5" sort -t ABC "$HTSTEST/range.bam"

done_testing
