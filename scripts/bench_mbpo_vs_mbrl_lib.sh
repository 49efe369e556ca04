#!/usr/bin/env bash
# Seconds per MBPO training step in steady state: `mbrl-run bench mbpo` (recipes/mbpo-cartpole.json)
# against mbrl-lib 0.2.0's `mbpo.train` with its mbpo_cartpole settings
# (scripts/bench_mbpo_mbrl_lib.py), side by side with the same thread count.
#
# Both count N training steps after 200 exploration steps: a model fit every 200 steps (three for
# 600), 400 x 200 = 80,000 one-step model rollouts after each fit, 20 SAC updates of batch 256 per
# step. Runs ours and mbrl-lib alternately, ours first and last (A B A, or A B A B A ... for
# --pairs N), and prints a table of wall and CPU seconds per step with the ratios ours /
# mbrl-lib (each mbrl-lib run against the mean of our runs around it; with several pairs, each
# pair's ratio and their median, so that a slow period of the shared machine on one side moves
# one pair, not the result), each side's breakdown, and the CPU model.
#
# Usage:
#   scripts/bench_mbpo_vs_mbrl_lib.sh [--pairs N] [--steps N] [--threads T] [--seed S] [--python PATH]
#
#   --pairs N      mbrl-lib runs, each between two of ours (default 1)
#   --steps N      training steps after exploration (default 600)
#   --threads T    threads for both (default: nproc)
#   --seed S       seed for both (default 0)
#   --python P     interpreter with mbrl-lib (default /tmp/anchorvenv/bin/python, built by
#                  ../shared/anchors/setup_venv.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

pairs=1
steps=600
threads=$(nproc)
seed=0
python=/tmp/anchorvenv/bin/python
while [ $# -gt 0 ]; do
    case "$1" in
        --pairs) pairs=$2; shift 2 ;;
        --steps) steps=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
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
case "$pairs" in
    ''|*[!0-9]*|0) echo "bench_mbpo_vs_mbrl_lib.sh: --pairs takes a positive whole number, got '$pairs'" >&2; exit 2 ;;
esac
ours() {
    echo "A$1: mbrl-run bench mbpo --steps $steps --threads $threads --seed $seed..." >&2
    .build/release/mbrl-run bench mbpo --json --steps "$steps" --threads "$threads" --seed "$seed" > "$out/ours-$1.json"
}
ours 1
for round in $(seq 1 "$pairs"); do
    echo "B$round: mbrl-lib mbpo.train ($steps steps, $threads threads)..." >&2
    "$python" scripts/bench_mbpo_mbrl_lib.py "$steps" "$threads" "$seed" > "$out/mbrllib-$round.log" 2>&1
    if ! grep '^{' "$out/mbrllib-$round.log" | tail -n 1 > "$out/mbrllib-$round.json" || [ ! -s "$out/mbrllib-$round.json" ]; then
        echo "bench_mbpo_vs_mbrl_lib.sh: mbrl-lib's run $round printed no result; its output is in $out/mbrllib-$round.log" >&2
        exit 1
    fi
    ours $((round + 1))
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
avx512=$(grep -qw avx512f /proc/cpuinfo && echo "avx512f present" || echo "no avx512f")
python3 - "$out" "$steps" "$threads" "$cpu" "$avx512" "$pairs" <<'EOF'
import json, os, statistics, sys
directory, steps, threads, cpu, avx512, pairs = sys.argv[1:7]
pairs = int(pairs)

def load(name):
    with open(os.path.join(directory, name + ".json")) as handle:
        return json.loads(handle.read())

ours = [load(f"ours-{index}") for index in range(1, pairs + 2)]
all_theirs = [load(f"mbrllib-{index}") for index in range(1, pairs + 1)]
def mean(key):
    return sum(run[key] for run in ours) / len(ours)
def around(round, key):
    return (ours[round][key] + ours[round + 1][key]) / 2

print(f"MBPO cart-pole, {steps} training steps after 200 exploration steps, {threads} thread(s); CPU: {cpu} ({avx512})")
if pairs == 1:
    theirs = all_theirs[0]
    print("| figure | mbrl-run (A1, A2) | mbrl-lib (B) | ratio mbrl-run / mbrl-lib |")
    print("| --- | ---: | ---: | ---: |")
    for label, key in [("wall s per step", "seconds_per_step"), ("CPU s per step", "cpu_seconds_per_step")]:
        print(f"| {label} | {mean(key):.4f} ({ours[0][key]:.4f}, {ours[1][key]:.4f}) | {theirs[key]:.4f} "
              f"| {mean(key) / theirs[key]:.3f} |")
    key = "seconds_per_step_without_evaluation"
    print(f"| wall s per step, mbrl-lib without its epoch-end evaluation episode | {mean('seconds_per_step'):.4f} "
          f"| {theirs[key]:.4f} | {mean('seconds_per_step') / theirs[key]:.3f} |")
else:
    print("| pair | mbrl-run, wall s per step (runs around) | mbrl-lib | ratio | CPU s ratio |")
    print("| ---: | --- | ---: | ---: | ---: |")
    ratios, cpu_ratios = [], []
    for round, theirs in enumerate(all_theirs):
        ratio = around(round, "seconds_per_step") / theirs["seconds_per_step"]
        cpu_ratio = around(round, "cpu_seconds_per_step") / theirs["cpu_seconds_per_step"]
        ratios.append(ratio)
        cpu_ratios.append(cpu_ratio)
        print(f"| {round + 1} | {around(round, 'seconds_per_step'):.4f} ({ours[round]['seconds_per_step']:.4f}, "
              f"{ours[round + 1]['seconds_per_step']:.4f}) | {theirs['seconds_per_step']:.4f} | {ratio:.3f} | {cpu_ratio:.3f} |")
    print(f"| median | | | **{statistics.median(ratios):.3f}** | {statistics.median(cpu_ratios):.3f} |")
    # Times as the mean over mbrl-lib's runs; counts (the same in every run) from the first.
    theirs = dict(all_theirs[0])
    theirs.update({key: sum(run[key] for run in all_theirs) / pairs
                   for key, value in all_theirs[0].items() if isinstance(value, float)})
print()
print("Breakdown, wall s per step (the mean of each side's runs):")
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
