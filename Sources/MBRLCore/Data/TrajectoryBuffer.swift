/// On-policy storage for `environmentCount` parallel environments stepped together (TRPO, PPO,
/// ME-TRPO's imagined trajectories): observations, actions, rewards, log-probabilities, value
/// estimates, `terminated` and `truncated` flags and episode starts, with generalised advantage
/// estimation (Schulman et al. 2016) as Stable-Baselines3's
/// `RolloutBuffer.compute_returns_and_advantage`.
///
/// A step whose episode ended by `truncated` (a time limit, not a terminal state) bootstraps from
/// the value of its final observation, given with the step (SB3 adds `gamma * V(terminal obs)`
/// to the reward of a timeout step); a `terminated` step does not bootstrap. The value after the
/// last stored step comes from `lastValues` in `computeReturnsAndAdvantages`.
///
/// Rows are stored step-major: row `t * environmentCount + e` is step `t` of environment `e`.
///
/// ```swift
/// var buffer = TrajectoryBuffer(observationSize: 3, actionSize: 1, environmentCount: 8)
/// try buffer.append(observations: states, actions: actions, rewards: rewards,        // [8, 3], [8, 1], [8]
///                   logProbabilities: logProbabilities, values: values,               // [8], [8]
///                   terminated: terminated, truncated: truncated,                     // [8], [8]
///                   episodeStarts: starts, finalObservationValues: timeoutValues)     // [8], [8]
/// try buffer.computeReturnsAndAdvantages(lastValues: nextValues, discount: 0.99, gaeLambda: 0.95)
/// let batch = buffer.batch(Array(0..<buffer.count))   // .advantages, .returns, ...
/// ```
public struct TrajectoryBuffer: Sendable, Equatable {
    /// Entries per observation.
    public let observationSize: Int
    /// Entries per action.
    public let actionSize: Int
    /// Environments stepped together (entries per step).
    public let environmentCount: Int

    /// `[T * E, obs]` values, step-major.
    public private(set) var observations: [Float] = []
    /// `[T * E, act]` values, step-major.
    public private(set) var actions: [Float] = []
    /// `[T * E]` rewards as received (without the timeout bootstrap).
    public private(set) var rewards: [Float] = []
    /// `[T * E]` log-probabilities of the actions under the policy that acted.
    public private(set) var logProbabilities: [Float] = []
    /// `[T * E]` value estimates of the observations.
    public private(set) var values: [Float] = []
    /// `[T * E]`: the step reached a terminal state.
    public private(set) var terminated: [Bool] = []
    /// `[T * E]`: the episode was cut off after the step (time limit).
    public private(set) var truncated: [Bool] = []
    /// `[T * E]`: the step's observation starts an episode.
    public private(set) var episodeStarts: [Bool] = []
    /// `[T * E]` values of the final observations of truncated steps (0 elsewhere).
    public private(set) var finalObservationValues: [Float] = []
    /// `[T * E]` advantages, after `computeReturnsAndAdvantages` (empty before).
    public private(set) var advantages: [Float] = []
    /// `[T * E]` returns (advantages plus values, SB3's TD(lambda) targets), after
    /// `computeReturnsAndAdvantages` (empty before).
    public private(set) var returns: [Float] = []

    /// An empty buffer.
    public init(observationSize: Int, actionSize: Int, environmentCount: Int = 1) {
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.environmentCount = max(1, environmentCount)
    }

    /// The number of steps stored per environment, `T`.
    public var stepCount: Int { rewards.count / environmentCount }
    /// The number of rows stored, `T * E`.
    public var count: Int { rewards.count }
    /// Whether advantages and returns are up to date.
    public var hasAdvantages: Bool { advantages.count == count && count > 0 }

    /// Appends one step of every environment; invalidates computed advantages.
    ///
    /// - Parameters:
    ///   - observations: `[E, obs]`, the observations acted on.
    ///   - actions: `[E, act]`.
    ///   - rewards: `[E]`.
    ///   - logProbabilities: `[E]`.
    ///   - values: `[E]`, the value estimates of `observations`.
    ///   - terminated: `[E]`.
    ///   - truncated: `[E]`; a row both terminated and truncated counts as terminated.
    ///   - episodeStarts: `[E]`, whether each observation is the first of its episode.
    ///   - finalObservationValues: `[E]`, the value of the final observation where `truncated`
    ///     (read only there); `nil` when no row is truncated.
    /// - Throws: `MBRLError.shapeMismatch` for a wrong size, `MBRLError.invalidArgument` when a
    ///   row is truncated (and not terminated) without a final observation value,
    ///   `MBRLError.nonFinite` for NaN or Inf.
    public mutating func append(
        observations: Matrix, actions: Matrix, rewards: [Float], logProbabilities: [Float], values: [Float],
        terminated: [Bool], truncated: [Bool], episodeStarts: [Bool], finalObservationValues: [Float]? = nil
    ) throws {
        let environments = environmentCount
        guard observations.rows == environments, observations.columns == observationSize else {
            throw MBRLError.shapeMismatch("observations must be \(environments) x \(observationSize), got \(observations.rows) x \(observations.columns)")
        }
        guard actions.rows == environments, actions.columns == actionSize else {
            throw MBRLError.shapeMismatch("actions must be \(environments) x \(actionSize), got \(actions.rows) x \(actions.columns)")
        }
        let counts = [("rewards", rewards.count), ("logProbabilities", logProbabilities.count), ("values", values.count),
                      ("terminated", terminated.count), ("truncated", truncated.count), ("episodeStarts", episodeStarts.count),
                      ("finalObservationValues", finalObservationValues?.count ?? environments)]
        for (name, size) in counts where size != environments {
            throw MBRLError.shapeMismatch("\(name) must have one entry per environment (\(environments)), got \(size)")
        }
        var bootstrap = [Float](repeating: 0, count: environments)
        for row in 0..<environments where truncated[row] && !terminated[row] {
            guard let finalObservationValues else {
                throw MBRLError.invalidArgument(
                    "environment \(row) was truncated; give finalObservationValues (the value of its final observation) to bootstrap it")
            }
            bootstrap[row] = finalObservationValues[row]
        }
        let finite = observations.values.allSatisfy(\.isFinite) && actions.values.allSatisfy(\.isFinite)
            && rewards.allSatisfy(\.isFinite) && values.allSatisfy(\.isFinite) && bootstrap.allSatisfy(\.isFinite)
            && logProbabilities.allSatisfy { !$0.isNaN }
        guard finite else {
            throw MBRLError.nonFinite("step \(stepCount) holds NaN or Inf (observations, actions, rewards, values or log-probabilities); it was not stored")
        }
        self.observations.append(contentsOf: observations.values)
        self.actions.append(contentsOf: actions.values)
        self.rewards.append(contentsOf: rewards)
        self.logProbabilities.append(contentsOf: logProbabilities)
        self.values.append(contentsOf: values)
        self.terminated.append(contentsOf: terminated)
        self.truncated.append(contentsOf: truncated)
        self.episodeStarts.append(contentsOf: episodeStarts)
        self.finalObservationValues.append(contentsOf: bootstrap)
        advantages = []
        returns = []
    }

    /// Computes advantages and returns by GAE(`discount`, `gaeLambda`), backwards over the steps
    /// of each environment:
    ///
    /// `delta_t = r_t + discount * nextValue_t - V(s_t)`, `A_t = delta_t + discount * gaeLambda *
    /// continues_t * A_{t+1}`, `R_t = A_t + V(s_t)`, where `continues_t` is 0 after a terminated or
    /// truncated step and `nextValue_t` is 0 after a terminated step, the final observation's value
    /// after a truncated one, `V(s_{t+1})` otherwise, and `lastValues[e]` after the last step.
    ///
    /// - Parameters:
    ///   - lastValues: `[E]`, the values of the observations following the last stored step.
    ///   - discount: `gamma` in `[0, 1]`.
    ///   - gaeLambda: `lambda` in `[0, 1]` (1 gives Monte Carlo advantages, 0 one-step TD).
    /// - Throws: `MBRLError.shapeMismatch` when `lastValues` does not have `E` entries,
    ///   `MBRLError.invalidArgument` for a factor out of range.
    public mutating func computeReturnsAndAdvantages(lastValues: [Float], discount: Float, gaeLambda: Float) throws {
        guard lastValues.count == environmentCount else {
            throw MBRLError.shapeMismatch("lastValues must have one entry per environment (\(environmentCount)), got \(lastValues.count)")
        }
        guard discount >= 0 && discount <= 1, gaeLambda >= 0 && gaeLambda <= 1 else {
            throw MBRLError.invalidArgument("discount and gaeLambda must be in [0, 1], got \(discount) and \(gaeLambda)")
        }
        let environments = environmentCount, steps = stepCount
        var advantages = [Float](repeating: 0, count: count)
        for environment in 0..<environments {
            var running: Float = 0
            for step in stride(from: steps - 1, through: 0, by: -1) {
                let row = step * environments + environment
                let nextValue: Float
                let continues: Float
                if terminated[row] {
                    nextValue = 0
                    continues = 0
                } else if truncated[row] {
                    nextValue = finalObservationValues[row]
                    continues = 0
                } else {
                    nextValue = step == steps - 1 ? lastValues[environment] : values[row + environments]
                    continues = 1
                }
                let delta = rewards[row] + discount * nextValue - values[row]
                running = delta + discount * gaeLambda * continues * running
                advantages[row] = running
            }
        }
        self.advantages = advantages
        self.returns = zip(advantages, values).map { $0 + $1 }
    }

    /// The rows at `indices` (`0..<count`) as matrices, with advantages and returns when computed.
    public func batch(_ indices: [Int]) -> TrajectoryBatch {
        let rows = indices.count
        var batchObservations = [Float](repeating: 0, count: rows * observationSize)
        var batchActions = [Float](repeating: 0, count: rows * actionSize)
        for (position, index) in indices.enumerated() {
            precondition(index >= 0 && index < count, "trajectory buffer index \(index) out of 0..<\(count)")
            for column in 0..<observationSize {
                batchObservations[position * observationSize + column] = observations[index * observationSize + column]
            }
            for column in 0..<actionSize {
                batchActions[position * actionSize + column] = actions[index * actionSize + column]
            }
        }
        return TrajectoryBatch(
            observations: Matrix(rows: rows, columns: observationSize, values: batchObservations),
            actions: Matrix(rows: rows, columns: actionSize, values: batchActions),
            logProbabilities: indices.map { logProbabilities[$0] },
            values: indices.map { values[$0] },
            advantages: hasAdvantages ? indices.map { advantages[$0] } : [],
            returns: hasAdvantages ? indices.map { returns[$0] } : [])
    }

    /// Empties the buffer (after an update, as on-policy learners do).
    public mutating func removeAll() {
        self = TrajectoryBuffer(observationSize: observationSize, actionSize: actionSize, environmentCount: environmentCount)
    }
}
