/*
 * cli.h -- the command-line contract shared by every g5 tool.
 *
 * DESIGN
 * Every tool spells its common options the same way (see shared/DESIGN.md §3):
 * -@/--threads, -o, -O/--output-fmt, -m/--memory, -f/--reference, -r/--region,
 * --write-index, --no-PG, --verbosity, --progress/--no-progress.  A tool lists
 * the ones it accepts in a short selector string ("@oOmfrwPvp", see
 * g5_opts_help) and splices G5_OPTS_LONG into its own getopt_long table; in its
 * option loop the default branch hands the character to g5_opts_parse().
 *
 * Errors are one line on stderr, "g5 TOOL: message[: strerror]", lowercase,
 * no final full stop.  Nothing in libseq prints or exits on its own: modules
 * return a negative value (or NULL) and set errno; the tool reports once and
 * leaves through its single exit path with one of the G5_EXIT_* codes.
 */
#ifndef G5_CLI_H
#define G5_CLI_H

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** Process exit codes (DESIGN.md §3). */
enum g5_exit {
    G5_EXIT_OK = 0,     /**< success */
    G5_EXIT_DATA = 1,   /**< bad data or I/O failure */
    G5_EXIT_USAGE = 2,  /**< usage error: bad option or argument */
};

/** Long-only options shared by all tools.  Numbered above CHAR_MAX so they
 *  never collide with a short option letter; tools number their own
 *  long-only options from G5_OPT_TOOL_BASE. */
enum g5_opt_id {
    G5_OPT_WRITE_INDEX = CHAR_MAX + 1,
    G5_OPT_NO_PG,
    G5_OPT_VERBOSITY,
    G5_OPT_PROGRESS,
    G5_OPT_NO_PROGRESS,
    G5_OPT_TOOL_BASE = CHAR_MAX + 64,
};

/** Options common to all tools, filled by g5_opts_parse(). */
typedef struct g5_opts {
    const char *tool;       /**< tool name for messages, e.g. "stats" */
    int threads;            /**< -@: additional threads (0 = main thread only) */
    const char *out;        /**< -o: output file, "-" (the default) is stdout */
    const char *out_fmt;    /**< -O: output format as given, NULL = guess from -o */
    size_t memory;          /**< -m: total memory budget in bytes, 0 = tool default */
    const char *reference;  /**< -f/--reference: FASTA */
    const char *region;     /**< -r/--region */
    int write_index;        /**< --write-index */
    int no_pg;              /**< --no-PG: no provenance records */
    int verbosity;          /**< --verbosity: 0 quiet, 1 normal (default), 2+ chatty */
    int progress;           /**< -1 auto (stderr is a tty), 0 never, 1 always */
} g5_opts_t;

/** getopt_long entries for the shared options; splice into a tool's table.
 *  Each tool also lists the matching letters in its optstring ("@:o:O:m:f:r:"). */
#define G5_OPTS_LONG \
    {"threads", required_argument, NULL, '@'}, \
    {"output", required_argument, NULL, 'o'}, \
    {"output-fmt", required_argument, NULL, 'O'}, \
    {"memory", required_argument, NULL, 'm'}, \
    {"reference", required_argument, NULL, 'f'}, \
    {"region", required_argument, NULL, 'r'}, \
    {"write-index", no_argument, NULL, G5_OPT_WRITE_INDEX}, \
    {"no-PG", no_argument, NULL, G5_OPT_NO_PG}, \
    {"verbosity", required_argument, NULL, G5_OPT_VERBOSITY}, \
    {"progress", no_argument, NULL, G5_OPT_PROGRESS}, \
    {"no-progress", no_argument, NULL, G5_OPT_NO_PROGRESS}, \
    {"help", no_argument, NULL, 'h'}

/**
 * Set the defaults: no extra threads, stdout, auto progress, verbosity 1.
 * @param o     options to initialise
 * @param tool  tool name used in messages ("stats")
 */
void g5_opts_init(g5_opts_t *o, const char *tool);

/**
 * Apply one shared option returned by getopt_long.
 * @param o    options to update
 * @param c    the option character or G5_OPT_* id
 * @param arg  its argument (optarg), or NULL
 * @return 0 if handled; 1 if @p c is not a shared option (the tool's own
 *         or unknown); -1 if the argument is invalid (already reported)
 */
int g5_opts_parse(g5_opts_t *o, int c, const char *arg);

/**
 * Handle everything in a tool's getopt_long loop that is not the tool's
 * own option: the shared options it accepts, getopt's ':' (missing
 * argument) and '?' (unknown option), and shared options it does not take.
 * A tool's switch ends with
 *     default: if ((r = g5_opts_other(&a->o, c, argv, "@of")) != G5_EXIT_OK) return r;
 * (with opterr = 0, so that getopt does not print its own message).
 * @param o      options to update
 * @param c      what getopt_long returned
 * @param argv   the tool's argv, for naming the offending argument
 * @param which  the shared options the tool accepts, as for g5_opts_help
 * @return G5_EXIT_OK if handled; G5_EXIT_USAGE after reporting the error
 */
int g5_opts_other(g5_opts_t *o, int c, char *argv[], const char *which);

/**
 * After the option loop of a tool that reads exactly one input: take it,
 * or report why not.  With no arguments at all the usage goes to stderr.
 * @param o      the tool's options (for its name)
 * @param argc   the tool's argc
 * @param argv   the tool's argv; optind points past the options
 * @param usage  the tool's usage printer
 * @param in     set to the input file name
 * @return G5_EXIT_OK, or G5_EXIT_USAGE after reporting the error
 */
int g5_opts_one_input(const g5_opts_t *o, int argc, char *argv[],
                      void (*usage)(FILE *), const char **in);

/**
 * Print help lines for the shared options a tool accepts.
 * @param fp     stream to print to
 * @param which  selector letters, in print order: '@' threads, 'o' output,
 *               'O' output format, 'm' memory, 'f' reference, 'r' region,
 *               'w' --write-index, 'P' --no-PG, 'v' --verbosity,
 *               'p' --progress/--no-progress; 'h' -h/--help
 */
void g5_opts_help(FILE *fp, const char *which);

/**
 * Parse a whole string as a decimal integer in [min, max].
 * Leading blanks and trailing garbage ("12x", "", " ") are rejected.
 * @return 0 and *out set on success; -1 with errno EINVAL or ERANGE
 */
int g5_parse_long(const char *s, long min, long max, long *out);

/**
 * Parse comma-separated integers, each in [min, max] ("1,10,20,30").
 * @param out  receives a malloc'ed array (nothing on failure)
 * @return how many, or -1 with errno EINVAL, ERANGE or ENOMEM
 */
int g5_parse_int_list(const char *s, int min, int max, int **out);

/**
 * Parse a whole string as a finite double in [min, max].
 * @return 0 and *out set on success; -1 with errno EINVAL or ERANGE
 */
int g5_parse_double(const char *s, double min, double max, double *out);

/**
 * Parse a memory size: digits with an optional fraction and an optional
 * binary suffix K, M, G, T (case-insensitive, optional trailing "B" or
 * "iB"): "768M", "2G", "1.5g", "4096".
 * @return 0 and *bytes set on success; -1 with errno EINVAL or ERANGE
 */
int g5_parse_size(const char *s, size_t *bytes);

/**
 * Report an error: flush stdout, then print "g5 TOOL: MESSAGE\n" on stderr.
 * @param tool  tool name, or NULL for the bare "g5: " prefix
 * @param fmt   printf-style message, no trailing newline
 */
void g5_err(const char *tool, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Like g5_err, followed by ": strerror(errno)" for the errno at entry. */
void g5_err_errno(const char *tool, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Like g5_err, with "warning: " after the tool prefix. */
void g5_warn(const char *tool, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Print an informational line, "g5 TOOL: MESSAGE"; the caller decides by --verbosity whether to. */
void g5_info(const char *tool, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * Report a usage error the way every tool does: the message, then a hint
 * to run "g5 TOOL -h".  Returns G5_EXIT_USAGE so callers can write
 * `return g5_usage_error(tool, "...")`.
 */
int g5_usage_error(const char *tool, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * Record why a libseq call failed, in the module's own "why" buffer, for
 * the tool to report: the one way libseq modules explain a failure.
 * errno is left as it was, so callers can still tell ENOMEM from EINVAL.
 * @param why  buffer (a module's `char why[256]`)
 * @param n    its size
 * @param fmt  printf-style phrase, lowercase, no final full stop
 * @return -1, so that `return g5_why(...)` ends a failing function
 */
int g5_why(char *why, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Finish a tool: close stdout and report a failed flush (full disk, closed
 * pipe) so a truncated stream never exits 0.
 * @param tool    tool name for the message
 * @param status  the status the tool would return
 * @return @p status, or G5_EXIT_DATA if stdout could not be closed
 */
int g5_finish(const char *tool, int status);

#endif
