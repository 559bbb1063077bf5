/*
 * dupgroup.c -- duplicate marking of name-grouped input.  See dupgroup.h
 * for the design.
 */
#include "dupgroup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/kstring.h>

#include "bamorder.h"

/* Labels: a record's input ordinal, or, for a secondary or supplementary
 * record, this bit and the index of its template in the follower table. */
#define FOLLOWER (UINT64_C(1) << 63)
#define NO_ID UINT64_MAX

/* A template with mapped secondary or supplementary records: the ordinals
 * of its mapped primary records, whose decisions it takes. */
typedef struct follow {
    uint64_t primary[2];
} follow_t;

/* What a group keeps of a mapped primary record until the group ends. */
typedef struct prim {
    g5_dupsig_end_t end;
    int32_t tid, mtid;
    int paired;             // g5_dupsig_paired
} prim_t;

struct g5_dupgroup {
    g5_dupsig_t *ds;
    uint64_t next_ordinal;

    // The current group.
    kstring_t name;
    prim_t prim[2];
    int nprim, extra;       // extra: more than two primaries (malformed)
    size_t follow_at;       // its entry in the follower table, or SIZE_MAX

    follow_t *follow;
    size_t nfollow, mfollow;
    uint64_t split;

    uint8_t *bits;          // after resolve: 2 bits per ordinal (dup, optical)
};

g5_dupgroup_t *g5_dupgroup_init(sam_hdr_t *h, int optical_distance, int *no_lb)
{
    g5_dupgroup_t *g = calloc(1, sizeof *g);
    if (!g || !(g->ds = g5_dupsig_init(optical_distance)) || g5_dupsig_read_groups(g->ds, h, no_lb) < 0) {
        g5_dupgroup_destroy(g);
        errno = ENOMEM;
        return NULL;
    }
    g->follow_at = SIZE_MAX;
    return g;
}

void g5_dupgroup_destroy(g5_dupgroup_t *g)
{
    if (!g) return;
    free(g->name.s);
    free(g->follow);
    free(g->bits);
    g5_dupsig_destroy(g->ds);
    free(g);
}

/* Close the current group: its pair, and its followers' primaries. */
static int close_group(g5_dupgroup_t *g)
{
    const prim_t *a = &g->prim[0], *b = &g->prim[1];
    // A pair the way g5 markdup pairs one: both ends paired with their
    // mate mapped, each naming the other's reference.
    int pair = g->nprim == 2 && !g->extra && a->paired && b->paired
            && a->mtid == b->tid && b->mtid == a->tid;
    if (pair && g5_dupsig_add_pair(g->ds, &a->end, &b->end) < 0) return -1;
    if (!pair)
        for (int k = 0; k < g->nprim; k++)
            if (g->prim[k].paired) g->split++;
    if (g->follow_at != SIZE_MAX) {
        follow_t *f = &g->follow[g->follow_at];
        f->primary[0] = g->nprim > 0 ? a->end.id : NO_ID;
        f->primary[1] = g->nprim > 1 ? b->end.id : NO_ID;
    }
    g->nprim = g->extra = 0;
    g->follow_at = SIZE_MAX;
    return 0;
}

/* The follower entry of the current group, made on first need. */
static int follow_entry(g5_dupgroup_t *g, size_t *at)
{
    if (g->follow_at == SIZE_MAX) {
        if (g->nfollow == g->mfollow) {
            size_t m = g->mfollow ? 2 * g->mfollow : 1024;
            follow_t *f = realloc(g->follow, m * sizeof *f);
            if (!f) {
                errno = ENOMEM;
                return -1;
            }
            g->follow = f;
            g->mfollow = m;
        }
        g->follow[g->nfollow].primary[0] = g->follow[g->nfollow].primary[1] = NO_ID;
        g->follow_at = g->nfollow++;
    }
    *at = g->follow_at;
    return 0;
}

int g5_dupgroup_add(g5_dupgroup_t *g, bam1_t *b, g5_dupgroup_emit_f emit, void *ctx)
{
    const bam1_core_t *c = &b->core;
    const char *name = bam_get_qname(b);
    if (g->name.l == 0 || strcmp(g->name.s, name) != 0) {
        if (g->name.l && close_group(g) < 0) return -1;
        g->name.l = 0;
        if (kputs(name, &g->name) < 0) {
            errno = ENOMEM;
            return -1;
        }
    }

    b->id = g->next_ordinal++;
    if (g5_dupsig_mapped(c)) {
        if (c->flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY)) {
            size_t at;
            if (follow_entry(g, &at) < 0) return -1;
            b->id = FOLLOWER | at;
        } else {
            uint16_t lib;
            int16_t rg;
            g5_dupsig_end_t e;
            if (g5_dupsig_record_group(g->ds, b, &lib, &rg) < 0) return -1;
            g5_dupsig_end(&e, b, lib, rg, g5_order_coord_key(b), b->id);
            if (g5_dupsig_add_frag(g->ds, &e, g5_dupsig_paired(c)) < 0) return -1;
            if (g->nprim < 2) {
                prim_t *p = &g->prim[g->nprim++];
                p->end = e;
                p->tid = c->tid;
                p->mtid = c->mtid;
                p->paired = g5_dupsig_paired(c);
            } else {
                g->extra = 1;
            }
        }
    }
    return emit(ctx, b);
}

int g5_dupgroup_flush(g5_dupgroup_t *g)
{
    return g->name.l ? close_group(g) : 0;
}

int g5_dupgroup_resolve(g5_dupgroup_t *g, int threads)
{
    if (g5_dupsig_resolve(g->ds, threads) < 0) return -1;
    // Records come out of the sort in coordinate order, their labels in no
    // order at all: a bitmap answers in one step where a search of the
    // sorted list of duplicates would take twenty.
    if (!(g->bits = calloc(g->next_ordinal / 4 + 1, 1))) {
        errno = ENOMEM;
        return -1;
    }
    size_t n;
    const uint64_t *dups = g5_dupsig_dups(g->ds, &n);
    for (size_t i = 0; i < n; i++) {
        uint64_t id = dups[i] >> 1;
        g->bits[id / 4] |= (uint8_t)((G5_DUP | ((dups[i] & 1) ? G5_DUP_OPTICAL : 0)) << (2 * (id % 4)));
    }
    return 0;
}

static int decision(const g5_dupgroup_t *g, uint64_t id)
{
    return id < g->next_ordinal ? (g->bits[id / 4] >> (2 * (id % 4))) & 3 : 0;
}

int g5_dupgroup_decide(g5_dupgroup_t *g, const bam1_t *b)
{
    int st;
    if (b->id & FOLLOWER) {
        const follow_t *f = &g->follow[b->id & ~FOLLOWER];
        st = decision(g, f->primary[0]) | decision(g, f->primary[1]);
    } else {
        st = decision(g, b->id);
    }
    uint16_t lib;
    int16_t rg;
    if (g5_dupsig_record_group(g->ds, b, &lib, &rg) < 0) return -1;
    g5_dupsig_count(g->ds, lib, &b->core, st != 0);
    return st;
}

size_t g5_dupgroup_memory(const g5_dupgroup_t *g)
{
    return g5_dupsig_memory(g->ds) + g->mfollow * sizeof *g->follow + g->name.m
         + (g->bits ? g->next_ordinal / 4 + 1 : 0);
}

void g5_dupgroup_set_budget(g5_dupgroup_t *g, size_t bytes)
{
    g5_dupsig_set_budget(g->ds, bytes);
}

uint64_t g5_dupgroup_split(const g5_dupgroup_t *g)
{
    return g->split;
}

g5_dupsig_t *g5_dupgroup_sig(g5_dupgroup_t *g)
{
    return g->ds;
}
