#!/usr/bin/env bash
# SAC updates per second and imagined steps per second: `mbrl-run bench learner` against
# `scripts/bench_learner_pytorch.py` (plain PyTorch, SB3's SAC step), side by side.
#
# Runs ours and PyTorch alternately (A B A B ...) for --pairs rounds, so that slow periods of a
# shared machine hit both, with the same sizes (batch 256, actor and twin critics 2 x 256 ReLU,
# Pendulum obs 3 / act 1 and HalfCheetah obs 17 / act 6) and the same thread count, and prints
# each figure, the ratio ours / PyTorch per pair (higher is faster for us), the median ratios
# and the CPU model. Targets: SAC updates at least 2x PyTorch's on one thread; imagined steps
# at least PyTorch's.
#
# Usage:
#   scripts/bench_learner_vs_pytorch.sh [--pairs N] [--threads T] [--seconds S] [--python PATH]
#
#   --pairs N      rounds of (ours, PyTorch); default 3
#   --threads T    threads for both (MBRL_THREADS, torch.set_num_threads); default 1
#   --seconds S    minimum timed seconds per measurement; default 2
#   --python P     interpreter with torch (default /tmp/anchorvenv/bin/python, built by
#                  ../shared/anchors/setup_venv.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

pairs=3
threads=1
seconds=2
python=/tmp/anchorvenv/bin/python
while [ $# -gt 0 ]; do
    case "$1" in
        --pairs) pairs=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "bench_learner_vs_pytorch.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ ! -x "$python" ] || ! "$python" -c "import torch" 2>/dev/null; then
    echo "bench_learner_vs_pytorch.sh: no Python with torch at $python; run ../shared/anchors/setup_venv.sh or pass --python" >&2
    exit 2
fi

if [ ! -x .build/release/mbrl-run ] || [ -n "$(find Sources Package.swift -newer .build/release/mbrl-run -print -quit)" ]; then
    echo "building release..." >&2
    swift build -c release --product mbrl-run >&2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for round in $(seq 1 "$pairs"); do
    echo "pair $round/$pairs: mbrl-run bench learner..." >&2
    MBRL_THREADS=$threads .build/release/mbrl-run bench learner --json --threads "$threads" --seconds "$seconds" > "$out/ours-$round.json"
    echo "pair $round/$pairs: PyTorch..." >&2
    "$python" scripts/bench_learner_pytorch.py --json --threads "$threads" --seconds "$seconds" > "$out/torch-$round.json"
done

python3 - "$out" "$pairs" "$threads" <<'PYEOF'
import json, os, statistics, sys
directory, pairs, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def load(name):
    with open(os.path.join(directory, name + ".json")) as handle:
        lines = [line for line in handle if line.strip().startswith("{")]
    return json.loads(lines[-1])

keys = [("pendulum_updates_per_second", "SAC updates/s, Pendulum (obs 3, act 1)"),
        ("halfcheetah_updates_per_second", "SAC updates/s, HalfCheetah (obs 17, act 6)"),
        ("imagined_steps_per_second", "imagined steps/s (7 x 4 x 200 SiLU ensemble + 2 x 256 policy)")]
first = load("ours-1")
print(f"CPU: {first.get('cpu', 'unknown')}; {threads} thread(s); {pairs} pair(s); torch {load('torch-1').get('torch', '?')}")
for key, title in keys:
    print(f"\n{title}")
    print("| pair | mbrl-run | PyTorch | ratio (ours / PyTorch) |")
    print("| ---: | ---: | ---: | ---: |")
    ratios = []
    for pair in range(1, pairs + 1):
        ours, theirs = load(f"ours-{pair}").get(key), load(f"torch-{pair}").get(key)
        if ours is None or theirs is None:
            print(f"| {pair} | {'-' if ours is None else f'{ours:.1f}'} | {'-' if theirs is None else f'{theirs:.1f}'} | not measured |")
            continue
        ratios.append(ours / theirs)
        print(f"| {pair} | {ours:.1f} | {theirs:.1f} | {ours / theirs:.3f} |")
    if ratios:
        print(f"median ratio: {statistics.median(ratios):.3f}")
PYEOF
