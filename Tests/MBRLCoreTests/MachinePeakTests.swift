import Foundation
@testable import MBRLCore
import Testing

@Suite("Machine peak")
struct MachinePeakTests {
    @Test("the multiply-add chain computes what it states")
    func chainValue() {
        // Each of the 10 accumulators starts at seed + j and is updated acc = acc * x + y.
        let iterations = 3, seed: Float = 1
        let x = 1 - 1e-7 * seed, y = 1e-6 * seed
        var expected: Float = 0
        for j in 0..<10 {
            var value = seed + Float(j)
            for _ in 0..<iterations { value = value * x + y }
            expected += 16 * value
        }
        let value = MachinePeak.chain(iterations: iterations, seed: seed)
        #expect(abs(value - expected) <= 1e-4 * abs(expected))
    }

    @Test("a measurement is positive and finite on one and two threads")
    func measurement() {
        for threads in [1, 2] {
            let peak = MachinePeak.measure(threads: threads, seconds: 0.01, repeats: 1)
            #expect(peak.threads == threads)
            #expect(peak.gigaflopsPerSecond.isFinite && peak.gigaflopsPerSecond > 0)
        }
    }

    @Test("the processor is described")
    func processor() {
        #expect(!MachinePeak.processorDescription.isEmpty)
    }
}
