/*
 * kin.c -- KING-robust kinship over bit planes.  See kin.h.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kin.h"

struct g5_kin {
    int n, threads;
    size_t words;           /* 64-bit words per sample and plane in a chunk */
    size_t used;            /* variants in the chunk */
    uint64_t *called, *het, *alt;   /* n x words each */
    g5_kin_pair_t *pairs;   /* n (n - 1) / 2, row by row */
    uint64_t nvariants;
};

size_t g5_kin_pair_bytes(int n)
{
    return (size_t)n * (n > 0 ? n - 1 : 0) / 2 * sizeof(g5_kin_pair_t);
}

static size_t pair_index(int n, int i, int j)
{
    return (size_t)i * n - (size_t)i * (i + 1) / 2 + (size_t)(j - i - 1);
}

g5_kin_t *g5_kin_init(int n, size_t budget, int threads)
{
    size_t fixed = g5_kin_pair_bytes(n), per_word = (size_t)n * 3 * sizeof(uint64_t);
    if (n < 2 || budget < fixed + per_word) return NULL;
    g5_kin_t *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    k->n = n;
    k->threads = threads;
    // as many words as the budget holds, up to 64 (4096 variants: enough
    // to keep the pair loop in the planes' cache lines)
    k->words = (budget - fixed) / per_word;
    if (k->words > 64) k->words = 64;
    size_t plane = (size_t)n * k->words;
    k->called = calloc(plane, sizeof *k->called);
    k->het = calloc(plane, sizeof *k->het);
    k->alt = calloc(plane, sizeof *k->alt);
    k->pairs = calloc((size_t)n * (n - 1) / 2 + 1, sizeof *k->pairs);
    if (!k->called || !k->het || !k->alt || !k->pairs) {
        g5_kin_free(k);
        return NULL;
    }
    return k;
}

void g5_kin_free(g5_kin_t *k)
{
    if (!k) return;
    free(k->called); free(k->het); free(k->alt); free(k->pairs);
    free(k);
}

/* The counts of rows [from, to) over the chunk's w words.  Built twice, and
 * the machine's popcount instruction used where it has one. */
__attribute__((target_clones("popcnt", "default")))
static void count_rows(g5_kin_t *k, int from, int to, size_t w)
{
    int n = k->n;
    size_t W = k->words;
    for (int i = from; i < to; i++) {
        const uint64_t *ci = k->called + i * W, *hi = k->het + i * W, *ai = k->alt + i * W;
        g5_kin_pair_t *p = k->pairs + pair_index(n, i, i + 1);
        for (int j = i + 1; j < n; j++, p++) {
            const uint64_t *cj = k->called + j * W, *hj = k->het + j * W, *aj = k->alt + j * W;
            uint32_t nsnp = 0, hethet = 0, ibs0 = 0, het1 = 0, het2 = 0;
            for (size_t x = 0; x < w; x++) {
                uint64_t both = ci[x] & cj[x];
                uint64_t ref_i = ci[x] & ~hi[x] & ~ai[x], ref_j = cj[x] & ~hj[x] & ~aj[x];
                nsnp += (uint32_t)__builtin_popcountll(both);
                hethet += (uint32_t)__builtin_popcountll(hi[x] & hj[x]);
                ibs0 += (uint32_t)__builtin_popcountll((ref_i & aj[x]) | (ai[x] & ref_j));
                het1 += (uint32_t)__builtin_popcountll(hi[x] & cj[x]);
                het2 += (uint32_t)__builtin_popcountll(hj[x] & ci[x]);
            }
            p->nsnp += nsnp;
            p->hethet += hethet;
            p->ibs0 += ibs0;
            p->het1 += het1;
            p->het2 += het2;
        }
    }
}

typedef struct job {
    g5_kin_t *k;
    int t, nt;
    size_t w;
} job_t;

/* Rows dealt out in turn (row i to thread i mod nt): rows get shorter
 * towards the end, and dealing keeps the shares even. */
static void *count_job(void *arg)
{
    job_t *j = arg;
    for (int i = j->t; i < j->k->n - 1; i += j->nt) count_rows(j->k, i, i + 1, j->w);
    return NULL;
}

static int count_chunk(g5_kin_t *k)
{
    if (!k->used) return 0;
    size_t w = (k->used + 63) / 64;
    int nt = k->threads > 0 ? k->threads : 1, r = 0;
    if (nt == 1) {
        count_rows(k, 0, k->n - 1, w);
    } else {
        pthread_t tid[nt];
        job_t jobs[nt];
        int started = 0;
        for (int t = 0; t < nt; t++) {
            jobs[t] = (job_t){ k, t, nt, w };
            if (pthread_create(&tid[t], NULL, count_job, &jobs[t]) != 0) {
                r = -1;
                break;
            }
            started++;
        }
        for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
        if (r < 0) return r;
    }
    size_t plane = (size_t)k->n * k->words;
    memset(k->called, 0, plane * sizeof *k->called);
    memset(k->het, 0, plane * sizeof *k->het);
    memset(k->alt, 0, plane * sizeof *k->alt);
    k->used = 0;
    return 0;
}

int g5_kin_add(g5_kin_t *k, const double *x)
{
    size_t word = k->used / 64;
    uint64_t bit = (uint64_t)1 << (k->used % 64);
    for (int i = 0; i < k->n; i++) {
        if (isnan(x[i])) continue;
        size_t at = (size_t)i * k->words + word;
        k->called[at] |= bit;
        if (x[i] == 1) k->het[at] |= bit;
        else if (x[i] == 2) k->alt[at] |= bit;
    }
    k->nvariants++;
    if (++k->used == k->words * 64) return count_chunk(k);
    return 0;
}

int g5_kin_finish(g5_kin_t *k)
{
    return count_chunk(k);
}

const g5_kin_pair_t *g5_kin_get(const g5_kin_t *k, int i, int j)
{
    return &k->pairs[pair_index(k->n, i, j)];
}

double g5_kin_coef(const g5_kin_pair_t *p)
{
    double lo = p->het1 < p->het2 ? p->het1 : p->het2;
    if (lo == 0) return NAN;
    return ((double)p->hethet - 2.0 * p->ibs0) / (2 * lo) + 0.5 - ((double)p->het1 + p->het2) / (4 * lo);
}

uint64_t g5_kin_nvariants(const g5_kin_t *k)
{
    return k->nvariants;
}
