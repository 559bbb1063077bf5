/*
 * geno.c -- dosages from a VCF/BCF.  See geno.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/vcf.h>

#include "cli.h"
#include "geno.h"
#include "gvcf.h"

struct g5_geno {
    char *path;
    htsFile *fp;
    bcf_hdr_t *h;
    bcf1_t *rec;
    char *dosage;           /* FORMAT field of dosages, or NULL: GT */
    int nsel, *sel;         /* the chosen samples, by file index */
    int32_t *gt;            /* the record's GT or ... */
    float *ds;              /* ... dosages, all samples */
    int mgt, mds, per;      /* values per sample in them */
    int ialt;               /* the ALT given last, from 1; 0: read a record */
    uint64_t recno;
    g5_gvar_t v;
    char why[512];
};

#define fail(g, ...) g5_why((g)->why, sizeof (g)->why, __VA_ARGS__)

void g5_geno_close(g5_geno_t *g)
{
    if (!g) return;
    if (g->rec) bcf_destroy(g->rec);
    if (g->h) bcf_hdr_destroy(g->h);
    if (g->fp) hts_close(g->fp);
    free(g->path); free(g->dosage); free(g->sel); free(g->gt); free(g->ds); free(g->v.x);
    free(g);
}

g5_geno_t *g5_geno_open(const char *path, const char *dosage, int threads, char *why, size_t nwhy)
{
    g5_geno_t *g = calloc(1, sizeof *g);
    if (!g || !(g->path = strdup(path)) || (dosage && !(g->dosage = strdup(dosage))) || !(g->rec = bcf_init())) {
        g5_geno_close(g);
        g5_why(why, nwhy, "out of memory");
        return NULL;
    }
    errno = 0;
    if (!(g->fp = hts_open(path, "r"))) {
        g5_why(why, nwhy, "cannot open \"%s\": %s", path, errno ? strerror(errno) : "unknown format");
        goto fail;
    }
    if (hts_get_format(g->fp)->category != variant_data) {
        g5_why(why, nwhy, "\"%s\" is not a VCF or BCF file", path);
        goto fail;
    }
    if (!(g->h = bcf_hdr_read(g->fp))) {
        g5_why(why, nwhy, "cannot read \"%s\": no valid VCF header", path);
        goto fail;
    }
    const char *field = dosage ? dosage : "GT";
    int id = bcf_hdr_id2int(g->h, BCF_DT_ID, field);
    if (id < 0 || !bcf_hdr_idinfo_exists(g->h, BCF_HL_FMT, id)) {
        g5_why(why, nwhy, "\"%s\" has no FORMAT/%s%s", path, field, dosage ? "" : " (genotypes); dosages: --dosage DS");
        goto fail;
    }
    if (dosage && bcf_hdr_id2type(g->h, BCF_HL_FMT, id) != BCF_HT_REAL) {
        g5_why(why, nwhy, "\"%s\": FORMAT/%s is not a Float, so not dosages", path, dosage);
        goto fail;
    }
    // threads only after the header (as alnio: htslib 1.16's threaded EOF check can hang)
    if (threads > 0 && hts_set_threads(g->fp, threads) < 0) {
        g5_why(why, nwhy, "cannot start threads to read \"%s\"", path);
        goto fail;
    }
    if (g5_geno_select(g, -1, NULL) < 0) {
        g5_why(why, nwhy, "out of memory");
        goto fail;
    }
    return g;
fail:
    g5_geno_close(g);
    return NULL;
}

int g5_geno_nsamples(const g5_geno_t *g) { return bcf_hdr_nsamples(g->h); }
const char *g5_geno_sample(const g5_geno_t *g, int i) { return g->h->samples[i]; }
const char *g5_geno_why(const g5_geno_t *g) { return g->why; }

int g5_geno_select(g5_geno_t *g, int n, const int *idx)
{
    int all = n < 0, ns = bcf_hdr_nsamples(g->h);
    if (all) n = ns;
    int *sel = malloc((n + 1) * sizeof *sel);
    double *x = malloc((n + 1) * sizeof *x);
    if (!sel || !x) {
        free(sel);
        free(x);
        return -1;
    }
    for (int j = 0; j < n; j++) {
        sel[j] = all ? j : idx[j];
        if (sel[j] < 0 || sel[j] >= ns) {
            free(sel);
            free(x);
            return -1;
        }
    }
    free(g->sel);
    free(g->v.x);
    g->sel = sel;
    g->nsel = n;
    g->v.x = x;
    return 0;
}

/* Read the next record that has an ALT; fetch its GT or dosages.
 * @return 1, 0 at the end, -1 */
static int next_record(g5_geno_t *g)
{
    for (;;) {
        int r = bcf_read(g->fp, g->h, g->rec);
        if (r == -1) return 0;
        if (r < -1 || g->rec->errcode) {
            if (g->recno == 0) return fail(g, "cannot read \"%s\": truncated or corrupt", g->path);
            return fail(g, "cannot read \"%s\" after %s:%lld (record %llu): truncated or corrupt", g->path, g->v.chrom,
                        (long long)g->v.pos + 1, (unsigned long long)g->recno);
        }
        g->recno++;
        bcf1_t *rec = g->rec;
        bcf_unpack(rec, BCF_UN_ALL);
        if (rec->n_allele < 2) continue;
        int ns = bcf_hdr_nsamples(g->h), got;
        const char *chrom = bcf_seqname_safe(g->h, rec);
        if (g->dosage) {
            got = bcf_get_format_float(g->h, rec, g->dosage, &g->ds, &g->mds);
            g->per = got > 0 ? got / ns : 0;
            if (got > 0 && g->per != rec->n_allele - 1)
                return fail(g, "\"%s\" %s:%lld: %d %s values per sample for %d ALTs", g->path, chrom,
                            (long long)rec->pos + 1, g->per, g->dosage, rec->n_allele - 1);
        } else {
            got = bcf_get_genotypes(g->h, rec, &g->gt, &g->mgt);
            g->per = got > 0 ? got / ns : 0;
        }
        g->v.chrom = chrom;
        g->v.pos = rec->pos;
        g->v.id = rec->d.id;
        g->v.ref = rec->d.allele[0];
        g->v.nalt = rec->n_allele - 1;
        g->v.recno = g->recno;
        g->ialt = 0;
        return 1;
    }
}

int g5_geno_next(g5_geno_t *g, const g5_gvar_t **out)
{
    g5_gvar_t *v = &g->v;
    for (;;) {
        if (g->ialt == 0 || g->ialt >= v->nalt) {
            int r = next_record(g);
            if (r <= 0) return r;
        }
        int a = ++g->ialt;
        v->ialt = a;
        v->alt = g->rec->d.allele[a];
        if (g5_gvcf_is_other(v->alt)) continue;     // a gVCF's <*>: no allele to test
        v->n = 0;
        v->ac = v->an = 0;
        v->hom_ref = v->het = v->hom_alt = 0;
        for (int j = 0; j < g->nsel; j++) {
            int s = g->sel[j];
            double x = NAN;
            if (g->dosage && g->per > 0) {
                float d = g->ds[(size_t)s * g->per + a - 1];
                if (!bcf_float_is_missing(d) && !bcf_float_is_vector_end(d)) {
                    x = d;
                    v->an += 2;
                }
            } else if (!g->dosage && g->per > 0) {
                const int32_t *gt = g->gt + (size_t)s * g->per;
                int ploidy = 0, copies = 0, missing = 0;
                for (int k = 0; k < g->per && gt[k] != bcf_int32_vector_end; k++) {
                    ploidy++;
                    if (bcf_gt_is_missing(gt[k])) missing = 1;
                    else copies += bcf_gt_allele(gt[k]) == a;
                }
                if (ploidy && !missing) {
                    x = copies;
                    v->an += ploidy;
                    if (ploidy == 2) {
                        if (copies == 0) v->hom_ref++;
                        else if (copies == 1) v->het++;
                        else v->hom_alt++;
                    }
                }
            }
            v->x[j] = x;
            if (!isnan(x)) {
                v->n++;
                v->ac += x;
            }
        }
        *out = v;
        return 1;
    }
}
