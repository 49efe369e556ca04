import Foundation
import MBRLCore

extension ContrastiveForwardModel {
    /// The InfoNCE loss of `B` transitions and its gradient with respect to every parameter (in
    /// the order of `parameters`).
    ///
    /// With `z_i = g(o_i)`, `ẑ_i = z_i + f(z_i, a_i)`, `z'_j = g(o'_j)` and the logits
    /// `s_ij = log h(ẑ_i, z'_j)`, the loss is `(1 / B) sum_i [logsumexp_j s_ij - s_ii]`: the
    /// positive is row `i`'s own next encoding, the negatives the other rows'. Its gradient with
    /// respect to the logits is `(softmax_j(s_i) - 1[i = j]) / B`; it flows into `ẑ` (and
    /// through `f` into `z`), and into `z'`, and both reach the encoder.
    ///
    /// - Parameters:
    ///   - observations: `[B, raw]`, `B >= 2`.
    ///   - actions: `[B, act]` in the environment's units.
    ///   - nextObservations: `[B, raw]`.
    /// - Throws: `MBRLError.shapeMismatch` when the blocks do not fit the model or each other.
    public func lossAndGradients(observations: Matrix, actions: Matrix,
                                 nextObservations: Matrix) throws -> (terms: ContrastiveLossTerms, parameterGradients: [Matrix]) {
        let result = try computeLoss(observations: observations, actions: actions, nextObservations: nextObservations,
                                     needsGradients: true)
        return (result.terms, result.gradients)
    }

    /// The loss and ranking accuracy of `B` transitions, without gradients.
    public func lossTerms(observations: Matrix, actions: Matrix, nextObservations: Matrix) throws -> ContrastiveLossTerms {
        try computeLoss(observations: observations, actions: actions, nextObservations: nextObservations, needsGradients: false).terms
    }

    /// The predicted next latents `ẑ = z + f(z, a)` `[B, latent]` of observation rows.
    public func predictedNextLatents(observations: Matrix, actions: Matrix) throws -> Matrix {
        var generator = RandomGenerator(seed: 0)
        return try predict(observations: try encode(observations: observations), actions: actions, generator: &generator).nextObservations
    }

    // MARK: - Forward and backward

    func computeLoss(observations: Matrix, actions: Matrix, nextObservations: Matrix,
                     needsGradients: Bool) throws -> (terms: ContrastiveLossTerms, gradients: [Matrix]) {
        let rows = observations.rows, latent = latentSize
        guard rows >= 2, nextObservations.rows == rows, actions.rows == rows else {
            throw MBRLError.shapeMismatch(
                "InfoNCE needs at least 2 transitions with one observation, action and next observation each; got \(observations.rows), \(actions.rows) and \(nextObservations.rows) rows")
        }
        guard actions.columns == actionSize else {
            throw MBRLError.shapeMismatch("the contrastive model takes actions of \(actionSize) entries, got rows of \(actions.columns)")
        }
        // MARK: Encoder, both sides in one pass
        let inputs = try encoderInput(observations).concatenatedRows(try encoderInput(nextObservations))
        let (encoded, encoderTape) = try encoder.forward(inputs)
        let latents = encoded.rows(0..<rows), targets = encoded.rows(rows ..< 2 * rows)

        // MARK: Forward model
        let forwardInput = latents.concatenatedColumns(scaledActions(actions))
        let (change, forwardTape) = try forward.forward(forwardInput)
        let predictions = latents + change

        // MARK: InfoNCE over the batch
        let logits = similarity.logSimilarities(predictions, targets)           // [B, B]
        var logitGradient = Matrix(rows: rows, columns: rows)                   // dL/ds
        var loss = 0.0, correct = 0
        logits.withUnsafeBufferPointer { s in
            logitGradient.withUnsafeMutableBufferPointer { g in
                for i in 0..<rows {
                    var largest = -Float.infinity, best = 0
                    for j in 0..<rows where s[i * rows + j] > largest { largest = s[i * rows + j]; best = j }
                    if best == i { correct += 1 }
                    var total = 0.0
                    for j in 0..<rows { total += Foundation.exp(Double(s[i * rows + j] - largest)) }
                    loss += Double(largest) + Foundation.log(total) - Double(s[i * rows + i])
                    for j in 0..<rows {
                        let probability = Foundation.exp(Double(s[i * rows + j] - largest)) / total
                        g[i * rows + j] = Float((probability - (i == j ? 1 : 0)) / Double(rows))
                    }
                }
            }
        }
        let terms = ContrastiveLossTerms(loss: loss / Double(rows), rankingAccuracy: Double(correct) / Double(rows))
        guard needsGradients else { return (terms, []) }

        // MARK: Backward
        // d s_ij / d ẑ_i and d s_ij / d z'_j: -2 (ẑ_i - z'_j) and 2 (ẑ_i - z'_j) for the
        // negative squared distance, z'_j and ẑ_i for the dot product.
        var predictionGradient = Matrix(rows: rows, columns: latent), targetGradient = Matrix(rows: rows, columns: latent)
        let isDistance = similarity == .negativeSquaredDistance
        logitGradient.withUnsafeBufferPointer { g in
            predictions.withUnsafeBufferPointer { p in
                targets.withUnsafeBufferPointer { t in
                    predictionGradient.withUnsafeMutableBufferPointer { dp in
                        targetGradient.withUnsafeMutableBufferPointer { dt in
                            for i in 0..<rows {
                                for j in 0..<rows {
                                    let weight = g[i * rows + j]
                                    for k in 0..<latent {
                                        if isDistance {
                                            let difference = p[i * latent + k] - t[j * latent + k]
                                            dp[i * latent + k] -= 2 * weight * difference
                                            dt[j * latent + k] += 2 * weight * difference
                                        } else {
                                            dp[i * latent + k] += weight * t[j * latent + k]
                                            dt[j * latent + k] += weight * p[i * latent + k]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let (forwardGradients, forwardInputGradient) = try forward.backward(predictionGradient, tape: forwardTape, needsInputGradient: true)
        var latentGradient = predictionGradient
        if let forwardInputGradient { latentGradient.add(forwardInputGradient.columns(0..<latent)) }
        let (encoderGradients, _) = try encoder.backward(latentGradient.concatenatedRows(targetGradient), tape: encoderTape,
                                                         needsInputGradient: false)
        return (terms, encoderGradients + forwardGradients)
    }
}
