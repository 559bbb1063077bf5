/*
 * manifest.h -- releases: what each file is, who may receive it, its
 * SHA-256, and the manifest that lists them (g5 release, g5 verify).
 *
 * DESIGN
 * A release is a flat folder of files and MANIFEST.tsv, one row per file:
 * its name, size, SHA-256, access tier, kind, and the producing tool,
 * version and command as the file itself records them.  The receiver
 * re-hashes every file against the manifest, and the manifest's own digest
 * travels out of band.
 *
 * Checksums.  SHA-256 through OpenSSL's EVP interface (libcrypto), as
 * libseq/ssf does MD5 (both in libseq/digest): a maintained implementation, tested against the
 * FIPS 180-2 vectors in t_manifest.c.  A file is hashed as it is copied
 * into the release, so the digest is of the bytes the release holds.
 *
 * Kinds are found from the content, never from the name: a phenotype table
 * renamed "counts.txt" or "x.bam.bai" is still a table of people.
 * htslib's hts_detect_format() tells SAM, BAM, CRAM, VCF, BCF and the
 * indexes (BAI, CSI, TBI, CRAI) from their magic after decompression; a
 * VCF or BCF whose header declares GVCFBlock lines, a <NON_REF> allele, or
 * a <*> allele together with INFO/END is a gVCF.  Text (plain, gzip or
 * BGZF) is read from its head: an SVG (an XML prologue or <svg>), a
 * GWAS-SSF sidecar (data_file_name: and file_type: "GWAS-SSF..."), or a
 * table -- after leading comment lines ("##", "# " or a bare "#"), the
 * header line is split on tabs (else commas, else blanks): a GWAS-SSF file
 * when it starts "chromosome<TAB>base_pair_location", a per-sample table
 * when its first column is IID, FID, sample or sample_id (case-insensitive,
 * a leading '#' dropped: plink's #IID and #FID), else other text.  PNG by
 * its eight-byte signature; anything else is other binary.
 *
 * Provenance.  SAM/BAM/CRAM: the last @PG line with PN:g5, else the last
 * @PG line (tool PN -- "g5 TOOL" from a g5 CL --, VN, CL).  VCF/BCF: the
 * last ##g5_TOOLVersion / ##g5_TOOLCommand pair, else ##source=.  GWAS-SSF
 * data and sidecar: the sidecar's analysis_software ("g5 VERSION": tool
 * and version).  Tables: a leading "# g5 TOOL VERSION: COMMAND" line (the
 * line libseq/out writes).  Otherwise "-".  Tabs and line ends in a value
 * become blanks, so a row stays one row.
 *
 * Tiers.  "open" (anyone may receive it) or "controlled" (only under an
 * access agreement).  A release is open or controlled as a whole: an open
 * release refuses any controlled file.  The rules, in order:
 *   - A table of any kind (per-sample, GWAS-SSF, other text) with a column
 *     named as a trait of the dictionary (case-insensitive, a leading '#'
 *     dropped): controlled -- individual-level phenotypes, or phenotypes
 *     hidden in a table.
 *   - Alignments (SAM, BAM, CRAM) and variants (VCF, BCF, gVCF): open -- the
 *     programme releases raw data openly.
 *   - A per-sample table: open when it carries g5 provenance ("# g5 ..."
 *     from pca, kin or sampleqc) and no trait column; without it,
 *     controlled: an unknown table of people is treated as phenotypes.
 *     Without a dictionary no column is known as a trait, so only the
 *     provenance decides.
 *   - GWAS-SSF data: its trait is the sidecar's g5_trait (else its flat
 *     trait_description), the sidecar being NAME-meta.yaml in the release,
 *     naming NAME as its data_file_name.  An open trait of the dictionary:
 *     open.  A controlled or unknown trait (or no dictionary): controlled,
 *     unless it was released under the policy given (g5 release --policy):
 *     the sidecar's g5_release_policy is the policy file's SHA-256; every
 *     row passes g5_policy_row() (rows the reader skips -- a missing beta,
 *     standard error or p, a contig outside 1-25 -- cannot be checked, and
 *     fail); the sidecar's g5_sample_set is recorded in the policy's
 *     ledger (when the ledger is at hand: at the receiving end, where the
 *     centre's sample IDs are not, the sets are as the sender checked
 *     them); and no two ledger sets of the release's GWAS-SSF files differ
 *     by 1 .. min_set_difference-1 samples on either side (both files are
 *     then controlled) -- then open.
 *   - Companions share the tier of their data file in the release: an index
 *     NAME.bai/.csi/.tbi/.crai (and STEM.bai for STEM.bam), a sidecar (the
 *     data file its data_file_name names), a plot PREFIX.TRAIT.manhattan or
 *     .qq (.png or .svg) of PREFIX.TRAIT.tsv.gz (or .tsv, .tsv.bgz).  One
 *     whose data file is not in the release: controlled.
 *   - Anything else (other text, logs, other binary): controlled, fail-safe,
 *     and the reason says so.
 * Linking a companion to its data goes by name (the conventions of
 * htslib and g5 assoc); what each file is goes by content.  Provenance is
 * what the file says: the rules catch mistakes and careless renaming, not
 * an insider forging a "# g5" line.
 *
 * Manifest: MANIFEST.tsv in the release folder:
 *   # g5 release VERSION: COMMAND
 *   # tier: open|controlled
 *   path size sha256 tier kind tool version command     (tab-separated)
 * then one row per file, sorted by name (byte order).  No timestamps: the
 * same files give the same manifest, byte for byte.  Names are base names
 * (no '/', not "." or "..", no tab or line end, not MANIFEST.tsv).
 */
#ifndef G5_MANIFEST_H
#define G5_MANIFEST_H

#include <stddef.h>

#include <htslib/kstring.h>

#include "disclose.h"
#include "pheno.h"

/** What a file is, from its content. */
enum g5_kind {
    G5_KIND_BINARY = 0,     /**< "binary": nothing known */
    G5_KIND_TEXT,           /**< "text": text of no known kind (a log, a table of anything) */
    G5_KIND_SAM, G5_KIND_BAM, G5_KIND_CRAM,
    G5_KIND_VCF, G5_KIND_BCF,
    G5_KIND_GVCF,           /**< "gVCF": a VCF or BCF with reference blocks */
    G5_KIND_BAI, G5_KIND_CSI, G5_KIND_TBI, G5_KIND_CRAI,
    G5_KIND_SSF,            /**< "GWAS-SSF": summary statistics data */
    G5_KIND_SSF_META,       /**< "GWAS-SSF-meta": its YAML sidecar */
    G5_KIND_SAMPLES,        /**< "sample-table": one row per person */
    G5_KIND_PNG, G5_KIND_SVG,
    G5_NKINDS
};

/** Who may receive a file. */
enum g5_tier {
    G5_TIER_CONTROLLED = 0,
    G5_TIER_OPEN = 1,
};

/** The manifest's name inside a release folder. */
#define G5_MANIFEST_NAME "MANIFEST.tsv"

/** One file of a release. */
typedef struct g5_mfile {
    char *name;             /**< its name in the release (a base name) */
    char *src;              /**< where it is read: the file given, or DIR/name */
    long long size;         /**< bytes; -1 until hashed or read */
    char sha256[65];        /**< lowercase hex; "" until hashed or read */
    int kind;               /**< enum g5_kind */
    int tier;               /**< enum g5_tier */
    char *why;              /**< why it is controlled; NULL when open (or not yet judged) */
    char *tool, *version, *command;  /**< provenance; "-" when the file records none */
    int line;               /**< its line in a manifest read back; 0 otherwise */
    struct g5_mfile_info *info;      /**< what the tier rules read from it (private) */
} g5_mfile_t;

/**
 * SHA-256 of a memory buffer, as 64 lowercase hex digits and a NUL.
 * @return 0, or -1 (libcrypto failed)
 */
int g5_sha256_buf(const void *buf, size_t n, char hex[65]);

/**
 * SHA-256 and size of a file's contents.
 * @param size  set to the bytes read (may be NULL)
 * @return 0, or -1 with @p why set (naming the file)
 */
int g5_sha256_file(const char *path, char hex[65], long long *size, char *why, size_t nwhy);

/**
 * Copy @p src to a new file @p dst (which must not exist), hashing the
 * bytes as they are written, and fsync it.
 * @return 0, or -1 with @p why set (and @p dst removed)
 */
int g5_sha256_copy(const char *src, const char *dst, char hex[65], long long *size, char *why, size_t nwhy);

/** The name of a kind ("BAM", "GWAS-SSF", "sample-table", ...). */
const char *g5_kind_name(int kind);

/** The kind of a name, or -1. */
int g5_kind_from_name(const char *name);

/** "open" or "controlled". */
const char *g5_tier_name(int tier);

/** Nonzero when @p name may name a file of a release (see DESIGN). */
int g5_mfile_name_ok(const char *name);

/**
 * Start describing a file: name and source copied, nothing read yet.
 * @return 0, or -1 (out of memory)
 */
int g5_mfile_init(g5_mfile_t *f, const char *name, const char *src);

/**
 * Find the kind of f->src from its content, and its provenance.
 * @return 0; -1 with @p why set (unreadable: naming the file)
 */
int g5_mfile_detect(g5_mfile_t *f, char *why, size_t nwhy);

/**
 * Judge the tier of every file of a release (after g5_mfile_detect), by the
 * rules of the DESIGN: sets tier and why of each.  Companions are judged
 * against the data files of the same set, so pass the whole release.
 * @param dict    the trait dictionary, or NULL
 * @param policy  the policy controlled traits may have been released
 *                under, or NULL
 * @param ledger  its ledger (read with g5_ledger_read), or NULL where it is
 *                not at hand: sample sets are then not checked
 * @return 0; -1 with @p why set (out of memory)
 */
int g5_mfile_tiers(g5_mfile_t *f, int n, const g5_dict_t *dict, const g5_policy_t *policy,
                   const g5_ledger_t *ledger, char *why, size_t nwhy);

/**
 * Hash every file: its size and sha256 from f->src, or, with @p dir, from
 * a copy made as DIR/name.  Files are shared among @p threads extra
 * threads (0: the calling thread alone).
 * @return 0; -1 with @p why set (the first failure; copies already made
 *         are left for the caller to remove with the folder)
 */
int g5_mfile_hash(g5_mfile_t *f, int n, const char *dir, int threads, char *why, size_t nwhy);

/** Sort files by name, in byte order. */
void g5_mfile_sort(g5_mfile_t *f, int n);

/** Free what a file description holds (not @p f itself). */
void g5_mfile_free(g5_mfile_t *f);

/** A manifest read back. */
typedef struct g5_manifest {
    int tier;               /**< the release's tier: enum g5_tier */
    int n;
    g5_mfile_t *file;       /**< name, size, sha256, tier, kind, provenance, line */
} g5_manifest_t;

/**
 * Format a manifest: the provenance line of g5 release, the tier line,
 * the header and the rows of @p f (already sorted, hashed and judged).
 * @param out      appended to
 * @param cmdline  the command, for the provenance line
 * @param tier     the release's tier
 * @return 0, or -1 (out of memory)
 */
int g5_manifest_format(kstring_t *out, const char *cmdline, int tier, const g5_mfile_t *f, int n);

/**
 * Read a manifest.  Strict: a missing tier line, a header other than the
 * one written, a row without eight fields, a name, size, digest, tier or
 * kind that is not well formed, or a name twice is an error.
 * @param why  on failure: the reason, naming the file, line and column
 * @return 0; -1 with @p why set
 */
int g5_manifest_read(const char *path, g5_manifest_t *m, char *why, size_t nwhy);

/** Free a manifest read back. */
void g5_manifest_free(g5_manifest_t *m);

#endif
