/// A learned (or known) model of an environment's dynamics: given a batch of observations and
/// actions it predicts the next observations, and, when it has learned them, rewards and
/// terminations.
///
/// Everything is batched: one call takes `[B, observationSize]` observations and
/// `[B, actionSize]` action rows (the environment's flat action layout; discrete actions are one
/// entry holding the index, and the model encodes them itself).
///
/// Refinements add what some consumers need, without changing this protocol:
/// `UncertaintyAwareModel` (aleatoric and epistemic variance), `DifferentiableDynamicsModel`
/// (input gradients for gradient shooting, BPTT and iLQR), `LatentDynamicsModel` (encode and
/// decode observations), `EnsembleDynamicsModel` (per-member prediction for trajectory sampling).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// let prediction = try model.predict(observations: observations,   // [B, obs]
///                                    actions: actions,             // [B, act]
///                                    generator: &generator)
/// let next = prediction.nextObservations                           // [B, obs]
/// ```
public protocol DynamicsModel {
    /// The number of entries in an observation row (the latent size for a latent model).
    var observationSize: Int { get }
    /// The number of entries in an action row.
    var actionSize: Int { get }

    /// Predicts one step for every row. Stochastic models sample with `generator`;
    /// deterministic models ignore it. Throws on a shape mismatch.
    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction

    /// Whether `predict` fills `ModelPrediction.rewards` (a learned reward head).
    var predictsRewards: Bool { get }

    /// Whether `predict` fills `ModelPrediction.terminations` (a learned termination head).
    var predictsTerminations: Bool { get }
}

/// One batched model step.
public struct ModelPrediction: Sendable, Equatable {
    /// The predicted next observations, `[B, obs]`.
    public var nextObservations: Matrix
    /// Predicted rewards `[B]`, when the model has a reward head.
    public var rewards: [Float]?
    /// Predicted terminations `[B]`, when the model has a termination head.
    public var terminations: [Bool]?
    /// The termination head's probabilities `[B]` behind `terminations` (which are
    /// `probability > 0.5`), when the model gives them. Planners weight the rest of a
    /// trajectory's return by the probability that it continues.
    public var terminationProbabilities: [Float]?

    public init(nextObservations: Matrix, rewards: [Float]? = nil, terminations: [Bool]? = nil,
                terminationProbabilities: [Float]? = nil) {
        self.nextObservations = nextObservations
        self.rewards = rewards
        self.terminations = terminations
        self.terminationProbabilities = terminationProbabilities
    }
}

extension DynamicsModel {
    /// Whether `predict` fills `ModelPrediction.rewards` (a learned reward head). Defaults to false.
    public var predictsRewards: Bool { false }

    /// Whether `predict` fills `ModelPrediction.terminations` (a learned termination head).
    /// Defaults to false.
    public var predictsTerminations: Bool { false }

    /// Checks that `observations` and `actions` are batches this model accepts.
    public func validateInputs(observations: Matrix, actions: Matrix) throws {
        guard observations.columns == observationSize else {
            throw MBRLError.shapeMismatch(
                "the model takes observations of \(observationSize) entries, got rows of \(observations.columns)")
        }
        guard actions.columns == actionSize else {
            throw MBRLError.shapeMismatch(
                "the model takes actions of \(actionSize) entries, got rows of \(actions.columns)")
        }
        guard observations.rows == actions.rows else {
            throw MBRLError.shapeMismatch(
                "\(observations.rows) observation rows but \(actions.rows) action rows; they must match")
        }
    }
}
