/*
 * pca.c -- the relationship matrix and its eigenvectors.  See pca.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "pca.h"

#define BLOCK 256

struct g5_grm {
    int n, staged;
    long long m;
    double *G;              /* n x n, upper triangle */
    double *Z;              /* n x BLOCK standardised variants, waiting for dsyrk */
};

void g5_pca_standardize(const double *x, int n, double p, double *z)
{
    double mean = 2 * p, sd = sqrt(2 * p * (1 - p));
    for (int i = 0; i < n; i++) z[i] = isnan(x[i]) ? 0 : (x[i] - mean) / sd;
}

size_t g5_grm_bytes(int n)
{
    return ((size_t)n * n + (size_t)n * BLOCK) * sizeof(double);
}

g5_grm_t *g5_grm_init(int n)
{
    openblas_set_num_threads(1);   // the same sums on any machine: see regress.h
    g5_grm_t *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->n = n;
    g->G = calloc((size_t)n * n, sizeof *g->G);
    g->Z = malloc((size_t)n * BLOCK * sizeof *g->Z);
    if (!g->G || !g->Z) {
        g5_grm_free(g);
        return NULL;
    }
    return g;
}

void g5_grm_free(g5_grm_t *g)
{
    if (!g) return;
    free(g->G);
    free(g->Z);
    free(g);
}

static void flush(g5_grm_t *g)
{
    if (!g->staged) return;
    // G += Z Z' over the staged variants (Z is n x staged)
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, g->n, g->staged, 1.0, g->Z, g->n, 1.0, g->G, g->n);
    g->staged = 0;
}

int g5_grm_add(g5_grm_t *g, const double *x, double p)
{
    g5_pca_standardize(x, g->n, p, g->Z + (size_t)g->staged * g->n);
    g->m++;
    if (++g->staged == BLOCK) flush(g);
    return 0;
}

void g5_grm_add_constant(g5_grm_t *g)
{
    g->m++;
}

long long g5_grm_nvariants(const g5_grm_t *g)
{
    return g->m;
}

int g5_grm_eigen(g5_grm_t *g, int k, double *values, double *vectors)
{
    int n = g->n, found = 0;
    flush(g);
    if (k < 1 || k > n || g->m == 0) return -1;
    double scale = 1.0 / (double)g->m;
    for (int j = 0; j < n; j++)
        for (int i = 0; i <= j; i++) g->G[(size_t)j * n + i] *= scale;
    double *w = malloc((size_t)n * sizeof *w), *Zv = malloc((size_t)n * k * sizeof *Zv);
    lapack_int *support = malloc(2 * (size_t)k * sizeof *support);
    int r = -1;
    if (!w || !Zv || !support) goto done;
    // the k largest: indexes n-k+1 .. n in LAPACK's ascending order
    if (LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'I', 'U', n, g->G, n, 0, 0, n - k + 1, n, 0.0, &found, w, Zv, n,
                       support) != 0 || found != k)
        goto done;
    for (int c = 0; c < k; c++) {
        const double *src = Zv + (size_t)(k - 1 - c) * n;
        double *dst = vectors + (size_t)c * n;
        int big = 0;
        for (int i = 1; i < n; i++) if (fabs(src[i]) > fabs(src[big])) big = i;
        double sign = src[big] < 0 ? -1 : 1;
        for (int i = 0; i < n; i++) dst[i] = sign * src[i];
        values[c] = w[k - 1 - c];
    }
    r = 0;
done:
    free(w);
    free(Zv);
    free(support);
    return r;
}
