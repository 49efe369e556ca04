/// Chooses actions by looking ahead through a model (model-predictive control): given the
/// current observation, returns a plan whose first action is executed; the rest warms the next
/// call.
///
/// Planners are configured by a `Codable` config with documented defaults and carry only
/// warm-start state between calls; `reset()` clears it at an episode boundary.
///
/// ```swift
/// var planner = try CrossEntropyPlanner(config: .init(horizon: 15), actionSpace: environment.actionSpace)
/// try planner.checkCompatibility(with: evaluator)          // at build time
/// var generator = RandomGenerator(seed: 0)
/// let plan = try planner.plan(from: observation, model: evaluator, generator: &generator)
/// let step = try environment.step(plan.firstAction)
/// ```
public protocol Planner {
    /// The name recipes use for this planner, for example `"cem"`.
    var name: String { get }

    /// What the planner needs from the model it plans through.
    var requirements: PlanningCapabilities { get }

    /// Plans from `observation` through `model`.
    mutating func plan(from observation: [Float], model: any PlanningModel,
                       generator: inout RandomGenerator) throws -> Plan

    /// Forgets warm-start state (call at the start of an episode).
    mutating func reset()
}

extension Planner {
    /// Throws `MBRLError.incompatible` naming what `model` lacks when it cannot serve this planner.
    public func checkCompatibility(with model: any PlanningModel) throws {
        let missing = requirements.subtracting(model.capabilities)
        guard missing.isEmpty else {
            throw MBRLError.incompatible(
                "planner \"\(name)\" needs \(missing), which \(type(of: model)) does not provide "
                    + "(it offers \(model.capabilities))")
        }
    }
}

/// A planner's answer.
public struct Plan: Sendable, Equatable {
    /// The planned actions, `[horizon, actionSize]`; row 0 is executed now.
    public var actions: Matrix
    /// The return the planner expects from following the plan, when it computed one.
    public var expectedReturn: Float?
    /// How many model steps (rows through the model) planning used, for comparing planners.
    public var modelEvaluations: Int
    /// For feedback planners (iLQR): the nominal observations `[horizon, obs]` ...
    public var nominalObservations: Matrix?
    /// ... and the gains `K_t` (`[act, obs]` each) of `u = K (x - x̂) + k + û`.
    public var feedbackGains: [Matrix]?

    public init(actions: Matrix, expectedReturn: Float? = nil, modelEvaluations: Int = 0,
                nominalObservations: Matrix? = nil, feedbackGains: [Matrix]? = nil) {
        self.actions = actions
        self.expectedReturn = expectedReturn
        self.modelEvaluations = modelEvaluations
        self.nominalObservations = nominalObservations
        self.feedbackGains = feedbackGains
    }

    /// The action to execute now.
    public var firstAction: [Float] { actions.row(0) }
}
