/* t_gl.c -- genotype likelihoods worked out by hand, the VCF order of
 * genotypes, and calls: clear cases, no data, and the promise that a
 * sample's genotype does not depend on the other samples.  Accuracy on
 * simulated data against the truth and bcftools is in tests/call.t. */
#include <math.h>

#include "tap.h"
#include "gl.h"

static int close_to(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

static void test_order(void)
{
    static const int want[6][2] = { {0, 0}, {0, 1}, {1, 1}, {0, 2}, {1, 2}, {2, 2} };
    int good = 1;
    for (int g = 0; g < 6; g++) {
        int a[2];
        g5_gl_alleles(g, 2, a);
        good &= a[0] == want[g][0] && a[1] == want[g][1];
    }
    ok(good, "diploid genotypes in VCF order: 0/0 0/1 1/1 0/2 1/2 2/2");
    is_int(g5_gl_ngenotypes(3, 2), 6, "3 alleles, diploid: 6 genotypes");
    is_int(g5_gl_ngenotypes(3, 1), 3, "3 alleles, haploid: 3 genotypes");
}

static void test_likelihoods(void)
{
    int8_t obs[] = { 0 };
    uint8_t q[] = { 20 };
    double gl[6];
    g5_gl_bases(obs, q, 1, 2, 1, gl);
    ok(close_to(gl[0], log10(0.99)) && close_to(gl[1], log10(0.01 / 3)), "haploid, one A at Q20: 0.99 and 0.01/3");
    g5_gl_bases(obs, q, 1, 2, 2, gl);
    ok(close_to(gl[0], log10(0.99)) && close_to(gl[1], log10(0.5 * (0.99 + 0.01 / 3)))
       && close_to(gl[2], log10(0.01 / 3)), "diploid: the heterozygote takes the mean of its alleles");
    int8_t other[] = { -1 };
    g5_gl_bases(other, q, 1, 2, 2, gl);
    ok(close_to(gl[0], gl[2]) && close_to(gl[0], log10(0.01 / 3)), "a base of neither allele is an error for all");
    int8_t two[] = { 0, 1 };
    uint8_t q2[] = { 30, 90 };
    g5_gl_bases(two, q2, 2, 2, 2, gl);
    ok(close_to(gl[0], log10(0.999) + log10(1e-6 / 3)), "qualities above 60 count as 60");
}

static void test_calls(void)
{
    int8_t obs[20];
    uint8_t q[20];
    double het[3], ref[3];
    for (int i = 0; i < 20; i++) obs[i] = i % 2, q[i] = 30;
    g5_gl_bases(obs, q, 20, 2, 2, het);
    for (int i = 0; i < 20; i++) obs[i] = 0;
    g5_gl_bases(obs, q, 20, 2, 2, ref);

    const double *one[] = { het };
    int ploidy[] = { 2, 2, 2 }, gt[3], gq[3];
    double qual;
    g5_gl_call(1, one, ploidy, 2, 1e-3, NULL, 0, gt, gq, &qual);
    ok(gt[0] == 1 && gq[0] == 99 && qual > 100, "10 A + 10 C at Q30: 0/1, GQ 99, QUAL %.1f", qual);

    const double *none[] = { ref, NULL, het };
    g5_gl_call(3, none, ploidy, 2, 1e-3, NULL, 0, gt, gq, &qual);
    ok(gt[0] == 0 && gt[1] == -1 && gq[1] == 0 && gt[2] == 1, "20 A: 0/0; no data: no genotype; the het stays 0/1");

    // two reads of C in twenty: a sequencing error, not a heterozygote
    for (int i = 0; i < 20; i++) obs[i] = i < 2;
    double weak[3];
    g5_gl_bases(obs, q, 20, 2, 2, weak);
    const double *w[] = { weak };
    g5_gl_call(1, w, ploidy, 2, 1e-3, NULL, 0, gt, gq, &qual);
    ok(gt[0] == 0 && qual < 10, "2 C in 20: 0/0, QUAL %.2f", qual);

    // the same sample alone and among others: same genotype and GQ
    int gt1[1], gq1[1];
    g5_gl_call(1, w, ploidy, 2, 1e-3, NULL, 0, gt1, gq1, &qual);
    const double *cohort[] = { het, weak, het };
    g5_gl_call(3, cohort, ploidy, 2, 1e-3, NULL, 0, gt, gq, &qual);
    ok(gt[1] == gt1[0] && gq[1] == gq1[0], "a sample's genotype does not depend on the others");

    // an allele a sample may not hold: the heterozygote stays 0/0
    uint8_t allowed[] = { 1, 0 };
    g5_gl_call(1, one, ploidy, 2, 1e-3, allowed, 0, gt, gq, &qual);
    ok(gt[0] == 0 && qual < 1, "alternate not allowed: 0/0 and no QUAL (%.2f)", qual);

    // weak evidence of its own: 4 C in 20 at Q20 is a heterozygote by a
    // little, but below min_qual 30 it is called reference
    for (int i = 0; i < 20; i++) obs[i] = i < 4, q[i] = 20;
    double four[3];
    g5_gl_bases(obs, q, 20, 2, 2, four);
    const double *f4[] = { four };
    double q0;
    g5_gl_call(1, f4, ploidy, 2, 1e-3, NULL, 0, gt, gq, &q0);
    int gt0 = gt[0];
    g5_gl_call(1, f4, ploidy, 2, 1e-3, NULL, q0 + 1, gt, gq, &qual);
    ok(gt0 == 1 && gt[0] == 0 && gq[0] < 10, "below min_qual: 0/1 (QUAL %.1f) becomes 0/0 with GQ %d", q0, gq[0]);
}

int main(void)
{
    test_order();
    test_likelihoods();
    test_calls();
    return tap_done();
}
