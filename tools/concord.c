/*
 * concord.c -- g5 concord: a call set against a truth set, after
 * normalisation, per variant type.
 *
 * Both files are read side by side, once: each record is normalised by
 * libseq/varnorm (split into biallelic pieces, trimmed, left-aligned as
 * `bcftools norm -m -any -f REF` does), the pieces the chosen sample's
 * genotype carries are kept (all of them when the file has no samples),
 * those outside -R are dropped, and a varnorm window sorts what
 * normalisation moved.  The two sorted streams are then merged on (contig,
 * position, REF, ALT): a variant in both is a true positive (TP), in the
 * calls only a false positive (FP), in the truth only a false negative (FN).
 * As hap.py does, a TP whose genotypes differ stays a TP and is counted
 * again as a genotype mismatch (gt_mismatch); the genotypes are compared
 * only when both files have a sample.
 *
 * Memory holds what lies within the window of the two readers, so it does
 * not grow with the genome; the reference is read a stretch at a time.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>
#include <htslib/regidx.h>
#include <htslib/vcf.h>

#include "alnio.h"
#include "cli.h"
#include "out.h"
#include "progress.h"
#include "varnorm.h"

static const char TOOL[] = "concord";

enum { TRUTH = 0, CALLS = 1 };
enum { C_TP, C_FP, C_FN, C_GT, C_N };

typedef struct args {
    g5_opts_t o;
    const char *path[2];        /* truth, calls */
    const char *sample[2];      /* -s / --truth-sample, --calls-sample; NULL: the first */
    const char *regions;        /* -R BED */
    const char *tsv;            /* -o: per-site differences, or NULL */
    hts_pos_t window;           /* -w */
    int help;
    char *cmdline;
} args_t;

/* One input, read and normalised in order. */
typedef struct stream {
    const char *what;           /* "truth" or "calls", for messages */
    const char *path;
    htsFile *fp;
    bcf_hdr_t *hdr;
    bcf1_t *rec;
    int sample;                 /* the sample compared (0 after subsetting), -1 for none */
    int *tid_of;                /* header contig -> reference contig; -2 not yet looked up */
    int ntid_of;
    int tid;                    /* the last record read: reference contig ... */
    hts_pos_t pos;              /* ... and 0-based position; tid -1 before the first */
    uint64_t nrec;              /* records read */
    int eof;
    g5_varv_t pieces;           /* the last record's variants */
    g5_varbuf_t *buf;           /* the sorting window */
    int have_prev;              /* a variant was handed out: prev is its key */
    g5_var_t prev;
    kstring_t prev_al;
    uint64_t ndup;              /* variants dropped as repeats of the one before */
} stream_t;

typedef struct run {
    const args_t *a;
    g5_varnorm_t *norm;
    regidx_t *bed;
    stream_t s[2];
    uint64_t count[G5_VAR_NTYPES][C_N];
    int compare_gt;             /* both files have a sample */
    g5_out_t *out;              /* -o */
    FILE *tsv;
    g5_progress_t progress;
} run_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 concord -f REF.fa [options] TRUTH.vcf CALLS.vcf\n"
        "\n"
        "Compare a call set with a truth set after normalising both as\n"
        "`bcftools norm -m -any -f REF.fa` does (multiallelic records split, alleles\n"
        "trimmed, indels left-aligned), and print per type (SNV, indel, other) the\n"
        "true positives (TP: same position, REF and ALT), false positives (FP: in the\n"
        "calls only), false negatives (FN: in the truth only), the TP whose genotypes\n"
        "differ (gt_mismatch), precision, recall and F1.  A record counts for a file\n"
        "when the sample's genotype carries the ALT (any record, in a file without\n"
        "samples).  Inputs: VCF, VCF.gz or BCF, sorted in the reference's order.\n"
        "\n"
        "Options:\n"
        "  -f, --reference FASTA   the reference both files were called on (required)\n"
        "  -R, --regions-file BED  count only variants whose POS lies in these regions\n"
        "  -s, --sample NAME       compare sample NAME of both files [the first]\n"
        "      --truth-sample NAME the truth's sample [-s, else the first]\n"
        "      --calls-sample NAME the calls' sample [-s, else the first]\n"
        "  -w, --window INT        bp a variant may move left when normalised [10000]\n"
        "  -o, --output FILE.tsv   also write the differences, one site a line:\n"
        "                          chrom pos ref alt type status(FP/FN/GT) truth_gt calls_gt\n"
        "\n"
        "Common options:\n");
    g5_opts_help(fp, "@Pvph");
    fprintf(fp, "\nSee g5-concord(1).\n");
}

enum { OPT_TRUTH_SAMPLE = G5_OPT_TOOL_BASE, OPT_CALLS_SAMPLE };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"regions-file", required_argument, NULL, 'R'},
        {"sample", required_argument, NULL, 's'},
        {"truth-sample", required_argument, NULL, OPT_TRUTH_SAMPLE},
        {"calls-sample", required_argument, NULL, OPT_CALLS_SAMPLE},
        {"window", required_argument, NULL, 'w'},
        {NULL, 0, NULL, 0}
    };
    const char *both = NULL;
    int c, r;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:f:R:s:w:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case 'o':
            if (!*optarg) return g5_usage_error(TOOL, "-o wants a file name");
            if (strcmp(optarg, "-") == 0)
                return g5_usage_error(TOOL, "-o wants a file: standard output has the summary");
            a->tsv = optarg;
            break;
        case 'R': a->regions = optarg; break;
        case 's': both = optarg; break;
        case OPT_TRUTH_SAMPLE: a->sample[TRUTH] = optarg; break;
        case OPT_CALLS_SAMPLE: a->sample[CALLS] = optarg; break;
        case 'w':
            if (g5_parse_long(optarg, 0, 1000000000, &v) < 0)
                return g5_usage_error(TOOL, "-w wants a window in bp, 0-1000000000, not \"%s\"", optarg);
            a->window = v;
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@fPvp")) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (!a->o.reference) return g5_usage_error(TOOL, "the reference is needed: -f REF.fa");
    if (argc - optind != 2)
        return g5_usage_error(TOOL, "two input files are needed, TRUTH and CALLS; got %d", argc - optind);
    a->path[TRUTH] = argv[optind];
    a->path[CALLS] = argv[optind + 1];
    for (int i = 0; i < 2; i++)
        if (!a->sample[i]) a->sample[i] = both;
    return G5_EXIT_OK;
}

/* --- reading ------------------------------------------------------------ */

/* The record just read, for messages: "record 12 (chrI:1234)". */
static const char *where(const stream_t *s, char *buf, size_t n)
{
    snprintf(buf, n, "record %llu (%s:%lld)", (unsigned long long)s->nrec, bcf_seqname_safe(s->hdr, s->rec),
             (long long)s->rec->pos + 1);
    return buf;
}

static int stream_open(run_t *run, stream_t *s, const char *what, const char *path, const char *sample,
                       htsThreadPool *pool)
{
    s->what = what;
    s->path = path;
    s->tid = -1;
    if (!(s->fp = hts_open(path, "r"))) {
        g5_err_errno(TOOL, "cannot read the %s \"%s\"", what, path);
        return -1;
    }
    if (hts_get_format(s->fp)->category != variant_data) {
        g5_err(TOOL, "cannot read the %s \"%s\": not a VCF or BCF file", what, path);
        return -1;
    }
    if (pool->pool) hts_set_opt(s->fp, HTS_OPT_THREAD_POOL, pool);
    if (!(s->hdr = bcf_hdr_read(s->fp))) {
        g5_err(TOOL, "cannot read the %s \"%s\": bad or truncated VCF/BCF header", what, path);
        return -1;
    }
    int ns = bcf_hdr_nsamples(s->hdr);
    s->sample = -1;
    if (sample && bcf_hdr_id2int(s->hdr, BCF_DT_SAMPLE, sample) < 0) {
        g5_err(TOOL, "sample \"%s\" is not in the %s \"%s\"", sample, what, path);
        return -1;
    }
    if (ns > 0) {
        // Parse the one sample compared only (a name with a comma would read
        // as a list: such a sample is found among all of them instead).
        const char *name = sample ? sample : s->hdr->samples[0];
        s->sample = bcf_hdr_id2int(s->hdr, BCF_DT_SAMPLE, name);
        if (!strchr(name, ',')) {
            if (bcf_hdr_set_samples(s->hdr, name, 0) != 0) {
                g5_err(TOOL, "out of memory");
                return -1;
            }
            s->sample = 0;
        }
    }
    if (!(s->rec = bcf_init()) || !(s->buf = g5_varbuf_init(run->a->window))) {
        g5_err(TOOL, "out of memory");
        return -1;
    }
    return 0;
}

static void stream_close(stream_t *s)
{
    if (s->rec) bcf_destroy(s->rec);
    if (s->hdr) bcf_hdr_destroy(s->hdr);
    if (s->fp) hts_close(s->fp);     // reading: nothing to lose in a failed close
    g5_varv_free(&s->pieces);
    g5_varbuf_destroy(s->buf);
    free(s->tid_of);
    free(s->prev_al.s);
}

/* The reference contig of the record's contig, looked up once per contig.
 * @return its index, or -1 after reporting that the reference lacks it */
static int ref_tid(run_t *run, stream_t *s)
{
    int rid = s->rec->rid;
    if (rid >= s->ntid_of) {
        int m = rid + 16;
        int *x = realloc(s->tid_of, m * sizeof *x);
        if (!x) {
            g5_err(TOOL, "out of memory");
            return -1;
        }
        for (int i = s->ntid_of; i < m; i++) x[i] = -2;
        s->tid_of = x;
        s->ntid_of = m;
    }
    if (s->tid_of[rid] == -2) s->tid_of[rid] = g5_varnorm_contig(run->norm, bcf_seqname_safe(s->hdr, s->rec));
    if (s->tid_of[rid] < 0) {
        char w[300];
        g5_err(TOOL, "contig %s of the %s \"%s\" (%s) is not in the reference \"%s\" (another build?)",
               bcf_seqname_safe(s->hdr, s->rec), s->what, s->path, where(s, w, sizeof w), run->a->o.reference);
    }
    return s->tid_of[rid];
}

/* A BED made for another build names contigs the reference lacks, and
 * would silently keep nothing: refuse it.  @return 0, or -1 after reporting */
static int check_regions(const run_t *run)
{
    int n = 0;
    char **names = regidx_seq_names(run->bed, &n);
    for (int i = 0; i < n; i++)
        if (g5_varnorm_contig(run->norm, names[i]) < 0) {
            g5_err(TOOL, "contig %s of the regions \"%s\" is not in the reference \"%s\" (another build?)",
                   names[i], run->a->regions, run->a->o.reference);
            return -1;
        }
    return 0;
}

/* Whether a variant lies in the -R regions (always, without -R). */
static int in_regions(const run_t *run, const g5_var_t *v)
{
    if (!run->bed) return 1;
    return regidx_overlap(run->bed, g5_varnorm_contig_name(run->norm, v->tid), v->pos, v->pos, NULL);
}

/* Read one record, normalise it and put the variants that count into the
 * window.  @return 0, or -1 after reporting the error */
static int read_one(run_t *run, stream_t *s)
{
    char w[300];
    int r = bcf_read(s->fp, s->hdr, s->rec);
    if (r == -1) {
        s->eof = 1;
        return 0;
    }
    if (r < -1 && !s->rec->errcode) {
        g5_err(TOOL, "cannot read the %s \"%s\": corrupt or truncated after record %llu", s->what, s->path,
               (unsigned long long)s->nrec);
        return -1;
    }
    s->nrec++;
    // A contig, INFO, FORMAT or FILTER missing from a VCF header is no
    // error: htslib adds it, as bcftools lets it.
    if (r < -1 || (s->rec->errcode & ~(BCF_ERR_CTG_UNDEF | BCF_ERR_TAG_UNDEF))) {
        g5_err(TOOL, "cannot read the %s \"%s\": record %llu is malformed (%s)", s->what, s->path,
               (unsigned long long)s->nrec,
               s->rec->errcode & BCF_ERR_NCOLS ? "too few columns"
               : s->rec->errcode & BCF_ERR_LIMITS ? "beyond htslib's limits"
               : s->rec->errcode & BCF_ERR_CHAR ? "invalid characters"
               : s->rec->errcode & BCF_ERR_CTG_INVALID ? "invalid contig"
               : s->rec->errcode & BCF_ERR_TAG_INVALID ? "invalid INFO or FORMAT field" : "unparsable");
        return -1;
    }
    g5_progress_add(&run->progress, 1);
    if (s->rec->pos < 0) {
        g5_err(TOOL, "cannot read the %s \"%s\": record %llu is malformed (no valid POS)", s->what, s->path,
               (unsigned long long)s->nrec);
        return -1;
    }
    int tid = ref_tid(run, s);
    if (tid < 0) return -1;
    if (tid < s->tid || (tid == s->tid && s->rec->pos < s->pos)) {
        g5_err(TOOL, "the %s \"%s\" is not sorted: %s comes after %s:%lld%s", s->what, s->path,
               where(s, w, sizeof w), g5_varnorm_contig_name(run->norm, s->tid), (long long)s->pos + 1,
               tid < s->tid ? " (contigs must follow the reference's order)" : "");
        return -1;
    }
    s->tid = tid;
    s->pos = s->rec->pos;

    int st = g5_varnorm_record(run->norm, s->hdr, s->rec, tid, s->sample, s->nrec, &s->pieces);
    if (st != G5_VN_OK) {
        const char *why = g5_varnorm_why(run->norm);
        if (st == G5_VN_MISMATCH)
            g5_err(TOOL, "REF mismatch in the %s \"%s\", %s: %s", s->what, s->path, where(s, w, sizeof w), why);
        else if (st == G5_VN_BAD_ALLELE)
            g5_err(TOOL, "bad allele in the %s \"%s\", %s: %s", s->what, s->path, where(s, w, sizeof w), why);
        else
            g5_err(TOOL, "cannot normalise the %s \"%s\", %s: %s", s->what, s->path, where(s, w, sizeof w), why);
        return -1;
    }
    for (size_t i = 0; i < s->pieces.n; i++) {
        g5_var_t *v = &s->pieces.v[i];
        if ((s->sample >= 0 && v->nalt == 0) || !in_regions(run, v)) {
            g5_var_free(v);
            continue;
        }
        hts_pos_t moved = v->opos - v->pos;
        r = g5_varbuf_push(s->buf, v);
        if (r == G5_VARBUF_LATE) {
            g5_err(TOOL, "the %s \"%s\", %s: the variant moves %lld bp left when normalised, more than the "
                   "window: give a larger -w (now %lld)", s->what, s->path, where(s, w, sizeof w),
                   (long long)moved, (long long)run->a->window);
            return -1;
        }
        if (r < 0) {
            g5_err(TOOL, "out of memory");
            return -1;
        }
    }
    s->pieces.n = 0;    // each was freed or taken over by the window
    return 0;
}

/* The next variant of a stream in order, repeats dropped.
 * @return 1 with @p v filled (its alleles are the caller's), 0 at the end,
 *         -1 after reporting an error */
static int stream_next(run_t *run, stream_t *s, g5_var_t *v)
{
    for (;;) {
        int r = g5_varbuf_pop(s->buf, s->eof ? INT_MAX : s->tid, s->pos, v);
        if (r < 0) {
            g5_err(TOOL, "out of memory");
            return -1;
        }
        if (r > 0) {
            if (s->have_prev && g5_var_cmp(v, &s->prev) == 0) {
                // two records that normalise to one variant: the first counts
                s->ndup++;
                g5_var_free(v);
                continue;
            }
            size_t lr = strlen(v->ref), la = strlen(v->alt);
            s->prev_al.l = 0;
            if (ks_resize(&s->prev_al, lr + la + 2) < 0) {
                g5_var_free(v);
                g5_err(TOOL, "out of memory");
                return -1;
            }
            memcpy(s->prev_al.s, v->ref, lr + la + 2);     // REF, NUL, ALT, NUL
            s->prev = *v;
            s->prev.ref = s->prev_al.s;
            s->prev.alt = s->prev_al.s + lr + 1;
            s->have_prev = 1;
            return 1;
        }
        if (s->eof) return 0;
        if (read_one(run, s) < 0) return -1;
    }
}

/* --- comparing ---------------------------------------------------------- */

static const char *const STATUS[C_N] = { "TP", "FP", "FN", "GT" };

/* One line of the per-site table.  @return 0, or -1 on a write error */
static int write_site(run_t *run, const g5_var_t *v, int status, const g5_var_t *truth, const g5_var_t *calls)
{
    if (!run->tsv) return 0;
    char gt[2][64];
    strcpy(gt[0], ".");
    strcpy(gt[1], ".");
    if (truth) g5_var_gt_str(truth, gt[0], sizeof gt[0]);
    if (calls) g5_var_gt_str(calls, gt[1], sizeof gt[1]);
    return fprintf(run->tsv, "%s\t%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", g5_varnorm_contig_name(run->norm, v->tid),
                   (long long)v->pos + 1, v->ref, v->alt, g5_var_type_name(g5_var_type(v)), STATUS[status],
                   gt[0], gt[1]) < 0 ? -1 : 0;
}

/* Merge the two streams.  @return 0, or -1 after reporting the error */
static int compare(run_t *run)
{
    g5_var_t t = { 0 }, c = { 0 };
    int ht = stream_next(run, &run->s[TRUTH], &t);
    int hc = ht < 0 ? -1 : stream_next(run, &run->s[CALLS], &c);
    int ret = 0;
    while (ht > 0 || hc > 0) {
        if (ht < 0 || hc < 0) break;
        int cmp = !ht ? 1 : !hc ? -1 : g5_var_cmp(&t, &c);
        int w = 0;
        if (cmp < 0) {
            run->count[g5_var_type(&t)][C_FN]++;
            w = write_site(run, &t, C_FN, &t, NULL);
        } else if (cmp > 0) {
            run->count[g5_var_type(&c)][C_FP]++;
            w = write_site(run, &c, C_FP, NULL, &c);
        } else {
            int type = g5_var_type(&t);
            run->count[type][C_TP]++;
            if (run->compare_gt && !g5_var_same_gt(&t, &c)) {
                run->count[type][C_GT]++;
                w = write_site(run, &t, C_GT, &t, &c);
            }
        }
        if (w < 0) {
            g5_err_errno(TOOL, "cannot write \"%s\"", run->a->tsv);
            ret = -1;
            break;
        }
        if (cmp <= 0) {
            g5_var_free(&t);
            ht = stream_next(run, &run->s[TRUTH], &t);
        }
        if (cmp >= 0 && ht >= 0) {
            g5_var_free(&c);
            hc = stream_next(run, &run->s[CALLS], &c);
        }
    }
    g5_var_free(&t);
    g5_var_free(&c);
    return ret < 0 || ht < 0 || hc < 0 ? -1 : 0;
}

/* A ratio with 4 decimals, or NA when it is 0/0. */
static void put_ratio(FILE *fp, uint64_t num, uint64_t den)
{
    if (den) fprintf(fp, "\t%.4f", (double)num / (double)den);
    else fputs("\tNA", fp);
}

static int write_summary(FILE *fp, void *ctx)
{
    const run_t *run = ctx;
    if (!run->a->o.no_pg && g5_prov_tsv(fp, TOOL, run->a->cmdline) < 0) return -1;
    fputs("type\tTP\tFP\tFN\tgt_mismatch\tprecision\trecall\tF1\n", fp);
    uint64_t all[C_N] = { 0 };
    for (int t = 0; t <= G5_VAR_NTYPES; t++) {
        const uint64_t *k = all;
        if (t < G5_VAR_NTYPES) {
            k = run->count[t];
            for (int i = 0; i < C_N; i++) all[i] += k[i];
        }
        fprintf(fp, "%s\t%llu\t%llu\t%llu\t%llu", t < G5_VAR_NTYPES ? g5_var_type_name(t) : "all",
                (unsigned long long)k[C_TP], (unsigned long long)k[C_FP], (unsigned long long)k[C_FN],
                (unsigned long long)k[C_GT]);
        put_ratio(fp, k[C_TP], k[C_TP] + k[C_FP]);
        put_ratio(fp, k[C_TP], k[C_TP] + k[C_FN]);
        put_ratio(fp, 2 * k[C_TP], 2 * k[C_TP] + k[C_FP] + k[C_FN]);   // F1 = 2PR/(P+R)
        fputc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}

/* --- main --------------------------------------------------------------- */

int main_concord(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.window = 10000;
    run_t run;
    memset(&run, 0, sizeof run);
    run.a = &a;
    htsThreadPool pool = { NULL, 0 };
    char why[600];
    int progress_on = 0;

    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;
    if (!(a.cmdline = g5_cmdline(argc, argv))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (!(run.norm = g5_varnorm_open(a.o.reference, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    if (a.regions && !(run.bed = regidx_init(a.regions, NULL, NULL, 0, NULL))) {
        g5_err(TOOL, "cannot read the regions \"%s\": missing, or not BED (chrom, 0-based start, end)", a.regions);
        goto done;
    }
    if (run.bed && check_regions(&run) < 0) goto done;
    if (g5_pool_init(&pool, a.o.threads) < 0) {
        g5_err_errno(TOOL, "cannot start threads");
        goto done;
    }
    if (stream_open(&run, &run.s[TRUTH], "truth", a.path[TRUTH], a.sample[TRUTH], &pool) < 0
        || stream_open(&run, &run.s[CALLS], "calls", a.path[CALLS], a.sample[CALLS], &pool) < 0)
        goto done;
    run.compare_gt = run.s[TRUTH].sample >= 0 && run.s[CALLS].sample >= 0;
    if (a.tsv) {
        if (!(run.out = g5_out_open(a.tsv)) || !(run.tsv = g5_out_stream(run.out))) {
            g5_err_errno(TOOL, "cannot write \"%s\"", a.tsv);
            goto done;
        }
        if ((!a.o.no_pg && g5_prov_tsv(run.tsv, TOOL, a.cmdline) < 0)
            || fputs("chrom\tpos\tref\talt\ttype\tstatus\ttruth_gt\tcalls_gt\n", run.tsv) == EOF) {
            g5_err_errno(TOOL, "cannot write \"%s\"", a.tsv);
            goto done;
        }
    }

    g5_progress_start(&run.progress, TOOL, "records", a.o.progress, 0);
    progress_on = 1;
    if (compare(&run) < 0) goto done;
    g5_progress_done(&run.progress);
    progress_on = 0;
    for (int i = 0; i < 2; i++)
        if (run.s[i].ndup)
            g5_warn(TOOL, "%llu variants of the %s \"%s\" repeat the one before after normalisation: "
                    "counted once", (unsigned long long)run.s[i].ndup, run.s[i].what, run.s[i].path);

    if (run.out) {
        g5_out_t *o = run.out;
        run.out = NULL;
        run.tsv = NULL;
        if (g5_out_commit(o) < 0) {
            g5_err_errno(TOOL, "cannot write \"%s\"", a.tsv);
            goto done;
        }
    }
    if (write_summary(stdout, &run) < 0) {
        g5_err_errno(TOOL, "cannot write the summary to standard output");
        goto done;
    }
    status = G5_EXIT_OK;

done:
    if (progress_on) g5_progress_done(&run.progress);
    if (run.out) g5_out_abort(run.out);
    stream_close(&run.s[TRUTH]);
    stream_close(&run.s[CALLS]);
    if (run.bed) regidx_destroy(run.bed);
    g5_varnorm_close(run.norm);
    g5_pool_destroy(&pool);
    free(a.cmdline);
    return g5_finish(TOOL, status);
}
