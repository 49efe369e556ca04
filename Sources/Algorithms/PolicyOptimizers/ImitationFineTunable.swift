#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// A model-free learner that can start from an imitated policy (MB-MF's hand-over): it names the
/// differentiable policy whose deterministic action imitation trains (`imitationPolicy`, a copy
/// of its own policy), and takes the trained copy back with a set initial spread. After
/// `handOver`, the learner's deterministic (`.evaluation`) action equals the imitated policy's.
///
/// - SAC (`SquashedGaussianMLPPolicy`): imitation trains `center + halfWidth * tanh(mean(s))`,
///   the squashed mean, so the hand-over keeps the mean rows of the network as they are; the
///   log-standard-deviation rows of the last layer are set to weights 0 and bias
///   `log(initialStandardDeviation)`, a state-independent spread in the pre-tanh space `u`.
/// - TRPO (`DiagonalGaussianMLPPolicy`): imitation trains the (clipped) mean network; the
///   hand-over sets the log standard deviations to `log(initialStandardDeviation)`, in action
///   units.
///
/// ```swift
/// var imitated = sac.imitationPolicy
/// try regression.fit(&imitated, observations: states, targets: plannerActions, generator: &generator)
/// try sac.handOver(imitated, initialStandardDeviation: 0.3)
/// ```
public protocol ImitationFineTunable: PolicyOptimizer, Sendable where OptimizedPolicy: Sendable {
    /// The policy imitation trains.
    associatedtype ImitatedPolicy: DifferentiablePolicy & Sendable & Equatable

    /// A copy of the learner's policy, for imitation to train.
    var imitationPolicy: ImitatedPolicy { get }

    /// Makes `policy` the learner's policy, its spread set to `initialStandardDeviation`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` when `policy` does not fit the learner's spaces;
    ///   `MBRLError.invalidArgument` for a non-positive standard deviation.
    mutating func handOver(_ policy: ImitatedPolicy, initialStandardDeviation: Float) throws

    /// Keeps the policy fixed for the learner's next `steps` real steps while its critics learn
    /// (SAC: a random critic would otherwise pull the handed-over actor away at once). The
    /// default does nothing (TRPO's first update already waits for `stepsPerUpdate` steps).
    mutating func holdPolicy(forSteps steps: Int)
}

extension ImitationFineTunable {
    public mutating func holdPolicy(forSteps steps: Int) {}
}

enum ImitationHandOverChecks {
    static func logStandardDeviation(_ standardDeviation: Float) throws -> Float {
        guard standardDeviation > 0, standardDeviation.isFinite else {
            throw MBRLError.invalidArgument("the initial standard deviation must be a positive number, got \(standardDeviation)")
        }
        return logf(standardDeviation)
    }

    static func sameShapes<P: ParameterContainer>(_ given: P, _ own: P, learner: String) throws {
        try own.validateParameterShapes(given.parameters, role: "\(learner) hand-over parameters")
    }
}
