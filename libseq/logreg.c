/*
 * logreg.c -- logistic and Firth regression.  See logreg.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <gsl/gsl_cdf.h>
#include <lapacke.h>

#include "logreg.h"

#define MAX_ITER 25         /* Newton steps of the ordinary fit before it counts as failed */
#define MAX_ITER_FIRTH 100
#define TOL 1e-8            /* largest step, relative to the coefficient, at convergence */

struct g5_logreg {
    int mn, mp;
    double *X;              /* n x p: [1 C x] */
    double *A;              /* n x p: rows of X times sqrt(w) */
    double *info;           /* p x p: the information, then its Cholesky factor */
    double *mu, *h, *r;     /* n: probabilities, hat diagonal, working residuals */
    double *beta, *delta, *trial, *prev;    /* p */
};

void g5_logreg_free(g5_logreg_t *L)
{
    if (!L) return;
    free(L->X); free(L->A); free(L->info); free(L->mu); free(L->h); free(L->r);
    free(L->beta); free(L->delta); free(L->trial); free(L->prev);
    free(L);
}

g5_logreg_t *g5_logreg_init(int n, int c)
{
    g5_logreg_t *L = calloc(1, sizeof *L);
    int p = c + 2;
    if (!L) return NULL;
    L->mn = n;
    L->mp = p;
    L->X = malloc((size_t)n * p * sizeof *L->X);
    L->A = malloc((size_t)n * p * sizeof *L->A);
    L->info = malloc((size_t)p * p * sizeof *L->info);
    L->mu = malloc(n * sizeof *L->mu);
    L->h = malloc(n * sizeof *L->h);
    L->r = malloc(n * sizeof *L->r);
    L->beta = malloc(p * sizeof *L->beta);
    L->delta = malloc(p * sizeof *L->delta);
    L->trial = malloc(p * sizeof *L->trial);
    L->prev = malloc(p * sizeof *L->prev);
    if (!L->X || !L->A || !L->info || !L->mu || !L->h || !L->r || !L->beta || !L->delta || !L->trial || !L->prev) {
        g5_logreg_free(L);
        return NULL;
    }
    return L;
}

/* The (penalised) log-likelihood at b, with mu, the information's Cholesky
 * factor (upper, in I) and, for Firth, the hat diagonal.  @return it, or
 * NAN when the information is singular */
static double evaluate(g5_logreg_t *L, int n, int p, const double *y, const double *b, int firth)
{
    double ll = 0;
    cblas_dgemv(CblasColMajor, CblasNoTrans, n, p, 1.0, L->X, n, b, 1, 0.0, L->r, 1);     // eta
    for (int i = 0; i < n; i++) {
        double eta = L->r[i];
        // log(1 + e^eta) without overflow
        double soft = eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta));
        ll += y[i] * eta - soft;
        L->mu[i] = 1 / (1 + exp(-eta));
        double w = sqrt(L->mu[i] * (1 - L->mu[i]));
        for (int k = 0; k < p; k++) L->A[(size_t)k * n + i] = L->X[(size_t)k * n + i] * w;
    }
    // I = A'A = R'R
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, p, n, 1.0, L->A, n, 0.0, L->info, p);
    if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', p, L->info, p) != 0) return NAN;
    if (firth) {
        // h_i = w_i x_i' I^-1 x_i: the squared norms of the rows of A R^-1;
        // Jeffreys' prior adds half the log-determinant of I
        cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, n, p, 1.0, L->info, p, L->A, n);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < p; k++) s += L->A[(size_t)k * n + i] * L->A[(size_t)k * n + i];
            L->h[i] = s;
        }
        for (int k = 0; k < p; k++) ll += log(fabs(L->info[(size_t)k * p + k]));
    }
    return ll;
}

/* Maximise from L->beta.  @return 0 converged, -1 not */
static int fit(g5_logreg_t *L, int n, int p, const double *y, int firth)
{
    double ll = evaluate(L, n, p, y, L->beta, firth);
    if (isnan(ll)) return -1;
    for (int it = 0; it < (firth ? MAX_ITER_FIRTH : MAX_ITER); it++) {
        // score: X'(y - mu), Firth's with h (1/2 - mu) added
        for (int i = 0; i < n; i++) L->r[i] = y[i] - L->mu[i] + (firth ? L->h[i] * (0.5 - L->mu[i]) : 0);
        cblas_dgemv(CblasColMajor, CblasTrans, n, p, 1.0, L->X, n, L->r, 1, 0.0, L->delta, 1);
        LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', p, 1, L->info, p, L->delta, p);
        double step = 0, dot = 0, dd = 0, pp = 0;
        for (int k = 0; k < p; k++) {
            step = fmax(step, fabs(L->delta[k]) / (1 + fabs(L->beta[k])));
            dot += L->delta[k] * L->prev[k];
            dd += L->delta[k] * L->delta[k];
            pp += L->prev[k] * L->prev[k];
        }
        // Firth's steps use the information, not the penalised likelihood's
        // own curvature, and can overshoot by a factor of two -- a
        // singleton's coefficient then swings back and forth around the
        // estimate for ever.  A step that reverses the last one is halved:
        // that lands on the estimate.
        double next = NAN, scale = it > 0 && dot < -0.5 * sqrt(dd * pp) ? 0.5 : 1;
        memcpy(L->prev, L->delta, p * sizeof *L->prev);
        // halve the step while it does not improve the (penalised) likelihood
        for (int half = 0; half < 20; half++, scale /= 2) {
            for (int k = 0; k < p; k++) L->trial[k] = L->beta[k] + scale * L->delta[k];
            next = evaluate(L, n, p, y, L->trial, firth);
            if (!isnan(next) && next >= ll - 1e-12 * fabs(ll)) break;
        }
        if (isnan(next)) return -1;
        memcpy(L->beta, L->trial, p * sizeof *L->beta);
        ll = next;
        if (step * scale < TOL) return 0;
    }
    return -1;
}

void g5_logreg_test(g5_logreg_t *L, int n, int c, const double *C, const double *y, const double *x, int firth,
                    g5_logres_t *out)
{
    int p = c + 2;
    memset(out, 0, sizeof *out);
    out->beta = out->se = out->z = out->p = NAN;
    if (n > L->mn || p > L->mp || n <= p) return;
    double xmin = x[0], xmax = x[0], cases = 0;
    for (int i = 0; i < n; i++) {
        xmin = fmin(xmin, x[i]);
        xmax = fmax(xmax, x[i]);
        cases += y[i];
    }
    if (xmin == xmax || cases == 0 || cases == n) return;     // nothing to test
    for (int i = 0; i < n; i++) L->X[i] = 1;
    if (c) memcpy(L->X + n, C, (size_t)n * c * sizeof *C);
    memcpy(L->X + (size_t)(p - 1) * n, x, n * sizeof *x);
    for (int use = firth == 2; use <= (firth ? 1 : 0); use++) {
        // start from the intercept alone: the cases' log odds
        memset(L->beta, 0, p * sizeof *L->beta);
        L->beta[0] = log(cases / (n - cases));
        if (fit(L, n, p, y, use) < 0) continue;
        // the variance of b: the last diagonal element of I^-1 at the
        // estimate -- fit's last evaluation was there, and left I's
        // Cholesky factor in L->info (Firth's too: the penalty changes the
        // score, not I)
        double inv[64 * 64], *Iinv = p <= 64 ? inv : malloc((size_t)p * p * sizeof *Iinv);
        if (!Iinv) return;
        memcpy(Iinv, L->info, (size_t)p * p * sizeof *Iinv);
        int bad = LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', p, Iinv, p) != 0;
        double var = Iinv[(size_t)(p - 1) * p + (p - 1)];
        if (Iinv != inv) free(Iinv);
        if (bad || !(var > 0) || !isfinite(L->beta[p - 1])) continue;
        out->beta = L->beta[p - 1];
        out->se = sqrt(var);
        out->z = out->beta / out->se;
        out->p = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
        out->firth = use;
        out->ok = 1;
        return;
    }
}
