/* t_bamstats.c -- the accumulator behind g5 stats: counting rules, the
 * insert-size summary, merging, and the text formats.  The byte-for-byte
 * comparison with samtools on real files is in tests/stats.t; these checks
 * pin down the rules one record at a time. */
#define _GNU_SOURCE     /* open_memstream on older C libraries */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "samline.h"
#include "bamstats.h"

static sam_hdr_t *hdr;

/* @p b refilled from a SAM line written with '|' for tabs. */
static bam1_t *rec(bam1_t *b, const char *line)
{
    return samline(hdr, b, line);
}

static void add(g5_bamstats_t *st, const char *line)
{
    bam1_t *b = bam_init1();
    if (g5_bamstats_add(st, rec(b, line)) < 0) abort();
    bam_destroy1(b);
}

/* Render a report into a malloc'ed string. */
enum what { FLAGSTAT, SN, TSV };
static char *render(const g5_bamstats_t *st, enum what w)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    int r = w == FLAGSTAT ? g5_bamstats_write_flagstat(fp, st, NULL)
          : w == SN ? g5_bamstats_write_sn(fp, st)
          : g5_bamstats_write_tsv(fp, st, "all");
    fclose(fp);
    if (r < 0) abort();
    return buf;
}

/* The value of one SN line ("reads mapped") as printed, or NULL. */
static const char *sn(const g5_bamstats_t *st, const char *label)
{
    static char val[64];
    char *text = render(st, SN), key[128];
    snprintf(key, sizeof key, "SN\t%s:\t", label);
    char *p = strstr(text, key);
    if (!p) { free(text); return NULL; }
    p += strlen(key);
    size_t n = strcspn(p, "\t\n");
    snprintf(val, sizeof val, "%.*s", (int)n, p);
    free(text);
    return val;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* A small paired-end data set exercising most counters. */
static const char *const pairs[] = {
    "p1|99|c1|100|60|50M|=|300|250|*|*|NM:i:2",
    "p1|147|c1|300|60|50M|=|100|-250|*|*|NM:i:1",
    "p2|97|c1|150|0|10S40M|c2|10|0|*|*",
    "p2|145|c2|10|30|50M|c1|150|0|*|*",
    "p3|73|c1|400|60|50M|=|400|0|*|*",
    "p3|133|c1|400|0|*|=|400|0|*|*",
    "p4|611|c1|500|60|50M|=|700|250|*|*",       /* QC fail, proper pair */
    "p4|659|c1|700|60|50M|=|500|-250|*|*",
    "p5|1123|c1|800|60|50M|=|1000|250|*|*",     /* duplicate */
    "p5|1171|c1|1000|60|50M|=|800|-250|*|*",
    "p1|355|c1|900|0|20M30H|=|300|0|*|*",       /* secondary */
    "p1|2147|c2|50|60|30H20M|=|100|0|*|*",      /* supplementary */
};
#define NPAIRS (sizeof pairs / sizeof *pairs)

/* SEQ and QUAL for the records above: "*" placeholders replaced with a
 * sequence of the right length so SN counts them. */
static void add_pairs(g5_bamstats_t *st, size_t from, size_t to)
{
    char line[512], seq[64], qual[64];
    for (size_t i = from; i < to; i++) {
        const char *p = pairs[i];
        // Length from the CIGAR's query-consuming operations.
        int len = 0, n = 0;
        const char *c = p;
        for (int f = 0; f < 5; f++) c = strchr(c, '|') + 1;
        for (; *c != '|'; c++) {
            if (*c >= '0' && *c <= '9') n = 10 * n + (*c - '0');
            else { if (strchr("MIS=X", *c)) len += n; n = 0; }
        }
        if (len == 0) len = 50;     /* unmapped, CIGAR "*" */
        memset(seq, 'A', (size_t)len); seq[len] = '\0';
        memset(qual, 'I', (size_t)len); qual[len] = '\0';   /* Q40 */
        // Replace the "*|*" of SEQ|QUAL.
        const char *star = strstr(p, "|*|*");
        snprintf(line, sizeof line, "%.*s|%s|%s%s", (int)(star - p), p, seq, qual, star + 4);
        add(st, line);
    }
}

static void test_flagstat(void)
{
    g5_bamstats_t st;
    g5_bamstats_init(&st);
    add_pairs(&st, 0, NPAIRS);
    char *fs = render(&st, FLAGSTAT);
    is_int(count_lines(fs), 16, "flagstat has 16 lines");
    ok(strstr(fs, "10 + 2 in total (QC-passed reads + QC-failed reads)\n") != NULL, "total split by QC flag");
    ok(strstr(fs, "8 + 2 primary\n") != NULL, "primary excludes secondary and supplementary");
    ok(strstr(fs, "1 + 0 secondary\n1 + 0 supplementary\n") != NULL, "secondary, supplementary");
    ok(strstr(fs, "2 + 0 duplicates\n2 + 0 primary duplicates\n") != NULL, "duplicates");
    ok(strstr(fs, "9 + 2 mapped (90.00% : 100.00%)\n") != NULL, "mapped counts every record");
    ok(strstr(fs, "7 + 2 primary mapped (87.50% : 100.00%)\n") != NULL, "primary mapped over primary");
    ok(strstr(fs, "4 + 2 properly paired (50.00% : 100.00%)\n") != NULL, "properly paired over paired");
    ok(strstr(fs, "1 + 0 singletons (12.50% : 0.00%)\n") != NULL, "singleton: mapped, mate unmapped");
    ok(strstr(fs, "2 + 0 with mate mapped to a different chr\n1 + 0 with mate mapped to a different chr (mapQ>=5)\n")
       != NULL, "different chr, and with MAPQ >= 5");
    free(fs);
    g5_bamstats_destroy(&st);

    g5_bamstats_init(&st);
    fs = render(&st, FLAGSTAT);
    ok(strstr(fs, "0 + 0 mapped (N/A : N/A)\n") != NULL, "no denominator: N/A, without a percent sign");
    free(fs);
    char *tsv = render(&st, TSV);
    ok(strstr(tsv, "all\tflagstat_mapped_passed_pct\tNA\n") != NULL, "and NA in the TSV");
    free(tsv);
}

static void test_sn(void)
{
    g5_bamstats_t st;
    g5_bamstats_init(&st);
    add_pairs(&st, 0, NPAIRS);
    is_str(sn(&st, "raw total sequences"), "10", "sequences: secondary and supplementary left out");
    is_str(sn(&st, "non-primary alignments"), "1", "secondary counted apart");
    is_str(sn(&st, "supplementary alignments"), "1", "supplementary counted apart");
    is_str(sn(&st, "reads unmapped"), "1", "one unmapped read");
    is_str(sn(&st, "reads mapped and paired"), "8", "mapped and paired: both mates mapped");
    is_str(sn(&st, "reads MQ0"), "1", "MQ0 among mapped original reads");
    is_str(sn(&st, "reads QC failed"), "2", "QC failed");
    is_str(sn(&st, "reads duplicated"), "2", "duplicates");
    is_str(sn(&st, "bases mapped (cigar)"), "460", "bases mapped (cigar): M only, supplementary included");
    is_str(sn(&st, "mismatches"), "3", "mismatches from NM");
    is_str(sn(&st, "maximum length"), "50", "maximum length counts hard clips");
    is_str(sn(&st, "average quality"), "40.0", "average quality");
    is_str(sn(&st, "pairs on different chromosomes"), "1", "pairs on different chromosomes");
    // Three pairs of 250 bases, each seen twice: halved to 3 inward pairs.
    is_str(sn(&st, "inward oriented pairs"), "3", "inward pairs are halved");
    is_str(sn(&st, "insert size average"), "250.0", "insert size average");
    is_str(sn(&st, "is sorted"), "0", "c1:150 after c1:300 is not sorted");
    g5_bamstats_destroy(&st);
}

static void test_isize(void)
{
    g5_bamstats_t st;
    g5_bamstats_init(&st);
    // 99 pairs at 100 and one at 5000: the bulk must hold *more* than 99%
    // of the pairs, so the outlier is still in: (99 * 100 + 5000) / 100.
    for (int i = 0; i < 99; i++) {
        add(&st, "a|99|c1|100|60|50M|=|150|100|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|*");
        add(&st, "a|147|c1|150|60|50M|=|100|-100|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|*");
    }
    add(&st, "b|99|c1|100|60|50M|=|5050|5000|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|*");
    add(&st, "b|147|c1|5050|60|50M|=|100|-5000|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|*");
    g5_bamstats_isize_t is;
    g5_bamstats_isize(&st, &is);
    is_int(is.inward, 100, "100 inward pairs");
    ok(is.mean == 149.0, "exactly 99%% at 100 is not the bulk yet (mean %g)", is.mean);
    // 100 more at 100: now 199 of 200 are at 100 and the outlier is cut.
    for (int i = 0; i < 100; i++) {
        add(&st, "a|99|c1|100|60|50M|=|150|100|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|*");
        add(&st, "a|147|c1|150|60|50M|=|100|-100|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|*");
    }
    g5_bamstats_isize(&st, &is);
    ok(is.mean == 100.0 && is.sd == 0.0, "mean and SD over the bulk (got %g, %g)", is.mean, is.sd);

    // A lone mate of an odd bin rounds down, like samtools' integer bins.
    add(&st, "c|99|c1|100|60|50M|=|400|300|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|*");
    g5_bamstats_isize(&st, &is);
    is_int(is.inward, 200, "a single mate is half a pair: rounded down");

    // Beyond the histogram: counted at G5_BAMSTATS_ISIZE_MAX.
    g5_bamstats_destroy(&st);
    g5_bamstats_init(&st);
    add(&st, "d|99|c1|100|60|50M|=|90000|90000|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|*");
    add(&st, "d|147|c1|90000|60|50M|=|100|-90000|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|*");
    g5_bamstats_isize(&st, &is);
    ok(is.mean == G5_BAMSTATS_ISIZE_MAX, "long inserts land in the last bin (mean %g)", is.mean);
    g5_bamstats_destroy(&st);
}

static void test_merge(void)
{
    g5_bamstats_t whole, a, b;
    g5_bamstats_init(&whole);
    g5_bamstats_init(&a);
    g5_bamstats_init(&b);
    add_pairs(&whole, 0, NPAIRS);
    add_pairs(&a, 0, 5);
    add_pairs(&b, 5, NPAIRS);
    is_int(g5_bamstats_merge(&a, &b), 0, "merge succeeds");
    for (enum what w = FLAGSTAT; w <= TSV; w++) {
        char *x = render(&whole, w), *y = render(&a, w);
        is_str(y, x, "merged halves print like the whole (%s)", w == FLAGSTAT ? "flagstat" : w == SN ? "SN" : "TSV");
        free(x);
        free(y);
    }
    g5_bamstats_destroy(&whole);
    g5_bamstats_destroy(&a);
    g5_bamstats_destroy(&b);

    // Sortedness across the seam: each half sorted, the join is not.
    g5_bamstats_init(&a);
    g5_bamstats_init(&b);
    add(&a, "x|0|c1|500|60|4M|*|0|0|ACGT|*");
    add(&b, "y|0|c1|100|60|4M|*|0|0|ACGT|*");
    is_str(sn(&a, "is sorted"), "1", "first half sorted");
    is_str(sn(&b, "is sorted"), "1", "second half sorted");
    g5_bamstats_merge(&a, &b);
    is_str(sn(&a, "is sorted"), "0", "merged: 100 after 500 on the same reference");
    g5_bamstats_destroy(&a);
    g5_bamstats_destroy(&b);
}

static void test_rules(void)
{
    g5_bamstats_t st;
    g5_bamstats_init(&st);
    // A new reference may start lower: samtools only compares positions
    // on the same reference.
    add(&st, "a|0|c2|500|60|4M|*|0|0|ACGT|*");
    add(&st, "b|0|c1|100|60|4M|*|0|0|ACGT|*");
    is_str(sn(&st, "is sorted"), "1", "a change of reference keeps 'is sorted'");
    add(&st, "c|0|c1|50|60|4M|*|0|0|ACGT|*");
    is_str(sn(&st, "is sorted"), "0", "a step back on one reference clears it");
    g5_bamstats_destroy(&st);

    g5_bamstats_init(&st);
    // Paired with both READ bits: neither first nor last, and its bases
    // are not in the quality sum although they are in the total length.
    add(&st, "a|193|c1|100|60|4M|=|100|0|ACGT|IIII");
    add(&st, "b|65|c1|100|60|4M|=|100|0|ACGT|5555");
    is_str(sn(&st, "1st fragments"), "1", "READ1 only is a first fragment");
    is_str(sn(&st, "last fragments"), "0", "READ1+READ2 is neither");
    is_str(sn(&st, "sequences"), "2", "but it is a sequence");
    is_str(sn(&st, "average quality"), "10.0", "quality sum over first/last only: 4*20/8");
    // Long reads: the SWAR quality sum crosses its 1024-byte fold.
    static char line[8192] = "l|0|c1|1|60|3000M|*|0|0|";
    size_t n = strlen(line);
    memset(line + n, 'A', 3000);
    line[n + 3000] = '|';
    memset(line + n + 3001, '+', 3000);    /* Q10 */
    line[n + 6001] = '\0';
    add(&st, line);
    is_str(sn(&st, "average quality"), "10.0", "3000 bases of Q10 plus the above: still 10.0");
    is_str(sn(&st, "maximum length"), "3000", "maximum length");
    g5_bamstats_destroy(&st);
}

int main(void)
{
    hdr = sam_hdr_parse(strlen("@SQ\tSN:c1\tLN:100000\n@SQ\tSN:c2\tLN:100000\n"),
                        "@SQ\tSN:c1\tLN:100000\n@SQ\tSN:c2\tLN:100000\n");
    if (!hdr) return 1;
    test_flagstat();
    test_sn();
    test_isize();
    test_merge();
    test_rules();
    sam_hdr_destroy(hdr);
    return tap_done();
}
