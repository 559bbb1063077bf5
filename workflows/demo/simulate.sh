#!/bin/bash
# simulate.sh -- the demo's small multi-centre program, simulated from a fixed
# seed: 3 centres x 2 participants, their reads, and their phenome.
#
#   workflows/demo/simulate.sh REF.fa OUTDIR
#
# Writes into OUTDIR (built in a temporary folder and renamed, so OUTDIR is
# complete or absent):
#   truth.vcf            the planted variants (300 SNVs on the first contig, allele
#                        frequencies 0.1-0.5) and each participant's genotype
#   S1..S6_{1,2}.fq.gz   reads: dwgsim pairs (2x100 bp, 350 bp fragments, 0.2%/
#                        0.4% base error, no further mutation) over each of the
#                        participant's two haplotypes, about 8x in all
#   centreA.tsv ...      the sample sheets of centres A (S1, S2), B (S3, S4), C (S5, S6)
#   phenome.tsv          IID, ldl (quantitative: 1.5 per allele of the first
#                        planted SNV, plus noise), asthma (binary: carriers of
#                        the second), height (noise only)
#   traits.dict.tsv      the trait dictionary: type, unit, description, access
# The genotypes and traits come from perl's rand (drand48 with srand: the same
# on every machine), the reads from dwgsim -z; gzip -n leaves no timestamp.
set -euo pipefail
export LC_ALL=C

ref=$1 out=$2
for tool in perl dwgsim gzip; do
    command -v "$tool" >/dev/null || { echo "simulate.sh: $tool not found on PATH" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The planted variants, the haplotypes (FASTA per participant and haplotype)
# and the phenome.
perl - "$ref" "$tmp" <<'EOF'
use strict; use warnings;
my ($ref, $dir) = @ARGV;
srand(20261122);
my (@names, %seq);
open my $fa, '<', $ref or die "simulate.sh: cannot read $ref: $!\n";
my $name;
while (<$fa>) {
    chomp;
    if (/^>(\S+)/) { $name = $1; push @names, $name; $seq{$name} = ''; next }
    $seq{$name} .= uc $_;
}
my $chr = $names[0];                # the first contig, the longest here
my @samples = map { "S$_" } 1 .. 6;
my (%gt, @sites);
# 300 SNVs at least 100 bp apart, away from the ends; the first two are the
# causal ones, with genotypes fixed so that every demo has both classes
my %used;
while (@sites < 300) {
    my $pos = 2000 + int(rand(196000));
    next if grep { $used{$_} } $pos - 100 .. $pos + 100;
    my $r = substr($seq{$chr}, $pos - 1, 1);
    next unless $r =~ /^[ACGT]$/;
    my @alts = grep { $_ ne $r } qw(A C G T);
    my $alt = $alts[int(rand(3))];
    my $f = 0.1 + 0.4 * rand();
    my @g = map { [rand() < $f ? 1 : 0, rand() < $f ? 1 : 0] } @samples;
    @g = map { [@$_] } ([0,0],[0,1],[1,1],[0,1],[0,0],[1,1]) if @sites == 0;
    @g = map { [@$_] } ([0,1],[0,0],[0,0],[1,1],[0,1],[0,0]) if @sites == 1;
    next unless grep { $_->[0] || $_->[1] } @g;     # polymorphic in the cohort
    $used{$pos} = 1;
    push @sites, [$pos, $r, $alt, \@g];
}
my @order = sort { $a->[0] <=> $b->[0] } @sites;
open my $vcf, '>', "$dir/truth.vcf" or die;
print $vcf "##fileformat=VCFv4.2\n";
printf $vcf "##contig=<ID=%s,length=%d>\n", $_, length $seq{$_} for @names;
print $vcf "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n";
print $vcf join("\t", '#CHROM', qw(POS ID REF ALT QUAL FILTER INFO FORMAT), @samples), "\n";
for my $s (@order) {
    my ($pos, $r, $alt, $g) = @$s;
    print $vcf join("\t", $chr, $pos, '.', $r, $alt, '.', 'PASS', '.', 'GT', map { "$_->[0]|$_->[1]" } @$g), "\n";
}
close $vcf;
# haplotypes: the reference with each haplotype's alleles
for my $i (0 .. $#samples) {
    for my $h (0, 1) {
        my $hap = $seq{$chr};
        for my $s (@sites) { substr($hap, $s->[0] - 1, 1) = $s->[2] if $s->[3][$i][$h] }
        open my $o, '>', "$dir/$samples[$i].hap$h.fa" or die;
        for my $n (@names) {
            my $q = $n eq $chr ? $hap : $seq{$n};
            print $o ">$n\n";
            print $o substr($q, $_ * 60, 60), "\n" for 0 .. int((length($q) - 1) / 60);
        }
        close $o;
    }
}
# the phenome: ldl from the first SNV, asthma from the second
my ($q, $b) = ($sites[0][3], $sites[1][3]);
sub normal { my $u = 1 - rand(); sqrt(-2 * log($u)) * cos(6.283185307179586 * rand()) }
open my $ph, '>', "$dir/phenome.tsv" or die;
print $ph "IID\tldl\tasthma\theight\n";
for my $i (0 .. $#samples) {
    my $dq = $q->[$i][0] + $q->[$i][1];
    my $db = $b->[$i][0] + $b->[$i][1];
    printf $ph "%s\t%.3f\t%d\t%.1f\n", $samples[$i], 3 + 1.5 * $dq + 0.3 * normal(), $db > 0 ? 1 : 0,
        170 + 8 * normal();
}
close $ph;
EOF

# Reads: dwgsim over each haplotype (no further mutation, no random pairs),
# read names tagged with the haplotype so the two runs never share a name.
i=0
for s in S1 S2 S3 S4 S5 S6; do
    for h in 0 1; do
        i=$((i + 1))
        dwgsim -z $((1000 + i)) -N 5000 -1 100 -2 100 -d 350 -s 35 -e 0.002 -E 0.004 -r 0 -R 0 -y 0 -o 1 \
            "$tmp/$s.hap$h.fa" "$tmp/$s.hap$h" >"$tmp/dwgsim.log" 2>&1 || { cat "$tmp/dwgsim.log" >&2; exit 1; }
        for e in 1 2; do
            gzip -dc "$tmp/$s.hap$h.bwa.read$e.fastq.gz" | sed "1~4s/^@/@$s.h$h./" >>"$tmp/${s}_$e.fq"
        done
        rm -f "$tmp/$s.hap$h".*
    done
    for e in 1 2; do gzip -n -6 <"$tmp/${s}_$e.fq" >"$tmp/${s}_$e.fq.gz" && rm "$tmp/${s}_$e.fq"; done
done
rm -f "$tmp/dwgsim.log"

# The sample sheets: paths relative to where make runs (the demo's folder's parent)
printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\n' | tee "$tmp/centreA.tsv" "$tmp/centreB.tsv" >"$tmp/centreC.tsv"
n=0
for c in A A B B C C; do
    n=$((n + 1))
    printf 'S%d\tS%d.L1\tS%d.lib1\t%s/S%d_1.fq.gz\t%s/S%d_2.fq.gz\n' $n $n $n "$out" $n "$out" $n >>"$tmp/centre$c.tsv"
done
printf 'trait\ttype\tunit\tdescription\taccess\nldl\tquantitative\tmmol/L\tLDL cholesterol\tcontrolled\nasthma\tbinary\t\tAsthma, doctor-diagnosed\tcontrolled\nheight\tquantitative\tcm\tStanding height\topen\n' >"$tmp/traits.dict.tsv"

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
