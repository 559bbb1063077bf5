/*
 * alnout.c -- atomic SAM/BAM/CRAM output with its index.
 * See alnout.h for the design.
 */
#include "alnout.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <htslib/hfile.h>
#include <htslib/hts.h>

#include "cli.h"

#define fail(o, ...) g5_why((o)->why, sizeof (o)->why, __VA_ARGS__)

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int g5_alnout_open(g5_alnout_t *o, const char *path, const char *fmt,
                   const char *reference, htsThreadPool *pool, int write_index)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (!fmt) fmt = ends_with(path, ".sam") ? "sam" : ends_with(path, ".cram") ? "cram" : "bam";

    htsFormat hf;
    memset(&hf, 0, sizeof hf);
    if (hts_parse_format(&hf, fmt) < 0 || (hf.format != sam && hf.format != bam && hf.format != cram)) {
        hts_opt_free(hf.specific);
        errno = EINVAL;
        return fail(o, "unknown output format \"%s\" (expected sam, bam or cram)", fmt);
    }
    if (write_index) {
        if (strcmp(path, "-") == 0) {
            hts_opt_free(hf.specific);
            errno = EINVAL;
            return fail(o, "cannot index standard output: name an output file with -o");
        }
        if (hf.format == sam) {
            hts_opt_free(hf.specific);
            errno = EINVAL;
            return fail(o, "cannot index SAM output: write BAM or CRAM");
        }
    }
    if (hf.format == cram && !reference) {
        hts_opt_free(hf.specific);
        errno = EINVAL;
        return fail(o, "CRAM output needs the reference: give it with -f");
    }

    errno = 0;
    if (!(o->out = g5_out_open(path))) {
        hts_opt_free(hf.specific);
        return fail(o, "%s", strerror(errno));
    }
    // Open the temporary, but let htslib see the final name: CRAM records
    // the file name in its header, and a temporary name there would make
    // every run's output differ.
    // BAM at level 5, htsjdk's (Picard's) default rather than zlib's 6:
    // with libdeflate, 6 spends a quarter more CPU time for files 0.3 %
    // smaller, and writing is most of a sort's time.  -O bam,level=N wins.
    const char *mode = hf.format == bam ? "wb5" : hf.format == cram ? "wc" : "w";
    hFILE *hfp = hopen(g5_out_path(o->out), "w");
    if (hfp && !(o->fp = hts_hopen(hfp, path, mode))) hclose_abruptly(hfp);
    if (o->fp && hts_opt_apply(o->fp, hf.specific) < 0) {
        hts_opt_free(hf.specific);
        g5_alnout_abort(o);
        return fail(o, "invalid output format options in \"%s\"", fmt);
    }
    hts_opt_free(hf.specific);
    if (!o->fp) {
        int r = fail(o, "%s", errno ? strerror(errno) : "cannot open for writing");
        g5_alnout_abort(o);
        return r;
    }
    if (reference && hf.format == cram && hts_set_fai_filename(o->fp, reference) < 0) {
        int r = fail(o, "cannot use reference \"%s\"", reference);
        g5_alnout_abort(o);
        return r;
    }
    if (pool && pool->pool && hts_set_opt(o->fp, HTS_OPT_THREAD_POOL, pool) < 0) {
        g5_alnout_abort(o);
        return fail(o, "cannot attach the thread pool");
    }
    if (write_index) o->min_shift = -1;     // decided by the header
    return 0;
}

int g5_alnout_header(g5_alnout_t *o, sam_hdr_t *h)
{
    if (sam_hdr_write(o->fp, h) < 0)
        return fail(o, "cannot write the header: %s", strerror(errno));
    if (o->min_shift < 0) {
        // BAI addresses 2^29 bases per reference; longer ones need CSI.
        o->min_shift = 0;
        for (int i = 0; i < sam_hdr_nref(h); i++)
            if (sam_hdr_tid2len(h, i) > (1LL << 29) - 1) o->min_shift = 14;
        const char *ext = o->fp->format.format == cram ? ".crai" : o->min_shift ? ".csi" : ".bai";
        char name[4096];
        if ((size_t)snprintf(name, sizeof name, "%s%s", o->path, ext) >= sizeof name)
            return fail(o, "index file name too long");
        if (!(o->idx = g5_out_open(name)))
            return fail(o, "%s", strerror(errno));
        if (sam_idx_init(o->fp, h, o->min_shift, g5_out_path(o->idx)) < 0)
            return fail(o, "cannot start the index \"%s\"", name);
    }
    return 0;
}

int g5_alnout_write(g5_alnout_t *o, sam_hdr_t *h, const bam1_t *b)
{
    if (sam_write1(o->fp, h, b) < 0)
        return fail(o, "cannot write record \"%s\": %s", bam_get_qname(b),
                    errno ? strerror(errno) : "write error");
    return 0;
}

int g5_alnout_commit(g5_alnout_t *o)
{
    if (o->idx && sam_idx_save(o->fp) < 0) {
        int r = fail(o, "cannot write the index: %s", errno ? strerror(errno) : "error");
        g5_alnout_abort(o);
        return r;
    }
    samFile *fp = o->fp;
    o->fp = NULL;
    if (sam_close(fp) < 0) {
        int r = fail(o, "cannot finish writing: %s", errno ? strerror(errno) : "error");
        g5_alnout_abort(o);
        return r;
    }
    int r = g5_out_commit_pair(o->out, o->idx);
    o->out = o->idx = NULL;
    if (r == -1) return fail(o, "%s", strerror(errno));
    if (r == -2) return fail(o, "cannot write the index: %s", strerror(errno));
    return 0;
}

void g5_alnout_abort(g5_alnout_t *o)
{
    if (o->fp) sam_close(o->fp);
    o->fp = NULL;
    g5_out_abort(o->out);
    g5_out_abort(o->idx);
    o->out = o->idx = NULL;
}
