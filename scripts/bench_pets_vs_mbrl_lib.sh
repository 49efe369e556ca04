#!/usr/bin/env bash
# A whole PETS cart-pole run to its first 200/200 episode: `mbrl-run bench pets` against
# mbrl-lib's `pets.train` (scripts/pets_mbrl_lib_to_solve.py), side by side.
#
# For each seed, runs ours and then mbrl-lib (A B A B ...) with the same thread count, and prints
# per seed: the training episode that first reached 200 (after the 200 random steps), the wall
# time to it, the peak resident memory, and the ratios ours / mbrl-lib; then the medians.
#
# Usage:
#   scripts/bench_pets_vs_mbrl_lib.sh [--seeds 0,1,2] [--threads T] [--episodes N]
#                                     [--mbrl-lib-max-seconds S] [--python PATH]
#
#   --seeds LIST   seeds to run (default 0)
#   --threads T    threads for both (default: nproc)
#   --episodes N   most training episodes for ours (default 20; mbrl-lib gets the same steps)
#   --mbrl-lib-max-seconds S
#                  stop mbrl-lib unsolved at its first episode end after S seconds (the table
#                  then shows its time as a lower bound and the ratio as an upper bound)
#   --python P     interpreter with mbrl-lib (default /tmp/anchorvenv/bin/python, built by
#                  ../shared/anchors/setup_venv.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=0
threads=$(nproc)
episodes=20
python=/tmp/anchorvenv/bin/python
limit=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seeds) seeds=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --episodes) episodes=$2; shift 2 ;;
        --mbrl-lib-max-seconds) limit=(--max-seconds "$2"); shift 2 ;;
        --python) python=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "bench_pets_vs_mbrl_lib.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ ! -x "$python" ]; then
    echo "bench_pets_vs_mbrl_lib.sh: no Python with mbrl-lib at $python; run ../shared/anchors/setup_venv.sh or pass --python" >&2
    exit 2
fi

echo "building release..." >&2
swift build -c release --product mbrl-run >&2
out=$(mktemp -d)
for seed in ${seeds//,/ }; do
    echo "seed $seed: mbrl-run bench pets..." >&2
    .build/release/mbrl-run bench pets --json --seed "$seed" --threads "$threads" --episodes "$episodes" \
        > "$out/ours-$seed.json"
    echo "seed $seed: mbrl-lib pets.train..." >&2
    "$python" scripts/pets_mbrl_lib_to_solve.py --seed "$seed" --threads "$threads" \
        --max-steps $((episodes * 200)) ${limit[@]+"${limit[@]}"} --work-dir "$out/mbrl-lib-$seed" > "$out/mbrllib-$seed.log" 2>&1
    grep '^{' "$out/mbrllib-$seed.log" | tail -n 1 > "$out/mbrllib-$seed.json"
done

python3 - "$out" "$seeds" "$threads" <<'EOF'
import json, os, statistics, sys
directory, seeds, threads = sys.argv[1], sys.argv[2].split(","), sys.argv[3]

def load(name):
    with open(os.path.join(directory, name + ".json")) as handle:
        return json.loads(handle.read())

print(f"PETS cart-pole to the first 200/200 episode ({threads} threads)")
print("| seed | mbrl-run episode | mbrl-lib episode | mbrl-run wall s | mbrl-lib wall s | wall ratio "
      "| mbrl-run peak MB | mbrl-lib peak MB | memory ratio |")
print("| ---: " * 9 + "|")
wall_ratios, memory_ratios = [], []
for seed in seeds:
    ours, theirs = load(f"ours-{seed}"), load(f"mbrllib-{seed}")
    wall_ratio = ours["wall_seconds"] / theirs["wall_seconds"]
    bound = "< " if theirs.get("stopped_by_time_limit") and ours["solved_episode"] is not None else ""
    memory_ratio = ours["peak_resident_megabytes"] / theirs["peak_resident_megabytes"]
    wall_ratios.append(wall_ratio)
    memory_ratios.append(memory_ratio)
    def episode(result):
        if result["solved_episode"] is not None:
            return str(result["solved_episode"])
        return f"> {len(result['training_returns'])} (stopped)" if result.get("stopped_by_time_limit") else "not solved"
    their_wall = (">" if bound else "") + f"{theirs['wall_seconds']:.0f}"
    print(f"| {seed} | {episode(ours)} | {episode(theirs)} | {ours['wall_seconds']:.0f} | {their_wall} "
          f"| {bound}{wall_ratio:.3f} | {ours['peak_resident_megabytes']:.0f} | {theirs['peak_resident_megabytes']:.0f} "
          f"| {memory_ratio:.3f} |")
    print(f"  returns mbrl-run: {ours['training_returns']}")
    print(f"  returns mbrl-lib: {theirs['training_returns']}")
print(f"median wall ratio (mbrl-run / mbrl-lib): {statistics.median(wall_ratios):.3f}"
      + (" (an upper bound: some mbrl-lib runs were stopped unsolved)" if any(
          load(f"mbrllib-{seed}").get("stopped_by_time_limit") for seed in seeds) else ""))
print(f"median peak-memory ratio: {statistics.median(memory_ratios):.3f}")
EOF
echo "raw results in $out" >&2
