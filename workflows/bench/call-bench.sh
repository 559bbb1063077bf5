#!/bin/bash
# call-bench.sh -- g5 call against bcftools mpileup | bcftools call -m, as
# ratios, and both against the planted truth.
#
# Usage: call-bench.sh G5 REF OUTDIR BAM...
#
# Each BAM is one sample (@RG SM), coordinate-sorted and indexed, with the
# variants planted in it in BAM-without-.bam.truth.vcf (dwgsim's
# PREFIX.mutations.vcf: AF=0.5 het, AF=1 hom; gen-calls.sh makes them).
# REPEATS rounds (default 3), interleaved, best wall time and highest RSS kept:
#   g5 call -@ 0 -f REF S.bam          vs  bcftools mpileup -Ou -f REF S.bam |
#                                          bcftools call -m -v         (<= 0.33)
#   the same on all the BAMs jointly                                   (<= 0.33)
#   g5 call -@ 0 jointly over g5 call -@ THREADS-1 jointly: the speedup (>= 1.8)
#   g5 call -@ 0 S1 over g5 call -@ THREADS-1 S1                       (reported)
# -@ N is N additional threads: N + 1 call (so -@ THREADS-1 has THREADS calling
# threads, and -@ 0 one); the bcftools pipeline is
# timed as a whole (two processes, so it may use up to two cores).  Both sides
# write bgzipped VCF.
#
# Not timed, on the last round's outputs:
#   accuracy  per sample, SNVs and indels apart: precision, recall and F1
#             against the truth, for g5 (sample alone and within the joint
#             call) and bcftools (the same two ways), after
#             bcftools norm -f REF -m -any on every side, matching on
#             CHROM:POS:REF:ALT whatever the genotype (a call counts when the
#             sample's GT carries the ALT); genotype agreement (het/hom) on
#             the true positives reported apart.  No QUAL filter on either side.
#             Targets: g5 SNV F1 >= 0.99 and >= bcftools' (alone against
#             alone, joint against joint); g5 indel F1 >= bcftools'.
#   consistency  per sample, the normalized variant genotypes of g5 alone and
#             of the sample in g5's joint call: mismatches (a site variant on
#             one side only counts too), target 0; bcftools' the same way,
#             reported.  When g5 call has --gvcf: each sample's gVCF against
#             the joint call the same way, target 0.
#   threads   g5's -@ THREADS-1 output has the same records as -@ 0.
#   g5 concord, when g5 has it: its TP/FP/FN per type for every call set,
#             against this script's (reported, no target).
#
# Writes OUTDIR/call-bench.tsv (the table), OUTDIR/call-bench.runs.tsv (every
# run), OUTDIR/call-bench.accuracy.tsv (every count) and the last round's VCFs
# in OUTDIR/call/.  Environment: REPEATS, THREADS (2), BCFTOOLS, CALL_CHUNK
# (g5 call's chunk, 524288, only for the note on the best possible speedup),
# STRICT (exit 1 when a target is missed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -ge 4 ] || { echo "usage: call-bench.sh G5 REF OUTDIR BAM..." >&2; exit 2; }
g5=$1 ref=$2 out=$3
shift 3
bams=("$@")
repeats=${REPEATS:-3} T=${THREADS:-2} bcftools=${BCFTOOLS:-bcftools} chunk=${CALL_CHUNK:-524288}
command -v "$bcftools" >/dev/null || { echo "call-bench.sh: $bcftools not found (Debian package bcftools)" >&2; exit 1; }
command -v samtools >/dev/null || { echo "call-bench.sh: samtools not found" >&2; exit 1; }
"$g5" call -h >/dev/null 2>&1 || { echo "call-bench.sh: \"$g5 call -h\" failed: is g5 built?" >&2; exit 1; }
[ -r "$ref" ] && [ -r "$ref.fai" ] || { echo "call-bench.sh: cannot read \"$ref\" and its .fai (gen-calls.sh makes them)" >&2; exit 1; }
samples=()
for b in "${bams[@]}"; do
    for f in "$b" "$b.bai" "${b%.bam}.truth.vcf"; do
        [ -r "$f" ] || { echo "call-bench.sh: cannot read \"$f\" (gen-calls.sh makes it)" >&2; exit 1; }
    done
    s=$(samtools view -H "$b" | awk -F'\t' '$1 == "@RG" { for (i = 2; i <= NF; i++) if ($i ~ /^SM:/) { print substr($i, 4); exit } }')
    [ -n "$s" ] || { echo "call-bench.sh: \"$b\" has no @RG SM" >&2; exit 1; }
    samples+=("$s")
done
ns=${#bams[@]}
all=$(IFS=+; echo "${samples[*]}")

bench_init "$out" call-bench
vcfs=$out/call
mkdir -p "$vcfs"
acc=$out/call-bench.accuracy.tsv.tmp.$$
trap 'rm -f "$BENCH_RUNS" "$BENCH_TSV" "$BENCH_OUT/.rss.$$" "$acc" "$vcfs"/*.tmp.$$' EXIT
ver() { "$@" 2>&1 | head -n 1 || true; }
ref_len=$(awk '{n += $2} END {print n}' "$ref.fai")
records=$(for b in "${bams[@]}"; do samtools idxstats "$b"; done | awk '{n += $3 + $4} END {print n + 0}')
has_gvcf=0
"$g5" call -h 2>&1 | grep -q -- '--gvcf' && has_gvcf=1
# Provenance after bench_init's two comment lines, before the column header.
sed -i "2a # g5: $(ver "$g5" --version)  bcftools: $(ver "$bcftools" --version)  ref: $ref ($ref_len bp)  bams: ${bams[*]} ($records records)  samples: ${samples[*]}  repeats: $repeats  threads: $T" "$BENCH_TSV"
echo "call-bench: ${bams[*]} ($records records) on $ref ($ref_len bp), best of $repeats" >&2

X=$((T > 1 ? T - 1 : 0))                # -@ X: T calling threads
g5l() { echo "g5 call -@ $1 $2"; }                               # labels
bcl() { echo "bcftools mpileup|call -m $1"; }
# the peer, timed as one command: bcf_pipe OUT BAM...
bcf_pipe=(bash -o pipefail -c '"$0" mpileup -Ou -f "$1" "${@:3}" | "$0" call -m -v -Oz -o "$2"' "$bcftools" "$ref")

cat "$ref" "${bams[@]}" >/dev/null         # warm the page cache
for ((r = 1; r <= repeats; r++)); do
    echo "round $r" >&2
    for ((i = 0; i < ns; i++)); do
        s=${samples[$i]}
        bench_time "$(g5l 0 "$s")" "$g5" call -@ 0 -f "$ref" -o "$vcfs/g5.$s.vcf.gz" "${bams[$i]}"
        bench_time "$(bcl "$s")" "${bcf_pipe[@]}" "$vcfs/bcftools.$s.vcf.gz" "${bams[$i]}"
    done
    bench_time "$(g5l 0 "$all")" "$g5" call -@ 0 -f "$ref" -o "$vcfs/g5.joint.vcf.gz" "${bams[@]}"
    bench_time "$(bcl "$all")" "${bcf_pipe[@]}" "$vcfs/bcftools.joint.vcf.gz" "${bams[@]}"
    bench_time "$(g5l "$X" "$all")" "$g5" call -@ "$X" -f "$ref" -o "$vcfs/g5.joint.t$T.vcf.gz" "${bams[@]}"
    bench_time "$(g5l "$X" "${samples[0]}")" "$g5" call -@ "$X" -f "$ref" -o "$vcfs/g5.${samples[0]}.t$T.vcf.gz" "${bams[0]}"
done

# --- not timed: outputs -------------------------------------------------------

noprov() { zcat "$1" | grep -v '^##g5_call'; }
cmp -s <(noprov "$vcfs/g5.joint.vcf.gz") <(noprov "$vcfs/g5.joint.t$T.vcf.gz") \
    && same_t="-@ $X records identical to -@ 0" || same_t="-@ $X RECORDS DIFFER from -@ 0"
cmp -s <(noprov "$vcfs/g5.${samples[0]}.vcf.gz") <(noprov "$vcfs/g5.${samples[0]}.t$T.vcf.gz") \
    && same_t1="-@ $X records identical to -@ 0" || same_t1="-@ $X RECORDS DIFFER from -@ 0"
gvcf_err=
if [ "$has_gvcf" = 1 ]; then
    for ((i = 0; i < ns; i++)); do
        s=${samples[$i]}
        if ! "$g5" call --gvcf -f "$ref" -o "$vcfs/g5.$s.g.vcf.gz" "${bams[$i]}" 2>"$vcfs/gvcf.err.tmp.$$"; then
            gvcf_err=$(head -n 1 "$vcfs/gvcf.err.tmp.$$")
            break
        fi
    done
fi

# The per-sample call lists and their scores: bench_calls, bench_truth,
# bench_score and bench_mismatch (lib.sh).
printf 'tool\tmode\tsample\ttype\ttruth\tcalls\ttp\tfp\tfn\tprecision\trecall\tf1\tgt_agree\n' >"$acc"
declare -A F1 P R GT TP CNT
c=$vcfs/cmp
mkdir -p "$c"
for ((i = 0; i < ns; i++)); do
    s=${samples[$i]}
    bench_truth "$ref" "${bams[$i]%.bam}.truth.vcf" >"$c/truth.$s"
    bench_calls "$ref" "$vcfs/g5.$s.vcf.gz" >"$c/g5.alone.$s"
    bench_calls "$ref" "$vcfs/g5.joint.vcf.gz" "$s" >"$c/g5.joint.$s"
    bench_calls "$ref" "$vcfs/bcftools.$s.vcf.gz" >"$c/bcftools.alone.$s"
    bench_calls "$ref" "$vcfs/bcftools.joint.vcf.gz" "$s" >"$c/bcftools.joint.$s"
    for tm in g5.alone g5.joint bcftools.alone bcftools.joint; do
        for ty in snv indel; do
            read -r tp fp fn p rc f1 gt <<<"$(bench_score "$c/truth.$s" "$c/$tm.$s" "$ty")"
            k=$tm.$s.$ty
            F1[$k]=$f1 P[$k]=$p R[$k]=$rc GT[$k]=$gt TP[$k]=$tp CNT[$k]="$tp $fp $fn"
            printf '%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%d\n' "${tm%%.*}" "${tm#*.}" "$s" "$ty" \
                $((tp + fn)) $((tp + fp)) "$tp" "$fp" "$fn" "$p" "$rc" "$f1" "$gt" >>"$acc"
        done
    done
done

# --- the table ------------------------------------------------------------------

# speedup A B TARGET [NOTE]: best wall of A over best of B, judged >= TARGET.
speedup() {
    local a=$1 b=$2 target=$3 note=${4:-} ta tb ra rb
    ta=$(_best "$a" 2) tb=$(_best "$b" 2) ra=$(_best "$a" 3) rb=$(_best "$b" 3)
    awk -v a="$a" -v b="$b" -v ta="$ta" -v tb="$tb" -v ra="$ra" -v rb="$rb" -v t="$target" -v note="$note" 'BEGIN {
        r = sprintf("%.2f", tb > 0 ? ta / tb : 0) + 0
        v = t == "-" ? "-" : (r >= t + 0 ? "ok" : "MISS")
        printf "speedup %s / %s\t%.2f\t%s\t%s\t%.3f\t%.3f\t%.0f\t%.0f\t%s\n", a, b, r, t == "-" ? "-" : ">=" t, v, ta, tb, ra / 1024, rb / 1024, note
    }' >>"$BENCH_TSV"
}
prf() { echo "P ${P[$1]} R ${R[$1]} (TP ${TP[$1]})"; }

# The best speedup the chunking allows when a chunk's cost follows its
# length: chunks taken in genome order by the first free thread.
bound=$(awk -v c="$chunk" -v t="$T" '
    { for (b = 0; b < $2; b += c) { l = $2 - b < c ? $2 - b : c; tot += l; m = 0
          for (i = 1; i < t; i++) if (f[i] < f[m]) m = i
          f[m] += l } }
    END { for (i = 0; i < t; i++) if (f[i] > mk) mk = f[i]; printf "%.2f", mk ? tot / mk : 0 }' "$ref.fai")

for ((i = 0; i < ns; i++)); do
    s=${samples[$i]}
    bench_ratio "$(g5l 0 "$s")" "$(bcl "$s")" 0.33 "one sample"
done
bench_ratio "$(g5l 0 "$all")" "$(bcl "$all")" 0.33 "$ns samples jointly"
speedup "$(g5l 0 "$all")" "$(g5l "$X" "$all")" 1.8 "$same_t; at most ${bound}x with ${chunk}-bp chunks"
speedup "$(g5l 0 "${samples[0]}")" "$(g5l "$X" "${samples[0]}")" - "$same_t1"

for ((i = 0; i < ns; i++)); do
    s=${samples[$i]}
    for m in alone joint; do
        k=g5.$m.$s.snv b=bcftools.$m.$s.snv
        tgt=$(awk -v b="${F1[$b]}" 'BEGIN { printf "%.4f", (b > 0.99 ? b : 0.99) }')
        bench_ge "${F1[$k]}" "$tgt" && v=ok || v=MISS
        bench_row "SNV F1 $s, g5 $m (>= 0.99 and bcftools $m)" "${F1[$k]}" ">=$tgt" "$v" \
            "g5 $(prf "$k") GT right ${GT[$k]}/${TP[$k]}; bcftools F1 ${F1[$b]} $(prf "$b") GT right ${GT[$b]}/${TP[$b]}"
        k=g5.$m.$s.indel b=bcftools.$m.$s.indel
        bench_ge "${F1[$k]}" "${F1[$b]}" && v=ok || v=MISS
        bench_row "indel F1 $s, g5 $m (>= bcftools $m)" "${F1[$k]}" ">=${F1[$b]}" "$v" \
            "g5 $(prf "$k") GT right ${GT[$k]}/${TP[$k]}; bcftools F1 ${F1[$b]} $(prf "$b") GT right ${GT[$b]}/${TP[$b]}"
    done
done
for ((i = 0; i < ns; i++)); do
    s=${samples[$i]}
    read -r d n <<<"$(bench_mismatch "$c/g5.alone.$s" "$c/g5.joint.$s")"
    read -r bd bn <<<"$(bench_mismatch "$c/bcftools.alone.$s" "$c/bcftools.joint.$s")"
    [ "$d" = 0 ] && v=ok || v=MISS
    bench_row "genotype mismatches $s, g5 alone / joint" "$d" "=0" "$v" "of $n variant sites; bcftools alone / joint: $bd of $bn"
done
for ((i = 0; i < ns; i++)); do
    s=${samples[$i]}
    if [ "$has_gvcf" = 0 ]; then
        bench_row "genotype mismatches $s, g5 --gvcf / joint" - "=0" - "not measured: g5 call has no --gvcf yet"
    elif [ -n "$gvcf_err" ]; then
        bench_row "genotype mismatches $s, g5 --gvcf / joint" - "=0" MISS "g5 call --gvcf failed: $gvcf_err"
    else
        bench_calls "$ref" "$vcfs/g5.$s.g.vcf.gz" >"$c/g5.gvcf.$s"
        read -r d n <<<"$(bench_mismatch "$c/g5.gvcf.$s" "$c/g5.joint.$s")"
        [ "$d" = 0 ] && v=ok || v=MISS
        bench_row "genotype mismatches $s, g5 --gvcf / joint" "$d" "=0" "$v" "of $n variant sites"
    fi
done
# g5 concord, when there is one: its TP FP FN per type against ours.
if "$g5" concord -h >/dev/null 2>&1; then
    agree=0 n=0 diffs=
    for ((i = 0; i < ns; i++)); do
        s=${samples[$i]}
        for tm in g5.alone g5.joint bcftools.alone bcftools.joint; do
            f=$vcfs/${tm%%.*}.$s.vcf.gz
            [ "${tm#*.}" = joint ] && f=$vcfs/${tm%%.*}.joint.vcf.gz
            n=$((n + 1))
            got=$("$g5" concord -f "$ref" --calls-sample "$s" "${bams[$i]%.bam}.truth.vcf" "$f" 2>&1 \
                  | awk -F'\t' '$1 == "SNV" { s = $2 " " $3 " " $4 } $1 == "indel" { d = $2 " " $3 " " $4 } END { print s "/" d }') || true
            want="${CNT[$tm.$s.snv]}/${CNT[$tm.$s.indel]}"
            if [ "$got" = "$want" ]; then agree=$((agree + 1)); else diffs+="; $tm $s: concord $got, here $want"; fi
        done
    done
    bench_row "g5 concord TP/FP/FN (SNV, indel) = this script's" "$agree/$n" - - "call sets with the same counts${diffs}"
fi
mv "$acc" "$out/call-bench.accuracy.tsv"
echo >&2
{ column -t -s $'\t' "$out/call-bench.accuracy.tsv" 2>/dev/null || cat "$out/call-bench.accuracy.tsv"; } >&2
echo "(every count: $out/call-bench.accuracy.tsv)" >&2
bench_done
