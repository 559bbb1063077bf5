/*
 * meta.h -- meta-analysis of one variant across studies, and the alignment
 * of the studies' alleles that must come first.
 *
 * DESIGN
 * Alleles.  Studies report the same variant with the effect measured for
 * either allele and, for array data, on either strand.  A row is compared
 * with the study chosen as the variant's anchor (the first study whose
 * strand is known, else the first study):
 *   same letters                       -> as reported
 *   letters swapped                    -> beta negated, EAF complemented
 *   complemented (A<->T, C<->G), when  -> as reported, or swapped,
 *   either row's strand is unknown        after complementing
 * Complementing is tried only for single-base alleles: an indel's
 * position moves with the strand, so a complemented indel is another
 * variant.  Rows on the forward strand of the reference (GWAS-SSF
 * ref_allele, plink2 REF) are never complemented against each other: at
 * one position, A/G and T/C on one strand are two different variants.
 *
 * Palindromes (A/T, C/G) look the same on both strands.  Between two rows
 * whose strands are both known they are matched by letters; otherwise
 * only the effect allele frequencies can say which allele is which: both
 * minor allele frequencies must be at most max_maf (0.4 by default), and
 * the row is oriented so that both EAFs fall on the same side of one half.  A row that cannot be oriented is dropped and counted.
 *
 * Variants are keyed by position and the unordered pair of alleles, pairs
 * of single bases reduced to one strand (g5_allele_key): the key groups
 * the rows that may be one variant, alignment then decides.
 *
 * Combination (k studies with beta_i, se_i; w_i = 1/se_i^2):
 *   fixed effect     beta = sum w_i beta_i / W, se = 1/sqrt(W), W = sum w_i
 *   Cochran's Q      Q = sum w_i (beta_i - beta)^2, p from chi^2 on k-1 df;
 *                    I^2 = max(0, (Q - (k-1)) / Q), in percent as METAL
 *                    and plink print it
 *   random effects   DerSimonian-Laird: tau^2 = max(0, (Q - (k-1)) /
 *                    (W - sum w_i^2 / W)), weights 1/(se_i^2 + tau^2)
 *   sample size      METAL's SCHEME SAMPLESIZE: z_i = sign(beta_i) *
 *                    Phi^-1(1 - p_i/2), weights sqrt(n_i),
 *                    Z = sum sqrt(n_i) z_i / sqrt(sum n_i); NaN when a
 *                    study has no n.  (plink 1.9's weighted-z is the same.)
 * p-values are two-sided normal.  With one study, Q, its p and I^2 are NaN.
 */
#ifndef G5_META_H
#define G5_META_H

/** How a row's alleles relate to the anchor's. */
enum g5_align {
    G5_ALIGN_SAME = 0,      /**< as reported */
    G5_ALIGN_SWAP = 1,      /**< effect allele is the anchor's other allele */
    G5_ALIGN_NONE = 2,      /**< not the same variant */
    G5_ALIGN_AMBIGUOUS = 3, /**< a palindrome whose orientation the EAFs cannot settle */
};

/** One study's row, as it enters the alignment. */
typedef struct g5_meta_allele {
    const char *ea, *oa;    /**< upper case */
    int forward;            /**< the row is on the reference's forward strand */
    double eaf;             /**< NaN when unknown */
} g5_meta_allele_t;

/**
 * Align a row with the anchor.
 * @param strand  set to 1 when the row was matched on the other strand
 * @param max_maf palindromes with a minor allele frequency above this are ambiguous
 *                (at it, they are oriented)
 * @return enum g5_align
 */
int g5_allele_align(const g5_meta_allele_t *anchor, const g5_meta_allele_t *row, double max_maf, int *strand);

/**
 * The key that groups rows which may be one variant at a position: the
 * unordered allele pair, written "A/G" (sorted); a pair of single bases is
 * written on the strand that sorts first ("T/C" and "A/G" are both "A/G").
 * @param key  at least strlen(ea) + strlen(oa) + 2 bytes
 */
void g5_allele_key(const char *ea, const char *oa, char *key);

/** One study's estimate after alignment. */
typedef struct g5_meta_study {
    double beta, se;        /**< effect of the anchor's effect allele */
    double p;               /**< its p-value (for the sample-size scheme) */
    double n;               /**< samples, NaN when unknown */
} g5_meta_study_t;

/** The combined estimates. */
typedef struct g5_meta_result {
    int k;
    double beta, se, z, p;                  /**< fixed effect */
    double q, q_p, i2;                      /**< heterogeneity; i2 in percent */
    double tau2, beta_re, se_re, z_re, p_re; /**< DerSimonian-Laird */
    double z_ss, p_ss;                      /**< sample-size weighted Z */
} g5_meta_result_t;

/** Combine @p k >= 1 studies. */
void g5_meta_combine(const g5_meta_study_t *s, int k, g5_meta_result_t *r);

/**
 * The genomic-control factor of one study: median chi^2 / 0.4549364
 * (the median of chi^2 on one df).
 * @param chisq  the study's (beta/se)^2, reordered in place
 */
double g5_gc_lambda(double *chisq, long long n);

#endif
