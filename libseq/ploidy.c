/*
 * ploidy.c -- ploidy by contig, region and sex; sexes by sample.  See
 * ploidy.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <htslib/hts.h>
#include <htslib/kstring.h>

#include "ploidy.h"

typedef struct rule {
    int tid;                /* -1: every contig */
    hts_pos_t beg, end;     /* 0-based [beg, end); whole contig: 0, HTS_POS_MAX */
    char sex;               /* 'M', 'F' or '*' */
    int ploidy;
} rule_t;

struct g5_ploidy {
    int deflt;
    rule_t *rules;          /* in file order */
    size_t n;
};

static int parse_pos(const char *s, hts_pos_t *v)
{
    char *end;
    long long x = strtoll(s, &end, 10);
    if (end == s || *end || x < 1) return -1;
    *v = x;
    return 0;
}

g5_ploidy_t *g5_ploidy_load(const char *path, const sam_hdr_t *h, int deflt, char *why, size_t nwhy)
{
    g5_ploidy_t *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(why, nwhy, "out of memory");
        return NULL;
    }
    p->deflt = deflt;
    if (!path) return p;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
        g5_ploidy_destroy(p);
        return NULL;
    }
    char line[4096];
    size_t lineno = 0, m = 0;
    int bad = 0;
    while (!bad && fgets(line, sizeof line, fp)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char chrom[1024], from[64], to[64], sex[16];
        int ploidy, n = sscanf(line, "%1023s %63s %63s %15s %d", chrom, from, to, sex, &ploidy);
        if (n <= 0) continue;
        rule_t r = { -1, 0, HTS_POS_MAX, '*', 0 };
        if (n != 5 || ploidy < 0 || ploidy > 2 || (strcmp(sex, "M") && strcmp(sex, "F") && strcmp(sex, "*"))) {
            bad = 1;
            break;
        }
        if (strcmp(from, "*") || strcmp(to, "*")) {
            if (parse_pos(from, &r.beg) < 0 || parse_pos(to, &r.end) < 0 || r.end < r.beg) {
                bad = 1;
                break;
            }
            r.beg--;    // 1-based inclusive to 0-based half-open
        }
        if (strcmp(chrom, "*") && (r.tid = sam_hdr_name2tid((sam_hdr_t *)h, chrom)) < 0) continue;
        r.sex = sex[0];
        r.ploidy = ploidy;
        if (p->n == m) {
            m = m ? 2 * m : 16;
            rule_t *x = realloc(p->rules, m * sizeof *x);
            if (!x) {
                snprintf(why, nwhy, "out of memory");
                fclose(fp);
                g5_ploidy_destroy(p);
                return NULL;
            }
            p->rules = x;
        }
        p->rules[p->n++] = r;
    }
    fclose(fp);
    if (bad) {
        snprintf(why, nwhy, "\"%s\" line %zu: want CHROM FROM TO SEX PLOIDY (SEX M, F or *; PLOIDY 0, 1 or 2)",
                 path, lineno);
        g5_ploidy_destroy(p);
        return NULL;
    }
    return p;
}

int g5_ploidy_at(const g5_ploidy_t *p, int tid, hts_pos_t pos, char sex)
{
    int best = -1, best_specific = 0;
    for (size_t i = 0; i < p->n; i++) {
        const rule_t *r = &p->rules[i];
        if ((r->tid != -1 && r->tid != tid) || pos < r->beg || pos >= r->end) continue;
        if (r->sex != '*' && r->sex != sex) continue;
        int specific = r->tid != -1;
        if (specific >= best_specific) {
            best = r->ploidy;
            best_specific = specific;
        }
    }
    return best < 0 ? p->deflt : best;
}

void g5_ploidy_destroy(g5_ploidy_t *p)
{
    if (!p) return;
    free(p->rules);
    free(p);
}

static char sex_of(const char *s)
{
    if (!strcasecmp(s, "M") || !strcasecmp(s, "male") || !strcmp(s, "1")) return 'M';
    if (!strcasecmp(s, "F") || !strcasecmp(s, "female") || !strcmp(s, "2")) return 'F';
    return 'U';
}

int g5_ploidy_sexes(const char *path, int ns, const char *const *samples, char *sex, char *why, size_t nwhy)
{
    for (int i = 0; i < ns; i++) sex[i] = 0;    // 0: not in the file (yet)
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
        return -1;
    }
    char line[4096];
    int col = 1, first = 1;     // the column holding the sex: 1, or inferred_sex's
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#') continue;
        char *f[64];
        int nf = 0;
        for (char *s = line; nf < 64; ) {
            f[nf++] = s;
            char *t = strchr(s, '\t');
            if (!t) break;
            *t = '\0';
            s = t + 1;
        }
        if (first && strcmp(f[0], "sample") == 0) {     // a header: g5 coverage's sex.tsv, or named columns
            for (int c = 1; c < nf; c++)
                if (!strcmp(f[c], "inferred_sex") || !strcmp(f[c], "sex")) col = c;
            first = 0;
            continue;
        }
        first = 0;
        if (nf <= col) continue;
        for (int i = 0; i < ns; i++)
            if (strcmp(f[0], samples[i]) == 0) sex[i] = sex_of(f[col]);
    }
    fclose(fp);
    for (int i = 0; i < ns; i++)
        if (!sex[i]) {
            snprintf(why, nwhy, "sample \"%s\" is not in \"%s\"", samples[i], path);
            return -1;
        }
    return 0;
}
