/// Maps observations to actions, batched: `[B, observationSize] -> [B, actionSize]`.
///
/// `mode` tells a stochastic policy whether to explore (sample) or to act for evaluation
/// (its mean or greedy action).
///
/// ```swift
/// struct ZeroPolicy: Policy {
///     let actionSize: Int
///     func actions(for observations: Matrix, mode: ActionMode,
///                  generator: inout RandomGenerator) throws -> Matrix {
///         Matrix(rows: observations.rows, columns: actionSize)
///     }
/// }
/// var generator = RandomGenerator(seed: 0)
/// let action = try ZeroPolicy(actionSize: 1).action(for: [0, 0, 0], mode: .evaluation, generator: &generator)
/// ```
public protocol Policy {
    /// The action for every observation row.
    func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix
}

/// Whether a policy acts to explore or to be evaluated.
public enum ActionMode: String, Sendable, Codable {
    /// Sample, add exploration noise, act epsilon-greedily.
    case exploration
    /// The deterministic (mean or greedy) action.
    case evaluation
}

extension Policy {
    /// The action for one observation.
    public func action(for observation: [Float], mode: ActionMode, generator: inout RandomGenerator) throws -> [Float] {
        try actions(for: Matrix(row: observation), mode: mode, generator: &generator).row(0)
    }
}

/// The policy that samples uniformly from an action space (the usual initial exploration).
public struct RandomPolicy: Policy, Sendable {
    /// The space actions are drawn from.
    public var actionSpace: Space

    public init(actionSpace: Space) { self.actionSpace = actionSpace }

    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        var result = Matrix(rows: observations.rows, columns: actionSpace.flatSize)
        for row in 0..<observations.rows { result.setRow(row, to: actionSpace.sample(using: &generator)) }
        return result
    }
}
