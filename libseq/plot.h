/*
 * plot.h -- the two plots of an association scan, Manhattan and QQ, as PNG
 * and SVG (cairo).
 *
 * DESIGN
 * A Manhattan plot puts each variant at its genome position (contigs side
 * by side in the order given, alternating in colour) and -log10 p up, with
 * the genome-wide significance line at 5e-8; a QQ plot puts the observed
 * -log10 p against the expected under the null, with the diagonal and the
 * genomic-control lambda written on it.  Millions of points must draw in
 * a second or two and SVG files must stay small: most points are
 * unremarkable and land on a pixel another point already took, so a point
 * whose pixel is taken (in the same colour) is not drawn again -- the
 * picture is the same, the work and the SVG shrink to the pixels used.
 *
 * Files are written under temporary names and renamed when complete; cairo
 * writes neither dates nor random ids, so the same points give the same
 * bytes -- with one catch: an SVG's group id counts the surfaces the
 * process made before it ("surface6"), so a tool draws its plots in a fixed
 * order (never from racing threads) to keep whole runs byte-identical.
 */
#ifndef G5_PLOT_H
#define G5_PLOT_H

#include <stddef.h>
#include <stdint.h>

/** One tested variant. */
typedef struct g5_plot_point {
    int contig;             /**< index into the contig list */
    int64_t pos;            /**< position on it */
    double p;               /**< p-value (0 < p <= 1; 0 is drawn at the top) */
} g5_plot_point_t;

/** The image formats to write. */
enum { G5_PLOT_PNG = 1, G5_PLOT_SVG = 2 };

/**
 * A Manhattan plot.
 * @param prefix   files are PREFIX.png and/or PREFIX.svg
 * @param formats  G5_PLOT_PNG | G5_PLOT_SVG
 * @param title    printed at the top (the trait), or NULL
 * @param ncontig  contigs, in plotting order
 * @param names    their labels
 * @param lengths  their lengths (the x axis gives each its share)
 * @param pts      the points, any order
 * @param n        how many
 * @return 0, or -1 with @p why set
 */
int g5_plot_manhattan(const char *prefix, int formats, const char *title, int ncontig, const char *const *names,
                      const int64_t *lengths, const g5_plot_point_t *pts, size_t n, char *why, size_t nwhy);

/**
 * A QQ plot of @p n p-values, with lambda (the genomic-control inflation:
 * the median chi-square of the p-values over the chi-square median, 0.4549)
 * written on it.
 * @param lambda  out: lambda, or NULL
 * @return 0, or -1 with @p why set
 */
int g5_plot_qq(const char *prefix, int formats, const char *title, const double *p, size_t n, double *lambda,
               char *why, size_t nwhy);

/**
 * A scatter plot -- principal components, PC1 against PC2 -- points coloured
 * by group (ten colours, repeating) with a legend.
 * @param x, y     the points' coordinates
 * @param group    per point: its group, an index into @p names (NULL: none)
 * @param ngroups  groups
 * @param names    their names for the legend (NULL: no legend)
 * @return 0, or -1 with @p why set (no points, or all on a line)
 */
int g5_plot_scatter(const char *prefix, int formats, const char *title, const char *xlabel, const char *ylabel,
                    const double *x, const double *y, size_t n, const int *group, int ngroups,
                    const char *const *names, char *why, size_t nwhy);

/**
 * Free what cairo and fontconfig keep for the process (font caches): call
 * once, at exit, after the last plot -- leak checkers otherwise report it.
 */
void g5_plot_cleanup(void);

/** Genomic-control lambda of @p n p-values (NaN without any). */
double g5_plot_lambda(const double *p, size_t n);

#endif
