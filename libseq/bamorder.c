/*
 * bamorder.c -- samtools' record orders.  See bamorder.h for the design.
 */
#include "bamorder.h"

#include <ctype.h>
#include <string.h>

int g5_order_strnum_cmp(const char *a_, const char *b_)
{
    const unsigned char *a = (const unsigned char *)a_, *b = (const unsigned char *)b_;
    const unsigned char *pa = a, *pb = b;
    while (*pa && *pb) {
        if (!isdigit(*pa) || !isdigit(*pb)) {
            if (*pa != *pb) return (int)*pa - (int)*pb;
            pa++, pb++;
            continue;
        }
        // Two runs of digits: compare them as numbers.  Leading zeros do
        // not count towards the value...
        while (*pa == '0') pa++;
        while (*pb == '0') pb++;
        while (isdigit(*pa) && isdigit(*pb) && *pa == *pb) pa++, pb++;
        if (isdigit(*pa) && isdigit(*pb)) {
            // ...the first differing digit decides unless one run is longer.
            int i = 0;
            while (isdigit(pa[i]) && isdigit(pb[i])) i++;
            return isdigit(pa[i]) ? 1 : isdigit(pb[i]) ? -1 : (int)*pa - (int)*pb;
        }
        if (isdigit(*pa)) return 1;
        if (isdigit(*pb)) return -1;
        // Equal values: the run with more leading zeros sorts first.
        if (pa - a != pb - b) return pa - a < pb - b ? 1 : -1;
    }
    return *pa ? 1 : *pb ? -1 : 0;
}

/* The base order, without the tag. */
static int cmp_core(g5_order_t order, const bam1_t *a, const bam1_t *b)
{
    if (order == G5_ORDER_NAME) {
        int t = g5_order_strnum_cmp(bam_get_qname(a), bam_get_qname(b));
        if (t) return t;
        return (int)(a->core.flag & 0xc0) - (int)(b->core.flag & 0xc0);
    }
    // Full-width comparison (SAM allows positions past 2^31, the key does not).
    uint64_t ta = (uint32_t)a->core.tid, tb = (uint32_t)b->core.tid;
    if (ta != tb) return ta < tb ? -1 : 1;
    uint64_t pa = (uint64_t)(a->core.pos + 1), pb = (uint64_t)(b->core.pos + 1);
    if (pa != pb) return pa < pb ? -1 : 1;
    return (int)bam_is_rev(a) - (int)bam_is_rev(b);
}

/* Tag types that compare with each other: integers, reals, characters,
 * strings; anything else (arrays) only by its type letter. */
static char tag_class(const uint8_t *aux)
{
    switch (*aux) {
    case 'c': case 'C': case 's': case 'S': case 'i': case 'I': return 'c';
    case 'f': case 'd': return 'f';
    case 'Z': case 'H': return 'H';
    default: return (char)*aux;
    }
}

static int cmp_tag(const uint8_t *ta, const uint8_t *tb)
{
    if (!ta || !tb) return ta ? 1 : tb ? -1 : 0;   // missing tags first
    char ca = tag_class(ta), cb = tag_class(tb);
    if (ca != cb) {
        // An integer meets a real: compare both as reals.
        if ((ca == 'c' && cb == 'f') || (ca == 'f' && cb == 'c')) ca = cb = 'f';
        else return ca < cb ? -1 : 1;
    }
    switch (ca) {
    case 'c': {
        int64_t va = bam_aux2i(ta), vb = bam_aux2i(tb);
        return va < vb ? -1 : va > vb;
    }
    case 'f': {
        double va = bam_aux2f(ta), vb = bam_aux2f(tb);
        return va < vb ? -1 : va > vb;
    }
    case 'A': {
        unsigned char va = (unsigned char)bam_aux2A(ta), vb = (unsigned char)bam_aux2A(tb);
        return va < vb ? -1 : va > vb;
    }
    case 'H':
        return strcmp(bam_aux2Z(ta), bam_aux2Z(tb));
    default:
        return 0;
    }
}

int g5_order_cmp(const g5_sortspec_t *spec, const bam1_t *a, const bam1_t *b)
{
    if (spec->tag[0]) {
        int t = cmp_tag(bam_aux_get(a, spec->tag), bam_aux_get(b, spec->tag));
        if (t) return t;
    }
    return cmp_core(spec->order, a, b);
}

int g5_order_from_header(sam_hdr_t *h, g5_sortspec_t *spec)
{
    kstring_t so = { 0, 0, NULL };
    int r = -1;
    memset(spec, 0, sizeof *spec);
    if (sam_hdr_find_tag_hd(h, "SO", &so) == 0) {
        if (strcmp(so.s, "coordinate") == 0) spec->order = G5_ORDER_COORD, r = 0;
        else if (strcmp(so.s, "queryname") == 0) spec->order = G5_ORDER_NAME, r = 0;
    }
    free(so.s);
    return r;
}

int g5_order_to_header(sam_hdr_t *h, const g5_sortspec_t *spec)
{
    const char *so = spec->tag[0] ? "unknown"
                   : spec->order == G5_ORDER_NAME ? "queryname" : "coordinate";
    if (sam_hdr_count_lines(h, "HD") <= 0)
        return sam_hdr_add_line(h, "HD", "VN", SAM_FORMAT_VERSION, "SO", so, NULL) < 0 ? -1 : 0;
    // A sub-sort from an earlier sort would now be wrong.
    sam_hdr_remove_tag_hd(h, "SS");
    return sam_hdr_update_hd(h, "SO", so);
}
