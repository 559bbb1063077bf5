/*
 * bamstats.h -- alignment summary statistics: flagstat and samtools-stats SN.
 *
 * DESIGN
 * One accumulator, fed one record at a time, holds everything needed to
 * print two reports that the field already knows how to read:
 *
 *   - the sixteen lines of `samtools flagstat` (QC-passed + QC-failed), and
 *   - the Summary Numbers (SN) section of `samtools stats`,
 *
 * with samtools' semantics, down to its quirks (which records each counter
 * sees, integer versus float division, the halving of the insert-size
 * histogram, the "main bulk" cut for the insert-size mean).  Matching the
 * peer exactly is the point: a centre can swap g5 in without its QC
 * thresholds moving.  samtools stats 1.16.1 and samtools flagstat 1.16.1
 * are the oracles of tests/stats.t.
 *
 * Only what those numbers need is collected: plain counters, a running sum
 * of base qualities, one walk over the CIGAR and one aux lookup (NM) per
 * mapped record, and the insert-size histogram.  No per-cycle tables, no
 * GC or coverage histograms: the other samtools-stats sections are not
 * produced, so per-record work stays close to the cost of decoding.
 *
 * Accumulators are independent values: a tool can keep one per read group,
 * and a parallel producer (g5 sort --markdup) can feed one per worker and
 * fold them with g5_bamstats_merge() as long as it merges in input order
 * (only "is sorted" depends on order; everything else is a sum or a max).
 *
 * The formatters write to a FILE and report write errors; nothing here
 * prints a message or exits.
 */
#ifndef G5_BAMSTATS_H
#define G5_BAMSTATS_H

#include <stdint.h>
#include <stdio.h>

#include <htslib/sam.h>

/** Insert sizes above this are counted as this size, as `samtools stats`
 *  does with its default -i 8000. */
#define G5_BAMSTATS_ISIZE_MAX 8000

/** Counters of `samtools flagstat`; index [0] QC-passed, [1] QC-failed. */
typedef struct g5_flagstat {
    uint64_t total[2];        /**< every record */
    uint64_t primary[2];      /**< neither secondary nor supplementary */
    uint64_t secondary[2];
    uint64_t supplementary[2];
    uint64_t dup[2];          /**< duplicate flag, any record */
    uint64_t primary_dup[2];
    uint64_t mapped[2];       /**< any record without the unmapped flag */
    uint64_t primary_mapped[2];
    uint64_t paired[2];       /**< primary, paired in sequencing */
    uint64_t read1[2];
    uint64_t read2[2];
    uint64_t proper[2];       /**< primary, paired, proper-pair flag, mapped */
    uint64_t both_mapped[2];  /**< primary, paired, itself and mate mapped */
    uint64_t singletons[2];   /**< primary, paired, mapped, mate unmapped */
    uint64_t diff_chr[2];     /**< both mapped, mate on another reference */
    uint64_t diff_chr_q5[2];  /**< ... and mapping quality >= 5 */
} g5_flagstat_t;

/**
 * The accumulator.  The fields are public so that tests and callers can
 * read them, but only g5_bamstats_add() and g5_bamstats_merge() should
 * change them.  "Original" below means neither secondary nor supplementary;
 * most SN counters see only records that are not secondary and have a
 * sequence (SEQ not "*"), as in samtools stats.
 */
typedef struct g5_bamstats {
    g5_flagstat_t fs;

    uint64_t n_first;         /**< original: unpaired, or paired READ1 only */
    uint64_t n_last;          /**< original: paired, READ2 only */
    uint64_t n_other;         /**< original: paired, both or neither READ bits */
    uint64_t n_secondary;     /**< secondary records, with or without SEQ */
    uint64_t n_supplementary; /**< supplementary records, with or without SEQ */
    uint64_t n_dup;           /**< duplicates, including supplementary */
    uint64_t n_unmapped;      /**< original */
    uint64_t n_single_mapped; /**< original, mapped, not (paired + mate mapped) */
    uint64_t n_paired_mapped; /**< original, paired, itself and mate mapped */
    uint64_t n_proper;        /**< original, mapped, paired + proper-pair flags */
    uint64_t n_paired;        /**< original, paired flag */
    uint64_t n_diff_chr;      /**< original, paired and mapped, mate elsewhere */
    uint64_t n_mq0;           /**< original, mapped, MAPQ 0 */
    uint64_t n_qcfail;        /**< original */
    uint64_t len_total;       /**< original: sum of SEQ lengths */
    uint64_t len_first;
    uint64_t len_last;
    uint64_t len_dup;         /**< duplicates, including supplementary */
    uint64_t bases_mapped;    /**< original, mapped: SEQ lengths */
    uint64_t bases_cigar;     /**< mapped: M, I, = and X operations */
    uint64_t mismatches;      /**< mapped: sum of NM tags */
    uint64_t qual_sum;        /**< original first and last fragments: sum of
                                   base qualities (0xff when QUAL is "*") */
    int64_t max_len;          /**< longest record including hard clips;
                                   supplementary records count here */
    int64_t max_len_first;    /**< ... of first fragments */
    int64_t max_len_last;     /**< ... of last fragments */

    /* Insert sizes of mapped pairs, three counts (inward, outward, other)
     * per size, grown on demand up to sizes 0..G5_BAMSTATS_ISIZE_MAX. */
    uint64_t *isize;
    int32_t isize_n;          /**< sizes held (histogram length) */

    /* "is sorted": samtools clears it when a mapped record starts before
     * the previous mapped record on the same reference.  The first and
     * last positions make merging exact. */
    int sorted;
    int32_t first_tid, last_tid;
    int64_t first_pos, last_pos;
} g5_bamstats_t;

/**
 * Start an empty accumulator.  Allocates nothing; never fails.
 * @param s  accumulator to initialise
 */
void g5_bamstats_init(g5_bamstats_t *s);

/**
 * Free the memory of an accumulator; it may be initialised again.
 * @param s  accumulator (NULL is a no-op)
 */
void g5_bamstats_destroy(g5_bamstats_t *s);

/**
 * Count one record.
 * @param s  accumulator
 * @param b  the record, as read by htslib
 * @return 0 on success; -1 with errno ENOMEM if the insert-size
 *         histogram could not grow (the record is then not counted)
 */
int g5_bamstats_add(g5_bamstats_t *s, const bam1_t *b);

/**
 * Count one record in the flagstat counters only: all that
 * `g5 stats --flagstat` needs, at a fraction of the cost of
 * g5_bamstats_add().
 * @param f  flagstat counters
 * @param c  the record's core fields
 */
void g5_flagstat_add(g5_flagstat_t *f, const bam1_core_t *c);

/**
 * Add the counts of @p src to @p dst, as if the records of @p src had been
 * added to @p dst after its own.
 * @param dst  accumulator to add to
 * @param src  accumulator to add; unchanged
 * @return 0 on success; -1 with errno ENOMEM
 */
int g5_bamstats_merge(g5_bamstats_t *dst, const g5_bamstats_t *src);

/** Derived numbers of the SN section that need more than a counter. */
typedef struct g5_bamstats_isize {
    double mean;              /**< over the main bulk (99%) of the histogram */
    double sd;
    uint64_t inward, outward, other;   /**< pairs, i.e. records / 2 */
} g5_bamstats_isize_t;

/**
 * Summarise the insert-size histogram the way samtools stats does: each
 * pair was counted once per mate, so every bin is halved (rounding down);
 * the mean and standard deviation are taken over the smallest sizes that
 * hold more than 99% of the pairs.
 * @param s    accumulator
 * @param out  filled with the summary
 */
void g5_bamstats_isize(const g5_bamstats_t *s, g5_bamstats_isize_t *out);

/**
 * Write the sixteen lines of `samtools flagstat` (default text format).
 * @param fp      stream to write to
 * @param s       accumulator
 * @param prefix  written before each line ("FS\t" in a stats report), or NULL
 * @return 0 on success; -1 on a write error (errno from stdio)
 */
int g5_bamstats_write_flagstat(FILE *fp, const g5_bamstats_t *s, const char *prefix);

/**
 * Write the SN lines of `samtools stats`, with samtools' labels, trailing
 * comments and number formats.
 * @param fp  stream to write to
 * @param s   accumulator
 * @return 0 on success; -1 on a write error
 */
int g5_bamstats_write_sn(FILE *fp, const g5_bamstats_t *s);

/**
 * Write the full text report: header comments that MultiQC's samtools
 * module recognises, with the producing g5 tool and command line; the
 * flagstat lines prefixed "FS\t"; then the SN lines.
 * @param fp       stream to write to
 * @param s        accumulator
 * @param tool     the g5 tool writing it ("stats", "sort")
 * @param cmdline  its command line (g5_cmdline)
 * @param rg       NULL for all records, "" for records without a read
 *                 group, else the read-group ID the report is about
 * @return 0 on success; -1 on a write error
 */
int g5_bamstats_write_report(FILE *fp, const g5_bamstats_t *s, const char *tool,
                             const char *cmdline, const char *rg);

/**
 * Write one "GROUP\tMETRIC\tVALUE" row per flagstat and SN number.  Metric
 * names are snake_case ("flagstat_mapped_passed", "reads_mapped",
 * "bases_mapped_cigar"); values are formatted as in the text reports,
 * except that a percentage without a denominator is "NA".  The header line
 * is the caller's, so that several groups can share one table.
 * @param fp     stream to write to
 * @param s      accumulator
 * @param group  value of the first column ("all", a read-group ID)
 * @return 0 on success; -1 on a write error
 */
int g5_bamstats_write_tsv(FILE *fp, const g5_bamstats_t *s, const char *group);

#endif
