/*
 * dupsig.h -- duplicate signatures, scores and their resolution, with the
 * semantics of Picard MarkDuplicates (2.27), and Picard's metrics file.
 *
 * DESIGN
 * Duplicate marking is two questions asked of every template (a read pair,
 * or a single read): where did its fragment of DNA start and end, and of
 * the templates that started and ended at the same places, which one is
 * the best?  Picard answers them with "read ends", and so does this module:
 *
 *   an END is one primary alignment reduced to its library, reference, the
 *   unclipped 5' position (soft and hard clips count), its strand, a score
 *   (the sum of its base qualities >= 15) and where the cluster sat on the
 *   flow cell (tile, x, y from the read name);
 *
 *   every primary mapped record is added as a FRAGMENT end; a record whose
 *   mate is mapped too is marked "paired" and only ever stands in the way
 *   of true fragments at the same place ("pairs before fragments");
 *
 *   the two ends of a pair are added once more as a PAIR signature: library,
 *   the lower end first (reference, 5' position), the orientation of the
 *   two strands, the higher end; its score is the sum of both.
 *
 * resolve() sorts the signatures and walks the groups of equal signatures.
 * In a group of pairs the best score is kept and the rest are duplicates;
 * in a group of fragments, all of them are duplicates when a paired end
 * lies there too, else all but the best.  Ties go to the first signature in
 * Picard's sort order, which after the signature compares the tile, x and
 * y of the cluster and then the position of the record in coordinate order.
 * Within a group of duplicate pairs, clusters close together on the same
 * tile (optical or sequencing duplicates) are found the way Picard's
 * OpticalDuplicateFinder does, clusters of four or more through the
 * connected components of the "closer than d pixels" graph.
 *
 * Position in coordinate order.  Every end carries two numbers the caller
 * chooses, a key and an id; ends are ordered by (key, id).  A caller that
 * reads coordinate-sorted records (g5 markdup) gives key 0 and the record
 * number as id, which is Picard's record index.  A caller that sees
 * name-grouped records before sorting them (g5 sort --markdup) gives
 * key = g5_order_coord_key(b) and id = the record's input ordinal: a stable
 * coordinate sort puts the records in exactly that order, so both callers
 * mark the same records.  The id is also what resolve() reports: the
 * duplicate records, as a sorted list of ids with an "optical" bit.
 *
 * Nothing here reads files or knows about passes: the caller decides when
 * a pair is complete.  A caller with mates far apart (coordinate order)
 * holds the first end until the second arrives; a caller that sees whole
 * templates adds both at once.  A paired record whose mate never shows up
 * is added as a paired fragment only, as in Picard.
 *
 * Metrics.  Picard counts records as it writes them, from their flags;
 * g5_dupsig_count() is that count, called once per record with the final
 * duplicate decision.  resolve() adds the optical duplicates and the
 * duplicate-set histograms; g5_dupsig_write_metrics() writes
 * picard.sam.DuplicationMetrics, numbers formatted as htsjdk formats them,
 * so that the file reads the same to a person, to MultiQC and to diff.
 *
 * Memory.  Signatures are kept in memory: 56 bytes per pair, 40 per
 * unpaired fragment, 12 per paired end.  g5_dupsig_memory() reports what
 * is held; with a budget set, an add that would exceed it fails with
 * ENOBUFS (nothing is spilled to disk).  resolve() sorts in place and frees
 * the signatures, keeping only the list of duplicates (8 bytes each).
 *
 * Determinism: the result depends only on the signatures and their (key,
 * id), never on the order in which they were added or on threads.
 */
#ifndef G5_DUPSIG_H
#define G5_DUPSIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <htslib/sam.h>

/** Picard's default OPTICAL_DUPLICATE_PIXEL_DISTANCE. */
#define G5_DUPSIG_OPTICAL_DISTANCE 100

/** The library of records whose read group names none (Picard's words). */
#define G5_DUPSIG_UNKNOWN_LIBRARY "Unknown Library"

typedef struct g5_dupsig g5_dupsig_t;

/** Where a cluster was on the flow cell, as Picard keeps it: tile, x and y
 *  truncated to 16 bits (Picard's PhysicalLocationShort), and the index of
 *  the read group in the header.  tile == -1 means "no location". */
typedef struct g5_dupsig_loc {
    int16_t rg;             /**< read-group index: optical duplicates share it */
    int16_t tile, x, y;
} g5_dupsig_loc_t;

/** One end: a primary mapped record, reduced to what marking needs. */
typedef struct g5_dupsig_end {
    int32_t tid;            /**< reference index */
    int32_t pos5;           /**< unclipped 5' position, 1-based */
    uint16_t lib;           /**< library index, g5_dupsig_library() */
    uint8_t rev;            /**< on the reverse strand */
    uint8_t read1;          /**< first of pair (BAM_FREAD1) */
    int16_t score;          /**< g5_dupsig_score() */
    g5_dupsig_loc_t loc;    /**< from the read name */
    uint64_t key, id;       /**< position in coordinate order; see DESIGN */
} g5_dupsig_end_t;

/** Picard's DuplicationMetrics of one library, as counted so far.  Pairs
 *  are counted in records here (Picard halves them when it writes). */
typedef struct g5_dupmetrics {
    const char *library;            /**< LIBRARY */
    uint64_t unpaired;              /**< UNPAIRED_READS_EXAMINED */
    uint64_t paired;                /**< records behind READ_PAIRS_EXAMINED */
    uint64_t secondary;             /**< SECONDARY_OR_SUPPLEMENTARY_RDS */
    uint64_t unmapped;              /**< UNMAPPED_READS */
    uint64_t unpaired_dups;         /**< UNPAIRED_READ_DUPLICATES */
    uint64_t paired_dups;           /**< records behind READ_PAIR_DUPLICATES */
    uint64_t optical;               /**< READ_PAIR_OPTICAL_DUPLICATES (pairs) */
} g5_dupmetrics_t;

/** Bits of g5_dupsig_lookup() and of the entries of g5_dupsig_dups(). */
enum {
    G5_DUP = 1,             /**< a duplicate */
    G5_DUP_OPTICAL = 2,     /**< ... of a cluster nearby (DT:Z:SQ) */
};

/* --- building blocks ------------------------------------------------- */

/**
 * The unclipped 5' position of a mapped record, as Picard computes it: on
 * the forward strand the start less the leading soft and hard clips, on
 * the reverse strand the end plus the trailing clips.
 * @param b  the record
 * @return the position, 1-based (may be < 1 when clips overhang the start)
 */
int32_t g5_dupsig_unclipped5(const bam1_t *b);

/**
 * Picard's SUM_OF_BASE_QUALITIES score: the sum of the base qualities of
 * at least 15, at most 16383, less 16384 for a record that failed QC.
 * @param b  the record
 * @return the score (a 16-bit value, as in Picard)
 */
int16_t g5_dupsig_score(const bam1_t *b);

/**
 * Read tile, x and y from a read name the way Picard's default
 * READ_NAME_REGEX does: a name of exactly 5 or 7 ':'-separated fields
 * whose last three start with a number (an optional '-', then digits;
 * anything after the digits is ignored).  Values wrap as Java ints do and
 * are then truncated to 16 bits, as Picard stores them.
 * @param name  the read name
 * @param loc   filled with tile, x, y (rg is left alone)
 * @return 1 if the name holds a location; 0 if not (loc->tile = -1)
 */
int g5_dupsig_parse_name(const char *name, g5_dupsig_loc_t *loc);

/** Is @p c a mapped record as marking sees it (flag and reference)? */
static inline int g5_dupsig_mapped(const bam1_core_t *c)
{
    return !(c->flag & BAM_FUNMAP) && c->tid >= 0;
}

/** Does @p c count as one end of a pair (paired, mate mapped, mate's
 *  reference known)?  Otherwise it is a fragment. */
static inline int g5_dupsig_paired(const bam1_core_t *c)
{
    return (c->flag & BAM_FPAIRED) && !(c->flag & BAM_FMUNMAP) && c->mtid >= 0;
}

/* --- the collection -------------------------------------------------- */

/**
 * Start an empty collection.
 * @param optical_distance  pixels within which two clusters of one tile
 *                          are optical duplicates (Picard: 100)
 * @return the collection, or NULL (ENOMEM)
 */
g5_dupsig_t *g5_dupsig_init(int optical_distance);

/** Free a collection (NULL is a no-op). */
void g5_dupsig_destroy(g5_dupsig_t *ds);

/**
 * Cap the memory the collection may hold; adds that need more fail with
 * ENOBUFS.  The cap may be changed at any time (a caller with tables of
 * its own gives what is left of its budget).
 * @param ds     the collection
 * @param bytes  the cap, 0 for none
 */
void g5_dupsig_set_budget(g5_dupsig_t *ds, size_t bytes);

/** Bytes the collection holds now (signatures, libraries, results). */
size_t g5_dupsig_memory(const g5_dupsig_t *ds);

/**
 * The index of a library, adding it (with zero counts) if new.
 * @param ds    the collection
 * @param name  library name
 * @return the index, or -1 (ENOMEM; ERANGE past 65535 libraries)
 */
int g5_dupsig_library(g5_dupsig_t *ds, const char *name);

/**
 * Learn the read groups of a header, as Picard does: every @RG names its
 * library (LB), and a library is listed in the metrics even if no record
 * reaches it; a read group without LB belongs to "Unknown Library".
 * @param ds     the collection
 * @param h      the header
 * @param no_lb  if not NULL, set to the number of read groups without LB
 * @return 0, or -1 (ENOMEM, ERANGE)
 */
int g5_dupsig_read_groups(g5_dupsig_t *ds, sam_hdr_t *h, int *no_lb);

/**
 * The library and read-group index of a record, from its RG tag: a record
 * without RG, or naming a read group the header lacks, belongs to
 * "Unknown Library" (added on first use).  The read-group index is the
 * position of the read group in the header, 0 for a record without RG and
 * the number of read groups for an unknown one (Picard's arithmetic).
 * @param ds   the collection (after g5_dupsig_read_groups)
 * @param b    the record
 * @param lib  set to the library index
 * @param rg   set to the read-group index
 * @return 0, or -1 (ENOMEM)
 */
int g5_dupsig_record_group(g5_dupsig_t *ds, const bam1_t *b, uint16_t *lib, int16_t *rg);

/**
 * Fill an end from a primary mapped record.
 * @param e    end to fill
 * @param b    the record
 * @param lib  its library (g5_dupsig_record_group)
 * @param rg   its read-group index
 * @param key  its coordinate key, see DESIGN (0 in coordinate-sorted input)
 * @param id   its id, see DESIGN (the record number in sorted input)
 */
void g5_dupsig_end(g5_dupsig_end_t *e, const bam1_t *b, uint16_t lib, int16_t rg,
                   uint64_t key, uint64_t id);

/**
 * Add the fragment end of a primary mapped record.
 * @param ds      the collection
 * @param e       the end
 * @param paired  the record's mate is mapped (g5_dupsig_paired): the end
 *                is never a duplicate itself, but makes duplicates of the
 *                unpaired fragments at its place
 * @return 0, or -1 (ENOMEM; ENOBUFS past the budget; EINVAL after resolve)
 */
int g5_dupsig_add_frag(g5_dupsig_t *ds, const g5_dupsig_end_t *e, int paired);

/**
 * Add a pair, given both ends in either order.  As in Picard, the pair
 * takes its library and flow-cell location from the end earlier in
 * coordinate order; the record ids of both ends are reported if the pair
 * is a duplicate.
 * @return 0, or -1 (ENOMEM; ENOBUFS past the budget; EINVAL after resolve)
 */
int g5_dupsig_add_pair(g5_dupsig_t *ds, const g5_dupsig_end_t *a, const g5_dupsig_end_t *b);

/**
 * Decide: sort the signatures, find the duplicates and the optical
 * duplicates among them, count optical duplicates per library and the
 * duplicate-set histograms; then free the signatures.  Call once, after
 * the last add.
 * @param ds       the collection
 * @param threads  > 0: sort half of the pairs on a thread of their own
 *                 (the result is the same)
 * @return 0, or -1 (ENOMEM, or EINVAL when called twice)
 */
int g5_dupsig_resolve(g5_dupsig_t *ds, int threads);

/**
 * The duplicate records after resolve(): ids in increasing order, each
 * entry `id << 1 | optical`.
 * @param ds  the collection
 * @param n   set to the number of entries
 * @return the entries (owned by the collection)
 */
const uint64_t *g5_dupsig_dups(const g5_dupsig_t *ds, size_t *n);

/**
 * Look one record up after resolve().
 * @return 0, or G5_DUP, or G5_DUP | G5_DUP_OPTICAL
 */
int g5_dupsig_lookup(const g5_dupsig_t *ds, uint64_t id);

/**
 * Count one record in its library's metrics, as Picard does while writing:
 * unmapped, secondary or supplementary, unpaired (or mate unmapped), or
 * one end of a pair; and, for a primary mapped duplicate, a duplicate.
 * @param ds   the collection
 * @param lib  the record's library
 * @param c    its core fields
 * @param dup  whether it is written as a duplicate
 */
void g5_dupsig_count(g5_dupsig_t *ds, uint16_t lib, const bam1_core_t *c, int dup);

/** Number of libraries known. */
size_t g5_dupsig_n_libraries(const g5_dupsig_t *ds);

/** The metrics of library @p lib (0 <= lib < g5_dupsig_n_libraries). */
const g5_dupmetrics_t *g5_dupsig_metrics(const g5_dupsig_t *ds, size_t lib);

/**
 * Picard's estimate of library size (the number of distinct molecules)
 * from a Lander-Waterman model, solved by bisection exactly as Picard's
 * DuplicationMetrics.estimateLibrarySize does.
 * @param pairs   read pairs examined, less optical duplicates
 * @param unique  read pairs that are not duplicates
 * @return the estimate, or -1 when there is none (no pairs or no
 *         non-optical duplicates: Picard leaves the field empty)
 */
int64_t g5_dupsig_library_size(int64_t pairs, int64_t unique);

/**
 * Format a number as htsjdk's FormatUtil does in metrics files: at most six
 * decimals, rounding half down, no trailing zeros ("0.5", "1", "0.714286").
 * @param buf  output buffer
 * @param n    its size (32 bytes hold any value below 1e18)
 * @param v    the value
 * @return @p buf
 */
char *g5_dupsig_format(char *buf, size_t n, double v);

/**
 * Write the metrics file of Picard MarkDuplicates: the header lines (each
 * as a htsjdk StringHeader), the DuplicationMetrics of every library
 * sorted by name, and the histogram section (coverage multiple by depth
 * when there is one library with an estimate, then the sizes of the
 * duplicate sets of pairs: all, optical, non-optical).
 * @param fp       stream to write to
 * @param ds       the collection, after resolve() and the counts
 * @param headers  header lines without the leading "# "
 * @param nheaders their number
 * @return 0, or -1 on a write error (errno from stdio) or ENOMEM
 */
int g5_dupsig_write_metrics(FILE *fp, const g5_dupsig_t *ds,
                            const char *const *headers, size_t nheaders);

#endif
