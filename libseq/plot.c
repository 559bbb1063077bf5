/*
 * plot.c -- Manhattan and QQ plots with cairo.  See plot.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <gsl/gsl_cdf.h>

#include "cli.h"
#include "out.h"
#include "plot.h"

#define MARGIN_L 70.0
#define MARGIN_R 20.0
#define MARGIN_T 40.0
#define MARGIN_B 55.0
#define GWS 5e-8            /* genome-wide significance */
#define TOP_P 1e-300        /* p = 0 is drawn here */

/* The area points go in. */
typedef struct frame {
    double w, h;            /* the page */
    double x0, y0, x1, y1;  /* the plotting area, y0 at the bottom */
    double ymax;            /* -log10 p at the top */
} frame_t;

/* Which pixels already hold a point of a colour: two bitmaps. */
typedef struct taken {
    int w, h;
    uint8_t *bits[2];
} taken_t;

static int taken_init(taken_t *t, int w, int h)
{
    t->w = w;
    t->h = h;
    size_t n = ((size_t)w * h + 7) / 8;
    t->bits[0] = calloc(n, 1);
    t->bits[1] = calloc(n, 1);
    return t->bits[0] && t->bits[1] ? 0 : -1;
}

static void taken_free(taken_t *t)
{
    free(t->bits[0]);
    free(t->bits[1]);
}

/* Mark pixel (x, y) of colour c.  @return 1 when it was free */
static int take(taken_t *t, double x, double y, int c)
{
    int ix = (int)x, iy = (int)y;
    if (ix < 0 || iy < 0 || ix >= t->w || iy >= t->h) return 0;
    size_t k = (size_t)iy * t->w + ix;
    if (t->bits[c][k >> 3] & (1u << (k & 7))) return 0;
    t->bits[c][k >> 3] |= (uint8_t)(1u << (k & 7));
    return 1;
}

static double mlog10(double p)
{
    return -log10(p > TOP_P ? p : TOP_P);
}

static double frame_y(const frame_t *f, double v)
{
    return f->y0 - (f->y0 - f->y1) * (v / f->ymax);
}

static void text(cairo_t *cr, double x, double y, const char *s, double size, double align)
{
    cairo_text_extents_t e;
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - align * e.width - e.x_bearing, y);
    cairo_show_text(cr, s);
}

/* The frame, its y axis with ticks and label, and the title. */
static void axes(cairo_t *cr, const frame_t *f, const char *title, const char *ylabel)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, f->x0, f->y1);
    cairo_line_to(cr, f->x0, f->y0);
    cairo_line_to(cr, f->x1, f->y0);
    cairo_stroke(cr);
    int step = f->ymax > 40 ? 10 : f->ymax > 16 ? 5 : f->ymax > 8 ? 2 : 1;
    char buf[32];
    for (int v = 0; v <= f->ymax; v += step) {
        double y = frame_y(f, v);
        cairo_move_to(cr, f->x0 - 4, y);
        cairo_line_to(cr, f->x0, y);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%d", v);
        text(cr, f->x0 - 7, y + 4, buf, 11, 1);
    }
    cairo_save(cr);
    cairo_translate(cr, 18, (f->y0 + f->y1) / 2);
    cairo_rotate(cr, -M_PI / 2);
    text(cr, 0, 0, ylabel, 12, 0.5);
    cairo_restore(cr);
    if (title) text(cr, (f->x0 + f->x1) / 2, 24, title, 14, 0.5);
}

/* Points as 2x2 squares, one per free pixel. */
static void dot(cairo_t *cr, double x, double y)
{
    cairo_rectangle(cr, x - 1, y - 1, 2, 2);
}

typedef struct manhattan {
    const char *title;
    int ncontig;
    const char *const *names;
    const int64_t *lengths;
    const g5_plot_point_t *pts;
    size_t n;
} manhattan_t;

static int draw_manhattan(cairo_t *cr, const frame_t *f, const manhattan_t *m)
{
    double total = 0, *start = malloc((m->ncontig + 1) * sizeof *start);
    taken_t t;
    if (!start || taken_init(&t, (int)f->w, (int)f->h) < 0) {
        free(start);
        return -1;
    }
    for (int c = 0; c < m->ncontig; c++) {
        start[c] = total;
        total += m->lengths[c] > 0 ? (double)m->lengths[c] : 1;
    }
    double xs = total > 0 ? (f->x1 - f->x0) / total : 0;
    axes(cr, f, m->title, "-log10(p)");
    // contig labels, every one that has room
    double last = -1e9;
    for (int c = 0; c < m->ncontig; c++) {
        double mid = f->x0 + (start[c] + (m->lengths[c] > 0 ? m->lengths[c] : 1) / 2.0) * xs;
        if (mid - last < 18) continue;
        text(cr, mid, f->y0 + 16, m->names[c], 10, 0.5);
        last = mid;
    }
    text(cr, (f->x0 + f->x1) / 2, f->h - 12, "position", 12, 0.5);
    // points: two colours, alternating by contig
    static const double colour[2][3] = { { 0.16, 0.33, 0.60 }, { 0.55, 0.70, 0.86 } };
    for (int c = 0; c < 2; c++) {
        cairo_set_source_rgb(cr, colour[c][0], colour[c][1], colour[c][2]);
        for (size_t i = 0; i < m->n; i++) {
            const g5_plot_point_t *p = &m->pts[i];
            if (p->contig < 0 || p->contig >= m->ncontig || (p->contig & 1) != c || !(p->p <= 1)) continue;
            double x = f->x0 + (start[p->contig] + (double)p->pos) * xs, y = frame_y(f, mlog10(p->p));
            if (take(&t, x, y, c)) dot(cr, x, y);
        }
        cairo_fill(cr);
    }
    // the genome-wide significance line
    double y = frame_y(f, mlog10(GWS));
    cairo_set_source_rgb(cr, 0.80, 0.10, 0.10);
    cairo_set_line_width(cr, 1);
    double dash[] = { 6, 4 };
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, f->x0, y);
    cairo_line_to(cr, f->x1, y);
    cairo_stroke(cr);
    taken_free(&t);
    free(start);
    return 0;
}

typedef struct qq {
    const char *title;
    double *obs;            /* -log10 p, sorted down */
    size_t n;
    double lambda;
} qq_t;

static int draw_qq(cairo_t *cr, const frame_t *f, const qq_t *q)
{
    taken_t t;
    if (taken_init(&t, (int)f->w, (int)f->h) < 0) return -1;
    axes(cr, f, q->title, "observed -log10(p)");
    text(cr, (f->x0 + f->x1) / 2, f->h - 12, "expected -log10(p)", 12, 0.5);
    double xmax = q->n ? log10((double)q->n + 1) : 1, xs = (f->x1 - f->x0) / xmax;
    for (int v = 0; v <= xmax; v++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", v);
        text(cr, f->x0 + v * xs, f->y0 + 16, buf, 11, 0.5);
    }
    // the diagonal, up to where the axes allow
    double d = fmin(xmax, f->ymax);
    cairo_set_source_rgb(cr, 0.80, 0.10, 0.10);
    cairo_move_to(cr, f->x0, f->y0);
    cairo_line_to(cr, f->x0 + d * xs, frame_y(f, d));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.16, 0.33, 0.60);
    for (size_t i = 0; i < q->n; i++) {
        double e = -log10((i + 0.5) / q->n), x = f->x0 + e * xs, y = frame_y(f, q->obs[i]);
        if (take(&t, x, y, 0)) dot(cr, x, y);
    }
    cairo_fill(cr);
    char buf[64];
    if (isnan(q->lambda)) snprintf(buf, sizeof buf, "lambda = NA");
    else snprintf(buf, sizeof buf, "lambda = %.3f", q->lambda);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, f->x0 + 12, f->y1 + 16, buf, 13, 0);
    taken_free(&t);
    return 0;
}

/* Draw through @p draw into PREFIX.png and PREFIX.svg, atomically. */
static int render(const char *prefix, int formats, double w, double h, double ymax,
                  int (*draw)(cairo_t *, const frame_t *, const void *), const void *ctx, char *why, size_t nwhy)
{
    frame_t f = { w, h, MARGIN_L, h - MARGIN_B, w - MARGIN_R, MARGIN_T, ymax };
    for (int k = 0; k < 2; k++) {
        int fmt = k ? G5_PLOT_SVG : G5_PLOT_PNG;
        if (!(formats & fmt)) continue;
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s.%s", prefix, k ? "svg" : "png") >= sizeof path)
            return g5_why(why, nwhy, "file name too long: %s", prefix);
        g5_out_t *o = g5_out_open(path);
        if (!o) return g5_why(why, nwhy, "cannot write \"%s\": %s", path, strerror(errno));
        cairo_surface_t *s = k ? cairo_svg_surface_create(g5_out_path(o), w, h)
                               : cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
        cairo_t *cr = cairo_create(s);
        int r = draw(cr, &f, ctx);
        cairo_destroy(cr);
        if (!k && r == 0 && cairo_surface_write_to_png(s, g5_out_path(o)) != CAIRO_STATUS_SUCCESS) r = -1;
        cairo_surface_finish(s);
        if (r == 0 && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) r = -1;
        cairo_surface_destroy(s);
        if (r < 0 || g5_out_commit(o) < 0) {
            if (r < 0) g5_out_abort(o);
            return g5_why(why, nwhy, "cannot write \"%s\"%s", path, r < 0 ? "" : ": commit failed");
        }
    }
    return 0;
}

static int draw_manhattan_cb(cairo_t *cr, const frame_t *f, const void *ctx) { return draw_manhattan(cr, f, ctx); }
static int draw_qq_cb(cairo_t *cr, const frame_t *f, const void *ctx) { return draw_qq(cr, f, ctx); }

/* The y range: the strongest point, at least the significance line. */
static double y_top(double strongest)
{
    double top = fmax(strongest, mlog10(GWS)) * 1.05;
    return ceil(top);
}

int g5_plot_manhattan(const char *prefix, int formats, const char *title, int ncontig, const char *const *names,
                      const int64_t *lengths, const g5_plot_point_t *pts, size_t n, char *why, size_t nwhy)
{
    double strongest = 0;
    for (size_t i = 0; i < n; i++) if (pts[i].p <= 1) strongest = fmax(strongest, mlog10(pts[i].p));
    manhattan_t m = { title, ncontig, names, lengths, pts, n };
    return render(prefix, formats, 1200, 600, y_top(strongest), draw_manhattan_cb, &m, why, nwhy);
}

static int down(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int up(const void *a, const void *b) { return -down(a, b); }

double g5_plot_lambda(const double *p, size_t n)
{
    // the chi-square quantile falls as p rises, so the median chi-square is
    // the quantile of the median p: sort the p-values, invert one or two
    double *q = malloc((n + 1) * sizeof *q);
    size_t m = 0;
    if (!q) return NAN;
    for (size_t i = 0; i < n; i++)
        if (p[i] > 0 && p[i] <= 1) q[m++] = p[i];
    double lambda = NAN;
    if (m) {
        qsort(q, m, sizeof *q, up);
        double med = m % 2 ? gsl_cdf_chisq_Qinv(q[m / 2], 1)
                           : (gsl_cdf_chisq_Qinv(q[m / 2 - 1], 1) + gsl_cdf_chisq_Qinv(q[m / 2], 1)) / 2;
        lambda = med / gsl_cdf_chisq_Qinv(0.5, 1);
    }
    free(q);
    return lambda;
}

int g5_plot_qq(const char *prefix, int formats, const char *title, const double *p, size_t n, double *lambda,
               char *why, size_t nwhy)
{
    qq_t q = { title, malloc((n + 1) * sizeof(double)), 0, g5_plot_lambda(p, n) };
    if (!q.obs) return g5_why(why, nwhy, "out of memory");
    for (size_t i = 0; i < n; i++) if (p[i] <= 1) q.obs[q.n++] = mlog10(p[i]);
    qsort(q.obs, q.n, sizeof *q.obs, down);
    if (lambda) *lambda = q.lambda;
    int r = render(prefix, formats, 600, 600, y_top(q.n ? q.obs[0] : 0), draw_qq_cb, &q, why, nwhy);
    free(q.obs);
    return r;
}

void g5_plot_cleanup(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
