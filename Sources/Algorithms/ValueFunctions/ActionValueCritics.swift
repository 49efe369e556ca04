import MBRLCore

/// `K` action-value critics `Q_k(s, a)` (twin by default) evaluated in one batched call: the
/// rows `[s, a]` are broadcast to the `K` members of one `EnsembleMLP`, so every layer is one
/// batched GEMM over the critics.
///
/// Gives the values `[K, B]` with their row-wise minimum (clipped double Q-learning), the
/// critic loss of Stable-Baselines3's SAC (`0.5 * sum_k mean_b (Q_k - y)^2`) with its parameter
/// gradients, and the gradient of the reduced value with respect to the action input (for an
/// actor update). Target critics are copies updated with `polyakUpdate(toward:rate:)`.
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var critics = try ActionValueCritics(observationSize: 17, actionSize: 6, generator: &generator)
/// var targetCritics = critics
/// let next = try targetCritics(observations: nextObservations, actions: nextActions).minimum   // [B]
/// let loss = try critics.lossAndGradients(observations: observations, actions: actions, targets: targets)
/// try optimizer.step(&critics, gradients: loss.gradients)
/// try targetCritics.polyakUpdate(toward: critics, rate: 0.005)
/// ```
public struct ActionValueCritics: Sendable, Equatable, ParameterContainer {
    /// The critics as one ensemble: `K` members `[obs + act] -> [1]`.
    public private(set) var networks: EnsembleMLP
    /// The number of entries in an observation row (the first columns of each input row).
    public let observationSize: Int

    /// The number of entries in an action row.
    public var actionSize: Int { networks.inputSize - observationSize }
    /// The number of critics `K`.
    public var criticCount: Int { networks.memberCount }

    /// Freshly initialised critics (member `k` drawn from the `k`-th split of `generator`).
    ///
    /// - Parameters:
    ///   - observationSize: the entries per observation row.
    ///   - actionSize: the entries per action row.
    ///   - config: hidden sizes, activation, initialiser and critic count (default twin
    ///     2 x 256 ReLU).
    ///   - generator: draws the initial weights.
    /// - Throws: `MBRLError.invalidArgument` when a size or the critic count is not positive.
    public init(observationSize: Int, actionSize: Int, config: Config = .defaults, generator: inout RandomGenerator) throws {
        try config.validate()
        guard observationSize > 0, actionSize > 0 else {
            throw MBRLError.invalidArgument(
                "critics need positive observation and action sizes, got \(observationSize) and \(actionSize)")
        }
        networks = try EnsembleMLP(
            memberCount: config.criticCount, inputSize: observationSize + actionSize,
            hiddenSizes: config.hiddenSizes, outputSize: 1, activation: config.activation,
            initializer: config.initializer, generator: &generator)
        self.observationSize = observationSize
    }

    /// Critics made of `networks`, whose inputs are observation rows of `observationSize`
    /// entries followed by action rows.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the networks do not have one output or leave no
    ///   input columns for the action.
    public init(networks: EnsembleMLP, observationSize: Int) throws {
        guard networks.outputSize == 1 else {
            throw MBRLError.shapeMismatch("action-value critics have 1 output, these networks have \(networks.outputSize)")
        }
        guard observationSize > 0, networks.inputSize > observationSize else {
            throw MBRLError.shapeMismatch(
                "networks with \(networks.inputSize) inputs cannot take \(observationSize) observation entries plus an action")
        }
        self.networks = networks
        self.observationSize = observationSize
    }

    // MARK: - Values

    /// The values of every critic: `[B, obs]`, `[B, act]` -> `[K, B]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit.
    public func callAsFunction(observations: Matrix, actions: Matrix) throws -> CriticValues {
        let inputs = try joinedInputs(observations: observations, actions: actions)
        let output = try networks(broadcasting: inputs)                  // [K * B, 1]
        return CriticValues(perCritic: output.reshaped(rows: criticCount, columns: inputs.rows))
    }

    // MARK: - Training

    /// The critic loss and its gradients, from a shared target per row.
    public struct Loss: Sendable {
        /// `0.5 * sum_k lossPerCritic[k]` (Stable-Baselines3's SAC critic loss).
        public var loss: Float
        /// `[K]`: each critic's `mean_b (Q_k(s_b, a_b) - target_b)^2`.
        public var lossPerCritic: [Float]
        /// The gradients of `loss`, in the order of `parameters`.
        public var gradients: [Matrix]
        /// The values the loss was computed from.
        public var values: CriticValues
    }

    /// The loss `0.5 * sum_k mean_b (Q_k(s_b, a_b) - target_b)^2` and its parameter gradients.
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - actions: `[B, act]`.
    ///   - targets: `[B]` regression targets shared by every critic.
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit.
    public func lossAndGradients(observations: Matrix, actions: Matrix, targets: [Float]) throws -> Loss {
        let inputs = try joinedInputs(observations: observations, actions: actions)
        let batchSize = inputs.rows
        guard targets.count == batchSize else {
            throw MBRLError.shapeMismatch("\(batchSize) rows but \(targets.count) targets; pass one target per row")
        }
        guard batchSize > 0 else {
            throw MBRLError.invalidArgument("the critic loss needs at least one row")
        }
        let (output, tape) = try networks.forward(broadcasting: inputs)  // [K * B, 1]
        let count = criticCount
        var outputGradient = Matrix(rows: count * batchSize, columns: 1)
        var lossPerCritic = [Float](repeating: 0, count: count)
        let gradientScale = 1 / Float(batchSize)                         // d(0.5 * mean (q - y)^2)/dq
        output.withUnsafeBufferPointer { values in
            outputGradient.withUnsafeMutableBufferPointer { gradient in
                for critic in 0..<count {
                    var total: Double = 0
                    let base = critic * batchSize
                    for row in 0..<batchSize {
                        let difference = values[base + row] - targets[row]
                        total += Double(difference * difference)
                        gradient[base + row] = gradientScale * difference
                    }
                    lossPerCritic[critic] = Float(total / Double(batchSize))
                }
            }
        }
        let gradients = try networks.backward(outputGradient, tape: tape, needsInputGradient: false)
        return Loss(loss: 0.5 * lossPerCritic.reduce(0, +), lossPerCritic: lossPerCritic,
                    gradients: gradients.parameterGradients,
                    values: CriticValues(perCritic: output.reshaped(rows: count, columns: batchSize)))
    }

    /// The reduced values and the gradient of `sum_b weights_b * reduced_b` with respect to the
    /// actions: what an actor update needs (`d/da min_k Q_k(s, a)`).
    ///
    /// With `.minimum` the gradient of each row flows through the critic holding its minimum
    /// (the first on ties); with `.mean` through every critic with weight `1 / K`. The backward
    /// pass computes no weight gradients.
    ///
    /// - Parameters:
    ///   - observations: `[B, obs]`.
    ///   - actions: `[B, act]`.
    ///   - reduction: how the critics combine (default the minimum).
    ///   - weights: `[B]` upstream gradient of each row's reduced value; nil for all ones.
    /// - Returns: `values` `[B]` (the reduced values) and `actionGradient` `[B, act]`.
    /// - Throws: `MBRLError.shapeMismatch` when the shapes do not fit.
    public func actionGradient(
        observations: Matrix,
        actions: Matrix,
        reduction: CriticReduction = .minimum,
        weights: [Float]? = nil
    ) throws -> (values: [Float], actionGradient: Matrix) {
        let inputs = try joinedInputs(observations: observations, actions: actions)
        let batchSize = inputs.rows
        if let weights, weights.count != batchSize {
            throw MBRLError.shapeMismatch("\(batchSize) rows but \(weights.count) weights; pass one weight per row")
        }
        let (output, tape) = try networks.forward(broadcasting: inputs)  // [K * B, 1]
        let values = CriticValues(perCritic: output.reshaped(rows: criticCount, columns: batchSize))
        let reduced = values.reduced(reduction)
        let count = criticCount
        var outputGradient = Matrix(rows: count * batchSize, columns: 1)
        output.withUnsafeBufferPointer { outputs in
            outputGradient.withUnsafeMutableBufferPointer { gradient in
                for row in 0..<batchSize {
                    let weight = weights?[row] ?? 1
                    switch reduction {
                    case .minimum:
                        var best = 0
                        for critic in 1..<count where outputs[critic * batchSize + row] < outputs[best * batchSize + row] {
                            best = critic
                        }
                        gradient[best * batchSize + row] = weight
                    case .mean:
                        let share = weight / Float(count)
                        for critic in 0..<count { gradient[critic * batchSize + row] = share }
                    }
                }
            }
        }
        let backward = try networks.backward(outputGradient, tape: tape, needsInputGradient: true, needsParameterGradients: false)
        guard let inputGradient = backward.inputGradient else {
            throw MBRLError.invalidArgument("the critics' backward pass returned no input gradient")
        }
        return (reduced, inputGradient.columns(observationSize..<(observationSize + actionSize)))
    }

    // MARK: - Parameters

    /// The ensemble's parameter names (`"layers.0.weight"`, ...; member `k`'s rows are critic `k`).
    public var parameterNames: [String] { networks.parameterNames }

    /// The ensemble's parameters.
    public var parameters: [Matrix] { networks.parameters }

    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        try networks.updateParameters(body)
    }

    // MARK: - Internals

    /// `[B, obs + act]`: each observation row followed by its action row.
    func joinedInputs(observations: Matrix, actions: Matrix) throws -> Matrix {
        guard observations.columns == observationSize, actions.columns == actionSize, observations.rows == actions.rows else {
            throw MBRLError.shapeMismatch(
                "the critics take observations [B, \(observationSize)] and actions [B, \(actionSize)], got "
                    + "\(observations.rows) x \(observations.columns) and \(actions.rows) x \(actions.columns)")
        }
        let rows = observations.rows, width = observationSize + actionSize
        var joined = Matrix(rows: rows, columns: width)
        joined.withUnsafeMutableBufferPointer { destination in
            observations.withUnsafeBufferPointer { observationBuffer in
                actions.withUnsafeBufferPointer { actionBuffer in
                    for row in 0..<rows {
                        let target = destination.baseAddress! + row * width
                        target.update(from: observationBuffer.baseAddress! + row * observationSize, count: observationSize)
                        (target + observationSize).update(from: actionBuffer.baseAddress! + row * actionSize, count: actionSize)
                    }
                }
            }
        }
        return joined
    }
}
