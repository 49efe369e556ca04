import MBRLCore
import Models
import Planners

/// An agent whose actions come from the real environment itself: before every step the loop
/// hands it the environment (`synchronize(with:)`), and it plans on a clone of the true state
/// (`PerfectModel`). Used as an expert: exploration by a planner that knows the dynamics, data
/// for model learning with an expert in the loop (DAgger) and labels for imitation.
///
/// ```json
/// "acting": {"exploration": {"type": "planner", "model": "true-dynamics"}}
/// ```
public struct TrueDynamicsPlannerAgent<Env: StatefulEnvironment>: Agent, EnvironmentSynchronizedAgent {
    var planner: any Planner
    var model: PerfectModel<Env>
    /// Steps between replans (1: MPC).
    public let replanEvery: Int
    var plan: Plan?
    var planRow = 0

    /// An agent planning with `planner` on copies of `environment`'s true state.
    ///
    /// - Throws: `RecipeError` when the planner needs something a true-dynamics model does not offer.
    public init(planner: any Planner, environment: Env, discount: Float, replanEvery: Int) throws {
        self.planner = planner
        self.replanEvery = max(1, replanEvery)
        model = try PerfectModel(environment: environment, discount: discount)
        do {
            try planner.checkCompatibility(with: model)
        } catch {
            throw RecipeError(path: "acting", message: "the true-dynamics planner: \(error)")
        }
    }

    public var name: String { "planner \(planner.name) on the true dynamics" }

    public mutating func synchronize(with environment: any Environment) throws {
        guard let same = environment as? Env else {
            throw MBRLError.incompatible("the true-dynamics planner was built for \(Env.self) but acts in \(type(of: environment))")
        }
        try model.synchronize(with: same)
    }

    public mutating func reset(observation: [Float]) throws {
        planner.reset()
        plan = nil
        planRow = 0
    }

    public mutating func act(on observation: [Float], mode: ActionMode, generator: inout RandomGenerator) throws -> [Float] {
        if plan == nil || planRow >= replanEvery || planRow >= (plan?.actions.rows ?? 0) {
            plan = try planner.plan(from: observation, model: model, generator: &generator)
            planRow = 0
        }
        defer { planRow += 1 }
        return plan?.actions.row(planRow) ?? []
    }
}

/// An agent that needs the real environment before every action (to copy its true state).
public protocol EnvironmentSynchronizedAgent: Agent {
    /// Called by the loop before every `act`, with the environment about to be stepped.
    mutating func synchronize(with environment: any Environment) throws
}
