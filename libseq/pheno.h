/*
 * pheno.h -- phenotype and covariate tables: a TSV with a header, the
 * sample ID first, one column per trait or covariate.
 *
 * DESIGN
 * The phenome arrives as a plain TSV from a clinic's database: the first
 * column is IID (plink's "#FID IID" is taken too, FID ignored), then one
 * column per trait, values numbers, missing as NA or empty.  Reading is
 * strict where a silent guess would corrupt an association: a value that
 * is not a finite number, a row with the wrong number of fields and an
 * IID met twice are errors naming the file, line and column.
 *
 * Each column is quantitative or binary.  A dictionary (TSV: trait, type
 * quantitative|binary, unit, description and an optional access tier; a
 * header line) decides when it names the column; otherwise a column whose
 * values are all 0/1, or all 1/2, is binary and any other quantitative --
 * and the reason is kept, for the log.  Binary values are stored as 0 (control) and 1 (case); 1/2 is
 * plink's coding (1 control, 2 case) and is converted.  A binary column
 * with other values is kept, marked bad with the reason, so that a tool can
 * skip that trait alone.
 *
 * Values are stored column by column (v[col * nsamples + row]), NaN where
 * missing: a trait's samples are the rows where it is not NaN.
 *
 * Access.  The dictionary's fifth column, "access", says who may receive a
 * trait's data: "open" or "controlled".  Missing or empty is controlled --
 * the safe default, so a four-column dictionary marks every trait
 * controlled -- and any other value is an error naming the line, because a
 * typo must not decide what leaves the centre.  The release rules
 * (libseq/manifest) read it through g5_dict_read()/g5_dict_access();
 * g5_pheno_types() reads the same dictionary for types and descriptions.
 */
#ifndef G5_PHENO_H
#define G5_PHENO_H

#include <stddef.h>

/** What a column holds. */
enum g5_trait_type {
    G5_TRAIT_QUANT = 0,     /**< quantitative */
    G5_TRAIT_BINARY = 1,    /**< 0 control, 1 case */
};

/** A table, read whole. */
typedef struct g5_pheno {
    char *path;
    int nrows;              /**< samples, in file order */
    char **iid;
    int ncols;              /**< columns after the IID */
    char **name;
    double *v;              /**< ncols x nrows, column by column; NaN: missing */
    int *type;              /**< per column: enum g5_trait_type */
    char **how;             /**< per column: how the type was decided, for the log */
    char **bad;             /**< per column: why it cannot be used as its type, or NULL */
    char **desc;            /**< per column: the dictionary's "description (unit)", or NULL */
    void *index;            /**< IID -> row */
} g5_pheno_t;

/**
 * Read a table.
 * @param path  TSV file ("-" is not allowed: the table is read whole)
 * @param why   on failure: the reason, naming file, line and column
 * @return the table, or NULL with @p why set
 */
g5_pheno_t *g5_pheno_read(const char *path, char *why, size_t nwhy);

/**
 * Decide each column's type: from the dictionary @p dict (NULL: none) where
 * it names the column, else from the values.  Binary columns are recoded
 * to 0/1.
 * @return 0, or -1 with @p why set (an unreadable dictionary, a type other
 *         than quantitative or binary)
 */
int g5_pheno_types(g5_pheno_t *p, const char *dict, char *why, size_t nwhy);

/** The column named @p name, or -1. */
int g5_pheno_col(const g5_pheno_t *p, const char *name);

/** The row of sample @p iid, or -1. */
int g5_pheno_row(const g5_pheno_t *p, const char *iid);

/** Value of column @p col in row @p row (NaN: missing). */
static inline double g5_pheno_value(const g5_pheno_t *p, int col, int row)
{
    return p->v[(size_t)col * p->nrows + row];
}

/** Free a table (NULL is a no-op). */
void g5_pheno_free(g5_pheno_t *p);

/** Who may receive a trait's data: the dictionary's "access" column. */
enum g5_access {
    G5_ACCESS_CONTROLLED = 0,   /**< stays with the centre, or goes out under an agreement */
    G5_ACCESS_OPEN = 1,         /**< may be released to anyone */
};

/** A trait dictionary, read whole: one entry per data line, in file order. */
typedef struct g5_dict {
    char *path;
    int n;
    struct g5_dict_trait {
        char *name;         /**< the trait, as the phenotype table's column names it */
        int type;           /**< enum g5_trait_type */
        char *unit, *desc;  /**< as written ("" when the column is absent) */
        int access;         /**< enum g5_access */
        int line;           /**< its line in the file, for messages */
    } *trait;
} g5_dict_t;

/**
 * Read a dictionary: TSV trait, type (quantitative|binary), unit,
 * description, and optionally access (open|controlled; missing or empty is
 * controlled).  A first line whose first field is "trait" is the header;
 * empty lines and lines starting with '#' are skipped.
 * @param path  the dictionary
 * @param why   on failure: the reason, naming file and line
 * @return the dictionary, or NULL with @p why set (unreadable, a line
 *         without a type, a type or access value not in the lists)
 */
g5_dict_t *g5_dict_read(const char *path, char *why, size_t nwhy);

/**
 * The entry for a trait named exactly @p name: the last one when the
 * dictionary names it twice (as g5_pheno_types has always taken it).
 * @return its index in d->trait, or -1
 */
int g5_dict_find(const g5_dict_t *d, const char *name);

/**
 * The access tier of a trait, matched without regard to case (a column
 * "BMI" is the trait "bmi": a renamed column must not escape the rule).
 * When several entries match, any controlled one makes it controlled.
 * @return enum g5_access, or -1 when the dictionary does not name it
 */
int g5_dict_access(const g5_dict_t *d, const char *name);

/** Free a dictionary (NULL is a no-op). */
void g5_dict_free(g5_dict_t *d);

#endif
