import Foundation
import MBRLCore
import Testing

/// One GEMM problem with random operands, laid out with the given leading dimensions.
private struct GEMMCase: CustomStringConvertible {
    var m: Int, n: Int, k: Int
    var transposeA = false, transposeB = false
    var lda: Int, ldb: Int, ldc: Int
    var accumulate = false
    var useBias = false
    var activation: Activation = .identity
    var keepPreActivation = false
    var a: [Float] = [], b: [Float] = [], c: [Float] = [], bias: [Float] = []

    init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, padding: Int = 0,
         accumulate: Bool = false, useBias: Bool = false, activation: Activation = .identity,
         keepPreActivation: Bool = false, generator: inout RandomGenerator) {
        self.m = m; self.n = n; self.k = k
        self.transposeA = transposeA; self.transposeB = transposeB
        lda = (transposeA ? m : k) + padding
        ldb = (transposeB ? k : n) + padding
        ldc = n + padding
        self.accumulate = accumulate; self.useBias = useBias
        self.activation = activation; self.keepPreActivation = keepPreActivation
        a = (0..<max((transposeA ? k : m) * lda, 1)).map { _ in generator.nextUniformFloat(in: -1, 1) }
        b = (0..<max((transposeB ? n : k) * ldb, 1)).map { _ in generator.nextUniformFloat(in: -1, 1) }
        c = (0..<max(m * ldc, 1)).map { _ in generator.nextUniformFloat(in: -1, 1) }
        bias = (0..<max(n, 1)).map { _ in generator.nextUniformFloat(in: -1, 1) }
    }

    var description: String {
        "\(m)x\(n)x\(k) tA=\(transposeA) tB=\(transposeB) lda=\(lda) ldb=\(ldb) ldc=\(ldc) acc=\(accumulate) bias=\(useBias) \(activation.name) pre=\(keepPreActivation)"
    }

    func aValue(_ row: Int, _ inner: Int) -> Float { transposeA ? a[inner * lda + row] : a[row * lda + inner] }
    func bValue(_ inner: Int, _ column: Int) -> Float { transposeB ? b[column * ldb + inner] : b[inner * ldb + column] }

    /// `(pre-activation, scale)` in Double for entry (row, column): scale bounds the rounding error.
    func reference(_ row: Int, _ column: Int) -> (Double, Double) {
        var sum = 0.0, scale = 0.0
        for inner in 0..<k {
            let product = Double(aValue(row, inner)) * Double(bValue(inner, column))
            sum += product
            scale += abs(product)
        }
        if accumulate { sum += Double(c[row * ldc + column]); scale += abs(Double(c[row * ldc + column])) }
        if useBias { sum += Double(bias[column]); scale += abs(Double(bias[column])) }
        return (sum, scale)
    }

    /// Runs GEMM; returns C and the pre-activation buffer.
    func run(threads: Int) -> (c: [Float], pre: [Float]) {
        var output = c
        var pre = [Float](repeating: .nan, count: c.count)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bias in
                    output.withUnsafeMutableBufferPointer { output in
                        pre.withUnsafeMutableBufferPointer { pre in
                            GEMM.multiply(
                                m: m, n: n, k: k,
                                a: a.baseAddress!, lda: lda, transposeA: transposeA,
                                b: b.baseAddress!, ldb: ldb, transposeB: transposeB,
                                c: output.baseAddress!, ldc: ldc,
                                accumulate: accumulate,
                                bias: useBias ? bias.baseAddress! : nil,
                                activation: activation,
                                preActivation: keepPreActivation ? pre.baseAddress! : nil,
                                threads: threads)
                        }
                    }
                }
            }
        }
        return (output, pre)
    }

    /// Checks a result against the Double reference; returns a description of the first error.
    func check(_ result: (c: [Float], pre: [Float])) -> String? {
        for row in 0..<m {
            for column in 0..<n {
                let (pre, scale) = reference(row, column)
                let tolerance = 4e-6 * scale * Double(max(1, k)).squareRoot() + 1e-6
                let expected = exactActivation(activation, pre)
                let got = Double(result.c[row * ldc + column])
                if !(abs(got - expected) <= 1.1 * tolerance + 2e-6 * abs(expected)) {
                    return "\(self): C[\(row), \(column)] = \(got), expected \(expected)"
                }
                if keepPreActivation {
                    let gotPre = Double(result.pre[row * ldc + column])
                    if !(abs(gotPre - pre) <= tolerance) {
                        return "\(self): pre[\(row), \(column)] = \(gotPre), expected \(pre)"
                    }
                }
            }
            // Padding between rows is left alone.
            for column in n..<ldc where result.c[row * ldc + column] != c[row * ldc + column] {
                return "\(self): padding C[\(row), \(column)] was overwritten"
            }
        }
        return nil
    }
}

/// The activations in Double, from their definitions.
func exactActivation(_ activation: Activation, _ x: Double) -> Double {
    switch activation {
    case .identity: return x
    case .relu: return max(0, x)
    case .leakyReLU(let slope): return x >= 0 ? x : Double(slope) * x
    case .silu: return x / (1 + exp(-x))
    case .tanh: return tanh(x)
    case .sigmoid: return 1 / (1 + exp(-x))
    case .elu(let alpha): return x > 0 ? x : Double(alpha) * expm1(x)
    case .softplus: return max(x, 0) + log1p(exp(-abs(x)))
    }
}

private let allActivations: [Activation] = [
    .identity, .relu, .leakyReLU(negativeSlope: 0.1), .silu, .tanh, .sigmoid, .elu(alpha: 0.7), .softplus,
]

@Suite struct GEMMTests {
    @Test func matchesReferenceOnManyShapes() {
        var generator = RandomGenerator(seed: 1)
        let shapes: [(Int, Int, Int)] = [
            (1, 1, 1), (1, 1, 0), (2, 3, 4), (12, 32, 7), (13, 33, 5), (11, 16, 17), (12, 17, 3),
            (25, 48, 31), (7, 200, 5), (37, 8, 200), (24, 64, 600), (5, 31, 1030), (40, 97, 64),
        ]
        var failures: [String] = []
        for (index, (m, n, k)) in shapes.enumerated() {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let testCase = GEMMCase(
                        m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                        padding: index % 3 == 0 ? 0 : 3, generator: &generator)
                    if let failure = testCase.check(testCase.run(threads: 1 + index % 2)) { failures.append(failure) }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test func fusedEpilogueEveryActivation() {
        var generator = RandomGenerator(seed: 2)
        var failures: [String] = []
        for (index, activation) in allActivations.enumerated() {
            for (m, n, k) in [(13, 40, 9), (30, 200, 23), (5, 8, 700)] {
                let testCase = GEMMCase(
                    m: m, n: n, k: k, transposeA: index % 2 == 1, transposeB: index % 3 == 1, padding: 2,
                    accumulate: index % 2 == 0, useBias: true, activation: activation,
                    keepPreActivation: true, generator: &generator)
                if let failure = testCase.check(testCase.run(threads: 2)) { failures.append(failure) }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    /// The derivative the epilogue keeps is, bit for bit, what the backward pass would multiply
    /// by from the kept pre-activation and output, for every activation, on full and partial
    /// vectors, batched and on two threads; keeping it does not change `C`.
    @Test func keptDerivativeHasTheBitsOfTheBackwardPass() {
        var generator = RandomGenerator(seed: 5)
        for activation in allActivations + [.leakyReLU(negativeSlope: -0.3), .elu(alpha: -0.5)] {
            let count = 2, m = 40, n = 37, k = 300
            let a = (0..<(count * m * k)).map { _ in generator.nextUniformFloat(in: -1, 1) }
            let b = (0..<(count * k * n)).map { _ in generator.nextUniformFloat(in: -1, 1) }
            let bias = (0..<(count * n)).map { _ in generator.nextUniformFloat(in: -2, 2) }
            var c = [Float](repeating: .nan, count: count * m * n)
            var plain = c, pre = c, derivative = c
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in bias.withUnsafeBufferPointer { bias in
                func run(_ c: inout [Float], pre: UnsafeMutablePointer<Float>?, derivative: UnsafeMutablePointer<Float>?) {
                    c.withUnsafeMutableBufferPointer { c in
                        GEMM.multiplyBatched(
                            count: count, m: m, n: n, k: k,
                            a: a.baseAddress!, lda: k, strideA: m * k, b: b.baseAddress!, ldb: n, strideB: k * n,
                            c: c.baseAddress!, ldc: n, strideC: m * n, bias: bias.baseAddress!, strideBias: n,
                            activation: activation, preActivation: pre, activationDerivative: derivative, threads: 2)
                    }
                }
                pre.withUnsafeMutableBufferPointer { pre in derivative.withUnsafeMutableBufferPointer { derivative in
                    run(&c, pre: pre.baseAddress!, derivative: derivative.baseAddress!)
                }}
                run(&plain, pre: nil, derivative: nil)
            }}}
            #expect(c == plain, "\(activation.name): keeping the derivative changed C")
            var expected = [Float](repeating: 1, count: c.count)
            expected.withUnsafeMutableBufferPointer { gradient in pre.withUnsafeBufferPointer { x in c.withUnsafeBufferPointer { y in
                activation.multiplyByDerivative(gradient.baseAddress!, preActivation: x.baseAddress!, output: y.baseAddress!,
                                                count: gradient.count)
            }}}
            let mismatches = derivative.indices.filter { derivative[$0].bitPattern != expected[$0].bitPattern }
            #expect(mismatches.isEmpty, "\(activation.name): \(mismatches.count) kept derivatives differ, first at \(mismatches.first ?? 0)")
        }
    }

    @Test func accumulateWithoutBiasAndBiasWithoutAccumulate() {
        var generator = RandomGenerator(seed: 3)
        for accumulate in [false, true] {
            let testCase = GEMMCase(
                m: 29, n: 45, k: 530, padding: 1, accumulate: accumulate, useBias: !accumulate,
                generator: &generator)
            let failure = testCase.check(testCase.run(threads: 1))
            #expect(failure == nil, "\(failure ?? "")")
        }
    }

    @Test func resultIsBitIdenticalForAnyThreadCount() {
        var generator = RandomGenerator(seed: 4)
        let cases = [
            GEMMCase(m: 301, n: 200, k: 200, useBias: true, activation: .silu, keepPreActivation: true, generator: &generator),
            GEMMCase(m: 200, n: 75, k: 1100, transposeA: true, padding: 5, accumulate: true, generator: &generator),
            GEMMCase(m: 37, n: 530, k: 300, transposeB: true, useBias: true, activation: .tanh, generator: &generator),
            GEMMCase(m: 130, n: 130, k: 700, transposeA: true, transposeB: true, padding: 1, generator: &generator),
            GEMMCase(m: 605, n: 45, k: 150, padding: 2, useBias: true, activation: .sigmoid, generator: &generator),
            // Narrow products (a value head, a weight gradient of one), cut into row tasks.
            GEMMCase(m: 512, n: 1, k: 256, useBias: true, generator: &generator),
            GEMMCase(m: 256, n: 2, k: 256, transposeA: true, generator: &generator),
        ]
        for testCase in cases {
            let single = testCase.run(threads: 1)
            #expect(testCase.check(single) == nil, "\(testCase)")
            for threads in [2, 3, 7] {
                let multi = testCase.run(threads: threads)
                #expect(multi.c == single.c, "\(testCase) threads \(threads)")
                if testCase.keepPreActivation { #expect(multi.pre == single.pre, "\(testCase) pre, threads \(threads)") }
            }
        }
    }

    /// Products started from several threads at once (the worker threads serve one of them, the
    /// others run on their callers) and long chains of short products (each handed to the
    /// spinning workers in turn) give the one-thread bits.
    @Test func concurrentCallersAndChainsOfShortProductsGiveTheOneThreadBits() {
        var generator = RandomGenerator(seed: 12)
        let cases = [
            GEMMCase(m: 256, n: 256, k: 256, useBias: true, activation: .relu, keepPreActivation: true, generator: &generator),
            GEMMCase(m: 256, n: 64, k: 256, transposeA: true, generator: &generator),
            GEMMCase(m: 97, n: 256, k: 128, transposeB: true, useBias: true, activation: .silu, generator: &generator),
        ]
        let expected = cases.map { $0.run(threads: 1) }
        final class Mismatches: @unchecked Sendable {
            private let lock = NSLock()
            private(set) var descriptions: [String] = []
            func add(_ text: String) { lock.lock(); descriptions.append(text); lock.unlock() }
        }
        let mismatches = Mismatches()
        DispatchQueue.concurrentPerform(iterations: 6) { caller in
            for round in 0..<20 {
                let index = (caller + round) % cases.count
                let result = cases[index].run(threads: 2)
                // (Unkept pre-activation buffers stay NaN, which never compares equal.)
                if result.c != expected[index].c || (cases[index].keepPreActivation && result.pre != expected[index].pre) {
                    mismatches.add("caller \(caller) round \(round): \(cases[index])")
                }
            }
        }
        #expect(mismatches.descriptions.isEmpty, "\(mismatches.descriptions.prefix(3))")
        for index in cases.indices {
            for _ in 0..<200 where cases[index].run(threads: 2).c != expected[index].c {
                Issue.record("a chain of products on two threads differs from one thread: \(cases[index])")
                break
            }
        }
    }

    /// Both register blockings (12 x 32 tiles for AVX-512, 6 x 16 blocks for 16-register CPUs)
    /// sum every entry in the same order, so they give the same bits.
    @Test func bothRegisterBlockingsGiveTheSameBits() {
        var generator = RandomGenerator(seed: 9)
        let cases = [
            GEMMCase(m: 301, n: 200, k: 200, useBias: true, activation: .silu, keepPreActivation: true, generator: &generator),
            GEMMCase(m: 200, n: 75, k: 1100, transposeA: true, padding: 5, accumulate: true, generator: &generator),
            GEMMCase(m: 37, n: 530, k: 300, transposeB: true, useBias: true, activation: .tanh, generator: &generator),
            GEMMCase(m: 256, n: 256, k: 256, useBias: true, activation: .relu, generator: &generator),
            GEMMCase(m: 13, n: 16, k: 7, transposeA: true, transposeB: true, padding: 1, generator: &generator),
        ]
        let detected = GEMM.registerBlocking
        defer { GEMM.registerBlocking = detected }
        for testCase in cases {
            GEMM.registerBlocking = .tile12x32
            let tiles = testCase.run(threads: 2)
            GEMM.registerBlocking = .blocks6x16
            let blocks = testCase.run(threads: 2)
            #expect(testCase.check(blocks) == nil, "\(testCase)")
            #expect(tiles.c == blocks.c, "\(testCase)")
            if testCase.keepPreActivation { #expect(tiles.pre == blocks.pre, "\(testCase) pre") }
        }
    }

    @Test func eachRowDoesNotDependOnTheOtherRows() {
        // A 700-row product (B packed, several tasks) equals its row blocks computed apart
        // (B read in place for the small ones), bit for bit.
        var generator = RandomGenerator(seed: 7)
        let m = 700, n = 77, k = 120
        let a = (0..<(m * k)).map { _ in generator.nextUniformFloat(in: -1, 1) }
        let b = (0..<(k * n)).map { _ in generator.nextUniformFloat(in: -1, 1) }
        let bias = (0..<n).map { _ in generator.nextUniformFloat(in: -1, 1) }
        var whole = [Float](repeating: 0, count: m * n)
        var pieces = whole
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in bias.withUnsafeBufferPointer { bias in
            whole.withUnsafeMutableBufferPointer { c in
                GEMM.multiply(m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                              c: c.baseAddress!, ldc: n, bias: bias.baseAddress!, activation: .silu, threads: 2)
            }
            pieces.withUnsafeMutableBufferPointer { c in
                var start = 0
                for rows in [1, 13, 100, 5, 581] {
                    GEMM.multiply(m: rows, n: n, k: k, a: a.baseAddress! + start * k, lda: k, b: b.baseAddress!, ldb: n,
                                  c: c.baseAddress! + start * n, ldc: n, bias: bias.baseAddress!, activation: .silu, threads: 1)
                    start += rows
                }
            }
        }}}
        #expect(whole == pieces)
    }

    @Test func batchedEqualsLoopOfSingleCalls() {
        var generator = RandomGenerator(seed: 5)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true)] {
            let count = 3, m = 150, n = 70, k = 90
            let lda = transposeA ? m : k, ldb = transposeB ? k : n
            let strideA = (transposeA ? k : m) * lda + 7
            let strideB = (transposeB ? n : k) * ldb + 3
            let strideC = m * n + 11
            let a = (0..<(count * strideA)).map { _ in generator.nextUniformFloat(in: -1, 1) }
            let b = (0..<(count * strideB)).map { _ in generator.nextUniformFloat(in: -1, 1) }
            let bias = (0..<(count * n)).map { _ in generator.nextUniformFloat(in: -1, 1) }
            var batched = [Float](repeating: 0, count: count * strideC)
            var batchedPre = batched
            var looped = batched
            var loopedPre = batched
            var packedResult = batched
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in bias.withUnsafeBufferPointer { bias in
                batched.withUnsafeMutableBufferPointer { c in batchedPre.withUnsafeMutableBufferPointer { pre in
                    GEMM.multiplyBatched(
                        count: count, m: m, n: n, k: k,
                        a: a.baseAddress!, lda: lda, strideA: strideA, transposeA: transposeA,
                        b: b.baseAddress!, ldb: ldb, strideB: strideB, transposeB: transposeB,
                        c: c.baseAddress!, ldc: n, strideC: strideC,
                        bias: bias.baseAddress!, strideBias: n, activation: .silu,
                        preActivation: pre.baseAddress!, threads: 2)
                }}
                looped.withUnsafeMutableBufferPointer { c in loopedPre.withUnsafeMutableBufferPointer { pre in
                    for problem in 0..<count {
                        GEMM.multiply(
                            m: m, n: n, k: k,
                            a: a.baseAddress! + problem * strideA, lda: lda, transposeA: transposeA,
                            b: b.baseAddress! + problem * strideB, ldb: ldb, transposeB: transposeB,
                            c: c.baseAddress! + problem * strideC, ldc: n,
                            bias: bias.baseAddress! + problem * n, activation: .silu,
                            preActivation: pre.baseAddress! + problem * strideC, threads: 1)
                    }
                }}
                let packed = GEMM.PackedRightOperand(
                    k: k, n: n, b: b.baseAddress!, ldb: ldb, transposeB: transposeB, count: count, strideB: strideB)
                packedResult.withUnsafeMutableBufferPointer { c in
                    GEMM.multiplyBatched(
                        m: m, a: a.baseAddress!, lda: lda, strideA: strideA, transposeA: transposeA,
                        packedB: packed, c: c.baseAddress!, ldc: n, strideC: strideC,
                        bias: bias.baseAddress!, strideBias: n, activation: .silu, threads: 3)
                }
            }}}
            #expect(batched == looped, "transposeA \(transposeA) transposeB \(transposeB)")
            #expect(batchedPre == loopedPre)
            #expect(packedResult == looped)
        }
    }

    @Test func packedOperandMatchesUnpackedAndSelectsMember() {
        var generator = RandomGenerator(seed: 6)
        let m = 45, n = 77, k = 33
        let weights = Matrix(rows: k, columns: n, values: (0..<(k * n)).map { _ in generator.nextUniformFloat(in: -1, 1) })
        let inputs = (0..<(m * k)).map { _ in generator.nextUniformFloat(in: -1, 1) }
        let packed = GEMM.PackedRightOperand(weights)
        #expect(packed.depth == k && packed.columns == n && packed.count == 1)
        var direct = [Float](repeating: 0, count: m * n)
        var viaPacked = direct
        inputs.withUnsafeBufferPointer { a in
            weights.values.withUnsafeBufferPointer { b in
                direct.withUnsafeMutableBufferPointer { c in
                    GEMM.multiply(m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                                  c: c.baseAddress!, ldc: n, activation: .relu)
                }
            }
            viaPacked.withUnsafeMutableBufferPointer { c in
                GEMM.multiply(m: m, a: a.baseAddress!, lda: k, packedB: packed, c: c.baseAddress!, ldc: n, activation: .relu)
            }
        }
        #expect(direct == viaPacked)
        #expect(direct.contains { $0 > 0 })
    }

    @Test func matrixMatmulUsesEngine() {
        let a = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, columns: 2, values: [7, 8, 9, 10, 11, 12])
        #expect(a.matmul(b).values == [58, 64, 139, 154])
        #expect(a.matmul(a, transposeSelf: false, transposeOther: true).values == [14, 32, 32, 77])
    }
}
