/*
 * dupgroup.h -- duplicate marking of name-grouped input (aligner output),
 * ahead of a coordinate sort: the engine of g5 sort --markdup.
 *
 * DESIGN
 * bwa mem writes the records of a template together.  Seen that way, a
 * pair is complete the moment its group ends: no table of open mates, no
 * second pass.  This module labels every record with an id (bam1_t.id)
 * and hands it on at once -- to libseq/sortbuf, which keeps the id through
 * its runs -- keeping of the group only the ends of its primary records,
 * which become libseq/dupsig fragments and, when the group ends, a pair.
 * When the sort is over and dupsig has resolved, the label of each record
 * that comes out gives its decision, from a bitmap of the labels.
 *
 * The ids make the flags identical to g5 markdup's on the sorted file:
 * a primary record is labelled with its input ordinal and enters dupsig
 * with key g5_order_coord_key(b), and a stable coordinate sort orders
 * records by exactly (key, ordinal) -- the order in which g5 markdup would
 * number them.  Secondary and supplementary records take the decision of
 * their template (the decisions of its mapped primary records combined),
 * as Picard gives it on query-grouped input and g5 markdup gives it by
 * default; their label points into a small table of such templates.
 *
 * A group is the run of consecutive records with one name.  Input that is
 * not grouped (a coordinate-sorted file) would split pairs: each group's
 * paired primary record whose mate is not in the group is counted, and
 * g5_dupgroup_split() tells the caller how many there were.
 */
#ifndef G5_DUPGROUP_H
#define G5_DUPGROUP_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/sam.h>

#include "dupsig.h"

typedef struct g5_dupgroup g5_dupgroup_t;

/** Where labelled records go, in input order: return 0, or -1 to stop. */
typedef int (*g5_dupgroup_emit_f)(void *ctx, const bam1_t *b);

/**
 * Start marking the records of a file with header @p h.
 * @param h                 the header (read groups and libraries)
 * @param optical_distance  see g5_dupsig_init
 * @param no_lb             set to the number of read groups without LB
 * @return the marker, or NULL (ENOMEM)
 */
g5_dupgroup_t *g5_dupgroup_init(sam_hdr_t *h, int optical_distance, int *no_lb);

/** Free the marker (NULL is a no-op). */
void g5_dupgroup_destroy(g5_dupgroup_t *g);

/**
 * Take the next record in input order: label it (b->id), add its
 * signature, emit it.  A record with a new name first closes the group
 * before it (its pair, if it has one).
 * @return 0; -1 with errno (ENOMEM, ENOBUFS past the budget of
 *         g5_dupgroup_set_budget) or the emitter's failure
 */
int g5_dupgroup_add(g5_dupgroup_t *g, bam1_t *b, g5_dupgroup_emit_f emit, void *ctx);

/** No more records: close the last group.  @return 0 or -1 (ENOMEM, ENOBUFS). */
int g5_dupgroup_flush(g5_dupgroup_t *g);

/** Decide, after the last record (g5_dupsig_resolve, with @p threads).  @return 0 or -1 (ENOMEM). */
int g5_dupgroup_resolve(g5_dupgroup_t *g, int threads);

/**
 * The decision for a labelled record after resolve: 0, G5_DUP, or
 * G5_DUP | G5_DUP_OPTICAL.  It also counts the record in Picard's metrics
 * (g5_dupsig_count), so call it once per record written.
 * @return the decision, or -1 (ENOMEM)
 */
int g5_dupgroup_decide(g5_dupgroup_t *g, const bam1_t *b);

/** Bytes held: signatures, the current group, the table of templates. */
size_t g5_dupgroup_memory(const g5_dupgroup_t *g);

/** Cap the signatures (see g5_dupsig_set_budget). */
void g5_dupgroup_set_budget(g5_dupgroup_t *g, size_t bytes);

/** Paired primary records whose mate was not in their group. */
uint64_t g5_dupgroup_split(const g5_dupgroup_t *g);

/** The signatures and metrics (for g5_dupsig_write_metrics). */
g5_dupsig_t *g5_dupgroup_sig(g5_dupgroup_t *g);

#endif
