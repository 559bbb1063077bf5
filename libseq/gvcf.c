/*
 * gvcf.c -- gVCF records of any dialect in one shape.  See gvcf.h.
 */
#include <stdlib.h>
#include <string.h>

#include "gvcf.h"

#define fail(...) (snprintf(why, nwhy, __VA_ARGS__), -1)

int g5_gvcf_is_other(const char *s)
{
    return !strcmp(s, "<*>") || !strcmp(s, "<NON_REF>") || !strcmp(s, "<X>");
}

/* The first value of an integer FORMAT field of one sample, or -1. */
static int format_int(const bcf_hdr_t *h, bcf1_t *rec, const char *tag, int sample)
{
    int32_t *v = NULL;
    int n = 0, r = -1;
    int got = bcf_get_format_int32(h, rec, tag, &v, &n);
    int per = got > 0 ? got / bcf_hdr_nsamples(h) : 0;
    if (per > 0 && v[sample * per] != bcf_int32_missing && v[sample * per] != bcf_int32_vector_end)
        r = v[sample * per];
    free(v);
    return r;
}

static int info_int(const bcf_hdr_t *h, bcf1_t *rec, const char *tag)
{
    int32_t *v = NULL;
    int n = 0, r = -1;
    if (bcf_get_info_int32(h, rec, tag, &v, &n) > 0 && v[0] != bcf_int32_missing) r = v[0];
    free(v);
    return r;
}

int g5_gvcf_read(const bcf_hdr_t *h, bcf1_t *rec, int sample, g5_gvcf_rec_t *out, char *why, size_t nwhy)
{
    memset(out, 0, sizeof *out);
    bcf_unpack(rec, BCF_UN_ALL);
    const char *chrom = bcf_seqname_safe(h, rec);
    long long pos1 = (long long)rec->pos + 1;

    // alleles: the real ones (kept, REF first) and the symbolic other
    int other = -1, real[64], nreal = 0;
    for (int i = 0; i < rec->n_allele && i < 64; i++) {
        if (i > 0 && g5_gvcf_is_other(rec->d.allele[i])) other = i;
        else real[nreal++] = i;
    }
    if (nreal > G5_GVCF_MAX_ALLELES)
        return fail("%s:%lld: %d alleles, more than %d", chrom, pos1, nreal, G5_GVCF_MAX_ALLELES);
    out->block = nreal == 1;
    out->nal = nreal;
    out->beg = rec->pos;
    int end = info_int(h, (bcf1_t *)rec, "END");
    out->end = end > 0 ? end : rec->pos + rec->rlen;
    if (out->end <= out->beg) return fail("%s:%lld: END=%d is before POS", chrom, pos1, end);

    // genotype: its ploidy, and whether it was called at all
    int32_t *gt = NULL;
    int ngt = 0, called = 0;
    int got = bcf_get_genotypes(h, rec, &gt, &ngt);
    int per = got > 0 ? got / bcf_hdr_nsamples(h) : 0;
    out->ploidy = 0;
    for (int k = 0; k < per; k++) {
        int32_t a = gt[sample * per + k];
        if (a == bcf_int32_vector_end) break;
        out->ploidy++;
        called |= !bcf_gt_is_missing(a);
    }
    free(gt);
    if (out->ploidy < 1 || out->ploidy > 2) out->ploidy = 2;

    out->gq = format_int(h, rec, "GQ", sample);
    if (out->block) {
        out->dp = format_int(h, rec, "MIN_DP", sample);
        if (out->dp < 0) out->dp = info_int(h, rec, "MinDP");     // bcftools puts it in INFO
        if (out->dp < 0) out->dp = format_int(h, rec, "DP", sample);
    } else {
        out->dp = format_int(h, rec, "DP", sample);
    }

    // PL and AD of the real alleles (and, for a block, of REF and other)
    int32_t *pl = NULL, *ad = NULL;
    int npl = 0, nad = 0, informative = 0;
    int gotpl = bcf_get_format_int32(h, rec, "PL", &pl, &npl);
    int perpl = gotpl > 0 ? gotpl / bcf_hdr_nsamples(h) : 0;
    int keep[3] = { 0, other, -1 }, nkeep = out->block ? (other >= 0 ? 2 : 1) : nreal;
    const int *alleles = out->block ? keep : real;
    int ng = out->ploidy == 1 ? nkeep : nkeep * (nkeep + 1) / 2;
    int full = out->ploidy == 1 ? rec->n_allele : rec->n_allele * (rec->n_allele + 1) / 2;
    if (perpl > 0 && pl[sample * perpl] != bcf_int32_missing) {
        int have = 0;
        while (have < perpl && pl[sample * perpl + have] != bcf_int32_vector_end) have++;
        if (have != full) {
            free(pl);
            return fail("%s:%lld: %d PL values for %d alleles, ploidy %d", chrom, pos1, have, rec->n_allele,
                        out->ploidy);
        }
        for (int g = 0, k2 = 0; k2 < nkeep; k2++)
            for (int k1 = 0; k1 <= (out->ploidy == 1 ? 0 : k2); k1++, g++) {
                int a = alleles[out->ploidy == 1 ? k2 : k1], b = alleles[k2];
                int at = out->ploidy == 1 ? b : b * (b + 1) / 2 + a;
                out->pl[out->ploidy == 1 ? k2 : g] = pl[sample * perpl + at];
                informative |= pl[sample * perpl + at] != 0;
            }
        out->npl = ng;
    }
    free(pl);
    int gotad = bcf_get_format_int32(h, rec, "AD", &ad, &nad);
    int perad = gotad > 0 ? gotad / bcf_hdr_nsamples(h) : 0;
    for (int k = 0; k < nreal; k++)
        out->ad[k] = perad == rec->n_allele && ad[sample * perad + real[k]] >= 0 ? ad[sample * perad + real[k]] : -1;
    free(ad);
    if (!out->block && out->dp < 0 && out->ad[0] >= 0) {      // no DP: the sum of AD
        out->dp = 0;
        for (int k = 0; k < nreal; k++) out->dp += out->ad[k] > 0 ? out->ad[k] : 0;
    }

    // no reads is no data, whatever GT says (GATK writes 0/0 there)
    out->nodata = out->dp == 0 || (!informative && !called);
    return 0;
}
