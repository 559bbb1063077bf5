/*
 * chunks.c -- fixed chunks, worked on in parallel, emitted in order.  See
 * chunks.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bed.h"
#include "chunks.h"

static int add(g5_chunk_t **out, size_t *n, size_t *m, int tid, hts_pos_t beg, hts_pos_t end, hts_pos_t size)
{
    for (hts_pos_t b = beg; b < end; b += size) {
        if (*n == *m) {
            *m = *m ? 2 * *m : 64;
            g5_chunk_t *x = realloc(*out, *m * sizeof *x);
            if (!x) return -1;
            *out = x;
        }
        (*out)[(*n)++] = (g5_chunk_t){ tid, b, b + size < end ? b + size : end };
    }
    return 0;
}

int g5_chunks_make(const sam_hdr_t *h, const char *region, const char *bed, hts_pos_t size,
                   g5_chunk_t **out, size_t *n, char *why, size_t nwhy)
{
    size_t m = 0;
    *out = NULL;
    *n = 0;
    if (bed) {
        g5_bed_region_t *reg;
        size_t nreg;
        if (g5_bed_read(bed, h, &reg, &nreg, why, nwhy) < 0) return -1;
        int r = 0;
        for (size_t i = 0; i < nreg && r == 0; ) {
            int tid = reg[i].tid;
            hts_pos_t beg = reg[i].beg, end = reg[i].end;
            for (i++; i < nreg && reg[i].tid == tid && reg[i].beg <= end; i++)
                if (reg[i].end > end) end = reg[i].end;
            r = add(out, n, &m, tid, beg, end, size);
        }
        g5_bed_free(reg, nreg);
        if (r < 0) snprintf(why, nwhy, "out of memory");
        return r;
    }
    int tid_beg = 0, tid_end = sam_hdr_nref(h);
    hts_pos_t rbeg = 0, rend = HTS_POS_MAX;
    if (region) {
        int tid;
        if (!sam_parse_region((sam_hdr_t *)h, region, &tid, &rbeg, &rend, 0) || tid < 0) {
            snprintf(why, nwhy, "invalid region \"%s\" (not a contig of the input files?)", region);
            return -1;
        }
        tid_beg = tid;
        tid_end = tid + 1;
    }
    for (int t = tid_beg; t < tid_end; t++) {
        hts_pos_t len = sam_hdr_tid2len(h, t);
        if (add(out, n, &m, t, rbeg, rend < len ? rend : len, size) < 0) {
            snprintf(why, nwhy, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* --- the run ------------------------------------------------------------ */

typedef struct run {
    const g5_chunk_t *chunks;
    size_t n;
    const g5_chunk_job_t *job;
    void **results;
    char *done;
    size_t next;            /* next chunk to take */
    size_t emitted;         /* chunks emitted so far */
    size_t window;          /* chunks allowed ahead of the writer */
    int stop;               /* a failure: everyone stops */
    char why[600];
    pthread_mutex_t lock;
    pthread_cond_t changed;
} run_t;

static void run_fail(run_t *r, const char *why)
{
    pthread_mutex_lock(&r->lock);
    if (!r->stop) snprintf(r->why, sizeof r->why, "%s", why);
    r->stop = 1;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
}

static void *worker(void *arg)
{
    run_t *r = arg;
    char why[600] = "";
    void *state = r->job->start(r->job->ctx, why, sizeof why);
    if (!state) {
        run_fail(r, *why ? why : "out of memory");
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&r->lock);
        while (!r->stop && r->next < r->n && r->next >= r->emitted + r->window)
            pthread_cond_wait(&r->changed, &r->lock);
        if (r->stop || r->next >= r->n) {
            pthread_mutex_unlock(&r->lock);
            break;
        }
        size_t i = r->next++;
        pthread_mutex_unlock(&r->lock);

        void *result = NULL;
        if (r->job->work(state, &r->chunks[i], &result, why, sizeof why) < 0) {
            run_fail(r, *why ? why : "out of memory");
            break;
        }
        pthread_mutex_lock(&r->lock);
        r->results[i] = result;
        r->done[i] = 1;
        pthread_cond_broadcast(&r->changed);
        pthread_mutex_unlock(&r->lock);
    }
    r->job->stop(state);
    return NULL;
}

int g5_chunks_run(const g5_chunk_t *chunks, size_t n, int threads, const g5_chunk_job_t *job,
                  char *why, size_t nwhy)
{
    if (threads < 1) threads = 1;
    run_t r = { chunks, n, job, calloc(n + 1, sizeof(void *)), calloc(n + 1, 1), 0, 0, 4 * (size_t)threads, 0, "",
                PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };
    pthread_t *tid = calloc(threads, sizeof *tid);
    int started = 0;
    if (!r.results || !r.done || !tid) run_fail(&r, "out of memory");
    for (; !r.stop && started < threads; started++)
        if (pthread_create(&tid[started], NULL, worker, &r) != 0) {
            run_fail(&r, "cannot start a thread");
            break;
        }

    // emit in chunk order as the chunks are done
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&r.lock);
        while (!r.stop && !r.done[i]) pthread_cond_wait(&r.changed, &r.lock);
        int stop = r.stop;
        void *result = r.results[i];
        r.results[i] = NULL;
        pthread_mutex_unlock(&r.lock);
        if (stop) break;
        char ewhy[600] = "";
        if (job->emit(job->ctx, &chunks[i], result, ewhy, sizeof ewhy) < 0) {
            run_fail(&r, *ewhy ? ewhy : "cannot write");
            break;
        }
        pthread_mutex_lock(&r.lock);
        r.emitted = i + 1;
        pthread_cond_broadcast(&r.changed);
        pthread_mutex_unlock(&r.lock);
    }
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    for (size_t i = 0; r.results && i < n; i++)
        if (r.results[i]) job->discard(job->ctx, r.results[i]);
    free(r.results);
    free(r.done);
    free(tid);
    pthread_mutex_destroy(&r.lock);
    pthread_cond_destroy(&r.changed);
    if (r.stop) snprintf(why, nwhy, "%s", r.why);
    return r.stop ? -1 : 0;
}
