/*
 * ssfplot.c -- plots, lambda and top hits of a finished GWAS-SSF file.
 * See ssfplot.h.
 */
#include "ssfplot.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <htslib/bgzf.h>

#include "cli.h"
#include "plot.h"

const char *const g5_ssf_code_names[25] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
    "21", "22", "X", "Y", "MT"
};

typedef struct hit {
    double p;
    char *line;
} hit_t;

/* Keep the ntop smallest p (the first of equals stays first). */
static void keep_hit(hit_t *top, int ntop, int *n, double p, const char *line)
{
    if (*n == ntop && !(p < top[ntop - 1].p)) return;
    int i = ntop - 1;
    if (*n < ntop) i = (*n)++;
    else free(top[i].line);
    while (i > 0 && p < top[i - 1].p) {
        top[i] = top[i - 1];
        i--;
    }
    top[i].p = p;
    top[i].line = strdup(line);
}

int g5_ssf_plot(const char *ssf, const char *prefix, const char *title, double *lambda, int ntop, const char *label,
                kstring_t *tops, char *why, size_t nwhy)
{
    kstring_t path = KS_INITIALIZE, line = KS_INITIALIZE, h = KS_INITIALIZE;
    BGZF *fp = bgzf_open(ssf, "r");
    g5_plot_point_t *pts = NULL;
    double *p = NULL;
    size_t n = 0, m = 0;
    int64_t len[25] = { 0 };
    hit_t *top = calloc(ntop > 0 ? ntop : 1, sizeof *top);
    int nhit = 0, status = -1;
    *lambda = NAN;
    if (!fp) {
        g5_why(why, nwhy, "cannot read back \"%s\": %s", ssf, strerror(errno));
        goto done;
    }
    if (!top) {
        g5_why(why, nwhy, "out of memory");
        goto done;
    }
    int lineno = 0, r;
    while ((r = bgzf_getline(fp, '\n', &line)) >= 0) {
        if (lineno++ == 0) continue;    // the header
        char *f[8], *s = line.s;
        int k;
        for (k = 0; k < 8 && s; k++) {
            f[k] = s;
            if ((s = strchr(s, '\t'))) *s++ = 0;
        }
        if (k < 8) {
            g5_why(why, nwhy, "\"%s\" line %d: fewer than 8 columns", ssf, lineno);
            goto done;
        }
        int code = atoi(f[0]);
        long long pos = atoll(f[1]);
        double pv = strtod(f[7], NULL);
        if (n == m) {
            m = m ? 2 * m : 65536;
            g5_plot_point_t *np = realloc(pts, m * sizeof *np);
            double *npv = realloc(p, m * sizeof *npv);
            if (np) pts = np;
            if (npv) p = npv;
            if (!np || !npv) {
                g5_why(why, nwhy, "out of memory");
                goto done;
            }
        }
        if (code < 1 || code > 25) code = 25;
        pts[n] = (g5_plot_point_t){ code - 1, pos, pv };
        p[n++] = pv;
        if (pos > len[code - 1]) len[code - 1] = pos;
        if (nhit < ntop || (ntop > 0 && pv < top[nhit - 1].p)) {
            h.l = 0;
            ksprintf(&h, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", label, g5_ssf_code_names[code - 1], f[1], f[2], f[3],
                     f[4], f[5], f[7]);
            keep_hit(top, ntop, &nhit, pv, h.s);
        }
    }
    if (r < -1) {
        g5_why(why, nwhy, "cannot read back \"%s\"", ssf);
        goto done;
    }
    // the contigs present, in code order
    const char *names[25];
    int64_t lengths[25];
    int map[25], nc = 0;
    for (int c = 0; c < 25; c++) {
        map[c] = -1;
        if (len[c] > 0) {
            map[c] = nc;
            names[nc] = g5_ssf_code_names[c];
            lengths[nc++] = len[c];
        }
    }
    for (size_t i = 0; i < n; i++) pts[i].contig = map[pts[i].contig];
    if (n) {
        ksprintf(&path, "%s.manhattan", prefix);
        if (g5_plot_manhattan(path.s, G5_PLOT_PNG | G5_PLOT_SVG, title, nc, names, lengths, pts, n, why, nwhy) < 0)
            goto done;
        path.l = 0;
        ksprintf(&path, "%s.qq", prefix);
        if (g5_plot_qq(path.s, G5_PLOT_PNG | G5_PLOT_SVG, title, p, n, lambda, why, nwhy) < 0) {
            // the Manhattan plot goes with the failed QQ plot
            for (int k = 0; k < 2; k++) {
                path.l = 0;
                ksprintf(&path, "%s.manhattan.%s", prefix, k ? "svg" : "png");
                unlink(path.s);
            }
            goto done;
        }
    }
    for (int i = 0; i < nhit; i++) kputs(top[i].line, tops);
    status = 0;
done:
    for (int i = 0; i < nhit; i++) free(top[i].line);
    free(top);
    if (fp) bgzf_close(fp);
    free(pts);
    free(p);
    free(path.s);
    free(line.s);
    free(h.s);
    return status;
}
