/*
 * pileup.h -- columns of bases from several indexed alignment files, one
 * sample per file, over a region, checked against the reference.
 *
 * DESIGN
 * A caller looks at one reference position at a time and wants, for each
 * sample, the reads that cover it with their base and quality.  htslib's
 * multi-file pileup (bam_mplp) does the walking; this module feeds it: one
 * reader per file, positioned by the index on the region asked for, records
 * filtered by flags and mapping quality, base qualities replaced by BAQ
 * (Li 2011, htslib's sam_prob_realn) so that bases next to a misaligned
 * indel do not look like SNVs -- computed only for reads within 50 bp of an
 * indel that some read shows, found by a first pass over the region, since
 * BAQ is most of the cost and changes little elsewhere -- and the two mates
 * of a pair counted once where
 * they overlap (htslib's overlap detection keeps the better base and zeroes
 * the other's quality).
 *
 * Opening checks what a wrong combination of files would silently spoil:
 * every file must name the same contigs with the same lengths, and the
 * reference must hold each of them with that length (chr1 vs 1, GRCh37 vs
 * GRCh38).  A missing .fai is built next to the FASTA, or reported.
 *
 * The first pass also collects every indel the reads show, left-aligned
 * against the reference (an aligner may place a gap anywhere in a repeat,
 * and differently in each read), so that a column knows the indels
 * anchored at it whichever way the reads placed them.
 *
 * Regions are independent: a column depends only on the records that cover
 * it, so a genome cut into chunks and called by several threads, each with
 * its own pileup, gives the same columns as one pass.
 *
 * The reference of the contig being read is held whole (uppercase), as
 * BAQ needs the sequence under each read: memory of the longest contig.
 */
#ifndef G5_PILEUP_H
#define G5_PILEUP_H

#include <stdint.h>

#include <htslib/sam.h>

typedef struct g5_plp g5_plp_t;

/** Filters applied to records and bases. */
typedef struct g5_plp_opts {
    int min_mapq;           /**< skip records below this mapping quality [0] */
    int min_baseq;          /**< bases below this quality do not count [13] */
    uint32_t exclude;       /**< skip records with any of these flags */
    int baq;                /**< 1: base qualities capped by BAQ */
    int max_depth;          /**< reads per file and position kept at most */
} g5_plp_opts_t;

/** Defaults as bcftools mpileup: MAPQ 0, BQ 13, unmapped/secondary/QC-fail/
 *  duplicate skipped, BAQ on, 250 reads per file. */
#define G5_PLP_OPTS_DEFAULT { 0, 13, BAM_FUNMAP | BAM_FSECONDARY | BAM_FQCFAIL | BAM_FDUP, 1, 250 }

/**
 * Open the files and the reference and check they belong together.
 * @param n          number of files (samples)
 * @param paths      their names
 * @param ref        FASTA (with or without .fai)
 * @param o          filters
 * @param why        on failure, a phrase naming the file and the contig at fault
 * @return a pileup, or NULL with @p why set
 */
g5_plp_t *g5_plp_open(int n, char *const *paths, const char *ref, const g5_plp_opts_t *o,
                      char *why, size_t nwhy);

/** The header of the first file: contigs, names, lengths. */
const sam_hdr_t *g5_plp_header(const g5_plp_t *p);

/** Sample name of file @p i: SM of its first read group, else the file name
 *  without directory and extension. */
const char *g5_plp_sample(const g5_plp_t *p, int i);

/**
 * Read the columns of [beg, end) on contig @p tid from now on.
 * @return 0, or -1 with the reason in g5_plp_why()
 */
int g5_plp_region(g5_plp_t *p, int tid, hts_pos_t beg, hts_pos_t end);

/** Indels anchored this close to a column are its neighbours (col->near). */
#define G5_PLP_NEAR 20

/** Longest indel reported, in bases. */
#define G5_PLP_MAX_INDEL 64

/** An indel some reads show, left-aligned: after the anchor base, @p len
 *  bases inserted (> 0) or deleted (< 0). */
typedef struct g5_plp_indel {
    hts_pos_t anchor;                   /**< 0-based position of the base before it */
    int len;                            /**< > 0 inserted, < 0 deleted */
    char ins[G5_PLP_MAX_INDEL + 1];     /**< the inserted bases (uppercase), "" for deletions */
    int reads;                          /**< reads showing it, all files */
} g5_plp_indel_t;

/** One column: the position and, per sample, the reads over it. */
typedef struct g5_plp_col {
    hts_pos_t pos;                  /**< 0-based */
    char ref;                       /**< reference base, uppercase */
    const int *n;                   /**< reads per sample */
    const bam_pileup1_t **reads;    /**< per sample, n[i] of them */
    const g5_plp_indel_t *indels;   /**< the indels anchored here, by anchor, length, bases */
    int nindels;
    const int *indel_reads;         /**< per indel k and file i, reads showing it: [k * files + i] */
    const g5_plp_indel_t *near;     /**< the indels anchored within G5_PLP_NEAR of the column */
    int nnear;
} g5_plp_col_t;

/**
 * The next column of the region with at least one read.
 * @return 1 with @p col filled, 0 at the end of the region, -1 on a read
 *         error (truncated file...) with the reason in g5_plp_why()
 */
int g5_plp_next(g5_plp_t *p, g5_plp_col_t *col);

/** The reference sequence of the current contig (uppercase) and its length. */
const char *g5_plp_ref(const g5_plp_t *p, hts_pos_t *len);

/** Why the last call failed: "cannot read "x.bam": truncated BGZF block". */
const char *g5_plp_why(const g5_plp_t *p);

/** Close everything; NULL is a no-op. */
void g5_plp_close(g5_plp_t *p);

#endif
