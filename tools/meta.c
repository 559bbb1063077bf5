/*
 * meta.c -- g5 meta: meta-analysis of per-centre summary statistics.
 *
 * Inputs (GWAS-SSF, plink2 --glm, REGENIE, or any table through a column
 * map; libseq/sumstats) are sorted by chromosome and position, so they are
 * merged in one pass holding only the rows of the current position: memory
 * does not grow with the inputs' length (with --gc each input is read once
 * more first, and its chi^2 values held to take their median).  At each
 * position the rows are grouped by allele pair, aligned with an anchor row
 * (libseq/meta: swaps, strand flips, palindromes settled by frequency) and
 * combined: fixed effect, DerSimonian-Laird random effects, Cochran's Q
 * and I^2, METAL's sample-size Z.  The output is one GWAS-SSF file with
 * the anchor's alleles and position, the chosen model in the mandatory
 * columns and all models after them, its Manhattan and QQ plots, and a log.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <htslib/kstring.h>
#include <htslib/thread_pool.h>

#include "cli.h"
#include "fmt.h"
#include "meta.h"
#include "out.h"
#include "plot.h"
#include "progress.h"
#include "ssf.h"
#include "ssfplot.h"
#include "sumstats.h"

static const char TOOL[] = "meta";

#define NTOP 10

enum model { MODEL_FIXED, MODEL_RANDOM, MODEL_SAMPLESIZE };
static const char *const model_names[] = { "fixed", "random", "samplesize" };

static const char EXTRA_COLUMNS[] = "n_studies\tdirection\thet_q\thet_p\ti2\ttau2\tbeta_fixed\tse_fixed\tp_fixed\t"
                                    "beta_random\tse_random\tp_random\tz_samplesize\tp_samplesize";

typedef struct args {
    g5_opts_t o;
    const char *columns, *trait, *assembly;
    int model, gc, help;
    double max_maf;
    char **in;
    int nin;
    char *cmdline;
} args_t;

/* A row kept while its position is merged: a copy, since the reader reuses its strings. */
typedef struct row {
    int input;
    g5_ss_row_t r;
    kstring_t ea, oa, rsid, key;
    int done;                   // placed in a variant, or dropped
} row_t;

typedef struct input {
    const char *path;
    g5_sumstats_t *ss;
    row_t cur;                  // the next row, when has
    int has;
    double lambda, inflate;     // GC: lambda, and sqrt(lambda) when applied (else 1)
    double n_fallback;          // the sidecar's sample size, for rows without n
    long long used, swapped, flipped, ambiguous, duplicate;
} input_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 meta [options] -o PREFIX STUDY1 STUDY2 ...\n"
        "\n"
        "Meta-analysis of summary statistics from several studies (GWAS-SSF as g5 assoc\n"
        "writes it, plink2 --glm, REGENIE; sorted by chromosome and position).  Variants\n"
        "are matched by chromosome, position and both alleles; swapped alleles and\n"
        "strand flips are aligned; palindromic (A/T, C/G) rows of unknown strand are\n"
        "oriented by their allele frequency or dropped.\n"
        "\n"
        "Analysis:\n"
        "      --model NAME        what fills beta, standard_error, p_value and the plots:\n"
        "                          fixed (inverse-variance), random (DerSimonian-Laird)\n"
        "                          or samplesize (METAL's weighted Z; beta and its error\n"
        "                          stay the fixed effect's) [fixed]\n"
        "      --gc                genomic control: divide each study's chi^2 by its\n"
        "                          lambda when lambda > 1\n"
        "      --max-maf FLOAT     palindromic rows of unknown strand are oriented by EAF\n"
        "                          only when their minor allele frequency is at most\n"
        "                          FLOAT, else dropped [0.4]\n"
        "Inputs:\n"
        "  -c, --columns MAP       column map for every input: ssf, plink2, regenie, or\n"
        "                          KEY=COLUMN,... with GWAS-SSF keys, optionally after a\n"
        "                          format (\"plink2,n=NMISS\") [found from the header]\n"
        "Output:\n"
        "  -o, --output PREFIX     PREFIX.tsv.gz (GWAS-SSF, .tbi, -meta.yaml), plots\n"
        "                          PREFIX.manhattan.png|svg and PREFIX.qq.png|svg, PREFIX.log\n"
        "      --trait TEXT        trait description for the metadata [the first input's]\n"
        "      --assembly NAME     genome assembly when no input's metadata names one\n"
        "  -@, --threads INT       additional threads, to compress [0]\n"
        "      --progress, --no-progress, --verbosity INT, -h, --help\n"
        "\n"
        "Columns after GWAS-SSF's: rsid n ref_allele z_score [n_cases n_controls]\n"
        "%s\n"
        "(direction: one of + - 0 ? per study, in the order given).\n"
        "\n"
        "See g5-meta(1).\n", EXTRA_COLUMNS);
}

enum { OPT_MODEL = G5_OPT_TOOL_BASE, OPT_GC, OPT_MAX_MAF, OPT_TRAIT, OPT_ASSEMBLY };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"columns", required_argument, NULL, 'c'},
        {"model", required_argument, NULL, OPT_MODEL},
        {"gc", no_argument, NULL, OPT_GC},
        {"max-maf", required_argument, NULL, OPT_MAX_MAF},
        {"trait", required_argument, NULL, OPT_TRAIT},
        {"assembly", required_argument, NULL, OPT_ASSEMBLY},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:c:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case 'c': a->columns = optarg; break;
        case OPT_GC: a->gc = 1; break;
        case OPT_TRAIT: a->trait = optarg; break;
        case OPT_ASSEMBLY: a->assembly = optarg; break;
        case OPT_MODEL:
            for (a->model = 0; a->model < 3 && strcmp(optarg, model_names[a->model]); a->model++) {}
            if (a->model == 3) return g5_usage_error(TOOL, "--model is fixed, random or samplesize, not \"%s\"", optarg);
            break;
        case OPT_MAX_MAF:
            if (g5_parse_double(optarg, 0, 0.5, &a->max_maf) < 0)
                return g5_usage_error(TOOL, "--max-maf wants a frequency in [0, 0.5], not \"%s\"", optarg);
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
    if (optind >= argc) return g5_usage_error(TOOL, "no summary statistics to combine");
    a->in = argv + optind;
    a->nin = argc - optind;
    return G5_EXIT_OK;
}

/* --- reading ------------------------------------------------------------- */

static void row_copy(row_t *d, int input, const g5_ss_row_t *s)
{
    d->input = input;
    d->r = *s;
    d->ea.l = d->oa.l = d->rsid.l = d->key.l = 0;
    kputs(s->ea, &d->ea);
    kputs(s->oa, &d->oa);
    if (s->rsid) kputs(s->rsid, &d->rsid);
    d->r.ea = d->ea.s;
    d->r.oa = d->oa.s;
    d->r.rsid = s->rsid ? d->rsid.s : NULL;
    d->done = 0;
}

static void row_free(row_t *r)
{
    free(r->ea.s);
    free(r->oa.s);
    free(r->rsid.s);
    free(r->key.s);
}

/* The input's next row into in->cur, genomic control applied. */
static int advance(input_t *in, int i, char *why, size_t nwhy)
{
    g5_ss_row_t r;
    int got = g5_sumstats_next(in->ss, &r, why, nwhy);
    in->has = got == 1;
    if (got <= 0) return got;
    if (isnan(r.n)) r.n = in->n_fallback;
    if (in->inflate != 1) {
        // the study's chi^2 divided by lambda: its error grows, its p with it
        double z = fabs(r.beta / r.se), zp = r.p > 0 ? gsl_cdf_ugaussian_Qinv(r.p / 2) : z;
        r.se *= in->inflate;
        r.p = 2 * gsl_cdf_ugaussian_Q((isfinite(zp) ? zp : z) / in->inflate);
    }
    row_copy(&in->cur, i, &r);
    return 1;
}

/* A study's lambda: the median of its (beta/se)^2, over one full read. */
static int study_lambda(const args_t *a, input_t *in, char *why, size_t nwhy)
{
    g5_sumstats_t *ss = g5_sumstats_open(in->path, a->columns, why, nwhy);
    if (!ss) return -1;
    double *chisq = NULL;
    long long n = 0, m = 0;
    g5_ss_row_t r;
    int got;
    while ((got = g5_sumstats_next(ss, &r, why, nwhy)) == 1) {
        if (n == m) {
            m = m ? 2 * m : 1 << 16;
            double *nc = realloc(chisq, m * sizeof *nc);
            if (!nc) {
                got = g5_why(why, nwhy, "out of memory");
                break;
            }
            chisq = nc;
        }
        chisq[n++] = (r.beta / r.se) * (r.beta / r.se);
    }
    g5_sumstats_close(ss);
    if (got == 0) {
        in->lambda = g5_gc_lambda(chisq, n);
        in->inflate = in->lambda > 1 ? sqrt(in->lambda) : 1;
    }
    free(chisq);
    return got;
}

/* --- one position -------------------------------------------------------- */

typedef struct merge {
    const args_t *a;
    input_t *in;
    int nin;
    row_t *rows;                // the current position's rows, input by input
    int nrows, mrows;
    g5_meta_study_t *study;
    int *member;                // rows of the variant being combined
    char *direction;
    unsigned char *seen;
    g5_ssf_t *ssf;
    kstring_t extra;
    long long written, by_k_max;
    long long *by_k;            // variants by number of studies
    double max_n;
    char why[1024];
} merge_t;

static row_t *new_row(merge_t *M)
{
    if (M->nrows == M->mrows) {
        int m = M->mrows ? 2 * M->mrows : 16;
        row_t *nr = realloc(M->rows, m * sizeof *nr);
        if (!nr) return NULL;
        memset(nr + M->mrows, 0, (m - M->mrows) * sizeof *nr);
        M->rows = nr;
        M->mrows = m;
    }
    return &M->rows[M->nrows++];
}

static void put_num(kstring_t *k, double v)
{
    char num[32];
    kputc('\t', k);
    if (isfinite(v)) kputsn(num, g5_fmt_g(num, v, 7), k);
    else kputs("#NA", k);
}

/* Combine the rows M->member[0..k) (the first is the anchor; sign[] aligns them) and write. */
static int combine(merge_t *M, int k, const int *sign)
{
    const row_t *anchor = &M->rows[M->member[0]];
    double eaf_w = 0, eaf_sum = 0, n = 0, cases = 0, controls = 0;
    int n_known = 1, cc_known = 1, eaf_n = 0, eaf_all_n = 1;
    const char *rsid = NULL;
    memset(M->direction, '?', M->nin);
    for (int j = 0; j < k; j++) {
        const row_t *w = &M->rows[M->member[j]];
        double beta = sign[j] * w->r.beta;
        M->study[j] = (g5_meta_study_t){ beta, w->r.se, w->r.p, w->r.n };
        M->direction[w->input] = beta > 0 ? '+' : beta < 0 ? '-' : '0';
        if (!isnan(w->r.eaf)) {
            double f = sign[j] > 0 ? w->r.eaf : 1 - w->r.eaf;
            eaf_sum += f;
            eaf_n++;
            eaf_w += f * w->r.n;
            eaf_all_n &= !isnan(w->r.n);
        }
        n += w->r.n;
        n_known &= !isnan(w->r.n);
        cases += w->r.n_cases;
        controls += w->r.n_controls;
        cc_known &= !isnan(w->r.n_cases) && !isnan(w->r.n_controls);
        if (!rsid && w->r.rsid) rsid = w->r.rsid;
        M->in[w->input].used++;
    }
    double eaf = !eaf_n ? NAN : eaf_all_n && n > 0 ? eaf_w / n : eaf_sum / eaf_n;
    g5_meta_result_t r;
    g5_meta_combine(M->study, k, &r);
    double beta = r.beta, se = r.se, p = r.p, z = r.z;
    if (M->a->model == MODEL_RANDOM) beta = r.beta_re, se = r.se_re, p = r.p_re, z = r.z_re;
    else if (M->a->model == MODEL_SAMPLESIZE) p = r.p_ss, z = r.z_ss;

    kstring_t *e = &M->extra;
    e->l = 0;
    kputw(k, e);
    kputc('\t', e);
    kputsn(M->direction, M->nin, e);
    const double v[] = { r.q, r.q_p, r.i2, r.tau2, r.beta, r.se, r.p, r.beta_re, r.se_re, r.p_re, r.z_ss, r.p_ss };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) put_num(e, v[i]);
    if (n_known && n > M->max_n) M->max_n = n;
    g5_ssf_row_t out = {
        .chrom = g5_ssf_code_names[anchor->r.code - 1], .pos = anchor->r.pos,
        .ea = anchor->r.ea, .oa = anchor->r.oa,
        .beta = beta, .se = se, .eaf = eaf, .p = p, .rsid = rsid,
        .n = n_known ? (long long)llround(n) : -1, .z = z,
        .n_cases = cc_known ? (long long)llround(cases) : -1,
        .n_controls = cc_known ? (long long)llround(controls) : -1,
        .ref = anchor->r.ref, .extra = e->s,
    };
    if (g5_ssf_write(M->ssf, &out, M->why, sizeof M->why) < 0) {
        // a study's row broke GWAS-SSF's rules (an allele other than ACGT, no EAF anywhere)
        kstring_t msg = KS_INITIALIZE;
        ksprintf(&msg, "\"%s\" line %lld: %s", M->in[anchor->input].path, anchor->r.line, M->why);
        g5_why(M->why, sizeof M->why, "%s", msg.s);
        free(msg.s);
        return -1;
    }
    M->written++;
    M->by_k[k - 1]++;
    return 0;
}

/* Group the position's rows into variants, align, combine, write. */
static int flush_position(merge_t *M)
{
    for (int i = 0; i < M->nrows; i++) {
        row_t *w = &M->rows[i];
        if (ks_resize(&w->key, w->ea.l + w->oa.l + 2) < 0) return g5_why(M->why, sizeof M->why, "out of memory");
        g5_allele_key(w->r.ea, w->r.oa, w->key.s);
        w->key.l = strlen(w->key.s);
    }
    int sign[M->nin > 0 ? M->nin : 1];
    for (;;) {
        // the anchor: the first row left on a known strand, else the first row left
        int anchor = -1;
        for (int i = 0; i < M->nrows && anchor < 0; i++)
            if (!M->rows[i].done && M->rows[i].r.ref != G5_SSF_REF_UNKNOWN) anchor = i;
        for (int i = 0; i < M->nrows && anchor < 0; i++)
            if (!M->rows[i].done) anchor = i;
        if (anchor < 0) break;
        row_t *A = &M->rows[anchor];
        A->done = 1;
        g5_meta_allele_t aa = { A->r.ea, A->r.oa, A->r.ref != G5_SSF_REF_UNKNOWN, A->r.eaf };
        int k = 0;
        M->member[k] = anchor;
        sign[k++] = 1;
        unsigned char *seen = M->seen;      // inputs already in this variant
        memset(seen, 0, M->nin);
        seen[A->input] = 1;
        for (int i = 0; i < M->nrows; i++) {
            row_t *w = &M->rows[i];
            if (w->done || strcmp(w->key.s, A->key.s)) continue;
            g5_meta_allele_t ra = { w->r.ea, w->r.oa, w->r.ref != G5_SSF_REF_UNKNOWN, w->r.eaf };
            int strand, how = g5_allele_align(&aa, &ra, M->a->max_maf, &strand);
            input_t *in = &M->in[w->input];
            if (how == G5_ALIGN_NONE) continue;     // another variant: a later anchor takes it
            w->done = 1;
            if (how == G5_ALIGN_AMBIGUOUS) {
                in->ambiguous++;
                continue;
            }
            if (seen[w->input]) {
                in->duplicate++;
                continue;
            }
            seen[w->input] = 1;
            in->swapped += how == G5_ALIGN_SWAP;
            in->flipped += strand;
            M->member[k] = i;
            sign[k++] = how == G5_ALIGN_SWAP ? -1 : 1;
        }
        if (combine(M, k, sign) < 0) return -1;
    }
    M->nrows = 0;
    return 0;
}

/* The whole merge: position by position, in chromosome order. */
static int merge_all(merge_t *M, g5_progress_t *progress)
{
    for (;;) {
        int code = 0;
        long long pos = 0;
        for (int i = 0; i < M->nin; i++) {
            const g5_ss_row_t *r = &M->in[i].cur.r;
            if (M->in[i].has && (!code || r->code < code || (r->code == code && r->pos < pos)))
                code = r->code, pos = r->pos;
        }
        if (!code) return 0;
        for (int i = 0; i < M->nin; i++) {
            input_t *in = &M->in[i];
            while (in->has && in->cur.r.code == code && in->cur.r.pos == pos) {
                row_t *w = new_row(M);
                if (!w) return g5_why(M->why, sizeof M->why, "out of memory");
                // the row moves to the position (its strings with it); the
                // input reads its next row into the buffers the slot had
                row_t spare = *w;
                *w = in->cur;
                in->cur = spare;
                if (advance(in, i, M->why, sizeof M->why) < 0) return -1;
            }
        }
        long long before = M->written;
        if (flush_position(M) < 0) return -1;
        g5_progress_add(progress, M->written - before);
    }
}

/* --- metadata ------------------------------------------------------------- */

/* The assembly all inputs agree on; -1 with why set when two differ. */
static int common_assembly(const args_t *a, input_t *in, int nin, const char **out, char *why, size_t nwhy)
{
    const char *asm_ = a->assembly;
    int from = -1;              // the input that named it; -1: --assembly
    for (int i = 0; i < nin; i++) {
        const char *s = g5_sumstats_meta(in[i].ss)->genome_assembly;
        if (!s || !strcmp(s, "NR")) continue;
        if (asm_ && strcasecmp(asm_, s)) {
            if (from < 0)
                return g5_why(why, nwhy, "\"%s\" is on genome assembly %s, not %s (--assembly)", in[i].path, s, asm_);
            return g5_why(why, nwhy, "\"%s\" is on genome assembly %s but \"%s\" on %s: lift one over first",
                          in[i].path, s, in[from].path, asm_);
        }
        if (!asm_) asm_ = s, from = i;
    }
    *out = asm_ ? asm_ : "NR";
    return 0;
}

static void log_inputs(kstring_t *log, const args_t *a, const input_t *in, int nin)
{
    ksprintf(log, "model: %s%s\n\n#study\tformat\tassembly\tsample_size\trows\tused\tnot_additive\tmissing\t"
             "other_contig\tlambda\tgc_applied\tswapped\tstrand_flipped\tambiguous_dropped\tduplicates\n",
             model_names[a->model], a->gc ? ", genomic control per study" : "");
    for (int i = 0; i < nin; i++) {
        const g5_ss_counts_t *c = g5_sumstats_counts(in[i].ss);
        const g5_ss_meta_t *m = g5_sumstats_meta(in[i].ss);
        ksprintf(log, "%s\t%s\t%s\t", in[i].path, g5_sumstats_format(in[i].ss),
                 m->genome_assembly ? m->genome_assembly : "NA");
        if (m->sample_size >= 0) ksprintf(log, "%lld", m->sample_size);
        else kputs("NA", log);
        ksprintf(log, "\t%lld\t%lld\t%lld\t%lld\t%lld\t", c->rows, in[i].used, c->not_additive, c->missing,
                 c->contig);
        if (isnan(in[i].lambda)) kputs("NA", log);
        else ksprintf(log, "%.4f", in[i].lambda);
        ksprintf(log, "\t%s\t%lld\t%lld\t%lld\t%lld\n", in[i].inflate != 1 ? "yes" : "no", in[i].swapped,
                 in[i].flipped, in[i].ambiguous, in[i].duplicate);
    }
}

int main_meta(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.max_maf = 0.4;
    merge_t M;
    memset(&M, 0, sizeof M);
    input_t *in = NULL;
    htsThreadPool pool = { NULL, 0 };
    g5_ssf_kept_t *kept = NULL;
    g5_outset_t done_files = { 0 };
    kstring_t log = KS_INITIALIZE, path = KS_INITIALIZE, tops = KS_INITIALIZE;
    char why[1024];
    int status = parse_args(&a, argc, argv), ok = 0;
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;
    if (!(a.cmdline = g5_cmdline(argc, argv)) || !(in = calloc(a.nin, sizeof *in))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }

    // the studies: open, check, and (--gc) measure
    int case_control = 1;
    long long total_n = 0, total_cases = 0, total_controls = 0;
    for (int i = 0; i < a.nin; i++) {
        in[i].path = a.in[i];
        in[i].lambda = NAN;
        in[i].inflate = 1;
        for (int j = 0; j < i; j++)
            if (!strcmp(a.in[j], a.in[i])) {
                g5_err(TOOL, "\"%s\" is given twice: a study counted twice would double its weight", a.in[i]);
                goto done;
            }
        if (a.gc && study_lambda(&a, &in[i], why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
        if (!(in[i].ss = g5_sumstats_open(in[i].path, a.columns, why, sizeof why))) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
        if (!g5_sumstats_has_eaf(in[i].ss)) {
            g5_err(TOOL, "\"%s\" has no effect allele frequency column: the combined file needs it, and "
                   "palindromic variants cannot be aligned without it (plink2: --glm cols=+a1freq)", in[i].path);
            goto done;
        }
        const g5_ss_meta_t *m = g5_sumstats_meta(in[i].ss);
        in[i].n_fallback = m->sample_size >= 0 ? (double)m->sample_size : NAN;
        if (m->case_control != 1) case_control = 0;
        total_n = total_n >= 0 && m->sample_size >= 0 ? total_n + m->sample_size : -1;
        total_cases = total_cases >= 0 && m->case_count >= 0 ? total_cases + m->case_count : -1;
        total_controls = total_controls >= 0 && m->control_count >= 0 ? total_controls + m->control_count : -1;
        if (advance(&in[i], i, why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
    }
    const char *assembly = NULL;
    if (common_assembly(&a, in, a.nin, &assembly, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    const g5_ss_meta_t *m0 = g5_sumstats_meta(in[0].ss);
    // studies of different traits combine to nonsense: say so (a centre may
    // name its column differently, so it is not an error)
    for (int i = 1; i < a.nin; i++) {
        const char *t0 = g5_ss_meta_value(m0, "g5_trait"), *ti = g5_ss_meta_value(g5_sumstats_meta(in[i].ss), "g5_trait");
        if (t0 && ti && strcmp(t0, ti))
            g5_warn(TOOL, "\"%s\" is of trait \"%s\" but \"%s\" of \"%s\": are they the same trait?", in[i].path, ti,
                    in[0].path, t0);
    }
    const char *trait = a.trait ? a.trait : m0->trait_description;
    if (!trait) {
        g5_err(TOOL, "no trait description: \"%s\" has no metadata naming one; give --trait", in[0].path);
        goto done;
    }

    // the combined file
    M.a = &a;
    M.in = in;
    M.nin = a.nin;
    M.study = calloc(a.nin, sizeof *M.study);
    M.member = calloc(a.nin, sizeof *M.member);
    M.direction = calloc(a.nin + 1, 1);
    M.seen = calloc(a.nin, 1);
    M.by_k = calloc(a.nin, sizeof *M.by_k);
    if (!M.study || !M.member || !M.direction || !M.seen || !M.by_k) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    ksprintf(&path, "%s.tsv.gz", a.o.out);
    if (!(M.ssf = g5_ssf_open(path.s, G5_SSF_BETA, case_control, why, sizeof why))
        || g5_ssf_columns(M.ssf, EXTRA_COLUMNS) < 0 || g5_ssf_keep(M.ssf, NTOP) < 0) {
        g5_err(TOOL, "%s", M.ssf ? "out of memory" : why);
        goto done;
    }
    if (a.o.threads > 0) {
        if (!(pool.pool = hts_tpool_init(a.o.threads)) || g5_ssf_pool(M.ssf, &pool) < 0) {
            g5_err(TOOL, "cannot start the compression threads");
            goto done;
        }
    }
    g5_progress_t progress;
    g5_progress_start(&progress, TOOL, "variants", a.o.progress, 0);
    int r = merge_all(&M, &progress);
    g5_progress_done(&progress);
    if (r < 0) {
        g5_err(TOOL, "%s", M.why);
        goto done;
    }
    if (!M.written) {
        g5_err(TOOL, "no variant to write: the inputs have no usable rows");
        goto done;
    }
    g5_ssf_meta_t meta = {
        .trait_description = trait,
        .genome_assembly = assembly,
        .genotyping_technology = "NR",
        .sample_ancestry_category = "NR",
        .sample_size = total_n > 0 ? total_n : (long long)M.max_n,
        .case_count = total_cases,
        .control_count = total_controls,
        .trait = g5_ss_meta_value(m0, "g5_trait"),
    };
    if (meta.sample_size <= 0) {
        g5_err(TOOL, "the sample size is unknown: the inputs have no n column and no metadata giving it");
        goto done;
    }
    if (case_control && (total_cases < 0 || total_controls < 0)) {
        g5_err(TOOL, "case and control counts are missing from an input's metadata");
        goto done;
    }
    if (g5_ssf_end(M.ssf, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    kept = g5_ssf_kept(M.ssf);
    r = g5_ssf_close(M.ssf, &meta, why, sizeof why);
    M.ssf = NULL;
    if (r < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    const char *parts[] = { ".tsv.gz", ".tsv.gz.tbi", ".tsv.gz-meta.yaml" };
    for (int i = 0; i < 3; i++) {
        path.l = 0;
        ksprintf(&path, "%s%s", a.o.out, parts[i]);
        g5_outset_add(&done_files, path.s);
    }

    // plots, and the log
    double lambda;
    const char *slash = strrchr(a.o.out, '/');
    if (g5_ssf_plot(kept, a.o.out, slash ? slash + 1 : a.o.out, &lambda, "meta", &tops, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    const char *plots[] = { ".manhattan.png", ".manhattan.svg", ".qq.png", ".qq.svg" };
    for (int i = 0; i < 4; i++) {
        path.l = 0;
        ksprintf(&path, "%s%s", a.o.out, plots[i]);
        g5_outset_add(&done_files, path.s);
    }
    g5_prov_kput(&log, TOOL, a.cmdline);
    log_inputs(&log, &a, in, a.nin);
    ksprintf(&log, "\nvariants written: %lld; lambda of the combined p: ", M.written);
    if (isnan(lambda)) kputs("NA", &log);
    else ksprintf(&log, "%.4f", lambda);
    kputs("\n\n#studies\tvariants\n", &log);
    for (int k = 0; k < a.nin; k++) ksprintf(&log, "%d\t%lld\n", k + 1, M.by_k[k]);
    ksprintf(&log, "\n#top\tchromosome\tposition\teffect_allele\tother_allele\tbeta\tstandard_error\tp_value\n");
    kputsn(tops.s ? tops.s : "", tops.l, &log);
    path.l = 0;
    ksprintf(&path, "%s.log", a.o.out);
    if (g5_out_string(path.s, log.s, log.l) < 0) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    if (a.o.verbosity >= 1)
        g5_info(TOOL, "%lld variants from %d studies; lambda %.4f", M.written, a.nin, lambda);
    ok = 1;
    status = G5_EXIT_OK;
done:
    if (M.written) g5_plot_cleanup();
    if (!ok) g5_outset_undo(&done_files);
    g5_outset_free(&done_files);
    g5_ssf_abort(M.ssf);
    g5_ssf_kept_free(kept);
    if (pool.pool) hts_tpool_destroy(pool.pool);
    if (in)
        for (int i = 0; i < a.nin; i++) {
            g5_sumstats_close(in[i].ss);
            row_free(&in[i].cur);
        }
    for (int i = 0; i < M.mrows; i++) row_free(&M.rows[i]);
    free(M.rows);
    free(M.study);
    free(M.member);
    free(M.direction);
    free(M.seen);
    free(M.by_k);
    free(M.extra.s);
    free(in);
    free(log.s);
    free(path.s);
    free(tops.s);
    free(a.cmdline);
    return g5_finish(TOOL, status);
}
