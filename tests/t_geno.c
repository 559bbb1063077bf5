/* t_geno.c -- dosages from a VCF (tests/data/geno/small.vcf), worked out by
 * hand: GT counts of each ALT with multiallelic records split, missing
 * alleles as NaN, haploid calls, DS per ALT, sample selection and order,
 * and the counts filters use. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/kstring.h>

#include "tap.h"
#include "geno.h"

#ifndef DATA
#define DATA "tests/data/geno"
#endif

/* A variant as "POS REF>ALT x x x x | n ac an hr het ha". */
static const char *show(const g5_gvar_t *v, int ns)
{
    static char buf[256];
    int n = snprintf(buf, sizeof buf, "%lld %s>%s", (long long)v->pos + 1, v->ref, v->alt);
    for (int j = 0; j < ns; j++) n += isnan(v->x[j]) ? snprintf(buf + n, sizeof buf - n, " NA")
                                                      : snprintf(buf + n, sizeof buf - n, " %g", v->x[j]);
    snprintf(buf + n, sizeof buf - n, " | %d %g %g %d %d %d", v->n, v->ac, v->an, v->hom_ref, v->het, v->hom_alt);
    return buf;
}

/* Every variant of @p path as show() gives them, one per line (malloc'ed),
 * or NULL when it cannot be read to its end. */
static char *all_variants(const char *path, int threads)
{
    char why[512];
    g5_geno_t *g = g5_geno_open(path, NULL, threads, why, sizeof why);
    if (!g) return NULL;
    kstring_t all = { 0, 0, NULL };
    const g5_gvar_t *v;
    int r;
    while ((r = g5_geno_next(g, &v)) == 1) ksprintf(&all, "%s\n", show(v, g5_geno_nsamples(g)));
    g5_geno_close(g);
    if (r < 0) {
        free(all.s);
        return NULL;
    }
    return all.s ? all.s : strdup("");
}

/* The ways a VCF's text may come: each reads to the same variants. */
static void check_text_forms(const char *dir)
{
    char *plain = all_variants(DATA "/small.vcf", 0);
    const struct { const char *name, *make; } forms[] = {
        { "s.vcf.gz", "bgzip -c " DATA "/small.vcf" },
        { "g.vcf.gz", "gzip -c " DATA "/small.vcf" },                  // gzip, not BGZF
        { "crlf.vcf", "sed 's/$/\\r/' " DATA "/small.vcf" },
        { "nonl.vcf", "head -c -1 " DATA "/small.vcf" },                // no newline at the end
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        char cmd[1024], path[512];
        snprintf(path, sizeof path, "%s/%s", dir, forms[i].name);
        snprintf(cmd, sizeof cmd, "%s > %s", forms[i].make, path);
        for (int t = 0; t <= 1; t++) {
            char *got = system(cmd) == 0 ? all_variants(path, t) : NULL;
            ok(plain && got && !strcmp(plain, got), "%s, %d threads: the variants of the plain file", forms[i].name, t);
            free(got);
        }
    }
    free(plain);

    // Lines longer than a BGZF block (64 KiB): 20001 samples, 16 records,
    // 1.3 MB in all, so that uncompressed they also cross a 1 MiB read.  In
    // the second record one sample is missing and one unphased "1/0" amid
    // the usual "0|1", which are read two at a time.  (Not more samples:
    // htslib grows its sample list one by one, and under ASan that costs
    // minutes.)
    for (int bgzf = 0; bgzf <= 1; bgzf++) {
        char path[512], cmd[1024], why[512];
        snprintf(path, sizeof path, "%s/wide.vcf%s", dir, bgzf ? ".gz" : "");
        snprintf(cmd, sizeof cmd, "awk 'BEGIN { OFS = \"\\t\"; n = 20001; print \"##fileformat=VCFv4.2\"; "
                 "print \"##contig=<ID=1>\"; print \"##FORMAT=<ID=GT,Number=1,Type=String,Description=\\\"g\\\">\"; "
                 "h = \"#CHROM\\tPOS\\tID\\tREF\\tALT\\tQUAL\\tFILTER\\tINFO\\tFORMAT\"; "
                 "for (i = 0; i < n; i++) h = h \"\\ts\" i; print h; "
                 "for (r = 1; r <= 16; r++) { l = \"1\\t\" r \"\\t.\\tA\\tC\\t.\\t.\\t.\\tGT\"; "
                 "for (i = 0; i < n; i++) l = l (r == 2 && i == 10001 ? \"\\t./.\" : r == 2 && i == 7 ? \"\\t1/0\" : "
                 "i %% 3 == 0 ? \"\\t1|1\" : \"\\t0|1\"); print l } }' %s > %s", bgzf ? "| bgzip" : "", path);
        g5_geno_t *g = system(cmd) == 0 ? g5_geno_open(path, NULL, 1, why, sizeof why) : NULL;
        const g5_gvar_t *v;
        int n = 0, right = 1;
        while (g && g5_geno_next(g, &v) == 1) {
            int missing = n++ == 1;     // the second record
            right &= v->n == 20001 - missing && v->ac == 26668 - missing && v->hom_alt == 6667
                  && v->het == 13334 - missing && isnan(v->x[10001]) == missing && v->x[7] == 1 && v->x[19998] == 2;
        }
        ok(g && n == 16 && right, "%s lines of 80 kB (20001 samples): 16 records, every genotype",
           bgzf ? "BGZF" : "uncompressed");
        g5_geno_close(g);
    }

    // The last data block spoilt, the end-of-file marker (28 bytes) after
    // it intact: the blocks are read in place, and the bad one is an error
    // naming the file and the last record read, not a short read.
    char path[512], cmd[2048], why[512];
    snprintf(path, sizeof path, "%s/bad.vcf.gz", dir);
    snprintf(cmd, sizeof cmd, "cp %s/wide.vcf.gz %s && size=$(stat -c %%s %s) && "
             "printf 'XXXXXXXXXXXXXXXX' | dd of=%s bs=1 seek=$((size - 28 - 64)) conv=notrunc status=none",
             dir, path, path, path);
    hts_set_log_level(HTS_LOG_OFF);
    g5_geno_t *g = system(cmd) == 0 ? g5_geno_open(path, NULL, 0, why, sizeof why) : NULL;
    const g5_gvar_t *v;
    int n = 0, r = 0;
    while (g && (r = g5_geno_next(g, &v)) == 1) n++;
    ok(g && r < 0 && n < 16 && strstr(g5_geno_why(g), "bad.vcf.gz\" after record")
       && strstr(g5_geno_why(g), "truncated or corrupt"),
       "a spoilt BGZF block: %d records, then %s", n, g ? g5_geno_why(g) : why);
    g5_geno_close(g);
    hts_set_log_level(HTS_LOG_WARNING);
}

int main(void)
{
    char why[512] = "";
    const g5_gvar_t *v;
    g5_geno_t *g = g5_geno_open(DATA "/small.vcf", NULL, 0, why, sizeof why);
    ok(g != NULL, "opens %s", why);
    if (!g) return tap_done();
    is_int(g5_geno_nsamples(g), 4, "four samples");
    const char *want[] = {
        "100 C>T 0 1 2 NA | 3 3 6 1 1 1",          // ./. is missing
        "200 G>A 1 1 0 0 | 4 2 8 2 2 0",           // ALT 1: 0/1, 1/2, 2/2, 0|0
        "200 G>C 0 1 2 0 | 4 3 8 2 1 1",           // ALT 2
        "400 T>G 0 1 NA 1 | 3 2 4 0 1 0",          // haploid 0 and 1; ./1 missing
    };
    for (int i = 0; i < 4; i++) {
        int r = g5_geno_next(g, &v);
        is_str(r == 1 ? show(v, 4) : g5_geno_why(g), want[i], "GT: variant %d (a record without ALT gives none)", i + 1);
    }
    is_int(g5_geno_next(g, &v), 0, "then the end");
    g5_geno_close(g);

    g = g5_geno_open(DATA "/small.vcf", "DS", 0, why, sizeof why);
    int pick[] = { 3, 1 };      // D then B
    ok(g && g5_geno_select(g, 2, pick) == 0, "DS, samples D and B %s", why);
    const char *want_ds[] = {
        "100 C>T NA 0.9 | 1 0.9 2 0 0 0",
        "200 G>A 0 0.9 | 2 0.9 4 0 0 0",
        "200 G>C 0 1.1 | 2 1.1 4 0 0 0",
        "400 T>G 1 1 | 2 2 4 0 0 0",
    };
    for (int i = 0; g && i < 4; i++) {
        int r = g5_geno_next(g, &v);
        is_str(r == 1 ? show(v, 2) : g5_geno_why(g), want_ds[i], "DS: variant %d, in the order asked", i + 1);
    }
    ok(g && g5_geno_select(g, 1, (int[]){ 4 }) < 0, "a sample index out of range is refused");
    g5_geno_close(g);

    g = g5_geno_open(DATA "/small.vcf", "XX", 0, why, sizeof why);
    ok(!g && strstr(why, "has no FORMAT/XX"), "an undeclared dosage field is refused: %s", why);
    {   // PLINK 1 files that cannot be read (real ones: t_glm, against plink2)
        char dir[] = "/tmp/t_geno.XXXXXX", path[64];
        if (mkdtemp(dir)) {
            snprintf(path, sizeof path, "%s/x.bed", dir);
            g = g5_geno_open(path, NULL, 0, why, sizeof why);
            ok(!g && strstr(why, "x.fam"), "a .bed without its .fam is refused: %s", why);
            FILE *fp = fopen(path, "w");
            fputs("not a bed", fp);
            fclose(fp);
            snprintf(path, sizeof path, "%s/x.fam", dir);
            fp = fopen(path, "w");
            fputs("F1 S1 0 0 1 -9\n", fp);
            fclose(fp);
            snprintf(path, sizeof path, "%s/x.bim", dir);
            fp = fopen(path, "w");
            fputs("1 v1 0 100 G A\n", fp);
            fclose(fp);
            snprintf(path, sizeof path, "%s/x.bed", dir);
            g = g5_geno_open(path, NULL, 0, why, sizeof why);
            ok(!g && strstr(why, "is not a variant-major PLINK 1 .bed file"), "a .bed with another magic is refused: %s",
               why);
            g = g5_geno_open(path, "DS", 0, why, sizeof why);
            ok(!g && strstr(why, "hard calls"), "dosages from a .bed are refused: %s", why);
            // a VCF cut inside its second record: the first reads, then an
            // error naming the file and the last record read
            char cmd[512];
            snprintf(cmd, sizeof cmd, "head -c 330 %s/small.vcf > %s/cut.vcf", DATA, dir);
            snprintf(path, sizeof path, "%s/cut.vcf", dir);
            hts_set_log_level(HTS_LOG_OFF);
            g = system(cmd) == 0 ? g5_geno_open(path, NULL, 0, why, sizeof why) : NULL;
            int r = 0, nread = 0;
            while (g && (r = g5_geno_next(g, &v)) == 1) nread++;
            ok(g && nread == 1 && r < 0 && strstr(g5_geno_why(g), "cut.vcf\" record 2 (1:200): fewer sample columns"),
               "a VCF cut short: one variant, then an error naming the file and the record cut: %s", g ? g5_geno_why(g) : why);
            g5_geno_close(g);
            hts_set_log_level(HTS_LOG_WARNING);
            check_text_forms(dir);
            snprintf(path, sizeof path, "rm -rf %s", dir);
            ok(system(path) == 0, "cleaned up");
        }
    }
    hts_set_log_level(HTS_LOG_OFF);     // htslib says it too
    g = g5_geno_open(DATA "/none.vcf", NULL, 0, why, sizeof why);
    ok(!g && strstr(why, "cannot open"), "a missing file is refused: %s", why);
    return tap_done();
}
