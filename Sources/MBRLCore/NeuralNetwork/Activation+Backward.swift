#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Whole-matrix forward and backward for activations

extension Activation {
    /// Whether the backward pass needs more than the output: the pre-activations, or the
    /// derivative at them.
    ///
    /// True exactly when `derivativeNeedsOnlyOutput` is false (SiLU, softplus, and a leaky ReLU
    /// or ELU whose parameter is not positive). A training forward pass then keeps the
    /// derivative itself (`GEMM`'s `activationDerivative`) rather than the pre-activations.
    public var backwardNeedsPreActivation: Bool {
        !derivativeNeedsOnlyOutput
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
        let count = outputGradient.count
        guard count > 0, self != .identity else { return outputGradient }
        var gradient = Matrix.unfilled(rows: outputGradient.rows, columns: outputGradient.columns)
        gradient.withUnsafeMutableBufferPointer { g in
            outputGradient.withUnsafeBufferPointer { upstream in
                output.withUnsafeBufferPointer { y in
                    if backwardNeedsPreActivation, let preActivation {
                        preActivation.withUnsafeBufferPointer { x in
                            multiplyByDerivativeInParallel(g.baseAddress!, upstream: upstream.baseAddress!, preActivation: x.baseAddress!,
                                                           output: y.baseAddress!, count: count)
                        }
                    } else {
                        multiplyByDerivativeInParallel(g.baseAddress!, upstream: upstream.baseAddress!, preActivation: nil,
                                                       output: y.baseAddress!, count: count)
                    }
                }
            }
        }
        return gradient
    }

    /// The gradient with respect to the pre-activations from what a layer's forward pass kept:
    /// `dL/dx = dL/dy * f'(x)`, all `[R, C]`, with `f'(x)` read from `keptDerivative` when the
    /// derivative cannot be read from the output (`backwardNeedsPreActivation`), otherwise
    /// computed from `output` as `backward(outputGradient:output:preActivation:)` does.
    ///
    /// - Parameters:
    ///   - outputGradient: `dL/dy`.
    ///   - output: `y = f(x)`.
    ///   - keptDerivative: `f'(x)`, as `GEMM`'s `activationDerivative` stores it; required when
    ///     `backwardNeedsPreActivation`, otherwise ignored.
    /// - Throws: `MBRLError.shapeMismatch` when shapes differ, `MBRLError.invalidArgument` when
    ///   the derivative is needed but missing.
    public func backward(outputGradient: Matrix, output: Matrix, keptDerivative: Matrix?) throws -> Matrix {
        guard backwardNeedsPreActivation else {
            return try backward(outputGradient: outputGradient, output: output, preActivation: nil)
        }
        guard outputGradient.matchesShape(of: output) else {
            throw MBRLError.shapeMismatch(
                "the \(name) output gradient is \(outputGradient.shapeText) but the output is \(output.shapeText)")
        }
        try validateKeptDerivative(keptDerivative, output: output)
        guard let keptDerivative else { return outputGradient }
        let count = outputGradient.count
        guard count > 0 else { return outputGradient }
        var gradient = Matrix.unfilled(rows: outputGradient.rows, columns: outputGradient.columns)
        gradient.withUnsafeMutableBufferPointer { g in
            outputGradient.withUnsafeBufferPointer { upstream in
                keptDerivative.withUnsafeBufferPointer { derivative in
                    let shared = GEMMUncheckedSendable(value: (g.baseAddress!, upstream.baseAddress!, derivative.baseAddress!))
                    GEMMDriver.forEachVectorRange(count: count, work: count) { range in
                        let (gradient, upstream, derivative) = shared.value
                        VectorMath.multiply(upstream + range.lowerBound, derivative + range.lowerBound,
                                            into: gradient + range.lowerBound, count: range.count)
                    }
                }
            }
        }
        return gradient
    }

    /// Throws unless `keptDerivative` is what a backward pass of this activation needs: present
    /// with the output's shape when `backwardNeedsPreActivation`, anything otherwise.
    func validateKeptDerivative(_ keptDerivative: Matrix?, output: Matrix) throws {
        guard backwardNeedsPreActivation else { return }
        guard let keptDerivative else {
            throw MBRLError.invalidArgument("the \(name) backward pass needs the derivative kept by the forward pass")
        }
        guard keptDerivative.matchesShape(of: output) else {
            throw MBRLError.shapeMismatch(
                "the kept \(name) derivative is \(keptDerivative.shapeText) but the output is \(output.shapeText)")
        }
    }

    /// `gradient = upstream * f'(x)` over `count` entries, by ranges split over the GEMM worker
    /// threads when there are many entries (every entry is computed the same way in any range,
    /// so the split changes no result).
    private func multiplyByDerivativeInParallel(
        _ gradient: UnsafeMutablePointer<Float>, upstream: UnsafePointer<Float>,
        preActivation: UnsafePointer<Float>?, output: UnsafePointer<Float>, count: Int
    ) {
        let shared = GEMMUncheckedSendable(value: (gradient, upstream, preActivation, output))
        GEMMDriver.forEachVectorRange(count: count, work: count) { range in
            let (gradient, upstream, preActivation, output) = shared.value
            multiplyByDerivative(upstream + range.lowerBound, preActivation: preActivation.map { $0 + range.lowerBound },
                                 output: output + range.lowerBound, into: gradient + range.lowerBound, count: range.count)
        }
    }
}
