/*
 * gvcfmerge.h -- many gVCFs read side by side, position by position: the
 * cohort's sites with every sample's likelihoods over one set of alleles,
 * and (on request) the reference blocks of all samples cut where any of
 * them changes.
 *
 * DESIGN
 * Inputs are opened once (g5_gvcfs_open): each header's contigs are checked
 * against the reference, the samples listed (a name twice is an error, or
 * renamed "N:NAME" after the N-th input, as bcftools merge --force-samples
 * does), and the indexes loaded once for all workers.  Each worker then has
 * its own readers (g5_gvcf_merge_open) and walks one region at a time; the
 * inputs are read as a k-way merge by position, holding per input only the
 * records near the current position, so memory does not grow with the
 * genome.  With an index each region is a query; an input without one is
 * read front to back, so regions must then come in genome order, from one
 * worker.
 *
 * A site is every position where some input has a record with real
 * alternate alleles -- SNVs and MNPs apart from indels, as bcftools merge
 * keeps them (a sample's SNV and its indel at one position are two
 * records, and each carries its own genotype).  Alleles are unified: each
 * record is trimmed and left-aligned as bcftools norm does (a record whose
 * alleles would move apart, or further than G5_GVCF_SHIFT bp, stays as
 * written), REF becomes the longest REF at the site and every allele is
 * extended by the bases its REF lacks, so one indel written two ways is
 * one allele.  The ALTs are sorted (by length, then bases), which makes a
 * site the same whatever the order of the inputs -- the ground of N+1: a
 * merged gVCF (g5 joint --gvcf-out) read with new samples gives what all
 * the single gVCFs give.
 *
 * Each sample's likelihoods at a site (PL over the site's alleles and the
 * symbolic other O, last):
 *   - its own record of the site's kind: its PL, an allele it did not
 *     report taking the PL of O (its "any other allele"), or its worst PL
 *     when the record has no O;
 *   - else its reference block covering the position (a site record where
 *     the sample has no data defers to the block, as does a sample absent
 *     from a merged gVCF's site): REF/REF, REF/any, any/any from the block's
 *     PL, or from its GQ (else depth) when it has none -- 0, h, h + 20 x
 *     depth where h is GQ or 3 x depth;
 *   - else no data: ./., never homozygous reference.
 */
#ifndef G5_GVCFMERGE_H
#define G5_GVCFMERGE_H

#include <stddef.h>

#include <htslib/sam.h>

#include "gvcf.h"

/** The furthest an indel is moved left to meet its other spellings (bp). */
#define G5_GVCF_SHIFT 500

/** Most alleles of a merged site with O. */
#define G5_MSITE_MAX_ALLELES (G5_GVCF_MAX_ALLELES + 1)
#define G5_MSITE_MAX_GT (G5_MSITE_MAX_ALLELES * (G5_MSITE_MAX_ALLELES + 1) / 2)

/** Where a sample's numbers at a site come from. */
enum g5_msrc {
    G5_MSRC_NONE = 0,       /**< no data */
    G5_MSRC_SITE = 1,       /**< its own record of the site */
    G5_MSRC_BLOCK = 2,      /**< its reference block */
};

/** A merged site, or a merged reference block. */
typedef struct g5_msite {
    int block;              /**< 1: a stretch [pos, end) where every sample's block state is constant */
    int tid;                /**< contig, as in the reference */
    hts_pos_t pos, end;     /**< 0-based; end: past the block, or past REF */
    int nal;                /**< real alleles, REF first (1 for a block) */
    char **alleles;         /**< nal strings, upper case */
    int ns;                 /**< samples */
    /* per sample i */
    uint8_t *src;           /**< enum g5_msrc */
    int *ploidy;            /**< 1 or 2 */
    int *pl;                /**< PL over the nal alleles and O (last): G5_MSITE_MAX_GT values from i * G5_MSITE_MAX_GT, VCF order */
    int *ad;                /**< AD of the nal alleles (0 for one not reported): G5_MSITE_MAX_ALLELES from i * G5_MSITE_MAX_ALLELES; -1: unknown */
    int *dp, *gq;           /**< depth (a block's least), GQ; -1 when unknown */
} g5_msite_t;

typedef struct g5_gvcfs g5_gvcfs_t;
typedef struct g5_gvcf_merge g5_gvcf_merge_t;

/**
 * Open the inputs, check their headers against the reference, list the
 * samples and load the indexes.
 * @param n        inputs
 * @param paths    their names
 * @param ref      the reference FASTA (with .fai, built when missing)
 * @param rename   rename a sample name met again ("N:NAME") instead of failing
 * @param why      on failure: the reason, naming the file
 * @return the set, or NULL with @p why set
 */
g5_gvcfs_t *g5_gvcfs_open(int n, char *const *paths, const char *ref, int rename, char *why, size_t nwhy);

/** Close the set (NULL is a no-op). */
void g5_gvcfs_close(g5_gvcfs_t *s);

/** Samples over all inputs, in input order. */
int g5_gvcfs_nsamples(const g5_gvcfs_t *s);

/** Name of sample @p i (renamed if it had to be). */
const char *g5_gvcfs_sample(const g5_gvcfs_t *s, int i);

/** The reference's contigs, as a SAM header (for regions and chunks). */
const sam_hdr_t *g5_gvcfs_contigs(const g5_gvcfs_t *s);

/** 1 when every input has an index (regions in any order, many workers). */
int g5_gvcfs_indexed(const g5_gvcfs_t *s);

/** Bytes a worker's readers take, roughly (for the memory budget). */
size_t g5_gvcfs_worker_bytes(const g5_gvcfs_t *s);

/**
 * A worker's readers over the set.
 * @param blocks  also give merged reference blocks, not only sites
 * @return the readers, or NULL with @p why set
 */
g5_gvcf_merge_t *g5_gvcf_merge_open(const g5_gvcfs_t *s, int blocks, char *why, size_t nwhy);

/** Close a worker's readers (NULL is a no-op). */
void g5_gvcf_merge_close(g5_gvcf_merge_t *m);

/**
 * Go to the region [beg, end) of contig @p tid: the sites that begin there
 * and the blocks clipped to it.  Without indexes, regions must come in
 * genome order.
 * @return 0, or -1 (see g5_gvcf_merge_why)
 */
int g5_gvcf_merge_region(g5_gvcf_merge_t *m, int tid, hts_pos_t beg, hts_pos_t end);

/**
 * The next site or block of the region, in order of position (at one
 * position: the block, the SNV site, the indel site).  The site is the
 * reader's and holds until the next call.
 * @return 1 with @p *site set; 0 at the end of the region; -1 on bad
 *         input or a read failure (see g5_gvcf_merge_why)
 */
int g5_gvcf_merge_next(g5_gvcf_merge_t *m, const g5_msite_t **site);

/** Why the last call failed, naming the file and position. */
const char *g5_gvcf_merge_why(const g5_gvcf_merge_t *m);

#endif
