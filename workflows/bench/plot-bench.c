/*
 * plot-bench.c -- how long libseq's plots take on a million points: the
 * Manhattan and the QQ plot of one scan, PNG and SVG both, as g5 assoc
 * draws them for each trait.
 *
 * Usage: plot-bench PREFIX [NPOINTS]
 *
 * NPOINTS (1,000,000) p-values over chromosomes 1..22 (GRCh38 lengths),
 * each holding its share of the points in position order, evenly spaced
 * with jitter.  Under the null, p is uniform; around six peaks (the
 * heights of a typical scan's hits, -log10 p from 8 to 40, falling off
 * over about 100 kb) it is the smaller of that and the peak's.  The
 * points come from a fixed xorshift seed, so every run draws the same
 * plots.  Writes PREFIX.manhattan.{png,svg} and PREFIX.qq.{png,svg}.
 *
 * Prints the wall seconds of the two plots (both formats, drawing and
 * writing; making the points is not timed) on stdout, and each plot's
 * time and lambda on stderr.  The bench target is 2 s (assoc-bench.sh).
 * Exit 0, 1 when a plot fails, 2 on a usage error.
 *
 * Built by workflows/bench/bench.mk against libseq.a.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plot.h"

enum { NCHROM = 22 };

static const int64_t grch38[NCHROM] = {
    248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973, 145138636,
    138394717, 133797422, 135086622, 133275309, 114364328, 107043718, 101991189, 90338345,
    83257441,  80373285,  58617616,  64444167,  46709983,  50818468,
};

/* the hits: chromosome (0-based), position, -log10 p at the top */
static const struct { int chrom; int64_t pos; double top; } peaks[] = {
    { 0, 109817590, 40 }, { 1, 21001429, 12 }, { 5, 31324000, 25 },
    { 9, 114758349, 9 },  { 15, 53800954, 15 }, { 18, 45411941, 8 },
};

static uint64_t seed = 0x9E3779B97F4A7C15ULL;
static double uniform(void)                     /* (0, 1) */
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return ((double)(seed >> 11) + 0.5) / 9007199254740992.0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && atol(argv[2]) < NCHROM)) {
        fprintf(stderr, "usage: plot-bench PREFIX [NPOINTS >= %d]\n", NCHROM);
        return 2;
    }
    size_t n = argc == 3 ? (size_t)atol(argv[2]) : 1000000;
    char path[4096], why[512] = "";
    const char *names[NCHROM];
    char name[NCHROM][4];
    int64_t genome = 0;
    for (int c = 0; c < NCHROM; c++) {
        snprintf(name[c], sizeof name[c], "%d", c + 1);
        names[c] = name[c];
        genome += grch38[c];
    }

    g5_plot_point_t *pts = malloc(n * sizeof *pts);
    double *p = malloc(n * sizeof *p);
    if (!pts || !p) {
        fprintf(stderr, "plot-bench: out of memory\n");
        return 1;
    }
    size_t k = 0;
    for (int c = 0; c < NCHROM; c++) {
        size_t nc = c == NCHROM - 1 ? n - k : (size_t)((double)n * grch38[c] / genome);
        double step = (double)grch38[c] / nc;
        for (size_t i = 0; i < nc; i++, k++) {
            int64_t pos = (int64_t)((i + uniform()) * step) + 1;
            double lp = -log10(uniform());
            for (size_t q = 0; q < sizeof peaks / sizeof *peaks; q++) {
                if (peaks[q].chrom != c) continue;
                double d = (double)(pos - peaks[q].pos) / 1e5, hit = peaks[q].top * exp(-d * d) * (0.7 + 0.3 * uniform());
                if (hit > lp) lp = hit;
            }
            pts[k] = (g5_plot_point_t){ c, pos, pow(10, -lp) };
            p[k] = pts[k].p;
        }
    }

    double t0 = now();
    snprintf(path, sizeof path, "%s.manhattan", argv[1]);
    if (g5_plot_manhattan(path, G5_PLOT_PNG | G5_PLOT_SVG, "plot-bench", NCHROM, names, grch38, pts, n, why,
                          sizeof why) < 0) {
        fprintf(stderr, "plot-bench: Manhattan plot: %s\n", why);
        return 1;
    }
    double t1 = now(), lambda = 0;
    snprintf(path, sizeof path, "%s.qq", argv[1]);
    if (g5_plot_qq(path, G5_PLOT_PNG | G5_PLOT_SVG, "plot-bench", p, n, &lambda, why, sizeof why) < 0) {
        fprintf(stderr, "plot-bench: QQ plot: %s\n", why);
        return 1;
    }
    double t2 = now();
    fprintf(stderr, "plot-bench: %zu points: Manhattan %.3f s, QQ %.3f s (lambda %.4f)\n", n, t1 - t0, t2 - t1, lambda);
    printf("%.3f\n", t2 - t0);
    free(pts);
    free(p);
    g5_plot_cleanup();
    return 0;
}
