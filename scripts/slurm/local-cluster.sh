#!/usr/bin/env bash
# A one-machine Slurm cluster from Debian's packages, for trying (and testing) the job-array
# recipe in scripts/slurm/sweep-array.sh. Needs root. No systemd needed: munged, slurmctld
# and slurmd are started by hand, and `down` stops exactly those (by their pid files).
#
#   scripts/slurm/local-cluster.sh up      # install if needed, configure, start; wait for an idle node
#   scripts/slurm/local-cluster.sh status
#   scripts/slurm/local-cluster.sh down    # stop the daemons started by `up`
#
# `up` takes 10-20 s with the install (apt-get install --no-install-recommends slurm-wlm
# munge), about 2 s without. If it fails it stops what it started and exits non-zero.
set -Eeuo pipefail

state=/run/callsim-slurm          # pid files and logs of this cluster
conf=/etc/slurm/slurm.conf
node=$(hostname -s)

log() { echo "local-cluster: $*" >&2; }

running() { # running FILE NAME: whether the process whose id FILE holds is still NAME
    local pid
    [[ -s $1 ]] && pid=$(<"$1") && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2"* ]]
}

stop_pid() { # stop_pid FILE NAME: stops the process whose id FILE holds, if it is still NAME
    local file=$1 name=$2 pid
    [[ -s $file ]] || return 0
    pid=$(<"$file")
    if running "$file" "$name"; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
    fi
    rm -f "$file"
}

down() {
    stop_pid "$state/slurmd.pid" slurmd
    stop_pid "$state/slurmctld.pid" slurmctld
    stop_pid /run/munge/munged.pid munged
    # Without our configuration, Slurm's commands fail at once instead of retrying a
    # controller that is gone (so tests see "no cluster" immediately).
    if grep -qs "^# Written by callsim's scripts/slurm/local-cluster.sh" "$conf"; then
        rm -f "$conf"
    fi
    log "stopped"
}

install_packages() {
    if command -v slurmctld >/dev/null && command -v munged >/dev/null; then
        return
    fi
    log "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends slurm-wlm munge >"$state/apt.log" 2>&1 || {
        apt-get update >>"$state/apt.log" 2>&1 &&
            apt-get install -y --no-install-recommends slurm-wlm munge >>"$state/apt.log" 2>&1
    } || { log "apt-get failed (see $state/apt.log)"; return 1; }
}

start_munge() {
    install -d -o munge -g munge -m 0755 /run/munge
    if [[ ! -s /etc/munge/munge.key ]]; then
        install -d -o munge -g munge -m 0700 /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 status=none
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 0600 /etc/munge/munge.key
    if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        runuser -u munge -- munged --pid-file=/run/munge/munged.pid
    fi
    for _ in $(seq 50); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return
        sleep 0.1
    done
    log "munged does not answer"
    return 1
}

write_conf() {
    mkdir -p /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
    cat >"$conf" <<CONF
# Written by callsim's scripts/slurm/local-cluster.sh: one machine, no systemd, no cgroups.
ClusterName=callsim-local
SlurmctldHost=$node
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=1,bf_interval=1
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/jobcomp.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
}

up() {
    [[ $(id -u) == 0 ]] || { log "needs root"; exit 1; }
    mkdir -p "$state"
    trap 'log "failed; stopping what was started"; down' ERR
    install_packages
    start_munge
    write_conf
    running "$state/slurmctld.pid" slurmctld || slurmctld
    running "$state/slurmd.pid" slurmd || slurmd
    for _ in $(seq 100); do
        case $(sinfo -h -n "$node" -o %T 2>/dev/null) in
            idle*) log "node $node is idle; submit with sbatch"; trap - ERR; return ;;
            down* | drain*) scontrol update NodeName="$node" State=RESUME 2>/dev/null || true ;;
        esac
        sleep 0.2
    done
    log "the node did not become idle (see $state/slurmctld.log and $state/slurmd.log)"
    false
}

case ${1:-} in
    up) up ;;
    down) down ;;
    status) sinfo && squeue ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
