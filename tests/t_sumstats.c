/* t_sumstats.c -- the summary statistics reader (libseq/sumstats): format
 * detection of GWAS-SSF, plink2 --glm (linear and logistic, with and without
 * PROVISIONAL_REF?, OMITTED and A1_FREQ) and REGENIE files, plain and
 * bgzipped; EA/OA and the reference allele resolved per row; odds ratios
 * read as ln(OR), -log10 p turned back into p; rows skipped and counted
 * (TEST other than ADD, an ERRCODE, a missing beta/se/p, a contig outside
 * 1-25); alleles upper-cased, chromosome codes; column maps and presets;
 * errors naming file, line and column (a value that is not a number, a
 * wrong field count, rows out of order, a missing column, an empty file, a
 * truncated BGZF file); and the PATH-meta.yaml sidecar, hand-written and as
 * libseq/ssf writes it. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <htslib/bgzf.h>
#include <htslib/hts_log.h>
#include <htslib/kstring.h>

#include "tap.h"
#include "scratch.h"
#include "ssf.h"
#include "sumstats.h"

/* Write a plain file, each ' ' of text becoming a tab (fixtures stay readable). */
static void put_tsv(const char *name, const char *text)
{
    char *t = strdup(text);
    for (char *c = t; *c; c++)
        if (*c == ' ') *c = '\t';
    put(name, t);
    free(t);
}

/* Write a BGZF file as given (one block). */
static void put_bgzf(const char *name, const char *text)
{
    BGZF *fp = bgzf_open(in_dir(name), "w");
    if (!fp || bgzf_write(fp, text, strlen(text)) < 0 || bgzf_close(fp) < 0) {
        fprintf(stderr, "cannot write %s\n", name);
        exit(1);
    }
}

static const char *ref_name(int ref)
{
    return ref == G5_SSF_REF_EA ? "EA" : ref == G5_SSF_REF_OA ? "OA" : "-";
}

/* Read every row of a file into "code:pos EA/OA beta se eaf p n ref rsid @line"
 * lines (%.6g).  Returns 0 at the end, -1 when open failed, -2 when a row
 * failed (why set either way); *out holds the rows read before. */
static int read_all(const char *path, const char *columns, kstring_t *out, g5_ss_counts_t *counts,
                    char *why, size_t nwhy)
{
    why[0] = 0;
    out->l = 0;
    kputs("", out);
    if (counts) memset(counts, 0, sizeof *counts);
    g5_sumstats_t *s = g5_sumstats_open(path, columns, why, nwhy);
    if (!s) return -1;
    g5_ss_row_t r;
    int got;
    while ((got = g5_sumstats_next(s, &r, why, nwhy)) == 1)
        ksprintf(out, "%d:%lld %s/%s %.6g %.6g %.6g %.6g %.6g %s %s @%lld\n", r.code, r.pos, r.ea, r.oa, r.beta,
                 r.se, r.eaf, r.p, r.n, ref_name(r.ref), r.rsid ? r.rsid : ".", r.line);
    if (counts) *counts = *g5_sumstats_counts(s);
    g5_sumstats_close(s);
    return got < 0 ? -2 : 0;
}

/* "rows used not_additive missing contig" */
static const char *counts_str(const g5_ss_counts_t *c)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%lld %lld %lld %lld %lld", c->rows, c->used, c->not_additive, c->missing, c->contig);
    return buf;
}

/* The format a file is read as, or the reason it is not. */
static const char *format_of(const char *path, const char *columns, int *has_eaf)
{
    static char buf[512];
    g5_sumstats_t *s = g5_sumstats_open(path, columns, buf, sizeof buf);
    if (!s) return buf;
    snprintf(buf, sizeof buf, "%s", g5_sumstats_format(s));
    if (has_eaf) *has_eaf = g5_sumstats_has_eaf(s);
    g5_sumstats_close(s);
    return buf;
}

/* Nonzero when the file does not open (why set). */
static int open_fails(const char *path, const char *columns, char *why, size_t nwhy)
{
    g5_sumstats_t *s = g5_sumstats_open(path, columns, why, nwhy);
    g5_sumstats_close(s);
    return s == NULL;
}

static int rel_close(double got, double want, double tol)
{
    return fabs(got - want) <= tol * fabs(want);
}

static void test_ssf(void)
{
    char why[512] = "";
    kstring_t got = KS_INITIALIZE;
    g5_ss_counts_t c;
    put_tsv("a.tsv",
            "##_comment_before_the_header\n"
            "chromosome base_pair_location effect_allele other_allele beta standard_error "
            "effect_allele_frequency p_value rsid n ref_allele\n"
            "1 100 a g 0.5 0.1 0.25 1e-05 rs1 1000 OA\n"
            "1 200 A T NA 0.1 0.5 0.5 rs2 1000 EA\n"
            "chrX 50 C T -0.25 0.05 0.1 3e-07 #NA 990 EA\n"
            "chrUn_KI270302v1 5 A C 0.1 0.1 0.5 0.5 rs9 10 #NA\n"
            "MT 73 G A 0.01 0.02 . 0.6 rs7 . #NA\n");
    const char *path = in_dir("a.tsv");
    int eaf = -1;
    is_str(format_of(path, NULL, &eaf), "GWAS-SSF", "a chromosome ... header is GWAS-SSF");
    is_int(eaf, 1, "with an effect_allele_frequency column");
    is_int(read_all(path, NULL, &got, &c, why, sizeof why), 0, "GWAS-SSF reads to the end %s", why);
    is_str(got.s,
           "1:100 A/G 0.5 0.1 0.25 1e-05 1000 OA rs1 @3\n"
           "23:50 C/T -0.25 0.05 0.1 3e-07 990 EA . @5\n"
           "25:73 G/A 0.01 0.02 nan 0.6 nan - rs7 @7\n",
           "rows: alleles upper-cased, chrX 23, MT 25, #NA and . missing, ref_allele, lines after a ## line");
    is_str(counts_str(&c), "5 3 0 1 1", "counts: 5 rows, 3 used, 1 missing beta, 1 unplaced contig");

    g5_sumstats_t *s = g5_sumstats_open(path, NULL, why, sizeof why);
    g5_ss_row_t r;
    ok(s && g5_sumstats_next(s, &r, why, sizeof why) == 1 && isnan(r.n_cases) && isnan(r.n_controls),
       "n_cases and n_controls are NaN without their columns");
    const g5_ss_meta_t *m = s ? g5_sumstats_meta(s) : NULL;
    ok(m && m->nkeys == 0 && m->sample_size == -1 && m->case_count == -1 && m->control_count == -1
       && m->case_control == -1 && !m->genome_assembly && !m->trait_description,
       "no sidecar: no keys, counts -1, case_control -1");
    g5_sumstats_close(s);

    // odds_ratio and neg_log_10_p_value, bgzipped
    put_bgzf("or.tsv.gz",
             "chromosome\tbase_pair_location\teffect_allele\tother_allele\todds_ratio\tstandard_error\t"
             "effect_allele_frequency\tneg_log_10_p_value\n"
             "3\t10\tG\tA\t2\t0.1\t0.3\t3\n"
             "3\t20\tC\tT\t0.25\t0.2\t0.6\t0\n");
    path = in_dir("or.tsv.gz");
    is_str(format_of(path, NULL, NULL), "GWAS-SSF", "a bgzipped GWAS-SSF file is GWAS-SSF");
    s = g5_sumstats_open(path, NULL, why, sizeof why);
    int ok1 = s && g5_sumstats_next(s, &r, why, sizeof why) == 1;
    ok(ok1 && rel_close(r.beta, log(2.0), 1e-12) && r.se == 0.1 && rel_close(r.p, 1e-3, 1e-12),
       "odds_ratio 2 is beta ln 2, neg_log_10_p_value 3 is p 0.001 %s", why);
    ok1 = ok1 && g5_sumstats_next(s, &r, why, sizeof why) == 1;
    ok(ok1 && rel_close(r.beta, -2 * log(2.0), 1e-12) && r.p == 1, "odds_ratio 0.25 is -2 ln 2, -log10 p 0 is p 1");
    ok(s && g5_sumstats_next(s, &r, why, sizeof why) == 0, "then the end");
    g5_sumstats_close(s);
    free(got.s);
}

/* A file as libseq/ssf writes it, sidecar and all, read back. */
static void test_ssf_round_trip(void)
{
    char why[512] = "";
    const char *path = in_dir("asthma.tsv.gz");
    g5_ssf_t *w = g5_ssf_open(path, G5_SSF_ODDS_RATIO, 1, why, sizeof why);
    g5_ssf_row_t rows[] = {
        { "chr2", 500, "A", "G", log(2.0), 0.05, 0.125, 2.5e-9, "rs99", 500, NAN, 120, 380, G5_SSF_REF_OA, NULL },
        { "chr2", 700, "T", "C", -log(4.0), 0.1, 0.5, 0.5, NULL, 480, NAN, 110, 370, G5_SSF_REF_EA, NULL },
    };
    int wrote = w != NULL;
    for (int i = 0; wrote && i < 2; i++) wrote = g5_ssf_write(w, &rows[i], why, sizeof why) == 0;
    g5_ssf_meta_t meta = {
        .trait_description = "asthma: doctor \"diagnosed\"",
        .genome_assembly = "GRCh38",
        .genotyping_technology = "Whole genome sequencing",
        .sample_ancestry_category = "European",
        .sample_size = 1000,
        .case_count = 300,
        .control_count = 700,
        .analysis_software = "g5 test",
    };
    ok(wrote && g5_ssf_close(w, &meta, why, sizeof why) == 0, "libseq/ssf writes a case-control file %s", why);

    kstring_t got = KS_INITIALIZE;
    g5_ss_counts_t c;
    is_int(read_all(path, NULL, &got, &c, why, sizeof why), 0, "and the reader reads it %s", why);
    is_str(got.s,
           "2:500 A/G 0.693147 0.05 0.125 2.5e-09 500 OA rs99 @2\n"
           "2:700 T/C -1.38629 0.1 0.5 0.5 480 EA . @3\n",
           "the rows come back: ln(odds_ratio), ref_allele, #NA rsid");
    free(got.s);

    g5_sumstats_t *s = g5_sumstats_open(path, NULL, why, sizeof why);
    g5_ss_row_t r;
    ok(s && g5_sumstats_next(s, &r, why, sizeof why) == 1 && r.n_cases == 120 && r.n_controls == 380,
       "n_cases 120 and n_controls 380");
    const g5_ss_meta_t *m = s ? g5_sumstats_meta(s) : NULL;
    is_str(m ? m->genome_assembly : NULL, "GRCh38", "the sidecar's genome_assembly");
    ok(m && m->sample_size == 1000 && m->case_count == 300 && m->control_count == 700 && m->case_control == 1,
       "its samples list: sample_size 1000, case_count 300, control_count 700, case-control");
    is_str(m ? m->analysis_software : NULL, "g5 test", "analysis_software, quotes removed");
    is_str(m ? g5_ss_meta_value(m, "file_type") : NULL, "GWAS-SSF v1.1", "file_type");
    // ssf writes trait_description as a YAML list of one quoted string
    is_str(m ? m->trait_description : NULL, "asthma: doctor \"diagnosed\"",
           "trait_description, written as a list of one, is read");
    int stray = 0;
    for (int i = 0; m && i < m->nkeys; i++) stray += m->key[i][0] == '"';
    is_int(stray, 0, "no key is made from a quoted list item holding \": \"");
    g5_sumstats_close(s);
}

static void test_sidecar(void)
{
    char why[512] = "";
    put_tsv("b.tsv", "chromosome base_pair_location effect_allele other_allele beta standard_error p_value\n"
                     "1 5 A C 0.1 0.1 0.5\n");
    put("b.tsv-meta.yaml",
        "# GWAS-SSF metadata\n"
        "genome_assembly: GRCh37\n"
        "trait_description: \"BMI: \\\"adjusted\\\"\"\n"
        "g5_trait: \"bmi \\\"raw\\\"\"\n"
        "samples:\n"
        "  - sample_size: 300\n"
        "    case_control_study: true\n"
        "    case_count: 120\n"
        "    control_count: 180\n"
        "  - sample_size: 999\n"
        "    case_count: 1\n"
        "analysis_software: 'g5 0.1'\n");
    g5_sumstats_t *s = g5_sumstats_open(in_dir("b.tsv"), NULL, why, sizeof why);
    ok(s != NULL, "a file with a sidecar opens %s", why);
    const g5_ss_meta_t *m = s ? g5_sumstats_meta(s) : NULL;
    is_str(m ? m->genome_assembly : NULL, "GRCh37", "genome_assembly");
    is_str(m ? m->trait_description : NULL, "BMI: \"adjusted\"", "a quoted trait_description, escapes undone");
    is_str(m ? g5_ss_meta_value(m, "g5_trait") : NULL, "bmi \"raw\"", "g5_trait by g5_ss_meta_value");
    is_str(m ? m->analysis_software : NULL, "g5 0.1", "a single-quoted analysis_software");
    ok(m && m->sample_size == 300 && m->case_count == 120 && m->control_count == 180,
       "the nested samples list, its first group winning: 300, 120, 180");
    is_int(m ? m->case_control : -2, 1, "case_control_study: true");
    ok(m && !g5_ss_meta_value(m, "samples") && !g5_ss_meta_value(m, "g5_sample_set"),
       "no value for a key alone or a key not there");
    g5_sumstats_close(s);

    g5_ss_meta_t alone;
    put("c.tsv-meta.yaml", "samples:\n  - sample_size: 12\n    case_control_study: false\n");
    is_int(g5_ss_meta_read(in_dir("c.tsv"), &alone, why, sizeof why), 1, "g5_ss_meta_read reads a sidecar alone");
    ok(alone.sample_size == 12 && alone.case_control == 0 && alone.case_count == -1 && alone.control_count == -1,
       "sample_size 12, case_control_study false, no counts");
    g5_ss_meta_free(&alone);
    is_int(g5_ss_meta_read(in_dir("none.tsv"), &alone, why, sizeof why), 0, "no sidecar: 0");
    ok(alone.nkeys == 0 && alone.sample_size == -1 && alone.case_count == -1 && alone.case_control == -1,
       "and all unknown");
    g5_ss_meta_free(&alone);
}

static void test_plink2(void)
{
    char why[512] = "";
    kstring_t got = KS_INITIALIZE;
    g5_ss_counts_t c;
    // the default columns of --glm on a quantitative trait, covariate rows kept (hide-covar not given)
    put_tsv("p.glm.linear",
            "#CHROM POS ID REF ALT A1 TEST OBS_CT BETA SE T_STAT P ERRCODE\n"
            "1 100 rs1 A G G ADD 500 0.2 0.05 4 6.3e-05 .\n"
            "1 100 rs1 A G G DOMDEV 500 0.01 0.05 0.2 0.84 .\n"
            "1 100 rs1 A G G AGE 500 0.003 0.001 3 0.0027 .\n"
            "1 150 rs2 c t c ADD 498 -0.1 0.05 -2 0.0455 .\n"
            "1 160 rs3 G A A ADD 500 NA NA NA NA CONST_OMITTED_ALLELE\n"
            "1 170 rs4 T C C ADD 499 0.3 NA NA NA .\n"
            "1 180 rs5 T C C ADD 499 0.3 0.1 3 0.0027 UNFINISHED\n"
            "chrX 5 rs6 C A A ADD 250 0.7 0.2 3.5 0.00047 .\n"
            "chrUn_KI270302v1 9 rs7 A C C ADD 10 0.1 0.1 1 0.3 .\n");
    const char *path = in_dir("p.glm.linear");
    int eaf = -1;
    is_str(format_of(path, NULL, &eaf), "plink2", "a #CHROM POS ID REF ALT A1 TEST ... header is plink2");
    is_int(eaf, 0, "without A1_FREQ there is no allele frequency");
    is_int(read_all(path, NULL, &got, &c, why, sizeof why), 0, "plink2 reads to the end %s", why);
    is_str(got.s,
           "1:100 G/A 0.2 0.05 nan 6.3e-05 500 OA rs1 @2\n"
           "1:150 C/T -0.1 0.05 nan 0.0455 498 EA rs2 @5\n"
           "23:5 A/C 0.7 0.2 nan 0.00047 250 OA rs6 @9\n",
           "A1 = ALT: OA = REF, ref OA; A1 = REF: OA = ALT, ref EA; lower case upper-cased; chrX 23");
    is_str(counts_str(&c), "9 3 2 3 1", "counts: DOMDEV and AGE not additive, an ERRCODE, NA SE, UNFINISHED, chrUn");

    // PROVISIONAL_REF?, OMITTED and A1_FREQ, bgzipped
    put_bgzf("p.glm.linear.gz",
             "#CHROM\tPOS\tID\tREF\tALT\tPROVISIONAL_REF?\tA1\tOMITTED\tA1_FREQ\t"
             "TEST\tOBS_CT\tBETA\tSE\tT_STAT\tP\tERRCODE\n"
             "1\t100\trs1\tA\tG,T\tN\tT\tA\t0.1\tADD\t400\t0.5\t0.1\t5\t5.7e-07\t.\n"
             "1\t100\trs1\tA\tG,T\tN\tG\tA\t0.2\tADD\t400\t0.25\t0.1\t2.5\t0.0124\t.\n"
             "1\t200\trs2\tC\tT\tY\tT\tC\t0.3\tADD\t400\t-0.2\t0.1\t-2\t0.046\t.\n"
             "1\t300\trs3\tG\tA\tN\tG\tA\t0.7\tADD\t400\t0.1\t0.1\t1\t0.32\t.\n");
    path = in_dir("p.glm.linear.gz");
    eaf = -1;
    is_str(format_of(path, NULL, &eaf), "plink2", "a bgzipped plink2 file with optional columns is plink2");
    is_int(eaf, 1, "A1_FREQ is the allele frequency");
    is_int(read_all(path, NULL, &got, &c, why, sizeof why), 0, "it reads to the end %s", why);
    is_str(got.s,
           "1:100 T/A 0.5 0.1 0.1 5.7e-07 400 OA rs1 @2\n"
           "1:100 G/A 0.25 0.1 0.2 0.0124 400 OA rs1 @3\n"
           "1:200 T/C -0.2 0.1 0.3 0.046 400 - rs2 @4\n"
           "1:300 G/A 0.1 0.1 0.7 0.32 400 EA rs3 @5\n",
           "OMITTED is OA (multi-allelic rows at one position), PROVISIONAL_REF? Y: reference unknown");

    // logistic: OR and LOG(OR)_SE
    put_tsv("p.glm.logistic",
            "#CHROM POS ID REF ALT A1 TEST OBS_CT OR LOG(OR)_SE Z_STAT P ERRCODE\n"
            "2 500 rs8 A G G ADD 800 2 0.1 6.93 4.2e-12 .\n"
            "2 600 rs9 T C T ADD 800 0.5 0.2 -3.47 0.00052 .\n");
    path = in_dir("p.glm.logistic");
    is_str(format_of(path, NULL, NULL), "plink2", "a plink2 logistic file (OR, LOG(OR)_SE) is plink2");
    is_int(read_all(path, NULL, &got, &c, why, sizeof why), 0, "it reads to the end %s", why);
    is_str(got.s,
           "2:500 G/A 0.693147 0.1 nan 4.2e-12 800 OA rs8 @2\n"
           "2:600 T/C -0.693147 0.2 nan 0.00052 800 EA rs9 @3\n",
           "OR is read as ln(OR), LOG(OR)_SE as the standard error");
    free(got.s);
}

static void test_regenie(void)
{
    char why[512] = "";
    kstring_t got = KS_INITIALIZE;
    g5_ss_counts_t c;
    put_bgzf("r.regenie.gz",
             "CHROM GENPOS ID ALLELE0 ALLELE1 A1FREQ INFO N TEST BETA SE CHISQ LOG10P EXTRA\n"
             "1 1000 rs10 A G 0.3 0.99 5000 ADD 0.05 0.01 25 6.2 NA\n"
             "1 1000 rs10 A G 0.3 0.99 5000 DOM 0.04 0.01 16 4.2 NA\n"
             "1 2000 rs11 t c 0.6 1 4990 ADD -0.02 0.01 4 1.30103 NA\n"
             "1 3000 rs12 C T 0.5 1 5000 ADD NA NA NA NA TEST_FAIL\n"
             "23 10 rs13 G C 0.05 0.9 3000 ADD 0.1 0.05 4 1.3 NA\n");
    const char *path = in_dir("r.regenie.gz");
    int eaf = -1;
    is_str(format_of(path, NULL, &eaf), "REGENIE", "a space-separated CHROM GENPOS ... header is REGENIE");
    is_int(eaf, 1, "A1FREQ is the allele frequency");
    is_int(read_all(path, NULL, &got, &c, why, sizeof why), 0, "REGENIE reads to the end %s", why);
    is_str(got.s,
           "1:1000 G/A 0.05 0.01 0.3 6.30957e-07 5000 - rs10 @2\n"
           "1:2000 C/T -0.02 0.01 0.6 0.05 4990 - rs11 @4\n"
           "23:10 C/G 0.1 0.05 0.05 0.0501187 3000 - rs13 @6\n",
           "EA = ALLELE1, OA = ALLELE0, reference unknown, p from LOG10P, N is n");
    is_str(counts_str(&c), "5 3 1 1 0", "counts: DOM not additive, NA beta missing");
    g5_sumstats_t *s = g5_sumstats_open(path, NULL, why, sizeof why);
    g5_ss_row_t r;
    ok(s && g5_sumstats_next(s, &r, why, sizeof why) == 1 && rel_close(r.p, 6.30957344480193e-07, 1e-12),
       "p = 10^-6.2 to 1e-12 relative");
    g5_sumstats_close(s);
    free(got.s);
}

static void test_column_maps(void)
{
    char why[512] = "";
    kstring_t got = KS_INITIALIZE;
    // plink 1.9 --linear: right-aligned, runs of spaces
    put("p19.assoc.linear",
        " CHR         SNP         BP   A1   A2       BETA         SE            P\n"
        "   1         rs1        100    A    G     0.1500    0.05000     0.002700\n"
        "   1         rs2        200    t    c    -0.1000    0.05000       0.0455\n");
    const char *path = in_dir("p19.assoc.linear");
    const char *map = "chromosome=CHR,base_pair_location=BP,effect_allele=A1,other_allele=A2,beta=BETA,"
                      "standard_error=SE,p_value=P,rsid=SNP";
    ok(open_fails(path, NULL, why, sizeof why) && strstr(why, path) && strstr(why, "line 1")
       && strstr(why, "column map"), "without a map an unknown header is refused, suggesting one: %s", why);
    is_str(format_of(path, map, NULL), "mapped", "a column map is \"mapped\"");
    is_int(read_all(path, map, &got, NULL, why, sizeof why), 0, "a mapped table reads %s", why);
    is_str(got.s,
           "1:100 A/G 0.15 0.05 nan 0.0027 nan - rs1 @2\n"
           "1:200 T/C -0.1 0.05 nan 0.0455 nan - rs2 @3\n",
           "the mapped columns, split on runs of spaces");

    put("m.txt", "CHR BP A1 A2 BETA SE MLOG10P\n1 100 A G 0.1 0.05 3\n");
    path = in_dir("m.txt");
    map = "chromosome=CHR,base_pair_location=BP,effect_allele=A1,other_allele=A2,beta=BETA,standard_error=SE";
    char full[512];
    snprintf(full, sizeof full, "%s,neg_log_10_p_value=MLOG10P", map);
    is_int(read_all(path, full, &got, NULL, why, sizeof why), 0, "neg_log_10_p_value=COL %s", why);
    is_str(got.s, "1:100 A/G 0.1 0.05 nan 0.001 nan - . @2\n", "reads -log10 p");
    snprintf(full, sizeof full, "%s,log10p=MLOG10P", map);
    is_int(read_all(path, full, &got, NULL, why, sizeof why), -1, "a key that is no GWAS-SSF name is refused");
    ok(strstr(why, "unknown key \"log10p\"") != NULL, "naming the key: %s", why);

    // a preset with one column renamed
    put_tsv("nmiss.glm.linear", "#CHROM POS ID REF ALT A1 TEST OBS_CT NMISS BETA SE T_STAT P ERRCODE\n"
                                "1 100 rs1 A G G ADD 500 480 0.2 0.05 4 6.3e-05 .\n"
                                "1 200 rs2 C T C ADD 500 470 0.1 0.05 2 0.0455 .\n");
    path = in_dir("nmiss.glm.linear");
    is_int(read_all(path, "plink2,n=NMISS", &got, NULL, why, sizeof why), 0, "preset plink2,n=NMISS %s", why);
    is_str(got.s,
           "1:100 G/A 0.2 0.05 nan 6.3e-05 480 OA rs1 @2\n"
           "1:200 C/T 0.1 0.05 nan 0.0455 470 EA rs2 @3\n",
           "n from NMISS, alleles by plink2's rules");
    is_int(read_all(path, "plink2", &got, NULL, why, sizeof why), 0, "preset plink2 alone %s", why);
    ok(strstr(got.s, " 500 OA rs1 @2\n") != NULL, "n from OBS_CT");

    ok(open_fails(path, "plink2,chrom=CHR", why, sizeof why) && strstr(why, "unknown key \"chrom\""),
       "an unknown key is refused: %s", why);
    ok(open_fails(path, "plink2,beta=EFFECT", why, sizeof why) && strstr(why, path)
       && strstr(why, "no column \"EFFECT\""), "a column not in the file is refused: %s", why);
    ok(open_fails(path, "n=NMISS,plink2", why, sizeof why) && strstr(why, "\"plink2\""),
       "a preset not given first is refused: %s", why);
    free(got.s);
}

/* The file is refused, at open or at a row, with a reason naming it and
 * holding want. */
static void refused(const char *name, const char *columns, const char *want, const char *desc)
{
    char why[512] = "";
    kstring_t got = KS_INITIALIZE;
    const char *path = in_dir(name);
    int r = read_all(path, columns, &got, NULL, why, sizeof why);
    ok(r < 0 && strstr(why, path) && strstr(why, want), "%s: %s", desc, why);
    free(got.s);
}

static const char *ssf_header = "chromosome base_pair_location effect_allele other_allele beta standard_error "
                                "effect_allele_frequency p_value n\n";

static void put_ssf(const char *name, const char *rows)
{
    kstring_t t = KS_INITIALIZE;
    kputs(ssf_header, &t);
    kputs(rows, &t);
    put_tsv(name, t.s);
    free(t.s);
}

static void test_errors(void)
{
    put_ssf("num.tsv", "1 100 A G 0.5 0.1 0.3 0.01 10\n1 200 A G abc 0.1 0.3 0.01 10\n");
    refused("num.tsv", NULL, "line 3 column 5 (beta): \"abc\" is not a number", "a beta that is not a number");
    put_ssf("num2.tsv", "1 100 A G 0.5 0.1 0.3 0.01 12a\n");
    refused("num2.tsv", NULL, "line 2 column 9 (n): \"12a\" is not a number", "an n that is not a number");
    put_ssf("pos.tsv", "1 1e3 A G 0.5 0.1 0.3 0.01 10\n");
    refused("pos.tsv", NULL, "line 2 column 2 (base_pair_location): \"1e3\" is not a position", "a bad position");
    put_ssf("few.tsv", "1 100 A G 0.5 0.1 0.3 0.01 10\n1 200 A G 0.5 0.1 0.3 0.01\n");
    refused("few.tsv", NULL, "line 3: 8 fields where the header has 9", "a row one field short");
    put_ssf("many.tsv", "1 100 A G 0.5 0.1 0.3 0.01 10 x\n");
    refused("many.tsv", NULL, "line 2: 10 fields where the header has 9", "a row one field long");
    put("regenie_few.txt", "CHROM GENPOS ID ALLELE0 ALLELE1 A1FREQ INFO N TEST BETA SE CHISQ LOG10P EXTRA\n"
                           "1 1000 rs10 A G 0.3 0.99 5000 ADD 0.05 0.01 25 6.2\n");
    refused("regenie_few.txt", NULL, "line 2: 13 fields where the header has 14", "a REGENIE row one field short");
    put_ssf("back.tsv", "1 200 A G 0.5 0.1 0.3 0.01 10\n1 150 A G 0.5 0.1 0.3 0.01 10\n");
    refused("back.tsv", NULL, "line 3: 1:150 comes after line 2", "a position going backwards");
    put_ssf("chrback.tsv", "2 100 A G 0.5 0.1 0.3 0.01 10\n1 500 A G 0.5 0.1 0.3 0.01 10\n");
    refused("chrback.tsv", NULL, "line 3: 1:500 comes after line 2", "a chromosome going backwards");
    put_ssf("xback.tsv", "chrX 10 A G 0.5 0.1 0.3 0.01 10\n22 500 A G 0.5 0.1 0.3 0.01 10\n");
    refused("xback.tsv", NULL, "line 3: 22:500 comes after line 2", "22 after X");
    put_tsv("nose.tsv", "chromosome base_pair_location effect_allele other_allele beta p_value\n1 5 A C 0.1 0.5\n");
    refused("nose.tsv", NULL, "line 1: no standard_error column", "GWAS-SSF without standard_error");
    put_tsv("noa1.glm", "#CHROM POS ID REF ALT TEST OBS_CT BETA SE T_STAT P ERRCODE\n");
    refused("noa1.glm", NULL, "no A1 column", "plink2 without A1");
    put_tsv("noea.tsv", "chromosome base_pair_location other_allele beta standard_error p_value\n");
    refused("noea.tsv", NULL, "no effect_allele column", "GWAS-SSF without effect_allele");
    put_tsv("multi.glm", "#CHROM POS ID REF ALT A1 TEST OBS_CT BETA SE T_STAT P ERRCODE\n"
                         "1 100 rs1 A G,T A ADD 500 0.2 0.05 4 6.3e-05 .\n");
    refused("multi.glm", NULL, "line 2: a multiallelic row with no OMITTED column", "A1 = REF at a multi-allelic site");
    put_ssf("same.tsv", "1 100 A a 0.5 0.1 0.3 0.01 10\n");
    refused("same.tsv", NULL, "line 2: effect allele \"A\" and other allele \"A\"", "EA equal to OA");
    put_ssf("p.tsv", "1 100 A G 0.5 0.1 0.3 1.5 10\n");
    refused("p.tsv", NULL, "line 2 column 8 (p_value): \"1.5\" is out of range", "a p above 1");
    put_ssf("eaf.tsv", "1 100 A G 0.5 0.1 1.3 0.5 10\n");
    refused("eaf.tsv", NULL, "line 2 column 7 (effect_allele_frequency): \"1.3\" is not a frequency", "an EAF above 1");

    put("empty.tsv", "");
    refused("empty.tsv", NULL, "is empty", "an empty file");
    put_bgzf("empty.tsv.gz", "");
    refused("empty.tsv.gz", NULL, "is empty", "an empty BGZF file");
    put("comments.tsv", "## nothing but a comment\n");
    refused("comments.tsv", NULL, "is empty", "a file of comments only");
}

/* A BGZF file of several blocks cut inside one: an error, not an early end. */
static void test_truncated(void)
{
    const char *path = in_dir("cut.tsv.gz");
    BGZF *fp = bgzf_open(path, "w");
    int64_t block[4];
    kstring_t t = KS_INITIALIZE;
    kputs(ssf_header, &t);
    for (size_t i = 0; i < t.l; i++)
        if (t.s[i] == ' ') t.s[i] = '\t';
    for (int i = 0; i < 4; i++) block[i] = 0;
    for (int b = 0, k = 0; fp && b < 3; b++) {
        block[b] = bgzf_tell(fp) >> 16;
        for (int i = 0; i < 1000; i++, k++) ksprintf(&t, "1\t%d\tA\tG\t0.1\t0.1\t0.3\t0.5\t%d\n", 100 + k, 1000 + k);
        if (bgzf_write(fp, t.s, t.l) < 0 || bgzf_flush(fp) < 0) break;
        t.l = 0;
    }
    block[3] = fp ? bgzf_tell(fp) >> 16 : 0;
    ok(fp && bgzf_close(fp) == 0 && block[0] == 0 && block[1] > 0 && block[2] > block[1] && block[3] > block[2],
       "a BGZF file of three blocks: %lld %lld %lld, ending at %lld", (long long)block[0], (long long)block[1],
       (long long)block[2], (long long)block[3]);
    free(t.s);

    char why[512] = "";
    kstring_t got = KS_INITIALIZE;
    is_int(read_all(path, NULL, &got, NULL, why, sizeof why), 0, "whole, it reads to the end %s", why);
    long long n = 0;
    for (size_t i = 0; got.s && i < got.l; i++) n += got.s[i] == '\n';
    is_int(n, 3000, "3000 rows");

    ok(truncate(path, (block[2] + block[3]) / 2) == 0, "cut inside the third block");
    g5_ss_counts_t c;
    enum htsLogLevel level = hts_get_log_level();
    hts_set_log_level(HTS_LOG_OFF);     // htslib's own message about the short block
    is_int(read_all(path, NULL, &got, &c, why, sizeof why), -2, "a truncated file fails at a row");
    ok(strstr(why, path) && strstr(why, "after line 2001") && strstr(why, "truncated"), "naming the last line read: %s",
       why);
    is_int(c.used, 2000, "after the 2000 rows of the two whole blocks");
    ok(truncate(path, block[2] + 9) == 0, "cut inside the third block's header");
    is_int(read_all(path, NULL, &got, NULL, why, sizeof why), -2, "fails too: %s", why);
    hts_set_log_level(level);
    free(got.s);
}

int main(void)
{
    if (scratch_init("t_sumstats") < 0) return 1;
    test_ssf();
    test_ssf_round_trip();
    test_sidecar();
    test_plink2();
    test_regenie();
    test_column_maps();
    test_errors();
    test_truncated();
    remove_all();
    rmdir(dir);
    return tap_done();
}
