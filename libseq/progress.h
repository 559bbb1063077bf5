/*
 * progress.h -- a progress line on stderr for long work.
 *
 * DESIGN
 * stdout may be the data stream, so progress goes to stderr only, and only
 * when a person is watching: by default the meter draws when stderr is a
 * terminal and the process is in the foreground (a job in a cluster log
 * gets no carriage-return noise).  Ticking is cheap enough for the inner
 * loop of a reader -- a counter increment; the clock is read once every
 * few thousand ticks and the line redrawn at most twice a second.
 *
 *   g5 stats: 12.4M reads, 1.21M/s, 00:10 elapsed
 *   g5 stats: 12.4M reads, 1.21M/s, 45% , 00:12 left      (when a total is known)
 */
#ifndef G5_PROGRESS_H
#define G5_PROGRESS_H

#include <stdint.h>

typedef struct g5_progress {
    const char *tool;       /* for the line prefix */
    const char *unit;       /* "reads", "variants", ... */
    int active;             /* drawing at all? */
    int drawn;              /* something on the line to finish */
    uint64_t count;         /* units done */
    uint64_t total;         /* units expected, 0 = unknown */
    uint64_t next_check;    /* count at which to look at the clock again */
    double start, last;     /* monotonic seconds */
} g5_progress_t;

/**
 * Start a meter.
 * @param p     meter to initialise
 * @param tool  tool name for the prefix
 * @param unit  plural noun for what is counted
 * @param mode  -1 auto (draw when stderr is a foreground terminal), 0 off, 1 on
 * @param total expected count, or 0 when unknown
 */
void g5_progress_start(g5_progress_t *p, const char *tool, const char *unit,
                       int mode, uint64_t total);

/** Redraw if due; called by g5_progress_add when the counter passes a check point. */
void g5_progress_poll(g5_progress_t *p);

/** Count @p n more units.  Inline so that a reader's loop pays one add and one compare. */
static inline void g5_progress_add(g5_progress_t *p, uint64_t n)
{
    p->count += n;
    if (p->count >= p->next_check) g5_progress_poll(p);
}

/** Draw the final line (with a newline) if anything was drawn. */
void g5_progress_done(g5_progress_t *p);

#endif
