/*
 * alnout.h -- writing SAM/BAM/CRAM atomically, with its index.
 *
 * DESIGN
 * Every tool that writes alignments does the same dance: pick the format
 * from -O or the file name, open a temporary next to the final name, share
 * the thread pool, give CRAM its reference, add the @PG line, start the
 * index before the first record, and on success save the index, close,
 * and rename both into place -- or remove both on failure.  This module is
 * that dance, once.
 *
 * Formats: -O sam|bam|cram (with htslib options after a comma, e.g.
 * "bam,level=1"; BAM is written at level 5 unless told); without -O, the extension of the output name decides
 * (.sam, .cram, anything else BAM); "-" is BAM on stdout unless -O says
 * otherwise.  The index is BAI for BAM (CSI when a reference is longer than
 * BAI can address), CRAI for CRAM, written next to the output as
 * OUT.bai / OUT.csi / OUT.crai; SAM cannot be indexed and asking is an
 * error.
 */
#ifndef G5_ALNOUT_H
#define G5_ALNOUT_H

#include <htslib/sam.h>
#include <htslib/thread_pool.h>

#include "out.h"

typedef struct g5_alnout {
    samFile *fp;            /**< the open output */
    const char *path;       /**< the final name, for messages */
    g5_out_t *out;          /**< the atomic data file */
    g5_out_t *idx;          /**< the atomic index, or NULL */
    int min_shift;          /**< 0 for BAI, 14 for CSI */
    char why[256];          /**< the last failure, as a phrase */
} g5_alnout_t;

/**
 * Open an alignment output.
 * @param o            writer to fill
 * @param path         final name, or "-" for stdout
 * @param fmt          -O argument, or NULL to guess from @p path
 * @param reference    FASTA for CRAM output, or NULL
 * @param pool         thread pool for compression, or NULL
 * @param write_index  also write an index (not for stdout or SAM)
 * @return 0 on success; -1 with o->why set, and errno EINVAL when the
 *         request itself cannot be met (unknown format, an index of stdout
 *         or SAM, CRAM without a reference): a usage error for the tool
 */
int g5_alnout_open(g5_alnout_t *o, const char *path, const char *fmt,
                   const char *reference, htsThreadPool *pool, int write_index);

/**
 * Write the header (and start the index).  The caller adds @PG first
 * (g5_prov_sam) unless --no-PG.
 * @return 0 on success; -1 with o->why set
 */
int g5_alnout_header(g5_alnout_t *o, sam_hdr_t *h);

/**
 * Write one record.
 * @return 0 on success; -1 with o->why set
 */
int g5_alnout_write(g5_alnout_t *o, sam_hdr_t *h, const bam1_t *b);

/**
 * Finish: save the index, close the file and move both into place.
 * @return 0 on success; -1 with o->why set (nothing is left behind)
 */
int g5_alnout_commit(g5_alnout_t *o);

/** Close and remove whatever was written.  Safe on a closed writer. */
void g5_alnout_abort(g5_alnout_t *o);

#endif
