#!/bin/bash
# sampleqc.t -- g5 sampleqc against plink2 --het, and by hand, on real
# genotypes.
#
# Data: the 300 samples of 1000 Genomes in Debian's shapeit4-example, the
# 7,568 records of chr20:1,000,000-2,000,000 (all biallelic; 1,551 of them
# monomorphic among these samples), with perl (fixed seed: perl's rand is
# drand48, the same on every machine) adding
#   INBRED  HG00100's first haplotype twice: homozygous everywhere;
#   two triallelic records (an ALT added to an SNV, four samples given it);
#   1% of calls ./., 0.1% half-missing (0/. or .|1: missing to g5, and to
#   plink2 with --vcf-half-call missing).
# Oracles:
#   - plink2 --het --max-alleles 2 (g5 leaves multiallelic records out of F):
#     O(HOM) and OBS_CT exactly; E(HOM) and F within half a unit of plink2's
#     6th significant digit plus half of g5's 7th;
#   - n_called, n_het, n_ts and n_tv counted by awk from bcftools query (every
#     sample), and the rates from them;
#   - het_outlier: |F - mean| > k sd recomputed from the table.
# A second, simulated set checks the sex: 2,000 common chr20 variants moved to
# X between 3 Mb and 149 Mb (and two at the PAR bounds' inner sides), 30 more
# inside the PARs, 40 on Y.  On X each sample is a mosaic of panel haplotypes
# (new ones every 10 records, so the 2 Mb of LD behave like a long X): 60
# females (two haplotypes), 6 males with haploid calls, 6 with diploid
# homozygous ones, AMB (two haplotypes at 40% of the sites, one twice at the
# rest: an X F near 0.55) and NOX (no X call).  In the PARs everyone is
# diploid, heterozygous where the sample's haplotypes differ.  Males and AMB
# and NOX have Y calls, M03 missing two; females none.  x_obs, x_F and y_called
# against a perl count (xf.pl), the verdicts against a --sex file naming most
# samples right, two wrong, some unknown.
. "$(dirname "$0")/lib.sh"

REFVCF=/usr/share/doc/shapeit4/examples/test/reference.vcf.gz
[ -r "$REFVCF" ] || skip_all "shapeit4-example not installed ($REFVCF)"
for t in plink2 bcftools bgzip perl; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

V=$T/a.vcf.gz
cat >"$T/gen.pl" <<'EOF'
use strict; use warnings;
srand(20241122);
my ($inb, %col, $k) = ('HG00100');
while (<STDIN>) {
    if (/^##/) { print; next }
    chomp; my @f = split /\t/;
    if (/^#CHROM/) { @col{@f} = 0 .. $#f; print join("\t", @f, 'INBRED'), "\n"; next }
    my $h = substr($f[$col{$inb}], 0, 1);
    push @f, "$h|$h";
    if (++$k % 2500 == 1000 && length($f[3]) == 1 && length($f[4]) == 1) {
        my ($b) = grep { $_ ne $f[3] && $_ ne $f[4] } qw(A C G T);
        $f[4] .= ",$b";
        $f[9 + int(rand(300))] = $_ for qw(0/2 0/2 1/2 2/2);
    }
    for (@f[9 .. $#f]) {
        my $r = rand();
        $_ = $r < 0.01 ? './.' : $r < 0.0105 ? '0/.' : $r < 0.011 ? '.|1' : $_;
    }
    print join("\t", @f), "\n";
}
EOF
bcftools view -r 20:1000000-2000000 "$REFVCF" 2>/dev/null | perl "$T/gen.pl" | bgzip >"$V" &&
    [ "$(bcftools view -H "$V" | wc -l)" -gt 7000 ] || skip_all "cannot read $REFVCF"
NV=$(bcftools view -H "$V" | wc -l)
NS=$(bcftools query -l "$V" | wc -l)
NMULTI=$(bcftools view -H -m3 "$V" | wc -l)
diag "$NS samples, $NV records ($NMULTI triallelic), $(bcftools query -f '[%GT\n]' "$V" | grep -c '\.') calls missing"

# the table's rows (no provenance line, no header)
rows() { grep -v '^#' "$1" | tail -n +2; }
# same_table GOT WANT DESCRIPTION: same_file, and GOT not empty (a run that
# failed leaves nothing to compare)
same_table() {
    if [ -s "$1" ]; then same_file "$@"; else ok 1 "$3"; diag "$1: empty"; fi
}
# le A B: A <= B (numbers)
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }

# --- against plink2 --het --------------------------------------------------------

mkdir -p "$T/a" "$T/pl"
A=$T/a/q
runs "$NS samples, $NV records, -@ 2" "$G5" sampleqc -@ 2 -o "$A" "$V"
is "$(sed -n 2p "$A.sampleqc.tsv")" "$(printf 'sample\tn_records\tn_called\tcall_rate\tn_het\thet_rate\tO_HOM\tE_HOM\tOBS_CT\tF\thet_outlier\tn_ts\tn_tv\tts_tv\tx_obs\tx_F\ty_called\tinferred_sex\tdeclared_sex\tsex_check')" \
   "header after the provenance line"
grep -q '^# g5 sampleqc .*: .*sampleqc -@ 2 -o ' "$A.sampleqc.tsv"; ok $? "first line: '# g5 sampleqc VERSION: COMMAND'"
is "$(rows "$A.sampleqc.tsv" | wc -l)" "$NS" "one row per sample"
is "$(rows "$A.sampleqc.tsv" | cut -f1)" "$(bcftools query -l "$V")" "rows in the VCF's sample order"

plink2 --threads 2 --memory 1000 --vcf "$V" --vcf-half-call missing --max-alleles 2 --het --out "$T/pl/het" \
    >/dev/null 2>&1 || diag "plink2 --het failed: see $T/pl/het.log"
# cmp.pl G5.tsv PLINK2.het: 1 samples in both  2 only in one  3 O_HOM differing
#   4 OBS_CT differing  5 E_HOM off  6 worst E_HOM |d| in units of plink2's 6th
#   digit  7 F off  8 worst F |d| in those units  9 worst |d| E_HOM  10 F
cat >"$T/cmp.pl" <<'EOF'
use strict; use warnings;
my ($g5, $pl) = @ARGV;
# a unit of the 6th (plink2) or 7th (g5) significant digit of x
sub unit { my ($x, $d) = @_; $x = abs $x; $x ? 10 ** (int(log($x) / log(10) + 100) - 100 - $d + 1) : 0 }
open my $P, '<', $pl or die "$pl: $!\n"; scalar <$P>;
my %p; while (<$P>) { chomp; my @f = split /\t/; $p{$f[0]} = \@f }
open my $G, '<', $g5 or die "$g5: $!\n";
my ($both, $only, $oh, $ob, $eb, $eu, $fb, $fu, $ed, $fd) = (0) x 10;
while (<$G>) {
    next if /^#|^sample\t/;
    chomp; my @f = split /\t/;
    my $q = delete $p{$f[0]} or do { $only++; next };
    $both++;
    $oh++ if $f[6] ne $q->[1];
    $ob++ if $f[8] ne $q->[3];
    for ([7, 2, \$eb, \$eu, \$ed], [9, 4, \$fb, \$fu, \$fd]) {
        my ($gi, $pi, $bad, $worst, $wd) = @$_;
        my ($a, $b) = ($f[$gi], $q->[$pi]);
        my $d = abs($a - $b); $d = 9e99 if $d != $d;
        my $u = unit($b, 6);
        $$wd = $d if $d > $$wd;
        if ($u) { $$worst = $d / $u if $d / $u > $$worst } elsif ($d) { $$worst = 9e99 }
        $$bad++ if $d > 0.5 * $u + 0.5 * unit($a, 7) + 1e-12;
    }
}
$only += keys %p;
printf "%d %d %d %d %d %.3g %d %.3g %.3g %.3g\n", $both, $only, $oh, $ob, $eb, $eu, $fb, $fu, $ed, $fd;
EOF
set -- $(perl "$T/cmp.pl" "$A.sampleqc.tsv" "$T/pl/het.het" || echo 0 -1 -1 -1 -1 9 -1 9 9 9)
[ "$1" = "$NS" ] && [ "$2" = 0 ]; ok $? "plink2 --het: the same $1 samples ($2 in one only)"
is "$3" 0 "O_HOM exactly plink2's O(HOM) ($3 differ)"
is "$4" 0 "OBS_CT exactly plink2's OBS_CT ($4 differ)"
[ "$5" = 0 ] && le "$6" 0.55
ok $? "E_HOM within half a unit of plink2's last digit (worst ${6} units, |d| <= ${9}; $5 off)"
[ "$7" = 0 ] && le "$8" 0.55
ok $? "F within half a unit of plink2's last digit (worst ${8} units, |d| <= ${10}; $7 off)"
n=$(sed -n 's/^Warning: \([0-9]*\) autosomal variants skipped because they were monomorphic.*/\1/p' "$T/pl/het.log")
diag "plink2 left out ${n:-?} monomorphic variants, as g5 does"
# plink2 without --max-alleles 2 counts the triallelic records too
plink2 --threads 2 --memory 1000 --vcf "$V" --vcf-half-call missing --het --out "$T/pl/het3" >/dev/null 2>&1
diag "plink2 --het with the $NMULTI triallelic records: O(HOM) not g5's for $(awk -F'\t' 'NR == FNR { if (FNR > 1) o[$1] = $2; next }
    !/^#/ && $1 in o && o[$1] != $7 { n++ } END { print n + 0 }' "$T/pl/het3.het" "$A.sampleqc.tsv") samples (g5: multiallelic records in the call rate only)"

# --- call rate, heterozygotes, Ts/Tv by hand ---------------------------------------

# hand.awk on bcftools query -f '%CHROM\t%REF\t%ALT[\t%GT]\n', per sample:
#   n_called  records where its GT has no '.';
#   n_het     autosomal biallelic records that vary among the called alleles,
#             where it has a diploid call with one ALT;
#   n_ts/n_tv biallelic SNVs where it has a call carrying the ALT:
#             A<->G and C<->T transitions, the rest transversions
cat >"$T/hand.awk" <<'EOF'
BEGIN { FS = OFS = "\t"; ts["A,G"] = ts["G,A"] = ts["C,T"] = ts["T,C"] = 1 }
{
    bi = $3 !~ /,/
    snv = bi && $2 ~ /^[ACGT]$/ && $3 ~ /^[ACGT]$/
    auto = $1 ~ /^(chr)?([1-9]|1[0-9]|2[0-2])$/
    ac = an = 0
    for (i = 4; i <= NF; i++) {
        na[i] = split($i, a, /[\/|]/); miss[i] = $i ~ /\./; alt[i] = 0
        for (j = 1; j <= na[i]; j++) alt[i] += a[j] == "1"
        if (!miss[i]) { ac += alt[i]; an += na[i] }
    }
    varies = ac > 0 && ac < an
    for (i = 4; i <= NF; i++) {
        if (miss[i]) continue
        called[i]++
        if (bi && auto && varies && na[i] == 2 && alt[i] == 1) nhet[i]++
        if (snv && alt[i]) { if (($2 "," $3) in ts) nts[i]++; else ntv[i]++ }
    }
    n = NF
}
END { for (i = 4; i <= n; i++) print called[i] + 0, nhet[i] + 0, nts[i] + 0, ntv[i] + 0 }
EOF
# by_hand VCF OUT: sample n_called n_het n_ts n_tv
by_hand() {
    bcftools query -f '%CHROM\t%REF\t%ALT[\t%GT]\n' "$1" | awk -f "$T/hand.awk" >"$2.tmp"
    bcftools query -l "$1" | paste - "$2.tmp" >"$2"
}
# the rates of a table against its counts (half a unit of the 7th digit):
# call_rate = n_called / n_records, het_rate = n_het / OBS_CT, ts_tv = n_ts / n_tv
rates() {
    rows "$1" | awk -F'\t' 'function off(got, x,  u, d) { if (x == 0) return got != 0
            u = 10 ^ (int(log(x < 0 ? -x : x) / log(10) + 100) - 106); d = got - x; if (d < 0) d = -d; return d > 0.5 * u * (1 + 1e-9) }
        { bad += off($4, $3 / $2) + off($6, $5 / $9) + ($13 ? off($14, $12 / $13) : $14 != "NA") } END { print bad + 0 }'
}
by_hand "$V" "$T/hand.a"
rows "$A.sampleqc.tsv" | cut -f1,3,5,12,13 >"$T/got.a"
same_table "$T/got.a" "$T/hand.a" "n_called, n_het, n_ts, n_tv of every sample as counted by hand"
is "$(rows "$A.sampleqc.tsv" | cut -f2 | sort -u)" "$NV" "n_records: the $NV records"
is "$(rates "$A.sampleqc.tsv")" 0 "call_rate, het_rate, ts_tv: the counts' ratios to 7 digits"
diag "calls per sample $(cut -f2 "$T/hand.a" | sort -n | sed -n '1p;$p' | paste -sd-), Ts/Tv $(rows "$A.sampleqc.tsv" | cut -f14 | sort -g | sed -n '1p;$p' | paste -sd-)"
is "$(sed -n 's/^records: //p' "$A.log")" "$NV ($NMULTI multiallelic: in the call rate only)" "log: records, the multiallelic ones"
is "$(grep '^samples:' "$A.log")" "samples: $NS in \"$V\"" "log: the samples"

# --- F outliers ---------------------------------------------------------------------

is "$(rows "$A.sampleqc.tsv" | awk -F'\t' '$1 == "INBRED" { print $5, $10, $11 }')" "0 1 yes" \
   "INBRED (one haplotype twice): no heterozygote, F 1, flagged"
# outliers K TABLE: the samples with |F - mean| > K sd (sd over n - 1), by hand
outliers() {
    rows "$2" | awk -F'\t' -v k="$1" '{ s[NR] = $1; f[NR] = $10; m += $10 } END { m /= NR
        for (i = 1; i <= NR; i++) v += (f[i] - m) ^ 2; sd = sqrt(v / (NR - 1))
        for (i = 1; i <= NR; i++) if ((f[i] - m > k * sd) || (m - f[i] > k * sd)) printf "%s ", s[i]
        printf "%.4f %.4f\n", m, sd }'
}
set -- $(outliers 3 "$A.sampleqc.tsv")
eval "msd=\"\${$(($#-1))} \${$#}\""; set -- "${@:1:$(($# - 2))}"
is "$(rows "$A.sampleqc.tsv" | awk -F'\t' '$11 == "yes" { print $1 }' | paste -sd ' ')" "$*" \
   "het_outlier: exactly the samples beyond 3 sd of the mean F, recomputed ($*)"
diag "F: mean and sd $msd; flagged: $(rows "$A.sampleqc.tsv" | awk -F'\t' '$11 == "yes" { printf "%s F %s  ", $1, $10 }')"
is "$(sed -n 's/^F: //p' "$A.log")" "mean ${msd% *}, sd ${msd#* } over $NS samples; $# beyond 3 sd" "log: F's mean, sd and the outliers"
mkdir -p "$T/sd"
runs "--het-sd 100" "$G5" sampleqc --het-sd 100 -o "$T/sd/wide" "$V"
is "$(rows "$T/sd/wide.sampleqc.tsv" | cut -f11 | sort -u)" "no" "--het-sd 100: no sample flagged, INBRED neither"
grep -q "; 0 beyond 100 sd\$" "$T/sd/wide.log"; ok $? "--het-sd 100: log: 0 beyond 100 sd"
rows "$T/sd/wide.sampleqc.tsv" | cut -f1-10,12- >"$T/wide.cut"; rows "$A.sampleqc.tsv" | cut -f1-10,12- >"$T/a.cut"
same_table "$T/wide.cut" "$T/a.cut" "--het-sd 100: every other column as without it"
runs "--het-sd 1.5" "$G5" sampleqc --het-sd 1.5 -o "$T/sd/narrow" "$V"
set -- $(outliers 1.5 "$A.sampleqc.tsv"); set -- "${@:1:$(($# - 2))}"
is "$(rows "$T/sd/narrow.sampleqc.tsv" | awk -F'\t' '$11 == "yes" { print $1 }' | paste -sd ' ')" "$*" \
   "--het-sd 1.5: exactly the $# samples beyond 1.5 sd, recomputed"

# --- threads, BCF, .bed -----------------------------------------------------------------

mkdir -p "$T/t0" "$T/b"
runs "-@ 0" "$G5" sampleqc -@ 0 -o "$T/t0/q" "$V"
tail -n +2 "$T/t0/q.sampleqc.tsv" >"$T/t0.tsv"; tail -n +2 "$A.sampleqc.tsv" >"$T/a.tsv"
same_table "$T/t0.tsv" "$T/a.tsv" "-@ 0 and -@ 2: the same .sampleqc.tsv but for the command line"
same_table "$T/t0/q.sampleqc_mqc.tsv" "$A.sampleqc_mqc.tsv" "-@ 0 and -@ 2: the same _mqc.tsv"
tail -n +2 "$T/t0/q.log" >"$T/t0.log"; tail -n +2 "$A.log" >"$T/a.log"
same_table "$T/t0.log" "$T/a.log" "-@ 0 and -@ 2: the same log but for the command line"
bcftools view -Ob -o "$T/a.bcf" "$V"
runs "BCF input" "$G5" sampleqc -o "$T/b/bcf" "$T/a.bcf"
rows "$T/b/bcf.sampleqc.tsv" >"$T/bcf.rows"; rows "$A.sampleqc.tsv" >"$T/a.rows"
same_table "$T/bcf.rows" "$T/a.rows" "BCF: the same rows as the VCF"
plink2 --threads 2 --memory 1000 --vcf "$V" --vcf-half-call missing --max-alleles 2 --make-bed --out "$T/pl/bed" \
    >/dev/null 2>&1 || diag "plink2 --make-bed failed: see $T/pl/bed.log"
runs ".bed input (plink2 --make-bed --max-alleles 2 of the VCF)" "$G5" sampleqc -o "$T/b/bed" "$T/pl/bed.bed"
rows "$T/b/bed.sampleqc.tsv" | cut -f1,5-14 >"$T/bed.auto"; rows "$A.sampleqc.tsv" | cut -f1,5-14 >"$T/a.auto"
same_table "$T/bed.auto" "$T/a.auto" ".bed: n_het, het_rate, O_HOM, E_HOM, OBS_CT, F, het_outlier, n_ts, n_tv, ts_tv as the VCF's"
bcftools view -M2 -Oz -o "$T/bi.vcf.gz" "$V"
by_hand "$T/bi.vcf.gz" "$T/hand.bi"
rows "$T/b/bed.sampleqc.tsv" | cut -f1,3,5,12,13 >"$T/got.bed"
same_table "$T/got.bed" "$T/hand.bi" ".bed: n_called etc. by hand on the VCF's biallelic records"
is "$(rows "$T/b/bed.sampleqc.tsv" | cut -f2 | sort -u)" "$((NV - NMULTI))" ".bed: n_records $((NV - NMULTI))"

# --- sex --------------------------------------------------------------------------------

cat >"$T/gensex.pl" <<'EOF'
use strict; use warnings;
# stdin: a tag (auto, par, x or y), a tab, a panel record
srand(20241123);
my @F = map { sprintf 'F%02d', $_ } 1 .. 60;
my @M1 = map { sprintf 'M%02d', $_ } 1 .. 6;
my @M2 = map { sprintf 'M%02d', $_ } 7 .. 12;
my @names = (@F, @M1, @M2, 'AMB', 'NOX');
my ($nx, $np, $ny, @out, @pick) = (0, 0, 0);
# PAR1 (to GRCh38's end, 2781479), PAR2 (from GRCh37's start, 154931044)
my @par = ((map { 60001 + 80000 * $_ } 0 .. 25), 2781479, 154931044, 155000000, 155500000);
my @edge = (2781480, 154931043);        # just outside
while (<STDIN>) {
    chomp; my ($tag, @f) = split /\t/;
    my @h = map { split /\|/ } @f[9 .. $#f];     # the panel's 600 haplotypes
    my ($chrom, $pos, @gt);
    if ($tag eq 'x') {
        @pick = map { [int(rand(@h)), int(rand(@h))] } @names if $nx % 10 == 0;
        $chrom = 'X'; $pos = $nx < @edge ? $edge[$nx] : 3000000 + 73000 * $nx; $nx++;
        my $i = 0;
        for my $s (@names) {
            my ($a, $b) = map { $h[$_] } @{$pick[$i++]};
            push @gt, $s =~ /^F/ ? "$a/$b" : $s =~ /^M0[1-6]/ ? $a : $s =~ /^M/ ? "$a/$a"
                : $s eq 'AMB' ? (rand() < 0.4 ? "$a/$b" : "$a/$a") : './.';
        }
    } else {
        # autosomes and PARs: diploid, sample i the panel's sample i; Y: males
        $chrom = $tag eq 'par' ? 'X' : $tag eq 'y' ? 'Y' : '20';
        $pos = $tag eq 'par' ? $par[$np++] : $tag eq 'y' ? 3000000 + 100000 * $ny++ : $f[1];
        for my $i (0 .. $#names) {
            my ($a, $b) = @h[2 * $i, 2 * $i + 1];
            push @gt, $tag ne 'y' ? "$a/$b" : $names[$i] =~ /^F/ ? './.' : $names[$i] =~ /^M0[1-6]|NOX/ ? $a : "$a/$a";
        }
    }
    for (@gt) { $_ = /\// ? './.' : '.' if $tag ne 'y' && rand() < 0.01 }
    $gt[@F + 2] = '.' if $tag eq 'y' && ($ny == 5 || $ny == 17);       # M03: two Y calls missing
    push @out, [$chrom eq '20' ? 0 : $chrom eq 'X' ? 1 : 2, $pos, join("\t", $chrom, $pos, @f[2 .. 6], '.', 'GT', @gt)];
}
print "##fileformat=VCFv4.2\n##contig=<ID=20,length=64444167>\n##contig=<ID=X,length=156040895>\n",
    "##contig=<ID=Y,length=57227415>\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n",
    join("\t", '#CHROM', qw(POS ID REF ALT QUAL FILTER INFO FORMAT), @names), "\n";
print "$_->[2]\n" for sort { $a->[0] <=> $b->[0] || $a->[1] <=> $b->[1] } @out;
EOF
S=$T/sex.vcf.gz
{ bcftools view -H -q 0.05:minor -r 20:1000000-1400000 "$REFVCF" | head -300 | sed 's/^/auto\t/'
  bcftools view -H -q 0.05:minor -r 20:1400000-2000000 "$REFVCF" | head -30 | sed 's/^/par\t/'
  bcftools view -H -q 0.05:minor -r 20:2000000-4000000 "$REFVCF" | head -2000 | sed 's/^/x\t/'
  bcftools view -H -q 0.05:minor -r 20:1400000-2000000 "$REFVCF" | tail -40 | sed 's/^/y\t/'; } 2>/dev/null |
    perl "$T/gensex.pl" | bgzip >"$S"
is "$(bcftools view -H "$S" | cut -f1 | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" "20:300 X:2030 Y:40 " \
   "simulated set: 300 autosomal, 2030 X (30 in the PARs), 40 Y records"

# the --sex file, rows in reverse order, and what each sample should get:
# sample inferred declared check
{
    printf 'IID\tSEX\n'
    bcftools query -l "$S" | tac | while read -r s; do
        case $s in
        F05) printf '%s\tM\n' $s ;;          # a female declared male
        M08) printf '%s\t2\n' $s ;;          # a male declared female
        F10 | M04) printf '%s\t0\n' $s ;;
        F12) printf '%s\tNA\n' $s ;;
        M06) printf '%s\t\n' $s ;;           # empty: unknown
        F11) ;;                              # not in the file
        F02) printf '%s\tF\n' $s ;;
        F03) printf '%s\tfemale\n' $s ;;
        M02 | NOX) printf '%s\tM\n' $s ;;
        M05) printf '%s\tmale\n' $s ;;
        M10) printf '%s\t1\r\n' $s ;;        # a CRLF line
        F*) printf '%s\t2\n' $s ;;
        *) printf '%s\t1\n' $s ;;
        esac
    done
} >"$T/sex.tsv"
bcftools query -l "$S" | awk -F'\t' -v OFS='\t' 'NR == FNR { if (FNR > 1) { sub(/\r$/, "", $2); d[$1] = $2 }; next }
    { x = $1 ~ /^F/ ? "female" : $1 ~ /^M/ ? "male" : $1 == "AMB" ? "ambiguous" : "NA"
      c = d[$1]; y = c ~ /^(1|M|male)$/ ? "male" : c ~ /^(2|F|female)$/ ? "female" : "NA"
      print $1, x, y, y == "NA" ? "NA" : x == y ? "OK" : "PROBLEM" }' "$T/sex.tsv" - >"$T/sex.want"
is "$(awk '$4 == "PROBLEM" { print $1 }' "$T/sex.want" | paste -sd ' ') / $(awk '$4 == "NA" { print $1 }' "$T/sex.want" | paste -sd ' ')" \
   "F05 M08 AMB NOX / F10 F11 F12 M04 M06" "the --sex file: PROBLEM due for F05 M08 AMB NOX, NA for F10 F11 F12 M04 M06"

mkdir -p "$T/s"
# first without --sex: what is measured; then the verdicts with it
SN=$T/s/nosex
runs "the simulated XX/XY set" "$G5" sampleqc -o "$SN" "$S"
bcftools view "$S" | perl -e '
# xf.pl, by hand: per sample, X outside the PARs (1-2781479 and 154931044 on),
# biallelic records varying among the calls: calls (x_obs), homozygous ones (a
# haploid call is), E = sum 1 - 2p(1-p), x_F = (O - E) / (x_obs - E); and Y
# records with a call (y_called)
my (@s, @obs, @hom, @e, @y);
while (<STDIN>) {
    next if /^##/;
    chomp; my @f = split /\t/;
    if (/^#/) { @s = @f[9 .. $#f]; next }
    my @g = map { [split m{[/|]}, (split /:/)[0]] } @f[9 .. $#f];
    my @called = map { !grep { $_ eq "." } @$_ } @g;
    if ($f[0] =~ /^(chr)?Y$/) { $y[$_] += $called[$_] for 0 .. $#s; next }
    next unless $f[0] =~ /^(chr)?X$/ && $f[1] > 2781479 && $f[1] < 154931044 && $f[4] !~ /,/;
    my ($ac, $an) = (0, 0);
    for my $i (grep { $called[$_] } 0 .. $#s) { $an += @{$g[$i]}; $ac += grep { $_ eq "1" } @{$g[$i]} }
    next unless $ac > 0 && $ac < $an;
    my $p = $ac / $an;
    for my $i (grep { $called[$_] } 0 .. $#s) {
        my @a = @{$g[$i]};
        $obs[$i]++; $e[$i] += 1 - 2 * $p * (1 - $p);
        $hom[$i]++ if @a == 1 || !grep { $_ ne $a[0] } @a;
    }
}
for my $i (0 .. $#s) {
    my $o = $obs[$i] // 0;
    printf "%s\t%d\t%s\t%d\n", $s[$i], $o, $o ? sprintf("%.12g", (($hom[$i] // 0) - $e[$i]) / ($o - $e[$i])) : "NA", $y[$i] // 0;
}' >"$T/xf.hand"
rows "$SN.sampleqc.tsv" | cut -f1,15-17 | paste - "$T/xf.hand" | awk -F'\t' '
    $1 != $5 || $2 != $6 || $4 != $8 || ($3 == "NA") != ($7 == "NA") { bad++; next }
    $7 != "NA" { d = $3 - $7; if (d < 0) d = -d; u = $7 < 0 ? -$7 : $7; u = u ? 10 ^ (int(log(u) / log(10) + 100) - 106) : 0
        if (d > 0.5 * u + 1e-12) bad++; if (d > w) w = d }
    END { print bad + 0, w + 0 }' >"$T/xf.cmp"
set -- $(cat "$T/xf.cmp")
is "$1" 0 "x_obs, y_called exactly, x_F to 7 digits, as counted by hand (worst |d| $2)"
is "$(rows "$SN.sampleqc.tsv" | awk -F'\t' '$1 ~ /^M/ { print $16 }' | sort -u)" 1 \
   "the 12 males (haploid or diploid homozygous X calls): x_F exactly 1 (PAR heterozygotes not counted)"
want=$(for s in $(bcftools query -l "$S" | grep -v '^F'); do printf '%s=%s ' $s $([ $s = M03 ] && echo 38 || echo 40); done)
is "$(rows "$SN.sampleqc.tsv" | awk -F'\t' '$1 !~ /^F/ || $17 != 0 { printf "%s=%s ", $1, $17 }')" "$want" \
   "y_called: 40 for males, AMB and NOX, 38 for M03 (two missing), 0 for every female"
AMBF=$(rows "$SN.sampleqc.tsv" | awk -F'\t' '$1 == "AMB" { print $16 }')
le 0.3 "$AMBF" && le "$AMBF" 0.7; ok $? "AMB (heterozygous at ~40% of X): x_F $AMBF, between 0.3 and 0.7"
diag "females' x_F $(rows "$SN.sampleqc.tsv" | awk -F'\t' '$1 ~ /^F/ { print $16 }' | sort -g | sed -n '1p;$p' | paste -sd ' ' | sed 's/ / to /')"
is "$(rows "$SN.sampleqc.tsv" | awk -F'\t' '{ print ($1 ~ /^F/ ? "F" : $1 ~ /^M/ ? "M" : $1) "=" $18 }' | sort -u | paste -sd ' ')" \
   "AMB=ambiguous F=female M=male NOX=NA" "inferred_sex: the 60 females female, the 12 males male, AMB ambiguous, NOX (no X call) NA"
is "$(rows "$SN.sampleqc.tsv" | cut -f19,20 | sort -u)" "$(printf 'NA\tNA')" "without --sex: declared_sex, sex_check NA"
is "$(grep '^sex from X:' "$SN.log")" "sex from X: 12 male, 60 female, 1 ambiguous, 1 without X calls; 0 not as declared" \
   "log: 12 male, 60 female, 1 ambiguous, 1 without X calls"
by_hand "$S" "$T/hand.sex"
rows "$SN.sampleqc.tsv" | cut -f1,3,5,12,13 >"$T/got.sex"
same_table "$T/got.sex" "$T/hand.sex" "haploid calls: n_called, n_het, n_ts, n_tv as counted by hand"
is "$(rates "$SN.sampleqc.tsv")" 0 "haploid calls: call_rate, het_rate, ts_tv the counts' ratios"

# the PAR records (males heterozygous there) change no X or Y column
bcftools view "$S" | awk -F'\t' '!($1 == "X" && ($2 <= 2781479 || $2 >= 154931044))' | bgzip >"$T/nopar.vcf.gz"
runs "without the 30 PAR records" "$G5" sampleqc -o "$T/s/nopar" "$T/nopar.vcf.gz"
rows "$T/s/nopar.sampleqc.tsv" | cut -f1,15- >"$T/nopar.x"; rows "$SN.sampleqc.tsv" | cut -f1,15- >"$T/sn.x"
same_table "$T/nopar.x" "$T/sn.x" "the PARs: x_obs, x_F, y_called, inferred_sex as without their records"

# haploid calls through the threaded decoder and BCF
runs "the simulated set, -@ 2" "$G5" sampleqc -@ 2 -o "$T/s/t2" "$S"
tail -n +2 "$T/s/t2.sampleqc.tsv" >"$T/t2.tsv"; tail -n +2 "$SN.sampleqc.tsv" >"$T/sn.tsv"
same_table "$T/t2.tsv" "$T/sn.tsv" "the simulated set, -@ 2: the same table"
bcftools view -Ob -o "$T/sex.bcf" "$S"
runs "the simulated set as BCF" "$G5" sampleqc -o "$T/s/bcf" "$T/sex.bcf"
rows "$T/s/bcf.sampleqc.tsv" >"$T/sbcf.rows"; rows "$SN.sampleqc.tsv" >"$T/sn.rows"
same_table "$T/sbcf.rows" "$T/sn.rows" "the simulated set as BCF: the same rows"

# --sex
SQ=$T/s/q
runs "the simulated set with --sex" "$G5" sampleqc --sex "$T/sex.tsv" -o "$SQ" "$S"
rows "$SQ.sampleqc.tsv" | cut -f1,18-20 >"$T/sex.got"
same_table "$T/sex.got" "$T/sex.want" "--sex: inferred_sex, declared_sex, sex_check of all 74 samples"
rows "$SQ.sampleqc.tsv" | cut -f1-18 >"$T/sq.c"; rows "$SN.sampleqc.tsv" | cut -f1-18 >"$T/sn.c"
same_table "$T/sq.c" "$T/sn.c" "--sex: the other columns as without it"
is "$(grep '^samples:' "$SQ.log")" "samples: 74 in \"$S\", sexes declared in --sex" "--sex: log: the samples, --sex"
is "$(grep '^sex from X:' "$SQ.log")" "sex from X: 12 male, 60 female, 1 ambiguous, 1 without X calls; 4 not as declared" \
   "--sex: log: 4 not as declared"

# thresholds: AMB moves, nobody else
thr() { # name expected-AMB-row expected-log-line options...
    local name=$1 amb=$2 line=$3; shift 3
    runs "$name" "$G5" sampleqc --sex "$T/sex.tsv" "$@" -o "$T/s/thr" "$S"
    is "$(rows "$T/s/thr.sampleqc.tsv" | awk -F'\t' '$1 == "AMB" { print $18, $20 }')" "$amb" "$name: AMB $amb"
    rows "$T/s/thr.sampleqc.tsv" | grep -v '^AMB' >"$T/thr.rows"; rows "$SQ.sampleqc.tsv" | grep -v '^AMB' >"$T/sq.rows"
    same_table "$T/thr.rows" "$T/sq.rows" "$name: every other row as at the defaults"
    is "$(grep '^sex from X:' "$T/s/thr.log")" "sex from X: $line" "$name: log: $line"
}
thr "--male-f 0.5" "male OK" "13 male, 60 female, 0 ambiguous, 1 without X calls; 3 not as declared" --male-f 0.5
thr "--female-f 0.6 --male-f 0.9" "female PROBLEM" "12 male, 61 female, 0 ambiguous, 1 without X calls; 4 not as declared" \
    --female-f 0.6 --male-f 0.9
thr "--female-f 0.5 --male-f 0.5" "male OK" "13 male, 60 female, 0 ambiguous, 1 without X calls; 3 not as declared" \
    --female-f 0.5 --male-f 0.5

# --- MultiQC ---------------------------------------------------------------------------

head -4 "$A.sampleqc_mqc.tsv" >"$T/mqc.head"
printf "# id: 'g5_sampleqc'\n# section_name: 'g5 sampleqc'\n# description: '%s'\n# plot_type: 'table'\n" \
    "per-sample call rate, heterozygosity, inbreeding F, Ts/Tv and sex check (g5 sampleqc)" >"$T/mqc.want"
same_table "$T/mqc.head" "$T/mqc.want" "_mqc.tsv: MultiQC's id, section_name, description, plot_type: table"
tail -n +5 "$A.sampleqc_mqc.tsv" >"$T/mqc.table"; tail -n +2 "$A.sampleqc.tsv" >"$T/tsv.table"
same_table "$T/mqc.table" "$T/tsv.table" "_mqc.tsv: then the same table as .sampleqc.tsv"
if command -v multiqc >/dev/null; then
    mkdir -p "$T/mq/in"
    cp "$SN.sampleqc_mqc.tsv" "$T/mq/in/"
    printf 'no_version_check: true\n' >"$T/mq/config.yaml"
    runs "multiqc on the _mqc.tsv" env HOME="$T/mq" TMPDIR="$T/mq" multiqc -q -c "$T/mq/config.yaml" -o "$T/mq/out" "$T/mq/in"
    D=$T/mq/out/multiqc_data
    ls "$D"/multiqc_g5_sampleqc*.txt >/dev/null 2>&1; ok $? "multiqc: a g5_sampleqc section in multiqc_data ($(cd "$D" 2>/dev/null && ls multiqc_g5_sampleqc*.txt 2>/dev/null))"
    f=$(ls "$D"/multiqc_g5_sampleqc*.txt 2>/dev/null | head -1)
    is "$(tail -n +2 "${f:-/dev/null}" | cut -f1 | sort | paste -sd ' ')" "$(rows "$SN.sampleqc.tsv" | cut -f1 | sort | paste -sd ' ')" \
       "multiqc: the table's 74 samples"
    is "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $1 == "AMB" { print $c["x_F"], $c["inferred_sex"], $c["sex_check"] }' "${f:-/dev/null}")" \
       "$AMBF ambiguous NA" "multiqc: AMB's x_F, inferred_sex, sex_check read as written"
    grep -q 'g5_sampleqc' "$T/mq/out/multiqc_report.html"; ok $? "multiqc: the report holds the g5_sampleqc section"
else
    diag "multiqc not installed: its checks skipped"
fi

# --- bad input --------------------------------------------------------------------------

bad() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" sampleqc -o "$T/bad/x" "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says why ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: nothing under PREFIX.* left"
}
bcftools annotate -x FORMAT/GT -Oz -o "$T/nogt.vcf.gz" "$V"
bad "a VCF whose FORMAT has no GT" "\"$T/nogt.vcf.gz\" has no FORMAT/GT" "$T/nogt.vcf.gz"
{ cat "$T/sex.tsv"; printf 'NOSUCH\t1\n'; } >"$T/unknown.tsv"
bad "--sex naming a sample not in the VCF" "\"$T/unknown.tsv\"" --sex "$T/unknown.tsv" "$S"
stderr_has '"NOSUCH"' "--sex, unknown sample: names it"
sed 's/^M05\tmale$/M05\t3/' "$T/sex.tsv" >"$T/three.tsv"
bad "--sex value 3" "\"$T/three.tsv\"" --sex "$T/three.tsv" "$S"
stderr_has '"3"' "--sex value 3: quotes it"
bad "--sex file missing" "\"$T/none.tsv\"" --sex "$T/none.tsv" "$S"
size=$(stat -c %s "$V")
head -c $((size / 2)) "$V" >"$T/cut.vcf.gz"
bad "a bgzipped VCF cut in the middle" "cannot read \"$T/cut.vcf.gz\"" "$T/cut.vcf.gz"
bad "a bgzipped VCF cut in the middle, -@ 2" "cannot read \"$T/cut.vcf.gz\"" -@ 2 "$T/cut.vcf.gz"
bcftools view -h "$V" | bgzip >"$T/empty.vcf.gz"
bad "a VCF without records" "\"$T/empty.vcf.gz\"" "$T/empty.vcf.gz"

usage() { # description args...
    local desc=$1; shift
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 2 "$desc: a usage error" "$G5" sampleqc "$@"
    is "$(ls -A "$T/bad")" "" "$desc: nothing written"
}
usage "no -o" "$V"
stderr_has "-o PREFIX" "no -o: says so"
usage "--het-sd 0" --het-sd 0 -o "$T/bad/x" "$V"
stderr_has "--het-sd" "--het-sd 0: names the option"
usage "--het-sd abc" --het-sd abc -o "$T/bad/x" "$V"
usage "--female-f 0.9 (above the default --male-f 0.8)" --female-f 0.9 -o "$T/bad/x" "$V"
stderr_has "--female-f" "--female-f above --male-f: names the options"
usage "--male-f 0.6 --female-f 0.7" --male-f 0.6 --female-f 0.7 -o "$T/bad/x" "$V"
usage "--male-f 1.5" --male-f 1.5 -o "$T/bad/x" "$V"
usage "two inputs" -o "$T/bad/x" "$V" "$S"
exits 0 "-h exits 0" "$G5" sampleqc -h
grep -q '^Usage: g5 sampleqc' "$T/stdout"; ok $? "-h prints usage on stdout"

done_testing
