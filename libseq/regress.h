/*
 * regress.h -- linear regression of many traits on one variant at a time,
 * with covariates.
 *
 * DESIGN
 * The model of plink2 --glm for a quantitative trait: y = a + C g + b x + e,
 * x the variant's dosages, C the covariates, and the test is of b.  By the
 * Frisch-Waugh-Lovell theorem b, its standard error and t are those of the
 * regression of the covariate-residualised y on the covariate-residualised
 * x, with n - c - 2 degrees of freedom (c covariates, the intercept, x).
 * So the covariates are projected out once per set of samples (a QR
 * decomposition of [1 C] by LAPACK), every trait of the set once, and each
 * variant costs one projection of x and one product with all the traits --
 * for a block of variants a matrix product (BLAS dgemm), which is what makes
 * a hundred traits cost little more than one.
 *
 * BLAS runs on one thread (g5_linreg_init sets OpenBLAS so): callers
 * parallelise over blocks of variants, and OpenBLAS's own threads would
 * change the order of its sums -- and so the last digits -- with the
 * number of cores, where g5's outputs must not change.
 *
 * Nor is the residualised x made: its product with a residualised trait
 * is x'y_r itself (y_r is orthogonal to the covariates), and its sum of
 * squares is x'x less the squares of its coordinates in the covariates'
 * basis Q.  So a block costs two products, Q'X and X'Y_r, with no copy of
 * X -- and a set of samples smaller than the genotypes' (traits with
 * missing values) takes the genotypes as they are, with Q and Y_r spread
 * over all samples, zero on those left out (g5_linreg_spread): every set
 * reads the same block of dosages, gathered by none.
 *
 * Samples must be the same for every trait of a set and every variant: a
 * variant with a sample of the set missing needs the model refitted on the
 * others (g5_linreg_one does it the direct way).  p comes from Student's t
 * (GSL).
 */
#ifndef G5_REGRESS_H
#define G5_REGRESS_H

#include <stddef.h>

/** The result of one test. */
typedef struct g5_lmres {
    double beta, se, t, p;
    int df;                 /**< residual degrees of freedom; 0: no test (x constant after covariates) */
} g5_lmres_t;

typedef struct g5_linreg g5_linreg_t;

/**
 * Project the covariates out of the traits, once.
 * @param n    samples
 * @param c    covariates (the intercept is added)
 * @param C    n x c, column by column (C[k * n + i]); NULL when c is 0
 * @param t    traits
 * @param Y    n x t, column by column
 * @param why  on failure: collinear or constant covariates (naming which,
 *             by index from 0), too few samples
 * @return the regression, or NULL with @p why set
 */
g5_linreg_t *g5_linreg_init(int n, int c, const double *C, int t, const double *Y, char *why, size_t nwhy);

/** Scratch g5_linreg_test needs for a block of @p b variants, in doubles. */
size_t g5_linreg_work(const g5_linreg_t *L, int b);

/**
 * Take dosages on @p N samples, the model's own being rows[0..n-1] of them
 * (increasing): the others weigh nothing.  Once per model.
 * @return 0, or -1 with errno set (ENOMEM; EINVAL: spread already)
 */
int g5_linreg_spread(g5_linreg_t *L, int N, const int *rows);

/**
 * Test a block of variants against every trait.  @p L is only read, so
 * threads may share it, each with its own @p work.
 * @param L     the regression
 * @param b     variants
 * @param X     dosages, column by column, one per variant: n values, or N
 *              after g5_linreg_spread (any finite value, 0 say, where a
 *              sample left out has none); none missing among the model's
 * @param sq    per variant, the sum of squares of its dosages on the
 *              model's samples, or NULL to sum the column (right unless
 *              spread and nonzero on samples left out)
 * @param work  g5_linreg_work(L, b) doubles of scratch
 * @param out   b x t results: out[v * t + k] for variant v and trait k
 */
void g5_linreg_test(const g5_linreg_t *L, int b, const double *X, const double *sq, double *work,
                    g5_lmres_t *out);

/** Free (NULL is a no-op). */
void g5_linreg_free(g5_linreg_t *L);

/**
 * One trait, one variant, fitted directly (normal equations of [1 C x],
 * solved by QR): for a variant whose missing samples leave another set.
 * @param n, c, C, y, x  as above, the same n samples for all
 * @param out            the test of x's coefficient
 * @return 0, or -1 when the model is singular without x (out->df = 0 when x alone is)
 */
int g5_linreg_one(int n, int c, const double *C, const double *y, const double *x, g5_lmres_t *out);

#endif
