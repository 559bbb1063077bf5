#!/bin/bash
# disclose.t -- g5 assoc --release-policy, tested as an adversary would try
# to get small counts out of a centre.
#
# Data: 1000 Genomes chr20:1,000,000-1,150,000 (Debian's shapeit4-example),
# 300 samples; traits simulated by perl from a fixed seed: q1 (every
# sample), q2 (q1's samples less 5: a nested set in the same run), b1
# (binary, 100 cases), b2 (binary, 25 cases: under min_cases).
# Policy: min_n 50, min_mac 5, min_maf 0.01, min_cases 30, min_controls 30,
# min_set_difference 10, a ledger beside it.
#
# Oracle: the run without a policy.  Its rows filtered by awk with the
# policy's rules (MAC = round(2 n min(EAF, 1-EAF))) must be, byte for byte,
# the rows the policy run writes, and the rows filtered out must be the
# count the log and the sidecar call suppressed.  Digests are recomputed with
# sha256sum: the policy file's, and the sample set's (sorted IDs, each
# followed by a NUL).  Then the differencing attacks: the same trait again
# on 3 samples fewer (another run) or 5 fewer (the same run) is refused; on
# 40 fewer it is released; a repeat of a released run is allowed and adds
# nothing to the ledger; under --strict a refusal is an error that leaves no
# output and the ledger as it was; two runs at once take their turns on the
# ledger (one released, the other refused).  Typos in a policy are errors.
. "$(dirname "$0")/lib.sh"

REFVCF=/usr/share/doc/shapeit4/examples/test/reference.vcf.gz
[ -r "$REFVCF" ] || skip_all "shapeit4-example not installed ($REFVCF)"
for t in bcftools perl sha256sum; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

V=$T/slice.vcf.gz
bcftools view -r 20:1000000-1150000 -Oz -o "$V" "$REFVCF" || skip_all "cannot read $REFVCF"
bcftools query -l "$V" >"$T/samples"

# pheno.pl DROP: the traits, with the first DROP samples' q1 missing
cat >"$T/pheno.pl" <<'EOF'
use strict; use warnings;
my $drop = shift; srand(7);
print "IID\tq1\tq2\tb1\tb2\n";
my $i = 0;
while (my $s = <STDIN>) {
    chomp $s; $i++;
    my $q = sprintf "%.4f", rand();
    printf "%s\t%s\t%s\t%d\t%d\n", $s, $i <= $drop ? "NA" : $q, $i <= 5 ? "NA" : $q, $i % 3 == 0, $i % 12 == 0;
}
EOF
perl "$T/pheno.pl" 0 <"$T/samples" >"$T/pheno.tsv"
printf '# the centre'"'"'s rules\nmin_n 50\nmin_mac 5   # minor allele count\nmin_maf 0.01\nmin_cases 30\nmin_controls 30\nmin_set_difference 10\nledger ledger.tsv\n' >"$T/policy.txt"

exits 1 "a policy whose ledger does not exist is an error" \
    "$G5" assoc --pheno "$T/pheno.tsv" --traits q1 --release-policy "$T/policy.txt" -o "$T/noledger" "$V"
stderr_has "ledger.tsv\" (policy \"$T/policy.txt\") does not exist" "naming the ledger and the policy"
: >"$T/ledger.tsv"      # a first release: the ledger exists, empty
runs "without a policy" "$G5" assoc --pheno "$T/pheno.tsv" --traits q1,b1 -o "$T/open" "$V"
runs "with the policy" "$G5" assoc --pheno "$T/pheno.tsv" --release-policy "$T/policy.txt" -o "$T/pol" "$V"

# --- small cells -----------------------------------------------------------------

# filter.awk: the policy's rules on a GWAS-SSF file; prints the rows kept,
# and the number withheld to stderr
cat >"$T/filter.awk" <<'EOF'
BEGIN { FS = OFS = "\t" }
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
{
    n = $c["n"]; f = $7; maf = f < 0.5 ? f : 1 - f
    mac = int(2 * n * maf + 0.5)
    bad = n < 50 || mac < 5 || maf < 0.01
    if ("n_cases" in c) bad = bad || $c["n_cases"] < 30 || $c["n_controls"] < 30
    if (bad) { withheld++; next }
    print
}
END { print withheld + 0 > "/dev/stderr" }
EOF
for t in q1 b1; do
    zcat "$T/open.$t.tsv.gz" | awk -f "$T/filter.awk" >"$T/$t.expected" 2>"$T/$t.withheld"
    zcat "$T/pol.$t.tsv.gz" >"$T/$t.got"
    same_file "$T/$t.got" "$T/$t.expected" "$t: the rows released are exactly the open run's rows that pass the policy"
    is "$(awk -F'\t' -v t=$t '/^#trait/ { for (i = 1; i <= NF; i++) if ($i == "suppressed") c = i } $1 == t { print $c }' \
        "$T/pol.log")" "$(cat "$T/$t.withheld")" "$t: the log counts the rows withheld"
    is "$(sed -n 's/^g5_suppressed: //p' "$T/pol.$t.tsv.gz-meta.yaml")" "$(cat "$T/$t.withheld")" \
        "$t: the sidecar counts them too"
done
ok $(( $(cat "$T/q1.withheld") > 100 ? 0 : 1 )) "the slice has rare variants to withhold ($(cat "$T/q1.withheld"))"
# no row of the released files breaks a rule
is "$(for f in q1 b1 b2; do zcat "$T/pol.$f.tsv.gz" | awk -f "$T/filter.awk" 2>&1 >/dev/null; done | tr '\n' ' ')" "0 0 0 " \
   "no released row is under a minimum"
# b2 has 25 cases: every row is under min_cases
is "$(zcat "$T/pol.b2.tsv.gz" | wc -l)" 1 "b2 (25 cases): the header only, every row withheld"
is "$(sed -n 's/^g5_suppressed: //p' "$T/pol.b2.tsv.gz-meta.yaml")" "$(zcat "$T/open.q1.tsv.gz" | sed 1d | wc -l)" \
   "b2: all of them counted (as many as q1 tests)"

# --- the sidecar's digests ---------------------------------------------------------

is "$(sed -n 's/^g5_release_policy: "\(.*\)"/\1/p' "$T/pol.q1.tsv.gz-meta.yaml")" \
   "$(sha256sum "$T/policy.txt" | cut -d' ' -f1)" "the sidecar names the policy by its SHA-256"
set_digest() { LC_ALL=C sort "$1" | tr '\n' '\0' | sha256sum | cut -d' ' -f1; }
is "$(sed -n 's/^g5_sample_set: "\(.*\)"/\1/p' "$T/pol.q1.tsv.gz-meta.yaml")" "$(set_digest "$T/samples")" \
   "g5_sample_set is the SHA-256 of the sorted sample IDs"
is "$(sed -n 's/^g5_trait: //p' "$T/pol.q1.tsv.gz-meta.yaml")" '"q1"' "the sidecar names the trait"
ok $(grep -c 'g5_release_policy' "$T/open.q1.tsv.gz-meta.yaml" | grep -qx 0; echo $?) \
   "a file written without a policy does not claim one"

# --- differencing: nested sets -------------------------------------------------------

"$G5" assoc --pheno "$T/pheno.tsv" --release-policy "$T/policy.txt" -o "$T/pol2" "$V" 2>"$T/stderr"
stderr_has 'trait "q2" skipped: release policy: its samples differ from those of "pol.q1.tsv.gz" by 5 (0 added, 5 left out)' \
    "q2, q1 less 5 samples in the same run, is skipped naming the file it could be subtracted from"
ok $([ ! -e "$T/pol.q2.tsv.gz" ] && [ ! -e "$T/pol.q2.tsv.gz-meta.yaml" ]; echo $?) "and nothing of q2 is written"
grep -q '^q2	.*skipped: release policy' "$T/pol.log"
ok $? "the log says why"

# the ledger: one line per released file, the IDs sorted
is "$(cut -f3 "$T/ledger.tsv" | sed 1d | tr '\n' ' ')" "pol.q1.tsv.gz pol.b1.tsv.gz pol.b2.tsv.gz pol2.q1.tsv.gz pol2.b1.tsv.gz pol2.b2.tsv.gz " \
   "the ledger records the sets of every file released, run after run"
is "$(awk -F'\t' 'NR == 2 { print $2 }' "$T/ledger.tsv")" 300 "with their size"
is "$(awk -F'\t' 'NR == 2 { print $4 }' "$T/ledger.tsv" | tr ',' '\n' | LC_ALL=C sort -c && echo sorted)" sorted \
   "and their IDs, sorted"
cp "$T/ledger.tsv" "$T/ledger.before"

# another run: q1 on 3 samples fewer
perl "$T/pheno.pl" 3 <"$T/samples" >"$T/pheno3.tsv"
"$G5" assoc --pheno "$T/pheno3.tsv" --traits q1 --release-policy "$T/policy.txt" -o "$T/nested" "$V" 2>"$T/stderr"
is $? 1 "q1 again on 297 of the 300 samples: nothing left to analyse, exit 1"
stderr_has 'its samples differ from those of "pol.q1.tsv.gz" by 3 (0 added, 3 left out), fewer than min_set_difference 10' \
    "refused: its counts minus the released ones would be 3 people's"
ok $(ls "$T"/nested* 2>/dev/null | grep -q . ; [ $? -ne 0 ]; echo $?) "no output of the refused run"
same_file "$T/ledger.tsv" "$T/ledger.before" "the ledger is unchanged"
# a workflow stages the policy as a symbolic link in a task folder: the ledger is still the real one
mkdir -p "$T/task" && ln -s "$T/policy.txt" "$T/task/policy.txt"
"$G5" assoc --pheno "$T/pheno3.tsv" --traits q1 --release-policy "$T/task/policy.txt" -o "$T/task/nested" "$V" 2>"$T/stderr"
is $? 1 "through a symbolic link to the policy, the same refusal"
stderr_has 'differ from those of "pol.q1.tsv.gz" by 3' "against the same ledger"
ok $([ ! -e "$T/task/ledger.tsv" ]; echo $?) "and no ledger started beside the link"
exits 1 "--strict: the refusal is an error" \
    "$G5" assoc --pheno "$T/pheno3.tsv" --traits q1,b1 --strict --release-policy "$T/policy.txt" -o "$T/strict" "$V"
stderr_has 'trait "q1": release policy: its samples differ' "naming the trait"
ok $(ls "$T"/strict* 2>/dev/null | grep -q . ; [ $? -ne 0 ]; echo $?) "and nothing written, b1 included"
same_file "$T/ledger.tsv" "$T/ledger.before" "the ledger is unchanged"

# 40 samples fewer: a difference of 40 people is no disclosure under min_set_difference 10
perl "$T/pheno.pl" 40 <"$T/samples" >"$T/pheno40.tsv"
runs "q1 on 260 of the 300 samples is released" \
    "$G5" assoc --pheno "$T/pheno40.tsv" --traits q1 --release-policy "$T/policy.txt" -o "$T/far" "$V"
is "$(tail -n1 "$T/ledger.tsv" | cut -f2,3)" "260	far.q1.tsv.gz" "and recorded"
# a repeat of a released run: the same sets, the same counts, nothing new
n=$(wc -l <"$T/ledger.tsv")
runs "a rerun of a released run is allowed" \
    "$G5" assoc --pheno "$T/pheno40.tsv" --traits q1 --release-policy "$T/policy.txt" -o "$T/far" "$V"
is "$(wc -l <"$T/ledger.tsv")" "$n" "and adds nothing to the ledger"
# a tampered ledger is not trusted
sed '2s/HG00096,//' "$T/ledger.tsv" >"$T/ledger.bad" && cp "$T/ledger.bad" "$T/ledger.tsv"
exits 1 "a ledger whose IDs do not match their digest is an error" \
    "$G5" assoc --pheno "$T/pheno.tsv" --traits q1 --release-policy "$T/policy.txt" -o "$T/tamper" "$V"
stderr_has 'ledger.tsv" line 2' "naming its line"

# two runs at once under one policy take their turns: the second sees the first's set
mkdir -p "$T/race" && cp "$T/policy.txt" "$T/race/policy.txt" && : >"$T/race/ledger.tsv"
"$G5" assoc --pheno "$T/pheno.tsv" --traits q1 --release-policy "$T/race/policy.txt" -o "$T/race/a" "$V" 2>"$T/race/a.err" &
pa=$!
"$G5" assoc --pheno "$T/pheno3.tsv" --traits q1 --release-policy "$T/race/policy.txt" -o "$T/race/b" "$V" 2>"$T/race/b.err" &
pb=$!
wait $pa; sa=$?
wait $pb; sb=$?
is "$(echo $sa $sb | tr ' ' '\n' | sort | tr '\n' ' ')" "0 1 " "two runs at once with nested sets: one is released, the other refused"
is "$(sed 1d "$T/race/ledger.tsv" | wc -l)" 1 "and the ledger records the one released"
grep -q 'release policy: its samples differ' "$T/race/a.err" "$T/race/b.err"; ok $? "the refused one says why"

# --- policy typos never turn a rule off --------------------------------------------------

printf 'min_mca 5\n' >"$T/typo.txt"
exits 1 "an unknown rule is an error" \
    "$G5" assoc --pheno "$T/pheno.tsv" --traits q1 --release-policy "$T/typo.txt" -o "$T/typo" "$V"
stderr_has 'typo.txt" line 1: unknown rule "min_mca"' "naming the file, line and rule"
printf 'min_n 50\nmin_mac five\n' >"$T/typo.txt"
exits 1 "a value that is not a count is an error" \
    "$G5" assoc --pheno "$T/pheno.tsv" --traits q1 --release-policy "$T/typo.txt" -o "$T/typo" "$V"
stderr_has 'line 2: min_mac "five" is not a count' "naming the line"
exits 1 "a policy that cannot be read is an error" \
    "$G5" assoc --pheno "$T/pheno.tsv" --traits q1 --release-policy "$T/none.txt" -o "$T/typo" "$V"
ok $(ls "$T"/typo* 2>/dev/null | grep -v 'typo.txt' | grep -q . ; [ $? -ne 0 ]; echo $?) "no output from any of them"

done_testing
