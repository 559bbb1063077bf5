/*
 * out.c -- atomic outputs and provenance.  See out.h for the design.
 */
#include "out.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <htslib/hts.h>

#include "version.h"

struct g5_out {
    char *final;            // the name the file gets on commit
    char *tmp;              // where it is written meanwhile; NULL = write final directly
    pid_t pid;              // the process that owns the temporary
    FILE *fp;               // g5_out_stream(), if asked for
    struct g5_out *next;    // registry of live temporaries
};

/* The registry.  Modified only with the cleanup signals blocked, so the
 * handler never sees a half-linked node, and under a lock, as threads
 * open and commit outputs side by side; read by the handler and at exit. */
static struct g5_out *live;
static int installed;
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define N_SIGNALS (int)(sizeof cleanup_signals / sizeof *cleanup_signals)

static void remove_live(void)
{
    // After a fork() both processes hold the list; each removes only its own.
    pid_t self = getpid();
    for (struct g5_out *o = live; o; o = o->next)
        if (o->tmp && o->pid == self && unlink(o->tmp) < 0) rmdir(o->tmp);    // a scratch folder
}

static void on_signal(int sig)
{
    remove_live();
    signal(sig, SIG_DFL);
    raise(sig);             // die of the same signal, so the caller sees why
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < N_SIGNALS; i++) sigaddset(&set, cleanup_signals[i]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void install_cleanup(void)
{
    if (installed) return;
    installed = 1;
    atexit(remove_live);
    for (int i = 0; i < N_SIGNALS; i++) {
        struct sigaction sa, prev;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        // Respect a signal the parent chose to ignore (nohup, a shell's
        // background job): keep ignoring it.
        if (sigaction(cleanup_signals[i], NULL, &prev) == 0 && prev.sa_handler == SIG_IGN)
            continue;
        sigaction(cleanup_signals[i], &sa, NULL);
    }
}

static void unregister(g5_out_t *o)
{
    sigset_t old;
    block_signals(&old);
    pthread_mutex_lock(&live_lock);
    for (struct g5_out **p = &live; *p; p = &(*p)->next)
        if (*p == o) { *p = o->next; break; }
    pthread_mutex_unlock(&live_lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void free_out(g5_out_t *o)
{
    free(o->final);
    free(o->tmp);
    free(o);
}

/* Put @p o in the registry (its tmp set). */
static void enlist(g5_out_t *o)
{
    sigset_t old;
    block_signals(&old);
    pthread_mutex_lock(&live_lock);
    install_cleanup();
    o->next = live;
    live = o;
    pthread_mutex_unlock(&live_lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

g5_out_t *g5_out_scratch(const char *path)
{
    g5_out_t *o = calloc(1, sizeof *o);
    if (!o || !(o->tmp = strdup(path))) {
        free(o);
        errno = ENOMEM;
        return NULL;
    }
    o->pid = getpid();
    enlist(o);
    return o;
}

void g5_out_forget(g5_out_t *o)
{
    if (!o) return;
    if (o->tmp) unregister(o);
    free_out(o);
}

g5_out_t *g5_out_open(const char *path)
{
    g5_out_t *o = calloc(1, sizeof *o);
    if (!o || !(o->final = strdup(path))) goto nomem;

    // stdout, /dev/null and named pipes are written in place: renaming a
    // temporary onto a device or FIFO would replace it with a plain file.
    struct stat st;
    if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode)))
        return o;

    size_t n = strlen(path) + 32;
    if (!(o->tmp = malloc(n))) goto nomem;
    o->pid = getpid();
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)o->pid);
    enlist(o);
    return o;

nomem:
    if (o) free_out(o);
    errno = ENOMEM;
    return NULL;
}

const char *g5_out_path(const g5_out_t *o)
{
    return o->tmp ? o->tmp : o->final;
}

const char *g5_out_final(const g5_out_t *o)
{
    return o->final;
}

/* Flush a file (or, with O_DIRECTORY, a directory entry) to stable storage. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, O_RDONLY | flags);
    if (fd < 0) return -1;
    int r = fsync(fd);
    // Some file systems cannot fsync a directory; the rename is still atomic.
    if (r < 0 && (flags & O_DIRECTORY) && (errno == EINVAL || errno == EBADF)) r = 0;
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

FILE *g5_out_stream(g5_out_t *o)
{
    if (!o->fp) o->fp = o->tmp ? fopen(o->tmp, "w") : strcmp(o->final, "-") == 0 ? stdout : fopen(o->final, "w");
    return o->fp;
}

/* Close the stream, if any; stdout is only flushed (g5_finish closes it). */
static int close_stream(g5_out_t *o)
{
    if (!o->fp) return 0;
    FILE *fp = o->fp;
    o->fp = NULL;
    if (fp == stdout) return fflush(fp) == 0 ? 0 : -1;
    int flushed = fflush(fp) == 0 && !ferror(fp);
    int e = errno;
    int closed = fclose(fp) == 0;
    if (!flushed) errno = e ? e : EIO;
    return flushed && closed ? 0 : -1;
}

int g5_out_commit(g5_out_t *o)
{
    int ret = close_stream(o);
    if (ret < 0) {
        g5_out_abort(o);
        return -1;
    }
    if (o->tmp) {
        if (sync_path(o->tmp, 0) < 0 || rename(o->tmp, o->final) < 0) {
            int e = errno;
            unlink(o->tmp);
            errno = e;
            ret = -1;
        } else {
            char *copy = strdup(o->final);
            if (copy) sync_path(dirname(copy), O_DIRECTORY);
            free(copy);
        }
        unregister(o);
    }
    free_out(o);
    return ret;
}

void g5_out_abort(g5_out_t *o)
{
    if (!o) return;
    int e = errno;
    if (o->fp && o->fp != stdout) fclose(o->fp);
    errno = e;
    if (o->tmp) {
        if (unlink(o->tmp) < 0) rmdir(o->tmp);     // a scratch folder
        unregister(o);
        errno = e;          // keep the caller's error for its message
    }
    free_out(o);
}

int g5_out_commit_pair(g5_out_t *data, g5_out_t *index)
{
    if (g5_out_commit(data) < 0) {
        g5_out_abort(index);     // keeps errno
        return -1;
    }
    return index && g5_out_commit(index) < 0 ? -2 : 0;
}

int g5_out_text(const char *path, int (*write)(FILE *fp, void *ctx), void *ctx)
{
    g5_out_t *o = g5_out_open(path);
    FILE *fp = o ? g5_out_stream(o) : NULL;
    if (!fp || write(fp, ctx) < 0) {
        g5_out_abort(o);        // keeps errno
        return -1;
    }
    return g5_out_commit(o);
}

const char *g5_tmpdir(const char *given)
{
    if (given) return given;
    const char *env = getenv("TMPDIR");
    return env && *env ? env : "/tmp";
}

/* --- provenance ------------------------------------------------------ */

const char *g5_version(void)
{
    return G5_VERSION;
}

/* Characters a POSIX shell passes through unquoted. */
static int shell_safe(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789_-+=/.,:@%^", *s))
            return 0;
    return 1;
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
    return 0;
}

char *g5_cmdline(int argc, char *const argv[])
{
    // Worst case: every byte becomes \xHH (4) plus quotes and a blank.
    size_t cap = 4;
    for (int i = 0; i < argc; i++) cap += 4 * strlen(argv[i]) + 4;
    char *s = malloc(cap), *p = s;
    if (!s) { errno = ENOMEM; return NULL; }
    p = stpcpy(p, "g5");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        *p++ = ' ';
        if (shell_safe(a)) {
            p = stpcpy(p, a);
        } else if (!has_control(a)) {
            // 'it'\''s': close the quote, an escaped quote, reopen.
            *p++ = '\'';
            for (; *a; a++) {
                if (*a == '\'') p = stpcpy(p, "'\\''");
                else *p++ = *a;
            }
            *p++ = '\'';
        } else {
            // A tab or newline would break a SAM or VCF header line, so
            // write it as the shell's $'...' escape instead of raw.
            p = stpcpy(p, "$'");
            for (; *a; a++) {
                unsigned char c = (unsigned char)*a;
                if (c == '\t') p = stpcpy(p, "\\t");
                else if (c == '\n') p = stpcpy(p, "\\n");
                else if (c == '\'' || c == '\\') { *p++ = '\\'; *p++ = (char)c; }
                else if (c < 0x20 || c == 0x7f) p += sprintf(p, "\\x%02x", c);
                else *p++ = (char)c;
            }
            *p++ = '\'';
        }
    }
    *p = '\0';
    return s;
}

int g5_prov_sam(sam_hdr_t *h, const char *tool, const char *cmdline)
{
    char id[64];
    snprintf(id, sizeof id, "g5.%s", tool);
    return sam_hdr_add_pg(h, id, "PN", "g5", "VN", g5_version(), "CL", cmdline, NULL);
}

int g5_prov_vcf(bcf_hdr_t *h, const char *tool, const char *cmdline)
{
    if (bcf_hdr_printf(h, "##g5_%sVersion=%s+htslib-%s", tool, g5_version(), hts_version()) < 0)
        return -1;
    if (bcf_hdr_printf(h, "##g5_%sCommand=%s", tool, cmdline) < 0)
        return -1;
    return bcf_hdr_sync(h);
}

/* One format for the TSV provenance line: g5 release reads it back. */
#define PROV_TSV "# g5 %s %s: %s\n"

int g5_prov_tsv(FILE *fp, const char *tool, const char *cmdline)
{
    return fprintf(fp, PROV_TSV, tool, g5_version(), cmdline) < 0 ? -1 : 0;
}

int g5_prov_kput(kstring_t *s, const char *tool, const char *cmdline)
{
    return ksprintf(s, PROV_TSV, tool, g5_version(), cmdline) < 0 ? -1 : 0;
}

int g5_outset_add(g5_outset_t *set, const char *path)
{
    char **p = realloc(set->paths, (set->n + 1) * sizeof *p);
    if (!p) return -1;
    set->paths = p;
    if (!(p[set->n] = strdup(path))) return -1;
    set->n++;
    return 0;
}

void g5_outset_undo(g5_outset_t *set)
{
    for (int i = 0; i < set->n; i++) unlink(set->paths[i]);
    g5_outset_free(set);
}

void g5_outset_free(g5_outset_t *set)
{
    for (int i = 0; i < set->n; i++) free(set->paths[i]);
    free(set->paths);
    set->paths = NULL;
    set->n = 0;
}

typedef struct text {
    const char *s;
    size_t n;
} text_t;

static int write_string(FILE *fp, void *ctx)
{
    const text_t *t = ctx;
    return fwrite(t->s, 1, t->n, fp) == t->n ? 0 : -1;
}

int g5_out_string(const char *path, const char *s, size_t n)
{
    text_t t = { s ? s : "", s ? n : 0 };
    return g5_out_text(path, write_string, &t);
}
