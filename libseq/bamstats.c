/*
 * bamstats.c -- flagstat and samtools-stats SN numbers from a record stream.
 * See bamstats.h for the design; this file explains the arithmetic.
 *
 * Two sets of rules live side by side because the two peers disagree on
 * which records count:
 *
 *   flagstat   counts every record, split by the QC-fail flag, with
 *              "primary" meaning neither secondary nor supplementary;
 *   stats (SN) drops secondary records first (only counting them), then
 *              records without a sequence, and computes most read-level
 *              numbers from "original" records only (not supplementary),
 *              so that a chimeric read is not counted twice.  The CIGAR
 *              base count, mismatches, duplicates, maximum lengths and
 *              sortedness do include supplementary records.
 *
 * Where samtools computes in float rather than double (the error rate,
 * the fragment-length averages, the properly-paired percentage and the
 * flagstat percentages) we do the same, because the printed digits differ
 * often enough to break a byte-for-byte comparison.
 */
#include "bamstats.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts.h>

#include "out.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* "No mapped record seen yet" for first_tid (real tids are >= -1). */
#define NO_TID INT32_MIN

void g5_bamstats_init(g5_bamstats_t *s)
{
    memset(s, 0, sizeof *s);
    s->sorted = 1;
    s->first_tid = NO_TID;
    s->first_pos = -1;
    // samtools starts from "reference -1", so the first mapped record can
    // never look out of order.
    s->last_tid = -1;
    s->last_pos = -1;
}

void g5_bamstats_destroy(g5_bamstats_t *s)
{
    if (!s) return;
    free(s->isize);
    s->isize = NULL;
    s->isize_n = 0;
}

/* Make room for insert size @p bin.  The histogram grows by doubling so a
 * stream of ordinary libraries (a few hundred bases) never holds the full
 * 8000 bins per read group. */
static int isize_reserve(g5_bamstats_t *s, int32_t bin)
{
    if (bin < s->isize_n) return 0;
    int32_t n = s->isize_n ? s->isize_n : 256;
    while (n <= bin) n *= 2;
    if (n > G5_BAMSTATS_ISIZE_MAX + 1) n = G5_BAMSTATS_ISIZE_MAX + 1;
    uint64_t *h = realloc(s->isize, (size_t)n * 3 * sizeof *h);
    if (!h) {
        errno = ENOMEM;
        return -1;
    }
    memset(h + (size_t)s->isize_n * 3, 0, (size_t)(n - s->isize_n) * 3 * sizeof *h);
    s->isize = h;
    s->isize_n = n;
    return 0;
}

void g5_flagstat_add(g5_flagstat_t *f, const bam1_core_t *c)
{
    const uint16_t fl = c->flag;
    const int w = (fl & BAM_FQCFAIL) != 0;

    f->total[w]++;
    if (fl & BAM_FSECONDARY) {
        f->secondary[w]++;
    } else if (fl & BAM_FSUPPLEMENTARY) {
        f->supplementary[w]++;
    } else {
        f->primary[w]++;
        if (fl & BAM_FPAIRED) {
            f->paired[w]++;
            if (fl & BAM_FREAD1) f->read1[w]++;
            if (fl & BAM_FREAD2) f->read2[w]++;
            if (!(fl & BAM_FUNMAP)) {
                if (fl & BAM_FPROPER_PAIR) f->proper[w]++;
                if (fl & BAM_FMUNMAP) {
                    f->singletons[w]++;
                } else {
                    f->both_mapped[w]++;
                    if (c->mtid != c->tid) {
                        f->diff_chr[w]++;
                        if (c->qual >= 5) f->diff_chr_q5[w]++;
                    }
                }
            }
        }
        if (!(fl & BAM_FUNMAP)) f->primary_mapped[w]++;
        if (fl & BAM_FDUP) f->primary_dup[w]++;
    }
    if (!(fl & BAM_FUNMAP)) f->mapped[w]++;
    if (fl & BAM_FDUP) f->dup[w]++;
}

/* Sum of @p n bytes.  This runs over every base quality of the file, so it
 * adds eight bytes per step in 16-bit lanes (SWAR) rather than one: plain
 * C that every compiler makes fast at -O2, no intrinsics.  A lane gains at
 * most 2 * 255 per step, so 128 steps fit in 16 bits before folding. */
static uint64_t sum_bytes(const uint8_t *p, size_t n)
{
    uint64_t total = 0;
#ifdef __SSE2__
    // psadbw against zero adds 8 bytes into each 64-bit half: 16 quality
    // values per instruction, and every x86-64 has it.
    const __m128i zero = _mm_setzero_si128();
    __m128i acc = zero;
    for (; n >= 16; n -= 16, p += 16)
        acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_loadu_si128((const __m128i *)p), zero));
    total = (uint64_t)_mm_cvtsi128_si64(acc) + (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc));
#endif
    while (n--) total += *p++;
    return total;
}

/* Read-level numbers, counted once per read: original records only. */
static void original_add(g5_bamstats_t *s, const bam1_t *b, uint16_t order)
{
    const bam1_core_t *c = &b->core;
    const uint16_t fl = c->flag;
    const int64_t len = c->l_qseq;

    if (order == BAM_FREAD1) {
        s->n_first++;
        s->len_first += len;
    } else if (order == BAM_FREAD2) {
        s->n_last++;
        s->len_last += len;
    } else {
        s->n_other++;
    }
    s->len_total += len;
    if (fl & BAM_FQCFAIL) s->n_qcfail++;
    if (fl & BAM_FPAIRED) s->n_paired++;

    // samtools sums qualities into its first- and last-fragment tables
    // only, so the bases of "other" fragments are in the denominator of
    // "average quality" (total length) but not in the numerator.  A
    // missing QUAL ("*") is stored as 0xff bytes and adds up as 255s.
    if (order == BAM_FREAD1 || order == BAM_FREAD2)
        s->qual_sum += sum_bytes(bam_get_qual(b), (size_t)len);

    if (fl & BAM_FUNMAP) {
        s->n_unmapped++;
        return;
    }
    s->bases_mapped += len;
    if (c->qual == 0) s->n_mq0++;
    if ((fl & BAM_FPAIRED) && !(fl & BAM_FMUNMAP)) {
        s->n_paired_mapped++;
        if (fl & BAM_FPROPER_PAIR) s->n_proper++;
        if (c->tid != c->mtid) s->n_diff_chr++;
    } else {
        s->n_single_mapped++;
    }
}

int g5_bamstats_add(g5_bamstats_t *s, const bam1_t *b)
{
    const bam1_core_t *c = &b->core;
    const uint16_t fl = c->flag;

    // The insert-size bin is worked out first: growing the histogram is
    // the one thing that can fail, and a failure must leave nothing
    // half-counted.  Only original records of pairs with both mates mapped
    // count.  Like samtools, truncate TLEN to 32 bits, fold the sign and
    // put the long tail in the last bin; mates on another reference
    // (TLEN 0) are not counted.
    int32_t bin = -1;
    if (!(fl & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY | BAM_FUNMAP | BAM_FMUNMAP))
        && (fl & BAM_FPAIRED) && c->l_qseq > 0) {
        int64_t t = (int32_t)c->isize;
        if (t < 0) t = -t;
        if (t > G5_BAMSTATS_ISIZE_MAX) t = G5_BAMSTATS_ISIZE_MAX;
        if (t > 0 || c->tid == c->mtid) {
            bin = (int32_t)t;
            if (isize_reserve(s, bin) < 0) return -1;
        }
    }

    g5_flagstat_add(&s->fs, c);

    if (fl & BAM_FSECONDARY) {
        s->n_secondary++;
        return 0;
    }
    if (fl & BAM_FSUPPLEMENTARY) s->n_supplementary++;
    const int64_t len = c->l_qseq;
    if (len == 0) return 0;     // SEQ "*": samtools stats skips the rest

    if (fl & BAM_FDUP) {
        s->n_dup++;
        s->len_dup += len;
    }
    // One walk over the CIGAR: hard clips give the length of the read as
    // sequenced, M/I/=/X the "bases mapped (cigar)".
    const uint32_t *cigar = bam_get_cigar(b);
    int64_t hard = 0, aligned = 0;
    for (uint32_t i = 0; i < c->n_cigar; i++) {
        const int op = bam_cigar_op(cigar[i]);
        const int64_t n = bam_cigar_oplen(cigar[i]);
        if (op == BAM_CHARD_CLIP) hard += n;
        else if (op == BAM_CMATCH || op == BAM_CINS || op == BAM_CEQUAL || op == BAM_CDIFF)
            aligned += n;
    }
    // Fragment order: an unpaired read is a first fragment whatever its
    // READ1/READ2 bits say; a paired one needs exactly one of them.  The
    // maximum lengths see supplementary records too.
    const uint16_t order = (fl & BAM_FPAIRED) ? fl & (BAM_FREAD1 | BAM_FREAD2) : BAM_FREAD1;
    const int64_t full_len = len + hard;
    if (full_len > s->max_len) s->max_len = full_len;
    if (order == BAM_FREAD1 && full_len > s->max_len_first) s->max_len_first = full_len;
    if (order == BAM_FREAD2 && full_len > s->max_len_last) s->max_len_last = full_len;

    if (!(fl & BAM_FSUPPLEMENTARY)) original_add(s, b, order);

    if (fl & BAM_FUNMAP) return 0;

    if (bin >= 0) {
        // Orientation of the pair, seen from this mate.  Mates on the same
        // strand are "other"; otherwise the pair points inward when the
        // leftmost mate is the forward one.  When both start at the same
        // place, samtools takes READ1 to be the leftmost.
        const int rev = (fl & BAM_FREVERSE) != 0;
        const int mrev = (fl & BAM_FMREVERSE) != 0;
        const int64_t d = c->mpos - c->pos;
        const int leftmost = d > 0 || (d == 0 && (fl & BAM_FREAD1));
        if (rev == mrev) s->isize[3 * bin + 2]++;
        else s->isize[3 * bin + (leftmost == !rev ? 0 : 1)]++;
    }

    const uint8_t *nm = bam_aux_get(b, "NM");
    if (nm) s->mismatches += (uint64_t)bam_aux2i(nm);
    s->bases_cigar += (uint64_t)aligned;

    if (c->tid == s->last_tid && c->pos < s->last_pos) s->sorted = 0;
    if (s->first_tid == NO_TID) {
        s->first_tid = c->tid;
        s->first_pos = c->pos;
    }
    s->last_tid = c->tid;
    s->last_pos = c->pos;
    return 0;
}

int g5_bamstats_merge(g5_bamstats_t *dst, const g5_bamstats_t *src)
{
    if (src->isize_n > 0 && isize_reserve(dst, src->isize_n - 1) < 0) return -1;
    for (int32_t i = 0; i < 3 * src->isize_n; i++) dst->isize[i] += src->isize[i];

#define ADD(f) dst->f += src->f
#define ADD2(f) (dst->fs.f[0] += src->fs.f[0], dst->fs.f[1] += src->fs.f[1])
    ADD2(total); ADD2(primary); ADD2(secondary); ADD2(supplementary);
    ADD2(dup); ADD2(primary_dup); ADD2(mapped); ADD2(primary_mapped);
    ADD2(paired); ADD2(read1); ADD2(read2); ADD2(proper);
    ADD2(both_mapped); ADD2(singletons); ADD2(diff_chr); ADD2(diff_chr_q5);
    ADD(n_first); ADD(n_last); ADD(n_other); ADD(n_secondary);
    ADD(n_supplementary); ADD(n_dup); ADD(n_unmapped); ADD(n_single_mapped);
    ADD(n_paired_mapped); ADD(n_proper); ADD(n_paired); ADD(n_diff_chr);
    ADD(n_mq0); ADD(n_qcfail); ADD(len_total); ADD(len_first);
    ADD(len_last); ADD(len_dup); ADD(bases_mapped); ADD(bases_cigar);
    ADD(mismatches); ADD(qual_sum);
#undef ADD
#undef ADD2

    if (src->max_len > dst->max_len) dst->max_len = src->max_len;
    if (src->max_len_first > dst->max_len_first) dst->max_len_first = src->max_len_first;
    if (src->max_len_last > dst->max_len_last) dst->max_len_last = src->max_len_last;

    if (src->first_tid != NO_TID) {
        if (!src->sorted
            || (src->first_tid == dst->last_tid && src->first_pos < dst->last_pos))
            dst->sorted = 0;
        if (dst->first_tid == NO_TID) {
            dst->first_tid = src->first_tid;
            dst->first_pos = src->first_pos;
        }
        dst->last_tid = src->last_tid;
        dst->last_pos = src->last_pos;
    }
    return 0;
}

void g5_bamstats_isize(const g5_bamstats_t *s, g5_bamstats_isize_t *out)
{
    memset(out, 0, sizeof *out);

    // Every pair was seen from both mates, so halve each bin (rounding
    // down, as samtools' integer bins do) before summing.
    uint64_t total = 0;
    for (int32_t i = 0; i < s->isize_n; i++) {
        const uint64_t *h = s->isize + 3 * i;
        out->inward += h[0] / 2;
        out->outward += h[1] / 2;
        out->other += h[2] / 2;
    }
    total = out->inward + out->outward + out->other;

    // The mean and SD cover the smallest sizes holding more than 99% of
    // the pairs; the threshold is samtools' float 0.99, not the double.
    // The mean includes size 0 while the SD loop starts at 1: samtools'
    // quirk, kept for identical output.
    const double bulk_limit = 0.99f;
    double bulk = 0, mean = 0, sd = 0;
    int32_t nbulk = 0;
    for (int32_t i = 0; i < s->isize_n; i++) {
        const uint64_t *h = s->isize + 3 * i;
        const uint64_t n = h[0] / 2 + h[1] / 2 + h[2] / 2;
        bulk += n;
        mean += (double)((uint64_t)i * n);
        if (bulk / total > bulk_limit) {
            nbulk = i + 1;
            total = (uint64_t)bulk;
            break;
        }
    }
    mean /= total ? total : 1;
    for (int32_t i = 1; i < nbulk; i++) {
        const uint64_t *h = s->isize + 3 * i;
        const uint64_t n = h[0] / 2 + h[1] / 2 + h[2] / 2;
        sd += (double)n * (i - mean) * (i - mean) / (total ? total : 1);
    }
    out->mean = mean;
    out->sd = sqrt(sd);
}

/* --- formatting ------------------------------------------------------ */

/* One row of the SN section: samtools' label and trailing comment, our
 * TSV key, and the value with the printf format samtools uses for it. */
enum sn_fmt { SN_U64, SN_E, SN_F0, SN_F1 };

typedef struct sn_row {
    const char *label;      /* "bases mapped (cigar)" */
    const char *key;        /* "bases_mapped_cigar" */
    const char *note;       /* "# more accurate", or NULL */
    enum sn_fmt fmt;
    uint64_t u;
    double d;
} sn_row_t;

#define SN_ROWS 39

static int sn_rows(const g5_bamstats_t *s, sn_row_t *r)
{
    const uint64_t nseq = s->n_first + s->n_last + s->n_other;
    g5_bamstats_isize_t is;
    g5_bamstats_isize(s, &is);

    // The float casts reproduce samtools' arithmetic (see the top comment);
    // "average length" is even an integer division.
    const float err = s->bases_cigar ? (float)s->mismatches / (float)s->bases_cigar : 0;
    const float avg_len = nseq ? (float)(s->len_total / nseq) : 0;
    const float avg_first = s->n_first ? (float)s->len_first / (float)s->n_first : 0;
    const float avg_last = s->n_last ? (float)s->len_last / (float)s->n_last : 0;
    const double avg_q = s->len_total ? (double)s->qual_sum / (double)s->len_total : 0;
    const float pct_proper = nseq ? (float)(100 * s->n_proper) / (float)nseq : 0;

    int n = 0;
#define U(L, K, N, V) r[n++] = (sn_row_t){ L, K, N, SN_U64, (uint64_t)(V), 0 }
#define D(L, K, F, V) r[n++] = (sn_row_t){ L, K, NULL, F, 0, (double)(V) }
    U("raw total sequences", "raw_total_sequences", "# excluding supplementary and secondary reads", nseq);
    U("filtered sequences", "filtered_sequences", NULL, 0);
    U("sequences", "sequences", NULL, nseq);
    U("is sorted", "is_sorted", NULL, s->sorted ? 1 : 0);
    U("1st fragments", "first_fragments", NULL, s->n_first);
    U("last fragments", "last_fragments", NULL, s->n_last);
    U("reads mapped", "reads_mapped", NULL, s->n_paired_mapped + s->n_single_mapped);
    U("reads mapped and paired", "reads_mapped_and_paired",
      "# paired-end technology bit set + both mates mapped", s->n_paired_mapped);
    U("reads unmapped", "reads_unmapped", NULL, s->n_unmapped);
    U("reads properly paired", "reads_properly_paired", "# proper-pair bit set", s->n_proper);
    U("reads paired", "reads_paired", "# paired-end technology bit set", s->n_paired);
    U("reads duplicated", "reads_duplicated", "# PCR or optical duplicate bit set", s->n_dup);
    U("reads MQ0", "reads_mq0", "# mapped and MQ=0", s->n_mq0);
    U("reads QC failed", "reads_qc_failed", NULL, s->n_qcfail);
    U("non-primary alignments", "non_primary_alignments", NULL, s->n_secondary);
    U("supplementary alignments", "supplementary_alignments", NULL, s->n_supplementary);
    U("total length", "total_length", "# ignores clipping", s->len_total);
    U("total first fragment length", "total_first_fragment_length", "# ignores clipping", s->len_first);
    U("total last fragment length", "total_last_fragment_length", "# ignores clipping", s->len_last);
    U("bases mapped", "bases_mapped", "# ignores clipping", s->bases_mapped);
    U("bases mapped (cigar)", "bases_mapped_cigar", "# more accurate", s->bases_cigar);
    U("bases trimmed", "bases_trimmed", NULL, 0);
    U("bases duplicated", "bases_duplicated", NULL, s->len_dup);
    U("mismatches", "mismatches", "# from NM fields", s->mismatches);
    r[n++] = (sn_row_t){ "error rate", "error_rate", "# mismatches / bases mapped (cigar)", SN_E, 0, err };
    D("average length", "average_length", SN_F0, avg_len);
    D("average first fragment length", "average_first_fragment_length", SN_F0, avg_first);
    D("average last fragment length", "average_last_fragment_length", SN_F0, avg_last);
    U("maximum length", "maximum_length", NULL, s->max_len);
    U("maximum first fragment length", "maximum_first_fragment_length", NULL, s->max_len_first);
    U("maximum last fragment length", "maximum_last_fragment_length", NULL, s->max_len_last);
    D("average quality", "average_quality", SN_F1, avg_q);
    D("insert size average", "insert_size_average", SN_F1, is.mean);
    D("insert size standard deviation", "insert_size_standard_deviation", SN_F1, is.sd);
    U("inward oriented pairs", "inward_oriented_pairs", NULL, is.inward);
    U("outward oriented pairs", "outward_oriented_pairs", NULL, is.outward);
    U("pairs with other orientation", "pairs_with_other_orientation", NULL, is.other);
    U("pairs on different chromosomes", "pairs_on_different_chromosomes", NULL, s->n_diff_chr / 2);
    D("percentage of properly paired reads (%)", "percentage_of_properly_paired_reads", SN_F1, pct_proper);
#undef U
#undef D
    return n;
}

static int sn_value(FILE *fp, const sn_row_t *r)
{
    switch (r->fmt) {
    case SN_U64: return fprintf(fp, "%" PRIu64, r->u);
    case SN_E: return fprintf(fp, "%e", r->d);
    case SN_F0: return fprintf(fp, "%.0f", r->d);
    case SN_F1: return fprintf(fp, "%.1f", r->d);
    }
    return -1;
}

int g5_bamstats_write_sn(FILE *fp, const g5_bamstats_t *s)
{
    sn_row_t rows[SN_ROWS];
    int n = sn_rows(s, rows);
    for (int i = 0; i < n; i++) {
        if (fprintf(fp, "SN\t%s:\t", rows[i].label) < 0 || sn_value(fp, &rows[i]) < 0) return -1;
        if (rows[i].note && fprintf(fp, "\t%s", rows[i].note) < 0) return -1;
        if (putc('\n', fp) == EOF) return -1;
    }
    return ferror(fp) ? -1 : 0;
}

/* The flagstat lines, in samtools' order.  pct_of names the counter that
 * is the denominator of the percentage shown on that line, if any. */
typedef struct fs_line {
    const char *text;       /* "mapped": the words after "N + M " */
    const char *key;        /* TSV key */
    size_t off;             /* offset of the counter pair in g5_flagstat_t */
    long pct_of;            /* offset of the denominator, or -1 */
} fs_line_t;

#define FS(f) offsetof(g5_flagstat_t, f)
static const fs_line_t fs_lines[] = {
    { "in total (QC-passed reads + QC-failed reads)", "total", FS(total), -1 },
    { "primary", "primary", FS(primary), -1 },
    { "secondary", "secondary", FS(secondary), -1 },
    { "supplementary", "supplementary", FS(supplementary), -1 },
    { "duplicates", "duplicates", FS(dup), -1 },
    { "primary duplicates", "primary_duplicates", FS(primary_dup), -1 },
    { "mapped", "mapped", FS(mapped), FS(total) },
    { "primary mapped", "primary_mapped", FS(primary_mapped), FS(primary) },
    { "paired in sequencing", "paired_in_sequencing", FS(paired), -1 },
    { "read1", "read1", FS(read1), -1 },
    { "read2", "read2", FS(read2), -1 },
    { "properly paired", "properly_paired", FS(proper), FS(paired) },
    { "with itself and mate mapped", "with_itself_and_mate_mapped", FS(both_mapped), -1 },
    { "singletons", "singletons", FS(singletons), FS(paired) },
    { "with mate mapped to a different chr", "with_mate_mapped_to_a_different_chr", FS(diff_chr), -1 },
    { "with mate mapped to a different chr (mapQ>=5)", "with_mate_mapped_to_a_different_chr_mapq5",
      FS(diff_chr_q5), -1 },
};
#undef FS
#define FS_NLINES (sizeof fs_lines / sizeof fs_lines[0])

static const uint64_t *fs_pair(const g5_flagstat_t *f, size_t off)
{
    return (const uint64_t *)((const char *)f + off);
}

/* samtools divides in float and multiplies by 100 in double; the two
 * digits after the point are sensitive to that order. */
static void fs_percent(char *buf, size_t size, uint64_t n, uint64_t total, const char *na)
{
    if (total) snprintf(buf, size, "%.2f", (float)n / (float)total * 100.0);
    else snprintf(buf, size, "%s", na);
}

int g5_bamstats_write_flagstat(FILE *fp, const g5_bamstats_t *s, const char *prefix)
{
    char p0[32], p1[32];
    for (size_t i = 0; i < FS_NLINES; i++) {
        const fs_line_t *l = &fs_lines[i];
        const uint64_t *v = fs_pair(&s->fs, l->off);
        if (fprintf(fp, "%s%" PRIu64 " + %" PRIu64 " %s", prefix ? prefix : "", v[0], v[1], l->text) < 0)
            return -1;
        if (l->pct_of >= 0) {
            const uint64_t *t = fs_pair(&s->fs, (size_t)l->pct_of);
            fs_percent(p0, sizeof p0, v[0], t[0], "N/A");
            fs_percent(p1, sizeof p1, v[1], t[1], "N/A");
            // "N/A" has no percent sign; a number has one.
            if (fprintf(fp, " (%s%s : %s%s)", p0, t[0] ? "%" : "", p1, t[1] ? "%" : "") < 0)
                return -1;
        }
        if (putc('\n', fp) == EOF) return -1;
    }
    return ferror(fp) ? -1 : 0;
}

int g5_bamstats_write_tsv(FILE *fp, const g5_bamstats_t *s, const char *group)
{
    static const char *const qc[2] = { "passed", "failed" };
    char pct[32];
    for (size_t i = 0; i < FS_NLINES; i++) {
        const fs_line_t *l = &fs_lines[i];
        const uint64_t *v = fs_pair(&s->fs, l->off);
        for (int w = 0; w < 2; w++)
            if (fprintf(fp, "%s\tflagstat_%s_%s\t%" PRIu64 "\n", group, l->key, qc[w], v[w]) < 0)
                return -1;
        if (l->pct_of < 0) continue;
        const uint64_t *t = fs_pair(&s->fs, (size_t)l->pct_of);
        for (int w = 0; w < 2; w++) {
            fs_percent(pct, sizeof pct, v[w], t[w], "NA");
            if (fprintf(fp, "%s\tflagstat_%s_%s_pct\t%s\n", group, l->key, qc[w], pct) < 0)
                return -1;
        }
    }

    sn_row_t rows[SN_ROWS];
    int n = sn_rows(s, rows);
    for (int i = 0; i < n; i++) {
        if (fprintf(fp, "%s\t%s\t", group, rows[i].key) < 0 || sn_value(fp, &rows[i]) < 0
            || putc('\n', fp) == EOF)
            return -1;
    }
    return ferror(fp) ? -1 : 0;
}

int g5_bamstats_write_report(FILE *fp, const g5_bamstats_t *s, const char *tool,
                             const char *cmdline, const char *rg)
{
    // MultiQC 1.14 recognises samtools stats output by one phrase only,
    // "This file was produced by samtools stats" (search_patterns.yaml),
    // so the first line is worded to contain it while saying what did
    // produce the file.
    if (fprintf(fp, "# This file was produced by samtools stats-compatible g5 %s %s+htslib-%s\n",
                tool, g5_version(), hts_version()) < 0
        || g5_prov_tsv(fp, tool, cmdline) < 0)
        return -1;
    int r;
    if (!rg) r = fprintf(fp, "# This file contains statistics for all reads.\n");
    else if (!*rg) r = fprintf(fp, "# This file contains statistics for reads without a read group (no RG tag).\n");
    else r = fprintf(fp, "# This file contains statistics for read group %s (RG:Z:%s).\n", rg, rg);
    if (r < 0
        || fputs("# Flagstat: the output of `samtools flagstat`. Use `grep ^FS | cut -f 2-` to extract this part.\n", fp) == EOF
        || g5_bamstats_write_flagstat(fp, s, "FS\t") < 0
        || fputs("# Summary Numbers. Use `grep ^SN | cut -f 2-` to extract this part.\n", fp) == EOF
        || g5_bamstats_write_sn(fp, s) < 0)
        return -1;
    return 0;
}
