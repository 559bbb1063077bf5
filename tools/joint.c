/*
 * joint.c -- g5 joint: the per-sample gVCFs of many centres (g5, bcftools,
 * GATK, DeepVariant, or a merged gVCF of an earlier run) genotyped together
 * into one cohort VCF/BCF.
 *
 * libseq/gvcfmerge walks the inputs side by side and hands over each site
 * with every sample's likelihoods over one set of alleles; this file calls
 * the genotypes (libseq/gl: theta's prior as g5 call, or a population
 * prior), writes the variant sites, and with --gvcf-out the merged gVCF
 * that a later run reads in place of all these inputs (N+1).  The genome is
 * cut into fixed chunks that -@ workers genotype side by side; chunks are
 * written in genome order, so the output does not depend on -@.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <htslib/hts.h>
#include <htslib/kstring.h>

#include "alnio.h"
#include "chunks.h"
#include "cli.h"
#include "gl.h"
#include "gvcf.h"
#include "gvcfmerge.h"
#include "out.h"
#include "progress.h"
#include "vcfout.h"

static const char TOOL[] = "joint";

typedef struct args {
    g5_opts_t o;
    char **inputs;
    int ninputs;
    const char *list;           /* -l */
    const char *regions_file;   /* -R */
    const char *gvcf_out;       /* --gvcf-out */
    int rename;                 /* --rename-duplicates */
    int af_prior;               /* --af-prior */
    double theta, min_qual;
    int help;
    char *cmdline;
    char **listed;              /* the inputs read from -l */
    int nlisted;
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 joint -f REF.fa [options] [-l LIST | IN.g.vcf.gz...]\n"
        "\n"
        "Genotype a cohort from its samples' gVCFs (g5 call --gvcf, bcftools call -g,\n"
        "GATK HaplotypeCaller -ERC GVCF, DeepVariant, or a merged gVCF of an earlier\n"
        "g5 joint run): the sites of all, their alleles unified, every sample\n"
        "re-genotyped from its likelihoods -- a sample without reads at a site is ./.,\n"
        "never 0/0.  Writes the variant sites with GT, GQ, DP, AD, PL and AC, AN, AF.\n"
        "\n"
        "Inputs:\n"
        "  -f, --reference FASTA   the reference the gVCFs were called on (required)\n"
        "  -l, --list FILE         the gVCFs, one file name per line\n"
        "      --rename-duplicates a sample name met again is renamed N:NAME (N: the\n"
        "                          input's number) instead of an error\n"
        "Where:\n"
        "  -r, --region REG        only REG (chr, chr:beg-end)\n"
        "  -R, --regions-file BED  only the regions of a BED file\n"
        "Model:\n"
        "      --theta FLOAT       expected heterozygosity, the prior of a variant [0.001]\n"
        "      --min-qual FLOAT    evidence a sample needs of its own for an alternate\n"
        "                          allele, phred [10]\n"
        "      --af-prior          prior from the cohort's allele frequencies (EM at each\n"
        "                          site) instead of --theta\n"
        "Output:\n"
        "  -o, --output FILE       cohort VCF/BCF [-]\n"
        "  -O, --output-fmt FMT    vcf, vcf.gz, bcf [from the name]\n"
        "      --write-index       index it (TBI for vcf.gz, CSI for bcf)\n"
        "      --gvcf-out FILE     also the merged gVCF (.bcf or .vcf.gz, indexed): every\n"
        "                          sample's likelihoods and blocks, to add samples to\n"
        "                          later without reading these inputs again\n"
        "  -@, --threads INT       additional threads [0]\n"
        "  -m, --memory SIZE       memory budget [2G]\n"
        "      --no-PG             no ##g5_jointCommand line\n"
        "      --progress, --no-progress, --verbosity INT, -h, --help\n"
        "\n"
        "Inputs must be sorted as the reference; with an index (.tbi/.csi) each\n"
        "worker reads its chunks directly, without one they are read front to back\n"
        "by one worker.\n"
        "\n"
        "See g5-joint(1).\n");
}

enum { OPT_GVCF_OUT = G5_OPT_TOOL_BASE, OPT_RENAME, OPT_AF_PRIOR, OPT_THETA, OPT_MIN_QUAL };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"list", required_argument, NULL, 'l'},
        {"regions-file", required_argument, NULL, 'R'},
        {"gvcf-out", required_argument, NULL, OPT_GVCF_OUT},
        {"rename-duplicates", no_argument, NULL, OPT_RENAME},
        {"af-prior", no_argument, NULL, OPT_AF_PRIOR},
        {"theta", required_argument, NULL, OPT_THETA},
        {"min-qual", required_argument, NULL, OPT_MIN_QUAL},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:O:m:f:r:R:l:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case 'l': a->list = optarg; break;
        case 'R': a->regions_file = optarg; break;
        case OPT_GVCF_OUT: a->gvcf_out = optarg; break;
        case OPT_RENAME: a->rename = 1; break;
        case OPT_AF_PRIOR: a->af_prior = 1; break;
        case OPT_THETA:
            if (g5_parse_double(optarg, 1e-9, 0.5, &a->theta) < 0)
                return g5_usage_error(TOOL, "--theta wants a probability in (0, 0.5], not \"%s\"", optarg);
            break;
        case OPT_MIN_QUAL:
            if (g5_parse_double(optarg, 0, 1e6, &a->min_qual) < 0)
                return g5_usage_error(TOOL, "--min-qual wants a phred value >= 0, not \"%s\"", optarg);
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@oOmfrwPvp")) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (!a->o.reference) return g5_usage_error(TOOL, "the reference is needed: -f REF.fa");
    if (a->list && optind < argc) return g5_usage_error(TOOL, "give the gVCFs with -l or as arguments, not both");
    if (!a->list && optind == argc) return g5_usage_error(TOOL, "no input file");
    if (a->regions_file && a->o.region) return g5_usage_error(TOOL, "-r and -R exclude each other");
    a->inputs = argv + optind;
    a->ninputs = argc - optind;
    return G5_EXIT_OK;
}

/* -l: one file name per line (blank lines and # comments skipped). */
static int read_list(args_t *a)
{
    FILE *fp = fopen(a->list, "r");
    if (!fp) return g5_err(TOOL, "cannot read the list \"%s\": %s", a->list, strerror(errno)), -1;
    char *line = NULL;
    size_t mline = 0;
    ssize_t len;
    int lineno = 0, r = 0;
    while (r == 0 && (len = getline(&line, &mline, fp)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (len == 0 || line[0] == '#') continue;
        char **x = realloc(a->listed, (a->nlisted + 1) * sizeof *x);
        if (!x || !(x[a->nlisted] = strdup(line))) {
            if (x) a->listed = x;
            g5_err(TOOL, "out of memory");
            r = -1;
            break;
        }
        a->listed = x;
        a->nlisted++;
        if (access(line, R_OK) != 0)
        {
            g5_err(TOOL, "cannot read \"%s\" (line %d of \"%s\"): %s", line, lineno, a->list, strerror(errno));
            r = -1;
        }
    }
    free(line);
    fclose(fp);
    if (r == 0 && a->nlisted == 0) {
        g5_err(TOOL, "the list \"%s\" names no file", a->list);
        r = -1;
    }
    a->inputs = a->listed;
    a->ninputs = a->nlisted;
    return r;
}

/* --- headers ------------------------------------------------------------ */

static bcf_hdr_t *make_header(const args_t *a, const g5_gvcfs_t *set, int gvcf)
{
    bcf_hdr_t *h = bcf_hdr_init("w");
    if (!h) return NULL;
    int r = g5_vcf_hdr_contigs(h, g5_gvcfs_contigs(set), a->o.reference);
    static const char *const lines[] = {
        "##INFO=<ID=AC,Number=A,Type=Integer,Description=\"Copies of each ALT in the called genotypes\">",
        "##INFO=<ID=AN,Number=1,Type=Integer,Description=\"Alleles in the called genotypes\">",
        "##INFO=<ID=AF,Number=A,Type=Float,Description=\"Frequency of each ALT in the called genotypes, AC/AN\">",
        "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Depth, all samples\">",
        "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">",
        "##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality: phred probability that GT is wrong, at most 99\">",
        "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Depth (a reference block's least)\">",
        "##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Depth of each allele\">",
        "##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Phred-scaled genotype likelihoods, the best at 0\">",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines && r == 0; i++) r = bcf_hdr_append(h, lines[i]);
    if (gvcf && r == 0) r = g5_gvcf_hdr_add(h);
    for (int i = 0; i < g5_gvcfs_nsamples(set) && r == 0; i++) r = bcf_hdr_add_sample(h, g5_gvcfs_sample(set, i));
    if (r != 0 || bcf_hdr_sync(h) < 0 || (!a->o.no_pg && g5_prov_vcf(h, TOOL, a->cmdline) < 0)) {
        bcf_hdr_destroy(h);
        return NULL;
    }
    return h;
}

/* --- genotyping a site -------------------------------------------------- */

/* A worker's room for one site. */
typedef struct genotyper {
    const args_t *a;
    bcf_hdr_t *hdr, *ghdr;  /* cohort and merged-gVCF headers */
    int ns;
    double *gl;             /* ns x G5_GL_MAX_GT */
    const double **glp;
    int *gt, *gq, *gtv, *pl, *ad, *dp;
    kstring_t al;
} genotyper_t;

static int genotyper_init(genotyper_t *k, const args_t *a, bcf_hdr_t *hdr, bcf_hdr_t *ghdr, int ns)
{
    memset(k, 0, sizeof *k);
    k->a = a;
    k->hdr = hdr;
    k->ghdr = ghdr;
    k->ns = ns;
    k->gl = malloc((size_t)ns * G5_GL_MAX_GT * sizeof *k->gl);
    k->glp = malloc(ns * sizeof *k->glp);
    k->gt = malloc(ns * sizeof *k->gt);
    k->gq = malloc(ns * sizeof *k->gq);
    k->dp = malloc(ns * sizeof *k->dp);
    k->gtv = malloc((size_t)ns * 2 * sizeof *k->gtv);
    k->pl = malloc((size_t)ns * G5_MSITE_MAX_GT * sizeof *k->pl);
    k->ad = malloc((size_t)ns * G5_MSITE_MAX_ALLELES * sizeof *k->ad);
    return k->gl && k->glp && k->gt && k->gq && k->dp && k->gtv && k->pl && k->ad ? 0 : -1;
}

static void genotyper_free(genotyper_t *k)
{
    free(k->gl); free(k->glp); free(k->gt); free(k->gq); free(k->dp); free(k->gtv); free(k->pl); free(k->ad);
    free(k->al.s);
}

/* Each sample's genotype at the site (k->gt, k->gq), and QUAL. */
static void genotype(genotyper_t *k, const g5_msite_t *s, double *qual)
{
    for (int i = 0; i < k->ns; i++) {
        k->glp[i] = NULL;
        if (s->src[i] == G5_MSRC_NONE) continue;
        int ng = g5_gl_ngenotypes(s->nal, s->ploidy[i]);
        double *gl = k->gl + (size_t)i * G5_GL_MAX_GT;
        const int *pl = s->pl + (size_t)i * G5_MSITE_MAX_GT;
        // the genotypes of the real alleles come first in VCF order, those
        // with O after them
        for (int g = 0; g < ng; g++) gl[g] = -0.1 * pl[g];
        k->glp[i] = gl;
    }
    if (k->a->af_prior) {
        double af[G5_GL_MAX_ALLELES];
        g5_gl_freqs(k->ns, k->glp, s->ploidy, s->nal, k->a->theta, af);
        g5_gl_call_freqs(k->ns, k->glp, s->ploidy, s->nal, af, k->a->min_qual, k->gt, k->gq, qual);
    } else {
        g5_gl_call(k->ns, k->glp, s->ploidy, s->nal, k->a->theta, NULL, k->a->min_qual, k->gt, k->gq, qual);
    }
}

static void set_gt(genotyper_t *k, int i, int gt, int ploidy, const int *remap)
{
    int *v = k->gtv + (size_t)i * 2;
    if (gt < 0) {
        v[0] = bcf_gt_missing;
        v[1] = ploidy == 2 ? bcf_gt_missing : bcf_int32_vector_end;
        return;
    }
    int g[2];
    g5_gl_alleles(gt, ploidy, g);
    v[0] = bcf_gt_unphased(remap ? remap[g[0]] : g[0]);
    v[1] = ploidy == 2 ? bcf_gt_unphased(remap ? remap[g[1]] : g[1]) : bcf_int32_vector_end;
}

static int or_missing(int v) { return v < 0 ? bcf_int32_missing : v; }

/* A sample's AD unknown: one missing value, as "." */
static void ad_missing(int *ad, int n)
{
    ad[0] = bcf_int32_missing;
    for (int a = 1; a < n; a++) ad[a] = bcf_int32_vector_end;
}

/* The cohort's record: the alleles some sample carries, trimmed of the
 * bases they share at the end.  @return 1 filled, 0 when no sample carries
 * an ALT, -1 */
static int cohort_record(genotyper_t *k, const g5_msite_t *s, double qual, bcf1_t *rec)
{
    int keep[G5_MSITE_MAX_ALLELES] = { 1 }, remap[G5_MSITE_MAX_ALLELES], nkeep = 0;
    for (int i = 0; i < k->ns; i++) {
        if (k->gt[i] < 0) continue;
        int g[2];
        g5_gl_alleles(k->gt[i], s->ploidy[i], g);
        keep[g[0]] = 1;
        if (s->ploidy[i] == 2) keep[g[1]] = 1;
    }
    int kept[G5_MSITE_MAX_ALLELES];
    for (int a = 0; a < s->nal; a++) {
        remap[a] = keep[a] ? nkeep : -1;
        if (keep[a]) kept[nkeep++] = a;
    }
    if (nkeep < 2) return 0;

    // alleles, without the suffix all of them share (a longer deletion
    // that nobody carries made REF long)
    size_t trim = 0, shortest = SIZE_MAX;
    for (int j = 0; j < nkeep; j++) {
        size_t l = strlen(s->alleles[kept[j]]);
        if (l < shortest) shortest = l;
    }
    for (; trim + 1 < shortest; trim++) {
        char c = s->alleles[kept[0]][strlen(s->alleles[kept[0]]) - 1 - trim];
        int same = 1;
        for (int j = 1; j < nkeep && same; j++) {
            const char *x = s->alleles[kept[j]];
            same = x[strlen(x) - 1 - trim] == c;
        }
        if (!same) break;
    }
    k->al.l = 0;
    for (int j = 0; j < nkeep; j++) {
        if (j) kputc(',', &k->al);
        kputsn(s->alleles[kept[j]], strlen(s->alleles[kept[j]]) - trim, &k->al);
    }

    int maxg = 0, an = 0, ac[G5_MSITE_MAX_ALLELES] = { 0 }, dp_total = 0;
    for (int i = 0; i < k->ns; i++) {
        int ng = g5_gl_ngenotypes(nkeep, s->ploidy[i]);
        if (ng > maxg) maxg = ng;
    }
    for (int i = 0; i < k->ns; i++) {
        int p = s->ploidy[i], *pl = k->pl + (size_t)i * maxg, *ad = k->ad + (size_t)i * nkeep;
        set_gt(k, i, k->gt[i], p, remap);
        k->dp[i] = or_missing(s->dp[i]);
        if (s->dp[i] > 0) dp_total += s->dp[i];
        const int *sad = s->ad + (size_t)i * G5_MSITE_MAX_ALLELES;
        for (int j = 0; j < nkeep; j++) ad[j] = or_missing(sad[kept[j]]);
        if (s->src[i] == G5_MSRC_NONE || sad[0] < 0) ad_missing(ad, nkeep);
        if (k->gt[i] < 0) {
            k->gq[i] = bcf_int32_missing;
            pl[0] = bcf_int32_missing;
            for (int g = 1; g < maxg; g++) pl[g] = bcf_int32_vector_end;
            continue;
        }
        int g[2];
        g5_gl_alleles(k->gt[i], p, g);
        an += p;
        ac[remap[g[0]]]++;
        if (p == 2) ac[remap[g[1]]]++;
        // PL of the kept alleles' genotypes, the best at 0 again
        const int *spl = s->pl + (size_t)i * G5_MSITE_MAX_GT;
        int ng = g5_gl_ngenotypes(nkeep, p), best = INT32_MAX;
        for (int b = 0, q = 0; b < nkeep; b++)
            for (int a2 = p == 1 ? b : 0; a2 <= b; a2++, q++) {
                int x = kept[a2], y = kept[b];
                pl[q] = spl[p == 1 ? y : y * (y + 1) / 2 + x];
                if (pl[q] < best) best = pl[q];
            }
        for (int q = 0; q < maxg; q++) pl[q] = q < ng ? pl[q] - best : bcf_int32_vector_end;
    }
    float af[G5_MSITE_MAX_ALLELES];
    for (int j = 1; j < nkeep; j++) af[j] = an ? (float)ac[j] / an : 0;

    bcf_clear(rec);
    rec->rid = s->tid;
    rec->pos = s->pos;
    rec->qual = (float)(round(qual * 100) / 100);
    if (bcf_update_alleles_str(k->hdr, rec, k->al.s) < 0
        || bcf_update_info_int32(k->hdr, rec, "AC", ac + 1, nkeep - 1) < 0
        || bcf_update_info_int32(k->hdr, rec, "AN", &an, 1) < 0
        || bcf_update_info_float(k->hdr, rec, "AF", af + 1, nkeep - 1) < 0
        || bcf_update_info_int32(k->hdr, rec, "DP", &dp_total, 1) < 0
        || bcf_update_genotypes(k->hdr, rec, k->gtv, k->ns * 2) < 0
        || bcf_update_format_int32(k->hdr, rec, "GQ", k->gq, k->ns) < 0
        || bcf_update_format_int32(k->hdr, rec, "DP", k->dp, k->ns) < 0
        || bcf_update_format_int32(k->hdr, rec, "AD", k->ad, k->ns * nkeep) < 0
        || bcf_update_format_int32(k->hdr, rec, "PL", k->pl, k->ns * maxg) < 0)
        return -1;
    return 1;
}

/* The merged gVCF's record of a site: all its alleles and <*>, each sample
 * with its own record of the site as it was read (the others missing: their
 * blocks are in the merged blocks). */
static int gvcf_site(genotyper_t *k, const g5_msite_t *s, double qual, bcf1_t *rec)
{
    int nal = s->nal + 1, maxg = 0;
    k->al.l = 0;
    for (int a = 0; a < s->nal; a++) {
        kputs(s->alleles[a], &k->al);
        kputc(',', &k->al);
    }
    kputs("<*>", &k->al);
    for (int i = 0; i < k->ns; i++) {
        int ng = g5_gl_ngenotypes(nal, s->ploidy[i]);
        if (ng > maxg) maxg = ng;
    }
    for (int i = 0; i < k->ns; i++) {
        int own = s->src[i] == G5_MSRC_SITE, p = s->ploidy[i];
        int *pl = k->pl + (size_t)i * maxg, *ad = k->ad + (size_t)i * nal;
        set_gt(k, i, own ? k->gt[i] : -1, p, NULL);
        k->gq[i] = own ? or_missing(s->gq[i]) : bcf_int32_missing;
        k->dp[i] = own ? or_missing(s->dp[i]) : bcf_int32_missing;
        const int *sad = s->ad + (size_t)i * G5_MSITE_MAX_ALLELES, *spl = s->pl + (size_t)i * G5_MSITE_MAX_GT;
        for (int a = 0; a < nal; a++) ad[a] = a < s->nal ? or_missing(sad[a]) : 0;
        if (!own || sad[0] < 0) ad_missing(ad, nal);
        if (!own) {
            pl[0] = bcf_int32_missing;
            for (int g = 1; g < maxg; g++) pl[g] = bcf_int32_vector_end;
            continue;
        }
        int ng = g5_gl_ngenotypes(nal, p);
        for (int g = 0; g < maxg; g++) pl[g] = g < ng ? spl[g] : bcf_int32_vector_end;
    }
    bcf_clear(rec);
    rec->rid = s->tid;
    rec->pos = s->pos;
    rec->qual = (float)(round(qual * 100) / 100);
    if (bcf_update_alleles_str(k->ghdr, rec, k->al.s) < 0
        || bcf_update_genotypes(k->ghdr, rec, k->gtv, k->ns * 2) < 0
        || bcf_update_format_int32(k->ghdr, rec, "GQ", k->gq, k->ns) < 0
        || bcf_update_format_int32(k->ghdr, rec, "DP", k->dp, k->ns) < 0
        || bcf_update_format_int32(k->ghdr, rec, "AD", k->ad, k->ns * nal) < 0
        || bcf_update_format_int32(k->ghdr, rec, "PL", k->pl, k->ns * maxg) < 0)
        return -1;
    return 0;
}

/* The merged gVCF's reference block: each sample's block numbers. */
static int gvcf_block(genotyper_t *k, const g5_msite_t *s, bcf1_t *rec)
{
    int *mindp = k->ad;     // room enough: ns values
    for (int i = 0; i < k->ns; i++) {
        int in = s->src[i] == G5_MSRC_BLOCK, p = s->ploidy[i];
        int *v = k->gtv + (size_t)i * 2, *pl = k->pl + (size_t)i * 3;
        v[0] = in ? bcf_gt_unphased(0) : bcf_gt_missing;
        v[1] = p == 2 ? v[0] : bcf_int32_vector_end;
        k->gq[i] = in ? or_missing(s->gq[i]) : bcf_int32_missing;
        k->dp[i] = mindp[i] = in ? or_missing(s->dp[i]) : bcf_int32_missing;
        const int *spl = s->pl + (size_t)i * G5_MSITE_MAX_GT;
        pl[0] = in ? spl[0] : bcf_int32_missing;
        pl[1] = in ? spl[1] : bcf_int32_vector_end;
        pl[2] = in && p == 2 ? spl[2] : bcf_int32_vector_end;
    }
    int32_t end = (int32_t)s->end;
    bcf_clear(rec);
    rec->rid = s->tid;
    rec->pos = s->pos;
    bcf_float_set_missing(rec->qual);
    k->al.l = 0;
    kputs(s->alleles[0], &k->al);
    kputs(",<*>", &k->al);
    if (bcf_update_alleles_str(k->ghdr, rec, k->al.s) < 0
        || bcf_update_info_int32(k->ghdr, rec, "END", &end, 1) < 0
        || bcf_update_genotypes(k->ghdr, rec, k->gtv, k->ns * 2) < 0
        || bcf_update_format_int32(k->ghdr, rec, "GQ", k->gq, k->ns) < 0
        || bcf_update_format_int32(k->ghdr, rec, "DP", k->dp, k->ns) < 0
        || bcf_update_format_int32(k->ghdr, rec, "MIN_DP", mindp, k->ns) < 0
        || bcf_update_format_int32(k->ghdr, rec, "PL", k->pl, k->ns * 3) < 0)
        return -1;
    return 0;
}

/* --- chunks and workers ------------------------------------------------- */

/* A chunk's records, cohort and merged gVCF, in genome order. */
typedef struct chunk {
    g5_vcfrecs_t cohort, gvcf;
} chunk_t;

static void chunk_free(chunk_t *c)
{
    if (!c) return;
    g5_vcfrecs_free(&c->cohort);
    g5_vcfrecs_free(&c->gvcf);
    free(c);
}

/* A fresh record at the end of @p v, or NULL. */
static bcf1_t *recs_add(g5_vcfrecs_t *v)
{
    bcf1_t *rec = bcf_init();
    if (rec && g5_vcfrecs_push(v, rec) < 0) {
        bcf_destroy(rec);
        rec = NULL;
    }
    return rec;
}

static void recs_drop_last(g5_vcfrecs_t *v)
{
    bcf_destroy(v->r[--v->n]);
}

typedef struct writer {
    const args_t *a;
    const g5_gvcfs_t *set;
    bcf_hdr_t *hdr, *ghdr;
    g5_vcfout_t *out, *gout;
    g5_progress_t *progress;
} writer_t;

typedef struct worker {
    g5_gvcf_merge_t *m;
    genotyper_t k;
} worker_t;

static void worker_stop(void *state)
{
    worker_t *w = state;
    if (!w) return;
    genotyper_free(&w->k);
    g5_gvcf_merge_close(w->m);
    free(w);
}

static void *worker_start(void *ctx, char *why, size_t nwhy)
{
    const writer_t *wr = ctx;
    worker_t *w = calloc(1, sizeof *w);
    if (!w) return snprintf(why, nwhy, "out of memory"), NULL;
    if (!(w->m = g5_gvcf_merge_open(wr->set, wr->gout != NULL, why, nwhy))) {
        free(w);
        return NULL;
    }
    if (genotyper_init(&w->k, wr->a, wr->hdr, wr->ghdr, g5_gvcfs_nsamples(wr->set)) < 0) {
        snprintf(why, nwhy, "out of memory");
        worker_stop(w);
        return NULL;
    }
    return w;
}

static int worker_work(void *state, const g5_chunk_t *g, void **result, char *why, size_t nwhy)
{
    worker_t *w = state;
    int gvcf = w->k.ghdr != NULL;
    chunk_t *c = calloc(1, sizeof *c);
    if (!c) return snprintf(why, nwhy, "out of memory"), -1;
    const g5_msite_t *s;
    int r = g5_gvcf_merge_region(w->m, g->tid, g->beg, g->end);
    while (r == 0 && (r = g5_gvcf_merge_next(w->m, &s)) > 0) {
        r = 0;
        bcf1_t *rec;
        if (s->block) {
            if (!(rec = recs_add(&c->gvcf)) || gvcf_block(&w->k, s, rec) < 0) r = -2;
            continue;
        }
        double qual;
        genotype(&w->k, s, &qual);
        // the cohort's record first: the merged gVCF's reuses the room
        int t = (rec = recs_add(&c->cohort)) ? cohort_record(&w->k, s, qual, rec) : -1;
        if (t < 0) r = -2;
        else if (t == 0) recs_drop_last(&c->cohort);
        if (r == 0 && gvcf && (!(rec = recs_add(&c->gvcf)) || gvcf_site(&w->k, s, qual, rec) < 0)) r = -2;
    }
    if (r < 0) {
        snprintf(why, nwhy, "%s", r == -2 ? "out of memory" : g5_gvcf_merge_why(w->m));
        chunk_free(c);
        return -1;
    }
    *result = c;
    return 0;
}

static int chunk_emit(void *ctx, const g5_chunk_t *g, void *result, char *why, size_t nwhy)
{
    writer_t *wr = ctx;
    chunk_t *c = result;
    int r = 0;
    if (g5_vcfrecs_write(wr->out, wr->hdr, &c->cohort) < 0) {
        snprintf(why, nwhy, "cannot write \"%s\": %s", wr->a->o.out, wr->out->why);
        r = -1;
    } else if (wr->gout && g5_vcfrecs_write(wr->gout, wr->ghdr, &c->gvcf) < 0) {
        snprintf(why, nwhy, "cannot write \"%s\": %s", wr->a->gvcf_out, wr->gout->why);
        r = -1;
    }
    chunk_free(c);
    g5_progress_add(wr->progress, 1);
    (void)g;
    return r;
}

static void chunk_discard(void *ctx, void *result)
{
    (void)ctx;
    chunk_free(result);
}

/* Chunks: fixed, whatever the thread count; smaller for larger cohorts,
 * and smaller again with the merged gVCF (whose blocks hold every sample),
 * so that a chunk's records stay a few tens of megabytes. */
static hts_pos_t chunk_size(int ns, int gvcf)
{
    hts_pos_t size = ((hts_pos_t)1 << (gvcf ? 22 : 24)) / (ns > 0 ? ns : 1);
    if (size > ((hts_pos_t)1 << 19)) size = (hts_pos_t)1 << 19;
    if (size < 4096) size = 4096;
    return size;
}

/* Bytes of records per sample and base of a chunk, measured: a quarter of
 * a byte for the cohort's sites, four with the merged gVCF's blocks. */
static double chunk_bytes(int ns, int gvcf)
{
    return (gvcf ? 4.0 : 0.25) * ns * (double)chunk_size(ns, gvcf);
}

/* --- main --------------------------------------------------------------- */

int main_joint(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.theta = 1e-3;
    a.min_qual = 10;

    htsThreadPool pool = { NULL, 0 };
    g5_gvcfs_t *set = NULL;
    bcf_hdr_t *hdr = NULL, *ghdr = NULL;
    g5_vcfout_t out, gout;
    int out_open = 0, gout_open = 0;
    g5_chunk_t *chunks = NULL;
    size_t nchunks = 0;
    char why[1024];
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;

    if (!(a.cmdline = g5_cmdline(argc, argv))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (a.list && read_list(&a) < 0) goto done;
    if (!(set = g5_gvcfs_open(a.ninputs, a.inputs, a.o.reference, a.rename, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    int ns = g5_gvcfs_nsamples(set);

    // workers: as many as asked for and the memory budget holds; without
    // indexes one, reading front to back
    size_t budget = a.o.memory ? a.o.memory : (size_t)2 << 30;
    // a worker's readers, and the records of the chunks it may hold
    // finished (four, see libseq/chunks)
    int gvcf = a.gvcf_out != NULL;
    size_t per = g5_gvcfs_worker_bytes(set) + (size_t)(4 * chunk_bytes(ns, gvcf));
    int workers = a.o.threads + 1;     // -@ N: N more than one, as in samtools
    if (!g5_gvcfs_indexed(set)) workers = 1;
    if ((size_t)workers * per > budget) workers = (int)(budget / per);
    if (workers < 1) {
        g5_err(TOOL, "-m %zuM is too little for %d inputs of %d samples: one worker needs about %zuM", budget >> 20,
               a.ninputs, ns, (per >> 20) + 1);
        goto done;
    }
    if (workers < a.o.threads + 1 && a.o.verbosity > 0)
        g5_info(TOOL, "%d worker%s: %s", workers, workers > 1 ? "s" : "",
                g5_gvcfs_indexed(set) ? "as many as -m allows" : "inputs without an index are read front to back");

    if (!(hdr = make_header(&a, set, 0)) || (a.gvcf_out && !(ghdr = make_header(&a, set, 1)))) {
        g5_err(TOOL, "cannot make the VCF header (odd contig or sample names?)");
        goto done;
    }
    if (g5_chunks_make(g5_gvcfs_contigs(set), a.o.region, a.regions_file, chunk_size(ns, gvcf), &chunks, &nchunks, why,
                       sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    if (g5_pool_init(&pool, a.o.threads > 1 ? 1 : 0) < 0) {
        g5_err_errno(TOOL, "cannot start threads");
        goto done;
    }
    if (g5_vcfout_open(&out, a.o.out, a.o.out_fmt, &pool, a.o.write_index) < 0) {
        int usage = errno == EINVAL;
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        status = usage ? G5_EXIT_USAGE : G5_EXIT_DATA;
        goto done;
    }
    out_open = 1;
    if (a.gvcf_out) {
        // BCF or bgzipped VCF, by the name: either way indexed, to be an input
        if (g5_vcfout_open(&gout, a.gvcf_out, NULL, &pool, 1) < 0) {
            int usage = errno == EINVAL;
            g5_err(TOOL, "cannot write \"%s\": %s", a.gvcf_out, gout.why);
            status = usage ? G5_EXIT_USAGE : G5_EXIT_DATA;
            goto done;
        }
        gout_open = 1;
    }
    if (g5_vcfout_header(&out, hdr) < 0 || (gout_open && g5_vcfout_header(&gout, ghdr) < 0)) {
        g5_err(TOOL, "cannot write the header: %s", out.why[0] ? out.why : gout.why);
        goto done;
    }

    g5_progress_t progress;
    g5_progress_start(&progress, TOOL, "chunks", a.o.progress, nchunks);
    writer_t wr = { &a, set, hdr, ghdr, &out, gout_open ? &gout : NULL, &progress };
    g5_chunk_job_t job = { worker_start, worker_work, chunk_emit, chunk_discard, worker_stop, &wr };
    int r = g5_chunks_run(chunks, nchunks, workers, &job, why, sizeof why);
    g5_progress_done(&progress);
    if (r < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    // the merged gVCF first: a cohort file under its final name means both are complete
    if (gout_open) {
        gout_open = 0;
        if (g5_vcfout_commit(&gout) < 0) {
            g5_err(TOOL, "cannot write \"%s\": %s", a.gvcf_out, gout.why);
            goto done;
        }
    }
    out_open = 0;
    if (g5_vcfout_commit(&out) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        goto done;
    }
    status = G5_EXIT_OK;

done:
    if (out_open) g5_vcfout_abort(&out);
    if (gout_open) g5_vcfout_abort(&gout);
    free(chunks);
    if (hdr) bcf_hdr_destroy(hdr);
    if (ghdr) bcf_hdr_destroy(ghdr);
    g5_gvcfs_close(set);
    g5_pool_destroy(&pool);
    free(a.cmdline);
    for (int i = 0; i < a.nlisted; i++) free(a.listed[i]);
    free(a.listed);
    return g5_finish(TOOL, status);
}
