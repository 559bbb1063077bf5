/*
 * hdrmerge.h -- one SAM header for several inputs, as `samtools merge`
 * (1.16) builds it, and the record rewriting that goes with it.
 *
 * DESIGN
 * Merging files means merging their dictionaries.  This module takes the
 * headers of the inputs one by one, in input order, and builds the header
 * of the output together with, for every input, a table from the read
 * group and program IDs the input uses to the IDs they have in the output.
 *
 *   @HD   the first input's that has one, verbatim (the merging tool sets
 *         SO afterwards to the order it has verified);
 *   @SQ   must be the same in every input: the same names and lengths in
 *         the same order (and the same M5 where both inputs give one).
 *         samtools merge instead unions differing dictionaries and
 *         renumbers references; g5 refuses, because inputs aligned to
 *         different references do not belong in one file, and says which
 *         files and which @SQ differ;
 *   @RG   every input's, in input order.  An ID already taken by an
 *         earlier input gets a suffix, "ID-HEX", where HEX is the next
 *         number of the POSIX drand48 generator in upper-case hexadecimal
 *         (lrand48(), printed "%lX") -- drawn again while the result is
 *         taken.  That is exactly samtools merge's rule, draws included, so
 *         `samtools merge -s SEED` and a merge here with the same seed name
 *         every ID alike.  (samtools seeds from the clock by default; g5
 *         tools pass a fixed seed so that reruns give identical files.)
 *         With G5_HDRMERGE_COMBINE_RG (samtools merge -c) a colliding line
 *         is dropped and its ID kept: the first input's line wins;
 *   @PG   likewise (COMBINE_PG: samtools merge -p).  The PP tag of a @PG
 *         line and the PG tag of an @RG line are rewritten to the renamed
 *         programs of the same input;
 *   @CO   every input's, in input order (only the first input's with
 *         G5_HDRMERGE_FIRST_CO).
 * The output header holds these in the order @HD, @SQ, @RG, @PG, @CO;
 * other line types are dropped, as samtools merge drops them.
 *
 * Records follow their header: g5_hdrmerge_translate() rewrites a record's
 * RG and PG tags to the output IDs.  Like samtools merge it deletes and
 * re-appends the tag even when the ID did not change -- the tag moves to
 * the end of the record -- so that the records come out byte for byte as
 * samtools writes them, and it drops a tag naming an ID its input's header
 * does not declare (reporting each such ID once per input).
 *
 * `g5 sort`, merging spill files that all carry one header, asks for
 * COMBINE_RG | COMBINE_PG | FIRST_CO: the header comes back unchanged
 * (but for line types other than the five above), every input is an
 * identity (g5_hdrmerge_identity), and records need no rewriting.
 *
 * Errors: functions return -1 (or NULL) and describe the failure in one
 * phrase, g5_hdrmerge_why(); out of memory sets errno to ENOMEM, a
 * mismatch between inputs to EINVAL.  Nothing here prints or exits.
 */
#ifndef G5_HDRMERGE_H
#define G5_HDRMERGE_H

#include <stdint.h>

#include <htslib/sam.h>

typedef struct g5_hdrmerge g5_hdrmerge_t;

/** How colliding IDs and comments are handled. */
enum g5_hdrmerge_flags {
    G5_HDRMERGE_COMBINE_RG = 1,  /**< same @RG ID in two inputs: one line (samtools merge -c) */
    G5_HDRMERGE_COMBINE_PG = 2,  /**< same @PG ID in two inputs: one line (samtools merge -p) */
    G5_HDRMERGE_FIRST_CO = 4,    /**< @CO lines of the first input only (as samtools sort) */
};

/**
 * Start a merged header.
 * @param flags  G5_HDRMERGE_* bits
 * @param seed   seed of the generator for ID suffixes, as samtools merge
 *               -s takes it (its low 32 bits count, as with srand48)
 * @return a merger, or NULL (ENOMEM)
 */
g5_hdrmerge_t *g5_hdrmerge_init(int flags, long seed);

/**
 * Add the header of the next input.  Inputs are numbered from 0 in the
 * order they are added; the number is what g5_hdrmerge_translate() takes.
 * @param m     the merger
 * @param h     the input's header, only read (htslib's look-ups are not
 *              const) and not kept: it may be freed afterwards
 * @param name  the input's name for messages, e.g. its file name (copied)
 * @return 0 on success; 1 on success with a warning in g5_hdrmerge_why()
 *         (a PP or PG tag names a program the input does not declare; the
 *         tag is kept as it is); -1 on failure: the @SQ lines differ from
 *         the first input's (errno EINVAL) or out of memory (ENOMEM)
 */
int g5_hdrmerge_add(g5_hdrmerge_t *m, sam_hdr_t *h, const char *name);

/**
 * Build the merged header from the inputs added so far.
 * @return a new header the caller owns (sam_hdr_destroy), or NULL (ENOMEM,
 *         or EINVAL when no input was added)
 */
sam_hdr_t *g5_hdrmerge_header(g5_hdrmerge_t *m);

/**
 * Rewrite the RG and PG tags of a record of input @p input to the IDs of
 * the merged header (see the design note: the tags move to the end).
 * A tag that is not a string is left alone.
 * @param m      the merger
 * @param input  the input the record comes from (0 = first added)
 * @param b      the record, changed in place
 * @return 0 on success; 1 when a tag was dropped because the input's header
 *         does not declare its ID -- said once per input and ID, the phrase
 *         in g5_hdrmerge_why() -- later records with the ID lose the tag
 *         silently; -1 on failure (ENOMEM)
 */
int g5_hdrmerge_translate(g5_hdrmerge_t *m, int input, bam1_t *b);

/**
 * Does input @p input keep all its @RG and @PG IDs?  Then its records need
 * g5_hdrmerge_translate() only to look exactly like samtools merge's (the
 * tags moved to the end); a tool that does not care may skip it.
 * @return 1 if every ID of the input is unchanged in the output, else 0
 */
int g5_hdrmerge_identity(const g5_hdrmerge_t *m, int input);

/** The number of inputs added. */
int g5_hdrmerge_count(const g5_hdrmerge_t *m);

/** The last failure or warning, as a phrase without the tool's prefix. */
const char *g5_hdrmerge_why(const g5_hdrmerge_t *m);

/** Free the merger (NULL is a no-op).  Headers it returned stay valid. */
void g5_hdrmerge_destroy(g5_hdrmerge_t *m);

/**
 * The POSIX drand48 generator that samtools merge draws its suffixes from,
 * with its state in the caller's hands instead of the C library's.
 * @param state  48-bit state; g5_rand48_seed() sets it as srand48() does
 * @return the next number in [0, 2^31), as lrand48() returns it
 */
long g5_rand48_next(uint64_t *state);

/** Seed a g5_rand48_next() state as srand48(@p seed) seeds lrand48(). */
void g5_rand48_seed(uint64_t *state, long seed);

#endif
