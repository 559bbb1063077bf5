/*
 * ssfplot.h -- the plots and the summary of a finished GWAS-SSF file:
 * Manhattan and QQ plots (PNG and SVG), lambda, and the top hits.
 *
 * DESIGN
 * The plots are drawn from the file as written, not from the numbers in
 * memory, so they show exactly what was released (a suppressed row is not
 * a point).  One pass reads chromosome, position, alleles, effect, standard
 * error and p of each row; the points of a million variants fit in 24 MB.
 * g5 assoc calls it per trait, g5 meta for the combined file.
 */
#ifndef G5_SSFPLOT_H
#define G5_SSFPLOT_H

#include <stddef.h>

#include <htslib/kstring.h>

/** The chromosome names of the GWAS-SSF codes 1..25 ("1" .. "22", "X", "Y", "MT"). */
extern const char *const g5_ssf_code_names[25];

/**
 * Plot a GWAS-SSF file and summarise it.
 * @param ssf     the data file (bgzipped TSV as g5_ssf writes it)
 * @param prefix  plots go to PREFIX.manhattan.png|svg and PREFIX.qq.png|svg
 * @param title   the plots' title
 * @param lambda  set to the genomic-control lambda (NaN for an empty file)
 * @param ntop    how many of the smallest p to report
 * @param label   first field of each top line (a trait name)
 * @param tops    the top hits are appended, one line each, smallest p first
 *                (ties in file order): label, chromosome, position, effect
 *                allele, other allele, effect, standard error, p
 * @return 0; -1 with @p why set, and none of the plots left
 */
int g5_ssf_plot(const char *ssf, const char *prefix, const char *title, double *lambda, int ntop, const char *label,
                kstring_t *tops, char *why, size_t nwhy);

#endif
