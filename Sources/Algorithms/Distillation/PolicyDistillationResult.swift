import MBRLCore

/// What `PolicyDistillation.run()` measured, as `distillation.json` stores it.
///
/// ```swift
/// let result = try PolicyDistillation(config: config, registry: registry).run()
/// let kept = result.tasks[0].studentReturn / result.tasks[0].teacherReturn
/// ```
public struct PolicyDistillationResult: Sendable, Codable, Equatable {
    /// One collection-and-training round.
    public struct Round: Sendable, Codable, Equatable {
        public var round: Int
        /// Labelled states in all memories after the round's collection.
        public var states: Int
        /// The mean `KL(teacher || student)` over the round's minibatches.
        public var meanLoss: Double
        /// The mean return of the round's collection episodes.
        public var collectionReturn: Double
    }

    /// One teacher's task, evaluated in its environment from the same start states: mean returns
    /// and termination rates (the fraction of episodes ended by termination, not the time limit:
    /// reaching the goal in `PointMass-v0`, falling in `CartPole-v1`).
    public struct Task: Sendable, Codable, Equatable {
        /// The teacher's run directory.
        public var teacher: String
        /// The task's environment specification.
        public var environment: JSONValue
        public var teacherReturn: Double
        public var teacherTerminationRate: Double
        public var untrainedStudentReturn: Double
        public var untrainedStudentTerminationRate: Double
        public var studentReturn: Double
        public var studentTerminationRate: Double
    }

    public var name: String
    public var seed: UInt64
    /// The student's family.
    public var kind: DistillationTeacher.Kind
    /// The number of the student's weights and biases.
    public var studentParameterCount: Int
    public var rounds: [Round]
    public var tasks: [Task]
    public var wallSeconds: Double
    /// The student's run directory.
    public var directory: String
}
