import MBRLCore
import Models
import Planners

/// Model-predictive control: plans through the model every `replanEvery` steps and executes the
/// plan's next actions in between (replanning every step is MPC proper). A planner that returns
/// feedback gains (iLQR) has them applied between replans, `u = û_t + K_t (x - x̂_t)`, clamped to
/// the action box. A latent model with a frame history is given the last `historyLength`
/// observations. After every model fit the planning model is rebuilt around the new model.
///
/// ```swift
/// var agent = try PlannerAgent(planner: cem, model: ensemble, actionSpace: env.actionSpace,
///                              rewardFunction: env.rewardFunction, terminationFunction: nil,
///                              planning: PlanningConfig(), replanEvery: 1)
/// try agent.reset(observation: observation)
/// let action = try agent.act(on: observation, mode: .exploration, generator: &generator)
/// ```
public struct PlannerAgent: Agent {
    /// The planner.
    public private(set) var planner: any Planner
    /// What the planner scores plans with (rebuilt after every model fit).
    public private(set) var planningModel: any PlanningModel
    let actionSpace: Space
    let rewardFunction: (any RewardFunction)?
    let terminationFunction: (any TerminationFunction)?
    let planning: PlanningConfig
    /// The observations' goal-image layout, for `"planning": {"reward": "goal-image"}`.
    let goalImage: GoalImageLayout?
    /// Steps between replans (1: MPC).
    public let replanEvery: Int
    var historyLength: Int
    var plan: Plan?
    var planRow = 0
    var history: [[Float]] = []
    var stepsTaken = 0
    /// The planner's expected return when the latest action came from a new plan.
    public private(set) var actionMetrics: [String: Double] = [:]

    /// An agent planning with `planner` through `model`.
    ///
    /// - Throws: `RecipeError` when the planner cannot work with the model (for example iLQR
    ///   without a known reward function) or `planning` names an unknown propagation.
    /// - Parameter goalImage: where the goal image lies in the observations, for planning toward
    ///   it (`planning.reward` `"goal-image"`); nil otherwise.
    public init(planner: any Planner, model: any DynamicsModel, actionSpace: Space, rewardFunction: (any RewardFunction)?,
                terminationFunction: (any TerminationFunction)?, planning: PlanningConfig, replanEvery: Int,
                goalImage: GoalImageLayout? = nil) throws {
        self.planner = planner
        self.actionSpace = actionSpace
        self.rewardFunction = rewardFunction
        self.terminationFunction = terminationFunction
        self.planning = planning
        self.goalImage = goalImage
        self.replanEvery = max(1, replanEvery)
        historyLength = (model as? LatentModel)?.historyLength ?? (model as? any LocallyLinearLatentModel)?.historyLength ?? 1
        planningModel = try PlanningModelFactory.make(model: model, planner: planner, actionSpace: actionSpace,
                                                      rewardFunction: rewardFunction, terminationFunction: terminationFunction,
                                                      planning: planning, goalImage: goalImage)
        do {
            try planner.checkCompatibility(with: planningModel)
        } catch {
            throw RecipeError(path: "planner", message: "\(error)")
        }
    }

    public var name: String { "planner \(planner.name)" }

    public mutating func reset(observation: [Float]) throws {
        planner.reset()
        plan = nil
        planRow = 0
        history = [[Float]](repeating: observation, count: historyLength)
        stepsTaken = 0
    }

    public mutating func act(on observation: [Float], mode: ActionMode, generator: inout RandomGenerator) throws -> [Float] {
        // `reset` filled the history with the first observation; later ones arrive here.
        if historyLength > 1 && stepsTaken > 0 { history = Array(history.dropFirst()) + [observation] }
        stepsTaken += 1
        if plan == nil || planRow >= replanEvery || planRow >= (plan?.actions.rows ?? 0) {
            plan = try planner.plan(from: historyLength > 1 ? history.flatMap { $0 } : observation,
                                    model: planningModel, generator: &generator)
            planRow = 0
            actionMetrics = plan?.expectedReturn.map { ["plannedReturn": Double($0)] } ?? [:]
        } else {
            actionMetrics = [:]
        }
        guard let plan else { return [] }
        var action = plan.actions.row(planRow)
        if planRow > 0, let gains = plan.feedbackGains, let nominal = plan.nominalObservations,
           planRow < gains.count, planRow < nominal.rows, case .box(let box) = actionSpace {
            let deviation = zip(observation, nominal.row(planRow)).map { $0 - $1 }
            let gain = gains[planRow]
            for row in 0..<min(gain.rows, action.count) {
                var correction: Float = 0
                for column in 0..<min(gain.columns, deviation.count) { correction += gain[row, column] * deviation[column] }
                action[row] += correction
            }
            action = box.clamp(action)
        }
        planRow += 1
        return action
    }

    public mutating func modelDidChange(_ model: any DynamicsModel) throws {
        planningModel = try PlanningModelFactory.make(model: model, planner: planner, actionSpace: actionSpace,
                                                      rewardFunction: rewardFunction, terminationFunction: terminationFunction,
                                                      planning: planning, goalImage: goalImage)
        plan = nil
    }
}
