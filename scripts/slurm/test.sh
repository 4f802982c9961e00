#!/usr/bin/env bash
# A sharded run on a real Slurm: installs a single-node Slurm 22.05 (Debian
# packages slurmd slurmctld slurm-client munge) if it is not there, starts
# munged, slurmctld and slurmd by hand (no systemd), plans INPUT… (default
# data/sample) with `gleaner plan --tasks 4`, submits the jobs, polls
# squeue/scontrol until the commit job ends, compares every table with
# `gleaner run` on the same input (rows in order, read by DuckDB), stops the
# daemons, and exits 0 only when the tables match.
#
#   scripts/slurm/test.sh [INPUT…]
#
# Needs root (or sudo) to install packages and start the daemons. Leaves
# nothing running; the packages stay installed. Exits 77 (skipped) when
# Slurm cannot be installed or started here, 1 when the run or the
# comparison fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
inputs=("$@")
[ ${#inputs[@]} -gt 0 ] || inputs=(data/sample)
tasks=${GLEANER_SLURM_TASKS:-4}

say() { printf '==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
skip() { echo "slurm test skipped: $*" >&2; exit 77; }
if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then
  skip "needs root or passwordless sudo"
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmd slurmctld slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  command -v apt-get >/dev/null || skip "no apt-get to install Slurm with"
  as_root apt-get install -y -q slurmd slurmctld slurm-client munge >/dev/null 2>&1 ||
    { as_root apt-get update -q >/dev/null 2>&1 &&
      as_root apt-get install -y -q slurmd slurmctld slurm-client munge >/dev/null 2>&1; } ||
    skip "apt-get could not install slurmd slurmctld slurm-client munge"
fi

target="${CARGO_TARGET_DIR:-target}"
gleaner="$target/debug/gleaner"
if [ ! -x "$gleaner" ]; then
  say "building gleaner"
  cargo build --locked
fi
gleaner=$(realpath "$gleaner")

work=$(mktemp -d /tmp/gleaner-slurm.XXXXXX)
host=$(uname -n | cut -d. -f1)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
conf=/etc/slurm/slurm.conf
stop() {
  as_root scontrol shutdown >/dev/null 2>&1 || true
  sleep 1
  # By pid file (pkill is not on every image).
  for pid in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
    [ -f "$pid" ] && as_root kill "$(cat "$pid")" >/dev/null 2>&1 || true
  done
}
trap stop EXIT

say "configuring a one-node cluster on $host ($cpus CPUs)"
as_root mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
as_root tee "$conf" >/dev/null <<CONF
ClusterName=gleaner-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
MinJobAge=600
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
[ -f /etc/munge/munge.key ] || as_root mungekey --create
as_root chown -R munge:munge /etc/munge /run/munge 2>/dev/null || true
stop
say "starting munged, slurmctld, slurmd"
as_root runuser -u munge -- /usr/sbin/munged || skip "munged did not start"
as_root slurmctld -i || skip "slurmctld did not start"
as_root slurmd || skip "slurmd did not start"
for _ in $(seq 60); do
  state=$(sinfo -h -o %t 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || skip "the node did not come up (state: ${state:-none}); see /var/log/slurm/"

say "gleaner run (the reference)"
"$gleaner" run "${inputs[@]}" --output "$work/local" >/dev/null

say "gleaner plan --tasks $tasks, submitted to Slurm"
"$gleaner" plan "${inputs[@]}" --output "$work/sharded" --tasks "$tasks" --out "$work/plan" >/dev/null
started=$(date +%s%N)
jobs=$(bash "$work/plan/submit.sh")
echo "$jobs" | sed 's/^/    job /'
commit=$(echo "$jobs" | awk '$1 == "commit" {print $2}')
ids=$(echo "$jobs" | awk '{print $2}' | paste -sd,)
# Poll (sbatch --wait backs off to many seconds between checks).
while [ -n "$(squeue -h -j "$ids" 2>/dev/null)" ]; do
  if squeue -h -j "$ids" -o '%r' | grep -q DependencyNeverSatisfied; then
    echo "a pass failed; logs:" >&2
    tail -n 5 "$work"/plan/logs/*.log >&2
    exit 1
  fi
  sleep 0.2
done
state=$(scontrol show job -o "$commit" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
say "commit job $commit: $state, ${elapsed} ms after the submission"
if [ "$state" != COMPLETED ]; then
  tail -n 20 "$work"/plan/logs/*.log >&2
  exit 1
fi
cat "$work/plan/logs/commit.log"

say "comparing the tables"
python=python3
[ -x "$repo/.venv/bin/python" ] && python="$repo/.venv/bin/python"
if ! "$python" -c 'import duckdb' 2>/dev/null; then
  python3 -m venv "$work/venv" && "$work/venv/bin/pip" install --quiet duckdb
  python="$work/venv/bin/python"
fi
"$python" - "$work/local" "$work/sharded" <<'PY'
import sys
import duckdb
local, sharded = sys.argv[1:3]
bad = 0
for table in ["documents", "duplicates", "mentions", "entities", "canonical_entities", "boilerplate"]:
    rows = [duckdb.sql(f"SELECT * FROM read_parquet('{d}/{table}/**/*.parquet')").fetchall()
            for d in (local, sharded)]
    same = rows[0] == rows[1]
    bad += not same
    print(f"    {table:12} {len(rows[0]):6} rows  {'same' if same else 'DIFFERENT'}")
sys.exit(1 if bad else 0)
PY
"$gleaner" verify "$work/sharded" >/dev/null
rm -rf "$work"
say "Slurm run matches gleaner run"
