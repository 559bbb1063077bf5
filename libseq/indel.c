/*
 * indel.c -- indel candidates and read-haplotype likelihoods.  See indel.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "indel.h"

/* Reference bases around the read's span beyond what it covers, so that a
 * read whose end hangs over an insertion can still be placed. */
#define FLANK 10

/* Most reads first; ties by length, then bases, so the order is fixed. */
static int cmp_candidate(const void *x, const void *y)
{
    const g5_indel_t *a = *(const g5_indel_t *const *)x, *b = *(const g5_indel_t *const *)y;
    if (a->reads != b->reads) return a->reads > b->reads ? -1 : 1;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    return strcmp(a->ins, b->ins);
}

int g5_indel_candidates(const g5_plp_col_t *col, int min_reads, g5_indel_t *out, int *index, int max)
{
    int n = 0;
    const g5_indel_t *all[64];      // sorted as pointers: each keeps its rank in the column
    for (int k = 0; k < col->nindels && n < (int)(sizeof all / sizeof *all); k++)
        if (col->indels[k].reads >= min_reads) all[n++] = &col->indels[k];
    qsort(all, n, sizeof *all, cmp_candidate);
    if (n > max) n = max;
    for (int c = 0; c < n; c++) {
        out[c] = *all[c];
        if (index) index[c] = (int)(all[c] - col->indels);
    }
    return n;
}

static uint8_t code_of(char c)
{
    switch (c) {
    case 'A': return 0;
    case 'C': return 1;
    case 'G': return 2;
    case 'T': return 3;
    default: return 4;
    }
}

/* The part of a read within @p reach bases of [lo, hi) on the reference:
 * query [*qb, *qe) and the reference span it was aligned to.  A soft clip
 * inside that reach comes with it (it may be the indel's own bases). */
static void read_part(const bam1_t *b, hts_pos_t lo, hts_pos_t hi, int *qb, int *qe,
                      hts_pos_t *rb, hts_pos_t *re)
{
    const uint32_t *cig = bam_get_cigar(b);
    hts_pos_t pos = b->core.pos;
    int qpos = 0;
    *qb = -1;
    *qe = 0;
    *rb = *re = pos;
    for (uint32_t k = 0; k < b->core.n_cigar; k++) {
        int op = bam_cigar_op(cig[k]), len = bam_cigar_oplen(cig[k]), type = bam_cigar_type(op);
        hts_pos_t rlen = type & 2 ? len : 0;
        int qlen = type & 1 ? len : 0;
        // an operation overlapping [lo, hi) on the reference (or a query-only
        // one at a place within it) belongs to the part
        int inside = rlen ? pos < hi && pos + rlen > lo : pos >= lo && pos <= hi;
        if (inside && qlen) {
            int from = qpos, to = qpos + qlen;
            if (rlen && type & 1) {     // an aligned block: clip it to [lo, hi)
                if (pos < lo) from += (int)(lo - pos);
                if (pos + rlen > hi) to -= (int)(pos + rlen - hi);
            }
            if (*qb < 0) {
                *qb = from;
                *rb = pos + (rlen && type & 1 && pos < lo ? lo - pos : 0);
            }
            *qe = to;
            *re = rlen && type & 1 ? (pos + rlen > hi ? hi : pos + rlen) : pos;
        }
        qpos += qlen;
        pos += rlen;
    }
    if (*qb < 0) *qb = *qe = 0;
}

/* Bases of reference beyond the indel that a read's part keeps on each side:
 * enough to place the read, few enough to keep the alignment cheap (the
 * rest of the read fits every haplotype alike). */
#define REACH 20

void g5_indel_buf_free(g5_indel_buf_t *buf)
{
    free(buf->hap);
    free(buf->query);
    free(buf->qual);
    free(buf->q);
    free(buf->state);
    memset(buf, 0, sizeof *buf);
}

/* Room for a haplotype of @p nhap bases and a read part of @p nquery. */
static int grow(g5_indel_buf_t *buf, size_t nhap, size_t nquery)
{
    if (nhap > buf->mhap) {
        uint8_t *x = realloc(buf->hap, nhap);
        if (!x) return -1;
        buf->hap = x;
        buf->mhap = nhap;
    }
    if (nquery > buf->mquery) {
        uint8_t *a = realloc(buf->query, nquery), *b = a ? realloc(buf->qual, nquery) : NULL,
                *c = b ? realloc(buf->q, nquery) : NULL;
        int *d = c ? realloc(buf->state, nquery * sizeof *d) : NULL;
        if (a) buf->query = a;
        if (b) buf->qual = b;
        if (c) buf->q = c;
        if (!d) return -1;
        buf->state = d;
        buf->mquery = nquery;
    }
    return 0;
}

int g5_indel_read_lk(const char *ref, hts_pos_t ref_len, hts_pos_t pos,
                     const g5_indel_t *cand, int ncand, const bam1_t *b, double *lk,
                     g5_indel_buf_t *buf)
{
    int maxlen = 0;
    hts_pos_t first = pos, last = pos;      // the anchors' span
    for (int c = 0; c < ncand; c++) {
        int l = cand[c].len < 0 ? -cand[c].len : cand[c].len;
        if (l > maxlen) maxlen = l;
        if (cand[c].anchor < first) first = cand[c].anchor;
        if (cand[c].anchor > last) last = cand[c].anchor;
    }
    int qb, qe;
    hts_pos_t rb, re;
    read_part(b, first - REACH - maxlen, last + 1 + maxlen + REACH, &qb, &qe, &rb, &re);
    int lq = qe - qb;
    hts_pos_t w0 = rb - FLANK - maxlen, w1 = re + FLANK + maxlen;
    if (w0 < 0) w0 = 0;
    if (w1 > ref_len) w1 = ref_len;
    if (first < w0 || last >= w1 || lq <= 0) {     // does not reach the anchors: no opinion
        for (int h = 0; h <= ncand; h++) lk[h] = 0;
        return 0;
    }

    if (grow(buf, (size_t)(w1 - w0) + G5_PLP_MAX_INDEL + 1, (size_t)lq) < 0) return -1;
    uint8_t *hap = buf->hap, *query = buf->query, *qual = buf->qual;
    // BAQ lowered the qualities around the gap -- exactly the evidence the
    // realignment weighs -- and kept what it took in ZQ (quality + ZQ - 64)
    const uint8_t *seq = bam_get_seq(b), *bq = bam_get_qual(b), *zq = bam_aux_get(b, "ZQ");
    if (zq && *zq != 'Z') zq = NULL;
    if (zq && (int)strlen((const char *)zq + 1) != b->core.l_qseq) zq = NULL;
    for (int i = 0; i < lq; i++) {
        int x = qb + i;
        query[i] = code_of(seq_nt16_str[bam_seqi(seq, x)]);
        int bqi = bq[0] == 0xff ? 30 : bq[x] + (zq ? zq[1 + x] - 64 : 0);    // none recorded: Q30
        qual[i] = (uint8_t)(bqi < 0 ? 0 : bqi > 93 ? 93 : bqi);
    }
    probaln_par_t par = { 1e-4f, 1e-2f, maxlen + FLANK };
    double best = -1e300;
    for (int h = 0; h <= ncand; h++) {
        int len = h ? cand[h - 1].len : 0, lh = 0;
        hts_pos_t at = h ? cand[h - 1].anchor : pos;
        for (hts_pos_t x = w0; x <= at; x++) hap[lh++] = code_of(ref[x]);
        for (int k = 0; k < len; k++) hap[lh++] = code_of(cand[h - 1].ins[k]);
        for (hts_pos_t x = at + 1 + (len < 0 ? -len : 0); x < w1; x++) hap[lh++] = code_of(ref[x]);
        int sc = probaln_glocal(hap, lh, query, lq, qual, &par, buf->state, buf->q);
        if (sc == INT_MIN) {
            if (!errno) errno = ENOMEM;
            return -1;
        }
        lk[h] = -sc / 10.0;
        if (lk[h] > best) best = lk[h];
    }
    // a read is no surer of its haplotype than of its place in the genome
    double floor = best - b->core.qual / 10.0;
    for (int h = 0; h <= ncand; h++) if (lk[h] < floor) lk[h] = floor;
    return 0;
}
