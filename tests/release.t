#!/bin/bash
# release.t -- g5 release and g5 verify.
#
# Data, made here: a BAM by g5 sort (01_pairs.sam) and a VCF by g5 joint
# (g5.g.vcf), each with its index; a per-sample table by g5 sampleqc; the
# gVCF fixture as it is; and hand-written GWAS-SSF files (bgzip, tabix) with
# their sidecars, a disclosure policy and its ledger of released sample sets:
#   height.tsv.gz   an open trait of the dictionary, with two plots
#   ok.ldl.tsv.gz   ldl (controlled) under the policy: counts above every
#                   minimum, its sample set (S01-S20) in the ledger
#   small.t2d.tsv.gz  t2d under the policy, two rows below min_mac or
#                   min_cases (lines 3 and 4)
#   a.ldl / b.t2d   under the policy, sets S01-S20 and S01-S17 in the ledger:
#                   3 samples apart, min_set_difference 10
#   bmi.tsv.gz      bmi (controlled), no policy in its sidecar
# Oracles: sha256sum and stat for the manifest's digests and sizes, samtools
# and bcftools for the provenance the files carry, cmp for the copies.
# The adversary's files -- a phenotype table as it is, renamed counts.txt,
# bgzipped as x.tsv.gz, a g5-looking eigenvec with a BMI column, the
# GWAS-SSF files that break the policy -- are each refused by an open
# release (exit 1, no folder), and taken by a controlled one.
. "$(dirname "$0")/lib.sh"

for t in samtools bcftools bgzip tabix sha256sum; do
    command -v $t >/dev/null || skip_all "$t not installed"
done

IN=$T/in
mkdir -p "$IN" "$T/out"
VERSION=$("$G5" --version-only | sed 's/+htslib-.*//')

# --- the files ------------------------------------------------------------------

"$G5" sort --write-index -o "$IN/s.bam" "$DATA/markdup/01_pairs.sam" 2>/dev/null
cp "$DATA/gvcf/ref.fa" "$IN/ref.fa"      # htslib writes its .fai beside it
"$G5" joint -f "$IN/ref.fa" --write-index -o "$IN/j.vcf.gz" "$DATA/gvcf/g5.g.vcf" 2>/dev/null
cp "$DATA/gvcf/g5.g.vcf" "$IN/block.g.vcf"
"$G5" sampleqc -o "$IN/qc" "$DATA/geno/small.vcf" 2>/dev/null
[ -s "$IN/s.bam.bai" ] && [ -s "$IN/j.vcf.gz.tbi" ] && [ -s "$IN/qc.sampleqc.tsv" ] ||
    skip_all "g5 sort, joint or sampleqc failed: see their own tests"

printf 'trait\ttype\tunit\tdescription\taccess\n' >"$IN/dict.tsv"
printf '%s\tquantitative\t%s\t%s\t%s\n' bmi kg/m2 'body mass index' controlled height cm height open \
    ldl mmol/l 'LDL cholesterol' '' >>"$IN/dict.tsv"
printf 't2d\tbinary\t-\ttype 2 diabetes\n' >>"$IN/dict.tsv"
printf 'IID\tage\tbmi\n' >"$IN/pheno.tsv"
for i in $(seq -w 1 20); do printf 'S%s\t%d\t%d.5\n' $i $((30 + 10#$i)) $((20 + 10#$i % 7)); done >>"$IN/pheno.tsv"

ids() { seq -f 'S%02g' 1 "$1"; }
digest() { ids "$1" | LC_ALL=C sort | tr '\n' '\0' | sha256sum | cut -c1-64; }
D20=$(digest 20)
D17=$(digest 17)
mkdir -p "$IN/pol"
printf 'min_mac 5\nmin_n 10\nmin_cases 3\nmin_controls 3\nmin_set_difference 10\nledger ledger.tsv\n' \
    >"$IN/pol/policy.txt"
POLICY=$(sha256sum <"$IN/pol/policy.txt" | cut -c1-64)
{ printf '#digest\tsize\tfile\tsamples\n'
  printf '%s\t20\tldl.tsv.gz\t%s\n' "$D20" "$(ids 20 | paste -sd,)"
  printf '%s\t17\tt2d.tsv.gz\t%s\n' "$D17" "$(ids 17 | paste -sd,)"; } >"$IN/pol/ledger.tsv"

SSF_HEAD='chromosome\tbase_pair_location\teffect_allele\tother_allele\tbeta\tstandard_error\teffect_allele_frequency\tp_value\trsid\tn'
# ssf NAME TRAIT POLICY SET CC ROWS...: NAME.tsv.gz, its .tbi and -meta.yaml;
# CC 1 adds n_cases and n_controls
ssf() {
    local name=$1 trait=$2 pol=$3 set=$4 cc=$5; shift 5
    { printf "$SSF_HEAD"; [ "$cc" = 1 ] && printf '\tn_cases\tn_controls'; printf '\n'
      printf '%s\n' "$@"; } | tr ' ' '\t' | bgzip >"$IN/$name.tsv.gz"
    tabix -s1 -b2 -e2 -S1 "$IN/$name.tsv.gz"
    { printf -- '---\ndata_file_name: "%s.tsv.gz"\nfile_type: GWAS-SSF v1.1\n' "$name"
      printf 'data_file_md5sum: %s\ntrait_description:\n  - "%s"\n' "$(md5sum <"$IN/$name.tsv.gz" | cut -c1-32)" "$trait"
      printf 'analysis_software: "g5 %s"\ng5_trait: "%s"\n' "$VERSION" "$trait"
      [ -n "$pol" ] && printf 'g5_release_policy: "%s"\ng5_sample_set: "%s"\ng5_suppressed: 0\n' "$pol" "$set"
    } >"$IN/$name.tsv.gz-meta.yaml"
}
ssf height height '' '' 0 '1 100 A G 0.10 0.05 0.30 0.04 rs1 20' '1 200 C T 0.20 0.05 0.25 0.01 rs2 20'
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >"$IN/height.manhattan.png"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>\n' >"$IN/height.qq.svg"
ssf ok.ldl ldl "$POLICY" "$D20" 0 '1 100 A G 0.10 0.05 0.30 0.04 rs1 20' '2 300 C T 0.20 0.05 0.25 0.01 rs2 20'
ssf small.t2d t2d "$POLICY" "$D20" 1 '1 100 A G 0.10 0.05 0.30 0.04 rs1 20 8 12' \
    '1 150 A C 0.90 0.30 0.05 0.02 rs3 20 8 12' '1 200 C T 0.20 0.05 0.25 0.01 rs2 20 2 18'
ssf a.ldl ldl "$POLICY" "$D20" 0 '1 100 A G 0.10 0.05 0.30 0.04 rs1 20'
ssf b.t2d t2d "$POLICY" "$D17" 1 '1 100 A G 0.10 0.05 0.30 0.04 rs1 17 7 10'
ssf bmi bmi '' '' 0 '1 100 A G 0.10 0.05 0.30 0.04 rs1 20'
ssf unknown.ldl ldl "$POLICY" "$(digest 19)" 0 '1 100 A G 0.10 0.05 0.30 0.04 rs1 19'

# manifest rows without the two comment lines and the header
rows() { tail -n +4 "$1"; }
col() { rows "$2" | awk -F'\t' -v n="$1" -v c="$3" '$1 == n { print $c }'; }

# --- an open release of open data ------------------------------------------------------

R=$T/out/open
OPEN_FILES="$IN/s.bam $IN/j.vcf.gz $IN/block.g.vcf $IN/qc.sampleqc.tsv $IN/height.tsv.gz $IN/height.manhattan.png $IN/height.qq.svg"
runs "an open release of open data" "$G5" release --dict "$IN/dict.tsv" -o "$R" $OPEN_FILES
cp "$T/stdout" "$T/open.stdout"
M=$R/MANIFEST.tsv
is "$(cat "$T/open.stdout")" "$(sha256sum "$M")" "stdout: the manifest's SHA-256, as sha256sum prints it"
is "$(ls "$R" | paste -sd ' ')" \
   "MANIFEST.tsv block.g.vcf height.manhattan.png height.qq.svg height.tsv.gz height.tsv.gz-meta.yaml height.tsv.gz.tbi j.vcf.gz j.vcf.gz.tbi qc.sampleqc.tsv s.bam s.bam.bai" \
   "the files given, their indexes and sidecar beside them, and the manifest"
is "$(rows "$M" | cut -f1 | paste -sd ' ')" "$(ls "$R" | grep -v MANIFEST | LC_ALL=C sort | paste -sd ' ')" \
   "one row per file, sorted by name"
is "$(rows "$M" | cut -f3,1 | awk -F'\t' '{ print $2 "  " $1 }')" "$(cd "$R" && ls | grep -v MANIFEST | LC_ALL=C sort | xargs sha256sum)" \
   "sha256: sha256sum's digest of every file"
is "$(rows "$M" | cut -f1,2)" "$(cd "$R" && for f in $(ls | grep -v MANIFEST | LC_ALL=C sort); do printf '%s\t%s\n' "$f" "$(stat -c %s "$f")"; done)" \
   "size: stat's size of every file"
bad=0; for f in $(rows "$M" | cut -f1); do cmp -s "$R/$f" "$IN/$f" || bad=$((bad + 1)); done
is "$bad" 0 "every copy byte for byte its source"
is "$(rows "$M" | cut -f1,4,5 | tr '\t' ' ' | paste -sd ',')" \
   "block.g.vcf open gVCF,height.manhattan.png open PNG,height.qq.svg open SVG,height.tsv.gz open GWAS-SSF,height.tsv.gz-meta.yaml open GWAS-SSF-meta,height.tsv.gz.tbi open TBI,j.vcf.gz open VCF,j.vcf.gz.tbi open TBI,qc.sampleqc.tsv open sample-table,s.bam open BAM,s.bam.bai open BAI" \
   "tier and kind of each: all open"
is "$(sed -n 1p "$M")" "# g5 release $VERSION: g5 release --dict $IN/dict.tsv -o $R $OPEN_FILES" \
   "line 1: # g5 release VERSION: COMMAND"
is "$(sed -n 2,3p "$M")" "$(printf '# tier: open\npath\tsize\tsha256\ttier\tkind\ttool\tversion\tcommand')" \
   "line 2 the release's tier, line 3 the header"

# provenance against samtools and bcftools
PG=$(samtools view -H "$IN/s.bam" | grep '^@PG' | grep 'PN:g5' | tail -1)
is "$(col s.bam "$M" 6) | $(col s.bam "$M" 7) | $(col s.bam "$M" 8)" \
   "g5 sort | $(printf '%s' "$PG" | tr '\t' '\n' | sed -n 's/^VN://p') | $(printf '%s' "$PG" | tr '\t' '\n' | sed -n 's/^CL://p')" \
   "BAM: tool, version and command of its g5 @PG line (samtools view -H)"
is "$(col s.bam "$M" 7)" "$VERSION" "BAM: the version is this g5's"
is "$(col j.vcf.gz "$M" 6) | $(col j.vcf.gz "$M" 7) | $(col j.vcf.gz "$M" 8)" \
   "g5 joint | $(bcftools view -h "$IN/j.vcf.gz" | sed -n 's/^##g5_jointVersion=//p') | $(bcftools view -h "$IN/j.vcf.gz" | sed -n 's/^##g5_jointCommand=//p')" \
   "VCF: tool, version and command of its ##g5_joint lines (bcftools view -h)"
is "$(col j.vcf.gz "$M" 8)" "g5 joint -f $IN/ref.fa --write-index -o $IN/j.vcf.gz $DATA/gvcf/g5.g.vcf" \
   "VCF: the command that made it"
is "$(col height.tsv.gz "$M" 6) | $(col height.tsv.gz "$M" 7) | $(col height.tsv.gz "$M" 8)" "g5 | $VERSION | -" \
   "GWAS-SSF: tool and version from its sidecar's analysis_software"
is "$(col qc.sampleqc.tsv "$M" 6) | $(col qc.sampleqc.tsv "$M" 8)" "g5 sampleqc | $(sed -n '1s/^# g5 sampleqc [^:]*: //p' "$IN/qc.sampleqc.tsv")" \
   "table: tool and command from its '# g5' line"
is "$(col block.g.vcf "$M" 6)$(col s.bam.bai "$M" 6)" "--" "no provenance recorded: -"

# reruns: byte for byte; threads change nothing
cp "$M" "$T/open.manifest"
rm -rf "$R"
runs "the same release again" "$G5" release --dict "$IN/dict.tsv" -o "$R" $OPEN_FILES
same_file "$M" "$T/open.manifest" "the same manifest, byte for byte (no timestamp)"
rm -rf "$R"
runs "again with -@ 3" "$G5" release -@ 3 --dict "$IN/dict.tsv" -o "$R" $OPEN_FILES
rows "$M" >"$T/t3.rows"; rows "$T/open.manifest" >"$T/t0.rows"
same_file "$T/t3.rows" "$T/t0.rows" "-@ 3: the same rows"
exits 1 "a folder that exists: refused" "$G5" release --dict "$IN/dict.tsv" -o "$R" "$IN/s.bam"
stderr_has "\"$R\" already exists" "  and says so"
rows "$M" >"$T/t4.rows"
same_file "$T/t4.rows" "$T/t0.rows" "  the existing release untouched"
rm -rf "$R"
runs "the release folder named with a trailing /" "$G5" release --dict "$IN/dict.tsv" -o "$R/" $OPEN_FILES
cp "$T/stdout" "$T/open.stdout"
is "$(cat "$T/open.stdout")" "$(sha256sum "$M")" "  stdout: the manifest's SHA-256 under the folder's name"
is "$(ls "$T/out")" "open" "  the folder is DIR, nothing else left beside it"

# verify
runs "g5 verify of the release" "$G5" verify --dict "$IN/dict.tsv" "$R"
is "$(cat "$T/stderr")" "g5 verify: $R: 11 files, all match" "  one summary line: N files, all match"
runs "g5 verify --sha256 with the digest release printed" "$G5" verify --dict "$IN/dict.tsv" \
    --sha256 "$(cut -c1-64 "$T/open.stdout")" "$R"
runs "g5 verify -@ 2" "$G5" verify -@ 2 --dict "$IN/dict.tsv" "$R"

# --- the adversary: each refused by an open release -----------------------------------------

# refused DESCRIPTION TEXT ARGS...: exit 1, TEXT on stderr, no folder and nothing beside it
refused() {
    local desc=$1 text=$2; shift 2
    rm -rf "$T/adv" && mkdir -p "$T/adv"
    exits 1 "$desc: refused" "$G5" release -o "$T/adv/r" "$@"
    stderr_has "$text" "$desc: says why"
    is "$(ls -A "$T/adv")" "" "$desc: no folder made, nothing left beside it"
}
mkdir -p "$T/adv-in"
A=$T/adv-in
cp "$IN/pheno.tsv" "$A/counts.txt"
bgzip -c "$IN/pheno.tsv" >"$A/x.tsv.gz"
{ printf '# g5 pca %s: g5 pca -o cohort cohort.bcf\n#IID\tPC1\tPC2\tBMI\n' "$VERSION"
  for i in $(seq -w 1 20); do printf 'S%s\t0.0%s\t-0.0%s\t2%s.5\n' $i $i $i $((10#$i % 7)); done; } >"$A/cohort.eigenvec"
cp "$IN/pheno.tsv" "$A/s.bam.bai"
printf 'samples: 20\nbmi: mean 24.1\n' >"$A/run.log"

refused "the phenotype table" \
    "g5 release: refused \"$IN/pheno.tsv\": individual-level phenotype table (column \"bmi\" is a trait of the dictionary)" \
    --dict "$IN/dict.tsv" "$IN/s.bam" "$IN/pheno.tsv"
is "$(wc -l <"$T/stderr")" 1 "  one line, for the one refused file"
refused "the same renamed counts.txt" "refused \"$A/counts.txt\": individual-level phenotype table (column \"bmi\"" \
    --dict "$IN/dict.tsv" "$A/counts.txt"
refused "the same bgzipped as x.tsv.gz" "refused \"$A/x.tsv.gz\": individual-level phenotype table (column \"bmi\"" \
    --dict "$IN/dict.tsv" "$A/x.tsv.gz"
refused "the same renamed as an index" "refused \"$A/s.bam.bai\": individual-level phenotype table" \
    --dict "$IN/dict.tsv" "$A/s.bam.bai"
refused "a g5-looking eigenvec with a BMI column" \
    "refused \"$A/cohort.eigenvec\": individual-level phenotype table (column \"BMI\" is a trait of the dictionary)" \
    --dict "$IN/dict.tsv" "$A/cohort.eigenvec"
refused "a table of samples without g5 provenance, no dictionary" \
    "refused \"$A/counts.txt\": a table of samples without g5 provenance" "$A/counts.txt"
refused "a log" "refused \"$A/run.log\": not a kind of file g5 release knows (text): controlled, to be safe" \
    --dict "$IN/dict.tsv" "$A/run.log"
refused "GWAS-SSF of a controlled trait, no policy" \
    "refused \"$IN/bmi.tsv.gz\": summary statistics of trait \"bmi\", which is controlled, and no --policy" \
    --dict "$IN/dict.tsv" "$IN/bmi.tsv.gz"
stderr_has "refused \"$IN/bmi.tsv.gz.tbi\": an index of \"bmi.tsv.gz\", which is controlled" "  its index too"
stderr_has "refused \"$IN/bmi.tsv.gz-meta.yaml\": a GWAS-SSF sidecar of \"bmi.tsv.gz\", which is controlled" "  and its sidecar"
is "$(wc -l <"$T/stderr")" 3 "  three lines: one per refused file"
refused "GWAS-SSF of a controlled trait not written under the policy" \
    "refused \"$IN/bmi.tsv.gz\": summary statistics of trait \"bmi\", which is controlled, not written under the policy" \
    --dict "$IN/dict.tsv" --policy "$IN/pol/policy.txt" "$IN/bmi.tsv.gz"
refused "GWAS-SSF under the policy with small counts" \
    "refused \"$IN/small.t2d.tsv.gz\": 2 rows break the policy (min_mac: 5, min_cases: 3), first at line 3" \
    --dict "$IN/dict.tsv" --policy "$IN/pol/policy.txt" "$IN/small.t2d.tsv.gz"
refused "nested sample sets (S01-S20 and S01-S17)" \
    "refused \"$IN/a.ldl.tsv.gz\": nested sample sets: its samples differ from those of \"b.t2d.tsv.gz\" by 3" \
    --dict "$IN/dict.tsv" --policy "$IN/pol/policy.txt" "$IN/a.ldl.tsv.gz" "$IN/b.t2d.tsv.gz"
stderr_has "refused \"$IN/b.t2d.tsv.gz\": nested sample sets: its samples differ from those of \"a.ldl.tsv.gz\" by 3" \
    "  both files of the pair"
refused "GWAS-SSF whose sample set is not in the ledger" \
    "refused \"$IN/unknown.ldl.tsv.gz\": its sample set (g5_sample_set $(printf %.12s "$(digest 19)")...) is not in the ledger" \
    --dict "$IN/dict.tsv" --policy "$IN/pol/policy.txt" "$IN/unknown.ldl.tsv.gz"
refused "GWAS-SSF of an open trait without the dictionary" \
    "refused \"$IN/height.tsv.gz\": summary statistics of trait \"height\", which has no tier without --dict" \
    "$IN/height.tsv.gz"
refused "a sidecar without its data" "refused \"$IN/height.tsv.gz-meta.yaml\": a GWAS-SSF sidecar whose data file is not in the release" \
    --dict "$IN/dict.tsv" "$IN/height.tsv.gz-meta.yaml"

# the policy's one passing file, alone and beside the open data
runs "GWAS-SSF of ldl under the policy, counts and set as it requires: open" "$G5" release --dict "$IN/dict.tsv" \
    --policy "$IN/pol/policy.txt" -o "$T/out/ldl" "$IN/ok.ldl.tsv.gz" "$IN/height.tsv.gz"
is "$(rows "$T/out/ldl/MANIFEST.tsv" | cut -f1,4 | tr '\t' ' ' | paste -sd ,)" \
   "height.tsv.gz open,height.tsv.gz-meta.yaml open,height.tsv.gz.tbi open,ok.ldl.tsv.gz open,ok.ldl.tsv.gz-meta.yaml open,ok.ldl.tsv.gz.tbi open" \
   "  it, its sidecar and index open"
runs "  g5 verify with the same dictionary and policy" "$G5" verify --dict "$IN/dict.tsv" --policy "$IN/pol/policy.txt" "$T/out/ldl"
exits 1 "  g5 verify without the policy: the file's tier is no longer shown" "$G5" verify --dict "$IN/dict.tsv" "$T/out/ldl"
stderr_has "ok.ldl.tsv.gz\" (manifest line 7, column 4): tier controlled (summary statistics of trait \"ldl\", which is controlled, and no --policy" \
    "  and says which file, line and column, and why"
# the receiving end: the policy's rules are there, the centre's ledger (its sample IDs) is not
mkdir -p "$T/recv" && cp "$IN/pol/policy.txt" "$T/recv/policy.txt"
runs "  g5 verify at the receiving end, with the policy but not its ledger: rows checked, open" \
    "$G5" verify --dict "$IN/dict.tsv" --policy "$T/recv/policy.txt" "$T/out/ldl"
stderr_has "the policy's ledger is not here: sample sets are as the sender checked them" "  and says what it could not check"
printf 'min_mac 500\nmin_n 10\nledger ledger.tsv\n' >"$T/recv/strict.txt"
exits 1 "  a different policy at the receiving end is not the one the file was written under" \
    "$G5" verify --dict "$IN/dict.tsv" --policy "$T/recv/strict.txt" "$T/out/ldl"

# --- a controlled release takes them all, and says so -----------------------------------------

C=$T/out/ctl
CTL_FILES="$IN/s.bam $IN/pheno.tsv $A/counts.txt $A/x.tsv.gz $A/cohort.eigenvec $A/run.log $IN/bmi.tsv.gz $IN/small.t2d.tsv.gz"
runs "a controlled release of the same files" "$G5" release --controlled --dict "$IN/dict.tsv" \
    --policy "$IN/pol/policy.txt" -o "$C" $CTL_FILES
is "$(sed -n 2p "$C/MANIFEST.tsv")" "# tier: controlled" "  the release's tier: controlled"
is "$(rows "$C/MANIFEST.tsv" | cut -f1,4,5 | tr '\t' ' ' | paste -sd ,)" \
   "bmi.tsv.gz controlled GWAS-SSF,bmi.tsv.gz-meta.yaml controlled GWAS-SSF-meta,bmi.tsv.gz.tbi controlled TBI,cohort.eigenvec controlled sample-table,counts.txt controlled sample-table,pheno.tsv controlled sample-table,run.log controlled text,s.bam open BAM,s.bam.bai open BAI,small.t2d.tsv.gz controlled GWAS-SSF,small.t2d.tsv.gz-meta.yaml controlled GWAS-SSF-meta,small.t2d.tsv.gz.tbi controlled TBI,x.tsv.gz controlled sample-table" \
   "  each file's tier and kind, found from content"
runs "  g5 verify passes" "$G5" verify --dict "$IN/dict.tsv" --policy "$IN/pol/policy.txt" "$C"

# --- verify finds every difference -------------------------------------------------------------

# a copy of a release to spoil; differences DESCRIPTION TEXT COUNT [verify options]
spoil() { rm -rf "$T/v"; cp -r "$1" "$T/v"; }
differs() {
    local desc=$1 text=$2 n=$3; shift 3
    exits 1 "$desc: exit 1" "$G5" verify --dict "$IN/dict.tsv" "$@" "$T/v"
    stderr_has "$text" "$desc: says which file, where and how"
    is "$(tail -1 "$T/stderr")" "g5 verify: $T/v: $n difference$([ "$n" = 1 ] || echo s) from the manifest ($(rows "$T/v/MANIFEST.tsv" | wc -l) files listed)" \
       "$desc: then the count"
}
spoil "$R"
printf 'x' >>"$T/v/qc.sampleqc.tsv"
L=$(( $(grep -n '^qc.sampleqc.tsv' "$T/v/MANIFEST.tsv" | cut -d: -f1) ))
differs "a file with a byte appended" "\"$T/v/qc.sampleqc.tsv\" (manifest line $L, column 3): SHA-256 $(sha256sum <"$T/v/qc.sampleqc.tsv" | cut -c1-64), the manifest says $(col qc.sampleqc.tsv "$M" 3)" 2
stderr_has "\"$T/v/qc.sampleqc.tsv\" (manifest line $L, column 2): $(stat -c %s "$T/v/qc.sampleqc.tsv") bytes, the manifest says $(col qc.sampleqc.tsv "$M" 2)" \
    "  and its size"
spoil "$R"
printf 'Z' | dd of="$T/v/s.bam.bai" bs=1 seek=50 conv=notrunc 2>/dev/null
differs "a byte changed, the size the same" "\"$T/v/s.bam.bai\" (manifest line 14, column 3): SHA-256" 1
spoil "$R"
rm "$T/v/j.vcf.gz.tbi"
differs "a file removed" "\"$T/v/j.vcf.gz.tbi\" (manifest line 11): missing" 1
spoil "$R"
cp "$IN/pheno.tsv" "$T/v/zz.tsv"
differs "a file added" "\"$T/v/zz.tsv\": not in the manifest" 1
spoil "$C"
sed -i 's/^\(pheno.tsv\t[0-9]*\t[0-9a-f]*\t\)controlled/\1open/' "$T/v/MANIFEST.tsv"
differs "the manifest's tier of pheno.tsv edited to open" \
    "\"$T/v/pheno.tsv\" (manifest line 9, column 4): tier controlled (individual-level phenotype table (column \"bmi\" is a trait of the dictionary)), the manifest says open" 1 \
    --policy "$IN/pol/policy.txt"
spoil "$C"
sed -i 's/^# tier: controlled$/# tier: open/; s/^\(pheno.tsv\t[0-9]*\t[0-9a-f]*\t\)controlled/\1open/' "$T/v/MANIFEST.tsv"
differs "a controlled release relabelled open" "\"$T/v/bmi.tsv.gz\" (manifest line 4, column 4): controlled, in an open release" 11 \
    --policy "$IN/pol/policy.txt"
spoil "$R"
differs "a wrong --sha256" "\"$T/v/MANIFEST.tsv\": SHA-256 $(cut -c1-64 "$T/open.stdout"), but --sha256 says $(printf '0%.0s' $(seq 64))" 1 \
    --sha256 "$(printf '0%.0s' $(seq 64))"
spoil "$R"
head -c 300 "$R/s.bam" >"$T/v/s.bam"
exits 1 "a BAM cut short" "$G5" verify --dict "$IN/dict.tsv" "$T/v"
stderr_has "\"$T/v/s.bam\" (manifest line 13): cannot read the header of \"$T/v/s.bam\" (BAM)" "  reported as a difference"
stderr_has "\"$T/v/s.bam\" (manifest line 13, column 2): 300 bytes" "  with its size"
grep -q "^g5 verify: $T/v: [0-9]* differences from the manifest" "$T/stderr"; ok $? "  and the count after them"
spoil "$R"
printf 'x' >>"$T/v/height.qq.svg"
sed -i 's/^\(height.qq.svg\t[0-9]*\t\)[0-9a-f]*/\1not-a-digest/' "$T/v/MANIFEST.tsv"
exits 1 "a malformed manifest: exit 1" "$G5" verify "$T/v"
is "$(cat "$T/stderr")" "g5 verify: \"$T/v/MANIFEST.tsv\" line 6, column 3 (sha256): \"not-a-digest\" is not 64 lowercase hex digits" \
   "  one line, naming file, line and column"
spoil "$R"
sed -i '5s/\t[^\t]*$//' "$T/v/MANIFEST.tsv"
exits 1 "a row cut short" "$G5" verify "$T/v"
stderr_has "MANIFEST.tsv\" line 5: 7 fields, the header has 8" "  names the line"
rm "$T/v/MANIFEST.tsv"
exits 1 "no manifest" "$G5" verify "$T/v"
stderr_has "cannot read \"$T/v/MANIFEST.tsv\"" "  says so"

# --- usage and bad input ---------------------------------------------------------------------

rm -rf "$T/u" && mkdir -p "$T/u"
exits 2 "release without -o" "$G5" release "$IN/s.bam"
stderr_has "-o DIR" "  names -o DIR"
exits 2 "release without files" "$G5" release -o "$T/u/r"
exits 2 "release --threads x" "$G5" release -@ x -o "$T/u/r" "$IN/s.bam"
mkdir -p "$T/u/b"; cp "$IN/pheno.tsv" "$T/u/b/s.bam"
exits 2 "two files of one name" "$G5" release -o "$T/u/r" "$IN/s.bam" "$T/u/b/s.bam"
stderr_has "\"$IN/s.bam\" and \"$T/u/b/s.bam\" would both be \"s.bam\"" "  names both"
exits 1 "a file that is not there" "$G5" release -o "$T/u/r" "$T/u/none.bam"
stderr_has "cannot read \"$T/u/none.bam\"" "  names it"
head -c 300 "$IN/s.bam" >"$T/u/cut.bam"
exits 1 "a BAM cut short" "$G5" release -o "$T/u/r" "$T/u/cut.bam"
stderr_has "cannot read the header of \"$T/u/cut.bam\" (BAM)" "  names it"
rm "$T/u/cut.bam"
printf 'trait\ttype\tunit\tdescription\taccess\nbmi\tquantitative\t-\tBMI\tpublic\n' >"$T/u/dict.tsv"
exits 1 "a dictionary with access \"public\"" "$G5" release --dict "$T/u/dict.tsv" -o "$T/u/r" "$IN/s.bam"
stderr_has "\"$T/u/dict.tsv\" line 2, column 5 (access): \"public\" is neither open nor controlled" "  names line and column"
is "$(ls -A "$T/u" | paste -sd ' ')" "b dict.tsv" "  no folder made by any of them"
# killed halfway (SIGTERM, as a scheduler sends it): no folder, no temporary
# folder, nothing in it left
rm -rf "$T/k" && mkdir -p "$T/k"
truncate -s 400M "$T/k/big.txt"
"$G5" release --controlled -o "$T/k/r" "$T/k/big.txt" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do ls -d "$T"/k/r.tmp.* >/dev/null 2>&1 && break; sleep 0.02; done
seen=$(ls -d "$T"/k/r.tmp.* 2>/dev/null | wc -l)
kill -TERM $pid 2>/dev/null
wait $pid
st=$?
is "$seen $st" "1 143" "a release killed while it copies: it had its temporary folder, and dies of SIGTERM"
is "$(ls -A "$T/k" | paste -sd ' ')" "big.txt" "  nothing left: neither the folder nor its temporary"
rm -rf "$T/k"
exits 2 "verify --sha256 xyz" "$G5" verify --sha256 xyz "$R"
exits 2 "verify of two folders" "$G5" verify "$R" "$C"
exits 0 "release -h" "$G5" release -h
grep -q '^Usage: g5 release' "$T/stdout"; ok $? "  usage on stdout"
exits 0 "verify -h" "$G5" verify -h
grep -q '^Usage: g5 verify' "$T/stdout"; ok $? "  usage on stdout"

done_testing
