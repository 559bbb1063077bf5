/* t_dupgroup.c -- duplicate marking of name-grouped records: labels,
 * pairs closed at the end of a group, followers sharing their template's
 * decision, and split templates counted. */
#include <string.h>

#include "tap.h"
#include "samline.h"
#include "dupgroup.h"

static sam_hdr_t *hdr;

#define MAXREC 32
static bam1_t *got[MAXREC];
static int ngot;

/* The emitter keeps a copy of every labelled record. */
static int keep(void *ctx, const bam1_t *b)
{
    (void)ctx;
    if (ngot == MAXREC) return -1;
    got[ngot] = bam_init1();
    return bam_copy1(got[ngot++], b) ? 0 : -1;
}

static int decide(g5_dupgroup_t *g, int i)
{
    return g5_dupgroup_decide(g, got[i]);
}

int main(void)
{
    const char *text = "@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:10000\n@RG\tID:rg1\tSM:s\tLB:lib1\n";
    hdr = sam_hdr_parse(strlen(text), text);
    const char *q30 = "IIIIIIIIII", *q10 = "++++++++++";
    char lines[16][256];
    int n = 0;
    // A: a pair with a supplementary alignment of read 1.
    snprintf(lines[n++], 256, "a:1:FC:1:1101:100:100|99|chr1|101|60|10M|=|301|210|ACGTACGTAC|%s|RG:Z:rg1", q30);
    snprintf(lines[n++], 256, "a:1:FC:1:1101:100:100|2145|chr1|801|60|10M|=|301|0|ACGTACGTAC|%s|RG:Z:rg1", q30);
    snprintf(lines[n++], 256, "a:1:FC:1:1101:100:100|147|chr1|301|60|10M|=|101|-210|ACGTACGTAC|%s|RG:Z:rg1", q30);
    // B: the same fragment, worse qualities, far away on the flow cell: a
    // duplicate of A, and its supplementary follows it.
    snprintf(lines[n++], 256, "b:1:FC:1:1102:9000:9000|99|chr1|101|60|10M|=|301|210|ACGTACGTAC|%s|RG:Z:rg1", q10);
    snprintf(lines[n++], 256, "b:1:FC:1:1102:9000:9000|147|chr1|301|60|10M|=|101|-210|ACGTACGTAC|%s|RG:Z:rg1", q10);
    snprintf(lines[n++], 256, "b:1:FC:1:1102:9000:9000|2145|chr1|901|60|10M|=|301|0|ACGTACGTAC|%s|RG:Z:rg1", q10);
    // C: read 1 mapped, read 2 unmapped: a fragment at a paired end's place
    // (A's read 1), so a duplicate; its unmapped mate never is.
    snprintf(lines[n++], 256, "c:1:FC:1:1103:50:50|73|chr1|101|60|10M|=|101|0|ACGTACGTAC|%s|RG:Z:rg1", q30);
    snprintf(lines[n++], 256, "c:1:FC:1:1103:50:50|133|chr1|101|0|*|=|101|0|ACGTACGTAC|%s|RG:Z:rg1", q30);
    // D: a paired read whose mate is not in its group.
    snprintf(lines[n++], 256, "d:1:FC:1:1104:50:50|99|chr1|2001|60|10M|=|2201|210|ACGTACGTAC|%s|RG:Z:rg1", q30);

    int no_lb = -1;
    g5_dupgroup_t *g = g5_dupgroup_init(hdr, 100, &no_lb);
    ok(g != NULL, "a marker for the header");
    is_int(no_lb, 0, "every read group has LB");
    bam1_t *b = bam_init1();
    int fails = 0;
    for (int i = 0; i < n; i++) fails += g5_dupgroup_add(g, samline(hdr, b, lines[i]), keep, NULL) < 0;
    is_int(fails, 0, "every record taken");
    is_int(g5_dupgroup_flush(g), 0, "the last group closed");
    is_int(ngot, n, "every record emitted, in input order");
    ok(got[0]->id == 0 && got[2]->id == 2 && got[3]->id == 3, "primary records are labelled with their input ordinal");
    ok(got[1]->id != 1 && got[5]->id != 5, "secondary and supplementary records point at their template");
    is_int(g5_dupgroup_split(g), 1, "one paired read without its mate in the group");
    ok(g5_dupgroup_memory(g) > 0, "memory is accounted");

    is_int(g5_dupgroup_resolve(g, 0), 0, "resolved");
    int st[16];
    for (int i = 0; i < n; i++) st[i] = decide(g, i);
    ok(!st[0] && !st[1] && !st[2], "A, the better pair, and its supplementary: kept");
    ok(st[3] && st[4], "B's reads: duplicates");
    ok(st[5] == (G5_DUP), "B's supplementary: a duplicate with its template, not optical");
    ok(st[6] & G5_DUP, "C's mapped read at a paired end's place: a duplicate");
    is_int(st[7], 0, "C's unmapped mate: never a duplicate");
    is_int(st[8], 0, "D, alone at its place: kept");

    const g5_dupmetrics_t *m = g5_dupsig_metrics(g5_dupgroup_sig(g), 0);
    ok(m && strcmp(m->library, "lib1") == 0, "metrics of lib1");
    if (m) {
        is_int(m->paired, 5, "READ_PAIRS_EXAMINED counts 5 records (4 paired of A and B, D)");
        is_int(m->paired_dups, 2, "READ_PAIR_DUPLICATES counts B's 2 records");
        is_int(m->unpaired_dups, 1, "UNPAIRED_READ_DUPLICATES counts C");
        is_int(m->secondary, 2, "two supplementary records examined");
        is_int(m->unmapped, 1, "one unmapped read");
    }

    for (int i = 0; i < ngot; i++) bam_destroy1(got[i]);
    bam_destroy1(b);
    g5_dupgroup_destroy(g);
    sam_hdr_destroy(hdr);
    return tap_done();
}
