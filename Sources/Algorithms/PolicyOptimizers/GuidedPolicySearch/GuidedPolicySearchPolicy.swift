#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// What guided policy search acts with: one time-varying linear-Gaussian controller per training
/// condition and the global neural policy, on normalised observations.
///
/// - Exploration and training episodes (`.exploration`): condition `c`'s local controller at step
///   `t` (the last step's controller after `T` steps), or the global policy's sample with
///   `samplePolicy: "global"` once it has been trained.
/// - Evaluation episodes (`.evaluation`): the global policy's mean (MDGPS), which needs no
///   condition and so works from held-out starts; with `trajopt`, the mean of condition
///   `c mod M`'s local controller.
///
/// The global policy sees `(x - shift) * scale`, with the shift and scale set from the first
/// S-step's samples: the mean, and `1 / max(std, 1e-3)` (gps `policy_opt`'s normalisation),
/// except that a dimension that did not vary at all (standard deviation below 1e-8, for example a
/// fixed goal) gets scale 1 instead of 1000, so a held-out value there is not blown up (gps
/// issues #24 and #30).
///
/// ```swift
/// let action = try policy.action(for: observation, step: 3, condition: 1, mode: .exploration, generator: &generator)
/// let global = try policy.action(for: observation, mode: .evaluation, generator: &generator)
/// ```
public struct GuidedPolicySearchPolicy: Sendable {
    /// The local controllers, one per training condition.
    public var controllers: [LinearGaussianController]
    /// The global policy (its input is the normalised observation).
    public var global: DiagonalGaussianMLPPolicy
    /// Subtracted from observations before the global policy.
    public var inputShift: [Float]
    /// Multiplies shifted observations before the global policy.
    public var inputScale: [Float]
    /// Whether the global policy has been trained at least once.
    public var globalTrained = false
    /// The variant.
    public var variant: GuidedPolicySearch.Variant
    /// Who samples.
    public var samplePolicy: GuidedPolicySearch.SamplePolicy

    /// Observations normalised for the global policy, `[B, O]`.
    public func normalized(_ observations: Matrix) -> Matrix {
        var result = observations
        for row in 0..<observations.rows {
            for column in 0..<observations.columns {
                result[row, column] = (observations[row, column] - inputShift[column]) * inputScale[column]
            }
        }
        return result
    }

    /// Sets the normalisation from observations `[B, O]`.
    public mutating func setNormalization(from observations: Matrix) {
        let columns = observations.columns, rows = Double(max(observations.rows, 1))
        var shift = [Float](repeating: 0, count: columns), scale = [Float](repeating: 1, count: columns)
        for column in 0..<columns {
            var mean = 0.0
            for row in 0..<observations.rows { mean += Double(observations[row, column]) }
            mean /= rows
            var variance = 0.0
            for row in 0..<observations.rows { variance += pow(Double(observations[row, column]) - mean, 2) }
            let deviation = (variance / rows).squareRoot()
            shift[column] = Float(mean)
            scale[column] = deviation < 1e-8 ? 1 : Float(1 / max(deviation, 1e-3))
        }
        inputShift = shift
        inputScale = scale
    }

    /// Whether exploration actions come from the global policy.
    var samplesGlobally: Bool { variant == .mdgps && samplePolicy == .global && globalTrained }
}

extension GuidedPolicySearchPolicy: TimeIndexedPolicy {
    /// The global policy's actions for a batch (the mean in evaluation mode); with `trajopt`,
    /// condition 0's controller at step 0 for every row.
    public func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
        if variant == .trajectoryOptimization, let controller = controllers.first {
            var result = Matrix(rows: observations.rows, columns: controller.actionSize)
            for row in 0..<observations.rows {
                let observation = observations.row(row)
                let action = mode == .evaluation
                    ? controller.meanAction(for: observation.map(Double.init), step: 0).map(Float.init)
                    : controller.action(for: observation, step: 0, generator: &generator)
                result.setRow(row, to: action)
            }
            return result
        }
        return try global.actions(for: normalized(observations), mode: mode, generator: &generator)
    }

    /// See the type's summary for who acts.
    public func action(for observation: [Float], step: Int, condition: Int?, mode: ActionMode,
                       generator: inout RandomGenerator) throws -> [Float] {
        let useGlobal = variant == .mdgps && (mode == .evaluation || samplesGlobally)
        if useGlobal {
            return try global.action(for: normalized(Matrix(row: observation)).row(0), mode: mode, generator: &generator)
        }
        guard let condition else {
            throw MBRLError.invalidArgument("guided policy search's local controllers act per initial condition; list the conditions in \"loop\": {\"initialStates\": [...]}")
        }
        guard !controllers.isEmpty else { throw MBRLError.invalidArgument("guided policy search has no local controllers") }
        let controller: LinearGaussianController
        if mode == .evaluation {
            controller = controllers[condition % controllers.count]
        } else {
            guard condition < controllers.count else {
                throw MBRLError.invalidArgument("the episode started from initial condition \(condition), but guided policy search has \(controllers.count) local controllers; set \"conditions\" to the number of loop.initialStates")
            }
            controller = controllers[condition]
        }
        let clampedStep = min(step, controller.horizon - 1)
        if mode == .evaluation {
            return controller.meanAction(for: observation.map(Double.init), step: clampedStep).map(Float.init)
        }
        return controller.action(for: observation, step: clampedStep, generator: &generator)
    }
}
