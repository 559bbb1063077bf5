/*
 * sumstats.c -- read GWAS-SSF, plink2 --glm and REGENIE summary statistics.
 * See sumstats.h for the formats and the rules.
 */
#include "sumstats.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <htslib/bgzf.h>
#include <htslib/kstring.h>

#include "cli.h"
#include "ssf.h"

/* The fields a row is built from. */
enum key {
    K_CHROM, K_POS, K_EA, K_OA, K_BETA, K_OR, K_SE, K_EAF, K_P, K_LOG10P,
    K_RSID, K_N, K_NCASES, K_NCONTROLS, K_REFALLELE,
    // plink2's way of naming the alleles, and its row filters
    K_REF, K_ALT, K_A1, K_OMITTED, K_PROVREF, K_TEST, K_ERRCODE,
    NKEYS
};

/* The names of a key in each format, and the key a column map uses. */
static const struct {
    const char *map;            // key=COLUMN in a column map
    const char *ssf, *plink2, *regenie;
} names[NKEYS] = {
    [K_CHROM] = { "chromosome", "chromosome", "#CHROM", "CHROM" },
    [K_POS] = { "base_pair_location", "base_pair_location", "POS", "GENPOS" },
    [K_EA] = { "effect_allele", "effect_allele", NULL, "ALLELE1" },
    [K_OA] = { "other_allele", "other_allele", NULL, "ALLELE0" },
    [K_BETA] = { "beta", "beta", "BETA", "BETA" },
    [K_OR] = { "odds_ratio", "odds_ratio", "OR", NULL },
    [K_SE] = { "standard_error", "standard_error", "SE|LOG(OR)_SE", "SE" },
    [K_EAF] = { "effect_allele_frequency", "effect_allele_frequency", "A1_FREQ", "A1FREQ" },
    [K_P] = { "p_value", "p_value", "P", NULL },
    [K_LOG10P] = { "neg_log_10_p_value", "neg_log_10_p_value", "LOG10_P", "LOG10P" },
    [K_RSID] = { "rsid", "rsid", "ID", "ID" },
    [K_N] = { "n", "n", "OBS_CT", "N" },
    [K_NCASES] = { "n_cases", "n_cases", NULL, "N_CASES" },
    [K_NCONTROLS] = { "n_controls", "n_controls", NULL, "N_CONTROLS" },
    [K_REFALLELE] = { "ref_allele", "ref_allele", NULL, NULL },
    [K_REF] = { NULL, NULL, "REF", NULL },
    [K_ALT] = { NULL, NULL, "ALT", NULL },
    [K_A1] = { NULL, NULL, "A1", NULL },
    [K_OMITTED] = { NULL, NULL, "OMITTED", NULL },
    [K_PROVREF] = { NULL, NULL, "PROVISIONAL_REF?", NULL },
    [K_TEST] = { NULL, NULL, "TEST", "TEST" },
    [K_ERRCODE] = { NULL, NULL, "ERRCODE", NULL },
};

enum format { F_SSF, F_PLINK2, F_REGENIE };
static const char *format_names[] = { "GWAS-SSF", "plink2", "REGENIE" };

struct g5_sumstats {
    char *path;
    BGZF *fp;
    enum format format;
    int mapped;                 // a column map named some columns
    int tabs;                   // fields split on tabs, else on runs of spaces
    int col[NKEYS];             // column of each key, -1 when absent
    char **colname;             // the header's names
    int ncols;
    kstring_t line, ea, oa;
    char **field;
    long long lineno;
    int last_code;
    long long last_pos, last_line;
    g5_ss_meta_t meta;
    g5_ss_counts_t counts;
};

/* --- the sidecar ---------------------------------------------------------- */

char *g5_ss_yaml_scalar(char *v)
{
    while (*v == ' ') v++;
    size_t n = strlen(v);
    while (n && isspace((unsigned char)v[n - 1])) v[--n] = 0;
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v[n - 1] = 0;
        v++;
        // undo the writer's escapes of '"' and '\'
        char *w = v;
        for (char *r = v; *r; r++) {
            if (*r == '\\' && r[1]) r++;
            *w++ = *r;
        }
        *w = 0;
    }
    return v;
}

const char *g5_ss_meta_value(const g5_ss_meta_t *m, const char *key)
{
    for (int i = 0; i < m->nkeys; i++)
        if (!strcmp(m->key[i], key)) return m->value[i];
    return NULL;
}

static long long meta_count(const g5_ss_meta_t *m, const char *key)
{
    const char *v = g5_ss_meta_value(m, key);
    char *end;
    if (!v) return -1;
    long long x = strtoll(v, &end, 10);
    return end != v && !*end && x >= 0 ? x : -1;
}

int g5_ss_meta_read(const char *path, g5_ss_meta_t *m, char *why, size_t nwhy)
{
    memset(m, 0, sizeof *m);
    m->sample_size = m->case_count = m->control_count = -1;
    m->case_control = -1;
    kstring_t side = KS_INITIALIZE;
    ksprintf(&side, "%s-meta.yaml", path);
    FILE *fp = fopen(side.s, "r");
    if (!fp) {
        int r = errno == ENOENT ? 0 : g5_why(why, nwhy, "cannot read \"%s\": %s", side.s, strerror(errno));
        free(side.s);
        return r;
    }
    char *buf = NULL, *pending = NULL;
    size_t cap = 0;
    int status = 1;
    while (getline(&buf, &cap, fp) > 0) {
        char *s = buf, *value;
        while (*s == ' ') s++;
        int item = s[0] == '-' && s[1] == ' ';
        if (item) s += 2;
        while (*s == ' ') s++;
        if (*s == '#' || !*s || *s == '\n') continue;
        char *colon = *s == '"' || *s == '\'' ? NULL : strstr(s, ": ");
        if (item && !colon) {
            // a list's first scalar item is the value of the key above it
            if (!pending) continue;
            value = s;
            s = pending;
        } else {
            size_t n = strcspn(s, "\r\n");
            free(pending);
            pending = NULL;
            if (!colon && n && s[n - 1] == ':') {
                // "key:" alone: a list or a mapping follows
                s[n - 1] = 0;
                pending = strdup(s);
                continue;
            }
            if (!colon) continue;               // not YAML we read
            *colon = 0;
            value = colon + 2;
        }
        if (g5_ss_meta_value(m, s)) {
            if (s == pending) free(pending), pending = NULL;
            continue;
        }
        char **nk = realloc(m->key, (m->nkeys + 1) * sizeof *nk), **nv;
        if (nk) m->key = nk;
        nv = nk ? realloc(m->value, (m->nkeys + 1) * sizeof *nv) : NULL;
        if (nv) m->value = nv;
        if (!nk || !nv || !(m->key[m->nkeys] = strdup(s))) {
            status = g5_why(why, nwhy, "out of memory");
            break;
        }
        if (!(m->value[m->nkeys] = strdup(g5_ss_yaml_scalar(value)))) {
            free(m->key[m->nkeys]);
            status = g5_why(why, nwhy, "out of memory");
            break;
        }
        m->nkeys++;
        if (s == pending) free(pending), pending = NULL;
    }
    free(pending);
    if (status > 0 && ferror(fp)) status = g5_why(why, nwhy, "cannot read \"%s\": %s", side.s, strerror(errno));
    fclose(fp);
    free(buf);
    free(side.s);
    if (status < 0) {
        g5_ss_meta_free(m);
        return -1;
    }
    // pointers into the key list, which owns the strings
    m->genome_assembly = (char *)g5_ss_meta_value(m, "genome_assembly");
    m->trait_description = (char *)g5_ss_meta_value(m, "trait_description");
    m->analysis_software = (char *)g5_ss_meta_value(m, "analysis_software");
    m->sample_size = meta_count(m, "sample_size");
    m->case_count = meta_count(m, "case_count");
    m->control_count = meta_count(m, "control_count");
    const char *cc = g5_ss_meta_value(m, "case_control_study");
    if (cc) m->case_control = !strcasecmp(cc, "true") ? 1 : !strcasecmp(cc, "false") ? 0 : -1;
    return 1;
}

void g5_ss_meta_free(g5_ss_meta_t *m)
{
    for (int i = 0; i < m->nkeys; i++) {
        free(m->key[i]);
        free(m->value[i]);
    }
    free(m->key);
    free(m->value);
    memset(m, 0, sizeof *m);
}

/* --- the header ----------------------------------------------------------- */

/* Split s in place into fields; returns their number (at most max). */
static int split(char *s, int tabs, char **f, int max)
{
    int n = 0;
    if (tabs) {
        while (n < max) {
            f[n++] = s;
            if (!(s = strchr(s, '\t'))) break;
            *s++ = 0;
        }
        return n;
    }
    for (;;) {
        while (*s == ' ') s++;
        if (!*s || n == max) return n;
        f[n++] = s;
        while (*s && *s != ' ') s++;
        if (!*s) return n;
        *s++ = 0;
    }
}

/* The column named by one of @p alternatives, '|'-separated. */
static int find_col(const g5_sumstats_t *s, const char *alternatives)
{
    for (const char *n = alternatives; n && *n;) {
        size_t len = strcspn(n, "|");
        for (int i = 0; i < s->ncols; i++)
            if (strlen(s->colname[i]) == len && !strncmp(s->colname[i], n, len)) return i;
        n += len + (n[len] == '|');
    }
    return -1;
}

static void preset(g5_sumstats_t *s, enum format f)
{
    s->format = f;
    for (int k = 0; k < NKEYS; k++) {
        const char *n = f == F_SSF ? names[k].ssf : f == F_PLINK2 ? names[k].plink2 : names[k].regenie;
        s->col[k] = find_col(s, n);
    }
}

/* Apply a column map "preset,key=COL,...". */
static int apply_map(g5_sumstats_t *s, const char *spec, char *why, size_t nwhy)
{
    char *copy = strdup(spec), *save = NULL;
    if (!copy) return g5_why(why, nwhy, "out of memory");
    int first = 1, r = 0;
    preset(s, F_SSF);
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save), first = 0) {
        char *eq = strchr(item, '=');
        if (!eq) {
            int f = !strcmp(item, "ssf") ? F_SSF : !strcmp(item, "plink2") ? F_PLINK2
                    : !strcmp(item, "regenie") ? F_REGENIE : -1;
            if (f < 0 || !first) {
                r = g5_why(why, nwhy, "column map \"%s\": \"%s\" is neither a format (ssf, plink2, regenie) "
                           "given first nor key=COLUMN", spec, item);
                break;
            }
            preset(s, f);
            continue;
        }
        *eq = 0;
        int k;
        for (k = 0; k < NKEYS; k++)
            if (names[k].map && !strcmp(names[k].map, item)) break;
        if (k == NKEYS) {
            r = g5_why(why, nwhy, "column map \"%s\": unknown key \"%s\" (the GWAS-SSF column names)", spec, item);
            break;
        }
        s->col[k] = -1;
        for (int i = 0; i < s->ncols && s->col[k] < 0; i++)
            if (!strcmp(s->colname[i], eq + 1)) s->col[k] = i;
        if (s->col[k] < 0) {
            r = g5_why(why, nwhy, "\"%s\" has no column \"%s\" (column map: %s=%s)", s->path, eq + 1, item, eq + 1);
            break;
        }
        s->mapped = 1;
    }
    free(copy);
    return r;
}

static int read_header(g5_sumstats_t *s, const char *columns, char *why, size_t nwhy)
{
    int r;
    // leading "##" lines (VCF-style) and "# " comments come before the header
    while ((r = bgzf_getline(s->fp, '\n', &s->line)) >= 0) {
        s->lineno++;
        if (s->line.l && s->line.s[s->line.l - 1] == '\r') s->line.s[--s->line.l] = 0;
        if (strncmp(s->line.s, "##", 2) && strncmp(s->line.s, "# ", 2)) break;
    }
    if (r < -1) return g5_why(why, nwhy, "cannot read \"%s\": not a readable text, gzip or BGZF file", s->path);
    if (r < 0 || !s->line.l) return g5_why(why, nwhy, "\"%s\" is empty: no header line", s->path);
    s->tabs = strchr(s->line.s, '\t') != NULL;
    int max = 1;
    for (size_t i = 0; i < s->line.l; i++) max += s->line.s[i] == '\t' || s->line.s[i] == ' ';
    s->colname = calloc(max, sizeof *s->colname);
    s->field = calloc(max + 1, sizeof *s->field);
    if (!s->colname || !s->field) return g5_why(why, nwhy, "out of memory");
    char **f = s->field;
    s->ncols = split(s->line.s, s->tabs, f, max);
    for (int i = 0; i < s->ncols; i++)
        if (!(s->colname[i] = strdup(f[i]))) return g5_why(why, nwhy, "out of memory");
    if (columns) {
        if (apply_map(s, columns, why, nwhy) < 0) return -1;
    } else if (find_col(s, "#CHROM") == 0) {
        preset(s, F_PLINK2);
    } else if (find_col(s, "GENPOS") >= 0 && find_col(s, "ALLELE1") >= 0) {
        preset(s, F_REGENIE);
    } else if (find_col(s, "chromosome") >= 0) {
        preset(s, F_SSF);
    } else {
        return g5_why(why, nwhy, "\"%s\" line %lld: a header neither GWAS-SSF (chromosome ...), plink2 "
                      "(#CHROM ...) nor REGENIE (CHROM GENPOS ...); name its columns with a column map",
                      s->path, s->lineno);
    }
    // what every row needs
    const char *miss = NULL;
    if (s->col[K_CHROM] < 0) miss = "chromosome";
    else if (s->col[K_POS] < 0) miss = "base_pair_location";
    else if (s->col[K_BETA] < 0 && s->col[K_OR] < 0) miss = "beta or odds_ratio";
    else if (s->col[K_SE] < 0) miss = "standard_error";
    else if (s->col[K_P] < 0 && s->col[K_LOG10P] < 0) miss = "p_value";
    else if (s->format == F_PLINK2 && s->col[K_EA] < 0) {
        // plink2's alleles, unless a column map named effect_allele
        if (s->col[K_A1] < 0) miss = "A1";
        else if (s->col[K_OMITTED] < 0 && (s->col[K_REF] < 0 || s->col[K_ALT] < 0)) miss = "REF and ALT";
    } else if (s->col[K_EA] < 0) miss = "effect_allele";
    else if (s->col[K_OA] < 0) miss = "other_allele";
    if (miss)
        return g5_why(why, nwhy, "\"%s\" line %lld: no %s column (read as %s)", s->path, s->lineno, miss,
                      format_names[s->format]);
    if (s->col[K_EA] >= 0) s->col[K_A1] = -1;
    return 0;
}

g5_sumstats_t *g5_sumstats_open(const char *path, const char *columns, char *why, size_t nwhy)
{
    g5_sumstats_t *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        g5_why(why, nwhy, "out of memory");
        return NULL;
    }
    if (!(s->fp = bgzf_open(path, "r"))) {
        g5_why(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
        goto fail;
    }
    if (read_header(s, columns, why, nwhy) < 0) goto fail;
    if (g5_ss_meta_read(path, &s->meta, why, nwhy) < 0) goto fail;
    return s;
fail:
    g5_sumstats_close(s);
    return NULL;
}

/* --- rows ----------------------------------------------------------------- */

static int is_missing(const char *v)
{
    return !*v || !strcmp(v, "NA") || !strcmp(v, "#NA") || !strcmp(v, ".") || !strcasecmp(v, "nan");
}

/* A number from column key; NaN when absent or missing.  -1 on garbage. */
static int number(g5_sumstats_t *s, int key, double *out, char *why, size_t nwhy)
{
    *out = NAN;
    int c = s->col[key];
    if (c < 0 || is_missing(s->field[c])) return 0;
    char *end;
    errno = 0;
    double v = strtod(s->field[c], &end);
    if (end == s->field[c] || *end || isnan(v))
        return g5_why(why, nwhy, "\"%s\" line %lld column %d (%s): \"%s\" is not a number", s->path, s->lineno,
                      c + 1, s->colname[c], s->field[c]);
    *out = v;
    return 0;
}

static void upper(char *a)
{
    for (; *a; a++) *a = toupper((unsigned char)*a);
}

/* EA, OA and which one is the reference's, from the row's columns. */
static int alleles(g5_sumstats_t *s, g5_ss_row_t *r, char *why, size_t nwhy)
{
    char **f = s->field;
    s->ea.l = s->oa.l = 0;
    r->ref = G5_SSF_REF_UNKNOWN;
    if (s->col[K_A1] >= 0) {
        // plink2: A1 against REF/ALT (or OMITTED, the allele A1 was tested against)
        const char *a1 = f[s->col[K_A1]];
        const char *ref = s->col[K_REF] >= 0 ? f[s->col[K_REF]] : NULL;
        kputs(a1, &s->ea);
        if (s->col[K_OMITTED] >= 0) {
            kputs(f[s->col[K_OMITTED]], &s->oa);
        } else {
            const char *alt = f[s->col[K_ALT]];
            if (!strcmp(a1, ref)) kputs(alt, &s->oa);
            else kputs(ref, &s->oa);
        }
        upper(s->ea.s);
        upper(s->oa.s);
        if (strchr(s->oa.s, ','))
            return g5_why(why, nwhy, "\"%s\" line %lld: a multiallelic row with no OMITTED column: rerun "
                          "plink2 --glm with cols=+omitted or split the site", s->path, s->lineno);
        int provisional = s->col[K_PROVREF] >= 0 && !strcmp(f[s->col[K_PROVREF]], "Y");
        if (ref && !provisional)    // EA and OA are upper case already
            r->ref = !strcasecmp(ref, s->ea.s) ? G5_SSF_REF_EA : !strcasecmp(ref, s->oa.s) ? G5_SSF_REF_OA
                                                                                           : G5_SSF_REF_UNKNOWN;
    } else {
        kputs(f[s->col[K_EA]], &s->ea);
        kputs(f[s->col[K_OA]], &s->oa);
        upper(s->ea.s);
        upper(s->oa.s);
        if (s->col[K_REFALLELE] >= 0) {
            const char *v = f[s->col[K_REFALLELE]];
            r->ref = !strcmp(v, "EA") ? G5_SSF_REF_EA : !strcmp(v, "OA") ? G5_SSF_REF_OA : G5_SSF_REF_UNKNOWN;
        }
    }
    if (!s->ea.l || !s->oa.l || !strcmp(s->ea.s, s->oa.s))
        return g5_why(why, nwhy, "\"%s\" line %lld: effect allele \"%s\" and other allele \"%s\" must be two "
                      "different alleles", s->path, s->lineno, s->ea.s, s->oa.s);
    r->ea = s->ea.s;
    r->oa = s->oa.s;
    return 0;
}

int g5_sumstats_next(g5_sumstats_t *s, g5_ss_row_t *r, char *why, size_t nwhy)
{
    int got;
    while ((got = bgzf_getline(s->fp, '\n', &s->line)) >= 0) {
        s->lineno++;
        if (s->line.l && s->line.s[s->line.l - 1] == '\r') s->line.s[--s->line.l] = 0;
        if (!s->line.l) continue;
        s->counts.rows++;
        int n = split(s->line.s, s->tabs, s->field, s->ncols + 1);
        if (n != s->ncols)
            return g5_why(why, nwhy, "\"%s\" line %lld: %d fields where the header has %d", s->path, s->lineno, n,
                          s->ncols);
        char **f = s->field;
        int code = g5_ssf_chrom_code(f[s->col[K_CHROM]]);
        char *end;
        long long pos = strtoll(f[s->col[K_POS]], &end, 10);
        if (end == f[s->col[K_POS]] || *end || pos <= 0)
            return g5_why(why, nwhy, "\"%s\" line %lld column %d (%s): \"%s\" is not a position", s->path,
                          s->lineno, s->col[K_POS] + 1, s->colname[s->col[K_POS]], f[s->col[K_POS]]);
        if (!code) {
            s->counts.contig++;
            continue;
        }
        if (code < s->last_code || (code == s->last_code && pos < s->last_pos))
            return g5_why(why, nwhy, "\"%s\" line %lld: %s:%lld comes after line %lld's position: summary "
                          "statistics must be sorted by chromosome (1-22, X, Y, MT) and position", s->path,
                          s->lineno, f[s->col[K_CHROM]], pos, s->last_line);
        s->last_code = code;
        s->last_pos = pos;
        s->last_line = s->lineno;
        if (s->col[K_TEST] >= 0 && strcmp(f[s->col[K_TEST]], "ADD")) {
            s->counts.not_additive++;
            continue;
        }
        if (s->col[K_ERRCODE] >= 0 && strcmp(f[s->col[K_ERRCODE]], ".")) {
            s->counts.missing++;
            continue;
        }
        double beta, se, p, l10;
        if (number(s, s->col[K_BETA] >= 0 ? K_BETA : K_OR, &beta, why, nwhy) < 0) return -1;
        if (number(s, K_SE, &se, why, nwhy) < 0) return -1;
        if (number(s, s->col[K_P] >= 0 ? K_P : K_LOG10P, &p, why, nwhy) < 0) return -1;
        if (isnan(beta) || isnan(se) || isnan(p)) {
            s->counts.missing++;
            continue;
        }
        if (s->col[K_BETA] < 0) {
            if (!(beta > 0))
                return g5_why(why, nwhy, "\"%s\" line %lld column %d (%s): an odds ratio must be above 0", s->path,
                              s->lineno, s->col[K_OR] + 1, s->colname[s->col[K_OR]]);
            beta = log(beta);
        }
        if (s->col[K_P] < 0) {
            l10 = p;
            p = pow(10, -l10);
        }
        if (!(p >= 0 && p <= 1) || !(se > 0) || !isfinite(beta)) {
            int k = !(p >= 0 && p <= 1) ? (s->col[K_P] >= 0 ? K_P : K_LOG10P) : !(se > 0) ? K_SE
                    : s->col[K_BETA] >= 0 ? K_BETA : K_OR;
            return g5_why(why, nwhy, "\"%s\" line %lld column %d (%s): \"%s\" is out of range", s->path, s->lineno,
                          s->col[k] + 1, s->colname[s->col[k]], f[s->col[k]]);
        }
        r->code = code;
        r->pos = pos;
        r->beta = beta;
        r->se = se;
        r->p = p;
        if (number(s, K_EAF, &r->eaf, why, nwhy) < 0 || number(s, K_N, &r->n, why, nwhy) < 0 ||
            number(s, K_NCASES, &r->n_cases, why, nwhy) < 0 || number(s, K_NCONTROLS, &r->n_controls, why, nwhy) < 0)
            return -1;
        if (!isnan(r->eaf) && !(r->eaf >= 0 && r->eaf <= 1))
            return g5_why(why, nwhy, "\"%s\" line %lld column %d (%s): \"%s\" is not a frequency", s->path,
                          s->lineno, s->col[K_EAF] + 1, s->colname[s->col[K_EAF]], f[s->col[K_EAF]]);
        r->rsid = s->col[K_RSID] >= 0 && !is_missing(f[s->col[K_RSID]]) ? f[s->col[K_RSID]] : NULL;
        r->line = s->lineno;
        if (alleles(s, r, why, nwhy) < 0) return -1;
        s->counts.used++;
        return 1;
    }
    if (got < -1) return g5_why(why, nwhy, "cannot read \"%s\" after line %lld: corrupt or truncated", s->path,
                                s->lineno);
    return 0;
}

const char *g5_sumstats_format(const g5_sumstats_t *s)
{
    return s->mapped ? "mapped" : format_names[s->format];
}

int g5_sumstats_has_eaf(const g5_sumstats_t *s)
{
    return s->col[K_EAF] >= 0;
}

const g5_ss_meta_t *g5_sumstats_meta(const g5_sumstats_t *s)
{
    return &s->meta;
}

const g5_ss_counts_t *g5_sumstats_counts(const g5_sumstats_t *s)
{
    return &s->counts;
}

void g5_sumstats_close(g5_sumstats_t *s)
{
    if (!s) return;
    if (s->fp) bgzf_close(s->fp);
    for (int i = 0; i < s->ncols; i++) free(s->colname[i]);
    free(s->colname);
    free(s->field);
    free(s->line.s);
    free(s->ea.s);
    free(s->oa.s);
    g5_ss_meta_free(&s->meta);
    free(s->path);
    free(s);
}
