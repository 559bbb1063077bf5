/*
 * g5.c -- the front: `g5 TOOL ARGS` runs main_TOOL(argc, argv) with
 * argv[0] = "TOOL".  The command table below drives dispatch and the help
 * listing both, so a tool cannot exist without appearing in `g5 help`.
 */
#include <stdio.h>
#include <string.h>

#include <htslib/hts.h>

#include "cli.h"
#include "out.h"
#include "version.h"

int main_sort(int argc, char *argv[]);
int main_merge(int argc, char *argv[]);
int main_markdup(int argc, char *argv[]);
int main_stats(int argc, char *argv[]);
int main_coverage(int argc, char *argv[]);
int main_call(int argc, char *argv[]);
int main_concord(int argc, char *argv[]);
int main_joint(int argc, char *argv[]);
int main_assoc(int argc, char *argv[]);
int main_meta(int argc, char *argv[]);
int main_kin(int argc, char *argv[]);
int main_pca(int argc, char *argv[]);
int main_sampleqc(int argc, char *argv[]);
int main_release(int argc, char *argv[]);
int main_verify(int argc, char *argv[]);

typedef struct {
    const char *name;
    int (*main)(int argc, char *argv[]);
    const char *help;
} g5_cmd_t;

static const g5_cmd_t commands[] = {
    { "sort", main_sort, "sort alignments by coordinate, name or tag within one memory budget" },
    { "merge", main_merge, "merge sorted SAM/BAM/CRAM files, combining @RG/@PG headers" },
    { "markdup", main_markdup, "mark duplicates as Picard MarkDuplicates does, with its metrics" },
    { "stats", main_stats, "alignment statistics: flagstat and samtools-stats SN numbers" },
    { "coverage", main_coverage, "depth of coverage with mosdepth's outputs, and inferred sex" },
    { "call", main_call, "call SNVs and indels jointly from indexed BAM/CRAM files; --gvcf per sample" },
    { "joint", main_joint, "genotype a cohort from gVCFs of any caller; merged gVCF for adding samples (N+1)" },
    { "assoc", main_assoc, "GWAS/PheWAS: every trait against every variant, GWAS-SSF and plots per trait" },
    { "meta", main_meta, "meta-analysis of studies' summary statistics: fixed, random, sample-size; alleles aligned" },
    { "pca", main_pca, "principal components (plink2 --pca), loadings, and projection of new samples" },
    { "kin", main_kin, "KING-robust kinship of every pair, degrees, and who to drop to leave no relatives" },
    { "sampleqc", main_sampleqc, "per-sample call rate, heterozygosity and F, Ts/Tv, sex check, outliers" },
    { "release", main_release, "a release folder with a manifest: sha256, access tier and provenance of each file" },
    { "verify", main_verify, "re-check a release against its manifest: missing, extra or changed files, tiers" },
    { "concord", main_concord, "compare calls with a truth set after normalisation: TP, FP, FN, F1 per type" },
};
#define N_COMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *fp)
{
    fprintf(fp,
        "g5 %s: a toolkit for population sequencing programmes\n"
        "\n"
        "Usage:   g5 <command> [options]\n"
        "         g5 help <command>    help for one command\n"
        "         g5 --version         versions of g5 and htslib, build flags\n"
        "\n"
        "Commands:\n", g5_version());
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].help);
}

static const g5_cmd_t *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static int unknown(const char *name)
{
    g5_err(NULL, "unknown command \"%s\"", name);
    fprintf(stderr, "Run 'g5 help' for the list of commands.\n");
    return G5_EXIT_USAGE;
}

int main(int argc, char *argv[])
{
    if (argc < 2) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    const char *cmd = argv[1];

    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        if (argc > 2) {
            const g5_cmd_t *c = find(argv[2]);
            if (!c) return unknown(argv[2]);
            char *help_argv[] = { (char *)c->name, "-h", NULL };
            return c->main(2, help_argv);
        }
        usage(stdout);
        return g5_finish(NULL, G5_EXIT_OK);
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("g5 %s\nUsing htslib %s\n\nBuilt with %s, CFLAGS: %s\n",
               g5_version(), hts_version(), G5_CC, G5_CFLAGS);
        return g5_finish(NULL, G5_EXIT_OK);
    }
    if (strcmp(cmd, "--version-only") == 0) {
        printf("%s+htslib-%s\n", g5_version(), hts_version());
        return g5_finish(NULL, G5_EXIT_OK);
    }

    const g5_cmd_t *c = find(cmd);
    if (!c) return unknown(cmd);
    return c->main(argc - 1, argv + 1);
}
