/*
 * kin.c -- KING-robust kinship over bit planes.  See kin.h.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kin.h"

#define TILE 64             /* samples per side of a tile of pairs */

struct g5_kin {
    int n, threads;
    size_t words;           /* 64-bit words per sample and plane in a chunk */
    size_t used;            /* variants in the chunk */
    uint64_t *planes;       /* per sample: words of called, het, hom-alt, hom-ref */
    uint32_t *called, *het; /* per sample: calls and heterozygotes in the chunk */
    uint8_t *stage;         /* up to 64 variants' calls (0, 1, 2; 3 none), waiting to become a word */
    int staged;
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
    size_t fixed = g5_kin_pair_bytes(n), per_word = (size_t)n * 4 * sizeof(uint64_t);
    if (n < 2 || budget < fixed + per_word) return NULL;
    g5_kin_t *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    k->n = n;
    k->threads = threads;
    // as many words as the budget holds, up to 128 (8192 variants): two
    // tiles' planes then stay in a core's L2 cache while their pairs count
    k->words = (budget - fixed) / per_word;
    if (k->words > 128) k->words = 128;
    k->planes = calloc((size_t)n * 4 * k->words, sizeof *k->planes);
    k->called = calloc(n, sizeof *k->called);
    k->stage = malloc((size_t)64 * n);
    k->het = calloc(n, sizeof *k->het);
    k->pairs = calloc((size_t)n * (n - 1) / 2 + 1, sizeof *k->pairs);
    if (!k->planes || !k->called || !k->het || !k->stage || !k->pairs) {
        g5_kin_free(k);
        return NULL;
    }
    return k;
}

void g5_kin_free(g5_kin_t *k)
{
    if (!k) return;
    free(k->planes); free(k->called); free(k->het); free(k->stage); free(k->pairs);
    free(k);
}

/* The counts of the pairs of a tile -- samples [i0, i1) against [j0, j1),
 * i < j -- over the chunk's w words.  Inlined into a build per instruction
 * set below: the vector popcount of AVX-512 where the CPU has it, the
 * scalar popcount instruction, or neither. */
static inline __attribute__((always_inline))
void tile(g5_kin_t *k, int i0, int i1, int j0, int j1, size_t w)
{
    int n = k->n;
    size_t W = k->words;
    uint32_t all = (uint32_t)k->used;
    for (int i = i0; i < i1; i++) {
        const uint64_t *ci = k->planes + (size_t)i * 4 * W, *hi = ci + W, *ai = hi + W, *ri = ai + W;
        int from = j0 > i + 1 ? j0 : i + 1;
        if (from >= j1) continue;
        g5_kin_pair_t *p = k->pairs + pair_index(n, i, from);
        for (int j = from; j < j1; j++, p++) {
            const uint64_t *cj = k->planes + (size_t)j * 4 * W, *hj = cj + W, *aj = hj + W, *rj = aj + W;
            uint32_t nsnp, hethet = 0, ibs0 = 0, het1, het2;
            if (k->called[i] == all && k->called[j] == all) {
                // both called everywhere (the usual case): the shared
                // variants are all of them, and each one's heterozygotes
                // are counted already
                for (size_t x = 0; x < w; x++) {
                    hethet += (uint32_t)__builtin_popcountll(hi[x] & hj[x]);
                    ibs0 += (uint32_t)__builtin_popcountll((ri[x] & aj[x]) | (ai[x] & rj[x]));
                }
                nsnp = all;
                het1 = k->het[i];
                het2 = k->het[j];
            } else {
                nsnp = het1 = het2 = 0;
                for (size_t x = 0; x < w; x++) {
                    nsnp += (uint32_t)__builtin_popcountll(ci[x] & cj[x]);
                    hethet += (uint32_t)__builtin_popcountll(hi[x] & hj[x]);
                    ibs0 += (uint32_t)__builtin_popcountll((ri[x] & aj[x]) | (ai[x] & rj[x]));
                    het1 += (uint32_t)__builtin_popcountll(hi[x] & cj[x]);
                    het2 += (uint32_t)__builtin_popcountll(hj[x] & ci[x]);
                }
            }
            p->nsnp += nsnp;
            p->hethet += hethet;
            p->ibs0 += ibs0;
            p->het1 += het1;
            p->het2 += het2;
        }
    }
}

__attribute__((target("avx512f,avx512vpopcntdq"), optimize("tree-vectorize")))
static void tile_avx512(g5_kin_t *k, int i0, int i1, int j0, int j1, size_t w) { tile(k, i0, i1, j0, j1, w); }
__attribute__((target("popcnt")))
static void tile_popcnt(g5_kin_t *k, int i0, int i1, int j0, int j1, size_t w) { tile(k, i0, i1, j0, j1, w); }
static void tile_plain(g5_kin_t *k, int i0, int i1, int j0, int j1, size_t w) { tile(k, i0, i1, j0, j1, w); }

typedef void tile_fn(g5_kin_t *, int, int, int, int, size_t);

static tile_fn *tile_for_cpu(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vpopcntdq") ? tile_avx512
         : __builtin_cpu_supports("popcnt") ? tile_popcnt : tile_plain;
}

typedef struct job {
    g5_kin_t *k;
    int t, nt;
    size_t w;
} job_t;

/* Tiles dealt out in turn (tile number t, t + nt, ...): a tile's pairs
 * belong to it alone, and dealing keeps the shares even. */
static void *count_job(void *arg)
{
    job_t *j = arg;
    tile_fn *count_tile = tile_for_cpu();
    int n = j->k->n, t = 0;
    for (int i0 = 0; i0 < n; i0 += TILE)
        for (int j0 = i0; j0 < n; j0 += TILE, t++)
            if (t % j->nt == j->t)
                count_tile(j->k, i0, i0 + TILE < n ? i0 + TILE : n, j0, j0 + TILE < n ? j0 + TILE : n, j->w);
    return NULL;
}

static int count_chunk(g5_kin_t *k)
{
    if (!k->used) return 0;
    size_t w = (k->used + 63) / 64;
    int nt = k->threads > 0 ? k->threads : 1, r = 0;
    if (nt == 1) {
        job_t one = { k, 0, 1, w };
        count_job(&one);
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
    memset(k->planes, 0, (size_t)k->n * 4 * k->words * sizeof *k->planes);
    memset(k->called, 0, k->n * sizeof *k->called);
    memset(k->het, 0, k->n * sizeof *k->het);
    k->used = 0;
    return 0;
}

/* The staged variants into one word of each sample's planes: sample by
 * sample, so each sample's four words are written once. */
static void stage_to_planes(g5_kin_t *k)
{
    size_t word = k->used / 64, W = k->words;
    for (int i = 0; i < k->n; i++) {
        uint64_t called = 0, het = 0, alt = 0, ref = 0;
        for (int v = 0; v < k->staged; v++) {
            uint8_t x = k->stage[(size_t)v * k->n + i];
            uint64_t bit = (uint64_t)1 << v;
            if (x == 3) continue;
            called |= bit;
            if (x == 1) het |= bit;
            else if (x == 2) alt |= bit;
            else ref |= bit;
        }
        uint64_t *c = k->planes + (size_t)i * 4 * W + word;
        c[0] = called;
        c[W] = het;
        c[2 * W] = alt;
        c[3 * W] = ref;
        k->called[i] += (uint32_t)__builtin_popcountll(called);
        k->het[i] += (uint32_t)__builtin_popcountll(het);
    }
    k->used += (size_t)k->staged;
    k->staged = 0;
}

int g5_kin_add(g5_kin_t *k, const double *x)
{
    uint8_t *st = k->stage + (size_t)k->staged * k->n;
    for (int i = 0; i < k->n; i++) st[i] = isnan(x[i]) ? 3 : (uint8_t)x[i];
    k->nvariants++;
    if (++k->staged < 64) return 0;
    stage_to_planes(k);
    return k->used == k->words * 64 ? count_chunk(k) : 0;
}

int g5_kin_finish(g5_kin_t *k)
{
    if (k->staged) stage_to_planes(k);
    return count_chunk(k);
}

const g5_kin_pair_t *g5_kin_get(const g5_kin_t *k, int i, int j)
{
    return &k->pairs[pair_index(k->n, i, j)];
}

double g5_kin_coef(const g5_kin_pair_t *p)
{
    // over one denominator: the numerator is an exact integer and the one
    // division rounds once, so a kinship of exactly 0 or 0.2 is exact
    int64_t lo = p->het1 < p->het2 ? p->het1 : p->het2;
    if (lo == 0) return NAN;
    int64_t num = 2 * (int64_t)p->hethet - 4 * (int64_t)p->ibs0 + 2 * lo - p->het1 - p->het2;
    return (double)num / (double)(4 * lo);
}

uint64_t g5_kin_nvariants(const g5_kin_t *k)
{
    return k->nvariants;
}
