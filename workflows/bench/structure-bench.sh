#!/bin/bash
# structure-bench.sh -- g5 kin against plink2 --make-king-table and g5 pca
# against plink2 --pca, as ratios; g5's kinship against plink2's
# double-precision matrix and its PCs against plink2's.
#
# Usage: structure-bench.sh G5 WORKDIR OUTDIR
#
# WORKDIR holds gen-assoc.sh's cohort, assoc.vcf.gz (2000 samples, mosaics
# of the shapeit4 panel: distant relatives everywhere, no close ones; 500,000
# variants by default).  REPEATS rounds (default 3), interleaved, best wall
# and highest RSS kept, both tools reading the VCF itself at the same
# THREADS (2; g5's -@ counts extra threads, plink2's --threads all):
#   g5 kin --min-kinship -1 -@ T       vs  plink2 --make-king-table
#       (both write every pair: the same table)                   (<= 1.0)
#   g5 kin -@ T (pairs >= 0.0442, the default) vs the same plink2 run
#                                                               (reported)
#   g5 pca -k 10 -@ T                   vs  plink2 --pca 10 meanimpute
#       (exact: both form the n x n matrix)                        (<= 1.0)
#   g5 pca -k 10 --approx -@ T          vs  plink2 --pca 10 approx   (reported)
# Not timed: plink2 --make-king square bin (double precision) on the same
# VCF, and the worst |g5 KINSHIP - plink2| over every pair    (<= 1e-6);
# the smallest |r| of g5's top 5 PCs with plink2's, exact (>= 0.999) and
# approx (>= 0.99), and the largest relative eigenvalue difference, exact.
#
# Writes OUTDIR/structure-bench.tsv (the table), OUTDIR/structure-bench.runs.tsv
# and the last round's outputs in OUTDIR/structure/.  Environment: REPEATS, THREADS,
# PLINK2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 3 ] || { echo "usage: structure-bench.sh G5 WORKDIR OUTDIR" >&2; exit 2; }
g5=$1 work=$2 out=$3
repeats=${REPEATS:-3} T=${THREADS:-2} plink2=${PLINK2:-plink2}
vcf=$work/assoc.vcf.gz
[ -r "$vcf" ] || { echo "structure-bench.sh: cannot read \"$vcf\" (gen-assoc.sh makes it: bench.mk assocdata)" >&2; exit 1; }
command -v "$plink2" >/dev/null || { echo "structure-bench.sh: $plink2 not found (Debian package plink2)" >&2; exit 1; }

bench_init "$out" structure-bench
kd=$out/structure
mkdir -p "$kd"
pt=$((T > 0 ? T : 1))
for r in $(seq "$repeats"); do
    echo "round $r" >&2
    bench_time "g5 kin, every pair" "$g5" kin --no-progress --verbosity 0 --min-kinship -1 -@ "$T" -o "$kd/g5.all" "$vcf"
    bench_time "plink2 --make-king-table" "$plink2" --vcf "$vcf" --make-king-table --threads "$pt" --out "$kd/plink2"
    bench_time "g5 kin, pairs >= 0.0442" "$g5" kin --no-progress --verbosity 0 -@ "$T" -o "$kd/g5" "$vcf"
    bench_time "g5 pca" "$g5" pca --no-progress --verbosity 0 -k 10 -@ "$T" -o "$kd/g5.pca" "$vcf"
    bench_time "plink2 --pca meanimpute" "$plink2" --vcf "$vcf" --pca 10 meanimpute --threads "$pt" --out "$kd/plink2.pca"
    bench_time "g5 pca --approx" "$g5" pca --no-progress --verbosity 0 -k 10 --approx -@ "$T" -o "$kd/g5.pcaa" "$vcf"
    bench_time "plink2 --pca approx" "$plink2" --vcf "$vcf" --pca 10 approx --threads "$pt" --out "$kd/plink2.pcaa"
done
npairs=$(($(wc -l <"$kd/g5.all.kin0") - 1))
bench_ratio "g5 kin, every pair" "plink2 --make-king-table" 1.0 "$npairs pairs in both tables"
bench_ratio "g5 kin, pairs >= 0.0442" "plink2 --make-king-table" - \
    "$(($(wc -l <"$kd/g5.kin0") - 1)) pairs written by g5, every pair by plink2"

# accuracy: every pair against plink2's double-precision matrix
"$plink2" --vcf "$vcf" --make-king square bin --threads "$pt" --out "$kd/plink2.bin" >/dev/null
worst=$(perl -e '
    open my $b, "<", $ARGV[0] or die; binmode $b; local $/; my @v = unpack "d*", <$b>; my $n = sqrt @v;
    $/ = "\n"; open my $i, "<", $ARGV[1] or die; <$i>; my %ix; my $k = 0;
    while (<$i>) { chomp; my @f = split /\t/; $ix{$f[-1]} = $k++ }
    open my $t, "<", $ARGV[2] or die; my ($w, $at) = (0, "-");
    while (<$t>) { next if /^#/; my @f = split /\t/; my $d = abs($v[$ix{$f[0]} * $n + $ix{$f[1]}] - $f[5]);
                   ($w, $at) = ($d, "$f[0]:$f[1]") if $d > $w }
    print "$w $at"' "$kd/plink2.bin.king.bin" "$kd/plink2.bin.king.id" "$kd/g5.all.kin0")
w=${worst% *}
if bench_ge 0.000001 "$w"; then v=ok; else v=MISS; fi
bench_row "KINSHIP, g5 / plink2 --make-king bin: worst absolute difference" "$w" "<=1e-6" "$v" \
    "over $npairs pairs, at ${worst#* } (g5 prints 7 significant digits)"
rm -f "$kd/plink2.bin.king.bin"

bench_ratio "g5 pca" "plink2 --pca meanimpute" 1.0 "exact, 10 PCs"
bench_ratio "g5 pca --approx" "plink2 --pca approx" - "randomized, 10 PCs"
# |r| per PC between two .eigenvec files (matched by IID), the smallest of PC1..PC5
min_r() {
    perl -e '
        sub rd { open my $f, "<", $_[0] or die; my %h; while (<$f>) { next if /^#/; chomp; my @x = split /\t/; $h{$x[0]} = [@x[1..5]] } \%h }
        my ($a, $b) = (rd($ARGV[0]), rd($ARGV[1])); my $min = 1;
        for my $c (0..4) { my ($n, $sx, $sy, $sxx, $syy, $sxy) = (0) x 6;
            for my $k (keys %$a) { next unless $b->{$k}; my ($x, $y) = ($a->{$k}[$c], $b->{$k}[$c]);
                $n++; $sx += $x; $sy += $y; $sxx += $x*$x; $syy += $y*$y; $sxy += $x*$y }
            my $r = abs(($n*$sxy - $sx*$sy) / sqrt(($n*$sxx - $sx**2) * ($n*$syy - $sy**2))); $min = $r if $r < $min }
        printf "%.6f", $min' "$1" "$2"
}
r=$(min_r "$kd/g5.pca.eigenvec" "$kd/plink2.pca.eigenvec")
if bench_ge "$r" 0.999; then v=ok; else v=MISS; fi
bench_row "PC1-5, g5 pca / plink2 --pca meanimpute: smallest |r|" "$r" ">=0.999" "$v" "exact"
# plink2 prints 6 significant digits: a relative 1e-6 cannot be seen, half a
# unit of its 6th digit (plus half of g5's 7th) can
ev=$(paste "$kd/g5.pca.eigenval" "$kd/plink2.pca.eigenval" | awk '{
        u = 10 ^ (int(log($2 < 0 ? -$2 : $2) / log(10) + 100) - 100 - 5); d = $1 - $2; if (d < 0) d = -d
        if (d / u > w) w = d / u } END { printf "%.2f", w }')
if bench_ge 0.55 "$ev"; then v=ok; else v=MISS; fi
bench_row "eigenvalues, g5 pca / plink2: worst difference in units of plink2's 6th digit" "$ev" "<=0.55" "$v" \
    "plink2 prints 6 significant digits: the 1e-6 relative target is checked as far as they go"
r=$(min_r "$kd/g5.pcaa.eigenvec" "$kd/plink2.pca.eigenvec")
if bench_ge "$r" 0.99; then v=ok; else v=MISS; fi
bench_row "PC1-5, g5 pca --approx / plink2 exact: smallest |r|" "$r" ">=0.99" "$v" "randomized"
bench_done
