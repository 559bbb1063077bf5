/* t_hdrmerge.c -- merged headers and ID renaming as samtools merge does them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/kstring.h>

#include "tap.h"
#include "hdrmerge.h"

static sam_hdr_t *hdr(const char *text)
{
    sam_hdr_t *h = sam_hdr_parse(strlen(text), text);
    if (!h) abort();
    return h;
}

/* The text of header @p h, or "" (static buffer, good until the next call). */
static const char *text_of(sam_hdr_t *h)
{
    static char buf[4096];
    const char *s = h ? sam_hdr_str(h) : NULL;
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    return buf;
}

/* A record parsed from one SAM line under @p h. */
static bam1_t *rec(sam_hdr_t *h, const char *line)
{
    kstring_t ks = { 0, 0, NULL };
    kputs(line, &ks);
    bam1_t *b = bam_init1();
    if (sam_parse1(&ks, h, b) < 0) abort();
    free(ks.s);
    return b;
}

/* The SAM line of @p b (static buffer). */
static const char *line_of(sam_hdr_t *h, const bam1_t *b)
{
    static char buf[1024];
    kstring_t ks = { 0, 0, NULL };
    if (sam_format1(h, b, &ks) < 0) abort();
    snprintf(buf, sizeof buf, "%s", ks.s);
    free(ks.s);
    return buf;
}

#define SQ "@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:chr2\tLN:500\n"

int main(void)
{
    // --- the generator: POSIX drand48, as samtools merge -s draws it
    uint64_t st;
    g5_rand48_seed(&st, 42);
    // samtools merge -s 42 names its first four collisions with these.
    is_int(g5_rand48_next(&st), 0x5F4C985F, "seed 42, draw 1 (samtools merge -s 42: 1-5F4C985F)");
    is_int(g5_rand48_next(&st), 0x2BDDA45D, "seed 42, draw 2");
    is_int(g5_rand48_next(&st), 0xE380AE3, "seed 42, draw 3");
    is_int(g5_rand48_next(&st), 0x360F33F6, "seed 42, draw 4");
    long seeds[] = { 0, 1, -1, 123456789, 0x7fffffffL, -987654321 };
    int same = 1;
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
        unsigned short x[3] = { 0x330E, (unsigned short)(seeds[i] & 0xffff), (unsigned short)((seeds[i] >> 16) & 0xffff) };
        g5_rand48_seed(&st, seeds[i]);
        for (int k = 0; k < 100; k++) same &= g5_rand48_next(&st) == nrand48(x);
    }
    ok(same, "equals the C library's nrand48 from srand48's state, negative seeds included");

    // --- colliding IDs
    sam_hdr_t *h1 = hdr("@HD\tVN:1.6\tSO:coordinate\n" SQ
                        "@RG\tID:a\tSM:x\tPG:bwa\n@RG\tID:b\tSM:x\n"
                        "@PG\tID:bwa\tPN:bwa\n@PG\tID:post\tPN:post\tPP:bwa\n@CO\tfirst\n");
    sam_hdr_t *h2 = hdr(SQ "@RG\tID:a\tSM:y\tPG:bwa\n@PG\tID:bwa\tPN:bwa\n@CO\tsecond\n@XY\tZZ:dropped\n");
    g5_hdrmerge_t *m = g5_hdrmerge_init(0, 42);
    ok(m != NULL, "init");
    is_int(g5_hdrmerge_add(m, h1, "one.bam"), 0, "add the first header");
    is_int(g5_hdrmerge_add(m, h2, "two.bam"), 0, "add the second");
    is_int(g5_hdrmerge_count(m), 2, "two inputs");
    sam_hdr_t *out = g5_hdrmerge_header(m);
    is_str(text_of(out),
           "@HD\tVN:1.6\tSO:coordinate\n" SQ
           "@RG\tID:a\tSM:x\tPG:bwa\n@RG\tID:b\tSM:x\n@RG\tID:a-5F4C985F\tSM:y\tPG:bwa-2BDDA45D\n"
           "@PG\tID:bwa\tPN:bwa\n@PG\tID:post\tPN:post\tPP:bwa\n@PG\tID:bwa-2BDDA45D\tPN:bwa\n"
           "@CO\tfirst\n@CO\tsecond\n",
           "colliding @RG and @PG IDs get samtools' suffixes; @RG PG: follows; other types dropped");
    is_int(g5_hdrmerge_identity(m, 0), 1, "the first input keeps its IDs");
    is_int(g5_hdrmerge_identity(m, 1), 0, "the second does not");

    // Records: the tags are renamed and moved to the end, RG before PG.
    bam1_t *b = rec(h2, "r1\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tPG:Z:bwa\tRG:Z:a\tNM:i:0");
    is_int(g5_hdrmerge_translate(m, 1, b), 0, "translate a record of the second input");
    is_str(line_of(out, b), "r1\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tNM:i:0\tRG:Z:a-5F4C985F\tPG:Z:bwa-2BDDA45D",
           "its RG and PG renamed and moved to the end");
    bam_destroy1(b);
    b = rec(h1, "r2\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tRG:Z:b\tNM:i:0");
    g5_hdrmerge_translate(m, 0, b);
    is_str(line_of(out, b), "r2\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tNM:i:0\tRG:Z:b",
           "an unchanged RG still moves to the end, as samtools merge moves it");
    bam_destroy1(b);
    b = rec(h1, "r3\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tRG:Z:ghost\tXA:i:1");
    is_int(g5_hdrmerge_translate(m, 0, b), 1, "an undeclared read group: reported");
    ok(strstr(g5_hdrmerge_why(m), "record \"r3\" of \"one.bam\" has RG:Z:ghost, which no @RG line declares") != NULL,
       "naming the record, the input and the ID");
    is_str(line_of(out, b), "r3\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tXA:i:1", "and its tag dropped");
    bam_destroy1(b);
    b = rec(h1, "r4\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tRG:Z:ghost");
    is_int(g5_hdrmerge_translate(m, 0, b), 0, "the same ID again: dropped quietly");
    ok(bam_aux_get(b, "RG") == NULL, "dropped");
    bam_destroy1(b);
    b = rec(h2, "r5\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tRG:Z:ghost");
    is_int(g5_hdrmerge_translate(m, 1, b), 1, "the same ID in another input: reported again");
    bam_destroy1(b);
    b = rec(h1, "r7\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tRG:Z:ghost2\tPG:Z:nope");
    is_int(g5_hdrmerge_translate(m, 0, b), 1, "undeclared RG and PG in one record: reported");
    ok(strstr(g5_hdrmerge_why(m), "has RG:Z:ghost2 and PG:Z:nope, which no @RG or @PG lines declare: tags dropped") != NULL,
       "both in one line");
    bam_destroy1(b);
    b = rec(h1, "r6\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tRG:i:7\tNM:i:0");
    is_int(g5_hdrmerge_translate(m, 0, b), 0, "an RG tag that is not a string ...");
    is_str(line_of(out, b), "r6\t0\tchr1\t10\t60\t4M\t*\t0\t0\tACGT\tIIII\tRG:i:7\tNM:i:0", "... is left alone");
    bam_destroy1(b);
    sam_hdr_destroy(out);
    g5_hdrmerge_destroy(m);

    // A suffix already taken is drawn again.
    sam_hdr_t *h3 = hdr(SQ "@RG\tID:a-5F4C985F\tSM:z\n");
    m = g5_hdrmerge_init(0, 42);
    g5_hdrmerge_add(m, h1, "one.bam");
    g5_hdrmerge_add(m, h3, "taken.bam");
    g5_hdrmerge_add(m, h2, "two.bam");
    out = g5_hdrmerge_header(m);
    ok(strstr(text_of(out), "@RG\tID:a-2BDDA45D\tSM:y\tPG:bwa-E380AE3\n") != NULL,
       "a suffix already in use is drawn again (and the @PG draws follow)");
    sam_hdr_destroy(out);
    g5_hdrmerge_destroy(m);

    // Combining, and @CO of the first input only: identical headers come back.
    m = g5_hdrmerge_init(G5_HDRMERGE_COMBINE_RG | G5_HDRMERGE_COMBINE_PG | G5_HDRMERGE_FIRST_CO, 0);
    g5_hdrmerge_add(m, h1, "one.bam");
    g5_hdrmerge_add(m, h1, "one-again.bam");
    out = g5_hdrmerge_header(m);
    is_str(text_of(out), text_of(h1), "COMBINE_RG|COMBINE_PG|FIRST_CO: one header twice is that header");
    is_int(g5_hdrmerge_identity(m, 1), 1, "and the second input is an identity");
    sam_hdr_destroy(out);
    g5_hdrmerge_destroy(m);

    m = g5_hdrmerge_init(G5_HDRMERGE_COMBINE_RG, 0);
    g5_hdrmerge_add(m, h1, "one.bam");
    g5_hdrmerge_add(m, h2, "two.bam");
    out = g5_hdrmerge_header(m);
    ok(strstr(text_of(out), "@RG\tID:a\tSM:x\tPG:bwa\n@RG\tID:b\tSM:x\n@PG") != NULL,
       "COMBINE_RG: the first input's @RG a stands, the second's is dropped");
    ok(strstr(text_of(out), "@PG\tID:bwa-15DDB16E\tPN:bwa\n") != NULL, "while @PG IDs are still renamed");
    sam_hdr_destroy(out);
    g5_hdrmerge_destroy(m);

    // A reference to an undeclared program: kept, with a warning.
    sam_hdr_t *h4 = hdr(SQ "@PG\tID:x\tPN:x\tPP:nowhere\n");
    m = g5_hdrmerge_init(0, 0);
    is_int(g5_hdrmerge_add(m, h4, "dangling.bam"), 1, "a PP: to no @PG: added with a warning");
    is_str(g5_hdrmerge_why(m), "\"dangling.bam\": @PG ID:x has PP:nowhere, but there is no @PG ID:nowhere: kept as it is",
           "which names the input, the line and the tag");
    g5_hdrmerge_destroy(m);

    // --- @SQ must agree
    struct { const char *sq, *why; } bad[] = {
        { "@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:chr2\tLN:501\n",
          "@SQ lines differ: reference 2 is SN:chr2 LN:501 in \"b.bam\" but SN:chr2 LN:500 in \"a.bam\"" },
        { "@SQ\tSN:chr2\tLN:500\n@SQ\tSN:chr1\tLN:1000\n",
          "@SQ lines differ: reference 1 is SN:chr2 LN:500 in \"b.bam\" but SN:chr1 LN:1000 in \"a.bam\"" },
        { "@SQ\tSN:chr1\tLN:1000\n",
          "@SQ lines differ: reference 2 is none in \"b.bam\" but SN:chr2 LN:500 in \"a.bam\"" },
        { SQ "@SQ\tSN:chr3\tLN:5\n",
          "@SQ lines differ: reference 3 is SN:chr3 LN:5 in \"b.bam\" but none in \"a.bam\"" },
        { "@SQ\tSN:chr1\tLN:1000\tM5:0123456789abcdef0123456789abcdef\n@SQ\tSN:chr2\tLN:500\n",
          "@SQ lines differ: reference 1 is SN:chr1 LN:1000 M5:0123456789abcdef0123456789abcdef in \"b.bam\" "
          "but SN:chr1 LN:1000 M5:fedcba9876543210fedcba9876543210 in \"a.bam\"" },
    };
    sam_hdr_t *ha = hdr("@SQ\tSN:chr1\tLN:1000\tM5:fedcba9876543210fedcba9876543210\n@SQ\tSN:chr2\tLN:500\n");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sam_hdr_t *hb = hdr(bad[i].sq);
        m = g5_hdrmerge_init(0, 0);
        g5_hdrmerge_add(m, ha, "a.bam");
        errno = 0;
        is_int(g5_hdrmerge_add(m, hb, "b.bam"), -1, "@SQ mismatch %zu refused", i + 1);
        is_int(errno, EINVAL, "@SQ mismatch %zu: EINVAL", i + 1);
        is_str(g5_hdrmerge_why(m), bad[i].why, "@SQ mismatch %zu: names both files and the @SQ", i + 1);
        g5_hdrmerge_destroy(m);
        sam_hdr_destroy(hb);
    }
    sam_hdr_t *hc = hdr("@SQ\tSN:chr1\tLN:1000\tM5:FEDCBA9876543210FEDCBA9876543210\tUR:x\n@SQ\tSN:chr2\tLN:500\tM5:00\n");
    m = g5_hdrmerge_init(0, 0);
    g5_hdrmerge_add(m, ha, "a.bam");
    is_int(g5_hdrmerge_add(m, hc, "c.bam"), 0, "M5 in another case, M5 on one side only, other tags: accepted");
    out = g5_hdrmerge_header(m);
    ok(strstr(text_of(out), "@SQ\tSN:chr1\tLN:1000\tM5:fedcba9876543210fedcba9876543210\n") != NULL,
       "the @SQ lines are the first input's");
    sam_hdr_destroy(out);
    g5_hdrmerge_destroy(m);

    m = g5_hdrmerge_init(0, 0);
    errno = 0;
    ok(g5_hdrmerge_header(m) == NULL && errno == EINVAL, "no input: no header (EINVAL)");
    g5_hdrmerge_destroy(m);
    g5_hdrmerge_destroy(NULL);

    sam_hdr_destroy(h1);
    sam_hdr_destroy(h2);
    sam_hdr_destroy(h3);
    sam_hdr_destroy(h4);
    sam_hdr_destroy(ha);
    sam_hdr_destroy(hc);
    return tap_done();
}
