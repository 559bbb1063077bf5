/*
 * logreg.h -- logistic regression of a binary trait on a variant with
 * covariates, and Firth's penalised regression where it fails.
 *
 * DESIGN
 * plink2 --glm's model for a case/control trait: logit P(case) = a + C g +
 * b x, fitted by Newton-Raphson (iteratively reweighted least squares: the
 * information X'WX solved by Cholesky, LAPACK), the test of b by Wald's z,
 * p from the normal distribution (GSL).  When the fit does not converge, or
 * the data are separated (an estimate runs off to infinity, which with rare
 * variants and few cases is common), Firth's penalised likelihood --
 * Jeffreys' prior, the score corrected by the hat matrix's diagonal -- gives
 * finite estimates; plink2's firth-fallback does the same, and the result
 * says which was used.
 *
 * Unlike the linear model nothing can be projected out once: each variant
 * is a fit of its own.  The caller passes the samples with a value of x.
 */
#ifndef G5_LOGREG_H
#define G5_LOGREG_H

/** The result of one test. */
typedef struct g5_logres {
    double beta, se, z, p;  /**< log odds ratio per copy, its SE, Wald z and p */
    int firth;              /**< 1: from Firth's regression */
    int ok;                 /**< 0: no test (x constant, or neither fit converged) */
} g5_logres_t;

/** Scratch for the fits, kept from test to test. */
typedef struct g5_logreg g5_logreg_t;

/** Scratch for samples up to @p n and @p c covariates, or NULL. */
g5_logreg_t *g5_logreg_init(int n, int c);

/** Free (NULL is a no-op). */
void g5_logreg_free(g5_logreg_t *L);

/**
 * Fit and test x.
 * @param L          scratch
 * @param n          samples
 * @param c          covariates (the intercept is added)
 * @param C          n x c, column by column (NULL when c is 0)
 * @param y          n values 0 (control) or 1 (case)
 * @param x          n dosages
 * @param firth      0: never Firth; 1: when the ordinary fit fails (plink2's
 *                   firth-fallback); 2: always
 * @param out        the test of x
 */
void g5_logreg_test(g5_logreg_t *L, int n, int c, const double *C, const double *y, const double *x, int firth,
                    g5_logres_t *out);

#endif
