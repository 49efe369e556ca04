import Foundation
import MBRLCore
import Testing

@Suite struct ActivationKernelTests {
    static let activations: [Activation] = [
        .identity, .relu, .leakyReLU, .leakyReLU(negativeSlope: 0.2), .silu, .tanh, .sigmoid, .elu,
        .elu(alpha: 0.5), .softplus,
    ]

    /// A wide range of inputs: a fine grid on [-30, 30], a coarse one to +-120, powers of ten up
    /// to the largest Float, tiny values and signed zeros.
    static let inputs: [Float] = {
        var values: [Float] = []
        var x: Float = -30
        while x <= 30 { values.append(x); x += 0.00731 }
        x = -120
        while x <= 120 { values.append(x); x += 0.377 }
        for exponent in -38...38 {
            let magnitude = Float("1e\(exponent)")!
            values.append(magnitude)
            values.append(-magnitude)
            values.append(magnitude * 3.3)
            values.append(-magnitude * 3.3)
        }
        values += [0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude,
                   0.625, -0.625, 0.62499, -0.5, -0.50001, 87.3, -87.3, 88.7, -88.7, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
        return values.filter { $0.isFinite }
    }()

    func applied(_ activation: Activation, _ values: [Float]) -> [Float] {
        var output = values
        output.withUnsafeMutableBufferPointer { activation.apply(to: $0.baseAddress!, count: $0.count) }
        return output
    }

    @Test func accurateAgainstExactValues() {
        for activation in Self.activations {
            let output = applied(activation, Self.inputs)
            var worst = 0.0, worstInput: Float = 0
            for (x, y) in zip(Self.inputs, output) {
                let exact = exactActivation(activation, Double(x))
                // Relative error, with an absolute floor near the subnormal range, where a
                // Float has fewer significant bits.
                let error = abs(Double(y) - exact) / max(abs(exact), 1e-37)
                if !(error <= worst) { worst = error; worstInput = x }
            }
            #expect(worst < 2e-6, "\(activation.name): relative error \(worst) at x = \(worstInput)")
        }
    }

    @Test func closeToScalarReference() {
        for activation in Self.activations {
            let output = applied(activation, Self.inputs)
            for (x, y) in zip(Self.inputs, output) {
                let scalar = activation.value(x)
                // The scalar elu computes expf(x) - 1, which loses relative accuracy near 0, and
                // the scalar silu's expf(-x) overflows below -88.7 (giving -0 instead of about
                // -1e-37): allow those absolute errors.
                var tolerance = 3e-6 * Double(abs(scalar)) + 1e-36
                if case .elu(let alpha) = activation { tolerance += 1.2e-7 * Double(alpha) }
                if !(abs(Double(y) - Double(scalar)) <= tolerance) {
                    Issue.record("\(activation.name)(\(x)) = \(y), scalar \(scalar)")
                    break
                }
            }
        }
    }

    @Test func finiteAndSaturating() {
        for activation in Self.activations {
            let output = applied(activation, Self.inputs)
            #expect(output.allSatisfy { $0.isFinite }, "\(activation.name) produced a non-finite value")
        }
        #expect(applied(.sigmoid, [100, -200, 20]) == [1, 0, 1])
        #expect(applied(.tanh, [30, -30, 9, 1e30]) == [1, -1, 1, 1])
        #expect(applied(.silu, [-200, 200, -1e30]) == [0, 200, 0])
        #expect(applied(.softplus, [100, -200, 1e30]) == [100, 0, 1e30])
        #expect(applied(.elu, [-100, 3]) == [-1, 3])
        #expect(applied(.relu, [-0.0, -3, 2]).map(\.bitPattern) == [Float(0).bitPattern, 0, Float(2).bitPattern])
    }

    @Test func resultDoesNotDependOnPosition() {
        var generator = RandomGenerator(seed: 9)
        let values = (0..<53).map { _ in generator.nextUniformFloat(in: -12, 12) }
        for activation in Self.activations {
            let whole = applied(activation, values)
            let oneByOne = values.map { applied(activation, [$0])[0] }
            #expect(whole == oneByOne, "\(activation.name)")
            let lanes = SIMD16<Float>(values[0..<16])
            let vector = activation.value(lanes)
            #expect((0..<16).allSatisfy { vector[$0] == whole[$0] }, "\(activation.name) SIMD16")
        }
    }

    @Test func derivativeMatchesScalar() {
        var generator = RandomGenerator(seed: 10)
        let inputs = (0..<1003).map { _ in generator.nextUniformFloat(in: -12, 12) } + [0, -0.0, 50, -50, 1e-20]
        let gradient = (0..<inputs.count).map { _ in generator.nextUniformFloat(in: -2, 2) }
        // Also the parameters whose output no longer tells the sign of the input.
        for activation in Self.activations + [.leakyReLU(negativeSlope: -0.3), .elu(alpha: -0.5)] {
            let outputs = inputs.map { activation.value($0) }
            var variants: [(String, UnsafePointer<Float>?, UnsafePointer<Float>?)] = []
            inputs.withUnsafeBufferPointer { x in
                outputs.withUnsafeBufferPointer { y in
                    variants = [("x and y", x.baseAddress, y.baseAddress), ("x only", x.baseAddress, nil)]
                    if activation.derivativeNeedsOnlyOutput { variants.append(("y only", nil, y.baseAddress)) }
                    for (label, pre, post) in variants {
                        var result = gradient
                        result.withUnsafeMutableBufferPointer {
                            activation.multiplyByDerivative($0.baseAddress!, preActivation: pre, output: post, count: $0.count)
                        }
                        for index in inputs.indices {
                            let expected = gradient[index] * activation.derivative(preActivation: inputs[index], output: outputs[index])
                            if !(abs(result[index] - expected) <= 2e-6 * max(abs(gradient[index]), 1)) {
                                Issue.record("\(activation.name) (\(label)) at x = \(inputs[index]): \(result[index]) vs \(expected)")
                                break
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func outOfPlaceDerivativeHasTheBitsOfTheInPlaceOne() {
        var generator = RandomGenerator(seed: 11)
        // 1,003 values: full vectors and a partial last one.
        let inputs = (0..<1003).map { _ in generator.nextUniformFloat(in: -12, 12) }
        let upstream = (0..<inputs.count).map { _ in generator.nextUniformFloat(in: -2, 2) }
        for activation in Self.activations + [.leakyReLU(negativeSlope: -0.3), .elu(alpha: -0.5)] {
            let outputs = inputs.map { activation.value($0) }
            inputs.withUnsafeBufferPointer { x in
                outputs.withUnsafeBufferPointer { y in
                    var variants: [(String, UnsafePointer<Float>?, UnsafePointer<Float>?)] = [
                        ("x and y", x.baseAddress, y.baseAddress), ("x only", x.baseAddress, nil)]
                    if activation.derivativeNeedsOnlyOutput { variants.append(("y only", nil, y.baseAddress)) }
                    for (label, pre, post) in variants {
                        var inPlace = upstream
                        inPlace.withUnsafeMutableBufferPointer {
                            activation.multiplyByDerivative($0.baseAddress!, preActivation: pre, output: post, count: $0.count)
                        }
                        var outOfPlace = [Float](repeating: .nan, count: upstream.count)
                        let source = upstream
                        source.withUnsafeBufferPointer { source in
                            outOfPlace.withUnsafeMutableBufferPointer {
                                activation.multiplyByDerivative(source.baseAddress!, preActivation: pre, output: post,
                                                                into: $0.baseAddress!, count: $0.count)
                            }
                        }
                        #expect(source == upstream, "\(activation.name) (\(label)): the upstream gradient changed")
                        let same = zip(inPlace, outOfPlace).allSatisfy { $0.bitPattern == $1.bitPattern }
                        #expect(same, "\(activation.name) (\(label)): out of place differs from in place")
                    }
                }
            }
        }
    }

    @Test func blockFormLeavesGapsAlone() {
        var buffer = (0..<(5 * 23)).map { Float($0) * 0.1 - 5 }
        let original = buffer
        buffer.withUnsafeMutableBufferPointer { Activation.tanh.apply(to: $0.baseAddress!, rows: 5, columns: 19, stride: 23) }
        for row in 0..<5 {
            for column in 0..<23 {
                let index = row * 23 + column
                if column < 19 {
                    #expect(abs(buffer[index] - tanhf(original[index])) <= 2e-7)
                } else {
                    #expect(buffer[index] == original[index])
                }
            }
        }
    }
}
