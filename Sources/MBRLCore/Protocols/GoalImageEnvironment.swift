/// An environment whose task is to reach a goal shown as an image: every observation is the
/// current frames followed by the goal image (`goalImageLayout` says how many entries each
/// holds), so an agent that plans toward the goal reads it from the observation, and a model
/// can leave the goal out of what it learns.
///
/// The loop hands the layout to the model it builds (`ModelBuildContext.goalImage`) and to
/// planners that plan toward the goal image (`"planning": {"reward": "goal-image"}`).
///
/// ```swift
/// let environment = try EnvironmentCatalog.make("PointMassGoalPixels-v0")     // module Envs
/// if let goalTask = environment as? any GoalImageEnvironment {
///     goalTask.goalImageLayout       // 2 frames of 1,024 entries, then a goal image of 1,024
/// }
/// ```
public protocol GoalImageEnvironment: Environment {
    /// Where the frames and the goal image lie in an observation.
    var goalImageLayout: GoalImageLayout { get }
}
