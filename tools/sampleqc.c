/*
 * sampleqc.c -- g5 sampleqc: per-sample quality of a call set -- call rate,
 * heterozygosity and the inbreeding coefficient F (plink2 --het), Ts/Tv of
 * the variants each sample carries, and sex from X homozygosity and Y calls
 * against the declared sex (plink's --check-sex) -- with outliers flagged.
 *
 * One pass over the genotypes (libseq/geno, as g5 assoc and g5 kin read
 * them); memory holds a few counters per sample.
 *
 *   F = (O - E) / (N - E) over the autosomal biallelic variants that vary
 *   in the cohort and that the sample has a diploid call for: O homozygous
 *   calls, E the sum of 1 - 2 p (1 - p), p the ALT frequency among all
 *   samples, N the calls (plink2 --het without 'small-sample').
 *
 * Sex: the same F over X outside the pseudo-autosomal regions (a haploid
 * call counts as homozygous): above 0.8 male, below 0.2 female, else
 * ambiguous (plink's thresholds).  The PARs are cut by position, by the
 * union of GRCh37's and GRCh38's bounds (X:1-2781479 and 154931044 on), so
 * the rule holds on either assembly.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <htslib/kstring.h>

#include "cli.h"
#include "fmt.h"
#include "geno.h"
#include "out.h"
#include "progress.h"
#include "ssf.h"

static const char TOOL[] = "sampleqc";

#define PAR1_END 2781479        /* GRCh38's PAR1 end; GRCh37's is inside it */
#define PAR2_BEG 154931044      /* GRCh37's PAR2 start; GRCh38's is after it */

enum sex { SEX_NA = 0, SEX_MALE = 1, SEX_FEMALE = 2, SEX_AMBIGUOUS = 3 };
static const char *const sex_name[] = { "NA", "male", "female", "ambiguous" };

typedef struct args {
    g5_opts_t o;
    const char *in, *sex;
    double het_sd, male_f, female_f;
    int help;
    char *cmdline;
} args_t;

/* One sample's counts. */
typedef struct sample {
    long long called;           /* records with a call */
    long long het, hom, obs;    /* autosomal, for F */
    double e_hom;
    long long ts, tv;           /* SNVs it carries */
    long long x_hom, x_obs;     /* X outside the PARs, for the sex */
    double x_e_hom;
    long long y_called;
    int declared;               /* enum sex */
} sample_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 sampleqc [options] -o PREFIX GENOTYPES.vcf.gz|.bcf|.bed\n"
        "\n"
        "Per sample: call rate, heterozygosity and the inbreeding coefficient F (as\n"
        "plink2 --het), Ts/Tv of the SNVs it carries, and sex from X homozygosity and\n"
        "Y calls, checked against the declared sex; F outliers flagged.\n"
        "\n"
        "Options:\n"
        "      --sex FILE          declared sexes: TSV IID, SEX (1/M/male, 2/F/female,\n"
        "                          0/NA unknown) with a header line\n"
        "      --het-sd FLOAT      flag F beyond FLOAT standard deviations of the\n"
        "                          cohort's mean [3]\n"
        "      --male-f FLOAT      X F above which a sample is male [0.8]\n"
        "      --female-f FLOAT    X F below which a sample is female [0.2]\n"
        "Output:\n"
        "  -o, --output PREFIX     PREFIX.sampleqc.tsv, PREFIX.sampleqc_mqc.tsv\n"
        "                          (MultiQC custom content), PREFIX.log\n"
        "  -@, --threads INT       additional threads, to read [0]\n"
        "      --progress, --no-progress, --verbosity INT, -h, --help\n"
        "\n"
        "See g5-sampleqc(1).\n");
}

enum { OPT_SEX = G5_OPT_TOOL_BASE, OPT_HET_SD, OPT_MALE_F, OPT_FEMALE_F };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"sex", required_argument, NULL, OPT_SEX},
        {"het-sd", required_argument, NULL, OPT_HET_SD},
        {"male-f", required_argument, NULL, OPT_MALE_F},
        {"female-f", required_argument, NULL, OPT_FEMALE_F},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case OPT_SEX: a->sex = optarg; break;
        case OPT_HET_SD:
            if (g5_parse_double(optarg, 0, 1e6, &a->het_sd) < 0 || a->het_sd == 0)
                return g5_usage_error(TOOL, "--het-sd wants a number above 0, not \"%s\"", optarg);
            break;
        case OPT_MALE_F:
            if (g5_parse_double(optarg, -1, 1, &a->male_f) < 0)
                return g5_usage_error(TOOL, "--male-f wants an F in [-1, 1], not \"%s\"", optarg);
            break;
        case OPT_FEMALE_F:
            if (g5_parse_double(optarg, -1, 1, &a->female_f) < 0)
                return g5_usage_error(TOOL, "--female-f wants an F in [-1, 1], not \"%s\"", optarg);
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@ovp")) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (!strcmp(a->o.out, "-")) return g5_usage_error(TOOL, "an output prefix is needed: -o PREFIX");
    if (a->female_f > a->male_f)
        return g5_usage_error(TOOL, "--female-f %g is above --male-f %g", a->female_f, a->male_f);
    return g5_opts_one_input(&a->o, argc, argv, usage, &a->in);
}

/* --sex: one line's declared sex. */
static int take_sex(void *ctx, int sample, const char *v, int lineno, char *why, size_t nwhy)
{
    const args_t *a = ((void **)ctx)[0];
    sample_t *s = ((void **)ctx)[1];
    int sex = !strcmp(v, "1") || !strcasecmp(v, "M") || !strcasecmp(v, "male") ? SEX_MALE
            : !strcmp(v, "2") || !strcasecmp(v, "F") || !strcasecmp(v, "female") ? SEX_FEMALE
            : !strcmp(v, "0") || !strcasecmp(v, "NA") || !*v ? SEX_NA : -1;
    if (sex < 0)
        return g5_why(why, nwhy, "\"%s\" line %d, column 2: sex \"%s\" is none of 1/M/male, 2/F/female, 0/NA",
                      a->sex, lineno, v);
    s[sample].declared = sex;
    return 0;
}

static int is_transition(char r, char a)
{
    return (r == 'A' && a == 'G') || (r == 'G' && a == 'A') || (r == 'C' && a == 'T') || (r == 'T' && a == 'C');
}

static int snv_base(const char *b)
{
    return b[0] && !b[1] && strchr("ACGT", b[0]);
}

/* One record, into every sample's counts. */
static void count_variant(const g5_gvar_t *v, int n, sample_t *s)
{
    int code = g5_ssf_chrom_code(v->chrom);
    for (int i = 0; i < n; i++) s[i].called += v->ploidy[i] > 0;
    if (v->nalt != 1) return;   // F, Ts/Tv and sex from biallelic records
    int snv = snv_base(v->ref) && snv_base(v->alt), ts = snv && is_transition(v->ref[0], v->alt[0]);
    double p = v->an > 0 ? v->ac / v->an : 0, e = 1 - 2 * p * (1 - p);
    int varies = v->ac > 0 && v->ac < v->an;
    for (int i = 0; i < n; i++) {
        double x = v->x[i];
        int pl = v->ploidy[i];
        if (!pl) continue;
        if (snv && x > 0) {
            if (ts) s[i].ts++;
            else s[i].tv++;
        }
        if (code >= 1 && code <= 22) {
            if (!varies || pl != 2) continue;
            int hom = x == 0 || x == 2;
            s[i].obs++;
            s[i].hom += hom;
            s[i].het += !hom;
            s[i].e_hom += e;
        } else if (code == 23) {
            if (!varies || v->pos + 1 <= PAR1_END || v->pos + 1 >= PAR2_BEG) continue;
            s[i].x_obs++;
            s[i].x_hom += pl == 1 || x == 0 || x == (double)pl;
            s[i].x_e_hom += e;
        } else if (code == 24) {
            s[i].y_called++;
        }
    }
}

static double f_of(long long hom, double e, long long obs)
{
    return obs > 0 && obs - e != 0 ? (hom - e) / (obs - e) : NAN;
}

typedef struct report {
    const args_t *a;
    g5_geno_t *g;
    const sample_t *s;
    int n;
    long long records;
    const double *f;
    const int *outlier, *inferred;
    const char *const *check;
} report_t;

/* The table: the same rows for the TSV and for MultiQC. */
static void table(kstring_t *k, const report_t *r)
{
    kputs("sample\tn_records\tn_called\tcall_rate\tn_het\thet_rate\tO_HOM\tE_HOM\tOBS_CT\tF\thet_outlier\tn_ts\tn_tv"
          "\tts_tv\tx_obs\tx_F\ty_called\tinferred_sex\tdeclared_sex\tsex_check\n", k);
    for (int i = 0; i < r->n; i++) {
        const sample_t *s = &r->s[i];
        ksprintf(k, "%s\t%lld\t%lld\t", g5_geno_sample(r->g, i), r->records, s->called);
        g5_fmt_kput(k, r->records ? (double)s->called / r->records : NAN, 7);
        ksprintf(k, "\t%lld\t", s->het);
        g5_fmt_kput(k, s->obs ? (double)s->het / s->obs : NAN, 7);
        ksprintf(k, "\t%lld\t", s->hom);
        g5_fmt_kput(k, s->e_hom, 7);
        ksprintf(k, "\t%lld\t", s->obs);
        g5_fmt_kput(k, r->f[i], 7);
        ksprintf(k, "\t%s\t%lld\t%lld\t", r->outlier[i] ? "yes" : "no", s->ts, s->tv);
        g5_fmt_kput(k, s->tv ? (double)s->ts / s->tv : NAN, 7);
        ksprintf(k, "\t%lld\t", s->x_obs);
        g5_fmt_kput(k, f_of(s->x_hom, s->x_e_hom, s->x_obs), 7);
        ksprintf(k, "\t%lld\t%s\t%s\t%s\n", s->y_called, sex_name[r->inferred[i]], sex_name[s->declared],
                 r->check[i]);
    }
}

static int write_tsv(FILE *fp, void *ctx)
{
    const report_t *r = ctx;
    kstring_t k = KS_INITIALIZE;
    table(&k, r);
    int ok = g5_prov_tsv(fp, TOOL, r->a->cmdline) == 0 && fwrite(k.s, 1, k.l, fp) == k.l;
    free(k.s);
    return ok ? 0 : -1;
}

static int write_mqc(FILE *fp, void *ctx)
{
    const report_t *r = ctx;
    kstring_t k = KS_INITIALIZE;
    kputs("# id: 'g5_sampleqc'\n"
          "# section_name: 'g5 sampleqc'\n"
          "# description: 'per-sample call rate, heterozygosity, inbreeding F, Ts/Tv and sex check (g5 sampleqc)'\n"
          "# plot_type: 'table'\n", &k);
    table(&k, r);
    int ok = fwrite(k.s, 1, k.l, fp) == k.l;
    free(k.s);
    return ok ? 0 : -1;
}

int main_sampleqc(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.het_sd = 3;
    a.male_f = 0.8;
    a.female_f = 0.2;
    g5_geno_t *g = NULL;
    sample_t *s = NULL;
    double *f = NULL;
    int *outlier = NULL, *inferred = NULL;
    const char **check = NULL;
    kstring_t log = KS_INITIALIZE, path = KS_INITIALIZE;
    char why[1024];
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;
    if (!(a.cmdline = g5_cmdline(argc, argv))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (!(g = g5_geno_open(a.in, NULL, a.o.threads, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    int n = g5_geno_nsamples(g);
    if (n < 1) {
        g5_err(TOOL, "\"%s\" has no sample", a.in);
        goto done;
    }
    s = calloc(n, sizeof *s);
    f = malloc(n * sizeof *f);
    outlier = calloc(n, sizeof *outlier);
    inferred = calloc(n, sizeof *inferred);
    check = calloc(n, sizeof *check);
    if (!s || !f || !outlier || !inferred || !check) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    void *sex_ctx[2] = { &a, s };
    if (a.sex && g5_geno_table(g, a.sex, "sex", take_sex, sex_ctx, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }

    g5_progress_t progress;
    g5_progress_start(&progress, TOOL, "records", a.o.progress, 0);
    long long records = 0, multi = 0;
    const g5_gvar_t *v;
    int r;
    while ((r = g5_geno_next(g, &v)) == 1) {
        if (v->ialt > 1) continue;      // a record once, by its first ALT
        records++;
        multi += v->nalt > 1;
        g5_progress_add(&progress, 1);
        count_variant(v, n, s);
    }
    g5_progress_done(&progress);
    if (r < 0) {
        g5_err(TOOL, "%s", g5_geno_why(g));
        goto done;
    }
    if (!records) {
        g5_err(TOOL, "\"%s\" has no variant record", a.in);
        goto done;
    }

    // F and its outliers; sex and its check
    double sum = 0, sum2 = 0;
    int nf = 0;
    for (int i = 0; i < n; i++) {
        f[i] = f_of(s[i].hom, s[i].e_hom, s[i].obs);
        if (isnan(f[i])) continue;
        sum += f[i];
        sum2 += f[i] * f[i];
        nf++;
    }
    double mean = nf ? sum / nf : NAN, sd = nf > 1 ? sqrt(fmax(0, (sum2 - sum * sum / nf) / (nf - 1))) : NAN;
    int noutliers = 0, problems = 0, by_sex[4] = { 0 };
    for (int i = 0; i < n; i++) {
        outlier[i] = sd > 0 && fabs(f[i] - mean) > a.het_sd * sd;
        noutliers += outlier[i];
        double xf = f_of(s[i].x_hom, s[i].x_e_hom, s[i].x_obs);
        inferred[i] = isnan(xf) ? SEX_NA : xf > a.male_f ? SEX_MALE : xf < a.female_f ? SEX_FEMALE : SEX_AMBIGUOUS;
        by_sex[inferred[i]]++;
        check[i] = s[i].declared == SEX_NA ? "NA" : s[i].declared == inferred[i] ? "OK" : "PROBLEM";
        problems += !strcmp(check[i], "PROBLEM");
    }
    if (noutliers == 0 && nf < 3 && a.o.verbosity >= 1)
        g5_warn(TOOL, "%d samples with an F: too few for outliers", nf);

    report_t rep = { &a, g, s, n, records, f, outlier, inferred, check };
    ksprintf(&path, "%s.sampleqc.tsv", a.o.out);
    if (g5_out_text(path.s, write_tsv, &rep) < 0) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    path.l = 0;
    ksprintf(&path, "%s.sampleqc_mqc.tsv", a.o.out);
    if (g5_out_text(path.s, write_mqc, &rep) < 0) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    g5_prov_kput(&log, TOOL, a.cmdline);
    ksprintf(&log, "samples: %d in \"%s\"%s\n", n, a.in, a.sex ? ", sexes declared in --sex" : "");
    ksprintf(&log, "records: %lld (%lld multiallelic: in the call rate only)\n", records, multi);
    ksprintf(&log, "F: mean %.4f, sd %.4f over %d samples; %d beyond %g sd\n", mean, sd, nf, noutliers, a.het_sd);
    ksprintf(&log, "sex from X: %d male, %d female, %d ambiguous, %d without X calls; %d not as declared\n",
             by_sex[SEX_MALE], by_sex[SEX_FEMALE], by_sex[SEX_AMBIGUOUS], by_sex[SEX_NA], problems);
    path.l = 0;
    ksprintf(&path, "%s.log", a.o.out);
    if (g5_out_string(path.s, log.s, log.l) < 0) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    if (a.o.verbosity >= 1)
        g5_info(TOOL, "%d samples, %lld records; %d F outliers; sex: %d male, %d female, %d ambiguous, %d not as "
                "declared", n, records, noutliers, by_sex[SEX_MALE], by_sex[SEX_FEMALE], by_sex[SEX_AMBIGUOUS],
                problems);
    status = G5_EXIT_OK;
done:
    g5_geno_close(g);
    free(s);
    free(f);
    free(outlier);
    free(inferred);
    free(check);
    free(log.s);
    free(path.s);
    free(a.cmdline);
    return status;
}
