/*
 * bamorder.h -- the orders of alignment records: coordinate, query name,
 * and by tag, exactly as `samtools sort` (1.16) defines them.
 *
 * DESIGN
 * Sorting, merging and checking sortedness must agree to the last tie, or
 * a file sorted by one tool looks unsorted to the next.  This module is the
 * one definition g5 uses:
 *
 *   coordinate  reference index as an unsigned number (so unmapped records,
 *               tid -1, come last), then POS+1 (so POS -1 comes first), then
 *               the forward strand before the reverse strand;
 *   queryname   names in "natural" order (runs of digits compared as
 *               numbers, leading zeros skipped; samtools' strnum_cmp), then
 *               READ1 before READ2 (flag bits 0xc0 as a number);
 *   tag         the value of a tag (missing first, then numbers by value,
 *               then strings bytewise), then coordinate or queryname order.
 *
 * Records equal under the order keep their input order: sorts built on this
 * module must be stable, and merges must prefer the earlier input on ties.
 *
 * For speed, coordinate order is reduced to one 64-bit key per record
 * (g5_order_coord_key), so sorting compares integers, not records.
 */
#ifndef G5_BAMORDER_H
#define G5_BAMORDER_H

#include <stdint.h>

#include <htslib/sam.h>

/** The sort orders. */
typedef enum g5_order {
    G5_ORDER_COORD,         /**< samtools sort */
    G5_ORDER_NAME,          /**< samtools sort -n */
} g5_order_t;

/** A full order: the base order and an optional tag that comes first. */
typedef struct g5_sortspec {
    g5_order_t order;
    char tag[2];            /**< -t TAG, or tag[0] == 0 for none */
} g5_sortspec_t;

/**
 * The coordinate order of @p b as one number: comparing two keys as
 * unsigned integers gives samtools' coordinate order (ties aside).
 * Layout: tid (as unsigned, 32 bits) | POS+1 (31 bits) | reverse (1 bit).
 * POS beyond 2^31-2 does not occur in BAM (positions are 32-bit signed).
 */
static inline uint64_t g5_order_coord_key(const bam1_t *b)
{
    return (uint64_t)(uint32_t)b->core.tid << 32
         | (uint64_t)(uint32_t)(b->core.pos + 1) << 1
         | (uint64_t)((b->core.flag & BAM_FREVERSE) != 0);
}

/**
 * Compare two query names in samtools' natural order.
 * @return <0, 0 or >0 as @p a sorts before, with or after @p b
 */
int g5_order_strnum_cmp(const char *a, const char *b);

/**
 * Compare two records under @p spec.
 * @return <0, 0 or >0; 0 means "keep input order"
 */
int g5_order_cmp(const g5_sortspec_t *spec, const bam1_t *a, const bam1_t *b);

/**
 * Read the order a header declares in @HD SO.
 * @param h     the header
 * @param spec  filled with the order (tag orders are not declared in SO)
 * @return 0 if the header declares coordinate or queryname order; -1 if it
 *         declares none, "unsorted" or "unknown"
 */
int g5_order_from_header(sam_hdr_t *h, g5_sortspec_t *spec);

/**
 * Declare @p spec in @HD SO: "coordinate", "queryname", or "unknown" for a
 * tag order (as samtools 1.16 writes it; readers must not take a file
 * sorted by tag for coordinate-sorted).  Adds an @HD line if there is none.
 * @return 0 on success, -1 on failure
 */
int g5_order_to_header(sam_hdr_t *h, const g5_sortspec_t *spec);

#endif
