/*
 * sort.c -- g5 sort: coordinate, name or tag order under one memory budget.
 *
 * Reads one SAM/BAM/CRAM, feeds libseq/sortbuf (which spills sorted runs
 * under -T and merges them), and writes through libseq/alnout.  The order
 * is samtools sort's to the last tie; -m is the budget of the whole process,
 * not per thread as in samtools.
 *
 * With --markdup the input is aligner output (the records of a template
 * together): libseq/dupgroup marks duplicates on the way in, labelling
 * each record, and the decisions are applied on the way out of the merge,
 * so one process replaces collate | fixmate | sort | markdup.  The flags
 * equal g5 markdup's on the sorted file.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <htslib/sam.h>

#include "alnio.h"
#include "alnout.h"
#include "bamorder.h"
#include "bamstats.h"
#include "cli.h"
#include "dupgroup.h"
#include "out.h"
#include "progress.h"
#include "sortbuf.h"

static const char TOOL[] = "sort";

#define DEFAULT_MEMORY ((size_t)768 << 20)
/* Below this, htslib's own buffers and the thread pool's queues would be a
 * large part of the budget, and the sort could not keep its promise. */
#define MIN_MEMORY ((size_t)32 << 20)

typedef struct args {
    g5_opts_t o;
    g5_sortspec_t spec;
    const char *tmpdir;         /* -T DIR, or NULL: next to the output */
    const char *in_path;
    int help;
    // --markdup and its outputs
    int markdup, remove, tag;
    int optical_distance;
    const char *metrics;        /* -M FILE */
    const char *stats;          /* --stats FILE */
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 sort [options] IN.{sam,bam,cram}\n"
        "\n"
        "Sort alignments by coordinate (default) or name, in exactly the order of\n"
        "`samtools sort`, within one memory budget for the whole process.\n"
        "\n"
        "Order:\n"
        "  -n                      sort by read name (natural order, as samtools -n)\n"
        "  -t TAG                  sort by the value of TAG first, then by coordinate\n"
        "                          (or by name with -n)\n"
        "\n"
        "Duplicates (input: aligner output, the records of a template together):\n"
        "      --markdup           mark duplicates as g5 markdup does (Picard semantics)\n"
        "  -M, --metrics FILE      write Picard's duplication metrics to FILE\n"
        "      --stats FILE        write the g5 stats report of the output to FILE\n"
        "  -d, --optical-distance N  pixels for optical duplicates [%d]\n"
        "      --remove            leave duplicates out instead of flagging them\n"
        "      --tag-duplicates    add DT:Z:SQ / DT:Z:LB to duplicates (Picard's DT)\n"
        "\n"
        "Resources:\n"
        "  -m, --memory SIZE       total memory budget [768M]; sorted runs beyond it\n"
        "                          are written to temporary files and merged\n"
        "  -T, --tmp-dir DIR       where the temporary runs go [the output's directory];\n"
        "                          they are uncompressed: room for ~2.5x the input BAM\n"
        "\n"
        "Common options:\n", G5_DUPSIG_OPTICAL_DISTANCE);
    g5_opts_help(fp, "@oOfwPvph");   // -m is described above
    fprintf(fp,
        "\n"
        "Output format follows -O, else the -o name (.sam, .cram, otherwise BAM).\n"
        "See g5-sort(1).\n");
}

enum { OPT_MARKDUP = G5_OPT_TOOL_BASE, OPT_STATS, OPT_REMOVE, OPT_TAG };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"tmp-dir", required_argument, NULL, 'T'},
        {"markdup", no_argument, NULL, OPT_MARKDUP},
        {"metrics", required_argument, NULL, 'M'},
        {"stats", required_argument, NULL, OPT_STATS},
        {"optical-distance", required_argument, NULL, 'd'},
        {"remove", no_argument, NULL, OPT_REMOVE},
        {"tag-duplicates", no_argument, NULL, OPT_TAG},
        {"dt", no_argument, NULL, OPT_TAG},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    long v;
    opterr = 0;
    optind = 1;
    a->optical_distance = G5_DUPSIG_OPTICAL_DISTANCE;
    while ((c = getopt_long(argc, argv, ":@:o:O:m:f:T:nt:M:d:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case 'n':
            a->spec.order = G5_ORDER_NAME;
            break;
        case 't':
            if (strlen(optarg) != 2) return g5_usage_error(TOOL, "-t needs a two-character tag, got \"%s\"", optarg);
            memcpy(a->spec.tag, optarg, 2);
            break;
        case 'T':
            a->tmpdir = optarg;
            break;
        case OPT_MARKDUP: a->markdup = 1; break;
        case 'M': a->metrics = optarg; break;
        case OPT_STATS: a->stats = optarg; break;
        case OPT_REMOVE: a->remove = 1; break;
        case OPT_TAG: a->tag = 1; break;
        case 'd':
            if (g5_parse_long(optarg, 0, 1000000, &v) < 0)
                return g5_usage_error(TOOL, "invalid optical distance \"%s\": expected pixels, 0 to 1000000", optarg);
            a->optical_distance = (int)v;
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@oOmfwPvp")) != G5_EXIT_OK) return r;
        }
    }
    if ((r = g5_opts_one_input(&a->o, argc, argv, usage, &a->in_path)) != G5_EXIT_OK) return r;
    if (!a->o.memory) a->o.memory = DEFAULT_MEMORY;
    if (a->o.memory < MIN_MEMORY)
        return g5_usage_error(TOOL, "memory budget too small: at least %zuM", MIN_MEMORY >> 20);
    if (!a->markdup && (a->metrics || a->remove || a->tag))
        return g5_usage_error(TOOL, "-M, --remove and --tag-duplicates need --markdup");
    if (a->markdup && (a->spec.order != G5_ORDER_COORD || a->spec.tag[0]))
        return g5_usage_error(TOOL, "--markdup writes coordinate order: it does not go with -n or -t");
    // an index of a name- or tag-sorted file answers nothing (samtools refuses it)
    if (a->o.write_index && (a->spec.order != G5_ORDER_COORD || a->spec.tag[0]))
        return g5_usage_error(TOOL, "--write-index needs coordinate order; it cannot go with -n or -t");
    return G5_EXIT_OK;
}

/* The prefix of the run files: -T DIR, or the output's directory (stdout:
 * $TMPDIR or /tmp), named after the output so concurrent sorts never meet. */
static char *run_prefix(const args_t *a)
{
    const char *out = a->o.out;
    int to_stdout = strcmp(out, "-") == 0;
    char *copy = strdup(to_stdout ? "sort" : out);
    if (!copy) return NULL;
    const char *dir = a->tmpdir;
    char *dcopy = NULL;
    if (!dir) {
        if (to_stdout) dir = g5_tmpdir(NULL);
        else if ((dcopy = strdup(out))) dir = dirname(dcopy);
    }
    char *prefix = NULL;
    if (dir) {
        size_t n = strlen(dir) + strlen(copy) + 16;
        if ((prefix = malloc(n))) snprintf(prefix, n, "%s/%s.g5sort", dir, basename(copy));
    }
    free(copy);
    free(dcopy);
    return prefix;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Labelled records go into the sort. */
static int to_sort(void *sb, const bam1_t *b)
{
    return g5_sortbuf_add(sb, b);
}

/* Set the duplicate flag (and DT) of a record on its way out.
 * @return 1 to write it, 0 to leave it out (--remove), -1 on ENOMEM */
static int apply_decision(const args_t *a, g5_dupgroup_t *g, bam1_t *b)
{
    int st = g5_dupgroup_decide(g, b);
    if (st < 0) return -1;
    if (st && a->remove) return 0;
    if (st) b->core.flag |= BAM_FDUP;
    else b->core.flag &= ~BAM_FDUP;
    // A DT tag from an earlier marking is stale whatever the decision.
    uint8_t *dt = bam_aux_get(b, "DT");
    if (dt) bam_aux_del(b, dt);
    if (st && a->tag && bam_aux_append(b, "DT", 'Z', 3, (const uint8_t *)(st & G5_DUP_OPTICAL ? "SQ" : "LB")) < 0)
        return -1;
    return 1;
}

/* The side outputs, as g5_out_text wants their writers. */
typedef struct side_job {
    const args_t *a;
    const char *cmdline;
    g5_dupgroup_t *dg;
    const g5_bamstats_t *st;
} side_job_t;

static int write_metrics(FILE *fp, void *job)
{
    const side_job_t *j = job;
    char prov[4096], what[1024];
    snprintf(prov, sizeof prov, "g5 %s %s: %s", TOOL, g5_version(), j->cmdline);
    snprintf(what, sizeof what, "MarkDuplicates-compatible duplication metrics by g5 sort --markdup, INPUT=%s",
             j->a->in_path);
    const char *headers[2] = { prov, what };
    return g5_dupsig_write_metrics(fp, g5_dupgroup_sig(j->dg), headers, 2);
}

static int write_stats(FILE *fp, void *job)
{
    const side_job_t *j = job;
    return g5_bamstats_write_report(fp, j->st, TOOL, j->cmdline, NULL);
}

/* Write a side output; @return 0, or -1 after reporting */
static int write_side(const char *path, int (*write)(FILE *, void *), side_job_t *job)
{
    if (g5_out_text(path, write, job) == 0) return 0;
    g5_err_errno(TOOL, "cannot write \"%s\"", path);
    return -1;
}

int main_sort(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);

    htsThreadPool pool = { NULL, 0 };
    g5_alnin_t in;
    int in_open = 0;
    g5_alnout_t out;
    int out_open = 0;
    g5_sortbuf_t *sb = NULL;
    g5_dupgroup_t *dg = NULL;
    size_t dup_bytes = 0;       // the duplicate signatures' share of -m
    g5_bamstats_t st;
    g5_bamstats_init(&st);
    bam1_t *b = NULL;
    char *cmdline = NULL, *prefix = NULL;
    sam_hdr_t *h = NULL;
    g5_progress_t progress = { 0 };     // done() at the exit is safe before start()

    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;

    if (!(cmdline = g5_cmdline(argc, argv)) || !(b = bam_init1()) || !(prefix = run_prefix(&a))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (g5_pool_init(&pool, a.o.threads) < 0) {
        g5_err_errno(TOOL, "cannot start %d threads", a.o.threads);
        goto done;
    }
    // With threads to spare, runs are written while the input is read.
    if (!(sb = g5_sortbuf_init(&a.spec, a.o.memory, 0, prefix, a.o.threads > 0))) {
        g5_err_errno(TOOL, "cannot start sorting");
        goto done;
    }
    // Open the output before the long read, so a bad -o fails at once.
    if (g5_alnout_open(&out, a.o.out, a.o.out_fmt, a.o.reference, &pool, a.o.write_index) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        if (errno == EINVAL) status = G5_EXIT_USAGE;     // the request, not the data
        goto done;
    }
    out_open = 1;
    if (g5_alnin_open(&in, a.in_path, a.o.reference, &pool) < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a.in_path, in.why);
        goto done;
    }
    in_open = 1;

    if (a.markdup) {
        g5_sortspec_t declared;
        if (g5_order_from_header(in.hdr, &declared) == 0 && declared.order == G5_ORDER_COORD) {
            g5_err(TOOL, "cannot mark duplicates in \"%s\": it is sorted by coordinate, and --markdup "
                   "needs aligner output (use g5 markdup on sorted files)", a.in_path);
            goto done;
        }
        int no_lb = 0;
        if (!(dg = g5_dupgroup_init(in.hdr, a.optical_distance, &no_lb))) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
        if (no_lb)
            g5_warn(TOOL, "%d read group%s of \"%s\" without LB: their reads form library \"%s\", as in Picard",
                    no_lb, no_lb > 1 ? "s" : "", a.in_path, G5_DUPSIG_UNKNOWN_LIBRARY);
        // The signatures may take up to seven eighths of what the sort can
        // hold: its arena shrinks as they grow (to smaller blocks, more
        // runs), and the last eighth keeps it working.
        g5_dupgroup_set_budget(dg, g5_sortbuf_capacity(sb) / 8 * 7);
        g5_sortbuf_share(sb, &dup_bytes);
    }

    double t_start = now(), t_read = 0, t_resolved = 0;
    g5_progress_start(&progress, TOOL, "reads read", a.o.progress, 0);
    int r;
    while ((r = g5_alnin_next(&in, b)) > 0) {
        errno = 0;      // so that a failure below is told apart by its errno
        int added = dg ? g5_dupgroup_add(dg, b, to_sort, sb) : g5_sortbuf_add(sb, b);
        if (dg) dup_bytes = g5_dupgroup_memory(dg);
        if (added < 0) break;
        g5_progress_add(&progress, 1);
    }
    if (r == 0 && dg && g5_dupgroup_flush(dg) < 0) r = 1;
    g5_progress_done(&progress);
    if (r < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a.in_path, in.why);
        goto done;
    }
    if (r > 0) {
        if (dg && errno == ENOBUFS)
            g5_err(TOOL, "the memory budget (-m) is used up by the duplicate signatures (about 80 bytes "
                   "a read pair) at record %llu of \"%s\": give more with -m",
                   (unsigned long long)in.nread, a.in_path);
        else if (dg && errno == ENOMEM)
            g5_err(TOOL, "out of memory");
        else
            g5_err(TOOL, "%s", g5_sortbuf_why(sb));
        goto done;
    }
    if (dg && g5_dupgroup_split(dg) > 0)
        g5_warn(TOOL, "%llu paired reads of \"%s\" had no single mate in their group of records (input "
                "not grouped by name, or one name for several templates): they were marked as single reads",
                (unsigned long long)g5_dupgroup_split(dg), a.in_path);

    // The header outlives the input, which is closed (and checked) now.
    if (!(h = sam_hdr_dup(in.hdr))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    in_open = 0;
    if (g5_alnin_close(&in) < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a.in_path, in.why);
        goto done;
    }
    if (g5_order_to_header(h, &a.spec) < 0 || (!a.o.no_pg && g5_prov_sam(h, TOOL, cmdline) < 0)) {
        g5_err(TOOL, "cannot update the header");
        goto done;
    }
    t_read = now();
    if (dg && g5_dupgroup_resolve(dg, a.o.threads) < 0) {
        g5_err_errno(TOOL, "cannot mark duplicates");
        goto done;
    }
    t_resolved = now();
    if (g5_sortbuf_finish(sb) < 0) {
        g5_err(TOOL, "%s", g5_sortbuf_why(sb));
        goto done;
    }
    if (g5_alnout_header(&out, h) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        goto done;
    }
    bam1_t *rec;
    g5_progress_start(&progress, TOOL, "reads written", a.o.progress, in.nread);
    while ((r = g5_sortbuf_next(sb, &rec)) > 0) {
        g5_progress_add(&progress, 1);
        // A record from the sort may change in place but not grow: to add
        // a DT tag, work on a copy.
        if (a.tag) {
            if (!bam_copy1(b, rec)) {
                g5_err(TOOL, "out of memory");
                goto done;
            }
            rec = b;
        }
        int keep = dg ? apply_decision(&a, dg, rec) : 1;
        if (keep < 0) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
        if (!keep) continue;
        if (a.stats && g5_bamstats_add(&st, rec) < 0) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
        if (g5_alnout_write(&out, h, rec) < 0) {
            g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
            goto done;
        }
    }
    g5_progress_done(&progress);
    if (r < 0) {
        g5_err(TOOL, "%s", g5_sortbuf_why(sb));
        goto done;
    }
    // The side files first: the main output appears last, so its presence
    // means the whole run succeeded.
    side_job_t job = { &a, cmdline, dg, &st };
    if (a.metrics && write_side(a.metrics, write_metrics, &job) < 0) goto done;
    if (a.stats && write_side(a.stats, write_stats, &job) < 0) goto done;
    out_open = 0;
    if (g5_alnout_commit(&out) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        goto done;
    }
    if (a.o.verbosity >= 2)
        g5_info(TOOL, "%llu records, %d temporary runs; %.1f s reading, %.1f s deciding duplicates, %.1f s writing",
                (unsigned long long)in.nread, g5_sortbuf_runs(sb), t_read - t_start, t_resolved - t_read,
                now() - t_resolved);
    status = G5_EXIT_OK;

done:
    g5_progress_done(&progress);        // end a drawn line before any message
    if (out_open) g5_alnout_abort(&out);
    g5_sortbuf_destroy(sb);
    g5_dupgroup_destroy(dg);
    g5_bamstats_destroy(&st);
    if (in_open) g5_alnin_close(&in);
    g5_pool_destroy(&pool);
    bam_destroy1(b);
    if (h) sam_hdr_destroy(h);
    free(cmdline);
    free(prefix);
    return g5_finish(TOOL, status);
}
