/* t_manifest.c -- releases: SHA-256 against the FIPS 180-2 vectors (buffer,
 * file and copy), kinds found from content whatever the name (SAM, BAM and
 * its index, VCF and gVCF, BCF and CSI, TBI, GWAS-SSF and its sidecar,
 * per-sample tables plain and gzipped, PNG, SVG, text, binary), provenance
 * from @PG, ##g5_*, "# g5" lines and the sidecar, the trait dictionary's
 * access column, the tier rules without a policy, and the manifest written
 * and read back, with malformed manifests refused naming line and column. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <htslib/bgzf.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/sam.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>
#include <zlib.h>

#include "tap.h"
#include "scratch.h"
#include "manifest.h"

static void put_bgzf(const char *name, const char *text)
{
    BGZF *fp = bgzf_open(in_dir(name), "w");
    if (bgzf_write(fp, text, strlen(text)) < 0) fprintf(stderr, "# cannot write %s\n", name);
    bgzf_close(fp);
}

static void put_gzip(const char *name, const char *text)
{
    gzFile fp = gzopen(in_dir(name), "wb");
    gzputs(fp, text);
    gzclose(fp);
}

/* A detected file (its description kept in @p f, freed by the caller). */
static int detect(g5_mfile_t *f, const char *name)
{
    char why[1024] = "";
    g5_mfile_init(f, name, in_dir(name));
    int r = g5_mfile_detect(f, why, sizeof why);
    if (r < 0) fprintf(stderr, "# %s\n", why);
    return r;
}

static const char *kind_of(const char *name)
{
    static char buf[4][64];
    static int i;
    i = (i + 1) % 4;
    g5_mfile_t f;
    snprintf(buf[i], sizeof buf[i], "%s", detect(&f, name) < 0 ? "(error)" : g5_kind_name(f.kind));
    g5_mfile_free(&f);
    return buf[i];
}

static void test_sha256(void)
{
    char hex[65];
    ok(g5_sha256_buf("", 0, hex) == 0
       && !strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "SHA-256(\"\") %s", hex);
    ok(g5_sha256_buf("abc", 3, hex) == 0
       && !strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "SHA-256(\"abc\") %s", hex);
    const char *v448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ok(g5_sha256_buf(v448, strlen(v448), hex) == 0
       && !strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "SHA-256(448 bits) %s",
       hex);
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    ok(g5_sha256_buf(million, 1000000, hex) == 0 && !strcmp(hex, want), "SHA-256(10^6 x 'a') %s", hex);
    FILE *fp = fopen(in_dir("million"), "w");
    fwrite(million, 1, 1000000, fp);
    fclose(fp);
    free(million);
    long long size = -1;
    char why[512] = "";
    ok(g5_sha256_file(in_dir("million"), hex, &size, why, sizeof why) == 0 && !strcmp(hex, want) && size == 1000000,
       "a file of 10^6 x 'a': %s, %lld bytes %s", hex, size, why);
    size = -1;
    ok(g5_sha256_copy(in_dir("million"), in_dir("copy"), hex, &size, why, sizeof why) == 0 && !strcmp(hex, want)
       && size == 1000000, "copied and hashed in one read: %s, %lld bytes %s", hex, size, why);
    ok(g5_sha256_file(in_dir("copy"), hex, &size, why, sizeof why) == 0 && !strcmp(hex, want) && size == 1000000,
       "the copy holds the same bytes");
    ok(g5_sha256_copy(in_dir("abc"), in_dir("copy"), hex, &size, why, sizeof why) < 0 && strstr(why, "abc"),
       "a source that is not there: refused, naming it: %s", why);
    put("abc", "abc");
    ok(g5_sha256_copy(in_dir("abc"), in_dir("copy"), hex, &size, why, sizeof why) < 0 && strstr(why, "File exists"),
       "a copy over an existing file: refused: %s", why);
    ok(g5_sha256_file(in_dir("copy"), hex, &size, why, sizeof why) == 0 && !strcmp(hex, want),
       "and the existing file is untouched");
    ok(g5_sha256_file(in_dir("nothing"), hex, &size, why, sizeof why) < 0 && strstr(why, "nothing\""),
       "an absent file: %s", why);
}

static const char SAM_TEXT[] =
    "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:c1\tLN:1000\n"
    "@PG\tID:bwa\tPN:bwa\tVN:0.7.17\tCL:bwa mem ref.fa r1.fq\n"
    "@PG\tID:g5.sort\tPN:g5\tPP:bwa\tVN:1.2.3\tCL:g5 sort -o x.bam in.sam\n"
    "@PG\tID:samtools\tPN:samtools\tPP:g5.sort\tVN:1.16\tCL:samtools view -b x.bam\n"
    "r1\t0\tc1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\n";

static void test_alignments(void)
{
    put("a.sam", SAM_TEXT);
    g5_mfile_t f;
    ok(detect(&f, "a.sam") == 0 && f.kind == G5_KIND_SAM, "SAM text: %s", g5_kind_name(f.kind));
    is_str(f.tool, "g5 sort", "the last @PG with PN:g5, not the last @PG: tool from its CL");
    is_str(f.version, "1.2.3", "its VN");
    is_str(f.command, "g5 sort -o x.bam in.sam", "its CL");
    g5_mfile_free(&f);

    // a BAM without a g5 @PG, named as if it were a VCF; its index
    put("bwa.sam", "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:c1\tLN:1000\n"
        "@PG\tID:bwa\tPN:bwa\tVN:0.7.17\tCL:bwa mem ref.fa r1.fq\n"
        "r1\t0\tc1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\n");
    samFile *in = sam_open(in_dir("bwa.sam"), "r"), *out = sam_open(in_dir("bam.vcf"), "wb");
    sam_hdr_t *h = sam_hdr_read(in);
    bam1_t *b = bam_init1();
    int w = sam_hdr_write(out, h) == 0;
    while (sam_read1(in, h, b) >= 0) w &= sam_write1(out, h, b) >= 0;
    sam_close(in);
    sam_close(out);
    bam_destroy1(b);
    sam_hdr_destroy(h);
    ok(w && detect(&f, "bam.vcf") == 0 && f.kind == G5_KIND_BAM, "a BAM named x.vcf is a BAM: %s",
       g5_kind_name(f.kind));
    is_str(f.tool, "bwa", "no g5 @PG: the last one's PN");
    is_str(f.command, "bwa mem ref.fa r1.fq", "and CL");
    g5_mfile_free(&f);
    ok(sam_index_build(in_dir("bam.vcf"), 0) == 0, "index built");
    rename(in_dir("bam.vcf.bai"), in_dir("idx.txt"));
    is_str(kind_of("idx.txt"), "BAI", "a BAI named idx.txt is a BAI");

    put("nopg.sam", "@HD\tVN:1.6\n@SQ\tSN:c1\tLN:1000\n");
    ok(detect(&f, "nopg.sam") == 0 && !strcmp(f.tool, "-") && !strcmp(f.version, "-") && !strcmp(f.command, "-"),
       "no @PG: provenance \"-\"");
    g5_mfile_free(&f);
}

static const char VCF_TEXT[] =
    "##fileformat=VCFv4.2\n##contig=<ID=1,length=10000>\n"
    "##g5_callVersion=1.0+htslib-1.16\n##g5_callCommand=g5 call -f ref.fa a.bam\n"
    "##g5_jointVersion=1.1+htslib-1.16\n##g5_jointCommand=g5 joint -o j.vcf.gz\ta.g.vcf\n"
    "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
    "1\t100\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n";

static void test_variants(void)
{
    put("a.vcf", VCF_TEXT);
    g5_mfile_t f;
    ok(detect(&f, "a.vcf") == 0 && f.kind == G5_KIND_VCF, "VCF: %s", g5_kind_name(f.kind));
    is_str(f.tool, "g5 joint", "the last ##g5_TOOLVersion: tool");
    is_str(f.version, "1.1+htslib-1.16", "its version");
    is_str(f.command, "g5 joint -o j.vcf.gz a.g.vcf", "its command, the tab a blank");
    g5_mfile_free(&f);

    put("src.vcf", "##fileformat=VCFv4.2\n##source=DeepVariant 1.5\n##contig=<ID=1,length=10000>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
    ok(detect(&f, "src.vcf") == 0 && !strcmp(f.tool, "DeepVariant 1.5") && !strcmp(f.version, "-"),
       "no g5 lines: ##source as the tool (%s)", f.tool);
    g5_mfile_free(&f);

#define STAR_HEAD "##fileformat=VCFv4.2\n##contig=<ID=1,length=10000>\n##ALT=<ID=*,Description=\"Any other allele\">\n"
#define STAR_TAIL "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    put("blocks.txt", STAR_HEAD "##INFO=<ID=END,Number=1,Type=Integer,Description=\"End\">\n" STAR_TAIL);
    is_str(kind_of("blocks.txt"), "gVCF", "<*> and INFO/END: a gVCF");
    put("star.vcf", STAR_HEAD STAR_TAIL);
    is_str(kind_of("star.vcf"), "VCF", "<*> without INFO/END (a spanning deletion's allele): a VCF");
    put("nonref.vcf", "##fileformat=VCFv4.2\n##contig=<ID=1,length=10000>\n"
        "##ALT=<ID=NON_REF,Description=\"x\">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
    is_str(kind_of("nonref.vcf"), "gVCF", "GATK's <NON_REF>: a gVCF");

    // BCF and its CSI; bgzipped VCF and its TBI
    htsFile *in = hts_open(in_dir("a.vcf"), "r"), *out = hts_open(in_dir("a.bcf"), "wb");
    bcf_hdr_t *h = bcf_hdr_read(in);
    bcf1_t *v = bcf_init();
    int w = bcf_hdr_write(out, h) == 0;
    while (bcf_read(in, h, v) == 0) w &= bcf_write(out, h, v) == 0;
    hts_close(out);
    hts_close(in);
    bcf_destroy(v);
    bcf_hdr_destroy(h);
    ok(w && detect(&f, "a.bcf") == 0 && f.kind == G5_KIND_BCF && !strcmp(f.tool, "g5 joint"), "BCF, its provenance");
    g5_mfile_free(&f);
    ok(bcf_index_build(in_dir("a.bcf"), 14) == 0, "CSI built");
    is_str(kind_of("a.bcf.csi"), "CSI", "a CSI");
    put_bgzf("a.vcf.gz", VCF_TEXT);
    ok(tbx_index_build(in_dir("a.vcf.gz"), 0, &tbx_conf_vcf) == 0, "TBI built");
    is_str(kind_of("a.vcf.gz"), "VCF", "bgzipped VCF");
    is_str(kind_of("a.vcf.gz.tbi"), "TBI", "a TBI");
}

static const char SSF_HEADER[] = "chromosome\tbase_pair_location\teffect_allele\tother_allele\tbeta\tstandard_error"
                                 "\teffect_allele_frequency\tp_value\trsid\tn\n";

static void test_tables(void)
{
    kstring_t k = KS_INITIALIZE;
    ksprintf(&k, "%s1\t100\tA\tG\t0.1\t0.05\t0.3\t0.04\trs1\t100\n", SSF_HEADER);
    put_bgzf("h.tsv.gz", k.s);
    put("plain-ssf", k.s);
    free(k.s);
    put("h.tsv.gz-meta.yaml", "---\ndata_file_name: \"h.tsv.gz\"\nfile_type: GWAS-SSF v1.1\n"
        "trait_description:\n  - \"adult height\"\nanalysis_software: \"g5 2.0.1\"\ng5_trait: \"Height\"\n");
    g5_mfile_t f;
    ok(detect(&f, "h.tsv.gz") == 0 && f.kind == G5_KIND_SSF, "bgzipped GWAS-SSF: %s", g5_kind_name(f.kind));
    ok(!strcmp(f.tool, "g5") && !strcmp(f.version, "2.0.1") && !strcmp(f.command, "-"),
       "its provenance from the sidecar's analysis_software: %s %s", f.tool, f.version);
    g5_mfile_free(&f);
    is_str(kind_of("plain-ssf"), "GWAS-SSF", "plain GWAS-SSF");
    is_str(kind_of("h.tsv.gz-meta.yaml"), "GWAS-SSF-meta", "its sidecar");
    put("renamed.txt", "data_file_name: x.tsv.gz\nfile_type: \"GWAS-SSF v1.0\"\n");
    is_str(kind_of("renamed.txt"), "GWAS-SSF-meta", "a sidecar by its keys, quoted or not, whatever its name");

    put("ph.tsv", "IID\tbmi\nS1\t22\n");
    is_str(kind_of("ph.tsv"), "sample-table", "IID first: a per-sample table");
    put_gzip("ph.gz", "#FID\tIID\tbmi\nF\tS1\t22\n");
    is_str(kind_of("ph.gz"), "sample-table", "gzipped, #FID first: a per-sample table");
    put("ph.csv", "Sample_ID,bmi\nS1,22\n");
    is_str(kind_of("ph.csv"), "sample-table", "comma-separated, Sample_ID first");
    put("ev", "# g5 pca 1.0: g5 pca -o x in.vcf\n#IID\tPC1\tPC2\nS1\t0.1\t0.2\n");
    ok(detect(&f, "ev") == 0 && f.kind == G5_KIND_SAMPLES && !strcmp(f.tool, "g5 pca") && !strcmp(f.version, "1.0")
       && !strcmp(f.command, "g5 pca -o x in.vcf"), "a \"# g5\" line, then #IID: a per-sample table by g5 pca 1.0");
    g5_mfile_free(&f);
    put("log", "# g5 assoc 1.0: g5 assoc -o x\ntraits: 2\n");
    is_str(kind_of("log"), "text", "a log: other text");
    put("empty", "");
    is_str(kind_of("empty"), "text", "an empty file: text");
    put("x.svg", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n");
    is_str(kind_of("x.svg"), "SVG", "SVG");
    FILE *fp = fopen(in_dir("x.png"), "w");
    fwrite("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 1, 16, fp);
    fclose(fp);
    is_str(kind_of("x.png"), "PNG", "PNG by its signature");
    fp = fopen(in_dir("bin"), "w");
    for (int i = 0; i < 256; i++) fputc(i, fp);
    fclose(fp);
    is_str(kind_of("bin"), "binary", "other bytes: binary");
}

static void test_dict(void)
{
    char why[512] = "";
    put("dict.tsv", "trait\ttype\tunit\tdescription\taccess\nbmi\tquantitative\tkg/m2\tBMI\tcontrolled\n"
        "height\tquantitative\tcm\tHeight\topen\nldl\tquantitative\tmmol/l\tLDL\t\nt2d\tbinary\t-\tdiabetes\n"
        "# a comment\nbmi\tbinary\t-\tagain\topen\n");
    g5_dict_t *d = g5_dict_read(in_dir("dict.tsv"), why, sizeof why);
    ok(d && d->n == 5, "a dictionary of five entries %s", why);
    if (!d) return;
    is_int(g5_dict_access(d, "height"), G5_ACCESS_OPEN, "height: open");
    is_int(g5_dict_access(d, "HEIGHT"), G5_ACCESS_OPEN, "HEIGHT: the same trait");
    is_int(g5_dict_access(d, "ldl"), G5_ACCESS_CONTROLLED, "access empty: controlled");
    is_int(g5_dict_access(d, "t2d"), G5_ACCESS_CONTROLLED, "four columns: controlled");
    is_int(g5_dict_access(d, "bmi"), G5_ACCESS_CONTROLLED, "named twice, once controlled: controlled");
    is_int(g5_dict_access(d, "weight"), -1, "not named: -1");
    int i = g5_dict_find(d, "bmi");
    ok(i == 4 && d->trait[i].type == G5_TRAIT_BINARY && d->trait[i].line == 7, "find: the last entry, line 7");
    g5_dict_free(d);
    put("bad.tsv", "trait\ttype\tunit\tdescription\taccess\nbmi\tquantitative\tkg/m2\tBMI\tpublic\n");
    ok(!g5_dict_read(in_dir("bad.tsv"), why, sizeof why)
       && strstr(why, "bad.tsv\" line 2, column 5 (access): \"public\""),
       "access \"public\": refused naming line and column: %s", why);
}

/* A release's files, detected and judged. */
static g5_mfile_t *judged(const char *const *names, int n, const g5_dict_t *d)
{
    g5_mfile_t *f = calloc(n, sizeof *f);
    char why[512];
    for (int i = 0; i < n; i++) detect(&f[i], names[i]);
    if (g5_mfile_tiers(f, n, d, NULL, NULL, why, sizeof why) < 0) fprintf(stderr, "# %s\n", why);
    return f;
}

static void test_tiers(void)
{
    char why[512];
    g5_dict_t *d = g5_dict_read(in_dir("dict.tsv"), why, sizeof why);
    put("ev-bmi", "# g5 pca 1.0: g5 pca -o x in.vcf\n#IID\tPC1\tBMI\nS1\t0.1\t22\n");
    put("qq.tsv", "variant\tldl\tp\n1:100\t0.1\t0.3\n");
    put("h.manhattan.png", "\x89PNG\r\n\x1a\nxxxxxxxx");
    put("h.qq.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n");
    rename(in_dir("h.tsv.gz"), in_dir("h.tsv"));
    rename(in_dir("h.tsv.gz-meta.yaml"), in_dir("h.tsv-meta.yaml"));
    put("h.tsv-meta.yaml", "data_file_name: \"h.tsv\"\nfile_type: GWAS-SSF v1.1\ng5_trait: \"Height\"\n");
    put_bgzf("b.tsv.gz", SSF_HEADER);
    put("b.tsv.gz-meta.yaml", "data_file_name: \"b.tsv.gz\"\nfile_type: GWAS-SSF v1.1\ng5_trait: \"bmi\"\n");
    const char *names[] = { "ev", "ev-bmi", "ph.gz", "qq.tsv", "log", "a.vcf.gz", "a.vcf.gz.tbi", "idx.txt",
                            "h.tsv", "h.tsv-meta.yaml", "h.manhattan.png", "h.qq.svg", "b.tsv.gz",
                            "b.tsv.gz-meta.yaml", "x.png", "renamed.txt" };
    int n = sizeof names / sizeof *names;
    g5_mfile_t *f = judged(names, n, d);
    struct { const char *tier, *why; } want[] = {
        { "open", NULL },
        { "controlled", "individual-level phenotype table (column \"BMI\" is a trait of the dictionary)" },
        { "controlled", "individual-level phenotype table (column \"bmi\" is a trait of the dictionary)" },
        { "controlled", "column \"ldl\"" },
        { "controlled", "not a kind of file g5 release knows (text)" },
        { "open", NULL },
        { "open", NULL },
        { "controlled", "an index whose data file is not in the release" },
        { "open", NULL },
        { "open", NULL },
        { "open", NULL },
        { "open", NULL },
        { "controlled", "trait \"bmi\", which is controlled, and no --policy" },
        { "controlled", "a GWAS-SSF sidecar of \"b.tsv.gz\", which is controlled" },
        { "controlled", "a plot whose data file is not in the release" },
        { "controlled", "a GWAS-SSF sidecar whose data file is not in the release" },
    };
    for (int i = 0; i < n; i++) {
        ok(!strcmp(g5_tier_name(f[i].tier), want[i].tier) && (want[i].why ? f[i].why && strstr(f[i].why, want[i].why)
           : !f[i].why), "%s (%s): %s%s%s", names[i], g5_kind_name(f[i].kind), want[i].tier, f[i].why ? ": " : "",
           f[i].why ? f[i].why : "");
    }
    for (int i = 0; i < n; i++) g5_mfile_free(&f[i]);
    free(f);

    // no dictionary: the table of people with g5 provenance and a BMI column passes; the one without is controlled
    const char *nodict[] = { "ev-bmi", "ph.tsv", "h.tsv", "h.tsv-meta.yaml" };
    f = judged(nodict, 4, NULL);
    ok(f[0].tier == G5_TIER_OPEN, "without a dictionary: a g5 table of samples is open (no column is a trait)");
    ok(f[1].tier == G5_TIER_CONTROLLED && strstr(f[1].why, "without g5 provenance"),
       "without a dictionary: a table of samples without g5 provenance is controlled: %s", f[1].why);
    ok(f[2].tier == G5_TIER_CONTROLLED && strstr(f[2].why, "has no tier without --dict"),
       "without a dictionary: GWAS-SSF of any trait controlled: %s", f[2].why);
    ok(f[3].tier == G5_TIER_CONTROLLED, "and its sidecar");
    for (int i = 0; i < 4; i++) g5_mfile_free(&f[i]);
    free(f);
    g5_dict_free(d);
}

static void test_manifest(void)
{
    const char *names[] = { "h.tsv", "a.vcf.gz", "ph.tsv", "a.vcf.gz.tbi" };
    g5_mfile_t f[4];
    char why[512];
    for (int i = 0; i < 4; i++) {
        detect(&f[i], names[i]);
        f[i].tier = i == 2 ? G5_TIER_CONTROLLED : G5_TIER_OPEN;
    }
    ok(g5_mfile_hash(f, 4, NULL, 2, why, sizeof why) == 0, "hashed on two extra threads");
    char hex[65];
    long long size;
    g5_sha256_file(in_dir("ph.tsv"), hex, &size, why, sizeof why);
    ok(!strcmp(f[2].sha256, hex) && f[2].size == size && size == 14, "each file's digest and size (%lld)", f[2].size);
    g5_mfile_sort(f, 4);
    ok(!strcmp(f[0].name, "a.vcf.gz") && !strcmp(f[1].name, "a.vcf.gz.tbi") && !strcmp(f[3].name, "ph.tsv"),
       "sorted by name");
    kstring_t t = KS_INITIALIZE;
    ok(g5_manifest_format(&t, "g5 release -o r x", G5_TIER_CONTROLLED, f, 4) == 0, "formatted");
    ok(!strncmp(t.s, "# g5 release ", 13) && strstr(t.s, ": g5 release -o r x\n# tier: controlled\n"
       "path\tsize\tsha256\ttier\tkind\ttool\tversion\tcommand\na.vcf.gz\t"), "provenance, tier and header lines");
    put(G5_MANIFEST_NAME, t.s);
    g5_manifest_t m;
    why[0] = 0;
    ok(g5_manifest_read(in_dir(G5_MANIFEST_NAME), &m, why, sizeof why) == 0 && m.n == 4 && m.tier == G5_TIER_CONTROLLED,
       "read back: 4 rows, controlled %s", why);
    int same = m.n == 4;
    for (int i = 0; same && i < 4; i++)
        same = !strcmp(m.file[i].name, f[i].name) && m.file[i].size == f[i].size
               && !strcmp(m.file[i].sha256, f[i].sha256)
               && m.file[i].tier == f[i].tier && m.file[i].kind == f[i].kind && !strcmp(m.file[i].tool, f[i].tool)
               && !strcmp(m.file[i].version, f[i].version) && !strcmp(m.file[i].command, f[i].command)
               && m.file[i].line == 4 + i;
    ok(same, "every field as written, lines 4-7");
    g5_manifest_free(&m);

    // malformed: each names the line and column
    struct { const char *from, *to, *msg; } bad[] = {
        { f[1].sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85G", "line 5, column 3 (sha256)" },
        { "\tVCF\t", "\tVCFX\t", "line 4, column 5 (kind): \"VCFX\"" },
        { "\tcontrolled\tsample", "\tsecret\tsample", "line 7, column 4 (tier): \"secret\"" },
        { "ph.tsv\t14\t", "../ph.tsv\t14\t", "line 7, column 1 (path): \"../ph.tsv\"" },
        { "ph.tsv\t14\t", "ph.tsv\t-14\t", "line 7, column 2 (size): \"-14\"" },
        { "ph.tsv\t14\t", "a.vcf.gz\t14\t", "line 7, column 1 (path): \"a.vcf.gz\" again (first on line 4)" },
        { "# tier: controlled\n", "", "line 2, column 1: no \"# tier: open|controlled\" line" },
        { "# tier: controlled\n", "# tier: public\n", "line 2, column 1: the release tier \"public\"" },
        { "\tcommand\n", "\tcmd\n", "line 3, column 1: the header must be" },
        { "\tVCF\t", "\t", "line 4: 7 fields, the header has 8" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kstring_t b = KS_INITIALIZE;
        const char *at = strstr(t.s, bad[i].from);
        kputsn(t.s, at - t.s, &b);
        kputs(bad[i].to, &b);
        kputs(at + strlen(bad[i].from), &b);
        put(G5_MANIFEST_NAME, b.s);
        why[0] = 0;
        ok(g5_manifest_read(in_dir(G5_MANIFEST_NAME), &m, why, sizeof why) < 0 && strstr(why, bad[i].msg),
           "malformed: %s", why);
        free(b.s);
    }
    t.s[t.l - 1] = 0;
    put(G5_MANIFEST_NAME, t.s);
    ok(g5_manifest_read(in_dir(G5_MANIFEST_NAME), &m, why, sizeof why) < 0 && strstr(why, "line 7: cut short"),
       "the last line without its end: cut short: %s", why);
    free(t.s);
    for (int i = 0; i < 4; i++) g5_mfile_free(&f[i]);
    ok(g5_mfile_name_ok("a.bam") && !g5_mfile_name_ok("d/a.bam") && !g5_mfile_name_ok("..")
       && !g5_mfile_name_ok(G5_MANIFEST_NAME) && !g5_mfile_name_ok("a\tb") && !g5_mfile_name_ok(""),
       "release names: base names, not the manifest's");
}

int main(void)
{
    if (scratch_init("t_manifest") < 0) return 1;
    hts_set_log_level(HTS_LOG_OFF);
    test_sha256();
    test_alignments();
    test_variants();
    test_tables();
    test_dict();
    test_tiers();
    test_manifest();
    remove_all();
    rmdir(dir);
    return tap_done();
}
