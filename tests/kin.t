#!/bin/bash
# kin.t -- g5 kin against plink2 --make-king-table on real genotypes.
#
# Data: the 300 samples of 1000 Genomes in Debian's shapeit4-example, the
# 5,988 variants of chr20:1,500,000-4,000,000 with a minor allele frequency of
# at least 5% (all biallelic), and four samples made by perl from a fixed seed
# (perl's rand is drand48, the same on every machine), appended after them:
#   DUP1   a copy of HG00236                              dup/MZ with it
#   KID1   child of HG00097 and HG00123                   1st with both
#   GKID1  child of KID1 and HG00357                      1st; 2nd with KID1's parents
#   HALF1  child of HG00097 and HG00381                   1st; 2nd with KID1 (half-sib)
# A child takes one allele of each parent at random at every site, so the
# relationships hold along the whole slice.  The five founders are unrelated
# in this slice (plink2's kinship of every two within +-0.05).  Calls are then
# made missing at random: 3% in every tenth variant, 0.2% elsewhere.  On 2.5 Mb
# the 300 real samples share long haplotypes, so their background kinship is
# noisy (hundreds of pairs above 0.177): the family's pairs are checked by
# name, the rest against plink2.
#
# Oracle: plink2 --make-king-table (every pair; .kin0 without FIDs).  Pairs are
# matched whichever way round; plink2 prints 6 significant digits, g5 7:
#   - NSNP exactly;
#   - HETHET and IBS0: the counts recovered from plink2 (fraction x NSNP,
#     within 0.05 of an integer), and g5's fraction within half a unit of its
#     own 7th digit of count / NSNP;
#   - KINSHIP within half a unit of plink2's last digit plus half of g5's
#     (5e-7 absolute below 1, 5e-6 for |kinship| >= 1, which plink2 prints to
#     5 decimals);
#   - a kinship that is exactly 0 (its numerator 2 HetHet - 4 IBS0 + 2 min -
#     Het1 - Het2 is 0) printed 0, as plink2 does.
# The same with --maf and --geno against plink2 with the same filter.  The
# exclusion list against a greedy pass written here (greedy.pl) over plink2's
# table, and by hand on the family alone.  Then --within, -@, -m, .bed and
# BCF input, multiallelic and haploid records, and bad input.
. "$(dirname "$0")/lib.sh"

REFVCF=/usr/share/doc/shapeit4/examples/test/reference.vcf.gz
[ -r "$REFVCF" ] || skip_all "shapeit4-example not installed ($REFVCF)"
for t in plink2 bcftools bgzip perl; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

V=$T/kin.vcf.gz
cat >"$T/gen.pl" <<'EOF'
use strict; use warnings;
srand(20240612);
my ($p1, $p2, $p3, $p4, $d) = qw(HG00097 HG00123 HG00357 HG00381 HG00236);
my (%col, $k);
sub allele { my $g = shift; substr($g, int(rand(2)) * 2, 1) }
while (<STDIN>) {
    if (/^##/) { print; next }
    chomp; my @f = split /\t/;
    if (/^#CHROM/) { @col{@f} = 0 .. $#f; print join("\t", @f, qw(DUP1 KID1 GKID1 HALF1)), "\n"; next }
    my ($a, $b, $c, $e) = map { (my $g = $f[$col{$_}]) =~ tr/|/\//; $g } $p1, $p2, $p3, $p4;
    my $kid = allele($a) . '/' . allele($b);
    push @f, $f[$col{$d}], $kid, allele($kid) . '/' . allele($c), allele($a) . '/' . allele($e);
    my $miss = $k++ % 10 == 3 ? 0.03 : 0.002;
    for (@f[9 .. $#f]) { $_ = './.' if rand() < $miss }
    print join("\t", @f), "\n";
}
EOF
bcftools view -q 0.05:minor -r 20:1500000-4000000 "$REFVCF" 2>/dev/null | perl "$T/gen.pl" | bgzip >"$V" &&
    [ "$(bcftools view -H "$V" | wc -l)" -gt 5000 ] || skip_all "cannot read $REFVCF"
NV=$(bcftools view -H "$V" | wc -l)
bcftools query -l "$V" >"$T/ids"
NS=$(wc -l <"$T/ids")
NP=$((NS * (NS - 1) / 2))
diag "$NS samples, $NV variants, $(bcftools query -f '[%GT\n]' "$V" | grep -c '^\./\.$') calls missing"

# --- helpers ------------------------------------------------------------------

# cmp.pl G5.kin0 PLINK2.kin0, pairs matched whichever way round.  Prints:
#  1 pairs in both   2 only in g5   3 only in plink2   4 rows not in plink2's order
#  5 NSNP differing  6 HETHET, 7 IBS0 off the count recovered from plink2
#  8 recovered counts not near an integer   9 worst |d| HETHET  10 IBS0
#  11 KINSHIP   12 worst KINSHIP |d| in units of plink2's last digit (its "0"s
#  apart)  13 KINSHIP off by more than half a unit of plink2 plus half of g5
#  14 plink2's KINSHIP "0"s  15 of which g5 does not print 0  16 a number with
#  more than 7 significant digits   17 g5's zero rows, for diag   18 worst
#  KINSHIP |d| where plink2's |KINSHIP| < 1
cat >"$T/cmp.pl" <<'EOF'
use strict; use warnings;
my ($g5, $pl) = @ARGV;
sub unit { my $s = shift; $s =~ s/^-//; return 0 if $s !~ /[1-9]/;
    my ($m, $e) = $s =~ /^([0-9.]+)(?:e([-+]?\d+))?$/i or return 9e99;
    my (undef, $frac) = split /\./, $m; 10 ** (($e // 0) - length($frac // '')) }
sub sig { my $s = shift; $s =~ s/e.*//i; $s =~ s/[-.]//g; $s =~ s/^0+//; length $s }
# half a unit of the 7th significant digit of x
sub half7 { my $x = abs shift; $x ? 0.5 * 10 ** (int(log($x) / log(10) + 100) - 100 - 6) * (1 + 1e-9) : 0 }
open my $P, '<', $pl or die "$pl: $!\n"; scalar <$P>;
my (%p, @order);
while (<$P>) { chomp; my @f = split /\t/; $p{join ' ', sort @f[0, 1]} = \@f; push @order, "$f[0] $f[1]" }
open my $G, '<', $g5 or die "$g5: $!\n"; my $h = <$G>; $h = <$G> if $h =~ /^# g5 /;
my ($both, $only, $ord, $nsnp, $hb, $ib, $noint, $ku, $kbad, $z, $zbad, $dig, $i) = (0) x 13;
my @w = (0, 0, 0); my @zrows; my $w1 = 0;
while (<$G>) {
    chomp; my @f = split /\t/;
    $ord++ if $i >= @order || $order[$i] ne "$f[0] $f[1]"; $i++;
    $dig += grep { sig($_) > 7 } @f[3 .. 5];
    my $q = delete $p{join ' ', sort @f[0, 1]} or do { $only++; next };
    $both++;
    $nsnp++ if $f[2] ne $q->[2];
    for my $c (0, 1) {   # HETHET, IBS0: count / NSNP
        my $x = $q->[3 + $c] * $q->[2]; my $n = int($x + 0.5);
        $noint++ if abs($x - $n) > 0.05;
        my $bad = abs($f[3 + $c] - $n / $q->[2]) > half7($n / $q->[2]);
        $c ? ($ib += $bad) : ($hb += $bad);
    }
    for my $c (0 .. 2) { my $d = abs($f[3 + $c] - $q->[3 + $c]); $d = 9e99 if $d != $d; $w[$c] = $d if $d > $w[$c] }
    my $d = abs($f[5] - $q->[5]); $d = 9e99 if $d != $d;
    $w1 = $d if abs($q->[5]) < 1 && $d > $w1;
    my $u = unit($q->[5]);
    if ($u) { $ku = $d / $u if $d / $u > $ku; $kbad++ if $d > 0.5 * $u + 0.5 * unit($f[5]) + 1e-15 }
    else { $z++; if ($f[5] ne '0') { $zbad++; push @zrows, "$f[0]/$f[1]=$f[5]" } }
}
$ord += @order - $i if $i < @order;
printf "%d %d %d %d %d %d %d %d %.3g %.3g %.3g %.3g %d %d %d %d %s %.3g\n", $both, $only, scalar(keys %p), $ord, $nsnp,
    $hb, $ib, $noint, @w, $ku, $kbad, $z, $zbad, $dig, join(',', @zrows) || '-', $w1;
EOF

# greedy.pl SAMPLES KIN0 CUTOFF: the samples to drop so that no pair above
# CUTOFF is left: the one in the most such pairs first (counts updated after
# each drop), ties to the earlier sample; printed in sample order
cat >"$T/greedy.pl" <<'EOF'
use strict; use warnings;
my ($ids, $kin, $cut) = @ARGV;
open my $S, '<', $ids or die; chomp(my @s = <$S>); my %rank; @rank{@s} = 0 .. $#s;
open my $K, '<', $kin or die; scalar <$K>;
my %adj;
while (<$K>) { my @f = split /\t/; next unless $f[5] > $cut; $adj{$f[0]}{$f[1]} = $adj{$f[1]}{$f[0]} = 1 }
my @out;
while (1) {
    my ($best, $n) = (undef, 0);
    for my $x (sort { $rank{$a} <=> $rank{$b} } keys %adj) { my $c = keys %{$adj{$x}}; ($best, $n) = ($x, $c) if $c > $n }
    last unless $n;
    push @out, $best;
    delete $adj{$_}{$best} for keys %{$adj{$best}};
    delete $adj{$best};
}
print "$_\n" for sort { $rank{$a} <=> $rank{$b} } @out;
EOF

le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }
king() { plink2 --threads 2 --memory 1000 --make-king-table --out "$@" >/dev/null 2>&1 || diag "plink2 failed: see $1.log"; }
# vs NAME G5.kin0 PLINK2.kin0: the pairs, NSNP, HETHET, IBS0, KINSHIP
vs() {
    local name=$1 r
    r=$(perl "$T/cmp.pl" "$2" "$3") || r="0 -1 -1 -1 -1 -1 -1 -1 1 1 1 9 -1 0 -1 -1 - 1"
    set -- $r
    [ "$1" -gt 0 ] && [ "$2" = 0 ] && [ "$3" = 0 ]
    ok $? "$name: the same $1 pairs as plink2 ($2 only in g5, $3 only in plink2)"
    is "$4" 0 "$name: rows in plink2's order, IID1 the later sample"
    is "$5" 0 "$name: NSNP exactly as plink2's ($5 differ)"
    [ "$6 $7 $8" = "0 0 0" ]
    ok $? "$name: HETHET and IBS0 = plink2's counts / NSNP to 7 digits ($6, $7 off; worst |d| from plink2's 6 digits ${9}, ${10})"
    [ "${13}" = 0 ] && le "${12}" 0.55
    ok $? "$name: KINSHIP within half a unit of plink2's last digit (worst ${12} units; ${13} off; |d| <= ${11}, ${18} where |KINSHIP| < 1)"
    is "${16}" 0 "$name: no number with more than 7 significant digits"
    ZERO="${14} ${15} ${17}"
}
# the rows of PAIRS (IID1:IID2 ...) of a .kin0, whichever way round, as IID1:IID2=KINSHIP:DEGREE
pairs() {
    local f=$1; shift
    awk -F'\t' -v want="$*" 'BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { split(w[i], p, ":"); k[p[1] ":" p[2]] = k[p[2] ":" p[1]] = w[i] } }
        ($1 ":" $2) in k { v[k[$1 ":" $2]] = $6 ":" $7 }
        END { for (i = 1; i <= n; i++) printf "%s%s=%s", (i > 1 ? " " : ""), w[i], v[w[i]] }' "$f"
}

# the IBS0 of PAIRS of a .kin0, each value once
ibs0() {
    local f=$1; shift
    awk -F'\t' -v want="$*" 'BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { split(w[i], p, ":"); k[p[1] ":" p[2]] = k[p[2] ":" p[1]] = 1 } }
        ($1 ":" $2) in k { print $5 }' "$f" | sort -u | paste -sd ' '
}

# --- against plink2 -------------------------------------------------------------

mkdir -p "$T/a" "$T/pl"
A=$T/a/k
runs "all $NP pairs (--min-kinship -1) of $NS samples on $NV variants, -@ 2" \
    "$G5" kin -@ 2 --min-kinship -1 -o "$A" "$V"
king "$T/pl/k" --vcf "$V"
vs "all pairs" "$A.kin0" "$T/pl/k.kin0"
set -- $ZERO
[ "$1" -gt 0 ] && [ "$2" = 0 ]
ok $? "a kinship of exactly 0 is printed 0, as plink2 prints it ($1 such pairs; $2 not: $3)"
is "$(head -1 "$A.kin0" | cut -c 1-11)" "# g5 kin 0." ".kin0: g5's provenance first"
is "$(header "$A.kin0")" "$(printf '#IID1\tIID2\tNSNP\tHETHET\tIBS0\tKINSHIP\tDEGREE')" "header: plink2's .kin0 columns, then DEGREE"
is "$(grep -vc '^#' "$A.kin0")" $NP "every one of the $NP pairs written"
is "$(sed -n 's/^variants: \([0-9]*\) read, \([0-9]*\) counted.*/\1 \2/p' "$A.log")" "$NV $NV" "log: $NV variants read, all counted"
is "$(grep '^samples:' "$A.log")" "samples: $NS in \"$V\"" "log: the samples"

# --- degrees ------------------------------------------------------------------

awk -F'\t' '!/^#/ { k = $6 + 0; d = k > 0.354 ? "dup/MZ" : k > 0.177 ? "1st" : k > 0.0884 ? "2nd" : k > 0.0442 ? "3rd" : "unrelated"
    if ($7 != d) { bad++; if (bad <= 3) printf "%s/%s %s %s ", $1, $2, $6, $7 } } END { print bad + 0 }' "$A.kin0" >"$T/deg"
is "$(awk '{ print $NF }' "$T/deg")" 0 "DEGREE of every pair by KING's thresholds (>0.354, >0.177, >0.0884, >0.0442) on its KINSHIP"
for d in dup/MZ 1st 2nd 3rd unrelated; do
    n=$(awk -F'\t' -v d=$d '!/^#/ && $7 == d' "$A.kin0" | wc -l)
    is "$(awk -F'\t' -v d=$d '$1 == "degree" && $2 == d { print $3 }' "$A.log")" "$n" "log: $n pairs $d, as in the table"
done
got=$(pairs "$A.kin0" DUP1:HG00236)
is "$got" "DUP1:HG00236=0.5:dup/MZ" "the duplicate: kinship 0.5, dup/MZ"
first="KID1:HG00097 KID1:HG00123 GKID1:KID1 GKID1:HG00357 HALF1:HG00097 HALF1:HG00381"
got=$(pairs "$A.kin0" $first)
diag "parent and child: $got"
is "$(echo "$got" | tr ' ' '\n' | sed 's/.*://' | sort -u)" 1st "the 6 parent-child pairs: 1st degree"
is "$(ibs0 "$A.kin0" DUP1:HG00236 $first) / $(ibs0 "$T/pl/k.kin0" DUP1:HG00236 $first)" "0 / 0" \
   "IBS0 of the duplicate and parent-child pairs: 0 (g5 / plink2)"
got=$(pairs "$A.kin0" GKID1:HG00097 GKID1:HG00123 HALF1:KID1)
diag "grandchild, half-sibs: $got"
is "$(echo "$got" | tr ' ' '\n' | sed 's/.*://' | sort -u)" 2nd "grandchild-grandparent and half-sib pairs: 2nd degree"
got=$(pairs "$A.kin0" HALF1:GKID1)
diag "half-sib's child and half-sib (expected 1/16): $got"
is "${got##*:}" 3rd "HALF1 and GKID1 (expected 1/16): 3rd degree"

# --- --min-kinship --------------------------------------------------------------

mkdir -p "$T/d"
runs "--min-kinship at its default" "$G5" kin -o "$T/d/k" "$V"
awk -F'\t' '/^# g5 / { next } /^#/ || $6 >= 0.0442' "$A.kin0" >"$T/d.want"
same_body "$T/d/k.kin0" "$T/d.want" "default: the $(($(wc -l <"$T/d.want") - 1)) pairs with KINSHIP >= 0.0442 of the all-pairs table"
same_body "$T/d/k.exclude.id" "$A.exclude.id" "default: the same exclusion list (from every pair, not only those written)"
is "$(grep '^pairs:' "$T/d/k.log")" "pairs: $NP, $(($(wc -l <"$T/d.want") - 1)) written (kinship >= 0.0442)" "log: pairs computed and written"
runs "--min-kinship 0.2" "$G5" kin --min-kinship 0.2 -o "$T/d/h" "$V"
awk -F'\t' '/^# g5 / { next } /^#/ || $6 >= 0.2' "$A.kin0" >"$T/h.want"
same_body "$T/d/h.kin0" "$T/h.want" "--min-kinship 0.2: the $(($(wc -l <"$T/h.want") - 1)) pairs at 0.2 or more"
king "$T/pl/h" --vcf "$V" --king-table-filter 0.2
is "$(grep -vc '^#' "$T/d/h.kin0")" "$(tail -n +2 "$T/pl/h.kin0" | wc -l)" "--min-kinship 0.2: as many pairs as plink2 --king-table-filter 0.2"

# --- the exclusion list -----------------------------------------------------------

is "$(header "$A.exclude.id")" "#IID" "exclude.id: header #IID, after g5's provenance"
grep -v '^#' "$A.exclude.id" | sort >"$T/ex.got"
left=$(awk -F'\t' 'NR == FNR { x[$1] = 1; next } !/^#/ && !($1 in x) && !($2 in x) && $6 > 0.0884' "$T/ex.got" "$A.kin0" | wc -l)
is "$left" 0 "no pair above 0.0884 left among the $((NS - $(wc -l <"$T/ex.got"))) samples kept"
perl "$T/greedy.pl" "$T/ids" "$T/pl/k.kin0" 0.0884 | sort >"$T/ex.want"
same_file "$T/ex.got" "$T/ex.want" "the $(wc -l <"$T/ex.want") samples a greedy pass over plink2's table drops (most pairs first, ties by sample order)"
grep -q "^exclude: $(wc -l <"$T/ex.got") samples" "$A.log"; ok $? "log: the number excluded"
plink2 --silent --vcf "$V" --king-cutoff 0.0884 --out "$T/pl/cut" >/dev/null 2>&1
diag "plink2 --king-cutoff 0.0884 (its own heuristic) drops $(tail -n +2 "$T/pl/cut.king.cutoff.out.id" 2>/dev/null | wc -l) samples, g5 $(wc -l <"$T/ex.got")"

# the family alone: pairs above 0.0884 are DUP1-HG00236, the six parent-child
# pairs and the three 2nd-degree ones.  KID1 and GKID1 are in 4 pairs each:
# KID1 goes (earlier), then GKID1 (3 left), HALF1 (2), and of DUP1 and
# HG00236, HG00236 (earlier).  Four is the fewest: the triangle HG00097-KID1-
# GKID1 takes two, HG00381-HALF1 and HG00236-DUP1 one each.
FAM=HG00097,HG00123,HG00236,HG00357,HG00381,DUP1,KID1,GKID1,HALF1
bcftools view -s $FAM -Oz -o "$T/fam.vcf.gz" "$V"
mkdir -p "$T/f"
runs "the family and its founders alone (9 samples)" "$G5" kin --min-kinship -1 -o "$T/f/k" "$T/fam.vcf.gz"
is "$(grep -v '^#' "$T/f/k.exclude.id" | sort | paste -sd ' ')" "GKID1 HALF1 HG00236 KID1" \
   "family: the 4 samples (the fewest, by hand) GKID1 HALF1 HG00236 KID1 excluded"
# --cutoff 0.2: KID1 (3 pairs) goes, then HALF1 (2); DUP1-HG00236 and
# GKID1-HG00357 are left, and the earlier of each goes
runs "--cutoff 0.2" "$G5" kin --cutoff 0.2 -o "$T/f/c" "$T/fam.vcf.gz"
is "$(grep -v '^#' "$T/f/c.exclude.id" | sort | paste -sd ' ')" "HALF1 HG00236 HG00357 KID1" \
   "--cutoff 0.2: HALF1 HG00236 HG00357 KID1 (ties to the earlier sample)"
# pair-wise: the family's rows (sites monomorphic among them included) are those of the whole set
awk -F'\t' -v s=$FAM 'BEGIN { n = split(s, a, ","); for (i = 1; i <= n; i++) f[a[i]] = 1 } /^# g5 / { next } /^#/ || ($1 in f && $2 in f)' "$A.kin0" >"$T/fam.want"
same_body "$T/f/k.kin0" "$T/fam.want" "family: each pair's row as in the whole set's table"
king "$T/pl/fam" --vcf "$T/fam.vcf.gz"
vs "family" "$T/f/k.kin0" "$T/pl/fam.kin0"

# --- --within ---------------------------------------------------------------------

# odd and even samples, NA06986 on its own; rows shuffled
perl -e 'srand(7); my @r; my $i = 0; while (<STDIN>) { chomp; push @r, "$_\t" . ($_ eq "NA06986" ? "solo" : $i++ % 2 ? "odd" : "even") . "\n" }
    for (my $i = $#r; $i > 0; $i--) { my $j = int(rand($i + 1)); @r[$i, $j] = @r[$j, $i] } print "IID\tGROUP\n", @r' <"$T/ids" >"$T/groups.tsv"
mkdir -p "$T/w"
runs "--within: two groups and a sample alone" "$G5" kin --within "$T/groups.tsv" --min-kinship -1 -o "$T/w/k" "$V"
awk -F'\t' 'NR == FNR { g[$1] = $2; next } /^# g5 / { next } /^#/ || g[$1] == g[$2]' "$T/groups.tsv" "$A.kin0" >"$T/w.want"
same_body "$T/w/k.kin0" "$T/w.want" "--within: the $(($(wc -l <"$T/w.want") - 1)) same-group rows of the all-pairs table"
is "$(grep '^pairs:' "$T/w/k.log")" "pairs: $(($(wc -l <"$T/w.want") - 1)), $(($(wc -l <"$T/w.want") - 1)) written (kinship >= -1)" \
   "--within: log: only same-group pairs computed"
runs "--within at the default --min-kinship" "$G5" kin --within "$T/groups.tsv" -o "$T/w/d" "$V"
awk -F'\t' 'NR == 1 || $6 >= 0.0442' "$T/w.want" >"$T/wd.want"
same_body "$T/w/d.kin0" "$T/wd.want" "--within, default --min-kinship: its same-group rows at 0.0442 or more"

# --- threads, memory, input formats ---------------------------------------------

mkdir -p "$T/t0" "$T/m"
runs "-@ 0" "$G5" kin -@ 0 --min-kinship -1 -o "$T/t0/k" "$V"
runs "-m 1M -@ 2 (variants in chunks)" "$G5" kin -m 1M -@ 2 --min-kinship -1 -o "$T/m/k" "$V"
for x in t0 m; do
    same_body "$T/$x/k.kin0" "$A.kin0" "$x: .kin0 byte for byte as -@ 2 (but for the command line)"
    same_body "$T/$x/k.exclude.id" "$A.exclude.id" "$x: .exclude.id byte for byte (but for the command line)"
    grep -v '^# g5 kin' "$T/$x/k.log" >"$T/$x.log"; grep -v '^# g5 kin' "$A.log" >"$T/a.log"
    same_file "$T/$x.log" "$T/a.log" "$x: the log but for the command line"
done

plink2 --silent --vcf "$V" --make-bed --out "$T/pl/bed" >/dev/null 2>&1 || diag "plink2 --make-bed failed"
mkdir -p "$T/b"
runs ".bed input (plink2 --make-bed of the VCF)" "$G5" kin --min-kinship -1 -o "$T/b/k" "$T/pl/bed.bed"
same_body "$T/b/k.kin0" "$A.kin0" ".bed: the same .kin0 as the VCF"
same_body "$T/b/k.exclude.id" "$A.exclude.id" ".bed: the same .exclude.id"
bcftools view -Ob -o "$T/kin.bcf" "$V"
runs "BCF input" "$G5" kin --min-kinship -1 -o "$T/b/c" "$T/kin.bcf"
same_body "$T/b/c.kin0" "$A.kin0" "BCF: the same .kin0 as the VCF"

# --- --maf, --geno --------------------------------------------------------------

mkdir -p "$T/flt"
for f in "maf 0.2" "geno 0.02"; do
    set -- $f
    runs "--$1 $2" "$G5" kin --$1 $2 --min-kinship -1 -o "$T/flt/$1" "$V"
    king "$T/pl/$1" --vcf "$V" --$1 $2
    n=$(sed -n 's/^--make-king-table: \([0-9]*\) variants processed.*/\1/p' "$T/pl/$1.log")
    is "$(sed -n 's/^variants: [0-9]* read, \([0-9]*\) counted.*/\1/p' "$T/flt/$1.log")" "$n" "--$1 $2: log: $n variants counted, as plink2 --$1 $2"
    [ "${n:-$NV}" -lt "$NV" ]; ok $? "--$1 $2: leaves $((NV - ${n:-$NV})) variants out"
    vs "--$1 $2" "$T/flt/$1.kin0" "$T/pl/$1.kin0"
done

# --- multiallelic and haploid records -------------------------------------------

bcftools view "$T/fam.vcf.gz" >"$T/fam.vcf"
# after the 10th record, a triallelic one at the same position (an ALT that is
# neither REF nor ALT added; the first sample 0/2)
awk -F'\t' -v OFS='\t' '{ print } !/^#/ && ++n == 10 { a = "ACGT"; for (i = 1; i <= 4; i++) { b = substr(a, i, 1); if (b != $4 && b != $5) break }
    $5 = $5 "," b; $10 = "0/2"; print }' "$T/fam.vcf" >"$T/multi.vcf"
runs "a triallelic record" "$G5" kin --min-kinship -1 -o "$T/f/multi" "$T/multi.vcf"
same_body "$T/f/multi.kin0" "$T/f/k.kin0" "triallelic record: left out, the same .kin0"
is "$(sed -n 's/^variants: \([0-9]*\) read, .* \([0-9]*\) multiallelic.*/\1 \2/p' "$T/f/multi.log")" "$((NV + 1)) 1" \
   "triallelic record: log: $((NV + 1)) records read, 1 multiallelic"
# haploid calls in records 5 (first sample "1") and 6 (second sample "0")
awk -F'\t' -v OFS='\t' -v c=./. '!/^#/ { n++; if (n == 5) $10 = c; if (n == 6) $11 = c } 1' "$T/fam.vcf" >"$T/miss.vcf"
awk -F'\t' -v OFS='\t' '!/^#/ { n++; if (n == 5) $10 = "1"; if (n == 6) $11 = "0" } 1' "$T/fam.vcf" >"$T/hap.vcf"
awk -F'\t' '/^#/ || (++n != 5 && n != 6)' "$T/fam.vcf" >"$T/drop.vcf"
for x in hap miss drop; do "$G5" kin --min-kinship -1 -o "$T/f/$x" "$T/$x.vcf" 2>/dev/null || diag "g5 kin failed on $x.vcf"; done
body() { grep -v '^# g5 ' "$1"; }
cmp -s <(body "$T/f/hap.kin0") <(body "$T/f/miss.kin0") && how="the calls read as missing"
cmp -s <(body "$T/f/hap.kin0") <(body "$T/f/drop.kin0") && how="their records left out"
[ -n "${how-}" ]; ok $? "two haploid calls: not used (${how-used as calls})"
grep -q '[^0-9]2 with calls that are not diploid' "$T/f/hap.log"; ok $? "two haploid calls: counted in the log"

# a sample without a heterozygous call (HALF1's hets made 0/0): its pairs'
# kinship has no denominator (plink2: -inf or nan)
awk -F'\t' -v OFS='\t' '!/^#/ && $NF ~ /^0.1$|^1.0$/ { $NF = "0/0" } 1' "$T/fam.vcf" >"$T/nohet.vcf"
runs "a sample without a heterozygous call" "$G5" kin --min-kinship -1 -o "$T/f/nohet" "$T/nohet.vcf"
king "$T/pl/nohet" --vcf "$T/nohet.vcf"
awk -F'\t' 'NR == FNR { if (FNR > 1) p[$1 ":" $2] = $0; next } !/^#/ { split(p[$1 ":" $2], q, "\t")
        fin = q[6] ~ /^-?[0-9.e+-]+$/; d = $5 - q[5]
        if ($3 != q[3] || d > 1e-6 || d < -1e-6 || ($6 == "NA") != !fin || (($1 == "HALF1") != !fin)) bad++ }
    END { print bad + 0 }' "$T/pl/nohet.kin0" "$T/f/nohet.kin0" >"$T/nohet.bad"
is "$(cat "$T/nohet.bad")" 0 "no heterozygous call: KINSHIP NA exactly where plink2's is -inf or nan (HALF1's 8 pairs), NSNP and IBS0 as plink2's"
diag "DEGREE given to an NA kinship: $(awk -F'\t' '$6 == "NA" { print $7 }' "$T/f/nohet.kin0" | sort -u | paste -sd ' ')"

# --- bad input ------------------------------------------------------------------

bad() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" kin -o "$T/bad/x" "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says why ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: nothing under PREFIX.* left"
}
bcftools view -s HG00096 -Oz -o "$T/one.vcf.gz" "$V"
bad "one sample" "\"$T/one.vcf.gz\" has 1 sample" "$T/one.vcf.gz"
bcftools annotate -x FORMAT/GT -Oz -o "$T/nogt.vcf.gz" "$V"
bad "a VCF whose FORMAT has no GT" "\"$T/nogt.vcf.gz\" has no FORMAT/GT" "$T/nogt.vcf.gz"
grep -q -- '--dosage' "$T/stderr"; ok $((!$?)) "no GT: suggests no option that g5 kin lacks (--dosage)"
bcftools view -G -Oz -o "$T/sites.vcf.gz" "$V"
bad "a VCF of sites only" "\"$T/sites.vcf.gz\" has no FORMAT/GT" "$T/sites.vcf.gz"
bcftools view -Q 0.4:minor -Oz -o "$T/low.vcf.gz" "$V"
bad "--maf 0.45 on variants all under 0.4" "\"$T/low.vcf.gz\"" --maf 0.45 "$T/low.vcf.gz"
bcftools view "$V" | awk -F'\t' -v OFS='\t' '/^#/ { print; next } ++n % 50 == 0 { for (i = 10; i <= NF; i++) $i = "0/0"; print }' >"$T/mono.vcf"
bad "a VCF of monomorphic sites" "\"$T/mono.vcf\"" "$T/mono.vcf"
{ head -1 "$T/groups.tsv"; printf 'NOSUCH\teven\n'; tail -n +2 "$T/groups.tsv"; } >"$T/unknown.tsv"
bad "--within naming a sample not in the VCF" "\"$T/unknown.tsv\"" --within "$T/unknown.tsv" "$V"
stderr_has '"NOSUCH"' "--within: names the sample"
size=$(stat -c %s "$V")
head -c $((size / 2)) "$V" >"$T/cut.vcf.gz"
bad "a bgzipped VCF cut in the middle" "cannot read \"$T/cut.vcf.gz\": truncated" "$T/cut.vcf.gz"
bad "a bgzipped VCF cut in the middle, -@ 2" "cannot read \"$T/cut.vcf.gz\"" -@ 2 "$T/cut.vcf.gz"
perl -e 'local $/; my $d = <STDIN>; my ($o, @b) = (0);
    while ($o < length $d) { push @b, $o; $o += unpack("v", substr($d, $o + 16, 2)) + 1 } print $b[@b / 2]' <"$V" >"$T/boundary"
head -c "$(cat "$T/boundary")" "$V" >"$T/cutb.vcf.gz"
bad "a bgzipped VCF cut between blocks" "cannot read \"$T/cutb.vcf.gz\"" "$T/cutb.vcf.gz"

usage() { # description args...
    local desc=$1; shift
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 2 "$desc: a usage error" "$G5" kin "$@"
    is "$(ls -A "$T/bad")" "" "$desc: nothing written"
}
usage "no -o" "$V"
stderr_has "-o PREFIX" "no -o: says so"
usage "--min-kinship abc" --min-kinship abc -o "$T/bad/x" "$V"
stderr_has '--min-kinship' "--min-kinship abc: names the option"
usage "--min-kinship 0.1x" --min-kinship 0.1x -o "$T/bad/x" "$V"
usage "--cutoff abc" --cutoff abc -o "$T/bad/x" "$V"
usage "--maf 0.7" --maf 0.7 -o "$T/bad/x" "$V"
rm -rf "$T/bad" && mkdir -p "$T/bad"
"$G5" kin -m 100K -o "$T/bad/x" "$V" >/dev/null 2>"$T/stderr"
[ $? -ne 0 ] && [ -z "$(ls -A "$T/bad")" ]; ok $? "-m 100K (under the pair counts' 1M): fails, nothing left"
grep -q -- '-m 0M' "$T/stderr"; ok $((!$?)) "-m 100K: the message states the budget given ($(head -1 "$T/stderr"))"
exits 0 "-h exits 0" "$G5" kin -h
grep -q '^Usage: g5 kin' "$T/stdout"; ok $? "-h prints usage on stdout"

done_testing
