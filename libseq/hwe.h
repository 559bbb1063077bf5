/*
 * hwe.h -- the exact test of Hardy-Weinberg equilibrium for a biallelic
 * variant (Wigginton, Cutler and Abecasis, Am J Hum Genet 2005).
 *
 * DESIGN
 * Genotyping errors and paralogous mappings show up as a deficit or excess
 * of heterozygotes; association tools drop variants whose genotype counts
 * are too unlikely under HWE (plink's --hwe).  The chi-square test fails
 * for rare variants, which a sequenced cohort is full of, so the test is
 * the exact one: given the allele counts, the distribution of the number
 * of heterozygotes is computed by the recurrence between neighbouring
 * counts (heterozygotes change by two), starting from the most likely
 * count so that no term underflows, and p is the total probability of the
 * counts no more likely than the one observed -- plink's default (not the
 * mid-p variant).
 */
#ifndef G5_HWE_H
#define G5_HWE_H

/**
 * p-value of the exact HWE test.
 * @param hom1  homozygotes of one allele
 * @param het   heterozygotes
 * @param hom2  homozygotes of the other
 * @return p in [0, 1]; 1 without genotypes or for a monomorphic variant
 */
double g5_hwe_exact(int hom1, int het, int hom2);

#endif
