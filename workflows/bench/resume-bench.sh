#!/bin/bash
# resume-bench.sh -- kill -9 the centre pipeline at many moments and check
# every rerun ends with the same bytes as an uninterrupted run.
#
#   workflows/bench/resume-bench.sh G5 WORK [KILLS]
#
# The pipeline (workflows/centre.mk) runs on refdata's reads as two samples,
# -j 2, always in the same folder (outputs record their command lines).  An
# uninterrupted run gives the reference fingerprints (SHA-256 of every final
# output) and its duration D; then KILLS runs [40] are each killed with
# SIGKILL, process group and all, at a moment spread evenly over D (kill k
# at D * k / (KILLS + 1)), rerun to the end, and compared.  It prints, per
# kill, how many outputs were in place when it struck and whether the rerun
# matched, then the count of matches; it fails unless all match.  The
# tests (tests/workflows.t) kill at one moment per step; this kills at many.
set -euo pipefail
export LC_ALL=C

g5=$1 kills=${3:-40}
mkdir -p "$2" && work=$(cd "$2" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
run=$work/resume
sheet=$work/resume-sheet.tsv
printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\n' >"$sheet"
for s in S1 S2; do
    printf '%s\trg-%s\tlib-%s\t%s\t%s\n' $s $s $s "$top/refdata/reads_1.fq.gz" "$top/refdata/reads_2.fq.gz" >>"$sheet"
done

pipeline() { make -s -f "$top/workflows/centre.mk" SHEET="$sheet" REF="$run/ref.fa" OUT="$run/out" G5="$g5" \
                 THREADS=1 MEMORY=256M -j2; }
fresh() { rm -rf "$run" && mkdir -p "$run" && cp "$top/refdata/ref.fa" "$run/ref.fa"; }
outputs() { (cd "$run/out" && ls S1.* S2.* 2>/dev/null | grep -v '\.log$' | grep -v '\.tmp' || true); }
fingerprint() { (cd "$run/out" && sha256sum $(outputs)); }

fresh
start=$(date +%s.%N)
pipeline >"$work/resume.log" 2>&1 || { echo "resume: the uninterrupted run failed:" >&2; tail "$work/resume.log" >&2; exit 1; }
duration=$(echo "$(date +%s.%N) - $start" | bc)
fingerprint >"$work/resume.expected"
total=$(wc -l <"$work/resume.expected")
# two samples' BAM, index, metrics, stats, coverage files and gVCF
[ "$total" -ge 20 ] || { echo "resume: the uninterrupted run wrote $total outputs, not the 26 expected" >&2; exit 1; }
echo "resume: uninterrupted run ${duration}s, $total outputs; $kills kills spread over it"

matched=0
for k in $(seq "$kills"); do
    at=$(echo "scale=3; $duration * $k / ($kills + 1)" | bc)
    fresh
    setsid bash -c "$(declare -f pipeline); sheet='$sheet' run='$run' g5='$g5' top='$top' pipeline" >/dev/null 2>&1 &
    pid=$!
    sleep "$at"
    kill -9 -- -$pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    before=$(outputs | wc -l)
    pipeline >/dev/null 2>&1
    left=$(find "$run" -name '*.tmp*' | wc -l)
    if cmp -s <(fingerprint) "$work/resume.expected" && [ "$left" -eq 0 ]; then
        matched=$((matched + 1)) verdict=same
    else
        verdict=DIFFERENT
    fi
    printf 'resume: kill %2d at %6.3fs: %2d of %d outputs in place; rerun %s\n' "$k" "$at" "$before" "$total" "$verdict"
done
echo "resume: $matched of $kills killed runs, rerun, gave byte-identical outputs"
[ "$matched" -eq "$kills" ]
