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

#include "cli.h"
#include "plot.h"
#include "ssf.h"

const char *const g5_ssf_code_names[25] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
    "21", "22", "X", "Y", "MT"
};

int g5_ssf_plot(g5_ssf_kept_t *kept, const char *prefix, const char *title, double *lambda, const char *label,
                kstring_t *tops, char *why, size_t nwhy)
{
    kstring_t path = KS_INITIALIZE;
    g5_ssf_point_t *kp = NULL;
    g5_plot_point_t *pts = NULL;
    double *p = NULL;
    int64_t len[25] = { 0 };
    int status = -1;
    *lambda = NAN;
    if (!kept) return g5_why(why, nwhy, "nothing kept to plot \"%s\" from", prefix);
    long long n = g5_ssf_kept_points(kept, &kp);
    if (n < 0) {
        // kept in a temporary beside the prefix: its writing or reading failed
        g5_why(why, nwhy, "cannot keep the plot points of \"%s\" on disk: %s", prefix, strerror(errno));
        goto done;
    }
    if (!(pts = malloc((n ? n : 1) * sizeof *pts)) || !(p = malloc((n ? n : 1) * sizeof *p))) {
        g5_why(why, nwhy, "out of memory");
        goto done;
    }
    for (long long i = 0; i < n; i++) {
        int code = kp[i].code < 1 || kp[i].code > 25 ? 25 : kp[i].code;
        pts[i] = (g5_plot_point_t){ code - 1, kp[i].pos, kp[i].p };
        p[i] = kp[i].p;
        if (kp[i].pos > len[code - 1]) len[code - 1] = kp[i].pos;
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
    for (long long i = 0; i < n; i++) pts[i].contig = map[pts[i].contig];
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
    // the top rows: label, chromosome, position, alleles, effect, error, p
    const char *row;
    for (int i = 0; (row = g5_ssf_kept_top(kept, i)); i++) {
        const char *f[9], *c = row;
        int k = 0;
        for (; k < 9 && c; k++) {
            f[k] = c;
            if ((c = strchr(c, '\t'))) c++;
        }
        if (k < 8) continue;    // g5_ssf_format wrote it: cannot happen
        int code = atoi(f[0]);
        ksprintf(tops, "%s\t%s", label, g5_ssf_code_names[code >= 1 && code <= 25 ? code - 1 : 24]);
        for (int j = 1; j <= 7; j++) {
            if (j == 6) continue;   // effect_allele_frequency
            kputc('\t', tops);
            kputsn(f[j], (size_t)(f[j + 1] - 1 - f[j]), tops);
        }
        kputc('\n', tops);
    }
    status = 0;
done:
    free(kp);
    free(pts);
    free(p);
    free(path.s);
    return status;
}
