/*
 * call.c -- g5 call: SNVs and indels from one or many coordinate-sorted,
 * indexed BAM/CRAM files (one sample each), called jointly, as VCF/BCF.
 *
 * libseq/pileup walks the files column by column (filters, BAQ, mate
 * overlaps, left-aligned indel candidates); this file picks the candidate
 * alleles of a column -- bases for the SNV, the indels anchored there --
 * gets likelihoods from libseq/gl (bases) and libseq/indel (reads realigned
 * to each haplotype), calls the genotypes, and writes the variant sites
 * through libseq/vcfout.  The genome is cut into fixed chunks; with -@ N,
 * N + 1 worker threads (N more than the one without -@, as in samtools)
 * call chunks side by side, each with its own readers, while the main
 * thread writes the chunks in genome order, so the output does not depend
 * on the number of threads.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>
#include <htslib/kstring.h>

#include "alnio.h"
#include "chunks.h"
#include "cli.h"
#include "gl.h"
#include "gvcf.h"
#include "indel.h"
#include "out.h"
#include "pileup.h"
#include "ploidy.h"
#include "progress.h"
#include "vcfout.h"

static const char TOOL[] = "call";

/* Chunks are fixed, whatever the thread count: the output depends on them
 * only through max-depth sampling, and so never on -@. */
#define CHUNK ((hts_pos_t)1 << 19)

typedef struct args {
    g5_opts_t o;
    g5_plp_opts_t plp;
    char **inputs;
    int ninputs;
    int ploidy;
    double theta;
    int min_alt;            /* reads showing an allele, over all samples, for it to be tried */
    double min_qual;        /* --min-qual: a sample's own evidence for an alternate */
    const char *regions_file;   /* -R */
    const char *ploidy_file;    /* --ploidy-file */
    const char *sex_file;       /* --sex */
    g5_ploidy_t *ploidies;      /* from both, for the workers */
    char *sexes;                /* per sample: 'M', 'F', 'U' */
    int gvcf;               /* --gvcf: every position, in reference blocks */
    int *bands, nbands;     /* --gq-bands: lower bounds of the GQ bands of blocks */
    int help;
    char *cmdline;
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 call -f REF.fa [options] IN.{bam,cram}...\n"
        "\n"
        "Call SNVs and indels from coordinate-sorted, indexed alignment files (one\n"
        "sample each), jointly across the samples, and write the variant sites as\n"
        "VCF/BCF with GT, GQ, DP, AD and PL per sample.\n"
        "\n"
        "Where:\n"
        "  -r, --region REG        only REG (chr, chr:beg-end)\n"
        "  -R, --regions-file BED  only the regions of a BED file (merged where they overlap)\n"
        "\n"
        "Reads and bases:\n"
        "  -Q, --mapq INT          skip records with mapping quality below INT [0]\n"
        "      --min-baseq INT     skip bases below this quality [13]\n"
        "      --no-baq            keep base qualities as they are (no BAQ)\n"
        "  -d, --max-depth INT     reads per file and position kept at most [250]\n"
        "\n"
        "Model:\n"
        "      --ploidy 1|2        ploidy where the ploidy file says nothing [2]\n"
        "      --ploidy-file FILE  ploidy by region and sex, bcftools' layout:\n"
        "                          CHROM FROM TO SEX PLOIDY (e.g. Y 1 57227415 F 0)\n"
        "      --sex FILE          sample and sex (M/F) per line, or g5 coverage's sex.tsv\n"
        "      --theta FLOAT       expected heterozygosity, the prior of a variant [0.001]\n"
        "      --min-alt INT       reads of its own a sample needs showing an allele or\n"
        "                          indel to be given it [2]\n"
        "      --min-qual FLOAT    phred evidence of its own a sample needs to be called\n"
        "                          variant [10]\n"
        "\n"
        "gVCF (one sample):\n"
        "      --gvcf              every position: variant sites with a <*> allele, the\n"
        "                          rest in reference blocks (INFO/END, FORMAT/MIN_DP);\n"
        "                          no reads is ./., never 0/0\n"
        "      --gq-bands LIST     a block holds positions whose GQ falls in one band;\n"
        "                          LIST gives the bands' lower bounds [10,20,30]\n"
        "\n"
        "Common options:\n");
    g5_opts_help(fp, "@oOfwPvph");
    fprintf(fp, "\nSee g5-call(1).\n");
}

/* --gq-bands: increasing GQ values, each the lower bound of a band. */
static int parse_bands(args_t *a, const char *s)
{
    free(a->bands);
    a->bands = NULL;
    int n = g5_parse_int_list(s, 1, 99, &a->bands), increasing = n > 0;
    for (int i = 1; i < n; i++) increasing &= a->bands[i] > a->bands[i - 1];
    if (!increasing)
        return g5_usage_error(TOOL, "--gq-bands wants increasing GQ values 1-99, e.g. 10,20,30, not \"%s\"", s);
    a->nbands = n;
    return G5_EXIT_OK;
}

enum { OPT_MIN_BASEQ = G5_OPT_TOOL_BASE, OPT_NO_BAQ, OPT_PLOIDY, OPT_THETA, OPT_MIN_ALT, OPT_GVCF, OPT_GQ_BANDS,
       OPT_PLOIDY_FILE, OPT_SEX, OPT_MIN_QUAL };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"mapq", required_argument, NULL, 'Q'},
        {"min-baseq", required_argument, NULL, OPT_MIN_BASEQ},
        {"no-baq", no_argument, NULL, OPT_NO_BAQ},
        {"max-depth", required_argument, NULL, 'd'},
        {"ploidy", required_argument, NULL, OPT_PLOIDY},
        {"theta", required_argument, NULL, OPT_THETA},
        {"min-alt", required_argument, NULL, OPT_MIN_ALT},
        {"min-qual", required_argument, NULL, OPT_MIN_QUAL},
        {"gvcf", no_argument, NULL, OPT_GVCF},
        {"gq-bands", required_argument, NULL, OPT_GQ_BANDS},
        {"ploidy-file", required_argument, NULL, OPT_PLOIDY_FILE},
        {"regions-file", required_argument, NULL, 'R'},
        {"sex", required_argument, NULL, OPT_SEX},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:O:f:r:R:Q:d:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case 'Q':
            if (g5_parse_long(optarg, 0, 255, &v) < 0)
                return g5_usage_error(TOOL, "-Q wants a mapping quality 0-255, not \"%s\"", optarg);
            a->plp.min_mapq = (int)v;
            break;
        case OPT_MIN_BASEQ:
            if (g5_parse_long(optarg, 0, 93, &v) < 0)
                return g5_usage_error(TOOL, "--min-baseq wants a base quality 0-93, not \"%s\"", optarg);
            a->plp.min_baseq = (int)v;
            break;
        case OPT_NO_BAQ: a->plp.baq = 0; break;
        case 'd':
            if (g5_parse_long(optarg, 1, INT32_MAX, &v) < 0)
                return g5_usage_error(TOOL, "-d wants a positive depth, not \"%s\"", optarg);
            a->plp.max_depth = (int)v;
            break;
        case OPT_PLOIDY:
            if (g5_parse_long(optarg, 1, 2, &v) < 0) return g5_usage_error(TOOL, "--ploidy is 1 or 2, not \"%s\"", optarg);
            a->ploidy = (int)v;
            break;
        case OPT_THETA:
            if (g5_parse_double(optarg, 1e-9, 0.5, &a->theta) < 0)
                return g5_usage_error(TOOL, "--theta wants a probability in (0, 0.5], not \"%s\"", optarg);
            break;
        case OPT_MIN_ALT:
            if (g5_parse_long(optarg, 1, INT32_MAX, &v) < 0)
                return g5_usage_error(TOOL, "--min-alt wants a positive count, not \"%s\"", optarg);
            a->min_alt = (int)v;
            break;
        case OPT_GVCF: a->gvcf = 1; break;
        case OPT_MIN_QUAL:
            if (g5_parse_double(optarg, 0, 1e6, &a->min_qual) < 0)
                return g5_usage_error(TOOL, "--min-qual wants a phred value >= 0, not \"%s\"", optarg);
            break;
        case OPT_PLOIDY_FILE: a->ploidy_file = optarg; break;
        case 'R': a->regions_file = optarg; break;
        case OPT_SEX: a->sex_file = optarg; break;
        case OPT_GQ_BANDS:
            if ((r = parse_bands(a, optarg)) != G5_EXIT_OK) return r;
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@oOfrwPvp")) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (!a->o.reference) return g5_usage_error(TOOL, "the reference is needed: -f REF.fa");
    if (optind == argc) return g5_usage_error(TOOL, "no input file");
    a->inputs = argv + optind;
    a->ninputs = argc - optind;
    if (a->regions_file && a->o.region) return g5_usage_error(TOOL, "-r and -R exclude each other");
    if (a->gvcf && a->ninputs != 1)
        return g5_usage_error(TOOL, "--gvcf calls one sample: give one input file, not %d", a->ninputs);
    if (!a->nbands && parse_bands(a, "10,20,30") != G5_EXIT_OK) return G5_EXIT_USAGE;
    return G5_EXIT_OK;
}

/* --- calling one column ------------------------------------------------- */

/* What one worker keeps between columns. */
typedef struct caller {
    const args_t *a;
    bcf_hdr_t *hdr;
    int ns;
    /* SNVs: each sample's usable bases and qualities */
    int8_t *obs;            /* bases 0-3, all samples one after the other */
    uint8_t *qual;
    int8_t **obs_of;        /* per sample, the start of its stretch */
    uint8_t **qual_of;
    int *nobs;
    size_t mobs;
    int8_t *aobs;           /* one sample's bases as allele indices */
    /* indels: per read, log10 P(read | allele), all samples */
    double *lk;
    size_t mlk;
    int *nlk;               /* reads per sample */
    double **lk_of;
    double *lkx;            /* one sample's rows with <*> added */
    g5_indel_buf_t realign; /* room for realigning reads */
    size_t mlkx;
    int *bcount;            /* per sample, its bases of each kind: [i * 4 + base] */
    uint8_t *allowed;       /* per sample, the alleles its genotype may hold */
    /* per sample, for the record */
    double *gl;
    const double **glp;
    int *ploidy, *gt, *gq, *dp, *ad, *pl, *gtv;
} caller_t;

#define MAX_CALLED 4                /* the reference and three alternates */
#define MAX_INDELS (MAX_CALLED - 1)
#define MAX_NEAR 4                  /* nearby indels tried as other explanations */

static int caller_init(caller_t *k, const args_t *a, bcf_hdr_t *hdr, int ns)
{
    memset(k, 0, sizeof *k);
    k->a = a;
    k->hdr = hdr;
    k->ns = ns;
    k->nobs = calloc(ns, sizeof *k->nobs);
    k->obs_of = calloc(ns, sizeof *k->obs_of);
    k->qual_of = calloc(ns, sizeof *k->qual_of);
    k->nlk = calloc(ns, sizeof *k->nlk);
    k->lk_of = calloc(ns, sizeof *k->lk_of);
    k->gl = calloc((size_t)ns * G5_GL_MAX_GT, sizeof *k->gl);
    k->glp = calloc(ns, sizeof *k->glp);
    k->ploidy = calloc(ns, sizeof *k->ploidy);
    k->gt = calloc(ns, sizeof *k->gt);
    k->gq = calloc(ns, sizeof *k->gq);
    k->dp = calloc(ns, sizeof *k->dp);
    k->ad = calloc((size_t)ns * G5_GL_MAX_ALLELES, sizeof *k->ad);
    k->pl = calloc((size_t)ns * G5_GL_MAX_GT, sizeof *k->pl);
    k->gtv = calloc((size_t)ns * 2, sizeof *k->gtv);
    k->bcount = calloc((size_t)ns * 4, sizeof *k->bcount);
    k->allowed = calloc((size_t)ns * G5_GL_MAX_ALLELES, 1);
    if (!k->nobs || !k->obs_of || !k->qual_of || !k->nlk || !k->lk_of || !k->gl || !k->glp || !k->ploidy
        || !k->gt || !k->gq || !k->dp || !k->ad || !k->pl || !k->gtv || !k->bcount || !k->allowed)
        return -1;
    for (int i = 0; i < ns; i++) k->ploidy[i] = a->ploidy;
    return 0;
}

static void caller_free(caller_t *k)
{
    free(k->obs); free(k->aobs); free(k->qual); free(k->nobs); free(k->obs_of); free(k->qual_of);
    free(k->lk); free(k->nlk); free(k->lk_of); free(k->lkx);
    g5_indel_buf_free(&k->realign);
    free(k->gl); free(k->glp); free(k->ploidy); free(k->gt); free(k->gq); free(k->dp);
    free(k->ad); free(k->pl); free(k->gtv); free(k->bcount); free(k->allowed);
}

/* The samples' likelihoods are in k->glp, the alleles each may hold in
 * k->allowed: call, and say whether some sample carries an alternate
 * allele.  A sample may hold an alternate allele only when --min-alt of its
 * own reads show it -- the rule that finds the alleles of a sample called
 * alone -- so its genotypes are the same alone and in a cohort. */
static int genotype(caller_t *k, int nal, double *qual)
{
    int variant = 0;
    g5_gl_call(k->ns, k->glp, k->ploidy, nal, k->a->theta, k->allowed, k->a->min_qual, k->gt, k->gq, qual);
    for (int i = 0; i < k->ns; i++) {
        variant |= k->gt[i] > 0;
        if (k->gt[i] < 0) k->gq[i] = bcf_int32_missing;     // no data: no quality either
    }
    return variant;
}

/* Which alleles some genotype carries (the reference always counts).
 * @return how many */
static int carried(const caller_t *k, int nal, int *keep)
{
    int n = 0;
    for (int a = 0; a < nal; a++) keep[a] = a == 0;
    for (int i = 0; i < k->ns; i++) {
        if (k->gt[i] < 0) continue;
        int g[2];
        g5_gl_alleles(k->gt[i], k->ploidy[i], g);
        keep[g[0]] = 1;
        if (k->ploidy[i] == 2) keep[g[1]] = 1;
    }
    for (int a = 0; a < nal; a++) n += keep[a];
    return n;
}

/* Fill @p rec from the calls in k (gt, gq, glp, dp, ad as ns x nal). */
static int fill_record(caller_t *k, bcf1_t *rec, int tid, hts_pos_t pos, const char *alleles, int nal, double qual)
{
    bcf_clear(rec);
    rec->rid = tid;
    rec->pos = pos;
    if (bcf_update_alleles_str(k->hdr, rec, alleles) < 0) return -1;
    rec->qual = (float)(round(qual * 100) / 100);
    int maxg = 0, dp_total = 0;
    for (int i = 0; i < k->ns; i++) {
        int ng = k->ploidy[i] ? g5_gl_ngenotypes(nal, k->ploidy[i]) : 1;
        if (ng > maxg) maxg = ng;
    }
    for (int i = 0; i < k->ns; i++) {
        int *pl = k->pl + (size_t)i * maxg, *gtv = k->gtv + (size_t)i * 2;
        int ng = k->ploidy[i] ? g5_gl_ngenotypes(nal, k->ploidy[i]) : 1;
        dp_total += k->dp[i];
        if (k->gt[i] < 0) {
            gtv[0] = bcf_gt_missing;
            gtv[1] = k->ploidy[i] == 2 ? bcf_gt_missing : bcf_int32_vector_end;
            pl[0] = bcf_int32_missing;
            for (int g = 1; g < maxg; g++) pl[g] = bcf_int32_vector_end;
            continue;
        }
        int g2[2];
        g5_gl_alleles(k->gt[i], k->ploidy[i], g2);
        gtv[0] = bcf_gt_unphased(g2[0]);
        gtv[1] = k->ploidy[i] == 2 ? bcf_gt_unphased(g2[1]) : bcf_int32_vector_end;
        const double *gl = k->glp[i];
        double m = gl[0];
        for (int g = 1; g < ng; g++) if (gl[g] > m) m = gl[g];
        for (int g = 0; g < maxg; g++) pl[g] = g < ng ? (int)lround(-10 * (gl[g] - m)) : bcf_int32_vector_end;
    }
    if (bcf_update_info_int32(k->hdr, rec, "DP", &dp_total, 1) < 0
        || bcf_update_genotypes(k->hdr, rec, k->gtv, k->ns * 2) < 0
        || bcf_update_format_int32(k->hdr, rec, "GQ", k->gq, k->ns) < 0
        || bcf_update_format_int32(k->hdr, rec, "DP", k->dp, k->ns) < 0
        || bcf_update_format_int32(k->hdr, rec, "AD", k->ad, k->ns * nal) < 0
        || bcf_update_format_int32(k->hdr, rec, "PL", k->pl, k->ns * maxg) < 0)
        return -1;
    return 0;
}

/* --- SNVs --------------------------------------------------------------- */

/* Gather the usable bases of every sample: 0-3 for A C G T. */
static int gather(caller_t *k, const g5_plp_col_t *col, int *count)
{
    size_t total = 0;
    for (int i = 0; i < k->ns; i++) total += col->n[i];
    if (total > k->mobs) {
        size_t m = total + 1024;
        int8_t *o = realloc(k->obs, m), *x = o ? realloc(k->aobs, m) : NULL;
        uint8_t *q = x ? realloc(k->qual, m) : NULL;
        if (o) k->obs = o;
        if (x) k->aobs = x;
        if (!q) return -1;
        k->qual = q;
        k->mobs = m;
    }
    size_t at = 0;
    for (int i = 0; i < k->ns; i++) {
        k->obs_of[i] = k->obs + at;
        k->qual_of[i] = k->qual + at;
        int n = 0, *bc = k->bcount + (size_t)i * 4;
        bc[0] = bc[1] = bc[2] = bc[3] = 0;
        for (int j = 0; j < col->n[i] && k->ploidy[i]; j++) {     // no copy here: no data
            const bam_pileup1_t *p = &col->reads[i][j];
            if (p->is_del || p->is_refskip) continue;
            int base = seq_nt16_int[bam_seqi(bam_get_seq(p->b), p->qpos)];
            int q = bam_get_qual(p->b)[p->qpos];
            if (base > 3 || q < k->a->plp.min_baseq) continue;
            if (q > p->b->core.qual) q = p->b->core.qual;      // a base is no surer than its read's place
            k->obs_of[i][n] = (int8_t)base;
            k->qual_of[i][n] = (uint8_t)q;
            count[base]++;
            bc[base]++;
            n++;
        }
        k->nobs[i] = n;
        at += n;
    }
    return 0;
}

/* Which of the alleles @p al (bases) each sample's own reads show enough. */
static void snv_allowed(caller_t *k, const int *al, int nal)
{
    for (int i = 0; i < k->ns; i++)
        for (int a = 0; a < nal; a++)
            k->allowed[i * nal + a] = a == 0 || k->bcount[i * 4 + al[a]] >= k->a->min_alt;
}

/* SNV likelihoods of every sample for the alleles @p al (bases); with
 * @p star, one more allele, gVCF's <*>, stands for every other base. */
static void snv_likelihoods(caller_t *k, const int *al, int nal, int star)
{
    int8_t map[4] = { -1, -1, -1, -1 };
    if (star) map[0] = map[1] = map[2] = map[3] = (int8_t)nal;
    for (int a = 0; a < nal; a++) map[al[a]] = (int8_t)a;
    nal += star;
    for (int i = 0; i < k->ns; i++) {
        k->glp[i] = NULL;
        k->dp[i] = k->nobs[i];
        int *ad = k->ad + (size_t)i * nal;
        for (int a = 0; a < nal; a++) ad[a] = 0;
        if (!k->nobs[i]) continue;
        for (int j = 0; j < k->nobs[i]; j++) {
            k->aobs[j] = map[(int)k->obs_of[i][j]];
            if (k->aobs[j] >= 0) ad[k->aobs[j]]++;
        }
        g5_gl_bases(k->aobs, k->qual_of[i], k->nobs[i], nal, k->ploidy[i], k->gl + (size_t)i * G5_GL_MAX_GT);
        k->glp[i] = k->gl + (size_t)i * G5_GL_MAX_GT;
    }
}

/* The SNV at a column, if any; @return 1 with @p rec filled, 0, or -1. */
static int base_index(char c)
{
    return c == 'A' ? 0 : c == 'C' ? 1 : c == 'G' ? 2 : c == 'T' ? 3 : -1;
}

/* (after gather) */
static int call_snv(caller_t *k, int tid, const g5_plp_col_t *col, const int *count, bcf1_t *rec)
{
    static const char BASES[] = "ACGT";
    int ref = base_index(col->ref);
    if (ref < 0) return 0;

    // candidate alleles: the reference, then the others by read count --
    // only those some sample's own reads show --min-alt times, as no other
    // could be in a genotype (see genotype())
    int al[G5_GL_MAX_ALLELES] = { ref }, nal = 1, shown[4] = { 0 };
    for (int i = 0; i < k->ns; i++)
        for (int b = 0; b < 4; b++) shown[b] |= k->bcount[i * 4 + b] >= k->a->min_alt;
    for (;;) {
        int best = -1;
        for (int b = 0; b < 4; b++) {
            int used = 0;
            for (int a = 0; a < nal; a++) used |= al[a] == b;
            if (!used && shown[b] && (best < 0 || count[b] > count[best])) best = b;
        }
        if (best < 0 || nal == MAX_CALLED) break;
        al[nal++] = best;
    }
    if (nal == 1) return 0;

    double qual;
    snv_likelihoods(k, al, nal, 0);
    snv_allowed(k, al, nal);
    if (!genotype(k, nal, &qual)) return 0;
    int keep[G5_GL_MAX_ALLELES];
    if (carried(k, nal, keep) < nal) {      // drop the alternates no genotype carries, and redo
        int n = 0;
        for (int a = 0; a < nal; a++) if (keep[a]) al[n++] = al[a];
        nal = n;
        snv_likelihoods(k, al, nal, 0);
        snv_allowed(k, al, nal);
        if (!genotype(k, nal, &qual)) return 0;
    }
    // gVCF: the genotypes stand, the likelihoods (PL, AD) gain <*>
    if (k->a->gvcf) snv_likelihoods(k, al, nal, 1);
    char alleles[2 * G5_GL_MAX_ALLELES + 8];
    for (int a = 0; a < nal; a++) {
        alleles[2 * a] = BASES[al[a]];
        alleles[2 * a + 1] = a + 1 < nal ? ',' : '\0';
    }
    if (k->a->gvcf) strcat(alleles, ",<*>");
    return fill_record(k, rec, tid, col->pos, alleles, nal + k->a->gvcf, qual) < 0 ? -1 : 1;
}

/* --- indels ------------------------------------------------------------- */

/* Does read j of this sample's column pair with an earlier read of it?  The
 * two mates of an overlapping pair are one fragment: counted once. */
static int mate_seen(const bam_pileup1_t *reads, int j)
{
    const bam1_t *b = reads[j].b;
    if (!(b->core.flag & BAM_FPAIRED) || b->core.mtid != b->core.tid) return 0;
    for (int i = 0; i < j; i++)
        if (reads[i].b->core.pos == b->core.mpos && strcmp(bam_get_qname(reads[i].b), bam_get_qname(b)) == 0)
            return 1;
    return 0;
}

/* Realign every read of every sample to the reference and the candidates'
 * haplotypes: k->lk_of[i] holds n x (1 + nc) values.  The reads are also
 * realigned to the indels anchored nearby (@p other): a read one of those
 * explains better than the reference is no evidence for the candidates, so
 * the reference's column takes the best of the reference and them. */
static int indel_read_likelihoods(caller_t *k, const g5_plp_col_t *col, const char *ref, hts_pos_t ref_len,
                                  const g5_indel_t *cand, int nc, const g5_indel_t *other, int nother)
{
    int nal = nc + 1, nall = nc + nother;
    g5_indel_t all[MAX_INDELS + MAX_NEAR];
    memcpy(all, cand, nc * sizeof *all);
    memcpy(all + nc, other, nother * sizeof *all);
    size_t total = 0;
    for (int i = 0; i < k->ns; i++) total += col->n[i];
    if (total * nal > k->mlk) {
        size_t m = total * nal + 1024;
        double *x = realloc(k->lk, m * sizeof *x);
        if (!x) return -1;
        k->lk = x;
        k->mlk = m;
    }
    size_t at = 0;
    for (int i = 0; i < k->ns; i++) {
        k->lk_of[i] = k->lk + at;
        int n = 0;
        for (int j = 0; j < col->n[i] && k->ploidy[i]; j++) {
            const bam_pileup1_t *p = &col->reads[i][j];
            if (p->is_refskip || mate_seen(col->reads[i], j)) continue;
            double row[1 + MAX_INDELS + MAX_NEAR];
            if (g5_indel_read_lk(ref, ref_len, col->pos, all, nall, p->b, row, &k->realign) < 0) return -1;
            for (int o = 0; o < nother; o++)
                if (row[nal + o] > row[0]) row[0] = row[nal + o];
            memcpy(k->lk_of[i] + (size_t)n * nal, row, nal * sizeof *row);
            n++;
        }
        k->nlk[i] = n;
        at += (size_t)n * nal;
    }
    return 0;
}

/* The indels anchored near the column but not at it, that enough reads
 * show: other explanations of the reads. */
static int near_indels(const caller_t *k, const g5_plp_col_t *col, g5_indel_t *out)
{
    int n = 0;
    for (int j = 0; j < col->nnear && n < MAX_NEAR; j++)
        if (col->near[j].anchor != col->pos && col->near[j].reads >= k->a->min_alt) out[n++] = col->near[j];
    return n;
}

/* Genotype likelihoods of every sample from its reads' rows (k->lk_of,
 * nal values each), and AD: a read supports the allele it fits best by 10
 * phred or more.  With @p star, one more allele, gVCF's <*>, which fits a
 * read no better than its worst allele. */
static int indel_likelihoods(caller_t *k, int nal, int star)
{
    for (int i = 0; i < k->ns; i++) {
        int n = k->nlk[i], nx = nal + star, *ad = k->ad + (size_t)i * nx;
        const double *lk = k->lk_of[i];
        k->glp[i] = NULL;
        k->dp[i] = n;
        for (int a = 0; a < nx; a++) ad[a] = 0;
        if (!n) continue;
        if (star) {
            if ((size_t)n * nx > k->mlkx) {
                size_t m = (size_t)n * nx + 1024;
                double *x = realloc(k->lkx, m * sizeof *x);
                if (!x) return -1;
                k->lkx = x;
                k->mlkx = m;
            }
            for (int r = 0; r < n; r++) {
                double worst = lk[(size_t)r * nal];
                for (int a = 0; a < nal; a++) {
                    double v = lk[(size_t)r * nal + a];
                    k->lkx[(size_t)r * nx + a] = v;
                    if (v < worst) worst = v;
                }
                k->lkx[(size_t)r * nx + nal] = worst;
            }
            lk = k->lkx;
        }
        for (int r = 0; r < n; r++) {
            const double *row = lk + (size_t)r * nx;
            int best = 0, second = -1;
            for (int a = 1; a < nx; a++) if (row[a] > row[best]) best = a;
            for (int a = 0; a < nx; a++) if (a != best && (second < 0 || row[a] > row[second])) second = a;
            if (second < 0 || row[best] - row[second] >= 1.0) ad[best]++;
        }
        g5_gl_reads(lk, n, nx, k->ploidy[i], k->gl + (size_t)i * G5_GL_MAX_GT);
        k->glp[i] = k->gl + (size_t)i * G5_GL_MAX_GT;
    }
    return 0;
}

/* Which candidates each sample's own reads show enough (the column's
 * counts, by the candidates' ranks @p idx in it). */
static void indel_allowed(caller_t *k, const g5_plp_col_t *col, const int *idx, int nc)
{
    for (int i = 0; i < k->ns; i++) {
        k->allowed[i * (nc + 1)] = 1;
        for (int c = 0; c < nc; c++)
            k->allowed[i * (nc + 1) + c + 1] = col->indel_reads[idx[c] * k->ns + i] >= k->a->min_alt;
    }
}

/* The indel after a column, if any; @return 1 with @p rec filled, 0, or -1. */
static int call_indel(caller_t *k, int tid, const g5_plp_col_t *col, const char *ref, hts_pos_t ref_len,
                      bcf1_t *rec)
{
    g5_indel_t cand[MAX_INDELS];
    int idx[MAX_INDELS];
    int nc = g5_indel_candidates(col, k->a->min_alt, cand, idx, MAX_INDELS);
    // only the candidates some sample's own reads show --min-alt times
    int shown = 0;
    for (int c = 0; c < nc; c++) {
        int any = 0;
        for (int i = 0; i < k->ns; i++) any |= col->indel_reads[idx[c] * k->ns + i] >= k->a->min_alt;
        if (any) {
            cand[shown] = cand[c];
            idx[shown++] = idx[c];
        }
    }
    nc = shown;
    if (!nc || col->ref == 'N') return 0;
    int maxdel = 0;
    for (int c = 0; c < nc; c++) if (-cand[c].len > maxdel) maxdel = -cand[c].len;
    if (col->pos + 1 + maxdel > ref_len) return 0;
    g5_indel_t other[MAX_NEAR];
    int nother = near_indels(k, col, other);
    if (indel_read_likelihoods(k, col, ref, ref_len, cand, nc, other, nother) < 0) return -1;

    int nal = nc + 1;
    double qual;
    if (indel_likelihoods(k, nal, 0) < 0) return -1;
    indel_allowed(k, col, idx, nc);
    if (!genotype(k, nal, &qual)) return 0;
    int keep[G5_GL_MAX_ALLELES];
    if (carried(k, nal, keep) < nal) {
        // realign once more, to the haplotypes kept
        g5_indel_t kept[MAX_INDELS];
        int n = 0;
        for (int c = 0; c < nc; c++)
            if (keep[c + 1]) {
                idx[n] = idx[c];
                kept[n++] = cand[c];
            }
        memcpy(cand, kept, n * sizeof *cand);
        nc = n;
        if (indel_read_likelihoods(k, col, ref, ref_len, cand, nc, other, nother) < 0) return -1;
        nal = nc + 1;
        if (indel_likelihoods(k, nal, 0) < 0) return -1;
        indel_allowed(k, col, idx, nc);
        if (!genotype(k, nal, &qual)) return 0;
        maxdel = 0;
        for (int c = 0; c < nc; c++) if (-cand[c].len > maxdel) maxdel = -cand[c].len;
    }

    if (k->a->gvcf && indel_likelihoods(k, nal, 1) < 0) return -1;   // PL and AD gain <*>

    // REF spans the longest deletion; each ALT is the anchor, its inserted
    // bases, then what follows its deletion up to REF's end
    kstring_t s = KS_INITIALIZE;
    kputsn(ref + col->pos, 1 + maxdel, &s);
    for (int c = 0; c < nc; c++) {
        int del = cand[c].len < 0 ? -cand[c].len : 0;
        kputc(',', &s);
        kputc(ref[col->pos], &s);
        kputs(cand[c].ins, &s);
        kputsn(ref + col->pos + 1 + del, maxdel - del, &s);
    }
    if (k->a->gvcf) kputs(",<*>", &s);
    int r = s.s ? fill_record(k, rec, tid, col->pos, s.s, nal + k->a->gvcf, qual) : -1;
    free(s.s);
    return r < 0 ? -1 : 1;
}

/* --- the header --------------------------------------------------------- */

static bcf_hdr_t *make_header(const args_t *a, const g5_plp_t *p)
{
    bcf_hdr_t *h = bcf_hdr_init("w");
    if (!h) return NULL;
    int r = g5_vcf_hdr_contigs(h, g5_plp_header(p), a->o.reference);
    static const char *const lines[] = {
        "##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Bases used at the site, all samples\">",
        "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">",
        "##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality: phred probability that GT is wrong, at most 99\">",
        "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Bases used: reads passing the filters, base quality at least --min-baseq\">",
        "##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Bases showing each allele\">",
        "##FORMAT=<ID=PL,Number=G,Type=Integer,Description=\"Phred-scaled genotype likelihoods, the best at 0\">",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines && r == 0; i++) r = bcf_hdr_append(h, lines[i]);
    if (a->gvcf && r == 0) r = g5_gvcf_hdr_add(h);
    for (int i = 0; i < a->ninputs && r == 0; i++) r = bcf_hdr_add_sample(h, g5_plp_sample(p, i));
    if (r != 0 || bcf_hdr_sync(h) < 0 || (!a->o.no_pg && g5_prov_vcf(h, TOOL, a->cmdline) < 0)) {
        bcf_hdr_destroy(h);
        return NULL;
    }
    return h;
}

/* --- chunks and workers ------------------------------------------------- */

/* A chunk's calls, in genome order. */
typedef struct chunk {
    int tid;
    hts_pos_t beg, end;
    g5_vcfrecs_t recs;
} chunk_t;

static void chunk_free(chunk_t *c)
{
    if (c) g5_vcfrecs_free(&c->recs);
    free(c);
}

/* --- gVCF reference blocks -------------------------------------------- */

/* Positions of one sample grouped while they agree: all without reads, or
 * all homozygous reference with GQ in one band. */
typedef struct block {
    int open;
    hts_pos_t beg, end;     /* [beg, end) */
    int ploidy;             /* the sample's, all along the block */
    int band;               /* GQ band, or -1: no reads */
    int min_gq, min_dp;
    int64_t sum_dp;
    int pl[3];              /* per genotype, the lowest over the block */
} block_t;

static int band_of(const args_t *a, int gq)
{
    int b = 0;
    while (b < a->nbands && gq >= a->bands[b]) b++;
    return b;
}

/* The block as a record: REF the first base, ALT <*>, INFO/END. */
static int block_record(caller_t *k, const char *ref, int tid, const block_t *b, bcf1_t *rec)
{
    char alleles[8] = { ref[b->beg], ',', '<', '*', '>', '\0' };
    int32_t end = (int32_t)b->end, nodata = b->band < 0, diploid = b->ploidy == 2;
    int32_t gt[2] = { nodata ? bcf_gt_missing : bcf_gt_unphased(0),
                      !diploid ? bcf_int32_vector_end : nodata ? bcf_gt_missing : bcf_gt_unphased(0) };
    int32_t gq = nodata ? bcf_int32_missing : b->min_gq, min_dp = b->min_dp;
    int32_t dp = nodata ? 0 : (int32_t)((b->sum_dp + (b->end - b->beg) / 2) / (b->end - b->beg));
    int32_t pl[3] = { b->pl[0], b->pl[1], diploid ? b->pl[2] : bcf_int32_vector_end };
    if (nodata) pl[0] = bcf_int32_missing, pl[1] = pl[2] = bcf_int32_vector_end;
    bcf_clear(rec);
    rec->rid = tid;
    rec->pos = b->beg;
    bcf_float_set_missing(rec->qual);
    if (bcf_update_alleles_str(k->hdr, rec, alleles) < 0
        || bcf_update_info_int32(k->hdr, rec, "END", &end, 1) < 0
        || bcf_update_genotypes(k->hdr, rec, gt, 2) < 0
        || bcf_update_format_int32(k->hdr, rec, "GQ", &gq, 1) < 0
        || bcf_update_format_int32(k->hdr, rec, "DP", &dp, 1) < 0
        || bcf_update_format_int32(k->hdr, rec, "MIN_DP", &min_dp, 1) < 0
        || bcf_update_format_int32(k->hdr, rec, "PL", pl, 3) < 0)
        return -1;
    return 0;
}

static int block_flush(caller_t *k, const char *ref, chunk_t *c, block_t *b)
{
    if (!b->open) return 0;
    b->open = 0;
    bcf1_t *rec = bcf_init();
    if (!rec || block_record(k, ref, c->tid, b, rec) < 0 || g5_vcfrecs_push(&c->recs, rec) < 0) {
        if (rec) bcf_destroy(rec);
        return -1;
    }
    return 0;
}

/* Add [beg, end) with these numbers; a position that does not agree with
 * the open block closes it. */
static int block_add(caller_t *k, const char *ref, chunk_t *c, block_t *b, hts_pos_t beg, hts_pos_t end,
                     int band, int dp, int gq, const int *pl)
{
    int ploidy = k->ploidy[0];
    if (b->open && (b->band != band || b->end != beg || b->ploidy != ploidy) && block_flush(k, ref, c, b) < 0)
        return -1;
    if (!b->open) {
        *b = (block_t){ 1, beg, beg, ploidy, band, gq, dp, 0, { 0, 0, 0 } };
        if (pl) memcpy(b->pl, pl, sizeof b->pl);
    }
    b->end = end;
    b->sum_dp += (int64_t)dp * (end - beg);
    if (gq < b->min_gq) b->min_gq = gq;
    if (dp < b->min_dp) b->min_dp = dp;
    for (int g = 0; pl && g < 3; g++) if (pl[g] < b->pl[g]) b->pl[g] = pl[g];
    return 0;
}

/* A position with reads and no variant: how sure is homozygous reference,
 * against the reference and <*> (any other base)? */
static int block_position(caller_t *k, const char *ref, chunk_t *c, block_t *b, const g5_plp_col_t *col)
{
    int r = base_index(col->ref), dp = k->nobs[0], ng = k->ploidy[0] == 2 ? 3 : 2;
    if (r < 0 || dp == 0) return block_add(k, ref, c, b, col->pos, col->pos + 1, -1, 0, 0, NULL);
    snv_likelihoods(k, &r, 1, 1);
    const double *gl = k->glp[0];
    double m = gl[0];
    for (int g = 1; g < ng; g++) m = fmax(m, gl[g]);
    int pl[3] = { 0, 0, 0 };
    for (int g = 0; g < ng; g++) pl[g] = (int)lround(-10 * (gl[g] - m));
    // GQ from the likelihoods alone, as GATK's blocks: the prior would give
    // a position with one read a GQ of 30
    int gq = pl[0] > 0 ? 0 : ng == 2 ? pl[1] : pl[1] < pl[2] ? pl[1] : pl[2];
    if (gq > 99) gq = 99;
    return block_add(k, ref, c, b, col->pos, col->pos + 1, band_of(k->a, gq), dp, gq, pl);
}

/* Each sample's ploidy at a position. */
static void set_ploidy(caller_t *k, int tid, hts_pos_t pos)
{
    if (!k->a->ploidies) return;
    int by_sex[3] = { g5_ploidy_at(k->a->ploidies, tid, pos, 'M'), g5_ploidy_at(k->a->ploidies, tid, pos, 'F'),
                      g5_ploidy_at(k->a->ploidies, tid, pos, 'U') };
    for (int i = 0; i < k->ns; i++)
        k->ploidy[i] = by_sex[k->a->sexes[i] == 'M' ? 0 : k->a->sexes[i] == 'F' ? 1 : 2];
}

/* [beg, end) without reads into blocks of ./., split where the ploidy
 * changes (a pseudo-autosomal boundary, say). */
static int no_reads(caller_t *k, const char *ref, chunk_t *c, block_t *b, hts_pos_t beg, hts_pos_t end)
{
    if (!k->a->ploidies) return block_add(k, ref, c, b, beg, end, -1, 0, 0, NULL);
    for (hts_pos_t x = beg; x < end; x++) {     // ploidy files hold a few regions: fine base by base
        set_ploidy(k, c->tid, x);
        if (block_add(k, ref, c, b, x, x + 1, -1, 0, 0, NULL) < 0) return -1;
    }
    return 0;
}

/* Call one chunk: at each column the SNV, then the indel that follows it;
 * with --gvcf, every other position into reference blocks, which never
 * reach past the chunk (so the blocks do not depend on the threads). */
static int call_chunk(g5_plp_t *p, caller_t *k, chunk_t *c)
{
    if (g5_plp_region(p, c->tid, c->beg, c->end) < 0) return -1;
    hts_pos_t ref_len, next = c->beg;
    const char *ref = g5_plp_ref(p, &ref_len);
    int gvcf = k->a->gvcf;
    block_t block = { 0 };
    g5_plp_col_t col;
    bcf1_t *rec = NULL;
    int r;
    while ((r = g5_plp_next(p, &col)) > 0) {
        int count[4] = { 0 };
        if (gvcf && col.pos > next && no_reads(k, ref, c, &block, next, col.pos) < 0) goto fail;
        next = col.pos + 1;
        set_ploidy(k, c->tid, col.pos);
        if (gather(k, &col, count) < 0) goto fail;
        for (int kind = 0; kind < 2; kind++) {
            if (!rec && !(rec = bcf_init())) goto fail;
            int v = kind == 0 ? call_snv(k, c->tid, &col, count, rec) : call_indel(k, c->tid, &col, ref, ref_len, rec);
            if (v < 0) goto fail;
            if (gvcf && !v && kind == 0 && block_position(k, ref, c, &block, &col) < 0) goto fail;
            if (!v) continue;
            // a variant ends the block first: the records stay in order
            if (gvcf && block_flush(k, ref, c, &block) < 0) goto fail;
            if (g5_vcfrecs_push(&c->recs, rec) < 0) goto fail;
            rec = NULL;
        }
    }
    if (r < 0) goto fail;
    if (gvcf && ((next < c->end && no_reads(k, ref, c, &block, next, c->end) < 0)
                 || block_flush(k, ref, c, &block) < 0))
        goto fail;
    if (rec) bcf_destroy(rec);
    return 0;
fail:
    if (rec) bcf_destroy(rec);
    return -1;
}

/* --- the chunk job: workers call, the main thread writes -------------- */

typedef struct worker {
    g5_plp_t *p;            /* its own readers */
    caller_t k;
} worker_t;

typedef struct writer {
    const args_t *a;
    bcf_hdr_t *hdr;
    g5_vcfout_t *out;
    g5_progress_t *progress;
} writer_t;

static void worker_stop(void *state)
{
    worker_t *w = state;
    if (!w) return;
    caller_free(&w->k);
    g5_plp_close(w->p);
    free(w);
}

static void *worker_start(void *ctx, char *why, size_t nwhy)
{
    const writer_t *wr = ctx;
    const args_t *a = wr->a;
    worker_t *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    if (!(w->p = g5_plp_open(a->ninputs, a->inputs, a->o.reference, &a->plp, why, nwhy))) {
        free(w);
        return NULL;
    }
    if (caller_init(&w->k, a, wr->hdr, a->ninputs) < 0) {
        snprintf(why, nwhy, "out of memory");
        worker_stop(w);
        return NULL;
    }
    return w;
}

static int worker_work(void *state, const g5_chunk_t *g, void **result, char *why, size_t nwhy)
{
    worker_t *w = state;
    chunk_t *c = calloc(1, sizeof *c);
    if (!c) return snprintf(why, nwhy, "out of memory"), -1;
    c->tid = g->tid;
    c->beg = g->beg;
    c->end = g->end;
    if (call_chunk(w->p, &w->k, c) < 0) {
        snprintf(why, nwhy, "%s", *g5_plp_why(w->p) ? g5_plp_why(w->p) : "out of memory");
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
    int r = g5_vcfrecs_write(wr->out, wr->hdr, &c->recs);
    if (r < 0) snprintf(why, nwhy, "cannot write \"%s\": %s", wr->a->o.out, wr->out->why);
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

/* --- main --------------------------------------------------------------- */

int main_call(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.plp = (g5_plp_opts_t)G5_PLP_OPTS_DEFAULT;
    a.ploidy = 2;
    a.theta = 1e-3;
    a.min_alt = 2;
    a.min_qual = 10;

    htsThreadPool pool = { NULL, 0 };
    g5_plp_t *p = NULL;
    bcf_hdr_t *hdr = NULL;
    g5_vcfout_t out;
    int out_open = 0;
    g5_chunk_t *chunks = NULL;
    size_t nchunks = 0;
    char why[600];
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;

    if (!(a.cmdline = g5_cmdline(argc, argv))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    // The main thread's own readers check the files and give the header.
    if (!(p = g5_plp_open(a.ninputs, a.inputs, a.o.reference, &a.plp, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    if (a.ploidy_file || a.sex_file) {
        if (!(a.ploidies = g5_ploidy_load(a.ploidy_file, g5_plp_header(p), a.ploidy, why, sizeof why))) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
        const char *names[a.ninputs];
        for (int i = 0; i < a.ninputs; i++) names[i] = g5_plp_sample(p, i);
        if (!(a.sexes = malloc(a.ninputs))) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
        memset(a.sexes, 'U', a.ninputs);
        if (a.sex_file && g5_ploidy_sexes(a.sex_file, a.ninputs, names, a.sexes, why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
    }
    if (!(hdr = make_header(&a, p))) {
        g5_err(TOOL, "cannot make the VCF header (odd contig or sample names?)");
        goto done;
    }
    if (g5_chunks_make(g5_plp_header(p), a.o.region, a.regions_file, CHUNK, &chunks, &nchunks, why, sizeof why) < 0) {
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
    if (g5_vcfout_header(&out, hdr) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        goto done;
    }

    g5_progress_t progress;
    g5_progress_start(&progress, TOOL, "chunks", a.o.progress, nchunks);
    writer_t wr = { &a, hdr, &out, &progress };
    g5_chunk_job_t job = { worker_start, worker_work, chunk_emit, chunk_discard, worker_stop, &wr };
    int r = g5_chunks_run(chunks, nchunks, a.o.threads + 1, &job, why, sizeof why);
    g5_progress_done(&progress);
    if (r < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    out_open = 0;
    if (g5_vcfout_commit(&out) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        goto done;
    }
    status = G5_EXIT_OK;

done:
    if (out_open) g5_vcfout_abort(&out);
    free(chunks);
    if (hdr) bcf_hdr_destroy(hdr);
    g5_plp_close(p);
    g5_pool_destroy(&pool);
    free(a.cmdline);
    free(a.bands);
    free(a.sexes);
    g5_ploidy_destroy(a.ploidies);
    return g5_finish(TOOL, status);
}
