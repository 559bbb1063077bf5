/*
 * sortbuf.h -- external sort of alignment records under a memory budget.
 *
 * DESIGN
 * Records are copied into an arena until the budget would be exceeded;
 * then the arena is sorted and written out as a "run" (the records in
 * their memory layout, uncompressed: see sortbuf.c) and emptied.  With a
 * background thread, an arena is sealed at half the budget and written by
 * the thread while the other half fills, so reading never waits for the
 * disk unless the disk is slower.  At the end the arenas still in memory
 * are sorted in place and the runs are merged with them through a heap.
 * Three promises:
 *
 *   - memory: arena, index and merge buffers together stay within the
 *     budget given (the arena gets what is left after a reserve for the
 *     merge readers and htslib's buffers);
 *   - order: exactly samtools sort's order, ties in input order: the
 *     in-memory sort is stable (LSD radix sort on the 64-bit coordinate
 *     key, merge sort for names and tags) and the merge prefers the
 *     earlier run on ties, so the result is one stable sort;
 *   - files: at most "fan" runs are open at once (more are first
 *     merged in groups, earliest first, which keeps stability); every run
 *     is a registered temporary of libseq/out, removed when merged, on
 *     destroy, at exit and on SIGINT/SIGTERM.
 *
 * The output of the merge is handed out one record at a time, so the
 * caller can write it, index it, or look at it (g5 sort --markdup) first.
 * A record's id field (bam1_t.id, which BAM files do not store) travels
 * with it through the runs, so a caller can label records on the way in
 * and read the labels on the way out.
 */
#ifndef G5_SORTBUF_H
#define G5_SORTBUF_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/sam.h>

#include "bamorder.h"

/** The default for the most runs merged at once (open files during the merge). */
#define G5_SORTBUF_FAN 64

/** The smallest budget g5_sortbuf_init accepts. */
#define G5_SORTBUF_MIN_MEMORY (1u << 20)

typedef struct g5_sortbuf g5_sortbuf_t;

/**
 * Start a sort.
 * @param spec    the order
 * @param budget  total bytes the sort may use (>= G5_SORTBUF_MIN_MEMORY)
 * @param fan     the most runs open at once, >= 2 (0: G5_SORTBUF_FAN)
 * @param tmp     prefix for run files, e.g. "/scratch/out.bam" gives
 *                "/scratch/out.bam.run0001.tmp.PID"
 * @param background  non-zero: sort and write runs on a thread of their own
 *                (the output is the same either way)
 * @return the sort, or NULL with errno set (ENOMEM, EINVAL for a budget
 *         below the minimum)
 */
g5_sortbuf_t *g5_sortbuf_init(const g5_sortspec_t *spec, size_t budget, int fan,
                              const char *tmp, int background);

/**
 * Share the budget with another consumer (the duplicate signatures of
 * g5 sort --markdup): the arena keeps *@p other_bytes free for it, reading
 * the value anew at every record, so it may grow while the sort runs.
 * @param sb           the sort
 * @param other_bytes  the other consumer's current use, or NULL
 */
void g5_sortbuf_share(g5_sortbuf_t *sb, const size_t *other_bytes);

/**
 * The bytes the sort can hold records in (its budget less what it keeps
 * back for merging): a second consumer sharing the budget
 * (g5_sortbuf_share) must stay well below it.
 */
size_t g5_sortbuf_capacity(const g5_sortbuf_t *sb);

/**
 * Add one record (copied).  May sort and write a run first.
 * @return 0 on success; -1 on failure (g5_sortbuf_why says why)
 */
int g5_sortbuf_add(g5_sortbuf_t *sb, const bam1_t *b);

/**
 * No more records: sort what is in memory and prepare the merge
 * (merging runs in groups first if there are more than G5_SORTBUF_FAN).
 * @return 0 on success; -1 on failure
 */
int g5_sortbuf_finish(g5_sortbuf_t *sb);

/**
 * The next record in order, after g5_sortbuf_finish().
 * @param sb   the sort
 * @param out  set to the record; it stays valid until the next call, and
 *             may be changed in place (flags) but must not grow: its
 *             data may live in the arena, so copy it (bam_copy1) before
 *             adding tags
 * @return 1 with a record, 0 at the end, -1 on failure
 */
int g5_sortbuf_next(g5_sortbuf_t *sb, bam1_t **out);

/** Why the last call failed, as a phrase ("cannot write run ...: No space left on device"). */
const char *g5_sortbuf_why(const g5_sortbuf_t *sb);

/** Runs written to disk and kept so far (0 when everything fitted in memory). */
int g5_sortbuf_runs(const g5_sortbuf_t *sb);

/** Free everything and remove any run files.  NULL is a no-op. */
void g5_sortbuf_destroy(g5_sortbuf_t *sb);

#endif
