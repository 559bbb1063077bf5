/* t_fmt.c -- g5_fmt_g against snprintf("%.*g"): hand-picked edges (powers
 * of ten, values rounding up to the next power, the %g switch between fixed
 * and exponent forms, ties, subnormals, negatives) and two million values
 * drawn over the whole range of doubles, at 7 significant digits and others. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "fmt.h"

static uint64_t seed = 0x2545F4914F6CDD1DULL;

static uint64_t next(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static int same(double x, int prec, char *got, char *want)
{
    int n = g5_fmt_g(got, x, prec);
    snprintf(want, 32, "%.*g", prec, x);
    return n == (int)strlen(got) && !strcmp(got, want);
}

int main(void)
{
    char got[32], want[32];
    const double edges[] = {
        1, 10, 100, 1e6, 1e7, 1e-4, 1e-5, 0.0001, 9999999, 99999995, 9.9999995, 9.99999949, 0.99999995, 1234567.5,
        0.1234567891, -1.5, 2e-8, 3.3e-9, 3.14159265e-12, 1e-250, 4.940656458412465e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, 0.5, 0.25, 0.125, 1.0000005, 123456.75, 5e-324, 1e22, 1e23, 0.00012345675, 65536,
        -0.0, 0, 12.34567, 1e-300, 3.2e-300, 0.3, 2.675, 1.2345675e-10,
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
        for (int prec = 1; prec <= 15; prec++)
            if (!same(edges[i], prec, got, want)) {
                if (bad++ < 5) fprintf(stderr, "# %.17g at %d: got %s, want %s\n", edges[i], prec, got, want);
            }
    ok(!bad, "%zu edge values at 1 to 15 digits", sizeof edges / sizeof *edges);

    bad = 0;
    long tried = 0;
    for (int i = 0; i < 2000000; i++) {
        uint64_t bits = next();
        double x;
        if (i % 2) {                // any finite double
            memcpy(&x, &bits, sizeof x);
            if (!isfinite(x)) continue;
        } else {                    // statistics' range: 1e-12 .. 1e6, often short decimals
            x = ldexp((double)(bits >> 11), -53) * pow(10, (int)(next() % 19) - 12);
            if (i % 4 == 0) x = round(x * 1e4) / 1e4;
        }
        int prec = i % 3 ? 7 : 1 + (int)(next() % 15);
        tried++;
        if (!same(x, prec, got, want) && bad++ < 5) fprintf(stderr, "# %.17g at %d: got %s, want %s\n", x, prec, got, want);
    }
    ok(!bad, "%ld values drawn over the doubles: the same as printf (%d differ)", tried, bad);
    ok(g5_fmt_g(got, 1e-250, 7) == 6 && !strcmp(got, "1e-250"), "1e-250");
    ok(g5_fmt_g(got, 0.1234567891, 7) == 9 && !strcmp(got, "0.1234568"), "0.1234568");
    return tap_done();
}
