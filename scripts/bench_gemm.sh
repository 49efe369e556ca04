#!/usr/bin/env bash
# Compares `mbrl-run bench gemm` with NumPy and PyTorch on the same products.
#
# Builds mbrl-run in release mode (and, with --portable, a second build with MBRL_PORTABLE=1 in
# .build-portable), then runs ours and the reference alternately (A B A B ...) for --pairs rounds
# so that slow periods of a shared machine hit both, and prints one table: GFLOP/s (the best
# over the rounds of each run's best-of-R) and the ratio ours / reference per shape and thread
# count.
#
# Usage:
#   scripts/bench_gemm.sh [--pairs N] [--repeats R] [--threads T] [--portable]
#                         [--torch-python PATH] [--only KEY,KEY] [--keep DIR]
#
#   --pairs N          rounds of (ours, reference); default 2
#   --repeats R        repeats per measurement; default 5
#   --threads T        the multi-threaded count; default: all cores (nproc)
#   --portable         also build and time the portable binary (MBRL_PORTABLE=1)
#   --torch-python P   interpreter with torch (default /tmp/anchorvenv/bin/python if it exists)
#   --only KEYS        shapes to run (see `mbrl-run bench gemm --help`)
#   --keep DIR         keep the raw JSON files in DIR
set -euo pipefail
cd "$(dirname "$0")/.."

pairs=2
repeats=5
threads=$(nproc)
portable=0
torch_python=python3
if [ -x /tmp/anchorvenv/bin/python ]; then torch_python=/tmp/anchorvenv/bin/python; fi
only=""
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --pairs) pairs=$2; shift 2 ;;
        --repeats) repeats=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --portable) portable=1; shift ;;
        --torch-python) torch_python=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "bench_gemm.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

echo "building release (native CPU)..." >&2
swift build -c release --product mbrl-run >&2
if [ "$portable" = 1 ]; then
    echo "building release (portable, MBRL_PORTABLE=1) in .build-portable..." >&2
    MBRL_PORTABLE=1 swift build -c release --product mbrl-run --scratch-path .build-portable >&2
fi

out=${keep:-$(mktemp -d)}
mkdir -p "$out"
only_swift=()
only_python=()
if [ -n "$only" ]; then only_swift=(--only "$only"); only_python=(--only "$only"); fi

for round in $(seq 1 "$pairs"); do
    echo "round $round/$pairs: mbrl-run (native)..." >&2
    .build/release/mbrl-run bench gemm --json --threads "$threads" --repeats "$repeats" "${only_swift[@]}" \
        > "$out/ours-$round.json"
    if [ "$portable" = 1 ]; then
        echo "round $round/$pairs: mbrl-run (portable)..." >&2
        .build-portable/release/mbrl-run bench gemm --json --threads "$threads" --repeats "$repeats" \
            "${only_swift[@]}" > "$out/portable-$round.json"
    fi
    echo "round $round/$pairs: NumPy / PyTorch..." >&2
    python3 scripts/bench_gemm_reference.py --json --threads "1,$threads" --repeats "$repeats" \
        --torch-python "$torch_python" "${only_python[@]}" > "$out/reference-$round.json"
done

python3 - "$out" "$pairs" "$repeats" <<'EOF'
import glob, json, os, sys
directory, pairs, repeats = sys.argv[1], sys.argv[2], sys.argv[3]
best = {}
versions = {}
for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
    name = os.path.basename(path).split("-")[0]
    with open(path) as handle:
        data = json.load(handle)
    for result in data["results"]:
        engine = {"ours": "ours", "portable": "portable"}.get(name, result.get("engine"))
        if "version" in result:
            versions[engine] = result["version"]
        key = (engine, result["shape"], result["threads"])
        best[key] = max(best.get(key, 0.0), result["gflops"])

titles = {
    "fwd": "7000x200 · 200x200",
    "fwd_bias_silu": "7000x200 · 200x200 +bias+SiLU",
    "fwd_bias_silu_packed": "  same, B packed once (ours)",
    "ensemble_bias_silu": "7 x 75000x200 · 200x200 +bias+SiLU",
    "bwd_weight_tA": "(7000x200)^T · 7000x200",
    "bwd_input_tB": "7000x200 · (200x200)^T",
}
engines = [e for e in ["ours", "portable", "numpy", "torch"] if any(k[0] == e for k in best)]
references = [e for e in ["portable", "numpy", "torch"] if e in engines]
shapes = [s for s in titles if any(k[1] == s for k in best)]
threads = sorted({k[2] for k in best})

print(f"GEMM GFLOP/s (2 m n k per product): best over {pairs} alternating rounds, each the best of {repeats} repeats")
print("ours = mbrl-run (-Ounchecked -target-cpu native); portable = MBRL_PORTABLE=1 build"
      + "".join(f"; {e} {v}" for e, v in sorted(versions.items())))
header = f"| {'shape':36} | thr |" + "".join(f" {e:>8} |" for e in engines) + "".join(f" ours/{r:<8}|" for r in references)
print(header)
print("|" + "-" * 38 + "|-----|" + "----------|" * len(engines) + "--------------|" * len(references))
for shape in shapes:
    for count in threads:
        row = f"| {titles[shape]:36} | {count:3} |"
        for engine in engines:
            value = best.get((engine, shape, count))
            row += f" {value:8.1f} |" if value else f" {'-':>8} |"
        ours = best.get(("ours", shape, count))
        for reference in references:
            value = best.get((reference, shape, count))
            row += f" {ours / value:12.2f} |" if ours and value else f" {'-':>12} |"
        print(row)
print()
print("scaling (GFLOP/s at the highest thread count / one thread):")
for engine in engines:
    ratios = []
    for shape in shapes:
        one, many = best.get((engine, shape, 1)), best.get((engine, shape, threads[-1]))
        if one and many and threads[-1] > 1:
            ratios.append(f"{shape} {many / one:.2f}")
    if ratios:
        print(f"  {engine}: " + ", ".join(ratios))
EOF
if [ -z "$keep" ]; then rm -rf "$out"; fi
