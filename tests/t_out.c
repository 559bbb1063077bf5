/* t_out.c -- atomic outputs, command-line quoting, provenance records. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "out.h"

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static char dir[] = "/tmp/g5-t_out.XXXXXX";

static void path(char *buf, const char *name)
{
    snprintf(buf, 512, "%s/%s", dir, name);
}

static void test_commit_abort(void)
{
    char final[512];
    path(final, "a.txt");
    g5_out_t *o = g5_out_open(final);
    ok(o != NULL, "open an output");
    ok(strcmp(g5_out_path(o), final) != 0, "it is written under another name");
    FILE *fp = fopen(g5_out_path(o), "w");
    fputs("hello\n", fp);
    fclose(fp);
    ok(!exists(final), "nothing under the final name before commit");
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", g5_out_path(o));
    is_int(g5_out_commit(o), 0, "commit succeeds");
    ok(exists(final), "the final name exists after commit");
    ok(!exists(tmp), "the temporary is gone after commit");

    path(final, "b.txt");
    o = g5_out_open(final);
    snprintf(tmp, sizeof tmp, "%s", g5_out_path(o));
    fp = fopen(tmp, "w");
    fputs("partial", fp);
    fclose(fp);
    g5_out_abort(o);
    ok(!exists(final) && !exists(tmp), "abort leaves neither name");

    o = g5_out_open("-");
    is_str(g5_out_path(o), "-", "stdout is written in place");
    is_int(g5_out_commit(o), 0, "committing stdout is a no-op");

    o = g5_out_open("/dev/null");
    is_str(g5_out_path(o), "/dev/null", "a device is written in place, never replaced");
    is_int(g5_out_commit(o), 0, "committing a device succeeds");
    struct stat st;
    ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is still a device");

    path(final, "no-such-dir/c.txt");
    o = g5_out_open(final);
    is_int(g5_out_commit(o), -1, "commit of a file never written fails");
}

/* Fork a child that starts @p final, writes part of it and tells the
 * parent its temporary name through a pipe; then the child either waits
 * for a signal (@p then_exit 0) or returns from main without committing. */
static pid_t spawn_writer(const char *final, int then_exit, char *tmp, size_t n)
{
    int fds[2];
    if (pipe(fds) < 0) abort();
    pid_t pid = fork();
    if (pid == 0) {
        g5_out_t *o = g5_out_open(final);
        FILE *fp = g5_out_stream(o);
        fputs("half", fp);
        fflush(fp);
        if (write(fds[1], g5_out_path(o), strlen(g5_out_path(o)) + 1) < 0) _exit(3);
        if (then_exit) exit(1);
        pause();
        _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], tmp, n) <= 0) tmp[0] = '\0';
    close(fds[0]);
    return pid;
}

/* A child killed while writing takes its temporary with it. */
static void test_signal_cleanup(int sig, const char *name)
{
    char final[512], tmp[512];
    snprintf(final, sizeof final, "%s/sig-%d.txt", dir, sig);
    pid_t pid = spawn_writer(final, 0, tmp, sizeof tmp);
    ok(*tmp && exists(tmp), "%s: the child has its temporary", name);
    kill(pid, sig);
    int status;
    waitpid(pid, &status, 0);
    ok(WIFSIGNALED(status) && WTERMSIG(status) == sig, "%s: the child died of the signal", name);
    ok(!exists(tmp) && !exists(final), "%s: no temporary and no final file remain", name);
}

/* Returning from main without committing removes the temporary too. */
static void test_exit_cleanup(void)
{
    char final[512], tmp[512];
    path(final, "exit.txt");
    pid_t pid = spawn_writer(final, 1, tmp, sizeof tmp);
    waitpid(pid, NULL, 0);
    ok(*tmp && !exists(tmp) && !exists(final), "exit without commit removes the temporary");
}

static void test_stream(void)
{
    char final[512];
    path(final, "stream.txt");
    g5_out_t *o = g5_out_open(final);
    FILE *fp = g5_out_stream(o);
    ok(fp != NULL && fp != stdout, "a stream on the temporary");
    ok(g5_out_stream(o) == fp, "asking again gives the same stream");
    fputs("line\n", fp);
    is_int(g5_out_commit(o), 0, "commit flushes, closes and renames");
    FILE *in = fopen(final, "r");
    char buf[16] = "";
    ok(in && fgets(buf, sizeof buf, in) && strcmp(buf, "line\n") == 0, "the committed file holds what was written");
    if (in) fclose(in);

    // A full disk shows up at the flush: the commit fails, nothing remains.
    o = g5_out_open("/dev/full");
    fp = g5_out_stream(o);
    fputs("data\n", fp);
    is_int(g5_out_commit(o), -1, "a write error fails the commit");
    is_int(errno, ENOSPC, "with ENOSPC");
}

static void test_cmdline(void)
{
    char *argv1[] = { "stats", "-o", "out.txt", "in.bam", NULL };
    char *s = g5_cmdline(4, argv1);
    is_str(s, "g5 stats -o out.txt in.bam", "plain arguments are not quoted");
    free(s);
    char *argv2[] = { "stats", "my file.bam", "it's", "", NULL };
    s = g5_cmdline(4, argv2);
    is_str(s, "g5 stats 'my file.bam' 'it'\\''s' ''", "blanks, quotes and empty arguments quoted");
    free(s);
    char *argv3[] = { "call", "--rg", "@RG\tID:x", NULL };
    s = g5_cmdline(3, argv3);
    is_str(s, "g5 call --rg $'@RG\\tID:x'", "a real tab is escaped, never raw in a header");
    free(s);
}

static void test_prov(void)
{
    sam_hdr_t *h = sam_hdr_parse(strlen("@HD\tVN:1.6\n"), "@HD\tVN:1.6\n");
    is_int(g5_prov_sam(h, "stats", "g5 stats x.bam"), 0, "@PG added");
    kstring_t ks = {0, 0, NULL};
    is_int(sam_hdr_find_line_id(h, "PG", "ID", "g5.stats", &ks), 0, "@PG ID is g5.stats");
    ok(ks.s && strstr(ks.s, "\tPN:g5\t") && strstr(ks.s, "\tCL:g5 stats x.bam"), "@PG has PN and CL");
    ok(ks.s && strstr(ks.s, g5_version()) != NULL, "@PG has the version");
    free(ks.s);
    is_int(g5_prov_sam(h, "stats", "again"), 0, "a second @PG for the same tool");
    ks.s = NULL; ks.l = ks.m = 0;
    ok(sam_hdr_find_line_id(h, "PG", "ID", "g5.stats.1", &ks) == 0 && strstr(ks.s, "\tPP:g5.stats"),
       "the second @PG gets a unique ID chained to the first");
    free(ks.s);
    sam_hdr_destroy(h);

    bcf_hdr_t *vh = bcf_hdr_init("w");
    is_int(g5_prov_vcf(vh, "call", "g5 call -f ref.fa x.bam"), 0, "VCF provenance added");
    ks.s = NULL; ks.l = ks.m = 0;
    bcf_hdr_format(vh, 0, &ks);
    ok(strstr(ks.s, "##g5_callCommand=g5 call -f ref.fa x.bam\n") != NULL, "##g5_callCommand line");
    ok(strstr(ks.s, "##g5_callVersion=") != NULL, "##g5_callVersion line");
    free(ks.s);
    bcf_hdr_destroy(vh);
}
/* Scratch paths: a folder and a file in it go at exit, folder last; a
 * forgotten one stays. */
static void test_scratch(void)
{
    char folder[512], file[600], kept[512];
    path(folder, "scratch.d");
    snprintf(file, sizeof file, "%s/part", folder);
    path(kept, "kept.d");
    pid_t pid = fork();
    if (pid == 0) {
        g5_out_t *d = g5_out_scratch(folder), *f = g5_out_scratch(file), *k = g5_out_scratch(kept);
        mkdir(folder, 0777);
        mkdir(kept, 0777);
        FILE *fp = fopen(file, "w");
        if (!d || !f || !k || !fp) _exit(2);
        fputs("half\n", fp);
        fclose(fp);
        g5_out_forget(k);
        exit(0);        // atexit cleanup runs
    }
    int status;
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a scratch folder and a file in it made");
    ok(!exists(file) && !exists(folder), "at exit the file goes, then the folder");
    ok(exists(kept), "a forgotten scratch path stays");
    rmdir(kept);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    test_commit_abort();
    test_signal_cleanup(SIGTERM, "SIGTERM");
    test_signal_cleanup(SIGINT, "SIGINT");
    test_exit_cleanup();
    test_scratch();
    test_stream();
    test_cmdline();
    test_prov();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return tap_done();
}
