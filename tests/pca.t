#!/bin/bash
# pca.t -- g5 pca against plink2 --pca meanimpute on real genotypes, and
# g5 pca --project against plink2 --score with its allele weights.
#
# Data: the 300 samples of 1000 Genomes in Debian's shapeit4-example, the
# 9,406 variants of chr20:1,000,000-2,200,000 as they are (all biallelic;
# about 1,900 monomorphic among these samples, and many rare), with 1% of the
# calls made missing by perl from a fixed seed (perl's rand is drand48, the
# same on every machine).
#
# Oracle: plink2 --pca 5 meanimpute, the same exact computation (the
# variance-standardised relationship matrix over every variant, monomorphic
# ones counting in M; a missing call the mean):
#   - each of the 5 PCs correlates with plink2's, |r| >= 0.999 (an
#     eigenvector's sign is arbitrary; in fact |r| is 1 to 11 digits, and
#     the values agree to plink2's 6 digits);
#   - each eigenvalue within half a unit of plink2's 6th significant digit
#     plus half of g5's 7th;
#   - the same with --maf 0.05 and --geno 0.02 against plink2 with the filter.
# Projection: components of 250 samples (those polymorphic among them: plink2
# --score variance-standardize refuses a frequency of 0), the other 50 (every
# 50th variant left out of their file, so some loadings are missing there)
# projected with --project and with plink2 --score of its .eigenvec.allele
# (both alleles of every variant, variance-standardised with the training
# frequencies, no mean imputation: a missing call adds 0).  The two differ by
# a constant factor per PC (in fact M sqrt(eigenvalue), M the training
# variants, up to the sign: shown as a diag); |r| >= 0.999.  The 250
# projected onto their own loadings give back their eigenvectors; REF and ALT
# swapped in some records change nothing; a .bed projects as its VCF.
# Then the sign rule, -@, BCF and .bed input, the plot (when g5 writes it),
# a record twice in the VCF (loadings that --project must take), bad input,
# an output that cannot be written (nothing else left), usage errors.
. "$(dirname "$0")/lib.sh"

REFVCF=/usr/share/doc/shapeit4/examples/test/reference.vcf.gz
[ -r "$REFVCF" ] || skip_all "shapeit4-example not installed ($REFVCF)"
for t in plink2 bcftools bgzip perl; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

K=5
V=$T/pca.vcf.gz
cat >"$T/gen.pl" <<'EOF'
use strict; use warnings;
srand(20240701);
while (<STDIN>) {
    if (/^#/) { print; next }
    chomp; my @f = split /\t/;
    for (@f[9 .. $#f]) { $_ = './.' if rand() < 0.01 }
    print join("\t", @f), "\n";
}
EOF
bcftools view -r 20:1000000-2200000 "$REFVCF" 2>/dev/null | perl "$T/gen.pl" | bgzip >"$V" &&
    [ "$(bcftools view -H "$V" | wc -l)" -gt 9000 ] || skip_all "cannot read $REFVCF"
NV=$(bcftools view -H "$V" | wc -l)
bcftools query -l "$V" >"$T/ids"
NS=$(wc -l <"$T/ids")
diag "$NS samples, $NV variants, $(bcftools query -f '[%GT\n]' "$V" | grep -c '^\./\.$') calls missing"

# --- helpers ------------------------------------------------------------------

# vec.pl A B K FMT: tables keyed by their first column (#IID), A's columns
# PC1..PCK against B's named by FMT (sprintf of the PC number: "PC%d",
# "PC%d_SUM").  Prints: rows in both, only in A, only in B, rows not in the
# same order, numbers in A with more than 7 significant digits, then per PC
# |r|, the scale b/a (least squares through 0) and max |b - a| (B's sign
# turned to A's), each of the three joined by commas
cat >"$T/vec.pl" <<'EOF'
use strict; use warnings;
my ($fa, $fb, $k, $fmt) = @ARGV;
sub table { my $f = shift; open my $F, '<', $f or die "$f: $!\n"; my $h; do { chomp($h = <$F>) } while ($h =~ /^# g5 /); my @h = split /\t/, $h;
    my (%row, @ids); while (<$F>) { chomp; my @f = split /\t/; push @ids, $f[0]; $row{$f[0]} = \@f } (\@h, \%row, \@ids) }
sub sig { my $s = shift; $s =~ s/e.*//i; $s =~ s/[-.]//g; $s =~ s/^0+//; length $s }
my ($ha, $ra, $ia) = table($fa); my ($hb, $rb, $ib) = table($fb);
my (%ca, %cb); @ca{@$ha} = 0 .. $#$ha; @cb{@$hb} = 0 .. $#$hb;
my @both = grep { $rb->{$_} } @$ia;
my @oa = grep { !$rb->{$_} } @$ia; my @ob = grep { !$ra->{$_} } @$ib;
my @bo = grep { $ra->{$_} } @$ib; my $order = grep { $both[$_] ne $bo[$_] } 0 .. $#both;
my $dig = 0; for my $r (values %$ra) { $dig += grep { sig($_) > 7 } @$r[1 .. $#$r] }
my (@r, @s, @d);
for my $j (1 .. $k) {
    my ($a, $b) = ($ca{"PC$j"}, $cb{sprintf $fmt, $j});
    if (!defined $a || !defined $b || !@both) { push @r, 0; push @s, 0; push @d, 9e99; next }
    my ($n, $sx, $sy, $sxx, $syy, $sxy) = (0) x 6;
    for (@both) { my ($x, $y) = ($ra->{$_}[$a], $rb->{$_}[$b]); $n++; $sx += $x; $sy += $y; $sxx += $x * $x; $syy += $y * $y; $sxy += $x * $y }
    my $v = ($sxx - $sx * $sx / $n) * ($syy - $sy * $sy / $n);
    my $r = $v > 0 ? ($sxy - $sx * $sy / $n) / sqrt($v) : 0;
    my $sign = $r < 0 ? -1 : 1; my $d = 0;
    for (@both) { my $e = abs($ra->{$_}[$a] - $sign * $rb->{$_}[$b]); $d = $e if $e > $d }
    push @r, sprintf('%.12f', abs $r); push @s, sprintf('%.6g', $sxx ? $sxy / $sxx : 0); push @d, sprintf('%.3g', $d);
}
print join(' ', scalar @both, scalar @oa, scalar @ob, $order, $dig, join(',', @r), join(',', @s), join(',', @d)), "\n";
EOF

# val.pl G5.eigenval PLINK2.eigenval: lines in each, eigenvalues further
# than half a unit of plink2's 6th significant digit plus half of g5's 7th,
# worst |d| in units of plink2's 6th digit, worst relative |d|
cat >"$T/val.pl" <<'EOF'
use strict; use warnings;
sub lines { open my $F, '<', shift or return (); chomp(my @l = <$F>); @l }
sub unit { my ($x, $d) = @_; $x ? 10 ** (int(log(abs $x) / log(10) + 100) - 100 - ($d - 1)) : 0 }
my @g = lines($ARGV[0]); my @p = lines($ARGV[1]);
my ($bad, $wu, $wr) = (0, 0, 0);
for my $i (0 .. ($#g < $#p ? $#g : $#p)) {
    my $d = abs($g[$i] - $p[$i]); $d = 9e99 if $d != $d;
    $bad++ if $d > 0.5 * unit($p[$i], 6) + 0.5 * unit($g[$i], 7) + 1e-15;
    my $u = unit($p[$i], 6); $wu = $d / $u if $u && $d / $u > $wu;
    $wr = $d / abs($p[$i]) if $p[$i] && $d / abs($p[$i]) > $wr;
}
printf "%d %d %d %.3g %.3g\n", scalar @g, scalar @p, $bad, $wu, $wr;
EOF

ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }'; }
# all of a comma-separated list at least B
all_ge() { local x; for x in ${1//,/ }; do ge "$x" "$2" || return 1; done; }
all_le() { local x; for x in ${1//,/ }; do ge "$2" "$x" || return 1; done; }
plink() { plink2 --threads 2 --memory 1000 --silent "$@" >/dev/null 2>&1 || diag "plink2 failed: $*"; }
# vs NAME G5PREFIX PLINK2PREFIX [REL]: .eigenvec and .eigenval against
# plink2's; with REL, the eigenvalues within that relative difference
# instead of to plink2's last digit
vs() {
    local name=$1 g=$2 p=$3 rel=${4:-} r
    r=$(perl "$T/vec.pl" "$g.eigenvec" "$p.eigenvec" $K PC%d) || r="0 -1 -1 -1 -1 0 0 9"
    set -- $r
    [ "$1" = "$NS" ] && [ "$2 $3 $4" = "0 0 0" ]
    ok $? "$name: .eigenvec has plink2's $NS samples in its order ($2 only in g5, $3 only in plink2, $4 out of order)"
    is "$5" 0 "$name: .eigenvec: no number with more than 7 significant digits"
    all_ge "$6" 0.999
    ok $? "$name: PC1..PC$K correlate with plink2's, |r| >= 0.999 (|r| $6; max |d| after sign $8)"
    r=$(perl "$T/val.pl" "$g.eigenval" "$p.eigenval") || r="0 0 -1 9 9"
    set -- $r
    if [ -n "$rel" ]; then
        [ "$1 $2" = "$K $K" ] && ge "$rel" "$5"
        ok $? "$name: the $K eigenvalues within $rel relative of plink2's (|d|/value $5)"
        return
    fi
    [ "$1 $2 $3" = "$K $K 0" ]
    ok $? "$name: the $K eigenvalues within half a unit of plink2's 6th digit (worst $4 units, |d|/value $5; $3 off)"
    is "$(sed -n 's/^components: .*; eigenvalues //p' "$g.log")" "$(paste -sd ' ' "$p.eigenval")" \
       "$name: log: the eigenvalues to 6 digits, as plink2's .eigenval"
}
# the number of variants plink2's --pca used, from its log (all those loaded
# when there is no filter)
pl_nvar() {
    sed -n 's/^\([0-9]*\) variants loaded from .*/\1/p; s/^\([0-9]*\) variants remaining after main filters.*/\1/p' "$1.log" | tail -1
}
# g5's variants used (and monomorphic) from its log
g5_nvar() { sed -n 's/^variants: [0-9]* read, \([0-9]*\) used (and \([0-9]*\) monomorphic.*/\1 \2/p' "$1.log"; }

# --- against plink2 -------------------------------------------------------------

mkdir -p "$T/a" "$T/pl"
G=$T/a/p P=$T/pl/p
runs "-k $K on $NS samples and $NV variants" "$G5" pca -k $K -o "$G" "$V"
plink --vcf "$V" --pca $K meanimpute --out "$P"
vs "all variants" "$G" "$P"
is "$(header "$G.eigenvec")" "$(printf '#IID\tPC1\tPC2\tPC3\tPC4\tPC5')" ".eigenvec header: #IID PC1..PC$K"
set -- $(g5_nvar "$G") 0 0
is "$(($1 + $2))" "$(pl_nvar "$P")" "log: $1 variants used and $2 monomorphic ones counted, as plink2's $(pl_nvar "$P")"
is "$(grep '^samples:' "$G.log")" "samples: $NS in \"$V\"" "log: the samples"
is "$(grep -vc '^#' "$G.loadings")" "$1" ".loadings: one line per variant used ($1)"
is "$(head -1 "$G.loadings" | cut -c 1-12)" "# g5 pca 0.1" ".loadings: g5's provenance first"
is "$(header "$G.loadings")" "$(printf '#CHROM\tPOS\tID\tREF\tALT\tALT_FREQ\tPC1\tPC2\tPC3\tPC4\tPC5')" \
   ".loadings header: #CHROM POS ID REF ALT ALT_FREQ PC1..PC$K"
# an eigenvector's sign: its largest component (the first of equals) positive
sgn=$(awk -F'\t' '!/^#/ { for (j = 2; j <= NF; j++) { a = $j < 0 ? -$j : $j; if (a > m[j]) { m[j] = a; s[j] = $j > 0 } } }
    END { for (j = 2; j <= NF; j++) printf "%s%d", (j > 2 ? "," : ""), s[j] }' "$G.eigenvec")
is "$sgn" "1,1,1,1,1" "each PC's largest component is positive (the sign rule of pca.h)"

mkdir -p "$T/flt"
for f in "maf 0.05" "geno 0.02"; do
    set -- $f
    G=$T/flt/$1 P=$T/pl/$1
    runs "--$1 $2" "$G5" pca -k $K --$1 $2 -o "$G" "$V"
    plink --vcf "$V" --$1 $2 --pca $K meanimpute --out "$P"
    n=$(pl_nvar "$P")
    set -- $f $(g5_nvar "$G") 0 0
    is "$(($3 + $4))" "$n" "--$1 $2: log: $3 used + $4 monomorphic variants, as plink2's $n"
    [ "${n:-$NV}" -lt "$NV" ]; ok $? "--$1 $2: leaves $((NV - ${n:-$NV})) variants out"
    vs "--$1 $2" "$G" "$P"
done

# --dosage DS: expected ALT copies, each call's GT nudged by up to 0.1 (fixed
# by position and sample), against plink2 reading the same field.  plink2
# keeps dosages in steps of 1/16384, which moves its eigenvalues by about
# 1e-5: they are compared to 1e-4, the PCs as before
bcftools view "$V" | perl -ne 'if (/^##FORMAT=<ID=GT/) { print; print qq{##FORMAT=<ID=DS,Number=A,Type=Float,Description="Dosage">\n}; next }
    if (/^#/) { print; next } chomp; my @f = split /\t/; $f[8] = "GT:DS";
    for my $i (9 .. $#f) { my ($a, $b) = split /[\/|]/, $f[$i];
        if (!defined $b || $a eq "." || $b eq ".") { $f[$i] .= ":."; next }
        my $d = $a + $b + 0.1 * ((($f[1] + $i) % 7) - 3) / 3; $d = 0 if $d < 0; $d = 2 if $d > 2;
        $f[$i] .= sprintf ":%.3f", $d }
    print join("\t", @f), "\n"' | bgzip >"$T/ds.vcf.gz"
G=$T/flt/ds P=$T/pl/ds
runs "--dosage DS" "$G5" pca -k $K --dosage DS -o "$G" "$T/ds.vcf.gz"
plink --vcf "$T/ds.vcf.gz" dosage=DS --pca $K meanimpute --out "$P"
vs "--dosage DS" "$G" "$P" 0.0001
exits 2 "--approx with --dosage: a usage error" "$G5" pca -k $K --approx --dosage DS -o "$T/flt/dsa" "$T/ds.vcf.gz"

# --- projection ---------------------------------------------------------------------

# every sixth sample held out
awk 'NR % 6' "$T/ids" >"$T/train.ids"
awk 'NR % 6 == 0' "$T/ids" >"$T/held.ids"
bcftools view -S "$T/train.ids" -c 1:minor -Oz -o "$T/train.vcf.gz" "$V"
bcftools view -S "$T/held.ids" "$V" | awk '/^#/ || ++n % 50' >"$T/held.vcf"
bgzip -c "$T/held.vcf" >"$T/held.vcf.gz"
NT=$(bcftools view -H "$T/train.vcf.gz" | wc -l)
mkdir -p "$T/pj"
TR=$T/pj/train
runs "components of the $(wc -l <"$T/train.ids") training samples ($NT variants polymorphic among them)" \
    "$G5" pca -k $K -o "$TR" "$T/train.vcf.gz"
runs "--project the $(wc -l <"$T/held.ids") held-out samples" "$G5" pca --project "$TR.loadings" -o "$T/pj/held" "$T/held.vcf.gz"
miss=$(awk -F'\t' 'NR == FNR { if (!/^#/) v[$1 ":" $2 ":" $4 ":" $5] = 1; next } !/^#/ && ($1 ":" $2 ":" $4 ":" $5) in v { n++ }
    END { print n + 0 }' "$T/held.vcf" "$TR.loadings")
miss=$(($(grep -vc '^#' "$TR.loadings") - miss))
grep -q "^variants: $(($NV - NV / 50)) read, $((NT - miss)) on the loadings (0 with REF and ALT swapped); $miss of the loadings missing here" "$T/pj/held.log"
ok $? "--project: log: $((NT - miss)) variants on the loadings, $miss missing ($(grep '^variants:' "$T/pj/held.log"))"
plink --vcf "$T/train.vcf.gz" --freq --pca $K allele-wts meanimpute --out "$T/pl/train"
# the ID, A1 and PC columns of .eigenvec.allele, from its header
cols=$(head -1 "$T/pl/train.eigenvec.allele" | tr '\t' '\n' |
    awk '$0 == "ID" { i = NR } $0 == "A1" { a = NR } $0 == "PC1" { p = NR } END { printf "%d %d %d-%d", i, a, p, p + '$K' - 1 }')
set -- $cols
diag "plink2 .eigenvec.allele: ID column $1, A1 $2, PCs $3"
plink --vcf "$T/held.vcf.gz" --read-freq "$T/pl/train.afreq" \
    --score "$T/pl/train.eigenvec.allele" $1 $2 header-read no-mean-imputation variance-standardize cols=+scoresums \
    --score-col-nums $3 --out "$T/pl/held"
r=$(perl "$T/vec.pl" "$T/pj/held.eigenvec" "$T/pl/held.sscore" $K PC%d_SUM) || r="0 -1 -1 -1 -1 0 0 9"
set -- $r
[ "$1" = "$(wc -l <"$T/held.ids")" ] && [ "$2 $3 $4" = "0 0 0" ]
ok $? "--project: the $1 held-out samples, in plink2's order ($2 only in g5, $3 only in plink2, $4 out of order)"
is "$5" 0 "--project: .eigenvec: no number with more than 7 significant digits"
all_ge "$6" 0.999
ok $? "--project: each PC correlates with plink2 --score's sums, |r| >= 0.999 (|r| $6)"
diag "--project: plink2's score sum / g5's projected score, per PC: $7"
# in fact M sqrt(eigenvalue) (M: the training variants), up to the sign
scale=$7
diag "--project: that scale / (M sqrt(eigenvalue)), M = $NT: $(awk -v s="$scale" -v m=$NT 'BEGIN { split(s, a, ",") }
    { printf "%s%.6f", (NR > 1 ? "," : ""), a[NR] / (m * sqrt($1)) }' "$TR.eigenval")"

runs "--project the training samples onto their own loadings" "$G5" pca --project "$TR.loadings" -o "$T/pj/self" "$T/train.vcf.gz"
set -- $(perl "$T/vec.pl" "$T/pj/self.eigenvec" "$TR.eigenvec" $K PC%d)
[ "$1" = "$(wc -l <"$T/train.ids")" ] && [ "$2 $3 $4" = "0 0 0" ] && all_le "$8" 1e-6 && all_ge "$7" 0.999999 && all_le "$7" 1.000001
ok $? "--project: the training samples get back their .eigenvec values, signs too, within 1e-6 (max |d| $8; scale $7)"
is "$(header "$T/pj/self.eigenvec")" "$(header "$TR.eigenvec")" "--project: .eigenvec header as the training run's"

# REF and ALT swapped, and genotype codes 0 and 1, in every 7th record
perl -F'\t' -lane 'if (/^#/ || $. % 7) { print; next }
    @F[3, 4] = @F[4, 3]; for (@F[9 .. $#F]) { my ($gt, @rest) = split /:/; $gt =~ tr/01/10/; $_ = join ":", $gt, @rest }
    print join "\t", @F' "$T/held.vcf" >"$T/swap.vcf"
nsw=$(awk -F'\t' 'NR == FNR { if (!/^#/) v[$1 ":" $2 ":" $5 ":" $4] = 1; next } !/^#/ && ($1 ":" $2 ":" $4 ":" $5) in v { n++ }
    END { print n + 0 }' "$T/swap.vcf" "$TR.loadings")
runs "--project a VCF with REF and ALT swapped in every 7th record" "$G5" pca --project "$TR.loadings" -o "$T/pj/swap" "$T/swap.vcf"
same_body "$T/pj/swap.eigenvec" "$T/pj/held.eigenvec" "swapped alleles: the same projection, byte for byte"
grep -q "on the loadings ($nsw with REF and ALT swapped)" "$T/pj/swap.log"
ok $? "swapped alleles: log: $nsw with REF and ALT swapped ($(grep '^variants:' "$T/pj/swap.log"))"
plink --vcf "$T/held.vcf.gz" --make-bed --out "$T/pl/held"
runs "--project a .bed (plink2 --make-bed of the held-out VCF)" "$G5" pca --project "$TR.loadings" -o "$T/pj/bed" "$T/pl/held.bed"
same_body "$T/pj/bed.eigenvec" "$T/pj/held.eigenvec" "--project .bed: the same .eigenvec as the VCF"
runs "--project, -@ 2" "$G5" pca --project "$TR.loadings" -@ 2 -o "$T/pj/held2" "$T/held.vcf.gz"
same_body "$T/pj/held2.eigenvec" "$T/pj/held.eigenvec" "--project -@ 2: the same .eigenvec"

# a record twice in the training VCF: g5 pca must not write loadings that
# --project then refuses (either it refuses the VCF, or --project takes them)
bcftools view "$T/train.vcf.gz" | awk '{ print } !/^#/ && ++n == 100 { print }' >"$T/dup.vcf"
if "$G5" pca -k $K -o "$T/pj/dup" "$T/dup.vcf" 2>"$T/stderr"; then
    "$G5" pca --project "$T/pj/dup.loadings" -o "$T/pj/dupp" "$T/held.vcf.gz" 2>"$T/stderr"
    ok $? "a record twice in the VCF: --project takes the loadings g5 pca wrote from it ($(head -1 "$T/stderr"))"
else
    ok 0 "a record twice in the VCF: refused by g5 pca ($(head -1 "$T/stderr"))"
fi

# --- threads and input formats -----------------------------------------------------

A=$T/a/p
bcftools view -Ob -o "$T/pca.bcf" "$V"
plink --vcf "$V" --make-bed --out "$T/pl/bed"
mkdir -p "$T/fmt"
runs "-@ 0" "$G5" pca -k $K -@ 0 -o "$T/fmt/t0" "$V"
runs "-@ 2" "$G5" pca -k $K -@ 2 -o "$T/fmt/t2" "$V"
runs "BCF input" "$G5" pca -k $K -o "$T/fmt/bcf" "$T/pca.bcf"
runs ".bed input (plink2 --make-bed of the VCF)" "$G5" pca -k $K -o "$T/fmt/bed" "$T/pl/bed.bed"
for x in t0 t2 bcf bed; do
    for e in eigenvec eigenval loadings; do
        same_body "$T/fmt/$x.$e" "$A.$e" "$x: .$e byte for byte as the first run's (but for the command line)"
    done
done

# --- the plot ---------------------------------------------------------------------

# skip() DESC REASON: an "ok ... # SKIP" line
skip() { _tap_result 0 "$1 # SKIP $2"; }
if [ -e "$A.pca.png" ] || [ -e "$A.pca.svg" ]; then
    is "$(head -c 8 "$A.pca.png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "PREFIX.pca.png: a PNG signature"
    grep -q '<svg' "$A.pca.svg"; ok $? "PREFIX.pca.svg: an <svg> element"
    [ -s "$T/pj/held.pca.png" ] && [ -s "$T/pj/held.pca.svg" ]
    ok $? "--project: PREFIX.pca.png and .svg too"
    if "$G5" pca -h | grep -q -- --labels; then
        awk 'BEGIN { print "IID\tLABEL" } { print $1 "\t" (NR % 3 ? "groupA" : "groupB") }' "$T/ids" >"$T/labels.tsv"
        mkdir -p "$T/plot"
        runs "--labels: two labels" "$G5" pca -k $K --labels "$T/labels.tsv" -o "$T/plot/a" "$V"
        runs "--labels: again" "$G5" pca -k $K --labels "$T/labels.tsv" -o "$T/plot/b" "$V"
        same_file "$T/plot/a.pca.png" "$T/plot/b.pca.png" "--labels: the same PNG bytes in both runs"
        same_file "$T/plot/a.pca.svg" "$T/plot/b.pca.svg" "--labels: the same SVG in both runs"
        cmp -s "$T/plot/a.pca.png" "$A.pca.png"; ok $((!$?)) "--labels: the plot differs from the unlabelled one"
        same_body "$T/plot/a.eigenvec" "$A.eigenvec" "--labels: .eigenvec unchanged"
    else
        skip "--labels" "g5 pca has no --labels yet"
    fi
else
    skip "PREFIX.pca.png and .pca.svg" "g5 pca does not write them yet"
fi

# --- bad input ------------------------------------------------------------------

bad() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" pca -o "$T/bad/x" "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: names the file ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: nothing under PREFIX.* left"
}
bcftools view -s "$(head -4 "$T/ids" | paste -sd,)" -Oz -o "$T/four.vcf.gz" "$V"
bad "4 samples, -k 10" "\"$T/four.vcf.gz\"" -k 10 "$T/four.vcf.gz"
bcftools annotate -x FORMAT/GT -Oz -o "$T/nogt.vcf.gz" "$V"
bad "a VCF whose FORMAT has no GT" "\"$T/nogt.vcf.gz\"" -k $K "$T/nogt.vcf.gz"
bcftools view "$V" | awk -F'\t' -v OFS='\t' '/^#/ { print; next } ++n % 50 == 0 { for (i = 10; i <= NF; i++) $i = "0/0"; print }' >"$T/mono.vcf"
bad "a VCF whose sites are all 0/0" "\"$T/mono.vcf\"" -k $K "$T/mono.vcf"
bcftools view -G -Oz -o "$T/sites.vcf.gz" "$V"
bad "a VCF of sites only" "\"$T/sites.vcf.gz\"" -k $K "$T/sites.vcf.gz"
bcftools view -Q 0.4:minor -Oz -o "$T/low.vcf.gz" "$V"
bad "--maf 0.45 on variants all under 0.4" "\"$T/low.vcf.gz\"" -k $K --maf 0.45 "$T/low.vcf.gz"
if "$G5" pca -h | grep -q -- --labels; then
    { printf 'IID\tLABEL\nNOSUCH\tgroupA\n'; awk '{ print $1 "\tgroupB" }' "$T/ids"; } >"$T/unknown.tsv"
    bad "--labels naming a sample not in the VCF" "\"$T/unknown.tsv\"" -k $K --labels "$T/unknown.tsv" "$V"
    stderr_has '"NOSUCH"' "--labels: names the sample"
else
    skip "--labels naming a sample not in the VCF" "g5 pca has no --labels yet"
fi
sed 's/^20\t/21\t/' "$TR.loadings" >"$T/other.loadings"
bad "--project: loadings sharing no variant" "\"$T/other.loadings\"" --project "$T/other.loadings" "$T/held.vcf.gz"
bad "--project: not a loadings file (an .eigenvec)" "\"$TR.eigenvec\"" --project "$TR.eigenvec" "$T/held.vcf.gz"
head -c 3000 "$TR.loadings" >"$T/cut.loadings"
bad "--project: a loadings file cut in a line" "\"$T/cut.loadings\"" --project "$T/cut.loadings" "$T/held.vcf.gz"
size=$(stat -c %s "$V")
head -c $((size / 2)) "$V" >"$T/cut.vcf.gz"
bad "a bgzipped VCF cut in the middle" "\"$T/cut.vcf.gz\"" -k $K "$T/cut.vcf.gz"
bad "a bgzipped VCF cut in the middle, -@ 2" "\"$T/cut.vcf.gz\"" -k $K -@ 2 "$T/cut.vcf.gz"
bad "--project: a bgzipped VCF cut in the middle" "\"$T/cut.vcf.gz\"" --project "$TR.loadings" "$T/cut.vcf.gz"
perl -e 'local $/; my $d = <STDIN>; my ($o, @b) = (0);
    while ($o < length $d) { push @b, $o; $o += unpack("v", substr($d, $o + 16, 2)) + 1 } print $b[@b / 2]' <"$V" >"$T/boundary"
head -c "$(cat "$T/boundary")" "$V" >"$T/cutb.vcf.gz"
bad "a bgzipped VCF cut between blocks" "\"$T/cutb.vcf.gz\"" -k $K "$T/cutb.vcf.gz"
rm -rf "$T/bad" && mkdir -p "$T/bad"
"$G5" pca -m 1M -o "$T/bad/x" "$V" >/dev/null 2>"$T/stderr"
[ $? = 1 ] && [ -z "$(ls -A "$T/bad")" ]; ok $? "-m 1M (under the 300 x 300 matrix): exits 1, nothing left ($(head -1 "$T/stderr"))"

# an output that cannot be written (a directory in the way of PREFIX.eigenval):
# the run fails, and leaves no other output that looks finished (a make rule
# on PREFIX.eigenvec would take it as done)
rm -rf "$T/bad" && mkdir -p "$T/bad/x.eigenval"
exits 1 "PREFIX.eigenval cannot be written: exits 1" "$G5" pca -k $K -o "$T/bad/x" "$V"
stderr_has "\"$T/bad/x.eigenval\"" "PREFIX.eigenval cannot be written: names it"
is "$(ls -A "$T/bad" | grep -vx x.eigenval | paste -sd ' ')" "" "PREFIX.eigenval cannot be written: no other PREFIX.* left"

usage() { # description args...
    local desc=$1; shift
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 2 "$desc: a usage error" "$G5" pca "$@"
    is "$(ls -A "$T/bad")" "" "$desc: nothing written"
}
usage "no -o" "$V"
stderr_has "-o PREFIX" "no -o: says so"
usage "-k 0" -k 0 -o "$T/bad/x" "$V"
stderr_has "-k" "-k 0: names the option"
usage "-k abc" -k abc -o "$T/bad/x" "$V"
usage "--maf 0.7" --maf 0.7 -o "$T/bad/x" "$V"
exits 0 "-h exits 0" "$G5" pca -h
grep -q '^Usage: g5 pca' "$T/stdout"; ok $? "-h prints usage on stdout"

done_testing