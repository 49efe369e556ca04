import MBRLCore

extension DynamicsEnsemble {
    /// Fits the input normaliser to the `[observation, encoded action]` rows of `data` (when
    /// `normalizeInputs`) and the output normaliser to its regression targets (observation
    /// changes and rewards, when `normalizeOutputs`). `ModelTrainer` calls this at the start of
    /// every fit with all the data (as mbrl-lib's `update_normalizer`).
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the data does not fit the model,
    ///   `MBRLError.nonFinite` when it holds NaN or infinity (nothing is changed then).
    public mutating func fitNormalizers(to data: TransitionBatch) throws {
        try validateInputs(observations: data.observations, actions: data.actions)
        var inputs = inputNormalizer, outputs = outputNormalizer
        if config.normalizeInputs {
            var raw = Matrix(rows: data.count, columns: inputSize)
            let model = self
            raw.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                model.fillRawInputs(observations: data.observations, actions: data.actions, destination: base)
            }
            try inputs.fit(raw)
        }
        if config.normalizeOutputs {
            try outputs.fit(regressionTargets(of: data))
        }
        inputNormalizer = inputs
        outputNormalizer = outputs
    }

    /// The regression targets of every row of `data`, in their units: `[N, R]`, the observation
    /// change (or the observation in non-delta dimensions), then the reward when it is learned.
    public func regressionTargets(of data: TransitionBatch) -> Matrix {
        let regression = layout.regressionSize, observationWidth = observationSize
        var targets = Matrix(rows: data.count, columns: regression)
        for row in 0..<data.count {
            for column in 0..<observationWidth {
                targets[row, column] = data.nextObservations[row, column] - deltaMask[column] * data.observations[row, column]
            }
            if layout.hasReward { targets[row, layout.rewardColumn] = data.rewards[row] }
        }
        return targets
    }

    /// The `[observation, encoded action]` rows without normalisation.
    func fillRawInputs(observations: Matrix, actions: Matrix, destination: UnsafeMutablePointer<Float>) {
        var unnormalized = self
        unnormalized.inputNormalizer = Normalizer(featureCount: inputSize)
        unnormalized.fillInputs(observations: observations, actions: actions, destination: destination,
                                destinationRows: observations.rows)
    }
}
