/* t_alnio.c -- the reader names the cause of every failure. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "tap.h"
#include "alnio.h"
#include <htslib/hts_log.h>

#define HTSTEST "/usr/share/htslib-test/test/"

static char dir[] = "/tmp/g5-t_alnio.XXXXXX";

/* Copy the first @p n bytes of @p src (all of it when n < 0) into dir/name. */
static const char *slice(const char *src, long n, const char *name)
{
    static char dst[512];
    snprintf(dst, sizeof dst, "%s/%s", dir, name);
    FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    if (!in || !out) abort();
    int c;
    for (long i = 0; (n < 0 || i < n) && (c = getc(in)) != EOF; i++) putc(c, out);
    fclose(in);
    fclose(out);
    return dst;
}

/* Read a whole file; return the count, -1 if it cannot be opened, or
 * -2 - count if reading fails after count records. */
static long read_all(const char *path, const char *ref, int threads, g5_alnin_t *in)
{
    htsThreadPool pool;
    g5_pool_init(&pool, threads);
    long n = 0, r;
    if (g5_alnin_open(in, path, ref, &pool) < 0) { g5_pool_destroy(&pool); return -1; }
    bam1_t *b = bam_init1();
    while ((r = g5_alnin_next(in, b)) > 0) n++;
    bam_destroy1(b);
    char why[sizeof in->why];
    memcpy(why, in->why, sizeof why);
    if (g5_alnin_close(in) < 0 && r == 0) r = -1;
    memcpy(in->why, why, sizeof why);
    g5_pool_destroy(&pool);
    return r < 0 ? -2 - n : n;
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    hts_set_log_level(HTS_LOG_OFF);
    setenv("REF_PATH", "/nonexistent", 1);
    setenv("REF_CACHE", "/nonexistent", 1);
    g5_alnin_t in;

    is_int(read_all(HTSTEST "range.bam", NULL, 0, &in), 112, "range.bam has 112 records (samtools view -c)");
    is_int(read_all(HTSTEST "range.bam", NULL, 2, &in), 112, "the same with two threads");
    is_int(read_all(HTSTEST "ce#5.sam", NULL, 0, &in), 6, "a SAM file reads");

    is_int(read_all("/nonexistent/x.bam", NULL, 0, &in), -1, "a missing file fails to open");
    is_str(in.why, "No such file or directory", "and says why");

    char txt[512];
    snprintf(txt, sizeof txt, "%s/notes.bam", dir);
    FILE *tf = fopen(txt, "w");
    fputs("These are my notes,\nnot alignments.\n", tf);
    fclose(tf);
    is_int(read_all(txt, NULL, 0, &in), -1, "a text file is rejected");
    ok(strncmp(in.why, "not a SAM, BAM or CRAM file", 27) == 0, "as not SAM/BAM/CRAM: '%s'", in.why);

    const char *cut = slice(HTSTEST "range.bam", 8000, "cut.bam");
    long r = read_all(cut, NULL, 0, &in);
    ok(r == -1, "a BAM cut in a BGZF block fails at open (no end-of-file marker)");
    is_str(in.why, "truncated file: the BGZF end-of-file marker is missing", "and says so");

    // Cut mid-block but keep an end-of-file marker: the damage is found while reading.
    const char *eof = "\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00\x42\x43\x02\x00"
                      "\x1b\x00\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    const char *mid = slice(HTSTEST "range.bam", 8000, "mid.bam");
    FILE *fp = fopen(mid, "ab");
    fwrite(eof, 1, 28, fp);
    fclose(fp);
    r = read_all(mid, NULL, 0, &in);
    ok(r <= -2, "a damaged block fails while reading, after %ld good records", -2 - r);
    ok(strstr(in.why, "BGZF") && strstr(in.why, "after record"), "naming the block and the record: '%s'", in.why);
    // Threads read ahead, so the damage may surface while the header is
    // read.  htslib 1.16 can leak a thread-pool result on this error path
    // (a race between its reader and its workers), so this read runs in a
    // child that leaves with _exit and never reaches the leak check.
    int fds[2];
    if (pipe(fds) < 0) abort();
    pid_t pid = fork();
    if (pid == 0) {
        r = read_all(mid, NULL, 2, &in);
        char msg[sizeof in.why + 32];
        int len = snprintf(msg, sizeof msg, "%ld %s", r, in.why);
        _exit(write(fds[1], msg, (size_t)len + 1) > 0 ? 0 : 1);
    }
    close(fds[1]);
    char msg[512] = "";
    if (read(fds[0], msg, sizeof msg - 1) < 0) msg[0] = '\0';
    close(fds[0]);
    waitpid(pid, NULL, 0);
    ok(strtol(msg, NULL, 10) < 0 && strstr(msg, "truncated BGZF block"), "the same with two threads: %s", msg);

    r = read_all(HTSTEST "range.cram", NULL, 0, &in);
    ok(r < 0 && strstr(in.why, "reference not found (give it with -f)"), "CRAM without its reference: '%s'", in.why);
    is_int(read_all(HTSTEST "range.cram", HTSTEST "ce.fa", 0, &in), 112, "the CRAM reads with -f");

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return tap_done();
}
