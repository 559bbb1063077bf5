/*
 * pca.c -- g5 pca: principal components of a cohort (plink2 --pca's exact
 * computation, with mean imputation), variant loadings for projecting the
 * samples of another centre onto the same axes, and that projection
 * (--project) without recomputing anything.
 *
 * Genotypes come through libseq/geno (as for g5 assoc and g5 kin); the
 * relationship matrix and its eigenvectors are libseq/pca's.  The loadings
 * need the eigenvectors, so the genotypes are read twice: the matrix first,
 * the loadings second.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>

#include "cli.h"
#include "fmt.h"
#include "geno.h"
#include "ldprune.h"
#include "out.h"
#include "pca.h"
#include "plot.h"
#include "progress.h"

static const char TOOL[] = "pca";

/* Above this many samples the n x n matrix is large (200 MB) and slow to
 * decompose, and the randomized method takes over (plink2's advice too). */
#define APPROX_ABOVE 5000

KHASH_MAP_INIT_STR(var, int)

typedef struct args {
    g5_opts_t o;
    const char *in, *project, *labels, *dosage;
    int k, approx;
    double maf, geno;
    int prune_window, prune_step;   /* --prune; window 0: none */
    double prune_r2;
    g5_outset_t *outs;      /* the outputs in place so far: removed if the run fails */
    int help;
    char *cmdline;
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 pca [-k INT] [options] -o PREFIX GENOTYPES.vcf.gz|.bcf|.bed\n"
        "       g5 pca --project PREFIX.loadings [options] -o PREFIX2 NEW.vcf.gz\n"
        "\n"
        "Top principal components of the standardised genotypes (biallelic diploid\n"
        "hard calls; a missing call is the mean), as plink2 --pca meanimpute: their\n"
        "eigenvectors and eigenvalues, and variant loadings with which --project puts\n"
        "the samples of another file on the same axes.\n"
        "\n"
        "Options:\n"
        "  -k INT                  components [10]\n"
        "      --maf FLOAT         variants with a minor allele frequency at least\n"
        "                          FLOAT [0: every variant that varies]\n"
        "      --geno FLOAT        variants with at most FLOAT of the samples without a\n"
        "                          call [1]\n"
        "      --prune W,S,R2      first prune variants in linkage disequilibrium, as\n"
        "                          plink's --indep-pairwise W S R2 (windows of W\n"
        "                          variants moved S at a time) [off]\n"
        "      --dosage FIELD      dosages from FORMAT/FIELD (e.g. DS) instead of GT\n"
        "      --approx            the randomized method (automatic above 5000 samples,\n"
        "                          with hard calls)\n"
        "      --project FILE      project onto the loadings FILE (of an earlier run)\n"
        "      --labels FILE       colour the PC1/PC2 plot by label: TSV IID, LABEL\n"
        "                          with a header line\n"
        "Output:\n"
        "  -o, --output PREFIX     PREFIX.eigenvec, PREFIX.eigenval, PREFIX.loadings\n"
        "                          (plink2's formats), PREFIX.pca.png|svg (PC1 and\n"
        "                          PC2), PREFIX.log; with --project PREFIX.eigenvec,\n"
        "                          the plot and PREFIX.log\n"
        "  -@, --threads INT       additional threads, to read [0]\n"
        "  -m, --memory SIZE       memory budget [2G]: the samples' n x n matrix\n"
        "      --progress, --no-progress, --verbosity INT, -h, --help\n"
        "\n"
        "See g5-pca(1).\n");
}

enum { OPT_MAF = G5_OPT_TOOL_BASE, OPT_GENO, OPT_PROJECT, OPT_LABELS, OPT_APPROX, OPT_PRUNE, OPT_DOSAGE };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"maf", required_argument, NULL, OPT_MAF},
        {"geno", required_argument, NULL, OPT_GENO},
        {"project", required_argument, NULL, OPT_PROJECT},
        {"labels", required_argument, NULL, OPT_LABELS},
        {"approx", no_argument, NULL, OPT_APPROX},
        {"prune", required_argument, NULL, OPT_PRUNE},
        {"dosage", required_argument, NULL, OPT_DOSAGE},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    long k;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:m:k:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case 'k':
            if (g5_parse_long(optarg, 1, 1000, &k) < 0)
                return g5_usage_error(TOOL, "-k wants a number of components from 1 to 1000, not \"%s\"", optarg);
            a->k = (int)k;
            break;
        case OPT_PROJECT: a->project = optarg; break;
        case OPT_LABELS: a->labels = optarg; break;
        case OPT_APPROX: a->approx = 1; break;
        case OPT_DOSAGE: a->dosage = optarg; break;
        case OPT_PRUNE: {
            char *w = strdup(optarg), *st = w ? strchr(w, ',') : NULL, *r2 = st ? strchr(st + 1, ',') : NULL;
            long win, step;
            int bad = !r2;
            if (!bad) {
                *st++ = 0;
                *r2++ = 0;
                bad = g5_parse_long(w, 2, 1000000, &win) < 0 || g5_parse_long(st, 1, win, &step) < 0
                   || g5_parse_double(r2, 0, 1, &a->prune_r2) < 0;
            }
            free(w);
            if (bad)
                return g5_usage_error(TOOL, "--prune wants WINDOW,STEP,R2 (e.g. 50,5,0.2: a window of 2 or more "
                                      "variants, a step up to the window, r^2 in [0, 1]), not \"%s\"", optarg);
            a->prune_window = (int)win;
            a->prune_step = (int)step;
            break;
        }
        case OPT_MAF:
            if (g5_parse_double(optarg, 0, 0.5, &a->maf) < 0)
                return g5_usage_error(TOOL, "--maf wants a frequency in [0, 0.5], not \"%s\"", optarg);
            break;
        case OPT_GENO:
            if (g5_parse_double(optarg, 0, 1, &a->geno) < 0)
                return g5_usage_error(TOOL, "--geno wants a fraction in [0, 1], not \"%s\"", optarg);
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@omvp")) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (!strcmp(a->o.out, "-")) return g5_usage_error(TOOL, "an output prefix is needed: -o PREFIX");
    if (a->approx && a->dosage)
        return g5_usage_error(TOOL, "--approx keeps a byte per hard call: it does not take --dosage");
    return g5_opts_one_input(&a->o, argc, argv, usage, &a->in);
}

/* The variants the components are made of, counted by why the others are not. */
typedef struct counts {
    long long read, multi, nondiploid, callrate, rare, mono, pruned, used;
    const char *keep;       /* --prune's verdict per candidate variant, or NULL */
    long long candidate;    /* the next candidate's number */
} counts_t;

/* @return the variant's ALT frequency if it is used, 0 for a variant with
 * one allele (it counts in M), else -1 (counted) */
static double use_variant(const args_t *a, const g5_gvar_t *v, int n, counts_t *c)
{
    c->read++;
    switch (g5_gvar_filter(v, n, a->geno, a->maf)) {
    case G5_GVAR_MULTIALLELIC: return c->multi++, -1;
    case G5_GVAR_NOT_DIPLOID: return c->nondiploid++, -1;
    case G5_GVAR_CALLS: return c->callrate++, -1;
    case G5_GVAR_MAF: return c->rare++, -1;
    }
    double p = v->ac / v->an;
    if (p <= 0 || p >= 1) return c->mono++, 0;
    if (c->keep && !c->keep[c->candidate++]) return c->pruned++, -1;
    c->used++;
    return p;
}

/* PREFIX.eigenvec: plink2's columns, #IID then PC1..PCk. */
static int write_eigenvec(const args_t *a, g5_geno_t *g, int n, int k, const double *u, int by_sample)
{
    kstring_t s = KS_INITIALIZE, path = KS_INITIALIZE;
    g5_prov_kput(&s, TOOL, a->cmdline);     // plink2 reads past it
    kputs("#IID", &s);
    for (int c = 0; c < k; c++) ksprintf(&s, "\tPC%d", c + 1);
    kputc('\n', &s);
    for (int i = 0; i < n; i++) {
        kputs(g5_geno_sample(g, i), &s);
        for (int c = 0; c < k; c++) {
            kputc('\t', &s);
            g5_fmt_kput(&s, by_sample ? u[(size_t)i * k + c] : u[(size_t)c * n + i], 7);
        }
        kputc('\n', &s);
    }
    ksprintf(&path, "%s.eigenvec", a->o.out);
    int r = g5_out_string(path.s, s.s, s.l);
    if (r == 0) r = g5_outset_add(a->outs, path.s);
    if (r < 0) g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
    free(s.s);
    free(path.s);
    return r;
}

/* PREFIX.pca.png|svg: PC1 against PC2 (k >= 2), coloured by --labels:
 * groups in the order the label file first names them, samples it does not
 * name in a last group, NA.  @return 0, or -1 after reporting */
static int plot(const args_t *a, g5_geno_t *g, int n, int k, const double *u, int by_sample)
{
    if (k < 2) return 0;
    int status = -1, ngroups = 0, *group = NULL;
    char **names = NULL, why[512];
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    kstring_t path = KS_INITIALIZE;
    if (!x || !y || !(group = calloc(n, sizeof *group))) goto oom;
    for (int i = 0; i < n; i++) {
        x[i] = by_sample ? u[(size_t)i * k] : u[i];
        y[i] = by_sample ? u[(size_t)i * k + 1] : u[(size_t)n + i];
    }
    if (a->labels) {
        if (g5_geno_groups(g, a->labels, "label", group, &names, &ngroups, why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
        int unlabelled = 0;
        for (int i = 0; i < n; i++) unlabelled |= group[i] < 0;
        if (unlabelled) {
            char **more = realloc(names, (ngroups + 1) * sizeof *more);
            if (!more) goto oom;
            names = more;
            if (!(names[ngroups] = strdup("NA"))) goto oom;
            for (int i = 0; i < n; i++) if (group[i] < 0) group[i] = ngroups;
            ngroups++;
        }
    }
    ksprintf(&path, "%s.pca", a->o.out);
    if (g5_plot_scatter(path.s, G5_PLOT_PNG | G5_PLOT_SVG, a->project ? "projected" : NULL, "PC1", "PC2", x, y, n,
                        a->labels ? group : NULL, ngroups, a->labels ? (const char *const *)names : NULL, why,
                        sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    path.l = 0;
    ksprintf(&path, "%s.pca.png", a->o.out);
    if (g5_outset_add(a->outs, path.s) < 0) goto oom;
    path.l = 0;
    ksprintf(&path, "%s.pca.svg", a->o.out);
    if (g5_outset_add(a->outs, path.s) < 0) goto oom;
    status = 0;
    goto done;
oom:
    g5_err(TOOL, "out of memory");
done:
    free(path.s);
    free(x);
    free(y);
    free(group);
    for (int i = 0; names && i < ngroups; i++) free(names[i]);
    free(names);
    return status;
}

static void log_counts(kstring_t *log, const counts_t *c)
{
    ksprintf(log, "variants: %lld read, %lld used (and %lld monomorphic, which count in M as in plink2); left out: "
             "%lld multiallelic, %lld with calls that are not diploid, %lld over --geno, %lld under --maf, %lld "
             "pruned\n", c->read, c->used, c->mono, c->multi, c->nondiploid, c->callrate, c->rare, c->pruned);
}

/* One loadings line: the variant's name, its frequency, then per PC
 * w = z . u / (lambda M). */
static void put_loading(kstring_t *s, const char *name, double p, const double *z, int n, int k, const double *u,
                        const double *values, double m, double *w)
{
    cblas_dgemv(CblasColMajor, CblasTrans, n, k, 1.0, u, n, z, 1, 0.0, w, 1);     // w = U'z
    kputs(name, s);
    kputc('\t', s);
    g5_fmt_kput(s, p, 15);
    for (int j = 0; j < k; j++) {
        kputc('\t', s);
        g5_fmt_kput(s, w[j] / (values[j] * m), 15);
    }
    kputc('\n', s);
}

/* The pruner's final verdicts, appended to keep.  @return 0, or -1 (out of memory) */
static int take_verdicts(g5_ldprune_t *pr, char **keep, long long *m, long long *cap)
{
    int kept;
    for (;;) {
        if (*m == *cap) {
            long long more = *cap ? 2 * *cap : 65536;
            char *k2 = realloc(*keep, more);
            if (!k2) return -1;
            *keep = k2;
            *cap = more;
        }
        if (!g5_ldprune_next(pr, &kept)) return 0;
        (*keep)[(*m)++] = (char)kept;
    }
}

/* --prune: a reading of its own, the verdict on each candidate variant (in
 * the order use_variant meets them) into *keep; the reader is opened again
 * for the readings that follow.  @return 0, or -1 after reporting */
static int prune(const args_t *a, g5_geno_t **g, int n, char **keep)
{
    char why[1024];
    g5_ldprune_t *pr = g5_ldprune_init(n, a->prune_window, a->prune_step, a->prune_r2);
    counts_t c = { 0 };
    long long m = 0, cap = 0;
    int contig = -1, r, status = -1;
    kstring_t last = KS_INITIALIZE;
    const g5_gvar_t *v;
    if (!pr) goto oom;
    while ((r = g5_geno_next(*g, &v)) == 1) {
        if (use_variant(a, v, n, &c) <= 0) continue;
        if (!last.s || strcmp(last.s, v->chrom)) {
            contig++;
            last.l = 0;
            kputs(v->chrom, &last);
        }
        if (g5_ldprune_add(pr, contig, v->x, v->ac / v->an) < 0) goto oom;
        if (take_verdicts(pr, keep, &m, &cap) < 0) goto oom;
    }
    if (r < 0) {
        g5_err(TOOL, "%s", g5_geno_why(*g));
        goto done;
    }
    g5_ldprune_finish(pr);
    if (take_verdicts(pr, keep, &m, &cap) < 0) goto oom;
    g5_geno_close(*g);
    if (!(*g = g5_geno_open(a->in, a->dosage, a->o.threads, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    status = 0;
    goto done;
oom:
    g5_err(TOOL, "out of memory");
done:
    g5_ldprune_free(pr);
    free(last.s);
    return status;
}

/* The components of IN, and their loadings. */
static int compute(const args_t *a, kstring_t *log)
{
    char why[1024];
    int status = -1, k = a->k;
    g5_geno_t *g = NULL;
    g5_grm_t *grm = NULL;
    g5_gcodes_t *codes = NULL;
    char *keep = NULL;
    kstring_t names = KS_INITIALIZE, offsets = KS_INITIALIZE;     /* the kept variants' names */
    double *values = NULL, *u = NULL, *z = NULL, *w = NULL;
    g5_out_t *lo = NULL;
    kstring_t path = KS_INITIALIZE, s = KS_INITIALIZE;
    counts_t c = { 0 };
    if (!(g = g5_geno_open(a->in, a->dosage, a->o.threads, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    int n = g5_geno_nsamples(g);
    if (n <= k) {
        g5_err(TOOL, "\"%s\" has %d samples: %d components need more than %d", a->in, n, k, k);
        goto done;
    }
    size_t budget = a->o.memory ? a->o.memory : (size_t)2 << 30;
    int approx = a->approx || (n > APPROX_ABOVE && !a->dosage);
    if (!approx && g5_grm_bytes(n) > budget) {
        g5_err(TOOL, "-m %zuM is too small for %d samples: their %d x %d matrix takes %zuM (or --approx)",
               budget >> 20, n, n, n, (g5_grm_bytes(n) >> 20) + 1);
        goto done;
    }
    // the calls are kept (a byte each, with the variants' names) for the
    // loadings, so that the file is read once, while they fit in the budget
    // (the randomized method needs them); otherwise read again
    size_t kept_budget = approx ? budget : budget - g5_grm_bytes(n);
    if ((!a->dosage && !(codes = g5_gcodes_init(n))) || (!approx && !(grm = g5_grm_init(n, a->o.threads))) || !(values = malloc(k * sizeof *values))
        || !(u = malloc((size_t)n * k * sizeof *u)) || !(z = malloc(n * sizeof *z)) || !(w = malloc(k * sizeof *w))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    const g5_gvar_t *v;
    int r;
    if (a->prune_window && prune(a, &g, n, &keep) < 0) goto done;
    c.keep = keep;
    g5_progress_t progress;
    g5_progress_start(&progress, TOOL, "variants", a->o.progress, 0);
    while ((r = g5_geno_next(g, &v)) == 1) {
        g5_progress_add(&progress, 1);
        double p = use_variant(a, v, n, &c);
        if (p > 0 && codes) {
            size_t at = names.l;
            ksprintf(&names, "%s\t%lld\t%s\t%s\t%s", v->chrom, (long long)v->pos + 1, v->id, v->ref, v->alt);
            if (g5_gcodes_add(codes, v->x, p) < 0 || kputc(0, &names) < 0 || kputll((long long)at, &offsets) < 0
                || kputc(' ', &offsets) < 0 || g5_gcodes_bytes(codes) + names.m + offsets.m > kept_budget) {
                if (approx) {
                    g5_err(TOOL, "the randomized method keeps a byte per call: %lld variants of %d samples do not "
                           "fit in -m %zuM", g5_gcodes_count(codes), n, budget >> 20);
                    goto done;
                }
                g5_gcodes_free(codes);
                codes = NULL;
                free(names.s);
                free(offsets.s);
                names = offsets = (kstring_t)KS_INITIALIZE;
            }
        }
        if (p > 0 && !approx) g5_grm_add(grm, v->x, p);
        else if (p == 0 && !approx) g5_grm_add_constant(grm);
    }
    g5_progress_done(&progress);
    if (r < 0) {
        g5_err(TOOL, "%s", g5_geno_why(g));
        goto done;
    }
    if (c.used == 0) {
        g5_err(TOOL, "\"%s\": no variant left to compute components from (%lld read: %lld multiallelic, %lld not "
               "diploid, %lld over --geno, %lld monomorphic, %lld under --maf)", a->in, c.read, c.multi,
               c.nondiploid, c.callrate, c.mono, c.rare);
        goto done;
    }
    // M counts the monomorphic variants, as plink2's
    long long mtotal = c.used + c.mono;
    if (approx ? g5_pca_randomized(codes, mtotal, k, 10, values, u) < 0 : g5_grm_eigen(grm, k, values, u) < 0) {
        g5_err(TOOL, "the eigenvectors of the %d x %d matrix could not be computed (LAPACK)", n, n);
        goto done;
    }


    ksprintf(&path, "%s.loadings", a->o.out);
    FILE *fp;
    if (!(lo = g5_out_open(path.s)) || !(fp = g5_out_stream(lo))) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    g5_prov_kput(&s, TOOL, a->cmdline);
    kputs("#CHROM\tPOS\tID\tREF\tALT\tALT_FREQ", &s);
    for (int j = 0; j < k; j++) ksprintf(&s, "\tPC%d", j + 1);
    kputc('\n', &s);
    double m = (double)mtotal;
    if (codes) {        // the calls kept in memory
        char *at = offsets.s;
        for (long long i = 0; i < g5_gcodes_count(codes); i++) {
            long long off = strtoll(at, &at, 10);
            double p = g5_gcodes_standardize(codes, i, z);
            put_loading(&s, names.s + off, p, z, n, k, u, values, m, w);
            if (s.l >= 1 << 16) {
                fwrite(s.s, 1, s.l, fp);
                s.l = 0;
            }
        }
    } else {            // a second reading, the same variants
        g5_geno_close(g);
        if (!(g = g5_geno_open(a->in, a->dosage, a->o.threads, why, sizeof why))) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
        counts_t again = { .keep = keep };
        while ((r = g5_geno_next(g, &v)) == 1) {
            double p = use_variant(a, v, n, &again);
            if (p <= 0) continue;
            g5_pca_standardize(v->x, n, p, z);
            names.l = 0;
            ksprintf(&names, "%s\t%lld\t%s\t%s\t%s", v->chrom, (long long)v->pos + 1, v->id, v->ref, v->alt);
            put_loading(&s, names.s, p, z, n, k, u, values, m, w);
            if (s.l >= 1 << 16) {
                fwrite(s.s, 1, s.l, fp);
                s.l = 0;
            }
        }
        if (r < 0) {
            g5_err(TOOL, "%s", g5_geno_why(g));
            goto done;
        }
        if (again.used != c.used) {
            g5_err(TOOL, "\"%s\" changed between its two readings (%lld variants, then %lld)", a->in, c.used,
                   again.used);
            goto done;
        }
    }
    fwrite(s.s, 1, s.l, fp);
    if (plot(a, g, n, k, u, 0) < 0 || write_eigenvec(a, g, n, k, u, 0) < 0) goto done;
    s.l = 0;
    for (int j = 0; j < k; j++) {
        g5_fmt_kput(&s, values[j], 7);
        kputc('\n', &s);
    }
    path.l = 0;
    ksprintf(&path, "%s.eigenval", a->o.out);
    if (g5_out_string(path.s, s.s, s.l) < 0 || g5_outset_add(a->outs, path.s) < 0) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    path.l = 0;
    ksprintf(&path, "%s.loadings", a->o.out);
    int rc = g5_out_commit(lo);
    lo = NULL;
    if (rc == 0) rc = g5_outset_add(a->outs, path.s);
    if (rc < 0) {
        g5_err_errno(TOOL, "cannot write the loadings of \"%s\"", a->o.out);
        goto done;
    }
    ksprintf(log, "samples: %d in \"%s\"\n", n, a->in);
    log_counts(log, &c);
    ksprintf(log, "components: %d, %s; eigenvalues", k, approx ? "randomized (subspace iteration, 10 steps)"
             : "exact");
    for (int j = 0; j < k; j++) ksprintf(log, " %.6g", values[j]);
    kputc('\n', log);
    status = 0;
done:
    g5_out_abort(lo);
    g5_geno_close(g);
    g5_grm_free(grm);
    g5_gcodes_free(codes);
    free(names.s);
    free(offsets.s);
    free(keep);
    free(values);
    free(u);
    free(z);
    free(w);
    free(path.s);
    free(s.s);
    return status;
}

/* The samples of IN on the axes of a loadings file. */
static int project(const args_t *a, kstring_t *log)
{
    char why[1024];
    int status = -1, k = 0, nvar = 0, mvar = 0, lineno = 0;
    khash_t(var) *index = kh_init(var);
    double *freq = NULL, *w = NULL, *score = NULL, *z = NULL;
    int *chain = NULL;      /* per loadings line: the previous line of the same variant, or -1 */
    g5_geno_t *g = NULL;
    FILE *fp = fopen(a->project, "r");
    char *line = NULL;
    size_t mline = 0;
    ssize_t len;
    kstring_t key = KS_INITIALIZE;
    if (!fp) {
        g5_err_errno(TOOL, "cannot read \"%s\"", a->project);
        goto done;
    }
    int header = 0;
    while ((len = getline(&line, &mline, fp)) >= 0) {
        lineno++;
        if (!header && !strncmp(line, "# ", 2)) continue;      // provenance
        if (len > 0 && line[len - 1] != '\n') {
            g5_err(TOOL, "\"%s\" line %d: the file ends inside the line (cut short?)", a->project, lineno);
            goto done;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        char *f[1006];
        int nf = 0;
        for (char *p = line; p && nf < 1006; nf++) {
            f[nf] = p;
            if ((p = strchr(p, '\t'))) *p++ = 0;
        }
        if (!header++) {
            if (nf < 7 || strcmp(f[0], "#CHROM") || strcmp(f[5], "ALT_FREQ")) {
                g5_err(TOOL, "\"%s\" is not a g5 pca loadings file (its header: #CHROM POS ID REF ALT ALT_FREQ PC1...)",
                       a->project);
                goto done;
            }
            k = nf - 6;
            continue;
        }
        if (nf != k + 6) {
            g5_err(TOOL, "\"%s\" line %d: %d columns, %d expected", a->project, lineno, nf, k + 6);
            goto done;
        }
        if (nvar == mvar) {
            mvar = mvar ? 2 * mvar : 4096;
            double *nf2 = realloc(freq, mvar * sizeof *freq), *nw = nf2 ? realloc(w, (size_t)mvar * k * sizeof *w) : NULL;
            int *nc = nw ? realloc(chain, mvar * sizeof *chain) : NULL;
            if (nf2) freq = nf2;
            if (nw) w = nw;
            if (nc) chain = nc;
            if (!nf2 || !nw || !nc) {
                g5_err(TOOL, "out of memory");
                goto done;
            }
        }
        char *end;
        freq[nvar] = strtod(f[5], &end);
        int bad = *end || !(freq[nvar] > 0 && freq[nvar] < 1);
        for (int j = 0; j < k && !bad; j++) {
            w[(size_t)nvar * k + j] = strtod(f[6 + j], &end);
            bad = *end || !isfinite(w[(size_t)nvar * k + j]);
        }
        if (bad) {
            g5_err(TOOL, "\"%s\" line %d: a frequency or loading that is not a number", a->project, lineno);
            goto done;
        }
        key.l = 0;
        ksprintf(&key, "%s:%s:%s:%s", f[0], f[1], f[3], f[4]);
        // a variant listed twice (a file with a record twice) counts twice,
        // as it did in the components: a chain of its lines
        int absent;
        khint_t it = kh_put(var, index, key.s, &absent);
        if (absent) {
            kh_key(index, it) = ks_release(&key);
            chain[nvar] = -1;
        } else {
            chain[nvar] = kh_val(index, it);
        }
        kh_val(index, it) = nvar++;
    }
    if (k == 0 || nvar == 0) {
        g5_err(TOOL, "\"%s\" holds no loadings", a->project);
        goto done;
    }
    if (!(g = g5_geno_open(a->in, a->dosage, a->o.threads, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    int n = g5_geno_nsamples(g);
    if (!(score = calloc((size_t)n * k, sizeof *score)) || !(z = malloc((n + 1) * sizeof *z))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    long long read = 0, matched = 0, flipped = 0;
    const g5_gvar_t *v;
    int r;
    while ((r = g5_geno_next(g, &v)) == 1) {
        read++;
        if (v->nalt != 1) continue;
        // the same variant, or its alleles the other way round
        int flip = 0;
        key.l = 0;
        ksprintf(&key, "%s:%lld:%s:%s", v->chrom, (long long)v->pos + 1, v->ref, v->alt);
        khint_t it = kh_get(var, index, key.s);
        if (it == kh_end(index)) {
            key.l = 0;
            ksprintf(&key, "%s:%lld:%s:%s", v->chrom, (long long)v->pos + 1, v->alt, v->ref);
            it = kh_get(var, index, key.s);
            flip = 1;
        }
        if (it == kh_end(index)) continue;
        for (int idx = kh_val(index, it); idx >= 0; idx = chain[idx]) {
            for (int i = 0; i < n; i++) {
                double x = v->ploidy[i] == 2 ? v->x[i] : NAN;      // diploid calls, as the loadings
                z[i] = flip && !isnan(x) ? 2 - x : x;
            }
            g5_pca_standardize(z, n, freq[idx], z);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < k; j++) score[(size_t)i * k + j] += z[i] * w[(size_t)idx * k + j];
        }
        matched++;
        flipped += flip;
    }
    if (r < 0) {
        g5_err(TOOL, "%s", g5_geno_why(g));
        goto done;
    }
    if (!matched) {
        g5_err(TOOL, "\"%s\" shares no variant with \"%s\"", a->in, a->project);
        goto done;
    }
    if (plot(a, g, n, k, score, 1) < 0 || write_eigenvec(a, g, n, k, score, 1) < 0) goto done;
    ksprintf(log, "samples: %d in \"%s\"\nloadings: %d variants, %d components in \"%s\"\n", n, a->in, nvar, k,
             a->project);
    ksprintf(log, "variants: %lld read, %lld on the loadings (%lld with REF and ALT swapped); %lld of the loadings "
             "missing here count as the mean\n", read, matched, flipped, nvar - matched);
    status = 0;
done:
    if (fp) fclose(fp);
    free(line);
    free(key.s);
    for (khint_t it = 0; it < kh_end(index); it++)
        if (kh_exist(index, it)) free((char *)kh_key(index, it));
    kh_destroy(var, index);
    g5_geno_close(g);
    free(freq);
    free(w);
    free(chain);
    free(score);
    free(z);
    return status;
}

int main_pca(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.k = 10;
    a.geno = 1;
    kstring_t log = KS_INITIALIZE, path = KS_INITIALIZE;
    g5_outset_t outs = { NULL, 0 };
    a.outs = &outs;
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;
    if (!(a.cmdline = g5_cmdline(argc, argv))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    g5_prov_kput(&log, TOOL, a.cmdline);
    if ((a.project ? project(&a, &log) : compute(&a, &log)) < 0) goto done;
    ksprintf(&path, "%s.log", a.o.out);
    if (g5_out_string(path.s, log.s, log.l) < 0) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    status = G5_EXIT_OK;
done:
    if (status == G5_EXIT_OK) g5_outset_free(&outs);
    else g5_outset_undo(&outs);
    g5_plot_cleanup();
    free(log.s);
    free(path.s);
    free(a.cmdline);
    return status;
}
