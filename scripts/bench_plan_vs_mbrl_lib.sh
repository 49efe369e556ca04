#!/usr/bin/env bash
# PETS planning time per action: `mbrl-run bench plan` against mbrl-lib's
# `mbrl_lib_plan_bench.py` (the anchor script), side by side.
#
# Runs ours and mbrl-lib alternately (A B A B ...) for --pairs rounds, so that slow periods of a
# shared machine hit both, with the same settings (mbrl-lib's default cart-pole PETS: 7 x 4 x 200
# SiLU Gaussian ensemble, 20 particles, random-model propagation, CEM 350 / 0.1 / 5 / alpha 0.1,
# horizon 15) and the same thread count, and prints the seconds per action of each, the ratio
# ours / mbrl-lib per pair, and the median ratio.
#
# Usage:
#   scripts/bench_plan_vs_mbrl_lib.sh [--pairs N] [--actions N] [--threads T]
#                                     [--python PATH] [--anchor PATH] [--memory]
#
#   --pairs N      rounds of (ours, mbrl-lib); default 3
#   --actions N    timed actions per run; default 10
#   --threads T    threads for both (GEMM threads, torch.set_num_threads); default: nproc
#   --python P     interpreter with mbrl-lib (default /tmp/anchorvenv/bin/python, built by
#                  ../shared/anchors/setup_venv.sh)
#   --anchor P     mbrl-lib's bench script (default ../shared/anchors/mbrl_lib_plan_bench.py)
#   --memory       also report each run's peak resident memory (/usr/bin/time -v)
set -euo pipefail
cd "$(dirname "$0")/.."

pairs=3
actions=10
threads=$(nproc)
python=/tmp/anchorvenv/bin/python
anchor=../shared/anchors/mbrl_lib_plan_bench.py
memory=0
while [ $# -gt 0 ]; do
    case "$1" in
        --pairs) pairs=$2; shift 2 ;;
        --actions) actions=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        --anchor) anchor=$2; shift 2 ;;
        --memory) memory=1; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "bench_plan_vs_mbrl_lib.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ ! -x "$python" ]; then
    echo "bench_plan_vs_mbrl_lib.sh: no Python with mbrl-lib at $python; run ../shared/anchors/setup_venv.sh or pass --python" >&2
    exit 2
fi
if [ ! -f "$anchor" ]; then
    echo "bench_plan_vs_mbrl_lib.sh: mbrl-lib bench script not found at $anchor; pass --anchor" >&2
    exit 2
fi
if [ "$memory" = 1 ] && [ ! -x /usr/bin/time ]; then
    echo "bench_plan_vs_mbrl_lib.sh: --memory needs /usr/bin/time (apt-get install time)" >&2
    exit 2
fi

echo "building release..." >&2
swift build -c release --product mbrl-run >&2
out=$(mktemp -d)

run() {  # run NAME COMMAND...: stdout to $out/NAME.json, peak memory to $out/NAME.time
    local name=$1; shift
    if [ "$memory" = 1 ]; then
        /usr/bin/time -v -o "$out/$name.time" "$@" > "$out/$name.json"
    else
        "$@" > "$out/$name.json"
    fi
}

for round in $(seq 1 "$pairs"); do
    echo "pair $round/$pairs: mbrl-run bench plan..." >&2
    run "ours-$round" .build/release/mbrl-run bench plan --json --actions "$actions" --threads "$threads"
    echo "pair $round/$pairs: mbrl-lib..." >&2
    run "mbrllib-$round" "$python" "$anchor" "$actions" "$threads"
done

python3 - "$out" "$pairs" "$threads" "$actions" "$memory" <<'EOF'
import json, os, re, statistics, sys
directory, pairs, threads, actions, memory = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] == "1"

def seconds(name):
    with open(os.path.join(directory, name + ".json")) as handle:
        lines = [line for line in handle if line.strip().startswith("{")]
    return json.loads(lines[-1])["seconds_per_action"]

def peak_megabytes(name):
    with open(os.path.join(directory, name + ".time")) as handle:
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", handle.read())
    return int(match.group(1)) / 1024 if match else float("nan")

print(f"PETS planning, seconds per action ({actions} actions per run, {threads} threads)")
header = "| pair | mbrl-run | mbrl-lib | ratio |"
if memory:
    header += " mbrl-run peak MB | mbrl-lib peak MB | memory ratio |"
print(header)
print("| ---: " * (header.count("|") - 1) + "|")
ratios, memory_ratios = [], []
for pair in range(1, pairs + 1):
    ours, theirs = seconds(f"ours-{pair}"), seconds(f"mbrllib-{pair}")
    ratios.append(ours / theirs)
    row = f"| {pair} | {ours:.3f} | {theirs:.3f} | {ours / theirs:.3f} |"
    if memory:
        ours_mb, theirs_mb = peak_megabytes(f"ours-{pair}"), peak_megabytes(f"mbrllib-{pair}")
        memory_ratios.append(ours_mb / theirs_mb)
        row += f" {ours_mb:.0f} | {theirs_mb:.0f} | {ours_mb / theirs_mb:.3f} |"
    print(row)
print(f"median ratio (mbrl-run / mbrl-lib): {statistics.median(ratios):.3f}")
if memory:
    print(f"median peak-memory ratio: {statistics.median(memory_ratios):.3f}")
EOF
rm -rf "$out"
