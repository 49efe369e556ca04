import Algorithms
import Envs
import MBRLCore
import Models
import Planners

/// Every component the framework ships, registered the way a user's own executable would
/// (see `Examples/CustomPlanner`).
func makeRegistry() -> ComponentRegistry {
    let registry = ComponentRegistry()
    registerEnvironments(in: registry)
    registerModels(in: registry)
    registerPlanners(in: registry)
    registerPolicyOptimizers(in: registry)
    return registry
}
