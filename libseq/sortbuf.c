/*
 * sortbuf.c -- external sort of alignment records.  See sortbuf.h for the
 * design; this file explains the bookkeeping.
 *
 * Memory layout.  Each record is copied into an arena as a bam1_t followed
 * by its variable-length data, so comparisons and writes use the copy
 * directly.  An arena is a list of large blocks (never one huge
 * allocation: a small input must not cost the whole budget) and an index
 * of {key, record} entries; sorting needs a scratch array of the same size,
 * charged to the budget up front.
 *
 * Two arenas.  Records go into the active arena.  With a background
 * thread, once the active arena holds half of the room it is sealed: the
 * thread sorts it and writes it out as a run while records fill a new
 * active arena.  Only when that one needs the room does the main thread
 * wait for the run to be written, and take the sealed arena's blocks back
 * (emptied blocks are kept, not freed: handing them back to the kernel
 * only to fault them in again costs more system time than the sort
 * itself).  At the end a sealed arena still held is not needed on disk:
 * its run is abandoned and the merge reads it from memory.  Without the
 * thread an arena is sealed only when full, and written at once.
 */
#include "sortbuf.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include "cli.h"

#include "out.h"

/* Arena blocks: large, but a small budget gets smaller ones. */
#define BLOCK_SIZE_MAX (8u << 20)

/* Held back from the arenas for what the merge and htslib need: a read
 * buffer for every open run (RUN_IO_BUF, more for a longer record), the
 * output's buffers, the run writer's buffer, and allocator slack. */
#define RESERVE_FIXED_MAX (12u << 20)
#define RESERVE_PER_RUN (256u << 10)

typedef struct entry {
    uint64_t key;           // coordinate key (0 for other orders)
    bam1_t *b;              // the record, in an arena block
} entry_t;

typedef struct block {
    struct block *next;
    size_t used, size;
    _Alignas(max_align_t) char data[];
} block_t;

typedef struct arena {
    block_t *blocks;        // in fill order, the last one being filled
    block_t *last;
    size_t bytes;           // of its blocks
    entry_t *ent;           // its records
    size_t n, m;
} arena_t;

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

/* A sealed arena on its way to disk. */
typedef struct sealed {
    int held;               // the arena below is sealed, its run not yet taken
    arena_t arena;          // sorted
    runw_t w;
    pthread_t thread;
    int threaded;           // written by the thread (joined when taken)
    atomic_int abandon;     // stop writing: the run will not be needed
    int status, err;        // the writer's result and errno (0: a short write)
} sealed_t;

struct g5_sortbuf {
    g5_sortspec_t spec;
    int by_key;             // coordinate order on 64-bit keys (no tag, no huge positions)
    int background;         // runs are written on a thread of their own
    size_t arena_budget;    // bytes for blocks and indexes, both arenas
    size_t block_size;      // arena blocks
    const size_t *other;    // bytes another consumer holds of the same budget
    int fan;                // the most runs open at once
    char *tmp;              // run file prefix

    arena_t act;            // records are added here
    sealed_t sealed;
    block_t *spare;         // emptied blocks, kept for the active arena
    size_t spare_bytes;
    entry_t *spare_ent;     // an emptied index, kept likewise
    size_t spare_m;

    run_t *runs;            // runs on disk, in input order
    int nruns, mruns, run_serial, runs_written;

    // The merge: sources 0..nruns-1 are runs, then the arenas in mem.
    int merging;
    arena_t *mem[2];
    size_t mem_i[2];
    int nmem;
    int *heap, nheap;
    int last;               // source of the record handed out last, -1 before the first

    char why[256];
};

#define fail(sb, ...) g5_why((sb)->why, sizeof (sb)->why, __VA_ARGS__)

g5_sortbuf_t *g5_sortbuf_init(const g5_sortspec_t *spec, size_t budget, int fan,
                              const char *tmp, int background)
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
    sb->background = background;
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
    return sb->runs_written;
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

/* Sort an arena's index.  @return 0, or -1 with errno ENOMEM */
static int sort_arena(const g5_sortspec_t *spec, int by_key, arena_t *a)
{
    if (a->n < 2) return 0;
    entry_t *scratch = malloc(a->n * sizeof *scratch);
    if (!scratch) {
        errno = ENOMEM;
        return -1;
    }
    if (by_key) radix_sort(a->ent, scratch, a->n);
    else merge_sort(spec, a->ent, scratch, a->n);
    free(scratch);
    return 0;
}

/* --- arenas and their blocks ------------------------------------------- */

static void free_block_list(block_t *b)
{
    for (block_t *next; b; b = next) {
        next = b->next;
        free(b);
    }
}

static void free_spare(g5_sortbuf_t *sb)
{
    free_block_list(sb->spare);
    sb->spare = NULL;
    sb->spare_bytes = 0;
    free(sb->spare_ent);
    sb->spare_ent = NULL;
    sb->spare_m = 0;
}

/* Empty an arena, its blocks and index kept as spares (the larger index
 * of two): growing a new index by doubling, arena after arena, left
 * the heap strewn with the smaller ones. */
static void empty_arena(g5_sortbuf_t *sb, arena_t *a)
{
    for (block_t *b = a->blocks; b; b = b->next) b->used = 0;
    if (a->last) {
        a->last->next = sb->spare;
        sb->spare = a->blocks;
        sb->spare_bytes += a->bytes;
    }
    if (a->m > sb->spare_m) {
        free(sb->spare_ent);
        sb->spare_ent = a->ent;
        sb->spare_m = a->m;
    } else {
        free(a->ent);
    }
    memset(a, 0, sizeof *a);
}

/* Bytes an arena charges to the budget: its blocks, its index and the
 * index's sort scratch. */
static size_t arena_usage(const arena_t *a)
{
    return a->bytes + 2 * a->m * sizeof(entry_t);
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
    sb->runs_written++;
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

#define RUN_IO_BUF (128u << 10)

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
            if (w == 0) errno = 0;      // a short write: the caller names it
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
 * such as g5 sort --markdup need back).  @return 0, or -1 with errno (0: a
 * short write) */
static int run_write(runw_t *w, const bam1_t *b)
{
    run_head_t h = { .core = b->core, .id = b->id, .l_data = (uint64_t)b->l_data };
    size_t data = padded((size_t)b->l_data);
    if (w->len + sizeof h + data > RUN_IO_BUF && runw_flush(w) < 0) return -1;
    if (sizeof h + data > RUN_IO_BUF) {     // a huge record goes out directly
        static const char zero[8];
        if (write_all(w->fd, (const char *)&h, sizeof h) < 0 ||
            write_all(w->fd, (const char *)b->data, (size_t)b->l_data) < 0 ||
            write_all(w->fd, zero, data - (size_t)b->l_data) < 0) return -1;
        return 0;
    }
    memcpy(w->buf + w->len, &h, sizeof h);
    memcpy(w->buf + w->len + sizeof h, b->data, (size_t)b->l_data);
    memset(w->buf + w->len + sizeof h + b->l_data, 0, data - (size_t)b->l_data);
    w->len += sizeof h + data;
    return 0;
}

/* Flush and close a run being written.  @return 0, or -1 with errno */
static int run_finish(runw_t *w)
{
    int r = runw_flush(w);
    if (close(w->fd) < 0) r = -1;
    w->fd = -1;
    free(w->buf);
    w->buf = NULL;
    return r;
}

static int fail_write(g5_sortbuf_t *sb, const runw_t *w, int err)
{
    return fail(sb, "cannot write a run file \"%s\": %s", g5_out_path(w->file),
                err ? strerror(err) : "short write");
}

/* Take a finished run into the runs, after the earlier ones.  It is
 * removed on failure. */
static int run_keep(g5_sortbuf_t *sb, runw_t *w)
{
    g5_out_t *file = w->file;
    memset(w, 0, sizeof *w);
    w->fd = -1;
    if (run_add(sb, file) < 0) {
        g5_out_abort(file);
        return -1;
    }
    return 0;
}

/* --- sealing: an arena sorted and written as a run --------------------- */

/* Write the sealed arena to its run, unless abandoned. */
static void *write_sealed(void *arg)
{
    sealed_t *s = arg;
    s->status = -1;
    for (size_t i = 0; i < s->arena.n; i++) {
        if ((i & 1023) == 0 && atomic_load_explicit(&s->abandon, memory_order_relaxed)) {
            s->status = 1;      // not written
            return NULL;
        }
        if (run_write(&s->w, s->arena.ent[i].b) < 0) {
            s->err = errno;
            return NULL;
        }
    }
    if (run_finish(&s->w) < 0) {
        s->err = errno;
        return NULL;
    }
    s->status = 0;
    return NULL;
}

/* Seal the active arena: it is sorted and its run created here, and
 * written by the thread (or now, without one); a new empty arena takes
 * its place.  (Sorting here, not on the thread, keeps the sort's scratch
 * in the main thread's heap, where it is reused: a thread's malloc arena
 * would hold it apart, outside the budget.) */
static int seal(g5_sortbuf_t *sb)
{
    sealed_t *s = &sb->sealed;
    if (sort_arena(&sb->spec, sb->by_key, &sb->act) < 0) return fail(sb, "out of memory");
    if (run_create(sb, &s->w) < 0) return -1;
    s->arena = sb->act;
    memset(&sb->act, 0, sizeof sb->act);
    s->status = 0;
    s->err = 0;
    atomic_store(&s->abandon, 0);
    s->held = 1;
    s->threaded = sb->background && pthread_create(&s->thread, NULL, write_sealed, s) == 0;
    if (!s->threaded) write_sealed(s);
    return 0;
}

/* Wait for the sealed arena's run and keep it; the arena's blocks become
 * spares.  @return 0, or -1 (the run is removed) */
static int take_sealed(g5_sortbuf_t *sb)
{
    sealed_t *s = &sb->sealed;
    if (s->threaded) pthread_join(s->thread, NULL);
    s->threaded = 0;
    s->held = 0;
    empty_arena(sb, &s->arena);
    if (s->status != 0) {
        fail_write(sb, &s->w, s->err);
        run_discard(&s->w);
        return -1;
    }
    return run_keep(sb, &s->w);
}

/* The sealed arena is needed no more on disk: stop its writer and remove
 * its run (a failed write does not matter); the arena stays, sorted, for
 * the merge. */
static void abandon_sealed(g5_sortbuf_t *sb)
{
    sealed_t *s = &sb->sealed;
    atomic_store(&s->abandon, 1);
    if (s->threaded) pthread_join(s->thread, NULL);
    s->threaded = 0;
    s->held = 0;
    run_discard(&s->w);
}

/* --- adding ------------------------------------------------------------ */

static size_t record_size(const bam1_t *b)
{
    return padded(sizeof(bam1_t) + (size_t)b->l_data);
}

/* Bytes held: both arenas, and the spares (an index with its scratch). */
static size_t held_bytes(const g5_sortbuf_t *sb)
{
    return arena_usage(&sb->act) + (sb->sealed.held ? arena_usage(&sb->sealed.arena) : 0) + sb->spare_bytes
         + 2 * sb->spare_m * sizeof(entry_t);
}

/* Make room for record @p b, @p need bytes, in the active arena: a block
 * with room and an index entry, within the budget.  @return 0, or -1 */
static int make_room(g5_sortbuf_t *sb, const bam1_t *b, size_t need)
{
    arena_t *a = &sb->act;
    for (;;) {
        size_t other = sb->other ? *sb->other : 0;
        // Smaller blocks when the other consumer leaves little room.
        size_t room = sb->arena_budget > other ? sb->arena_budget - other : 0;
        size_t block_size = room / 4 < sb->block_size ? room / 4 : sb->block_size;
        if (block_size < need) block_size = need;
        int new_block = !a->last || a->last->size - a->last->used < need;
        int from_spare = new_block && sb->spare && sb->spare->size >= need;
        if (a->n == a->m && sb->spare_m > a->m) {     // the spare index is larger
            if (a->n) memcpy(sb->spare_ent, a->ent, a->n * sizeof *a->ent);
            entry_t *e = a->ent;
            size_t em = a->m;
            a->ent = sb->spare_ent;
            a->m = sb->spare_m;
            sb->spare_ent = e;
            sb->spare_m = em;
        }
        size_t m = a->n < a->m ? a->m : a->m ? 2 * a->m : 1024;
        size_t grow = (new_block && !from_spare ? block_size : 0) + 2 * (m - a->m) * sizeof(entry_t);
        if (held_bytes(sb) + grow + other <= sb->arena_budget) {
            if (m != a->m) {
                entry_t *e = realloc(a->ent, m * sizeof *e);
                if (!e) return fail(sb, "out of memory");
                a->ent = e;
                a->m = m;
            }
            if (!new_block) return 0;
            block_t *blk;
            if (from_spare) {
                blk = sb->spare;
                sb->spare = blk->next;
                sb->spare_bytes -= blk->size;
            } else {
                if (!(blk = malloc(sizeof *blk + block_size))) return fail(sb, "out of memory");
                blk->size = block_size;
                blk->used = 0;
            }
            blk->next = NULL;
            if (a->last) a->last->next = blk;
            else a->blocks = blk;
            a->last = blk;
            a->bytes += blk->size;
            return 0;
        }
        // Over the budget: free what is freest first.
        if (sb->sealed.held) {
            if (take_sealed(sb) < 0) return -1;
        } else if (sb->spare) {
            free_spare(sb);
        } else if (a->n == 0) {
            // Empty, yet over: its index (sized for fuller times) or a
            // grown share of the other consumer is in the way.
            if (!a->ent && !a->blocks)
                return fail(sb, "record \"%s\" (%zu bytes) does not fit in the memory budget", bam_get_qname(b), need);
            empty_arena(sb, a);
            free_spare(sb);
        } else {
            if (seal(sb) < 0) return -1;
        }
    }
}

int g5_sortbuf_add(g5_sortbuf_t *sb, const bam1_t *b)
{
    size_t need = record_size(b);
    if (make_room(sb, b, need) < 0) return -1;
    arena_t *a = &sb->act;
    bam1_t *copy = (bam1_t *)(a->last->data + a->last->used);
    a->last->used += need;
    *copy = *b;
    copy->data = (uint8_t *)(copy + 1);
    copy->m_data = (uint32_t)b->l_data;
    memcpy(copy->data, b->data, (size_t)b->l_data);
    // Positions beyond the key's 31 bits (long references in SAM) fall
    // back to the full comparison.
    if (sb->by_key && b->core.pos + 1 >= INT32_MAX) sb->by_key = 0;
    a->ent[a->n].key = g5_order_coord_key(b);
    a->ent[a->n].b = copy;
    a->n++;
    // With a writer thread, seal at half the room, so the next half fills
    // while this one is written.
    if (sb->background && !sb->sealed.held) {
        size_t other = sb->other ? *sb->other : 0;
        size_t room = sb->arena_budget > other ? sb->arena_budget - other : 0;
        if (arena_usage(a) >= room / 2 && seal(sb) < 0) return -1;
    }
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
    const arena_t *a = sb->mem[s - sb->nruns];
    size_t i = sb->mem_i[s - sb->nruns];
    if (i >= a->n) return NULL;
    *key = a->ent[i].key;
    return a->ent[i].b;
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

/* Open runs [0, k) for reading and build the heap over them and the
 * arenas in sb->mem. */
static int merge_start(g5_sortbuf_t *sb, int k)
{
    free(sb->heap);
    if (!(sb->heap = malloc((size_t)(k + sb->nmem) * sizeof *sb->heap))) return fail(sb, "out of memory");
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
    for (int m = 0; m < sb->nmem; m++) {
        sb->mem_i[m] = 0;
        if (sb->mem[m]->n > 0) sb->heap[sb->nheap++] = k + m;
    }
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
        int m = s - sb->nruns;
        more = ++sb->mem_i[m] < sb->mem[m]->n;
    }
    if (!more) sb->heap[0] = sb->heap[--sb->nheap];
    if (sb->nheap > 0) sift_down(sb, 0);
    return 0;
}

/* Merge runs [0, k) into one new run that takes their place. */
static int merge_group(g5_sortbuf_t *sb, int k)
{
    int saved_nruns = sb->nruns, saved_nmem = sb->nmem;
    sb->nruns = k;              // sources are runs 0..k-1 only, no arena
    sb->nmem = 0;
    runw_t w = { .fd = -1 };
    int ok = merge_start(sb, k) == 0 && run_create(sb, &w) == 0;
    while (ok && sb->nheap > 0) {
        uint64_t key;
        if (run_write(&w, current(sb, sb->heap[0], &key)) < 0) ok = fail_write(sb, &w, errno) == 0;
        else ok = merge_step(sb) == 0;
    }
    sb->nruns = saved_nruns;
    sb->nmem = saved_nmem;
    for (int s = 0; s < k; s++) run_release(&sb->runs[s]);
    if (!ok) {
        run_discard(&w);
        return -1;
    }
    if (run_finish(&w) < 0) {
        fail_write(sb, &w, errno);
        run_discard(&w);
        return -1;
    }
    // The merged run replaces the group at its place, earliest first: it
    // is added at the end, then moved to the front.
    if (run_keep(sb, &w) < 0) return -1;
    run_t merged = sb->runs[--sb->nruns];
    memmove(sb->runs + 1, sb->runs + k, (size_t)(sb->nruns - k) * sizeof *sb->runs);
    sb->nruns -= k - 1;
    sb->runs[0] = merged;
    return 0;
}

int g5_sortbuf_finish(g5_sortbuf_t *sb)
{
    // A sealed arena still in memory is merged from there.
    sb->nmem = 0;
    if (sb->sealed.held) {
        abandon_sealed(sb);
        sb->mem[sb->nmem++] = &sb->sealed.arena;
    }
    if (sort_arena(&sb->spec, sb->by_key, &sb->act) < 0) return fail(sb, "out of memory");
    sb->mem[sb->nmem++] = &sb->act;
    free_spare(sb);
    // The arenas need no file: only runs count against the fan.  Merging
    // the fewest runs that bring them down to it rewrites the least.
    while (sb->nruns > sb->fan) {
        int k = sb->nruns - sb->fan + 1;
        if (merge_group(sb, k < sb->fan ? k : sb->fan) < 0) return -1;
    }
    if (merge_start(sb, sb->nruns) < 0) return -1;
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
    sealed_t *s = &sb->sealed;
    if (s->held) abandon_sealed(sb);
    free_block_list(s->arena.blocks);
    free(s->arena.ent);
    for (int i = 0; i < sb->nruns; i++) run_release(&sb->runs[i]);
    free(sb->runs);
    free_block_list(sb->act.blocks);
    free(sb->act.ent);
    free_spare(sb);
    free(sb->heap);
    free(sb->tmp);
    free(sb);
}
