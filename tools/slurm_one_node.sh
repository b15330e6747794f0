#!/usr/bin/env bash
# Stand up a one-node Slurm cluster (Slurm 22.05 from Debian, munge, no accounting database) on this machine,
# so that the pipeline can be built through profiles/slurm and compared with a local build
# (tests/test_shards.py). Debian or Ubuntu, run as root; idempotent (a second run only restarts the daemons).
#
#   sudo tools/slurm_one_node.sh          # install if needed, configure, start; prints `sinfo` when ready
#   sudo tools/slurm_one_node.sh --stop   # stop the daemons
#
# The node is this host with all its CPUs and its memory less 1 GiB; one partition `debug` (the default).
# Process tracking by /proc (proctrack/linuxproc) and no task plugin: no cgroup setup is needed, so it also
# runs in a container. The slurm executor then needs `--slurm-status-command squeue` (no `sacct` without
# accounting): the test passes it.
set -euo pipefail

if [ "${1:-}" = "--stop" ]; then
  pkill -x slurmd || true; pkill -x slurmctld || true; pkill -x munged || true
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "tools/slurm_one_node.sh: run as root (it installs packages and starts daemons)" >&2; exit 1; }

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

host="$(hostname -s)"
cpus="$(nproc)"
mem_mb="$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))"
conf_dir=/etc/slurm
mkdir -p "$conf_dir" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge

cat > "$conf_dir/slurm.conf" <<EOF
# one-node cluster written by tools/slurm_one_node.sh
ClusterName=corpfin
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=/var/spool/slurmctld
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 700 /etc/munge; chmod 400 /etc/munge/munge.key

pkill -x slurmd || true; pkill -x slurmctld || true; pkill -x munged || true
sleep 1
runuser -u munge -- /usr/sbin/munged
/usr/sbin/slurmctld
/usr/sbin/slurmd

for _ in $(seq 1 60); do
  if sinfo -h -o "%T" 2>/dev/null | grep -qE "^idle"; then
    sinfo
    exit 0
  fi
  scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
  sleep 1
done
echo "tools/slurm_one_node.sh: the node did not become idle; see /var/log/slurm/" >&2
sinfo || true
exit 1
