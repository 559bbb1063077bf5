/*
 * fmt.c -- "%.*g" without printf.  See fmt.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

static int by_printf(char *buf, double x, int prec)
{
    return snprintf(buf, 32, "%.*g", prec, x);
}

int g5_fmt_g(char *buf, double x, int prec)
{
    static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                    1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
    if (prec < 1 || prec > 15 || !isfinite(x) || x == 0) return by_printf(buf, x, prec);
    double a = fabs(x);
    // the decimal exponent from the binary one (no log10), perhaps one
    // low; the scaled value then has prec digits, or is put right below
    int e2;
    frexp(a, &e2);
    int e = (int)floor((e2 - 1) * 0.30102999566398120), s = prec - 1 - e;
    if (s > 22 || s < -22) return by_printf(buf, x, prec);
    double m = s >= 0 ? a * pow10[s] : a / pow10[-s];
    double lo = pow10[prec - 1], hi = pow10[prec];
    if (m >= hi) {
        e++, s--;
        if (s < -22) return by_printf(buf, x, prec);
        m = s >= 0 ? a * pow10[s] : a / pow10[-s];
    } else if (m < lo) {
        e--, s++;
        if (s > 22) return by_printf(buf, x, prec);
        m = s >= 0 ? a * pow10[s] : a / pow10[-s];
    }
    double r = floor(m), frac = m - r;
    // a double cannot tell which side of one half the exact product is on
    // (the multiplication rounded): printf's exact arithmetic decides
    if (fabs(frac - 0.5) < 1e-6) return by_printf(buf, x, prec);
    long long n = (long long)r + (frac > 0.5);
    if (n >= (long long)hi) {       // 9.9999995 rounding up to 10.00000
        n /= 10;
        e++;
    }
    if (n < (long long)lo) return by_printf(buf, x, prec);
    char dig[20];
    for (int i = prec - 1; i >= 0; i--, n /= 10) dig[i] = (char)('0' + n % 10);
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
        for (int i = 0; i < -e - 1; i++) *o++ = '0';
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
