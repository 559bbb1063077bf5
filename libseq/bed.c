/*
 * bed.c -- BED regions checked against a header.  See bed.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>
#include <htslib/kstring.h>

#include "bed.h"

static int cmp_region(const void *a, const void *b)
{
    const g5_bed_region_t *x = a, *y = b;
    if (x->tid != y->tid) return x->tid < y->tid ? -1 : 1;
    if (x->beg != y->beg) return x->beg < y->beg ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* One line, split at tabs into @p f (@p nf fields), into @p g. */
static int parse_line(const char *path, const sam_hdr_t *h, char **f, int nf, size_t lineno,
                      g5_bed_region_t *g, char *why, size_t nwhy)
{
    if (nf < 3) {
        snprintf(why, nwhy, "\"%s\" line %zu: fewer than 3 columns", path, lineno);
        return -1;
    }
    int tid = sam_hdr_name2tid((sam_hdr_t *)h, f[0]);
    if (tid < 0) {
        snprintf(why, nwhy, "\"%s\" line %zu: contig \"%s\" is not in the alignment file's header",
                 path, lineno, f[0]);
        return -1;
    }
    char *e1, *e2;
    long long beg = strtoll(f[1], &e1, 10), end = strtoll(f[2], &e2, 10);
    if (!*f[1] || *e1 || !*f[2] || *e2 || beg < 0 || end < beg) {
        snprintf(why, nwhy, "\"%s\" line %zu: start and end must be integers, 0 <= start <= end",
                 path, lineno);
        return -1;
    }
    if (end > sam_hdr_tid2len(h, tid)) {
        snprintf(why, nwhy, "\"%s\" line %zu: %s:%lld-%lld ends past the end of %s (%" PRIhts_pos " bp): "
                 "is it for another reference?", path, lineno, f[0], beg, end, f[0], sam_hdr_tid2len(h, tid));
        return -1;
    }
    g->tid = tid;
    g->beg = beg;
    g->end = end;
    g->name = NULL;
    if (nf > 3 && *f[3] && !(g->name = strdup(f[3]))) {
        snprintf(why, nwhy, "out of memory");
        return -1;
    }
    return 0;
}

int g5_bed_read(const char *path, const sam_hdr_t *h, g5_bed_region_t **out, size_t *n,
                char *why, size_t nwhy)
{
    *out = NULL;
    *n = 0;
    htsFile *fp = hts_open(path, "r");
    if (!fp) {
        snprintf(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
        return -1;
    }
    kstring_t s = KS_INITIALIZE;
    size_t lineno = 0, m = 0;
    int ret, r = 0;
    g5_bed_region_t *reg = NULL;
    while ((ret = hts_getline(fp, '\n', &s)) >= 0) {
        lineno++;
        while (s.l && isspace((unsigned char)s.s[s.l - 1])) s.s[--s.l] = '\0';
        if (!s.l || s.s[0] == '#' || strncmp(s.s, "track ", 6) == 0 || strncmp(s.s, "browser ", 8) == 0)
            continue;
        char *f[4];
        int nf = 0;
        for (char *p = s.s; nf < 4; ) {
            f[nf++] = p;
            char *t = strchr(p, '\t');
            if (!t) break;
            *t = '\0';
            p = t + 1;
        }
        if (*n == m) {
            m = m ? 2 * m : 256;
            g5_bed_region_t *x = realloc(reg, m * sizeof *x);
            if (!x) {
                snprintf(why, nwhy, "cannot read \"%s\": out of memory", path);
                r = -1;
                break;
            }
            reg = x;
        }
        if ((r = parse_line(path, h, f, nf, lineno, &reg[*n], why, nwhy)) < 0) break;
        reg[*n].order = *n;
        (*n)++;
    }
    if (r == 0 && ret < -1) {
        snprintf(why, nwhy, "cannot read \"%s\": error after line %zu", path, lineno);
        r = -1;
    }
    free(s.s);
    if (hts_close(fp) < 0 && r == 0) {
        snprintf(why, nwhy, "cannot read \"%s\"", path);
        r = -1;
    }
    if (r < 0) {
        g5_bed_free(reg, *n);
        *n = 0;
        return -1;
    }
    if (*n) qsort(reg, *n, sizeof *reg, cmp_region);
    *out = reg;
    return 0;
}

void g5_bed_free(g5_bed_region_t *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) free(r[i].name);
    free(r);
}
