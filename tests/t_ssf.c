/* t_ssf.c -- GWAS-SSF v1.1 output: the exact text of a small file (column
 * order, #NA, chromosome codes, seven significant digits, a p of 1e-250),
 * the tabix index answering a region, the md5 in the YAML sidecar against
 * md5sum(1), MD5 test vectors (RFC 1321), the mandatory metadata keys, an
 * odds_ratio case-control file, bad rows refused with a reason, and abort
 * and failed closes leaving nothing behind. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/tbx.h>
#include <htslib/thread_pool.h>

#include "tap.h"
#include "scratch.h"
#include "digest.h"
#include "ssf.h"

/* The whole of a file, decompressed if bgzipped (malloc'ed; NULL if unreadable). */
static char *slurp(const char *path)
{
    htsFile *fp = hts_open(path, "r");
    if (!fp) return NULL;
    kstring_t line = KS_INITIALIZE, all = KS_INITIALIZE;
    while (hts_getline(fp, '\n', &line) >= 0) {
        kputsn(line.s, line.l, &all);
        kputc('\n', &all);
    }
    hts_close(fp);
    free(line.s);
    if (!all.s) kputs("", &all);
    return all.s;
}

/* The rows a tabix query returns, joined with '\n'. */
static char *query(const char *path, const char *region)
{
    htsFile *fp = hts_open(path, "r");
    tbx_t *tbx = fp ? tbx_index_load(path) : NULL;
    kstring_t got = KS_INITIALIZE, line = KS_INITIALIZE;
    kputs("", &got);
    if (tbx) {
        hts_itr_t *itr = tbx_itr_querys(tbx, region);
        while (itr && tbx_itr_next(fp, tbx, itr, &line) >= 0) {
            kputsn(line.s, line.l, &got);
            kputc('\n', &got);
        }
        hts_itr_destroy(itr);
        tbx_destroy(tbx);
    } else {
        kputs("(no index)", &got);
    }
    if (fp) hts_close(fp);
    free(line.s);
    return got.s;
}

/* The value of a top-level "key: value" line of the YAML, or NULL. */
static const char *yaml_value(const char *yaml, const char *key)
{
    static char buf[256];
    size_t n = strlen(key);
    for (const char *l = yaml; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, key, n) && l[n] == ':') {
            const char *v = l + n + 1, *end = strchr(v, '\n');
            while (*v == ' ') v++;
            size_t m = end ? (size_t)(end - v) : strlen(v);
            if (m >= sizeof buf) m = sizeof buf - 1;
            memcpy(buf, v, m);
            buf[m] = 0;
            return buf;
        }
    return NULL;
}

static const g5_ssf_meta_t meta = {
    .trait_description = "height: adult, \"standing\"",
    .genome_assembly = "GRCh38",
    .genotyping_technology = "Whole genome sequencing",
    .sample_ancestry_category = "European",
    .sample_size = 1000,
    .sex = "combined",
    .analysis_software = "g5 test",
    .adjusted_covariates = (const char *const[]){ "age", "PC1" },
    .n_covariates = 2,
};

static void test_md5_vectors(void)
{
    char hex[33];
    ok(g5_digest_buf(G5_MD5, "", 0, hex) == 0 && !strcmp(hex, "d41d8cd98f00b204e9800998ecf8427e"), "MD5(\"\") %s", hex);
    ok(g5_digest_buf(G5_MD5, "abc", 3, hex) == 0 && !strcmp(hex, "900150983cd24fb0d6963f7d28e17f72"), "MD5(\"abc\") %s", hex);
    const char *alpha = "abcdefghijklmnopqrstuvwxyz";
    ok(g5_digest_buf(G5_MD5, alpha, strlen(alpha), hex) == 0 && !strcmp(hex, "c3fcd3d76192e4007dfb496cca67e13b"),
       "MD5(a..z) %s", hex);
}

static void test_chrom_codes(void)
{
    is_int(g5_ssf_chrom_code("1"), 1, "1 is 1");
    is_int(g5_ssf_chrom_code("chr22"), 22, "chr22 is 22");
    is_int(g5_ssf_chrom_code("X"), 23, "X is 23");
    is_int(g5_ssf_chrom_code("chrY"), 24, "chrY is 24");
    is_int(g5_ssf_chrom_code("chrM"), 25, "chrM is 25");
    is_int(g5_ssf_chrom_code("MT"), 25, "MT is 25");
    is_int(g5_ssf_chrom_code("23"), 23, "23 stays 23");
    is_int(g5_ssf_chrom_code("26"), 0, "26 has no code");
    is_int(g5_ssf_chrom_code("01"), 0, "01 has no code");
    is_int(g5_ssf_chrom_code("chrUn_KI270302v1"), 0, "an unplaced contig has no code");
}

static void test_beta_file(void)
{
    char why[512] = "";
    const char *path = in_dir("out.height.tsv.gz");
    g5_ssf_t *s = g5_ssf_open(path, G5_SSF_BETA, 0, why, sizeof why);
    ok(s != NULL, "open %s", why);
    if (!s) return;
    g5_ssf_row_t rows[] = {
        { "chr1", 100, "A", "G", 0.1234567891, 0.01, 0.25, 0.5, "rs123", 1000, 12.345678912, -1, -1, G5_SSF_REF_OA, NULL },
        { "chr1", 200, "AT", "A", -1.5, 0.2, 0.9, 1e-250, ".", -1, NAN, -1, -1, G5_SSF_REF_UNKNOWN, NULL },
        { "chrX", 50, "C", "T", 2e-8, 3.3e-9, 0.01, 3.14159265e-12, NULL, 990, -6.0606, -1, -1, G5_SSF_REF_EA, NULL },
    };
    for (int i = 0; i < 3; i++) {
        ok(g5_ssf_write(s, &rows[i], why, sizeof why) == 0, "row %d written %s", i + 1, why);
        why[0] = 0;
    }
    g5_ssf_row_t back = { "chr1", 150, "A", "C", 0.1, 0.1, 0.5, 0.5, NULL, 10, 1, -1, -1, 0, NULL };
    ok(g5_ssf_write(s, &back, why, sizeof why) < 0 && strstr(why, "chr1:150 comes after X:50")
       && strstr(why, "sorted"), "an unsorted row is refused: %s", why);
    g5_ssf_row_t r = { "chrX", 40, "A", "C", 0.1, 0.1, 0.5, 0.5, NULL, 10, 1, -1, -1, 0, NULL };
    ok(g5_ssf_write(s, &r, why, sizeof why) < 0 && strstr(why, "chrX:40 comes after X:50"),
       "a position going back on the same chromosome is refused: %s", why);
    r.pos = 60;
    r.p = NAN;
    ok(g5_ssf_write(s, &r, why, sizeof why) < 0 && strstr(why, "the p-value is missing"),
       "a missing p-value is refused: %s", why);
    r.p = 0.5;
    r.eaf = 1.5;
    ok(g5_ssf_write(s, &r, why, sizeof why) < 0 && strstr(why, "effect allele frequency"),
       "an allele frequency above 1 is refused: %s", why);
    r.eaf = 0.5;
    r.oa = "N";
    ok(g5_ssf_write(s, &r, why, sizeof why) < 0 && strstr(why, "A, C, G, T only"),
       "an allele N is refused: %s", why);
    r.oa = "C";
    r.chrom = "chrUn_KI270302v1";
    ok(g5_ssf_write(s, &r, why, sizeof why) < 0 && strstr(why, "no GWAS-SSF code"),
       "an unplaced contig is refused: %s", why);
    is_int(g5_ssf_nrows(s), 3, "refused rows are not counted");

    why[0] = 0;
    ok(g5_ssf_close(s, &meta, why, sizeof why) == 0, "close %s", why);
    is_int(count_files(), 3, "data, index and metadata, no temporaries");

    char *text = slurp(path);
    is_str(text,
           "chromosome\tbase_pair_location\teffect_allele\tother_allele\tbeta\tstandard_error\t"
           "effect_allele_frequency\tp_value\trsid\tn\tref_allele\tz_score\n"
           "1\t100\tA\tG\t0.1234568\t0.01\t0.25\t0.5\trs123\t1000\tOA\t12.34568\n"
           "1\t200\tAT\tA\t-1.5\t0.2\t0.9\t1e-250\t#NA\t#NA\t#NA\t#NA\n"
           "23\t50\tC\tT\t2e-08\t3.3e-09\t0.01\t3.141593e-12\t#NA\t990\tEA\t-6.0606\n",
           "the data file's exact text");
    free(text);

    char *got = query(path, "1:150-250");
    is_str(got, "1\t200\tAT\tA\t-1.5\t0.2\t0.9\t1e-250\t#NA\t#NA\t#NA\t#NA\n", "tabix 1:150-250 finds the second row");
    free(got);
    got = query(path, "1:100-100");
    is_str(got, "1\t100\tA\tG\t0.1234568\t0.01\t0.25\t0.5\trs123\t1000\tOA\t12.34568\n", "tabix 1:100-100 finds the first row");
    free(got);
    got = query(path, "23");
    is_str(got, "23\t50\tC\tT\t2e-08\t3.3e-09\t0.01\t3.141593e-12\t#NA\t990\tEA\t-6.0606\n", "tabix 23 finds the X row");
    free(got);

    char *yaml = slurp(in_dir("out.height.tsv.gz-meta.yaml"));
    ok(yaml != NULL, "the metadata sidecar is there");
    if (!yaml) return;
    char cmd[512], sum[64] = "";
    snprintf(cmd, sizeof cmd, "md5sum '%s'", path);
    FILE *p = popen(cmd, "r");
    if (p) {
        if (fscanf(p, "%32s", sum) != 1) sum[0] = 0;
        pclose(p);
    }
    is_str(yaml_value(yaml, "data_file_md5sum"), sum, "data_file_md5sum equals md5sum(1) of the file");
    char hex[33] = "";
    g5_digest_file(G5_MD5, path, hex, NULL, why, sizeof why);
    is_str(hex, sum, "g5_digest_file agrees with md5sum(1)");
    is_str(yaml_value(yaml, "data_file_name"), "\"out.height.tsv.gz\"", "data_file_name is the base name");
    is_str(yaml_value(yaml, "file_type"), "GWAS-SSF v1.1", "file_type");
    is_str(yaml_value(yaml, "is_harmonised"), "false", "is_harmonised");
    is_str(yaml_value(yaml, "is_sorted"), "true", "is_sorted");
    is_str(yaml_value(yaml, "genome_assembly"), "\"GRCh38\"", "genome_assembly");
    is_str(yaml_value(yaml, "coordinate_system"), "1-based", "coordinate_system");
    is_str(yaml_value(yaml, "sex"), "combined", "sex");
    is_str(yaml_value(yaml, "analysis_software"), "\"g5 test\"", "analysis_software");
    ok(strstr(yaml, "trait_description:\n  - \"height: adult, \\\"standing\\\"\"\n") != NULL,
       "trait_description is a list of one, quoted and escaped");
    ok(strstr(yaml, "genotyping_technology:\n  - \"Whole genome sequencing\"\n") != NULL, "genotyping_technology");
    ok(strstr(yaml, "samples:\n  - sample_size: 1000\n    sample_ancestry_category:\n      - \"European\"\n"
                    "    case_control_study: false\n") != NULL, "samples: size, ancestry category, not case-control");
    ok(strstr(yaml, "adjusted_covariates:\n  - \"age\"\n  - \"PC1\"\n") != NULL, "adjusted_covariates");
    ok(!strstr(yaml, "date"), "no date in the metadata");
    free(yaml);
}

static void test_odds_ratio_file(void)
{
    char why[512] = "";
    const char *path = in_dir("out.asthma.tsv.gz");
    g5_ssf_t *s = g5_ssf_open(path, G5_SSF_ODDS_RATIO, 1, why, sizeof why);
    ok(s != NULL, "open a case-control odds_ratio file %s", why);
    if (!s) return;
    g5_ssf_row_t r = { "MT", 73, "G", "A", log(2.0), 0.05, 0.125, 5e-324, "rs99", 500, 13.86294, 120, 380, G5_SSF_REF_UNKNOWN, NULL };
    ok(g5_ssf_write(s, &r, why, sizeof why) == 0, "row written %s", why);
    g5_ssf_meta_t m = meta;
    ok(g5_ssf_close(s, &m, why, sizeof why) < 0 && strstr(why, "case_count and control_count"),
       "a case-control study without counts is refused: %s", why);
    is_int(count_files(), 3, "and leaves nothing new behind");

    s = g5_ssf_open(path, G5_SSF_ODDS_RATIO, 1, why, sizeof why);
    g5_ssf_write(s, &r, why, sizeof why);
    m.case_count = 300;
    m.control_count = 700;
    m.analysis_software = NULL;
    why[0] = 0;
    ok(g5_ssf_close(s, &m, why, sizeof why) == 0, "close %s", why);
    char *text = slurp(path);
    is_str(text,
           "chromosome\tbase_pair_location\teffect_allele\tother_allele\todds_ratio\tstandard_error\t"
           "effect_allele_frequency\tp_value\trsid\tn\tref_allele\tz_score\tn_cases\tn_controls\n"
           "25\t73\tG\tA\t2\t0.05\t0.125\t4.940656e-324\trs99\t500\t#NA\t13.86294\t120\t380\n",
           "odds_ratio is exp(beta), MT is 25, the smallest p survives, z_score, n_cases and n_controls follow");
    free(text);
    char *yaml = slurp(in_dir("out.asthma.tsv.gz-meta.yaml"));
    ok(yaml && strstr(yaml, "    case_control_study: true\n    case_count: 300\n    control_count: 700\n"),
       "case_control_study, case_count, control_count");
    const char *sw = yaml ? yaml_value(yaml, "analysis_software") : NULL;
    ok(sw && !strncmp(sw, "\"g5 ", 4), "analysis_software defaults to g5 and its version: %s", sw ? sw : "");
    free(yaml);
    char *got = query(path, "25");
    ok(got && strstr(got, "25\t73\t") == got, "tabix finds the MT row under 25");
    free(got);
}

static void test_nothing_left(void)
{
    remove_all();
    char why[512] = "";
    const char *path = in_dir("gone.tsv.gz");
    g5_ssf_t *s = g5_ssf_open(path, G5_SSF_BETA, 0, why, sizeof why);
    g5_ssf_row_t r = { "2", 5, "A", "C", 0.1, 0.1, 0.5, 0.5, NULL, 10, 1, -1, -1, 0, NULL };
    ok(s && g5_ssf_write(s, &r, why, sizeof why) == 0, "a row for a file to abort");
    g5_ssf_abort(s);
    is_int(count_files(), 0, "abort leaves no file");
    g5_ssf_abort(NULL);

    s = g5_ssf_open(path, G5_SSF_BETA, 0, why, sizeof why);
    g5_ssf_write(s, &r, why, sizeof why);
    g5_ssf_meta_t m = meta;
    m.genome_assembly = NULL;
    ok(g5_ssf_close(s, &m, why, sizeof why) < 0 && strstr(why, "genome_assembly"),
       "metadata without genome_assembly is refused: %s", why);
    is_int(count_files(), 0, "a failed close leaves no file");

    s = g5_ssf_open(path, G5_SSF_BETA, 0, why, sizeof why);
    m = meta;
    m.sex = "male";
    ok(g5_ssf_close(s, &m, why, sizeof why) < 0 && strstr(why, "sex \"male\""), "an unknown sex is refused: %s", why);

    ok(g5_ssf_open("-", G5_SSF_BETA, 0, why, sizeof why) == NULL && strstr(why, "file name"),
       "stdout is refused: %s", why);
    ok(g5_ssf_open(in_dir("no/such/dir.tsv.gz"), G5_SSF_BETA, 0, why, sizeof why) == NULL
       && strstr(why, "cannot create"), "an unwritable path is refused: %s", why);
    is_int(count_files(), 0, "nothing left behind");
}

/* The whole of a file's bytes (malloc'ed), its size in *n. */
static char *bytes(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    char *b = NULL;
    *n = 0;
    if (fp && fseek(fp, 0, SEEK_END) == 0) {
        long size = ftell(fp);
        rewind(fp);
        if (size >= 0 && (b = malloc((size_t)size + 1)) && fread(b, 1, (size_t)size, fp) == (size_t)size)
            *n = (size_t)size;
    }
    if (fp) fclose(fp);
    return b;
}

/* The index g5 built as it wrote against the one tabix builds by reading the
 * file back (the same configuration: columns 1, 2, 2, header skipped), and
 * the sidecar's MD5 against md5sum(1) -- for rows written one by one
 * (with and without a pool), runs formatted and sealed ahead, and a file
 * with no rows.  Many rows, over several contigs, so blocks are cut inside
 * rows, and rows end where blocks end. */
static void test_index_as_written(const char *what, int nrows, int mode)
{
    char why[512] = "", name[64];
    snprintf(name, sizeof name, "idx%d.tsv.gz", mode);
    const char *path = in_dir(name);
    g5_ssf_t *s = g5_ssf_open(path, G5_SSF_BETA, 0, why, sizeof why);
    htsThreadPool pool = { NULL, 0 };
    if (mode == 1) {
        pool.pool = hts_tpool_init(2);
        pool.qsize = 4;
        g5_ssf_pool(s, &pool);
    }
    g5_ssf_run_t run = { 0 };
    int good = s != NULL;
    for (int i = 0; good && i < nrows; i++) {
        static const char *const chroms[] = { "1", "2", "2", "7", "X" };
        char id[16];
        snprintf(id, sizeof id, "rs%d", i);
        g5_ssf_row_t r = { chroms[i * 5 / nrows], 1000 + (long long)i * 37, "A", "G",
                           sin(i) / 3, 0.01 + i % 7 * 1e-3, (i % 97 + 1) / 100.0, (i % 1000 + 1) / 1001.0,
                           id, 2000 - i % 13, cos(i), -1, -1, G5_SSF_REF_OA, NULL };
        if (mode == 2) {        // runs of 256 rows, sealed ahead as workers do
            good = g5_ssf_format(s, &run, &r, why, sizeof why) == 0;
            if (good && (run.nrows == 256 || i == nrows - 1)) {
                good = (i % 512 < 256 ? g5_ssf_seal(&run) == 0 : 1)     // some left to append
                       && g5_ssf_append(s, &run, why, sizeof why) == 0;
                g5_ssf_run_clear(&run);
            }
        } else {
            good = g5_ssf_write(s, &r, why, sizeof why) == 0;
        }
    }
    good = good && g5_ssf_close(s, &meta, why, sizeof why) == 0;
    g5_ssf_run_free(&run);
    if (pool.pool) hts_tpool_destroy(pool.pool);
    ok(good, "%s: %d rows written %s", what, nrows, why);

    // tabix's own index of a copy
    size_t n, m_ours, m_theirs;
    char *data = bytes(path, &n), *copy = in_dir("copy.tsv.gz");
    FILE *fp = fopen(copy, "wb");
    if (fp) fwrite(data, 1, n, fp), fclose(fp);
    static const tbx_conf_t conf = { TBX_GENERIC, 1, 2, 2, '#', 1 };
    ok(tbx_index_build3(copy, in_dir("copy.tsv.gz.tbi"), 0, 1, &conf) == 0, "%s: tabix indexes the file", what);
    kstring_t tbi = KS_INITIALIZE;
    ksprintf(&tbi, "%s.tbi", path);
    char *ours = bytes(tbi.s, &m_ours), *theirs = bytes(in_dir("copy.tsv.gz.tbi"), &m_theirs);
    ok(ours && theirs && m_ours == m_theirs && memcmp(ours, theirs, m_ours) == 0,
       "%s: the index is tabix's, byte for byte (%zu and %zu bytes)", what, m_ours, m_theirs);

    char cmd[1024], sum[64] = "", *yaml;
    snprintf(cmd, sizeof cmd, "md5sum '%s'", path);
    FILE *p = popen(cmd, "r");
    if (p && fscanf(p, "%32s", sum) != 1) sum[0] = 0;
    if (p) pclose(p);
    kstring_t ypath = KS_INITIALIZE;
    ksprintf(&ypath, "%s-meta.yaml", path);
    yaml = slurp(ypath.s);
    is_str(yaml ? yaml_value(yaml, "data_file_md5sum") : NULL, sum, "%s: the MD5 taken as written is md5sum's", what);
    if (nrows > 0) {
        char *got = query(path, "7");
        int rows7 = 0;
        for (char *c = got; c && *c; c++) rows7 += *c == '\n';
        is_int(rows7, nrows / 5, "%s: tabix finds every row of contig 7", what);
        free(got);
    }
    unlink(copy);
    unlink(in_dir("copy.tsv.gz.tbi"));
    free(data);
    free(ours);
    free(theirs);
    free(yaml);
    free(tbi.s);
    free(ypath.s);
}

int main(void)
{
    if (scratch_init("t_ssf") < 0) return 1;
    test_md5_vectors();
    test_chrom_codes();
    test_beta_file();
    test_odds_ratio_file();
    test_index_as_written("one by one", 40000, 0);
    test_index_as_written("one by one, pool", 40000, 1);
    test_index_as_written("runs sealed ahead", 40000, 2);
    test_index_as_written("no rows", 0, 0);
    remove_all();
    test_nothing_left();
    remove_all();
    rmdir(dir);
    return tap_done();
}
