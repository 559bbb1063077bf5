/*
 * manifest.c -- releases: kinds, provenance, tiers, SHA-256 and the
 * manifest.  See manifest.h.
 */
#include "manifest.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/hts.h>
#include <htslib/sam.h>
#include <htslib/vcf.h>

#include "cli.h"
#include "digest.h"
#include "fmt.h"
#include "out.h"
#include "sumstats.h"

/* What the tier rules need from a file, found by g5_mfile_detect. */
struct g5_mfile_info {
    int ncols;
    char **col;                 // a table's header, '#' and quotes dropped
    int g5prov;                 // a "# g5 TOOL VERSION: COMMAND" line
    char *data_file_name;       // a sidecar's
    // a sidecar's g5_trait (else trait_description), g5_release_policy, g5_sample_set
    char *trait, *policy, *sample_set;
};

static const char *const kind_names[G5_NKINDS] = {
    [G5_KIND_BINARY] = "binary", [G5_KIND_TEXT] = "text",
    [G5_KIND_SAM] = "SAM", [G5_KIND_BAM] = "BAM", [G5_KIND_CRAM] = "CRAM",
    [G5_KIND_VCF] = "VCF", [G5_KIND_BCF] = "BCF", [G5_KIND_GVCF] = "gVCF",
    [G5_KIND_BAI] = "BAI", [G5_KIND_CSI] = "CSI", [G5_KIND_TBI] = "TBI", [G5_KIND_CRAI] = "CRAI",
    [G5_KIND_SSF] = "GWAS-SSF", [G5_KIND_SSF_META] = "GWAS-SSF-meta",
    [G5_KIND_SAMPLES] = "sample-table", [G5_KIND_PNG] = "PNG", [G5_KIND_SVG] = "SVG",
};

static const char HEADER[] = "path\tsize\tsha256\ttier\tkind\ttool\tversion\tcommand";
#define NFIELDS 8

const char *g5_kind_name(int kind)
{
    return kind >= 0 && kind < G5_NKINDS ? kind_names[kind] : "?";
}

int g5_kind_from_name(const char *name)
{
    for (int k = 0; k < G5_NKINDS; k++)
        if (!strcmp(kind_names[k], name)) return k;
    return -1;
}

const char *g5_tier_name(int tier)
{
    return tier == G5_TIER_OPEN ? "open" : "controlled";
}

static int tier_from_name(const char *s)
{
    return !strcmp(s, "open") ? G5_TIER_OPEN : !strcmp(s, "controlled") ? G5_TIER_CONTROLLED : -1;
}

int g5_mfile_name_ok(const char *name)
{
    return *name && strcmp(name, ".") && strcmp(name, "..") && strcmp(name, G5_MANIFEST_NAME)
           && !strpbrk(name, "/\t\n\r");
}

/* --- SHA-256 ---------------------------------------------------------------- */

int g5_sha256_buf(const void *buf, size_t n, char hex[65])
{
    return g5_digest_buf(G5_SHA256, buf, n, hex);
}

int g5_sha256_file(const char *path, char hex[65], long long *size, char *why, size_t nwhy)
{
    return g5_digest_file(G5_SHA256, path, hex, size, why, nwhy);
}

int g5_sha256_copy(const char *src, const char *dst, char hex[65], long long *size, char *why, size_t nwhy)
{
    int in = open(src, O_RDONLY);
    if (in < 0) return g5_why(why, nwhy, "cannot read \"%s\": %s", src, strerror(errno));
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (out < 0) {
        g5_why(why, nwhy, "cannot write \"%s\": %s", dst, strerror(errno));
        close(in);
        return -1;
    }
    int r = g5_digest_fd(G5_SHA256, in, src, out, dst, hex, size, why, nwhy);
    // the copy is on disk before the folder is renamed into place
    if (r == 0 && fsync(out) < 0) r = g5_why(why, nwhy, "cannot write \"%s\": %s", dst, strerror(errno));
    if (close(out) < 0 && r == 0) r = g5_why(why, nwhy, "cannot write \"%s\": %s", dst, strerror(errno));
    close(in);
    if (r < 0) unlink(dst);
    return r;
}

/* --- file descriptions ------------------------------------------------------- */

int g5_mfile_init(g5_mfile_t *f, const char *name, const char *src)
{
    memset(f, 0, sizeof *f);
    f->size = -1;
    f->name = strdup(name);
    f->src = strdup(src);
    f->info = calloc(1, sizeof *f->info);
    return f->name && f->src && f->info ? 0 : -1;
}

static void info_free(struct g5_mfile_info *in)
{
    if (!in) return;
    for (int i = 0; i < in->ncols; i++) free(in->col[i]);
    free(in->col);
    free(in->data_file_name);
    free(in->trait);
    free(in->policy);
    free(in->sample_set);
    free(in);
}

void g5_mfile_free(g5_mfile_t *f)
{
    free(f->name);
    free(f->src);
    free(f->why);
    free(f->tool);
    free(f->version);
    free(f->command);
    info_free(f->info);
    memset(f, 0, sizeof *f);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const g5_mfile_t *)a)->name, ((const g5_mfile_t *)b)->name);
}

void g5_mfile_sort(g5_mfile_t *f, int n)
{
    if (n > 1) qsort(f, n, sizeof *f, by_name);
}

/* A provenance value for a manifest field: "-" when empty, tabs and line
 * ends turned into blanks so that a row stays one row. */
static char *field(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (!n) return strdup("-");
    char *v = malloc(n + 1);
    if (!v) return NULL;
    for (size_t i = 0; i < n; i++) v[i] = s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
    v[n] = 0;
    return v;
}

/* Set the three provenance fields (NULL: "-").  @return 0, or -1 out of memory */
static int set_prov(g5_mfile_t *f, const char *tool, size_t ntool, const char *version, const char *command)
{
    free(f->tool);
    free(f->version);
    free(f->command);
    f->tool = field(tool ? tool : "", tool ? ntool : 0);
    f->version = field(version ? version : "", version ? strlen(version) : 0);
    f->command = field(command ? command : "", command ? strlen(command) : 0);
    return f->tool && f->version && f->command ? 0 : -1;
}

/* "g5 TOOL" from a g5 command line "g5 TOOL ARGS", else @p pn. */
static int set_prov_pg(g5_mfile_t *f, const char *pn, const char *vn, const char *cl)
{
    if (pn && !strcmp(pn, "g5") && cl && !strncmp(cl, "g5 ", 3) && cl[3] && cl[3] != ' ')
        return set_prov(f, cl, 3 + strcspn(cl + 3, " \t"), vn, cl);
    return set_prov(f, pn, pn ? strlen(pn) : 0, vn, cl);
}

/* SAM/BAM/CRAM: the last @PG with PN:g5, else the last @PG. */
static int prov_sam(g5_mfile_t *f, char *why, size_t nwhy)
{
    samFile *fp = sam_open(f->src, "r");
    sam_hdr_t *h = fp ? sam_hdr_read(fp) : NULL;
    if (!h) {
        if (fp) sam_close(fp);
        return g5_why(why, nwhy, "cannot read the header of \"%s\" (%s)", f->src, g5_kind_name(f->kind));
    }
    kstring_t pn = KS_INITIALIZE, vn = KS_INITIALIZE, cl = KS_INITIALIZE;
    int n = sam_hdr_count_lines(h, "PG"), pick = n - 1;
    for (int i = 0; i < n; i++)
        if (sam_hdr_find_tag_pos(h, "PG", i, "PN", &pn) == 0 && !strcmp(pn.s, "g5")) pick = i;
    int r = 0;
    if (pick >= 0) {
        int has_pn = sam_hdr_find_tag_pos(h, "PG", pick, "PN", &pn) == 0;
        int has_vn = sam_hdr_find_tag_pos(h, "PG", pick, "VN", &vn) == 0;
        int has_cl = sam_hdr_find_tag_pos(h, "PG", pick, "CL", &cl) == 0;
        r = set_prov_pg(f, has_pn ? pn.s : NULL, has_vn ? vn.s : NULL, has_cl ? cl.s : NULL);
    } else {
        r = set_prov(f, NULL, 0, NULL, NULL);
    }
    free(pn.s);
    free(vn.s);
    free(cl.s);
    sam_hdr_destroy(h);
    sam_close(fp);
    return r < 0 ? g5_why(why, nwhy, "out of memory") : 0;
}

/* VCF/BCF: the last ##g5_TOOLVersion with its ##g5_TOOLCommand, else
 * ##source; and whether the header is a gVCF's. */
static int prov_vcf(g5_mfile_t *f, char *why, size_t nwhy)
{
    htsFile *fp = hts_open(f->src, "r");
    bcf_hdr_t *h = fp ? bcf_hdr_read(fp) : NULL;
    if (!h) {
        if (fp) hts_close(fp);
        return g5_why(why, nwhy, "cannot read the header of \"%s\" (%s)", f->src, g5_kind_name(f->kind));
    }
    const char *version = NULL, *vkey = NULL, *source = NULL;
    int blocks = 0, non_ref = 0, star = 0;
    for (int i = 0; i < h->nhrec; i++) {
        const bcf_hrec_t *r = h->hrec[i];
        if (r->type == BCF_HL_GEN && r->value) {
            size_t n = strlen(r->key);
            if (!strncmp(r->key, "g5_", 3) && n > 10 && !strcmp(r->key + n - 7, "Version")) {
                version = r->value;
                vkey = r->key;
            }
            if (!strcmp(r->key, "source")) source = r->value;
            if (!strncmp(r->key, "GVCFBlock", 9)) blocks = 1;
        } else if (!strcmp(r->key, "ALT")) {
            int k = bcf_hrec_find_key((bcf_hrec_t *)r, "ID");
            if (k >= 0 && !strcmp(r->vals[k], "NON_REF")) non_ref = 1;
            if (k >= 0 && !strcmp(r->vals[k], "*")) star = 1;
        }
    }
    // "*" alone is also a spanning deletion's allele: reference blocks need END
    int end = bcf_hdr_id2int(h, BCF_DT_ID, "END");
    if (blocks || non_ref || (star && end >= 0 && bcf_hdr_idinfo_exists(h, BCF_HL_INFO, end))) f->kind = G5_KIND_GVCF;
    int r;
    if (version) {
        // "g5_TOOLVersion": tool "g5 TOOL", its command in "g5_TOOLCommand"
        int ntool = (int)strlen(vkey) - 10;
        kstring_t tool = KS_INITIALIZE, key = KS_INITIALIZE;
        ksprintf(&tool, "g5 %.*s", ntool, vkey + 3);
        ksprintf(&key, "g5_%.*sCommand", ntool, vkey + 3);
        const char *command = NULL;
        for (int i = 0; key.s && i < h->nhrec; i++)
            if (h->hrec[i]->type == BCF_HL_GEN && h->hrec[i]->value && !strcmp(h->hrec[i]->key, key.s))
                command = h->hrec[i]->value;
        r = tool.s && key.s ? set_prov(f, tool.s, tool.l, version, command) : -1;
        free(tool.s);
        free(key.s);
    } else {
        r = set_prov(f, source, source ? strlen(source) : 0, NULL, NULL);
    }
    bcf_hdr_destroy(h);
    hts_close(fp);
    return r < 0 ? g5_why(why, nwhy, "out of memory") : 0;
}

/* "# g5 TOOL VERSION: COMMAND", the line libseq/out writes. */
static int prov_tsv_line(g5_mfile_t *f, const char *line)
{
    const char *tool = line + 5, *sp = strchr(tool, ' '), *colon = sp ? strstr(sp + 1, ": ") : NULL;
    if (!sp || !colon || sp == tool) return 0;
    kstring_t t = KS_INITIALIZE, v = KS_INITIALIZE;
    ksprintf(&t, "g5 %.*s", (int)(sp - tool), tool);
    kputsn(sp + 1, colon - sp - 1, &v);
    int r = t.s && v.s ? set_prov(f, t.s, t.l, v.s, colon + 2) : -1;
    free(t.s);
    free(v.s);
    f->info->g5prov = r == 0;
    return r;
}

/* Split a table's header into column names: on tabs when it has one, else
 * commas, else blanks; a leading '#' and surrounding quotes dropped. */
static int header_columns(struct g5_mfile_info *in, const char *line)
{
    const char *seps = strchr(line, '\t') ? "\t" : strchr(line, ',') ? "," : " ";
    char *copy = strdup(line), *save = NULL;
    if (!copy) return -1;
    int r = 0;
    for (char *c = strtok_r(copy, seps, &save); c; c = strtok_r(NULL, seps, &save)) {
        while (*c == ' ') c++;
        if (*c == '#') c++;
        c = g5_ss_yaml_scalar(c);
        if (!*c) continue;
        char **x = realloc(in->col, (in->ncols + 1) * sizeof *x);
        if (!x || !(x[in->ncols] = strdup(c))) {
            if (x) in->col = x;
            r = -1;
            break;
        }
        in->col = x;
        in->ncols++;
    }
    free(copy);
    return r;
}

/* Text, plain or compressed: an SVG, a sidecar, or a table (GWAS-SSF,
 * per-sample or other), from its first lines. */
static int detect_text(g5_mfile_t *f, char *why, size_t nwhy)
{
    enum { MAX_LINES = 512, MAX_BYTES = 1 << 20 };
    BGZF *fp = bgzf_open(f->src, "r");
    if (!fp) return g5_why(why, nwhy, "cannot read \"%s\": %s", f->src, strerror(errno));
    kstring_t line = KS_INITIALIZE, header = KS_INITIALIZE, software = KS_INITIALIZE;
    int nlines = 0, svg = 0, first = 1, ssf_type = 0, r = 0, got_header = 0, got = 0;
    size_t bytes = 0;
    while (nlines < MAX_LINES && bytes < MAX_BYTES && (got = bgzf_getline(fp, '\n', &line)) >= 0) {
        nlines++;
        bytes += line.l + 1;
        if (line.l && line.s[line.l - 1] == '\r') line.s[--line.l] = 0;
        char *s = line.s;
        if (!s) continue;
        if (first && *s) {
            first = 0;
            if (!strncmp(s, "<?xml", 5) || !strncmp(s, "<svg", 4) || !strncasecmp(s, "<!DOCTYPE svg", 13)) svg = -1;
        }
        if (svg == -1 && strstr(s, "<svg")) svg = 1;
        // a sidecar's top-level keys
        if (!strncmp(s, "data_file_name:", 15)) {
            free(f->info->data_file_name);
            if (!(f->info->data_file_name = strdup(g5_ss_yaml_scalar(s + 15)))) goto nomem;
        } else if (!strncmp(s, "file_type:", 10)) {
            ssf_type = !strncmp(g5_ss_yaml_scalar(s + 10), "GWAS-SSF", 8);
        } else if (!strncmp(s, "analysis_software:", 18)) {
            software.l = 0;
            kputs(g5_ss_yaml_scalar(s + 18), &software);
        }
        // a table: comment lines, then the header
        if (got_header) continue;
        if (!strncmp(s, "##", 2) || !strncmp(s, "# ", 2) || !strcmp(s, "#")) {
            if (!strncmp(s, "# g5 ", 5) && !f->info->g5prov && prov_tsv_line(f, s) < 0) goto nomem;
            continue;
        }
        if (!*s) continue;
        kputs(s, &header);
        got_header = 1;
    }
    if (got < -1) {
        r = g5_why(why, nwhy, "cannot read \"%s\": a damaged compressed file", f->src);
        goto end;
    }
    if (svg == 1) {
        f->kind = G5_KIND_SVG;
    } else if (ssf_type && f->info->data_file_name) {
        f->kind = G5_KIND_SSF_META;
        const char *sp = strchr(software.s ? software.s : "", ' ');
        if (software.l && set_prov(f, software.s, sp ? (size_t)(sp - software.s) : software.l, sp ? sp + 1 : NULL,
                                   NULL) < 0)
            goto nomem;
    } else if (got_header) {
        if (header_columns(f->info, header.s) < 0) goto nomem;
        const char *c0 = f->info->ncols ? f->info->col[0] : "";
        if (!strncmp(header.s, "chromosome\tbase_pair_location", 29)
            && (header.s[29] == '\t' || !header.s[29]))
            f->kind = G5_KIND_SSF;
        else if (!strcasecmp(c0, "IID") || !strcasecmp(c0, "FID") || !strcasecmp(c0, "sample")
                 || !strcasecmp(c0, "sample_id"))
            f->kind = G5_KIND_SAMPLES;
        else
            f->kind = G5_KIND_TEXT;
    } else {
        f->kind = G5_KIND_TEXT;
    }
    goto end;
nomem:
    r = g5_why(why, nwhy, "out of memory");
end:
    bgzf_close(fp);
    free(line.s);
    free(header.s);
    free(software.s);
    return r;
}

/* A GWAS-SSF file's provenance is its sidecar's analysis_software; a
 * sidecar's keys for the tier rules (when it is named NAME-meta.yaml, as
 * g5_ss_meta_read finds it). */
static int read_sidecar(g5_mfile_t *f, const char *data_path, char *why, size_t nwhy)
{
    g5_ss_meta_t m;
    int r = g5_ss_meta_read(data_path, &m, why, nwhy), ok = 1;
    if (r <= 0) return r;
    struct g5_mfile_info *in = f->info;
    if (f->kind == G5_KIND_SSF_META) {
        const char *trait = g5_ss_meta_value(&m, "g5_trait"), *pol = g5_ss_meta_value(&m, "g5_release_policy"),
               *set = g5_ss_meta_value(&m, "g5_sample_set");
        if (!trait) trait = m.trait_description;
        ok = (!trait || (in->trait = strdup(trait))) && (!pol || (in->policy = strdup(pol)))
             && (!set || (in->sample_set = strdup(set)));
    }
    if (ok && f->kind == G5_KIND_SSF && m.analysis_software) {
        const char *s = m.analysis_software, *sp = strchr(s, ' ');
        ok = set_prov(f, s, sp ? (size_t)(sp - s) : strlen(s), sp ? sp + 1 : NULL, NULL) == 0;
    }
    g5_ss_meta_free(&m);
    return ok ? 0 : g5_why(why, nwhy, "out of memory");
}

int g5_mfile_detect(g5_mfile_t *f, char *why, size_t nwhy)
{
    hFILE *h = hopen(f->src, "r");
    if (!h) return g5_why(why, nwhy, "cannot read \"%s\": %s", f->src, strerror(errno));
    htsFormat fmt;
    unsigned char magic[8] = { 0 };
    ssize_t nmagic = hpeek(h, magic, sizeof magic);
    int d = hts_detect_format(h, &fmt);
    if (hclose(h) < 0 || nmagic < 0 || d < 0)
        return g5_why(why, nwhy, "cannot read \"%s\": %s", f->src, strerror(errno));
    if (set_prov(f, NULL, 0, NULL, NULL) < 0) return g5_why(why, nwhy, "out of memory");
    switch (fmt.format) {
    case sam: f->kind = G5_KIND_SAM; return prov_sam(f, why, nwhy);
    case bam: f->kind = G5_KIND_BAM; return prov_sam(f, why, nwhy);
    case cram: f->kind = G5_KIND_CRAM; return prov_sam(f, why, nwhy);
    case vcf: f->kind = G5_KIND_VCF; return prov_vcf(f, why, nwhy);
    case bcf: f->kind = G5_KIND_BCF; return prov_vcf(f, why, nwhy);
    case bai: f->kind = G5_KIND_BAI; return 0;
    case csi: f->kind = G5_KIND_CSI; return 0;
    case tbi: f->kind = G5_KIND_TBI; return 0;
    case crai: f->kind = G5_KIND_CRAI; return 0;
    case binary_format: case unknown_format: case gzi: case hts_crypt4gh_format: case d4_format:
        f->kind = nmagic == 8 && !memcmp(magic, "\x89PNG\r\n\x1a\n", 8) ? G5_KIND_PNG : G5_KIND_BINARY;
        return 0;
    default:
        // text of any kind (FASTA, FASTQ, BED, empty...): what its lines say
        break;
    }
    if (detect_text(f, why, nwhy) < 0) return -1;
    if (f->kind == G5_KIND_SSF) return read_sidecar(f, f->src, why, nwhy);
    if (f->kind == G5_KIND_SSF_META) {
        size_t n = strlen(f->src), k = strlen("-meta.yaml");
        if (n <= k || strcmp(f->src + n - k, "-meta.yaml")) return 0;
        char *data = strndup(f->src, n - k);
        if (!data) return g5_why(why, nwhy, "out of memory");
        int r = read_sidecar(f, data, why, nwhy);
        free(data);
        return r;
    }
    return 0;
}

/* --- tiers -------------------------------------------------------------------- */

/* A file is open. */
static int judge_open(g5_mfile_t *f)
{
    free(f->why);
    f->why = NULL;
    f->tier = G5_TIER_OPEN;
    return 0;
}

/* A file is controlled, for the reason given.  @return 0, or -1 out of memory */
static __attribute__((format(printf, 2, 3))) int judge(g5_mfile_t *f, const char *fmt, ...)
{
    kstring_t s = KS_INITIALIZE;
    va_list ap;
    va_start(ap, fmt);
    int r = kvsprintf(&s, fmt, ap);
    va_end(ap);
    free(f->why);
    f->why = s.s;
    f->tier = G5_TIER_CONTROLLED;
    return r < 0 || !s.s ? -1 : 0;
}

static g5_mfile_t *find(g5_mfile_t *f, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(f[i].name, name)) return &f[i];
    return NULL;
}

static int is_index(int kind)
{
    return kind == G5_KIND_BAI || kind == G5_KIND_CSI || kind == G5_KIND_TBI || kind == G5_KIND_CRAI;
}

static int is_table(int kind)
{
    return kind == G5_KIND_SAMPLES || kind == G5_KIND_SSF || kind == G5_KIND_TEXT;
}

static int ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), k = strlen(end);
    return n > k && !strcmp(s + n - k, end);
}

/* The data file an index, sidecar or plot belongs to, or NULL. */
static g5_mfile_t *data_of(g5_mfile_t *f, int n, const g5_mfile_t *c)
{
    kstring_t k = KS_INITIALIZE;
    g5_mfile_t *d = NULL;
    static const char *const index_ends[] = { ".bai", ".csi", ".tbi", ".crai" };
    static const char *const plot_ends[] = { ".manhattan.png", ".manhattan.svg", ".qq.png", ".qq.svg" };
    static const char *const ssf_ends[] = { ".tsv.gz", ".tsv", ".tsv.bgz" };
    if (is_index(c->kind)) {
        for (int e = 0; e < 4 && !d; e++) {
            if (!ends_with(c->name, index_ends[e])) continue;
            k.l = 0;
            kputsn(c->name, strlen(c->name) - strlen(index_ends[e]), &k);
            d = find(f, n, k.s);
            if (!d && e == 0) {         // STEM.bai beside STEM.bam
                kputs(".bam", &k);
                d = find(f, n, k.s);
            }
        }
        if (d && is_index(d->kind)) d = NULL;
    } else if (c->kind == G5_KIND_SSF_META) {
        d = c->info->data_file_name ? find(f, n, c->info->data_file_name) : NULL;
        if (d && d->kind != G5_KIND_SSF) d = NULL;
    } else {
        for (int e = 0; e < 4 && !d; e++) {
            if (!ends_with(c->name, plot_ends[e])) continue;
            for (int s = 0; s < 3 && !d; s++) {
                k.l = 0;
                kputsn(c->name, strlen(c->name) - strlen(plot_ends[e]), &k);
                kputs(ssf_ends[s], &k);
                d = find(f, n, k.s);
                if (d && d->kind != G5_KIND_SSF) d = NULL;
            }
        }
    }
    free(k.s);
    return d;
}

/* The name of the first column a dictionary names as a trait, or NULL. */
static const char *trait_column(const g5_mfile_t *f, const g5_dict_t *dict)
{
    if (!dict || !is_table(f->kind)) return NULL;
    for (int c = 0; c < f->info->ncols; c++)
        if (g5_dict_access(dict, f->info->col[c]) >= 0) return f->info->col[c];
    return NULL;
}

/* "min_mac: 9, min_cases: 3" for the rules in @p broken. */
static void rule_list(kstring_t *s, const g5_policy_t *p, unsigned broken)
{
    for (unsigned bit = 1; bit < 1u << G5_POLICY_NRULES; bit <<= 1) {
        if (!(broken & bit)) continue;
        if (s->l) kputs(", ", s);
        ksprintf(s, "%s: ", g5_policy_rule_name(bit));
        switch (bit) {
        case G5_POLICY_N: ksprintf(s, "%lld", p->min_n); break;
        case G5_POLICY_MAC: ksprintf(s, "%lld", p->min_mac); break;
        case G5_POLICY_MAF: ksprintf(s, "%g", p->min_maf); break;
        case G5_POLICY_CASES: ksprintf(s, "%lld", p->min_cases); break;
        case G5_POLICY_CONTROLS: ksprintf(s, "%lld", p->min_controls); break;
        }
    }
}

/* Every row of a GWAS-SSF file against the policy.  @return 0 all pass;
 * 1 not, with the reason in @p why; -1 out of memory */
static int check_rows(const g5_mfile_t *f, const g5_policy_t *p, char *why, size_t nwhy)
{
    char err[512];
    g5_sumstats_t *s = g5_sumstats_open(f->src, "ssf", err, sizeof err);
    if (!s) {
        snprintf(why, nwhy, "its rows cannot be checked against the policy: %s", err);
        return 1;
    }
    g5_ss_row_t row;
    long long bad = 0, first = 0;
    unsigned broken = 0;
    int r;
    while ((r = g5_sumstats_next(s, &row, err, sizeof err)) == 1) {
        unsigned b = g5_policy_row(p, row.n, row.eaf, row.n_cases, row.n_controls);
        if (!b) continue;
        if (!bad++) first = row.line;
        broken |= b;
    }
    const g5_ss_counts_t *c = g5_sumstats_counts(s);
    long long unchecked = c->missing + c->contig + c->not_additive;
    int verdict = 1;
    if (r < 0) {
        snprintf(why, nwhy, "its rows cannot be checked against the policy: %s", err);
    } else if (bad) {
        kstring_t rules = KS_INITIALIZE;
        rule_list(&rules, p, broken);
        snprintf(why, nwhy, "%lld row%s break%s the policy (%s), first at line %lld", bad, bad == 1 ? "" : "s",
                 bad == 1 ? "s" : "", rules.s ? rules.s : "", first);
        free(rules.s);
    } else if (unchecked) {
        snprintf(why, nwhy, "%lld row%s cannot be checked against the policy (a missing beta, standard error or "
                 "p, or a contig outside 1-25)", unchecked, unchecked == 1 ? "" : "s");
    } else {
        verdict = 0;
    }
    g5_sumstats_close(s);
    return verdict;
}

static const struct g5_ledger_set *ledger_set(const g5_ledger_t *l, const char *digest)
{
    for (int k = 0; l && digest && k < l->n; k++)
        if (!strcmp(l->set[k].digest, digest)) return &l->set[k];
    return NULL;
}

/* GWAS-SSF data: by its trait, else by the policy (all but the sets of
 * other files, compared afterwards).  @return 0, or -1 out of memory */
static int judge_ssf(g5_mfile_t *f, g5_mfile_t *all, int n, const g5_dict_t *dict, const g5_policy_t *p,
                     const g5_ledger_t *l)
{
    kstring_t side = KS_INITIALIZE;
    ksprintf(&side, "%s-meta.yaml", f->name);
    const g5_mfile_t *m = find(all, n, side.s);
    free(side.s);
    if (!m || m->kind != G5_KIND_SSF_META || !m->info->data_file_name || strcmp(m->info->data_file_name, f->name))
        return judge(f, "summary statistics without their sidecar (%s-meta.yaml naming it) in "
                     "the release: their trait is unknown", f->name);
    const struct g5_mfile_info *in = m->info;
    if (!in->trait) return judge(f, "summary statistics whose sidecar names no trait");
    int access = dict ? g5_dict_access(dict, in->trait) : -1;
    if (access == G5_ACCESS_OPEN) return judge_open(f);
    const char *what = access == G5_ACCESS_CONTROLLED ? "is controlled" : dict ? "is not in the dictionary"
                       : "has no tier without --dict";
    if (!p)
        return judge(f, "summary statistics of trait \"%s\", which %s, and no --policy to "
                     "release them under", in->trait, what);
    if (!in->policy || strcmp(in->policy, p->digest))
        return judge(f, "summary statistics of trait \"%s\", which %s, not written under the "
                     "policy \"%s\" (their g5_release_policy is %s)", in->trait, what, p->path,
                     in->policy ? in->policy : "absent");
    char why[1024];
    int r = check_rows(f, p, why, sizeof why);
    if (r) return judge(f, "%s", why);
    if (!in->sample_set)
        return judge(f, "summary statistics of trait \"%s\" whose sidecar has no g5_sample_set",
                     in->trait);
    if (!l) return judge_open(f);       // no ledger here: the sender checked the sets
    if (!ledger_set(l, in->sample_set))
        return judge(f, "its sample set (g5_sample_set %.12s...) is not in the ledger of the "
                     "policy \"%s\"", in->sample_set, p->path);
    return judge_open(f);
}

/* Sets of the release's GWAS-SSF files that differ by a few samples: both
 * files controlled.  @return 0, or -1 out of memory */
static int judge_sets(g5_mfile_t *f, int n, const g5_policy_t *p, const g5_ledger_t *l)
{
    if (!p || !l) return 0;
    const struct g5_ledger_set **set = calloc(n ? n : 1, sizeof *set);
    char *nested = calloc(n ? n : 1, 1);
    if (!set || !nested) {
        free(set);
        free(nested);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (f[i].kind == G5_KIND_SSF) {
            const g5_mfile_t *m = NULL;
            kstring_t side = KS_INITIALIZE;
            ksprintf(&side, "%s-meta.yaml", f[i].name);
            m = find(f, n, side.s);
            free(side.s);
            if (m && m->kind == G5_KIND_SSF_META) set[i] = ledger_set(l, m->info->sample_set);
        }
    int r = 0;
    for (int i = 0; i < n && r == 0; i++)
        for (int j = 0; j < n && set[i] && !nested[i]; j++) {
            if (j == i || !set[j]) continue;
            // the other set alone, under the release's name of its file
            struct g5_ledger_set other = *set[j];
            other.file = f[j].name;
            g5_ledger_t one = { 1, 1, &other };
            char why[1024];
            if (g5_ledger_check(p, &one, (const char *const *)set[i]->iid, set[i]->nids, why, sizeof why) == 1) {
                nested[i] = 1;
                r = judge(&f[i], "nested sample sets: %s", why);
            }
        }
    free(set);
    free(nested);
    return r;
}

int g5_mfile_tiers(g5_mfile_t *f, int n, const g5_dict_t *dict, const g5_policy_t *policy,
                   const g5_ledger_t *ledger, char *why, size_t nwhy)
{
    int r = 0;
    // data first: companions follow their data
    for (int i = 0; i < n && r == 0; i++) {
        g5_mfile_t *x = &f[i];
        const char *col = trait_column(x, dict);
        if (col) {
            r = judge(x, x->kind == G5_KIND_SAMPLES
                      ? "individual-level phenotype table (column \"%s\" is a trait of the dictionary)"
                      : "a table with a phenotype column (column \"%s\" is a trait of the dictionary)", col);
            continue;
        }
        switch (x->kind) {
        case G5_KIND_SAM: case G5_KIND_BAM: case G5_KIND_CRAM:
        case G5_KIND_VCF: case G5_KIND_BCF: case G5_KIND_GVCF:
            r = judge_open(x);
            break;
        case G5_KIND_SAMPLES:
            r = x->info->g5prov ? judge_open(x)
                : judge(x, "a table of samples without g5 provenance (no \"# g5\" line): "
                        "treated as individual-level phenotypes");
            break;
        case G5_KIND_SSF:
            r = judge_ssf(x, f, n, dict, policy, ledger);
            break;
        case G5_KIND_TEXT: case G5_KIND_BINARY:
            r = judge(x, "not a kind of file g5 release knows (%s): controlled, to be safe",
                      g5_kind_name(x->kind));
            break;
        default:        // companions, below
            break;
        }
    }
    if (r == 0) r = judge_sets(f, n, policy, ledger);
    for (int i = 0; i < n && r == 0; i++) {
        g5_mfile_t *x = &f[i];
        if (!is_index(x->kind) && x->kind != G5_KIND_SSF_META && x->kind != G5_KIND_PNG && x->kind != G5_KIND_SVG)
            continue;
        const char *what = is_index(x->kind) ? "an index" : x->kind == G5_KIND_SSF_META ? "a GWAS-SSF sidecar"
                           : "a plot";
        const g5_mfile_t *d = data_of(f, n, x);
        if (!d)
            r = judge(x, "%s whose data file is not in the release: controlled, to be safe", what);
        else if (d->tier == G5_TIER_OPEN)
            r = judge_open(x);
        else
            r = judge(x, "%s of \"%s\", which is controlled", what, d->name);
    }
    return r < 0 ? g5_why(why, nwhy, "out of memory") : 0;
}

/* --- hashing, in threads ------------------------------------------------------- */

typedef struct hash_job {
    g5_mfile_t *f;
    int n, next, failed;
    const char *dir;
    pthread_mutex_t lock;
    char why[1024];
} hash_job_t;

static void *hash_worker(void *arg)
{
    hash_job_t *j = arg;
    char why[1024];
    kstring_t dst = KS_INITIALIZE;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        int i = j->failed ? j->n : j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->n) break;
        g5_mfile_t *f = &j->f[i];
        int r;
        if (j->dir) {
            dst.l = 0;
            ksprintf(&dst, "%s/%s", j->dir, f->name);
            r = dst.s ? g5_sha256_copy(f->src, dst.s, f->sha256, &f->size, why, sizeof why)
                : g5_why(why, sizeof why, "out of memory");
        } else {
            r = g5_sha256_file(f->src, f->sha256, &f->size, why, sizeof why);
        }
        if (r < 0) {
            pthread_mutex_lock(&j->lock);
            if (!j->failed) snprintf(j->why, sizeof j->why, "%s", why);
            j->failed = 1;
            pthread_mutex_unlock(&j->lock);
        }
    }
    free(dst.s);
    return NULL;
}

int g5_mfile_hash(g5_mfile_t *f, int n, const char *dir, int threads, char *why, size_t nwhy)
{
    hash_job_t j = { .f = f, .n = n, .dir = dir };
    pthread_mutex_init(&j.lock, NULL);
    if (threads > n - 1) threads = n > 1 ? n - 1 : 0;
    pthread_t *tid = calloc(threads ? threads : 1, sizeof *tid);
    int started = 0;
    for (; tid && started < threads; started++)
        if (pthread_create(&tid[started], NULL, hash_worker, &j) != 0) break;
    hash_worker(&j);
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    free(tid);
    pthread_mutex_destroy(&j.lock);
    if (j.failed) return g5_why(why, nwhy, "%s", j.why);
    return 0;
}

/* --- the manifest ----------------------------------------------------------------- */

int g5_manifest_format(kstring_t *out, const char *cmdline, int tier, const g5_mfile_t *f, int n)
{
    ksprintf(out, "# g5 release %s: %s\n# tier: %s\n%s\n", g5_version(), cmdline, g5_tier_name(tier), HEADER);
    for (int i = 0; i < n; i++)
        ksprintf(out, "%s\t%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", f[i].name, f[i].size, f[i].sha256, g5_tier_name(f[i].tier),
                 g5_kind_name(f[i].kind), f[i].tool ? f[i].tool : "-", f[i].version ? f[i].version : "-",
                 f[i].command ? f[i].command : "-");
    return out->s ? 0 : -1;
}

void g5_manifest_free(g5_manifest_t *m)
{
    for (int i = 0; i < m->n; i++) g5_mfile_free(&m->file[i]);
    free(m->file);
    memset(m, 0, sizeof *m);
}

static const char *const column_names[NFIELDS] = { "path", "size", "sha256", "tier", "kind", "tool", "version",
                                                   "command" };

/* One row's fields into a file description.  @return 0, or -1 with @p why
 * naming the column */
static int parse_row(const char *path, int lineno, char **fld, g5_mfile_t *f, char *why, size_t nwhy)
{
    int c = 0;
    const char *v;
#define BAD(col) do { c = (col); v = fld[c]; goto bad; } while (0)
    if (!g5_mfile_name_ok(fld[0])) BAD(0);
    if (!*fld[1] || strspn(fld[1], "0123456789") != strlen(fld[1]) || strlen(fld[1]) > 18) BAD(1);
    if (strlen(fld[2]) != 64 || strspn(fld[2], "0123456789abcdef") != 64) BAD(2);
    if (tier_from_name(fld[3]) < 0) BAD(3);
    if (g5_kind_from_name(fld[4]) < 0) BAD(4);
    for (c = 5; c < NFIELDS; c++)
        if (!*fld[c]) BAD(c);
#undef BAD
    if (g5_mfile_init(f, fld[0], fld[0]) < 0) return g5_why(why, nwhy, "out of memory");
    f->size = atoll(fld[1]);
    memcpy(f->sha256, fld[2], 65);
    f->tier = tier_from_name(fld[3]);
    f->kind = g5_kind_from_name(fld[4]);
    f->line = lineno;
    f->tool = strdup(fld[5]);
    f->version = strdup(fld[6]);
    f->command = strdup(fld[7]);
    return f->tool && f->version && f->command ? 0 : g5_why(why, nwhy, "out of memory");
bad:;
    static const char *const want[NFIELDS] = {
        "is not a file name of a release (a base name, not " G5_MANIFEST_NAME ")",
        "is not a size in bytes", "is not 64 lowercase hex digits", "is neither open nor controlled",
        "is not a kind g5 knows", "is empty (\"-\" when unknown)", "is empty (\"-\" when unknown)",
        "is empty (\"-\" when unknown)",
    };
    return g5_why(why, nwhy, "\"%s\" line %d, column %d (%s): \"%s\" %s", path, lineno, c + 1, column_names[c], v,
                  want[c]);
}

int g5_manifest_read(const char *path, g5_manifest_t *m, char *why, size_t nwhy)
{
    memset(m, 0, sizeof *m);
    m->tier = -1;
    FILE *fp = fopen(path, "r");
    if (!fp) return g5_why(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
    char *line = NULL, *fld[NFIELDS];
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, header = 0, mfile = 0, r = 0;
    while (r == 0 && (len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        if (len && line[len - 1] == '\n') line[--len] = 0;
        else {
            r = g5_why(why, nwhy, "\"%s\" line %d: cut short (no line end)", path, lineno);
            break;
        }
        if (!header) {
            if (!strncmp(line, "# tier: ", 8)) {
                if ((m->tier = tier_from_name(line + 8)) < 0)
                    r = g5_why(why, nwhy, "\"%s\" line %d, column 1: the release tier \"%s\" is neither open nor "
                               "controlled", path, lineno, line + 8);
            } else if (line[0] == '#') {
                continue;       // the provenance line
            } else if (strcmp(line, HEADER)) {
                r = g5_why(why, nwhy, "\"%s\" line %d, column 1: the header must be \"%s\" (tab-separated), after "
                           "the lines \"# g5 release ...\" and \"# tier: open|controlled\"", path, lineno,
                           "path size sha256 tier kind tool version command");
            } else if (m->tier < 0) {
                r = g5_why(why, nwhy, "\"%s\" line %d, column 1: no \"# tier: open|controlled\" line before the "
                           "header", path, lineno);
            } else {
                header = 1;
            }
            continue;
        }
        int nf = 1;
        for (const char *c = line; *c; c++) nf += *c == '\t';
        if (nf != NFIELDS) {
            r = g5_why(why, nwhy, "\"%s\" line %d: %d field%s, the header has %d", path, lineno, nf,
                       nf == 1 ? "" : "s", NFIELDS);
            break;
        }
        fld[0] = line;
        for (int i = 1; i < NFIELDS; i++) {
            fld[i] = strchr(fld[i - 1], '\t');
            *fld[i]++ = 0;
        }
        for (int i = 0; i < m->n; i++)
            if (!strcmp(m->file[i].name, fld[0])) {
                r = g5_why(why, nwhy, "\"%s\" line %d, column 1 (path): \"%s\" again (first on line %d)", path,
                           lineno, fld[0], m->file[i].line);
                break;
            }
        if (r) break;
        if (m->n == mfile) {
            int mm = mfile ? 2 * mfile : 16;
            g5_mfile_t *x = realloc(m->file, mm * sizeof *x);
            if (!x) {
                r = g5_why(why, nwhy, "out of memory");
                break;
            }
            m->file = x;
            mfile = mm;
        }
        memset(&m->file[m->n], 0, sizeof *m->file);
        if (parse_row(path, lineno, fld, &m->file[m->n], why, nwhy) < 0) {
            g5_mfile_free(&m->file[m->n]);
            r = -1;
            break;
        }
        m->n++;
    }
    if (r == 0 && ferror(fp)) r = g5_why(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
    if (r == 0 && !header)
        r = g5_why(why, nwhy, "\"%s\" line %d: no header line \"path size sha256 ...\"", path, lineno + 1);
    fclose(fp);
    free(line);
    if (r < 0) g5_manifest_free(m);
    return r;
}
