/*
 * ploidy.h -- how many copies of each part of the genome a sample carries,
 * by sex: X and Y in males, Y absent in females, the mitochondrion.
 *
 * DESIGN
 * The ploidy file has bcftools' layout, so the files users have for
 * bcftools call --ploidy-file work unchanged: whitespace-separated lines
 * CHROM FROM TO SEX PLOIDY, FROM and TO 1-based and inclusive, '#' starting
 * a comment.  CHROM may be '*' (every contig), FROM and TO may be '*' (the
 * whole contig), SEX is M, F or '*' (both).  Lines for contigs the
 * alignments do not have are ignored, so one file can name X and chrX.
 * The most specific line wins: one naming the contig over a '*' one, then
 * the later line; where no line applies, the default ploidy.  Ploidy 0 means
 * the sample has no copy there (Y in females): it is not called.
 *
 * Sexes come from a table: sample name and sex (M/F, male/female), or the
 * PREFIX.sex.tsv that g5 coverage writes (its inferred_sex column), so the
 * sex inferred from coverage feeds the calls directly.
 */
#ifndef G5_PLOIDY_H
#define G5_PLOIDY_H

#include <htslib/sam.h>

typedef struct g5_ploidy g5_ploidy_t;

/**
 * Read a ploidy file against the alignments' contigs.
 * @param path     the file, or NULL for the default everywhere
 * @param h        the header naming the contigs
 * @param deflt    ploidy where no line applies (1 or 2)
 * @param why      on failure, the file and line at fault
 * @return the table, or NULL with @p why set
 */
g5_ploidy_t *g5_ploidy_load(const char *path, const sam_hdr_t *h, int deflt, char *why, size_t nwhy);

/**
 * The ploidy at position @p pos (0-based) of contig @p tid for sex
 * @p sex ('M', 'F', or 'U' for unknown: only '*' lines apply).
 */
int g5_ploidy_at(const g5_ploidy_t *p, int tid, hts_pos_t pos, char sex);

/** Free the table; NULL is a no-op. */
void g5_ploidy_destroy(g5_ploidy_t *p);

/**
 * The sex of each sample from a table.
 * @param path     sample and sex per line (TSV), or g5 coverage's sex.tsv
 * @param ns       samples
 * @param samples  their names
 * @param sex      out: 'M', 'F' or 'U' per sample
 * @param why      on failure (unreadable, a sample missing), the reason
 * @return 0, or -1 with @p why set
 */
int g5_ploidy_sexes(const char *path, int ns, const char *const *samples, char *sex, char *why, size_t nwhy);

#endif
