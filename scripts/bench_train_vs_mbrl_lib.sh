#!/usr/bin/env bash
# Dynamics-model training throughput: `mbrl-run bench train` against mbrl-lib's ModelTrainer
# (scripts/bench_train_mbrl_lib.py), side by side on the same work: mbrl-lib's PETS cart-pole
# ensemble (7 x 4 x 200 SiLU Gaussian members) fitted to the same number of transitions with the
# same optimiser, batch and epochs, on the same thread count.
#
# The two alternate (ours, mbrl-lib, ours, ...) for --pairs rounds, so that slow periods of a
# shared machine hit both; the script prints the epochs per second of each, the speed-up
# (ours / mbrl-lib) per pair and its median, with the processor in the header.
#
# Usage:
#   scripts/bench_train_vs_mbrl_lib.sh [--pairs N] [--epochs N] [--threads T] [--python PATH]
#
#   --pairs N      rounds of (ours, mbrl-lib); default 3
#   --epochs N     timed epochs per run (after a one-epoch warm-up); default 5
#   --threads T    threads for both (GEMM threads, torch.set_num_threads); default: nproc
#   --python P     interpreter with mbrl-lib (default /tmp/anchorvenv/bin/python, built by
#                  ../shared/anchors/setup_venv.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

pairs=3
epochs=5
threads=$(nproc)
python=/tmp/anchorvenv/bin/python
while [ $# -gt 0 ]; do
    case "$1" in
        --pairs) pairs=$2; shift 2 ;;
        --epochs) epochs=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "bench_train_vs_mbrl_lib.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ ! -x "$python" ]; then
    echo "bench_train_vs_mbrl_lib.sh: no Python with mbrl-lib at $python; run ../shared/anchors/setup_venv.sh or pass --python" >&2
    exit 2
fi

echo "building release..." >&2
swift build -c release --product mbrl-run >&2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for round in $(seq 1 "$pairs"); do
    echo "pair $round/$pairs: mbrl-run bench train..." >&2
    .build/release/mbrl-run bench train --json --epochs "$epochs" --threads "$threads" > "$out/ours-$round.json"
    echo "pair $round/$pairs: mbrl-lib ModelTrainer..." >&2
    "$python" scripts/bench_train_mbrl_lib.py --epochs "$epochs" --threads "$threads" > "$out/mbrllib-$round.json"
done

processor=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
family=$(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
python3 - "$out" "$pairs" "$threads" "$epochs" "$processor" "$family" <<'PY'
import json, os, statistics, sys
directory, pairs, threads, epochs, processor, family = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]

def epochs_per_second(name):
    with open(os.path.join(directory, name + ".json")) as handle:
        lines = [line for line in handle if line.strip().startswith("{")]
    return json.loads(lines[-1])["epochs_per_second"]

print(f"Model training, epochs per second ({epochs} epochs per run, {threads} threads; {processor}, CPU family {family})")
print("| pair | mbrl-run | mbrl-lib | speed-up |")
print("| ---: | ---: | ---: | ---: |")
speedups = []
for pair in range(1, pairs + 1):
    ours, theirs = epochs_per_second(f"ours-{pair}"), epochs_per_second(f"mbrllib-{pair}")
    speedups.append(ours / theirs)
    print(f"| {pair} | {ours:.3f} | {theirs:.3f} | {ours / theirs:.2f} |")
print(f"median speed-up (mbrl-run / mbrl-lib): {statistics.median(speedups):.2f}")
PY
