/* t_gvcf.c -- the four gVCF dialects (g5, bcftools, GATK, DeepVariant; the
 * hand-written fixtures in tests/data/gvcf) read into one shape: blocks and
 * their spans, depth from MIN_DP or INFO/MinDP, the symbolic allele's PL
 * dropped from sites, and no coverage as no data -- also where GATK writes
 * 0/0 -- while a DeepVariant RefCall ./. with likelihoods is data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "gvcf.h"

#ifndef DATA
#define DATA "tests/data/gvcf"
#endif

/* Read every record of a fixture. */
static int load(const char *name, g5_gvcf_rec_t *r, int max)
{
    char path[256], why[256];
    snprintf(path, sizeof path, "%s/%s", DATA, name);
    htsFile *fp = bcf_open(path, "r");
    bcf_hdr_t *h = fp ? bcf_hdr_read(fp) : NULL;
    bcf1_t *rec = bcf_init();
    int n = 0;
    while (h && n < max && bcf_read(fp, h, rec) == 0)
        if (g5_gvcf_read(h, rec, 0, &r[n++], why, sizeof why) < 0) {
            fprintf(stderr, "# %s: %s\n", name, why);
            break;
        }
    bcf_destroy(rec);
    if (h) bcf_hdr_destroy(h);
    if (fp) bcf_close(fp);
    return n;
}

static int pl_is(const g5_gvcf_rec_t *r, int n, const int *want)
{
    if (r->npl != n) return 0;
    for (int i = 0; i < n; i++) if (r->pl[i] != want[i]) return 0;
    return 1;
}

int main(void)
{
    g5_gvcf_rec_t r[8];

    int n = load("gatk.g.vcf", r, 8);
    is_int(n, 6, "GATK: 6 records");
    ok(r[0].block && r[0].nodata && r[0].beg == 0 && r[0].end == 99, "GATK: 0/0 with DP 0 is no data, [0,99)");
    ok(r[1].block && !r[1].nodata && r[1].gq == 99 && r[1].dp == 22 && pl_is(&r[1], 3, (int[]){ 0, 66, 990 }),
       "GATK: a block's GQ, MIN_DP and REF/<NON_REF> PL");
    ok(!r[2].block && r[2].nal == 2 && r[2].dp == 31 && r[2].ad[0] == 16 && r[2].ad[1] == 15
       && pl_is(&r[2], 3, (int[]){ 520, 0, 560 }), "GATK: a site without <NON_REF>'s PL and AD");
    ok(r[2].nopl == 3 && r[2].opl[0] == 568 && r[2].opl[1] == 605 && r[2].opl[2] == 1173,
       "GATK: <NON_REF>'s PL kept apart");
    ok(!r[4].block && pl_is(&r[4], 3, (int[]){ 826, 87, 0 }) && r[4].end == 201, "GATK: an indel site, [199,201)");
    ok(r[5].block && r[5].beg == 200 && r[5].end == 300 && r[5].gq == 24, "GATK: the last block to END=300");

    n = load("bcftools.g.vcf", r, 8);
    is_int(n, 4, "bcftools: 4 records");
    ok(r[0].nodata && r[0].block, "bcftools: ./. with MinDP 0 is no data");
    ok(r[1].block && r[1].dp == 21 && r[1].gq == -1 && pl_is(&r[1], 3, (int[]){ 0, 63, 255 }),
       "bcftools: depth from INFO/MinDP, no GQ");
    ok(!r[2].block && pl_is(&r[2], 3, (int[]){ 255, 0, 255 }), "bcftools: a site without <*>");

    n = load("deepvariant.g.vcf", r, 8);
    is_int(n, 6, "DeepVariant: 6 records");
    ok(r[0].nodata, "DeepVariant: ./. with MIN_DP 0 is no data");
    ok(r[1].gq == 50 && r[1].dp == 23, "DeepVariant: GQ and MIN_DP");
    ok(!r[4].block && !r[4].nodata && r[4].dp == 26 && pl_is(&r[4], 3, (int[]){ 0, 13, 30 }),
       "DeepVariant: a RefCall ./. with likelihoods is data");

    n = load("g5.g.vcf", r, 8);
    is_int(n, 4, "g5: 4 records");
    ok(r[0].nodata && r[0].npl == 0, "g5: ./. without PL is no data");
    ok(r[1].gq == 30 && r[1].dp == 21 && pl_is(&r[1], 3, (int[]){ 0, 63, 700 }), "g5: a block");
    ok(!r[2].block && pl_is(&r[2], 3, (int[]){ 250, 0, 260 }) && r[2].ad[1] == 15, "g5: a site");
    ok(r[2].nopl == 3 && r[2].opl[0] == 295 && r[2].opl[1] == 305 && r[2].opl[2] == 600,
       "g5: a site keeps the PL of REF/<*>, ALT/<*> and <*>/<*> apart");
    ok(r[1].nopl == 0, "g5: a block has no separate <*> PL (its PL already is REF and <*>)");

    // records that cannot be right
    {
        htsFile *fp = bcf_open(DATA "/bad.g.vcf", "r");
        bcf_hdr_t *h = bcf_hdr_read(fp);
        bcf1_t *rec = bcf_init();
        char why[256] = "";
        g5_gvcf_rec_t x;
        hts_set_log_level(HTS_LOG_OFF);     // htslib warns about that END itself
        int r1 = bcf_read(fp, h, rec);
        ok(r1 == 0 && g5_gvcf_read(h, rec, 0, &x, why, sizeof why) < 0 && strstr(why, "c1:100: END=50 is before POS"),
           "END before POS is refused: %s", why);
        int r2 = bcf_read(fp, h, rec);
        ok(r2 == 0 && g5_gvcf_read(h, rec, 0, &x, why, sizeof why) < 0 && strstr(why, "c1:150: sample g5s1: 3 PL values for 3 alleles"),
           "PL of the wrong length is refused: %s", why);
        bcf_destroy(rec);
        bcf_hdr_destroy(h);
        bcf_close(fp);
    }

    {   // a multi-sample gVCF (g5 joint --gvcf-out writes them), every sample at once
        htsFile *fp = bcf_open(DATA "/multi.g.vcf", "r");
        bcf_hdr_t *h = bcf_hdr_read(fp);
        bcf1_t *rec = bcf_init();
        g5_gvcf_buf_t buf = { 0 };
        g5_gvcf_rec_t m[3];
        char why[256] = "";
        int r1 = bcf_read(fp, h, rec) == 0 ? g5_gvcf_read_all(h, rec, &buf, m, why, sizeof why) : -1;
        ok(r1 == 0 && m[0].block && !m[0].nodata && m[0].dp == 21 && m[1].nodata && !m[2].nodata && m[2].gq == 12
           && pl_is(&m[2], 3, (int[]){ 0, 12, 120 }), "multi-sample block: each sample's own numbers %s", why);
        int r2 = bcf_read(fp, h, rec) == 0 ? g5_gvcf_read_all(h, rec, &buf, m, why, sizeof why) : -1;
        ok(r2 == 0 && m[0].nal == 3 && pl_is(&m[0], 6, (int[]){ 250, 0, 260, 251, 261, 262 })
           && m[0].nopl == 4 && m[0].opl[3] == 600 && m[0].ad[2] == 0, "multi-sample site: sample 1, three real alleles");
        ok(r2 == 0 && m[1].nodata && m[1].npl == 0, "multi-sample site: an absent sample is no data");
        ok(r2 == 0 && m[2].ploidy == 1 && pl_is(&m[2], 3, (int[]){ 300, 400, 0 }) && m[2].nopl == 1 && m[2].opl[0] == 500,
           "multi-sample site: a haploid sample's PL and its <*>");
        g5_gvcf_buf_free(&buf);
        bcf_destroy(rec);
        bcf_hdr_destroy(h);
        bcf_close(fp);
    }

    ok(g5_gvcf_is_other("<*>") && g5_gvcf_is_other("<NON_REF>") && !g5_gvcf_is_other("*"),
       "<*> and <NON_REF> are the other allele; * (a spanning deletion) is a real one");
    return tap_done();
}
