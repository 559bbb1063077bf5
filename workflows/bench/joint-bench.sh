#!/bin/bash
# joint-bench.sh -- g5 joint against bcftools merge --gvcf, as ratios, and
# g5 joint's genotypes against g5 call's and the planted truth.
#
# Usage: joint-bench.sh G5 REF WORKDIR OUTDIR
#
# REF is the reference of the cohort's gVCFs, WORKDIR/gvcfs-N.list their
# lists (gen-gvcfs.sh makes both).  For each N in NS (default "10 100 1000"),
# REPEATS rounds (default 3), interleaved, best wall time and highest RSS kept:
#   g5 joint -@ T -m MEM -f REF -l LIST      vs  bcftools merge --threads T
#                                                -g REF -l LIST          (<= 0.5)
#   the same with --gvcf-out g5.N.g.bcf (the merged gVCF, as BCF: what
#   bcftools merge -g -Ob writes, so the like-for-like comparison)  (<= 0.5)
#   its peak RSS over the budget MEM                                     (<= 1.0)
#   linearity: its wall per sample at N over its wall per sample at the
#   smallest N                                      (<= 1.10: 1.0 plus noise)
#   g5 joint                                 vs  bcftools merge -g | bcftools
#                                                view -a | bcftools call
#                                                -G - -m -v, in the last
#                                                round only          (reported)
#   and at the smallest N, how many sample variant genotypes differ between
#   the two (as in the accuracy part below).
# All write BCF.  T is THREADS (2), MEM the budget in MB (512).  Two things
# keep bcftools 1.16 call from taking the merge as it is:
#   - it needs INFO/QS (mpileup's) for its cohort prior, which g5's gVCFs
#     lack, so it runs with -G -: each sample its own group, the prior from
#     its own FORMAT/AD;
#   - where a sample's PL for an allele is missing (a reference block at a
#     variant site) it fills it from the <*> allele's PL without the check
#     for PL > 255 it makes elsewhere (mcall.c set_pdg), reads past its
#     256-entry table and crashes about one run in three: g5 does not cap
#     PLs at 255 as mpileup does.  bcftools view -a drops <*> first, so the
#     gap is filled with 255 instead, and the samples in reference blocks
#     come out ./. where they would be 0/0; the variant genotypes (all the
#     F1 below looks at) are those of a run on PLs capped at 255.
#
# Not timed, when gen-calls.sh's input is in WORKDIR (call-s1..3.bam with
# their .truth.vcf, gen-calls/ref.fa): g5 call --gvcf on each BAM alone,
# g5 joint over the three gVCFs (named on the command line), g5 call on the
# three BAMs together, and the bcftools pipeline above over the three gVCFs,
# all at -@ T.  Every side goes through bcftools norm -f REF -m -any; a call
# is a CHROM:POS:REF:ALT the sample's GT carries (lib.sh bench_calls).
#   indexes    the gVCFs' and g5 joint's --write-index indexes find every
#              record (a bad gVCF index is rebuilt with tabix for the rest)
#   agreement  of g5 joint's genotypes with g5 call's, over the sample
#              variant sites of either: a site on one side only counts as a
#              disagreement for each sample carrying it there   (>= 0.999)
#   F1         per sample, SNVs and indels apart, against the truth:
#              g5 joint's                       (>= g5 call's on the BAMs)
#              the bcftools pipeline's                            (reported)
#
# Writes OUTDIR/joint-bench.tsv (the table), OUTDIR/joint-bench.runs.tsv
# (every run), OUTDIR/joint-bench.accuracy.tsv (every count) and the last
# round's outputs in OUTDIR/joint/.  Environment: NS, REPEATS, THREADS, MEM,
# BCFTOOLS, STRICT (exit 1 when a target is missed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 4 ] || { echo "usage: joint-bench.sh G5 REF WORKDIR OUTDIR" >&2; exit 2; }
g5=$1 ref=$2 work=$3 out=$4
ns=${NS:-10 100 1000} repeats=${REPEATS:-3} T=${THREADS:-2} mem=${MEM:-512} bcftools=${BCFTOOLS:-bcftools}
export BCFTOOLS=$bcftools
die() { echo "joint-bench.sh: $*" >&2; exit 1; }

for tool in "$bcftools" tabix; do
    command -v "$tool" >/dev/null || die "$tool not found (Debian packages bcftools, tabix)"
done
"$g5" joint -h >/dev/null 2>&1 \
    || die "\"$g5 joint -h\" failed: this g5 has no joint command yet (or is not built)"
[ -r "$ref" ] && [ -r "$ref.fai" ] || die "cannot read \"$ref\" and its .fai (gen-gvcfs.sh makes them)"
[[ $mem =~ ^[1-9][0-9]*$ ]] || { echo "joint-bench.sh: MEM must be a number of MB" >&2; exit 2; }
base= max=0
for n in $ns; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "joint-bench.sh: NS must list positive integers" >&2; exit 2; }
    list=$work/gvcfs-$n.list
    [ -r "$list" ] || die "cannot read \"$list\" (gen-gvcfs.sh makes it)"
    [ "$(wc -l <"$list")" -eq "$n" ] || die "\"$list\" does not list $n gVCFs"
    [ -z "$base" ] || [ "$n" -lt "$base" ] && base=$n
    [ "$n" -gt "$max" ] && max=$n
done
while read -r f; do
    [ -r "$f" ] && { [ -r "$f.tbi" ] || [ -r "$f.csi" ]; } || die "cannot read \"$f\" and its index (gen-gvcfs.sh makes them)"
done <"$work/gvcfs-$max.list"
# Both sides hold every input open at once.
need=$((max + 64))
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge "$need" ] || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge "$need" ] \
    || die "$max inputs need $need open files, and the limit is $(ulimit -n) (ulimit -n)"

bench_init "$out" joint-bench
jd=$out/joint
mkdir -p "$jd"
acc=$out/joint-bench.accuracy.tsv.tmp.$$
trap 'rm -f "$BENCH_RUNS" "$BENCH_TSV" "$BENCH_OUT/.rss.$$" "$acc"' EXIT
ver() { "$@" 2>&1 | head -n 1 || true; }
ref_len=$(awk '{n += $2} END {print n}' "$ref.fai")
distinct=$(cat "$(dirname "$(head -n 1 "$work/gvcfs-$max.list")")/distinct" 2>/dev/null || echo "?")
gvcf_mb=$(xargs du -k <"$work/gvcfs-$max.list" | awk '{ k += $1 } END { printf "%.0f", k / 1024 }')
# Provenance after bench_init's two comment lines, before the column header.
sed -i "2a # g5: $(ver "$g5" --version)  bcftools: $(ver "$bcftools" --version)  ref: $ref ($ref_len bp)  gVCFs: $work/gvcfs-{$(echo $ns | tr ' ' ,)}.list ($max: $gvcf_mb MB, copies of $distinct distinct samples)  repeats: $repeats  threads: $T  memory: $mem MB" "$BENCH_TSV"
echo "joint-bench: N = $ns gVCFs ($max: $gvcf_mb MB) on $ref ($ref_len bp), best of $repeats" >&2

gl() { echo "g5 joint N=$1"; }                                   # labels
gol() { echo "g5 joint --gvcf-out N=$1"; }
ml() { echo "bcftools merge -g N=$1"; }
cl() { echo "bcftools merge|view|call N=$1"; }
# the second peer, timed as one command: merge_call LIST OUT
merge_call=(bash -o pipefail -c '"$0" merge --threads "$1" -g "$2" -l "$3" -Ou | "$0" view -a -Ou |
                                 "$0" call -G - -m -v -Ob -o "$4" 2>/dev/null' "$bcftools" "$T" "$ref")

xargs cat <"$work/gvcfs-$max.list" >/dev/null      # warm the page cache
for ((r = 1; r <= repeats; r++)); do
    echo "round $r" >&2
    for n in $ns; do
        list=$work/gvcfs-$n.list
        bench_time "$(gl "$n")" "$g5" joint -@ "$T" -m "${mem}M" -f "$ref" -l "$list" -o "$jd/g5.$n.bcf"
        bench_time "$(gol "$n")" "$g5" joint -@ "$T" -m "${mem}M" -f "$ref" -l "$list" -o "$jd/g5.$n.bcf" \
            --gvcf-out "$jd/g5.$n.g.bcf"
        bench_time "$(ml "$n")" "$bcftools" merge --threads "$T" -g "$ref" -l "$list" -Ob -o "$jd/bcftools-merge.$n.bcf"
        if [ "$r" = "$repeats" ]; then     # for interest only: once
            bench_time "$(cl "$n")" "${merge_call[@]}" "$list" "$jd/bcftools-call.$n.bcf"
        fi
    done
done

# --- the table ------------------------------------------------------------------

records() { "$bcftools" view -H -G "$1" | wc -l; }
for n in $ns; do
    k=$("$bcftools" query -l "$jd/g5.$n.bcf" | wc -l)
    [ "$k" -eq "$n" ] && smp="$n samples" || smp="$k SAMPLES, NOT $n"
    sites="g5: $smp, $(records "$jd/g5.$n.bcf") sites"
    bench_ratio "$(gl "$n")" "$(ml "$n")" 0.5 "$sites; bcftools merge: $(records "$jd/bcftools-merge.$n.bcf") records"
    bench_rss "$(gl "$n")" "$mem" 1.0
    # the like-for-like peer of bcftools merge -g: the merged gVCF as well
    bench_ratio "$(gol "$n")" "$(ml "$n")" 0.5 "merged gVCF: $(records "$jd/g5.$n.g.bcf") records"
    bench_rss "$(gol "$n")" "$mem" 1.0
    if [ "$n" != "$base" ]; then
        ta=$(_best "$(gl "$n")" 2) tb=$(_best "$(gl "$base")" 2)
        ra=$(_best "$(gl "$n")" 3) rb=$(_best "$(gl "$base")" 3)
        awk -v n="$n" -v b="$base" -v ta="$ta" -v tb="$tb" -v ra="$ra" -v rb="$rb" 'BEGIN {
            r = sprintf("%.2f", tb > 0 ? (ta / n) / (tb / b) : 0) + 0
            printf "g5 joint wall per sample, N=%d / N=%d\t%.2f\t<=1.10\t%s\t%.3f\t%.3f\t%.0f\t%.0f\t1.0 is linear in N; 0.10 allowed for noise\n",
                n, b, r, r <= 1.10 ? "ok" : "MISS", ta, tb, ra / 1024, rb / 1024
        }' >>"$BENCH_TSV"
    fi
    note="bcftools call -G -: $(records "$jd/bcftools-call.$n.bcf") variant sites"
    if [ "$n" = "$base" ]; then         # the genotypes too, where it is cheap
        d_all=0 n_all=0
        mkdir -p "$jd/cmp"
        for s in $("$bcftools" query -l "$jd/g5.$n.bcf"); do
            bench_calls "$ref" "$jd/g5.$n.bcf" "$s" >"$jd/cmp/g5.$s"
            bench_calls "$ref" "$jd/bcftools-call.$n.bcf" "$s" >"$jd/cmp/bcftools.$s"
            read -r d m <<<"$(bench_mismatch "$jd/cmp/g5.$s" "$jd/cmp/bcftools.$s")"
            d_all=$((d_all + d)) n_all=$((n_all + m))
        done
        note+="; variant genotypes: $d_all of $n_all sample variant sites differ"
    fi
    bench_ratio "$(gl "$n")" "$(cl "$n")" - "$note"
done

# --- not timed: accuracy on gen-calls.sh's samples --------------------------------

cref=$work/gen-calls/ref.fa
cbams=("$work/call-s1.bam" "$work/call-s2.bam" "$work/call-s3.bam")
missing=
for f in "$cref" "$cref.fai" "${cbams[@]}"; do [ -r "$f" ] || missing=$f; done
for b in "${cbams[@]}"; do [ -r "${b%.bam}.truth.vcf" ] || missing=${b%.bam}.truth.vcf; done
if [ -n "$missing" ]; then
    bench_row "genotype agreement g5 joint / g5 call" - ">=0.999" - "not measured: no \"$missing\" (gen-calls.sh makes it: bench.mk callbam)"
    bench_done
    exit 0
fi
ad=$jd/acc c=$jd/acc/cmp
mkdir -p "$c"
# run WHAT CMD...: CMD must succeed; when it does not, its stderr is shown,
# the table is finished with a row saying so, and the script exits 1.
run() {
    local what=$1; shift
    "$@" 2>"$ad/err.$$" && { rm -f "$ad/err.$$"; return 0; }
    cat "$ad/err.$$" >&2
    echo "joint-bench.sh: $what failed: $*" >&2
    bench_row "accuracy of g5 joint" - - MISS "not measured: $what failed: $(head -n 1 "$ad/err.$$")"
    rm -f "$ad/err.$$"
    bench_done
    exit 1
}
echo "accuracy: g5 call --gvcf, g5 joint, g5 call and bcftools merge -g|call on ${cbams[*]}" >&2
gvcfs=() samples=()
for b in "${cbams[@]}"; do
    gv=$ad/$(basename "${b%.bam}").g.vcf.gz
    run "g5 call --gvcf" "$g5" call --gvcf -@ "$T" -f "$cref" --write-index -o "$gv" "$b"
    gvcfs+=("$gv") samples+=("$("$bcftools" query -l "$gv")")
done
# indexed FILE: "k/n": of the n records, k are found by querying each contig
# of the reference through FILE's index.
indexed() {
    local n k
    n=$("$bcftools" view -H "$1" | wc -l)
    k=$(cut -f 1 "$cref.fai" | while read -r ctg; do "$bcftools" view -H -r "$ctg" "$1" 2>/dev/null || true; done | wc -l)
    echo "$k/$n"
}
# index_row WHAT NOTE K/N...: a row saying whether every index found every record.
index_row() {
    local what=$1 note=$2 kn v=ok; shift 2
    for kn in "$@"; do [ "${kn%/*}" = "${kn#*/}" ] || v=MISS; done
    bench_row "records found through the index of $what" "$([ "$v" = ok ] && echo all || echo some)" "=all" "$v" "$note"
}
note= kns=() rebuilt=
for gv in "${gvcfs[@]}"; do
    kn=$(indexed "$gv")
    kns+=("$kn") note+="${note:+, }$(basename "$gv") $kn"
    if [ "${kn%/*}" != "${kn#*/}" ]; then       # what follows needs a working index
        tabix -f -p vcf "$gv"
        rebuilt=" (rebuilt with tabix for what follows)"
    fi
done
index_row "g5 call --gvcf -@ $T --write-index" "$note$rebuilt" "${kns[@]}"
run "g5 joint" "$g5" joint -@ "$T" -m "${mem}M" -f "$cref" --write-index -o "$ad/g5.joint.bcf" "${gvcfs[@]}"
kn=$(indexed "$ad/g5.joint.bcf")
index_row "g5 joint -@ $T --write-index" "g5.joint.bcf $kn" "$kn"
run "g5 call" "$g5" call -@ "$T" -f "$cref" -o "$ad/g5.call.vcf.gz" "${cbams[@]}"
run "bcftools merge -g | view -a | call" bash -o pipefail -c '"$0" merge -g "$1" -Ou "${@:3}" | "$0" view -a -Ou |
                                                            "$0" call -G - -m -v -Oz -o "$2" 2>/dev/null' \
    "$bcftools" "$cref" "$ad/bcftools.vcf.gz" "${gvcfs[@]}"

printf 'tool\tsample\ttype\ttruth\tcalls\ttp\tfp\tfn\tprecision\trecall\tf1\tgt_agree\n' >"$acc"
declare -A F1 NOTE
d_all=0 n_all=0
for ((i = 0; i < ${#cbams[@]}; i++)); do
    s=${samples[$i]}
    bench_truth "$cref" "${cbams[$i]%.bam}.truth.vcf" >"$c/truth.$s"
    bench_calls "$cref" "$ad/g5.joint.bcf" "$s" >"$c/g5-joint.$s"
    bench_calls "$cref" "$ad/g5.call.vcf.gz" "$s" >"$c/g5-call.$s"
    bench_calls "$cref" "$ad/bcftools.vcf.gz" "$s" >"$c/bcftools-merge-call.$s"
    read -r d n <<<"$(bench_mismatch "$c/g5-joint.$s" "$c/g5-call.$s")"
    d_all=$((d_all + d)) n_all=$((n_all + n))
    for tool in g5-joint g5-call bcftools-merge-call; do
        for ty in snv indel; do
            read -r tp fp fn p rc f1 gt <<<"$(bench_score "$c/truth.$s" "$c/$tool.$s" "$ty")"
            F1[$tool.$s.$ty]=$f1 NOTE[$tool.$s.$ty]="P $p R $rc (TP $tp) GT right $gt/$tp"
            printf '%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%d\n' "$tool" "$s" "$ty" \
                $((tp + fn)) $((tp + fp)) "$tp" "$fp" "$fn" "$p" "$rc" "$f1" "$gt" >>"$acc"
        done
    done
done
agree=$(awk -v d="$d_all" -v n="$n_all" 'BEGIN { printf "%.4f", n ? (n - d) / n : 0 }')
bench_ge "$agree" 0.999 && [ "$n_all" -gt 0 ] && v=ok || v=MISS
bench_row "genotype agreement g5 joint / g5 call, ${#cbams[@]} samples" "$agree" ">=0.999" "$v" \
    "$d_all of $n_all sample variant sites differ (a site on one side only counts for each sample carrying it)"
for s in "${samples[@]}"; do
    for ty in snv indel; do
        k=g5-joint.$s.$ty b=g5-call.$s.$ty
        bench_ge "${F1[$k]}" "${F1[$b]}" && v=ok || v=MISS
        [ "$ty" = snv ] && t=SNV || t=indel
        bench_row "$t F1 $s, g5 joint (>= g5 call)" "${F1[$k]}" ">=${F1[$b]}" "$v" \
            "g5 joint ${NOTE[$k]}; g5 call ${NOTE[$b]}"
    done
done
for s in "${samples[@]}"; do
    for ty in snv indel; do
        k=bcftools-merge-call.$s.$ty
        [ "$ty" = snv ] && t=SNV || t=indel
        bench_row "$t F1 $s, bcftools merge -g|view -a|call -G - -m" "${F1[$k]}" - - "${NOTE[$k]}"
    done
done
mv "$acc" "$out/joint-bench.accuracy.tsv"
echo >&2
{ column -t -s $'\t' "$out/joint-bench.accuracy.tsv" 2>/dev/null || cat "$out/joint-bench.accuracy.tsv"; } >&2
echo "(every count: $out/joint-bench.accuracy.tsv)" >&2
bench_done
