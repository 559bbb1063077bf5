/*
 * digest.c -- MD5 and SHA-256 through libcrypto's EVP interface.  See digest.h.
 */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cli.h"
#include "fmt.h"

static const EVP_MD *algorithm(int kind, const char **name, unsigned *len)
{
    *name = kind == G5_SHA256 ? "SHA-256" : "MD5";
    *len = kind == G5_SHA256 ? 32 : 16;
    return kind == G5_SHA256 ? EVP_sha256() : EVP_md5();
}

int g5_digest_buf(int kind, const void *buf, size_t n, char *hex)
{
    const char *name;
    unsigned want, len = 0;
    const EVP_MD *md = algorithm(kind, &name, &want);
    unsigned char d[EVP_MAX_MD_SIZE];
    if (!EVP_Digest(buf, n, d, &len, md, NULL) || len != want) return -1;
    g5_fmt_hex(d, len, hex);
    return 0;
}

struct g5_digest_ctx {
    EVP_MD_CTX *md;
    unsigned len;           // the digest's bytes
};

g5_digest_ctx_t *g5_digest_begin(int kind)
{
    const char *name;
    unsigned len;
    const EVP_MD *md = algorithm(kind, &name, &len);
    g5_digest_ctx_t *c = calloc(1, sizeof *c);
    if (!c || !(c->md = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(c->md, md, NULL)) {
        g5_digest_free(c);
        return NULL;
    }
    c->len = len;
    return c;
}

int g5_digest_add(g5_digest_ctx_t *c, const void *buf, size_t n)
{
    return EVP_DigestUpdate(c->md, buf, n) ? 0 : -1;
}

int g5_digest_end(g5_digest_ctx_t *c, char *hex)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    int ok = EVP_DigestFinal_ex(c->md, d, &len) && len == c->len;
    if (ok) g5_fmt_hex(d, len, hex);
    g5_digest_free(c);
    return ok ? 0 : -1;
}

void g5_digest_free(g5_digest_ctx_t *c)
{
    if (!c) return;
    EVP_MD_CTX_free(c->md);
    free(c);
}

int g5_digest_fd(int kind, int in, const char *src, int out, const char *dst, char *hex, long long *size,
                 char *why, size_t nwhy)
{
    static const size_t chunk = 1 << 20;
    const char *name;
    unsigned want;
    algorithm(kind, &name, &want);
    g5_digest_ctx_t *c = g5_digest_begin(kind);
    unsigned char *block = malloc(chunk);
    long long total = 0;
    int r = -1;
    if (!c || !block) {
        g5_why(why, nwhy, c ? "out of memory" : "%s is not available from libcrypto", name);
        goto end;
    }
    for (;;) {
        ssize_t got = read(in, block, chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            g5_why(why, nwhy, "cannot read \"%s\": %s", src, strerror(errno));
            goto end;
        }
        if (got == 0) break;
        if (g5_digest_add(c, block, (size_t)got) < 0) {
            g5_why(why, nwhy, "%s of \"%s\" failed in libcrypto", name, src);
            goto end;
        }
        for (ssize_t done = 0; out >= 0 && done < got;) {
            ssize_t w = write(out, block + done, got - done);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                g5_why(why, nwhy, "cannot write \"%s\": %s", dst, strerror(errno));
                goto end;
            }
            done += w;
        }
        total += got;
    }
    r = g5_digest_end(c, hex);
    c = NULL;
    if (r < 0) g5_why(why, nwhy, "%s of \"%s\" failed in libcrypto", name, src);
    else if (size) *size = total;
end:
    g5_digest_free(c);
    free(block);
    return r;
}

int g5_digest_file(int kind, const char *path, char *hex, long long *size, char *why, size_t nwhy)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return g5_why(why, nwhy, "cannot read \"%s\": %s", path, strerror(errno));
    int r = g5_digest_fd(kind, fd, path, -1, NULL, hex, size, why, nwhy);
    close(fd);
    return r;
}
