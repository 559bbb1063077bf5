/* t_chunks.c -- the genome cut into chunks (whole, -r, a BED merged where
 * it overlaps) and the parallel run: results emitted in chunk order
 * whatever order the workers finish in, every worker's state freed, and a
 * failure stopping the run with its reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "chunks.h"

typedef struct ctx {
    size_t emitted[64];
    size_t nemitted;
    int starts, stops, fail_at, emit_fail_at;
} ctx_t;

static void *start(void *c, char *why, size_t n)
{
    ctx_t *x = c;
    __sync_fetch_and_add(&x->starts, 1);
    (void)why; (void)n;
    return c;
}

static int work(void *state, const g5_chunk_t *ch, void **result, char *why, size_t n)
{
    ctx_t *x = state;
    if (ch->beg == x->fail_at) return snprintf(why, n, "chunk at %lld failed", (long long)ch->beg), -1;
    usleep((useconds_t)((ch->beg / 10) % 3) * 2000);      // finish out of order
    size_t *r = malloc(sizeof *r);
    *r = (size_t)ch->beg;
    *result = r;
    return 0;
}

static int emit(void *c, const g5_chunk_t *ch, void *result, char *why, size_t n)
{
    ctx_t *x = c;
    size_t v = *(size_t *)result;
    free(result);
    if ((long long)ch->beg == x->emit_fail_at) return snprintf(why, n, "cannot write"), -1;
    x->emitted[x->nemitted++] = v;
    return 0;
}

static void discard(void *c, void *result)
{
    (void)c;
    free(result);
}

static void stop(void *state)
{
    ctx_t *x = state;
    __sync_fetch_and_add(&x->stops, 1);
}

int main(void)
{
    kstring_t t = { 0, 0, NULL };
    kputs("@SQ\tSN:a\tLN:250\n@SQ\tSN:b\tLN:100\n", &t);
    sam_hdr_t *h = sam_hdr_parse(t.l, t.s);
    free(t.s);
    g5_chunk_t *c;
    size_t n;
    char why[256];

    ok(g5_chunks_make(h, NULL, NULL, 100, &c, &n, why, sizeof why) == 0 && n == 4 && c[2].beg == 200
       && c[2].end == 250 && c[3].tid == 1, "whole genome: a 0-100 100-200 200-250, b 0-100");
    free(c);
    ok(g5_chunks_make(h, "a:151-250", NULL, 60, &c, &n, why, sizeof why) == 0 && n == 2 && c[0].beg == 150
       && c[1].beg == 210 && c[1].end == 250, "-r a:151-250 in 60-base chunks");
    free(c);
    ok(g5_chunks_make(h, "z", NULL, 60, &c, &n, why, sizeof why) < 0 && strstr(why, "invalid region"), "-r z: %s", why);
    char bed[] = "/tmp/t_chunks.XXXXXX";
    int fd = mkstemp(bed);
    dprintf(fd, "a\t10\t50\na\t40\t120\nb\t0\t10\n");
    close(fd);
    ok(g5_chunks_make(h, NULL, bed, 100, &c, &n, why, sizeof why) == 0 && n == 3 && c[0].beg == 10
       && c[0].end == 110 && c[1].beg == 110 && c[1].end == 120 && c[2].tid == 1, "a BED merged, then cut");
    free(c);
    unlink(bed);

    g5_chunk_t many[20];
    for (int i = 0; i < 20; i++) many[i] = (g5_chunk_t){ 0, i * 10, i * 10 + 10 };
    for (int threads = 1; threads <= 3; threads++) {
        ctx_t x = { .fail_at = -1, .emit_fail_at = -1 };
        g5_chunk_job_t job = { start, work, emit, discard, stop, &x };
        int r = g5_chunks_run(many, 20, threads, &job, why, sizeof why);
        int ordered = x.nemitted == 20;
        for (size_t i = 0; i < x.nemitted; i++) ordered &= x.emitted[i] == i * 10;
        ok(r == 0 && ordered && x.starts == threads && x.stops == threads,
           "%d thread(s): 20 results in chunk order, %d states made and freed", threads, threads);
    }
    ctx_t x = { .fail_at = 70, .emit_fail_at = -1 };
    g5_chunk_job_t job = { start, work, emit, discard, stop, &x };
    ok(g5_chunks_run(many, 20, 2, &job, why, sizeof why) < 0 && strstr(why, "chunk at 70 failed")
       && x.nemitted <= 7 && x.starts == x.stops, "a failing chunk stops the run: %s", why);
    ctx_t y = { .fail_at = -1, .emit_fail_at = 30 };
    job.ctx = &y;
    ok(g5_chunks_run(many, 20, 2, &job, why, sizeof why) < 0 && !strcmp(why, "cannot write") && y.nemitted == 3,
       "a failing emit stops it too");

    sam_hdr_destroy(h);
    return tap_done();
}
