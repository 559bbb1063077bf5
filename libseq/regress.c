/*
 * regress.c -- linear regression with covariates projected out.  See regress.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <gsl/gsl_cdf.h>
#include <lapacke.h>

#include "cli.h"
#include "regress.h"

/* A column whose share of the norm left after the columns before it is
 * below this is taken as lying in their span. */
#define COLLINEAR 1e-9

/* The same for a variant, whose residual sum of squares is a difference of
 * sums (x'x - |Q'x|^2) good to about 1e-16 of x'x: a residual below 1e-5
 * of its norm is read as none.  (plink2 refuses far sooner: a variant
 * correlated above 0.999 with its covariates.) */
#define COLLINEAR_X 1e-10

struct g5_linreg {
    int n, p, t, df;        /* samples, columns of [1 C], traits, residual df */
    int N;                  /* rows of the dosages tested: n, or more once spread */
    double *QY;             /* N x (p + t): Q (orthonormal columns spanning [1 C]) and
                               Yr (the traits with [1 C] projected out) side by side,
                               zero on rows not the model's: one product with a block
                               gives Q'X and X'Yr, X packed once */
    double *yy;             /* t: the sums of squares of Yr */
};

void g5_linreg_free(g5_linreg_t *L)
{
    if (!L) return;
    free(L->QY); free(L->yy);
    free(L);
}

/* A = Q R of the n x p matrix A (column by column), Q into A.  @return the
 * first column (from 0) in the span of those before it, or -1 */
static int qr(int n, int p, double *A, double *R_diag)
{
    double *tau = malloc((p + 1) * sizeof *tau), *norm = malloc((p + 1) * sizeof *norm);
    int bad = -2;
    if (!tau || !norm) goto done;
    for (int k = 0; k < p; k++) norm[k] = cblas_dnrm2(n, A + (size_t)k * n, 1);
    if (LAPACKE_dgeqrf(LAPACK_COL_MAJOR, n, p, A, n, tau) != 0) goto done;
    bad = -1;
    for (int k = 0; k < p && bad < 0; k++) {
        double r = fabs(A[(size_t)k * n + k]);
        if (R_diag) R_diag[k] = A[(size_t)k * n + k];
        if (!(r > COLLINEAR * norm[k])) bad = k;
    }
    if (bad == -1 && LAPACKE_dorgqr(LAPACK_COL_MAJOR, n, p, p, A, n, tau) != 0) bad = -2;
done:
    free(tau);
    free(norm);
    return bad;
}

/* M (n x m) minus its projection on Q (n x p); tmp: p x m. */
static void project_out(const double *Q, int n, int p, double *M, int m, double *tmp)
{
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, p, m, n, 1.0, Q, n, M, n, 0.0, tmp, p);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, m, p, -1.0, Q, n, tmp, p, 1.0, M, n);
}

/* Two-sided p of Student's t. */
static double t_p(double t, int df)
{
    return 2 * gsl_cdf_tdist_Q(fabs(t), df);
}

g5_linreg_t *g5_linreg_init(int n, int c, const double *C, int t, const double *Y, char *why, size_t nwhy)
{
    openblas_set_num_threads(1);   // the same sums whatever the machine: see regress.h
    g5_linreg_t *L = calloc(1, sizeof *L);
    int p = c + 1;
    if (!L) return g5_why(why, nwhy, "out of memory"), NULL;
    L->n = n;
    L->p = p;
    L->t = t;
    L->df = n - p - 1;
    if (L->df < 1) {
        g5_why(why, nwhy, "%d samples are too few for %d covariates", n, c);
        goto fail;
    }
    L->N = n;
    double *tmp = NULL, *Q, *Yr;
    if (!(L->QY = malloc(((size_t)n * (p + t) + 1) * sizeof *L->QY)) || !(L->yy = malloc((t + 1) * sizeof *L->yy))
        || !(tmp = malloc(((size_t)p * t + 1) * sizeof *tmp))) {
        free(tmp);
        g5_why(why, nwhy, "out of memory");
        goto fail;
    }
    Q = L->QY;
    Yr = L->QY + (size_t)n * p;
    for (int i = 0; i < n; i++) Q[i] = 1;
    if (c) memcpy(Q + n, C, (size_t)n * c * sizeof *C);
    int bad = qr(n, p, Q, NULL);
    if (bad != -1) {
        free(tmp);
        if (bad == -2) g5_why(why, nwhy, "out of memory (or LAPACK failed)");
        else g5_why(why, nwhy, "covariate %d is constant or a combination of the others", bad - 1);
        goto fail;
    }
    if (t) {
        memcpy(Yr, Y, (size_t)n * t * sizeof *Y);
        project_out(Q, n, p, Yr, t, tmp);
    }
    free(tmp);
    for (int k = 0; k < t; k++) L->yy[k] = cblas_ddot(n, Yr + (size_t)k * n, 1, Yr + (size_t)k * n, 1);
    return L;
fail:
    g5_linreg_free(L);
    return NULL;
}

int g5_linreg_spread(g5_linreg_t *L, int N, const int *rows)
{
    int n = L->n, w = L->p + L->t;
    if (L->N != n) return errno = EINVAL, -1;     // spread once
    double *QY = calloc((size_t)N * w + 1, sizeof *QY);
    if (!QY) return errno = ENOMEM, -1;
    for (int k = 0; k < w; k++)
        for (int i = 0; i < n; i++) QY[(size_t)k * N + rows[i]] = L->QY[(size_t)k * n + i];
    free(L->QY);
    L->N = N;
    L->QY = QY;
    return 0;
}

size_t g5_linreg_work(const g5_linreg_t *L, int b)
{
    // X'[Q Yr] (b x (p + t)), the sums of squares (b)
    return (size_t)b * (L->p + L->t) + (size_t)b;
}

void g5_linreg_test(const g5_linreg_t *L, int b, const double *X, const double *sq, double *work,
                    g5_lmres_t *out)
{
    int N = L->N, p = L->p, t = L->t;
    // X'[Q Yr]: each variant's coordinates in Q, then against every trait
    // at once (x'y_r is x_r'y_r)
    double *XQY = work, *raw = XQY + (size_t)b * (p + t);
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, b, p + t, N, 1.0, X, N, L->QY, N, 0.0, XQY, b);
    const double *XY = XQY + (size_t)b * p;
    for (int v = 0; v < b; v++) {
        raw[v] = sq ? sq[v] : cblas_ddot(N, X + (size_t)v * N, 1, X + (size_t)v * N, 1);
        double xx = raw[v];
        for (int k = 0; k < p; k++) xx -= XQY[(size_t)k * b + v] * XQY[(size_t)k * b + v];
        for (int k = 0; k < t; k++) {
            g5_lmres_t *r = &out[(size_t)v * t + k];
            if (!(xx > COLLINEAR_X * raw[v]) || raw[v] == 0) {     // x in the covariates' span
                *r = (g5_lmres_t){ NAN, NAN, NAN, NAN, 0 };
                continue;
            }
            double beta = XY[(size_t)k * b + v] / xx;
            double rss = L->yy[k] - beta * beta * xx;
            if (rss < 0) rss = 0;
            r->beta = beta;
            r->se = sqrt(rss / L->df / xx);
            r->t = beta / r->se;
            r->df = L->df;
            r->p = t_p(r->t, L->df);
        }
    }
}

int g5_linreg_one(int n, int c, const double *C, const double *y, const double *x, g5_lmres_t *out)
{
    int p = c + 2;
    *out = (g5_lmres_t){ NAN, NAN, NAN, NAN, 0 };
    if (n - p < 1) return -1;
    double *A = malloc((size_t)n * p * sizeof *A), *R = malloc(p * sizeof *R), *qy = malloc(p * sizeof *qy);
    int r = -1;
    if (!A || !R || !qy) goto done;
    for (int i = 0; i < n; i++) A[i] = 1;
    if (c) memcpy(A + n, C, (size_t)n * c * sizeof *C);
    memcpy(A + (size_t)(p - 1) * n, x, (size_t)n * sizeof *x);
    int bad = qr(n, p, A, R);
    if (bad == -2 || (bad >= 0 && bad < p - 1)) goto done;     // the covariates alone are singular
    r = 0;
    if (bad == p - 1) goto done;                                // x in their span: no test
    // with A = QR: the coefficients solve R b = Q'y; x is the last, so its
    // estimate is (Q'y)_last / R_last and its variance sigma^2 / R_last^2
    cblas_dgemv(CblasColMajor, CblasTrans, n, p, 1.0, A, n, y, 1, 0.0, qy, 1);
    double rss = cblas_ddot(n, y, 1, y, 1) - cblas_ddot(p, qy, 1, qy, 1);
    if (rss < 0) rss = 0;
    int df = n - p;
    out->beta = qy[p - 1] / R[p - 1];
    out->se = sqrt(rss / df) / fabs(R[p - 1]);
    out->t = out->beta / out->se;
    out->df = df;
    out->p = t_p(out->t, df);
done:
    free(A);
    free(R);
    free(qy);
    return r;
}
