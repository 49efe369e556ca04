import MBRLCore

/// Scores action sequences in a latent model's latent space: encodes the current raw
/// observation once, then rolls particles through the latent dynamics and sums the reward
/// head's predictions (a `ModelEnvironment` over the latent model, so particles, trajectory
/// sampling across an ensemble's members and the discount work as for state models).
///
/// Sequence planners (random shooting, CEM, iCEM, MPPI) plan through it unchanged.
///
/// ```swift
/// let evaluator = try LatentPlanningModel(model: latentModel, actionSpace: environment.actionSpace,
///                                         config: .init(particleCount: 1, propagation: .expectation))
/// let plan = try planner.plan(from: pixels, model: evaluator, generator: &generator)   // pixels: [raw]
/// ```
public struct LatentPlanningModel<Model: LatentDynamicsModel>: TrajectoryEvaluator {
    /// The scorer in the latent space.
    public let latentEvaluator: ModelEnvironment<Model>

    /// A scorer for `model` with its learned reward head.
    ///
    /// - Throws: `MBRLError.incompatible` when the model has no reward head, or the errors of
    ///   `ModelEnvironment.init` for settings out of range.
    public init(model: Model, actionSpace: Space, config: ModelEnvironment<Model>.Config = .init()) throws {
        guard model.predictsRewards else {
            throw MBRLError.incompatible("planning in a latent space needs the model's reward head; this latent model has none")
        }
        latentEvaluator = try ModelEnvironment(model: model, actionSpace: actionSpace, rewardFunction: nil,
                                               terminationFunction: nil, config: config)
    }

    /// The latent model.
    public var model: Model { latentEvaluator.model }
    /// The actions plans are made of.
    public var actionSpace: Space { latentEvaluator.actionSpace }
    /// The size of what planners pass: a raw observation, or for a `LatentModel` with
    /// `historyLength > 1` the history of that many (`MBRLLoop` passes it).
    public var observationSize: Int { ((model as? LatentModel)?.encoderInputSize) ?? model.rawObservationSize }
    /// Sequence scoring.
    public var capabilities: PlanningCapabilities { [.sequenceScoring] }

    /// The expected return of every sequence from the raw `observation` (or observation
    /// history, see `observationSize`): `[N]` for `actionSequences` `[N, horizon * act]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the observation has another size; the errors
    ///   of `ModelEnvironment.evaluate`.
    public func evaluate(from observation: [Float], actionSequences: Matrix, horizon: Int,
                         generator: inout RandomGenerator) throws -> [Float] {
        guard observation.count == model.rawObservationSize || observation.count == observationSize else {
            throw MBRLError.shapeMismatch(
                "the latent model takes raw observations of \(model.rawObservationSize) entries\(observationSize != model.rawObservationSize ? " or histories of \(observationSize)" : ""), got \(observation.count)")
        }
        let latent = try model.encode(observations: Matrix(row: observation))
        return try latentEvaluator.evaluate(from: latent.row(0), actionSequences: actionSequences, horizon: horizon,
                                            generator: &generator)
    }
}

extension LatentDynamicsModel {
    /// This model wrapped in a `LatentPlanningModel` with the given rollout settings (for
    /// callers holding an existential `any LatentDynamicsModel`).
    public func latentPlanningModel(actionSpace: Space, particleCount: Int = 20, propagation: PropagationMode = .randomModel,
                                    discount: Float = 1) throws -> any TrajectoryEvaluator {
        try LatentPlanningModel(model: self, actionSpace: actionSpace,
                                config: .init(particleCount: particleCount, propagation: propagation, discount: discount))
    }
}
