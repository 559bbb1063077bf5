/*
 * gl.c -- genotype likelihoods and calls.  See gl.h for the model.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "gl.h"

#define MAX_QUAL 60

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

/* log10 P(base | genotype) by quality and by how many of the genotype's two
 * alleles (a haploid one counted twice) the base shows: none, one, both.
 * Filled once: every column of every sample needs them. */
static double term[MAX_QUAL + 1][3];
static pthread_once_t term_once = PTHREAD_ONCE_INIT;

static void fill_terms(void)
{
    for (int q = 0; q <= MAX_QUAL; q++) {
        // an error rate above 3/4 would make a match less likely than a
        // mismatch; at 3/4 (Q1 and below: MAPQ 0 reads) a base says nothing
        double e = fmin(pow(10.0, -q / 10.0), 0.75);
        term[q][0] = log10(e / 3);
        term[q][1] = log10(0.5 * (1 - e) + 0.5 * e / 3);
        term[q][2] = log10(1 - e);
    }
}

void g5_gl_bases(const int8_t *obs, const uint8_t *qual, int n, int nal, int ploidy, double *gl)
{
    pthread_once(&term_once, fill_terms);
    int ng = g5_gl_ngenotypes(nal, ploidy);
    int al[G5_GL_MAX_GT][2];
    for (int g = 0; g < ng; g++) {
        g5_gl_alleles(g, ploidy, al[g]);
        if (ploidy == 1) al[g][1] = al[g][0];
        gl[g] = 0;
    }
    for (int i = 0; i < n; i++) {
        const double *t = term[qual[i] > MAX_QUAL ? MAX_QUAL : qual[i]];
        for (int g = 0; g < ng; g++) gl[g] += t[(obs[i] == al[g][0]) + (obs[i] == al[g][1])];
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

/* Hardy-Weinberg prior of each genotype from allele frequencies. */
static void prior_hwe(int nal, int ploidy, const double *af, double *prior)
{
    int ng = g5_gl_ngenotypes(nal, ploidy);
    for (int g = 0; g < ng; g++) {
        int a[2];
        g5_gl_alleles(g, ploidy, a);
        prior[g] = ploidy == 1 ? af[a[0]] : af[a[0]] * af[a[1]] * (a[0] == a[1] ? 1 : 2);
    }
}

/* Call with a prior: from theta when af is NULL, else from af. */
static void call_with(int ns, const double *const *gl, const int *ploidy, int nal, double theta, const double *af,
                      const uint8_t *allowed, double min_qual, int *gt, int *gq, double *qual)
{
    double log_none = 0;    /* log10 P(no sample carries an alternate | data) */
    for (int i = 0; i < ns; i++) {
        gt[i] = -1;
        gq[i] = 0;
        if (!gl[i]) continue;
        int ng = g5_gl_ngenotypes(nal, ploidy[i]), best = 0;
        double prior[G5_GL_MAX_GT], post[G5_GL_MAX_GT] = { 0 }, m = gl[i][0], sum = 0, other = 0;
        if (af) prior_hwe(nal, ploidy[i], af, prior);
        else prior_of(nal, ploidy[i], theta, prior);
        if (allowed)    // a genotype with an allele the sample may not hold is out
            for (int g = 0; g < ng; g++) {
                int a[2];
                g5_gl_alleles(g, ploidy[i], a);
                if (!allowed[i * nal + a[0]] || (ploidy[i] == 2 && !allowed[i * nal + a[1]])) prior[g] = 0;
            }
        for (int g = 1; g < ng; g++) if (gl[i][g] > m) m = gl[i][g];
        for (int g = 0; g < ng; g++) {
            sum += post[g] = pow(10.0, gl[i][g] - m) * prior[g];
            if (post[g] > post[best]) best = g;
        }
        for (int g = 0; g < ng; g++) if (g != best) other += post[g];
        double own = post[0] > 0 ? log10(post[0] / sum) : -300;    /* log10 P(RR | this sample) */
        if (best && -10 * own < min_qual) {
            // too little evidence of its own for an alternate: called
            // reference, with the (low) confidence that deserves
            best = 0;
            other = sum - post[0];
        }
        double wrong = other / sum;
        gt[i] = best;
        gq[i] = wrong <= 1e-10 ? 99 : (int)fmin(99, lround(-10 * log10(wrong)));
        log_none += own;
    }
    *qual = log_none < 0 ? -10 * log_none : 0;
}

void g5_gl_call(int ns, const double *const *gl, const int *ploidy, int nal, double theta,
                const uint8_t *allowed, double min_qual, int *gt, int *gq, double *qual)
{
    call_with(ns, gl, ploidy, nal, theta, NULL, allowed, min_qual, gt, gq, qual);
}

void g5_gl_freqs(int ns, const double *const *gl, const int *ploidy, int nal, double theta, double *af)
{
    // start from theta's prior (REF common, every ALT rare), then EM: each
    // sample's genotype posterior under Hardy-Weinberg, allele counts
    // expected from them, frequencies from the counts
    double floor = 1e-6;
    af[0] = 1;
    for (int a = 1; a < nal; a++) af[0] -= af[a] = theta;
    if (af[0] < floor) af[0] = floor;
    for (int it = 0; it < 50; it++) {
        double count[G5_GL_MAX_ALLELES] = { 0 }, total = 0, change = 0;
        for (int i = 0; i < ns; i++) {
            if (!gl[i]) continue;
            int ng = g5_gl_ngenotypes(nal, ploidy[i]);
            double prior[G5_GL_MAX_GT], post[G5_GL_MAX_GT], m = gl[i][0], sum = 0;
            prior_hwe(nal, ploidy[i], af, prior);
            for (int g = 1; g < ng; g++) if (gl[i][g] > m) m = gl[i][g];
            for (int g = 0; g < ng; g++) sum += post[g] = pow(10.0, gl[i][g] - m) * prior[g];
            if (!(sum > 0)) continue;
            for (int g = 0; g < ng; g++) {
                int a[2];
                g5_gl_alleles(g, ploidy[i], a);
                count[a[0]] += post[g] / sum;
                if (ploidy[i] == 2) count[a[1]] += post[g] / sum;
            }
            total += ploidy[i];
        }
        if (total == 0) return;
        for (int a = 0; a < nal; a++) {
            double f = count[a] / total;
            if (f < floor) f = floor;
            change = fmax(change, fabs(f - af[a]));
            af[a] = f;
        }
        if (change < 1e-7) break;
    }
}

void g5_gl_call_freqs(int ns, const double *const *gl, const int *ploidy, int nal, const double *af,
                      double min_qual, int *gt, int *gq, double *qual)
{
    call_with(ns, gl, ploidy, nal, 0, af, NULL, min_qual, gt, gq, qual);
}
