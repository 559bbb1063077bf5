/* t_ploidy.c -- the ploidy file's rules (bcftools' layout): wildcards, the
 * most specific line winning, contigs the alignments lack ignored, bad lines
 * refused; sexes from a plain table and from g5 coverage's sex.tsv. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"
#include "ploidy.h"

static char dir[] = "/tmp/t_ploidy.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    kstring_t h = { 0, 0, NULL };
    kputs("@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:chrX\tLN:1000\n@SQ\tSN:chrY\tLN:500\n", &h);
    sam_hdr_t *hdr = sam_hdr_parse(h.l, h.s);
    free(h.s);
    char why[256];

    const char *path = write_file("ploidy.txt",
        "# human-like\n"
        "* * * * 2\n"
        "chrX * * M 1\n"
        "chrX 1 100 M 2      # a pseudo-autosomal region\n"
        "chrY * * F 0\n"
        "chrY * * M 1\n"
        "X * * M 1           # another build's name: ignored\n");
    g5_ploidy_t *p = g5_ploidy_load(path, hdr, 2, why, sizeof why);
    ok(p != NULL, "loads (%s)", p ? "" : why);
    is_int(g5_ploidy_at(p, 0, 10, 'M'), 2, "chr1: 2 for males");
    is_int(g5_ploidy_at(p, 1, 500, 'M'), 1, "chrX: 1 for males");
    is_int(g5_ploidy_at(p, 1, 50, 'M'), 2, "... but 2 in the region a later line names (PAR)");
    is_int(g5_ploidy_at(p, 1, 100, 'M'), 1, "... up to its last base, inclusive (0-based 99)");
    is_int(g5_ploidy_at(p, 1, 500, 'F'), 2, "chrX: 2 for females (the * line)");
    is_int(g5_ploidy_at(p, 2, 0, 'F'), 0, "chrY: 0 for females");
    is_int(g5_ploidy_at(p, 2, 0, 'U'), 2, "unknown sex: only lines for both sexes apply");
    g5_ploidy_destroy(p);

    p = g5_ploidy_load(NULL, hdr, 1, why, sizeof why);
    is_int(g5_ploidy_at(p, 0, 0, 'M'), 1, "no file: the default everywhere");
    g5_ploidy_destroy(p);

    path = write_file("bad.txt", "chrX 1 100 M\n");
    ok(g5_ploidy_load(path, hdr, 2, why, sizeof why) == NULL, "a line with four columns is refused");
    ok(strstr(why, "line 1") != NULL, "... naming the line: %s", why);
    path = write_file("bad2.txt", "chrX 100 1 M 1\n");
    ok(g5_ploidy_load(path, hdr, 2, why, sizeof why) == NULL, "TO before FROM is refused");

    const char *samples[] = { "a", "b", "c" };
    char sex[3];
    path = write_file("sex.txt", "a\tM\nb\tfemale\nc\tother\nd\tF\n");
    ok(g5_ploidy_sexes(path, 3, samples, sex, why, sizeof why) == 0 && sex[0] == 'M' && sex[1] == 'F' && sex[2] == 'U',
       "a table: M, female, other -> M F U");
    path = write_file("cov.sex.tsv", "# g5 coverage 0.1: ...\nsample\tautosome_depth\tx_depth\ty_depth\tx_autosome_ratio\t"
                      "y_autosome_ratio\tinferred_sex\tthresholds\na\t30\t15\t14\t0.5\t0.47\tmale\tx\n"
                      "b\t30\t30\t0\t1\t0\tfemale\tx\nc\t30\t30\t30\t1\t1\tunknown\tx\n");
    ok(g5_ploidy_sexes(path, 3, samples, sex, why, sizeof why) == 0 && sex[0] == 'M' && sex[1] == 'F' && sex[2] == 'U',
       "g5 coverage's sex.tsv: its inferred_sex column");
    const char *more[] = { "a", "z" };
    ok(g5_ploidy_sexes(path, 2, more, sex, why, sizeof why) < 0 && strstr(why, "\"z\""), "a sample not in the table: %s", why);

    sam_hdr_destroy(hdr);
    const char *files[] = { "ploidy.txt", "bad.txt", "bad2.txt", "sex.txt", "cov.sex.tsv" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char f[256];
        snprintf(f, sizeof f, "%s/%s", dir, files[i]);
        unlink(f);
    }
    rmdir(dir);
    return tap_done();
}
