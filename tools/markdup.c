/*
 * markdup.c -- g5 markdup: duplicate marking with Picard MarkDuplicates
 * semantics on coordinate-sorted input, and Picard's metrics file.
 *
 * The signatures, the choice of the best template and the metrics are
 * libseq/dupsig's; this file feeds it from a coordinate-sorted file, which
 * takes two passes (as Picard takes them):
 *
 *   pass 1  checks the order, turns every primary mapped record into a
 *           fragment end and, once its mate has been read too, a pair
 *           (mates are matched by name in a table of pairs still open);
 *           then dupsig resolves;
 *   pass 2  reads the file again and writes it with the duplicate flags
 *           (and DT tags) set, counting the metrics on the way.
 *
 * Input that cannot be read twice (standard input, a pipe) is first copied
 * to a temporary file under -T, removed at exit or on a signal.
 *
 * Secondary and supplementary alignments carry no signature of their own.
 * By default they take the flag of their template's primary alignments,
 * as Picard gives it on query-grouped input (and as g5 sort --markdup,
 * which sees whole templates, must); --primary-only leaves them unflagged, as Picard does on
 * coordinate-sorted input.  Their template is found by name: pass 1 keeps
 * the names of all secondary and supplementary records and links each to
 * a primary record of its template when that primary is read; a primary
 * that came before its followers tells them its decision in pass 2, before
 * they are written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <htslib/hts.h>
#include <htslib/khash.h>

#include "alnio.h"
#include "alnout.h"
#include "bamorder.h"
#include "cli.h"
#include "dupsig.h"
#include "out.h"
#include "progress.h"

static const char TOOL[] = "markdup";

/* The default of -m: what the signatures of ~100 million pairs need. */
#define DEFAULT_MEMORY ((size_t)8 << 30)

/* A pair waiting for its second end: keyed, as in Picard, by name and the
 * reference the second end must be on. */
typedef struct pend_key {
    char *name;
    int32_t tid;
} pend_key_t;

static inline khint_t pend_hash(pend_key_t k)
{
    return kh_str_hash_func(k.name) ^ (khint_t)k.tid * 2654435761u;
}
#define pend_eq(a, b) ((a).tid == (b).tid && strcmp((a).name, (b).name) == 0)
KHASH_INIT(pend, pend_key_t, g5_dupsig_end_t, 1, pend_hash, pend_eq)

/* A template with secondary or supplementary records: the primary record
 * that decides for it, and the decision once known. */
#define NO_ID UINT64_MAX
typedef struct follow {
    uint64_t id;            /* a mapped primary record of the template, or NO_ID */
    int status;             /* G5_DUP bits, once decided */
} follow_t;
KHASH_MAP_INIT_STR(follow, follow_t)

typedef struct args {
    g5_opts_t o;
    const char *metrics;        /* -M */
    int distance;               /* -d */
    int remove;                 /* --remove */
    int tag;                    /* --tag-duplicates */
    int primary_only;           /* --primary-only */
    const char *tmpdir;         /* -T */
    const char *in_path;        /* as given, for messages */
    const char *read_path;      /* what is opened: the input or its spool */
    int help;
    char *cmdline;

    g5_dupsig_t *ds;
    khash_t(pend) *pend;
    khash_t(follow) *follow;
    size_t own_mem;             /* bytes of names held in the two tables */
    size_t budget;
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 markdup [options] IN.{sam,bam,cram}\n"
        "\n"
        "Mark duplicate reads in a coordinate-sorted file, with the semantics of Picard\n"
        "MarkDuplicates: templates with the same library, unclipped 5' ends and\n"
        "orientations are duplicates, and the one with the highest sum of base\n"
        "qualities >= 15 is kept; pairs are preferred over single reads.  No mate tags\n"
        "(MC) and no fixmate step are needed: the input is read twice.\n"
        "\n"
        "Options:\n"
        "  -M, --metrics FILE        write Picard's duplication metrics to FILE\n"
        "  -d, --optical-distance N  pixels within which duplicates on one tile are\n"
        "                            optical duplicates [%d]\n"
        "      --remove              leave duplicates out instead of flagging them\n"
        "      --tag-duplicates, --dt\n"
        "                            add DT:Z:SQ to optical, DT:Z:LB to other duplicates\n"
        "                            (Picard's TAGGING_POLICY=All)\n"
        "      --primary-only        flag primary alignments only (Picard on coordinate-\n"
        "                            sorted input); by default secondary and supplementary\n"
        "                            alignments share the flag of their template\n"
        "  -T, --tmp-dir DIR         where to copy input that cannot be read twice,\n"
        "                            such as standard input [$TMPDIR or /tmp]\n"
        "\n"
        "Common options:\n", G5_DUPSIG_OPTICAL_DISTANCE);
    g5_opts_help(fp, "@oOmfwPvph");
    fprintf(fp,
        "\n"
        "-m caps the memory of the duplicate signatures (about 80 bytes per pair) and\n"
        "of the read names held between passes [8G]; beyond it g5 markdup stops with an\n"
        "error.  The metrics file is read by MultiQC as Picard's.  See g5-markdup(1).\n");
}

/* --- memory ------------------------------------------------------------- */

/* Bytes held by the two name tables: buckets and names. */
static size_t tables_memory(const args_t *a)
{
    size_t m = a->own_mem;
    if (a->pend) m += a->pend->n_buckets * (sizeof(pend_key_t) + sizeof(g5_dupsig_end_t) + 1);
    if (a->follow) m += a->follow->n_buckets * (sizeof(char *) + sizeof(follow_t) + 1);
    return m;
}

/* Give dupsig what the tables leave of the budget.
 * @return 0, or -1 when the tables alone exceed it */
static int share_budget(args_t *a)
{
    size_t own = tables_memory(a);
    if (own >= a->budget) return -1;
    g5_dupsig_set_budget(a->ds, a->budget - own);
    return 0;
}

/* "1.5G", for messages about -m. */
static const char *human(size_t n, char *buf, size_t len)
{
    const char *unit = "KMGT";
    double v = (double)n / 1024;
    int u = 0;
    while (v >= 1024 && u < 3) v /= 1024, u++;
    snprintf(buf, len, "%.1f%c", v, unit[u]);
    return buf;
}

/* --- the tables of pass 1 ----------------------------------------------- */

/* Hold the first end of a pair, or complete the pair with it.
 * @return 0, or -1 with errno */
static int pair_up(args_t *a, const bam1_t *b, const g5_dupsig_end_t *e)
{
    pend_key_t k = { bam_get_qname(b), b->core.tid };
    khiter_t it = kh_get(pend, a->pend, k);
    if (it != kh_end(a->pend)) {
        g5_dupsig_end_t first = kh_val(a->pend, it);
        char *name = kh_key(a->pend, it).name;
        a->own_mem -= strlen(name) + 1;
        kh_del(pend, a->pend, it);
        free(name);
        return g5_dupsig_add_pair(a->ds, &first, e);
    }
    // The second end will look for it on the reference its mate is on.
    int absent;
    k.name = strdup(k.name);
    k.tid = b->core.mtid;
    if (!k.name) return -1;
    it = kh_put(pend, a->pend, k, &absent);
    if (absent < 0) {
        free(k.name);
        errno = ENOMEM;
        return -1;
    }
    if (!absent) free(k.name);      // a third record of the name: the last one wins
    else a->own_mem += strlen(k.name) + 1;
    kh_val(a->pend, it) = *e;
    return 0;
}

/* A secondary or supplementary record: remember its template. */
static int follower_seen(args_t *a, const char *name)
{
    if (kh_get(follow, a->follow, name) != kh_end(a->follow)) return 0;
    char *key = strdup(name);
    int absent;
    khiter_t it = key ? kh_put(follow, a->follow, key, &absent) : 0;
    if (!key || absent < 0) {
        free(key);
        errno = ENOMEM;
        return -1;
    }
    kh_val(a->follow, it).id = NO_ID;
    kh_val(a->follow, it).status = 0;
    a->own_mem += strlen(key) + 1;
    return 0;
}

/* A mapped primary record: the decision for its followers. */
static follow_t *followers_of(args_t *a, const char *name)
{
    if (!a->follow || kh_size(a->follow) == 0) return NULL;
    khiter_t it = kh_get(follow, a->follow, name);
    return it == kh_end(a->follow) ? NULL : &kh_val(a->follow, it);
}

/* The pairs still open after pass 1 are orphans, whose mates are not in
 * the file: their fragment ends are all Picard keeps of them too. */
static void free_pending(args_t *a)
{
    if (!a->pend) return;
    for (khiter_t k = kh_begin(a->pend); k != kh_end(a->pend); k++)
        if (kh_exist(a->pend, k)) {
            a->own_mem -= strlen(kh_key(a->pend, k).name) + 1;
            free(kh_key(a->pend, k).name);
        }
    kh_destroy(pend, a->pend);
    a->pend = NULL;
}

static void free_tables(args_t *a)
{
    free_pending(a);
    if (a->follow) {
        for (khiter_t k = kh_begin(a->follow); k != kh_end(a->follow); k++)
            if (kh_exist(a->follow, k)) free((char *)kh_key(a->follow, k));
        kh_destroy(follow, a->follow);
        a->follow = NULL;
    }
}

/* --- the passes ----------------------------------------------------------- */

/* Where a record is, for messages: "chr1:1200", or "*" for the unplaced. */
static void locus(const sam_hdr_t *h, int32_t tid, int64_t pos, char *buf, size_t n)
{
    if (tid < 0) snprintf(buf, n, "*");
    else snprintf(buf, n, "%s:%lld", sam_hdr_tid2name(h, tid), (long long)pos + 1);
}

/* Pass 1: signatures.  @p nread is set to the number of records.
 * @return 0, or -1 after reporting */
static int pass1(args_t *a, htsThreadPool *pool, uint64_t *nread)
{
    g5_alnin_t in;
    if (g5_alnin_open(&in, a->read_path, a->o.reference, pool) < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a->in_path, in.why);
        return -1;
    }
    g5_sortspec_t spec;
    if (g5_order_from_header(in.hdr, &spec) == 0 && spec.order == G5_ORDER_NAME) {
        g5_err(TOOL, "cannot mark \"%s\": it is sorted by query name; g5 markdup reads "
                     "coordinate-sorted input (sort it with g5 sort)", a->in_path);
        g5_alnin_close(&in);
        return -1;
    }
    int no_lb = 0;
    if (g5_dupsig_read_groups(a->ds, in.hdr, &no_lb) < 0) {
        g5_err_errno(TOOL, "cannot mark \"%s\"", a->in_path);
        g5_alnin_close(&in);
        return -1;
    }
    if (no_lb && a->o.verbosity > 0) {
        kstring_t lb = { 0, 0, NULL };
        for (int i = 0; i < sam_hdr_count_lines(in.hdr, "RG"); i++)
            if (sam_hdr_find_tag_pos(in.hdr, "RG", i, "LB", &lb) < 0)
                g5_warn(TOOL, "read group \"%s\" of \"%s\" has no LB: its reads are counted in "
                        "library \"%s\", as Picard does", sam_hdr_line_name(in.hdr, "RG", i),
                        a->in_path, G5_DUPSIG_UNKNOWN_LIBRARY);
        free(lb.s);
    }

    bam1_t *b = bam_init1();
    g5_progress_t progress;
    g5_progress_start(&progress, TOOL, "reads read", a->o.progress, 0);
    uint64_t last = 0;
    int32_t last_tid = 0;
    int64_t last_pos = 0;
    int r, ret = -1;
    if (!b) {
        errno = ENOMEM;
        goto fail_errno;
    }
    while ((r = g5_alnin_next(&in, b)) > 0) {
        uint64_t id = in.nread - 1;
        const bam1_core_t *c = &b->core;
        // Reference and position only: strands may come in either order.
        uint64_t key = g5_order_coord_key(b) >> 1;
        if (key < last) {
            char here[256], before[256];
            locus(in.hdr, c->tid, c->pos, here, sizeof here);
            locus(in.hdr, last_tid, last_pos, before, sizeof before);
            g5_err(TOOL, "cannot read \"%s\": not sorted by coordinate: record %llu (\"%s\") at %s "
                   "comes after %s (sort it with g5 sort)", a->in_path, (unsigned long long)in.nread,
                   bam_get_qname(b), here, before);
            goto done;
        }
        last = key, last_tid = c->tid, last_pos = c->pos;

        uint16_t lib;
        int16_t rg;
        if (g5_dupsig_record_group(a->ds, b, &lib, &rg) < 0) goto fail_errno;
        if (g5_dupsig_mapped(c)) {
            if (c->flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY)) {
                if (!a->primary_only && follower_seen(a, bam_get_qname(b)) < 0) goto fail_errno;
            } else {
                g5_dupsig_end_t e;
                g5_dupsig_end(&e, b, lib, rg, 0, id);
                if (g5_dupsig_add_frag(a->ds, &e, g5_dupsig_paired(c)) < 0) goto fail_errno;
                if ((c->flag & BAM_FPAIRED) && !(c->flag & BAM_FMUNMAP) && pair_up(a, b, &e) < 0)
                    goto fail_errno;
                follow_t *f = followers_of(a, bam_get_qname(b));
                if (f && f->id == NO_ID) f->id = id;
            }
        }
        if (share_budget(a) < 0) {
            errno = ENOBUFS;
            goto fail_errno;
        }
        g5_progress_add(&progress, 1);
    }
    if (r < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a->in_path, in.why);
        goto done;
    }
    *nread = in.nread;
    ret = 0;
    goto done;

fail_errno:
    if (errno == ENOBUFS) {
        char m[32];
        g5_err(TOOL, "cannot mark \"%s\": the memory budget of %s (-m) is used up at record %llu; "
               "give more with -m", a->in_path, human(a->budget, m, sizeof m),
               (unsigned long long)in.nread);
    } else {
        g5_err_errno(TOOL, "cannot mark \"%s\"", a->in_path);
    }
done:
    g5_progress_done(&progress);
    bam_destroy1(b);
    if (g5_alnin_close(&in) < 0 && ret == 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a->in_path, in.why);
        ret = -1;
    }
    return ret;
}

/* Pass 2: write, with flags and tags.  @return 0, or -1 after reporting */
static int pass2(args_t *a, htsThreadPool *pool, g5_alnout_t *out, uint64_t total)
{
    g5_alnin_t in;
    if (g5_alnin_open(&in, a->read_path, a->o.reference, pool) < 0) {
        g5_err(TOOL, "cannot read \"%s\" again: %s", a->in_path, in.why);
        return -1;
    }
    int ret = -1;
    bam1_t *b = bam_init1();
    sam_hdr_t *h = sam_hdr_dup(in.hdr);
    g5_progress_t progress;
    g5_progress_start(&progress, TOOL, "reads written", a->o.progress, total);
    if (!b || !h) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (!a->o.no_pg && g5_prov_sam(h, TOOL, a->cmdline) < 0)
        g5_warn(TOOL, "cannot add the @PG line to the output header");
    if (g5_alnout_header(out, h) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a->o.out, out->why);
        goto done;
    }

    size_t ndups, next = 0;
    const uint64_t *dups = g5_dupsig_dups(a->ds, &ndups);
    int r;
    while ((r = g5_alnin_next(&in, b)) > 0) {
        uint64_t id = in.nread - 1;
        bam1_core_t *c = &b->core;
        int st = 0;
        while (next < ndups && (dups[next] >> 1) < id) next++;
        if (next < ndups && (dups[next] >> 1) == id) st = G5_DUP | ((dups[next] & 1) ? G5_DUP_OPTICAL : 0);

        if (!a->primary_only && g5_dupsig_mapped(c)) {
            follow_t *f = followers_of(a, bam_get_qname(b));
            if (f && (c->flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY))) st = f->status;
            else if (f && f->id == NO_ID) f->status |= st;   // its followers come later
        }

        uint16_t lib;
        int16_t rg;
        if (g5_dupsig_record_group(a->ds, b, &lib, &rg) < 0) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
        g5_dupsig_count(a->ds, lib, c, st != 0);
        g5_progress_add(&progress, 1);
        if (st && a->remove) continue;

        if (st) c->flag |= BAM_FDUP;
        else c->flag &= ~BAM_FDUP;
        // DT tags from an earlier marking are stale whatever the decision.
        uint8_t *dt = bam_aux_get(b, "DT");
        if (dt) bam_aux_del(b, dt);
        if (st && a->tag && bam_aux_append(b, "DT", 'Z', 3, (const uint8_t *)(st & G5_DUP_OPTICAL ? "SQ" : "LB")) < 0) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
        if (g5_alnout_write(out, h, b) < 0) {
            g5_err(TOOL, "cannot write \"%s\": %s", a->o.out, out->why);
            goto done;
        }
    }
    if (r < 0) {
        g5_err(TOOL, "cannot read \"%s\" again: %s", a->in_path, in.why);
        goto done;
    }
    if (in.nread != total) {
        g5_err(TOOL, "cannot read \"%s\" again: it changed between the two passes", a->in_path);
        goto done;
    }
    ret = 0;

done:
    g5_progress_done(&progress);
    bam_destroy1(b);
    if (h) sam_hdr_destroy(h);
    if (g5_alnin_close(&in) < 0 && ret == 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", a->in_path, in.why);
        ret = -1;
    }
    return ret;
}

/* After resolve: the decision for followers that came before their primary. */
static void decide_followers(args_t *a)
{
    if (!a->follow) return;
    for (khiter_t k = kh_begin(a->follow); k != kh_end(a->follow); k++)
        if (kh_exist(a->follow, k) && kh_val(a->follow, k).id != NO_ID)
            kh_val(a->follow, k).status = g5_dupsig_lookup(a->ds, kh_val(a->follow, k).id);
}

/* Copy standard input (or a pipe) to a temporary file that pass 2 can
 * read again.  @return the handle of the copy, or NULL after reporting */
static g5_out_t *spool(args_t *a)
{
    const char *dir = g5_tmpdir(a->tmpdir);
    char name[4096];
    if ((size_t)snprintf(name, sizeof name, "%s/g5-markdup-input", dir) >= sizeof name) {
        g5_err(TOOL, "temporary directory name too long: \"%s\"", dir);
        return NULL;
    }
    g5_out_t *tmp = g5_out_open(name);
    FILE *out = tmp ? g5_out_stream(tmp) : NULL;
    FILE *in = strcmp(a->in_path, "-") == 0 ? stdin : fopen(a->in_path, "rb");
    if (!out) {
        g5_err_errno(TOOL, "cannot copy \"%s\" to the temporary directory \"%s\"", a->in_path, dir);
        g5_out_abort(tmp);
        if (in && in != stdin) fclose(in);
        return NULL;
    }
    if (!in) {
        g5_err_errno(TOOL, "cannot read \"%s\"", a->in_path);
        g5_out_abort(tmp);
        return NULL;
    }
    char buf[1 << 16];
    size_t n;
    int failed = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) { failed = 1; break; }
    if (!failed && ferror(in)) {
        g5_err_errno(TOOL, "cannot read \"%s\"", a->in_path);
        failed = 2;
    }
    if (in != stdin) fclose(in);
    if (!failed && fflush(out) != 0) failed = 1;
    if (failed == 1) g5_err_errno(TOOL, "cannot copy \"%s\" to the temporary directory \"%s\"", a->in_path, dir);
    if (failed) {
        g5_out_abort(tmp);
        return NULL;
    }
    a->read_path = g5_out_path(tmp);
    return tmp;
}

/* Must the input be copied before it can be read twice? */
static int needs_spool(const char *path)
{
    struct stat st;
    return strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
}

/* --- main ----------------------------------------------------------------- */

enum { OPT_REMOVE = G5_OPT_TOOL_BASE, OPT_TAG, OPT_PRIMARY_ONLY };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"metrics", required_argument, NULL, 'M'},
        {"optical-distance", required_argument, NULL, 'd'},
        {"remove", no_argument, NULL, OPT_REMOVE},
        {"tag-duplicates", no_argument, NULL, OPT_TAG},
        {"dt", no_argument, NULL, OPT_TAG},
        {"primary-only", no_argument, NULL, OPT_PRIMARY_ONLY},
        {"tmp-dir", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    long v;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:O:m:f:M:d:T:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case 'M':
            if (!*optarg) return g5_usage_error(TOOL, "-M needs a file name");
            a->metrics = optarg;
            break;
        case 'd':
            if (g5_parse_long(optarg, 0, 1000000, &v) < 0)
                return g5_usage_error(TOOL, "-d needs a number of pixels from 0 to 1000000, not \"%s\"", optarg);
            a->distance = (int)v;
            break;
        case 'T':
            if (!*optarg) return g5_usage_error(TOOL, "-T needs a directory");
            a->tmpdir = optarg;
            break;
        case OPT_REMOVE: a->remove = 1; break;
        case OPT_TAG: a->tag = 1; break;
        case OPT_PRIMARY_ONLY: a->primary_only = 1; break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@oOmfwPvp")) != G5_EXIT_OK) return r;
        }
    }
    if ((r = g5_opts_one_input(&a->o, argc, argv, usage, &a->in_path)) != G5_EXIT_OK) return r;
    a->read_path = a->in_path;
    return G5_EXIT_OK;
}

int main_markdup(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.distance = G5_DUPSIG_OPTICAL_DISTANCE;

    htsThreadPool pool = { NULL, 0 };
    g5_alnout_t out;
    int out_open = 0;
    g5_out_t *metrics = NULL, *spooled = NULL;
    FILE *metrics_fp = NULL;
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;
    a.budget = a.o.memory ? a.o.memory : DEFAULT_MEMORY;

    if (!(a.cmdline = g5_cmdline(argc, argv)) || !(a.ds = g5_dupsig_init(a.distance))
        || !(a.pend = kh_init(pend)) || !(a.follow = kh_init(follow))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (g5_pool_init(&pool, a.o.threads) < 0) {
        g5_err_errno(TOOL, "cannot start %d threads", a.o.threads);
        goto done;
    }
    // Outputs first, so that a bad name fails before a long read.
    if (g5_alnout_open(&out, a.o.out, a.o.out_fmt, a.o.reference, &pool, a.o.write_index) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        goto done;
    }
    out_open = 1;
    if (a.metrics && (!(metrics = g5_out_open(a.metrics)) || !(metrics_fp = g5_out_stream(metrics)))) {
        g5_err_errno(TOOL, "cannot write \"%s\"", a.metrics);
        goto done;
    }
    if (needs_spool(a.in_path) && !(spooled = spool(&a))) goto done;

    uint64_t nread = 0;
    if (pass1(&a, &pool, &nread) < 0) goto done;
    free_pending(&a);
    if (g5_dupsig_resolve(a.ds, a.o.threads) < 0) {
        if (errno == ENOBUFS) {
            char m[32];
            g5_err(TOOL, "cannot mark \"%s\": the memory budget of %s (-m) is used up by the "
                   "duplicates; give more with -m", a.in_path, human(a.budget, m, sizeof m));
        } else {
            g5_err_errno(TOOL, "cannot mark \"%s\"", a.in_path);
        }
        goto done;
    }
    decide_followers(&a);
    if (pass2(&a, &pool, &out, nread) < 0) goto done;

    if (metrics) {
        char line[1024];
        snprintf(line, sizeof line, "MarkDuplicates-compatible duplication metrics by g5 markdup, INPUT=%s", a.in_path);
        char *prov = malloc(strlen(a.cmdline) + 64);
        if (!prov) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
        sprintf(prov, "g5 %s %s: %s", TOOL, g5_version(), a.cmdline);
        const char *headers[2] = { prov, line };
        int r = g5_dupsig_write_metrics(metrics_fp, a.ds, headers, 2);
        free(prov);
        g5_out_t *m = metrics;
        metrics = NULL;
        if (r < 0) {
            g5_err_errno(TOOL, "cannot write \"%s\"", a.metrics);
            g5_out_abort(m);
            goto done;
        }
        if (g5_out_commit(m) < 0) {
            g5_err_errno(TOOL, "cannot write \"%s\"", a.metrics);
            goto done;
        }
    }
    out_open = 0;
    if (g5_alnout_commit(&out) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, out.why);
        goto done;
    }
    status = G5_EXIT_OK;

done:
    if (out_open) g5_alnout_abort(&out);
    g5_out_abort(metrics);
    g5_out_abort(spooled);
    g5_pool_destroy(&pool);
    free_tables(&a);
    g5_dupsig_destroy(a.ds);
    free(a.cmdline);
    return g5_finish(TOOL, status);
}
