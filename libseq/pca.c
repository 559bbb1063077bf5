/*
 * pca.c -- the relationship matrix and its eigenvectors.  See pca.h.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "pca.h"

#define BLOCK 256

#define TILE 256            /* rows and columns of a tile of G */

struct g5_grm {
    int n, staged, threads;
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

g5_grm_t *g5_grm_init(int n, int threads)
{
    openblas_set_num_threads(1);   // the same sums on any machine: see regress.h
    g5_grm_t *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->n = n;
    g->threads = threads;
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

/* G += Z Z' over the staged variants, tile by tile of the upper triangle:
 * each tile one BLAS call on fixed rows and columns, whichever thread
 * makes it, so G is the same at any number of threads. */
typedef struct tile_job {
    g5_grm_t *g;
    int t, nt;
} tile_job_t;

static void *tiles(void *arg)
{
    tile_job_t *j = arg;
    g5_grm_t *g = j->g;
    int n = g->n, b = g->staged, tile = 0;
    for (int c0 = 0; c0 < n; c0 += TILE)
        for (int r0 = 0; r0 <= c0; r0 += TILE, tile++) {
            if (tile % j->nt != j->t) continue;
            int rows = n - r0 < TILE ? n - r0 : TILE, cols = n - c0 < TILE ? n - c0 : TILE;
            double *Gt = g->G + (size_t)c0 * n + r0;
            if (r0 == c0)
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, rows, b, 1.0, g->Z + r0, n, 1.0, Gt, n);
            else
                cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, rows, cols, b, 1.0, g->Z + r0, n, g->Z + c0, n,
                            1.0, Gt, n);
        }
    return NULL;
}

static void flush(g5_grm_t *g)
{
    if (!g->staged) return;
    int nt = g->threads + 1;
    pthread_t tid[nt];
    tile_job_t jobs[nt];
    int started[nt];
    for (int t = 1; t < nt; t++) {
        jobs[t] = (tile_job_t){ g, t, nt };
        started[t] = pthread_create(&tid[t], NULL, tiles, &jobs[t]) == 0;
        if (!started[t]) tiles(&jobs[t]);      // no thread: its tiles here
    }
    jobs[0] = (tile_job_t){ g, 0, nt };
    tiles(&jobs[0]);
    for (int t = 1; t < nt; t++)
        if (started[t]) pthread_join(tid[t], NULL);
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

/* --- the randomized method ------------------------------------------------ */

struct g5_gcodes {
    int n;
    long long m, cap;
    uint8_t *codes;         /* m x n: 0, 1, 2 copies, 3 no call */
    double *p;              /* m ALT frequencies */
};

g5_gcodes_t *g5_gcodes_init(int n)
{
    g5_gcodes_t *c = calloc(1, sizeof *c);
    if (c) c->n = n;
    return c;
}

void g5_gcodes_free(g5_gcodes_t *c)
{
    if (!c) return;
    free(c->codes);
    free(c->p);
    free(c);
}

size_t g5_gcodes_bytes(const g5_gcodes_t *c)
{
    return (size_t)c->cap * (c->n + sizeof(double));
}

int g5_gcodes_add(g5_gcodes_t *c, const double *x, double p)
{
    if (c->m == c->cap) {
        long long cap = c->cap ? 2 * c->cap : 4096;
        uint8_t *codes = realloc(c->codes, (size_t)cap * c->n);
        if (codes) c->codes = codes;
        double *ps = codes ? realloc(c->p, (size_t)cap * sizeof *ps) : NULL;
        if (ps) c->p = ps;
        if (!codes || !ps) return -1;
        c->cap = cap;
    }
    uint8_t *row = c->codes + (size_t)c->m * c->n;
    for (int i = 0; i < c->n; i++) row[i] = isnan(x[i]) ? 3 : (uint8_t)x[i];
    c->p[c->m++] = p;
    return 0;
}

long long g5_gcodes_count(const g5_gcodes_t *c)
{
    return c->m;
}

double g5_gcodes_standardize(const g5_gcodes_t *c, long long v, double *z)
{
    const uint8_t *row = c->codes + (size_t)v * c->n;
    double p = c->p[v], mean = 2 * p, sd = sqrt(2 * p * (1 - p)), t[4] = { -mean / sd, (1 - mean) / sd, (2 - mean) / sd, 0 };
    for (int i = 0; i < c->n; i++) z[i] = t[row[i]];
    return p;
}

/* Y = A Q for A = Z'Z (not yet divided by M), Q n x l: a pass over the variants
 * in blocks, T = Zb'Q then Y += Zb T.  With B non-NULL, B = Q'AQ (l x l) too. */
static void apply(const g5_gcodes_t *c, int l, const double *Q, double *Y, double *B, double *Zb, double *T)
{
    int n = c->n;
    if (Y) memset(Y, 0, (size_t)n * l * sizeof *Y);
    if (B) memset(B, 0, (size_t)l * l * sizeof *B);
    for (long long v0 = 0; v0 < c->m; v0 += BLOCK) {
        int b = (int)(c->m - v0 < BLOCK ? c->m - v0 : BLOCK);
        for (int j = 0; j < b; j++) g5_gcodes_standardize(c, v0 + j, Zb + (size_t)j * n);
        // T (b x l) = Zb' Q
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, b, l, n, 1.0, Zb, n, Q, n, 0.0, T, b);
        if (Y) cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, l, b, 1.0, Zb, n, T, b, 1.0, Y, n);
        if (B) cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, l, b, 1.0, T, b, 1.0, B, l);
    }
}

/* Orthonormal columns for Y (n x l), in place.  @return 0, or -1 */
static int orthonormalize(int n, int l, double *Y)
{
    double tau[256];
    if (l > 256) return -1;
    if (LAPACKE_dgeqrf(LAPACK_COL_MAJOR, n, l, Y, n, tau) != 0) return -1;
    return LAPACKE_dorgqr(LAPACK_COL_MAJOR, n, l, l, Y, n, tau) != 0 ? -1 : 0;
}

int g5_pca_randomized(const g5_gcodes_t *c, long long m, int k, int iterations, double *values, double *vectors)
{
    openblas_set_num_threads(1);
    // a block of l columns, and the Krylov space of all its iterates: L
    // columns (at most n)
    int n = c->n, l = k + 10 < n ? k + 10 : n, L = l * iterations < n ? l * iterations : n, r = -1, found = 0;
    double *K = malloc((size_t)n * l * iterations * sizeof *K), *Y = malloc((size_t)n * l * sizeof *Y);
    double *Q = malloc((size_t)n * l * sizeof *Q);
    double *Zb = malloc((size_t)n * BLOCK * sizeof *Zb), *T = malloc((size_t)BLOCK * (L > l ? L : l) * sizeof *T);
    double *B = malloc((size_t)L * L * sizeof *B), *w = malloc(L * sizeof *w), *S = malloc((size_t)L * L * sizeof *S);
    lapack_int *support = malloc(2 * (size_t)L * sizeof *support);
    if (!K || !Y || !Q || !Zb || !T || !B || !w || !S || !support || k > L || m <= 0 || iterations < 1) goto done;
    // a Gaussian start, the same on every machine (xorshift, Box-Muller)
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < (size_t)n * l; i += 2) {
        double u1, u2;
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        u1 = ((s >> 11) + 0.5) / 9007199254740992.0;
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        u2 = ((s >> 11) + 0.5) / 9007199254740992.0;
        double rad = sqrt(-2 * log(u1));
        Q[i] = rad * cos(2 * M_PI * u2);
        if (i + 1 < (size_t)n * l) Q[i + 1] = rad * sin(2 * M_PI * u2);
    }
    if (orthonormalize(n, l, Q) < 0) goto done;
    // the iterates A Q, A^2 Q, ... each orthonormalised, side by side: a
    // block Krylov space, which holds close eigenvalues apart far better
    // than the last iterate alone (Galinsky et al.'s FastPCA does the same)
    for (int it = 0; it < iterations; it++) {
        apply(c, l, Q, Y, NULL, Zb, T);
        if (orthonormalize(n, l, Y) < 0) goto done;
        memcpy(K + (size_t)it * n * l, Y, (size_t)n * l * sizeof *Y);
        double *t = Q;
        Q = Y;
        Y = t;
    }
    if (orthonormalize(n, L, K) < 0) goto done;
    // the Rayleigh-Ritz step: eigenpairs of K'AK / M, lifted by K
    apply(c, L, K, NULL, B, Zb, T);
    for (int j = 0; j < L; j++)
        for (int i = 0; i <= j; i++) B[(size_t)j * L + i] /= (double)m;
    if (LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'I', 'U', L, B, L, 0, 0, L - k + 1, L, 0.0, &found, w, S, L,
                       support) != 0 || found != k)
        goto done;
    for (int j = 0; j < k; j++) {
        const double *sj = S + (size_t)(k - 1 - j) * L;
        double *dst = vectors + (size_t)j * n;
        cblas_dgemv(CblasColMajor, CblasNoTrans, n, L, 1.0, K, n, sj, 1, 0.0, dst, 1);
        int big = 0;
        for (int i = 1; i < n; i++) if (fabs(dst[i]) > fabs(dst[big])) big = i;
        if (dst[big] < 0)
            for (int i = 0; i < n; i++) dst[i] = -dst[i];
        values[j] = w[k - 1 - j];
    }
    r = 0;
done:
    free(K); free(Y); free(Q); free(Zb); free(T); free(B); free(w); free(S); free(support);
    return r;
}
