/*
 * meta.c -- allele alignment and inverse-variance, random-effects and
 * sample-size meta-analysis.  See meta.h.
 */
#include "meta.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

static char complement(char b)
{
    switch (b) {
    case 'A': return 'T';
    case 'T': return 'A';
    case 'C': return 'G';
    case 'G': return 'C';
    }
    return 0;
}

static int single_base(const char *a)
{
    return a[0] && !a[1] && complement(a[0]);
}

/* A/T or C/G: the pair reads the same on both strands. */
static int palindrome(const char *ea, const char *oa)
{
    return single_base(ea) && single_base(oa) && complement(ea[0]) == oa[0];
}

void g5_allele_key(const char *ea, const char *oa, char *key)
{
    if (single_base(ea) && single_base(oa)) {
        char a = ea[0], b = oa[0], ca = complement(a), cb = complement(b);
        // each strand's pair sorted, then the smaller pair
        char lo = a < b ? a : b, hi = a < b ? b : a;
        char clo = ca < cb ? ca : cb, chi = ca < cb ? cb : ca;
        if (clo < lo || (clo == lo && chi < hi)) lo = clo, hi = chi;
        key[0] = lo, key[1] = '/', key[2] = hi, key[3] = 0;
        return;
    }
    const char *x = strcmp(ea, oa) < 0 ? ea : oa, *y = x == ea ? oa : ea;
    size_t nx = strlen(x), ny = strlen(y);
    memcpy(key, x, nx);
    key[nx] = '/';
    memcpy(key + nx + 1, y, ny + 1);
}

int g5_allele_align(const g5_meta_allele_t *anchor, const g5_meta_allele_t *row, double max_maf, int *strand)
{
    *strand = 0;
    int same = !strcmp(row->ea, anchor->ea) && !strcmp(row->oa, anchor->oa);
    int swap = !strcmp(row->ea, anchor->oa) && !strcmp(row->oa, anchor->ea);
    if (anchor->forward && row->forward) return same ? G5_ALIGN_SAME : swap ? G5_ALIGN_SWAP : G5_ALIGN_NONE;
    if (palindrome(row->ea, row->oa)) {
        if (!same && !swap) return G5_ALIGN_NONE;
        // only the frequencies tell the alleles apart
        double lo = 1 - max_maf, a = anchor->eaf, r = swap ? 1 - row->eaf : row->eaf;
        if (!(fmax(a, 1 - a) >= lo) || !(fmax(r, 1 - r) >= lo)) return G5_ALIGN_AMBIGUOUS;
        int agree = (a > 0.5) == (r > 0.5);
        *strand = !agree;
        return agree == same ? G5_ALIGN_SAME : G5_ALIGN_SWAP;
    }
    if (same) return G5_ALIGN_SAME;
    if (swap) return G5_ALIGN_SWAP;
    if (!single_base(row->ea) || !single_base(row->oa) || !single_base(anchor->ea) || !single_base(anchor->oa))
        return G5_ALIGN_NONE;
    char ce = complement(row->ea[0]), co = complement(row->oa[0]);
    *strand = 1;
    if (ce == anchor->ea[0] && co == anchor->oa[0]) return G5_ALIGN_SAME;
    if (ce == anchor->oa[0] && co == anchor->ea[0]) return G5_ALIGN_SWAP;
    *strand = 0;
    return G5_ALIGN_NONE;
}

static double two_sided(double z)
{
    return 2 * gsl_cdf_ugaussian_Q(fabs(z));
}

/* |z| of a two-sided p; beta/se where p has underflowed. */
static double z_of_p(double p, double beta, double se)
{
    double z = p > 0 ? gsl_cdf_ugaussian_Qinv(p / 2) : INFINITY;
    return isfinite(z) ? fabs(z) : fabs(beta / se);
}

void g5_meta_combine(const g5_meta_study_t *s, int k, g5_meta_result_t *r)
{
    double W = 0, WB = 0, W2 = 0;
    for (int i = 0; i < k; i++) {
        double w = 1 / (s[i].se * s[i].se);
        W += w;
        WB += w * s[i].beta;
        W2 += w * w;
    }
    r->k = k;
    r->beta = WB / W;
    r->se = sqrt(1 / W);
    r->z = r->beta / r->se;
    r->p = two_sided(r->z);

    double Q = 0;
    for (int i = 0; i < k; i++) {
        double d = s[i].beta - r->beta;
        Q += d * d / (s[i].se * s[i].se);
    }
    int df = k - 1;
    r->q = k > 1 ? Q : NAN;
    r->q_p = k > 1 ? gsl_cdf_chisq_Q(Q, df) : NAN;
    r->i2 = k > 1 ? (Q > df ? 100 * (Q - df) / Q : 0) : NAN;

    double denom = W - W2 / W;
    r->tau2 = k > 1 && Q > df && denom > 0 ? (Q - df) / denom : 0;
    double Wr = 0, WBr = 0;
    for (int i = 0; i < k; i++) {
        double w = 1 / (s[i].se * s[i].se + r->tau2);
        Wr += w;
        WBr += w * s[i].beta;
    }
    r->beta_re = WBr / Wr;
    r->se_re = sqrt(1 / Wr);
    r->z_re = r->beta_re / r->se_re;
    r->p_re = two_sided(r->z_re);

    double zs = 0, ns = 0;
    for (int i = 0; i < k; i++) {
        double z = z_of_p(s[i].p, s[i].beta, s[i].se);
        if (s[i].beta < 0) z = -z;
        zs += sqrt(s[i].n) * z;
        ns += s[i].n;
    }
    r->z_ss = zs / sqrt(ns);            // NaN when any n is
    r->p_ss = isnan(r->z_ss) ? NAN : two_sided(r->z_ss);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double g5_gc_lambda(double *chisq, long long n)
{
    if (n <= 0) return NAN;
    qsort(chisq, n, sizeof *chisq, cmp_double);
    double med = n % 2 ? chisq[n / 2] : (chisq[n / 2 - 1] + chisq[n / 2]) / 2;
    return med / gsl_cdf_chisq_Pinv(0.5, 1);
}
