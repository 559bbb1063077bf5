/*
 * sortbuf.c -- external sort of alignment records.  See sortbuf.h for the
 * design; this file explains the bookkeeping.
 *
 * Memory layout.  Each record is copied into the arena as a bam1_t
 * followed by its variable-length data, so comparisons and writes use the
 * copy directly.  The arena is a list of large blocks (never one huge
 * allocation: a small input must not cost the whole budget).  The index is
 * an array of {key, record} entries, and sorting needs a scratch array of
 * the same size; both are charged to the budget up front.
 */
#include "sortbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include "cli.h"

#include "out.h"

/* Arena blocks: large, but a small budget gets smaller ones. */
#define BLOCK_SIZE_MAX (8u << 20)

/* Held back from the arena for what the merge and htslib need: a read
 * buffer for every open run (RUN_IO_BUF, more for a longer record), the
 * output's buffers, and allocator slack. */
#define RESERVE_FIXED_MAX (12u << 20)
#define RESERVE_PER_RUN (512u << 10)

typedef struct entry {
    uint64_t key;           // coordinate key (0 for other orders)
    bam1_t *b;              // the record, in the arena
} entry_t;

typedef struct block {
    struct block *next;
    size_t used, size;
    _Alignas(max_align_t) char data[];
} block_t;

typedef struct run {
    g5_out_t *file;         // registered temporary: removed unless merged away
    int fd;                 // open while merging, else -1
    char *buf;              // read buffer: bytes [pos, end) not yet used
    size_t cap, pos, end;
    bam1_t *b;              // its current record, its data in buf
    uint64_t key;
} run_t;

typedef struct run_writer {
    g5_out_t *file;
    int fd;
    char *buf;
    size_t len;             // bytes waiting in buf
} runw_t;

struct g5_sortbuf {
    g5_sortspec_t spec;
    int by_key;             // coordinate order on 64-bit keys (no tag, no huge positions)
    size_t arena_budget;    // bytes for blocks + index + scratch
    size_t block_size;      // arena blocks
    const size_t *other;    // bytes another consumer holds of the same budget
    int fan;                // the most runs open at once
    char *tmp;              // run file prefix

    block_t *blocks;        // in allocation order; kept across runs
    block_t *cur;           // the block being filled (NULL before the first)
    size_t arena_bytes;     // bytes of blocks allocated
    entry_t *ent;           // index of the records in memory
    size_t n, m;

    run_t *runs;            // runs on disk, in input order
    int nruns, mruns, run_serial;

    // The merge: sources 0..nruns-1 are runs, source nruns the memory run.
    int merging;
    size_t mem_i;
    int *heap, nheap;
    int last;               // source of the record handed out last, -1 before the first

    char why[256];
};

#define fail(sb, ...) g5_why((sb)->why, sizeof (sb)->why, __VA_ARGS__)

g5_sortbuf_t *g5_sortbuf_init(const g5_sortspec_t *spec, size_t budget, int fan,
                              const char *tmp)
{
    if (fan == 0) fan = G5_SORTBUF_FAN;
    size_t fixed = budget / 8 < RESERVE_FIXED_MAX ? budget / 8 : RESERVE_FIXED_MAX;
    size_t reserve = fixed + (size_t)fan * RESERVE_PER_RUN;
    size_t block = budget / 8 < BLOCK_SIZE_MAX ? budget / 8 : BLOCK_SIZE_MAX;
    if (fan < 2 || budget < G5_SORTBUF_MIN_MEMORY || budget <= reserve + 2 * block) {
        errno = EINVAL;
        return NULL;
    }
    g5_sortbuf_t *sb = calloc(1, sizeof *sb);
    if (!sb || !(sb->tmp = strdup(tmp))) {
        free(sb);
        errno = ENOMEM;
        return NULL;
    }
    sb->spec = *spec;
    sb->by_key = spec->order == G5_ORDER_COORD && !spec->tag[0];
    sb->arena_budget = budget - reserve;
    sb->block_size = block;
    sb->fan = fan;
    sb->last = -1;
    return sb;
}

size_t g5_sortbuf_capacity(const g5_sortbuf_t *sb)
{
    return sb->arena_budget;
}

void g5_sortbuf_share(g5_sortbuf_t *sb, const size_t *other_bytes)
{
    sb->other = other_bytes;
}

const char *g5_sortbuf_why(const g5_sortbuf_t *sb)
{
    return sb->why;
}

int g5_sortbuf_runs(const g5_sortbuf_t *sb)
{
    return sb->run_serial;
}

/* --- in-memory sort ---------------------------------------------------- */

/* Stable LSD radix sort on the key, a byte at a time, skipping the bytes
 * every key shares (the high bytes of tid and pos usually are). */
static void radix_sort(entry_t *a, entry_t *scratch, size_t n)
{
    entry_t *src = a, *dst = scratch;
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[256] = { 0 };
        for (size_t i = 0; i < n; i++) count[(src[i].key >> shift) & 0xff]++;
        if (count[(src[0].key >> shift) & 0xff] == n) continue;
        size_t sum = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
        entry_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
}

/* Stable merge sort with the full comparison (names, tags, huge positions). */
static void merge_sort(const g5_sortspec_t *spec, entry_t *a, entry_t *scratch, size_t n)
{
    if (n < 2) return;
    if (n <= 16) {      // insertion sort: stable, and quicker on short runs
        for (size_t i = 1; i < n; i++) {
            entry_t e = a[i];
            size_t j = i;
            while (j > 0 && g5_order_cmp(spec, a[j - 1].b, e.b) > 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = e;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(spec, a, scratch, h);
    merge_sort(spec, a + h, scratch, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)      // "<=": on ties the left (earlier) one first
        scratch[k++] = g5_order_cmp(spec, a[i].b, a[j].b) <= 0 ? a[i++] : a[j++];
    while (i < h) scratch[k++] = a[i++];
    while (j < n) scratch[k++] = a[j++];
    memcpy(a, scratch, n * sizeof *a);
}

static int sort_memory(g5_sortbuf_t *sb)
{
    if (sb->n < 2) return 0;
    entry_t *scratch = malloc(sb->n * sizeof *scratch);
    if (!scratch) return fail(sb, "out of memory");
    if (sb->by_key) radix_sort(sb->ent, scratch, sb->n);
    else merge_sort(&sb->spec, sb->ent, scratch, sb->n);
    free(scratch);
    return 0;
}

static void free_blocks(g5_sortbuf_t *sb)
{
    for (block_t *b = sb->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    sb->blocks = sb->cur = NULL;
    sb->arena_bytes = 0;
}

static void clear_memory(g5_sortbuf_t *sb)
{
    // Keep the blocks for the next batch: they are within the budget, and
    // handing them back to the kernel only to fault them in again costs
    // more system time than the sort itself.
    for (block_t *b = sb->blocks; b; b = b->next) b->used = 0;
    sb->cur = sb->blocks;
    sb->n = 0;
}

/* --- runs on disk ------------------------------------------------------ */

static int run_add(g5_sortbuf_t *sb, g5_out_t *file)
{
    if (sb->nruns == sb->mruns) {
        int m = sb->mruns ? 2 * sb->mruns : 16;
        run_t *r = realloc(sb->runs, (size_t)m * sizeof *r);
        if (!r) return fail(sb, "out of memory");
        sb->runs = r;
        sb->mruns = m;
    }
    memset(&sb->runs[sb->nruns], 0, sizeof *sb->runs);
    sb->runs[sb->nruns].fd = -1;
    sb->runs[sb->nruns++].file = file;
    return 0;
}

/*
 * A run file holds records in their memory layout, uncompressed and
 * unframed: per record a fixed header (core, id, data length), then the
 * data padded to 8 bytes, so data read back in place stays aligned.  This
 * process writes a run and reads it back once, soon; compressing it (as
 * samtools sort does, at level 1) cost a quarter of the whole sort's CPU
 * time to save disk space that is handed back minutes later.  The price:
 * the runs take the records' full size on disk, about 2.5 times their size
 * in a BAM file.
 */
typedef struct run_head {
    bam1_core_t core;
    uint64_t id;
    uint64_t l_data;
} run_head_t;

#define RUN_IO_BUF (256u << 10)

static size_t padded(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int runw_flush(runw_t *w)
{
    if (write_all(w->fd, w->buf, w->len) < 0) return -1;
    w->len = 0;
    return 0;
}

/* Give up a run being written: close and remove it. */
static void run_discard(runw_t *w)
{
    if (w->fd >= 0) close(w->fd);
    free(w->buf);
    g5_out_abort(w->file);
    memset(w, 0, sizeof *w);
    w->fd = -1;
}

/* Open a new run file for writing. */
static int run_create(g5_sortbuf_t *sb, runw_t *w)
{
    char name[4096];
    snprintf(name, sizeof name, "%s.run%04d", sb->tmp, ++sb->run_serial);
    memset(w, 0, sizeof *w);
    w->fd = -1;
    errno = 0;
    if (!(w->file = g5_out_open(name)))
        return fail(sb, "cannot create a run file \"%s\": %s", name, strerror(errno));
    if ((w->fd = open(g5_out_path(w->file), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
        !(w->buf = malloc(RUN_IO_BUF))) {
        fail(sb, "cannot create a run file \"%s\": %s", g5_out_path(w->file), strerror(errno));
        run_discard(w);
        return -1;
    }
    return 0;
}

/* One record of a run, with its id (which BAM does not store, and callers
 * such as g5 sort --markdup need back). */
static int run_write(g5_sortbuf_t *sb, runw_t *w, const bam1_t *b)
{
    run_head_t h = { .core = b->core, .id = b->id, .l_data = (uint64_t)b->l_data };
    size_t data = padded((size_t)b->l_data);
    if (w->len + sizeof h + data > RUN_IO_BUF && runw_flush(w) < 0) goto failed;
    if (sizeof h + data > RUN_IO_BUF) {     // a huge record goes out directly
        static const char zero[8];
        if (write_all(w->fd, (const char *)&h, sizeof h) < 0 ||
            write_all(w->fd, (const char *)b->data, (size_t)b->l_data) < 0 ||
            write_all(w->fd, zero, data - (size_t)b->l_data) < 0) goto failed;
        return 0;
    }
    memcpy(w->buf + w->len, &h, sizeof h);
    memcpy(w->buf + w->len + sizeof h, b->data, (size_t)b->l_data);
    memset(w->buf + w->len + sizeof h + b->l_data, 0, data - (size_t)b->l_data);
    w->len += sizeof h + data;
    return 0;
failed:
    return fail(sb, "cannot write a run file \"%s\": %s", g5_out_path(w->file),
                errno ? strerror(errno) : "write error");
}

/* Finish a run being written and add it to the runs (it is discarded on failure). */
static int run_close(g5_sortbuf_t *sb, runw_t *w)
{
    errno = 0;
    if (runw_flush(w) < 0 || close(w->fd) < 0) {
        w->fd = -1;
        fail(sb, "cannot write a run file \"%s\": %s", g5_out_path(w->file),
             errno ? strerror(errno) : "write error");
        run_discard(w);
        return -1;
    }
    w->fd = -1;
    free(w->buf);
    g5_out_t *file = w->file;
    memset(w, 0, sizeof *w);
    if (run_add(sb, file) < 0) {
        g5_out_abort(file);
        return -1;
    }
    return 0;
}

/* Sort the arena and write it out as one run. */
static int spill(g5_sortbuf_t *sb)
{
    if (sort_memory(sb) < 0) return -1;
    runw_t w;
    if (run_create(sb, &w) < 0) return -1;
    for (size_t i = 0; i < sb->n; i++) {
        if (run_write(sb, &w, sb->ent[i].b) < 0) {
            run_discard(&w);
            return -1;
        }
    }
    if (run_close(sb, &w) < 0) return -1;
    clear_memory(sb);
    return 0;
}

/* --- adding ------------------------------------------------------------ */

static size_t record_size(const bam1_t *b)
{
    return padded(sizeof(bam1_t) + (size_t)b->l_data);
}

/* Bytes in use if the arena held @p blocks bytes and the index @p m entries
 * (the index and its sort scratch). */
static size_t usage(size_t blocks, size_t m)
{
    return blocks + 2 * m * sizeof(entry_t);
}

int g5_sortbuf_add(g5_sortbuf_t *sb, const bam1_t *b)
{
    size_t need = record_size(b);
    // The next block with room: the current one, a kept one, or a new one.
    block_t *blk = sb->cur;
    while (blk && blk->size - blk->used < need) blk = blk->next;
    int new_block = blk == NULL;
    size_t other = sb->other ? *sb->other : 0;
    // Smaller blocks when the other consumer leaves little room.
    size_t room = sb->arena_budget > other ? sb->arena_budget - other : 0;
    size_t block_size = room / 4 < sb->block_size ? room / 4 : sb->block_size;
    if (block_size < need) block_size = need;
    size_t m = sb->n < sb->m ? sb->m : sb->m ? 2 * sb->m : 1024;

    if (usage(sb->arena_bytes + (new_block ? block_size : 0), m) + other > sb->arena_budget) {
        if (sb->n == 0) {
            // Empty, yet over: the kept blocks (or a bigger share for the
            // other consumer) are in the way.  Give them back and retry.
            if (!sb->blocks && !sb->ent)
                return fail(sb, "record \"%s\" (%zu bytes) does not fit in the memory budget",
                            bam_get_qname(b), need);
            free_blocks(sb);
            free(sb->ent);      // the index too: it was sized for fuller times
            sb->ent = NULL;
            sb->m = 0;
            return g5_sortbuf_add(sb, b);
        }
        if (spill(sb) < 0) return -1;
        return g5_sortbuf_add(sb, b);
    }
    if (m != sb->m) {
        entry_t *e = realloc(sb->ent, m * sizeof *e);
        if (!e) return fail(sb, "out of memory");
        sb->ent = e;
        sb->m = m;
    }
    if (new_block) {
        if (!(blk = malloc(sizeof *blk + block_size))) return fail(sb, "out of memory");
        blk->size = block_size;
        blk->used = 0;
        blk->next = NULL;
        block_t **tail = &sb->blocks;
        while (*tail) tail = &(*tail)->next;
        *tail = blk;
        sb->arena_bytes += block_size;
    }
    sb->cur = blk;

    bam1_t *copy = (bam1_t *)(blk->data + blk->used);
    blk->used += need;
    *copy = *b;
    copy->data = (uint8_t *)(copy + 1);
    copy->m_data = (uint32_t)b->l_data;
    memcpy(copy->data, b->data, (size_t)b->l_data);
    // Positions beyond the key's 31 bits (long references in SAM) fall
    // back to the full comparison.
    if (sb->by_key && b->core.pos + 1 >= INT32_MAX) sb->by_key = 0;
    sb->ent[sb->n].key = g5_order_coord_key(b);
    sb->ent[sb->n].b = copy;
    sb->n++;
    return 0;
}

/* --- merging ----------------------------------------------------------- */

/* The current record of source @p s, or NULL when it is exhausted. */
static bam1_t *current(const g5_sortbuf_t *sb, int s, uint64_t *key)
{
    if (s < sb->nruns) {
        *key = sb->runs[s].key;
        return sb->runs[s].b;
    }
    if (sb->mem_i >= sb->n) return NULL;
    *key = sb->ent[sb->mem_i].key;
    return sb->ent[sb->mem_i].b;
}

/* Source @p a before source @p b?  Ties go to the earlier source. */
static int before(const g5_sortbuf_t *sb, int a, int b)
{
    uint64_t ka = 0, kb = 0;
    bam1_t *ra = current(sb, a, &ka), *rb = current(sb, b, &kb);
    int c = sb->by_key ? (ka < kb ? -1 : ka > kb) : g5_order_cmp(&sb->spec, ra, rb);
    return c < 0 || (c == 0 && a < b);
}

static void sift_down(g5_sortbuf_t *sb, int i)
{
    int *h = sb->heap, n = sb->nheap;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, best = i;
        if (l < n && before(sb, h[l], h[best])) best = l;
        if (r < n && before(sb, h[r], h[best])) best = r;
        if (best == i) return;
        int t = h[i];
        h[i] = h[best];
        h[best] = t;
        i = best;
    }
}

/* Have at least @p n bytes from the read position in the buffer.
 * @return 1; 0 at the end of the file with nothing left; -1 on a read
 * error or a file ending inside a record (errno 0) */
static int run_fill(run_t *r, size_t n)
{
    if (r->end - r->pos >= n) return 1;
    // pos is a multiple of 8, so records keep their alignment at the front
    memmove(r->buf, r->buf + r->pos, r->end - r->pos);
    r->end -= r->pos;
    r->pos = 0;
    if (n > r->cap) {       // a record larger than the buffer
        char *grown = realloc(r->buf, n);
        if (!grown) return -1;
        r->buf = grown;
        r->cap = n;
    }
    while (r->end < n) {
        ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return -1;
        if (got == 0) {
            errno = 0;
            return r->end == 0 ? 0 : -1;
        }
        r->end += (size_t)got;
    }
    return 1;
}

/* Advance run @p s to its next record.  @return 1, 0 at its end, -1 on error */
static int run_advance(g5_sortbuf_t *sb, int s)
{
    run_t *r = &sb->runs[s];
    run_head_t h;
    int got = run_fill(r, sizeof h);
    if (got == 0) return 0;
    if (got > 0) {
        memcpy(&h, r->buf + r->pos, sizeof h);
        size_t data = padded(h.l_data);
        errno = 0;
        if (h.l_data <= INT32_MAX && run_fill(r, sizeof h + data) > 0) {
            bam1_t *b = r->b;
            b->core = h.core;
            b->id = h.id;
            b->data = (uint8_t *)r->buf + r->pos + sizeof h;
            b->l_data = (int)h.l_data;
            b->m_data = (uint32_t)h.l_data;
            r->pos += sizeof h + data;
            r->key = g5_order_coord_key(b);
            return 1;
        }
    }
    return fail(sb, "cannot read back run file \"%s\": %s", g5_out_path(r->file),
                errno ? strerror(errno) : "corrupt or truncated");
}

/* Open runs [0, k) for reading and build the heap over them (plus the
 * memory run when @p with_memory). */
static int merge_start(g5_sortbuf_t *sb, int k, int with_memory)
{
    free(sb->heap);
    if (!(sb->heap = malloc((size_t)(k + 1) * sizeof *sb->heap))) return fail(sb, "out of memory");
    sb->nheap = 0;
    for (int s = 0; s < k; s++) {
        run_t *r = &sb->runs[s];
        if ((r->fd = open(g5_out_path(r->file), O_RDONLY | O_CLOEXEC)) < 0)
            return fail(sb, "cannot read back run file \"%s\": %s", g5_out_path(r->file), strerror(errno));
        if (!(r->buf = malloc(RUN_IO_BUF)) || !(r->b = bam_init1())) return fail(sb, "out of memory");
        r->cap = RUN_IO_BUF;
        bam_set_mempolicy(r->b, BAM_USER_OWNS_DATA);    // its data lives in buf
        int got = run_advance(sb, s);
        if (got < 0) return -1;
        if (got) sb->heap[sb->nheap++] = s;
    }
    sb->mem_i = 0;
    if (with_memory && sb->n > 0) sb->heap[sb->nheap++] = sb->nruns;
    for (int i = sb->nheap / 2 - 1; i >= 0; i--) sift_down(sb, i);
    return 0;
}

static void run_release(run_t *r)
{
    if (r->fd >= 0) close(r->fd);
    free(r->buf);
    if (r->b) bam_destroy1(r->b);
    g5_out_abort(r->file);      // a run is never kept: remove the file
    memset(r, 0, sizeof *r);
    r->fd = -1;
}

/* Move the heap past the record handed out last. */
static int merge_step(g5_sortbuf_t *sb)
{
    int s = sb->heap[0], more;
    if (s < sb->nruns) {
        if ((more = run_advance(sb, s)) < 0) return -1;
    } else {
        more = ++sb->mem_i < sb->n;
    }
    if (!more) sb->heap[0] = sb->heap[--sb->nheap];
    if (sb->nheap > 0) sift_down(sb, 0);
    return 0;
}

/* Merge runs [0, k) into one new run that takes their place. */
static int merge_group(g5_sortbuf_t *sb, int k)
{
    int saved_nruns = sb->nruns;
    sb->nruns = k;              // sources are runs 0..k-1 only, no memory run
    size_t saved_n = sb->n;
    sb->n = 0;
    runw_t w = { .fd = -1 };
    int ok = merge_start(sb, k, 0) == 0 && run_create(sb, &w) == 0;
    while (ok && sb->nheap > 0) {
        uint64_t key;
        ok = run_write(sb, &w, current(sb, sb->heap[0], &key)) == 0 && merge_step(sb) == 0;
    }
    sb->nruns = saved_nruns;
    sb->n = saved_n;
    for (int s = 0; s < k; s++) run_release(&sb->runs[s]);
    if (!ok) {
        run_discard(&w);
        return -1;
    }
    // The merged run replaces the group at its place, earliest first: it
    // is added at the end, then moved to the front.
    if (run_close(sb, &w) < 0) return -1;
    run_t merged = sb->runs[--sb->nruns];
    memmove(sb->runs + 1, sb->runs + k, (size_t)(sb->nruns - k) * sizeof *sb->runs);
    sb->nruns -= k - 1;
    sb->runs[0] = merged;
    return 0;
}

int g5_sortbuf_finish(g5_sortbuf_t *sb)
{
    if (sort_memory(sb) < 0) return -1;
    // The memory run counts as one of the open sources.
    while (sb->nruns + 1 > sb->fan)
        if (merge_group(sb, sb->fan) < 0) return -1;
    if (merge_start(sb, sb->nruns, 1) < 0) return -1;
    sb->merging = 1;
    sb->last = -1;
    return 0;
}

int g5_sortbuf_next(g5_sortbuf_t *sb, bam1_t **out)
{
    if (!sb->merging) return fail(sb, "g5_sortbuf_next before g5_sortbuf_finish");
    // Advance past the previous record only now, so it stayed valid.
    if (sb->last >= 0 && merge_step(sb) < 0) return -1;
    if (sb->nheap == 0) {
        sb->last = -1;
        return 0;
    }
    uint64_t key;
    sb->last = sb->heap[0];
    *out = current(sb, sb->last, &key);
    return 1;
}

void g5_sortbuf_destroy(g5_sortbuf_t *sb)
{
    if (!sb) return;
    for (int s = 0; s < sb->nruns; s++) run_release(&sb->runs[s]);
    free(sb->runs);
    free_blocks(sb);
    free(sb->ent);
    free(sb->heap);
    free(sb->tmp);
    free(sb);
}
