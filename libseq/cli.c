/*
 * cli.c -- shared options, number parsing and the one error format.
 * See cli.h for the contract.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/hts_log.h>

void g5_opts_init(g5_opts_t *o, const char *tool)
{
    memset(o, 0, sizeof *o);
    o->tool = tool;
    o->out = "-";
    o->verbosity = 1;
    o->progress = -1;
    // htslib prints its own "[E::...]" lines; the tools say the same thing
    // once, in their own words.  --verbosity 3 brings htslib's back.
    hts_set_log_level(HTS_LOG_OFF);
}

static int bad_value(const g5_opts_t *o, const char *opt, const char *arg, const char *what)
{
    g5_err(o->tool, "invalid %s \"%s\": %s", opt, arg, what);
    return -1;
}

int g5_opts_parse(g5_opts_t *o, int c, const char *arg)
{
    long v;
    switch (c) {
    case '@':
        if (g5_parse_long(arg, 0, 1024, &v) < 0)
            return bad_value(o, "thread count", arg, "expected an integer from 0 to 1024");
        o->threads = (int)v;
        return 0;
    case 'o':
        if (!*arg) return bad_value(o, "output file", arg, "empty name");
        o->out = arg;
        return 0;
    case 'O':
        o->out_fmt = arg;
        return 0;
    case 'm':
        if (g5_parse_size(arg, &o->memory) < 0 || o->memory == 0)
            return bad_value(o, "memory size", arg, "expected a size such as 768M or 2G");
        return 0;
    case 'f':
        o->reference = arg;
        return 0;
    case 'r':
        o->region = arg;
        return 0;
    case G5_OPT_WRITE_INDEX:
        o->write_index = 1;
        return 0;
    case G5_OPT_NO_PG:
        o->no_pg = 1;
        return 0;
    case G5_OPT_VERBOSITY:
        if (g5_parse_long(arg, 0, 10, &v) < 0)
            return bad_value(o, "verbosity", arg, "expected an integer from 0 to 10");
        o->verbosity = (int)v;
        hts_set_log_level(v >= 3 ? HTS_LOG_WARNING : HTS_LOG_OFF);
        return 0;
    case G5_OPT_PROGRESS:
        o->progress = 1;
        return 0;
    case G5_OPT_NO_PROGRESS:
        o->progress = 0;
        return 0;
    default:
        return 1;
    }
}

/* The selector letter of a shared option, as g5_opts_help knows it. */
static int selector(int c)
{
    switch (c) {
    case '@': case 'o': case 'O': case 'm': case 'f': case 'r': return c;
    case G5_OPT_WRITE_INDEX: return 'w';
    case G5_OPT_NO_PG: return 'P';
    case G5_OPT_VERBOSITY: return 'v';
    case G5_OPT_PROGRESS: case G5_OPT_NO_PROGRESS: return 'p';
    default: return 0;
    }
}

int g5_opts_other(g5_opts_t *o, int c, char *argv[], const char *which)
{
    const char *arg = argv[optind - 1];
    if (c == ':') return g5_usage_error(o->tool, "option \"%s\" needs an argument", arg);
    if (c == '?') {
        if (optopt > 0 && optopt <= CHAR_MAX) return g5_usage_error(o->tool, "unknown option \"-%c\"", optopt);
        return g5_usage_error(o->tool, "unknown option \"%s\"", arg);
    }
    int sel = selector(c);
    if (!sel) return g5_usage_error(o->tool, "unknown option \"%s\"", arg);
    if (!strchr(which, sel))
        return g5_usage_error(o->tool, "option \"%s\" does not apply to g5 %s", arg, o->tool);
    return g5_opts_parse(o, c, optarg) == 0 ? G5_EXIT_OK : G5_EXIT_USAGE;
}

int g5_opts_one_input(const g5_opts_t *o, int argc, char *argv[],
                      void (*usage)(FILE *), const char **in)
{
    if (argc == 1) {
        usage(stderr);
        return G5_EXIT_USAGE;
    }
    if (optind == argc) return g5_usage_error(o->tool, "no input file");
    if (argc - optind > 1) return g5_usage_error(o->tool, "one input file only, got %d", argc - optind);
    *in = argv[optind];
    return G5_EXIT_OK;
}

void g5_opts_help(FILE *fp, const char *which)
{
    for (const char *w = which; *w; w++) {
        const char *line = NULL;
        switch (*w) {
        case '@': line = "  -@, --threads INT       additional threads [0]"; break;
        case 'o': line = "  -o, --output FILE       write to FILE [stdout]"; break;
        case 'O': line = "  -O, --output-fmt FMT    output format (sam, bam, cram, vcf, vcf.gz, bcf)\n"
                         "                          [guessed from the -o file name]"; break;
        case 'm': line = "  -m, --memory SIZE       total memory budget, e.g. 768M or 2G"; break;
        case 'f': line = "  -f, --reference FASTA   reference sequence (required for CRAM)"; break;
        case 'r': line = "  -r, --region REG        only REG (chr, chr:beg-end)"; break;
        case 'w': line = "      --write-index       write an index next to the output"; break;
        case 'P': line = "      --no-PG             do not add provenance (@PG, ##g5_*) records"; break;
        case 'v': line = "      --verbosity INT     0 quiet, 1 normal, 3 adds htslib's messages [1]"; break;
        case 'p': line = "      --[no-]progress     progress line on stderr [when stderr is a terminal]"; break;
        case 'h': line = "  -h, --help              print this help and exit"; break;
        }
        if (line) fprintf(fp, "%s\n", line);
    }
}

/* --- numbers --------------------------------------------------------- */

int g5_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s)) { errno = EINVAL; return -1; }
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end) { errno = EINVAL; return -1; }
    if (errno == ERANGE || v < min || v > max) { errno = ERANGE; return -1; }
    *out = v;
    return 0;
}

int g5_parse_int_list(const char *s, int min, int max, int **out)
{
    int n = 1;
    for (const char *c = s; *c; c++) n += *c == ',';
    int *v = malloc(n * sizeof *v);
    char *copy = strdup(s);
    if (!v || !copy) {
        free(v);
        free(copy);
        errno = ENOMEM;
        return -1;
    }
    int i = 0;
    for (char *f = copy, *comma; ; f = comma + 1) {
        if ((comma = strchr(f, ','))) *comma = '\0';
        long x;
        if (g5_parse_long(f, min, max, &x) < 0) {
            free(v);
            free(copy);
            return -1;
        }
        v[i++] = (int)x;
        if (!comma) break;
    }
    free(copy);
    *out = v;
    return n;
}

int g5_parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s)) { errno = EINVAL; return -1; }
    errno = 0;
    double v = strtod(s, &end);
    if (*end || isnan(v)) { errno = EINVAL; return -1; }
    if (errno == ERANGE || !isfinite(v) || v < min || v > max) { errno = ERANGE; return -1; }
    *out = v;
    return 0;
}

int g5_parse_size(const char *s, size_t *bytes)
{
    char *end;
    if (!s || !isdigit((unsigned char)*s)) { errno = EINVAL; return -1; }
    errno = 0;
    double v = strtod(s, &end);
    if (errno == ERANGE) return -1;
    double scale = 1;
    switch (toupper((unsigned char)*end)) {
    case 'K': scale = 1024.0; end++; break;
    case 'M': scale = 1024.0 * 1024; end++; break;
    case 'G': scale = 1024.0 * 1024 * 1024; end++; break;
    case 'T': scale = 1024.0 * 1024 * 1024 * 1024; end++; break;
    }
    // Accept the spellings people use: 2G, 2GB, 2GiB (all binary units).
    if (scale > 1) {
        if (toupper((unsigned char)end[0]) == 'I' && toupper((unsigned char)end[1]) == 'B') end += 2;
        else if (toupper((unsigned char)end[0]) == 'B') end++;
    }
    if (*end) { errno = EINVAL; return -1; }
    v *= scale;
    if (v >= (double)SIZE_MAX) { errno = ERANGE; return -1; }
    *bytes = (size_t)v;
    return 0;
}

/* --- messages -------------------------------------------------------- */

static void vreport(const char *tool, const char *kind, int errnum,
                    const char *fmt, va_list ap)
{
    fflush(stdout);  // keep the order a person sees when both go to a tty
    if (tool) fprintf(stderr, "g5 %s: %s", tool, kind);
    else fprintf(stderr, "g5: %s", kind);
    vfprintf(stderr, fmt, ap);
    if (errnum) fprintf(stderr, ": %s", strerror(errnum));
    fputc('\n', stderr);
}

void g5_err(const char *tool, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(tool, "", 0, fmt, ap);
    va_end(ap);
}

void g5_err_errno(const char *tool, const char *fmt, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    vreport(tool, "", e, fmt, ap);
    va_end(ap);
}

void g5_warn(const char *tool, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(tool, "warning: ", 0, fmt, ap);
    va_end(ap);
}

void g5_info(const char *tool, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(tool, "", 0, fmt, ap);
    va_end(ap);
}

int g5_usage_error(const char *tool, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(tool, "", 0, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'g5 %s -h' for more information.\n", tool ? tool : "help");
    return G5_EXIT_USAGE;
}

int g5_why(char *why, size_t n, const char *fmt, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    errno = e;
    return -1;
}

int g5_finish(const char *tool, int status)
{
    // EBADF: stdout was already closed on purpose (e.g. by a test harness).
    if (fclose(stdout) != 0 && errno != EBADF) {
        g5_err_errno(tool, "cannot write to standard output");
        return G5_EXIT_DATA;
    }
    return status;
}
