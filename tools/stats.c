/*
 * stats.c -- g5 stats: flagstat and samtools-stats summary numbers.
 *
 * One pass over a SAM/BAM/CRAM file feeds libseq/bamstats; this file parses
 * the options, wires the reader, the accumulators and the outputs together
 * and reports.  The numbers and their formats are bamstats' business.
 *
 * Outputs:
 *   default     a report in the layout of `samtools stats`: header comments,
 *               an FS section holding the `samtools flagstat` text, then the
 *               SN section.  MultiQC reads it as both a samtools stats and a
 *               samtools flagstat file.
 *   --flagstat  exactly what `samtools flagstat` prints, nothing else.
 *   --tsv       group, metric, value rows under a provenance comment.
 *   --split-rg  the same again for every read group, one file each.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>
#include <htslib/khash.h>

#include "alnio.h"
#include "bamstats.h"
#include "cli.h"
#include "out.h"
#include "progress.h"

static const char TOOL[] = "stats";

enum report { REPORT_TEXT, REPORT_FLAGSTAT, REPORT_TSV };

/* The statistics of one read group (or of records without one). */
typedef struct group {
    char *id;
    g5_bamstats_t st;
} group_t;

KHASH_MAP_INIT_STR(rg, size_t)

typedef struct args {
    g5_opts_t o;
    enum report report;
    const char *split_prefix;   /* --split-rg PREFIX, or NULL */
    const char *in_path;
    int help;                   /* -h: usage printed, nothing else to do */
    char *cmdline;              /* "g5 stats ...", for provenance */

    g5_bamstats_t all;
    group_t *groups;            /* --split-rg: one per read group ... */
    size_t ngroups, mgroups;
    khash_t(rg) *by_id;         /* ... found by ID */
    group_t none;               /* records without an RG tag */
    size_t last;                /* group of the previous record, a cache */
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 stats [options] IN.{sam,bam,cram}\n"
        "\n"
        "Alignment statistics in one pass: the numbers of `samtools flagstat` and the\n"
        "summary numbers (SN) of `samtools stats`, with the same semantics and formats.\n"
        "\n"
        "Report:\n"
        "      --flagstat          print exactly what `samtools flagstat` prints\n"
        "      --tsv               a table: group, metric, value\n"
        "      --split-rg PREFIX   also one report per read group: PREFIX.RG.stats\n"
        "                          (.flagstat, .tsv with the options above); records\n"
        "                          without RG go to PREFIX.no-RG.stats\n"
        "\n"
        "Common options:\n");
    g5_opts_help(fp, "@ofvph");
    fprintf(fp,
        "\n"
        "The default report has the layout of `samtools stats` (FS section: the\n"
        "flagstat text; SN section: summary numbers), and MultiQC reads it as both.\n"
        "See g5-stats(1).\n");
}

/* --- read groups -------------------------------------------------------- */

static group_t *group_new(args_t *a, const char *id)
{
    if (a->ngroups == a->mgroups) {
        size_t m = a->mgroups ? 2 * a->mgroups : 8;
        group_t *g = realloc(a->groups, m * sizeof *g);
        if (!g) return NULL;
        a->groups = g;
        a->mgroups = m;
    }
    group_t *g = &a->groups[a->ngroups];
    if (!(g->id = strdup(id))) return NULL;
    int absent;
    khiter_t k = kh_put(rg, a->by_id, g->id, &absent);
    if (absent < 0) {
        free(g->id);
        return NULL;
    }
    kh_val(a->by_id, k) = a->ngroups++;
    g5_bamstats_init(&g->st);
    return g;
}

/* The group a record belongs to, creating it on first sight: a record may
 * name a read group the header does not declare, and is still counted. */
static g5_bamstats_t *group_of(args_t *a, const bam1_t *b)
{
    const uint8_t *tag = bam_aux_get(b, "RG");
    const char *id = tag && *tag == 'Z' ? (const char *)tag + 1 : NULL;
    if (!id) return &a->none.st;

    // Files are usually runs of one read group: try the last one first.
    if (a->last < a->ngroups && strcmp(a->groups[a->last].id, id) == 0)
        return &a->groups[a->last].st;
    khiter_t k = kh_get(rg, a->by_id, id);
    if (k != kh_end(a->by_id)) {
        a->last = kh_val(a->by_id, k);
    } else {
        if (!group_new(a, id)) return NULL;
        a->last = a->ngroups - 1;
    }
    return &a->groups[a->last].st;
}

/* Declared read groups get a report even when no record names them, so a
 * sample sheet can be checked against the outputs. */
static int groups_from_header(args_t *a, sam_hdr_t *h)
{
    int n = sam_hdr_count_lines(h, "RG");
    for (int i = 0; i < n; i++) {
        const char *id = sam_hdr_line_name(h, "RG", i);
        if (id && kh_get(rg, a->by_id, id) == kh_end(a->by_id) && !group_new(a, id)) return -1;
    }
    return 0;
}

/* A file name part for read group @p id: letters, digits and "._-+" stay,
 * anything else becomes %XX, so distinct IDs never share a file and an ID
 * such as "../x" cannot leave the directory. */
static char *safe_name(const char *id)
{
    char *s = malloc(3 * strlen(id) + 1), *p = s;
    if (!s) return NULL;
    for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
            || strchr("._-+", *c))
            *p++ = (char)*c;
        else
            p += sprintf(p, "%%%02X", *c);
    }
    *p = '\0';
    return s;
}

/* Count one record: the flagstat counters alone when that is all the
 * report shows, which costs little more than decoding the record. */
static int count(const args_t *a, g5_bamstats_t *st, const bam1_t *b)
{
    if (a->report != REPORT_FLAGSTAT) return g5_bamstats_add(st, b);
    g5_flagstat_add(&st->fs, &b->core);
    return 0;
}

/* --- reports ------------------------------------------------------------ */

/* Write one report for @p st to @p fp.  @p rg is the read group ID, NULL
 * for all records and "" for records without a read group. */
static int write_report(const args_t *a, FILE *fp, const g5_bamstats_t *st, const char *rg)
{
    if (a->report == REPORT_FLAGSTAT)
        return g5_bamstats_write_flagstat(fp, st, NULL);   // byte-exact: no comments

    if (a->report == REPORT_TSV) {
        if (g5_prov_tsv(fp, TOOL, a->cmdline) < 0 || fputs("group\tmetric\tvalue\n", fp) == EOF)
            return -1;
        return g5_bamstats_write_tsv(fp, st, rg ? (*rg ? rg : "no-RG") : "all");
    }

    return g5_bamstats_write_report(fp, st, TOOL, a->cmdline, rg);
}

/* One report, as g5_out_text wants its writer. */
typedef struct report_job {
    const args_t *a;
    const g5_bamstats_t *st;
    const char *rg;
} report_job_t;

static int write_job(FILE *fp, void *job)
{
    const report_job_t *j = job;
    return write_report(j->a, fp, j->st, j->rg);
}

/* Write one whole report to @p path, atomically.
 * @return 0, or -1 after reporting the error */
static int emit(const args_t *a, const char *path, const g5_bamstats_t *st, const char *rg)
{
    report_job_t job = { a, st, rg };
    if (g5_out_text(path, write_job, &job) == 0) return 0;
    g5_err_errno(TOOL, "cannot write \"%s\"", path);
    return -1;
}

static int emit_groups(const args_t *a)
{
    const char *ext = a->report == REPORT_FLAGSTAT ? "flagstat" : a->report == REPORT_TSV ? "tsv" : "stats";
    int has_none = a->none.st.fs.total[0] + a->none.st.fs.total[1] > 0;
    for (size_t i = 0; i <= a->ngroups; i++) {
        const group_t *g = i < a->ngroups ? &a->groups[i] : NULL;
        if (!g && !has_none) break;
        char *name = g ? safe_name(g->id) : strdup("no-RG");
        char *path = name ? malloc(strlen(a->split_prefix) + strlen(name) + strlen(ext) + 3) : NULL;
        if (!path) {
            free(name);
            g5_err(TOOL, "out of memory");
            return -1;
        }
        sprintf(path, "%s.%s.%s", a->split_prefix, name, ext);
        int r = 0;
        if (g && has_none && strcmp(name, "no-RG") == 0) {
            // The one name the escaping cannot keep apart.
            g5_err(TOOL, "read group \"no-RG\" and records without a read group would share \"%s\"", path);
            r = -1;
        }
        if (r == 0) r = emit(a, path, g ? &g->st : &a->none.st, g ? g->id : "");
        free(name);
        free(path);
        if (r < 0) return -1;
    }
    return 0;
}

/* --- main --------------------------------------------------------------- */

enum { OPT_FLAGSTAT = G5_OPT_TOOL_BASE, OPT_TSV, OPT_SPLIT_RG };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"flagstat", no_argument, NULL, OPT_FLAGSTAT},
        {"tsv", no_argument, NULL, OPT_TSV},
        {"split-rg", required_argument, NULL, OPT_SPLIT_RG},
        {NULL, 0, NULL, 0}
    };
    int c, r, tsv = 0, flagstat = 0;
    opterr = 0;     // we report bad options ourselves, in the g5 format
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:f:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case OPT_FLAGSTAT: flagstat = 1; break;
        case OPT_TSV: tsv = 1; break;
        case OPT_SPLIT_RG:
            if (!*optarg) return g5_usage_error(TOOL, "--split-rg needs a non-empty PREFIX");
            a->split_prefix = optarg;
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@ofvp")) != G5_EXIT_OK) return r;
        }
    }
    if (tsv && flagstat) return g5_usage_error(TOOL, "--tsv and --flagstat exclude each other");
    a->report = tsv ? REPORT_TSV : flagstat ? REPORT_FLAGSTAT : REPORT_TEXT;
    if ((r = g5_opts_one_input(&a->o, argc, argv, usage, &a->in_path)) != G5_EXIT_OK) return r;
    return G5_EXIT_OK;
}

int main_stats(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    g5_bamstats_init(&a.all);
    g5_bamstats_init(&a.none.st);

    htsThreadPool pool = { NULL, 0 };
    g5_alnin_t in;
    int in_open = 0;
    bam1_t *b = NULL;
    g5_progress_t progress;
    g5_out_t *out = NULL;
    FILE *out_fp = NULL;
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;

    if (!(a.cmdline = g5_cmdline(argc, argv)) || !(b = bam_init1()) || (a.split_prefix && !(a.by_id = kh_init(rg)))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (g5_pool_init(&pool, a.o.threads) < 0) {
        g5_err_errno(TOOL, "cannot start %d threads", a.o.threads);
        goto done;
    }
    // The main output is opened first so that a bad -o fails before a
    // long read, not after it.
    if (!(out = g5_out_open(a.o.out)) || !(out_fp = g5_out_stream(out))) {
        g5_err_errno(TOOL, "cannot write \"%s\"", a.o.out);
        goto done;
    }
    if (g5_alnin_open(&in, a.in_path, a.o.reference, &pool) < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a.in_path, in.why);
        goto done;
    }
    in_open = 1;
    if (a.report == REPORT_FLAGSTAT && in.fp->format.format == cram) {
        // Flagstat needs no bases: like samtools flagstat, ask the CRAM
        // decoder for the few fields it uses, which also works without the
        // reference.  (A failure only costs speed, so it is not checked.)
        int fields = SAM_FLAG | SAM_RNAME | SAM_MAPQ | SAM_RNEXT;
        if (a.split_prefix) fields |= SAM_RGAUX;
        hts_set_opt(in.fp, CRAM_OPT_REQUIRED_FIELDS, fields);
    }
    if (a.split_prefix && groups_from_header(&a, in.hdr) < 0) {
        g5_err(TOOL, "out of memory");
        goto done;
    }

    g5_progress_start(&progress, TOOL, "reads", a.o.progress, 0);
    int r;
    while ((r = g5_alnin_next(&in, b)) > 0) {
        if (count(&a, &a.all, b) < 0) break;      // only ENOMEM
        if (a.split_prefix) {
            g5_bamstats_t *g = group_of(&a, b);
            if (!g || count(&a, g, b) < 0) break;
        }
        g5_progress_add(&progress, 1);
    }
    g5_progress_done(&progress);
    if (r > 0) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (r < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a.in_path, in.why);
        goto done;
    }
    in_open = 0;
    if (g5_alnin_close(&in) < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a.in_path, in.why);
        goto done;
    }

    // Per-group files first: the main output appears last, so its presence
    // means the whole run succeeded.
    if (a.split_prefix && emit_groups(&a) < 0) goto done;
    if (write_report(&a, out_fp, &a.all, NULL) < 0) {
        g5_err_errno(TOOL, "cannot write \"%s\"", a.o.out);
        goto done;
    }
    g5_out_t *done_out = out;
    out = NULL;     // committed or, on failure, removed: no longer ours to abort
    if (g5_out_commit(done_out) < 0) {
        g5_err_errno(TOOL, "cannot write \"%s\"", a.o.out);
        goto done;
    }
    status = G5_EXIT_OK;

done:
    g5_out_abort(out);
    if (in_open) g5_alnin_close(&in);
    g5_pool_destroy(&pool);
    bam_destroy1(b);
    g5_bamstats_destroy(&a.all);
    g5_bamstats_destroy(&a.none.st);
    for (size_t i = 0; i < a.ngroups; i++) {
        free(a.groups[i].id);
        g5_bamstats_destroy(&a.groups[i].st);
    }
    free(a.groups);
    if (a.by_id) kh_destroy(rg, a.by_id);
    free(a.cmdline);
    return g5_finish(TOOL, status);
}
