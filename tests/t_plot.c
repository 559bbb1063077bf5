/* t_plot.c -- Manhattan and QQ plots: genomic-control lambda worked out by
 * hand; PNG files of the right size, SVG files, the same bytes twice; a
 * failure leaves no file. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "plot.h"

static char dir[] = "/tmp/t_plot.XXXXXX";

static uint64_t seed = 0x2545F4914F6CDD1DULL;
static double uniform(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return ((seed >> 11) + 0.5) / 9007199254740992.0;
}

/* Width and height from a PNG's IHDR, or -1. */
static int png_size(const char *path, int *w, int *h)
{
    unsigned char b[24];
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    size_t n = fread(b, 1, sizeof b, fp);
    fclose(fp);
    if (n != 24 || memcmp(b, "\x89PNG\r\n\x1a\n", 8) || memcmp(b + 12, "IHDR", 4)) return -1;
    *w = b[16] << 24 | b[17] << 16 | b[18] << 8 | b[19];
    *h = b[20] << 24 | b[21] << 16 | b[22] << 8 | b[23];
    return 0;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc(size + 1);
    *n = s ? fread(s, 1, size, fp) : 0;
    fclose(fp);
    if (s) s[*n] = 0;
    return s;
}

/* Drop the digits of cairo's surface ids ("surface17" -> "surface"). */
static const char *at(const char *name)
{
    static char path[2][256];
    static int k;
    k ^= 1;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    char why[512] = "";

    // lambda: p = (i + 0.5) / 101 has median 0.5, so lambda is 1; every p
    // 0.05 gives qchisq(0.95, 1) / qchisq(0.5, 1), from the published
    // quantiles 3.841458820694124 / 0.4549364231195728 = 8.4439465
    double p[101];
    for (int i = 0; i < 101; i++) p[i] = (i + 0.5) / 101;
    ok(fabs(g5_plot_lambda(p, 101) - 1) < 1e-9, "lambda of uniform p-values is 1 (%.9f)", g5_plot_lambda(p, 101));
    for (int i = 0; i < 101; i++) p[i] = 0.05;
    ok(fabs(g5_plot_lambda(p, 101) - 8.4439465) < 1e-6, "lambda of p = 0.05 everywhere is 8.4439465 (%.7f)",
       g5_plot_lambda(p, 101));
    ok(isnan(g5_plot_lambda(p, 0)), "no p-values, no lambda");

    // 300,000 points on three contigs, two hits
    size_t n = 300000;
    g5_plot_point_t *pts = malloc(n * sizeof *pts);
    double *pv = malloc(n * sizeof *pv);
    const char *names[] = { "1", "2", "X" };
    int64_t lengths[] = { 2000000, 1500000, 1000000 };
    for (size_t i = 0; i < n; i++) {
        int c = (int)(uniform() * 3);
        pts[i] = (g5_plot_point_t){ c, (int64_t)(uniform() * lengths[c]), uniform() };
        pv[i] = pts[i].p;
    }
    pts[10].p = 1e-12;
    pts[20].p = 0;
    clock_t t0 = clock();
    int r = g5_plot_manhattan(at("m"), G5_PLOT_PNG | G5_PLOT_SVG, "height", 3, names, lengths, pts, n, why, sizeof why);

    fprintf(stderr, "# Manhattan of %zu points, PNG and SVG: %.2f s CPU\n", n, (double)(clock() - t0) / CLOCKS_PER_SEC);
    ok(r == 0, "a Manhattan plot %s", why);
    int w = 0, h = 0, got = png_size(at("m.png"), &w, &h);
    ok(got == 0 && w == 1200 && h == 600, "PNG, 1200 x 600 (%d x %d)", w, h);
    size_t n1 = 0;
    char *svg = slurp(at("m.svg"), &n1);
    ok(svg && !strncmp(svg, "<?xml", 5) && strstr(svg, "<svg"), "an SVG file");
    ok(n1 < 4000000, "the SVG stays small: the points are one embedded image (%zu bytes)", n1);
    size_t np1 = 0, np2 = 0, ns2 = 0;
    char *png1 = slurp(at("m.png"), &np1);
    r = g5_plot_manhattan(at("m"), G5_PLOT_PNG | G5_PLOT_SVG, "height", 3, names, lengths, pts, n, why, sizeof why);
    char *png2 = slurp(at("m.png"), &np2), *svg2 = slurp(at("m.svg"), &ns2);
    ok(r == 0 && png1 && png2 && np1 == np2 && np1 > 0 && !memcmp(png1, png2, np1), "the same points, the same PNG");
    // cairo numbers its surfaces over the whole process; plot numbers them
    // again within each file, so a plot drawn after others is the same
    ok(svg && svg2 && strlen(svg) == strlen(svg2) && !strcmp(svg, svg2),
       "and the same SVG, though drawn after other plots (cairo's surface numbers renumbered)");
    free(png1); free(png2); free(svg); free(svg2);

    double lambda = 0;
    r = g5_plot_qq(at("q"), G5_PLOT_PNG, "height", pv, n, &lambda, why, sizeof why);
    ok(r == 0 && png_size(at("q.png"), &w, &h) == 0 && w == 600 && h == 600, "a QQ plot, 600 x 600 %s", why);
    ok(fabs(lambda - 1) < 0.02, "lambda of uniform random p-values near 1 (%.4f)", lambda);
    FILE *fp = fopen(at("q.svg"), "r");
    ok(!fp, "only the formats asked for");
    if (fp) fclose(fp);

    r = g5_plot_qq("/nonexistent/dir/q", G5_PLOT_PNG, NULL, pv, n, NULL, why, sizeof why);
    ok(r < 0 && strstr(why, "cannot write \"/nonexistent/dir/q.png\""), "an unwritable place: %s", why);
    free(pts);
    free(pv);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ok(system(cmd) == 0, "cleaned up");
    g5_plot_cleanup();
    return tap_done();
}
