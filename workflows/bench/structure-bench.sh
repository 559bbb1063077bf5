#!/bin/bash
# kin-bench.sh -- g5 kin against plink2 --make-king-table, as ratios, and
# g5's kinship against plink2's double-precision matrix.
#
# Usage: kin-bench.sh G5 WORKDIR OUTDIR
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
# Not timed: plink2 --make-king square bin (double precision) on the same
# VCF, and the worst |g5 KINSHIP - plink2| over every pair    (<= 1e-6).
#
# Writes OUTDIR/kin-bench.tsv (the table), OUTDIR/kin-bench.runs.tsv and the
# last round's outputs in OUTDIR/kin/.  Environment: REPEATS, THREADS,
# PLINK2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 3 ] || { echo "usage: kin-bench.sh G5 WORKDIR OUTDIR" >&2; exit 2; }
g5=$1 work=$2 out=$3
repeats=${REPEATS:-3} T=${THREADS:-2} plink2=${PLINK2:-plink2}
vcf=$work/assoc.vcf.gz
[ -r "$vcf" ] || { echo "kin-bench.sh: cannot read \"$vcf\" (gen-assoc.sh makes it: bench.mk assocdata)" >&2; exit 1; }
command -v "$plink2" >/dev/null || { echo "kin-bench.sh: $plink2 not found (Debian package plink2)" >&2; exit 1; }

bench_init "$out" kin-bench
kd=$out/kin
mkdir -p "$kd"
pt=$((T > 0 ? T : 1))
for r in $(seq "$repeats"); do
    echo "round $r" >&2
    bench_time "g5 kin, every pair" "$g5" kin --no-progress --verbosity 0 --min-kinship -1 -@ "$T" -o "$kd/g5.all" "$vcf"
    bench_time "plink2 --make-king-table" "$plink2" --vcf "$vcf" --make-king-table --threads "$pt" --out "$kd/plink2"
    bench_time "g5 kin, pairs >= 0.0442" "$g5" kin --no-progress --verbosity 0 -@ "$T" -o "$kd/g5" "$vcf"
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
    open my $t, "<", $ARGV[2] or die; <$t>; my ($w, $at) = (0, "-");
    while (<$t>) { my @f = split /\t/; my $d = abs($v[$ix{$f[0]} * $n + $ix{$f[1]}] - $f[5]);
                   ($w, $at) = ($d, "$f[0]:$f[1]") if $d > $w }
    print "$w $at"' "$kd/plink2.bin.king.bin" "$kd/plink2.bin.king.id" "$kd/g5.all.kin0")
w=${worst% *}
if bench_ge 0.000001 "$w"; then v=ok; else v=MISS; fi
bench_row "KINSHIP, g5 / plink2 --make-king bin: worst absolute difference" "$w" "<=1e-6" "$v" \
    "over $npairs pairs, at ${worst#* } (g5 prints 7 significant digits)"
rm -f "$kd/plink2.bin.king.bin"
bench_done
