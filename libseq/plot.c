/*
 * plot.c -- Manhattan and QQ plots with cairo.  See plot.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <gsl/gsl_cdf.h>
#include <png.h>

#include <htslib/kstring.h>

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

/* The points, drawn as 2x2 squares straight into a transparent layer the
 * size of the page, then laid on it in one paint: a million points cost a
 * pass over them, not a million paths for cairo to fill, and an SVG holds
 * one embedded image of them instead of an element per point.  A point on
 * pixels already drawn simply draws them again. */
typedef struct layer {
    cairo_surface_t *s;
    uint32_t *px;
    int stride, w, h;       /* stride in pixels */
} layer_t;

static int layer_init(layer_t *l, const frame_t *f)
{
    l->w = (int)f->w;
    l->h = (int)f->h;
    l->s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, l->w, l->h);
    if (cairo_surface_status(l->s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(l->s);
        return -1;
    }
    cairo_surface_flush(l->s);
    l->px = (uint32_t *)cairo_image_surface_get_data(l->s);
    l->stride = cairo_image_surface_get_stride(l->s) / 4;
    return 0;
}

/* Opaque ARGB of a colour. */
static uint32_t argb(double r, double g, double b)
{
    return 0xff000000u | (uint32_t)lround(r * 255) << 16 | (uint32_t)lround(g * 255) << 8 | (uint32_t)lround(b * 255);
}

static void dot(layer_t *l, double x, double y, uint32_t colour)
{
    long ix = lround(x) - 1, iy = lround(y) - 1;
    for (long j = iy; j < iy + 2; j++)
        for (long i = ix; i < ix + 2; i++)
            if (i >= 0 && j >= 0 && i < l->w && j < l->h) l->px[j * l->stride + i] = colour;
}

/* --- PNG, written by libpng rather than cairo_surface_write_to_png:
 * cairo's choice (every row filter tried, zlib's default level) spent
 * more time than all the drawing; a plot is mostly flat colour, which the
 * fastest settings compress nearly as well. */

typedef struct bytes {
    unsigned char *s;
    size_t l, m;
    int failed;
} bytes_t;

static void bytes_write_to(bytes_t *b, const void *data, size_t n)
{
    if (b->failed) return;
    if (b->l + n > b->m) {
        size_t m = (b->l + n) * 2;
        unsigned char *s = realloc(b->s, m);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->m = m;
    }
    memcpy(b->s + b->l, data, n);
    b->l += n;
}

static void bytes_write(png_structp png, png_bytep data, png_size_t n)
{
    bytes_write_to(png_get_io_ptr(png), data, n);
}

static void bytes_flush(png_structp png) { (void)png; }

/* Encode an image surface (RGB24, or ARGB32 with alpha 0 or 255) as PNG. */
static int png_bytes(cairo_surface_t *img, bytes_t *out)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int alpha = cairo_image_surface_get_format(img) == CAIRO_FORMAT_ARGB32, channels = alpha ? 4 : 3;
    int stride = cairo_image_surface_get_stride(img) / 4;
    cairo_surface_flush(img);
    const uint32_t *px = (const uint32_t *)cairo_image_surface_get_data(img);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = malloc((size_t)w * channels + 1);
    int r = -1;
    if (!png || !info || !row) goto done;
    if (setjmp(png_jmpbuf(png))) goto done;
    memset(out, 0, sizeof *out);
    png_set_write_fn(png, out, bytes_write, bytes_flush);
    png_set_IHDR(png, info, w, h, 8, alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, 0, PNG_FILTER_NONE);
    png_set_compression_level(png, 1);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *p = px + (size_t)y * stride;
        unsigned char *o = row;
        for (int x = 0; x < w; x++) {
            *o++ = p[x] >> 16 & 0xff;
            *o++ = p[x] >> 8 & 0xff;
            *o++ = p[x] & 0xff;
            if (alpha) *o++ = p[x] >> 24;
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    r = out->failed ? -1 : 0;
done:
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(row);
    return r;
}

static int png_file(cairo_surface_t *img, const char *path)
{
    bytes_t b = { 0 };
    int r = png_bytes(img, &b);
    FILE *fp = r == 0 ? fopen(path, "wb") : NULL;
    if (!fp || fwrite(b.s, 1, b.l, fp) != b.l) r = -1;
    if (fp && fclose(fp) != 0) r = -1;
    free(b.s);
    return r;
}

static cairo_status_t svg_write(void *ctx, const unsigned char *data, unsigned int n)
{
    bytes_write_to(ctx, data, n);
    return ((bytes_t *)ctx)->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* cairo names an SVG's surfaces and images by numbers counted over the
 * whole process ("surface77", "image81"), so the same plot drawn after
 * other plots, or beside them on another thread, would differ.  Number
 * them again in order of appearance, within the file.  Only names inside
 * attribute values are touched (after '"' or '#', before '"' or ')'):
 * base64 image data holds neither character. */
static int svg_file(const bytes_t *b, const char *path)
{
    static const char *const names[] = { "surface", "image" };
    kstring_t out = KS_INITIALIZE;
    long seen[2][64];
    int nseen[2] = { 0, 0 }, r = 0;
    const char *c = (const char *)b->s, *end = c + b->l;
    while (c < end) {
        int hit = -1;
        size_t len = 0;
        if ((*c == '"' || *c == '#') && c + 1 < end)
            for (int i = 0; i < 2; i++) {
                len = strlen(names[i]);
                if ((size_t)(end - c - 1) > len && !memcmp(c + 1, names[i], len) && c[1 + len] >= '0'
                    && c[1 + len] <= '9') {
                    hit = i;
                    break;
                }
            }
        if (hit < 0) {
            kputc(*c++, &out);
            continue;
        }
        const char *d = c + 1 + len;
        long num = 0;
        while (d < end && *d >= '0' && *d <= '9') num = num * 10 + (*d++ - '0');
        if (d >= end || (*d != '"' && *d != ')')) {     // not a name after all
            kputc(*c++, &out);
            continue;
        }
        int j;
        for (j = 0; j < nseen[hit] && seen[hit][j] != num; j++) {}
        if (j == nseen[hit] && nseen[hit] < 64) seen[hit][nseen[hit]++] = num;
        kputc(*c, &out);
        kputs(names[hit], &out);
        if (j < 64) kputw(j + 1, &out);
        else kputl(num, &out);      // more names than a plot has: left as they are
        c = d;
    }
    FILE *fp = out.s ? fopen(path, "wb") : NULL;
    if (!fp || fwrite(out.s, 1, out.l, fp) != out.l) r = -1;
    if (fp && fclose(fp) != 0) r = -1;
    free(out.s);
    return r;
}

/* Lay the points on the page, and free the layer.  An SVG gets the layer
 * as PNG made here (cairo embeds the PNG it is given as it is). */
static int layer_paint(cairo_t *cr, layer_t *l)
{
    cairo_surface_mark_dirty(l->s);
    if (cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_SVG) {
        bytes_t b = { 0 };
        if (png_bytes(l->s, &b) < 0
            || cairo_surface_set_mime_data(l->s, CAIRO_MIME_TYPE_PNG, b.s, b.l, free, b.s) != CAIRO_STATUS_SUCCESS) {
            free(b.s);
            cairo_surface_destroy(l->s);
            return -1;
        }
    }
    cairo_set_source_surface(cr, l->s, 0, 0);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_surface_destroy(l->s);
    return 0;
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
    layer_t l;
    if (!start || layer_init(&l, f) < 0) {
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
        uint32_t col = argb(colour[c][0], colour[c][1], colour[c][2]);
        for (size_t i = 0; i < m->n; i++) {
            const g5_plot_point_t *p = &m->pts[i];
            if (p->contig < 0 || p->contig >= m->ncontig || (p->contig & 1) != c || !(p->p <= 1)) continue;
            dot(&l, f->x0 + (start[p->contig] + (double)p->pos) * xs, frame_y(f, mlog10(p->p)), col);
        }
    }
    if (layer_paint(cr, &l) < 0) {
        free(start);
        return -1;
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
    layer_t l;
    if (layer_init(&l, f) < 0) return -1;
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
    uint32_t col = argb(0.16, 0.33, 0.60);
    for (size_t i = 0; i < q->n; i++)
        dot(&l, f->x0 - log10((i + 0.5) / q->n) * xs, frame_y(f, q->obs[i]), col);
    if (layer_paint(cr, &l) < 0) return -1;
    char buf[64];
    if (isnan(q->lambda)) snprintf(buf, sizeof buf, "lambda = NA");
    else snprintf(buf, sizeof buf, "lambda = %.3f", q->lambda);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, f->x0 + 12, f->y1 + 16, buf, 13, 0);
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
        bytes_t svg = { 0 };
        cairo_surface_t *s = k ? cairo_svg_surface_create_for_stream(svg_write, &svg, w, h)
                               : cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
        cairo_t *cr = cairo_create(s);
        int r = draw(cr, &f, ctx);
        cairo_destroy(cr);
        if (!k && r == 0 && png_file(s, g5_out_path(o)) < 0) r = -1;
        cairo_surface_finish(s);
        if (r == 0 && (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || svg.failed)) r = -1;
        cairo_surface_destroy(s);
        if (k && r == 0 && svg_file(&svg, g5_out_path(o)) < 0) r = -1;
        free(svg.s);
        if (r < 0 || g5_out_commit(o) < 0) {
            int e = errno;
            if (r < 0) g5_out_abort(o);
            // the PNG already in place goes with the failed SVG: both or neither
            if (k && (formats & G5_PLOT_PNG)) {
                path[strlen(path) - 3] = 0;
                strcat(path, "png");
                unlink(path);
                path[strlen(path) - 3] = 0;
                strcat(path, "svg");
            }
            return g5_why(why, nwhy, "cannot write \"%s\": %s", path, strerror(e ? e : EIO));
        }
    }
    return 0;
}

static int draw_manhattan_cb(cairo_t *cr, const frame_t *f, const void *ctx) { return draw_manhattan(cr, f, ctx); }

/* --- scatter ------------------------------------------------------------ */

typedef struct scatter {
    const char *title, *xlabel, *ylabel;
    const double *x, *y;
    size_t n;
    const int *group;
    int ngroups;
    const char *const *names;
    double xlo, xhi, ylo, yhi;  /* the axes' ranges */
} scatter_t;

/* A round step for about six ticks over @p range. */
static double tick_step(double range)
{
    double raw = range / 6, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
}

/* Ten colours that stay apart (Tableau's). */
static const double palette[10][3] = {
    { 0.12, 0.47, 0.71 }, { 1.00, 0.50, 0.05 }, { 0.17, 0.63, 0.17 }, { 0.84, 0.15, 0.16 }, { 0.58, 0.40, 0.74 },
    { 0.55, 0.34, 0.29 }, { 0.89, 0.47, 0.76 }, { 0.50, 0.50, 0.50 }, { 0.74, 0.74, 0.13 }, { 0.09, 0.75, 0.81 },
};

static int draw_scatter(cairo_t *cr, const frame_t *f, const scatter_t *sc)
{
    layer_t l;
    if (layer_init(&l, f) < 0) return -1;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, f->x0, f->y1, f->x1 - f->x0, f->y0 - f->y1);
    cairo_stroke(cr);
    double xs = (f->x1 - f->x0) / (sc->xhi - sc->xlo), ys = (f->y0 - f->y1) / (sc->yhi - sc->ylo);
    char buf[32];
    for (int axis = 0; axis < 2; axis++) {
        double lo = axis ? sc->ylo : sc->xlo, hi = axis ? sc->yhi : sc->xhi, step = tick_step(hi - lo);
        for (double v = ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
            double t = fabs(v) < step * 1e-9 ? 0 : v;
            snprintf(buf, sizeof buf, "%g", t);
            if (axis) {
                double y = f->y0 - (t - sc->ylo) * ys;
                cairo_move_to(cr, f->x0 - 4, y);
                cairo_line_to(cr, f->x0, y);
                cairo_stroke(cr);
                text(cr, f->x0 - 7, y + 4, buf, 11, 1);
            } else {
                double x = f->x0 + (t - sc->xlo) * xs;
                cairo_move_to(cr, x, f->y0);
                cairo_line_to(cr, x, f->y0 + 4);
                cairo_stroke(cr);
                text(cr, x, f->y0 + 16, buf, 11, 0.5);
            }
        }
    }
    text(cr, (f->x0 + f->x1) / 2, f->h - 12, sc->xlabel, 12, 0.5);
    cairo_save(cr);
    cairo_translate(cr, 18, (f->y0 + f->y1) / 2);
    cairo_rotate(cr, -M_PI / 2);
    text(cr, 0, 0, sc->ylabel, 12, 0.5);
    cairo_restore(cr);
    if (sc->title) text(cr, (f->x0 + f->x1) / 2, 24, sc->title, 14, 0.5);
    // points, 4 x 4, in file order: group by group would hide the first
    // groups under the last
    for (size_t i = 0; i < sc->n; i++) {
        int g = sc->group ? sc->group[i] % 10 : 0;
        uint32_t col = argb(palette[g][0], palette[g][1], palette[g][2]);
        double x = f->x0 + (sc->x[i] - sc->xlo) * xs, y = f->y0 - (sc->y[i] - sc->ylo) * ys;
        dot(&l, x - 1, y - 1, col);
        dot(&l, x + 1, y - 1, col);
        dot(&l, x - 1, y + 1, col);
        dot(&l, x + 1, y + 1, col);
    }
    if (layer_paint(cr, &l) < 0) return -1;
    // the legend, top right inside the frame
    for (int g = 0; sc->names && g < sc->ngroups; g++) {
        double y = f->y1 + 14 + 16 * g;
        cairo_set_source_rgb(cr, palette[g % 10][0], palette[g % 10][1], palette[g % 10][2]);
        cairo_rectangle(cr, f->x1 - 120, y - 8, 8, 8);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, f->x1 - 106, y, sc->names[g], 11, 0);
    }
    return 0;
}

static int draw_scatter_cb(cairo_t *cr, const frame_t *f, const void *ctx) { return draw_scatter(cr, f, ctx); }

int g5_plot_scatter(const char *prefix, int formats, const char *title, const char *xlabel, const char *ylabel,
                    const double *x, const double *y, size_t n, const int *group, int ngroups,
                    const char *const *names, char *why, size_t nwhy)
{
    scatter_t sc = { title, xlabel, ylabel, x, y, n, group, ngroups, names, INFINITY, -INFINITY, INFINITY, -INFINITY };
    for (size_t i = 0; i < n; i++) {
        sc.xlo = fmin(sc.xlo, x[i]);
        sc.xhi = fmax(sc.xhi, x[i]);
        sc.ylo = fmin(sc.ylo, y[i]);
        sc.yhi = fmax(sc.yhi, y[i]);
    }
    if (!n || !(sc.xhi > sc.xlo) || !(sc.yhi > sc.ylo)) return g5_why(why, nwhy, "nothing to plot: %zu points", n);
    // a margin of a twentieth on each side
    double mx = (sc.xhi - sc.xlo) / 20, my = (sc.yhi - sc.ylo) / 20;
    sc.xlo -= mx, sc.xhi += mx, sc.ylo -= my, sc.yhi += my;
    return render(prefix, formats, 700, 600, 1, draw_scatter_cb, &sc, why, nwhy);
}


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

/* Lambda of p-values sorted up (zeros first, skipped).  The chi-square
 * quantile falls as p rises, so the median chi-square is the quantile of
 * the median p: one or two inversions. */
static double lambda_sorted(const double *q, size_t m)
{
    while (m && q[0] <= 0) q++, m--;
    if (!m) return NAN;
    double med = m % 2 ? gsl_cdf_chisq_Qinv(q[m / 2], 1)
                       : (gsl_cdf_chisq_Qinv(q[m / 2 - 1], 1) + gsl_cdf_chisq_Qinv(q[m / 2], 1)) / 2;
    return med / gsl_cdf_chisq_Qinv(0.5, 1);
}

/* The p-values in [0, 1], sorted up, in a new array; @p m their number. */
/* The p-values in [0, 1], sorted up.  A radix sort on their bits (the bits
 * of non-negative doubles order as the numbers do): a trait's million
 * p-values sort in a tenth of qsort's time. */
static double *sorted_p(const double *p, size_t n, size_t *m)
{
    uint64_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
    size_t count[8][256] = { { 0 } };
    *m = 0;
    if (!a || !b) {
        free(a);
        free(b);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 0 && p[i] <= 1) {
            double v = p[i] + 0.0;      // -0 becomes +0
            memcpy(&a[*m], &v, sizeof v);
            for (int d = 0; d < 8; d++) count[d][a[*m] >> (8 * d) & 0xff]++;
            (*m)++;
        }
    for (int d = 0; d < 8; d++) {
        if (count[d][a[0] >> (8 * d) & 0xff] == *m) continue;   // a byte all share
        size_t sum = 0;
        for (int k = 0; k < 256; k++) {
            size_t c = count[d][k];
            count[d][k] = sum;
            sum += c;
        }
        for (size_t i = 0; i < *m; i++) b[count[d][a[i] >> (8 * d) & 0xff]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    double *q = (double *)b;    // the other buffer, now as doubles
    for (size_t i = 0; i < *m; i++) {
        double v;
        memcpy(&v, &a[i], sizeof v);
        q[i] = v;
    }
    free(a);
    return q;
}

double g5_plot_lambda(const double *p, size_t n)
{
    size_t m;
    double *q = sorted_p(p, n, &m), lambda = q ? lambda_sorted(q, m) : NAN;
    free(q);
    return lambda;
}

int g5_plot_qq(const char *prefix, int formats, const char *title, const double *p, size_t n, double *lambda,
               char *why, size_t nwhy)
{
    // one sort serves both: lambda from the p-values up, the points down
    size_t m;
    double *obs = sorted_p(p, n, &m);
    if (!obs) return g5_why(why, nwhy, "out of memory");
    qq_t q = { title, obs, m, lambda_sorted(obs, m) };
    for (size_t i = 0; i < m; i++) obs[i] = mlog10(obs[i]);
    if (lambda) *lambda = q.lambda;
    int r = render(prefix, formats, 600, 600, y_top(q.n ? q.obs[0] : 0), draw_qq_cb, &q, why, nwhy);
    free(obs);
    return r;
}

void g5_plot_cleanup(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
