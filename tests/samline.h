/*
 * samline.h -- build records for C unit tests from readable SAM lines.
 *
 *   bam1_t *b = samline(hdr, NULL, "r1|99|chr1|100|60|10M|=|200|110|ACGTACGTAC|IIIIIIIIII");
 *
 * Fields are separated by '|' instead of tabs so that test tables stay
 * readable.  A malformed line aborts the test: it is a bug in the test.
 */
#ifndef G5_SAMLINE_H
#define G5_SAMLINE_H

#include <stdio.h>
#include <stdlib.h>

#include <htslib/kstring.h>
#include <htslib/sam.h>

/**
 * Parse @p line into @p b (a new record when @p b is NULL).
 * @return the record
 */
static inline bam1_t *samline(const sam_hdr_t *h, bam1_t *b, const char *line)
{
    if (!b) b = bam_init1();
    kstring_t s = { 0, 0, NULL };
    kputs(line, &s);
    for (size_t i = 0; i < s.l; i++)
        if (s.s[i] == '|') s.s[i] = '\t';
    if (!b || sam_parse1(&s, (sam_hdr_t *)h, b) < 0) {
        fprintf(stderr, "# cannot parse: %s\n", line);
        abort();
    }
    free(s.s);
    return b;
}

#endif
