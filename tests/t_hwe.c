/* t_hwe.c -- the exact HWE test: two cases worked by hand, then every
 * genotype split of several sample sizes against the distribution written
 * out directly, P(het) = 2^het N! nA! nB! / (hom1! het! hom2! (2N)!),
 * summed here over the splits no more likely than the observed one. */
#include <math.h>
#include <stdio.h>

#include "tap.h"
#include "hwe.h"

/* log P(het | N genotypes, nA copies of allele A) */
static double log_prob(int hom1, int het, int hom2)
{
    int n = hom1 + het + hom2, na = 2 * hom1 + het, nb = 2 * hom2 + het;
    return het * log(2.0) + lgamma(n + 1) + lgamma(na + 1) + lgamma(nb + 1) - lgamma(hom1 + 1) - lgamma(het + 1)
         - lgamma(hom2 + 1) - lgamma(2 * n + 1);
}

static double direct(int hom1, int het, int hom2)
{
    int na = 2 * hom1 + het, n = hom1 + het + hom2;
    double obs = log_prob(hom1, het, hom2), p = 0;
    for (int h = na & 1; h <= na && h <= 2 * n - na; h += 2) {
        int a = (na - h) / 2, b = n - a - h;
        double lp = log_prob(a, h, b);
        if (lp <= obs + 1e-9) p += exp(lp);
    }
    return p;
}

int main(void)
{
    // N = 2, two copies of each allele: het 2 has P 2/3, het 0 has P 1/3
    ok(fabs(g5_hwe_exact(0, 2, 0) - 1) < 1e-12, "two heterozygotes: p = 1");
    ok(fabs(g5_hwe_exact(1, 0, 1) - 1.0 / 3) < 1e-12, "two opposite homozygotes: p = 1/3 (%.6f)",
       g5_hwe_exact(1, 0, 1));
    ok(g5_hwe_exact(0, 0, 0) == 1 && g5_hwe_exact(50, 0, 0) == 1 && g5_hwe_exact(0, 0, 7) == 1,
       "no genotypes, or one allele only: p = 1");

    int sizes[] = { 5, 17, 60, 250 }, bad = 0, tried = 0;
    double worst = 0;
    for (int s = 0; s < 4; s++) {
        int n = sizes[s];
        for (int hom1 = 0; hom1 <= n; hom1++)
            for (int het = 0; hom1 + het <= n; het += n > 60 ? 7 : 1) {
                int hom2 = n - hom1 - het;
                double want = direct(hom1, het, hom2), got = g5_hwe_exact(hom1, het, hom2);
                double rel = fabs(got - want) / (want > 1e-300 ? want : 1e-300);
                if (want > 1e-200 && rel > worst) worst = rel;
                if (want > 1e-200 && rel > 1e-9) bad++;
                tried++;
            }
    }
    ok(!bad, "%d genotype splits of 5 to 250 samples agree with the direct sum (worst relative %.2g)", tried, worst);
    // a strong deficit of heterozygotes in 1000 samples is rejected, a
    // balanced split is not
    ok(g5_hwe_exact(400, 100, 500) < 1e-100, "400/100/500: p = %.3g", g5_hwe_exact(400, 100, 500));
    ok(g5_hwe_exact(250, 500, 250) > 0.9, "250/500/250: p = %.3g", g5_hwe_exact(250, 500, 250));
    ok(g5_hwe_exact(100, 200, 5) == g5_hwe_exact(5, 200, 100), "the test is symmetric in the alleles");
    return tap_done();
}
