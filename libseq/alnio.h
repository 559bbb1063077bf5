/*
 * alnio.h -- reading SAM/BAM/CRAM with errors a person can act on.
 *
 * DESIGN
 * htslib reports problems as "[E::bgzf_read_block] ..." lines from deep
 * inside, and a reader only sees a negative return code.  This module opens
 * an alignment file, attaches the shared thread pool and the reference, and
 * turns every failure into one phrase that names the cause ("truncated BGZF
 * block", "not a SAM, BAM or CRAM file", "CRAM reference not found: give it
 * with -f") and the record it happened at.  The tool prefixes the phrase with
 * its name and the file:  g5 stats: cannot read "x.bam": truncated BGZF block
 * after record 1042.
 *
 * The reader keeps no global state; htslib's own log lines are silenced by
 * the tools (hts_set_log_level) unless --verbosity asks for them.
 */
#ifndef G5_ALNIO_H
#define G5_ALNIO_H

#include <stdint.h>

#include <htslib/sam.h>
#include <htslib/thread_pool.h>

typedef struct g5_alnin {
    samFile *fp;            /**< the open file */
    sam_hdr_t *hdr;         /**< its header */
    const char *path;       /**< the name it was opened as, for messages */
    const char *reference;  /**< the reference given, or NULL */
    hts_itr_t *itr;         /**< g5_alnin_query: the region's iterator, or NULL */
    hts_idx_t *idx;         /**< the index, loaded by the first query */
    uint64_t nread;         /**< records read so far */
    char why[256];          /**< the last failure, as a phrase */
} g5_alnin_t;

/**
 * Open an alignment file and read its header.
 * @param in         reader to fill
 * @param path       file name, "-" for stdin
 * @param reference  FASTA for CRAM (and for SAM without @SQ), or NULL
 * @param pool       thread pool for decompression, or NULL
 * @return 0 on success; -1 on failure with in->why set (nothing to close)
 */
int g5_alnin_open(g5_alnin_t *in, const char *path, const char *reference,
                  htsThreadPool *pool);

/**
 * Read only the records of a region from now on, through the file's index.
 * @param in      an open reader
 * @param region  "chr", "chr:beg-end", as samtools takes it
 * @return 0 on success; -1 with in->why set (no index, invalid region)
 */
int g5_alnin_query(g5_alnin_t *in, const char *region);

/**
 * The same for contig @p tid, [beg, end) 0-based; a later query replaces an
 * earlier one (the index is loaded once).
 * @return 0 on success; -1 with in->why set
 */
int g5_alnin_queryi(g5_alnin_t *in, int tid, hts_pos_t beg, hts_pos_t end);

/**
 * Read the next record (of the region, after g5_alnin_query).
 * @return 1 when a record was read, 0 at the end of the file, -1 on an error
 *         with in->why set ("truncated BGZF block after record N", ...)
 */
int g5_alnin_next(g5_alnin_t *in, bam1_t *b);

/**
 * Close the reader.  A failure while closing (a CRAM checksum, say) is an
 * error too.
 * @return 0 on success; -1 with in->why set
 */
int g5_alnin_close(g5_alnin_t *in);

/**
 * The sample a file holds: SM of its first read group, else the last part
 * of @p fallback (a path or prefix), without its extension when
 * @p strip_ext.
 * @return a malloc'ed name, or NULL (ENOMEM)
 */
char *g5_sample_name(const sam_hdr_t *h, const char *fallback, int strip_ext);

/**
 * Make a thread pool of @p threads workers for htslib's (de)compression.
 * @param pool     filled with the pool (pool->pool is NULL when threads <= 0)
 * @param threads  number of worker threads
 * @return 0 on success, -1 on failure (ENOMEM)
 */
int g5_pool_init(htsThreadPool *pool, int threads);

/** Destroy a pool made by g5_pool_init (a NULL pool is a no-op). */
void g5_pool_destroy(htsThreadPool *pool);

#endif
