/*
 * sumstats.h -- read summary statistics: GWAS-SSF (with its YAML sidecar),
 * plink2 --glm and REGENIE step 2 files, or any table through a column map.
 *
 * DESIGN
 * Centres ship summary statistics written by different programs; the
 * traps METAL users fall into (METAL#9, #19, #35) come from guessing which
 * allele an effect belongs to.  So the reader resolves, per row, the two
 * alleles the effect is measured between -- effect allele (EA) and other
 * allele (OA) -- and whether either is known to be the reference allele,
 * which tells a consumer the row is on the reference's forward strand.
 *
 * Formats, found from the header line unless a column map is given:
 *   GWAS-SSF  "chromosome base_pair_location effect_allele other_allele
 *             beta|odds_ratio standard_error effect_allele_frequency
 *             p_value|neg_log_10_p_value", optional rsid, n, n_cases,
 *             n_controls, ref_allele (EA/OA: strand known).
 *   plink2    "#CHROM POS ID REF ALT ... A1 ... TEST OBS_CT BETA|OR SE|
 *             LOG(OR)_SE ... P|LOG10_P": EA = A1, OA = OMITTED when present,
 *             else the one of REF/ALT that is not A1; only TEST = ADD rows;
 *             the strand is known (REF is the reference's) unless a
 *             PROVISIONAL_REF? column says Y; A1_FREQ (cols=+a1freq) is the
 *             EAF.  ERRCODE rows other than "." are skipped as unusable.
 *   REGENIE   "CHROM GENPOS ID ALLELE0 ALLELE1 A1FREQ ... N TEST BETA SE
 *             ... LOG10P": EA = ALLELE1, OA = ALLELE0, strand unknown
 *             (ALLELE0 is whatever the genotype file listed first).
 * A column map "key=COLUMN,..." (keys are the GWAS-SSF names, with
 * neg_log_10_p_value for -log10 p) names the columns of any other table; a
 * map may also start with a preset, "plink2,n=NMISS".  Fields are split on tabs
 * when the header has one, else on runs of spaces (REGENIE, plink 1.9).
 *
 * Values.  beta is on the additive scale: an odds_ratio column is read as
 * its natural log (standard_error is already on the log scale in all three
 * formats).  Missing values are NA, #NA, "." or empty; a row whose beta,
 * standard error or p is missing (a model that did not fit) is skipped and
 * counted, a value that is not a number is an error naming file, line and
 * column.  Contigs are reduced to the GWAS-SSF codes 1-25 (X = 23, Y = 24,
 * MT = 25); rows on other contigs are skipped and counted.  Alleles are
 * upper-cased.
 *
 * Order.  Rows must come sorted by chromosome code, then position: a
 * consumer merges several files in one pass with constant memory.  A row
 * that goes backwards is an error naming the line.
 *
 * Sidecar.  For PATH, "PATH-meta.yaml" (g5 assoc and the GWAS Catalog's
 * convention) is read when it exists: genome_assembly, sample_size,
 * case_count/control_count, trait_description and analysis_software.  Only
 * "key: value" lines are read, and a "key:" line followed by a list takes
 * the list's first item as its value (trait_description is a list in
 * GWAS-SSF); the nested samples list is flattened by key name, the first
 * occurrence winning.
 */
#ifndef G5_SUMSTATS_H
#define G5_SUMSTATS_H

#include <stddef.h>

typedef struct g5_sumstats g5_sumstats_t;

/** One usable row; the strings live until the next call. */
typedef struct g5_ss_row {
    int code;               /**< chromosome code 1..25 */
    long long pos;          /**< 1-based position */
    const char *ea, *oa;    /**< effect and other allele, upper case */
    double beta;            /**< effect of EA; ln(OR) for odds ratios */
    double se;              /**< its standard error */
    double eaf;             /**< frequency of EA, NaN when absent */
    double p;               /**< p-value */
    double n;               /**< samples, NaN when absent */
    double n_cases, n_controls; /**< NaN when absent */
    const char *rsid;       /**< NULL when absent */
    int ref;                /**< enum g5_ssf_ref: which allele is the reference's */
    long long line;         /**< line number in the file, for messages */
} g5_ss_row_t;

/** What a file's sidecar says; NULL / -1 where it says nothing. */
typedef struct g5_ss_meta {
    int nkeys;              /**< every flat "key: value" line, first occurrence of a key */
    char **key, **value;
    char *genome_assembly;
    char *trait_description;
    char *analysis_software;
    long long sample_size;
    long long case_count, control_count;
    int case_control;       /**< 1 true, 0 false, -1 unknown */
} g5_ss_meta_t;

/** Counts of rows read and skipped, for the log. */
typedef struct g5_ss_counts {
    long long rows;         /**< data lines */
    long long used;         /**< returned by g5_sumstats_next */
    long long not_additive; /**< plink2/REGENIE TEST other than ADD */
    long long missing;      /**< beta, se or p missing, or an ERRCODE */
    long long contig;       /**< contig outside 1-25 */
} g5_ss_counts_t;

/**
 * Open a file (plain or gzip/bgzip) and read its header.
 * @param path     the file
 * @param columns  a column map or preset ("ssf", "plink2", "regenie",
 *                 "key=COL,..."), or NULL to detect the format
 * @param why      on failure: the reason, naming the file
 * @return a reader, or NULL with @p why set
 */
g5_sumstats_t *g5_sumstats_open(const char *path, const char *columns, char *why, size_t nwhy);

/**
 * The next usable row.
 * @return 1 with @p r filled; 0 at the end; -1 with @p why set (naming
 *         file, line and column)
 */
int g5_sumstats_next(g5_sumstats_t *s, g5_ss_row_t *r, char *why, size_t nwhy);

/** The format found: "GWAS-SSF", "plink2", "REGENIE" or "mapped". */
const char *g5_sumstats_format(const g5_sumstats_t *s);

/** Nonzero when the file has an effect allele frequency column. */
int g5_sumstats_has_eaf(const g5_sumstats_t *s);

/** The sidecar (all unknown when there is none). */
const g5_ss_meta_t *g5_sumstats_meta(const g5_sumstats_t *s);

/** Rows read and skipped so far. */
const g5_ss_counts_t *g5_sumstats_counts(const g5_sumstats_t *s);

/** Close; NULL is a no-op. */
void g5_sumstats_close(g5_sumstats_t *s);

/**
 * Read a sidecar "PATH-meta.yaml" alone.
 * @return 1 read, 0 there is none, -1 with @p why set (unreadable)
 */
int g5_ss_meta_read(const char *path, g5_ss_meta_t *m, char *why, size_t nwhy);

/** A sidecar value by key (g5_trait, g5_sample_set, ...), or NULL. */
const char *g5_ss_meta_value(const g5_ss_meta_t *m, const char *key);

/**
 * A sidecar's scalar as g5 writes it, in place: blanks around it trimmed,
 * double (or single) quotes dropped and backslash escapes undone.
 * @return the value, within @p v
 */
char *g5_ss_yaml_scalar(char *v);

/** Free the strings of a sidecar read by g5_ss_meta_read. */
void g5_ss_meta_free(g5_ss_meta_t *m);

#endif
