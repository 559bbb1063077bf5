/*
 * bedgz.c -- bgzipped BED outputs with a CSI index.  See bedgz.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/bgzf.h>
#include <htslib/kstring.h>
#include <htslib/tbx.h>

#include "bedgz.h"
#include "out.h"

/* Text is gathered into blocks of this size before it goes to BGZF, so a
 * caller may hand over one short line at a time cheaply. */
#define FLUSH_AT (256 * 1024)

struct g5_bedgz {
    g5_out_t *data, *index;
    BGZF *fp;
    kstring_t buf;
};

const char *g5_bedgz_path(const g5_bedgz_t *w)
{
    return g5_out_final(w->data);
}

g5_bedgz_t *g5_bedgz_open(const char *path, int level, htsThreadPool *pool)
{
    errno = 0;
    g5_bedgz_t *w = calloc(1, sizeof *w);
    char *index_path = malloc(strlen(path) + 5);
    if (!w || !index_path) goto fail;
    sprintf(index_path, "%s.csi", path);
    if (!(w->data = g5_out_open(path)) || !(w->index = g5_out_open(index_path))) goto fail;
    char mode[4] = "wz";
    if (level >= 0 && level <= 9) mode[1] = (char)('0' + level);
    if (!(w->fp = bgzf_open(g5_out_path(w->data), mode))) goto fail;
    if (pool && pool->pool && bgzf_thread_pool(w->fp, pool->pool, pool->qsize) < 0) goto fail;
    free(index_path);
    return w;
fail:
    free(index_path);
    g5_bedgz_abort(w);
    if (!errno) errno = ENOMEM;
    return NULL;
}

static int flush_buf(g5_bedgz_t *w)
{
    if (w->buf.l && bgzf_write(w->fp, w->buf.s, w->buf.l) != (ssize_t)w->buf.l) {
        if (!errno) errno = EIO;
        return -1;
    }
    w->buf.l = 0;
    return 0;
}

int g5_bedgz_put(g5_bedgz_t *w, const char *s, size_t n)
{
    if (kputsn(s, n, &w->buf) < 0) return -1;
    return w->buf.l >= FLUSH_AT ? flush_buf(w) : 0;
}

int g5_bedgz_commit(g5_bedgz_t *w, int threads)
{
    int r = flush_buf(w);
    if (bgzf_close(w->fp) < 0 && r == 0) {
        if (!errno) errno = EIO;
        r = -1;
    }
    w->fp = NULL;
    if (r == 0 && tbx_index_build3(g5_out_path(w->data), g5_out_path(w->index), 14,
                                   threads, &tbx_conf_bed) < 0) {
        if (!errno) errno = EIO;
        r = -1;
    }
    if (r < 0) {
        g5_bedgz_abort(w);
        return -1;
    }
    r = g5_out_commit_pair(w->data, w->index) < 0 ? -1 : 0;
    w->data = w->index = NULL;
    g5_bedgz_abort(w);
    return r;
}

void g5_bedgz_abort(g5_bedgz_t *w)
{
    if (!w) return;
    int saved = errno;
    if (w->fp) bgzf_close(w->fp);
    g5_out_abort(w->data);
    g5_out_abort(w->index);
    free(w->buf.s);
    free(w);
    errno = saved;
}
