import MBRLCore
import Models

/// `s' = A s + B a` with a pullback; a deterministic, differentiable toy model.
struct LinearToyModel: DifferentiableDynamicsModel {
    var stateMatrix: Matrix   // [obs, obs], s' = s · A^T ...
    var actionMatrix: Matrix  // [obs, act]
    var observationSize: Int { stateMatrix.rows }
    var actionSize: Int { actionMatrix.columns }

    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        ModelPrediction(nextObservations: try predictWithPullback(observations: observations, actions: actions).nextObservations)
    }

    func predictWithPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, pullback: @Sendable (Matrix) throws -> InputGradients) {
        try validateInputs(observations: observations, actions: actions)
        let next = observations.matmul(stateMatrix, transposeSelf: false, transposeOther: true)
            + actions.matmul(actionMatrix, transposeSelf: false, transposeOther: true)
        let a = stateMatrix, b = actionMatrix
        return (next, { upstream in
            InputGradients(observations: upstream.matmul(a), actions: upstream.matmul(b))
        })
    }
}

/// `r = -|s'|^2 - 0.1 |a|^2`.
struct QuadraticReward: DifferentiableRewardFunction {
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<nextObservations.rows).map { row in
            var total: Float = 0
            for column in 0..<nextObservations.columns { total -= nextObservations[row, column] * nextObservations[row, column] }
            for column in 0..<actions.columns { total -= 0.1 * actions[row, column] * actions[row, column] }
            return total
        }
    }

    func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients {
        RewardGradients(observations: Matrix(rows: observations.rows, columns: observations.columns),
                        actions: actions * -0.2, nextObservations: nextObservations * -2)
    }
}

/// Terminates when the first coordinate exceeds `threshold`.
struct ThresholdTermination: TerminationFunction {
    var threshold: Float
    func terminations(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Bool] {
        (0..<nextObservations.rows).map { nextObservations[$0, 0] > threshold }
    }
}

/// An ensemble whose member `m` predicts `s' = s + a + m` (plus optional Gaussian noise).
struct OffsetEnsemble: EnsembleDynamicsModel {
    var memberCount: Int
    var noise: Float = 0
    var observationSize: Int { 1 }
    var actionSize: Int { 1 }

    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        let meanOffset = Float(memberCount - 1) / 2
        return try predict(observations: observations, actions: actions, offsets: Array(repeating: meanOffset, count: observations.rows), generator: &generator)
    }

    func predict(observations: Matrix, actions: Matrix, members: [Int], generator: inout RandomGenerator) throws -> ModelPrediction {
        try predict(observations: observations, actions: actions, offsets: members.map(Float.init), generator: &generator)
    }

    private func predict(observations: Matrix, actions: Matrix, offsets: [Float], generator: inout RandomGenerator) throws -> ModelPrediction {
        var next = observations + actions
        for row in 0..<next.rows { next[row, 0] += offsets[row] + noise * generator.nextStandardNormalFloat() }
        return ModelPrediction(nextObservations: next)
    }
}

/// Reward = next state's first coordinate.
struct FirstCoordinateReward: RewardFunction {
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<nextObservations.rows).map { nextObservations[$0, 0] }
    }
}

/// A 1-D walk: position += action, reward = position after the step, terminated past 5,
/// truncated after 10 steps.
struct WalkEnvironment: StatefulEnvironment {
    var position: Double = 0
    var steps = 0
    var id: String { "Walk" }
    var observationSpace: Space { .box(Box(lowerBound: [-100], upperBound: [100])) }
    var actionSpace: Space { .discrete(Discrete(count: 3)) }   // actions move by -1, 0, +1

    mutating func reset(seed: UInt64?) throws -> [Float] {
        position = 0; steps = 0
        return [0]
    }

    mutating func step(_ action: [Float]) throws -> StepResult {
        guard action.count == 1, actionSpace.contains(action) else {
            throw MBRLError.invalidArgument("Walk takes an action in {0, 1, 2}, got \(action)")
        }
        position += Double(action[0]) - 1
        steps += 1
        return StepResult(observation: [Float(position)], reward: Float(position),
                          terminated: position > 5, truncated: steps >= 10)
    }

    var physicalState: [Double] { [position, Double(steps)] }
    mutating func setPhysicalState(_ state: [Double]) throws {
        position = state[0]; steps = Int(state[1])
    }
    func clone() throws -> WalkEnvironment { self }
}
