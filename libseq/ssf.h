/*
 * ssf.h -- GWAS-SSF v1.1 summary statistics: a bgzipped, tabix-indexed TSV
 * and its YAML metadata sidecar, written atomically.
 *
 * DESIGN
 * g5 assoc writes one file per trait, PREFIX.TRAIT.tsv.gz, in the GWAS
 * Catalog's summary statistics format (GWAS-SSF, spec v1.1.0:
 * gwas-ssf_v1.1.0.tex in EBISPOT/gwas-summary-statistics-standard, mirrored
 * as gwas-catalog/summary-statistics-standard; Table 1 for the data, Table 2
 * and schema/metadata-yamale-schema.yaml for the metadata).  What we took
 * from it, and what we decided where it leaves a choice:
 *
 * Columns.  The spec fixes the first eight, by position:
 *   chromosome base_pair_location effect_allele other_allele
 *   beta|odds_ratio standard_error effect_allele_frequency p_value
 * and lets any further columns follow in any order.  We add, always and in
 * this order, three of the spec's "encouraged" fields, rsid, n and
 * ref_allele; then z_score, the model's test statistic (Student's t of a
 * linear model, Wald's z of a logistic one: the "Z" that LDSC and METAL's
 * sample-size scheme read); and for case-control analyses two columns the
 * spec does not name, n_cases and n_controls (per-variant counts, which
 * meta-analysis weighting and disclosure rules need; the spec allows extra
 * columns).  A caller may add its own columns after these (g5 meta's
 * heterogeneity statistics).  variant_id, info, ci_* and the neg_log_10_p_value /
 * hazard_ratio alternatives are not written: the p-value is exact down to
 * the smallest double, and g5 has no imputation INFO.
 *
 * Effect.  Column 5 is "beta" or "odds_ratio", chosen at open.  Rows always
 * carry the estimate on its linear/log scale (beta; ln(OR) for logistic
 * models) and its standard error; an odds_ratio file prints exp(beta) and
 * keeps standard_error on the log scale, as plink2's LOG(OR)_SE and the
 * Catalog's harmonised files do.  beta is the recommended choice for both
 * trait kinds: then standard_error is the error of the very number printed
 * beside it.
 *
 * Missing values.  v1.1 recommends the literal "#NA" (its examples and the
 * Catalog's gwas-ssf tools use it; older v0.1 files and the README say
 * "NA").  We write #NA, only in the optional columns: the spec requires the
 * mandatory fields to be filled, so a row with a non-finite beta, se, eaf or
 * p is refused (the caller skips variants its model could not fit), as are
 * eaf or p outside [0,1].  p = 0 is legal but then the metadata must name
 * the analysis software; it always does here.
 *
 * Chromosomes.  The spec codes them as integers 1-25 (X = 23, Y = 24,
 * MT = 25).  Callers pass the VCF's contig name ("1", "chr1", "X", "chrX",
 * "MT", "chrM", or already "23"); g5_ssf_chrom_code() maps it, and a contig
 * outside 1-25 (alts, decoys, unplaced) is refused.  Alleles must match
 * [ACGT]+.  rsid is written only when it is an rsID (rs and digits); a
 * VCF's "." or "1:123:A:G" becomes #NA.
 *
 * Provenance.  The spec puts the column header on the first line, so the
 * TSV carries no "#" provenance comment (unlike other g5 TSVs); the
 * metadata's analysis_software names g5 and its version instead.
 *
 * Numbers.  beta/odds_ratio, standard_error, effect_allele_frequency and
 * p_value are printed with "%.7g": seven significant digits, and since %g
 * switches to an exponent below 1e-4 the relative precision holds at any
 * magnitude -- a p of 1e-250 prints "1e-250", 3.2e-300 "3.2e-300", the
 * smallest subnormal "4.940656e-324".  Counts are integers.
 *
 * Order and index.  Rows must arrive sorted by chromosome code, then
 * position (ties allowed: multi-allelic sites); g5_ssf_write() refuses one
 * that goes backwards, so the metadata can say is_sorted: true and tabix
 * can index the file.  The index is a classic .tbi (human contigs are far
 * below the 2^29 limit, and every tabix reader knows .tbi): chromosome in
 * column 1, position in columns 2 (begin and end: 1-based, one base), the
 * header line skipped.
 *
 * Compression.  The writer makes its BGZF blocks itself, at zlib level 1
 * (a hundred traits' files compress in the time one takes at bgzip's
 * level 6, for a seventh more bytes): each run of rows is cut into blocks
 * of its own (g5_ssf_seal, which worker threads may call), so the writer
 * knows where every row lands and builds the index and the MD5 as it
 * writes -- the same index, byte for byte, that tabix builds by reading
 * the file back, without the second pass over a hundred files.
 *
 * Metadata.  PATH-meta.yaml, with the keys the v1.1 spec (Table 2) or the
 * yamale schema make mandatory: data_file_name (the base name),
 * file_type ("GWAS-SSF v1.1"), data_file_md5sum (of the compressed file as
 * it lies on disk), genome_assembly, coordinate_system (1-based: VCF
 * positions), trait_description, genotyping_technology, samples (one
 * group: sample_size, sample_ancestry_category, case_control_study and, for
 * a case-control study, case_count and control_count), is_sorted,
 * is_harmonised (false: "harmonised" means the Catalog's pipeline), and
 * analysis_software; the optional sex, sample_ancestry, ancestry_method and
 * adjusted_covariates when given; then g5's own keys, prefixed g5_: the
 * trait's column name and, for a file written under a release policy
 * (libseq/disclose), the policy's digest, the sample set's digest and the
 * number of rows withheld.  Free text is written as double-quoted
 * YAML scalars, so a colon or '#' in a trait name cannot change the
 * structure.  No date is written (the date fields are optional), so the
 * output is byte-identical between runs.
 *
 * Atomicity.  Data, index and metadata are temporaries (libseq/out) until
 * g5_ssf_close() has finished all three; it then renames data, index and
 * metadata in that order, so a metadata file never names data that is not
 * there, and removes what it renamed if a later rename fails.
 *
 * Checksums: the MD5 is taken as the blocks are written, by libseq/digest
 * (OpenSSL's EVP interface, libcrypto), not by a home-made MD5.
 */
#ifndef G5_SSF_H
#define G5_SSF_H

#include <stddef.h>
#include <stdint.h>

#include <htslib/kstring.h>
#include <htslib/hts.h>
#include <htslib/thread_pool.h>

typedef struct g5_ssf g5_ssf_t;

/** Column 5: what the effect is printed as. */
enum g5_ssf_effect {
    G5_SSF_BETA = 0,        /**< "beta": the estimate as given */
    G5_SSF_ODDS_RATIO = 1,  /**< "odds_ratio": exp(beta) */
};

/** ref_allele: which allele is the reference's. */
enum g5_ssf_ref {
    G5_SSF_REF_UNKNOWN = 0, /**< #NA */
    G5_SSF_REF_EA = 1,      /**< "EA": the effect allele */
    G5_SSF_REF_OA = 2,      /**< "OA": the other allele */
};

/** One association result. */
typedef struct g5_ssf_row {
    const char *chrom;      /**< contig name ("1", "chr1", "X", "MT", "23" ...) */
    long long pos;          /**< 1-based position, > 0 */
    const char *ea, *oa;    /**< effect and other allele, [ACGT]+ */
    double beta;            /**< estimate; ln(OR) for a logistic model */
    double se;              /**< its standard error */
    double eaf;             /**< effect allele frequency, 0..1 */
    double p;               /**< p-value, 0..1 */
    const char *rsid;       /**< "rs123", or NULL/"" for #NA */
    long long n;            /**< samples in the test, or < 0 for #NA */
    double z;               /**< the test statistic (t or Wald z), NaN for #NA */
    long long n_cases;      /**< cases in the test (case-control files), or < 0 for #NA */
    long long n_controls;   /**< controls in the test (case-control files), or < 0 for #NA */
    int ref;                /**< enum g5_ssf_ref */
    const char *extra;      /**< the values of the g5_ssf_columns columns, tab-separated */
} g5_ssf_row_t;

/** The study description for the metadata sidecar. */
typedef struct g5_ssf_meta {
    const char *trait_description;          /**< mandatory, free text */
    const char *genome_assembly;            /**< mandatory, e.g. "GRCh38" */
    const char *genotyping_technology;      /**< mandatory, e.g. "Whole genome sequencing" */
    const char *sample_ancestry_category;   /**< mandatory, e.g. "European" */
    long long sample_size;                  /**< mandatory, > 0 */
    long long case_count, control_count;    /**< mandatory for case-control files */
    const char *sample_ancestry;            /**< optional (NULL) */
    const char *ancestry_method;            /**< optional, e.g. "genetically determined" */
    const char *sex;                        /**< optional: "M", "F", "combined" or "NR" */
    const char *analysis_software;          /**< NULL: "g5 VERSION" */
    const char *const *adjusted_covariates; /**< optional, @p n_covariates names */
    int n_covariates;
    /* g5's own keys, prefixed g5_ so they cannot collide with the spec's */
    const char *trait;                      /**< optional: g5_trait, the trait's column name */
    const char *release_policy;             /**< optional: g5_release_policy, the policy's SHA-256; */
    const char *sample_set;                 /**<   with it g5_sample_set, the samples' digest, */
    long long suppressed;                   /**<   and g5_suppressed, rows the policy withheld */
} g5_ssf_meta_t;

/**
 * Start a summary statistics file that will appear as @p path (with
 * @p path.tbi and @p path-meta.yaml) when g5_ssf_close() succeeds.
 * @param path          final name, conventionally PREFIX.TRAIT.tsv.gz
 * @param effect        enum g5_ssf_effect: column 5
 * @param case_control  nonzero for a case-control study: adds the n_cases
 *                      column and requires case and control counts
 * @param why           on failure: the reason
 * @return a writer, or NULL with @p why set
 */
g5_ssf_t *g5_ssf_open(const char *path, int effect, int case_control, char *why, size_t nwhy);

/**
 * Add columns after the standard ones (and n_cases, n_controls), before the
 * first row: every row then carries as many values in its @p extra.
 * @param names  the columns' names, tab-separated
 * @return 0, or -1 with errno set (EINVAL: rows already written, or called twice)
 */
int g5_ssf_columns(g5_ssf_t *s, const char *names);

/**
 * Append one row.  A refused row leaves the writer usable: the caller may
 * skip it and go on, or abort.
 * @return 0; -1 with @p why set (a row out of order, a contig outside
 *         1-25, a missing or out-of-range mandatory value, an allele not
 *         [ACGT]+, a write error)
 */
int g5_ssf_write(g5_ssf_t *s, const g5_ssf_row_t *r, char *why, size_t nwhy);

/**
 * Rows formatted ahead of writing, e.g. by worker threads: g5_ssf_format()
 * fills a run (checking its rows are in order among themselves),
 * g5_ssf_append() writes it after the rows before.  Zero-initialise; free
 * text.s when done.
 */
typedef struct g5_ssf_run {
    kstring_t text;
    long long nrows;
    int first_code, last_code;
    long long first_pos, last_pos;
    int has_last;                   /**< last_code/last_pos hold a row */
    struct g5_ssf_at *at;           /**< per row: where it ends in text, its locus and p */
    size_t mat;
    kstring_t z;                    /**< once sealed: text as BGZF blocks */
    uint32_t *zlen;                 /**< each block's compressed size */
    size_t nz, mz;
    int sealed;
} g5_ssf_run_t;

/** Where a formatted row ends in its run's text, its locus and p-value. */
typedef struct g5_ssf_at {
    size_t end;
    int code;
    long long pos;
    double p;
} g5_ssf_at_t;

/**
 * Check and format one row onto @p run.  Only reads @p s (its columns), so
 * threads may format for the same writer, each into its own run.
 * @return 0; -1 with @p why set (as g5_ssf_write, nothing appended)
 */
int g5_ssf_format(const g5_ssf_t *s, g5_ssf_run_t *run, const g5_ssf_row_t *r, char *why, size_t nwhy);

/**
 * Write a run after the rows already written (sealing it if the caller did not).
 * @return 0; -1 with @p why set (the run starts before the last row, a write error)
 */
int g5_ssf_append(g5_ssf_t *s, g5_ssf_run_t *run, char *why, size_t nwhy);

/**
 * Compress a run into BGZF blocks of its own, ahead of g5_ssf_append
 * (which seals an unsealed run itself): a worker thread's share of the
 * writing.  Touches only @p run.
 * @return 0, or -1 (out of memory, or the compressor failed)
 */
int g5_ssf_seal(g5_ssf_run_t *run);

/** Empty a run for reuse (its memory kept). */
void g5_ssf_run_clear(g5_ssf_run_t *run);

/** Free a run's memory (it may then be reused as if zero-initialised). */
void g5_ssf_run_free(g5_ssf_run_t *run);

/**
 * Seal the rows of g5_ssf_write on a thread pool (shared by many writers),
 * written in order as they come back; runs given to g5_ssf_append are
 * sealed by their caller, or here.
 * @return 0, or -1 (out of memory)
 */
int g5_ssf_pool(g5_ssf_t *s, htsThreadPool *pool);

/** Nonzero when @p a is an allele GWAS-SSF takes: A, C, G, T only, at least one. */
int g5_ssf_allele_ok(const char *a);

/**
 * What the plots and a log need of a file, kept while it is written
 * (g5_ssf_keep) rather than read back after: every row's chromosome code,
 * position and p, in a temporary file beside the output, and the rows with
 * the smallest p as written.  Taken from the writer with g5_ssf_kept()
 * before g5_ssf_close(), read with g5_ssf_kept_points() and
 * g5_ssf_kept_top() (libseq/ssfplot draws from it), freed -- and its
 * temporary removed -- with g5_ssf_kept_free().
 */
typedef struct g5_ssf_kept g5_ssf_kept_t;

/** A row as the plots see it. */
typedef struct g5_ssf_point {
    int code;               /**< chromosome code, 1-25 */
    long long pos;
    double p;
} g5_ssf_point_t;

/**
 * Keep the points and the @p ntop rows with the smallest p (the first of
 * equals first), from the first row on.
 * @return 0, or -1 with errno set (rows already written: EINVAL)
 */
int g5_ssf_keep(g5_ssf_t *s, int ntop);

/**
 * Take what was kept, once the stream is complete (g5_ssf_end): the
 * caller owns it from then on, whatever becomes of the writer.
 * @return it, or NULL (nothing kept, or the stream not ended)
 */
g5_ssf_kept_t *g5_ssf_kept(g5_ssf_t *s);

/**
 * Every row's point, in file order (malloc'ed into *@p pts).
 * @return the number of rows, or -1 (a read error, out of memory)
 */
long long g5_ssf_kept_points(g5_ssf_kept_t *k, g5_ssf_point_t **pts);

/** The @p i-th row with the smallest p, as written (no newline), or NULL past the last. */
const char *g5_ssf_kept_top(const g5_ssf_kept_t *k, int i);

/** Free what was kept and remove its temporary.  NULL is a no-op. */
void g5_ssf_kept_free(g5_ssf_kept_t *k);

/**
 * Complete the data stream: write the rows still pending and the
 * end-of-file block, finish the index and the MD5.  g5_ssf_close does it
 * if not done.
 * @return 0; -1 with @p why set (a write error)
 */
int g5_ssf_end(g5_ssf_t *s, char *why, size_t nwhy);

/**
 * Finish: complete the data, index it, checksum it, write the metadata and
 * rename all three into place.  The writer is freed either way.
 * @param meta  the study description (its mandatory fields checked here)
 * @return 0; -1 with @p why set and nothing left under the final names
 */
int g5_ssf_close(g5_ssf_t *s, const g5_ssf_meta_t *meta, char *why, size_t nwhy);

/** Drop the output: remove the temporaries and free the writer; NULL is a no-op. */
void g5_ssf_abort(g5_ssf_t *s);

/** Rows written so far. */
long long g5_ssf_nrows(const g5_ssf_t *s);

/**
 * The GWAS-SSF chromosome code of a contig name: 1-22, X/23, Y/24, MT/M/25,
 * each with or without a "chr" prefix (case-insensitive).
 * @return 1..25, or 0 for any other contig
 */
int g5_ssf_chrom_code(const char *chrom);

#endif
