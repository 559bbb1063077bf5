/*
 * gl.c -- genotype likelihoods and calls.  See gl.h for the model.
 */
#include <math.h>
#include <string.h>

#include "gl.h"

#define MAX_QUAL 60
#define MAX_GT (G5_GL_MAX_ALLELES * (G5_GL_MAX_ALLELES + 1) / 2)

int g5_gl_ngenotypes(int nal, int ploidy)
{
    return ploidy == 1 ? nal : nal * (nal + 1) / 2;
}

void g5_gl_alleles(int g, int ploidy, int *a)
{
    if (ploidy == 1) {
        a[0] = g;
        return;
    }
    int k = 0;
    while ((k + 1) * (k + 2) / 2 <= g) k++;
    a[0] = g - k * (k + 1) / 2;
    a[1] = k;
}

void g5_gl_bases(const int8_t *obs, const uint8_t *qual, int n, int nal, int ploidy, double *gl)
{
    int ng = g5_gl_ngenotypes(nal, ploidy);
    int al[MAX_GT][2];
    for (int g = 0; g < ng; g++) {
        g5_gl_alleles(g, ploidy, al[g]);
        if (ploidy == 1) al[g][1] = al[g][0];
        gl[g] = 0;
    }
    for (int i = 0; i < n; i++) {
        int q = qual[i] > MAX_QUAL ? MAX_QUAL : qual[i] < 1 ? 1 : qual[i];
        double e = pow(10.0, -q / 10.0), p[G5_GL_MAX_ALLELES];
        for (int a = 0; a < nal; a++) p[a] = obs[i] == a ? 1 - e : e / 3;
        for (int g = 0; g < ng; g++) gl[g] += log10(0.5 * (p[al[g][0]] + p[al[g][1]]));
    }
}

void g5_gl_reads(const double *lk, int n, int nal, int ploidy, double *gl)
{
    int ng = g5_gl_ngenotypes(nal, ploidy);
    for (int g = 0; g < ng; g++) {
        int a[2];
        g5_gl_alleles(g, ploidy, a);
        if (ploidy == 1) a[1] = a[0];
        gl[g] = 0;
        for (int r = 0; r < n; r++) {
            // log10(0.5 * 10^x + 0.5 * 10^y), without leaving the log scale
            double x = lk[r * nal + a[0]], y = lk[r * nal + a[1]], hi = x > y ? x : y, lo = x > y ? y : x;
            gl[g] += hi + log10(0.5 + 0.5 * pow(10.0, lo - hi));
        }
    }
}

/* Prior of each genotype: 1 for homozygous reference, theta for each
 * reference/alternate heterozygote, theta/2 for an alternate homozygote,
 * theta^2 for two different alternates (haploid: theta per alternate). */
static void prior_of(int nal, int ploidy, double theta, double *prior)
{
    int ng = g5_gl_ngenotypes(nal, ploidy);
    for (int g = 0; g < ng; g++) {
        int a[2];
        g5_gl_alleles(g, ploidy, a);
        if (ploidy == 1) prior[g] = a[0] == 0 ? 1 : theta;
        else if (a[1] == 0) prior[g] = 1;
        else if (a[0] == 0) prior[g] = theta;
        else if (a[0] == a[1]) prior[g] = theta / 2;
        else prior[g] = theta * theta;
    }
}

void g5_gl_call(int ns, const double *const *gl, const int *ploidy, int nal, double theta,
                int *gt, int *gq, double *qual)
{
    double log_none = 0;    /* log10 P(no sample carries an alternate | data) */
    for (int i = 0; i < ns; i++) {
        gt[i] = -1;
        gq[i] = 0;
        if (!gl[i]) continue;
        int ng = g5_gl_ngenotypes(nal, ploidy[i]), best = 0;
        double prior[MAX_GT], post[MAX_GT], m = gl[i][0], sum = 0, other = 0;
        prior_of(nal, ploidy[i], theta, prior);
        for (int g = 1; g < ng; g++) if (gl[i][g] > m) m = gl[i][g];
        for (int g = 0; g < ng; g++) {
            sum += post[g] = pow(10.0, gl[i][g] - m) * prior[g];
            if (post[g] > post[best]) best = g;
        }
        for (int g = 0; g < ng; g++) if (g != best) other += post[g];
        double wrong = other / sum;
        gt[i] = best;
        gq[i] = wrong <= 1e-10 ? 99 : (int)fmin(99, lround(-10 * log10(wrong)));
        log_none += post[0] > 0 ? log10(post[0] / sum) : -300;
    }
    *qual = log_none < 0 ? -10 * log_none : 0;
}
