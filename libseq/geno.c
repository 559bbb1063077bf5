/*
 * geno.c -- dosages from a VCF/BCF.  See geno.h.
 */
#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/khash.h>
#include <htslib/kseq.h>
#include <htslib/kstring.h>
#include <htslib/vcf.h>

#include "cli.h"
#include "geno.h"
#include "gvcf.h"

/* One record being turned into variants, one ALT at a time: the reader
 * has one, and so does each thread decoding lines apart. */
struct g5_gdecoder {
    const g5_geno_t *g;
    int32_t *gt;            /* the record's GT or ... */
    float *ds;              /* ... dosages, all samples */
    int mgt, mds, per;      /* values per sample in them */
    int ialt;               /* the ALT given last, from 1 */
    int direct;             /* biallelic text record: v's dosages filled by decode_text */
    char **allele;          /* the record's alleles, REF first */
    char **alleles;         /* the text parser's allele pointers into the line */
    int malleles;
    g5_gvar_t v;
    char why[512];
};

struct g5_geno {
    char *path;
    htsFile *fp;
    bcf_hdr_t *h;
    bcf1_t *rec;
    char *dosage;           /* FORMAT field of dosages, or NULL: GT */
    int nsel, *sel;         /* the chosen samples, by file index */
    int *slot;              /* per file sample: its place among the chosen, or -1 */
    int unique;             /* no sample chosen twice */
    int text;               /* VCF text with GT: parsed here (decode_text), not by vcf_parse */
    char *rbuf;             /* an uncompressed file's text as read: [rpos, rend) not yet split */
    size_t rpos, rend, rcap;
    kstring_t text_line;
    g5_gdecoder_t d;        /* g5_geno_next's decoder */
    struct ahead *ahead;    /* g5_geno_next's decoding ahead on threads, or NULL */
    int threads;
    uint64_t recno;
    /* PLINK 1 binary genotypes instead of a VCF */
    FILE *bed, *bim;
    int nfam;
    char **fam;             /* the samples' IIDs */
    uint8_t *row;           /* one variant's packed genotypes */
    size_t rowbytes;
    char *line;             /* the variant's .bim line, cut into the fields of v */
    size_t mline;
    char why[512];
};

#define fail(g, ...) g5_why((g)->why, sizeof (g)->why, __VA_ARGS__)

static void ahead_free(struct ahead *a);

void g5_geno_close(g5_geno_t *g)
{
    if (!g) return;
    if (g->rec) bcf_destroy(g->rec);
    if (g->bed) fclose(g->bed);
    if (g->bim) fclose(g->bim);
    for (int i = 0; i < g->nfam; i++) free(g->fam[i]);
    free(g->fam); free(g->row); free(g->line);
    if (g->h) bcf_hdr_destroy(g->h);
    if (g->fp) hts_close(g->fp);
    free(g->path); free(g->dosage); free(g->sel); free(g->slot); free(g->d.gt); free(g->d.ds); free(g->d.v.x); free(g->d.v.ploidy);
    free(g->text_line.s); free(g->rbuf); free(g->d.alleles);
    ahead_free(g->ahead);
    free(g);
}

/* PATH.bed with PATH.bim and PATH.fam beside it. */
static int open_bed(g5_geno_t *g, const char *path, char *why, size_t nwhy)
{
    size_t n = strlen(path) - 4;
    char *name = malloc(n + 5);
    if (!name) return g5_why(why, nwhy, "out of memory");
    memcpy(name, path, n);
    strcpy(name + n, ".fam");
    FILE *fam = fopen(name, "r");
    if (!fam) {
        int r = g5_why(why, nwhy, "cannot read \"%s\": %s", name, strerror(errno));
        free(name);
        return r;
    }
    // .fam: FID IID father mother sex phenotype, whitespace-separated
    char fid[1024], iid[1024], rest[4096];
    int r = 0;
    while (r == 0 && fscanf(fam, "%1023s %1023s", fid, iid) == 2) {
        if (!fgets(rest, sizeof rest, fam)) rest[0] = 0;
        char **x = realloc(g->fam, (g->nfam + 1) * sizeof *x);
        if (!x || !(x[g->nfam] = strdup(iid))) r = g5_why(why, nwhy, "out of memory");
        if (x) g->fam = x;
        if (r == 0) g->nfam++;
    }
    fclose(fam);
    strcpy(name + n, ".bim");
    if (r == 0 && !(g->bim = fopen(name, "r"))) r = g5_why(why, nwhy, "cannot read \"%s\": %s", name, strerror(errno));
    free(name);
    if (r < 0) return r;
    if (g->nfam == 0) return g5_why(why, nwhy, "\"%.*s.fam\" lists no samples", (int)n, path);
    uint8_t magic[3];
    if (!(g->bed = fopen(path, "rb"))) return g5_why(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
    if (fread(magic, 1, 3, g->bed) != 3 || magic[0] != 0x6c || magic[1] != 0x1b || magic[2] != 0x01)
        return g5_why(why, nwhy, "\"%s\" is not a variant-major PLINK 1 .bed file", path);
    g->rowbytes = ((size_t)g->nfam + 3) / 4;
    if (!(g->row = malloc(g->rowbytes))) return g5_why(why, nwhy, "out of memory");
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

g5_geno_t *g5_geno_open(const char *path, const char *dosage, int threads, char *why, size_t nwhy)
{
    g5_geno_t *g = calloc(1, sizeof *g);
    if (g) g->d.g = g;
    if (!g || !(g->path = strdup(path)) || (dosage && !(g->dosage = strdup(dosage))) || !(g->rec = bcf_init())) {
        g5_geno_close(g);
        g5_why(why, nwhy, "out of memory");
        return NULL;
    }
    if (ends_with(path, ".bed")) {
        if (dosage) {
            g5_why(why, nwhy, "\"%s\": a PLINK 1 .bed holds hard calls, not %s dosages", path, dosage);
            goto fail;
        }
        if (open_bed(g, path, why, nwhy) < 0 || g5_geno_select(g, -1, NULL) < 0) {
            if (!*why) g5_why(why, nwhy, "out of memory");
            goto fail;
        }
        return g;
    }
    errno = 0;
    if (!(g->fp = hts_open(path, "r"))) {
        g5_why(why, nwhy, "cannot open \"%s\": %s", path, errno ? strerror(errno) : "unknown format");
        goto fail;
    }
    if (hts_get_format(g->fp)->category != variant_data) {
        g5_why(why, nwhy, "\"%s\" is not a VCF or BCF file", path);
        goto fail;
    }
    if (!(g->h = bcf_hdr_read(g->fp))) {
        g5_why(why, nwhy, "cannot read \"%s\": no valid VCF header", path);
        goto fail;
    }
    const char *field = dosage ? dosage : "GT";
    int id = bcf_hdr_id2int(g->h, BCF_DT_ID, field);
    if (id < 0 || !bcf_hdr_idinfo_exists(g->h, BCF_HL_FMT, id)) {
        g5_why(why, nwhy, "\"%s\" has no FORMAT/%s%s", path, field, dosage ? "" : " (genotypes)");
        goto fail;
    }
    if (dosage && bcf_hdr_id2type(g->h, BCF_HL_FMT, id) != BCF_HT_REAL) {
        g5_why(why, nwhy, "\"%s\": FORMAT/%s is not a Float, so not dosages", path, dosage);
        goto fail;
    }
    // A file cut short -- at a block boundary, or anywhere once threads
    // read ahead -- can read cleanly to a premature end; the missing
    // end-of-file marker gives it away (2: cannot tell, e.g. a pipe)
    if (hts_get_format(g->fp)->compression == bgzf && bgzf_check_EOF(g->fp->fp.bgzf) == 0) {
        g5_why(why, nwhy, "cannot read \"%s\": truncated (the BGZF end-of-file marker is missing)", path);
        goto fail;
    }
    // threads only after the header (as alnio: htslib 1.16's threaded EOF check can hang)
    if (threads > 0 && hts_set_threads(g->fp, threads) < 0) {
        g5_why(why, nwhy, "cannot start threads to read \"%s\"", path);
        goto fail;
    }
    if (g5_geno_select(g, -1, NULL) < 0) {
        g5_why(why, nwhy, "out of memory");
        goto fail;
    }
    g->text = !dosage && hts_get_format(g->fp)->format == vcf;
    g->threads = threads;
    return g;
fail:
    g5_geno_close(g);
    return NULL;
}

int g5_geno_nsamples(const g5_geno_t *g) { return g->bed ? g->nfam : bcf_hdr_nsamples(g->h); }
const char *g5_geno_sample(const g5_geno_t *g, int i) { return g->bed ? g->fam[i] : g->h->samples[i]; }
const char *g5_geno_why(const g5_geno_t *g) { return g->why; }

int g5_geno_select(g5_geno_t *g, int n, const int *idx)
{
    int all = n < 0, ns = g5_geno_nsamples(g);
    if (all) n = ns;
    int *sel = malloc((n + 1) * sizeof *sel), *slot = malloc((ns + 1) * sizeof *slot);
    double *x = malloc((n + 1) * sizeof *x);
    uint8_t *pl = malloc(n + 1);
    if (!sel || !x || !slot || !pl) {
        free(sel);
        free(slot);
        free(x);
        free(pl);
        return -1;
    }
    for (int i = 0; i < ns; i++) slot[i] = -1;
    g->unique = 1;
    for (int j = 0; j < n; j++) {
        sel[j] = all ? j : idx[j];
        if (sel[j] < 0 || sel[j] >= ns) {
            free(sel);
            free(slot);
            free(x);
            free(pl);
            return -1;
        }
        if (slot[sel[j]] >= 0) g->unique = 0;
        slot[sel[j]] = j;
    }
    free(g->sel);
    free(g->slot);
    free(g->d.v.x);
    free(g->d.v.ploidy);
    g->d.v.ploidy = pl;
    g->sel = sel;
    g->slot = slot;
    g->nsel = n;
    g->d.v.x = x;
    return 0;
}

#define dfail(d, ...) g5_why((d)->why, sizeof (d)->why, __VA_ARGS__)

/* Keep a usual sample of a biallelic record (diploid, @p copies of ALT) at
 * place @p j among the chosen (< 0: not chosen): its dosage only, counted
 * by a table rather than a branch on its genotype, which no predictor can
 * guess. */
static inline void keep_usual(double *restrict x, uint8_t *restrict ploidy, int *by_copies, int j, int copies)
{
    if (j >= 0) {
        x[j] = copies;
        ploidy[j] = 2;
        by_copies[copies]++;
    }
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LITTLE_ENDIAN_WORDS 1
#else
#define LITTLE_ENDIAN_WORDS 0
#endif

/* Hard calls from VCF text, parsed here rather than by htslib's
 * vcf_parse, which builds every field of the record: for a call set of
 * thousands of samples, reading GT alone is several times faster, and
 * association spends most of its time reading.  The fields are those of
 * VCF 4.3 section 1.6: the first eight columns, FORMAT, then one column per
 * sample whose GT (wherever it is in FORMAT) is alleles separated by / or |,
 * "." missing.  What is not used (QUAL, FILTER, INFO, other FORMAT fields)
 * is not checked.  The genotypes are stored as bcf_get_genotypes() gives
 * them, so the rest of the decoder is shared.  The line is cut in place and
 * the variants point into it.  @return 1, 0 for a record without ALT, -1 */
static int decode_text(g5_gdecoder_t *d, char *line, uint64_t recno)
{
    const g5_geno_t *g = d->g;
    int ns = bcf_hdr_nsamples(g->h);
    char *f[9], *p = line;
    int nf = 0;
    d->ialt = d->v.nalt = 0;
    while (nf < 9 && p) {
        f[nf++] = p;
        if ((p = strchr(p, '\t'))) *p++ = 0;
    }
    if (nf < 8 || (ns > 0 && (nf < 9 || !p)))
        return dfail(d, "\"%s\" record %llu: %d columns, %d needed", g->path, (unsigned long long)recno,
                     nf + (p != NULL), ns > 0 ? 9 + ns : 8);
    char *end;
    long long pos = strtoll(f[1], &end, 10);
    if (*end || pos < 1)
        return dfail(d, "\"%s\" record %llu: position \"%s\" is not a number from 1", g->path,
                     (unsigned long long)recno, f[1]);
    if (!strcmp(f[4], ".")) return 0;
    // alleles: REF, then the ALTs split at commas
    int na = 1;
    for (const char *c = f[4]; *c; c++) na += *c == ',';
    if (na + 1 > d->malleles) {
        char **a = realloc(d->alleles, (na + 1) * sizeof *a);
        if (!a) return dfail(d, "out of memory");
        d->alleles = a;
        d->malleles = na + 1;
    }
    d->alleles[0] = f[3];
    na = 1;
    for (char *c = f[4];; ) {
        d->alleles[na++] = c;
        if (!(c = strchr(c, ','))) break;
        *c++ = 0;
    }
    // GT's place in FORMAT (absent: every sample missing)
    int k = -1;
    if (nf == 9) {
        int i = 0;
        for (char *c = f[8]; c; i++) {
            if (!strncmp(c, "GT", 2) && (c[2] == ':' || !c[2])) { k = i; break; }
            if ((c = strchr(c, ':'))) c++;
        }
    }
    // a biallelic record's dosages are made here, sample by sample, while
    // its genotype is at hand: the common case, and no second pass
    d->direct = na == 2 && g->unique;
    g5_gvar_t *v = &d->v;
    // at least diploid; redone wider when a sample has more alleles
    int per = d->per > 2 ? d->per : 2;
    for (;;) {
        v->n = 0;
        v->ac = v->an = 0;
        v->hom_ref = v->het = v->hom_alt = 0;
        size_t need = (size_t)ns * per;
        if (need > (size_t)d->mgt) {
            int32_t *gt = realloc(d->gt, need * sizeof *gt);
            if (!gt) return dfail(d, "out of memory");
            d->gt = gt;
            d->mgt = (int)need;
        }
        int wider = 0, s = 0;
        int by_copies[3] = { 0, 0, 0 };     // samples of the usual kind below, by ALT copies
        // in locals: a store through ploidy (bytes) could alias any field,
        // and the pointers were loaded again after every sample
        double *restrict x = v->x;
        uint8_t *restrict ploidy = v->ploidy;
        const int *restrict slot = g->slot;
        const char *c = p;
        // Usual samples ("0|1", GT alone) are only looked for in a direct
        // record with GT first.
        int usual = d->direct && k == 0;
        // Two usual samples at a time, "a|b\tc|d\t" read as one 64-bit
        // little-endian word, while the line (up to its NUL) has eight
        // bytes left: the byte-wise test below, sample by sample, was most
        // of the reading.
        const char *line_end = LITTLE_ENDIAN_WORDS && usual ? p + strlen(p) : p;
        while (s + 2 <= ns && c + 8 <= line_end) {
            uint64_t w;
            memcpy(&w, c, 8);
            uint64_t digits = (w & UINT64_C(0x00FF00FF00FF00FF)) ^ UINT64_C(0x0030003000300030);
            if (digits & UINT64_C(0xFFFEFFFEFFFEFFFE)) break;        // not all 0 or 1
            if ((w & UINT64_C(0xFF000000FF000000)) != UINT64_C(0x0900000009000000)) break;    // tabs
            unsigned s1 = (unsigned)(w >> 8) & 0xFF, s2 = (unsigned)(w >> 40) & 0xFF;
            if ((s1 != '|' && s1 != '/') || (s2 != '|' && s2 != '/')) break;
            keep_usual(x, ploidy, by_copies, slot[s], (int)((digits & 0xFF) + ((digits >> 16) & 0xFF)));
            keep_usual(x, ploidy, by_copies, slot[s + 1], (int)(((digits >> 32) & 0xFF) + ((digits >> 48) & 0xFF)));
            s += 2;
            c += 8;
        }
        for (; s < ns && c; s++) {
            int32_t *gt = d->gt + (size_t)s * per;
            int got = 0;
            // A usual sample one by one (no gt: a direct record's are not
            // read again).
            if (usual && (unsigned)(c[0] - '0') <= 1 && (c[1] == '|' || c[1] == '/')
                && (unsigned)(c[2] - '0') <= 1 && (c[3] == '\t' || !c[3])) {
                keep_usual(x, ploidy, by_copies, slot[s], (c[0] - '0') + (c[2] - '0'));
                c = c[3] ? c + 4 : NULL;
                continue;
            }
            for (int i = 0; i < k && *c && *c != '\t'; c++) i += *c == ':';    // to GT
            if (k >= 0 && *c != '\t' && *c) {
                for (;;) {
                    int32_t a;
                    if (*c == '.') {
                        a = bcf_gt_missing;
                        c++;
                    } else if (*c >= '0' && *c <= '9') {
                        long al = 0;
                        while (*c >= '0' && *c <= '9') al = al * 10 + (*c++ - '0');
                        if (al >= na)
                            return dfail(d, "\"%s\" record %llu (%s:%lld): sample %s has allele %ld of %d", g->path,
                                         (unsigned long long)recno, f[0], pos, g->h->samples[s], al, na);
                        a = bcf_gt_unphased((int)al);
                    } else {
                        return dfail(d, "\"%s\" record %llu (%s:%lld): sample %s: a genotype that is not alleles "
                                     "and / or |", g->path, (unsigned long long)recno, f[0], pos, g->h->samples[s]);
                    }
                    if (got < per) gt[got] = a;
                    got++;
                    if (*c != '/' && *c != '|') break;
                    c++;
                }
            }
            if (got > per) wider = got > wider ? got : wider;
            for (int i = got; i < per; i++) gt[i] = i == 0 ? bcf_gt_missing : bcf_int32_vector_end;
            int j = d->direct && got <= per ? slot[s] : -1;
            if (j >= 0) {
                int copies = 0, missing = got == 0;
                for (int i = 0; i < got; i++) {
                    missing |= bcf_gt_is_missing(gt[i]);
                    copies += bcf_gt_allele(gt[i]) == 1;
                }
                if (missing) {
                    x[j] = NAN;
                    ploidy[j] = 0;
                } else {
                    x[j] = copies;
                    ploidy[j] = (uint8_t)(got < 255 ? got : 255);
                    v->n++;
                    v->ac += copies;
                    v->an += got;
                    if (got == 2) {
                        if (copies == 0) v->hom_ref++;
                        else if (copies == 1) v->het++;
                        else v->hom_alt++;
                    }
                }
            }
            // to the next sample: usually right here, after a bare GT
            while (*c && *c != '\t') c++;
            c = *c ? c + 1 : NULL;
        }
        if (s < ns || c)
            return dfail(d, "\"%s\" record %llu (%s:%lld): %s sample columns, the header has %d", g->path,
                         (unsigned long long)recno, f[0], pos, s < ns ? "fewer" : "more", ns);
        int nusual = by_copies[0] + by_copies[1] + by_copies[2];
        v->n += nusual;
        v->an += 2 * nusual;
        v->ac += by_copies[1] + 2 * by_copies[2];
        v->hom_ref += by_copies[0];
        v->het += by_copies[1];
        v->hom_alt += by_copies[2];
        if (!wider) break;
        per = wider;
    }
    d->per = ns > 0 ? per : 0;
    d->allele = d->alleles;
    d->v.chrom = f[0];
    d->v.pos = pos - 1;
    d->v.id = f[2];
    d->v.ref = f[3];
    d->v.nalt = na - 1;
    d->v.recno = recno;
    return 1;
}

/* The text not yet split into lines: the rest of BGZF's current block
 * (read in place, not copied out by bgzf_read), or of the read buffer of
 * an uncompressed file.  @return 1 with *n > 0 bytes at *p, 0 at the end,
 * -1 on a read error */
static int window(g5_geno_t *g, const char **p, size_t *n)
{
    if (hts_get_format(g->fp)->compression == no_compression) {
        if (g->rpos == g->rend) {
            if (!g->rbuf && !(g->rbuf = malloc(g->rcap = (size_t)1 << 20))) return errno = ENOMEM, -1;
            ssize_t got = hread(g->fp->fp.hfile, g->rbuf, g->rcap);
            if (got <= 0) return got < 0 ? -1 : 0;
            g->rpos = 0;
            g->rend = (size_t)got;
        }
        *p = g->rbuf + g->rpos;
        *n = g->rend - g->rpos;
        return 1;
    }
    BGZF *fp = g->fp->fp.bgzf;
    if (fp->block_offset >= fp->block_length) {
        // a block used up is emptied, as bgzf_read does: the next one is
        // read from its start
        fp->block_offset = fp->block_length = 0;
        if (bgzf_read_block(fp) < 0) return -1;
        if (fp->block_length == 0) return 0;
    }
    *p = (const char *)fp->uncompressed_block + fp->block_offset;
    *n = (size_t)(fp->block_length - fp->block_offset);
    return 1;
}

static void consume(g5_geno_t *g, size_t n)
{
    if (hts_get_format(g->fp)->compression == no_compression) g->rpos += n;
    else g->fp->fp.bgzf->block_offset += (int)n;
}

/*
 * The next line of VCF text that is not a header line, appended to
 * @p lines with its NUL; *at is where it starts.  Lines are found with
 * memchr in the decompressed blocks and copied once, straight into the
 * batch: htslib's getline looks at one byte at a time and its line was
 * copied once more, a fifth of a one-trait assoc's time.
 * @return 1, 0 at the end, -1
 */
static int next_line(g5_geno_t *g, kstring_t *lines, size_t *at, uint64_t *recno)
{
    size_t start = lines->l;
    for (;;) {
        const char *p;
        size_t n;
        int r = window(g, &p, &n), ended = 0;
        if (r < 0) {
            lines->l = start;
            if (errno == ENOMEM) return fail(g, "out of memory");
            if (g->recno == 0) return fail(g, "cannot read \"%s\": truncated or corrupt", g->path);
            return fail(g, "cannot read \"%s\" after record %llu: truncated or corrupt", g->path,
                        (unsigned long long)g->recno);
        }
        if (r == 0) {
            if (lines->l == start) return 0;
            ended = 1;              // the last line, without its newline
        } else {
            const char *nl = memchr(p, '\n', n);
            size_t len = nl ? (size_t)(nl - p) : n;
            if (kputsn(p, len, lines) < 0) return fail(g, "out of memory");
            consume(g, len + (nl != NULL));
            ended = nl != NULL;
        }
        if (!ended) continue;
        size_t len = lines->l - start;
        if (len && lines->s[lines->l - 1] == '\r') len--;
        if (!len || lines->s[start] == '#') {
            lines->l = start;
            if (r == 0) return 0;
            continue;
        }
        lines->l = start + len;
        if (kputc('\0', lines) < 0) return fail(g, "out of memory");     // kputc ends it with another
        *at = start;
        *recno = ++g->recno;
        return 1;
    }
}

/* Read the next record that has an ALT into the reader's decoder.
 * @return 1, 0 at the end, -1 */
static int next_record(g5_geno_t *g)
{
    g5_gdecoder_t *d = &g->d;
    if (g->text) {
        for (;;) {
            uint64_t recno;
            size_t at;
            g->text_line.l = 0;
            int r = next_line(g, &g->text_line, &at, &recno);
            if (r <= 0) return r;
            if ((r = decode_text(d, g->text_line.s + at, recno)) < 0) return fail(g, "%s", d->why);
            if (r > 0) return 1;
        }
    }
    for (;;) {
        int r = bcf_read(g->fp, g->h, g->rec);
        if (r == -1) return 0;
        if (r < -1 || g->rec->errcode) {
            if (g->recno == 0) return fail(g, "cannot read \"%s\": truncated or corrupt", g->path);
            return fail(g, "cannot read \"%s\" after %s:%lld (record %llu): truncated or corrupt", g->path, d->v.chrom,
                        (long long)d->v.pos + 1, (unsigned long long)g->recno);
        }
        g->recno++;
        bcf1_t *rec = g->rec;
        bcf_unpack(rec, BCF_UN_ALL);
        if (rec->n_allele < 2) continue;
        int ns = bcf_hdr_nsamples(g->h), got;
        const char *chrom = bcf_seqname_safe(g->h, rec);
        if (g->dosage) {
            got = bcf_get_format_float(g->h, rec, g->dosage, &d->ds, &d->mds);
            d->per = got > 0 ? got / ns : 0;
            if (got > 0 && d->per != rec->n_allele - 1)
                return fail(g, "\"%s\" %s:%lld: %d %s values per sample for %d ALTs", g->path, chrom,
                            (long long)rec->pos + 1, d->per, g->dosage, rec->n_allele - 1);
        } else {
            got = bcf_get_genotypes(g->h, rec, &d->gt, &d->mgt);
            d->per = got > 0 ? got / ns : 0;
        }
        d->allele = rec->d.allele;
        d->direct = 0;
        d->v.chrom = chrom;
        d->v.pos = rec->pos;
        d->v.id = rec->d.id;
        d->v.ref = rec->d.allele[0];
        d->v.nalt = rec->n_allele - 1;
        d->v.recno = g->recno;
        d->ialt = 0;
        return 1;
    }
}

/* The decoded record's next ALT as a variant.  @return 1, or 0 when its ALTs are done */
static int decoder_next(g5_gdecoder_t *d, const g5_gvar_t **out)
{
    const g5_geno_t *g = d->g;
    g5_gvar_t *v = &d->v;
    while (d->ialt < v->nalt) {
        int a = ++d->ialt;
        v->ialt = a;
        v->alt = d->allele[a];
        if (g5_gvcf_is_other(v->alt)) continue;     // a gVCF's <*>: no allele to test
        if (d->direct) {
            *out = v;
            return 1;
        }
        v->n = 0;
        v->ac = v->an = 0;
        v->hom_ref = v->het = v->hom_alt = 0;
        for (int j = 0; j < g->nsel; j++) {
            int s = g->sel[j], called = 0;
            double x = NAN;
            if (g->dosage && d->per > 0) {
                float ds = d->ds[(size_t)s * d->per + a - 1];
                if (!bcf_float_is_missing(ds) && !bcf_float_is_vector_end(ds)) {
                    x = ds;
                    v->an += 2;
                    called = 2;
                }
            } else if (!g->dosage && d->per > 0) {
                const int32_t *gt = d->gt + (size_t)s * d->per;
                int ploidy = 0, copies = 0, missing = 0;
                for (int k = 0; k < d->per && gt[k] != bcf_int32_vector_end; k++) {
                    ploidy++;
                    if (bcf_gt_is_missing(gt[k])) missing = 1;
                    else copies += bcf_gt_allele(gt[k]) == a;
                }
                if (ploidy && !missing) {
                    x = copies;
                    v->an += ploidy;
                    called = ploidy < 255 ? ploidy : 255;
                    if (ploidy == 2) {
                        if (copies == 0) v->hom_ref++;
                        else if (copies == 1) v->het++;
                        else v->hom_alt++;
                    }
                }
            }
            v->x[j] = x;
            v->ploidy[j] = (uint8_t)called;
            if (!isnan(x)) {
                v->n++;
                v->ac += x;
            }
        }
        *out = v;
        return 1;
    }
    return 0;
}

/* The next variant of a .bed: A1 (the .bim's fifth column, ALT when plink2
 * wrote it) is the allele counted, A2 the reference.  Two bits a sample,
 * the first sample in the low bits: 00 two copies of A1, 10 one, 11 none,
 * 01 missing.  @return 1, 0 at the end, -1 */
static int next_bed(g5_geno_t *g, const g5_gvar_t **out)
{
    g5_gvar_t *v = &g->d.v;
    ssize_t len = getline(&g->line, &g->mline, g->bim);
    if (len < 0) return 0;
    g->recno++;
    char *f[6], *save = NULL;
    int n = 0;
    for (char *t = strtok_r(g->line, " \t\r\n", &save); t && n < 6; t = strtok_r(NULL, " \t\r\n", &save)) f[n++] = t;
    if (n < 6) return fail(g, "\"%s\" .bim line %llu: 6 fields needed", g->path, (unsigned long long)g->recno);
    if (fread(g->row, 1, g->rowbytes, g->bed) != g->rowbytes)
        return fail(g, "cannot read \"%s\" at variant %llu (%s): truncated", g->path, (unsigned long long)g->recno, f[1]);
    v->chrom = f[0];
    v->id = f[1];
    v->pos = atoll(f[3]) - 1;
    v->alt = f[4];
    v->ref = f[5];
    v->ialt = v->nalt = 1;
    v->recno = g->recno;
    v->n = 0;
    v->ac = v->an = 0;
    v->hom_ref = v->het = v->hom_alt = 0;
    for (int j = 0; j < g->nsel; j++) {
        int s = g->sel[j], code = (g->row[s >> 2] >> ((s & 3) * 2)) & 3;
        double x = code == 0 ? 2 : code == 2 ? 1 : code == 3 ? 0 : NAN;
        v->x[j] = x;
        v->ploidy[j] = isnan(x) ? 0 : 2;
        if (isnan(x)) continue;
        v->n++;
        v->ac += x;
        v->an += 2;
        if (x == 0) v->hom_ref++;
        else if (x == 1) v->het++;
        else v->hom_alt++;
    }
    *out = v;
    return 1;
}

/* --- decoding ahead -----------------------------------------------------
 * With threads, g5_geno_next reads VCF text a batch of lines at a time and
 * has the threads decode contiguous runs of them side by side, then hands
 * the variants out in file order.  The variants' strings point into the
 * batch's lines, which live until the next batch; their dosages are copied
 * out of the decoders. */

#define AHEAD_LINES 1024

typedef struct ahead_part {
    g5_gdecoder_t *dec;
    int from, to;           /* lines [from, to) of the batch */
    g5_gvar_t *vars;        /* its variants, their x in xs, ploidy in pls */
    double *xs;
    uint8_t *pls;
    int nvars, mvars;
    int failed;
} ahead_part_t;

struct ahead {
    int nparts;
    ahead_part_t *parts;
    kstring_t lines;        /* the batch, NUL-separated */
    size_t at[AHEAD_LINES];
    uint64_t recno[AHEAD_LINES];
    int nlines;
    int part, next;         /* the variant to hand out */
};

static void ahead_free(struct ahead *a)
{
    if (!a) return;
    for (int p = 0; p < a->nparts; p++) {
        g5_gdecoder_free(a->parts[p].dec);
        free(a->parts[p].vars);
        free(a->parts[p].xs);
        free(a->parts[p].pls);
    }
    free(a->parts);
    free(a->lines.s);
    free(a);
}

static struct ahead *ahead_init(g5_geno_t *g)
{
    struct ahead *a = calloc(1, sizeof *a);
    if (!a || !(a->parts = calloc(g->threads + 1, sizeof *a->parts))) {
        free(a);
        return NULL;
    }
    a->nparts = g->threads + 1;
    for (int p = 0; p < a->nparts; p++)
        if (!(a->parts[p].dec = g5_gdecoder_init(g))) {
            ahead_free(a);
            return NULL;
        }
    return a;
}

/* Decode lines [from, to) of the batch into the part. */
static int ahead_part_run(struct ahead *a, ahead_part_t *pt, int nsel)
{
    pt->nvars = 0;
    for (int i = pt->from; i < pt->to; i++) {
        int r = g5_gdecoder_line(pt->dec, a->lines.s + a->at[i], a->recno[i]);
        if (r < 0) return pt->failed = 1, -1;
        const g5_gvar_t *v;
        while (r > 0 && g5_gdecoder_next(pt->dec, &v)) {
            if (pt->nvars == pt->mvars) {
                int m = pt->mvars ? 2 * pt->mvars : 256;
                g5_gvar_t *vars = realloc(pt->vars, m * sizeof *vars);
                double *xs = vars ? realloc(pt->xs, (size_t)m * (nsel + 1) * sizeof *xs) : NULL;
                uint8_t *pls = xs ? realloc(pt->pls, (size_t)m * (nsel + 1)) : NULL;
                if (vars) pt->vars = vars;
                if (xs) pt->xs = xs;
                if (pls) pt->pls = pls;
                if (!vars || !xs || !pls) return pt->failed = 1, -1;
                pt->mvars = m;
            }
            memcpy(pt->xs + (size_t)pt->nvars * (nsel + 1), v->x, (size_t)nsel * sizeof *v->x);
            memcpy(pt->pls + (size_t)pt->nvars * (nsel + 1), v->ploidy, (size_t)nsel);
            pt->vars[pt->nvars++] = *v;
        }
    }
    // the dosages' home is final only now (xs may have moved as it grew)
    for (int k = 0; k < pt->nvars; k++) {
        pt->vars[k].x = pt->xs + (size_t)k * (nsel + 1);
        pt->vars[k].ploidy = pt->pls + (size_t)k * (nsel + 1);
    }
    return 0;
}

typedef struct ahead_job {
    struct ahead *a;
    ahead_part_t *pt;
    int nsel;
} ahead_job_t;

static void *ahead_job(void *arg)
{
    ahead_job_t *j = arg;
    ahead_part_run(j->a, j->pt, j->nsel);
    return NULL;
}

/* Read and decode the next batch.  @return 1, 0 at the end, -1 */
static int ahead_fill(g5_geno_t *g, struct ahead *a)
{
    a->nlines = 0;
    a->lines.l = 0;
    int r = 1;
    while (a->nlines < AHEAD_LINES && (r = next_line(g, &a->lines, &a->at[a->nlines], &a->recno[a->nlines])) == 1)
        a->nlines++;
    if (r < 0) return -1;
    if (!a->nlines) return 0;
    // contiguous runs of lines, one per part; the parts run side by side
    pthread_t tid[a->nparts];
    ahead_job_t jobs[a->nparts];
    int started[a->nparts];
    for (int p = 0; p < a->nparts; p++) {
        ahead_part_t *pt = &a->parts[p];
        pt->from = (int)((long)a->nlines * p / a->nparts);
        pt->to = (int)((long)a->nlines * (p + 1) / a->nparts);
        pt->failed = 0;
        pt->nvars = 0;
        jobs[p] = (ahead_job_t){ a, pt, g->nsel };
        started[p] = p > 0 && pthread_create(&tid[p], NULL, ahead_job, &jobs[p]) == 0;
        if (p > 0 && !started[p]) ahead_job(&jobs[p]);     // no thread: do it here
    }
    ahead_job(&jobs[0]);
    for (int p = 1; p < a->nparts; p++)
        if (started[p]) pthread_join(tid[p], NULL);
    for (int p = 0; p < a->nparts; p++)     // the first failure in file order
        if (a->parts[p].failed) return fail(g, "%s", g5_gdecoder_why(a->parts[p].dec));
    a->part = a->next = 0;
    return 1;
}

static int ahead_next(g5_geno_t *g, const g5_gvar_t **out)
{
    struct ahead *a = g->ahead;
    for (;;) {
        while (a->part < a->nparts) {
            ahead_part_t *pt = &a->parts[a->part];
            if (a->next < pt->nvars) {
                *out = &pt->vars[a->next++];
                return 1;
            }
            a->part++;
            a->next = 0;
        }
        int r = ahead_fill(g, a);
        if (r <= 0) return r;
    }
}

int g5_geno_next(g5_geno_t *g, const g5_gvar_t **out)
{
    if (g->bed) return next_bed(g, out);
    if (g->text && g->threads > 0) {
        if (!g->ahead) {
            if (!(g->ahead = ahead_init(g))) return fail(g, "out of memory");
            g->ahead->part = g->ahead->nparts;
        }
        return ahead_next(g, out);
    }
    for (;;) {
        if (decoder_next(&g->d, out)) return 1;
        int r = next_record(g);
        if (r <= 0) return r;
    }
}

/* --- decoding apart --------------------------------------------------- */

int g5_geno_lines(const g5_geno_t *g) { return g->text; }

int g5_geno_next_line(g5_geno_t *g, kstring_t *lines, size_t *at, uint64_t *recno)
{
    return g->text ? next_line(g, lines, at, recno) : fail(g, "\"%s\" is not VCF text read for GT", g->path);
}

g5_gdecoder_t *g5_gdecoder_init(const g5_geno_t *g)
{
    g5_gdecoder_t *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->g = g;
    if (!(d->v.x = malloc((g->nsel + 1) * sizeof *d->v.x)) || !(d->v.ploidy = malloc(g->nsel + 1))) {
        free(d->v.x);
        free(d);
        return NULL;
    }
    return d;
}

int g5_gdecoder_line(g5_gdecoder_t *d, char *line, uint64_t recno)
{
    return decode_text(d, line, recno);
}

int g5_gdecoder_next(g5_gdecoder_t *d, const g5_gvar_t **v)
{
    return decoder_next(d, v);
}

const char *g5_gdecoder_why(const g5_gdecoder_t *d) { return d->why; }

void g5_gdecoder_free(g5_gdecoder_t *d)
{
    if (!d) return;
    free(d->gt); free(d->ds); free(d->alleles); free(d->v.x); free(d->v.ploidy);
    free(d);
}

/* --- tables of the samples ------------------------------------------------ */

KHASH_MAP_INIT_STR(gname, int)

int g5_geno_table(const g5_geno_t *g, const char *path, const char *what,
                  int (*take)(void *ctx, int sample, const char *value, int lineno, char *why, size_t nwhy),
                  void *ctx, char *why, size_t nwhy)
{
    int n = g5_geno_nsamples(g), r = -1, lineno = 0;
    khash_t(gname) *ids = kh_init(gname);
    FILE *fp = fopen(path, "r");
    char *line = NULL;
    size_t mline = 0;
    ssize_t len;
    if (!ids || !fp) {
        g5_why(why, nwhy, "cannot read \"%s\": %s", path, strerror(ids ? errno : ENOMEM));
        goto done;
    }
    for (int i = 0; i < n; i++) {
        int absent;
        khint_t k = kh_put(gname, ids, g5_geno_sample(g, i), &absent);
        kh_val(ids, k) = i;
    }
    while ((len = getline(&line, &mline, fp)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (lineno == 1 || !*line) continue;    // the header
        char *value = strchr(line, '\t');
        if (!value) {
            g5_why(why, nwhy, "\"%s\" line %d: an IID and a %s are needed, separated by a tab", path, lineno, what);
            goto done;
        }
        *value++ = 0;
        char *end = strchr(value, '\t');
        if (end) *end = 0;
        khint_t k = kh_get(gname, ids, line);
        if (k == kh_end(ids)) {
            g5_why(why, nwhy, "\"%s\" line %d: sample \"%s\" is not in \"%s\"", path, lineno, line, g->path);
            goto done;
        }
        if (take(ctx, kh_val(ids, k), value, lineno, why, nwhy) < 0) goto done;
    }
    r = 0;
done:
    if (fp) fclose(fp);
    free(line);
    if (ids) kh_destroy(gname, ids);
    return r;
}

typedef struct groups {
    const char *path, *what;
    int *group, ngroups;
    char **names;
    khash_t(gname) *by_name;
} groups_t;

static int take_group(void *ctx, int sample, const char *value, int lineno, char *why, size_t nwhy)
{
    groups_t *gr = ctx;
    if (!*value)
        return g5_why(why, nwhy, "\"%s\" line %d: an IID and a %s are needed, separated by a tab", gr->path, lineno,
                      gr->what);
    khint_t k = kh_get(gname, gr->by_name, value);
    if (k == kh_end(gr->by_name)) {
        int absent;
        char **names = realloc(gr->names, (gr->ngroups + 1) * sizeof *names);
        if (!names) return g5_why(why, nwhy, "out of memory");
        gr->names = names;
        if (!(names[gr->ngroups] = strdup(value))) return g5_why(why, nwhy, "out of memory");
        k = kh_put(gname, gr->by_name, names[gr->ngroups], &absent);
        kh_val(gr->by_name, k) = gr->ngroups++;
    }
    gr->group[sample] = kh_val(gr->by_name, k);
    return 0;
}

int g5_geno_groups(const g5_geno_t *g, const char *path, const char *what, int *group, char ***names, int *ngroups,
                   char *why, size_t nwhy)
{
    groups_t gr = { path, what, group, 0, NULL, kh_init(gname) };
    for (int i = 0; i < g5_geno_nsamples(g); i++) group[i] = -1;
    int r = gr.by_name ? g5_geno_table(g, path, what, take_group, &gr, why, nwhy) : g5_why(why, nwhy, "out of memory");
    if (gr.by_name) kh_destroy(gname, gr.by_name);
    if (r < 0) {
        for (int i = 0; i < gr.ngroups; i++) free(gr.names[i]);
        free(gr.names);
        return -1;
    }
    *names = gr.names;
    *ngroups = gr.ngroups;
    return 0;
}

int g5_gvar_filter(const g5_gvar_t *v, int n, double max_missing, double min_maf)
{
    if (v->nalt != 1) return G5_GVAR_MULTIALLELIC;
    if (v->an != 2.0 * v->n) return G5_GVAR_NOT_DIPLOID;
    if (v->n == 0 || (double)(n - v->n) > max_missing * n) return G5_GVAR_CALLS;
    double p = v->ac / v->an;
    if ((p < 0.5 ? p : 1 - p) < min_maf) return G5_GVAR_MAF;
    return G5_GVAR_OK;
}
