import Dispatch
import MBRLCore

/// A planning model that uses an environment's true dynamics: every candidate action sequence is
/// played on a clone of the real environment's current state. It has the same interface as
/// `ModelEnvironment`, so planners can be tested apart from model error.
///
/// Call `synchronize(with:)` with the real environment before each plan: the clone is the start
/// state (the observation passed to `evaluate` is checked against nothing, because many
/// environments' observations do not determine their full state). A sequence stops earning reward
/// when its episode ends (terminated or truncated). With a discrete action space it is also a
/// `DiscreteSimulator` for tree search.
///
/// ```swift
/// var perfect = PerfectModel(environment: environment)        // any StatefulEnvironment
/// try perfect.synchronize(with: environment)
/// let returns = try perfect.evaluate(from: observation, actionSequences: candidates,
///                                    horizon: 30, generator: &generator)
/// ```
public struct PerfectModel<Env: StatefulEnvironment>: TrajectoryEvaluator {
    /// The snapshot planning starts from.
    public private(set) var snapshot: Env
    /// Discount applied to later rewards (default 1).
    public var discount: Float
    /// Worker threads for evaluating sequences (default: all cores).
    public var threadCount: Int

    /// A perfect model starting from `environment`'s current state.
    public init(environment: Env, discount: Float = 1, threadCount: Int = ProcessInfoCores.activeCount) throws {
        self.snapshot = try environment.clone()
        self.discount = discount
        self.threadCount = max(1, threadCount)
    }

    /// Makes the start state a copy of `environment`'s current state.
    public mutating func synchronize(with environment: Env) throws {
        snapshot = try environment.clone()
    }

    public var actionSpace: Space { snapshot.actionSpace }
    public var observationSize: Int { snapshot.observationSpace.flatSize }

    public var capabilities: PlanningCapabilities {
        actionSpace.discrete != nil ? [.sequenceScoring, .discreteSimulation] : [.sequenceScoring]
    }

    public func evaluate(from observation: [Float], actionSequences: Matrix, horizon: Int,
                         generator: inout RandomGenerator) throws -> [Float] {
        let actionSize = actionSpace.flatSize
        guard horizon >= 1 else { throw MBRLError.invalidArgument("horizon must be at least 1, got \(horizon)") }
        guard actionSequences.columns == horizon * actionSize else {
            throw MBRLError.shapeMismatch(
                "action sequences of horizon \(horizon) need \(horizon * actionSize) columns, got \(actionSequences.columns)")
        }
        let sequenceCount = actionSequences.rows
        var returns = [Float](repeating: 0, count: sequenceCount)
        let chunkCount = min(threadCount, max(1, sequenceCount / 8))
        let failures = FailureSlot()
        let snapshot = self.snapshot
        let makeClone = UncheckedSendable({ () throws -> any Environment in try snapshot.clone() })
        let discount = self.discount
        returns.withUnsafeMutableBufferPointer { output in
            let results = SendablePointer(output.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let start = chunk * sequenceCount / chunkCount
                let end = (chunk + 1) * sequenceCount / chunkCount
                do {
                    for sequence in start..<end {
                        var environment = try makeClone.value()
                        var total: Float = 0
                        var weight: Float = 1
                        for step in 0..<horizon {
                            var action = [Float](repeating: 0, count: actionSize)
                            for index in 0..<actionSize {
                                action[index] = actionSequences[sequence, step * actionSize + index]
                            }
                            let result = try environment.step(action)
                            total += weight * result.reward
                            weight *= discount
                            if result.isDone { break }
                        }
                        results.pointer[sequence] = total.isFinite ? total : -1e10
                    }
                } catch {
                    failures.record(error)
                }
            }
        }
        if let error = failures.error { throw error }
        return returns
    }
}

extension PerfectModel: DiscreteSimulator {
    /// A node of a search tree holds a copy of the environment.
    public typealias SimulationState = Env

    public var actionCount: Int { actionSpace.discrete?.count ?? 0 }

    /// The synchronized snapshot (the observation is not used; see the type's documentation).
    public func rootState(for observation: [Float]) throws -> Env {
        try snapshot.clone()
    }

    public func step(_ state: Env, action: Int, generator: inout RandomGenerator) throws -> SimulatedStep<Env> {
        guard actionCount > 0 else {
            throw MBRLError.incompatible("tree search needs a discrete action space; \(state.id) has \(state.actionSpace)")
        }
        var next = try state.clone()
        let result = try next.step([Float(action)])
        return SimulatedStep(state: next, reward: result.reward, terminated: result.isDone)
    }
}

/// A raw pointer that worker closures may share; each worker writes disjoint entries.
struct SendablePointer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Element>
    init(_ pointer: UnsafeMutablePointer<Element>) { self.pointer = pointer }
}

/// A value that worker closures may share because they only read it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Keeps the first error thrown by any worker.
final class FailureSlot: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private(set) var error: Error?

    func record(_ newError: Error) {
        lock.wait()
        if error == nil { error = newError }
        lock.signal()
    }
}
