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

        /// The loop for `function`: the plain one, or the one that also keeps the derivative
        /// (separate specialisations, so the plain one stays as small as before derivatives
        /// existed and inlines its activation).
        @inline(__always)
        func store<Function: VectorFunction>(_ function: Function) {
            if derivative != nil {
                storeLoop(KeepingDerivative(function: function))
            } else {
                storeLoop(ValuesOnly(function: function))
            }
        }

        @inline(__always)
        private func storeLoop<Output: TileOutput>(_ output: Output) {
            let fullColumns = columns & ~15
            let remainder = columns - fullColumns
            for row in 0..<rows {
                let sums = tile + row * GEMMMicrokernel.tileStride
                let destination = c + row * ldc
                let preRow = preActivation.map { $0 + row * ldc }
                let derivativeRow = derivative.map { $0 + row * ldc }
                var column = 0
                while column < fullColumns {
                    let value = sum(sums + column, destination + column, bias.map { $0 + column })
                    if let preRow { Self.store(value, preRow + column) }
                    Self.store(output.apply(value, derivative: derivativeRow.map { $0 + column }, lanes: 16), destination + column)
                    column += 16
                }
                if remainder > 0 {
                    let value = partialSum(sums + fullColumns, destination + fullColumns, bias.map { $0 + fullColumns }, remainder)
                    if let preRow {
                        for lane in 0..<remainder { preRow[fullColumns + lane] = value[lane] }
                    }
                    let result = output.apply(value, derivative: derivativeRow.map { $0 + fullColumns }, lanes: remainder)
                    for lane in 0..<remainder { destination[fullColumns + lane] = result[lane] }
                }
            }
        }

        /// `(C + sums) + bias` for 16 full lanes (the terms present as configured).
        @inline(__always)
        private func sum(_ sums: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>,
                         _ bias: UnsafePointer<Float>?) -> Vector {
            var value = Self.load(sums)
            if addsToC { value = Self.load(destination) + value }
            if let bias { value += Self.load(bias) }
            return value
        }

        /// The same for the first `lanes` lanes of a partial vector, the rest zero.
        @inline(__always)
        private func partialSum(_ sums: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>,
                                _ bias: UnsafePointer<Float>?, _ lanes: Int) -> Vector {
            var value = Self.load(sums)
            if addsToC {
                var old = Vector()
                for lane in 0..<lanes { old[lane] = destination[lane] }
                value = old + value
            }
            if let bias {
                var biasValues = Vector()
                for lane in 0..<lanes { biasValues[lane] = bias[lane] }
                value += biasValues
            }
            return value
        }
    }
}

/// What the epilogue stores for a vector of values besides the pre-activation.
private protocol TileOutput {
    /// The activation of `value`; also stores its derivative's first `lanes` lanes at
    /// `derivative` when this output keeps it.
    func apply(_ value: SIMD16<Float>, derivative: UnsafeMutablePointer<Float>?, lanes: Int) -> SIMD16<Float>
}

/// The activation only.
private struct ValuesOnly<Function: VectorFunction>: TileOutput {
    let function: Function

    @inline(__always)
    func apply(_ value: SIMD16<Float>, derivative: UnsafeMutablePointer<Float>?, lanes: Int) -> SIMD16<Float> {
        function(value)
    }
}

/// The activation and its derivative, computed together (`VectorFunction.valueAndDerivative`).
private struct KeepingDerivative<Function: VectorFunction>: TileOutput {
    let function: Function

    @inline(__always)
    func apply(_ value: SIMD16<Float>, derivative: UnsafeMutablePointer<Float>?, lanes: Int) -> SIMD16<Float> {
        let (result, slope) = function.valueAndDerivative(value)
        let destination = derivative.unsafelyUnwrapped
        if lanes == 16 {
            UnsafeMutableRawPointer(destination).storeBytes(of: slope, as: SIMD16<Float>.self)
        } else {
            for lane in 0..<lanes { destination[lane] = slope[lane] }
        }
        return result
    }
}
