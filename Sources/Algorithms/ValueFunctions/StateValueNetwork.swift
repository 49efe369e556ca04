import MBRLCore

/// A state-value function `V(s)`: an MLP from observations to one value, `[B, obs] -> [B]`.
///
/// Trained by regression to targets (a mean squared error), as the value baseline of on-policy
/// learners and the `V` network of the original soft actor-critic.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var value = try StateValueNetwork(observationSize: 3, generator: &generator)
/// let estimates = try value(observations)                         // [B, 3] -> [B]
/// let (loss, gradients) = try value.lossAndGradients(observations: observations, targets: returns)
/// try optimizer.step(&value, gradients: gradients)
/// ```
public struct StateValueNetwork: Sendable, Equatable, ParameterContainer {
    /// The network `[B, obs] -> [B, 1]`.
    public private(set) var network: MLP

    /// The number of entries in an observation row.
    public var observationSize: Int { network.inputSize }

    /// A freshly initialised value network.
    ///
    /// - Parameters:
    ///   - observationSize: the entries per observation row.
    ///   - config: hidden sizes, activation and initialiser (default 2 x 256 ReLU).
    ///   - generator: draws the initial weights.
    /// - Throws: `MBRLError.invalidArgument` when a size is not positive.
    public init(observationSize: Int, config: Config = .defaults, generator: inout RandomGenerator) throws {
        try config.validate()
        network = try MLP(
            inputSize: observationSize, hiddenSizes: config.hiddenSizes, outputSize: 1,
            activation: config.activation, initializer: config.initializer, generator: &generator)
    }

    /// A value function made of `network`, which must have one output.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when `network.outputSize != 1`.
    public init(network: MLP) throws {
        guard network.outputSize == 1 else {
            throw MBRLError.shapeMismatch("a state-value network has 1 output, this MLP has \(network.outputSize)")
        }
        self.network = network
    }

    /// The values of a batch of observations: `[B, obs] -> [B]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the rows do not have `observationSize` entries.
    public func callAsFunction(_ observations: Matrix) throws -> [Float] {
        try validate(observations)
        return try network(observations).values
    }

    /// The mean squared error `mean_b (V(s_b) - target_b)^2` and its gradients with respect to
    /// every parameter (in the order of `parameters`).
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - targets: `[B]` regression targets.
    /// - Throws: `MBRLError.shapeMismatch` when the shapes disagree.
    public func lossAndGradients(observations: Matrix, targets: [Float]) throws -> (loss: Float, gradients: [Matrix]) {
        try validate(observations)
        guard targets.count == observations.rows else {
            throw MBRLError.shapeMismatch(
                "\(observations.rows) observation rows but \(targets.count) targets; pass one target per row")
        }
        let (output, tape) = try network.forward(observations)
        let (loss, outputGradient) = try MeanSquaredError.lossAndGradient(
            prediction: output, target: Matrix(rows: targets.count, columns: 1, values: targets))
        let gradients = try network.backward(outputGradient, tape: tape, needsInputGradient: false)
        return (loss, gradients.parameterGradients)
    }

    // MARK: - Parameters

    /// The network's parameter names (`"layers.0.weight"`, ...).
    public var parameterNames: [String] { network.parameterNames }

    /// The network's parameters.
    public var parameters: [Matrix] { network.parameters }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        try network.updateParameters(body)
    }

    private func validate(_ observations: Matrix) throws {
        guard observations.columns == observationSize else {
            throw MBRLError.shapeMismatch(
                "the value network takes observation rows of \(observationSize) entries, got \(observations.rows) x \(observations.columns)")
        }
    }
}
