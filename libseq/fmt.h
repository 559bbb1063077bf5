/*
 * fmt.h -- numbers into text fast, exactly as printf would write them.
 *
 * DESIGN
 * A summary statistics file is mostly numbers: a hundred traits of a
 * million variants are half a billion of them, and printf's general
 * machinery (parsing the format, multi-precision arithmetic for every
 * digit) was the largest cost of writing them.  g5_fmt_g() writes what
 * "%.*g" writes, byte for byte: the value is scaled to an integer of PREC
 * digits with one multiplication by a power of ten and rounded; when the
 * scaled value is too close to a rounding boundary for a double to decide
 * (within 1e-6 of one half, about once in a hundred thousand numbers), or
 * the value is beyond the range handled, it asks snprintf -- so the output
 * never depends on this shortcut.
 */
#ifndef G5_FMT_H
#define G5_FMT_H

#include <htslib/kstring.h>

/**
 * Write @p x as snprintf(buf, 32, "%.*g", prec, x) does.
 * @param buf   at least 32 bytes
 * @param prec  significant digits, 1 to 15
 * @return the length written (without the NUL)
 */
int g5_fmt_g(char *buf, double x, int prec);

/** Append @p x as g5_fmt_g writes it to @p s, or "NA" for NaN (a table's missing value). */
void g5_fmt_kput(kstring_t *s, double x, int prec);

/**
 * Write @p n bytes as 2n lowercase hex digits and a NUL (a digest as
 * md5sum and sha256sum print it).
 * @param hex  at least 2n + 1 bytes
 */
void g5_fmt_hex(const unsigned char *bytes, size_t n, char *hex);

#endif
