/*
 * digest.h -- MD5 and SHA-256 of memory and of files, as md5sum and
 * sha256sum print them.
 *
 * DESIGN
 * GWAS-SSF's sidecar names its data file's MD5; a release manifest lists
 * each file's SHA-256.  Both come from OpenSSL's EVP interface (libcrypto),
 * not from home-made code, and a file is read once in 1 MB blocks --
 * optionally written to a copy in the same pass (g5 release hashes what it
 * copies, not the source a second time).
 */
#ifndef G5_DIGEST_H
#define G5_DIGEST_H

#include <stddef.h>

/** The algorithms. */
enum g5_digest {
    G5_MD5 = 0,             /**< 32 hex digits */
    G5_SHA256 = 1,          /**< 64 hex digits */
};

/**
 * Digest of a memory buffer, as lowercase hex digits and a NUL.
 * @param hex  33 bytes for MD5, 65 for SHA-256
 * @return 0, or -1 (libcrypto refused, e.g. MD5 in FIPS mode)
 */
int g5_digest_buf(int kind, const void *buf, size_t n, char *hex);

/** A digest computed piece by piece, of bytes as they are written. */
typedef struct g5_digest_ctx g5_digest_ctx_t;

/** Start one.  @return it, or NULL (out of memory, or libcrypto refused) */
g5_digest_ctx_t *g5_digest_begin(int kind);

/** Add @p n bytes.  @return 0, or -1 (libcrypto failed) */
int g5_digest_add(g5_digest_ctx_t *c, const void *buf, size_t n);

/** The digest of all added, as lowercase hex and a NUL; frees @p c.  @return 0, or -1 */
int g5_digest_end(g5_digest_ctx_t *c, char *hex);

/** Give one up unfinished.  NULL is a no-op. */
void g5_digest_free(g5_digest_ctx_t *c);

/**
 * Digest of all that can be read from @p in, writing it to @p out as well
 * when out >= 0.
 * @param src, dst  the files' names, for messages
 * @param size      set to the bytes read, or NULL
 * @return 0; -1 with @p why set
 */
int g5_digest_fd(int kind, int in, const char *src, int out, const char *dst, char *hex, long long *size,
                 char *why, size_t nwhy);

/**
 * Digest (and size, unless NULL) of a file's contents.
 * @return 0; -1 with @p why set
 */
int g5_digest_file(int kind, const char *path, char *hex, long long *size, char *why, size_t nwhy);

#endif
