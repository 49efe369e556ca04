extension ParameterContainer {
    /// Writes every parameter as a binary matrix entry `<prefix>.<parameter name>`.
    public func writeParameters(to writer: inout CheckpointWriter, prefix: String) {
        for (name, parameter) in zip(parameterNames, parameters) {
            writer.add(name: "\(prefix).\(name)", matrix: parameter)
        }
    }

    /// Reads every parameter written by `writeParameters(to:prefix:)`.
    ///
    /// - Throws: `MBRLError.fileFormat` when an entry is missing, `.shapeMismatch` when it was
    ///   written for a network of another shape (nothing is changed then).
    public mutating func readParameters(from checkpoint: Checkpoint, prefix: String) throws {
        var restored: [Matrix] = []
        for (name, parameter) in zip(parameterNames, parameters) {
            let matrix = try checkpoint.matrix(named: "\(prefix).\(name)")
            guard matrix.matchesShape(of: parameter) else {
                throw MBRLError.shapeMismatch(
                    "checkpoint '\(checkpoint.source)': '\(prefix).\(name)' is \(matrix.shapeText), this network's is \(parameter.shapeText); was it written for another recipe?")
            }
            restored.append(matrix)
        }
        try setParameters(restored)
    }
}
