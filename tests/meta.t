#!/bin/bash
# meta.t -- g5 meta against plink 1.9 --meta-analysis, an independent perl
# computation and the pooled analysis, on real genotypes; alignment cases
# and bad input on small hand-made files.
#
# Data: 300 samples of 1000 Genomes (Debian's shapeit4-example), the 4,109
# variants of chr20:1,000,000-1,500,000.  perl simulates one quantitative
# trait from a fixed seed (perl's rand is drand48, the same everywhere):
# covariates sex, age, PC1 and three causal common SNVs (effects 0.8, 0.7,
# 0.75 per allele).  The samples are split by VCF order (i % 3) into three
# centres of 100 whose noise SDs differ (0.8, 0.9, 1.05); g5 assoc runs per
# centre and pooled, with the same covariates.  In centre 2 every 7th row
# is reported for the other allele (alleles swapped, beta and z negated,
# EAF complemented, ref_allele EA), so swaps are aligned on real data.
#
# Oracles and tolerances:
#   - perl (oracle.pl, written once below from meta.h's formulas, sharing no
#     code with g5): fixed effect, Cochran's Q and its p (chi^2 on 1 or 2 df
#     has a closed form: erfc(sqrt(Q/2)), exp(-Q/2)), I^2, DerSimonian-Laird
#     tau^2 and random effects, METAL's sample-size Z (|z_i| from p_i by
#     Newton's method on POSIX erfc), EAF, z_score, from the same printed
#     inputs: every value within 1e-6 relative (g5 prints 7 significant
#     digits: up to 5e-7 is printing); n_studies, direction, n (the sum of
#     the centres' n) and the log's swap and per-k counts exactly; every
#     input row used once.
#   - plink 1.9 --meta-analysis qt report-all weighted-z on the same rows
#     (SNP = chr:pos:sorted alleles, so both group the same rows): plink
#     prints 4 significant digits (BETA, BETA(R) and Q -- the p of Cochran's
#     Q -- with 4 decimals, I with 2), so g5's value is rounded the same way
#     and must equal plink's within one unit of the last printed digit;
#     N = n_studies.  plink's P(WZ) drifts from the normal tail as |z|
#     grows (relative 2e-4 at z = 3.3, up to 7e-4 near 4, 6e-3 at 6.7:
#     1.547e-11 for z = 6.744 where 2 Q(6.744241) = 1.538295e-11), so it is
#     held to the last digit only where |WEIGHTED_Z| < 3, and to 1% beyond;
#     every p_samplesize is held to 1e-6 by perl.
#   - the pooled g5 assoc: not the same estimate (covariates and intercept
#     are fitted per centre; inverse-variance weights follow each centre's
#     residual variance, which the pooled OLS ignores).  On this data the
#     correlation of -log10 p over the 3,298 variants is 0.994; over the
#     1,340 variants with pooled MAF >= 0.05 se_meta / se_pooled is within
#     [0.976, 1.054], |beta_meta - beta_pooled| / se_pooled has median 0.14,
#     96.6% below 0.5 and a maximum of 0.82 (the seed fixes these).
#     Asserted, with some margin: correlation > 0.98, the SE ratio within
#     [0.9, 1.1], at least 95% below 0.5 SE and all below 1 SE, the three
#     causal variants at p < 1e-6 in both (meta 1.5e-14, 1.9e-09, 3.6e-11;
#     pooled 2.2e-13, 1.2e-08, 1.0e-09), direction +++.
#   - --gc: the log's lambdas against perl's median chi^2 / 0.4549364, and
#     the whole file against oracle.pl with each study's SE scaled by
#     sqrt(lambda) (and |z_i| divided by it) where lambda > 1.
# Hand-made files (printf) cover what real data do not: strand flips,
# palindromes oriented by EAF or dropped (and matched by letters when both
# strands are known), a multiallelic site, variants missing in some
# studies, --model random and samplesize, plink2 --glm and REGENIE inputs;
# their expected values are worked out by hand in the comments.  Then the
# outputs (sidecar, tabix, plots, -@ 0 and -@ 2 and a rerun byte for byte)
# and bad input: exit 1, one line naming file, line and column, nothing
# left under PREFIX -- also when the log or a plot cannot be written after
# the other outputs were.
. "$(dirname "$0")/lib.sh"

REFVCF=/usr/share/doc/shapeit4/examples/test/reference.vcf.gz
[ -r "$REFVCF" ] || skip_all "shapeit4-example not installed ($REFVCF)"
for t in plink1.9 bcftools tabix perl; do
    command -v $t >/dev/null || skip_all "$t not installed"
done
perl -MPOSIX=erfc -e 'erfc(1)' 2>/dev/null || skip_all "perl's POSIX has no erfc"

V=$T/slice.vcf.gz
bcftools view -r 20:1000000-1500000 -Oz -o "$V" "$REFVCF" || skip_all "cannot read $REFVCF"

# --- helpers ------------------------------------------------------------------

le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }'; }

# at FILE.tsv.gz POS COLUMN...: those columns (by name) of the rows at POS,
# rows joined by " | "
at() {
    local f=$1 pos=$2; shift 2
    gzip -dc "$f" | awk -F'\t' -v pos="$pos" -v want="$*" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; n = split(want, w, " "); next }
        $2 == pos { s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") (w[i] in c ? $c[w[i]] : "?" w[i]); r = r (r != "" ? " | " : "") s }
        END { print r }'
}

# near "GOT" "WANT" description: the same number of fields, text fields
# equal, numbers within 1e-6 relative
near() {
    if perl -e 'my @g = split " ", $ARGV[0]; my @w = split " ", $ARGV[1]; exit 1 if @g != @w;
            for my $i (0 .. $#w) { my ($g, $w) = ($g[$i], $w[$i]);
                if ($w =~ /^[-+]?[0-9.]+(e[-+]?[0-9]+)?$/i && $g =~ /^[-+]?[0-9.]+(e[-+]?[0-9]+)?$/i) {
                    exit 1 if abs($g - $w) > 1e-6 * abs($w) + 1e-300 } else { exit 1 if $g ne $w } }' "$1" "$2"
    then _tap_result 0 "$3"; else
        _tap_result 1 "$3"
        diag "got:      '$1'" "expected: '$2'"
    fi
}

# the log's study table: column NAME of study PATH
study_col() {
    awk -F'\t' -v s="$2" -v c="$3" '/^#study/ { for (i = 1; i <= NF; i++) if ($i == c) k = i; on = 1; next }
        on && !NF { on = 0 } on && $1 == s { print $k }' "$1"
}
# the log's "#studies variants" table, one line
by_k() { awk -F'\t' '/^#studies/ { on = 1; next } on && !NF { on = 0 } on { printf "%s%s", s, $2; s = " " } END { print "" }' "$1"; }

# oracle.pl MODEL OUT.tsv.gz STUDY[=INFLATE]...: recomputes every row of
# g5 meta's output from the studies' rows (the same chromosome, position
# and allele pair; all strands known) with meta.h's formulas.  INFLATE
# multiplies the study's SE and divides its |z| (genomic control).  Prints
# "name value" lines: rows; bad_structure (n_studies, direction or n
# wrong, or no study has the row); duplicate (a variant written twice);
# unused (study rows in no output row); worst relative differences per
# group (fixed, het, random, samplesize, main = the mandatory columns, eaf
# and z_score); swaps (per study: rows whose effect allele is not the
# first study's); by_k (variants by number of studies); first_bad (the
# first row that broke a rule, for the diagnostics).
cat >"$T/oracle.pl" <<'EOF'
use strict; use warnings;
use POSIX qw(erfc);
my ($model, $out, @in) = @ARGV;
sub table {
    my $f = shift; my $F;
    if ($f =~ /\.gz$/) { open $F, '-|', 'gzip', '-dc', $f or die "$f: $!\n" } else { open $F, '<', $f or die "$f: $!\n" }
    chomp(my $h = <$F>); my @h = split /\t/, $h; my @rows;
    while (<$F>) { chomp; my %r; @r{@h} = split /\t/, $_, -1; push @rows, \%r }
    close $F or die "$f: cannot read\n";
    \@rows;
}
sub key { my $r = shift; join ':', $r->{chromosome}, $r->{base_pair_location}, sort $r->{effect_allele}, $r->{other_allele} }
sub ptwo { erfc(abs($_[0]) / sqrt(2)) }
# |z| of a two-sided p: Newton's method on log p(z), started above the root
# (p(z) <= exp(-z^2/2)), from where it descends monotonically
sub zof {
    my $p = shift; return 0 if $p >= 1;
    my $lp = log($p); my $z = sqrt(-2 * $lp);
    for (1 .. 100) {
        my $q = erfc($z / sqrt(2));
        my $d = (log($q) - $lp) * $q / (sqrt(2 / 3.141592653589793) * exp(-$z * $z / 2));
        $z += $d; last if abs($d) <= 1e-15 * $z;
    }
    $z;
}
my (@S, @infl);
for my $i (0 .. $#in) {
    my ($f, $inf) = split /=/, $in[$i]; $infl[$i] = $inf // 1;
    for my $r (@{ table($f) }) { my $k = key($r); die "$f: $k twice\n" if $S[$i]{$k}; $S[$i]{$k} = $r }
}
my %worst = map { $_ => 0 } qw(fixed het random samplesize main);
my ($rows, $bad, $dup, $first_bad, %seen) = (0, 0, 0, '-');
my @swaps = (0) x @in; my @byk = (0) x @in;
sub rel {
    my ($g, $w) = @_;
    return $g eq '#NA' ? 0 : 9e99 if $w != $w;
    return 9e99 if $g eq '#NA' || $g eq '';
    return $g == $w ? 0 : $w ? abs($g - $w) / abs($w) : abs($g);
}
for my $o (@{ table($out) }) {
    $rows++;
    my $k = key($o); $dup++ if $seen{$k}++;
    my (@b, @s, @z, @n, @f, $anchor); my $dir = '';
    for my $i (0 .. $#in) {
        my $r = delete $S[$i]{$k};
        if (!$r) { $dir .= '?'; next }
        my $sign = $r->{effect_allele} eq $o->{effect_allele} ? 1 : -1;
        $anchor //= $r->{effect_allele}; $swaps[$i]++ if $r->{effect_allele} ne $anchor;
        my $b = $sign * $r->{beta};
        push @b, $b; push @s, $r->{standard_error} * $infl[$i];
        push @z, ($b < 0 ? -1 : 1) * zof($r->{p_value}) / $infl[$i];
        push @n, $r->{n}; push @f, $sign > 0 ? $r->{effect_allele_frequency} : 1 - $r->{effect_allele_frequency};
        $dir .= $b > 0 ? '+' : $b < 0 ? '-' : '0';
    }
    my $m = @b;
    my ($N, $NF) = (0, 0); $N += $_ for @n; $NF += $f[$_] * $n[$_] for 0 .. $#f;
    if (!$m || $o->{n_studies} ne $m || $o->{direction} ne $dir || $o->{n} ne $N) {
        $bad++; $first_bad = "$k:n_studies=$o->{n_studies}($m),direction=$o->{direction}($dir),n=$o->{n}($N)" if $first_bad eq '-';
        next unless $m;
    }
    $byk[$m - 1]++;
    my ($W, $WB, $W2) = (0, 0, 0);
    for (0 .. $m - 1) { my $w = 1 / $s[$_]**2; $W += $w; $WB += $w * $b[$_]; $W2 += $w * $w }
    my $bf = $WB / $W; my $sf = sqrt(1 / $W);
    my $Q = 0; $Q += ($b[$_] - $bf)**2 / $s[$_]**2 for 0 .. $m - 1;
    my $df = $m - 1; my $nan = 9**9**9 / 9**9**9;
    die "oracle.pl: $m studies: no closed form for chi^2 on $df df\n" if $df > 2;
    my $hq = $df ? $Q : $nan;
    my $hp = $df == 1 ? erfc(sqrt($Q / 2)) : $df == 2 ? exp(-$Q / 2) : $nan;
    my $i2 = $df ? ($Q > $df ? 100 * ($Q - $df) / $Q : 0) : $nan;
    my $tau2 = $df && $Q > $df ? ($Q - $df) / ($W - $W2 / $W) : 0;
    my ($Wr, $WBr) = (0, 0);
    for (0 .. $m - 1) { my $w = 1 / ($s[$_]**2 + $tau2); $Wr += $w; $WBr += $w * $b[$_] }
    my $br = $WBr / $Wr; my $sr = sqrt(1 / $Wr);
    my $zs = 0; $zs += sqrt($n[$_]) * $z[$_] for 0 .. $m - 1; $zs /= sqrt($N);
    my %want = (beta_fixed => $bf, se_fixed => $sf, p_fixed => ptwo($bf / $sf), het_q => $hq, het_p => $hp,
                i2 => $i2, tau2 => $tau2, beta_random => $br, se_random => $sr, p_random => ptwo($br / $sr),
                z_samplesize => $zs, p_samplesize => ptwo($zs), effect_allele_frequency => $NF / $N);
    my @main = $model eq 'random' ? ($br, $sr, ptwo($br / $sr), $br / $sr)
             : $model eq 'samplesize' ? ($bf, $sf, ptwo($zs), $zs) : ($bf, $sf, ptwo($bf / $sf), $bf / $sf);
    @want{qw(beta standard_error p_value z_score)} = @main;
    my %group = (fixed => [qw(beta_fixed se_fixed p_fixed)], het => [qw(het_q het_p i2 tau2)],
                 random => [qw(beta_random se_random p_random)], samplesize => [qw(z_samplesize p_samplesize)],
                 main => [qw(beta standard_error p_value z_score effect_allele_frequency)]);
    for my $g (keys %group) {
        for my $c (@{ $group{$g} }) {
            my $d = rel($o->{$c} // '', $want{$c});
            $first_bad = "$k:$c=$o->{$c}(" . sprintf('%.10g', $want{$c}) . ")" if $d > 1e-6 && $first_bad eq '-';
            $worst{$g} = $d if $d > $worst{$g};
        }
    }
}
my $unused = 0; $unused += keys %$_ for @S;
print "rows $rows\nbad_structure $bad\nduplicate $dup\nunused $unused\n";
printf "%s %.3g\n", $_, $worst{$_} for qw(fixed het random samplesize main);
print "swaps @swaps\nby_k @byk\nfirst_bad $first_bad\n";
EOF
# val FILE NAME: a value of oracle.pl's output
val() { sed -n "s/^$2 //p" "$1"; }

# oracle_checks NAME ORACLE-OUTPUT: the tests on oracle.pl's verdict
oracle_checks() {
    local name=$1 o=$2 g w
    [ "$(val "$o" rows)" -gt 0 ] 2>/dev/null && [ "$(val "$o" bad_structure)" = 0 ] && [ "$(val "$o" duplicate)" = 0 ]
    ok $? "$name: $(val "$o" rows) rows: n_studies, direction and n (the studies' sum) as perl finds them; no variant twice"
    is "$(val "$o" unused)" 0 "$name: every study row is in one output row"
    for g in fixed het random samplesize main; do
        w=$(val "$o" $g)
        le "$w" 1e-6
        ok $? "$name: $g columns within 1e-6 relative of perl (worst $w)"
    done
    [ "$(val "$o" first_bad)" = - ] || diag "first difference: $(val "$o" first_bad)"
}

# --- the data: a trait, three centres, assoc per centre and pooled ------------

# sim.pl DIR, stdin: the VCF's samples (one line), then POS REF ALT and the
# GTs.  Writes DIR/covar.tsv (all samples), DIR/pooled.tsv and DIR/c1-3.tsv
# (trait q of each centre's samples); prints the causal positions.
cat >"$T/sim.pl" <<'EOF'
use strict; use warnings;
my ($dir) = @ARGV;
srand(20240917);
sub normal { my $u = 1 - rand(); my $v = rand(); sqrt(-2 * log($u)) * cos(6.283185307179586 * $v) }
chomp(my $h = <STDIN>); my @s = split /\t/, $h; my $n = @s;
my (@common, %g);
while (<STDIN>) {
    chomp; my ($pos, $ref, $alt, @gt) = split /\t/;
    next unless length($ref) == 1 && length($alt) == 1;
    my @d = map { scalar(() = /1/g) } @gt; my $ac = 0; $ac += $_ for @d;
    next if $ac < 0.2 * 2 * $n || $ac > 0.5 * 2 * $n;
    push @common, $pos; $g{$pos} = \@d;
}
my @c = map { $common[int(@common * $_)] } 0.2, 0.5, 0.8;
my @b = (0.8, 0.7, 0.75);           # per ALT allele
my @sd = (0.8, 0.9, 1.05);          # noise, per centre
my @p;
open my $cv, '>', "$dir/covar.tsv" or die; print $cv "IID\tsex\tage\tPC1\n";
open my $all, '>', "$dir/pooled.tsv" or die; print $all "IID\tq\n";
for my $k (1 .. 3) { open $p[$k], '>', "$dir/c$k.tsv" or die; print { $p[$k] } "IID\tq\n" }
for my $i (0 .. $n - 1) {
    my $k = $i % 3 + 1;
    my $sex = rand() < 0.5 ? 1 : 0; my $age = sprintf "%.1f", 20 + 60 * rand(); my $pc1 = sprintf "%.5f", normal();
    my $q = 0.5 * $sex + 0.02 * $age + 0.8 * $pc1;
    $q += $b[$_] * $g{ $c[$_] }[$i] for 0 .. 2;
    $q = sprintf "%.6f", $q + $sd[$k - 1] * normal();
    print $cv "$s[$i]\t$sex\t$age\t$pc1\n";
    print $all "$s[$i]\t$q\n";
    print { $p[$k] } "$s[$i]\t$q\n";
}
close $_ or die for $cv, $all, @p[1 .. 3];
print "@c\n";
EOF
mkdir -p "$T/sim" "$T/as"
causal=$({ bcftools query -l "$V" | paste -sd '\t'; bcftools query -f '%POS\t%REF\t%ALT[\t%GT]\n' "$V"; } |
    perl "$T/sim.pl" "$T/sim")
diag "causal variants at 20:${causal// /, 20:}"
for c in c1 c2 c3 pooled; do
    "$G5" assoc --assembly GRCh37 --pheno "$T/sim/$c.tsv" --covar "$T/sim/covar.tsv" -o "$T/as/$c" "$V" 2>/dev/null ||
        diag "g5 assoc failed on $c"
done
A1=$T/as/c1.q.tsv.gz A3=$T/as/c3.q.tsv.gz POOLED=$T/as/pooled.q.tsv.gz
[ -s "$A1" ] && [ -s "$T/as/c2.q.tsv.gz" ] && [ -s "$A3" ] && [ -s "$POOLED" ]
ok $? "g5 assoc on each centre and pooled: four GWAS-SSF files"

# centre 2 with every 7th row reported for the other allele; its sidecar copied
cat >"$T/swap.pl" <<'EOF'
use strict; use warnings;
my $h = <STDIN>; print $h; chomp $h; my @h = split /\t/, $h; my %c; @c{@h} = 0 .. $#h;
my $i = 0;
while (<STDIN>) {
    chomp; my @f = split /\t/;
    if ($i++ % 7 == 3) {
        @f[$c{effect_allele}, $c{other_allele}] = @f[$c{other_allele}, $c{effect_allele}];
        $f[$c{$_}] = $f[$c{$_}] =~ /^-/ ? substr($f[$c{$_}], 1) : "-$f[$c{$_}]" for qw(beta z_score);
        $f[$c{effect_allele_frequency}] = sprintf '%.10g', 1 - $f[$c{effect_allele_frequency}];
        $f[$c{ref_allele}] = $f[$c{ref_allele}] eq 'OA' ? 'EA' : 'OA';
    }
    print join("\t", @f), "\n";
}
EOF
A2=$T/as/c2swap.tsv
gzip -dc "$T/as/c2.q.tsv.gz" | perl "$T/swap.pl" >"$A2"
cp "$T/as/c2.q.tsv.gz-meta.yaml" "$A2-meta.yaml"
nswap=$(awk -F'\t' 'NR > 1 && $11 == "EA"' "$A2" | wc -l)
diag "centre 2: $nswap of $(($(wc -l <"$A2") - 1)) rows reported for the other allele"

# --- the meta-analysis against perl -------------------------------------------

mkdir -p "$T/m2" "$T/m0" "$T/mr"
M=$T/m2/m
runs "three centres, -@ 2" "$G5" meta -@ 2 --trait q -o "$M" "$A1" "$A2" "$A3"
perl "$T/oracle.pl" fixed "$M.tsv.gz" "$A1" "$A2" "$A3" >"$T/or.fixed" || diag "oracle.pl failed"
oracle_checks "three centres" "$T/or.fixed"
is "$(study_col "$M.log" "$A1" swapped) $(study_col "$M.log" "$A2" swapped) $(study_col "$M.log" "$A3" swapped)" \
   "$(val "$T/or.fixed" swaps)" "log: swapped rows per study, as perl counts them ($(val "$T/or.fixed" swaps))"
is "$(val "$T/or.fixed" swaps | cut -d' ' -f2)" "$(awk -F'\t' -v OFS=: 'NR == FNR { if (FNR > 1) a[$2 ":" $3 ":" $4] = 1; next }
    FNR > 1 && $11 == "EA" && ($2 ":" $4 ":" $3) in a' <(gzip -dc "$A1") "$A2" | wc -l)" \
   "centre 2's swapped rows are the swapped ones that centre 1 also has"
for c in strand_flipped ambiguous_dropped duplicates; do
    is "$(study_col "$M.log" "$A1" $c) $(study_col "$M.log" "$A2" $c) $(study_col "$M.log" "$A3" $c)" "0 0 0" "log: $c 0 (all strands known)"
done
is "$(by_k "$M.log")" "$(val "$T/or.fixed" by_k)" "log: variants by number of studies, as perl counts them ($(val "$T/or.fixed" by_k))"
is "$(sed -n 's/^variants written: \([0-9]*\);.*/\1/p' "$M.log")" "$(val "$T/or.fixed" rows)" "log: variants written"
for c in 1 2 3; do
    eval f=\$A$c
    is "$(study_col "$M.log" "$f" used)" "$(($(gzip -cdf "$f" | wc -l) - 1))" "log: centre $c: every row used"
done

# --- against plink 1.9 --------------------------------------------------------

# toplink.pl < GWAS-SSF > plink 1.9 assoc table
cat >"$T/toplink.pl" <<'EOF'
use strict; use warnings;
my $h = <STDIN>; chomp $h; my @h = split /\t/, $h;
print join(' ', qw(CHR SNP BP A1 A2 NMISS BETA SE P)), "\n";
while (<STDIN>) {
    chomp; my %r; @r{@h} = split /\t/;
    my $snp = join ':', $r{chromosome}, $r{base_pair_location}, sort $r{effect_allele}, $r{other_allele};
    print join(' ', @r{qw(chromosome)}, $snp, @r{qw(base_pair_location effect_allele other_allele n beta standard_error p_value)}), "\n";
}
EOF
# plcmp.pl PLINK.meta G5.tsv.gz: a line with the rows in both, only in
# plink, only in g5, those whose plink A1 is g5's other allele, and the
# P(WZ) rows compared (|WEIGHTED_Z| < 4); a line per column: its name, the
# rows where g5, rounded as plink prints, differs from plink by more than
# one unit of the last digit (N: any difference), and the worst difference
# in units; last, the first such row or "-".
cat >"$T/plcmp.pl" <<'EOF'
use strict; use warnings;
my ($pl, $g5) = @ARGV;
my %g;
open my $G, '-|', 'gzip', '-dc', $g5 or die; chomp(my $h = <$G>); my @h = split /\t/, $h;
while (<$G>) { chomp; my %r; @r{@h} = split /\t/; $g{join ':', $r{chromosome}, $r{base_pair_location}, sort $r{effect_allele}, $r{other_allele}} = \%r }
close $G or die;
# units of the last digit between plink's text and g5's value printed as plink would
sub units {
    my ($p, $v, $dec) = @_;
    return ($p eq 'NA') == ($v eq '#NA') ? 0 : 99 if $p eq 'NA' || $v eq '#NA';
    if (defined $dec) { my $s = sprintf "%.${dec}f", $v; return abs($s - $p) / 10**-$dec }
    my $s = sprintf '%.4g', $v;
    my $mag = abs($p) > abs($s) ? abs($p) : abs($s);
    return 0 if $mag == 0;
    my $unit = 10**(POSIX::floor(log($mag) / log(10) + 1e-12) - 3);
    abs($s - $p) / $unit;
}
use POSIX ();
open my $P, '<', $pl or die; my $ph = <$P>; $ph =~ s/^\s+//; my @ph = split /\s+/, $ph;
my ($both, $only_pl, $flipped, $wz) = (0, 0, 0, 0);
my (%bad, %worst, $first);
my @cols = qw(N P P(R) BETA BETA(R) Q I WEIGHTED_Z P(WZ) P(WZ)tail);
$bad{$_} = $worst{$_} = 0 for @cols;
while (<$P>) {
    s/^\s+//; my %r; @r{@ph} = split /\s+/;
    my $o = delete $g{$r{SNP}} or do { $only_pl++; next };
    $both++;
    my $s = $r{A1} eq $o->{effect_allele} ? 1 : $r{A1} eq $o->{other_allele} ? -1 : 0;
    $flipped++ if $s < 0;
    my %u = (N => $r{N} eq $o->{n_studies} && $s ? 0 : 99,
             P => units($r{P}, $o->{p_fixed}), 'P(R)' => units($r{'P(R)'}, $o->{p_random}),
             BETA => units($r{BETA}, $s * $o->{beta_fixed}, 4), 'BETA(R)' => units($r{'BETA(R)'}, $s * $o->{beta_random}, 4),
             Q => units($r{Q}, $o->{het_p}, 4), I => units($r{I}, $o->{i2}, 2),
             WEIGHTED_Z => units($r{WEIGHTED_Z}, $s * $o->{z_samplesize}), 'P(WZ)' => 0, 'P(WZ)tail' => 0);
    # P(WZ): in units where |WEIGHTED_Z| < 3, else relative (1% allowed)
    if (abs($r{WEIGHTED_Z}) < 3) { $wz++; $u{'P(WZ)'} = units($r{'P(WZ)'}, $o->{p_samplesize}) }
    else { $u{'P(WZ)tail'} = abs($r{'P(WZ)'} - $o->{p_samplesize}) / $o->{p_samplesize} }
    for my $c (@cols) {
        $worst{$c} = $u{$c} if $u{$c} > $worst{$c};
        next unless $u{$c} > ($c eq 'P(WZ)tail' ? 0.01 : 1 + 1e-9);
        $bad{$c}++; $first //= "$r{SNP} $c: plink $r{$c}, g5 " . join(',', map { $o->{$_} // '' } qw(n_studies p_fixed p_random beta_fixed beta_random het_p i2 z_samplesize p_samplesize));
    }
}
print join(' ', $both, $only_pl, scalar(keys %g), $flipped, $wz), "\n";
printf "%s %d %.3g\n", $_, $bad{$_}, $worst{$_} for @cols;
print $first // '-', "\n";
EOF
mkdir -p "$T/pl"
gzip -dc "$A1" | perl "$T/toplink.pl" >"$T/pl/c1.assoc"
perl "$T/toplink.pl" <"$A2" >"$T/pl/c2.assoc"
gzip -dc "$A3" | perl "$T/toplink.pl" >"$T/pl/c3.assoc"
(cd "$T/pl" && plink1.9 --meta-analysis c1.assoc c2.assoc c3.assoc + qt report-all weighted-z --out pm >/dev/null 2>&1) ||
    diag "plink1.9 failed: see $T/pl/pm.log"
perl "$T/plcmp.pl" "$T/pl/pm.meta" "$M.tsv.gz" >"$T/plcmp" 2>&1 || echo "0 -1 -1 0 0" >"$T/plcmp"
set -- $(sed -n 1p "$T/plcmp")
[ "$1" -gt 0 ] && [ "$2" = 0 ] && [ "$3" = 0 ]
ok $? "plink 1.9: the same $1 variants ($2 only in plink, $3 only in g5; plink's A1 is g5's other allele in $4)"
wz=$5
for c in N P 'P(R)' BETA 'BETA(R)' Q I WEIGHTED_Z 'P(WZ)' 'P(WZ)tail'; do
    set -- $(awk -v c="$c" '$1 == c { print $2, $3 }' "$T/plcmp")
    what="as printed by plink, within one unit of the last digit (worst ${2:-?} units)"
    case $c in
        N) what="= n_studies" ;;
        'P(WZ)') what="$what, the $wz rows with |WEIGHTED_Z| < 3" ;;
        'P(WZ)tail') c="P(WZ)"; what="where |WEIGHTED_Z| >= 3: within 1% relative (worst ${2:-?})" ;;
    esac
    is "${1:-}" 0 "plink 1.9: $c $what"
done
[ "$(tail -1 "$T/plcmp")" = - ] || diag "first difference: $(tail -1 "$T/plcmp")"
npal=$(gzip -dc "$M.tsv.gz" | awk -F'\t' 'NR > 1 && ($3 $4 ~ /^(AT|TA|CG|GC)$/)' | wc -l)
diag "palindromic A/T and C/G variants among them: $npal (strands known: matched by letters, as plink does)"

# --- against the pooled analysis ----------------------------------------------

# pooled.pl META.tsv.gz POOLED.tsv.gz CAUSAL...: variants in both (by
# position and alleles); correlation of -log10 p; over pooled MAF >= 0.05:
# count, SE ratio min and max, |dbeta|/se_pooled median, share <= 0.5,
# max; then per causal variant "p_meta p_pooled direction"
cat >"$T/pooled.pl" <<'EOF'
use strict; use warnings;
my ($meta, $pooled, @causal) = @ARGV;
sub rd { my $f = shift; open my $F, '-|', 'gzip', '-dc', $f or die; chomp(my $h = <$F>); my @h = split /\t/, $h; my %r;
    while (<$F>) { chomp; my %x; @x{@h} = split /\t/; $r{join ':', $x{base_pair_location}, sort $x{effect_allele}, $x{other_allele}} = \%x } \%r }
my ($m, $p) = (rd($meta), rd($pooled));
my (@x, @y, @d, @ratio);
for my $k (sort keys %$p) {
    my $a = $m->{$k} or next; my $b = $p->{$k};
    my $s = $a->{effect_allele} eq $b->{effect_allele} ? 1 : -1;
    push @x, -log($a->{p_value}) / log(10); push @y, -log($b->{p_value}) / log(10);
    my $maf = $b->{effect_allele_frequency}; $maf = 1 - $maf if $maf > 0.5;
    next unless $maf >= 0.05;
    push @d, abs($s * $a->{beta} - $b->{beta}) / $b->{standard_error};
    push @ratio, $a->{standard_error} / $b->{standard_error};
}
my $n = @x; my ($sx, $sy, $sxx, $syy, $sxy) = (0) x 5;
for (0 .. $#x) { $sx += $x[$_]; $sy += $y[$_]; $sxx += $x[$_]**2; $syy += $y[$_]**2; $sxy += $x[$_] * $y[$_] }
my $r = ($n * $sxy - $sx * $sy) / sqrt(($n * $sxx - $sx**2) * ($n * $syy - $sy**2));
@d = sort { $a <=> $b } @d; @ratio = sort { $a <=> $b } @ratio;
printf "%d %.4f %d %.3f %.3f %.3f %.4f %.3f\n", $n, $r, scalar @d, $ratio[0], $ratio[-1], $d[$#d / 2],
    scalar(grep { $_ <= 0.5 } @d) / @d, $d[-1];
for my $pos (@causal) {
    my ($k) = grep { /^$pos:/ } keys %$m;
    my ($kp) = grep { /^$pos:/ } keys %$p;
    print $k && $kp ? "$m->{$k}{p_value} $p->{$kp}{p_value} $m->{$k}{direction}" : "- - -", "\n";
}
EOF
perl "$T/pooled.pl" "$M.tsv.gz" "$POOLED" $causal >"$T/pooled" || echo "0 0 0 0 9 9 0 9" >"$T/pooled"
set -- $(sed -n 1p "$T/pooled")
diag "meta vs pooled: $1 variants, r(-log10 p) $2; $3 with MAF >= 0.05: SE ratio [$4, $5]," \
     "|dbeta|/se_pooled median $6, share <= 0.5 $7, max $8"
is "$1" "$(($(gzip -dc "$POOLED" | wc -l) - 1))" "pooled: every variant of the pooled analysis is in the meta-analysis ($1)"
ge "$2" 0.98; ok $? "pooled: correlation of -log10 p above 0.98 ($2)"
ge "$4" 0.9 && le "$5" 1.1; ok $? "pooled: MAF >= 0.05: se_meta / se_pooled within [0.9, 1.1] ([$4, $5] over $3)"
ge "$7" 0.95; ok $? "pooled: MAF >= 0.05: |beta_meta - beta_pooled| <= 0.5 se_pooled for at least 95% ($7)"
le "$8" 1; ok $? "pooled: MAF >= 0.05: and <= 1 se_pooled for all (max $8)"
i=1
for pos in $causal; do
    i=$((i + 1))
    set -- $(sed -n ${i}p "$T/pooled")
    le "$1" 1e-6 && le "$2" 1e-6 && [ "$3" = "+++" ]
    ok $? "pooled: causal 20:$pos: p < 1e-6 in the meta-analysis ($1) and pooled ($2), direction $3"
done
is "$(gzip -dc "$M.tsv.gz" | awk -F'\t' 'NR > 1 && $13 == 3 && $10 != 300' | wc -l)" 0 "n is 300 wherever all three centres have the variant"

# --- models -------------------------------------------------------------------

mkdir -p "$T/mod"
for model in random samplesize; do
    runs "--model $model" "$G5" meta --model $model --trait q -o "$T/mod/$model" "$A1" "$A2" "$A3"
    perl "$T/oracle.pl" $model "$T/mod/$model.tsv.gz" "$A1" "$A2" "$A3" >"$T/or.$model"
    w=$(val "$T/or.$model" main)
    le "$w" 1e-6; ok $? "--model $model: beta, standard_error, p_value and z_score within 1e-6 of perl's (worst $w)"
done
# the mandatory columns are copies of the model's
cmpcols() { gzip -dc "$1" | awk -F'\t' -v a="$2" -v b="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { n = split(a, x, " "); split(b, y, " "); for (i = 1; i <= n; i++) if ($c[x[i]] != $c[y[i]]) bad++ } END { print bad + 0 }'; }
is "$(cmpcols "$M.tsv.gz" "beta standard_error p_value" "beta_fixed se_fixed p_fixed")" 0 \
   "--model fixed: beta, standard_error, p_value are beta_fixed, se_fixed, p_fixed on every row"
is "$(cmpcols "$T/mod/random.tsv.gz" "beta standard_error p_value" "beta_random se_random p_random")" 0 \
   "--model random: beta, standard_error, p_value are beta_random, se_random, p_random on every row"
is "$(cmpcols "$T/mod/samplesize.tsv.gz" "beta standard_error p_value z_score" "beta_fixed se_fixed p_samplesize z_samplesize")" 0 \
   "--model samplesize: p_value and z_score are the sample-size Z's; beta and SE the fixed effect's"
is "$(cut -f13- <(gzip -dc "$T/mod/random.tsv.gz") | md5sum)" "$(cut -f13- <(gzip -dc "$M.tsv.gz") | md5sum)" \
   "--model random: the extra columns are the fixed run's"

# --- genomic control ----------------------------------------------------------

# centre 2's SEs doubled (chi^2 / 4: lambda < 1, not applied), centre 3's
# halved (chi^2 * 4)
mkdir -p "$T/gc"
scale_se() { awk -F'\t' -v OFS='\t' -v f="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "standard_error") k = i; print; next }
    { $k = sprintf("%.10g", $k * f); print }' "$1"; }
scale_se "$A2" 2 >"$T/gc/c2.tsv"
gzip -dc "$A3" | scale_se /dev/stdin 0.5 >"$T/gc/c3.tsv"
lambda() { # median (beta/se)^2 / 0.454936423119573 of a file
    gzip -cdf "$1" | perl -e '<STDIN>; my @c; while (<STDIN>) { my @f = split /\t/; push @c, ($f[4] / $f[5])**2 }
        @c = sort { $a <=> $b } @c; my $n = @c; my $m = $n % 2 ? $c[$n / 2] : ($c[$n / 2 - 1] + $c[$n / 2]) / 2;
        printf "%.17g\n", $m / 0.454936423119573'
}
l1=$(lambda "$A1") l2=$(lambda "$T/gc/c2.tsv") l3=$(lambda "$T/gc/c3.tsv")
runs "--gc" "$G5" meta --gc --trait q -o "$T/gc/m" "$A1" "$T/gc/c2.tsv" "$T/gc/c3.tsv"
is "$(study_col "$T/gc/m.log" "$A1" lambda) $(study_col "$T/gc/m.log" "$T/gc/c2.tsv" lambda) $(study_col "$T/gc/m.log" "$T/gc/c3.tsv" lambda)" \
   "$(printf '%.4f %.4f %.4f' "$l1" "$l2" "$l3")" "--gc: log: each study's lambda, median chi^2 / 0.4549364 as perl finds it"
is "$(study_col "$T/gc/m.log" "$A1" gc_applied) $(study_col "$T/gc/m.log" "$T/gc/c2.tsv" gc_applied) $(study_col "$T/gc/m.log" "$T/gc/c3.tsv" gc_applied)" \
   "yes no yes" "--gc: log: gc_applied where lambda > 1 only"
le "$l2" 1 && ge "$l3" 4; ok $? "--gc: the SE changes made lambda $(printf %.3f "$l2") (SE * 2) and $(printf %.3f "$l3") (SE / 2)"
# a variant of centre 3 alone: its beta, and its SE times sqrt(lambda)
set -- $(gzip -dc "$T/gc/m.tsv.gz" | awk -F'\t' 'NR > 1 && $14 == "??+" { print $2, $3; exit }')
pos=$1 ea=$2
want=$(awk -F'\t' -v p="$pos" -v e="$ea" -v l="$l3" '$2 == p && $3 == e { printf "%s %.10g", $5, $6 * sqrt(l) }' "$T/gc/c3.tsv")
near "$(at "$T/gc/m.tsv.gz" "$pos" beta_fixed se_fixed)" "$want" "--gc: 20:$pos, centre 3's alone: beta_fixed its beta, se_fixed its SE * sqrt(lambda)"
perl "$T/oracle.pl" fixed "$T/gc/m.tsv.gz" "$A1=$(perl -e "print sqrt($l1)")" "$T/gc/c2.tsv" \
    "$T/gc/c3.tsv=$(perl -e "print sqrt($l3)")" >"$T/or.gc"
oracle_checks "--gc" "$T/or.gc"

# --- outputs ------------------------------------------------------------------

H=$(echo chromosome base_pair_location effect_allele other_allele beta standard_error effect_allele_frequency \
    p_value rsid n ref_allele z_score n_studies direction het_q het_p i2 tau2 beta_fixed se_fixed p_fixed \
    beta_random se_random p_random z_samplesize p_samplesize | tr ' ' '\t')
is "$(gzip -dc "$M.tsv.gz" | head -1)" "$H" "GWAS-SSF header, then the extra columns"
is "$(tabix -l "$M.tsv.gz")" 20 "tabix -l: chromosome 20"
tabix "$M.tsv.gz" 20:1200000-1250000 >"$T/region.got"
gzip -dc "$M.tsv.gz" | awk -F'\t' 'NR > 1 && $2 >= 1200000 && $2 <= 1250000' >"$T/region.want"
[ -s "$T/region.want" ] && cmp -s "$T/region.got" "$T/region.want"
ok $? "tabix 20:1200000-1250000: the file's $(wc -l <"$T/region.want") rows there"
y=$M.tsv.gz-meta.yaml
is "$(sed -n 's/^data_file_md5sum: //p' "$y")" "$(md5sum <"$M.tsv.gz" | cut -d' ' -f1)" "YAML data_file_md5sum is the file's"
is "$(sed -n 's/^genome_assembly: //p' "$y")" '"GRCh37"' "YAML genome_assembly from the inputs' sidecars"
is "$(sed -n 's/^  - sample_size: //p' "$y")" 300 "YAML sample_size: the sum of the sidecars' (3 x 100)"
is "$(sed -n '/^trait_description:/{n;p}' "$y")" '  - "q"' "YAML trait_description from --trait"
png=0 svg=0
for k in manhattan qq; do
    [ "$(head -c 8 "$M.$k.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && png=$((png + 1))
    grep -q '<svg' "$M.$k.svg" && svg=$((svg + 1))
done
is "$png $svg" "2 2" "Manhattan and QQ plots: PNG signatures, SVG documents"
top=$(gzip -dc "$M.tsv.gz" | tail -n +2 | sort -s -t$'\t' -k8,8g | head -1 | cut -f1-6,8)
is "$(sed -n '/^#top/,$p' "$M.log" | awk -F'\t' -v OFS='\t' '$1 == "meta" { print $2, $3, $4, $5, $6, $7, $8; exit }')" "$top" \
   "log: #top, the first hit is the file's smallest p"
runs "the same at -@ 0" "$G5" meta -@ 0 --trait q -o "$T/m0/m" "$A1" "$A2" "$A3"
runs "and again at -@ 2" "$G5" meta -@ 2 --trait q -o "$T/mr/m" "$A1" "$A2" "$A3"
for d in m0 mr; do
    is "$(cd "$T/$d" && ls)" "$(cd "$T/m2" && ls)" "$d: the same $(ls "$T/m2" | wc -l) files"
    differ=$(cd "$T/$d" && for f in *; do [ "$f" = m.log ] || cmp -s "$f" "../m2/$f" || printf '%s ' "$f"; done)
    is "$differ" "" "$d: .tsv.gz, .tbi, -meta.yaml, PNG and SVG byte for byte"
    grep -v '^# g5 meta' "$T/$d/m.log" >"$T/log.$d"; grep -v '^# g5 meta' "$M.log" >"$T/log.m2"
    same_file "$T/log.$d" "$T/log.m2" "$d: the log but for the command line"
done
mkdir -p "$T/tr"
runs "no --trait: the first input's sidecar names it" "$G5" meta -o "$T/tr/m" "$A1" "$A2" "$A3"
is "$(sed -n '/^trait_description:/{n;p}' "$T/tr/m.tsv.gz-meta.yaml" 2>/dev/null)" '  - "q"' \
   "no --trait: trait_description is the sidecar's (g5 assoc writes it as a list)"
is "$(grep -c 'are they the same trait' "$T/stderr" 2>/dev/null)" 0 "studies of one trait: no warning"
# a study of another trait (its sidecar's g5_trait changed) is warned about, not refused
cp "$A2" "$T/tr/other.tsv.gz" && sed 's/^g5_trait: .*/g5_trait: "ldl"/' "$A2-meta.yaml" >"$T/tr/other.tsv.gz-meta.yaml"
runs "a study of another trait is combined" "$G5" meta -o "$T/tr/o" "$A1" "$T/tr/other.tsv.gz"
grep -q "\"$T/tr/other.tsv.gz\" is of trait \"ldl\" but \"$A1\" of \"q\": are they the same trait?" "$T/stderr"
ok $? "with a warning naming both files and traits"

# --- hand-made: alignment -----------------------------------------------------

# ssf FILE [ref]: GWAS-SSF TSV from stdin's space-separated rows
ssf() {
    local h="chromosome base_pair_location effect_allele other_allele beta standard_error effect_allele_frequency p_value n"
    [ "${2:-}" = ref ] && h="$h ref_allele"
    { echo $h; cat; } | tr ' ' '\t' >"$1"
}
# p-values of |z| 1, 1.5, 2, 3, 4, 0.5: 0.3173105 0.1336144 0.04550026 0.002699796 6.334248e-05 0.6170751
H1=$T/h/u1.tsv H2=$T/h/u2.tsv H3=$T/h/u3.tsv
mkdir -p "$T/h"
# strand unknown (no ref_allele).  100: swapped; 200: strand flip; 210: flip
# and swap; 300: A/T, EAF 0.2 and 0.8 (the other strand: flipped, beta
# negated); 310: A/T against T/A 0.8 (swapped); 320: A/T, EAF 0.45 in u2
# (dropped); 400: A/C and A/G in u1, A/C in u2; 500: u2 only; 600: all three
ssf "$H1" <<'EOF'
1 100 A G 0.2 0.1 0.3 0.04550026 100
1 200 A G 0.1 0.1 0.25 0.3173105 100
1 210 A C 0.3 0.1 0.35 0.002699796 100
1 300 A T 0.2 0.1 0.2 0.04550026 100
1 310 A T 0.2 0.1 0.2 0.04550026 100
1 320 A T 0.2 0.1 0.2 0.04550026 100
1 400 A C 0.1 0.1 0.3 0.3173105 100
1 400 A G 0.2 0.1 0.3 0.04550026 100
1 600 C T 0.4 0.1 0.4 6.334248e-05 100
EOF
ssf "$H2" <<'EOF'
1 100 G A -0.3 0.2 0.6 0.1336144 200
1 200 T C 0.2 0.2 0.25 0.3173105 200
1 210 G T -0.1 0.2 0.65 0.6170751 200
1 300 A T 0.1 0.2 0.8 0.6170751 200
1 310 T A -0.15 0.2 0.8 0.4532547 200
1 320 A T 0.1 0.2 0.45 0.6170751 200
1 400 A C 0.3 0.2 0.3 0.1336144 200
1 500 G T 0.25 0.1 0.4 0.01241933 200
1 600 C T -0.2 0.1 0.4 0.04550026 200
EOF
ssf "$H3" <<'EOF'
1 600 C T 0.1 0.1 0.4 0.3173105 300
1 700 G A 0.1 0.1 0.1 0.3173105 300
EOF
U=$T/h/m
runs "hand-made, strand unknown: u1 u2 u3" "$G5" meta --trait "hand-made" --assembly GRCh38 -o "$U" "$H1" "$H2" "$H3"
# 100: w 100 and 25, beta (100 * 0.2 + 25 * 0.3) / 125 = 0.22, se 1/sqrt(125);
# Q = 100 * 0.02^2 + 25 * 0.08^2 = 0.2, p = erfc(sqrt(0.1)); EAF (100 * 0.3 +
# 200 * 0.4) / 300; Z = (10 * 2 + sqrt(200) * 1.5) / sqrt(300)
near "$(at "$U.tsv.gz" 100 effect_allele other_allele n_studies direction beta_fixed se_fixed het_q het_p i2 tau2 effect_allele_frequency n z_samplesize)" \
     "A G 2 ++? 0.22 0.08944272 0.2 0.6547208 0 0 0.3666667 300 2.379445" \
     "swapped alleles: u2's beta negated, its EAF complemented; Q, I^2, tau^2 and Z by hand"
near "$(at "$U.tsv.gz" 200 effect_allele other_allele n_studies direction beta_fixed)" "A G 2 ++? 0.12" \
     "strand flip: u2's T/C is u1's A/G, beta (100 * 0.1 + 25 * 0.2) / 125"
near "$(at "$U.tsv.gz" 210 effect_allele other_allele n_studies direction beta_fixed)" "A C 2 ++? 0.26" \
     "strand flip and swap: u2's G/T is u1's C/A, beta (100 * 0.3 + 25 * 0.1) / 125"
near "$(at "$U.tsv.gz" 300 effect_allele other_allele n_studies direction beta_fixed effect_allele_frequency)" "A T 2 +-? 0.14 0.2" \
     "palindrome A/T, EAF 0.2 and 0.8: u2 on the other strand, beta (20 - 2.5) / 125, EAF 0.2"
near "$(at "$U.tsv.gz" 310 effect_allele other_allele n_studies direction beta_fixed)" "A T 2 ++? 0.19" \
     "palindrome A/T against T/A with EAF 0.8 (A 0.2): swapped, beta (20 + 3.75) / 125"
near "$(at "$U.tsv.gz" 320 effect_allele other_allele n_studies direction beta_fixed het_q het_p i2 tau2)" "A T 1 +?? 0.2 #NA #NA #NA 0" \
     "palindrome with EAF 0.45 in u2: dropped, u1 alone (heterogeneity #NA, tau^2 0)"
is "$(at "$U.tsv.gz" 400 effect_allele other_allele n_studies direction)" "A C 2 ++? | A G 1 +??" \
   "multiallelic: A/C in both, A/G in u1 only: two rows"
is "$(at "$U.tsv.gz" 500 effect_allele other_allele n_studies direction het_q het_p i2 n)" "G T 1 ?+? #NA #NA #NA 200" \
   "u2 only: n_studies 1, direction ?+?, heterogeneity #NA"
# 600: beta 0.1, Q = 100 (0.09 + 0.09 + 0) = 18 on 2 df: p exp(-9), I^2 16/18,
# tau^2 16 / (300 - 30000/300) = 0.08; random: weights 1/0.09, beta 0.1, se
# sqrt(0.03); Z = (10 * 4 - sqrt(200) * 2 + sqrt(300)) / sqrt(600)
near "$(at "$U.tsv.gz" 600 n_studies direction n beta_fixed se_fixed het_q het_p i2 tau2 beta_random se_random p_random z_samplesize p_samplesize)" \
     "3 +-+ 600 0.1 0.05773503 18 0.0001234098 88.88889 0.08 0.1 0.1732051 0.5637029 1.185399 0.2358596" \
     "all three, heterogeneous: Q, its p, I^2, tau^2, random effects and Z by hand"
is "$(at "$U.tsv.gz" 700 n_studies direction)" "1 ??+" "u3 only: direction ??+"
is "$(gzip -dc "$U.tsv.gz" | tail -n +2 | wc -l)" 11 "11 variants: 100 200 210 300 310 320 400 (2) 500 600 700"
is "$(study_col "$U.log" "$H2" swapped) $(study_col "$U.log" "$H2" strand_flipped) $(study_col "$U.log" "$H2" ambiguous_dropped)" "4 3 1" \
   "log: u2: swapped 4 (100 210 300 310), strand_flipped 3 (200 210 300), ambiguous_dropped 1 (320)"
is "$(by_k "$U.log")" "4 6 1" "log: variants by number of studies: 4 alone (320, 400 A/G, 500, 700), 6 in two, 1 in three"
is "$(sed -n 's/^genome_assembly: //p' "$U.tsv.gz-meta.yaml") $(sed -n 's/^  - sample_size: //p' "$U.tsv.gz-meta.yaml")" '"GRCh38" 600' \
   "no sidecars: genome_assembly from --assembly, sample_size the largest n (600)"
is "$(sed -n '/^trait_description:/{n;p}' "$U.tsv.gz-meta.yaml")" '  - "hand-made"' "trait_description from --trait"
mkdir -p "$T/h/mr" "$T/h/ms"
runs "hand-made, --model random" "$G5" meta --model random --trait t -o "$T/h/mr/m" "$H1" "$H2" "$H3"
near "$(at "$T/h/mr/m.tsv.gz" 600 beta standard_error p_value)" "0.1 0.1732051 0.5637029" "--model random: beta, SE and p are the random effects'"
runs "hand-made, --model samplesize" "$G5" meta --model samplesize --trait t -o "$T/h/ms/m" "$H1" "$H2" "$H3"
near "$(at "$T/h/ms/m.tsv.gz" 600 beta standard_error p_value z_score)" "0.1 0.05773503 0.2358596 1.185399" \
     "--model samplesize: p and z the sample-size Z's, beta and SE the fixed effect's"

mkdir -p "$T/h/mm"
runs "--max-maf 0.46" "$G5" meta --max-maf 0.46 --trait t -o "$T/h/mm/m" "$H1" "$H2"
near "$(at "$T/h/mm/m.tsv.gz" 320 n_studies direction beta_fixed)" "2 ++ 0.18" \
     "--max-maf 0.46: the A/T with EAF 0.45 is oriented (both EAFs below one half), beta (20 + 2.5) / 125"
is "$(study_col "$T/h/mm/m.log" "$H2" ambiguous_dropped)" 0 "--max-maf 0.46: log: nothing dropped"

# a study without n: its sidecar's sample_size stands in; with neither, n and
# the sample-size Z are #NA.  600: beta (40 + 10) / 200; Z = (10 * 4 +
# sqrt(300) * 1) / sqrt(400); EAF 0.4 in both
N0=$T/h/non.tsv
printf 'chromosome\tbase_pair_location\teffect_allele\tother_allele\tbeta\tstandard_error\teffect_allele_frequency\tp_value\n1\t600\tC\tT\t0.1\t0.1\t0.4\t0.3173105\n' >"$N0"
mkdir -p "$T/h/n0" "$T/h/n1"
runs "a study without n" "$G5" meta --trait t -o "$T/h/n0/m" "$H1" "$N0"
near "$(at "$T/h/n0/m.tsv.gz" 600 n_studies n beta_fixed z_samplesize p_samplesize)" "2 #NA 0.25 #NA #NA" \
     "without n: n and the sample-size Z #NA, the fixed effect (40 + 10) / 200"
printf 'sample_size: 300\n' >"$N0-meta.yaml"
runs "a study without n, its sidecar with sample_size" "$G5" meta --trait t -o "$T/h/n1/m" "$H1" "$N0"
near "$(at "$T/h/n1/m.tsv.gz" 600 n_studies n effect_allele_frequency z_samplesize)" "2 400 0.4 2.866025" \
     "the sidecar's sample_size as n: n 100 + 300, Z (40 + sqrt(300)) / 20"

# both strands known (ref_allele): letters decide
K1=$T/h/k1.tsv K2=$T/h/k2.tsv
ssf "$K1" ref <<'EOF'
1 200 A G 0.1 0.1 0.25 0.3173105 100 OA
1 300 A T 0.2 0.1 0.2 0.04550026 100 OA
1 310 A T 0.2 0.1 0.45 0.04550026 100 OA
EOF
ssf "$K2" ref <<'EOF'
1 200 T C 0.2 0.2 0.25 0.3173105 200 OA
1 300 A T 0.1 0.2 0.45 0.6170751 200 OA
1 310 T A -0.1 0.2 0.55 0.6170751 200 EA
EOF
mkdir -p "$T/h/k" "$T/h/ku"
runs "hand-made, strands known: k1 k2" "$G5" meta --trait t -o "$T/h/k/m" "$K1" "$K2"
is "$(at "$T/h/k/m.tsv.gz" 200 effect_allele other_allele n_studies direction)" "A G 1 +? | T C 1 ?+" \
   "strands known: A/G and T/C at one position are two variants"
near "$(at "$T/h/k/m.tsv.gz" 300 effect_allele other_allele n_studies direction beta_fixed)" "A T 2 ++ 0.18" \
     "strands known: A/T with EAF 0.2 and 0.45 matched by letters, not dropped; beta (20 + 2.5) / 125"
near "$(at "$T/h/k/m.tsv.gz" 310 effect_allele other_allele n_studies direction beta_fixed)" "A T 2 ++ 0.18" \
     "strands known: T/A against A/T (EAF 0.55 and 0.45) swapped by letters"
is "$(study_col "$T/h/k/m.log" "$K2" swapped) $(study_col "$T/h/k/m.log" "$K2" strand_flipped) $(study_col "$T/h/k/m.log" "$K2" ambiguous_dropped)" "1 0 0" \
   "log: k2: swapped 1, strand_flipped 0, ambiguous_dropped 0"
runs "one strand known, one not: k1 u2" "$G5" meta --trait t -o "$T/h/ku/m" "$K1" "$H2"
near "$(at "$T/h/ku/m.tsv.gz" 200 effect_allele other_allele n_studies direction beta_fixed)" "A G 2 ++ 0.12" \
     "k1 (known) and u2 (unknown): u2's T/C flipped onto k1's A/G"

# --- hand-made: plink2 --glm and REGENIE --------------------------------------

S=$T/h/s.tsv P2=$T/h/p.glm.linear R=$T/h/r.regenie
ssf "$S" ref <<'EOF'
1 100 G A 0.15 0.1 0.3 0.1336144 100 OA
1 200 C T 0.1 0.1 0.5 0.3173105 100 OA
EOF
# plink2: A1 is REF at 100 (effect of A); a SEX row, and an ERRCODE row that
# would change 200 if it were read
{ echo '#CHROM POS ID REF ALT A1 A1_FREQ TEST OBS_CT BETA SE T_STAT P ERRCODE'
  echo '1 100 rs100 A G A 0.72 ADD 400 -0.2 0.05 -4 6.334248e-05 .'
  echo '1 100 rs100 A G A 0.72 SEX 400 0.5 0.1 5 5.733031e-07 .'
  echo '1 200 rs200 T C C 0.5 ADD 400 0.9 0.05 18 1e-50 UNFINISHED'; } | tr ' ' '\t' >"$P2"
# REGENIE (spaces, strand unknown): 100 reported as T (= A) against C (= G)
{ echo 'CHROM GENPOS ID ALLELE0 ALLELE1 A1FREQ INFO N TEST BETA SE CHISQ LOG10P EXTRA'
  echo '1 100 rs100 C T 0.7 1 25 ADD -0.1 0.2 0.25 0.209662 NA'
  echo '1 200 rs200 T C 0.5 1 25 ADD 0.2 0.2 1 0.4985156 NA'; } >"$R"
mkdir -p "$T/h/f"
runs "GWAS-SSF, plink2 --glm and REGENIE together" "$G5" meta --trait t -o "$T/h/f/m" "$S" "$P2" "$R"
# 100: aligned to G: 0.15 (w 100), 0.2 (w 400), 0.1 (w 25): beta 97.5 / 525,
# se 1/sqrt(525); Q = 0.3928571, p exp(-Q/2); EAF (30 + 0.28 * 400 + 0.3 *
# 25) / 525; Z = (10 * 1.5 + 20 * 4 + 5 * 0.5) / sqrt(525)
near "$(at "$T/h/f/m.tsv.gz" 100 effect_allele other_allele rsid n_studies direction n beta_fixed se_fixed het_q het_p effect_allele_frequency z_samplesize)" \
     "G A rs100 3 +++ 525 0.1857143 0.04364358 0.3928571 0.82166 0.2847619 4.255249" \
     "100: plink2's A1 = REF swapped, REGENIE's T/C flipped and swapped; all by hand"
near "$(at "$T/h/f/m.tsv.gz" 200 n_studies direction n beta_fixed)" "2 +?+ 125 0.12" \
     "200: plink2's ERRCODE row skipped: SSF and REGENIE, beta (10 + 2.5) / 125"
is "$(study_col "$T/h/f/m.log" "$P2" format) $(study_col "$T/h/f/m.log" "$R" format)" "plink2 REGENIE" "log: the formats found"
is "$(study_col "$T/h/f/m.log" "$P2" not_additive) $(study_col "$T/h/f/m.log" "$P2" missing) $(study_col "$T/h/f/m.log" "$P2" duplicates)" "1 1 0" \
   "log: plink2: the SEX row not additive, the ERRCODE row missing"
is "$(study_col "$T/h/f/m.log" "$R" swapped) $(study_col "$T/h/f/m.log" "$R" strand_flipped)" "1 1" "log: REGENIE: swapped and strand-flipped"

# --- bad input ----------------------------------------------------------------

bad() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" meta --trait t -o "$T/bad/x" "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says why ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: nothing under PREFIX.* left"
}
mkdir -p "$T/b"
cp "$H1" "$T/b/g37.tsv"; cp "$H2" "$T/b/g38.tsv"
printf 'genome_assembly: GRCh37\nsample_size: 100\n' >"$T/b/g37.tsv-meta.yaml"
printf 'genome_assembly: GRCh38\nsample_size: 200\n' >"$T/b/g38.tsv-meta.yaml"
bad "sidecars on GRCh37 and GRCh38" "\"$T/b/g38.tsv\" is on genome assembly GRCh38 but \"$T/b/g37.tsv\" on GRCh37" \
    "$T/b/g37.tsv" "$T/b/g38.tsv"
bad "a sidecar on GRCh37, --assembly GRCh38" "\"$T/b/g37.tsv\" is on genome assembly GRCh37" --assembly GRCh38 "$T/b/g37.tsv" "$H2"
cut -f1-5,7- "$H2" >"$T/b/nose.tsv"
bad "no standard_error column" "\"$T/b/nose.tsv\" line 1: no standard_error column" "$H1" "$T/b/nose.tsv"
awk -F'\t' -v OFS='\t' 'NR == 5 { $5 = "0.1x" } 1' "$H2" >"$T/b/nonnum.tsv"
bad "a beta that is not a number (line 5, mid-merge)" "\"$T/b/nonnum.tsv\" line 5 column 5 (beta): \"0.1x\" is not a number" \
    "$H1" "$T/b/nonnum.tsv"
awk -F'\t' -v OFS='\t' 'NR == 3 { $8 = "small" } 1' "$H1" >"$T/b/nonnum_p.tsv"
bad "a p-value that is not a number" "\"$T/b/nonnum_p.tsv\" line 3 column 8 (p_value): \"small\" is not a number" \
    "$T/b/nonnum_p.tsv" "$H2"
awk 'NR == 4 { l = $0; next } { print } NR == 5 { print l }' "$H2" >"$T/b/unsorted.tsv"
bad "rows out of order" "\"$T/b/unsorted.tsv\" line 5: 1:210 comes after line 4's position" "$H1" "$T/b/unsorted.tsv"
cut -f1-6,8- "$H2" >"$T/b/noeaf.tsv"
bad "no effect_allele_frequency column" "\"$T/b/noeaf.tsv\" has no effect allele frequency column" "$H1" "$T/b/noeaf.tsv"
bad "the same file twice" "\"$H1\" is given twice" "$H1" "$H2" "$H1"
# an output that cannot be written (a directory in its place) after others were
unwritable() { # description file
    rm -rf "$T/bad" && mkdir -p "$T/bad/$2"
    exits 1 "$1: exits 1" "$G5" meta --trait t -o "$T/bad/x" "$H1" "$H2"
    is "$(wc -l <"$T/stderr")" 1 "$1: one line on stderr"
    stderr_has "cannot write \"$T/bad/$2\"" "$1: names it"
    is "$(ls -A "$T/bad" | paste -sd ' ')" "$2" "$1: the outputs written before it removed"
}
unwritable "PREFIX.log is a directory" x.log
unwritable "PREFIX.qq.png is a directory" x.qq.png
usage() { # description args...
    local desc=$1; shift
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 2 "$desc: a usage error" "$G5" meta "$@"
    is "$(ls -A "$T/bad")" "" "$desc: nothing written"
}
usage "no inputs" -o "$T/bad/x"
stderr_has "no summary statistics to combine" "no inputs: says so"
usage "no -o" "$H1" "$H2"
stderr_has "-o PREFIX" "no -o: says so"
usage "--model fancy" --model fancy -o "$T/bad/x" "$H1" "$H2"
stderr_has "--model is fixed, random or samplesize" "--model: names the models"
exits 0 "-h exits 0" "$G5" meta -h
grep -q '^Usage: g5 meta' "$T/stdout"; ok $? "-h prints usage on stdout"

done_testing
