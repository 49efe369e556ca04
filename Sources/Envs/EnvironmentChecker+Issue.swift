import MBRLCore

extension EnvironmentChecker {
    /// One problem the checker found.
    ///
    /// ```swift
    /// for issue in EnvironmentChecker.check(environment) where issue.severity == .error {
    ///     print(issue)     // "error [determinism]: ..."
    /// }
    /// ```
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// How serious an issue is.
        public enum Severity: String, Sendable, Equatable {
            /// The environment breaks the `Environment` contract; fix it.
            case error
            /// Suspicious but possibly intended (for example a start state that ignores the seed).
            case warning
        }

        /// The property that was checked.
        public enum Check: String, Sendable, Equatable, CaseIterable {
            /// Observation and action spaces are well formed.
            case spaces
            /// `reset` works and its observations lie in the observation space.
            case reset
            /// `step` accepts sampled actions and returns finite observations in the space and finite rewards.
            case step
            /// The same seed and actions give the same trajectory.
            case determinism
            /// A second run on the same instance repeats the first (a warning: state survives `reset`).
            case repeatability
            /// Different seeds give different initial observations.
            case seeding
            /// Actions of the wrong size, NaN actions and out-of-range discrete actions are rejected by throwing.
            case invalidAction
            /// `terminated` / `truncated` agree with `info` and with the termination function.
            case episodeFlags
            /// `clone()` gives an independent copy that behaves like the original.
            case clone
            /// `physicalState` / `setPhysicalState` round trip, and invalid states are rejected.
            case physicalState
            /// The batched reward function agrees with `step`.
            case rewardFunction
            /// The batched termination function agrees with `step`.
            case terminationFunction
            /// A differentiable reward's gradient agrees with finite differences.
            case rewardGradient
        }

        /// Error or warning.
        public var severity: Severity
        /// The property that failed.
        public var check: Check
        /// What went wrong, with the values involved.
        public var message: String

        /// An issue of `severity` for `check`.
        public init(severity: Severity, check: Check, message: String) {
            self.severity = severity
            self.check = check
            self.message = message
        }

        public var description: String { "\(severity.rawValue) [\(check.rawValue)]: \(message)" }
    }

    /// The error `EnvironmentChecker.validate` throws: every error-severity issue found.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The environment's identifier.
        public var environmentIdentifier: String
        /// The errors (warnings are left out).
        public var issues: [Issue]

        public var description: String {
            "environment \(environmentIdentifier) failed \(issues.count) check(s):\n"
                + issues.map { "  - \($0)" }.joined(separator: "\n")
        }
    }
}
