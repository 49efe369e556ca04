#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Whole-matrix forward and backward for activations

extension Activation {
    /// Whether a training forward pass must keep the pre-activations for the backward pass.
    ///
    /// True when `derivativeNeedsOnlyOutput` is false, and also for a leaky ReLU whose slope is not
    /// positive (its output no longer tells the sign of the input).
    public var backwardNeedsPreActivation: Bool {
        if case .leakyReLU(let slope) = self, slope <= 0 { return true }
        return !derivativeNeedsOnlyOutput
    }

    /// The activation applied to every entry of `input`: `[R, C] -> [R, C]`.
    ///
    /// Layers fuse their activation into the GEMM epilogue instead; this is for activations used
    /// on their own (for example a squashing function on a policy's output).
    public func applied(to input: Matrix) -> Matrix {
        if self == .identity { return input }
        var result = input
        result.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<buffer.count { buffer[index] = value(buffer[index]) }
        }
        return result
    }

    /// The gradient with respect to the pre-activations, `dL/dx = dL/dy * f'(x)`, all `[R, C]`.
    ///
    /// - Parameters:
    ///   - outputGradient: `dL/dy`.
    ///   - output: `y = f(x)`.
    ///   - preActivation: `x`; required when `backwardNeedsPreActivation`, otherwise ignored.
    /// - Throws: `MBRLError.shapeMismatch` when shapes differ, `MBRLError.invalidArgument` when
    ///   the pre-activations are needed but missing.
    public func backward(outputGradient: Matrix, output: Matrix, preActivation: Matrix? = nil) throws -> Matrix {
        guard outputGradient.matchesShape(of: output) else {
            throw MBRLError.shapeMismatch(
                "the \(name) output gradient is \(outputGradient.shapeText) but the output is \(output.shapeText)")
        }
        if backwardNeedsPreActivation {
            guard let preActivation else {
                throw MBRLError.invalidArgument("the \(name) backward pass needs the pre-activations")
            }
            guard preActivation.matchesShape(of: output) else {
                throw MBRLError.shapeMismatch(
                    "the \(name) pre-activations are \(preActivation.shapeText) but the output is \(output.shapeText)")
            }
        }
        var gradient = outputGradient
        let count = gradient.count
        guard count > 0, self != .identity else { return gradient }
        gradient.withUnsafeMutableBufferPointer { g in
            output.withUnsafeBufferPointer { y in
                if backwardNeedsPreActivation, let preActivation {
                    preActivation.withUnsafeBufferPointer { x in
                        multiplyByDerivativeInParallel(g.baseAddress!, preActivation: x.baseAddress!, output: y.baseAddress!, count: count)
                    }
                } else {
                    multiplyByDerivativeInParallel(g.baseAddress!, preActivation: nil, output: y.baseAddress!, count: count)
                }
            }
        }
        return gradient
    }

    /// Entries from which `backward` splits its work over the cores.
    static let parallelBackwardEntries = 1 << 15

    /// `multiplyByDerivative` over `count` entries, in parts of whole 16-entry vectors on the
    /// GEMM worker threads when there are many (every entry's value is computed the same way in
    /// any part, so the result does not depend on the split).
    private func multiplyByDerivativeInParallel(
        _ gradient: UnsafeMutablePointer<Float>,
        preActivation: UnsafePointer<Float>?, output: UnsafePointer<Float>, count: Int
    ) {
        let parts = count < Self.parallelBackwardEntries ? 1 : min(GEMM.defaultThreadCount, GEMMDriver.maximumParts)
        guard parts > 1 else {
            multiplyByDerivative(gradient, preActivation: preActivation, output: output, count: count)
            return
        }
        let vectors = (count + 15) / 16
        let shared = GEMMUncheckedSendable(value: (gradient, preActivation, output))
        GEMMDriver.parallel(parts: parts) { part in
            let (gradient, preActivation, output) = shared.value
            let start = min(count, vectors * part / parts * 16)
            let end = min(count, vectors * (part + 1) / parts * 16)
            guard end > start else { return }
            multiplyByDerivative(gradient + start, preActivation: preActivation.map { $0 + start },
                                 output: output + start, count: end - start)
        }
    }
}
