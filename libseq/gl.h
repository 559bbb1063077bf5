/*
 * gl.h -- genotype likelihoods from base observations, and genotype calls
 * across samples.
 *
 * DESIGN
 * A base b read with error probability e (from its quality, capped by the
 * read's mapping quality) supports allele a with P(b|a) = 1-e when b == a
 * and e/3 otherwise.  A genotype of ploidy p is a multiset of p alleles; the
 * read is taken from one of its chromosomes at random, so P(b|g) is the mean
 * of P(b|a) over g's alleles, and the reads are independent:
 * log10 L(g) = sum over reads of log10 P(b|g).  Genotypes are listed in VCF
 * order (diploid j<=k at k(k+1)/2 + j; haploid k at k).
 *
 * Calling: each sample's genotype is the most probable one under a fixed
 * prior -- 1 for homozygous reference, theta for a reference/alternate
 * heterozygote, theta/2 for an alternate homozygote, theta^2 for two
 * different alternates (haploid: theta for an alternate) -- and GQ is the
 * phred-scaled probability that it is wrong, capped at 99.  The prior does
 * not depend on the other samples, so a sample gets the same genotype alone
 * (a per-sample gVCF) and within a cohort -- and so is the floor on the
 * evidence a sample needs of its own to be called variant (min_qual).  The
 * site's QUAL is the phred-scaled probability that no sample carries an
 * alternate allele.
 */
#ifndef G5_GL_H
#define G5_GL_H

#include <stdint.h>

/** Most alleles at a site: g5 call tries REF, three alternates and gVCF's
 *  <*>; a cohort's site (g5 joint) gathers up to eight real alleles and <*>. */
#define G5_GL_MAX_ALLELES 9

/** Most genotypes at a site: diploid over G5_GL_MAX_ALLELES alleles. */
#define G5_GL_MAX_GT (G5_GL_MAX_ALLELES * (G5_GL_MAX_ALLELES + 1) / 2)

/** Genotypes of @p ploidy (1 or 2) over @p nal alleles. */
int g5_gl_ngenotypes(int nal, int ploidy);

/** The alleles of genotype @p g (VCF order): a[0] (and a[1] for diploid). */
void g5_gl_alleles(int g, int ploidy, int *a);

/**
 * Log10 likelihood of every genotype.
 * @param obs     observed alleles, as indices into the site's alleles (-1:
 *                none of them; such a base counts as an error for all)
 * @param qual    their phred qualities
 * @param n       number of observations
 * @param nal     alleles at the site
 * @param ploidy  1 or 2
 * @param gl      out: g5_gl_ngenotypes(nal, ploidy) values
 */
void g5_gl_bases(const int8_t *obs, const uint8_t *qual, int n, int nal, int ploidy, double *gl);

/**
 * Log10 likelihood of every genotype from per-read allele likelihoods (the
 * indel model: a read realigned to each allele's haplotype).
 * @param lk      n x nal values: log10 P(read r | allele a) at lk[r * nal + a]
 * @param n       reads
 * @param nal     alleles
 * @param ploidy  1 or 2
 * @param gl      out: g5_gl_ngenotypes(nal, ploidy) values
 */
void g5_gl_reads(const double *lk, int n, int nal, int ploidy, double *gl);

/**
 * Call genotypes at a site.
 * @param ns      samples
 * @param gl      per sample, its log10 likelihoods (NULL: no data)
 * @param ploidy  per sample
 * @param nal     alleles
 * @param theta   expected heterozygosity (1e-3 for humans)
 * @param allowed per sample, which alleles its genotype may hold (ns x nal,
 *                nonzero: allowed; the reference always is), or NULL for all
 * @param min_qual a sample is given an alternate allele only when its own
 *                data put P(homozygous reference) at phred min_qual or more
 * @param gt      out: per sample, the genotype index, or -1 without data
 * @param gq      out: per sample, the genotype quality (0 without data)
 * @param qual    out: phred probability that no sample is variant
 */
void g5_gl_call(int ns, const double *const *gl, const int *ploidy, int nal, double theta,
                const uint8_t *allowed, double min_qual, int *gt, int *gq, double *qual);

/**
 * Allele frequencies at a site from the samples' likelihoods, by EM (each
 * sample's genotype posterior under Hardy-Weinberg, the expected allele
 * counts, the frequencies from them, until they settle), starting from
 * theta's prior; none falls below 1e-6.
 * @param af  out: nal frequencies, REF first
 */
void g5_gl_freqs(int ns, const double *const *gl, const int *ploidy, int nal, double theta, double *af);

/**
 * Call as g5_gl_call does, with a population prior instead of theta: the
 * Hardy-Weinberg genotype frequencies of @p af (from g5_gl_freqs).  A
 * sample's call then leans on the cohort; min_qual still asks for evidence
 * of its own, and QUAL is still the probability that no sample is variant.
 */
void g5_gl_call_freqs(int ns, const double *const *gl, const int *ploidy, int nal, const double *af,
                      double min_qual, int *gt, int *gq, double *qual);

#endif
