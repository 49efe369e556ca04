import Foundation
import MBRLCore
import Planners

extension GuidedPolicySearch {
    // MARK: - S-step

    /// Trains the global policy's mean on the controllers' mean actions at every sample's states,
    /// weighted by the controllers' precisions, then sets its variance from them (gps
    /// `PolicyOptTf.update`: loss `1/2 (u - mu)^T P (u - mu)` per row, variance
    /// `1 / diag(mean P)`). Returns the final minibatch loss.
    public mutating func trainGlobalPolicy(targets: [LinearGaussianController], samples: [[GuidedPolicySearchSample]],
                                    generator: inout RandomGenerator) throws -> Double {
        var observations: [[Float]] = [], means: [[Float]] = [], precisions: [DenseMatrix] = []
        for (condition, conditionSamples) in samples.enumerated() {
            let controller = targets[condition]
            for sample in conditionSamples {
                for step in 0..<config.horizon {
                    observations.append(sample.observations[step].map(Float.init))
                    means.append(controller.meanAction(for: sample.observations[step], step: step).map(Float.init))
                    precisions.append(controller.precisions[step])
                }
            }
        }
        let actionSize = actionBounds.size
        let rawInputs = Matrix(rowArrays: observations)
        if !policy.globalTrained { policy.setNormalization(from: rawInputs) }
        let inputs = policy.normalized(rawInputs)
        var network = policy.global.network
        var optimizer = policyOptimizer
        var lastLoss = 0.0
        let batchSize = min(config.policyBatchSize, observations.count)
        for _ in 0..<config.policyUpdates {
            let indices = (0..<batchSize).map { _ in generator.nextInt(below: observations.count) }
            let (output, tape) = try network.forward(inputs.gatherRows(indices))
            var outputGradient = Matrix(rows: batchSize, columns: actionSize)
            var loss = 0.0
            for (row, index) in indices.enumerated() {
                let difference = (0..<actionSize).map { Double(output[row, $0]) - Double(means[index][$0]) }
                let weighted = precisions[index] * difference
                loss += 0.5 * dot(difference, weighted)
                for column in 0..<actionSize { outputGradient[row, column] = Float(weighted[column] / Double(batchSize)) }
            }
            lastLoss = loss / Double(batchSize)
            guard lastLoss.isFinite else {
                throw MBRLError.nonFinite("the global policy's S-step loss became \(lastLoss); lower policyLearningRate")
            }
            let (gradients, _) = try network.backward(outputGradient, tape: tape, needsInputGradient: false)
            try optimizer.step(&network, gradients: gradients)
        }
        policy.global.network = network
        policyOptimizer = optimizer
        // Variance from the mean precision (gps: var = 1 / diag(mean P)), floored (gps issue #77).
        var meanDiagonal = [Double](repeating: 0, count: actionSize)
        for precision in precisions { for index in 0..<actionSize { meanDiagonal[index] += precision[index, index] } }
        let logStandardDeviation = meanDiagonal.map { total -> Float in
            let variance = max(Double(precisions.count) / max(total, 1e-300), config.minimumPolicyVariance)
            return Float(0.5 * Foundation.log(variance))
        }
        policy.global.logStandardDeviation = Matrix(row: logStandardDeviation)
        policy.globalTrained = true
        return lastLoss
    }

    // MARK: - Linearisation

    /// The global policy as a linear-Gaussian controller around `samples`: per step, `K_t` the
    /// mean Jacobian of the mean action over the samples' states, `k_t` the mean of
    /// `mu(x) - K_t x`, and `S_t` the policy's diagonal covariance (floored).
    public func linearizeGlobalPolicy(at samples: [GuidedPolicySearchSample]) throws -> LinearGaussianController {
        let horizon = config.horizon, count = samples.count, actionSize = actionBounds.size
        let observationSize = policy.global.observationSize
        var rows: [[Float]] = []
        for step in 0..<horizon { for sample in samples { rows.append(sample.observations[step].map(Float.init)) } }
        let raw = Matrix(rowArrays: rows)
        let (mean, tape) = try policy.global.network.forward(policy.normalized(raw))
        // Jacobian rows: d mu_a / d x = (d mu_a / d x_normalised) * scale.
        var jacobians: [Matrix] = []
        for action in 0..<actionSize {
            var selector = Matrix(rows: rows.count, columns: actionSize)
            for row in 0..<rows.count { selector[row, action] = 1 }
            let (_, inputGradient) = try policy.global.network.backward(selector, tape: tape, needsInputGradient: true,
                                                                       needsParameterGradients: false)
            jacobians.append(inputGradient ?? Matrix(rows: rows.count, columns: observationSize))
        }
        var covariance = DenseMatrix(rows: actionSize, columns: actionSize)
        for index in 0..<actionSize {
            let variance = Foundation.exp(2 * Double(policy.global.logStandardDeviation[0, index]))
            covariance[index, index] = max(variance, config.minimumPolicyVariance)
        }
        var gains: [DenseMatrix] = [], offsets: [[Double]] = []
        for step in 0..<horizon {
            var gain = DenseMatrix(rows: actionSize, columns: observationSize)
            for sample in 0..<count {
                let row = step * count + sample
                for action in 0..<actionSize {
                    for column in 0..<observationSize {
                        gain[action, column] += Double(jacobians[action][row, column]) * Double(policy.inputScale[column]) / Double(count)
                    }
                }
            }
            var offset = [Double](repeating: 0, count: actionSize)
            for sample in 0..<count {
                let row = step * count + sample
                let linear = gain * rows[row].map(Double.init)
                for action in 0..<actionSize { offset[action] += (Double(mean[row, action]) - linear[action]) / Double(count) }
            }
            gains.append(gain); offsets.append(offset)
        }
        return try LinearGaussianController(gains: gains, offsets: offsets, covariances: Array(repeating: covariance, count: horizon))
    }
}
