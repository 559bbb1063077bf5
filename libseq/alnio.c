/*
 * alnio.c -- SAM/BAM/CRAM input with errors a person can act on.
 * See alnio.h for the design.
 */
#include "alnio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/bgzf.h>
#include <htslib/cram.h>
#include <htslib/hts.h>

#include "cli.h"

#define fail(in, ...) g5_why((in)->why, sizeof (in)->why, __VA_ARGS__)

static void close_quietly(g5_alnin_t *in)
{
    if (in->itr) hts_itr_destroy(in->itr);
    in->itr = NULL;
    if (in->idx) hts_idx_destroy(in->idx);
    in->idx = NULL;
    if (in->hdr) sam_hdr_destroy(in->hdr);
    if (in->fp) hts_close(in->fp);
    in->hdr = NULL;
    in->fp = NULL;
}

/* Why did reading stop?  BGZF keeps a sticky error code; otherwise the
 * record itself did not parse. */
static const char *bgzf_why(const samFile *fp)
{
    if (fp->is_bgzf || fp->format.compression == bgzf) {
        int e = fp->fp.bgzf->errcode;
        if (e & BGZF_ERR_IO) return "truncated BGZF block";
        if (e & BGZF_ERR_CRC) return "BGZF block checksum mismatch";
        if (e & BGZF_ERR_ZLIB) return "corrupt BGZF block: cannot decompress";
        if (e & BGZF_ERR_HEADER) return "corrupt BGZF block header";
        if (e & BGZF_ERR_MT) return "decompression thread failure";
    }
    return NULL;
}

int g5_alnin_open(g5_alnin_t *in, const char *path, const char *reference,
                  htsThreadPool *pool)
{
    memset(in, 0, sizeof *in);
    in->path = path;
    in->reference = reference;

    errno = 0;
    if (!(in->fp = hts_open(path, "r")))
        return fail(in, "%s", errno ? strerror(errno) : "cannot open");

    const htsFormat *fmt = hts_get_format(in->fp);
    if (fmt->format == empty_format) {
        close_quietly(in);
        return fail(in, "empty file");
    }
    if (fmt->category != sequence_data || (fmt->format != sam && fmt->format != bam && fmt->format != cram)) {
        const char *desc = fmt->format == unknown_format ? NULL : hts_format_description(fmt);
        int r = desc ? fail(in, "not a SAM, BAM or CRAM file (it looks like %s)", desc)
                     : fail(in, "not a SAM, BAM or CRAM file");
        free((void *)desc);
        close_quietly(in);
        return r;
    }

    // A file cut at a block boundary reads cleanly to a premature end;
    // only the missing end-of-file marker gives it away, so look first.
    // (2 = cannot tell, e.g. a pipe: then trust the stream.)
    if (fmt->format == bam && bgzf_check_EOF(in->fp->fp.bgzf) == 0) {
        close_quietly(in);
        return fail(in, "truncated file: the BGZF end-of-file marker is missing");
    }
    if (fmt->format == cram && cram_check_EOF(in->fp->fp.cram) == 0) {
        close_quietly(in);
        return fail(in, "truncated file: the CRAM end-of-file container is missing");
    }

    if (reference && hts_set_fai_filename(in->fp, reference) < 0) {
        close_quietly(in);
        return fail(in, "cannot use reference \"%s\"", reference);
    }
    if (!(in->hdr = sam_hdr_read(in->fp))) {
        const char *why = bgzf_why(in->fp);
        close_quietly(in);
        return fail(in, "%s", why ? why : "malformed or missing header");
    }
    // The pool only after the header: reading a BAM header checks the
    // end-of-file marker, and htslib 1.16's multi-threaded check of it can
    // hang (seen reading a truncated BAM with two threads).
    if (pool && pool->pool && hts_set_opt(in->fp, HTS_OPT_THREAD_POOL, pool) < 0) {
        close_quietly(in);
        return fail(in, "cannot attach the thread pool");
    }
    return 0;
}

/* The index, loaded once for all the queries of the reader. */
static int load_index(g5_alnin_t *in)
{
    if (in->idx) return 0;
    if (!(in->idx = sam_index_load(in->fp, in->path)))
        return fail(in, "no index found (a region needs an indexed file: samtools index, or g5 sort --write-index)");
    return 0;
}

int g5_alnin_query(g5_alnin_t *in, const char *region)
{
    if (load_index(in) < 0) return -1;
    if (in->itr) hts_itr_destroy(in->itr);
    if (!(in->itr = sam_itr_querys(in->idx, in->hdr, region))) return fail(in, "invalid region \"%s\"", region);
    return 0;
}

int g5_alnin_queryi(g5_alnin_t *in, int tid, hts_pos_t beg, hts_pos_t end)
{
    if (load_index(in) < 0) return -1;
    if (in->itr) hts_itr_destroy(in->itr);
    if (!(in->itr = sam_itr_queryi(in->idx, tid, beg, end)))
        return fail(in, "cannot query %s:%lld-%lld", sam_hdr_tid2name(in->hdr, tid), (long long)beg + 1, (long long)end);
    return 0;
}

int g5_alnin_next(g5_alnin_t *in, bam1_t *b)
{
    int r = in->itr ? sam_itr_next(in->fp, in->itr, b) : sam_read1(in->fp, in->hdr, b);
    if (r >= 0) {
        in->nread++;
        return 1;
    }
    // With threads, a damaged block can surface as a plain end of file:
    // only the sticky BGZF error code tells the two apart.
    const char *why = bgzf_why(in->fp);
    if (r == -1 && !why) return 0;

    if (why)
        return fail(in, "%s after record %llu", why, (unsigned long long)in->nread);
    if (in->fp->format.format == cram)
        return in->reference
            ? fail(in, "cannot decode CRAM record %llu (is \"%s\" its reference?)",
                   (unsigned long long)in->nread + 1, in->reference)
            : fail(in, "cannot decode CRAM record %llu: reference not found (give it with -f)",
                   (unsigned long long)in->nread + 1);
    return fail(in, "malformed record %llu", (unsigned long long)in->nread + 1);
}

char *g5_sample_name(const sam_hdr_t *h, const char *fallback, int strip_ext)
{
    kstring_t sm = KS_INITIALIZE;
    if (sam_hdr_find_tag_pos((sam_hdr_t *)h, "RG", 0, "SM", &sm) == 0 && sm.l) return sm.s;
    free(sm.s);
    const char *base = strrchr(fallback, '/');
    char *s = strdup(base && base[1] ? base + 1 : fallback);
    char *dot = s && strip_ext ? strrchr(s, '.') : NULL;
    if (dot && dot != s) *dot = '\0';
    return s;
}

int g5_alnin_close(g5_alnin_t *in)
{
    int r = 0;
    if (in->itr) hts_itr_destroy(in->itr);
    in->itr = NULL;
    if (in->idx) hts_idx_destroy(in->idx);
    in->idx = NULL;
    if (in->hdr) sam_hdr_destroy(in->hdr);
    if (in->fp && hts_close(in->fp) < 0) r = fail(in, "error while closing");
    in->hdr = NULL;
    in->fp = NULL;
    return r;
}

int g5_pool_init(htsThreadPool *pool, int threads)
{
    pool->qsize = 0;
    pool->pool = NULL;
    if (threads <= 0) return 0;
    if (!(pool->pool = hts_tpool_init(threads))) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void g5_pool_destroy(htsThreadPool *pool)
{
    if (pool && pool->pool) hts_tpool_destroy(pool->pool);
    if (pool) pool->pool = NULL;
}
