// The Planners module: random shooting, CEM, iCEM, MPPI, MCTS/UCT, gradient shooting and iLQR,
// each a `Planner` from MBRLCore with a `Codable` config.
import MBRLCore
