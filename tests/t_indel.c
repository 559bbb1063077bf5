/* t_indel.c -- reads realigned to the reference and to indel haplotypes:
 * a read carrying a deletion or an insertion fits its haplotype, a
 * reference read the reference, whichever way its CIGAR placed the gap; a
 * read's preference is capped by its mapping quality; candidates are kept
 * by read count and ordered.  Accuracy on simulated data is in
 * tests/call.t. */
#include <string.h>

#include "tap.h"
#include "samline.h"
#include "indel.h"

static sam_hdr_t *hdr;
/* 60 bases, no short repeats around position 30 */
static const char REF[] = "ACGTTGCATGACCTAGGCTTACGATCGGATCCATGCAGTTCAGGCTAACGTAGCTGACTA";

static void lk_of(const char *line, const g5_indel_t *c, int nc, double *lk)
{
    bam1_t *b = samline(hdr, NULL, line);
    g5_indel_buf_t buf = { 0 };
    ok(g5_indel_read_lk(REF, (hts_pos_t)strlen(REF), 29, c, nc, b, lk, &buf) == 0, "realigned: %.40s", line);
    g5_indel_buf_free(&buf);
    bam_destroy1(b);
}

int main(void)
{
    kstring_t text = { 0, 0, NULL };
    kputs("@SQ\tSN:c\tLN:60\n", &text);
    hdr = sam_hdr_parse(text.l, text.s);
    free(text.s);

    // deletion of REF[30..31] ("TC") after the anchor at 29
    g5_indel_t del = { 29, -2, "", 5 }, ins = { 29, 3, "GGG", 4 };
    char deleted[64], inserted[64];
    snprintf(deleted, sizeof deleted, "%.*s%s", 30, REF, REF + 32);      // the haplotype's bases
    snprintf(inserted, sizeof inserted, "%.*sGGG%s", 30, REF, REF + 30);
    char line[512];
    double lk[3];

    snprintf(line, sizeof line, "d|0|c|11|60|20M2D20M|*|0|0|%.40s|*", deleted + 10);
    g5_indel_t both[2] = { del, ins };
    lk_of(line, both, 2, lk);
    ok(lk[1] > lk[0] + 2 && lk[1] > lk[2] + 2, "a read with the deletion fits its haplotype (%.1f %.1f %.1f)", lk[0], lk[1], lk[2]);
    snprintf(line, sizeof line, "d|0|c|11|60|38M2S|*|0|0|%.40s|*", deleted + 10);
    lk_of(line, both, 2, lk);
    ok(lk[1] > lk[0] + 2, "... also when its CIGAR shows no gap, only a clip (%.1f %.1f)", lk[0], lk[1]);
    snprintf(line, sizeof line, "i|0|c|11|60|20M3I20M|*|0|0|%.43s|*", inserted + 10);
    lk_of(line, both, 2, lk);
    ok(lk[2] > lk[0] + 2 && lk[2] > lk[1] + 2, "a read with the insertion fits its haplotype (%.1f %.1f %.1f)", lk[0], lk[1], lk[2]);
    snprintf(line, sizeof line, "r|0|c|11|60|40M|*|0|0|%.40s|*", REF + 10);
    lk_of(line, both, 2, lk);
    ok(lk[0] > lk[1] + 2 && lk[0] > lk[2] + 2, "a reference read fits the reference (%.1f %.1f %.1f)", lk[0], lk[1], lk[2]);
    snprintf(line, sizeof line, "q|0|c|11|3|20M2D20M|*|0|0|%.40s|*", deleted + 10);
    lk_of(line, both, 2, lk);
    ok(lk[1] - lk[0] <= 0.3 + 1e-9 && lk[1] - lk[2] <= 0.3 + 1e-9, "MAPQ 3: no allele preferred by more than 0.3 (log10)");

    // candidates: by reads, then length, then bases; below min_reads dropped
    g5_indel_t anchored[3] = { { 29, 2, "AA", 2 }, { 29, -1, "", 7 }, { 29, 1, "C", 2 } };
    g5_plp_col_t col = { .pos = 29, .indels = anchored, .nindels = 3 };
    g5_indel_t out[3];
    int idx[3];
    int n = g5_indel_candidates(&col, 2, out, idx, 3);
    ok(n == 3 && out[0].len == -1 && out[1].len == 1 && out[2].len == 2, "candidates most reads first, then shortest");
    ok(idx[0] == 1 && idx[1] == 2 && idx[2] == 0, "with their ranks in the column");
    is_int(g5_indel_candidates(&col, 3, out, NULL, 3), 1, "min_reads 3 keeps one");
    is_int(g5_indel_candidates(&col, 1, out, NULL, 2), 2, "at most max");

    sam_hdr_destroy(hdr);
    return tap_done();
}
