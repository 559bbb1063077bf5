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
#include <htslib/hts.h>
#include <htslib/tbx.h>
#include <htslib/thread_pool.h>

#include "cli.h"
#include "digest.h"
#include "fmt.h"
#include "out.h"
#include "ssf.h"

/* Rows written one by one are gathered into a run this large before it is
 * sealed: a few full BGZF blocks. */
#define FLUSH_AT (4 * BGZF_BLOCK_SIZE)

/* The empty block that ends every BGZF file. */
static const unsigned char bgzf_eof[28] = "\037\213\010\4\0\0\0\0\0\377\6\0BC\2\0\033\0\3\0\0\0\0\0\0\0\0\0";

/* The missing-value token of GWAS-SSF v1.1. */
#define NA "#NA"

/* tabix: chromosome in column 1, position in column 2 as both begin and
 * end (1-based, generic preset), the column header line skipped. */
static const tbx_conf_t ssf_tbx_conf = { TBX_GENERIC, 1, 2, 2, '#', 1 };

struct g5_ssf {
    g5_out_t *data, *index, *meta;
    FILE *fp;               // the data's temporary (NULL once ended)
    uint64_t addr;          // compressed bytes written: the next block's address
    hts_idx_t *idx;         // built as blocks are written
    g5_digest_ctx_t *md5;   // of the compressed bytes, as written
    char md5hex[33];
    g5_ssf_run_t run;       // the header, then g5_ssf_write's rows, until sealed
    int header;             // the header is still in run (its text starts it)
    int failed;             // g5_ssf_end failed: the file cannot be finished
    g5_ssf_kept_t *kept;    // g5_ssf_keep
    hts_tpool *pool;        // g5_ssf_pool: runs sealed there, in order ...
    hts_tpool_process *q;   // ... through this queue
    int queued;             // runs in it
    int effect, case_control;
    int nextra;             // columns after the standard ones (g5_ssf_columns)
    int last_code;          // the last row's chromosome code (0: none yet)
    long long last_pos;
    long long nrows;        // rows taken, written or pending
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
    if (!(s->fp = g5_out_stream(s->data)) || !(s->md5 = g5_digest_begin(G5_MD5))) goto fail;
    // The column header is the first line: the spec allows nothing before it
    // (provenance goes into the metadata's analysis_software instead).
    s->header = 1;
    if (ksprintf(&s->run.text, "chromosome\tbase_pair_location\teffect_allele\tother_allele\t%s\t"
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
    // the header is still the only text pending
    kstring_t *h = &s->run.text;
    if (s->nrows || s->nextra || !s->header || !names || !*names || !h->l || h->s[h->l - 1] != '\n') {
        errno = EINVAL;
        return -1;
    }
    h->l--;
    s->nextra = 1;
    for (const char *c = names; *c; c++) s->nextra += *c == '\t';
    if (kputc('\t', h) < 0 || kputs(names, h) < 0 || kputc('\n', h) < 0) return -1;
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
    else kputll(v, k);
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
    if (run->has_last && (code < run->last_code || (code == run->last_code && r->pos < run->last_pos))) {
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
    if (!e && (size_t)run->nrows == run->mat) {
        size_t m = run->mat ? 2 * run->mat : 256;
        g5_ssf_at_t *at = realloc(run->at, m * sizeof *at);
        if (at) run->at = at, run->mat = m;
        else e = 1;
    }
    if (e || kputc('\n', k) < 0) {
        k->l = start;
        return g5_why(why, nwhy, "out of memory");
    }
    run->at[run->nrows] = (g5_ssf_at_t){ k->l, code, r->pos, r->p };
    if (!run->nrows) {
        run->first_code = code;
        run->first_pos = r->pos;
    }
    run->last_code = code;
    run->last_pos = r->pos;
    run->has_last = 1;
    run->nrows++;
    run->sealed = 0;
    return 0;
}

int g5_ssf_seal(g5_ssf_run_t *run)
{
    const kstring_t *t = &run->text;
    size_t nblocks = (t->l + BGZF_BLOCK_SIZE - 1) / BGZF_BLOCK_SIZE;
    run->z.l = 0;
    run->nz = 0;
    if (nblocks > run->mz) {
        uint32_t *zlen = realloc(run->zlen, nblocks * sizeof *zlen);
        if (!zlen) return -1;
        run->zlen = zlen;
        run->mz = nblocks;
    }
    if (ks_resize(&run->z, nblocks * BGZF_MAX_BLOCK_SIZE) < 0) return -1;
    for (size_t off = 0; off < t->l; off += BGZF_BLOCK_SIZE) {
        size_t n = t->l - off < BGZF_BLOCK_SIZE ? t->l - off : BGZF_BLOCK_SIZE;
        size_t zn = BGZF_MAX_BLOCK_SIZE;
        if (bgzf_compress(run->z.s + run->z.l, &zn, t->s + off, n, 1) < 0) return -1;
        run->z.l += zn;
        run->zlen[run->nz++] = (uint32_t)zn;
    }
    run->sealed = 1;
    return 0;
}

/* The virtual offset at which byte @p u of a sealed run lands in the file,
 * as a reader's bgzf_tell() gives it: the end of a block reads as the
 * start of the next -- the run's last block, which is short, included.
 * @p j and @p at carry a block and its address from one call to the next
 * (u grows); start them at 0 and the run's address. */
static uint64_t voffset(const g5_ssf_run_t *run, size_t u, size_t *j, uint64_t *at)
{
    size_t block = u == run->text.l ? run->nz : u / BGZF_BLOCK_SIZE;
    while (*j < block) *at += run->zlen[(*j)++];
    return *at << 16 | (block == run->nz ? 0 : u % BGZF_BLOCK_SIZE);
}

/* The tabix configuration as the index's metadata (names are appended by
 * hts_idx_tbi_name as contigs appear). */
static hts_idx_t *index_start(uint64_t offset0)
{
    hts_idx_t *idx = hts_idx_init(0, HTS_FMT_TBI, offset0, 14, 5);
    const int32_t conf[7] = { ssf_tbx_conf.preset, ssf_tbx_conf.sc, ssf_tbx_conf.bc, ssf_tbx_conf.ec,
                              ssf_tbx_conf.meta_char, ssf_tbx_conf.line_skip, 0 };
    uint8_t meta[sizeof conf];
    for (int i = 0; i < 7; i++)
        for (int b = 0; b < 4; b++) meta[4 * i + b] = (uint8_t)((uint32_t)conf[i] >> (8 * b));
    if (idx && hts_idx_set_meta(idx, sizeof meta, meta, 1) < 0) {
        hts_idx_destroy(idx);
        return NULL;
    }
    return idx;
}

/* Write @p n compressed bytes to the data file and the MD5. */
static int put_bytes(g5_ssf_t *s, const void *buf, size_t n)
{
    if (fwrite(buf, 1, n, s->fp) != n) {
        if (!errno) errno = EIO;
        return -1;
    }
    if (g5_digest_add(s->md5, buf, n) < 0) {
        errno = EIO;
        return -1;
    }
    s->addr += n;
    return 0;
}

/* --- kept for the plots ----------------------------------------------- */

typedef struct hit {
    double p;
    char *line;
} hit_t;

struct g5_ssf_kept {
    g5_out_t *file;         // the points: a temporary, never committed
    FILE *fp;
    long long n;
    int failed;             // a write failed: errno in err
    int err;
    int ntop, nhit;
    hit_t *top;             // smallest p first
};

/* A point as stored: p, then code and position in one word. */
typedef struct stored {
    double p;
    uint64_t code_pos;
} stored_t;

int g5_ssf_keep(g5_ssf_t *s, int ntop)
{
    if (s->nrows || s->kept) return errno = EINVAL, -1;
    g5_ssf_kept_t *k = calloc(1, sizeof *k);
    char *name = with_suffix(g5_out_final(s->data), ".points");
    if (!k || !name || !(k->top = calloc(ntop > 0 ? ntop : 1, sizeof *k->top))
        || !(k->file = g5_out_open(name)) || !(k->fp = g5_out_stream(k->file))) {
        int e = errno ? errno : ENOMEM;
        free(name);
        g5_ssf_kept_free(k);
        return errno = e, -1;
    }
    free(name);
    k->ntop = ntop > 0 ? ntop : 0;
    s->kept = k;
    return 0;
}

/* Keep @p line (n bytes) among the smallest p; ties keep the earlier. */
static void keep_hit(g5_ssf_kept_t *k, double p, const char *line, size_t n)
{
    if (!k->ntop || (k->nhit == k->ntop && !(p < k->top[k->ntop - 1].p))) return;
    char *copy = malloc(n + 1);
    if (!copy) {
        k->failed = 1, k->err = ENOMEM;
        return;
    }
    memcpy(copy, line, n);
    copy[n] = 0;
    int i = k->ntop - 1;
    if (k->nhit < k->ntop) i = k->nhit++;
    else free(k->top[i].line);
    while (i > 0 && p < k->top[i - 1].p) {
        k->top[i] = k->top[i - 1];
        i--;
    }
    k->top[i] = (hit_t){ p, copy };
}

/* The rows of a run, from byte @p start of its text. */
static void keep_run(g5_ssf_kept_t *k, const g5_ssf_run_t *run, size_t start)
{
    for (long long i = 0; i < run->nrows && !k->failed; i++) {
        const g5_ssf_at_t *r = &run->at[i];
        stored_t pt = { r->p, (uint64_t)r->code << 56 | (uint64_t)r->pos };
        if (fwrite(&pt, sizeof pt, 1, k->fp) != 1) k->failed = 1, k->err = errno ? errno : EIO;
        keep_hit(k, r->p, run->text.s + start, r->end - 1 - start);
        start = r->end;
    }
    k->n += run->nrows;
}

g5_ssf_kept_t *g5_ssf_kept(g5_ssf_t *s)
{
    if (s->fp || s->failed) return NULL;     // not ended, or ended badly
    g5_ssf_kept_t *k = s->kept;
    s->kept = NULL;
    return k;
}

long long g5_ssf_kept_points(g5_ssf_kept_t *k, g5_ssf_point_t **pts)
{
    *pts = NULL;
    if (k->failed) return errno = k->err, -1;
    if (fflush(k->fp) != 0) return -1;
    FILE *in = fopen(g5_out_path(k->file), "rb");
    g5_ssf_point_t *out = malloc((k->n ? (size_t)k->n : 1) * sizeof *out);
    stored_t buf[4096];
    long long n = 0;
    while (in && out && n < k->n) {
        size_t want = k->n - n < 4096 ? (size_t)(k->n - n) : 4096;
        if (fread(buf, sizeof *buf, want, in) != want) break;
        for (size_t i = 0; i < want; i++, n++)
            out[n] = (g5_ssf_point_t){ (int)(buf[i].code_pos >> 56), (long long)(buf[i].code_pos & ((1ull << 56) - 1)),
                                       buf[i].p };
    }
    if (in) fclose(in);
    if (!out || n < k->n) {
        free(out);
        if (!errno) errno = EIO;
        return -1;
    }
    *pts = out;
    return n;
}

const char *g5_ssf_kept_top(const g5_ssf_kept_t *k, int i)
{
    return i >= 0 && i < k->nhit ? k->top[i].line : NULL;
}

void g5_ssf_kept_free(g5_ssf_kept_t *k)
{
    if (!k) return;
    g5_out_abort(k->file);
    for (int i = 0; i < k->nhit; i++) free(k->top[i].line);
    free(k->top);
    free(k);
}

/* --- writing blocks ---------------------------------------------------- */

/* Write a run (sealing it first if need be) and index its rows.  A run
 * that starts with the header (the writer's own, first) starts the index
 * where the header ends. */
static int write_run(g5_ssf_t *s, g5_ssf_run_t *run, int with_header)
{
    if (!run->sealed && g5_ssf_seal(run) < 0) {
        errno = ENOMEM;
        return -1;
    }
    size_t j = 0, header = 0;
    uint64_t at = s->addr;
    if (with_header) {
        // the index starts where the header line ends
        const char *nl = memchr(run->text.s, '\n', run->text.l);
        header = nl ? (size_t)(nl - run->text.s) + 1 : run->text.l;
        if (!(s->idx = index_start(voffset(run, header, &j, &at)))) {
            errno = ENOMEM;
            return -1;
        }
    }
    if (s->kept) keep_run(s->kept, run, header);
    static const char *const names[26] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
                                           "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23",
                                           "24", "25" };
    for (long long i = 0; i < run->nrows; i++) {
        const g5_ssf_at_t *r = &run->at[i];
        // the name is column 1 as written: the code
        int tid = hts_idx_tbi_name(s->idx, r->code, names[r->code]);
        if (tid < 0 || hts_idx_push(s->idx, tid, r->pos - 1, r->pos, voffset(run, r->end, &j, &at), 1) < 0) {
            errno = ENOMEM;
            return -1;
        }
    }
    return put_bytes(s, run->z.s, run->z.l);
}

/* A run handed to the pool to be sealed; it comes back in order. */
typedef struct job {
    g5_ssf_run_t run;
    int with_header, failed;
} job_t;

static void *seal_job(void *arg)
{
    job_t *j = arg;
    j->failed = g5_ssf_seal(&j->run) < 0;
    return j;
}

enum drain { READY, ALL, DISCARD };

/* Write the sealed runs that are back from the pool (READY), or all of them,
 * waiting (ALL); or let them all go unwritten (DISCARD).
 * @return 0, or -1 with errno set */
static int drain(g5_ssf_t *s, enum drain how)
{
    int r = 0;
    while (s->queued > 0) {
        hts_tpool_result *res = how == READY ? hts_tpool_next_result(s->q) : hts_tpool_next_result_wait(s->q);
        if (!res) break;
        job_t *j = hts_tpool_result_data(res);
        hts_tpool_delete_result(res, 0);
        s->queued--;
        if (how == DISCARD) r = -1;
        if (r == 0 && j->failed) errno = ENOMEM, r = -1;
        if (r == 0 && write_run(s, &j->run, j->with_header) < 0) r = -1;
        g5_ssf_run_free(&j->run);
        free(j);
    }
    return r;
}

/* Write what the writer holds: the header, rows of g5_ssf_write -- through
 * the pool if it has one, else here. */
static int flush_own(g5_ssf_t *s)
{
    g5_ssf_run_t *run = &s->run;
    if (!s->header && !run->nrows) return 0;
    if (s->pool) {
        job_t *j = calloc(1, sizeof *j);
        if (!j) return errno = ENOMEM, -1;
        // the job takes the text; the writer keeps the last row to check order
        j->run.text = run->text;
        j->run.at = run->at;
        j->run.nrows = run->nrows;
        j->run.mat = run->mat;
        j->with_header = s->header;
        run->text = (kstring_t)KS_INITIALIZE;
        run->at = NULL;
        run->mat = 0;
        if (hts_tpool_dispatch(s->pool, s->q, seal_job, j) < 0) {
            g5_ssf_run_free(&j->run);
            free(j);
            return errno = ENOMEM, -1;
        }
        s->queued++;
        if (drain(s, READY) < 0) return -1;
    } else if (write_run(s, run, s->header) < 0) {
        return -1;
    }
    s->header = 0;
    run->text.l = 0;
    run->nrows = 0;
    run->sealed = 0;
    return 0;
}

int g5_ssf_pool(g5_ssf_t *s, htsThreadPool *pool)
{
    if (!pool || !pool->pool) return 0;
    if (!(s->q = hts_tpool_process_init(pool->pool, 2 * pool->qsize + 2, 0))) return -1;
    s->pool = pool->pool;
    return 0;
}

int g5_ssf_append(g5_ssf_t *s, g5_ssf_run_t *run, char *why, size_t nwhy)
{
    if (!run->nrows) return 0;
    if (s->nrows && (run->first_code < s->last_code || (run->first_code == s->last_code
                                                         && run->first_pos < s->last_pos))) {
        char a[4], b[4];
        return g5_why(why, nwhy, "%s:%lld comes after %s:%lld: rows must be sorted by chromosome "
                      "(1-22, X, Y, MT) and position", code_name(run->first_code, a), run->first_pos,
                      code_name(s->last_code, b), s->last_pos);
    }
    if (flush_own(s) < 0 || write_run(s, run, 0) < 0)
        return g5_why(why, nwhy, "cannot write \"%s\": %s", g5_out_final(s->data), strerror(errno ? errno : EIO));
    s->last_code = run->last_code;
    s->last_pos = run->last_pos;
    s->nrows += run->nrows;
    return 0;
}

void g5_ssf_run_clear(g5_ssf_run_t *run)
{
    run->text.l = 0;
    run->nrows = 0;
    run->has_last = 0;
    run->sealed = 0;
}

void g5_ssf_run_free(g5_ssf_run_t *run)
{
    free(run->text.s);
    free(run->at);
    free(run->z.s);
    free(run->zlen);
    memset(run, 0, sizeof *run);
}

int g5_ssf_write(g5_ssf_t *s, const g5_ssf_row_t *r, char *why, size_t nwhy)
{
    // the writer's run continues the file's order: it keeps the last row
    g5_ssf_run_t *run = &s->run;
    if (g5_ssf_format(s, run, r, why, nwhy) < 0) return -1;
    s->last_code = run->last_code;
    s->last_pos = run->last_pos;
    s->nrows++;
    if (run->text.l >= FLUSH_AT && flush_own(s) < 0)
        return g5_why(why, nwhy, "cannot write \"%s\": %s", g5_out_final(s->data), strerror(errno ? errno : EIO));
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
    const char *final = g5_out_final(s->data);
    if (s->failed) return g5_why(why, nwhy, "cannot finish \"%s\": its writing failed", final);
    if (!s->fp) return 0;
    s->failed = 1;          // until it has all gone well
    errno = 0;
    int r = flush_own(s) < 0 || drain(s, ALL) < 0 ? -1 : 0;
    // a reader's position at the end: the start of the end-of-file block
    uint64_t end = s->addr << 16;
    if (r == 0) r = put_bytes(s, bgzf_eof, sizeof bgzf_eof) < 0 || fflush(s->fp) != 0 ? -1 : 0;
    s->fp = NULL;           // closed by the commit or the abort
    if (r < 0) return g5_why(why, nwhy, "cannot write \"%s\": %s", final, strerror(errno ? errno : EIO));
    r = g5_digest_end(s->md5, s->md5hex);
    s->md5 = NULL;
    if (r < 0) return g5_why(why, nwhy, "MD5 of \"%s\" failed in libcrypto", final);
    if (hts_idx_finish(s->idx, end) < 0) return g5_why(why, nwhy, "cannot index \"%s\": out of memory", final);
    s->failed = 0;
    return 0;
}

int g5_ssf_close(g5_ssf_t *s, const g5_ssf_meta_t *meta, char *why, size_t nwhy)
{
    const char *final = g5_out_final(s->data);
    int r;
    if (check_meta(s, meta, why, nwhy) < 0 || g5_ssf_end(s, why, nwhy) < 0) goto fail;
    if (hts_idx_save_as(s->idx, g5_out_path(s->data), g5_out_path(s->index), HTS_FMT_TBI) < 0) {
        g5_why(why, nwhy, "cannot write \"%s\": %s", g5_out_final(s->index), strerror(errno ? errno : EIO));
        goto fail;
    }
    FILE *fp = g5_out_stream(s->meta);
    if (!fp || write_meta(fp, s, meta, s->md5hex) < 0) {
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
    g5_out_abort(s->data);
    g5_out_abort(s->index);
    g5_out_abort(s->meta);
    if (s->q) {
        drain(s, DISCARD);
        hts_tpool_process_destroy(s->q);
    }
    if (s->idx) hts_idx_destroy(s->idx);
    g5_ssf_kept_free(s->kept);
    g5_digest_free(s->md5);
    g5_ssf_run_free(&s->run);
    free(s);
    errno = saved;
}
