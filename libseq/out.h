/*
 * out.h -- atomic outputs and provenance.
 *
 * DESIGN
 * An output appears under its final name only when it is complete.  A tool
 * asks for an output with g5_out_open(), writes to g5_out_path() (a temporary
 * "NAME.tmp.PID" in the same directory, so the final rename() never crosses a
 * file system), then g5_out_commit() flushes it to disk and renames it into
 * place.  Anything not committed is removed by g5_out_abort(), at exit, and
 * on SIGINT/SIGTERM/SIGHUP: the live temporaries are kept in a process-wide
 * registry that the signal handler walks (unlink() is async-signal-safe);
 * this registry (behind a lock: threads open outputs side by side) is the
 * one piece of global state in libseq, for the same
 * reason git keeps its lockfiles in one list.  "-" (stdout) is passed through
 * untouched.
 *
 * Provenance: everything g5 writes names the tool, the g5 version and the
 * command line that produced it -- an @PG line in SAM headers, ##g5_TOOL*
 * lines in VCF headers and a leading "#" comment in TSV files.  Nothing here
 * writes a timestamp, so outputs are byte-identical between runs.
 */
#ifndef G5_OUT_H
#define G5_OUT_H

#include <stdio.h>

#include <htslib/kstring.h>
#include <htslib/sam.h>
#include <htslib/vcf.h>

typedef struct g5_out g5_out_t;

/**
 * Start an output that will appear as @p path once committed.
 * Installs the cleanup handlers on first use.
 * @param path  final file name, or "-" for stdout
 * @return a handle, or NULL with errno set (ENOMEM, ENAMETOOLONG)
 */
g5_out_t *g5_out_open(const char *path);

/** The name to write to: the temporary file, or "-" for stdout. */
const char *g5_out_path(const g5_out_t *o);

/** The final name the output will have. */
const char *g5_out_final(const g5_out_t *o);

/**
 * A stdio stream on the output, for text outputs (TSV, reports): the
 * temporary file opened for writing, or stdout for "-".  The stream belongs
 * to the handle: g5_out_commit() flushes and closes it, g5_out_abort()
 * closes it.  Calling it again returns the same stream.
 * @return the stream, or NULL with errno set
 */
FILE *g5_out_stream(g5_out_t *o);

/**
 * Make the output permanent: flush and close its stream (if any), fsync
 * the temporary file, rename it to its final name and fsync the directory.
 * A write error caught by the flush (a full disk) fails the commit.  The
 * handle is freed either way.
 * @return 0 on success; -1 with errno set (the temporary is removed)
 */
int g5_out_commit(g5_out_t *o);

/** Remove the temporary file (if any) and free the handle.  NULL is a no-op. */
void g5_out_abort(g5_out_t *o);

/**
 * A path to remove if the process ends before it is forgotten: at exit, on
 * the signals above, or by g5_out_abort -- a scratch file, or a scratch
 * folder (removed once empty: register it before the files made in it, as
 * the registry is emptied newest first).  For outputs built in a folder of
 * their own before it is renamed into place (g5 release).
 * @return a handle, or NULL with errno set
 */
g5_out_t *g5_out_scratch(const char *path);

/** Stop watching a scratch path (it is left as it is) and free the handle.  NULL is a no-op. */
void g5_out_forget(g5_out_t *o);

/**
 * Commit a data file and then its index (NULL: none): the data first, so an
 * index never names a file that is not there; if the data fails, the index
 * is removed.  Both handles are freed either way.
 * @return 0; -1 (the data failed) or -2 (the index failed), errno set
 */
int g5_out_commit_pair(g5_out_t *data, g5_out_t *index);

/**
 * Write a whole text output (a report, a metrics file) atomically: open
 * @p path, let @p write fill the stream, commit; on any failure remove it.
 * @param path   final name, or "-" for stdout
 * @param write  writer: returns 0, or -1 on a write error (errno set)
 * @param ctx    passed to @p write
 * @return 0 on success; -1 with errno set (nothing left under @p path)
 */
int g5_out_text(const char *path, int (*write)(FILE *fp, void *ctx), void *ctx);

/**
 * Write a whole text held in memory atomically, as g5_out_text.
 * @return 0 on success; -1 with errno set (nothing left under @p path)
 */
int g5_out_string(const char *path, const char *s, size_t n);

/**
 * The directory for temporary files that have no output to sit beside:
 * @p given (a tool's -T), else $TMPDIR when set and not empty, else /tmp.
 * @param given  the directory the user named, or NULL
 * @return the directory (never NULL; not to be freed)
 */
const char *g5_tmpdir(const char *given);

/**
 * The g5 version string, from `git describe` at build time
 * (e.g. "0.1.0-12-gabc1234"), or the release number when built outside git.
 */
const char *g5_version(void);

/**
 * The command line of a tool for provenance: "g5 " followed by the tool's
 * argv (argv[0] is the tool name, as main_TOOL receives it), quoting
 * arguments that hold blanks or shell metacharacters the way a shell needs
 * them, so the line can be pasted back into a shell.
 * @return a malloc'ed string, or NULL (ENOMEM)
 */
char *g5_cmdline(int argc, char *const argv[]);

/**
 * Add "@PG ID:g5.TOOL PN:g5 VN:VERSION CL:CMDLINE" to a SAM header, chained
 * (PP) to the previous program; htslib makes the ID unique if needed.
 * @return 0 on success, -1 on failure
 */
int g5_prov_sam(sam_hdr_t *h, const char *tool, const char *cmdline);

/**
 * Add "##g5_TOOLVersion=VERSION+htslib-X" and "##g5_TOOLCommand=CMDLINE"
 * to a VCF header.
 * @return 0 on success, -1 on failure
 */
int g5_prov_vcf(bcf_hdr_t *h, const char *tool, const char *cmdline);

/**
 * Write the TSV provenance comment, "# g5 TOOL VERSION: CMDLINE\n".
 * @return 0 on success, -1 on a write error
 */
int g5_prov_tsv(FILE *fp, const char *tool, const char *cmdline);

/** Append the same comment to a text built in memory (a log).  @return 0, or -1 (out of memory) */
int g5_prov_kput(kstring_t *s, const char *tool, const char *cmdline);

/*
 * Outputs that stand or fall together (a table, its plots, its log): each
 * is committed as it is finished and recorded here; if a later one fails,
 * g5_outset_undo() removes those already in place, so a failed run leaves
 * no file that looks finished.
 */
typedef struct g5_outset {
    char **paths;
    int n;
} g5_outset_t;

/** Record a committed output's final name.  @return 0, or -1 (out of memory) */
int g5_outset_add(g5_outset_t *set, const char *path);

/** Remove every recorded output (the run failed), and forget them. */
void g5_outset_undo(g5_outset_t *set);

/** Forget the recorded outputs (the run succeeded). */
void g5_outset_free(g5_outset_t *set);

#endif
