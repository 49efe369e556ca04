/// What a GEMM microkernel does with a finished row of its tile: add the partial sum already in
/// `C`, add the bias, keep the pre-activation, store. (The activation itself is applied to the
/// whole tile afterwards, while it is still in L1.)
///
/// The value stored is `(C + sum) + bias` (terms present as configured), the same expression
/// for every entry whatever tile or thread computes it.
struct GEMMEpilogue {
    typealias Vector = SIMD16<Float>

    /// `C` holds a partial result to add to: `accumulate`, or a later block of the depth.
    var addsToC: Bool
    /// The bias values of the tile's columns (as wide as the tile), or `nil`.
    var bias: UnsafePointer<Float>?
    /// Where the tile's pre-activation values go (its first entry), or `nil`.
    var preActivation: UnsafeMutablePointer<Float>?
    /// The distance between rows of `preActivation`.
    var preActivationStride: Int

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    private static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    /// Finishes row `row` of a 32-wide tile from its two accumulators.
    @inline(__always)
    func finish32(
        _ sum0: Vector, _ sum1: Vector, _ bias0: Vector, _ bias1: Vector,
        row: Int, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var value0 = sum0, value1 = sum1
        let destination = c + row * ldc
        if addsToC {
            value0 = Self.load(destination) + value0
            value1 = Self.load(destination + 16) + value1
        }
        if bias != nil {
            value0 += bias0
            value1 += bias1
        }
        if let preActivation {
            let preRow = preActivation + row * preActivationStride
            Self.store(value0, preRow)
            Self.store(value1, preRow + 16)
        }
        Self.store(value0, destination)
        Self.store(value1, destination + 16)
    }

    /// Finishes row `row` of a 16-wide tile from its accumulator.
    @inline(__always)
    func finish16(_ sum0: Vector, _ bias0: Vector, row: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        var value0 = sum0
        let destination = c + row * ldc
        if addsToC { value0 = Self.load(destination) + value0 }
        if bias != nil { value0 += bias0 }
        if let preActivation { Self.store(value0, preActivation + row * preActivationStride) }
        Self.store(value0, destination)
    }
}
