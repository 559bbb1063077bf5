/*
 * ldprune.c -- --indep-pairwise.  See ldprune.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "ldprune.h"

struct g5_ldprune {
    int n, window, step, contig;
    double r2;
    /* the variants not final yet, oldest first: [head, tail) of a ring of
     * window + step slots */
    int slots, head, count;
    int start;              /* the window's first variant, counted from head */
    double *z;              /* slots x n standardised dosages */
    double *maf;
    char *pruned;
    int final;              /* variants at the head that are final */
};

g5_ldprune_t *g5_ldprune_init(int n, int window, int step, double r2)
{
    if (window < 2 || step < 1 || step > window) return NULL;
    g5_ldprune_t *pr = calloc(1, sizeof *pr);
    if (!pr) return NULL;
    pr->n = n;
    pr->window = window;
    pr->step = step;
    pr->r2 = r2;
    pr->contig = -1;
    pr->slots = window + step;
    pr->z = malloc((size_t)pr->slots * n * sizeof *pr->z);
    pr->maf = malloc(pr->slots * sizeof *pr->maf);
    pr->pruned = calloc(pr->slots, 1);
    if (!pr->z || !pr->maf || !pr->pruned) {
        g5_ldprune_free(pr);
        return NULL;
    }
    return pr;
}

void g5_ldprune_free(g5_ldprune_t *pr)
{
    if (!pr) return;
    free(pr->z);
    free(pr->maf);
    free(pr->pruned);
    free(pr);
}

static int slot(const g5_ldprune_t *pr, int i)
{
    return (pr->head + i) % pr->slots;
}

/* The window moves on: its first STEP variants are final. */
static void advance(g5_ldprune_t *pr)
{
    pr->start += pr->step;
    pr->final = pr->start < pr->count ? pr->start : pr->count;
}

int g5_ldprune_add(g5_ldprune_t *pr, int contig, const double *x, double p)
{
    if (contig != pr->contig) {     // a new contig: the last one's variants are all final
        pr->final = pr->count;
        pr->start = pr->count;
        pr->contig = contig;
    }
    if (pr->count == pr->slots) return -1;     // the caller did not take the final ones
    int j = pr->count++, sj = slot(pr, j);
    double *zj = pr->z + (size_t)sj * pr->n;
    // centred on the called samples' mean (a missing call is the mean) and
    // scaled to length one: r is then the dot product
    double sum = 0, norm = 0;
    int called = 0;
    for (int i = 0; i < pr->n; i++)
        if (!isnan(x[i])) sum += x[i], called++;
    double mean = called ? sum / called : 0;
    for (int i = 0; i < pr->n; i++) {
        zj[i] = isnan(x[i]) ? 0 : x[i] - mean;
        norm += zj[i] * zj[i];
    }
    norm = norm > 0 ? 1 / sqrt(norm) : 0;
    for (int i = 0; i < pr->n; i++) zj[i] *= norm;
    pr->maf[sj] = p < 0.5 ? p : 1 - p;
    pr->pruned[sj] = 0;
    // the new variant against the window's others: each pair once
    for (int i = pr->start; i < j && !pr->pruned[sj]; i++) {
        int si = slot(pr, i);
        if (pr->pruned[si]) continue;
        double r = cblas_ddot(pr->n, pr->z + (size_t)si * pr->n, 1, zj, 1);
        if (r * r > pr->r2) {
            if (pr->maf[si] < pr->maf[sj]) pr->pruned[si] = 1;
            else pr->pruned[sj] = 1;
        }
    }
    if (j - pr->start + 1 == pr->window) advance(pr);
    return 0;
}

int g5_ldprune_next(g5_ldprune_t *pr, int *keep)
{
    if (pr->final == 0) return 0;
    *keep = !pr->pruned[pr->head];
    pr->head = (pr->head + 1) % pr->slots;
    pr->count--;
    pr->start--;
    pr->final--;
    return 1;
}

void g5_ldprune_finish(g5_ldprune_t *pr)
{
    pr->final = pr->count;
    pr->start = pr->count;
}
