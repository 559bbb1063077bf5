/*
 * release.c -- g5 release: a release folder of the files given, with
 * MANIFEST.tsv naming each file's size, SHA-256, access tier, kind and the
 * tool, version and command that made it (libseq/manifest's rules).
 *
 * Everything is judged before anything is written: an open release (the
 * default) with a controlled file is refused, one line per refused file,
 * and no folder appears.  The folder is then built as DIR.tmp.PID beside
 * DIR -- files copied and hashed in the same read, on -@ threads --, the
 * manifest written last, everything fsynced, and renamed to DIR only when
 * complete, never over an existing DIR.  The manifest's own SHA-256 goes to
 * stdout, in sha256sum's format, to be sent apart from the release.
 */
#define _GNU_SOURCE     /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <htslib/kstring.h>

#include "cli.h"
#include "disclose.h"
#include "manifest.h"
#include "out.h"
#include "pheno.h"

static const char TOOL[] = "release";

typedef struct args {
    g5_opts_t o;
    int tier, help;
    const char *dict, *policy;
    char **in;
    int nin;
} args_t;

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: g5 release -o DIR [options] FILE...\n"
        "\n"
        "Build the release folder DIR from the files given, with DIR/MANIFEST.tsv: each\n"
        "file's size, SHA-256, access tier (open or controlled), kind, and the tool,\n"
        "version and command it records.  Indexes (FILE.tbi, .csi, .bai, .crai) and\n"
        "GWAS-SSF sidecars (FILE-meta.yaml) beside a file are added.  Prints the\n"
        "manifest's SHA-256 on stdout, to be sent apart from the release.\n"
        "\n"
        "Options:\n"
        "  -o, --output DIR        the release folder; it must not exist\n"
        "      --open              an open release: refuse any controlled file [default]\n"
        "      --controlled        a controlled release: take every file, record its tier\n"
        "      --dict FILE         trait dictionary: TSV trait, type, unit, description,\n"
        "                          access (open|controlled; missing: controlled)\n"
        "      --policy FILE       the disclosure policy GWAS-SSF files of controlled\n"
        "                          traits were written under (g5 assoc --release-policy)\n"
        "  -@, --threads INT       additional threads, to copy and hash [0]\n"
        "      --verbosity INT, -h, --help\n"
        "\n"
        "See g5-release(1).\n");
}

enum { OPT_OPEN = G5_OPT_TOOL_BASE, OPT_CONTROLLED, OPT_DICT, OPT_POLICY };

static int parse_args(args_t *a, int argc, char *argv[])
{
    static const struct option longopts[] = {
        G5_OPTS_LONG,
        {"open", no_argument, NULL, OPT_OPEN},
        {"controlled", no_argument, NULL, OPT_CONTROLLED},
        {"dict", required_argument, NULL, OPT_DICT},
        {"policy", required_argument, NULL, OPT_POLICY},
        {NULL, 0, NULL, 0}
    };
    int c, r;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":@:o:h", longopts, NULL)) >= 0) {
        switch (c) {
        case 'h':
            usage(stdout);
            a->help = 1;
            return G5_EXIT_OK;
        case OPT_OPEN: a->tier = G5_TIER_OPEN; break;
        case OPT_CONTROLLED: a->tier = G5_TIER_CONTROLLED; break;
        case OPT_DICT: a->dict = optarg; break;
        case OPT_POLICY: a->policy = optarg; break;
        default:
            if ((r = g5_opts_other(&a->o, c, argv, "@ov")) != G5_EXIT_OK) return r;
        }
    }
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (!strcmp(a->o.out, "-")) return g5_usage_error(TOOL, "a release folder is needed: -o DIR");
    if (optind == argc) return g5_usage_error(TOOL, "no file to release");
    a->in = argv + optind;
    a->nin = argc - optind;
    return G5_EXIT_OK;
}

/* The release being gathered: files, and the identity of each source so
 * that a file given twice (or given and found as a companion) goes once. */
typedef struct files {
    g5_mfile_t *f;
    struct stat *st;
    int n, m;
} files_t;

static void files_free(files_t *fs)
{
    for (int i = 0; i < fs->n; i++) g5_mfile_free(&fs->f[i]);
    free(fs->f);
    free(fs->st);
}

/* Add @p path (a companion: only when it exists) and detect its kind.
 * @return 0 added or already there or an absent companion; G5_EXIT_DATA or
 *         G5_EXIT_USAGE after reporting */
static int add_file(files_t *fs, const char *path, int companion)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        if (companion && errno == ENOENT) return 0;
        g5_err_errno(TOOL, "cannot read \"%s\"", path);
        return G5_EXIT_DATA;
    }
    if (!S_ISREG(st.st_mode)) {
        if (companion) return 0;
        g5_err(TOOL, "\"%s\" is not a regular file: a release holds files only", path);
        return G5_EXIT_DATA;
    }
    for (int i = 0; i < fs->n; i++)
        if (fs->st[i].st_dev == st.st_dev && fs->st[i].st_ino == st.st_ino) return 0;
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    if (!g5_mfile_name_ok(name)) {
        g5_err(TOOL, "\"%s\": a file of a release cannot be named \"%s\"", path, name);
        return G5_EXIT_USAGE;
    }
    for (int i = 0; i < fs->n; i++)
        if (!strcmp(fs->f[i].name, name)) {
            g5_err(TOOL, "\"%s\" and \"%s\" would both be \"%s\" in the release", fs->f[i].src, path, name);
            return G5_EXIT_USAGE;
        }
    if (fs->n == fs->m) {
        int m = fs->m ? 2 * fs->m : 16;
        g5_mfile_t *f = realloc(fs->f, m * sizeof *f);
        if (f) fs->f = f;
        struct stat *s = f ? realloc(fs->st, m * sizeof *s) : NULL;
        if (s) fs->st = s;
        if (!f || !s) goto nomem;
        fs->m = m;
    }
    g5_mfile_t *f = &fs->f[fs->n];
    fs->st[fs->n] = st;
    if (g5_mfile_init(f, name, path) < 0) {
        g5_mfile_free(f);
        goto nomem;
    }
    fs->n++;
    char why[1024];
    if (g5_mfile_detect(f, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        return G5_EXIT_DATA;
    }
    return 0;
nomem:
    g5_err(TOOL, "out of memory");
    return G5_EXIT_DATA;
}

/* A file given, then the indexes and sidecar beside it. */
static int add_with_companions(files_t *fs, const char *path)
{
    static const char *const beside[] = { ".tbi", ".csi", ".bai", ".crai", "-meta.yaml" };
    int r = add_file(fs, path, 0);
    kstring_t k = KS_INITIALIZE;
    for (size_t i = 0; r == 0 && i < sizeof beside / sizeof *beside; i++) {
        k.l = 0;
        ksprintf(&k, "%s%s", path, beside[i]);
        r = k.s ? add_file(fs, k.s, 1) : G5_EXIT_DATA;
    }
    // samtools' other name for a BAM's index: STEM.bai beside STEM.bam
    size_t n = strlen(path);
    if (r == 0 && n > 4 && !strcmp(path + n - 4, ".bam")) {
        k.l = 0;
        ksprintf(&k, "%.*s.bai", (int)(n - 4), path);
        r = k.s ? add_file(fs, k.s, 1) : G5_EXIT_DATA;
    }
    free(k.s);
    return r;
}

/* Flush a folder's entries to disk.  @return 0, or -1 with errno set */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    int r = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

/* Rename the finished folder into place, never over an existing one. */
static int rename_new(const char *from, const char *to)
{
#ifdef RENAME_NOREPLACE
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
#endif
    // no renameat2 here: rename() would replace an empty folder, so look first
    struct stat st;
    if (lstat(to, &st) == 0) {
        errno = EEXIST;
        return -1;
    }
    return rename(from, to);
}

/* Write the manifest into the temporary folder. */
static int write_manifest(const char *path, const kstring_t *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) return -1;
    size_t done = 0;
    while (done < text->l) {
        ssize_t w = write(fd, text->s + done, text->l - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) break;
        done += w;
    }
    int r = done == text->l && fsync(fd) == 0 ? 0 : -1, e = errno;
    if (close(fd) < 0 && r == 0) return -1;
    errno = e;
    return r;
}

int main_release(int argc, char *argv[])
{
    args_t a;
    memset(&a, 0, sizeof a);
    g5_opts_init(&a.o, TOOL);
    a.tier = G5_TIER_OPEN;
    files_t fs = { 0 };
    g5_dict_t *dict = NULL;
    g5_policy_t policy;
    g5_ledger_t ledger;
    int have_policy = 0, made_tmp = 0, nscratch = 0;
    g5_out_t **scratch = NULL;     // the temporary folder, then its files
    char *cmdline = NULL, *dir = NULL, why[1024];
    kstring_t tmp = KS_INITIALIZE, path = KS_INITIALIZE, text = KS_INITIALIZE;
    memset(&ledger, 0, sizeof ledger);
    int status = parse_args(&a, argc, argv);
    if (status != G5_EXIT_OK || a.help) goto done;
    status = G5_EXIT_DATA;
    if (!(cmdline = g5_cmdline(argc, argv)) || !(dir = strdup(a.o.out))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    // "rel/" is "rel": the temporary folder goes beside it
    for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--) dir[n - 1] = 0;
    struct stat st;
    if (lstat(dir, &st) == 0) {
        g5_err(TOOL, "\"%s\" already exists: a release is built in a new folder", dir);
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
        if (g5_ledger_read(&policy, &ledger, why, sizeof why) < 0) {
            g5_err(TOOL, "%s", why);
            goto done;
        }
    }

    // what goes in, and what each file is
    for (int i = 0; i < a.nin; i++)
        if ((status = add_with_companions(&fs, a.in[i])) != 0) goto done;
    status = G5_EXIT_DATA;
    if (g5_mfile_tiers(fs.f, fs.n, dict, have_policy ? &policy : NULL, have_policy ? &ledger : NULL, why,
                       sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    if (a.tier == G5_TIER_OPEN) {
        int refused = 0;
        for (int i = 0; i < fs.n; i++)
            if (fs.f[i].tier != G5_TIER_OPEN) {
                g5_err(TOOL, "refused \"%s\": %s", fs.f[i].src, fs.f[i].why);
                refused++;
            }
        if (refused) goto done;
    }

    // the folder, beside its final place; it and what goes in it are
    // scratch until renamed, removed on failure, exit or a signal (the
    // folder first in the registry, so last out of it)
    ksprintf(&tmp, "%s.tmp.%ld", dir, (long)getpid());
    if (!(scratch = calloc(fs.n + 2, sizeof *scratch)) || !(scratch[nscratch++] = g5_out_scratch(tmp.s))) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    for (int i = 0; i <= fs.n; i++) {
        path.l = 0;
        ksprintf(&path, "%s/%s", tmp.s, i < fs.n ? fs.f[i].name : G5_MANIFEST_NAME);
        if (!(scratch[nscratch++] = g5_out_scratch(path.s))) {
            g5_err(TOOL, "out of memory");
            goto done;
        }
    }
    path.l = 0;
    if (mkdir(tmp.s, 0777) < 0) {
        g5_err_errno(TOOL, "cannot make the folder \"%s\"", tmp.s);
        goto done;
    }
    made_tmp = 1;
    if (g5_mfile_hash(fs.f, fs.n, tmp.s, a.o.threads, why, sizeof why) < 0) {
        g5_err(TOOL, "%s", why);
        goto done;
    }
    g5_mfile_sort(fs.f, fs.n);
    char digest[65];
    ksprintf(&path, "%s/%s", tmp.s, G5_MANIFEST_NAME);
    if (g5_manifest_format(&text, cmdline, a.tier, fs.f, fs.n) < 0 || g5_sha256_buf(text.s, text.l, digest) < 0) {
        g5_err(TOOL, "out of memory");
        goto done;
    }
    if (write_manifest(path.s, &text) < 0 || sync_dir(tmp.s) < 0) {
        g5_err_errno(TOOL, "cannot write \"%s\"", path.s);
        goto done;
    }
    if (rename_new(tmp.s, dir) < 0) {
        g5_err_errno(TOOL, "cannot rename \"%s\" to \"%s\"", tmp.s, dir);
        goto done;
    }
    made_tmp = 0;
    // the rename itself on disk (best effort: the release is complete either way)
    const char *slash = strrchr(dir, '/');
    path.l = 0;
    if (slash) kputsn(dir, slash == dir ? 1 : (size_t)(slash - dir), &path);
    else kputs(".", &path);
    sync_dir(path.s);
    printf("%s  %s/%s\n", digest, dir, G5_MANIFEST_NAME);
    if (a.o.verbosity >= 1) {
        int open = 0;
        for (int i = 0; i < fs.n; i++) open += fs.f[i].tier == G5_TIER_OPEN;
        g5_info(TOOL, "%s: %d files (%d open, %d controlled), a%s %s release", dir, fs.n, open, fs.n - open,
                a.tier == G5_TIER_OPEN ? "n" : "", g5_tier_name(a.tier));
    }
    status = G5_EXIT_OK;
done:
    // a folder renamed into place is left; else what this run put in the
    // temporary folder goes, then the folder
    while (nscratch > 0) {
        g5_out_t *o = scratch[--nscratch];
        if (made_tmp) g5_out_abort(o);
        else g5_out_forget(o);
    }
    free(scratch);
    files_free(&fs);
    g5_dict_free(dict);
    if (have_policy) {
        g5_ledger_free(&ledger);
        g5_policy_free(&policy);
    }
    free(tmp.s);
    free(path.s);
    free(text.s);
    free(cmdline);
    free(dir);
    return g5_finish(TOOL, status);
}
