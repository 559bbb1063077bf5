# workflows/sheet.awk -- check a centre's sample sheet and turn it into make
# variables, before anything runs.
#
#   awk -v sheet=FILE -f sheet.awk FILE > OUT/sheet.mk
#
# The sheet is a TSV with a header: sample, read_group, library, fastq1,
# fastq2; one line per sample.  Names go into file names, read-group lines
# and shell commands, so they may hold only letters, digits, '.', '_' and
# '-' (not starting with '.' or '-'), and FASTQ paths also '/' and '+':
# a space, a quote, '$', ';' or a backquote is refused here, so nothing
# from the sheet is ever run by a shell.  A sample named twice and a FASTQ
# that cannot be read are refused.
BEGIN { FS = "\t"; bad = 0 }
function fail(msg) {
    printf "sample sheet \"%s\" line %d: %s\n", sheet, NR, msg > "/dev/stderr"
    bad = 1
    exit 1
}
NR == 1 {
    want = "sample read_group library fastq1 fastq2"
    got = $1 " " $2 " " $3 " " $4 " " $5
    if (NF != 5 || got != want) fail("the header must be: sample, read_group, library, fastq1, fastq2 (tab-separated)")
    next
}
/^[ \t]*$/ { next }
{
    if (NF != 5) fail(NF " fields where the header has 5")
    split("sample read_group library", what, " ")
    for (i = 1; i <= 3; i++)
        if ($i !~ /^[A-Za-z0-9_][A-Za-z0-9._-]*$/)
            fail(what[i] " \"" $i "\" may hold only letters, digits, '.', '_' and '-'")
    for (i = 4; i <= 5; i++)
        if ($i !~ /^[A-Za-z0-9_.\/+-]+$/)
            fail("FASTQ path \"" $i "\" may hold only letters, digits, '.', '_', '-', '+' and '/'")
    # safe to hand to a shell: checked above
    for (i = 4; i <= 5; i++)
        if (system("test -r '" $i "'") != 0) fail("cannot read FASTQ \"" $i "\"")
    if ($1 in seen) fail("sample \"" $1 "\" is named twice (line " seen[$1] "): one read group per sample")
    seen[$1] = NR
    order[++n] = $1
    printf "RGID_%s := %s\nLB_%s := %s\nFQ1_%s := %s\nFQ2_%s := %s\n", $1, $2, $1, $3, $1, $4, $1, $5
}
END {
    if (bad) exit 1
    if (!n) { printf "sample sheet \"%s\": no sample\n", sheet > "/dev/stderr"; exit 1 }
    printf "SAMPLE_NAMES :="
    for (i = 1; i <= n; i++) printf " %s", order[i]
    printf "\n"
}
