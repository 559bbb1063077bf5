#!/bin/bash
# assoc-bench.sh -- g5 assoc against plink2 --glm, as ratios, the plots of a
# million points against the clock, and g5's effects against plink2's.
#
# Usage: assoc-bench.sh G5 WORKDIR OUTDIR
#
# WORKDIR holds gen-assoc.sh's cohort: assoc.vcf.gz (+ .tbi; 2000 samples,
# 500,000 variants by default), assoc.pheno.tsv (IID, Q1..Q100) and
# assoc.covar.tsv (IID and 5 covariates: sex age PC1 PC2 PC3).  REPEATS
# rounds (default 3), interleaved, best wall time and highest RSS kept:
#   g5 assoc --traits Q1 -@ T                vs  plink2 --glm, Q1     (<= 1.0)
#   g5 assoc, all 100 traits                 vs  g5 assoc, Q1         (<= 3.0)
#   g5 assoc, all 100 traits                 vs  plink2 --glm, all
#                                                100 traits      (reported)
#   bgzip -l 1 of the 100 files' rows        vs  g5 assoc, Q1   (reported:
#       the floor under the 100-trait ratio from compression alone)
#   plink2 --glm, 100 traits                 vs  plink2, Q1     (reported)
#   plot-bench: a Manhattan and a QQ plot of 1,000,000 points, PNG and
#   SVG both (libseq's plot.h, as g5 assoc draws each trait), its seconds
#   over 2                      (<= 1.0: an absolute target, 2 s, the one
#                                row that is not a ratio of two tools)
# Both tools read the bgzipped VCF itself: plink2 runs with --vcf, so its
# import (VCF to a temporary .pgen) is in its time, as reading the VCF is
# in g5's.  The commands, with PHENO, COVAR and VCF from WORKDIR:
#   g5 assoc --pheno PHENO --covar COVAR [--traits Q1] -@ T -o PREFIX VCF
#   plink2 --vcf VCF --pheno PHENO [--pheno-name Q1] --covar COVAR
#          --covar-variance-standardize --glm hide-covar --threads T
#          --out PREFIX
# T is THREADS (2).  g5's -@ counts extra threads (as in samtools), plink2's
# --threads all of them; both get the same number T, so g5 may run one more
# thread than plink2 (its main one, which reads and parses; T = 0 gives
# plink2 --threads 1).  Both test every variant that varies among a trait's
# samples (g5's default --mac 1; plink2 reports the others as NA).  plink2
# writes one plain-text .glm.linear per trait (its default, the cheaper
# output); g5 writes bgzipped GWAS-SSF with a tabix index, a YAML sidecar
# and both plots, PNG and SVG, per trait.  plink2 regresses the 95 traits
# that share a pattern of missing values as one batch, and the 5 with
# their own NAs (Q11, Q31, ..., Q91) one at a time; g5 too groups traits
# with the same samples.  With the default data plink2 takes about 7-9 s
# for Q1 and 42 s for the 100 traits on 2 cores: a round takes 1.5 min with
# g5 at its targets, the default run (3 rounds) about 5 min.
#
# Not timed: the accuracy on Q1.  plink2's ADD rows (#CHROM POS REF ALT A1
# ... BETA SE) and g5's GWAS-SSF rows (chromosome base_pair_location
# effect_allele other_allele beta standard_error ... n, found by header
# name) are matched on chromosome, position and the two alleles (IDs are
# "."; the tiled positions are unique per allele pair), beta's sign turned
# where plink2's A1 (its minor allele) is g5's other_allele.  Over the
# variants both tested, the worst relative difference |g5 - plink2| /
# |plink2| of beta and of SE                                   (<= 2e-5)
# (plink2 prints 6 significant digits: up to 5e-6 of it is rounding).
# The note says how many variants matched, where the worst one is, and
# whether g5's n agrees with plink2's OBS_CT.  Also checked, into the
# notes: plink2's log shows every sample, the 5 covariates and the traits
# loaded; g5 wrote a file per trait; g5's Q1 from the 100-trait run has the
# same rows as from the Q1 run.
#
# Writes OUTDIR/assoc-bench.tsv (the table), OUTDIR/assoc-bench.runs.tsv
# (every run) and the last round's outputs in OUTDIR/assoc/: g5.q1.*,
# g5.all.* (g5's: bgzipped GWAS-SSF, indexes, sidecars and plots), plink2.q1.*,
# plink2.all.* (plink2's; of the 100-trait run only Q1's .glm.linear, 33 MB,
# and the .log are kept: the rest is 3 GB), plot/ (plot-bench's four
# files).  plot-bench (plot-bench.c, built by
# bench.mk against libseq.a) is found at OUTDIR/plot-bench unless PLOT_BENCH
# names it.  Environment: REPEATS, THREADS, PLINK2, PLOT_BENCH, PLOT_POINTS
# (1000000), STRICT (exit 1 when a target is missed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 3 ] || { echo "usage: assoc-bench.sh G5 WORKDIR OUTDIR" >&2; exit 2; }
g5=$1 work=$2 out=$3
repeats=${REPEATS:-3} T=${THREADS:-2} plink2=${PLINK2:-plink2}
plot_bench=${PLOT_BENCH:-$out/plot-bench} points=${PLOT_POINTS:-1000000}
die() { echo "assoc-bench.sh: $*" >&2; exit 1; }

for tool in "$plink2" bcftools; do
    command -v "$tool" >/dev/null || die "$tool not found (Debian packages plink2, bcftools)"
done
"$g5" assoc -h >/dev/null 2>&1 \
    || die "\"$g5 assoc -h\" failed: this g5 has no assoc command yet (or is not built)"
[ -x "$plot_bench" ] || die "no \"$plot_bench\" (bench.mk builds it from plot-bench.c)"
[[ $repeats =~ ^[1-9][0-9]*$ ]] || { echo "assoc-bench.sh: REPEATS must be a positive integer" >&2; exit 2; }
[[ $T =~ ^[0-9]+$ ]] || { echo "assoc-bench.sh: THREADS must be a number" >&2; exit 2; }
vcf=$work/assoc.vcf.gz pheno=$work/assoc.pheno.tsv covar=$work/assoc.covar.tsv
for f in "$vcf" "$vcf.tbi" "$pheno" "$covar"; do
    [ -r "$f" ] || die "cannot read \"$f\" (gen-assoc.sh makes it: bench.mk assocdata)"
done

bench_init "$out" assoc-bench
ad=$out/assoc
mkdir -p "$ad/plot"
ver() { "$@" 2>&1 | head -n 1 || true; }
nsamples=$(bcftools query -l "$vcf" | wc -l)
nvariants=$(bcftools index -n "$vcf")
ntraits=$(head -n 1 "$pheno" | awk -F'\t' '{ print NF - 1 }')
ncovar=$(head -n 1 "$covar" | awk -F'\t' '{ print NF - 1 }')
vcf_mb=$(du -m "$vcf" | cut -f 1)
# Provenance after bench_init's two comment lines, before the column header.
sed -i "2a # g5: $(ver "$g5" --version)  plink2: $(ver "$plink2" --version)  VCF: $vcf ($nsamples samples, $nvariants variants, $vcf_mb MB)  traits: $ntraits  covariates: $ncovar  repeats: $repeats  threads: $T  plot points: $points" "$BENCH_TSV"
echo "assoc-bench: $nsamples samples x $nvariants variants ($vcf_mb MB), $ntraits traits, $ncovar covariates, best of $repeats" >&2

G1="g5 assoc Q1" GA="g5 assoc $ntraits traits"                      # labels
P1="plink2 --glm Q1" PA="plink2 --glm $ntraits traits"
PL="plot-bench $points points"
g5_run() {      # g5_run PREFIX [--traits LIST]
    local prefix=$1; shift
    bench_time "$([ $# -gt 0 ] && echo "$G1" || echo "$GA")" \
        "$g5" assoc --pheno "$pheno" --covar "$covar" "$@" -@ "$T" -o "$prefix" "$vcf"
}
plink2_run() {  # plink2_run PREFIX [--pheno-name LIST]
    local prefix=$1; shift
    bench_time "$([ $# -gt 0 ] && echo "$P1" || echo "$PA")" \
        "$plink2" --vcf "$vcf" --pheno "$pheno" "$@" --covar "$covar" --covar-variance-standardize \
        --glm hide-covar --threads "$((T > 0 ? T : 1))" --out "$prefix"
}

cat "$vcf" "$pheno" "$covar" >/dev/null        # warm the page cache
plot_s=
for ((r = 1; r <= repeats; r++)); do
    echo "round $r" >&2
    rm -f "$ad"/g5.* "$ad"/plink2.*             # what is there is this round's
    g5_run "$ad/g5.q1" --traits Q1
    plink2_run "$ad/plink2.q1" --pheno-name Q1
    g5_run "$ad/g5.all"
    plink2_run "$ad/plink2.all"
    bench_time "$PL" bash -c '"$0" "$1" "$2" >"$3"' "$plot_bench" "$ad/plot/bench" "$points" "$ad/plot/seconds"
    s=$(cat "$ad/plot/seconds")
    if [ -z "$plot_s" ] || ! bench_ge "$s" "$plot_s"; then plot_s=$s; fi
done

# The floor under the 100-trait ratio: compressing the rows g5 wrote, at its
# level (1), on the same threads -- no reading, testing, formatting,
# indexing or plotting.
FL="bgzip -l 1 -@ $T, the $ntraits files' rows alone"
for f in "$ad"/g5.all.*.tsv.gz; do bgzip -dc "$f"; done >"$ad/all-rows.tsv"
bench_time "$FL" bash -c 'bgzip -l 1 -@ "$0" -c "$1" >/dev/null' "$T" "$ad/all-rows.tsv"
rows_mb=$(du -m "$ad/all-rows.tsv" | cut -f 1)
rm -f "$ad/all-rows.tsv"

# --- checks (not timed) ----------------------------------------------------------

# plink2's own account of what it used: LOG WANT_TRAITS -> what it loaded,
# in capitals where that is not what was given.
plink2_check() {
    awk -v ns="$nsamples" -v nc="$ncovar" -v nt="$2" '
        $2 == "samples" && $3 ~ /^\(/ { s = $1 }
        $2 == "covariates" && $3 == "loaded" { c = $1 }
        $2 == "quantitative" && ($3 == "phenotype" || $3 == "phenotypes") { t = $1; if ($5 ~ /^\(/) v = substr($5, 2) }
        END { printf "plink2 loaded %s", s == ns ? "all " ns " samples" : sprintf("%d OF %d SAMPLES", s, ns)
              if (v != "" && v != ns) printf " (%d OF %d PHENOTYPE VALUES)", v, ns
              printf ", %s", c == nc ? nc " covariates" : sprintf("%d OF %d COVARIATES", c, nc)
              printf ", %s", t == nt ? nt " trait" (nt > 1 ? "s" : "") : sprintf("%d OF %d TRAITS", t, nt) }' "$1"
}
# the rows of a GWAS-SSF file (no comment lines), or nothing
ssf_rows() { [ -r "$1" ] && gzip -dc "$1" | grep -v '^#' || true; }

w1=$(plink2_check "$ad/plink2.q1.log" 1) wa=$(plink2_check "$ad/plink2.all.log" "$ntraits")
bench_ratio "$G1" "$P1" 1.0 "$w1"
# traits g5 wrote a file for; Q1 of the 100-trait run against the Q1 run
made=0
for t in $(head -n 1 "$pheno" | cut -f 2-); do [ -s "$ad/g5.all.$t.tsv.gz" ] && made=$((made + 1)); done
if [ ! -s "$ad/g5.q1.Q1.tsv.gz" ] || [ ! -s "$ad/g5.all.Q1.tsv.gz" ]; then
    same="Q1 output missing"
elif cmp -s <(ssf_rows "$ad/g5.q1.Q1.tsv.gz") <(ssf_rows "$ad/g5.all.Q1.tsv.gz"); then
    same="its Q1 rows are those of the Q1 run"
else
    same="ITS Q1 ROWS DIFFER FROM THE Q1 RUN'S"
fi
bench_ratio "$GA" "$G1" 3.0 "g5 wrote $made of $ntraits traits; $same"
bench_ratio "$FL" "$G1" - "the floor under the row above from compression alone: $rows_mb MB of rows"
bench_ratio "$PA" "$P1" - "plink2's own ratio, for the same traits (plain text)"
bench_ratio "$GA" "$PA" - "$wa; plink2 writes plain text, g5 bgzipped GWAS-SSF, index and plots"
rm -f "$ad/plot/seconds"
awk -v s="$plot_s" -v n="$points" -v l="$PL" -v mb="$(_best "$PL" 3)" 'BEGIN {
    r = sprintf("%.2f", s / 2) + 0
    printf "plot-bench: Manhattan + QQ, PNG + SVG, %d points / 2 s\t%.2f\t<=1.0\t%s\t%.3f\t2.000\t%.0f\t-\tabsolute target 2 s: a_best_s is plot-bench\047s own time (drawing and writing), b_best_s the target\n",
        n, r, r <= 1.0 ? "ok" : "MISS", s, mb / 1024
}' >>"$BENCH_TSV"

# accuracy on Q1: worst relative difference of beta and SE
acc=$(awk -F'\t' '
    FNR == 1 { f++ }
    f == 1 && FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    f == 1 { if ($c["TEST"] != "ADD" || $c["BETA"] == "NA" || $c["SE"] == "NA") next
             a = $c["REF"]; b = $c["ALT"]; k = $c["#CHROM"] ":" $c["POS"] ":" (a < b ? a ":" b : b ":" a)
             pb[k] = $c["BETA"]; ps[k] = $c["SE"]; pa[k] = $c["A1"]; pn[k] = $c["OBS_CT"]; np++; next }
    /^#/ { next }
    !h { for (i = 1; i <= NF; i++) g[$i] = i; h = 1
         if (!g["chromosome"] || !g["base_pair_location"] || !g["effect_allele"] || !g["other_allele"] || !g["beta"] || !g["standard_error"]) { bad = 1; exit }
         next }
    { a = $g["effect_allele"]; b = $g["other_allele"]; k = $g["chromosome"] ":" $g["base_pair_location"] ":" (a < b ? a ":" b : b ":" a)
      if (!(k in pb) || $g["beta"] !~ /^-?[0-9]/ || $g["standard_error"] !~ /^[0-9]/) next
      m++; x = pb[k] + 0; if (pa[k] != a) x = -x
      db = x ? ($g["beta"] - x) / x : ($g["beta"] != 0); if (db < 0) db = -db
      ds = ($g["standard_error"] - ps[k]) / ps[k]; if (ds < 0) ds = -ds
      if (db > wb) { wb = db; kb = k " (g5 " $g["beta"] ", plink2 " x ")" }
      if (ds > ws) { ws = ds; ks = k " (g5 " $g["standard_error"] ", plink2 " ps[k] ")" }
      if (g["n"] && $g["n"] != pn[k]) dn++ }
    END { if (bad) { print "-|g5 output lacks the GWAS-SSF columns"; exit }
          printf "%g|%g|%d|%d|%d|%s|%s\n", wb, ws, m + 0, np + 0, dn + 0, kb ? " at " kb : "", ks ? " at " ks : "" }
' "$ad/plink2.q1.Q1.glm.linear" <(ssf_rows "$ad/g5.q1.Q1.tsv.gz"))
IFS='|' read -r wb ws m np dn at_b at_s <<<"$acc"
if [ "$wb" = - ]; then
    bench_row "Q1 beta and SE, g5 / plink2: worst relative difference" - "<=2e-5" MISS "not measured: $ws"
else
    worst=$(awk -v a="$wb" -v b="$ws" 'BEGIN { printf "%.2g", (a > b ? a : b) }')
    [ "$m" -gt 0 ] && awk -v w="$worst" 'BEGIN { exit !(w <= 2e-5) }' && v=ok || v=MISS
    bench_row "Q1 beta and SE, g5 / plink2: worst relative difference" "$worst" "<=2e-5" "$v" \
        "$m of plink2's $np tested variants matched; beta $wb$at_b; SE $ws$at_s; n differs from OBS_CT at $dn"
fi
# plink2's 100-trait text is 3 GB: keep its Q1 and its log
find "$ad" -maxdepth 1 -name 'plink2.all.*.glm.linear' ! -name 'plink2.all.Q1.glm.linear' -delete
bench_done
