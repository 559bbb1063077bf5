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
 * quantitative|binary, unit, description; a header line) decides when it
 * names the column; otherwise a column whose values are all 0/1, or all
 * 1/2, is binary and any other quantitative -- and the reason is kept, for
 * the log.  Binary values are stored as 0 (control) and 1 (case); 1/2 is
 * plink's coding (1 control, 2 case) and is converted.  A binary column
 * with other values is kept, marked bad with the reason, so that a tool can
 * skip that trait alone.
 *
 * Values are stored column by column (v[col * nsamples + row]), NaN where
 * missing: a trait's samples are the rows where it is not NaN.
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

#endif
