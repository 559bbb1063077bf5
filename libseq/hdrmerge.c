/*
 * hdrmerge.c -- one SAM header for several inputs.  See hdrmerge.h for the
 * design: the rules are samtools merge's, line for line.
 */
#include "hdrmerge.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/khash.h>
#include <htslib/kstring.h>

/* The IDs in use in the output, one set for @RG and one for @PG.  The set
 * owns its strings; translation tables point into it. */
KHASH_SET_INIT_STR(hm_ids)
/* One input's table: its ID (owned) -> the output ID (a key of the set
 * above), or NULL for an ID its header does not declare (tag dropped). */
KHASH_MAP_INIT_STR(hm_map, const char *)

typedef struct input {
    char *name;                 // for messages
    khash_t(hm_map) *rg, *pg;   // its @RG and @PG IDs -> output IDs
    int identity;               // no ID renamed
} input_t;

struct g5_hdrmerge {
    int flags;
    uint64_t rand;              // drand48 state for ID suffixes
    sam_hdr_t *first;           // the first input's header, for the @SQ check
    int have_hd;
    kstring_t hd, sq, rg, pg, co;   // the output's lines, by type
    khash_t(hm_ids) *rg_ids, *pg_ids;
    input_t *in;
    int n, m;
    char why[512];
};

/* A line waiting for the input's @PG table to be complete: which line of
 * its type it is, and the ID it gets. */
typedef struct pending {
    int pos;
    const char *id;
} pending_t;

static int fail(g5_hdrmerge_t *m, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(g5_hdrmerge_t *m, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->why, sizeof m->why, fmt, ap);
    va_end(ap);
    errno = err;
    return -1;
}

static int nomem(g5_hdrmerge_t *m)
{
    return fail(m, ENOMEM, "out of memory");
}

/* --- the generator ---------------------------------------------------- */

/* POSIX fixes the drand48 family to one linear congruential generator,
 * X' = (a X + c) mod 2^48 with a = 0x5DEECE66D and c = 11, and lrand48()
 * returns the top 31 bits.  samtools draws from the C library's global
 * state; keeping the state here gives the same numbers without touching
 * anyone else's. */
void g5_rand48_seed(uint64_t *state, long seed)
{
    // srand48(): the seed's low 32 bits above the fixed low word 0x330E.
    *state = (uint64_t)(uint32_t)seed << 16 | 0x330E;
}

long g5_rand48_next(uint64_t *state)
{
    *state = (*state * 0x5DEECE66DULL + 0xB) & 0xFFFFFFFFFFFFULL;
    return (long)(*state >> 17);
}

/* --- set-up ----------------------------------------------------------- */

g5_hdrmerge_t *g5_hdrmerge_init(int flags, long seed)
{
    g5_hdrmerge_t *m = calloc(1, sizeof *m);
    if (!m) goto nomem;
    m->flags = flags;
    g5_rand48_seed(&m->rand, seed);
    if (!(m->rg_ids = kh_init(hm_ids)) || !(m->pg_ids = kh_init(hm_ids))) goto nomem;
    return m;

nomem:
    g5_hdrmerge_destroy(m);
    errno = ENOMEM;
    return NULL;
}

static void free_ids(khash_t(hm_ids) *ids)
{
    if (!ids) return;
    for (khiter_t k = kh_begin(ids); k != kh_end(ids); k++)
        if (kh_exist(ids, k)) free((char *)kh_key(ids, k));
    kh_destroy(hm_ids, ids);
}

static void free_map(khash_t(hm_map) *map)
{
    if (!map) return;
    for (khiter_t k = kh_begin(map); k != kh_end(map); k++)
        if (kh_exist(map, k)) free((char *)kh_key(map, k));
    kh_destroy(hm_map, map);
}

void g5_hdrmerge_destroy(g5_hdrmerge_t *m)
{
    if (!m) return;
    for (int i = 0; i < m->n; i++) {
        free(m->in[i].name);
        free_map(m->in[i].rg);
        free_map(m->in[i].pg);
    }
    free(m->in);
    if (m->first) sam_hdr_destroy(m->first);
    free(m->hd.s);
    free(m->sq.s);
    free(m->rg.s);
    free(m->pg.s);
    free(m->co.s);
    free_ids(m->rg_ids);
    free_ids(m->pg_ids);
    free(m);
}

int g5_hdrmerge_count(const g5_hdrmerge_t *m)
{
    return m->n;
}

const char *g5_hdrmerge_why(const g5_hdrmerge_t *m)
{
    return m->why;
}

int g5_hdrmerge_identity(const g5_hdrmerge_t *m, int input)
{
    return input >= 0 && input < m->n && m->in[input].identity;
}

/* --- @SQ -------------------------------------------------------------- */

/* Append " M5:..." of reference @p tid to @p ks if the header gives one;
 * return whether it did. */
static int put_m5(sam_hdr_t *h, int tid, kstring_t *ks)
{
    kstring_t m5 = { 0, 0, NULL };
    int have = sam_hdr_find_tag_id(h, "SQ", "SN", sam_hdr_tid2name(h, tid), "M5", &m5) == 0;
    if (have) ksprintf(ks, " M5:%s", m5.s);
    free(m5.s);
    return have;
}

/* "SN:chr1 LN:1000" (with M5 when @p m5), or "none" past the end. */
static void describe_sq(sam_hdr_t *h, int tid, int m5, kstring_t *ks)
{
    ks->l = 0;
    if (tid >= sam_hdr_nref(h)) {
        kputs("none", ks);
        return;
    }
    ksprintf(ks, "SN:%s LN:%lld", sam_hdr_tid2name(h, tid), (long long)sam_hdr_tid2len(h, tid));
    if (m5) put_m5(h, tid, ks);
}

/* The first reference where @p h differs from the first input's, or -1.
 * *m5 tells whether the checksums were what differed. */
static int first_sq_difference(g5_hdrmerge_t *m, sam_hdr_t *h, int *m5)
{
    sam_hdr_t *f = m->first;
    int nf = sam_hdr_nref(f), nh = sam_hdr_nref(h);
    *m5 = 0;
    for (int tid = 0; tid < nf && tid < nh; tid++) {
        if (strcmp(sam_hdr_tid2name(f, tid), sam_hdr_tid2name(h, tid)) != 0
            || sam_hdr_tid2len(f, tid) != sam_hdr_tid2len(h, tid))
            return tid;
        // Same name and length but a different sequence: another assembly
        // (GRCh37 and hg19 chrM, say).  Only checkable when both say.
        kstring_t a = { 0, 0, NULL }, b = { 0, 0, NULL };
        int differ = put_m5(f, tid, &a) && put_m5(h, tid, &b) && strcasecmp(a.s, b.s) != 0;
        free(a.s);
        free(b.s);
        if (differ) {
            *m5 = 1;
            return tid;
        }
    }
    return nf == nh ? -1 : (nf < nh ? nf : nh);
}

static int check_sq(g5_hdrmerge_t *m, sam_hdr_t *h, const char *name)
{
    int m5, tid = first_sq_difference(m, h, &m5);
    if (tid < 0) return 0;
    kstring_t here = { 0, 0, NULL }, there = { 0, 0, NULL };
    describe_sq(h, tid, m5, &here);
    describe_sq(m->first, tid, m5, &there);
    if (!here.s || !there.s) {
        free(here.s);
        free(there.s);
        return nomem(m);
    }
    fail(m, EINVAL, "@SQ lines differ: reference %d is %s in \"%s\" but %s in \"%s\"",
         tid + 1, here.s, name, there.s, m->in[0].name);
    free(here.s);
    free(there.s);
    return -1;
}

/* --- @RG and @PG ------------------------------------------------------ */

/* An ID for the output that no earlier input uses: the ID itself if it is
 * free, else as samtools names it, "ID-HEX", drawing until that is free.
 * Returns the string now owned by @p ids, or NULL (ENOMEM). */
static const char *unique_id(g5_hdrmerge_t *m, khash_t(hm_ids) *ids, const char *id)
{
    kstring_t ks = { 0, 0, NULL };
    if (kh_get(hm_ids, ids, id) == kh_end(ids)) {
        if (kputs(id, &ks) < 0) return NULL;
    } else {
        do {
            ks.l = 0;
            if (ksprintf(&ks, "%s-%lX", id, g5_rand48_next(&m->rand)) < 0) {
                free(ks.s);
                return NULL;
            }
        } while (kh_get(hm_ids, ids, ks.s) != kh_end(ids));
    }
    int absent;
    khiter_t k = kh_put(hm_ids, ids, ks.s, &absent);
    if (absent <= 0) {
        free(ks.s);
        return NULL;
    }
    return kh_key(ids, k);
}

/* Map every @RG (or @PG) ID of @p h to its output ID in @p map, and list
 * the lines the output takes from this input in @p lines (room for all).
 * @return the number of lines listed, or -1 (ENOMEM) */
static int map_ids(g5_hdrmerge_t *m, sam_hdr_t *h, const char *type, int combine,
                   khash_t(hm_ids) *ids, khash_t(hm_map) *map, pending_t *lines,
                   int *identity)
{
    int n = sam_hdr_count_lines(h, type), nlines = 0;
    for (int i = 0; i < n; i++) {
        const char *id = sam_hdr_line_name(h, type, i);
        if (!id) continue;      // htslib refuses @RG/@PG lines without ID
        const char *out;
        khiter_t k = kh_get(hm_ids, ids, id);
        if (k != kh_end(ids) && combine) {
            out = kh_key(ids, k);       // an earlier input's line stands
        } else {
            if (!(out = unique_id(m, ids, id))) return -1;
            lines[nlines].pos = i;
            lines[nlines].id = out;
            nlines++;
        }
        if (strcmp(out, id) != 0) *identity = 0;

        char *key = strdup(id);
        int absent;
        if (!key) return -1;
        k = kh_put(hm_map, map, key, &absent);
        if (absent < 0) {
            free(key);
            return -1;
        }
        if (!absent) free(key);     // a repeated ID: the last line decides, as in samtools
        kh_val(map, k) = out;
    }
    return nlines;
}

/* Append line @p pos of @p type in @p h to @p out with its ID replaced by
 * @p id and the program it refers to (@p ref: "PG" in @RG, "PP" in @PG)
 * renamed through @p pg.  A reference to a program the input does not
 * declare is kept as it is and reported through m->why.
 * @return 0, 1 with a warning, or -1 (ENOMEM) */
static int put_line(g5_hdrmerge_t *m, sam_hdr_t *h, const char *type, int pos,
                    const char *id, const char *ref, khash_t(hm_map) *pg,
                    const char *name, kstring_t *out)
{
    kstring_t line = { 0, 0, NULL };
    if (sam_hdr_find_line_pos(h, type, pos, &line) < 0) {
        free(line.s);
        return nomem(m);
    }
    int warned = 0, id_done = 0, ref_done = 0;
    char *field = line.s, *end;
    for (int first = 1; field; field = end ? end + 1 : NULL, first = 0) {
        end = strchr(field, '\t');
        size_t len = end ? (size_t)(end - field) : strlen(field);
        if (!first && kputc('\t', out) < 0) goto nomem;
        // Only the first ID and reference tags count, as in samtools.
        if (!first && !id_done && len >= 3 && strncmp(field, "ID:", 3) == 0) {
            id_done = 1;
            if (ksprintf(out, "ID:%s", id) < 0) goto nomem;
            continue;
        }
        if (!first && !ref_done && len >= 3 && strncmp(field, ref, 2) == 0 && field[2] == ':') {
            ref_done = 1;
            char *val = strndup(field + 3, len - 3);
            if (!val) goto nomem;
            khiter_t k = kh_get(hm_map, pg, val);
            if (k != kh_end(pg) && kh_val(pg, k)) {
                int r = ksprintf(out, "%s:%s", ref, kh_val(pg, k));
                free(val);
                if (r < 0) goto nomem;
                continue;
            }
            if (!warned)
                snprintf(m->why, sizeof m->why,
                         "\"%s\": @%s ID:%s has %s:%s, but there is no @PG ID:%s: kept as it is",
                         name, type, sam_hdr_line_name(h, type, pos), ref, val, val);
            warned = 1;
            free(val);
        }
        if (kputsn(field, len, out) < 0) goto nomem;
    }
    free(line.s);
    return kputc('\n', out) < 0 ? nomem(m) : warned;

nomem:
    free(line.s);
    return nomem(m);
}

/* --- inputs ----------------------------------------------------------- */

int g5_hdrmerge_add(g5_hdrmerge_t *m, sam_hdr_t *h, const char *name)
{
    if (m->n && check_sq(m, h, name) < 0) return -1;

    if (m->n == m->m) {
        int mm = m->m ? 2 * m->m : 8;
        input_t *in = realloc(m->in, mm * sizeof *in);
        if (!in) return nomem(m);
        m->in = in;
        m->m = mm;
    }
    input_t *in = &m->in[m->n];
    memset(in, 0, sizeof *in);
    in->identity = 1;
    if (!(in->name = strdup(name)) || !(in->rg = kh_init(hm_map)) || !(in->pg = kh_init(hm_map))) {
        free(in->name);
        free_map(in->rg);
        return nomem(m);
    }
    m->n++;     // from here on, destroy() frees the input

    if (m->n == 1) {
        // The dictionary: the first input's lines, verbatim (M5, UR, AS...).
        if (!(m->first = sam_hdr_dup(h))) return nomem(m);
        kstring_t line = { 0, 0, NULL };
        int nsq = sam_hdr_count_lines(h, "SQ");
        for (int i = 0; i < nsq; i++)
            if (sam_hdr_find_line_pos(h, "SQ", i, &line) < 0 || kputsn(line.s, line.l, &m->sq) < 0
                || kputc('\n', &m->sq) < 0) {
                free(line.s);
                return nomem(m);
            }
        free(line.s);
    }
    if (!m->have_hd && sam_hdr_count_lines(h, "HD") > 0) {
        // The first @HD met, wherever it is: samtools takes that one too.
        kstring_t line = { 0, 0, NULL };
        if (sam_hdr_find_hd(h, &line) < 0 || kputsn(line.s, line.l, &m->hd) < 0 || kputc('\n', &m->hd) < 0) {
            free(line.s);
            return nomem(m);
        }
        free(line.s);
        m->have_hd = 1;
    }

    // All of this input's @RG IDs, then all its @PG IDs, are settled before
    // any line is written out: the lines refer to the renamed programs.
    // (The order of the draws -- @RG lines, then @PG lines, input by input
    // -- is samtools' and must stay so for the suffixes to agree.)
    int nrg = sam_hdr_count_lines(h, "RG"), npg = sam_hdr_count_lines(h, "PG");
    pending_t *rg = malloc((nrg + 1) * sizeof *rg), *pg = malloc((npg + 1) * sizeof *pg);
    int ret = -1;
    if (!rg || !pg) goto nomem;
    int nrg_out = map_ids(m, h, "RG", m->flags & G5_HDRMERGE_COMBINE_RG, m->rg_ids, in->rg, rg, &in->identity);
    if (nrg_out < 0) goto nomem;
    int npg_out = map_ids(m, h, "PG", m->flags & G5_HDRMERGE_COMBINE_PG, m->pg_ids, in->pg, pg, &in->identity);
    if (npg_out < 0) goto nomem;

    int warned = 0, r;
    for (int i = 0; i < nrg_out; i++) {
        if ((r = put_line(m, h, "RG", rg[i].pos, rg[i].id, "PG", in->pg, name, &m->rg)) < 0) goto fail;
        warned |= r;
    }
    for (int i = 0; i < npg_out; i++) {
        if ((r = put_line(m, h, "PG", pg[i].pos, pg[i].id, "PP", in->pg, name, &m->pg)) < 0) goto fail;
        warned |= r;
    }

    if (!(m->flags & G5_HDRMERGE_FIRST_CO) || m->n == 1) {
        kstring_t line = { 0, 0, NULL };
        int nco = sam_hdr_count_lines(h, "CO");
        for (int i = 0; i < nco; i++)
            if (sam_hdr_find_line_pos(h, "CO", i, &line) < 0 || kputsn(line.s, line.l, &m->co) < 0
                || kputc('\n', &m->co) < 0) {
                free(line.s);
                goto nomem;
            }
        free(line.s);
    }
    ret = warned;
    goto fail;      // the common exit

nomem:
    nomem(m);
fail:
    free(rg);
    free(pg);
    return ret;
}

sam_hdr_t *g5_hdrmerge_header(g5_hdrmerge_t *m)
{
    if (m->n == 0) {
        fail(m, EINVAL, "no input to merge");
        return NULL;
    }
    kstring_t text = { 0, 0, NULL };
    sam_hdr_t *h = sam_hdr_init();
    if (!h || kputsn(m->hd.s ? m->hd.s : "", m->hd.l, &text) < 0
        || kputsn(m->sq.s ? m->sq.s : "", m->sq.l, &text) < 0
        || kputsn(m->rg.s ? m->rg.s : "", m->rg.l, &text) < 0
        || kputsn(m->pg.s ? m->pg.s : "", m->pg.l, &text) < 0
        || kputsn(m->co.s ? m->co.s : "", m->co.l, &text) < 0
        || (text.l && sam_hdr_add_lines(h, text.s, text.l) < 0)) {
        free(text.s);
        if (h) sam_hdr_destroy(h);
        nomem(m);
        return NULL;
    }
    free(text.s);
    return h;
}

/* --- records ---------------------------------------------------------- */

/* Rewrite one ID tag of @p b through @p map.  See g5_hdrmerge_translate.
 * @return 0; 1 when the tag was dropped for the first time, *dropped set to
 * its ID (owned by the map); -1 (ENOMEM) */
static int retag(g5_hdrmerge_t *m, khash_t(hm_map) *map, const char tag[2], bam1_t *b,
                 const char **dropped)
{
    uint8_t *s = bam_aux_get(b, tag);
    if (!s || *s != 'Z') return 0;
    const char *id = (const char *)s + 1;
    khiter_t k = kh_get(hm_map, map, id);
    if (k != kh_end(map)) {
        const char *out = kh_val(map, k);   // lives in the ID set, not in b
        if (bam_aux_del(b, s) < 0) return nomem(m);
        if (out && bam_aux_append(b, tag, 'Z', (int)strlen(out) + 1, (const uint8_t *)out) < 0)
            return nomem(m);
        return 0;
    }

    // Not declared: drop the tag (a dangling ID might otherwise name
    // another input's group after renaming) and remember the ID so that
    // it is reported only once.
    char *key = strdup(id);
    int absent;
    if (!key) return nomem(m);
    k = kh_put(hm_map, map, key, &absent);
    if (absent <= 0) {
        free(key);
        return nomem(m);
    }
    kh_val(map, k) = NULL;
    *dropped = key;
    if (bam_aux_del(b, s) < 0) return nomem(m);
    return 1;
}

int g5_hdrmerge_translate(g5_hdrmerge_t *m, int input, bam1_t *b)
{
    const input_t *in = &m->in[input];
    const char *rg = NULL, *pg = NULL;
    // RG before PG: both end up last, in this order, as samtools leaves them.
    if (retag(m, in->rg, "RG", b, &rg) < 0 || retag(m, in->pg, "PG", b, &pg) < 0) return -1;
    if (!rg && !pg) return 0;

    kstring_t tags = { 0, 0, NULL };
    if (rg) ksprintf(&tags, "RG:Z:%s", rg);
    if (rg && pg) kputs(" and ", &tags);
    if (pg) ksprintf(&tags, "PG:Z:%s", pg);
    snprintf(m->why, sizeof m->why,
             "record \"%s\" of \"%s\" has %s, which no @%s line%s: tag%s dropped "
             "(as samtools merge does; said once per input and ID)",
             bam_get_qname(b), in->name, tags.s ? tags.s : "?",
             rg && pg ? "RG or @PG" : rg ? "RG" : "PG", rg && pg ? "s declare" : " declares",
             rg && pg ? "s" : "");
    free(tags.s);
    return 1;
}
