/// A policy whose action depends on the time step within the episode and on the episode's
/// initial condition, as time-varying controllers do (guided policy search's linear-Gaussian
/// controllers: one per condition, with gains per step).
///
/// Agents that act with a policy (`LearnerAgent`) count the steps since `reset` and pass them,
/// with the condition index the loop gave at reset (nil when the recipe lists no initial
/// states), to `action(for:step:condition:mode:generator:)`; other callers use the plain
/// `Policy` method, which the conforming type defines for step 0 without a condition or as
/// documented.
///
/// ```swift
/// let action = try policy.action(for: observation, step: 7, condition: 2, mode: .exploration, generator: &generator)
/// ```
public protocol TimeIndexedPolicy: Policy {
    /// The action at `observation`, time step `step` (0 at the episode's first action) of an
    /// episode started from initial condition `condition`.
    func action(for observation: [Float], step: Int, condition: Int?, mode: ActionMode,
                generator: inout RandomGenerator) throws -> [Float]
}
