/*
 * covreport.c -- mosdepth's coverage files from depth runs.  See covreport.h.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>
#include <htslib/kstring.h>

#include "bed.h"
#include "bedgz.h"
#include "cli.h"
#include "covreport.h"
#include "out.h"

/* mosdepth files depths above this into the distribution as DIST_CAP_TO. */
#define DIST_CAP 400000
#define DIST_CAP_TO 399990

/* Bases counted by depth value. */
typedef struct hist {
    int64_t *n;
    int32_t m;          /* allocated */
    int32_t top;        /* one past the highest depth seen */
} hist_t;

/* length, bases, min, max: one line of the summary. */
typedef struct stat {
    int64_t length, bases;
    uint32_t min, max;
} stat_t;

typedef g5_bed_region_t region_t;

/* What is counted over one region (a window or a BED line). */
typedef struct acc {
    double mean;        /* summed base by base as depth/length, as mosdepth */
    int64_t *count;     /* bases at or above each threshold */
    int done;
} acc_t;

struct g5_covreport {
    g5_covreport_opts_t o;
    const sam_hdr_t *hdr;
    int32_t *qbounds;       /* quantize bin bounds, nq of them */
    int nq;
    char **qlabels;         /* nq - 1 labels */

    g5_out_t *summary, *gdist, *rdist;
    FILE *summary_fp, *gdist_fp, *rdist_fp;
    g5_bedgz_t *regions_gz, *thresholds_gz, *quantized_gz, *perbase_gz;
    kstring_t line;

    region_t *reg;          /* BED regions sorted by contig, start, line */
    size_t nreg;
    size_t *reg_off;        /* regions of contig t: reg[reg_off[t] .. reg_off[t+1]) */
    size_t reg_bytes;

    /* the contig being counted */
    int tid, found;
    const char *name;
    hts_pos_t len;
    stat_t st, rst;         /* all bases; bases in regions */
    hist_t dist, region_dist;  /* the same as distributions */
    acc_t *acc;             /* BED: one per region of the contig */
    int64_t *counts;        /* their threshold counts */
    size_t rfirst, rn;      /* the contig's regions: reg[rfirst .. rfirst + rn) */
    size_t next_act, next_emit;
    size_t *active, nactive;
    hts_pos_t wbeg, wend;   /* windows: the current one */
    acc_t wacc;
    int qbin;               /* quantize: the bin of the current stretch, or -1 */
    hts_pos_t qbeg;

    /* every contig */
    stat_t total, total_r;
    hist_t total_dist, total_region_dist;
    int mosdepth_skip;      /* the contig is left out of mosdepth's files */
    stat_t sample;          /* all contigs with records, whatever the options: */
    hist_t sample_dist;     /* the per-sample numbers must not depend on them */
    int64_t *bases;         /* bases per contig (sum of depth) */
    int summary_header;
};

/* --- small pieces ------------------------------------------------------- */

static int hist_add(hist_t *h, int32_t d, int64_t n)
{
    if (d > DIST_CAP) d = DIST_CAP_TO;
    if (d >= h->m) {
        int32_t m = d + 1024;
        int64_t *x = realloc(h->n, m * sizeof *x);
        if (!x) return -1;
        memset(x + h->m, 0, (m - h->m) * sizeof *x);
        h->n = x;
        h->m = m;
    }
    h->n[d] += n;
    if (d >= h->top) h->top = d + 1;
    return 0;
}

static int hist_merge(hist_t *into, const hist_t *from)
{
    for (int32_t d = 0; d < from->top; d++)
        if (from->n[d] && hist_add(into, d, from->n[d]) < 0) return -1;
    return 0;
}

static void hist_clear(hist_t *h)
{
    if (h->n) memset(h->n, 0, h->m * sizeof *h->n);
    h->top = 0;
}

static void stat_init(stat_t *s)
{
    s->length = s->bases = 0;
    s->min = UINT32_MAX;
    s->max = 0;
}

static inline void stat_add(stat_t *s, int32_t d, int64_t n)
{
    s->length += n;
    s->bases += (int64_t)d * n;
    if ((uint32_t)d < s->min) s->min = d;
    if ((uint32_t)d > s->max) s->max = d;
}

static void stat_merge(stat_t *into, const stat_t *from)
{
    into->length += from->length;
    into->bases += from->bases;
    if (from->min < into->min) into->min = from->min;
    if (from->max > into->max) into->max = from->max;
}

static int write_summary_line(g5_covreport_t *r, const char *name, const char *suffix, const stat_t *s)
{
    FILE *fp = r->summary_fp;
    if (!r->summary_header) {
        if (fputs("chrom\tlength\tbases\tmean\tmin\tmax\n", fp) == EOF) return -1;
        r->summary_header = 1;
    }
    double mean = s->length > 0 ? (double)s->bases / (double)s->length : 0.0;
    return fprintf(fp, "%s%s\t%" PRId64 "\t%" PRId64 "\t%.2f\t%u\t%u\n", name, suffix, s->length,
                   s->bases, mean, s->min == UINT32_MAX ? 0 : s->min, s->max) < 0 ? -1 : 0;
}

/* Proportion of bases at each depth or more, from the highest depth down,
 * accumulated as mosdepth does so the rounding agrees. */
static int write_dist(FILE *fp, const char *name, const hist_t *h)
{
    int64_t sum = 0;
    for (int32_t d = 0; d < h->top; d++) sum += h->n[d];
    if (sum < 1) return 0;
    double cum = 0;
    for (int32_t d = h->top - 1; d >= 0; d--) {
        int64_t v = h->n[d];
        if (d > 300 && v == 0) continue;
        cum += (double)v / (double)sum;
        if (cum < 8e-5) continue;
        if (fprintf(fp, "%s\t%d\t%.2f\n", name, d, cum) < 0) return -1;
    }
    return 0;
}

/* --- quantize ----------------------------------------------------------- */

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int g5_covreport_quantize_bounds(const char *s, int32_t **bounds)
{
    kstring_t a = KS_INITIALIZE;
    int n = 0;
    int32_t *v = NULL;
    if (!strchr(s, ':')) ksprintf(&a, ":%s:", s);
    else kputs(s, &a);
    if (!a.s) return -1;
    if (a.s[0] == ':') {
        kputs("0", &a);     // prepend "0": rebuild
        memmove(a.s + 1, a.s, a.l - 1);
        a.s[0] = '0';
    }
    int open_end = a.l && a.s[a.l - 1] == ':';
    if (!(v = malloc((a.l + 2) * sizeof *v))) goto fail;
    for (char *p = a.s, *colon; ; p = colon + 1) {
        colon = strchr(p, ':');
        if (colon) *colon = '\0';
        if (!colon && open_end && !*p) break;
        long x;
        if (g5_parse_long(p, 0, INT32_MAX - 1, &x) < 0) goto fail;
        v[n++] = (int32_t)x;
        if (!colon) break;
    }
    if (open_end) v[n++] = INT32_MAX;
    if (n < 2) goto fail;
    qsort(v, n, sizeof *v, cmp_i32);
    for (int i = 0; i + 1 < n; i++)
        if (v[i] == v[i + 1]) goto fail;     // an empty bin: mosdepth prints nonsense, refuse
    free(a.s);
    *bounds = v;
    return n;
fail:
    free(a.s);
    free(v);
    return -1;
}

/* The bin of depth @p d: i when bounds[i] <= d < bounds[i+1]; -1 outside. */
static int qbin_of(const g5_covreport_t *r, int32_t d)
{
    if (d < r->qbounds[0] || d >= r->qbounds[r->nq - 1]) return -1;
    int i = 1;
    while (r->qbounds[i] <= d) i++;
    return i - 1;
}

static int write_track(g5_covreport_t *r, g5_bedgz_t *w, hts_pos_t beg, hts_pos_t end,
                       const char *value, int32_t ivalue)
{
    kstring_t *l = &r->line;
    l->l = 0;
    kputs(r->name, l); kputc('\t', l);
    kputll(beg, l); kputc('\t', l);
    kputll(end, l); kputc('\t', l);
    if (value) kputs(value, l);
    else kputw(ivalue, l);
    if (kputc('\n', l) < 0) return -1;
    return g5_bedgz_put(w, l->s, l->l);
}

static int quantize_flush(g5_covreport_t *r, hts_pos_t end)
{
    if (r->qbin < 0 || end <= r->qbeg) return 0;
    return write_track(r, r->quantized_gz, r->qbeg, end, r->qlabels[r->qbin], 0);
}

/* mosdepth looks for bin changes over all bases but the contig's last one,
 * then stretches the final bin to the end; so does this. */
static int quantize_run(g5_covreport_t *r, hts_pos_t beg, hts_pos_t end, int32_t d)
{
    if (beg == 0) {
        r->qbin = qbin_of(r, d);
        r->qbeg = 0;
        return 0;
    }
    if (beg >= r->len - 1) return 0;
    int bin = qbin_of(r, d);
    if (bin == r->qbin) return 0;
    if (quantize_flush(r, beg) < 0) return -1;
    r->qbin = bin;
    r->qbeg = beg;
    (void)end;
    return 0;
}

/* --- regions ------------------------------------------------------------ */

static void acc_add(g5_covreport_t *r, acc_t *a, hts_pos_t rlen, hts_pos_t beg, hts_pos_t end, int32_t d)
{
    int64_t n = end - beg;
    if (r->found) stat_add(&r->rst, d, n);     // mosdepth skips contigs without records
    if (d) {
        double t = (double)d / (double)rlen;
        for (int64_t k = 0; k < n; k++) a->mean += t;
    }
    for (int i = 0; i < r->o.nthresholds && d >= r->o.thresholds[i]; i++) a->count[i] += n;
}

static int emit_region(g5_covreport_t *r, hts_pos_t beg, hts_pos_t end, const char *name, const acc_t *a)
{
    kstring_t *l = &r->line;
    l->l = 0;
    ksprintf(l, "%s\t%" PRIhts_pos "\t%" PRIhts_pos "\t", r->name, beg, end);
    if (name) ksprintf(l, "%s\t", name);
    if (ksprintf(l, "%.2f\n", a->mean) < 0 || g5_bedgz_put(r->regions_gz, l->s, l->l) < 0) return -1;

    if (r->thresholds_gz) {
        l->l = 0;
        ksprintf(l, "%s\t%" PRIhts_pos "\t%" PRIhts_pos "\t%s", r->name, beg, end, name ? name : "unknown");
        // mosdepth writes zeros on a contig without records, even for 0X
        for (int i = 0; i < r->o.nthresholds; i++) {
            kputc('\t', l);
            kputll(r->found ? a->count[i] : 0, l);
        }
        if (r->o.thresholds_pct)
            for (int i = 0; i < r->o.nthresholds; i++)
                ksprintf(l, "\t%.2f", r->found && end > beg ? 100.0 * a->count[i] / (end - beg) : 0.0);
        if (kputc('\n', l) < 0 || g5_bedgz_put(r->thresholds_gz, l->s, l->l) < 0) return -1;
    }
    return 0;
}

static int window_run(g5_covreport_t *r, hts_pos_t beg, hts_pos_t end, int32_t d)
{
    while (beg < end) {
        hts_pos_t e = end < r->wend ? end : r->wend;
        acc_add(r, &r->wacc, r->wend - r->wbeg, beg, e, d);
        beg = e;
        if (e < r->wend) break;
        if (emit_region(r, r->wbeg, r->wend, NULL, &r->wacc) < 0) return -1;
        // windows are counted in the region distribution by their rounded mean
        if (hist_add(&r->region_dist, (int32_t)lround(r->wacc.mean), 1) < 0) return -1;
        r->wacc.mean = 0;
        if (r->wacc.count) memset(r->wacc.count, 0, r->o.nthresholds * sizeof *r->wacc.count);
        r->wbeg = r->wend;
        r->wend = r->wbeg + r->o.window < r->len ? r->wbeg + r->o.window : r->len;
    }
    return 0;
}

static int bed_emit_done(g5_covreport_t *r)
{
    while (r->next_emit < r->next_act && r->acc[r->next_emit].done) {
        const region_t *g = &r->reg[r->rfirst + r->next_emit];
        if (emit_region(r, g->beg, g->end, g->name, &r->acc[r->next_emit]) < 0) return -1;
        r->next_emit++;
    }
    return 0;
}

static int bed_run(g5_covreport_t *r, hts_pos_t beg, hts_pos_t end, int32_t d)
{
    const region_t *reg = r->reg + r->rfirst;
    while (r->next_act < r->rn && reg[r->next_act].beg < end) r->active[r->nactive++] = r->next_act++;
    size_t keep = 0;
    for (size_t k = 0; k < r->nactive; k++) {
        size_t i = r->active[k];
        hts_pos_t b = beg > reg[i].beg ? beg : reg[i].beg;
        hts_pos_t e = end < reg[i].end ? end : reg[i].end;
        if (b < e) {
            acc_add(r, &r->acc[i], reg[i].end - reg[i].beg, b, e, d);
            if (hist_add(&r->region_dist, d, e - b) < 0) return -1;
        }
        if (reg[i].end <= end) r->acc[i].done = 1;
        else r->active[keep++] = i;
    }
    r->nactive = keep;
    return bed_emit_done(r);
}

/* --- the sink ----------------------------------------------------------- */

int g5_covreport_run(void *ctx, hts_pos_t beg, hts_pos_t end, int32_t d)
{
    g5_covreport_t *r = ctx;
    stat_add(&r->st, d, end - beg);
    if (hist_add(&r->dist, d, end - beg) < 0) return -1;
    if (r->perbase_gz && write_track(r, r->perbase_gz, beg, end, NULL, d) < 0) return -1;
    if (r->quantized_gz && quantize_run(r, beg, end, d) < 0) return -1;
    if (r->o.window) return window_run(r, beg, end, d);
    if (r->o.bed) return bed_run(r, beg, end, d);
    return 0;
}

int g5_covreport_begin(g5_covreport_t *r, int tid, int found)
{
    size_t rn = r->reg_off ? r->reg_off[tid + 1] - r->reg_off[tid] : 0;
    // mosdepth does not even count such a contig; g5 counts it for the
    // per-sample numbers and leaves it out of mosdepth's files
    r->mosdepth_skip = r->o.bed && !rn && !r->o.per_base && !r->o.nthresholds && !r->o.quantize;
    r->tid = tid;
    r->found = found;
    r->name = sam_hdr_tid2name(r->hdr, tid);
    r->len = sam_hdr_tid2len(r->hdr, tid);
    stat_init(&r->st);
    hist_clear(&r->dist);
    hist_clear(&r->region_dist);
    r->qbin = -1;
    r->qbeg = 0;
    r->wbeg = 0;
    r->wend = r->o.window < r->len ? r->o.window : r->len;
    r->wacc.mean = 0;
    if (r->wacc.count) memset(r->wacc.count, 0, r->o.nthresholds * sizeof *r->wacc.count);
    if (r->o.bed) {
        r->rfirst = r->reg_off[tid];
        r->rn = rn;
        r->next_act = r->next_emit = r->nactive = 0;
        free(r->acc);
        free(r->counts);
        free(r->active);
        r->acc = calloc(rn + 1, sizeof *r->acc);
        r->counts = calloc(rn * r->o.nthresholds + 1, sizeof *r->counts);
        r->active = malloc((rn + 1) * sizeof *r->active);
        if (!r->acc || !r->counts || !r->active) return -1;
        for (size_t i = 0; i < rn; i++) r->acc[i].count = r->counts + i * r->o.nthresholds;
    }
    return 0;
}

int g5_covreport_end(g5_covreport_t *r)
{
    if (r->o.bed) {
        // what remains: regions at the very end, and empty ones
        for (size_t i = r->next_act; i < r->rn; i++) r->acc[i].done = 1;
        for (size_t k = 0; k < r->nactive; k++) r->acc[r->active[k]].done = 1;
        r->next_act = r->rn;
        r->nactive = 0;
        if (bed_emit_done(r) < 0) return -1;
    }
    if (r->quantized_gz && quantize_flush(r, r->len) < 0) return -1;
    if (!r->found) return 0;

    int regions = r->o.window || r->o.bed;
    r->bases[r->tid] = r->st.bases;
    stat_merge(&r->sample, &r->st);
    if (hist_merge(&r->sample_dist, &r->dist) < 0) return -1;
    if (r->mosdepth_skip) return 0;
    if (write_summary_line(r, r->name, "", &r->st) < 0) return -1;
    if (regions && write_summary_line(r, r->name, "_region", &r->rst) < 0) return -1;
    stat_merge(&r->total, &r->st);
    stat_merge(&r->total_r, &r->rst);
    stat_init(&r->rst);
    if (write_dist(r->gdist_fp, r->name, &r->dist) < 0 || hist_merge(&r->total_dist, &r->dist) < 0) return -1;
    if (regions && (write_dist(r->rdist_fp, r->name, &r->region_dist) < 0 || hist_merge(&r->total_region_dist, &r->region_dist) < 0))
        return -1;
    return 0;
}

/* --- BED regions -------------------------------------------------------- */

static int bed_load(g5_covreport_t *r, char *why, size_t nwhy)
{
    if (g5_bed_read(r->o.bed, r->hdr, &r->reg, &r->nreg, why, nwhy) < 0) return -1;
    for (size_t i = 0; i < r->nreg; i++)
        r->reg_bytes += sizeof *r->reg + (r->reg[i].name ? strlen(r->reg[i].name) + 1 : 0);
    int n = sam_hdr_nref(r->hdr);
    if (!(r->reg_off = calloc(n + 1, sizeof *r->reg_off))) return -1;
    for (size_t i = 0; i < r->nreg; i++) r->reg_off[r->reg[i].tid + 1]++;
    for (int t = 0; t < n; t++) r->reg_off[t + 1] += r->reg_off[t];
    return 0;
}

/* --- open / commit ------------------------------------------------------ */

static char *out_name(const g5_covreport_t *r, const char *suffix)
{
    char *s = malloc(strlen(r->o.prefix) + strlen(suffix) + 1);
    if (s) sprintf(s, "%s%s", r->o.prefix, suffix);
    return s;
}

static g5_out_t *open_text(g5_covreport_t *r, const char *suffix, FILE **fp)
{
    char *path = out_name(r, suffix);
    g5_out_t *o = path ? g5_out_open(path) : NULL;
    free(path);
    if (o && !(*fp = g5_out_stream(o))) {
        g5_out_abort(o);
        return NULL;
    }
    return o;
}

static g5_bedgz_t *open_track(g5_covreport_t *r, const char *suffix, int level)
{
    char *path = out_name(r, suffix);
    g5_bedgz_t *w = path ? g5_bedgz_open(path, level, r->o.pool) : NULL;
    free(path);
    return w;
}

static int quantize_labels(g5_covreport_t *r)
{
    if (!(r->qlabels = calloc(r->nq, sizeof *r->qlabels))) return -1;
    for (int i = 0; i + 1 < r->nq; i++) {
        // mosdepth's way to name the bins: MOSDEPTH_Q0, MOSDEPTH_Q1, ...
        char var[32];
        snprintf(var, sizeof var, "MOSDEPTH_Q%d", i);
        const char *env = getenv(var);
        kstring_t s = KS_INITIALIZE;
        if (env && *env) kputs(env, &s);
        else if (r->qbounds[i + 1] == INT32_MAX) ksprintf(&s, "%d:inf", r->qbounds[i]);
        else ksprintf(&s, "%d:%d", r->qbounds[i], r->qbounds[i + 1]);
        if (!(r->qlabels[i] = s.s)) return -1;
    }
    return 0;
}

g5_covreport_t *g5_covreport_open(const g5_covreport_opts_t *o, const sam_hdr_t *h,
                                  char *why, size_t nwhy)
{
    *why = '\0';
    errno = 0;
    g5_covreport_t *r = calloc(1, sizeof *r);
    int n = sam_hdr_nref(h);
    if (!r) goto fail;
    r->o = *o;
    r->hdr = h;
    // mosdepth starts these three at zero where it means "none yet", so the
    // totals and the first contig's regions always show a minimum of 0
    stat_init(&r->total);
    stat_init(&r->total_r);
    stat_init(&r->rst);
    r->total.min = r->total_r.min = r->rst.min = 0;
    stat_init(&r->sample);
    if (!(r->bases = calloc(n + 1, sizeof *r->bases))) goto fail;
    if (o->nthresholds && !(r->wacc.count = calloc(o->nthresholds, sizeof *r->wacc.count))) goto fail;
    if (o->quantize) {
        if ((r->nq = g5_covreport_quantize_bounds(o->quantize, &r->qbounds)) < 0) {
            snprintf(why, nwhy, "invalid quantize segments \"%s\"", o->quantize);
            goto fail;
        }
        if (quantize_labels(r) < 0) goto fail;
    }
    if (o->bed && bed_load(r, why, nwhy) < 0) goto fail;

    const char *failed = NULL;
    int regions = o->window || o->bed;
    if (!(r->summary = open_text(r, ".mosdepth.summary.txt", &r->summary_fp))) failed = ".mosdepth.summary.txt";
    else if (!(r->gdist = open_text(r, ".mosdepth.global.dist.txt", &r->gdist_fp))) failed = ".mosdepth.global.dist.txt";
    else if (regions && !(r->rdist = open_text(r, ".mosdepth.region.dist.txt", &r->rdist_fp))) failed = ".mosdepth.region.dist.txt";
    else if (regions && !(r->regions_gz = open_track(r, ".regions.bed.gz", -1))) failed = ".regions.bed.gz";
    else if (o->nthresholds && !(r->thresholds_gz = open_track(r, ".thresholds.bed.gz", 1))) failed = ".thresholds.bed.gz";
    else if (o->quantize && !(r->quantized_gz = open_track(r, ".quantized.bed.gz", 1))) failed = ".quantized.bed.gz";
    else if (o->per_base && !(r->perbase_gz = open_track(r, ".per-base.bed.gz", 1))) failed = ".per-base.bed.gz";
    if (failed) {
        snprintf(why, nwhy, "cannot write \"%s%s\": %s", o->prefix, failed, strerror(errno));
        goto fail;
    }
    if (r->thresholds_gz) {
        kstring_t *l = &r->line;
        l->l = 0;
        kputs("#chrom\tstart\tend\tregion", l);
        for (int i = 0; i < o->nthresholds; i++) ksprintf(l, "\t%dX", o->thresholds[i]);
        if (o->thresholds_pct)
            for (int i = 0; i < o->nthresholds; i++) ksprintf(l, "\t%dX_pct", o->thresholds[i]);
        if (kputc('\n', l) < 0 || g5_bedgz_put(r->thresholds_gz, l->s, l->l) < 0) goto fail;
    }
    return r;

fail:
    if (!*why) snprintf(why, nwhy, "%s", errno ? strerror(errno) : "out of memory");
    g5_covreport_destroy(r);
    return NULL;
}

size_t g5_covreport_bytes(const g5_covreport_t *r)
{
    return r->reg_bytes + r->rn * (sizeof *r->acc + sizeof *r->active + r->o.nthresholds * sizeof *r->counts);
}

static int commit_text(g5_out_t **o, const char *prefix, const char *suffix, char *why, size_t nwhy)
{
    g5_out_t *x = *o;
    *o = NULL;
    if (!x || g5_out_commit(x) == 0) return 0;
    snprintf(why, nwhy, "cannot write \"%s%s\": %s", prefix, suffix, strerror(errno));
    return -1;
}

static int commit_track(g5_covreport_t *r, g5_bedgz_t **w, const char *suffix, char *why, size_t nwhy)
{
    g5_bedgz_t *x = *w;
    *w = NULL;
    if (!x || g5_bedgz_commit(x, r->o.threads) == 0) return 0;
    snprintf(why, nwhy, "cannot write \"%s%s\": %s", r->o.prefix, suffix, strerror(errno));
    return -1;
}

int g5_covreport_commit(g5_covreport_t *r, char *why, size_t nwhy)
{
    int regions = r->o.window || r->o.bed;
    if (write_summary_line(r, "total", "", &r->total) < 0
        || (regions && write_summary_line(r, "total", "_region", &r->total_r) < 0)
        || write_dist(r->gdist_fp, "total", &r->total_dist) < 0
        || (regions && write_dist(r->rdist_fp, "total", &r->total_region_dist) < 0)) {
        snprintf(why, nwhy, "cannot write \"%s.mosdepth.*\": %s", r->o.prefix, strerror(errno));
        return -1;
    }
    // The summary goes last: its presence tells a workflow the run finished.
    if (commit_track(r, &r->perbase_gz, ".per-base.bed.gz", why, nwhy) < 0
        || commit_track(r, &r->quantized_gz, ".quantized.bed.gz", why, nwhy) < 0
        || commit_track(r, &r->thresholds_gz, ".thresholds.bed.gz", why, nwhy) < 0
        || commit_track(r, &r->regions_gz, ".regions.bed.gz", why, nwhy) < 0
        || commit_text(&r->rdist, r->o.prefix, ".mosdepth.region.dist.txt", why, nwhy) < 0
        || commit_text(&r->gdist, r->o.prefix, ".mosdepth.global.dist.txt", why, nwhy) < 0
        || commit_text(&r->summary, r->o.prefix, ".mosdepth.summary.txt", why, nwhy) < 0)
        return -1;
    return 0;
}

void g5_covreport_destroy(g5_covreport_t *r)
{
    if (!r) return;
    int saved = errno;
    g5_out_abort(r->summary);
    g5_out_abort(r->gdist);
    g5_out_abort(r->rdist);
    g5_bedgz_abort(r->regions_gz);
    g5_bedgz_abort(r->thresholds_gz);
    g5_bedgz_abort(r->quantized_gz);
    g5_bedgz_abort(r->perbase_gz);
    g5_bed_free(r->reg, r->nreg);
    free(r->reg_off);
    if (r->qlabels)
        for (int i = 0; i + 1 < r->nq; i++) free(r->qlabels[i]);
    free(r->qlabels);
    free(r->qbounds);
    free(r->line.s);
    free(r->dist.n);
    free(r->region_dist.n);
    free(r->total_dist.n);
    free(r->total_region_dist.n);
    free(r->acc);
    free(r->counts);
    free(r->active);
    free(r->wacc.count);
    free(r->bases);
    free(r->sample_dist.n);
    free(r);
    errno = saved;
}

/* --- per-sample summary and sex ----------------------------------------- */

/* A contig name without its "chr" / "CHROMOSOME_" prefix. */
static const char *name_core(const char *name)
{
    static const char *const prefixes[] = { "CHROMOSOME_", "chr", "Chr", "CHR" };
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(name, prefixes[i], n) == 0 && name[n]) return name + n;
    }
    return name;
}

static int name_is(const char *name, const char *want)
{
    return strcmp(name, want) == 0 || strcmp(name_core(name), want) == 0;
}

static int is_mito(const char *name)
{
    const char *c = name_core(name);
    return !strcmp(c, "M") || !strcmp(c, "MT") || !strcmp(c, "MtDNA") || !strcmp(c, "mtDNA");
}

/* 1..99 or a roman numeral: the names of numbered chromosomes. */
static int is_numbered(const char *name)
{
    const char *c = name_core(name);
    size_t n = strlen(c);
    if (n == 0 || n > 6) return 0;
    if (strspn(c, "0123456789") == n) return 1;
    return strspn(c, "IVX") == n;
}

double g5_covreport_fraction_at(const g5_covreport_t *r, int32_t t)
{
    int64_t all = 0, at = 0;
    for (int32_t d = 0; d < r->sample_dist.top; d++) {
        all += r->sample_dist.n[d];
        if (d >= t) at += r->sample_dist.n[d];
    }
    return all ? (double)at / (double)all : 0.0;
}

void g5_covreport_sample(const g5_covreport_t *r, const g5_sexrule_t *rule, g5_covsample_t *s)
{
    s->mean = r->sample.length ? (double)r->sample.bases / (double)r->sample.length : 0.0;
    int64_t all = 0, half, cum = 0;
    for (int32_t d = 0; d < r->sample_dist.top; d++) all += r->sample_dist.n[d];
    half = (all + 1) / 2;
    s->median = 0;
    for (int32_t d = 0; d < r->sample_dist.top; d++)
        if ((cum += r->sample_dist.n[d]) >= half) {
            s->median = d;
            break;
        }

    int n = sam_hdr_nref(r->hdr), x = -1, y = -1, numbered = 0;
    for (int t = 0; t < n; t++) {
        const char *name = sam_hdr_tid2name(r->hdr, t);
        if (x < 0 && name_is(name, rule->x_name)) x = t;
        else if (y < 0 && name_is(name, rule->y_name)) y = t;
        else if (!is_mito(name) && is_numbered(name)) numbered = 1;
    }
    int64_t abases = 0, alen = 0;
    for (int t = 0; t < n; t++) {
        const char *name = sam_hdr_tid2name(r->hdr, t);
        if (t == x || t == y || is_mito(name)) continue;
        if (numbered ? !is_numbered(name) : strchr(name, '_') != NULL) continue;
        abases += r->bases[t];
        alen += sam_hdr_tid2len(r->hdr, t);
    }
    // With -c only one contig was counted: no ratio means anything.
    int whole = r->o.only_tid < 0;
    s->autosome_depth = whole && alen ? (double)abases / (double)alen : NAN;
    s->x_depth = whole && x >= 0 ? (double)r->bases[x] / (double)sam_hdr_tid2len(r->hdr, x) : NAN;
    s->y_depth = whole && y >= 0 ? (double)r->bases[y] / (double)sam_hdr_tid2len(r->hdr, y) : NAN;
    int usable = s->autosome_depth > 0;
    s->x_ratio = usable ? s->x_depth / s->autosome_depth : NAN;
    s->y_ratio = usable ? s->y_depth / s->autosome_depth : NAN;

    s->sex = "unknown";
    if (isnan(s->x_ratio)) return;
    int no_y = isnan(s->y_ratio);
    if (s->x_ratio >= rule->x_female && (no_y || s->y_ratio < rule->y_male))
        s->sex = "female";
    else if (s->x_ratio < rule->x_female && s->x_ratio >= rule->x_female / 3
             && (no_y || s->y_ratio >= rule->y_male))
        s->sex = "male";
}
