#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for testing `mbrl-run sweep --executor slurm`:
# the controller (slurmctld) and the node daemon (slurmd) run on localhost, authenticated by
# munge, with a minimal slurm.conf describing this machine's CPUs and memory (`slurmd -C`).
#
#   scripts/slurm_test_cluster.sh start    install Debian's slurm-wlm and munge if needed (root),
#                                          write the configuration, start the daemons, wait until
#                                          the node takes jobs
#   scripts/slurm_test_cluster.sh stop     stop the daemons this script started
#   scripts/slurm_test_cluster.sh status   whether the daemons run, and `sinfo`
#
# State, logs and pid files live in $MBRL_SLURM_DIR (default /tmp/mbrl-slurm). The configuration
# is written to /etc/slurm/slurm.conf (where sbatch and squeue look for it) unless that file
# exists and was not written by this script, in which case `start` refuses.
set -euo pipefail

state_dir="${MBRL_SLURM_DIR:-/tmp/mbrl-slurm}"
config_dir=/etc/slurm
config="$config_dir/slurm.conf"
marker="# written by scripts/slurm_test_cluster.sh"
munge_pid=/run/munge/munged.pid

say() { echo "slurm_test_cluster: $*"; }
fail() { echo "slurm_test_cluster: $*" >&2; exit 1; }

running() {  # running PIDFILE NAME: whether the process in PIDFILE is alive and is NAME (not a zombie)
    local pid state
    [[ -f "$1" ]] || return 1
    pid=$(cat "$1" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

install_packages() {
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null \
        && command -v munged >/dev/null; then
        return
    fi
    [[ $(id -u) == 0 ]] || fail "installing slurm-wlm and munge needs root (apt-get); run as root or install them first"
    command -v apt-get >/dev/null || fail "apt-get is missing: install Debian's slurm-wlm and munge by other means"
    say "installing slurm-wlm and munge with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    # Package scripts must not start the daemons themselves (there may be no init system).
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1
    fi
    if ! apt-get install -y --no-install-recommends slurm-wlm munge >"$state_dir/apt.log" 2>&1; then
        apt-get update >>"$state_dir/apt.log" 2>&1 || true
        apt-get install -y --no-install-recommends slurm-wlm munge >>"$state_dir/apt.log" 2>&1 \
            || { [[ $created_policy == 1 ]] && rm -f "$policy"; tail -5 "$state_dir/apt.log" >&2
                 fail "apt-get install slurm-wlm munge failed (log: $state_dir/apt.log)"; }
    fi
    [[ $created_policy == 1 ]] && rm -f "$policy"
    return 0
}

start_munge() {
    if running "$munge_pid" munged; then return; fi
    mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
    if [[ ! -s /etc/munge/munge.key ]]; then
        if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key
        else dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; fi
    fi
    chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
    chmod 0700 /etc/munge /var/lib/munge /var/log/munge; chmod 0755 /run/munge
    chmod 0400 /etc/munge/munge.key
    # Files a killed munged left behind would stop a new one.
    rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock "$munge_pid"
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do timeout 5 munge -n >/dev/null 2>&1 && return; sleep 0.1; done
    fail "munged did not start (see /var/log/munge/munged.log)"
}

write_config() {
    mkdir -p "$config_dir" "$state_dir/state" "$state_dir/spool"
    if [[ -f $config ]] && ! grep -qF "$marker" "$config"; then
        fail "$config exists and was not written by this script; not replacing it (a real cluster's configuration?)"
    fi
    # This machine as slurmd sees it: NodeName=... CPUs=... RealMemory=...
    local node
    node=$(slurmd -C | head -1)
    [[ $node == NodeName=* ]] || fail "slurmd -C printed no node line: $node"
    local host=${node#NodeName=}; host=${host%% *}
    # Leave some memory to the rest of the machine.
    local memory=${node##*RealMemory=}; memory=${memory%% *}
    node=${node/RealMemory=$memory/RealMemory=$((memory * 9 / 10))}
    cat >"$config" <<EOF
$marker
ClusterName=mbrl-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$state_dir/state
SlurmdSpoolDir=$state_dir/spool
SlurmctldPidFile=$state_dir/slurmctld.pid
SlurmdPidFile=$state_dir/slurmd.pid
SlurmctldLogFile=$state_dir/slurmctld.log
SlurmdLogFile=$state_dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state_dir/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
JobRequeue=1
MinJobAge=600
KillWait=5
SlurmdTimeout=60
SlurmctldTimeout=60
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
    mkdir -p "$state_dir"
    install_packages
    start_munge
    write_config
    local name
    for name in slurmctld slurmd; do
        running "$state_dir/$name.pid" "$name" || "$name" || fail "$name did not start (log: $state_dir/$name.log)"
    done
    # Wait until the node is idle (takes jobs), 60 s at most.
    local started=$SECONDS deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
        if timeout 5 sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
            say "running: $(timeout 5 sinfo -h -o '%P %D node(s) %c CPUs %m MB %t')"
            return
        fi
        if ((SECONDS > started + 5)); then  # (the daemons write their pid files once they are up)
            for name in slurmctld slurmd; do
                running "$state_dir/$name.pid" "$name" || fail "$name stopped (log: $state_dir/$name.log)"
            done
        fi
        timeout 5 scontrol update nodename="$(timeout 5 sinfo -h -o '%N' 2>/dev/null | head -1)" state=resume >/dev/null 2>&1 || true
        sleep 1
    done
    timeout 5 sinfo >&2 || true
    tail -5 "$state_dir/slurmctld.log" "$state_dir/slurmd.log" >&2 || true
    fail "the node did not become idle within 60 s (logs in $state_dir)"
}

stop() {
    local name
    for name in slurmd slurmctld; do
        if running "$state_dir/$name.pid" "$name"; then
            kill "$(cat "$state_dir/$name.pid")"
            for _ in $(seq 50); do running "$state_dir/$name.pid" "$name" || break; sleep 0.1; done
            say "stopped $name"
        fi
    done
    if running "$munge_pid" munged; then
        kill "$(cat "$munge_pid")"; say "stopped munged"
    fi
}

status() {
    local name up=0
    for name in slurmctld slurmd; do
        if running "$state_dir/$name.pid" "$name"; then say "$name running (pid $(cat "$state_dir/$name.pid"))"; up=$((up + 1))
        else say "$name not running"; fi
    done
    if running "$munge_pid" munged; then say "munged running"; else say "munged not running"; fi
    [[ $up == 2 ]] && timeout 5 sinfo
    [[ $up == 2 ]]
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
