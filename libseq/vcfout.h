/*
 * vcfout.h -- writing VCF/BCF atomically, with its index.
 *
 * DESIGN
 * The variant-side twin of alnout: pick the format from -O or the file
 * name, write to a temporary next to the final name through the shared
 * thread pool, start the index with the header, and on success save the
 * index, close, and rename both into place (data first) -- or remove both.
 *
 * Formats: -O vcf|v, vcf.gz|z, bcf|b (htslib options may follow a comma);
 * without -O the name decides (.bcf, .vcf.gz / .vcf.bgz, else plain VCF);
 * "-" is plain VCF on stdout.  The index is TBI for VCF.gz, CSI for BCF,
 * written as OUT.tbi / OUT.csi; plain VCF cannot be indexed.
 *
 * With a thread pool the index is built from the finished file instead of
 * on the fly: htslib before 1.19 takes the offsets of multi-threaded BGZF
 * output wrongly when it indexes VCF.gz or BCF as it writes
 * (samtools/bcftools#1985, fixed by samtools/htslib#1672), and Debian's is
 * 1.16.  Reading the file back costs a decompression, not a second write.
 */
#ifndef G5_VCFOUT_H
#define G5_VCFOUT_H

#include <htslib/thread_pool.h>
#include <htslib/sam.h>
#include <htslib/vcf.h>

#include "out.h"

typedef struct g5_vcfout {
    htsFile *fp;            /**< the open output */
    const char *path;       /**< the final name, for messages */
    g5_out_t *out;          /**< the atomic data file */
    g5_out_t *idx;          /**< the atomic index, or NULL */
    int write_index;
    int index_after;        /**< index the finished file rather than on the fly */
    int is_bcf;
    char why[256];          /**< the last failure, as a phrase */
} g5_vcfout_t;

/**
 * Open a variant output.
 * @param o            writer to fill
 * @param path         final name, or "-" for stdout
 * @param fmt          -O argument, or NULL to guess from @p path
 * @param pool         thread pool for compression, or NULL
 * @param write_index  also write an index (not for stdout or plain VCF)
 * @return 0; -1 with o->why set, and errno EINVAL for a request that
 *         cannot be met (a usage error)
 */
int g5_vcfout_open(g5_vcfout_t *o, const char *path, const char *fmt, htsThreadPool *pool,
                   int write_index);

/**
 * Declare the contigs of @p sh (names and lengths) and the reference they
 * come from in a VCF header.  @return 0, or -1
 */
int g5_vcf_hdr_contigs(bcf_hdr_t *h, const sam_hdr_t *sh, const char *reference);

/** Write the header (and start the index).  @return 0, or -1 with o->why */
int g5_vcfout_header(g5_vcfout_t *o, bcf_hdr_t *h);

/** Write one record.  @return 0, or -1 with o->why */
int g5_vcfout_write(g5_vcfout_t *o, bcf_hdr_t *h, bcf1_t *rec);

/** Records held in genome order until written: a chunk's output. */
typedef struct g5_vcfrecs {
    bcf1_t **r;
    size_t n, m;
} g5_vcfrecs_t;

/** Append @p rec (the list takes it).  @return 0, or -1 out of memory */
int g5_vcfrecs_push(g5_vcfrecs_t *v, bcf1_t *rec);

/** Write every record, in order.  @return 0, or -1 with o->why */
int g5_vcfrecs_write(g5_vcfout_t *o, bcf_hdr_t *h, const g5_vcfrecs_t *v);

/** Free the records and the list (and leave it empty). */
void g5_vcfrecs_free(g5_vcfrecs_t *v);

/** Save the index, close and move both into place.  @return 0, or -1 with o->why */
int g5_vcfout_commit(g5_vcfout_t *o);

/** Close and remove whatever was written.  Safe on a closed writer. */
void g5_vcfout_abort(g5_vcfout_t *o);

#endif
