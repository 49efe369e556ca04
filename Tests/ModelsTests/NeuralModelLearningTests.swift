import MBRLCore
import Models
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the models learn: Pendulum dynamics far better than a linear model, ensembles that
/// disagree off the data, and a Gaussian head that recovers input-dependent noise.
@Suite struct NeuralModelLearningTests {
    /// A bootstrap ensemble trained on 2,000 Pendulum transitions from random torques, and
    /// 600 held-out transitions from other episodes.
    struct Pendulum: Sendable {
        let model: DynamicsEnsemble
        let training: TransitionBatch
        let heldOut: TransitionBatch
        let result: ModelTrainingResult
    }

    static let pendulum: Result<Pendulum, MBRLError> = {
        do {
            let training = try NeuralModelTestSupport.pendulumTransitions(episodes: 10, steps: 200, seed: 1)
            let heldOut = try NeuralModelTestSupport.pendulumTransitions(episodes: 3, steps: 200, seed: 2)
            var config = DynamicsModelConfig(kind: .gaussian, ensembleSize: 5, eliteCount: 5, hiddenSizes: [64, 64],
                                             normalizeOutputs: true)
            config.training = ModelTrainerConfig(learningRate: 3e-3, weightDecay: 0, batchSize: 64, validationRatio: 0.1,
                                                 epochs: 40, patience: 10)
            var generator = RandomGenerator(seed: 3)
            var model = try DynamicsEnsemble(config: config, observationSize: 3,
                                             actionSpace: .box(Box(lowerBound: -2, upperBound: 2, size: 1)), generator: &generator)
            var trainer = model.trainer
            let result = try trainer.train(&model, on: NeuralModelTestSupport.buffer(training), generator: &generator)
            return .success(Pendulum(model: model, training: training, heldOut: heldOut, result: result))
        } catch let error as MBRLError {
            return .failure(error)
        } catch {
            return .failure(.invalidArgument("\(error)"))
        }
    }()

    /// `s' ≈ [s, a, 1] W`, fitted by the normal equations in `Double`.
    static func linearLeastSquares(_ data: TransitionBatch) -> ([Float], [Float]) -> [Float] {
        let inputs = data.observations.columns + data.actions.columns + 1
        let outputs = data.nextObservations.columns
        func features(_ observation: [Float], _ action: [Float]) -> [Double] { (observation + action).map(Double.init) + [1] }
        var gram = [[Double]](repeating: [Double](repeating: 0, count: inputs), count: inputs)
        var moment = [[Double]](repeating: [Double](repeating: 0, count: outputs), count: inputs)
        for row in 0..<data.count {
            let x = features(data.observations.row(row), data.actions.row(row))
            let y = data.nextObservations.row(row)
            for i in 0..<inputs {
                for j in 0..<inputs { gram[i][j] += x[i] * x[j] }
                for k in 0..<outputs { moment[i][k] += x[i] * Double(y[k]) }
            }
        }
        // Gauss-Jordan elimination with partial pivoting: W = gram^-1 moment.
        for column in 0..<inputs {
            let pivot = (column..<inputs).max { abs(gram[$0][column]) < abs(gram[$1][column]) }!
            gram.swapAt(column, pivot)
            moment.swapAt(column, pivot)
            let scale = gram[column][column]
            for j in 0..<inputs { gram[column][j] /= scale }
            for k in 0..<outputs { moment[column][k] /= scale }
            for row in 0..<inputs where row != column {
                let factor = gram[row][column]
                for j in 0..<inputs { gram[row][j] -= factor * gram[column][j] }
                for k in 0..<outputs { moment[row][k] -= factor * moment[column][k] }
            }
        }
        let weights = moment
        return { observation, action in
            let x = features(observation, action)
            return (0..<outputs).map { k in Float((0..<inputs).reduce(0.0) { $0 + x[$1] * weights[$1][k] }) }
        }
    }

    static func meanSquaredError(_ predicted: Matrix, _ actual: Matrix) -> Double {
        var total = 0.0
        for index in 0..<predicted.count {
            let error = Double(predicted.values[index] - actual.values[index])
            total += error * error
        }
        return total / Double(predicted.count)
    }

    @Test func ensembleBeatsLinearModelTenfoldOnHeldOutPendulum() throws {
        let pendulum = try Self.pendulum.get()
        let heldOut = pendulum.heldOut
        let ensemble = try pendulum.model.predictiveDistribution(observations: heldOut.observations, actions: heldOut.actions).mean
        let linear = Self.linearLeastSquares(pendulum.training)
        var linearPredictions = Matrix(rows: heldOut.count, columns: 3)
        for row in 0..<heldOut.count {
            linearPredictions.setRow(row, to: linear(heldOut.observations.row(row), heldOut.actions.row(row)))
        }
        let ensembleError = Self.meanSquaredError(ensemble, heldOut.nextObservations)
        let linearError = Self.meanSquaredError(linearPredictions, heldOut.nextObservations)
        #expect(linearError > 10 * ensembleError, "held-out MSE: ensemble \(ensembleError), linear \(linearError)")
        #expect(pendulum.result.validationSampleCount == 200)
        #expect(pendulum.result.elites.count == 5)
    }

    @Test func epistemicUncertaintyGrowsFarFromTheData() throws {
        let pendulum = try Self.pendulum.get()
        let inside = pendulum.heldOut
        let rows = 50
        var farObservations = Matrix(rows: rows, columns: 3), farActions = Matrix(rows: rows, columns: 1)
        var generator = RandomGenerator(seed: 8)
        for row in 0..<rows {
            // cos and sin far off the unit circle, speeds beyond the clip of 8, torques beyond 2.
            farObservations.setRow(row, to: [generator.nextUniformFloat(in: 3, 5), generator.nextUniformFloat(in: -5, -3),
                                             generator.nextUniformFloat(in: 20, 30)])
            farActions.setRow(row, to: [generator.nextUniformFloat(in: 6, 8)])
        }
        func meanEpistemic(_ observations: Matrix, _ actions: Matrix) throws -> Double {
            let distribution = try pendulum.model.predictiveDistribution(observations: observations, actions: actions)
            return distribution.epistemicVariance.sum() / Double(observations.rows)
        }
        let near = try meanEpistemic(inside.observations.rows(0..<rows * 4), inside.actions.rows(0..<rows * 4))
        let far = try meanEpistemic(farObservations, farActions)
        #expect(far > 5 * near, "epistemic variance: far \(far), inside \(near)")
    }

    @Test func gaussianRecoversNoiseThatGrowsWithInput() throws {
        // s' = 0.5 sin(2 s) + sigma(s) * noise, sigma(s) = 0.05 + 0.1 (s + 1), s in [-1, 1].
        func sigma(_ x: Float) -> Float { 0.05 + 0.1 * (x + 1) }
        var generator = RandomGenerator(seed: 12)
        let count = 4000
        var data = TransitionBatch(count: count, observationSize: 1, actionSize: 1)
        for row in 0..<count {
            let x = generator.nextUniformFloat(in: -1, 1)
            data.observations[row, 0] = x
            data.actions[row, 0] = generator.nextUniformFloat(in: -1, 1)
            data.nextObservations[row, 0] = 0.5 * sinf(2 * x) + sigma(x) * generator.nextStandardNormalFloat()
            data.truncated[row] = true
        }
        var config = DynamicsModelConfig(kind: .gaussian, ensembleSize: 1, eliteCount: 1, hiddenSizes: [32, 32],
                                         targetIsDelta: false, normalizeOutputs: true)
        config.training = ModelTrainerConfig(learningRate: 3e-3, weightDecay: 0, batchSize: 128, epochs: 60, patience: 0)
        var model = try GaussianMLP(config: config, observationSize: 1,
                                    actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        try model.train(on: NeuralModelTestSupport.buffer(data), generator: &generator, onEpoch: { _ in })
        let probes: [Float] = [-0.9, -0.6, -0.3, 0, 0.3, 0.6, 0.9]
        let distribution = try model.predictiveDistribution(observations: Matrix(rows: probes.count, columns: 1, values: probes),
                                                            actions: Matrix(rows: probes.count, columns: 1))
        for (row, x) in probes.enumerated() {
            let predicted = distribution.aleatoricVariance[row, 0].squareRoot()
            #expect(abs(predicted / sigma(x) - 1) < 0.25, "x = \(x): predicted std \(predicted), true \(sigma(x))")
            #expect(abs(distribution.mean[row, 0] - 0.5 * sinf(2 * x)) < 0.05)
            #expect(distribution.epistemicVariance[row, 0] == 0)
        }
    }
}
