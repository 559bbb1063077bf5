#!/bin/bash
# slurm.t -- the centre pipeline (workflows/centre.mk) with EXEC=slurm on a
# real SLURM cluster: one node on localhost, started for the test by
# workflows/slurm/onenode.sh (private munged, slurmctld, slurmd, ports and
# files under $T) and stopped at the end, whatever happens.
#
# The same sheet (two samples of refdata's reads) runs locally and through
# SLURM, each with its own copy of the reference (so SLURM also builds the
# .fai and bwa index): every output is the same bytes, and the BAM records,
# gVCF records, duplicate metrics, stats and coverage are compared one by
# one.  The jobs SLURM ran are read from the cluster's job completion log
# (no accounting database here): one per step, named as exec.mk names them,
# with the cpus and memory asked for (THREADS, MEMORY, ALIGN_MEMORY; -c is
# seen at 2 in the failing run), and none during the local run.  A step
# that fails inside its job (bwa stops on mates out of step) fails make and
# leaves no BAM; a sheet naming a missing FASTQ is refused before any job.
# Stopping make while the align jobs run (SIGTERM to make; Ctrl-C to its
# process group: exec.mk runs srun --quit-on-interrupt) cancels the jobs at
# once, and a rerun finishes with the same BAM.
#
# Installs slurm-wlm and munge with apt-get when missing (as root); needs root.
. "$(dirname "$0")/lib.sh"
export PATH=$PATH:/usr/sbin:/sbin
for t in bwa samtools bcftools perl ss; do
    command -v $t >/dev/null || skip_all "$t not installed"
done
# a test run inside a SLURM job, or with a user's defaults, must not reach another cluster
for v in $(compgen -e | grep -E '^(SLURM|SRUN|SBATCH|SALLOC|SQUEUE|SINFO|SCANCEL)_'); do unset "$v"; done
missing=
for t in munged slurmctld slurmd srun sinfo squeue scancel; do
    command -v $t >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ]; then
    [ "$(id -u)" -eq 0 ] ||
        skip_all "SLURM not installed (no$missing): apt-get install -y --no-install-recommends slurm-wlm munge"
    export DEBIAN_FRONTEND=noninteractive
    apt_install() { apt-get install -y -q --no-install-recommends slurm-wlm munge >>"$T/apt.log" 2>&1; }
    # the package lists may be missing or old: update once if the install fails
    apt_install || { apt-get update -q >>"$T/apt.log" 2>&1 && apt_install; } ||
        skip_all "apt-get install -y --no-install-recommends slurm-wlm munge failed: $(grep -E '^(E|W):' "$T/apt.log" | tail -1)"
    for t in $missing; do command -v $t >/dev/null || skip_all "$t still missing after apt-get install slurm-wlm munge"; done
fi
[ "$(id -u)" -eq 0 ] || skip_all "slurmd starts jobs as their user: the one-node cluster needs root"

t0=$(date +%s)
ONENODE=$TOP/workflows/slurm/onenode.sh
CM=$TOP/workflows/centre.mk
# munge's socket path must stay short
C=$T/slurm
[ ${#C} -le 80 ] || C=$(mktemp -d /tmp/g5slurm.XXXXXX)
cleanup() {
    "$ONENODE" stop "$C" >/dev/null 2>&1
    [ "$C" = "$T/slurm" ] || rm -rf "$C"
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
export SLURM_CONF=$C/slurm.conf

if "$ONENODE" start "$C" >"$T/start.out" 2>&1; then
    ok 0 "a one-node cluster starts: munged, slurmctld, slurmd; sinfo shows the node idle"
else
    ok 1 "a one-node cluster starts: munged, slurmctld, slurmd; sinfo shows the node idle"
    sed 's/^/# /' "$T/start.out" >&2
    done_testing
    exit 1
fi
JOBCOMP=$C/log/jobcomp.log
daemon_logs() {
    local f
    for f in "$C"/log/slurmctld.log "$C"/log/slurmd.log "$C"/log/munged.log; do
        diag "---- $f"
        tail -n 15 "$f" 2>/dev/null | sed 's/^/# /' >&2
    done
}
jobs_seen() { [ -s "$JOBCOMP" ] && wc -l <"$JOBCOMP" || echo 0; }
# the jobs finished since line N of the completion log: name state cpu mem, sorted
jobs_since() {
    local want=${2:-0} i
    for i in $(seq 50); do # a job's record follows its srun's exit closely
        [ "$(jobs_seen)" -ge $(($1 + want)) ] && break
        sleep 0.1
    done
    [ -s "$JOBCOMP" ] || return 0
    tail -n +$(($1 + 1)) "$JOBCOMP" | perl -ne '
        my ($n) = /\bName=(\S+)/; my ($s) = /\bJobState=(\S+)/; my ($t) = /\bTres=(\S+)/;
        my ($c) = $t =~ /\bcpu=(\w+)/; my ($m) = $t =~ /\bmem=(\w+)/;
        print "$n $s cpu=$c mem=$m\n"' | sort
}

# --- the same sheet, locally and through SLURM ------------------------------------------

W=$T/w
mkdir -p "$W/local" "$W/slurm"
ln -s "$TOP/refdata/reads_1.fq.gz" "$W/reads_1.fq.gz"
ln -s "$TOP/refdata/reads_2.fq.gz" "$W/reads_2.fq.gz"
# P2 has the mates the other way round: a different BAM from the same reads
printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\n%s\n%s\n' \
    $'P1\tP1.L1\tP1.lib1\t../reads_1.fq.gz\t../reads_2.fq.gz' \
    $'P2\tP2.L1\tP2.lib1\t../reads_2.fq.gz\t../reads_1.fq.gz' >"$W/sheet.tsv"
cp "$TOP/refdata/ref.fa" "$W/local/ref.fa"
cp "$TOP/refdata/ref.fa" "$W/slurm/ref.fa"
# run from each folder with the same relative paths: the outputs may be compared byte for byte
centre() { # FOLDER [make args]
    local d=$1; shift
    (cd "$W/$d" && make -f "$CM" SHEET=../sheet.tsv REF=ref.fa OUT=out G5="$G5" THREADS=1 MEMORY=512M \
        ALIGN_MEMORY=768M -j2 "$@")
}

n0=$(jobs_seen)
runs "centre.mk runs locally" centre local
is "$(jobs_seen)" "$n0" "the local run submits no job"
runs "centre.mk runs with EXEC=slurm" centre slurm EXEC=slurm
grep -q "^srun --quiet --quit-on-interrupt --ntasks=1 --cpus-per-task=1 --mem=768M --job-name=g5-align-P1 " "$T/stdout"
ok $? "make runs each step through srun"

OUTPUTS=
for s in P1 P2; do
    for f in bam bam.bai markdup.metrics stats.txt mosdepth.summary.txt mosdepth.global.dist.txt \
             mosdepth.region.dist.txt regions.bed.gz regions.bed.gz.csi thresholds.bed.gz thresholds.bed.gz.csi \
             sex.tsv g5cov_mqc.tsv g.vcf.gz g.vcf.gz.tbi; do
        OUTPUTS="$OUTPUTS $s.$f"
    done
done
for d in local slurm; do
    for f in $OUTPUTS; do [ -s "$W/$d/out/$f" ] || echo "$d/out/$f"; done
    for f in fai amb ann bwt pac sa; do [ -s "$W/$d/ref.fa.$f" ] || echo "$d/ref.fa.$f"; done
done >"$T/missing"
is "$(cat "$T/missing")" "" "both runs wrote every output, the .fai and the bwa index"
(cd "$W/local/out" && ls) >"$T/local.ls"
(cd "$W/slurm/out" && ls) >"$T/slurm.ls"
same_file "$T/slurm.ls" "$T/local.ls" "and the same files, no temporary left"

L=$W/local/out S=$W/slurm/out
for s in P1 P2; do
    samtools view "$L/$s.bam" >"$T/l.sam"; samtools view "$S/$s.bam" >"$T/s.sam"
    [ -s "$T/l.sam" ] && same_file "$T/s.sam" "$T/l.sam" "$s: the BAM records are the same ($(wc -l <"$T/l.sam"))"
    same_file <(samtools view --no-PG -H "$S/$s.bam") <(samtools view --no-PG -H "$L/$s.bam") \
        "$s: the BAM header is the same"
    bcftools view -H "$L/$s.g.vcf.gz" >"$T/l.vcf"; bcftools view -H "$S/$s.g.vcf.gz" >"$T/s.vcf"
    [ -s "$T/l.vcf" ] && same_file "$T/s.vcf" "$T/l.vcf" "$s: the gVCF records are the same ($(wc -l <"$T/l.vcf"))"
    # the metrics' header names the command: paths aside, all the same
    same_file <(grep -v '^# .*/' "$S/$s.markdup.metrics") <(grep -v '^# .*/' "$L/$s.markdup.metrics") \
        "$s: the duplicate metrics are the same"
    same_file "$S/$s.stats.txt" "$L/$s.stats.txt" "$s: the stats are the same"
    same_file "$S/$s.mosdepth.summary.txt" "$L/$s.mosdepth.summary.txt" "$s: the coverage summary is the same"
    same_file <(zcat "$S/$s.regions.bed.gz") <(zcat "$L/$s.regions.bed.gz") "$s: the coverage by region is the same"
    same_file <(cat "$S/$s.sex.tsv" "$S/$s.mosdepth.global.dist.txt") \
              <(cat "$L/$s.sex.tsv" "$L/$s.mosdepth.global.dist.txt") "$s: the depth distribution and sex check are the same"
done
for f in $OUTPUTS; do cmp -s "$L/$f" "$S/$f" || echo "$f"; done >"$T/differ"
is "$(cat "$T/differ")" "" "every output is the same bytes"
cmp -s "$W/local/ref.fa.bwt" "$W/slurm/ref.fa.bwt" && cmp -s "$W/local/ref.fa.fai" "$W/slurm/ref.fa.fai"
ok $? "and so are the bwa index and the .fai built by SLURM jobs"

# the jobs SLURM ran: one per step, with the step's threads and memory
jobs_since "$n0" 8 >"$T/jobs"
cat >"$T/jobs.expected" <<'EOF'
g5-align-P1 COMPLETED cpu=1 mem=768M
g5-align-P2 COMPLETED cpu=1 mem=768M
g5-bwa-index COMPLETED cpu=1 mem=768M
g5-call-P1 COMPLETED cpu=1 mem=512M
g5-call-P2 COMPLETED cpu=1 mem=512M
g5-coverage-P1 COMPLETED cpu=1 mem=512M
g5-coverage-P2 COMPLETED cpu=1 mem=512M
g5-faidx COMPLETED cpu=1 mem=1G
EOF
same_file "$T/jobs" "$T/jobs.expected" "SLURM ran every step as a job named g5-STEP, with -c THREADS and --mem MEMORY"
grep -q 'NodeList=localhost' "$JOBCOMP"; ok $? "on the cluster's node"

n1=$(jobs_seen)
runs "a rerun through SLURM" centre slurm EXEC=slurm
is "$(grep -c '^srun' "$T/stdout")" 0 "submits nothing"
is "$(jobs_seen)" "$n1" "and SLURM ran nothing"

# --- failures -------------------------------------------------------------------------

# a step failing inside its job: bwa stops at mates out of step (read 2 one pair behind)
zcat "$W/reads_2.fq.gz" | tail -n +5 | gzip -1 >"$W/skewed_2.fq.gz"
printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\nBAD\tBAD.L1\tBAD.lib1\t../reads_1.fq.gz\t../skewed_2.fq.gz\n' >"$W/bad.tsv"
n2=$(jobs_seen)
(cd "$W/slurm" && make -f "$CM" SHEET=../bad.tsv REF=ref.fa OUT=bad G5="$G5" THREADS=2 MEMORY=640M EXEC=slurm) \
    >"$T/stdout" 2>"$T/stderr"
st=$?
[ $st -ne 0 ]; ok $? "a step failing in its SLURM job fails make (status $st)"
stderr_has "srun: error: localhost: task 0: Exited with exit code 1" "srun says the task failed"
grep -q 'paired reads have different names' "$W/slurm/bad/BAD.bwa.log"; ok $? "and bwa's log says why"
ls "$W/slurm/bad" | grep '^BAD\.bam' >"$T/left"
is "$(cat "$T/left")" "" "no BAM, index or temporary is left"
jobs_since "$n2" 1 >"$T/jobs"
is "$(cat "$T/jobs")" "g5-align-BAD FAILED cpu=2 mem=640M" "SLURM ran it once, with -c 2 --mem 640M, and saw it fail"

printf 'sample\tread_group\tlibrary\tfastq1\tfastq2\nGONE\tGONE.L1\tGONE.lib1\t../reads_1.fq.gz\t../gone_2.fq.gz\n' >"$W/gone.tsv"
n3=$(jobs_seen)
(cd "$W/slurm" && make -f "$CM" SHEET=../gone.tsv REF=ref.fa OUT=gone G5="$G5" THREADS=1 MEMORY=512M EXEC=slurm) \
    >"$T/stdout" 2>"$T/stderr"
st=$?
[ $st -ne 0 ]; ok $? "a sheet naming a missing FASTQ fails make (status $st)"
[ ! -e "$W/slurm/gone/GONE.bam" ] && [ "$(jobs_seen)" -eq "$n3" ]; ok $? "before any job, with no BAM"

# --- interruption ---------------------------------------------------------------------

# bwa made slow, so that make can be stopped while both align jobs run; in
# a folder of its own (the outputs name OUT), with the reference indexed above
mkdir -p "$W/int"
for f in "$W"/slurm/ref.fa*; do ln -s "$f" "$W/int/"; done
printf '#!/bin/sh\nsleep 60\nexec bwa "$@"\n' >"$W/slowbwa"
chmod +x "$W/slowbwa"
both_running() {
    local i
    for i in $(seq 100); do
        [ "$(squeue -h -t R -n g5-align-P1,g5-align-P2 -o %j | wc -l)" -eq 2 ] && return 0
        sleep 0.2
    done
    return 1
}
queue_empties() {
    local i
    for i in $(seq 100); do
        [ -z "$(squeue -h -o %i)" ] && return 0
        sleep 0.1
    done
    return 1
}
interrupt() { # SIGNAL: to make (TERM) or to make's process group (INT), as Ctrl-C
    local sig=$1 pid i st t
    shift
    # its own process group, SIGINT not ignored (as a background job's is)
    (cd "$W/int" && exec perl -e 'use POSIX; setpgid(0, 0); $SIG{INT} = "DEFAULT"; exec @ARGV or die' \
        make -f "$CM" SHEET=../sheet.tsv REF=ref.fa OUT=out G5="$G5" THREADS=1 MEMORY=512M -j2 EXEC=slurm \
        BWA="$W/slowbwa" "$@") >"$T/int.out" 2>&1 &
    pid=$!
    if ! both_running; then
        ok 1 "SIG$sig: the two align jobs run"
        squeue >&2; sed 's/^/# /' "$T/int.out" >&2
        kill -KILL -- -$pid 2>/dev/null; wait $pid
        return
    fi
    t=$(date +%s%N)
    if [ "$sig" = INT ]; then kill -INT -- -$pid; else kill -TERM $pid; fi
    for i in $(seq 150); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
    t=$(( ($(date +%s%N) - t) / 1000000 ))
    if kill -0 $pid 2>/dev/null; then
        ok 1 "SIG$sig stops make and its jobs at once"
        diag "make still runs after 15 s"; kill -KILL -- -$pid 2>/dev/null
    else
        wait $pid; st=$?
        if [ $st -ne 0 ] && queue_empties; then
            ok 0 "SIG$sig stops make (status $st, after $t ms) and cancels its jobs"
        else
            ok 1 "SIG$sig stops make (status $st, after $t ms) and cancels its jobs"
            squeue >&2; sed 's/^/# /' "$T/int.out" >&2
        fi
    fi
    wait $pid 2>/dev/null
    pgrep -af "$W/slowbwa" >"$T/left"
    is "$(cat "$T/left")" "" "SIG$sig: nothing of the jobs is left running"
    ls "$W/int/out" | grep -E '^P[12]\.(bam|bam\.bai|stats\.txt|markdup\.metrics)$' >"$T/left"
    is "$(cat "$T/left")" "" "SIG$sig: no BAM"
}
n4=$(jobs_seen)
interrupt TERM
interrupt INT
# killed by srun (SIGTERM) or cancelled (--quit-on-interrupt): not COMPLETED
jobs_since "$n4" 4 | sed 's/ \(CANCELLED\|FAILED\) / ENDED /' >"$T/jobs"
printf '%s\n' "g5-align-P1 ENDED cpu=1 mem=512M" "g5-align-P1 ENDED cpu=1 mem=512M" \
    "g5-align-P2 ENDED cpu=1 mem=512M" "g5-align-P2 ENDED cpu=1 mem=512M" >"$T/jobs.expected"
same_file "$T/jobs" "$T/jobs.expected" "SLURM ended the four align jobs before they completed"
runs "a rerun after the interruptions finishes" \
    bash -c "cd '$W/int' && make -f '$CM' SHEET=../sheet.tsv REF=ref.fa OUT=out G5='$G5' THREADS=1 MEMORY=512M -j2 EXEC=slurm"
for f in $OUTPUTS; do cmp -s "$L/$f" "$W/int/out/$f" || echo "$f"; done >"$T/differ"
is "$(cat "$T/differ")" "" "with every output the same bytes as the local run"
ls "$W/int/out" | grep -F '.tmp' >"$T/left"
is "$(cat "$T/left")" "" "and no temporary left"

# --- the cluster stops ------------------------------------------------------------------

[ $_tap_failed -eq 0 ] || daemon_logs
runs "onenode.sh stop stops the cluster" "$ONENODE" stop "$C"
is "$("$ONENODE" ps "$C")" "" "no munged, slurmctld, slurmd or slurmstepd of the cluster is left"
is "$(pgrep -af -- "$C/")" "" "no process names the cluster's folder"
diag "$(($(date +%s) - t0)) s with the cluster"
done_testing
