/*
 * vcfout.c -- atomic VCF/BCF output with its index.  See vcfout.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/bgzf.h>
#include <htslib/hfile.h>

#include "cli.h"
#include "vcfout.h"

#define fail(o, ...) g5_why((o)->why, sizeof (o)->why, __VA_ARGS__)

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The htslib mode for -O @p fmt (or the name), or NULL if unknown. */
static const char *mode_of(const char *fmt, const char *path, int *indexable)
{
    if (!fmt) fmt = ends_with(path, ".bcf") ? "b" : ends_with(path, ".vcf.gz") || ends_with(path, ".vcf.bgz") ? "z" : "v";
    size_t n = strcspn(fmt, ",");
    *indexable = 1;
    if ((n == 1 && fmt[0] == 'b') || (n == 3 && strncmp(fmt, "bcf", 3) == 0)) return "wb";
    if ((n == 1 && fmt[0] == 'z') || (n == 6 && strncmp(fmt, "vcf.gz", 6) == 0)) return "wz";
    *indexable = 0;
    if ((n == 1 && fmt[0] == 'v') || (n == 3 && strncmp(fmt, "vcf", 3) == 0)) return "w";
    return NULL;
}

int g5_vcfout_open(g5_vcfout_t *o, const char *path, const char *fmt, htsThreadPool *pool,
                   int write_index)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    int indexable;
    const char *mode = mode_of(fmt, path, &indexable);
    if (!mode) {
        errno = EINVAL;
        return fail(o, "unknown output format \"%s\" (expected vcf, vcf.gz or bcf)", fmt);
    }
    if (write_index && strcmp(path, "-") == 0) {
        errno = EINVAL;
        return fail(o, "cannot index standard output: name an output file with -o");
    }
    if (write_index && !indexable) {
        errno = EINVAL;
        return fail(o, "cannot index plain VCF: write vcf.gz or bcf");
    }
    errno = 0;
    if (!(o->out = g5_out_open(path))) return fail(o, "%s", strerror(errno));
    hFILE *hfp = hopen(g5_out_path(o->out), "w");
    if (hfp && !(o->fp = hts_hopen(hfp, path, mode))) hclose_abruptly(hfp);
    if (!o->fp) {
        int r = fail(o, "%s", errno ? strerror(errno) : "cannot open for writing");
        g5_vcfout_abort(o);
        return r;
    }
    const char *opts = fmt ? strchr(fmt, ',') : NULL;
    if (opts) {
        htsFormat hf;
        memset(&hf, 0, sizeof hf);
        if (hts_parse_format(&hf, fmt) < 0 || hts_opt_apply(o->fp, hf.specific) < 0) {
            hts_opt_free(hf.specific);
            g5_vcfout_abort(o);
            errno = EINVAL;
            return fail(o, "invalid output format options in \"%s\"", fmt);
        }
        hts_opt_free(hf.specific);
    }
    // The pool goes to the BGZF layer itself: for VCF, htslib's own way
    // (hts_set_opt) also starts a text-writing pipeline that hts_close
    // leaves behind (htslib 1.16).  Plain VCF is not compressed at all.
    BGZF *z = o->fp->format.compression == bgzf ? o->fp->fp.bgzf : NULL;
    if (pool && pool->pool && z && bgzf_thread_pool(z, pool->pool, pool->qsize) < 0) {
        g5_vcfout_abort(o);
        return fail(o, "cannot attach the thread pool");
    }
    o->write_index = write_index;
    o->index_after = write_index && z && pool && pool->pool;
    return 0;
}

int g5_vcfout_header(g5_vcfout_t *o, bcf_hdr_t *h)
{
    if (bcf_hdr_write(o->fp, h) < 0) return fail(o, "cannot write the header: %s", strerror(errno));
    if (!o->write_index) return 0;
    int is_bcf = o->is_bcf = o->fp->format.format == bcf;
    char name[4096];
    if ((size_t)snprintf(name, sizeof name, "%s%s", o->path, is_bcf ? ".csi" : ".tbi") >= sizeof name)
        return fail(o, "index file name too long");
    if (!(o->idx = g5_out_open(name))) return fail(o, "%s", strerror(errno));
    if (o->index_after) return 0;
    // min_shift 0: TBI for VCF.gz; BCF takes CSI with htslib's default
    if (bcf_idx_init(o->fp, h, is_bcf ? 14 : 0, g5_out_path(o->idx)) < 0)
        return fail(o, "cannot start the index \"%s\"", name);
    return 0;
}

int g5_vcfout_write(g5_vcfout_t *o, bcf_hdr_t *h, bcf1_t *rec)
{
    if (bcf_write(o->fp, h, rec) < 0)
        return fail(o, "cannot write the record at %s:%lld: %s", bcf_seqname_safe(h, rec),
                    (long long)rec->pos + 1, errno ? strerror(errno) : "write error");
    return 0;
}

int g5_vcfout_commit(g5_vcfout_t *o)
{
    if (o->idx && !o->index_after && bcf_idx_save(o->fp) < 0) {
        int r = fail(o, "cannot write the index: %s", errno ? strerror(errno) : "error");
        g5_vcfout_abort(o);
        return r;
    }
    htsFile *fp = o->fp;
    o->fp = NULL;
    if (hts_close(fp) < 0) {
        int r = fail(o, "cannot finish writing: %s", errno ? strerror(errno) : "error");
        g5_vcfout_abort(o);
        return r;
    }
    if (o->idx && o->index_after
        && bcf_index_build3(g5_out_path(o->out), g5_out_path(o->idx), o->is_bcf ? 14 : 0, 0) < 0) {
        int r = fail(o, "cannot index the file written");
        g5_vcfout_abort(o);
        return r;
    }
    int r = g5_out_commit_pair(o->out, o->idx);
    o->out = o->idx = NULL;
    if (r == -1) return fail(o, "%s", strerror(errno));
    if (r == -2) return fail(o, "cannot write the index: %s", strerror(errno));
    return 0;
}

void g5_vcfout_abort(g5_vcfout_t *o)
{
    if (o->fp) hts_close(o->fp);
    o->fp = NULL;
    g5_out_abort(o->out);
    g5_out_abort(o->idx);
    o->out = o->idx = NULL;
}

int g5_vcf_hdr_contigs(bcf_hdr_t *h, const sam_hdr_t *sh, const char *reference)
{
    kstring_t s = KS_INITIALIZE;
    int r = 0;
    for (int t = 0; t < sam_hdr_nref(sh) && r == 0; t++) {
        s.l = 0;
        r = ksprintf(&s, "##contig=<ID=%s,length=%lld>", sam_hdr_tid2name(sh, t), (long long)sam_hdr_tid2len(sh, t)) < 0
            || bcf_hdr_append(h, s.s) < 0 ? -1 : 0;
    }
    s.l = 0;
    if (r == 0 && reference)
        r = ksprintf(&s, "##reference=file://%s", reference) < 0 || bcf_hdr_append(h, s.s) < 0 ? -1 : 0;
    free(s.s);
    return r;
}

int g5_vcfrecs_push(g5_vcfrecs_t *v, bcf1_t *rec)
{
    if (v->n == v->m) {
        size_t m = v->m ? 2 * v->m : 64;
        bcf1_t **x = realloc(v->r, m * sizeof *x);
        if (!x) return -1;
        v->r = x;
        v->m = m;
    }
    v->r[v->n++] = rec;
    return 0;
}

int g5_vcfrecs_write(g5_vcfout_t *o, bcf_hdr_t *h, const g5_vcfrecs_t *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (g5_vcfout_write(o, h, v->r[i]) < 0) return -1;
    return 0;
}

void g5_vcfrecs_free(g5_vcfrecs_t *v)
{
    for (size_t i = 0; i < v->n; i++) bcf_destroy(v->r[i]);
    free(v->r);
    memset(v, 0, sizeof *v);
}
