#!/usr/bin/env python3
"""Reference timings for `mbrl-run bench gemm`: the same products with NumPy and PyTorch.

Each (library, thread count) runs in its own process, with the thread count set in the
environment (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS) before the library is
imported, and with torch.set_num_threads for PyTorch.

Timing matches the Swift benchmark: time.perf_counter (monotonic), one warm-up call, then R
repeats of as many calls as take at least S seconds; the best repeat is reported (and the median
in the JSON).

Shapes (keys shared with mbrl-run):
  fwd                   7000x200 @ 200x200
  fwd_bias_silu         silu(7000x200 @ 200x200 + bias): addmm + silu_ (PyTorch), matmul then
                        bias and silu in place (NumPy)
  fwd_bias_silu_packed  the same computation (the libraries have no packed-weights form)
  ensemble_bias_silu    7 x (75000x200 @ 200x200 + bias), silu: baddbmm + silu_ / batched matmul
  bwd_weight_tA         (7000x200)^T @ 7000x200
  bwd_input_tB          7000x200 @ (200x200)^T

Usage:
  python3 scripts/bench_gemm_reference.py [--threads 1,2] [--repeats 5] [--min-time 0.1]
      [--libraries numpy,torch] [--torch-python PATH] [--only KEY,KEY] [--json]

PyTorch runs with --torch-python (default: this interpreter) when `import torch` works there;
otherwise it is skipped with a message.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SHAPES = [
    # key, title, count, m, n, k, transpose_a, transpose_b, fused
    ("fwd", "7000x200 · 200x200", 1, 7000, 200, 200, False, False, False),
    ("fwd_bias_silu", "7000x200 · 200x200 +bias+SiLU", 1, 7000, 200, 200, False, False, True),
    ("fwd_bias_silu_packed", "  same, B packed once", 1, 7000, 200, 200, False, False, True),
    ("ensemble_bias_silu", "7 x 75000x200 · 200x200 +bias+SiLU", 7, 75000, 200, 200, False, False, True),
    ("bwd_weight_tA", "(7000x200)^T · 7000x200", 1, 200, 200, 7000, True, False, False),
    ("bwd_input_tB", "7000x200 · (200x200)^T", 1, 7000, 200, 200, False, True, False),
]


def measure(call, flops, repeats, min_seconds):
    call()
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-7)
    calls = max(1, int(min_seconds / once + 0.999))
    per_call = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        per_call.append((time.perf_counter() - start) / calls)
    per_call.sort()
    return {
        "gflops": flops / per_call[0] / 1e9,
        "median_gflops": flops / statistics.median(per_call) / 1e9,
        "seconds_per_call": per_call[0],
        "calls_per_repeat": calls,
    }


def numpy_calls(np, shape):
    key, _, count, m, n, k, transpose_a, transpose_b, fused = shape
    rng = np.random.default_rng(42)
    def uniform(*dims):
        return rng.uniform(-1, 1, size=dims).astype(np.float32)
    if count > 1:
        a, b, bias = uniform(count, m, k), uniform(count, k, n), uniform(count, 1, n)
        c, t = np.empty((count, m, n), np.float32), np.empty((count, m, n), np.float32)
    else:
        a = uniform(k, m).T if transpose_a else uniform(m, k)
        b = uniform(n, k).T if transpose_b else uniform(k, n)
        bias = uniform(n)
        c, t = np.empty((m, n), np.float32), np.empty((m, n), np.float32)

    def call():
        np.matmul(a, b, out=c)
        if fused:
            c.__iadd__(bias)
            np.negative(c, out=t)
            np.exp(t, out=t)
            t.__iadd__(1)
            np.divide(c, t, out=c)
    return call


def torch_calls(torch, shape):
    key, _, count, m, n, k, transpose_a, transpose_b, fused = shape
    generator = torch.Generator().manual_seed(42)
    def uniform(*dims):
        return torch.rand(*dims, generator=generator, dtype=torch.float32) * 2 - 1
    silu = torch.nn.functional.silu
    if count > 1:
        a, b, bias = uniform(count, m, k), uniform(count, k, n), uniform(count, 1, n)
        c = torch.empty(count, m, n)
        def call():
            torch.baddbmm(bias, a, b, out=c)
            silu(c, inplace=True)
        return call
    a = uniform(k, m).t() if transpose_a else uniform(m, k)
    b = uniform(n, k).t() if transpose_b else uniform(k, n)
    bias = uniform(n)
    c = torch.empty(m, n)
    if fused:
        def call():
            torch.addmm(bias, a, b, out=c)
            silu(c, inplace=True)
    else:
        def call():
            torch.mm(a, b, out=c)
    return call


def child(library, threads, repeats, min_seconds, only):
    """Runs in a process whose environment already fixes the thread count."""
    results = []
    if library == "numpy":
        import numpy as np
        version = np.__version__
        make = lambda shape: numpy_calls(np, shape)
    else:
        import torch
        torch.set_num_threads(threads)
        version = torch.__version__
        make = lambda shape: torch_calls(torch, shape)
    for shape in SHAPES:
        if only and shape[0] not in only:
            continue
        key, _, count, m, n, k = shape[:6]
        call = make(shape)
        result = measure(call, 2.0 * count * m * n * k, repeats, min_seconds)
        result.update({"engine": library, "version": version, "shape": key, "threads": threads})
        results.append(result)
        del call
    print(json.dumps(results))


def torch_available(python):
    probe = subprocess.run([python, "-c", "import torch"], capture_output=True)
    return probe.returncode == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.1, help="seconds per repeat at least")
    parser.add_argument("--libraries", default="numpy,torch")
    parser.add_argument("--torch-python", default=sys.executable, help="interpreter with torch installed")
    parser.add_argument("--only", default="", help="comma-separated shape keys")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child", nargs=2, metavar=("LIBRARY", "THREADS"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    only = [key for key in arguments.only.split(",") if key]

    if arguments.child:
        child(arguments.child[0], int(arguments.child[1]), arguments.repeats, arguments.min_time, only)
        return

    thread_counts = [int(value) for value in arguments.threads.split(",")]
    results = []
    for library in arguments.libraries.split(","):
        python = arguments.torch_python if library == "torch" else sys.executable
        if library == "torch" and not torch_available(python):
            print(f"bench_gemm_reference: `import torch` fails with {python}; PyTorch skipped", file=sys.stderr)
            continue
        for threads in thread_counts:
            environment = dict(os.environ)
            for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                environment[variable] = str(threads)
            command = [python, os.path.abspath(__file__), "--child", library, str(threads),
                       "--repeats", str(arguments.repeats), "--min-time", str(arguments.min_time)]
            if only:
                command += ["--only", ",".join(only)]
            finished = subprocess.run(command, env=environment, capture_output=True, text=True)
            if finished.returncode != 0:
                print(f"bench_gemm_reference: {library} with {threads} threads failed:\n{finished.stderr}",
                      file=sys.stderr)
                continue
            batch = json.loads(finished.stdout.strip().splitlines()[-1])
            results += batch
            if not arguments.json:
                for result in batch:
                    print(f"{library:6} {result['shape']:22} threads {threads}: best {result['gflops']:7.1f} GFLOP/s, "
                          f"median {result['median_gflops']:7.1f}")
    if arguments.json:
        print(json.dumps({"clock": "monotonic (time.perf_counter)", "statistic": "best",
                          "repeats": arguments.repeats, "min_seconds_per_repeat": arguments.min_time,
                          "results": results}, indent=1))


if __name__ == "__main__":
    main()
