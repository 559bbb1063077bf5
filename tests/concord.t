#!/bin/bash
# concord.t -- g5 concord: a hand-made truth and call set worked out site by
# site (multiallelic split, indels written elsewhere in their repeat, an MNP
# with context, reference blocks, 0/0 and ./. records, genotype mismatches);
# normalisation against `bcftools norm -m -any -f` on random variants in
# random repeats; dwgsim's planted variants against g5 call's output, counted
# against bcftools norm + isec; -R; input formats and threads; bad input.
. "$(dirname "$0")/lib.sh"

for t in samtools bcftools bgzip bwa dwgsim; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

# --- a hand-made case -----------------------------------------------------------
#
# t1: GGGATTACAAAAAGCGCGCGTTTACGTAGGGCCCATATATATGCTTGACC TTAGGCATCGATCGGATCCAAGTTGCAGTC
#     A homopolymer AAAAA at 9-13, GCGCGCG at 14-20, ATATATAT at 35-42.
# t2: ACGTTTTTGCATGCAACCGGTTAACG: TTTTT at 4-8.
H=$T/hand && mkdir -p "$H"
printf '>t1\nGGGATTACAAAAAGCGCGCGTTTACGTAGGGCCCATATATATGCTTGACCTTAGGCATCGATCGGATCCAAGTTGCAGTC\n>t2\nACGTTTTTGCATGCAACCGGTTAACG\n' >"$H/ref.fa"
vcf() { # sample: a VCF header, then the records from stdin (spaces become tabs)
    printf '##fileformat=VCFv4.2\n##contig=<ID=t1,length=80>\n##contig=<ID=t2,length=26>\n'
    printf '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n'
    printf '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
    printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t%s\n' "$1"
    tr ' ' '\t'
}
vcf TRUTH >"$H/truth.vcf" <<'EOF'
t1 6 . T C . . . GT 0/1
t1 12 . AA A . . . GT 0/1
t1 17 . CGC C . . . GT 1/1
t1 24 . A G,T . . . GT 1/2
t1 26 . GT CA . . . GT 0/1
t1 40 . T C . . . GT 0/1
t1 45 . T TA . . . GT 0/1
t2 3 . GT G . . . GT 1/1
t2 20 . G A . . . GT 0/1
EOF
vcf CALLS >"$H/calls.vcf" <<'EOF'
t1 6 . T C . . . GT 0/1
t1 8 . CA C . . . GT 0/1
t1 14 . GCG G . . . GT 0/1
t1 24 . A G . . . GT 0/1
t1 24 . A T . . . GT 1/0
t1 25 . CGTA CCAA . . . GT 0/1
t1 30 . G A . . . GT 0/1
t1 31 . G <*> . . END=32 GT 0/0
t1 33 . C A,<NON_REF> . . . GT 0/1
t1 35 . A T . . . GT ./.
t1 40 . T C . . . GT 0/0
t2 7 . TTG TG . . . GT 1/1
t2 20 . G A . . . GT ./1
t2 22 . TA T . . . GT 0/1
EOF
cat >"$H/summary.expected" <<'EOF'
type	TP	FP	FN	gt_mismatch	precision	recall	F1
SNV	4	2	1	1	0.6667	0.8000	0.7273
indel	3	1	1	1	0.7500	0.7500	0.7500
other	1	0	0	0	1.0000	1.0000	1.0000
all	8	3	2	2	0.7273	0.8000	0.7619
EOF
cat >"$H/sites.expected" <<'EOF'
chrom	pos	ref	alt	type	status	truth_gt	calls_gt
t1	13	AGC	A	indel	GT	1/1	0/1
t1	30	G	A	SNV	FP	.	0/1
t1	33	C	A	SNV	FP	.	0/1
t1	40	T	C	SNV	FN	0/1	.
t1	45	T	TA	indel	FN	0/1	.
t2	20	G	A	SNV	GT	0/1	./1
t2	22	TA	T	indel	FP	.	0/1
EOF
runs "hand-made case" "$G5" concord -f "$H/ref.fa" -o "$H/sites.tsv" "$H/truth.vcf" "$H/calls.vcf"
grep -v '^#' "$T/stdout" >"$H/summary"
same_file "$H/summary" "$H/summary.expected" "the summary: TP by alleles, genotype mismatches apart, 4 decimals"
grep -v '^#' "$H/sites.tsv" >"$H/sites"
same_file "$H/sites" "$H/sites.expected" "the per-site differences, normalised, in order"
is "$(head -1 "$H/sites.tsv")" "# g5 concord $("$G5" --version-only | sed 's/+htslib.*//'): g5 concord -f $H/ref.fa -o $H/sites.tsv $H/truth.vcf $H/calls.vcf" \
    "the TSV starts with its provenance"
grep -q '^# g5 concord ' "$T/stdout"; ok $? "so does the summary"
[ -s "$H/ref.fa.fai" ]; ok $? "the reference's .fai was built"
is "$(ls -A "$H" | grep -c tmp)" 0 "no temporary left"
"$G5" concord --no-PG -f "$H/ref.fa" "$H/truth.vcf" "$H/calls.vcf" >"$H/noprov" 2>/dev/null
same_file "$H/noprov" "$H/summary.expected" "--no-PG: no provenance line"

# The same against itself: every variant a TP, nothing else.
"$G5" concord --no-PG -f "$H/ref.fa" "$H/calls.vcf" "$H/calls.vcf" >"$T/self" 2>&1
is "$(awk '$1 == "all" {print $2, $3, $4, $5, $8}' "$T/self")" "11 0 0 0 1.0000" "a call set against itself: all TP"

# The sample: by name, and each file's own.
sed 's/\tGT\t\(.*\)$/\tGT\t0\/0\t\1/; s/\tCALLS$/\tOTHER\tCALLS/' "$H/calls.vcf" >"$H/calls2.vcf"
"$G5" concord --no-PG -s CALLS --truth-sample TRUTH -f "$H/ref.fa" "$H/truth.vcf" "$H/calls2.vcf" >"$T/two" 2>&1
same_file "$T/two" "$H/summary.expected" "--truth-sample and -s pick the samples to compare"
"$G5" concord --no-PG -f "$H/ref.fa" "$H/truth.vcf" "$H/calls2.vcf" >"$T/first" 2>&1
is "$(awk '$1 == "all" {print $2, $3}' "$T/first")" "0 0" "by default the first sample (all 0/0 here): no calls"
# A sites-only truth: every record counts, genotypes are not compared.
cut -f1-8 "$H/truth.vcf" | grep -v '^##FORMAT' >"$H/sites-only.vcf"
"$G5" concord --no-PG -f "$H/ref.fa" "$H/sites-only.vcf" "$H/calls.vcf" >"$T/so" 2>&1
is "$(awk '$1 == "all" {print $2, $3, $4, $5}' "$T/so")" "8 3 2 0" "a truth without samples: same TP/FP/FN, no genotype mismatch"

# A header that declares neither contigs nor tags: htslib adds them, as bcftools does.
grep -v '^##[cIF]' "$H/calls.vcf" | sed 's/\t\.\t\.\t\.\tGT/\t30\tLowQual\tFOO=1\tGT:XX/; s/GT:XX\t\([^\t]*\)$/GT:XX\t\1:7/' >"$H/bare.vcf"
"$G5" concord --no-PG -f "$H/ref.fa" "$H/truth.vcf" "$H/bare.vcf" >"$T/bare" 2>"$T/stderr"
same_file "$T/bare" "$H/summary.expected" "contigs, INFO, FORMAT and FILTER missing from the header: the same result"

# -R: by the normalised POS.  t1:11-20 holds the deletion written at 12 but
# normalised to 8 (out) and the one normalised to 13 (in).
printf 't1\t10\t20\nt2\t0\t10\n' >"$H/conf.bed"
runs "-R" "$G5" concord --no-PG -R "$H/conf.bed" -f "$H/ref.fa" -o "$H/r.tsv" "$H/truth.vcf" "$H/calls.vcf"
is "$(awk '$1 != "type" {printf "%s %s %s %s %s; ", $1, $2, $3, $4, $5}' "$T/stdout")" \
    "SNV 0 0 0 0; indel 2 0 0 1; other 0 0 0 0; all 2 0 0 1; " "-R: only the variants whose normalised POS is in a region"

# --- the bcftools oracle ----------------------------------------------------------

# prep IN OUT.vcf.gz REF [BED]: as bcftools sees it -- split and normalised,
# the records the first sample carries (all without samples), one per
# variant, in the regions.
prep() {
    bcftools norm -m -any -f "$3" "$1" 2>/dev/null |
        awk -F'\t' '/^#/ || NF < 10 {print; next}
            {split($10, f, ":"); n = split(f[1], g, /[\/|]/); for (i = 1; i <= n; i++) if (g[i] == "1") {print; next}}' |
        bcftools norm -d exact 2>/dev/null | bcftools sort -T "$T" 2>/dev/null |
        bcftools view ${4:+-T "$4"} -Oz -o "$2" 2>/dev/null && bcftools index -t -f "$2"
}
bytype() { # a VCF: "SNV indel other" counts by normalised REF/ALT lengths
    grep -v '^#' "$1" | awk -F'\t' '{n[length($4) != length($5) ? "indel" : length($4) == 1 ? "SNV" : "other"]++}
        END {printf "%d %d %d", n["SNV"], n["indel"], n["other"]}'
}
# oracle TRUTH CALLS REF [BED]: "SNV TP FP FN; indel ...; other ...; " from bcftools isec
oracle() {
    local d=$T/oracle
    rm -rf "$d" && mkdir -p "$d"
    prep "$1" "$d/t.vcf.gz" "$3" "${4:-}" && prep "$2" "$d/c.vcf.gz" "$3" "${4:-}" &&
        bcftools isec -c none -p "$d/isec" "$d/t.vcf.gz" "$d/c.vcf.gz" 2>/dev/null || { echo "oracle failed"; return; }
    local fn fp tp
    read -r -a fn <<<"$(bytype "$d/isec/0000.vcf")"
    read -r -a fp <<<"$(bytype "$d/isec/0001.vcf")"
    read -r -a tp <<<"$(bytype "$d/isec/0002.vcf")"
    printf 'SNV %d %d %d; indel %d %d %d; other %d %d %d; ' "${tp[0]}" "${fp[0]}" "${fn[0]}" \
        "${tp[1]}" "${fp[1]}" "${fn[1]}" "${tp[2]}" "${fp[2]}" "${fn[2]}"
}
counts() { # concord's summary: "SNV TP FP FN; ..."
    awk '$1 == "SNV" || $1 == "indel" || $1 == "other" {printf "%s %s %s %s; ", $1, $2, $3, $4}' "$1"
}
is "$(counts "$H/summary")" "$(oracle "$H/truth.vcf" "$H/calls.vcf" "$H/ref.fa")" "hand-made case: the counts of bcftools norm + isec"
"$G5" concord -R "$H/conf.bed" -f "$H/ref.fa" "$H/truth.vcf" "$H/calls.vcf" >"$T/r" 2>/dev/null
is "$(counts "$T/r")" "$(oracle "$H/truth.vcf" "$H/calls.vcf" "$H/ref.fa" "$H/conf.bed")" "and with -R, bcftools view -T"

# --- normalisation: bcftools norm on random variants in random repeats ----------------

# gen SEED DIR: a 3 kb contig of homopolymers, short tandem repeats and single
# bases; 250 records of 1-3 ALTs (insertions, deletions, substitutions,
# repeat-unit copies, random; some at the first bases), random genotypes.
gen() {
    awk -v seed="$1" -v dir="$2" 'function b() { return substr("ACGT", int(rand() * 4) + 1, 1) }
    function rs(n,  s, i) { s = ""; for (i = 0; i < n; i++) s = s b(); return s }
    BEGIN {
        srand(seed); L = 3000
        while (length(s) < L) {
            k = rand()
            if (k < 0.3) { c = b(); n = 2 + int(rand() * 11); for (i = 0; i < n; i++) s = s c }
            else if (k < 0.6) { u = rs(2 + int(rand() * 3)); n = 2 + int(rand() * 7); for (i = 0; i < n; i++) s = s u }
            else s = s b()
        }
        s = substr(s, 1, L)
        fa = dir "/ref.fa"; vcf = dir "/random.vcf"
        print ">r" > fa
        for (i = 1; i <= L; i += 60) print substr(s, i, 60) > fa
        print "##fileformat=VCFv4.2\n##contig=<ID=r,length=" L ">" > vcf
        print "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">" > vcf
        print "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS" > vcf
        split("0/1 1/1 1/2 0/2 2/3 ./1 1 0/0 1|0 2|1", gts, " ")
        p = 1
        for (v = 0; v < 250 && p < L - 15; v++) {
            rl = 1 + int(rand() * 6); ref = substr(s, p, rl)
            na = 1 + (rand() < 0.3) + (rand() < 0.15); alts = ""; m = 0; delete seen
            for (j = 0; j < na; j++) {
                k = rand()
                if (k < 0.3) alt = ref rs(1 + int(rand() * 5))
                else if (k < 0.55) alt = rl > 1 ? substr(ref, 1, 1 + int(rand() * (rl - 1))) : ref b()
                else if (k < 0.7) alt = substr(ref, 1, rl - 1) b() substr(s, p + rl, int(rand() * 4))
                else if (k < 0.8) alt = ref substr(s, p + rl, 1 + int(rand() * 4))
                else alt = rs(1 + int(rand() * 6))
                if (alt == ref || (alt in seen)) continue
                seen[alt] = 1; alts = alts (m ? "," : "") alt; m++
            }
            if (!m) continue
            do gt = gts[1 + int(rand() * 10)]; while (gt ~ /3/ && m < 3 || gt ~ /2/ && m < 2)
            print "r\t" p "\t.\t" ref "\t" alts "\t.\t.\t.\tGT\t" gt > vcf
            p += int(rand() * 25)
        }
    }'
}
canon_gt() { # CHROM POS REF ALT GT lines: GT as concord writes it (missing, then 0, then 1)
    awk -F'\t' '{n = split($5, g, /[\/|]/); s = ""; for (k = 0; k < 3; k++) for (i = 1; i <= n; i++)
        if ((k == 0 && g[i] == ".") || (k == 1 && g[i] == "0") || (k == 2 && g[i] == "1")) s = s (s == "" ? "" : "/") g[i]
        print $1 "\t" $2 "\t" $3 "\t" $4 "\t" s}'
}
R=$T/random && mkdir -p "$R"
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n' >"$R/empty.vcf"
nseeds=0 nsame=0 nvar=0
for seed in 1 2 3 4 5 6 7 8; do
    gen $seed "$R" && rm -f "$R/ref.fa.fai"
    "$G5" concord -w 5000 -f "$R/ref.fa" -o "$R/fn.tsv" "$R/random.vcf" "$R/empty.vcf" >/dev/null 2>&1
    grep -v '^#' "$R/fn.tsv" | awk -F'\t' 'NR > 1 {print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $7}' | sort >"$R/g5"
    bcftools norm -m -any -f "$R/ref.fa" "$R/random.vcf" 2>/dev/null | bcftools query -f '%CHROM\t%POS\t%REF\t%ALT\t[%GT]\n' |
        awk -F'\t' '$5 ~ /1/' | canon_gt | awk -F'\t' '!seen[$1, $2, $3, $4]++' | sort >"$R/bcftools"
    nseeds=$((nseeds + 1)) nvar=$((nvar + $(wc -l <"$R/g5")))
    if cmp -s "$R/g5" "$R/bcftools"; then nsame=$((nsame + 1)); else
        diag "seed $seed: g5 and bcftools norm differ:"; diff "$R/g5" "$R/bcftools" | head -5 | sed 's/^/# /' >&2
    fi
done
is "$nsame" "$nseeds" "random variants in repeats, $nvar in $nseeds runs: normalised as bcftools norm -m -any -f does, genotypes recoded alike"

# --- simulated: dwgsim's truth against g5 call --------------------------------------

S=$T/sim && mkdir -p "$S"
cp "$TOP/refdata/ref.fa" "$S/ref.fa"
samtools faidx "$S/ref.fa" && bwa index "$S/ref.fa" 2>/dev/null
dwgsim -z 5 -C 15 -1 100 -2 100 -d 300 -s 30 -e 0.005 -E 0.01 -r 0.003 -R 0.2 -y 0 "$S/ref.fa" "$S/s" >/dev/null 2>&1
bwa mem -t 2 -R '@RG\tID:s\tSM:s' "$S/ref.fa" "$S/s.bwa.read1.fastq.gz" "$S/s.bwa.read2.fastq.gz" 2>/dev/null |
    "$G5" sort -@ 2 --write-index -o "$S/s.bam" - 2>/dev/null
runs "g5 call on the simulated sample" "$G5" call -@ 2 -f "$S/ref.fa" -o "$S/calls.vcf.gz" "$S/s.bam"
# the truth with a genotype from dwgsim's AF (1: homozygous)
awk -F'\t' 'BEGIN {OFS = "\t"} /^##/ {print; next}
    /^#CHROM/ {print "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">"; print $0, "FORMAT", "truth"; next}
    {print $0, "GT", ($8 ~ /AF=1/ ? "1/1" : "0/1")}' "$S/s.mutations.vcf" >"$S/truth.vcf"
ntruth=$(grep -vc '^#' "$S/truth.vcf")
runs "g5 concord: dwgsim's $ntruth variants against g5 call" "$G5" concord -f "$S/ref.fa" -o "$S/diff.tsv" "$S/truth.vcf" "$S/calls.vcf.gz"
cp "$T/stdout" "$S/summary"
diag "$(grep -v '^#' "$S/summary")"
is "$(counts "$S/summary")" "$(oracle "$S/truth.vcf" "$S/calls.vcf.gz" "$S/ref.fa")" "TP/FP/FN per type: those of bcftools norm + isec"
read -r tp fp fn gt < <(awk '$1 == "all" {print $2, $3, $4, $5}' "$S/summary")
is "$(grep -v '^#' "$S/diff.tsv" | awk -F'\t' 'NR > 1 {n[$6]++} END {print n["FP"] + 0, n["FN"] + 0, n["GT"] + 0}')" "$fp $fn $gt" \
    "the per-site table has one line per FP, FN and genotype mismatch"
awk -v t="$tp" -v n="$ntruth" 'BEGIN {exit !(t >= 0.9 * n)}'; ok $? "g5 call finds most planted variants ($tp of $ntruth)"

printf 'CHROMOSOME_I\t20000\t120000\nCHROMOSOME_II\t1000\t4000\n' >"$S/conf.bed"
"$G5" concord -R "$S/conf.bed" -f "$S/ref.fa" "$S/truth.vcf" "$S/calls.vcf.gz" >"$S/summary.R" 2>/dev/null
is "$(counts "$S/summary.R")" "$(oracle "$S/truth.vcf" "$S/calls.vcf.gz" "$S/ref.fa" "$S/conf.bed")" "-R: those of bcftools view -T + isec"

# The truth spelled otherwise -- each indel with a reference base on both
# sides -- is all TP against the truth; bgzipped VCF and BCF inputs give what
# plain VCF gives.
awk -F'\t' 'BEGIN {OFS = "\t"} FNR == NR {if (/^>/) c = substr($1, 2); else seq[c] = seq[c] $0; next}
    /^#/ {print; next}
    length($4) != length($5) && $2 > 1 {p = $2; b = substr(seq[$1], p - 1, 1); a = substr(seq[$1], p + length($4), 1)
        $2 = p - 1; $4 = b $4 a; $5 = b $5 a}
    {print}' "$S/ref.fa" "$S/truth.vcf" >"$S/padded.vcf"
"$G5" concord --no-PG -f "$S/ref.fa" "$S/truth.vcf" "$S/padded.vcf" >"$T/padded" 2>&1
is "$(awk '$1 == "all" {print $2, $3, $4, $5}' "$T/padded")" "$ntruth 0 0 0" "indels padded with context on both sides: all TP"
bcftools view -Oz -o "$S/truth.vcf.gz" "$S/truth.vcf" 2>/dev/null
bcftools view -Ob -o "$S/calls.bcf" "$S/calls.vcf.gz" 2>/dev/null
"$G5" concord --no-PG -@ 2 -f "$S/ref.fa" "$S/truth.vcf.gz" "$S/calls.bcf" >"$T/formats" 2>&1
"$G5" concord --no-PG -f "$S/ref.fa" "$S/truth.vcf" "$S/calls.vcf.gz" >"$T/plain" 2>&1
same_file "$T/formats" "$T/plain" "VCF.gz and BCF with -@ 2: the same numbers as VCF"
# A sites-only truth (dwgsim's own file): the same TP/FP/FN.
"$G5" concord --no-PG -f "$S/ref.fa" "$S/s.mutations.vcf" "$S/calls.vcf.gz" >"$T/so" 2>&1
is "$(counts "$T/so")" "$(counts "$T/plain")" "dwgsim's sites-only VCF as the truth: the same counts"

# --- bad input ------------------------------------------------------------------------

bad() { # description expected-text args...
    local desc=$1 text=$2; shift 2
    rm -rf "$T/bad" && mkdir -p "$T/bad"
    exits 1 "$desc: exits 1" "$G5" concord "$@"
    is "$(wc -l <"$T/stderr")" 1 "$desc: one line on stderr"
    stderr_has "$text" "$desc: says why ($text)"
    is "$(ls -A "$T/bad")" "" "$desc: no output, no temporary left"
}
B=$T/badin && mkdir -p "$B"
awk '!/^#/ && !done && $2 == 12 {hold = $0; done = 1; next} {print} hold && $2 == 17 {print hold; hold = ""}' "$H/truth.vcf" >"$B/unsorted.vcf"
bad "unsorted input" "the truth \"$B/unsorted.vcf\" is not sorted: record 3 (t1:12) comes after t1:17" \
    -f "$H/ref.fa" -o "$T/bad/x.tsv" "$B/unsorted.vcf" "$H/calls.vcf"
{ grep '^#' "$H/calls.vcf"; grep '^t2' "$H/calls.vcf"; grep '^t1' "$H/calls.vcf"; } >"$B/order.vcf"
bad "contigs out of the reference's order" "(contigs must follow the reference's order)" \
    -f "$H/ref.fa" -o "$T/bad/x.tsv" "$H/truth.vcf" "$B/order.vcf"
sed 's/^t2\t/chrZ\t/' "$H/calls.vcf" >"$B/contig.vcf"
bad "a contig not in the reference" "contig chrZ of the calls \"$B/contig.vcf\" (record 12 (chrZ:7)) is not in the reference" \
    -f "$H/ref.fa" -o "$T/bad/x.tsv" "$H/truth.vcf" "$B/contig.vcf"
sed 's/^t1\t26\t.\tGT/t1\t26\t.\tGA/' "$H/truth.vcf" >"$B/mismatch.vcf"
bad "a REF unlike the reference" "REF mismatch in the truth \"$B/mismatch.vcf\", record 5 (t1:26): REF \"GA\" but the reference \"$H/ref.fa\" has \"GT\"" \
    -f "$H/ref.fa" -o "$T/bad/x.tsv" "$B/mismatch.vcf" "$H/calls.vcf"
sed 's/^t1\t30\t.\tG\tA/t1\t30\t.\tG\tAZ/' "$H/calls.vcf" >"$B/allele.vcf"
bad "an ALT that is no sequence" "bad allele in the calls \"$B/allele.vcf\", record 7 (t1:30): ALT \"AZ\"" \
    -f "$H/ref.fa" -o "$T/bad/x.tsv" "$H/truth.vcf" "$B/allele.vcf"
# records of 300 bytes, so that the file has several BGZF blocks: cut in the second
awk 'BEGIN {OFS = "\t"; x = sprintf("%300s", ""); gsub(/ /, "x", x)} /^##/ {print; next}
    /^#CHROM/ {print "##INFO=<ID=X,Number=1,Type=String,Description=\"Padding\">"; print; next}
    {$8 = $8 ";X=" x; print}' "$S/truth.vcf" | bcftools view -Ob -o "$B/big.bcf" 2>/dev/null
head -c $(($(wc -c <"$B/big.bcf") * 2 / 3)) "$B/big.bcf" >"$B/trunc.bcf"
bad "a truncated BCF" "cannot read the calls \"$B/trunc.bcf\": corrupt or truncated after record" \
    -f "$S/ref.fa" -o "$T/bad/x.tsv" "$S/truth.vcf" "$B/trunc.bcf"
sed 's/^t1\t8\t/t1\tx8\t/' "$H/calls.vcf" >"$B/pos.vcf"
bad "a record without a valid POS" "cannot read the calls \"$B/pos.vcf\": record 2 is malformed (no valid POS)" \
    -f "$H/ref.fa" -o "$T/bad/x.tsv" "$H/truth.vcf" "$B/pos.vcf"
bad "a missing input" "cannot read the truth \"$B/none.vcf\": No such file" -f "$H/ref.fa" -o "$T/bad/x.tsv" "$B/none.vcf" "$H/calls.vcf"
bad "an input that is not VCF" "cannot read the calls \"$H/ref.fa\": not a VCF or BCF file" -f "$H/ref.fa" -o "$T/bad/x.tsv" "$H/truth.vcf" "$H/ref.fa"
bad "an unknown sample" "sample \"nobody\" is not in the truth \"$H/truth.vcf\"" -s nobody -f "$H/ref.fa" -o "$T/bad/x.tsv" "$H/truth.vcf" "$H/calls.vcf"
bad "a missing reference" "cannot read the reference \"$B/none.fa\"" -f "$B/none.fa" -o "$T/bad/x.tsv" "$H/truth.vcf" "$H/calls.vcf"
bad "a missing BED" "cannot read the regions \"$B/none.bed\"" -R "$B/none.bed" -f "$H/ref.fa" -o "$T/bad/x.tsv" "$H/truth.vcf" "$H/calls.vcf"
printf 't1\t0\t20\nchr1\t0\t10\n' >"$B/other.bed"
bad "a BED for another build" "contig chr1 of the regions \"$B/other.bed\" is not in the reference \"$H/ref.fa\"" \
    -R "$B/other.bed" -f "$H/ref.fa" -o "$T/bad/x.tsv" "$H/truth.vcf" "$H/calls.vcf"
# -w 0: the deletion written at t1:18 moves to 13, behind the SNV at 16,
# released once the input reached 17
vcf TRUTH >"$B/window.vcf" <<'EOF'
t1 16 . G T . . . GT 0/1
t1 17 . C A . . . GT 0/1
t1 18 . GCG G . . . GT 0/1
EOF
bad "a variant moving further left than -w" "record 3 (t1:18): the variant moves 5 bp left when normalised, more than the window: give a larger -w (now 0)" \
    -w 0 -f "$H/ref.fa" -o "$T/bad/x.tsv" "$B/window.vcf" "$H/calls.vcf"
runs "the same with -w 5" "$G5" concord -w 5 -f "$H/ref.fa" "$B/window.vcf" "$H/calls.vcf"

exits 2 "no -f: a usage error" "$G5" concord "$H/truth.vcf" "$H/calls.vcf"
stderr_has "the reference is needed" "and says so"
exits 2 "one input: a usage error" "$G5" concord -f "$H/ref.fa" "$H/truth.vcf"
stderr_has "two input files are needed" "and says so"
exits 2 "-o -: a usage error" "$G5" concord -o - -f "$H/ref.fa" "$H/truth.vcf" "$H/calls.vcf"
exits 2 "-w x: a usage error" "$G5" concord -w x -f "$H/ref.fa" "$H/truth.vcf" "$H/calls.vcf"
exits 0 "-h exits 0" "$G5" concord -h
grep -q '^Usage: g5 concord' "$T/stdout"; ok $? "-h prints usage on stdout"

done_testing
