/*
 * ssfplot.h -- the plots and the summary of a finished GWAS-SSF file:
 * Manhattan and QQ plots (PNG and SVG), lambda, and the top hits.
 *
 * DESIGN
 * The plots are drawn from what the writer kept of each row as it wrote
 * the file (libseq/ssf: g5_ssf_keep), not from the numbers the caller
 * computed, so they show exactly what was released (a suppressed row is
 * not a point) -- and without reading back and parsing the whole file,
 * which took as long as drawing.  The points of a million variants fit in
 * 40 MB.  g5 assoc calls it per trait, g5 meta for the combined file.
 */
#ifndef G5_SSFPLOT_H
#define G5_SSFPLOT_H

#include <stddef.h>

#include <htslib/kstring.h>

#include "ssf.h"

/** The chromosome names of the GWAS-SSF codes 1..25 ("1" .. "22", "X", "Y", "MT"). */
extern const char *const g5_ssf_code_names[25];

/**
 * Plot a GWAS-SSF file from what its writer kept, and summarise it.
 * @param kept    g5_ssf_kept() of the file's writer, once the file is in place
 * @param prefix  plots go to PREFIX.manhattan.png|svg and PREFIX.qq.png|svg
 * @param title   the plots' title
 * @param lambda  set to the genomic-control lambda (NaN for an empty file)
 * @param label   first field of each top line (a trait name)
 * @param tops    the top hits kept (g5_ssf_keep's ntop) are appended, one
 *                line each, smallest p first (ties in file order): label,
 *                chromosome, position, effect allele, other allele, effect,
 *                standard error, p
 * @return 0; -1 with @p why set, and none of the plots left
 */
int g5_ssf_plot(g5_ssf_kept_t *kept, const char *prefix, const char *title, double *lambda, const char *label,
                kstring_t *tops, char *why, size_t nwhy);

#endif
