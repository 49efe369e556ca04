import MBRLCore

/// Turns a dynamics model into a score for each candidate plan: rolls batches of action
/// sequences through the model from a start observation with `particleCount` particles each,
/// and returns each sequence's return averaged over its particles.
///
/// This is the one place where "a model" becomes "a score"; every sequence-scoring planner
/// (random shooting, CEM, iCEM, MPPI) plans through it. Rewards come from a known reward
/// function (an environment's `rewardFunction`) or, when none is given, from the model's learned
/// reward head; terminations likewise. A particle earns no reward after it terminates, and a
/// non-finite return is replaced by `-1e10` so it is never chosen (both as mbrl-lib's `ModelEnv`).
/// With a learned termination head that gives probabilities (`DynamicsEnsemble`), each step's
/// reward is weighted by the probability that the particle has not terminated before it,
/// `prod_k<t (1 - p_k)`, instead of cutting the particle where a probability passes 0.5: a head
/// trained on rare terminations seldom passes 0.5 but still ranks risky plans lower.
///
/// With an `EnsembleDynamicsModel`, `propagation` routes particles through members (TS1,
/// TS-infinity or the expectation); other models are called directly.
///
/// ```swift
/// let evaluator = try ModelEnvironment(
///     model: ensemble, actionSpace: environment.actionSpace,
///     rewardFunction: environment.rewardFunction, terminationFunction: environment.terminationFunction,
///     config: .init(particleCount: 20, propagation: .randomModel))
/// var generator = RandomGenerator(seed: 0)
/// let returns = try evaluator.evaluate(from: observation, actionSequences: candidates,   // [N, H * A]
///                                      horizon: 15, generator: &generator)              // [N]
/// ```
public struct ModelEnvironment<Model: DynamicsModel>: TrajectoryEvaluator {
    /// Settings of the rollout.
    public struct Config: Sendable, Equatable, Codable {
        /// Particles per action sequence (mbrl-lib's `num_particles`, default 20).
        public var particleCount: Int = 20
        /// How particles use an ensemble's members (default TS1, `random-model`).
        public var propagation: PropagationMode = .randomModel
        /// Discount applied to rewards at later steps (default 1: undiscounted, as mbrl-lib).
        public var discount: Float = 1

        public init(particleCount: Int = 20, propagation: PropagationMode = .randomModel, discount: Float = 1) {
            self.particleCount = particleCount
            self.propagation = propagation
            self.discount = discount
        }
    }

    /// The model rolled forward.
    public var model: Model
    /// The actions plans are made of.
    public let actionSpace: Space
    /// The known reward, or `nil` to use the model's learned reward head.
    public let rewardFunction: (any RewardFunction)?
    /// The known termination rule, or `nil` to use the model's learned head (or never terminate
    /// when the model has none).
    public let terminationFunction: (any TerminationFunction)?
    /// Rollout settings.
    public let config: Config

    /// A scorer for `model`. Throws when the settings are out of range or when there is no
    /// reward at all (no reward function and no learned reward head).
    public init(model: Model, actionSpace: Space, rewardFunction: (any RewardFunction)?,
                terminationFunction: (any TerminationFunction)?, config: Config = Config()) throws {
        guard config.particleCount >= 1 else {
            throw MBRLError.invalidArgument("particleCount must be at least 1, got \(config.particleCount)")
        }
        guard config.discount > 0 && config.discount <= 1 else {
            throw MBRLError.invalidArgument("discount must be in (0, 1], got \(config.discount)")
        }
        guard rewardFunction != nil || model.predictsRewards else {
            throw MBRLError.incompatible(
                "the model has no learned reward head and no reward function was given; give the environment's reward function or enable the model's reward head")
        }
        guard model.actionSize == actionSpace.flatSize else {
            throw MBRLError.shapeMismatch(
                "the model takes actions of \(model.actionSize) entries but the action space has \(actionSpace.flatSize)")
        }
        self.model = model
        self.actionSpace = actionSpace
        self.rewardFunction = rewardFunction
        self.terminationFunction = terminationFunction
        self.config = config
    }

    /// The model's observation size.
    public var observationSize: Int { model.observationSize }

    /// Sequence scoring always; return gradients when the model and reward are differentiable.
    public var capabilities: PlanningCapabilities {
        var result: PlanningCapabilities = [.sequenceScoring]
        if model is any DifferentiableDynamicsModel, rewardFunction is any DifferentiableRewardFunction {
            result.insert(.returnGradients)
        }
        return result
    }

    // MARK: - Scoring

    public func evaluate(from observation: [Float], actionSequences: Matrix, horizon: Int,
                         generator: inout RandomGenerator) throws -> [Float] {
        let actionSize = actionSpace.flatSize
        try validate(observation: observation, actionSequences: actionSequences, horizon: horizon)
        let sequenceCount = actionSequences.rows
        let particleCount = config.particleCount
        let rowCount = sequenceCount * particleCount

        var states = Matrix(rows: rowCount, columns: observation.count)
        states.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<rowCount {
                for column in 0..<observation.count { buffer[row * observation.count + column] = observation[column] }
            }
        }
        var returns = [Float](repeating: 0, count: rowCount)
        var terminated = [Bool](repeating: false, count: rowCount)
        var continuing = [Float](repeating: 1, count: rowCount)
        var actions = Matrix(rows: rowCount, columns: actionSize)
        let ensemble = model as? any EnsembleDynamicsModel
        var fixedMembers: [Int]? = nil
        if let ensemble, config.propagation == .fixedModel {
            fixedMembers = ModelEnvironment.balancedMembers(rowCount: rowCount, memberCount: ensemble.memberCount, generator: &generator)
        }
        var weight: Float = 1

        for step in 0..<horizon {
            // Row r = sequence (r / particleCount), particle (r % particleCount).
            actions.withUnsafeMutableBufferPointer { destination in
                actionSequences.withUnsafeBufferPointer { source in
                    for sequence in 0..<sequenceCount {
                        let from = source.baseAddress! + sequence * actionSequences.columns + step * actionSize
                        for particle in 0..<particleCount {
                            (destination.baseAddress! + (sequence * particleCount + particle) * actionSize)
                                .update(from: from, count: actionSize)
                        }
                    }
                }
            }
            let prediction: ModelPrediction
            if let ensemble, config.propagation != .expectation {
                let members = fixedMembers
                    ?? ModelEnvironment.balancedMembers(rowCount: rowCount, memberCount: ensemble.memberCount, generator: &generator)
                prediction = try ensemble.predict(observations: states, actions: actions, members: members, generator: &generator)
            } else {
                prediction = try model.predict(observations: states, actions: actions, generator: &generator)
            }
            let rewards = try stepRewards(states: states, actions: actions, prediction: prediction)
            if terminationFunction == nil, let probabilities = prediction.terminationProbabilities, probabilities.count == rowCount {
                // A learned head: the rest of the return is weighted by the probability that the
                // particle is still running (Dreamer's continuation weights), not cut at 0.5.
                for row in 0..<rowCount {
                    returns[row] += weight * continuing[row] * rewards[row]
                    continuing[row] *= 1 - probabilities[row]
                }
            } else {
                let stepTerminations = stepTerminations(states: states, actions: actions, prediction: prediction)
                for row in 0..<rowCount where !terminated[row] {
                    returns[row] += weight * rewards[row]
                    if let stepTerminations, stepTerminations[row] { terminated[row] = true }
                }
            }
            states = prediction.nextObservations
            weight *= config.discount
        }
        return ModelEnvironment.particleMeans(returns, sequenceCount: sequenceCount, particleCount: particleCount)
    }

    // MARK: - Pieces

    func validate(observation: [Float], actionSequences: Matrix, horizon: Int) throws {
        guard horizon >= 1 else { throw MBRLError.invalidArgument("horizon must be at least 1, got \(horizon)") }
        guard observation.count == model.observationSize else {
            throw MBRLError.shapeMismatch(
                "the model takes observations of \(model.observationSize) entries, got \(observation.count)")
        }
        guard actionSequences.columns == horizon * actionSpace.flatSize else {
            throw MBRLError.shapeMismatch(
                "action sequences of horizon \(horizon) and action size \(actionSpace.flatSize) need \(horizon * actionSpace.flatSize) columns, got \(actionSequences.columns)")
        }
        guard observation.allSatisfy(\.isFinite) else {
            throw MBRLError.nonFinite("the start observation \(observation) is not finite")
        }
    }

    func stepRewards(states: Matrix, actions: Matrix, prediction: ModelPrediction) throws -> [Float] {
        if let rewardFunction {
            return rewardFunction.rewards(observations: states, actions: actions, nextObservations: prediction.nextObservations)
        }
        guard let rewards = prediction.rewards else {
            throw MBRLError.incompatible("the model returned no rewards and no reward function was given")
        }
        return rewards
    }

    func stepTerminations(states: Matrix, actions: Matrix, prediction: ModelPrediction) -> [Bool]? {
        if let terminationFunction {
            return terminationFunction.terminations(observations: states, actions: actions, nextObservations: prediction.nextObservations)
        }
        return prediction.terminations
    }

    /// A member for every row, each member taking an equal share (up to one row), in random order.
    static func balancedMembers(rowCount: Int, memberCount: Int, generator: inout RandomGenerator) -> [Int] {
        var members = (0..<rowCount).map { $0 * memberCount / rowCount }
        for index in stride(from: rowCount - 1, to: 0, by: -1) {
            let other = generator.nextInt(below: index + 1)
            members.swapAt(index, other)
        }
        return members
    }

    /// Means over particles; a non-finite mean becomes `-1e10` so it is never preferred.
    static func particleMeans(_ returns: [Float], sequenceCount: Int, particleCount: Int) -> [Float] {
        (0..<sequenceCount).map { sequence in
            var total: Float = 0
            for particle in 0..<particleCount { total += returns[sequence * particleCount + particle] }
            let mean = total / Float(particleCount)
            return mean.isFinite ? mean : -1e10
        }
    }
}
