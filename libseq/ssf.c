/*
 * ssf.c -- GWAS-SSF v1.1 summary statistics.  See ssf.h for the design and
 * the decisions taken from the spec.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <htslib/bgzf.h>
#include <htslib/kstring.h>
#include <htslib/tbx.h>

#include "cli.h"
#include "digest.h"
#include "fmt.h"
#include "out.h"
#include "ssf.h"

/* Rows are gathered into blocks of this size before they go to BGZF. */
#define FLUSH_AT (256 * 1024)

/* The missing-value token of GWAS-SSF v1.1. */
#define NA "#NA"

/* tabix: chromosome in column 1, position in column 2 as both begin and
 * end (1-based, generic preset), the column header line skipped. */
static const tbx_conf_t ssf_tbx_conf = { TBX_GENERIC, 1, 2, 2, '#', 1 };

struct g5_ssf {
    g5_out_t *data, *index, *meta;
    BGZF *fp;
    kstring_t buf;
    g5_ssf_run_t run;       // g5_ssf_write's one-row run
    int effect, case_control;
    int nextra;             // columns after the standard ones (g5_ssf_columns)
    int last_code;          // the previous row's chromosome code (0: none yet)
    long long last_pos;
    long long nrows;
};

/* The usual name of a chromosome code, for messages: "7", "X", "MT". */
static const char *code_name(int code, char buf[4])
{
    static const char *const names[] = { "X", "Y", "MT" };
    if (code >= 23 && code <= 25) return names[code - 23];
    snprintf(buf, 4, "%d", code);
    return buf;
}

int g5_ssf_chrom_code(const char *chrom)
{
    if (!chrom) return 0;
    if (strncasecmp(chrom, "chr", 3) == 0) chrom += 3;
    if (!strcasecmp(chrom, "X")) return 23;
    if (!strcasecmp(chrom, "Y")) return 24;
    if (!strcasecmp(chrom, "MT") || !strcasecmp(chrom, "M")) return 25;
    // 1..25, digits only, no leading zero
    if (chrom[0] < '1' || chrom[0] > '9') return 0;
    int v = 0;
    for (const char *c = chrom; *c; c++) {
        if (*c < '0' || *c > '9' || c - chrom >= 2) return 0;
        v = v * 10 + (*c - '0');
    }
    return v <= 25 ? v : 0;
}

long long g5_ssf_nrows(const g5_ssf_t *s)
{
    return s->nrows;
}

/* --- checksums ------------------------------------------------------- */

int g5_ssf_md5_buf(const void *buf, size_t n, char hex[33])
{
    return g5_digest_buf(G5_MD5, buf, n, hex);
}

int g5_ssf_md5_file(const char *path, char hex[33], char *why, size_t nwhy)
{
    return g5_digest_file(G5_MD5, path, hex, NULL, why, nwhy);
}

/* --- writing ---------------------------------------------------------- */

static char *with_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    char *s = malloc(n + m + 1);
    if (s) {
        memcpy(s, path, n);
        memcpy(s + n, suffix, m + 1);
    }
    return s;
}

g5_ssf_t *g5_ssf_open(const char *path, int effect, int case_control, char *why, size_t nwhy)
{
    if (effect != G5_SSF_BETA && effect != G5_SSF_ODDS_RATIO) {
        g5_why(why, nwhy, "unknown effect kind %d (beta or odds_ratio)", effect);
        return NULL;
    }
    if (!path || !*path || !strcmp(path, "-")) {
        g5_why(why, nwhy, "a summary statistics file needs a file name (it is indexed)");
        return NULL;
    }
    errno = 0;
    g5_ssf_t *s = calloc(1, sizeof *s);
    char *tbi = with_suffix(path, ".tbi"), *yaml = with_suffix(path, "-meta.yaml");
    if (!s || !tbi || !yaml) goto fail;
    s->effect = effect;
    s->case_control = case_control != 0;
    if (!(s->data = g5_out_open(path)) || !(s->index = g5_out_open(tbi))
        || !(s->meta = g5_out_open(yaml)))
        goto fail;
    // zlib level 1: a hundred traits' files are compressed in the time one
    // takes at bgzip's level 6, for a seventh more bytes
    if (!(s->fp = bgzf_open(g5_out_path(s->data), "w1"))) goto fail;
    // The column header is the first line: the spec allows nothing before it
    // (provenance goes into the metadata's analysis_software instead).
    if (ksprintf(&s->buf, "chromosome\tbase_pair_location\teffect_allele\tother_allele\t%s\t"
                 "standard_error\teffect_allele_frequency\tp_value\trsid\tn\tref_allele\tz_score%s\n",
                 effect == G5_SSF_ODDS_RATIO ? "odds_ratio" : "beta",
                 s->case_control ? "\tn_cases\tn_controls" : "") < 0)
        goto fail;
    free(tbi);
    free(yaml);
    return s;
fail:
    g5_why(why, nwhy, "cannot create \"%s\": %s", path, strerror(errno ? errno : ENOMEM));
    free(tbi);
    free(yaml);
    g5_ssf_abort(s);
    return NULL;
}

int g5_ssf_columns(g5_ssf_t *s, const char *names)
{
    // the header is still the only text buffered
    if (s->nrows || s->nextra || !names || !*names || !s->buf.l || s->buf.s[s->buf.l - 1] != '\n') {
        errno = EINVAL;
        return -1;
    }
    s->buf.l--;
    s->nextra = 1;
    for (const char *c = names; *c; c++) s->nextra += *c == '\t';
    if (kputc('\t', &s->buf) < 0 || kputs(names, &s->buf) < 0 || kputc('\n', &s->buf) < 0) return -1;
    return 0;
}

static int flush_buf(g5_ssf_t *s)
{
    if (s->buf.l && bgzf_write(s->fp, s->buf.s, s->buf.l) != (ssize_t)s->buf.l) {
        if (!errno) errno = EIO;
        return -1;
    }
    s->buf.l = 0;
    return 0;
}

static int is_acgt(const char *a)
{
    if (!a || !*a) return 0;
    for (; *a; a++)
        if (!strchr("ACGT", *a)) return 0;
    return 1;
}

/* rs followed by digits only; anything else (".", "1:123:A:G") is not an rsID. */
static int is_rsid(const char *id)
{
    if (!id || strncmp(id, "rs", 2) || !id[2]) return 0;
    for (id += 2; *id; id++)
        if (*id < '0' || *id > '9') return 0;
    return 1;
}

static void put_count(kstring_t *k, long long v)
{
    if (v < 0) kputs(NA, k);
    else ksprintf(k, "%lld", v);
}

int g5_ssf_pool(g5_ssf_t *s, htsThreadPool *pool)
{
    return pool && pool->pool ? bgzf_thread_pool(s->fp, pool->pool, pool->qsize) : 0;
}

int g5_ssf_allele_ok(const char *a)
{
    return is_acgt(a);
}

int g5_ssf_format(const g5_ssf_t *s, g5_ssf_run_t *run, const g5_ssf_row_t *r, char *why, size_t nwhy)
{
    const char *chrom = r->chrom ? r->chrom : "(none)";
    int code = g5_ssf_chrom_code(r->chrom);
    if (!code)
        return g5_why(why, nwhy, "contig \"%s\" has no GWAS-SSF code (1-22, X, Y, MT)", chrom);
    if (r->pos <= 0)
        return g5_why(why, nwhy, "%s:%lld: the position must be 1 or more", chrom, r->pos);
    if (run->nrows && (code < run->last_code || (code == run->last_code && r->pos < run->last_pos))) {
        char buf[4];
        const char *pn = code_name(run->last_code, buf);
        return g5_why(why, nwhy, "%s:%lld comes after %s:%lld: rows must be sorted by chromosome "
                      "(1-22, X, Y, MT) and position", chrom, r->pos, pn, run->last_pos);
    }
    if (!is_acgt(r->ea) || !is_acgt(r->oa))
        return g5_why(why, nwhy, "%s:%lld: alleles \"%s\" and \"%s\" must both be A, C, G, T only",
                      chrom, r->pos, r->ea ? r->ea : "", r->oa ? r->oa : "");
    double effect = s->effect == G5_SSF_ODDS_RATIO ? exp(r->beta) : r->beta;
    const char *bad = !isfinite(r->beta) || !isfinite(effect) ? "the effect"
                    : !isfinite(r->se) || r->se < 0 ? "the standard error"
                    : !(r->eaf >= 0 && r->eaf <= 1) ? "the effect allele frequency"
                    : !(r->p >= 0 && r->p <= 1) ? "the p-value" : NULL;
    if (bad)
        return g5_why(why, nwhy, "%s:%lld %s/%s: %s is missing or out of range (a mandatory "
                      "GWAS-SSF field)", chrom, r->pos, r->ea, r->oa, bad);

    kstring_t *k = &run->text;
    size_t start = k->l;
    char num[32];
    int e = kputw(code, k) < 0;
    kputc('\t', k);
    kputll(r->pos, k);
    kputc('\t', k);
    kputs(r->ea, k);
    kputc('\t', k);
    kputs(r->oa, k);
    const double v[4] = { effect, r->se, r->eaf, r->p };
    for (int i = 0; i < 4; i++) {
        kputc('\t', k);
        kputsn(num, g5_fmt_g(num, v[i], 7), k);
    }
    kputc('\t', k);
    kputs(is_rsid(r->rsid) ? r->rsid : NA, k);
    kputc('\t', k);
    put_count(k, r->n);
    kputs(r->ref == G5_SSF_REF_EA ? "\tEA" : r->ref == G5_SSF_REF_OA ? "\tOA" : "\t" NA, k);
    kputc('\t', k);
    if (isfinite(r->z)) kputsn(num, g5_fmt_g(num, r->z, 7), k);
    else kputs(NA, k);
    if (s->case_control) {
        kputc('\t', k);
        put_count(k, r->n_cases);
        kputc('\t', k);
        put_count(k, r->n_controls);
    }
    if (s->nextra) {
        int n = r->extra ? 1 : 0;
        for (const char *c = r->extra ? r->extra : ""; *c; c++) n += *c == '\t';
        if (n != s->nextra) {
            k->l = start;
            return g5_why(why, nwhy, "%s:%lld: %d extra fields for %d extra columns", chrom, r->pos, n, s->nextra);
        }
        kputc('\t', k);
        kputs(r->extra, k);
    }
    if (e || kputc('\n', k) < 0) {
        k->l = start;
        return g5_why(why, nwhy, "out of memory");
    }
    if (!run->nrows) {
        run->first_code = code;
        run->first_pos = r->pos;
    }
    run->last_code = code;
    run->last_pos = r->pos;
    run->nrows++;
    return 0;
}

int g5_ssf_append(g5_ssf_t *s, const g5_ssf_run_t *run, char *why, size_t nwhy)
{
    if (!run->nrows) return 0;
    if (s->nrows && (run->first_code < s->last_code || (run->first_code == s->last_code
                                                         && run->first_pos < s->last_pos))) {
        char a[4], b[4];
        return g5_why(why, nwhy, "%s:%lld comes after %s:%lld: rows must be sorted by chromosome "
                      "(1-22, X, Y, MT) and position", code_name(run->first_code, a), run->first_pos,
                      code_name(s->last_code, b), s->last_pos);
    }
    if (flush_buf(s) < 0 || bgzf_write(s->fp, run->text.s, run->text.l) != (ssize_t)run->text.l) {
        if (!errno) errno = EIO;
        return g5_why(why, nwhy, "cannot write \"%s\": %s", g5_out_final(s->data), strerror(errno));
    }
    s->last_code = run->last_code;
    s->last_pos = run->last_pos;
    s->nrows += run->nrows;
    return 0;
}

void g5_ssf_run_clear(g5_ssf_run_t *run)
{
    run->text.l = 0;
    run->nrows = 0;
}

int g5_ssf_write(g5_ssf_t *s, const g5_ssf_row_t *r, char *why, size_t nwhy)
{
    // one row is a run of one that continues the file's order
    g5_ssf_run_t *run = &s->run;
    run->nrows = s->nrows;
    run->last_code = s->last_code;
    run->last_pos = s->last_pos;
    run->text.l = 0;
    if (g5_ssf_format(s, run, r, why, nwhy) < 0) return -1;
    if (kputsn(run->text.s, run->text.l, &s->buf) < 0) return g5_why(why, nwhy, "out of memory");
    s->last_code = run->last_code;
    s->last_pos = run->last_pos;
    s->nrows++;
    if (s->buf.l >= FLUSH_AT && flush_buf(s) < 0)
        return g5_why(why, nwhy, "cannot write \"%s\": %s", g5_out_final(s->data), strerror(errno));
    return 0;
}

/* --- metadata --------------------------------------------------------- */

/* A YAML double-quoted scalar: quotes, backslashes and control characters
 * escaped, so free text can never change the document's structure. */
static void put_yaml_str(FILE *fp, const char *v)
{
    putc('"', fp);
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if (*c == '"' || *c == '\\') fprintf(fp, "\\%c", *c);
        else if (*c < 0x20 || *c == 0x7f) fprintf(fp, "\\x%02x", *c);
        else putc(*c, fp);
    }
    putc('"', fp);
}

static void put_key(FILE *fp, const char *indent, const char *key, const char *v)
{
    fprintf(fp, "%s%s: ", indent, key);
    put_yaml_str(fp, v);
    putc('\n', fp);
}

static void put_list(FILE *fp, const char *indent, const char *key, const char *const *v, int n)
{
    fprintf(fp, "%s%s:\n", indent, key);
    for (int i = 0; i < n; i++) {
        fprintf(fp, "%s  - ", indent);
        put_yaml_str(fp, v[i]);
        putc('\n', fp);
    }
}

static int check_meta(const g5_ssf_t *s, const g5_ssf_meta_t *m, char *why, size_t nwhy)
{
    if (!m) return g5_why(why, nwhy, "no metadata for the GWAS-SSF sidecar");
    const struct { const char *key, *v; } need[] = {
        { "trait_description", m->trait_description },
        { "genome_assembly", m->genome_assembly },
        { "genotyping_technology", m->genotyping_technology },
        { "sample_ancestry_category", m->sample_ancestry_category },
    };
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        if (!need[i].v || !*need[i].v)
            return g5_why(why, nwhy, "the GWAS-SSF metadata needs %s", need[i].key);
    if (m->sample_size <= 0)
        return g5_why(why, nwhy, "the GWAS-SSF metadata needs sample_size (got %lld)", m->sample_size);
    if (s->case_control && (m->case_count <= 0 || m->control_count <= 0))
        return g5_why(why, nwhy, "a case-control study needs case_count and control_count (got %lld and %lld)",
                      m->case_count, m->control_count);
    if (m->sex && strcmp(m->sex, "M") && strcmp(m->sex, "F") && strcmp(m->sex, "combined")
        && strcmp(m->sex, "NR"))
        return g5_why(why, nwhy, "sex \"%s\" is not M, F, combined or NR", m->sex);
    for (int i = 0; i < m->n_covariates; i++)
        if (!m->adjusted_covariates || !m->adjusted_covariates[i])
            return g5_why(why, nwhy, "adjusted covariate %d has no name", i + 1);
    return 0;
}

static int write_meta(FILE *fp, const g5_ssf_t *s, const g5_ssf_meta_t *m, const char *md5)
{
    const char *final = g5_out_final(s->data), *slash = strrchr(final, '/');
    fputs("---\n", fp);
    put_key(fp, "", "data_file_name", slash ? slash + 1 : final);
    fputs("file_type: GWAS-SSF v1.1\n", fp);
    fprintf(fp, "data_file_md5sum: %s\n", md5);
    fputs("is_harmonised: false\nis_sorted: true\n", fp);
    put_key(fp, "", "genome_assembly", m->genome_assembly);
    fputs("coordinate_system: 1-based\n", fp);
    put_list(fp, "", "trait_description", &m->trait_description, 1);
    put_list(fp, "", "genotyping_technology", &m->genotyping_technology, 1);
    fprintf(fp, "samples:\n  - sample_size: %lld\n", m->sample_size);
    put_list(fp, "    ", "sample_ancestry_category", &m->sample_ancestry_category, 1);
    if (m->sample_ancestry) put_list(fp, "    ", "sample_ancestry", &m->sample_ancestry, 1);
    if (m->ancestry_method) put_list(fp, "    ", "ancestry_method", &m->ancestry_method, 1);
    fprintf(fp, "    case_control_study: %s\n", s->case_control ? "true" : "false");
    if (s->case_control)
        fprintf(fp, "    case_count: %lld\n    control_count: %lld\n", m->case_count, m->control_count);
    if (m->sex) fprintf(fp, "sex: %s\n", m->sex);
    char software[128];
    if (!m->analysis_software) snprintf(software, sizeof software, "g5 %s", g5_version());
    put_key(fp, "", "analysis_software", m->analysis_software ? m->analysis_software : software);
    if (m->n_covariates > 0)
        put_list(fp, "", "adjusted_covariates", m->adjusted_covariates, m->n_covariates);
    if (m->trait) put_key(fp, "", "g5_trait", m->trait);
    if (m->release_policy) {
        put_key(fp, "", "g5_release_policy", m->release_policy);
        put_key(fp, "", "g5_sample_set", m->sample_set);
        fprintf(fp, "g5_suppressed: %lld\n", m->suppressed);
    }
    return ferror(fp) ? -1 : 0;
}

/* Remove a file that was already renamed into place (best effort). */
static void unlink_final(char *path)
{
    if (path) unlink(path);
    free(path);
}

int g5_ssf_end(g5_ssf_t *s, char *why, size_t nwhy)
{
    if (!s->fp) return 0;
    errno = 0;
    int r = flush_buf(s);
    if (bgzf_close(s->fp) < 0 && r == 0) r = -1;
    s->fp = NULL;
    if (r < 0)
        return g5_why(why, nwhy, "cannot write \"%s\": %s", g5_out_final(s->data), strerror(errno ? errno : EIO));
    return 0;
}

int g5_ssf_close(g5_ssf_t *s, const g5_ssf_meta_t *meta, char *why, size_t nwhy)
{
    char md5[33];
    const char *final = g5_out_final(s->data);
    int r;
    if (check_meta(s, meta, why, nwhy) < 0 || g5_ssf_end(s, why, nwhy) < 0) goto fail;
    if (tbx_index_build3(g5_out_path(s->data), g5_out_path(s->index), 0, 1, &ssf_tbx_conf) < 0) {
        g5_why(why, nwhy, "cannot index \"%s\" with tabix", final);
        goto fail;
    }
    if (g5_ssf_md5_file(g5_out_path(s->data), md5, why, nwhy) < 0) goto fail;
    FILE *fp = g5_out_stream(s->meta);
    if (!fp || write_meta(fp, s, meta, md5) < 0) {
        g5_why(why, nwhy, "cannot write \"%s\": %s", g5_out_final(s->meta), strerror(errno ? errno : EIO));
        goto fail;
    }

    // Rename data, index, metadata in that order; undo on failure.
    char *data_final = strdup(final), *index_final = strdup(g5_out_final(s->index));
    char *meta_final = strdup(g5_out_final(s->meta));
    if (!data_final || !index_final || !meta_final) {
        free(data_final);
        free(index_final);
        free(meta_final);
        g5_why(why, nwhy, "out of memory");
        goto fail;
    }
    r = g5_out_commit_pair(s->data, s->index);
    s->data = s->index = NULL;
    if (r == 0 && g5_out_commit(s->meta) < 0) r = -3;
    else if (r < 0) g5_out_abort(s->meta);
    s->meta = NULL;
    if (r < 0) {
        const char *which = r == -1 ? data_final : r == -2 ? index_final : meta_final;
        g5_why(why, nwhy, "cannot finish \"%s\": %s", which, strerror(errno ? errno : EIO));
        if (r <= -2) unlink_final(data_final), data_final = NULL;
        if (r <= -3) unlink_final(index_final), index_final = NULL;
    }
    free(data_final);
    free(index_final);
    free(meta_final);
    g5_ssf_abort(s);
    return r < 0 ? -1 : 0;
fail:
    g5_ssf_abort(s);
    return -1;
}

void g5_ssf_abort(g5_ssf_t *s)
{
    if (!s) return;
    int saved = errno;
    if (s->fp) bgzf_close(s->fp);
    g5_out_abort(s->data);
    g5_out_abort(s->index);
    g5_out_abort(s->meta);
    free(s->buf.s);
    free(s->run.text.s);
    free(s);
    errno = saved;
}
