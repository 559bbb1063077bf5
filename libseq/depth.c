/*
 * depth.c -- depth of coverage as runs, from sorted records, in a ring of
 * deltas.  See depth.h for the design and the semantics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/khash.h>

#include "depth.h"

/* The ring covers 2^18 bases ahead of the sweep (1 MiB of deltas): far more
 * than a short read spans, few enough to stay in cache. */
#define RING_BITS 18
#define RING_SIZE ((hts_pos_t)1 << RING_BITS)
#define RING_MASK (RING_SIZE - 1)

/* A change of depth that lies beyond the ring's reach. */
typedef struct far_event {
    hts_pos_t pos;
    int32_t delta;
} far_event_t;

/* The first mate of an overlapping proper pair, waiting for the second. */
typedef struct waiting_mate {
    hts_pos_t mate_pos;     /* where the second mate starts */
    int nblocks;
    hts_pos_t *blocks;      /* [beg, end) pairs, 2 * nblocks values, then the name */
    size_t bytes;           /* of that allocation */
} waiting_mate_t;

KHASH_MAP_INIT_STR(mate, waiting_mate_t)

struct g5_depth {
    int fast;
    g5_depth_sink sink;
    void *ctx;

    hts_pos_t len;          /* the contig's length */
    int32_t *ring;          /* deltas at positions [swept, swept + RING_SIZE) */
    hts_pos_t swept;        /* every base before this one went to the sink */
    hts_pos_t ring_hi;      /* one past the last position with a delta in the ring */
    int32_t depth;          /* the depth at the sweep */
    hts_pos_t run_beg;      /* where the run at that depth began */

    far_event_t *far;       /* min-heap by position */
    size_t nfar, mfar;

    khash_t(mate) *mates;
    size_t mate_bytes;      /* names and blocks held by the waiting mates */
    size_t sweep_at;        /* table size that triggers dropping stale mates */

    hts_pos_t *blocks;      /* scratch: the current record's blocks */
    int mblocks;
};

g5_depth_t *g5_depth_init(int fast, g5_depth_sink sink, void *ctx)
{
    g5_depth_t *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->fast = fast;
    d->sink = sink;
    d->ctx = ctx;
    d->sweep_at = 1024;
    if (!(d->ring = calloc(RING_SIZE, sizeof *d->ring)) || !(d->mates = kh_init(mate))) {
        g5_depth_destroy(d);
        errno = ENOMEM;
        return NULL;
    }
    return d;
}

static void mate_free(g5_depth_t *d, khiter_t k)
{
    d->mate_bytes -= kh_val(d->mates, k).bytes;
    free(kh_val(d->mates, k).blocks);     // the key lives in the same allocation
    kh_del(mate, d->mates, k);
}

static void mates_clear(g5_depth_t *d)
{
    for (khiter_t k = kh_begin(d->mates); k != kh_end(d->mates); k++)
        if (kh_exist(d->mates, k)) mate_free(d, k);
}

void g5_depth_destroy(g5_depth_t *d)
{
    if (!d) return;
    if (d->mates) {
        mates_clear(d);
        kh_destroy(mate, d->mates);
    }
    free(d->ring);
    free(d->far);
    free(d->blocks);
    free(d);
}

size_t g5_depth_bytes(const g5_depth_t *d)
{
    return sizeof *d + RING_SIZE * sizeof *d->ring + d->mfar * sizeof *d->far
        + d->mate_bytes + kh_n_buckets(d->mates) * (sizeof(char *) + sizeof(waiting_mate_t) + 1)
        + (size_t)d->mblocks * sizeof *d->blocks;
}

int g5_depth_begin(g5_depth_t *d, hts_pos_t len)
{
    d->len = len;
    d->swept = d->ring_hi = d->run_beg = 0;
    d->depth = 0;
    return 0;
}

/* --- far events: a binary min-heap on position ---------------------------- */

static int far_push(g5_depth_t *d, hts_pos_t pos, int32_t delta)
{
    if (d->nfar == d->mfar) {
        size_t m = d->mfar ? 2 * d->mfar : 64;
        far_event_t *f = realloc(d->far, m * sizeof *f);
        if (!f) return -1;
        d->far = f;
        d->mfar = m;
    }
    size_t i = d->nfar++;
    while (i > 0 && d->far[(i - 1) / 2].pos > pos) {
        d->far[i] = d->far[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    d->far[i] = (far_event_t){ pos, delta };
    return 0;
}

static far_event_t far_pop(g5_depth_t *d)
{
    far_event_t top = d->far[0], last = d->far[--d->nfar];
    size_t i = 0, n = d->nfar;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && d->far[c + 1].pos < d->far[c].pos) c++;
        if (d->far[c].pos >= last.pos) break;
        d->far[i] = d->far[c];
        i = c;
    }
    if (n) d->far[i] = last;
    return top;
}

/* --- the ring ----------------------------------------------------------- */

/* Record a change of depth at @p pos (never behind the sweep). */
static int change(g5_depth_t *d, hts_pos_t pos, int32_t delta)
{
    if (pos >= d->len) return 0;    // past the contig's end: nothing to count
    if (pos - d->swept >= RING_SIZE) return far_push(d, pos, delta);
    d->ring[pos & RING_MASK] += delta;
    if (pos >= d->ring_hi) d->ring_hi = pos + 1;
    return 0;
}

/* Hand every base before @p upto to the sink. */
static int sweep(g5_depth_t *d, hts_pos_t upto)
{
    if (upto > d->len) upto = d->len;
    while (d->swept < upto) {
        while (d->nfar && d->far[0].pos - d->swept < RING_SIZE) {
            far_event_t e = far_pop(d);
            d->ring[e.pos & RING_MASK] += e.delta;
            if (e.pos >= d->ring_hi) d->ring_hi = e.pos + 1;
        }
        if (d->ring_hi <= d->swept) {
            // Nothing pending in the ring: the depth holds until the next
            // far change, so jump there.
            hts_pos_t next = d->nfar && d->far[0].pos < upto ? d->far[0].pos : upto;
            d->swept = next;
            continue;
        }
        hts_pos_t stop = d->ring_hi < upto ? d->ring_hi : upto;
        for (hts_pos_t p = d->swept; p < stop; p++) {
            int32_t *slot = &d->ring[p & RING_MASK];
            if (!*slot) continue;
            if (p > d->run_beg && d->sink(d->ctx, d->run_beg, p, d->depth) < 0) return -1;
            d->depth += *slot;
            d->run_beg = p;
            *slot = 0;
        }
        d->swept = stop;
    }
    return 0;
}

int g5_depth_end(g5_depth_t *d)
{
    if (sweep(d, d->len) < 0) return -1;
    if (d->len > d->run_beg && d->sink(d->ctx, d->run_beg, d->len, d->depth) < 0) return -1;
    d->run_beg = d->len;
    d->nfar = 0;    // only changes past the end could remain, and none are kept
    mates_clear(d);
    return 0;
}

/* --- records ------------------------------------------------------------ */

/* The aligned blocks of @p b, [beg, end) pairs into d->blocks: operations
 * consuming query and reference, joined across insertions and padding.
 * @return the number of blocks, or -1 (ENOMEM) */
static int blocks_of(g5_depth_t *d, const bam1_t *b)
{
    const uint32_t *cigar = bam_get_cigar(b);
    int n = 0;
    hts_pos_t pos = b->core.pos, last_end = -1;
    if (d->mblocks < 2 * (int)b->core.n_cigar) {
        int m = 2 * (int)b->core.n_cigar + 16;
        hts_pos_t *x = realloc(d->blocks, m * sizeof *x);
        if (!x) return -1;
        d->blocks = x;
        d->mblocks = m;
    }
    for (uint32_t i = 0; i < b->core.n_cigar; i++) {
        int type = bam_cigar_type(bam_cigar_op(cigar[i]));
        if (!(type & 2)) continue;              // does not consume the reference
        hts_pos_t len = bam_cigar_oplen(cigar[i]);
        if (type & 1) {                         // consumes the query too: aligned
            if (pos == last_end) {
                d->blocks[2 * n - 1] = pos + len;
            } else {
                d->blocks[2 * n] = pos;
                d->blocks[2 * n + 1] = pos + len;
                n++;
            }
            last_end = pos + len;
        }
        pos += len;
    }
    return n;
}

/* Keep the first mate's blocks until its partner arrives.  The blocks and
 * the name share one allocation, which the table's key points into. */
static int mate_wait(g5_depth_t *d, const bam1_t *b, int nblocks)
{
    int absent;
    size_t bytes = 2 * sizeof(hts_pos_t) * nblocks, lname = b->core.l_qname;
    char *mem = malloc(bytes + lname);
    if (!mem) goto oom;
    hts_pos_t *blocks = (hts_pos_t *)mem;
    char *name = mem + bytes;
    memcpy(blocks, d->blocks, bytes);
    memcpy(name, bam_get_qname(b), lname);     // with its NUL, and padding NULs
    khiter_t k = kh_put(mate, d->mates, name, &absent);
    if (absent < 0) goto oom;
    if (!absent) {      // the name waits already: the latest record wins
        d->mate_bytes -= kh_val(d->mates, k).bytes;
        free(kh_val(d->mates, k).blocks);
        kh_key(d->mates, k) = name;
    }
    kh_val(d->mates, k) = (waiting_mate_t){ b->core.mpos, nblocks, blocks, bytes + lname };
    d->mate_bytes += bytes + lname;
    return 0;
oom:
    free(mem);
    errno = ENOMEM;
    return -1;
}

/* Subtract what the second mate (blocks in d->blocks) shares with the first. */
static int mate_overlap(g5_depth_t *d, const waiting_mate_t *m, int nblocks)
{
    int i = 0, j = 0;
    while (i < nblocks && j < m->nblocks) {
        hts_pos_t beg = d->blocks[2 * i] > m->blocks[2 * j] ? d->blocks[2 * i] : m->blocks[2 * j];
        hts_pos_t end = d->blocks[2 * i + 1] < m->blocks[2 * j + 1] ? d->blocks[2 * i + 1] : m->blocks[2 * j + 1];
        if (beg < end && (change(d, beg, -1) < 0 || change(d, end, +1) < 0)) return -1;
        if (d->blocks[2 * i + 1] < m->blocks[2 * j + 1]) i++;
        else j++;
    }
    return 0;
}

/* Drop waiting mates whose partner would have started behind @p pos: it was
 * filtered out or is missing, and can no longer come. */
static void mates_expire(g5_depth_t *d, hts_pos_t pos)
{
    for (khiter_t k = kh_begin(d->mates); k != kh_end(d->mates); k++)
        if (kh_exist(d->mates, k) && kh_val(d->mates, k).mate_pos < pos) mate_free(d, k);
    size_t n = kh_size(d->mates);
    d->sweep_at = n * 2 > 1024 ? n * 2 : 1024;
}

int g5_depth_add(g5_depth_t *d, const bam1_t *b)
{
    hts_pos_t pos = b->core.pos;
    if (pos < d->swept) pos = d->swept;     // unsorted input is the caller's to refuse
    if (sweep(d, pos) < 0) return -1;

    if (d->fast)
        return change(d, pos, +1) < 0 || change(d, bam_endpos(b), -1) < 0 ? -1 : 0;

    int n = blocks_of(d, b);
    if (n < 0) return -1;
    const bam1_core_t *c = &b->core;
    if ((c->flag & (BAM_FPROPER_PAIR | BAM_FSUPPLEMENTARY)) == BAM_FPROPER_PAIR) {
        // Most records need no look-up: a first mate that reaches its
        // partner waits, and one that does not cannot pair with anything.
        int reaches = c->tid == c->mtid && bam_endpos(b) > c->mpos;
        khiter_t k = kh_end(d->mates);
        if (c->pos >= c->mpos && kh_size(d->mates)) k = kh_get(mate, d->mates, bam_get_qname(b));
        int waiting = k != kh_end(d->mates);
        if (reaches && (c->pos < c->mpos || (c->pos == c->mpos && !waiting))) {
            if (mate_wait(d, b, n) < 0) return -1;
            if (kh_size(d->mates) >= d->sweep_at) mates_expire(d, c->pos);
        } else if (waiting) {
            int r = mate_overlap(d, &kh_val(d->mates, k), n);
            mate_free(d, k);
            if (r < 0) return -1;
        }
    }
    for (int i = 0; i < n; i++)
        if (change(d, d->blocks[2 * i], +1) < 0 || change(d, d->blocks[2 * i + 1], -1) < 0) return -1;
    return 0;
}
