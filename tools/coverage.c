/*
 * coverage.c -- g5 coverage: depth of coverage with mosdepth's outputs, in
 * bounded memory, plus a per-sample summary and the inferred sex.
 *
 * One pass over a coordinate-sorted SAM/BAM/CRAM: records are filtered here,
 * libseq/depth turns them into runs of equal depth, libseq/covreport counts
 * the runs into mosdepth's files.  This file adds what is per sample: the
 * sample name, PREFIX.sex.tsv and PREFIX.g5cov_mqc.tsv.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>

#include "alnio.h"
#include "cli.h"
#include "covreport.h"
#include "depth.h"
#include "out.h"
#include "progress.h"

static const char TOOL[] = "coverage";

#define DEFAULT_MEMORY ((size_t)512 << 20)
#define DEFAULT_EXCLUDE (BAM_FUNMAP | BAM_FSECONDARY | BAM_FQCFAIL | BAM_FDUP)

typedef struct args {
    g5_opts_t o;
    const char *prefix, *in_path;
    const char *by;
    int *thresholds, nthresholds, thresholds_pct;
    const char *quantize;
    int per_base;
    long exclude, include, min_mapq;
    char **read_groups;
    int nread_groups;
    int fast;
    const char *chrom;
    g5_sexrule_t sex;
    char sex_names[2][256];     /* --sex-chroms, which sex points into */
    int help;
    char *cmdline;
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 coverage [options] PREFIX IN.{bam,cram}\n"
        "\n"
        "Depth of coverage from a coordinate-sorted file, in mosdepth's files and\n"
        "formats, in memory that does not grow with the contigs' lengths:\n"
        "  PREFIX.mosdepth.summary.txt, PREFIX.mosdepth.global.dist.txt,\n"
        "  PREFIX.mosdepth.region.dist.txt and PREFIX.regions.bed.gz (with --by),\n"
        "  PREFIX.thresholds.bed.gz (-T), PREFIX.quantized.bed.gz (-q),\n"
        "  PREFIX.per-base.bed.gz (--per-base); the .bed.gz files with a .csi index.\n"
        "Also PREFIX.sex.tsv (X and Y depth relative to the autosomes, inferred sex)\n"
        "and PREFIX.g5cov_mqc.tsv (the sample's summary for MultiQC).\n"
        "\n"
        "Outputs:\n"
        "  -b, --by WINDOW|BED      mean depth per window of WINDOW bases, or per region\n"
        "                           of a BED file (its 4th column is kept as the name)\n"
        "  -T, --thresholds LIST    with --by: bases at or above each depth, e.g. 1,10,20,30\n"
        "      --thresholds-pct     add the same as percentages of the region\n"
        "  -q, --quantize SEGS      merge bases into depth bins, e.g. 0:1:4:100: (names\n"
        "                           from $MOSDEPTH_Q0, $MOSDEPTH_Q1, ... when set)\n"
        "      --per-base           write the depth of every base\n"
        "  -n, --no-per-base        the default; accepted for mosdepth's command lines\n"
        "\n"
        "Records counted:\n"
        "  -F, --flag INT           skip records with any of these flags [1796: unmapped,\n"
        "                           secondary, QC-fail, duplicate]\n"
        "  -i, --include-flag INT   count only records with one of these flags\n"
        "  -Q, --mapq INT           skip records with mapping quality below INT [0]\n"
        "  -R, --read-groups LIST   count only these read groups (IDs, comma-separated)\n"
        "  -x, --fast-mode          count each record from start to end, deletions\n"
        "                           included, without removing mate overlaps\n"
        "  -c, --chrom NAME         only this contig (the file needs an index)\n"
        "\n"
        "Sex inference:\n"
        "      --sex-chroms X,Y     names of the sex chromosomes [X,Y; chrX, CHROMOSOME_X\n"
        "                           match too]\n"
        "      --sex-cutoffs F,M    female when X/autosome >= F (and Y/autosome < M),\n"
        "                           male when F/3 <= X/autosome < F (and Y/autosome >= M)\n"
        "                           [0.75,0.1]\n"
        "\n"
        "Common options:\n");
    g5_opts_help(fp, "@mfvph");
    fprintf(fp,
        "\n"
        "mosdepth's -t (threads), -f (fasta) and -m (median) are -@, -f and (not\n"
        "offered) here: -m is g5's memory budget [512M].  See g5-coverage(1).\n");
}

/* --- options ------------------------------------------------------------ */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Split @p s at commas into @p items (pointers into a copy owned by *items). */
static int split_commas(const char *s, char ***items)
{
    char *copy = strdup(s);
    int n = 1;
    for (const char *p = s; *p; p++) n += *p == ',';
    char **v = malloc((n + 1) * sizeof *v);
    if (!copy || !v) {
        free(copy);
        free(v);
        return -1;
    }
    n = 0;
    for (char *p = copy, *c; ; p = c + 1) {
        v[n++] = p;
        if (!(c = strchr(p, ','))) break;
        *c = '\0';
    }
    *items = v;
    return n;
}

static void free_split(char **items)
{
    if (items) free(items[0]);
    free(items);
}

static int parse_thresholds(args_t *a, const char *s)
{
    free(a->thresholds);
    a->thresholds = NULL;
    int n = g5_parse_int_list(s, 0, INT32_MAX, &a->thresholds);
    if (n < 0)
        return g5_usage_error(TOOL, errno == ENOMEM ? "out of memory" : "-T wants depths separated by commas, not \"%s\"", s);
    qsort(a->thresholds, n, sizeof *a->thresholds, cmp_int);
    a->nthresholds = n;
    return G5_EXIT_OK;
}

static int parse_sex_chroms(args_t *a, const char *s)
{
    const char *comma = strchr(s, ',');
    if (!comma || comma == s || !comma[1] || strchr(comma + 1, ','))
        return g5_usage_error(TOOL, "--sex-chroms wants two names, X,Y");
    char (*names)[256] = a->sex_names;
    if (comma - s >= 256 || strlen(comma + 1) >= 256) return g5_usage_error(TOOL, "--sex-chroms: name too long");
    memcpy(names[0], s, comma - s);
    names[0][comma - s] = '\0';
    strcpy(names[1], comma + 1);
    a->sex.x_name = names[0];
    a->sex.y_name = names[1];
    return G5_EXIT_OK;
}

static int parse_sex_cutoffs(args_t *a, const char *s)
{
    char **f;
    int n = split_commas(s, &f);
    if (n < 0) return g5_usage_error(TOOL, "out of memory");
    int ok = n == 2 && g5_parse_double(f[0], 0, 10, &a->sex.x_female) == 0
             && g5_parse_double(f[1], 0, 10, &a->sex.y_male) == 0 && a->sex.x_female > 0;
    free_split(f);
    return ok ? G5_EXIT_OK : g5_usage_error(TOOL, "--sex-cutoffs wants two ratios F,M, e.g. 0.75,0.1");
}

enum { OPT_PER_BASE = G5_OPT_TOOL_BASE, OPT_THRESHOLDS_PCT, OPT_SEX_CHROMS, OPT_SEX_CUTOFFS };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"by", required_argument, NULL, 'b'},
        {"thresholds", required_argument, NULL, 'T'},
        {"thresholds-pct", no_argument, NULL, OPT_THRESHOLDS_PCT},
        {"quantize", required_argument, NULL, 'q'},
        {"per-base", no_argument, NULL, OPT_PER_BASE},
        {"no-per-base", no_argument, NULL, 'n'},
        {"flag", required_argument, NULL, 'F'},
        {"include-flag", required_argument, NULL, 'i'},
        {"mapq", required_argument, NULL, 'Q'},
        {"read-groups", required_argument, NULL, 'R'},
        {"fast-mode", no_argument, NULL, 'x'},
        {"chrom", required_argument, NULL, 'c'},
        {"sex-chroms", required_argument, NULL, OPT_SEX_CHROMS},
        {"sex-cutoffs", required_argument, NULL, OPT_SEX_CUTOFFS},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:m:f:b:T:q:nF:i:Q:R:xc:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case 'b':
            if (!*optarg) return g5_usage_error(TOOL, "--by wants a window size or a BED file");
            a->by = optarg;
            break;
        case 'T':
            if ((r = parse_thresholds(a, optarg)) != G5_EXIT_OK) return r;
            break;
        case OPT_THRESHOLDS_PCT: a->thresholds_pct = 1; break;
        case 'q': a->quantize = optarg; break;
        case OPT_PER_BASE: a->per_base = 1; break;
        case 'n': a->per_base = 0; break;
        case 'F':
            if (g5_parse_long(optarg, 0, 0xffff, &a->exclude) < 0)
                return g5_usage_error(TOOL, "-F wants a flag value 0-65535, not \"%s\"", optarg);
            break;
        case 'i':
            if (g5_parse_long(optarg, 0, 0xffff, &a->include) < 0)
                return g5_usage_error(TOOL, "-i wants a flag value 0-65535, not \"%s\"", optarg);
            break;
        case 'Q':
            if (g5_parse_long(optarg, 0, 255, &a->min_mapq) < 0)
                return g5_usage_error(TOOL, "-Q wants a mapping quality 0-255, not \"%s\"", optarg);
            break;
        case 'R':
            free_split(a->read_groups);
            if ((a->nread_groups = split_commas(optarg, &a->read_groups)) < 0)
                return g5_usage_error(TOOL, "out of memory");
            break;
        case 'x': a->fast = 1; break;
        case 'c': a->chrom = optarg; break;
        case OPT_SEX_CHROMS:
            if ((r = parse_sex_chroms(a, optarg)) != G5_EXIT_OK) return r;
            break;
        case OPT_SEX_CUTOFFS:
            if ((r = parse_sex_cutoffs(a, optarg)) != G5_EXIT_OK) return r;
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@mfvp")) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (argc - optind != 2)
        return g5_usage_error(TOOL, "wants PREFIX and one input file, got %d argument%s",
                              argc - optind, argc - optind == 1 ? "" : "s");
    a->prefix = argv[optind];
    a->in_path = argv[optind + 1];
    if (!*a->prefix) return g5_usage_error(TOOL, "PREFIX is empty");
    if (a->nthresholds && !a->by) return g5_usage_error(TOOL, "-T/--thresholds needs --by");
    if (a->thresholds_pct && !a->nthresholds) return g5_usage_error(TOOL, "--thresholds-pct needs -T");
    if (a->quantize) {
        int32_t *b;
        if (g5_covreport_quantize_bounds(a->quantize, &b) < 0)
            return g5_usage_error(TOOL, "invalid --quantize segments \"%s\": want increasing depths, e.g. 0:1:4:",
                                  a->quantize);
        free(b);
    }
    if (!a->o.memory) a->o.memory = DEFAULT_MEMORY;
    return G5_EXIT_OK;
}

/* --- the pass ----------------------------------------------------------- */

typedef struct run {
    const args_t *a;
    g5_alnin_t *in;
    g5_depth_t *depth;
    g5_covreport_t *rep;
    int open;               /* a contig is begun */
    size_t fixed;           /* bytes the counter holds whatever the input */
} run_t;

static int keep(const args_t *a, const bam1_t *b)
{
    const bam1_core_t *c = &b->core;
    if (c->qual < a->min_mapq) return 0;
    if (c->flag & a->exclude) return 0;
    if (a->include && !(c->flag & a->include)) return 0;
    if (a->nread_groups) {
        const uint8_t *rg = bam_aux_get(b, "RG");
        const char *id = rg && *rg == 'Z' ? (const char *)rg + 1 : NULL;
        if (!id) return 0;
        for (int i = 0; i < a->nread_groups; i++)
            if (strcmp(id, a->read_groups[i]) == 0) return 1;
        return 0;
    }
    return 1;
}

static int contig_begin(run_t *r, int tid, int found)
{
    if (g5_covreport_begin(r->rep, tid, found) < 0) return -1;
    r->open = 1;
    return g5_depth_begin(r->depth, sam_hdr_tid2len(r->in->hdr, tid));
}

static int contig_end(run_t *r)
{
    if (!r->open) return 0;
    r->open = 0;
    return g5_depth_end(r->depth) < 0 || g5_covreport_end(r->rep) < 0 ? -1 : 0;
}

/* Contigs without records: all depth zero, but still in the tracks. */
static int empty_contigs(run_t *r, int from, int to)
{
    for (int t = from; t < to; t++)
        if (contig_begin(r, t, 0) < 0 || contig_end(r) < 0) return -1;
    return 0;
}

static const char *where(const sam_hdr_t *h, int tid, hts_pos_t pos, char *buf, size_t n)
{
    snprintf(buf, n, "%s:%" PRIhts_pos, sam_hdr_tid2name(h, tid), pos + 1);
    return buf;
}

/* Count every record; @return 0, or -1 after reporting the error. */
static int count(run_t *r, int only_tid)
{
    const args_t *a = r->a;
    g5_alnin_t *in = r->in;
    int ntargets = sam_hdr_nref(in->hdr);
    int cur = -1, first = only_tid >= 0 ? only_tid : 0, last = only_tid >= 0 ? only_tid + 1 : ntargets;
    int unplaced = 0;       // unplaced reads seen: they come last in a sorted file
    hts_pos_t last_pos = -1;
    bam1_t *b = bam_init1();
    g5_progress_t progress;
    int ret, status = -1;
    uint64_t n = 0;
    char w1[128], w2[128];
    if (!b) {
        g5_err(TOOL, "out of memory");
        return -1;
    }
    g5_progress_start(&progress, TOOL, "reads", a->o.progress, 0);
    while ((ret = g5_alnin_next(in, b)) > 0) {
        const bam1_core_t *c = &b->core;
        g5_progress_add(&progress, 1);
        if (c->tid < 0) {
            unplaced = 1;
            continue;
        }
        if (unplaced || c->tid < cur || (c->tid == cur && c->pos < last_pos)) {
            g5_err(TOOL, "\"%s\" is not sorted by coordinate: record %s at %s comes after %s "
                   "(sort it with g5 sort)", a->in_path, bam_get_qname(b),
                   where(in->hdr, c->tid, c->pos, w1, sizeof w1),
                   unplaced ? "unplaced reads" : where(in->hdr, cur, last_pos, w2, sizeof w2));
            goto done;
        }
        if (c->tid != cur) {
            if ((cur >= 0 && contig_end(r) < 0) || empty_contigs(r, cur < 0 ? first : cur + 1, c->tid) < 0
                || contig_begin(r, c->tid, 1) < 0)
                goto io_error;
            cur = c->tid;
        }
        last_pos = c->pos;
        if (!keep(a, b)) continue;
        if (g5_depth_add(r->depth, b) < 0) goto io_error;
        if ((++n & 4095) == 0) {
            size_t used = g5_depth_bytes(r->depth) + g5_covreport_bytes(r->rep);
            if (used > a->o.memory) {
                g5_err(TOOL, "\"%s\": memory budget (-m) exceeded at %s: %.1f MiB held, %.1f MiB of it by "
                       "%s (raise -m%s)", a->in_path, where(in->hdr, c->tid, c->pos, w1, sizeof w1),
                       used / 1048576.0, (used - r->fixed) / 1048576.0,
                       a->fast ? "records spanning far ahead" : "mates waiting for their pair, records spanning far ahead",
                       a->fast ? "" : ", or use --fast-mode");
                goto done;
            }
        }
    }
    g5_progress_done(&progress);
    if (ret < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a->in_path, in->why);
        goto done;
    }
    if ((cur >= 0 && contig_end(r) < 0) || empty_contigs(r, cur >= 0 ? cur + 1 : first, last) < 0)
        goto io_error;
    status = 0;
    goto done;
io_error:
    g5_err_errno(TOOL, "cannot write \"%s.*\"", a->prefix);
done:
    bam_destroy1(b);
    return status;
}

/* --- per-sample outputs ------------------------------------------------- */

typedef struct sample_out {
    const args_t *a;
    const char *name;
    const g5_covsample_t *s;
    const g5_covreport_t *rep;
    const int *pct_at;
    int npct;
} sample_out_t;

static void put_ratio(kstring_t *k, double v, int prec)
{
    if (isnan(v)) kputs("NA", k);
    else ksprintf(k, "%.*f", prec, v);
}

static int write_sex(FILE *fp, void *ctx)
{
    const sample_out_t *o = ctx;
    const g5_covsample_t *s = o->s;
    const g5_sexrule_t *x = &o->a->sex;
    kstring_t k = KS_INITIALIZE;
    ksprintf(&k, "sample\tautosome_depth\tx_depth\ty_depth\tx_autosome_ratio\ty_autosome_ratio\t"
             "inferred_sex\tthresholds\n%s\t", o->name);
    put_ratio(&k, s->autosome_depth, 2); kputc('\t', &k);
    put_ratio(&k, s->x_depth, 2); kputc('\t', &k);
    put_ratio(&k, s->y_depth, 2); kputc('\t', &k);
    put_ratio(&k, s->x_ratio, 4); kputc('\t', &k);
    put_ratio(&k, s->y_ratio, 4);
    ksprintf(&k, "\t%s\tfemale: %s/A>=%g, %s/A<%g; male: %g<=%s/A<%g, %s/A>=%g\n", s->sex,
             x->x_name, x->x_female, x->y_name, x->y_male, x->x_female / 3, x->x_name, x->x_female,
             x->y_name, x->y_male);
    int r = !k.s || g5_prov_tsv(fp, TOOL, o->a->cmdline) < 0 || fputs(k.s, fp) == EOF ? -1 : 0;
    free(k.s);
    return r;
}

/* YAML single-quoted scalar: a quote is written twice. */
static void put_yaml(kstring_t *k, const char *s)
{
    kputc('\'', k);
    for (; *s; s++) {
        if (*s == '\'') kputc('\'', k);
        kputc(*s == '\n' ? ' ' : *s, k);
    }
    kputc('\'', k);
}

/* MultiQC custom content: one table row per sample; files of several
 * samples with the same id are joined into one table. */
static int write_mqc(FILE *fp, void *ctx)
{
    const sample_out_t *o = ctx;
    const g5_covsample_t *s = o->s;
    kstring_t k = KS_INITIALIZE;
    kputs("# id: 'g5cov'\n# section_name: 'g5 coverage'\n# description: ", &k);
    kstring_t d = KS_INITIALIZE;
    ksprintf(&d, "Depth of coverage and inferred sex, by g5 coverage %s (%s)", g5_version(), o->a->cmdline);
    put_yaml(&k, d.s ? d.s : "");
    free(d.s);
    kputs("\n# plot_type: 'table'\n# pconfig:\n#     id: 'g5cov_table'\n#     namespace: 'g5 coverage'\n", &k);
    kputs("Sample\tmean_depth\tmedian_depth", &k);
    for (int i = 0; i < o->npct; i++) ksprintf(&k, "\tpct_%dx", o->pct_at[i]);
    kputs("\tx_autosome_ratio\ty_autosome_ratio\tinferred_sex\n", &k);
    ksprintf(&k, "%s\t%.2f\t%d", o->name, s->mean, s->median);
    for (int i = 0; i < o->npct; i++)
        ksprintf(&k, "\t%.2f", 100.0 * g5_covreport_fraction_at(o->rep, o->pct_at[i]));
    kputc('\t', &k); put_ratio(&k, s->x_ratio, 4);
    kputc('\t', &k); put_ratio(&k, s->y_ratio, 4);
    ksprintf(&k, "\t%s\n", s->sex);
    int r = !k.s || fputs(k.s, fp) == EOF ? -1 : 0;
    free(k.s);
    return r;
}

static int write_sample(const args_t *a, const g5_covreport_t *rep, const sam_hdr_t *h)
{
    static const int default_pct[] = { 1, 10, 20, 30 };
    g5_covsample_t s;
    g5_covreport_sample(rep, &a->sex, &s);
    // SM, else PREFIX's last part: the name MultiQC's mosdepth module gives it
    char *name = g5_sample_name(h, a->prefix, 0);
    kstring_t path = KS_INITIALIZE;
    sample_out_t o = { a, name, &s, rep, a->nthresholds ? a->thresholds : default_pct,
                       a->nthresholds ? a->nthresholds : 4 };
    int r = -1;
    if (!name) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    ksprintf(&path, "%s.sex.tsv", a->prefix);
    if (g5_out_text(path.s, write_sex, &o) < 0) goto io_error;
    path.l = 0;
    ksprintf(&path, "%s.g5cov_mqc.tsv", a->prefix);
    if (g5_out_text(path.s, write_mqc, &o) < 0) goto io_error;
    // the sample's line: mean, median, share at the second threshold (10x), sex
    int at = o.pct_at[o.npct > 1 ? 1 : 0];
    kstring_t ratios = KS_INITIALIZE;
    kputs("X/A ", &ratios); put_ratio(&ratios, s.x_ratio, 2);
    kputs(", Y/A ", &ratios); put_ratio(&ratios, s.y_ratio, 2);
    g5_info(TOOL, "%s: mean depth %.2f, median %d, %.1f%% of bases at %dx or more; sex %s (%s)",
            name, s.mean, s.median, 100.0 * g5_covreport_fraction_at(rep, at), at, s.sex,
            ratios.s ? ratios.s : "");
    free(ratios.s);
    r = 0;
    goto done;
io_error:
    g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
done:
    free(name);
    free(path.s);
    return r;
}

/* --- main --------------------------------------------------------------- */

int main_coverage(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.exclude = DEFAULT_EXCLUDE;
    a.sex = (g5_sexrule_t)G5_SEXRULE_DEFAULT;

    htsThreadPool pool = { NULL, 0 };
    g5_alnin_t in;
    int in_open = 0;
    g5_covreport_t *rep = NULL;
    g5_depth_t *depth = NULL;
    sam_hdr_t *hdr = NULL;      // the report's copy: it outlives the reader
    char why[512];
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;

    if (!(a.cmdline = g5_cmdline(argc, argv))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (g5_pool_init(&pool, a.o.threads) < 0) {
        g5_err_errno(TOOL, "cannot start %d threads", a.o.threads);
        goto done;
    }
    if (g5_alnin_open(&in, a.in_path, a.o.reference, &pool) < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a.in_path, in.why);
        goto done;
    }
    in_open = 1;
    if (!(hdr = sam_hdr_dup(in.hdr))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (sam_hdr_nref(hdr) == 0) {
        g5_err(TOOL, "\"%s\" has no contigs in its header (@SQ): nothing to cover", a.in_path);
        goto done;
    }
    // The CRAM decoder need not rebuild what depth never looks at.
    if (in.fp->format.format == cram) {
        int fields = SAM_FLAG | SAM_RNAME | SAM_POS | SAM_MAPQ | SAM_CIGAR;
        if (!a.fast) fields |= SAM_QNAME | SAM_RNEXT | SAM_PNEXT;
        if (a.nread_groups) fields |= SAM_RGAUX;
        hts_set_opt(in.fp, CRAM_OPT_REQUIRED_FIELDS, fields);
        hts_set_opt(in.fp, CRAM_OPT_DECODE_MD, 0);
    }

    int only_tid = -1;
    if (a.chrom) {
        if ((only_tid = sam_hdr_name2tid(in.hdr, a.chrom)) < 0) {
            g5_err(TOOL, "contig \"%s\" (-c) is not in the header of \"%s\"", a.chrom, a.in_path);
            goto done;
        }
        if (g5_alnin_query(&in, a.chrom) < 0) {
            g5_err(TOOL, "cannot read \"%s\" for -c %s: %s", a.in_path, a.chrom, in.why);
            goto done;
        }
    }

    g5_covreport_opts_t ro = {
        .prefix = a.prefix, .thresholds = a.thresholds, .nthresholds = a.nthresholds,
        .thresholds_pct = a.thresholds_pct, .quantize = a.quantize, .per_base = a.per_base,
        .only_tid = only_tid, .pool = &pool, .threads = a.o.threads > 0 ? a.o.threads : 1,
    };
    if (a.by) {
        long w;
        if (strspn(a.by, "0123456789") == strlen(a.by)) {
            if (g5_parse_long(a.by, 1, INT32_MAX, &w) < 0) {
                g5_err(TOOL, "--by %s: a window must be at least 1 base", a.by);
                status = G5_EXIT_USAGE;
                goto done;
            }
            ro.window = w;
        } else {
            ro.bed = a.by;
        }
    }
    if (!(rep = g5_covreport_open(&ro, hdr, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    if (g5_covreport_bytes(rep) > a.o.memory) {
        g5_err(TOOL, "the regions of \"%s\" alone need %zu MiB, more than the memory budget (-m)",
               a.by, g5_covreport_bytes(rep) >> 20);
        goto done;
    }
    if (!(depth = g5_depth_init(a.fast, g5_covreport_run, rep))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }

    run_t r = { &a, &in, depth, rep, 0, g5_depth_bytes(depth) + g5_covreport_bytes(rep) };
    if (r.fixed > a.o.memory) {
        g5_err(TOOL, "-m: a budget of %.1f MiB is below the %.1f MiB counting needs at least",
               a.o.memory / 1048576.0, r.fixed / 1048576.0);
        status = G5_EXIT_USAGE;
        goto done;
    }
    if (count(&r, only_tid) < 0) goto done;
    in_open = 0;
    if (g5_alnin_close(&in) < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a.in_path, in.why);
        goto done;
    }
    // Per-sample files first, mosdepth's summary last: its presence means
    // the whole run succeeded.
    if (write_sample(&a, rep, hdr) < 0) goto done;
    if (g5_covreport_commit(rep, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    status = G5_EXIT_OK;

done:
    g5_covreport_destroy(rep);
    g5_depth_destroy(depth);
    if (in_open) g5_alnin_close(&in);
    g5_pool_destroy(&pool);
    sam_hdr_destroy(hdr);
    free(a.thresholds);
    free_split(a.read_groups);
    free(a.cmdline);
    return g5_finish(TOOL, status);
}
