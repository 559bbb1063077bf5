/* t_varnorm.c -- normalisation worked out by hand: left alignment in
 * homopolymers and dinucleotide repeats (insertions and deletions, across
 * the padding and the reference cache), trimming, the contig's first base,
 * multiallelic records split with their genotypes, REF mismatches and bad
 * alleles, symbolic alleles and reference blocks; then the variant helpers
 * and the sorting window.  That g5 normalises as bcftools norm does on
 * random data is checked in tests/concord.t. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <htslib/hts_log.h>

#include "tap.h"
#include "varnorm.h"

/* The reference: contig "c", then "rep": 3000 bp of AC repeats between two
 * unique stretches, to move a variant further than the cache reaches back. */
static const char C[] =
    //        1         2         3         4         5
    //2345678901234567890123456789012345678901234567890
    "GGGATTACAAAAAGCGCGCGTTTACGTAGGGCCCATATATATGCTTGACC";

static char dir[64], fasta[96];

static int write_reference(void)
{
    strcpy(dir, "/tmp/t_varnorm.XXXXXX");
    if (!mkdtemp(dir)) return -1;
    snprintf(fasta, sizeof fasta, "%s/ref.fa", dir);
    FILE *fp = fopen(fasta, "w");
    if (!fp) return -1;
    fprintf(fp, ">c\n%s\n>rep\nTGCATGCATT", C);
    for (int i = 0; i < 1500; i++) fputs("AC", fp);
    fputs("GGTTCAGG\n", fp);
    return fclose(fp);
}

/* Normalise one pair; @return "POS REF>ALT" (1-based) or the status. */
static const char *norm(g5_varnorm_t *n, const char *ctg, long pos1, const char *ref, const char *alt)
{
    static char out[8192];
    kstring_t r = KS_INITIALIZE, a = KS_INITIALIZE;
    kputs(ref, &r);
    kputs(alt, &a);
    hts_pos_t pos = pos1 - 1;
    int tid = g5_varnorm_contig(n, ctg);
    int st = g5_varnorm_check_ref(n, tid, pos, ref);
    if (st == G5_VN_OK) st = g5_varnorm_alleles(n, tid, &pos, &r, &a);
    if (st == G5_VN_OK) snprintf(out, sizeof out, "%lld %s>%s", (long long)pos + 1, r.s, a.s);
    else snprintf(out, sizeof out, "status %d", st);
    free(r.s);
    free(a.s);
    return out;
}

static void test_left_align(g5_varnorm_t *n)
{
    // homopolymer: AAAAA at 9-13, after C at 8
    is_str(norm(n, "c", 12, "AA", "A"), "8 CA>C", "deletion at the end of a homopolymer moves to its anchor");
    is_str(norm(n, "c", 13, "A", "AA"), "8 C>CA", "insertion at the end of a homopolymer");
    is_str(norm(n, "c", 9, "AAAAAG", "AAAAG"), "8 CA>C", "deletion written with the whole run");
    is_str(norm(n, "c", 11, "AAAG", "AAAAAG"), "8 C>CAA", "two-base insertion with context");
    // dinucleotide: GCGCGCG at 14-20 (after A at 13)
    is_str(norm(n, "c", 17, "CGC", "C"), "13 AGC>A", "GC deletion in a dinucleotide repeat");
    is_str(norm(n, "c", 20, "G", "GCG"), "13 A>AGC", "GC insertion in a dinucleotide repeat");
    is_str(norm(n, "c", 19, "CG", "CGCG"), "13 A>AGC", "the same insertion written one base left");
    // ATATATAT at 35-42, after C at 34
    is_str(norm(n, "c", 39, "ATA", "A"), "34 CAT>C", "TA deletion inside an AT repeat");
    // a deletion that is not in a repeat stays put
    is_str(norm(n, "c", 4, "ATT", "A"), "4 ATT>A", "a deletion outside repeats stays");
}

static void test_trim(g5_varnorm_t *n)
{
    is_str(norm(n, "c", 5, "TTA", "TCA"), "6 T>C", "an SNV with context on both sides is trimmed to its base");
    is_str(norm(n, "c", 5, "TTAC", "TGGC"), "6 TA>GG", "an MNP keeps its two bases");
    is_str(norm(n, "c", 5, "TTAC", "TTAC"), "status 1", "ALT = REF: skipped");
    is_str(norm(n, "c", 5, "ttac", "tgac"), "6 T>G", "lower case is upper case");
    is_str(norm(n, "c", 21, "TTTA", "CA"), "21 TTT>C", "a complex variant: the common suffix goes");
    is_str(norm(n, "c", 6, "TA", "TTA"), "4 A>AT", "an insertion written with the base after it");
    is_str(norm(n, "c", 5, "T", "TTA"), "5 T>TTA", "an insertion already at its leftmost place stays");
}

static void test_contig_start(g5_varnorm_t *n)
{
    is_str(norm(n, "c", 2, "GG", "G"), "1 GG>G", "a deletion in a run at the contig's start keeps its first base");
    is_str(norm(n, "c", 3, "G", "GG"), "1 G>GG", "an insertion there too");
    is_str(norm(n, "c", 1, "G", "A"), "1 G>A", "an SNV on the first base");
}

static void test_far(g5_varnorm_t *n)
{
    // rep: TGCATGCATT (1-10), then 3000 bp of AC (11-3010), GGTTCAGG
    is_str(norm(n, "rep", 3008, "CAC", "C"), "10 TAC>T", "an AC deletion moves 2999 bp left, across the cache");
    is_str(norm(n, "rep", 3010, "C", "CAC"), "10 T>TAC", "so does an AC insertion");
}

static void test_errors(g5_varnorm_t *n)
{
    int tid = g5_varnorm_contig(n, "c");
    is_int(g5_varnorm_check_ref(n, tid, 5, "TT"), G5_VN_MISMATCH, "REF TT where the reference has TA: a mismatch");
    ok(strstr(g5_varnorm_why(n), "REF \"TT\" but the reference") && strstr(g5_varnorm_why(n), "has \"TA\""),
       "and the reason shows both: %s", g5_varnorm_why(n));
    is_int(g5_varnorm_check_ref(n, tid, 48, "CCGT"), G5_VN_MISMATCH, "REF running off the contig's end: a mismatch");
    is_int(g5_varnorm_check_ref(n, tid, 4, "T-"), G5_VN_BAD_ALLELE, "REF with a dash: a bad allele");
    is_int(g5_varnorm_check_ref(n, tid, 5, "TW"), G5_VN_MISMATCH, "an IUPAC code in REF counts as N");
    is_int(g5_varnorm_check_ref(n, tid, 8, "AAAAAG"), G5_VN_OK, "a matching REF");
    is_str(norm(n, "c", 6, "T", "X"), "status -3", "ALT X: a bad allele");
    is_str(norm(n, "c", 6, "T", "<NON_REF>"), "status 1", "a symbolic ALT is skipped");
    is_str(norm(n, "c", 6, "T", "*"), "status 1", "the spanning deletion is skipped");
    is_str(norm(n, "c", 6, "T", "T[rep:5["), "status 1", "a breakend is skipped");
    is_int(g5_varnorm_contig(n, "chrZ"), -1, "an unknown contig has no index");
    is_int(g5_varnorm_ncontigs(n), 2, "two contigs");
    is_str(g5_varnorm_contig_name(n, 1), "rep", "contig 1 is rep");
}

/* --- records ------------------------------------------------------------ */

static bcf_hdr_t *header(void)
{
    bcf_hdr_t *h = bcf_hdr_init("w");
    bcf_hdr_append(h, "##contig=<ID=c,length=50>");
    bcf_hdr_append(h, "##contig=<ID=rep,length=3018>");
    bcf_hdr_append(h, "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">");
    bcf_hdr_add_sample(h, "S1");
    bcf_hdr_add_sample(h, "S2");
    if (bcf_hdr_sync(h) < 0) {
        bcf_hdr_destroy(h);
        return NULL;
    }
    return h;
}

/* Normalise one VCF line for sample @p s; @return the pieces as
 * "POS REF>ALT GT;..." or the status. */
static const char *record(g5_varnorm_t *n, bcf_hdr_t *h, const char *line, int s)
{
    static char out[1024];
    kstring_t k = KS_INITIALIZE;
    kputs(line, &k);
    bcf1_t *rec = bcf_init();
    g5_varv_t v = { 0 };
    *out = '\0';
    if (vcf_parse(&k, h, rec) < 0) {
        strcpy(out, "unparsable");
    } else {
        int st = g5_varnorm_record(n, h, rec, g5_varnorm_contig(n, bcf_seqname(h, rec)), s, 7, &v);
        if (st != G5_VN_OK) snprintf(out, sizeof out, "status %d", st);
        for (size_t i = 0; st == G5_VN_OK && i < v.n; i++) {
            char gt[16];
            size_t l = strlen(out);
            snprintf(out + l, sizeof out - l, "%s%lld %s>%s %s", i ? ";" : "", (long long)v.v[i].pos + 1,
                     v.v[i].ref, v.v[i].alt, g5_var_gt_str(&v.v[i], gt, sizeof gt));
        }
        if (st == G5_VN_OK && !v.n) strcpy(out, "none");
    }
    g5_varv_free(&v);
    bcf_destroy(rec);
    free(k.s);
    return out;
}

static void test_records(g5_varnorm_t *n)
{
    bcf_hdr_t *h = header();
    if (!ok(h != NULL, "a header for the records")) return;
    is_str(record(n, h, "c\t11\t.\tAAA\tA,AA\t.\t.\t.\tGT\t1/2\t0|2", 0), "8 CAA>C 0/1;8 CA>C 0/1",
           "1/2 over two deletions: two pieces, 0/1 each (bcftools' 1/0 and 0/1)");
    is_str(record(n, h, "c\t11\t.\tAAA\tA,AA\t.\t.\t.\tGT\t1/2\t0|2", 1), "8 CAA>C 0/0;8 CA>C 0/1",
           "the other sample: 0|2 gives 0/0 and 0/1");
    is_str(record(n, h, "c\t11\t.\tAAA\tA,AA\t.\t.\t.\tGT\t./1\t1", 0), "8 CAA>C ./1;8 CA>C ./0",
           "missing stays missing; the other ALT counts as REF");
    is_str(record(n, h, "c\t11\t.\tAAA\tA,AA\t.\t.\t.\tGT\t./1\t1", 1), "8 CAA>C 1;8 CA>C 0", "haploid");
    is_str(record(n, h, "c\t11\t.\tAAA\tA,AA\t.\t.\t.\tGT\t./1\t1", -1), "8 CAA>C .;8 CA>C .", "no sample: no genotype");
    is_str(record(n, h, "c\t6\t.\tT\tC,<NON_REF>\t.\t.\t.\tGT\t1/1\t0/0", 0), "6 T>C 1/1",
           "the <NON_REF> piece is left out");
    is_str(record(n, h, "c\t6\t.\tT\t<*>\t.\t.\tEND=9\tGT\t0/0\t0/0", 0), "none", "a reference block gives nothing");
    is_str(record(n, h, "c\t6\t.\tT\t.\t.\t.\t.\tGT\t0/0\t0/0", 0), "none", "no ALT gives nothing");
    is_str(record(n, h, "c\t6\t.\tG\tC\t.\t.\t.\tGT\t0/1\t0/0", 0), "status -2", "a REF mismatch");
    is_str(record(n, h, "c\t6\t.\tG\t<*>\t.\t.\t.\tGT\t0/0\t0/0", 0), "status -2", "also in a reference block");
    is_str(record(n, h, "c\t6\t.\tT\tC\t.\t.\t.\t.\t.\t.", 0), "6 T>C .", "a record without GT: no genotype");
    bcf_hdr_destroy(h);
}

/* --- variants and the window --------------------------------------------- */

static g5_var_t var(int tid, long pos, const char *ref, const char *alt, uint64_t rec)
{
    g5_var_t v = { tid, pos, pos, rec, NULL, NULL, 2, 1, 0 };
    v.ref = malloc(strlen(ref) + strlen(alt) + 2);
    strcpy(v.ref, ref);
    v.alt = v.ref + strlen(ref) + 1;
    strcpy(v.alt, alt);
    return v;
}

static void test_vars(void)
{
    g5_var_t a = var(0, 10, "A", "C", 1), b = var(0, 10, "AC", "A", 2), c = var(0, 10, "AC", "ACC", 3);
    is_int(g5_var_type(&a), G5_VAR_SNV, "A>C is an SNV");
    is_int(g5_var_type(&b), G5_VAR_INDEL, "AC>A is an indel");
    g5_var_t m = var(0, 10, "AC", "GT", 4);
    is_int(g5_var_type(&m), G5_VAR_OTHER, "AC>GT is other (an MNP)");
    is_str(g5_var_type_name(G5_VAR_INDEL), "indel", "type names");
    ok(g5_var_cmp(&a, &b) < 0 && g5_var_cmp(&b, &c) < 0 && g5_var_cmp(&c, &c) == 0, "order by REF, then ALT");
    char buf[8];
    m.ploidy = 3, m.nalt = 2, m.nmiss = 1;
    is_str(g5_var_gt_str(&m, buf, sizeof buf), "./1/1", "triploid ./1/1");
    m.ploidy = 4;
    is_str(g5_var_gt_str(&m, buf, 6), "./0/+", "cut short when it does not fit");
    m.ploidy = 0;
    is_str(g5_var_gt_str(&m, buf, sizeof buf), ".", "no genotype: .");
    ok(g5_var_same_gt(&a, &b), "0/1 and 0/1 are the same genotype");
    b.nalt = 2;
    ok(!g5_var_same_gt(&a, &b), "0/1 and 1/1 are not");
    g5_var_free(&a);
    g5_var_free(&b);
    g5_var_free(&c);
    g5_var_free(&m);
}

static void test_window(void)
{
    g5_varbuf_t *b = g5_varbuf_init(100);
    g5_var_t v[] = { var(0, 500, "A", "C", 1), var(0, 420, "CA", "C", 2), var(0, 450, "G", "T", 3),
                     var(0, 420, "CA", "C", 4), var(1, 5, "T", "G", 5) };
    int r = 0;
    for (int i = 0; i < 4; i++) r |= g5_varbuf_push(b, &v[i]);
    is_int(r, 0, "four variants in");
    g5_var_t out;
    is_int(g5_varbuf_pop(b, 0, 520, &out), 0, "input at 520: nothing within 100 bp of it may go");
    is_int(g5_varbuf_pop(b, 0, 521, &out), 1, "at 521, the variant at 420 may");
    ok(out.pos == 420 && out.rec == 2, "the earlier of the two records at 420 first");
    g5_var_free(&out);
    is_int(g5_varbuf_pop(b, 0, 521, &out), 1, "then its repeat");
    ok(out.pos == 420 && out.rec == 4, "(record 4)");
    g5_var_free(&out);
    is_int(g5_varbuf_pop(b, 0, 521, &out), 0, "450 must wait");
    g5_var_t late = var(0, 400, "A", "G", 6);
    is_int(g5_varbuf_push(b, &late), G5_VARBUF_LATE, "a variant before one released: late");
    is_int(g5_varbuf_push(b, &v[4]), 0, "the next contig's variant");
    is_int(g5_varbuf_pop(b, 1, 0, &out), 1, "on the next contig, the rest of the first may go");
    ok(out.tid == 0 && out.pos == 450, "in order: 450");
    g5_var_free(&out);
    is_int(g5_varbuf_size(b), 2, "two held");
    is_int(g5_varbuf_pop(b, INT_MAX, 0, &out), 1, "at the end, all may go");
    ok(out.tid == 0 && out.pos == 500, "500");
    g5_var_free(&out);
    g5_varbuf_destroy(b);       // still holds the variant on contig 1
}

int main(void)
{
    hts_set_log_level(HTS_LOG_OFF);     // htslib's own complaints about the bad cases
    if (write_reference() < 0) {
        ok(0, "cannot write the test reference");
        return tap_done();
    }
    char why[512];
    g5_varnorm_t *n = g5_varnorm_open(fasta, why, sizeof why);
    ok(n != NULL, "open the reference, building its .fai");
    char fai[128];
    snprintf(fai, sizeof fai, "%s.fai", fasta);
    ok(access(fai, R_OK) == 0, "the .fai is there");
    if (n) {
        test_left_align(n);
        test_trim(n);
        test_contig_start(n);
        test_far(n);
        test_errors(n);
        test_records(n);
        g5_varnorm_close(n);
    }
    ok(!g5_varnorm_open("/nonexistent/ref.fa", why, sizeof why) && strstr(why, "cannot read the reference"),
       "a missing reference: %s", why);
    test_vars();
    test_window();
    unlink(fai);
    unlink(fasta);
    rmdir(dir);
    return tap_done();
}
