import Foundation
import MBRLCore

/// `mbrl-run bench ...`: performance measurements.
enum BenchCommand {
    static let help = """
        mbrl-run bench gemm [--threads N] [--repeats R] [--min-time S] [--only KEY,KEY] [--json]
        mbrl-run bench gemm --size MxNxK [--count E] [--transpose-a] [--transpose-b] [--fused] [--packed] ...
        mbrl-run bench planners [--episodes N] [--planner NAME ...]   (planner acceptance table; see README)
        mbrl-run bench train [--epochs N] [--threads N]                (ensemble training throughput)
        mbrl-run bench plan [--actions N] [--scaling] ...               (seconds per PETS action)
        mbrl-run bench pets [RECIPE] [--seed S] [--target R] ...         (a whole PETS run to its first solved episode)
        mbrl-run bench latent [RECIPE] [--updates N] [--variants LIST] ... (MLP against convolutional latent encoders)
        mbrl-run bench learner [--threads N] [--seconds S] ...          (SAC updates/s and imagined steps/s; see --help)
        mbrl-run bench mbpo [RECIPE] [--steps N] [--threads N] ...       (seconds per MBPO training step; see --help)
        mbrl-run bench policy-gradient [--samples N] [--horizons LIST]   (policy backprop's gradient norm against the horizon)

        Measures GEMM on the shapes of PETS planning and training (a 7-member ensemble of
        4 x 200 MLPs): GFLOP/s (2 m n k per product) on one thread and on N threads
        (default: all cores), and their ratio; first the processor and the machine's measured
        peak on each thread count (a loop of fused multiply-adds on 512-bit vectors, best of 3),
        then each shape's fraction of it.

        Timing: a monotonic clock (ContinuousClock). Each shape is run once to warm up, then
        R repeats (default 5); a repeat runs as many calls as take at least S seconds (default
        0.1) and yields the time per call. The table shows the best repeat (highest GFLOP/s);
        --json also gives the median.

        --size measures one product of your own instead (E problems with --count; --fused adds
        bias and SiLU; --packed packs B once before timing).

        Keys: \(BenchGEMMShape.petsShapes.map(\.key).joined(separator: ", "))
        """

    static func main(_ arguments: [String]) throws {
        // `bench --help` and `bench gemm --help` show this text; `bench NAME --help` shows NAME's.
        if arguments.isEmpty || arguments[0] == "--help" || arguments[0] == "-h" { print(help); return }
        switch arguments[0] {
        case "gemm": if arguments.contains("--help") { print(help); return }
        case "planners": try PlannerAcceptance.main(Array(arguments.dropFirst())); return
        case "train": try TrainBenchmark.main(Array(arguments.dropFirst())); return
        case "plan": try PlanBenchmark.main(Array(arguments.dropFirst())); return
        case "pets": try PetsBenchmark.main(Array(arguments.dropFirst())); return
        case "latent": try LatentBenchmark.main(Array(arguments.dropFirst())); return
        case "learner": try LearnerBenchmark.main(Array(arguments.dropFirst())); return
        case "mbpo": try MBPOBenchmark.main(Array(arguments.dropFirst())); return
        case "policy-gradient": try PolicyGradientBenchmark.main(Array(arguments.dropFirst())); return
        default: throw UsageError("unknown benchmark '\(arguments[0])'; benchmarks: gemm, planners, train, plan, pets, latent, learner, mbpo, policy-gradient")
        }
        var parsed = try CommandArguments(Array(arguments.dropFirst()), flagNames: ["json", "transpose-a", "transpose-b", "fused", "packed"])
        let threads = try parsed.integer("threads", default: GEMM.defaultThreadCount, range: 1...1024)
        let repeats = try parsed.integer("repeats", default: 5, range: 1...1000)
        let minimumSeconds = try parsed.numbers("min-time")?.first ?? 0.1
        let only = parsed.string("only").map { $0.split(separator: ",").map(String.init) }
        let json = parsed.flag("json")
        let custom = try customShape(&parsed)
        try parsed.rejectUnknown(command: "bench gemm")
        if let extra = parsed.positionals.first {
            throw UsageError("unexpected argument '\(extra)' for 'bench gemm'")
        }
        guard minimumSeconds > 0 && minimumSeconds <= 60 else {
            throw UsageError("--min-time takes seconds in (0, 60], got \(minimumSeconds)")
        }
        var shapes = custom.map { [$0] } ?? BenchGEMMShape.petsShapes
        if let only {
            let known = Set(shapes.map(\.key))
            if let unknown = only.first(where: { !known.contains($0) }) {
                throw UsageError("unknown shape '\(unknown)'; keys: \(shapes.map(\.key).joined(separator: ", "))")
            }
            shapes = shapes.filter { only.contains($0.key) }
        }
        let threadCounts = threads == 1 ? [1] : [1, threads]
        if !json { print("processor: \(MachinePeak.processorDescription)") }
        let peaks = threadCounts.map { MachinePeak.measure(threads: $0) }
        if !json { print(BenchGEMMRunner.peakLine(peaks)) }
        let results = BenchGEMMRunner(repeats: repeats, minimumSeconds: minimumSeconds)
            .measure(shapes, threadCounts: threadCounts, progress: json ? nil : { line in print(line) })
        if json {
            print(BenchGEMMRunner.json(results, repeats: repeats, minimumSeconds: minimumSeconds, peaks: peaks))
        } else {
            print("")
            print(BenchGEMMRunner.table(results, shapes: shapes, threadCounts: threadCounts, repeats: repeats, peaks: peaks))
        }
    }

    /// The product given by `--size MxNxK` and its flags, or `nil` without `--size`.
    private static func customShape(_ parsed: inout CommandArguments) throws -> BenchGEMMShape? {
        let count = try parsed.integer("count", default: 1, range: 1...1024)
        let transposeA = parsed.flag("transpose-a"), transposeB = parsed.flag("transpose-b")
        let fused = parsed.flag("fused"), packed = parsed.flag("packed")
        guard let text = parsed.string("size") else { return nil }
        let sizes = text.split(separator: "x").compactMap { Int($0) }
        guard sizes.count == 3, sizes.allSatisfy({ $0 >= 1 && $0 <= 10_000_000 }) else {
            throw UsageError("--size takes MxNxK with positive integers, for example 7000x200x200; got \"\(text)\"")
        }
        let (m, n, k) = (sizes[0], sizes[1], sizes[2])
        let left = transposeA ? "(\(k)x\(m))^T" : "\(m)x\(k)"
        let right = transposeB ? "(\(n)x\(k))^T" : "\(k)x\(n)"
        let title = (count > 1 ? "\(count) x " : "") + "\(left) · \(right)"
            + (fused ? " +bias+SiLU" : "") + (packed ? " packed" : "")
        return BenchGEMMShape(
            key: "custom", title: title, count: count, m: m, n: n, k: k,
            transposeA: transposeA, transposeB: transposeB, fused: fused, prepacked: packed)
    }
}
