import Foundation
import MBRLCore

/// Termination rules of Gymnasium tasks, keyed by Gymnasium id, which `GymnasiumEnvironment`
/// offers as its `knownTerminationFunction` (mbrl-lib's `termination_fns`, checked against
/// Gymnasium 1.2.2's MuJoCo sources with their default arguments and
/// `exclude_current_positions_from_observation` on):
///
/// | ids (v4 and v5) | terminates when the next observation has |
/// | --- | --- |
/// | `InvertedPendulum` | a non-finite entry, or `abs(obs[1]) > 0.2` |
/// | `Hopper` | a non-finite entry, height `obs[0]` not in (0.7, inf), angle `obs[1]` not in (-0.2, 0.2), or `obs[1...]` not in (-100, 100) |
/// | `Walker2d` | a non-finite entry, height `obs[0]` not in (0.8, 2), or angle `obs[1]` not in (-1, 1) |
/// | `Ant` | a non-finite entry, or height `obs[0]` not in [0.2, 1] |
/// | `Humanoid` | a non-finite entry, or height `obs[0]` not in (1, 2) |
/// | `HalfCheetah`, `Swimmer`, `Reacher`, `Pusher` | never (time limits only) |
///
/// Gymnasium's Hopper checks the unclipped velocities, the observation holds them clipped to
/// [-10, 10]; the rule above cannot see a velocity beyond 100, which ends Gymnasium's episode.
/// Tasks with other arguments, or not listed (InvertedDoublePendulum's rule needs the tip's
/// height, which is not observed), get their rule from `register(_:for:)` or learn it with the
/// model's termination head.
///
/// ```swift
/// GymnasiumTerminationFunctions.register(MyTermination(), for: "MyTask-v0")
/// let done = GymnasiumTerminationFunctions.function(for: "Hopper-v5")
/// ```
public enum GymnasiumTerminationFunctions {
    /// The rule for `id`: one registered for it, else the built-in one, else nil.
    public static func function(for id: String) -> (any TerminationFunction)? {
        registered.value(for: id) ?? builtIn[id]
    }

    /// Makes `function` the rule of `id` for every `GymnasiumEnvironment` with that id,
    /// replacing a built-in or earlier registration.
    public static func register(_ function: any TerminationFunction, for id: String) {
        registered.set(function, for: id)
    }

    /// The ids with a built-in rule.
    public static var builtInIDs: [String] { builtIn.keys.sorted() }

    static let builtIn: [String: any TerminationFunction] = {
        var rules: [String: any TerminationFunction] = [:]
        let invertedPendulum = HealthyRangeTerminationFunction(bounds: [.init(entries: 1...1, lower: -0.2, upper: 0.2, inclusive: true)])
        let hopper = HealthyRangeTerminationFunction(bounds: [
            .init(entries: 0...0, lower: 0.7, upper: .infinity), .init(entries: 1...1, lower: -0.2, upper: 0.2),
            .init(entries: 1..., lower: -100, upper: 100),
        ])
        let walker = HealthyRangeTerminationFunction(bounds: [
            .init(entries: 0...0, lower: 0.8, upper: 2), .init(entries: 1...1, lower: -1, upper: 1),
        ])
        let ant = HealthyRangeTerminationFunction(bounds: [.init(entries: 0...0, lower: 0.2, upper: 1, inclusive: true)])
        let humanoid = HealthyRangeTerminationFunction(bounds: [.init(entries: 0...0, lower: 1, upper: 2)])
        for version in ["v4", "v5"] {
            rules["InvertedPendulum-\(version)"] = invertedPendulum
            rules["Hopper-\(version)"] = hopper
            rules["Walker2d-\(version)"] = walker
            rules["Ant-\(version)"] = ant
            rules["Humanoid-\(version)"] = humanoid
            for task in ["HalfCheetah", "Swimmer", "Reacher", "Pusher"] { rules["\(task)-\(version)"] = NoTermination() }
        }
        return rules
    }()

    static let registered = TerminationRegistry()

    /// The user's registrations, safe to use from any thread.
    final class TerminationRegistry: @unchecked Sendable {
        private let lock = NSLock()
        private var functions: [String: any TerminationFunction] = [:]

        func value(for id: String) -> (any TerminationFunction)? {
            lock.lock(); defer { lock.unlock() }
            return functions[id]
        }

        func set(_ function: any TerminationFunction, for id: String) {
            lock.lock(); defer { lock.unlock() }
            functions[id] = function
        }
    }
}
