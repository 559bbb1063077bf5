/*
 * bedgz.h -- a bgzipped, CSI-indexed BED-like output, written atomically.
 *
 * DESIGN
 * Depth tracks (per-base, windows, thresholds) are bgzipped text that tabix
 * and htslib readers query by region, so each comes with a CSI index
 * (min_shift 14, as mosdepth writes).  The text is compressed by the shared
 * thread pool; a multi-threaded BGZF stream cannot report the offsets of its
 * lines while it writes, so the index is built when the file is complete, by
 * reading it back (tabix's own indexer, with the UCSC BED convention:
 * columns 1-3 are chrom, 0-based start, end; lines starting with '#' are
 * headers).  Both the file and its index are temporaries until
 * g5_bedgz_commit() renames them into place, the data first; any failure
 * removes both.
 */
#ifndef G5_BEDGZ_H
#define G5_BEDGZ_H

#include <stddef.h>

#include <htslib/thread_pool.h>

typedef struct g5_bedgz g5_bedgz_t;

/**
 * Start an output that will appear as @p path (and @p path.csi).
 * @param path   final name
 * @param level  BGZF compression level (1 fast .. 9 small; -1 default)
 * @param pool   thread pool for compression, or NULL
 * @return a writer, or NULL with errno set
 */
g5_bedgz_t *g5_bedgz_open(const char *path, int level, htsThreadPool *pool);

/**
 * Append @p n bytes of text (whole lines, each ending in '\n').
 * @return 0, or -1 with errno set
 */
int g5_bedgz_put(g5_bedgz_t *w, const char *s, size_t n);

/**
 * Finish the file, index it with @p threads threads, and move both into
 * place.  The writer is freed either way.
 * @return 0, or -1 with errno set (nothing left under the final names)
 */
int g5_bedgz_commit(g5_bedgz_t *w, int threads);

/** Remove the temporaries and free the writer; NULL is a no-op. */
void g5_bedgz_abort(g5_bedgz_t *w);

/** The final name, for messages. */
const char *g5_bedgz_path(const g5_bedgz_t *w);

#endif
