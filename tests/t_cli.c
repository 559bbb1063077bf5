/* t_cli.c -- number and size parsing, shared options. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "tap.h"
#include "cli.h"

static void test_long(void)
{
    long v = -1;
    is_int(g5_parse_long("42", 0, 100, &v), 0, "42 parses");
    is_int(v, 42, "42 is 42");
    is_int(g5_parse_long("-7", -10, 10, &v), 0, "negative in range");
    is_int(v, -7, "-7 is -7");
    is_int(g5_parse_long("101", 0, 100, &v), -1, "above max rejected");
    is_int(errno, ERANGE, "above max is ERANGE");
    is_int(g5_parse_long("12x", 0, 100, &v), -1, "trailing garbage rejected");
    is_int(errno, EINVAL, "trailing garbage is EINVAL");
    is_int(g5_parse_long("", 0, 100, &v), -1, "empty string rejected");
    is_int(g5_parse_long(" 5", 0, 100, &v), -1, "leading blank rejected");
    is_int(g5_parse_long("99999999999999999999999", 0, 100, &v), -1, "overflow rejected");
    is_int(errno, ERANGE, "overflow is ERANGE");
}

static void test_double(void)
{
    double d = 0;
    is_int(g5_parse_double("0.25", 0, 1, &d), 0, "0.25 parses");
    ok(d == 0.25, "0.25 is 0.25");
    is_int(g5_parse_double("1e-3", 0, 1, &d), 0, "exponent form parses");
    ok(d == 1e-3, "1e-3 is 0.001");
    is_int(g5_parse_double("nan", 0, 1, &d), -1, "nan rejected");
    is_int(g5_parse_double("inf", 0, 1e300, &d), -1, "inf rejected");
    is_int(g5_parse_double("1.5", 0, 1, &d), -1, "out of range rejected");
    is_int(g5_parse_double("0.5.", 0, 1, &d), -1, "trailing dot rejected");
}

static void test_size(void)
{
    size_t n = 0;
    is_int(g5_parse_size("768M", &n), 0, "768M parses");
    is_int(n, 768ull << 20, "768M is 768 MiB");
    is_int(g5_parse_size("2G", &n), 0, "2G parses");
    is_int(n, 2ull << 30, "2G is 2 GiB");
    is_int(g5_parse_size("2g", &n), 0, "lowercase suffix");
    is_int(n, 2ull << 30, "2g is 2 GiB");
    is_int(g5_parse_size("1.5G", &n), 0, "fractional size");
    is_int(n, 3ull << 29, "1.5G is 1.5 GiB");
    is_int(g5_parse_size("4096", &n), 0, "plain bytes");
    is_int(n, 4096, "4096 is 4096 bytes");
    is_int(g5_parse_size("512KiB", &n), 0, "KiB spelling");
    is_int(n, 512 << 10, "512KiB is 512 KiB");
    is_int(g5_parse_size("3GB", &n), 0, "GB spelling");
    is_int(n, 3ull << 30, "3GB is 3 GiB");
    is_int(g5_parse_size("2X", &n), -1, "unknown suffix rejected");
    is_int(g5_parse_size("G", &n), -1, "suffix alone rejected");
    is_int(g5_parse_size("-1G", &n), -1, "negative size rejected");
    is_int(g5_parse_size("", &n), -1, "empty size rejected");
    is_int(g5_parse_size("99999999999T", &n), -1, "overflowing size rejected");
}

static void test_opts(void)
{
    g5_opts_t o;
    g5_opts_init(&o, "test");
    is_str(o.out, "-", "default output is stdout");
    is_int(o.threads, 0, "no extra threads by default");
    is_int(o.progress, -1, "progress is automatic by default");
    is_int(g5_opts_parse(&o, '@', "3"), 0, "-@ 3 handled");
    is_int(o.threads, 3, "-@ 3 sets three threads");
    is_int(g5_opts_parse(&o, 'm', "2G"), 0, "-m 2G handled");
    is_int(o.memory, 2ull << 30, "-m 2G sets 2 GiB");
    is_int(g5_opts_parse(&o, G5_OPT_WRITE_INDEX, NULL), 0, "--write-index handled");
    is_int(o.write_index, 1, "--write-index set");
    is_int(g5_opts_parse(&o, G5_OPT_NO_PROGRESS, NULL), 0, "--no-progress handled");
    is_int(o.progress, 0, "--no-progress set");
    is_int(g5_opts_parse(&o, 'x', "1"), 1, "a tool's own option is passed back");
    // The invalid ones are reported on stderr: catch the words in a file.
    FILE *err = tmpfile();
    int saved = dup(2);
    fflush(stderr);
    dup2(fileno(err), 2);
    int r1 = g5_opts_parse(&o, '@', "two");
    int r2 = g5_opts_parse(&o, '@', "-1");
    int r3 = g5_opts_parse(&o, 'm', "0");
    int r4 = g5_opts_parse(&o, G5_OPT_VERBOSITY, "11");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    is_int(r1, -1, "-@ two rejected");
    is_int(r2, -1, "-@ -1 rejected");
    is_int(r3, -1, "-m 0 rejected");
    is_int(r4, -1, "--verbosity 11 rejected");
    char line[256] = "";
    rewind(err);
    ok(fgets(line, sizeof line, err) != NULL, "the rejection is reported");
    is_str(line, "g5 test: invalid thread count \"two\": expected an integer from 0 to 1024\n",
           "as one line: tool, what, value, what was expected");
    fclose(err);
}

int main(void)
{
    test_long();
    test_double();
    test_size();
    test_opts();
    return tap_done();
}
