#!/usr/bin/env bash
# Seconds per MBPO training step in steady state: `mbrl-run bench mbpo` (recipes/mbpo-cartpole.json)
# against mbrl-lib 0.2.0's `mbpo.train` with its mbpo_cartpole settings
# (scripts/bench_mbpo_mbrl_lib.py), side by side with the same thread count.
#
# Both count N training steps after 200 exploration steps: a model fit every 200 steps (three for
# 600), 400 x 200 = 80,000 one-step model rollouts after each fit, 20 SAC updates of batch 256 per
# step. Runs ours, mbrl-lib, ours again (A B A) and prints a table of wall and CPU seconds per
# step, the ratios ours / mbrl-lib (ours: the mean of its two runs), each side's breakdown, and
# the CPU model.
#
# Usage:
#   scripts/bench_mbpo_vs_mbrl_lib.sh [--steps N] [--threads T] [--seed S] [--python PATH]
#
#   --steps N      training steps after exploration (default 600)
#   --threads T    threads for both (default: nproc)
#   --seed S       seed for both (default 0)
#   --python P     interpreter with mbrl-lib (default /tmp/anchorvenv/bin/python, built by
#                  ../shared/anchors/setup_venv.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

steps=600
threads=$(nproc)
seed=0
python=/tmp/anchorvenv/bin/python
while [ $# -gt 0 ]; do
    case "$1" in
        --steps) steps=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "bench_mbpo_vs_mbrl_lib.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ ! -x "$python" ]; then
    echo "bench_mbpo_vs_mbrl_lib.sh: no Python with mbrl-lib at $python; run ../shared/anchors/setup_venv.sh or pass --python" >&2
    exit 2
fi

echo "building release..." >&2
swift build -c release --product mbrl-run >&2
out=$(mktemp -d)
echo "A: mbrl-run bench mbpo --steps $steps --threads $threads --seed $seed..." >&2
.build/release/mbrl-run bench mbpo --json --steps "$steps" --threads "$threads" --seed "$seed" > "$out/ours-1.json"
echo "B: mbrl-lib mbpo.train ($steps steps, $threads threads)..." >&2
"$python" scripts/bench_mbpo_mbrl_lib.py "$steps" "$threads" "$seed" > "$out/mbrllib.log" 2>&1
grep '^{' "$out/mbrllib.log" | tail -n 1 > "$out/mbrllib.json"
echo "A: mbrl-run bench mbpo again..." >&2
.build/release/mbrl-run bench mbpo --json --steps "$steps" --threads "$threads" --seed "$seed" > "$out/ours-2.json"

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
avx512=$(grep -qw avx512f /proc/cpuinfo && echo "avx512f present" || echo "no avx512f")
python3 - "$out" "$steps" "$threads" "$cpu" "$avx512" <<'EOF'
import json, os, sys
directory, steps, threads, cpu, avx512 = sys.argv[1:6]

def load(name):
    with open(os.path.join(directory, name + ".json")) as handle:
        return json.loads(handle.read())

ours = [load("ours-1"), load("ours-2")]
theirs = load("mbrllib")
def mean(key):
    return sum(run[key] for run in ours) / len(ours)

print(f"MBPO cart-pole, {steps} training steps after 200 exploration steps, {threads} thread(s); CPU: {cpu} ({avx512})")
print("| figure | mbrl-run (A1, A2) | mbrl-lib (B) | ratio mbrl-run / mbrl-lib |")
print("| --- | ---: | ---: | ---: |")
for label, key in [("wall s per step", "seconds_per_step"), ("CPU s per step", "cpu_seconds_per_step")]:
    print(f"| {label} | {mean(key):.4f} ({ours[0][key]:.4f}, {ours[1][key]:.4f}) | {theirs[key]:.4f} "
          f"| {mean(key) / theirs[key]:.3f} |")
key = "seconds_per_step_without_evaluation"
print(f"| wall s per step, mbrl-lib without its epoch-end evaluation episode | {mean('seconds_per_step'):.4f} "
      f"| {theirs[key]:.4f} | {mean('seconds_per_step') / theirs[key]:.3f} |")
print()
print("Breakdown, wall s per step (mbrl-run: mean of A1 and A2):")
print("| part | mbrl-run | mbrl-lib | ratio |")
print("| --- | ---: | ---: | ---: |")
rows = [("SAC updates", "sac_seconds_per_step", "sac_seconds_per_step"),
        ("model rollouts", "rollout_seconds_per_step", "rollout_seconds_per_step"),
        ("model fits", "fit_seconds_per_step", "fit_seconds_per_step"),
        ("acting + environment steps (mbrl-run: acting only)", "acting_seconds_per_step", "real_step_seconds_per_step"),
        ("evaluation episodes", None, "evaluation_seconds_per_step"),
        ("the rest (mbrl-run: environment steps, logs, checkpoints)", "other_seconds_per_step", "other_seconds_per_step")]
for label, our_key, their_key in rows:
    our_value = mean(our_key) if our_key else 0.0
    their_value = theirs[their_key]
    ratio = f"{our_value / their_value:.3f}" if their_value > 0 and our_key else "-"
    print(f"| {label} | {our_value:.5f} | {their_value:.5f} | {ratio} |")
print()
print(f"model fits: mbrl-run {ours[0]['model_fits']} (epochs {ours[0]['fit_epochs']}, transitions {ours[0]['fit_transitions']}); "
      f"mbrl-lib {theirs['model_fits']} (epochs {theirs['fit_epochs']}, transitions {theirs['fit_transitions']})")
print(f"SAC updates: mbrl-run {ours[0]['sac_updates']}, mbrl-lib {theirs['sac_updates']}; "
      f"mbrl-lib evaluation episodes in the timed part: {theirs['evaluation_episodes']}")
EOF
echo "raw results in $out" >&2
