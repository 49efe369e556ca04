import Envs
import Foundation
import MBRLCore
import MBRLTesting
import Models
import Testing

/// The contrastive forward model: its InfoNCE loss equals the formula, every gradient matches
/// finite differences for both similarities, its config is strict, bad inputs are refused with
/// the reason, checkpoints restore it, and training makes it rank the true next encoding first.
@Suite struct ContrastiveForwardModelTests {
    static let actionSpace = Space.box(Box(lowerBound: [-2, -1], upperBound: [2, 1]))
    /// Two frames of 6 entries, then a goal image of 6.
    static let layout = GoalImageLayout(frameSize: 6, frameCount: 2, goalImageSize: 6)

    static func smallConfig(_ similarity: LatentSimilarity, historyLength: Int = 2) -> ContrastiveModelConfig {
        var config = ContrastiveModelConfig()
        config.latentSize = 3
        config.historyLength = historyLength
        config.encoderHiddenSizes = [5]
        config.forwardHiddenSizes = [4]
        config.activation = .tanh
        config.similarity = similarity
        return config
    }

    static func randomBlocks(rows: Int, generator: inout RandomGenerator) -> (Matrix, Matrix, Matrix) {
        let size = layout.observationSize
        func block(_ columns: Int, _ scale: Float) -> Matrix {
            Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in scale * (2 * generator.nextUniformFloat() - 1) })
        }
        return (block(size, 1), block(2, 1), block(size, 1))
    }

    @Test(arguments: LatentSimilarity.allCases)
    func lossIsInfoNCEOverTheBatch(similarity: LatentSimilarity) throws {
        var generator = RandomGenerator(seed: 3)
        let model = try ContrastiveForwardModel(config: Self.smallConfig(similarity), observationSize: Self.layout.observationSize,
                                                actionSpace: Self.actionSpace, goalImage: Self.layout, generator: &generator)
        let (observations, actions, next) = Self.randomBlocks(rows: 5, generator: &generator)
        let predictions = try model.predictedNextLatents(observations: observations, actions: actions)
        let targets = try model.encode(observations: next)
        var expected = 0.0, correct = 0
        for i in 0..<5 {
            let logits = (0..<5).map { Double(similarity.logSimilarity(predictions.row(i), targets.row($0))) }
            expected += log(logits.map(exp).reduce(0, +)) - logits[i]
            if logits.indices.max(by: { logits[$0] < logits[$1] }) == i { correct += 1 }
        }
        let terms = try model.lossTerms(observations: observations, actions: actions, nextObservations: next)
        #expect(abs(terms.loss - expected / 5) < 1e-5, "\(terms.loss) vs \(expected / 5)")
        #expect(terms.rankingAccuracy == Double(correct) / 5)
        // The goal image is never read: changing it changes nothing.
        var otherGoal = observations
        otherGoal.withUnsafeMutableBufferPointer { buffer in for row in 0..<5 { buffer[row * 18 + 14] += 0.7 } }
        #expect(try model.encode(observations: otherGoal) == model.encode(observations: observations))
    }

    @Test(arguments: LatentSimilarity.allCases, [1, 2])
    func gradientsMatchFiniteDifferences(similarity: LatentSimilarity, historyLength: Int) throws {
        var generator = RandomGenerator(seed: 11)
        let model = try ContrastiveForwardModel(config: Self.smallConfig(similarity, historyLength: historyLength),
                                                observationSize: Self.layout.observationSize, actionSpace: Self.actionSpace,
                                                goalImage: Self.layout, generator: &generator)
        let (observations, actions, next) = Self.randomBlocks(rows: 4, generator: &generator)
        let (_, gradients) = try model.lossAndGradients(observations: observations, actions: actions, nextObservations: next)
        let reports = try GradientCheck(step: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 1e-3).checkParameters(
            of: model, analytic: gradients) { perturbed in
            try perturbed.lossTerms(observations: observations, actions: actions, nextObservations: next).loss
        }
        #expect(reports.count == model.parameters.count && reports.count == 8)
        for report in reports { #expect(report.passed, "\(report)") }
        // The check can fail: a gradient with one entry changed is caught.
        var wrong = gradients
        wrong[0].withUnsafeMutableBufferPointer { $0[0] += 0.5 }
        let caught = try GradientCheck().checkParameters(of: model, analytic: wrong) { perturbed in
            try perturbed.lossTerms(observations: observations, actions: actions, nextObservations: next).loss
        }
        #expect(!caught[0].passed)
    }

    @Test func configIsStrict() throws {
        let decoded = try JSONDecoder().decode(ContrastiveModelConfig.self, from: Data(#"{"latentSize": 4, "similarity": "dot-product"}"#.utf8))
        #expect(decoded.latentSize == 4 && decoded.similarity == .dotProduct && decoded.historyLength == 1)
        #expect(try JSONDecoder().decode(ContrastiveModelConfig.self, from: Data("{}".utf8)) == ContrastiveModelConfig())
        for (text, fragment) in [(#"{"latentSzie": 4}"#, "latentSize"), (#"{"similarity": "cosine"}"#, "negative-squared-distance"),
                                 (#"{"batchSize": 1}"#, "batchSize"), (#"{"decoderHiddenSizes": [8]}"#, "decoderHiddenSizes")] {
            do {
                _ = try JSONDecoder().decode(ContrastiveModelConfig.self, from: Data(text.utf8))
                Issue.record("\(text) was accepted")
            } catch {
                #expect("\(error)".contains(fragment), "\(text): \(error)")
            }
        }
    }

    @Test func badInputsAreRefusedWithTheReason() throws {
        var generator = RandomGenerator(seed: 1)
        func refusal(_ body: () throws -> Void) -> String {
            do { try body(); return "accepted" } catch { return "\(error)" }
        }
        // A goal image of another size than the frames.
        let smallGoal = GoalImageLayout(frameSize: 1024, frameCount: 2, goalImageSize: 256)
        let goalMessage = refusal {
            _ = try ContrastiveForwardModel(config: ContrastiveModelConfig(), observationSize: 2304, actionSpace: Self.actionSpace,
                                            goalImage: smallGoal, generator: &generator)
        }
        #expect(goalMessage.contains("goal image has 256 entries but the frames have 1024"), "\(goalMessage)")
        // A frame stack shorter than the model's history.
        var history = ContrastiveModelConfig()
        history.historyLength = 3
        let historyMessage = refusal {
            _ = try ContrastiveForwardModel(config: history, observationSize: 3072, actionSpace: Self.actionSpace,
                                            goalImage: GoalImageLayout(frameSize: 1024, frameCount: 2, goalImageSize: 1024),
                                            generator: &generator)
        }
        #expect(historyMessage.contains("historyLength 3 needs 3 stacked frames") && historyMessage.contains("stack 2"), "\(historyMessage)")
        // No decoder.
        let model = try ContrastiveForwardModel(config: Self.smallConfig(.negativeSquaredDistance), observationSize: 18,
                                                actionSpace: Self.actionSpace, goalImage: Self.layout, generator: &generator)
        #expect(!model.hasDecoder)
        #expect(refusal { _ = try model.decode(latents: Matrix(rows: 1, columns: 3)) }.contains("no decoder"))
        // A goal-image scorer for a model whose observations do not hold the layout.
        let plannerMessage = refusal {
            _ = try GoalImagePlanningModel(model: model, actionSpace: Self.actionSpace, goalImage: smallGoal)
        }
        #expect(plannerMessage.contains("goal image has 256 entries"), "\(plannerMessage)")
    }

    @Test func checkpointRestoresTheModel() throws {
        var generator = RandomGenerator(seed: 5)
        var model = try ContrastiveForwardModel(config: Self.smallConfig(.dotProduct), observationSize: 18, actionSpace: Self.actionSpace,
                                                goalImage: Self.layout, generator: &generator)
        var buffer = ReplayBuffer(capacity: 100, observationSize: 18, actionSize: 2)
        for _ in 0..<20 {
            let (o, a, n) = Self.randomBlocks(rows: 1, generator: &generator)
            try buffer.append(Transition(observation: o.row(0), action: a.row(0), reward: 0, nextObservation: n.row(0), terminated: false, truncated: false))
        }
        _ = try model.train(on: buffer, generator: &generator)
        var writer = CheckpointWriter()
        try model.write(to: &writer, prefix: "model")
        let restored = try ContrastiveForwardModel(checkpoint: try Checkpoint(data: try writer.encodedData()), prefix: "model")
        #expect(restored == model)
        var other = try ContrastiveForwardModel(config: Self.smallConfig(.dotProduct, historyLength: 1), observationSize: 18,
                                                actionSpace: Self.actionSpace, goalImage: Self.layout, generator: &generator)
        #expect(throws: MBRLError.self) { try other.read(from: try Checkpoint(data: try writer.encodedData()), prefix: "model") }
    }

    /// Random-action transitions of `PointMassGoalPixels-v0`.
    static func transitions(episodes: Int, seed: UInt64) throws -> ReplayBuffer {
        var environment = try EnvironmentCatalog.make("PointMassGoalPixels-v0", seed: seed)
        var buffer = ReplayBuffer(capacity: episodes * 100, observationSize: environment.observationSize, actionSize: 2)
        var generator = RandomGenerator(seed: seed)
        for episode in 0..<episodes {
            var observation = try environment.reset(seed: seed * 1000 + UInt64(episode))
            while true {
                let action = environment.actionSpace.sample(using: &generator)
                let step = try environment.step(action)
                try buffer.append(Transition(observation: observation, action: action, step: step))
                observation = step.observation
                if step.isDone { break }
            }
        }
        return buffer
    }

    @Test func trainingRanksTheTrueNextEncodingFirst() throws {
        let training = try Self.transitions(episodes: 10, seed: 1), heldOut = try Self.transitions(episodes: 2, seed: 2)
        let layout = GoalImageLayout(frameSize: 1024, frameCount: 2, goalImageSize: 1024)
        var config = ContrastiveModelConfig()
        config.historyLength = 2
        config.encoderHiddenSizes = [64]
        config.forwardHiddenSizes = [64]
        config.maxUpdatesPerFit = 300
        var generator = RandomGenerator(seed: 7)
        let untrained = try ContrastiveForwardModel(config: config, observationSize: 3072, actionSpace: Self.actionSpace,
                                                    goalImage: layout, generator: &generator)
        var trained = untrained
        _ = try trained.train(on: training, generator: &generator)
        let batch = heldOut.batch(Array(stride(from: 0, to: heldOut.count, by: 3).prefix(64)))
        let before = try untrained.lossTerms(observations: batch.observations, actions: batch.actions, nextObservations: batch.nextObservations)
        let after = try trained.lossTerms(observations: batch.observations, actions: batch.actions, nextObservations: batch.nextObservations)
        print("held-out ranking accuracy over 64 candidates: untrained \(before.rankingAccuracy), trained \(after.rankingAccuracy); InfoNCE \(before.loss) -> \(after.loss)")
        #expect(after.rankingAccuracy >= before.rankingAccuracy + 0.2, "untrained \(before.rankingAccuracy), trained \(after.rankingAccuracy)")
        #expect(after.loss < before.loss - 1)
        #expect(trained.fitCount == 1 && trained.lastLoss != nil)
    }
}
