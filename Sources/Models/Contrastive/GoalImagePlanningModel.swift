import MBRLCore

/// Scores action sequences by how close a latent model predicts they bring the agent to a goal
/// image: with `z_0 = g(o)`, `z_g = g(o_goal)` and `z_{t+1}` the model's latent step, a
/// sequence scores `sum_t discount^t log h(z_{t+1}, z_g)`. With horizon 1 and a sampling
/// planner (`random-shooting`, or `cem` over one step) this is seed 003's one-step MPC,
/// `a_t = argmax_a h(f(z_t, a), g(o_goal))`.
///
/// The observation is a goal-image observation (`GoalImageLayout`): the frames, then the goal
/// image; `o_goal` is the goal image in every slot (what the agent sees at rest at the goal),
/// so any latent model applies: a `ContrastiveForwardModel` (which reads only the frames) and a
/// reconstruction-trained `LatentModel` alike. No reward head is used.
///
/// ```swift
/// let evaluator = try GoalImagePlanningModel(model: contrastiveModel, actionSpace: environment.actionSpace,
///                                            goalImage: layout, similarity: contrastiveModel.similarity)
/// let plan = try planner.plan(from: observation, model: evaluator, generator: &generator)
/// ```
public struct GoalImagePlanningModel<Model: LatentDynamicsModel>: TrajectoryEvaluator {
    /// The latent model.
    public let model: Model
    /// The actions plans are made of.
    public let actionSpace: Space
    /// Where the frames and the goal image lie in an observation.
    public let goalImage: GoalImageLayout
    /// The similarity `h` in the latent space.
    public let similarity: LatentSimilarity
    /// Discount of later steps within the horizon.
    public let discount: Float

    /// A scorer for `model` toward the goal image of each observation.
    ///
    /// - Throws: `MBRLError.incompatible` when the layout does not describe the model's
    ///   observations (a goal image of another size than the frames, other sizes), or the model
    ///   plans in another action space; `MBRLError.invalidArgument` for a discount outside
    ///   `(0, 1]`.
    public init(model: Model, actionSpace: Space, goalImage: GoalImageLayout, similarity: LatentSimilarity = .negativeSquaredDistance,
                discount: Float = 1) throws {
        try goalImage.validate(observationSize: model.rawObservationSize)
        guard actionSpace.flatSize == model.actionSize else {
            throw MBRLError.incompatible("the latent model takes actions of \(model.actionSize) entries; the action space has \(actionSpace.flatSize)")
        }
        guard discount > 0 && discount <= 1 else {
            throw MBRLError.invalidArgument("the discount must lie in (0, 1], got \(discount)")
        }
        self.model = model
        self.actionSpace = actionSpace
        self.goalImage = goalImage
        self.similarity = similarity
        self.discount = discount
    }

    /// The size of an observation: frames and goal image.
    public var observationSize: Int { model.rawObservationSize }
    /// Sequence scoring.
    public var capabilities: PlanningCapabilities { [.sequenceScoring] }

    /// The goal latent `g(o_goal)` `[latent]` of `observation`'s goal image.
    public func goalLatent(of observation: [Float]) throws -> [Float] {
        try model.encode(observations: Matrix(row: goalImage.goalObservation(from: observation))).row(0)
    }

    /// The score of every sequence from `observation`: `[N]` for `actionSequences`
    /// `[N, horizon * act]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when the observation or the sequences have another
    ///   size; the model's errors.
    public func evaluate(from observation: [Float], actionSequences: Matrix, horizon: Int,
                         generator: inout RandomGenerator) throws -> [Float] {
        guard observation.count == observationSize else {
            throw MBRLError.shapeMismatch("goal-image planning takes observations of \(observationSize) entries (\(goalImage)), got \(observation.count)")
        }
        let actionSize = model.actionSize
        guard horizon >= 1, actionSequences.columns == horizon * actionSize else {
            throw MBRLError.shapeMismatch(
                "action sequences of horizon \(horizon) have \(horizon * actionSize) entries, got rows of \(actionSequences.columns)")
        }
        let count = actionSequences.rows
        let start = try model.encode(observations: Matrix(row: observation)).row(0)
        let goal = Matrix(row: try goalLatent(of: observation))
        var latents = Matrix(rowArrays: [[Float]](repeating: start, count: count))
        var scores = [Float](repeating: 0, count: count)
        var weight: Float = 1
        for step in 0..<horizon {
            let actions = actionSequences.columns(step * actionSize ..< (step + 1) * actionSize)
            latents = try model.predict(observations: latents, actions: actions, generator: &generator).nextObservations
            let logSimilarities = similarity.logSimilarities(latents, goal)
            for row in 0..<count { scores[row] += weight * logSimilarities[row, 0] }
            weight *= discount
        }
        return scores
    }
}
