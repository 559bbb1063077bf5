/*
 * bed.h -- regions from a BED file, checked against the alignments' contigs.
 *
 * DESIGN
 * Tools take regions as BED (coverage --by, call -R).  A BED made for
 * another reference is the usual mistake, so every line is checked: its
 * contig must be one of the header's and its end within the contig, or the
 * whole file is refused with the line named.  Header, track and browser
 * lines and '#' comments are skipped; the file may be bgzipped.  Regions
 * come back sorted by contig (header order), start, then line, so ties keep
 * the file's order; they are not merged.
 */
#ifndef G5_BED_H
#define G5_BED_H

#include <stddef.h>

#include <htslib/sam.h>

/** One BED line. */
typedef struct g5_bed_region {
    int tid;                /**< contig, as in the header */
    hts_pos_t beg, end;     /**< 0-based, half-open */
    char *name;             /**< the 4th column, or NULL when absent or empty */
    size_t order;           /**< its rank in the file */
} g5_bed_region_t;

/**
 * Read a BED file.
 * @param path  the file (plain or bgzipped)
 * @param h     the header whose contigs the regions must be on
 * @param out   receives the regions (g5_bed_free them)
 * @param n     receives their number
 * @param why   on failure, the file and line at fault
 * @return 0, or -1 with @p why set
 */
int g5_bed_read(const char *path, const sam_hdr_t *h, g5_bed_region_t **out, size_t *n,
                char *why, size_t nwhy);

/** Free regions from g5_bed_read. */
void g5_bed_free(g5_bed_region_t *r, size_t n);

#endif
