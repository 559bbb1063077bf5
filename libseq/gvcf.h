/*
 * gvcf.h -- one sample's gVCF record, whatever wrote it, in one shape.
 *
 * DESIGN
 * Four dialects reach the coordinating centre, and they disagree on the
 * details that decide a joint genotype:
 *
 *   writer                   other allele  block depth      no coverage
 *   g5 call --gvcf           <*>           FORMAT/MIN_DP    ./.
 *   bcftools call --gvcf     <*>           INFO/MinDP       ./. (or 0/0, DP 0)
 *   GATK HaplotypeCaller     <NON_REF>     FORMAT/MIN_DP    0/0 with DP 0, GQ 0, PL 0,0,0
 *   DeepVariant              <*>           FORMAT/MIN_DP    ./.
 *
 * A record is either a reference block (its only ALT is the symbolic
 * "other" allele; INFO/END may extend it) or a site (REF, real ALTs, and
 * usually the symbolic one too, which is dropped here with its PL
 * entries).  The one rule that matters most is no-data: a block or site
 * with no reads -- GT missing, or depth 0, or PLs all 0 -- is no-data, never
 * homozygous reference (GATK writes 0/0 there; bcftools#1891 is what
 * happens when that is believed).
 */
#ifndef G5_GVCF_H
#define G5_GVCF_H

#include <htslib/vcf.h>

/** Most real alleles of a site kept (REF included). */
#define G5_GVCF_MAX_ALLELES 8

/** One sample's record, normalised. */
typedef struct g5_gvcf_rec {
    int block;              /**< 1: reference block; 0: a site with real alleles */
    int nodata;             /**< 1: no reads here (never read as 0/0) */
    hts_pos_t beg, end;     /**< 0-based, half-open: [POS-1, END) */
    int ploidy;             /**< 1 or 2 (from GT; 2 when GT is missing) */
    int gq;                 /**< GQ, or -1 when absent */
    int dp;                 /**< depth: MIN_DP / MinDP for blocks, DP for sites; -1 when absent */
    int nal;                /**< real alleles (REF first), sites only; 1 for blocks */
    int npl;                /**< PL values kept: genotypes of the real alleles, or of REF/other for blocks */
    int pl[G5_GVCF_MAX_ALLELES * (G5_GVCF_MAX_ALLELES + 1) / 2];
    int ad[G5_GVCF_MAX_ALLELES];    /**< AD of the real alleles, -1 when absent */
    /** Sites: PL of the genotypes with the symbolic other allele O -- the
     *  likelihood of an allele this sample did not report.  Diploid: a/O
     *  for each real allele a, then O/O (nal + 1 values); haploid: O (1
     *  value); 0 when the site has no O or no PL. */
    int nopl;
    int opl[G5_GVCF_MAX_ALLELES + 1];
} g5_gvcf_rec_t;

/** Scratch for reading records, reused from record to record. */
typedef struct g5_gvcf_buf {
    int32_t *gt, *gq, *dp, *mindp, *pl, *ad;
    int ngt, ngq, ndp, nmindp, npl, nad;
} g5_gvcf_buf_t;

/**
 * Read sample @p sample of @p rec (unpacked or not) into @p out.
 * @param h       the record's header
 * @param rec     the record
 * @param sample  the sample's index
 * @param out     filled
 * @param why     on failure, what is wrong with the record
 * @return 0, or -1 with @p why set (END before POS, a site with more real
 *         alleles than G5_GVCF_MAX_ALLELES, PL of the wrong length)
 */
int g5_gvcf_read(const bcf_hdr_t *h, bcf1_t *rec, int sample, g5_gvcf_rec_t *out, char *why, size_t nwhy);

/**
 * Read every sample of @p rec at once: out[i] for sample i (each FORMAT
 * field fetched once, so a record of thousands of samples reads in linear
 * time).  Fails as g5_gvcf_read does; the reason names the sample.
 * @param buf  scratch, zeroed before first use; free with g5_gvcf_buf_free
 */
int g5_gvcf_read_all(const bcf_hdr_t *h, bcf1_t *rec, g5_gvcf_buf_t *buf, g5_gvcf_rec_t *out,
                     char *why, size_t nwhy);

/** Free the scratch of g5_gvcf_read_all (and leave it reusable). */
void g5_gvcf_buf_free(g5_gvcf_buf_t *buf);

/**
 * Declare what a gVCF adds to a VCF header: the <*> allele, INFO/END and
 * FORMAT/MIN_DP.  @return 0, or -1
 */
int g5_gvcf_hdr_add(bcf_hdr_t *h);

/** Is allele @p s symbolic "other" (<*>, <NON_REF>, <X>)? */
int g5_gvcf_is_other(const char *s);

#endif
