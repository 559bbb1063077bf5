/* t_covreport.c -- the parts of covreport that mosdepth has no say in:
 * quantize segments as mosdepth parses them, which contigs are autosomes,
 * and the sex rules at and around their cut-offs, fed with depth runs
 * directly.  The files themselves are compared with mosdepth's in
 * tests/coverage.t. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "covreport.h"

static void test_quantize(void)
{
    int32_t *b;
    int n = g5_covreport_quantize_bounds("0:1:4:", &b);
    ok(n == 4 && b[0] == 0 && b[1] == 1 && b[2] == 4 && b[3] == INT32_MAX, "0:1:4: is [0,1) [1,4) [4,inf)");
    free(b);
    n = g5_covreport_quantize_bounds(":4:1", &b);
    ok(n == 3 && b[0] == 0 && b[1] == 1 && b[2] == 4, "a leading ':' starts at 0; bounds are sorted");
    free(b);
    n = g5_covreport_quantize_bounds("10", &b);
    ok(n == 3 && b[0] == 0 && b[1] == 10 && b[2] == INT32_MAX, "a single number N means :N:");
    free(b);
    is_int(g5_covreport_quantize_bounds("1::4", &b), -1, "an empty inner segment is refused");
    is_int(g5_covreport_quantize_bounds("a:b", &b), -1, "so are words");
    is_int(g5_covreport_quantize_bounds("0:1:1:", &b), -1, "and repeated bounds (empty bins)");
}

/* A report over a synthetic header, each contig at a chosen mean depth. */
static g5_covsample_t sample(const char *header, const double *depth, const char *x, const char *y, char *dir)
{
    sam_hdr_t *h = sam_hdr_parse(strlen(header), header);
    char prefix[512], why[256];
    snprintf(prefix, sizeof prefix, "%s/s", dir);
    g5_covreport_opts_t o = { .prefix = prefix, .only_tid = -1, .threads = 1 };
    g5_covreport_t *r = g5_covreport_open(&o, h, why, sizeof why);
    for (int t = 0; t < sam_hdr_nref(h); t++) {
        hts_pos_t len = sam_hdr_tid2len(h, t);
        g5_covreport_begin(r, t, 1);
        // half the bases at 2d, half at 0: a mean of d with whole depths
        int32_t d2 = (int32_t)lround(2 * depth[t]);
        g5_covreport_run(r, 0, len / 2, d2);
        if (d2) g5_covreport_run(r, len / 2, len, 0);
        g5_covreport_end(r);
    }
    g5_sexrule_t rule = G5_SEXRULE_DEFAULT;
    if (x) rule.x_name = x;
    if (y) rule.y_name = y;
    g5_covsample_t s;
    g5_covreport_sample(r, &rule, &s);
    g5_covreport_destroy(r);        // nothing committed: the outputs go away
    sam_hdr_destroy(h);
    return s;
}

static void test_sex(char *dir)
{
    const char *human = "@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:chr2\tLN:1000\n@SQ\tSN:chrX\tLN:1000\n"
                        "@SQ\tSN:chrY\tLN:1000\n@SQ\tSN:chrM\tLN:1000\n@SQ\tSN:chrUn_gl1\tLN:1000\n";
    // chr1, chr2, chrX, chrY, chrM (ignored), chrUn (ignored)
    double xx[] = { 30, 30, 30, 0.5, 2000, 500 };
    g5_covsample_t s = sample(human, xx, NULL, NULL, dir);
    ok(fabs(s.autosome_depth - 30) < 1e-9, "autosomes: chr1 and chr2 only, not chrM or chrUn (%g)", s.autosome_depth);
    ok(fabs(s.x_ratio - 1) < 1e-9 && fabs(s.y_ratio - 0.5 / 30) < 1e-9, "X/A 1, Y/A 0.017");
    is_str(s.sex, "female", "two X and no Y: female");

    double xy[] = { 30, 30, 15, 12, 2000, 500 };
    s = sample(human, xy, NULL, NULL, dir);
    is_str(s.sex, "male", "X/A 0.5, Y/A 0.4: male");

    double xxy[] = { 30, 30, 30, 15, 0, 0 };
    is_str(sample(human, xxy, NULL, NULL, dir).sex, "unknown", "two X and a Y: unknown");
    double x0[] = { 30, 30, 15, 0, 0, 0 };
    is_str(sample(human, x0, NULL, NULL, dir).sex, "unknown", "one X, no Y: unknown");
    double edge[] = { 40, 40, 30, 3.5, 0, 0 };
    is_str(sample(human, edge, NULL, NULL, dir).sex, "female", "X/A exactly 0.75, Y/A below 0.1: female");
    double edge2[] = { 40, 40, 29, 4, 0, 0 };
    is_str(sample(human, edge2, NULL, NULL, dir).sex, "male", "X/A just below 0.75, Y/A exactly 0.1: male");
    double nox[] = { 30, 30, 0, 15, 0, 0 };
    is_str(sample(human, nox, NULL, NULL, dir).sex, "unknown", "no X depth at all: unknown");
    double none[] = { 0, 0, 0, 0, 0, 0 };
    s = sample(human, none, NULL, NULL, dir);
    ok(isnan(s.x_ratio) && strcmp(s.sex, "unknown") == 0, "no autosome depth: no ratio, unknown");

    // A reference without Y: X alone decides.
    const char *worm = "@SQ\tSN:CHROMOSOME_I\tLN:1000\n@SQ\tSN:CHROMOSOME_II\tLN:1000\n"
                       "@SQ\tSN:CHROMOSOME_X\tLN:1000\n@SQ\tSN:CHROMOSOME_MtDNA\tLN:1000\n";
    double herm[] = { 20, 20, 20, 900 };
    s = sample(worm, herm, NULL, NULL, dir);
    ok(isnan(s.y_ratio) && strcmp(s.sex, "female") == 0, "CHROMOSOME_X matches X; no Y: X/A 1 is female");
    double male[] = { 20, 20, 10, 900 };
    is_str(sample(worm, male, NULL, NULL, dir).sex, "male", "no Y: X/A 0.5 is male");

    // Unnumbered contigs: all but sex chromosomes, mitochondria and '_' names.
    const char *odd = "@SQ\tSN:ctgA\tLN:1000\n@SQ\tSN:ctgB\tLN:1000\n@SQ\tSN:Z\tLN:1000\n@SQ\tSN:W\tLN:1000\n"
                      "@SQ\tSN:ctg_alt\tLN:1000\n";
    double zw[] = { 10, 30, 10, 10, 400 };
    s = sample(odd, zw, "Z", "W", dir);
    ok(fabs(s.autosome_depth - 20) < 1e-9, "named contigs: ctgA and ctgB are the autosomes (%g)", s.autosome_depth);
    ok(fabs(s.x_ratio - 0.5) < 1e-9 && fabs(s.y_ratio - 0.5) < 1e-9, "--sex-chroms Z,W: ratios from Z and W");
}

int main(void)
{
    char dir[] = "/tmp/t_covreport.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_quantize();
    test_sex(dir);
    ok(rmdir(dir) == 0, "no output left behind when nothing is committed");
    return tap_done();
}
