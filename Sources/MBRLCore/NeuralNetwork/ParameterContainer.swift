/// Something with trainable parameters: a list of matrices in a fixed order, with names.
///
/// Layers, networks and loss heads conform; optimisers update any conforming value in place, and
/// checkpoints store `parameterNames` with `parameters`. Gradients always travel as `[Matrix]` in
/// the same order and shapes as `parameters`.
///
/// ```swift
/// var network = try MLP(inputSize: 4, hiddenSizes: [32], outputSize: 2, generator: &generator)
/// print(network.parameterNames)          // ["layers.0.weight", "layers.0.bias", ...]
/// let flat = network.flattenedParameters()
/// try network.setFlattenedParameters(flat.map { $0 * 0.5 })
/// ```
public protocol ParameterContainer {
    /// The parameters in a fixed order (a copy-on-write view: reading them copies nothing).
    var parameters: [Matrix] { get }

    /// One name per parameter, in the order of `parameters` (for example `"layers.0.weight"`).
    var parameterNames: [String] { get }

    /// Lets `body` edit the parameters in place, without copying their storage.
    ///
    /// `body` must keep the number of parameters and every shape (a programmer error otherwise).
    mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result
}

extension ParameterContainer {
    /// The total number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The shape of every parameter, in order.
    public var parameterShapes: [(rows: Int, columns: Int)] { parameters.map(\.shape) }

    /// Checks that `matrices` has one matrix per parameter with the same shapes (gradients, new
    /// values); `role` names them in the error ("gradients", "parameters").
    public func validateParameterShapes(_ matrices: [Matrix], role: String = "gradients") throws {
        try ParameterShapes.validate(matrices, against: parameters, names: parameterNames, role: role)
    }

    /// Replaces every parameter with `newParameters` (same count and shapes).
    ///
    /// - Throws: `MBRLError.shapeMismatch` naming the first parameter that does not fit.
    public mutating func setParameters(_ newParameters: [Matrix]) throws {
        try validateParameterShapes(newParameters, role: "parameters")
        updateParameters { $0 = newParameters }
    }

    /// All parameters as one vector, parameter after parameter, each row-major.
    public func flattenedParameters() -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(parameterCount)
        for parameter in parameters { result.append(contentsOf: parameter.values) }
        return result
    }

    /// Loads parameters from a vector laid out as `flattenedParameters()` returns it.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when `values.count != parameterCount`.
    public mutating func setFlattenedParameters(_ values: [Float]) throws {
        let expected = parameterCount
        guard values.count == expected else {
            throw MBRLError.shapeMismatch("expected \(expected) parameter values, got \(values.count)")
        }
        updateParameters { parameters in
            var offset = 0
            for index in parameters.indices {
                let count = parameters[index].count
                parameters[index].withUnsafeMutableBufferPointer { destination in
                    for entry in 0..<count { destination[entry] = values[offset + entry] }
                }
                offset += count
            }
        }
    }

    /// Lets `body` edit the parameters of `self` followed by those of `other` as one list, in
    /// place (for a model made of a network and a loss head, updated by one optimiser).
    public mutating func updateParameters<Other: ParameterContainer, Result>(
        together other: inout Other,
        _ body: (inout [Matrix]) throws -> Result
    ) rethrows -> Result {
        try updateParameters { mine in
            try other.updateParameters { theirs in
                let split = mine.count
                var all = mine
                mine = []
                all.append(contentsOf: theirs)
                theirs = []
                defer {
                    mine = Array(all[..<split])
                    theirs = Array(all[split...])
                }
                return try body(&all)
            }
        }
    }
}

/// Shape checks shared by parameter containers and optimisers.
enum ParameterShapes {
    /// Throws unless `matrices` matches `reference` in count and shapes.
    static func validate(_ matrices: [Matrix], against reference: [Matrix], names: [String]? = nil, role: String) throws {
        guard matrices.count == reference.count else {
            throw MBRLError.shapeMismatch("expected \(reference.count) \(role), got \(matrices.count)")
        }
        for index in reference.indices where !matrices[index].matchesShape(of: reference[index]) {
            let name = names.map { index < $0.count ? "\"\($0[index])\"" : "#\(index)" } ?? "#\(index)"
            throw MBRLError.shapeMismatch(
                "\(role) for parameter \(name) is \(matrices[index].shapeText), expected \(reference[index].shapeText)")
        }
    }
}
