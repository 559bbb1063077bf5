# add-duplicates.awk -- give simulated read pairs Illumina names and known
# duplicates, for refdata/make-refdata.sh and workflows/bench/gen-pairs.sh.
#
# Input: one pair a line, the two FASTQ records pasted side by side
#   (paste <(paste - - - - <r1.fq) <(paste - - - - <r2.fq)).
# Variables: seed, pcr and optical (fractions of pairs that get a copy),
#   r1 and r2 (FASTQ outputs), dups (TSV of copies: copy, original, kind).
# Names are INSTRUMENT:RUN:FLOWCELL:LANE:TILE:X:Y, so optical duplicates can
# be told from tile and position: a PCR copy lands on another tile, an
# optical copy on the same tile within 40 pixels (never on the same spot:
# a copy must not share its name).
function emit(tile, x, y,   full) {
    full = sprintf("SIM:1:FC1:1:%d:%d:%d", tile, x, y)
    print "@" full "\n" $2 "\n+\n" $4 >r1
    print "@" full "\n" $6 "\n+\n" $8 >r2
    return full
}
BEGIN { FS = "\t"; srand(seed) }
{
    tile = 1101 + int(rand() * 16); x = 1000 + int(rand() * 30000); y = 1000 + int(rand() * 30000)
    orig = emit(tile, x, y)
    u = rand()
    if (u < pcr) {
        t2 = 1101 + (tile - 1101 + 1 + int(rand() * 15)) % 16
        print emit(t2, 1000 + int(rand() * 30000), 1000 + int(rand() * 30000)) "\t" orig "\tpcr" >dups
    } else if (u < pcr + optical) {
        dx = int(rand() * 81) - 40; dy = int(rand() * 81) - 40
        if (dx == 0 && dy == 0) dx = 1
        print emit(tile, x + dx, y + dy) "\t" orig "\toptical" >dups
    }
}
