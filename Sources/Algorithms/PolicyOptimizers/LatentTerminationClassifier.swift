#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// A classifier `p(terminated | z')` on a latent model's latent states: an MLP giving one logit,
/// fitted by class-balanced binary cross-entropy with Adam. `"simple"` fits it to the encoded
/// next observations of the real buffer after every model fit and ends an imagined trajectory
/// where the probability of its next latent state reaches a threshold, because the latent
/// model predicts rewards but no terminations (a task such as CartPole pays the same reward at
/// every step and signals failure only by ending the episode).
///
/// The loss weights each class by `count / (2 * class count)` so that the rare terminal steps
/// count as much as the others (with one class absent, every weight is 1).
///
/// ```swift
/// var generator = RandomGenerator(seed: 0)
/// var classifier = try LatentTerminationClassifier(latentSize: 16, hiddenSizes: [64], learningRate: 1e-3,
///                                                  generator: &generator)
/// let fit = try classifier.fit(latents: nextLatents, terminated: flags, epochs: 20, batchSize: 256,
///                              generator: &generator)                       // [N, 16], [N]
/// let probabilities = try classifier.probabilities(latents: imagined)        // [B]
/// ```
public struct LatentTerminationClassifier: Sendable, Equatable, ParameterContainer {
    /// `[B, latent] -> [B, 1]` logits.
    public internal(set) var network: MLP
    /// The network's optimiser.
    public internal(set) var optimizer: Adam

    /// A fresh classifier drawn from `generator`.
    ///
    /// - Throws: `MBRLError.invalidArgument` for a size or step size out of range.
    public init(latentSize: Int, hiddenSizes: [Int], learningRate: Float, generator: inout RandomGenerator) throws {
        network = try MLP(inputSize: latentSize, hiddenSizes: hiddenSizes, outputSize: 1, activation: .relu,
                          initializer: .glorotUniform, generator: &generator)
        optimizer = try Adam(learningRate: learningRate)
    }

    /// The latent size the classifier takes.
    public var latentSize: Int { network.inputSize }

    /// `p(terminated)` for latent states `[B, latent]`, `[B]`.
    ///
    /// - Throws: `MBRLError.shapeMismatch` for rows of another width.
    public func probabilities(latents: Matrix) throws -> [Float] {
        try network(latents).values.map { 1 / (1 + exp(-$0)) }
    }

    /// The class-balanced binary cross-entropy of `logits` `[B, 1]` against `labels` with
    /// per-class weights, and its gradient with respect to the logits.
    static func loss(logits: Matrix, labels: [Bool], positiveWeight: Float, negativeWeight: Float) -> (loss: Float, gradient: Matrix) {
        let rows = logits.rows
        var gradient = Matrix(rows: rows, columns: 1)
        var total = 0.0
        for row in 0..<rows {
            let logit = logits.values[row]
            let label: Float = labels[row] ? 1 : 0
            let weight = labels[row] ? positiveWeight : negativeWeight
            // softplus(x) - y x, the cross-entropy of sigmoid(x) against y.
            total += Double(weight * (Activation.softplus(logit) - label * logit))
            gradient[row, 0] = weight * (1 / (1 + exp(-logit)) - label) / Float(max(rows, 1))
        }
        return (Float(total / Double(max(rows, 1))), gradient)
    }

    /// Fits the classifier for `epochs` passes over shuffled minibatches.
    ///
    /// - Parameters:
    ///   - latents: `[N, latent]`.
    ///   - terminated: `[N]` labels.
    /// - Returns: the last epoch's mean loss and the balanced accuracy (mean of the two
    ///   classes' recalls at probability 0.5; the one class's recall when only one is present)
    ///   on the data after the fit.
    /// - Throws: `MBRLError.shapeMismatch` when the counts differ, `MBRLError.nonFinite` when
    ///   a loss is not finite (the classifier keeps its previous weights).
    public mutating func fit(latents: Matrix, terminated: [Bool], epochs: Int, batchSize: Int,
                             generator: inout RandomGenerator) throws -> (loss: Float, balancedAccuracy: Float) {
        let rows = latents.rows
        guard terminated.count == rows, latents.columns == latentSize else {
            throw MBRLError.shapeMismatch(
                "the termination classifier takes latents [N, \(latentSize)] with one label each, got \(rows) x \(latents.columns) and \(terminated.count) labels")
        }
        guard rows > 0 else { return (0, 0) }
        let positives = terminated.filter { $0 }.count, negatives = rows - positives
        let positiveWeight = positives == 0 || negatives == 0 ? 1 : Float(rows) / Float(2 * positives)
        let negativeWeight = positives == 0 || negatives == 0 ? 1 : Float(rows) / Float(2 * negatives)
        let saved = self
        var lastLoss: Float = 0
        for epoch in 0..<epochs {
            let order = generator.permutation(count: rows)
            var total = 0.0, batches = 0
            for start in stride(from: 0, to: rows, by: max(batchSize, 1)) {
                let indices = Array(order[start..<min(start + batchSize, rows)])
                let (logits, tape) = try network.forward(latents.gatherRows(indices))
                let (loss, gradient) = Self.loss(logits: logits, labels: indices.map { terminated[$0] },
                                                 positiveWeight: positiveWeight, negativeWeight: negativeWeight)
                guard loss.isFinite else {
                    self = saved
                    throw MBRLError.nonFinite("termination classifier epoch \(epoch + 1): the loss is not finite")
                }
                let gradients = try network.backward(gradient, tape: tape, needsInputGradient: false).parameterGradients
                try optimizer.step(&network, gradients: gradients)
                total += Double(loss)
                batches += 1
            }
            lastLoss = Float(total / Double(max(batches, 1)))
        }
        let probabilities = try self.probabilities(latents: latents)
        var correctPositives = 0, correctNegatives = 0
        for row in 0..<rows {
            if terminated[row] && probabilities[row] >= 0.5 { correctPositives += 1 }
            if !terminated[row] && probabilities[row] < 0.5 { correctNegatives += 1 }
        }
        let recalls = [positives > 0 ? Float(correctPositives) / Float(positives) : nil,
                       negatives > 0 ? Float(correctNegatives) / Float(negatives) : nil].compactMap { $0 }
        return (lastLoss, recalls.reduce(0, +) / Float(max(recalls.count, 1)))
    }

    // MARK: - ParameterContainer

    public var parameterNames: [String] { network.parameterNames }
    public var parameters: [Matrix] { network.parameters }
    public mutating func updateParameters<Result>(_ body: (inout [Matrix]) throws -> Result) rethrows -> Result {
        try network.updateParameters(body)
    }
}
