/*
 * pca.h -- principal components of a cohort's genotypes, as plink2 --pca
 * computes them (exact, with mean imputation).
 *
 * DESIGN
 * Each variant's dosages are standardised, z = (x - 2p) / sqrt(2p(1 - p))
 * with p the ALT frequency among the samples with a call, a missing call
 * becoming 0 (the mean).  The relationship matrix G = Z'Z / M (M variants)
 * is accumulated block by block (256 variants at a time, in fixed tiles of
 * G shared by the threads -- BLAS dsyrk and dgemm, each tile one call, so
 * the sums do not depend on the threads; memory is G's n x n, whatever
 * the number of variants), and its top k
 * eigenvectors (LAPACK dsyevr) are the PCs, its eigenvalues plink2's
 * .eigenval.  An eigenvector's sign is arbitrary; it is fixed here so that
 * its largest component (the first of equals) is positive, which makes the
 * output reproducible.
 *
 * Loadings: sample i's score on PC k is u_ik = sum_v z_vi w_vk with
 * w_vk = sum_i z_vi u_ik / (lambda_k M), so new samples standardised with
 * the same frequencies project onto the same axes, and the cohort's own
 * samples project onto exactly their PCs.
 */
#ifndef G5_PCA_H
#define G5_PCA_H

#include <stddef.h>
#include <stdint.h>

typedef struct g5_grm g5_grm_t;

/**
 * Standardise one variant's dosages.
 * @param x  n dosages, NaN for no call
 * @param p  the ALT frequency they are centred on (0 < p < 1)
 * @param z  out: n standardised values, 0 for no call
 */
void g5_pca_standardize(const double *x, int n, double p, double *z);

/** An empty relationship matrix for @p n samples, accumulated by @p threads
 *  extra threads; or NULL (out of memory). */
g5_grm_t *g5_grm_init(int n, int threads);

/** Bytes g5_grm_init(n) takes. */
size_t g5_grm_bytes(int n);

/** Add one variant (dosages @p x, ALT frequency @p p).  @return 0, or -1 (out of memory) */
int g5_grm_add(g5_grm_t *g, const double *x, double p);

/** A variant with one allele: nothing to add, but it counts in M, as in
 *  plink2 (whose eigenvalues then match). */
void g5_grm_add_constant(g5_grm_t *g);

/** Variants added. */
long long g5_grm_nvariants(const g5_grm_t *g);

/**
 * The top @p k eigenvalues (descending) and eigenvectors of G (n x k,
 * column by column, unit length, signs fixed).  Ends the accumulation.
 * @return 0, or -1 (LAPACK failed, or out of memory)
 */
int g5_grm_eigen(g5_grm_t *g, int k, double *values, double *vectors);

/** Free (NULL is a no-op). */
void g5_grm_free(g5_grm_t *g);

/*
 * The randomized method, for cohorts whose n x n matrix is too large (or
 * slow): the genotypes are kept as a byte per call, and the top components
 * found in a block Krylov space (Halko, Martinsson and Tropp 2011; the
 * method of plink2's approx, Galinsky et al. 2016): k + 10 Gaussian
 * columns, each iteration a multiplication by Z'Z -- two matrix products
 * per block of variants, never the n x n matrix -- and an
 * orthonormalisation, all the iterates kept side by side, then the
 * eigenpairs of the matrix projected on their span.  The start is seeded, so the
 * result is the same on every run.
 */
typedef struct g5_gcodes g5_gcodes_t;

/** An empty store for @p n samples, or NULL. */
g5_gcodes_t *g5_gcodes_init(int n);

/** Add one variant's calls (0, 1, 2 or NaN) and its ALT frequency.  @return 0, or -1 (out of memory) */
int g5_gcodes_add(g5_gcodes_t *c, const double *x, double p);

/** Bytes the store holds now. */
size_t g5_gcodes_bytes(const g5_gcodes_t *c);

/** Variants stored. */
long long g5_gcodes_count(const g5_gcodes_t *c);

/** Variant @p v standardised into @p z (n values).  @return its frequency */
double g5_gcodes_standardize(const g5_gcodes_t *c, long long v, double *z);

/**
 * The top @p k components from a block Krylov space.
 * @param m           the M that divides Z'Z (stored variants and monomorphic ones)
 * @param iterations  multiplications by Z'Z after the first (e.g. 10)
 * @param values, vectors  as g5_grm_eigen
 * @return 0, or -1
 */
int g5_pca_randomized(const g5_gcodes_t *c, long long m, int k, int iterations, double *values, double *vectors);

/** Free (NULL is a no-op). */
void g5_gcodes_free(g5_gcodes_t *c);

#endif
