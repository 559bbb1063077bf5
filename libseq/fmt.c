/*
 * fmt.c -- "%.*g" without printf.  See fmt.h.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

static int by_printf(char *buf, double x, int prec)
{
    return snprintf(buf, 32, "%.*g", prec, x);
}

/* Powers of ten: exact as doubles up to 1e22, as integers up to 1e15. */
static const double pow10_f[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
                                  1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
static const long long pow10_i[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
                                     1000000000, 10000000000, 100000000000, 1000000000000,
                                     10000000000000, 100000000000000, 1000000000000000 };
/* Two digits at a time: the digit loop's divisions were a quarter of the time. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static double scaled(double a, int s)
{
    return s >= 0 ? a * pow10_f[s] : a / pow10_f[-s];
}

int g5_fmt_g(char *buf, double x, int prec)
{
    if (prec < 1 || prec > 15 || !isfinite(x) || x == 0) return by_printf(buf, x, prec);
    double a = fabs(x);
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int biased = (int)(bits >> 52);
    if (biased == 0) return by_printf(buf, x, prec);        // subnormal
    // The decimal exponent from the binary one, floor(log10(2) * e) as a
    // multiply and shift (1233 / 4096): perhaps one off either way; the
    // scaled value then has prec digits, or is put right below.
    int e = ((biased - 1023) * 1233) >> 12, s = prec - 1 - e;
    if (s > 22 || s < -22) return by_printf(buf, x, prec);
    double m = scaled(a, s);
    if (m >= (double)pow10_i[prec]) {
        e++, s--;
        if (s < -22) return by_printf(buf, x, prec);
        m = scaled(a, s);
    } else if (m < (double)pow10_i[prec - 1]) {
        e--, s++;
        if (s > 22) return by_printf(buf, x, prec);
        m = scaled(a, s);
    }
    long long n = (long long)m;     // m > 0: truncation is floor
    double frac = m - (double)n;
    // a double cannot tell which side of one half the exact product is on
    // (the multiplication rounded): printf's exact arithmetic decides
    if (fabs(frac - 0.5) < 1e-6) return by_printf(buf, x, prec);
    n += frac > 0.5;
    if (n >= pow10_i[prec]) {       // 9.9999995 rounding up to 10.00000
        n /= 10;
        e++;
    }
    if (n < pow10_i[prec - 1]) return by_printf(buf, x, prec);
    char dig[16];
    int i = prec;
    for (; i >= 2; n /= 100) {
        i -= 2;
        memcpy(dig + i, digit_pairs + 2 * (n % 100), 2);
    }
    if (i) dig[0] = (char)('0' + n);
    int nd = prec;
    char *o = buf;
    if (x < 0) *o++ = '-';
    if (e < -4 || e >= prec) {      // d.ddde+XX, trailing zeros dropped
        while (nd > 1 && dig[nd - 1] == '0') nd--;
        *o++ = dig[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, nd - 1);
            o += nd - 1;
        }
        *o++ = 'e';
        *o++ = e < 0 ? '-' : '+';
        int ae = e < 0 ? -e : e;
        if (ae >= 100) *o++ = (char)('0' + ae / 100);
        *o++ = (char)('0' + ae / 10 % 10);
        *o++ = (char)('0' + ae % 10);
    } else if (e >= 0) {            // ddd.ddd
        int ip = e + 1;
        while (nd > ip && dig[nd - 1] == '0') nd--;
        memcpy(o, dig, ip);
        o += ip;
        if (nd > ip) {
            *o++ = '.';
            memcpy(o, dig + ip, nd - ip);
            o += nd - ip;
        }
    } else {                        // 0.000ddd
        while (nd > 1 && dig[nd - 1] == '0') nd--;
        *o++ = '0';
        *o++ = '.';
        for (int k = 0; k < -e - 1; k++) *o++ = '0';
        memcpy(o, dig, nd);
        o += nd;
    }
    *o = 0;
    return (int)(o - buf);
}

void g5_fmt_kput(kstring_t *s, double x, int prec)
{
    char buf[32];
    if (isnan(x)) kputs("NA", s);
    else kputsn(buf, g5_fmt_g(buf, x, prec), s);
}

void g5_fmt_hex(const unsigned char *bytes, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 15];
    }
    hex[2 * n] = 0;
}
