/* t_sortbuf.c -- the external sort: order, stability, spills, merging in
 * groups, and the clean-up of run files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "sortbuf.h"

static char dir[] = "/tmp/g5-t_sortbuf.XXXXXX";

/* A deterministic record: few positions and names so there are many ties;
 * its input number is kept in the XI tag to check stability. */
static void make_record(bam1_t *b, uint32_t *state, int i)
{
    uint32_t x = *state = *state * 1664525u + 1013904223u;
    char name[32];
    snprintf(name, sizeof name, "r%u:%u", (x >> 4) % 50, (x >> 12) % 7);
    int tid = (int)((x >> 20) % 4) - 1;        // -1 (unmapped) .. 2
    hts_pos_t pos = tid < 0 ? -1 : (hts_pos_t)((x >> 8) % 40);
    uint16_t flag = (uint16_t)(((x >> 3) & 1 ? BAM_FREVERSE : 0) | ((x >> 5) & 1 ? BAM_FREAD1 : BAM_FREAD2) | BAM_FPAIRED);
    if (tid < 0) flag |= BAM_FUNMAP;
    uint32_t cigar = bam_cigar_gen(20, BAM_CMATCH);
    bam_set1(b, strlen(name), name, flag, tid, pos, 30, tid < 0 ? 0 : 1, &cigar,
             -1, -1, 0, 20, "ACGTACGTACGTACGTACGT", NULL, 0);
    int32_t xi = i;
    bam_aux_append(b, "XI", 'i', 4, (uint8_t *)&xi);
    b->id = (uint64_t)i * 3;        // must travel with the record
}

static int count_files(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Sort n records; return their XI numbers in output order (malloc'ed). */
static int32_t *sort_run(const g5_sortspec_t *spec, int n, size_t budget, int fan, int background,
                         int *runs, int *files_during)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s/run", dir);
    g5_sortbuf_t *sb = g5_sortbuf_init(spec, budget, fan, prefix, background);
    if (!sb) return NULL;
    bam1_t *b = bam_init1();
    uint32_t state = 42;
    for (int i = 0; i < n; i++) {
        make_record(b, &state, i);
        if (g5_sortbuf_add(sb, b) < 0) return NULL;
    }
    if (g5_sortbuf_finish(sb) < 0) return NULL;
    *files_during = count_files();
    int32_t *order = malloc((size_t)n * sizeof *order);
    bam1_t *rec, *prev = bam_init1();
    int k = 0, r, sorted = 1;
    while ((r = g5_sortbuf_next(sb, &rec)) > 0) {
        if (k > 0) {
            int c = g5_order_cmp(spec, prev, rec);
            int32_t pxi = (int32_t)bam_aux2i(bam_aux_get(prev, "XI"));
            int32_t xi = (int32_t)bam_aux2i(bam_aux_get(rec, "XI"));
            if (c > 0 || (c == 0 && pxi > xi)) sorted = 0;
        }
        if (k < n) order[k] = (int32_t)bam_aux2i(bam_aux_get(rec, "XI"));
        if (rec->id != (uint64_t)bam_aux2i(bam_aux_get(rec, "XI")) * 3) sorted = 0;
        k++;
        if (!bam_copy1(prev, rec)) return NULL;
    }
    *runs = g5_sortbuf_runs(sb);
    g5_sortbuf_destroy(sb);
    bam_destroy1(b);
    bam_destroy1(prev);
    if (r < 0 || k != n || !sorted) {
        free(order);
        return NULL;
    }
    return order;
}

static void check(const char *what, const g5_sortspec_t *spec)
{
    const int n = 60000;
    int runs, files;
    int32_t *mem = sort_run(spec, n, 256u << 20, 0, 0, &runs, &files);
    ok(mem != NULL, "%s: sorted and stable in memory", what);
    is_int(runs, 0, "%s: no run files with a large budget", what);

    for (int background = 0; background <= 1; background++) {
        const char *how = background ? "runs written in the background" : "runs written in turn";
        int32_t *ext = sort_run(spec, n, 3u << 20, 3, background, &runs, &files);
        ok(ext != NULL, "%s, %s: sorted, stable and ids kept through run files (3 MiB, fan 3)", what, how);
        ok(runs > 3, "%s, %s: more runs (%d) than the fan, so runs were merged in groups", what, how, runs);
        ok(files <= 3, "%s, %s: at most fan files open for the final merge (%d)", what, how, files);
        ok(mem && ext && memcmp(mem, ext, n * sizeof *mem) == 0, "%s, %s: the same order", what, how);
        is_int(count_files(), 0, "%s, %s: no run file left", what, how);
        free(ext);
    }
    free(mem);
}

/* In the background, an arena is sealed (and its run begun) at half the
 * budget; input that fits in the whole budget never needs that run, which
 * is dropped and merged from memory. */
static void check_sealed_in_memory(void)
{
    g5_sortspec_t spec = { G5_ORDER_COORD, { 0, 0 } };
    const int n = 60000;
    int runs, files;
    int32_t *mem = sort_run(&spec, n, 256u << 20, 0, 0, &runs, &files);
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s/half", dir);
    // About 11 MB of records and index: more than half of 16 MiB's arenas.
    g5_sortbuf_t *sb = g5_sortbuf_init(&spec, 16u << 20, 3, prefix, 1);
    bam1_t *b = bam_init1(), *rec;
    uint32_t state = 42;
    for (int i = 0; i < n; i++) {
        make_record(b, &state, i);
        g5_sortbuf_add(sb, b);
    }
    is_int(count_files(), 1, "past half the budget, a run was begun for the sealed arena");
    ok(g5_sortbuf_finish(sb) == 0, "the sort finishes");
    is_int(count_files(), 0, "the run is dropped when the input fits the budget");
    is_int(g5_sortbuf_runs(sb), 0, "and not counted");
    int k = 0, same = mem != NULL;
    while (g5_sortbuf_next(sb, &rec) > 0) {
        same &= k < n && mem[k] == (int32_t)bam_aux2i(bam_aux_get(rec, "XI"));
        k++;
    }
    ok(same && k == n, "the sealed arena merged from memory gives the order of one arena (%d records)", k);
    g5_sortbuf_destroy(sb);
    bam_destroy1(b);
    free(mem);
}

/* Records longer than a run file's buffer (long reads) come back whole. */
static void check_long_records(void)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s/long", dir);
    g5_sortspec_t spec = { G5_ORDER_COORD, { 0, 0 } };
    g5_sortbuf_t *sb = g5_sortbuf_init(&spec, 8u << 20, 3, prefix, 1);
    const int n = 40, len = 700000;     // 1 MB records, a handful per run
    char *seq = malloc(len + 1);
    bam1_t *b = bam_init1();
    int added = 1;
    for (int i = 0; i < n && added; i++) {
        for (int j = 0; j < len; j++) seq[j] = "ACGT"[(i * 7 + j * (i + 1)) % 4];
        char name[16];
        snprintf(name, sizeof name, "long%d", i);
        uint32_t cigar = bam_cigar_gen(len, BAM_CMATCH);
        bam_set1(b, strlen(name), name, 0, 0, (n - i) * 10, 60, 1, &cigar, -1, -1, 0, len, seq, NULL, 0);
        b->id = (uint64_t)i;
        added = g5_sortbuf_add(sb, b) == 0;
    }
    ok(added && g5_sortbuf_finish(sb) == 0, "1 MB records: added and merged");
    ok(g5_sortbuf_runs(sb) > 3, "1 MB records went through run files, merged in groups (%d)",
       g5_sortbuf_runs(sb));
    bam1_t *rec;
    int k = 0, r, intact = 1;
    while ((r = g5_sortbuf_next(sb, &rec)) > 0) {
        int i = n - 1 - k++;        // positions fall as i grows
        intact &= rec->id == (uint64_t)i && rec->core.l_qseq == len;
        for (int j = 0; intact && j < len; j++)
            intact &= seq_nt16_str[bam_seqi(bam_get_seq(rec), j)] == "ACGT"[(i * 7 + j * (i + 1)) % 4];
    }
    ok(r == 0 && k == n && intact, "every 1 MB record back in order, sequence intact (%d)", k);
    g5_sortbuf_destroy(sb);
    bam_destroy1(b);
    free(seq);
}

/* A run file cut short on disk is an error naming it, not a short output. */
static void check_truncated_run(void)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s/cut", dir);
    g5_sortspec_t spec = { G5_ORDER_COORD, { 0, 0 } };
    g5_sortbuf_t *sb = g5_sortbuf_init(&spec, 4u << 20, 4, prefix, 0);
    bam1_t *b = bam_init1();
    uint32_t state = 3;
    for (int i = 0; i < 60000; i++) {
        make_record(b, &state, i);
        g5_sortbuf_add(sb, b);
    }
    ok(g5_sortbuf_runs(sb) > 0, "runs to cut");
    // Cut the first run in the middle of a record.
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1024] = "";
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "cut.run0001", 11) == 0) snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    closedir(d);
    FILE *f = fopen(path, "r+");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    ok(path[0] && truncate(path, size / 2 + 3) == 0, "cut the run file to half its size");
    int r = g5_sortbuf_finish(sb);
    bam1_t *rec;
    int n = 0;
    if (r == 0)
        while ((r = g5_sortbuf_next(sb, &rec)) > 0) n++;
    ok(r < 0 && n < 60000, "the merge fails (after %d records)", n);
    ok(strstr(g5_sortbuf_why(sb), "corrupt or truncated") && strstr(g5_sortbuf_why(sb), "cut.run0001"),
       "and says which run is cut: %s", g5_sortbuf_why(sb));
    g5_sortbuf_destroy(sb);
    bam_destroy1(b);
    is_int(count_files(), 0, "no run file left");
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    g5_sortspec_t spec = { G5_ORDER_COORD, { 0, 0 } };
    check("coordinate", &spec);
    spec.order = G5_ORDER_NAME;
    check("name", &spec);
    spec.order = G5_ORDER_COORD;
    memcpy(spec.tag, "XI", 2);
    int runs, files;
    int32_t *o = sort_run(&spec, 1000, 256u << 20, 0, 0, &runs, &files);
    int inorder = o != NULL;
    for (int i = 0; o && i < 1000; i++) inorder &= o[i] == i;
    ok(inorder, "tag order: by the XI value, which is the input number");
    free(o);

    // A second consumer growing inside the same budget squeezes the arena.
    {
        char prefix[512];
        snprintf(prefix, sizeof prefix, "%s/share", dir);
        g5_sortspec_t cs = { G5_ORDER_COORD, { 0, 0 } };
        g5_sortbuf_t *sb = g5_sortbuf_init(&cs, 8u << 20, 4, prefix, 1);
        size_t other = 0;
        g5_sortbuf_share(sb, &other);
        bam1_t *b = bam_init1();
        uint32_t state = 7;
        int added = 1;
        for (int i = 0; i < 40000 && added; i++) {
            make_record(b, &state, i);
            other = (size_t)i * 60;      // up to 2.4 MB of the 8
            added = g5_sortbuf_add(sb, b) == 0;
        }
        ok(added, "records still fit while the other share grows");
        ok(g5_sortbuf_runs(sb) > 0, "the growing share forced runs (%d)", g5_sortbuf_runs(sb));
        bam1_t *rec;
        int n = 0, r;
        ok(g5_sortbuf_finish(sb) == 0, "and the sort finishes");
        while ((r = g5_sortbuf_next(sb, &rec)) > 0) n++;
        is_int(n, 40000, "every record comes out");
        g5_sortbuf_destroy(sb);
        bam_destroy1(b);
    }

    check_sealed_in_memory();
    check_long_records();
    check_truncated_run();

    ok(g5_sortbuf_init(&spec, 1000, 0, "x", 0) == NULL, "a budget below the minimum is refused");
    ok(g5_sortbuf_init(&spec, 64u << 20, 1, "x", 0) == NULL, "a fan below 2 is refused");

    is_int(g5_order_strnum_cmp("r2", "r10") < 0, 1, "natural order: r2 before r10");
    is_int(g5_order_strnum_cmp("r010", "r10") < 0, 1, "equal numbers: more leading zeros first");
    is_int(g5_order_strnum_cmp("a", "a1") < 0, 1, "a prefix sorts first");
    rmdir(dir);
    return tap_done();
}
