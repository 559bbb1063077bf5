/*
 * gvcfmerge.c -- many gVCFs read side by side.  See gvcfmerge.h.
 *
 * Each worker holds, per input, a window of the records near the current
 * position (entries, in file order).  The sweep stops at every position
 * where something happens -- a site begins, or (with blocks) some input's
 * block begins or ends -- and before each stop every input has been read
 * G5_GVCF_SHIFT bp past it, so no record that left alignment moves onto
 * that position is still unread.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/faidx.h>
#include <htslib/hts.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>

#include "cli.h"
#include "gvcfmerge.h"
#include "varnorm.h"

KHASH_SET_INIT_STR(names)

#define NO_POS ((hts_pos_t)INT64_MAX)

/* --- the inputs ---------------------------------------------------------- */

typedef struct input {
    char *path;
    int ns, first;          /* samples; the cohort index of the first */
    int nrid, *rid2tid;     /* header contig -> reference contig */
    int *tid2rid;           /* reference contig -> header contig, -1 when absent */
    int is_bcf;
    hts_idx_t *idx;         /* BCF's index, or */
    tbx_t *tbx;             /* VCF.gz's; neither: read front to back */
    size_t hdr_bytes;
} input_t;

struct g5_gvcfs {
    int n;
    input_t *in;
    int ns;
    char **names;
    sam_hdr_t *contigs;
    char *ref;
    int indexed;
};

static void input_free(input_t *in)
{
    free(in->path);
    free(in->rid2tid);
    free(in->tid2rid);
    if (in->idx) hts_idx_destroy(in->idx);
    if (in->tbx) tbx_destroy(in->tbx);
}

void g5_gvcfs_close(g5_gvcfs_t *s)
{
    if (!s) return;
    for (int i = 0; i < s->n; i++) input_free(&s->in[i]);
    for (int i = 0; i < s->ns; i++) free(s->names[i]);
    free(s->in);
    free(s->names);
    if (s->contigs) sam_hdr_destroy(s->contigs);
    free(s->ref);
    free(s);
}

/* The reference's contigs as a SAM header. */
static sam_hdr_t *contigs_of(const char *ref, char *why, size_t nwhy)
{
    errno = 0;
    faidx_t *fai = fai_load(ref);
    if (!fai) {
        g5_why(why, nwhy, "cannot read the reference \"%s\" or build its index \"%s.fai\": %s", ref, ref,
               errno ? strerror(errno) : "not a FASTA file");
        return NULL;
    }
    kstring_t t = { 0 };
    for (int i = 0; i < faidx_nseq(fai); i++)
        ksprintf(&t, "@SQ\tSN:%s\tLN:%lld\n", faidx_iseq(fai, i), (long long)faidx_seq_len(fai, faidx_iseq(fai, i)));
    fai_destroy(fai);
    sam_hdr_t *h = t.l ? sam_hdr_parse(t.l, t.s) : NULL;
    if (!h) g5_why(why, nwhy, "the reference \"%s\" has no usable contigs", ref);
    free(t.s);
    return h;
}

/* Check one input's header against the reference, and map its contigs. */
static int input_contigs(g5_gvcfs_t *s, input_t *in, const bcf_hdr_t *h, char *why, size_t nwhy)
{
    int ntid = sam_hdr_nref(s->contigs);
    in->nrid = h->n[BCF_DT_CTG];
    in->rid2tid = malloc((in->nrid + 1) * sizeof *in->rid2tid);
    in->tid2rid = malloc((ntid + 1) * sizeof *in->tid2rid);
    if (!in->rid2tid || !in->tid2rid) return g5_why(why, nwhy, "out of memory");
    for (int t = 0; t < ntid; t++) in->tid2rid[t] = -1;
    for (int rid = 0; rid < in->nrid; rid++) {
        const char *name = bcf_hdr_id2name(h, rid);
        int tid = sam_hdr_name2tid(s->contigs, name);
        if (tid < 0)
            return g5_why(why, nwhy, "\"%s\": contig \"%s\" is not in the reference \"%s\" (made on another reference?)",
                          in->path, name, s->ref);
        hts_pos_t len = h->id[BCF_DT_CTG][rid].val ? (hts_pos_t)h->id[BCF_DT_CTG][rid].val->info[0] : 0;
        hts_pos_t rlen = sam_hdr_tid2len(s->contigs, tid);
        if (len > 0 && len != rlen)
            return g5_why(why, nwhy, "\"%s\": contig \"%s\" is %lld bp long, but %lld bp in the reference \"%s\" "
                          "(made on another reference?)", in->path, name, (long long)len, (long long)rlen, s->ref);
        in->rid2tid[rid] = tid;
        in->tid2rid[tid] = rid;
    }
    return 0;
}

/* Add the input's samples to the cohort, renaming or refusing a name met before. */
static int input_samples(g5_gvcfs_t *s, int k, const bcf_hdr_t *h, khash_t(names) *seen, int rename, char *why,
                         size_t nwhy)
{
    input_t *in = &s->in[k];
    char **names = realloc(s->names, (s->ns + in->ns) * sizeof *names);
    if (!names) return g5_why(why, nwhy, "out of memory");
    s->names = names;
    for (int j = 0; j < in->ns; j++) {
        const char *name = h->samples[j];
        kstring_t n = { 0 };
        int absent = 0;
        khint_t it = kh_get(names, seen, name);
        if (it != kh_end(seen)) {
            if (!rename)
                return g5_why(why, nwhy, "sample \"%s\" of \"%s\" is also in an earlier input "
                              "(--rename-duplicates calls it \"%d:%s\")", name, in->path, k + 1, name);
            ksprintf(&n, "%d:%s", k + 1, name);
            if (kh_get(names, seen, n.s) != kh_end(seen)) {
                free(n.s);
                return g5_why(why, nwhy, "sample \"%s\" of \"%s\": its new name \"%d:%s\" is taken too", name,
                              in->path, k + 1, name);
            }
        } else {
            kputs(name, &n);
        }
        if (!n.s) return g5_why(why, nwhy, "out of memory");
        s->names[s->ns++] = n.s;
        kh_put(names, seen, n.s, &absent);
        if (absent < 0) return g5_why(why, nwhy, "out of memory");
    }
    return 0;
}

static int input_open(g5_gvcfs_t *s, int k, const char *path, khash_t(names) *seen, int rename, char *why,
                      size_t nwhy)
{
    input_t *in = &s->in[k];
    if (!(in->path = strdup(path))) return g5_why(why, nwhy, "out of memory");
    errno = 0;
    htsFile *fp = hts_open(path, "r");
    if (!fp)
        return g5_why(why, nwhy, "cannot open \"%s\": %s", path, errno ? strerror(errno) : "unknown format");
    const htsFormat *f = hts_get_format(fp);
    bcf_hdr_t *h = NULL;
    int r = -1;
    if (f->category != variant_data)
        g5_why(why, nwhy, "\"%s\" is not a VCF or BCF file", path);
    else if (!(h = bcf_hdr_read(fp)))
        g5_why(why, nwhy, "cannot read \"%s\": no valid VCF header (truncated?)", path);
    else if ((in->ns = bcf_hdr_nsamples(h)) == 0)
        g5_why(why, nwhy, "\"%s\" has no samples", path);
    else if (input_contigs(s, in, h, why, nwhy) == 0 && input_samples(s, k, h, seen, rename, why, nwhy) == 0)
        r = 0;
    if (r == 0) {
        in->first = s->ns - in->ns;
        in->is_bcf = f->format == bcf;
        if (in->is_bcf) in->idx = bcf_index_load3(path, NULL, HTS_IDX_SILENT_FAIL);
        else if (f->compression == bgzf) in->tbx = tbx_index_load3(path, NULL, HTS_IDX_SILENT_FAIL);
        kstring_t t = { 0 };
        if (bcf_hdr_format(h, 0, &t) == 0) in->hdr_bytes = t.l;
        free(t.s);
    }
    if (h) bcf_hdr_destroy(h);
    hts_close(fp);
    return r;
}

g5_gvcfs_t *g5_gvcfs_open(int n, char *const *paths, const char *ref, int rename, char *why, size_t nwhy)
{
    g5_gvcfs_t *s = calloc(1, sizeof *s);
    khash_t(names) *seen = kh_init(names);
    if (!s || !seen || !(s->in = calloc(n, sizeof *s->in)) || !(s->ref = strdup(ref))) {
        g5_why(why, nwhy, "out of memory");
        goto fail;
    }
    if (!(s->contigs = contigs_of(ref, why, nwhy))) goto fail;
    s->indexed = 1;
    for (int k = 0; k < n; k++) {
        s->n = k + 1;
        if (input_open(s, k, paths[k], seen, rename, why, nwhy) < 0) goto fail;
        s->indexed &= s->in[k].idx || s->in[k].tbx;
    }
    kh_destroy(names, seen);
    return s;
fail:
    if (seen) kh_destroy(names, seen);
    g5_gvcfs_close(s);
    return NULL;
}

int g5_gvcfs_nsamples(const g5_gvcfs_t *s) { return s->ns; }
const char *g5_gvcfs_sample(const g5_gvcfs_t *s, int i) { return s->names[i]; }
const sam_hdr_t *g5_gvcfs_contigs(const g5_gvcfs_t *s) { return s->contigs; }
int g5_gvcfs_indexed(const g5_gvcfs_t *s) { return s->indexed; }

size_t g5_gvcfs_worker_bytes(const g5_gvcfs_t *s)
{
    // per input: BGZF's buffers and the parsed header (about three times
    // its text); per sample: the few records of the window read in full
    size_t b = 1 << 20;
    for (int k = 0; k < s->n; k++) b += (160 << 10) + 3 * s->in[k].hdr_bytes;
    return b + (size_t)s->ns * 8 * sizeof(g5_gvcf_rec_t);
}

/* --- a worker's readers ------------------------------------------------- */

#define SPARE 8

typedef struct entry {
    bcf1_t *rec;
    int tid;
    hts_pos_t beg, end;     /* as written: [POS-1, END) */
    hts_pos_t at;           /* a site's position once left-aligned */
    int cls;                /* -1 reference block, 0 SNV or MNP, 1 indel */
    int nal;
    char **al;              /* a site's real alleles at `at`, REF first, upper case */
    g5_gvcf_rec_t *s;       /* its samples, read when first needed */
    uint64_t seq;           /* its number in the input's window, from 0 */
} entry_t;

typedef struct reader {
    const input_t *in;
    htsFile *fp;
    bcf_hdr_t *h;
    hts_itr_t *itr;
    kstring_t line;
    entry_t *e;             /* e[head, n): the window, in file order */
    size_t head, n, m;
    bcf1_t *pending;        /* read but not taken: beyond what was asked */
    int done;               /* nothing more for this region */
    int file_end;           /* read front to back, and at the end */
    int last_tid;           /* the last record read, for the order check */
    hts_pos_t last_pos;
    int blk_tid;            /* the last block, for the overlap check */
    hts_pos_t blk_beg, blk_end;
    int end_id;             /* INFO/END in its header, or -1 */
    uint64_t seq;           /* the next entry's number */
    uint64_t bseq;          /* the block cursor: no block before it reaches the sweep */
    hts_pos_t site_from, site_at;   /* the least site position >= site_from, or NO_POS */
    g5_gvcf_rec_t *spare_s[SPARE];  /* sample arrays done with, for the next entries */
    int nspare_s;
    struct spares *spares;  /* the worker's records done with */
} reader_t;

/* Records done with, for the next ones, shared by a worker's inputs: with
 * a malloc and a free per record of every input, the allocator took a
 * third of the time (and its consolidations grew with the inputs). */
struct spares {
    bcf1_t **rec;
    size_t n, m, cap;       /* cap: a window's worth for every input */
};

struct g5_gvcf_merge {
    const g5_gvcfs_t *set;
    int blocks;
    reader_t *r;
    g5_varnorm_t *vn;
    g5_gvcf_buf_t buf;
    int tid;
    hts_pos_t beg, end;
    hts_pos_t x;            /* the current position */
    int stage;              /* what comes next there: 0 block, 1 SNV site, 2 indel site, 3 move on */
    hts_pos_t frag_next;    /* where the next merged block begins */
    g5_msite_t site;
    struct spares spares;
    struct own *own;        /* a site's records, and its candidate alleles */
    size_t mown;
    struct cand *c;
    size_t mc;
    char *al[G5_MSITE_MAX_ALLELES];     /* the site's alleles */
    kstring_t cand;         /* candidate alleles, NUL-separated */
    char why[768];
};

#define fail(m, ...) g5_why((m)->why, sizeof (m)->why, __VA_ARGS__)

static void rec_free(reader_t *r, bcf1_t *rec)
{
    struct spares *sp = r->spares;
    if (sp->n == sp->m && sp->m < sp->cap) {
        size_t m = sp->m ? 2 * sp->m : 64;
        bcf1_t **x = realloc(sp->rec, m * sizeof *x);
        if (x) sp->rec = x, sp->m = m;
    }
    if (sp->n < sp->m) sp->rec[sp->n++] = rec;
    else bcf_destroy(rec);
}

static void entry_free(reader_t *r, entry_t *e)
{
    if (e->rec) rec_free(r, e->rec);
    for (int k = 0; k < e->nal; k++) free(e->al[k]);
    free(e->al);
    if (e->s && r->nspare_s < SPARE) r->spare_s[r->nspare_s++] = e->s;
    else free(e->s);
    memset(e, 0, sizeof *e);
}

static void reader_clear(reader_t *r)
{
    for (size_t i = r->head; i < r->n; i++) entry_free(r, &r->e[i]);
    r->head = r->n = 0;
    if (r->pending) rec_free(r, r->pending);
    r->pending = NULL;
}

void g5_gvcf_merge_close(g5_gvcf_merge_t *m)
{
    if (!m) return;
    for (int k = 0; m->r && k < m->set->n; k++) {
        reader_t *r = &m->r[k];
        reader_clear(r);
        free(r->e);
        while (r->nspare_s) free(r->spare_s[--r->nspare_s]);
        if (r->itr) hts_itr_destroy(r->itr);
        if (r->h) bcf_hdr_destroy(r->h);
        if (r->fp) hts_close(r->fp);
        free(r->line.s);
    }
    free(m->r);
    while (m->spares.n) bcf_destroy(m->spares.rec[--m->spares.n]);
    free(m->spares.rec);
    free(m->own);
    free(m->c);
    g5_varnorm_close(m->vn);
    g5_gvcf_buf_free(&m->buf);
    for (int k = 0; k < G5_MSITE_MAX_ALLELES; k++) free(m->al[k]);
    free(m->cand.s);
    g5_msite_t *s = &m->site;
    free(s->src); free(s->ploidy); free(s->pl); free(s->ad); free(s->dp); free(s->gq);
    free(m);
}

g5_gvcf_merge_t *g5_gvcf_merge_open(const g5_gvcfs_t *set, int blocks, char *why, size_t nwhy)
{
    g5_gvcf_merge_t *m = calloc(1, sizeof *m);
    if (!m) return g5_why(why, nwhy, "out of memory"), NULL;
    m->set = set;
    m->blocks = blocks;
    g5_msite_t *s = &m->site;
    int ns = set->ns;
    s->ns = ns;
    s->alleles = m->al;
    if (!(m->r = calloc(set->n, sizeof *m->r)) || !(s->src = calloc(ns, 1)) || !(s->ploidy = calloc(ns, sizeof(int)))
        || !(s->pl = calloc((size_t)ns * G5_MSITE_MAX_GT, sizeof(int)))
        || !(s->ad = calloc((size_t)ns * G5_MSITE_MAX_ALLELES, sizeof(int))) || !(s->dp = calloc(ns, sizeof(int)))
        || !(s->gq = calloc(ns, sizeof(int)))) {
        g5_why(why, nwhy, "out of memory");
        goto fail;
    }
    if (!(m->vn = g5_varnorm_open(set->ref, why, nwhy))) goto fail;
    for (int k = 0; k < set->n; k++) {
        reader_t *r = &m->r[k];
        r->in = &set->in[k];
        r->spares = &m->spares;
        m->spares.cap += 64;
        r->last_tid = r->blk_tid = -1;
        if (!(r->fp = hts_open(r->in->path, "r")) || !(r->h = bcf_hdr_read(r->fp))) {
            g5_why(why, nwhy, "cannot read \"%s\"", r->in->path);
            goto fail;
        }
        r->end_id = bcf_hdr_id2int(r->h, BCF_DT_ID, "END");
        if (r->end_id >= 0 && !bcf_hdr_idinfo_exists(r->h, BCF_HL_INFO, r->end_id)) r->end_id = -1;
    }
    return m;
fail:
    g5_gvcf_merge_close(m);
    return NULL;
}

const char *g5_gvcf_merge_why(const g5_gvcf_merge_t *m) { return m->why; }

int g5_gvcf_merge_region(g5_gvcf_merge_t *m, int tid, hts_pos_t beg, hts_pos_t end)
{
    m->tid = tid;
    m->beg = beg;
    m->end = end;
    m->x = beg;
    m->stage = 0;
    m->frag_next = beg;
    for (int k = 0; k < m->set->n; k++) {
        reader_t *r = &m->r[k];
        r->bseq = 0;
        r->site_from = beg;
        r->site_at = NO_POS;
        if (m->set->indexed) {
            // a query of its own: from the blocks reaching into the region
            // to the records that left alignment may bring into it
            reader_clear(r);
            if (r->itr) hts_itr_destroy(r->itr);
            r->itr = NULL;
            r->last_tid = r->blk_tid = -1;
            int rid = r->in->tid2rid[tid];
            r->done = rid < 0;
            if (rid < 0) continue;
            r->itr = r->in->is_bcf ? bcf_itr_queryi(r->in->idx, rid, beg, end + G5_GVCF_SHIFT)
                                   : tbx_itr_queryi(r->in->tbx, rid, beg, end + G5_GVCF_SHIFT);
            if (!r->itr) return fail(m, "cannot query \"%s\" for %s:%lld-%lld", r->in->path,
                                     sam_hdr_tid2name(m->set->contigs, tid), (long long)beg + 1, (long long)end);
        } else {
            // front to back: keep what reaches into the region
            size_t keep = r->head;
            for (size_t i = r->head; i < r->n; i++) {
                if (r->e[i].tid == tid && r->e[i].end > beg) r->e[keep++] = r->e[i];
                else entry_free(r, &r->e[i]);
            }
            r->n = keep;
            r->done = r->file_end;
            for (size_t i = r->head; i < r->n; i++)
                if (r->e[i].cls >= 0 && r->e[i].at >= beg && r->e[i].at < r->site_at) r->site_at = r->e[i].at;
        }
    }
    return 0;
}

/* Read the next record of input r into r->pending.
 * @return 1, 0 at the end of the input or the query, -1 on failure */
static int reader_pull(g5_gvcf_merge_t *m, reader_t *r)
{
    if (r->pending) return 1;
    if (r->done) return 0;
    bcf1_t *b = r->spares->n ? r->spares->rec[--r->spares->n] : bcf_init();
    if (!b) return fail(m, "out of memory");
    int ret;
    if (r->itr && r->in->is_bcf) {
        ret = bcf_itr_next(r->fp, r->itr, b);
    } else if (r->itr) {
        ret = tbx_itr_next(r->fp, r->in->tbx, r->itr, &r->line);
        if (ret >= 0 && vcf_parse1(&r->line, r->h, b) < 0) ret = -2;
    } else {
        ret = bcf_read(r->fp, r->h, b);
    }
    if (ret >= 0 && b->errcode) ret = -2;
    if (ret < 0) {
        bcf_destroy(b);
        if (ret == -1) {
            r->done = 1;
            r->file_end = !r->itr;
            return 0;
        }
        if (r->last_tid < 0) return fail(m, "cannot read \"%s\": truncated or corrupt", r->in->path);
        return fail(m, "cannot read \"%s\" after %s:%lld: truncated or corrupt", r->in->path,
                    sam_hdr_tid2name(m->set->contigs, r->last_tid), (long long)r->last_pos + 1);
    }
    if (b->rid < 0 || b->rid >= r->in->nrid) {
        bcf_destroy(b);
        return fail(m, "\"%s\": a record on a contig missing from its header", r->in->path);
    }
    int tid = r->in->rid2tid[b->rid];
    if (tid < r->last_tid || (tid == r->last_tid && b->pos < r->last_pos)) {
        hts_pos_t pos = b->pos;
        bcf_destroy(b);
        return fail(m, "\"%s\" is not sorted: %s:%lld comes after %s:%lld", r->in->path,
                    sam_hdr_tid2name(m->set->contigs, tid), (long long)pos + 1,
                    sam_hdr_tid2name(m->set->contigs, r->last_tid), (long long)r->last_pos + 1);
    }
    r->last_tid = tid;
    r->last_pos = b->pos;
    r->pending = b;
    return 1;
}

/* Upper-cased copy. */
static char *upper_dup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    for (size_t i = 0; i < n; i++) d[i] = (char)toupper((unsigned char)s[i]);
    d[n] = 0;
    return d;
}

/* A site's alleles, trimmed and left-aligned as one: each ALT against REF
 * by varnorm, then all brought to the longest REF.  A record whose ALTs
 * would land at different positions (or move further than G5_GVCF_SHIFT),
 * or that holds symbolic alleles, keeps the alleles as written. */
static int site_alleles(g5_gvcf_merge_t *m, reader_t *r, entry_t *e, int nreal, const int *real)
{
    bcf1_t *rec = e->rec;
    char **al = calloc(nreal, sizeof *al);
    if (!al) return fail(m, "out of memory");
    e->al = al;
    kstring_t ref = { 0 }, alt = { 0 };
    hts_pos_t at = -1;
    int ok = 1, st = G5_VN_OK;
    char *refs[G5_GVCF_MAX_ALLELES] = { 0 };
    for (int k = 1; k < nreal && ok; k++) {
        hts_pos_t pos = rec->pos;
        ref.l = alt.l = 0;
        kputs(rec->d.allele[0], &ref);
        kputs(rec->d.allele[real[k]], &alt);
        st = g5_varnorm_alleles(m->vn, e->tid, &pos, &ref, &alt);
        if (st != G5_VN_OK || (at >= 0 && pos != at) || pos < rec->pos - G5_GVCF_SHIFT) {
            ok = 0;
            break;
        }
        at = pos;
        refs[k] = upper_dup(ref.s, ref.l);
        al[k] = upper_dup(alt.s, alt.l);
        if (!refs[k] || !al[k]) st = G5_VN_ERR, ok = 0;
    }
    int r0 = 0;
    if (ok) {
        // bring every ALT to the longest REF
        size_t longest = 0;
        for (int k = 1; k < nreal; k++)
            if (strlen(refs[k]) > longest) longest = strlen(refs[k]), r0 = k;
        for (int k = 1; k < nreal && ok; k++) {
            size_t lr = strlen(refs[k]);
            if (lr < longest) {
                size_t la = strlen(al[k]);
                char *x = realloc(al[k], la + longest - lr + 1);
                if (!x) { ok = 0; st = G5_VN_ERR; break; }
                memcpy(x + la, refs[r0] + lr, longest - lr + 1);
                al[k] = x;
            }
        }
        if (ok && !(al[0] = strdup(refs[r0]))) ok = 0, st = G5_VN_ERR;
    }
    for (int k = 0; k < G5_GVCF_MAX_ALLELES; k++) free(refs[k]);
    free(ref.s);
    free(alt.s);
    if (st == G5_VN_ERR) return fail(m, "\"%s\": %s", r->in->path, g5_varnorm_why(m->vn));
    if (st == G5_VN_BAD_ALLELE)
        return fail(m, "\"%s\": %s:%lld: %s", r->in->path, sam_hdr_tid2name(m->set->contigs, e->tid),
                    (long long)rec->pos + 1, g5_varnorm_why(m->vn));
    if (!ok) {      // as written
        for (int k = 0; k < nreal; k++) {
            free(al[k]);
            al[k] = upper_dup(rec->d.allele[real[k]], strlen(rec->d.allele[real[k]]));
            if (!al[k]) return fail(m, "out of memory");
        }
        at = rec->pos;
    }
    e->at = at;
    e->nal = nreal;
    e->cls = 0;
    for (int k = 1; k < nreal; k++) e->cls |= strlen(al[k]) != strlen(al[0]);
    return 0;
}

/* Take r->pending into the window. */
static int reader_take(g5_gvcf_merge_t *m, reader_t *r)
{
    if (r->n == r->m || (r->head > 0 && r->head >= r->n / 2)) {
        if (r->head > 0) {      // slide the window down first
            memmove(r->e, r->e + r->head, (r->n - r->head) * sizeof *r->e);
            r->n -= r->head;
            r->head = 0;
        }
        if (r->n == r->m) {
            size_t nm = r->m ? 2 * r->m : 16;
            entry_t *e = realloc(r->e, nm * sizeof *e);
            if (!e) return fail(m, "out of memory");
            r->e = e;
            r->m = nm;
        }
    }
    entry_t *e = &r->e[r->n];
    memset(e, 0, sizeof *e);
    bcf1_t *rec = e->rec = r->pending;
    r->pending = NULL;
    r->n++;
    e->seq = r->seq++;
    e->tid = r->in->rid2tid[rec->rid];
    e->beg = e->at = rec->pos;
    bcf_unpack(rec, BCF_UN_INFO);
    const char *chrom = sam_hdr_tid2name(m->set->contigs, e->tid);
    long long pos1 = (long long)rec->pos + 1;
    e->end = rec->pos + rec->rlen;
    bcf_info_t *endi = r->end_id >= 0 ? bcf_get_info_id(rec, r->end_id) : NULL;
    if (endi && endi->len == 1 && endi->type != BCF_BT_FLOAT && endi->type != BCF_BT_CHAR) e->end = endi->v1.i;
    if (e->end <= e->beg) return fail(m, "\"%s\": %s:%lld: END=%lld is before POS", r->in->path, chrom, pos1, (long long)e->end);
    if (rec->n_allele < 1) return fail(m, "\"%s\": %s:%lld: no REF", r->in->path, chrom, pos1);
    int st = g5_varnorm_check_ref(m->vn, e->tid, rec->pos, rec->d.allele[0]);
    if (st != G5_VN_OK)
        return fail(m, "\"%s\": %s:%lld: %s (made on another reference?)", r->in->path, chrom, pos1, g5_varnorm_why(m->vn));
    int real[G5_GVCF_MAX_ALLELES], nreal = 0;
    for (int i = 0; i < rec->n_allele; i++) {
        if (i > 0 && g5_gvcf_is_other(rec->d.allele[i])) continue;
        if (nreal == G5_GVCF_MAX_ALLELES)
            return fail(m, "\"%s\": %s:%lld: more than %d alleles", r->in->path, chrom, pos1, G5_GVCF_MAX_ALLELES);
        real[nreal++] = i;
    }
    if (nreal > 1) {
        if (site_alleles(m, r, e, nreal, real) < 0) return -1;
        if (e->at >= r->site_from && e->at < r->site_at) r->site_at = e->at;
        return 0;
    }
    e->cls = -1;
    if (e->tid == r->blk_tid && e->beg < r->blk_end)
        return fail(m, "\"%s\": the reference block at %s:%lld-%lld overlaps the one at %s:%lld-%lld", r->in->path,
                    chrom, pos1, (long long)e->end, chrom, (long long)r->blk_beg + 1, (long long)r->blk_end);
    r->blk_tid = e->tid;
    r->blk_beg = e->beg;
    r->blk_end = e->end;
    return 0;
}

/* Take the next record of the region.  @return 1, 0 when there is no
 * more in the region, -1 on failure */
static int reader_next(g5_gvcf_merge_t *m, reader_t *r)
{
    for (;;) {
        int p = reader_pull(m, r);
        if (p <= 0) return p;
        bcf1_t *b = r->pending;
        int tid = r->in->rid2tid[b->rid];
        hts_pos_t end = b->pos + b->rlen;   // END is not known yet: rlen already counts it
        if (tid < m->tid || (tid == m->tid && end <= m->beg && !r->itr)) {     // before the region
            rec_free(r, b);
            r->pending = NULL;
            continue;
        }
        if (tid > m->tid || b->pos >= m->end + G5_GVCF_SHIFT) return 0;   // beyond it: stays pending
        return reader_take(m, r) < 0 ? -1 : 1;
    }
}

/* Read every input up to position @p upto (its records beginning at or before it). */
static int fill(g5_gvcf_merge_t *m, hts_pos_t upto)
{
    for (int k = 0; k < m->set->n; k++) {
        reader_t *r = &m->r[k];
        while (r->n == r->head || r->e[r->n - 1].beg <= upto) {
            int t = reader_next(m, r);
            if (t < 0) return -1;
            if (t == 0) break;
        }
    }
    return 0;
}

/* Drop what lies wholly before @p x. */
static void prune(g5_gvcf_merge_t *m, hts_pos_t x)
{
    for (int k = 0; k < m->set->n; k++) {
        reader_t *r = &m->r[k];
        while (r->head < r->n && r->e[r->head].end <= x) entry_free(r, &r->e[r->head++]);
    }
}

static int entry_samples(g5_gvcf_merge_t *m, reader_t *r, entry_t *e)
{
    if (e->s) return 0;
    e->s = r->nspare_s ? r->spare_s[--r->nspare_s] : malloc(r->in->ns * sizeof *e->s);
    if (!e->s) return fail(m, "out of memory");
    char why[512];
    if (g5_gvcf_read_all(r->h, e->rec, &m->buf, e->s, why, sizeof why) < 0) {
        free(e->s);
        e->s = NULL;
        return fail(m, "\"%s\": %s", r->in->path, why);
    }
    return 0;
}

/* The entry numbered seq, or NULL when it is gone or not read yet. */
static entry_t *by_seq(reader_t *r, uint64_t seq)
{
    if (r->head == r->n || seq < r->e[r->head].seq) return NULL;
    size_t i = r->head + (size_t)(seq - r->e[r->head].seq);
    return i < r->n ? &r->e[i] : NULL;
}

/* The input's reference block covering x (or NULL), and where its block
 * state changes next after x: that block's end, or the next block's
 * beginning (NO_POS: none in the region).  x never goes back within a
 * region, so a cursor that passes blocks behind x and sites makes the walk
 * linear. */
static int blocks_at(g5_gvcf_merge_t *m, reader_t *r, hts_pos_t x, entry_t **cover, hts_pos_t *change)
{
    for (;;) {
        if (r->head < r->n && r->bseq < r->e[r->head].seq) r->bseq = r->e[r->head].seq;
        entry_t *e = by_seq(r, r->bseq);
        if (!e) {
            int t = reader_next(m, r);
            if (t < 0) return -1;
            if (t == 0) {
                *cover = NULL;
                *change = NO_POS;
                return 0;
            }
            continue;
        }
        if (e->cls >= 0 || e->end <= x) {
            r->bseq++;
            continue;
        }
        *cover = e->beg <= x ? e : NULL;
        *change = e->beg <= x ? e->end : e->beg;
        return 0;
    }
}

/* Likelihoods from a reference block: REF/REF, REF/any, any/any. */
static void block_pl(const g5_gvcf_rec_t *b, int pl3[3])
{
    if (b->npl >= (b->ploidy == 1 ? 2 : 3)) {
        pl3[0] = b->pl[0];
        pl3[1] = b->pl[1];
        pl3[2] = b->ploidy == 1 ? b->pl[1] : b->pl[2];
        return;
    }
    // none written: from GQ, else from the depth (a read makes a
    // heterozygote half as likely, 3 phred)
    int dp = b->dp > 0 ? b->dp : 0;
    int h = b->gq >= 0 ? b->gq : 3 * dp;
    pl3[0] = 0;
    pl3[1] = h;
    pl3[2] = h + 20 * dp;
}

/* Sample i's numbers from its block over nal alleles and O. */
static void from_block(g5_msite_t *s, int i, const g5_gvcf_rec_t *b, int nal)
{
    int pl3[3], *pl = s->pl + (size_t)i * G5_MSITE_MAX_GT, *ad = s->ad + (size_t)i * G5_MSITE_MAX_ALLELES;
    block_pl(b, pl3);
    s->src[i] = G5_MSRC_BLOCK;
    s->ploidy[i] = b->ploidy;
    s->dp[i] = b->dp;
    s->gq[i] = b->gq;
    if (b->ploidy == 1) {
        for (int a = 0; a <= nal; a++) pl[a] = a == 0 ? pl3[0] : pl3[1];
    } else {
        for (int bb = 0, g = 0; bb <= nal; bb++)
            for (int a = 0; a <= bb; a++, g++) pl[g] = bb == 0 ? pl3[0] : a == 0 ? pl3[1] : pl3[2];
    }
    for (int a = 0; a < nal; a++) ad[a] = b->dp < 0 ? -1 : a == 0 ? b->dp : 0;
}

static void no_data(g5_msite_t *s, int i, int ploidy)
{
    s->src[i] = G5_MSRC_NONE;
    s->ploidy[i] = ploidy;
    s->dp[i] = s->gq[i] = -1;
}

/* Every sample of input r from its block covering x (or no data). */
static int samples_from_blocks(g5_gvcf_merge_t *m, reader_t *r, hts_pos_t x, int nal, int *any)
{
    entry_t *b;
    hts_pos_t change;
    if (blocks_at(m, r, x, &b, &change) < 0 || (b && entry_samples(m, r, b) < 0)) return -1;
    for (int j = 0; j < r->in->ns; j++) {
        int i = r->in->first + j;
        if (b && !b->s[j].nodata) {
            from_block(&m->site, i, &b->s[j], nal);
            *any = 1;
        } else {
            no_data(&m->site, i, b ? b->s[j].ploidy : 2);
        }
    }
    return 0;
}

static int set_allele(g5_gvcf_merge_t *m, int k, const char *s, size_t n)
{
    char *a = realloc(m->al[k], n + 1);
    if (!a) return fail(m, "out of memory");
    memcpy(a, s, n);
    a[n] = 0;
    m->al[k] = a;
    return 0;
}

/* The merged block [x, y).  @return 1, 0 when no sample has a block there, -1 */
static int merged_block(g5_gvcf_merge_t *m, hts_pos_t x, hts_pos_t y)
{
    g5_msite_t *s = &m->site;
    int any = 0;
    for (int k = 0; k < m->set->n; k++)
        if (samples_from_blocks(m, &m->r[k], x, 1, &any) < 0) return -1;
    if (!any) return 0;
    const char *base = g5_varnorm_ref(m->vn, m->tid, x, x + 1);
    if (!base) return fail(m, "%s", g5_varnorm_why(m->vn));
    if (set_allele(m, 0, base, 1) < 0) return -1;
    s->block = 1;
    s->tid = m->tid;
    s->pos = x;
    s->end = y;
    s->nal = 1;
    return 1;
}

/* A candidate allele: its bases (extended to REF) and in how many inputs. */
typedef struct cand {
    size_t off, len;
    const char *s;          /* set once all are gathered */
    int n;
} cand_t;

static int cand_cmp(const void *pa, const void *pb)
{
    const cand_t *a = pa, *b = pb;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    return memcmp(a->s, b->s, a->len);
}

static int cand_rank(const void *pa, const void *pb)
{
    const cand_t *a = pa, *b = pb;
    return a->n != b->n ? (a->n > b->n ? -1 : 1) : cand_cmp(pa, pb);
}

/* One input's record of the site: by number, as reading on may move it. */
typedef struct own {
    int k;                  /* the input */
    uint64_t seq;
} own_t;

/* The least site position >= y of input r (NO_POS: none read yet). */
static hts_pos_t reader_site(reader_t *r, hts_pos_t y)
{
    if (y <= r->site_from) return r->site_at;
    r->site_from = y;
    if (r->site_at >= y) return r->site_at;
    r->site_at = NO_POS;
    for (size_t i = r->head; i < r->n; i++)
        if (r->e[i].cls >= 0 && r->e[i].at >= y && r->e[i].at < r->site_at) r->site_at = r->e[i].at;
    return r->site_at;
}

/* Fill the numbers of the samples that have data in record e of input r,
 * over the site's nal alleles (m->al) whose REF is ref (longest bp). */
static int from_record(g5_gvcf_merge_t *m, reader_t *r, entry_t *e, const char *ref, size_t longest)
{
    g5_msite_t *s = &m->site;
    int nal = s->nal;
    if (entry_samples(m, r, e) < 0) return -1;
    // which of the record's alleles each of the site's is
    int inv[G5_MSITE_MAX_ALLELES];
    for (int u = 0; u < nal; u++) inv[u] = -1;
    size_t lr = strlen(e->al[0]);
    inv[0] = 0;
    for (int a = 1; a < e->nal; a++) {
        size_t la = strlen(e->al[a]);
        for (int u = 1; u < nal; u++) {
            const char *U = m->al[u];
            if (strlen(U) == la + longest - lr && !memcmp(U, e->al[a], la) && !memcmp(U + la, ref + lr, longest - lr)) {
                if (inv[u] < 0) inv[u] = a;
                break;
            }
        }
    }
    for (int j = 0; j < r->in->ns; j++) {
        const g5_gvcf_rec_t *g = &e->s[j];
        if (g->nodata || g->npl == 0) continue;     // its block (or nothing) stands
        int i = r->in->first + j;
        if (s->src[i] == G5_MSRC_SITE)
            return fail(m, "\"%s\": sample %s has two %s records at %s:%lld", r->in->path, r->h->samples[j],
                        e->cls ? "indel" : "SNV", sam_hdr_tid2name(m->set->contigs, m->tid), (long long)s->pos + 1);
        int *pl = s->pl + (size_t)i * G5_MSITE_MAX_GT, *ad = s->ad + (size_t)i * G5_MSITE_MAX_ALLELES;
        int worst = 0;
        for (int q = 0; q < g->npl; q++) if (g->pl[q] > worst) worst = g->pl[q];
        s->src[i] = G5_MSRC_SITE;
        s->ploidy[i] = g->ploidy;
        s->dp[i] = g->dp;
        s->gq[i] = g->gq;
        if (g->ploidy == 1) {
            for (int a = 0; a <= nal; a++) {
                int ka = a < nal ? inv[a] : -1;
                pl[a] = ka >= 0 ? g->pl[ka] : g->nopl ? g->opl[0] : worst;
            }
        } else {
            for (int b = 0, q = 0; b <= nal; b++)
                for (int a = 0; a <= b; a++, q++) {
                    int ka = a < nal ? inv[a] : -1, kb = b < nal ? inv[b] : -1;
                    if (ka > kb) { int t = ka; ka = kb; kb = t; }   // ka <= kb, unknown (-1) first
                    if (ka >= 0) pl[q] = g->pl[kb * (kb + 1) / 2 + ka];
                    else if (!g->nopl) pl[q] = worst;
                    else pl[q] = kb >= 0 ? g->opl[kb] : g->opl[g->nal];
                }
        }
        for (int u = 0; u < nal; u++)
            ad[u] = g->ad[0] < 0 ? -1 : inv[u] >= 0 && g->ad[inv[u]] > 0 ? g->ad[inv[u]] : 0;
    }
    return 0;
}

/* The site of kind cls at x.  @return 1, 0 when there is none, -1 */
static int merged_site(g5_gvcf_merge_t *m, hts_pos_t x, int cls)
{
    g5_msite_t *s = &m->site;
    own_t *own = m->own;    // kept from site to site: thousands of samples make them large
    size_t nown = 0, mown = m->mown, longest = 0;
    int ret = -1;
    const char *ref = NULL;
    cand_t *c = m->c;
    for (int k = 0; k < m->set->n; k++) {
        reader_t *r = &m->r[k];
        if (reader_site(r, x) != x) continue;
        for (size_t i = r->head; i < r->n; i++) {
            entry_t *e = &r->e[i];
            if (e->cls != cls || e->at != x) continue;
            if (nown == mown) {
                own_t *o = realloc(own, (mown = mown ? 2 * mown : 8) * sizeof *o);
                if (!o) { fail(m, "out of memory"); goto done; }
                m->own = own = o;
                m->mown = mown;
            }
            own[nown++] = (own_t){ k, e->seq };
            if (strlen(e->al[0]) > longest) longest = strlen(e->al[0]);
        }
    }
    if (!nown) {
        ret = 0;
        goto done;
    }

    // REF: the longest; each ALT extended by the bases its REF lacks (the
    // bases at x: every REF was checked against the reference)
    if (!(ref = g5_varnorm_ref(m->vn, m->tid, x, x + (hts_pos_t)longest))) {
        fail(m, "%s", g5_varnorm_why(m->vn));
        goto done;
    }
    if (set_allele(m, 0, ref, longest) < 0) goto done;
    ref = m->al[0];
    m->cand.l = 0;
    size_t nc = 0, mc = m->mc;
    for (size_t o = 0; o < nown; o++) {
        entry_t *e = by_seq(&m->r[own[o].k], own[o].seq);
        size_t lr = strlen(e->al[0]);
        for (int a = 1; a < e->nal; a++) {
            size_t off = m->cand.l, la = strlen(e->al[a]);
            kputsn(e->al[a], la, &m->cand);
            kputsn(ref + lr, longest - lr, &m->cand);
            size_t len = m->cand.l - off, j = 0;
            for (; j < nc; j++)
                if (c[j].len == len && !memcmp(m->cand.s + c[j].off, m->cand.s + off, len)) break;
            if (len == longest && !memcmp(m->cand.s + off, ref, len)) {     // ALT = REF once extended
                m->cand.l = off;
                continue;
            }
            if (j < nc) {
                c[j].n++;
                m->cand.l = off;
                continue;
            }
            if (nc == mc) {
                cand_t *x2 = realloc(c, (mc = mc ? 2 * mc : 8) * sizeof *c);
                if (!x2) { fail(m, "out of memory"); goto done; }
                m->c = c = x2;
                m->mc = mc;
            }
            c[nc++] = (cand_t){ off, len, NULL, 1 };
        }
    }
    for (size_t j = 0; j < nc; j++) c[j].s = m->cand.s + c[j].off;
    if (nc > G5_GVCF_MAX_ALLELES - 1) {     // too many: those in the most records
        qsort(c, nc, sizeof *c, cand_rank);
        nc = G5_GVCF_MAX_ALLELES - 1;
    }
    qsort(c, nc, sizeof *c, cand_cmp);
    if (nc == 0) {      // every ALT equal to REF once extended: nothing to genotype
        ret = 0;
        goto done;
    }
    for (size_t j = 0; j < nc; j++)
        if (set_allele(m, 1 + (int)j, c[j].s, c[j].len) < 0) goto done;
    s->block = 0;
    s->tid = m->tid;
    s->pos = x;
    s->end = x + (hts_pos_t)longest;
    s->nal = 1 + (int)nc;

    // each sample from its block, then from its own record of the site
    int any = 0;
    for (int k = 0; k < m->set->n; k++)
        if (samples_from_blocks(m, &m->r[k], x, s->nal, &any) < 0) goto done;
    for (size_t o = 0; o < nown; o++) {
        reader_t *r = &m->r[own[o].k];
        if (from_record(m, r, by_seq(r, own[o].seq), m->al[0], longest) < 0) goto done;
    }
    ret = 1;
done:
    return ret;
}

/* The next site after x (its left-aligned position), or NO_POS. */
static hts_pos_t next_site(g5_gvcf_merge_t *m, hts_pos_t x)
{
    hts_pos_t q = NO_POS;
    for (int k = 0; k < m->set->n; k++) {
        hts_pos_t a = reader_site(&m->r[k], x + 1);
        if (a < q) q = a;
    }
    return q;
}

int g5_gvcf_merge_next(g5_gvcf_merge_t *m, const g5_msite_t **site)
{
    for (;;) {
        if (m->x >= m->end) return 0;
        hts_pos_t x = m->x;
        if (m->stage == 0) {
            m->stage = 1;
            prune(m, x);
            if (fill(m, x + G5_GVCF_SHIFT) < 0) return -1;
            if (m->blocks && x == m->frag_next) {
                hts_pos_t y = m->end;
                for (int k = 0; k < m->set->n; k++) {
                    entry_t *cover;
                    hts_pos_t c;
                    if (blocks_at(m, &m->r[k], x, &cover, &c) < 0) return -1;
                    if (c < y) y = c;
                }
                m->frag_next = y;
                int b = merged_block(m, x, y);
                if (b < 0) return -1;
                if (b) {
                    *site = &m->site;
                    return 1;
                }
            }
        } else if (m->stage <= 2) {
            int cls = m->stage - 1;
            m->stage++;
            int t = merged_site(m, x, cls);
            if (t < 0) return -1;
            if (t) {
                *site = &m->site;
                return 1;
            }
        } else {
            // the next stop: a site, a block change, or a step of
            // G5_GVCF_SHIFT (reading that far ahead finds every record
            // that left alignment can bring before it)
            hts_pos_t q = next_site(m, x), t = x + G5_GVCF_SHIFT;
            if (q < t) t = q;
            if (fill(m, t + G5_GVCF_SHIFT) < 0) return -1;
            q = next_site(m, x);
            if (q < t) t = q;
            if (m->blocks && m->frag_next > x && m->frag_next < t) t = m->frag_next;
            m->x = t;
            m->stage = 0;
        }
    }
}
