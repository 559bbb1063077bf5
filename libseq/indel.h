/*
 * indel.h -- candidate indels at a pileup column, and how well each read
 * fits each candidate haplotype.
 *
 * DESIGN
 * Aligners place a read's gap where it looks best for that read alone, and
 * a read that ends inside an insertion often shows no gap at all, only
 * mismatches or a soft clip.  So an indel is not genotyped by counting gaps
 * in CIGARs: the candidates are the gaps reads show right after a position;
 * then every read over that position is realigned (htslib's probaln_glocal,
 * a pair-HMM with base qualities) to the reference and to each haplotype
 * that carries a candidate, around the read's own span, and
 * P(read | haplotype) gives the likelihoods, as bcftools and GATK do.  A
 * read's preference is worth no more than its mapping quality.
 *
 * Candidates come from the pileup's first pass, left-aligned, described
 * after their anchor base (VCF style): a length (> 0 inserted, < 0 deleted)
 * and, for insertions, the inserted bases.
 */
#ifndef G5_INDEL_H
#define G5_INDEL_H

#include <htslib/sam.h>

#include "pileup.h"

/** A candidate indel after the column's position (pileup's left-aligned ones). */
typedef g5_plp_indel_t g5_indel_t;

/**
 * The indels anchored at the column that enough reads show, most frequent
 * first (ties by length, then bases).
 * @param col        the column
 * @param min_reads  reads (all samples) a candidate needs
 * @param out        room for @p max candidates
 * @param index      out: each candidate's rank in col->indels (for
 *                   col->indel_reads), or NULL
 * @return the number kept (0..max)
 */
int g5_indel_candidates(const g5_plp_col_t *col, int min_reads, g5_indel_t *out, int *index, int max);

/** Room g5_indel_read_lk reuses from read to read: zero it before the
 *  first use, g5_indel_buf_free it after the last. */
typedef struct g5_indel_buf {
    uint8_t *hap, *query, *qual, *q;
    int *state;
    size_t mhap, mquery;
} g5_indel_buf_t;

/** Free what @p buf holds (the struct itself is the caller's). */
void g5_indel_buf_free(g5_indel_buf_t *buf);

/**
 * log10 P(read | haplotype) for the reference haplotype and each candidate
 * (each at its own anchor: near the column's, candidates anchored elsewhere
 * may stand in as other explanations of the reads).
 * @param ref, ref_len  the contig's sequence (uppercase) and length
 * @param pos           the anchor position (0-based)
 * @param cand, ncand   the candidates
 * @param b             the read
 * @param lk            out: 1 + ncand values; the reference first
 * @param buf           room reused from read to read
 * @return 0, or -1 (ENOMEM)
 */
int g5_indel_read_lk(const char *ref, hts_pos_t ref_len, hts_pos_t pos,
                     const g5_indel_t *cand, int ncand, const bam1_t *b, double *lk,
                     g5_indel_buf_t *buf);

#endif
