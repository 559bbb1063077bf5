/*
 * disclose.c -- disclosure control: the policy, row rules, sample-set
 * digests and the ledger of released sets.  See disclose.h.
 */
#include "disclose.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include <openssl/evp.h>

#include "cli.h"
#include "fmt.h"
#include "out.h"

static const struct {
    const char *key;
    int is_fraction;
    size_t offset;
} keys[] = {
    { "min_mac", 0, offsetof(g5_policy_t, min_mac) },
    { "min_maf", 1, offsetof(g5_policy_t, min_maf) },
    { "min_n", 0, offsetof(g5_policy_t, min_n) },
    { "min_cases", 0, offsetof(g5_policy_t, min_cases) },
    { "min_controls", 0, offsetof(g5_policy_t, min_controls) },
    { "min_set_difference", 0, offsetof(g5_policy_t, min_set_difference) },
};

int g5_policy_read(const char *path, g5_policy_t *p, char *why, size_t nwhy)
{
    memset(p, 0, sizeof *p);
    p->min_set_difference = -1;
    FILE *fp = fopen(path, "r");
    if (!fp) return g5_why(why, nwhy, "cannot read the policy \"%s\": %s", path, strerror(errno));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, status = 0;
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        status = g5_why(why, nwhy, "libcrypto cannot compute SHA-256");
        goto done;
    }
    if (!(p->path = strdup(path))) {
        status = g5_why(why, nwhy, "out of memory");
        goto done;
    }
    while ((len = getline(&buf, &cap, fp)) > 0) {
        lineno++;
        EVP_DigestUpdate(md, buf, len);
        char *hash = strchr(buf, '#');
        if (hash) *hash = 0;
        char *key = strtok(buf, " \t\r\n"), *val = key ? strtok(NULL, " \t\r\n") : NULL;
        if (!key) continue;
        if (!val || strtok(NULL, " \t\r\n")) {
            status = g5_why(why, nwhy, "the policy \"%s\" line %d: \"%s\" needs exactly one value", path, lineno, key);
            goto done;
        }
        if (!strcmp(key, "ledger")) {
            // beside the policy file itself: a symbolic link to it (a
            // workflow's staged input) must not lead to another ledger
            free(p->ledger);
            char *real = realpath(path, NULL);
            const char *where = real ? real : path, *slash = strrchr(where, '/');
            kstring_t k = KS_INITIALIZE;
            if (val[0] != '/' && slash) kputsn(where, slash - where + 1, &k);
            kputs(val, &k);
            free(real);
            p->ledger = k.s;
            continue;
        }
        size_t i;
        for (i = 0; i < sizeof keys / sizeof *keys; i++)
            if (!strcmp(key, keys[i].key)) break;
        if (i == sizeof keys / sizeof *keys) {
            status = g5_why(why, nwhy, "the policy \"%s\" line %d: unknown rule \"%s\"", path, lineno, key);
            goto done;
        }
        char *end;
        double v = strtod(val, &end);
        if (end == val || *end || !(v >= 0) || !isfinite(v) || (keys[i].is_fraction ? v >= 0.5 : v != floor(v))) {
            status = g5_why(why, nwhy, "the policy \"%s\" line %d: %s \"%s\" is not %s", path, lineno, key, val,
                            keys[i].is_fraction ? "a frequency in [0, 0.5)" : "a count of 0 or more");
            goto done;
        }
        if (keys[i].is_fraction) *(double *)((char *)p + keys[i].offset) = v;
        else *(long long *)((char *)p + keys[i].offset) = (long long)v;
    }
    if (ferror(fp)) {
        status = g5_why(why, nwhy, "cannot read the policy \"%s\": %s", path, strerror(errno));
        goto done;
    }
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned nd = 0;
    EVP_DigestFinal_ex(md, d, &nd);
    g5_fmt_hex(d, nd, p->digest);
    if (p->min_set_difference < 0) p->min_set_difference = p->min_n;
done:
    EVP_MD_CTX_free(md);
    free(buf);
    fclose(fp);
    if (status < 0) g5_policy_free(p);
    return status;
}

void g5_policy_free(g5_policy_t *p)
{
    free(p->path);
    free(p->ledger);
    memset(p, 0, sizeof *p);
}

unsigned g5_policy_row(const g5_policy_t *p, double n, double eaf, double n_cases, double n_controls)
{
    unsigned broken = 0;
    double maf = eaf < 0.5 ? eaf : 1 - eaf;
    if (p->min_n && !(n >= p->min_n)) broken |= G5_POLICY_N;
    if (p->min_mac && !(round(2 * n * maf) >= p->min_mac)) broken |= G5_POLICY_MAC;
    if (p->min_maf > 0 && !(maf >= p->min_maf)) broken |= G5_POLICY_MAF;
    if (p->min_cases && !isnan(n_cases) && !(n_cases >= p->min_cases)) broken |= G5_POLICY_CASES;
    if (p->min_controls && !isnan(n_controls) && !(n_controls >= p->min_controls)) broken |= G5_POLICY_CONTROLS;
    return broken;
}

const char *g5_policy_rule_name(unsigned rule)
{
    switch (rule) {
    case G5_POLICY_N: return "min_n";
    case G5_POLICY_MAC: return "min_mac";
    case G5_POLICY_MAF: return "min_maf";
    case G5_POLICY_CASES: return "min_cases";
    case G5_POLICY_CONTROLS: return "min_controls";
    }
    return "?";
}

/* --- sample sets ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A sorted copy of the pointers (the strings are shared). */
static const char **sorted(const char *const *iid, int n)
{
    const char **s = malloc((n ? n : 1) * sizeof *s);
    if (!s) return NULL;
    if (n) {        // an empty set may come as NULL
        memcpy(s, iid, n * sizeof *s);
        qsort(s, n, sizeof *s, cmp_str);
    }
    return s;
}

int g5_sampleset_digest(const char *const *iid, int n, char hex[65])
{
    const char **s = sorted(iid, n);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = s && md && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    for (int i = 0; ok && i < n; i++) ok = EVP_DigestUpdate(md, s[i], strlen(s[i]) + 1);
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned nd = 0;
    if (ok) ok = EVP_DigestFinal_ex(md, d, &nd);
    if (ok) g5_fmt_hex(d, nd, hex);
    EVP_MD_CTX_free(md);
    free(s);
    return ok ? 0 : -1;
}

/* --- the ledger ----------------------------------------------------------- */

int g5_ledger_lock(const g5_policy_t *p, char *why, size_t nwhy)
{
    if (!p->ledger) return 0;
    kstring_t lock = KS_INITIALIZE;
    ksprintf(&lock, "%s.lock", p->ledger);
    // kept open (and so locked) until the process ends
    int fd = open(lock.s, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    int r = fd < 0 ? -1 : flock(fd, LOCK_EX);
    if (r < 0) g5_why(why, nwhy, "cannot lock the ledger (\"%s\"): %s", lock.s, strerror(errno));
    free(lock.s);
    return r;
}

int g5_ledger_read(const g5_policy_t *p, g5_ledger_t *l, char *why, size_t nwhy)
{
    memset(l, 0, sizeof *l);
    if (!p->ledger) return 0;
    FILE *fp = fopen(p->ledger, "r");
    if (!fp && errno == ENOENT)
        return g5_why(why, nwhy, "the ledger \"%s\" (policy \"%s\") does not exist: a ledger that went missing "
                      "would let released sets be released again nested; for a first release create it empty "
                      "(touch it)", p->ledger, p->path);
    if (!fp) return g5_why(why, nwhy, "cannot read the ledger \"%s\": %s", p->ledger, strerror(errno));
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, status = 0;
    while ((len = getline(&buf, &cap, fp)) > 0) {
        lineno++;
        if (buf[0] == '#') continue;
        if (buf[len - 1] == '\n') buf[--len] = 0;
        char *f[4], *s = buf;
        int k;
        for (k = 0; k < 4 && s; k++) {
            f[k] = s;
            if ((s = strchr(s, '\t'))) *s++ = 0;
        }
        if (k != 4 || strlen(f[0]) != 64) {
            status = g5_why(why, nwhy, "the ledger \"%s\" line %d: not digest, size, file and IDs", p->ledger,
                            lineno);
            break;
        }
        // the IDs, comma-separated
        int n = *f[3] ? 1 : 0;
        for (char *c = f[3]; *c; c++) n += *c == ',';
        char **ids = malloc((n ? n : 1) * sizeof *ids);
        if (!ids) {
            status = g5_why(why, nwhy, "out of memory");
            break;
        }
        char *save = NULL;
        int m = 0;
        for (char *id = strtok_r(f[3], ",", &save); id && m < n; id = strtok_r(NULL, ",", &save)) ids[m++] = id;
        if (m != n || atoll(f[1]) != n) {
            free(ids);
            status = g5_why(why, nwhy, "the ledger \"%s\" line %d: %s IDs listed where the size says %s",
                            p->ledger, lineno, m != n ? "empty" : "other than", f[1]);
            break;
        }
        char hex[65];
        if (g5_sampleset_digest((const char *const *)ids, n, hex) < 0 || strcmp(hex, f[0])) {
            free(ids);
            status = g5_why(why, nwhy, "the ledger \"%s\" line %d: the IDs do not match the digest", p->ledger,
                            lineno);
            break;
        }
        int r = g5_ledger_add(l, f[2], (const char *const *)ids, n);
        free(ids);
        if (r < 0) {
            status = g5_why(why, nwhy, "out of memory");
            break;
        }
    }
    if (!status && ferror(fp)) status = g5_why(why, nwhy, "cannot read the ledger \"%s\": %s", p->ledger,
                                                strerror(errno));
    free(buf);
    fclose(fp);
    if (status < 0) g5_ledger_free(l);
    return status;
}

/* |a \ b| and |b \ a| of two sorted lists. */
static void differences(const char *const *a, int na, const char *const *b, int nb, int *only_a, int *only_b)
{
    int i = 0, j = 0;
    *only_a = *only_b = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
        if (c < 0) ++*only_a, i++;
        else if (c > 0) ++*only_b, j++;
        else i++, j++;
    }
}

int g5_ledger_check(const g5_policy_t *p, const g5_ledger_t *l, const char *const *iid, int n, char *why,
                    size_t nwhy)
{
    const char **s = sorted(iid, n);
    if (!s) return g5_why(why, nwhy, "out of memory"), 1;
    int refused = 0;
    for (int k = 0; k < l->n && !refused; k++) {
        const struct g5_ledger_set *t = &l->set[k];
        int only_new, only_old;
        differences(s, n, (const char *const *)t->iid, t->nids, &only_new, &only_old);
        long long lim = p->min_set_difference;
        if ((only_new > 0 && only_new < lim) || (only_old > 0 && only_old < lim)) {
            int d = only_new > 0 && only_new < lim ? only_new : only_old;
            g5_why(why, nwhy, "its samples differ from those of \"%s\" by %d (%d added, %d left out), fewer than "
                   "min_set_difference %lld: the counts of one could be subtracted from the other's", t->file, d,
                   only_new, only_old, lim);
            refused = 1;
        }
    }
    free(s);
    return refused;
}

int g5_ledger_add(g5_ledger_t *l, const char *file, const char *const *iid, int n)
{
    char hex[65];
    if (g5_sampleset_digest(iid, n, hex) < 0) return -1;
    for (int k = 0; k < l->n; k++)
        if (!strcmp(l->set[k].digest, hex) && !strcmp(l->set[k].file, file)) return 0;
    if (l->n == l->m) {
        int m = l->m ? 2 * l->m : 8;
        struct g5_ledger_set *ns = realloc(l->set, m * sizeof *ns);
        if (!ns) return -1;
        l->set = ns;
        l->m = m;
    }
    // what the ledger's line could not hold
    int bad = strpbrk(file, "\t\n") != NULL;
    for (int i = 0; i < n && !bad; i++) bad = !*iid[i] || strpbrk(iid[i], ",\t\n");
    if (bad) {
        errno = EINVAL;
        return -1;
    }
    struct g5_ledger_set *t = &l->set[l->n];
    const char **s = sorted(iid, n);
    t->file = strdup(file);
    t->iid = calloc(n ? n : 1, sizeof *t->iid);
    int ok = s && t->file && t->iid;
    for (int i = 0; ok && i < n; i++) ok = (t->iid[i] = strdup(s[i])) != NULL;
    free(s);
    t->nids = n;
    memcpy(t->digest, hex, sizeof hex);
    l->n++;
    return ok ? 0 : -1;
}

static int write_ledger(FILE *fp, void *ctx)
{
    const g5_ledger_t *l = ctx;
    if (fputs("#digest\tsize\tfile\tsamples\n", fp) == EOF) return -1;
    for (int k = 0; k < l->n; k++) {
        const struct g5_ledger_set *t = &l->set[k];
        if (fprintf(fp, "%s\t%d\t%s\t", t->digest, t->nids, t->file) < 0) return -1;
        for (int i = 0; i < t->nids; i++)
            if ((i && fputc(',', fp) == EOF) || fputs(t->iid[i], fp) == EOF) return -1;
        if (fputc('\n', fp) == EOF) return -1;
    }
    return 0;
}

int g5_ledger_write(const g5_policy_t *p, const g5_ledger_t *l, char *why, size_t nwhy)
{
    if (!p->ledger) return 0;
    if (g5_out_text(p->ledger, write_ledger, (void *)l) < 0)
        return g5_why(why, nwhy, "cannot write the ledger \"%s\": %s", p->ledger, strerror(errno));
    return 0;
}

void g5_ledger_free(g5_ledger_t *l)
{
    for (int k = 0; k < l->n; k++) {
        for (int i = 0; i < l->set[k].nids; i++) free(l->set[k].iid[i]);
        free(l->set[k].iid);
        free(l->set[k].file);
    }
    free(l->set);
    memset(l, 0, sizeof *l);
}
