#!/bin/bash
# gen-assoc.sh -- the association bench input (never committed).
#
# Usage: gen-assoc.sh WORKDIR [NSAMPLES] [NVARIANTS]
#
#   WORKDIR/assoc.vcf.gz (+ .tbi)  NSAMPLES (2000) samples S00001.. at
#                                  NVARIANTS (500,000) biallelic variants on
#                                  chromosomes 1..22, FORMAT GT only (phased)
#   WORKDIR/assoc.pheno.tsv        IID, then Q1..Q100: quantitative traits
#   WORKDIR/assoc.covar.tsv        IID sex age PC1 PC2 PC3: 5 covariates
#   WORKDIR/gen-assoc/             the generator (mosaic.c, written and
#                                  compiled here), assoc.causal.tsv (the
#                                  planted effects: trait chrom pos ref alt
#                                  af beta) and sizes (what was made)
#
# The haplotypes are real: Debian's shapeit4 example panel (package
# shapeit4-example, reference.vcf.gz: 300 1000 Genomes samples, 600
# phased haplotypes, 24,990 biallelic SNVs and indels of chr20:1-4 Mb).
# Each new sample is two mosaics of those 600 haplotypes: each copies one
# panel haplotype, then switches to another (uniformly drawn) after a run
# of 100..600 variants, so LD blocks and allele frequencies are those of the
# panel.  The variants tile the panel block: chromosome c (1..22) holds
# NVARIANTS/22 of them (the first NVARIANTS mod 22 chromosomes one more), as
# consecutive copies of the block shifted by its span plus 1 kb, so
# positions increase along each chromosome; REF and ALT are the panel's,
# IDs are ".", and ##contig lines give each chromosome's length.
#
# Each trait Qt = sum over 10 causal variants (common in the panel: AF
# 0.05..0.95) of beta (dosage - 2 AF), each explaining 0.2..3% of the
# variance (the larger ones give genome-wide peaks at 2000 samples), plus
# 0.2 sex + 0.01 (age - 50) + 0.1 PC1 - 0.05 PC2 and N(0, 1) noise.  Q1
# and most traits are complete, so they share one pattern of missingness;
# Q11, Q31, Q51, Q71 and Q91 have NA for about 3% of samples each, every
# one its own.  sex is 0/1, age an integer 20..79, PC1..PC3 N(0, 1).
# All draws come from one splitmix64 generator with a fixed seed (SEED,
# 20240707): the same inputs give the same files.
#
# Each output appears under its final name only when complete, the VCF
# last.  When all are there and WORKDIR/gen-assoc/sizes says they were made
# with the same NSAMPLES, NVARIANTS, SEED and panel, nothing is done; any
# other case makes them all again.
# About 40 s on 2 cores with the defaults, most of it bgzip (a 124 MB VCF
# from 4 GB of text) and tabix.
#
# Environment: PANEL (the panel VCF), THREADS (2: bgzip's), SEED, CC.
set -euo pipefail
export LC_ALL=C

[ $# -ge 1 ] && [ $# -le 3 ] || { echo "usage: gen-assoc.sh WORKDIR [NSAMPLES] [NVARIANTS]" >&2; exit 2; }
work=$1 nsamples=${2:-2000} nvariants=${3:-500000}
panel=${PANEL:-/usr/share/doc/shapeit4/examples/test/reference.vcf.gz}
threads=${THREADS:-2} seed=${SEED:-20240707} cc=${CC:-cc}
[[ $nsamples =~ ^[1-9][0-9]*$ ]] && [ "$nsamples" -le 99999 ] \
    || { echo "gen-assoc.sh: NSAMPLES must be an integer 1..99999" >&2; exit 2; }
[[ $nvariants =~ ^[1-9][0-9]*$ ]] && [ "$nvariants" -ge 22 ] \
    || { echo "gen-assoc.sh: NVARIANTS must be an integer >= 22" >&2; exit 2; }
for tool in bcftools bgzip tabix "$cc"; do
    command -v "$tool" >/dev/null || { echo "gen-assoc.sh: $tool not found (Debian packages bcftools, tabix, gcc)" >&2; exit 1; }
done
[ -r "$panel" ] || { echo "gen-assoc.sh: cannot read \"$panel\" (Debian package shapeit4-example)" >&2; exit 1; }

vcf=$work/assoc.vcf.gz pheno=$work/assoc.pheno.tsv covar=$work/assoc.covar.tsv
gen=$work/gen-assoc
sizes="$nsamples $nvariants $seed $(basename "$panel")"
if [ -s "$vcf" ] && [ -s "$vcf.tbi" ] && [ -s "$pheno" ] && [ -s "$covar" ] \
        && [ "$(cat "$gen/sizes" 2>/dev/null)" = "$sizes" ]; then
    echo "gen-assoc: $vcf ($nsamples samples, $nvariants variants), $pheno and $covar are there" >&2
    exit 0
fi
rm -f "$vcf" "$vcf.tbi" "$pheno" "$covar" "$gen/sizes"
mkdir -p "$gen"
trap 'rm -f "$work"/assoc.*.tmp.$$* "$gen"/*.tmp.$$*' EXIT
ts() { date '+%H:%M:%S'; }

# 1. the generator: the panel's haplotypes in, the cohort out
cat >"$gen/mosaic.tmp.$$.c" <<'EOF'
/* mosaic.c -- written by gen-assoc.sh, which documents it: a cohort of
 * mosaics of phased panel haplotypes, its traits and covariates.
 *   bcftools query -f '%POS\t%REF\t%ALT[\t%GT]\n' PANEL \
 *     | mosaic NSAMPLES NVARIANTS SEED PHENO COVAR CAUSAL > VCF */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NCHROM = 22, NTRAIT = 100, NCAUSAL = 10, RUN_MIN = 100, RUN_MAX = 600 };

static uint64_t rng;
static uint64_t next64(void)                    /* splitmix64 */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static double unif(void) { return ((double)(next64() >> 11) + 0.5) / 9007199254740992.0; }  /* (0, 1) */
static long below(long n) { return (long)(unif() * n); }
static double normal(void) { double u = unif(), v = unif(); return sqrt(-2 * log(u)) * cos(6.283185307179586 * v); }
static void die(const char *m) { fprintf(stderr, "mosaic: %s\n", m); exit(1); }
static void *xalloc(size_t n) { void *p = calloc(n ? n : 1, 1); if (!p) die("out of memory"); return p; }

typedef struct { long g, pos; int trait, chrom; size_t j; double af, beta; } causal_t;
static int by_g(const void *a, const void *b)
{
    const causal_t *x = a, *y = b;
    return x->g != y->g ? (x->g < y->g ? -1 : 1) : x->trait - y->trait;
}
/* a trait value that plink2 will not read as its missing code -9 */
static void put_value(FILE *f, double v)
{
    char b[32];
    snprintf(b, sizeof b, "%.5f", v);
    if (strcmp(b, "-9.00000") == 0) snprintf(b, sizeof b, "%.5f", v - 2e-5);
    fprintf(f, "\t%s", b);
}

int main(int argc, char **argv)
{
    if (argc != 7) die("usage: mosaic NSAMPLES NVARIANTS SEED PHENO COVAR CAUSAL < PANEL.tsv > VCF");
    int ns = atoi(argv[1]);
    long nv = atol(argv[2]);
    rng = strtoull(argv[3], NULL, 10);
    if (ns < 1 || nv < NCHROM) die("bad NSAMPLES or NVARIANTS");

    /* the panel: positions, alleles, haplotypes (one byte each) */
    size_t cap = 0, nb = 0, len = 0;
    long *pos = NULL;
    char **ref = NULL, **alt = NULL;
    unsigned char *hap = NULL;
    int nh = 0;
    char *line = NULL;
    while (getline(&line, &len, stdin) > 0) {
        int tabs = 0;
        for (char *c = line; *c; c++) tabs += *c == '\t';
        if (nb == 0) nh = 2 * (tabs - 2);
        if (nh < 2 || tabs - 2 != nh / 2) die("panel lines must be POS REF ALT and one GT per sample");
        if (nb == cap) {
            cap = cap ? 2 * cap : 32768;
            if (!(pos = realloc(pos, cap * sizeof *pos)) || !(ref = realloc(ref, cap * sizeof *ref))
                || !(alt = realloc(alt, cap * sizeof *alt)) || !(hap = realloc(hap, cap * nh)))
                die("out of memory");
        }
        pos[nb] = atol(strtok(line, "\t\n"));
        ref[nb] = strdup(strtok(NULL, "\t\n"));
        alt[nb] = strdup(strtok(NULL, "\t\n"));
        for (int k = 0; k < nh; k += 2) {
            const char *gt = strtok(NULL, "\t\n");
            if (!gt || strlen(gt) != 3 || gt[1] != '|' || (gt[0] != '0' && gt[0] != '1') || (gt[2] != '0' && gt[2] != '1'))
                die("the panel must hold phased biallelic genotypes (0|1)");
            hap[nb * nh + k] = gt[0] - '0';
            hap[nb * nh + k + 1] = gt[2] - '0';
        }
        if (nb && pos[nb] < pos[nb - 1]) die("the panel is not sorted");
        nb++;
    }
    if (nb == 0) die("the panel is empty");
    double *af = xalloc(nb * sizeof *af);
    for (size_t j = 0; j < nb; j++) {
        int c = 0;
        for (int k = 0; k < nh; k++) c += hap[j * nh + k];
        af[j] = (double)c / nh;
    }

    /* the layout: chromosome c holds nper[c] variants, copies of the block */
    long nper[NCHROM], span = pos[nb - 1] - pos[0] + 1000;
    for (int c = 0; c < NCHROM; c++) nper[c] = nv / NCHROM + (c < nv % NCHROM);
#define POS(i) (pos[(i) % nb] - pos[0] + 1 + (long)((i) / nb) * span)

    /* covariates, causal variants, noise, missingness: drawn before the genotypes */
    int *sex = xalloc(ns * sizeof *sex), *age = xalloc(ns * sizeof *age);
    double *pc = xalloc(3 * ns * sizeof *pc);
    for (int s = 0; s < ns; s++) {
        sex[s] = unif() < 0.5, age[s] = 20 + (int)below(60);
        for (int k = 0; k < 3; k++) pc[3 * s + k] = normal();
    }
    int common = 0;                             /* is there anything to draw from? */
    for (long i = 0; i < nper[0] && i < (long)nb && !common; i++) common = af[i] >= 0.05 && af[i] <= 0.95;
    if (!common) die("no variant with AF 0.05..0.95 among the first of the panel: more NVARIANTS");
    causal_t *cv = xalloc(NTRAIT * NCAUSAL * sizeof *cv);
    for (int t = 0, n = 0; t < NTRAIT; t++)
        for (int k = 0; k < NCAUSAL; k++, n++) {
            long g, c = 0, i;                   /* variant g: the i-th of chromosome c */
            double p;
            do {
                g = below(nv);
                for (c = 0, i = g; i >= nper[c]; c++) i -= nper[c];
                p = af[i % nb];
            } while (p < 0.05 || p > 0.95);
            double h = 0.002 + 0.028 * unif() * unif();     /* variance explained */
            cv[n] = (causal_t){ .g = g, .pos = POS(i), .trait = t, .chrom = (int)c + 1, .j = i % nb, .af = p,
                                .beta = (unif() < 0.5 ? -1 : 1) * sqrt(h / (2 * p * (1 - p))) };
        }
    qsort(cv, NTRAIT * NCAUSAL, sizeof *cv, by_g);
    double *y = xalloc((size_t)NTRAIT * ns * sizeof *y);
    unsigned char *na = xalloc((size_t)NTRAIT * ns);
    for (int t = 0; t < NTRAIT; t++)
        for (int s = 0; s < ns; s++) {
            y[(size_t)t * ns + s] = 0.2 * sex[s] + 0.01 * (age[s] - 50) + 0.1 * pc[3 * s] - 0.05 * pc[3 * s + 1] + normal();
            na[(size_t)t * ns + s] = t % 20 == 10 && unif() < 0.03;        /* Q11, Q31, ..., Q91 */
        }

    /* the VCF */
    printf("##fileformat=VCFv4.2\n##source=g5 workflows/bench/gen-assoc.sh: mosaics of the shapeit4 example panel, seed %s\n", argv[3]);
    for (int c = 0; c < NCHROM; c++)
        printf("##contig=<ID=%d,length=%ld>\n", c + 1, POS(nper[c] - 1) + 1000);
    printf("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT");
    for (int s = 0; s < ns; s++) printf("\tS%05d", s + 1);
    putchar('\n');
    int *cur = xalloc(2 * ns * sizeof *cur), *left = xalloc(2 * ns * sizeof *left);
    for (int k = 0; k < 2 * ns; k++) cur[k] = below(nh), left[k] = RUN_MIN + below(RUN_MAX - RUN_MIN + 1);
    char *gts = xalloc(4 * (size_t)ns + 1);
    size_t ci = 0;
    long g = 0;
    for (int c = 0; c < NCHROM; c++)
        for (long i = 0; i < nper[c]; i++, g++) {
            size_t j = i % nb;
            const unsigned char *h = hap + j * nh;
            char *o = gts;
            for (int s = 0; s < ns; s++) {
                *o++ = '\t', *o++ = '0' + h[cur[2 * s]], *o++ = '|', *o++ = '0' + h[cur[2 * s + 1]];
            }
            for (; ci < NTRAIT * NCAUSAL && cv[ci].g == g; ci++) {
                double p = cv[ci].af, b = cv[ci].beta, *yt = y + (size_t)cv[ci].trait * ns;
                for (int s = 0; s < ns; s++) yt[s] += b * (h[cur[2 * s]] + h[cur[2 * s + 1]] - 2 * p);
            }
            printf("%d\t%ld\t.\t%s\t%s\t.\t.\t.\tGT", c + 1, POS(i), ref[j], alt[j]);
            fwrite(gts, 1, o - gts, stdout);
            putchar('\n');
            for (int k = 0; k < 2 * ns; k++)
                if (--left[k] == 0) cur[k] = below(nh), left[k] = RUN_MIN + below(RUN_MAX - RUN_MIN + 1);
        }
    if (fflush(stdout) || ferror(stdout)) die("cannot write the VCF");

    FILE *f = fopen(argv[4], "w");
    if (!f) die("cannot write the phenotypes");
    fputs("IID", f);
    for (int t = 0; t < NTRAIT; t++) fprintf(f, "\tQ%d", t + 1);
    fputc('\n', f);
    for (int s = 0; s < ns; s++) {
        fprintf(f, "S%05d", s + 1);
        for (int t = 0; t < NTRAIT; t++)
            if (na[(size_t)t * ns + s]) fputs("\tNA", f);
            else put_value(f, y[(size_t)t * ns + s]);
        fputc('\n', f);
    }
    if (fclose(f)) die("cannot write the phenotypes");
    if (!(f = fopen(argv[5], "w"))) die("cannot write the covariates");
    fputs("IID\tsex\tage\tPC1\tPC2\tPC3\n", f);
    for (int s = 0; s < ns; s++)
        fprintf(f, "S%05d\t%d\t%d\t%.5f\t%.5f\t%.5f\n", s + 1, sex[s], age[s], pc[3 * s], pc[3 * s + 1], pc[3 * s + 2]);
    if (fclose(f)) die("cannot write the covariates");
    if (!(f = fopen(argv[6], "w"))) die("cannot write the causal list");
    fputs("trait\tchrom\tpos\tref\talt\taf\tbeta\n", f);
    for (int t = 0; t < NTRAIT; t++)
        for (size_t k = 0; k < NTRAIT * NCAUSAL; k++)
            if (cv[k].trait == t)
                fprintf(f, "Q%d\t%d\t%ld\t%s\t%s\t%.4f\t%.5f\n", t + 1, cv[k].chrom, cv[k].pos, ref[cv[k].j],
                        alt[cv[k].j], cv[k].af, cv[k].beta);
    if (fclose(f)) die("cannot write the causal list");
    return 0;
}
EOF
src=$gen/mosaic.c bin=$gen/mosaic
if ! cmp -s "$gen/mosaic.tmp.$$.c" "$src" || [ ! -x "$bin" ]; then
    mv "$gen/mosaic.tmp.$$.c" "$src"
    "$cc" -O2 -o "$bin.tmp.$$" "$src" -lm
    mv "$bin.tmp.$$" "$bin"
fi

# 2. the cohort: the VCF streams through bgzip; traits, covariates and the
#    planted effects come out at the end
echo "[$(ts)] gen-assoc: $nsamples samples x $nvariants variants from $(basename "$panel") (seed $seed)" >&2
bcftools query -f '%POS\t%REF\t%ALT[\t%GT]\n' "$panel" \
    | "$bin" "$nsamples" "$nvariants" "$seed" "$pheno.tmp.$$" "$covar.tmp.$$" "$gen/assoc.causal.tsv.tmp.$$" \
    | bgzip -@ "$threads" >"$vcf.tmp.$$"
echo "[$(ts)] gen-assoc: tabix" >&2
tabix -p vcf "$vcf.tmp.$$"
mv "$gen/assoc.causal.tsv.tmp.$$" "$gen/assoc.causal.tsv"
mv "$pheno.tmp.$$" "$pheno"
mv "$covar.tmp.$$" "$covar"
mv "$vcf.tmp.$$.tbi" "$vcf.tbi"
mv "$vcf.tmp.$$" "$vcf"
touch "$vcf.tbi"                # the index must not look older than the VCF
echo "$sizes" >"$gen/sizes"
echo "[$(ts)] gen-assoc: $vcf ($(du -m "$vcf" | cut -f 1) MB), $pheno, $covar" >&2
