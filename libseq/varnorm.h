/*
 * varnorm.h -- variant normalisation: biallelic split, trimming and left
 * alignment against the reference, and a window that sorts the moved
 * records again.
 *
 * DESIGN
 * Two call sets can spell one variant many ways: a multiallelic record or
 * several biallelic ones, an indel anywhere along the repeat it lies in,
 * with extra bases on either side.  Comparing them needs one spelling, and
 * this module gives the one `bcftools norm -m -any -f REF` gives, so that
 * g5's results can be checked against bcftools':
 *
 *  1. The REF of every record is checked against the reference first
 *     (upper case; IUPAC codes count as N on both sides).  A mismatch is an
 *     error: the files were made against another build.
 *  2. A record with n ALTs becomes n biallelic variants, one per ALT, in
 *     order.  Symbolic ALTs (<*>, <NON_REF>, <DEL>), breakends and the
 *     spanning deletion "*" give no variant, so a gVCF reference block
 *     (whose only ALT is symbolic) gives none at all; nor does an ALT equal
 *     to REF.
 *  3. Genotypes are recoded per ALT as bcftools norm -m- does: the ALT of
 *     the piece becomes allele 1, REF and every other ALT allele 0, missing
 *     stays missing.  A sample's 1/2 is 1/0 in the piece of ALT 1 and 0/1 in
 *     the piece of ALT 2.  A variant keeps the counts only (copies of REF,
 *     of ALT, missing): phase and order do not take part in comparisons.
 *  4. Each piece is trimmed and left-aligned exactly as bcftools 1.16 does
 *     it: while REF and ALT end in the same base, drop it (but never empty
 *     an allele at the first base of a contig); whenever an allele runs out,
 *     put the reference bases before the variant in front of both and go on.
 *     Then drop the bases REF and ALT begin with in common while both keep
 *     at least one.  An indel thus ends with one anchor base before it, at
 *     the leftmost place of its repeat; an SNV written with context
 *     ("ACG>ATG") becomes the one base that differs.
 *
 * The reference is read through faidx (a missing .fai is built next to the
 * FASTA), a stretch at a time: one cache of about 64 kb per normaliser, so
 * memory does not grow with the genome, and a sorted input is read from the
 * FASTA about once.
 *
 * Moving a variant left can put it before variants read earlier, so the
 * output of a sorted file is sorted again in a window (g5_varbuf): a
 * variant is released once the input has gone WINDOW bp past it (or onto
 * the next contig).  That is enough whenever no variant moves more than
 * WINDOW bp left, which is the length of the repeat it lies in; the buffer
 * notices when one does (g5_varbuf_push returns G5_VARBUF_LATE) rather than
 * release out of order, and the tool says which record and by how much.
 * Trimming may move a variant right, which never breaks the order.
 *
 * Nothing here prints or exits: functions return a status and leave a
 * phrase in the normaliser's why buffer (g5_varnorm_why).
 */
#ifndef G5_VARNORM_H
#define G5_VARNORM_H

#include <stddef.h>

#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/vcf.h>

/** What normalising an allele or a record came to. */
enum g5_varnorm_status {
    G5_VN_OK = 0,           /**< normalised */
    G5_VN_SKIP = 1,         /**< not a sequence variant (symbolic, "*", breakend, ALT = REF): left out */
    G5_VN_ERR = -1,         /**< out of memory or the reference unreadable; why says which */
    G5_VN_MISMATCH = -2,    /**< REF differs from the reference (or runs past the contig's end) */
    G5_VN_BAD_ALLELE = -3,  /**< an allele that is not a sequence of A, C, G, T, N nor a known symbol */
};

/** The kinds a normalised biallelic variant is counted under. */
enum g5_var_type {
    G5_VAR_SNV = 0,         /**< REF and ALT one base each */
    G5_VAR_INDEL = 1,       /**< REF and ALT of different lengths (complex ones included) */
    G5_VAR_OTHER = 2,       /**< REF and ALT of one length above 1: an MNP */
};
#define G5_VAR_NTYPES 3

/** One normalised biallelic variant. */
typedef struct g5_var {
    int tid;                /**< contig: its index in the reference's .fai */
    hts_pos_t pos;          /**< 0-based position after normalisation */
    hts_pos_t opos;         /**< 0-based position of the record it came from */
    uint64_t rec;           /**< number of that record in its file, from 1 (the caller's count) */
    char *ref;              /**< REF, upper case; one allocation holds both alleles ... */
    char *alt;              /**< ... ALT points into it, after REF's NUL */
    int ploidy;             /**< copies in the sample's genotype; 0 when there is none */
    int nalt;               /**< copies of this ALT */
    int nmiss;              /**< missing copies ("."); the rest are REF (or another ALT) */
} g5_var_t;

/** A growing array of variants: the pieces of one record. */
typedef struct g5_varv {
    g5_var_t *v;
    size_t n, m;
} g5_varv_t;

typedef struct g5_varnorm g5_varnorm_t;

/**
 * Open the reference for normalising, building its .fai if it has none.
 * @param ref_path  FASTA (plain or bgzipped)
 * @param why       on failure, the reason as a phrase naming the file
 * @param nwhy      size of @p why
 * @return a normaliser, or NULL (why set; errno ENOMEM when out of memory)
 */
g5_varnorm_t *g5_varnorm_open(const char *ref_path, char *why, size_t nwhy);

/** Close a normaliser (NULL is a no-op). */
void g5_varnorm_close(g5_varnorm_t *n);

/** The reason the last call failed, as a phrase ("" if none). */
const char *g5_varnorm_why(const g5_varnorm_t *n);

/** Contigs in the reference. */
int g5_varnorm_ncontigs(const g5_varnorm_t *n);

/**
 * A contig's index in the reference.
 * @return its index (the order of the .fai), or -1 if the reference has no such contig
 */
int g5_varnorm_contig(const g5_varnorm_t *n, const char *name);

/** The name of contig @p tid (0 <= tid < g5_varnorm_ncontigs). */
const char *g5_varnorm_contig_name(const g5_varnorm_t *n, int tid);

/**
 * The reference bases [beg, end) of contig @p tid: upper case, anything
 * but A, C, G, T as N; valid until the next call on @p n.
 * @return the bases (not NUL-terminated), or NULL with why set (off the
 *         contig, or unreadable)
 */
const char *g5_varnorm_ref(g5_varnorm_t *n, int tid, hts_pos_t beg, hts_pos_t end);

/**
 * Check REF of a record against the reference.
 * @param n    normaliser
 * @param tid  contig index
 * @param pos  0-based position of REF's first base
 * @param ref  REF as written (any case; IUPAC codes count as N)
 * @return G5_VN_OK; G5_VN_MISMATCH, G5_VN_BAD_ALLELE or G5_VN_ERR with why set
 *         (for a mismatch: both sequences, e.g. REF "CA" but the reference has "CT")
 */
int g5_varnorm_check_ref(g5_varnorm_t *n, int tid, hts_pos_t pos, const char *ref);

/**
 * Trim and left-align one biallelic pair in place, as bcftools norm does.
 * REF must already match the reference (g5_varnorm_check_ref).
 * @param n    normaliser
 * @param tid  contig index
 * @param pos  in: 0-based position of REF; out: the normalised position
 * @param ref  in: REF; out: normalised REF, upper case
 * @param alt  in: ALT; out: normalised ALT, upper case (unchanged on SKIP)
 * @return G5_VN_OK; G5_VN_SKIP for symbolic, "*", breakend or ALT = REF;
 *         G5_VN_BAD_ALLELE or G5_VN_ERR with why set
 */
int g5_varnorm_alleles(g5_varnorm_t *n, int tid, hts_pos_t *pos, kstring_t *ref, kstring_t *alt);

/**
 * Normalise one VCF/BCF record into biallelic variants (steps 1-4 of the
 * design), appended to @p out in ALT order.  Pieces that are not sequence
 * variants are left out; a record may give none.
 * @param n       normaliser
 * @param h       the record's header
 * @param rec     the record (unpacked here as needed)
 * @param tid     its contig's index in the reference
 * @param sample  the sample whose genotype the variants carry, or -1 for none
 *                (the variants get ploidy 0)
 * @param recno   the record's number in its file, stored in each variant
 * @param out     where the variants go
 * @return G5_VN_OK; G5_VN_MISMATCH, G5_VN_BAD_ALLELE or G5_VN_ERR with why
 *         set (the variants appended before the failure stay in @p out)
 */
int g5_varnorm_record(g5_varnorm_t *n, const bcf_hdr_t *h, bcf1_t *rec, int tid, int sample,
                      uint64_t recno, g5_varv_t *out);

/** The type of a normalised variant: G5_VAR_SNV, G5_VAR_INDEL or G5_VAR_OTHER. */
int g5_var_type(const g5_var_t *v);

/** The name of a type: "SNV", "indel", "other". */
const char *g5_var_type_name(int type);

/**
 * Order of variants: contig index, position, then REF and ALT as strings.
 * @return <0, 0 or >0 as @p a sorts before, with or after @p b
 */
int g5_var_cmp(const g5_var_t *a, const g5_var_t *b);

/**
 * Whether two variants' genotypes are the same: as many copies of ALT and
 * of missing alleles, in the same ploidy.
 * @return 1 when equal, 0 when not
 */
int g5_var_same_gt(const g5_var_t *a, const g5_var_t *b);

/**
 * Write a variant's genotype in a canonical form: missing alleles first,
 * then REF, then ALT, "/"-separated ("0/1", "./1", "1"), or "." when it has
 * none.
 * @param v    variant
 * @param buf  buffer
 * @param n    its size (at least 2; a genotype that does not fit is cut
 *             short and ends in "+")
 * @return @p buf
 */
char *g5_var_gt_str(const g5_var_t *v, char *buf, size_t n);

/** Free a variant's alleles (the struct itself is the caller's). */
void g5_var_free(g5_var_t *v);

/** Free every variant in @p v and the array; leaves it empty and reusable. */
void g5_varv_free(g5_varv_t *v);

/* --- the sorting window ------------------------------------------------- */

typedef struct g5_varbuf g5_varbuf_t;

/** Returned by g5_varbuf_push for a variant that sorts before one already released. */
#define G5_VARBUF_LATE (-2)

/**
 * A window that sorts the normalised variants of a sorted input again.
 * @param window  bp: a variant is released once the input is this far past
 *                it; the most a variant may move left
 * @return the buffer, or NULL (ENOMEM)
 */
g5_varbuf_t *g5_varbuf_init(hts_pos_t window);

/**
 * Add a variant; the buffer takes its alleles over (and frees them if it
 * refuses it).
 * @return 0; -1 out of memory; G5_VARBUF_LATE when the variant sorts before
 *         one already released (it moved further left than the window)
 */
int g5_varbuf_push(g5_varbuf_t *b, g5_var_t *v);

/**
 * Release the first variant no later input can precede.
 * @param b    buffer
 * @param tid  contig of the input's last record (INT_MAX at the end of the input: release all)
 * @param pos  its 0-based position
 * @param out  the variant released; its alleles are the caller's now
 * @return 1 when a variant was released, 0 when none may be yet, -1 out
 *         of memory (nothing released)
 */
int g5_varbuf_pop(g5_varbuf_t *b, int tid, hts_pos_t pos, g5_var_t *out);

/** Variants held. */
size_t g5_varbuf_size(const g5_varbuf_t *b);

/** Free the buffer and the variants still in it (NULL is a no-op). */
void g5_varbuf_destroy(g5_varbuf_t *b);

#endif
