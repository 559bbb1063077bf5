/*
 * assoc.c -- g5 assoc: every trait of a phenome against every variant of a
 * call set, in one pass over the genotypes (plink2 --glm's models), with
 * GWAS-SSF summary statistics, Manhattan and QQ plots per trait.
 *
 * The samples analysed are those in the genotypes, the phenotype table and
 * (with --covar) the covariate table with every covariate present.  Each
 * trait then uses those of them with a value, so traits are put in groups
 * sharing one set of samples: a group projects the covariates out once
 * (libseq/regress) and tests its quantitative traits as one matrix product
 * per block of variants; binary traits are fitted per variant
 * (libseq/logreg, Firth where the fit fails).  Filters (call rate, MAF,
 * MAC, HWE, cases) are judged per group, on the samples its traits use.
 *
 * The main thread reads blocks of records -- for VCF text only their lines,
 * which the -@ workers decode (libseq/geno), as parsing thousands of
 * genotypes per line is most of the work -- and the workers test them,
 * format each trait's rows (libseq/fmt) and compress them (g5_ssf_seal);
 * the main thread writes them in block order.  Blocks hold a fixed number
 * of records and the sums inside a test do not depend on the thread that
 * runs it, so the files are the same at any -@.  When the scan is done
 * each trait's file is closed (with its index and MD5, made as it was
 * written, and its YAML sidecar) and plotted from what its writer kept,
 * with its lambda and top hits, trait by trait on the workers: the plots
 * show exactly what the file holds, and memory never holds a whole
 * trait's scan.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <htslib/bgzf.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/thread_pool.h>

#include "cli.h"
#include "disclose.h"
#include "geno.h"
#include "hwe.h"
#include "logreg.h"
#include "out.h"
#include "pheno.h"
#include "plot.h"
#include "progress.h"
#include "regress.h"
#include "ssf.h"
#include "ssfplot.h"

static const char TOOL[] = "assoc";

#define BLOCK 256           /* records per block: fixed, so results never depend on -@ */
#define NTOP 10             /* top hits per trait in the log */

enum firth_mode { FIRTH_NEVER = 0, FIRTH_FALLBACK = 1, FIRTH_ALWAYS = 2 };

typedef struct args {
    g5_opts_t o;
    const char *pheno, *covar, *dict, *dosage, *assembly, *traits, *policy, *in;
    double maf, geno, hwe;  /* geno: the largest missing fraction; hwe: the smallest p kept (0: off) */
    double mac;
    long min_cases;
    int firth, strict, help;
    char *cmdline;
} args_t;

/* Why a variant has no result for a trait: the log counts each. */
enum status {
    ST_OK = 0,
    ST_CALL_RATE,           /* too many samples without a genotype */
    ST_MONO,                /* one allele only among the samples */
    ST_MAF, ST_MAC, ST_HWE,
    ST_CASES,               /* too few cases or controls with a genotype */
    ST_NO_TEST,             /* the dosage is a combination of the covariates */
    ST_NO_FIT,              /* the logistic fit failed, Firth's too */
    ST_SUPPRESSED,          /* tested, withheld by the release policy */
    NSTATUS
};
static const char *const status_name[NSTATUS] = {
    "tested", "call_rate", "monomorphic", "maf", "mac", "hwe", "cases", "no_test", "no_fit", "suppressed"
};

typedef struct trait {
    int col;                /* column in the phenotype table */
    const char *name;
    int type;               /* enum g5_trait_type */
    char *skip;             /* why it is not analysed, or NULL */
    int n, cases;           /* samples with a value; cases among them */
    int group, k;           /* its group, and its column there (quantitative or binary) */
    char *prefix;           /* PREFIX.NAME (the name made safe for a file name) */
    g5_ssf_t *ssf;
    long long count[NSTATUS];
    long long firth;        /* results from Firth's regression */
    double lambda;
    char set_digest[65];    /* its samples' digest, under a release policy */
    kstring_t tops;         /* its top hits, as the log shows them */
    char err[512];          /* why finishing it failed */
} trait_t;

/* Traits sharing one set of samples. */
typedef struct group {
    int n, *rows;           /* its samples, as indexes of the analysed ones */
    int full;               /* all analysed samples */
    int nout, *out;         /* the analysed samples it leaves out */
    double *C;              /* n x c covariates */
    int nq, *qt;            /* quantitative traits (indexes into the trait list) */
    double *Y;              /* n x nq */
    g5_linreg_t *L;
    int nb, *bt;            /* binary traits */
    double *B;              /* n x nb, 0/1 */
} group_t;

/* One variant of a block. */
typedef struct bvar {
    size_t chrom, id, ref, alt;     /* offsets of its strings in the block's text */
    hts_pos_t pos;
    int code;                       /* GWAS-SSF chromosome code */
    uint64_t recno;
    int n, hom[3];                  /* the reader's counts over all analysed samples */
    double ac, an;
} bvar_t;

/* A variant's result for one trait. */
typedef struct result {
    double beta, se, z, p, eaf;
    int n, cases;
    unsigned char status, firth;
} result_t;

struct run;

typedef struct block {
    struct run *R;
    /* VCF text read for GT: the records' lines, decoded by the worker */
    int nlines;
    kstring_t lines;        /* NUL-separated */
    size_t line_at[BLOCK];
    uint64_t recno[BLOCK];
    /* the variants */
    int nv, cap;            /* variants, and room for them */
    bvar_t *v;
    kstring_t text;         /* the variants' strings, NUL-separated */
    double *x;              /* cap x ns dosages */
    result_t *res;          /* ntraits x cap */
    size_t mres;
    long long nread, off_contig, bad_allele;    /* variants read, and left out */
    g5_ssf_run_t *runs;     /* per trait: the rows, formatted */
    char err[512];
    struct block *next;     /* on the free list */
} block_t;

/* A worker's scratch. */
typedef struct scratch {
    double *x0;             /* the block's dosages, missing as 0: ns x cap */
    double *sq0;            /* their sums of squares */
    size_t m0;              /* variants x0 has room for */
    double *sq;             /* sums of squares on a group's samples */
    int *dense, mdense;     /* a group's variants tested as a block */
    double *Cs, *ys, *xs;       /* a variant's samples with a genotype, gathered */
    double *work;
    g5_logreg_t *lr;
    g5_lmres_t *lm;         /* BLOCK x (quantitative traits of a group) */
    g5_gdecoder_t *dec;     /* for lines of VCF text */
    struct scratch *next;
} scratch_t;

/* What the filters make of a variant on a group's samples. */
struct gstat {
    int m, status;
    double sum;
};

typedef struct run {
    args_t *a;
    g5_geno_t *geno;
    int lines;              /* read as lines, decoded by the workers */
    int last_code;          /* the last variant emitted */
    hts_pos_t last_pos;

    int ns, c;              /* analysed samples, covariates */
    char **cov_names;
    int ntraits;
    trait_t *traits;
    int ngroups;
    group_t *groups;
    int hard, bed;          /* GT calls (not dosages); PLINK 1 input */
    size_t maxn, work;      /* the largest group; linear scratch in doubles */
    pthread_mutex_t lock;
    scratch_t *scratch;     /* free scratches */
    block_t *free_blocks;
    g5_progress_t progress;
    long long nread, off_contig, bad_allele, used;
    int has_policy;         /* --release-policy: rows judged, sample sets recorded */
    g5_policy_t policy;
    g5_ledger_t ledger;
} run_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 assoc --pheno TRAITS.tsv [options] -o PREFIX GENOTYPES.vcf.gz|.bcf|.bed\n"
        "\n"
        "Test every trait against every variant, as plink2 --glm: linear regression for\n"
        "quantitative traits, logistic for binary ones (Firth's where the fit fails),\n"
        "with covariates; multiallelic sites are tested per ALT allele (additive\n"
        "coding, ALT counted).  Each trait uses the samples with a value; traits with\n"
        "the same samples are tested together.\n"
        "\n"
        "Inputs:\n"
        "      --pheno FILE        traits: TSV, header IID (or #FID IID) then one column\n"
        "                          per trait; missing NA or empty\n"
        "      --covar FILE        covariates, the same layout (samples missing one are\n"
        "                          left out)\n"
        "      --traits LIST       only these traits (comma-separated) [all]\n"
        "      --dict FILE         trait dictionary: TSV trait, type (quantitative or\n"
        "                          binary), unit, description [types from the values:\n"
        "                          only 0/1 or 1/2 is binary]\n"
        "      --dosage FIELD      dosages from FORMAT/FIELD (e.g. DS) instead of GT\n"
        "Filters, per trait's samples:\n"
        "      --maf FLOAT         minor allele frequency at least FLOAT [0]\n"
        "      --mac FLOAT         minor allele count at least FLOAT [1]\n"
        "      --geno FLOAT        at most FLOAT of the samples without a genotype [1]\n"
        "      --hwe FLOAT         HWE exact test p at least FLOAT (hard calls) [off]\n"
        "      --min-cases INT     binary traits: cases and controls with a genotype at\n"
        "                          least INT [1]\n"
        "Model:\n"
        "      --firth MODE        fallback (when the logistic fit fails), always or\n"
        "                          never [fallback]\n"
        "      --strict            a trait that cannot be analysed is an error [skipped,\n"
        "                          with the reason in the log]\n"
        "Disclosure control:\n"
        "      --release-policy FILE  withhold rows with counts below the policy's\n"
        "                          minimums; skip a trait whose samples differ from a\n"
        "                          released set (the policy's ledger) by too few; record\n"
        "                          the sets released (see g5-assoc(1))\n"
        "Output:\n"
        "  -o, --output PREFIX     PREFIX.TRAIT.tsv.gz (GWAS-SSF, with .tbi and\n"
        "                          -meta.yaml), PREFIX.TRAIT.manhattan.png|svg,\n"
        "                          PREFIX.TRAIT.qq.png|svg, PREFIX.log\n"
        "      --assembly NAME     genome assembly for the metadata: GRCh38, GRCh37,\n"
        "                          NCBI36, NCBI35, NCBI34 or NR [NR: not reported]\n"
        "  -@, --threads INT       additional threads [0]\n"
        "      --progress, --no-progress, --verbosity INT, -h, --help\n"
        "\n"
        "See g5-assoc(1).\n");
}

enum { OPT_PHENO = G5_OPT_TOOL_BASE, OPT_COVAR, OPT_TRAITS, OPT_DICT, OPT_DOSAGE, OPT_ASSEMBLY, OPT_MAF, OPT_MAC,
       OPT_GENO, OPT_HWE, OPT_MIN_CASES, OPT_FIRTH, OPT_STRICT, OPT_POLICY };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"pheno", required_argument, NULL, OPT_PHENO},
        {"covar", required_argument, NULL, OPT_COVAR},
        {"traits", required_argument, NULL, OPT_TRAITS},
        {"dict", required_argument, NULL, OPT_DICT},
        {"dosage", required_argument, NULL, OPT_DOSAGE},
        {"assembly", required_argument, NULL, OPT_ASSEMBLY},
        {"maf", required_argument, NULL, OPT_MAF},
        {"mac", required_argument, NULL, OPT_MAC},
        {"geno", required_argument, NULL, OPT_GENO},
        {"hwe", required_argument, NULL, OPT_HWE},
        {"min-cases", required_argument, NULL, OPT_MIN_CASES},
        {"firth", required_argument, NULL, OPT_FIRTH},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"release-policy", required_argument, NULL, OPT_POLICY},
        {NULL, 0, NULL, 0}
    };
    static const char *const assemblies[] = { "GRCh38", "GRCh37", "NCBI36", "NCBI35", "NCBI34", "NR" };
    int c, r;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case OPT_PHENO: a->pheno = optarg; break;
        case OPT_COVAR: a->covar = optarg; break;
        case OPT_TRAITS: a->traits = optarg; break;
        case OPT_DICT: a->dict = optarg; break;
        case OPT_DOSAGE: a->dosage = optarg; break;
        case OPT_STRICT: a->strict = 1; break;
        case OPT_POLICY: a->policy = optarg; break;
        case OPT_ASSEMBLY: {
            int ok = 0;
            for (size_t i = 0; i < sizeof assemblies / sizeof *assemblies; i++) ok |= !strcmp(optarg, assemblies[i]);
            if (!ok)
                return g5_usage_error(TOOL, "--assembly wants GRCh38, GRCh37, NCBI36, NCBI35, NCBI34 or NR, not \"%s\"",
                                      optarg);
            a->assembly = optarg;
            break;
        }
        case OPT_MAF:
            if (g5_parse_double(optarg, 0, 0.5, &a->maf) < 0)
                return g5_usage_error(TOOL, "--maf wants a frequency in [0, 0.5], not \"%s\"", optarg);
            break;
        case OPT_MAC:
            if (g5_parse_double(optarg, 0, 1e12, &a->mac) < 0)
                return g5_usage_error(TOOL, "--mac wants a count >= 0, not \"%s\"", optarg);
            break;
        case OPT_GENO:
            if (g5_parse_double(optarg, 0, 1, &a->geno) < 0)
                return g5_usage_error(TOOL, "--geno wants a fraction in [0, 1], not \"%s\"", optarg);
            break;
        case OPT_HWE:
            if (g5_parse_double(optarg, 0, 1, &a->hwe) < 0)
                return g5_usage_error(TOOL, "--hwe wants a p-value in [0, 1], not \"%s\"", optarg);
            break;
        case OPT_MIN_CASES:
            if (g5_parse_long(optarg, 1, 1000000000, &a->min_cases) < 0)
                return g5_usage_error(TOOL, "--min-cases wants a count >= 1, not \"%s\"", optarg);
            break;
        case OPT_FIRTH:
            if (!strcmp(optarg, "never")) a->firth = FIRTH_NEVER;
            else if (!strcmp(optarg, "fallback")) a->firth = FIRTH_FALLBACK;
            else if (!strcmp(optarg, "always")) a->firth = FIRTH_ALWAYS;
            else return g5_usage_error(TOOL, "--firth wants fallback, always or never, not \"%s\"", optarg);
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@ovp")) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (!a->pheno) return g5_usage_error(TOOL, "the traits are needed: --pheno FILE");
    if (!strcmp(a->o.out, "-")) return g5_usage_error(TOOL, "an output prefix is needed: -o PREFIX");
    return g5_opts_one_input(&a->o, argc, argv, usage, &a->in);
}

/* --- samples, traits and groups -------------------------------------- */

/* Keep only characters that are safe in a file name. */
static char *safe_name(const char *prefix, const char *name)
{
    kstring_t s = KS_INITIALIZE;
    ksprintf(&s, "%s.", prefix);
    for (const char *c = name; *c; c++)
        kputc((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("._-+", *c)
              ? *c : '_', &s);
    return ks_release(&s);
}

/* The analysed samples: genotyped, with a phenotype row, and with every
 * covariate when there are covariates.  Fills sel (file indexes), prow and
 * the covariate matrix; the counts dropped go to the log. */
static int match_samples(run_t *R, g5_geno_t *g, const g5_pheno_t *ph, const g5_pheno_t *cv, int **sel, int **prow,
                         double **C, kstring_t *log)
{
    args_t *a = R->a;
    int ng = g5_geno_nsamples(g), no_pheno = 0, no_covar = 0, missing_covar = 0;
    int *s = malloc((ng + 1) * sizeof *s), *pr = malloc((ng + 1) * sizeof *pr), *cr = malloc((ng + 1) * sizeof *cr);
    char *in_geno = calloc(ph->nrows + 1, 1);
    if (!s || !pr || !cr || !in_geno) goto oom;
    int n = 0;
    for (int i = 0; i < ng; i++) {
        int p = g5_pheno_row(ph, g5_geno_sample(g, i));
        if (p < 0) { no_pheno++; continue; }
        in_geno[p] = 1;
        int r = -1;
        if (cv) {
            if ((r = g5_pheno_row(cv, g5_geno_sample(g, i))) < 0) { no_covar++; continue; }
            int k;
            for (k = 0; k < cv->ncols && !isnan(g5_pheno_value(cv, k, r)); k++) {}
            if (k < cv->ncols) { missing_covar++; continue; }
        }
        s[n] = i;
        pr[n] = p;
        cr[n] = r;
        n++;
    }
    int not_genotyped = 0;
    for (int p = 0; p < ph->nrows; p++) not_genotyped += !in_geno[p];
    free(in_geno);
    in_geno = NULL;
    ksprintf(log, "samples: %d analysed; left out: %d genotyped without a row in \"%s\", %d of \"%s\" not genotyped",
             n, no_pheno, a->pheno, not_genotyped, a->pheno);
    if (cv) ksprintf(log, ", %d without a row in \"%s\", %d with a covariate missing", no_covar, a->covar,
                     missing_covar);
    kputc('\n', log);
    if (n == 0) {
        g5_err(TOOL, "no sample is in both \"%s\" (%d samples) and \"%s\" (%d)%s", a->in, ng, a->pheno, ph->nrows,
               cv ? " with every covariate" : "");
        goto fail;
    }
    R->ns = n;
    R->c = cv ? cv->ncols : 0;
    if (!(*C = malloc(((size_t)n * R->c + 1) * sizeof **C))) goto oom;
    for (int k = 0; k < R->c; k++)
        for (int i = 0; i < n; i++) (*C)[(size_t)k * n + i] = g5_pheno_value(cv, k, cr[i]);
    free(cr);
    *sel = s;
    *prow = pr;
    return 0;
oom:
    g5_err(TOOL, "out of memory");
fail:
    free(s); free(pr); free(cr); free(in_geno);
    return -1;
}

/* Covariates that cannot be used on all analysed samples are an error (a
 * constant one, as the issue of a typo in a table; a combination of
 * others, as plink2). */
static int check_covariates(run_t *R, const double *C)
{
    int n = R->ns;
    for (int k = 0; k < R->c; k++) {
        const double *c = C + (size_t)k * n;
        int i = 1;
        while (i < n && c[i] == c[0]) i++;
        if (i == n) {
            g5_err(TOOL, "\"%s\" column %d (%s): the covariate is constant (%g) over the %d analysed samples",
                   R->a->covar, k + 2, R->cov_names[k], c[0], n);
            return -1;
        }
    }
    char why[256];
    for (int k = 1; k <= R->c; k++) {    // the first k covariates: which one makes them singular
        g5_linreg_t *L = g5_linreg_init(n, k, C, 0, NULL, why, sizeof why);
        if (!L) {
            if (strstr(why, "too few"))
                g5_err(TOOL, "%d analysed samples are too few for %d covariates", n, R->c);
            else
                g5_err(TOOL, "\"%s\" column %d (%s): the covariate is a combination of the ones before it over the "
                       "%d analysed samples", R->a->covar, k + 1, R->cov_names[k - 1], n);
            return -1;
        }
        g5_linreg_free(L);
    }
    return 0;
}

/* The traits asked for, each checked on the analysed samples. */
static int pick_traits(run_t *R, const g5_pheno_t *ph, const int *prow)
{
    args_t *a = R->a;
    int *cols = malloc((ph->ncols + 1) * sizeof *cols), n = 0;
    if (!cols) return g5_err(TOOL, "out of memory"), -1;
    if (a->traits) {
        char *list = strdup(a->traits), *save = NULL;
        for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int c = g5_pheno_col(ph, t);
            if (c < 0) {
                g5_err(TOOL, "trait \"%s\" is not a column of \"%s\"", t, a->pheno);
                free(list);
                free(cols);
                return -1;
            }
            int k;
            for (k = 0; k < n && cols[k] != c; k++) {}
            if (k == n && n < ph->ncols) cols[n++] = c;
        }
        free(list);
    } else {
        for (int c = 0; c < ph->ncols; c++) cols[n++] = c;
    }
    if (n == 0) {
        free(cols);
        return g5_err(TOOL, "\"%s\" has no trait column", a->pheno), -1;
    }
    R->ntraits = n;
    R->traits = calloc(n, sizeof *R->traits);
    if (!R->traits) return free(cols), g5_err(TOOL, "out of memory"), -1;
    for (int t = 0; t < n; t++) {
        trait_t *T = &R->traits[t];
        T->col = cols[t];
        T->name = ph->name[cols[t]];
        T->type = ph->type[cols[t]];
        T->group = -1;
        T->prefix = safe_name(a->o.out, T->name);
        double first = NAN;
        int varies = 0;
        for (int i = 0; i < R->ns; i++) {
            double y = g5_pheno_value(ph, T->col, prow[i]);
            if (isnan(y)) continue;
            T->n++;
            T->cases += T->type == G5_TRAIT_BINARY && y == 1;
            if (isnan(first)) first = y;
            else varies |= y != first;
        }
        kstring_t why = KS_INITIALIZE;
        if (ph->bad[T->col]) ksprintf(&why, "%s", ph->bad[T->col]);
        else if (T->n == 0) ksprintf(&why, "no value for any of the %d analysed samples", R->ns);
        else if (T->n < R->c + 3) ksprintf(&why, "%d samples with a value are too few for %d covariates", T->n, R->c);
        else if (T->type == G5_TRAIT_BINARY && (T->cases == 0 || T->cases == T->n))
            ksprintf(&why, "all %d samples with a value are %s", T->n, T->cases ? "cases" : "controls");
        else if (T->type == G5_TRAIT_BINARY && (T->cases < a->min_cases || T->n - T->cases < a->min_cases))
            ksprintf(&why, "%d cases and %d controls: fewer than --min-cases %ld", T->cases, T->n - T->cases,
                     a->min_cases);
        else if (!varies) ksprintf(&why, "constant (%g) over its %d samples", first, T->n);
        T->skip = ks_release(&why);
        if (T->skip && !*T->skip) {
            free(T->skip);
            T->skip = NULL;
        }
    }
    free(cols);
    // two names made the same by safe_name would write one file
    for (int t = 0; t < n; t++)
        for (int u = 0; u < t; u++)
            if (!strcmp(R->traits[t].prefix, R->traits[u].prefix)) {
                g5_err(TOOL, "traits \"%s\" and \"%s\" would both be written to %s.tsv.gz", R->traits[u].name,
                       R->traits[t].name, R->traits[t].prefix);
                return -1;
            }
    return 0;
}

/* Put the traits in groups by their samples, and set each group up. */
static int make_groups(run_t *R, const g5_pheno_t *ph, const int *prow, const double *C)
{
    int n = R->ns;
    char *masks = malloc((size_t)R->ntraits * n + 1);
    R->groups = calloc(R->ntraits, sizeof *R->groups);
    if (!masks || !R->groups) goto oom;
    for (int t = 0; t < R->ntraits; t++) {
        trait_t *T = &R->traits[t];
        if (T->skip) continue;
        char *m = masks + (size_t)t * n;
        for (int i = 0; i < n; i++) m[i] = !isnan(g5_pheno_value(ph, T->col, prow[i]));
        int g;
        for (g = 0; g < R->ngroups; g++) {
            int first = R->groups[g].nq ? R->groups[g].qt[0] : R->groups[g].bt[0];
            if (!memcmp(m, masks + (size_t)first * n, n)) break;
        }
        group_t *G = &R->groups[g];
        if (g == R->ngroups) {
            R->ngroups++;
            if (!(G->qt = malloc(R->ntraits * sizeof *G->qt)) || !(G->bt = malloc(R->ntraits * sizeof *G->bt)))
                goto oom;
        }
        T->group = g;
        if (T->type == G5_TRAIT_QUANT) T->k = G->nq, G->qt[G->nq++] = t;
        else T->k = G->nb, G->bt[G->nb++] = t;
    }
    for (int g = 0; g < R->ngroups; g++) {
        group_t *G = &R->groups[g];
        const char *m = masks + (size_t)(G->nq ? G->qt[0] : G->bt[0]) * n;
        if (!(G->rows = malloc((n + 1) * sizeof *G->rows)) || !(G->out = malloc((n + 1) * sizeof *G->out)))
            goto oom;
        for (int i = 0; i < n; i++)
            if (m[i]) G->rows[G->n++] = i;
            else G->out[G->nout++] = i;
        G->full = G->n == n;
        if (!(G->C = malloc(((size_t)G->n * R->c + 1) * sizeof *G->C))
            || !(G->Y = malloc(((size_t)G->n * G->nq + 1) * sizeof *G->Y))
            || !(G->B = malloc(((size_t)G->n * G->nb + 1) * sizeof *G->B)))
            goto oom;
        for (int k = 0; k < R->c; k++)
            for (int i = 0; i < G->n; i++) G->C[(size_t)k * G->n + i] = C[(size_t)k * n + G->rows[i]];
        for (int k = 0; k < G->nq; k++)
            for (int i = 0; i < G->n; i++)
                G->Y[(size_t)k * G->n + i] = g5_pheno_value(ph, R->traits[G->qt[k]].col, prow[G->rows[i]]);
        for (int k = 0; k < G->nb; k++)
            for (int i = 0; i < G->n; i++)
                G->B[(size_t)k * G->n + i] = g5_pheno_value(ph, R->traits[G->bt[k]].col, prow[G->rows[i]]);
        char why[256];
        // the covariates on these samples: a check for the binary traits too
        if (!(G->L = g5_linreg_init(G->n, R->c, G->C, G->nq, G->Y, why, sizeof why))) {
            char *reason = NULL;
            if (strstr(why, "out of memory")) goto oom;
            kstring_t s = KS_INITIALIZE;
            ksprintf(&s, "the covariates are constant or collinear on its %d samples (%s)", G->n, why);
            reason = ks_release(&s);
            for (int t = 0; t < R->ntraits; t++)
                if (R->traits[t].group == g) {
                    R->traits[t].skip = strdup(reason);
                    R->traits[t].group = -1;
                }
            free(reason);
            continue;
        }
        if (!G->full && g5_linreg_spread(G->L, n, G->rows) < 0) goto oom;
        size_t w = g5_linreg_work(G->L, BLOCK);
        if (w > R->work) R->work = w;
        if ((size_t)G->n > R->maxn) R->maxn = G->n;
    }
    free(masks);
    return 0;
oom:
    free(masks);
    g5_err(TOOL, "out of memory");
    return -1;
}

/* --- the scan --------------------------------------------------------- */

static void scratch_free(scratch_t *s)
{
    free(s->x0); free(s->sq0); free(s->sq); free(s->dense); free(s->Cs); free(s->ys); free(s->xs); free(s->work); free(s->lm);
    g5_logreg_free(s->lr);
    g5_gdecoder_free(s->dec);
    free(s);
}

static scratch_t *scratch_get(run_t *R)
{
    pthread_mutex_lock(&R->lock);
    scratch_t *s = R->scratch;
    if (s) R->scratch = s->next;
    pthread_mutex_unlock(&R->lock);
    if (s) return s;
    size_t n = R->maxn + 1;
    int maxq = 1;
    for (int g = 0; g < R->ngroups; g++) if (R->groups[g].nq > maxq) maxq = R->groups[g].nq;
    if (!(s = calloc(1, sizeof *s))) return NULL;
    if (!(s->Cs = malloc(n * (R->c + 1) * sizeof *s->Cs)) || !(s->ys = malloc(n * sizeof *s->ys))
        || !(s->xs = malloc(n * sizeof *s->xs)) || !(s->work = malloc((R->work + 1) * sizeof *s->work))
        || !(s->lm = malloc((size_t)BLOCK * maxq * sizeof *s->lm)) || !(s->lr = g5_logreg_init(n, R->c))
        || (R->lines && !(s->dec = g5_gdecoder_init(R->geno)))) {
        scratch_free(s);
        return NULL;
    }
    return s;
}

static void scratch_put(run_t *R, scratch_t *s)
{
    pthread_mutex_lock(&R->lock);
    s->next = R->scratch;
    R->scratch = s;
    pthread_mutex_unlock(&R->lock);
}

/* The filters of one variant on a group's samples. */
static void judge(const run_t *R, const group_t *G, const bvar_t *bv, const double *x, struct gstat *st)
{
    const args_t *a = R->a;
    int m = 0, h[3] = { 0, 0, 0 }, other = 0;
    double sum = 0;
    if (G->full && bv->an == 2.0 * bv->n) {
        // all analysed samples, diploid: the reader counted it all already
        // (its sum in the same order: the same number)
        m = bv->n;
        sum = bv->ac;
        memcpy(h, bv->hom, sizeof h);
        other = R->hard ? 0 : m;
    } else if (R->hard && bv->an == 2.0 * bv->n && G->nout < G->n) {
        // most samples: the reader's counts less those left out (hard
        // calls are whole numbers, so the difference is exact)
        m = bv->n;
        sum = bv->ac;
        memcpy(h, bv->hom, sizeof h);
        for (int j = 0; j < G->nout; j++) {
            double v = x[G->out[j]];
            if (isnan(v)) continue;
            m--;
            sum -= v;
            if (v == 0 || v == 1 || v == 2) h[(int)v]--;
        }
    } else for (int j = 0; j < G->n; j++) {
        double v = x[G->full ? j : G->rows[j]];
        if (isnan(v)) continue;
        m++;
        sum += v;
        if (v == 0) h[0]++;
        else if (v == 1) h[1]++;
        else if (v == 2) h[2]++;
        else other++;
    }
    st->m = m;
    st->sum = sum;
    double alt = sum, ref = 2.0 * m - sum, minor = alt < ref ? alt : ref;
    if (m == 0 || (double)(G->n - m) > a->geno * G->n) st->status = ST_CALL_RATE;
    else if (alt <= 0 || ref <= 0) st->status = ST_MONO;
    else if (minor / (2.0 * m) < a->maf) st->status = ST_MAF;
    else if (minor < a->mac) st->status = ST_MAC;
    else if (a->hwe > 0 && R->hard && !other && g5_hwe_exact(h[0], h[1], h[2]) < a->hwe) st->status = ST_HWE;
    else st->status = ST_OK;
}

/* The samples of group G with a dosage, gathered: covariates into Cs, x into xs. */
static int gather(const run_t *R, const group_t *G, const double *x, scratch_t *s)
{
    int m = 0;
    for (int j = 0; j < G->n; j++) {
        double v = x[G->full ? j : G->rows[j]];
        if (isnan(v)) continue;
        s->xs[m++] = v;
    }
    for (int k = 0; k < R->c; k++) {
        double *dst = s->Cs + (size_t)k * m;
        const double *src = G->C + (size_t)k * G->n;
        for (int j = 0, i = 0; j < G->n; j++)
            if (!isnan(x[G->full ? j : G->rows[j]])) dst[i++] = src[j];
    }
    return m;
}

static void set_lm(result_t *r, const g5_lmres_t *lm)
{
    if (lm->df == 0 || !isfinite(lm->beta) || !isfinite(lm->se)) {
        r->status = ST_NO_TEST;
        return;
    }
    r->beta = lm->beta;
    r->se = lm->se;
    r->z = lm->t;
    r->p = lm->p;
}

/* The block's dosages with missing values as 0, and their sums of
 * squares: what every group's block test reads (g5_linreg_spread).
 * @return 0, or -1 (out of memory) */
static int zero_missing(const run_t *R, const block_t *b, scratch_t *s)
{
    size_t ns = (size_t)R->ns;
    if ((size_t)b->nv > s->m0) {
        double *x0 = realloc(s->x0, ns * b->cap * sizeof *x0), *sq0 = realloc(s->sq0, b->cap * sizeof *sq0),
               *sq = realloc(s->sq, b->cap * sizeof *sq);
        int *dense = realloc(s->dense, b->cap * sizeof *dense);
        if (x0) s->x0 = x0;
        if (sq0) s->sq0 = sq0;
        if (sq) s->sq = sq;
        if (dense) s->dense = dense;
        if (!x0 || !sq0 || !sq || !dense) return -1;
        s->m0 = (size_t)b->cap;
    }
    for (int v = 0; v < b->nv; v++) {
        const double *x = b->x + v * ns;
        double *x0 = s->x0 + v * ns, sum = 0;
        for (size_t i = 0; i < ns; i++) {
            double d = isnan(x[i]) ? 0 : x[i];
            x0[i] = d;
            sum += d * d;
        }
        s->sq0[v] = sum;
    }
    return 0;
}

/* A group's complete variants (s->dense, nd of them), tested as blocks of
 * the block's columns: every column goes through the products, the
 * complete ones are kept. */
static void test_dense(const run_t *R, const group_t *G, block_t *b, scratch_t *s, int nd)
{
    for (int v0 = 0, d = 0; d < nd; v0 += BLOCK) {
        int w = b->nv - v0 < BLOCK ? b->nv - v0 : BLOCK;
        if (s->dense[d] >= v0 + w) continue;    // none of this chunk's
        g5_linreg_test(G->L, w, s->x0 + (size_t)v0 * R->ns, s->sq + v0, s->work, s->lm);
        for (; d < nd && s->dense[d] < v0 + w; d++)
            for (int k = 0; k < G->nq; k++)
                set_lm(&b->res[(size_t)G->qt[k] * b->cap + s->dense[d]],
                       &s->lm[(size_t)(s->dense[d] - v0) * G->nq + k]);
    }
}

/* Test one group's traits on a block. */
static void test_group(const run_t *R, const group_t *G, block_t *b, scratch_t *s)
{
    int ns = R->ns, nd = 0;
    for (int v = 0; v < b->nv; v++) {
        const double *x = b->x + (size_t)v * ns;
        struct gstat st;
        judge(R, G, &b->v[v], x, &st);
        double eaf = st.m ? st.sum / (2.0 * st.m) : NAN;
        for (int k = 0; k < G->nq + G->nb; k++) {
            int t = k < G->nq ? G->qt[k] : G->bt[k - G->nq];
            b->res[(size_t)t * b->cap + v] = (result_t){ .eaf = eaf, .n = st.m, .status = (unsigned char)st.status };
        }
        s->sq[v] = 0;
        if (st.status != ST_OK) continue;
        if (G->nq && st.m == G->n) {    // complete: tested with the block
            double sq = s->sq0[v];
            for (int j = 0; j < G->nout; j++) {
                double d = x[G->out[j]];
                if (!isnan(d)) sq -= d * d;
            }
            s->sq[v] = sq;
            s->dense[nd++] = v;
        } else if (G->nq) {             // samples missing: refit on the others, as plink2
            int m = gather(R, G, x, s);
            for (int k = 0; k < G->nq; k++) {
                const double *y = G->Y + (size_t)k * G->n;
                for (int j = 0, i = 0; j < G->n; j++)
                    if (!isnan(x[G->full ? j : G->rows[j]])) s->ys[i++] = y[j];
                g5_lmres_t lm;
                g5_linreg_one(m, R->c, s->Cs, s->ys, s->xs, &lm);
                set_lm(&b->res[(size_t)G->qt[k] * b->cap + v], &lm);
            }
        }
        int m = G->nb ? gather(R, G, x, s) : 0;
        for (int k = 0; k < G->nb; k++) {
            int t = G->bt[k], cases = 0;
            result_t *r = &b->res[(size_t)t * b->cap + v];
            const double *y = G->B + (size_t)k * G->n;
            for (int j = 0, i = 0; j < G->n; j++)
                if (!isnan(x[G->full ? j : G->rows[j]])) cases += (s->ys[i++] = y[j]) == 1;
            r->cases = cases;
            if (cases < R->a->min_cases || m - cases < R->a->min_cases) {
                r->status = ST_CASES;
                continue;
            }
            g5_logres_t lr;
            g5_logreg_test(s->lr, m, R->c, s->Cs, s->ys, s->xs, R->a->firth, &lr);
            if (!lr.ok || !isfinite(lr.beta) || !isfinite(lr.se)) {
                r->status = ST_NO_FIT;
                continue;
            }
            r->beta = lr.beta;
            r->se = lr.se;
            r->z = lr.z;
            r->p = lr.p;
            r->firth = (unsigned char)lr.firth;
        }
    }
    if (nd) test_dense(R, G, b, s, nd);
}

/* Room for one more variant. */
static int block_grow(run_t *R, block_t *b)
{
    if (b->nv < b->cap) return 0;
    int cap = b->cap ? 2 * b->cap : BLOCK;
    bvar_t *v = realloc(b->v, cap * sizeof *v);
    if (v) b->v = v;
    double *x = realloc(b->x, (size_t)cap * R->ns * sizeof *x);
    if (x) b->x = x;
    if (!v || !x) return -1;
    b->cap = cap;
    return 0;
}

/* Add a variant to a block, or count why it is left out: a contig without
 * a GWAS-SSF code, alleles other than A/C/G/T.  Variants must come in
 * chromosome-code order (checked here within the block, by emit between
 * blocks).  @return 0, or -1 with b->err set */
static int take_variant(run_t *R, block_t *b, const g5_gvar_t *v)
{
    b->nread++;
    int code = g5_ssf_chrom_code(v->chrom);
    if (!code) return b->off_contig++, 0;
    if (!g5_ssf_allele_ok(v->ref) || !g5_ssf_allele_ok(v->alt)) return b->bad_allele++, 0;
    if (b->nv) {
        const bvar_t *last = &b->v[b->nv - 1];
        if (code < last->code || (code == last->code && v->pos < last->pos)) {
            snprintf(b->err, sizeof b->err, "\"%s\" record %llu: %s:%lld comes after %s:%lld; GWAS-SSF needs the "
                     "variants sorted by chromosome (1-22, X, Y, MT), then position", R->a->in,
                     (unsigned long long)v->recno, v->chrom, (long long)v->pos + 1, g5_ssf_code_names[last->code - 1],
                     (long long)last->pos + 1);
            return -1;
        }
    }
    if (block_grow(R, b) < 0) {
        snprintf(b->err, sizeof b->err, "out of memory");
        return -1;
    }
    bvar_t *bv = &b->v[b->nv];
    bv->pos = v->pos;
    bv->code = code;
    bv->recno = v->recno;
    bv->n = v->n;
    bv->ac = v->ac;
    bv->an = v->an;
    bv->hom[0] = v->hom_ref;
    bv->hom[1] = v->het;
    bv->hom[2] = v->hom_alt;
    bv->chrom = b->text.l;
    kputsn(v->chrom, strlen(v->chrom) + 1, &b->text);
    bv->id = b->text.l;
    kputsn(v->id, strlen(v->id) + 1, &b->text);
    bv->ref = b->text.l;
    kputsn(v->ref, strlen(v->ref) + 1, &b->text);
    bv->alt = b->text.l;
    if (kputsn(v->alt, strlen(v->alt) + 1, &b->text) < 0) {
        snprintf(b->err, sizeof b->err, "out of memory");
        return -1;
    }
    memcpy(b->x + (size_t)b->nv * R->ns, v->x, (size_t)R->ns * sizeof *v->x);
    b->nv++;
    return 0;
}

/* A worker's decoding of a block's lines into variants. */
static int decode_lines(run_t *R, block_t *b, scratch_t *s)
{
    for (int i = 0; i < b->nlines; i++) {
        int r = g5_gdecoder_line(s->dec, b->lines.s + b->line_at[i], b->recno[i]);
        if (r < 0) {
            snprintf(b->err, sizeof b->err, "%s", g5_gdecoder_why(s->dec));
            return -1;
        }
        const g5_gvar_t *v;
        while (r > 0 && g5_gdecoder_next(s->dec, &v))
            if (take_variant(R, b, v) < 0) return -1;
    }
    return 0;
}

/* Format a block's rows, trait by trait. */
static void format_rows(run_t *R, block_t *b)
{
    for (int t = 0; t < R->ntraits; t++) {
        trait_t *T = &R->traits[t];
        g5_ssf_run_t *run = &b->runs[t];
        g5_ssf_run_clear(run);
        if (!T->ssf) continue;
        for (int v = 0; v < b->nv; v++) {
            result_t *r = &b->res[(size_t)t * b->cap + v];
            if (r->status != ST_OK) continue;
            int bin = T->type == G5_TRAIT_BINARY;
            if (R->has_policy && g5_policy_row(&R->policy, r->n, r->eaf, bin ? r->cases : NAN,
                                               bin ? r->n - r->cases : NAN)) {
                r->status = ST_SUPPRESSED;
                continue;
            }
            const bvar_t *bv = &b->v[v];
            g5_ssf_row_t row = {
                .chrom = b->text.s + bv->chrom, .pos = bv->pos + 1, .ea = b->text.s + bv->alt,
                .oa = b->text.s + bv->ref, .beta = r->beta, .se = r->se, .eaf = r->eaf, .p = r->p,
                .rsid = b->text.s + bv->id, .n = r->n, .z = r->z,
                .n_cases = T->type == G5_TRAIT_BINARY ? r->cases : -1,
                .n_controls = T->type == G5_TRAIT_BINARY ? r->n - r->cases : -1,
                .ref = R->bed ? G5_SSF_REF_UNKNOWN : G5_SSF_REF_OA,
            };
            if (g5_ssf_format(T->ssf, run, &row, b->err, sizeof b->err) < 0) return;
        }
        // compressed here, on the workers: the main thread only writes
        if (g5_ssf_seal(run) < 0) {
            snprintf(b->err, sizeof b->err, "out of memory");
            return;
        }
    }
}

/* A worker's job: decode the block's lines (if any), test the variants
 * against every group, format the rows. */
static void *test_block(void *arg)
{
    block_t *b = arg;
    run_t *R = b->R;
    scratch_t *s = scratch_get(R);
    if (!s) {
        snprintf(b->err, sizeof b->err, "out of memory");
        return b;
    }
    int ok = decode_lines(R, b, s) == 0;
    size_t need = (size_t)b->cap * R->ntraits;
    if (ok && need > b->mres) {
        result_t *res = realloc(b->res, need * sizeof *res);
        if (res) b->res = res, b->mres = need;
        else ok = 0, snprintf(b->err, sizeof b->err, "out of memory");
    }
    if (ok && zero_missing(R, b, s) < 0) ok = 0, snprintf(b->err, sizeof b->err, "out of memory");
    if (ok)
        for (int g = 0; g < R->ngroups; g++)
            if (R->groups[g].L) test_group(R, &R->groups[g], b, s);
    scratch_put(R, s);
    if (ok) format_rows(R, b);
    return b;
}

static void block_free(block_t *b)
{
    if (!b) return;
    free(b->lines.s);
    free(b->v);
    free(b->text.s);
    free(b->x);
    free(b->res);
    free(b->runs);
    free(b);
}

static block_t *block_get(run_t *R)
{
    block_t *b = R->free_blocks;
    if (b) {
        R->free_blocks = b->next;
    } else {
        if (!(b = calloc(1, sizeof *b))) return NULL;
        if (!(b->runs = calloc(R->ntraits, sizeof *b->runs))) {
            block_free(b);
            return NULL;
        }
    }
    b->R = R;
    b->err[0] = 0;
    b->nlines = b->nv = 0;
    b->nread = b->off_contig = b->bad_allele = 0;
    b->lines.l = b->text.l = 0;
    return b;
}

static void block_put(run_t *R, block_t *b)
{
    b->next = R->free_blocks;
    R->free_blocks = b;
}

static void block_drop(run_t *R, block_t *b)
{
    for (int t = 0; t < R->ntraits; t++) g5_ssf_run_free(&b->runs[t]);
    block_free(b);
}

/* Take a tested block, in order: its rows to the files, its counts to the log. */
static int emit(run_t *R, block_t *b)
{
    if (b->err[0]) {
        g5_err(TOOL, "%s", b->err);
        return -1;
    }
    if (b->nv) {
        const bvar_t *first = &b->v[0];
        if (first->code < R->last_code || (first->code == R->last_code && first->pos < R->last_pos)) {
            g5_err(TOOL, "\"%s\" record %llu: %s:%lld comes after %s:%lld; GWAS-SSF needs the variants sorted by "
                   "chromosome (1-22, X, Y, MT), then position", R->a->in, (unsigned long long)first->recno,
                   b->text.s + first->chrom, (long long)first->pos + 1, g5_ssf_code_names[R->last_code - 1],
                   (long long)R->last_pos + 1);
            return -1;
        }
        R->last_code = b->v[b->nv - 1].code;
        R->last_pos = b->v[b->nv - 1].pos;
    }
    R->nread += b->nread;
    R->off_contig += b->off_contig;
    R->bad_allele += b->bad_allele;
    R->used += b->nv;
    char why[512];
    for (int t = 0; t < R->ntraits; t++) {
        trait_t *T = &R->traits[t];
        if (!T->ssf) continue;
        for (int v = 0; v < b->nv; v++) {
            const result_t *r = &b->res[(size_t)t * b->cap + v];
            T->count[r->status]++;
            T->firth += r->status == ST_OK && r->firth;
        }
        if (g5_ssf_append(T->ssf, &b->runs[t], why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            return -1;
        }
    }
    block_put(R, b);
    return 0;
}

/* Read the next block: lines for the workers to decode, or variants
 * decoded here.  @return 1, 0 at the end, -1 on bad input */
static int read_block(run_t *R, block_t *b)
{
    int r = 1;
    if (R->lines) {
        while (b->nlines < BLOCK
               && (r = g5_geno_next_line(R->geno, &b->lines, &b->line_at[b->nlines], &b->recno[b->nlines])) == 1) {
            g5_progress_add(&R->progress, 1);
            b->nlines++;
        }
        if (r < 0) return g5_err(TOOL, "%s", g5_geno_why(R->geno)), -1;
        return b->nlines > 0;
    }
    const g5_gvar_t *v;
    while (b->nv < BLOCK && (r = g5_geno_next(R->geno, &v)) == 1) {
        g5_progress_add(&R->progress, 1);
        if (take_variant(R, b, v) < 0) return g5_err(TOOL, "%s", b->err), -1;
    }
    if (r < 0) return g5_err(TOOL, "%s", g5_geno_why(R->geno)), -1;
    return b->nread > 0;
}

static int scan(run_t *R, htsThreadPool *pool)
{
    hts_tpool_process *q = NULL;
    if (pool->pool && !(q = hts_tpool_process_init(pool->pool, 2 * pool->qsize, 0)))
        return g5_err(TOOL, "cannot start the worker threads"), -1;
    g5_progress_start(&R->progress, TOOL, "records", R->a->o.progress, 0);
    int status = 0;
    R->last_pos = -1;
    for (;;) {
        block_t *b = block_get(R);
        if (!b) { g5_err(TOOL, "out of memory"); status = -1; break; }
        int r = read_block(R, b);
        if (r <= 0) {
            block_put(R, b);
            status = r;
            break;
        }
        if (!q) {
            if (emit(R, test_block(b)) < 0) {
                status = -1;
                block_drop(R, b);
                break;
            }
            continue;
        }
        // hand it over; while the queue is full, take finished blocks
        while (hts_tpool_dispatch2(pool->pool, q, test_block, b, 1) < 0) {
            if (errno != EAGAIN) {
                g5_err(TOOL, "cannot queue work");
                status = -1;
                block_drop(R, b);
                break;
            }
            hts_tpool_result *res = hts_tpool_next_result_wait(q);
            block_t *done = hts_tpool_result_data(res);
            hts_tpool_delete_result(res, 0);
            if (emit(R, done) < 0) {
                status = -1;
                block_drop(R, done);
                block_drop(R, b);
                break;
            }
        }
        if (status < 0) break;
        hts_tpool_result *res;
        while ((res = hts_tpool_next_result(q))) {
            block_t *done = hts_tpool_result_data(res);
            hts_tpool_delete_result(res, 0);
            if (emit(R, done) < 0) { status = -1; block_drop(R, done); break; }
        }
        if (status < 0) break;
    }
    if (q) {
        // the blocks still out: wait for them, and write them unless failing
        hts_tpool_process_flush(q);
        hts_tpool_result *res;
        while ((res = hts_tpool_next_result(q))) {
            block_t *done = hts_tpool_result_data(res);
            hts_tpool_delete_result(res, 0);
            if (status == 0 && emit(R, done) < 0) status = -1;
            else if (status < 0) block_drop(R, done);
        }
        hts_tpool_process_destroy(q);
    }
    g5_progress_done(&R->progress);
    return status;
}

/* --- after the scan: files closed, then plots and the log ------------- */

/* A trait's plots, lambda and top hits, from what its writer kept. */
static int plot_trait(trait_t *T, g5_ssf_kept_t *kept)
{
    return g5_ssf_plot(kept, T->prefix, T->name, &T->lambda, T->name, &T->tops, T->err, sizeof T->err);
}

/* Close a trait's file with its metadata. */
static int finish_trait(const run_t *R, trait_t *T, const g5_pheno_t *ph)
{
    g5_ssf_meta_t meta = {
        .trait_description = ph->desc[T->col] ? ph->desc[T->col] : T->name,
        .genome_assembly = R->a->assembly ? R->a->assembly : "NR",
        .genotyping_technology = R->bed ? "Genome-wide genotyping array" : "Whole genome sequencing",
        .sample_ancestry_category = "NR",
        .sample_size = T->n,
        .case_count = T->type == G5_TRAIT_BINARY ? T->cases : 0,
        .control_count = T->type == G5_TRAIT_BINARY ? T->n - T->cases : 0,
        .adjusted_covariates = (const char *const *)R->cov_names,
        .n_covariates = R->c,
        .trait = T->name,
        .release_policy = R->has_policy ? R->policy.digest : NULL,
        .sample_set = T->set_digest,
        .suppressed = T->count[ST_SUPPRESSED],
    };
    int r = g5_ssf_close(T->ssf, &meta, T->err, sizeof T->err);
    T->ssf = NULL;
    return r;
}

/* After the scan, per trait (on a worker when there are workers): its
 * file closed, then plotted.  cairo draws on several threads safely,
 * and plot numbers each SVG's names within the file, so the plots do not
 * depend on the order they are drawn in. */
typedef struct finish_job {
    const run_t *R;
    trait_t *T;
    const g5_pheno_t *ph;
} finish_job_t;

static void *finish_job(void *arg)
{
    finish_job_t *j = arg;
    g5_ssf_kept_t *kept = g5_ssf_kept(j->T->ssf);
    if (finish_trait(j->R, j->T, j->ph) == 0) plot_trait(j->T, kept);
    g5_ssf_kept_free(kept);
    return j;
}

/* Finish every analysed trait; @return 0, or -1 after reporting the first failure in trait order */
static int finish_all(run_t *R, const g5_pheno_t *ph, htsThreadPool *pool)
{
    finish_job_t *jobs = calloc(R->ntraits + 1, sizeof *jobs);
    hts_tpool_process *q = NULL;
    if (!jobs || (pool->pool && !(q = hts_tpool_process_init(pool->pool, R->ntraits + 1, 0)))) {
        free(jobs);
        return g5_err(TOOL, "out of memory"), -1;
    }
    int status = 0;
    for (int t = 0; t < R->ntraits; t++) {
        if (!R->traits[t].ssf) continue;
        if (g5_ssf_end(R->traits[t].ssf, R->traits[t].err, sizeof R->traits[t].err) < 0) break;
        jobs[t] = (finish_job_t){ R, &R->traits[t], ph };
        if (!q) finish_job(&jobs[t]);
        else if (hts_tpool_dispatch(pool->pool, q, finish_job, &jobs[t]) < 0) status = -1;
    }
    if (q) {
        hts_tpool_process_flush(q);
        hts_tpool_result *res;
        while ((res = hts_tpool_next_result(q))) hts_tpool_delete_result(res, 0);
        hts_tpool_process_destroy(q);
    }
    for (int t = 0; t < R->ntraits && status == 0; t++)
        if (R->traits[t].err[0]) {
            g5_err(TOOL, "%s", R->traits[t].err);
            status = -1;
        }
    if (status < 0 && !R->traits[0].err[0]) g5_err(TOOL, "cannot queue work");
    free(jobs);
    return status;
}

/* A run that failed after its files were put in place (a plot that could
 * not be written, the log): remove them all, so that no set of files looks
 * finished; a trait's files stand or fall with the run's. */
static void remove_outputs(const run_t *R)
{
    static const char *const parts[] = { ".tsv.gz", ".tsv.gz.tbi", ".tsv.gz-meta.yaml", ".manhattan.png",
                                         ".manhattan.svg", ".qq.png", ".qq.svg" };
    kstring_t path = KS_INITIALIZE;
    for (int t = 0; t < R->ntraits; t++) {
        if (R->traits[t].skip) continue;
        for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
            path.l = 0;
            ksprintf(&path, "%s%s", R->traits[t].prefix, parts[i]);
            unlink(path.s);
        }
    }
    free(path.s);
}

/* Open file descriptors enough for every trait's file (and a margin). */
static int enough_files(int ntraits)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)ntraits + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need) return 0;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
        g5_err(TOOL, "%d traits need %llu open files, but the limit is %llu (ulimit -n): run them in batches "
               "with --traits", ntraits, (unsigned long long)need, (unsigned long long)rl.rlim_max);
        return -1;
    }
    rl.rlim_cur = need;
    return setrlimit(RLIMIT_NOFILE, &rl) < 0 ? (g5_err_errno(TOOL, "cannot raise the open file limit"), -1) : 0;
}

/* Under a release policy, a group's samples may be released only if they
 * differ enough from every set released before (the ledger) and from the
 * other groups of this run; a group refused skips its traits.  The sets
 * accepted are added to the ledger, which is written before any file is
 * put in place: a run that fails later leaves the ledger stricter, never
 * laxer. */
static int check_sets(run_t *R, const g5_pheno_t *ph, const int *prow)
{
    const char **iid = malloc((R->ns + 1) * sizeof *iid);
    if (!iid) return g5_err(TOOL, "out of memory"), -1;
    for (int g = 0; g < R->ngroups; g++) {
        group_t *G = &R->groups[g];
        for (int j = 0; j < G->n; j++) iid[j] = ph->iid[prow[G->rows[j]]];
        char why[768], digest[65];
        int refused = g5_ledger_check(&R->policy, &R->ledger, iid, G->n, why, sizeof why);
        if (g5_sampleset_digest(iid, G->n, digest) < 0) {
            free(iid);
            return g5_err(TOOL, "out of memory"), -1;
        }
        for (int t = 0; t < R->ntraits; t++) {
            trait_t *T = &R->traits[t];
            if (T->group != g || T->skip) continue;
            if (refused) {
                kstring_t k = KS_INITIALIZE;
                ksprintf(&k, "release policy: %s", why);
                T->skip = ks_release(&k);
                continue;
            }
            memcpy(T->set_digest, digest, sizeof digest);
            const char *slash = strrchr(T->prefix, '/');
            kstring_t file = KS_INITIALIZE;
            ksprintf(&file, "%s.tsv.gz", slash ? slash + 1 : T->prefix);
            int r = g5_ledger_add(&R->ledger, file.s, iid, G->n);
            free(file.s);
            if (r < 0) {
                free(iid);
                if (errno == EINVAL)
                    return g5_err(TOOL, "\"%s\": a sample ID holds a comma, tab or newline: the ledger cannot "
                                  "record it", R->a->pheno), -1;
                return g5_err(TOOL, "out of memory"), -1;
            }
        }
    }
    free(iid);
    return 0;
}

/* A run that tested nothing is a failure (a VCF whose records carry no GT,
 * filters that leave nothing): say why rather than write empty files. */
static int nothing_tested(const run_t *R)
{
    long long by[NSTATUS] = { 0 };
    for (int t = 0; t < R->ntraits; t++)
        for (int s = 0; s < NSTATUS; s++) by[s] += R->traits[t].count[s];
    if (by[ST_OK]) return 0;
    if (!R->used) {
        g5_err(TOOL, "\"%s\": no variant to test (%lld read; none on chromosomes 1-22, X, Y, MT with alleles A, C, "
               "G, T)", R->a->in, R->nread);
        return 1;
    }
    int most = 1;
    for (int s = 2; s < NSTATUS; s++) if (by[s] > by[most]) most = s;
    static const char *const why[NSTATUS] = {
        "", "too few samples with a genotype (no GT in the records?)", "one allele only", "--maf", "--mac", "--hwe",
        "too few cases or controls with a genotype", "the dosages are a combination of the covariates",
        "the logistic fit failed", "the release policy"
    };
    g5_err(TOOL, "\"%s\": no variant could be tested for any trait; most were left out for %s", R->a->in, why[most]);
    return 1;
}

static void log_traits(const run_t *R, const g5_pheno_t *ph, kstring_t *log)
{
    kputs("\n#trait\ttype\ttype_from\tn\tcases\tcontrols\tgroup\tlambda\tfirth", log);
    for (int s = 0; s < NSTATUS; s++) ksprintf(log, "\t%s", status_name[s]);
    kputs("\tstatus\n", log);
    for (int t = 0; t < R->ntraits; t++) {
        const trait_t *T = &R->traits[t];
        int bin = T->type == G5_TRAIT_BINARY;
        ksprintf(log, "%s\t%s\t%s\t%d\t", T->name, bin ? "binary" : "quantitative", ph->how[T->col], T->n);
        if (bin) ksprintf(log, "%d\t%d\t", T->cases, T->n - T->cases);
        else kputs(".\t.\t", log);
        if (T->skip) {
            kputs(".\t.\t.", log);
            for (int s = 0; s < NSTATUS; s++) kputs("\t.", log);
            ksprintf(log, "\tskipped: %s\n", T->skip);
            continue;
        }
        ksprintf(log, "%d\t", T->group + 1);
        if (isnan(T->lambda)) kputs(".", log);
        else ksprintf(log, "%.4f", T->lambda);
        ksprintf(log, "\t%lld", T->firth);
        for (int s = 0; s < NSTATUS; s++) ksprintf(log, "\t%lld", T->count[s]);
        kputs("\tok\n", log);
    }
}

static void free_run(run_t *R)
{
    for (int t = 0; t < R->ntraits; t++) {
        g5_ssf_abort(R->traits[t].ssf);
        free(R->traits[t].skip);
        free(R->traits[t].prefix);
        free(R->traits[t].tops.s);
    }
    free(R->traits);
    for (int g = 0; g < R->ngroups; g++) {
        group_t *G = &R->groups[g];
        free(G->rows); free(G->out); free(G->C); free(G->qt); free(G->Y); free(G->bt); free(G->B);
        g5_linreg_free(G->L);
    }
    free(R->groups);
    while (R->scratch) {
        scratch_t *s = R->scratch;
        R->scratch = s->next;
        scratch_free(s);
    }
    while (R->free_blocks) {
        block_t *b = R->free_blocks;
        R->free_blocks = b->next;
        block_drop(R, b);
    }
    pthread_mutex_destroy(&R->lock);
}

int main_assoc(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.geno = 1;
    a.mac = 1;
    a.min_cases = 1;
    a.firth = FIRTH_FALLBACK;
    run_t R;
    memset(&R, 0, sizeof R);
    pthread_mutex_init(&R.lock, NULL);
    R.a = &a;
    g5_geno_t *g = NULL;
    g5_pheno_t *ph = NULL, *cv = NULL;
    int *sel = NULL, *prow = NULL;
    double *C = NULL;
    htsThreadPool pool = { NULL, 0 };
    kstring_t log = KS_INITIALIZE, tops = KS_INITIALIZE;
    char why[1024];
    int plotted = 0;
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;
    if (!(a.cmdline = g5_cmdline(argc, argv))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    g5_prov_kput(&log, TOOL, a.cmdline);

    // inputs
    if (!(g = g5_geno_open(a.in, a.dosage, a.o.threads, why, sizeof why))
        || !(ph = g5_pheno_read(a.pheno, why, sizeof why)) || g5_pheno_types(ph, a.dict, why, sizeof why) < 0
        || (a.covar && !(cv = g5_pheno_read(a.covar, why, sizeof why)))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    size_t len = strlen(a.in);
    R.bed = len > 4 && !strcmp(a.in + len - 4, ".bed");
    R.hard = !a.dosage;
    ksprintf(&log, "genotypes: \"%s\", %d samples, %s\n", a.in, g5_geno_nsamples(g),
             a.dosage ? "dosages" : "hard calls (GT)");
    if (a.dosage) ksprintf(&log, "dosages: FORMAT/%s\n", a.dosage);
    ksprintf(&log, "phenotypes: \"%s\", %d samples, %d columns\n", a.pheno, ph->nrows, ph->ncols);
    if (cv) {
        R.cov_names = cv->name;
        ksprintf(&log, "covariates: \"%s\":", a.covar);
        for (int k = 0; k < cv->ncols; k++) ksprintf(&log, " %s", cv->name[k]);
        kputc('\n', &log);
    }
    if (match_samples(&R, g, ph, cv, &sel, &prow, &C, &log) < 0) goto done;
    if (g5_geno_select(g, R.ns, sel) < 0) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (check_covariates(&R, C) < 0 || pick_traits(&R, ph, prow) < 0 || make_groups(&R, ph, prow, C) < 0) goto done;
    if (a.policy) {
        if (g5_policy_read(a.policy, &R.policy, why, sizeof why) < 0
            || g5_ledger_lock(&R.policy, why, sizeof why) < 0
            || g5_ledger_read(&R.policy, &R.ledger, why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
        R.has_policy = 1;
        int before = R.ledger.n;
        if (check_sets(&R, ph, prow) < 0) goto done;
        const g5_policy_t *P = &R.policy;
        ksprintf(&log, "release policy: \"%s\" (sha256 %s): min_n %lld, min_mac %lld, min_maf %g, min_cases %lld, "
                 "min_controls %lld, min_set_difference %lld; ledger %s%s%s (%d sets before this run)\n", P->path,
                 P->digest, P->min_n, P->min_mac, P->min_maf, P->min_cases, P->min_controls, P->min_set_difference,
                 P->ledger ? "\"" : "", P->ledger ? P->ledger : "none", P->ledger ? "\"" : "", before);
    }
    ksprintf(&log, "filters: maf >= %g, mac >= %g, missing genotypes <= %g, HWE p >= %g%s, cases and controls >= %ld\n",
             a.maf, a.mac, a.geno, a.hwe, a.dosage ? " (not for dosages)" : "", a.min_cases);
    ksprintf(&log, "model: linear for quantitative traits; logistic for binary ones, Firth %s\n",
             a.firth == FIRTH_ALWAYS ? "always" : a.firth == FIRTH_NEVER ? "never" : "when the fit fails");

    int nrun = 0;
    for (int t = 0; t < R.ntraits; t++) {
        trait_t *T = &R.traits[t];
        if (!T->skip) {
            nrun++;
            continue;
        }
        if (a.strict) {
            g5_err(TOOL, "trait \"%s\": %s", T->name, T->skip);
            goto done;
        }
        g5_warn(TOOL, "trait \"%s\" skipped: %s", T->name, T->skip);
    }
    if (!nrun) {
        g5_err(TOOL, "no trait can be analysed (the reasons are above)");
        goto done;
    }
    if (enough_files(nrun) < 0) goto done;
    if (a.o.threads > 0) {
        if (!(pool.pool = hts_tpool_init(a.o.threads))) {
            g5_err(TOOL, "cannot start %d threads", a.o.threads);
            goto done;
        }
        pool.qsize = a.o.threads * 2;
    }
    for (int t = 0; t < R.ntraits; t++) {
        trait_t *T = &R.traits[t];
        if (T->skip) continue;
        kstring_t path = KS_INITIALIZE;
        ksprintf(&path, "%s.tsv.gz", T->prefix);
        T->ssf = g5_ssf_open(path.s, G5_SSF_BETA, T->type == G5_TRAIT_BINARY, why, sizeof why);
        free(path.s);
        if (!T->ssf || g5_ssf_keep(T->ssf, NTOP) < 0) {
            g5_err(TOOL, "%s", T->ssf ? strerror(errno) : why);
            goto done;
        }
    }

    R.geno = g;
    R.lines = g5_geno_lines(g);
    if (scan(&R, &pool) < 0) goto done;
    if (nothing_tested(&R)) goto done;
    ksprintf(&log, "variants: %lld read, %lld tested; left out: %lld on contigs other than 1-22, X, Y, MT, %lld with "
             "alleles other than A, C, G, T\n", R.nread, R.used, R.off_contig, R.bad_allele);
    if (R.has_policy && g5_ledger_write(&R.policy, &R.ledger, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    plotted = 1;
    if (finish_all(&R, ph, &pool) < 0) goto done;
    for (int t = 0; t < R.ntraits; t++) {
        trait_t *T = &R.traits[t];
        if (T->skip) continue;
        kputsn(T->tops.s ? T->tops.s : "", T->tops.l, &tops);
        if (a.o.verbosity >= 1)
            g5_info(TOOL, "%s: lambda %.4f, %lld variants tested", T->name, T->lambda, T->count[ST_OK]);
    }
    log_traits(&R, ph, &log);
    ksprintf(&log, "\n#top\tchromosome\tposition\teffect_allele\tother_allele\tbeta\tstandard_error\tp_value\n");
    kputsn(tops.s ? tops.s : "", tops.l, &log);
    kstring_t path = KS_INITIALIZE;
    ksprintf(&path, "%s.log", a.o.out);
    int r = g5_out_string(path.s, log.s, log.l);
    if (r < 0) g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
    free(path.s);
    if (r == 0) status = G5_EXIT_OK;

done:
    if (status != G5_EXIT_OK && plotted) remove_outputs(&R);
    free_run(&R);
    if (pool.pool) hts_tpool_destroy(pool.pool);
    if (plotted) g5_plot_cleanup();
    g5_geno_close(g);
    g5_pheno_free(ph);
    g5_pheno_free(cv);
    free(sel);
    free(prow);
    free(C);
    g5_ledger_free(&R.ledger);
    g5_policy_free(&R.policy);
    free(log.s);
    free(tops.s);
    free(a.cmdline);
    return status;
}
