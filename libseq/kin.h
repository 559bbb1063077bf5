/*
 * kin.h -- KING-robust kinship of every pair of samples (Manichaikul et
 * al., Bioinformatics 2010), counted over bit planes of hard calls.
 *
 * DESIGN
 * Relatedness must be checked for every pair of a cohort, so the work is
 * quadratic in samples and linear in variants; what makes it fast is
 * counting 64 variants at a time.  Each sample's calls of a chunk of
 * variants are kept as bit planes -- called, heterozygous, hom-alt, hom-ref
 * -- and a pair's counts over the variants both samples have a call for
 * are popcounts of ANDs of its two samples' planes: the number of such
 * variants (NSNP), both heterozygous (HETHET), opposite homozygotes (IBS0)
 * and each sample's heterozygotes.  Counts accumulate over chunks, so
 * memory holds one chunk of planes plus the pair counts, within a budget.
 *
 * The coefficient is the between-family KING-robust estimator, as plink2
 * --make-king-table computes it:
 *   (HETHET - 2 IBS0) / (2 min(Het1, Het2)) + 1/2 - (Het1 + Het2) / (4 min(Het1, Het2))
 * computed as (2 HETHET - 4 IBS0 + 2 min - Het1 - Het2) / (4 min), one
 * rounding
 * (counts, over the pair's shared variants), 0.5 for duplicates, about
 * 0.25 for first-degree relatives, halving with each degree.
 *
 * Pairs are counted in tiles of 64 x 64 samples, whose planes stay in a
 * core's cache; threads take whole tiles, so no two threads touch a pair
 * and the integer counts do not depend on the number of threads.
 */
#ifndef G5_KIN_H
#define G5_KIN_H

#include <stddef.h>
#include <stdint.h>

/** A pair's counts over the variants both samples have a call for. */
typedef struct g5_kin_pair {
    uint32_t nsnp, hethet, ibs0, het1, het2;
} g5_kin_pair_t;

typedef struct g5_kin g5_kin_t;

/** Bytes the pair counts of @p n samples take (the part of the budget that does not shrink). */
size_t g5_kin_pair_bytes(int n);

/**
 * Start counting.
 * @param n        samples
 * @param budget   bytes for the pair counts and a chunk of planes (at
 *                 least g5_kin_pair_bytes(n) plus one 64-variant chunk)
 * @param threads  threads for counting (0: the caller's alone)
 * @return the counter, or NULL (out of memory, or a budget too small)
 */
g5_kin_t *g5_kin_init(int n, size_t budget, int threads);

/**
 * Add one biallelic variant: per sample 0, 1 or 2 copies of the ALT, or
 * NaN for no call.  Counting happens when a chunk is full.
 * @return 0, or -1 (threads could not start)
 */
int g5_kin_add(g5_kin_t *k, const double *x);

/** Count the last, partial chunk.  @return 0, or -1 */
int g5_kin_finish(g5_kin_t *k);

/** The counts of samples @p i < @p j. */
const g5_kin_pair_t *g5_kin_get(const g5_kin_t *k, int i, int j);

/** The KING-robust kinship of a pair's counts (NaN without heterozygotes). */
double g5_kin_coef(const g5_kin_pair_t *p);

/** Variants added. */
uint64_t g5_kin_nvariants(const g5_kin_t *k);

/** Free (NULL is a no-op). */
void g5_kin_free(g5_kin_t *k);

#endif
