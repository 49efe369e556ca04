import MBRLCore

extension MLP {
    /// The Jacobian-vector product of the network at the point its `tape` was recorded at
    /// (forward-mode differentiation): the change of the output `[B, out]` for a change of the
    /// parameters by `parameterTangents` and of the input by `inputTangent`.
    ///
    /// Layer by layer, `dz = dx · W + x · dW + db` (two GEMMs) and `dy = f'(z) * dz`, the
    /// activation's derivative taken from the tape as the backward pass takes it.
    ///
    /// ```swift
    /// let (output, tape) = try network.forward(inputs)
    /// let change = try network.jacobianVectorProduct(parameterTangents: direction, tape: tape)   // [B, out]
    /// ```
    ///
    /// - Parameters:
    ///   - parameterTangents: one matrix per parameter, in the order and shapes of `parameters`.
    ///   - inputTangent: `[B, in]`, or `nil` for an input held fixed.
    ///   - tape: from `forward(_:)` of this network with the same parameters.
    /// - Returns: the output tangent `[B, out]`.
    /// - Throws: `MBRLError.shapeMismatch` when a tangent or the tape does not fit.
    public func jacobianVectorProduct(parameterTangents: [Matrix], inputTangent: Matrix? = nil, tape: Tape) throws -> Matrix {
        try validateParameterShapes(parameterTangents, role: "parameter tangents")
        guard tape.layerTapes.count == layers.count else {
            throw MBRLError.shapeMismatch("the tape has \(tape.layerTapes.count) layers, the network \(layers.count)")
        }
        let rows = tape.layerTapes[0].input.rows
        if let inputTangent, inputTangent.rows != rows || inputTangent.columns != inputSize {
            throw MBRLError.shapeMismatch(
                "the input tangent is \(inputTangent.rows) x \(inputTangent.columns), expected \(rows) x \(inputSize)")
        }
        var tangent = inputTangent
        for (index, layer) in layers.enumerated() {
            let layerTape = tape.layerTapes[index]
            guard layerTape.input.columns == layer.inputSize, layerTape.output.columns == layer.outputSize else {
                throw MBRLError.shapeMismatch("the tape of layer \(index) is not from a \(layer.inputSize) -> \(layer.outputSize) layer")
            }
            var preActivationTangent = layerTape.input.matmul(parameterTangents[2 * index])
                .addingRow(parameterTangents[2 * index + 1].values)
            if let tangent { preActivationTangent += tangent.matmul(layer.weight) }
            // The activation acts entry by entry, so its backward pass multiplies by f'(z): the
            // same product forward mode needs.
            tangent = try layer.activation.backward(outputGradient: preActivationTangent, output: layerTape.output,
                                                    keptDerivative: layerTape.activationDerivative)
        }
        return tangent ?? Matrix(rows: rows, columns: outputSize)
    }
}
