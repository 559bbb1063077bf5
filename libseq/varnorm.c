/*
 * varnorm.c -- variant normalisation and the sorting window.  See varnorm.h
 * for the design.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/faidx.h>
#include <htslib/khash.h>

#include "cli.h"
#include "varnorm.h"

KHASH_MAP_INIT_STR(vn_ctg, int)

/* The reference stretch kept between calls: about this much is read at a
 * time, from a little before what was asked, since left alignment walks
 * back and the next record usually lies just ahead. */
#define CACHE_AHEAD ((hts_pos_t)1 << 16)
#define CACHE_BEHIND ((hts_pos_t)1 << 12)
/* Bases put in front of the alleles at a time when one runs out. */
#define PAD 64

struct g5_varnorm {
    faidx_t *fai;
    char *path;                 /* the FASTA, for messages */
    khash_t(vn_ctg) *by_name;   /* contig name -> index in the .fai */
    int nctg;
    int ctid;                   /* contig of the cached stretch, or -1 */
    hts_pos_t cbeg, cend;       /* the stretch [cbeg, cend), 0-based */
    char *cseq;                 /* its bases: upper case, anything but ACGT as N */
    kstring_t r, a;             /* scratch alleles */
    int32_t *gt;                /* scratch genotypes */
    int mgt;
    char why[256];
};

#define fail(n, ...) g5_why((n)->why, sizeof (n)->why, __VA_ARGS__)

/* --- the reference ------------------------------------------------------ */

g5_varnorm_t *g5_varnorm_open(const char *ref_path, char *why, size_t nwhy)
{
    g5_varnorm_t *n = calloc(1, sizeof *n);
    if (!n || !(n->path = strdup(ref_path)) || !(n->by_name = kh_init(vn_ctg))) {
        g5_varnorm_close(n);
        snprintf(why, nwhy, "out of memory");
        errno = ENOMEM;
        return NULL;
    }
    n->ctid = -1;
    // fai_load builds a missing .fai; it fails if the folder is read-only
    errno = 0;
    if (!(n->fai = fai_load(ref_path))) {
        int e = errno;
        snprintf(why, nwhy, "cannot read the reference \"%s\" or build its index \"%s.fai\": %s", ref_path,
                 ref_path, e ? strerror(e) : "not a FASTA file");
        g5_varnorm_close(n);
        errno = e ? e : EINVAL;
        return NULL;
    }
    n->nctg = faidx_nseq(n->fai);
    for (int i = 0; i < n->nctg; i++) {
        int absent;
        khiter_t k = kh_put(vn_ctg, n->by_name, faidx_iseq(n->fai, i), &absent);
        if (absent < 0) {
            g5_varnorm_close(n);
            snprintf(why, nwhy, "out of memory");
            errno = ENOMEM;
            return NULL;
        }
        if (absent) kh_val(n->by_name, k) = i;     // a repeated name: the first counts, as in faidx
    }
    return n;
}

void g5_varnorm_close(g5_varnorm_t *n)
{
    if (!n) return;
    if (n->fai) fai_destroy(n->fai);
    if (n->by_name) kh_destroy(vn_ctg, n->by_name);     // keys belong to the faidx
    free(n->path);
    free(n->cseq);
    free(n->r.s);
    free(n->a.s);
    free(n->gt);
    free(n);
}

const char *g5_varnorm_why(const g5_varnorm_t *n)
{
    return n->why;
}

int g5_varnorm_ncontigs(const g5_varnorm_t *n)
{
    return n->nctg;
}

int g5_varnorm_contig(const g5_varnorm_t *n, const char *name)
{
    khiter_t k = kh_get(vn_ctg, n->by_name, name);
    return k == kh_end(n->by_name) ? -1 : kh_val(n->by_name, k);
}

const char *g5_varnorm_contig_name(const g5_varnorm_t *n, int tid)
{
    return faidx_iseq(n->fai, tid);
}

/* A base as compared: upper case, and anything but A, C, G, T as N. */
static char base_of(int c)
{
    c = toupper(c);
    return c == 'A' || c == 'C' || c == 'G' || c == 'T' ? (char)c : 'N';
}

/* The reference bases [beg, end) of contig @p tid, from the cache (read
 * again when it does not hold them).  @return the bases, or NULL with why
 * set when the stretch runs off the contig or cannot be read. */
static const char *ref_span(g5_varnorm_t *n, int tid, hts_pos_t beg, hts_pos_t end)
{
    if (tid == n->ctid && beg >= n->cbeg && end <= n->cend) return n->cseq + (beg - n->cbeg);
    const char *name = faidx_iseq(n->fai, tid);
    hts_pos_t len = (hts_pos_t)faidx_seq_len(n->fai, name);
    if (beg < 0 || end > len) {
        fail(n, "position %lld-%lld is off contig %s (%lld bp) of the reference \"%s\"", (long long)beg + 1,
             (long long)end, name, (long long)len, n->path);
        return NULL;
    }
    hts_pos_t fbeg = beg > CACHE_BEHIND ? beg - CACHE_BEHIND : 0;
    hts_pos_t fend = end > beg + CACHE_AHEAD ? end : beg + CACHE_AHEAD;
    if (fend > len) fend = len;
    hts_pos_t got = 0;
    char *s = faidx_fetch_seq64(n->fai, name, fbeg, fend - 1, &got);
    if (!s || got != fend - fbeg) {
        free(s);
        n->ctid = -1;
        fail(n, "cannot read contig %s from the reference \"%s\"", name, n->path);
        return NULL;
    }
    for (hts_pos_t i = 0; i < got; i++) s[i] = base_of((unsigned char)s[i]);
    free(n->cseq);
    n->cseq = s;
    n->ctid = tid;
    n->cbeg = fbeg;
    n->cend = fend;
    return n->cseq + (beg - n->cbeg);
}

const char *g5_varnorm_ref(g5_varnorm_t *n, int tid, hts_pos_t beg, hts_pos_t end)
{
    return ref_span(n, tid, beg, end);
}

/* --- alleles ------------------------------------------------------------ */

/* IUPAC ambiguity codes other than N, which REF may hold and which then
 * count as N (as bcftools norm takes them). */
static int is_iupac(int c)
{
    return c && strchr("RYSWKMBDHVU", toupper(c)) != NULL;
}

int g5_varnorm_check_ref(g5_varnorm_t *n, int tid, hts_pos_t pos, const char *ref)
{
    size_t len = strlen(ref);
    if (!len) return fail(n, "empty REF"), G5_VN_BAD_ALLELE;
    for (size_t i = 0; i < len; i++)
        if (!strchr("ACGTN", toupper((unsigned char)ref[i])) && !is_iupac((unsigned char)ref[i]))
            return fail(n, "REF \"%.40s\" is not a sequence of A, C, G, T and N", ref), G5_VN_BAD_ALLELE;
    // REF off the contig is a mismatch (another build), not an I/O failure
    const char *name = faidx_iseq(n->fai, tid);
    hts_pos_t clen = (hts_pos_t)faidx_seq_len(n->fai, name);
    if (pos < 0 || pos + (hts_pos_t)len > clen) {
        fail(n, "REF at %lld-%lld is off contig %s (%lld bp) of the reference \"%s\"", (long long)pos + 1,
             (long long)pos + (long long)len, name, (long long)clen, n->path);
        return G5_VN_MISMATCH;
    }
    const char *seq = ref_span(n, tid, pos, pos + (hts_pos_t)len);
    if (!seq) return G5_VN_ERR;
    for (size_t i = 0; i < len; i++)
        if (base_of((unsigned char)ref[i]) != seq[i]) {
            fail(n, "REF \"%.40s%s\" but the reference \"%s\" has \"%.*s%s\" (another build?)", ref, len > 40 ? "..." : "",
                 n->path, (int)(len > 40 ? 40 : len), seq, len > 40 ? "..." : "");
            return G5_VN_MISMATCH;
        }
    return G5_VN_OK;
}

/* Whether an ALT is not a sequence: symbolic (<...>), the spanning deletion
 * "*", a missing "." or a breakend (holding "[" or "]"). */
static int is_symbolic(const char *alt)
{
    return alt[0] == '<' || strcmp(alt, "*") == 0 || strcmp(alt, ".") == 0 || strpbrk(alt, "[]") != NULL;
}

/* Put @p k bases of the reference before position @p pos in front of both
 * alleles.  @return 0, or -1 with why set */
static int pad_left(g5_varnorm_t *n, int tid, hts_pos_t pos, hts_pos_t k, kstring_t *ref, kstring_t *alt)
{
    const char *seq = ref_span(n, tid, pos - k, pos);
    if (!seq) return -1;
    kstring_t *al[2] = { ref, alt };
    for (int i = 0; i < 2; i++) {
        if (ks_resize(al[i], al[i]->l + k + 1) < 0) return fail(n, "out of memory");
        memmove(al[i]->s + k, al[i]->s, al[i]->l + 1);
        memcpy(al[i]->s, seq, k);
        al[i]->l += k;
    }
    return 0;
}

int g5_varnorm_alleles(g5_varnorm_t *n, int tid, hts_pos_t *pos, kstring_t *ref, kstring_t *alt)
{
    if (!ref->l || !alt->l) return fail(n, "empty allele"), G5_VN_BAD_ALLELE;
    if (is_symbolic(alt->s)) return G5_VN_SKIP;
    for (size_t i = 0; i < alt->l; i++) {
        int c = toupper((unsigned char)alt->s[i]);
        if (!strchr("ACGTN", c))
            return fail(n, "ALT \"%.40s\" is not a sequence of A, C, G, T and N", alt->s), G5_VN_BAD_ALLELE;
        alt->s[i] = (char)c;
    }
    for (size_t i = 0; i < ref->l; i++) ref->s[i] = base_of((unsigned char)ref->s[i]);
    if (ref->l == alt->l && memcmp(ref->s, alt->s, ref->l) == 0) return G5_VN_SKIP;

    // Trim the common last base; when an allele runs out, go on with the
    // reference bases before the variant in front of both.
    hts_pos_t p = *pos;
    for (;;) {
        if (ref->s[ref->l - 1] != alt->s[alt->l - 1]) break;
        size_t min = ref->l < alt->l ? ref->l : alt->l;
        if (min <= 1 && p == 0) break;
        ref->s[--ref->l] = '\0';
        alt->s[--alt->l] = '\0';
        if (!ref->l || !alt->l) {
            hts_pos_t k = p < PAD ? p : PAD;
            if (pad_left(n, tid, p, k, ref, alt) < 0) return G5_VN_ERR;
            p -= k;
        }
    }
    // Drop the common first bases while both alleles keep one.
    size_t skip = 0;
    while (ref->s[skip] == alt->s[skip] && ref->l - skip > 1 && alt->l - skip > 1) skip++;
    if (skip) {
        memmove(ref->s, ref->s + skip, ref->l - skip + 1);
        memmove(alt->s, alt->s + skip, alt->l - skip + 1);
        ref->l -= skip;
        alt->l -= skip;
        p += (hts_pos_t)skip;
    }
    *pos = p;
    return G5_VN_OK;
}

/* --- records ------------------------------------------------------------ */

static int varv_push(g5_varv_t *v, const g5_var_t *x)
{
    if (v->n == v->m) {
        size_t m = v->m ? 2 * v->m : 8;
        g5_var_t *y = realloc(v->v, m * sizeof *y);
        if (!y) return -1;
        v->v = y;
        v->m = m;
    }
    v->v[v->n++] = *x;
    return 0;
}

int g5_varnorm_record(g5_varnorm_t *n, const bcf_hdr_t *h, bcf1_t *rec, int tid, int sample,
                      uint64_t recno, g5_varv_t *out)
{
    *n->why = '\0';
    if (bcf_unpack(rec, BCF_UN_STR) < 0) return fail(n, "cannot unpack the record"), G5_VN_ERR;
    if (rec->n_allele < 1) return fail(n, "no REF"), G5_VN_BAD_ALLELE;
    int r = g5_varnorm_check_ref(n, tid, rec->pos, rec->d.allele[0]);
    if (r != G5_VN_OK || rec->n_allele < 2) return r;

    // the sample's genotype, as allele indices (-1 missing), once per record
    int ploidy = 0;
    const int32_t *g = NULL;
    if (sample >= 0) {
        int ngt = bcf_get_genotypes(h, rec, &n->gt, &n->mgt);
        if (ngt == -4) return fail(n, "out of memory"), G5_VN_ERR;
        int per = ngt > 0 ? ngt / bcf_hdr_nsamples(h) : 0;
        int32_t *s = n->gt + (size_t)sample * per;
        for (ploidy = 0; ploidy < per && s[ploidy] != bcf_int32_vector_end; ploidy++)
            s[ploidy] = bcf_gt_is_missing(s[ploidy]) ? -1 : bcf_gt_allele(s[ploidy]);
        g = s;
    }

    for (int i = 1; i < rec->n_allele; i++) {
        hts_pos_t pos = rec->pos;
        n->r.l = n->a.l = 0;
        if (kputs(rec->d.allele[0], &n->r) < 0 || kputs(rec->d.allele[i], &n->a) < 0)
            return fail(n, "out of memory"), G5_VN_ERR;
        r = g5_varnorm_alleles(n, tid, &pos, &n->r, &n->a);
        if (r == G5_VN_SKIP) continue;
        if (r != G5_VN_OK) return r;

        g5_var_t v = { tid, pos, rec->pos, recno, NULL, NULL, ploidy, 0, 0 };
        // this ALT is allele 1 of the piece; REF and the other ALTs are 0
        for (int j = 0; j < ploidy; j++) {
            if (g[j] < 0) v.nmiss++;
            else if (g[j] == i) v.nalt++;
        }
        if (!(v.ref = malloc(n->r.l + n->a.l + 2))) return fail(n, "out of memory"), G5_VN_ERR;
        memcpy(v.ref, n->r.s, n->r.l + 1);
        v.alt = v.ref + n->r.l + 1;
        memcpy(v.alt, n->a.s, n->a.l + 1);
        if (varv_push(out, &v) < 0) {
            free(v.ref);
            return fail(n, "out of memory"), G5_VN_ERR;
        }
    }
    return G5_VN_OK;
}

/* --- variants ----------------------------------------------------------- */

int g5_var_type(const g5_var_t *v)
{
    size_t lr = strlen(v->ref), la = strlen(v->alt);
    if (lr != la) return G5_VAR_INDEL;
    return lr == 1 ? G5_VAR_SNV : G5_VAR_OTHER;
}

const char *g5_var_type_name(int type)
{
    static const char *const names[G5_VAR_NTYPES] = { "SNV", "indel", "other" };
    return type >= 0 && type < G5_VAR_NTYPES ? names[type] : "?";
}

int g5_var_cmp(const g5_var_t *a, const g5_var_t *b)
{
    if (a->tid != b->tid) return a->tid < b->tid ? -1 : 1;
    if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
    int c = strcmp(a->ref, b->ref);
    return c ? c : strcmp(a->alt, b->alt);
}

int g5_var_same_gt(const g5_var_t *a, const g5_var_t *b)
{
    return a->ploidy == b->ploidy && a->nalt == b->nalt && a->nmiss == b->nmiss;
}

char *g5_var_gt_str(const g5_var_t *v, char *buf, size_t n)
{
    if (n < 2) return buf;
    if (v->ploidy <= 0) {
        strcpy(buf, ".");
        return buf;
    }
    size_t at = 0;
    for (int j = 0; j < v->ploidy; j++) {
        char c = j < v->nmiss ? '.' : j < v->ploidy - v->nalt ? '0' : '1';
        if (at + (j ? 2 : 1) >= n) {        // no room: mark the cut
            buf[n - 2] = '+';
            buf[n - 1] = '\0';
            return buf;
        }
        if (j) buf[at++] = '/';
        buf[at++] = c;
    }
    buf[at] = '\0';
    return buf;
}

void g5_var_free(g5_var_t *v)
{
    free(v->ref);
    v->ref = v->alt = NULL;
}

void g5_varv_free(g5_varv_t *v)
{
    for (size_t i = 0; i < v->n; i++) g5_var_free(&v->v[i]);
    free(v->v);
    v->v = NULL;
    v->n = v->m = 0;
}

/* --- the sorting window -------------------------------------------------- */

/* A binary min-heap of variants in g5_var_cmp order. */
struct g5_varbuf {
    hts_pos_t window;
    g5_var_t *h;
    size_t n, m;
    int released;           /* something was released: last is valid */
    g5_var_t last;          /* the key of the last variant released (alleles copied) */
    kstring_t last_al;      /* its alleles */
};

g5_varbuf_t *g5_varbuf_init(hts_pos_t window)
{
    g5_varbuf_t *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->window = window < 0 ? 0 : window;
    return b;
}

/* The window's order: g5_var_cmp, then the input's order, so that of two
 * records giving one variant the earlier comes out first. */
static int heap_cmp(const g5_var_t *a, const g5_var_t *b)
{
    int c = g5_var_cmp(a, b);
    return c ? c : a->rec < b->rec ? -1 : a->rec > b->rec;
}

static void sift_up(g5_varbuf_t *b, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (heap_cmp(&b->h[p], &b->h[i]) <= 0) break;
        g5_var_t t = b->h[p];
        b->h[p] = b->h[i];
        b->h[i] = t;
        i = p;
    }
}

static void sift_down(g5_varbuf_t *b, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < b->n && heap_cmp(&b->h[l], &b->h[m]) < 0) m = l;
        if (r < b->n && heap_cmp(&b->h[r], &b->h[m]) < 0) m = r;
        if (m == i) break;
        g5_var_t t = b->h[m];
        b->h[m] = b->h[i];
        b->h[i] = t;
        i = m;
    }
}

int g5_varbuf_push(g5_varbuf_t *b, g5_var_t *v)
{
    if (b->released && g5_var_cmp(v, &b->last) < 0) {
        g5_var_free(v);
        return G5_VARBUF_LATE;
    }
    if (b->n == b->m) {
        size_t m = b->m ? 2 * b->m : 64;
        g5_var_t *h = realloc(b->h, m * sizeof *h);
        if (!h) {
            g5_var_free(v);
            errno = ENOMEM;
            return -1;
        }
        b->h = h;
        b->m = m;
    }
    b->h[b->n] = *v;
    sift_up(b, b->n++);
    v->ref = v->alt = NULL;
    return 0;
}

int g5_varbuf_pop(g5_varbuf_t *b, int tid, hts_pos_t pos, g5_var_t *out)
{
    if (!b->n) return 0;
    const g5_var_t *top = &b->h[0];
    // Later input comes from (tid, pos) on and moves at most window bp left.
    if (top->tid == tid && top->pos + b->window >= pos) return 0;
    if (top->tid > tid) return 0;
    *out = b->h[0];
    b->h[0] = b->h[--b->n];
    if (b->n) sift_down(b, 0);

    // remember the key, to refuse a variant that would come before it
    size_t lr = strlen(out->ref), la = strlen(out->alt);
    b->last_al.l = 0;
    if (ks_resize(&b->last_al, lr + la + 2) < 0) {
        b->h[b->n++] = *out;            // put it back (at the end: the heap order is
        sift_up(b, b->n - 1);           // restored by sifting) and give up
        errno = ENOMEM;
        return -1;
    }
    memcpy(b->last_al.s, out->ref, lr + 1);
    memcpy(b->last_al.s + lr + 1, out->alt, la + 1);
    b->last = *out;
    b->last.ref = b->last_al.s;
    b->last.alt = b->last_al.s + lr + 1;
    b->released = 1;
    return 1;
}

size_t g5_varbuf_size(const g5_varbuf_t *b)
{
    return b->n;
}

void g5_varbuf_destroy(g5_varbuf_t *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n; i++) g5_var_free(&b->h[i]);
    free(b->h);
    free(b->last_al.s);
    free(b);
}
