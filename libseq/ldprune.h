/*
 * ldprune.h -- pruning variants in linkage disequilibrium, as plink's
 * --indep-pairwise WINDOW STEP R2 (a window of WINDOW variants, moved
 * STEP at a time, in which no pair may keep an r^2 above R2).
 *
 * DESIGN
 * Principal components computed on variants in linkage disequilibrium
 * follow haplotype blocks rather than ancestry, so cohorts prune first.
 * Variants are offered in file order; a window of the last WINDOW variants
 * of the contig is kept, and each pair with r^2 above the threshold loses
 * its variant with the smaller minor allele frequency (the later one of
 * equals), as plink 1.9 does.  A pair is judged once, when its later
 * variant arrives: earlier pairs were settled in earlier windows, which
 * makes the cost WINDOW dot products per variant.  r is the Pearson
 * correlation of the two variants' dosages, a missing call counting as
 * the variant's mean (as in g5 pca).  A variant is final once the window has moved past it: the
 * caller takes it then, in file order, kept or not.
 */
#ifndef G5_LDPRUNE_H
#define G5_LDPRUNE_H

typedef struct g5_ldprune g5_ldprune_t;

/**
 * Start pruning.
 * @param n       samples
 * @param window  variants in a window (>= 2)
 * @param step    variants the window moves by (1 .. window)
 * @param r2      the largest r^2 a kept pair may have
 * @return the pruner, or NULL (out of memory)
 */
g5_ldprune_t *g5_ldprune_init(int n, int window, int step, double r2);

/**
 * Offer the next variant.
 * @param contig  its contig (a new value ends the previous contig's window)
 * @param x       its dosages (0..2, NaN no call)
 * @param p       its ALT frequency (0 < p < 1)
 * @return 0, or -1 (out of memory)
 */
int g5_ldprune_add(g5_ldprune_t *pr, int contig, const double *x, double p);

/**
 * The next final variant, in the order offered.
 * @param keep  out: nonzero when it survived the pruning
 * @return 1 with @p *keep set, 0 when none is final yet
 */
int g5_ldprune_next(g5_ldprune_t *pr, int *keep);

/** No more variants: every one becomes final. */
void g5_ldprune_finish(g5_ldprune_t *pr);

/** Free (NULL is a no-op). */
void g5_ldprune_free(g5_ldprune_t *pr);

#endif
