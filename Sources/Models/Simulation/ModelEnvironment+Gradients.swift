import MBRLCore

extension ModelEnvironment: DifferentiableTrajectoryEvaluator where Model: DifferentiableDynamicsModel {
    /// Returns and their gradients with respect to every action, by backpropagation through time
    /// over the model's mean prediction (for an ensemble, the expectation over members).
    ///
    /// The rollout is deterministic, so one particle per sequence is used. A termination stops a
    /// sequence's reward as in `evaluate`, and is treated as a constant mask (it has no gradient).
    /// Needs a `DifferentiableRewardFunction`; throws `MBRLError.incompatible` otherwise.
    public func evaluateWithGradients(from observation: [Float], actionSequences: Matrix, horizon: Int,
                                      generator: inout RandomGenerator) throws -> (returns: [Float], gradients: Matrix) {
        try validate(observation: observation, actionSequences: actionSequences, horizon: horizon)
        guard let reward = rewardFunction as? any DifferentiableRewardFunction else {
            throw MBRLError.incompatible(
                "gradients of the return need a differentiable reward function; the reward here is \(rewardFunction.map { "\(type(of: $0))" } ?? "a learned head"), which gives none")
        }
        let actionSize = actionSpace.flatSize
        let sequenceCount = actionSequences.rows
        var state = Matrix(rows: sequenceCount, columns: observation.count)
        for row in 0..<sequenceCount { state.setRow(row, to: observation) }

        var returns = [Float](repeating: 0, count: sequenceCount)
        var alive = [Float](repeating: 1, count: sequenceCount)
        var pullbacks: [@Sendable (Matrix) throws -> InputGradients] = []
        var rewardGradients: [RewardGradients] = []
        var weights: [[Float]] = []
        var weight: Float = 1

        // MARK: Forward
        for step in 0..<horizon {
            let actions = actionSequences.columns(step * actionSize ..< (step + 1) * actionSize)
            let (next, pullback) = try model.predictWithPullback(observations: state, actions: actions)
            let rewards = reward.rewards(observations: state, actions: actions, nextObservations: next)
            let stepWeights = alive.map { $0 * weight }
            for row in 0..<sequenceCount { returns[row] += stepWeights[row] * rewards[row] }
            if let terminations = stepTerminations(states: state, actions: actions,
                                                   prediction: ModelPrediction(nextObservations: next)) {
                for row in 0..<sequenceCount where terminations[row] { alive[row] = 0 }
            }
            pullbacks.append(pullback)
            rewardGradients.append(reward.rewardGradients(observations: state, actions: actions, nextObservations: next))
            weights.append(stepWeights)
            state = next
            weight *= config.discount
        }

        // MARK: Backward
        var gradients = Matrix(rows: sequenceCount, columns: horizon * actionSize)
        var adjoint = Matrix(rows: sequenceCount, columns: observation.count)  // dJ / d s_{t+1}
        for step in stride(from: horizon - 1, through: 0, by: -1) {
            let stepWeights = weights[step]
            let local = rewardGradients[step]
            var upstream = adjoint
            for row in 0..<sequenceCount {
                for column in 0..<observation.count {
                    upstream[row, column] += stepWeights[row] * local.nextObservations[row, column]
                }
            }
            let inputs = try pullbacks[step](upstream)
            for row in 0..<sequenceCount {
                for column in 0..<actionSize {
                    gradients[row, step * actionSize + column] =
                        inputs.actions[row, column] + stepWeights[row] * local.actions[row, column]
                }
                for column in 0..<observation.count {
                    adjoint[row, column] = inputs.observations[row, column] + stepWeights[row] * local.observations[row, column]
                }
            }
        }
        let finiteReturns = returns.map { $0.isFinite ? $0 : -1e10 }
        return (finiteReturns, gradients)
    }
}
