/// Elementwise transcendental functions on 16 `Float` lanes, for the vectorised activations.
///
/// Every function works lane by lane: the result in one lane depends only on the input in that
/// lane, so a value computed here is the same whichever vector or tile position it sits in (the
/// GEMM epilogue relies on this for thread-count-independent results).
///
/// The polynomials are those of the Cephes Math Library (Stephen L. Moshier, `expf.c`,
/// `logf.c`, `tanhf.c`), with the usual Cody-Waite range reduction. On a CPU with FMA every
/// function compiles to straight-line vector code (no calls, no scalar loops).
enum VectorMath {
    /// Sixteen `Float` lanes: one AVX-512 register, or two or four narrower ones.
    typealias Vector = SIMD16<Float>
    typealias Bits = SIMD16<UInt32>
    typealias Exponents = SIMD16<Int32>

    // Constants from Cephes `expf.c`.
    private static let log2e: Float = 1.44269504088896341
    private static let ln2High: Float = 0.693359375
    private static let ln2Low: Float = -2.12194440e-4
    /// Below this, `exp(x)` is under half the smallest subnormal `Float` and is returned as 0.
    private static let expLowerLimit: Float = -104
    /// `1.5 * 2^23`: adding it rounds a `Float` of magnitude below `2^22` to an integer.
    private static let roundingMagic: Float = 12582912

    /// `a * b + c`, with one rounding (FMA) when the build targets a CPU with FMA (`MBRL_FMA`,
    /// set by native release builds); otherwise (portable and debug builds) a multiply and an
    /// add, since a fused multiply-add would be a slow library call.
    @_transparent
    static func multiplyAdd(_ a: Vector, _ b: Vector, _ c: Vector) -> Vector {
        #if MBRL_FMA
        c.addingProduct(a, b)
        #else
        a * b + c
        #endif
    }

    /// `sqrt(x)` lane by lane for `x >= 0` (exact, IEEE-rounded; NaN stays NaN), and 0 for a
    /// negative lane.
    ///
    /// `SIMD16<Float>.squareRoot()` keeps C's `errno` contract on Linux: each lane is tested and
    /// may call `sqrtf`, so it compiles to sixteen scalar square roots. With the negative lanes
    /// clamped first (`max`, which keeps NaN) the compiler knows no lane can set `errno` and
    /// emits one vector square root.
    @_transparent
    static func squareRootOfNonNegative(_ x: Vector) -> Vector {
        var result = Vector()
        for lane in 0..<Vector.scalarCount { result[lane] = max(x[lane], 0).squareRoot() }
        return result
    }

    /// `|x|` (clears the sign bit).
    @_transparent
    static func absoluteValue(_ x: Vector) -> Vector {
        unsafeBitCast(unsafeBitCast(x, to: Bits.self) & Bits(repeating: 0x7FFF_FFFF), to: Vector.self)
    }

    /// `exp(x)` for `x <= 0` (larger inputs are treated as 0, giving 1), including results in
    /// the subnormal range; exactly 0 below `-104`.
    ///
    /// Relative error about 1e-7 where the result is a normal `Float` (Cephes `expf`:
    /// `2^n * e^r` with `|r| <= ln2 / 2`; `2^n` applied in two steps so that it never leaves
    /// the normal range before the final, single rounding).
    @_transparent
    static func expOfNonPositive(_ x: Vector) -> Vector {
        let zero = Vector(repeating: 0)
        let clamped = pointwiseMax(pointwiseMin(x, zero), Vector(repeating: expLowerLimit))
        let magic = Vector(repeating: roundingMagic)
        // n = round(x / ln2), kept both as a Float and in the low mantissa bits of `shifted`.
        let shifted = multiplyAdd(clamped, Vector(repeating: log2e), magic)
        let n = shifted - magic
        var r = multiplyAdd(n, Vector(repeating: -ln2High), clamped)
        r = multiplyAdd(n, Vector(repeating: -ln2Low), r)
        var p = Vector(repeating: 1.9875691500e-4)
        p = multiplyAdd(p, r, Vector(repeating: 1.3981999507e-3))
        p = multiplyAdd(p, r, Vector(repeating: 8.3334519073e-3))
        p = multiplyAdd(p, r, Vector(repeating: 4.1665795894e-2))
        p = multiplyAdd(p, r, Vector(repeating: 1.6666665459e-1))
        p = multiplyAdd(p, r, Vector(repeating: 5.0000001201e-1))
        let mantissa = multiplyAdd(p, r * r, r) + Vector(repeating: 1)
        // n in [-150, 0] as an integer; 2^n = 2^half * 2^(n - half), both factors normal.
        let exponent = unsafeBitCast(shifted, to: Exponents.self) &- unsafeBitCast(magic, to: Exponents.self)
        let half = exponent &>> 1
        let bias = Exponents(repeating: 127)
        let firstScale = unsafeBitCast((half &+ bias) &<< 23, to: Vector.self)
        let secondScale = unsafeBitCast((exponent &- half &+ bias) &<< 23, to: Vector.self)
        let result = (mantissa * firstScale) * secondScale
        return result.replacing(with: zero, where: x .< Vector(repeating: expLowerLimit))
    }

    /// `exp(x) - 1` for `x <= 0`, accurate to a few ulp near 0 (no cancellation).
    @_transparent
    static func expMinusOneOfNonPositive(_ x: Vector) -> Vector {
        // Taylor series to x^8 on [-0.5, 0]: the first omitted term is below 1.4e-8 relative.
        var p = Vector(repeating: 1.0 / 40320)
        p = multiplyAdd(p, x, Vector(repeating: 1.0 / 5040))
        p = multiplyAdd(p, x, Vector(repeating: 1.0 / 720))
        p = multiplyAdd(p, x, Vector(repeating: 1.0 / 120))
        p = multiplyAdd(p, x, Vector(repeating: 1.0 / 24))
        p = multiplyAdd(p, x, Vector(repeating: 1.0 / 6))
        p = multiplyAdd(p, x, Vector(repeating: 0.5))
        let small = multiplyAdd(p * x, x, x)
        let large = expOfNonPositive(x) - Vector(repeating: 1)
        return large.replacing(with: small, where: x .> Vector(repeating: -0.5))
    }

    /// `log(1 + y)` for `y` in `[0, 1]`, accurate to a few ulp also for tiny `y`.
    @_transparent
    static func logOnePlusOfUnitInterval(_ y: Vector) -> Vector {
        let one = Vector(repeating: 1)
        let u = one + y
        // u in [1, 2]: reduce to m in [sqrt(1/2), sqrt(2)) with u = m * 2^e, e in {0, 1}.
        let isLarge = u .> Vector(repeating: 1.41421356237)
        let e = Vector(repeating: 0).replacing(with: one, where: isLarge)
        let m = u.replacing(with: u * Vector(repeating: 0.5), where: isLarge)
        let x = m - one
        let z = x * x
        // Cephes `logf`: log(1 + x) = x - x^2/2 + x^3 P(x).
        var p = Vector(repeating: 7.0376836292e-2)
        p = multiplyAdd(p, x, Vector(repeating: -1.1514610310e-1))
        p = multiplyAdd(p, x, Vector(repeating: 1.1676998740e-1))
        p = multiplyAdd(p, x, Vector(repeating: -1.2420140846e-1))
        p = multiplyAdd(p, x, Vector(repeating: 1.4249322787e-1))
        p = multiplyAdd(p, x, Vector(repeating: -1.6668057665e-1))
        p = multiplyAdd(p, x, Vector(repeating: 2.0000714765e-1))
        p = multiplyAdd(p, x, Vector(repeating: -2.4999993993e-1))
        p = multiplyAdd(p, x, Vector(repeating: 3.3333331174e-1))
        var logU = p * z * x
        logU = multiplyAdd(e, Vector(repeating: ln2Low), logU)
        logU = multiplyAdd(z, Vector(repeating: -0.5), logU)
        logU = x + logU
        logU = multiplyAdd(e, Vector(repeating: ln2High), logU)
        // log1p(y) = log(u) * y / (u - 1) corrects the rounding of 1 + y (Goldberg, 1991).
        let uMinusOne = u - one
        let corrected = logU * (y / uMinusOne)
        return corrected.replacing(with: y, where: uMinusOne .== Vector(repeating: 0))
    }

    /// `1 / (1 + exp(-x))`, computed from `exp(-|x|)` so that it never overflows.
    @_transparent
    static func sigmoid(_ x: Vector) -> Vector {
        let e = expOfNonPositive(-absoluteValue(x))
        let positive = Vector(repeating: 1) / (Vector(repeating: 1) + e)
        return positive.replacing(with: e * positive, where: x .< Vector(repeating: 0))
    }

    /// `x * sigmoid(x)`.
    @_transparent
    static func silu(_ x: Vector) -> Vector {
        x * sigmoid(x)
    }

    /// `tanh(x)`: Cephes' odd polynomial below `|x| = 0.625`, `(1 - e) / (1 + e)` with
    /// `e = exp(-2|x|)` above.
    @_transparent
    static func tanh(_ x: Vector) -> Vector {
        let magnitude = absoluteValue(x)
        let s = x * x
        var p = Vector(repeating: -5.70498872745e-3)
        p = multiplyAdd(p, s, Vector(repeating: 2.06390887954e-2))
        p = multiplyAdd(p, s, Vector(repeating: -5.37397155531e-2))
        p = multiplyAdd(p, s, Vector(repeating: 1.33314422036e-1))
        p = multiplyAdd(p, s, Vector(repeating: -3.33332819422e-1))
        let small = multiplyAdd(p * s, x, x)
        let e = expOfNonPositive(Vector(repeating: -2) * magnitude)
        let largeMagnitude = (Vector(repeating: 1) - e) / (Vector(repeating: 1) + e)
        let signBit = unsafeBitCast(x, to: Bits.self) & Bits(repeating: 0x8000_0000)
        let large = unsafeBitCast(unsafeBitCast(largeMagnitude, to: Bits.self) | signBit, to: Vector.self)
        return large.replacing(with: small, where: magnitude .< Vector(repeating: 0.625))
    }

    /// `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.
    @_transparent
    static func elu(_ x: Vector, alpha: Float) -> Vector {
        let negative = Vector(repeating: alpha) * expMinusOneOfNonPositive(x)
        return negative.replacing(with: x, where: x .> Vector(repeating: 0))
    }

    /// `log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|))`.
    @_transparent
    static func softplus(_ x: Vector) -> Vector {
        let tail = logOnePlusOfUnitInterval(expOfNonPositive(-absoluteValue(x)))
        return pointwiseMax(x, Vector(repeating: 0)) + tail
    }

    /// `max(0, x)`, with the scalar definition's results for `-0` and NaN (both give 0).
    @_transparent
    static func relu(_ x: Vector) -> Vector {
        Vector(repeating: 0).replacing(with: x, where: x .> Vector(repeating: 0))
    }

    /// `x` for `x >= 0`, `slope * x` otherwise.
    @_transparent
    static func leakyReLU(_ x: Vector, slope: Float) -> Vector {
        (x * Vector(repeating: slope)).replacing(with: x, where: x .>= Vector(repeating: 0))
    }
}

/// An elementwise function on 16 lanes, as a type, so that loops over buffers are specialised
/// for each activation with the function inlined (closures passed to the loops were not).
protocol VectorFunction {
    func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float>
    /// `f(x)` and `f'(x)` lane by lane, the derivative with exactly the bits
    /// `Activation.multiplyByDerivative` multiplies by (given `x` and `y = f(x)`).
    func valueAndDerivative(_ x: SIMD16<Float>) -> (value: SIMD16<Float>, derivative: SIMD16<Float>)
    /// `f'` lane by lane from `x` (the pre-activation, or the output where the derivative
    /// needs only its sign or value) and, when given, the output `y = f(x)`: what
    /// `Activation.multiplyByDerivative` multiplies by.
    func derivative(_ x: SIMD16<Float>, output y: SIMD16<Float>?) -> SIMD16<Float>
}

extension VectorMath {
    struct Identity: VectorFunction {
        @_transparent func callAsFunction(_ x: Vector) -> Vector { x }
        @_transparent func valueAndDerivative(_ x: Vector) -> (value: Vector, derivative: Vector) {
            (x, Vector(repeating: 1))
        }
        @_transparent func derivative(_ x: Vector, output y: Vector?) -> Vector {
            Vector(repeating: 1)
        }
    }

    struct ReLU: VectorFunction {
        @_transparent func callAsFunction(_ x: Vector) -> Vector { VectorMath.relu(x) }
        @_transparent func valueAndDerivative(_ x: Vector) -> (value: Vector, derivative: Vector) {
            (VectorMath.relu(x), VectorMath.reluDerivative(x))
        }
        @_transparent func derivative(_ x: Vector, output y: Vector?) -> Vector {
            VectorMath.reluDerivative(x)
        }
    }

    struct LeakyReLU: VectorFunction {
        let slope: Float
        @_transparent func callAsFunction(_ x: Vector) -> Vector { VectorMath.leakyReLU(x, slope: slope) }
        @_transparent func valueAndDerivative(_ x: Vector) -> (value: Vector, derivative: Vector) {
            (VectorMath.leakyReLU(x, slope: slope), VectorMath.leakyReLUDerivative(x, slope: slope))
        }
        @_transparent func derivative(_ x: Vector, output y: Vector?) -> Vector {
            VectorMath.leakyReLUDerivative(x, slope: slope)
        }
    }

    struct SiLU: VectorFunction {
        @_transparent func callAsFunction(_ x: Vector) -> Vector { VectorMath.silu(x) }
        @_transparent func valueAndDerivative(_ x: Vector) -> (value: Vector, derivative: Vector) {
            VectorMath.siluValueAndDerivative(x)
        }
        @_transparent func derivative(_ x: Vector, output y: Vector?) -> Vector {
            VectorMath.siluValueAndDerivative(x).derivative
        }
    }

    struct Tanh: VectorFunction {
        @_transparent func callAsFunction(_ x: Vector) -> Vector { VectorMath.tanh(x) }
        @_transparent func valueAndDerivative(_ x: Vector) -> (value: Vector, derivative: Vector) {
            let t = VectorMath.tanh(x)
            return (t, VectorMath.tanhDerivative(output: t))
        }
        @_transparent func derivative(_ x: Vector, output y: Vector?) -> Vector {
            VectorMath.tanhDerivative(output: y ?? VectorMath.tanh(x))
        }
    }

    struct Sigmoid: VectorFunction {
        @_transparent func callAsFunction(_ x: Vector) -> Vector { VectorMath.sigmoid(x) }
        @_transparent func valueAndDerivative(_ x: Vector) -> (value: Vector, derivative: Vector) {
            let s = VectorMath.sigmoid(x)
            return (s, VectorMath.sigmoidDerivative(output: s))
        }
        @_transparent func derivative(_ x: Vector, output y: Vector?) -> Vector {
            VectorMath.sigmoidDerivative(output: y ?? VectorMath.sigmoid(x))
        }
    }

    struct ELU: VectorFunction {
        let alpha: Float
        @_transparent func callAsFunction(_ x: Vector) -> Vector { VectorMath.elu(x, alpha: alpha) }
        @_transparent func valueAndDerivative(_ x: Vector) -> (value: Vector, derivative: Vector) {
            let y = VectorMath.elu(x, alpha: alpha)
            return (y, VectorMath.eluDerivative(x, output: y, alpha: alpha))
        }
        @_transparent func derivative(_ x: Vector, output y: Vector?) -> Vector {
            VectorMath.eluDerivative(x, output: y ?? VectorMath.elu(x, alpha: alpha), alpha: alpha)
        }
    }

    struct Softplus: VectorFunction {
        @_transparent func callAsFunction(_ x: Vector) -> Vector { VectorMath.softplus(x) }
        @_transparent func valueAndDerivative(_ x: Vector) -> (value: Vector, derivative: Vector) {
            (VectorMath.softplus(x), VectorMath.sigmoid(x))
        }
        @_transparent func derivative(_ x: Vector, output y: Vector?) -> Vector {
            VectorMath.sigmoid(x)
        }
    }
}

// MARK: - Derivatives shared by the backward pass and the GEMM epilogue

extension VectorMath {
    /// `silu(x) = x * s` and `silu'(x) = s * (1 + x * (1 - s))` with `s = sigmoid(x)` computed
    /// once.
    @_transparent
    static func siluValueAndDerivative(_ x: Vector) -> (value: Vector, derivative: Vector) {
        let one = Vector(repeating: 1)
        let s = sigmoid(x)
        return (x * s, s * multiplyAdd(x, one - s, one))
    }

    /// 1 for `x > 0`, 0 otherwise (also from the output `y = relu(x)`, which has the same sign).
    @_transparent
    static func reluDerivative(_ x: Vector) -> Vector {
        Vector(repeating: 0).replacing(with: Vector(repeating: 1), where: x .> Vector(repeating: 0))
    }

    /// `1 - t^2` from the output `t = tanh(x)`.
    @_transparent
    static func tanhDerivative(output t: Vector) -> Vector {
        Vector(repeating: 1) - t * t
    }

    /// `s (1 - s)` from the output `s = sigmoid(x)`.
    @_transparent
    static func sigmoidDerivative(output s: Vector) -> Vector {
        s * (Vector(repeating: 1) - s)
    }

    /// 1 for `x >= 0`, `slope` otherwise.
    @_transparent
    static func leakyReLUDerivative(_ x: Vector, slope: Float) -> Vector {
        Vector(repeating: slope).replacing(with: Vector(repeating: 1), where: x .>= Vector(repeating: 0))
    }

    /// ELU's derivative from `x` and its output `y = elu(x)`: 1 where `x > 0`, `y + alpha`
    /// elsewhere.
    @_transparent
    static func eluDerivative(_ x: Vector, output y: Vector, alpha: Float) -> Vector {
        (y + Vector(repeating: alpha)).replacing(with: Vector(repeating: 1), where: x .> Vector(repeating: 0))
    }
}

// MARK: - Buffers

extension VectorMath {
    /// `result[i] = a[i] * b[i]` for `i` in `0..<count` (`result` may be `a` or `b`).
    @_transparent
    static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                         into result: UnsafeMutablePointer<Float>, count: Int) {
        for index in 0..<count { result[index] = a[index] * b[index] }
    }
}
