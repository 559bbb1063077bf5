/* t_depth.c -- the streaming depth counter against depths worked out by hand
 * and against a brute-force per-base array on random records: CIGAR
 * semantics, mate overlaps counted once, fast mode, ends beyond the ring,
 * records past the contig's end, runs that tile the contig, and waiting
 * mates that are dropped when their partner can no longer come.  The
 * comparison with mosdepth on whole files is in tests/coverage.t. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "samline.h"
#include "depth.h"

static sam_hdr_t *hdr;

/* A sink that paints the runs into a per-base array and checks that they
 * tile the contig with maximal runs. */
typedef struct paint {
    int32_t *depth;
    hts_pos_t len, next;
    int32_t last;
    int bad_tiling, bad_merge, calls;
} paint_t;

static int paint_run(void *ctx, hts_pos_t beg, hts_pos_t end, int32_t d)
{
    paint_t *p = ctx;
    if (beg != p->next || end <= beg || end > p->len) p->bad_tiling++;
    if (p->calls && d == p->last) p->bad_merge++;
    for (hts_pos_t i = beg; i < end && i < p->len; i++) p->depth[i] = d;
    p->next = end;
    p->last = d;
    p->calls++;
    return 0;
}

static void paint_init(paint_t *p, hts_pos_t len)
{
    memset(p, 0, sizeof *p);
    p->len = len;
    p->depth = calloc(len, sizeof *p->depth);
    for (hts_pos_t i = 0; i < len; i++) p->depth[i] = -1;
}

/* Count SAM lines (tabs written as '|') on contig c1 and paint the result. */
static void run_lines(paint_t *p, int fast, hts_pos_t len, const char *const *lines)
{
    paint_init(p, len);
    g5_depth_t *d = g5_depth_init(fast, paint_run, p);
    bam1_t *b = bam_init1();
    g5_depth_begin(d, len);
    for (int i = 0; lines[i]; i++) g5_depth_add(d, samline(hdr, b, lines[i]));
    g5_depth_end(d);
    ok(p->bad_tiling == 0 && p->next == len, "runs tile the contig");
    ok(p->bad_merge == 0, "adjacent runs differ in depth");
    bam_destroy1(b);
    g5_depth_destroy(d);
}

/* Depth over [from, to) as a string of digits, for readable expectations. */
static char *span(const paint_t *p, hts_pos_t from, hts_pos_t to)
{
    static char buf[256];
    hts_pos_t n = 0;
    for (hts_pos_t i = from; i < to && n < 255; i++) buf[n++] = (char)('0' + p->depth[i]);
    buf[n] = '\0';
    return buf;
}

static void test_cigar(void)
{
    static const char *const lines[] = {
        "a|0|c1|3|60|4M2D3M|*|0|0|*|*",        // [2,6) and [8,11): deletion not counted
        "b|0|c1|3|60|2S3M2I3M|*|0|0|*|*",      // [2,8): one block across the insertion
        "c|0|c1|12|60|2M3N2M|*|0|0|*|*",       // [11,13) and [16,18): skip not counted
        NULL
    };
    paint_t p;
    run_lines(&p, 0, 20, lines);
    is_str(span(&p, 0, 20), "00222211111110001100", "M/=/X count; D and N do not; I joins");
    free(p.depth);
    run_lines(&p, 1, 20, lines);
    is_str(span(&p, 0, 20), "00222222111111111100", "fast mode: start to end, D and N included");
    free(p.depth);
}

static void test_mates(void)
{
    static const char *const overlap[] = {
        "p|99|c1|3|60|6M|=|6|9|*|*",           // [2,8)
        "q|99|c1|4|60|3M1D3M|=|6|8|*|*",       // [3,6) [7,10)
        "p|147|c1|6|60|6M|=|3|-9|*|*",         // [5,11): overlap [5,8) counted once
        "q|147|c1|6|60|5M|=|4|-8|*|*",         // [5,10): overlap [5,6) [7,10)
        NULL
    };
    paint_t p;
    run_lines(&p, 0, 14, overlap);
    is_str(span(&p, 0, 14), "00122222221000", "overlapping mates count once, also across a deletion");
    free(p.depth);

    static const char *const contained[] = {
        "r|99|c1|2|60|10M|=|4|10|*|*",         // [1,11)
        "r|147|c1|4|60|4M|=|2|-10|*|*",        // [3,7), inside its mate
        NULL
    };
    run_lines(&p, 0, 14, contained);
    is_str(span(&p, 0, 14), "01111111111000", "a mate inside its mate: exactly the overlap is removed");
    free(p.depth);

    static const char *const improper[] = {
        "s|97|c1|3|60|6M|=|6|9|*|*",           // paired, not proper: no correction
        "t|2147|c1|3|60|6M|=|3|6|*|*",         // supplementary: no correction
        "s|145|c1|6|60|6M|=|3|-9|*|*",
        NULL
    };
    run_lines(&p, 0, 14, improper);
    is_str(span(&p, 0, 14), "00222333111000", "only proper, primary pairs are corrected");
    free(p.depth);

    run_lines(&p, 1, 14, overlap);
    is_str(span(&p, 0, 14), "00122444331000", "fast mode corrects nothing");
    free(p.depth);

    static const char *const same_start[] = {
        "u|99|c1|3|60|5M|=|3|5|*|*",
        "u|147|c1|3|60|5M|=|3|-5|*|*",         // same start: the first waits, the second pairs
        NULL
    };
    run_lines(&p, 0, 10, same_start);
    is_str(span(&p, 0, 10), "0011111000", "mates at the same position count once");
    free(p.depth);
}

static void test_edges(void)
{
    static const char *const past_end[] = {
        "a|0|c1|8|60|6M|*|0|0|*|*",            // runs past the end of a 10-base contig
        "b|0|c1|10|60|3M|*|0|0|*|*",
        NULL
    };
    paint_t p;
    run_lines(&p, 0, 10, past_end);
    is_str(span(&p, 0, 10), "0000000112", "parts past the contig's end are ignored");
    free(p.depth);

    static const char *const none[] = { NULL };
    run_lines(&p, 0, 7, none);
    is_str(span(&p, 0, 7), "0000000", "a contig without records is one run of 0");
    is_int(p.calls, 1, "... in one call");
    free(p.depth);

    // A skip longer than the ring: its end waits in the heap.
    static const char *const far[] = {
        "a|0|c1|11|60|5M400000N5M|*|0|0|*|*",  // [10,15) [400015,400020)
        "b|0|c1|300001|60|10M|*|0|0|*|*",      // [300000,300010)
        "c|0|c1|400018|60|4M|*|0|0|*|*",       // [400017,400021)
        NULL
    };
    run_lines(&p, 0, 500000, far);
    is_str(span(&p, 8, 17), "001111100", "a long skip: the first block");
    is_str(span(&p, 299998, 300012), "00111111111100", "a record inside the skip");
    is_str(span(&p, 400013, 400023), "0011222100", "the block after the skip, met by a later record");
    free(p.depth);
}

/* Random records against a brute-force count (no pairs): depth painted
 * base by base must equal adding +1 over every aligned base. */
static void test_random(int fast)
{
    const hts_pos_t len = 1500000;
    int32_t *want = calloc(len, sizeof *want);
    paint_t p;
    paint_init(&p, len);
    g5_depth_t *d = g5_depth_init(fast, paint_run, &p);
    g5_depth_begin(d, len);
    bam1_t *b = bam_init1();
    unsigned seed = fast ? 7 : 11;
    hts_pos_t pos = 0;
    char line[512];
    for (int i = 0; i < 20000; i++) {
        pos += rand_r(&seed) % 120;
        if (pos >= len - 10) break;
        // up to 4 operations among M, I, D, N, S, with now and then a huge N
        char cigar[128] = "";
        int n = 1 + rand_r(&seed) % 4, lead_s = rand_r(&seed) % 3 == 0;
        if (lead_s) strcat(cigar, "3S");
        for (int k = 0; k < n; k++) {
            char op[24];
            int r = rand_r(&seed) % 10;
            int l = 1 + rand_r(&seed) % 60;
            if (k == 0 || k == n - 1 || r < 5) snprintf(op, sizeof op, "%dM", l);
            else if (r < 7) snprintf(op, sizeof op, "%dI", l % 5 + 1);
            else if (r < 8) snprintf(op, sizeof op, "%dD", l % 7 + 1);
            else snprintf(op, sizeof op, "%dN", rand_r(&seed) % 50 == 0 ? 300000 + l : l * 10);
            strcat(cigar, op);
        }
        snprintf(line, sizeof line, "r%d|0|c1|%lld|60|%s|*|0|0|*|*", i, (long long)pos + 1, cigar);
        samline(hdr, b, line);
        g5_depth_add(d, b);
        // the brute force
        hts_pos_t at = b->core.pos;
        const uint32_t *c = bam_get_cigar(b);
        if (fast) {
            for (hts_pos_t x = at; x < bam_endpos(b) && x < len; x++) want[x]++;
            continue;
        }
        for (uint32_t k = 0; k < b->core.n_cigar; k++) {
            int type = bam_cigar_type(bam_cigar_op(c[k]));
            hts_pos_t l = bam_cigar_oplen(c[k]);
            if ((type & 3) == 3)
                for (hts_pos_t x = at; x < at + l && x < len; x++) want[x]++;
            if (type & 2) at += l;
        }
    }
    g5_depth_end(d);
    hts_pos_t bad = 0;
    for (hts_pos_t i = 0; i < len; i++) bad += p.depth[i] != want[i];
    is_int((int)bad, 0, "%s: 20000 random records, every base as brute force counts it",
           fast ? "fast mode" : "CIGAR mode");
    ok(p.bad_tiling == 0 && p.bad_merge == 0, "... in maximal runs tiling the contig");
    bam_destroy1(b);
    g5_depth_destroy(d);
    free(p.depth);
    free(want);
}

/* First mates whose partner never comes (filtered out) must not pile up. */
static void test_waiting_bounded(void)
{
    paint_t p;
    paint_init(&p, 3000000);
    g5_depth_t *d = g5_depth_init(0, paint_run, &p);
    g5_depth_begin(d, 3000000);
    bam1_t *b = bam_init1();
    char line[256];
    size_t most = 0;
    for (int i = 0; i < 200000; i++) {
        snprintf(line, sizeof line, "lonely%d|99|c1|%d|60|100M|=|%d|150|*|*", i, 10 * i + 1, 10 * i + 51);
        g5_depth_add(d, samline(hdr, b, line));
        size_t n = g5_depth_bytes(d);
        if (n > most) most = n;
    }
    g5_depth_end(d);
    ok(most < ((size_t)4 << 20), "200000 mates that never pair: at most %zu bytes held", most);
    bam_destroy1(b);
    g5_depth_destroy(d);
    free(p.depth);
}

int main(void)
{
    kstring_t text = { 0, 0, NULL };
    kputs("@SQ\tSN:c1\tLN:3000000\n", &text);
    hdr = sam_hdr_parse(text.l, text.s);
    free(text.s);

    test_cigar();
    test_mates();
    test_edges();
    test_random(0);
    test_random(1);
    test_waiting_bounded();

    sam_hdr_destroy(hdr);
    return tap_done();
}
