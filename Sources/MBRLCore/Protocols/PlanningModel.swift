/// What a planner plans through: a learned model wrapped with a reward, a perfect model built
/// from an environment's true dynamics, or anything else that can imagine the future.
///
/// Planners consume one of the refinements (`TrajectoryEvaluator`,
/// `DifferentiableTrajectoryEvaluator`, `DiscreteSimulator`) and state which in their
/// `requirements`; `capabilities` says which the model offers, so an incompatible pairing fails
/// when a recipe is built, before any step runs.
public protocol PlanningModel {
    /// The actions plans are made of.
    var actionSpace: Space { get }
    /// What this model can do for a planner.
    var capabilities: PlanningCapabilities { get }
}

/// The abilities a planning model offers and a planner needs.
public struct PlanningCapabilities: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Scores whole action sequences in batch (`TrajectoryEvaluator`).
    public static let sequenceScoring = PlanningCapabilities(rawValue: 1 << 0)
    /// Gives the gradient of a sequence's return with respect to its actions
    /// (`DifferentiableTrajectoryEvaluator`).
    public static let returnGradients = PlanningCapabilities(rawValue: 1 << 1)
    /// Steps one discrete action at a time from a stored state (`DiscreteSimulator`).
    public static let discreteSimulation = PlanningCapabilities(rawValue: 1 << 2)
    /// Gives dynamics Jacobians and reward derivatives at a point (for iLQR).
    public static let linearization = PlanningCapabilities(rawValue: 1 << 3)

    private static let named: [(PlanningCapabilities, String)] = [
        (.sequenceScoring, "scoring action sequences"),
        (.returnGradients, "gradients of the return with respect to actions"),
        (.discreteSimulation, "stepping one discrete action at a time"),
        (.linearization, "dynamics Jacobians and reward derivatives"),
    ]

    public var description: String {
        let names = PlanningCapabilities.named.filter { contains($0.0) }.map(\.1)
        return names.isEmpty ? "nothing" : names.joined(separator: ", ")
    }
}

/// Scores batches of action sequences by their expected return from a start observation.
///
/// ```swift
/// // 350 candidate sequences of horizon 15 for a 1-D action: [350, 15]
/// let returns = try evaluator.evaluate(from: observation, actionSequences: candidates,
///                                      horizon: 15, generator: &generator)   // [350]
/// ```
public protocol TrajectoryEvaluator: PlanningModel {
    /// The number of entries in an observation.
    var observationSize: Int { get }

    /// The expected return of every sequence. `actionSequences` is `[N, horizon * actionSize]`
    /// (step `t` of sequence `n` at columns `t * actionSize ..< (t + 1) * actionSize`).
    func evaluate(from observation: [Float], actionSequences: Matrix, horizon: Int,
                  generator: inout RandomGenerator) throws -> [Float]
}

/// A trajectory evaluator that also differentiates each return with respect to the actions.
public protocol DifferentiableTrajectoryEvaluator: TrajectoryEvaluator {
    /// Returns `[N]` and their gradients `[N, horizon * actionSize]`.
    func evaluateWithGradients(from observation: [Float], actionSequences: Matrix, horizon: Int,
                               generator: inout RandomGenerator) throws -> (returns: [Float], gradients: Matrix)
}

/// A model that steps one discrete action at a time from a stored state, for tree search.
///
/// The state is whatever the simulator needs: a cloned environment, or an observation row for a
/// learned deterministic model.
public protocol DiscreteSimulator: PlanningModel {
    /// The state a tree node stores.
    associatedtype SimulationState

    /// The number of actions (`0..<actionCount`).
    var actionCount: Int { get }

    /// The state to search from, given the real current observation.
    func rootState(for observation: [Float]) throws -> SimulationState

    /// One step from `state` with `action`.
    func step(_ state: SimulationState, action: Int, generator: inout RandomGenerator) throws -> SimulatedStep<SimulationState>
}

/// One simulated step of a `DiscreteSimulator`.
public struct SimulatedStep<State> {
    /// The state after the step.
    public var state: State
    /// The reward for the step.
    public var reward: Float
    /// Whether the step ended the episode.
    public var terminated: Bool

    public init(state: State, reward: Float, terminated: Bool) {
        self.state = state
        self.reward = reward
        self.terminated = terminated
    }
}
