import Dispatch
import Foundation

/// The machine's measured floating-point peak: a loop of nothing but fused multiply-adds on the
/// widest vectors the kernels use (`SIMD16<Float>`, 512 bits), run on one or more threads, so a
/// benchmark's GFLOP/s can be quoted as a fraction of what this machine can do at all.
///
/// Each thread keeps `accumulatorCount` independent vector accumulators (enough to cover the
/// fused multiply-add's latency on current x86 and ARM cores) and updates every one of them
/// `acc = acc * x + y` in a long chain; 2 floating-point operations per lane per update. The
/// figure is the best of a few repeats, the same statistic as `mbrl-run bench gemm`. Builds
/// without `MBRL_FMA` (a target CPU that may lack FMA) measure a multiply and an add instead,
/// which is what their kernels issue too.
///
/// The measurement reads the machine at that moment: other processes on the same cores lower
/// it, as they lower the benchmark it is compared with, so measure both in the same run.
///
/// ```swift
/// let peak = MachinePeak.measure(threads: 2)
/// print(MachinePeak.processorDescription, peak.gigaflopsPerSecond)
/// ```
public enum MachinePeak {
    /// One measurement.
    public struct Measurement: Sendable, Equatable {
        /// Worker threads that ran the loop at the same time.
        public var threads: Int
        /// Floating-point operations per second over all threads, in units of 1e9.
        public var gigaflopsPerSecond: Double
    }

    /// Independent accumulators per thread.
    static let accumulatorCount = 10
    /// Lanes per vector.
    static let lanes = 16

    /// Measures the peak on `threads` threads: `repeats` runs of about `seconds` each (the
    /// iteration count is calibrated once), the best one reported.
    public static func measure(threads: Int, seconds: Double = 0.2, repeats: Int = 3) -> Measurement {
        let threadCount = max(1, threads)
        let clock = ContinuousClock()
        // Calibrate on one thread: iterations that take about `seconds`.
        var iterations = 1 << 16
        while true {
            let start = clock.now
            _ = chain(iterations: iterations, seed: 1)
            let elapsed = Self.seconds(clock.now - start)
            if elapsed >= seconds / 4 || iterations >= 1 << 34 {
                iterations = max(1, Int(Double(iterations) * seconds / max(elapsed, 1e-9)))
                break
            }
            iterations *= 4
        }
        let count = iterations
        var best = 0.0
        for _ in 0..<max(1, repeats) {
            let sink = ResultSink(count: threadCount)
            let start = clock.now
            DispatchQueue.concurrentPerform(iterations: threadCount) { worker in
                sink.store(chain(iterations: count, seed: Float(worker + 1)), at: worker)
            }
            let elapsed = Self.seconds(clock.now - start)
            // Reading the results keeps the loops from being removed as dead code.
            if sink.total().isNaN { continue }
            let operations = Double(threadCount) * Double(count) * Double(accumulatorCount * lanes) * 2
            best = max(best, operations / elapsed / 1e9)
        }
        return Measurement(threads: threadCount, gigaflopsPerSecond: best)
    }

    /// The processor's model name and, on x86 Linux, its family and widest vector extension,
    /// for example `"AMD EPYC (family 26, AVX-512)"`; `"unknown processor"` when the system does
    /// not say.
    public static var processorDescription: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            return "unknown processor"
        }
        func field(_ name: String) -> String? {
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        let model = field("model name") ?? field("Model") ?? field("CPU part") ?? "unknown processor"
        var details: [String] = []
        if let family = field("cpu family") { details.append("family \(family)") }
        if let flags = field("flags") ?? field("Features") {
            let set = Set(flags.split(separator: " ").map(String.init))
            if set.contains("avx512f") { details.append("AVX-512") }
            else if set.contains("avx2") { details.append("AVX2") }
            else if set.contains("asimd") { details.append("NEON") }
        }
        return details.isEmpty ? model : "\(model) (\(details.joined(separator: ", ")))"
    }

    /// `accumulatorCount` independent chains of `iterations` multiply-adds; returns their sum.
    @inline(never)
    static func chain(iterations: Int, seed: Float) -> Float {
        typealias Vector = SIMD16<Float>
        // Factors below one keep the values bounded; they come from the seed so the compiler
        // cannot fold the loop.
        let x = Vector(repeating: 1 - 1e-7 * seed), y = Vector(repeating: 1e-6 * seed)
        var a0 = Vector(repeating: seed), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4
        var a5 = a0 + 5, a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9
        for _ in 0..<iterations {
            step(&a0, x, y); step(&a1, x, y); step(&a2, x, y); step(&a3, x, y); step(&a4, x, y)
            step(&a5, x, y); step(&a6, x, y); step(&a7, x, y); step(&a8, x, y); step(&a9, x, y)
        }
        let total = (a0 + a1 + a2 + a3 + a4) + (a5 + a6 + a7 + a8 + a9)
        return total.sum()
    }

    @inline(__always)
    static func step(_ accumulator: inout SIMD16<Float>, _ x: SIMD16<Float>, _ y: SIMD16<Float>) {
        #if MBRL_FMA
        accumulator = y.addingProduct(accumulator, x)
        #else
        accumulator = accumulator * x + y
        #endif
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// Per-worker results, written by each worker to its own slot of a fixed buffer.
    private final class ResultSink: @unchecked Sendable {
        private let values: UnsafeMutableBufferPointer<Float>
        init(count: Int) {
            values = .allocate(capacity: count)
            values.initialize(repeating: 0)
        }
        deinit { values.deallocate() }
        func store(_ value: Float, at index: Int) { values[index] = value }
        func total() -> Float { values.reduce(0, +) }
    }
}
