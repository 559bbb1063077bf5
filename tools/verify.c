/*
 * verify.c -- g5 verify: re-check a release folder against its
 * MANIFEST.tsv -- every file there, none more, each of the size and SHA-256
 * listed, of the kind and access tier the rules of libseq/manifest give it
 * now -- and, with --sha256, the manifest against the digest sent apart.
 *
 * Each difference is one line on stderr naming the file and the manifest's
 * line and column; the status is 1 when there is any.  Tiers are judged
 * again from the content with the --dict and --policy given, as g5 release
 * judged them: a file of a controlled trait released under a policy is open
 * only where that policy and its ledger are at hand.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include <sys/stat.h>

#include <htslib/kstring.h>

#include "cli.h"
#include "disclose.h"
#include "manifest.h"
#include "pheno.h"

static const char TOOL[] = "verify";

typedef struct args {
    g5_opts_t o;
    const char *dir, *sha256, *dict, *policy;
    int help;
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 verify [options] DIR\n"
        "\n"
        "Check a release folder made by g5 release against DIR/MANIFEST.tsv: missing,\n"
        "extra or changed files (size, SHA-256), and each file's kind and access tier\n"
        "judged again from its content.  One line on stderr per difference; exit 1 if\n"
        "there is any.\n"
        "\n"
        "Options:\n"
        "      --sha256 HEX        the manifest's SHA-256, as g5 release printed it\n"
        "      --dict FILE         trait dictionary, as given to g5 release\n"
        "      --policy FILE       disclosure policy, as given to g5 release\n"
        "  -@, --threads INT       additional threads, to hash [0]\n"
        "      --verbosity INT, -h, --help\n"
        "\n"
        "See g5-verify(1).\n");
}

enum { OPT_SHA256 = G5_OPT_TOOL_BASE, OPT_DICT, OPT_POLICY };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"sha256", required_argument, NULL, OPT_SHA256},
        {"dict", required_argument, NULL, OPT_DICT},
        {"policy", required_argument, NULL, OPT_POLICY},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case OPT_SHA256:
            if (strlen(optarg) != 64 || strspn(optarg, "0123456789abcdefABCDEF") != 64)
                return g5_usage_error(TOOL, "--sha256 wants 64 hex digits, not \"%s\"", optarg);
            a->sha256 = optarg;
            break;
        case OPT_DICT: a->dict = optarg; break;
        case OPT_POLICY: a->policy = optarg; break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@v")) != G5_EXIT_OK) return r;
        }
    }
    return g5_opts_one_input(&a->o, argc, argv, usage, &a->dir);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files in the folder that the manifest does not list, sorted.  @return
 * how many were reported, or -1 after reporting an error */
static int extra_files(const char *dir, const g5_manifest_t *m)
{
    DIR *d = opendir(dir);
    if (!d) {
        g5_err_errno(TOOL, "cannot read the folder \"%s\"", dir);
        return -1;
    }
    char **extra = NULL;
    int n = 0, cap = 0, r = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *name = e->d_name;
        if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, G5_MANIFEST_NAME)) continue;
        int listed = 0;
        for (int i = 0; i < m->n && !listed; i++) listed = !strcmp(m->file[i].name, name);
        if (listed) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            char **x = realloc(extra, cap * sizeof *x);
            if (!x) { r = -1; break; }
            extra = x;
        }
        if (!(extra[n] = strdup(name))) { r = -1; break; }
        n++;
    }
    closedir(d);
    if (r < 0) g5_err(TOOL, "out of memory");
    else if (n) qsort(extra, n, sizeof *extra, by_string);
    for (int i = 0; i < n; i++) {
        if (r == 0) g5_err(TOOL, "\"%s/%s\": not in the manifest", dir, extra[i]);
        free(extra[i]);
    }
    free(extra);
    return r < 0 ? -1 : n;
}

int main_verify(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    g5_manifest_t m = { 0 };
    g5_mfile_t *got = NULL;
    int *row = NULL, ngot = 0, have_policy = 0;
    g5_dict_t *dict = NULL;
    g5_policy_t policy;
    g5_ledger_t ledger;
    memset(&ledger, 0, sizeof ledger);
    kstring_t mpath = KS_INITIALIZE, src = KS_INITIALIZE;
    char why[1024];
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;
    ksprintf(&mpath, "%s/%s", a.dir, G5_MANIFEST_NAME);
    if (g5_manifest_read(mpath.s, &m, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    if (a.dict && !(dict = g5_dict_read(a.dict, why, sizeof why))) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    if (a.policy) {
        if (g5_policy_read(a.policy, &policy, why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
        have_policy = 1;
        if (policy.ledger && access(policy.ledger, F_OK) == 0 && g5_ledger_read(&policy, &ledger, why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
    }
    int ndiff = 0;
    if (a.sha256) {
        char hex[65];
        if (g5_sha256_file(mpath.s, hex, NULL, why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
        if (strcasecmp(hex, a.sha256)) {
            g5_err(TOOL, "\"%s\": SHA-256 %s, but --sha256 says %s", mpath.s, hex, a.sha256);
            ndiff++;
        }
    }

    // the files that are there: hashed, then judged together
    if (!(got = calloc(m.n ? m.n : 1, sizeof *got)) || !(row = calloc(m.n ? m.n : 1, sizeof *row))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    for (int i = 0; i < m.n; i++) {
        const g5_mfile_t *r = &m.file[i];
        src.l = 0;
        ksprintf(&src, "%s/%s", a.dir, r->name);
        struct stat st;
        int there = lstat(src.s, &st) == 0;
        if (!there || !S_ISREG(st.st_mode)) {
            g5_err(TOOL, "\"%s\" (manifest line %d): %s", src.s, r->line,
                   there ? "not a regular file" : errno == ENOENT ? "missing" : strerror(errno));
            ndiff++;
            continue;
        }
        if (g5_mfile_init(&got[ngot], r->name, src.s) < 0) {
            g5_mfile_free(&got[ngot]);
            g5_err(TOOL, "out of memory");
            goto done;
        }
        row[ngot++] = i;
    }
    if (g5_mfile_hash(got, ngot, NULL, a.o.threads, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    // a file too damaged to read as its kind is a difference, not the end
    char *unread = calloc(ngot ? ngot : 1, 1);
    if (!unread) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    for (int k = 0; k < ngot; k++)
        if (g5_mfile_detect(&got[k], why, sizeof why) < 0) {
            g5_err(TOOL, "\"%s\" (manifest line %d): %s", got[k].src, m.file[row[k]].line, why);
            unread[k] = 1;
            ndiff++;
        }
    // At the receiving end the policy (its rules) is at hand but its ledger
    // (the centre's sample IDs) is not: rows are checked, sets are not.
    int have_ledger = have_policy && policy.ledger && access(policy.ledger, F_OK) == 0;
    if (have_policy && !have_ledger && a.o.verbosity >= 1)
        g5_info(TOOL, "the policy's ledger is not here: sample sets are as the sender checked them");
    if (g5_mfile_tiers(got, ngot, dict, have_policy ? &policy : NULL, have_ledger ? &ledger : NULL, why,
                       sizeof why) < 0) {
        free(unread);
        g5_err(TOOL, "%s", why);
        goto done;
    }

    // the differences, in the manifest's order
    for (int k = 0; k < ngot; k++) {
        const g5_mfile_t *r = &m.file[row[k]], *g = &got[k];
        if (g->size != r->size) {
            g5_err(TOOL, "\"%s\" (manifest line %d, column 2): %lld bytes, the manifest says %lld", g->src, r->line,
                   g->size, r->size);
            ndiff++;
        }
        if (strcmp(g->sha256, r->sha256)) {
            g5_err(TOOL, "\"%s\" (manifest line %d, column 3): SHA-256 %s, the manifest says %s", g->src, r->line,
                   g->sha256, r->sha256);
            ndiff++;
        }
        if (unread[k]) continue;
        if (g->kind != r->kind) {
            g5_err(TOOL, "\"%s\" (manifest line %d, column 5): %s, the manifest says %s", g->src, r->line,
                   g5_kind_name(g->kind), g5_kind_name(r->kind));
            ndiff++;
        }
        if (g->tier != r->tier) {
            g5_err(TOOL, "\"%s\" (manifest line %d, column 4): tier %s%s%s%s, the manifest says %s", g->src, r->line,
                   g5_tier_name(g->tier), g->why ? " (" : "", g->why ? g->why : "", g->why ? ")" : "",
                   g5_tier_name(r->tier));
            ndiff++;
        }
    }
    free(unread);
    for (int i = 0; i < m.n; i++)
        if (m.tier == G5_TIER_OPEN && m.file[i].tier != G5_TIER_OPEN) {
            g5_err(TOOL, "\"%s/%s\" (manifest line %d, column 4): controlled, in an open release", a.dir,
                   m.file[i].name, m.file[i].line);
            ndiff++;
        }
    int nextra = extra_files(a.dir, &m);
    if (nextra < 0) goto done;
    ndiff += nextra;
    if (ndiff) {
        g5_err(TOOL, "%s: %d difference%s from the manifest (%d files listed)", a.dir, ndiff, ndiff == 1 ? "" : "s",
               m.n);
        goto done;
    }
    if (a.o.verbosity >= 1) g5_info(TOOL, "%s: %d files, all match", a.dir, m.n);
    status = G5_EXIT_OK;
done:
    for (int k = 0; k < ngot; k++) g5_mfile_free(&got[k]);
    free(got);
    free(row);
    g5_manifest_free(&m);
    g5_dict_free(dict);
    if (have_policy) {
        g5_ledger_free(&ledger);
        g5_policy_free(&policy);
    }
    free(mpath.s);
    free(src.s);
    return g5_finish(TOOL, status);
}
