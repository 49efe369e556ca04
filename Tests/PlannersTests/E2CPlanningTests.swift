import Envs
import MBRLCore
import Models
import Planners
import Testing

/// iLQR in an E2C model's latent space: the linearisation it receives is the model's own
/// `A(z)`, `B(z)`, it plans from raw pixels, and bad inputs are refused with the reason.
@Suite struct E2CPlanningTests {
    static let actionSpace = Space.box(Box(lowerBound: -2, upperBound: 2, size: 1))

    static var smallConfig: E2CModelConfig {
        var config = E2CModelConfig()
        config.latentSize = 4
        config.encoderHiddenSizes = [32]
        config.decoderHiddenSizes = [32]
        config.transitionHiddenSizes = [16]
        config.rewardHiddenSizes = [16]
        config.epochs = 100
        config.maxUpdatesPerFit = 600
        return config
    }

    /// An untrained model on `PendulumPixels-v1`'s observations (two 32 x 32 frames).
    static func model(_ config: E2CModelConfig = smallConfig, seed: UInt64 = 3) throws -> E2CModel {
        var generator = RandomGenerator(seed: seed)
        return try E2CModel(config: config, rawObservationSize: 2 * 32 * 32, actionSpace: actionSpace, generator: &generator)
    }

    /// A model fitted to 4 random pendulum episodes (600 updates, about 2 s), and a frame.
    static func trainedModel() throws -> (E2CModel, [Float]) {
        var environment = try EnvironmentCatalog.make("PendulumPixels-v1", seed: 1)
        var buffer = ReplayBuffer(capacity: 2_000, observationSize: environment.observationSize, actionSize: environment.actionSize)
        var generator = RandomGenerator(seed: 1, stream: 1)
        for episode in 0..<4 {
            _ = try buffer.appendRandomEpisode(from: &environment, resetSeed: UInt64(100 + episode), generator: &generator)
        }
        var model = try Self.model()
        try model.train(on: buffer, generator: &generator)
        return (model, buffer.batch([57]).observations.row(0))
    }

    static func randomRows(_ rows: Int, _ columns: Int, scale: Float, generator: inout RandomGenerator) -> Matrix {
        Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in scale * generator.nextStandardNormalFloat() })
    }

    /// The expansion iLQR receives holds `A(z)` and `B(z)` exactly as the model gives them, and
    /// they are the paper's form: `A - I = v rᵀ` has rank one, and the step is affine in the
    /// action with slope `B` (so `B` is the exact action Jacobian).
    @Test func linearizationIsTheModelsOwnMatrices() throws {
        let model = try Self.model()
        let planning = try LocallyLinearLatentPlanning(model: model, actionSpace: Self.actionSpace)
        var generator = RandomGenerator(seed: 4)
        let latents = Self.randomRows(5, 4, scale: 1, generator: &generator)
        let actions = Self.randomRows(5, 1, scale: 0.8, generator: &generator)
        let expansions = try planning.expand(observations: latents, actions: actions)
        let step = try model.locallyLinearStep(latents: latents, actions: actions)
        #expect(expansions.count == 5)
        for row in 0..<5 {
            #expect(expansions[row].stateJacobian == step.stateMatrices[row])
            #expect(expansions[row].actionJacobian == step.actionMatrices[row])
            // Rank one: every 2 x 2 minor of A - I vanishes.
            let a = step.stateMatrices[row]
            var largestMinor: Float = 0, largestEntry: Float = 0
            for i in 0..<4 {
                for j in 0..<4 {
                    largestEntry = max(largestEntry, abs(a[i, j] - (i == j ? 1 : 0)))
                    for k in 0..<4 where k != i {
                        for l in 0..<4 where l != j {
                            let minor = (a[i, j] - (i == j ? 1 : 0)) * (a[k, l] - (k == l ? 1 : 0))
                                - (a[i, l] - (i == l ? 1 : 0)) * (a[k, j] - (k == j ? 1 : 0))
                            largestMinor = max(largestMinor, abs(minor))
                        }
                    }
                }
            }
            #expect(largestEntry > 1e-3, "A differs from the identity")
            #expect(largestMinor < 1e-5 * max(1, largestEntry * largestEntry), "A - I has rank one: minor \(largestMinor)")
        }
        // Affine in the action with slope B.
        var shifted = actions
        shifted.withUnsafeMutableBufferPointer { buffer in for index in 0..<buffer.count { buffer[index] += 0.5 } }
        let next = try model.locallyLinearStep(latents: latents, actions: shifted).nextLatents
        for row in 0..<5 {
            for i in 0..<4 {
                let expected = step.nextLatents[row, i] + 0.5 * step.actionMatrices[row][i, 0]
                #expect(abs(next[row, i] - expected) < 1e-4, "row \(row), entry \(i): \(next[row, i]) vs \(expected)")
            }
        }
        // The planner's step is the model's.
        let stepped = try planning.step(observations: latents, actions: actions)
        #expect(stepped.nextObservations == step.nextLatents)
    }

    /// The reward expansion on the learned head: its gradient is the head's input gradient
    /// (checked against central differences of the rewards) and the Hessian is negative
    /// semidefinite.
    @Test func learnedRewardExpansionMatchesFiniteDifferences() throws {
        let model = try Self.model()
        let planning = try LocallyLinearLatentPlanning(model: model, actionSpace: Self.actionSpace)
        var generator = RandomGenerator(seed: 8)
        let latents = Self.randomRows(3, 4, scale: 1, generator: &generator)
        let actions = Self.randomRows(3, 1, scale: 0.8, generator: &generator)
        let expansions = try planning.expand(observations: latents, actions: actions)
        let step: Float = 1e-2
        for row in 0..<3 {
            for input in 0..<5 {
                var plusLatents = Matrix(row: latents.row(row)), minusLatents = plusLatents
                var plusActions = Matrix(row: actions.row(row)), minusActions = plusActions
                if input < 4 {
                    plusLatents[0, input] += step; minusLatents[0, input] -= step
                } else {
                    plusActions[0, 0] += step; minusActions[0, 0] -= step
                }
                let plus = try planning.step(observations: plusLatents, actions: plusActions).rewards[0]
                let minus = try planning.step(observations: minusLatents, actions: minusActions).rewards[0]
                let numeric = (plus - minus) / (2 * step)
                let analytic = input < 4 ? expansions[row].rewardStateGradient[input] : expansions[row].rewardActionGradient[0]
                #expect(abs(numeric - analytic) < 2e-3 * max(1, abs(numeric)), "row \(row), input \(input): \(analytic) vs \(numeric)")
            }
            for i in 0..<4 { #expect(expansions[row].rewardStateHessian[i, i] <= 1e-6) }
            #expect(expansions[row].rewardActionHessian[0, 0] <= 1e-6)
        }
    }

    /// iLQR plans from raw pixels through a fitted model: finite actions inside the bounds,
    /// the nominal trajectory starting at the encoding of the frame, and a planned return no
    /// worse than holding the middle action.
    @Test func iterativeLQRPlansFromPixels() throws {
        let (model, frame) = try Self.trainedModel()
        let planning = try LocallyLinearLatentPlanning(model: model, actionSpace: Self.actionSpace)
        var planner = try IterativeLQRPlanner(config: .init(horizon: 20, maximumIterations: 10), actionSpace: Self.actionSpace)
        try planner.checkCompatibility(with: planning)
        var generator = RandomGenerator(seed: 0)
        let plan = try planner.plan(from: frame, model: planning, generator: &generator)
        #expect(plan.actions.rows == 20)
        #expect(plan.actions.values.allSatisfy { $0.isFinite && $0 >= -2 && $0 <= 2 }, "\(plan.actions.values)")
        let start = try model.encode(observations: Matrix(row: frame)).row(0)
        #expect(plan.nominalObservations?.row(0) == start)
        // The return of holding 0 through the model.
        var state = Matrix(row: start), total: Float = 0
        for _ in 0..<20 {
            let result = try planning.step(observations: state, actions: Matrix(row: [0]))
            total += result.rewards[0]
            state = result.nextObservations
        }
        let planned = try #require(plan.expectedReturn)
        print("E2C iLQR plan: planned return \(planned), holding 0: \(total), first actions \(Array(plan.actions.values.prefix(5)))")
        #expect(planned.isFinite && planned >= total - 1e-3, "planned \(planned) against \(total) for holding 0")
    }

    // MARK: - Bad input

    /// A goal image of the wrong size is refused when the planning model is built.
    @Test func goalImageOfTheWrongSizeIsRefused() throws {
        let model = try Self.model()
        #expect {
            _ = try LocallyLinearLatentPlanning(model: model, actionSpace: Self.actionSpace,
                                                goalObservation: [Float](repeating: 0, count: 32 * 32))
        } throws: { error in
            "\(error)".contains("the goal observation has 1024 entries") && "\(error)".contains("2048")
        }
        let goal = try LocallyLinearLatentPlanning(model: model, actionSpace: Self.actionSpace,
                                                   goalObservation: [Float](repeating: 0, count: 2 * 32 * 32))
        #expect(goal.goalLatent?.count == 4)
        // The goal cost is expanded exactly: at the goal its gradient vanishes.
        let expansions = try goal.expand(observations: Matrix(row: goal.goalLatent ?? []), actions: Matrix(row: [0]))
        #expect(expansions[0].rewardStateGradient.allSatisfy { $0 == 0 })
        #expect(expansions[0].rewardStateHessian[0, 0] == -2)
    }

    /// A frame stack shorter than the model's history is refused, naming both counts.
    @Test func frameStackShorterThanTheHistoryIsRefused() throws {
        var config = Self.smallConfig
        config.historyLength = 3
        var generator = RandomGenerator(seed: 3)
        let model = try E2CModel(config: config, rawObservationSize: 100, actionSpace: Self.actionSpace, generator: &generator)
        let planning = try LocallyLinearLatentPlanning(model: model, actionSpace: Self.actionSpace)
        var planner = try IterativeLQRPlanner(config: .init(horizon: 5), actionSpace: Self.actionSpace)
        #expect {
            _ = try planner.plan(from: [Float](repeating: 0.1, count: 200), model: planning, generator: &generator)
        } throws: { error in
            "\(error)".contains("last 3 observations") && "\(error)".contains("stack of 2")
        }
        // A single observation (the start of an episode) and a full history both plan.
        _ = try planner.plan(from: [Float](repeating: 0.1, count: 100), model: planning, generator: &generator)
        planner.reset()
        _ = try planner.plan(from: [Float](repeating: 0.1, count: 300), model: planning, generator: &generator)
    }
}
