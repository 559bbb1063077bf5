/*
 * dupgroup.c -- duplicate marking of name-grouped input.  See dupgroup.h
 * for the design.
 */
#include "dupgroup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

struct g5_dupgroup {
    g5_dupsig_t *ds;
    bam1_t **buf;           // the current group, copies with their ordinals in id
    size_t n, m;
    size_t buf_bytes;
    uint64_t next_ordinal;
    follow_t *follow;
    size_t nfollow, mfollow;
    uint64_t split;
};

g5_dupgroup_t *g5_dupgroup_init(sam_hdr_t *h, int optical_distance, int *no_lb)
{
    g5_dupgroup_t *g = calloc(1, sizeof *g);
    if (!g || !(g->ds = g5_dupsig_init(optical_distance)) || g5_dupsig_read_groups(g->ds, h, no_lb) < 0) {
        g5_dupgroup_destroy(g);
        errno = ENOMEM;
        return NULL;
    }
    return g;
}

void g5_dupgroup_destroy(g5_dupgroup_t *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->m; i++) bam_destroy1(g->buf[i]);
    free(g->buf);
    free(g->follow);
    g5_dupsig_destroy(g->ds);
    free(g);
}

static int is_primary(const bam1_core_t *c)
{
    return !(c->flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY));
}

/* The two ends are one pair the way g5 markdup pairs them: both paired
 * with their mate mapped, each naming the other's reference. */
static int mates(const bam1_core_t *a, const bam1_core_t *b)
{
    return g5_dupsig_paired(a) && g5_dupsig_paired(b) && a->mtid == b->tid && b->mtid == a->tid;
}

/* Label the group, add its signatures, emit it. */
static int finish_group(g5_dupgroup_t *g, g5_dupgroup_emit_f emit, void *ctx)
{
    if (g->n == 0) return 0;
    // The mapped primary records: one or two ends, possibly a pair.
    size_t prim[2];
    int nprim = 0, extra = 0, followers = 0;
    g5_dupsig_end_t ends[2];
    for (size_t i = 0; i < g->n; i++) {
        const bam1_t *b = g->buf[i];
        const bam1_core_t *c = &b->core;
        if (!g5_dupsig_mapped(c)) continue;
        if (!is_primary(c)) {
            followers = 1;
            continue;
        }
        uint16_t lib;
        int16_t rg;
        if (g5_dupsig_record_group(g->ds, b, &lib, &rg) < 0) return -1;
        g5_dupsig_end_t e;
        g5_dupsig_end(&e, b, lib, rg, g5_order_coord_key(b), b->id);
        if (g5_dupsig_add_frag(g->ds, &e, g5_dupsig_paired(c)) < 0) return -1;
        if (nprim < 2) {
            prim[nprim] = i;
            ends[nprim++] = e;
        } else {
            extra = 1;      // malformed: more than two primaries; fragments only
        }
    }
    int paired = nprim == 2 && !extra && mates(&g->buf[prim[0]]->core, &g->buf[prim[1]]->core);
    if (paired && g5_dupsig_add_pair(g->ds, &ends[0], &ends[1]) < 0) return -1;
    if (!paired)
        for (int k = 0; k < nprim; k++)
            if (g5_dupsig_paired(&g->buf[prim[k]]->core)) g->split++;

    // Followers point at the template's mapped primaries.
    if (followers) {
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
        follow_t *f = &g->follow[g->nfollow];
        f->primary[0] = nprim > 0 ? g->buf[prim[0]]->id : NO_ID;
        f->primary[1] = nprim > 1 ? g->buf[prim[1]]->id : NO_ID;
        for (size_t i = 0; i < g->n; i++)
            if (g5_dupsig_mapped(&g->buf[i]->core) && !is_primary(&g->buf[i]->core))
                g->buf[i]->id = FOLLOWER | g->nfollow;
        g->nfollow++;
    }
    for (size_t i = 0; i < g->n; i++)
        if (emit(ctx, g->buf[i]) < 0) return -1;
    g->n = 0;
    g->buf_bytes = 0;
    return 0;
}

int g5_dupgroup_add(g5_dupgroup_t *g, const bam1_t *b, g5_dupgroup_emit_f emit, void *ctx)
{
    if (g->n > 0 && strcmp(bam_get_qname(g->buf[0]), bam_get_qname(b)) != 0
        && finish_group(g, emit, ctx) < 0)
        return -1;
    if (g->n == g->m) {
        size_t m = g->m ? 2 * g->m : 8;
        bam1_t **nb = realloc(g->buf, m * sizeof *nb);
        if (!nb) goto nomem;
        g->buf = nb;
        for (size_t i = g->m; i < m; i++)
            if (!(g->buf[i] = bam_init1())) {
                g->m = i;
                goto nomem;
            }
        g->m = m;
    }
    bam1_t *copy = g->buf[g->n];
    if (!bam_copy1(copy, b)) goto nomem;
    copy->id = g->next_ordinal++;
    g->n++;
    g->buf_bytes += (size_t)b->l_data + sizeof *b;
    return 0;
nomem:
    errno = ENOMEM;
    return -1;
}

int g5_dupgroup_flush(g5_dupgroup_t *g, g5_dupgroup_emit_f emit, void *ctx)
{
    return finish_group(g, emit, ctx);
}

int g5_dupgroup_resolve(g5_dupgroup_t *g)
{
    return g5_dupsig_resolve(g->ds);
}

int g5_dupgroup_decide(g5_dupgroup_t *g, const bam1_t *b)
{
    int st;
    if (b->id & FOLLOWER) {
        const follow_t *f = &g->follow[b->id & ~FOLLOWER];
        st = 0;
        for (int k = 0; k < 2; k++)
            if (f->primary[k] != NO_ID) st |= g5_dupsig_lookup(g->ds, f->primary[k]);
    } else {
        st = g5_dupsig_lookup(g->ds, b->id);
    }
    uint16_t lib;
    int16_t rg;
    if (g5_dupsig_record_group(g->ds, b, &lib, &rg) < 0) return -1;
    g5_dupsig_count(g->ds, lib, &b->core, st != 0);
    return st;
}

size_t g5_dupgroup_memory(const g5_dupgroup_t *g)
{
    return g5_dupsig_memory(g->ds) + g->mfollow * sizeof *g->follow + g->buf_bytes;
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
