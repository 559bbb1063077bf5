/*
 * dupsig.c -- duplicate signatures and their resolution, as Picard
 * MarkDuplicates 2.27 does it.  See dupsig.h for the design.
 *
 * Where this file reproduces a Picard behaviour that a reader might take
 * for a bug of ours (16-bit flow-cell coordinates, Java's hash-map order),
 * a comment says so: the point of the module is that a centre can switch
 * from Picard to g5 and get the same flags.
 */
#include "dupsig.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/khash.h>
#include <htslib/ksort.h>

/* Pair orientations, numbered as Picard's ReadEnds numbers them. */
enum { OR_FF = 2, OR_FR = 3, OR_RR = 4, OR_RF = 5 };

/* Picard compares clusters for optical duplication only in sets up to
 * this size (MAX_OPTICAL_DUPLICATE_SET_SIZE). */
#define MAX_OPTICAL_SET 300000

/* A pair signature: 56 bytes. */
typedef struct pairsig {
    int32_t tid1, pos1, tid2, pos2;     // the lower end first
    uint64_t key1, id1;                 // the lower end's record, for ties
    uint64_t id2;                       // the other record
    uint16_t lib;
    int16_t score;
    uint8_t orient;                     // OR_*, strands of lower then higher end
    uint8_t oorient;                    // OR_FR or OR_RF by mate number, for optical
    g5_dupsig_loc_t loc;
} pairsig_t;

/* An unpaired fragment: 40 bytes. */
typedef struct fragsig {
    int32_t tid, pos;
    uint64_t key, id;
    uint16_t lib;
    int16_t score;
    uint8_t rev;
    g5_dupsig_loc_t loc;
} fragsig_t;

/* A paired end, which only stands in the way of fragments: 12 bytes. */
typedef struct endsig {
    int32_t tid, pos;
    uint16_t lib;
    uint8_t rev;
} endsig_t;

/* A read group of the header. */
typedef struct rginfo {
    uint16_t lib;
    int16_t index;
} rginfo_t;

KHASH_MAP_INIT_STR(lib, int)
KHASH_MAP_INIT_STR(rg, rginfo_t)

/* A histogram of set sizes: counts[size]. */
typedef struct hist {
    uint64_t *counts;
    size_t n;
} hist_t;

struct g5_dupsig {
    int distance;                       // optical pixel distance
    size_t budget;                      // 0 = none
    size_t mem;                         // bytes held in the arrays below

    pairsig_t *pairs;
    size_t npairs, mpairs;
    fragsig_t *frags;
    size_t nfrags, mfrags;
    endsig_t *ends;
    size_t nends, mends;

    g5_dupmetrics_t *libs;              // by library index
    size_t nlibs, mlibs;
    khash_t(lib) *lib_by_name;
    khash_t(rg) *rg_by_id;
    struct {                            // the read group found last
        int found;
        const char *id;                 // a key of rg_by_id
        rginfo_t info;
    } last_rg;
    int16_t nrg;                        // read groups in the header
    int unknown;                        // index of "Unknown Library", or -1

    int resolved;
    uint64_t *dups;                     // id << 1 | optical, sorted
    size_t ndups, mdups;
    hist_t all_sets, optical_sets, non_optical_sets;
};

/* --- building blocks ---------------------------------------------------- */

int32_t g5_dupsig_unclipped5(const bam1_t *b)
{
    const uint32_t *cig = bam_get_cigar(b);
    uint32_t n = b->core.n_cigar;
    if (!(b->core.flag & BAM_FREVERSE)) {
        int64_t p = b->core.pos + 1;
        for (uint32_t i = 0; i < n; i++) {
            int op = bam_cigar_op(cig[i]);
            if (op != BAM_CSOFT_CLIP && op != BAM_CHARD_CLIP) break;
            p -= bam_cigar_oplen(cig[i]);
        }
        return (int32_t)p;
    }
    // The alignment end as htsjdk has it: start + reference length - 1,
    // which is start - 1 for an alignment that covers no reference.
    int64_t p = b->core.pos + bam_cigar2rlen((int)n, cig);
    for (uint32_t i = n; i-- > 0; ) {
        int op = bam_cigar_op(cig[i]);
        if (op != BAM_CSOFT_CLIP && op != BAM_CHARD_CLIP) break;
        p += bam_cigar_oplen(cig[i]);
    }
    return (int32_t)p;
}

int16_t g5_dupsig_score(const bam1_t *b)
{
    const uint8_t *q = bam_get_qual(b);
    int32_t sum = 0;
    // QUAL "*" is stored as 0xff throughout: htsjdk sees no qualities.
    if (b->core.l_qseq > 0 && q[0] != 0xff)
        for (int32_t i = 0; i < b->core.l_qseq; i++)
            if (q[i] >= 15) sum += q[i];
    if (sum > 16383) sum = 16383;
    if (b->core.flag & BAM_FQCFAIL) sum -= 16384;
    return (int16_t)sum;
}

/* Picard's rapidParseInt: an optional '-', then at least one digit; stops
 * at the first non-digit; overflows as a Java int does. */
static int parse_field(const char *s, const char *end, int32_t *v)
{
    int neg = 0;
    if (s < end && *s == '-') neg = 1, s++;
    uint32_t val = 0;
    const char *d = s;
    while (s < end && *s >= '0' && *s <= '9') val = val * 10u + (uint32_t)(*s++ - '0');
    if (s == d) return -1;
    if (neg) val = 0u - val;
    *v = (int32_t)val;
    return 0;
}

int g5_dupsig_parse_name(const char *name, g5_dupsig_loc_t *loc)
{
    loc->tile = loc->x = loc->y = -1;
    // Count the fields and find the starts of the last three.
    const char *start[3] = { NULL, NULL, NULL }, *end[3] = { NULL, NULL, NULL };
    int nfields = 1;
    size_t len = strlen(name);
    const char *field_end = name + len;
    for (const char *p = name + len; p-- > name; ) {
        if (*p != ':') continue;
        if (nfields <= 3) {
            start[3 - nfields] = p + 1;
            end[3 - nfields] = field_end;
        }
        field_end = p;
        nfields++;
    }
    if (nfields <= 3) {
        start[3 - nfields] = name;
        end[3 - nfields] = field_end;
    }
    if (nfields != 5 && nfields != 7) return 0;
    int32_t v[3];
    for (int i = 0; i < 3; i++)
        if (parse_field(start[i], end[i], &v[i]) < 0) return 0;
    // Picard keeps all three in 16 bits (PhysicalLocationShort).
    loc->tile = (int16_t)(uint16_t)(uint32_t)v[0];
    loc->x = (int16_t)(uint16_t)(uint32_t)v[1];
    loc->y = (int16_t)(uint16_t)(uint32_t)v[2];
    return 1;
}

/* --- the collection: memory --------------------------------------------- */

g5_dupsig_t *g5_dupsig_init(int optical_distance)
{
    g5_dupsig_t *ds = calloc(1, sizeof *ds);
    if (!ds) return NULL;
    ds->distance = optical_distance;
    ds->unknown = -1;
    if (!(ds->lib_by_name = kh_init(lib)) || !(ds->rg_by_id = kh_init(rg))) {
        g5_dupsig_destroy(ds);
        errno = ENOMEM;
        return NULL;
    }
    return ds;
}

static void hist_free(hist_t *h)
{
    free(h->counts);
    h->counts = NULL;
    h->n = 0;
}

static void free_signatures(g5_dupsig_t *ds)
{
    ds->mem -= ds->mpairs * sizeof *ds->pairs + ds->mfrags * sizeof *ds->frags
             + ds->mends * sizeof *ds->ends;
    free(ds->pairs);
    free(ds->frags);
    free(ds->ends);
    ds->pairs = NULL, ds->frags = NULL, ds->ends = NULL;
    ds->npairs = ds->mpairs = ds->nfrags = ds->mfrags = ds->nends = ds->mends = 0;
}

void g5_dupsig_destroy(g5_dupsig_t *ds)
{
    if (!ds) return;
    free_signatures(ds);
    for (size_t i = 0; i < ds->nlibs; i++) free((char *)ds->libs[i].library);
    free(ds->libs);
    if (ds->lib_by_name) kh_destroy(lib, ds->lib_by_name);
    if (ds->rg_by_id) {
        for (khiter_t k = kh_begin(ds->rg_by_id); k != kh_end(ds->rg_by_id); k++)
            if (kh_exist(ds->rg_by_id, k)) free((char *)kh_key(ds->rg_by_id, k));
        kh_destroy(rg, ds->rg_by_id);
    }
    free(ds->dups);
    hist_free(&ds->all_sets);
    hist_free(&ds->optical_sets);
    hist_free(&ds->non_optical_sets);
    free(ds);
}

void g5_dupsig_set_budget(g5_dupsig_t *ds, size_t bytes)
{
    ds->budget = bytes;
}

size_t g5_dupsig_memory(const g5_dupsig_t *ds)
{
    return ds->mem;
}

/* Make room for one more element in an array of @p size-byte elements
 * holding *n of *m.  Grows by half, or by what the budget still allows.
 * @return 0, or -1 with errno ENOMEM or ENOBUFS */
static int grow(g5_dupsig_t *ds, void **a, size_t *m, size_t n, size_t size)
{
    if (n < *m) return 0;
    size_t want = *m < 1024 ? 1024 : *m + *m / 2;
    if (ds->budget) {
        size_t held = ds->mem - *m * size;
        if (held + (n + 1) * size > ds->budget) {
            errno = ENOBUFS;
            return -1;
        }
        size_t fit = (ds->budget - held) / size;
        if (want > fit) want = fit;
    }
    void *p = realloc(*a, want * size);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    ds->mem += (want - *m) * size;
    *a = p;
    *m = want;
    return 0;
}

/* --- libraries and read groups ------------------------------------------ */

int g5_dupsig_library(g5_dupsig_t *ds, const char *name)
{
    khiter_t k = kh_get(lib, ds->lib_by_name, name);
    if (k != kh_end(ds->lib_by_name)) return kh_val(ds->lib_by_name, k);
    if (ds->nlibs >= 65535) {
        errno = ERANGE;
        return -1;
    }
    if (ds->nlibs == ds->mlibs) {
        size_t m = ds->mlibs ? 2 * ds->mlibs : 4;
        g5_dupmetrics_t *l = realloc(ds->libs, m * sizeof *l);
        if (!l) goto nomem;
        ds->mem += (m - ds->mlibs) * sizeof *l;
        ds->libs = l;
        ds->mlibs = m;
    }
    g5_dupmetrics_t *l = &ds->libs[ds->nlibs];
    memset(l, 0, sizeof *l);
    if (!(l->library = strdup(name))) goto nomem;
    int absent;
    k = kh_put(lib, ds->lib_by_name, l->library, &absent);
    if (absent < 0) {
        free((char *)l->library);
        goto nomem;
    }
    kh_val(ds->lib_by_name, k) = (int)ds->nlibs;
    ds->mem += strlen(name) + 1 + 16;
    return (int)ds->nlibs++;

nomem:
    errno = ENOMEM;
    return -1;
}

int g5_dupsig_read_groups(g5_dupsig_t *ds, sam_hdr_t *h, int *no_lb)
{
    int n = sam_hdr_count_lines(h, "RG"), missing = 0;
    kstring_t lb = { 0, 0, NULL };
    ds->last_rg.found = 0;
    for (int i = 0; i < n; i++) {
        const char *id = sam_hdr_line_name(h, "RG", i);
        if (!id) continue;
        lb.l = 0;
        int has_lb = sam_hdr_find_tag_pos(h, "RG", i, "LB", &lb) == 0;
        if (!has_lb) missing++;
        int lib = g5_dupsig_library(ds, has_lb ? lb.s : G5_DUPSIG_UNKNOWN_LIBRARY);
        if (lib < 0) goto fail;
        if (!has_lb) ds->unknown = lib;
        // The first @RG of an ID wins, as in htsjdk's header.
        if (kh_get(rg, ds->rg_by_id, id) != kh_end(ds->rg_by_id)) continue;
        char *key = strdup(id);
        int absent;
        khiter_t k = key ? kh_put(rg, ds->rg_by_id, key, &absent) : 0;
        if (!key || absent < 0) {
            free(key);
            errno = ENOMEM;
            goto fail;
        }
        kh_val(ds->rg_by_id, k).lib = (uint16_t)lib;
        kh_val(ds->rg_by_id, k).index = (int16_t)(uint16_t)i;    // a Java short
        ds->mem += strlen(id) + 1 + 16;
    }
    ds->nrg = (int16_t)(uint16_t)n;
    free(lb.s);
    if (no_lb) *no_lb = missing;
    return 0;

fail:
    free(lb.s);
    return -1;
}

int g5_dupsig_record_group(g5_dupsig_t *ds, const bam1_t *b, uint16_t *lib, int16_t *rg)
{
    const uint8_t *tag = bam_aux_get(b, "RG");
    const char *id = tag && *tag == 'Z' ? (const char *)tag + 1 : NULL;
    if (id) {
        // Called for every record, and records come in long runs of one
        // read group: compare with the last one before hashing.
        if (ds->last_rg.found && strcmp(id, ds->last_rg.id) == 0) {
            *lib = ds->last_rg.info.lib;
            *rg = ds->last_rg.info.index;
            return 0;
        }
        khiter_t k = kh_get(rg, ds->rg_by_id, id);
        if (k != kh_end(ds->rg_by_id)) {
            *lib = kh_val(ds->rg_by_id, k).lib;
            *rg = kh_val(ds->rg_by_id, k).index;
            // The key lives as long as the table: it can stand for the id.
            ds->last_rg.id = kh_key(ds->rg_by_id, k);
            ds->last_rg.info = kh_val(ds->rg_by_id, k);
            ds->last_rg.found = 1;
            return 0;
        }
    }
    // No RG (index 0, as Picard counts) or one the header lacks (past the end).
    *rg = id ? ds->nrg : 0;
    if (ds->unknown < 0 && (ds->unknown = g5_dupsig_library(ds, G5_DUPSIG_UNKNOWN_LIBRARY)) < 0)
        return -1;
    *lib = (uint16_t)ds->unknown;
    return 0;
}

/* --- adding signatures ---------------------------------------------------- */

void g5_dupsig_end(g5_dupsig_end_t *e, const bam1_t *b, uint16_t lib, int16_t rg,
                   uint64_t key, uint64_t id)
{
    e->tid = b->core.tid;
    e->pos5 = g5_dupsig_unclipped5(b);
    e->lib = lib;
    e->rev = (b->core.flag & BAM_FREVERSE) != 0;
    e->read1 = (b->core.flag & BAM_FREAD1) != 0;
    e->score = g5_dupsig_score(b);
    // Picard gives a read group only to clusters with a location.
    e->loc.rg = g5_dupsig_parse_name(bam_get_qname(b), &e->loc) ? rg : -1;
    e->key = key;
    e->id = id;
}

int g5_dupsig_add_frag(g5_dupsig_t *ds, const g5_dupsig_end_t *e, int paired)
{
    if (ds->resolved) {
        errno = EINVAL;
        return -1;
    }
    if (paired) {
        if (grow(ds, (void **)&ds->ends, &ds->mends, ds->nends, sizeof *ds->ends) < 0) return -1;
        endsig_t *s = &ds->ends[ds->nends++];
        s->tid = e->tid, s->pos = e->pos5, s->lib = e->lib, s->rev = e->rev;
        return 0;
    }
    if (grow(ds, (void **)&ds->frags, &ds->mfrags, ds->nfrags, sizeof *ds->frags) < 0) return -1;
    fragsig_t *s = &ds->frags[ds->nfrags++];
    s->tid = e->tid, s->pos = e->pos5, s->lib = e->lib, s->rev = e->rev;
    s->score = e->score, s->loc = e->loc, s->key = e->key, s->id = e->id;
    return 0;
}

static uint8_t orientation(int rev1, int rev2)
{
    return rev1 ? (rev2 ? OR_RR : OR_RF) : (rev2 ? OR_FR : OR_FF);
}

static int end_before(const g5_dupsig_end_t *a, const g5_dupsig_end_t *b)
{
    return a->key != b->key ? a->key < b->key : a->id < b->id;
}

int g5_dupsig_add_pair(g5_dupsig_t *ds, const g5_dupsig_end_t *a, const g5_dupsig_end_t *b)
{
    if (ds->resolved) {
        errno = EINVAL;
        return -1;
    }
    if (grow(ds, (void **)&ds->pairs, &ds->mpairs, ds->npairs, sizeof *ds->pairs) < 0) return -1;
    // Picard builds the pair from the end it meets first in coordinate
    // order (`first`) when the second (`next`) arrives.
    const g5_dupsig_end_t *first = end_before(a, b) ? a : b, *next = first == a ? b : a;
    pairsig_t *p = &ds->pairs[ds->npairs++];
    p->lib = first->lib;
    p->loc = first->loc;
    p->score = (int16_t)(first->score + next->score);
    // Strands by mate number: first of pair, then second.
    p->oorient = next->read1 ? orientation(next->rev, first->rev) : orientation(first->rev, next->rev);
    if (next->tid > first->tid || (next->tid == first->tid && next->pos5 >= first->pos5)) {
        p->tid1 = first->tid, p->pos1 = first->pos5, p->key1 = first->key, p->id1 = first->id;
        p->tid2 = next->tid, p->pos2 = next->pos5, p->id2 = next->id;
        p->orient = orientation(first->rev, next->rev);
        // Both ends at one place, pointing at each other: FR whichever
        // came first, or the orientation would depend on file order.
        if (p->tid1 == p->tid2 && p->pos1 == p->pos2 && p->orient == OR_RF) p->orient = OR_FR;
    } else {
        p->tid1 = next->tid, p->pos1 = next->pos5, p->key1 = next->key, p->id1 = next->id;
        p->tid2 = first->tid, p->pos2 = first->pos5, p->id2 = first->id;
        p->orient = orientation(next->rev, first->rev);
    }
    return 0;
}

/* --- resolution: sort orders ---------------------------------------------- */

#define CMP(a, b) if ((a) != (b)) return (a) < (b)

/* Picard's order of pair ends: the signature, then the cluster's tile, x
 * and y, then the lower end's position in coordinate order. */
static inline int pair_lt(const pairsig_t *a, const pairsig_t *b)
{
    CMP(a->lib, b->lib);
    CMP(a->tid1, b->tid1);
    CMP(a->pos1, b->pos1);
    CMP(a->orient, b->orient);
    CMP(a->tid2, b->tid2);
    CMP(a->pos2, b->pos2);
    CMP(a->loc.tile, b->loc.tile);
    CMP(a->loc.x, b->loc.x);
    CMP(a->loc.y, b->loc.y);
    CMP(a->key1, b->key1);
    CMP(a->id1, b->id1);
    return a->id2 < b->id2;
}

static inline int pair_same(const pairsig_t *a, const pairsig_t *b)
{
    return a->lib == b->lib && a->tid1 == b->tid1 && a->pos1 == b->pos1 && a->orient == b->orient
        && a->tid2 == b->tid2 && a->pos2 == b->pos2;
}

static inline int frag_lt(const fragsig_t *a, const fragsig_t *b)
{
    CMP(a->lib, b->lib);
    CMP(a->tid, b->tid);
    CMP(a->pos, b->pos);
    CMP(a->rev, b->rev);
    CMP(a->loc.tile, b->loc.tile);
    CMP(a->loc.x, b->loc.x);
    CMP(a->loc.y, b->loc.y);
    CMP(a->key, b->key);
    return a->id < b->id;
}

/* The place of a fragment or paired end, compared: <0, 0, >0. */
static inline int place_cmp(const fragsig_t *f, const endsig_t *e)
{
    if (f->lib != e->lib) return f->lib < e->lib ? -1 : 1;
    if (f->tid != e->tid) return f->tid < e->tid ? -1 : 1;
    if (f->pos != e->pos) return f->pos < e->pos ? -1 : 1;
    return (int)f->rev - (int)e->rev;
}

static inline int frag_same(const fragsig_t *a, const fragsig_t *b)
{
    return a->lib == b->lib && a->tid == b->tid && a->pos == b->pos && a->rev == b->rev;
}

/* Is there a fragment at the place of @p e?  (The fragments are sorted.) */
static int frag_at(const g5_dupsig_t *ds, const endsig_t *e)
{
    size_t lo = 0, hi = ds->nfrags;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (place_cmp(&ds->frags[mid], e) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < ds->nfrags && place_cmp(&ds->frags[lo], e) == 0;
}

static inline int end_lt(const endsig_t *a, const endsig_t *b)
{
    CMP(a->lib, b->lib);
    CMP(a->tid, b->tid);
    CMP(a->pos, b->pos);
    return a->rev < b->rev;
}

#undef CMP

#define pair_lt_m(a, b) pair_lt(&(a), &(b))
#define frag_lt_m(a, b) frag_lt(&(a), &(b))
#define end_lt_m(a, b) end_lt(&(a), &(b))
KSORT_INIT_STATIC(pairsig, pairsig_t, pair_lt_m)
KSORT_INIT_STATIC(fragsig, fragsig_t, frag_lt_m)
KSORT_INIT_STATIC(endsig, endsig_t, end_lt_m)
KSORT_INIT_STATIC(u64, uint64_t, ks_lt_generic)

/* --- resolution: optical duplicates --------------------------------------- */

/* Two clusters close enough to be one optical duplicate of the other
 * (Picard's closeEnough): both with a location, same read group and tile,
 * x and y within the distance. */
static int close_enough(const g5_dupsig_loc_t *a, const g5_dupsig_loc_t *b, int d)
{
    return a != b && a->tile != -1 && b->tile != -1 && a->rg == b->rg && a->tile == b->tile
        && abs(a->x - b->x) <= d && abs(a->y - b->y) <= d;
}

/* Union-find over the members of one duplicate set. */
static uint32_t uf_find(uint32_t *parent, uint32_t i)
{
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
}

static void uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
    a = uf_find(parent, a), b = uf_find(parent, b);
    if (a != b) parent[a < b ? b : a] = a < b ? a : b;
}

/* Members of a set sorted by (read group and tile, x) for the sweep. */
typedef struct member {
    int32_t group;          // Picard's key: (rg << 16) + tile, as a Java int
    int16_t x, y;
    uint32_t i;             // position in the set
} member_t;

#define member_lt(a, b) ((a).group != (b).group ? (a).group < (b).group : \
                         (a).x != (b).x ? (a).x < (b).x : (a).i < (b).i)
KSORT_INIT_STATIC(member, member_t, member_lt)

/* Picard's order of Map.entrySet() of a HashMap<Integer,Integer> holding
 * keys 0..n-1: by bucket, and the bucket of k is k ^ (k >>> 16).  The
 * same as 0..n-1 below 65536. */
static inline uint32_t java_bucket(uint32_t k)
{
    return k ^ (k >> 16);
}
#define bucket_lt(a, b) (java_bucket(a) < java_bucket(b))
KSORT_INIT_STATIC(bucket, uint32_t, bucket_lt)

/*
 * Find the optical duplicates among the pairs set[0..n-1] (pointers into
 * one duplicate set, in sort order), as OpticalDuplicateFinder does.
 * keeper is the pair kept, which may or may not be among them.
 * Sets flag[i] for each optical duplicate.
 * @return their number, or -1 (ENOMEM)
 */
static int64_t find_optical(const pairsig_t *const *set, size_t n, const pairsig_t *keeper,
                            int d, uint8_t *flag)
{
    memset(flag, 0, n);
    if (n < 2 || n > MAX_OPTICAL_SET) return 0;
    // The keeper counts only if it is in the set and has a location.
    ptrdiff_t k = -1;
    if (keeper->loc.tile != -1)
        for (size_t i = 0; i < n; i++)
            if (set[i] == keeper) k = (ptrdiff_t)i;

    int64_t count = 0;
    if (n < 4) {
        // Few enough that pairwise comparison is exact (Picard's fast path):
        // everything near the keeper first, then the rest pairwise.
        if (k >= 0)
            for (size_t i = 0; i < n; i++) flag[i] = close_enough(&keeper->loc, &set[i]->loc, d);
        for (size_t i = 0; i < n; i++) {
            if ((ptrdiff_t)i == k) continue;
            for (size_t j = i + 1; j < n; j++) {
                if ((ptrdiff_t)j == k || (flag[i] && flag[j])) continue;
                if (close_enough(&set[i]->loc, &set[j]->loc, d)) flag[flag[j] ? i : j] = 1;
            }
        }
    } else {
        // Clusters: connected components of "within d pixels", among the
        // members that share read group and tile.  Picard compares every
        // two members; sorting by x and sweeping finds the same edges.
        uint32_t *parent = malloc(n * sizeof *parent), *order = malloc(n * sizeof *order);
        uint32_t *rep = malloc(n * sizeof *rep);
        member_t *m = malloc(n * sizeof *m);
        if (!parent || !order || !rep || !m) {
            free(parent), free(order), free(rep), free(m);
            errno = ENOMEM;
            return -1;
        }
        size_t nm = 0;
        for (size_t i = 0; i < n; i++) {
            parent[i] = (uint32_t)i;
            rep[i] = UINT32_MAX;
            order[i] = (uint32_t)i;
            const g5_dupsig_loc_t *l = &set[i]->loc;
            if (l->tile == -1) continue;
            // (rg << 16) + tile in Java int arithmetic, collisions and all.
            uint32_t g = ((uint32_t)(int32_t)l->rg << 16) + (uint32_t)(int32_t)l->tile;
            m[nm].group = (int32_t)g, m[nm].x = l->x, m[nm].y = l->y, m[nm].i = (uint32_t)i;
            nm++;
        }
        ks_introsort(member, nm, m);
        for (size_t a = 0; a < nm; a++)
            for (size_t b = a + 1; b < nm && m[b].group == m[a].group && m[b].x - m[a].x <= d; b++)
                if (abs(m[b].y - m[a].y) <= d) uf_union(parent, m[a].i, m[b].i);

        if (k >= 0) rep[uf_find(parent, (uint32_t)k)] = (uint32_t)k;
        uint32_t kc = k >= 0 ? uf_find(parent, (uint32_t)k) : UINT32_MAX;
        if (n > 65536) ks_introsort(bucket, n, order);
        for (size_t o = 0; o < n; o++) {
            uint32_t i = order[o], c = uf_find(parent, i);
            if (rep[c] == UINT32_MAX || (ptrdiff_t)i == k) {
                rep[c] = i;
                continue;
            }
            // Outside the keeper's cluster the cluster with the least x
            // (then y) stays; inside it, the keeper.
            const g5_dupsig_loc_t *cur = &set[i]->loc, *r = &set[rep[c]]->loc;
            if (c != kc && (cur->x < r->x || (cur->x == r->x && cur->y < r->y))) {
                flag[rep[c]] = 1;
                rep[c] = i;
            } else {
                flag[i] = 1;
            }
        }
        free(parent), free(order), free(rep), free(m);
    }
    for (size_t i = 0; i < n; i++) count += flag[i];
    return count;
}

static int hist_add(hist_t *h, size_t bin)
{
    if (bin >= h->n) {
        size_t n = bin + 1 > 2 * h->n ? bin + 1 : 2 * h->n;
        uint64_t *c = realloc(h->counts, n * sizeof *c);
        if (!c) {
            errno = ENOMEM;
            return -1;
        }
        memset(c + h->n, 0, (n - h->n) * sizeof *c);
        h->counts = c;
        h->n = n;
    }
    h->counts[bin]++;
    return 0;
}

/* Record a duplicate id. */
static int add_dup(g5_dupsig_t *ds, uint64_t id, int optical)
{
    if (grow(ds, (void **)&ds->dups, &ds->mdups, ds->ndups, sizeof *ds->dups) < 0) return -1;
    ds->dups[ds->ndups++] = id << 1 | (optical ? 1 : 0);
    return 0;
}

/* One set of equal pair signatures, p[0..n-1] in sort order. */
static int resolve_pairs(g5_dupsig_t *ds, pairsig_t *p, size_t n,
                         const pairsig_t **set, const pairsig_t **sub, uint8_t *flag, uint8_t *subflag)
{
    if (n == 1) return hist_add(&ds->all_sets, 1) < 0 || hist_add(&ds->non_optical_sets, 1) < 0 ? -1 : 0;

    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (p[i].score > p[best].score) best = i;

    // Optical duplicates, apart for the two mate orders if both occur.
    int fr = 0, rf = 0;
    for (size_t i = 0; i < n; i++) {
        set[i] = &p[i];
        fr |= p[i].oorient == OR_FR;
        rf |= p[i].oorient == OR_RF;
    }
    int64_t nopt;
    if (fr && rf) {
        nopt = 0;
        for (int o = OR_FR; o <= OR_RF; o += OR_RF - OR_FR) {
            size_t ns = 0;
            for (size_t i = 0; i < n; i++)
                if (p[i].oorient == o) sub[ns++] = &p[i];
            int64_t c = find_optical(sub, ns, &p[best], ds->distance, subflag);
            if (c < 0) return -1;
            nopt += c;
            for (size_t i = 0, s = 0; i < n; i++)
                if (p[i].oorient == o) flag[i] = subflag[s++];
        }
    } else if ((nopt = find_optical(set, n, &p[best], ds->distance, flag)) < 0) {
        return -1;
    }

    ds->libs[p[0].lib].optical += (uint64_t)nopt;
    if (hist_add(&ds->all_sets, n) < 0
        || (n > (size_t)nopt && hist_add(&ds->non_optical_sets, n - (size_t)nopt) < 0)
        || (nopt > 0 && hist_add(&ds->optical_sets, (size_t)nopt + 1) < 0))
        return -1;

    for (size_t i = 0; i < n; i++) {
        if (i == best) continue;
        if (add_dup(ds, p[i].id1, flag[i]) < 0) return -1;
        if (p[i].id2 != p[i].id1 && add_dup(ds, p[i].id2, flag[i]) < 0) return -1;
    }
    return 0;
}

/* A slice of the pair signatures to sort (on a thread of its own). */
typedef struct pair_slice {
    pairsig_t *a;
    size_t n;
} pair_slice_t;

/* @return NULL, or non-NULL on failure */
static void *sort_slice(void *arg)
{
    pair_slice_t *s = arg;
    return ks_introsort(pairsig, s->n, s->a) < 0 ? arg : NULL;
}

static void swap_pairs(pairsig_t *a, pairsig_t *b)
{
    pairsig_t t = *a;
    *a = *b;
    *b = t;
}

/* Split the pairs in three, in place, around the median of a sample: those
 * before it [0, *lo), those equal, and those after it [*hi, n) -- two
 * halves to sort side by side, most of resolve's time. */
static void split_pairs(pairsig_t *a, size_t n, size_t *lo, size_t *hi)
{
    enum { SAMPLE = 31 };
    pairsig_t sample[SAMPLE];
    for (int k = 0; k < SAMPLE; k++) sample[k] = a[(size_t)k * (n - 1) / (SAMPLE - 1)];
    ks_introsort(pairsig, SAMPLE, sample);
    const pairsig_t pivot = sample[SAMPLE / 2];
    size_t lt = 0, i = 0, gt = n;
    while (i < gt) {
        if (pair_lt(&a[i], &pivot)) swap_pairs(&a[lt++], &a[i++]);
        else if (pair_lt(&pivot, &a[i])) swap_pairs(&a[i], &a[--gt]);
        else i++;
    }
    *lo = lt;
    *hi = gt;
}

int g5_dupsig_resolve(g5_dupsig_t *ds, int threads)
{
    if (ds->resolved) {
        errno = EINVAL;
        return -1;
    }
    ds->resolved = 1;
    // With a thread, the pairs are split in two halves, one sorted on the
    // thread and one here (the sorted result is the same either way).
    pair_slice_t low = { ds->pairs, ds->npairs }, high = { NULL, 0 };
    pthread_t thread;
    int threaded = 0;
    if (threads > 0 && ds->npairs >= 4096) {
        size_t lo, hi;
        split_pairs(ds->pairs, ds->npairs, &lo, &hi);
        low.n = lo;
        high = (pair_slice_t){ ds->pairs + hi, ds->npairs - hi };
        threaded = pthread_create(&thread, NULL, sort_slice, &low) == 0;
    }
    int failed = sort_slice(&high) != NULL || ks_introsort(fragsig, ds->nfrags, ds->frags) < 0;
    // Paired ends matter only where a fragment lies: keep those, in place,
    // and sort what is left -- usually a few, where sorting all of them
    // (one per paired record) was the slowest step of resolve.
    size_t kept = 0;
    for (size_t i = 0; !failed && i < ds->nends; i++)
        if (frag_at(ds, &ds->ends[i])) ds->ends[kept++] = ds->ends[i];
    ds->nends = kept;
    failed |= ks_introsort(endsig, ds->nends, ds->ends) < 0;
    void *low_failed = NULL;
    if (threaded) pthread_join(thread, &low_failed);
    else low_failed = sort_slice(&low);
    if (failed || low_failed) {
        errno = ENOMEM;
        return -1;
    }

    // Pairs, one set of equal signatures at a time.  The scratch arrays
    // grow to the largest set.
    const pairsig_t **set = NULL, **sub = NULL;
    uint8_t *flag = NULL, *subflag = NULL;
    size_t mset = 0;
    int ret = -1;
    for (size_t i = 0, j; i < ds->npairs; i = j) {
        for (j = i + 1; j < ds->npairs && pair_same(&ds->pairs[i], &ds->pairs[j]); j++) continue;
        size_t n = j - i;
        if (n > mset) {
            free(set), free(sub), free(flag), free(subflag);
            set = malloc(n * sizeof *set), sub = malloc(n * sizeof *sub);
            flag = malloc(n), subflag = malloc(n);
            if (!set || !sub || !flag || !subflag) {
                errno = ENOMEM;
                goto done;
            }
            mset = n;
        }
        if (resolve_pairs(ds, &ds->pairs[i], n, set, sub, flag, subflag) < 0) goto done;
    }

    // Fragments: all are duplicates where a paired end lies too, else all
    // but the best.
    size_t e = 0;
    for (size_t i = 0, j; i < ds->nfrags; i = j) {
        const fragsig_t *f = &ds->frags[i];
        for (j = i + 1; j < ds->nfrags && frag_same(f, &ds->frags[j]); j++) continue;
        while (e < ds->nends && place_cmp(f, &ds->ends[e]) > 0) e++;
        int paired_here = e < ds->nends && place_cmp(f, &ds->ends[e]) == 0;
        size_t best = i;
        if (!paired_here)
            for (size_t k = i + 1; k < j; k++)
                if (ds->frags[k].score > ds->frags[best].score) best = k;
        for (size_t k = i; k < j; k++)
            if ((paired_here || k != best) && add_dup(ds, ds->frags[k].id, 0) < 0) goto done;
    }

    if (ks_introsort(u64, ds->ndups, ds->dups) < 0) {
        errno = ENOMEM;
        goto done;
    }
    ret = 0;

done:
    free(set), free(sub), free(flag), free(subflag);
    free_signatures(ds);
    return ret;
}

const uint64_t *g5_dupsig_dups(const g5_dupsig_t *ds, size_t *n)
{
    *n = ds->ndups;
    return ds->dups;
}

int g5_dupsig_lookup(const g5_dupsig_t *ds, uint64_t id)
{
    size_t lo = 0, hi = ds->ndups;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((ds->dups[mid] >> 1) < id) lo = mid + 1;
        else hi = mid;
    }
    if (lo == ds->ndups || (ds->dups[lo] >> 1) != id) return 0;
    return G5_DUP | ((ds->dups[lo] & 1) ? G5_DUP_OPTICAL : 0);
}

/* --- metrics ---------------------------------------------------------------- */

void g5_dupsig_count(g5_dupsig_t *ds, uint16_t lib, const bam1_core_t *c, int dup)
{
    g5_dupmetrics_t *m = &ds->libs[lib];
    if (!g5_dupsig_mapped(c)) {
        m->unmapped++;
    } else if (c->flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY)) {
        m->secondary++;
    } else if (!(c->flag & BAM_FPAIRED) || (c->flag & BAM_FMUNMAP)) {
        m->unpaired++;
        m->unpaired_dups += dup != 0;
    } else {
        m->paired++;
        m->paired_dups += dup != 0;
    }
}

size_t g5_dupsig_n_libraries(const g5_dupsig_t *ds)
{
    return ds->nlibs;
}

const g5_dupmetrics_t *g5_dupsig_metrics(const g5_dupsig_t *ds, size_t lib)
{
    return &ds->libs[lib];
}

/* Picard's f(x) = c/x - 1 + exp(-n/x), whose root is the library size. */
static double lw(double x, double c, double n)
{
    return c / x - 1 + exp(-n / x);
}

int64_t g5_dupsig_library_size(int64_t pairs, int64_t unique)
{
    if (pairs <= 0 || pairs - unique <= 0) return -1;
    double c = (double)unique, n = (double)pairs, m = 1.0, M = 100.0;
    // Widen the bracket, then bisect 40 times, as Picard does.
    while (lw(M * c, c, n) > 0) M *= 10.0;
    for (int i = 0; i < 40; i++) {
        double r = (m + M) / 2.0, u = lw(r * c, c, n);
        if (u == 0) break;
        if (u > 0) m = r;
        else M = r;
    }
    return (int64_t)(c * (m + M) / 2.0);
}

char *g5_dupsig_format(char *buf, size_t n, double v)
{
    // htsjdk formats with java.text.DecimalFormat: at most six decimals,
    // RoundingMode.HALF_DOWN.  Java rounds the exact binary value, so a
    // tie is a value that is exactly halfway (glibc prints exact digits);
    // anything else rounds to nearest, which is what printf does.
    if (isnan(v) || isinf(v)) {
        snprintf(buf, n, "?");
        return buf;
    }
    char exact[400];
    snprintf(exact, sizeof exact, "%.40f", v);
    char *dot = strchr(exact, '.');
    int tie = dot && dot[7] == '5' && strspn(dot + 8, "0") == strlen(dot + 8);
    if (tie) {
        // Half down: cut after six decimals.
        dot[7] = '\0';
        snprintf(buf, n, "%s", exact);
    } else if (v == 5e-7) {
        // The one value where Java's DecimalFormat (JDK 17) is not exact:
        // its shortest digits, "5E-7", are taken for a tie rounded down
        // and so rounded up.  Reproduced so that files compare equal.
        snprintf(buf, n, "0.000001");
    } else {
        snprintf(buf, n, "%.6f", v);
    }
    // No trailing zeros, no lone point; "-0" stays "-0" as in Java.
    char *p = strchr(buf, '.');
    if (p) {
        char *z = buf + strlen(buf);
        while (z > p + 1 && z[-1] == '0') *--z = '\0';
        if (z == p + 1) *p = '\0';
    }
    return buf;
}

/* Java's Double.toString of a whole number: "2.0", or "1.2345678E7" from
 * ten million on. */
static void java_whole(char *buf, size_t n, uint64_t v)
{
    if (v < 10000000) {
        snprintf(buf, n, "%llu.0", (unsigned long long)v);
        return;
    }
    char d[32];
    int len = snprintf(d, sizeof d, "%llu", (unsigned long long)v), sig = len;
    while (sig > 1 && d[sig - 1] == '0') sig--;
    snprintf(buf, n, "%c.%.*sE%d", d[0], sig > 1 ? sig - 1 : 1, sig > 1 ? d + 1 : "0", len - 1);
}

/* One library's row of DuplicationMetrics. */
static int write_row(FILE *fp, const g5_dupmetrics_t *m)
{
    uint64_t pairs = m->paired / 2, pair_dups = m->paired_dups / 2;
    int64_t size = g5_dupsig_library_size((int64_t)(pairs - m->optical), (int64_t)(pairs - pair_dups));
    double pct = m->unpaired + pairs
               ? (double)(m->unpaired_dups + pair_dups * 2) / (double)(m->unpaired + pairs * 2) : 0;
    char p[64], s[32] = "";
    if (size >= 0) snprintf(s, sizeof s, "%lld", (long long)size);
    return fprintf(fp, "%s\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\t%s\t%s\n", m->library,
                   (unsigned long long)m->unpaired, (unsigned long long)pairs,
                   (unsigned long long)m->secondary, (unsigned long long)m->unmapped,
                   (unsigned long long)m->unpaired_dups, (unsigned long long)pair_dups,
                   (unsigned long long)m->optical, g5_dupsig_format(p, sizeof p, pct), s) < 0 ? -1 : 0;
}

static int by_name(const void *a, const void *b)
{
    const g5_dupmetrics_t *const *x = a, *const *y = b;
    return strcmp((*x)->library, (*y)->library);
}

int g5_dupsig_write_metrics(FILE *fp, const g5_dupsig_t *ds,
                            const char *const *headers, size_t nheaders)
{
    for (size_t i = 0; i < nheaders; i++)
        if (fprintf(fp, "## htsjdk.samtools.metrics.StringHeader\n# %s\n", headers[i]) < 0) return -1;
    if (fputc('\n', fp) == EOF) return -1;

    // Libraries by name (Picard keeps them in a TreeMap).
    const g5_dupmetrics_t **lib = malloc((ds->nlibs ? ds->nlibs : 1) * sizeof *lib);
    if (!lib) {
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < ds->nlibs; i++) lib[i] = &ds->libs[i];
    qsort(lib, ds->nlibs, sizeof *lib, by_name);
    int r = 0;
    if (ds->nlibs)
        r = fputs("## METRICS CLASS\tpicard.sam.DuplicationMetrics\n"
                  "LIBRARY\tUNPAIRED_READS_EXAMINED\tREAD_PAIRS_EXAMINED\tSECONDARY_OR_SUPPLEMENTARY_RDS\t"
                  "UNMAPPED_READS\tUNPAIRED_READ_DUPLICATES\tREAD_PAIR_DUPLICATES\t"
                  "READ_PAIR_OPTICAL_DUPLICATES\tPERCENT_DUPLICATION\tESTIMATED_LIBRARY_SIZE\n", fp) == EOF ? -1 : 0;
    for (size_t i = 0; r == 0 && i < ds->nlibs; i++) r = write_row(fp, lib[i]);
    if (r < 0 || fputc('\n', fp) == EOF) {
        free(lib);
        return -1;
    }

    // The histograms that are not empty, side by side on the union of
    // their bins: with one library, its coverage multiple at 1..100x of
    // the sequencing done (when the library size can be estimated).
    const g5_dupmetrics_t *one = ds->nlibs == 1 ? lib[0] : NULL;
    free(lib);
    int64_t size = -1;
    uint64_t pairs = 0, unique = 0;
    if (one) {
        pairs = one->paired / 2, unique = pairs - one->paired_dups / 2;
        size = g5_dupsig_library_size((int64_t)(pairs - one->optical), (int64_t)unique);
    }
    const hist_t *h[3] = { &ds->all_sets, &ds->optical_sets, &ds->non_optical_sets };
    const char *label[3] = { "all_sets", "optical_sets", "non_optical_sets" };
    size_t nbins = size >= 0 ? 101 : 0;
    int any = size >= 0;
    for (int i = 0; i < 3; i++) {
        if (h[i]->n > nbins) nbins = h[i]->n;
        for (size_t b = 0; b < h[i]->n; b++) any |= h[i]->counts[b] != 0;
    }
    if (any) {
        if (fputs("## HISTOGRAM\tjava.lang.Double\n", fp) == EOF) return -1;
        if (fputs(size >= 0 ? "BIN\tCoverageMult" : "set_size", fp) == EOF) return -1;
        for (int i = 0; i < 3; i++) {
            int nonempty = 0;
            for (size_t b = 0; b < h[i]->n; b++) nonempty |= h[i]->counts[b] != 0;
            if (nonempty && fprintf(fp, "\t%s", label[i]) < 0) return -1;
        }
        if (fputc('\n', fp) == EOF) return -1;
        for (size_t b = 0; b < nbins; b++) {
            int used = size >= 0 && b >= 1 && b <= 100;
            for (int i = 0; i < 3; i++) used |= b < h[i]->n && h[i]->counts[b] != 0;
            if (!used) continue;
            char key[48], val[64];
            java_whole(key, sizeof key, b);
            if (fputs(key, fp) == EOF) return -1;
            if (size >= 0) {
                double roi = b >= 1 && b <= 100
                    ? (double)size * (1 - exp(-((double)b * (double)pairs) / (double)size)) / (double)unique : 0;
                if (fprintf(fp, "\t%s", g5_dupsig_format(val, sizeof val, roi)) < 0) return -1;
            }
            for (int i = 0; i < 3; i++) {
                int nonempty = 0;
                for (size_t c = 0; c < h[i]->n; c++) nonempty |= h[i]->counts[c] != 0;
                if (!nonempty) continue;
                uint64_t v = b < h[i]->n ? h[i]->counts[b] : 0;
                if (fprintf(fp, "\t%llu", (unsigned long long)v) < 0) return -1;
            }
            if (fputc('\n', fp) == EOF) return -1;
        }
    }
    return fputc('\n', fp) == EOF ? -1 : 0;
}
