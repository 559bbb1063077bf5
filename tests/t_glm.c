/* t_glm.c -- the linear association path of libseq (pheno, geno, regress)
 * against plink2 --glm on the same files: 200 simulated samples, two
 * quantitative traits (one with planted effects), two covariates, 40
 * variants, some with missing genotypes (plink2 drops those samples per
 * variant: g5_linreg_one refits on the rest).  beta, SE and p must agree to
 * the 6 significant digits plink2 prints (relative difference <= 2e-5).
 * Skipped when plink2 is not installed. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "geno.h"
#include "logreg.h"
#include "pheno.h"
#include "regress.h"

#define N 200
#define V 40

static uint64_t seed = 0x9E3779B97F4A7C15ULL;

static double uniform(void)     /* xorshift64: the same data on every machine */
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (double)(seed >> 11) / 9007199254740992.0;
}

static char dir[] = "/tmp/t_glm.XXXXXX";

static const char *in_dir(const char *name)
{
    static char path[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

/* Write the VCF, phenotypes and covariates. */
static void simulate(void)
{
    static int g[V][N];
    double age[N], sex[N], t1[N], t2[N];
    int t3[N];
    for (int v = 0; v < V; v++) {
        double f = 0.05 + 0.45 * uniform();
        for (int i = 0; i < N; i++) g[v][i] = uniform() < 0.02 && v % 4 == 3 ? -1 : (uniform() < f) + (uniform() < f);
    }
    for (int i = 0; i < N; i++) {
        sex[i] = uniform() < 0.5;
        age[i] = 20 + 60 * uniform();
        double e1 = 0, e2 = 0;
        for (int k = 0; k < 6; k++) e1 += uniform() - 0.5, e2 += uniform() - 0.5;
        t1[i] = 0.5 * sex[i] + 0.01 * age[i] + 0.6 * (g[0][i] > 0 ? g[0][i] : 0) + e1;
        t2[i] = -0.3 * sex[i] + e2;
        // binary: logit = -0.5 + 0.4 sex + 0.8 (copies of variant 2)
        double eta = -0.5 + 0.4 * sex[i] + 0.8 * (g[1][i] > 0 ? g[1][i] : 0);
        t3[i] = uniform() < 1 / (1 + exp(-eta));
    }
    // variant 39 only in cases: separation, which the ordinary fit cannot
    // handle and Firth's can
    for (int i = 0; i < N; i++) g[38][i] = t3[i] && uniform() < 0.15;
    FILE *fp = fopen(in_dir("g.vcf"), "w");
    fprintf(fp, "##fileformat=VCFv4.2\n##contig=<ID=1,length=10000000>\n"
                "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n"
                "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT");
    for (int i = 0; i < N; i++) fprintf(fp, "\tS%d", i + 1);
    fputc('\n', fp);
    for (int v = 0; v < V; v++) {
        fprintf(fp, "1\t%d\tv%d\tA\tG\t.\tPASS\t.\tGT", 1000 * (v + 1), v + 1);
        for (int i = 0; i < N; i++)
            fprintf(fp, "\t%s", g[v][i] < 0 ? "./." : g[v][i] == 0 ? "0/0" : g[v][i] == 1 ? "0/1" : "1/1");
        fputc('\n', fp);
    }
    fclose(fp);
    fp = fopen(in_dir("p.tsv"), "w");
    fprintf(fp, "#IID\tt1\tt2\tt3\n");     // t3 in plink's 1/2 coding
    for (int i = 0; i < N; i++) fprintf(fp, "S%d\t%.10g\t%.10g\t%d\n", i + 1, t1[i], t2[i], t3[i] + 1);
    fclose(fp);
    fp = fopen(in_dir("c.tsv"), "w");
    fprintf(fp, "#IID\tsex\tage\n");
    for (int i = 0; i < N; i++) fprintf(fp, "S%d\t%g\t%.10g\n", i + 1, sex[i], age[i]);
    fclose(fp);
}

/* plink2's result for variant v (from 0) in its output file @p name:
 * beta (log OR for logistic), SE, p, and whether Firth was used. */
static int plink2_row(const char *name, int v, double *beta, double *se, double *p, int *firth)
{
    char line[1024], want[32];
    FILE *fp = fopen(in_dir(name), "r");
    if (!fp) return -1;
    int r = -1, col_id = -1, col_test = -1, col_beta = -1, col_or = -1, col_se = -1, col_p = -1, col_firth = -1;
    snprintf(want, sizeof want, "v%d", v + 1);
    while (fgets(line, sizeof line, fp)) {
        char *f[20] = { line };
        int n = 0;
        for (char *t = strtok(line, "\t\n"); t && n < 20; t = strtok(NULL, "\t\n")) f[n++] = t;
        if (f[0][0] == '#') {       // the header: find the columns
            for (int k = 0; k < n; k++) {
                if (!strcmp(f[k], "ID")) col_id = k;
                else if (!strcmp(f[k], "TEST")) col_test = k;
                else if (!strcmp(f[k], "BETA")) col_beta = k;
                else if (!strcmp(f[k], "OR")) col_or = k;
                else if (!strcmp(f[k], "SE") || !strcmp(f[k], "LOG(OR)_SE")) col_se = k;
                else if (!strcmp(f[k], "P")) col_p = k;
                else if (!strcmp(f[k], "FIRTH?")) col_firth = k;
            }
            continue;
        }
        if (col_id < 0 || col_p >= n || strcmp(f[col_id], want) || strcmp(f[col_test], "ADD")) continue;
        *beta = col_beta >= 0 ? atof(f[col_beta]) : log(atof(f[col_or]));
        *se = atof(f[col_se]);
        *p = atof(f[col_p]);
        *firth = col_firth >= 0 && !strcmp(f[col_firth], "Y");
        r = 0;
    }
    fclose(fp);
    return r;
}

static int close6(double a, double b)
{
    return fabs(a - b) <= 2e-5 * fmax(fabs(a), fabs(b)) || fabs(a - b) < 1e-300;
}

int main(void)
{
    if (system("plink2 --version >/dev/null 2>&1") != 0) {
        printf("1..0 # SKIP plink2 not installed\n");
        return 0;
    }
    if (!mkdtemp(dir)) return 1;
    simulate();
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && plink2 --vcf g.vcf --pheno p.tsv --covar c.tsv --covar-variance-standardize "
             "--glm hide-covar --out o >/dev/null 2>&1", dir);
    ok(system(cmd) == 0, "plink2 --glm ran");


    char why[512] = "";
    g5_pheno_t *ph = g5_pheno_read(in_dir("p.tsv"), why, sizeof why);
    g5_pheno_t *cv = g5_pheno_read(in_dir("c.tsv"), why, sizeof why);
    g5_geno_t *g = g5_geno_open(in_dir("g.vcf"), NULL, 0, why, sizeof why);
    ok(ph && cv && g, "tables and genotypes read %s", why);
    if (!ph || !cv || !g) return tap_done();
    // samples in the phenotype table's order
    int idx[N];
    for (int j = 0; j < N; j++)
        for (int i = 0; i < g5_geno_nsamples(g); i++)
            if (!strcmp(g5_geno_sample(g, i), ph->iid[j])) idx[j] = i;
    g5_geno_select(g, N, idx);
    double C[2 * N], Y[2 * N];
    for (int i = 0; i < N; i++) {
        C[i] = g5_pheno_value(cv, 0, g5_pheno_row(cv, ph->iid[i]));
        C[N + i] = g5_pheno_value(cv, 1, g5_pheno_row(cv, ph->iid[i]));
        Y[i] = g5_pheno_value(ph, 0, i);
        Y[N + i] = g5_pheno_value(ph, 1, i);
    }
    g5_linreg_t *L = g5_linreg_init(N, 2, C, 2, Y, why, sizeof why);
    ok(L != NULL, "covariates projected out %s", why);

    double *work = L ? malloc(g5_linreg_work(L, 1) * sizeof *work) : NULL;
    const g5_gvar_t *v;
    int nv = 0, agree = 1, refit = 0;
    double worst = 0;
    while (L && g5_geno_next(g, &v) == 1) {
        g5_lmres_t res[2];
        if (v->n == N) {
            g5_linreg_test(L, 1, v->x, NULL, work, res);
        } else {    // missing samples: refit on the others, as plink2 does
            double Cs[2 * N], ys[N], xs[N];
            int m = 0;
            refit++;
            for (int k = 0; k < 2; k++) {
                m = 0;
                for (int i = 0; i < N; i++) {
                    if (isnan(v->x[i])) continue;
                    Cs[m] = C[i];
                    Cs[N + m] = C[N + i];
                    xs[m] = v->x[i];
                    ys[m++] = Y[k * N + i];
                }
                memmove(Cs + m, Cs + N, m * sizeof *Cs);
                g5_linreg_one(m, 2, Cs, ys, xs, &res[k]);
            }
        }
        for (int k = 0; k < 2; k++) {
            double beta, se, p;
            int firth;
            if (plink2_row(k ? "o.t2.glm.linear" : "o.t1.glm.linear", nv, &beta, &se, &p, &firth) < 0) {
                agree = 0;
                continue;
            }
            int same = close6(res[k].beta, beta) && close6(res[k].se, se) && close6(res[k].p, p);
            double d = fmax(fabs(res[k].beta - beta) / fabs(beta), fabs(res[k].p - p) / p);
            if (d > worst) worst = d;
            if (!same) {
                fprintf(stderr, "# v%d t%d: g5 %.7g %.7g %.7g, plink2 %g %g %g\n", nv + 1, k + 1, res[k].beta,
                        res[k].se, res[k].p, beta, se, p);
                agree = 0;
            }
        }
        nv++;
    }
    is_int(nv, V, "every variant tested");
    ok(refit > 0, "%d variants with missing genotypes refitted", refit);
    ok(agree, "beta, SE and p as plink2 --glm prints them, both traits (largest relative difference %.2g)", worst);
    g5_linreg_free(L);
    free(work);
    g5_geno_close(g);

    // the binary trait: logistic regression, Firth where the fit fails --
    // within 1e-3 of plink2's (the optimisers stop at different places)
    ok(g5_pheno_types(ph, NULL, why, sizeof why) == 0 && ph->type[2] == G5_TRAIT_BINARY, "t3 is binary (1/2 coding)");
    g = g5_geno_open(in_dir("g.vcf"), NULL, 0, why, sizeof why);
    g5_geno_select(g, N, idx);
    g5_logreg_t *LR = g5_logreg_init(N, 2);
    int nl = 0, firths = 0, same_firth = 1, agree_l = 1, missing_calls = 0;
    double worst_l = 0;
    while (g && LR && g5_geno_next(g, &v) == 1) {
        double Cs[2 * N], ys[N], xs[N];
        int m = 0;
        for (int i = 0; i < N; i++) {
            if (isnan(v->x[i])) continue;
            Cs[m] = C[i];
            Cs[N + m] = C[N + i];
            xs[m] = v->x[i];
            ys[m++] = g5_pheno_value(ph, 2, i);
        }
        memmove(Cs + m, Cs + N, m * sizeof *Cs);
        g5_logres_t lr;
        g5_logreg_test(LR, m, 2, Cs, ys, xs, 1, &lr);
        double beta, se, p;
        int firth;
        // plink2 2.00a3.5's logistic SE for a variant with missing calls
        // depends on the other variants of the run (0.2314 or 0.2312 for
        // v16, 0.2315 when it is run alone or on its samples alone, as g5
        // has it): such a variant is compared with a run of its own
        char file[64] = "o.t3.glm.logistic.hybrid";
        if (m < N) {
            snprintf(cmd, sizeof cmd, "cd %s && plink2 --vcf g.vcf --pheno p.tsv --covar c.tsv "
                     "--covar-variance-standardize --glm hide-covar --snp v%d --out alone%d >/dev/null 2>&1",
                     dir, nl + 1, nl + 1);
            snprintf(file, sizeof file, "alone%d.t3.glm.logistic.hybrid", nl + 1);
            if (system(cmd) != 0) agree_l = 0;
        }
        if (plink2_row(file, nl, &beta, &se, &p, &firth) < 0 || !lr.ok) {
            agree_l = 0;
            fprintf(stderr, "# v%d: no result (g5 ok %d)\n", nl + 1, lr.ok);
            nl++;
            continue;
        }
        firths += lr.firth;
        same_firth &= lr.firth == firth;
        // beta relative to its size or its SE (a beta near 0 has few digits)
        double d = fmax(fabs(lr.beta - beta) / fmax(fabs(beta), se), fmax(fabs(lr.se - se) / se, fabs(lr.p - p) / p));
        missing_calls += m < N;
        if (d > worst_l) worst_l = d;
        if (d > 1e-3) {
            agree_l = 0;
            fprintf(stderr, "# v%d: g5 %.7g %.7g %.7g%s, plink2 %g %g %g%s\n", nl + 1, lr.beta, lr.se, lr.p,
                    lr.firth ? " firth" : "", beta, se, p, firth ? " firth" : "");
        }
        nl++;
    }
    is_int(nl, V, "every variant tested against the binary trait");
    ok(firths > 0 && same_firth, "Firth used where plink2 uses it (%d variants)", firths);
    ok(agree_l, "log OR, SE and p as plink2's within 1e-3, %d variants with missing calls among them (largest %.2g)",
       missing_calls, worst_l);
    g5_logreg_free(LR);
    g5_geno_close(g);

    // PLINK 1 binary genotypes written by plink2 from the same VCF: the
    // same dosages, variant for variant, in the same sample order
    snprintf(cmd, sizeof cmd, "cd %s && plink2 --vcf g.vcf --make-bed --out b >/dev/null 2>&1", dir);
    ok(system(cmd) == 0, "plink2 --make-bed ran");
    g5_geno_t *gv = g5_geno_open(in_dir("g.vcf"), NULL, 0, why, sizeof why);
    g5_geno_t *gb = g5_geno_open(in_dir("b.bed"), NULL, 0, why, sizeof why);
    int nb = 0, same_bed = gv && gb && g5_geno_nsamples(gb) == N;
    if (same_bed) {
        int idx_b[N];
        for (int j = 0; j < N; j++)
            for (int i = 0; i < N; i++)
                if (!strcmp(g5_geno_sample(gb, i), ph->iid[j])) idx_b[j] = i;
        g5_geno_select(gv, N, idx);
        g5_geno_select(gb, N, idx_b);
    }
    const g5_gvar_t *vb;
    while (same_bed && g5_geno_next(gv, &v) == 1) {
        if (g5_geno_next(gb, &vb) != 1) { same_bed = 0; break; }
        same_bed &= v->pos == vb->pos && !strcmp(v->ref, vb->ref) && !strcmp(v->alt, vb->alt) && v->n == vb->n
                    && v->het == vb->het && v->hom_alt == vb->hom_alt;
        for (int i = 0; i < N; i++)
            same_bed &= (isnan(v->x[i]) && isnan(vb->x[i])) || v->x[i] == vb->x[i];
        nb++;
    }
    ok(same_bed && nb == V && g5_geno_next(gb, &vb) == 0, "a .bed gives the VCF's dosages for all %d variants %s", nb,
       gb ? "" : why);
    g5_geno_close(gv);
    g5_geno_close(gb);
    g5_pheno_free(ph);
    g5_pheno_free(cv);
    snprintf(cmd, sizeof cmd, getenv("KEEP") ? "true %s" : "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return tap_done();
}
