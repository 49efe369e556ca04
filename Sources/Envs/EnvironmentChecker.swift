import MBRLCore

/// Checks that an environment keeps the `Environment` contract, as Gymnasium's `check_env` does,
/// and reports every problem it finds instead of stopping at the first.
///
/// What it checks:
/// - spaces are well formed (positive sizes, ordered and non-NaN bounds);
/// - `reset` and `step` observations have the right size, are finite and lie in the space;
///   rewards are finite; actions drawn from `actionSpace.sample` are accepted;
/// - determinism: two copies of the environment, reset with the same seed and given the same
///   actions, give identical trajectories (bit for bit); and a second run on the same instance
///   repeats the first (a warning when it does not: some state survives `reset`);
/// - seeding: different seeds give different first observations (a warning, since a
///   deterministic start is legitimate);
/// - invalid actions (one entry too many, none, NaN, out-of-range or fractional discrete
///   indices) are rejected by throwing;
/// - `info["TimeLimit.truncated"]` implies `truncated`;
/// - for a `StatefulEnvironment`: a clone is independent and behaves like the original,
///   `setPhysicalState(physicalState)` round trips and continues like a clone, and states of
///   the wrong size or with NaN are rejected;
/// - for a `KnownRewardEnvironment`: the batched reward and termination functions agree with
///   `step` on every transition of a rollout, and a differentiable reward's gradient agrees
///   with central finite differences (a warning, since rewards may have kinks).
///
/// An environment that crashes (traps) on bad input cannot be checked in-process: the checker
/// finds the ones that accept bad input silently.
///
/// ```swift
/// let issues = EnvironmentChecker.check(PointMass(), seed: 0, steps: 200)
/// for issue in issues { print(issue) }                 // nothing for a correct environment
/// try EnvironmentChecker.validate(DynaMaze())         // throws only for errors, not warnings
/// ```
public enum EnvironmentChecker {
    /// Runs every check and returns the issues found (errors and warnings).
    ///
    /// - Parameters:
    ///   - environment: the environment; it is copied (a class-backed environment is stepped
    ///     in place) and reset several times.
    ///   - seed: the seed for resets and for the actions the checker draws.
    ///   - steps: the number of steps in each checking rollout (episodes are reset as they end);
    ///     default 200.
    public static func check<E: Environment>(_ environment: E, seed: UInt64 = 0, steps: Int = 200) -> [Issue] {
        let steps = max(steps, 0)
        var report = Report()
        checkSpaces(of: environment, into: &report)
        guard report.issues.isEmpty else { return report.issues }

        // Two copies of the environment as given must run alike; a value type's copies are
        // independent, a class-backed environment runs the copies one after the other.
        var environment = environment
        var secondCopy = environment
        let first = rollout(&environment, seed: seed, steps: steps, report: &report)
        if first.failure == nil {
            var repeatRunReport = Report()  // the first run already reported per-step problems
            let second = rollout(&secondCopy, seed: seed, steps: steps, report: &repeatRunReport)
            compareForDeterminism(first, second, seed: seed, into: &report)
            if !report.issues.contains(where: { $0.check == .determinism }) {
                let third = rollout(&environment, seed: seed, steps: steps, report: &repeatRunReport)
                compareForRepeatability(first, third, seed: seed, into: &report)
            }
            checkSeeding(&environment, seed: seed, into: &report)
        }
        checkInvalidActions(&environment, seed: seed, into: &report)
        if let stateful = environment as? any StatefulEnvironment {
            checkStateful(stateful, seed: seed, into: &report)
        }
        if let known = environment as? any KnownRewardEnvironment {
            checkKnownReward(rewardFunction: known.rewardFunction, terminationFunction: known.terminationFunction,
                             trajectory: first, observationSize: environment.observationSize,
                             actionSize: environment.actionSize, into: &report)
        }
        return report.issues
    }

    /// Runs every check and throws a `Failure` listing all errors; warnings do not throw.
    public static func validate<E: Environment>(_ environment: E, seed: UInt64 = 0, steps: Int = 200) throws {
        let errors = check(environment, seed: seed, steps: steps).filter { $0.severity == .error }
        if !errors.isEmpty { throw Failure(environmentIdentifier: environment.id, issues: errors) }
    }

    // MARK: - Collecting issues

    /// The issues found so far; repeated per-step problems are merged into one issue each.
    struct Report {
        var issues: [Issue] = []
        private var repeated: [String: (index: Int, count: Int, message: String)] = [:]

        mutating func error(_ check: Issue.Check, _ message: String) {
            issues.append(Issue(severity: .error, check: check, message: message))
        }

        mutating func warning(_ check: Issue.Check, _ message: String) {
            issues.append(Issue(severity: .warning, check: check, message: message))
        }

        /// Records a problem that may recur at many steps: the first occurrence is kept, the
        /// others are counted in its message.
        mutating func repeatedError(_ check: Issue.Check, key: String, _ message: String) {
            if let (index, count, firstMessage) = repeated[key] {
                repeated[key] = (index, count + 1, firstMessage)
                issues[index].message = firstMessage + " [and \(count) more like it]"
            } else {
                repeated[key] = (issues.count, 1, message)
                error(check, message)
            }
        }
    }

    // MARK: - Spaces

    static func checkSpaces<E: Environment>(of environment: E, into report: inout Report) {
        for (name, space) in [("observation", environment.observationSpace), ("action", environment.actionSpace)] {
            switch space {
            case .box(let box):
                if box.lowerBound.count != box.upperBound.count {
                    report.error(.spaces, "\(name) space has \(box.lowerBound.count) lower and \(box.upperBound.count) upper bounds")
                } else if box.size == 0 {
                    report.error(.spaces, "\(name) space is a box of size 0")
                } else if let index = (0..<box.size).first(where: { box.lowerBound[$0].isNaN || box.upperBound[$0].isNaN }) {
                    report.error(.spaces, "\(name) space bound \(index) is NaN")
                } else if let index = (0..<box.size).first(where: { box.lowerBound[$0] > box.upperBound[$0] }) {
                    report.error(.spaces, "\(name) space dimension \(index) has lower bound \(box.lowerBound[index]) above upper bound \(box.upperBound[index])")
                }
            case .discrete(let discrete):
                if discrete.count <= 0 {
                    report.error(.spaces, "\(name) space is discrete with \(discrete.count) elements; it needs at least one")
                }
            }
        }
    }

    // MARK: - Rollouts

    /// What one checking rollout saw.
    struct Trajectory {
        var resetObservations: [[Float]] = []
        /// The observation each step started from.
        var observations: [[Float]] = []
        var actions: [[Float]] = []
        var results: [StepResult] = []
        /// The error that ended the rollout early, if any.
        var failure: String?
    }

    /// Resets with `seed`, then steps `steps` times with actions drawn from a generator seeded by
    /// `seed`, resetting (without a seed) when an episode ends; reports problems with
    /// observations, rewards and flags.
    static func rollout<E: Environment>(_ environment: inout E, seed: UInt64, steps: Int, report: inout Report) -> Trajectory {
        var trajectory = Trajectory()
        var generator = RandomGenerator(seed: seed, stream: 0xC4EC)
        var observation: [Float]
        do {
            observation = try environment.reset(seed: seed)
        } catch {
            report.error(.reset, "reset(seed: \(seed)) threw: \(error)")
            trajectory.failure = "\(error)"
            return trajectory
        }
        trajectory.resetObservations.append(observation)
        if let problem = observationProblem(observation, in: environment) {
            report.repeatedError(.reset, key: "reset", "the observation from reset \(problem)")
        }
        for stepIndex in 0..<steps {
            let action = environment.actionSpace.sample(using: &generator)
            let result: StepResult
            do {
                result = try environment.step(action)
            } catch {
                report.error(.step, "step \(stepIndex) threw for the sampled valid action \(describe(action)): \(error)")
                trajectory.failure = "\(error)"
                return trajectory
            }
            trajectory.observations.append(observation)
            trajectory.actions.append(action)
            trajectory.results.append(result)
            if let problem = observationProblem(result.observation, in: environment) {
                report.repeatedError(.step, key: "observation", "the observation of step \(stepIndex) \(problem)")
            }
            if !result.reward.isFinite {
                report.repeatedError(.step, key: "reward", "the reward of step \(stepIndex) is \(result.reward)")
            }
            if result.info["TimeLimit.truncated"].map({ $0 != 0 }) == true && !result.truncated {
                report.repeatedError(.episodeFlags, key: "timelimit",
                                      "step \(stepIndex) reports info[\"TimeLimit.truncated\"] but truncated is false")
            }
            observation = result.observation
            if result.isDone {
                do {
                    observation = try environment.reset(seed: nil)
                } catch {
                    report.error(.reset, "reset(seed: nil) after step \(stepIndex) threw: \(error)")
                    trajectory.failure = "\(error)"
                    return trajectory
                }
                trajectory.resetObservations.append(observation)
                if let problem = observationProblem(observation, in: environment) {
                    report.repeatedError(.reset, key: "reset", "the observation from reset after step \(stepIndex) \(problem)")
                }
            }
        }
        return trajectory
    }

    /// Why `observation` is not a valid observation of `environment`, or nil.
    static func observationProblem<E: Environment>(_ observation: [Float], in environment: E) -> String? {
        let space = environment.observationSpace
        if observation.count != space.flatSize {
            return "has \(observation.count) entries; the observation space has \(space.flatSize)"
        }
        if let index = observation.firstIndex(where: { !$0.isFinite }) {
            return "has entry \(index) = \(observation[index])"
        }
        guard !space.contains(observation) else { return nil }
        switch space {
        case .box(let box):
            let index = (0..<box.size).first { observation[$0] < box.lowerBound[$0] || observation[$0] > box.upperBound[$0] } ?? 0
            return "has entry \(index) = \(observation[index]) outside its bounds [\(box.lowerBound[index]), \(box.upperBound[index])]"
        case .discrete(let discrete):
            return "\(describe(observation)) is not an index in 0..<\(discrete.count)"
        }
    }

    // MARK: - Determinism and seeding

    static func compareForDeterminism(_ first: Trajectory, _ second: Trajectory, seed: UInt64, into report: inout Report) {
        if second.failure != nil {
            report.error(.determinism, "a second run from reset(seed: \(seed)) failed where the first succeeded: \(second.failure!)")
            return
        }
        if !identical(first.resetObservations.first ?? [], second.resetObservations.first ?? []) {
            report.error(.determinism, "reset(seed: \(seed)) gave \(describe(first.resetObservations.first ?? [])) and then \(describe(second.resetObservations.first ?? []))")
            return
        }
        for index in 0..<min(first.results.count, second.results.count) where !identical(first.results[index], second.results[index]) {
            let a = first.results[index], b = second.results[index]
            report.error(.determinism, "with the same seed and actions, step \(index) differs between two runs: "
                + "observation \(describe(a.observation)) vs \(describe(b.observation)), reward \(a.reward) vs \(b.reward), "
                + "terminated \(a.terminated) vs \(b.terminated), truncated \(a.truncated) vs \(b.truncated)")
            return
        }
        if !identical(first.resetObservations, second.resetObservations) {
            report.error(.determinism, "with the same seed and actions, reset(seed: nil) after an episode gives different observations in two runs")
        }
    }

    /// A second run on the same instance should repeat the first; a difference means some state
    /// survives `reset(seed:)` (a warning: intended for non-stationary tasks).
    static func compareForRepeatability(_ first: Trajectory, _ again: Trajectory, seed: UInt64, into report: inout Report) {
        let firstDifference = (0..<min(first.results.count, again.results.count)).first { !identical(first.results[$0], again.results[$0]) }
        if again.failure != nil || firstDifference != nil || !identical(first.resetObservations, again.resetObservations) {
            let where_ = firstDifference.map { "from step \($0) on" } ?? "in its resets"
            report.warning(.repeatability, "running again from reset(seed: \(seed)) on the same instance differs \(where_); "
                + "some state survives reset (intended for non-stationary tasks such as the changing mazes, a bug otherwise)")
        }
    }

    static func checkSeeding<E: Environment>(_ environment: inout E, seed: UInt64, into report: inout Report) {
        do {
            let reference = try environment.reset(seed: seed)
            for offset in UInt64(1)...4 where try environment.reset(seed: seed &+ offset) != reference {
                return
            }
            report.warning(.seeding, "reset(seed:) gave the same first observation \(describe(reference)) for seeds \(seed) to \(seed &+ 4); "
                + "fine if the start state is deterministic, otherwise reset ignores its seed")
        } catch {
            report.error(.reset, "reset(seed:) threw while checking seeding: \(error)")
        }
    }

    // MARK: - Invalid actions

    static func checkInvalidActions<E: Environment>(_ environment: inout E, seed: UInt64, into report: inout Report) {
        let size = environment.actionSize
        var invalid: [([Float], String)] = [
            (Array(repeating: 0, count: size + 1), "an action with one entry too many"),
            ([], "an empty action"),
            (Array(repeating: .nan, count: size), "an action of NaN"),
        ]
        if case .discrete(let discrete) = environment.actionSpace {
            invalid.append(([Float(discrete.count)], "the discrete action \(discrete.count), one past the last index"))
            invalid.append(([-1], "the discrete action -1"))
            invalid.append(([0.5], "the fractional discrete action 0.5"))
        }
        for (action, name) in invalid {
            do {
                _ = try environment.reset(seed: seed)
            } catch {
                report.error(.reset, "reset(seed: \(seed)) threw: \(error)")
                return
            }
            if (try? environment.step(action)) != nil {
                report.error(.invalidAction, "step accepted \(name) \(describe(action)) instead of throwing")
            }
        }
    }

    // MARK: - Stateful environments

    static func checkStateful<S: StatefulEnvironment>(_ environment: S, seed: UInt64, into report: inout Report) {
        var environment = environment
        var generator = RandomGenerator(seed: seed, stream: 0x57A7E)
        func advance(_ target: inout S, steps: Int) throws {
            for _ in 0..<steps {
                if try target.step(target.actionSpace.sample(using: &generator)).isDone { _ = try target.reset(seed: nil) }
            }
        }
        let state: [Double]
        do {
            _ = try environment.reset(seed: seed)
            try advance(&environment, steps: 3)
            state = environment.physicalState
        } catch {
            report.error(.clone, "could not reset and step to check clone(): \(error)")
            return
        }
        guard !state.isEmpty, state.allSatisfy(\.isFinite) else {
            report.error(.physicalState, "physicalState \(describe(state)) is empty or not finite")
            return
        }

        // Clone: independent of the original, and behaving like it.
        do {
            var copy = try environment.clone()
            if copy.physicalState != state {
                report.error(.clone, "a clone's physicalState \(describe(copy.physicalState)) differs from the original's \(describe(state))")
            }
            let action = environment.actionSpace.sample(using: &generator)
            let copyResult = try copy.step(action)
            if environment.physicalState != state {
                report.error(.clone, "stepping a clone changed the original's physicalState from \(describe(state)) to "
                    + "\(describe(environment.physicalState)); the clone shares storage with the original")
            } else {
                let originalResult = try environment.step(action)
                if !identical(originalResult, copyResult) || environment.physicalState != copy.physicalState {
                    report.error(.clone, "a clone and its original gave different results for the same action \(describe(action))")
                }
            }
        } catch {
            report.error(.clone, "clone() or stepping a clone threw: \(error)")
            return
        }

        // setPhysicalState round trip.
        do {
            _ = try environment.reset(seed: seed)
            try advance(&environment, steps: 2)
            let saved = environment.physicalState
            var reference = try environment.clone()
            try advance(&environment, steps: 3)
            do {
                try environment.setPhysicalState(saved)
            } catch {
                report.error(.physicalState, "setPhysicalState rejected the state \(describe(saved)) that physicalState returned: \(error)")
                return
            }
            if environment.physicalState != saved {
                report.error(.physicalState, "setPhysicalState(\(describe(saved))) left physicalState at \(describe(environment.physicalState))")
            } else {
                let action = environment.actionSpace.sample(using: &generator)
                _ = try environment.step(action)
                _ = try reference.step(action)
                if environment.physicalState != reference.physicalState {
                    report.error(.physicalState, "after setPhysicalState(s), stepping gives \(describe(environment.physicalState)); "
                        + "a clone taken at s gives \(describe(reference.physicalState))")
                }
            }
            let wrongSize = saved + [0]
            if (try? environment.setPhysicalState(wrongSize)) != nil {
                report.error(.physicalState, "setPhysicalState accepted a state of \(wrongSize.count) entries (physicalState has \(saved.count))")
            }
            let notFinite = [Double](repeating: .nan, count: saved.count)
            if (try? environment.setPhysicalState(notFinite)) != nil {
                report.error(.physicalState, "setPhysicalState accepted a state of NaN")
            }
        } catch {
            report.error(.physicalState, "could not reset and step to check setPhysicalState: \(error)")
        }
    }

    // MARK: - Known reward and termination functions

    static func checkKnownReward(rewardFunction: any RewardFunction, terminationFunction: any TerminationFunction,
                                 trajectory: Trajectory, observationSize: Int, actionSize: Int, into report: inout Report) {
        let count = trajectory.results.count
        guard count > 0,
              let observations = try? Matrix.checked(rows: count, columns: observationSize, values: trajectory.observations.flatMap { $0 }),
              let actions = try? Matrix.checked(rows: count, columns: actionSize, values: trajectory.actions.flatMap { $0 }),
              let nextObservations = try? Matrix.checked(rows: count, columns: observationSize,
                                                         values: trajectory.results.flatMap(\.observation))
        else { return }

        let rewards = rewardFunction.rewards(observations: observations, actions: actions, nextObservations: nextObservations)
        if rewards.count != count {
            report.error(.rewardFunction, "the reward function returned \(rewards.count) rewards for \(count) transitions")
        } else {
            let mismatches = (0..<count).filter { index in
                let stepped = trajectory.results[index].reward
                return !(abs(rewards[index] - stepped) <= 1e-5 * max(1, abs(stepped)))
            }
            if let index = mismatches.first {
                report.error(.rewardFunction, "the reward function disagrees with step on \(mismatches.count) of \(count) transitions; "
                    + "first at step \(index): function \(rewards[index]), step \(trajectory.results[index].reward)")
            }
        }

        let terminations = terminationFunction.terminations(observations: observations, actions: actions, nextObservations: nextObservations)
        if terminations.count != count {
            report.error(.terminationFunction, "the termination function returned \(terminations.count) flags for \(count) transitions")
        } else {
            let mismatches = (0..<count).filter { terminations[$0] != trajectory.results[$0].terminated }
            if let index = mismatches.first {
                report.error(.terminationFunction, "the termination function disagrees with step's terminated flag on \(mismatches.count) "
                    + "of \(count) transitions; first at step \(index): function \(terminations[index]), step \(trajectory.results[index].terminated)")
            }
        }

        if let differentiable = rewardFunction as? any DifferentiableRewardFunction {
            let rows = Array(0..<min(count, 8))
            checkRewardGradient(differentiable, observations: observations.gatherRows(rows), actions: actions.gatherRows(rows),
                                nextObservations: nextObservations.gatherRows(rows), into: &report)
        }
    }

    /// Compares a reward's gradient with central differences on up to 32 columns of each input.
    static func checkRewardGradient(_ reward: any DifferentiableRewardFunction, observations: Matrix, actions: Matrix,
                                    nextObservations: Matrix, into report: inout Report) {
        let gradients = reward.rewardGradients(observations: observations, actions: actions, nextObservations: nextObservations)
        let inputs = [("observation", observations, gradients.observations), ("action", actions, gradients.actions),
                      ("next observation", nextObservations, gradients.nextObservations)]
        for (name, input, gradient) in inputs where gradient.shape != input.shape {
            report.error(.rewardGradient, "the \(name) gradient is \(gradient.rows) x \(gradient.columns); the input is \(input.rows) x \(input.columns)")
            return
        }
        for (which, (name, input, gradient)) in inputs.enumerated() {
            for row in 0..<input.rows {
                for column in 0..<min(input.columns, 32) {
                    let epsilon = 1e-3 * max(1, abs(input[row, column]))
                    func perturbed(_ delta: Float) -> Float {
                        var arguments = [observations, actions, nextObservations]
                        arguments[which][row, column] += delta
                        return reward.rewards(observations: arguments[0], actions: arguments[1], nextObservations: arguments[2])[row]
                    }
                    let difference = (perturbed(epsilon) - perturbed(-epsilon)) / (2 * epsilon)
                    let analytic = gradient[row, column]
                    if !(abs(difference - analytic) <= 1e-2 * max(1, abs(analytic))) {
                        report.warning(.rewardGradient, "d reward / d \(name)[\(column)] at row \(row) is \(analytic); "
                            + "central differences give \(difference)")
                        return
                    }
                }
            }
        }
    }

    // MARK: - Comparing

    /// Bit-for-bit equality (so NaN equals NaN and the comparison is about determinism only).
    static func identical(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    static func identical(_ a: [[Float]], _ b: [[Float]]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { identical($0, $1) }
    }

    static func identical(_ a: StepResult, _ b: StepResult) -> Bool {
        identical(a.observation, b.observation) && a.reward.bitPattern == b.reward.bitPattern
            && a.terminated == b.terminated && a.truncated == b.truncated
            && a.info.count == b.info.count
            && a.info.allSatisfy { key, value in b.info[key].map { $0.bitPattern == value.bitPattern } ?? false }
    }

    // MARK: - Formatting

    static func describe<T: BinaryFloatingPoint>(_ values: [T]) -> String {
        let shown = values.prefix(6).map { "\(Double($0))" }.joined(separator: ", ")
        return "[" + shown + (values.count > 6 ? ", ... (\(values.count) entries)" : "") + "]"
    }
}
