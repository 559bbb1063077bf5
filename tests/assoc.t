#!/bin/bash
# assoc.t -- g5 assoc against plink2 --glm on real genotypes.
#
# Data: 300 samples of 1000 Genomes (Debian's shapeit4-example), the 4,109
# variants of chr20:1,000,000-1,500,000; traits and covariates simulated by
# perl from a fixed seed (perl's rand is drand48, the same on every
# machine): covariates sex, age and PC1; q1 (covariates, three causal
# variants and noise), q2 (another, ~10% NA: a second sample group), b1
# (logistic, one causal variant).  The tables leave VCF samples out, hold
# samples the VCF lacks, miss a covariate row and a covariate value, and
# are shuffled, so that sample matching is exercised.
#
# Oracle: plink2 --glm hide-covar omit-ref --1 (ALT is A1, the tested
# allele, as in g5; --1 reads 0/1 binary traits as g5 does).  Rows are
# matched by POS:REF:ALT (perl, cmp.pl below, written once):
#   - linear (q1, q2): the same rows as plink2's ERRCODE "."; beta, SE and
#     t relative difference <= 2e-5 (plink2 prints 6 digits: up to 5e-6 is
#     printing); -log10 p as |d| / max(1, |-log10 p|) <= 2e-5, since a p near
#     1 has too few printed digits for a relative test;
#   - logistic (b1, plink2's Firth fallback): OR (exp of g5's beta),
#     LOG(OR)_SE and -log10 p within 1e-3 (Firth's iterations stop at other
#     tolerances); plink2's UNFINISHED rows left out; Firth fits counted;
#   - the same with ~2% missing calls in 40 variants (both refit on the
#     samples with a genotype).  plink2 2.00a3.5's logistic SE at a variant
#     with missing calls depends on the other variants of the run, so the
#     logistic rows of those variants are compared with plink2 run on each
#     variant alone;
#   - FORMAT/DS dosages (exact in plink2's 1/16384 units) against plink2
#     dosage=DS; PLINK 1 .bed made by plink2 against g5 on the VCF;
#   - --maf, --mac, --hwe, --geno: g5's rows against plink2's with the same
#     filter on the same samples (--keep: plink2 filters on all samples);
#   - a triallelic site against the same file split by bcftools norm.
# Then binary 1/2 coding, the dictionary, the outputs (GWAS-SSF header,
# tabix, YAML sidecar, plots, log), -@ 0 and -@ 2 byte for byte, trait
# selection and skipping, and every kind of bad input leaving nothing.
. "$(dirname "$0")/lib.sh"

REFVCF=/usr/share/doc/shapeit4/examples/test/reference.vcf.gz
[ -r "$REFVCF" ] || skip_all "shapeit4-example not installed ($REFVCF)"
for t in plink2 bcftools bgzip tabix perl md5sum; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

V=$T/slice.vcf.gz P=$T/pheno.tsv C=$T/covar.tsv
bcftools view -r 20:1000000-1500000 -Oz -o "$V" "$REFVCF" || skip_all "cannot read $REFVCF"

# --- the phenome --------------------------------------------------------------

# stdin: the VCF's samples (one line), then POS REF ALT and the GTs.  Three
# common SNVs (allele frequency 0.2-0.5) are causal; 6 VCF samples have no
# phenotype row, 5 rows are of samples the VCF lacks, one sample has no
# covariate row and one no age.  Rows are shuffled.
cat >"$T/sim.pl" <<'EOF'
use strict; use warnings;
my ($pheno, $covar) = @ARGV;
srand(20240611);
sub normal { my $u = 1 - rand(); my $v = rand(); sqrt(-2 * log($u)) * cos(6.283185307179586 * $v) }
sub shuffled { my @a = @_; for (my $i = $#a; $i > 0; $i--) { my $j = int(rand($i + 1)); @a[$i, $j] = @a[$j, $i] } @a }
chomp(my $h = <STDIN>); my @s = split /\t/, $h; my $n = @s;
my (@common, %g);
while (<STDIN>) {
    chomp; my ($pos, $ref, $alt, @gt) = split /\t/;
    next unless length($ref) == 1 && length($alt) == 1;
    my @d = map { scalar(() = /1/g) } @gt; my $ac = 0; $ac += $_ for @d;
    next if $ac < 0.2 * 2 * $n || $ac > 0.5 * 2 * $n;
    push @common, $pos; $g{$pos} = \@d;
}
my @c = map { $common[int(@common * $_)] } 0.25, 0.5, 0.75;
my (@prow, @crow);
for my $i (0 .. $n + 4) {
    my $id = $i < $n ? $s[$i] : sprintf "NOTGT%02d", $i - $n + 1;
    my ($g1, $g2, $g3) = $i < $n ? map { $g{$_}[$i] } @c : (0, 1, 2);
    my $sex = rand() < 0.5 ? 1 : 0; my $age = sprintf "%.1f", 20 + 60 * rand(); my $pc1 = sprintf "%.5f", normal();
    my $q1 = 0.5 * $sex + 0.02 * $age + $pc1 + 0.45 * $g1 + 0.3 * $g2 + 0.3 * $g3 + normal();
    my $q2 = 0.03 * $age - 0.4 * $sex + 0.5 * $g3 + normal();
    $q2 = rand() < 0.1 ? 'NA' : sprintf "%.6f", $q2;
    my $b1 = rand() < 1 / (1 + exp(-(-1.2 + 0.9 * $g2 + 0.4 * $sex + 0.02 * ($age - 50)))) ? 1 : 0;
    next if $i < $n && $i % 50 == 7;
    push @prow, sprintf "%s\t%.6f\t%s\t%d\n", $id, $q1, $q2, $b1;
    push @crow, sprintf "%s\t%d\t%s\t%s\n", $id, $sex, $i == 100 ? 'NA' : $age, $pc1 unless $i == 200;
}
open my $p, '>', $pheno or die; print $p "IID\tq1\tq2\tb1\n", shuffled(@prow); close $p or die;
open my $c, '>', $covar or die; print $c "IID\tsex\tage\tPC1\n", shuffled(@crow); close $c or die;
print "@c\n";
EOF
causal=$({ bcftools query -l "$V" | paste -sd '\t'; bcftools query -f '%POS\t%REF\t%ALT[\t%GT]\n' "$V"; } |
    perl "$T/sim.pl" "$P" "$C")
diag "causal variants at 20:${causal// /, 20:}"

# The analysed samples, worked out apart from g5: in the VCF, in the
# phenotypes, with a covariate row holding every covariate.
bcftools query -l "$V" | sort >"$T/vcf.ids"
tail -n +2 "$P" | cut -f1 | sort >"$T/ph.ids"
tail -n +2 "$C" | cut -f1 | sort >"$T/cv.ids"
awk -F'\t' 'NR > 1 && $2 != "NA" && $3 != "NA" && $4 != "NA" { print $1 }' "$C" | sort >"$T/cvfull.ids"
comm -12 "$T/vcf.ids" "$T/ph.ids" | comm -12 - "$T/cvfull.ids" >"$T/an.ids"
NS=$(wc -l <"$T/an.ids")
no_pheno=$(comm -23 "$T/vcf.ids" "$T/ph.ids" | wc -l)
not_geno=$(comm -13 "$T/vcf.ids" "$T/ph.ids" | wc -l)
no_cov=$(comm -12 "$T/vcf.ids" "$T/ph.ids" | comm -23 - "$T/cv.ids" | wc -l)
miss_cov=$(comm -12 "$T/vcf.ids" "$T/ph.ids" | comm -12 - "$T/cv.ids" | comm -23 - "$T/cvfull.ids" | wc -l)
# a trait's values over the analysed samples
values() { awk -F'\t' -v c="$2" 'NR == FNR { an[$1] = 1; next } FNR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
    $1 in an { print $k }' "$T/an.ids" "$1"; }
n_q2=$(values "$P" q2 | grep -vc '^NA$')
cases=$(values "$P" b1 | grep -c '^1$') controls=$(values "$P" b1 | grep -c '^0$')
diag "$NS samples analysed; q2 has $n_q2; b1 $cases cases and $controls controls"

# --- helpers ------------------------------------------------------------------

# cmp.pl G5.tsv.gz PLINK2.glm.*: the rows of both, matched by POS:REF:ALT.
# Prints: rows in both, only in g5, only in plink2 (ERRCODE "."), plink2's
# UNFINISHED rows (left out), plink2's FIRTH?=Y among the compared and
# among the UNFINISHED rows, then the worst differences of the effect
# (beta; for logistic the OR against exp(beta)), the SE, -log10 p and the
# test statistic: relative, and for -log10 p |d| / max(1, |-log10 p|).
cat >"$T/cmp.pl" <<'EOF'
use strict; use warnings;
my ($g5, $pl) = @ARGV;
sub cols { chomp(my $h = shift); $h =~ s/^#//; my @h = split /\t/, $h; my %c; @c{@h} = 0 .. $#h; \%c }
sub rel { my ($x, $y) = @_; $x == $y ? 0 : $y ? abs($x - $y) / abs($y) : 9e99 }
sub mlog10 { my $p = shift; $p = 1e-320 if $p < 1e-320; -log($p) / log(10) }
sub dlp { my ($x, $y) = map { mlog10($_) } @_; abs($x - $y) / (abs($y) > 1 ? abs($y) : 1) }
open my $P, '<', $pl or die "$pl: $!\n";
my $c = cols(scalar <$P>);
my $or = exists $c->{OR};
my ($eff, $se, $st) = $or ? ('OR', 'LOG(OR)_SE', 'Z_STAT') : ('BETA', 'SE', 'T_STAT');
my (%pl, %skip);
my ($unf, $unf_firth, $firth) = (0, 0, 0);
while (<$P>) {
    chomp; my @f = split /\t/;
    my %r; @r{keys %$c} = @f[values %$c];
    die "$pl: A1 $r{A1} is not ALT $r{ALT}\n" if $r{A1} ne $r{ALT};
    my $k = "$r{POS}:$r{REF}:$r{ALT}";
    if ($r{ERRCODE} eq 'UNFINISHED') { $unf++; $unf_firth += ($r{'FIRTH?'} // '') eq 'Y'; $skip{$k} = 1; next }
    $pl{$k} = \%r if $r{ERRCODE} eq '.';
}
open my $G, '-|', 'gzip', '-dc', $g5 or die "$g5: $!\n";
my $g = cols(scalar <$G>);
my ($both, $only_g5, @w) = (0, 0, 0, 0, 0, 0);
while (<$G>) {
    chomp; my @f = split /\t/;
    my %r; @r{keys %$g} = @f[values %$g];
    my $k = "$r{base_pair_location}:$r{other_allele}:$r{effect_allele}";
    next if $skip{$k};
    my $p = delete $pl{$k} or do { $only_g5++; next };
    $both++;
    $firth += ($p->{'FIRTH?'} // '') eq 'Y';
    my @d = (rel($or ? exp($r{beta}) : $r{beta}, $p->{$eff}), rel($r{standard_error}, $p->{$se}),
             dlp($r{p_value}, $p->{P}), rel($r{z_score}, $p->{$st}));
    for my $i (0 .. 3) { $d[$i] = 9e99 if $d[$i] != $d[$i]; $w[$i] = $d[$i] if $d[$i] > $w[$i] }   # NaN: worst
}
close $G or die "$g5: cannot read\n";
printf "%d %d %d %d %d %d %.3g %.3g %.3g %.3g\n", $both, $only_g5, scalar(keys %pl), $unf, $firth, $unf_firth, @w;
EOF
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }

# linear_vs NAME G5.tsv.gz PLINK2.glm.linear [TOL]: rows, beta, SE, -log10 p, t
linear_vs() {
    local name=$1 tol=${4:-2e-5} r
    r=$(perl "$T/cmp.pl" "$2" "$3") || r="0 -1 -1 0 0 0 1 1 1 1"
    set -- $r
    [ "$1" -gt 0 ] && [ "$2" = 0 ] && [ "$3" = 0 ]
    ok $? "$name: the same $1 rows as plink2's ERRCODE \".\" ($2 only in g5, $3 only in plink2)"
    le "$7" "$tol"; ok $? "$name: beta within $tol relative (worst $7)"
    le "$8" "$tol"; ok $? "$name: SE within $tol relative (worst $8)"
    le "$9" "$tol"; ok $? "$name: -log10 p within $tol (worst $9)"
    le "${10}" "$tol"; ok $? "$name: z_score = T_STAT within $tol relative (worst ${10})"
}

# logistic_vs NAME G5.tsv.gz PLINK2.glm.logistic.hybrid: rows, OR, SE, -log10 p;
# sets FIRTH_PL (plink2's Firth rows, compared and UNFINISHED)
logistic_vs() {
    local name=$1 tol=1e-3 r
    r=$(perl "$T/cmp.pl" "$2" "$3") || r="0 -1 -1 0 0 0 1 1 1 1"
    set -- $r
    [ "$1" -gt 0 ] && [ "$2" = 0 ] && [ "$3" = 0 ]
    ok $? "$name: the same $1 rows as plink2's ERRCODE \".\" ($2 only in g5, $3 only in plink2)"
    [ "$4" -gt 0 ] && diag "$name: $4 rows plink2 left UNFINISHED (Firth did not converge) are not compared"
    le "$7" $tol; ok $? "$name: OR within $tol relative (worst $7)"
    le "$8" $tol; ok $? "$name: SE of ln(OR) within $tol relative (worst $8)"
    le "$9" $tol; ok $? "$name: -log10 p within $tol (worst $9)"
    FIRTH_PL="$5 $6"
}

# plink2 as the oracle: glm OUT ARGS...
glm() {
    local out=$1; shift
    plink2 --threads 2 --memory 1000 --silent --glm hide-covar omit-ref --1 --out "$out" "$@" >/dev/null 2>&1 ||
        diag "plink2 failed: see $out.log"
}
# the trait table of a log: column NAME (its first) of TRAIT's row
trait_col() {
    awk -F'\t' -v t="$2" -v c="$3" '/^#trait/ { for (i = NF; i >= 1; i--) if ($i == c) k = i; on = 1; next }
        on && !NF { on = 0 } on && $1 == t { print $k }' "$1"
}
# its statuses summed (tested ... no_fit)
status_sum() {
    awk -F'\t' -v t="$2" '/^#trait/ { for (i = 1; i <= NF; i++) { if ($i == "tested") a = i; if ($i == "no_fit") b = i }
        on = 1; next } on && !NF { on = 0 } on && $1 == t { s = 0; for (i = a; i <= b; i++) s += $i; print s }' "$1"
}
rows() { gzip -dc "$1" | tail -n +2 | wc -l; }

# --- against plink2: linear and logistic --------------------------------------

mkdir -p "$T/m2" "$T/m0" "$T/pl"
runs "q1, q2 and b1 on $(bcftools view -H "$V" | wc -l) variants, -@ 2" \
    "$G5" assoc -@ 2 --pheno "$P" --covar "$C" -o "$T/m2/a" "$V"
M=$T/m2/a
glm "$T/pl/o" --vcf "$V" --pheno "$P" --covar "$C"
is "$(grep '^samples:' "$M.log")" \
   "samples: $NS analysed; left out: $no_pheno genotyped without a row in \"$P\", $not_geno of \"$P\" not genotyped, $no_cov without a row in \"$C\", $miss_cov with a covariate missing" \
   "log: the samples matched, and each kind left out, counted"
linear_vs q1 "$M.q1.tsv.gz" "$T/pl/o.q1.glm.linear"
linear_vs "q2 (~10% NA: its own group)" "$M.q2.tsv.gz" "$T/pl/o.q2.glm.linear"
logistic_vs b1 "$M.b1.tsv.gz" "$T/pl/o.b1.glm.logistic.hybrid"
set -- $FIRTH_PL
g5firth=$(trait_col "$M.log" b1 firth)
diag "b1: g5 fitted $g5firth rows by Firth; plink2 $1 of the compared rows and $2 of the UNFINISHED ones"
is "$g5firth" "$(($1 + $2))" "b1: Firth fits, g5's count against plink2's FIRTH?=Y (compared + UNFINISHED rows)"

# --- missing genotypes --------------------------------------------------------

# every 100th record: each GT missing with probability 0.5%, 1%, 2% or 4%
cat >"$T/miss.pl" <<'EOF'
srand(20240611);
my $k = 0;
while (<STDIN>) {
    if (/^#/) { print; next }
    if ($k++ % 100 == 3) {
        my $rate = (0.005, 0.01, 0.02, 0.04)[int($k / 100) % 4];
        chomp; my @f = split /\t/;
        for my $i (9 .. $#f) { $f[$i] = './.' if rand() < $rate }
        $_ = join("\t", @f) . "\n";
    }
    print;
}
EOF
MV=$T/miss.vcf.gz
bcftools view "$V" | perl "$T/miss.pl" | bgzip >"$MV"
bcftools query -i 'GT="mis"' -f '%POS\t%ID\n' "$MV" >"$T/miss.sites"
diag "$(wc -l <"$T/miss.sites") variants with missing calls"
mkdir -p "$T/mi"
runs "missing calls" "$G5" assoc --pheno "$P" --covar "$C" -o "$T/mi/a" "$MV"
glm "$T/pl/mi" --vcf "$MV" --pheno "$P" --covar "$C" --pheno-name q1,q2
linear_vs "missing calls, q1" "$T/mi/a.q1.tsv.gz" "$T/pl/mi.q1.glm.linear"
linear_vs "missing calls, q2" "$T/mi/a.q2.tsv.gz" "$T/pl/mi.q2.glm.linear"
# b1 at the variants with missing calls, each against plink2 on it alone
plink2 --threads 2 --memory 1000 --silent --vcf "$MV" --make-pgen --out "$T/pl/mv" >/dev/null 2>&1
while read -r pos id; do
    glm "$T/pl/v$pos" --pfile "$T/pl/mv" --pheno "$P" --covar "$C" --pheno-name b1 --snp "$id"
done <"$T/miss.sites"
{ head -1 "$T/pl/o.b1.glm.logistic.hybrid"
  while read -r pos id; do tail -n +2 "$T/pl/v$pos.b1.glm.logistic.hybrid"; done <"$T/miss.sites"; } >"$T/pl/alone.b1"
gzip -dc "$T/mi/a.b1.tsv.gz" | awk -F'\t' 'NR == FNR { m[$1 ":" $2] = 1; next } FNR == 1 || ($2 ":" $9) in m' "$T/miss.sites" - |
    gzip >"$T/mi/b1.missing.tsv.gz"
logistic_vs "missing calls, b1 (each variant against plink2 on it alone)" "$T/mi/b1.missing.tsv.gz" "$T/pl/alone.b1"

# --- dosages ------------------------------------------------------------------

# every 8th record gets FORMAT/DS: the GT's ALT count moved towards 1 by
# k/1024 (k < 64), exact in plink2's dosage units (1/16384), within [0, 2]
cat >"$T/ds.pl" <<'EOF'
srand(20240611);
my $k = 0;
while (<STDIN>) {
    if (/^##/) { print; next }
    if (/^#/) { print qq(##FORMAT=<ID=DS,Number=A,Type=Float,Description="ALT dosage">\n), $_; next }
    next if $k++ % 8;
    chomp; my @f = split /\t/;
    $f[8] = 'GT:DS';
    for my $i (9 .. $#f) {
        my $g = () = $f[$i] =~ /1/g;
        my $d = $g + ($g == 2 ? -1 : $g == 0 ? 1 : rand() < 0.5 ? -1 : 1) * int(rand(64)) / 1024;
        $f[$i] .= ':' . sprintf('%.10g', $d);
    }
    print join("\t", @f), "\n";
}
EOF
DV=$T/ds.vcf.gz
bcftools view "$V" | perl "$T/ds.pl" | bgzip >"$DV"
mkdir -p "$T/ds"
runs "--dosage DS ($(bcftools view -H "$DV" | wc -l) variants)" \
    "$G5" assoc --dosage DS --traits q1,q2 --pheno "$P" --covar "$C" -o "$T/ds/a" "$DV"
glm "$T/pl/ds" --vcf "$DV" dosage=DS --pheno "$P" --covar "$C" --pheno-name q1,q2
linear_vs "--dosage DS, q1" "$T/ds/a.q1.tsv.gz" "$T/pl/ds.q1.glm.linear"
linear_vs "--dosage DS, q2" "$T/ds/a.q2.tsv.gz" "$T/pl/ds.q2.glm.linear"

# --- PLINK 1 ------------------------------------------------------------------

plink2 --threads 2 --memory 1000 --silent --vcf "$V" --make-bed --out "$T/pl/b" >/dev/null 2>&1
mkdir -p "$T/bed"
runs "PLINK 1 .bed from plink2 --make-bed" "$G5" assoc --traits q1 --pheno "$P" --covar "$C" -o "$T/bed/a" "$T/pl/b.bed"
# the .bim's A1 is the VCF's ALT: the same rows, but ref_allele unknown
gzip -dc "$T/bed/a.q1.tsv.gz" | cut -f1-10,12 >"$T/bed.rows"
gzip -dc "$M.q1.tsv.gz" | cut -f1-10,12 >"$T/vcf.rows"
same_file "$T/bed.rows" "$T/vcf.rows" "PLINK 1: the rows of the VCF, text for text ($(rows "$M.q1.tsv.gz"))"
is "$(gzip -dc "$T/bed/a.q1.tsv.gz" | tail -n +2 | cut -f11 | sort -u)" "#NA" "PLINK 1: ref_allele #NA (a .bim does not say which is REF)"

# --- filters ------------------------------------------------------------------

# q1 on the analysed samples: plink2 filters on all its samples, so --keep
mkdir -p "$T/f"
for f in "maf 0.05 maf" "mac 5 mac" "hwe 1e-4 hwe" "geno 0.01 call_rate"; do
    set -- $f
    in=$V; [ "$1" = geno ] && in=$MV
    runs "--$1 $2" "$G5" assoc --traits q1 --$1 $2 --pheno "$P" --covar "$C" -o "$T/f/$1" "$in"
    glm "$T/pl/f$1" --vcf "$in" --keep "$T/an.ids" --pheno "$P" --covar "$C" --pheno-name q1 --$1 $2
    got=$(rows "$T/f/$1.q1.tsv.gz")
    is "$got" "$(awk '$NF == "."' "$T/pl/f$1.q1.glm.linear" | wc -l)" "--$1 $2: $got rows, as plink2 --$1 $2"
    log=$T/f/$1.log
    is "$(trait_col "$log" q1 tested) $(status_sum "$log" q1)" "$got $(sed -n 's/^variants: [0-9]* read, \([0-9]*\) tested.*/\1/p' "$log")" \
       "--$1 $2: log: tested = the rows; the statuses add up to the variants read"
    n=$(trait_col "$log" q1 $3)
    [ "${n:-0}" -gt 0 ]; ok $? "--$1 $2: log: $n variants left out in column $3"
done

# --- a triallelic site --------------------------------------------------------

# the first 30 samples: five sites, one of them (200) A>C,G
cat >"$T/multi.pl" <<'EOF'
srand(20240611);
my @s = @ARGV;
print "##fileformat=VCFv4.2\n##contig=<ID=20>\n",
      qq(##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n),
      join("\t", qw(#CHROM POS ID REF ALT QUAL FILTER INFO FORMAT), @s), "\n";
for my $site ([100, 'A', 'G', 0.3], [200, 'A', 'C,G', 0.3, 0.25], [300, 'T', 'C', 0.4], [400, 'G', 'T', 0.2],
              [500, 'C', 'A', 0.45]) {
    my ($pos, $ref, $alt, @f) = @$site;
    my $allele = sub { my $u = rand(); my $a = 0; for (@f) { $a++; return $a if ($u -= $_) < 0 } 0 };
    print join("\t", 20, $pos, "rs$pos", $ref, $alt, '.', '.', '.', 'GT', map { $allele->() . '/' . $allele->() } @s), "\n";
}
EOF
perl "$T/multi.pl" $(bcftools query -l "$V" | head -30) >"$T/multi.vcf"
bcftools norm -m -any -o "$T/split.vcf" "$T/multi.vcf" 2>/dev/null
mkdir -p "$T/mu"
runs "a triallelic site" "$G5" assoc --pheno "$P" --covar "$C" -o "$T/mu/m" "$T/multi.vcf"
runs "the same split by bcftools norm -m -any" "$G5" assoc --pheno "$P" --covar "$C" -o "$T/mu/s" "$T/split.vcf"
is "$(gzip -dc "$T/mu/m.q1.tsv.gz" | awk -F'\t' '$2 == 200 { printf "%s>%s ", $4, $3 }')" "A>C A>G " \
   "two rows at the triallelic site, one per ALT as effect allele"
for t in q1 q2 b1; do
    gzip -dc "$T/mu/m.$t.tsv.gz" >"$T/mu/m.$t"; gzip -dc "$T/mu/s.$t.tsv.gz" >"$T/mu/s.$t"
    same_file "$T/mu/m.$t" "$T/mu/s.$t" "$t: the triallelic file's rows equal the split file's"
done

# --- binary 1/2, the dictionary -----------------------------------------------

awk -F'\t' -v OFS='\t' 'NR > 1 && $4 != "NA" { $4 += 1 } 1' "$P" >"$T/pheno12.tsv"
mkdir -p "$T/b12"
runs "b1 coded 1/2" "$G5" assoc --traits b1 --pheno "$T/pheno12.tsv" --covar "$C" -o "$T/b12/a" "$V"
gzip -dc "$T/b12/a.b1.tsv.gz" >"$T/b12.rows"; gzip -dc "$M.b1.tsv.gz" >"$T/b01.rows"
same_file "$T/b12.rows" "$T/b01.rows" "b1 coded 1/2: the same file as 0/1"
is "$(trait_col "$T/b12/a.log" b1 type_from)" "values 1/2 only: binary, 1 control and 2 case as plink" "and the log says how it was read"

awk -F'\t' -v OFS='\t' '{ print $0, NR == 1 ? "bq" : ($2 > 1.6 ? 1 : 0) }' "$P" >"$T/phenod.tsv"
printf 'trait\ttype\tunit\tdescription\nbq\tquantitative\t-\tA score that happens to be 0 or 1\nq1\tquantitative\tkg\tBody weight\n' >"$T/dict.tsv"
mkdir -p "$T/dict"
runs "--dict: bq (0/1 values) declared quantitative" "$G5" assoc --dict "$T/dict.tsv" --traits bq,q1 \
    --pheno "$T/phenod.tsv" --covar "$C" -o "$T/dict/a" "$V"
is "$(trait_col "$T/dict/a.log" bq type) $(trait_col "$T/dict/a.log" bq type_from)" "quantitative from the dictionary" \
   "--dict: the log says bq is quantitative, from the dictionary"
is "$(gzip -dc "$T/dict/a.bq.tsv.gz" | head -1 | awk -F'\t' '{ print NF }')" 12 "--dict: bq's file has a linear model's columns"
is "$(sed -n '/^trait_description:/{n;p}' "$T/dict/a.bq.tsv.gz-meta.yaml")" '  - "A score that happens to be 0 or 1"' \
   "--dict: YAML trait_description is the dictionary's description"
is "$(sed -n '/^trait_description:/{n;p}' "$T/dict/a.q1.tsv.gz-meta.yaml")" '  - "Body weight (kg)"' \
   "--dict: and with a unit, \"description (unit)\" (pheno.h)"

# --- outputs ------------------------------------------------------------------

H=$(echo chromosome base_pair_location effect_allele other_allele beta standard_error effect_allele_frequency \
    p_value rsid n ref_allele z_score | tr ' ' '\t')
is "$(gzip -dc "$M.q1.tsv.gz" | head -1)" "$H" "GWAS-SSF header of a quantitative trait"
is "$(gzip -dc "$M.b1.tsv.gz" | head -1)" "$H"$'\tn_cases\tn_controls' "GWAS-SSF header of a binary trait"
is "$(tabix -l "$M.q1.tsv.gz")" 20 "tabix -l: chromosome 20"
tabix "$M.q1.tsv.gz" 20:1200000-1250000 >"$T/region.got"
gzip -dc "$M.q1.tsv.gz" | awk -F'\t' 'NR > 1 && $2 >= 1200000 && $2 <= 1250000' >"$T/region.want"
[ -s "$T/region.want" ] && cmp -s "$T/region.got" "$T/region.want"
ok $? "tabix 20:1200000-1250000: the file's $(wc -l <"$T/region.want") rows there"
for t in q1 q2 b1; do
    y=$M.$t.tsv.gz-meta.yaml
    is "$(sed -n 's/^data_file_md5sum: //p' "$y")" "$(md5sum <"$M.$t.tsv.gz" | cut -d' ' -f1)" "$t: YAML data_file_md5sum is the file's"
    is "$(sed -n 's/^data_file_name: //p' "$y")" "\"a.$t.tsv.gz\"" "$t: YAML data_file_name"
done
is "$(sed -n 's/^  - sample_size: //p' "$M.q1.tsv.gz-meta.yaml") $(trait_col "$M.log" q1 n)" "$NS $NS" "q1: sample_size and the log's n: the $NS analysed"
is "$(sed -n 's/^  - sample_size: //p' "$M.q2.tsv.gz-meta.yaml") $(trait_col "$M.log" q2 n)" "$n_q2 $n_q2" "q2: sample_size and n: the $n_q2 with a value"
is "$(sed -n 's/^    \(case\|control\)_count: //p' "$M.b1.tsv.gz-meta.yaml" | paste -sd ' ')" "$cases $controls" \
   "b1: YAML case_count and control_count: the analysed samples' 1s and 0s"
is "$(trait_col "$M.log" b1 cases) $(trait_col "$M.log" b1 controls)" "$cases $controls" "b1: and the log's"
png=0 svg=0
for t in q1 q2 b1; do for k in manhattan qq; do
    [ "$(head -c 8 "$M.$t.$k.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && png=$((png + 1))
    grep -q '<svg' "$M.$t.$k.svg" && svg=$((svg + 1))
done; done
is "$png $svg" "6 6" "Manhattan and QQ plots of each trait: PNG signatures, SVG documents"
lambdas=$(for t in q1 q2 b1; do trait_col "$M.log" $t lambda; done | paste -sd ' ')
echo "$lambdas" | awk '{ for (i = 1; i <= 3; i++) if ($i !~ /^[0-9]+\.[0-9]+$/ || $i <= 0) exit 1; exit NF != 3 }'
ok $? "log: a lambda for each trait ($lambdas)"
top=$(gzip -dc "$M.q1.tsv.gz" | tail -n +2 | sort -s -t$'\t' -k8,8g | head -1 | awk -F'\t' -v OFS='\t' '{ print "q1", $1, $2, $3, $4, $5, $6, $8 }')
is "$(sed -n '/^#top/,$p' "$M.log" | awk -F'\t' '$1 == "q1"' | head -1)" "$top" "log: #top, q1's first hit is its file's smallest p"

runs "the same at -@ 0" "$G5" assoc -@ 0 --pheno "$P" --covar "$C" -o "$T/m0/a" "$V"
is "$(cd "$T/m0" && ls)" "$(cd "$T/m2" && ls)" "-@ 0 and -@ 2: the same $(ls "$T/m2" | wc -l) files"
differ=$(cd "$T/m0" && for f in *; do [ "$f" = a.log ] || cmp -s "$f" "../m2/$f" || printf '%s ' "$f"; done)
is "$differ" "" "-@ 0 and -@ 2: .tsv.gz, .tbi, -meta.yaml, PNG and SVG byte for byte"
grep -v '^# g5 assoc' "$T/m0/a.log" >"$T/log0"; grep -v '^# g5 assoc' "$M.log" >"$T/log2"
same_file "$T/log0" "$T/log2" "-@ 0 and -@ 2: the logs but for the command line"

# --- traits -------------------------------------------------------------------

mkdir -p "$T/tr"
runs "--traits q1,b1" "$G5" assoc --traits q1,b1 --pheno "$P" --covar "$C" -o "$T/tr/a" "$V"
is "$(cd "$T/tr" && ls | sed -n 's/^a\.\([^.]*\)\.tsv\.gz$/\1/p' | paste -sd ' ')" "b1 q1" "--traits q1,b1: only those"
ls "$T/tr" | grep -q q2; ok $((!$?)) "--traits q1,b1: nothing of q2"

awk -F'\t' -v OFS='\t' '{ print $1, $2, NR == 1 ? "none" : 0, NR == 1 ? "empty" : "NA" }' "$P" >"$T/edge.tsv"
skipped() { # trait reason
    local t=$1 why=$2
    rm -rf "$T/sk" && mkdir -p "$T/sk"
    exits 0 "$t ($why): skipped, exit 0" "$G5" assoc --traits q1,$t --pheno "$T/edge.tsv" --covar "$C" -o "$T/sk/a" "$V"
    stderr_has "trait \"$t\" skipped: $why" "$t: the reason on stderr"
    grep -q "^$t"$'\t'".*"$'\t'"skipped: $why\$" "$T/sk/a.log"; ok $? "$t: and in the log's trait table"
    [ -s "$T/sk/a.q1.tsv.gz" ] && ! ls "$T/sk" | grep -q "a\.$t\."; ok $? "$t: q1 written, nothing of $t"
    rm -rf "$T/sk" && mkdir -p "$T/sk"
    exits 1 "$t with --strict: exit 1" "$G5" assoc --strict --traits q1,$t --pheno "$T/edge.tsv" --covar "$C" -o "$T/sk/a" "$V"
    stderr_has "trait \"$t\": $why" "$t with --strict: names the trait and why"
    is "$(ls -A "$T/sk")" "" "$t with --strict: nothing left"
}
skipped none "all $NS samples with a value are controls"
skipped empty "no values"
rm -rf "$T/sk" && mkdir -p "$T/sk"
exits 0 "--min-cases above b1's cases: b1 skipped" \
    "$G5" assoc --min-cases $((cases + 1)) --traits q1,b1 --pheno "$P" --covar "$C" -o "$T/sk/a" "$V"
stderr_has "trait \"b1\" skipped: $cases cases and $controls controls: fewer than --min-cases $((cases + 1))" \
    "--min-cases: the reason, with the counts"
[ -s "$T/sk/a.q1.tsv.gz" ] && [ ! -e "$T/sk/a.b1.tsv.gz" ]; ok $? "--min-cases: q1 written, b1 not"

# --- bad input ----------------------------------------------------------------

bad() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" assoc -o "$T/bad/x" "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says why ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: nothing under PREFIX.* left"
}
awk -F'\t' -v OFS='\t' 'NR == 10 { $3 = "abc" } 1' "$P" >"$T/nonnum.tsv"
bad "a phenotype that is not a number" "\"$T/nonnum.tsv\" line 10, column 3 (q2): \"abc\" is not a number" \
    --pheno "$T/nonnum.tsv" --covar "$C" "$V"
{ cat "$P"; sed -n 5p "$P"; } >"$T/dup.tsv"
bad "an IID twice" "\"$T/dup.tsv\" line $(wc -l <"$P" | awk '{ print $1 + 1 }'): IID \"$(sed -n 5p "$P" | cut -f1)\" again (first on line 5)" \
    --pheno "$T/dup.tsv" --covar "$C" "$V"
sed '2,$s/^/X/' "$P" >"$T/nobody.tsv"
bad "no sample in both the VCF and the phenotypes" "no sample is in both \"$V\" (300 samples) and \"$T/nobody.tsv\"" \
    --pheno "$T/nobody.tsv" --covar "$C" "$V"
awk -F'\t' -v OFS='\t' '{ print $0, NR == 1 ? "batch" : 3 }' "$C" >"$T/const.tsv"
bad "a constant covariate" "\"$T/const.tsv\" column 5 (batch): the covariate is constant" --pheno "$P" --covar "$T/const.tsv" "$V"
awk -F'\t' -v OFS='\t' '{ print $0, NR == 1 ? "age2" : $3 == "NA" ? "NA" : 2 * $3 + 1 }' "$C" >"$T/coll.tsv"
bad "collinear covariates (age2 = 2 age + 1)" "\"$T/coll.tsv\" column 5 (age2): the covariate is a combination of the ones before it" \
    --pheno "$P" --covar "$T/coll.tsv" "$V"
bcftools view -G -Oz -o "$T/sites.vcf.gz" "$V"
bad "a VCF of sites only" "\"$T/sites.vcf.gz\" has no FORMAT/GT" --pheno "$P" --covar "$C" "$T/sites.vcf.gz"
bcftools annotate -x FORMAT/GT -Oz -o "$T/nogt.vcf.gz" "$V"
bad "a VCF whose FORMAT has no GT" "\"$T/nogt.vcf.gz\" has no FORMAT/GT" --pheno "$P" --covar "$C" "$T/nogt.vcf.gz"
bcftools view "$V" | awk -F'\t' -v OFS='\t' '!/^#/ { $9 = "XX" } 1' >"$T/gtless.vcf"
bad "records that carry no GT (the header declares it)" "no variant could be tested for any trait; most were left out for too few samples with a genotype" \
    --pheno "$P" --covar "$C" "$T/gtless.vcf"
bad "--dosage DS on a VCF without DS" "\"$V\" has no FORMAT/DS" --dosage DS --pheno "$P" --covar "$C" "$V"
{ printf '##fileformat=VCFv4.2\n##contig=<ID=1>\n##contig=<ID=2>\n##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
  printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT'; bcftools query -l "$V" | head -30 | sed 's/^/\t/' | tr -d '\n'; echo
  for r in "2 100 A G" "2 200 C T" "1 300 G A"; do
      set -- $r; printf '%s\t%s\t.\t%s\t%s\t.\t.\t.\tGT' $1 $2 $3 $4
      for i in $(seq 30); do printf '\t%d/%d' $(((i * 7 + $2) % 3 != 0)) $(((i * 5 + $2) % 4 == 0)); done; echo
  done; } >"$T/order.vcf"
bad "chromosome 1 after chromosome 2" "\"$T/order.vcf\" record 3: 1:300 comes after 2:200" --pheno "$P" --covar "$C" "$T/order.vcf"
size=$(stat -c %s "$V")
head -c $((size / 2)) "$V" >"$T/cut.vcf.gz"
bad "a bgzipped VCF cut in the middle" "cannot read \"$T/cut.vcf.gz\": truncated" --pheno "$P" --covar "$C" "$T/cut.vcf.gz"
bad "a bgzipped VCF cut in the middle, -@ 2" "cannot read \"$T/cut.vcf.gz\"" -@ 2 --pheno "$P" --covar "$C" "$T/cut.vcf.gz"
# cut at the end of a BGZF block: only the missing EOF block tells
perl -e 'local $/; my $d = <STDIN>; my ($o, @b) = (0);
    while ($o < length $d) { push @b, $o; $o += unpack("v", substr($d, $o + 16, 2)) + 1 } print $b[@b / 2]' <"$V" >"$T/boundary"
head -c "$(cat "$T/boundary")" "$V" >"$T/cutb.vcf.gz"
bad "a bgzipped VCF cut between blocks" "cannot read \"$T/cutb.vcf.gz\"" --pheno "$P" --covar "$C" "$T/cutb.vcf.gz"

usage() { # description args...
    local desc=$1; shift
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 2 "$desc: a usage error" "$G5" assoc "$@"
    is "$(ls -A "$T/bad")" "" "$desc: nothing written"
}
usage "no --pheno" -o "$T/bad/x" "$V"
stderr_has "--pheno" "no --pheno: says so"
usage "no -o" --pheno "$P" "$V"
stderr_has "-o PREFIX" "no -o: says so"
usage "--firth sometimes" --firth sometimes --pheno "$P" -o "$T/bad/x" "$V"
stderr_has "--firth wants fallback, always or never" "--firth: names the modes"
usage "--assembly hg19" --assembly hg19 --pheno "$P" -o "$T/bad/x" "$V"
stderr_has "--assembly wants GRCh38" "--assembly: names the list"
exits 0 "-h exits 0" "$G5" assoc -h
grep -q '^Usage: g5 assoc' "$T/stdout"; ok $? "-h prints usage on stdout"

# a plot that cannot be put in place fails the run and takes its trait's files with it
rm -rf "$T/late" && mkdir -p "$T/late/x.q1.qq.png"
exits 1 "a QQ plot that cannot be written fails the run" \
    "$G5" assoc --pheno "$P" --covar "$C" --traits q1 -o "$T/late/x" "$V"
stderr_has 'cannot write "'"$T"'/late/x.q1.qq.png": Is a directory' "saying which file and why"
is "$(ls "$T/late")" "x.q1.qq.png" "nothing else is left: no GWAS-SSF, index, sidecar or Manhattan plot"

# A disk that fills up (a tmpfs, root only).  The q1 run needs about 300 KiB
# at its peak; from 64 KiB up in 4 KiB steps the disk fills while the rows
# are written, at their end, with the index, the sidecar, the plot points,
# or a plot (each seen on Debian 12).  Each is an error naming the file, with
# nothing left behind.
mkdir -p "$T/full"
for size in 64 $(seq 100 4 160) 192 224; do
    mount -t tmpfs -o size=${size}k tmpfs "$T/full" 2>/dev/null || break
    exits 1 "a full disk of $size KiB: exits 1" "$G5" assoc --pheno "$P" --covar "$C" --traits q1 -o "$T/full/x" "$V"
    grep -Eq "cannot (write|finish|keep the plot points of) \"$T/full/x[^\"]*\"( on disk)?: No space left on device" "$T/stderr"
    ok $? "$size KiB: names the file and the cause: $(grep -o 'cannot.*' "$T/stderr" | head -1)"
    is "$(ls -A "$T/full")" "" "$size KiB: nothing is left on the disk"
    umount "$T/full"
done

done_testing
