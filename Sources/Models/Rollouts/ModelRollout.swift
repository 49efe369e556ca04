import MBRLCore

/// Batched closed-loop rollouts through a learned model (mbrl-lib's `ModelEnv` stepped by
/// MBPO's `rollout_model_and_populate_model_buffer`): start from `N` states, let a policy act on
/// all of them at once, step the model, score the rows, drop the rows that terminated and repeat
/// for `config.horizon` steps.
///
/// Rewards come from `rewardFunction` when given, otherwise from the model's learned reward
/// head; terminations likewise from `terminationFunction` or the model's termination head (pass
/// `NoTermination()` for a task that never terminates). With neither, `run` throws. For an
/// `EnsembleDynamicsModel` the member of each row follows `config.memberSelection`.
///
/// ```swift
/// let rollout = try ModelRollout(config: .init(horizon: 5), rewardFunction: environment.rewardFunction,
///                                terminationFunction: environment.terminationFunction)
/// let imagined = try rollout.run(model: ensemble, policy: policy, startingFrom: realBuffer,
///                                startCount: 100_000, generator: &generator)
/// try modelBuffer.append(imagined)                         // every row in one call
/// ```
public struct ModelRollout: Sendable {
    /// The settings.
    public var config: ModelRolloutConfig
    /// The reward of each imagined transition; `nil` to use the model's reward head.
    public var rewardFunction: (any RewardFunction)?
    /// The termination rule; `nil` to use the model's termination head.
    public var terminationFunction: (any TerminationFunction)?

    /// A rollout with the given settings and scoring.
    ///
    /// - Throws: `MBRLError.invalidArgument` when a setting is out of range.
    public init(config: ModelRolloutConfig = ModelRolloutConfig(), rewardFunction: (any RewardFunction)?,
                terminationFunction: (any TerminationFunction)?) throws {
        try config.validate()
        self.config = config
        self.rewardFunction = rewardFunction
        self.terminationFunction = terminationFunction
    }

    /// Throws `MBRLError.incompatible` when `model` cannot be scored by this rollout (no reward
    /// function and no reward head, or no termination function and no termination head).
    public func checkCompatibility(with model: some DynamicsModel) throws {
        if rewardFunction == nil && !model.predictsRewards {
            throw MBRLError.incompatible(
                "a model rollout needs rewards: give a reward function or use a model with a learned reward head (learnedReward)")
        }
        if terminationFunction == nil && !model.predictsTerminations {
            throw MBRLError.incompatible(
                "a model rollout needs terminations: give a termination function (NoTermination() for a task that never terminates) or use a model with a learned termination head (learnedTermination)")
        }
    }

    /// Rolls out from `startCount` states drawn uniformly with replacement from the
    /// observations of `buffer` (MBPO branches from real states).
    ///
    /// - Throws: `MBRLError.invalidArgument` when the buffer is empty or `startCount` is
    ///   negative; otherwise as `run(model:policy:startObservations:generator:)`.
    public func run(model: some DynamicsModel, policy: some Policy, startingFrom buffer: ReplayBuffer, startCount: Int,
                    generator: inout RandomGenerator) throws -> ImaginedTransitions {
        guard startCount >= 0 else { throw MBRLError.invalidArgument("startCount must be at least 0, got \(startCount)") }
        guard !buffer.isEmpty else {
            throw MBRLError.invalidArgument("cannot start model rollouts from an empty replay buffer; collect real transitions first")
        }
        let starts = buffer.sample(batchSize: startCount, generator: &generator).observations
        return try run(model: model, policy: policy, startObservations: starts, generator: &generator)
    }

    /// Rolls out from the given start states.
    ///
    /// Each step: the policy acts on the live rows (`[n, obs] -> [n, act]`, mode
    /// `config.actionMode`), the model predicts them (per-row members for an ensemble), rewards
    /// and terminations score them, and terminated rows are not continued.
    ///
    /// - Parameters:
    ///   - model: any dynamics model; an `EnsembleDynamicsModel` routes rows to members.
    ///   - policy: acts on whole batches.
    ///   - startObservations: `[N, obs]`.
    ///   - generator: draws members, the policy's and the model's noise.
    /// - Returns: every transition made (see `ImaginedTransitions`).
    /// - Throws: `MBRLError.incompatible` when rewards or terminations have no source,
    ///   `MBRLError.shapeMismatch` when the start states, actions, rewards or terminations do
    ///   not fit.
    public func run(model: some DynamicsModel, policy: some Policy, startObservations: Matrix,
                    generator: inout RandomGenerator) throws -> ImaginedTransitions {
        try rollOut(model: model, policy: policy, startObservations: startObservations, givenMembers: nil, generator: &generator)
    }

    /// The rollout of `run(model:policy:startObservations:generator:)`; with `givenMembers` (one
    /// member index per start row) every trajectory steps through its given member.
    func rollOut(model: some DynamicsModel, policy: some Policy, startObservations: Matrix, givenMembers: [Int]?,
                 generator: inout RandomGenerator) throws -> ImaginedTransitions {
        try checkCompatibility(with: model)
        let observationSize = model.observationSize, actionSize = model.actionSize
        guard startObservations.columns == observationSize else {
            throw MBRLError.shapeMismatch(
                "the model takes observations of \(observationSize) entries, the start states are \(startObservations.rows) x \(startObservations.columns)")
        }
        let selection = givenMembers == nil ? config.memberSelection : .fixedPerTrajectory
        let ensemble = selection == .modelDefault ? nil : model as? any EnsembleDynamicsModel
        let memberCount = ensemble?.memberCount ?? 0
        if ensemble != nil && memberCount < 1 {
            throw MBRLError.incompatible("the ensemble model predicts with no members")
        }
        var fixedMembers: [Int] = []
        if let givenMembers {
            fixedMembers = givenMembers
        } else if ensemble != nil && selection == .fixedPerTrajectory {
            fixedMembers = (0..<startObservations.rows).map { _ in generator.nextInt(below: memberCount) }
        }

        var state = startObservations
        var liveRows = Array(0..<startObservations.rows)   // start row of each live row
        var pieces: [StepPiece] = []
        for step in 0..<config.horizon where !liveRows.isEmpty {
            let actions = try policy.actions(for: state, mode: config.actionMode, generator: &generator)
            guard actions.rows == state.rows, actions.columns == actionSize else {
                throw MBRLError.shapeMismatch(
                    "the policy returned \(actions.rows) x \(actions.columns) actions for \(state.rows) rows; the model takes \(actionSize) entries per action")
            }
            var members = [Int](repeating: -1, count: state.rows)
            let prediction: ModelPrediction
            if let ensemble {
                switch selection {
                case .fixedPerTrajectory:
                    members = liveRows.map { fixedMembers[$0] }
                default:
                    for row in members.indices { members[row] = generator.nextInt(below: memberCount) }
                }
                prediction = try ensemble.predict(observations: state, actions: actions, members: members, generator: &generator)
            } else {
                prediction = try model.predict(observations: state, actions: actions, generator: &generator)
            }
            let next = prediction.nextObservations
            let rewards = try rewardFunction?.rewards(observations: state, actions: actions, nextObservations: next)
                ?? Self.required(prediction.rewards, "rewards")
            let terminations = try terminationFunction?.terminations(observations: state, actions: actions, nextObservations: next)
                ?? Self.required(prediction.terminations, "terminations")
            guard rewards.count == state.rows, terminations.count == state.rows, next.rows == state.rows else {
                throw MBRLError.shapeMismatch(
                    "step \(step) scored \(rewards.count) rewards and \(terminations.count) terminations for \(state.rows) rows")
            }
            pieces.append(StepPiece(observations: state, actions: actions, rewards: rewards, nextObservations: next,
                                    terminated: terminations, step: step, startRows: liveRows, members: members))
            let survivors = terminations.indices.filter { !terminations[$0] }
            if survivors.count == state.rows {
                state = next
            } else {
                state = next.gatherRows(survivors)
                liveRows = survivors.map { liveRows[$0] }
            }
        }
        return Self.concatenate(pieces, observationSize: observationSize, actionSize: actionSize)
    }

    // MARK: - Internals

    /// One step's rows.
    struct StepPiece {
        let observations: Matrix
        let actions: Matrix
        let rewards: [Float]
        let nextObservations: Matrix
        let terminated: [Bool]
        let step: Int
        let startRows: [Int]
        let members: [Int]
    }

    static func required<Value>(_ value: Value?, _ name: String) throws -> Value {
        guard let value else {
            throw MBRLError.incompatible("the model did not predict \(name) and no function was given for them")
        }
        return value
    }

    /// All steps' rows in one `ImaginedTransitions`, each matrix copied once.
    static func concatenate(_ pieces: [StepPiece], observationSize: Int, actionSize: Int) -> ImaginedTransitions {
        let total = pieces.reduce(0) { $0 + $1.rewards.count }
        func stacked(_ matrix: (StepPiece) -> Matrix, columns: Int) -> Matrix {
            var values: [Float] = []
            values.reserveCapacity(total * columns)
            for piece in pieces { values.append(contentsOf: matrix(piece).values) }
            return Matrix(rows: total, columns: columns, values: values)
        }
        return ImaginedTransitions(
            observations: stacked({ $0.observations }, columns: observationSize),
            actions: stacked({ $0.actions }, columns: actionSize),
            rewards: pieces.flatMap(\.rewards),
            nextObservations: stacked({ $0.nextObservations }, columns: observationSize),
            terminated: pieces.flatMap(\.terminated),
            steps: pieces.flatMap { Array(repeating: $0.step, count: $0.rewards.count) },
            startRows: pieces.flatMap(\.startRows),
            members: pieces.flatMap(\.members))
    }
}
