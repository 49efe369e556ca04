import MBRLCore

/// Checks and small matrix helpers shared by the neural policies.
enum PolicySupport {
    /// Throws unless `observations` has `size` columns.
    static func checkObservations(_ observations: Matrix, size: Int, policy: String) throws {
        guard observations.columns == size else {
            throw MBRLError.shapeMismatch(
                "\(policy) takes observation rows of \(size) entries, got a \(observations.rows) x \(observations.columns) batch")
        }
    }

    /// Throws unless `matrix` is `[rows, columns]`; `role` names it.
    static func checkShape(_ matrix: Matrix, rows: Int, columns: Int, role: String) throws {
        guard matrix.rows == rows, matrix.columns == columns else {
            throw MBRLError.shapeMismatch("\(role) must be \(rows) x \(columns), got \(matrix.rows) x \(matrix.columns)")
        }
    }

    /// Throws unless there is one weight per row.
    static func checkWeights(_ weights: [Float], rows: Int) throws {
        guard weights.count == rows else {
            throw MBRLError.shapeMismatch("the pullback takes one upstream weight per row (\(rows)), got \(weights.count)")
        }
    }

    /// The observation size of a `Box` observation space, or an `incompatible` error.
    static func observationSize(of space: Space, policy: String) throws -> Int {
        guard let box = space.box else {
            throw MBRLError.incompatible(
                "\(policy) takes real-valued observations (a Box observation space); this environment's observations are Discrete(\(space.discrete?.count ?? 0)): use a tabular policy or an encoding wrapper")
        }
        guard box.size > 0 else { throw MBRLError.invalidArgument("\(policy) needs at least one observation entry") }
        return box.size
    }

    /// The bounded `Box` of a continuous action space, or an `incompatible` error.
    static func boundedBox(of space: Space, policy: String, requireBounded: Bool = true) throws -> Box {
        guard let box = space.box else {
            throw MBRLError.incompatible(
                "\(policy) needs a continuous (Box) action space; this environment's actions are Discrete(\(space.discrete?.count ?? 0)): use CategoricalMLPPolicy")
        }
        guard box.size > 0 else { throw MBRLError.invalidArgument("\(policy) needs at least one action entry") }
        if requireBounded {
            guard box.isBounded else {
                throw MBRLError.incompatible(
                    "\(policy) maps its outputs onto the action bounds, which must be finite; got low \(box.lowerBound), high \(box.upperBound) (wrap the environment in an action-rescaling wrapper)")
            }
        }
        for index in 0..<box.size where !(box.lowerBound[index] < box.upperBound[index]) {
            throw MBRLError.invalidArgument(
                "\(policy) needs lower < upper in every action dimension; dimension \(index) has [\(box.lowerBound[index]), \(box.upperBound[index])]")
        }
        return box
    }

    /// Throws unless every hidden size is positive.
    static func checkHiddenSizes(_ sizes: [Int], policy: String) throws {
        guard sizes.allSatisfy({ $0 > 0 }) else {
            throw MBRLError.invalidArgument("\(policy): every hidden size must be positive, got \(sizes)")
        }
    }

    /// The entries of `matrix` row by row, split into columns `0..<split` and `split..<columns`.
    static func splitColumns(_ matrix: Matrix, at split: Int) -> (Matrix, Matrix) {
        (matrix.columns(0..<split), matrix.columns(split..<matrix.columns))
    }

    /// `[B, obs]` zeros, the observation gradient of a quantity that does not depend on them.
    static func zeroGradients(_ parameters: [Matrix], rows: Int, observationSize: Int) -> PolicyGradients {
        PolicyGradients(parameters: parameters.map { Matrix(rows: $0.rows, columns: $0.columns) },
                        observations: Matrix(rows: rows, columns: observationSize))
    }
}

extension PolicySupport {
    /// `vector` cut into matrices of the shapes of `like`, in order (`vector.count` must be the
    /// total count).
    static func unflatten(_ vector: [Float], like shapes: [Matrix]) -> [Matrix] {
        var offset = 0
        return shapes.map { shape in
            defer { offset += shape.count }
            return Matrix(rows: shape.rows, columns: shape.columns, values: Array(vector[offset..<(offset + shape.count)]))
        }
    }

    /// Throws unless a direction has one entry per parameter.
    static func checkDirection(_ vector: [Float], parameterCount: Int) throws {
        guard vector.count == parameterCount else {
            throw MBRLError.shapeMismatch(
                "a Fisher-vector product takes a vector laid out as flattenedParameters() (\(parameterCount) entries), got \(vector.count)")
        }
    }
}
