/*
 * kin.c -- g5 kin: KING-robust kinship of every pair of samples of a call
 * set (plink2 --make-king-table's numbers), the degree of relationship it
 * implies, and the fewest samples to drop so that no close relatives
 * remain.
 *
 * Genotypes come through libseq/geno (the decoding g5 assoc uses), are
 * filtered (biallelic, diploid hard calls; --maf, --geno) and counted by
 * libseq/kin in chunks of variants within the memory budget; -@ threads
 * share the pairs.  The table lists pairs in plink2's order (by the later
 * sample, then the earlier), so it is the same at any -@ and any -m.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/kstring.h>

#include "cli.h"
#include "fmt.h"
#include "geno.h"
#include "kin.h"
#include "out.h"
#include "progress.h"
#include "ssf.h"

static const char TOOL[] = "kin";

typedef struct args {
    g5_opts_t o;
    const char *in, *within;
    double min_kinship, cutoff, maf, geno;
    int help;
    char *cmdline;
} args_t;

/* KING's degrees: the thresholds halve from duplicates (0.5) down. */
static const struct { double above; const char *name; } degrees[] = {
    { 0.354, "dup/MZ" }, { 0.177, "1st" }, { 0.0884, "2nd" }, { 0.0442, "3rd" }, { -INFINITY, "unrelated" },
};
#define NDEGREES 5

static int degree_of(double kinship)
{
    int d = 0;
    while (d < NDEGREES - 1 && !(kinship > degrees[d].above)) d++;
    return d;
}

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 kin [options] -o PREFIX GENOTYPES.vcf.gz|.bcf|.bed\n"
        "\n"
        "KING-robust kinship of every pair of samples, as plink2 --make-king-table,\n"
        "from biallelic diploid hard calls (GT) on the autosomes, with the degree of\n"
        "relationship and the fewest samples to drop (greedily) to leave no close\n"
        "relatives.\n"
        "\n"
        "Pairs:\n"
        "      --min-kinship FLOAT  write pairs with kinship at least FLOAT; a negative\n"
        "                           value writes every pair [0.0442: 3rd degree]\n"
        "      --within FILE        only pairs in the same group: TSV IID, GROUP with a\n"
        "                           header line\n"
        "      --cutoff FLOAT       drop samples until no pair is above FLOAT [0.0884]\n"
        "Variants:\n"
        "      --maf FLOAT          minor allele frequency at least FLOAT [0]\n"
        "      --geno FLOAT         at most FLOAT of the samples without a call [1]\n"
        "Output:\n"
        "  -o, --output PREFIX      PREFIX.kin0 (plink2's columns, then DEGREE),\n"
        "                           PREFIX.exclude.id, PREFIX.log\n"
        "  -@, --threads INT       additional threads [0]\n"
        "  -m, --memory SIZE        memory budget [1G]\n"
        "      --progress, --no-progress, --verbosity INT, -h, --help\n"
        "\n"
        "See g5-kin(1).\n");
}

enum { OPT_MIN_KINSHIP = G5_OPT_TOOL_BASE, OPT_WITHIN, OPT_CUTOFF, OPT_MAF, OPT_GENO };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"min-kinship", required_argument, NULL, OPT_MIN_KINSHIP},
        {"within", required_argument, NULL, OPT_WITHIN},
        {"cutoff", required_argument, NULL, OPT_CUTOFF},
        {"maf", required_argument, NULL, OPT_MAF},
        {"geno", required_argument, NULL, OPT_GENO},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:m:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case OPT_WITHIN: a->within = optarg; break;
        case OPT_MIN_KINSHIP:
            if (g5_parse_double(optarg, -1e9, 1, &a->min_kinship) < 0)
                return g5_usage_error(TOOL, "--min-kinship wants a number up to 1, not \"%s\"", optarg);
            break;
        case OPT_CUTOFF:
            if (g5_parse_double(optarg, -1, 1, &a->cutoff) < 0)
                return g5_usage_error(TOOL, "--cutoff wants a kinship in [-1, 1], not \"%s\"", optarg);
            break;
        case OPT_MAF:
            if (g5_parse_double(optarg, 0, 0.5, &a->maf) < 0)
                return g5_usage_error(TOOL, "--maf wants a frequency in [0, 0.5], not \"%s\"", optarg);
            break;
        case OPT_GENO:
            if (g5_parse_double(optarg, 0, 1, &a->geno) < 0)
                return g5_usage_error(TOOL, "--geno wants a fraction in [0, 1], not \"%s\"", optarg);
            break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@omvp")) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (!strcmp(a->o.out, "-")) return g5_usage_error(TOOL, "an output prefix is needed: -o PREFIX");
    return g5_opts_one_input(&a->o, argc, argv, usage, &a->in);
}

/* Drop samples until no pair above the cutoff remains: each time the one in
 * the most such pairs (the first of equals).  Minimum vertex cover is
 * NP-hard; the greedy choice is the usual answer (plink2's --king-cutoff
 * does the like).  Marks drop[i]; @return how many, or -1 (out of memory) */
static int exclude(const g5_kin_t *k, int n, const int *group, double cutoff, char *drop)
{
    int *deg = calloc(n, sizeof *deg), *ei = NULL, *ej = NULL, ne = 0, me = 0, ndrop = 0;
    if (!deg) return -1;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            if (group && (group[i] < 0 || group[i] != group[j])) continue;
            double c = g5_kin_coef(g5_kin_get(k, i, j));
            if (!(c > cutoff)) continue;
            if (ne == me) {
                me = me ? 2 * me : 64;
                int *a = realloc(ei, me * sizeof *a), *b = a ? realloc(ej, me * sizeof *b) : NULL;
                if (a) ei = a;
                if (b) ej = b;
                if (!a || !b) { ndrop = -1; goto done; }
            }
            ei[ne] = i;
            ej[ne++] = j;
            deg[i]++;
            deg[j]++;
        }
    for (;;) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (!drop[i] && deg[i] > 0 && (best < 0 || deg[i] > deg[best])) best = i;
        if (best < 0) break;
        drop[best] = 1;
        ndrop++;
        for (int e = 0; e < ne; e++)
            if (ei[e] == best || ej[e] == best) {
                deg[ei[e]]--;
                deg[ej[e]]--;
                ei[e] = ej[e] = -1;
            }
    }
done:
    free(deg);
    free(ei);
    free(ej);
    return ndrop;
}

int main_kin(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.min_kinship = 0.0442;
    a.cutoff = 0.0884;
    a.geno = 1;
    g5_geno_t *g = NULL;
    g5_kin_t *k = NULL;
    int *group = NULL;
    char *drop = NULL;
    g5_out_t *kin0 = NULL, *excl = NULL;
    kstring_t log = KS_INITIALIZE, path = KS_INITIALIZE, row = KS_INITIALIZE;
    char why[1024];
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;
    if (!(a.cmdline = g5_cmdline(argc, argv))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (!(g = g5_geno_open(a.in, NULL, a.o.threads, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    int n = g5_geno_nsamples(g), ngrouped = n;
    if (n < 2) {
        g5_err(TOOL, "\"%s\" has %d sample%s: kinship needs two or more", a.in, n, n == 1 ? "" : "s");
        goto done;
    }
    if (a.within) {
        char **names = NULL;
        int ngroups = 0;
        if (!(group = malloc(n * sizeof *group))
            || g5_geno_groups(g, a.within, "group", group, &names, &ngroups, why, sizeof why) < 0) {
            g5_err(TOOL, "%s", group ? why : "out of memory");
            goto done;
        }
        for (int i = 0; i < ngroups; i++) free(names[i]);
        free(names);
        ngrouped = 0;
        for (int i = 0; i < n; i++) ngrouped += group[i] >= 0;
    }
    size_t budget = a.o.memory ? a.o.memory : (size_t)1 << 30;
    if (!(k = g5_kin_init(n, budget, a.o.threads))) {
        if (budget < g5_kin_pair_bytes(n) + (size_t)n * 3 * 8)
            g5_err(TOOL, "-m %zuK is too small for %d samples: their pairs' counts and one chunk of calls take %zuK",
                   budget >> 10, n, ((g5_kin_pair_bytes(n) + (size_t)n * 32) >> 10) + 1);
        else
            g5_err(TOOL, "out of memory");
        goto done;
    }

    // the variants
    g5_progress_t progress;
    g5_progress_start(&progress, TOOL, "variants", a.o.progress, 0);
    // counted by record (a multiallelic record gives a variant per ALT)
    long long nread = 0, sex = 0, multi = 0, nondiploid = 0, callrate = 0, rare = 0, polymorphic = 0;
    const g5_gvar_t *v;
    int r;
    while ((r = g5_geno_next(g, &v)) == 1) {
        if (v->ialt > 1) continue;
        nread++;
        g5_progress_add(&progress, 1);
        // autosomes only, as plink2: X and Y calls depend on sex
        int code = g5_ssf_chrom_code(v->chrom);
        if (code < 1 || code > 22) { sex++; continue; }
        switch (g5_gvar_filter(v, n, a.geno, a.maf)) {
        case G5_GVAR_MULTIALLELIC: multi++; continue;
        case G5_GVAR_NOT_DIPLOID: nondiploid++; continue;
        case G5_GVAR_CALLS: callrate++; continue;
        case G5_GVAR_MAF: rare++; continue;
        }
        polymorphic += v->ac > 0 && v->ac < v->an;
        if (g5_kin_add(k, v->x) < 0) {
            g5_err(TOOL, "cannot start threads");
            goto done;
        }
    }
    g5_progress_done(&progress);
    if (r < 0) {
        g5_err(TOOL, "%s", g5_geno_why(g));
        goto done;
    }
    if (g5_kin_finish(k) < 0) {
        g5_err(TOOL, "cannot start threads");
        goto done;
    }
    if (!polymorphic) {
        g5_err(TOOL, "\"%s\": no polymorphic variant left to count (%lld records read: %lld not on autosomes 1-22, "
               "%lld multiallelic, %lld not diploid, %lld over --geno, %lld under --maf; %llu left, one allele each)",
               a.in, nread, sex, multi, nondiploid, callrate, rare, (unsigned long long)g5_kin_nvariants(k));
        goto done;
    }

    // the table, pairs in sample order
    ksprintf(&path, "%s.kin0", a.o.out);
    FILE *fp;
    if (!(kin0 = g5_out_open(path.s)) || !(fp = g5_out_stream(kin0))) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    g5_prov_tsv(fp, TOOL, a.cmdline);
    fputs("#IID1\tIID2\tNSNP\tHETHET\tIBS0\tKINSHIP\tDEGREE\n", fp);
    long long by_degree[NDEGREES] = { 0 }, npairs = 0, written = 0, no_estimate = 0;
    // plink2's order: by the later sample, then the earlier, later first
    for (int j = 1; j < n; j++)
        for (int i = 0; i < j; i++) {
            if (group && (group[i] < 0 || group[i] != group[j])) continue;
            const g5_kin_pair_t *p = g5_kin_get(k, i, j);
            double c = g5_kin_coef(p);
            int d = degree_of(c);
            npairs++;
            if (isnan(c)) no_estimate++;        // no heterozygote in one of them: no degree either
            else by_degree[d]++;
            if (!(c >= a.min_kinship) && !(a.min_kinship < 0)) continue;
            written++;
            // a line built in memory: millions of pairs, printf's cost shows
            kputs(g5_geno_sample(g, j), &row);
            kputc('\t', &row);
            kputs(g5_geno_sample(g, i), &row);
            kputc('\t', &row);
            kputuw(p->nsnp, &row);
            kputc('\t', &row);
            g5_fmt_kput(&row, p->nsnp ? (double)p->hethet / p->nsnp : NAN, 7);
            kputc('\t', &row);
            g5_fmt_kput(&row, p->nsnp ? (double)p->ibs0 / p->nsnp : NAN, 7);
            kputc('\t', &row);
            g5_fmt_kput(&row, c, 7);
            kputc('\t', &row);
            kputs(isnan(c) ? "NA" : degrees[d].name, &row);
            kputc('\n', &row);
            if (row.l >= 1 << 16) {
                fwrite(row.s, 1, row.l, fp);
                row.l = 0;
            }
        }
    if (row.l) fwrite(row.s, 1, row.l, fp);

    // the samples to drop
    if (!(drop = calloc(n, 1))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    int ndrop = exclude(k, n, group, a.cutoff, drop);
    if (ndrop < 0) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    path.l = 0;
    ksprintf(&path, "%s.exclude.id", a.o.out);
    if (!(excl = g5_out_open(path.s)) || !(fp = g5_out_stream(excl))) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    g5_prov_tsv(fp, TOOL, a.cmdline);      // plink2 --remove reads past it
    fputs("#IID\n", fp);
    for (int i = 0; i < n; i++)
        if (drop[i]) fprintf(fp, "%s\n", g5_geno_sample(g, i));

    g5_prov_kput(&log, TOOL, a.cmdline);
    ksprintf(&log, "samples: %d in \"%s\"", n, a.in);
    if (group) ksprintf(&log, ", %d in groups of \"%s\"", ngrouped, a.within);
    ksprintf(&log, "\nvariants: %lld read, %llu counted; left out: %lld not on autosomes 1-22, %lld multiallelic, "
             "%lld with calls that are not diploid, %lld over --geno %g, %lld under --maf %g\n", nread,
             (unsigned long long)g5_kin_nvariants(k), sex, multi, nondiploid, callrate, a.geno, rare, a.maf);
    ksprintf(&log, "pairs: %lld, %lld written (kinship >= %g)\n", npairs, written, a.min_kinship);
    for (int d = 0; d < NDEGREES; d++) ksprintf(&log, "degree\t%s\t%lld\n", degrees[d].name, by_degree[d]);
    if (no_estimate) ksprintf(&log, "degree\tNA\t%lld\t(a sample without heterozygous calls)\n", no_estimate);
    ksprintf(&log, "exclude: %d samples leave no pair above %g\n", ndrop, a.cutoff);
    path.l = 0;
    ksprintf(&path, "%s.log", a.o.out);
    // the table and list first, the log last: a log names finished files
    // all three or none: a table left by a failed run would look finished
    g5_outset_t outs = { NULL, 0 };
    char *names[2] = { strdup(g5_out_final(kin0)), strdup(g5_out_final(excl)) };
    int c1 = g5_out_commit(kin0), c2 = g5_out_commit(excl);
    kin0 = excl = NULL;
    if (c1 == 0) c1 = names[0] ? g5_outset_add(&outs, names[0]) : -1;
    if (c2 == 0) c2 = names[1] ? g5_outset_add(&outs, names[1]) : -1;
    free(names[0]);
    free(names[1]);
    if (c1 < 0 || c2 < 0 || g5_out_string(path.s, log.s, log.l) < 0) {
        g5_err_errno(TOOL, "cannot write the outputs of \"%s\"", a.o.out);
        g5_outset_undo(&outs);
        goto done;
    }
    g5_outset_free(&outs);
    if (a.o.verbosity >= 1)
        g5_info(TOOL, "%lld pairs, %lld at kinship >= %g; %lld duplicate, %lld 1st, %lld 2nd, %lld 3rd degree; "
                "%d samples to exclude", npairs, written, a.min_kinship, by_degree[0], by_degree[1], by_degree[2],
                by_degree[3], ndrop);
    status = G5_EXIT_OK;
done:
    g5_out_abort(kin0);
    g5_out_abort(excl);
    g5_kin_free(k);
    g5_geno_close(g);
    free(group);
    free(drop);
    free(log.s);
    free(path.s);
    free(row.s);
    free(a.cmdline);
    return status;
}
