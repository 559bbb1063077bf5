#!/bin/bash
# workflows/slurm/onenode.sh -- a private one-node SLURM cluster on this
# machine, to try the workflows' EXEC=slurm (tests/slurm.t uses it).
#
#   workflows/slurm/onenode.sh start DIR    start munged, slurmctld, slurmd
#   export SLURM_CONF=DIR/slurm.conf        then srun, sinfo, squeue ... use it
#   workflows/slurm/onenode.sh stop DIR     cancel its jobs, stop its daemons
#   workflows/slurm/onenode.sh ps DIR       its processes still alive (pid, name)
#
# Needs Debian's slurm-wlm and munge, and root (slurmd starts jobs as their
# user).  Everything lives in DIR (made if missing): its own munge key and
# socket, slurm.conf, state, spool, pid and log files -- the system's
# /etc/slurm, /etc/munge and services are not used or touched.  The node
# is "localhost" (127.0.0.1) with this machine's CPUs and 90% of its memory,
# in one partition "g5"; the two ports are the first free ones from 6900
# (PORT=N to start elsewhere).  Cores and memory are consumable
# (select/cons_tres, CR_Core_Memory), so srun's -c and --mem are honoured
# when placing jobs; nothing enforces them (no cgroups: task/none).  With
# no accounting database, every finished job is written to
# DIR/log/jobcomp.log (jobcomp/filetxt): its name, state, exit code and
# TRES (cpu=,mem=).  start waits until the node is idle (30 s at most); on
# failure it prints the daemons' logs, stops what it started, exits 1.
set -u
cmd=${1:-} dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop|ps DIR" >&2
    exit 2
fi
dir=$(mkdir -p "$dir" && cd "$dir" && pwd) || exit 1
conf=$dir/slurm.conf
# only this cluster: not one named by a job's or a user's SLURM_* variables
for v in $(compgen -e | grep -E '^(SLURM|SQUEUE|SINFO|SCANCEL)_'); do unset "$v"; done
export SLURM_CONF=$conf

# the cluster's live processes: its daemons by their command lines, its
# job steps' slurmstepd by the SLURM_CONF in their environment
cluster_pids() {
    local re=${dir//./\\.} p
    { pgrep -f "^(slurmctld|slurmd) .*-f $re/slurm\\.conf\$"
      pgrep -f "^munged .*--socket=$re/munge/"
      for p in $(pgrep -x slurmstepd); do
          tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$conf" && echo "$p"
      done; } | sort -un
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# TERM, then KILL after 10 s, each pid given; returns when all are gone
end() {
    local p= i
    [ $# -gt 0 ] || return 0
    for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
    for i in $(seq 100); do
        for p in "$@"; do alive "$p" && break; p=; done
        [ -z "$p" ] && return 0
        sleep 0.1
    done
    for p in "$@"; do kill -KILL "$p" 2>/dev/null; done
    sleep 0.2
}

stop() {
    local ctld slurmd munged i stepds
    ctld=$(cat "$dir/run/slurmctld.pid" 2>/dev/null)
    slurmd=$(cat "$dir/run/slurmd.pid" 2>/dev/null)
    munged=$(cat "$dir/run/munged.pid" 2>/dev/null)
    # the jobs first, while the daemons can still end them cleanly
    if alive "$ctld" && alive "$slurmd"; then
        squeue -h -o %i 2>/dev/null | xargs -r scancel 2>/dev/null
        for i in $(seq 50); do
            [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
            sleep 0.2
        done
    fi
    end $slurmd $ctld
    stepds=$(cluster_pids | grep -vxF -e "${munged:-none}")
    [ -n "$stepds" ] && end $stepds
    end $munged
    rm -f "$dir"/run/*.pid
}

logs() {
    local f
    for f in "$dir"/log/munged.log "$dir"/log/slurmctld.log "$dir"/log/slurmd.log \
             "$dir"/log/slurmctld.out "$dir"/log/slurmd.out; do
        [ -s "$f" ] || continue
        echo "---- $f"
        tail -n 30 "$f"
    done
}

fail() {
    echo "onenode.sh: $*" >&2
    logs >&2
    stop
    exit 1
}

port_free() { [ -z "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]; }

start() {
    local p pids ports=() hw cpus mem i state
    for p in munged slurmctld slurmd srun sinfo squeue scancel ss; do
        command -v $p >/dev/null || { echo "onenode.sh: $p not found" >&2; exit 1; }
    done
    pids=$(cluster_pids)
    [ -z "$pids" ] || { echo "onenode.sh: a cluster in $dir is running (pids" $pids")" >&2; exit 1; }
    # munged checks the path to its socket; a unix socket's path is short
    [ ${#dir} -le 80 ] || { echo "onenode.sh: $dir: too long a path for munge's socket" >&2; exit 1; }
    rm -rf "$dir/munge" "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
    mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log" "$dir/run" || exit 1
    chmod 700 "$dir/munge" && chmod 755 "$dir"
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null && chmod 400 "$dir/munge/munge.key" ||
        fail "cannot write a munge key"

    # --force: the directories above DIR may be closed to others (a
    # mktemp -d); clients here all run as root
    munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
        --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" \
        --seed-file="$dir/munge/munged.seed" 2>>"$dir/log/munged.log" || fail "munged did not start"
    munge -S "$dir/munge/munge.socket" -n </dev/null | unmunge -S "$dir/munge/munge.socket" >/dev/null 2>&1 ||
        fail "munge's socket does not answer"

    for p in $(seq "${PORT:-6900}" $((${PORT:-6900} + 200))); do
        port_free "$p" && ports+=("$p")
        [ ${#ports[@]} -eq 2 ] && break
    done
    [ ${#ports[@]} -eq 2 ] || fail "no two free ports from ${PORT:-6900}"

    # this machine as slurmd sees it: CPUs and memory (MB)
    hw=$(slurmd -C 2>/dev/null | head -1)
    cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
    mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
    [ -n "$cpus" ] && [ -n "$mem" ] || fail "slurmd -C did not say: $hw"

    cat >"$conf" <<EOF
# a one-node cluster for testing, written by workflows/slurm/onenode.sh
ClusterName=g5test
SlurmctldHost=localhost
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/state/slurmctld.pid
SlurmdPidFile=$dir/spool/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$((mem * 9 / 10)) State=UNKNOWN
PartitionName=g5 Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

    slurmctld -D -f "$conf" </dev/null >"$dir/log/slurmctld.out" 2>&1 &
    echo $! >"$dir/run/slurmctld.pid"
    slurmd -D -N localhost -f "$conf" </dev/null >"$dir/log/slurmd.out" 2>&1 &
    echo $! >"$dir/run/slurmd.pid"

    for i in $(seq 150); do
        state=$(sinfo -h -N -n localhost -o %T 2>/dev/null)
        [ "$state" = idle ] && return 0
        alive "$(cat "$dir/run/slurmctld.pid")" || fail "slurmctld stopped"
        alive "$(cat "$dir/run/slurmd.pid")" || fail "slurmd stopped"
        sleep 0.2
    done
    fail "the node is not idle after 30 s (sinfo: ${state:-no answer})"
}

case $cmd in
start) start ;;
stop)  stop ;;
ps)    for p in $(cluster_pids); do echo "$p $(cat "/proc/$p/comm" 2>/dev/null)"; done ;;
*)     echo "usage: $0 start|stop|ps DIR" >&2; exit 2 ;;
esac
