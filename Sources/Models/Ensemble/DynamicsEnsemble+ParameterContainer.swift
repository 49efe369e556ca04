import MBRLCore

extension DynamicsEnsemble: ParameterContainer {
    /// Whether the log-variance bounds are trained (a Gaussian model with learned bounds).
    public var trainsLogVarianceBounds: Bool { logVarianceBounds != nil && config.learnLogVarianceBounds }

    /// `["network.layers.0.weight", "network.layers.0.bias", ..., "bounds.maxLogVariance",
    /// "bounds.minLogVariance"]` (the bounds only when they are trained).
    public var parameterNames: [String] {
        network.parameterNames.map { "network." + $0 }
            + (trainsLogVarianceBounds ? ["bounds.maxLogVariance", "bounds.minLogVariance"] : [])
    }

    /// The trained parameters: every layer's `[weight [E * in, out], bias [E, out]]`, then the
    /// bounds `[maxLogVariance [1, R], minLogVariance [1, R]]` when they are trained.
    public var parameters: [Matrix] {
        network.parameters + (trainsLogVarianceBounds ? logVarianceBounds?.parameters ?? [] : [])
    }

    /// Edits the trained parameters in place. Predictions stay correct afterwards; call
    /// `setElites(elites)` once editing is done to make them fast again (`ModelTrainer` does).
    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        eliteNetwork = nil
        if trainsLogVarianceBounds, var bounds = logVarianceBounds {
            logVarianceBounds = nil
            defer { logVarianceBounds = bounds }
            return try network.updateParameters(together: &bounds, body)
        }
        return try network.updateParameters(body)
    }
}
