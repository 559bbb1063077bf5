#!/bin/bash
# g5.t -- the front: command table, help, version, unknown commands.
. "$(dirname "$0")/lib.sh"

exits 0 "g5 help exits 0" "$G5" help
grep -q '^  stats ' "$T/stdout"; ok $? "g5 help lists stats with its one-line help"
exits 0 "g5 --help exits 0" "$G5" --help
exits 2 "g5 alone is a usage error" "$G5"
grep -q '^  stats ' "$T/stderr"; ok $? "g5 alone lists the tools on stderr"

exits 0 "g5 --version exits 0" "$G5" --version
grep -q '^g5 [0-9]' "$T/stdout"; ok $? "--version names the g5 version"
htsver=$(samtools --version | sed -n 's/^Using htslib //p')
grep -qx "Using htslib $htsver" "$T/stdout"; ok $? "--version names the htslib version ($htsver)"
exits 0 "g5 --version-only exits 0" "$G5" --version-only
grep -Eq "^[0-9][^ ]*\+htslib-$htsver\$" "$T/stdout"; ok $? "--version-only is VERSION+htslib-X"

exits 2 "an unknown command exits 2" "$G5" frobnicate
stderr_has 'g5: unknown command "frobnicate"' "and names the command"
exits 0 "g5 help stats exits 0" "$G5" help stats
grep -q 'Usage: g5 stats' "$T/stdout"; ok $? "g5 help stats prints the stats usage"
exits 2 "g5 help on an unknown command exits 2" "$G5" help frobnicate

# Every tool in the table: -h prints its usage on stdout and exits 0; a bad
# option prints a one-line error plus a hint on stderr and exits 2.
for tool in $("$G5" help | awk '/^Commands:/ {on = 1; next} on && NF {print $1}'); do
    exits 0 "g5 $tool -h exits 0" "$G5" "$tool" -h
    grep -q "Usage: g5 $tool" "$T/stdout"; ok $? "g5 $tool -h prints usage on stdout"
    exits 2 "g5 $tool --no-such-option exits 2" "$G5" "$tool" --no-such-option
    grep -q "^g5 $tool: " "$T/stderr"; ok $? "g5 $tool: a bad option is reported as 'g5 $tool: ...'"
    exits 2 "g5 $tool -@ x exits 2" "$G5" "$tool" -@ x "$HTSTEST/range.bam"
done

# A closed stdout is an error, not a silent success (the full-disk case).
"$G5" help >/dev/full 2>"$T/stderr"; st=$?
is "$st" 1 "g5 help to a full device exits 1"
stderr_has "cannot write to standard output" "and says so"

done_testing
