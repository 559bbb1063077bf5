/*
 * tap.h -- a tiny TAP producer for the C unit tests of libseq (t_*.c).
 *
 *   #include "tap.h"
 *   int main(void) {
 *       is_int(g5_parse_size("2G", &n), 0, "2G parses");
 *       ok(n == 2147483648u, "2G is 2^31 bytes");
 *       return tap_done();
 *   }
 *
 * Each check prints "ok N - desc" or "not ok N - desc" (with the values it
 * compared on stderr as "# ..." diagnostics); tap_done() prints the plan and
 * returns the exit status prove expects.  Header-only and static so each test
 * is one translation unit.
 */
#ifndef G5_TAP_H
#define G5_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int tap_result(int pass, const char *fmt, va_list ap)
{
    fflush(stderr);
    printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
    if (!pass) tap_failed++;
    return pass;
}

static __attribute__((format(printf, 2, 3))) int ok(int pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_result(pass, fmt, ap);
    va_end(ap);
    return pass;
}

#define is_int(got, want, ...) do { \
        long long g_ = (long long)(got), w_ = (long long)(want); \
        if (!ok(g_ == w_, __VA_ARGS__)) \
            fprintf(stderr, "#   got %lld, expected %lld\n", g_, w_); \
    } while (0)

#define is_str(got, want, ...) do { \
        const char *g_ = (got), *w_ = (want); \
        if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, __VA_ARGS__)) \
            fprintf(stderr, "#   got '%s', expected '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
    } while (0)

static int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
