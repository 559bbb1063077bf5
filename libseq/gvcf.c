/*
 * gvcf.c -- gVCF records of any dialect in one shape.  See gvcf.h.
 *
 * Reading is in two steps: what the record says for all samples (its
 * alleles, END, and each FORMAT array, fetched once), then each sample's
 * slice of it.
 */
#include <stdlib.h>
#include <string.h>

#include "gvcf.h"

#define fail(...) (snprintf(why, nwhy, __VA_ARGS__), -1)

int g5_gvcf_hdr_add(bcf_hdr_t *h)
{
    static const char *const lines[] = {
        "##ALT=<ID=*,Description=\"Any allele other than those listed: the base stands for all others\">",
        "##INFO=<ID=END,Number=1,Type=Integer,Description=\"Last position of the reference block\">",
        "##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description=\"Lowest DP within the reference block\">",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        if (bcf_hdr_append(h, lines[i]) < 0) return -1;
    return 0;
}

int g5_gvcf_is_other(const char *s)
{
    return !strcmp(s, "<*>") || !strcmp(s, "<NON_REF>") || !strcmp(s, "<X>");
}

/* The record-wide part. */
typedef struct shape {
    int block, other, nreal, real[G5_GVCF_MAX_ALLELES];
    hts_pos_t beg, end;
    int mindp_info;                     /* bcftools' INFO/MinDP, or -1 */
    int ngt, ngq, ndp, nmindp, npl, nad;    /* values per sample of each array (0: absent) */
    const char *chrom;
    long long pos1;
} shape_t;

static int info_int(const bcf_hdr_t *h, bcf1_t *rec, const char *tag)
{
    int32_t *v = NULL;
    int n = 0, r = -1;
    if (bcf_get_info_int32(h, rec, tag, &v, &n) > 0 && v[0] != bcf_int32_missing) r = v[0];
    free(v);
    return r;
}

/* Values per sample of a FORMAT integer array, fetched into *v. */
static int per_sample(const bcf_hdr_t *h, bcf1_t *rec, const char *tag, int32_t **v, int *m)
{
    int got = bcf_get_format_int32(h, rec, tag, v, m);
    return got > 0 ? got / bcf_hdr_nsamples(h) : 0;
}

static int shape_of(const bcf_hdr_t *h, bcf1_t *rec, g5_gvcf_buf_t *b, shape_t *s, char *why, size_t nwhy)
{
    memset(s, 0, sizeof *s);
    bcf_unpack(rec, BCF_UN_ALL);
    s->chrom = bcf_seqname_safe(h, rec);
    s->pos1 = (long long)rec->pos + 1;
    s->other = -1;
    for (int i = 0; i < rec->n_allele; i++) {
        if (i > 0 && g5_gvcf_is_other(rec->d.allele[i])) {
            s->other = i;
            continue;
        }
        if (s->nreal == G5_GVCF_MAX_ALLELES)
            return fail("%s:%lld: more than %d alleles", s->chrom, s->pos1, G5_GVCF_MAX_ALLELES);
        s->real[s->nreal++] = i;
    }
    s->block = s->nreal == 1;
    s->beg = rec->pos;
    int end = info_int(h, rec, "END");
    s->end = end > 0 ? end : rec->pos + rec->rlen;
    if (s->end <= s->beg) return fail("%s:%lld: END=%d is before POS", s->chrom, s->pos1, end);
    s->mindp_info = info_int(h, rec, "MinDP");
    s->ngt = bcf_get_genotypes(h, rec, &b->gt, &b->ngt);
    s->ngt = s->ngt > 0 ? s->ngt / bcf_hdr_nsamples(h) : 0;
    s->ngq = per_sample(h, rec, "GQ", &b->gq, &b->ngq);
    s->ndp = per_sample(h, rec, "DP", &b->dp, &b->ndp);
    s->nmindp = per_sample(h, rec, "MIN_DP", &b->mindp, &b->nmindp);
    s->npl = per_sample(h, rec, "PL", &b->pl, &b->npl);
    s->nad = per_sample(h, rec, "AD", &b->ad, &b->nad);
    return 0;
}

static int first(const int32_t *v, int per, int sample)
{
    if (per <= 0) return -1;
    int32_t x = v[(size_t)sample * per];
    return x == bcf_int32_missing || x == bcf_int32_vector_end ? -1 : x;
}

/* PL index of genotype (a, b), a <= b, of the record's alleles. */
static int gt_index(int ploidy, int a, int b)
{
    return ploidy == 1 ? b : b * (b + 1) / 2 + a;
}

static int sample_of(const bcf_hdr_t *h, bcf1_t *rec, const shape_t *s, const g5_gvcf_buf_t *b, int sample,
                     g5_gvcf_rec_t *out, char *why, size_t nwhy)
{
    memset(out, 0, sizeof *out);
    out->block = s->block;
    out->nal = s->nreal;
    out->beg = s->beg;
    out->end = s->end;

    // genotype: its ploidy, and whether it was called at all
    int called = 0;
    for (int k = 0; k < s->ngt; k++) {
        int32_t a = b->gt[(size_t)sample * s->ngt + k];
        if (a == bcf_int32_vector_end) break;
        out->ploidy++;
        called |= !bcf_gt_is_missing(a);
    }
    if (out->ploidy < 1 || out->ploidy > 2) out->ploidy = 2;

    out->gq = first(b->gq, s->ngq, sample);
    if (s->block) {
        out->dp = first(b->mindp, s->nmindp, sample);
        if (out->dp < 0) out->dp = s->mindp_info;       // bcftools puts it in INFO
        if (out->dp < 0) out->dp = first(b->dp, s->ndp, sample);
    } else {
        out->dp = first(b->dp, s->ndp, sample);
    }

    // PL of the real alleles (for a block: of REF and other), and of the
    // genotypes with the other allele
    int informative = 0, ploidy = out->ploidy;
    int nkeep = s->block ? (s->other >= 0 ? 2 : 1) : s->nreal;
    int keep[G5_GVCF_MAX_ALLELES];
    for (int k = 0; k < nkeep; k++) keep[k] = s->block ? (k == 0 ? 0 : s->other) : s->real[k];
    const int32_t *pl = s->npl ? b->pl + (size_t)sample * s->npl : NULL;
    if (pl && pl[0] != bcf_int32_missing) {
        int have = 0, full = ploidy == 1 ? rec->n_allele : rec->n_allele * (rec->n_allele + 1) / 2;
        while (have < s->npl && pl[have] != bcf_int32_vector_end) have++;
        if (have != full)
            return fail("%s:%lld: sample %s: %d PL values for %d alleles, ploidy %d", s->chrom, s->pos1,
                        h->samples[sample], have, rec->n_allele, ploidy);
        int g = 0;
        for (int k2 = 0; k2 < nkeep; k2++)
            for (int k1 = ploidy == 1 ? k2 : 0; k1 <= k2; k1++, g++) {
                int v = pl[gt_index(ploidy, keep[k1], keep[k2])];
                out->pl[g] = v;
                informative |= v != 0;
            }
        out->npl = g;
        if (!s->block && s->other >= 0) {
            if (ploidy == 1) {
                out->opl[0] = pl[s->other];
                out->nopl = 1;
            } else {
                for (int k = 0; k < nkeep; k++) out->opl[k] = pl[gt_index(2, keep[k], s->other)];
                out->opl[nkeep] = pl[gt_index(2, s->other, s->other)];
                out->nopl = nkeep + 1;
            }
        }
    }
    const int32_t *ad = s->nad == rec->n_allele ? b->ad + (size_t)sample * s->nad : NULL;
    for (int k = 0; k < s->nreal; k++)
        out->ad[k] = ad && ad[s->real[k]] >= 0 ? ad[s->real[k]] : -1;   // missing and vector_end are < 0
    if (!s->block && out->dp < 0 && out->ad[0] >= 0) {      // no DP: the sum of AD
        out->dp = 0;
        for (int k = 0; k < s->nreal; k++) out->dp += out->ad[k] > 0 ? out->ad[k] : 0;
    }

    // no reads is no data, whatever GT says (GATK writes 0/0 there)
    out->nodata = out->dp == 0 || (!informative && !called);
    return 0;
}

int g5_gvcf_read_all(const bcf_hdr_t *h, bcf1_t *rec, g5_gvcf_buf_t *buf, g5_gvcf_rec_t *out,
                     char *why, size_t nwhy)
{
    shape_t s;
    if (shape_of(h, rec, buf, &s, why, nwhy) < 0) return -1;
    for (int i = 0; i < bcf_hdr_nsamples(h); i++)
        if (sample_of(h, rec, &s, buf, i, &out[i], why, nwhy) < 0) return -1;
    return 0;
}

int g5_gvcf_read(const bcf_hdr_t *h, bcf1_t *rec, int sample, g5_gvcf_rec_t *out, char *why, size_t nwhy)
{
    g5_gvcf_buf_t buf = { 0 };
    shape_t s;
    int r = shape_of(h, rec, &buf, &s, why, nwhy) < 0 ? -1 : sample_of(h, rec, &s, &buf, sample, out, why, nwhy);
    g5_gvcf_buf_free(&buf);
    return r;
}

void g5_gvcf_buf_free(g5_gvcf_buf_t *b)
{
    free(b->gt); free(b->gq); free(b->dp); free(b->mindp); free(b->pl); free(b->ad);
    memset(b, 0, sizeof *b);
}
