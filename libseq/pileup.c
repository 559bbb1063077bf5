/*
 * pileup.c -- columns from several indexed files over a region.  See
 * pileup.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/faidx.h>

#include "alnio.h"
#include "cli.h"
#include "pileup.h"

/* One input file: its reader and what the read callback needs. */
typedef struct reader {
    g5_alnin_t in;
    int open;
    struct g5_plp *p;
    char *sample;
    hts_pos_t *near;        /* BAQ windows around this file's indels: [beg, end) pairs */
    size_t nnear, mnear;
} reader_t;

struct g5_plp {
    g5_plp_opts_t o;
    int n;
    reader_t *r;
    faidx_t *fai;
    const char *ref_path;

    int tid;                /* contig of the cached reference, or -1 */
    char *seq;              /* its sequence, uppercase */
    hts_pos_t seq_len;

    g5_plp_indel_t *indels; /* the region's indels, sorted by anchor */
    size_t nindels, mindels;
    struct seen *seen;      /* the first pass: one per read showing an indel */
    size_t nseen, mseen;
    int *indel_reads;       /* per indel, per file: reads showing it */
    size_t next_indel;      /* the first not behind the columns */
    size_t near_lo;         /* the first within G5_PLP_NEAR of the column */

    bam_mplp_t iter;
    hts_pos_t beg, end;     /* the region */
    const bam_pileup1_t **plp;
    int *nplp;
    int failed;             /* a reader failed: its why is copied below */
    char why[512];
};

#define fail(p, ...) g5_why((p)->why, sizeof (p)->why, __VA_ARGS__)

/* Does [beg, end) touch a window around one of the file's indels? */
static int near_indel(const reader_t *r, hts_pos_t beg, hts_pos_t end)
{
    size_t lo = 0, hi = r->nnear;
    while (lo < hi) {       // the first window ending after beg
        size_t mid = (lo + hi) / 2;
        if (r->near[2 * mid + 1] <= beg) lo = mid + 1;
        else hi = mid;
    }
    return lo < r->nnear && r->near[2 * lo] < end;
}

/* bam_mplp's reader: the next record worth piling up. */
static int read_record(void *data, bam1_t *b)
{
    reader_t *r = data;
    g5_plp_t *p = r->p;
    for (;;) {
        int ret = g5_alnin_next(&r->in, b);
        if (ret <= 0) {
            if (ret < 0) {
                p->failed = 1;
                fail(p, "cannot read \"%s\" in %s:%lld-%lld: %s", r->in.path,
                     sam_hdr_tid2name(r->in.hdr, p->tid), (long long)p->beg + 1, (long long)p->end, r->in.why);
                return -2;
            }
            return -1;
        }
        const bam1_core_t *c = &b->core;
        if ((c->flag & p->o.exclude) || c->qual < p->o.min_mapq || c->n_cigar == 0) continue;
        // BAQ fails on reads without qualities or with skips: those keep theirs
        if (p->o.baq && near_indel(r, c->pos, bam_endpos(b)))
            sam_prob_realn(b, p->seq, p->seq_len, BAQ_APPLY | BAQ_EXTEND);
        return ret;
    }
}


/* Every file names the same contigs as the first, and the reference holds
 * each of them with the same length. */
static int check_contigs(g5_plp_t *p)
{
    const sam_hdr_t *h0 = p->r[0].in.hdr;
    int n = sam_hdr_nref(h0);
    for (int i = 1; i < p->n; i++) {
        const sam_hdr_t *h = p->r[i].in.hdr;
        if (sam_hdr_nref(h) != n)
            return fail(p, "\"%s\" has %d contigs, \"%s\" %d: the files were aligned to different references",
                        p->r[i].in.path, sam_hdr_nref(h), p->r[0].in.path, n);
        for (int t = 0; t < n; t++)
            if (strcmp(sam_hdr_tid2name(h, t), sam_hdr_tid2name(h0, t)) != 0
                || sam_hdr_tid2len(h, t) != sam_hdr_tid2len(h0, t))
                return fail(p, "contig %d is %s (%lld bp) in \"%s\" but %s (%lld bp) in \"%s\"", t + 1,
                            sam_hdr_tid2name(h, t), (long long)sam_hdr_tid2len(h, t), p->r[i].in.path,
                            sam_hdr_tid2name(h0, t), (long long)sam_hdr_tid2len(h0, t), p->r[0].in.path);
    }
    for (int t = 0; t < n; t++) {
        const char *name = sam_hdr_tid2name(h0, t);
        if (!faidx_has_seq(p->fai, name))
            return fail(p, "contig %s of \"%s\" is not in the reference \"%s\" (is it for another build, or "
                        "named differently, chr1 vs 1?)", name, p->r[0].in.path, p->ref_path);
        hts_pos_t len = faidx_seq_len(p->fai, name);
        if (len != sam_hdr_tid2len(h0, t))
            return fail(p, "contig %s is %lld bp in \"%s\" but %lld bp in the reference \"%s\": another build?",
                        name, (long long)sam_hdr_tid2len(h0, t), p->r[0].in.path, (long long)len, p->ref_path);
    }
    return 0;
}

static int check_samples(g5_plp_t *p)
{
    for (int i = 0; i < p->n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(p->r[i].sample, p->r[j].sample) == 0)
                return fail(p, "\"%s\" and \"%s\" are both sample \"%s\" (one file per sample)",
                            p->r[j].in.path, p->r[i].in.path, p->r[i].sample);
    return 0;
}

g5_plp_t *g5_plp_open(int n, char *const *paths, const char *ref, const g5_plp_opts_t *o,
                      char *why, size_t nwhy)
{
    g5_plp_t *p = calloc(1, sizeof *p);
    if (!p || !(p->r = calloc(n, sizeof *p->r)) || !(p->plp = calloc(n, sizeof *p->plp))
        || !(p->nplp = calloc(n, sizeof *p->nplp))) {
        snprintf(why, nwhy, "out of memory");
        g5_plp_close(p);
        return NULL;
    }
    p->o = *o;
    p->n = n;
    p->tid = -1;
    p->ref_path = ref;
    // fai_load builds a missing .fai; it fails if the folder is read-only
    if (!(p->fai = fai_load(ref))) {
        fail(p, "cannot read the reference \"%s\" or build its index \"%s.fai\": %s", ref, ref,
             errno ? strerror(errno) : "not a FASTA file");
        goto fail;
    }
    for (int i = 0; i < n; i++) {
        reader_t *r = &p->r[i];
        r->p = p;
        if (g5_alnin_open(&r->in, paths[i], ref, NULL) < 0) {
            fail(p, "cannot read \"%s\": %s", paths[i], r->in.why);
            goto fail;
        }
        r->open = 1;
        if (!(r->sample = g5_sample_name(r->in.hdr, paths[i], 1))) {
            fail(p, "out of memory");
            goto fail;
        }
    }
    if (check_contigs(p) < 0 || check_samples(p) < 0) goto fail;
    return p;
fail:
    snprintf(why, nwhy, "%s", p->why);
    g5_plp_close(p);
    return NULL;
}

const sam_hdr_t *g5_plp_header(const g5_plp_t *p)
{
    return p->r[0].in.hdr;
}

const char *g5_plp_sample(const g5_plp_t *p, int i)
{
    return p->r[i].sample;
}

const char *g5_plp_why(const g5_plp_t *p)
{
    return p->why;
}

const char *g5_plp_ref(const g5_plp_t *p, hts_pos_t *len)
{
    *len = p->seq_len;
    return p->seq;
}

static int load_contig(g5_plp_t *p, int tid)
{
    if (p->tid == tid) return 0;
    free(p->seq);
    p->tid = -1;
    const char *name = sam_hdr_tid2name(g5_plp_header(p), tid);
    if (!(p->seq = faidx_fetch_seq64(p->fai, name, 0, HTS_POS_MAX, &p->seq_len)))
        return fail(p, "cannot read contig %s from the reference \"%s\"", name, p->ref_path);
    for (hts_pos_t i = 0; i < p->seq_len; i++) p->seq[i] = (char)toupper((unsigned char)p->seq[i]);
    p->tid = tid;
    return 0;
}

/* A read misaligned around an indel covers it, give or take the repeat the
 * indel may sit in (its placement there is arbitrary). */
#define NEAR_INDEL 50

static int add_window(reader_t *r, hts_pos_t beg, hts_pos_t end)
{
    if (r->nnear && beg <= r->near[2 * r->nnear - 1]) {     // overlaps the last: extend it
        if (end > r->near[2 * r->nnear - 1]) r->near[2 * r->nnear - 1] = end;
        return 0;
    }
    if (r->nnear == r->mnear) {
        size_t m = r->mnear ? 2 * r->mnear : 256;
        hts_pos_t *x = realloc(r->near, 2 * m * sizeof *x);
        if (!x) return -1;
        r->near = x;
        r->mnear = m;
    }
    r->near[2 * r->nnear] = beg;
    r->near[2 * r->nnear + 1] = end;
    r->nnear++;
    return 0;
}

static int cmp_pos(const void *a, const void *b)
{
    hts_pos_t x = *(const hts_pos_t *)a, y = *(const hts_pos_t *)b;
    return (x > y) - (x < y);
}

/* Move an indel to its leftmost equivalent place: while the base before it
 * equals the last base it inserts or deletes, the same sequence results
 * with the indel one base to the left (bcftools norm's rule). */
static void left_align(const char *ref, g5_plp_indel_t *x)
{
    while (x->anchor > 0) {
        char before = ref[x->anchor];
        if (x->len < 0) {
            if (ref[x->anchor - x->len] != before) break;   // last deleted base
        } else {
            if (x->ins[x->len - 1] != before) break;
            memmove(x->ins + 1, x->ins, x->len - 1);
            x->ins[0] = before;
        }
        x->anchor--;
    }
}

/* One read's indel, and the file the read is from. */
struct seen {
    g5_plp_indel_t x;
    int file;
};

static int cmp_indel(const g5_plp_indel_t *x, const g5_plp_indel_t *y)
{
    if (x->anchor != y->anchor) return x->anchor < y->anchor ? -1 : 1;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return strcmp(x->ins, y->ins);
}

static int cmp_seen(const void *a, const void *b)
{
    return cmp_indel(&((const struct seen *)a)->x, &((const struct seen *)b)->x);
}

static int add_seen(g5_plp_t *p, const g5_plp_indel_t *x, int file)
{
    if (p->nseen == p->mseen) {
        size_t m = p->mseen ? 2 * p->mseen : 256;
        struct seen *y = realloc(p->seen, m * sizeof *y);
        if (!y) return -1;
        p->seen = y;
        p->mseen = m;
    }
    p->seen[p->nseen++] = (struct seen){ *x, file };
    return 0;
}

/* The reads' indels, sorted, into one entry per distinct indel with its
 * read counts, all files and per file. */
static int count_indels(g5_plp_t *p)
{
    p->nindels = 0;
    if (!p->nseen) return 0;
    qsort(p->seen, p->nseen, sizeof *p->seen, cmp_seen);
    if (p->nseen > p->mindels) {
        g5_plp_indel_t *y = realloc(p->indels, p->nseen * sizeof *y);
        if (!y) return -1;
        p->indels = y;
        p->mindels = p->nseen;
    }
    free(p->indel_reads);
    if (!(p->indel_reads = calloc(p->nseen * p->n, sizeof *p->indel_reads))) return -1;
    for (size_t k = 0; k < p->nseen; k++) {
        if (p->nindels && cmp_indel(&p->indels[p->nindels - 1], &p->seen[k].x) == 0)
            p->indels[p->nindels - 1].reads++;
        else
            p->indels[p->nindels++] = p->seen[k].x;
        p->indel_reads[(p->nindels - 1) * p->n + p->seen[k].file]++;
    }
    return 0;
}

/* Record the indels of read @p b: left-aligned into p->seen, and their
 * raw positions into @p at (for the BAQ windows). */
static int read_indels(g5_plp_t *p, int file, const bam1_t *b, hts_pos_t **at, size_t *n, size_t *m)
{
    const uint32_t *cig = bam_get_cigar(b);
    const uint8_t *seq = bam_get_seq(b);
    hts_pos_t pos = b->core.pos;
    int qpos = 0;
    for (uint32_t k = 0; k < b->core.n_cigar; k++) {
        int op = bam_cigar_op(cig[k]), len = bam_cigar_oplen(cig[k]);
        if ((op == BAM_CINS || op == BAM_CDEL) && pos > 0 && k > 0) {
            if (*n == *m) {
                *m = *m ? 2 * *m : 256;
                hts_pos_t *x = realloc(*at, *m * sizeof *x);
                if (!x) return -1;
                *at = x;
            }
            (*at)[(*n)++] = pos;
            g5_plp_indel_t x = { pos - 1, op == BAM_CINS ? len : -len, "", 1 };
            int ok = len <= G5_PLP_MAX_INDEL && pos + (op == BAM_CDEL ? len : 0) <= p->seq_len;
            for (int i = 0; ok && op == BAM_CINS && i < len; i++)
                if ((x.ins[i] = seq_nt16_str[bam_seqi(seq, qpos + i)]) == 'N') ok = 0;
            if (ok) {
                left_align(p->seq, &x);
                if (add_seen(p, &x, file) < 0) return -1;
            }
        }
        if (bam_cigar_type(op) & 1) qpos += len;
        if (bam_cigar_type(op) & 2) pos += len;
    }
    return 0;
}

/* The first pass over a region.  It finds every indel the reads show: the
 * candidates the columns will report, and -- BAQ being what costs most in
 * calling, while it changes qualities only where a gap could have been placed
 * differently -- where BAQ is needed: a file's reads within NEAR_INDEL of
 * one of that file's indels (reads misplaced around an indel come from the
 * samples that carry it). */
static int find_indels(g5_plp_t *p, int tid, hts_pos_t beg, hts_pos_t end)
{
    hts_pos_t *at = NULL;
    size_t m = 0;
    bam1_t *b = bam_init1();
    int ret = b ? 0 : -1;
    p->nseen = p->nindels = p->next_indel = p->near_lo = 0;
    for (int i = 0; i < p->n && ret == 0; i++) {
        reader_t *r = &p->r[i];
        size_t n = 0;
        if (g5_alnin_queryi(&r->in, tid, beg, end) < 0) {
            ret = fail(p, "cannot read \"%s\": %s", r->in.path, r->in.why);
            break;
        }
        int got;
        while ((got = g5_alnin_next(&r->in, b)) > 0) {
            const bam1_core_t *c = &b->core;
            if ((c->flag & p->o.exclude) || c->qual < p->o.min_mapq) continue;
            if ((ret = read_indels(p, i, b, &at, &n, &m)) < 0) break;
        }
        if (got < 0)
            ret = fail(p, "cannot read \"%s\" in %s:%lld-%lld: %s", r->in.path, sam_hdr_tid2name(r->in.hdr, tid),
                       (long long)beg + 1, (long long)end, r->in.why);
        r->nnear = 0;
        if (ret == 0 && p->o.baq) {
            if (n) qsort(at, n, sizeof *at, cmp_pos);
            for (size_t k = 0; k < n && ret == 0; k++)
                if (k == 0 || at[k] != at[k - 1]) ret = add_window(r, at[k] - NEAR_INDEL, at[k] + NEAR_INDEL);
        }
    }
    bam_destroy1(b);
    free(at);
    if (ret == 0) ret = count_indels(p);
    if (ret < 0 && !*p->why) fail(p, "out of memory");
    return ret;
}

int g5_plp_region(g5_plp_t *p, int tid, hts_pos_t beg, hts_pos_t end)
{
    if (p->iter) bam_mplp_destroy(p->iter);
    p->iter = NULL;
    p->why[0] = '\0';
    if (load_contig(p, tid) < 0) return -1;
    if (find_indels(p, tid, beg, end) < 0) return -1;
    for (int i = 0; i < p->n; i++)
        if (g5_alnin_queryi(&p->r[i].in, tid, beg, end) < 0)
            return fail(p, "cannot read \"%s\": %s", p->r[i].in.path, p->r[i].in.why);
    void **data = malloc(p->n * sizeof *data);
    if (!data) return fail(p, "out of memory");
    for (int i = 0; i < p->n; i++) data[i] = &p->r[i];
    p->iter = bam_mplp_init(p->n, read_record, data);
    free(data);     // bam_mplp keeps the pointers, not the array
    if (!p->iter) return fail(p, "out of memory");
    if (bam_mplp_init_overlaps(p->iter) < 0) return fail(p, "out of memory");
    bam_mplp_set_maxcnt(p->iter, p->o.max_depth);
    p->beg = beg;
    p->end = end;
    p->failed = 0;
    return 0;
}

int g5_plp_next(g5_plp_t *p, g5_plp_col_t *col)
{
    int tid, r;
    hts_pos_t pos;
    while ((r = bam_mplp64_auto(p->iter, &tid, &pos, p->nplp, p->plp)) > 0) {
        if (pos < p->beg) continue;
        if (pos >= p->end) break;
        col->pos = pos;
        col->ref = pos < p->seq_len ? p->seq[pos] : 'N';
        col->n = p->nplp;
        col->reads = p->plp;
        while (p->next_indel < p->nindels && p->indels[p->next_indel].anchor < pos) p->next_indel++;
        size_t k = p->next_indel;
        while (k < p->nindels && p->indels[k].anchor == pos) k++;
        col->indels = p->indels + p->next_indel;
        col->nindels = (int)(k - p->next_indel);
        col->indel_reads = p->indel_reads ? p->indel_reads + p->next_indel * p->n : NULL;
        while (p->near_lo < p->nindels && p->indels[p->near_lo].anchor < pos - G5_PLP_NEAR) p->near_lo++;
        size_t hi = p->near_lo;
        while (hi < p->nindels && p->indels[hi].anchor <= pos + G5_PLP_NEAR) hi++;
        col->near = p->indels + p->near_lo;
        col->nnear = (int)(hi - p->near_lo);
        return 1;
    }
    if (r < 0 || p->failed) {
        if (!p->failed) fail(p, "cannot read the alignment files");
        return -1;
    }
    return 0;
}

void g5_plp_close(g5_plp_t *p)
{
    if (!p) return;
    if (p->iter) bam_mplp_destroy(p->iter);
    for (int i = 0; p->r && i < p->n; i++) {
        if (p->r[i].open) g5_alnin_close(&p->r[i].in);
        free(p->r[i].sample);
        free(p->r[i].near);
    }
    if (p->fai) fai_destroy(p->fai);
    free(p->r);
    free(p->plp);
    free(p->nplp);
    free(p->seq);
    free(p->indels);
    free(p->seen);
    free(p->indel_reads);
    free(p);
}
