/*
 * covreport.h -- coverage reports in mosdepth's files and formats, from
 * depth runs, plus the per-sample summary and sex inference.
 *
 * DESIGN
 * libseq/depth turns records into runs of equal depth; this module is the
 * sink that counts them.  Everything it writes has mosdepth's (0.3.3) name,
 * layout and rounding, so MultiQC's mosdepth module and users' scripts read
 * g5's files unchanged:
 *
 *   PREFIX.mosdepth.summary.txt      chrom, length, bases, mean, min, max per
 *                                    contig with reads (and chrom_region lines
 *                                    with --by), then total (and total_region)
 *   PREFIX.mosdepth.global.dist.txt  chrom, depth, proportion of bases at that
 *                                    depth or more, from the highest depth down
 *   PREFIX.mosdepth.region.dist.txt  the same over the --by regions
 *   PREFIX.regions.bed.gz            mean depth per window or BED region
 *   PREFIX.thresholds.bed.gz         bases at or above each -T threshold
 *   PREFIX.quantized.bed.gz          runs merged into --quantize bins
 *   PREFIX.per-base.bed.gz           the runs themselves
 *
 * mosdepth's quirks are kept where a parser could tell the difference: a
 * region's mean is summed base by base as depth/length (not sum/length, which
 * rounds differently at the second decimal in about half of the ties); the
 * region distribution of fixed windows counts windows by their rounded mean
 * while that of BED regions counts bases; a quantized track ignores the
 * contig's last base when finding bin changes; depths above 400000 go into
 * the distribution as 399990; contigs without any record appear in the
 * per-base, region and threshold tracks but not in the summary and the
 * distributions; with BED regions and none of per-base, thresholds or
 * quantize output, contigs without regions are left out altogether (they
 * are still counted for the per-sample numbers).
 *
 * What mosdepth lacks and g5 adds: thresholds also as percentages of the
 * region (--thresholds-pct), a per-sample line (mean, median, fraction of
 * bases at the thresholds) for MultiQC's custom content, and sex inferred from
 * the X and Y depth relative to the autosomes.
 *
 * Memory: a distribution (one counter per depth value), the current window
 * or the active BED regions, and the BED regions themselves; nothing per base.
 */
#ifndef G5_COVREPORT_H
#define G5_COVREPORT_H

#include <stdint.h>

#include <htslib/sam.h>
#include <htslib/thread_pool.h>

typedef struct g5_covreport g5_covreport_t;

/** What to write (the summary and global distribution always are). */
typedef struct g5_covreport_opts {
    const char *prefix;         /**< PREFIX of every output */
    hts_pos_t window;           /**< --by N: windows of N bases, or 0 */
    const char *bed;            /**< --by FILE: BED regions, or NULL */
    const int *thresholds;      /**< -T values, ascending; with --by only */
    int nthresholds;
    int thresholds_pct;         /**< also write them as % of the region */
    const char *quantize;       /**< --quantize segments ("0:1:4:"), or NULL */
    int per_base;               /**< write PREFIX.per-base.bed.gz */
    int only_tid;               /**< -c: the one contig reported, or -1 for all */
    htsThreadPool *pool;        /**< for compressing the tracks, or NULL */
    int threads;                /**< for indexing them */
} g5_covreport_opts_t;

/**
 * Check the options against the header, read the BED regions and open the
 * outputs (as temporaries).
 * @param o    what to write
 * @param h    the alignment header: contigs, names and lengths
 * @param why  on failure, a phrase naming the file and line at fault
 * @return a report, or NULL with @p why set (errno set for I/O errors)
 */
g5_covreport_t *g5_covreport_open(const g5_covreport_opts_t *o, const sam_hdr_t *h,
                                  char *why, size_t nwhy);

/** Bytes held for the BED regions (for the memory budget). */
size_t g5_covreport_bytes(const g5_covreport_t *r);

/**
 * Parse quantize segments as mosdepth does: "0:1:4:" -> bins [0,1) [1,4)
 * [4,inf); a leading ':' starts at 0, a trailing one runs to infinity, a
 * single number N means ":N:".  Repeated bounds are refused.
 * @param s       the segments
 * @param bounds  receives a malloc'ed ascending array (INT32_MAX = inf)
 * @return the number of bounds (>= 2), or -1 if @p s is not valid
 */
int g5_covreport_quantize_bounds(const char *s, int32_t **bounds);

/**
 * Begin contig @p tid.
 * @param found  1 if the file holds at least one record on it (filtered or
 *               not); mosdepth leaves the others out of the summary
 * Then feed its runs and call g5_covreport_end.
 * @return 0, or -1 (ENOMEM)
 */
int g5_covreport_begin(g5_covreport_t *r, int tid, int found);

/** The depth sink (g5_depth_sink) for the contig begun; @p ctx is the report. */
int g5_covreport_run(void *ctx, hts_pos_t beg, hts_pos_t end, int32_t depth);

/**
 * End the contig: write its regions, summary and distribution lines.
 * @return 0, or -1 with errno set
 */
int g5_covreport_end(g5_covreport_t *r);

/** The per-sample numbers, after every contig was ended.  They cover every
 *  contig with records, whatever mosdepth's files leave out. */
typedef struct g5_covsample {
    double mean;                /**< mean depth over the contigs with records */
    int32_t median;             /**< median depth over the same bases */
    double autosome_depth;      /**< mean depth of the autosomes, or NAN */
    double x_depth, y_depth;    /**< of X and Y, or NAN when absent */
    double x_ratio, y_ratio;    /**< relative to the autosomes, or NAN */
    const char *sex;            /**< "female", "male" or "unknown" */
} g5_covsample_t;

/** Cut-offs of the sex inference. */
typedef struct g5_sexrule {
    const char *x_name, *y_name;    /**< contig names; "chr" prefixed ones match too */
    double x_female;                /**< X/A at or above: two X */
    double y_male;                  /**< Y/A at or above: a Y */
} g5_sexrule_t;

/** Defaults of the sex inference: X, Y, 0.75, 0.1. */
#define G5_SEXRULE_DEFAULT { "X", "Y", 0.75, 0.10 }

/**
 * The per-sample summary and the inferred sex.  Autosomes are the contigs
 * named as numbered chromosomes (1, chr1, II, CHROMOSOME_II); when the
 * header has none, every contig but X, Y and mitochondria (M, MT, chrM,
 * MtDNA) and names containing '_'.
 * Female: X/A >= x_female and (no Y in the header, or Y/A < y_male).
 * Male: x_female/3 <= X/A < x_female and (no Y, or Y/A >= y_male).
 * Anything else (no autosome depth, X0, XXY, too little X) is unknown.
 */
void g5_covreport_sample(const g5_covreport_t *r, const g5_sexrule_t *rule, g5_covsample_t *s);

/**
 * Fraction of the bases (over contigs with records) with depth >= @p t.
 */
double g5_covreport_fraction_at(const g5_covreport_t *r, int32_t t);

/**
 * Write the totals, then move every output into place: tracks and their
 * indexes, distributions, and the summary last.
 * @return 0, or -1 with errno set and @p why naming the file
 */
int g5_covreport_commit(g5_covreport_t *r, char *why, size_t nwhy);

/** Remove every uncommitted output and free the report; NULL is a no-op. */
void g5_covreport_destroy(g5_covreport_t *r);

#endif
