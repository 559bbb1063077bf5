/*
 * merge.c -- g5 merge: merge sorted SAM/BAM/CRAM files into one sorted file.
 *
 * The records come out in exactly the order `samtools merge` (1.16) gives:
 * a k-way merge over a binary heap, comparing records with libseq/bamorder
 * and breaking ties by input, so that equal records keep input order.  The
 * header is libseq/hdrmerge's, which renames colliding @RG/@PG IDs the way
 * samtools does; every record's RG and PG tags are rewritten with it.
 *
 * Unlike samtools, every input is checked as it is read: the first record
 * out of order stops the merge with the file, the record number and its
 * name, and the output never appears.
 *
 * Open files.  One pass holds every input open: one descriptor each (two
 * for CRAM, which keeps its reference open).  The soft RLIMIT_NOFILE is
 * raised towards the hard one when the inputs need it, and a pass takes at
 * most MAX_OPEN inputs so that memory stays bounded (each open BGZF reader
 * holds its blocks).  With more inputs, consecutive groups of them are
 * first merged into temporary BAM files (next to the output, compression
 * level 1), which are then merged in turn, as many levels as needed.
 * Because the groups are consecutive and the merge is stable, the result
 * is the same record for record as one pass over all inputs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <htslib/hts.h>
#include <htslib/kstring.h>

#include "alnio.h"
#include "alnout.h"
#include "bamorder.h"
#include "cli.h"
#include "hdrmerge.h"
#include "out.h"
#include "progress.h"

static const char TOOL[] = "merge";

/* The shared options g5 merge takes (see g5_opts_help). */
#define MERGE_OPTS "@oOfrwPvp"

enum {
    MAX_OPEN = 512,     // inputs open at once in one pass (memory bound)
    FD_RESERVE = 32,    // descriptors kept for stdio, the output, its index, a reference
};

/* One file being merged: an input, or a temporary of an earlier level. */
typedef struct source {
    g5_alnin_t in;
    const char *path;       // its name for messages
    int input;              // its number in the header merge; -1 for a temporary
    int open;
    bam1_t *b;              // the record waiting in the heap
    bam1_t *prev;           // the one before it, for the order check
} source_t;

/* Where a pass writes: the output, or a temporary. */
typedef struct sink {
    g5_alnout_t *out;       // the output, or NULL
    samFile *fp;            // else the temporary
    const char *path;       // its name for messages
} sink_t;

typedef struct args {
    g5_opts_t o;
    int by_name;                // -n
    const char *tag;            // -t TAG
    int hm_flags;               // -c, -p
    long seed;                  // -s
    const char **lists;         // -b FILEs
    int nlists;
    char **paths;               // all inputs: the -b lists', then the arguments
    size_t npaths, mpaths;
    int help;

    char *cmdline;
    g5_sortspec_t spec;         // the order of the merge
    int use_key;                // compare g5_order_coord_key()s, not records
    const char *order_src;      // the input that declared the order, or NULL
    size_t max_open;            // inputs one pass may hold open
    htsThreadPool pool;
    g5_hdrmerge_t *hm;
    sam_hdr_t *hout;
    source_t *src;              // one per input, or per temporary of a level
    g5_alnout_t out;
    int out_open;
    g5_out_t **tmp;             // the temporaries of the current level ...
    size_t ntmp;
    g5_out_t **old_tmp;         // ... and of the level being read
    size_t nold_tmp;
    g5_progress_t progress;
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 merge [options] -o OUT.bam IN1.bam IN2.bam ...\n"
        "\n"
        "Merge files sorted in one order into one file sorted in that order: the\n"
        "lanes of a sample, its read groups, the parts of a split run.  Records come\n"
        "out in exactly the order `samtools merge` gives them (equal records in input\n"
        "order); @RG and @PG lines are combined, colliding IDs renamed as samtools\n"
        "renames them, and the records' RG and PG tags rewritten to match.\n"
        "\n"
        "Order [default: the one the inputs declare in @HD SO; coordinate if none does]:\n"
        "  -n                      inputs are sorted by read name (samtools sort -n)\n"
        "  -t TAG                  inputs are sorted by the value of TAG, then by\n"
        "                          coordinate (by read name with -n)\n"
        "\n"
        "Inputs and header:\n"
        "  -b FILE                 read input names from FILE, one per line; they come\n"
        "                          before the inputs given as arguments\n"
        "  -c                      combine @RG lines with colliding IDs: the first\n"
        "                          input's line stands [rename the later ID to ID-HEX]\n"
        "  -p                      combine @PG lines with colliding IDs\n"
        "  -s INT                  seed for the HEX of renamed IDs [0]; samtools merge\n"
        "                          -s INT names them alike\n"
        "\n"
        "Common options:\n");
    g5_opts_help(fp, MERGE_OPTS "h");
    fprintf(fp,
        "\n"
        "Every input is checked as it is read: a record out of order, a damaged file\n"
        "or inputs whose @SQ lines differ stop the merge, and no output is left.\n"
        "See g5-merge(1).\n");
}

/* --- options ------------------------------------------------------------ */

static int add_path(args_t *a, const char *path)
{
    if (a->npaths == a->mpaths) {
        size_t m = a->mpaths ? 2 * a->mpaths : 16;
        char **p = realloc(a->paths, m * sizeof *p);
        if (!p) return -1;
        a->paths = p;
        a->mpaths = m;
    }
    if (!(a->paths[a->npaths] = strdup(path))) return -1;
    a->npaths++;
    return 0;
}

/* Append the names listed in @p file, one per line (blank lines skipped).
 * @return 0, or -1 after reporting the error */
static int read_list(args_t *a, const char *file)
{
    FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (!fp) {
        g5_err_errno(TOOL, "cannot read the list of inputs \"%s\"", file);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int r = 0;
    errno = 0;
    while ((len = getline(&line, &cap, fp)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        if (len > 0 && add_path(a, line) < 0) {
            g5_err(TOOL, "out of memory");
            r = -1;
            break;
        }
    }
    if (r == 0 && ferror(fp)) {
        g5_err_errno(TOOL, "cannot read the list of inputs \"%s\"", file);
        r = -1;
    }
    free(line);
    if (fp != stdin) fclose(fp);
    return r;
}

static int valid_tag(const char *t)
{
    // SAM: [A-Za-z][A-Za-z0-9]
    return strlen(t) == 2 && ((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z'))
        && ((t[1] >= 'A' && t[1] <= 'Z') || (t[1] >= 'a' && t[1] <= 'z') || (t[1] >= '0' && t[1] <= '9'));
}

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {NULL, 0, NULL, 0}
    };
    int c, r;
    long v;
    opterr = 0;     // bad options are reported in the g5 format
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:O:f:r:nt:b:cps:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case 'n': a->by_name = 1; break;
        case 't':
            if (!valid_tag(optarg)) return g5_usage_error(TOOL, "invalid tag \"%s\": expected two characters such as RG", optarg);
            a->tag = optarg;
            break;
        case 'b': {
            const char **l = realloc(a->lists, (a->nlists + 1) * sizeof *l);
            if (!l) {
                g5_err(TOOL, "out of memory");
                return G5_EXIT_DATA;
            }
            a->lists = l;
            a->lists[a->nlists++] = optarg;
            break;
        }
        case 'c': a->hm_flags |= G5_HDRMERGE_COMBINE_RG; break;
        case 'p': a->hm_flags |= G5_HDRMERGE_COMBINE_PG; break;
        case 's':
            if (g5_parse_long(optarg, LONG_MIN, LONG_MAX, &v) < 0)
                return g5_usage_error(TOOL, "invalid seed \"%s\": expected an integer", optarg);
            a->seed = v;
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, MERGE_OPTS)) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (optind == argc && a->nlists == 0) return g5_usage_error(TOOL, "no input files");
    if (a->o.write_index && strcmp(a->o.out, "-") == 0)
        return g5_usage_error(TOOL, "--write-index needs an output file: give it with -o");
    if (a->o.write_index && (a->by_name || a->tag))
        return g5_usage_error(TOOL, "--write-index needs coordinate order; it cannot go with -n or -t");
    if (a->o.region && (a->by_name || a->tag))
        return g5_usage_error(TOOL, "-r needs coordinate-sorted inputs; it cannot go with -n or -t");
    if (a->o.out_fmt) {
        htsFormat f;
        memset(&f, 0, sizeof f);
        int bad = hts_parse_format(&f, a->o.out_fmt) < 0 || (f.format != sam && f.format != bam && f.format != cram);
        hts_opt_free(f.specific);
        if (bad) return g5_usage_error(TOOL, "unknown output format \"%s\": expected sam, bam or cram", a->o.out_fmt);
    }

    // The lists first, then the arguments, as samtools merge takes them.
    for (int i = 0; i < a->nlists; i++)
        if (read_list(a, a->lists[i]) < 0) return G5_EXIT_DATA;
    for (int i = optind; i < argc; i++)
        if (add_path(a, argv[i]) < 0) {
            g5_err(TOOL, "out of memory");
            return G5_EXIT_DATA;
        }
    if (a->npaths == 0) return g5_usage_error(TOOL, "no input files (the lists are empty)");
    int stdin_seen = 0;
    for (size_t i = 0; i < a->npaths; i++)
        if (strcmp(a->paths[i], "-") == 0 && stdin_seen++)
            return g5_usage_error(TOOL, "standard input (\"-\") can be read only once");
    return G5_EXIT_OK;
}

/* --- the order ---------------------------------------------------------- */

/* The order as the messages name it: "coordinate", "queryname", "tag RG
 * then coordinate". */
static const char *order_name(const g5_sortspec_t *s, char *buf, size_t size)
{
    const char *base = s->order == G5_ORDER_NAME ? "queryname" : "coordinate";
    if (!s->tag[0]) return base;
    snprintf(buf, size, "tag %.2s then %s", s->tag, base);
    return buf;
}

/* Take the sort order an input declares into account: with -t it is not
 * declared (samtools writes SO:unknown), with -n it must be queryname if
 * anything, otherwise all inputs that declare one must agree.  Inputs that
 * declare none are taken to be in the merge's order, and the check while
 * reading holds them to it.
 * @return 0, or -1 after reporting the error */
static int note_order(args_t *a, source_t *s)
{
    g5_sortspec_t declared;
    if (a->tag || g5_order_from_header(s->in.hdr, &declared) < 0) return 0;
    const char *name = declared.order == G5_ORDER_NAME ? "queryname" : "coordinate";
    if (a->by_name) {
        if (declared.order == G5_ORDER_NAME) return 0;
        g5_err(TOOL, "\"%s\" is sorted by %s (@HD SO), but -n merges by queryname", s->path, name);
        return -1;
    }
    if (!a->order_src) {
        a->spec.order = declared.order;
        a->order_src = s->path;
        return 0;
    }
    if (declared.order == a->spec.order) return 0;
    g5_err(TOOL, "mixed sort orders: \"%s\" is sorted by %s, \"%s\" by %s (@HD SO)",
           a->order_src, a->spec.order == G5_ORDER_NAME ? "queryname" : "coordinate", s->path, name);
    return -1;
}

/* Declare the merge's order in the output's @HD, leaving the line exactly
 * as the first input wrote it when it already says so (as samtools merge
 * leaves it). */
static int declare_order(args_t *a)
{
    const char *want = a->spec.tag[0] ? "unknown" : a->spec.order == G5_ORDER_NAME ? "queryname" : "coordinate";
    kstring_t so = { 0, 0, NULL };
    int same = sam_hdr_find_tag_hd(a->hout, "SO", &so) == 0 && strcmp(so.s, want) == 0;
    free(so.s);
    return same ? 0 : g5_order_to_header(a->hout, &a->spec);
}

/* --- sources ------------------------------------------------------------ */

/* Open source @p s on @p path: the reader and, for -r, the region.
 * @return 0, or -1 after reporting the error */
static int source_open(args_t *a, source_t *s, const char *path, int input)
{
    s->path = path;
    s->input = input;
    if (g5_alnin_open(&s->in, path, a->o.reference, &a->pool) < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", path, s->in.why);
        return -1;
    }
    s->open = 1;
    if (!s->b && !(s->b = bam_init1())) goto nomem;
    if (!s->prev && !(s->prev = bam_init1())) goto nomem;
    if (a->o.region && input >= 0) {
        // Temporaries hold the region's records already.
        if (g5_alnin_query(&s->in, a->o.region) < 0) {
            g5_err(TOOL, "cannot read \"%s\": %s", path, s->in.why);
            return -1;
        }
    }
    return 0;

nomem:
    g5_err(TOOL, "out of memory");
    return -1;
}

/* Close a source; the records stay allocated for the next file.
 * @return 0, or -1 after reporting the error */
static int source_close(source_t *s)
{
    if (!s->open) return 0;
    s->open = 0;
    if (g5_alnin_close(&s->in) < 0) {
        g5_err(TOOL, "cannot read \"%s\": %s", s->path, s->in.why);
        return -1;
    }
    return 0;
}

static void source_free(source_t *s)
{
    if (s->open) g5_alnin_close(&s->in);
    if (s->b) bam_destroy1(s->b);
    if (s->prev) bam_destroy1(s->prev);
    memset(s, 0, sizeof *s);
}

/* Read the next record of @p s into s->b; s->prev keeps the last one.
 * Records of an input are renamed into the output's IDs and checked
 * against the one before them.
 * @return 1 with a record, 0 at the end, -1 after reporting an error */
static int source_next(args_t *a, source_t *s)
{
    int r = g5_alnin_next(&s->in, s->b);
    if (r < 0) g5_err(TOOL, "cannot read \"%s\": %s", s->path, s->in.why);
    if (r <= 0 || s->input < 0) return r;

    int t = g5_hdrmerge_translate(a->hm, s->input, s->b);
    if (t < 0) {
        g5_err(TOOL, "out of memory");
        return -1;
    }
    if (t > 0 && a->o.verbosity > 0) g5_warn(TOOL, "%s", g5_hdrmerge_why(a->hm));

    // The check sees the records as the heap compares them, renamed.  Only
    // -t RG or -t PG could tell the difference: a renamed ID might put an
    // input out of order, where samtools would write an unsorted file.
    if (s->in.nread > 1) {
        int later = a->use_key ? g5_order_coord_key(s->prev) > g5_order_coord_key(s->b)
                               : g5_order_cmp(&a->spec, s->prev, s->b) > 0;
        if (later) {
            char buf[64];
            g5_err(TOOL, "\"%s\" is not sorted by %s: record %llu (\"%s\") comes before the previous one",
                   s->path, order_name(&a->spec, buf, sizeof buf),
                   (unsigned long long)s->in.nread, bam_get_qname(s->b));
            return -1;
        }
    }
    g5_progress_add(&a->progress, 1);
    return 1;
}

/* --- the merge ---------------------------------------------------------- */

/* Does source @p x's record go out before source @p y's?  Equal records go
 * in source order: the earlier input first, as samtools merge has it. */
static inline int before(const args_t *a, const source_t *src, int x, int y)
{
    if (a->use_key) {
        uint64_t kx = g5_order_coord_key(src[x].b), ky = g5_order_coord_key(src[y].b);
        if (kx != ky) return kx < ky;
    } else {
        int c = g5_order_cmp(&a->spec, src[x].b, src[y].b);
        if (c) return c < 0;
    }
    return x < y;
}

static void sift_down(const args_t *a, const source_t *src, int *heap, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, top = i;
        if (l < n && before(a, src, heap[l], heap[top])) top = l;
        if (r < n && before(a, src, heap[r], heap[top])) top = r;
        if (top == i) return;
        int t = heap[i];
        heap[i] = heap[top];
        heap[top] = t;
        i = top;
    }
}

static int sink_put(args_t *a, sink_t *k, const bam1_t *b)
{
    if (k->out) {
        if (g5_alnout_write(k->out, a->hout, b) == 0) return 0;
        g5_err(TOOL, "cannot write \"%s\": %s", k->path, k->out->why);
        return -1;
    }
    if (sam_write1(k->fp, a->hout, b) >= 0) return 0;
    g5_err_errno(TOOL, "cannot write the temporary file \"%s\"", k->path);
    return -1;
}

/* Merge the @p n open sources into @p sink.
 * @return 0, or -1 after reporting the error */
static int merge_sources(args_t *a, source_t *src, int n, sink_t *sink)
{
    int *heap = malloc((n ? n : 1) * sizeof *heap), nh = 0, r = -1;
    if (!heap) {
        g5_err(TOOL, "out of memory");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int got = source_next(a, &src[i]);
        if (got < 0) goto done;
        if (got) heap[nh++] = i;
    }
    for (int i = nh / 2 - 1; i >= 0; i--) sift_down(a, src, heap, nh, i);

    while (nh > 0) {
        source_t *s = &src[heap[0]];
        if (sink_put(a, sink, s->b) < 0) goto done;
        bam1_t *t = s->prev;    // the record just written becomes the previous one
        s->prev = s->b;
        s->b = t;
        int got = source_next(a, s);
        if (got < 0) goto done;
        if (!got) heap[0] = heap[--nh];
        sift_down(a, src, heap, nh, 0);
    }
    r = 0;
done:
    free(heap);
    return r;
}

/* The directory part of a temporary's name: next to the output, so the
 * space it needs is where the output goes; $TMPDIR for standard output. */
static int temp_name(const args_t *a, int level, size_t group, kstring_t *ks)
{
    ks->l = 0;
    if (strcmp(a->o.out, "-") == 0) {
        return ksprintf(ks, "%s/g5-merge.%ld.%d.%04zu", g5_tmpdir(NULL), (long)getpid(), level, group);
    }
    return ksprintf(ks, "%s.merge%d.%04zu", a->o.out, level, group);
}

/* Merge sources [lo, hi) of this level into temporary @p group.
 * @p paths names them; @p original says they are the inputs.
 * @return 0, or -1 after reporting the error */
static int merge_group(args_t *a, char *const *paths, int original, size_t lo, size_t hi,
                       int level, size_t group)
{
    kstring_t name = { 0, 0, NULL };
    sink_t sink = { NULL, NULL, NULL };
    int r = -1;
    if (temp_name(a, level, group, &name) < 0 || !(a->tmp[group] = g5_out_open(name.s))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    a->ntmp = group + 1;
    sink.path = g5_out_path(a->tmp[group]);
    // Level 1 compression: these files live for minutes.
    if (!(sink.fp = sam_open(sink.path, "wb1"))) {
        g5_err_errno(TOOL, "cannot write the temporary file \"%s\"", sink.path);
        goto done;
    }
    if (a->pool.pool) hts_set_opt(sink.fp, HTS_OPT_THREAD_POOL, &a->pool);
    if (sam_hdr_write(sink.fp, a->hout) < 0) {
        g5_err_errno(TOOL, "cannot write the temporary file \"%s\"", sink.path);
        goto close;
    }
    for (size_t i = lo; i < hi; i++)
        if (!a->src[i - lo].open
            && source_open(a, &a->src[i - lo], paths[i], original ? (int)i : -1) < 0)
            goto close;
    if (merge_sources(a, a->src, (int)(hi - lo), &sink) < 0) goto close;
    r = 0;
close:
    for (size_t i = lo; i < hi; i++)
        if (source_close(&a->src[i - lo]) < 0) r = -1;
    if (sam_close(sink.fp) < 0 && r == 0) {
        g5_err_errno(TOOL, "cannot write the temporary file \"%s\"", sink.path);
        r = -1;
    }
done:
    free(name.s);
    return r;
}

/* Merge everything into the output, through temporaries if there are more
 * inputs than one pass may hold open.
 * @return 0, or -1 after reporting the error */
static int run(args_t *a)
{
    char **paths = a->paths, **level_paths = NULL;
    size_t n = a->npaths;
    int original = 1, r = -1;

    for (int level = 1; n > a->max_open; level++) {
        size_t ngroups = (n + a->max_open - 1) / a->max_open;
        if (a->o.verbosity >= 2)
            fprintf(stderr, "g5 %s: %zu files, %zu open at a time: merging them into %zu temporary files\n",
                    TOOL, n, a->max_open, ngroups);
        if (!(a->tmp = calloc(ngroups, sizeof *a->tmp))) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
        a->ntmp = 0;
        for (size_t g = 0; g < ngroups; g++)
            if (merge_group(a, paths, original, g * n / ngroups, (g + 1) * n / ngroups, level, g) < 0)
                goto done;
        // The level read is done with: remove its temporaries now.
        for (size_t i = 0; i < a->nold_tmp; i++) g5_out_abort(a->old_tmp[i]);
        free(a->old_tmp);
        a->old_tmp = a->tmp;
        a->nold_tmp = a->ntmp;
        a->tmp = NULL;
        a->ntmp = 0;

        free(level_paths);
        if (!(level_paths = malloc(ngroups * sizeof *level_paths))) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
        for (size_t g = 0; g < ngroups; g++) level_paths[g] = (char *)g5_out_path(a->old_tmp[g]);
        paths = level_paths;
        n = ngroups;
        original = 0;
    }

    if (!a->o.no_pg && g5_prov_sam(a->hout, TOOL, a->cmdline) < 0) {
        g5_err(TOOL, "cannot add the @PG line to the header");
        goto done;
    }
    if (g5_alnout_header(&a->out, a->hout) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a->o.out, a->out.why);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!a->src[i].open && source_open(a, &a->src[i], paths[i], original ? (int)i : -1) < 0)
            goto done;
    sink_t sink = { &a->out, NULL, a->o.out };
    if (merge_sources(a, a->src, (int)n, &sink) < 0) goto done;
    r = 0;
    for (size_t i = 0; i < n; i++)
        if (source_close(&a->src[i]) < 0) r = -1;
done:
    free(level_paths);
    return r;
}

/* --- set-up ------------------------------------------------------------- */

/* How many inputs one pass may hold open: MAX_OPEN, or fewer if the limit
 * on open files is lower and cannot be raised far enough. */
static size_t open_limit(size_t n, int per_input)
{
    size_t want = n < MAX_OPEN ? n : MAX_OPEN, fit = MAX_OPEN;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        rlim_t need = (rlim_t)want * per_input + FD_RESERVE;
        if (rl.rlim_cur < need) {
            // Raising the soft limit up to the hard one needs no privilege.
            struct rlimit up = rl;
            up.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
            if (setrlimit(RLIMIT_NOFILE, &up) == 0) rl = up;
        }
        fit = rl.rlim_cur > FD_RESERVE ? (size_t)(rl.rlim_cur - FD_RESERVE) / per_input : 0;
    }
    return fit < 2 ? 2 : fit > MAX_OPEN ? MAX_OPEN : fit;
}

/* Read every input's header into the merged one and settle the order.  In
 * one pass the inputs stay open; otherwise they are opened again in their
 * group.
 * @return 0, or -1 after reporting the error */
static int read_headers(args_t *a)
{
    int one_pass = a->npaths <= a->max_open;
    if (!one_pass)
        for (size_t i = 0; i < a->npaths; i++)
            if (strcmp(a->paths[i], "-") == 0) {
                g5_err(TOOL, "standard input cannot be one of more than %zu inputs (it would be read twice)",
                       a->max_open);
                return -1;
            }
    for (size_t i = 0; i < a->npaths; i++) {
        source_t *s = &a->src[one_pass ? i : 0];
        if (source_open(a, s, a->paths[i], (int)i) < 0 || note_order(a, s) < 0) return -1;
        int r = g5_hdrmerge_add(a->hm, s->in.hdr, a->paths[i]);
        if (r < 0) {
            if (errno == ENOMEM) g5_err(TOOL, "out of memory");
            else g5_err(TOOL, "%s", g5_hdrmerge_why(a->hm));
            return -1;
        }
        if (r > 0 && a->o.verbosity > 0) g5_warn(TOOL, "%s", g5_hdrmerge_why(a->hm));
        if (!one_pass && source_close(s) < 0) return -1;
    }
    if (!(a->hout = g5_hdrmerge_header(a->hm))) {
        g5_err(TOOL, "out of memory");
        return -1;
    }
    if (declare_order(a) < 0) {
        g5_err(TOOL, "out of memory");
        return -1;
    }
    return 0;
}

int main_merge(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;

    a.spec.order = a.by_name ? G5_ORDER_NAME : G5_ORDER_COORD;
    if (a.tag) memcpy(a.spec.tag, a.tag, 2);
    a.max_open = open_limit(a.npaths, a.o.reference ? 2 : 1);
    if (!(a.cmdline = g5_cmdline(argc, argv))
        || !(a.hm = g5_hdrmerge_init(a.hm_flags, a.seed))
        || !(a.src = calloc(a.npaths < a.max_open ? a.npaths : a.max_open, sizeof *a.src))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (g5_pool_init(&a.pool, a.o.threads) < 0) {
        g5_err_errno(TOOL, "cannot start %d threads", a.o.threads);
        goto done;
    }
    // The output is opened first so that a bad -o fails before the work.
    if (g5_alnout_open(&a.out, a.o.out, a.o.out_fmt, a.o.reference, &a.pool, a.o.write_index) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, a.out.why);
        if (errno == EINVAL) status = G5_EXIT_USAGE;     // the request, not the data
        goto done;
    }
    a.out_open = 1;

    g5_progress_start(&a.progress, TOOL, "reads", a.o.progress, 0);
    if (read_headers(&a) < 0) goto done;
    if (a.o.region && a.spec.order != G5_ORDER_COORD) {
        g5_err(TOOL, "-r needs coordinate-sorted inputs, but \"%s\" is sorted by queryname", a.order_src);
        goto done;
    }
    a.use_key = a.spec.order == G5_ORDER_COORD && !a.spec.tag[0];
    if (run(&a) < 0) goto done;
    g5_progress_done(&a.progress);

    a.out_open = 0;
    if (g5_alnout_commit(&a.out) < 0) {
        g5_err(TOOL, "cannot write \"%s\": %s", a.o.out, a.out.why);
        goto done;
    }
    status = G5_EXIT_OK;

done:
    if (a.out_open) g5_alnout_abort(&a.out);
    if (a.src) {
        size_t n = a.npaths < a.max_open ? a.npaths : a.max_open;
        for (size_t i = 0; i < n; i++) source_free(&a.src[i]);
        free(a.src);
    }
    for (size_t i = 0; i < a.ntmp; i++) g5_out_abort(a.tmp[i]);
    for (size_t i = 0; i < a.nold_tmp; i++) g5_out_abort(a.old_tmp[i]);
    free(a.tmp);
    free(a.old_tmp);
    g5_pool_destroy(&a.pool);
    if (a.hout) sam_hdr_destroy(a.hout);
    g5_hdrmerge_destroy(a.hm);
    for (size_t i = 0; i < a.npaths; i++) free(a.paths[i]);
    free(a.paths);
    free(a.lists);
    free(a.cmdline);
    return g5_finish(TOOL, status);
}
