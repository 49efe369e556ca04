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
import MBRLCore
