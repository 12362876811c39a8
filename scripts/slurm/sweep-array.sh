#!/usr/bin/env bash
# One task of a Slurm job array running a callsim sweep: task I of N runs the sweep's points
# whose index ≡ I (mod N) into OUT/shard-I/<sweep>/. Each task takes a whole share of the
# points, so 64 tasks cover a sweep of any size (Slurm's default MaxArraySize is 1001).
#
#   sbatch --array=0-63 scripts/slurm/sweep-array.sh scenarios/sweeps/staffing-vs-patience.toml results
#   # when every task is done (or as a dependent job: sbatch --dependency=afterok:JOBID ...):
#   callsim merge results/shard-* --out results/merged
#
# merge writes results/merged/<sweep>/sweep.csv, identical to an unsharded run, and lists
# the points missing if a task failed; re-running a failed task (or the whole array) is safe:
# --resume keeps the points a task already wrote.
#
# Environment: CALLSIM is the callsim binary (default: callsim on PATH). Paths are taken from
# the submission folder (sbatch --chdir to change it); OUT must be on a file system that every
# node sees.
#SBATCH --job-name=callsim-sweep
#SBATCH --cpus-per-task=2
#SBATCH --output=slurm-%A_%a.out
set -euo pipefail

sweep=${1:?usage: sbatch --array=0-63 sweep-array.sh SWEEP_FILE OUT_DIR}
out=${2:?usage: sbatch --array=0-63 sweep-array.sh SWEEP_FILE OUT_DIR}
task=${SLURM_ARRAY_TASK_ID:?not in a job array: submit with sbatch --array=0-N}
first=${SLURM_ARRAY_TASK_MIN:-0}
count=${SLURM_ARRAY_TASK_COUNT:-$((SLURM_ARRAY_TASK_MAX - first + 1))}
index=$((task - first))

threads=()
if [[ -n ${SLURM_CPUS_PER_TASK:-} ]]; then
    threads=(--threads "$SLURM_CPUS_PER_TASK")
fi
exec "${CALLSIM:-callsim}" sweep "$sweep" --out "$out/shard-$index" --shard "$index/$count" \
    --resume "${threads[@]}"
