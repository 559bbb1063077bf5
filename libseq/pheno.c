/*
 * pheno.c -- phenotype and covariate tables.  See pheno.h.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <htslib/khash.h>
#include <htslib/kstring.h>

#include "cli.h"
#include "pheno.h"

KHASH_MAP_INIT_STR(iid, int)

/* Split @p line at tabs in place.  @return the number of fields */
static int split(char *line, char ***f, int *mf)
{
    int n = 0;
    for (char *s = line;; n++) {
        if (n == *mf) {
            int m = *mf ? 2 * *mf : 16;
            char **x = realloc(*f, m * sizeof *x);
            if (!x) return -1;
            *f = x;
            *mf = m;
        }
        (*f)[n] = s;
        char *t = strchr(s, '\t');
        if (!t) return n + 1;
        *t = 0;
        s = t + 1;
    }
}

/* Read one line without its end (\n or \r\n).  @return its length, -1 at the end */
static ssize_t read_line(FILE *fp, char **line, size_t *m)
{
    ssize_t n = getline(line, m, fp);
    while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r')) (*line)[--n] = 0;
    return n;
}

/* A value: NaN for NA or empty.  @return 0, or -1 when it is not a finite number */
static int parse_value(const char *s, double *v)
{
    if (!*s || !strcmp(s, "NA")) {
        *v = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *end || end == s || !isfinite(*v) ? -1 : 0;
}

void g5_pheno_free(g5_pheno_t *p)
{
    if (!p) return;
    for (int i = 0; i < p->nrows; i++) free(p->iid[i]);
    for (int c = 0; c < p->ncols; c++) {
        free(p->name[c]);
        free(p->how[c]);
        free(p->bad[c]);
        free(p->desc[c]);
    }
    if (p->index) kh_destroy(iid, p->index);
    free(p->iid); free(p->name); free(p->v); free(p->type); free(p->how); free(p->bad); free(p->desc); free(p->path);
    free(p);
}

g5_pheno_t *g5_pheno_read(const char *path, char *why, size_t nwhy)
{
    g5_pheno_t *p = calloc(1, sizeof *p);
    FILE *fp = NULL;
    char *line = NULL, **f = NULL;
    size_t mline = 0, mrows = 0;
    int mf = 0, lineno = 1, skip = 0;
    khash_t(iid) *h = kh_init(iid);
    if (!p || !h || !(p->path = strdup(path))) {
        g5_why(why, nwhy, "out of memory");
        goto fail;
    }
    p->index = h;
    if (!(fp = fopen(path, "r"))) {
        g5_why(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
        goto fail;
    }

    // the header: IID (or plink's FID IID), then the columns, after any
    // "# " comment lines (g5's provenance: an .eigenvec given as covariates)
    int got;
    while ((got = read_line(fp, &line, &mline)) >= 0 && !strncmp(line, "# ", 2)) lineno++;
    if (got < 0) {
        g5_why(why, nwhy, "\"%s\" is empty", path);
        goto fail;
    }
    int nf = split(line, &f, &mf);
    if (nf < 0) goto nomem;
    const char *first = f[0][0] == '#' ? f[0] + 1 : f[0];
    if (!strcmp(first, "FID") && nf > 1 && !strcmp(f[1], "IID")) skip = 1;
    else if (strcmp(first, "IID") != 0) {
        g5_why(why, nwhy, "\"%s\": the header must begin with IID (or FID IID), not \"%s\"", path, f[0]);
        goto fail;
    }
    p->ncols = nf - 1 - skip;
    int fields = nf;
    if (!(p->name = calloc(p->ncols + 1, sizeof *p->name)) || !(p->type = calloc(p->ncols + 1, sizeof *p->type))
        || !(p->how = calloc(p->ncols + 1, sizeof *p->how)) || !(p->bad = calloc(p->ncols + 1, sizeof *p->bad))
        || !(p->desc = calloc(p->ncols + 1, sizeof *p->desc)))
        goto nomem;
    for (int c = 0; c < p->ncols; c++) {
        if (!*f[1 + skip + c]) {
            g5_why(why, nwhy, "\"%s\": column %d has no name", path, 2 + skip + c);
            goto fail;
        }
        if (!(p->name[c] = strdup(f[1 + skip + c]))) goto nomem;
        for (int d = 0; d < c; d++)
            if (!strcmp(p->name[d], p->name[c])) {
                g5_why(why, nwhy, "\"%s\": column \"%s\" twice (columns %d and %d)", path, p->name[c], 2 + skip + d,
                       2 + skip + c);
                goto fail;
            }
    }

    // the rows: values kept row by row first, turned into columns at the end
    double *rows = NULL;
    while (read_line(fp, &line, &mline) >= 0) {
        lineno++;
        if (!*line) continue;
        if ((nf = split(line, &f, &mf)) < 0) goto nomem;
        if (nf != fields) {
            g5_why(why, nwhy, "\"%s\" line %d: %d fields, but the header has %d", path, lineno, nf, fields);
            free(rows);
            goto fail;
        }
        const char *id = f[skip];
        if (!*id) {
            g5_why(why, nwhy, "\"%s\" line %d: no IID", path, lineno);
            free(rows);
            goto fail;
        }
        if ((size_t)p->nrows == mrows) {
            size_t m = mrows ? 2 * mrows : 256;
            double *x = realloc(rows, m * (p->ncols + 1) * sizeof *x);
            char **y = realloc(p->iid, m * sizeof *y);
            if (x) rows = x;
            if (y) p->iid = y;
            if (!x || !y) { free(rows); goto nomem; }
            mrows = m;
        }
        int absent;
        khint_t k = kh_put(iid, h, id, &absent);
        if (absent < 0) { free(rows); goto nomem; }
        if (!absent) {
            g5_why(why, nwhy, "\"%s\" line %d: IID \"%s\" again (first on line %d)", path, lineno, id,
                   kh_val(h, k) + 2);
            free(rows);
            goto fail;
        }
        if (!(p->iid[p->nrows] = strdup(id))) { kh_del(iid, h, k); free(rows); goto nomem; }
        kh_key(h, k) = p->iid[p->nrows];
        kh_val(h, k) = p->nrows;
        for (int c = 0; c < p->ncols; c++)
            if (parse_value(f[1 + skip + c], &rows[(size_t)p->nrows * p->ncols + c]) < 0) {
                g5_why(why, nwhy, "\"%s\" line %d, column %d (%s): \"%s\" is not a number (missing is NA or empty)",
                       path, lineno, 2 + skip + c, p->name[c], f[1 + skip + c]);
                p->nrows++;
                free(rows);
                goto fail;
            }
        p->nrows++;
    }
    if (ferror(fp)) {
        g5_why(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
        free(rows);
        goto fail;
    }
    if (!(p->v = malloc(((size_t)p->ncols * p->nrows + 1) * sizeof *p->v))) { free(rows); goto nomem; }
    for (int c = 0; c < p->ncols; c++)
        for (int i = 0; i < p->nrows; i++) p->v[(size_t)c * p->nrows + i] = rows[(size_t)i * p->ncols + c];
    free(rows);
    fclose(fp);
    free(line);
    free(f);
    return p;

nomem:
    g5_why(why, nwhy, "out of memory");
fail:
    if (fp) fclose(fp);
    free(line);
    free(f);
    g5_pheno_free(p);
    if (!p && h) kh_destroy(iid, h);
    return NULL;
}

int g5_pheno_col(const g5_pheno_t *p, const char *name)
{
    for (int c = 0; c < p->ncols; c++)
        if (!strcmp(p->name[c], name)) return c;
    return -1;
}

int g5_pheno_row(const g5_pheno_t *p, const char *iid)
{
    khash_t(iid) *h = p->index;
    khint_t k = kh_get(iid, h, iid);
    return k == kh_end(h) ? -1 : kh_val(h, k);
}

void g5_dict_free(g5_dict_t *d)
{
    if (!d) return;
    for (int i = 0; i < d->n; i++) {
        free(d->trait[i].name);
        free(d->trait[i].unit);
        free(d->trait[i].desc);
    }
    free(d->trait);
    free(d->path);
    free(d);
}

g5_dict_t *g5_dict_read(const char *path, char *why, size_t nwhy)
{
    g5_dict_t *d = calloc(1, sizeof *d);
    FILE *fp = NULL;
    char *line = NULL, **f = NULL;
    size_t mline = 0;
    int mf = 0, lineno = 0, m = 0;
    if (!d || !(d->path = strdup(path))) goto nomem;
    if (!(fp = fopen(path, "r"))) {
        g5_why(why, nwhy, "cannot read the dictionary \"%s\": %s", path, strerror(errno));
        goto fail;
    }
    while (read_line(fp, &line, &mline) >= 0) {
        lineno++;
        if (!*line || line[0] == '#') continue;
        int nf = split(line, &f, &mf);
        if (nf < 0) goto nomem;
        if (lineno == 1 && !strcasecmp(f[0], "trait")) continue;     // the header
        if (nf < 2) {
            g5_why(why, nwhy, "the dictionary \"%s\" line %d: a trait and its type are needed", path, lineno);
            goto fail;
        }
        int t = !strcasecmp(f[1], "quantitative") ? G5_TRAIT_QUANT : !strcasecmp(f[1], "binary") ? G5_TRAIT_BINARY : -1;
        if (t < 0) {
            g5_why(why, nwhy, "the dictionary \"%s\" line %d: type \"%s\" is neither quantitative nor binary", path,
                   lineno, f[1]);
            goto fail;
        }
        // empty or absent: controlled, so an old four-column dictionary releases nothing by default
        int access = nf < 5 || !*f[4] ? G5_ACCESS_CONTROLLED : !strcasecmp(f[4], "open") ? G5_ACCESS_OPEN
                   : !strcasecmp(f[4], "controlled") ? G5_ACCESS_CONTROLLED : -1;
        if (access < 0) {
            g5_why(why, nwhy, "the dictionary \"%s\" line %d, column 5 (access): \"%s\" is neither open nor controlled",
                   path, lineno, f[4]);
            goto fail;
        }
        if (d->n == m) {
            int mm = m ? 2 * m : 32;
            struct g5_dict_trait *x = realloc(d->trait, mm * sizeof *x);
            if (!x) goto nomem;
            d->trait = x;
            m = mm;
        }
        struct g5_dict_trait *e = &d->trait[d->n];
        e->name = strdup(f[0]);
        e->unit = strdup(nf > 2 ? f[2] : "");
        e->desc = strdup(nf > 3 ? f[3] : "");
        e->type = t;
        e->access = access;
        e->line = lineno;
        d->n++;
        if (!e->name || !e->unit || !e->desc) goto nomem;
    }
    if (ferror(fp)) {
        g5_why(why, nwhy, "cannot read the dictionary \"%s\": %s", path, strerror(errno));
        goto fail;
    }
    fclose(fp);
    free(line);
    free(f);
    return d;

nomem:
    g5_why(why, nwhy, "out of memory");
fail:
    if (fp) fclose(fp);
    free(line);
    free(f);
    g5_dict_free(d);
    return NULL;
}

int g5_dict_find(const g5_dict_t *d, const char *name)
{
    for (int i = d->n - 1; i >= 0; i--)
        if (!strcmp(d->trait[i].name, name)) return i;
    return -1;
}

int g5_dict_access(const g5_dict_t *d, const char *name)
{
    int access = -1;
    for (int i = 0; i < d->n; i++)
        if (!strcasecmp(d->trait[i].name, name))
            access = access == G5_ACCESS_CONTROLLED ? access : d->trait[i].access;
    return access;
}

/* Types named by a dictionary, per column: -1 when it does not say; and
 * the descriptions it gives.  A trait named twice: the last line holds. */
static int read_dict(g5_pheno_t *p, const char *dict, int *type, char *why, size_t nwhy)
{
    g5_dict_t *d = g5_dict_read(dict, why, nwhy);
    if (!d) return -1;
    for (int i = 0; i < d->n; i++) {
        const struct g5_dict_trait *e = &d->trait[i];
        int c = g5_pheno_col(p, e->name);
        if (c < 0) continue;
        type[c] = e->type;
        // "description (unit)", or either alone
        const char *unit = strcmp(e->unit, "-") && strcmp(e->unit, "NA") ? e->unit : "";
        const char *desc = strcmp(e->desc, "NA") ? e->desc : "";
        kstring_t s = KS_INITIALIZE;
        if (*desc) kputs(desc, &s);
        if (*unit) ksprintf(&s, *desc ? " (%s)" : "%s", unit);
        free(p->desc[c]);
        p->desc[c] = ks_release(&s);
    }
    g5_dict_free(d);
    return 0;
}

int g5_pheno_types(g5_pheno_t *p, const char *dict, char *why, size_t nwhy)
{
    int *named = malloc((p->ncols + 1) * sizeof *named);
    if (!named) return g5_why(why, nwhy, "out of memory");
    for (int c = 0; c < p->ncols; c++) named[c] = -1;
    if (dict && read_dict(p, dict, named, why, nwhy) < 0) {
        free(named);
        return -1;
    }
    for (int c = 0; c < p->ncols; c++) {
        double *v = p->v + (size_t)c * p->nrows;
        int n = 0, zero_one = 1, one_two = 1;
        double odd = NAN;
        for (int i = 0; i < p->nrows; i++) {
            if (isnan(v[i])) continue;
            n++;
            zero_one &= v[i] == 0 || v[i] == 1;
            one_two &= v[i] == 1 || v[i] == 2;
            if (v[i] != 0 && v[i] != 1 && v[i] != 2 && isnan(odd)) odd = v[i];
        }
        const char *how;
        int binary;
        if (named[c] >= 0) {
            binary = named[c] == G5_TRAIT_BINARY;
            how = "from the dictionary";
        } else {
            binary = n > 0 && (zero_one || one_two);
            how = n == 0 ? "no values: quantitative" : zero_one ? "values 0/1 only: binary"
                : one_two ? "values 1/2 only: binary, 1 control and 2 case as plink" : "quantitative values";
        }
        free(p->how[c]);
        free(p->bad[c]);
        p->how[c] = strdup(how);
        p->bad[c] = NULL;
        p->type[c] = binary ? G5_TRAIT_BINARY : G5_TRAIT_QUANT;
        char buf[160];
        if (n == 0) {
            p->bad[c] = strdup("no values");
        } else if (binary && !zero_one && !one_two) {
            if (isnan(odd)) snprintf(buf, sizeof buf, "binary, but holds 0, 1 and 2: cases and controls are 0/1 or 1/2");
            else snprintf(buf, sizeof buf, "binary, but holds %g: cases and controls are 0/1 or 1/2", odd);
            p->bad[c] = strdup(buf);
        } else if (binary && !zero_one) {
            for (int i = 0; i < p->nrows; i++) if (!isnan(v[i])) v[i] -= 1;     // plink's 1/2 to 0/1
        }
        if (!p->how[c] || (n == 0 && !p->bad[c])) {
            free(named);
            return g5_why(why, nwhy, "out of memory");
        }
    }
    free(named);
    return 0;
}
