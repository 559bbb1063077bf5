/* t_pheno.c -- phenotype and covariate tables (tests/data/pheno): values,
 * NA and empty as missing, plink's FID IID header, types from a dictionary
 * or inferred from the values (0/1 and 1/2 binary, 1/2 recoded to 0/1), and
 * every bad table refused with file, line and column. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "pheno.h"

#ifndef DATA
#define DATA "tests/data/pheno"
#endif

/* The values of a column, "v v v", NA for missing. */
static const char *column(const g5_pheno_t *p, const char *name)
{
    static char buf[256];
    int c = g5_pheno_col(p, name), n = 0;
    buf[0] = 0;
    for (int i = 0; c >= 0 && i < p->nrows; i++) {
        double v = g5_pheno_value(p, c, i);
        n += snprintf(buf + n, sizeof buf - n, "%s%s", i ? " " : "", "");
        if (isnan(v)) n += snprintf(buf + n, sizeof buf - n, "NA");
        else n += snprintf(buf + n, sizeof buf - n, "%g", v);
    }
    return buf;
}

static void refused(const char *file, const char *want)
{
    char why[512] = "";
    g5_pheno_t *p = g5_pheno_read(file, why, sizeof why);
    ok(!p && strstr(why, want) != NULL, "%s refused: %s", file, why);
    g5_pheno_free(p);
}

int main(void)
{
    char why[512] = "";
    g5_pheno_t *p = g5_pheno_read(DATA "/traits.tsv", why, sizeof why);
    ok(p != NULL, "a table reads %s", why);
    if (!p) return tap_done();
    is_int(p->nrows, 4, "four samples");
    is_int(p->ncols, 5, "five columns after IID");
    is_int(g5_pheno_row(p, "S3"), 2, "S3 is row 2");
    is_int(g5_pheno_row(p, "S9"), -1, "an unknown IID has no row");
    is_str(column(p, "height"), "170.5 NA 165 180.25", "values, NA as missing");
    is_str(column(p, "asthma"), "1 0 NA 1", "an empty field is missing");

    ok(g5_pheno_types(p, NULL, why, sizeof why) == 0, "types from the values");
    int c = g5_pheno_col(p, "asthma");
    ok(p->type[c] == G5_TRAIT_BINARY && !p->bad[c] && !strcmp(p->how[c], "values 0/1 only: binary"),
       "0/1 is binary: %s", p->how[c]);
    c = g5_pheno_col(p, "smoker");
    ok(p->type[c] == G5_TRAIT_BINARY && strstr(p->how[c], "1/2 only"), "1/2 is binary: %s", p->how[c]);
    is_str(column(p, "smoker"), "1 0 1 0", "plink's 1/2 becomes 0/1 (2 case, 1 control)");
    c = g5_pheno_col(p, "count");
    ok(p->type[c] == G5_TRAIT_QUANT && !p->bad[c], "0 1 2 5 is quantitative: %s", p->how[c]);
    c = g5_pheno_col(p, "empty");
    ok(p->bad[c] && !strcmp(p->bad[c], "no values"), "a column without values is marked bad");
    g5_pheno_free(p);

    // the dictionary overrides: smoker read as a number, count as binary (and bad)
    p = g5_pheno_read(DATA "/traits.tsv", why, sizeof why);
    ok(p && g5_pheno_types(p, DATA "/dict.tsv", why, sizeof why) == 0, "types from a dictionary %s", why);
    c = g5_pheno_col(p, "smoker");
    ok(p->type[c] == G5_TRAIT_QUANT && !strcmp(p->how[c], "from the dictionary"), "dictionary: smoker quantitative");
    is_str(column(p, "smoker"), "2 1 2 1", "and its values as they are");
    c = g5_pheno_col(p, "count");
    ok(p->type[c] == G5_TRAIT_BINARY && p->bad[c] && strstr(p->bad[c], "holds 5"),
       "dictionary: count binary, but its values are not: %s", p->bad[c] ? p->bad[c] : "");
    is_str(p->desc[c], "not really binary", "its description (unit \"-\": none)");
    is_str(p->desc[g5_pheno_col(p, "smoker")], "smoking code, read as a number (code)", "description and unit");
    c = g5_pheno_col(p, "asthma");
    ok(p->type[c] == G5_TRAIT_BINARY && strstr(p->how[c], "0/1"), "a column the dictionary omits is inferred");
    ok(!p->desc[c], "and has no description");
    ok(g5_pheno_types(p, DATA "/nonnumeric.tsv", why, sizeof why) < 0 && strstr(why, "neither quantitative nor binary"),
       "a dictionary with an unknown type is refused: %s", why);
    g5_pheno_free(p);

    p = g5_pheno_read(DATA "/covars.tsv", why, sizeof why);
    ok(p && p->ncols == 2 && !strcmp(p->name[0], "age") && g5_pheno_row(p, "S2") == 1,
       "#FID IID: the FID column is skipped %s", why);
    g5_pheno_free(p);

    refused(DATA "/nonnumeric.tsv", "nonnumeric.tsv\" line 3, column 2 (bmi): \"abc\" is not a number");
    refused(DATA "/nan.tsv", "nan.tsv\" line 3, column 2 (bmi): \"nan\" is not a number");
    refused(DATA "/dupiid.tsv", "dupiid.tsv\" line 4: IID \"S1\" again (first on line 2)");
    refused(DATA "/short.tsv", "short.tsv\" line 2: 2 fields, but the header has 3");
    refused(DATA "/dict.tsv", "the header must begin with IID");
    refused(DATA "/none.tsv", "cannot read");
    // a g5 table (an .eigenvec as covariates): its provenance line read past,
    // and counted in the line numbers of errors
    {
        char path[] = "/tmp/t_pheno.XXXXXX";
        int fd = mkstemp(path);
        FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (fp) {
            fputs("# g5 pca 0.1.0: g5 pca -o x in.vcf\n#IID\tPC1\tPC2\nS1\t0.1\t-0.2\nS2\t0.3\n", fp);
            fclose(fp);
        }
        g5_pheno_t *e = g5_pheno_read(path, why, sizeof why);
        ok(!e && strstr(why, "line 4") && strstr(why, "2 fields"), "after g5's provenance line: %s", why);
        fp = fopen(path, "w");
        if (fp) {
            fputs("# g5 pca 0.1.0: g5 pca -o x in.vcf\n#IID\tPC1\tPC2\nS1\t0.1\t-0.2\nS2\t0.3\t0.4\n", fp);
            fclose(fp);
        }
        why[0] = 0;
        e = g5_pheno_read(path, why, sizeof why);
        ok(e && e->nrows == 2 && !strcmp(column(e, "PC2"), "-0.2 0.4"), "an .eigenvec with g5's provenance reads %s", why);
        g5_pheno_free(e);
        unlink(path);
    }
    return tap_done();
}
