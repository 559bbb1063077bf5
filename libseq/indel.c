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
    const g5_indel_t *a = x, *b = y;
    if (a->reads != b->reads) return a->reads > b->reads ? -1 : 1;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    return strcmp(a->ins, b->ins);
}

int g5_indel_candidates(const g5_plp_col_t *col, int min_reads, g5_indel_t *out, int max)
{
    int n = 0;
    g5_indel_t all[64];
    for (int k = 0; k < col->nindels && n < (int)(sizeof all / sizeof *all); k++)
        if (col->indels[k].reads >= min_reads) all[n++] = col->indels[k];
    qsort(all, n, sizeof *all, cmp_candidate);
    if (n > max) n = max;
    memcpy(out, all, n * sizeof *out);
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

int g5_indel_read_lk(const char *ref, hts_pos_t ref_len, hts_pos_t pos,
                     const g5_indel_t *cand, int ncand, const bam1_t *b, double *lk)
{
    const uint32_t *cig = bam_get_cigar(b);
    int n_cigar = b->core.n_cigar, lq = b->core.l_qseq;
    int clip5 = n_cigar && bam_cigar_op(cig[0]) == BAM_CSOFT_CLIP ? bam_cigar_oplen(cig[0]) : 0;
    int clip3 = n_cigar > 1 && bam_cigar_op(cig[n_cigar - 1]) == BAM_CSOFT_CLIP ? bam_cigar_oplen(cig[n_cigar - 1]) : 0;
    int maxlen = 0;
    for (int c = 0; c < ncand; c++) {
        int l = cand[c].len < 0 ? -cand[c].len : cand[c].len;
        if (l > maxlen) maxlen = l;
    }
    hts_pos_t w0 = b->core.pos - clip5 - FLANK - maxlen, w1 = bam_endpos(b) + clip3 + FLANK + maxlen;
    if (w0 < 0) w0 = 0;
    if (w1 > ref_len) w1 = ref_len;
    if (pos < w0 || pos >= w1 || lq == 0) {     // does not reach the anchor: no opinion
        for (int h = 0; h <= ncand; h++) lk[h] = 0;
        return 0;
    }

    size_t room = (size_t)(w1 - w0) + G5_PLP_MAX_INDEL + 1;
    uint8_t *hap = malloc(room), *query = malloc(lq), *qual = malloc(lq), *q = malloc(lq);
    int *state = malloc(lq * sizeof *state);
    int ret = -1;
    if (!hap || !query || !qual || !q || !state) goto done;
    // BAQ lowered the qualities around the gap -- exactly the evidence the
    // realignment weighs -- and kept what it took in ZQ (quality + ZQ - 64)
    const uint8_t *seq = bam_get_seq(b), *bq = bam_get_qual(b), *zq = bam_aux_get(b, "ZQ");
    if (zq && (*zq != 'Z' || (int)strlen((const char *)zq + 1) != lq)) zq = NULL;
    for (int i = 0; i < lq; i++) {
        query[i] = code_of(seq_nt16_str[bam_seqi(seq, i)]);
        int bqi = bq[0] == 0xff ? 30 : bq[i] + (zq ? zq[1 + i] - 64 : 0);    // none recorded: Q30
        qual[i] = (uint8_t)(bqi < 0 ? 0 : bqi > 93 ? 93 : bqi);
    }
    probaln_par_t par = { 1e-4f, 1e-2f, maxlen + FLANK };
    double best = -1e300;
    for (int h = 0; h <= ncand; h++) {
        int len = h ? cand[h - 1].len : 0, lh = 0;
        for (hts_pos_t x = w0; x <= pos; x++) hap[lh++] = code_of(ref[x]);
        for (int k = 0; k < len; k++) hap[lh++] = code_of(cand[h - 1].ins[k]);
        for (hts_pos_t x = pos + 1 + (len < 0 ? -len : 0); x < w1; x++) hap[lh++] = code_of(ref[x]);
        int sc = probaln_glocal(hap, lh, query, lq, qual, &par, state, q);
        if (sc == INT_MIN) goto done;
        lk[h] = -sc / 10.0;
        if (lk[h] > best) best = lk[h];
    }
    // a read is no surer of its haplotype than of its place in the genome
    double floor = best - b->core.qual / 10.0;
    for (int h = 0; h <= ncand; h++) if (lk[h] < floor) lk[h] = floor;
    ret = 0;
done:
    if (ret < 0 && !errno) errno = ENOMEM;
    free(hap); free(query); free(qual); free(q); free(state);
    return ret;
}
