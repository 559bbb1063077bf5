/*
 * geno.h -- genotypes as numbers: one dosage per sample for each ALT
 * allele of a VCF/BCF, the one decoding that association, principal
 * components and relatedness share.
 *
 * DESIGN
 * Every statistical tool of g5 wants the same thing from a call set: for
 * each variant, a vector of allele dosages over a chosen list of samples.
 * A record with n ALTs gives n variants (plink2's split): variant k counts
 * the copies of ALT k.  The dosage comes from GT (hard calls: the number of
 * copies of the allele, 0..ploidy; a missing allele makes the sample
 * missing) or from a FORMAT field of dosages (--dosage DS, Number=A: the
 * expected copies of each ALT; Number=1 taken for a biallelic record).
 * Missing is NaN.
 *
 * Alongside each variant the reader counts what filters need: samples with
 * a value, the ALT's frequency among them, its minor allele count, and for
 * hard calls the genotype classes (hom REF, het, hom ALT) of diploid calls
 * for Hardy-Weinberg.
 *
 * A path ending in .bed is read as PLINK 1 binary genotypes (with the .bim
 * and .fam beside it), which many cohorts arrive as: hard calls, A1 (the
 * .bim's fifth column, ALT in plink2's output) counted, A2 as REF.
 *
 * Samples are chosen by name (g5_geno_select), in the caller's order, so
 * that dosage i belongs to the caller's sample i whatever the VCF's order.
 */
#ifndef G5_GENO_H
#define G5_GENO_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/hts.h>
#include <htslib/kstring.h>

/** One ALT allele of one record, over the selected samples. */
typedef struct g5_gvar {
    const char *chrom;      /**< contig name */
    hts_pos_t pos;          /**< 0-based */
    const char *id;         /**< ID column ("." when none) */
    const char *ref, *alt;  /**< REF and this ALT */
    int ialt;               /**< which ALT of the record, from 1 */
    int nalt;               /**< ALTs in the record */
    uint64_t recno;         /**< the record's number in the file, from 1 */
    double *x;              /**< dosage per selected sample; NaN: missing */
    uint8_t *ploidy;        /**< per selected sample: alleles in its call (1 haploid, 2
                                 diploid; 2 for dosages), 0 when missing */
    int n;                  /**< samples with a value */
    double ac;              /**< copies of ALT among them (expected ones for dosages) */
    double an;              /**< alleles among them (sum of ploidies; 2n for dosages) */
    int hom_ref, het, hom_alt;  /**< diploid hard calls, for HWE (0 for dosages) */
} g5_gvar_t;

typedef struct g5_geno g5_geno_t;

/**
 * Open a VCF/BCF (or a PLINK 1 .bed) for dosages.
 * @param path     the file ("-": stdin; NAME.bed: PLINK 1, with NAME.bim and NAME.fam)
 * @param dosage   FORMAT field of dosages (e.g. "DS"), or NULL for GT
 * @param threads  extra decompression threads
 * @param why      on failure: the reason, naming the file
 * @return the reader, or NULL with @p why set (no such file, not a VCF, no
 *         GT or dosage field declared)
 */
g5_geno_t *g5_geno_open(const char *path, const char *dosage, int threads, char *why, size_t nwhy);

/** Samples in the file. */
int g5_geno_nsamples(const g5_geno_t *g);

/** Name of the file's sample @p i. */
const char *g5_geno_sample(const g5_geno_t *g, int i);

/**
 * Choose the samples the dosages are for, by the file's index: dosage j of
 * every variant is the file's sample idx[j].  Without a call, all, in file
 * order.
 * @return 0, or -1 (an index out of range, or out of memory)
 */
int g5_geno_select(g5_geno_t *g, int n, const int *idx);

/**
 * The next variant (the next ALT of this record, or the first of the next).
 * The variant and its vector are the reader's until the next call.
 * @return 1 with @p *v set, 0 at the end, -1 on bad input (see g5_geno_why)
 */
int g5_geno_next(g5_geno_t *g, const g5_gvar_t **v);

/** Why the last call failed: file and record named. */
const char *g5_geno_why(const g5_geno_t *g);

/** Close (NULL is a no-op). */
void g5_geno_close(g5_geno_t *g);

/** Why a variant fails the filters cohort statistics share (g5_gvar_filter). */
enum g5_gvar_fail {
    G5_GVAR_OK = 0,
    G5_GVAR_MULTIALLELIC,   /**< its record has several ALTs */
    G5_GVAR_NOT_DIPLOID,    /**< a call that is not diploid */
    G5_GVAR_CALLS,          /**< no call, or more samples without one than allowed */
    G5_GVAR_MAF,            /**< minor allele frequency under the floor */
};

/**
 * The filters of kinship and principal components: biallelic, every call
 * diploid, at most @p max_missing of the @p n samples without a call, a
 * minor allele frequency at least @p min_maf.
 * @return G5_GVAR_OK, or the first filter it fails
 */
int g5_gvar_filter(const g5_gvar_t *v, int n, double max_missing, double min_maf);

/*
 * Decoding apart from reading, on worker threads.  For VCF text read for
 * GT, parsing the samples' columns is most of the work and the main
 * thread would be the bottleneck: it can instead take each record's line
 * undecoded (g5_geno_next_line, which only finds the line's end) and hand
 * it to a thread that decodes it with its own decoder.  The variants are
 * the same as g5_geno_next gives.  Other inputs (BCF, dosages, .bed) are
 * read with g5_geno_next.
 */

/** Nonzero when the input is read as lines to decode apart. */
int g5_geno_lines(const g5_geno_t *g);

/**
 * The next record's line (header lines skipped), undecoded, appended to a
 * batch of lines.
 * @param lines  receives the line and its NUL, after those already there
 * @param at     receives where in lines->s it starts
 * @param recno  receives its record number, from 1
 * @return 1, 0 at the end, -1 on a read error (see g5_geno_why)
 */
int g5_geno_next_line(g5_geno_t *g, kstring_t *lines, size_t *at, uint64_t *recno);

typedef struct g5_gdecoder g5_gdecoder_t;

/** A decoder for the reader's samples (choose them first), or NULL. */
g5_gdecoder_t *g5_gdecoder_init(const g5_geno_t *g);

/**
 * Decode a line; its variants then come from g5_gdecoder_next.  The line
 * is cut in place and the variants point into it.
 * @return 1; 0 for a record without ALT; -1 on bad input (g5_gdecoder_why)
 */
int g5_gdecoder_line(g5_gdecoder_t *d, char *line, uint64_t recno);

/** The line's next variant.  @return 1, or 0 when its ALTs are done */
int g5_gdecoder_next(g5_gdecoder_t *d, const g5_gvar_t **v);

/** Why the last line failed. */
const char *g5_gdecoder_why(const g5_gdecoder_t *d);

/** Free (NULL is a no-op). */
void g5_gdecoder_free(g5_gdecoder_t *d);

/*
 * Two-column tables of the file's samples -- groups, sexes, population
 * labels: a TSV of IID and a value with a header line.  A line naming a
 * sample the genotype file lacks is an error (naming both files and the
 * line), as is a line without a tab; a value is the second column.
 */

/**
 * Read such a table, handing each line to @p take.
 * @param what  what the values are, for messages ("group", "sex")
 * @param take  per line: the sample's index in the file, its value, the
 *              line number; 0, or -1 with @p why set (a bad value)
 * @return 0, or -1 with @p why set
 */
int g5_geno_table(const g5_geno_t *g, const char *path, const char *what,
                  int (*take)(void *ctx, int sample, const char *value, int lineno, char *why, size_t nwhy),
                  void *ctx, char *why, size_t nwhy);

/**
 * Read such a table as groups: each sample's group (-1: not named), the
 * groups numbered in the order the table first names them.  An empty value
 * is an error.
 * @param group   out: one per sample of the file
 * @param names   out: the groups' names (free each, and the array)
 * @param ngroups out: their number
 * @return 0, or -1 with @p why set
 */
int g5_geno_groups(const g5_geno_t *g, const char *path, const char *what, int *group, char ***names, int *ngroups,
                   char *why, size_t nwhy);

#endif
