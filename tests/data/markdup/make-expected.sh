#!/bin/sh
# make-expected.sh -- run Picard MarkDuplicates on every hand-made case
# here (NN_name.sam) and keep what tests/markdup.t compares g5 with:
#   NN_name.picard.tsv      QNAME, FLAG, RNAME, POS and DT of every record
#   NN_name.picard.metrics  the metrics file from its first blank line on
#                           (the header names Picard's command and date)
# Run it after adding or changing a case; it needs Debian's picard-tools.
# Picard 2.27.5: PicardCommandLine MarkDuplicates TAGGING_POLICY=All.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for sam in [0-9][0-9]_*.sam; do
    case=${sam%.sam}
    java -Xmx512m -XX:+UseSerialGC -jar "${PICARD_JAR:-/usr/share/java/picard.jar}" MarkDuplicates \
        I="$sam" O="$tmp/out.sam" M="$tmp/metrics" TAGGING_POLICY=All \
        QUIET=true VERBOSITY=ERROR 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
    grep -v '^@' "$tmp/out.sam" | awk -F'\t' 'BEGIN { OFS = "\t" }
        { dt = "."; for (i = 12; i <= NF; i++) if ($i ~ /^DT:Z:/) dt = substr($i, 6)
          print $1, $2, $3, $4, dt }' >"$case.picard.tsv"
    sed -n '/^$/,$p' "$tmp/metrics" >"$case.picard.metrics"
    echo "$case: $(awk -F'\t' 'int($2 / 1024) % 2' "$case.picard.tsv" | wc -l) duplicates"
done
