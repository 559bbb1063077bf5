/* t_dupsig.c -- duplicate signatures one rule at a time: unclipped 5'
 * ends, scores, read-name parsing, Picard's library-size estimate and
 * number format (reference values from Picard 2.27.5 / htsjdk 3.0.4), and
 * resolution through the API, including the promise that a caller seeing
 * name-grouped records marks the same records as one reading them in
 * coordinate order.  The comparison with Picard on whole files is in
 * tests/markdup.t. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "samline.h"
#include "bamorder.h"
#include "dupsig.h"

static sam_hdr_t *hdr;

/* One record from a SAM line written with '|' for tabs. */
static bam1_t *rec(const char *line)
{
    return samline(hdr, NULL, line);
}

static int32_t u5(const char *line)
{
    bam1_t *b = rec(line);
    int32_t p = g5_dupsig_unclipped5(b);
    bam_destroy1(b);
    return p;
}

static int score(const char *line)
{
    bam1_t *b = rec(line);
    int s = g5_dupsig_score(b);
    bam_destroy1(b);
    return s;
}

static void test_unclipped(void)
{
    is_int(u5("r|0|c1|100|60|10M|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 100, "forward: the start");
    is_int(u5("r|0|c1|100|60|3S7M|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 97, "forward: less leading soft clips");
    is_int(u5("r|0|c1|100|60|2H3S7M|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 95, "forward: hard clips count too");
    is_int(u5("r|0|c1|100|60|7M3S|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 100, "forward: trailing clips do not");
    is_int(u5("r|0|c1|2|60|5S5M|*|0|0|AAAAAAAAAA|IIIIIIIIII"), -3, "forward: may fall before position 1");
    is_int(u5("r|16|c1|100|60|10M|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 109, "reverse: the end");
    is_int(u5("r|16|c1|100|60|8M2S|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 109, "reverse: plus trailing soft clips");
    is_int(u5("r|16|c1|100|60|2S6M2H|*|0|0|AAAAAAAA|IIIIIIII"), 107, "reverse: leading clips do not count, trailing hard clips do");
    is_int(u5("r|16|c1|100|60|4M2D4M|*|0|0|AAAAAAAA|IIIIIIII"), 109, "reverse: deletions are reference");
    is_int(u5("r|16|c1|100|60|4M2I4M|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 107, "reverse: insertions are not");
    is_int(u5("r|16|c1|100|60|5I5S|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 104, "reverse, no reference covered: start - 1 plus clips, as htsjdk");
}

static void test_score(void)
{
    is_int(score("r|0|c1|1|60|10M|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 400, "score: 10 x Q40");
    is_int(score("r|0|c1|1|60|10M|*|0|0|AAAAAAAAAA|0000000000"), 150, "score: Q15 counts");
    is_int(score("r|0|c1|1|60|10M|*|0|0|AAAAAAAAAA|//////////"), 0, "score: Q14 does not");
    is_int(score("r|0|c1|1|60|10M|*|0|0|AAAAAAAAAA|*"), 0, "score: QUAL * is 0");
    is_int(score("r|512|c1|1|60|10M|*|0|0|AAAAAAAAAA|IIIIIIIIII"), 400 - 16384, "score: QC failure costs 16384");
    char line[2048] = "r|0|c1|1|60|500M|*|0|0|", *p = line + strlen(line);
    memset(p, 'A', 500), p += 500, *p++ = '|', memset(p, 'I', 500), p[500] = '\0';
    is_int(score(line), 16383, "score: at most 16383");
}

static int loc(const char *name, int *tile, int *x, int *y)
{
    g5_dupsig_loc_t l;
    int r = g5_dupsig_parse_name(name, &l);
    *tile = l.tile, *x = l.x, *y = l.y;
    return r;
}

static void test_names(void)
{
    int t, x, y;
    ok(loc("A01:12:HXXX:1:1101:1000:2000", &t, &x, &y) == 1 && t == 1101 && x == 1000 && y == 2000,
       "name: 7 fields, the last three");
    ok(loc("m:1:2204:15:99", &t, &x, &y) == 1 && t == 2204 && x == 15 && y == 99, "name: 5 fields");
    is_int(loc("a:b:1101:1000:2000:7", &t, &x, &y), 0, "name: 6 fields hold no location");
    ok(t == -1 && x == -1 && y == -1, "name: and leave -1");
    is_int(loc("a:b:c:d:1101:1000:2000:9", &t, &x, &y), 0, "name: 8 fields neither");
    is_int(loc("1101:1000:2000", &t, &x, &y), 0, "name: 3 fields neither");
    is_int(loc("read17", &t, &x, &y), 0, "name: no colon");
    ok(loc("a:1:1101x:1000 1:2000/1", &t, &x, &y) == 1 && t == 1101 && x == 1000 && y == 2000,
       "name: whatever follows the digits of a field is ignored");
    is_int(loc("a:1:1101:x1000:2000", &t, &x, &y), 0, "name: a field must start with a number");
    ok(loc("a:1:1101:-5:2000", &t, &x, &y) == 1 && x == -5, "name: negative numbers");
    ok(loc("a:1:1101:66536:32768", &t, &x, &y) == 1 && x == 1000 && y == -32768,
       "name: x and y in 16 bits, as Picard keeps them");
    ok(loc("a:1:65535:1:1", &t, &x, &y) == 1 && t == -1, "name: tile 65535 is -1 (no location to Picard)");
    ok(loc("a:1:4294968397:1:1", &t, &x, &y) == 1 && t == 1101, "name: numbers wrap as Java ints do");
    ok(loc(":1:1101:7:8", &t, &x, &y) == 1 && t == 1101 && x == 7, "name: an empty first field counts");
}

static void test_library_size(void)
{
    // DuplicationMetrics.main(pairs, duplicates) of Picard 2.27.5.
    is_int(g5_dupsig_library_size(1000, 900), 4660, "library size: 1000 pairs, 100 duplicates");
    is_int(g5_dupsig_library_size(1000000, 850000), 2990924, "library size: 1e6 pairs, 15%% duplicates");
    is_int(g5_dupsig_library_size(123456, 115566), 924261, "library size: 123456 pairs, 7890 duplicates");
    is_int(g5_dupsig_library_size(3, 2), 3, "library size: 3 pairs, 1 duplicate");
    is_int(g5_dupsig_library_size(5000, 1), 1, "library size: all duplicates of one");
    is_int(g5_dupsig_library_size(10, 1), 1, "library size: 10 pairs of one molecule");
    is_int(g5_dupsig_library_size(1000, 1000), -1, "library size: none without duplicates");
    is_int(g5_dupsig_library_size(0, 0), -1, "library size: none without pairs");
}

static void test_format(void)
{
    // htsjdk FormatUtil.format(double), Java 17.
    static const struct { double v; const char *s; } cases[] = {
        { 0.0234375, "0.023437" }, { 0.0078125, "0.007812" }, { 0.1171875, "0.117187" },
        { 0.3046875, "0.304687" }, { 0.5, "0.5" }, { 0.714285714, "0.714286" },
        { 1.0 / 3, "0.333333" }, { 2.0 / 3, "0.666667" }, { 0.1234565, "0.123456" },
        { 0.9999995, "1" }, { 5e-7, "0.000001" }, { 1e-7, "0" }, { 1.5e-6, "0.000002" },
        { 3.0000005, "3.000001" }, { 1234567.8901234, "1234567.890123" }, { 0, "0" }, { 1, "1" },
        { 12.5, "12.5" }, { 100, "100" }, { 0.95021293163, "0.950213" },
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        is_str(g5_dupsig_format(buf, sizeof buf, cases[i].v), cases[i].s, "format %.10g as Java does", cases[i].v);
}

/* --- resolution ----------------------------------------------------------- */

/* A tiny file in coordinate order: pairs a..e and fragments at c1:100, a
 * pair and an orphan at c1:500, a pair across references. */
static const char *const lines[] = {
    "a:1:FC:1:1102:10:10|99|c1|100|60|10M|=|291|201|AAAAAAAAAA|IIIIIIIIII",
    "b:1:FC:1:1101:500:20|99|c1|100|60|10M|=|291|201|AAAAAAAAAA|IIIIIIIIII",
    "c:1:FC:1:1101:500:10|99|c1|100|60|10M|=|291|201|AAAAAAAAAA|IIIIIIIIII",
    "d|99|c1|100|60|10M|=|291|201|AAAAAAAAAA|5555555555",
    "f1:1:FC:1:1101:9000:10|0|c1|100|60|10M|*|0|0|AAAAAAAAAA|IIIIIIIIII",
    "a:1:FC:1:1102:10:10|147|c1|291|60|10M|=|100|-201|AAAAAAAAAA|IIIIIIIIII",
    "b:1:FC:1:1101:500:20|147|c1|291|60|10M|=|100|-201|AAAAAAAAAA|IIIIIIIIII",
    "c:1:FC:1:1101:500:10|147|c1|291|60|10M|=|100|-201|AAAAAAAAAA|IIIIIIIIII",
    "d|147|c1|291|60|10M|=|100|-201|AAAAAAAAAA|5555555555",
    "g1:1:FC:1:1101:100:10|16|c1|300|60|10M|*|0|0|AAAAAAAAAA|5555555555",
    "g2:1:FC:1:1101:200:10|16|c1|300|60|10M|*|0|0|AAAAAAAAAA|IIIIIIIIII",
    "g3:1:FC:1:1101:300:10|16|c1|300|60|10M|*|0|0|AAAAAAAAAA|IIIIIIIIII",
    "h:1:FC:1:1101:100:10|97|c1|500|60|10M|=|700|0|AAAAAAAAAA|IIIIIIIIII",
    "i:1:FC:1:1101:400:10|73|c1|500|60|10M|=|500|0|AAAAAAAAAA|IIIIIIIIII",
    "i:1:FC:1:1101:400:10|133|c1|500|0|*|=|500|0|AAAAAAAAAA|IIIIIIIIII",
    "x1:1:FC:1:1101:1:1|97|c1|900|60|10M|c2|50|0|AAAAAAAAAA|IIIIIIIIII",
    "x2:1:FC:1:1101:2:2|97|c1|900|60|10M|c2|50|0|AAAAAAAAAA|IIIIIIIIII",
    "x1:1:FC:1:1101:1:1|145|c2|50|60|10M|c1|900|0|AAAAAAAAAA|IIIIIIIIII",
    "x2:1:FC:1:1101:2:2|145|c2|50|60|10M|c1|900|0|AAAAAAAAAA|IIIIIIIIII",
};
#define NREC (sizeof lines / sizeof *lines)

/* Mark the file as a coordinate-order reader does: key 0, record number.
 * dup[i] gets the lookup of record i. */
static g5_dupsig_t *mark_coordinate(bam1_t **b, int *dup)
{
    g5_dupsig_t *ds = g5_dupsig_init(G5_DUPSIG_OPTICAL_DISTANCE);
    int lib = g5_dupsig_library(ds, "lib");
    g5_dupsig_end_t e[NREC];
    int pending[NREC];
    for (size_t i = 0; i < NREC; i++) {
        pending[i] = 0;
        const bam1_core_t *c = &b[i]->core;
        if (!g5_dupsig_mapped(c)) continue;
        g5_dupsig_end(&e[i], b[i], (uint16_t)lib, 0, 0, i);
        g5_dupsig_add_frag(ds, &e[i], g5_dupsig_paired(c));
        if (!g5_dupsig_paired(c)) continue;
        size_t j;
        for (j = 0; j < i; j++)
            if (pending[j] && strcmp(bam_get_qname(b[j]), bam_get_qname(b[i])) == 0) break;
        if (j < i) {
            g5_dupsig_add_pair(ds, &e[j], &e[i]);
            pending[j] = 0;
        } else {
            pending[i] = 1;
        }
    }
    g5_dupsig_resolve(ds, 1);
    for (size_t i = 0; i < NREC; i++) dup[i] = g5_dupsig_lookup(ds, i);
    return ds;
}

/* Mark it as a caller seeing name-grouped records does: the records in
 * name order, key from the coordinate, id their ordinal in that order. */
static void mark_by_name(bam1_t **b, int *dup)
{
    size_t order[NREC];      // order[k] = record at name-order position k
    for (size_t i = 0; i < NREC; i++) order[i] = i;
    for (size_t i = 1; i < NREC; i++)   // a stable insertion sort by name
        for (size_t k = i; k > 0 && strcmp(bam_get_qname(b[order[k - 1]]), bam_get_qname(b[order[k]])) > 0; k--) {
            size_t t = order[k];
            order[k] = order[k - 1], order[k - 1] = t;
        }
    g5_dupsig_t *ds = g5_dupsig_init(G5_DUPSIG_OPTICAL_DISTANCE);
    int lib = g5_dupsig_library(ds, "lib");
    for (size_t k = 0; k < NREC; ) {
        size_t end = k + 1;
        while (end < NREC && strcmp(bam_get_qname(b[order[end]]), bam_get_qname(b[order[k]])) == 0) end++;
        g5_dupsig_end_t e[2];
        int n = 0;
        for (size_t m = k; m < end; m++) {
            bam1_t *r = b[order[m]];
            if (!g5_dupsig_mapped(&r->core)) continue;
            g5_dupsig_end(&e[n], r, (uint16_t)lib, 0, g5_order_coord_key(r), m);
            g5_dupsig_add_frag(ds, &e[n], g5_dupsig_paired(&r->core));
            if (g5_dupsig_paired(&r->core)) n++;
        }
        if (n == 2) g5_dupsig_add_pair(ds, &e[1], &e[0]);     // either order
        k = end;
    }
    g5_dupsig_resolve(ds, 1);
    for (size_t k = 0; k < NREC; k++) dup[order[k]] = g5_dupsig_lookup(ds, k);
    g5_dupsig_destroy(ds);
}

static void test_resolve(void)
{
    bam1_t *b[NREC];
    for (size_t i = 0; i < NREC; i++) b[i] = rec(lines[i]);
    int dup[NREC], byname[NREC];
    g5_dupsig_t *ds = mark_coordinate(b, dup);

    // c1:100/300: a, b, c tie at 800.  b and c share tile 1101 and x 500:
    // c (y 10) sorts first and stays; b is its optical duplicate; a (tile
    // 1102) and d (lower score, no location) are duplicates, not optical.
    is_int(dup[2], 0, "tie: the first in Picard's order (tile, x, y) stays");
    is_int(dup[1], G5_DUP | G5_DUP_OPTICAL, "tie: its neighbour on the tile is an optical duplicate");
    is_int(dup[6], G5_DUP | G5_DUP_OPTICAL, "... both of its records");
    is_int(dup[0], G5_DUP, "another tile: a duplicate, not optical");
    is_int(dup[3], G5_DUP, "lower score: a duplicate");
    is_int(dup[8], G5_DUP, "... both of its records");
    is_int(dup[4], G5_DUP, "a fragment where a pair starts is a duplicate");
    is_int(dup[9], G5_DUP, "fragments alone: the lower score is a duplicate");
    ok(dup[10] == 0 && dup[11] == G5_DUP, "fragments alone: of equal scores the least x stays");
    is_int(dup[13], G5_DUP, "a read with its mate unmapped, where an orphan's end lies: a duplicate");
    is_int(dup[12], 0, "the orphan is never one");
    ok(dup[16] && dup[18] && !dup[15] && !dup[17], "mates on two references: the later tile/x/y is the duplicate");
    is_int(dup[14], 0, "unmapped records are never duplicates");

    size_t n;
    const uint64_t *d = g5_dupsig_dups(ds, &n);
    int sorted = 1;
    for (size_t i = 1; i < n; i++) sorted &= (d[i - 1] >> 1) < (d[i] >> 1);
    ok(sorted && n == 12, "the duplicates: 12 records, ids in increasing order");
    is_int(g5_dupsig_metrics(ds, 0)->optical, 2, "two optical duplicate pairs counted (b, x2)");

    mark_by_name(b, byname);
    ok(memcmp(dup, byname, sizeof dup) == 0, "name-grouped input (coordinate key + ordinal) marks the same records");

    // After resolve the collection takes no more.
    g5_dupsig_end_t e;
    g5_dupsig_end(&e, b[0], 0, 0, 0, 99);
    errno = 0;
    ok(g5_dupsig_add_frag(ds, &e, 0) < 0 && errno == EINVAL, "no adding after resolve");
    g5_dupsig_destroy(ds);
    for (size_t i = 0; i < NREC; i++) bam_destroy1(b[i]);
}

static void test_budget(void)
{
    g5_dupsig_t *ds = g5_dupsig_init(100);
    int lib = g5_dupsig_library(ds, "lib");
    bam1_t *b = rec(lines[4]);
    g5_dupsig_end_t e;
    g5_dupsig_end(&e, b, (uint16_t)lib, 0, 0, 0);
    g5_dupsig_set_budget(ds, g5_dupsig_memory(ds) + 100 * 40);
    int r = 0;
    size_t added = 0;
    for (; added < 1000 && (r = g5_dupsig_add_frag(ds, &e, 0)) == 0; added++) e.id++;
    ok(r < 0 && errno == ENOBUFS, "past the budget: ENOBUFS");
    ok(added >= 99 && added <= 100, "after what the budget holds (%zu fragments)", added);
    ok(g5_dupsig_memory(ds) >= added * 40, "what is held is reported (%zu bytes)", g5_dupsig_memory(ds));
    g5_dupsig_set_budget(ds, 0);
    ok(g5_dupsig_add_frag(ds, &e, 0) == 0, "no budget, no limit");
    bam_destroy1(b);
    g5_dupsig_destroy(ds);
}

static void test_metrics(void)
{
    g5_dupsig_t *ds = g5_dupsig_init(100);
    sam_hdr_t *h = sam_hdr_parse(strlen("@RG\tID:x\tLB:L2\n@RG\tID:y\n@RG\tID:z\tLB:L1\n"),
                                 "@RG\tID:x\tLB:L2\n@RG\tID:y\n@RG\tID:z\tLB:L1\n");
    int no_lb = -1;
    is_int(g5_dupsig_read_groups(ds, h, &no_lb), 0, "read groups learnt");
    is_int(no_lb, 1, "one without LB");
    is_int(g5_dupsig_n_libraries(ds), 3, "libraries: L2, Unknown Library, L1");
    bam1_t *b = rec("r|0|c1|1|60|10M|*|0|0|AAAAAAAAAA|IIIIIIIIII|RG:Z:z");
    uint16_t lib;
    int16_t rg;
    g5_dupsig_record_group(ds, b, &lib, &rg);
    ok(strcmp(g5_dupsig_metrics(ds, lib)->library, "L1") == 0 && rg == 2, "RG z: library L1, read group 2");
    bam_destroy1(b);
    b = rec("r|0|c1|1|60|10M|*|0|0|AAAAAAAAAA|IIIIIIIIII");
    g5_dupsig_record_group(ds, b, &lib, &rg);
    ok(strcmp(g5_dupsig_metrics(ds, lib)->library, "Unknown Library") == 0 && rg == 0, "no RG: Unknown Library, read group 0");
    g5_dupsig_count(ds, lib, &b->core, 1);
    g5_dupsig_resolve(ds, 0);

    char *text = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&text, &n);
    const char *head[] = { "g5 test" };
    is_int(g5_dupsig_write_metrics(fp, ds, head, 1), 0, "metrics written");
    fclose(fp);
    is_str(text,
           "## htsjdk.samtools.metrics.StringHeader\n# g5 test\n\n"
           "## METRICS CLASS\tpicard.sam.DuplicationMetrics\n"
           "LIBRARY\tUNPAIRED_READS_EXAMINED\tREAD_PAIRS_EXAMINED\tSECONDARY_OR_SUPPLEMENTARY_RDS\t"
           "UNMAPPED_READS\tUNPAIRED_READ_DUPLICATES\tREAD_PAIR_DUPLICATES\tREAD_PAIR_OPTICAL_DUPLICATES\t"
           "PERCENT_DUPLICATION\tESTIMATED_LIBRARY_SIZE\n"
           "L1\t0\t0\t0\t0\t0\t0\t0\t0\t\n"
           "L2\t0\t0\t0\t0\t0\t0\t0\t0\t\n"
           "Unknown Library\t1\t0\t0\t0\t1\t0\t0\t1\t\n\n\n",
           "metrics: libraries by name, empty estimate, no histogram");
    free(text);
    bam_destroy1(b);
    sam_hdr_destroy(h);
    g5_dupsig_destroy(ds);
}

/* Many pairs on few places (duplicate sets of all sizes, optical ones
 * among them): resolved with a thread, which splits the pairs and sorts the
 * halves side by side, they give the duplicates found without it. */
static g5_dupsig_t *resolve_many(int threads)
{
    g5_dupsig_t *ds = g5_dupsig_init(G5_DUPSIG_OPTICAL_DISTANCE);
    int lib = g5_dupsig_library(ds, "lib");
    bam1_t *b = bam_init1();
    uint32_t x = 12345, cigar = bam_cigar_gen(10, BAM_CMATCH);
    for (uint64_t i = 0; i < 20000; i++) {
        g5_dupsig_end_t e[2];
        for (int k = 0; k < 2; k++) {
            x = x * 1664525u + 1013904223u;
            char name[64];
            snprintf(name, sizeof name, "p%llu:1:FC:1:%u:%u:%u", (unsigned long long)i, 1101 + (x >> 30),
                     (x >> 8) % 300, (x >> 17) % 300);
            uint16_t flag = BAM_FPAIRED | (k ? BAM_FREAD2 | BAM_FREVERSE : BAM_FREAD1 | BAM_FMREVERSE);
            hts_pos_t pos = (x >> 12) % 200, mpos = (x >> 20) % 200;
            bam_set1(b, strlen(name), name, flag, 0, k ? mpos : pos, 60, 1, &cigar, 0, k ? pos : mpos, 0, 10,
                     "ACGTACGTAC", "IIIIIIIII5" + (x >> 24) % 2, 0);
            g5_dupsig_end(&e[k], b, (uint16_t)lib, 0, g5_order_coord_key(b), 2 * i + (uint64_t)k);
            g5_dupsig_add_frag(ds, &e[k], 1);
        }
        g5_dupsig_add_pair(ds, &e[0], &e[1]);
    }
    bam_destroy1(b);
    g5_dupsig_resolve(ds, threads);
    return ds;
}

static void test_resolve_threads(void)
{
    size_t n0, n1;
    g5_dupsig_t *ds0 = resolve_many(0), *ds1 = resolve_many(1);
    const uint64_t *d0 = g5_dupsig_dups(ds0, &n0), *d1 = g5_dupsig_dups(ds1, &n1);
    ok(n0 > 1000, "many duplicates among 20000 pairs on 200 x 200 places (%zu)", n0);
    ok(n0 == n1 && memcmp(d0, d1, n0 * sizeof *d0) == 0, "the same duplicates (and optical flags) with the pairs sorted in two halves");
    g5_dupsig_destroy(ds0);
    g5_dupsig_destroy(ds1);
}

int main(void)
{
    hdr = sam_hdr_parse(strlen("@SQ\tSN:c1\tLN:10000\n@SQ\tSN:c2\tLN:10000\n"),
                        "@SQ\tSN:c1\tLN:10000\n@SQ\tSN:c2\tLN:10000\n");
    test_unclipped();
    test_score();
    test_names();
    test_library_size();
    test_format();
    test_resolve();
    test_resolve_threads();
    test_budget();
    test_metrics();
    sam_hdr_destroy(hdr);
    return tap_done();
}
