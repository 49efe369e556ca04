import Foundation
import MBRLCore

/// Times `BenchGEMMShape`s: warm-up, then repeats of calibrated call counts on a monotonic
/// clock; reports the best and the median repeat.
struct BenchGEMMRunner {
    /// One shape at one thread count.
    struct Result {
        let key: String
        let threads: Int
        let bestGFLOPS: Double
        let medianGFLOPS: Double
        let bestSecondsPerCall: Double
        let callsPerRepeat: Int
    }

    let repeats: Int
    let minimumSeconds: Double

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// Measures every shape at every thread count (shapes outer, so operands are allocated once).
    func measure(_ shapes: [BenchGEMMShape], threadCounts: [Int], progress: ((String) -> Void)?) -> [Result] {
        let clock = ContinuousClock()
        var results: [Result] = []
        for shape in shapes {
            shape.prepare()
            for threads in threadCounts {
                // Warm-up, and the number of calls that fill `minimumSeconds`.
                let start = clock.now
                shape.run(threads: threads)
                let once = max(Self.seconds(clock.now - start), 1e-7)
                let calls = max(1, Int((minimumSeconds / once).rounded(.up)))
                var perCall: [Double] = []
                for _ in 0..<repeats {
                    let repeatStart = clock.now
                    for _ in 0..<calls { shape.run(threads: threads) }
                    perCall.append(Self.seconds(clock.now - repeatStart) / Double(calls))
                }
                perCall.sort()
                let result = Result(
                    key: shape.key, threads: threads,
                    bestGFLOPS: shape.flops / perCall[0] / 1e9,
                    medianGFLOPS: shape.flops / perCall[perCall.count / 2] / 1e9,
                    bestSecondsPerCall: perCall[0], callsPerRepeat: calls)
                results.append(result)
                progress?(shape.key.padding(toLength: 22, withPad: " ", startingAt: 0) + String(
                    format: " threads %2d: best %7.1f GFLOP/s, median %7.1f (%d calls x %d repeats)",
                    threads, result.bestGFLOPS, result.medianGFLOPS, calls, repeats))
            }
            shape.release()
        }
        return results
    }

    /// The table: one row per shape, GFLOP/s per thread count, and the ratio of the last thread
    /// count to one thread.
    static func table(_ results: [Result], shapes: [BenchGEMMShape], threadCounts: [Int], repeats: Int,
                      peaks: [MachinePeak.Measurement] = []) -> String {
        var lines: [String] = []
        lines.append("GEMM GFLOP/s (2 m n k per product), best of \(repeats) repeats")
        var header = "shape".padding(toLength: 40, withPad: " ", startingAt: 0)
        for threads in threadCounts { header += leftPadded("\(threads) thread\(threads == 1 ? "" : "s")", 12) }
        if threadCounts.count > 1 { header += leftPadded("ratio", 9) }
        for threads in threadCounts where peaks.contains(where: { $0.threads == threads }) {
            header += leftPadded("peak \(threads)t", 9)
        }
        lines.append(header)
        for shape in shapes {
            var line = shape.title.padding(toLength: 40, withPad: " ", startingAt: 0)
            var values: [Double] = []
            for threads in threadCounts {
                let value = results.first { $0.key == shape.key && $0.threads == threads }?.bestGFLOPS ?? .nan
                values.append(value)
                line += String(format: "%12.1f", value)
            }
            if values.count > 1 { line += String(format: "%9.2f", values[values.count - 1] / values[0]) }
            for (index, threads) in threadCounts.enumerated() {
                if let peak = peaks.first(where: { $0.threads == threads }) {
                    line += String(format: "%9.2f", values[index] / peak.gigaflopsPerSecond)
                }
            }
            lines.append(line)
        }
        if !peaks.isEmpty {
            lines.append(Self.peakLine(peaks))
            lines.append("(\"peak Nt\": the shape's GFLOP/s as a fraction of the measured peak on N threads)")
        }
        return lines.joined(separator: "\n")
    }

    /// `"measured peak (FMA only, 512-bit vectors): 1 thread 80.1 GFLOP/s, 2 threads 155.3"`.
    static func peakLine(_ peaks: [MachinePeak.Measurement]) -> String {
        "measured peak (fused multiply-adds only, 512-bit vectors): " + peaks.map {
            String(format: "%d thread%@ %.1f GFLOP/s", $0.threads, $0.threads == 1 ? "" : "s", $0.gigaflopsPerSecond)
        }.joined(separator: ", ")
    }

    private static func leftPadded(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// The results as JSON, for `scripts/bench_gemm.sh`.
    static func json(_ results: [Result], repeats: Int, minimumSeconds: Double, peaks: [MachinePeak.Measurement] = []) -> String {
        let peakEntries = peaks.map { String(format: "{\"threads\": %d, \"gflops\": %.3f}", $0.threads, $0.gigaflopsPerSecond) }
        let processor = MachinePeak.processorDescription.replacingOccurrences(of: "\"", with: "'")
        let entries = results.map { result in
            "{\"shape\": \"\(result.key)\", " + String(
                format: "\"threads\": %d, \"gflops\": %.3f, \"median_gflops\": %.3f, \"seconds_per_call\": %.6e, \"calls_per_repeat\": %d}",
                result.threads, result.bestGFLOPS, result.medianGFLOPS, result.bestSecondsPerCall, result.callsPerRepeat)
        }
        return "{\"engine\": \"mbrl-swift\", \"clock\": \"monotonic\", \"statistic\": \"best\", \"repeats\": \(repeats), "
            + "\"processor\": \"\(processor)\", \"peak\": [\(peakEntries.joined(separator: ", "))], "
            + "\"min_seconds_per_repeat\": \(minimumSeconds), \"results\": [\n  "
            + entries.joined(separator: ",\n  ") + "\n]}"
    }
}
