import MBRLCore

/// The policy optimizer a distilled student is saved as: it holds the student policy trained
/// by `mbrl-run distill` and does not learn in the loop (`improve` leaves it as it is). Its run
/// directory loads like any other, in `mbrl-run eval` and as a `"saved-policy"` agent.
///
/// ```json
/// "policyOptimizer": {"type": "distilled-policy", "policy": "squashed-gaussian", "hiddenSizes": [32, 32]}
/// ```
public struct DistilledPolicy<Student: DistillationStudent>: Sendable {
    /// The student.
    public internal(set) var policy: Student

    /// Holds `policy`.
    public init(policy: Student) { self.policy = policy }
}

extension DistilledPolicy: PolicyOptimizer {
    public var name: String { "distilled-policy" }

    /// Does nothing: the student was trained by distillation and acts as it was saved.
    public mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                                 generator: inout RandomGenerator) throws -> [String: Double] {
        [:]
    }

    /// Writes the student under `<prefix>.policy`.
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try policy.write(to: &writer, prefix: prefix + ".policy")
    }

    /// Reads the student `write(to:prefix:)` stored.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try policy.read(from: checkpoint, prefix: prefix + ".policy")
    }
}
