/*
 * depth.h -- depth of coverage from a coordinate-sorted stream of records,
 * in memory that does not grow with the length of the contig.
 *
 * DESIGN
 * mosdepth keeps one 32-bit counter per base of the contig (4 bytes x
 * 250 Mb for a human chromosome 1, and worse summed over assemblies with many
 * contigs).  Here a record adds +1 where each of its aligned blocks starts
 * and -1 where it ends, into a ring of deltas that only covers the stretch
 * between the start of the current record and the farthest end seen.
 * Because records arrive sorted by position, every base before the current
 * record's start is final: the ring is swept up to there and the depth is
 * handed to a sink as runs -- (beg, end, depth), adjacent runs of different
 * depth, together tiling the contig from 0 to its length, zero-depth stretches
 * included.  The sink does all the counting (distributions, windows,
 * thresholds, per-base output) on runs, so a stretch of equal depth costs one
 * call, not one per base.
 *
 * Ends farther than the ring reaches (long reads, large N/D operations) wait
 * in a small heap and join the ring when it gets there.
 *
 * The semantics are mosdepth's (0.3.3): only operations that consume both
 * query and reference (M, =, X) add depth, deletions and skips do not, and
 * blocks separated only by insertions or padding are one block.  Two mates
 * of a proper pair that overlap are counted once over the overlap: the first
 * mate's blocks are kept (by read name) until the second arrives, and their
 * intersection is subtracted.  One deliberate difference: where both mates
 * have a single CIGAR operation and the second ends before the first,
 * mosdepth subtracts up to the first mate's end, so bases covered only by the
 * first mate lose their count; here exactly the intersection is subtracted.
 * In fast mode a record counts from its start to its end (deletions and skips
 * included) and mates are not corrected, as mosdepth -x.
 *
 * Memory: the ring (fixed), the heap of far ends and the mates waiting for
 * their pair, both bounded by what spans the current position; mates whose
 * partner can no longer come (its position is behind us) are dropped.
 */
#ifndef G5_DEPTH_H
#define G5_DEPTH_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/sam.h>

typedef struct g5_depth g5_depth_t;

/**
 * Receives the depth of the contig as runs, in order, from 0 to its length.
 * @param ctx    the sink's context
 * @param beg    first base of the run (0-based)
 * @param end    one past its last base; end > beg
 * @param depth  the depth over [beg, end)
 * @return 0, or -1 to stop (errno set); the error is passed back to the caller
 */
typedef int (*g5_depth_sink)(void *ctx, hts_pos_t beg, hts_pos_t end, int32_t depth);

/**
 * @param fast  1: count records start to end, no mate correction (mosdepth -x)
 * @param sink  where the runs go
 * @param ctx   passed to @p sink
 * @return a new counter, or NULL (ENOMEM)
 */
g5_depth_t *g5_depth_init(int fast, g5_depth_sink sink, void *ctx);

/** Free a counter; NULL is a no-op. */
void g5_depth_destroy(g5_depth_t *d);

/**
 * Begin a contig of length @p len; the previous one must have been ended.
 * @return 0
 */
int g5_depth_begin(g5_depth_t *d, hts_pos_t len);

/**
 * Count a record of the current contig.  Records must come by increasing
 * position; the caller filters them (flags, mapping quality).  Runs before
 * the record's start are handed to the sink.  Parts past the contig's end are
 * ignored.
 * @return 0, or -1 (ENOMEM, or the sink's error)
 */
int g5_depth_add(g5_depth_t *d, const bam1_t *b);

/**
 * End the contig: hand the remaining runs, up to its length, to the sink.
 * @return 0, or -1 (the sink's error)
 */
int g5_depth_end(g5_depth_t *d);

/** Bytes held by the counter now (ring, far ends, waiting mates). */
size_t g5_depth_bytes(const g5_depth_t *d);

#endif
