/*
 * chunks.h -- the genome cut into fixed pieces, worked on by several
 * threads, the results taken in genome order.
 *
 * DESIGN
 * Work on a region that depends only on the data in that region (calling
 * variants, genotyping a cohort) parallelises by cutting the genome into
 * chunks of a fixed size -- fixed, so that the output never depends on the
 * number of threads.  Workers take the chunks in order, each with its own
 * state (its own file readers); the calling thread hands each finished
 * chunk's result to an emit function strictly in chunk order, so it can
 * write them out as a stream.  Workers stay at most a few chunks ahead of
 * the writer, which bounds the results held in memory.  A failure anywhere
 * stops everyone and is reported once.
 */
#ifndef G5_CHUNKS_H
#define G5_CHUNKS_H

#include <stddef.h>

#include <htslib/sam.h>

/** A piece of the genome: [beg, end) of contig tid. */
typedef struct g5_chunk {
    int tid;
    hts_pos_t beg, end;
} g5_chunk_t;

/**
 * Cut what is to be worked on into chunks of @p size bases: a region
 * ("chr", "chr:beg-end"), the regions of a BED file (merged where they
 * overlap), or every contig of the header.
 * @param h       the contigs
 * @param region  -r, or NULL
 * @param bed     -R, or NULL
 * @param size    bases per chunk
 * @param out     receives the chunks (free() them)
 * @param n       receives their number
 * @param why     on failure, the reason (a bad region, a BED line)
 * @return 0, or -1 with @p why set
 */
int g5_chunks_make(const sam_hdr_t *h, const char *region, const char *bed, hts_pos_t size,
                   g5_chunk_t **out, size_t *n, char *why, size_t nwhy);

/** What to do with the chunks.  @p why is for a one-line reason. */
typedef struct g5_chunk_job {
    /** A worker's state (its readers), or NULL with @p why set. */
    void *(*start)(void *ctx, char *why, size_t nwhy);
    /** Work on a chunk: @p result for emit, or -1 with @p why set. */
    int (*work)(void *state, const g5_chunk_t *c, void **result, char *why, size_t nwhy);
    /** On the calling thread, in chunk order; takes the result: 0, or -1. */
    int (*emit)(void *ctx, const g5_chunk_t *c, void *result, char *why, size_t nwhy);
    /** Free a result that will not be emitted (after a failure). */
    void (*discard)(void *ctx, void *result);
    /** Free a worker's state. */
    void (*stop)(void *state);
    void *ctx;
} g5_chunk_job_t;

/**
 * Work on every chunk with @p threads workers (at least one), emitting the
 * results in order.
 * @return 0, or -1 with @p why holding the first failure
 */
int g5_chunks_run(const g5_chunk_t *chunks, size_t n, int threads, const g5_chunk_job_t *job,
                  char *why, size_t nwhy);

#endif
