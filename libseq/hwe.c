/*
 * hwe.c -- the exact HWE test: see hwe.h.
 */
#include <stdlib.h>

#include "hwe.h"

double g5_hwe_exact(int hom1, int het, int hom2)
{
    if (hom1 < 0 || het < 0 || hom2 < 0) return 1;
    long homr = hom1 < hom2 ? hom1 : hom2, homc = hom1 < hom2 ? hom2 : hom1;
    long n = homr + het + homc, rare = 2 * homr + het;     // genotypes, copies of the rarer allele
    if (n == 0 || rare == 0) return 1;
    double *prob = calloc(rare + 1, sizeof *prob);
    if (!prob) return 1;
    // the most likely heterozygote count, of the same parity as rare
    long mid = (long)((double)rare * (2 * n - rare) / (2.0 * n));
    if ((mid & 1) != (rare & 1)) mid++;
    prob[mid] = 1;
    double sum = 1;
    // downwards: P(h-2) / P(h) = h (h-1) / (4 (r+1) (c+1)), r and c the
    // homozygote counts at h
    long r = (rare - mid) / 2, c = n - mid - r;
    for (long h = mid; h > 1; h -= 2, r++, c++) {
        prob[h - 2] = prob[h] * h * (h - 1) / (4.0 * (r + 1) * (c + 1));
        sum += prob[h - 2];
    }
    // upwards: the same ratio read the other way
    r = (rare - mid) / 2;
    c = n - mid - r;
    for (long h = mid; h + 2 <= rare; h += 2, r--, c--) {
        prob[h + 2] = prob[h] * 4.0 * r * c / ((h + 2.0) * (h + 1.0));
        sum += prob[h + 2];
    }
    // counts as likely as the observed one, up to rounding, count as "no
    // more likely"
    double obs = prob[het] * (1 + 1e-8), p = 0;
    for (long h = rare & 1; h <= rare; h += 2)
        if (prob[h] <= obs) p += prob[h];
    free(prob);
    p /= sum;
    return p > 1 ? 1 : p;
}
