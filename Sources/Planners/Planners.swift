// The Planners module: random shooting, CEM, iCEM, MPPI, gradient shooting, MCTS/UCT and iLQR,
// each a `Planner` from MBRLCore configured by a `Codable` config with documented defaults.
//
// | planner                          | recipe name          | needs from the model                      |
// | -------------------------------- | -------------------- | ----------------------------------------- |
// | `RandomShootingPlanner`          | `random-shooting`    | `TrajectoryEvaluator`                     |
// | `CrossEntropyPlanner`            | `cem`                | `TrajectoryEvaluator`                     |
// | `ImprovedCrossEntropyPlanner`    | `icem`               | `TrajectoryEvaluator`                     |
// | `PathIntegralPlanner`            | `mppi`               | `TrajectoryEvaluator`                     |
// | `GradientShootingPlanner`        | `gradient-shooting`  | `DifferentiableTrajectoryEvaluator`       |
// | `MonteCarloTreeSearchPlanner`    | `mcts`               | `DiscreteSimulator`                       |
// | `IterativeLQRPlanner`            | `ilqr`               | `LinearizableModel` (`ModelLinearization`)|
//
// `LocallyLinearLatentPlanning` is the `LinearizableModel` of a locally linear latent model (E2C):
// iLQR plans in its latent space with the model's own `A(z)`, `B(z)` as the linearisation.
import MBRLCore
