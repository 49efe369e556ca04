/// Moves a microkernel's sums into `C`: adds the partial result already in `C`, adds the bias,
/// keeps the pre-activation and/or the activation's derivative there, applies the activation,
/// stores; all in one pass over the tile while it is in L1.
///
/// The value is `(C + sum) + bias` (terms present as configured), then the activation's
/// 16-lane function, for every entry whatever tile, edge or thread computes it: a partial last
/// vector of a row is gathered into a zero-padded vector and goes through the same code.
enum GEMMEpilogue {
    typealias Vector = SIMD16<Float>

    /// Stores `rows x columns` sums from `tile` (rows `GEMMMicrokernel.tileStride` apart) into `c`.
    ///
    /// - Parameters:
    ///   - addsToC: `C` holds a partial result to add to (accumulate, or a later depth block).
    ///   - bias: the `columns` bias values of the tile's columns, or `nil`.
    ///   - preActivation: where the values before the activation go (same `ldc`), or `nil`.
    ///   - derivative: where the activation's derivative at those values goes (same `ldc`), or
    ///     `nil`; computed with the activation, sharing its work (SiLU's sigmoid).
    ///   - activation: applied after the bias; `nil` for an intermediate depth block.
    static func store(
        tile: UnsafePointer<Float>, rows: Int, columns: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, addsToC: Bool,
        bias: UnsafePointer<Float>?, preActivation: UnsafeMutablePointer<Float>?,
        derivative: UnsafeMutablePointer<Float>? = nil, activation: Activation?
    ) {
        let parts = Parts(
            tile: tile, rows: rows, columns: columns, c: c, ldc: ldc, addsToC: addsToC,
            bias: bias, preActivation: preActivation, derivative: derivative)
        switch activation ?? .identity {
        case .identity: parts.store(VectorMath.Identity())
        case .relu: parts.store(VectorMath.ReLU())
        case .leakyReLU(let slope): parts.store(VectorMath.LeakyReLU(slope: slope))
        case .silu: parts.store(VectorMath.SiLU())
        case .tanh: parts.store(VectorMath.Tanh())
        case .sigmoid: parts.store(VectorMath.Sigmoid())
        case .elu(let alpha): parts.store(VectorMath.ELU(alpha: alpha))
        case .softplus: parts.store(VectorMath.Softplus())
        }
    }

    /// The arguments of `store`, with the loop specialised for each activation.
    private struct Parts {
        let tile: UnsafePointer<Float>
        let rows: Int
        let columns: Int
        let c: UnsafeMutablePointer<Float>
        let ldc: Int
        let addsToC: Bool
        let bias: UnsafePointer<Float>?
        let preActivation: UnsafeMutablePointer<Float>?
        let derivative: UnsafeMutablePointer<Float>?

        @inline(__always)
        private static func load(_ pointer: UnsafePointer<Float>) -> Vector {
            UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
        }

        @inline(__always)
        private static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
            UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
        }

        @inline(__always)
        func store<Function: VectorFunction>(_ function: Function) {
            let fullColumns = columns & ~15
            let remainder = columns - fullColumns
            for row in 0..<rows {
                let sums = tile + row * GEMMMicrokernel.tileStride
                let destination = c + row * ldc
                let preRow = preActivation.map { $0 + row * ldc }
                let derivativeRow = derivative.map { $0 + row * ldc }
                var column = 0
                while column < fullColumns {
                    var value = Self.load(sums + column)
                    if addsToC { value = Self.load(destination + column) + value }
                    if let bias { value += Self.load(bias + column) }
                    if let preRow { Self.store(value, preRow + column) }
                    if let derivativeRow {
                        let (result, slope) = function.valueAndDerivative(value)
                        Self.store(slope, derivativeRow + column)
                        Self.store(result, destination + column)
                    } else {
                        Self.store(function(value), destination + column)
                    }
                    column += 16
                }
                if remainder > 0 {
                    var value = Self.load(sums + fullColumns)
                    if addsToC {
                        var old = Vector()
                        for lane in 0..<remainder { old[lane] = destination[fullColumns + lane] }
                        value = old + value
                    }
                    if let bias {
                        var biasValues = Vector()
                        for lane in 0..<remainder { biasValues[lane] = bias[fullColumns + lane] }
                        value += biasValues
                    }
                    if let preRow {
                        for lane in 0..<remainder { preRow[fullColumns + lane] = value[lane] }
                    }
                    let result: Vector
                    if let derivativeRow {
                        let slope: Vector
                        (result, slope) = function.valueAndDerivative(value)
                        for lane in 0..<remainder { derivativeRow[fullColumns + lane] = slope[lane] }
                    } else {
                        result = function(value)
                    }
                    for lane in 0..<remainder { destination[fullColumns + lane] = result[lane] }
                }
            }
        }
    }
}
