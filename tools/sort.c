/*
 * sort.c -- g5 sort: coordinate, name or tag order under one memory budget.
 *
 * Reads one SAM/BAM/CRAM, feeds libseq/sortbuf (which spills sorted runs
 * under -T and merges them), and writes through libseq/alnout.  The order
 * is samtools sort's to the last tie; -m is the budget of the whole process,
 * not per thread as in samtools.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/sam.h>

#include "alnio.h"
#include "alnout.h"
#include "bamorder.h"
#include "cli.h"
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
        "Resources:\n"
        "  -m, --memory SIZE       total memory budget [768M]; sorted runs beyond it\n"
        "                          are written to temporary files and merged\n"
        "  -T, --tmp-dir DIR       where the temporary runs go [the output's directory]\n"
        "\n"
        "Common options:\n");
    g5_opts_help(fp, "@oOfwPvph");   // -m is described above
    fprintf(fp,
        "\n"
        "Output format follows -O, else the -o name (.sam, .cram, otherwise BAM).\n"
        "See g5-sort(1).\n");
}

enum { OPT_TMPDIR = 'T' };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"tmp-dir", required_argument, NULL, OPT_TMPDIR},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:O:m:f:T:nt:h", longopts, NULL)) >= 0) {
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
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@oOmfwPvp")) != G5_EXIT_OK) return r;
        }
    }
    if ((r = g5_opts_one_input(&a->o, argc, argv, usage, &a->in_path)) != G5_EXIT_OK) return r;
    if (!a->o.memory) a->o.memory = DEFAULT_MEMORY;
    if (a->o.memory < MIN_MEMORY)
        return g5_usage_error(TOOL, "memory budget too small: at least %zuM", MIN_MEMORY >> 20);
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
        if (to_stdout) dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
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
    bam1_t *b = NULL;
    char *cmdline = NULL, *prefix = NULL;
    sam_hdr_t *h = NULL;
    g5_progress_t progress;

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
    if (!(sb = g5_sortbuf_init(&a.spec, a.o.memory, 0, prefix, &pool))) {
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

    g5_progress_start(&progress, TOOL, "reads", a.o.progress, 0);
    int r;
    while ((r = g5_alnin_next(&in, b)) > 0) {
        if (g5_sortbuf_add(sb, b) < 0) {
            g5_err(TOOL, "%s", g5_sortbuf_why(sb));
            goto done;
        }
        g5_progress_add(&progress, 1);
    }
    g5_progress_done(&progress);
    if (r < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a.in_path, in.why);
        goto done;
    }

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
    if (g5_sortbuf_finish(sb) < 0) {
        g5_err(TOOL, "%s", g5_sortbuf_why(sb));
        goto done;
    }
    if (g5_alnout_header(&out, h) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        goto done;
    }
    bam1_t *rec;
    while ((r = g5_sortbuf_next(sb, &rec)) > 0) {
        if (g5_alnout_write(&out, h, rec) < 0) {
            g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
            goto done;
        }
    }
    if (r < 0) {
        g5_err(TOOL, "%s", g5_sortbuf_why(sb));
        goto done;
    }
    out_open = 0;
    if (g5_alnout_commit(&out) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        goto done;
    }
    if (a.o.verbosity >= 2)
        g5_info(TOOL, "%llu records, %d temporary runs", (unsigned long long)in.nread, g5_sortbuf_runs(sb));
    status = G5_EXIT_OK;

done:
    if (out_open) g5_alnout_abort(&out);
    g5_sortbuf_destroy(sb);
    if (in_open) g5_alnin_close(&in);
    g5_pool_destroy(&pool);
    bam_destroy1(b);
    if (h) sam_hdr_destroy(h);
    free(cmdline);
    free(prefix);
    return g5_finish(TOOL, status);
}
