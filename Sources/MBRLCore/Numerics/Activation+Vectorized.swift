/// Vectorised activations on buffers: 16 lanes at a time with polynomial `exp`, `log1p` and
/// `tanh` (see `VectorMath`), within a few ulp of the scalar `value(_:)`.
///
/// Every element goes through the same 16-lane code, also in a partial last vector, so the
/// result for an element does not depend on where it sits in the buffer. GEMM applies the same
/// functions to each output tile while it is in cache.
///
/// ```swift
/// var hidden: [Float] = [-2, -1, 0, 1, 2]
/// hidden.withUnsafeMutableBufferPointer { Activation.silu.apply(to: $0.baseAddress!, count: $0.count) }
/// // [-0.23840584, -0.26894143, 0, 0.7310586, 1.7615942]
/// ```
extension Activation {
    /// The activation of 16 values at once, lane by lane.
    ///
    /// Finite inputs give finite outputs; saturating activations saturate exactly
    /// (`sigmoid(100) == 1`, `tanh(-30) == -1`, `silu(-200) == -0`).
    public func value(_ x: SIMD16<Float>) -> SIMD16<Float> {
        switch self {
        case .identity: return x
        case .relu: return VectorMath.relu(x)
        case .leakyReLU(let slope): return VectorMath.leakyReLU(x, slope: slope)
        case .silu: return VectorMath.silu(x)
        case .tanh: return VectorMath.tanh(x)
        case .sigmoid: return VectorMath.sigmoid(x)
        case .elu(let alpha): return VectorMath.elu(x, alpha: alpha)
        case .softplus: return VectorMath.softplus(x)
        }
    }

    /// Applies the activation in place to `count` contiguous values.
    ///
    /// - Parameters:
    ///   - buffer: the values, `[count]`; overwritten with their activations.
    ///   - count: the number of values (0 is allowed).
    public func apply(to buffer: UnsafeMutablePointer<Float>, count: Int) {
        apply(to: buffer, rows: 1, columns: count, stride: count)
    }

    /// Applies the activation in place to a `rows x columns` block of a row-major matrix.
    ///
    /// - Parameters:
    ///   - buffer: the first value of the block.
    ///   - rows: the number of rows.
    ///   - columns: the number of values per row.
    ///   - stride: the distance between the starts of consecutive rows (`>= columns`).
    public func apply(to buffer: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
        guard rows > 0, columns > 0 else { return }
        switch self {
        case .identity: return
        case .relu: Self.map(buffer, rows, columns, stride, VectorMath.ReLU())
        case .leakyReLU(let slope): Self.map(buffer, rows, columns, stride, VectorMath.LeakyReLU(slope: slope))
        case .silu: Self.map(buffer, rows, columns, stride, VectorMath.SiLU())
        case .tanh: Self.map(buffer, rows, columns, stride, VectorMath.Tanh())
        case .sigmoid: Self.map(buffer, rows, columns, stride, VectorMath.Sigmoid())
        case .elu(let alpha): Self.map(buffer, rows, columns, stride, VectorMath.ELU(alpha: alpha))
        case .softplus: Self.map(buffer, rows, columns, stride, VectorMath.Softplus())
        }
    }

    /// Runs `function` over a block, 16 values at a time; a partial last vector per row is
    /// padded with zeros so every value takes the same path.
    @inline(__always)
    private static func map<Function: VectorFunction>(
        _ buffer: UnsafeMutablePointer<Float>, _ rows: Int, _ columns: Int, _ stride: Int, _ function: Function
    ) {
        let fullColumns = columns & ~15
        for row in 0..<rows {
            let start = buffer + row * stride
            var column = 0
            while column < fullColumns {
                let raw = UnsafeMutableRawPointer(start + column)
                raw.storeBytes(of: function(raw.loadUnaligned(as: SIMD16<Float>.self)), as: SIMD16<Float>.self)
                column += 16
            }
            if fullColumns < columns {
                var partial = SIMD16<Float>()
                for lane in 0..<(columns - fullColumns) { partial[lane] = start[fullColumns + lane] }
                let result = function(partial)
                for lane in 0..<(columns - fullColumns) { start[fullColumns + lane] = result[lane] }
            }
        }
    }
}

extension Activation {
    /// Multiplies `gradient` in place by the activation's derivative, 16 lanes at a time: the
    /// backward pass `dL/dx = dL/dy * f'(x)` of `y = f(x)`.
    ///
    /// - Parameters:
    ///   - gradient: `dL/dy`, `[count]`; overwritten with `dL/dx`.
    ///   - preActivation: `x`, `[count]`; needed unless `derivativeNeedsOnlyOutput`.
    ///   - output: `y = f(x)`, `[count]`, or `nil`; tanh, sigmoid and elu use it when given
    ///     (otherwise they recompute it from `x`).
    ///   - count: the number of values.
    public func multiplyByDerivative(
        _ gradient: UnsafeMutablePointer<Float>,
        preActivation: UnsafePointer<Float>?, output: UnsafePointer<Float>?, count: Int
    ) {
        multiplyByDerivative(UnsafePointer(gradient), preActivation: preActivation, output: output,
                             into: gradient, count: count)
    }

    /// `gradient = upstream * f'(x)` over `count` values, 16 lanes at a time, with the bits of
    /// the in-place `multiplyByDerivative(_:preActivation:output:count:)`; `gradient` may be
    /// `upstream` itself.
    ///
    /// - Parameters:
    ///   - upstream: `dL/dy`, `[count]`.
    ///   - preActivation: `x`, `[count]`; needed unless `derivativeNeedsOnlyOutput`.
    ///   - output: `y = f(x)`, `[count]`, or `nil`; tanh, sigmoid and elu use it when given
    ///     (otherwise they recompute it from `x`).
    ///   - gradient: receives `dL/dx`, `[count]`.
    ///   - count: the number of values.
    public func multiplyByDerivative(
        _ upstream: UnsafePointer<Float>,
        preActivation: UnsafePointer<Float>?, output: UnsafePointer<Float>?,
        into gradient: UnsafeMutablePointer<Float>, count: Int
    ) {
        precondition(preActivation != nil || (derivativeNeedsOnlyOutput && output != nil),
                     "multiplyByDerivative: \(name) needs the pre-activation values")
        // `x` when given, otherwise `y`; the cases that can take `y` use it whenever it is given
        // (and only its sign, or `y` itself, when `x` is missing). With alpha > 0 the sign of an
        // ELU's y is the sign of x; with alpha <= 0 x is always given.
        let source = preActivation ?? output.unsafelyUnwrapped
        switch self {
        case .identity:
            if gradient != UnsafeMutablePointer(mutating: upstream) { gradient.update(from: upstream, count: count) }
        case .relu: Self.scale(upstream, source, output, gradient, count, VectorMath.ReLU())
        case .leakyReLU(let slope): Self.scale(upstream, source, output, gradient, count, VectorMath.LeakyReLU(slope: slope))
        case .silu: Self.scale(upstream, source, output, gradient, count, VectorMath.SiLU())
        case .tanh: Self.scale(upstream, source, output, gradient, count, VectorMath.Tanh())
        case .sigmoid: Self.scale(upstream, source, output, gradient, count, VectorMath.Sigmoid())
        case .elu(let alpha): Self.scale(upstream, source, output, gradient, count, VectorMath.ELU(alpha: alpha))
        case .softplus: Self.scale(upstream, source, output, gradient, count, VectorMath.Softplus())
        }
    }

    /// `gradient[i] = upstream[i] * f'(x[i], y[i])` over full and partial (zero-padded)
    /// vectors; the derivative receives `y` only when `output` is not `nil`. Specialised per
    /// function type so the derivative is inlined (a closure here was called per vector).
    @inline(__always)
    private static func scale<Function: VectorFunction>(
        _ upstream: UnsafePointer<Float>, _ source: UnsafePointer<Float>, _ output: UnsafePointer<Float>?,
        _ gradient: UnsafeMutablePointer<Float>, _ count: Int, _ function: Function
    ) {
        typealias Vector = SIMD16<Float>
        @inline(__always)
        func load(_ pointer: UnsafePointer<Float>, _ start: Int, _ lanes: Int) -> Vector {
            if lanes == 16 { return UnsafeRawPointer(pointer + start).loadUnaligned(as: Vector.self) }
            var vector = Vector()
            for lane in 0..<lanes { vector[lane] = pointer[start + lane] }
            return vector
        }
        @inline(__always)
        func store(_ result: Vector, _ start: Int, _ lanes: Int) {
            if lanes == 16 {
                UnsafeMutableRawPointer(gradient + start).storeBytes(of: result, as: Vector.self)
            } else {
                for lane in 0..<lanes { gradient[start + lane] = result[lane] }
            }
        }
        let fullCount = count & ~15
        var start = 0
        if let output {
            while start < fullCount {
                let factor = function.derivative(load(source, start, 16), output: load(output, start, 16))
                store(load(upstream, start, 16) * factor, start, 16)
                start += 16
            }
        } else {
            while start < fullCount {
                let factor = function.derivative(load(source, start, 16), output: nil)
                store(load(upstream, start, 16) * factor, start, 16)
                start += 16
            }
        }
        if start < count {
            let lanes = count - start
            let factor = function.derivative(load(source, start, lanes), output: output.map { load($0, start, lanes) })
            store(load(upstream, start, lanes) * factor, start, lanes)
        }
    }
}
