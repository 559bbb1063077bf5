#!/bin/bash
# make-ref.sh -- a bench reference: real sequence plus seeded pseudo-random
# contigs, with its .fai and bwa index.
#
# Usage: make-ref.sh OUT.fa CE_FA NAME LENGTH [NAME LENGTH ...]
#
# OUT.fa holds CHROMOSOME_I of CE_FA (Debian htslib-test's ce.fa, 1 Mb of real
# C. elegans sequence) and then each NAME with LENGTH bases drawn by a
# Park-Miller generator from one fixed seed (exact in awk's doubles, so the
# same on every machine).  Written under a temporary name and moved into
# place; the .fai and the bwa index follow.
set -euo pipefail
[ $# -ge 4 ] && [ $(( ($# - 2) % 2 )) -eq 0 ] || { echo "usage: make-ref.sh OUT.fa CE_FA NAME LENGTH [NAME LENGTH ...]" >&2; exit 2; }
out=$1 ce_fa=$2
shift 2
trap 'rm -f "$out.tmp"' EXIT
{
    samtools faidx "$ce_fa" CHROMOSOME_I
    awk -v contigs="$*" 'BEGIN {
        x = 20240531
        n = split(contigs, c, " ")
        for (i = 1; i < n; i += 2) {
            print ">" c[i]
            line = ""
            for (p = 1; p <= c[i + 1]; p++) {
                x = (16807 * x) % 2147483647
                line = line substr("ACGT", int(x / 536870912) + 1, 1)
                if (length(line) == 60) { print line; line = "" }
            }
            if (line != "") print line
        }
    }'
} >"$out.tmp"
mv "$out.tmp" "$out"
rm -f "$out.fai"
samtools faidx "$out"
bwa index "$out" 2>"$out.bwa-index.log"
